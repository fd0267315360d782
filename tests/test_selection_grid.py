"""LamSearchCV (λ grids for any estimator, per-layer λ) and nested cross-validation."""

import numpy as np
import pytest
from sklearn.model_selection import KFold

from shrinkage import LogisticRegression, MLPClassifier, Ridge, RidgeCV
from shrinkage.selection import LamSearchCV, lam_candidates, nested_cross_validate

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def data(n=60, p=5, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, X @ rng.normal(size=p) + rng.normal(size=n)


def test_candidates_from_scalars_user_grid_product_and_ratios():
    assert lam_candidates([1.0, 0.1]) == [{"lam": 1.0}, {"lam": 0.1}]
    assert lam_candidates([(1.0, 0.0), (0.1, 0.2)])[1] == {"lam": (0.1, 0.2)}
    prod = lam_candidates({"dense_0": [0.0, 1e-3], "dense_1": [1e-2, 1e-1]})
    assert len(prod) == 4 and {"dense_0": 1e-3, "dense_1": 1e-1} in [c["lam"] for c in prod]
    mixed = lam_candidates([1.0, 0.1], l1_ratios=[0.0, 0.5])
    assert len(mixed) == 4 and mixed[3] == {"lam": 0.1, "l1_ratio": 0.5}
    with pytest.raises(ValueError, match="finite number >= 0"):
        lam_candidates([-1.0])
    with pytest.raises(ValueError, match=r"\[0, 1\]"):
        lam_candidates([1.0], l1_ratios=[2.0])


def test_grid_search_over_ridge_equals_ridgecv_on_the_same_folds():
    X, y = data()
    lams = [1.0, 0.1, 0.01]
    folds = list(KFold(4, shuffle=True, random_state=0).split(X))
    search = LamSearchCV(Ridge(), lams=lams, cv=folds).fit(X, y)
    ref = RidgeCV(lams=lams, cv=folds).fit(X, y)
    assert np.allclose(search.cv_results_["fold_scores"], ref.cv_results_["fold_scores"], rtol=1e-10)
    assert search.lam_ == ref.lam_
    assert np.allclose(search.predict(X), ref.predict(X), rtol=1e-10)


def test_grid_search_classifier_scores_equal_manual_log_loss():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(80, 3))
    y = (X[:, 0] + 0.5 * rng.normal(size=80) > 0).astype(int)
    folds = list(KFold(4, shuffle=True, random_state=1).split(X))
    search = LamSearchCV(LogisticRegression(), lams=[0.1, 0.001], cv=folds).fit(X, y)
    tr, te = folds[2]
    m = LogisticRegression(lam=0.001).fit(X[tr], y[tr])
    p = m.predict_proba(X[te])[np.arange(len(te)), y[te]]
    assert search.cv_results_["fold_scores"][1, 2] == pytest.approx(np.mean(np.log(p)), rel=1e-9)


def test_per_layer_network_grid_and_one_se_prefers_more_penalty():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(90, 6))
    y = (X[:, 0] - X[:, 1] > 0).astype(int)
    net = MLPClassifier(hidden_layer_sizes=(8,), max_epochs=15, random_state=0)
    grid = {"dense_0": [0.0, 1e-2], "dense_1": [0.0, 1e-1]}
    search = LamSearchCV(net, lams=grid, cv=3, rule="1se", random_state=0).fit(X, y)
    r = search.cv_results_
    assert len(r["params"]) == 4 and r["fold_scores"].shape == (4, 3)
    best = np.argmax(r["mean_score"])
    within = r["mean_score"] >= r["mean_score"][best] - r["se_score"][best]
    totals = np.array([sum(p["lam"].values()) for p in r["params"]])
    assert totals[r.index] == totals[within].max()
    assert search.best_estimator_.lam == search.best_params_["lam"]


def test_parallel_grid_search_equals_serial():
    X, y = data()
    a = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3).fit(X, y)
    b = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3, n_jobs=2).fit(X, y)
    assert np.array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])


def test_nested_cv_scores_equal_a_manual_outer_loop():
    X, y = data(n=80)
    res = nested_cross_validate(RidgeCV(lams=[1.0, 0.1, 0.01], cv=3), X, y,
                                outer_cv=KFold(4, shuffle=True, random_state=0))
    for k, (tr, te) in enumerate(KFold(4, shuffle=True, random_state=0).split(X)):
        inner = RidgeCV(lams=[1.0, 0.1, 0.01], cv=3).fit(X[tr], y[tr])
        assert res.lams[k] == inner.lam_
        assert res.scores[k] == pytest.approx(-np.mean((y[te] - inner.predict(X[te])) ** 2))
    assert res.se > 0 and res.mean == pytest.approx(res.scores.mean())
    assert list(res.to_frame().columns) == ["outer_fold", "lam", "neg_mean_squared_error"]


def test_progress_bar_smoke_and_same_result(capsys):
    X, y = data()
    a = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3).fit(X, y)
    b = LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3, progress=True).fit(X, y)
    assert np.array_equal(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"])
    assert "grid search" in capsys.readouterr().err


def _needs_a_larger_lam(seed=5):
    """Weak signal, strong noise: the best ridge λ (≈ σ²p/(n‖β‖²) ≈ 1) lies above 1e-1."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(80, 4))
    return X, X @ np.full(4, 0.3) + 1.0 * rng.normal(size=80)


def test_automatic_grid_extends_past_its_edge_and_fits_only_new_candidates(monkeypatch):
    from shrinkage.selection import RefitFold
    X, y = _needs_a_larger_lam()
    calls = []
    real = RefitFold.fit_one

    def counting(self, cand):
        calls.append(cand["lam"])
        return real(self, cand)

    monkeypatch.setattr(RefitFold, "fit_one", counting)
    search = LamSearchCV(Ridge(), lams=5, cv=3).fit(X, y)
    lams = search.cv_results_["lam"]
    assert lams[-1] == pytest.approx(1e-5) and np.all(np.diff(lams) < 0)       # one grid, λ falling
    assert lams.size > 5 and lams[0] > 1e-1                                     # extended upward
    np.testing.assert_allclose(lams[1:] / lams[:-1], 0.1, rtol=1e-9)            # same spacing
    assert len(calls) == 3 * lams.size                                          # every candidate once
    assert lams[0] > search.lam_ > lams[-1]                                     # now inside the grid
    ref = LamSearchCV(Ridge(), lams=list(lams), cv=3).fit(X, y)                 # same as a user grid
    np.testing.assert_allclose(search.cv_results_["fold_scores"], ref.cv_results_["fold_scores"])
    assert search.lam_ == ref.lam_


def test_automatic_grid_is_not_a_user_grid_for_the_edge_warning():
    import warnings
    X, y = _needs_a_larger_lam()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        LamSearchCV(Ridge(), lams=5, cv=3).fit(X, y)          # extended: no warning
    with pytest.warns(UserWarning, match="largest value of the grid"):
        LamSearchCV(Ridge(), lams=[1e-2, 1e-3], cv=3).fit(X, y)
