"""The kernels compiled at install (``setup.py`` runs ``shrinkage._precompile``; no timing here:
``benchmarks/cold_start.py --parts installed`` measures the first fit after ``pip install``).

* every module of the package that holds a numba kernel is warmed by the precompile step;
* after one warm-up process, every kernel that is not only inlined into others has machine code
  in numba's cache, and a second process finds there every kernel the warm-up fits use (no
  cache miss: machine code loaded, nothing compiled);
* an installed (not editable) package ships the cache files in its wheel (its RECORD lists them).
"""

import ast
import importlib.metadata
import json
import os
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
_precompile.main(["--quiet"])
out = {}
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


def _njit_modules() -> set:
    """Modules of the package with an ``@njit`` decorator, found in the source."""
    found = set()
    for path in PACKAGE.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            for dec in getattr(node, "decorator_list", []):
                target = dec.func if isinstance(dec, ast.Call) else dec
                if getattr(target, "id", getattr(target, "attr", None)) == "njit":
                    rel = path.relative_to(PACKAGE.parent).with_suffix("")
                    found.add(".".join(rel.parts))
    return found


def _inline_only(module_name: str) -> set:
    """Kernels decorated ``inline="always"``: numba compiles them into their callers only."""
    path = PACKAGE.parent.joinpath(*module_name.split(".")).with_suffix(".py")
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        for dec in getattr(node, "decorator_list", []):
            if isinstance(dec, ast.Call) and any(
                    k.arg == "inline" and getattr(k.value, "value", None) == "always"
                    for k in dec.keywords):
                names.add(f"{module_name}.{node.name}")
    return names


def test_every_kernel_module_is_precompiled():
    assert _njit_modules() == set(_precompile.KERNEL_MODULES)


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
    _probe(tmp_path)
    stats = _probe(tmp_path)
    inline = set().union(*(_inline_only(m) for m in _precompile.KERNEL_MODULES))
    kernels = {name: s for name, s in stats.items() if name not in inline}
    assert len(kernels) >= 20, sorted(kernels)
    # every kernel the fits reach has machine code in the cache (a kernel called only from
    # another is linked into its caller when loaded, so it need not be loaded itself) ...
    assert {n for n, s in kernels.items() if s["cached"] == 0} == set()
    # ... and the second process compiled nothing
    assert {n: s["misses"] for n, s in stats.items() if s["misses"]} == {}
    assert sum(s["hits"] for s in stats.values()) >= 10


def test_an_installed_package_ships_the_compiled_kernels():
    # the metadata beside the imported package (a test may have put src/, with the build's
    # shrinkage.egg-info, on sys.path: importlib.metadata.distribution could find that one)
    dists = [d for d in importlib.metadata.distributions(path=[str(PACKAGE.parent)])
             if d.metadata["Name"] == "shrinkage"]
    files = [str(f) for d in dists[:1] for f in (d.files or [])]
    if not any(f.startswith("shrinkage/") and f.endswith(".py") for f in files):
        pytest.skip("editable install: nothing is built, the kernels compile at first use "
                    "(python -m shrinkage._precompile fills the cache)")
    shipped = {f.split("/")[1] for f in files if f.endswith(".nbi")}
    # one index per kernel module's folder at least: solvers, penalties, datafits, nn
    assert {"solvers", "penalties", "datafits", "nn"} <= shipped, sorted(shipped)
