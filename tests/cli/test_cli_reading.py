"""Reading a person's file (issue 16, "File reading"): ``--sep`` and ``--decimal``; formats that
are not CSV or Parquet refused by name (by extension and by their first bytes) with the way to
convert them; every missing value reported in one error."""

import gzip
import json
import pickle
import zipfile

import numpy as np
import pytest
from sklearn.datasets import load_wine
from shrinkage.cli.main import main
from test_cli_data import call, one_line_error, table  # noqa: F401  (call is a fixture)


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    """scikit-learn's wine data as a plain CSV and as a European one (';' and '14,23')."""
    folder = tmp_path_factory.mktemp("wine")
    df = load_wine(as_frame=True).frame
    df.to_csv(folder / "wine.csv", index=False)
    df.to_csv(folder / "wine_eu.csv", index=False, sep=";", decimal=",")
    return folder


def _fit_json(call, *args):
    out = call("fit", *args, "--json")
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


def test_semicolon_file_is_refused_with_the_options_that_read_it(wine, call):
    """Before: a ';'-separated file became one column, and a fit on it failed or meant nothing."""
    one_line_error(call("fit", wine / "wine_eu.csv", "-y", "target"),
                   "one column", "--sep ';'", "--decimal ','")
    one_line_error(call("fit", wine / "wine_eu.csv", "-y", "target", "--sep", ";"),
                   "decimal comma", "'14,23'", "--decimal ','")


def test_sep_and_decimal_give_the_fit_of_the_plain_csv(wine, call, tmp_path):
    plain = _fit_json(call, wine / "wine.csv", "-y", "target", "--lam", "0.01")
    eu = _fit_json(call, wine / "wine_eu.csv", "-y", "target", "--lam", "0.01", "--sep", ";",
                   "--decimal", ",", "--out", tmp_path / "m.zip")
    assert eu["n_features"] == plain["n_features"] == 13
    assert eu["train_score"] == plain["train_score"]
    for a, b in zip(eu["coefficients"], plain["coefficients"]):
        assert a["feature"] == b["feature"]
        np.testing.assert_allclose(a["coef"], b["coef"], rtol=1e-10)
    pred = call("predict", tmp_path / "m.zip", wine / "wine_eu.csv", "--sep", ";", "--decimal",
                ",", "--json")
    assert pred.returncode == 0, pred.stderr
    assert json.loads(pred.stdout)["score"]["value"] == pytest.approx(plain["train_score"])


def test_tab_separated_txt_is_refused_then_read_with_sep_tab(tmp_path, call):
    table(40).to_csv(tmp_path / "d.txt", sep="\t", index=False)
    one_line_error(call("fit", tmp_path / "d.txt", "-y", "price"), "tab", "--sep '\\t'")
    for spelling in ("tab", "\\t", "\t"):
        out = call("fit", tmp_path / "d.txt", "-y", "price", "--drop", "sold", "--sep", spelling,
                   "--lam", "1", "-q")
        assert out.returncode == 0, out.stderr


def test_a_separator_that_is_not_one_character_is_an_argument_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as exc:
        main(["fit", str(tmp_path / "d.csv"), "-y", "price", "--sep", ";;"])
    err = capsys.readouterr().err
    assert exc.value.code == 2 and "--sep" in err and "one separator" in err


def _xlsx(path):
    """The parts of an Excel workbook that name it (a real .xlsx is such a zip)."""
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("[Content_Types].xml", "<Types/>")
        zf.writestr("xl/workbook.xml", "<workbook/>")
        zf.writestr("xl/worksheets/sheet1.xml", "<worksheet/>")


