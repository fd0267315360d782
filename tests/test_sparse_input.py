"""Sparse X (issue 12): Ridge and L2 LogisticRegression take CSR/CSC without densifying, with
the coefficients of the dense fit and of scikit-learn's at the converted strength; bad sparse
input is refused by name."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.linear_model import Ridge as SkRidge

import shrinkage.solvers.ridge_sparse as ridge_sparse
import shrinkage.solvers.smooth as smooth
from shrinkage import LogisticRegression, Ridge, RidgeCV, convert_strength
from shrinkage.standardization import column_stats


def _sparse(n=300, p=40, density=0.1, seed=0, fmt="csr"):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, random_state=seed, format=fmt,
                  data_rvs=lambda k: rng.normal(size=k) * 3 + 1)
    return X, rng


def _rel(a, b):
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_column_stats_equal_the_dense_ones(fit_intercept, standardize, fmt):
    X, rng = _sparse(fmt=fmt)
    D = X.toarray()
    D[:, 3] = 2.5                                   # a stored constant: scale 1 in both
    D[:7, 4], D[7:, 4] = 0.0, 1e6                   # a column shifted far from zero
    sw = rng.random(D.shape[0])
    sw /= sw.sum()
    dense = column_stats(D, sw, fit_intercept, standardize)
    sparse = column_stats(sp.csr_matrix(D) if fmt == "csr" else sp.csc_matrix(D), sw,
                          fit_intercept, standardize)
    np.testing.assert_allclose(sparse[0], dense[0], rtol=1e-13, atol=1e-13)
    np.testing.assert_allclose(sparse[1], dense[1], rtol=1e-12)
    if fit_intercept and standardize:
        assert sparse[1][3] == 1.0


RIDGE_SETTINGS = [{}, {"standardize": False}, {"fit_intercept": False},
                  {"penalty_factor": np.r_[0.0, 0.0, 2.0, np.ones(37)]}]


@pytest.mark.parametrize("kw", RIDGE_SETTINGS)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("route", ["gram", "cg"])
def test_sparse_ridge_equals_the_dense_fit(kw, weighted, route, monkeypatch):
    X, rng = _sparse()
    y = X @ rng.normal(size=X.shape[1]) + rng.normal(size=X.shape[0])
    sw = rng.uniform(0.5, 2.0, X.shape[0]) if weighted else None
    if route == "cg":
        monkeypatch.setattr(ridge_sparse, "GRAM_MAX_FEATURES", 5)
    else:                                          # the cost rule would try CG first
        monkeypatch.setattr(ridge_sparse, "cg_budget", lambda X, t=1: 0)
    dense = Ridge(lam=0.05, **kw).fit(X.toarray(), y, sample_weight=sw)
    sparse = Ridge(lam=0.05, **kw).fit(X, y, sample_weight=sw)
    tol = 1e-12 if route == "gram" else 1e-8
    assert _rel(sparse.coef_, dense.coef_) < tol
    assert abs(sparse.intercept_ - dense.intercept_) < tol * max(1.0, abs(dense.intercept_))
    pred = dense.predict(X.toarray())
    np.testing.assert_allclose(sparse.predict(X), pred, rtol=0, atol=1e-7 * np.abs(pred).max())
    if route == "gram":
        assert sparse.df_ == pytest.approx(dense.df_, rel=1e-10)
    else:
        assert not hasattr(sparse, "df_") and sparse.n_iter_ > 1
        with pytest.raises(ValueError, match="degrees of freedom of a fit on sparse X"):
            sparse.effective_df()


def test_sparse_ridge_several_targets_and_lambda_per_target():
    X, rng = _sparse()
    Y = np.column_stack([X @ rng.normal(size=X.shape[1]) for _ in range(3)])
    lam = np.array([0.01, 0.1, 1.0])
    dense = Ridge(lam=lam).fit(X.toarray(), Y)
    sparse = Ridge(lam=lam).fit(X, Y)
    assert _rel(sparse.coef_, dense.coef_) < 1e-12
    np.testing.assert_allclose(sparse.df_, dense.df_, rtol=1e-10)


@pytest.mark.parametrize("fit_intercept", [True, False])
def test_sparse_ridge_equals_scikit_learn_at_the_converted_strength(fit_intercept):
    X, rng = _sparse(n=200, p=30)
    y = X @ rng.normal(size=30) + rng.normal(size=200)
    lam = 0.02
    alpha = convert_strength(lam, source="shrinkage", target="sklearn-ridge",
                             n_samples=200).value
    ours = Ridge(lam=lam, standardize=False, fit_intercept=fit_intercept).fit(X, y)
    theirs = SkRidge(alpha=alpha, fit_intercept=fit_intercept, solver="sparse_cg",
                     tol=1e-12, max_iter=100000).fit(X, y)
    assert _rel(ours.coef_, theirs.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(theirs.intercept_, rel=1e-6, abs=1e-9)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("solver", ["auto", "newton-cholesky", "newton-cg", "lbfgs"])
@pytest.mark.parametrize("kw", [{}, {"standardize": False}, {"fit_intercept": False}])
def test_sparse_logistic_equals_the_dense_fit(n_classes, solver, kw):
    X, rng = _sparse(n=300, p=25, density=0.2)
    eta = X @ rng.normal(size=(25, n_classes))
    y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    sw = rng.uniform(0.5, 2.0, 300)
    common = dict(lam=0.01, solver=solver, tol=1e-10, **kw)
    dense = LogisticRegression(**common).fit(X.toarray(), y, sample_weight=sw)
    sparse = LogisticRegression(**common).fit(X, y, sample_weight=sw)
    assert _rel(sparse.coef_, dense.coef_) < 1e-7
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X.toarray()),
                               atol=1e-9)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sparse_logistic_with_many_columns_uses_a_diagonal_preconditioner(n_classes,
                                                                          monkeypatch):
    """Above SPARSE_GRAM_MAX columns L-BFGS's preconditioner is diagonal (no p × p matrix);
    the fit is the same."""
    X, rng = _sparse(n=300, p=25, density=0.2, seed=1)
    eta = X @ rng.normal(size=(25, n_classes))
    y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    ref = LogisticRegression(lam=0.01, solver="lbfgs", tol=1e-10).fit(X, y)
    monkeypatch.setattr(smooth, "SPARSE_GRAM_MAX", 5)
    diag = LogisticRegression(lam=0.01, solver="lbfgs", tol=1e-10).fit(X, y)
    assert _rel(diag.coef_, ref.coef_) < 1e-7


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sparse_logistic_equals_scikit_learn_at_the_converted_strength(n_classes):
    X, rng = _sparse(n=300, p=25, density=0.2, seed=2)
    eta = X @ rng.normal(size=(25, n_classes))
    y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    lam = 0.01
    C = convert_strength(lam, source="shrinkage", target="sklearn-logistic",
                         n_samples=300).value
    ours = LogisticRegression(lam=lam, standardize=False, tol=1e-10).fit(X, y)
    theirs = SkLogistic(C=C, tol=1e-12, max_iter=100000).fit(X, y)
    assert _rel(ours.coef_, theirs.coef_) < 1e-5
    np.testing.assert_allclose(ours.intercept_, theirs.intercept_, rtol=1e-5, atol=1e-7)


def test_a_model_fitted_dense_predicts_sparse_rows_and_back():
    X, rng = _sparse()
    y = X @ rng.normal(size=X.shape[1])
    a = Ridge().fit(X.toarray(), y)
    b = Ridge().fit(X, y)
    np.testing.assert_allclose(a.predict(X), b.predict(X.toarray()), rtol=1e-9)
    yc = (y > np.median(y)).astype(int)
    c = LogisticRegression().fit(X.toarray(), yc)
    np.testing.assert_allclose(c.predict_proba(X), c.predict_proba(X.toarray()), rtol=1e-12)


def test_other_sparse_formats_are_converted_and_int64_indices_accepted():
    X, rng = _sparse()
    y = X @ rng.normal(size=X.shape[1])
    ref = Ridge().fit(X, y).coef_
    np.testing.assert_allclose(Ridge().fit(X.tocoo(), y).coef_, ref, rtol=1e-12)
    np.testing.assert_allclose(Ridge().fit(X.tolil(), y).coef_, ref, rtol=1e-12)
    big = X.copy()
    big.indices = big.indices.astype(np.int64)
    big.indptr = big.indptr.astype(np.int64)
    np.testing.assert_allclose(Ridge().fit(big, y).coef_, ref, rtol=1e-12)
    np.testing.assert_allclose(Ridge().fit(sp.csr_array(X), y).coef_, ref, rtol=1e-12)


@pytest.mark.parametrize("value, kind", [(np.nan, "NaN"), (np.inf, "inf")])
def test_nan_or_inf_in_the_stored_values_is_named_by_row_and_column(value, kind):
    X, rng = _sparse(fmt="csc")
    y = rng.normal(size=X.shape[0])
    X = X.tocsc()
    j = 7
    i = int(X.indices[X.indptr[j]])
    X.data[X.indptr[j]] = value
    for est in (Ridge(), LogisticRegression()):
        target = y if isinstance(est, Ridge) else (y > 0).astype(int)
        with pytest.raises(ValueError, match=rf"X contains {kind} in column {j} \(row {i}\)"):
            est.fit(X, target)


def test_bad_sparse_input_is_refused_by_name():
    X, rng = _sparse()
    y = rng.normal(size=X.shape[0])
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Ridge().fit(X, y[:-1])
    model = Ridge().fit(X, y)
    with pytest.raises(ValueError, match="features"):
        model.predict(X[:, :-1])
    with pytest.raises(TypeError, match="sparse"):
        Ridge().decompose(X, y)


def test_empty_sparse_columns_do_not_warn_as_constant():
    import warnings
    X, rng = _sparse(p=50, density=0.1)
    X = sp.hstack([X, sp.csr_matrix((X.shape[0], 5))]).tocsr()     # five empty columns
    y = (rng.normal(size=X.shape[0]) > 0).astype(int)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LogisticRegression().fit(X, y)


@pytest.mark.parametrize("splitter", ["kfold", "timeseries"])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept, standardize", [(True, True), (True, False),
                                                        (False, True)])
def test_sparse_fold_moments_equal_the_dense_ones(splitter, weighted, fit_intercept,
                                                  standardize):
    """The Gram moments of all rows and of every training fold (covariance-mode CD, K-fold
    ridge) from a sparse X, never densified, equal the dense ones."""
    from sklearn.model_selection import KFold, TimeSeriesSplit

    from shrinkage.solvers.moments import fold_moments
    X, rng = _sparse(n=200, p=15, density=0.2)
    y = rng.normal(size=200)
    sw = rng.uniform(0.5, 2.0, 200) if weighted else None
    cv = KFold(5) if splitter == "kfold" else TimeSeriesSplit(3)
    splits = list(cv.split(np.zeros(200)))
    dense = fold_moments(X.toarray(), y, sw, splits, fit_intercept=fit_intercept,
                         standardize=standardize)
    sparse = fold_moments(X.tocsc(), y, sw, splits, fit_intercept=fit_intercept,
                          standardize=standardize)
    for a, b in zip([dense[0], *dense[1]], [sparse[0], *sparse[1]]):
        for key in ("G", "q", "mean", "scale", "y_mean"):
            np.testing.assert_allclose(getattr(b, key), getattr(a, key), rtol=1e-12,
                                       atol=1e-13)
        assert (a.S, a.n_rows) == (b.S, b.n_rows)


ENET_SETTINGS = [lambda **k: __import__("shrinkage").Lasso(lam=0.05, tol=1e-12, **k),
                 lambda **k: __import__("shrinkage").ElasticNet(lam=0.05, tol=1e-12, **k),
                 lambda **k: __import__("shrinkage").Lasso(lam=0.05, tol=1e-12, relax=True, **k)]


@pytest.mark.parametrize("make", ENET_SETTINGS)
@pytest.mark.parametrize("kw", [{}, {"standardize": False}, {"fit_intercept": False},
                                {"penalty_factor": np.r_[0.0, np.ones(29)]}])
def test_sparse_lasso_and_elastic_net_equal_the_dense_fit(make, kw):
    """Coordinate descent on the sparse columns (the route of one fit here; the Gram route
    in ``tests/test_sparse_cd.py``)."""
    X, rng = _sparse(n=300, p=30, density=0.2)
    y = X @ np.r_[2.0 * np.ones(5), np.zeros(25)] + rng.normal(size=300)
    sw = rng.uniform(0.5, 2.0, 300)
    dense = make(**kw).fit(X.toarray(), y, sample_weight=sw)
    sparse = make(**kw).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-10)
    assert sparse.intercept_ == pytest.approx(dense.intercept_, abs=1e-10)
    assert sparse.lam_max_ == pytest.approx(dense.lam_max_, rel=1e-12)


def test_sparse_lasso_equals_scikit_learn_at_the_converted_strength():
    from sklearn.linear_model import Lasso as SkLasso

    from shrinkage import Lasso
    X, rng = _sparse(n=300, p=30, density=0.2, seed=3)
    y = X @ np.r_[2.0 * np.ones(5), np.zeros(25)] + rng.normal(size=300)
    alpha = 0.025
    lam = convert_strength(alpha, source="sklearn-lasso").value
    ours = Lasso(lam=lam, standardize=False, tol=1e-12).fit(X, y)
    theirs = SkLasso(alpha=alpha, tol=1e-14, max_iter=100_000).fit(X, y)
    assert _rel(ours.coef_, theirs.coef_) < 1e-6


@pytest.mark.parametrize("kw", [{}, {"relax": True}, {"l1_ratio": [0.5, 1.0]}])
def test_sparse_elastic_net_cv_equals_the_dense_one(kw):
    from shrinkage import ElasticNetCV
    X, rng = _sparse(n=300, p=30, density=0.2)
    y = X @ np.r_[2.0 * np.ones(5), np.zeros(25)] + rng.normal(size=300)
    sw = rng.uniform(0.5, 2.0, 300)
    dense = ElasticNetCV(lams=20, cv=3, tol=1e-10, **kw).fit(X.toarray(), y, sample_weight=sw)
    sparse = ElasticNetCV(lams=20, cv=3, tol=1e-10, **kw).fit(X, y, sample_weight=sw)
    assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-12)
    np.testing.assert_allclose(sparse.cv_results_["mean_score"], dense.cv_results_["mean_score"],
                               rtol=1e-10)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-10)


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("compute_df", [False, True])
def test_sparse_logistic_regression_cv_equals_the_dense_one(n_classes, compute_df):
    from shrinkage import LogisticRegressionCV
    X, rng = _sparse(n=400, p=25, density=0.2)
    eta = X @ rng.normal(size=(25, n_classes))
    y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    sw = rng.uniform(0.5, 2.0, 400)
    common = dict(cv=3, tol=1e-10, cv_tol=1e-10, compute_df=compute_df)
    dense = LogisticRegressionCV(**common).fit(X.toarray(), y, sample_weight=sw)
    sparse = LogisticRegressionCV(**common).fit(X, y, sample_weight=sw)
    assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-12)
    np.testing.assert_allclose(sparse.cv_results_["mean_score"], dense.cv_results_["mean_score"],
                               rtol=1e-10)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-9)
    if compute_df:
        np.testing.assert_allclose(sparse.cv_results_["df"], dense.cv_results_["df"], rtol=1e-8)


@pytest.mark.parametrize("kw", [{"cv": 5}, {"cv": 3, "standardize": False},
                                {"cv": 4, "fit_intercept": False}])
def test_sparse_ridge_cv_by_k_fold_equals_the_dense_one(kw):
    """K-fold RidgeCV on sparse X: the folds' Gram moments from sparse products, the held-out
    predictions from sparse products with the centring and scaling folded in."""
    X, rng = _sparse()
    y = X @ rng.normal(size=X.shape[1]) + rng.normal(size=X.shape[0])
    sw = rng.uniform(0.5, 2.0, X.shape[0])
    dense = RidgeCV(**kw).fit(X.toarray(), y, sample_weight=sw)
    sparse = RidgeCV(**kw).fit(X, y, sample_weight=sw)
    assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-12)
    np.testing.assert_allclose(sparse.cv_results_["mean_score"], dense.cv_results_["mean_score"],
                               rtol=1e-10)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-10)
    # an unpenalized column: each fold by conjugate gradients (tests/test_sparse_ridge_cg.py)
    pf = np.r_[0.0, np.ones(X.shape[1] - 1)]
    dense = RidgeCV(**{**kw, "cv": 3}, penalty_factor=pf).fit(X.toarray(), y)
    sparse = RidgeCV(**{**kw, "cv": 3}, penalty_factor=pf).fit(X, y)
    np.testing.assert_allclose(sparse.cv_results_["mean_score"], dense.cv_results_["mean_score"],
                               rtol=1e-8)
    assert _rel(sparse.coef_, dense.coef_) < 1e-8


GROUP_SETTINGS = [{}, {"standardize": False}, {"fit_intercept": False},
                  {"group_weights": [0.0, 1.0, 1.0, 2.0, 1.0, 1.0]}]


def _group_data(n=300, p=24, seed=0):
    X, rng = _sparse(n=n, p=p, density=0.2, seed=seed)
    eta = X @ np.r_[1.5 * np.ones(4), -np.ones(4), np.zeros(p - 8)]
    return X, rng, eta, rng.uniform(0.5, 2.0, n)


@pytest.mark.parametrize("kw", GROUP_SETTINGS)
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_group_lasso_equals_the_dense_fit_with_a_certificate(kw, fmt):
    """FISTA on a sparse X, centring and scaling implicit: the dense fit's coefficients, and
    every group's subdifferential distance (from the dense standardized design) at most tol."""
    from shrinkage import GroupLasso
    from shrinkage.penalties import GroupL2
    from shrinkage.standardization import column_stats
    X, rng, eta, s = _group_data()
    X = X.asformat(fmt)
    y = eta + 0.5 * rng.normal(size=X.shape[0])
    groups = np.repeat(np.arange(6), 4)
    common = dict(lam=0.05, groups=groups, tol=1e-12, max_iter=200_000, **kw)
    dense = GroupLasso(**common).fit(X.toarray(), y, sample_weight=s)
    sparse = GroupLasso(**common).fit(X, y, sample_weight=s)
    assert 0 < sparse.n_groups_nonzero_ < 6
    assert _rel(sparse.coef_, dense.coef_) < 1e-9
    assert sparse.intercept_ == pytest.approx(dense.intercept_, rel=1e-9, abs=1e-12)
    np.testing.assert_allclose(sparse.predict(X), dense.predict(X.toarray()), rtol=1e-9)
    D, sw = X.toarray(), s / s.sum()
    fi, st = kw.get("fit_intercept", True), kw.get("standardize", True)
    m, sd = column_stats(D, sw, fi, st)
    grad = -2 * ((D - m) / sd).T @ (sw * (y - sparse.predict(X)))
    pen = GroupL2(0.05, groups, kw.get("group_weights"))
    null = np.max(pen.group_norms(-2 * ((D - m) / sd).T @ (sw * (y - (sw @ y if fi else 0)))))
    assert np.max(pen.subdiff_distance(sparse.coef_ * sd, grad)) < 1e-9 * null


