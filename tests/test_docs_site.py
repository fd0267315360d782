"""The documentation site's generated pages (docs/hooks.py; `.ci/run` builds the whole site
with `mkdocs build --strict`): the user guide holds the README whole, its code untouched and its
links made to work from the site; the API reference lists every public estimator."""

import importlib.util
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def hooks():
    spec = importlib.util.spec_from_file_location("docs_hooks", ROOT / "docs" / "hooks.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _fences(text):
    return re.findall(r"```[a-z]*\n.*?```", text, flags=re.S)


def test_the_guide_holds_every_readme_section_with_its_code_unchanged(hooks):
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    index, guide = hooks.readme_pages(readme, dict(hooks.PROJECT_PAGES))
    headings = re.findall(r"^## (.+)$", re.sub(r"```.*?```", "", readme, flags=re.S), flags=re.M)
    assert [title for _, title, _ in guide] == headings
    assert len({name for name, _, _ in guide}) == len(guide)          # one file per section
    assert index.startswith("# shrinkage")
    for name, title, _ in guide:
        assert f"[{title}]({name})" in index
    # every code block, in order, exactly as written (a `# comment` in Python is not a heading)
    assert [b for _, _, text in guide for b in _fences(text)] == _fences(readme)
    prose = re.sub(r"```.*?```", "", readme, flags=re.S)
    n_words = len(re.findall(r"\w+", prose))
    guide_words = sum(len(re.findall(r"\w+", re.sub(r"```.*?```", "", t, flags=re.S)))
                      for _, _, t in guide) + len(re.findall(r"\w+", index))
    assert guide_words >= n_words           # nothing dropped (links add a few words)


def test_links_are_made_to_work_from_the_site(hooks):
    pages = dict(hooks.PROJECT_PAGES)
    fix = hooks._rewrite_links
    assert fix("See [B](BENCHMARKS.md#speed).", pages, "../") == "See [B](../benchmarks.md#speed)."
    assert fix("![shot](docs/report.png)", pages, "../") == "![shot](../report.png)"
    assert fix("[the tests](tests/test_io.py)", pages) == "the tests (`tests/test_io.py`)"
    assert fix("[web](https://example.org/x) [here](#top)", pages) == \
        "[web](https://example.org/x) [here](#top)"


def test_the_api_reference_lists_every_public_estimator(hooks):
    import inspect

    from sklearn.base import BaseEstimator

    import shrinkage
    page = hooks.estimators_page()
    public = [n for n in shrinkage.__all__ if inspect.isclass(getattr(shrinkage, n))
              and issubclass(getattr(shrinkage, n), BaseEstimator)]
    documented = re.findall(r"^::: [\w.]+\.(\w+)$", page, flags=re.M)
    assert documented == public
    assert len(public) >= 14
