"""Group lasso with unpenalized groups (ω_g = 0, the group analogue of penalty_factor = 0)."""

import numpy as np
import pytest

from shrinkage import GroupLasso, GroupLassoClassifier
from shrinkage.penalties import GroupL2
from shrinkage.solvers import lam_max as null_lam_max

GROUPS = [0, 0, 1, 1, 2, 2]


def data(n=150, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, 6)) * r.uniform(0.5, 3, 6) + r.normal(size=6)
    X[:, 2] += X[:, 0]                         # group 1 correlated with the unpenalized group
    eta = X[:, 0] / X[:, 0].std() - X[:, 1] / X[:, 1].std() + 0.5 * X[:, 2] / X[:, 2].std()
    return X, eta, r.uniform(0.5, 2.0, n)


def standardized(X, sw):
    m = sw @ X
    sd = np.sqrt(sw @ (X - m) ** 2)
    return (X - m) / sd, sd


@pytest.mark.parametrize("weights", [[0.0, 1.0, 1.5], {0: 0.0, 1: 1.0, 2: 1.5}])
def test_unpenalized_group_regression(weights):
    X, eta, s = data()
    y = eta + 0.3 * np.random.default_rng(1).normal(size=len(eta))
    sw = s / s.sum()
    pen1 = GroupL2(1.0, GROUPS, weights)
    lam_max = null_lam_max(pen1, X, y, s)
    fit = lambda lam: GroupLasso(lam, groups=GROUPS, group_weights=weights,
                                 tol=1e-11, max_iter=200_000).fit(X, y, s)
    # above λ_max: the penalized groups are zero, group 0 is weighted least squares on it alone
    top = fit(1.5 * lam_max)
    assert np.all(top.coef_[2:] == 0) and np.all(top.coef_[:2] != 0)
    A = np.column_stack([np.ones(len(y)), X[:, :2]])
    ols = np.linalg.lstsq(A * np.sqrt(sw)[:, None], y * np.sqrt(sw), rcond=None)[0]
    np.testing.assert_allclose(top.coef_[:2], ols[1:], rtol=1e-8)
    assert top.intercept_ == pytest.approx(ols[0], rel=1e-8, abs=1e-10)
    # below: some penalized group enters; the certificate holds on every group, group 0 included
    mid = fit(0.3 * lam_max)
    assert mid.n_groups_nonzero_ >= 2 and np.all(mid.coef_[:2] != 0)
    Z, sd = standardized(X, sw)
    grad = -2 * Z.T @ (sw * (y - X @ mid.coef_ - mid.intercept_))
    null = np.max(pen1.group_norms(-2 * Z.T @ (sw * (y - sw @ y))))
    cert = GroupL2(0.3 * lam_max, GROUPS, weights).subdiff_distance(mid.coef_ * sd, grad)
    assert np.max(cert) < 1e-10 * null
    assert np.linalg.norm(grad[:2]) < 1e-10 * null            # ω = 0: a plain zero gradient


def test_unpenalized_group_classifier():
    from sklearn.linear_model import LogisticRegression as SkLogistic
    X, eta, s = data(seed=2)
    yb = (eta + 0.5 * np.random.default_rng(3).normal(size=len(eta)) > 0).astype(float)
    sw = s / s.sum()
    weights = [0.0, 1.0, 1.0]
    pen1 = GroupL2(1.0, GROUPS, weights)
    lam_max = null_lam_max(pen1, X, yb, s, datafit="logistic")
    fit = lambda lam: GroupLassoClassifier(lam, groups=GROUPS, group_weights=weights,
                                           tol=1e-11, max_iter=200_000).fit(X, yb, s)
    top = fit(1.5 * lam_max)
    assert np.all(top.coef_[0, 2:] == 0) and np.all(top.coef_[0, :2] != 0)
    ref = SkLogistic(C=np.inf, tol=1e-12, max_iter=10_000).fit(X[:, :2], yb, sample_weight=s)
    np.testing.assert_allclose(top.coef_[0, :2], ref.coef_[0], rtol=1e-6)
    assert top.intercept_[0] == pytest.approx(ref.intercept_[0], rel=1e-6, abs=1e-8)
    mid = fit(0.3 * lam_max)
    assert mid.n_groups_nonzero_ >= 2 and np.all(mid.coef_[0, :2] != 0)
    Z, sd = standardized(X, sw)
    g = sw * (1 / (1 + np.exp(-(X @ mid.coef_[0] + mid.intercept_[0]))) - yb)
    null = np.max(pen1.group_norms(Z.T @ (sw * (sw @ yb - yb))))
    cert = GroupL2(0.3 * lam_max, GROUPS, weights).subdiff_distance(mid.coef_[0] * sd, Z.T @ g)
    assert np.max(cert) < 1e-10 * null and abs(g.sum()) < 1e-10 * null