@pytest.mark.parametrize("kw", GROUP_SETTINGS)
def test_sparse_group_lasso_classifier_equals_the_dense_fit_with_a_certificate(kw):
    from shrinkage import GroupLassoClassifier
    from shrinkage.penalties import GroupL2
    from shrinkage.standardization import column_stats
    X, rng, eta, s = _group_data(seed=1)
    y = np.where(eta + rng.logistic(size=X.shape[0]) > np.median(eta), "yes", "no")
    groups = np.repeat(np.arange(6), 4)
    top = GroupLassoClassifier(groups=groups, **kw).lam_max(X, y, s)
    assert top == pytest.approx(GroupLassoClassifier(groups=groups, **kw).lam_max(X.toarray(), y,
                                                                                   s), rel=1e-12)
    lam = 0.3 * top
    common = dict(lam=lam, groups=groups, tol=1e-12, max_iter=200_000, **kw)
    dense = GroupLassoClassifier(**common).fit(X.toarray(), y, sample_weight=s)
    sparse = GroupLassoClassifier(**common).fit(X, y, sample_weight=s)
    assert 0 < sparse.n_groups_nonzero_ < 6
    assert _rel(sparse.coef_, dense.coef_) < 1e-9
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=1e-9, atol=1e-12)
    for method in ("decision_function", "predict_proba", "predict"):
        a, b = getattr(sparse, method)(X), getattr(dense, method)(X.toarray())
        (np.testing.assert_array_equal if method == "predict" else
         lambda u, v: np.testing.assert_allclose(u, v, rtol=1e-9))(a, b)
    np.testing.assert_allclose(sparse.decision_function(sp.csr_array(X)),
                               sparse.decision_function(X.toarray()), rtol=1e-12)
    D, sw = X.toarray(), s / s.sum()
    fi, st = kw.get("fit_intercept", True), kw.get("standardize", True)
    m, sd = column_stats(D, sw, fi, st)
    p1 = 1.0 / (1.0 + np.exp(-sparse.decision_function(X)))
    grad = ((D - m) / sd).T @ (sw * (p1 - (y == "yes")))
    pen = GroupL2(lam, groups, kw.get("group_weights"))
    assert np.max(pen.subdiff_distance(sparse.coef_[0] * sd, grad)) < 1e-10
    if fi:
        assert abs(float(sw @ (p1 - (y == "yes")))) < 1e-10


