"""Without an intercept, standardize=True still scales each column by its *centred* standard
deviation, as glmnet does (issue 15: the root mean square was used, so every no-intercept fit
differed from glmnet's by 93–100 %). The fit equals the unstandardized fit on X / sd with the
coefficients mapped back."""

import numpy as np
import pytest
import scipy.sparse as sp

from shrinkage import ElasticNet, Lasso, LogisticRegression, PoissonRegressor, Ridge
from shrinkage.standardization import column_stats


def _data(seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(200, 4)) * [1.0, 5.0, 0.2, 2.0] + [3.0, -1.0, 10.0, 0.0]
    y = X @ np.array([0.5, -0.1, 1.0, 0.0]) + rng.normal(size=200)
    return X, y, rng


@pytest.mark.parametrize("make", [lambda **k: Ridge(lam=0.1, **k),
                                  lambda **k: Lasso(lam=0.05, tol=1e-12, **k),
                                  lambda **k: ElasticNet(lam=0.05, tol=1e-12, **k)])
def test_no_intercept_standardizes_by_the_centred_sd(make):
    X, y, _ = _data()
    sd = X.std(axis=0)
    a = make(fit_intercept=False).fit(X, y)
    b = make(fit_intercept=False, standardize=False).fit(X / sd, y)
    np.testing.assert_allclose(a.coef_, b.coef_ / sd, rtol=1e-7, atol=1e-10)
    assert a.intercept_ == 0.0


def test_no_intercept_logistic_and_poisson_and_sparse():
    X, y, rng = _data(1)
    sd = X.std(axis=0)
    yc = (y > np.median(y)).astype(int)
    a = LogisticRegression(lam=0.02, fit_intercept=False, tol=1e-12).fit(X, yc)
    b = LogisticRegression(lam=0.02, fit_intercept=False, standardize=False,
                           tol=1e-12).fit(X / sd, yc)
    np.testing.assert_allclose(a.coef_, b.coef_ / sd, rtol=1e-7)
    counts = rng.poisson(np.exp(0.1 * (X - X.mean(axis=0)) @ [1.0, 0.1, 1.0, 0.0]))
    a = PoissonRegressor(lam=0.02, fit_intercept=False, tol=1e-12).fit(X, counts)
    b = PoissonRegressor(lam=0.02, fit_intercept=False, standardize=False,
                         tol=1e-12).fit(X / sd, counts)
    np.testing.assert_allclose(a.coef_, b.coef_ / sd, rtol=1e-7)
    w = rng.uniform(0.5, 2.0, 200)
    sw = w / w.sum()
    dense = column_stats(X, sw, False, True)
    sparse = column_stats(sp.csr_matrix(X), sw, False, True)
    np.testing.assert_allclose(dense[1], np.sqrt(np.cov(X.T, aweights=w, bias=True).diagonal()),
                               rtol=1e-12)
    np.testing.assert_allclose(sparse[1], dense[1], rtol=1e-12)
    assert not dense[0].any() and not sparse[0].any()
