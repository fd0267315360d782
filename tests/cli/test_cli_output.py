"""The coefficient table as a person reads it (issue 16, "Output: multiclass coefficients as an
unlabelled list beside one 'standardized' number; the binary table does not say which class is
modelled")."""

import json

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from test_cli_data import call  # noqa: F401  (a fixture)

from shrinkage import LogisticRegression


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("data")
    load_wine(as_frame=True).frame.to_csv(folder / "wine.csv", index=False)
    cancer = load_breast_cancer(as_frame=True).frame
    cancer["target"] = cancer["target"].map({0: "malignant", 1: "benign"})
    cancer.to_csv(folder / "cancer.csv", index=False)
    return folder


def test_multiclass_coefficients_have_one_labelled_column_per_class(files, call):
    out = call("fit", files / "wine.csv", "-y", "target", "--lam", "0.01")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    head = next(i for i, ln in enumerate(lines) if ln.startswith("feature"))
    assert lines[head].split()[:4] == ["feature", "coef[0]", "coef[1]", "coef[2]"]
    assert "one column per class" in lines[head - 1] and "[" not in lines[head + 2]
    info = json.loads(call("fit", files / "wine.csv", "-y", "target", "--lam", "0.01",
                           "--json").stdout)
    assert info["classes"] == [0, 1, 2]
    import pandas as pd
    df = pd.read_csv(files / "wine.csv")
    ref = LogisticRegression(lam=0.01).fit(df.drop(columns="target"), df["target"])
    top = info["coefficients"][0]
    j = list(ref.feature_names_in_).index(top["feature"])
    np.testing.assert_allclose(top["coef"], ref.coef_[:, j], rtol=1e-6)
    printed = [float(v) for v in lines[head + 2].split()[-4:-1]]
    np.testing.assert_allclose(printed, ref.coef_[:, j], rtol=2e-3)


def test_binary_table_says_which_class_a_positive_coefficient_favours(files, call):
    out = call("fit", files / "cancer.csv", "-y", "target", "--lam", "0.01")
    assert out.returncode == 0, out.stderr
    assert ("log-odds of class 'malignant' against 'benign': positive favours 'malignant'"
            in out.stdout)
    import pandas as pd
    df = pd.read_csv(files / "cancer.csv")
    ref = LogisticRegression(lam=0.01).fit(df.drop(columns="target"), df["target"])
    assert list(ref.classes_) == ["benign", "malignant"]     # coef_ models classes_[1]
