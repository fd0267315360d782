"""Multinomial ``LogisticRegression`` with an n × K ``offset=`` and with ``lower_bounds`` /
``upper_bounds`` (issue 15, glmnet's ``family="multinomial"`` ``offset`` and
``lower.limits`` / ``upper.limits``): equal to a direct scipy minimization of the same objective
(L-BFGS-B; an L1 part split into positive and negative parts) and to R's glmnet (those tests skip
where R's glmnet is missing); the box-aware certificate holds and the unconstrained one does
not."""

import numpy as np
import pytest
from scipy.optimize import minimize

from shrinkage import LogisticRegression, convert_strength
from shrinkage.penalties import ElasticNet as ENPenalty
from shrinkage.penalties import enet_distances

from _rglmnet import R_MARK, run_r

K = 3
LO = np.array([-np.inf, -0.2, 0.0, -0.5, -np.inf])
HI = np.array([0.5, np.inf, 0.3, 0.0, np.inf])


def _data(seed=0, n=160, p=5):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 2.0, p) + rng.normal(size=p)
    Z = (X - X.mean(0)) / X.std(0)
    off = 0.8 * rng.normal(size=(n, K))
    y = np.argmax(Z[:, :K] + off + 1.2 * rng.normal(size=(n, K)), axis=1)
    return X, y, off


def _scipy_fit(X, y, lam, rho, off=None, box=None):
    """``mean CE(Y, XWᵀ + b + off) + λ Σ (1−ρ)W² + ρ|W|`` (``standardize=False``) by L-BFGS-B:
    W = U − V with U, V ≥ 0 for an L1 part (no box then), else W itself with the box."""
    n, p = X.shape
    Y = np.eye(K)[y]
    off = np.zeros((n, K)) if off is None else off
    split = rho > 0

    def f(theta):
        if split:
            U, V = theta[:K * p].reshape(K, p), theta[K * p:2 * K * p].reshape(K, p)
            W, b = U - V, theta[2 * K * p:]
        else:
            W, b = theta[:K * p].reshape(K, p), theta[K * p:]
        eta = X @ W.T + b + off
        lse = np.logaddexp.reduce(eta, axis=1)
        P = np.exp(eta - lse[:, None])
        R = (P - Y) / n
        gW = R.T @ X + 2 * lam * (1 - rho) * W
        val = np.mean(lse - np.sum(Y * eta, axis=1)) + lam * (1 - rho) * np.sum(W ** 2)
        if split:
            val += lam * rho * np.sum(U + V)
            return val, np.r_[(gW + lam * rho).ravel(), (-gW + lam * rho).ravel(), R.sum(0)]
        return val, np.r_[gW.ravel(), R.sum(0)]
    if split:
        bounds = [(0, None)] * (2 * K * p) + [(None, None)] * K
        x0 = np.zeros(2 * K * p + K)
    else:
        lims = [(None, None)] * p if box is None else \
            [(lo if np.isfinite(lo) else None, hi if np.isfinite(hi) else None)
             for lo, hi in zip(*box)]
        bounds = lims * K + [(None, None)] * K
        x0 = np.zeros(K * p + K)
    ref = minimize(f, x0, jac=True, method="L-BFGS-B", bounds=bounds,
                   options={"ftol": 1e-16, "gtol": 1e-13, "maxiter": 50_000, "maxcor": 30})
    x = ref.x
    W = x[:K * p].reshape(K, p) - x[K * p:2 * K * p].reshape(K, p) if split \
        else x[:K * p].reshape(K, p)
    b = x[-K:]
    return W, b - b.mean()


@pytest.mark.parametrize("rho", [0.0, 0.5])
def test_multinomial_offset_equals_scipy_on_the_same_objective(rho):
    X, y, off = _data(1)
    lam = 0.02
    m = LogisticRegression(lam=lam, l1_ratio=rho, standardize=False, tol=1e-12).fit(
        X, y, offset=off)
    W, b = _scipy_fit(X, y, lam, rho, off)
    np.testing.assert_allclose(m.coef_, W, atol=1e-6)
    np.testing.assert_allclose(m.intercept_ - m.intercept_.mean(), b, atol=1e-6)
    # the offset matters: without it the fit differs
    plain = LogisticRegression(lam=lam, l1_ratio=rho, standardize=False, tol=1e-12).fit(X, y)
    assert np.max(np.abs(plain.coef_ - m.coef_)) > 1e-2
    eta = X @ m.coef_.T + m.intercept_ + off
    np.testing.assert_allclose(m.decision_function(X, offset=off), eta, atol=1e-12)
    P = np.exp(eta - np.logaddexp.reduce(eta, axis=1)[:, None])
    np.testing.assert_allclose(m.predict_proba(X, offset=off), P, atol=1e-12)
    np.testing.assert_allclose(m.predict_log_proba(X, offset=off), np.log(P), atol=1e-10)
    np.testing.assert_array_equal(m.predict(X, offset=off), np.argmax(eta, axis=1))


