"""Coordinate descent and FISTA: equal to scikit-learn at converted strengths, certificates."""

import warnings

import numpy as np
import pytest
from sklearn.linear_model import ElasticNet as SkElasticNet
from sklearn.linear_model import Lasso as SkLasso
from sklearn.linear_model import LogisticRegression as SkLogistic

from shrinkage import ElasticNet, Lasso, Ridge, convert_strength
from shrinkage.penalties import ElasticNet as ENPenalty, GroupL2
from shrinkage.solvers import lam_max as null_lam_max
from shrinkage.solvers.cd import (enet_path, fold_gram_problems, gram_problem, make_problem,
                                  naive_problem)
from shrinkage.solvers.prox_newton import solve_logistic_enet
from shrinkage.solvers.prox import solve_group_lasso


def data(n, p, seed=0, weights=False):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    y = X[:, :3] @ np.array([1.0, -2.0, 0.5]) + r.normal(size=n)
    return X, y, (r.uniform(0.5, 2.0, n) if weights else None)


def rel(a, b):
    return np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300)


SHAPES = [(60, 8), (25, 40)]          # covariance mode (n > p) and naive mode (p > n)


@pytest.mark.parametrize("n, p", SHAPES)
@pytest.mark.parametrize("r", [1.0, 0.5, 0.1])
@pytest.mark.parametrize("weights", [False, True])
def test_equals_sklearn_elastic_net_unstandardized(n, p, r, weights):
    X, y, s = data(n, p, weights=weights)
    alpha = 0.05
    lam, rho = convert_strength(alpha, source="sklearn-elasticnet", l1_ratio=r)
    ours = ElasticNet(lam, l1_ratio=rho, standardize=False, tol=1e-13,
                      max_iter=100_000).fit(X, y, s)
    sk = SkElasticNet(alpha=alpha, l1_ratio=r, tol=1e-15, max_iter=1_000_000).fit(X, y, s)
    assert rel(ours.coef_, sk.coef_) < 1e-6
    assert ours.intercept_ == pytest.approx(sk.intercept_, rel=1e-6, abs=1e-9)
    assert np.array_equal(ours.coef_ != 0, sk.coef_ != 0)


@pytest.mark.parametrize("n, p", SHAPES)
def test_equals_sklearn_lasso_on_standardized_data_mapped_back(n, p):
    X, y, _ = data(n, p, seed=3)
    m, sd = X.mean(axis=0), X.std(axis=0)          # population sd, as StandardScaler
    alpha = 0.1
    sk = SkLasso(alpha=alpha, tol=1e-15, max_iter=1_000_000).fit((X - m) / sd, y)
    coef = sk.coef_ / sd
    ours = Lasso(2 * alpha, tol=1e-13, max_iter=100_000).fit(X, y)
    assert rel(ours.coef_, coef) < 1e-6
    assert ours.intercept_ == pytest.approx(sk.intercept_ - m @ coef, rel=1e-6)


def test_gram_and_naive_modes_agree_and_paths_equal_single_fits():
    X, y, s = data(50, 12, seed=4, weights=True)
    sw = s / s.sum()
    lams = np.geomspace(1.0, 1e-3, 15)
    paths = [enet_path(make_problem(X, y, sw, mode=mode), lams, l1_ratio=0.7, tol=1e-13)
             for mode in ("gram", "naive")]
    np.testing.assert_allclose(paths[0].beta, paths[1].beta, rtol=1e-9, atol=1e-11)
    prob = gram_problem(X, y, sw)
    for k in (0, 7, 14):
        single = enet_path(prob, [lams[k]], l1_ratio=0.7, tol=1e-13).beta[0]
        np.testing.assert_allclose(paths[0].beta[k], single, rtol=1e-9, atol=1e-11)


def test_fold_gram_problems_equal_problems_built_on_training_rows():
    X, y, s = data(40, 5, seed=5, weights=True)
    splits = [(np.setdiff1d(np.arange(40), te), te) for te in np.array_split(np.arange(40), 4)]
    full, folds = fold_gram_problems(X, y, s, splits)
    ref = gram_problem(X, y, s / s.sum())
    np.testing.assert_allclose(full.G, ref.G, rtol=1e-12)
    for (tr, _), fold in zip(splits, folds):
        direct = gram_problem(X[tr], y[tr], s[tr] / s[tr].sum())
        for key in ("G", "q", "mean", "scale"):
            np.testing.assert_allclose(getattr(fold, key), getattr(direct, key), rtol=1e-10,
                                       atol=1e-12)
        assert fold.ybar == pytest.approx(direct.ybar, rel=1e-12)