def test_sparse_group_lasso_beyond_the_gram_limit_uses_a_lanczos_step(monkeypatch):
    """More columns than the Gram limit: the step comes from a Lanczos estimate of σ; the fit
    is still the dense one."""
    import shrinkage.solvers.prox as prox
    from shrinkage import GroupLasso
    monkeypatch.setattr(prox, "GRAM_MAX_FEATURES", 5)
    X, rng, eta, s = _group_data()
    y = eta + 0.5 * rng.normal(size=X.shape[0])
    common = dict(lam=0.05, groups=np.repeat(np.arange(6), 4), tol=1e-12, max_iter=200_000)
    dense = GroupLasso(**common).fit(X.toarray(), y, sample_weight=s)
    sparse = GroupLasso(**common).fit(X, y, sample_weight=s)
    assert _rel(sparse.coef_, dense.coef_) < 1e-9



def _loo_data(n=120, p=30, seed=0):
    X, rng = _sparse(n=n, p=p, density=0.15, seed=seed)
    y = 0.3 * (X @ rng.normal(size=p)) + 2.0 * rng.normal(size=n)
    return X, np.c_[y, y + rng.normal(size=n)], rng.uniform(0.5, 2.0, n)


@pytest.mark.parametrize("cv", ["loo", "gcv", "evidence"])
@pytest.mark.parametrize("kw", [{}, {"standardize": False}, {"fit_intercept": False},
                                {"penalty_factor": np.r_[0.5, 3.0, np.ones(28)]}])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fmt", ["csr", "csc"])
