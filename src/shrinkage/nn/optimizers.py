r"""Optimizers as small composable gradient transformations, in the style of optax.

A transformation is a pair ``(init(params) -> state, update(grads, state, params) ->
(updates, state))`` over plain lists of arrays; :func:`chain` composes them left to right and
:func:`apply_updates` adds the final updates to the parameters. For speed the arrays of
``grads`` (and of the state) are **modified in place** and returned as the updates: pass a copy
if you need the gradients afterwards. Counts in a state are plain ints (the state is a tuple).
The moment updates of :func:`trace`, :func:`scale_by_rms` and :func:`scale_by_adam` run as one
compiled pass per array, in the arrays' dtype (a small network's step was mostly NumPy's
per-call overhead); arrays that are not C-contiguous of one float dtype are copied in and out
around the same kernel (:func:`~shrinkage.nn._blas.on_flat`).

L2 in the loss versus decoupled weight decay
--------------------------------------------
:func:`add_decayed_weights` adds ``rate · p`` to the updates of the masked parameters (weights
only by default, biases excluded). *Where* it sits in the chain decides what it is:

* before the adaptive scaling, ``chain(add_decayed_weights(2λ), scale_by_adam(), lr)`` is
  L2 in the loss: Adam sees ``∇L + 2λW`` and rescales the decay per coordinate, so weights with
  large gradient history are barely decayed;
* after it, ``chain(scale_by_adam(), add_decayed_weights(wd), lr)`` is AdamW (decoupled decay,
  Loshchilov & Hutter): every weight shrinks by ``lr·wd`` of itself per step, whatever its
  gradients. It is a different regularizer, with no λ in the loss that reproduces it.

Under plain SGD the two coincide: L2 with strength ``λ`` in the loss is decoupled decay with
``wd = 2λ``, a shrinkage of ``2·λ·lr`` per step (``W ← (1 − 2λ·lr)W − lr·∇L``); this is tested
step for step. PyTorch's ``SGD(weight_decay=wd)`` is the same at ``λ = wd/2``.

L2 in the loss at the head of the chain
---------------------------------------
With a callable ``rate``, :func:`add_decayed_weights` reads one rate per parameter every step:
:class:`~shrinkage.nn.training.Trainer` puts ``add_decayed_weights(penalty.l2_coefficients)`` at
the head of every optimizer, so each step's gradient is ``∇L + 2λ_l(1−ρ_l)W_l`` before any
scaling, with the penalty's *current* λ (adaptive λ changes it between epochs). That is the one
place the penalty's L2 gradient is added. The transformation has no state, so it adds nothing to
a checkpoint's optimizer state.

Proximal steps
--------------
:func:`proximal` goes **last** in the chain, after the learning rate: it sees the finished
step ``z = p + u`` and replaces it by ``prox(z, lr(t))`` (returning ``u = prox(z) − p``), with
the same schedule and step count as :func:`scale_by_learning_rate`, so the threshold follows the
learning rate as it decays. ``chain(scale_by_learning_rate(lr), proximal(pen.prox, lr))`` is
proximal gradient descent (ISTA) on ``loss + pen``; see :mod:`shrinkage.nn.penalties`.

Examples
--------
>>> import numpy as np
>>> opt = sgd(0.1, momentum=0.9)
>>> params = [np.array([1.0, 2.0])]
>>> state = opt.init(params)
>>> updates, state = opt.update([np.array([1.0, -1.0])], state, params)
>>> apply_updates(params, updates)[0]
array([0.9, 2.1])
"""

from __future__ import annotations

from functools import partial
from typing import Callable, NamedTuple, Sequence

import numpy as np
from numba import njit

from ._blas import axpy, on_flat
from .schedules import Schedule, constant

__all__ = ["GradientTransformation", "chain", "apply_updates", "scale", "scale_by_learning_rate",
           "trace", "scale_by_rms", "scale_by_adam", "add_decayed_weights", "weights_only",
           "proximal", "sgd", "rmsprop", "adam", "adamw", "OPTIMIZERS"]


class GradientTransformation(NamedTuple):
    """An ``(init, update)`` pair; see the module docstring."""

    init: Callable
    update: Callable


# Each transformation is built from module-level functions bound with functools.partial (not
# closures), so optimizers, their states and fitted estimators pickle.

def _empty(params):
    return ()


def _zeros(params):
    return ([np.zeros_like(p) for p in params],)


def apply_updates(params: list, updates: list) -> list:
    """``params += updates`` in place; returns ``params``."""
    for p, u in zip(params, updates):
        p += u
    return params


def _chain_init(transforms, params):
    return tuple(t.init(params) for t in transforms)


def _chain_update(transforms, grads, state, params):
    new = []
    for t, s in zip(transforms, state):
        grads, s = t.update(grads, s, params)
        new.append(s)
    return grads, tuple(new)


def chain(*transforms: GradientTransformation) -> GradientTransformation:
    """Apply ``transforms`` in order; the state is the tuple of their states."""
    return GradientTransformation(partial(_chain_init, transforms), partial(_chain_update, transforms))


