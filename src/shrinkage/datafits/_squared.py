"""Squared error ``ℓ(y, η) = (y − η)²`` (no ½: the mean, not half the mean)."""

from __future__ import annotations

import numpy as np

__all__ = ["SquaredError"]


class SquaredError:
    """Squared error ``ℓ(y, η) = (y − η)²``, summed over targets when ``y`` is ``(n, t)``.

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import SquaredError
    >>> SquaredError().value(np.array([1.0, 3.0]), np.array([0.0, 0.0]), np.array([0.5, 0.5]))
    5.0
    """

    name = "squared_error"
    multi_output = False
    curvature_bound = 2.0

    def value(self, y, eta, sw):
        r = y - eta
        return float(sw @ (r * r)) if r.ndim == 1 else float(sw @ (r * r).sum(axis=1))

    def gradient(self, y, eta, sw):
        return -2.0 * _col(sw, eta) * (y - eta)

    def value_and_gradient(self, y, eta, sw):
        return self.value(y, eta, sw), self.gradient(y, eta, sw)

    def hessian_diag(self, y, eta, sw):
        return 2.0 * sw

    def hessian_product(self, y, eta, sw, u):
        return 2.0 * _col(sw, u) * u

    def null_eta(self, y, sw):
        """The weighted mean of ``y`` (per target)."""
        return sw @ y

    def batch_loss_and_grad(self, eta, y, sw=None):
        """``mean_i Σ_k (η_ik − y_ik)²`` (float64) and ``2(η − y)/n`` written over ``eta``; with
        row weights ``sw`` (n,) ``Σ_i sw_i Σ_k (η_ik − y_ik)²`` and ``2 sw_i (η_i − y_i)``."""
        n = eta.shape[0]
        eta -= y.reshape(eta.shape)
        if sw is None:
            loss = float(np.einsum("ik,ik->", eta, eta, dtype=np.float64)) / n
            eta *= eta.dtype.type(2.0 / n)
        else:
            loss = float(sw @ np.einsum("ik,ik->i", eta, eta, dtype=np.float64))
            eta *= (2.0 * sw).astype(eta.dtype)[:, None]
        return loss, eta


def _col(sw, like):
    return sw if like.ndim == 1 else sw[:, None]
