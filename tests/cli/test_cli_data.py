"""The command line on a person's own files, written here: the main flows run as a person runs
them (the installed ``shrinkage`` console script in a subprocess, see ``cli_console.py``); the
breadth of flags runs ``main()`` in-process, which is the same code without the interpreter
start-up (seconds each on a busy machine)."""

import io
import json
import re
import sys

import numpy as np
import pandas as pd
import pytest
from cli_console import run_cli as run

import shrinkage
from shrinkage import (ElasticNetCV, GroupLasso, GroupLassoClassifier, LogisticRegression,
                       LogisticRegressionCV, RidgeCV)
from shrinkage.cli.main import main
from shrinkage.io import load, read_meta
from shrinkage.selection import LamSearchCV


class Result:
    def __init__(self, returncode, stdout, stderr):
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr


@pytest.fixture
def call(capsys, monkeypatch):
    """``main(args)`` in-process, returning what a subprocess would."""
    monkeypatch.delenv("SHRINKAGE_DEBUG", raising=False)

    def _call(*args):
        capsys.readouterr()
        code = main([str(a) for a in args])
        captured = capsys.readouterr()
        return Result(code, captured.out, captured.err)
    return _call


def table(n=90, seed=0):
    """Numbers, a text category, a boolean, a text target and a numeric target."""
    rng = np.random.default_rng(seed)
    df = pd.DataFrame({"size": rng.normal(50, 10, n), "age": rng.integers(0, 40, n).astype(float),
                       "city": rng.choice(["Lyon", "Nice", "Paris"], n),
                       "garden": rng.random(n) > 0.5})
    df["price"] = (3 * df["size"] - 0.5 * df["age"] + 20 * (df["city"] == "Paris")
                   + 5 * df["garden"] + rng.normal(0, 5, n))
    df["sold"] = np.where(df["price"] + rng.normal(0, 10, n) > df["price"].median(), "yes", "no")
    return df


def design(df, columns):
    """The one-hot design the CLI promises, built by hand with pandas."""
    X = df[["size", "age"]].astype(float).assign(garden=df["garden"].astype(float))
    for lv in ("Lyon", "Nice", "Paris"):
        X[f"city={lv}"] = (df["city"] == lv).astype(float)
    return X[columns]


def l1_columns(df):
    """The design of the L1 models (lasso, elastic net, group lasso): the most frequent city
    is the reference level and has no 0/1 column."""
    counts = df["city"].value_counts()
    reference = min(counts.index, key=lambda lv: (-counts[lv], lv))
    return ["size", "age"] + [f"city={lv}" for lv in ("Lyon", "Nice", "Paris")
                              if lv != reference] + ["garden"]


def one_line_error(out, *needles):
    assert out.returncode == 2, (out.stdout, out.stderr)
    err = out.stderr.strip()
    assert "Traceback" not in err and len(err.splitlines()) == 1, err
    for n in needles:
        assert n in err, err


def test_fit_csv_with_category_and_text_target_then_predict_matches_python_api(tmp_path):
    df = table()
    df.drop(columns="price").to_csv(tmp_path / "train.csv", index=False)
    new = table(12, seed=1).drop(columns=["price", "sold"])
    new.to_csv(tmp_path / "new.csv", index=False)
    fit = run("fit", tmp_path / "train.csv", "--target", "sold", "--out", tmp_path / "m.zip",
              "--json")
    assert fit.returncode == 0, fit.stderr
    info = json.loads(fit.stdout)                     # stdout is JSON and nothing else
    assert info["model"] == "LogisticRegressionCV" and info["task"] == "classification"
    assert info["n_features"] == 6                    # size, age, garden, 3 city levels
    assert info["lam_min"] <= info["lam_1se"] and info["cv_scoring"] == "neg_log_loss"
    assert 0 < info["df"] < 6

    pred = run("predict", tmp_path / "m.zip", tmp_path / "new.csv", "--out",
               tmp_path / "pred.csv", "--proba")
    assert pred.returncode == 0, pred.stderr
    got = pd.read_csv(tmp_path / "pred.csv")
    cols = [c["feature"] for c in info["coefficients"]]
    ref = LogisticRegressionCV(cv=5, random_state=0).fit(design(df, sorted(cols)), df["sold"])
    X_new = design(new, sorted(cols))
    assert got["prediction"].tolist() == ref.predict(X_new).tolist()
    np.testing.assert_allclose(got[["proba_no", "proba_yes"]], ref.predict_proba(X_new),
                               rtol=1e-6, atol=1e-9)


