"""``offset=`` on the squared-error and logistic models (issue 15; the GLMs' is in
tests/test_glm.py): Gaussian fits equal the fit of ``y − offset``, logistic fits equal
statsmodels' Logit with an offset at λ = 0 and R's glmnet binomial with an offset, and the CV
estimators equal a loop over their folds."""

import numpy as np
import pytest
from sklearn.model_selection import KFold

from shrinkage import (ElasticNet, ElasticNetCV, GroupLasso, Lasso, LogisticRegression,
                       MultiTaskElasticNet, MultiTaskLassoCV,
                       LogisticRegressionCV, Ridge, RidgeCV, convert_strength)

from _rglmnet import R_MARK, run_r


def _data(seed=0, n=200, p=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p)
    off = rng.normal(size=n)
    eta = X @ np.array([0.8, -0.6, 0.3, 0.0, 0.2]) + off
    y = eta + rng.normal(size=n)
    yb = (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)
    return X, off, y, yb


GAUSSIAN = [lambda: Ridge(lam=0.05), lambda: RidgeCV(lams=20), lambda: RidgeCV(cv=4),
            lambda: Lasso(lam=0.02), lambda: ElasticNet(lam=0.05, l1_ratio=0.3),
            lambda: ElasticNetCV(lams=10, cv=4)]


@pytest.mark.parametrize("make", GAUSSIAN)
def test_gaussian_offset_is_the_fit_of_y_minus_offset(make):
    X, off, y, _ = _data()
    a, b = make().fit(X, y, offset=off), make().fit(X, y - off)
    np.testing.assert_array_equal(a.coef_, b.coef_)
    assert a.intercept_ == b.intercept_
    np.testing.assert_allclose(a.predict(X, offset=off), b.predict(X) + off, atol=1e-13)
    np.testing.assert_array_equal(a.predict(X), b.predict(X))


def test_ridge_offset_with_several_targets_shifts_every_column():
    X, off, y, _ = _data(1)
    Y = np.column_stack([y, 2 * y])
    a = Ridge(lam=0.1).fit(X, Y, offset=off)
    b = Ridge(lam=0.1).fit(X, Y - off[:, None])
    np.testing.assert_array_equal(a.coef_, b.coef_)
    np.testing.assert_allclose(a.predict(X, offset=off), b.predict(X) + off[:, None],
                               atol=1e-13)


def test_elastic_net_cv_with_an_offset_equals_a_loop_over_its_folds():
    X, off, y, _ = _data(2)
    lams = [0.2, 0.05, 0.01, 0.001, 0.0001]
    cv = KFold(4, shuffle=True, random_state=0)
    m = ElasticNetCV(lams=lams, l1_ratio=0.5, cv=cv, tol=1e-12, cv_tol=1e-12).fit(
        X, y, offset=off)
    loop = np.array([[-np.mean((y[te] - ElasticNet(lam=lam, l1_ratio=0.5, tol=1e-12).fit(
        X[tr], y[tr], offset=off[tr]).predict(X[te], offset=off[te])) ** 2)
        for tr, te in cv.split(X)] for lam in lams])
    np.testing.assert_allclose(m.cv_results_["fold_scores"], loop, rtol=1e-8)


def test_logistic_offset_equals_statsmodels_logit_at_lam_zero():
    sm = pytest.importorskip("statsmodels.api")
    X, off, _, yb = _data(3)
    ref = sm.Logit(yb, sm.add_constant(X), offset=off).fit(disp=0, method="newton", tol=1e-12)
    for kw in ({}, {"l1_ratio": 1.0}):
        m = LogisticRegression(lam=0.0, tol=1e-12, **kw).fit(X, yb, offset=off)
        np.testing.assert_allclose(np.r_[m.intercept_, m.coef_[0]], ref.params, atol=1e-6)
    eta = ref.params[0] + X @ ref.params[1:] + off
    np.testing.assert_allclose(m.decision_function(X, offset=off), eta, atol=1e-6)
    np.testing.assert_allclose(m.predict_proba(X, offset=off)[:, 1], 1 / (1 + np.exp(-eta)),
                               atol=1e-6)
    np.testing.assert_array_equal(m.predict(X, offset=off), (eta > 0).astype(int))


def test_logistic_offset_refusals():
    X, off, _, yb = _data(4)
    y3 = np.arange(X.shape[0]) % 3
    with pytest.raises(ValueError, match=r"offset of a 3-class model must be an array of sha"):
        LogisticRegression().fit(X, y3, offset=off)
    with pytest.raises(ValueError, match=r"offset must be numbers, one per row \(200\)"):
        LogisticRegression().fit(X, yb, offset=off[:5])
    with pytest.raises(ValueError, match="cv=5"):
        LogisticRegressionCV(cv="evidence").fit(X, yb, offset=off)


