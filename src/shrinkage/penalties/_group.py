r"""Group L2 (group lasso): ``λ Σ_g ω_g ‖w_g‖₂``, the norm not squared.

``w_g`` are the coefficients whose feature carries label ``g``; ``ω_g = √p_g`` by default
(``p_g`` the group size, so that a group's penalty grows like its expected norm), or given by the
user (``ω_g = 0`` leaves a group unpenalized). A group of one feature with ``ω = 1`` is the
lasso.

Proximal operator (block soft-thresholding)
--------------------------------------------
``argmin_z ½‖z − w_g‖² + aω_g‖z‖`` with ``a = step·λ`` is ``max(1 − aω_g/‖w_g‖, 0) · w_g``: the
group shrinks along its own direction and is exactly zero when ``‖w_g‖ ≤ aω_g``.

Optimality certificate
----------------------
With ``g = ∇D(w)``: for ``w_g ≠ 0`` the subdifferential is the point ``λω_g w_g/‖w_g‖``, so the
distance is ``‖g_g + λω_g w_g/‖w_g‖‖``; for ``w_g = 0`` it is the ball of radius ``λω_g``, so the
distance is ``max(‖g_g‖ − λω_g, 0)``. :meth:`GroupL2.subdiff_distance` returns one value per
group.

λ_max
-----
Zero is optimal iff ``‖g_g(0)‖ ≤ λω_g`` for every penalized group, so
``λ_max = max_{g: ω_g>0} ‖g_g(0)‖/ω_g`` with ``g(0)`` the null-model gradient of
:func:`~shrinkage.penalties.null_gradient`.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._sparse import null_gradient

__all__ = ["GroupL2"]


class GroupL2:
    r"""Group L2 penalty ``λ Σ_g ω_g ‖w_g‖₂``.

    Parameters
    ----------
    lam : float
        Strength ``λ ≥ 0``.
    groups : array-like of shape (n_features,)
        A group label per feature (any hashable, sortable values).
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g ≥ 0`` in the order of the sorted unique labels, or ``{label: weight}``;
        default ``√p_g``.

    Attributes
    ----------
    labels_ : ndarray of shape (n_groups,)
        The sorted unique labels.
    index_ : ndarray of int of shape (n_features,)
        Each feature's group number (into ``labels_``).
    weights_ : ndarray of shape (n_groups,)

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import GroupL2
    >>> pen = GroupL2(lam=1.0, groups=[0, 0, 1])
    >>> pen.prox(np.array([3.0, 4.0, 0.5]), step=1.0).round(4)
    array([2.1515, 2.8686, 0.    ])
    """

    def __init__(self, lam: float, groups, group_weights=None):
        self.lam = float(lam)
        self.groups = groups
        self.group_weights = group_weights
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

    def group_norms(self, w):
        """``‖w_g‖₂`` for every group, shape (n_groups,)."""
        return np.sqrt(np.bincount(self.index_, weights=np.asarray(w) ** 2,
                                   minlength=self.labels_.size))

    def value(self, w):
        return float(self.lam * self.weights_ @ self.group_norms(w))

    def prox(self, w, step):
        norms = self.group_norms(w)
        thr = step * self.lam * self.weights_
        shrink = np.where(norms > thr, 1.0 - thr / np.where(norms > 0, norms, 1.0), 0.0)
        return w * shrink[self.index_]

    def subdiff_distance(self, w, grad):
        """Distance of ``−grad`` to ``∂penalty(w)``, one value per group (n_groups,)."""
        norms = self.group_norms(w)
        lw = self.lam * self.weights_
        unit = w / np.where(norms > 0, norms, 1.0)[self.index_]
        on = np.sqrt(np.bincount(self.index_, weights=(grad + lw[self.index_] * unit) ** 2,
                                 minlength=norms.size))
        off = np.maximum(self.group_norms(grad) - lw, 0.0)
        return np.where(norms > 0, on, off)

    def lam_max(self, X, y, sample_weight=None, *, datafit: str = "squared_error",
                fit_intercept: bool = True, standardize: bool = True) -> float:
        r"""Smallest λ at which every penalized group is zero: ``max_g ‖g_g(0)‖/ω_g``.

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
        sample_weight : ndarray of shape (n_samples,), optional
        datafit : {"squared_error", "logistic"}
        fit_intercept, standardize : bool

        Returns
        -------
        lam_max : float
        """
        pen = self.weights_ > 0
        if not pen.any():
            return 0.0
        g = null_gradient(X, y, sample_weight, datafit=datafit, fit_intercept=fit_intercept,
                          standardize=standardize, unpenalized=~pen[self.index_])
        return float(np.max(self.group_norms(g)[pen] / self.weights_[pen]))
