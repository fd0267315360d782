"""How the CLI tests start the command line (the installed ``shrinkage`` console script in a
subprocess, exactly as a person types it) and open its HTML reports (headless Chromium)."""

import os
import re
import shutil
import subprocess
import sys


def console_command() -> list:
    """``[path/to/shrinkage]``: the console script of the environment running the tests (its
    ``bin/`` beside the interpreter comes first, so a different install elsewhere on PATH is not
    picked up), else the first one on PATH. Only where neither exists, i.e. a source checkout
    whose package was never installed (no entry point was generated), fall back to
    ``python -m shrinkage``, which runs the same ``main()``."""
    path = os.pathsep.join([os.path.dirname(sys.executable), os.environ.get("PATH", "")])
    script = shutil.which("shrinkage", path=path)
    return [script] if script else [sys.executable, "-m", "shrinkage"]


def run_cli(*args, cwd=None, timeout=180):
    """Run ``shrinkage ARGS…``; return the CompletedProcess (text stdout/stderr, exit code)."""
    cmd = console_command()
    env = dict(os.environ)
    env.pop("SHRINKAGE_DEBUG", None)              # errors as a user sees them: one line
    if cmd[0] == sys.executable:                  # the fallback imports from the test's path
        env["PYTHONPATH"] = os.pathsep.join(sys.path)
    return subprocess.run(cmd + [str(a) for a in args], capture_output=True, text=True,
                          check=False, timeout=timeout, env=env, cwd=cwd)


#: Debian's ``chromium`` (``apt-get install chromium``; ``.ci/run`` installs it where it can)
CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if os.path.exists("/usr/bin/chromium")
                                        else None)
NO_CHROMIUM = "chromium is not installed (apt-get install chromium; .ci/run does it where it can)"


