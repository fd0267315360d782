"""LogisticRegression / LogisticRegressionCV: equal to scikit-learn at λ = 1/(2CS), invariances,
bad input, cross-validation by brute force, and the scikit-learn API checks."""

import time
import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.exceptions import ConvergenceWarning
from sklearn.linear_model import LogisticRegression as SkLogistic
from sklearn.model_selection import StratifiedKFold
from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage.linear_model import LogisticRegression, LogisticRegressionCV
from shrinkage.selection.scoring import get_score


def data(K=2, n=150, p=5, seed=0, shift=True):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, p)
    if shift:
        X += rng.normal(size=p) * 2
    W = rng.normal(size=(K, p))
    eta = (X - X.mean(0)) @ W.T / X.std(0).mean()
    P = np.exp(eta - eta.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    y = (P.cumsum(1) > rng.uniform(size=(n, 1))).argmax(1)
    return X, y


def sk_fit(X, y, lam, sample_weight=None):
    S = len(y) if sample_weight is None else np.sum(sample_weight)
    return SkLogistic(C=1 / (2 * lam * S), tol=1e-13, max_iter=10000, solver="newton-cg").fit(
        X, y, sample_weight=sample_weight)


def rel(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_equals_sklearn_unstandardized(K, weighted):
    X, y = data(K, seed=K)
    sw = np.random.default_rng(1).uniform(0.1, 3, len(y)) if weighted else None
    lam = 0.003
    ours = LogisticRegression(lam, standardize=False, tol=1e-12).fit(X, y, sample_weight=sw)
    sk = sk_fit(X, y, lam, sw)
    assert rel(ours.coef_, sk.coef_) < 1e-6
    if K == 2:
        assert rel(ours.intercept_, sk.intercept_) < 1e-6
    else:
        assert rel(ours.intercept_, sk.intercept_ - sk.intercept_.mean()) < 1e-6
        assert abs(ours.intercept_.sum()) < 1e-12
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-9)
    np.testing.assert_allclose(ours.predict_log_proba(X), sk.predict_log_proba(X), atol=1e-8)
    assert np.array_equal(ours.predict(X), sk.predict(X))


@pytest.mark.parametrize("weighted", [False, True])
def test_auto_lbfgs_multinomial_equals_sklearn(weighted):
    """K(p+1) > 200: "auto" is the Kronecker-preconditioned L-BFGS; the answer is scikit-learn's."""
    X, y = data(4, n=400, p=60, seed=12)
    sw = np.random.default_rng(2).uniform(0.1, 3, len(y)) if weighted else None
    lam = 0.002
    ours = LogisticRegression(lam, standardize=False, tol=1e-10).fit(X, y, sample_weight=sw)
    assert ours.solver_ == "lbfgs"
    sk = sk_fit(X, y, lam, sw)
    assert rel(ours.coef_, sk.coef_) < 1e-6
    assert rel(ours.intercept_, sk.intercept_ - sk.intercept_.mean()) < 1e-6
    np.testing.assert_allclose(ours.predict_proba(X), sk.predict_proba(X), atol=1e-8)


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("weighted", [False, True])
def test_standardize_equals_sklearn_on_standardized_data(K, weighted):
    X, y = data(K, seed=10 + K)
    sw = np.random.default_rng(2).uniform(0.1, 3, len(y)) if weighted else np.ones(len(y))
    mean = np.average(X, axis=0, weights=sw)
    sd = np.sqrt(np.average((X - mean) ** 2, axis=0, weights=sw))   # population sd
    lam = 0.01
    ours = LogisticRegression(lam, tol=1e-12).fit(X, y, sample_weight=sw)
    sk = sk_fit((X - mean) / sd, y, lam, sw)
    coef = sk.coef_ / sd
    intercept = sk.intercept_ - coef @ mean
    if K > 2:
        intercept = intercept - intercept.mean()
    assert rel(ours.coef_, coef) < 1e-6
    assert rel(ours.intercept_, intercept) < 1e-6


@pytest.mark.filterwarnings("ignore::UserWarning", "ignore::RuntimeWarning")
@pytest.mark.filterwarnings("ignore:.*line search.*")
def test_penalty_factor_zero_leaves_feature_unpenalized():
    # sklearn has no per-feature factor; multiplying a column by c divides its coefficient
    # by c and its penalty by c², so c = 1e5 is an (almost) unpenalized column
    X, y = data(2, seed=3)
    lam = 0.05
    pf = np.array([0.0, 1, 1, 1, 1])
    ours = LogisticRegression(lam, standardize=False, penalty_factor=pf, tol=1e-12).fit(X, y)
    Xs = X.copy()
    Xs[:, 0] *= 1e5
    sk = sk_fit(Xs, y, lam)
    coef = sk.coef_.copy()
    coef[:, 0] *= 1e5
    assert rel(ours.coef_, coef) < 1e-5
    # and the score equation holds exactly for the free coefficient
    p = ours.predict_proba(X)[:, 1]
    assert abs(np.mean((p - y) * X[:, 0])) < 1e-10


def test_float32_and_string_labels():
    X, y = data(3, seed=4)
    labels = np.array(["cat", "dog", "emu"])[y]
    a = LogisticRegression(tol=1e-12).fit(X.astype(np.float32), labels)
    b = LogisticRegression(tol=1e-12).fit(X.astype(np.float32).astype(np.float64), y)
    assert list(a.classes_) == ["cat", "dog", "emu"]
    assert a.coef_.dtype == np.float32                 # float32 in, float32 out (issue 12)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-6)
    assert set(a.predict(X)) <= set(labels)
    assert a.coef_.shape == (3, 5) and a.intercept_.shape == (3,)
    c = LogisticRegression().fit(X, y == 1)
    assert c.coef_.shape == (1, 5) and c.intercept_.shape == (1,)
    assert c.decision_function(X).shape == (len(y),)


@settings(max_examples=20, deadline=None)
@given(scale=st.floats(1e-3, 1e3), seed=st.integers(0, 1000), K=st.sampled_from([2, 3]))
def test_rescaling_weights_changes_nothing(scale, seed, K):
    X, y = data(K, n=60, p=3, seed=seed)
    sw = np.random.default_rng(seed).uniform(0.1, 2, len(y))
    a = LogisticRegression(0.02, tol=1e-11).fit(X, y, sample_weight=sw)
    b = LogisticRegression(0.02, tol=1e-11).fit(X, y, sample_weight=scale * sw)
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-7, atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), K=st.sampled_from([2, 3]), standardize=st.booleans())
def test_integer_weights_equal_repeated_rows(seed, K, standardize):
    X, y = data(K, n=40, p=3, seed=seed)
    reps = np.random.default_rng(seed).integers(0, 4, len(y))
    reps[:K] = 1
    y[:K] = np.arange(K)            # every class keeps a row
    a = LogisticRegression(0.02, standardize=standardize, tol=1e-11).fit(
        X, y, sample_weight=reps)
    b = LogisticRegression(0.02, standardize=standardize, tol=1e-11).fit(
        np.repeat(X, reps, axis=0), np.repeat(y, reps))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-7, atol=1e-10)
    np.testing.assert_allclose(a.intercept_, b.intercept_, rtol=1e-7, atol=1e-10)


