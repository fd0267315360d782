"""shrinkage — L2 regularization done right.

Every model minimizes one objective, written once in :mod:`shrinkage.conventions`::

    J(w, b) = (1/S) Σ s_i ℓ(y_i, f(x_i; w, b)) + λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]
"""

from .conventions import Strength, convert_strength
from .linear_model import (ElasticNet, ElasticNetCV, GammaRegressor, GroupLasso,
                           GroupLassoClassifier, Lasso, LogisticRegression, LogisticRegressionCV,
                           PoissonRegressor, Ridge, RidgeCV, TweedieRegressor)
from .nn import MLPClassifier, MLPRegressor

__version__ = "0.1.0"

__all__ = ["Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV", "Lasso",
           "ElasticNet", "ElasticNetCV", "GroupLasso", "GroupLassoClassifier", "MLPClassifier",
           "MLPRegressor", "PoissonRegressor", "GammaRegressor", "TweedieRegressor",
           "convert_strength", "Strength", "__version__"]
