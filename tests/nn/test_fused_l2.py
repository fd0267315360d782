"""L2 folded into the optimizer's pass is L2 in the loss: the same steps as adding ``2λW`` first.

Every run is done twice on the same data, shuffle and initial weights: fused (the optimizer's
``l2_update`` gets ``2λ_l(1−ρ_l)``) and unfused (``Trainer._fuse_l2 = False``: the penalty adds
its whole gradient, then ``update``); float64, every step's weights equal to 1e-12.
"""

import numpy as np
import pytest

from shrinkage.nn import MLP, LayerPenalty, MLPClassifier
from shrinkage.nn import optimizers as O
from shrinkage.nn.adaptive import HypergradientLam, PlateauLam
from shrinkage.nn.training import Trainer

KINDS = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
LR = 0.05


def _data(n=96, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X[:, 0] - X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


class _Steps:
    def __init__(self):
        self.params = []

    def on_batch_end(self, trainer):
        self.params.append([p.copy() for p in trainer.net.params])


def _pair(make_opt, pen_kw, epochs=3, adaptive=None, val=False, fusable=True):
    """(fused, unfused) trainers after ``epochs``, with every step's weights recorded."""
    X, y = _data()
    Xv, yv = _data(40, seed=1) if val else (None, None)
    out = []
    for fuse in (True, False):
        net = MLP([5, 12, 7, 2], activation="tanh", dtype=np.float64, random_state=0)
        pen = LayerPenalty([0.02, 0.0, 0.05], net.layer_names, **pen_kw)   # one layer free
        rec = _Steps()
        tr = Trainer(net, pen, make_opt(pen), batch_size=16, random_state=3,
                     learning_rate=lambda t: LR, adaptive_lam=adaptive() if adaptive else None,
                     callbacks=[rec])
        tr._fuse_l2 = fuse
        assert (tr._l2_update() is not None) == (fuse and fusable)
        tr.run(X, y, Xv, yv, epochs=epochs)
        out.append((tr, rec))
    return out


def _assert_same_steps(fused, unfused):
    (a, ra), (b, rb) = fused, unfused
    assert len(ra.params) == len(rb.params) > 0
    for pa, pb in zip(ra.params, rb.params):
        for x, z in zip(pa, pb):
            np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.history["penalty"], b.history["penalty"], rtol=1e-12)
    assert a.history["lam"] == b.history["lam"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_every_builtin_optimizer_fused_equals_unfused_step_for_step(kind, wd):
    _assert_same_steps(*_pair(lambda pen: O.OPTIMIZERS[kind](LR, wd, 0.9), {}))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pen_kw", [
    dict(l1_ratio=0.4),                                   # elastic net, subgradient
    dict(l1_ratio=[0.0, 0.0, 1.0], penalize_bias=True),   # pure L1 on the last layer; biases too
    dict(group_lam=0.01),                                 # group subgradient beside L2
], ids=["elastic-net", "l1-and-bias", "group"])
def test_subgradient_forms_fused_equal_unfused(kind, pen_kw):
    _assert_same_steps(*_pair(lambda pen: O.OPTIMIZERS[kind](LR, 0.0, 0.9), pen_kw))


@pytest.mark.parametrize("kind", KINDS)
def test_prox_mode_fused_equals_unfused(kind):
    """The smooth L2 part in the optimizer's pass, the L1 and group parts by the prox after it."""
    def make(pen):
        return O.chain(O.OPTIMIZERS[kind](LR, 0.0, 0.9), O.proximal(pen.prox, LR))
    fused, unfused = _pair(make, dict(l1_ratio=0.5, group_lam=0.3, mode="prox"), epochs=4)
    _assert_same_steps(fused, unfused)
    assert any(np.any(W == 0) for W in fused[0].net.params[0::2])     # the prox did zero some


@pytest.mark.parametrize("rule", [HypergradientLam, PlateauLam], ids=["hypergradient", "plateau"])
def test_adaptive_lam_changes_are_followed_by_the_fused_coefficient(rule):
    fused, unfused = _pair(lambda pen: O.OPTIMIZERS["momentum"](LR, 0.0, 0.9), {}, epochs=6,
                           adaptive=lambda: rule(lam_init=1e-2), val=True)
    _assert_same_steps(fused, unfused)
    lams = np.array(fused[0].history["lam"])
    assert np.any(lams[1:] != lams[:-1])                 # λ did move between epochs


def test_l2_coefficients_are_2_lam_1_minus_rho_on_the_penalized_arrays():
    names = ["dense_0", "dense_1"]
    params = [np.ones((2, 3)), np.ones(3), np.ones((3, 1)), np.ones(1)]
    pen = LayerPenalty([0.1, 0.3], names, l1_ratio=[0.0, 0.5])
    assert pen.l2_coefficients(params) == [0.2, 0.0, 0.3, 0.0]
    pen.penalize_bias = True
    assert pen.l2_coefficients(params) == [0.2, 0.2, 0.3, 0.3]
    pen.lams[:] = 0.0                                    # adaptive λ writes lams in place
    assert pen.l2_coefficients(params) == [0.0] * 4
    grads = [np.zeros_like(p) for p in params]          # l2=False: all but the L2 part
    pen.lams[:] = [0.1, 0.3]
    pen.add_gradient(params, grads, l2=False)
    np.testing.assert_array_equal(grads[0], 0.0)
    np.testing.assert_allclose(grads[2], 0.15)           # λρ·sign(W)


def test_a_custom_chain_keeps_the_explicit_gradient():
    """A chain whose first transformation takes no ``l2`` has ``l2_update = None``: the trainer
    adds the penalty's gradient as before, to the same steps as the fused built-in optimizer."""
    custom = O.chain(O.scale(1.0), O.trace(0.9), O.scale_by_learning_rate(LR))
    assert custom.l2_update is None
    assert O.chain(O.chain(O.trace(0.9), O.scale_by_learning_rate(LR)), O.scale(1.0)).l2_update
    (_, rb), _ = _pair(lambda pen: O.OPTIMIZERS["momentum"](LR, 0.0, 0.9), {})
    (_, re), _ = _pair(lambda pen: custom, {}, fusable=False)
    for pa, pb in zip(rb.params, re.params):
        for x, z in zip(pa, pb):
            np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_estimator_fit_is_the_same_fused_or_not(optimizer, monkeypatch):
    X, y = _data(80)
    kw = dict(hidden_layer_sizes=(9,), lam=1e-2, optimizer=optimizer, learning_rate=0.05,
              max_epochs=5, batch_size=16, dtype="float64", random_state=0)
    fused = MLPClassifier(**kw).fit(X, y)
    monkeypatch.setattr(Trainer, "_fuse_l2", False)
    unfused = MLPClassifier(**kw).fit(X, y)
    for a, b in zip(fused.coefs_ + fused.intercepts_, unfused.coefs_ + unfused.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fused.history_["loss"], unfused.history_["loss"], rtol=1e-12)
