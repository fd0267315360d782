"""L1, elastic-net and group L2 penalties: prox optimality, certificates, λ_max."""

import numpy as np
import pytest

from shrinkage.penalties import L1, L2, ElasticNet, GroupL2
from shrinkage.solvers import lam_max as null_lam_max, null_gradient
from shrinkage.solvers.prox_newton import solve_logistic_enet
from shrinkage.solvers.prox import solve_group_lasso
from shrinkage import ElasticNet as ElasticNetModel

rng = np.random.default_rng(0)
P = 7
FACTOR = np.array([1.0, 0.5, 2.0, 0.0, 1.0, 3.0, 1.0])
GROUPS = np.array([0, 0, 1, 1, 1, 2, 3])

PENALTIES = [
    L1(0.7), L1(0.7, FACTOR), ElasticNet(0.7, 0.3), ElasticNet(0.7, 0.5, FACTOR),
    ElasticNet(0.7, 0.0), GroupL2(0.7, GROUPS), GroupL2(0.7, GROUPS, [1.0, 0.0, 2.0, 0.5]),
]
IDS = ["l1", "l1-factor", "enet", "enet-factor", "enet-ridge", "group", "group-weights"]


@pytest.mark.parametrize("pen", PENALTIES, ids=IDS)
def test_prox_satisfies_its_optimality_condition(pen):
    # z = prox(w, t)  ⇔  (w − z)/t ∈ ∂pen(z)  ⇔  subdiff_distance(z, (z − w)/t) = 0
    for step in (0.1, 1.0, 5.0):
        w = 2 * rng.normal(size=P)
        z = pen.prox(w, step)
        assert np.max(pen.subdiff_distance(z, (z - w) / step)) < 1e-12


@pytest.mark.parametrize("pen", PENALTIES, ids=IDS)
def test_prox_minimizes_its_objective(pen):
    w, step = 2 * rng.normal(size=P), 0.8
    z = pen.prox(w, step)
    obj = lambda v: 0.5 * np.sum((v - w) ** 2) + step * pen.value(v)
    for _ in range(200):
        assert obj(z) <= obj(z + 1e-3 * rng.normal(size=P)) + 1e-15


@pytest.mark.parametrize("pen", PENALTIES, ids=IDS)
def test_value_gradient_matches_finite_differences_off_zero(pen):
    # away from the kinks the penalty is smooth: −∇pen is the only point with distance 0
    w = rng.normal(size=P) + np.sign(rng.normal(size=P)) * 0.5
    h = 1e-6
    fd = np.array([(pen.value(w + h * e) - pen.value(w - h * e)) / (2 * h) for e in np.eye(P)])
    assert np.max(pen.subdiff_distance(w, -fd)) < 1e-7
    assert np.max(pen.subdiff_distance(w, -fd + 1e-3)) > 1e-4


def test_l1_ratio_one_is_l1_and_zero_is_l2():
    w = rng.normal(size=P)
    assert ElasticNet(0.4, 1.0, FACTOR).value(w) == pytest.approx(L1(0.4, FACTOR).value(w))
    assert ElasticNet(0.4, 0.0, FACTOR).value(w) == pytest.approx(L2(0.4, FACTOR).value(w))
    np.testing.assert_allclose(ElasticNet(0.4, 0.0, FACTOR).prox(w, 0.3),
                               L2(0.4, FACTOR).prox(w, 0.3), rtol=1e-14)


def test_group_of_singletons_with_unit_weights_is_l1():
    w, g = rng.normal(size=P), rng.normal(size=P)
    grp = GroupL2(0.6, np.arange(P), np.ones(P))
    np.testing.assert_allclose(grp.prox(w, 0.7), L1(0.6).prox(w, 0.7), rtol=1e-14)
    assert grp.value(w) == pytest.approx(L1(0.6).value(w))
    np.testing.assert_allclose(grp.subdiff_distance(w, g), L1(0.6).subdiff_distance(w, g),
                               atol=1e-14)


def test_group_weights_default_to_root_group_size():
    np.testing.assert_allclose(GroupL2(1.0, ["b", "a", "b", "b"]).weights_, [1.0, np.sqrt(3)])
    assert GroupL2(1.0, ["b", "a"], {"a": 2.0, "b": 0.5}).weights_.tolist() == [2.0, 0.5]


