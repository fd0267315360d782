"""Sparse designs on the command line (issue 12 item 4, issue 16 "path --model lasso on the
CLI's own one-hot encoding takes 85 s"): a reference level for the L1 models' one-hot columns,
a CSR design when that is smaller, and a scipy sparse matrix (.npz) as DATA with
``--target-file``; each equal to the dense Python fit."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp
from test_cli_data import call, one_line_error, table  # noqa: F401  (call is a fixture)

from shrinkage import ElasticNet, Lasso, LogisticRegressionCV, Ridge
from shrinkage._preprocess import TablePreprocessor
from shrinkage.cli._design import smaller_as_csr
from shrinkage.io import load, read_meta


def categories(n=4000, seed=1):
    """Two text columns with strong level effects and one number: all levels' 0/1 columns sum
    to the intercept's column."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"c1": rng.choice(list("abcde"), n, p=[0.3, 0.25, 0.2, 0.15, 0.1]),
                       "c2": rng.choice([f"l{i}" for i in range(8)], n),
                       "x": rng.normal(size=n)})
    effect = dict(zip("abcde", [3.0, -2.0, 1.0, 0.5, -2.5]))
    df["y"] = (df["c1"].map(effect) + 2.0 * (df["c2"] == "l1") - (df["c2"] == "l2") + df["x"]
               + rng.normal(size=n))
    return df


def _json(out):
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_l1_models_drop_the_most_frequent_level_and_converge_in_few_passes(tmp_path, call):
    """Before: all levels kept; coordinate descent crawled along the intercept's direction
    (hundreds of passes, 10,000 and a convergence warning on a 200,000-row file)."""
    df = categories()
    df.to_csv(tmp_path / "d.csv", index=False)
    out = call("fit", tmp_path / "d.csv", "-y", "y", "--model", "lasso", "--lam", "0.003",
               "-o", tmp_path / "m.zip")
    assert out.returncode == 0 and "converge" not in out.stderr, out.stderr
    spec = read_meta(tmp_path / "m.zip")["preprocessing"]
    refs = {c["name"]: c.get("reference") for c in spec["columns"]}
    assert refs == {"c1": "a", "c2": df["c2"].value_counts().idxmax(), "x": None}
    model = load(tmp_path / "m.zip")
    assert model.n_iter_ <= 30
    # the same λ on all levels: the slow case this encoding avoids
    full = TablePreprocessor().fit_transform(df.drop(columns="y"))
    assert Lasso(lam=0.003).fit(full, df["y"]).n_iter_ > 100
    # equal to the Python fit on the design without the reference columns
    X = full.drop(columns=[f"c1={refs['c1']}", f"c2={refs['c2']}"])
    ref = Lasso(lam=0.003).fit(X, df["y"])
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-8, atol=1e-10)
    # ridge keeps every level (the L2 penalty pins the direction down)
    ridge = _json(call("fit", tmp_path / "d.csv", "-y", "y", "--lam", "1", "--json"))
    assert ridge["n_features"] == 1 + 5 + 8


def test_lasso_path_on_the_cli_encoding_converges_without_warnings(tmp_path, call):
    categories(3000).to_csv(tmp_path / "d.csv", index=False)
    out = call("path", tmp_path / "d.csv", "-y", "y", "--model", "lasso", "--lams", "20", "-o",
               tmp_path / "p", "--json")
    assert out.returncode == 0, out.stderr
    assert "converge" not in out.stderr
    assert json.loads(out.stdout)["feature_names"][:3] == ["c1=b", "c1=c", "c1=d"]


def test_an_unseen_level_is_the_reference_levels_encoding(tmp_path, call):
    df = categories(500)
    df.to_csv(tmp_path / "d.csv", index=False)
    assert call("fit", tmp_path / "d.csv", "-y", "y", "--model", "lasso", "--lam", "0.01",
                "-o", tmp_path / "m.zip", "-q").returncode == 0
    new = df.head(2).drop(columns="y").copy()
    new.loc[0, "c1"] = "z"
    new.to_csv(tmp_path / "new.csv", index=False)
    pred = call("predict", tmp_path / "m.zip", tmp_path / "new.csv", "--json")
    assert "the encoding of the reference level" in pred.stderr
    as_ref = new.copy()
    as_ref.loc[0, "c1"] = "a"
    as_ref.to_csv(tmp_path / "ref.csv", index=False)
    same = call("predict", tmp_path / "m.zip", tmp_path / "ref.csv", "--json")
    assert json.loads(pred.stdout)["predictions"] == json.loads(same.stdout)["predictions"]