def test_logistic_cv_with_an_offset_equals_a_loop_over_its_folds():
    X, off, _, yb = _data(5)
    lams = [0.05, 0.005, 0.0005]
    cv = KFold(3, shuffle=True, random_state=1)
    m = LogisticRegressionCV(lams=lams, cv=cv, tol=1e-10, cv_tol=1e-10,
                             early_stopping=False).fit(X, yb, offset=off)

    def neg_log_loss(tr, te, lam):
        p = LogisticRegression(lam=lam, tol=1e-10).fit(X[tr], yb[tr], offset=off[tr]) \
            .predict_proba(X[te], offset=off[te])[:, 1]
        return np.mean(yb[te] * np.log(p) + (1 - yb[te]) * np.log(1 - p))
    loop = np.array([[neg_log_loss(tr, te, lam) for tr, te in cv.split(X)] for lam in lams])
    assert m.cv_results_["scoring"] == "neg_log_loss"
    np.testing.assert_allclose(m.cv_results_["fold_scores"], loop, rtol=1e-7)
    ref = LogisticRegression(lam=m.lam_, tol=1e-10).fit(X, yb, offset=off)
    np.testing.assert_allclose(m.coef_, ref.coef_, atol=1e-7)


@R_MARK
def test_logistic_offset_equals_r_glmnet_binomial(tmp_path):
    X, off, _, yb = _data(6)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; off <- rd("off.csv")[, 1]
for (a in c(1, 0.5, 0)) {
  f <- glmnet(X, y, family="binomial", alpha=a, lambda=0.01, offset=off, thresh=1e-14,
              maxit=1e6)
  out(paste0("a", a), coef(f))
}""", X=X, y=yb, off=off)
    for a in (1, 0.5, 0):
        lam, rho = convert_strength(0.01, source="glmnet-binomial", l1_ratio=a)
        m = LogisticRegression(lam=lam, l1_ratio=rho, tol=1e-12).fit(X, yb, offset=off)
        np.testing.assert_allclose(np.r_[m.intercept_, m.coef_[0]], got[f"a{a}"], atol=1e-5)


def test_offset_refused_where_a_fit_would_ignore_it():
    """The sparse LogisticRegressionCV paths and the relaxed refit take no offset: refused by
    name rather than silently dropped (the merge of offset= with l1_ratio CV and relax)."""
    from shrinkage import LogisticRegression, LogisticRegressionCV
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60, 3))
    y = (X[:, 0] + rng.standard_normal(60) > 0).astype(int)
    off = np.full(60, 0.3)
    with pytest.raises(ValueError, match="offset= is cross-validated on the L2 path only"):
        LogisticRegressionCV(l1_ratio=0.5, cv=3).fit(X, y, offset=off)
    with pytest.raises(ValueError, match="relax refits without the penalty"):
        LogisticRegression(l1_ratio=0.5, relax=True).fit(X, y, offset=off)
    with pytest.raises(ValueError, match="relax refits without the penalty"):
        LogisticRegression(l1_ratio=0.5, relax=0.5, upper_bounds=1.0).fit(X, y)


@pytest.mark.parametrize("make, two", [
    (lambda: GroupLasso(lam=0.05, groups=[0, 0, 1, 1, 2], tol=1e-12), False),
    (lambda: MultiTaskElasticNet(lam=0.05, tol=1e-12), True),
    (lambda: MultiTaskLassoCV(lams=5, cv=3, tol=1e-12), True),
])
def test_squared_error_offset_of_group_and_multitask_models(make, two):
    """GroupLasso and the multi-task models: the fit with an offset is the fit of y − offset
    (every target), and predict adds it back."""
    rng = np.random.default_rng(3)
    X = rng.standard_normal((80, 5))
    y = X[:, 0] - X[:, 3] + rng.standard_normal(80)
    if two:
        y = np.column_stack([y, 2 * X[:, 1] + rng.standard_normal(80)])
    off = rng.uniform(-1, 1, 80)
    fit = make().fit(X, y, offset=off)
    ref = make().fit(X, y - (off[:, None] if two else off))
    np.testing.assert_allclose(fit.coef_, ref.coef_, rtol=0, atol=1e-12)
    np.testing.assert_allclose(fit.predict(X, offset=off),
                               ref.predict(X) + (off[:, None] if two else off), atol=1e-12)


def test_group_lasso_classifier_offset_equals_l1_logistic_with_the_offset():
    """Singleton groups of weight 1 make the group lasso the L1 penalty: with an offset the
    GroupLassoClassifier (FISTA) equals LogisticRegression(l1_ratio=1) with it (proximal
    Newton, tested against R's glmnet above), and the offset moves its predictions."""
    from shrinkage import GroupLassoClassifier
    rng = np.random.default_rng(5)
    X = rng.standard_normal((150, 4))
    off = rng.uniform(-1.5, 1.5, 150)
    y = (X[:, 0] - X[:, 2] + off + rng.logistic(size=150) > 0).astype(int)
    gl = GroupLassoClassifier(lam=0.02, tol=1e-12, max_iter=200_000).fit(X, y, offset=off)
    lr = LogisticRegression(lam=0.02, l1_ratio=1.0, tol=1e-12).fit(X, y, offset=off)
    np.testing.assert_allclose(gl.coef_, lr.coef_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(gl.intercept_, lr.intercept_, rtol=0, atol=1e-7)
    np.testing.assert_allclose(gl.predict_proba(X, offset=off), lr.predict_proba(X, offset=off),
                               atol=1e-8)
    assert not np.allclose(gl.coef_, GroupLassoClassifier(lam=0.02).fit(X, y).coef_, atol=1e-3)
    y3 = np.digitize(X[:, 0] + rng.standard_normal(150), [-0.5, 0.5])
    with pytest.raises(ValueError, match="offset= is for two classes"):
        GroupLassoClassifier(lam=0.02).fit(X, y3, offset=off)
