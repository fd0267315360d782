r"""Gamma and Tweedie losses with log link, up to constants.

With ``μ = e^η`` the half unit deviance of the Tweedie family of power ``p`` is, up to terms
that do not depend on ``μ``::

    ℓ_p(y, η) = −y μ^{1−p}/(1−p) + μ^{2−p}/(2−p)          (p ∉ {1, 2})
    ℓ_1(y, η) = μ − y η                                    (Poisson, :class:`Poisson`)
    ℓ_2(y, η) = y/μ + η = y e^{−η} + η                     (Gamma)

so the mean loss is scikit-learn's ``1/(2n) Σ deviance`` plus a constant (its
``PoissonRegressor(alpha)``, ``GammaRegressor(alpha)`` and ``TweedieRegressor(power, alpha)``
are ``lam = alpha / 2``). Per row, in η::

    ∂ℓ/∂η  = μ^{1−p} (μ − y)
    ∂²ℓ/∂η² = μ^{1−p} ((2−p) μ + (p−1) y)

The second derivative is positive for ``1 ≤ p ≤ 2`` and ``y ≥ 0``; for ``p > 2`` it is negative
where ``μ > (p−1) y / (p−2)`` (the loss is not convex in η there), so :meth:`hessian_diag`
returns the expected (Fisher) curvature ``μ^{2−p}`` for ``p > 2``: Newton becomes Fisher
scoring, which keeps its steps descent directions (the line search does the rest). Targets:
``y ≥ 0`` for ``1 ≤ p < 2`` (zeros allowed, some positive), ``y > 0`` for ``p ≥ 2``.
"""

from __future__ import annotations

import numpy as np

__all__ = ["Gamma", "Tweedie", "tweedie", "check_target", "unit_deviance"]


def tweedie(power: float):
    """The datafit of Tweedie power ``power``: :class:`~shrinkage.datafits.Poisson` for 1,
    :class:`Gamma` for 2, :class:`Tweedie` otherwise (``power > 1``)."""
    if isinstance(power, (int, float, np.number)) and float(power) == 1.0:
        from ._poisson import Poisson
        return Poisson()
    return Gamma() if isinstance(power, (int, float, np.number)) and power == 2 else \
        Tweedie(power)


def unit_deviance(datafit, y, eta):
    """The unit deviance of each row, ``2[ℓ(y_i, η_i) − ℓ(y_i, log y_i)]`` (n,), for the Poisson,
    gamma and Tweedie datafits: their loss is half the deviance up to terms in ``y`` alone, so
    the deviance is twice the loss's excess over the saturated model ``μ = y`` (whose loss
    tends to 0 where ``y = 0``). Poisson: ``2[y log(y/μ) − (y − μ)]``, glmnet's and
    scikit-learn's."""
    y = np.asarray(y, dtype=np.float64)
    positive = y > 0
    sat = np.where(positive, datafit.loss(y, np.log(np.where(positive, y, 1.0))), 0.0)
    return 2.0 * (datafit.loss(y, eta) - sat)


def check_target(power: float, y, name: str) -> None:
    """Refuse targets outside the support of the Tweedie family of ``power``: ``y ≥ 0`` with
    some ``y > 0`` below power 2, ``y > 0`` from 2 on; the message names the first bad row."""
    y = np.asarray(y)
    if power < 2:
        bad = np.flatnonzero(y < 0)
        if bad.size:
            raise ValueError(f"y holds {y[bad[0]]:g} (row {bad[0]}); the {name} family needs "
                             "y >= 0")
        if not np.any(y > 0):
            raise ValueError(f"every y is zero; the {name} family needs some y > 0")
    else:
        bad = np.flatnonzero(y <= 0)
        if bad.size:
            raise ValueError(f"y holds {y[bad[0]]:g} (row {bad[0]}); the {name} family needs "
                             "y > 0")


class Tweedie:
    r"""Tweedie loss of power ``p`` (``0 < p`` excluded: ``p = 0`` is the squared error, which
    has its own datafit; ``p ∈ (0, 1)`` has no distribution), log link.

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Tweedie
    >>> d = Tweedie(1.5)
    >>> float(d.null_eta(np.array([1.0, 3.0]), np.array([0.5, 0.5])))   # log ȳ
    0.6931471805599453
    """

    multi_output = False
    curvature_bound = np.inf

    def __init__(self, power: float = 1.5):
        power = float(power) if isinstance(power, (int, float, np.number)) else np.nan
        if not (np.isfinite(power) and power > 1.0):
            raise ValueError(f"power must be a number > 1 here ((1, 2): compound Poisson–gamma, "
                             f"2: gamma, 3: inverse Gaussian; 1 is the Poisson datafit, "
                             f"tweedie(1)), got {power!r}")
        self.power = power
        self.name = "gamma" if power == 2.0 else f"tweedie-{power:g}"

    def check_target(self, y) -> None:
        """Refuse targets outside the family's support, naming the first bad row."""
        check_target(self.power, y, self.name)

    def loss(self, y, eta):
        """The per-row loss ``ℓ(y_i, η_i)`` (n,)."""
        p = self.power
        if p == 2.0:
            return y * np.exp(-eta) + eta
        return -y * np.exp((1 - p) * eta) / (1 - p) + np.exp((2 - p) * eta) / (2 - p)

    def value(self, y, eta, sw):
        return float(sw @ self.loss(y, eta))

    def gradient(self, y, eta, sw):
        p = self.power
        return sw * np.exp((1 - p) * eta) * (np.exp(eta) - y)

    def value_and_gradient(self, y, eta, sw):
        return self.value(y, eta, sw), self.gradient(y, eta, sw)

    def hessian_diag(self, y, eta, sw):
        p = self.power
        if p > 2.0:                             # Fisher scoring: E[y] = μ (module docstring)
            return sw * np.exp((2 - p) * eta)
        return sw * np.exp((1 - p) * eta) * ((2 - p) * np.exp(eta) + (p - 1) * y)

    def hessian_product(self, y, eta, sw, u):
        return self.hessian_diag(y, eta, sw) * u

    def null_eta(self, y, sw):
        """``log ȳ``: the intercept-only model's mean is the weighted mean for every power."""
        ybar = float(sw @ y)
        if not ybar > 0:
            raise ValueError(f"the weighted mean of y is {ybar:g}; the {self.name} family needs "
                             "a positive mean")
        return float(np.log(ybar))


class Gamma(Tweedie):
    r"""Gamma loss with log link, ``ℓ(y, η) = y e^{−η} + η`` for ``y > 0`` (:class:`Tweedie`
    of power 2).

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Gamma
    >>> Gamma().value(np.array([1.0, 1.0]), np.zeros(2), np.array([0.5, 0.5]))
    1.0
    """

    def __init__(self):
        super().__init__(2.0)