def test_multinomial_offset_refusals():
    X, y, off = _data(2)
    with pytest.raises(ValueError, match=r"shape \(160, 3\), one column per class"):
        LogisticRegression().fit(X, y, offset=off[:, 0])
    m = LogisticRegression().fit(X, y, offset=off)
    with pytest.raises(ValueError, match=r"shape \(160, 3\)"):
        m.predict_proba(X, offset=off[:, :2])
    bad = off.copy()
    bad[4, 1] = np.nan
    with pytest.raises(ValueError, match=r"offset contains nan \(row 4\)"):
        LogisticRegression().fit(X, y, offset=bad)


def test_multinomial_bounds_equal_l_bfgs_b_and_the_box_certificate_holds():
    X, y, _ = _data(3)
    lam = 0.01
    m = LogisticRegression(lam=lam, lower_bounds=LO, upper_bounds=HI, standardize=False,
                           tol=1e-12).fit(X, y)
    assert np.all(m.coef_ >= LO) and np.all(m.coef_ <= HI) and m.kkt_ < 1e-10
    assert np.any(m.coef_ == LO) and np.any(m.coef_ == HI)          # bounds that bind
    W, b = _scipy_fit(X, y, lam, 0.0, box=(LO, HI))
    np.testing.assert_allclose(m.coef_, W, atol=1e-6)
    np.testing.assert_allclose(m.intercept_, b, atol=1e-6)
    eta = X @ m.coef_.T + m.intercept_
    P = np.exp(eta - np.logaddexp.reduce(eta, axis=1)[:, None])
    G = (P - np.eye(K)[y]).T @ X / y.size
    l1, l2 = ENPenalty(lam, 0.0).weights(X.shape[1])
    assert np.max(enet_distances(m.coef_, G, l1, l2, LO, HI)) < 1e-9
    assert np.max(enet_distances(m.coef_, G, l1, l2)) > 1e-3       # unconstrained: not optimal


def test_multinomial_bounds_with_an_l1_part_and_an_offset_are_certified():
    X, y, off = _data(4)
    lam, rho = 0.01, 0.5
    m = LogisticRegression(lam=lam, l1_ratio=rho, lower_bounds=LO, upper_bounds=HI,
                           standardize=False, tol=1e-12).fit(X, y, offset=off)
    assert np.all(m.coef_ >= LO) and np.all(m.coef_ <= HI) and m.kkt_ < 1e-10
    eta = X @ m.coef_.T + m.intercept_ + off
    P = np.exp(eta - np.logaddexp.reduce(eta, axis=1)[:, None])
    G = (P - np.eye(K)[y]).T @ X / y.size
    l1, l2 = ENPenalty(lam, rho).weights(X.shape[1])
    assert np.max(enet_distances(m.coef_, G, l1, l2, LO, HI)) < 1e-9
    assert np.max(np.abs((P - np.eye(K)[y]).sum(0))) < 1e-9         # the intercepts


def _r_limits(v):
    return np.where(np.isinf(v), np.sign(v) * 1e9, v)


@R_MARK
def test_multinomial_offset_equals_r_glmnet(tmp_path):
    X, y, off = _data(5)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; off <- rd("off.csv")
for (a in c(0, 0.5)) {
  f <- glmnet(X, y, family="multinomial", alpha=a, lambda=0.02, offset=off, thresh=1e-14,
              maxit=1e6)
  cf <- coef(f)
  for (k in 1:3) out(paste0("a", a, "c", k - 1), as.matrix(cf[[k]]))
  out(paste0("a", a, "p"), predict(f, X, newoffset=off, type="response"))
}""", X=X, y=y, off=off)
    for a in (0, 0.5):
        lam, rho = convert_strength(0.02, source="glmnet-multinomial", l1_ratio=a)
        m = LogisticRegression(lam=lam, l1_ratio=rho, tol=1e-12).fit(X, y, offset=off)
        coef = np.array([got[f"a{a}c{k}"] for k in range(K)])
        np.testing.assert_allclose(np.c_[m.intercept_, m.coef_], coef, rtol=0,
                                   atol=1e-5 * np.max(np.abs(coef)))
        P = got[f"a{a}p"].reshape(K, -1).T
        np.testing.assert_allclose(m.predict_proba(X, offset=off), P, atol=1e-6)


@R_MARK
def test_multinomial_bounds_equal_r_glmnet_limits(tmp_path):
    X, y, off = _data(6)
    got = run_r(tmp_path, """
