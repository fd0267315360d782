"""scikit-learn estimators for penalized linear models (the objective of :mod:`shrinkage.conventions`).

Thin: each validates its input, assembles a datafit, a penalty and a solver, solves, and sets
its fitted attributes. ``_ridge`` (Ridge, RidgeCV), ``_logistic`` / ``_logistic_cv``
(LogisticRegression, LogisticRegressionCV), ``_enet`` / ``_enet_cv`` (Lasso, ElasticNet,
ElasticNetCV), ``_group`` (GroupLasso, GroupLassoClassifier), ``_multitask`` /
``_multitask_cv`` (MultiTaskLasso, MultiTaskElasticNet and their CVs), ``_glm`` (PoissonRegressor,
GammaRegressor, TweedieRegressor), ``_glm_cv`` (GLMRegressorCV). Every estimator exposes
``effective_df`` and the sparse ones ``lam_max``, so that diagnostics and the command line need
not know which estimator they hold.

Each estimator's module is imported on first use of its name (PEP 562): ``from
shrinkage.linear_model import Lasso`` does not load the CV engine or the other estimators.
"""

import sys
from importlib import import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

if _TYPE_CHECKING:       # the lazy names, as type checkers should see them (never run)
    from ._enet import ElasticNet, Lasso
    from ._enet_cv import ElasticNetCV
    from ._glm import GammaRegressor, PoissonRegressor, TweedieRegressor
    from ._glm_cv import GLMRegressorCV
    from ._group import GroupLasso, GroupLassoClassifier
    from ._logistic import LogisticRegression
    from ._logistic_cv import LogisticRegressionCV
    from ._ridge import Ridge, RidgeCV

__all__ = ["Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV",
           "Lasso", "ElasticNet", "ElasticNetCV", "GroupLasso",
           "GroupLassoClassifier", "MultiTaskLasso", "MultiTaskElasticNet",
           "MultiTaskLassoCV", "MultiTaskElasticNetCV", "PoissonRegressor", "GammaRegressor", "TweedieRegressor",
           "GLMRegressorCV", "single_lam_estimator"]

_MODULES = {"Ridge": "_ridge", "RidgeCV": "_ridge", "LogisticRegression": "_logistic",
            "LogisticRegressionCV": "_logistic_cv", "Lasso": "_enet", "ElasticNet": "_enet",
            "ElasticNetCV": "_enet_cv", "GroupLasso": "_group", "GroupLassoClassifier": "_group",
            "MultiTaskLasso": "_multitask", "MultiTaskElasticNet": "_multitask",
            "MultiTaskLassoCV": "_multitask_cv", "MultiTaskElasticNetCV": "_multitask_cv",
            "PoissonRegressor": "_glm", "GammaRegressor": "_glm", "TweedieRegressor": "_glm",
            "GLMRegressorCV": "_glm_cv"}
_SINGLE = {"RidgeCV": "Ridge", "LogisticRegressionCV": "LogisticRegression",
           "ElasticNetCV": "ElasticNet", "MultiTaskLassoCV": "MultiTaskLasso",
           "MultiTaskElasticNetCV": "MultiTaskElasticNet"}


def __getattr__(name):
    if name not in _MODULES:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(f".{_MODULES[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) - {"sys", "import_module", "_TYPE_CHECKING", "__getattr__",
                                    "__dir__"}
                  | set(__all__))


def single_lam_estimator(estimator):
    """The one-λ estimator with a CV estimator's fitting settings (``RidgeCV`` → ``Ridge``,
    ``LogisticRegressionCV`` → ``LogisticRegression``, ``ElasticNetCV`` → ``ElasticNet``), or the
    estimator itself. ``GLMRegressorCV`` → its family's regressor (at the default λ)."""
    cls = type(estimator)
    if cls.__name__ == "GLMRegressorCV" and hasattr(estimator, "_single"):
        return estimator._single(0.01)
    if cls.__name__ not in _SINGLE or cls is not getattr(sys.modules[__name__], cls.__name__):
        return estimator
    base = getattr(sys.modules[__name__], _SINGLE[cls.__name__])
    params = estimator.get_params(deep=False)
    keep = base().get_params(deep=False)
    return base(**{k: v for k, v in params.items() if k in keep and k != "lam"})
