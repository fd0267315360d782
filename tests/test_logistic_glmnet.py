"""Sparse logistic regression against R's glmnet (issue 15): relaxed fits (``relax=γ``, glmnet's
``coef(fit, s, gamma=γ)`` of ``family="binomial", relax=TRUE``) and
``LogisticRegressionCV(l1_ratio=…)``: its warm-started fold paths against a loop of single fits
and against ``cv.glmnet(family="binomial", foldid=, type.measure="deviance")``. The R tests skip
where R's glmnet is missing."""

import numpy as np
import pytest

from shrinkage import LogisticRegression, LogisticRegressionCV, convert_strength
from shrinkage.linear_model._logistic import relaxed_logistic

from _rglmnet import R_MARK, run_r


def _data(seed=0, n=150, p=8, classes=2):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(size=p)
    Z = (X - X.mean(0)) / X.std(0)
    if classes == 2:
        y = (Z[:, 0] - 0.7 * Z[:, 1] + 0.5 * Z[:, 2] + 1.2 * rng.normal(size=n) > 0.3)
        return rng, X, y.astype(int)
    eta = Z[:, :classes] + 1.2 * rng.normal(size=(n, classes))
    return rng, X, np.argmax(eta, axis=1)


@pytest.mark.parametrize("classes", [2, 3])
@pytest.mark.parametrize("gamma", [0.0, 0.4, 1.0])
def test_relax_is_the_mixture_with_the_unpenalized_fit_on_the_support(classes, gamma):
    rng, X, y = _data(1, classes=classes)
    pen = LogisticRegression(lam=0.08, l1_ratio=1.0, tol=1e-10).fit(X, y)
    model = LogisticRegression(lam=0.08, l1_ratio=1.0, relax=gamma, tol=1e-10).fit(X, y)
    np.testing.assert_array_equal(model.penalized_coef_, pen.coef_)
    A = np.flatnonzero(np.any(pen.coef_ != 0, axis=0))
    assert 0 < A.size < X.shape[1]
    free = LogisticRegression(lam=0.0, tol=1e-10).fit(X[:, A], y)
    rc = np.zeros_like(pen.coef_)
    rc[:, A] = free.coef_
    np.testing.assert_allclose(model.coef_, gamma * pen.coef_ + (1 - gamma) * rc, atol=1e-9)
    np.testing.assert_allclose(model.intercept_,
                               gamma * pen.intercept_ + (1 - gamma) * free.intercept_, atol=1e-9)
    if gamma == 0.0:        # the relaxed fit is stationary for the unpenalized loss on A
        P = model.predict_proba(X)
        Y = np.eye(P.shape[1])[y]
        g = X[:, A].T @ (P - Y) / y.size
        assert np.max(np.abs(g)) < 1e-7


def test_relax_needs_an_l1_part_and_empty_support_is_the_null_model():
    rng, X, y = _data(2)
    with pytest.raises(ValueError, match="l1_ratio > 0"):
        LogisticRegression(relax=True).fit(X, y)
    big = LogisticRegression(lam=10.0, l1_ratio=1.0, relax=True).fit(X, y)
    assert not np.any(big.coef_)
    assert big.intercept_[0] == pytest.approx(np.log(y.mean() / (1 - y.mean())), rel=1e-12)
    c, b = relaxed_logistic(X, y, None, big.penalized_coef_, big.penalized_intercept_, 1.0)
    assert c is big.penalized_coef_


@R_MARK
def test_relaxed_binomial_equals_r_glmnet(tmp_path):
    rng, X, y = _data(3, n=200)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]
for (a in c(1, 0.5)) {
  f <- glmnet(X, y, family="binomial", alpha=a, lambda=c(0.08, 0.04), relax=TRUE,
              thresh=1e-14)
  for (g in c(0, 0.3, 1)) out(paste0("a", a, "g", g), coef(f, s=0.04, gamma=g))
}""", X=X, y=y)
    for a in (1.0, 0.5):
        lam, rho = convert_strength(0.04, source="glmnet-binomial", l1_ratio=a)
        for g in (0.0, 0.3, 1.0):
            coef = got[f"a{a:g}g{g:g}"]
            ours = LogisticRegression(lam=lam, l1_ratio=rho, relax=g, tol=1e-12).fit(X, y)
            assert 0 < np.count_nonzero(ours.coef_) < X.shape[1]
            np.testing.assert_allclose(np.r_[ours.intercept_, ours.coef_[0]], coef, rtol=0,
                                       atol=1e-5 * np.max(np.abs(coef)))
