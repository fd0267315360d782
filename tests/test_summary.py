"""``summary()`` (issue 16): standard errors equal statsmodels' at λ = 0 for OLS, WLS, Logit
and the Poisson and gamma GLMs, and its HC0 sandwich; the posterior for λ > 0 is the
Gaussian-prior posterior, computed here independently."""

import numpy as np
import pandas as pd
import pytest

from shrinkage import (GammaRegressor, Lasso, LogisticRegression, PoissonRegressor, Ridge,
                       TweedieRegressor)

sm = pytest.importorskip("statsmodels.api", reason="statsmodels is in the test extra")


def _data(seed=0, n=300):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    eta = 0.2 + X @ np.array([0.5, -0.4, 0.0])
    return X, eta, rng


def _same(table, res, col="z"):
    np.testing.assert_allclose(table["coef"], res.params, rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(table["std_err"], res.bse, rtol=1e-6)
    np.testing.assert_allclose(table["p_value"], res.pvalues, rtol=1e-5, atol=1e-12)
    ci = np.asarray(res.conf_int())
    np.testing.assert_allclose(table[["ci_low", "ci_high"]], ci, rtol=1e-6, atol=1e-9)
    assert col in table.columns


def test_ols_equals_statsmodels():
    X, eta, rng = _data()
    y = eta + rng.normal(size=300)
    table = Ridge(lam=0).fit(X, y).summary(X, y)
    _same(table, sm.OLS(y, sm.add_constant(X)).fit(), col="t")
    assert list(table.index) == ["intercept", "x0", "x1", "x2"]
    assert table.attrs["method"].startswith("mle")


def test_wls_equals_statsmodels():
    X, eta, rng = _data(1)
    w = rng.uniform(0.5, 3.0, 300)
    y = eta + rng.normal(size=300) / np.sqrt(w)
    table = Ridge(lam=0).fit(X, y, sample_weight=w).summary(X, y, sample_weight=w)
    _same(table, sm.WLS(y, sm.add_constant(X), weights=w).fit(), col="t")


def test_the_sandwich_equals_statsmodels_hc0():
    X, eta, rng = _data(2)
    y = eta + rng.normal(size=300) * (1 + np.abs(X[:, 0]))     # heteroscedastic
    table = Ridge(lam=0).fit(X, y).summary(X, y, method="sandwich")
    res = sm.OLS(y, sm.add_constant(X)).fit(cov_type="HC0")
    np.testing.assert_allclose(table["std_err"], res.bse, rtol=1e-6)


def test_logit_equals_statsmodels():
    X, eta, rng = _data(3)
    y = (rng.random(300) < 1 / (1 + np.exp(-eta))).astype(int)
    table = LogisticRegression(lam=0, tol=1e-12).fit(X, y).summary(X, y)
    _same(table, sm.Logit(y, sm.add_constant(X)).fit(disp=0, tol=1e-12))


def test_poisson_and_gamma_glms_equal_statsmodels():
    X, eta, rng = _data(4)
    y = rng.poisson(np.exp(eta)).astype(float)
    table = PoissonRegressor(lam=0, tol=1e-12).fit(X, y).summary(X, y)
    _same(table, sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson()).fit(tol=1e-12))
    y = rng.gamma(3.0, np.exp(eta) / 3.0)
    table = GammaRegressor(lam=0, tol=1e-12).fit(X, y).summary(X, y)
    fam = sm.families.Gamma(link=sm.families.links.Log())
    _same(table, sm.GLM(y, sm.add_constant(X), family=fam).fit(tol=1e-12))


def test_the_ridge_posterior_is_the_gaussian_prior_posterior():
    """λ > 0: σ²(AᵀA + diag(0, Sλ f))⁻¹ with σ² from the residuals over n − (1 + df)."""
    X, eta, rng = _data(5)
    y = eta + rng.normal(size=300)
    lam = 0.05
    model = Ridge(lam=lam, standardize=False).fit(X, y)
    table = model.summary(X, y)
    A = np.column_stack([np.ones(300), X])
    P = np.diag([0.0, 300 * lam, 300 * lam, 300 * lam])
    Hinv = np.linalg.inv(A.T @ A + P)
    k = np.trace(Hinv @ A.T @ A)
    assert k == pytest.approx(1 + model.df_, rel=1e-10)
    r = y - model.predict(X)
    cov = (r @ r) / (300 - k) * Hinv
    np.testing.assert_allclose(table["std_err"], np.sqrt(np.diag(cov)), rtol=1e-10)
    assert table.attrs["method"].startswith("bayes")
    # standardize=True: the prior is on w·sd, so the penalty weight carries sd²
    t2 = Ridge(lam=lam).fit(X, y).summary(X, y)
    sd = X.std(axis=0)
    P2 = np.diag(np.r_[0.0, 300 * lam * sd ** 2])
    H2 = np.linalg.inv(A.T @ A + P2)
    m2 = Ridge(lam=lam).fit(X, y)
    r2 = y - m2.predict(X)
    cov2 = (r2 @ r2) / (300 - np.trace(H2 @ A.T @ A)) * H2
    np.testing.assert_allclose(t2["std_err"], np.sqrt(np.diag(cov2)), rtol=1e-9)


def test_the_logistic_posterior_tends_to_the_mle_as_lam_falls():
    X, eta, rng = _data(6)
    y = (rng.random(300) < 1 / (1 + np.exp(-eta))).astype(int)
    mle = LogisticRegression(lam=0, tol=1e-12).fit(X, y).summary(X, y)
    tiny = LogisticRegression(lam=1e-9, tol=1e-12).fit(X, y).summary(X, y)
    np.testing.assert_allclose(tiny["std_err"], mle["std_err"], rtol=1e-5)
    big = LogisticRegression(lam=1.0).fit(X, y).summary(X, y)
    assert np.all(big["std_err"].iloc[1:] < mle["std_err"].iloc[1:])   # the prior tightens


def test_feature_names_and_what_summary_refuses():
    X, eta, rng = _data(7)
    y = eta + rng.normal(size=300)
    frame = pd.DataFrame(X, columns=["age", "bmi", "bp"])
    assert list(Ridge(lam=0).fit(frame, y).summary(frame, y).index) == \
        ["intercept", "age", "bmi", "bp"]
    with pytest.raises(ValueError, match="post-selection"):
        LogisticRegression(l1_ratio=1.0, lam=0.01).fit(X, y > 0).summary(X, y > 0)
    yk = np.digitize(y, [-0.5, 0.5])
    with pytest.raises(ValueError, match="one linear predictor"):
        LogisticRegression().fit(X, yk).summary(X, yk)
    with pytest.raises(ValueError, match="level must be in"):
        Ridge().fit(X, y).summary(X, y, level=95)
    with pytest.raises(ValueError, match="method must be"):
        Ridge().fit(X, y).summary(X, y, method="bootstrap")
    assert not hasattr(Lasso(), "summary")
    assert "z" in TweedieRegressor(lam=0.1).fit(X, np.exp(eta)).summary(X, np.exp(eta))