@settings(max_examples=20, deadline=None)
@given(seed=st.integers(0, 1000), K=st.sampled_from([2, 3]),
       solver=st.sampled_from(["auto", "newton-cg", "lbfgs"]))
def test_permuting_features_permutes_coefficients(seed, K, solver):
    X, y = data(K, n=60, p=4, seed=seed)
    perm = np.random.default_rng(seed).permutation(4)
    pf = np.array([0.5, 1.0, 2.0, 0.0])
    a = LogisticRegression(0.02, penalty_factor=pf, solver=solver, tol=1e-10).fit(X, y)
    b = LogisticRegression(0.02, penalty_factor=pf[perm], solver=solver, tol=1e-10).fit(
        X[:, perm], y)
    np.testing.assert_allclose(a.coef_[:, perm], b.coef_, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("K", [2, 3])
def test_separable_lam0_warns_in_bounded_time(K):
    rng = np.random.default_rng(5)
    X = rng.normal(size=(80, 2))
    y = np.digitize(X[:, 0], [0.0] if K == 2 else [-0.5, 0.5])
    t0 = time.perf_counter()
    with pytest.warns(ConvergenceWarning, match="lam > 0"):
        clf = LogisticRegression(lam=0.0).fit(X, y)
    assert time.perf_counter() - t0 < 5
    assert clf.score(X, y) == 1.0


@pytest.mark.parametrize("X, y, kwargs, match", [
    ([[0.0, np.nan], [1.0, 2.0]], [0, 1], {}, "NaN in column 1"),
    ([[0.0, np.inf], [1.0, 2.0]], [0, 1], {}, "inf"),
    ([[0.0], [1.0], [2.0]], [1, 1, 1], {}, "only one class"),
    ([[0.0], [1.0]], [0, 1], {"lam": -1.0}, "lam must be"),
    ([[0.0, 1.0], [1.0, 0.0]], [0, 1], {"penalty_factor": [1.0]}, "penalty_factor has shape"),
    ([[0.0], [1.0]], [0, 1], {"solver": "sag"}, "solver must be"),
    ([[0.0], [1.0]], [0, 1], {"tol": 0}, "tol must be"),
    ([[0.0], [1.0]], [0.5, 1.7], {}, "Unknown label type"),
])
def test_bad_input_errors(X, y, kwargs, match):
    with pytest.raises(ValueError, match=match):
        LogisticRegression(**kwargs).fit(np.asarray(X), np.asarray(y))


def test_bad_input_dataframe_and_empty():
    pd = pytest.importorskip("pandas")
    df = pd.DataFrame({"age": [1.0, 2.0, 3.0], "city": ["a", "b", "c"]})
    with pytest.raises(ValueError, match="non-numeric column.*city"):
        LogisticRegression().fit(df, [0, 1, 0])
    with pytest.raises(ValueError):
        LogisticRegression().fit(np.empty((0, 2)), np.array([]))
    with pytest.raises(ValueError, match="number of folds and must be >= 2"):
        LogisticRegressionCV(cv=1).fit([[0.0], [1.0]], [0, 1])


# -- cross-validation --------------------------------------------------------------------
def brute_force_cv(X, y, lams, folds, scoring="neg_log_loss", sw=None):
    score = get_score(scoring, classification=True)
    classes = np.unique(y)
    out = np.empty((len(lams), len(folds)))
    for j, (tr, te) in enumerate(folds):
        Yte = (y[te][:, None] == classes).astype(float)
        for i, lam in enumerate(lams):
            m = LogisticRegression(lam, tol=1e-10).fit(
                X[tr], y[tr], sample_weight=None if sw is None else sw[tr])
            out[i, j] = score(Yte, m.predict_proba(X[te]), None if sw is None else sw[te])
    return out


@pytest.mark.parametrize("K", [2, 3])
def test_cv_choice_equals_brute_force(K):
    X, y = data(K, n=90, p=4, seed=20 + K)
    sw = np.random.default_rng(0).uniform(0.5, 2, len(y))
    lams = np.geomspace(1.0, 1e-4, 9)
    folds = list(StratifiedKFold(3).split(X, y))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)     # edge warnings are fine here
        cv = LogisticRegressionCV(lams=lams, cv=folds, tol=1e-10).fit(X, y, sample_weight=sw)
    brute = brute_force_cv(X, y, lams, folds, sw=sw)
    np.testing.assert_allclose(cv.cv_results_["fold_scores"], brute, rtol=1e-7)
    assert cv.lam_ == lams[np.argmax(brute.mean(1))]
    ref = LogisticRegression(cv.lam_, tol=1e-10).fit(X, y, sample_weight=sw)
    np.testing.assert_allclose(cv.coef_, ref.coef_, rtol=1e-7, atol=1e-10)


