"""The L2 transformation at the head of the optimizer chain is L2 in the loss: the same steps as
adding ``2λW`` to the gradient explicitly.

Every run is done twice on the same data, shuffle and initial weights: with the trainer's head
(``add_decayed_weights(penalty.l2_coefficients)`` before the optimizer) and explicit (a penalty
whose head coefficients are zero and whose ``add_gradient`` writes ``g += 2λ_l(1−ρ_l)W_l`` out
before the rest of its gradient, then the optimizer); float64, every step's weights equal to
1e-12.
"""

import json

import numpy as np
import pytest

from shrinkage.nn import MLP, LayerPenalty, MLPClassifier
from shrinkage.nn import optimizers as O
from shrinkage.nn.adaptive import HypergradientLam, PlateauLam
from shrinkage.nn.checkpoint import flatten as _flatten
from shrinkage.nn.training import Trainer

KINDS = ["sgd", "momentum", "nesterov", "rmsprop", "adam"]
LR = 0.05


def _data(n=96, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X[:, 0] - X[:, 1] * X[:, 2] + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


class _ExplicitL2(LayerPenalty):
    """L2 in the loss written out in the gradient; nothing for the chain's head to add."""

    def l2_coefficients(self, params):
        return [0.0] * len(params)

    def add_gradient(self, params, grads, l2=True):
        for c, P, G in zip(LayerPenalty.l2_coefficients(self, params), params, grads):
            G += c * P                                   # 2λ_l(1−ρ_l) W_l
        return LayerPenalty.add_gradient(self, params, grads, l2=False)


class _Steps:
    def __init__(self):
        self.params = []

    def on_batch_end(self, trainer):
        self.params.append([p.copy() for p in trainer.net.params])


def _pair(make_opt, pen_kw, epochs=3, adaptive=None, val=False):
    """(head, explicit) trainers after ``epochs``, with every step's weights recorded."""
    X, y = _data()
    Xv, yv = _data(40, seed=1) if val else (None, None)
    out = []
    for penalty in (LayerPenalty, _ExplicitL2):
        net = MLP([5, 12, 7, 2], activation="tanh", dtype=np.float64, random_state=0)
        pen = penalty([0.02, 0.0, 0.05], net.layer_names, **pen_kw)   # one layer free
        rec = _Steps()
        tr = Trainer(net, pen, make_opt(pen), batch_size=16, random_state=3,
                     learning_rate=lambda t: LR, adaptive_lam=adaptive() if adaptive else None,
                     callbacks=[rec])
        tr.run(X, y, Xv, yv, epochs=epochs)
        out.append((tr, rec))
    return out


def _assert_same_steps(head, explicit):
    (a, ra), (b, rb) = head, explicit
    assert len(ra.params) == len(rb.params) > 0
    for pa, pb in zip(ra.params, rb.params):
        for x, z in zip(pa, pb):
            np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(a.history["penalty"], b.history["penalty"], rtol=1e-12)
    assert a.history["lam"] == b.history["lam"]


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("wd", [0.0, 0.1])
def test_every_builtin_optimizer_with_the_l2_head_equals_explicit_l2_step_for_step(kind, wd):
    _assert_same_steps(*_pair(lambda pen: O.OPTIMIZERS[kind](LR, wd, 0.9), {}))


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("pen_kw", [
    dict(l1_ratio=0.4),                                   # elastic net, subgradient
    dict(l1_ratio=[0.0, 0.0, 1.0], penalize_bias=True),   # pure L1 on the last layer; biases too
    dict(group_lam=0.01),                                 # group subgradient beside L2
], ids=["elastic-net", "l1-and-bias", "group"])
def test_subgradient_forms_with_the_l2_head_equal_explicit_l2(kind, pen_kw):
    _assert_same_steps(*_pair(lambda pen: O.OPTIMIZERS[kind](LR, 0.0, 0.9), pen_kw))


@pytest.mark.parametrize("kind", KINDS)
def test_prox_mode_with_the_l2_head_equals_explicit_l2(kind):
    """The smooth L2 part at the chain's head, the L1 and group parts by the prox after it."""
    def make(pen):
        return O.chain(O.OPTIMIZERS[kind](LR, 0.0, 0.9), O.proximal(pen.prox, LR))
    head, explicit = _pair(make, dict(l1_ratio=0.5, group_lam=0.3, mode="prox"), epochs=4)
    _assert_same_steps(head, explicit)
    assert any(np.any(W == 0) for W in head[0].net.params[0::2])      # the prox did zero some


@pytest.mark.parametrize("rule", [HypergradientLam, PlateauLam], ids=["hypergradient", "plateau"])
def test_adaptive_lam_changes_are_followed_by_the_l2_head(rule):
    head, explicit = _pair(lambda pen: O.OPTIMIZERS["momentum"](LR, 0.0, 0.9), {}, epochs=6,
                           adaptive=lambda: rule(lam_init=1e-2), val=True)
    _assert_same_steps(head, explicit)
    lams = np.array(head[0].history["lam"])
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


def test_a_custom_chain_gets_the_l2_head_too():
    """Any optimizer, built-in or custom, runs behind the same stateless L2 head: a custom chain
    equal to momentum SGD takes the same steps as the built-in one."""
    custom = O.chain(O.scale(1.0), O.trace(0.9), O.scale_by_learning_rate(LR))
    (bt, rb), _ = _pair(lambda pen: O.OPTIMIZERS["momentum"](LR, 0.0, 0.9), {})
    (ct, re), _ = _pair(lambda pen: custom, {})
    assert bt.opt_state[0] == () and ct.opt_state[0] == ()          # the head holds no state
    for pa, pb in zip(rb.params, re.params):
        for x, z in zip(pa, pb):
            np.testing.assert_allclose(x, z, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_estimator_fit_with_the_l2_head_equals_explicit_l2(optimizer, monkeypatch):
    X, y = _data(80)
    kw = dict(hidden_layer_sizes=(9,), lam=1e-2, optimizer=optimizer, learning_rate=0.05,
              max_epochs=5, batch_size=16, dtype="float64", random_state=0)
    head = MLPClassifier(**kw).fit(X, y)
    monkeypatch.setattr("shrinkage.nn.estimators.LayerPenalty", _ExplicitL2)
    explicit = MLPClassifier(**kw).fit(X, y)
    assert type(explicit.trainer_.penalty) is _ExplicitL2
    for a, b in zip(head.coefs_ + head.intercepts_, explicit.coefs_ + explicit.intercepts_):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(head.history_["loss"], explicit.history_["loss"], rtol=1e-12)


@pytest.mark.parametrize("kind", KINDS)
def test_checkpoint_optimizer_state_has_the_optimizers_leaves_only(kind, tmp_path):
    """The stateless head adds no leaf: a checkpoint holds exactly the leaves of the given
    optimizer's state (the layout written before the head existed), and resuming from it takes
    the same steps as training without a break."""
    X, y = _data()
    path = tmp_path / "ck.npz"

    def trainer():
        net = MLP([5, 12, 7, 2], activation="tanh", dtype=np.float64, random_state=0)
        return Trainer(net, LayerPenalty(0.02, net.layer_names), O.OPTIMIZERS[kind](LR, 0.0, 0.9),
                       batch_size=16, random_state=3, learning_rate=lambda t: LR)

    whole = trainer().run(X, y, epochs=3)
    first = trainer()
    first.checkpoint = path
    first.run(X, y, epochs=2)
    with np.load(path) as f:
        n_opt = json.loads(str(f["meta"]))["n_opt"]
    leaves = []
    _flatten(O.OPTIMIZERS[kind](LR, 0.0, 0.9).init(first.net.params), leaves)
    assert n_opt == len(leaves)
    resumed = trainer().load_checkpoint(path).run(X, y, epochs=1)
    for a, b in zip(whole.net.params, resumed.net.params):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
