"""Diagnostics: bias–variance decompositions (exact identities, known-truth trends, brute-force
references), coefficient paths against per-λ fits, df(λ), weight norms, L1-vs-L2 sparsity."""

import warnings

import numpy as np
import pytest
from joblib import parallel_config
from scipy.stats import spearmanr
from sklearn.base import clone
from sklearn.linear_model import Lasso

from shrinkage import LogisticRegression, MLPClassifier, MLPRegressor, Ridge, RidgeCV
from shrinkage.diagnostics import (
    BiasVarianceResult,
    PathResult,
    bias_variance,
    coefficient_path,
    df_path,
    sparsity_comparison,
    weight_norm_path,
    weight_norms,
)
from shrinkage.diagnostics.losses import log_loss, zero_one


def linear_truth(n=600, p=20, noise=3.0, seed=0):
    rng = np.random.default_rng(seed)
    beta = rng.normal(size=p)
    X = rng.normal(size=(n, p))
    f = X @ beta
    return X, f + noise * rng.normal(size=n), f, beta


def logistic_truth(n=1200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    prob = 1.0 / (1.0 + np.exp(-X @ np.array([2.0, -1.0, 0.5, 0.0, 0.0])))
    y = (rng.random(n) < prob).astype(int)
    return X, y, np.column_stack([1.0 - prob, prob])


class PlainRidge(Ridge):
    """A Ridge subclass: takes the generic clone-and-refit route, not the one-decomposition path."""


class L1(Lasso):
    """sklearn's Lasso in shrinkage's convention: (1/n)Σ(y − ŷ)² + λ‖w‖₁ is alpha = λ/2."""

    def __init__(self, lam=1.0, *, warm_start=False, tol=1e-12, max_iter=100_000):
        super().__init__(alpha=lam / 2, warm_start=warm_start, tol=tol, max_iter=max_iter)
        self.lam = lam

    def fit(self, X, y, **kw):
        self.alpha = self.lam / 2
        return super().fit(X, y, **kw)


# -- squared loss -------------------------------------------------------------------------------
def test_squared_identity_exact():
    """Each documented identity holds to rounding: folded noise, the truth with its cross term,
    and a given noise variance."""
    X, y, f, _ = linear_truth()
    lams = np.geomspace(100, 1e-4, 9)
    kw = dict(n_rounds=15, train_size=40, random_state=1)
    res = bias_variance(Ridge(), X, y, lams, **kw)
    # error = mean Var_D(ŷ) + mean (y − ŷ̄)², the noise folded into bias2
    np.testing.assert_allclose(res.error, res.variance + res.bias2, rtol=1e-12)
    assert np.all(np.isnan(res.noise)) and np.all(np.isnan(res.cross))
    assert res.noise_source == "unknown" and "cross" not in res.extra
    truth = bias_variance(Ridge(), X, y, lams, f_test=f, **kw)
    # error = bias2 + variance + noise + cross, the cross term computed from its own formula
    np.testing.assert_allclose(truth.error, truth.bias2 + truth.variance + truth.noise
                               + truth.extra["cross"], rtol=1e-10)
    assert truth.noise_source == "truth" and np.all(truth.cross == truth.extra["cross"])
    np.testing.assert_allclose(truth.extra["bias2_observed"], res.bias2, rtol=1e-12)  # same draws
    given = bias_variance(Ridge(), X, y, lams, noise=9.0, **kw)
    np.testing.assert_allclose(given.error, given.bias2 + given.variance + given.noise,
                               rtol=1e-10)
    np.testing.assert_allclose(given.bias2, res.bias2 - 9.0, rtol=1e-12)
    assert np.all(given.noise == 9.0) and given.noise_source == "given"
    assert isinstance(res, BiasVarianceResult) and res.lams[0] == 100 and res.n_rounds == 15
    assert given.to_frame().attrs["noise_source"] == "given"


def _replicated_truth(n_x=60, reps=4, p=5, sigma=2.0, seed=0):
    """Test rows that repeat each x ``reps`` times with fresh noise, and a training pool."""
    rng = np.random.default_rng(seed)
    beta = 2.0 * rng.normal(size=p)
    X_te = np.repeat(rng.normal(size=(n_x, p)), reps, axis=0)
    f_te = X_te @ beta
    y_te = f_te + sigma * rng.normal(size=n_x * reps)
    X = rng.normal(size=(300, p))
    return X, X @ beta + sigma * rng.normal(size=300), X_te, y_te, f_te


def test_noise_from_replicated_test_rows_is_the_pooled_within_variance():
    X, y, X_te, y_te, f_te = _replicated_truth()
    lams = np.geomspace(100, 1e-3, 8)
    kw = dict(n_rounds=30, X_test=X_te, y_test=y_te, train_size=30, random_state=2)
    res = bias_variance(Ridge(), X, y, lams, noise="replicates", **kw)
    groups = y_te.reshape(60, 4)
    pooled = np.sum((groups - groups.mean(axis=1, keepdims=True)) ** 2) / (240 - 60)
    np.testing.assert_allclose(res.noise, pooled, rtol=1e-12)
    assert 3.0 < pooled < 5.5                                      # σ² = 4
    np.testing.assert_allclose(res.error, res.bias2 + res.variance + res.noise, rtol=1e-10)
    assert res.noise_source == "replicates"
    # the same draws with the truth: the estimated bias² follows the true one
    truth = bias_variance(Ridge(), X, y, lams, f_test=f_te, **kw)
    np.testing.assert_allclose(res.bias2, truth.extra["bias2_observed"] - pooled, rtol=1e-12)
    assert np.all(np.diff(res.bias2[:4]) < 0)                      # falls with λ, as the truth
    np.testing.assert_allclose(res.bias2[0], truth.bias2[0], rtol=0.05)   # large bias, λ = 100
    np.testing.assert_allclose(res.bias2, truth.bias2, atol=0.5)          # within σ²/8


def test_noise_from_least_squares_on_the_test_set():
    X, y, f, _ = linear_truth(n=400, p=6, seed=4)
    res = bias_variance(Ridge(), X, y, [1.0, 0.01], n_rounds=5, noise="ols", random_state=3,
                        test_size=0.5)
    rng = np.random.default_rng(3)                  # the split bias_variance makes
    test = rng.permutation(400)[:200]
    A = np.column_stack([np.ones(200), X[test]])
    resid = y[test] - A @ np.linalg.lstsq(A, y[test], rcond=None)[0]
    np.testing.assert_allclose(res.noise, resid @ resid / (200 - 7), rtol=1e-10)
    np.testing.assert_allclose(res.error, res.bias2 + res.variance + res.noise, rtol=1e-10)
    assert res.noise_source == "ols" and 6.0 < res.noise[0] < 12.5        # σ² = 9


def test_noise_argument_errors():
    X, y, f, _ = linear_truth(n=100, p=3)
    with pytest.raises(ValueError, match="not both"):
        bias_variance(Ridge(), X, y, [1.0], n_rounds=2, f_test=f, noise=1.0)
    with pytest.raises(ValueError, match="every test row is distinct"):
        bias_variance(Ridge(), X, y, [1.0], n_rounds=2, noise="replicates")
    with pytest.raises(ValueError, match=">= 0"):
        bias_variance(Ridge(), X, y, [1.0], n_rounds=2, noise=-1.0)
    with pytest.raises(ValueError, match="'replicates' or 'ols'"):
        bias_variance(Ridge(), X, y, [1.0], n_rounds=2, noise="guess")
    with pytest.raises(ValueError, match="squared loss"):
        bias_variance(LogisticRegression(), X, (y > 0).astype(int), [1.0], n_rounds=2,
                      loss="zero_one", noise=0.1)


def _pair(X, y, it):
    idx = next(it)
    return X[idx], y[idx]


def test_squared_terms_equal_reference():
    """Training sets supplied by a callable, the test set fixed: every term recomputed from
    per-λ Ridge fits, including the cross term 2·mean((y − f)(f − ŷ̄))."""
    X, y, f, _ = linear_truth(n=300, p=6, seed=3)
    X_te, y_te, f_te = X[200:], y[200:], f[200:]
    rng = np.random.default_rng(0)
    sets = [rng.choice(200, 50, replace=True) for _ in range(7)]
    it = iter(sets)
    lams = np.array([3.0, 0.1, 0.0])
    est = Ridge(standardize=False)
    res = bias_variance(est, X[:200], y[:200], lams, n_rounds=7, X_test=X_te, y_test=y_te,
                        f_test=f_te, sampling=lambda _rng: _pair(X, y, it))
    for li, lam in enumerate(lams):
        P = np.array([clone(est).set_params(lam=lam).fit(X[i], y[i]).predict(X_te) for i in sets])
        mean = P.mean(axis=0)
        np.testing.assert_allclose(res.error[li], np.mean((P - y_te) ** 2), rtol=1e-9)
        np.testing.assert_allclose(res.variance[li], np.mean(P.var(axis=0)), rtol=1e-9)
        np.testing.assert_allclose(res.bias2[li], np.mean((mean - f_te) ** 2), rtol=1e-9)
        np.testing.assert_allclose(res.noise[li], np.mean((y_te - f_te) ** 2), rtol=1e-12)
        cross = 2 * np.mean((y_te - f_te) * (f_te - mean))
        np.testing.assert_allclose(res.cross[li], cross, rtol=1e-7, atol=1e-9)
    assert res.sampling == "callable"


def test_variance_falls_and_bias_rises_with_lam():
    X, y, f, _ = linear_truth(n=2000, seed=0)
    lams = np.geomspace(100, 1e-4, 25)
    res = bias_variance(Ridge(), X, y, lams, n_rounds=30, test_size=0.75, train_size=40,
                        f_test=f, random_state=0)
    assert spearmanr(res.lams, res.variance).statistic < -0.95
    assert spearmanr(res.lams, res.bias2).statistic > 0.99
    assert res.variance[-1] > 10 * res.variance[0] and res.bias2[0] > 10 * res.bias2[-1]
    # the noise is that of the data (σ = 3), the same for every λ
    assert np.ptp(res.noise) == 0 and 8.0 < res.noise[0] < 10.0
    # bias² + variance + noise ≈ error: the cross term averages out over 1500 test points
    np.testing.assert_allclose(res.bias2 + res.variance + res.noise, res.error, rtol=0.05)
    # the best λ is interior: the trade-off
    assert res.lams[-1] < res.lam_best < res.lams[0]


def test_fresh_draws_from_the_truth():
    """Training sets drawn from the data distribution itself (a sampling callable)."""
    rng0 = np.random.default_rng(5)
    beta = rng0.normal(size=10)

    def draw(rng, n=30):
        X = rng.normal(size=(n, 10))
        return X, X @ beta + rng.normal(size=n)

    X_te, y_te = draw(np.random.default_rng(6), 3000)
    res = bias_variance(Ridge(), X_te, y_te, [10.0, 1.0, 0.1, 0.01], n_rounds=40,
                        X_test=X_te, y_test=y_te, f_test=lambda Z: Z @ beta, sampling=draw,
                        random_state=0)
    assert np.all(np.diff(res.variance) > 0) and np.all(np.diff(res.bias2) < 0)
    np.testing.assert_allclose(res.noise, 1.0, rtol=0.05)
    np.testing.assert_allclose(res.bias2 + res.variance + res.noise, res.error, rtol=0.02)


def test_ridge_fast_path_equals_generic_refits():
    X, y, f, _ = linear_truth(n=200, p=8, seed=2)
    lams = np.geomspace(10, 1e-3, 6)
    kw = dict(n_rounds=6, f_test=f, random_state=4, sampling="subsample")
    fast = bias_variance(Ridge(penalty_factor=[0] + [1] * 7), X, y, lams, **kw)
    slow = bias_variance(PlainRidge(penalty_factor=[0] + [1] * 7), X, y, lams, **kw)
    for name in ("error", "bias2", "variance", "noise"):
        np.testing.assert_allclose(getattr(fast, name), getattr(slow, name), rtol=1e-8)


def test_paired_draws_and_reproducible():
    X, y, _, _ = linear_truth(n=150, p=5)
    a = bias_variance(Ridge(), X, y, [1.0, 0.01], n_rounds=5, random_state=7)
    b = bias_variance(Ridge(), X, y, [0.01], n_rounds=5, random_state=7)
    with parallel_config("threading"):      # no process start-up in the test
        c = bias_variance(Ridge(), X, y, [1.0, 0.01], n_rounds=5, random_state=7, n_jobs=2)
    # the same draws whatever the rest of the grid
    np.testing.assert_allclose(a.error[1], b.error[0], rtol=1e-12)
    np.testing.assert_allclose(a.error, c.error, rtol=1e-12)
    frame = a.to_frame()
    assert list(frame.columns) == ["lam", "error", "bias2", "variance", "noise"]
    assert frame.attrs["loss"] == "squared" and len(frame) == 2


# -- 0-1 loss (Domingos) ------------------------------------------------------------------------
def test_zero_one_by_hand():
    # 4 draws, 3 test points, classes {0, 1, 2}; y* = observed y = [0, 1, 2]
    P = np.array([[0, 0, 1], [0, 1, 1], [0, 2, 1], [1, 1, 0]])
    out = zero_one(P, np.array([0, 1, 2]), n_classes=3)
    # point 0: main 0 = y*, V = 1/4. point 1: main 1 = y*, V = 1/2 (two of four differ).
    # point 2: main 1 ≠ y* = 2: biased, V = 1/4, P(ŷ = y*) = 0 → net contribution 0
    assert out["bias2"] == pytest.approx(1 / 3)
    assert out["variance_total"] == pytest.approx((0.25 + 0.5 + 0.25) / 3)
    assert out["variance_unbiased"] == pytest.approx(0.75 / 3)
    assert out["variance_biased"] == pytest.approx(0.25 / 3)
    assert out["variance"] == pytest.approx(0.75 / 3)
    assert out["error"] == pytest.approx((0.25 + 0.5 + 1.0) / 3)
    assert out["error"] == pytest.approx(out["bias2"] + out["variance"])


def test_zero_one_identities_logistic():
    X, y, probs = logistic_truth()
    lams = np.geomspace(10, 1e-4, 6)
    kw = dict(n_rounds=12, test_size=0.6, train_size=60, loss="zero_one", random_state=0)
    plain = bias_variance(LogisticRegression(), X, y, lams, **kw)
    np.testing.assert_allclose(plain.error, plain.bias2 + plain.variance, rtol=1e-12)
    # two classes: net variance = unbiased − biased variance
    np.testing.assert_allclose(plain.variance, plain.extra["variance_unbiased"]
                               - plain.extra["variance_biased"], atol=1e-15)
    truth = bias_variance(LogisticRegression(), X, y, lams, f_test=probs[:, 1] > 0.5, **kw)
    # optimal labels known: error = bias + net variance + c₁N exactly for the observed labels
    np.testing.assert_allclose(truth.error, truth.bias2 + truth.variance + truth.noise,
                               rtol=1e-12)
    prob = bias_variance(LogisticRegression(), X, y, lams, f_test=probs, **kw)
    np.testing.assert_allclose(prob.extra["error_expected"],
                               prob.bias2 + prob.variance + prob.noise, rtol=1e-12)
    assert np.all(np.abs(prob.cross) < 0.03)       # measured vs expected over y
    assert 0.15 < prob.extra["bayes_error"][0] < 0.3
    # strong shrinkage: the main prediction drifts from the Bayes rule, bias up
    assert prob.bias2[0] > prob.bias2[3]


# -- log loss (Heskes) ---------------------------------------------------------------------------
def test_log_loss_by_hand():
    q = np.array([[0.8, 0.2], [0.3, 0.7]])
    same = np.stack([q, q, q])                       # every draw predicts the same: variance 0
    out = log_loss(same, np.array([0, 0]), None)
    assert out["variance"] == pytest.approx(0.0, abs=1e-15)
    assert out["bias2"] == pytest.approx(-np.mean(np.log([0.8, 0.3])))
    two = np.array([[[0.9, 0.1]], [[0.5, 0.5]]])     # one point, two draws
    out = log_loss(two, np.array([1]), None)
    g = np.log([[0.9, 0.1], [0.5, 0.5]]).mean(axis=0)
    main = np.exp(g) / np.exp(g).sum()
    kl = np.mean([np.sum(main * np.log(main / d)) for d in ([0.9, 0.1], [0.5, 0.5])])
    assert out["variance"] == pytest.approx(kl, rel=1e-12)
    assert out["bias2"] == pytest.approx(-np.log(main[1]), rel=1e-12)
    assert out["error"] == pytest.approx(-np.mean(np.log([0.1, 0.5])), rel=1e-12)


def test_log_loss_identities_logistic():
    X, y, probs = logistic_truth()
    lams = np.geomspace(10, 1e-4, 6)
    kw = dict(n_rounds=12, test_size=0.6, train_size=60, loss="log", random_state=0)
    plain = bias_variance(LogisticRegression(), X, y, lams, **kw)
    np.testing.assert_allclose(plain.error, plain.bias2 + plain.variance, rtol=1e-12)
    res = bias_variance(LogisticRegression(), X, y, lams, f_test=probs, **kw)
    np.testing.assert_allclose(res.extra["error_expected"], res.bias2 + res.variance + res.noise,
                               rtol=1e-12)
    assert np.all(np.abs(res.cross) < 0.05)
    assert np.all(res.variance >= 0) and np.all(res.bias2 >= 0)
    assert spearmanr(res.lams, res.variance).statistic < -0.9   # variance falls as λ grows
    assert res.bias2[0] > 5 * res.bias2[3]
    with pytest.raises(ValueError, match="probabilities"):
        bias_variance(LogisticRegression(), X, y, lams, f_test=probs[:, 1] > 0.5, **kw)


def test_network_smoke():
    X, y, _ = logistic_truth(n=200)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for loss in ("zero_one", "log"):
            res = bias_variance(MLPClassifier((8,), max_epochs=10), X, y, [1.0, 1e-4],
                                n_rounds=3, loss=loss, random_state=0)
            assert np.all(np.isfinite(res.error))
            np.testing.assert_allclose(res.error, res.bias2 + res.variance, rtol=1e-12)
        reg = bias_variance(MLPRegressor((8,), max_epochs=10), X, X[:, 0] - X[:, 1],
                            [1.0, 1e-4], n_rounds=3, random_state=0)
        assert np.all(reg.variance > 0)


def test_bias_variance_errors():
    X, y, _, _ = linear_truth(n=50, p=3)
    with pytest.raises(ValueError, match="loss"):
        bias_variance(Ridge(), X, y, [1.0], loss="hinge")
    with pytest.raises(ValueError, match="n_rounds"):
        bias_variance(Ridge(), X, y, [1.0], n_rounds=1)
    with pytest.raises(TypeError, match="array of λ"):
        bias_variance(Ridge(), X, y, 10)
    with pytest.raises(ValueError, match="lams"):
        bias_variance(Ridge(), X, y, [-1.0])
    with pytest.raises(ValueError, match="without y_test"):
        bias_variance(Ridge(), X, y, [1.0], X_test=X)
    with pytest.raises(ValueError, match="sampling"):
        bias_variance(Ridge(), X, y, [1.0], sampling="jackknife")
    with pytest.raises(ValueError, match="test_size"):
        bias_variance(Ridge(), X, y, [1.0], test_size=1.0)


# -- paths ----------------------------------------------------------------------------------------
@pytest.mark.parametrize("kw", [{}, {"standardize": False}, {"fit_intercept": False},
                                {"penalty_factor": [0, 1, 2, 1, 1]}])
def test_ridge_path_equals_fits(kw):
    rng = np.random.default_rng(1)
    X = rng.normal(size=(40, 5)) * [1, 2, 3, 4, 5] + 1
    y = X @ rng.normal(size=5) + rng.normal(size=40)
    lams = [10.0, 0.3, 0.01, 0.0]
    path = coefficient_path(Ridge(**kw), X, y, lams)
    assert path.coef.shape == (4, 5) and path.feature_names == [f"x{j}" for j in range(5)]
    for i, lam in enumerate(path.lams):
        m = Ridge(lam=lam, **kw).fit(X, y)
        np.testing.assert_allclose(path.coef[i], m.coef_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(path.intercept[i], m.intercept_, rtol=1e-8, atol=1e-10)
        np.testing.assert_allclose(path.df[i], m.df_, rtol=1e-8)


def test_ridgecv_settings_and_multitarget():
    rng = np.random.default_rng(2)
    X, Y = rng.normal(size=(30, 4)), rng.normal(size=(30, 2))
    path = coefficient_path(RidgeCV(standardize=False), X, Y, [1.0, 0.1])
    assert path.coef.shape == (2, 2, 4) and path.intercept.shape == (2, 2)
    np.testing.assert_allclose(path.coef[1], Ridge(lam=0.1, standardize=False).fit(X, Y).coef_,
                               rtol=1e-8)
    assert list(path.to_frame().columns[:3]) == ["lam", "df", "0:x0"]


def test_df_path_is_the_trace_of_the_hat_matrix():
    rng = np.random.default_rng(3)
    X = rng.normal(size=(25, 6))
    y = rng.normal(size=25)
    lams = np.array([5.0, 0.5, 0.05])
    Z = X - X.mean(axis=0)
    Z = Z / Z.std(axis=0)
    d2 = np.linalg.svd(Z, compute_uv=False) ** 2
    expected = [np.sum(d2 / (d2 + 25 * lam)) for lam in lams]
    np.testing.assert_allclose(df_path(Ridge(), X, y, lams), expected, rtol=1e-10)


def test_generic_path_logistic_and_warm_started_lasso():
    X, y, _ = logistic_truth(n=200)
    path = coefficient_path(LogisticRegression(), X, y, [1.0, 0.01])
    assert path.coef.shape == (2, 5)
    np.testing.assert_allclose(path.coef[1], LogisticRegression(lam=0.01).fit(X, y).coef_[0],
                               rtol=1e-6)
    # binary L2 logistic: df = trace of the hat matrix of the last IRLS step, n × n
    for i, lam in enumerate(path.lams):
        m = LogisticRegression(lam=lam).fit(X, y)
        w = m.predict_proba(X)[:, 1] * (1 - m.predict_proba(X)[:, 1]) / len(y)
        A = np.c_[np.ones(len(y)), X]
        pen = np.diag(np.r_[0.0, 2 * lam * X.var(axis=0)])
        hat = A @ np.linalg.solve(A.T @ (w[:, None] * A) + pen, (w[:, None] * A).T)
        np.testing.assert_allclose(path.df[i], np.trace(hat) - 1, rtol=1e-6)
    assert 0 < path.df[0] < path.df[1] < 5
    # without df_ and not logistic: the number of non-zeros
    np.testing.assert_array_equal(coefficient_path(L1(), X, X.sum(axis=1), [10.0, 1e-4]).df,
                                  [0, 5])
    yr = X[:, 0] - 2 * X[:, 1] + 0.1 * np.random.default_rng(0).normal(size=200)
    lams = np.geomspace(2, 1e-3, 8)
    warm = coefficient_path(L1(), X, yr, lams)
    cold = coefficient_path(L1(), X, yr, lams, warm_start=False)
    np.testing.assert_allclose(warm.coef, cold.coef, atol=1e-8)
    assert np.count_nonzero(warm.coef[0]) < np.count_nonzero(warm.coef[-1])
    with pytest.raises(TypeError, match="weight_norm_path"):
        coefficient_path(MLPRegressor((4,), max_epochs=2), X, yr, [1.0])
    with pytest.raises(TypeError, match="callable"):
        coefficient_path(Lasso(), X, yr, [1.0])


def test_weight_norms_history_and_path():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 3))
    y = X.sum(axis=1)
    net = MLPRegressor((6,), lam=0.01, max_epochs=7, random_state=0).fit(X, y)
    norms = weight_norms(net)
    assert norms.shape == (7, 2)
    np.testing.assert_allclose(norms[-1], [np.linalg.norm(W) for W in net.coefs_], rtol=1e-6)
    np.testing.assert_array_equal(norms, weight_norms(net.history_))
    with pytest.raises(TypeError, match="history"):
        weight_norms({"loss": [1.0]})
    base = MLPRegressor((6,), max_epochs=40, learning_rate=1e-2, random_state=0)
    path = weight_norm_path(base, X, y, [1.0, 0.1, 0.0])
    assert path.shape == (3, 2) and np.all(np.diff(path, axis=0) > 0)   # larger λ, smaller W
    lin = weight_norm_path(Ridge(), X, y, [10.0, 0.0])
    assert lin.shape == (2, 1) and lin[0, 0] < lin[1, 0]


