"""``scoring=`` means what it means in scikit-learn (issue 13): names through ``get_scorer``,
scorer objects with their sign and response method, plain callables as higher-is-better scores
that receive class labels, and a loss passed as a plain callable refused rather than maximized.
Every fold score is checked against the metric computed by hand on that fold's fit."""

import numpy as np
import pytest
from _checks import regression
from test_ridge import brute_force_loo
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.metrics import (average_precision_score, balanced_accuracy_score, f1_score, get_scorer,
                             log_loss, make_scorer, mean_absolute_error, mean_squared_error,
                             root_mean_squared_error)
from sklearn.model_selection import KFold, StratifiedKFold

from shrinkage import (ElasticNet, ElasticNetCV, LogisticRegression, LogisticRegressionCV, Ridge,
                       RidgeCV)
from shrinkage.selection import LamSearchCV, get_score, nested_cross_validate

LAMS = [1.0, 0.1, 0.01]
pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def _folds_reg(X, k=3):
    return list(KFold(k, shuffle=True, random_state=0).split(X))


def _folds_clf(X, y, k=3):
    return list(StratifiedKFold(k, shuffle=True, random_state=0).split(X, y))


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(0)
    rows = rng.choice(len(y), 240, replace=False)
    return X[rows, :8], y[rows]


# ---- a loss as a plain callable is refused (it would be maximized) --------------------------

@pytest.mark.parametrize("make", [
    lambda: RidgeCV(cv=5, scoring=mean_absolute_error),
    lambda: RidgeCV(scoring=mean_squared_error),
    lambda: ElasticNetCV(scoring=mean_absolute_error),
    lambda: LamSearchCV(Ridge(), lams=LAMS, scoring=mean_absolute_error),
])
def test_a_loss_as_plain_callable_is_refused_with_the_fix(make):
    X, y = regression(seed=1)
    with pytest.raises(ValueError, match=r"make_scorer\(mean_\w+_error, greater_is_better=False\)"):
        make().fit(X, y)


def test_a_classification_loss_as_plain_callable_is_refused(cancer):
    X, y = cancer
    with pytest.raises(ValueError, match="lower is better.*neg_log_loss"):
        LogisticRegressionCV(lams=LAMS, scoring=log_loss).fit(X, y)


def test_before_the_fix_mae_chose_the_largest_lambda_now_the_negated_one_chooses_like_mse():
    """The issue: scoring=mean_absolute_error maximized the error (λ = 1.7e17). The negated
    scorer chooses a λ in the data's range, the same one the built-in name chooses."""
    X, y = regression(n=120, p=8, seed=2)
    a = RidgeCV(cv=5, scoring=make_scorer(mean_absolute_error, greater_is_better=False)).fit(X, y)
    b = RidgeCV(cv=5, scoring="neg_mean_absolute_error").fit(X, y)
    assert a.lam_ == b.lam_ and a.lam_ < 1.0
    np.testing.assert_allclose(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"],
                               rtol=1e-12)


# ---- regression: every fold score equals the metric on that fold's own fit ------------------

@pytest.mark.parametrize("scoring, metric", [
    ("neg_root_mean_squared_error", lambda y, p: -root_mean_squared_error(y, p)),
    (make_scorer(mean_absolute_error, greater_is_better=False),
     lambda y, p: -mean_absolute_error(y, p)),
    ("neg_median_absolute_error", lambda y, p: -np.median(np.abs(y - p))),
    (lambda yt, yp: -np.max(np.abs(yt - yp)), lambda y, p: -np.max(np.abs(y - p))),
])
def test_ridge_cv_fold_scores_equal_the_metric_on_each_fold(scoring, metric):
    X, y = regression(n=90, p=6, seed=3)
    folds = _folds_reg(X)
    cv = RidgeCV(lams=LAMS, cv=folds, scoring=scoring).fit(X, y)
    for i, lam in enumerate(cv.cv_results_["lam"]):
        for k, (tr, te) in enumerate(folds):
            pred = Ridge(lam=lam).fit(X[tr], y[tr]).predict(X[te])
            assert cv.cv_results_["fold_scores"][i, k] == pytest.approx(metric(y[te], pred),
                                                                        rel=1e-9)