@pytest.mark.parametrize("name, write, what, how", [
    ("d.xlsx", _xlsx, "an Excel workbook", "read_excel"),
    ("d.csv", _xlsx, "an Excel workbook", "read_excel"),           # renamed: by its bytes
    ("d.xls", lambda p: p.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100)),
     "an Excel workbook", "Save As > CSV"),
    ("d.json", lambda p: p.write_text('{"a": {"0": 1}}'), "JSON", "read_json"),
    ("d.csv", lambda p: p.write_text('[{"a": 1, "b": 2}]'), "JSON", "read_json"),
    ("d.jsonl", lambda p: p.write_text('{"a": 1}\n{"a": 2}\n'), "JSON", "lines=True"),
    ("d.feather", lambda p: p.write_bytes(b"ARROW1\x00\x00" + bytes(50)), "Feather",
     "read_feather"),
    ("d.data", lambda p: p.write_bytes(b"\x89HDF\r\n\x1a\n" + bytes(50)), "HDF5", "read_hdf"),
    ("d.csv", lambda p: p.write_bytes(pickle.dumps({"a": [1, 2]})), "a pickle",
     "never reads pickles"),
    ("d.npy", lambda p: np.save(p, np.eye(3)), "a NumPy array", "savetxt"),
    ("d.dta", lambda p: p.write_bytes(b"<stata_dta>"), "a Stata file", "read_stata"),
])
def test_formats_it_does_not_read_are_refused_with_the_conversion(tmp_path, call, name, write,
                                                                    what, how):
    """Before: .xlsx and .json were read as CSV without comment ('a header but no rows', or
    garbage columns)."""
    path = tmp_path / name
    write(path)
    if name.endswith(".npy"):
        path = tmp_path / "d.npy"
    for command in (["fit", path, "-y", "a"], ["cv", path, "-y", "a", "-o", tmp_path / "o"]):
        one_line_error(call(*command), what, "does not read", "CSV", "Parquet", how)


def test_a_workbook_given_to_report_is_refused_as_data_not_as_a_model(tmp_path, call):
    _xlsx(tmp_path / "d.xlsx")
    one_line_error(call("report", tmp_path / "d.xlsx", "-y", "a"), "an Excel workbook",
                   "read_excel")


def test_a_gzipped_csv_without_gz_in_its_name_is_read(tmp_path, call):
    df = table(40)
    with gzip.open(tmp_path / "d.data", "wt") as fh:
        df.to_csv(fh, index=False)
    df.to_csv(tmp_path / "d.csv", index=False)
    a = _fit_json(call, tmp_path / "d.data", "-y", "price", "--drop", "sold", "--lam", "1")
    b = _fit_json(call, tmp_path / "d.csv", "-y", "price", "--drop", "sold", "--lam", "1")
    assert a["coefficients"] == b["coefficients"]


def test_every_missing_value_is_reported_in_one_error(tmp_path, call):
    """Before: one column per run (the target first, then each feature)."""
    df = table(40)
    df.loc[[1, 2], "price"] = np.nan
    df.loc[[3, 7], "age"] = np.nan
    df.loc[5, "city"] = np.nan
    df.loc[[0, 9, 11], "size"] = np.nan
    df.to_csv(tmp_path / "holes.csv", index=False)
    one_line_error(call("fit", tmp_path / "holes.csv", "-y", "price"),
                   "target column 'price' has missing values in 2 rows", "'size' (3 rows)",
                   "'age' (2 rows)", "'city' (1 row)", "--impute")
    # --impute fills the features; the target still cannot be
    out = call("fit", tmp_path / "holes.csv", "-y", "price", "--impute", "mean")
    one_line_error(out, "'price' has missing values in 2 rows")
    assert "'age'" not in out.stderr
    # at prediction time, too: every column the model cannot fill, at once
    full = table(40)
    full.to_csv(tmp_path / "full.csv", index=False)
    assert call("fit", tmp_path / "full.csv", "-y", "price", "--drop", "sold", "--lam", "1",
                "-o", tmp_path / "m.zip", "-q").returncode == 0
    one_line_error(call("predict", tmp_path / "m.zip", tmp_path / "holes.csv"),
                   "'size' (3 rows)", "'age' (2 rows)", "'city' (1 row)", "without --impute")
