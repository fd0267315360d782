"""Sparse X for the elastic-net GLMs (issue 12): proximal Newton's inner coordinate descent on
the CSC columns with implicit centring and scaling (:func:`~shrinkage.solvers._cd_sparse.
_cd_binary_inner_csc`) gives the dense fit, bounds included, and a true certificate."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage import (GammaRegressor, GLMRegressorCV, Lasso, PoissonRegressor,
                       TweedieRegressor)
from shrinkage.datafits import Poisson
from shrinkage.solvers import null_gradient
from shrinkage.solvers.prox_newton import solve_glm_enet


def _data(n=300, p=200, density=0.05, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format="csr",
                  data_rvs=lambda k: rng.uniform(0.5, 2.0, k))
    eta = X[:, :5] @ np.array([0.5, -0.5, 0.3, 0.4, -0.3]) + 0.2
    return X, np.asarray(eta).ravel(), rng


def _targets(family, eta, rng):
    if family == "poisson":
        return rng.poisson(np.exp(eta)).astype(float)
    if family == "gamma":
        return np.exp(eta) * rng.gamma(2.0, 0.5, eta.size)
    y = rng.poisson(np.exp(eta)) * rng.gamma(2.0, 0.5, eta.size)       # Tweedie, 1 < power < 2
    return y


MAKE = {"poisson": lambda **k: PoissonRegressor(**k), "gamma": lambda **k: GammaRegressor(**k),
        "tweedie": lambda **k: TweedieRegressor(power=1.5, **k)}


@pytest.mark.parametrize("family", list(MAKE))
@pytest.mark.parametrize("kw", [{}, {"standardize": False}, {"fit_intercept": False},
                                {"lower_bounds": -0.1, "upper_bounds": 0.3}])
def test_sparse_elastic_net_glm_equals_the_dense_fit(family, kw):
    X, eta, rng = _data()
    y = _targets(family, eta, rng)
    w = rng.uniform(0.5, 2.0, y.size)
    off = 0.1 * rng.normal(size=y.size)
    common = dict(lam=0.02, l1_ratio=0.6, tol=1e-10, **kw)
    dense = MAKE[family](**common).fit(X.toarray(), y, sample_weight=w, offset=off)
    sparse = MAKE[family](**common).fit(X, y, sample_weight=w, offset=off)
    assert 0 < np.count_nonzero(sparse.coef_) < X.shape[1]
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0,
                               atol=1e-8 * max(np.abs(dense.coef_).max(), 1.0))
    assert sparse.intercept_ == pytest.approx(dense.intercept_, abs=1e-8)
    assert sparse.kkt_ <= 1e-10 * np.abs(null_gradient(
        X, y, w, datafit=MAKE[family]()._datafit(), offset=off,
        fit_intercept=common.get("fit_intercept", True),
        standardize=common.get("standardize", True))).max() * 1.0001


def test_wide_sparse_poisson_lasso_certificate_from_scratch():
    """400 × 4000 at 1 %: the reported certificate is the subdifferential distance of the
    returned solution, recomputed here on the dense copy."""
    X, eta, rng = _data(n=400, p=4000, density=0.01, seed=1)
    y = _targets("poisson", eta, rng)
    res = solve_glm_enet(X, y, datafit=Poisson(), lam=0.01, l1_ratio=1.0, tol=1e-9)
    D = X.toarray()
    mean, sd = D.mean(axis=0), D.std(axis=0)
    sd[sd == 0] = 1.0
    eta_hat = D @ res.coef + res.intercept
    g = Poisson().gradient(y, eta_hat, np.full(y.size, 1 / y.size))
    grad = ((D - mean) / sd).T @ g                      # standardized coordinates
    beta = res.coef * sd
    dist = np.where(beta != 0, np.abs(grad + 0.01 * np.sign(beta)),
                    np.maximum(np.abs(grad) - 0.01, 0.0))
    assert res.converged and np.count_nonzero(res.coef) > 3
    assert max(dist.max(), abs(g.sum())) == pytest.approx(res.kkt, rel=1e-6, abs=1e-14)
    dense = solve_glm_enet(D, y, datafit=Poisson(), lam=0.01, l1_ratio=1.0, tol=1e-9)
    np.testing.assert_allclose(res.coef, dense.coef, rtol=0, atol=1e-8)


@pytest.mark.filterwarnings("error::sklearn.exceptions.ConvergenceWarning")
def test_sparse_lasso_with_bounds_equals_the_dense_fit():
    """Also a regression test: zeros held at a bound of zero by their gradient used to fill
    proximal Newton's working set, so that the fit never converged (kkt_ stuck at 0.09)."""
    X, eta, rng = _data(n=200, p=100, density=0.1, seed=2)
    y = eta + 0.3 * rng.normal(size=200)
    dense = Lasso(lam=0.01, lower_bounds=0.0, tol=1e-10).fit(X.toarray(), y)
    sparse = Lasso(lam=0.01, lower_bounds=0.0, tol=1e-10).fit(X, y)
    assert sparse.coef_.min() >= 0.0 and dense.kkt_ < 1e-10 and sparse.kkt_ < 1e-10
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-9)


def test_sparse_glm_cv_equals_the_dense_one():
    X, eta, rng = _data(n=300, p=60, density=0.1, seed=3)
    y = _targets("poisson", eta, rng)
    kw = dict(l1_ratio=1.0, cv=3, lams=15, tol=1e-10, random_state=0)
    dense = GLMRegressorCV("poisson", **kw).fit(X.toarray(), y)
    sparse = GLMRegressorCV("poisson", **kw).fit(X, y)
    np.testing.assert_allclose(sparse.cv_results_["mean_score"],
                               dense.cv_results_["mean_score"], rtol=1e-8)
    assert sparse.lam_ == dense.lam_
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-8)