def test_sparse_ridge_cv_loo_gcv_evidence_equal_the_dense_ones(cv, kw, weighted, fmt):
    """Exact LOO / GCV (and the evidence) on sparse X, from the implicitly centred Gram's
    eigendecomposition with leverages over row blocks: the dense curve and λ."""
    X, Y, s = _loo_data()
    X = X.asformat(fmt)
    sw = s if weighted else None
    # the evidence's λ is found continuously (a 1-D search, to about 1e-8), not on the grid
    rel = 1e-6 if cv == "evidence" else 1e-10
    for y in (Y[:, 0], Y):
        dense = RidgeCV(cv=cv, **kw).fit(X.toarray(), y, sample_weight=sw)
        sparse = RidgeCV(cv=cv, **kw).fit(X, y, sample_weight=sw)
        np.testing.assert_allclose(sparse.cv_results_["lam"], dense.cv_results_["lam"],
                                   rtol=rel)
        np.testing.assert_allclose(sparse.cv_results_["mean_score"],
                                   dense.cv_results_["mean_score"], rtol=rel)
        np.testing.assert_allclose(sparse.cv_results_["df"], dense.cv_results_["df"], rtol=rel)
        assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-8 if cv != "evidence" else rel)
        assert dense.cv_results_["lam"][-1] < dense.lam_ < dense.cv_results_["lam"][0]
        tol = 1e-9 if cv != "evidence" else 1e-5
        assert _rel(sparse.coef_, dense.coef_) < tol
        assert _rel(sparse.intercept_, dense.intercept_) < tol


