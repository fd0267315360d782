"""Hostile tables, wrong paths and malformed options on the command line: exit 2 with one line
that names the problem (the column, the path the user gave, the option) and the fix; never a
raw Python exception text."""

import numpy as np
import pytest
from test_cli_data import call, one_line_error, table  # noqa: F401  (call is a fixture)


@pytest.fixture
def data(tmp_path):
    path = tmp_path / "train.csv"
    table(40).to_csv(path, index=False)
    return path


# -- reading tables --------------------------------------------------------------------------
def test_a_repeated_csv_header_is_refused_naming_the_column(tmp_path, call):
    (tmp_path / "dup.csv").write_text("size,age,size,price\n1,2,3,4\n5,6,7,8\n9,1,2,3\n")
    one_line_error(call("fit", tmp_path / "dup.csv", "--target", "price"),
                   "has the column name 'size' twice (columns 1 and 3)",
                   "give every column its own name")


@pytest.mark.parametrize("column, values, what, typ", [
    ("tags", lambda n: [["a", "b"][: i % 3] for i in range(n)], "a list",
     "list<element: string>"),
    ("place", lambda n: [{"x": i, "y": -i} for i in range(n)], "a mapping (struct)",
     "struct<x: int64, y: int64>"),
])
def test_parquet_list_and_struct_columns_are_refused_naming_column_and_type(
        column, values, what, typ, tmp_path, call):
    df = table(40)
    df[column] = values(len(df))
    df.to_parquet(tmp_path / "nested.parquet")
    one_line_error(call("fit", tmp_path / "nested.parquet", "--target", "price"),
                   f"column {column!r} holds {what} in each cell (Parquet type {typ})",
                   f"--drop {column}")
    fit = call("fit", tmp_path / "nested.parquet", "--target", "price", "--drop", column,
               "--out", tmp_path / "m.shrinkage", "-q")
    assert fit.returncode == 0, fit.stderr
    one_line_error(call("fit", tmp_path / "nested.parquet", "--target", column),   # as target
                   f"column {column!r} holds {what}")


def test_prediction_data_with_a_nested_column_the_model_uses_is_refused(tmp_path, call):
    df = table(40)
    df.to_parquet(tmp_path / "train.parquet")
    assert call("fit", tmp_path / "train.parquet", "--target", "price", "--out",
                tmp_path / "m.shrinkage", "-q").returncode == 0
    df["city"] = [[c] for c in df["city"]]
    df.to_parquet(tmp_path / "new.parquet")
    one_line_error(call("predict", tmp_path / "m.shrinkage", tmp_path / "new.parquet"),
                   "column 'city' holds a list in each cell (Parquet type list<element: string>)")


def test_a_one_hot_name_that_collides_with_a_column_names_both(tmp_path, call):
    df = table(40)
    df["city=Paris"] = np.arange(len(df), dtype=float)
    df.to_csv(tmp_path / "clash.csv", index=False)
    one_line_error(call("fit", tmp_path / "clash.csv", "--target", "price"),
                   "the 0/1 column of level 'Paris' of the text column 'city' and the column "
                   "'city=Paris' would both be named 'city=Paris'", "rename one of them")
    assert "Expected unique column names" not in call("fit", tmp_path / "clash.csv",
                                                      "--target", "price").stderr


def test_a_directory_given_as_data_is_named_as_a_directory(tmp_path, call):
    one_line_error(call("fit", tmp_path, "--target", "price"),
                   f"data file {str(tmp_path)!r} is a directory with no data files; give a "
                   ".csv, .tsv or .parquet file, or a directory of .parquet files (fitted on a "
                   "Dask cluster)")
    one_line_error(call("path", tmp_path, "--target", "price"),
                   f"data file {str(tmp_path)!r} is a directory; give a .csv, .tsv or .parquet "
                   "file")


# -- paths to write --------------------------------------------------------------------------
@pytest.mark.parametrize("command", ["fit", "predict", "report"])
def test_out_naming_a_directory_is_refused_naming_that_directory(command, data, tmp_path, call):
    folder = tmp_path / "out"
    folder.mkdir()
    if command == "fit":
        args = ["fit", data, "--target", "price"]
    else:
        assert call("fit", data, "--target", "price", "--out", tmp_path / "m.shrinkage",
                    "-q").returncode == 0
        args = (["predict", tmp_path / "m.shrinkage", data] if command == "predict"
                else ["report", tmp_path / "m.shrinkage"])
    out = call(*args, "--out", folder)
    one_line_error(out, f"{str(folder)!r}: is a directory, not a file; give a file name")
    assert ".tmp" not in out.stderr
    assert list(folder.iterdir()) == [] and not list(tmp_path.glob(".*.tmp"))


