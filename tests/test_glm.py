"""Poisson, gamma and Tweedie regression with an L2 penalty (issue 15, part 1): equal to
scikit-learn's GLMs at the converted strength, the Tweedie datafit's derivatives by finite
differences, sparse equal to dense, D² equal to scikit-learn's, bad targets named."""

import numpy as np
import pytest
import scipy.sparse as sp
from sklearn import linear_model as sk

from shrinkage import (GammaRegressor, PoissonRegressor, TweedieRegressor, convert_strength)
from shrinkage.datafits import Gamma, Tweedie, tweedie


def _data(family, n=400, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 5))
    eta = 0.3 + X @ np.array([0.5, -0.3, 0.0, 0.2, 0.1])
    if family == "poisson":
        y = rng.poisson(np.exp(eta)).astype(float)
    elif family == "gamma":
        y = rng.gamma(3.0, np.exp(eta) / 3.0)
    else:                                   # compound Poisson–gamma: zeros and amounts
        counts = rng.poisson(np.exp(eta - 0.5))
        y = np.array([rng.gamma(2.0, 1.0, k).sum() for k in counts])
    return X, y, rng.uniform(0.5, 2.0, n)


CASES = [
    ("poisson", lambda lam, **kw: PoissonRegressor(lam=lam, **kw),
     lambda a, **kw: sk.PoissonRegressor(alpha=a, **kw)),
    ("gamma", lambda lam, **kw: GammaRegressor(lam=lam, **kw),
     lambda a, **kw: sk.GammaRegressor(alpha=a, **kw)),
    ("tweedie", lambda lam, **kw: TweedieRegressor(power=1.5, lam=lam, **kw),
     lambda a, **kw: sk.TweedieRegressor(power=1.5, link="log", alpha=a, **kw)),
    ("gamma", lambda lam, **kw: TweedieRegressor(power=2.5, lam=lam, **kw),
     lambda a, **kw: sk.TweedieRegressor(power=2.5, link="log", alpha=a, **kw)),
]


@pytest.mark.filterwarnings("ignore::sklearn.exceptions.ConvergenceWarning")
@pytest.mark.parametrize("family, ours, theirs", CASES)
@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept", [True, False])
def test_equal_to_scikit_learn_at_the_converted_strength(family, ours, theirs, weighted,
                                                         fit_intercept):
    X, y, w = _data(family)
    sw = w if weighted else None
    alpha = 0.1
    lam = convert_strength(alpha, source="sklearn-glm").value
    assert lam == alpha / 2
    a = ours(lam, standardize=False, fit_intercept=fit_intercept, tol=1e-12).fit(X, y, sw)
    b = theirs(alpha, fit_intercept=fit_intercept, tol=1e-14, max_iter=10_000,
               solver="newton-cholesky").fit(X, y, sample_weight=sw)
    scale = np.max(np.abs(b.coef_))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=0, atol=1e-6 * scale)
    assert a.intercept_ == pytest.approx(b.intercept_, rel=1e-6, abs=1e-8)
    np.testing.assert_allclose(a.predict(X), b.predict(X), rtol=1e-6)
    assert a.score(X, y, sw) == pytest.approx(b.score(X, y, sample_weight=sw), abs=1e-9)


@pytest.mark.parametrize("power", [1.0, 1.2, 1.5, 1.8, 2.0, 2.5, 3.0])
def test_tweedie_derivatives_by_finite_differences(power):
    rng = np.random.default_rng(1)
    n = 20
    y = rng.gamma(2.0, 1.0, n) * (rng.random(n) < 0.7 if power < 2 else 1.0)
    eta = rng.normal(scale=0.5, size=n)
    sw = rng.random(n)
    sw /= sw.sum()
    d = tweedie(power)
    h = 1e-6
    fd = np.array([(d.value(y, eta + h * e, sw) - d.value(y, eta - h * e, sw)) / (2 * h)
                   for e in np.eye(n)])
    np.testing.assert_allclose(d.gradient(y, eta, sw), fd, rtol=1e-6, atol=1e-7 * np.abs(fd).max())
    g = lambda e: d.gradient(y, e, sw)          # noqa: E731
    fd2 = np.array([(g(eta + h * e) - g(eta - h * e))[i] / (2 * h)
                    for i, e in enumerate(np.eye(n))])
    if power <= 2:                              # the observed curvature
        np.testing.assert_allclose(d.hessian_diag(y, eta, sw), fd2, rtol=1e-5,
                                   atol=1e-7 * np.abs(fd2).max())
    else:                                       # Fisher scoring: the expected curvature
        np.testing.assert_allclose(d.hessian_diag(y, eta, sw), sw * np.exp((2 - power) * eta),
                                   rtol=1e-12)
    c = d.null_eta(y, sw)
    assert abs(d.gradient(y, np.full(n, c), sw).sum()) < 1e-12


