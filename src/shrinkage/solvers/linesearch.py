r"""The one backtracking line search every descent solver uses.

Armijo's rule: along a direction whose (model) decrease at the full step is ``D < 0`` — the
slope ``∇J·Δ`` for Newton and quasi-Newton steps, or ``∇D·Δ + pen(θ + Δ) − pen(θ)`` for
proximal Newton (Lee, Sun & Saunders 2014) — accept the first step ``t = 1, ½, ¼, …`` with::

    J(θ + tΔ) ≤ J(θ) + c · t · D,        c = 10⁻⁴.

Near an optimum the objective is flat at machine precision and Armijo cannot be checked; a
caller can pass ``flat(t, J_t, state)`` to accept such a step anyway (e.g. when the gradient
shrinks), skip the search when ``D`` itself is below the rounding of ``J``
(:func:`below_rounding`), or take the last, tiny trial when it does not increase ``J``
(``last_resort``: proximal Newton keeps going where a stricter rule would stop).
"""

from __future__ import annotations

import numpy as np

__all__ = ["backtrack", "below_rounding", "within_rounding"]

_EPS = np.finfo(float).eps


def below_rounding(decrease: float, J: float) -> bool:
    """The predicted decrease is below the rounding of ``J``: Armijo cannot tell, and the step
    is so small that the quadratic model is exact to that order."""
    return -decrease <= 1e3 * _EPS * abs(J)


def within_rounding(J_t: float, J: float) -> bool:
    """``J_t`` equals ``J`` to within the rounding of the objective."""
    return abs(J_t - J) <= 64 * _EPS * max(abs(J), 1.0)


def backtrack(trial, J: float, decrease: float, *, flat=None, c: float = 1e-4,
              max_halvings: int = 40, last_resort: bool = False):
    """Armijo backtracking from the full step.

    Parameters
    ----------
    trial : callable ``t -> (J_t, state)``
        The objective at step ``t`` (and whatever the caller wants back with it).
    J : float
        The objective at ``t = 0``.
    decrease : float
        The predicted decrease of the full step (negative for a descent direction).
    flat : callable ``(t, J_t, state) -> bool``, optional
        Accept a step that fails Armijo (round-off near the optimum).
    c : float, default=1e-4
    max_halvings : int, default=40
        Trials: ``t`` down to ``2^{1 − max_halvings}``.
    last_resort : bool, default=False
        Accept the last trial if it does not increase ``J``.

    Returns
    -------
    ``(t, J_t, state)`` of the accepted step, or None when the direction is not a descent
    direction or no step was accepted.
    """
    if not decrease < 0:
        return None
    t = 1.0
    for k in range(max_halvings):
        J_t, state = trial(t)
        if J_t <= J + c * t * decrease or (flat is not None and flat(t, J_t, state)):
            return t, J_t, state
        if last_resort and k == max_halvings - 1 and J_t <= J:
            return t, J_t, state
        t *= 0.5
    return None