def test_ridge_loo_with_a_scikit_learn_scorer_equals_brute_force():
    X, y = regression(n=40, p=4, seed=5)
    cv = RidgeCV(lams=LAMS, cv="loo", scoring="neg_root_mean_squared_error").fit(X, y)
    for i, lam in enumerate(cv.cv_results_["lam"]):
        pred = y - brute_force_loo(X, y, lam)      # refits with the scaling held fixed
        assert cv.cv_results_["mean_score"][i] == pytest.approx(-root_mean_squared_error(y, pred),
                                                                rel=1e-9)


def test_elastic_net_cv_with_a_scorer_name_equals_the_metric_on_each_fold():
    X, y = regression(n=80, p=6, seed=6)
    folds = _folds_reg(X)
    cv = ElasticNetCV(lams=[0.5, 0.05], l1_ratio=0.5, cv=folds, tol=1e-10,
                      scoring="neg_root_mean_squared_error").fit(X, y)
    for i, prm in enumerate(cv.cv_results_["params"]):
        for k, (tr, te) in enumerate(folds):
            m = ElasticNet(prm["lam"], l1_ratio=0.5, tol=1e-12).fit(X[tr], y[tr])
            rmse = root_mean_squared_error(y[te], m.predict(X[te]))
            assert cv.cv_results_["fold_scores"][i, k] == pytest.approx(-rmse, rel=1e-6)


# ---- classification: labels, probabilities, decision function ------------------------------

def _check_logistic_cv(X, y, scoring, metric, kind):
    folds = _folds_clf(X, y)
    cv = LogisticRegressionCV(lams=LAMS, cv=folds, scoring=scoring, tol=1e-10).fit(X, y)
    for i, lam in enumerate(cv.cv_results_["lam"]):
        for k, (tr, te) in enumerate(folds):
            m = LogisticRegression(lam=lam, tol=1e-10).fit(X[tr], y[tr])
            resp = {"labels": m.predict, "proba": lambda Z: m.predict_proba(Z)[:, 1]}[kind](X[te])
            assert cv.cv_results_["fold_scores"][i, k] == pytest.approx(metric(y[te], resp),
                                                                        rel=1e-7)
    return cv


@pytest.mark.parametrize("scoring, metric", [
    ("f1", f1_score),
    ("balanced_accuracy", balanced_accuracy_score),
    (make_scorer(f1_score), f1_score),
])
def test_logistic_cv_label_scores_equal_the_metric_on_each_fold(cancer, scoring, metric):
    X, y = cancer
    _check_logistic_cv(X, y, scoring, metric, "labels")


def test_logistic_cv_threshold_free_scorer_gets_probabilities(cancer):
    X, y = cancer
    _check_logistic_cv(X, y, "average_precision", average_precision_score, "proba")


def test_string_labels_with_pos_label_scorer(cancer):
    X, y = cancer
    ys = np.where(y == 1, "benign", "malignant")
    scorer = make_scorer(f1_score, pos_label="malignant")
    cv = _check_logistic_cv(X, ys, scorer, lambda a, b: f1_score(a, b, pos_label="malignant"),
                            "labels")
    assert cv.cv_results_["scoring"] == "f1_score"


def test_a_plain_callable_on_a_classifier_receives_labels_not_probabilities():
    X, y = load_wine(return_X_y=True)
    labels = np.array(["barolo", "grignolino", "barbera"])[y]
    seen = []

    def agreement(y_true, y_pred):
        seen.append((set(np.unique(y_true)), set(np.unique(y_pred))))
        return float(np.mean(y_true == y_pred))

    cv = LogisticRegressionCV(lams=[0.1], scoring=agreement).fit(X, labels)
    assert seen and all(t <= set(labels) and p <= set(labels) for t, p in seen)
    assert 0.8 < cv.cv_results_["mean_score"][0] <= 1.0


