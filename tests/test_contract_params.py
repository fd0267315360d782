"""Parameters from other libraries and malformed ones get a message with the fix (issue 13)."""

import numpy as np
import pytest
from _checks import regression

from shrinkage import (ElasticNet, ElasticNetCV, GroupLasso, GroupLassoClassifier, Lasso,
                       LogisticRegression, LogisticRegressionCV, Ridge, RidgeCV)
from shrinkage.nn import MLPClassifier, MLPRegressor
from shrinkage.selection import LamSearchCV


@pytest.mark.parametrize("make, match", [
    (lambda: LogisticRegression(C=1.0),
     r"takes lam.*convert_strength\(C, source='sklearn-logistic', n_samples=n\)"),
    (lambda: LogisticRegressionCV(Cs=10), "takes lams"),
    (lambda: Ridge(alpha=1.0), r"convert_strength\(alpha, source='sklearn-ridge', n_samples=n\)"),
    (lambda: RidgeCV(alphas=[0.1, 1.0]), "takes lams"),
    (lambda: Lasso(alpha=0.1), r"convert_strength\(alpha, source='sklearn-lasso'\)"),
    (lambda: ElasticNet(alpha=0.1, l1_ratio=0.5),
     r"source='sklearn-elasticnet', l1_ratio=r\)"),
    (lambda: ElasticNetCV(n_alphas=50), "takes lams"),
    (lambda: LogisticRegression(penalty="l1"), "set by l1_ratio"),
    (lambda: Ridge(penalty="l2"), "Ridge is L2-penalized; use Lasso, ElasticNet or GroupLasso"),
    (lambda: Ridge(l1_ratio=0.5), "no L1 part"),
    (lambda: Lasso(lamda=0.1), "did you mean 'lam'"),
    (lambda: GroupLasso(group=[0, 1]), "did you mean 'groups'"),
    (lambda: GroupLassoClassifier(C=1.0), "takes lam"),
    (lambda: LamSearchCV(Ridge(), cvv=3), "did you mean 'cv'"),
    (lambda: MLPClassifier(alpha=1e-4),
     r"convert_strength\(alpha, source='sklearn-mlp', n_samples=n\)$"),
    (lambda: MLPRegressor(alpha=1e-4),
     r"convert_strength\(alpha, source='sklearn-mlp', n_samples=n, loss='squared'\)"),
    (lambda: MLPRegressor(max_iter=10), "MLPRegressor calls it max_epochs"),
    (lambda: MLPClassifier(learning_rate_init=0.1), "calls it learning_rate"),
    (lambda: MLPClassifier(solver="sgd"), "calls it optimizer"),
    (lambda: MLPClassifier(class_weigth="balanced"), "did you mean 'class_weight'"),
])
def test_foreign_keywords_say_what_to_write_instead(make, match):
    """Before: a bare "__init__() got an unexpected keyword argument 'C'"."""
    with pytest.raises(TypeError, match=match):
        make()


def test_the_signature_scikit_learn_reads_is_unchanged():
    import inspect
    assert list(inspect.signature(Ridge).parameters) == ["lam", "fit_intercept", "standardize",
                                                          "penalty_factor", "tol", "exclude"]
    assert Ridge(tol=1e-6).get_params()["tol"] == 1e-6
    assert Ridge(lam=2.0).get_params()["lam"] == 2.0
    assert list(inspect.signature(MLPClassifier).parameters)[-1] == "class_weight"
    assert MLPClassifier(class_weight="balanced").get_params()["class_weight"] == "balanced"


@pytest.mark.parametrize("fit, match", [
    (lambda X, y: Ridge(penalty_factor="x").fit(X, y), "penalty_factor must be numbers >= 0"),
    (lambda X, y: Lasso(penalty_factor=["a"] * 5).fit(X, y), "penalty_factor must be numbers"),
    (lambda X, y: RidgeCV(lams=["big", "small"]).fit(X, y), "lams must be numbers >= 0"),
    (lambda X, y: ElasticNetCV(cv="bogus").fit(X, y), "cv must be an int .* got 'bogus'"),
    (lambda X, y: LogisticRegressionCV(cv="bogus").fit(X, y > 0), "cv must be an int"),
    (lambda X, y: LamSearchCV(Ridge(), lams=[1.0], cv=2.5).fit(X, y), "cv must be an int"),
    (lambda X, y: RidgeCV(cv="bogus").fit(X, y), "cv must be 'loo', 'gcv', 'evidence'"),
])
def test_malformed_parameters_are_named(fit, match):
    """Before: "could not convert string to float: 'x'", "split() takes at most 2 arguments"."""
    X, y = regression(n=40, p=5, seed=30)
    with pytest.raises(ValueError, match=match):
        fit(X, y)


def test_cv_none_is_five_folds_as_in_scikit_learn():
    X, y = regression(n=40, p=5, seed=31)
    a = ElasticNetCV(lams=3, cv=None).fit(X, y)
    b = ElasticNetCV(lams=3, cv=5).fit(X, y)
    np.testing.assert_array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])


def test_a_three_member_class_warns_as_scikit_learn_does():
    """Before: LogisticRegressionCV(cv=5) refused a class with 3 members."""
    rng = np.random.default_rng(0)
    X = rng.normal(size=(43, 3))
    y = np.array([0] * 20 + [1] * 20 + [2] * 3)
    X[y == 2] += 3.0
    with pytest.warns(UserWarning, match="smallest class has 3 samples, fewer than cv=5"):
        m = LogisticRegressionCV(lams=[0.1, 0.01], cv=5).fit(X, y)
    assert np.all(np.isfinite(m.cv_results_["fold_scores"]))
    assert m.predict(X[y == 2]).tolist().count(2) >= 2
    with pytest.raises(ValueError, match="single sample"):
        LogisticRegressionCV(lams=[0.1], cv=5).fit(X[:41], y[:41])


@pytest.mark.parametrize("backend", ["loky", "threading"])
def test_elastic_net_cv_in_parallel_equals_one_process(backend):
    """Before: ElasticNetCV(n_jobs=2) raised KeyError under loky (folds looked up by id())."""
    from joblib import parallel_config
    X, y = regression(n=80, p=6, seed=32)
    ref = ElasticNetCV(lams=5, cv=3).fit(X, y)
    with parallel_config(backend=backend):
        par = ElasticNetCV(lams=5, cv=3, n_jobs=2).fit(X, y)
    np.testing.assert_allclose(par.cv_results_["fold_scores"], ref.cv_results_["fold_scores"],
                               rtol=1e-12)
    assert par.lam_ == ref.lam_
