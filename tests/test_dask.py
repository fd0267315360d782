"""Fits on Dask collections, on a real ``distributed.LocalCluster`` (two worker processes):
equal to the in-memory fits on the same rows and folds, predictions as Dask arrays, clear errors
for bad input, and the in-memory CV running its folds on the cluster through joblib."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
dd = pytest.importorskip("dask.dataframe")
distributed = pytest.importorskip("distributed")

import pandas as pd  # noqa: E402
from joblib import parallel_config  # noqa: E402

from shrinkage import (ElasticNet, ElasticNetCV, Lasso, LogisticRegression,  # noqa: E402
                       LogisticRegressionCV, MLPClassifier, PoissonRegressor, Ridge, RidgeCV)
from shrinkage.selection import FoldIds  # noqa: E402

CHUNK = 70


@pytest.fixture(scope="module")
def client():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       memory_limit="1GiB", dashboard_address=None)
    with distributed.Client(cluster) as c:
        yield c
    cluster.close()


def rel(a, b):
    a, b = np.asarray(a, float), np.asarray(b, float)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def regression(n=400, p=6, t=None, seed=0):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p) * 3
    B = r.normal(size=(p, t or 1))
    y = X @ B + r.normal(size=(n, t or 1)) * 2
    return X, (y[:, 0] if t is None else y), r.uniform(0.2, 3.0, n)


def classification(n=400, p=5, k=2, seed=1):
    r = np.random.default_rng(seed)
    X = r.normal(size=(n, p)) * r.uniform(0.5, 3, p) + r.normal(size=p)
    eta = X @ r.normal(size=(p, k)) + r.normal(size=(n, k))
    labels = np.array(["ant", "bee", "cat", "dog"])[:k]
    return X, labels[np.argmax(eta, axis=1)], r.uniform(0.2, 3.0, n)


def dask(*arrays):
    """Dask arrays of ``arrays``, persisted on the workers (as a user's data would be there,
    read or computed, rather than shipped from the client on every pass)."""
    out = [None if a is None else da.from_array(a, chunks=(CHUNK,) + a.shape[1:])
           for a in arrays]
    client = distributed.get_client()
    return [None if a is None else client.persist(a) for a in out]


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("fit_intercept, standardize", [(True, True), (False, True),
                                                         (True, False)])
@pytest.mark.parametrize("t", [None, 2])
def test_ridge_equals_in_memory(client, weighted, fit_intercept, standardize, t):
    X, y, sw = regression(t=t)
    sw = sw if weighted else None
    kw = dict(lam=0.05, fit_intercept=fit_intercept, standardize=standardize)
    ref = Ridge(**kw).fit(X, y, sample_weight=sw)
    got = Ridge(**kw).fit(*dask(X, y, sw))
    assert rel(got.coef_, ref.coef_) < 1e-8
    assert rel(got.intercept_, ref.intercept_) < 1e-8 or not fit_intercept
    assert rel(got.df_, ref.df_) < 1e-8
    assert isinstance(got.coef_, np.ndarray)


def test_ridge_equals_normal_equations_solved_with_dask(client):
    """An independent solve: the standardized normal equations formed by dask.array itself."""
    X, y, _ = regression(n=500, p=5, seed=3)
    lam = 0.2
    Xd, yd = dask(X, y)
    m, sd = Xd.mean(axis=0), Xd.std(axis=0)
    Z = (Xd - m) / sd
    G, q = (Z.T @ Z / X.shape[0]).compute(), (Z.T @ (yd - yd.mean()) / X.shape[0]).compute()
    v = np.linalg.solve(G + lam * np.eye(5), q)
    got = Ridge(lam=lam).fit(Xd, yd)
    assert rel(got.coef_, v / sd.compute()) < 1e-6


@pytest.mark.parametrize("cv", ["loo", "gcv", "evidence", 4, "foldid"])
@pytest.mark.parametrize("weighted", [False, True])
def test_ridge_cv_chooses_the_same_lambda(client, cv, weighted):
    X, y, sw = regression(seed=4)
    sw = sw if weighted else None
    fid = np.arange(X.shape[0]) * 7 % 5
    cv_mem = FoldIds(fid) if cv == "foldid" else cv
    cv_dask = fid if cv == "foldid" else cv
    ref = RidgeCV(lams=30, cv=cv_mem).fit(X, y, sample_weight=sw)
    got = RidgeCV(lams=30, cv=cv_dask).fit(*dask(X, y, sw))
    # the evidence's λ is found continuously, to the optimizer's tolerance
    tol = 1e-5 if cv == "evidence" else 1e-8
    assert got.lam_ == pytest.approx(ref.lam_, rel=tol)
    assert rel(got.coef_, ref.coef_) < tol
    a, b = got.cv_results_, ref.cv_results_
    assert rel(a["lam"], b["lam"]) < tol
    assert rel(a["mean_score"], b["mean_score"]) < tol
    if cv in ("loo", "gcv") and not weighted:
        assert rel(a["se_score"], b["se_score"]) < 1e-8


def test_ridge_cv_loo_other_pointwise_scores(client):
    X, y, _ = regression(seed=5)
    kw = dict(lams=10, scoring=["neg_mean_absolute_error", "neg_mean_squared_error"])
    ref = RidgeCV(**kw).fit(X, y)
    got = RidgeCV(**kw).fit(*dask(X, y))
    assert rel(got.cv_results_["mean_score"], ref.cv_results_["mean_score"]) < 1e-8
    assert got.lam_ == pytest.approx(ref.lam_)


@pytest.mark.parametrize("est", [ElasticNet(lam=0.05, l1_ratio=0.5, tol=1e-12),
                                 Lasso(lam=0.1, tol=1e-12),
                                 Lasso(lam=0.1, relax=True, tol=1e-12, penalty_factor=[0, 1, 1, 1, 1, 1]),
                                 Lasso(lam=0.1, relax=0.4, tol=1e-12)])
def test_elastic_net_equals_in_memory(client, est):
    X, y, sw = regression(seed=6)
    ref = est.fit(X, y, sample_weight=sw)
    coef, icpt, lam_max = ref.coef_.copy(), ref.intercept_, ref.lam_max_
    got = est.fit(*dask(X, y, sw))
    assert rel(got.coef_, coef) < 1e-6
    assert got.intercept_ == pytest.approx(icpt, rel=1e-6)
    assert got.lam_max_ == pytest.approx(lam_max, rel=1e-8)


@pytest.mark.filterwarnings("ignore:the best λ")     # little noise: the smallest λ is best
def test_elastic_net_cv_chooses_the_same_lambda(client):
    X, y, sw = regression(seed=7)
    kw = dict(l1_ratio=[0.5, 1.0], cv=4, tol=1e-10, lams=30, cv_average="weighted",
              simplest="lam", rule="1se", relax=0.5)
    ref = ElasticNetCV(**kw).fit(X, y, sample_weight=sw)
    got = ElasticNetCV(**kw).fit(*dask(X, y, sw))
    assert (got.lam_, got.l1_ratio_) == (pytest.approx(ref.lam_), ref.l1_ratio_)
    assert rel(got.cv_results_["mean_score"], ref.cv_results_["mean_score"]) < 1e-6
    assert rel(got.coef_, ref.coef_) < 1e-6


@pytest.mark.parametrize("k", [2, 3])
@pytest.mark.parametrize("class_weight", [None, "balanced"])
def test_logistic_equals_in_memory(client, k, class_weight):
    X, y, sw = classification(k=k)
    kw = dict(lam=0.01, tol=1e-10, class_weight=class_weight)
    ref = LogisticRegression(**kw).fit(X, y, sample_weight=sw)
    got = LogisticRegression(**kw).fit(*dask(X, y, sw))
    assert list(got.classes_) == list(ref.classes_)
    assert rel(got.coef_, ref.coef_) < 1e-6
    assert rel(got.intercept_, ref.intercept_) < 1e-6


def test_logistic_cv_chooses_the_same_lambda(client):
    X, y, _ = classification(k=2, seed=2)
    fid = np.arange(X.shape[0]) % 3
    kw = dict(lams=np.geomspace(1.0, 1e-4, 6), tol=1e-9)
    ref = LogisticRegressionCV(cv=FoldIds(fid), **kw).fit(X, y)
    got = LogisticRegressionCV(cv=fid, **kw).fit(*dask(X, y))
    assert got.lam_ == pytest.approx(ref.lam_, rel=1e-12)
    assert 1e-4 < got.lam_ < 1.0                       # chosen inside the grid
    assert rel(got.cv_results_["mean_score"], ref.cv_results_["mean_score"]) < 1e-6
    assert rel(got.coef_, ref.coef_) < 1e-6


def test_dataframe_input_keeps_feature_names(client):
    X, y, _ = regression(seed=8)
    df = pd.DataFrame(X, columns=[f"x{j}" for j in range(X.shape[1])])
    df["target"] = y
    ddf = dd.from_pandas(df, npartitions=4)
    features = [c for c in df.columns if c != "target"]
    got = Ridge(lam=0.1).fit(ddf[features], ddf["target"])
    ref = Ridge(lam=0.1).fit(df[features], df["target"])
    assert list(got.feature_names_in_) == features
    assert rel(got.coef_, ref.coef_) < 1e-8
    pred = got.predict(ddf[features])
    assert isinstance(pred, da.Array)
    np.testing.assert_allclose(pred.compute(), ref.predict(df[features]), rtol=1e-8)


def test_predictions_are_dask_arrays_equal_to_numpy(client):
    X, y, _ = classification(k=3)
    Xd, yd = dask(X, y)
    clf = LogisticRegression(lam=0.01).fit(X, y)
    for method in ("predict", "predict_proba", "decision_function", "predict_log_proba"):
        out = getattr(clf, method)(Xd)
        assert isinstance(out, da.Array), method
        ref = getattr(clf, method)(X)
        if ref.dtype.kind in "fc":
            np.testing.assert_allclose(out.compute(), ref, rtol=1e-12, atol=1e-14)
        else:
            assert np.array_equal(out.compute(), ref)
    assert clf.score(Xd, yd) == pytest.approx(clf.score(X, y), rel=1e-12)
    Xr, yr, sw = regression()
    reg = Ridge().fit(Xr, yr)
    assert reg.score(*dask(Xr, yr, sw)) == pytest.approx(reg.score(Xr, yr, sw), rel=1e-10)


def test_unknown_chunk_sizes_are_refused(client):
    X, y, _ = regression()
    ddf = dd.from_pandas(pd.DataFrame(X), npartitions=3)
    Xd = ddf.to_dask_array()                       # lengths unknown
    with pytest.raises(ValueError, match="unknown chunk sizes"):
        Ridge().fit(Xd, dask(y)[0])


def test_nan_in_a_block_is_reported_with_the_block(client):
    X, y, _ = regression()
    X[150, 2] = np.nan
    with pytest.raises(ValueError, match=r"block of rows 140–209 \(first at row 150\)"):
        Ridge().fit(*dask(X, y))
    with pytest.raises(ValueError, match="NaN"):
        LogisticRegression().fit(*dask(X, (y > 0).astype(int)))


def test_mismatched_partitions_and_lengths_are_refused(client):
    X, y, _ = regression()
    Xf = dd.from_pandas(pd.DataFrame(X), npartitions=3)
    yf = dd.from_pandas(pd.Series(y), npartitions=2)
    with pytest.raises(ValueError, match="partitioned differently"):
        Ridge().fit(Xf, yf)
    with pytest.raises(ValueError, match="rows but X has"):
        Ridge().fit(dask(X)[0], dask(y[:-5])[0])


def test_estimators_without_a_blockwise_fit_refuse_dask(client):
    X, y, _ = regression()
    Xd, yd = dask(X, np.abs(y))
    with pytest.raises(TypeError, match="does not take Dask collections"):
        PoissonRegressor().fit(Xd, yd)
    with pytest.raises(TypeError, match="partial_fit"):
        MLPClassifier().fit(Xd, (yd > 1).astype(int))


def test_dask_cv_refuses_what_would_gather_rows(client):
    X, y, _ = regression()
    Xd, yd = dask(X, y)
    with pytest.raises(TypeError, match="fold ids"):
        RidgeCV(cv=5).fit(Xd, yd, groups=np.arange(X.shape[0]) % 7)
    from sklearn.model_selection import KFold
    with pytest.raises(TypeError, match="int"):
        RidgeCV(cv=KFold(3)).fit(Xd, yd)
    with pytest.raises(ValueError, match="mean squared error"):
        ElasticNetCV(scoring="r2").fit(Xd, yd)


def test_shuffled_folds_are_balanced_and_reproducible(client):
    X, y, _ = regression(n=403)
    a = RidgeCV(cv=5, random_state=3).fit(*dask(X, y))
    b = RidgeCV(cv=5, random_state=3).fit(*dask(X, y))
    c = RidgeCV(cv=5).fit(*dask(X, y))
    assert a.lam_ == b.lam_
    assert not np.array_equal(a.cv_results_["fold_scores"], c.cv_results_["fold_scores"])
    # the fold ids themselves: each block deals its rows to the folds in turn, so the folds'
    # sizes differ by at most one row per block; without a seed they are KFold's
    from dask import compute
    from sklearn.model_selection import KFold

    from shrinkage.solvers.blockwise import RowBlocks
    blocks = RowBlocks.from_inputs(*dask(X, y))
    seeded, _ = blocks.with_folds(5, random_state=3)
    ids = np.concatenate(compute(*seeded.fold))
    sizes = np.bincount(ids, minlength=5)
    assert sizes.sum() == 403 and sizes.max() - sizes.min() <= len(blocks.X)
    plain, _ = blocks.with_folds(5)
    ids = np.concatenate(compute(*plain.fold))
    for k, (_, test) in enumerate(KFold(5).split(X)):
        assert np.array_equal(np.flatnonzero(ids == k), test)


@pytest.mark.filterwarnings("ignore:the best λ")
def test_in_memory_cv_runs_its_folds_on_the_cluster_through_joblib(client):
    X, y, _ = regression(seed=9)
    Xc, yc, _ = classification(seed=9)
    from shrinkage.selection import LamSearchCV
    serial = [ElasticNetCV(lams=20).fit(X, y), RidgeCV(cv=5, lams=20).fit(X, y),
              LogisticRegressionCV(lams=8).fit(Xc, yc),
              LamSearchCV(Lasso(), lams=np.geomspace(1, 1e-3, 6), cv=3).fit(X, y)]
    with parallel_config(backend="dask"):
        para = [ElasticNetCV(lams=20, n_jobs=2).fit(X, y),
                RidgeCV(cv=5, lams=20, n_jobs=2).fit(X, y),
                LogisticRegressionCV(lams=8, n_jobs=2).fit(Xc, yc),
                LamSearchCV(Lasso(), lams=np.geomspace(1, 1e-3, 6), cv=3, n_jobs=2).fit(X, y)]
    for s, p in zip(serial, para):
        assert p.lam_ == s.lam_
        np.testing.assert_allclose(p.cv_results_["mean_score"], s.cv_results_["mean_score"],
                                   rtol=1e-12)


def test_network_partial_fit_over_dask_blocks_with_incremental(client):
    wrappers = pytest.importorskip("dask_ml.wrappers")
    X, y, _ = classification(n=280, seed=3)
    Xd, yd = dask(X, y)
    inc = wrappers.Incremental(MLPClassifier(hidden_layer_sizes=(8,), random_state=0),
                               shuffle_blocks=False)
    inc.fit(Xd, yd, classes=np.unique(y))
    ref = MLPClassifier(hidden_layer_sizes=(8,), random_state=0)
    for start in range(0, X.shape[0], CHUNK):
        ref.partial_fit(X[start:start + CHUNK], y[start:start + CHUNK], classes=np.unique(y))
    for a, b in zip(inc.estimator_.coefs_, ref.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-7)
