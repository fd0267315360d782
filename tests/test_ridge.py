"""Ridge and RidgeCV: equal to scikit-learn and to closed forms; exact LOO; GCV; invariances."""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.linear_model import Ridge as SkRidge
from sklearn.linear_model import RidgeCV as SkRidgeCV
from sklearn.model_selection import KFold

from shrinkage import Ridge, RidgeCV, convert_strength
from shrinkage.solvers.ridge import RidgeProblem, decompose, solve_ridge


def make_data(n=60, p=8, t=None, seed=0, offset=3.0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.3, 4.0, size=p) + offset * rng.normal(size=p)
    X[:, 1] += 0.8 * X[:, 0]                      # correlated columns
    w = rng.normal(size=(p,) if t is None else (p, t))
    y = X @ w + rng.normal(size=(n,) if t is None else (n, t)) + 2.0
    return X, y


def closed_form(X, y, lam, sw=None, f=None, standardize=True, fit_intercept=True):
    """argmin (1/S) Σ s (y − b − Xw)² + λ Σ f sd² w² by solving the normal equations."""
    n, p = X.shape
    s = np.ones(n) if sw is None else sw
    S = s.sum()
    mu = s @ X / S if fit_intercept else np.zeros(p)
    centre = s @ X / S              # the sd is the centred one, with or without an intercept
    sd = np.sqrt(s @ (X - centre) ** 2 / S) if standardize else np.ones(p)
    F = (np.ones(p) if f is None else f) * sd ** 2
    A = np.c_[np.ones(n), X] if fit_intercept else X
    M = A.T @ (s[:, None] * A) / S
    pen = np.diag(np.r_[0.0, lam * F] if fit_intercept else lam * F)
    theta = np.linalg.solve(M + pen, A.T @ (s * y) / S)
    return (theta[1:], theta[0]) if fit_intercept else (theta, 0.0)


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


# ---------------------------------------------------------------- Ridge: references

@pytest.mark.parametrize("lam", [1e-4, 0.05, 3.0])
@pytest.mark.parametrize("shape", [(80, 6), (20, 50)])
def test_ridge_equals_sklearn_at_converted_alpha(lam, shape):
    X, y = make_data(*shape)
    ours = Ridge(lam=lam, standardize=False).fit(X, y)
    alpha = convert_strength(lam, source="shrinkage", target="sklearn-ridge", n_samples=len(y)).value
    ref = SkRidge(alpha=alpha, solver="svd").fit(X, y)
    assert rel(ours.coef_, ref.coef_) < 1e-6
    assert abs(ours.intercept_ - ref.intercept_) < 1e-6 * max(1.0, abs(ref.intercept_))


def test_ridge_sample_weights_equal_sklearn():
    X, y = make_data(70, 5)
    sw = np.random.default_rng(1).uniform(0.1, 3.0, size=len(y))
    lam = 0.02
    ours = Ridge(lam=lam, standardize=False).fit(X, y, sample_weight=sw)
    ref = SkRidge(alpha=lam * sw.sum(), solver="svd").fit(X, y, sample_weight=sw)
    assert rel(ours.coef_, ref.coef_) < 1e-6


def test_ridge_standardize_equals_sklearn_on_scaled_features():
    X, y = make_data(90, 7)
    lam = 0.1
    ours = Ridge(lam=lam).fit(X, y)
    mu, sd = X.mean(axis=0), X.std(axis=0)          # population sd
    ref = SkRidge(alpha=lam * len(y)).fit((X - mu) / sd, y)
    assert rel(ours.coef_, ref.coef_ / sd) < 1e-6
    assert abs(ours.intercept_ - (ref.intercept_ - (mu / sd) @ ref.coef_)) < 1e-6 * abs(ref.intercept_)


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_penalty_factor_and_weights_equal_normal_equations(fit_intercept, weighted):
    X, y = make_data(50, 6, seed=3)
    rng = np.random.default_rng(4)
    sw = rng.uniform(0.2, 2.0, size=len(y)) if weighted else None
    f = np.array([1.0, 0.0, 2.5, 1.0, 0.3, 0.0])
    ours = Ridge(lam=0.2, penalty_factor=f, fit_intercept=fit_intercept).fit(X, y, sample_weight=sw)
    coef, b = closed_form(X, y, 0.2, sw, f, fit_intercept=fit_intercept)
    assert rel(ours.coef_, coef) < 1e-9
    assert abs(ours.intercept_ - b) < 1e-8 * max(1.0, abs(b))


