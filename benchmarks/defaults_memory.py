"""Peak memory of ``RidgeCV()`` at its defaults, relative to the size of ``X``.

Each case runs in a fresh subprocess (so no allocation of an earlier case is cached by the
allocator), twice: once under :mod:`tracemalloc` (NumPy reports its allocations to it) and once
without it, reading the peak resident set size. Reported, relative to ``X.nbytes``:

* ``tracemalloc``: the peak of memory allocated during ``fit`` above what was allocated before
  it (``X`` and ``y`` are allocated before);
* ``RSS``: the peak resident set size during ``fit`` (``VmHWM``, reset just before ``fit``
  through ``/proc/self/clear_refs``) minus the resident set size just before it.

The subprocess gets the environment this script started with (importing torch to describe the
machine sets OpenMP variables that changed the child's memory before ``fit``).

Usage::

    python benchmarks/defaults_memory.py                    # 300,000 × 20 and 1,000,000 × 50
    python benchmarks/defaults_memory.py --cases 1000000x10 --cv loo gcv evidence
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys

_CHILD = r"""
import json, resource, sys, time, tracemalloc
import numpy as np
n, p, cv, traced, targets = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4] == "1", int(sys.argv[5])
from shrinkage import RidgeCV
rng = np.random.default_rng(0)
X = np.empty((n, p))
rng.standard_normal(out=X)
beta = rng.standard_normal((p, targets)) / np.sqrt(p)
y = np.empty((n, targets))
for j in range(targets):
    y[:, j] = X @ beta[:, j]
    y[:, j] += rng.standard_normal(n)
y = y[:, 0].copy() if targets == 1 else y
# warm up the code paths (imports, numba) on a small problem so they do not count
RidgeCV(cv=cv).fit(X[:500], y[:500])

def rss():
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * resource.getpagesize()

def hwm():
    with open("/proc/self/status") as fh:
        return next(int(line.split()[1]) * 1024 for line in fh if line.startswith("VmHWM"))

if traced:
    tracemalloc.start()
    base = tracemalloc.get_traced_memory()[0]
    tracemalloc.reset_peak()
else:
    with open("/proc/self/clear_refs", "w") as fh:   # resets the peak (VmHWM) to the current RSS
        fh.write("5")
    before = rss()
    peak_before = hwm()
t0 = time.perf_counter()
model = RidgeCV(cv=cv).fit(X, y)
elapsed = time.perf_counter() - t0
out = {"n": n, "p": p, "cv": cv, "targets": targets, "X_bytes": X.nbytes, "seconds": elapsed,
       "lam": float(np.atleast_1d(model.lam_)[0]), "n_lams": int(len(model.cv_results_["lam"]))}
if traced:
    out["traced_peak"] = tracemalloc.get_traced_memory()[1] - base
else:
    peak = hwm()
    out["rss_peak"] = peak - before
    out["rss_peak_before_fit_above_current"] = peak_before - before
print(json.dumps(out))
"""


_ENV = dict(os.environ)


def run_case(n, p, cv, traced, targets):
    env = dict(_ENV)
    res = subprocess.run([sys.executable, "-c", _CHILD, str(n), str(p), cv, "1" if traced else "0",
                          str(targets)], capture_output=True, text=True, env=env, check=False)
    if res.returncode != 0:
        raise RuntimeError(res.stderr)
    return json.loads(res.stdout.strip().splitlines()[-1])


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cases", nargs="+", default=["300000x20", "1000000x50"])
    ap.add_argument("--cv", nargs="+", default=["loo"])
    ap.add_argument("--targets", type=int, default=1)
    args = ap.parse_args(argv)
    sys.path.insert(0, os.path.dirname(__file__))
    from machine import as_markdown, describe
    print(as_markdown(describe(), threads=0).replace("all pools pinned to 0 threads",
                                                     "default thread counts"))
    print("| n × p | targets | cv | λ grid size | λ chosen | fit (s) | tracemalloc peak / X | "
          "peak RSS − RSS before / X |")
    print("|---|---|---|---|---|---|---|---|")
    for case in args.cases:
        n, p = (int(v) for v in case.split("x"))
        for cv in args.cv:
            a = run_case(n, p, cv, True, args.targets)
            b = run_case(n, p, cv, False, args.targets)
            X = a["X_bytes"]
            print(f"| {n:,} × {p} | {args.targets} | {cv} | {a['n_lams']} | {a['lam']:.4g} | "
                  f"{b['seconds']:.2f} | {a['traced_peak'] / X:.2f} | {b['rss_peak'] / X:.2f} |",
                  flush=True)


if __name__ == "__main__":
    main()