def test_tweedie_loss_is_half_the_unit_deviance_up_to_a_constant():
    """Against scikit-learn's unit deviance: differences in μ agree exactly."""
    from sklearn._loss.loss import HalfTweedieLoss
    rng = np.random.default_rng(2)
    y = rng.gamma(2.0, 1.0, 50)
    e1, e2 = rng.normal(size=50), rng.normal(size=50)
    for power in (1.5, 2.0, 3.0):
        ref = HalfTweedieLoss(power=power)
        ours = tweedie(power)
        np.testing.assert_allclose(ours.loss(y, e1) - ours.loss(y, e2),
                                   ref.loss(y, e1) - ref.loss(y, e2), rtol=1e-10, atol=1e-12)
    assert isinstance(tweedie(2), Gamma) and tweedie(1).name == "poisson"


@pytest.mark.parametrize("make", [lambda: PoissonRegressor(), lambda: GammaRegressor(),
                                  lambda: TweedieRegressor(power=1.5)])
def test_sparse_equals_dense(make):
    family = {"PoissonRegressor": "poisson", "GammaRegressor": "gamma"}.get(
        type(make()).__name__, "tweedie")
    X, y, w = _data(family)
    X[np.abs(X) < 0.8] = 0.0
    dense = make().fit(X, y, sample_weight=w)
    sparse = make().fit(sp.csr_matrix(X), y, sample_weight=w)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(sparse.predict(sp.csc_matrix(X)), dense.predict(X), rtol=1e-9)


def test_standardize_penalizes_the_standardized_coefficients():
    """standardize=True equals the fit on standardized columns, mapped back."""
    X, y, _ = _data("poisson")
    X = X * np.array([1.0, 10.0, 0.1, 3.0, 1.0])
    a = PoissonRegressor(lam=0.05).fit(X, y)
    m, s = X.mean(axis=0), X.std(axis=0)
    b = PoissonRegressor(lam=0.05, standardize=False).fit((X - m) / s, y)
    np.testing.assert_allclose(a.coef_, b.coef_ / s, rtol=1e-9)


@pytest.mark.parametrize("make, y, match", [
    (PoissonRegressor, np.r_[-1.0, np.ones(9)], r"y holds -1 \(row 0\); the poisson family "
                                               r"needs y >= 0"),
    (PoissonRegressor, np.zeros(10), r"every y is zero"),
    (GammaRegressor, np.r_[1.0, 0.0, np.ones(8)], r"y holds 0 \(row 1\); the gamma family "
                                                 r"needs y > 0"),
    (lambda: TweedieRegressor(power=1.5), np.r_[np.ones(9), -2.0], r"row 9"),
])
def test_targets_outside_the_family_are_refused_by_row(make, y, match):
    X = np.random.default_rng(0).normal(size=(10, 2))
    with pytest.raises(ValueError, match=match):
        make().fit(X, y)


@pytest.mark.parametrize("power", [0.5, 0, -1, float("nan"), "1.5", True])
def test_a_power_without_a_log_link_family_is_refused(power):
    X, y, _ = _data("gamma", n=20)
    with pytest.raises(ValueError, match="power must be a number >= 1"):
        TweedieRegressor(power=power).fit(X, y)
    with pytest.raises(ValueError, match="power must be a number > 1"):
        Tweedie(power if power != "1.5" else None)


def test_an_offset_is_the_log_exposure_of_a_rate_model():
    """λ = 0: statsmodels' GLM with the same offset (and its standard errors); λ > 0:
    scikit-learn's fit of the rate y/e with weights e, whose objective is ours times n/Σe."""
    sm = pytest.importorskip("statsmodels.api")
    rng = np.random.default_rng(3)
    n = 1000
    X = rng.normal(size=(n, 3))
    expo = rng.uniform(0.1, 1.0, n)
    y = rng.poisson(expo * np.exp(-1.0 + X @ np.array([0.4, -0.2, 0.0]))).astype(float)
    ours = PoissonRegressor(lam=0, tol=1e-12).fit(X, y, offset=np.log(expo))
    res = sm.GLM(y, sm.add_constant(X), family=sm.families.Poisson(),
                 offset=np.log(expo)).fit(tol=1e-12)
    np.testing.assert_allclose(np.r_[ours.intercept_, ours.coef_], res.params, rtol=1e-8)
    table = ours.summary(X, y, offset=np.log(expo))
    np.testing.assert_allclose(table["std_err"], res.bse, rtol=1e-6)
    np.testing.assert_allclose(ours.predict(X, offset=np.log(expo)), res.fittedvalues,
                               rtol=1e-8)
    alpha = 0.1
    theirs = sk.PoissonRegressor(alpha=alpha, tol=1e-14, max_iter=10_000,
                                 solver="newton-cholesky").fit(X, y / expo, sample_weight=expo)
    ours = PoissonRegressor(lam=alpha / 2 * expo.mean(), standardize=False,
                            tol=1e-12).fit(X, y, offset=np.log(expo))
    np.testing.assert_allclose(ours.coef_, theirs.coef_, rtol=1e-6)
    with pytest.raises(ValueError, match=r"offset contains nan \(row 2\)"):
        PoissonRegressor().fit(X, y, offset=np.r_[0.0, 0.0, np.nan, np.zeros(n - 3)])
    with pytest.raises(ValueError, match=r"offset must be numbers, one per row \(1000\)"):
        PoissonRegressor().fit(X, y, offset=np.zeros(3))
    with pytest.raises(TypeError, match="takes no offset"):
        from shrinkage import Ridge
        Ridge().fit(X, y).summary(X, y, offset=np.zeros(n))