X <- rd("X.csv"); y <- rd("y.csv")[, 1]; lo <- rd("lo.csv")[, 1]; hi <- rd("hi.csv")[, 1]
off <- rd("off.csv")
for (a in c(0, 0.5)) {
  f <- glmnet(X, y, family="multinomial", alpha=a, lambda=0.01, lower.limits=lo,
              upper.limits=hi, thresh=1e-14, maxit=1e6)
  cf <- coef(f)
  for (k in 1:3) out(paste0("a", a, "c", k - 1), as.matrix(cf[[k]]))
  out(paste0("a", a, "p"), predict(f, X, type="response"))
}""", X=X, y=y, lo=_r_limits(LO), hi=_r_limits(HI), off=off)
    for a in (0, 0.5):
        lam, rho = convert_strength(0.01, source="glmnet-multinomial", l1_ratio=a)
        m = LogisticRegression(lam=lam, l1_ratio=rho, lower_bounds=LO, upper_bounds=HI,
                               tol=1e-12).fit(X, y)
        P = got[f"a{a}p"].reshape(K, -1).T
        np.testing.assert_allclose(m.predict_proba(X), P, atol=1e-6)
        coef = np.array([got[f"a{a}c{k}"] for k in range(K)])
        np.testing.assert_allclose(np.c_[m.intercept_, m.coef_], coef, rtol=0,
                                   atol=1e-5 * np.max(np.abs(coef)))


def test_tight_multinomial_box_converges_with_every_class_at_a_bound(recwarn):
    """Standardized features and a box that holds most coefficients (several classes at one
    bound in a column): the centring must leave held coefficients exactly on their bound."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(300, 4))
    y = np.argmax(X[:, :3] * 2 + rng.normal(size=(300, 3)), axis=1)
    m = LogisticRegression(lam=0.05, l1_ratio=0.5, lower_bounds=-0.2, upper_bounds=0.3,
                           tol=1e-10).fit(X, y)
    assert not [w for w in recwarn if "tolerance" in str(w.message)]
    assert m.kkt_ < 1e-10 and m.n_iter_ < 20
    assert np.sum(m.coef_ == -0.2) >= 4 and np.sum(m.coef_ == 0.3) == 3


@pytest.mark.parametrize("seed", [3, 9, 10])
@pytest.mark.parametrize("rho", [0.0, 0.5, 1.0])
def test_random_boxes_with_offsets_are_certified_and_held_exactly(seed, rho):
    """Random boxes around zero, K = 3 or 4, an offset: the certificate (box included) holds,
    and every coefficient lies in the box on the original scale (no ulp past a bound)."""
    import warnings
    rng = np.random.default_rng(seed)
    n, p, k = 200, 5, 3 + seed % 2
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 3.0, p)
    y = np.argmax(X[:, :k] / X[:, :k].std(0) * 1.5 + rng.normal(size=(n, k)), axis=1)
    lo, hi = -rng.uniform(0, 0.4, p), rng.uniform(0, 0.4, p)
    off = 0.5 * rng.normal(size=(n, k))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        m = LogisticRegression(lam=0.01, l1_ratio=rho, lower_bounds=lo, upper_bounds=hi,
                               tol=1e-10).fit(X, y, offset=off)
    assert m.kkt_ < 1e-8 and np.all(m.coef_ >= lo) and np.all(m.coef_ <= hi)
    assert np.any(m.coef_ == lo) or np.any(m.coef_ == hi)


@pytest.mark.parametrize("l1_ratio", [0.0, 0.5])
def test_sparse_multinomial_offset_equals_dense(l1_ratio):
    """The n × K offset with sparse X (the L2 Newton fit, and the softmax kernel on CSC
    columns): the same fit as on the dense copy."""
    import scipy.sparse as sp
    from shrinkage import LogisticRegression
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    X[X < 0.3] = 0.0
    y = rng.integers(0, 3, 200)
    off = rng.normal(size=(200, 3))
    dense = LogisticRegression(lam=0.01, l1_ratio=l1_ratio, tol=1e-10).fit(X, y, offset=off)
    sparse = LogisticRegression(lam=0.01, l1_ratio=l1_ratio, tol=1e-10).fit(
        sp.csr_matrix(X), y, offset=off)
    np.testing.assert_allclose(sparse.coef_, dense.coef_, rtol=0, atol=1e-9)
    np.testing.assert_allclose(sparse.predict_proba(sp.csr_matrix(X), offset=off),
                               dense.predict_proba(X, offset=off), atol=1e-10)
