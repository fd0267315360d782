"""Docstring entries that many public methods share, written once and filled in by :func:`fill_doc`.

A docstring line that is exactly ``{name}`` (after its indentation) is replaced by the entry
``name`` of :data:`DOCS`, indented like that line; a line ``{params: a, b, c}`` by a NumPy
"Parameters" section of the entries ``a``, ``b`` and ``c``. Nothing else in the docstring
changes, so braces elsewhere (dicts, sets) are safe.
"""

from __future__ import annotations

import re
from typing import TypeVar

__all__ = ["DOCS", "fill_doc"]

DOCS = {
    "X": "X : array-like of shape (n_samples, n_features)",
    "y": "y : array-like of shape (n_samples,)",
    "y_targets": "y : array-like of shape (n_samples,) or (n_samples, n_targets)",
    "y_classes": "y : array-like of shape (n_samples,)\n    Class labels (numbers or strings), at least two classes.",
    "sample_weight": ("sample_weight : array-like of shape (n_samples,), optional\n"
                      "    Non-negative weights; only their ratios matter."),
    "groups": ("groups : array-like of shape (n_samples,), optional\n"
               "    Group labels: with an integer ``cv``, folds never split a group (GroupKFold)."),
    "offset": ("offset : array-like of shape (n_samples,), optional\n"
               "    A fixed part of the linear predictor, without a coefficient: ``η = Xw + b + "
               "offset``\n    (squared error: the fit of ``y − offset``; logistic: added to the "
               "log-odds). Pass\n    it again to ``predict`` (default there: none)."),
    "exclude": ("exclude : array-like of int, bool or str, optional\n"
                "    Features left out of the fit, as glmnet's ``exclude``: column indices, a "
                "boolean mask\n    (True = excluded) or column names of a DataFrame ``X``. Their "
                "coefficients are exactly\n    0 and they enter nothing (λ_max, the "
                "standardization, the solver); ``coef_`` and\n    ``predict`` keep the full "
                "width of ``X``."),
    "returns_self": "Returns\n-------\nself",
    "returns_float": "Returns\n-------\nfloat",
    "lam": "lam : float\n    Strength ``λ ≥ 0``.",
    "penalty_factor": ("penalty_factor : ndarray of shape (n_features,), optional\n"
                       "    Per-coefficient factors ``f_j ≥ 0`` (0 leaves a coefficient unpenalized)."),
    "linear_settings": ("fit_intercept : bool, default=True\n"
                        "standardize : bool, default=True\n"
                        "    Penalize the coefficients of the standardized features (weighted "
                        "population standard\n    deviation); ``coef_`` is on the original scale.\n"
                        "penalty_factor : array-like of shape (n_features,), optional\n"
                        "    ``f_j ≥ 0``, used as given; 0 leaves a feature unpenalized."),
    "X_y_sw_arrays": ("X : ndarray of shape (n_samples, n_features)\n"
                      "y : ndarray of shape (n_samples,)\n"
                      "sw : ndarray of shape (n_samples,)\n"
                      "    Weights summing to one."),
}

_LINE = re.compile(r"^(?P<indent>[ \t]*)\{(?:(?P<params>params:)\s*)?(?P<names>[A-Za-z_, ]+)\}[ \t]*$",
                   re.MULTILINE)


def _entry(name: str) -> str:
    try:
        return DOCS[name]
    except KeyError:
        raise KeyError(f"no shared docstring entry {name!r}; add it to shrinkage._docs.DOCS") from None


_Documented = TypeVar("_Documented")


def fill_doc(obj: _Documented) -> _Documented:
    """Replace the ``{name}`` and ``{params: …}`` lines of ``obj.__doc__`` (module docstring);
    returns ``obj``."""
    doc = obj.__doc__
    if doc:
        def repl(m):
            names = [n.strip() for n in m.group("names").split(",")]
            text = "\n".join(_entry(n) for n in names)
            if m.group("params"):
                text = "Parameters\n----------\n" + text
            return "\n".join(m.group("indent") + line if line else line
                             for line in text.split("\n"))
        obj.__doc__ = _LINE.sub(repl, doc)
    return obj
