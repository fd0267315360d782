"""Elastic-net GLMs (issue 15): PoissonRegressor / GammaRegressor / TweedieRegressor with
``l1_ratio > 0`` equal glum at the converted strength (with offsets) and R's glmnet
``family="poisson"`` with an offset; their solutions satisfy the penalty's optimality
certificate; λ_max with an offset and an unpenalized feature is exact."""

import numpy as np
import pytest

from shrinkage import GammaRegressor, PoissonRegressor, TweedieRegressor, convert_strength
from shrinkage.datafits import Gamma, Poisson, Tweedie, normalized_weights
from shrinkage.penalties import ElasticNet as ENPenalty
from shrinkage.solvers import null_gradient
from shrinkage.standardization import column_stats

from _rglmnet import R_MARK, run_r


def _data(seed=0, n=300, p=8):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p)
    off = np.log(rng.uniform(0.5, 2.0, n))
    eta = 0.2 + X[:, :3] @ [0.4, -0.3, 0.2] + off
    counts = rng.poisson(np.exp(eta))
    return rng, X, off, eta, counts


FAMILIES = {
    "poisson": (lambda: PoissonRegressor, Poisson(), lambda rng, eta, c: c.astype(float)),
    "gamma": (lambda: GammaRegressor, Gamma(), lambda rng, eta, c: rng.gamma(3.0, np.exp(eta) / 3)),
    "tweedie": (lambda: (lambda **k: TweedieRegressor(power=1.5, **k)), Tweedie(1.5),
                lambda rng, eta, c: np.array([rng.gamma(2.0, 1.0, k).sum() for k in c])),
}


def _glum_family(name):
    glum = pytest.importorskip("glum")
    return glum.TweedieDistribution(1.5) if name == "tweedie" else name


@pytest.mark.parametrize("family", sorted(FAMILIES))
@pytest.mark.parametrize("r", [0.3, 1.0])
def test_elastic_net_glm_with_offset_equals_glum(family, r):
    from glum import GeneralizedLinearRegressor
    make, datafit, target = FAMILIES[family]
    rng, X, off, eta, counts = _data()
    y = target(rng, eta, counts)
    sw = rng.uniform(0.5, 2.0, y.size)
    alpha = 0.12 / r             # about the same L1 part: a sparse answer for each r
    ref = GeneralizedLinearRegressor(family=_glum_family(family), link="log", alpha=alpha,
                                     l1_ratio=r, gradient_tol=1e-11, max_iter=200)
    ref.fit(X, y, sample_weight=sw, offset=off)
    lam, rho = convert_strength(alpha, source="glum", l1_ratio=r)
    ours = make()(lam=lam, l1_ratio=rho, standardize=False, tol=1e-12)
    ours.fit(X, y, sample_weight=sw, offset=off)
    assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]          # a sparse solution
    np.testing.assert_array_equal(ours.coef_ == 0, ref.coef_ == 0)
    assert np.max(np.abs(ours.coef_ - ref.coef_)) < 1e-7
    assert abs(ours.intercept_ - ref.intercept_) < 1e-7
    back = convert_strength(lam, source="shrinkage", target="glum", l1_ratio=rho)
    assert back.value == pytest.approx(alpha) and back.l1_ratio == pytest.approx(r)