@pytest.mark.parametrize("standardize", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_sparse_ridge_loo_equals_brute_force_leave_one_out(standardize, weighted):
    """Each row left out in turn and the model refitted on the sparse rest at the same λ (its
    objective averages over the remaining rows); the standardization is that of all rows held
    fixed, i.e. penalty factors sd_j² on the raw coefficients."""
    X, rng = _sparse(n=25, p=6, density=0.5, seed=4)
    y = X @ rng.normal(size=6) + rng.normal(size=25)
    s = rng.uniform(0.5, 2.0, 25) if weighted else np.ones(25)
    sd = column_stats(X, s / s.sum(), True, standardize)[1]
    lams = np.array([1.0, 0.1, 0.01])
    import warnings
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)          # the best λ on the grid's edge
        cv = RidgeCV(lams=lams, cv="loo", standardize=standardize).fit(
            X, y, sample_weight=s if weighted else None)
    for lam, score in zip(cv.cv_results_["lam"], cv.cv_results_["mean_score"]):
        res = np.empty(25)
        for i in range(25):
            keep = np.arange(25) != i
            m = Ridge(lam=lam, standardize=False, penalty_factor=sd ** 2).fit(
                X[keep], y[keep], sample_weight=s[keep])
            res[i] = y[i] - m.predict(X[[i]])[0]
        assert score == pytest.approx(-(s @ res ** 2) / s.sum(), rel=1e-9)


