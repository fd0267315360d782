"""GLMRegressorCV (issue 15): its CV curve equals a brute-force loop over the folds with the
single estimator and scikit-learn's deviance (offsets split with the folds, sample weights),
the chosen λ is the same, and with ``cv_average="weighted"`` the curve, its standard errors,
``lambda.min`` and ``lambda.1se`` equal R's ``cv.glmnet(family="poisson", foldid=)``."""

import numpy as np
import pytest
from sklearn.metrics import mean_gamma_deviance, mean_poisson_deviance, mean_tweedie_deviance

from shrinkage import (GammaRegressor, GLMRegressorCV, PoissonRegressor, TweedieRegressor,
                       convert_strength)

from _rglmnet import R_MARK, run_r


def _claims(seed=0, n=240, p=6):
    """A claims-frequency simulation: counts over exposures, three real effects."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    exposure = rng.uniform(0.3, 2.0, n)
    y = rng.poisson(exposure * np.exp(-0.3 + X[:, :3] @ [0.5, -0.4, 0.3])).astype(float)
    return rng, X, np.log(exposure), y


CASES = {
    "poisson": (PoissonRegressor, {}, lambda y, mu, w: mean_poisson_deviance(y, mu, sample_weight=w)),
    "gamma": (GammaRegressor, {}, lambda y, mu, w: mean_gamma_deviance(y, mu, sample_weight=w)),
    "tweedie": (TweedieRegressor, {"power": 1.5},
                lambda y, mu, w: mean_tweedie_deviance(y, mu, sample_weight=w, power=1.5)),
}


@pytest.mark.parametrize("family", sorted(CASES))
@pytest.mark.parametrize("l1_ratio", [0.0, 0.8])
def test_cv_curve_equals_a_loop_over_folds_with_the_single_estimator(family, l1_ratio):
    single, kw, deviance = CASES[family]
    rng, X, off, y = _claims()
    if family == "gamma":
        y = rng.gamma(2.0, np.exp(off + 0.3 * X[:, 0]) / 2.0)
    foldid = np.arange(y.size) % 4
    rng.shuffle(foldid)
    sw = rng.uniform(0.5, 2.0, y.size)
    lams = np.geomspace(0.2, 2e-4, 8)
    cv = GLMRegressorCV(family, l1_ratio=l1_ratio, lams=lams, cv=foldid, tol=1e-10,
                        cv_tol=1e-10, **kw).fit(X, y, sample_weight=sw, offset=off)
    brute = np.empty((lams.size, 4))
    for k in range(4):
        tr, te = foldid != k, foldid == k
        for i, lam in enumerate(lams):
            m = single(lam=lam, l1_ratio=l1_ratio, tol=1e-10, **kw)
            m.fit(X[tr], y[tr], sample_weight=sw[tr], offset=off[tr])
            brute[i, k] = -deviance(y[te], m.predict(X[te], offset=off[te]), sw[te])
    np.testing.assert_allclose(cv.cv_results_["fold_scores"], brute, rtol=1e-6, atol=0)
    best = int(np.argmax(brute.mean(axis=1)))
    assert cv.lam_ == lams[best]
    ref = single(lam=lams[best], l1_ratio=l1_ratio, tol=1e-10, **kw).fit(
        X, y, sample_weight=sw, offset=off)
    np.testing.assert_allclose(cv.coef_, ref.coef_, rtol=0, atol=1e-12)
    assert cv.predict(X[:3], offset=off[:3]) == pytest.approx(ref.predict(X[:3], offset=off[:3]))


def test_weighted_average_is_the_fold_size_weighted_mean_and_its_se():
    rng, X, off, y = _claims(1)
    foldid = np.r_[np.zeros(40), np.ones(80), np.full(120, 2)].astype(int)
    lams = np.geomspace(0.1, 1e-3, 5)
    a = GLMRegressorCV(lams=lams, cv=foldid, l1_ratio=1.0).fit(X, y, offset=off)
    b = GLMRegressorCV(lams=lams, cv=foldid, l1_ratio=1.0, cv_average="weighted").fit(
        X, y, offset=off)
    F = a.cv_results_["fold_scores"]
    w = np.array([40, 80, 120]) / 240
    m = F @ w
    np.testing.assert_allclose(b.cv_results_["mean_score"], m, rtol=1e-12)
    np.testing.assert_allclose(b.cv_results_["se_score"],
                               np.sqrt(((F - m[:, None]) ** 2) @ w / 2), rtol=1e-12)
    np.testing.assert_allclose(a.cv_results_["mean_score"], F.mean(axis=1), rtol=1e-12)


def test_bad_family_and_power_are_refused_by_name():
    rng, X, off, y = _claims()
    with pytest.raises(ValueError, match="family must be one of"):
        GLMRegressorCV("binomial").fit(X, y)
    with pytest.raises(ValueError, match="power"):
        GLMRegressorCV("poisson", power=1.5).fit(X, y)
    with pytest.raises(ValueError, match="cv_average"):
        GLMRegressorCV(cv_average="median").fit(X, y)


@R_MARK
@pytest.mark.parametrize("alpha", [1.0, 0.5])
def test_poisson_cv_curve_equals_r_cv_glmnet_with_foldid(tmp_path, alpha):
    rng, X, off, y = _claims(2, n=300)
    foldid = rng.permutation(np.arange(300) % 5)[:-7]          # unequal folds
    X, off, y = X[:-7], off[:-7], y[:-7]
    got = run_r(tmp_path, f"""
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; off <- rd("off.csv")[, 1]; fid <- rd("fid.csv")[, 1]
lam <- glmnet(X, y, family="poisson", offset=off, alpha={alpha}, nlambda=30)$lambda
# given lambda, every fold fits that grid (without it each fold fits its own grid and
# cv.glmnet interpolates the folds' predictions between their grid points)
f <- cv.glmnet(X, y, family="poisson", offset=off, foldid=fid + 1, alpha={alpha},
               lambda=lam, thresh=1e-14, maxit=1e6)
out("lambda", f$lambda); out("cvm", f$cvm); out("cvsd", f$cvsd)
out("min", f$lambda.min); out("se1", f$lambda.1se)""", X=X, y=y, off=off, fid=foldid)
    to_ours = convert_strength(1.0, source="glmnet-poisson", l1_ratio=alpha)
    lams = got["lambda"] * to_ours.value
    cv = GLMRegressorCV(l1_ratio=to_ours.l1_ratio, lams=lams, cv=foldid, cv_average="weighted",
                        rule="1se", tol=1e-12, cv_tol=1e-12).fit(X, y, offset=off)
    res = cv.cv_results_
    # glmnet's fold fits stop on its own criterion (thresh): ~1e-7 of the deviance
    np.testing.assert_allclose(-res["mean_score"], got["cvm"], rtol=1e-6)
    np.testing.assert_allclose(res["se_score"], got["cvsd"], rtol=1e-4)
    assert cv.lam_min_ == pytest.approx(got["min"][0] * to_ours.value, rel=1e-12)
    assert cv.lam_1se_ == pytest.approx(got["se1"][0] * to_ours.value, rel=1e-12)
    assert cv.lam_ == cv.lam_1se_
