"""Box constraints ``lower_bounds`` / ``upper_bounds`` (issue 15) on Lasso / ElasticNet, binary
LogisticRegression and the GLMs: the solution satisfies the bound-aware certificate (and no
feasible move lowers the objective), equals a generic constrained optimizer, and R's glmnet
``lower.limits`` / ``upper.limits``."""

import numpy as np
import pytest
from scipy.optimize import minimize

from shrinkage import ElasticNet, Lasso, PoissonRegressor, convert_strength
from shrinkage.penalties import ElasticNet as ENPenalty
from shrinkage.penalties import enet_distances

from _rglmnet import R_MARK, run_r


def _data(seed=0, n=150, p=6):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p)
    y = X @ [1.5, -1.0, 0.8, -0.4, 0.0, 0.3] + rng.normal(size=n) + 1.0
    return rng, X, y


LO = np.array([-np.inf, -0.3, 0.0, -np.inf, -1.0, 0.0])
HI = np.array([0.7, np.inf, np.inf, 0.0, 1.0, 0.0])


def test_bounded_elastic_net_is_certified_and_beats_every_feasible_move():
    rng, X, y = _data()
    lam, rho = 0.05, 0.5
    m = ElasticNet(lam=lam, l1_ratio=rho, lower_bounds=LO, upper_bounds=HI, standardize=False,
                   tol=1e-12).fit(X, y)
    w, b = m.coef_, m.intercept_
    assert np.all(w >= LO) and np.all(w <= HI)
    assert w[0] == 0.7 and w[5] == 0.0                           # bounds that bind
    sw = np.full(y.size, 1 / y.size)
    g = X.T @ (-2 * sw * (y - X @ w - b))
    l1, l2 = ENPenalty(lam, rho).weights(X.shape[1])
    assert np.max(enet_distances(w, g, l1, l2, LO, HI)) < 1e-10
    assert np.max(enet_distances(w, g, l1, l2)) > 0.1            # unconstrained: not optimal
    J = (lambda c, c0: np.mean((y - X @ c - c0) ** 2) + ENPenalty(lam, rho).value(c))
    base = J(w, b)
    for j in range(X.shape[1]):
        for h in (1e-4, -1e-4):
            c = w.copy()
            c[j] = np.clip(c[j] + h, LO[j], HI[j])
            if c[j] != w[j]:
                assert J(c, b) > base


def test_bounded_lasso_equals_a_generic_constrained_solver():
    """The lasso with lower_bounds=0 is a smooth problem over w ≥ 0 (|w| = w there): L-BFGS-B."""
    rng, X, y = _data(1)
    lam = 0.1
    ours = Lasso(lam=lam, lower_bounds=0.0, standardize=False, tol=1e-12).fit(X, y)
    Xc, yc = X - X.mean(0), y - y.mean()

    def f(w):
        r = yc - Xc @ w
        return np.mean(r ** 2) + lam * w.sum(), -2 * Xc.T @ r / y.size + lam
    ref = minimize(f, np.zeros(X.shape[1]), jac=True, method="L-BFGS-B",
                   bounds=[(0, None)] * X.shape[1], options={"ftol": 1e-15, "gtol": 1e-12})
    np.testing.assert_allclose(ours.coef_, ref.x, atol=1e-6)
    assert np.all(ours.coef_ >= 0) and np.count_nonzero(ours.coef_) < X.shape[1]


def test_bad_bounds_are_refused_by_name():
    rng, X, y = _data()
    with pytest.raises(ValueError, match=r"lower_bounds\[1\] is 0.5"):
        Lasso(lower_bounds=[0, 0.5, 0, 0, 0, 0]).fit(X, y)
    with pytest.raises(ValueError, match="upper_bounds has shape"):
        Lasso(upper_bounds=[1.0, 2.0]).fit(X, y)
    with pytest.raises(ValueError, match="relax"):
        Lasso(lower_bounds=0, relax=True).fit(X, y)


@R_MARK
def test_bounds_equal_r_glmnet_limits(tmp_path):
    rng, X, y = _data(2)
    counts = rng.poisson(np.exp(0.3 + 0.3 * X[:, 0] - 0.2 * X[:, 1])).astype(float)
    lo, hi = np.where(np.isinf(LO), -1e9, LO), np.where(np.isinf(HI), 1e9, HI)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; cnt <- rd("cnt.csv")[, 1]
lo <- rd("lo.csv")[, 1]; hi <- rd("hi.csv")[, 1]
f <- glmnet(X, y, alpha=1, lambda=0.05, lower.limits=lo, upper.limits=hi, thresh=1e-14)
out("gauss", coef(f))
f <- glmnet(X, cnt, family="poisson", alpha=1, lambda=0.02, lower.limits=lo,
            upper.limits=hi, thresh=1e-14, maxit=1e6)
