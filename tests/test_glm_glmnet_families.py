"""Gamma and Tweedie GLMs against R's glmnet 4 with ``family=`` objects (issue 15): glmnet fits
any family by minimizing half the mean unit deviance plus its penalty, which is our objective
at ``source="glmnet-gamma"`` / ``"glmnet-tweedie"`` of :func:`~shrinkage.convert_strength`.
``Gamma(link="log")`` comes with R; the Tweedie family with R's ``statmod`` package
(``tweedie(var.power=p, link.power=0)``, Debian: r-cran-statmod). Coefficients (L2 and elastic
net, with sample weights and an offset) and GLMRegressorCV's curve with ``foldid``; skips with
the reason where R, glmnet or statmod is missing."""

import numpy as np
import pytest

from shrinkage import GammaRegressor, GLMRegressorCV, TweedieRegressor, convert_strength

from _rglmnet import R_MARK, run_r

pytestmark = R_MARK

#: name -> (R family, our estimator at (lam, rho), source convention, GLMRegressorCV kwargs)
FAMILIES = {
    "gamma": ('Gamma(link="log")', lambda **k: GammaRegressor(**k), "glmnet-gamma",
              {"family": "gamma"}),
    "tweedie1.5": ("statmod::tweedie(var.power=1.5, link.power=0)",
                   lambda **k: TweedieRegressor(power=1.5, **k), "glmnet-tweedie",
                   {"family": "tweedie", "power": 1.5}),
    "tweedie3": ("statmod::tweedie(var.power=3, link.power=0)",
                 lambda **k: TweedieRegressor(power=3.0, **k), "glmnet-tweedie",
                 {"family": "tweedie", "power": 3.0}),
}


def _data(name, seed=0, n=250, p=7):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(size=p)
    Z = (X - X.mean(0)) / X.std(0)
    off = np.log(rng.uniform(0.5, 2.0, n))
    mu = np.exp(0.3 + Z[:, :3] @ [0.4, -0.3, 0.2] + off)
    if name == "tweedie1.5":           # compound Poisson-gamma: zeros and positive amounts
        counts = rng.poisson(mu)
        y = np.array([rng.gamma(2.0, 0.5, k).sum() for k in counts])
    else:
        y = rng.gamma(2.0, mu / 2.0)
    return rng, X, y, off, rng.uniform(0.5, 2.0, n)


def _script(family, body):
    return f"""
suppressMessages(library(statmod))
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; off <- rd("off.csv")[, 1]; w <- rd("w.csv")[, 1]
fam <- {family}
glmnet.control(epsnr=1e-14, mxitnr=1000)   # the IRLS loop of family objects: default 1e-6
{body}"""


@pytest.mark.parametrize("name", sorted(FAMILIES))
def test_family_fit_equals_r_glmnet(tmp_path, name):
    family, make, source, _ = FAMILIES[name]
    rng, X, y, off, w = _data(name)
    got = run_r(tmp_path, _script(family, """
for (a in c(0, 0.5, 1)) {
  f <- glmnet(X, y, family=fam, weights=w, offset=off, alpha=a, lambda=0.05,
              thresh=1e-14, maxit=1e6)
  out(paste0("a", a), coef(f))
}"""), X=X, y=y, off=off, w=w)
    for a in (0.0, 0.5, 1.0):
        coef = got[f"a{a:g}"]
        lam, rho = convert_strength(0.05, source=source, l1_ratio=a)
        ours = make(lam=lam, l1_ratio=rho, tol=1e-12).fit(X, y, sample_weight=w, offset=off)
        mine = np.r_[ours.intercept_, ours.coef_]
        if a > 0:
            assert 0 < np.count_nonzero(coef[1:]) < X.shape[1]
            np.testing.assert_array_equal(ours.coef_ == 0, coef[1:] == 0)
        # glmnet stops on its own relative criterion (thresh)
        assert np.max(np.abs(mine - coef)) < 1e-5 * np.max(np.abs(coef)), (name, a)


@pytest.mark.parametrize("name", ["gamma", "tweedie1.5"])
def test_family_cv_curve_equals_r_cv_glmnet_with_foldid(tmp_path, name):
    family, _, source, kw = FAMILIES[name]
    rng, X, y, off, w = _data(name, seed=1, n=233)
    foldid = rng.permutation(np.arange(y.size) % 5)            # folds of 47 and 46 rows
    got = run_r(tmp_path, _script(family, """
fid <- rd("fid.csv")[, 1] + 1
lam <- exp(seq(log(0.3), log(0.003), length.out=15))
f <- cv.glmnet(X, y, family=fam, offset=off, foldid=fid, alpha=0.5, lambda=lam,
               type.measure="deviance", thresh=1e-14, maxit=1e6)
out("lambda", f$lambda); out("cvm", f$cvm); out("cvsd", f$cvsd)
out("min", f$lambda.min); out("se1", f$lambda.1se)"""), X=X, y=y, off=off, w=w, fid=foldid)
    c, rho = convert_strength(1.0, source=source, l1_ratio=0.5)
    cv = GLMRegressorCV(l1_ratio=rho, lams=got["lambda"] * c, cv=foldid, cv_average="weighted",
                        rule="1se", tol=1e-12, cv_tol=1e-12, **kw).fit(X, y, offset=off)
    res = cv.cv_results_
    np.testing.assert_allclose(-res["mean_score"], got["cvm"], rtol=1e-5)
    np.testing.assert_allclose(res["se_score"], got["cvsd"], rtol=1e-5)
    assert cv.lam_min_ == pytest.approx(got["min"][0] * c, rel=1e-12)
    assert cv.lam_ == pytest.approx(got["se1"][0] * c, rel=1e-12)