def test_ridge_multitarget_with_lam_per_target():
    X, Y = make_data(40, 5, t=3)
    lams = np.array([0.01, 0.3, 2.0])
    ours = Ridge(lam=lams, standardize=False).fit(X, Y)
    assert ours.coef_.shape == (3, 5) and ours.intercept_.shape == (3,)
    for j in range(3):
        single = Ridge(lam=lams[j], standardize=False).fit(X, Y[:, j])
        assert rel(ours.coef_[j], single.coef_) < 1e-9
        assert abs(ours.intercept_[j] - single.intercept_) < 1e-9 * abs(single.intercept_)
        assert ours.df_[j] == pytest.approx(single.df_, rel=1e-9)


@pytest.mark.parametrize("shape", [(30, 4), (10, 25)])
def test_lam_zero_is_minimum_norm_least_squares(shape):
    X, y = make_data(*shape)
    ours = Ridge(lam=0.0, standardize=False).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    assert rel(ours.coef_, np.linalg.pinv(Xc) @ yc) < 1e-8
    assert ours.df_ == min(shape[0] - 1, shape[1])


def test_tiny_lam_is_continuous_with_minimum_norm_solution_on_rank_deficient_data():
    X, y = make_data(12, 30)
    X[:, 5] = X[:, 4]                                 # exact collinearity as well as p > n
    lsq = Ridge(lam=0.0, standardize=False).fit(X, y).coef_
    tiny = Ridge(lam=1e-13, standardize=False).fit(X, y).coef_
    assert np.all(np.isfinite(tiny))
    assert rel(tiny, lsq) < 1e-5


def test_ill_conditioned_design_uses_svd_and_stays_accurate():
    rng = np.random.default_rng(0)
    n, p = 200, 6
    X = rng.normal(size=(n, p))
    X[:, 5] = X[:, 4] + 1e-7 * rng.normal(size=n)     # cond(X) ~ 1e7, cond(XᵀX) ~ 1e14
    y = X @ rng.normal(size=p) + 0.1 * rng.normal(size=n)
    prob = RidgeProblem.build(X, y, fit_intercept=False, standardize=False)
    lam = 1e-12                                        # nλ is comparable to the smallest d²
    dec = decompose(prob, alpha_min=prob.S * lam)
    assert dec.method == "svd"
    coef, _ = dec.path([lam])
    # reference without squaring the condition number: least squares on [X; √(nλ) I]
    A = np.vstack([X, np.sqrt(n * lam) * np.eye(p)])
    ref = np.linalg.lstsq(A, np.r_[y, np.zeros(p)], rcond=None)[0]
    assert rel(coef[0, 0], ref) < 1e-6
    c1, _, _ = solve_ridge(prob, lam)                 # the single-λ path agrees
    assert rel(c1[0], ref) < 1e-4


def test_df_matches_trace_of_hat_matrix():
    X, y = make_data(40, 6)
    lam = 0.07
    m = Ridge(lam=lam, standardize=False).fit(X, y)
    Xc = X - X.mean(axis=0)
    H = Xc @ np.linalg.solve(Xc.T @ Xc + len(y) * lam * np.eye(6), Xc.T)
    assert m.df_ == pytest.approx(np.trace(H), rel=1e-10)


