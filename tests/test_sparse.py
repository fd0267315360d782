"""Sparse estimators: scikit-learn API, cross-validation, relaxed fit, invariances."""

import numpy as np
import pytest
from hypothesis import given, settings, strategies as st
from sklearn.utils.estimator_checks import parametrize_with_checks

from _checks import assert_enet_cv_matches_cold_fits

from shrinkage import (ElasticNet, ElasticNetCV, GroupLasso, GroupLassoClassifier, Lasso,
                       LogisticRegression)
from shrinkage.solvers import lam_max as null_lam_max


@pytest.mark.filterwarnings("ignore:the best λ")      # noise-free check data: λ → 0 is best
@parametrize_with_checks([ElasticNetCV(lams=5, cv=3), GroupLasso(standardize=False),
                          Lasso(fit_intercept=False)])   # defaults: test_contract_sklearn
def test_sklearn_api(estimator, check):
    check(estimator)


def data(n=60, p=8, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + r.normal(size=n)
    return X, y


@pytest.mark.parametrize("n, p", [(60, 8), (20, 30)])
def test_cv_scores_equal_fold_by_fold_fits(n, p):
    X, y = data(n, p, seed=1)
    cv = ElasticNetCV(lams=6, l1_ratio=[0.5, 1.0], cv=3, tol=1e-12).fit(X, y)
    assert_enet_cv_matches_cold_fits(cv, X, y, rows=(2, 9))
    # the refit is the all-data path at the chosen candidate
    ref = ElasticNet(cv.lam_, l1_ratio=cv.l1_ratio_, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(cv.coef_, ref.coef_, rtol=1e-7, atol=1e-10)


def test_default_grid_starts_at_lam_max_and_1se_is_sparser():
    X, y = data(80, 20, seed=2)
    cv = ElasticNetCV(l1_ratio=1.0, rule="1se", random_state=0).fit(X, y)
    lams = cv.lams_[0]
    assert lams.size == 100 and lams[-1] / lams[0] == pytest.approx(1e-3)
    assert np.all(cv.coef_path_[0, 0] == 0) and np.count_nonzero(cv.coef_path_[0, 1]) >= 1
    res = cv.cv_results_
    assert res["df"][res.index] <= res["df"][res.index_min]
    assert cv.lam_ == cv.lam_1se_ >= cv.lam_min_
    wide = ElasticNetCV(lams=10, random_state=0).fit(*data(20, 40, seed=2))
    assert wide.lams_[0, -1] / wide.lams_[0, 0] == pytest.approx(1e-2)


def test_relaxed_fit_is_least_squares_on_the_support():
    X, y = data(60, 8, seed=3)
    m = Lasso(0.5, relax=True, tol=1e-12).fit(X, y)
    support = np.flatnonzero(m.penalized_coef_)
    assert 0 < support.size < 8
    A = np.column_stack([np.ones(60), X[:, support]])
    ols = np.linalg.lstsq(A, y, rcond=None)[0]
    np.testing.assert_allclose(m.coef_[support], ols[1:], rtol=1e-10)
    assert m.intercept_ == pytest.approx(ols[0], rel=1e-10)
    assert np.all(m.coef_[np.setdiff1d(np.arange(8), support)] == 0)
    cv = ElasticNetCV(lams=8, l1_ratio=1.0, relax=True, cv=3).fit(X, y)
    assert np.array_equal(cv.coef_ != 0, cv.penalized_coef_ != 0)


def test_penalty_factor_zero_keeps_a_feature_and_ones_change_nothing():
    X, y = data(seed=4)
    f = np.ones(8)
    f[5] = 0.0
    m = Lasso(1e3, penalty_factor=f).fit(X, y)
    assert np.flatnonzero(m.coef_).tolist() == [5]
    a = ElasticNet(0.1, tol=1e-12).fit(X, y).coef_
    b = ElasticNet(0.1, penalty_factor=np.ones(8), tol=1e-12).fit(X, y).coef_
    np.testing.assert_array_equal(a, b)


def test_group_lasso_selects_whole_groups():
    X, y = data(80, 9, seed=5)
    groups = [0, 0, 0, 1, 1, 1, 2, 2, 2]
    m = GroupLasso(0.3, groups=groups).fit(X, y)
    nz = m.coef_ != 0
    assert m.n_groups_nonzero_ == 1 and nz[:3].all() and not nz[3:].any()


@pytest.mark.parametrize("est, match", [
    (Lasso(-1.0), "lam must be a finite number >= 0"),
    (ElasticNet(l1_ratio=2.0), r"l1_ratio must be a number in \[0, 1\]"),
    (ElasticNet(tol=0), "tol must be a positive number"),
    (GroupLasso(groups=[0, 1]), "one group label per feature"),
    (ElasticNetCV(lam_min_ratio=2.0), r"lam_min_ratio must lie in \(0, 1\)"),
])
def test_errors_name_the_problem(est, match):
    X, y = data(seed=6)
    with pytest.raises(ValueError, match=match):
        est.fit(X, y)


# ---- invariances (hypothesis) ----------------------------------------------------------------
SETTINGS = settings(max_examples=20, deadline=None)


@SETTINGS
@given(seed=st.integers(0, 10_000), rho=st.sampled_from([1.0, 0.5]))
def test_feature_permutation_permutes_coefficients(seed, rho):
    X, y = data(40, 6, seed=seed)
    perm = np.random.default_rng(seed).permutation(6)
    a = ElasticNet(0.1, l1_ratio=rho, tol=1e-12).fit(X, y).coef_
    b = ElasticNet(0.1, l1_ratio=rho, tol=1e-12).fit(X[:, perm], y).coef_
    np.testing.assert_allclose(b, a[perm], rtol=1e-8, atol=1e-10)


@SETTINGS
@given(seed=st.integers(0, 10_000), c=st.floats(1e-3, 1e3))
def test_rescaling_sample_weights_changes_nothing(seed, c):
    X, y = data(40, 6, seed=seed)
    s = np.random.default_rng(seed).uniform(0.1, 2.0, 40)
    a = Lasso(0.1, tol=1e-12).fit(X, y, s)
    b = Lasso(0.1, tol=1e-12).fit(X, y, c * s)
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-8, atol=1e-10)


@SETTINGS
@given(seed=st.integers(0, 10_000), wide=st.booleans())
def test_integer_weights_equal_repeated_rows(seed, wide):
    n, p = (15, 25) if wide else (40, 6)
    X, y = data(n, p, seed=seed)
    k = np.random.default_rng(seed).integers(0, 4, n)
    k[0] = max(k[0], 1)
    a = ElasticNet(0.1, l1_ratio=0.8, tol=1e-12).fit(X, y, k)
    b = ElasticNet(0.1, l1_ratio=0.8, tol=1e-12).fit(np.repeat(X, k, axis=0), np.repeat(y, k))
    np.testing.assert_allclose(b.coef_, a.coef_, rtol=1e-7, atol=1e-9)
    assert b.intercept_ == pytest.approx(a.intercept_, rel=1e-7, abs=1e-9)


def class_data(n=200, p=6, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    eta = X[:, 0] / np.std(X[:, 0]) - X[:, 1] / np.std(X[:, 1]) + 0.5 * r.normal(size=n)
    return X, np.where(eta > np.median(eta), "yes", "no"), r.uniform(0.5, 2.0, n)


@pytest.mark.parametrize("standardize", [True, False])
def test_group_lasso_classifier_of_singletons_equals_l1_logistic(standardize):
    X, y, s = class_data(seed=1)
    g = GroupLassoClassifier(0.03, standardize=standardize, tol=1e-11, max_iter=200_000)
    g.fit(X, y, sample_weight=s)
    ref = LogisticRegression(0.03, l1_ratio=1.0, standardize=standardize, tol=1e-9).fit(
        X, y, sample_weight=s)
    scale = np.max(np.abs(ref.coef_))
    assert np.max(np.abs(g.coef_ - ref.coef_)) < 1e-6 * scale
    assert abs(g.intercept_[0] - ref.intercept_[0]) < 1e-6 * max(scale, 1.0)
    assert g.n_nonzero_ == np.count_nonzero(ref.coef_) < X.shape[1]
    np.testing.assert_allclose(g.predict_proba(X), ref.predict_proba(X), atol=1e-7)
    assert list(g.classes_) == ["no", "yes"]


def test_group_lasso_classifier_certificate_and_whole_groups():
    from shrinkage.penalties import GroupL2
    X, y, s = class_data(n=300, p=6, seed=2)
    groups = [0, 0, 1, 1, 2, 2]
    yb = (y == "yes").astype(float)
    lam = 0.4 * null_lam_max(GroupL2(1.0, groups), X, yb, s, datafit="logistic")
    m = GroupLassoClassifier(lam, groups=groups, tol=1e-10).fit(X, y, sample_weight=s)
    assert m.n_groups_nonzero_ == 1 and np.all(m.coef_[0, 2:] == 0) and np.all(m.coef_[0, :2])
    # certificate recomputed from the reported coefficients (standardized coordinates)
    sw = s / s.sum()
    mean = sw @ X
    sd = np.sqrt(sw @ (X - mean) ** 2)
    g = sw * (1 / (1 + np.exp(-(X @ m.coef_[0] + m.intercept_[0]))) - yb)
    grad = ((X - mean) / sd).T @ g
    null = GroupL2(1.0, groups).group_norms(((X - mean) / sd).T @ (sw * (sw @ yb - yb))).max()
    cert = GroupL2(lam, groups).subdiff_distance(m.coef_[0] * sd, grad).max()
    assert cert <= 1e-9 * null and abs(g.sum()) <= 1e-9 * null and m.kkt_ <= 1e-10 * null
    # predictions are consistent
    assert np.array_equal(m.predict(X), m.classes_[(m.predict_proba(X)[:, 1] > 0.5).astype(int)])
    np.testing.assert_allclose(np.exp(m.predict_log_proba(X)), m.predict_proba(X), rtol=1e-12)


@pytest.mark.parametrize("make", [lambda: GroupLassoClassifier(),
                                  lambda: LogisticRegression(0.01, l1_ratio=1.0)])
def test_sparse_classifiers_refuse_weights_that_leave_one_class(make):
    X, y, _ = class_data(n=60)
    w = (y == "yes").astype(float)
    with pytest.raises(ValueError, match="zero for every row but those of class 'yes'"):
        make().fit(X, y, sample_weight=w)


# ---- λ_max with unpenalized features -----------------------------------------------------------
def correlated_data(n, p, seed=0):
    """Feature 2 is feature 1 plus noise, so fitting feature 1 in the null model changes the
    gradient of the others (|2q| at β = 0 is then the wrong λ_max)."""
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    X[:, 2] = X[:, 1] + 0.5 * r.normal(size=n)
    y = X[:, :3] @ np.array([0.5, -2.0, 0.3]) + r.normal(size=n)
    return X, y, r.uniform(0.5, 2, n)


def null_model_lam_max(X, y, s, f, rho, standardize):
    """λ_max by hand: weighted least squares on the intercept and the unpenalized columns,
    then ``max_{f_j>0} |2/S Σ s_i x̃_ij r_i| / (ρ f_j)`` on the (standardized) centred columns."""
    sw = s / s.sum()
    A = np.column_stack([np.ones(len(y)), X[:, f == 0]])
    coef = np.linalg.lstsq(A * np.sqrt(sw)[:, None], y * np.sqrt(sw), rcond=None)[0]
    r = y - A @ coef
    Z = X - sw @ X
    if standardize:
        Z = Z / np.sqrt(sw @ Z ** 2)
    g = -2 * (sw * r) @ Z
    return np.max(np.abs(g[f > 0]) / f[f > 0]) / rho


@pytest.mark.parametrize("n, p", [(60, 8), (20, 30)])       # covariance and naive modes
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_lam_max_fits_unpenalized_features_in_the_null_model(n, p, standardize, rho):
    X, y, s = correlated_data(n, p)
    f = np.ones(p)
    f[1], f[4] = 0.0, 2.0
    pen = f > 0
    fit = lambda lam, tol=1e-12: ElasticNet(lam, l1_ratio=rho, penalty_factor=f, tol=tol,
                                            standardize=standardize).fit(X, y, s)
    lam_max = fit(1.0).lam_max_
    assert lam_max == pytest.approx(null_model_lam_max(X, y, s, f, rho, standardize), rel=1e-10)
    for tol in (1e-7, 1e-12):                          # at λ_max itself: exactly zero
        at = fit(lam_max, tol)
        assert np.all(at.coef_[pen] == 0) and at.coef_[1] != 0
    # ... where feature 1 alone (with the intercept) is the weighted least-squares fit
    sw = s / s.sum()
    A = np.column_stack([np.ones(n), X[:, 1]])
    ols = np.linalg.lstsq(A * np.sqrt(sw)[:, None], y * np.sqrt(sw), rcond=None)[0]
    assert at.coef_[1] == pytest.approx(ols[1], rel=1e-9)
    assert at.intercept_ == pytest.approx(ols[0], rel=1e-9)
    assert np.count_nonzero(fit(0.99 * lam_max).coef_[pen]) >= 1


@pytest.mark.parametrize("n, p", [(60, 8), (20, 30)])
def test_cv_default_grid_starts_at_the_null_model_lam_max(n, p):
    X, y, s = correlated_data(n, p, seed=1)
    f = np.ones(p)
    f[1] = 0.0
    cv = ElasticNetCV(lams=10, l1_ratio=[1.0, 0.5], penalty_factor=f, cv=3).fit(X, y, s)
    for k, rho in enumerate((1.0, 0.5)):
        top = null_model_lam_max(X, y, s, f, rho, True)
        assert cv.lams_[k, 0] == pytest.approx(top, rel=1e-10)
        path = cv.coef_path_[k]
        assert np.all(path[0, f > 0] == 0) and path[0, 1] != 0
        assert np.count_nonzero(path[1, f > 0]) >= 1
