"""``shrinkage report``: one self-contained HTML file, opened in headless Chromium where it is
installed (``.ci/run`` installs Debian's ``chromium``): no console errors, every figure decoded
with a non-zero size, nothing fetched from the network; laid out at 1280 px (every figure at
0.8 or more of its natural width, titled, no two titles alike) and at 420 px (nothing cut off,
wide tables scroll in their own box), with screenshots of both (kept in
``$SHRINKAGE_SCREENSHOTS`` when set)."""

import os
import re
import shutil
import struct

import numpy as np
import pandas as pd
import pytest
from cli_console import (CHROMIUM, NO_CHROMIUM, assert_readable, layout_in_chromium,
                         render_in_chromium, run_cli)


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


def _screenshot_ok(path, width):
    """A PNG ``width`` (or Chromium's narrowest window, 500) pixels wide that is not blank."""
    import matplotlib.image
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = struct.unpack(">II", data[16:24])
    assert w == max(width, 500) and h >= 1000, (w, h)
    pixels = matplotlib.image.imread(path)[:, :width, :3]
    assert pixels.std() > 0.05                     # text and figures, not an empty page
    keep = os.environ.get("SHRINKAGE_SCREENSHOTS")
    if keep:
        os.makedirs(keep, exist_ok=True)
        shutil.copy(path, os.path.join(keep, path.name))


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
@pytest.mark.parametrize("width, min_scale", [(1280, 0.8), (420, 0.0)])
def test_report_is_readable_at_desktop_and_phone_width(report, tmp_path, width, min_scale):
    shot = tmp_path / f"report_{width}.png"
    layout = layout_in_chromium(report, width, tmp_path, screenshot=shot)
    assert_readable(layout, width, min_scale=min_scale)
    assert len(layout["images"]) == 4 and len(layout["tables"]) >= 3
    if width == 420:                                   # phone: the figures fill the column
        assert all(im["shown"] >= 0.9 * (420 - 2 * 16) for im in layout["images"])
    _screenshot_ok(shot, width)


@pytest.mark.skipif(CHROMIUM is None, reason=NO_CHROMIUM)
def test_a_table_wider_than_a_phone_scrolls_in_its_box_and_the_page_does_not(tmp_path):
    from shrinkage.report import Paragraph, Table, render
    headers = [f"column {j}" for j in range(14)]
    rows = [[f"row {i}"] + [f"{(i + 1) * 1234.5678 * (j + 1):.4f}" for j in range(13)]
            for i in range(5)]
    page = tmp_path / "wide.html"
    page.write_text(render("wide", [Paragraph("a" * 120), Table(headers, rows)]),
                    encoding="utf-8")
    layout = layout_in_chromium(page, 420, tmp_path)
    assert_readable(layout, 420)
    (table,) = layout["tables"]
    assert table["table_width"] > 420 and table["overflow"] == "auto"     # it scrolls
