"""``shrinkage report``: one self-contained HTML file, opened in headless Chromium where it is
installed (``.ci/run`` installs Debian's ``chromium``): no console errors, every figure decoded
with a non-zero size, nothing fetched from the network."""

import os
import re
import shutil
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium")
                                        else None)


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    """A report of a logistic fit with a CV run on a CSV with a text column, via the real
    console script."""
    tmp = tmp_path_factory.mktemp("report")
    rng = np.random.default_rng(0)
    n = 80
    df = pd.DataFrame({"x1": rng.normal(size=n), "x2": rng.normal(size=n),
                       "colour": rng.choice(["red", "green", "blue"], n)})
    df["y"] = np.where(df["x1"] - df["x2"] + rng.normal(size=n) > 0, "up", "down")
    df.to_csv(tmp / "d.csv", index=False)
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path))
    out = subprocess.run([sys.executable, "-m", "shrinkage", "report", str(tmp / "d.csv"),
                          "--target", "y", "--cv", "4", "--out", str(tmp / "r.html"), "--json"],
                         capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr
    return tmp / "r.html"


def test_report_is_self_contained(report):
    page = report.read_text(encoding="utf-8")
    srcs = re.findall(r'(?:src|href)="([^"]*)"', page)
    assert srcs and all(s.startswith("data:image/png;base64,") for s in srcs)
    assert "http://" not in page and "https://" not in page
    assert "default-src 'none'" in page                   # the browser may fetch nothing
    assert page.count("<img") == 3                        # CV curve, path, weights
    assert "λ_min" in page and "Largest coefficients" in page and "colour=red" in page


@pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install "
                                             "chromium; .ci/run does it where it can)")
def test_report_renders_in_headless_chromium(report, tmp_path):
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           f"--user-data-dir={tmp_path / 'profile'}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=5000", "--dump-dom", report.as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    status = re.search(r'<p[^>]*id="shrinkage-status"[^>]*>', out.stdout)
    assert status, out.stdout[-2000:]
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', status.group(0)))
    assert attrs["data-images"] == "3" and attrs["data-images-ok"] == "3", attrs
    assert attrs["data-errors"] == "0", attrs["data-error-messages"]
    console = [l for l in out.stderr.splitlines() if ":CONSOLE" in l]
    assert not console, console
