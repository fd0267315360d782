"""scikit-learn estimators for penalized linear models (the objective of :mod:`shrinkage.conventions`).

Thin: each validates its input, assembles a datafit, a penalty and a solver, solves, and sets
its fitted attributes. ``_ridge`` (Ridge, RidgeCV), ``_logistic`` / ``_logistic_cv``
(LogisticRegression, LogisticRegressionCV), ``_enet`` / ``_enet_cv`` (Lasso, ElasticNet,
ElasticNetCV), ``_group`` (GroupLasso, GroupLassoClassifier), ``_glm`` (PoissonRegressor,
GammaRegressor, TweedieRegressor). Every estimator exposes
``effective_df`` and the sparse ones ``lam_max``, so that diagnostics and the command line need
not know which estimator they hold.
"""

from ._enet import ElasticNet, Lasso
from ._enet_cv import ElasticNetCV
from ._glm import GammaRegressor, PoissonRegressor, TweedieRegressor
from ._group import GroupLasso, GroupLassoClassifier
from ._logistic import LogisticRegression
from ._logistic_cv import LogisticRegressionCV
from ._ridge import Ridge, RidgeCV

__all__ = ["Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV",
           "Lasso", "ElasticNet", "ElasticNetCV", "GroupLasso",
           "GroupLassoClassifier", "PoissonRegressor", "GammaRegressor", "TweedieRegressor",
           "single_lam_estimator"]

_SINGLE = {RidgeCV: Ridge, LogisticRegressionCV: LogisticRegression, ElasticNetCV: ElasticNet}


def single_lam_estimator(estimator):
    """The one-λ estimator with a CV estimator's fitting settings (``RidgeCV`` → ``Ridge``,
    ``LogisticRegressionCV`` → ``LogisticRegression``, ``ElasticNetCV`` → ``ElasticNet``), or the
    estimator itself."""
    base = _SINGLE.get(type(estimator))
    if base is None:
        return estimator
    params = estimator.get_params(deep=False)
    keep = base().get_params(deep=False)
    return base(**{k: v for k, v in params.items() if k in keep and k != "lam"})
