"""Networks on the command line (issue 16: "--model mlp trains on raw, unscaled features"; "a
scikit-learn warning (X has feature names…) leaks into fit --model mlp --cv 3 and predict";
"cv and path for networks")."""

import io
import json
import warnings

import numpy as np
import pandas as pd
import pytest
from sklearn.datasets import load_wine
from test_cli_data import call, one_line_error  # noqa: F401  (call is a fixture)

from shrinkage import MLPClassifier
from shrinkage.cli._models import MLP_GRID
from shrinkage.io import load, read_meta


@pytest.fixture(scope="module")
def wine(tmp_path_factory):
    folder = tmp_path_factory.mktemp("wine")
    df = load_wine(as_frame=True).frame
    df.to_csv(folder / "wine.csv", index=False)
    return df, folder


def _no_feature_name_warnings():
    """Turn scikit-learn's "X has feature names" (and "X does not have valid feature names")
    into errors, as ``python -W error`` would: the command then fails if one is raised."""
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.filterwarnings("error", message=".*feature names.*")
    return ctx


def test_mlp_standardizes_by_default_and_predict_applies_the_stored_scaling(wine, call):
    """Before: trained on raw features (proline in the thousands beside hue near 1)."""
    df, folder = wine
    ctx = _no_feature_name_warnings()
    try:
        out = call("fit", folder / "wine.csv", "-y", "target", "--model", "mlp", "--epochs",
                   "30", "--hidden", "16", "-o", folder / "mlp.zip", "--json")
        pred = call("predict", folder / "mlp.zip", folder / "wine.csv", "--proba")
    finally:
        ctx.__exit__(None, None, None)
    assert out.returncode == 0 and pred.returncode == 0, out.stderr + pred.stderr
    assert "feature names" not in out.stderr + pred.stderr
    info = json.loads(out.stdout)
    assert "features standardized" in info["how"]
    X = df.drop(columns="target").to_numpy(float)
    scale = read_meta(folder / "mlp.zip")["preprocessing"]["scale"]
    np.testing.assert_allclose(scale["mean"], X.mean(axis=0), rtol=1e-12)
    np.testing.assert_allclose(scale["scale"], X.std(axis=0), rtol=1e-12)
    Z = (X - X.mean(axis=0)) / X.std(axis=0)
    # the network the CLI trained is the one Python trains on the standardized table
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ref = MLPClassifier(hidden_layer_sizes=(16,), lam=1e-4, max_epochs=30, learning_rate=1e-2,
                            random_state=0).fit(Z, df["target"])
    model = load(folder / "mlp.zip")
    for a, b in zip(model.coefs_, ref.coefs_):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    got = pd.read_csv(io.StringIO(pred.stdout))
    np.testing.assert_allclose(got[["proba_0", "proba_1", "proba_2"]], model.predict_proba(Z),
                               rtol=1e-6, atol=1e-7)
    assert info["train_score"] == pytest.approx(np.mean(model.predict(Z) == df["target"]))


def test_no_standardize_keeps_raw_features(wine, call):
    df, folder = wine
    out = call("fit", folder / "wine.csv", "-y", "target", "--model", "mlp", "--epochs", "3",
               "--no-standardize", "-o", folder / "raw.zip", "-q")
    assert out.returncode == 0, out.stderr
    assert "scale" not in read_meta(folder / "raw.zip")["preprocessing"]


def test_mlp_cross_validation_raises_no_feature_name_warning(wine, call):
    df, folder = wine
    ctx = _no_feature_name_warnings()
    try:
        out = call("fit", folder / "wine.csv", "-y", "target", "--model", "mlp", "--cv", "3",
                   "--epochs", "10", "--hidden", "8", "-o", folder / "cv.zip", "--json")
        pred = call("predict", folder / "cv.zip", folder / "wine.csv", "--json")
    finally:
        ctx.__exit__(None, None, None)
    assert out.returncode == 0 and pred.returncode == 0, out.stderr + pred.stderr
    assert "feature names" not in out.stderr + pred.stderr


def test_cv_draws_a_networks_curve_over_its_grid(wine, call, tmp_path):
    df, folder = wine
    out = call("cv", folder / "wine.csv", "-y", "target", "--model", "mlp", "--cv", "3",
               "--epochs", "10", "--hidden", "8", "-o", tmp_path / "cv", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    assert info["model"] == "MLPClassifier" and info["scoring"] == "neg_log_loss"
    assert sorted(info["lams"]) == sorted(MLP_GRID)
    best = info["lams"][int(np.argmax(info["mean_score"]))]
    assert info["lam_min"] == pytest.approx(best) and info["lam"] == pytest.approx(best)
    assert (tmp_path / "cv" / "cv.png").stat().st_size > 0


@pytest.mark.parametrize("command", ["path", "bias-variance"])
def test_path_and_bias_variance_refuse_a_network_pointing_to_cv(wine, call, tmp_path, command):
    _, folder = wine
    one_line_error(call(command, folder / "wine.csv", "-y", "target", "--model", "mlp", "-o",
                        tmp_path / "x"), "no coefficient path", "shrinkage cv --model mlp")
