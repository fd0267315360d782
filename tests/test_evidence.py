"""Evidence (empirical Bayes) λ: ridge exact, logistic Laplace (shrinkage.selection.evidence)."""

import numpy as np
import pytest
import scipy.linalg as sla
from scipy import integrate
from scipy.optimize import minimize_scalar
from scipy.special import log_expit
from scipy.stats import multivariate_normal
from sklearn.linear_model import BayesianRidge

from shrinkage import LogisticRegression, LogisticRegressionCV, RidgeCV
from shrinkage.selection.evidence import (logistic_evidence_lam, logistic_log_evidence,
                                          ridge_evidence_lam, ridge_log_evidence)
from shrinkage.solvers.ridge import RidgeProblem, decompose


# -- ridge: brute force -----------------------------------------------------------------------
def _brute_ridge(X, y, s, lams, sigma2, fit_intercept, standardize, pf):
    """log density of the error contrasts Lᵀy, L = √s ⊙ K (K ⊥ whitened [1, X_u]), under the
    marginal covariance σ²(diag(1/s) + X̃X̃ᵀ/(Sλ)), X̃ the penalized columns / (sd √f)."""
    n, p = X.shape
    sw = s / s.sum()
    centre = sw @ X                  # the centred sd, with or without an intercept
    sd = np.sqrt(sw @ (X - centre) ** 2) if standardize else np.ones(p)
    A = ([np.ones(n)] if fit_intercept else []) + [X[:, j] for j in np.flatnonzero(pf == 0)]
    rs = np.sqrt(s)
    K = sla.null_space((rs[:, None] * np.column_stack(A)).T) if A else np.eye(n)
    L = rs[:, None] * K
    pen = np.flatnonzero(pf > 0)
    Xt = X[:, pen] / (sd[pen] * np.sqrt(pf[pen]))
    out = []
    for lam in lams:
        C = sigma2 * (np.diag(1.0 / s) + Xt @ Xt.T / (s.sum() * lam))
        out.append(multivariate_normal(np.zeros(L.shape[1]), L.T @ C @ L).logpdf(L.T @ y))
    return np.array(out)


def _small_problem(seed=0, n=14):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, 4)) * [1.0, 2.0, 3.0, 0.5] + [1.0, 0.0, -2.0, 3.0]
    y = X @ [1.0, -1.0, 0.5, 0.0] + rng.standard_normal(n) + 2.0
    s = rng.uniform(0.5, 2.0, n)
    return X, y, s


@pytest.mark.parametrize("fit_intercept", [True, False])
@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("pf", [None, [1.0, 0.0, 2.0, 0.5]])
def test_ridge_evidence_equals_brute_force(fit_intercept, standardize, pf):
    X, y, s = _small_problem()
    pfa = np.ones(4) if pf is None else np.array(pf)
    dec = decompose(RidgeProblem.build(X, y, s, fit_intercept=fit_intercept,
                                       standardize=standardize, penalty_factor=pf))
    lams = np.array([1e-4, 1e-2, 0.3, 10.0])
    ours = ridge_log_evidence(dec, lams, sigma2=0.7)
    brute = _brute_ridge(X, y, s, lams, 0.7, fit_intercept, standardize, pfa)
    np.testing.assert_allclose(ours, brute, rtol=0, atol=1e-8)


def test_ridge_profiled_sigma2_is_the_brute_force_maximizer():
    X, y, s = _small_problem(1)
    dec = decompose(RidgeProblem.build(X, y, s))
    lam, info = ridge_evidence_lam(dec, [0.05, 0.01])  # any λ; use its σ̂²
    one = np.ones(4)
    res = minimize_scalar(lambda t: -_brute_ridge(X, y, s, [lam], np.exp(t), True, True, one)[0],
                          bounds=(-5, 5), method="bounded", options={"xatol": 1e-9})
    assert info["sigma2"][0] == pytest.approx(np.exp(res.x), rel=1e-6)
    assert ridge_log_evidence(dec, [lam])[0] == pytest.approx(-res.fun, abs=1e-8)


