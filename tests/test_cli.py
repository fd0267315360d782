"""The command line, run as a person runs it: in a subprocess."""

import json
import shutil
import os
import subprocess
import sys

import numpy as np
import pytest

from shrinkage import convert_strength


def run(*args, timeout=120):
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    return subprocess.run([sys.executable, "-m", "shrinkage", *args], capture_output=True,
                          text=True, timeout=timeout, env=env)


def test_demo_smoke_runs_and_reports_lambda_choices(tmp_path):
    out = run("demo", "--out", str(tmp_path), timeout=300)
    assert out.returncode == 0, out.stderr
    assert "λ_min" in out.stdout and "λ_1se" in out.stdout
    assert "Ridge on diabetes" in out.stdout and "breast cancer" in out.stdout
    history = json.loads((tmp_path / "mlp_history.json").read_text(encoding="utf-8"))
    assert set(history) == {"λ = 0", "λ by CV", "λ large"}
    for h in history.values():            # the seed's "compromise": total = data loss + penalty
        assert np.allclose(h["loss"], np.add(h["data_loss"], h["penalty"]), rtol=1e-6)
    assert history["λ = 0"]["penalty"][-1] == 0.0
    assert "L1 vs L2 vs elastic net" in out.stdout
    for name in ("ridge_cv", "ridge_path", "ridge_bias_variance", "logistic_cv", "lasso_cv",
                 "lasso_path", "l1_vs_l2", "mlp_history", "mlp_weights"):
        png = (tmp_path / f"{name}.png").read_bytes()
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000
    assert not list(tmp_path.glob(".*.tmp"))         # nothing half-written left behind


def test_convert_prints_the_converted_strength():
    out = run("convert", "1.0", "--from", "sklearn-logistic", "--n-samples", "200")
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[0]) == pytest.approx(
        convert_strength(1.0, source="sklearn-logistic", n_samples=200).value)


def test_convert_with_mixing_prints_both_numbers():
    out = run("convert", "0.1", "--from", "sklearn-elasticnet", "--l1-ratio", "0.5",
              "--to", "glmnet-gaussian")
    assert out.returncode == 0, out.stderr
    value, mix = out.stdout.split()
    assert float(value) == pytest.approx(0.1) and mix == "l1_ratio=0.5"


def test_bad_input_exits_2_with_one_line_and_no_traceback():
    out = run("convert", "1.0", "--from", "sklearn-ridge")
    assert out.returncode == 2
    assert "needs n_samples" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


@pytest.mark.skipif(shutil.which("shrinkage") is None,
                    reason="the package is not installed, so there is no console script")
def test_installed_console_script_matches_python_m():
    out = subprocess.run(["shrinkage", "convert", "2", "--from", "sklearn-ridge", "--n-samples", "50"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[0]) == pytest.approx(0.04)
