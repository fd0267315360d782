"""Column centring and scaling shared by the linear models (``standardize=True``).

Standardizing means penalizing ``β_j = w_j · sd_j``: ``λ Σ f_j β_j²`` equals ``λ Σ f_j sd_j² w_j²``
on the raw features, so a solver may either scale the columns or fold ``sd_j²`` into the
penalty factor. Coefficients are always reported on the original scale.

The standard deviation is the weighted *population* one, ``√(Σ sw (x − m)²)`` with weights
summing to one. :func:`column_scale` holds the one rule for constant columns (scale 1: their
centred values are zero, so their coefficient is zero with an intercept); every solver that
forms scales, from the rows or from moments, goes through it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from typing import Any

    from numpy.typing import DTypeLike

    from ._typing import ArrayLike, MatrixLike

__all__ = ["column_stats", "column_scale", "sparse_columns"]


def column_scale(var: ArrayLike, mean: ArrayLike, dtype: DTypeLike = np.float64) -> np.ndarray:
    """Scales ``√var`` with constant columns set to 1.

    A column counts as constant when its spread is at the rounding level of its own values:
    ``sd ≤ 10 eps √(sd² + mean²)`` (relative to the column's root mean square, so a column of
    values near 1e-15 is as informative as one near 1; only an exactly zero spread, or one at
    the rounding level of a large mean, is constant).

    Parameters
    ----------
    var : ndarray of shape (n_features,)
        Weighted population variances (``Σ sw (x − m)²``, or ``Σ sw x²`` without centring).
    mean : ndarray of shape (n_features,)
        The columns' means (the level their rounding is measured against).
    dtype : numpy dtype

    Returns
    -------
    scale : ndarray of shape (n_features,)
    """
    scale = np.sqrt(np.maximum(var, 0.0))
    const = scale <= 10 * np.finfo(dtype).eps * np.hypot(scale, np.abs(mean))
    scale[const] = 1.0
    return scale.astype(dtype, copy=False)


def column_stats(X: MatrixLike, sw: ArrayLike, fit_intercept: bool,
                 standardize: bool) -> tuple[np.ndarray, np.ndarray]:
    """Weighted column means (zeros without an intercept) and population standard deviations
    (ones without standardization). The standard deviation is the *centred* one with or without
    an intercept, as glmnet's (without an intercept the model is not centred, but a column's
    scale is still its spread, not its root mean square).

    ``sw`` are weights summing to one. Constant columns get scale 1 (:func:`column_scale`).
    With an intercept the moments are those of ``X − x_r``, ``r`` the row of largest weight: a
    column that is constant (on that row and the rest) then has exactly its value as mean and
    exactly zero spread, whatever the rounding of ``Σ sw`` (``sw @ X`` alone leaves a spread of
    ``n·eps·|mean|`` that no relative cutoff can tell from a real one).
    """
    p = X.shape[1]
    if sp.issparse(X):
        return _sparse_column_stats(X, sw, fit_intercept, standardize)
    if not fit_intercept and not standardize:
        return np.zeros(p, dtype=X.dtype), np.ones(p, dtype=X.dtype)
    ref = X[int(np.argmax(sw))]
    D = X - ref
    shift = sw @ D
    mean = ref + shift
    if not standardize:
        return mean, np.ones(p, dtype=X.dtype)
    # without an intercept the scale is still the centred sd (as glmnet's): only the returned
    # mean is zero, the model is not centred
    D *= D
    var = sw @ D - shift * shift
    # cancellation guard: recompute exactly where the shift dominates the spread
    risky = var <= 1e-8 * np.maximum(shift * shift, np.finfo(X.dtype).tiny)
    if np.any(risky):
        idx = np.flatnonzero(risky)
        var[idx] = sw @ (X[:, idx] - mean[idx]) ** 2
    scale = column_scale(var, mean, X.dtype)
    return (mean if fit_intercept else np.zeros(p, dtype=X.dtype)), scale


def sparse_columns(X: Any) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(rows, cols, values)`` of the stored entries of a sparse matrix (CSC order for CSC,
    CSR order otherwise); no dense temporary."""
    if X.format == "csc":
        cols = np.repeat(np.arange(X.shape[1]), np.diff(X.indptr))
        return X.indices, cols, X.data
    rows = np.repeat(np.arange(X.shape[0]), np.diff(X.indptr))
    return rows, X.indices, X.data


#: a CSC matrix's column statistics are taken over column blocks of about this many stored
#: values, so that their temporaries stay small beside X
_STATS_BLOCK = 1 << 16


def _sparse_column_stats(X, sw, fit_intercept, standardize):
    """:func:`column_stats` of a CSR/CSC matrix from its stored entries, never densifying (a
    CSC matrix by blocks of columns of about ``_STATS_BLOCK`` stored values each)."""
    if X.format != "csc" or X.nnz <= _STATS_BLOCK:
        return _sparse_block_stats(X, sw, fit_intercept, standardize)
    cuts = np.searchsorted(X.indptr, np.arange(0, X.nnz, _STATS_BLOCK), side="right") - 1
    edges = np.unique(np.r_[cuts, X.shape[1]])
    parts = [_sparse_block_stats(X[:, a:b], sw, fit_intercept, standardize)
             for a, b in zip(edges[:-1], edges[1:])]
    return np.concatenate([m for m, _ in parts]), np.concatenate([s for _, s in parts])


def _sparse_block_stats(X, sw, fit_intercept, standardize):
    """:func:`column_stats` of a CSR/CSC matrix from its stored entries, never densifying.

    The moments are those of ``X − x_r`` (``r`` the row of largest weight) as in the dense case:
    a column whose every row holds the same value has exactly zero spread. A column's
    unstored rows hold 0, i.e. ``−x_rj`` after the shift, and weigh ``1 − Σ_stored sw`` (exactly
    0 when every row is stored)."""
    p = X.shape[1]
    dtype = X.dtype
    rows, cols, vals = sparse_columns(X)
    w = sw[rows]
    nnz = np.bincount(cols, minlength=p)
    if not fit_intercept and not standardize:
        return np.zeros(p, dtype=dtype), np.ones(p, dtype=dtype)
    ref = X[[int(np.argmax(sw))]].toarray().ravel().astype(np.float64)
    D = vals - ref[cols]
    unstored = np.where(nnz == X.shape[0], 0.0,
                        np.maximum(1.0 - np.bincount(cols, w, minlength=p), 0.0))
    shift = np.bincount(cols, w * D, minlength=p) - ref * unstored
    mean = (ref + shift).astype(dtype)
    if not standardize:
        return mean, np.ones(p, dtype=dtype)
    D -= shift[cols]
    var = np.bincount(cols, w * D * D, minlength=p) + unstored * (ref + shift) ** 2
    scale = column_scale(var, mean, dtype)
    return (mean if fit_intercept else np.zeros(p, dtype=dtype)), scale
