"""What a package people adopt ships (issue 16): a license, type information, a changelog,
a version (smoke tests of the files' presence and of the installed metadata)."""

import importlib.metadata
import pathlib

import shrinkage

ROOT = pathlib.Path(__file__).resolve().parents[1]


def test_license_changelog_and_py_typed_are_there_smoke():
    assert "BSD 3-Clause" in (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert (ROOT / "CHANGELOG.md").read_text(encoding="utf-8").startswith("# Changelog")
    assert (pathlib.Path(shrinkage.__file__).parent / "py.typed").exists()


def test_the_version_is_the_installed_one():
    assert shrinkage.__version__ == importlib.metadata.version("shrinkage")