def test_decomposition_path_equals_direct_solves_in_both_modes():
    for shape in [(50, 7), (9, 40)]:
        X, y = make_data(*shape)
        prob = RidgeProblem.build(X, y, standardize=True)
        dec = decompose(prob)
        lams = np.array([3.0, 0.1, 1e-3])
        coef, icpt = dec.path(lams)
        for i, lam in enumerate(lams):
            c, b, _ = solve_ridge(prob, lam)
            assert rel(coef[i, 0], c[0]) < 1e-8
            assert abs(icpt[i, 0] - b[0]) < 1e-8 * abs(b[0])


# ---------------------------------------------------------------- leave-one-out and GCV

def brute_force_loo(X, y, lam, sw=None, f=None, fit_intercept=True):
    """Refit without each row. Scaling held fixed: standardize=False with f_j·sd_j² instead."""
    n = len(y)
    s = np.ones(n) if sw is None else sw
    mu = s @ X / s.sum()
    sd = np.sqrt(s @ (X - mu) ** 2 / s.sum())
    F = (np.ones(X.shape[1]) if f is None else f) * sd ** 2
    out = np.empty(n)
    for i in range(n):
        keep = np.arange(n) != i
        m = Ridge(lam=lam, standardize=False, penalty_factor=F, fit_intercept=fit_intercept)
        m.fit(X[keep], y[keep], sample_weight=None if sw is None else sw[keep])
        out[i] = y[i] - m.predict(X[i:i + 1])[0]
    return out


@pytest.mark.parametrize("shape", [(25, 4), (12, 20)])
@pytest.mark.parametrize("weighted", [False, True])
def test_loo_residuals_equal_brute_force_refits(shape, weighted):
    X, y = make_data(*shape, seed=5)
    sw = np.random.default_rng(6).uniform(0.3, 2.0, size=len(y)) if weighted else None
    f = np.ones(shape[1])
    f[0] = 0.0                                  # an unpenalized feature is re-fitted too
    prob = RidgeProblem.build(X, y, sw, penalty_factor=f)
    dec = decompose(prob)
    for lam in (0.3, 0.01):
        loo = dec.loo_residuals([lam])[:, 0, 0]
        assert rel(loo, brute_force_loo(X, y, lam, sw, f)) < 1e-8


def test_equal_weights_use_the_same_loo_as_no_weights():
    X, y = make_data(20, 3)
    a = decompose(RidgeProblem.build(X, y)).loo_residuals([0.1])
    b = decompose(RidgeProblem.build(X, y, np.full(20, 2.5))).loo_residuals([0.1])
    assert rel(b, a) < 1e-10


def test_ridgecv_loo_scores_equal_sklearn_ridgecv_at_fold_penalty():
    """Our fold without row i has penalty (n−1)λ: sklearn's LOO at alpha = (n−1)λ."""
    X, y = make_data(60, 5)
    n = len(y)
    lams = np.geomspace(1.0, 1e-5, 25)
    ours = RidgeCV(lams=lams, standardize=False).fit(X, y)
    ref = SkRidgeCV(alphas=lams * (n - 1), store_cv_results=True).fit(X, y)
    assert rel(-ours.cv_results_["mean_score"], ref.cv_results_.mean(axis=0)) < 1e-8
    assert ours.lam_ == pytest.approx(ref.alpha_ / (n - 1), rel=1e-12)


@pytest.mark.filterwarnings("ignore:the best λ")
def test_gcv_equals_its_formula():
    X, y = make_data(40, 6)
    n = len(y)
    lams = np.array([1.0, 0.1, 0.01])
    ours = RidgeCV(lams=lams, cv="gcv", standardize=False).fit(X, y)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    for i, lam in enumerate(lams):
        H = Xc @ np.linalg.solve(Xc.T @ Xc + n * lam * np.eye(6), Xc.T) + 1.0 / n
        r = y - y.mean() - (H - 1.0 / n) @ yc
        gcv = np.mean(r ** 2) / (1.0 - np.trace(H) / n) ** 2
        assert -ours.cv_results_["mean_score"][i] == pytest.approx(gcv, rel=1e-10)


