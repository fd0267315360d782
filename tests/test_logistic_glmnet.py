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


def _brute_curve(X, y, foldid, ratios, lams, relax=False):
    """Minus the held-out log-loss of single fits, (n_ratios · n_lams, n_folds)."""
    out = []
    for rho in ratios:
        for lam in lams:
            row = []
            for k in np.unique(foldid):
                tr, te = foldid != k, foldid == k
                m = LogisticRegression(lam=lam, l1_ratio=rho, relax=relax,
                                       tol=1e-11).fit(X[tr], y[tr])
                P = m.predict_proba(X[te])
                row.append(np.mean(np.log(P[np.arange(te.sum()), y[te]])))
            out.append(row)
    return np.array(out)


@pytest.mark.parametrize("classes, relax", [(2, False), (3, False), (2, 0.5)])
def test_l1_ratio_cv_equals_a_loop_of_single_fits(classes, relax):
    rng, X, y = _data(4, n=120, p=6, classes=classes)
    foldid = rng.permutation(np.arange(y.size) % 3)
    lams = np.geomspace(0.2, 0.005, 5)
    cv = LogisticRegressionCV(lams=lams, l1_ratio=[0.5, 1.0], relax=relax, cv=foldid,
                              tol=1e-11, cv_tol=1e-11).fit(X, y)
    brute = _brute_curve(X, y, foldid, [0.5, 1.0], lams, relax)
    np.testing.assert_allclose(cv.cv_results_["fold_scores"], brute, rtol=0, atol=1e-6)
    assert cv.scores_.shape == (2, lams.size, 3)
    np.testing.assert_array_equal(cv.scores_.reshape(-1, 3), cv.cv_results_["fold_scores"])
    best = np.unravel_index(np.argmax(brute.mean(axis=1)), (2, lams.size))
    assert (cv.l1_ratio_, cv.lam_) == ([0.5, 1.0][best[0]], lams[best[1]])
    single = LogisticRegression(lam=cv.lam_, l1_ratio=cv.l1_ratio_, relax=relax,
                                tol=1e-11).fit(X, y)
    np.testing.assert_allclose(cv.coef_, single.coef_, atol=1e-8)


def test_l1_ratio_cv_default_grid_starts_at_lam_max_and_warm_paths_continue():
    rng, X, y = _data(5, n=200, p=10)
    cv = LogisticRegressionCV(lams=12, l1_ratio=[0.3, 1.0], cv=4).fit(X, y)
    for r, rho in enumerate([0.3, 1.0]):
        top = LogisticRegression(l1_ratio=rho).lam_max(X, y)
        assert cv.lams_[r][0] == pytest.approx(top, rel=1e-12)
        # at λ_max every fold's model is the null model: its held-out score is the prior's
        assert np.all(np.isfinite(cv.scores_[r]))
    assert cv.cv_results_["params"][0] == {"lam": cv.lams_[0][0], "l1_ratio": 0.3}
    with pytest.raises(ValueError, match="twice"):
        LogisticRegressionCV(l1_ratio=[1.0, 1.0]).fit(X, y)
    with pytest.raises(ValueError, match="l1_ratio > 0"):
        LogisticRegressionCV(relax=True).fit(X, y)


@R_MARK
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_l1_ratio_cv_equals_r_cv_glmnet_binomial(tmp_path, alpha):
    rng, X, y = _data(6, n=157, p=8)
    foldid = rng.permutation(np.arange(y.size) % 5)           # folds of 32 and 31 rows
    got = run_r(tmp_path, f"""
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; fid <- rd("fid.csv")[, 1] + 1
lam <- glmnet(X, y, family="binomial", alpha={alpha}, nlambda=30)$lambda
f <- cv.glmnet(X, y, family="binomial", foldid=fid, alpha={alpha}, lambda=lam,
               type.measure="deviance", thresh=1e-14)
out("lambda", f$lambda); out("cvm", f$cvm); out("cvsd", f$cvsd)
out("min", f$lambda.min); out("se1", f$lambda.1se)""", X=X, y=y, fid=foldid)
    _cv_equals_cv_glmnet(X, y, foldid, got, "glmnet-binomial", alpha)


def _cv_equals_cv_glmnet(X, y, foldid, got, source, alpha):
    """Our weighted CV on ``cv.glmnet``'s grid equals its curve, SE, lambda.min and
    lambda.1se; returns the conversion factor and our ρ."""
    c, rho = convert_strength(1.0, source=source, l1_ratio=alpha)
    cv = LogisticRegressionCV(lams=got["lambda"] * c, l1_ratio=rho, cv=foldid, rule="1se",
                              cv_average="weighted", tol=1e-12, cv_tol=1e-12).fit(X, y)
    res = cv.cv_results_
    # glmnet's binomial / multinomial deviance is twice the mean log-loss
    np.testing.assert_allclose(-2 * res["mean_score"], got["cvm"], rtol=1e-5)
    np.testing.assert_allclose(2 * res["se_score"], got["cvsd"], rtol=1e-5)
    assert cv.lam_min_ == pytest.approx(got["min"][0] * c, rel=1e-12)
    assert cv.lam_ == pytest.approx(got["se1"][0] * c, rel=1e-12)
    return c, rho


@R_MARK
def test_multinomial_cv_and_fit_equal_r_glmnet(tmp_path):
    rng, X, y = _data(7, n=181, p=6, classes=3)
    foldid = rng.permutation(np.arange(y.size) % 4)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; fid <- rd("fid.csv")[, 1] + 1
lam <- glmnet(X, y, family="multinomial", alpha=0.5, nlambda=20)$lambda
f <- cv.glmnet(X, y, family="multinomial", foldid=fid, alpha=0.5, lambda=lam,
               type.measure="deviance", thresh=1e-14)