def test_sparse_ridge_cv_loo_beyond_the_gram_limit_is_refused_naming_k_fold(monkeypatch):
    X, Y, _ = _loo_data()
    monkeypatch.setattr(ridge_sparse, "GRAM_MAX_FEATURES", 10)
    for cv in ("loo", "gcv", "evidence"):
        with pytest.raises(TypeError, match=r"at most 10 columns; X has 30: use K-fold "
                                            r"cross-validation \(cv=5\)"):
            RidgeCV(cv=cv).fit(X, Y[:, 0])


def _every_sparse_estimator():
    """Every public estimator that takes sparse X, with a target it fits (and a fast setting)."""
    import shrinkage
    reg = lambda y: y                                            # noqa: E731
    cls = lambda y: (y > np.median(y)).astype(int)               # noqa: E731
    pos = lambda y: np.exp(0.2 * (y - y.mean()))                 # noqa: E731
    two = lambda y: np.column_stack([y, np.sin(y)])               # noqa: E731
    three = lambda y: np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))   # noqa: E731
    cases = [("Ridge", {}, reg), ("RidgeCV", {}, reg), ("RidgeCV", {"cv": 3}, reg),
             ("LogisticRegression", {}, cls), ("LogisticRegressionCV", {"cv": 3}, cls),
             ("Lasso", {}, reg), ("ElasticNet", {}, reg), ("ElasticNetCV", {"cv": 3}, reg),
             ("GroupLasso", {}, reg), ("GroupLassoClassifier", {}, cls),
             ("PoissonRegressor", {}, pos), ("GammaRegressor", {}, pos),
             ("TweedieRegressor", {}, pos), ("MultiTaskLasso", {}, two),
             ("MultiTaskElasticNet", {}, two), ("GroupLassoClassifier", {}, three),
             ("MultiTaskLassoCV", {"lams": 5, "cv": 3}, two),
             ("MultiTaskElasticNetCV", {"lams": 5, "cv": 3}, two),
             ("Lasso", {}, two),
             ("GLMRegressorCV", {"l1_ratio": 0.5, "cv": 3, "lams": 10}, pos)]
    names = {n for n in shrinkage.__all__ if isinstance(getattr(shrinkage, n), type)
             and getattr(getattr(shrinkage, n), "_accepts_sparse", False)}
    assert names == {c[0] for c in cases}, "a sparse-accepting estimator is missing here"
    return [pytest.param(getattr(shrinkage, n), kw, target, id=f"{n}{kw or ''}")
            for n, kw, target in cases]


