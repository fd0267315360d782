"""Proximal steps for the network: L1 and group L2 over neurons.

Each prox against the linear-model penalties' prox and its optimality condition; the proximal
transformation against ISTA step for step under a decaying schedule; the penalty's gradient
without the prox'd parts (no double counting) but its value with them; training that zeroes
whole input features; and SGD + prox on a linear network against ``shrinkage.Lasso``.
"""

import math

import numpy as np
import pytest

from shrinkage import Lasso
from shrinkage.nn import MLP, LayerPenalty, MLPClassifier, MLPRegressor
from shrinkage.nn import optimizers as O
from shrinkage.nn import schedules as S
from shrinkage.nn.prox import group_norms, group_soft_threshold, live_units, soft_threshold
from shrinkage.penalties import L1, GroupL2

RNG = np.random.default_rng(0)


def _matrix(d_in=7, d_out=5, seed=0):
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(d_in, d_out))
    W[:, 1] *= 0.05                     # a small column and a small row: their groups must die
    W[2, :] *= 0.05
    return W


# -- soft-thresholding ---------------------------------------------------------------------------
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_soft_threshold_is_the_l1_prox_and_its_argmin(dtype):
    W = _matrix().astype(dtype)
    t = 0.4
    Z = soft_threshold(W.copy(), t)
    ref = L1(lam=2.0).prox(W.astype(np.float64).ravel(), step=t / 2.0).reshape(W.shape)
    np.testing.assert_allclose(Z, ref, rtol=1e-6 if dtype == np.float32 else 1e-15, atol=0)
    # 0 ∈ z − w + t ∂|z|:  z ≠ 0 → z − w + t sign z = 0;  z = 0 → |w| ≤ t
    nz = Z != 0
    np.testing.assert_allclose((Z - W + t * np.sign(Z))[nz], 0, atol=1e-6 if dtype == np.float32 else 1e-14)
    assert np.all(np.abs(W[~nz]) <= t) and (~nz).sum() > 5 and nz.sum() > 5
    # and it is the minimizer: no random perturbation does better
    obj = lambda z: 0.5 * np.sum((z - W.astype(np.float64)) ** 2) + t * np.abs(z).sum()
    z64 = Z.astype(np.float64)
    assert all(obj(z64) <= obj(z64 + 1e-3 * RNG.normal(size=W.shape)) for _ in range(50))


# -- group soft-thresholding ----------------------------------------------------------------------
@pytest.mark.parametrize("axis", ["in", "out"])
def test_group_prox_is_block_soft_thresholding_and_its_argmin(axis):
    W = _matrix()
    t = 0.35
    Z = group_soft_threshold(W.copy(), t, axis)
    d_in, d_out = W.shape
    # the same as GroupL2 on the flattened matrix, a group per column ("in") or row ("out")
    labels = np.tile(np.arange(d_out), d_in) if axis == "in" else np.repeat(np.arange(d_in), d_out)
    ref = GroupL2(lam=1.0, groups=labels).prox(W.ravel(), step=t).reshape(W.shape)
    np.testing.assert_allclose(Z, ref, rtol=1e-14, atol=1e-15)
    # per block: z_g ≠ 0 → z_g − w_g + t√p z_g/‖z_g‖ = 0;  z_g = 0 exactly ⟺ ‖w_g‖ ≤ t√p
    blocks = (lambda A: A.T) if axis == "in" else (lambda A: A)
    p = d_in if axis == "in" else d_out
    dead = 0
    for z, w in zip(blocks(Z), blocks(W)):
        nz = np.linalg.norm(z)
        if np.linalg.norm(w) <= t * math.sqrt(p):
            assert np.all(z == 0)
            dead += 1
        else:
            np.testing.assert_allclose(z - w + t * math.sqrt(p) * z / nz, 0, atol=1e-14)
    assert dead == 1 and live_units(Z, axis) == (d_out if axis == "in" else d_in) - 1
    np.testing.assert_allclose(group_norms(W, axis), np.linalg.norm(W, axis=0 if axis == "in" else 1))


def test_sparse_group_prox_composition_is_optimal():
    # prox of t1‖·‖₁ + t2√p‖·‖₂ per row = group prox after soft-thresholding
    W, t1, t2 = _matrix(), 0.3, 0.2
    pen = LayerPenalty(t1, ["dense_0"], l1_ratio=1.0, group_lam=t2, group_axis="out", mode="prox")
    Z = pen.prox([W.copy(), np.zeros(W.shape[1])], step=1.0)[0]
    p = W.shape[1]
    for z, w in zip(Z, W):
        if np.all(z == 0):      # 0 optimal ⟺ min_{|s|≤1} ‖w − t1 s‖ = ‖S(w, t1)‖ ≤ t2√p
            assert np.linalg.norm(soft_threshold(w.copy(), t1)) <= t2 * math.sqrt(p)
            continue
        on = z != 0
        r = z - w + t2 * math.sqrt(p) * z / np.linalg.norm(z)
        np.testing.assert_allclose(r[on] + t1 * np.sign(z[on]), 0, atol=1e-14)
        assert np.all(np.abs(r[~on]) <= t1 + 1e-14)       # 0 ∈ r_j + t1[−1, 1]


