"""Finite-difference checks (float64) of every layer, activation, head and penalty form."""

import numpy as np
import pytest

from shrinkage.datafits import Logistic, SoftmaxCrossEntropy, SquaredError
from shrinkage.nn.layers import ACTIVATIONS, Dense, get_activation
from shrinkage.nn.network import HEADS, MLP
from shrinkage.nn.penalties import LayerPenalty

H = 1e-6


def numgrad(f, x):
    """Central differences of the scalar f() with respect to every entry of x (in place)."""
    g = np.zeros_like(x)
    it = np.nditer(x, flags=["multi_index"])
    for _ in it:
        i = it.multi_index
        old = x[i]
        x[i] = old + H
        fp = f()
        x[i] = old - H
        fm = f()
        x[i] = old
        g[i] = (fp - fm) / (2 * H)
    return g


def test_dense_forward_backward_match_finite_differences():
    rng = np.random.default_rng(0)
    layer = Dense(4, 3, rng=rng, dtype=np.float64)
    layer.b[:] = rng.normal(size=3)
    X = rng.normal(size=(6, 4))
    G = rng.normal(size=(6, 3))            # loss = Σ G ⊙ Z
    f = lambda: float(np.sum(G * layer.forward(X)))
    layer.forward(X)
    dX = layer.backward(G)
    np.testing.assert_allclose(layer.dW, numgrad(f, layer.W), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(layer.db, numgrad(f, layer.b), rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(dX, numgrad(f, X), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_activation_backward_matches_finite_differences(name):
    rng = np.random.default_rng(1)
    act = get_activation(name)
    Z = rng.normal(size=(5, 4)) * 2
    Z[np.abs(Z) < 1e-3] = 0.5               # keep away from relu's kink
    G = rng.normal(size=(5, 4))
    f = lambda: float(np.sum(G * act.forward(Z.copy())))
    act.forward(Z.copy())
    dZ = act.backward(G.copy())
    np.testing.assert_allclose(dZ, numgrad(f, Z), rtol=1e-6, atol=1e-8)


def test_activation_values():
    z = np.array([-2.0, -0.5, 0.0, 1.5])
    np.testing.assert_allclose(get_activation("sigmoid").forward(z.copy()), 1 / (1 + np.exp(-z)))
    np.testing.assert_allclose(get_activation("relu").forward(z.copy()), np.maximum(z, 0))
    np.testing.assert_allclose(get_activation("leaky_relu").forward(z.copy()),
                               np.where(z > 0, z, 0.01 * z))
    from scipy.stats import norm
    np.testing.assert_allclose(get_activation("gelu").forward(z.copy()), z * norm.cdf(z))


@pytest.mark.parametrize("head", ["softmax", "logistic", "squared"])
def test_head_loss_and_gradient_equal_the_datafits(head):
    rng = np.random.default_rng(2)
    n, K = 7, (3 if head != "logistic" else 1)
    eta = rng.normal(size=(n, K)) * 3
    sw = np.full(n, 1.0 / n)
    if head == "softmax":
        y = rng.integers(0, K, n)
        Y = np.eye(K)[y]
        ref_v, ref_g = SoftmaxCrossEntropy().value(Y, eta, sw), SoftmaxCrossEntropy().gradient(Y, eta, sw)
    elif head == "logistic":
        y = rng.integers(0, 2, n).astype(float)
        ref_v = Logistic().value(y, eta[:, 0], sw)
        ref_g = Logistic().gradient(y, eta[:, 0], sw)[:, None]
    else:
        y = rng.normal(size=(n, K))
        ref_v, ref_g = SquaredError().value(y, eta, sw), SquaredError().gradient(y, eta, sw)
    v, g = HEADS[head].batch_loss_and_grad(eta.copy(), y)
    assert v == pytest.approx(ref_v, rel=1e-12)
    np.testing.assert_allclose(g, ref_g, rtol=1e-12, atol=1e-15)


PENALTIES = {
    "none": dict(lam=0.0),
    "l2": dict(lam=0.3),
    "per-layer": dict(lam=[0.2, 0.0, 0.7]),
    "mapping": dict(lam={"dense_2": 0.4}),
    "elastic-net": dict(lam=0.3, l1_ratio=[0.5, 1.0, 0.2]),
    "bias": dict(lam=0.3, penalize_bias=True, l1_ratio={"dense_1": 0.5}),
}


def _net_and_data(activation, head, seed=3):
    rng = np.random.default_rng(seed)
    K = {"softmax": 3, "logistic": 1, "squared": 2}[head]
    net = MLP([4, 5, 3, K], activation=activation, head=head, dtype=np.float64, random_state=seed)
    for b in net.params[1::2]:
        b[:] = rng.normal(size=b.shape) * 0.3
    X = rng.normal(size=(8, 4))
    y = {"softmax": rng.integers(0, 3, 8), "logistic": rng.integers(0, 2, 8).astype(float),
         "squared": rng.normal(size=(8, 2))}[head]
    return net, X, y


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
@pytest.mark.parametrize("head", ["softmax", "logistic", "squared"])
def test_network_loss_gradient_matches_finite_differences(activation, head):
    net, X, y = _net_and_data(activation, head)
    pen = LayerPenalty(0.3, net.layer_names, l1_ratio=0.25)
    f = lambda: net.data_loss(X, y) + pen.value(net.params)
    loss = net.loss_and_grad(X, y)
    assert loss == pytest.approx(net.data_loss(X, y), rel=1e-12)
    grads = pen.add_gradient(net.params, [g.copy() for g in net.grads])
    for p, g in zip(net.params, grads):
        np.testing.assert_allclose(g, numgrad(f, p), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("form", sorted(PENALTIES))
def test_penalty_forms_gradient_matches_finite_differences(form):
    net, X, y = _net_and_data("tanh", "softmax", seed=4)
    pen = LayerPenalty(layer_names=net.layer_names, **PENALTIES[form])
    f = lambda: net.data_loss(X, y) + pen.value(net.params)
    net.loss_and_grad(X, y)
    grads = pen.add_gradient(net.params, [g.copy() for g in net.grads])
    for p, g in zip(net.params, grads):
        np.testing.assert_allclose(g, numgrad(f, p), rtol=1e-5, atol=1e-7)


def test_penalty_value_by_formula_and_bias_free_by_default():
    rng = np.random.default_rng(5)
    params = [rng.normal(size=(3, 2)), rng.normal(size=2), rng.normal(size=(2, 1)), rng.normal(size=1)]
    names = ["dense_0", "dense_1"]
    W0, b0, W1, b1 = params
    pen = LayerPenalty([0.1, 0.2], names, l1_ratio=[0.0, 0.5])
    expected = 0.1 * np.sum(W0**2) + 0.2 * (0.5 * np.sum(W1**2) + 0.5 * np.sum(np.abs(W1)))
    assert pen.value(params) == pytest.approx(expected, rel=1e-14)
    pen_b = LayerPenalty([0.1, 0.2], names, l1_ratio=[0.0, 0.5], penalize_bias=True)
    expected_b = expected + 0.1 * np.sum(b0**2) + 0.2 * (0.5 * np.sum(b1**2) + 0.5 * np.sum(np.abs(b1)))
    assert pen_b.value(params) == pytest.approx(expected_b, rel=1e-14)
    # the L2 gradient is the matrix 2λW (not seed 000's scalar 2λ‖W‖)
    g = LayerPenalty(0.1, names).add_gradient(params, [np.zeros_like(p) for p in params])
    np.testing.assert_allclose(g[0], 0.2 * W0)
    assert not g[1].any() and not g[3].any()


@pytest.mark.parametrize("bad, match", [
    (dict(lam=-1.0), "finite values >= 0"),
    (dict(lam=[0.1, 0.2, 0.3]), "has 3 entries but the network has 2"),
    (dict(lam={"dense_9": 0.1}), "unknown layer"),
    (dict(lam=0.1, l1_ratio=1.5), r"l1_ratio must lie in \[0, 1\]"),
    (dict(lam="big"), "must be a number, a sequence or a mapping"),
])
def test_penalty_bad_strengths_name_the_problem(bad, match):
    with pytest.raises(ValueError, match=match):
        LayerPenalty(layer_names=["dense_0", "dense_1"], **bad)


def test_float32_default_and_deterministic():
    a = MLP([6, 8, 2], random_state=7)
    b = MLP([6, 8, 2], random_state=7)
    assert all(p.dtype == np.float32 for p in a.params)
    for p, q in zip(a.params, b.params):
        np.testing.assert_array_equal(p, q)
    assert MLP([6, 8, 2], dtype=np.float64, random_state=7).params[0].dtype == np.float64
    # He init for relu: variance 2/d_in
    W = MLP([400, 300, 2], random_state=0).params[0]
    assert np.var(W) == pytest.approx(2 / 400, rel=0.02)


def test_buffered_training_forward_equals_fresh_forward():
    net, X, y = _net_and_data("relu", "softmax")
    fresh = net.forward(X).copy()
    np.testing.assert_array_equal(net.forward(X, reuse=True), fresh)
    net.loss_and_grad(X, y)
    np.testing.assert_array_equal(net.forward(X), fresh)
