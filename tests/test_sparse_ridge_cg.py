"""Sparse ridge by conjugate gradients (issue 12): ``Ridge(tol=...)``, the cost rule between the
Gram route and CG, and K-fold RidgeCV by CG per fold with warm starts (no p × p array)."""

import tracemalloc
import warnings

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import Ridge as SkRidge
from sklearn.model_selection import KFold

import shrinkage.solvers.ridge_sparse as ridge_sparse
from shrinkage import Ridge, RidgeCV, convert_strength
from shrinkage.standardization import column_stats


def _sparse(n, p, density, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=seed,
                  data_rvs=lambda k: rng.uniform(0.5, 2.0, k))
    y = X @ rng.normal(size=p) + rng.normal(size=n)
    return X, y, rng


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _normal_equations(X, y, lam, sw=None, standardize=True):
    """Dense ``(A, b)`` of the scaled normal equations ``(G + λI) v = b`` that CG solves."""
    Xd = X.toarray()
    n = Xd.shape[0]
    s = np.full(n, 1.0 / n) if sw is None else sw / sw.sum()
    m, c = column_stats(Xd, s, True, standardize)
    Z = (Xd - m) / c
    A = Z.T @ (s[:, None] * Z) + lam * np.eye(Xd.shape[1])
    b = Z.T @ (s * (y - s @ y))
    return A, b, c


@pytest.mark.parametrize("tol", [1e-3, 1e-6, 1e-9])
def test_tol_bounds_the_relative_residual_of_the_normal_equations(tol, monkeypatch):
    """The documented meaning of tol: ‖b − (G + λP)v‖ ≤ tol ‖b‖ at the returned coefficients
    (v = c ⊙ coef), and the coefficients' relative error at most cond(G + λP) · tol."""
    monkeypatch.setattr(ridge_sparse, "GRAM_MAX_FEATURES", 5)          # the CG route
    X, y, rng = _sparse(400, 60, 0.1)
    sw = rng.uniform(0.5, 2.0, 400)
    model = Ridge(lam=0.01, tol=tol).fit(X, y, sample_weight=sw)
    A, b, c = _normal_equations(X, y, 0.01, sw)
    v = c * model.coef_
    assert np.linalg.norm(b - A @ v) <= 1.01 * tol * np.linalg.norm(b)
    exact = np.linalg.solve(A, b) / c
    assert _rel(model.coef_, exact) <= np.linalg.cond(A) * tol
    assert not hasattr(model, "df_")


def test_a_looser_tol_takes_fewer_iterations_and_the_direct_routes_ignore_it(monkeypatch):
    X, y, _ = _sparse(400, 60, 0.1)
    dense = [Ridge(lam=0.01, tol=t).fit(X.toarray(), y) for t in (1e-2, 1e-12)]
    np.testing.assert_array_equal(dense[0].coef_, dense[1].coef_)
    monkeypatch.setattr(ridge_sparse, "cg_budget", lambda X, t=1: 0)    # the Gram route
    gram = [Ridge(lam=0.01, tol=t).fit(X, y) for t in (1e-2, 1e-12)]
    np.testing.assert_array_equal(gram[0].coef_, gram[1].coef_)
    assert gram[0].n_iter_ == 1 and gram[0].df_ == pytest.approx(dense[0].df_, rel=1e-10)
    monkeypatch.setattr(ridge_sparse, "GRAM_MAX_FEATURES", 5)
    loose, tight = (Ridge(lam=0.01, tol=t).fit(X, y) for t in (1e-2, 1e-12))
    assert 1 <= loose.n_iter_ < tight.n_iter_


def test_the_cost_rule_takes_cg_on_a_narrow_sparse_design_with_the_same_coefficients():
    """50,000 × 1,000 at 0.5 % (the benchmark's narrow shape): the Gram product and its
    factorization cost about 60 CG iterations, and CG converges well within them. The
    coefficients are those of the dense fit and of scikit-learn at the converted strength."""
    X, y, _ = _sparse(50_000, 1_000, 0.005)
    assert ridge_sparse.cg_budget(X) > 20
    ours = Ridge().fit(X, y)
    assert ours.n_iter_ > 1 and not hasattr(ours, "df_")            # the CG route
    ref = Ridge(tol=1e-13).fit(X, y)
    assert _rel(ours.coef_, ref.coef_) < 1e-6
    lam = 0.001
    alpha = convert_strength(lam, source="shrinkage", target="sklearn-ridge",
                             n_samples=X.shape[0]).value
    mine = Ridge(lam=lam, standardize=False).fit(X, y)
    theirs = SkRidge(alpha=alpha, solver="sparse_cg", tol=1e-12, max_iter=10_000).fit(X, y)
    assert mine.n_iter_ > 1
    assert _rel(mine.coef_, theirs.coef_) < 1e-6
    assert mine.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6)
    small, ys, _ = _sparse(5000, 1_000, 0.005, seed=1)
    dense = Ridge().fit(small.toarray(), ys)
    assert _rel(Ridge().fit(small, ys).coef_, dense.coef_) < 1e-6


