"""Rules that pick λ from a cross-validation curve (scores: higher is better).

``"min"`` takes the best mean score. ``"1se"`` takes the *simplest* model — the largest λ — whose
mean score is within one standard error of the best (Breiman et al. 1984; glmnet's
``lambda.1se``). Ties in ``"min"`` go to the larger λ, the simpler model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np

__all__ = ["Selection", "select", "RULES"]

RULES = ("min", "1se")


@dataclass(frozen=True)
class Selection:
    index: int          # index of the chosen λ in the grid
    index_min: int
    index_1se: int
    lam: float
    lam_min: float
    lam_1se: float
    on_edge: bool       # the best λ is the first or last of the grid


def select(lams, mean_score, se_score, rule: str = "min") -> Selection:
    """Choose λ from ``mean_score`` (higher is better) and its standard error ``se_score``.

    ``lams`` may be in any order; "largest λ" means the largest value, not the first.
    """
    if rule not in RULES:
        raise ValueError(f"rule must be one of {RULES}, got {rule!r}")
    lams = np.asarray(lams, dtype=float)
    mean_score = np.asarray(mean_score, dtype=float)
    se = np.nan_to_num(np.asarray(se_score, dtype=float), nan=0.0)
    finite = np.isfinite(mean_score)
    if not finite.any():
        raise ValueError("every cross-validation score is NaN or infinite; check the data and scoring")
    best = np.max(mean_score[finite])
    order = np.argsort(-lams, kind="stable")           # largest λ first
    cand = [i for i in order if finite[i] and mean_score[i] == best]
    i_min = int(cand[0])
    threshold = best - se[i_min]
    i_1se = int(next(i for i in order if finite[i] and mean_score[i] >= threshold))
    lo, hi = int(np.argmin(lams)), int(np.argmax(lams))
    idx = i_min if rule == "min" else i_1se
    return Selection(idx, i_min, i_1se, float(lams[idx]), float(lams[i_min]), float(lams[i_1se]),
                     on_edge=(i_min in (lo, hi)) and lams.size > 1)


def warn_on_edge(sel: Selection, lams) -> None:
    """Warn that the best λ lies on the edge of a user-given grid (it may lie beyond)."""
    if sel.on_edge:
        side = "largest" if sel.lam_min == np.max(lams) else "smallest"
        warnings.warn(
            f"the best λ ({sel.lam_min:.4g}) is the {side} value of the grid; the optimum may lie "
            f"beyond it: extend lams past {sel.lam_min:.4g} (or pass an int to use the automatic, "
            "self-extending grid)",
            UserWarning,
            stacklevel=3,
        )
