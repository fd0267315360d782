"""Optional dependencies: import one, or say which extra installs it.

``pip install shrinkage`` brings what the estimators need (NumPy, SciPy, scikit-learn,
threadpoolctl, joblib, numba). The rest comes with an extra:

==============  ===============================================================================
``[cli]``       pandas, pyarrow, tqdm: the command line's data commands (CSV and Parquet files),
                ``to_frame()`` / ``summary()`` DataFrames, progress bars
``[plots]``     matplotlib: :mod:`shrinkage.plots`, the HTML reports and the demo's figures
``[dask]``      dask and distributed, for a Dask cluster as joblib's backend
``[all]``       all of the above
==============  ===============================================================================

Without tqdm a progress bar falls back to a one-line counter on stderr; every other use of a
missing package raises :class:`MissingDependencyError`, an :class:`ImportError` that names the
extra to install.

Examples
--------
>>> from shrinkage._optional import require
>>> require("numpy", "this example").__name__
'numpy'
>>> require("no_such_package_xyz", "this example", extra="plots")
Traceback (most recent call last):
...
shrinkage._optional.MissingDependencyError: this example needs no_such_package_xyz, ...: pip
install "shrinkage[plots]" (or "shrinkage[all]")
"""

from __future__ import annotations

import importlib

#: the extra that installs each optional package
EXTRAS = {"pandas": "cli", "pyarrow": "cli", "tqdm": "cli", "matplotlib": "plots",
          "dask": "dask", "distributed": "dask"}


class MissingDependencyError(ImportError):
    """An optional package is not installed; the message names the extra that installs it."""


def require_all(modules, purpose: str) -> None:
    """Import every module of ``modules``, or raise :class:`MissingDependencyError` naming every
    extra that is missing at once (``pip install "shrinkage[cli,plots]"``).

    Examples
    --------
    >>> require_all(["numpy", "no_such_package_xyz"], "this example")
    Traceback (most recent call last):
    ...
    shrinkage._optional.MissingDependencyError: this example needs no_such_package_xyz, which
    is not installed: pip install "shrinkage[all]"
    """
    missing = []
    for module in modules:
        try:
            require(module, purpose)
        except MissingDependencyError as exc:
            missing.append((exc.name, EXTRAS.get(exc.name, "all")))
    if missing:
        names = " and ".join(dict.fromkeys(m for m, _ in missing))
        extras = ",".join(dict.fromkeys(e for _, e in missing))
        raise MissingDependencyError(
            f"{purpose} needs {names}, which {'is' if len(missing) == 1 else 'are'} not "
            f"installed: {_hint(extras)}", name=missing[0][0])


def require(module: str, purpose: str, *, extra: str | None = None):
    """Import and return ``module``, or raise :class:`MissingDependencyError` naming the extra.

    Parameters
    ----------
    module : str
        Dotted module name, e.g. ``"matplotlib.pyplot"``.
    purpose : str
        What needs it, the start of the message (``"shrinkage.plots"``).
    extra : str, optional
        The extra to name; by default the one in :data:`EXTRAS` for the top-level package.
    """
    top = module.split(".")[0]
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        if exc.name is not None and exc.name.split(".")[0] != top:
            raise                        # the package is there but one of its own imports fails
        extra = extra or EXTRAS.get(top, "all")
        raise MissingDependencyError(
            f"{purpose} needs {top}, which is not installed: {_hint(extra)}", name=top) from exc


def _hint(extras: str) -> str:
    hint = f'pip install "shrinkage[{extras}]"'
    return hint if extras == "all" else f'{hint} (or "shrinkage[all]")'
