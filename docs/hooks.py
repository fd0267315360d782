"""MkDocs hooks: the pages of the documentation site, generated at build time from the sources.

* the user guide: README.md cut at its ``## `` headings, one page each (the README stays the
  one place that text is written); CHANGELOG.md, ARCHITECTURE.md and BENCHMARKS.md as pages;
* the API reference: one page per public module, rendered from the docstrings by mkdocstrings;
  the estimators page lists every class of ``shrinkage.__all__``, so a new estimator appears
  without editing anything here;
* the gallery: the demo's sections (:mod:`shrinkage.cli.demo`) run once, their tables and
  figures written as pages and PNG files (about 20 s of CPU; nothing is downloaded: the data
  ship with scikit-learn or are generated).

``SHRINKAGE_DOCS_NO_GALLERY=1`` leaves the figures out (a page saying so instead), for a quick
look at the text with ``mkdocs serve``.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))       # document (and run) this checkout's code

#: project files shown as pages: repository path -> page
PROJECT_PAGES = {"CHANGELOG.md": "changelog.md", "ARCHITECTURE.md": "architecture.md",
                 "BENCHMARKS.md": "benchmarks.md"}

#: API pages: (page, title, intro, module paths rendered by mkdocstrings)
API_PAGES = [
    ("api/conventions.md", "The objective and strength conversions", "",
     ["shrinkage.conventions"]),
    ("api/selection.md", "Choosing λ", "", ["shrinkage.selection"]),
    ("api/diagnostics.md", "Diagnostics", "", ["shrinkage.diagnostics"]),
    ("api/plots.md", "Plots", "Needs the `[plots]` extra (matplotlib).", ["shrinkage.plots"]),
    ("api/nn.md", "Network building blocks", "",
     ["shrinkage.nn.optimizers", "shrinkage.nn.schedules", "shrinkage.nn.penalties"]),
    ("api/io.md", "Model files", "", ["shrinkage.io"]),
    ("api/report.md", "HTML reports", "Needs the `[plots]` extra (matplotlib).",
     ["shrinkage.report"]),
    ("api/datafits.md", "Data fits and penalties",
     "The formulas every solver takes: losses in `datafits`, penalties in `penalties`.",
     ["shrinkage.datafits", "shrinkage.penalties"]),
]

_gallery_cache: dict = {}


# ----------------------------------------------------------------------------------------------
# user guide from the README

def _slug(title: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "section"


def _lines_outside_code(text: str):
    """``(line, in_code)`` for each line; fenced code blocks are left alone by the rewrites."""
    fence = None
    for line in text.splitlines():
        stripped = line.lstrip()
        if fence is None and stripped.startswith(("```", "~~~")):
            fence = stripped[:3]
            yield line, True
        elif fence is not None:
            if stripped.startswith(fence):
                fence = None
            yield line, True
        else:
            yield line, False


_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")


def _rewrite_links(line: str, pages: dict, up: str = "") -> str:
    """Relative links of the repository's Markdown, made to work from a page ``up`` (``"../"``
    for one folder down) below the site's root: a project page to its page, ``docs/x`` to
    ``x``, any other repository file to its name as code (the site does not hold it)."""
    def fix(m):
        bang, text, target = m.groups()
        if re.match(r"[a-z]+:", target) or target.startswith("#"):
            return m.group(0)
        path, _, anchor = target.partition("#")
        if path in pages:
            return f"{bang}[{text}]({up}{pages[path]}{'#' + anchor if anchor else ''})"
        if path.startswith("docs/"):
            return f"{bang}[{text}]({up}{path[5:]})"
        return f"{text} (`{path}`)" if not bang else text
    return _LINK.sub(fix, line)


def readme_pages(readme: str, pages: dict) -> tuple[str, list]:
    """``(index page, [(file, title, text), ...])``: the README's text before its first ``## ``
    heading, then one page per ``## `` section with its headings raised one level."""
    intro, sections = [], []
    for line, code in _lines_outside_code(readme):
        if not code and line.startswith("## "):
            sections.append([line[3:].strip(), []])
            continue
        if not code:
            line = _rewrite_links(line, pages, "../" if sections else "")
            if sections and line.startswith("###"):
                line = line[1:]                        # ### → ## inside a page
        (sections[-1][1] if sections else intro).append(line)
    out = []
    for title, body in sections:
        out.append((f"guide/{_slug(title)}.md", title,
                    f"# {title}\n\n" + "\n".join(body).strip() + "\n"))
    contents = "\n".join(f"- [{title}]({name})" for name, title, _ in out)
    index = "\n".join(intro).strip() + "\n\n## Contents\n\n" + contents + "\n"
    return index, out


# ----------------------------------------------------------------------------------------------
# API reference

