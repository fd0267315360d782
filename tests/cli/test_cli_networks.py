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


def test_bias_variance_refuses_a_network_pointing_to_cv_and_path(wine, call, tmp_path):
    _, folder = wine
    one_line_error(call("bias-variance", folder / "wine.csv", "-y", "target", "--model", "mlp",
                        "-o", tmp_path / "x"), "shrinkage cv --model mlp",
                   "shrinkage path --model mlp")


def test_path_of_a_network_equals_a_fit_at_each_lam(wine, call, tmp_path):
    """``path --model mlp``: per λ the weight norms and training loss of the network fitted at
    that λ on the standardized features (issue 16, "cv and path for networks")."""
    df, folder = wine
    out = call("path", folder / "wine.csv", "-y", "target", "--model", "mlp", "--epochs", "15",
               "--hidden", "8", "--lams", "3", "-o", tmp_path / "p", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    np.testing.assert_allclose(info["lams"], [1e-1, 1e-3, 1e-5])
    X = df.drop(columns="target").to_numpy()
    X = (X - X.mean(axis=0)) / X.std(axis=0)
    for k, lam in enumerate(info["lams"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = MLPClassifier((8,), lam=lam, max_epochs=15, learning_rate=1e-2,
                                random_state=0).fit(X, df["target"])
        np.testing.assert_allclose(info["weight_norms"][k],
                                   [np.linalg.norm(W) for W in net.coefs_], rtol=1e-5)
        assert info["data_loss"][k] == pytest.approx(net.history_["data_loss"][-1], rel=1e-5)
        assert info["n_epochs"][k] == 15
    assert info["weight_norms"][0][0] < info["weight_norms"][2][0]   # larger λ, smaller W
    assert (tmp_path / "p" / "path.png").stat().st_size > 0
    assert all(v is None for v in info["val_loss"])          # NaN: no rows held out
    default = call("path", folder / "wine.csv", "-y", "target", "--model", "mlp", "--epochs",
                   "2", "--hidden", "4", "-o", tmp_path / "q", "--json")
    assert sorted(json.loads(default.stdout)["lams"]) == sorted(MLP_GRID)


def test_path_of_a_network_with_holdout_reports_the_held_out_loss(wine, call, tmp_path):
    from sklearn.model_selection import train_test_split
    df, folder = wine
    out = call("path", folder / "wine.csv", "-y", "target", "--model", "mlp", "--epochs", "10",
               "--hidden", "8", "--lams", "2", "--holdout", "0.25", "--seed", "3", "-o",
               tmp_path / "p", "--json")
    assert out.returncode == 0, out.stderr
    info = json.loads(out.stdout)
    X = df.drop(columns="target").to_numpy()
    X = (X - X.mean(axis=0)) / X.std(axis=0)        # standardized on all rows, then split
    y = df["target"].to_numpy()
    X_tr, X_val, y_tr, y_val = train_test_split(X, y, test_size=0.25, random_state=3,
                                                stratify=y)
    for k, lam in enumerate(info["lams"]):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            net = MLPClassifier((8,), lam=lam, max_epochs=10, learning_rate=1e-2,
                                random_state=3).fit(X_tr, y_tr, X_val=X_val, y_val=y_val)
        assert info["val_loss"][k] == pytest.approx(net.history_["val_loss"][-1], rel=1e-5)
        assert info["data_loss"][k] == pytest.approx(net.history_["data_loss"][-1], rel=1e-5)
    bad = call("path", folder / "wine.csv", "-y", "target", "--model", "mlp", "--holdout", "1",
               "-o", tmp_path / "b")
    one_line_error(bad, "--holdout", "[0, 1)")
