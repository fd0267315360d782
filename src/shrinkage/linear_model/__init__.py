"""scikit-learn estimators for penalized linear models (the objective of :mod:`shrinkage.conventions`)."""

from ._logistic import LogisticRegression, LogisticRegressionCV
from ._ridge import Ridge, RidgeCV
from ._sparse import ElasticNet, ElasticNetCV, GroupLasso, GroupLassoClassifier, Lasso

__all__ = ["Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV",
           "Lasso", "ElasticNet", "ElasticNetCV", "GroupLasso",
           "GroupLassoClassifier"]
