"""LamSearchCV keeps scikit-learn's contract (issue 13): feature names checked at predict time,
``predict_proba`` only where the inner estimator has it, clear errors for empty or unsized
input, and metadata routing of ``sample_weight``."""

import numpy as np
import pandas as pd
import pytest
import sklearn
from _checks import regression
from sklearn.model_selection import KFold, cross_validate

from shrinkage import LogisticRegression, Ridge
from shrinkage.selection import LamSearchCV

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def frame():
    X, y = regression(n=60, p=4, seed=20)
    return pd.DataFrame(X * [1.0, 10.0, 100.0, 1000.0], columns=["a", "b", "c", "d"]), y


def test_reordered_columns_are_refused_at_predict():
    """Before: predicting with reordered columns was off by up to 13.7 with a misleading
    warning (the refit had seen a bare array)."""
    X, y = frame()
    search = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3).fit(X, y)
    assert list(search.feature_names_in_) == ["a", "b", "c", "d"]
    assert list(search.best_estimator_.feature_names_in_) == ["a", "b", "c", "d"]
    np.testing.assert_allclose(search.predict(X), search.best_estimator_.predict(X))
    with pytest.raises(ValueError, match="feature names"):
        search.predict(X[["d", "c", "b", "a"]])


def test_fold_fits_see_the_column_names():
    X, y = frame()
    search = LamSearchCV(Ridge(), lams=[1.0], cv=3).fit(X, y)
    folds = list(KFold(3).split(X))
    for k, (tr, te) in enumerate(folds):
        pred = Ridge(lam=1.0).fit(X.iloc[tr], y[tr]).predict(X.iloc[te])
        assert search.cv_results_["fold_scores"][0, k] == pytest.approx(
            -np.mean((y[te] - pred) ** 2), rel=1e-12)


def test_predict_proba_only_where_the_inner_estimator_has_it():
    """Before: hasattr(LamSearchCV(Ridge()), "predict_proba") was True (the CLI relies on it)."""
    X, y = regression(seed=21)
    reg = LamSearchCV(Ridge(), lams=[1.0], cv=3)
    assert not hasattr(reg, "predict_proba") and not hasattr(reg, "decision_function")
    reg.fit(X, y)
    assert not hasattr(reg, "predict_proba") and not hasattr(reg, "classes_")
    clf = LamSearchCV(LogisticRegression(), lams=[1.0], cv=3)
    assert hasattr(clf, "predict_proba") and hasattr(clf, "decision_function")
    clf.fit(X, y > 0)
    np.testing.assert_allclose(clf.predict_proba(X), clf.best_estimator_.predict_proba(X))
    np.testing.assert_array_equal(clf.classes_, [False, True])


@pytest.mark.parametrize("X, y, match", [
    (np.empty((0, 3)), np.empty(0), "0 sample"),
    (np.float64(3.0), np.float64(1.0), "Expected 2D array"),
    (np.ones((10, 2)), None, "requires y to be passed"),
    (np.ones((10, 2)), np.ones(9), "inconsistent numbers of samples"),
])
def test_empty_and_unsized_input_is_named(X, y, match):
    """Before: "cannot reshape array of size 0", "len() of unsized object"."""
    with pytest.raises(ValueError, match=match):
        LamSearchCV(Ridge(), lams=[1.0], cv=3).fit(X, y)


def test_sparse_input_is_refused_with_the_fix():
    from scipy import sparse
    X, y = regression(seed=22)
    with pytest.raises(TypeError, match="dense data is required"):
        LamSearchCV(Ridge(), lams=[1.0], cv=3).fit(sparse.csr_matrix(X), y)


def test_sample_weight_through_metadata_routing():
    X, y = regression(n=90, p=4, seed=23)
    w = np.random.default_rng(1).uniform(0.2, 3.0, len(y))
    outer = list(KFold(3).split(X))
    with sklearn.config_context(enable_metadata_routing=True):
        search = LamSearchCV(Ridge(), lams=[1.0, 0.01], cv=3).set_fit_request(sample_weight=True)
        search.set_score_request(sample_weight=True)
        res = cross_validate(search, X, y, cv=outer, params={"sample_weight": w})
    for k, (tr, te) in enumerate(outer):
        ref = LamSearchCV(Ridge(), lams=[1.0, 0.01], cv=3).fit(X[tr], y[tr], sample_weight=w[tr])
        assert res["test_score"][k] == pytest.approx(ref.score(X[te], y[te], sample_weight=w[te]),
                                                     rel=1e-12)