def _certificate(X, y, sw, coef, intercept, standardize, pen, datafit="squared"):
    """Largest subdifferential distance in the coordinates the penalty acts on."""
    m = sw @ X
    sd = np.sqrt(sw @ (X - m) ** 2) if standardize else np.ones(X.shape[1])
    eta = X @ coef + intercept
    if datafit == "squared":
        g = -2 * sw * (y - eta)
    else:
        g = sw * (1 / (1 + np.exp(-eta)) - y)
    grad = ((X - m) / sd).T @ g
    assert abs(g.sum()) < 1e-9            # intercept optimal
    return np.max(pen.subdiff_distance(coef * sd, grad))


@pytest.mark.parametrize("n, p", SHAPES)
@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_cd_certificate_squared_error(n, p, rho):
    X, y, s = data(n, p, seed=6, weights=True)
    f = np.linspace(0.0, 2.0, p)
    model = ElasticNet(0.05, l1_ratio=rho, penalty_factor=f, tol=1e-12).fit(X, y, s)
    pen = ENPenalty(0.05, rho, f)
    assert _certificate(X, y, s / s.sum(), model.coef_, model.intercept_, True, pen) < 1e-9


@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_logistic_cd_certificate(rho):
    X, y, s = data(80, 6, seed=7, weights=True)
    yb = (y > 0).astype(float)
    f = np.array([1.0, 0.0, 1, 2, 1, 1])
    res = solve_logistic_enet(X, yb, s, lam=0.02, l1_ratio=rho, penalty_factor=f, tol=1e-11)
    assert res.converged
    pen = ENPenalty(0.02, rho, f)
    assert _certificate(X, yb, s / s.sum(), res.coef, res.intercept, True, pen, "logistic") < 1e-9


@pytest.mark.parametrize("datafit", ["squared", "logistic"])
def test_fista_group_certificate(datafit):
    X, y, s = data(70, 6, seed=8, weights=True)
    target = y if datafit == "squared" else (y > 0).astype(float)
    groups = [0, 0, 1, 1, 1, 2]
    name = "squared_error" if datafit == "squared" else "logistic"
    lam = 0.5 * null_lam_max(GroupL2(1.0, groups), X, target, s, datafit=name)
    res = solve_group_lasso(X, target, s, lam=lam, groups=groups, tol=1e-11,
                            datafit="squared_error" if datafit == "squared" else "logistic")
    assert res.converged and 0 < np.count_nonzero(res.coef) < 6
    cert = _certificate(X, target, s / s.sum(), res.coef, res.intercept, True,
                        GroupL2(lam, groups), datafit)
    assert cert < 1e-9


def test_group_lasso_of_singletons_equals_lasso():
    X, y, s = data(50, 6, seed=9, weights=True)
    res = solve_group_lasso(X, y, s, lam=0.3, groups=np.arange(6), group_weights=np.ones(6),
                            tol=1e-12)
    las = Lasso(0.3, tol=1e-13).fit(X, y, s)
    assert rel(res.coef, las.coef_) < 1e-8