def test_the_size_rule_for_a_csr_design():
    """CSR when 12 bytes per stored value + 4 per row is at most half of 8 bytes per cell."""
    n, p = 1000, 30
    assert smaller_as_csr(sp.random(n, p, density=0.30, format="csr", random_state=0))
    assert not smaller_as_csr(sp.random(n, p, density=0.36, format="csr", random_state=0))
    k = (4 * n * p - 4 * (n + 1)) // 12                      # the largest nnz that qualifies
    X = sp.csr_matrix((np.ones(k), (np.arange(k) % n, np.arange(k) // n)), shape=(n, p))
    assert smaller_as_csr(X)
    X = sp.csr_matrix((np.ones(k + 1), (np.arange(k + 1) % n, np.arange(k + 1) // n)),
                      shape=(n, p))
    assert not smaller_as_csr(X)


def _wide(n=600, seed=2):
    """Many levels, few numbers: the one-hot design is mostly zeros."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"shop": rng.choice([f"s{i:02d}" for i in range(40)], n),
                       "item": rng.choice([f"i{i:02d}" for i in range(30)], n),
                       "qty": rng.poisson(0.3, n).astype(float)})
    df["y"] = (df["shop"].str[1:].astype(int) % 7 - df["item"].str[1:].astype(int) % 5
               + 2.0 * df["qty"] + rng.normal(size=n))
    df["label"] = np.where(df["y"] > df["y"].median(), "high", "low")
    return df


@pytest.mark.parametrize("args, make, target", [
    (["--lam", "0.05"], lambda: Ridge(lam=0.05), "y"),
    (["--model", "lasso", "--lam", "0.01"], lambda: Lasso(lam=0.01), "y"),
    (["--model", "elasticnet", "--lam", "0.02", "--l1-ratio", "0.3"],
     lambda: ElasticNet(lam=0.02, l1_ratio=0.3), "y"),
    (["--cv", "4"], lambda: LogisticRegressionCV(cv=4, random_state=0, compute_df=True),
     "label"),
])
def test_a_mostly_zero_design_is_csr_and_fits_as_the_dense_one(tmp_path, call, args, make,
                                                                 target):
    df = _wide()
    other = "label" if target == "y" else "y"
    df.to_csv(tmp_path / "d.csv", index=False)
    info = _json(call("fit", tmp_path / "d.csv", "-y", target, "--drop", other, *args,
                      "-o", tmp_path / "m.zip", "--json"))
    assert "sparse design (CSR" in info["how"]
    assert read_meta(tmp_path / "m.zip")["preprocessing"]["sparse"] is True
    model = load(tmp_path / "m.zip")
    pre = TablePreprocessor.from_dict(read_meta(tmp_path / "m.zip")["preprocessing"])
    dense = pre.transform(df.drop(columns=["y", "label"]))
    csr = pre.transform(df.drop(columns=["y", "label"]), sparse=True)
    assert sp.issparse(csr)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")                       # a fit's own advice
        # the estimator on the same CSR (sparse == dense at a tight tol is tested in
        # test_sparse_cd.py; at the default tol the lasso's CSC and Gram routes differ by it)
        ref = make().fit(csr, df[target])
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-5, atol=1e-7)
    pred = _json(call("predict", tmp_path / "m.zip", tmp_path / "d.csv", "--json"))
    expect = ref.predict(dense)
    if target == "y":
        np.testing.assert_allclose(pred["predictions"], expect, rtol=1e-6, atol=1e-8)
    else:
        assert np.mean(np.asarray(pred["predictions"]) == expect) >= 0.995
    # the largest coefficients are named as in a dense fit
    assert all("=" in row["feature"] or row["feature"] == "qty" for row in info["coefficients"])


def test_a_design_that_is_not_mostly_zeros_stays_dense(tmp_path, call):
    table(60).to_csv(tmp_path / "d.csv", index=False)         # 3.5 of 6 cells non-zero
    info = _json(call("fit", tmp_path / "d.csv", "-y", "price", "--drop", "sold", "--lam",
                      "0.1", "--json"))
    assert "sparse" not in info["how"]
    categories(300).to_csv(tmp_path / "c.csv", index=False)   # 3 of 14
    info = _json(call("fit", tmp_path / "c.csv", "-y", "y", "--lam", "0.1", "--json"))
    assert "sparse design (CSR, 21.4% non-zero)" in info["how"]


@pytest.fixture
def matrix(tmp_path):
    rng = np.random.default_rng(0)
    X = sp.random(400, 300, density=0.02, format="csr", random_state=0,
                  data_rvs=lambda k: rng.normal(size=k))
    y = X[:, :10] @ rng.normal(size=10) * 3 + rng.normal(size=400) * 0.1
    sp.save_npz(tmp_path / "X.npz", X)
    pd.DataFrame({"y": y, "cls": np.where(y > 0, "pos", "neg"),
                  "rid": [f"r{i}" for i in range(400)]}).to_csv(tmp_path / "rows.csv",
                                                                index=False)
    return X, y, tmp_path


def test_fit_and_predict_take_a_sparse_npz_with_a_target_file(matrix, call):
    X, y, folder = matrix
    info = _json(call("fit", folder / "X.npz", "--target-file", folder / "rows.csv", "-y", "y",
                      "--lam", "0.01", "-o", folder / "m.zip", "--json"))
    assert info["n_samples"] == 400 and info["n_features"] == 300
    model = load(folder / "m.zip")
    ref = Ridge(lam=0.01).fit(X.toarray(), y)
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-6, atol=1e-9)
    assert info["coefficients"][0]["feature"].startswith("x")
    pred = _json(call("predict", folder / "m.zip", folder / "X.npz", "--json"))
    np.testing.assert_allclose(pred["predictions"], ref.predict(X.toarray()), rtol=1e-6,
                               atol=1e-9)
    # a one-column target file needs no --target; a dense-only model gets the dense matrix
    pd.DataFrame({"cls": np.where(y > 0, "pos", "neg")}).to_csv(folder / "t.csv", index=False)
    l1 = _json(call("fit", folder / "X.npz", "--target-file", folder / "t.csv", "--model",
                    "lasso", "--lam", "0.05", "--json"))
    assert l1["model"] == "LogisticRegression" and l1["target"] == "cls"


def test_matrix_input_errors_name_the_fix(matrix, call):
    X, y, folder = matrix
    one_line_error(call("fit", folder / "X.npz", "-y", "y"), "holds no target",
                   "--target-file")
    one_line_error(call("fit", folder / "X.npz", "--target-file", folder / "rows.csv"),
                   "3 columns", "--target COL")
    pd.DataFrame({"y": y[:-1]}).to_csv(folder / "short.csv", index=False)
    one_line_error(call("fit", folder / "X.npz", "--target-file", folder / "short.csv"),
                   "399 rows", "400")
    np.savez(folder / "dense.npz", a=np.eye(3))
    one_line_error(call("fit", folder / "dense.npz", "--target-file", folder / "short.csv"),
                   "not a scipy sparse matrix", "save_npz")
    bad = X.copy()
    bad.data[5] = np.nan
    sp.save_npz(folder / "nan.npz", bad)
    one_line_error(call("fit", folder / "nan.npz", "--target-file", folder / "rows.csv", "-y",
                        "y"), "NaN or infinite", "row")
    one_line_error(call("cv", folder / "X.npz", "-y", "y", "-o", folder / "cv"),
                   "fit and predict take a scipy sparse matrix")
    assert call("fit", folder / "X.npz", "--target-file", folder / "rows.csv", "-y", "y",
                "--lam", "1", "-o", folder / "m.zip", "-q").returncode == 0
    one_line_error(call("predict", folder / "m.zip", folder / "rows.csv"),
                   "fitted on a matrix", ".npz")
