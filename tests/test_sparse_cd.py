"""Coordinate descent on the columns of a sparse X (issue 12, item 2): the CSC route of
:mod:`shrinkage.solvers._cd_sparse` gives the dense solution (implicit centring and scaling,
weights, penalty factors), scikit-learn's at the converted strength, a true certificate, and
ElasticNetCV on wide sparse X scores its folds as single fits on the folds do."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso
from sklearn.model_selection import KFold

import shrinkage.linear_model._enet_cv as enet_cv_module
from shrinkage import ElasticNet, ElasticNetCV, Lasso, convert_strength
from shrinkage.datafits import normalized_weights
from shrinkage.penalties import ElasticNet as ENPenalty
from shrinkage.solvers.cd import enet_path, make_problem, sparse_route


def _data(n=300, p=60, density=0.1, seed=0, fmt="csr"):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format=fmt,
                  data_rvs=lambda k: rng.normal(size=k) * 3 + 1)
    beta = np.zeros(p)
    beta[:8] = rng.normal(size=8) * 2
    return X, X @ beta + rng.normal(size=n) + 5.0, rng


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_csc_path_equals_the_dense_path(fit_intercept, standardize, weighted):
    """A warm-started path with the strong rule, an unpenalized column and a penalty factor:
    the CSC route's solutions, iterations' certificates and duality gaps are the dense naive
    mode's (same maths on the same iterates), without ever densifying X."""
    X, y, rng = _data()
    sw = normalized_weights(rng.uniform(0.2, 3.0, X.shape[0]) if weighted else None,
                            X.shape[0])
    f = np.ones(X.shape[1])
    f[3], f[5] = 0.0, 0.5
    kw = dict(fit_intercept=fit_intercept, standardize=standardize)
    dense = make_problem(X.toarray(), y, sw, mode="naive", **kw)
    csc = make_problem(X, y, sw, mode="csc", **kw)
    assert csc.mode == "csc" and sp.issparse(csc.X)
    for key in ("mean", "scale", "q", "colsq"):
        np.testing.assert_allclose(getattr(csc, key), getattr(dense, key), rtol=1e-12,
                                   atol=1e-14)
    lams = np.geomspace(1.0, 0.01, 12)
    a = enet_path(dense, lams, l1_ratio=0.7, penalty_factor=f, tol=1e-12)
    b = enet_path(csc, lams, l1_ratio=0.7, penalty_factor=f, tol=1e-12)
    np.testing.assert_allclose(b.beta, a.beta, rtol=0, atol=1e-10)
    assert np.all(b.kkt <= 1e-12 * csc.null_scale)
    assert np.all(np.abs(b.gap) < 1e-12)
    np.testing.assert_allclose(b.dev_ratio, a.dev_ratio, rtol=1e-10)


def test_csc_certificate_is_the_subdifferential_distance_of_the_returned_solution():
    """The reported KKT value and duality gap are those of the solution, recomputed here
    from scratch on the dense copy (a wrong h or residual in the kernel would show)."""
    X, y, rng = _data(n=200, p=400, density=0.05, seed=1)
    sw = normalized_weights(rng.uniform(0.5, 2.0, 200), 200)
    prob = make_problem(X, y, sw)
    assert prob.mode == "csc"
    lam, rho = 0.05, 0.8
    tol = 1e-5
    path = enet_path(prob, [lam], l1_ratio=rho, tol=tol)
    beta = path.beta[0]
    D = X.toarray()
    Xt = (D - prob.mean) / prob.scale
    r = (y - prob.ybar) - Xt @ beta
    g = -2.0 * Xt.T @ (sw * r)                            # the datafit gradient
    l1, l2 = ENPenalty(lam, rho).weights(X.shape[1])
    dist = np.where(beta != 0, np.abs(g + 2 * l2 * beta + l1 * np.sign(beta)),
                    np.maximum(np.abs(g) - l1, 0.0))
    assert path.kkt[0] == pytest.approx(dist.max(), rel=1e-8, abs=1e-14)
    assert dist.max() <= tol * prob.null_scale
    F = float(sw @ r ** 2)
    assert path.dev_ratio[0] == pytest.approx(1.0 - F / prob.yy, rel=1e-10)
    assert 0.0 <= path.gap[0] < 1e-3


@pytest.mark.parametrize("make", [lambda **k: Lasso(lam=0.05, tol=1e-12, **k),
                                  lambda **k: ElasticNet(lam=0.05, l1_ratio=0.3, tol=1e-12,
                                                         **k)])
@pytest.mark.parametrize("kw", [{}, {"standardize": False}, {"fit_intercept": False},
                                {"fit_intercept": False, "standardize": False},
                                {"penalty_factor": np.r_[0.0, 2.0, np.ones(1998)]}])
def test_wide_sparse_fit_equals_the_dense_fit(make, kw):
    """500 × 2000 at 1 % (beyond the Gram route's columns for one fit): CSC route, weights."""
    X, y, rng = _data(n=150, p=2000, density=0.01, seed=2)
    assert sparse_route(X) == "csc"
    sw = rng.uniform(0.5, 2.0, 150)
    dense = make(**kw).fit(X.toarray(), y, sample_weight=sw)
    sparse = make(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0,
                               atol=1e-6 * np.abs(dense.coef_).max())
    assert sparse.intercept_ == pytest.approx(dense.intercept_, rel=1e-6, abs=1e-9)
    assert sparse.lam_max_ == pytest.approx(dense.lam_max_, rel=1e-12)


