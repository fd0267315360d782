"""The ridge penalty (see :mod:`shrinkage.penalties`)."""

from __future__ import annotations

import numpy as np

__all__ = ["L2"]


class L2:
    r"""Ridge penalty ``λ Σ_j f_j w_j²``; its gradient is ``2λ f w`` (not ``2λ‖w‖``).

    Parameters
    ----------
    lam : float
        Strength ``λ ≥ 0``.
    penalty_factor : ndarray of shape (n_features,), optional
        Per-coefficient factors ``f_j ≥ 0`` (0 leaves a coefficient unpenalized).
    """

    def __init__(self, lam: float, penalty_factor: np.ndarray | None = None):
        self.lam = float(lam)
        self.penalty_factor = penalty_factor

    def _weights(self, w):
        f = 1.0 if self.penalty_factor is None else self.penalty_factor
        return self.lam * np.broadcast_to(f, w.shape[-1:])

    def value(self, w):
        return float(np.sum(self._weights(w) * w * w))

    def gradient(self, w):
        return 2.0 * self._weights(w) * w

    def hessian_diag(self, w):
        return np.broadcast_to(2.0 * self._weights(w), w.shape)

    def prox(self, w, step):
        return w / (1.0 + 2.0 * step * self._weights(w))

    def subdiff_distance(self, w, grad):
        return np.abs(grad + self.gradient(w))
