"""Assertions shared by several test modules (imported by name: pytest puts ``tests/`` on the path)."""

import numpy as np
import pytest


def assert_enet_cv_matches_cold_fits(cv, X, y, rows, n_folds=3, rtol=1e-8):
    """Each listed candidate's fold scores of an ``ElasticNetCV(cv=n_folds)`` equal the held-out
    MSE of a cold ``ElasticNet`` fit on that fold's training rows (unshuffled K-fold)."""
    from shrinkage import ElasticNet
    n = len(y)
    for row in rows:
        prm = cv.cv_results_["params"][row]
        for k, te in enumerate(np.array_split(np.arange(n), n_folds)):
            tr = np.setdiff1d(np.arange(n), te)
            m = ElasticNet(prm["lam"], l1_ratio=prm["l1_ratio"], tol=1e-12).fit(X[tr], y[tr])
            mse = np.mean((y[te] - m.predict(X[te])) ** 2)
            assert -cv.cv_results_["fold_scores"][row, k] == pytest.approx(mse, rel=rtol)


def regression(n=60, p=5, seed=0):
    """Gaussian features, a dense linear truth, unit noise."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ rng.normal(size=p) + rng.normal(size=n)