def _as_schedule(lr) -> Schedule:
    return lr if callable(lr) else constant(lr)


def _scale_update(factor, grads, state, params):
    for g in grads:
        g *= factor
    return grads, state


def scale(factor: float) -> GradientTransformation:
    """``u ← factor · u``."""
    return GradientTransformation(_empty, partial(_scale_update, factor))


def _count_init(params):
    return (0,)


def _lr_update(schedule, grads, state, params):
    (t,) = state
    lr = -schedule(t)
    for g in grads:
        g *= lr
    return grads, (t + 1,)


def scale_by_learning_rate(learning_rate: float | Schedule) -> GradientTransformation:
    """``u ← −lr(t) · u``; the state is the step count ``t``."""
    return GradientTransformation(_count_init, partial(_lr_update, _as_schedule(learning_rate)))


@njit(cache=True, nogil=True, error_model="numpy")
def _trace_kernel(g, m, decay, nesterov):
    # in g's dtype: m ← decay·m + g;  u = m, or g + decay·m
    d = g.dtype.type(decay)
    for i in range(g.shape[0]):
        gi = g[i]
        mi = d * m[i] + gi
        m[i] = mi
        g[i] = gi + d * mi if nesterov else mi


def _trace_update(decay, nesterov, grads, state, params):
    (m,) = state
    for g, mi in zip(grads, m):
        on_flat(_trace_kernel, (g, mi), decay, nesterov)
    return grads, (m,)


def trace(decay: float = 0.9, nesterov: bool = False) -> GradientTransformation:
    """Momentum: ``m ← decay·m + g``; ``u = m``, or ``u = g + decay·m`` with Nesterov."""
    if not 0 <= decay < 1:
        raise ValueError(f"momentum must lie in [0, 1), got {decay!r}")
    return GradientTransformation(_zeros, partial(_trace_update, float(decay), bool(nesterov)))


@njit(cache=True, nogil=True, error_model="numpy")
def _rms_kernel(g, v, decay, eps):
    # in g's dtype: ν ← decay·ν + (1−decay)g²,  u = g / (√ν + eps)
    t = g.dtype.type
    d, a, e = t(decay), t(1.0 - decay), t(eps)
    for i in range(g.shape[0]):
        gi = g[i]
        vi = d * v[i] + a * (gi * gi)
        v[i] = vi
        g[i] = gi / (np.sqrt(vi) + e)


def _rms_update(decay, eps, grads, state, params):
    (nu,) = state
    for g, v in zip(grads, nu):
        on_flat(_rms_kernel, (g, v), decay, eps)
    return grads, (nu,)


def scale_by_rms(decay: float = 0.9, eps: float = 1e-8) -> GradientTransformation:
    """RMSprop: ``ν ← decay·ν + (1−decay)g²``; ``u = g / (√ν + eps)``."""
    if not 0 <= decay < 1:
        raise ValueError(f"rms decay must lie in [0, 1), got {decay!r}")
    return GradientTransformation(_zeros, partial(_rms_update, float(decay), float(eps)))


def _adam_init(params):
    return (0, [np.zeros_like(p) for p in params], [np.zeros_like(p) for p in params])


@njit(cache=True, nogil=True, error_model="numpy")
def _adam_kernel(g, m, v, b1, b2, eps, c1, c2):
    # in g's dtype: m ← b1·m + (1−b1)g,  v ← b2·v + (1−b2)g²,  u = m / (√v/√c2 + eps) / c1
    t = g.dtype.type
    b1_, a1, b2_, a2, e = t(b1), t(1.0 - b1), t(b2), t(1.0 - b2), t(eps)
    r1, r2 = t(1.0 / c1), t(1.0 / np.sqrt(c2))
    for i in range(g.shape[0]):
        gi = g[i]
        mi = b1_ * m[i] + a1 * gi
        vi = b2_ * v[i] + a2 * (gi * gi)
        m[i] = mi
        v[i] = vi
        g[i] = mi / (np.sqrt(vi) * r2 + e) * r1


def _adam_update(b1, b2, eps, grads, state, params):
    t, mu, nu = state
    t += 1
    c1, c2 = 1.0 - b1 ** t, 1.0 - b2 ** t
    for g, m, v in zip(grads, mu, nu):
        on_flat(_adam_kernel, (g, m, v), b1, b2, eps, c1, c2)
    return grads, (t, mu, nu)


def scale_by_adam(b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8) -> GradientTransformation:
    """Adam: bias-corrected ``m̂ / (√ν̂ + eps)`` with ``m, ν`` the moving averages of ``g, g²``."""
    for name, b in (("beta_1", b1), ("beta_2", b2)):
        if not 0 <= b < 1:
            raise ValueError(f"{name} must lie in [0, 1), got {b!r}")
    return GradientTransformation(_adam_init, partial(_adam_update, float(b1), float(b2), float(eps)))


def weights_only(params) -> list[bool]:
    """The default mask: matrices (weights) yes, vectors (biases) no."""
    return [p.ndim > 1 for p in params]