@pytest.mark.parametrize("bad, match", [
    (dict(groups=[0, 1], group_weights=[1.0]), "one weight per group"),
    (dict(groups=[0, 1], group_weights={0: 1.0}), "no weight for group"),
    (dict(groups=[0, 1], group_weights=[1.0, -1.0]), ">= 0"),
])
def test_group_errors_name_the_problem(bad, match):
    with pytest.raises(ValueError, match=match):
        GroupL2(1.0, **bad)


def test_elastic_net_rejects_bad_ratio():
    with pytest.raises(ValueError, match=r"l1_ratio must lie in \[0, 1\]"):
        ElasticNet(1.0, 1.5)


def _data(n=40, p=6, seed=1):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    y = X @ r.normal(size=p) + r.normal(size=n)
    return X, y, r.uniform(0.5, 2, n)


@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("rho", [1.0, 0.4])
def test_lam_max_squared_error_is_the_edge_of_sparsity(standardize, rho):
    X, y, s = _data()
    pen = ElasticNet(1.0, rho, FACTOR[:6] + 0.5)
    lam_max = null_lam_max(pen, X, y, s, standardize=standardize)
    # the docstring's formula
    sw = s / s.sum()
    Z = (X - sw @ X)
    Z = Z / np.sqrt(sw @ Z ** 2) if standardize else Z
    ref = np.max(np.abs(2 * (sw * (y - sw @ y)) @ Z) / (rho * pen.penalty_factor))
    assert lam_max == pytest.approx(ref, rel=1e-12)
    fit = lambda lam: ElasticNetModel(lam, l1_ratio=rho, standardize=standardize, tol=1e-12,
                                      penalty_factor=pen.penalty_factor).fit(X, y, s).coef_
    assert np.all(fit(lam_max * (1 + 1e-10)) == 0)      # (1e-10: rounding between formulas)
    assert np.count_nonzero(fit(0.999 * lam_max)) >= 1


def test_lam_max_with_unpenalized_feature_fits_it_in_the_null_model():
    X, y, s = _data()
    f = np.array([0.0, 1, 1, 1, 1, 1])
    lam_max = null_lam_max(L1(1.0, f), X, y, s)
    coef = ElasticNetModel(lam_max * (1 + 1e-10), l1_ratio=1.0, penalty_factor=f, tol=1e-12).fit(X, y, s).coef_
    assert coef[0] != 0 and np.all(coef[1:] == 0)
    coef = ElasticNetModel(0.999 * lam_max, l1_ratio=1.0, penalty_factor=f,
                           tol=1e-12).fit(X, y, s).coef_
    assert np.count_nonzero(coef[1:]) >= 1


def test_lam_max_logistic_and_group():
    X, y, s = _data()
    yb = (y > np.median(y)).astype(float)
    lam_max = null_lam_max(L1(1.0), X, yb, s, datafit="logistic")
    assert np.all(solve_logistic_enet(X, yb, s, lam=lam_max * (1 + 1e-10), tol=1e-10).coef == 0)
    assert np.count_nonzero(solve_logistic_enet(X, yb, s, lam=0.99 * lam_max, tol=1e-10).coef)
    groups = [0, 0, 1, 1, 2, 2]
    for datafit, target in (("squared_error", y), ("logistic", yb)):
        gmax = null_lam_max(GroupL2(1.0, groups), X, target, s, datafit=datafit)
        res = solve_group_lasso(X, target, s, lam=gmax * (1 + 1e-10), groups=groups, datafit=datafit, tol=1e-9)
        assert np.all(res.coef == 0)
        res = solve_group_lasso(X, target, s, lam=0.99 * gmax, groups=groups, datafit=datafit,
                                tol=1e-9)
        assert np.count_nonzero(res.coef) >= 2


def test_lam_max_is_infinite_for_ridge_and_null_gradient_checks_datafit():
    X, y, s = _data()
    assert null_lam_max(ElasticNet(1.0, 0.0), X, y) == np.inf
    with pytest.raises(ValueError, match="datafit must be"):
        null_gradient(X, y, datafit="hinge")