def test_out_in_a_missing_folder_names_the_folder(data, tmp_path, call):
    out = call("fit", data, "--target", "price", "--out", tmp_path / "nowhere" / "m.shrinkage")
    one_line_error(out, f"{str(tmp_path / 'nowhere')!r}: the folder to write into does not "
                        "exist; create it first")
    assert ".tmp" not in out.stderr


def test_a_figure_folder_that_is_a_file_is_named(data, call):
    one_line_error(call("cv", data, "--target", "price", "--out", data),
                   f"--out {str(data)!r} is a file", "give a folder name")


# -- options and inputs ----------------------------------------------------------------------
@pytest.mark.parametrize("args, needle", [
    (["--model", "mlp", "--hidden", "abc"], "argument --hidden: expected positive layer widths "
                                            "separated by commas, such as 64 or 128,64, got 'abc'"),
    (["--model", "mlp", "--hidden", "64,0"], "argument --hidden: expected positive"),
    (["--model", "mlp", "--epochs", "0"], "argument --epochs: expected an integer >= 1"),
    (["--seed", "-1"], "argument --seed: expected an integer from 0 to 2**32 - 1"),
    (["--model", "elasticnet", "--l1-ratio", "nan"], "argument --l1-ratio: expected a number "
                                                     "from 0 (ridge) to 1 (lasso)"),
])
def test_malformed_fit_options_name_the_option_and_the_expected_form(args, needle, data,
                                                                     capsys):
    from shrinkage.cli.main import main
    with pytest.raises(SystemExit) as exc:
        main(["fit", str(data), "--target", "price"] + args)
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and needle in err, err
    assert "invalid literal" not in err


@pytest.mark.parametrize("args, needle", [
    (["path", "x.csv", "-y", "p", "--lams", "0"], "argument --lams: expected an integer >= 1"),
    (["bias-variance", "x.csv", "-y", "p", "--rounds", "1"], "argument --rounds: expected an "
                                                             "integer >= 2"),
    (["convert", "nan", "--from", "sklearn-ridge"], "argument value: expected a finite number"),
    (["convert", "1", "--from", "sklearn-ridge", "--n-samples", "0"],
     "argument --n-samples: expected a positive number"),
])
def test_malformed_analysis_and_convert_options_name_the_option(args, needle, capsys):
    from shrinkage.cli.main import main
    with pytest.raises(SystemExit) as exc:
        main(args)
    err = capsys.readouterr().err.strip()
    assert exc.value.code == 2 and len(err.splitlines()) == 1 and needle in err, err


def test_convert_without_the_rows_it_needs_names_the_option(call):
    one_line_error(call("convert", "1", "--from", "sklearn-logistic"),
                   "converting sklearn-logistic to shrinkage needs --n-samples N")


def test_report_on_a_missing_or_directory_input_says_so(tmp_path, call):
    out = call("report", tmp_path / "missing.shrinkage")
    one_line_error(out, "INPUT", "missing.shrinkage' does not exist; give a model file")
    assert "--target" not in out.stderr.split("does not exist")[0]
    one_line_error(call("report", tmp_path), "is a directory; give a model file")


def test_predict_on_a_directory_model_says_so(data, tmp_path, call):
    one_line_error(call("predict", tmp_path, data), "is a directory; give the file")



def test_a_file_that_is_not_utf8_says_so_and_how_to_fix_it(tmp_path, call):
    (tmp_path / "latin1.csv").write_bytes("x,y\n1,café\n2,thé\n".encode("latin-1"))
    one_line_error(call("fit", tmp_path / "latin1.csv", "--target", "x"),
                   "is not UTF-8 text (byte 0xe9 at position", "save it as UTF-8")


@pytest.mark.parametrize("with_names", [True, False])
def test_text_for_a_model_saved_from_python_names_the_column(with_names, tmp_path, call):
    import pandas as pd

    from shrinkage import Ridge
    from shrinkage.io import save
    X = pd.DataFrame({"a": np.arange(10.0), "b": np.arange(10.0) ** 2})
    save(Ridge().fit(X if with_names else X.to_numpy(), X["a"]), tmp_path / "m.shrinkage")
    X.assign(b="text").to_csv(tmp_path / "new.csv", index=False)
    one_line_error(call("predict", tmp_path / "m.shrinkage", tmp_path / "new.csv"),
                   "column 'b' holds text ('text'); the model was saved from Python without a "
                   "table's preprocessing: numbers only")
