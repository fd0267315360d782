"""The HTML page of a report: one file, nothing fetched.

Figures are PNG ``data:`` URIs; CSS and the one script are inline; the page's
Content-Security-Policy (``default-src 'none'``) makes the browser refuse any request the page
might still try. The script runs on ``load`` and writes into ``#shrinkage-status`` how many
``<img>`` decoded with a non-zero natural size and the JavaScript errors it saw
(``data-images-ok``, ``data-images``, ``data-errors``), so a headless browser's dumped DOM shows
whether the page rendered.
"""

from __future__ import annotations

import base64
import html
import io
from dataclasses import dataclass, field

from .._optional import require

__all__ = ["Heading", "Paragraph", "Table", "Figure", "figure_png", "figure_title",
           "render"]

_CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; max-width: 60rem;
       margin: 2rem auto; padding: 0 1rem; color: #222; line-height: 1.45;
       overflow-wrap: anywhere; }
h1 { font-size: 1.6rem; margin-bottom: .2rem; } h2 { font-size: 1.2rem; margin-top: 2rem;
     border-bottom: 1px solid #ddd; padding-bottom: .2rem; }
.table-wrap { max-width: 100%; overflow-x: auto; margin: .6rem 0; }
table { border-collapse: collapse; font-size: .9rem; }
caption { text-align: left; font-size: .85rem; color: #555; padding-bottom: .2rem; }
th, td { border: 1px solid #ddd; padding: .25rem .6rem; text-align: right; }
th { background: #f4f4f4; overflow-wrap: normal; } td { font-variant-numeric: tabular-nums; }
td:first-child, th:first-child { text-align: left; }
tr.chosen td { background: #fff4cc; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; border: 1px solid #eee; }
figcaption { font-size: .85rem; color: #555; } .meta { color: #666; font-size: .85rem; }
@media (max-width: 40rem) {
  body { margin: 1rem auto; padding: 0 .6rem; }
  table { font-size: .8rem; } th, td { padding: .2rem .35rem; }
  figure { margin: .8rem 0; }
}
"""

_SCRIPT = """
(function () {
  var errors = [];
  window.addEventListener("error", function (e) {
    errors.push(e.message || ("failed to load " + ((e.target && e.target.tagName) || "?")));
  }, true);
  window.addEventListener("load", function () {
    var imgs = document.images, ok = 0;
    for (var i = 0; i < imgs.length; i++) {
      if (imgs[i].complete && imgs[i].naturalWidth > 0 && imgs[i].naturalHeight > 0) ok++;
    }
    var s = document.getElementById("shrinkage-status");
    s.setAttribute("data-images", String(imgs.length));
    s.setAttribute("data-images-ok", String(ok));
    s.setAttribute("data-errors", String(errors.length));
    s.setAttribute("data-error-messages", errors.join(" | "));
    s.textContent = ok + " of " + imgs.length + " figures rendered";
  });
})();
"""

_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'")


@dataclass
class Heading:
    text: str


@dataclass
class Paragraph:
    text: str


@dataclass
class Table:
    headers: list
    rows: list
    highlight: list = field(default_factory=list)   # row indices marked "chosen"
    caption: str = ""


@dataclass
class Figure:
    png: bytes
    caption: str = ""
    alt: str = ""
    title: str = ""             # the figure's own title (:func:`figure_title`), as data-title


def figure_title(fig) -> str:
    """The title a matplotlib figure shows: its ``suptitle``, else its panels' titles joined
    with " · " ("" if it has none)."""
    sup = getattr(fig, "_suptitle", None)
    if sup is not None and sup.get_text():
        return sup.get_text()
    return " · ".join(t for t in (ax.get_title() for ax in fig.axes) if t)


def figure_png(fig, dpi: int = 100) -> bytes:
    """A matplotlib figure as PNG bytes (the figure is closed)."""
    plt = require("matplotlib.pyplot", "an HTML report's figures")
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi, bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def _block(b) -> str:
    e = html.escape
    if isinstance(b, Heading):
        return f"<h2>{e(b.text)}</h2>"
    if isinstance(b, Paragraph):
        return f"<p>{e(b.text)}</p>"
    if isinstance(b, Table):
        head = "".join(f"<th>{e(str(h))}</th>" for h in b.headers)
        chosen = ' class="chosen"'
        body = "".join(
            f"<tr{chosen if i in b.highlight else ''}>"
            + "".join(f"<td>{e(str(c))}</td>" for c in row) + "</tr>"
            for i, row in enumerate(b.rows))
        cap = f"<caption>{e(b.caption)}</caption>" if b.caption else ""
        # a table wider than the page scrolls inside its box; the page itself never does
        return (f'<div class="table-wrap"><table>{cap}<thead><tr>{head}</tr></thead>'
                f"<tbody>{body}</tbody></table></div>")
    if isinstance(b, Figure):
        data = base64.b64encode(b.png).decode("ascii")
        cap = f"<figcaption>{e(b.caption)}</figcaption>" if b.caption else ""
        alt = b.alt or ". ".join(s.rstrip(".") for s in (b.title, b.caption) if s)
        title = f' data-title="{e(b.title)}"' if b.title else ""
        return (f'<figure{title}><img src="data:image/png;base64,{data}" alt="{e(alt)}">'
                f"{cap}</figure>")
    raise TypeError(f"unknown report block {type(b).__name__}")


def render(title: str, blocks, subtitle: str = "") -> str:
    """The report page as one HTML string.

    Parameters
    ----------
    title : str
    blocks : sequence of Heading, Paragraph, Table or Figure
    subtitle : str, optional
        A line under the title (what was fitted, when, with which version).
    """
    e = html.escape
    body = "\n".join(_block(b) for b in blocks)
    sub = f'<p class="meta">{e(subtitle)}</p>' if subtitle else ""
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta http-equiv=\"Content-Security-Policy\" content=\"{_CSP}\">\n"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{e(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n"
        f"<h1>{e(title)}</h1>\n{sub}\n{body}\n"
        "<p class=\"meta\" id=\"shrinkage-status\" data-images-ok=\"pending\"></p>\n"
        f"<script>{_SCRIPT}</script>\n</body>\n</html>\n"
    )