def test_parquet_regression_round_trip_and_score_against_the_target(tmp_path, call):
    df = table()
    df.to_parquet(tmp_path / "houses.parquet")
    fit = run("fit", tmp_path / "houses.parquet", "--target", "price", "--drop", "sold",
              "--out", tmp_path / "ridge.shrinkage")
    assert fit.returncode == 0, fit.stderr
    assert "RidgeCV" in fit.stdout and "λ = " in fit.stdout and "df = " in fit.stdout
    assert "city=Paris" in fit.stdout                 # among the largest coefficients
    pred = call("predict", tmp_path / "ridge.shrinkage", tmp_path / "houses.parquet", "--json")
    assert pred.returncode == 0, pred.stderr
    out = json.loads(pred.stdout)
    X = design(df, ["size", "age", "garden", "city=Lyon", "city=Nice", "city=Paris"])
    ref = RidgeCV().fit(X, df["price"])
    np.testing.assert_allclose(out["predictions"], ref.predict(X), rtol=1e-10)
    assert out["score"]["name"] == "R²" and out["score"]["value"] == pytest.approx(
        ref.score(X, df["price"]), rel=1e-9)


def test_bad_files_exit_2_with_one_line_naming_the_problem(tmp_path, call):
    df = table(40)
    df.loc[[3, 7], "age"] = np.nan
    df.loc[5, "city"] = np.nan
    df.to_csv(tmp_path / "holes.csv", index=False)
    one_line_error(run("fit", tmp_path / "holes.csv", "--target", "price"),
                   "missing values", "'age' (2 rows)", "'city' (1 row)", "--impute")
    (tmp_path / "empty.csv").write_text("")
    one_line_error(run("fit", tmp_path / "empty.csv", "--target", "price"), "is empty")
    one_line_error(run("fit", tmp_path / "holes.csv", "--target", "Prize"),
                   "target column 'Prize' is not in the data")
    (tmp_path / "header.csv").write_text("a,b\n")
    one_line_error(run("cv", tmp_path / "header.csv", "--target", "b"), "no rows")
    one_line_error(call("predict", tmp_path / "holes.csv", tmp_path / "holes.csv"),
                   "not a shrinkage model file")
    one_line_error(call("fit", tmp_path / "nowhere.csv", "--target", "price"), "does not exist")
    one_line_error(call("fit", tmp_path / "holes.csv", "--target", "sold", "--model", "ridge",
                        "--impute", "mean"), "use --model logistic")


def test_impute_fills_missing_values_and_predict_reuses_the_fill(tmp_path, call):
    df = table(60)
    df.loc[[3, 7], "age"] = np.nan
    df.loc[5, "city"] = np.nan
    df.to_csv(tmp_path / "holes.csv", index=False)
    fit = call("fit", tmp_path / "holes.csv", "--target", "price", "--drop", "sold",
              "--impute", "median", "--lam", "0.01", "--out", tmp_path / "m.zip", "--quiet")
    assert fit.returncode == 0, fit.stderr
    assert fit.stdout == "" and fit.stderr == ""      # --quiet: nothing, not even a bar
    meta = read_meta(tmp_path / "m.zip")
    age = next(c for c in meta["preprocessing"]["columns"] if c["name"] == "age")
    assert age["fill"] == pytest.approx(df["age"].median())
    pred = call("predict", tmp_path / "m.zip", tmp_path / "holes.csv", "--json")
    assert pred.returncode == 0 and len(json.loads(pred.stdout)["predictions"]) == 60


def test_unseen_category_level_is_zeros_with_a_warning_or_an_error(tmp_path, call):
    df = table(60)
    df.to_csv(tmp_path / "train.csv", index=False)
    new = df.head(3).copy()
    new.loc[0, "city"] = "Marseille"
    new.to_csv(tmp_path / "new.csv", index=False)
    assert call("fit", tmp_path / "train.csv", "-y", "price", "--drop", "sold", "--lam", "0.01",
               "-o", tmp_path / "m.zip", "-q").returncode == 0
    pred = call("predict", tmp_path / "m.zip", tmp_path / "new.csv", "--json")
    assert pred.returncode == 0, pred.stderr
    assert "not seen in training" in pred.stderr and "Marseille" in pred.stderr
    model = load(tmp_path / "m.zip")
    x0 = design(new.head(1), list(model.feature_names_in_))
    x0[["city=Lyon", "city=Nice", "city=Paris"]] = 0.0        # the documented baseline
    assert json.loads(pred.stdout)["predictions"][0] == pytest.approx(model.predict(x0)[0])
    one_line_error(call("predict", tmp_path / "m.zip", tmp_path / "new.csv", "--unknown", "error"),
                   "Marseille")