def _decay_update(rate, mask, grads, state, params):
    if callable(rate):
        rates = rate(params)
    elif rate:
        flags = weights_only(params) if mask is None else (mask(params) if callable(mask) else mask)
        rates = [rate if m else 0.0 for m in flags]
    else:
        return grads, state
    for g, p, c in zip(grads, params, rates):
        if c:
            axpy(c, p, g)
    return grads, state


def add_decayed_weights(rate: float | Callable, mask: Sequence[bool] | Callable | None = None
                        ) -> GradientTransformation:
    """``u ← u + rate · p`` for the parameters where ``mask`` is true (weights by default).

    ``mask`` is a list of booleans, one per parameter, or a callable ``params -> list``.
    ``rate`` may instead be a callable ``params -> rates`` giving one rate per parameter (0
    leaves it alone), called every step, with no ``mask``: at the head of a chain with
    :meth:`~shrinkage.nn.penalties.LayerPenalty.l2_coefficients` it is the penalty's L2 in the
    loss (module doc).
    """
    if callable(rate):
        if mask is not None:
            raise ValueError("a callable weight decay rate gives every parameter's rate (0 leaves "
                             "it alone); pass no mask with it")
    elif not rate >= 0:
        raise ValueError(f"weight decay rate must be >= 0, got {rate!r}")
    mask = mask if (mask is None or callable(mask)) else list(mask)
    return GradientTransformation(_empty, partial(_decay_update, rate, mask))


def _prox_update(prox, schedule, updates, state, params):
    (t,) = state
    # z = p + u, prox(z) in place, u = prox(z) − p: where prox(z) = 0, u = −p exactly and
    # p + u is an exact zero.
    for u, p in zip(updates, params):
        u += p
    prox(updates, schedule(t))
    for u, p in zip(updates, params):
        u -= p
    return updates, (t + 1,)


def proximal(prox: Callable, learning_rate: float | Schedule) -> GradientTransformation:
    """``p + u ← prox(p + u, lr(t))``: a proximal step after the gradient step (put it last).

    ``prox(arrays, step)`` maps the list of stepped parameters to their prox in place (e.g.
    :meth:`~shrinkage.nn.penalties.LayerPenalty.prox`); ``learning_rate`` must be the schedule
    of the step before it (the state counts steps as :func:`scale_by_learning_rate` does).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.nn.prox import soft_threshold
    >>> l1 = lambda arrays, step: [soft_threshold(a, step * 1.0) for a in arrays]
    >>> opt = chain(scale_by_learning_rate(0.5), proximal(l1, 0.5))     # ISTA, λ = 1
    >>> params = [np.array([1.0, 0.2, -2.0])]
    >>> u, _ = opt.update([np.array([0.0, 0.0, 1.0])], opt.init(params), params)
    >>> apply_updates(params, u)[0]                  # S(p − 0.5 g, 0.5)
    array([ 0.5,  0. , -2. ])
    """
    return GradientTransformation(_count_init, partial(_prox_update, prox, _as_schedule(learning_rate)))


# -- aliases ------------------------------------------------------------------------------------
def _decay(weight_decay) -> list:
    # left out at 0: a step would call it for nothing (it has no state, so checkpoints are alike)
    return [add_decayed_weights(weight_decay)] if weight_decay else []


def sgd(learning_rate, momentum: float = 0.0, nesterov: bool = False, weight_decay: float = 0.0):
    """SGD, with heavy-ball or Nesterov momentum; ``weight_decay`` is decoupled (after momentum)."""
    parts = [trace(momentum, nesterov)] if momentum else []
    return chain(*parts, *_decay(weight_decay), scale_by_learning_rate(learning_rate))


def rmsprop(learning_rate, decay: float = 0.9, eps: float = 1e-8, weight_decay: float = 0.0):
    """RMSprop; ``weight_decay`` is decoupled (after the scaling)."""
    return chain(scale_by_rms(decay, eps), *_decay(weight_decay), scale_by_learning_rate(learning_rate))


def adam(learning_rate, b1: float = 0.9, b2: float = 0.999, eps: float = 1e-8,
         weight_decay: float = 0.0):
    """Adam; with ``weight_decay > 0`` it is AdamW (decoupled decay after the adaptive scaling)."""
    return chain(scale_by_adam(b1, b2, eps), *_decay(weight_decay), scale_by_learning_rate(learning_rate))


adamw = adam

def _by_name(kind, lr, wd, momentum):
    if kind == "sgd":
        return sgd(lr, weight_decay=wd)
    if kind in ("momentum", "nesterov"):
        return sgd(lr, momentum, nesterov=kind == "nesterov", weight_decay=wd)
    if kind == "rmsprop":
        return rmsprop(lr, weight_decay=wd)
    return adam(lr, weight_decay=wd)


#: name -> ``factory(learning_rate, weight_decay, momentum)``
OPTIMIZERS = {k: partial(_by_name, k) for k in ("sgd", "momentum", "nesterov", "rmsprop", "adam")}