out("lambda", f$lambda); out("cvm", f$cvm); out("cvsd", f$cvsd)
out("min", f$lambda.min); out("se1", f$lambda.1se)
cf <- coef(glmnet(X, y, family="multinomial", alpha=0.5, lambda=lam[8], thresh=1e-14))
for (k in 1:3) out(paste0("c", k - 1), as.matrix(cf[[k]]))""", X=X, y=y, fid=foldid)
    c, rho = _cv_equals_cv_glmnet(X, y, foldid, got, "glmnet-multinomial", 0.5)
    # one fit: glmnet's coefficients, centred over the classes as ours
    coef = np.array([got[f"c{k}"] for k in range(3)])
    ours = LogisticRegression(lam=got["lambda"][7] * c, l1_ratio=rho, tol=1e-12).fit(X, y)
    assert 0 < np.count_nonzero(ours.coef_) < ours.coef_.size
    np.testing.assert_allclose(np.c_[ours.intercept_, ours.coef_], coef, rtol=0,
                               atol=1e-5 * np.max(np.abs(coef)))


def test_l1_ratio_cv_with_weights_equals_weighted_single_fits_and_threads_agree():
    rng, X, y = _data(8, n=120, p=5)
    w = rng.uniform(0.3, 3.0, y.size)
    foldid = rng.permutation(np.arange(y.size) % 3)
    lams = np.geomspace(0.1, 0.005, 4)
    kw = dict(lams=lams, l1_ratio=1.0, cv=foldid, tol=1e-11, cv_tol=1e-11)
    cv = LogisticRegressionCV(**kw).fit(X, y, sample_weight=w)
    for i, lam in enumerate(lams):
        for k in range(3):
            tr, te = foldid != k, foldid == k
            m = LogisticRegression(lam=lam, l1_ratio=1.0, tol=1e-11).fit(
                X[tr], y[tr], sample_weight=w[tr])
            P = m.predict_proba(X[te])[np.arange(te.sum()), y[te]]
            assert cv.cv_results_["fold_scores"][i, k] == pytest.approx(
                np.average(np.log(P), weights=w[te]), abs=1e-7)
    par = LogisticRegressionCV(n_jobs=2, **kw).fit(X, y, sample_weight=w)
    np.testing.assert_allclose(par.cv_results_["fold_scores"], cv.cv_results_["fold_scores"],
                               rtol=1e-12)
    np.testing.assert_array_equal(par.coef_, cv.coef_)


def test_l1_ratio_cv_refuses_bad_settings_by_name():
    rng, X, y = _data(9, n=60, p=4)
    with pytest.raises(ValueError, match=r"l1_ratio must be a number in \[0, 1\]"):
        LogisticRegressionCV(l1_ratio=[0.5, 1.5]).fit(X, y)
    with pytest.raises(ValueError, match="non-empty"):
        LogisticRegressionCV(l1_ratio=[]).fit(X, y)
    with pytest.raises(ValueError, match="drop 0"):
        LogisticRegressionCV(l1_ratio=[0.0, 1.0], relax=True).fit(X, y)
    with pytest.raises(ValueError, match="rows in memory"):
        LogisticRegressionCV(l1_ratio=1.0, cv="evidence").fit(X, y)
    with pytest.raises(ValueError, match="cv_average"):
        LogisticRegressionCV(cv_average="median").fit(X, y)


@pytest.mark.parametrize("l1_ratio", [0.0, 1.0])
def test_cv_average_weighted_weighs_folds_by_size(l1_ratio):
    rng, X, y = _data(10, n=101, p=4)
    foldid = rng.permutation(np.arange(y.size) % 4)             # folds of 26 and 25 rows
    sizes = np.bincount(foldid)
    cv = LogisticRegressionCV(lams=np.geomspace(0.1, 0.001, 5), l1_ratio=l1_ratio, cv=foldid,
                              cv_average="weighted").fit(X, y)
    res = cv.cv_results_
    m = res["fold_scores"] @ sizes / sizes.sum()
    np.testing.assert_allclose(res["mean_score"], m, rtol=1e-12)
    se = np.sqrt(((res["fold_scores"] - m[:, None]) ** 2) @ sizes / sizes.sum() / 3)
    np.testing.assert_allclose(res["se_score"], se, rtol=1e-12)
    assert not np.allclose(res["mean_score"], res["fold_scores"].mean(axis=1), rtol=1e-12)


@R_MARK
def test_relaxed_multinomial_probabilities_equal_r_glmnet(tmp_path):
    """The softmax coefficients are identified up to a shift common to the classes (glmnet's
    unpenalized refit and ours may centre them differently), so the probabilities are compared."""
    rng, X, y = _data(11, n=220, p=7, classes=3)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]
f <- glmnet(X, y, family="multinomial", alpha=1, lambda=c(0.1, 0.05), relax=TRUE,
            thresh=1e-14)
for (g in c(0, 0.5)) out(paste0("g", g), predict(f, newx=X, s=0.05, gamma=g, type="response"))
""", X=X, y=y)
    lam, rho = convert_strength(0.05, source="glmnet-multinomial", l1_ratio=1.0)
    for g in (0.0, 0.5):
        P = got[f"g{g:g}"].reshape(-1, 3, order="F")
        ours = LogisticRegression(lam=lam, l1_ratio=rho, relax=g, tol=1e-12).fit(X, y)
        assert 0 < np.count_nonzero(np.any(ours.penalized_coef_, axis=0)) < X.shape[1]
        # glmnet's unpenalized softmax refit stops ~2e-6 short in the probabilities
        np.testing.assert_allclose(ours.predict_proba(X), P, rtol=0, atol=1e-5)
