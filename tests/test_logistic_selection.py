"""LogisticRegressionCV on the shared engine: result type, folds, rules, evidence."""

import numpy as np
import pytest
from sklearn.model_selection import GroupKFold, RepeatedStratifiedKFold

from shrinkage import LogisticRegression, LogisticRegressionCV
from shrinkage.selection import CVResult
from shrinkage.selection.evidence import logistic_evidence_lam

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def data(n=150, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X @ rng.normal(size=p) + rng.normal(size=n) > 0).astype(int)
    return X, y


def test_cv_results_is_a_cvresult_with_reason_and_frame():
    X, y = data()
    m = LogisticRegressionCV(lams=10, cv=3, random_state=0).fit(X, y)
    r = m.cv_results_
    assert isinstance(r, CVResult) and r.lam == m.lam_ and "best mean score" in r.reason
    assert r["n_iter"].shape == r["fold_scores"].shape
    assert len(r.to_frame()) == len(r["lam"])


def test_grouped_folds_never_split_a_group_and_match_manual_fits():
    X, y = data()
    groups = np.repeat(np.arange(30), 5)
    # the folds at the manual fit's tolerance (by default they stop at cv_tol = 100·tol)
    m = LogisticRegressionCV(lams=[0.1, 0.01], cv=3, cv_tol=1e-8).fit(X, y, groups=groups)
    tr, te = next(GroupKFold(3).split(X, y, groups))
    ref = LogisticRegression(lam=0.01).fit(X[tr], y[tr])
    p = ref.predict_proba(X[te])[np.arange(len(te)), y[te]]
    assert m.cv_results_["fold_scores"][1, 0] == pytest.approx(np.mean(np.log(p)), rel=1e-6)


def test_repeated_stratified_folds_and_two_se_rule():
    X, y = data(n=200)
    cv = RepeatedStratifiedKFold(n_splits=3, n_repeats=2, random_state=0)
    one = LogisticRegressionCV(lams=15, cv=cv, rule="1se").fit(X, y)
    two = LogisticRegressionCV(lams=15, cv=cv, rule="2se").fit(X, y)
    assert one.cv_results_.n_repeats == 2 and one.cv_results_["fold_scores"].shape[1] == 6
    assert two.lam_ >= one.lam_ >= one.lam_min_


def test_evidence_lambda_equals_the_evidence_module_and_refits_there():
    X, y = data(n=200, seed=3)
    m = LogisticRegressionCV(cv="evidence").fit(X, y)
    lam, info = logistic_evidence_lam(X, y)
    assert m.lam_ == pytest.approx(lam, rel=1e-9)
    ref = LogisticRegression(lam=lam).fit(X, y)
    assert np.allclose(m.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert m.cv_results_["scoring"] == "log_evidence"
    with pytest.raises(ValueError, match="rule applies to cross-validation"):
        LogisticRegressionCV(cv="evidence", rule="1se").fit(X, y)


@pytest.mark.parametrize("r", [1.0, 0.5])
def test_l1_ratio_equals_sklearn_saga_at_the_converted_strength(r):
    from sklearn.linear_model import LogisticRegression as SkLogistic

    from shrinkage import convert_strength
    X, y = data(n=120, p=6, seed=5)
    C = 0.2
    lam, rho = convert_strength(C, source="sklearn-logistic", n_samples=len(y), l1_ratio=r)
    ours = LogisticRegression(lam=lam, l1_ratio=rho, standardize=False, tol=1e-10).fit(X, y)
    ref = SkLogistic(C=C, l1_ratio=r, solver="saga", tol=1e-12, max_iter=100_000).fit(X, y)
    # (saga reaches about 1e-12 relative on these 120 rows, in well under a second)
    scale = np.max(np.abs(ref.coef_))
    assert np.max(np.abs(ours.coef_ - ref.coef_)) < 1e-6 * scale
    assert abs(ours.intercept_[0] - ref.intercept_[0]) < 1e-6 * max(scale, 1.0)
    assert ours.solver_ == "proximal-newton-cd"
    assert np.count_nonzero(ours.coef_) == np.count_nonzero(np.abs(ref.coef_) > 1e-8)


def test_l1_ratio_rejects_bad_values():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    with pytest.raises(ValueError, match=r"l1_ratio must be a number in \[0, 1\]"):
        LogisticRegression(l1_ratio=1.5).fit(X, np.arange(60) % 2)


def multiclass_data(n=150, p=6, K=3, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p)
    y = np.argmax(X[:, :3] @ rng.normal(size=(3, K)) + rng.normal(size=(n, K)), axis=1)
    return X, y


@pytest.mark.parametrize("r, K", [(0.5, 3), (1.0, 3), (0.2, 4)])
def test_multinomial_l1_ratio_equals_sklearn_saga_with_a_certificate(r, K):
    from sklearn.linear_model import LogisticRegression as SkLogistic

    from shrinkage import convert_strength
    from shrinkage.solvers.prox_newton import multinomial_enet_kkt
    X, y = multiclass_data(K=K, seed=K)
    C = 0.3
    lam, rho = convert_strength(C, source="sklearn-logistic", n_samples=len(y), l1_ratio=r)
    ours = LogisticRegression(lam=lam, l1_ratio=rho, standardize=False, tol=1e-10).fit(X, y)
    ref = SkLogistic(C=C, l1_ratio=r, solver="saga", tol=1e-13, max_iter=200_000).fit(X, y)
    assert ours.coef_.shape == (K, X.shape[1]) and ours.intercept_.shape == (K,)
    scale = np.max(np.abs(ref.coef_))
    assert np.max(np.abs(ours.coef_ - ref.coef_)) < 1e-6 * scale
    # intercepts are identified up to a common shift; ours sum to zero
    b_ref = ref.intercept_ - ref.intercept_.mean()
    assert abs(ours.intercept_.sum()) < 1e-12
    assert np.max(np.abs(ours.intercept_ - b_ref)) < 1e-6 * max(1.0, np.max(np.abs(b_ref)))
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-6, atol=1e-9)
    assert np.count_nonzero(ours.coef_) == np.count_nonzero(np.abs(ref.coef_) > 1e-8)
    assert ours.solver_ == "proximal-newton-cd"
    # optimality certificate, recomputed from the reported coefficients
    Y = np.eye(K)[y]
    sw = np.full(len(y), 1.0 / len(y))
    f = np.ones(X.shape[1])
    null = np.abs((sw[:, None] * (Y.mean(axis=0) - Y)).T @ (X - X.mean(axis=0))).max()
    cert = multinomial_enet_kkt(X, Y, sw, ours.coef_, ours.intercept_, lam * rho * f,
                                lam * (1 - rho) * f)
    assert cert <= 1e-8 * null