# -- the transformation ----------------------------------------------------------------------------
def test_proximal_transformation_follows_the_schedule_step_for_step():
    # chain(lr, prox) is ISTA: p ← prox(p − lr_t g, lr_t), with lr_t the *current* rate
    sched = S.step_decay(0.3, every=2, factor=0.5)
    names = ["dense_0"]
    pen = LayerPenalty(0.5, names, l1_ratio=0.6, group_lam=0.4, group_axis="in", mode="prox")
    opt = O.chain(O.scale_by_learning_rate(sched), O.proximal(pen.prox, sched))
    params = [_matrix(), RNG.normal(size=5)]
    ref = [p.copy() for p in params]
    state = opt.init(params)
    for t in range(6):
        g = [RNG.normal(size=(7, 5)), RNG.normal(size=5)]
        u, state = opt.update([x.copy() for x in g], state, params)
        O.apply_updates(params, u)
        lr = sched(t)
        W = soft_threshold(ref[0] - lr * g[0], lr * 0.5 * 0.6)
        ref = [group_soft_threshold(W, lr * 0.4, "in"), ref[1] - lr * g[1]]   # bias: no prox
        for a, b in zip(params, ref):
            np.testing.assert_allclose(a, b, rtol=1e-13, atol=1e-15)
    assert np.any(params[0] == 0)           # exact zeros survive p + (prox(z) − p)


def test_prox_mode_gradient_has_no_l1_or_group_part_but_the_value_does():
    net = MLP([4, 6, 3], dtype=np.float64, random_state=0)
    kw = dict(lam=[0.2, 0.3], l1_ratio=[0.5, 1.0], group_lam=[0.1, 0.0], group_axis="in")
    prox = LayerPenalty(layer_names=net.layer_names, mode="prox", **kw)
    sub = LayerPenalty(layer_names=net.layer_names, mode="subgradient", **kw)
    params = net.params
    zeros = [np.zeros_like(p) for p in params]
    g = prox.add_gradient(params, [z.copy() for z in zeros])
    np.testing.assert_allclose(g[0], 2 * 0.2 * 0.5 * params[0], rtol=1e-15)
    np.testing.assert_array_equal(g[2], 0)             # ρ = 1: all of it in the prox
    W0, W1 = params[0], params[2]
    expected = (0.2 * (0.5 * np.sum(W0**2) + 0.5 * np.abs(W0).sum()) + 0.3 * np.abs(W1).sum()
                + 0.1 * math.sqrt(4) * np.linalg.norm(W0, axis=0).sum())
    assert prox.value(params) == pytest.approx(expected, rel=1e-14)
    assert sub.value(params) == prox.value(params)
    # the subgradient mode's gradient is the derivative of the value (off the kinks)
    G = sub.add_gradient(params, [z.copy() for z in zeros])
    h = 1e-6
    for idx in [(0, 0), (2, 3), (3, 5)]:
        P = [p.copy() for p in params]
        P[0][idx] += h
        up = sub.value(P)
        P[0][idx] -= 2 * h
        fd = (up - sub.value(P)) / (2 * h)
        assert G[0][idx] == pytest.approx(fd, rel=1e-6)


# -- training ----------------------------------------------------------------------------------------
def _three_of_twenty(n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 20))
    y = 2 * X[:, 0] - 1.5 * X[:, 1] + np.tanh(X[:, 2]) + 0.1 * rng.normal(size=n)
    return X, y


def test_group_penalty_on_input_rows_zeroes_the_irrelevant_features():
    # groups = outgoing rows of dense_0 = input features; a little L2 on the output layer stops
    # it from growing to let W_0 shrink for free (the penalty is not scale invariant)
    X, y = _three_of_twenty()
    est = MLPRegressor((16,), activation="tanh", lam={"dense_1": 1e-3}, group_lam={"dense_0": 0.2},
                       group_axis="out", optimizer="sgd", learning_rate=0.05, batch_size=100,
                       schedule="cosine", max_epochs=100, dtype="float64", random_state=0).fit(X, y)
    live = [row[0] for row in est.history_["live_neurons"]]
    assert live[0] == 20 and live[-30:] == [3] * 30      # (a noisy batch may revive a row briefly)
    W0, W1 = est.coefs_
    assert np.all(W0[3:] == 0) and np.all(np.any(W0[:3] != 0, axis=1))   # exact zeros
    assert est.history_["live_neurons"][-1][1] == 16                        # output layer: rows
    expected = 0.2 * math.sqrt(16) * np.linalg.norm(W0, axis=1).sum() + 1e-3 * np.sum(W1**2)
    assert est.history_["penalty"][-1] == pytest.approx(expected, rel=1e-12)
    assert est.score(X, y) > 0.98