def test_logistic_equals_sklearn_saga_at_converted_strength():
    # saga converges slowly; small data and tol=1e-10 get it to ~1e-8 relative here
    X, y, _ = data(60, 5, seed=10)
    yb = (y > 0).astype(float)
    C, r = 0.5, 0.5
    lam, rho = convert_strength(C, source="sklearn-logistic", l1_ratio=r, n_samples=60)
    res = solve_logistic_enet(X, yb, lam=lam, l1_ratio=rho, standardize=False, tol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        sk = SkLogistic(penalty="elasticnet", solver="saga", l1_ratio=r, C=C, tol=1e-10,
                        max_iter=100_000).fit(X, yb)
    assert rel(res.coef, sk.coef_[0]) < 1e-6
    # the intercept is small here (0.02): compare it on the scale of the coefficients
    assert abs(res.intercept - sk.intercept_[0]) < 1e-6 * np.max(np.abs(sk.coef_))


def test_l1_ratio_zero_equals_ridge():
    X, y, s = data(40, 6, seed=11, weights=True)
    en = ElasticNet(0.3, l1_ratio=0.0, tol=1e-13).fit(X, y, s)
    ridge = Ridge(0.3).fit(X, y, s)
    assert rel(en.coef_, ridge.coef_) < 1e-9
    assert en.intercept_ == pytest.approx(ridge.intercept_, rel=1e-9)


def test_not_converging_warns_with_the_fix():
    X, y, _ = data(30, 50, seed=12)
    from sklearn.exceptions import ConvergenceWarning
    with pytest.warns(ConvergenceWarning, match="raise max_iter"):
        Lasso(1e-4, max_iter=2).fit(X, y)


def test_glum_elastic_net_with_standardization():
    glum = pytest.importorskip("glum", reason="glum is not installed (optional comparison)")
    X, y, _ = data(60, 6, seed=13)
    # glum: (1/2n)Σ(y−ŷ)² + α[r‖w‖₁ + (1−r)/2‖w‖²] on standardized features (glmnet's form)
    alpha, r = 0.05, 0.5
    g = glum.GeneralizedLinearRegressor(alpha=alpha, l1_ratio=r, scale_predictors=True,
                                        gradient_tol=1e-12).fit(X, y)
    lam, rho = convert_strength(alpha, source="glum-gaussian", l1_ratio=r)
    ours = ElasticNet(lam, l1_ratio=rho, tol=1e-13).fit(X, y)
    assert rel(ours.coef_, g.coef_) < 1e-6


def correlated(n, p, seed=0, rho=0.95):
    """An AR(1)-correlated design: slow for plain coordinate descent (tests the active-set
    settling and the Anderson extrapolation)."""
    r = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = r.normal(size=n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * r.normal(size=n)
    y = X[:, :10] @ r.normal(size=10) + r.normal(size=n)
    return X, y


@pytest.mark.parametrize("r", [1.0, 0.5])
def test_correlated_design_path_equals_sklearn_with_certificates(r):
    from sklearn.linear_model import enet_path as sk_enet_path
    X, y = correlated(300, 60, seed=14)
    n = len(y)
    sw = np.full(n, 1.0 / n)
    gram = gram_problem(X, y, sw, standardize=False)
    naive = naive_problem(X, y, sw, standardize=False)
    rho = 2 * r / (1 + r)
    alphas = np.geomspace(1.0, 1e-3, 30) * np.max(np.abs(X.T @ (y - y.mean()))) / (n * r)
    lams = alphas * (1 + r)
    pg = enet_path(gram, lams, l1_ratio=rho, tol=1e-12)
    pn = enet_path(naive, lams, l1_ratio=rho, tol=1e-12)
    assert np.max(pg.kkt) <= 1e-12 * gram.null_scale and np.max(pn.kkt) <= 1e-12 * naive.null_scale
    np.testing.assert_allclose(pg.beta, pn.beta, rtol=1e-7, atol=1e-9)
    Xc, yc = X - X.mean(axis=0), y - y.mean()
    _, sk, _ = sk_enet_path(Xc, yc, l1_ratio=r, alphas=alphas, tol=1e-14, max_iter=100_000)
    assert rel(pg.beta, sk.T) < 1e-6
    pen = ENPenalty(lams[-1], rho)
    coef, b = gram.to_original(pg.beta[-1])
    assert _certificate(X, y, sw, coef, b, False, pen) < 1e-10


@pytest.mark.parametrize("weights", [False, True])
def test_fold_gram_problems_with_contiguous_folds(weights):
    from sklearn.model_selection import KFold
    X, y, s = data(90, 7, seed=15, weights=weights)
    splits = list(KFold(3).split(X))                       # contiguous test rows
    _, folds = fold_gram_problems(X, y, s, splits)
    s = np.ones(len(y)) if s is None else s
    for (tr, _), fold in zip(splits, folds):
        direct = gram_problem(X[tr], y[tr], s[tr] / s[tr].sum())
        for key in ("G", "q", "mean", "scale"):
            np.testing.assert_allclose(getattr(fold, key), getattr(direct, key), rtol=1e-10,
                                       atol=1e-12)


def test_cv_fold_tolerance_keeps_the_curve_and_the_choice():
    from shrinkage import ElasticNetCV
    X, y = correlated(400, 40, seed=16)
    # a tight tol (the default is 1e-4): the certificate below asserts the polish to tol/1000
    loose = ElasticNetCV(lams=40, l1_ratio=2 / 3, standardize=False, tol=1e-7).fit(X, y)
    tight = ElasticNetCV(lams=40, l1_ratio=2 / 3, standardize=False, tol=1e-7,
                         cv_tol=1e-12).fit(X, y)
    a, b = loose.cv_results_["mean_score"], tight.cv_results_["mean_score"]
    assert np.max(np.abs(a - b) / np.abs(b)) < 1e-4
    assert loose.lam_ == tight.lam_
    np.testing.assert_allclose(loose.coef_, tight.coef_, rtol=1e-7, atol=1e-10)
    # the chosen model is polished to tol / 1000
    n = len(y)
    pen = ENPenalty(loose.lam_, 2 / 3)
    cert = _certificate(X, y, np.full(n, 1 / n), loose.coef_, loose.intercept_, False, pen)
    null = np.max(np.abs(2 * (X - X.mean(axis=0)).T @ (y - y.mean()) / n))
    assert cert <= 1e-9 * null


def test_glum_binomial_elastic_net_with_standardization_and_weights():
    glum = pytest.importorskip("glum", reason="glum is not installed (optional comparison)")
    from shrinkage import LogisticRegression
    X, y, s = data(120, 5, seed=17, weights=True)
    yb = (y > np.median(y)).astype(float)
    # glum binomial: (1/Σs)Σ s_i ℓ_i + α[r‖w‖₁ + (1−r)/2‖w‖²], ℓ the log-loss (no ½ on it)
    alpha, r = 0.02, 0.5
    g = glum.GeneralizedLinearRegressor(family="binomial", alpha=alpha, l1_ratio=r,
                                        scale_predictors=True, gradient_tol=1e-12)
    g.fit(X, yb, sample_weight=s)
    lam, rho = convert_strength(alpha, source="glmnet-binomial", l1_ratio=r)
    ours = LogisticRegression(lam, l1_ratio=rho, tol=1e-12).fit(X, yb, sample_weight=s)
    assert rel(ours.coef_[0], g.coef_) < 1e-6
    assert ours.intercept_[0] == pytest.approx(g.intercept_, rel=1e-6, abs=1e-8)


@pytest.mark.parametrize("rho", [1.0, 0.5])
def test_logistic_screening_same_solution_certificate_and_fewer_coordinate_updates(rho):
    r = np.random.default_rng(18)
    n, p = 60, 600                                         # p ≫ n
    X = r.normal(size=(n, p)) * r.uniform(0.5, 2, p)
    yb = (X[:, :5] @ np.array([2.0, -2, 1.5, 1, -1]) + 0.5 * r.normal(size=n) > 0).astype(float)
    s = r.uniform(0.5, 2.0, n)
    f = np.ones(p)
    f[7] = 0.0                                             # one unpenalized feature
    lam = 0.1 * null_lam_max(ENPenalty(1.0, rho, f), X, yb, s, datafit="logistic")
    kw = dict(lam=lam, l1_ratio=rho, penalty_factor=f, tol=1e-12)
    on = solve_logistic_enet(X, yb, s, screen=True, **kw)
    off = solve_logistic_enet(X, yb, s, screen=False, **kw)
    assert on.converged and off.converged and 5 < np.count_nonzero(on.coef) < 100
    assert rel(on.coef, off.coef) < 1e-9
    assert on.intercept == pytest.approx(off.intercept, rel=1e-9, abs=1e-12)
    assert np.array_equal(on.coef != 0, off.coef != 0)
    pen = ENPenalty(lam, rho, f)
    cert = _certificate(X, yb, s / s.sum(), on.coef, on.intercept, True, pen, "logistic")
    assert cert < 1e-11
    # unscreened: every one of the p coordinates on every inner pass
    assert off.n_coord_updates % p == 0
    assert on.n_coord_updates < off.n_coord_updates / 5
