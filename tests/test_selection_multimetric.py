"""Several metrics in one cross-validation: ``scoring=[first, second, ...]`` chooses λ by the
first and reports the others per fold (``extra_scores``) and in ``to_frame()``; each extra
metric equals a manual computation on the same folds."""

import numpy as np
import pytest
from sklearn.metrics import accuracy_score, make_scorer, mean_absolute_error, r2_score
from sklearn.model_selection import KFold, StratifiedKFold

from _checks import regression

from shrinkage import LogisticRegression, LogisticRegressionCV, Ridge, RidgeCV
from shrinkage.selection import LamSearchCV, get_scores, make_result

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def classification(n=120, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, (X[:, 0] - 0.5 * X[:, 1] + rng.normal(size=n) > 0).astype(int)


def test_ridgecv_kfold_extra_metrics_equal_manual_fold_values():
    X, y = regression()
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    lams = np.array([1.0, 0.1, 0.01])
    m = RidgeCV(lams=lams, cv=folds,
                scoring=["neg_mean_squared_error", "neg_mean_absolute_error", "r2"]).fit(X, y)
    single = RidgeCV(lams=lams, cv=folds).fit(X, y)
    r = m.cv_results_
    assert np.array_equal(r["fold_scores"], single.cv_results_["fold_scores"])
    assert m.lam_ == single.lam_ and r["scoring"] == "neg_mean_squared_error"
    assert r["scorings"] == ["neg_mean_squared_error", "neg_mean_absolute_error", "r2"]
    assert r["extra_scores"]["r2"].shape == (3, 4)
    for k, (tr, te) in enumerate(folds):
        pred = Ridge(lam=0.1).fit(X[tr], y[tr]).predict(X[te])
        assert r["extra_scores"]["neg_mean_absolute_error"][1, k] == pytest.approx(
            -mean_absolute_error(y[te], pred), rel=1e-10)
        assert r["extra_scores"]["r2"][1, k] == pytest.approx(r2_score(y[te], pred), rel=1e-10)
    frame = r.to_frame()
    np.testing.assert_allclose(frame["mean_r2"], r["extra_scores"]["r2"].mean(axis=1))
    S = r["extra_scores"]["neg_mean_absolute_error"]
    np.testing.assert_allclose(frame["se_neg_mean_absolute_error"],
                               S.std(axis=1, ddof=1) / 2.0)


def test_ridgecv_loo_extra_metric_equals_brute_force_leave_one_out():
    X, y = regression(n=25, p=4, seed=1)
    lam = 0.05
    m = RidgeCV(lams=[1.0, lam], cv="loo", standardize=False,
                scoring=["neg_mean_squared_error", "neg_mean_absolute_error", "r2"]).fit(X, y)
    pred = np.empty(25)
    for i in range(25):
        keep = np.arange(25) != i
        pred[i] = Ridge(lam=lam, standardize=False).fit(X[keep], y[keep]).predict(X[i:i + 1])[0]
    extra = m.cv_results_["extra_scores"]
    assert extra["neg_mean_absolute_error"].shape == (2, 1)
    assert extra["neg_mean_absolute_error"][1, 0] == pytest.approx(
        -mean_absolute_error(y, pred), rel=1e-8)
    assert extra["r2"][1, 0] == pytest.approx(r2_score(y, pred), rel=1e-8)   # pooled
    assert m.cv_results_["mean_score"][1] == pytest.approx(-np.mean((y - pred) ** 2), rel=1e-8)


def test_gcv_refuses_other_metrics():
    X, y = regression()
    with pytest.raises(ValueError, match="mean squared error only"):
        RidgeCV(cv="gcv", scoring=["neg_mean_squared_error", "r2"]).fit(X, y)


def test_logistic_cv_extra_metrics_equal_manual_fold_values():
    X, y = classification()
    folds = list(StratifiedKFold(3, shuffle=True, random_state=1).split(X, y))
    lams = np.array([0.1, 0.01, 0.001])
    m = LogisticRegressionCV(lams=lams, cv=folds,
                             scoring=("neg_log_loss", "accuracy", "neg_brier_score")).fit(X, y)
    single = LogisticRegressionCV(lams=lams, cv=folds).fit(X, y)
    r = m.cv_results_
    np.testing.assert_allclose(r["fold_scores"], single.cv_results_["fold_scores"], rtol=1e-12)
    assert m.lam_ == single.lam_
    for k, (tr, te) in enumerate(folds):
        ref = LogisticRegression(lam=0.01).fit(X[tr], y[tr])
        P = ref.predict_proba(X[te])
        assert r["extra_scores"]["accuracy"][1, k] == accuracy_score(y[te], ref.predict(X[te]))
        brier = -np.mean(np.sum((np.eye(2)[y[te]] - P) ** 2, axis=1))
        assert r["extra_scores"]["neg_brier_score"][1, k] == pytest.approx(brier, rel=1e-6)
    assert {"mean_accuracy", "mean_neg_brier_score"} <= set(r.to_frame().columns)


def test_the_first_metric_chooses():
    X, y = classification(seed=3)
    lams = np.geomspace(1.0, 1e-4, 8)
    a = LogisticRegressionCV(lams=lams, cv=3, scoring=["accuracy", "neg_log_loss"]).fit(X, y)
    b = LogisticRegressionCV(lams=lams, cv=3, scoring="accuracy").fit(X, y)
    assert a.lam_ == b.lam_ and a.cv_results_["scoring"] == "accuracy"
    np.testing.assert_array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])


def test_lam_search_extra_metric_equals_manual_fold_values():
    X, y = regression(seed=4)
    folds = list(KFold(3, shuffle=True, random_state=2).split(X))
    search = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=folds,
                         scoring={"mse": "neg_mean_squared_error",
                                  "mae": make_scorer(mean_absolute_error, greater_is_better=False)})
    search.fit(X, y)
    r = search.cv_results_
    assert r["scoring"] == "mse" and list(r["extra_scores"]) == ["mae"]
    for k, (tr, te) in enumerate(folds):
        pred = Ridge(lam=1.0).fit(X[tr], y[tr]).predict(X[te])
        assert r["extra_scores"]["mae"][0, k] == pytest.approx(-mean_absolute_error(y[te], pred),
                                                               rel=1e-10)
        assert r["fold_scores"][0, k] == pytest.approx(-np.mean((y[te] - pred) ** 2), rel=1e-10)
    assert "mean_mae" in r.to_frame().columns


def test_scoring_lists_are_checked():
    with pytest.raises(ValueError, match="more than once"):
        get_scores(["r2", "r2"], classification=False)
    with pytest.raises(ValueError, match="empty"):
        get_scores([], classification=False)
    with pytest.raises(ValueError, match="unknown scoring"):
        get_scores(["accuracy", "nonsense"], classification=True)
    assert [s.name for s in get_scores(None, classification=True)] == ["neg_log_loss"]


def test_make_result_extra_metrics_in_the_frame():
    F = np.array([[1.0, 2.0, 3.0], [2.0, 2.0, 2.0]])
    E = np.array([[0.5, 0.5, 0.8], [0.1, 0.2, 0.3]])
    r, _ = make_result([1.0, 0.1], rule="min", scoring="a", fold_scores=F, extra={"b": E})
    frame = r.to_frame()
    np.testing.assert_allclose(frame["mean_b"], [0.6, 0.2])
    np.testing.assert_allclose(frame["se_b"], E.std(axis=1, ddof=1) / np.sqrt(3))