@pytest.mark.parametrize("route", ["gram", "csc"])
def test_both_sparse_routes_give_one_solution(route, monkeypatch):
    """The Gram route and the CSC route (as :func:`sparse_route` would pick either) agree."""
    import shrinkage.solvers.cd as cd
    X, y, rng = _data(n=400, p=30, density=0.3, seed=4)
    sw = rng.uniform(0.5, 2.0, 400)
    ref = Lasso(lam=0.02, tol=1e-12).fit(X.toarray(), y, sample_weight=sw)
    monkeypatch.setattr(cd, "sparse_route", lambda X, n_solves=1: route)
    got = Lasso(lam=0.02, tol=1e-12).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(got.coef_, ref.coef_, rtol=0, atol=1e-10)


def test_wide_sparse_lasso_equals_scikit_learn_and_used_to_be_refused():
    """500 × 5000 at 1 %: refused before (more than 2048 columns); now scikit-learn's Lasso at
    the converted strength, on the same CSR."""
    X, y, _ = _data(n=500, p=5000, density=0.01, seed=5)
    alpha = 0.05
    lam = convert_strength(alpha, source="sklearn-lasso").value
    ours = Lasso(lam=lam, standardize=False, tol=1e-12).fit(X, y)
    theirs = SkLasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    assert ours.n_nonzero_ > 20
    assert _rel(ours.coef_, theirs.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_wide_sparse_elastic_net_equals_scikit_learn(fit_intercept):
    X, y, rng = _data(n=300, p=3000, density=0.01, seed=6, fmt="csc")
    sw = rng.uniform(0.5, 2.0, 300)
    alpha, r = 0.03, 0.6
    lam, rho = convert_strength(alpha, source="sklearn-elasticnet", l1_ratio=r)
    ours = ElasticNet(lam=lam, l1_ratio=rho, standardize=False, fit_intercept=fit_intercept,
                      tol=1e-12).fit(X, y, sample_weight=sw)
    theirs = SkElasticNet(alpha=alpha, l1_ratio=r, fit_intercept=fit_intercept, tol=1e-14,
                          max_iter=100_000).fit(X, y, sample_weight=sw * 300 / sw.sum())
    assert _rel(ours.coef_, theirs.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6, abs=1e-9)


def test_wide_sparse_elastic_net_cv_scores_equal_single_fits_over_the_folds():
    """Each fold's path (zero weight on its test rows, one shared CSC matrix) scores as a
    single ElasticNet fitted on the fold's training rows does, at every λ."""
    X, y, rng = _data(n=240, p=3000, density=0.03, seed=7)
    sw = rng.uniform(0.5, 2.0, 240)
    lams = np.geomspace(0.5, 0.05, 6)
    cv = ElasticNetCV(lams=lams, l1_ratio=0.5, cv=KFold(3), tol=1e-10, cv_tol=1e-10)
    cv.fit(X, y, sample_weight=sw)
    folds = list(KFold(3).split(np.zeros(240)))
    expected = np.empty((lams.size, len(folds)))
    for k, (tr, te) in enumerate(folds):
        for m, lam in enumerate(lams):
            single = ElasticNet(lam=lam, l1_ratio=0.5, tol=1e-10).fit(X[tr], y[tr],
                                                                      sample_weight=sw[tr])
            err = y[te] - single.predict(X[te])
            expected[m, k] = -float(sw[te] @ err ** 2 / sw[te].sum())
    np.testing.assert_allclose(cv.cv_results_["fold_scores"], expected, rtol=1e-6)
    full = ElasticNet(lam=cv.lam_, l1_ratio=0.5, tol=1e-12).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(cv.coef_, full.coef_, rtol=0,
                               atol=1e-6 * np.abs(full.coef_).max())


def test_elastic_net_cv_takes_the_route_its_cost_rule_names(monkeypatch):
    """The number of solves (λ × ratios × (folds + 1)) enters the rule: a long CV on a narrow
    dense-ish matrix forms the Gram, a single fit on it does not."""
    X, y, _ = _data(n=400, p=30, density=0.3, seed=8)
    assert sparse_route(X, 1) == "csc"
    assert sparse_route(X, 20 * 4) == "gram"
    seen = []
    real = enet_cv_module.sparse_route
    monkeypatch.setattr(enet_cv_module, "sparse_route",
                        lambda X, n: seen.append(n) or real(X, n))
    ElasticNetCV(lams=20, cv=3).fit(X, y)
    assert seen == [20 * 1 * 4]


def test_sparse_route_formula():
    X = sp.random(50_000, 2_000, density=0.005, format="csr", random_state=0)
    assert sparse_route(X, 1) == "csc"                 # p²/nnz = 8
    assert sparse_route(X, 50) == "csc"                # the switch for 50 λ is 5
    assert sparse_route(X, 100) == "gram"              # and for 100 λ 10
    wide = sp.random(100, 3_000, density=0.01, format="csr", random_state=0)
    assert sparse_route(wide, 10 ** 9) == "csc"        # beyond 2048 columns, never the Gram


@pytest.mark.parametrize("fit_intercept, standardize", [(True, True), (True, False),
                                                        (False, True)])
def test_blocked_csc_column_stats_equal_the_dense_ones(fit_intercept, standardize, monkeypatch):
    """A large CSC matrix's column statistics are taken over blocks of columns (small
    temporaries); with a block of 50 stored values here, they equal the dense ones, constant
    columns included."""
    import shrinkage.standardization as standardization
    X, _, rng = _data(n=200, p=40, density=0.1, seed=9, fmt="csc")
    D = X.toarray()
    D[:, 3] = 2.5                                   # stored constant: scale 1
    sw = rng.random(200)
    sw /= sw.sum()
    dense = standardization.column_stats(D, sw, fit_intercept, standardize)
    monkeypatch.setattr(standardization, "_STATS_BLOCK", 50)
    blocked = standardization.column_stats(sp.csc_matrix(D), sw, fit_intercept, standardize)
    for a, b in zip(blocked, dense):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-15)
    assert blocked[1][3] == 1.0