@pytest.mark.filterwarnings("ignore:the best λ")
def test_kfold_scores_equal_per_fold_refits():
    X, y = make_data(50, 4)
    lams = np.array([2.0, 0.2, 0.02])
    folds = list(KFold(5, shuffle=True, random_state=3).split(X))
    ours = RidgeCV(lams=lams, cv=folds).fit(X, y)
    for i, lam in enumerate(lams):
        for k, (tr, te) in enumerate(folds):
            m = Ridge(lam=lam).fit(X[tr], y[tr])          # standardized on the training fold
            expected = -np.mean((y[te] - m.predict(X[te])) ** 2)
            assert ours.cv_results_["fold_scores"][i, k] == pytest.approx(expected, rel=1e-9)
    mean = ours.cv_results_["fold_scores"].mean(axis=1)
    assert ours.lam_ == lams[np.argmax(mean)]


def test_one_standard_error_rule_picks_largest_lam_within_one_se():
    X, y = make_data(80, 10, seed=2)
    m = RidgeCV(cv=5, rule="1se", random_state=0).fit(X, y)
    r = m.cv_results_
    best = np.argmax(r["mean_score"])
    within = r["mean_score"] >= r["mean_score"][best] - r["se_score"][best]
    assert m.lam_ == m.lam_1se_ == r["lam"][within].max()
    assert m.lam_1se_ >= m.lam_min_ == r["lam"][best]


def test_default_grid_extends_until_best_lam_is_interior():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 3))
    y = X @ np.array([1.0, -2.0, 0.5]) + 0.001 * rng.normal(size=200)   # wants a tiny λ
    m = RidgeCV(lams=20).fit(X, y)
    lams = m.cv_results_["lam"]
    assert lams.size > 20
    assert lams.min() < m.lam_min_ < lams.max()


def test_user_grid_on_edge_warns():
    X, y = make_data(50, 4)
    with pytest.warns(UserWarning, match="grid"):
        RidgeCV(lams=[100.0, 50.0, 20.0]).fit(X, y)


def test_ridgecv_refit_equals_ridge_at_chosen_lam():
    X, y = make_data(60, 5)
    cv = RidgeCV(cv="loo").fit(X, y)
    single = Ridge(lam=cv.lam_).fit(X, y)
    assert rel(cv.coef_, single.coef_) < 1e-8
    assert cv.df_ == pytest.approx(single.df_, rel=1e-8)


# ---------------------------------------------------------------- invariances (hypothesis)

@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), lam=st.floats(1e-4, 10.0), standardize=st.booleans())
def test_permuting_features_permutes_coefficients(seed, lam, standardize):
    X, y = make_data(30, 5, seed=seed)
    perm = np.random.default_rng(seed).permutation(5)
    a = Ridge(lam=lam, standardize=standardize).fit(X, y)
    b = Ridge(lam=lam, standardize=standardize).fit(X[:, perm], y)
    assert rel(b.coef_, a.coef_[perm]) < 1e-8


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), scale=st.floats(1e-3, 1e3))
def test_rescaling_all_sample_weights_changes_nothing(seed, scale):
    X, y = make_data(30, 4, seed=seed)
    sw = np.random.default_rng(seed).uniform(0.1, 2.0, size=30)
    a = Ridge(lam=0.05).fit(X, y, sample_weight=sw)
    b = Ridge(lam=0.05).fit(X, y, sample_weight=sw * scale)
    assert rel(b.coef_, a.coef_) < 1e-8
    la = RidgeCV(lams=10, cv="loo").fit(X, y, sample_weight=sw)
    lb = RidgeCV(lams=10, cv="loo").fit(X, y, sample_weight=sw * scale)
    assert la.lam_ == pytest.approx(lb.lam_, rel=1e-9)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 10_000))