def test_sparsity_comparison_l1_vs_l2():
    rng = np.random.default_rng(4)
    X = rng.normal(size=(120, 8))
    y = X[:, 0] + 0.5 * X[:, 1] + 0.1 * rng.normal(size=120)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    lam_max = 2 * np.max(np.abs(Xc.T @ yc)) / len(y)        # smallest λ with w = 0 for λ|w|
    lams = np.r_[1.01 * lam_max, np.geomspace(0.5 * lam_max, 1e-4, 6)]
    res = sparsity_comparison(X, y, lams, {"L2": Ridge(standardize=False),
                                           "L1": L1(),
                                           "L1 callable": lambda lam: L1(lam=lam).fit(X, y)})
    assert res.n_nonzero["L1"][0] == 0 and np.all(res.n_nonzero["L2"] == 8)
    assert np.all(np.diff(res.n_nonzero["L1"]) >= 0)         # λ falls, more features enter
    np.testing.assert_array_equal(res.n_nonzero["L1"], res.n_nonzero["L1 callable"])
    np.testing.assert_allclose(res.l1_norm["L2"], np.abs(res.paths["L2"].coef).sum(axis=1))
    np.testing.assert_allclose(res.l2_norm["L1"], np.linalg.norm(res.paths["L1"].coef, axis=1))
    assert isinstance(res.paths["L2"], PathResult)
    frame = res.to_frame()
    assert len(frame) == 3 * lams.size and set(frame["estimator"]) == {"L2", "L1", "L1 callable"}
    with pytest.raises(ValueError, match="empty"):
        sparsity_comparison(X, y, lams, {})


