r"""Learning-rate schedules: functions of the optimizer step count ``t = 0, 1, 2, …``.

Each constructor returns a callable ``schedule(t) -> float``, usable wherever a learning rate is
accepted (:func:`~shrinkage.nn.optimizers.scale_by_learning_rate` and the aliases).

Examples
--------
>>> s = step_decay(0.1, every=10)        # halve every 10 steps
>>> [s(0), s(9), s(10), s(25)]
[0.1, 0.1, 0.05, 0.025]
>>> c = cyclical(0.01, 0.1, half_cycle=5)
>>> [round(c(t), 3) for t in (0, 5, 10)]
[0.01, 0.1, 0.01]
"""

from __future__ import annotations

import math
from functools import partial
from typing import Callable

__all__ = ["constant", "step_decay", "exponential_decay", "cosine_decay", "cyclical",
           "Schedule"]

Schedule = Callable[[int], float]

# Schedules are partials of module-level functions, so that fitted estimators pickle.


def _constant(value, t):
    return value


def _step(init, every, factor, t):
    return init * factor ** (t // every)


def _exponential(init, rate, steps, t):
    return init * rate ** (t / steps)


def _cosine(init, steps, final, t):
    return final + 0.5 * (init - final) * (1 + math.cos(math.pi * min(t, steps) / steps))


def _cyclical(base, peak, half, t):
    x = abs((t / half) % 2 - 1)          # 1 at t = 0, 0 at the peak
    return base + (peak - base) * (1 - x)


def _positive(v, name):
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not v > 0 or not math.isfinite(v):
        raise ValueError(f"{name} must be a positive number, got {v!r}")
    return float(v)


def constant(value: float) -> Schedule:
    """``lr(t) = value``."""
    value = _positive(value, "learning_rate")
    return partial(_constant, value)


def step_decay(init: float, every: int, factor: float = 0.5) -> Schedule:
    """``lr(t) = init · factor^⌊t / every⌋`` (``factor=0.5``: halving)."""
    init, every = _positive(init, "learning_rate"), int(_positive(every, "every"))
    if not 0 < factor <= 1:
        raise ValueError(f"factor must lie in (0, 1], got {factor!r}")
    return partial(_step, init, every, factor)


def exponential_decay(init: float, rate: float, steps: int) -> Schedule:
    """``lr(t) = init · rate^{t / steps}`` (smooth; ``rate`` per ``steps`` steps)."""
    init, steps = _positive(init, "learning_rate"), _positive(steps, "steps")
    if not 0 < rate <= 1:
        raise ValueError(f"rate must lie in (0, 1], got {rate!r}")
    return partial(_exponential, init, rate, steps)


def cosine_decay(init: float, steps: int, final: float = 0.0) -> Schedule:
    """``lr(t) = final + ½(init − final)(1 + cos(π min(t, steps)/steps))``."""
    init, steps = _positive(init, "learning_rate"), _positive(steps, "steps")
    return partial(_cosine, init, steps, float(final))


def cyclical(base: float, peak: float, half_cycle: int) -> Schedule:
    """Triangular cyclical rate (Smith 2017): ``base → peak`` in ``half_cycle`` steps and back."""
    base, peak = _positive(base, "base"), _positive(peak, "peak")
    half = _positive(half_cycle, "half_cycle")
    return partial(_cyclical, base, peak, half)
