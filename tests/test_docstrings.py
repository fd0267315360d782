"""Every example in a public docstring runs and prints what it says."""

import doctest
import importlib
import pkgutil

import numpy as np
import pytest

import shrinkage

MODULES = sorted(
    name for _, name, _ in pkgutil.walk_packages(shrinkage.__path__, prefix="shrinkage.")
    if not name.endswith("__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples(name):
    module = importlib.import_module(name)
    with np.printoptions(legacy="1.25"):
        result = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE | doctest.ELLIPSIS)
    assert result.failed == 0, f"{result.failed} docstring example(s) failed in {name}"