def test_integer_weights_equal_repeated_rows(seed):
    X, y = make_data(20, 4, seed=seed)
    k = np.random.default_rng(seed).integers(1, 4, size=20)
    a = Ridge(lam=0.1).fit(X, y, sample_weight=k)
    b = Ridge(lam=0.1).fit(np.repeat(X, k, axis=0), np.repeat(y, k))
    assert rel(a.coef_, b.coef_) < 1e-8
    assert a.intercept_ == pytest.approx(b.intercept_, rel=1e-8)


def test_penalty_factor_of_ones_equals_no_penalty_factor():
    X, y = make_data(30, 4)
    a = Ridge(lam=0.3).fit(X, y)
    b = Ridge(lam=0.3, penalty_factor=np.ones(4)).fit(X, y)
    assert rel(b.coef_, a.coef_) < 1e-12


# ---------------------------------------------------------------- inputs

def test_pandas_dataframe_keeps_feature_names():
    pd = pytest.importorskip("pandas")
    X, y = make_data(30, 3)
    df = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    m = RidgeCV().fit(df, y)
    assert list(m.feature_names_in_) == ["age", "bmi", "bp"]
    with warnings.catch_warnings():
        warnings.simplefilter("error")            # no "fitted with feature names" warning
        pred_df = m.predict(df)
    assert rel(pred_df, X @ m.coef_ + m.intercept_) < 1e-12


@pytest.mark.parametrize("make_bad, match", [
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 7, np.nan, X), y), r"NaN in column 3 \(row 1\)"),
    (lambda X, y: (np.where(np.arange(X.size).reshape(X.shape) == 3, np.inf, X), y), r"inf in column 3 \(row 0\)"),
    (lambda X, y: (X, np.r_[np.nan, y[1:]]), r"y contains NaN"),
    (lambda X, y: (X[:0], y[:0]), r"0 sample"),
    (lambda X, y: (X, y[:-1]), r"inconsistent numbers of samples"),
])
def test_bad_input_names_the_problem(make_bad, match):
    X, y = make_data(10, 4)
    Xb, yb = make_bad(X, y)
    with pytest.raises(ValueError, match=match):
        Ridge().fit(Xb, yb)


def test_text_column_is_named():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"age": [1.0, 2.0, 3.0], "city": ["a", "b", "c"]})
    with pytest.raises(ValueError, match="non-numeric column.*'city'"):
        Ridge().fit(df, [1.0, 2.0, 3.0])


@pytest.mark.parametrize("kwargs, match", [
    ({"lam": -1.0}, "lam must be a finite number >= 0"),
    ({"lam": np.nan}, "lam must be a finite number >= 0"),
    ({"penalty_factor": [1.0, 2.0]}, "penalty_factor has shape"),
    ({"penalty_factor": [1.0, -1.0, 1.0, 1.0]}, "penalty_factor must hold finite values >= 0"),
])
def test_bad_parameters_name_the_problem(kwargs, match):
    X, y = make_data(10, 4)
    with pytest.raises(ValueError, match=match):
        Ridge(**kwargs).fit(X, y)


def test_bad_cv_parameters_name_the_problem():
    X, y = make_data(10, 4)
    with pytest.raises(ValueError, match="lams must hold finite values >= 0"):
        RidgeCV(lams=[1.0, -2.0]).fit(X, y)
    with pytest.raises(ValueError, match="rule must be"):
        RidgeCV(rule="best").fit(X, y)
    with pytest.raises(ValueError, match="cv must be"):
        RidgeCV(cv="kfold").fit(X, y)
    with pytest.raises(ValueError, match="gcv"):
        RidgeCV(cv="gcv", scoring="r2").fit(X, y)
    with pytest.raises(ValueError, match="negative"):
        Ridge().fit(X, y, sample_weight=-np.ones(10))


