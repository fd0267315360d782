"""ElasticNetCV: progress bar, and the edges of the λ grid (warning, automatic extension)."""

import warnings

import numpy as np
import pytest

from _checks import assert_enet_cv_matches_cold_fits

from shrinkage import ElasticNet, ElasticNetCV


def data(n=90, p=10, noise=1.0, seed=0):
    """Four of ``p`` features carry the signal."""
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    y = X[:, :4] @ r.normal(size=4) + noise * r.normal(size=n)
    return X, y


def test_progress_false_is_silent_and_true_shows_a_bar(capsys):
    X, y = data()
    quiet = ElasticNetCV(lams=8, l1_ratio=[0.5, 1.0], cv=3).fit(X, y)
    assert capsys.readouterr().err == ""
    loud = ElasticNetCV(lams=8, l1_ratio=[0.5, 1.0], cv=3, progress=True).fit(X, y)
    err = capsys.readouterr().err
    assert "elastic-net paths (l1_ratio × fold)" in err
    np.testing.assert_array_equal(quiet.cv_results_["fold_scores"],
                                  loud.cv_results_["fold_scores"])


def test_progress_bar_counts_every_fold_path_also_in_threads(monkeypatch):
    from shrinkage.linear_model import _enet_cv
    bars = []

    class Spy(_enet_cv.ProgressBar):
        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            bars.append(self)

    monkeypatch.setattr(_enet_cv, "ProgressBar", Spy)
    X, y = data()
    ElasticNetCV(lams=8, l1_ratio=[0.5, 1.0], cv=3, n_jobs=2, progress=True).fit(X, y)
    assert len(bars) == 1 and bars[0].done == bars[0].total == 2 * 3


def test_user_grid_warns_when_the_best_lam_is_its_smallest():
    X, y = data(noise=0.3)
    lam_max = ElasticNet(l1_ratio=1.0).fit(X, y).lam_max_
    grid = lam_max * np.array([1.0, 0.5, 0.3])
    with pytest.warns(UserWarning, match=r"smallest value of the grid.*extend lams past"):
        cv = ElasticNetCV(lams=grid, l1_ratio=1.0, cv=3).fit(X, y)
    assert cv.lam_ == pytest.approx(grid[-1]) and cv.lams_.shape == (1, 3)   # never extended
    with warnings.catch_warnings():
        warnings.simplefilter("error")                 # a grid reaching low enough: silent
        ElasticNetCV(lams=lam_max * np.geomspace(1, 1e-4, 12), l1_ratio=1.0, cv=3).fit(X, y)


def test_default_grid_extends_downward_and_continues_the_fold_paths():
    X, y = data(noise=0.5, seed=1)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        cv = ElasticNetCV(lams=10, l1_ratio=[1.0, 0.5], lam_min_ratio=0.1, cv=3, tol=1e-12,
                          cv_tol=1e-12).fit(X, y)
    lams = cv.lams_
    assert lams.shape[1] > 10 and lams.shape[1] % 9 == 1      # whole decades of 9 steps
    assert lams[0, -1] < 0.011 * lams[0, 0]
    steps = np.diff(np.log(lams), axis=1)
    np.testing.assert_allclose(steps, np.broadcast_to(steps[:, :1], steps.shape), rtol=1e-9)
    L = lams.shape[1]
    r_min, l_min = divmod(cv.cv_results_.index_min, L)
    assert 10 <= l_min < L - 1                                 # found below the old bottom
    assert cv.coef_path_.shape == (2, L, X.shape[1]) and len(cv.cv_results_["lam"]) == 2 * L
    # extended points continue each fold's path: equal to cold fits on the training rows
    assert_enet_cv_matches_cold_fits(cv, X, y, rows=(L - 1, L + 12))
    ref = ElasticNet(cv.lam_, l1_ratio=cv.l1_ratio_, tol=1e-12).fit(X, y)
    np.testing.assert_allclose(cv.coef_, ref.coef_, rtol=1e-8, atol=1e-12)


def test_default_grid_warns_when_still_on_its_edge_after_extending():
    X, y = data(noise=0.0, seed=2)                 # no noise: the best λ is as small as can be
    with pytest.warns(UserWarning, match="still the smallest.*pass a smaller lam_min_ratio"):
        cv = ElasticNetCV(lams=5, l1_ratio=1.0, cv=3).fit(X, y)
    # 5 points over three decades: a step of 10^-0.75, two steps per extension, three of them
    assert cv.lams_.shape == (1, 5 + 3 * 2)
    assert cv.lams_[0, -1] == pytest.approx(10 ** (-3 - 4.5) * cv.lams_[0, 0], rel=1e-9)
