"""``shrinkage fit`` on a Parquet dataset (a directory or a glob) on a Dask cluster (issue 14):
the same model as the in-memory fit of the same rows, a model file that ``predict`` reads, and
clear refusals of what a cluster fit cannot take."""

import json

import numpy as np
import pandas as pd
import pytest
from test_cli_data import call  # noqa: F401  (a fixture)

distributed = pytest.importorskip("distributed")
pytest.importorskip("dask.dataframe")


@pytest.fixture(scope="module")
def scheduler():
    cluster = distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                       memory_limit="1GiB", dashboard_address=None)
    yield cluster.scheduler_address
    cluster.close()


@pytest.fixture
def dataset(tmp_path):
    rng = np.random.default_rng(0)
    n = 300
    df = pd.DataFrame(rng.normal(size=(n, 4)) * [1, 2, 3, 4] + [0, 1, 2, 3],
                      columns=["a", "b", "c", "d"])
    df["y"] = df @ [1.0, -0.5, 0.2, 0.0] + rng.normal(size=n)
    df["label"] = np.where(df["y"] > df["y"].median(), "high", "low")
    folder = tmp_path / "parts"
    folder.mkdir()
    for k in range(3):
        df.iloc[k * 100:(k + 1) * 100].to_parquet(folder / f"part{k}.parquet", index=False)
    df.to_csv(tmp_path / "all.csv", index=False)
    return df, folder, tmp_path


def _json(result):
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


@pytest.mark.parametrize("model, extra", [("ridge", []), ("ridge", ["--cv", "gcv"]),
                                          ("lasso", ["--lam", "0.05"])])
def test_a_parquet_directory_fits_as_the_csv_of_the_same_rows(call, scheduler, dataset, model,
                                                              extra):
    df, folder, tmp = dataset
    common = ["-y", "y", "--drop", "label", "--model", model, *extra, "--json"]
    here = _json(call("fit", tmp / "all.csv", *common))
    there = _json(call("fit", folder, *common, "--scheduler", scheduler, "-o", tmp / "m.zip"))
    assert there["lam"] == pytest.approx(here["lam"], rel=1e-8)
    if "cv_score" in here:
        assert there["cv_score"] == pytest.approx(here["cv_score"], rel=1e-6)
    assert there["train_score"] == pytest.approx(here["train_score"], rel=1e-8)
    assert there["n_samples"] == 300 and "Dask cluster" in there["how"]
    pred = call("predict", tmp / "m.zip", tmp / "all.csv")
    assert pred.returncode == 0, pred.stderr
    from shrinkage.io import load
    est = load(tmp / "m.zip")
    ref = est.predict(df[["a", "b", "c", "d"]])
    got = pd.read_csv(pd.io.common.StringIO(pred.stdout)).iloc[:, -1].to_numpy()
    np.testing.assert_allclose(got, ref, rtol=1e-10)


def test_a_glob_and_a_classification_target(call, scheduler, dataset):
    df, folder, tmp = dataset
    common = ["-y", "label", "--drop", "y", "--lam", "0.01", "--json"]
    here = _json(call("fit", tmp / "all.csv", *common))
    there = _json(call("fit", f"{folder}/*.parquet", *common, "--scheduler", scheduler))
    assert there["model"] == "LogisticRegression" and there["task"] == "classification"
    assert there["train_score"] == pytest.approx(here["train_score"], rel=1e-12)
    a = {c["feature"]: c["coef"] for c in there["coefficients"]}
    b = {c["feature"]: c["coef"] for c in here["coefficients"]}
    for name in a:
        assert a[name] == pytest.approx(b[name], rel=1e-6)


def test_what_a_cluster_fit_refuses(call, scheduler, dataset):
    df, folder, tmp = dataset
    text = call("fit", folder, "-y", "y", "--scheduler", scheduler)
    assert text.returncode == 2 and "'label'" in text.stderr and "--drop" in text.stderr
    (folder / "notes.txt").write_text("not data")
    mixed = call("fit", folder, "-y", "y", "--drop", "label", "--scheduler", scheduler)
    assert mixed.returncode == 2 and "not Parquet" in mixed.stderr
    none = call("fit", tmp / "nothing*.parquet", "-y", "y")
    assert none.returncode == 2 and "no file matches" in none.stderr
    model = call("fit", f"{folder}/*.parquet", "-y", "y", "--drop", "label", "--model", "mlp",
                 "--scheduler", scheduler)
    assert model.returncode == 2 and "does not fit on a cluster" in model.stderr
