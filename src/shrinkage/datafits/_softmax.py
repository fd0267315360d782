r"""Softmax cross-entropy for ``K`` classes: ``ℓ(y, η) = logsumexp(η) − η_y``."""

from __future__ import annotations

from functools import lru_cache

import numpy as np
from numba import njit
from scipy.special import logsumexp

__all__ = ["SoftmaxCrossEntropy", "hessian_product_entry", "value_and_gradient_inplace"]


class SoftmaxCrossEntropy:
    r"""Softmax cross-entropy for ``K`` classes; ``Y`` is one-hot of shape ``(n, K)``.

    ``ℓ(y, η) = logsumexp(η) − η_y`` (stable log-sum-exp). Its Hessian in η is, per sample,
    ``diag(p) − p pᵀ`` with ``p = softmax(η)``, whose largest eigenvalue is at most ½.

    With the class indices at hand (``labels``), :meth:`value_and_gradient` is two compiled
    passes over ``η`` around one vectorized ``exp``; the networks' softmax head is the same
    kernel with uniform weights (:meth:`batch_loss_and_grad`).

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import SoftmaxCrossEntropy
    >>> Y = np.eye(3)[[0, 2]]
    >>> round(SoftmaxCrossEntropy().value(Y, np.zeros((2, 3)), np.array([0.5, 0.5])), 6)
    1.098612
    """

    name = "softmax_cross_entropy"
    multi_output = True
    curvature_bound = 0.5
    separation_floor = float(np.log(2.0))     # p_y ≤ ½ costs at least log 2 (as Logistic)

    def value(self, Y, eta, sw):
        return float(sw @ (logsumexp(eta, axis=1) - np.einsum("ik,ik->i", Y, eta)))

    @staticmethod
    def probabilities(eta):
        z = eta - eta.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    @staticmethod
    def log_probabilities(eta):
        """``log softmax(η)`` per row, computed stably."""
        return eta - logsumexp(eta, axis=1, keepdims=True)

    def gradient(self, Y, eta, sw):
        return sw[:, None] * (self.probabilities(eta) - Y)

    def value_and_gradient(self, Y, eta, sw, labels=None):
        """``(value, gradient)``; with ``labels`` (class indices of the one-hot ``Y``) in one
        compiled pass over a copy of ``eta``."""
        if labels is None:
            return self.value(Y, eta, sw), self.gradient(Y, eta, sw)
        G = np.array(eta, dtype=np.float64, order="C")
        return value_and_gradient_inplace(G, labels, sw), G

    def hessian_product(self, Y, eta, sw, u, p=None):
        p = self.probabilities(eta) if p is None else p
        pu = p * u
        return sw[:, None] * (pu - p * pu.sum(axis=1, keepdims=True))

    def diagonal_curvature(self, eta, sw, p=None):
        """The diagonal entries ``∂²value/∂η_ik²`` of the (not diagonal) Hessian in η,
        ``sw_i p_ik (1 − p_ik)``, shape (n, K)."""
        p = self.probabilities(eta) if p is None else p
        return sw[:, None] * p * (1.0 - p)

    def mean_hessian(self, eta, sw, p=None):
        """``Σ_i sw_i (diag p_i − p_i p_iᵀ)``, the (K, K) curvature averaged over the rows."""
        p = self.probabilities(eta) if p is None else p
        pw = p * sw[:, None]
        return np.diag(pw.sum(axis=0)) - pw.T @ p

    def hessian_weights(self, P, sw, k, l):
        """Row weights of the ``(k, l)`` block of the Hessian in η, ``sw (δ_kl p_k − p_k p_l)``,
        from the probabilities ``P`` (n, K): the block of ``Xᵀ H X`` is ``Xᵀ diag(·) X``."""
        return sw * P[:, k] * ((1.0 if k == l else 0.0) - P[:, l])

    def null_eta(self, Y, sw):
        """Log class priors, centred to sum to zero over the classes."""
        prior = np.clip(sw @ Y, 1e-12, None)
        return np.log(prior) - np.log(prior).mean()

    def batch_loss_and_grad(self, eta, y, sw=None):
        """Mean cross-entropy (float64) of class indices ``y`` (n,) on the C-contiguous
        ``eta`` (n, K), and ``(softmax − onehot)/n`` written over ``eta``; with row weights
        ``sw`` (n,, float64) ``Σ sw_i ℓ_i`` and ``sw_i (softmax − onehot)``."""
        return value_and_gradient_inplace(eta, y, _uniform(eta.shape[0]) if sw is None else sw), eta


@lru_cache(maxsize=8)
def _uniform(n):
    w = np.full(n, 1.0 / n)
    w.flags.writeable = False
    return w


@njit(cache=True, nogil=True, inline="always")
def hessian_product_entry(sw_i, p_ik, u_ik, pu_i):
    """Entry ``k`` of row ``i`` of the Hessian-vector product in η, ``sw_i p_ik (u_ik − pᵢᵀuᵢ)``,
    from ``pu_i = Σ_k p_ik u_ik`` (what the compiled softmax coordinate descent keeps current)."""
    return sw_i * p_ik * (u_ik - pu_i)


def value_and_gradient_inplace(eta, y, sw):
    """``Σ_i sw_i (logsumexp(η_i) − η_{i,y_i})`` in float64, with ``sw_i (softmax(η_i) −
    onehot(y_i))`` written over the C-contiguous ``eta`` (n, K) in its own dtype."""
    z_y = _shift_rows(eta, y, sw)
    np.exp(eta, out=eta)          # NumPy's SIMD exp: numba's scalar exp costs 2× the rest
    return _normalize_rows(eta, y, sw) - z_y


@njit(cache=True, nogil=True, error_model="numpy")
def _shift_rows(eta, y, sw):
    # z = η − max_k η per row, in place; returns Σ_i sw_i z_{i,y_i} in float64
    n, K = eta.shape
    z_y = 0.0
    for i in range(n):
        c = y[i]
        if c < 0 or c >= K:
            raise ValueError("class index out of range for the number of outputs")
        mx = eta[i, 0]
        for k in range(1, K):
            mx = max(mx, eta[i, k])
        for k in range(K):
            eta[i, k] -= mx
        z_y += sw[i] * eta[i, c]
    return z_y


@njit(cache=True, nogil=True, error_model="numpy")
def _normalize_rows(e, y, sw):
    # e = e^z: writes sw_i (softmax − onehot(y)) over it; returns Σ_i sw_i log Σ_k e^z_ik
    n, K = e.shape
    log_s = 0.0
    for i in range(n):
        s = 0.0
        for k in range(K):
            s += e[i, k]
        log_s += sw[i] * np.log(s)
        scale = sw[i] / s
        for k in range(K):
            e[i, k] = e[i, k] * scale
        e[i, y[i]] -= sw[i]
    return log_s
