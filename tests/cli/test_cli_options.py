"""Per-row columns and solver options on the command line (issue 16: "no way to pass sample
weights, groups or an id column to carry into predictions; no --max-iter / --tol"; ``--scoring``
and ``--rule 2se``): each equals the Python call it stands for."""

import json

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import ConvergenceWarning
from sklearn.model_selection import GroupKFold
from test_cli_data import call, design, l1_columns, one_line_error, table  # noqa: F401  (call is a fixture)

from shrinkage import Lasso, Ridge, RidgeCV
from shrinkage.io import load, read_meta

COLUMNS = ["size", "age", "city=Lyon", "city=Nice", "city=Paris", "garden"]


@pytest.fixture
def data(tmp_path):
    df = table(80).drop(columns="sold")
    rng = np.random.default_rng(3)
    df["w"] = rng.integers(1, 4, len(df)).astype(float)
    df["site"] = np.repeat(["a", "b", "c", "d", "e", "f", "g", "h"], 10)
    df["code"] = [f"P{k:03d}" for k in range(len(df))]
    df.to_csv(tmp_path / "d.csv", index=False)
    return df, tmp_path / "d.csv"


def _json(out):
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_weights_equal_the_python_fit_and_repeated_rows(data, call, tmp_path):
    df, path = data
    out = _json(call("fit", path, "-y", "price", "--weights", "w", "--drop", "site", "--drop",
                     "code", "--lam", "0.5", "-o", tmp_path / "m.zip", "--json"))
    assert out["n_features"] == 6                         # the weights are not a feature
    model = load(tmp_path / "m.zip")
    X = design(df, COLUMNS)
    ref = Ridge(lam=0.5).fit(X, df["price"], sample_weight=df["w"])
    np.testing.assert_allclose(model.coef_, ref.coef_, rtol=1e-10)
    # integer weights are repeated rows
    rep = df.loc[df.index.repeat(df["w"].astype(int))]
    dup = Ridge(lam=0.5).fit(design(rep, COLUMNS), rep["price"])
    np.testing.assert_allclose(model.coef_, dup.coef_, rtol=1e-8)
    assert out["train_score"] == pytest.approx(ref.score(X, df["price"], sample_weight=df["w"]))
    assert read_meta(tmp_path / "m.zip")["preprocessing"]["weights"] == "w"


def test_groups_choose_lambda_by_group_folds(data, call):
    df, path = data
    out = _json(call("fit", path, "-y", "price", "--groups", "site", "--drop", "code", "--drop",
                     "w", "--cv", "4", "--json"))
    assert "4-fold group cross-validation" in out["how"] and out["n_features"] == 6
    ref = RidgeCV(cv=GroupKFold(4)).fit(design(df, COLUMNS), df["price"], groups=df["site"])
    assert out["lam"] == pytest.approx(ref.lam_, rel=1e-12)
    assert out["cv_score"] == pytest.approx(ref.cv_results_["mean_score"][
        np.argmin(np.abs(ref.cv_results_["lam"] - ref.lam_))], rel=1e-10)
    # ridge's default leave-one-out would split the groups: 5 group folds instead
    five = _json(call("fit", path, "-y", "price", "--groups", "site", "--drop", "code",
                      "--drop", "w", "--json"))
    assert "5-fold group cross-validation" in five["how"]
    one_line_error(call("fit", path, "-y", "price", "--groups", "site", "--cv", "10"),
                   "8 groups, fewer than the 10 folds", "--cv 8")
    one_line_error(call("fit", path, "-y", "price", "--groups", "site", "--lam", "1"),
                   "--groups", "--lam")
    one_line_error(call("fit", path, "-y", "price", "--groups", "site", "--cv", "loo"),
                   "--cv 5")