def test_path_cv_and_bias_variance_write_their_figures(tmp_path, call):
    df = table(50)
    df.to_csv(tmp_path / "d.csv", index=False)
    for cmd, extra, png in (("path", ["--lams", "10"], "path.png"),
                            ("cv", ["--cv", "4", "--rule", "1se"], "cv.png"),
                            ("bias-variance", ["--lams", "5", "--rounds", "4"],
                             "bias_variance.png")):
        out = call(cmd, tmp_path / "d.csv", "--target", "price", "--drop", "sold", "--out",
                  tmp_path / cmd, "--json", *extra)
        assert out.returncode == 0, out.stderr
        info = json.loads(out.stdout)
        data = (tmp_path / cmd / png).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5_000
        if cmd == "cv":
            assert info["lam"] == info["lam_1se"] >= info["lam_min"]
            assert (tmp_path / cmd / "cv_results.csv").exists()
        if cmd == "path":
            assert len(info["df"]) == 10 and np.all(np.diff(info["df"]) >= -1e-9)


def printed(stdout):
    """λ and the non-zero count from ``shrinkage fit``'s text output."""
    lam = float(re.search(r"^λ = (\S+)", stdout, re.MULTILINE).group(1))
    k, m = map(int, re.search(r"non-zero coefficients = (\d+) of (\d+)", stdout).groups())
    return lam, k, m


def lam_max_l1_logistic(X, y01):
    """The smallest λ with an all-zero L1 logistic fit on standardized features, by hand: the
    null model predicts the mean ȳ, and λ_max = max_j |(1/n) Σ_i x̃_ij (y_i − ȳ)|."""
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    return float(np.max(np.abs(Z.T @ (y01 - y01.mean())) / len(y01)))


def test_fit_elasticnet_with_3_fold_cv_on_a_regression_csv(tmp_path):
    df = table()
    df.to_csv(tmp_path / "houses.csv", index=False)
    fit = run("fit", tmp_path / "houses.csv", "--target", "price", "--drop", "sold",
              "--model", "elasticnet", "--l1-ratio", "0.7", "--cv", "3", "--rule", "1se")
    assert fit.returncode == 0, fit.stderr
    assert fit.stdout.startswith("ElasticNetCV on houses.csv")
    lam, nonzero, n_coef = printed(fit.stdout)
    cols = l1_columns(df)                      # the most frequent city is the reference
    ref = ElasticNetCV(l1_ratio=0.7, cv=3, rule="1se", random_state=0).fit(design(df, cols),
                                                                            df["price"])
    assert lam == pytest.approx(ref.lam_, rel=1e-3)          # printed to 4 digits
    assert (nonzero, n_coef) == (np.count_nonzero(ref.coef_), 5)


