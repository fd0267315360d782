"""The kernels compiled at install (``setup.py`` runs ``shrinkage._precompile``; no timing here:
``benchmarks/cold_start.py --parts installed`` measures the first fit after ``pip install``).

* every module of the package that holds a numba kernel is warmed by the precompile step;
* after one warm-up process, every kernel that is not only inlined into others has machine code
  in numba's cache, and a second process finds there every kernel the warm-up fits use (no
  cache miss: machine code loaded, nothing compiled);
* an installed (not editable) package ships the cache files in its wheel (its RECORD lists
  them), and a copy of what it shipped, in a new place, fits a first ``Lasso`` without a cache
  miss: the shipped machine code is loaded;
* the build backend asks for the runtime packages only for a precompiled wheel.
"""

import ast
import base64
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import shrinkage
from shrinkage import _precompile

PACKAGE = Path(shrinkage.__file__).resolve().parent

_PROBE = r'''
import json, importlib, sys
from shrinkage import _precompile
failed = _precompile.main(["--quiet"])
out = {"failed warm-up fits": failed}
for name in _precompile.KERNEL_MODULES:
    module = importlib.import_module(name)
    for attr, obj in vars(module).items():
        if getattr(obj, "__module__", None) == name and hasattr(obj, "stats"):
            # the fresh entries of the kernel's cache index (numba's own reader: an index
            # written by another numba or for other source text reads as empty)
            cached = len(obj._cache._cache_file._load_index())
            out[f"{name}.{attr}"] = {"misses": sum(obj.stats.cache_misses.values()),
                                     "hits": sum(obj.stats.cache_hits.values()),
                                     "cached": cached}
print(json.dumps(out))
'''


def _kernels() -> dict:
    """``{module.function: inline_only}`` of every ``@njit`` function in the package's source;
    ``inline="always"`` kernels are compiled into their callers only."""
    found = {}
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            for dec in getattr(node, "decorator_list", []):
                target = dec.func if isinstance(dec, ast.Call) else dec
                if getattr(target, "id", getattr(target, "attr", None)) == "njit":
                    found[f"{module}.{node.name}"] = isinstance(dec, ast.Call) and any(
                        k.arg == "inline" and getattr(k.value, "value", None) == "always"
                        for k in dec.keywords)
    return found


def test_every_kernel_module_is_precompiled():
    modules = {name.rpartition(".")[0] for name in _kernels()}
    assert modules == set(_precompile.KERNEL_MODULES)


def _probe(cache_dir) -> dict:
    env = {k: v for k, v in os.environ.items() if k != "NUMBA_DISABLE_JIT"}
    env["PYTHONPATH"] = os.pathsep.join(sys.path)
    env["NUMBA_CACHE_DIR"] = str(cache_dir)
    out = subprocess.run([sys.executable, "-c", _PROBE], capture_output=True, text=True,
                         timeout=900, env=env, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_second_process_loads_every_warm_kernel_from_the_cache(tmp_path):
    # an empty cache folder: the first process compiles what the warm-up reaches, as the build
    # does, and the second must find all of it
    assert _probe(tmp_path).pop("failed warm-up fits") == 0
    stats = _probe(tmp_path)
    assert stats.pop("failed warm-up fits") == 0
    compiled = {name for name, inline in _kernels().items() if not inline}
    kernels = {name: s for name, s in stats.items() if name in compiled}
    assert set(kernels) == compiled
    # every kernel the fits reach has machine code in the cache (a kernel called only from
    # another is linked into its caller when loaded, so it need not be loaded itself) ...
    assert {n for n, s in kernels.items() if s["cached"] == 0} == set()
    # ... and the second process compiled nothing
    assert {n: s["misses"] for n, s in stats.items() if s["misses"]} == {}
    assert sum(s["hits"] for s in stats.values()) >= 10


_FIRST_FIT = r'''
import json
import numpy as np
import shrinkage
from shrinkage import Lasso
from shrinkage.solvers import _cd_kernels
rng = np.random.default_rng(0)
X = rng.standard_normal((60, 8))
Lasso().fit(X, X[:, 0] + rng.standard_normal(60))
stats = _cd_kernels._cd_gram.stats
print(json.dumps({"file": shrinkage.__file__, "misses": sum(stats.cache_misses.values()),
                  "hits": sum(stats.cache_hits.values())}))
'''


def _digest(path: Path, mode: str) -> str:
    raw = hashlib.new(mode, path.read_bytes()).digest()
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def test_an_installed_package_ships_the_compiled_kernels(tmp_path):
    # the metadata beside the imported package (a test may have put src/, with the build's
    # shrinkage.egg-info, on sys.path: importlib.metadata.distribution could find that one)
    dists = [d for d in importlib.metadata.distributions(path=[str(PACKAGE.parent)])
             if d.metadata["Name"] == "shrinkage"]
    files = [f for d in dists[:1] for f in (d.files or [])]
    if not any(str(f).startswith("shrinkage/") and str(f).endswith(".py") for f in files):
        pytest.skip("editable install: nothing is built, the kernels compile at first use "
                    "(python -m shrinkage._precompile fills the cache)")
    shipped = {str(f).split("/")[1] for f in files if str(f).endswith(".nbi")}
    # one index per kernel module's folder at least: solvers, penalties, datafits, nn
    assert {"solvers", "penalties", "datafits", "nn"} <= shipped, sorted(shipped)
    # What the wheel shipped, copied to a new place (a new path and new file times, as an
    # install makes them). The first Lasso fit's kernel must be as shipped: had numba found
    # the shipped cache stale, it would have rewritten that index at its first use.
    site = tmp_path / "site"
    for f in files:
        name = str(f)
        if not name.startswith("shrinkage/"):
            continue
        source = Path(f.locate())
        if "_cd_kernels._cd_gram-" in name and f.hash is not None:
            assert _digest(source, f.hash.mode) == f.hash.value, f"{name} changed since install"
        (site / name).parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, site / name)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NUMBA_")}
    env["PYTHONPATH"] = str(site)
    out = subprocess.run([sys.executable, "-c", _FIRST_FIT], capture_output=True, text=True,
                         timeout=300, env=env, check=False)
    assert out.returncode == 0, out.stderr[-3000:]
    first = json.loads(out.stdout.strip().splitlines()[-1])
    assert Path(first["file"]).resolve().is_relative_to(site.resolve())
    assert (first["misses"], first["hits"]) == (0, 1)          # loaded, not compiled


def test_the_build_backend_asks_for_the_runtime_packages_only_to_precompile(monkeypatch):
    tomllib = pytest.importorskip("tomllib")         # Python 3.11
    root = Path(__file__).resolve().parents[1]
    spec = importlib.util.spec_from_file_location("shrinkage_build_backend",
                                                  root / "_build" / "backend.py")
    backend = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(backend)
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    assert backend.RUNTIME == project["project"]["dependencies"]
    assert project["build-system"]["build-backend"] == "backend"
    # setuptools' own answers (this environment's setuptools may predate the build's >= 77)
    monkeypatch.setattr(backend._setuptools, "get_requires_for_build_wheel", lambda c=None: ["w"])
    monkeypatch.setenv("SHRINKAGE_PRECOMPILE", "0")
    assert backend.get_requires_for_build_wheel() == ["w"]
    monkeypatch.delenv("SHRINKAGE_PRECOMPILE")
    assert backend.get_requires_for_build_wheel() == ["w", *backend.RUNTIME]
    # everything else is setuptools' backend itself
    assert backend.build_editable is backend._setuptools.build_editable
    assert backend.get_requires_for_build_editable is \
        backend._setuptools.get_requires_for_build_editable
