"""Constructor hints: a keyword from another library's estimator (``C``, ``alpha``,
``penalty``, ...) raises a TypeError that says what to write here instead.

Python's own message ("got an unexpected keyword argument 'C'") leaves a user of scikit-learn
guessing how ``C`` maps to ``lam``. :class:`ParamHints` wraps each subclass's ``__init__`` (the
signature scikit-learn reads stays the original one, through ``__wrapped__``) and checks the
keywords first.
"""

from __future__ import annotations

import difflib
import functools
import inspect

__all__ = ["ParamHints"]

#: the strength convention of each estimator's scikit-learn namesake (convert_strength ``source``)
_SOURCES = {"Ridge": "sklearn-ridge", "RidgeCV": "sklearn-ridge", "Lasso": "sklearn-lasso",
            "ElasticNet": "sklearn-elasticnet", "ElasticNetCV": "sklearn-elasticnet",
            "LogisticRegression": "sklearn-logistic", "LogisticRegressionCV": "sklearn-logistic",
            "MLPClassifier": "sklearn-mlp", "MLPRegressor": "sklearn-mlp",
            "PoissonRegressor": "sklearn-glm", "GammaRegressor": "sklearn-glm",
            "TweedieRegressor": "sklearn-glm"}


#: other libraries' names of a parameter we spell differently (used when ours is valid)
_RENAMED = {"learning_rate_init": "learning_rate", "max_iter": "max_epochs",
            "solver": "optimizer", "n_iter_no_change": "patience", "epochs": "max_epochs",
            "alpha_": "lam", "lambda": "lam", "lmbda": "lam", "reg_lambda": "lam"}


def _strength_hint(cls_name: str, name: str) -> str:
    source = _SOURCES.get(cls_name)
    if source is None:
        return f"{cls_name} takes lam (λ of the objective in shrinkage.conventions)"
    n = {"sklearn-lasso": "", "sklearn-glm": "",
         "sklearn-elasticnet": ", l1_ratio=r"}.get(source, ", n_samples=n")
    if cls_name == "MLPRegressor":
        n += ", loss='squared'"
    return (f"{cls_name} takes lam, the λ of one objective for every model; convert a "
            f"scikit-learn {name} with shrinkage.convert_strength({name}, source='{source}'{n})")


def hint(cls_name: str, name: str, valid) -> str:
    """The message for the unexpected keyword ``name`` of ``cls_name(...)``."""
    head = f"{cls_name}() got an unexpected keyword argument {name!r}: "
    if name in ("C", "alpha"):
        return head + _strength_hint(cls_name, name)
    if name in ("Cs", "alphas", "n_alphas"):
        return head + f"{cls_name} takes lams (a grid of λ values, or an int for the automatic grid)"
    if name == "penalty":
        if "l1_ratio" in valid:
            return head + ("the penalty is set by l1_ratio (0: L2, 1: L1, between: elastic net) "
                           "with strength lam")
        return head + (f"{cls_name} is L2-penalized; use Lasso, ElasticNet or GroupLasso for "
                       "other penalties")
    if name == "l1_ratio":
        return head + f"{cls_name} has no L1 part; use ElasticNet or LogisticRegression(l1_ratio=...)"
    ours = _RENAMED.get(name)
    if ours in valid:
        return head + f"{cls_name} calls it {ours}"
    close = difflib.get_close_matches(name, valid, n=3)
    return head + (f"did you mean {' or '.join(map(repr, close))}? " if close else "") + \
        f"valid parameters are {sorted(valid)}"


class ParamHints:
    """Mixin: unknown constructor keywords raise a TypeError with the fix (see module doc)."""

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is None or getattr(init, "_param_hints", False):
            return
        valid = [p for p in inspect.signature(init).parameters if p != "self"]

        @functools.wraps(init)
        def checked(self, *args, **kw):
            for name in kw:
                if name not in valid:
                    raise TypeError(hint(type(self).__name__, name, valid)) from None
            return init(self, *args, **kw)

        checked._param_hints = True
        cls.__init__ = checked
