r"""Datafits: the mean loss of :mod:`shrinkage.conventions`, as functions of the linear predictor.

A datafit works on ``η = Xw + b`` (shape ``(n,)``, or ``(n, K)`` for softmax) and on sample
weights ``sw`` that are already normalised to sum to one (``sw_i = s_i / S``), so that::

    value(y, η, sw)            = Σ_i sw_i ℓ(y_i, η_i)
    gradient(y, η, sw)         = ∂value/∂η                      (same shape as η)
    hessian_diag(y, η, sw)     = ∂²value/∂η_i²                   (shape (n,); not for softmax)
    hessian_product(y, η, sw, u) = (∂²value/∂η²) u               (same shape as η)

By the chain rule the gradient in ``w`` is ``Xᵀ gradient`` and a Hessian-vector product is
``Xᵀ hessian_product(X v)``; the solvers do that part. Keeping the loss in η-space makes each
datafit a handful of vectorized lines and lets one solver serve all of them.
"""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit, logsumexp

__all__ = ["SquaredError", "Logistic", "SoftmaxCrossEntropy", "normalized_weights"]


def normalized_weights(sample_weight, n_samples: int, dtype=np.float64) -> np.ndarray:
    """Sample weights divided by their sum (uniform ``1/n`` when ``sample_weight`` is None)."""
    if sample_weight is None:
        return np.full(n_samples, 1.0 / n_samples, dtype=dtype)
    sw = np.asarray(sample_weight, dtype=dtype)
    return sw / sw.sum()


class SquaredError:
    """Squared error ``ℓ(y, η) = (y − η)²``, no ½ (the mean, not half the mean)."""

    name = "squared_error"

    def value(self, y, eta, sw):
        r = y - eta
        return float(sw @ (r * r)) if r.ndim == 1 else float(sw @ (r * r).sum(axis=1))

    def gradient(self, y, eta, sw):
        return -2.0 * _col(sw, eta) * (y - eta)

    def hessian_diag(self, y, eta, sw):
        return 2.0 * sw

    def hessian_product(self, y, eta, sw, u):
        return 2.0 * _col(sw, u) * u


class Logistic:
    r"""Logistic loss for ``y ∈ {0, 1}``: ``ℓ(y, η) = log(1 + e^η) − yη``, computed stably."""

    name = "logistic"

    def value(self, y, eta, sw):
        # log(1 + e^η) − yη = −log σ(η) + (1 − y)η = −y log σ(η) − (1 − y) log σ(−η)
        return float(sw @ (-(y * log_expit(eta)) - (1.0 - y) * log_expit(-eta)))

    def gradient(self, y, eta, sw):
        return sw * (expit(eta) - y)

    def hessian_diag(self, y, eta, sw):
        p = expit(eta)
        return sw * p * (1.0 - p)

    def hessian_product(self, y, eta, sw, u):
        return self.hessian_diag(y, eta, sw) * u


class SoftmaxCrossEntropy:
    r"""Softmax cross-entropy for ``K`` classes; ``Y`` is one-hot of shape ``(n, K)``.

    ``ℓ(y, η) = logsumexp(η) − η_y`` (stable log-sum-exp). Its Hessian in η is, per sample,
    ``diag(p) − p pᵀ`` with ``p = softmax(η)``.
    """

    name = "softmax_cross_entropy"

    def value(self, Y, eta, sw):
        return float(sw @ (logsumexp(eta, axis=1) - np.einsum("ik,ik->i", Y, eta)))

    @staticmethod
    def probabilities(eta):
        z = eta - eta.max(axis=1, keepdims=True)
        np.exp(z, out=z)
        z /= z.sum(axis=1, keepdims=True)
        return z

    def gradient(self, Y, eta, sw):
        return sw[:, None] * (self.probabilities(eta) - Y)

    def hessian_product(self, Y, eta, sw, u, p=None):
        p = self.probabilities(eta) if p is None else p
        pu = p * u
        return sw[:, None] * (pu - p * pu.sum(axis=1, keepdims=True))


def _col(sw, like):
    return sw if like.ndim == 1 else sw[:, None]
