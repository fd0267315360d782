"""Warnings point at the user's line (issue 13), whatever the depth of the call inside the
package, and one event warns once."""

import warnings

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer
from sklearn.exceptions import ConvergenceWarning

from shrinkage import ElasticNet, Lasso, LogisticRegression, RidgeCV
from shrinkage.selection import LamSearchCV


@pytest.fixture(scope="module")
def cancer():
    return load_breast_cancer(return_X_y=True)


def _record(func):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        func()
    return caught


@pytest.mark.parametrize("fit", [
    lambda X, y: LogisticRegression(lam=1e-4, l1_ratio=1.0, max_iter=2).fit(X, y),
    lambda X, y: LogisticRegression(lam=0.0, max_iter=2).fit(X, y),
    lambda X, y: Lasso(lam=1e-5, max_iter=3).fit(X, y),
    lambda X, y: ElasticNet(lam=1e-5, max_iter=3).fit(X, y),
    lambda X, y: LamSearchCV(Lasso(max_iter=3), lams=[1e-5, 1e-4], cv=2).fit(X, y),
    lambda X, y: RidgeCV(lams=[1e3, 1e4]).fit(X, y),
])
def test_every_warning_points_at_the_callers_line(cancer, fit):
    X, y = cancer
    caught = _record(lambda: fit(X, y))
    assert caught
    assert all(w.filename == __file__ for w in caught), [(w.filename, w.lineno) for w in caught]


def test_l1_logistic_warns_once_for_one_stop(cancer):
    """Before: the solver and the estimator both warned about the same stop."""
    X, y = cancer
    caught = _record(lambda: LogisticRegression(lam=1e-4, l1_ratio=1.0, max_iter=2).fit(X, y))
    conv = [w for w in caught if issubclass(w.category, ConvergenceWarning)]
    assert len(conv) == 1 and "raise max_iter" in str(conv[0].message)


def test_the_multinomial_l1_stop_warns_once():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(120, 6))
    y = np.argmax(X[:, :3] + rng.normal(size=(120, 3)), axis=1)
    caught = _record(lambda: LogisticRegression(lam=1e-4, l1_ratio=1.0, max_iter=1).fit(X, y))
    assert len([w for w in caught if issubclass(w.category, ConvergenceWarning)]) == 1