def test_cv_1se_rule_picks_largest_lam_within_one_se():
    X, y = data(2, n=120, p=6, seed=30)
    lams = np.geomspace(3.0, 1e-4, 12)
    a = LogisticRegressionCV(lams=lams, cv=4, rule="1se", scoring="neg_brier_score").fit(X, y)
    res = a.cv_results_
    fs = res["fold_scores"]
    mean, se = fs.mean(1), fs.std(1, ddof=1) / np.sqrt(fs.shape[1])
    np.testing.assert_allclose(res["mean_score"], mean)
    np.testing.assert_allclose(res["se_score"], se)
    best = np.argmax(mean)
    ok = lams[mean >= mean[best] - se[best]]
    assert a.lam_ == a.lam_1se_ == ok.max()
    assert a.lam_min_ == lams[best] and a.lam_1se_ >= a.lam_min_


def test_cv_default_grid_extends_past_its_edge():
    # a large, nearly noiseless problem wants a small λ: the automatic grid grows downwards
    X, y = data(2, n=400, p=3, seed=40)
    cv = LogisticRegressionCV(lams=10, cv=3).fit(X, y)
    lam = cv.cv_results_["lam"]
    assert np.all(np.diff(lam) < 0)
    i = np.argmax(cv.cv_results_["mean_score"])
    assert 0 < i < len(lam) - 1 or len(lam) == 10 + 3 * 5   # interior, or extended 3 times
    assert cv.cv_results_["fold_scores"].shape == (len(lam), 3)


def test_cv_multinomial_dataframe_and_n_jobs():
    pd = pytest.importorskip("pandas")
    X, y = data(3, n=120, p=4, seed=50)
    df = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    labels = np.array(["x", "y", "z"])[y]
    a = LogisticRegressionCV(lams=8, cv=3).fit(df, labels)
    assert list(a.feature_names_in_) == ["a", "b", "c", "d"]
    assert a.coef_.shape == (3, 4) and list(a.classes_) == ["x", "y", "z"]
    b = LogisticRegressionCV(lams=8, cv=3, n_jobs=2).fit(df, labels)
    np.testing.assert_allclose(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"],
                               rtol=1e-9)
    assert a.lam_ == b.lam_
    assert a.score(df, labels) > 0.5