def render_in_chromium(page, profile):
    """Open the HTML file ``page`` in headless Chromium with a fresh ``profile`` folder; return
    ``(status, console)``: the ``data-*`` attributes that the report's own script wrote into
    ``#shrinkage-status`` once the page loaded (figures decoded, JavaScript errors), and the
    browser's console lines."""
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           f"--user-data-dir={profile}", "--enable-logging=stderr", "--v=0",
           "--virtual-time-budget=5000", "--dump-dom", page.as_uri()]
    out = subprocess.run(cmd, capture_output=True, text=True, check=False, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    status = re.search(r'<p[^>]*id="shrinkage-status"[^>]*>', out.stdout)
    assert status, out.stdout[-2000:]
    attrs = dict(re.findall(r'(data-[a-z-]+)="([^"]*)"', status.group(0)))
    return attrs, [line for line in out.stderr.splitlines() if ":CONSOLE" in line]


# -- layout at a given width (issue 16: figures readable at 1280 px, tables usable at 420 px) --

#: appended to a copy of the page: measures it once loaded and hands the numbers on (to the
#: framing page by postMessage, which works across file:// origins, and into its own DOM)
_MEASURE = """<script>
window.addEventListener("load", function () {
  var W = window.innerWidth, r = {viewport: W, scroll: document.documentElement.scrollWidth,
      images: [], tables: [], cut: []}, i, el, box;
  for (i = 0; i < document.images.length; i++) {
    el = document.images[i]; box = el.getBoundingClientRect();
    var fig = el.closest("figure");
    r.images.push({natural: el.naturalWidth, shown: box.width, alt: el.alt,
                   title: fig ? fig.getAttribute("data-title") : null});
  }
  var tables = document.querySelectorAll("table");
  for (i = 0; i < tables.length; i++) {
    var wrap = tables[i].parentElement, wb = wrap.getBoundingClientRect();
    r.tables.push({table_width: tables[i].getBoundingClientRect().width, box_right: wb.right,
                   box_width: wrap.clientWidth, overflow: getComputedStyle(wrap).overflowX});
  }
  var all = document.body.querySelectorAll("*");
  for (i = 0; i < all.length; i++) {       // anything past the right edge and not in a scroller
    el = all[i]; box = el.getBoundingClientRect();
    if (box.right > W + 0.5 && !el.closest(".table-wrap") && el.tagName !== "SCRIPT") {
      r.cut.push(el.tagName + (el.id ? "#" + el.id : "") + " " + Math.round(box.right));
    }
  }
  var text = JSON.stringify(r);
  if (window.parent !== window) { window.parent.postMessage(text, "*"); }
  var out = document.createElement("pre"); out.id = "layout-measure"; out.textContent = text;
  document.body.appendChild(out);
});
</script>
"""

#: a page that shows the report in a frame of the width under test: headless Chromium's window
#: is at least 500 px wide, a frame can be narrower (its content is laid out at its own width)
_FRAME = """<!DOCTYPE html><html><head><meta charset="utf-8"></head><body style="margin:0">
<iframe src="{src}" style="width:{width}px;height:{height}px;border:0;display:block"></iframe>
<pre id="layout-measure"></pre>
<script>window.addEventListener("message", function (e) {{
  document.getElementById("layout-measure").textContent = e.data; }});</script>
</body></html>
"""


def layout_in_chromium(page, width, folder, screenshot=None, height=2400):
    """Lay the HTML file ``page`` out ``width`` CSS pixels wide in headless Chromium and return
    what its own measuring script saw: ``viewport`` (the width it was laid out at), ``scroll``
    (the document's scrollWidth), ``images`` (natural and shown width, alt text, the figure's
    ``data-title``), ``tables`` (width, the right edge and overflow of their box) and ``cut``
    (elements past the right edge outside a scrolling box). With ``screenshot`` (a path), also
    save a PNG of the top ``height`` pixels (``max(width, 500)`` wide: the frame sits at the
    left of Chromium's narrowest window)."""
    import json
    folder.mkdir(parents=True, exist_ok=True)
    copy = folder / f"page_{width}.html"
    copy.write_text(page.read_text(encoding="utf-8").replace("</body>", _MEASURE + "</body>", 1),
                    encoding="utf-8")
    frame = folder / f"frame_{width}.html"
    frame.write_text(_FRAME.format(src=copy.name, width=width, height=height), encoding="utf-8")
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
           "--disable-background-networking", "--disable-component-update", "--no-first-run",
           f"--user-data-dir={folder / f'profile_{width}'}", f"--window-size={max(width, 500)},{height}",
           "--virtual-time-budget=5000"]
    out = subprocess.run(cmd + ["--dump-dom", frame.as_uri()], capture_output=True, text=True,
                         check=False, timeout=120)
    assert out.returncode == 0, out.stderr[-2000:]
    found = re.search(r'<pre id="layout-measure">(.+?)</pre>', out.stdout, flags=re.S)
    assert found, out.stdout[-2000:]
    import html
    layout = json.loads(html.unescape(found.group(1)))
    if screenshot is not None:
        shot = subprocess.run(cmd + [f"--screenshot={screenshot}", frame.as_uri()],
                              capture_output=True, text=True, check=False, timeout=120)
        assert shot.returncode == 0, shot.stderr[-2000:]
    return layout


def assert_readable(layout, width, *, min_scale=0.0):
    """The checks of a report's layout at ``width`` (issue 16), with numbers in the messages:
    laid out at that width; nothing past the right edge of the page (a wide table scrolls in
    its own box, which ends inside the page); every figure decoded, at least 300 px wide, with
    alt text and a title of its own (no two alike); each shown at ``min_scale`` or more of its
    natural width (at 1280 px: text drawn at 10 pt and 100–110 dpi stays ≥ 11 px)."""
    assert layout["viewport"] == width, layout["viewport"]
    assert layout["scroll"] <= width, f"the page scrolls sideways: {layout['scroll']} > {width}"
    assert not layout["cut"], f"cut off at {width} px: {layout['cut'][:5]}"
    for t in layout["tables"]:
        assert t["box_right"] <= width + 0.5, t
        if t["table_width"] > t["box_width"] + 0.5:          # too wide: it must scroll
            assert t["overflow"] == "auto", t
    titles = [im["title"] for im in layout["images"]]
    assert all(titles) and len(set(titles)) == len(titles), titles
    for im in layout["images"]:
        assert im["natural"] >= 300 and len(im["alt"]) >= 10, im
        assert im["shown"] >= min_scale * im["natural"], \
            f"{im['title']!r} shown at {im['shown'] / im['natural']:.2f} of its width"
