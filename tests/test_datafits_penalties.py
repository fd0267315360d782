"""Datafits and penalties: gradients and Hessian products against finite differences (float64)."""

import numpy as np
import pytest
from scipy.special import softmax

from shrinkage.datafits import (Logistic, Poisson, SoftmaxCrossEntropy, SquaredError,
                                normalized_weights)
from shrinkage.penalties import L1, L2, ElasticNet, GroupL2

rng = np.random.default_rng(0)
N = 13


def fd_gradient(f, x, h=1e-6):
    g = np.zeros_like(x)
    for idx in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[idx] = h
        g[idx] = (f(x + e) - f(x - e)) / (2 * h)
    return g


def cases():
    sw = normalized_weights(rng.uniform(0.2, 3.0, N), N)
    y_reg = rng.normal(size=N)
    y_bin = rng.integers(0, 2, N).astype(float)
    Y = np.eye(4)[rng.integers(0, 4, N)]
    return [
        (SquaredError(), y_reg, rng.normal(size=N), sw),
        (Logistic(), y_bin, 3 * rng.normal(size=N), sw),
        (SoftmaxCrossEntropy(), Y, 3 * rng.normal(size=(N, 4)), sw),
        (Poisson(), rng.poisson(3.0, N).astype(float), rng.normal(size=N), sw),
    ]


@pytest.mark.parametrize("datafit, y, eta, sw", cases(), ids=lambda v: getattr(v, "name", ""))
def test_gradient_matches_finite_differences(datafit, y, eta, sw):
    fd = fd_gradient(lambda e: datafit.value(y, e, sw), eta)
    assert np.max(np.abs(datafit.gradient(y, eta, sw) - fd)) < 1e-8


@pytest.mark.parametrize("datafit, y, eta, sw", cases(), ids=lambda v: getattr(v, "name", ""))
def test_hessian_product_matches_finite_differences_of_gradient(datafit, y, eta, sw):
    u = rng.normal(size=eta.shape)
    h = 1e-6
    fd = (datafit.gradient(y, eta + h * u, sw) - datafit.gradient(y, eta - h * u, sw)) / (2 * h)
    assert np.max(np.abs(datafit.hessian_product(y, eta, sw, u) - fd)) < 1e-8
    if hasattr(datafit, "hessian_diag"):
        assert np.allclose(datafit.hessian_diag(y, eta, sw) * u, datafit.hessian_product(y, eta, sw, u))


def test_values_equal_their_definitions():
    sw = np.full(N, 1.0 / N)
    y, eta = rng.normal(size=N), rng.normal(size=N)
    assert SquaredError().value(y, eta, sw) == pytest.approx(np.mean((y - eta) ** 2))   # no ½
    yb = rng.integers(0, 2, N).astype(float)
    p = 1 / (1 + np.exp(-eta))
    assert Logistic().value(yb, eta, sw) == pytest.approx(-np.mean(yb * np.log(p) + (1 - yb) * np.log(1 - p)))
    Y = np.eye(3)[rng.integers(0, 3, N)]
    E = rng.normal(size=(N, 3))
    assert SoftmaxCrossEntropy().value(Y, E, sw) == pytest.approx(-np.mean(np.sum(Y * np.log(softmax(E, axis=1)), axis=1)))


def test_losses_are_stable_for_huge_margins():
    sw = np.full(2, 0.5)
    assert Logistic().value(np.array([1.0, 0.0]), np.array([800.0, -800.0]), sw) == pytest.approx(0.0, abs=1e-300)
    assert Logistic().value(np.array([0.0, 1.0]), np.array([800.0, -800.0]), sw) == pytest.approx(800.0)
    Y = np.eye(2)
    E = np.array([[1000.0, -1000.0], [1000.0, -1000.0]])
    v = SoftmaxCrossEntropy().value(Y, E, sw)
    assert np.isfinite(v) and v == pytest.approx(1000.0)
    assert np.all(np.isfinite(SoftmaxCrossEntropy().gradient(Y, E, sw)))


def test_l2_gradient_is_two_lam_f_w_not_norm():
    f = np.array([1.0, 0.0, 2.5, 0.3])
    pen = L2(0.7, f)
    for w in (rng.normal(size=4), rng.normal(size=(3, 4))):
        assert pen.value(w) == pytest.approx(0.7 * np.sum(f * w * w))
        assert np.max(np.abs(pen.gradient(w) - fd_gradient(pen.value, w))) < 1e-8
        assert np.allclose(pen.gradient(w), 2 * 0.7 * f * w)


def test_l2_prox_is_the_minimizer_and_certificate_vanishes_at_the_ridge_optimum():
    pen = L2(0.4, np.array([1.0, 2.0, 0.0]))
    w, step = rng.normal(size=3), 0.3
    z = pen.prox(w, step)
    # optimality of argmin ½‖z − w‖² + step·pen(z): (z − w) + step·∇pen(z) = 0
    assert np.allclose(z - w + step * pen.gradient(z), 0.0, atol=1e-14)
    # certificate at a ridge solution: data gradient + 2λ f w = 0
    X = rng.normal(size=(30, 3))
    y = rng.normal(size=30)
    f = np.array([1.0, 2.0, 0.5])
    wstar = np.linalg.solve(X.T @ X / 30 + 0.4 * np.diag(f), X.T @ y / 30)
    grad = X.T @ SquaredError().gradient(y, X @ wstar, np.full(30, 1 / 30))
    assert np.max(L2(0.4, f).subdiff_distance(wstar, grad)) < 1e-12