def test_id_is_not_a_feature_and_is_carried_into_predictions(data, call, tmp_path):
    df, path = data
    out = _json(call("fit", path, "-y", "price", "--id", "code", "--drop", "site", "--drop", "w",
                     "--lam", "1", "-o", tmp_path / "m.zip", "--json"))
    assert out["n_features"] == 6
    new = df.drop(columns="price").sample(7, random_state=0)
    new.to_csv(tmp_path / "new.csv", index=False)
    pred = call("predict", tmp_path / "m.zip", tmp_path / "new.csv")
    assert pred.returncode == 0, pred.stderr
    frame = pd.read_csv(pd.io.common.StringIO(pred.stdout))
    assert list(frame.columns) == ["code", "prediction"]
    assert frame["code"].tolist() == new["code"].tolist()
    model = load(tmp_path / "m.zip")
    np.testing.assert_allclose(frame["prediction"], model.predict(design(new, COLUMNS)),
                               rtol=1e-12)
    # data without the id column: predictions in row order, with a note
    new.drop(columns="code").to_csv(tmp_path / "anon.csv", index=False)
    anon = call("predict", tmp_path / "m.zip", tmp_path / "anon.csv")
    assert anon.returncode == 0 and "no 'code' column" in anon.stderr
    assert anon.stdout.splitlines()[0] == "prediction"
    one_line_error(call("fit", path, "-y", "price", "--id", "price"), "--id names the target")
    one_line_error(call("fit", path, "-y", "price", "--id", "nope"), "'nope'", "not in the data")


def test_max_iter_and_tol_reach_the_solver_or_are_refused_by_name(data, call, tmp_path):
    df, path = data
    out = call("fit", path, "-y", "price", "--model", "lasso", "--lam", "0.01", "--max-iter",
               "2", "--tol", "1e-12", "--drop", "site", "--drop", "code", "--drop", "w",
               "-o", tmp_path / "m.zip")
    assert out.returncode == 0, out.stderr
    # 2 passes cannot reach 1e-12; the advice names the CLI's options, not Python's
    assert "did not converge" in out.stderr and "raise --max-iter (or loosen --tol)" in out.stderr
    params = read_meta(tmp_path / "m.zip")["params"]
    assert params["max_iter"] == 2 and params["tol"] == 1e-12
    with pytest.warns(ConvergenceWarning):
        ref = Lasso(lam=0.01, max_iter=2, tol=1e-12).fit(design(df, l1_columns(df)),
                                                         df["price"])
    np.testing.assert_allclose(load(tmp_path / "m.zip").coef_, ref.coef_, rtol=1e-12)
    one_line_error(call("fit", path, "-y", "price", "--max-iter", "5"),
                   "--max-iter does not apply to RidgeCV", "solved exactly")
    one_line_error(call("fit", path, "-y", "price", "--lam", "1", "--scoring", "r2"),
                   "--scoring does not apply to Ridge")


def test_scoring_and_rule_2se_choose_lambda_as_the_python_estimator(data, call):
    df, path = data
    args = [path, "-y", "price", "--drop", "site", "--drop", "code", "--drop", "w"]
    out = _json(call("fit", *args, "--cv", "5", "--scoring", "neg_mean_absolute_error",
                     "--rule", "2se", "--json"))
    ref = RidgeCV(cv=5, scoring="neg_mean_absolute_error", rule="2se", random_state=0).fit(
        design(df, COLUMNS), df["price"])
    assert out["cv_scoring"] == "neg_mean_absolute_error"
    assert out["lam"] == pytest.approx(ref.lam_, rel=1e-12)
    one = _json(call("fit", *args, "--cv", "5", "--scoring", "neg_mean_absolute_error",
                     "--rule", "1se", "--json"))
    assert out["lam"] >= one["lam"] >= out["lam_min"]
    text = call("fit", *args, "--rule", "2se")
    assert "λ_2se = " in text.stdout
    cv = call("cv", *args, "--rule", "2se", "--scoring", "r2", "-o", path.parent / "cv", "--json")
    assert json.loads(cv.stdout)["scoring"] == "r2"


def test_bad_weights_name_the_column_and_the_fix(data, call, tmp_path):
    df, _ = data
    df.loc[4, "w"] = -1.0
    df.to_csv(tmp_path / "bad.csv", index=False)
    one_line_error(call("fit", tmp_path / "bad.csv", "-y", "price", "--weights", "w"),
                   "--weights column 'w'", "negative", "row 4", ">= 0")
    one_line_error(call("fit", tmp_path / "bad.csv", "-y", "price", "--weights", "site"),
                   "holds text")