@pytest.mark.parametrize("method", ["eigh", "svd"])
def test_ridge_evidence_more_features_than_rows(method):
    rng = np.random.default_rng(2)
    X = rng.standard_normal((10, 25))
    y = X[:, 0] + rng.standard_normal(10)
    dec = decompose(RidgeProblem.build(X, y, standardize=False), method=method)
    lams = np.array([1e-6, 1e-3, 0.1, 10.0])
    brute = _brute_ridge(X, y, np.ones(10), lams, 0.5, True, False, np.ones(25))
    np.testing.assert_allclose(ridge_log_evidence(dec, lams, sigma2=0.5), brute, atol=1e-8)
    # profiled: finite everywhere, even where the fit interpolates (Q → 0 as λ → 0)
    assert np.all(np.isfinite(ridge_log_evidence(dec, lams)))


# -- ridge: invariances and edge cases --------------------------------------------------------
def test_ridge_evidence_zero_weights_drop_rows_and_rescaling_changes_nothing():
    X, y, s = _small_problem(3, n=30)
    s[:5] = 0.0
    lams = [0.01, 0.1, 1.0]
    a = ridge_log_evidence(decompose(RidgeProblem.build(X, y, s)), lams)
    b = ridge_log_evidence(decompose(RidgeProblem.build(X[5:], y[5:], s[5:])), lams)
    np.testing.assert_allclose(a, b, atol=1e-9)
    lam1, _ = ridge_evidence_lam(decompose(RidgeProblem.build(X, y, s)))
    lam2, _ = ridge_evidence_lam(decompose(RidgeProblem.build(X, y, 7.5 * s)))
    assert lam2 == pytest.approx(lam1, rel=1e-6)


def test_ridge_evidence_is_invariant_to_feature_units_when_standardizing():
    X, y, _ = _small_problem(4, n=40)
    lams = [1e-3, 0.1]
    a = ridge_log_evidence(decompose(RidgeProblem.build(X, y)), lams)
    b = ridge_log_evidence(decompose(RidgeProblem.build(X * [10.0, 0.1, 3.0, 1.0] + 5.0, y)), lams)
    np.testing.assert_allclose(a, b, atol=1e-9)


def test_ridge_evidence_several_targets_add_up():
    X, y, _ = _small_problem(5, n=40)
    Y = np.column_stack([y, 2 * y + np.random.default_rng(0).standard_normal(40)])
    lams = [0.01, 0.1]
    per = ridge_log_evidence(decompose(RidgeProblem.build(X, Y)), lams, per_target=True)
    for j in range(2):
        np.testing.assert_allclose(per[:, j],
                                   ridge_log_evidence(decompose(RidgeProblem.build(X, Y[:, j])), lams),
                                   atol=1e-10)
    np.testing.assert_allclose(ridge_log_evidence(decompose(RidgeProblem.build(X, Y)), lams),
                               per.sum(axis=1), atol=1e-10)


def test_ridge_evidence_lam_is_the_continuous_maximizer():
    X, y, s = _small_problem(6, n=60)
    dec = decompose(RidgeProblem.build(X, y, s))
    lam, info = ridge_evidence_lam(dec, np.geomspace(10, 1e-5, 13))
    assert not info["on_edge"]
    assert info["log_evidence_max"] >= info["log_evidence"].max()
    h = 1e-4
    up, mid, down = ridge_log_evidence(dec, lam * np.exp([h, 0.0, -h]))
    assert abs(up - down) / (2 * h) < 1e-4          # stationary in log λ
    assert mid >= max(up, down)
    assert info["log_evidence_max"] == pytest.approx(mid, abs=1e-12)
    # the same maximizer from the default grid
    assert ridge_evidence_lam(dec)[0] == pytest.approx(lam, rel=1e-5)
    # info on the grid, in the order given
    grid = np.array([0.1, 1e-3, 1.0])
    np.testing.assert_allclose(ridge_evidence_lam(dec, grid)[1]["log_evidence"],
                               ridge_log_evidence(dec, grid))


def test_ridge_evidence_without_signal_prefers_infinite_lam():
    rng = np.random.default_rng(7)
    y = rng.standard_normal(50)
    x = rng.standard_normal(50)
    yc, xc = y - y.mean(), x - x.mean()
    x = xc - (xc @ yc) / (yc @ yc) * yc               # a feature orthogonal to y: q = 0
    lam, info = ridge_evidence_lam(decompose(RidgeProblem.build(x[:, None], y)))
    assert info["on_edge"] and lam == pytest.approx(info["lams"].max())