SUBGRADIENT_PENALTIES = [L1(0.7, np.array([1.0, 0.5, 2.0, 0.0, 1.0, 3.0])), ElasticNet(0.7, 0.3),
                         L2(0.7), GroupL2(0.7, [0, 0, 1, 1, 1, 2]), GroupL2(0.7, axis=0),
                         GroupL2(0.7, axis=1)]


@pytest.mark.parametrize("pen", SUBGRADIENT_PENALTIES,
                         ids=["l1", "enet", "l2", "group", "columns", "rows"])
def test_subgradient_is_the_gradient_off_the_kinks_and_the_least_norm_element_on_them(pen):
    shape = (4, 6) if getattr(pen, "axis", None) is not None else (6,)
    w = rng.normal(size=shape) + 0.5 * np.sign(rng.normal(size=shape))
    # off the kinks: the gradient (finite differences)
    np.testing.assert_allclose(pen.subgradient(w), fd_gradient(pen.value, w), atol=1e-7)
    # with zeros (coordinates, or whole groups): in ∂pen(w), and 0 where w is 0
    z = w.copy()
    if isinstance(pen, GroupL2):
        z[(slice(None), 1) if pen.axis == 0 else (1,) if pen.axis == 1 else (slice(0, 2),)] = 0.0
    else:
        z[[1, 4]] = 0.0
    sub = pen.subgradient(z)
    assert np.max(pen.subdiff_distance(z, -sub)) < 1e-12     # −(−sub) ∈ ∂pen(z): distance 0
    assert np.all(sub[z == 0] == 0)


# -- Poisson: the worked example of ARCHITECTURE.md ---------------------------------------------
def test_poisson_value_is_the_negative_log_likelihood_up_to_constants():
    from scipy.special import gammaln
    from scipy.stats import poisson
    sw = normalized_weights(rng.uniform(0.2, 3.0, N), N)
    y, eta = rng.poisson(2.0, N).astype(float), rng.normal(size=N)
    nll = -sw @ poisson.logpmf(y, np.exp(eta))
    assert Poisson().value(y, eta, sw) == pytest.approx(nll - sw @ gammaln(y + 1), rel=1e-12)
    # the intercept-only model: η = log ȳ, where the derivative in the intercept vanishes
    c = Poisson().null_eta(y, sw)
    assert c == pytest.approx(np.log(sw @ y))
    assert abs(Poisson().gradient(y, np.full(N, c), sw).sum()) < 1e-14
    with pytest.raises(ValueError, match="counts"):
        Poisson().null_eta(np.zeros(N), sw)


def test_poisson_lam_max_is_the_null_gradient_by_finite_differences():
    from shrinkage.solvers import lam_max, null_gradient
    from shrinkage.standardization import column_stats
    X = rng.normal(size=(40, 3)) * [1.0, 3.0, 0.5] + 2.0
    y = rng.poisson(np.exp(0.3 * X[:, 0] - 0.5)).astype(float)
    s = rng.uniform(0.5, 2.0, 40)
    sw = s / s.sum()
    g = null_gradient(X, y, s, datafit="poisson")
    # ∂/∂β_j of the mean loss at β = 0 with the intercept at log ȳ, β on standardized features
    mean, sd = column_stats(X, sw, True, True)
    Z = (X - mean) / sd
    b0 = np.log(sw @ y)
    fd = fd_gradient(lambda beta: Poisson().value(y, Z @ beta + b0, sw), np.zeros(3))
    np.testing.assert_allclose(g, fd, rtol=1e-7, atol=1e-10)
    pen = ElasticNet(1.0, 0.5, np.array([1.0, 2.0, 0.5]))
    assert lam_max(pen, X, y, s, datafit="poisson") == pytest.approx(
        np.max(np.abs(g) / pen.penalty_factor) / 0.5, rel=1e-12)
    # at λ_max the null model passes the certificate, just below it does not
    top = pen.lam_max(g)
    assert np.max(ElasticNet(top, 0.5, pen.penalty_factor).subdiff_distance(np.zeros(3), g)) == 0
    assert np.max(ElasticNet(0.99 * top, 0.5, pen.penalty_factor).subdiff_distance(np.zeros(3), g)) > 0


def test_softmax_curvature_pieces_are_the_hessian_s():
    sw = normalized_weights(rng.uniform(0.2, 3.0, N), N)
    Y, E = np.eye(4)[rng.integers(0, 4, N)], 3 * rng.normal(size=(N, 4))
    sm = SoftmaxCrossEntropy()
    # the full per-row Hessian, column by column from hessian_product
    H = np.stack([sm.hessian_product(Y, E, sw, np.eye(4)[k][None, :].repeat(N, 0))
                  for k in range(4)], axis=2)                        # (n, K, K)
    np.testing.assert_allclose(sm.diagonal_curvature(E, sw), np.einsum("ikk->ik", H), atol=1e-15)
    np.testing.assert_allclose(sm.mean_hessian(E, sw), H.sum(axis=0), atol=1e-14)
    P = sm.probabilities(E)
    for k, l in ((0, 0), (1, 3)):
        np.testing.assert_allclose(sm.hessian_weights(P, sw, k, l), H[:, k, l], atol=1e-15)