def test_cg_short_of_its_budget_falls_back_to_the_gram_route():
    """An ill-conditioned system (100 columns each a near copy of another, perturbed by 1e-1
    down to 1e-6, tiny λ): CG does not reach tol within the budget, and the fit is the Gram
    route's, with df_."""
    X, y, rng = _sparse(3000, 200, 0.05)
    A = X[:, :100].tocsc()
    E = A.copy()
    E.data = rng.normal(size=E.nnz)
    X = sp.hstack([X, A + E @ sp.diags(np.geomspace(1e-1, 1e-6, 100))]).tocsr()
    assert ridge_sparse.cg_budget(X) >= 2
    fit = Ridge(lam=1e-10, standardize=False, tol=1e-12).fit(X, y)
    assert fit.n_iter_ == 1 and hasattr(fit, "df_")
    dense = Ridge(lam=1e-10, standardize=False).fit(X.toarray(), y)
    pred = dense.predict(X.toarray())
    np.testing.assert_allclose(fit.predict(X), pred, rtol=0, atol=1e-6 * np.abs(pred).max())


def _fold_scores_by_refits(X, Y, sw, lams, splits, **kw):
    out = np.empty((len(lams), len(splits)))
    for k, (tr, te) in enumerate(splits):
        for i, lam in enumerate(lams):
            m = Ridge(lam=lam, tol=1e-13, **kw).fit(X[tr], Y[tr],
                                                    sample_weight=None if sw is None else sw[tr])
            r = (Y[te] - m.predict(X[te])).reshape(len(te), -1)
            w = np.ones(len(te)) if sw is None else sw[te]
            out[i, k] = -np.mean(w @ r ** 2) / w.sum()
    return out


@pytest.mark.parametrize("kw, weighted, targets", [
    ({}, False, 1), ({"standardize": False}, True, 1), ({"fit_intercept": False}, False, 2),
    ({"penalty_factor": np.r_[0.0, 2.0, np.ones(4998)]}, True, 1)])
def test_sparse_k_fold_beyond_the_gram_limit_equals_a_loop_of_single_fits(kw, weighted,
                                                                          targets):
    """300 × 5000 at 1 %: each fold by warm-started CG along the grid equals the fold's own
    sparse Ridge fits, and the refit the single fit at the chosen λ."""
    X, y, rng = _sparse(300, 5000, 0.01, seed=2)
    Y = y if targets == 1 else np.column_stack([y, rng.normal(size=300)])
    sw = rng.uniform(0.5, 2.0, 300) if weighted else None
    lams = np.geomspace(3.0, 3e-3, 7)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)                # the best λ on an edge
        cv = RidgeCV(lams=lams, cv=5, **kw).fit(X, Y, sample_weight=sw)
    splits = list(KFold(5).split(X))
    ref = _fold_scores_by_refits(X, Y, sw, cv.cv_results_["lam"], splits, **kw)
    np.testing.assert_allclose(cv.cv_results_["fold_scores"], ref, rtol=1e-6)
    single = Ridge(lam=cv.lam_, tol=1e-13, **kw).fit(X, Y, sample_weight=sw)
    assert _rel(cv.coef_, single.coef_) < 1e-6
    assert not hasattr(cv, "df_") and np.isnan(cv.cv_results_["df"]).all()


def test_sparse_k_fold_with_fewer_rows_than_columns_equals_the_dense_one():
    """A narrow design whose training folds have fewer rows than columns (the folds' Gram
    moments do not apply): the automatic grid (its top from Lanczos), its extensions and the
    choice equal the dense K-fold's; an unpenalized column is taken (it was refused before)."""
    X, _, rng = _sparse(120, 200, 0.3, seed=3)
    y = X @ rng.normal(size=200) * 0.2 + rng.normal(size=120)         # an interior optimum
    for kw in ({}, {"penalty_factor": np.r_[0.0, np.ones(199)]}):
        dense = RidgeCV(cv=4, **kw).fit(X.toarray(), y)
        sparse = RidgeCV(cv=4, **kw).fit(X, y)
        np.testing.assert_allclose(sparse.cv_results_["lam"], dense.cv_results_["lam"],
                                   rtol=1e-8)
        np.testing.assert_allclose(sparse.cv_results_["mean_score"],
                                   dense.cv_results_["mean_score"], rtol=1e-6)
        assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-8)
        assert _rel(sparse.coef_, dense.coef_) < 1e-6