def test_multinomial_elastic_net_standardized_weighted_certificate_and_invariances():
    from shrinkage.solvers.prox_newton import multinomial_enet_kkt
    X, y = multiclass_data(n=120, p=5, seed=7)
    w = np.random.default_rng(0).integers(1, 4, size=len(y)).astype(float)
    m = LogisticRegression(lam=0.02, l1_ratio=0.7, tol=1e-10).fit(X, y, sample_weight=w)
    # integer weights equal repeated rows
    rep = LogisticRegression(lam=0.02, l1_ratio=0.7, tol=1e-10).fit(
        np.repeat(X, w.astype(int), axis=0), np.repeat(y, w.astype(int)))
    np.testing.assert_allclose(m.coef_, rep.coef_, rtol=1e-6, atol=1e-9)
    # certificate in standardized coordinates: β = coef · sd, intercepts b + coef·mean
    sw = w / w.sum()
    mean = sw @ X
    sd = np.sqrt(sw @ (X - mean) ** 2)
    Z = (X - mean) / sd
    beta = m.coef_ * sd
    b = m.intercept_ + m.coef_ @ mean
    cert = multinomial_enet_kkt(Z, np.eye(3)[y], sw, beta, b, np.full(5, 0.02 * 0.7),
                                np.full(5, 0.02 * 0.3))
    assert cert < 1e-8
    # relabelling the classes permutes the rows
    perm = np.array([2, 0, 1])
    m2 = LogisticRegression(lam=0.02, l1_ratio=0.7, tol=1e-10).fit(X, perm[y], sample_weight=w)
    np.testing.assert_allclose(m2.coef_[perm], m.coef_, rtol=1e-6, atol=1e-9)
    # a large λ zeroes every coefficient and leaves the class priors
    big = LogisticRegression(lam=10.0, l1_ratio=0.7).fit(X, y)
    assert not np.any(big.coef_)
    np.testing.assert_allclose(big.predict_proba(X[:1])[0], np.bincount(y) / len(y), rtol=1e-6)


@pytest.mark.parametrize("standardize", [True, False])
def test_multinomial_warm_start_equals_cold_and_takes_fewer_steps(standardize):
    from shrinkage.solvers.prox_newton import solve_multinomial_enet
    X, y = multiclass_data(n=200, p=6, K=3, seed=11)
    X = X + 3.0                                  # off-centre: the intercept shift matters
    w = np.random.default_rng(2).uniform(0.5, 2.0, len(y))
    kw = dict(l1_ratio=0.6, standardize=standardize, tol=1e-12)
    prev = solve_multinomial_enet(X, y, w, lam=0.03, **kw)
    cold = solve_multinomial_enet(X, y, w, lam=0.02, **kw)
    warm = solve_multinomial_enet(X, y, w, lam=0.02, coef0=prev.coef, intercept0=prev.intercept,
                                  **kw)
    assert cold.converged and warm.converged
    np.testing.assert_allclose(warm.coef, cold.coef, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(warm.intercept, cold.intercept, rtol=1e-9, atol=1e-12)
    assert warm.n_iter < cold.n_iter
    # started at the solution itself, nothing is left to do
    again = solve_multinomial_enet(X, y, w, lam=0.02, coef0=cold.coef, intercept0=cold.intercept,
                                   **kw)
    assert again.n_iter == 0
    np.testing.assert_array_equal(again.coef, cold.coef)
    with pytest.raises(ValueError, match=r"coef0 has shape \(2, 6\).*pass coef0 of shape \(3, 6\)"):
        solve_multinomial_enet(X, y, lam=0.02, coef0=np.zeros((2, 6)))
