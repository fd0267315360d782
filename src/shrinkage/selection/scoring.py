"""Scores for choosing λ: higher is better, computed from predictions (no estimator calls).

Cross-validation here scores whole λ paths at once from their predictions, so a score is a
function of ``(y_true, prediction, sample_weight)`` rather than of a fitted estimator. A score
that is a mean of per-sample terms also exposes them (``pointwise``), which gives a standard
error for leave-one-out, where each row is its own fold.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
from scipy.special import xlogy

__all__ = ["Score", "get_score", "get_scores", "score_targets", "REGRESSION_SCORES",
           "CLASSIFICATION_SCORES"]


@dataclass(frozen=True)
class Score:
    """A model-selection score. ``needs`` is ``"predict"`` (values / labels) or ``"proba"``."""

    name: str
    needs: str
    pointwise: Callable | None = None   # (y, pred) -> per-sample score (higher is better)
    aggregate: Callable | None = None   # (y, pred, sw) -> score, when not a mean of pointwise

    def __call__(self, y, pred, sample_weight=None) -> float:
        if self.aggregate is not None:
            return float(self.aggregate(y, pred, sample_weight))
        return float(np.average(self.pointwise(y, pred), weights=sample_weight, axis=0).mean())


def _r2(y, pred, sw):
    w = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    y = y.reshape(len(y), -1)
    pred = pred.reshape(len(pred), -1)
    ybar = np.average(y, weights=w, axis=0)
    ss_tot = w @ (y - ybar) ** 2
    ss_res = w @ (y - pred) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return r2.mean()


def _sq(y, pred):
    return -((y - pred) ** 2)


def _abs(y, pred):
    return -np.abs(y - pred)


def _log_loss(Y, proba):
    # Y one-hot (n, K), proba (n, K); clip to keep log finite for hard 0/1 probabilities
    eps = np.finfo(proba.dtype).eps
    return np.sum(xlogy(Y, np.clip(proba, eps, 1.0)), axis=1)


def _brier(Y, proba):
    return -np.sum((Y - proba) ** 2, axis=1)


def _accuracy(Y, proba):
    return (np.argmax(proba, axis=1) == np.argmax(Y, axis=1)).astype(float)


def _roc_auc(Y, proba, sw):
    from sklearn.metrics import roc_auc_score
    if Y.shape[1] == 2:
        return roc_auc_score(Y[:, 1], proba[:, 1], sample_weight=sw)
    return roc_auc_score(Y, proba, sample_weight=sw, multi_class="ovr", average="macro")


REGRESSION_SCORES = {
    "neg_mean_squared_error": Score("neg_mean_squared_error", "predict", _sq),
    "neg_mean_absolute_error": Score("neg_mean_absolute_error", "predict", _abs),
    "r2": Score("r2", "predict", None, _r2),
}
# classification scores take one-hot Y (n, K) and probabilities (n, K)
CLASSIFICATION_SCORES = {
    "neg_log_loss": Score("neg_log_loss", "proba", _log_loss),
    "accuracy": Score("accuracy", "proba", _accuracy),
    "neg_brier_score": Score("neg_brier_score", "proba", _brier),
    "roc_auc": Score("roc_auc", "proba", None, _roc_auc),
}


def get_score(scoring, *, classification: bool) -> Score:
    """Resolve ``scoring`` (None, a name, or a callable ``f(y_true, y_pred) -> float``)."""
    table = CLASSIFICATION_SCORES if classification else REGRESSION_SCORES
    if scoring is None:
        return table["neg_log_loss" if classification else "neg_mean_squared_error"]
    if isinstance(scoring, Score):
        return scoring
    if callable(scoring):
        name = getattr(scoring, "__name__", "custom")
        if classification:
            return Score(name, "proba", None, lambda Y, P, sw: scoring(np.argmax(Y, axis=1), P))
        return Score(name, "predict", None, lambda y, p, sw: scoring(y, p))
    if scoring in table:
        return table[scoring]
    raise ValueError(
        f"unknown scoring {scoring!r}; choose one of {sorted(table)} or pass a callable "
        "f(y_true, y_pred) -> float where higher is better"
    )


def get_scores(scoring, *, classification: bool) -> list[Score]:
    """Resolve one score or several: a list whose first entry chooses λ.

    Parameters
    ----------
    scoring : None, str, callable, Score, list or tuple of those, or dict of str to them
        A list or tuple gives several metrics (names must differ); a dict names each metric
        by its key. Anything else is one metric, as in :func:`get_score`.
    classification : bool

    Returns
    -------
    list of Score
        At least one; the first is the one that chooses λ.

    Examples
    --------
    >>> from shrinkage.selection.scoring import get_scores
    >>> [s.name for s in get_scores(["r2", "neg_mean_absolute_error"], classification=False)]
    ['r2', 'neg_mean_absolute_error']
    """
    if isinstance(scoring, dict):
        if not scoring:
            raise ValueError("scoring is an empty dict; pass at least one name -> score")
        out = []
        for name, sc in scoring.items():
            base = get_score(sc, classification=classification)
            out.append(Score(str(name), base.needs, base.pointwise, base.aggregate))
    elif isinstance(scoring, (list, tuple)):
        if not scoring:
            raise ValueError("scoring is an empty list; pass one or more score names, the "
                             "first choosing λ")
        out = [get_score(sc, classification=classification) for sc in scoring]
    else:
        return [get_score(scoring, classification=classification)]
    names = [sc.name for sc in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"scoring lists {dup} more than once; give every metric once (callables "
                         "are named by __name__: pass a dict name -> callable to name them)")
    return out


def score_targets(y, *, classification: bool):
    """What the scores compare predictions with: ``(classes, one-hot Y)`` for a classifier
    (columns in the order of the sorted classes), ``(None, y as an (n, t) float array)`` else."""
    y = np.asarray(y)
    if classification:
        classes, idx = np.unique(y, return_inverse=True)
        return classes, np.eye(classes.size)[idx]
    return None, y.reshape(len(y), -1).astype(float)