out("pois", coef(f))""", X=X, y=y, cnt=counts, lo=lo, hi=hi)
    lam = convert_strength(0.05, source="glmnet-gaussian", l1_ratio=1.0).value
    ours = Lasso(lam=lam, lower_bounds=LO, upper_bounds=HI, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(np.r_[ours.intercept_, ours.coef_], got["gauss"], atol=1e-6)
    lam, rho = convert_strength(0.02, source="glmnet-poisson", l1_ratio=1.0)
    pois = PoissonRegressor(lam=lam, l1_ratio=rho, lower_bounds=LO, upper_bounds=HI,
                            tol=1e-12).fit(X, counts)
    np.testing.assert_allclose(np.r_[pois.intercept_, pois.coef_], got["pois"], atol=1e-6)


def _binary(seed=3, n=200):
    rng, X, y = _data(seed, n=n)
    eta = 0.6 * (y - y.mean()) / y.std()
    return X, (rng.random(n) < 1 / (1 + np.exp(-eta))).astype(int)


def test_bounded_logistic_regression_is_certified_and_equals_l_bfgs_b():
    """L2 logistic regression over a box is smooth in w: L-BFGS-B on the same objective."""
    from shrinkage import LogisticRegression
    X, y = _binary()
    lam = 0.02
    m = LogisticRegression(lam=lam, lower_bounds=LO, upper_bounds=HI, standardize=False,
                           tol=1e-12).fit(X, y)
    w, b = m.coef_[0], m.intercept_[0]
    assert np.all(w >= LO) and np.all(w <= HI) and m.kkt_ < 1e-10

    def f(theta):
        eta = X @ theta[:-1] + theta[-1]
        val = np.mean(np.logaddexp(0, eta) - y * eta) + lam * theta[:-1] @ theta[:-1]
        r = (1 / (1 + np.exp(-eta)) - y) / y.size
        return val, np.r_[X.T @ r + 2 * lam * theta[:-1], r.sum()]
    box = [(lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None)
           for lo, hi in zip(LO, HI)] + [(None, None)]
    ref = minimize(f, np.zeros(X.shape[1] + 1), jac=True, method="L-BFGS-B", bounds=box,
                   options={"ftol": 1e-15, "gtol": 1e-12, "maxiter": 10_000})
    np.testing.assert_allclose(np.r_[w, b], ref.x, atol=1e-6)
    sw = np.full(y.size, 1 / y.size)
    g = X.T @ (sw * (1 / (1 + np.exp(-(X @ w + b))) - y))
    l1, l2 = ENPenalty(lam, 0.0).weights(X.shape[1])
    assert np.max(enet_distances(w, g, l1, l2, LO, HI)) < 1e-9     # the box-aware certificate
    assert np.max(enet_distances(w, g, l1, l2)) > 1e-3            # unconstrained: not optimal


def test_bounded_logistic_refusals_and_sparse_input():
    import scipy.sparse as sp
    from shrinkage import LogisticRegression
    X, y = _binary()
    # sparse X is no longer refused: the bounded fit runs CD on its CSC columns (two classes)
    dense = LogisticRegression(lower_bounds=0, tol=1e-10).fit(X, y)
    sparse = LogisticRegression(lower_bounds=0, tol=1e-10).fit(sp.csr_matrix(X), y)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-8)
    with pytest.raises(TypeError, match="bounds on a multinomial fit take dense X"):
        LogisticRegression(lower_bounds=0).fit(sp.csr_matrix(X), np.arange(y.size) % 3)
    with pytest.raises(ValueError, match=r"upper_bounds\[0\] is -1"):
        LogisticRegression(upper_bounds=[-1, 0, 0, 0, 0, 0]).fit(X, y)


@R_MARK
def test_bounded_logistic_equals_r_glmnet_binomial_limits(tmp_path):
    from shrinkage import LogisticRegression
    X, y = _binary(4)
    lo, hi = np.where(np.isinf(LO), -1e9, LO), np.where(np.isinf(HI), 1e9, HI)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; lo <- rd("lo.csv")[, 1]; hi <- rd("hi.csv")[, 1]
for (a in c(1, 0.5)) {
  f <- glmnet(X, y, family="binomial", alpha=a, lambda=0.01, lower.limits=lo,
              upper.limits=hi, thresh=1e-14, maxit=1e6)
  out(paste0("a", a), coef(f))
}""", X=X, y=y, lo=lo, hi=hi)
    for a in (1, 0.5):
        lam, rho = convert_strength(0.01, source="glmnet-binomial", l1_ratio=a)
        m = LogisticRegression(lam=lam, l1_ratio=rho, lower_bounds=LO, upper_bounds=HI,
                               tol=1e-12).fit(X, y)
        np.testing.assert_allclose(np.r_[m.intercept_, m.coef_[0]], got[f"a{a}"], atol=1e-6)