def test_collinear_unpenalized_columns_are_refused():
    X, y = make_data(20, 4)
    X[:, 1] = 2 * X[:, 0]
    with pytest.raises(ValueError, match="unpenalized columns"):
        Ridge(penalty_factor=[0, 0, 1, 1]).fit(X, y)


def test_wide_design_with_intercept_keeps_the_fast_eigendecomposition():
    """Centring costs one rank; that alone must not send a p > n problem to the SVD."""
    X, y = make_data(30, 80)
    assert decompose(RidgeProblem.build(X, y)).method == "eigh-dual"
    assert decompose(RidgeProblem.build(X, y, fit_intercept=False)).method == "eigh-dual"


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("weighted", [False, True])
def test_kfold_by_downdating_one_gram_equals_fitting_each_fold(fit_intercept, standardize, weighted):
    from shrinkage.solvers.ridge import kfold_decompositions
    X, y = make_data(70, 6, seed=7)
    sw = np.random.default_rng(8).uniform(0.2, 3.0, 70) if weighted else None
    f = np.array([1.0, 2.0, 0.5, 1.0, 1.0, 3.0])
    splits = list(KFold(5, shuffle=True, random_state=0).split(X))
    build = dict(fit_intercept=fit_intercept, standardize=standardize, penalty_factor=f)
    full, down = kfold_decompositions(X, y, sw, splits, **build)
    assert all(d.method == "eigh-downdate" for d in down)
    ref = decompose(RidgeProblem.build(X, y, sw, **build))
    assert rel(full.path([0.1])[0], ref.path([0.1])[0]) < 1e-9
    assert rel(full.df([0.1, 1e-3]), ref.df([0.1, 1e-3])) < 1e-9
    lams = np.array([1.0, 0.05, 1e-3])
    for dec, (tr, te) in zip(down, splits):
        direct = decompose(RidgeProblem.build(X[tr], y[tr], None if sw is None else sw[tr], **build))
        assert rel(dec.grid_predictor(X[te]).predict(lams), direct.grid_predictor(X[te]).predict(lams)) < 1e-9
        c1, b1 = dec.path(lams)
        c2, b2 = direct.path(lams)
        assert rel(c1, c2) < 1e-9 and rel(b1, b2) < 1e-9


def test_kfold_downdating_declines_when_it_does_not_apply():
    from shrinkage.solvers.ridge import kfold_decompositions
    X, y = make_data(20, 8)
    splits = list(KFold(4).split(X))
    assert kfold_decompositions(X, y, None, splits, penalty_factor=[0, 1, 1, 1, 1, 1, 1, 1]) is None
    Xw, yw = make_data(20, 30)
    assert kfold_decompositions(Xw, yw, None, splits) is None        # training folds with n < p


def test_ridgecv_evidence_takes_the_marginal_likelihood_maximizer():
    from shrinkage.selection.evidence import ridge_evidence_lam, ridge_log_evidence
    X, y = make_data(200, 10, seed=4)
    m = RidgeCV(cv="evidence").fit(X, y)
    lam, info = ridge_evidence_lam(decompose(RidgeProblem.build(X, y)))
    assert m.lam_ == pytest.approx(lam, rel=1e-12)
    assert rel(m.coef_, Ridge(lam=m.lam_).fit(X, y).coef_) < 1e-9
    dec = decompose(RidgeProblem.build(X, y))
    near = ridge_log_evidence(dec, [m.lam_ * 0.9, m.lam_, m.lam_ * 1.1])
    assert near[1] >= near[0] and near[1] >= near[2]            # a maximum, not a grid point
    r = m.cv_results_
    assert r["scoring"] == "log_evidence" and r.lam == m.lam_ and "marginal likelihood" in r.reason
    with pytest.raises(ValueError, match="rule applies to cross-validation"):
        RidgeCV(cv="evidence", rule="1se").fit(X, y)