@pytest.mark.parametrize("Est, kw, target", _every_sparse_estimator())
def test_every_sparse_estimator_refuses_bad_sparse_input_by_name(Est, kw, target):
    """NaN/inf among the stored values (named by row and column), corrupt index arrays (an
    int64 index beyond the shape would make the kernels read out of bounds), y of another
    length, prediction rows with another number of columns; COO/LIL and int64 indices are
    converted and fit as the CSR does."""
    import warnings
    X, rng = _sparse(n=120, p=12, density=0.3)
    y = target(X @ rng.normal(size=12) + rng.normal(size=120))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                      # convergence, grid edges
        ref = Est(**kw).fit(X, y)
        pred = ref.predict(X)
        for other in (X.tocoo(), X.tolil(), sp.coo_array(X)):
            np.testing.assert_allclose(Est(**kw).fit(other, y).predict(X), pred, rtol=1e-9,
                                       atol=1e-12)
        wide = X.copy()
        wide.indices, wide.indptr = wide.indices.astype(np.int64), wide.indptr.astype(np.int64)
        np.testing.assert_allclose(Est(**kw).fit(wide, y).predict(wide), pred, rtol=1e-9,
                                   atol=1e-12)
    for value, kind in ((np.nan, "NaN"), (np.inf, "inf")):
        bad = X.tocsc()
        bad.data[bad.indptr[5]] = value
        i = int(bad.indices[bad.indptr[5]])
        with pytest.raises(ValueError, match=rf"X contains {kind} in column 5 \(row {i}\)"):
            Est(**kw).fit(bad, y)
        with pytest.raises(ValueError, match=rf"X contains {kind} in column 5 \(row {i}\)"):
            ref.predict(bad)
    corrupt = X.copy()
    corrupt.indices, corrupt.indptr = X.indices.astype(np.int64), X.indptr.astype(np.int64)
    corrupt.indices[3] = 2 ** 40
    with pytest.raises(ValueError, match=r"corrupt CSR matrix of shape \(120, 12\): indices "
                                         r"must be < 12; rebuild it"):
        Est(**kw).fit(corrupt, y)
    with pytest.raises(ValueError, match="corrupt CSR matrix"):
        ref.predict(corrupt)
    with pytest.raises(ValueError, match="inconsistent numbers of samples"):
        Est(**kw).fit(X, y[:-1])
    with pytest.raises(ValueError, match="12 features"):
        ref.predict(X[:, :-1])


def _binary_sparse(n=200, p=30, density=0.2, seed=3):
    X, rng = _sparse(n=n, p=p, density=density, seed=seed)
    eta = X @ np.r_[rng.normal(size=6), np.zeros(p - 6)] * 0.5
    y = (eta + rng.logistic(size=n) > 0).astype(int)
    return X, y, rng


@pytest.mark.parametrize("r", [1.0, 0.5])
def test_sparse_l1_logistic_equals_sklearn_saga_at_the_converted_strength(r):
    """scikit-learn's saga on the same CSR at ``C`` ↔ our (λ, ρ); and the subgradient
    conditions of the original-scale objective hold at our coefficients."""
    X, y, _ = _binary_sparse(n=150, p=20, density=0.3)
    C = 0.5
    lam, rho = convert_strength(C, source="sklearn-logistic", n_samples=len(y), l1_ratio=r)
    ours = LogisticRegression(lam=lam, l1_ratio=rho, standardize=False, tol=1e-12).fit(X, y)
    ref = SkLogistic(C=C, l1_ratio=r, solver="saga", tol=1e-13, max_iter=200_000).fit(X, y)
    scale = np.max(np.abs(ref.coef_))
    assert np.max(np.abs(ours.coef_ - ref.coef_)) <= 1e-5 * scale
    assert abs(ours.intercept_[0] - ref.intercept_[0]) <= 1e-5 * max(scale, 1.0)
    w, b = ours.coef_[0], ours.intercept_[0]
    p = 1.0 / (1.0 + np.exp(-(X @ w + b)))
    g = X.T @ (p - y) / len(y)                          # gradient of the mean loss
    on = w != 0
    assert 0 < on.sum() < w.size
    np.testing.assert_allclose(g[on] + 2 * lam * (1 - rho) * w[on] + lam * rho * np.sign(w[on]),
                               0.0, atol=1e-9)
    assert np.all(np.abs(g[~on]) <= lam * rho + 1e-9)
    assert abs(np.sum(p - y)) / len(y) <= 1e-9


def test_sparse_l1_logistic_with_bounds_relax_and_a_warm_path_equals_the_dense_one():
    X, y, rng = _binary_sparse()
    D = X.toarray()
    for kw in ({"lower_bounds": 0.0}, {"upper_bounds": 0.3, "l1_ratio": 0.5},
               {"relax": True, "l1_ratio": 1.0}, {"relax": 0.5, "l1_ratio": 0.8}):
        dense = LogisticRegression(lam=0.01, tol=1e-12, **kw).fit(D, y)
        sparse = LogisticRegression(lam=0.01, tol=1e-12, **kw).fit(X, y)
        np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0,
                                   atol=1e-8 * np.max(np.abs(dense.coef_)))
        np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=0, atol=1e-8)
    assert np.all(LogisticRegression(lam=0.01, l1_ratio=1.0, lower_bounds=0.0)
                  .fit(X, y).coef_ >= 0)


def _multiclass_sparse(n=300, p=25, K=3, seed=4):
    X, rng = _sparse(n=n, p=p, density=0.2, seed=seed)
    eta = X @ (rng.normal(size=(p, K)) * (rng.random(p) < 0.4)[:, None]) * 0.5
    y = np.argmax(eta + rng.gumbel(size=(n, K)), axis=1)
    return X, y, rng


@pytest.mark.parametrize("n_classes", [2, 3])
@pytest.mark.parametrize("rho", [1.0, 0.5])
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept, standardize", [(True, True), (True, False),
                                                        (False, True), (False, False)])
