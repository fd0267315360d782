r"""Group L2 (group lasso): ``λ Σ_g ω_g ‖w_g‖₂``, the norm not squared; with a ridge part
(:class:`GroupElasticNet`) ``λ Σ_g ω_g [(1−ρ)‖w_g‖² + ρ‖w_g‖₂]``.

``w_g`` are the coefficients whose feature carries label ``g``; ``ω_g = √p_g`` by default
(``p_g`` the group size, so that a group's penalty grows like its expected norm), or given by the
user (``ω_g = 0`` leaves a group unpenalized). A group of one feature with ``ω = 1`` is the
lasso. Coefficients may be a matrix ``(K, p)`` (K targets or classes, features on the last
axis): feature ``j``'s group then holds its whole column ``W[:, j]`` — the multi-task lasso's
row penalty (scikit-learn's ``MultiTaskLasso``, glmnet's ``mgaussian``) and glmnet's grouped
multinomial.

The groups may instead be the columns or the rows of a matrix (``axis=0``: column ``W[:, j]``
is a group, ``axis=1``: row ``W[i, :]``), with ``ω_g = √p_g`` for the slice length ``p_g``:
the networks' neurons (:mod:`shrinkage.nn.prox`). Those operations work in place and in the
matrix's own dtype.

Proximal operator (block soft-thresholding)
--------------------------------------------
``argmin_z ½‖z − w_g‖² + aω_g‖z‖`` with ``a = step·λ`` is ``max(1 − aω_g/‖w_g‖, 0) · w_g``: the
group shrinks along its own direction and is exactly zero when ``‖w_g‖ ≤ aω_g``. With the
ridge part, ``argmin_z ½‖z − w_g‖² + aω_g[(1−ρ)‖z‖² + ρ‖z‖]`` is the block soft-thresholding at
``aρω_g`` divided by ``1 + 2a(1−ρ)ω_g``.

Optimality certificate
----------------------
With ``g = ∇D(w)``: for ``w_g ≠ 0`` the subdifferential is the point ``λω_g w_g/‖w_g‖``, so the
distance is ``‖g_g + λω_g w_g/‖w_g‖‖``; for ``w_g = 0`` it is the ball of radius ``λω_g``, so the
distance is ``max(‖g_g‖ − λω_g, 0)``. :meth:`GroupL2.subdiff_distance` returns one value per
group. The ridge part adds ``2λ(1−ρ)ω_g w_g`` to the subgradient, and ``λω_g`` above becomes
``λρω_g``.

λ_max
-----
Zero is optimal iff ``‖g_g(0)‖ ≤ λω_g`` for every penalized group, so
``λ_max = max_{g: ω_g>0} ‖g_g(0)‖/ω_g`` (``/ρω_g`` with the ridge part; ``inf`` at ``ρ = 0``)
with ``g(0)`` the null-model gradient of :func:`shrinkage.solvers.null_gradient`.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

__all__ = ["GroupL2", "GroupElasticNet", "slice_norms", "block_soft_threshold"]


def slice_norms(W: np.ndarray, axis: int) -> np.ndarray:
    """``‖·‖₂`` of every column (``axis=0``, shape (d_out,)) or row (``axis=1``) of ``W``, float64."""
    W64 = W.astype(np.float64, copy=False)
    return np.sqrt(np.einsum("ij,ij->j" if axis == 0 else "ij,ij->i", W64, W64))


def block_soft_threshold(W: np.ndarray, t: float, axis: int) -> np.ndarray:
    """``w_g ← max(0, 1 − t√p_g/‖w_g‖) w_g`` for every column (``axis=0``) or row (``axis=1``)
    of ``W``, in place (``p_g = W.shape[axis]``); returns ``W``."""
    thr = t * math.sqrt(W.shape[axis])
    norms = slice_norms(W, axis)
    shrink = np.where(norms > thr, 1.0 - thr / np.where(norms > 0, norms, 1.0), 0.0)
    W *= (shrink[None, :] if axis == 0 else shrink[:, None]).astype(W.dtype)
    return W


class GroupL2:
    r"""Group L2 penalty ``λ Σ_g ω_g ‖w_g‖₂``.

    Parameters
    ----------
    lam : float
        Strength ``λ ≥ 0``.
    groups : array-like of shape (n_features,), optional
        A group label per feature (any hashable, sortable values).
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g ≥ 0`` in the order of the sorted unique labels, or ``{label: weight}``;
        default ``√p_g``.
    axis : {0, 1}, optional
        Instead of ``groups``: the penalty acts on matrices whose columns (0) or rows (1) are
        the groups, ``ω_g = √(W.shape[axis])``.

    Attributes
    ----------
    labels_ : ndarray of shape (n_groups,)
        The sorted unique labels (not with ``axis``).
    index_ : ndarray of int of shape (n_features,)
        Each feature's group number (into ``labels_``).
    weights_ : ndarray of shape (n_groups,)

    Examples
    --------
    >>> import numpy as np; from shrinkage.penalties import GroupL2
    >>> pen = GroupL2(lam=1.0, groups=[0, 0, 1])
    >>> pen.prox(np.array([3.0, 4.0, 0.5]), step=1.0).round(4)
    array([2.1515, 2.8686, 0.    ])
    >>> GroupL2(lam=1.0, axis=1).value(np.array([[3.0, 4.0], [0.0, 0.0]]))   # √2 · 5
    7.0710678118654755
    """

    def __init__(self, lam: float, groups=None, group_weights=None, *, axis: int | None = None):
        self.lam = float(lam)
        self.groups = groups
        self.group_weights = group_weights
        self.axis = axis
        if axis is not None:
            if axis not in (0, 1) or groups is not None or group_weights is not None:
                raise ValueError("axis is 0 (columns are groups) or 1 (rows are groups), and "
                                 "takes no groups or group_weights")
            return
        labels = np.asarray(groups)
        if labels.ndim != 1 or labels.size == 0:
            raise ValueError("groups must be a 1-D array with one label per feature")
        self.labels_, self.index_ = np.unique(labels, return_inverse=True)
        sizes = np.bincount(self.index_)
        if group_weights is None:
            w = np.sqrt(sizes.astype(float))
        elif isinstance(group_weights, Mapping):
            missing = [g for g in self.labels_.tolist() if g not in group_weights]
            if missing:
                raise ValueError(f"group_weights has no weight for group(s) {missing}; give one "
                                 "weight per group label")
            w = np.array([float(group_weights[g]) for g in self.labels_.tolist()])
        else:
            w = np.asarray(group_weights, dtype=float).ravel()
            if w.size != self.labels_.size:
                raise ValueError(f"group_weights has {w.size} values but there are "
                                 f"{self.labels_.size} groups; pass one weight per group (in the "
                                 "order of the sorted labels) or a dict label -> weight")
        if not np.all(np.isfinite(w)) or np.any(w < 0):
            raise ValueError("group_weights must be finite and >= 0 (0 = unpenalized group)")
        self.weights_ = w

    def _omega(self, w):
        return math.sqrt(w.shape[self.axis]) if self.axis is not None else self.weights_

    l1_ratio = 1.0          # ρ of :class:`GroupElasticNet`; the group lasso is ρ = 1

    def group_norms(self, w):
        """``‖w_g‖₂`` for every group, shape (n_groups,); a matrix ``w`` (K, p) (not with
        ``axis``) puts every column of feature ``j`` in ``j``'s group."""
        if self.axis is not None:
            return slice_norms(w, self.axis)
        sq = np.asarray(w, dtype=np.float64) ** 2
        return np.sqrt(np.bincount(self.index_, weights=sq if sq.ndim == 1 else sq.sum(axis=0),
                                   minlength=self.labels_.size))

    def _per_entry(self, v, w):
        """Per-group values ``v`` (n_groups,) spread over the entries of ``w``."""
        if self.axis is None:
            return v[self.index_]
        return v[None, :] if self.axis == 0 else v[:, None]

    def unpenalized(self, p: int) -> np.ndarray:
        """Boolean mask (p,) of the features in groups with ``ω_g = 0`` (none for matrix
        groups: ``ω_g = √p_g > 0``)."""
        if self.axis is not None:
            return np.zeros(p, dtype=bool)
        return (self.weights_ == 0)[self.index_]

    def value(self, w):
        norms, rho = self.group_norms(w), self.l1_ratio
        return float(self.lam * np.sum(self._omega(w) * (rho * norms + (1 - rho) * norms ** 2)))

    def prox(self, w, step, out=None):
        """Block soft-thresholding at ``step·λ·ρ·ω_g`` (divided by ``1 + 2·step·λ(1−ρ)ω_g``
        with a ridge part); in place with ``out=w``."""
        if self.axis is not None:
            if out is None:
                out = w.copy()
            elif out is not w:
                np.copyto(out, w)
            return block_soft_threshold(out, step * self.lam, self.axis)
        norms = self.group_norms(w)
        thr = step * self.lam * self.l1_ratio * self.weights_
        shrink = np.where(norms > thr, 1.0 - thr / np.where(norms > 0, norms, 1.0), 0.0)
        if self.l1_ratio < 1.0:
            shrink /= 1.0 + 2.0 * step * self.lam * (1.0 - self.l1_ratio) * self.weights_
        return np.multiply(w, shrink[self.index_], out=out)

    def subgradient(self, w):
        """The least-norm element of ``∂penalty(w)``: ``λω_g w_g/‖w_g‖`` for every group, 0 for
        a zero group; float64, the shape of ``w``."""
        norms = self.group_norms(w)
        lw = self.lam * np.broadcast_to(self._omega(w), norms.shape)
        ridge = 2.0 * (1.0 - self.l1_ratio) * lw
        return self._per_entry(self.l1_ratio * lw / np.where(norms > 0, norms, 1.0) + ridge,
                               w) * w

    def subdiff_distance(self, w, grad):
        """Distance of ``−grad`` to ``∂penalty(w)``, one value per group (n_groups,)."""
        norms = self.group_norms(w)
        lw = self.lam * self.l1_ratio * np.broadcast_to(self._omega(w), norms.shape)
        on = self.group_norms(grad + self.subgradient(w))
        off = np.maximum(self.group_norms(grad) - lw, 0.0)
        return np.where(norms > 0, on, off)

    def lam_max(self, null_grad) -> float:
        r"""Smallest λ at which every penalized group is zero: ``max_g ‖g_g(0)‖/ω_g``.

        Parameters
        ----------
        null_grad : ndarray of shape (n_features,) or (K, n_features)
            The datafit gradient at the null model (:func:`shrinkage.solvers.null_gradient`).

        Returns
        -------
        lam_max : float
        """
        omega = np.broadcast_to(self._omega(null_grad), self.group_norms(null_grad).shape)
        pen = omega > 0
        if not pen.any():
            return 0.0
        if self.l1_ratio == 0.0:
            return np.inf
        return float(np.max(self.group_norms(null_grad)[pen] / omega[pen]) / self.l1_ratio)


