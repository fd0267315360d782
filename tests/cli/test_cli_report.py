"""``shrinkage report``: one self-contained HTML file, opened in headless Chromium where it is
installed (``.ci/run`` installs Debian's ``chromium``): no console errors, every figure decoded
with a non-zero size, nothing fetched from the network."""

import re

import numpy as np
import pandas as pd
import pytest
from cli_console import CHROMIUM, NO_CHROMIUM, render_in_chromium, run_cli


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report of a logistic fit with a CV run on a CSV with a text column, made by the
    installed ``shrinkage`` console script in a subprocess (``cli_console.run_cli``)."""
    tmp = tmp_path_factory.mktemp("report")
    rng = np.random.default_rng(0)
    n = 80
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                       "colour": rng.choice(["red", "green", "blue"], n)})
    df["y"] = np.where(df["x1"] - df["x2"] + rng.normal(size=n) > 0, "up", "down")
    df.to_csv(tmp / "d.csv", index=False)
    out = run_cli("report", tmp / "d.csv", "--target", "y", "--cv", "4", "--out", tmp / "r.html",
                  "--json", timeout=300)
    assert out.returncode == 0, out.stderr
    return tmp / "r.html"


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    srcs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page                   # the browser may fetch nothing
    assert page.count("<img") == 4          # CV curve, path, residuals, weights
    assert "λ_min" in page and "Largest coefficients" in page and "colour=red" in page


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_report_renders_in_headless_chromium(report, tmp_path):
    attrs, console = render_in_chromium(report, tmp_path / "profile")
    assert attrs["data-images"] == "4" and attrs["data-images-ok"] == "4", attrs
    assert attrs["data-errors"] == "0", attrs["data-error-messages"]
    assert not console, console