def test_fit_lasso_on_a_text_target_is_l1_logistic_and_predicts_from_the_file(tmp_path):
    df = table()
    df.drop(columns="price").to_csv(tmp_path / "train.csv", index=False)
    fit = run("fit", tmp_path / "train.csv", "--target", "sold", "--model", "lasso",
              "--out", tmp_path / "l1.zip")
    assert fit.returncode == 0, fit.stderr
    assert fit.stdout.startswith("LogisticRegression on train.csv") and fit.stderr == ""
    assert "30 values from λ_max" in fit.stdout
    lam, nonzero, n_coef = printed(fit.stdout)
    model = load(tmp_path / "l1.zip")
    assert type(model) is LogisticRegression and model.l1_ratio == 1.0
    cols = list(model.feature_names_in_)
    X, y01 = design(df, cols), (df["sold"] == "yes").to_numpy(float)
    top = lam_max_l1_logistic(X.to_numpy(), y01)
    assert np.count_nonzero(LogisticRegression(lam=top * 1.001, l1_ratio=1.0)
                            .fit(X, df["sold"]).coef_) == 0           # λ_max is the edge
    search = LamSearchCV(LogisticRegression(l1_ratio=1.0), lams=np.geomspace(top, top * 1e-4, 30),
                         cv=5, random_state=0).fit(X, df["sold"])
    assert lam == pytest.approx(search.lam_, rel=1e-3)
    assert model.lam == pytest.approx(search.lam_, rel=1e-12)     # the same grid, by hand
    assert nonzero == np.count_nonzero(model.coef_) and n_coef == 5
    assert cols == l1_columns(df)
    assert model.cv_results_["lam"].size == 30 and model.lam_1se_ >= model.lam_min_
    new = table(12, seed=1).drop(columns=["price", "sold"])
    new.to_csv(tmp_path / "new.csv", index=False)
    pred = run("predict", tmp_path / "l1.zip", tmp_path / "new.csv", "--json")
    assert pred.returncode == 0, pred.stderr
    ref = LogisticRegression(lam=search.lam_, l1_ratio=1.0).fit(X, df["sold"])
    assert json.loads(pred.stdout)["predictions"] == ref.predict(design(new, cols)).tolist()