def test_sparse_l1_logistic_equals_the_dense_fit(n_classes, rho, weighted, fit_intercept,
                                                 standardize):
    """LogisticRegression(l1_ratio > 0) on CSR: proximal Newton with CD on the CSC columns
    (implicit centring and scaling; for the softmax model the class sums of the model gradient
    kept by a K × K matrix) gives the dense fit's coefficients, with a certificate."""
    X, y, rng = _binary_sparse() if n_classes == 2 else _multiclass_sparse()
    sw = rng.uniform(0.5, 2.0, X.shape[0]) if weighted else None
    common = dict(lam=0.02 if n_classes == 2 else 0.01, l1_ratio=rho,
                  fit_intercept=fit_intercept, standardize=standardize, tol=1e-12)
    dense = LogisticRegression(**common).fit(X.toarray(), y, sample_weight=sw)
    sparse = LogisticRegression(**common).fit(X, y, sample_weight=sw)
    assert 0 < np.count_nonzero(sparse.coef_) < sparse.coef_.size   # the L1 part selects
    np.testing.assert_array_equal(sparse.coef_ != 0, dense.coef_ != 0)
    assert np.max(np.abs(sparse.coef_ - dense.coef_)) <= 1e-8 * np.max(np.abs(dense.coef_))
    np.testing.assert_allclose(sparse.intercept_, dense.intercept_, rtol=0, atol=1e-8)
    np.testing.assert_allclose(sparse.predict_proba(X), dense.predict_proba(X.toarray()),
                               rtol=0, atol=1e-10)
    assert sparse.solver_ == "proximal-newton-cd"
    if n_classes == 2:
        assert sparse.kkt_ <= 1e-10


def test_sparse_multinomial_l1_logistic_equals_sklearn_saga_with_a_certificate():
    from shrinkage.solvers.prox_newton import multinomial_enet_kkt
    X, y, _ = _multiclass_sparse(n=150, p=12)
    C, r = 0.5, 0.5
    lam, rho = convert_strength(C, source="sklearn-logistic", n_samples=len(y), l1_ratio=r)
    ours = LogisticRegression(lam=lam, l1_ratio=rho, standardize=False, tol=1e-12).fit(X, y)
    ref = SkLogistic(C=C, l1_ratio=r, solver="saga", tol=1e-13, max_iter=200_000).fit(X, y)
    scale = np.max(np.abs(ref.coef_))
    assert np.max(np.abs(ours.coef_ - ref.coef_)) <= 1e-5 * scale
    b = ref.intercept_ - ref.intercept_.mean()
    assert np.max(np.abs(ours.intercept_ - b)) <= 1e-5 * max(scale, 1.0)
    D = X.toarray()
    l1, l2 = np.full(12, lam * rho), np.full(12, lam * (1 - rho))
    kkt = multinomial_enet_kkt(D, np.eye(3)[y], np.full(len(y), 1 / len(y)), ours.coef_,
                               ours.intercept_, l1, l2)
    assert kkt <= 1e-9


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("n_classes", [2, 3])
def test_sparse_l1_logistic_regression_cv_equals_the_dense_one(weighted, n_classes):
    from shrinkage import LogisticRegressionCV
    X, y, rng = _binary_sparse(n=240) if n_classes == 2 else _multiclass_sparse(n=240)
    sw = rng.uniform(0.5, 2.0, X.shape[0]) if weighted else None
    common = dict(l1_ratio=[0.5, 1.0], lams=12, cv=3, tol=1e-10, cv_tol=1e-10)
    dense = LogisticRegressionCV(**common).fit(X.toarray(), y, sample_weight=sw)
    sparse = LogisticRegressionCV(**common).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(sparse.lams_, dense.lams_, rtol=1e-12)
    np.testing.assert_allclose(sparse.scores_, dense.scores_, rtol=1e-9)
    assert sparse.lam_ == pytest.approx(dense.lam_, rel=1e-12)
    assert sparse.l1_ratio_ == dense.l1_ratio_
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-8)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_sparse_l1_logistic_regression_cv_fold_scores_are_those_of_single_fits(n_classes):
    """Each fold's score at each λ is the held-out log-loss of a single sparse fit on the
    fold's training rows (the warm-started path changes nothing)."""
    from sklearn.metrics import log_loss
    from sklearn.model_selection import KFold
    from shrinkage import LogisticRegressionCV
    X, y, _ = _binary_sparse(n=240) if n_classes == 2 else _multiclass_sparse(n=240)
    cv = KFold(3, shuffle=True, random_state=0)
    lams = [0.2, 0.1, 0.05, 0.02, 0.01]
    m = LogisticRegressionCV(l1_ratio=0.7, lams=lams, cv=cv, tol=1e-10, cv_tol=1e-11).fit(X, y)
    for f, (tr, te) in enumerate(cv.split(X)):
        for i, lam in enumerate(lams):
            single = LogisticRegression(lam=lam, l1_ratio=0.7, tol=1e-11).fit(X[tr], y[tr])
            want = -log_loss(y[te], single.predict_proba(X[te]),
                              labels=list(range(n_classes)))
            assert m.scores_[0, i, f] == pytest.approx(want, rel=1e-8)