def test_sparse_k_fold_never_forms_a_p_by_p_array():
    """20,000 columns: a p × p Gram matrix would take 3.2 GB; the whole K-fold fit stays within
    a few copies of X (tracemalloc's peak)."""
    X, y, _ = _sparse(400, 20_000, 0.002, seed=4)
    x_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    tracemalloc.start()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        RidgeCV(lams=np.geomspace(10.0, 0.01, 5), cv=3).fit(X, y)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 40 * x_bytes + 20 * 8 * X.shape[1] < 8 * X.shape[1] ** 2 / 100


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("standardize", [False, True])
def test_sparse_loo_with_unpenalized_columns_equals_brute_force_leave_one_out(weighted,
                                                                              standardize):
    """Two unpenalized columns (penalty_factor 0) projected out on the Gram matrix: each row
    left out in turn and the model refitted on the sparse rest at the same λ (standardization
    of all rows held fixed: penalty factors f_j sd_j² on the raw coefficients)."""
    rng = np.random.default_rng(4)
    X = sp.random(30, 7, density=0.5, format="csr", random_state=4,
                  data_rvs=lambda k: rng.normal(size=k) * 3 + 1)
    y = X @ rng.normal(size=7) + rng.normal(size=30)
    s = rng.uniform(0.5, 2.0, 30) if weighted else np.ones(30)
    pf = np.r_[0.0, 0.0, 1.5 * np.ones(5)]
    sd = column_stats(X, s / s.sum(), True, standardize)[1]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)                # the best λ on an edge
        cv = RidgeCV(lams=np.array([1.0, 0.1, 0.01]), cv="loo", standardize=standardize,
                     penalty_factor=pf).fit(X, y, sample_weight=s if weighted else None)
    for lam, score in zip(cv.cv_results_["lam"], cv.cv_results_["mean_score"]):
        res = np.empty(30)
        for i in range(30):
            keep = np.arange(30) != i
            m = Ridge(lam=lam, standardize=False, penalty_factor=pf * sd ** 2).fit(
                X[keep], y[keep], sample_weight=s[keep])
            res[i] = y[i] - m.predict(X[[i]])[0]
        assert score == pytest.approx(-(s @ res ** 2) / s.sum(), rel=1e-9)
    dense = RidgeCV(lams=cv.cv_results_["lam"], cv="loo", standardize=standardize,
                    penalty_factor=pf).fit(X.toarray(), y, sample_weight=s if weighted else None)
    assert cv.df_ == pytest.approx(dense.df_, rel=1e-10)


@pytest.mark.parametrize("cv", ["gcv", "evidence"])
def test_sparse_gcv_and_evidence_with_unpenalized_columns_equal_the_dense_ones(cv):
    X, y, rng = _sparse(200, 30, 0.2, seed=5)
    pf = np.r_[0.0, np.ones(29)]
    sw = rng.uniform(0.5, 2.0, 200)
    dense = RidgeCV(cv=cv, penalty_factor=pf).fit(X.toarray(), y, sample_weight=sw)
    sparse = RidgeCV(cv=cv, penalty_factor=pf).fit(X, y, sample_weight=sw)
    assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-6)
    np.testing.assert_allclose(sparse.cv_results_["mean_score"], dense.cv_results_["mean_score"],
                               rtol=1e-8)
    assert _rel(sparse.coef_, dense.coef_) < 1e-8


def test_effective_df_of_a_cg_fit_is_computed_from_the_training_x():
    X, y, rng = _sparse(2000, 300, 0.02, seed=6)
    sw = rng.uniform(0.5, 2.0, 2000)
    fit = Ridge(lam=0.05).fit(X, y, sample_weight=sw)
    assert fit.n_iter_ > 1 and not hasattr(fit, "df_")
    dense = Ridge(lam=0.05).fit(X.toarray(), y, sample_weight=sw)
    assert fit.effective_df(X, sample_weight=sw) == pytest.approx(dense.df_, rel=1e-10)
    with pytest.raises(ValueError, match="pass the training X to effective_df"):
        fit.effective_df()
