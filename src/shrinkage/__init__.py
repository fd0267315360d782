"""shrinkage — L2 regularization done right.

Every model minimizes one objective, written once in :mod:`shrinkage.conventions`::

    J(w, b) = (1/S) Σ s_i ℓ(y_i, f(x_i; w, b)) + λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]

``import shrinkage`` loads NumPy and the conventions only; an estimator's module (and with it
scikit-learn and numba) is imported the first time its name is used (PEP 562), so that the
command line's light commands and ``convert_strength`` start fast. ``from shrinkage import
Ridge``, ``shrinkage.Ridge``, ``__all__`` and ``dir(shrinkage)`` behave as with eager imports.
"""

from importlib import import_module as _import_module
from typing import TYPE_CHECKING as _TYPE_CHECKING

from .conventions import Strength, convert_strength

if _TYPE_CHECKING:       # the lazy names, as type checkers should see them (never run)
    from .linear_model import (ElasticNet, ElasticNetCV, GammaRegressor, GLMRegressorCV,
                               GroupLasso, GroupLassoClassifier, Lasso, LogisticRegression,
                               LogisticRegressionCV, PoissonRegressor, Ridge, RidgeCV,
                               TweedieRegressor)
    from .nn import MLPClassifier, MLPRegressor

__version__ = "0.1.0"

__all__ = ["Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV", "Lasso",
           "ElasticNet", "ElasticNetCV", "GroupLasso", "GroupLassoClassifier", "MultiTaskLasso",
           "MultiTaskElasticNet", "MultiTaskLassoCV", "MultiTaskElasticNetCV", "MLPClassifier",
           "MLPRegressor", "PoissonRegressor", "GammaRegressor", "TweedieRegressor",
           "GLMRegressorCV", "convert_strength", "Strength", "__version__"]

# public name -> the sub-package that defines it, imported on first use
_LAZY = {**dict.fromkeys(["Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV",
                          "Lasso", "ElasticNet", "ElasticNetCV", "GroupLasso",
                          "GroupLassoClassifier", "MultiTaskLasso", "MultiTaskElasticNet",
                          "MultiTaskLassoCV", "MultiTaskElasticNetCV", "PoissonRegressor", "GammaRegressor",
                          "TweedieRegressor", "GLMRegressorCV"], "linear_model"),
         **dict.fromkeys(["MLPClassifier", "MLPRegressor"], "nn")}
# sub-packages that eager imports used to make attributes of the package
_SUBMODULES = ("conventions", "datafits", "linear_model", "nn", "penalties", "selection",
               "solvers", "standardization")


def __getattr__(name):
    if name in _LAZY:
        value = getattr(_import_module(f".{_LAZY[name]}", __name__), name)
    elif name in _SUBMODULES:
        value = _import_module(f".{name}", __name__)
    else:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    globals()[name] = value          # later look-ups skip this function
    return value


_HIDDEN = {"_import_module", "_TYPE_CHECKING", "_LAZY", "_SUBMODULES", "_HIDDEN", "__getattr__",
           "__dir__"}


def __dir__():
    return sorted(set(globals()) - _HIDDEN | set(__all__) | set(_SUBMODULES))
