"""The one cross-validation engine: the same numbers on one thread, on threads and in worker
processes (folds pickled out, their state sent back), with grids extended after the first pass."""

import warnings

import numpy as np
import pytest
from joblib import parallel_config

from _checks import regression

from shrinkage import ElasticNetCV, LogisticRegressionCV, Ridge, RidgeCV
from shrinkage.diagnostics import bias_variance
from shrinkage.selection import FoldEngine, LamSearchCV, RefitFold, make_splits, parallel_map

pytestmark = pytest.mark.filterwarnings("ignore:the best λ")


def _square(x):
    return x * x


def test_parallel_map_keeps_order_on_every_backend():
    items = [(i,) for i in range(7)]
    assert parallel_map(_square, items) == [i * i for i in range(7)]
    assert parallel_map(_square, items, n_jobs=2) == [i * i for i in range(7)]
    assert parallel_map(_square, items, n_jobs=2, prefer="processes") == [i * i for i in range(7)]


def _classification(n=150, p=4, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    return X, (X[:, 0] - 0.5 * X[:, 1] + rng.normal(size=n) > 0).astype(int)


@pytest.mark.parametrize("backend", ["threading", "loky"])
def test_cv_estimators_agree_with_one_thread_on_any_backend(backend):
    X, y = regression(n=120, p=6)
    Xc, yc = _classification()
    fits = [
        lambda n_jobs: RidgeCV(lams=[10.0, 1.0, 0.1, 0.01], cv=4, n_jobs=n_jobs).fit(X, y),
        # the automatic grid is extended below its first pass: each fold continues its path
        lambda n_jobs: ElasticNetCV(lams=6, lam_min_ratio=0.5, l1_ratio=1.0, cv=3,
                                    n_jobs=n_jobs).fit(X, y),
        lambda n_jobs: LogisticRegressionCV(lams=5, cv=3, n_jobs=n_jobs).fit(Xc, yc),
        lambda n_jobs: LamSearchCV(Ridge(), lams=[1.0, 0.1], cv=3, n_jobs=n_jobs).fit(X, y),
    ]
    for fit in fits:
        one = fit(None)
        with parallel_config(backend=backend):
            two = fit(2)
        np.testing.assert_allclose(two.cv_results_["fold_scores"],
                                   one.cv_results_["fold_scores"], rtol=1e-9)
        np.testing.assert_array_equal(two.cv_results_["lam"], one.cv_results_["lam"])
        assert two.lam_ == one.lam_


def test_path_fold_state_comes_back_from_worker_processes():
    # an extended ElasticNetCV grid continues each fold's path: equal to one walk of the whole
    X, y = regression(n=90, p=8, seed=3)
    with parallel_config(backend="loky"):
        ext = ElasticNetCV(lams=5, lam_min_ratio=0.3, l1_ratio=1.0, cv=3, n_jobs=2,
                           tol=1e-12, cv_tol=1e-12).fit(X, y)
    grid = ext.lams_[0]
    ref = ElasticNetCV(lams=grid, l1_ratio=1.0, cv=3, tol=1e-12, cv_tol=1e-12).fit(X, y)
    assert grid.size > 5                                       # it was extended
    np.testing.assert_allclose(ext.cv_results_["fold_scores"], ref.cv_results_["fold_scores"],
                               rtol=1e-8)


def test_refit_fold_spreads_candidates_over_workers_and_scores_like_one_fit_each():
    X, y = regression(n=80, p=4, seed=1)
    splits, _ = make_splits(3, X, y)
    from shrinkage.selection.scoring import get_score
    score = get_score(None, classification=False)
    folds = [RefitFold(Ridge(), X, y, tr, te) for tr, te in splits]
    cands = [{"lam": 1.0}, {"lam": 0.01}]
    with parallel_config(backend="loky"):
        values = FoldEngine(folds, splits, y[:, None], [score], n_jobs=2,
                            prefer="processes").scores(cands)
    for c, cand in enumerate(cands):
        for k, (tr, te) in enumerate(splits):
            m = Ridge(lam=cand["lam"]).fit(X[tr], y[tr])
            assert values[c, k] == pytest.approx(-np.mean((y[te] - m.predict(X[te])) ** 2),
                                                 rel=1e-12)


def test_bias_variance_draws_run_through_the_engine_in_processes():
    X, y = regression(n=100, p=5, seed=2)
    lams = [1.0, 0.01]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        one = bias_variance(Ridge(), X, y, lams, n_rounds=6, random_state=0)
        many = bias_variance(Ridge(), X, y, lams, n_rounds=6, random_state=0, n_jobs=2)
    np.testing.assert_allclose(many.variance, one.variance, rtol=1e-12)
    np.testing.assert_allclose(many.error, one.error, rtol=1e-12)


def _blas_threads():
    from threadpoolctl import threadpool_info
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_worker_processes_run_blas_on_one_thread():
    # loky would give each of 2 workers 2 threads here; the engine's tasks take one
    with parallel_config(backend="loky", inner_max_num_threads=2):
        assert parallel_map(_blas_threads, [()] * 2, n_jobs=2, prefer="processes") == [1, 1]


def test_time_series_splits_fit_their_own_training_rows():
    # a training part that is not "all rows but the test part": no Gram downdating for it
    from sklearn.model_selection import TimeSeriesSplit
    from shrinkage import ElasticNet
    X, y = regression(n=120, p=5, seed=4)
    cv, lams = TimeSeriesSplit(3), [1.0, 0.1, 0.01]
    a = RidgeCV(lams=lams, cv=cv).fit(X, y)
    b = LamSearchCV(Ridge(), lams=lams, cv=cv).fit(X, y)
    np.testing.assert_allclose(a.cv_results_["fold_scores"], b.cv_results_["fold_scores"],
                               rtol=1e-9)
    e = ElasticNetCV(lams=[0.5, 0.1], l1_ratio=1.0, cv=cv, tol=1e-12, cv_tol=1e-12).fit(X, y)
    for k, (tr, te) in enumerate(cv.split(X)):
        for i, lam in enumerate([0.5, 0.1]):
            m = ElasticNet(lam, l1_ratio=1.0, tol=1e-12).fit(X[tr], y[tr])
            mse = np.mean((y[te] - m.predict(X[te])) ** 2)
            assert -e.cv_results_["fold_scores"][i, k] == pytest.approx(mse, rel=1e-8)