def test_ridge_evidence_errors_and_zero_lam():
    X, y, _ = _small_problem(8)
    dec = decompose(RidgeProblem.build(X, y))
    assert ridge_log_evidence(dec, [0.0, 0.1])[0] == -np.inf
    with pytest.raises(ValueError, match="lams"):
        ridge_log_evidence(dec, [-1.0])
    with pytest.raises(ValueError, match="lams"):
        ridge_evidence_lam(dec, [0.0, 1.0])
    with pytest.raises(ValueError, match="sigma2"):
        ridge_log_evidence(dec, [0.1], sigma2=-1.0)
    with pytest.raises(ValueError, match="fitted exactly"):
        ridge_log_evidence(decompose(RidgeProblem.build(X, np.full(len(y), 3.0))), [0.1])
    Xs = X[:3]
    with pytest.raises(ValueError, match="more rows"):
        ridge_log_evidence(decompose(RidgeProblem.build(Xs, y[:3], penalty_factor=[0, 0, 1, 1])),
                           [0.1])


# -- ridge: scikit-learn BayesianRidge ---------------------------------------------------------
def _br_data():
    rng = np.random.default_rng(3)
    n, p = 80, 6
    X = rng.standard_normal((n, p)) + 1.0
    y = X @ rng.normal(0.0, 1.0, p) + rng.standard_normal(n) + 3.0
    return X, y


def test_ridge_evidence_matches_bayesian_ridge_score():
    """sklearn's score at (alpha_, lambda_) = our log evidence at σ² = 1/alpha_,
    λ = lambda_/(alpha_ n), minus ½ log(2π/alpha_) (it counts the centred data as n
    observations, we as n − 1 contrasts), plus its gamma hyperprior terms."""
    X, y = _br_data()
    n = X.shape[0]
    dec = decompose(RidgeProblem.build(X, y, standardize=False))
    for a, l in [(2.0, 5.0), (0.3, 40.0), (1.5, 0.2)]:
        # max_iter=1: scores_[0] is evaluated at exactly (alpha_init, lambda_init)
        br = BayesianRidge(alpha_init=a, lambda_init=l, max_iter=1, compute_score=True).fit(X, y)
        ours = ridge_log_evidence(dec, [l / (a * n)], sigma2=1.0 / a)[0]
        e = 1e-6   # sklearn's default alpha_1 = alpha_2 = lambda_1 = lambda_2
        hyper = e * np.log(l) - e * l + e * np.log(a) - e * a
        assert br.scores_[0] == pytest.approx(ours - 0.5 * np.log(2 * np.pi / a) + hyper,
                                              rel=1e-10)


def test_ridge_posterior_mean_equals_bayesian_ridge_coef():
    X, y = _br_data()
    n = X.shape[0]
    br = BayesianRidge(max_iter=10000, tol=1e-14).fit(X, y)
    dec = decompose(RidgeProblem.build(X, y, standardize=False))
    coef, intercept = dec.path([br.lambda_ / (br.alpha_ * n)])
    np.testing.assert_allclose(coef[0, 0], br.coef_, rtol=1e-6, atol=1e-10)
    assert intercept[0, 0] == pytest.approx(br.intercept_, rel=1e-6)


def test_ridge_evidence_lam_equals_bayesian_ridge_fixed_point():
    """Without an intercept and with flat hyperpriors sklearn's MacKay fixed point maximizes
    the same evidence jointly over (alpha_, lambda_): our profiled maximizer."""
    X, y = _br_data()
    n = X.shape[0]
    br = BayesianRidge(max_iter=100000, tol=1e-15, fit_intercept=False, alpha_1=0.0,
                       alpha_2=0.0, lambda_1=0.0, lambda_2=0.0).fit(X, y)
    lam, info = ridge_evidence_lam(
        decompose(RidgeProblem.build(X, y, standardize=False, fit_intercept=False)))
    assert lam == pytest.approx(br.lambda_ / (br.alpha_ * n), rel=1e-5)
    assert info["sigma2"][0] == pytest.approx(1.0 / br.alpha_, rel=1e-5)
    assert info["prior_var"][0] == pytest.approx(1.0 / br.lambda_, rel=1e-5)
    # with an intercept sklearn's n (we: n − 1 contrasts) moves the maximizer by O(1/n)
    br1 = BayesianRidge(max_iter=100000, tol=1e-15, alpha_1=0.0, alpha_2=0.0, lambda_1=0.0,
                        lambda_2=0.0).fit(X, y)
    lam1, _ = ridge_evidence_lam(decompose(RidgeProblem.build(X, y, standardize=False)))
    assert lam1 == pytest.approx(br1.lambda_ / (br1.alpha_ * n), rel=0.05)