def test_bias_variance_with_only_a_sampling_callable_and_a_test_set():
    from shrinkage import Ridge
    from shrinkage.diagnostics import bias_variance
    rng = np.random.default_rng(0)
    w = rng.normal(size=5)
    X_te = rng.normal(size=(200, 5))
    f = X_te @ w

    def draw(r):
        X = r.normal(size=(30, 5))
        return X, X @ w + r.normal(size=30)

    res = bias_variance(Ridge(), None, None, [10.0, 0.01], n_rounds=20, X_test=X_te,
                        y_test=f + rng.normal(size=200), f_test=f, sampling=draw, random_state=0)
    assert res.variance[0] < res.variance[1] and res.bias2[0] > res.bias2[1]
    with pytest.raises(ValueError, match="X and y are needed"):
        bias_variance(Ridge(), None, None, [1.0], n_rounds=3)


@pytest.mark.parametrize("make", [lambda: __import__("shrinkage").Lasso(tol=1e-10),
                                  lambda: __import__("shrinkage").ElasticNet(tol=1e-10),
                                  lambda: __import__("shrinkage").Lasso(tol=1e-10, relax=True),
                                  lambda: __import__("shrinkage").ElasticNetCV(tol=1e-10)])
def test_the_elastic_net_path_is_one_warm_path_equal_to_a_fit_per_lambda(make):
    """Issue 11: coefficient_path refitted from scratch (a Gram matrix per λ); now one
    problem and one screened path, with the coefficients of separate fits."""
    from sklearn.base import clone

    from shrinkage.diagnostics import coefficient_path
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 20))
    y = X[:, :3] @ [2.0, -1.0, 1.0] + rng.normal(size=300)
    lams = np.r_[np.geomspace(1.0, 1e-3, 14), 0.5]       # not sorted: path.lams is
    est = make()
    path = coefficient_path(est, X, y, lams)
    from shrinkage.linear_model import single_lam_estimator
    one = single_lam_estimator(est)
    for k, lam in enumerate(path.lams):
        ref = clone(one).set_params(lam=float(lam)).fit(X, y)
        np.testing.assert_allclose(path.coef[k], ref.coef_, rtol=0, atol=1e-8)
        assert path.intercept[k] == pytest.approx(ref.intercept_, abs=1e-8)
        assert path.df[k] == np.count_nonzero(ref.coef_)
