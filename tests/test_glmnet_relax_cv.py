"""glmnet's relaxed fits and CV conventions against R's glmnet itself (issue 15):
``relax=γ`` is ``coef(glmnet(relax=TRUE), s, gamma=γ)``; ElasticNetCV's ``cv_average=
"weighted"`` with ``simplest="lam"`` gives ``cv.glmnet``'s curve, standard errors,
``lambda.min`` and ``lambda.1se`` for given ``foldid``. Skips where R's glmnet is missing."""

import numpy as np
import pytest

from shrinkage import ElasticNet, ElasticNetCV, Lasso, convert_strength
from shrinkage.linear_model._enet import relaxed_fit

from _rglmnet import R_MARK, run_r


def _data(seed=0, n=120, p=8):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, p) + rng.normal(size=p)
    y = X[:, :3] @ [1.0, -0.8, 0.5] + 1.5 * rng.normal(size=n) + 2.0
    return rng, X, y


@pytest.mark.parametrize("gamma", [0.0, 0.25, 0.5, 1.0])
def test_relax_gamma_is_the_mixture_of_penalized_and_relaxed(gamma):
    rng, X, y = _data()
    pen = Lasso(lam=0.3, tol=1e-10).fit(X, y)
    model = Lasso(lam=0.3, relax=gamma, tol=1e-10).fit(X, y)
    rc, rb = relaxed_fit(X, y, np.full(y.size, 1 / y.size), pen.coef_, True)
    np.testing.assert_allclose(model.coef_, gamma * pen.coef_ + (1 - gamma) * rc, atol=1e-12)
    assert model.intercept_ == pytest.approx(gamma * pen.intercept_ + (1 - gamma) * rb)
    np.testing.assert_array_equal(model.penalized_coef_, pen.coef_)
    if gamma == 0.0:
        np.testing.assert_array_equal(model.coef_, Lasso(lam=0.3, relax=True, tol=1e-10)
                                      .fit(X, y).coef_)


def test_relax_refuses_ambiguous_and_out_of_range_values():
    rng, X, y = _data()
    with pytest.raises(ValueError, match="ambiguous"):
        Lasso(relax=1).fit(X, y)
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        ElasticNet(relax=1.5).fit(X, y)


@R_MARK
def test_relax_gamma_equals_r_glmnet(tmp_path):
    rng, X, y = _data(1)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]
for (a in c(1, 0.5)) {
  f <- glmnet(X, y, alpha=a, lambda=c(0.4, 0.2), relax=TRUE, thresh=1e-14)
  for (g in c(0, 0.3, 0.7, 1)) out(paste0("a", a, "g", g), coef(f, s=0.2, gamma=g))
}""", X=X, y=y)
    for a in (1.0, 0.5):
        lam, rho = convert_strength(0.2, source="glmnet-gaussian", l1_ratio=a,
                                    y_scale=np.std(y))
        for g in (0.0, 0.3, 0.7, 1.0):
            coef = got[f"a{a:g}g{g:g}"]
            ours = ElasticNet(lam=lam, l1_ratio=rho, relax=g, tol=1e-12).fit(X, y)
            assert 0 < ours.n_nonzero_ < X.shape[1]
            # glmnet's relaxed refit is iterative (ours is the exact least squares on the
            # support, checked against numpy below): ~4e-6 of the coefficients
            np.testing.assert_allclose(np.r_[ours.intercept_, ours.coef_], coef, rtol=0,
                                       atol=1e-5 * np.max(np.abs(coef)))
            if g == 0.0:
                A = np.flatnonzero(ours.coef_)
                ls = np.linalg.lstsq(np.c_[np.ones(y.size), X[:, A]], y, rcond=None)[0]
                np.testing.assert_allclose(np.r_[ours.intercept_, ours.coef_[A]], ls,
                                           rtol=1e-10)


def test_enet_cv_with_relax_gamma_equals_a_loop_over_folds():
    rng, X, y = _data(2)
    foldid = rng.permutation(np.arange(y.size) % 4)
    lams = np.geomspace(1.0, 0.01, 6)
    cv = ElasticNetCV(lams=lams, l1_ratio=0.8, relax=0.4, cv=foldid, tol=1e-10,
                      cv_tol=1e-10).fit(X, y)
    brute = np.empty((lams.size, 4))
    for k in range(4):
        tr, te = foldid != k, foldid == k
        for i, lam in enumerate(lams):
            m = ElasticNet(lam=lam, l1_ratio=0.8, relax=0.4, tol=1e-10).fit(X[tr], y[tr])
            brute[i, k] = -np.mean((y[te] - m.predict(X[te])) ** 2)
    np.testing.assert_allclose(cv.cv_results_["fold_scores"], brute, rtol=1e-7)


def test_enet_cv_simplest_lam_is_the_largest_lam_within_one_se():
    rng, X, y = _data(3)
    foldid = rng.permutation(np.arange(y.size) % 5)
    kw = dict(lams=np.geomspace(2.0, 0.002, 30), l1_ratio=1.0, cv=foldid, rule="1se")
    by_nnz = ElasticNetCV(**kw).fit(X, y)
    by_lam = ElasticNetCV(simplest="lam", **kw).fit(X, y)
    res = by_lam.cv_results_
    i_min = int(np.argmax(res["mean_score"]))
    within = res["mean_score"] >= res["mean_score"][i_min] - res["se_score"][i_min]
    assert by_lam.lam_ == np.max(res["lam"][within])
    nnz = res["df"]
    assert by_nnz.lam_ == np.max(res["lam"][within & (nnz == nnz[within].min())])


@R_MARK
def test_enet_cv_weighted_largest_lam_equals_r_cv_glmnet(tmp_path):
    rng, X, y = _data(4, n=137)
    foldid = rng.permutation(np.arange(y.size) % 5)           # folds of 28 and 27 rows
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; fid <- rd("fid.csv")[, 1] + 1
lam <- glmnet(X, y, alpha=1, nlambda=40)$lambda
f <- cv.glmnet(X, y, foldid=fid, alpha=1, lambda=lam, thresh=1e-14)
out("lambda", f$lambda); out("cvm", f$cvm); out("cvsd", f$cvsd)
out("min", f$lambda.min); out("se1", f$lambda.1se)""", X=X, y=y, fid=foldid)
    c = convert_strength(1.0, source="glmnet-gaussian", l1_ratio=1.0).value   # λ = 2 λ_g
    cv = ElasticNetCV(lams=got["lambda"] * c, l1_ratio=1.0, cv=foldid, rule="1se",
                      simplest="lam", cv_average="weighted", tol=1e-10, cv_tol=1e-10).fit(X, y)
    res = cv.cv_results_
    np.testing.assert_allclose(-res["mean_score"], got["cvm"], rtol=1e-6)
    np.testing.assert_allclose(res["se_score"], got["cvsd"], rtol=1e-5)
    assert cv.lam_min_ == pytest.approx(got["min"][0] * c, rel=1e-12)
    assert cv.lam_ == pytest.approx(got["se1"][0] * c, rel=1e-12)
    plain = ElasticNetCV(lams=got["lambda"] * c, l1_ratio=1.0, cv=foldid, tol=1e-10,
                         cv_tol=1e-10).fit(X, y).cv_results_
    assert not np.allclose(plain["mean_score"], res["mean_score"], rtol=1e-9)   # unequal folds
