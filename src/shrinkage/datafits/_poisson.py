r"""Poisson deviance up to constants, log link: ``ℓ(y, η) = e^η − yη``.

The negative log-likelihood of a count ``y ~ Poisson(μ)`` with ``μ = e^η`` is
``μ − y log μ + log y!``; the last term does not depend on the model and is dropped, so the
loss is ``e^η − yη`` (half the Poisson deviance plus a constant). Counts may be any
non-negative numbers (rates with exposure go through an offset).

Derivatives in η, per row: gradient ``sw_i (e^{η_i} − y_i)``, second derivative
``sw_i e^{η_i}`` (unbounded: there is no global Lipschitz constant, ``curvature_bound = inf``,
so proximal-gradient steps need a line search). The intercept-only model is ``η = log ȳ``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Poisson"]


class Poisson:
    r"""Poisson loss with log link, ``ℓ(y, η) = e^η − yη`` for counts ``y ≥ 0``.

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Poisson
    >>> Poisson().value(np.array([1.0, 3.0]), np.zeros(2), np.array([0.5, 0.5]))
    1.0
    >>> float(Poisson().null_eta(np.array([1.0, 3.0]), np.array([0.5, 0.5])))  # log ȳ
    0.6931471805599453
    """

    name = "poisson"
    multi_output = False
    curvature_bound = np.inf
    power = 1.0

    def check_target(self, y) -> None:
        """Refuse negative counts, or only zeros, naming the first bad row."""
        from ._tweedie import check_target
        check_target(1.0, y, self.name)

    def loss(self, y, eta):
        """The per-row loss ``ℓ(y_i, η_i)`` (n,)."""
        return np.exp(eta) - y * eta

    def value(self, y, eta, sw):
        return float(sw @ self.loss(y, eta))

    def gradient(self, y, eta, sw):
        return sw * (np.exp(eta) - y)

    def value_and_gradient(self, y, eta, sw):
        mu = np.exp(eta)
        return float(sw @ (mu - y * eta)), sw * (mu - y)

    def hessian_diag(self, y, eta, sw):
        return sw * np.exp(eta)

    def hessian_product(self, y, eta, sw, u):
        return self.hessian_diag(y, eta, sw) * u

    def null_eta(self, y, sw):
        """``log ȳ`` (the weighted mean count must be positive)."""
        ybar = float(sw @ y)
        if not ybar > 0:
            raise ValueError("every count is zero: a Poisson model needs some positive counts")
        return float(np.log(ybar))
