"""Each transformation against its textbook formula, step for step; schedules by value."""

import math

import numpy as np
import pytest

from shrinkage.nn import optimizers as O
from shrinkage.nn import schedules as S


def _run(opt, grads_seq, params):
    params = [p.copy() for p in params]
    state = opt.init(params)
    out = []
    for g in grads_seq:
        u, state = opt.update([x.copy() for x in g], state, params)
        O.apply_updates(params, u)
        out.append([p.copy() for p in params])
    return out


RNG = np.random.default_rng(0)
P0 = [RNG.normal(size=(3, 2)), RNG.normal(size=2)]
GS = [[RNG.normal(size=(3, 2)), RNG.normal(size=2)] for _ in range(6)]


def _reference(kind, lr=0.05, mom=0.9, wd=0.0, b1=0.9, b2=0.999, eps=1e-8, rho=0.9):
    """Plain formulas (PyTorch's documentation), decoupled decay on matrices only."""
    p = [x.copy() for x in P0]
    m = [np.zeros_like(x) for x in p]
    v = [np.zeros_like(x) for x in p]
    out = []
    for t, g in enumerate(GS, start=1):
        for i, gi in enumerate(g):
            if kind == "sgd":
                u = gi
            elif kind in ("momentum", "nesterov"):
                m[i] = mom * m[i] + gi
                u = gi + mom * m[i] if kind == "nesterov" else m[i]
            elif kind == "rmsprop":
                v[i] = rho * v[i] + (1 - rho) * gi**2
                u = gi / (np.sqrt(v[i]) + eps)
            elif kind == "adam":
                m[i] = b1 * m[i] + (1 - b1) * gi
                v[i] = b2 * v[i] + (1 - b2) * gi**2
                u = (m[i] / (1 - b1**t)) / (np.sqrt(v[i] / (1 - b2**t)) + eps)
            if p[i].ndim > 1:
                u = u + wd * p[i]
            p[i] = p[i] - lr * u
        out.append([x.copy() for x in p])
    return out


@pytest.mark.parametrize("kind", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
@pytest.mark.parametrize("wd", [0.0, 0.3])
def test_optimizers_match_their_formulas(kind, wd):
    opt = O.OPTIMIZERS[kind](0.05, wd, 0.9)
    for got, ref in zip(_run(opt, GS, P0), _reference(kind, wd=wd)):
        for a, b in zip(got, ref):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)


def test_adam_with_l2_in_the_loss_differs_from_adamw():
    """The documented difference: decay before the adaptive scaling is not AdamW."""
    lam = 0.1
    coupled = O.chain(O.add_decayed_weights(2 * lam), O.scale_by_adam(), O.scale_by_learning_rate(0.05))
    decoupled = O.adam(0.05, weight_decay=2 * lam)
    a, b = _run(coupled, GS, P0)[-1], _run(decoupled, GS, P0)[-1]
    assert np.max(np.abs(a[0] - b[0])) > 1e-3
    np.testing.assert_allclose(a[1], b[1])      # biases are masked out of both


def test_l2_in_loss_under_sgd_equals_decoupled_decay_step_for_step():
    lam, lr = 0.2, 0.05
    coupled = O.chain(O.add_decayed_weights(2 * lam), O.scale_by_learning_rate(lr))   # ∇(L + λ‖W‖²)
    decoupled = O.sgd(lr, weight_decay=2 * lam)        # W ← (1 − 2λ·lr) W − lr ∇L
    for a, b in zip(_run(coupled, GS, P0), _run(decoupled, GS, P0)):
        for x, y in zip(a, b):
            np.testing.assert_allclose(x, y, rtol=1e-14)


def test_mask_and_chain_state():
    opt = O.chain(O.add_decayed_weights(1.0, mask=[True, True]), O.scale(-1.0))
    u, state = opt.update([np.zeros(2), np.zeros(1)], opt.init([]), [np.ones(2), np.ones(1) * 3])
    np.testing.assert_array_equal(u[1], [-3.0])
    assert state == ((), ())
    with pytest.raises(ValueError, match="momentum must lie in"):
        O.trace(1.0)


def test_schedules():
    assert S.constant(0.1)(100) == 0.1
    s = S.step_decay(1.0, every=3)
    assert [s(t) for t in (0, 2, 3, 6)] == [1.0, 1.0, 0.5, 0.25]
    e = S.exponential_decay(1.0, 0.5, steps=10)
    assert e(10) == pytest.approx(0.5) and e(5) == pytest.approx(math.sqrt(0.5))
    c = S.cosine_decay(1.0, 10, final=0.1)
    assert c(0) == pytest.approx(1.0) and c(5) == pytest.approx(0.55) and c(20) == pytest.approx(0.1)
    tri = S.cyclical(0.1, 1.0, half_cycle=4)
    assert [round(tri(t), 6) for t in (0, 2, 4, 6, 8, 12)] == [0.1, 0.55, 1.0, 0.55, 0.1, 1.0]
    with pytest.raises(ValueError, match="learning_rate must be a positive number"):
        S.constant(-1.0)


def test_learning_rate_schedule_drives_the_step():
    opt = O.sgd(S.step_decay(1.0, every=1))
    params = [np.zeros(1)]
    state = opt.init(params)
    for _ in range(3):
        u, state = opt.update([np.ones(1)], state, params)
        O.apply_updates(params, u)
    np.testing.assert_allclose(params[0], [-(1 + 0.5 + 0.25)])