def test_cv_user_grid_edge_warns():
    X, y = data(2, n=300, p=3, seed=60)
    with pytest.warns(UserWarning, match="edge|smallest|largest"):
        LogisticRegressionCV(lams=[10.0, 5.0, 2.0], cv=3).fit(X, y)


def _direct_df(X, m, lam):
    """tr(H (H + P)⁺) − (intercepts), formed entry by entry: H = (1/n) Σ_i S_i ⊗ a_i a_iᵀ with
    S_i = p(1 − p) (binary) or diag(π_i) − π_i π_iᵀ (softmax), a_i = [1, x_i], and
    P = I_K ⊗ diag(0, 2λ sd²) (standardized penalty)."""
    n, p = X.shape
    A = np.column_stack([np.ones(n), X])
    proba = m.predict_proba(X)
    K = 1 if proba.shape[1] == 2 else proba.shape[1]
    H = np.zeros((K * (p + 1), K * (p + 1)))
    for i in range(n):
        S = np.array([[proba[i, 1] * proba[i, 0]]]) if K == 1 else (
            np.diag(proba[i]) - np.outer(proba[i], proba[i]))
        H += np.kron(S, np.outer(A[i], A[i])) / n
    P = np.kron(np.eye(K), np.diag(np.r_[0.0, 2 * lam * X.std(axis=0) ** 2]))
    return np.trace(np.linalg.pinv(H + P) @ H) - (1 if K == 1 else K - 1)


@pytest.mark.filterwarnings("ignore:the best λ")
@pytest.mark.parametrize("K", [2, 3])
def test_cv_results_df_is_the_trace_of_the_penalized_hat_matrix_of_the_all_data_fits(K):
    X, y = data(K, n=120, p=4, seed=70)
    lams = np.array([1.0, 0.1, 0.01, 0.001])
    assert np.all(np.isnan(LogisticRegressionCV(lams=lams, cv=3).fit(X, y).cv_results_["df"]))
    cv = LogisticRegressionCV(lams=lams, cv=3, compute_df=True).fit(X, y)
    df = cv.cv_results_["df"]
    assert df.shape == (4,) and np.all(np.diff(df) > 0)            # λ falls: df grows
    dim = 4 * (K - 1) if K > 2 else 4
    assert 0 < df[0] < df[-1] < dim
    for i in (0, 2):
        ref = _direct_df(X, LogisticRegression(lam=lams[i], tol=1e-10).fit(X, y), lams[i])
        assert df[i] == pytest.approx(ref, rel=1e-6)
    assert "df" in cv.cv_results_.to_frame().columns


def test_effective_df_with_integer_weights_equals_repeated_rows():
    from shrinkage.diagnostics import logistic_effective_df
    X, y = data(2, n=60, p=3, seed=71)
    w = np.random.default_rng(0).integers(1, 4, 60)
    m = LogisticRegression(lam=0.05).fit(X, y, sample_weight=w)
    a = logistic_effective_df(X, m.coef_, m.intercept_, 0.05, sample_weight=w)
    b = logistic_effective_df(np.repeat(X, w, axis=0), m.coef_, m.intercept_, 0.05)
    assert a == pytest.approx(b, rel=1e-10)


@pytest.mark.filterwarnings("ignore:the best λ")
@pytest.mark.parametrize("random_state", [None, 7])
def test_integer_cv_is_stratified_kfold_shuffled_only_with_a_seed(random_state):
    from sklearn.model_selection import KFold
    X, y = data(2, n=90, p=3, seed=72)
    order = np.argsort(y, kind="stable")       # sorted classes: plain K-fold would not stratify
    X, y = X[order], y[order]
    lams = [0.1, 0.01]
    m = LogisticRegressionCV(lams=lams, cv=3, random_state=random_state).fit(X, y)
    strat = StratifiedKFold(3, shuffle=random_state is not None, random_state=random_state)
    ref = LogisticRegressionCV(lams=lams, cv=list(strat.split(X, y))).fit(X, y)
    np.testing.assert_allclose(m.cv_results_["fold_scores"], ref.cv_results_["fold_scores"],
                               rtol=1e-12, atol=0)
    other = LogisticRegressionCV(lams=lams, cv=list(KFold(3).split(X))).fit(X, y)
    assert not np.allclose(m.cv_results_["fold_scores"], other.cv_results_["fold_scores"])
    if random_state is not None:              # the seed does shuffle
        plain = LogisticRegressionCV(lams=lams, cv=3).fit(X, y)
        assert not np.allclose(m.cv_results_["fold_scores"], plain.cv_results_["fold_scores"])


@parametrize_with_checks([LogisticRegression(l1_ratio=1.0), LogisticRegressionCV(lams=5, cv=3),
                          LogisticRegression(class_weight="balanced")])  # defaults: test_contract_sklearn
def test_sklearn_api(estimator, check):
    check(estimator)