# -- ridge: known truth -----------------------------------------------------------------------
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_ridge_evidence_lam_near_truth_and_loo(seed):
    rng = np.random.default_rng(seed)
    n, p, tau, sigma = 500, 50, 0.3, 1.0
    X = rng.standard_normal((n, p))
    y = X @ rng.normal(0.0, tau, p) + sigma * rng.standard_normal(n) + 1.0
    lam, info = ridge_evidence_lam(decompose(RidgeProblem.build(X, y, standardize=False)))
    truth = sigma ** 2 / (n * tau ** 2)              # α = σ²/τ² and α = nλ
    loo = RidgeCV(cv="loo", standardize=False).fit(X, y).lam_
    assert 0.5 < lam / truth < 2.0
    assert 0.5 < lam / loo < 2.0
    assert info["sigma2"][0] == pytest.approx(sigma ** 2, rel=0.15)


# -- logistic: Laplace against numerical integration ------------------------------------------
def _one_feature(seed=0, n=200):
    rng = np.random.default_rng(seed)
    x = rng.normal(1.0, 2.0, n)
    y = (0.8 * x - 0.5 + rng.logistic(size=n) > 0).astype(int)
    return x, y


@pytest.mark.parametrize("standardize", [True, False])
@pytest.mark.parametrize("lam", [1e-3, 1e-2, 1e-1])
def test_logistic_laplace_evidence_against_numerical_integration(standardize, lam):
    """∫∫ p(y|w,b) N(w; 0, 1/(2Sλ sd²)) dw db on a fine grid (Simpson) around the mode."""
    x, y = _one_feature()
    n = x.size
    ours = logistic_log_evidence(x[:, None], y, [lam], standardize=standardize)[0]
    sd = x.std() if standardize else 1.0
    prec = 2.0 * n * lam * sd ** 2
    fit = LogisticRegression(lam=lam, standardize=standardize, tol=1e-12).fit(x[:, None], y)
    w0, b0 = fit.coef_[0, 0], fit.intercept_[0]
    ws = np.linspace(w0 - 0.8, w0 + 0.8, 161)         # ±10 posterior sd
    bs = np.linspace(b0 - 2.0, b0 + 2.0, 161)
    W, B = np.meshgrid(ws, bs, indexing="ij")
    eta = W[..., None] * x + B[..., None]
    logpost = (np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta), axis=-1)
               + 0.5 * np.log(prec / (2 * np.pi)) - 0.5 * prec * W ** 2)
    top = logpost.max()
    num = np.log(integrate.simpson(integrate.simpson(np.exp(logpost - top), x=bs, axis=1),
                                   x=ws)) + top
    assert abs(ours - num) < 0.02          # Laplace: O(1/n) relative error in p(y|λ)


def test_logistic_laplace_evidence_no_intercept_quad():
    x, y = _one_feature(1)
    n, lam = x.size, 0.02
    ours = logistic_log_evidence(x[:, None], y, [lam], fit_intercept=False, standardize=False)[0]
    prec = 2.0 * n * lam

    def logpost(w):
        eta = w * x
        return (np.sum(y * log_expit(eta) + (1 - y) * log_expit(-eta))
                + 0.5 * np.log(prec / (2 * np.pi)) - 0.5 * prec * w ** 2)

    w0 = LogisticRegression(lam=lam, fit_intercept=False, standardize=False,
                            tol=1e-12).fit(x[:, None], y).coef_[0, 0]
    top = logpost(w0)
    val, _ = integrate.quad(lambda w: np.exp(logpost(w) - top), w0 - 2, w0 + 2, epsabs=1e-12,
                            points=[w0])
    assert abs(ours - (np.log(val) + top)) < 0.02


# -- logistic: invariances --------------------------------------------------------------------
def _binary(seed=0, n=150, p=3):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, p))
    y = (X @ np.linspace(1.0, -0.5, p) + 0.3 + rng.logistic(size=n) > 0).astype(int)
    return X, y


