"""The command line, run as a person runs it: the installed ``shrinkage`` console script in a
subprocess (see ``tests/cli/cli_console.py``)."""

import base64
import json
import re
import sys

import numpy as np
import pytest
from cli.cli_console import (CHROMIUM, NO_CHROMIUM, assert_readable, console_command,
                             layout_in_chromium, render_in_chromium, run_cli)

from shrinkage import convert_strength


def run(*args, timeout=120):
    return run_cli(*args, timeout=timeout)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """``shrinkage demo --out DIR``, run once for the tests below: (completed process, DIR)."""
    tmp_path = tmp_path_factory.mktemp("demo")
    return run("demo", "--out", tmp_path, timeout=600), tmp_path


def test_demo_prints_tables_and_writes_figures_report_and_summary(demo):
    out, tmp_path = demo
    assert out.returncode == 0, out.stderr
    assert "λ_min" in out.stdout and "λ_1se" in out.stdout
    assert "Ridge on diabetes" in out.stdout and "breast cancer" in out.stdout
    assert "L1 vs L2 vs elastic net" in out.stdout and "Network 64-256-10" in out.stdout
    history = json.loads((tmp_path / "mlp_history.json").read_text(encoding="utf-8"))
    assert set(history) == {"λ = 0", "λ by CV", "λ large"}
    for h in history.values():            # the seed's "compromise": total = data loss + penalty
        assert np.allclose(h["loss"], np.add(h["data_loss"], h["penalty"]), rtol=1e-6)
    assert history["λ = 0"]["penalty"][-1] == 0.0

    summary = json.loads((tmp_path / "summary.json").read_text(encoding="utf-8"))
    # issue 3: λ = 0 overfits, the CV-chosen λ generalizes better, a very large λ underfits
    # and learns slowly
    net = summary["network"]["models"]
    assert net["zero"]["train_accuracy"] >= 0.99 > net["zero"]["test_accuracy"]
    assert net["cv"]["lam"] == summary["network"]["lam_cv"] > 0
    assert net["cv"]["test_log_loss"] < net["zero"]["test_log_loss"]
    assert net["large"]["train_accuracy"] < 0.5
    assert net["large"]["data_loss_epoch10"] > 5 * net["zero"]["data_loss_epoch10"]
    # the printed table shows the same numbers
    network_text = out.stdout[out.stdout.index("Network 64-256-10"):]
    zero_row = next(line for line in network_text.splitlines() if line.startswith("λ = 0 "))
    assert f"{net['zero']['test_accuracy']:.3f}" in zero_row
    # issue 5: L1 and elastic net are sparse, L2 is not; all five true features kept
    sparse = summary["sparse"]["models"]
    assert sparse["ridge"]["n_nonzero"] == 50
    assert sparse["lasso_1se"]["n_nonzero"] <= sparse["lasso"]["n_nonzero"] < 50
    assert all(m["true_found"] == 5 for m in sparse.values())
    nz = summary["sparse"]["nonzero_path"]
    assert nz["L1 (lasso)"][0] == 0 and max(nz["L2 (ridge)"]) == 50 == min(nz["L2 (ridge)"])
    # the whole demo stays under about two minutes (issue 3)
    assert summary["seconds"] < 120

    figures = summary["figures"]
    for name in ("ridge_cv", "ridge_path", "ridge_bias_variance", "logistic_cv",
                 "sparse_ridge_cv", "lasso_cv", "enet_cv",            # CV: L2, L1, elastic net
                 "lasso_path", "l1_vs_l2", "mlp_history", "mlp_weights"):
        assert f"{name}.png" in figures
    pngs = {}
    for name in figures:
        pngs[name] = (tmp_path / name).read_bytes()
        assert pngs[name][:8] == b"\x89PNG\r\n\x1a\n" and len(pngs[name]) > 10_000

    # issue 6: a self-contained HTML report in the output folder, every figure embedded
    page = (tmp_path / summary["report"]).read_text(encoding="utf-8")
    loads = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', page)
    assert loads and all(u.startswith("data:image/png;base64,") for u in loads)
    assert "http://" not in page and "https://" not in page and "url(" not in page
    assert "default-src 'none'" in page
    embedded = {base64.b64decode(u.split(",", 1)[1]) for u in loads}
    assert embedded == set(pngs.values())              # exactly the figures written
    assert page.count("<table") == 4 and "λ by CV" in page
    assert not list(tmp_path.glob(".*.tmp")) and not list(tmp_path.glob("*.tmp"))


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_demo_report_renders_every_figure_in_headless_chromium(demo, tmp_path):
    out, folder = demo
    assert out.returncode == 0, out.stderr
    n_figures = len(json.loads((folder / "summary.json").read_text(encoding="utf-8"))["figures"])
    attrs, console = render_in_chromium(folder / "report.html", tmp_path / "profile")
    assert attrs["data-images"] == attrs["data-images-ok"] == str(n_figures), attrs
    assert attrs["data-errors"] == "0", attrs["data-error-messages"]
    assert not console, console


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
@pytest.mark.parametrize("width, min_scale", [(1280, 0.8), (420, 0.0)])
def test_demo_report_is_readable_at_desktop_and_phone_width(demo, tmp_path, width, min_scale):
    """Issue 16: the multi-panel figures (L1 vs L2, training history, weights) are no longer
    shrunk to half their size at 1280 px; eleven figures with eleven titles; the network's
    eight-column table stays within a 420 px phone screen."""
    out, folder = demo
    assert out.returncode == 0, out.stderr
    layout = layout_in_chromium(folder / "report.html", width, tmp_path)
    assert_readable(layout, width, min_scale=min_scale)
    assert len(layout["images"]) == 11
    assert "LOO MSE" in (folder / "report.html").read_text(encoding="utf-8")
    assert ">nan<" not in (folder / "report.html").read_text(encoding="utf-8")


def test_convert_prints_the_converted_strength():
    out = run("convert", "1.0", "--from", "sklearn-logistic", "--n-samples", "200")
    assert out.returncode == 0, out.stderr
    assert float(out.stdout.split()[0]) == pytest.approx(
        convert_strength(1.0, source="sklearn-logistic", n_samples=200).value)


def test_convert_with_mixing_prints_both_numbers():
    out = run("convert", "0.1", "--from", "sklearn-elasticnet", "--l1-ratio", "0.5",
              "--to", "glum-gaussian")
    assert out.returncode == 0, out.stderr
    value, mix = out.stdout.split()
    assert float(value) == pytest.approx(0.1) and mix == "l1_ratio=0.5"


def test_bad_input_exits_2_with_one_line_and_no_traceback():
    out = run("convert", "1.0", "--from", "sklearn-ridge")
    assert out.returncode == 2
    assert "needs --n-samples" in out.stderr and "Traceback" not in out.stderr
    assert len(out.stderr.strip().splitlines()) == 1


def test_the_tests_run_the_installed_console_script_of_this_version():
    import shrinkage
    cmd = console_command()
    if cmd[0] == sys.executable:
        pytest.skip("shrinkage is not installed (no console script); the tests ran "
                    "`python -m shrinkage`")
    out = run("--version")
    assert out.returncode == 0, out.stderr
    assert out.stdout.split() == ["shrinkage", shrinkage.__version__]
