r"""Centred, standardized second moments of all rows and of every training fold, from one pass.

Ridge and the covariance-mode elastic net need only the moments of their rows::

    G = Σ_i sw_i z_i z_iᵀ,   q = Σ_i sw_i z_i ỹ_i,      z_i = (x_i − m)/sd,  ỹ_i = y_i − ȳ

with weights ``sw`` summing to one over the rows, ``m`` and ``ȳ`` their weighted means (zero
without an intercept) and ``sd`` the weighted population standard deviations (one without
standardization). :func:`fold_moments` forms them for all data and for every training fold of
a cross-validation at once:

* rows are shifted by the all-data mean first, so the products are centred near the data and
  the cancellation in ``E[xxᵀ] − E[x]E[x]ᵀ`` is small;
* each *test* fold's raw moments are formed once; when the test folds tile the data (K-fold,
  repeated K-fold) their sum is the all-data moments, so the Gram products cost ``n p²`` in all;
* a training fold's moments are all data minus its test fold, then re-centred on the fold's own
  mean (a rank-one correction) and re-standardized with the fold's own standard deviations, so
  each fold is exactly the problem of its rows. No fold copies ``X``. A split whose training
  rows are not the complement of its test rows (a time-series split) gets its training rows'
  own moments.

This is the one K-fold downdating in the package: :mod:`shrinkage.solvers.cd` (covariance
mode) and :mod:`shrinkage.solvers.ridge` (K-fold decompositions) both build on it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp

from ..datafits import normalized_weights
from ..standardization import column_scale

__all__ = ["Moments", "fold_moments", "moments_from_raw", "raw_moments"]


@dataclass
class Moments:
    """The moments of one set of rows (module docstring).

    Attributes
    ----------
    G : ndarray of shape (n_features, n_features)
    q : ndarray of shape (n_features, n_targets)
    mean : ndarray of shape (n_features,)
        Column means (zeros without an intercept).
    scale : ndarray of shape (n_features,)
        Column standard deviations (ones without standardization; constant columns 1).
    y_mean : ndarray of shape (n_targets,)
    S : float
        Sum of the raw sample weights.
    n_rows : int
    """

    G: np.ndarray
    q: np.ndarray
    mean: np.ndarray
    scale: np.ndarray
    y_mean: np.ndarray
    S: float
    n_rows: int


def fold_moments(X, Y, sample_weight, splits, *, fit_intercept=True, standardize=True):
    """Moments of all rows and of every training fold, from one pass of Gram products.

    Parameters
    ----------
    X : ndarray or sparse matrix of shape (n_samples, n_features)
        A sparse ``X`` is never densified: the moments come from sparse products, the shift by
        the mean entering as rank-one terms (the cancellation then costs about
        ``eps · (m_j / sd_j)²`` relative accuracy: negligible for counts, one-hot and tf-idf).
    Y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,) or None
        Raw weights.
    splits : list of (train, test) index arrays
    fit_intercept, standardize : bool

    Returns
    -------
    full : Moments
    folds : list of Moments, one per split (the training part)
    """
    sparse = sp.issparse(X)
    X = X.tocsr().astype(np.float64, copy=False) if sparse else np.asarray(X, dtype=np.float64)
    Y = np.asarray(Y, dtype=np.float64)
    Y = Y[:, None] if Y.ndim == 1 else Y
    n, p = X.shape
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    sw = normalized_weights(s, n)
    shift = np.asarray(X.T @ sw).ravel() if fit_intercept else np.zeros(p)
    yshift = sw @ Y if fit_intercept else np.zeros(Y.shape[1])
    def raw(rows):
        """Raw moments of the rows ``rows`` (all rows when None; :func:`raw_moments`)."""
        if rows is None:
            idx = slice(None)
        elif rows.size and rows[-1] - rows[0] == rows.size - 1 and np.all(np.diff(rows) == 1):
            idx = slice(int(rows[0]), int(rows[-1]) + 1)      # a contiguous range: a view
        else:
            idx = rows
        return raw_moments(X[idx], Y[idx], s[idx], shift, yshift)

    tests = [raw(te) for _, te in splits]
    counts = (np.bincount(np.concatenate([te for _, te in splits]), minlength=n) if splits
              else np.zeros(1, dtype=int))
    reps = int(counts[0])
    if reps >= 1 and np.all(counts == reps):        # test folds tile the data reps times
        full = tuple(sum(m[k] for m in tests) / reps for k in range(6))
    else:
        full = raw(None)

    folds = []
    for (tr, te), tm in zip(splits, tests):
        if _complement(tr, te, n):       # all data minus the test fold
            folds.append(tuple(f - t for f, t in zip(full, tm)))
        else:                            # e.g. TimeSeriesSplit: the training rows themselves
            folds.append(raw(np.asarray(tr)))
    return moments_from_raw(full, folds, shift, yshift, fit_intercept=fit_intercept,
                            standardize=standardize)


def moments_from_raw(full, folds, shift, yshift, *, fit_intercept=True, standardize=True):
    """:class:`Moments` of all rows and of each training fold from their *raw* moments.

    A raw moment set is the tuple ``(Σs x̃x̃ᵀ, Σs x̃ỹᵀ, Σs x̃, Σs ỹ, Σs, count)`` of rows shifted
    by ``shift`` (p,) and ``yshift`` (t,) (``x̃ = x − shift``), which sum over any partition of
    the rows: :func:`fold_moments` forms them from arrays, and
    :func:`shrinkage.solvers.blockwise.dask_fold_moments` from the row blocks of a Dask array
    (a training fold is then all blocks' moments minus its test fold's). Each set is centred
    on its own mean and standardized with its own standard deviations here.
    """
    p, t = shift.shape[0], yshift.shape[0]

    def build(Sxx, Sxy, sx, sy, S, n_rows):
        mx = sx / S if fit_intercept else np.zeros(p)
        my = sy / S if fit_intercept else np.zeros(t)
        cov = Sxx / S - np.outer(mx, mx)
        cxy = Sxy / S - np.outer(mx, my)
        if standardize:      # the centred spread, with or without an intercept (as glmnet)
            centre = sx / S
            scale = column_scale(np.diag(Sxx) / S - centre * centre, centre + shift)
        else:
            scale = np.ones(p)
        return Moments(cov / np.outer(scale, scale), cxy / scale[:, None], mx + shift, scale,
                       my + yshift, float(S), int(round(n_rows)))

    return build(*full), [build(*f) for f in folds]


def raw_moments(X, Y, s, shift, yshift):
    """Raw moments ``(Σs x̃x̃ᵀ, Σs x̃ỹᵀ, Σs x̃, Σs ỹ, Σs, count)`` of rows ``X`` (dense, or CSR
    without densifying), targets ``Y`` (rows, t) and raw weights ``s``, shifted by ``shift``
    and ``yshift`` (``x̃ = x − shift``, ``ỹ = y − yshift``). They add up over any partition of
    the rows (:func:`moments_from_raw`)."""
    yt = Y - yshift
    Sr = float(s.sum())
    if sp.issparse(X):
        # the shift enters as rank-one terms: Σ s (x − c)(x − c)ᵀ = XᵀSX − c aᵀ − a cᵀ + (Σs) c cᵀ
        a = np.asarray(X.T @ s).ravel()
        A = np.asarray((X.T @ X.multiply(s[:, None]).tocsr()).todense())
        Sxx = A - np.outer(shift, a) - np.outer(a, shift) + Sr * np.outer(shift, shift)
        syt = s @ yt
        Sxy = np.asarray(X.T @ (s[:, None] * yt)) - np.outer(shift, syt)
        return (Sxx, Sxy, a - Sr * shift, syt, Sr, X.shape[0])
    B = X - shift
    if np.all(s == 1.0):
        return (B.T @ B, B.T @ yt, B.sum(axis=0), yt.sum(axis=0), Sr, B.shape[0])
    r = np.sqrt(s)
    B *= r[:, None]
    yt = yt * r[:, None]
    return (B.T @ B, B.T @ yt, r @ B, r @ yt, Sr, B.shape[0])


def _complement(train, test, n) -> bool:
    """Whether ``train`` is exactly the rows not in ``test``."""
    if len(train) + len(test) != n:
        return False
    seen = np.zeros(n, dtype=bool)
    seen[train] = True
    seen[test] = True
    return bool(seen.all())