def test_logistic_evidence_integer_weights_equal_repeated_rows():
    X, y = _binary(1, n=60)
    w = np.random.default_rng(0).integers(0, 4, 60)
    lams = [0.1, 0.01]
    a = logistic_log_evidence(X, y, lams, sample_weight=w)
    b = logistic_log_evidence(np.repeat(X, w, axis=0), np.repeat(y, w), lams)
    np.testing.assert_allclose(a, b, atol=1e-7)


def test_logistic_evidence_is_invariant_to_feature_units_and_labels():
    X, y = _binary(2)
    lams = [0.1, 0.003]
    a = logistic_log_evidence(X, y, lams)
    b = logistic_log_evidence(X * [100.0, 0.01, 3.0] - 4.0, np.where(y == 1, "yes", "no"), lams)
    np.testing.assert_allclose(a, b, atol=1e-6)
    # swapping the two classes flips the sign of every coefficient: same evidence
    np.testing.assert_allclose(logistic_log_evidence(X, 1 - y, lams), a, atol=1e-6)


def test_multinomial_evidence_is_invariant_to_class_order():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((120, 3))
    eta = X @ rng.normal(0.0, 1.0, (3, 3)).T
    y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    lams = [0.05, 0.005]
    pf = [1.0, 0.0, 1.0]       # one unpenalized column: integrated over the sum-to-zero space
    a = logistic_log_evidence(X, y, lams, penalty_factor=pf)
    b = logistic_log_evidence(X, np.array([2, 0, 1])[y], lams, penalty_factor=pf)
    np.testing.assert_allclose(a, b, atol=1e-6)
    assert np.all(np.isfinite(a))


def test_logistic_evidence_errors():
    X, y = _binary(4, n=30)
    with pytest.raises(ValueError, match="lams"):
        logistic_log_evidence(X, y, [0.0])
    with pytest.raises(ValueError, match="two classes"):
        logistic_log_evidence(X, np.zeros(30), [0.1])
    with pytest.raises(ValueError, match="penalty_factor"):
        logistic_evidence_lam(X, y, penalty_factor=[0.0, 0.0, 0.0])


# -- logistic: choosing λ ---------------------------------------------------------------------
def test_logistic_evidence_lam_is_the_continuous_maximizer_and_returns_the_fit():
    X, y = _binary(5, n=200, p=4)
    lam, info = logistic_evidence_lam(X, y, np.geomspace(1.0, 1e-5, 11))
    assert not info["on_edge"]
    assert info["log_evidence_max"] >= info["log_evidence"].max()
    h = 0.01
    up, down = logistic_log_evidence(X, y, lam * np.exp([h, -h]))
    assert info["log_evidence_max"] >= max(up, down) - 1e-9
    assert abs(up - down) / (2 * h) < 0.01          # stationary in log λ (xatol = 1e-3)
    ref = LogisticRegression(lam=lam, tol=1e-10).fit(X, y)
    np.testing.assert_allclose(info["coef"], ref.coef_, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(info["intercept"], ref.intercept_, rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("seed", [0, 1])
def test_logistic_evidence_lam_near_truth_and_cv(seed):
    rng = np.random.default_rng(seed)
    n, p, tau = 500, 20, 0.5
    X = rng.standard_normal((n, p))
    y = (X @ rng.normal(0.0, tau, p) + 0.3 + rng.logistic(size=n) > 0).astype(int)
    lam, info = logistic_evidence_lam(X, y, standardize=False)
    truth = 1.0 / (2 * n * tau ** 2)                  # −log prior = Sλ‖w‖², w ~ N(0, τ²)
    cv = LogisticRegressionCV(cv=5, lams=30, standardize=False).fit(X, y).lam_
    assert not info["on_edge"]
    assert 1 / 2 < lam / truth < 2
    assert 1 / 3 < lam / cv < 3


def test_multinomial_evidence_lam_near_truth():
    rng = np.random.default_rng(0)
    n, p, K, tau = 400, 10, 3, 0.5
    X = rng.standard_normal((n, p))
    eta = X @ rng.normal(0.0, tau, (K, p)).T
    y = np.argmax(eta + rng.gumbel(size=eta.shape), axis=1)
    lam, info = logistic_evidence_lam(X, y, standardize=False)
    assert info["coef"].shape == (3, p)
    np.testing.assert_allclose(info["intercept"].sum(), 0.0, atol=1e-10)
    assert 1 / 2.5 < lam / (1.0 / (2 * n * tau ** 2)) < 2.5
