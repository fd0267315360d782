"""Rules that pick a candidate (usually a λ) from a cross-validation curve; higher is better.

``"min"``
    The best mean score. Ties go to the simpler candidate.
``"1se"`` (or ``"2se"``, ``"0.5se"``, or a number ``k``)
    The *simplest* candidate whose mean score is within ``k`` standard errors of the best
    (Breiman et al. 1984; glmnet's ``lambda.1se``). "Simplest" is the lowest ``complexity``:
    by default the largest λ; an estimator may pass degrees of freedom or a number of non-zeros.
    The standard error is that of the best candidate.
a callable
    ``rule(result) -> index`` given the :class:`~shrinkage.selection.results.CVResult`
    (with ``mean_score``, ``se_score``, ``lam``, ``complexity``...).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from numbers import Real

import numpy as np

from .._warnings import warn_user

__all__ = ["Selection", "select", "parse_rule", "RULES", "warn_on_edge"]

RULES = ("min", "1se")
_KSE = re.compile(r"^\s*(\d+(?:\.\d*)?|\.\d+)\s*se\s*$")


@dataclass(frozen=True)
class Selection:
    index: int          # index of the chosen candidate
    index_min: int
    index_1se: int      # the simplest within k·se (k from the rule, 1 for "min")
    lam: float
    lam_min: float
    lam_1se: float
    on_edge: bool       # the best λ is the smallest or largest of the grid
    rule: str
    reason: str


def parse_rule(rule):
    """Return ``(name, k, func)``: ``("min", 0, None)``, ``("kse", k, None)`` or a callable."""
    if callable(rule):
        return "callable", None, rule
    if isinstance(rule, Real) and not isinstance(rule, bool):
        if not np.isfinite(rule) or rule < 0:
            raise ValueError(f"rule as a number is k in 'k standard errors' and must be >= 0, got {rule!r}")
        return "kse", float(rule), None
    if rule == "min":
        return "min", 0.0, None
    if isinstance(rule, str):
        m = _KSE.match(rule)
        if m:
            return "kse", float(m.group(1)), None
    raise ValueError(
        f"rule must be 'min', '1se' (or 'ksse' such as '2se'), a number k, or a callable "
        f"result -> index; got {rule!r}"
    )


def select(lams, mean_score, se_score, rule="min", complexity=None, result=None) -> Selection:
    """Choose a candidate from ``mean_score`` (higher is better) and its standard error.

    Parameters
    ----------
    lams : array-like of shape (n_candidates,)
        Each candidate's λ (any order).
    mean_score, se_score : array-like of shape (n_candidates,)
    rule : str, float or callable, default="min"
    complexity : array-like of shape (n_candidates,), optional
        Lower is simpler; default ``−λ`` (the largest λ is the simplest).
    result : CVResult, optional
        Passed to a callable rule.
    """
    name, k, func = parse_rule(rule)
    lams = np.asarray(lams, dtype=float)
    mean_score = np.asarray(mean_score, dtype=float)
    se = np.nan_to_num(np.asarray(se_score, dtype=float), nan=0.0)
    cx = -lams if complexity is None else np.asarray(complexity, dtype=float)
    finite = np.isfinite(mean_score)
    if not finite.any():
        raise ValueError("every cross-validation score is NaN or infinite; check the data and scoring")
    best = np.max(mean_score[finite])
    order = np.lexsort((-lams, cx))                       # simplest first; ties: larger λ
    i_min = int(next(i for i in order if finite[i] and mean_score[i] == best))
    kk = 1.0 if name != "kse" else k
    threshold = best - kk * se[i_min]
    i_kse = int(next(i for i in order if finite[i] and mean_score[i] >= threshold))
    if name == "callable":
        idx = int(func(result if result is not None else
                       {"lam": lams, "mean_score": mean_score, "se_score": se, "complexity": cx}))
        if not 0 <= idx < lams.size:
            raise ValueError(f"the rule callable returned index {idx}, outside 0..{lams.size - 1}")
        label, reason = "callable", f"chosen by the user's rule: λ = {lams[idx]:.4g}"
    elif name == "min":
        idx, label = i_min, "min"
        reason = f"λ = {lams[idx]:.4g} has the best mean score ({best:.6g})"
    else:
        idx, label = i_kse, f"{kk:g}se"
        reason = (f"λ = {lams[idx]:.4g} is the simplest candidate whose mean score "
                  f"({mean_score[idx]:.6g}) is within {kk:g} standard error(s) of the best "
                  f"({best:.6g} ± {se[i_min]:.3g}, at λ = {lams[i_min]:.4g})")
    lo, hi = float(np.min(lams)), float(np.max(lams))
    return Selection(idx, i_min, i_kse, float(lams[idx]), float(lams[i_min]), float(lams[i_kse]),
                     on_edge=lams.size > 1 and lams[i_min] in (lo, hi), rule=label, reason=reason)


def warn_on_edge(sel: Selection, lams) -> None:
    """Warn that the best λ lies on the edge of a user-given grid (it may lie beyond)."""
    if sel.on_edge:
        side = "largest" if sel.lam_min == np.max(lams) else "smallest"
        warn_user(
            f"the best λ ({sel.lam_min:.4g}) is the {side} value of the grid; the optimum may lie "
            f"beyond it: extend lams past {sel.lam_min:.4g} (or pass an int to use the automatic, "
            "self-extending grid)",
            UserWarning,
        )