def estimators_page() -> str:
    """Every public estimator (a class of ``shrinkage.__all__`` deriving from scikit-learn's
    BaseEstimator) and :class:`~shrinkage.selection.LamSearchCV`, at its defining module."""
    import shrinkage
    from sklearn.base import BaseEstimator
    lines = ["# Estimators", "",
             "Every estimator minimizes the one objective of "
             "[the conventions](conventions.md); `from shrinkage import Ridge` imports any of "
             "them.", ""]
    for name in shrinkage.__all__:
        obj = getattr(shrinkage, name)
        if inspect.isclass(obj) and issubclass(obj, BaseEstimator):
            lines += [f"::: {obj.__module__}.{obj.__qualname__}", ""]
    return "\n".join(lines)


def api_page(title: str, intro: str, modules: list) -> str:
    lines = [f"# {title}", ""] + ([intro, ""] if intro else [])
    for mod in modules:
        lines += [f"::: {mod}", "    options:", "      show_root_heading: true",
                  "      show_submodules: false", ""]
    return "\n".join(lines)


# ----------------------------------------------------------------------------------------------
# gallery: the demo's sections

def _table(headers, rows) -> str:
    esc = lambda c: str(c).replace("|", "\\|")            # noqa: E731
    return "\n".join(["| " + " | ".join(esc(h) for h in headers) + " |",
                      "|" + "---|" * len(headers)]
                     + ["| " + " | ".join(esc(c) for c in r) + " |" for r in rows])


def gallery(seed: int = 0):
    """``(page text, {file name: PNG bytes})``: the demo's four sections, run once."""
    if "page" in _gallery_cache:
        return _gallery_cache["page"], _gallery_cache["figures"]
    import tempfile

    import matplotlib
    matplotlib.use("Agg")
    from shrinkage.cli import demo
    lines = ["# Gallery", "",
             "The figures and tables of `shrinkage demo`, made when this site was built (seed "
             f"{seed}; the data ship with scikit-learn or are generated). "
             + demo.OBJECTIVE[0].upper() + demo.OBJECTIVE[1:] + ".", ""]
    figures = {}
    with tempfile.TemporaryDirectory() as tmp, warnings.catch_warnings():
        warnings.simplefilter("ignore")      # the demo's own notes (a network still improving)
        for part in (demo.ridge_section, demo.logistic_section, demo.sparse_section,
                     demo.network_section):
            sec = part(seed, tmp)
            lines += [f"## {sec.title}", "", sec.intro, "", _table(sec.headers, sec.rows), ""]
            lines += [n + "\n" for n in sec.notes if not n.startswith("per-epoch data loss")]
            for name, caption, png, _ in sec.figures:
                figures[name] = png
                lines += [f"![{caption}](gallery/{name})", "", f"*{caption}*", ""]
    lines += [demo.CLOSING, ""]
    _gallery_cache.update(page="\n".join(lines), figures=figures)
    return _gallery_cache["page"], figures


# ----------------------------------------------------------------------------------------------
# MkDocs events

def _guide():
    pages = dict(PROJECT_PAGES)
    return readme_pages((ROOT / "README.md").read_text(encoding="utf-8"), pages)


def on_config(config):
    _, guide = _guide()
    config["nav"] = [
        {"Home": "index.md"},
        {"User guide": [{title: name} for name, title, _ in guide]},
        {"Gallery": "gallery.md"},
        {"API reference": [{"Estimators": "api/estimators.md"}]
         + [{title: page} for page, title, _, _ in API_PAGES]},
        {"Project": [{"Changelog": "changelog.md"}, {"Architecture": "architecture.md"},
                     {"Benchmarks": "benchmarks.md"}]},
    ]
    return config


def on_files(files, config):
    from mkdocs.structure.files import File

    def add(uri, content):
        files.append(File.generated(config, uri, content=content))

    index, guide = _guide()
    add("index.md", index)
    for name, _, text in guide:
        add(name, text)
    pages = dict(PROJECT_PAGES)
    for src, dst in PROJECT_PAGES.items():
        text = (ROOT / src).read_text(encoding="utf-8")
        add(dst, "\n".join(_rewrite_links(line, pages) if not code else line
                           for line, code in _lines_outside_code(text)) + "\n")
    add("api/estimators.md", estimators_page())
    for page, title, intro, modules in API_PAGES:
        add(page, api_page(title, intro, modules))
    if os.environ.get("SHRINKAGE_DOCS_NO_GALLERY"):
        add("gallery.md", "# Gallery\n\nLeft out of this build (SHRINKAGE_DOCS_NO_GALLERY).\n")
    else:
        text, figures = gallery()
        add("gallery.md", text)
        for name, png in figures.items():
            add(f"gallery/{name}", png)
    return files
