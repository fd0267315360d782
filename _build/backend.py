"""The build backend: setuptools', asking for the runtime packages only where the build uses them.

``setup.py`` compiles the numba kernels while it builds a wheel (``shrinkage._precompile`` fits
small models), so that build needs what a fit needs. Listing those packages in
``[build-system] requires`` would make every build need them: editable installs, sdists and
``SHRINKAGE_PRECOMPILE=0`` builds, which compile nothing. Here they are asked for (PEP 517
``get_requires_for_build_wheel``) only for a wheel that will be precompiled; everything else
is setuptools' own backend unchanged.
"""

import os

from setuptools import build_meta as _setuptools
from setuptools.build_meta import *  # noqa: F403 - the whole PEP 517 interface

#: ``[project] dependencies`` of pyproject.toml (tests/test_precompile.py checks they agree)
RUNTIME = ["numpy>=1.24", "scipy>=1.10", "scikit-learn>=1.4", "threadpoolctl>=3.1",
           "joblib>=1.2", "numba>=0.58"]


def precompiling() -> bool:
    """Whether a wheel build compiles the kernels (``SHRINKAGE_PRECOMPILE`` is not ``0``)."""
    return os.environ.get("SHRINKAGE_PRECOMPILE", "1") != "0"


def get_requires_for_build_wheel(config_settings=None):
    extra = RUNTIME if precompiling() else []
    return _setuptools.get_requires_for_build_wheel(config_settings) + extra