def test_lam_search_cv_with_f1_macro_equals_the_metric_on_each_fold():
    X, y = load_wine(return_X_y=True)
    folds = _folds_clf(X, y)
    search = LamSearchCV(LogisticRegression(tol=1e-10), lams=LAMS, cv=folds,
                         scoring="f1_macro").fit(X, y)
    for i, lam in enumerate(search.cv_results_["lam"]):
        for k, (tr, te) in enumerate(folds):
            pred = LogisticRegression(lam=lam, tol=1e-10).fit(X[tr], y[tr]).predict(X[te])
            assert search.cv_results_["fold_scores"][i, k] == pytest.approx(
                f1_score(y[te], pred, average="macro"), rel=1e-9)


def test_nested_cv_honours_a_scorer_object():
    X, y = regression(n=90, p=5, seed=7)
    scorer = make_scorer(mean_absolute_error, greater_is_better=False)
    res = nested_cross_validate(RidgeCV(lams=LAMS), X, y, outer_cv=3, scoring=scorer)
    outer = list(KFold(3).split(X))
    for k, (tr, te) in enumerate(outer):
        inner = RidgeCV(lams=LAMS).fit(X[tr], y[tr])
        assert res.scores[k] == pytest.approx(-mean_absolute_error(y[te], inner.predict(X[te])),
                                              rel=1e-9)


def test_scorer_with_sample_weight_is_weighted():
    X, y = regression(n=90, p=5, seed=8)
    w = np.random.default_rng(0).uniform(0.1, 2.0, len(y))
    folds = _folds_reg(X)
    cv = RidgeCV(lams=[0.1], cv=folds, scoring="neg_root_mean_squared_error").fit(X, y,
                                                                                   sample_weight=w)
    for k, (tr, te) in enumerate(folds):
        pred = Ridge(lam=0.1).fit(X[tr], y[tr], sample_weight=w[tr]).predict(X[te])
        assert cv.cv_results_["fold_scores"][0, k] == pytest.approx(
            -root_mean_squared_error(y[te], pred, sample_weight=w[te]), rel=1e-9)


def test_a_scorer_with_the_estimator_signature_is_called_as_in_scikit_learn():
    X, y = regression(n=60, p=4, seed=9)

    def scorer(estimator, X_test, y_test):
        return -np.mean(np.abs(y_test - estimator.predict(X_test)))

    a = RidgeCV(lams=LAMS, cv=3, scoring=scorer).fit(X, y)
    b = RidgeCV(lams=LAMS, cv=3, scoring="neg_mean_absolute_error").fit(X, y)
    np.testing.assert_allclose(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"],
                               rtol=1e-12)


def test_built_in_names_agree_with_the_scikit_learn_scorers():
    """The fast path and get_scorer give one number for every built-in name."""
    rng = np.random.default_rng(0)
    y = rng.normal(size=50)
    pred = y + rng.normal(size=50)
    for name in ("neg_mean_squared_error", "neg_mean_absolute_error", "r2"):
        fast = get_score(name, classification=False)(y[:, None], pred[:, None])
        slow = get_score(get_scorer(name), classification=False)(y[:, None], pred[:, None])
        assert fast == pytest.approx(slow, rel=1e-12)
    labels = rng.integers(0, 3, 60)
    P = rng.dirichlet(np.ones(3), 60)
    Y = np.eye(3)[labels]
    for name in ("neg_log_loss", "accuracy"):
        fast = get_score(name, classification=True)(Y, P)
        slow = get_score(get_scorer(name), classification=True, classes=np.arange(3))(Y, P)
        assert fast == pytest.approx(slow, rel=1e-9)


@pytest.mark.parametrize("bad, match", [
    ("nonsense", "unknown scoring 'nonsense'.*get_scorer_names"),
    (3, "scoring must be None, a name, a scorer or a callable"),
])
def test_unknown_scoring_is_named(bad, match):
    X, y = regression(seed=10)
    with pytest.raises((ValueError, TypeError), match=match):
        RidgeCV(lams=LAMS, cv=3, scoring=bad).fit(X, y)