def test_subgradient_mode_reaches_no_exact_zero_where_prox_does():
    X, y = _three_of_twenty(200)
    kw = dict(hidden_layer_sizes=(8,), lam=0.1, l1_ratio=1.0, optimizer="sgd",
              learning_rate=0.05, max_epochs=40, dtype="float64", random_state=0)
    sub = MLPRegressor(penalty_mode="subgradient", **kw).fit(X, y)
    prox = MLPRegressor(**kw).fit(X, y)                 # "auto" is "prox" with l1_ratio > 0
    assert np.count_nonzero(sub.coefs_[0] == 0) == 0
    assert np.count_nonzero(prox.coefs_[0] == 0) > 50
    h = prox.history_
    assert h["penalty"][-1] == pytest.approx(0.1 * sum(np.abs(W).sum() for W in prox.coefs_), rel=1e-12)
    # group_axis "in" counts the columns: hidden units with any incoming weight left
    assert h["live_neurons"][-1] == [live_units(W, "in") for W in prox.coefs_]


@pytest.mark.parametrize("batch_size", [200, 50])
def test_prox_sgd_on_a_linear_network_is_the_lasso(batch_size):
    rng = np.random.default_rng(1)
    n, p = 200, 10
    X = rng.normal(size=(n, p))
    y = X @ np.array([3.0, -2.0, 1.5, 0, 0, 0.4, 0, 0, 0, 0]) + 1.0 + rng.normal(size=n)
    lam = 0.5                       # our λ: mean squared error + λ‖w‖₁, as Lasso's
    ref = Lasso(lam=lam, standardize=False, tol=1e-12).fit(X, y)
    if batch_size == n:
        # full batch: SGD + prox is ISTA; the rate decays 0.25 → 0.0625 and the threshold
        # must follow it (with the initial rate the error is 33%, the support wrong)
        epochs, sched, rtol = 3000, S.exponential_decay(0.25, 0.25, steps=3000), 1e-8
    else:
        epochs = 400
        sched, rtol = S.exponential_decay(0.1, 1e-3, steps=epochs * n // batch_size), 1e-3
    est = MLPRegressor((), lam=lam, l1_ratio=1.0, optimizer="sgd", schedule=sched,
                       batch_size=batch_size, max_epochs=epochs, dtype="float64",
                       random_state=0).fit(X, y)
    w, b = est.coefs_[0][:, 0], est.intercepts_[0][0]
    assert np.linalg.norm(w - ref.coef_) <= rtol * np.linalg.norm(ref.coef_)
    assert b == pytest.approx(ref.intercept_, rel=rtol)
    if batch_size == n:
        assert np.array_equal(w == 0, ref.coef_ == 0) and 0 < np.count_nonzero(w) < p
    else:
        # the last mini-batch's gradient can exceed λ where the full one does not: a zero of
        # the lasso may end a few 1e-6 away from 0 (here one of six)
        assert np.all(w[ref.coef_ != 0] != 0) and np.all(np.abs(w[ref.coef_ == 0]) < 1e-4)
        assert np.count_nonzero(w[ref.coef_ == 0] == 0) >= 4


def test_prox_mode_and_group_parameters_are_validated():
    X, y = _three_of_twenty(50)
    for bad, msg in [(dict(group_axis="rows"), "group_axis must be 'in'"),
                     (dict(penalty_mode="ista"), "penalty_mode must be"),
                     (dict(group_lam="big"), "group_lam must be"),
                     (dict(group_lam={"dense_9": 1.0}), "unknown layer")]:
        with pytest.raises(ValueError, match=msg):
            MLPClassifier((4,), max_epochs=1, **bad).fit(X, y > 0)
    with pytest.raises(ValueError, match="mode must be one of"):
        LayerPenalty(0.1, ["dense_0"], mode="ista")


def test_checkpoint_resume_keeps_the_prox_step_count(tmp_path):
    from shrinkage.nn.training import HISTORY_KEYS, Trainer
    X, y = _three_of_twenty(120)
    sched = S.step_decay(0.05, every=7)

    def trainer(**kw):
        net = MLP([20, 8, 1], activation="tanh", head="squared", dtype=np.float64, random_state=0)
        pen = LayerPenalty(0.01, net.layer_names, l1_ratio=0.5, group_lam={"dense_0": 0.1},
                           group_axis="out", mode="prox")
        opt = O.chain(O.sgd(sched), O.proximal(pen.prox, sched))
        return Trainer(net, pen, opt, batch_size=32, random_state=1, learning_rate=sched, **kw)

    Y = y[:, None]
    straight = trainer().run(X, Y, epochs=6)
    path = tmp_path / "ckpt.npz"
    trainer(checkpoint=path).run(X, Y, epochs=3)
    resumed = trainer().load_checkpoint(path).run(X, Y, epochs=3)
    for p, q in zip(straight.net.params, resumed.net.params):
        np.testing.assert_array_equal(p, q)
    for k in HISTORY_KEYS:
        assert straight.history[k] == resumed.history[k] or k in ("val_loss", "val_score")
