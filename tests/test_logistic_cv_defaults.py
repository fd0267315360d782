"""LogisticRegressionCV's fast defaults (issue 11): the early exit down the grid chooses what
the whole grid chooses, warm-started fold fits meet their certificate at ``cv_tol``, the refit
equals scikit-learn at the converted strength, and ``compute_df`` at the chosen λ is the
direct formula."""

import numpy as np
import pytest
from sklearn.linear_model import LogisticRegression as SkLogistic

from shrinkage.linear_model import LogisticRegressionCV
from shrinkage.solvers.objective import logistic_effective_df, logistic_objective
from shrinkage.solvers.smooth import solve_smooth, solve_smooth_path


def data(K=2, n=300, p=30, seed=0, signal=0.4):
    """Few informative columns among many: the CV curve turns well inside the grid."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3, p) + rng.normal(size=p)
    W = np.zeros((K, p))
    W[:, :3] = rng.normal(scale=signal * 3, size=(K, 3))
    eta = (X - X.mean(0)) / X.std(0) @ W.T
    P = np.exp(eta - eta.max(1, keepdims=True))
    P /= P.sum(1, keepdims=True)
    return X, (P.cumsum(1) > rng.uniform(size=(n, 1))).argmax(1)


def direct_df(X, W, b, lam):
    """tr(H (H + P)⁺) − c from the definition (A = [1, X], population sd)."""
    n, p = X.shape
    W = np.atleast_2d(W)
    eta = X @ W.T + b
    K = W.shape[0]
    if K == 1:
        pr = 1 / (1 + np.exp(-eta[:, 0]))
        S = [np.array([[q * (1 - q)]]) for q in pr]
    else:
        P = np.exp(eta - eta.max(1, keepdims=True))
        P /= P.sum(1, keepdims=True)
        S = [np.diag(q) - np.outer(q, q) for q in P]
    A = np.column_stack([np.ones(n), X])
    H = sum(np.kron(s, np.outer(a, a)) for s, a in zip(S, A)) / n
    Pen = np.kron(np.eye(K), np.diag(np.r_[0.0, 2 * lam * X.std(axis=0) ** 2]))
    return np.trace(np.linalg.pinv(H + Pen) @ H) - (1 if K == 1 else K - 1)


@pytest.mark.parametrize("K, p, seed", [(2, 60, 2), (3, 30, 0)])
@pytest.mark.parametrize("rule", ["min", "1se"])
def test_early_exit_chooses_what_the_whole_grid_chooses(K, p, seed, rule):
    X, y = data(K, p=p, seed=seed, signal=0.1)
    full = LogisticRegressionCV(lams=30, cv=4, rule=rule, early_stopping=False).fit(X, y)
    early = LogisticRegressionCV(lams=30, cv=4, rule=rule).fit(X, y)
    n = len(early.cv_results_["lam"])
    assert len(full.cv_results_["lam"]) == 30
    assert n < 30                                   # the curve turned: the walk stopped early
    np.testing.assert_array_equal(early.cv_results_["lam"], full.cv_results_["lam"][:n])
    assert early.lam_ == full.lam_
    assert early.lam_min_ == full.lam_min_ and early.lam_1se_ == full.lam_1se_
    np.testing.assert_allclose(early.coef_, full.coef_, rtol=1e-7, atol=1e-10)
    assert early.cv_results_["n_iter"].shape == (n, 4)
    # the stretches restart each fold's Newton iterations (its warm start is kept): the
    # scores are those of the whole walk, to the fold tolerance
    kw = dict(lams=30, cv=4, rule=rule, cv_tol=1e-10)
    a = LogisticRegressionCV(**kw).fit(X, y).cv_results_
    b = LogisticRegressionCV(early_stopping=False, **kw).fit(X, y).cv_results_
    np.testing.assert_allclose(a["fold_scores"], b["fold_scores"][:len(a["lam"])], rtol=0,
                               atol=1e-9)


def test_early_exit_is_off_for_a_callable_rule_and_the_walk_stops_after_the_turn():
    X, y = data(2, p=60, seed=4, signal=0.1)
    m = LogisticRegressionCV(lams=30, cv=4, rule=lambda r: int(np.argmax(r["mean_score"])))
    assert len(m.fit(X, y).cv_results_["lam"]) == 30
    early = LogisticRegressionCV(lams=30, cv=4).fit(X, y)
    r = early.cv_results_
    best, mean = int(np.argmax(r["mean_score"])), r["mean_score"]
    # the last three λ all lie more than one standard error below the best
    assert np.all(mean[-3:] < mean[best] - r["se_score"][best])


def test_an_edge_extension_still_happens_with_the_early_exit():
    # plenty of signal and rows: the best λ lies below the automatic grid's four decades
    X, y = data(2, n=4000, p=5, seed=3, signal=2.0)
    m = LogisticRegressionCV(lams=10, cv=3).fit(X, y)
    lams = m.cv_results_["lam"]
    top = lams[0]
    assert lams.min() < top * 1e-4 * 0.99               # extended past 1e-4·top
    assert np.all(np.diff(lams) < 0)
    assert m.lam_ != lams.min() or len(lams) >= 10 + 3 * 4   # interior, or extensions spent


@pytest.mark.parametrize("K", [2, 3])
@pytest.mark.parametrize("tol", [1e-4, 1e-6])
def test_warm_started_fold_paths_meet_their_certificate_at_tol(K, tol):
    X, y = data(K, n=400, p=12, seed=7)
    Y = y.astype(float) if K == 2 else np.eye(K)[y]
    obj = logistic_objective(X, Y, None, 1.0, None, True, True)
    lams = np.geomspace(10.0, 1e-5, 25)
    path = solve_smooth_path(obj, lams, tol=tol, warn=False)
    for lam, r in zip(lams, path):
        obj.set_lam(lam)
        g = obj.gradient(r.theta)          # recomputed here, not the solver's own number
        assert r.converged and np.max(np.abs(g)) <= tol
        assert r.grad_max == pytest.approx(np.max(np.abs(g)), rel=1e-6, abs=1e-15)
        cold = solve_smooth(obj, tol=1e-12)
        # |θ − θ*| ≤ |g| / μ with μ ≥ 2·min π (the penalty's curvature)
        bound = tol / (2 * lam * np.min(obj.f / obj.s ** 2))
        q = obj.K * obj.p
        assert np.max(np.abs(r.theta[:q] - cold.theta[:q])) <= bound


def test_fold_paths_use_cv_tol_and_the_refit_tol():
    X, y = data(2, n=300, p=8, seed=9)
    m = LogisticRegressionCV(lams=8, cv=3, cv_tol=1e-3, tol=1e-10).fit(X, y)
    S = len(y)
    ref = SkLogistic(C=1 / (2 * m.lam_ * S), tol=1e-13, max_iter=10000,
                     solver="newton-cg").fit((X - X.mean(0)) / X.std(0), y)
    # the refit is at tol=1e-10 whatever the folds' tolerance
    np.testing.assert_allclose(m.coef_[0] * X.std(0), ref.coef_[0], rtol=1e-6, atol=1e-9)
    with pytest.raises(ValueError, match="cv_tol must be a positive number"):
        LogisticRegressionCV(cv_tol=0.0).fit(X, y)


@pytest.mark.parametrize("K", [2, 3])
def test_refit_equals_sklearn_at_the_converted_strength(K):
    X, y = data(K, n=250, p=6, seed=11)
    m = LogisticRegressionCV(lams=12, cv=3, standardize=False, tol=1e-10).fit(X, y)
    S = len(y)
    sk = SkLogistic(C=1 / (2 * m.lam_ * S), tol=1e-13, max_iter=10000,
                    solver="newton-cg").fit(X, y)
    coef, icpt = sk.coef_, sk.intercept_
    if K > 2:                                    # sum-to-zero over classes, as ours
        icpt = icpt - icpt.mean()
    np.testing.assert_allclose(m.coef_, coef, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(m.intercept_, icpt, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("K", [2, 3])
def test_compute_df_at_the_chosen_lam_is_the_direct_formula(K):
    X, y = data(K, n=200, p=5, seed=13)
    m = LogisticRegressionCV(lams=10, cv=3, compute_df=True).fit(X, y)
    r = m.cv_results_
    i = r.index
    assert m.lam_ == r["lam"][i]
    ref = direct_df(X, m.coef_, m.intercept_, m.lam_)
    assert r["df"][i] == pytest.approx(ref, rel=1e-8)
    assert r["df"][i] == pytest.approx(
        logistic_effective_df(X, m.coef_, m.intercept_, m.lam_), rel=1e-10)
    # along the grid: the df of the all-data path at cv_tol (1e-5)
    assert np.all(np.isfinite(r["df"])) and np.all(np.diff(r["df"]) > -1e-6)
    off = LogisticRegressionCV(lams=10, cv=3).fit(X, y)
    assert np.all(np.isnan(off.cv_results_["df"]))
    assert off.lam_ == m.lam_
