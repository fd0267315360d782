r"""Logistic loss for ``y ∈ {0, 1}``: ``ℓ(y, η) = log(1 + e^η) − yη``, computed stably."""

from __future__ import annotations

import numpy as np
from scipy.special import expit, log_expit

__all__ = ["Logistic"]

_LOG2 = float(np.log(2.0))


class Logistic:
    r"""Logistic loss ``ℓ(y, η) = log(1 + e^η) − yη`` (``y`` may be a probability).

    With labels exactly 0 or 1 the loss is ``−log σ((2y − 1)η)``: one log-sigmoid per row and
    no cancellation (``label_sign`` gives ``2y − 1`` once, ``value(..., sign=...)`` uses it).
    Otherwise ``−y log σ(η) − (1 − y) log σ(−η)``, exact for any ``y ∈ [0, 1]``.

    A row whose label is predicted with probability below ½ costs at least ``log 2``: once
    the weighted loss falls below ``log 2 · min_i sw_i`` every row is classified correctly
    (``separation_floor``), which the solvers use to stop at ``λ = 0`` on separable data.

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Logistic
    >>> round(Logistic().value(np.array([1.0, 0.0]), np.zeros(2), np.array([0.5, 0.5])), 6)
    0.693147
    """

    name = "logistic"
    multi_output = False
    curvature_bound = 0.25
    separation_floor = _LOG2

    @staticmethod
    def label_sign(y):
        """``2y − 1`` when every label is 0 or 1 (the fast, exact form of :meth:`value`), else None."""
        y = np.asarray(y)
        return 2.0 * y - 1.0 if np.all((y == 0) | (y == 1)) else None

    def value(self, y, eta, sw, sign=None):
        if sign is not None:
            return -float(sw @ log_expit(sign * eta))
        # log(1 + e^η) − yη = −log σ(η) + (1 − y)η = −y log σ(η) − (1 − y) log σ(−η)
        return float(sw @ (-(y * log_expit(eta)) - (1.0 - y) * log_expit(-eta)))

    def gradient(self, y, eta, sw):
        return sw * (expit(eta) - y)

    def value_and_gradient(self, y, eta, sw, sign=None):
        return self.value(y, eta, sw, sign), self.gradient(y, eta, sw)

    def hessian_diag(self, y, eta, sw):
        p = expit(eta)
        return sw * p * (1.0 - p)

    def hessian_product(self, y, eta, sw, u):
        return self.hessian_diag(y, eta, sw) * u

    @staticmethod
    def probabilities(eta):
        """Class probabilities ``[1 − σ(η), σ(η)]``, shape (n, 2)."""
        p1 = expit(eta)
        return np.column_stack([1.0 - p1, p1])

    @staticmethod
    def log_probabilities(eta):
        """``[log σ(−η), log σ(η)]``, shape (n, 2), computed stably."""
        return np.column_stack([log_expit(-eta), log_expit(eta)])

    def null_eta(self, y, sw):
        """``logit(ȳ)``, the weighted mean label's log-odds (both classes must be present)."""
        ybar = float(sw @ y)
        if not 0.0 < ybar < 1.0:
            raise ValueError("y holds a single class; a logistic model needs both 0 and 1")
        return float(np.log(ybar / (1.0 - ybar)))

    def batch_loss_and_grad(self, eta, y, sw=None):
        """Mean loss (float64) of 0/1 labels ``y`` (n,) on ``eta`` (n, 1), and ``(σ(η) − y)/n``
        written over ``eta``; with row weights ``sw`` (n,) the loss is ``Σ sw_i ℓ_i`` and the
        gradient ``sw_i (σ(η_i) − y_i)``."""
        n = eta.shape[0]
        e = eta[:, 0]
        yt = y.reshape(-1)
        terms = log_expit((2.0 * yt - 1.0) * e.astype(np.float64))
        loss = -float(np.mean(terms) if sw is None else sw @ terms)
        np.tanh(e * 0.5, out=e)                            # σ(η) = ½(1 + tanh(η/2))
        e += 1
        e *= 0.5
        e -= yt
        if sw is None:
            e *= e.dtype.type(1.0 / n)
        else:
            e *= sw
        return loss, eta
