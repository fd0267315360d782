"""Leave-one-out and GCV curves of a ridge decomposition, a block of rows at a time.

:class:`_MeanSE` accumulates a weighted mean and its standard error over blocks of rows (and
merges two accumulations, as the row blocks of a Dask array need); :func:`_blocked_curves`
gives :class:`~shrinkage.RidgeCV` its curves without forming anything of size n × L.
"""

from __future__ import annotations

import numpy as np

from ..solvers import ridge as ridge_solver

__all__ = ["_MeanSE", "_blocked_curves"]

#: leave-one-out with a score that is not a mean of per-row terms (r2, scorers, callables)
#: gathers all rows' predictions for this many bytes' worth of λ at a time (and no more than the
#: size of X), at least one λ
_POOLED_BYTES = 256 * 2**20


class _MeanSE:
    """Weighted mean over rows and its standard error, accumulated a block of rows at a time
    (Chan et al.'s pairwise update of the mean and the sum of squared deviations): equal to the
    mean and standard error over all rows at once to rounding."""

    def __init__(self):
        self.W = self.W2 = 0.0
        self.mean = self.M2 = 0.0

    def add(self, terms, w):
        """Rows ``terms`` (r, L) with weights ``w`` (r,) or None (unit weights)."""
        if terms.shape[0] == 0:
            return
        if w is None:
            Wb, W2b = float(terms.shape[0]), float(terms.shape[0])
            mb = terms.mean(axis=0)
            M2b = ((terms - mb) ** 2).sum(axis=0)
        else:
            Wb, W2b = float(w.sum()), float(w @ w)
            with np.errstate(invalid="ignore", divide="ignore"):   # NaN as all rows at once
                mb = (w @ terms) / Wb
            M2b = w @ (terms - mb) ** 2
        W = self.W + Wb
        delta = mb - self.mean
        with np.errstate(invalid="ignore", divide="ignore"):
            self.M2 = self.M2 + M2b + delta * delta * (self.W * Wb / W)
            self.mean = self.mean + delta * (Wb / W)
        self.W, self.W2 = W, self.W2 + W2b

    def __add__(self, other):
        """The accumulation of both (rows of two Dask blocks): Chan et al.'s merge."""
        out = _MeanSE()
        out.W, out.W2 = self.W + other.W, self.W2 + other.W2
        if other.W == 0 or self.W == 0:
            src = self if other.W == 0 else other
            out.mean, out.M2 = src.mean, src.M2
            return out
        delta = other.mean - self.mean
        with np.errstate(invalid="ignore", divide="ignore"):
            out.mean = self.mean + delta * (other.W / out.W)
            out.M2 = self.M2 + other.M2 + delta * delta * (self.W * other.W / out.W)
        return out

    def result(self):
        """``(mean, se)``: the weighted population variance over the Kish effective sample
        size (n for equal weights) less one."""
        var = self.M2 / self.W
        n_eff = self.W * self.W / self.W2
        return self.mean, np.sqrt(var / max(n_eff - 1.0, 1.0))


def _blocked_curves(full, lams, scores, y2, sw, cv, x_size):
    """``[(mean, se), …]`` of each score along ``lams`` for leave-one-out (``cv="loo"``) or GCV,
    from row blocks of the residuals (:meth:`~shrinkage.solvers.ridge.RidgeDecomposition.
    loo_residual_blocks`): the (n, L, t) arrays are never formed.

    A pointwise score (a mean of per-row terms) is accumulated block by block, with its
    standard error. Any other score needs all rows' predictions at once: they are gathered for
    as many λ at a time as fit in :data:`_POOLED_BYTES` and the size of ``X`` (at least one λ),
    and have no standard error (NaN). GCV estimates the mean squared error only.
    """
    lams = np.asarray(lams, dtype=np.float64)
    n, t = y2.shape
    L = lams.size
    step = max(1, ridge_solver._LOO_BLOCK // t)   # λ per pass: a block row ≤ _LOO_BLOCK entries
    if cv == "gcv":
        out = []
        for c in range(0, L, step):
            acc = _MeanSE()
            for rows, terms in full.gcv_term_blocks(lams[c:c + step]):
                acc.add(-terms.mean(axis=2), None if sw is None else sw[rows])
            out.append(acc.result())
        return [tuple(np.concatenate(part) for part in zip(*out))]
    results = [None] * len(scores)
    pointwise = [i for i, sc in enumerate(scores) if sc.pointwise is not None]
    if pointwise:
        parts = []
        for c in range(0, L, step):
            accs = [_MeanSE() for _ in pointwise]
            for rows, res in full.loo_residual_blocks(lams[c:c + step]):
                yb = y2[rows, None, :]
                pred = np.subtract(yb, res, out=res)
                w = None if sw is None else sw[rows]
                for acc, i in zip(accs, pointwise):
                    acc.add(scores[i].pointwise(yb, pred).mean(axis=2), w)
            parts.append([acc.result() for acc in accs])
        for j, i in enumerate(pointwise):
            results[i] = tuple(np.concatenate([part[j][m] for part in parts]) for m in (0, 1))
    pooled = [i for i, sc in enumerate(scores) if sc.pointwise is None]
    if pooled:
        width = max(1, min(_POOLED_BYTES // 8, x_size) // (n * t))
        means = {i: np.empty(L) for i in pooled}
        for c in range(0, L, width):
            chunk = lams[c:c + width]
            pred = np.empty((n, chunk.size, t))
            for rows, res in full.loo_residual_blocks(chunk):
                np.subtract(y2[rows, None, :], res, out=pred[rows])
            for i in pooled:
                means[i][c:c + chunk.size] = [scores[i](y2, pred[:, li], sw)
                                              for li in range(chunk.size)]
        for i in pooled:
            results[i] = (means[i], np.full(L, np.nan))
    return results