class GroupElasticNet(GroupL2):
    r"""Group elastic net ``λ Σ_g ω_g [(1−ρ)‖w_g‖² + ρ‖w_g‖₂]``: :class:`GroupL2` (``ρ = 1``)
    with a ridge part.

    With ``groups=arange(p)``, ``group_weights = f`` and a coefficient matrix ``W`` (K, p) it is
    the multi-task elastic net's penalty ``λ Σ_j f_j [(1−ρ)‖W_{:,j}‖² + ρ‖W_{:,j}‖₂]``
    (glmnet's ``mgaussian``, scikit-learn's ``MultiTaskElasticNet``).

    Parameters
    ----------
    lam : float
    groups, group_weights
        As in :class:`GroupL2` (there is no ``axis``).
    l1_ratio : float, default=1.0
        ``ρ ∈ [0, 1]``.

    Examples
    --------
    >>> import numpy as np; from shrinkage.penalties import GroupElasticNet
    >>> pen = GroupElasticNet(1.0, groups=[0, 1], group_weights=[1.0, 1.0], l1_ratio=0.5)
    >>> W = np.array([[3.0, 0.1], [4.0, 0.0]])          # column 0 has norm 5
    >>> pen.value(W)                                     # 0.5·25 + 0.5·5 + 0.5·0.01 + 0.5·0.1
    15.055
    >>> pen.prox(W, step=1.0).round(4)                   # (1 − 0.5/5)/(1 + 1) on column 0
    array([[1.35, 0.  ],
           [1.8 , 0.  ]])
    """

    def __init__(self, lam: float, groups=None, group_weights=None, *, l1_ratio: float = 1.0):
        super().__init__(lam, groups, group_weights)
        self.l1_ratio = float(l1_ratio)