def test_sparse_models_on_class_labels_binary_and_multiclass(tmp_path, call):
    df = table(80)
    df["grade"] = np.array(["a", "b", "c"])[np.digitize(df["size"], [45, 55])]
    df.to_csv(tmp_path / "d.csv", index=False)
    cols = l1_columns(df)
    out = call("fit", tmp_path / "d.csv", "-y", "grade", "--drop", "sold", "--drop", "price",
               "--model", "elasticnet", "--l1-ratio", "0.5", "--lam", "0.02", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    ref = LogisticRegression(lam=0.02, l1_ratio=0.5).fit(design(df, cols), df["grade"])
    assert info["model"] == "LogisticRegression" and info["n_coef"] == 15      # 3 classes × 5
    assert info["n_nonzero"] == np.count_nonzero(ref.coef_) < 15
    # the group lasso keeps or drops the city columns (all but the reference) together
    out = call("fit", tmp_path / "d.csv", "-y", "price", "--drop", "sold", "--drop", "grade",
               "--model", "grouplasso", "--lam", "3", "--out", tmp_path / "g.zip", "-q")
    assert out.returncode == 0, out.stderr
    model = load(tmp_path / "g.zip")
    assert type(model) is GroupLasso and list(model.groups) == [0, 1, 2, 2, 3]
    names = list(model.feature_names_in_)
    city = np.asarray(model.coef_)[[j for j, c in enumerate(names) if c.startswith("city=")]]
    assert city.size == 2
    assert np.all(city == 0) or np.all(city != 0)
    # three classes: glmnet's grouped multinomial, the city block kept or dropped for all classes
    out = call("fit", tmp_path / "d.csv", "-y", "grade", "--drop", "sold", "--drop", "price",
               "--model", "grouplasso", "--lam", "0.05", "--out", tmp_path / "m.zip", "-q")
    assert out.returncode == 0, out.stderr
    model = load(tmp_path / "m.zip")
    assert type(model) is GroupLassoClassifier and model.coef_.shape == (3, 5)
    city = model.coef_[:, [j for j, c in enumerate(model.feature_names_in_)
                           if c.startswith("city=")]]
    assert np.all(city == 0) or np.all(city.any(axis=0))


def test_path_and_bias_variance_take_the_sparse_models(tmp_path, call):
    table(60).to_csv(tmp_path / "d.csv", index=False)
    out = call("path", tmp_path / "d.csv", "-y", "price", "--drop", "sold", "--model", "lasso",
               "--lams", "12", "--out", tmp_path / "p", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    nonzero = [np.count_nonzero(c) for c in info["coef"]]
    assert nonzero[0] == 0 < nonzero[-1] and info["df"] == nonzero   # λ_max first; df = non-zeros
    out = call("bias-variance", tmp_path / "d.csv", "-y", "sold", "--drop", "price", "--model",
               "elasticnet", "--lams", "4", "--rounds", "3", "--out", tmp_path / "bv", "--json")
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["loss"] == "log" and (tmp_path / "bv" / "bias_variance.png").exists()


def test_estimators_with_a_progress_parameter_draw_their_own_bar(tmp_path, call, monkeypatch):
    """Any estimator whose get_params() has "progress" gets it from the command line (True
    for a person at a terminal), and is saved with it back at False."""
    from shrinkage.cli._output import Output
    monkeypatch.setattr(Output, "progress_enabled", property(lambda self: True))
    seen = []
    for cls in (ElasticNetCV, LamSearchCV, RidgeCV):
        fit = cls.fit

        def recording(self, *a, _fit=fit, **k):
            seen.append((type(self).__name__, self.progress))
            return _fit(self, *a, **k)
        monkeypatch.setattr(cls, "fit", recording)
    table(50).to_csv(tmp_path / "d.csv", index=False)
    for target, model in (("price", "elasticnet"), ("sold", "lasso"), ("price", "ridge")):
        out = call("fit", tmp_path / "d.csv", "-y", target, "--drop",
                   "sold" if target == "price" else "price", "--model", model, "--cv", "3",
                   "-o", tmp_path / f"{model}.zip")
        assert out.returncode == 0, out.stderr
        assert read_meta(tmp_path / f"{model}.zip")["params"].get("progress", False) is False
    assert seen == [("ElasticNetCV", True), ("LamSearchCV", True), ("RidgeCV", True)]


# -- in-process: the breadth of flags, fast -------------------------------------------------
COMMANDS = ["demo", "fit", "predict", "path", "cv", "bias-variance", "report", "convert"]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_quiet_and_json(command, capsys):
    with pytest.raises(SystemExit) as exc:
        main([command, "--help"])
    assert exc.value.code == 0
    text = capsys.readouterr().out
    assert "--quiet" in text and "--json" in text


@pytest.mark.parametrize("source, family", [("sklearn-logistic", "binomial"),
                                            ("glmnet-binomial", "binomial"),
                                            ("sklearn-ridge", "gaussian"),
                                            ("shrinkage", "gaussian")])
def test_convert_to_glmnet_takes_the_family_of_the_other_side_with_a_note(capsys, source, family):
    """Before: a logistic strength through --to glmnet came back as the Gaussian value."""
    scale = {"y_scale": 2.0} if family == "gaussian" else {}     # glmnet scales a gaussian y
    assert main(["convert", "1.0", "--from", source, "--to", "glmnet", "--n-samples", "200",
                 "--json", *(["--y-scale", "2"] if scale else [])]) == 0
    captured = capsys.readouterr()
    out = json.loads(captured.out)
    assert out["target"] == f"glmnet-{family}"
    assert out["value"] == pytest.approx(shrinkage.convert_strength(
        1.0, source=source, target=f"glmnet-{family}", n_samples=200, **scale).value)
    assert f"glmnet-{family}" in captured.err


def test_internal_error_exits_1_in_one_line(monkeypatch, tmp_path, capsys):
    from shrinkage.cli import tabular

    def broken(args, out):
        raise RuntimeError("boom")
    monkeypatch.setattr(tabular, "cmd_fit", broken)
    monkeypatch.delenv("SHRINKAGE_DEBUG", raising=False)
    assert main(["fit", str(tmp_path / "x.csv"), "--target", "y"]) == 1
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: boom" in err and len(err.strip().splitlines()) == 1


def test_argument_errors_are_one_line_exit_2(capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fit", "x.csv", "--target", "y", "--lam", "-1"])
    assert exc.value.code == 2
    assert len(capsys.readouterr().err.strip().splitlines()) == 1


def test_progress_bars_only_for_a_terminal(monkeypatch):
    from shrinkage.cli._output import Output

    class Tty:
        def isatty(self):
            return True
    monkeypatch.setattr(sys, "stdout", Tty())
    assert Output().progress_enabled
    assert not Output(quiet=True).progress_enabled and not Output(as_json=True).progress_enabled
    monkeypatch.undo()
    assert not Output().progress_enabled            # pytest captures stdout: not a terminal


@pytest.mark.parametrize("quiet", [False, True])
def test_predict_to_stdout_is_a_clean_csv_and_the_score_goes_to_stderr(tmp_path, call, quiet):
    """Before: the accuracy line was the CSV's last row, and --quiet wrote nothing at all."""
    df = table()
    df.to_csv(tmp_path / "d.csv", index=False)
    model = tmp_path / "m.shrinkage"
    assert call("fit", tmp_path / "d.csv", "--target", "sold", "--lam", "0.1", "--out", model,
                "--quiet").returncode == 0
    r = call("predict", model, tmp_path / "d.csv", *(["--quiet"] if quiet else []))
    assert r.returncode == 0
    back = pd.read_csv(io.StringIO(r.stdout))
    assert list(back.columns) == ["prediction"] and len(back) == len(df)
    assert set(back["prediction"]) <= {"yes", "no"}
    assert ("accuracy against the 'sold' column" in r.stderr) is not quiet


def test_numeric_class_labels_and_values_print_as_plain_numbers(tmp_path, call):
    """Before: columns proba_0.0 / proba_1.0 and 'single value (np.int64(2))'."""
    df = table()
    df["label"] = (df["sold"] == "yes").astype(float)
    df.drop(columns=["sold", "price"]).to_csv(tmp_path / "d.csv", index=False)
    model = tmp_path / "m.shrinkage"
    assert call("fit", tmp_path / "d.csv", "--target", "label", "--lam", "0.1", "--out", model,
                "--quiet").returncode == 0
    r = call("predict", model, tmp_path / "d.csv", "--proba")
    assert r.stdout.splitlines()[0] == "prediction,proba_0,proba_1"
    df.assign(label=2).drop(columns=["sold", "price"]).to_csv(tmp_path / "one.csv", index=False)
    r = call("fit", tmp_path / "one.csv", "--target", "label")
    assert r.returncode == 2 and "single value (2)" in r.stderr and "np." not in r.stderr


def test_fit_summary_prints_the_coefficient_table(tmp_path, call):
    """Issue 16: `fit --summary` prints (and --json returns) the table of summary()."""
    df = table()
    df.to_csv(tmp_path / "d.csv", index=False)
    r = call("fit", tmp_path / "d.csv", "--target", "price", "--drop", "sold", "--summary")
    assert r.returncode == 0, r.stderr
    assert "coefficient table (bayes:" in r.stdout and "p_value" in r.stdout
    r = call("fit", tmp_path / "d.csv", "--target", "price", "--drop", "sold", "--summary",
             "--lam", "0", "--json")
    out = json.loads(r.stdout)
    rows = out["coefficient_table"]["rows"]
    assert out["coefficient_table"]["method"].startswith("mle")
    assert set(rows["size"]) == {"coef", "std_err", "t", "p_value", "ci_low", "ci_high"}
    r = call("fit", tmp_path / "d.csv", "--target", "price", "--model", "lasso", "--summary")
    assert r.returncode == 2 and "--summary covers ridge and L2 logistic" in r.stderr
    assert len(r.stderr.strip().splitlines()) == 1


def test_fit_warns_about_identifiers_intercept_only_choices_and_no_penalty(tmp_path, call):
    """Issue 16: an identifier column, a 1se choice that keeps no coefficient, and λ ≈ 1e-16
    with a perfect training fit were all printed without a word."""
    rng = np.random.default_rng(0)
    n = 60
    ident = pd.DataFrame({"a": rng.normal(size=n), "state": [f"s{i}" for i in range(n)]})
    ident["y"] = 2 * ident["a"] + 0.1 * rng.normal(size=n)
    ident.to_csv(tmp_path / "ident.csv", index=False)
    r = call("fit", tmp_path / "ident.csv", "--target", "y")
    assert "column 'state' has 60 distinct values for 60 rows: an identifier?" in r.stderr
    noise = pd.DataFrame({"a": rng.normal(size=n), "b": rng.normal(size=n),
                          "y": rng.normal(size=n)})
    noise.to_csv(tmp_path / "noise.csv", index=False)
    r = call("fit", tmp_path / "noise.csv", "--target", "y", "--model", "lasso", "--rule", "1se",
             "--json")
    assert any("keeps none of the 2 coefficients" in w for w in json.loads(r.stdout)["warnings"])
    exact = pd.DataFrame({"a": rng.normal(size=200), "b": rng.normal(size=200)})
    exact["y"] = 3 * exact["a"] - exact["b"]
    exact.to_csv(tmp_path / "exact.csv", index=False)
    r = call("fit", tmp_path / "exact.csv", "--target", "y")
    assert "is the bottom of the grid and leaves the fit unpenalized" in r.stderr
    assert "no penalty is best" in r.stderr and "near-perfect training fit" in r.stderr
    r = call("fit", tmp_path / "exact.csv", "--target", "y", "--quiet")
    assert r.stderr == ""                                       # --quiet silences the remarks