@pytest.mark.parametrize("family", sorted(FAMILIES))
def test_sparse_glm_solution_is_certified_by_the_penalty(family):
    make, datafit, target = FAMILIES[family]
    rng, X, off, eta, counts = _data(1)
    y = target(rng, eta, counts)
    lam, rho = 0.04, 0.7
    model = make()(lam=lam, l1_ratio=rho, tol=1e-10).fit(X, y, offset=off)
    assert 0 < np.count_nonzero(model.coef_) < X.shape[1]
    sw = normalized_weights(None, y.size)
    mean, scale = column_stats(X, sw, True, True)
    G = datafit.gradient(y, X @ model.coef_ + model.intercept_ + off, sw)
    grad = ((X - mean) / scale).T @ G                     # standardized coordinates
    dist = ENPenalty(lam, rho).subdiff_distance(model.coef_ * scale, grad)
    unit = np.max(np.abs(null_gradient(X, y, datafit=datafit, offset=off)))
    assert np.max(dist) <= 1e-10 * unit and abs(G.sum()) <= 1e-10 * unit
    assert model.kkt_ <= 1e-10 * unit
    # and a coefficient moved off its value raises the objective (the certificate is sharp)
    J = (lambda c, b: datafit.value(y, X @ c + b + off, sw)
         + ENPenalty(lam, rho).value(c * scale))
    base = J(model.coef_, model.intercept_)
    for j in range(X.shape[1]):
        for h in (1e-4, -1e-4):
            c = model.coef_.copy()
            c[j] += h
            assert J(c, model.intercept_) > base


def test_lam_max_with_offset_and_an_unpenalized_feature_is_exact():
    rng, X, off, eta, counts = _data(2)
    y = counts.astype(float)
    pf = np.r_[0.0, np.ones(X.shape[1] - 1)]
    g = null_gradient(X, y, datafit="poisson", offset=off, unpenalized=pf == 0)
    top = ENPenalty(1.0, 1.0, pf).lam_max(g)
    at = PoissonRegressor(lam=top * (1 + 1e-9), l1_ratio=1.0, penalty_factor=pf,
                          tol=1e-12).fit(X, y, offset=off)
    below = PoissonRegressor(lam=top * 0.99, l1_ratio=1.0, penalty_factor=pf,
                             tol=1e-12).fit(X, y, offset=off)
    assert np.count_nonzero(at.coef_[1:]) == 0 and at.coef_[0] != 0
    assert np.count_nonzero(below.coef_[1:]) == 1


def test_elastic_net_glm_at_l1_ratio_near_zero_approaches_the_l2_fit():
    rng, X, off, eta, counts = _data(3)
    y = counts.astype(float)
    l2 = PoissonRegressor(lam=0.05, tol=1e-12).fit(X, y, offset=off)
    en = PoissonRegressor(lam=0.05, l1_ratio=1e-9, tol=1e-12).fit(X, y, offset=off)
    assert np.max(np.abs(en.coef_ - l2.coef_)) < 1e-7
    assert abs(en.intercept_ - l2.intercept_) < 1e-7


@R_MARK
@pytest.mark.parametrize("intercept", [True, False])
def test_poisson_with_offset_equals_r_glmnet(tmp_path, intercept):
    rng, X, off, eta, counts = _data(4)
    y = counts.astype(float)
    icpt = "TRUE" if intercept else "FALSE"
    got = run_r(tmp_path, f"""
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; off <- rd("off.csv")[, 1]
for (a in c(0.5, 1)) {{
  f <- glmnet(X, y, family="poisson", offset=off, alpha=a, lambda=0.06, intercept={icpt},
              thresh=1e-14, maxit=1e6)
  out(paste0("a", a), coef(f))
}}""", X=X, y=y, off=off)
    for a in (0.5, 1.0):
        coef = got[f"a{a:g}"]
        lam, rho = convert_strength(0.06, source="glmnet-poisson", l1_ratio=a)
        ours = PoissonRegressor(lam=lam, l1_ratio=rho, fit_intercept=intercept,
                                tol=1e-12).fit(X, y, offset=off)
        assert np.count_nonzero(coef[1:]) < X.shape[1]
        np.testing.assert_array_equal(ours.coef_ == 0, coef[1:] == 0)
        # glmnet stops on its own relative criterion (thresh): ~1e-8 of the coefficients
        assert np.max(np.abs(np.r_[ours.intercept_ if intercept else 0.0, ours.coef_] - coef)) \
            < 1e-5 * np.max(np.abs(coef))
