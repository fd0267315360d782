"""Ctrl-C during ``shrinkage fit --model mlp``: exit 130, one line saying so, and no model file
unless ``--keep-interrupted`` asks for the best weights so far."""

import os
import signal
import subprocess
import sys
import textwrap

import numpy as np
import pandas as pd
import pytest

from shrinkage.cli.main import main
from shrinkage.io import load


@pytest.fixture
def data(tmp_path):
    rng = np.random.default_rng(0)
    df = pd.DataFrame(rng.normal(size=(80, 3)), columns=["a", "b", "c"])
    df["y"] = df["a"] - 2 * df["b"] + 0.1 * rng.normal(size=80)
    path = tmp_path / "data.csv"
    df.to_csv(path, index=False)
    return path


def _fit(capsys, *args):
    capsys.readouterr()
    code = main(["fit", *map(str, args)])
    out = capsys.readouterr()
    return code, out.out, out.err


def test_ctrl_c_exits_130_with_one_line_and_writes_no_model(data, tmp_path, capsys,
                                                            ctrl_c_in_third_epoch):
    model = tmp_path / "model.zip"
    code, out, err = _fit(capsys, data, "--target", "y", "--model", "mlp", "--epochs", 20,
                          "--out", model)
    assert code == 130
    assert err.splitlines() == ["shrinkage: interrupted: training stopped after 2 of 20 epochs, "
                                "best weights from epoch 2; no model written (--keep-interrupted "
                                "writes the best weights so far)"]
    assert out == ""
    assert sorted(os.listdir(tmp_path)) == ["data.csv"]


def test_keep_interrupted_writes_the_best_weights_and_says_so(data, tmp_path, capsys,
                                                             ctrl_c_in_third_epoch):
    model = tmp_path / "model.zip"
    code, out, err = _fit(capsys, data, "--target", "y", "--model", "mlp", "--epochs", 20,
                          "--out", model, "--keep-interrupted")
    assert code == 130
    assert err.splitlines() == [f"shrinkage: interrupted: training stopped after 2 of 20 "
                                f"epochs, best weights from epoch 2; model written to {model}"]
    net = load(model)
    assert net.n_iter_ == 2 and net.best_epoch_ == 2 and len(net.history_["loss"]) == 2
    X = pd.read_csv(data)[["a", "b", "c"]]
    assert np.all(np.isfinite(net.predict(X)))


def test_ctrl_c_in_a_cross_validation_fold_stops_the_search(data, tmp_path, capsys,
                                                           ctrl_c_in_third_epoch):
    """A fold's network returns cleanly on Ctrl-C; its score would describe a half-trained
    model, so the search stops instead of choosing λ from it."""
    model = tmp_path / "model.zip"
    code, out, err = _fit(capsys, data, "--target", "y", "--model", "mlp", "--epochs", 20,
                          "--cv", 2, "--out", model, "--keep-interrupted")
    assert code == 130 and err.splitlines() == ["shrinkage: interrupted"]
    assert not model.exists()


_CHILD = textwrap.dedent("""
    import sys
    from shrinkage.cli.main import main
    from shrinkage.nn.training import Trainer
    epoch = Trainer._epoch
    def _epoch(self, X, y):
        if self.epoch == 3:                  # training is under way: tell the parent
            print("training", flush=True)
        return epoch(self, X, y)
    Trainer._epoch = _epoch
    sys.exit(main(sys.argv[1:]))
""")


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_a_real_sigint_exits_130_and_writes_no_model(data, tmp_path):
    model = tmp_path / "model.zip"
    env = {k: v for k, v in os.environ.items() if k != "SHRINKAGE_DEBUG"}
    child = subprocess.Popen(
        [sys.executable, "-c", _CHILD, "fit", str(data), "--target", "y", "--model", "mlp",
         "--epochs", "1000000", "--out", str(model)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        assert child.stdout.readline() == "training\n"
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 130, err
    lines = err.splitlines()
    assert len(lines) == 1 and lines[0].startswith("shrinkage: interrupted: training stopped "
                                                   "after ") and "no model written" in lines[0]
    assert not model.exists() and sorted(os.listdir(tmp_path)) == ["data.csv"]
