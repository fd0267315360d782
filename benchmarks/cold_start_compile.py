"""Where the first fit's time goes with an empty numba cache: compile time per kernel.

    python benchmarks/cold_start_compile.py [--repeat 3] [--out FILE]

Each estimator of ``cold_start.py``'s *fit* part (``Lasso()``, ``LogisticRegression(l1_ratio=
0.5)``, ``ElasticNetCV()`` on the same 200 × 20 data) is fitted in a fresh interpreter whose
``NUMBA_CACHE_DIR`` is a new empty folder, with a listener on numba's ``numba:compile`` events:
every compilation the fit triggers is timed (wall time; the events nest, so a kernel's time
includes the kernels and NumPy implementations it calls that were compiled for it). The child
is ``cold_start.py``'s, so it also reports its import time, its fit time and its CPU time. Medians over ``--repeat`` fresh
processes. The point: how much of the empty-cache first fit is compilation, and which kernels.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
SRC = HERE.parent / "src"
sys.path.insert(0, str(HERE))

from cold_start import FIT_CHILD  # noqa: E402

LISTENER = r'''
import time
from numba.core import event

compiled = {}
started = {}

class Listener(event.Listener):
    def on_start(self, e):
        started[id(e.data["dispatcher"])] = time.perf_counter()

    def on_end(self, e):
        d = e.data["dispatcher"]
        name = d.py_func.__module__ + "." + d.py_func.__qualname__
        compiled[name] = compiled.get(name, 0.0) + time.perf_counter() - started[id(d)]

event.register("numba:compile", Listener())
'''

#: cold_start.py's child (the same data and fits), with the listener registered first (so its
#: script time leaves out numba's import, which cold_start.py measures) and the compile times
#: printed after its own line
CHILD = LISTENER + FIT_CHILD + """
print(json.dumps({"cpu": time.process_time(), "compiled": compiled}))
"""

NAMES = {"lasso": "Lasso()", "logistic": "LogisticRegression(l1_ratio=0.5)",
         "enetcv": "ElasticNetCV()"}


def run_child(est: str) -> dict:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, NUMBA_CACHE_DIR=cache,
                   PYTHONPATH=os.pathsep.join([str(SRC), os.environ.get("PYTHONPATH", "")]))
        out = subprocess.run([sys.executable, "-c", CHILD, "shrinkage", est], env=env,
                             check=True, capture_output=True, text=True)
    times, extra = out.stdout.strip().splitlines()[-2:]
    return {**json.loads(times), **json.loads(extra)}


def main(argv=None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    from machine import as_markdown, describe
    lines = ["# First fit with an empty numba cache: compile time per kernel", "",
             f"Command: `python benchmarks/cold_start_compile.py --repeat {args.repeat}`", "",
             "Medians over fresh processes; a kernel's time includes what it calls (events "
             "nest), so the rows do not add up.", ""]
    for est, label in NAMES.items():
        runs = []
        for _ in range(args.repeat):
            runs.append(run_child(est))
        med = {k: statistics.median(r[k] for r in runs) for k in ("import", "fit", "script", "cpu")}
        kernels = sorted({k for r in runs for k in r["compiled"]})
        per = {k: statistics.median(r["compiled"].get(k, 0.0) for r in runs) for k in kernels}
        lines += [f"## {label}", "",
                  f"script {med['script']:.2f} s (import {med['import']:.2f} s, fit "
                  f"{med['fit']:.2f} s), CPU {med['cpu']:.2f} s", "",
                  "| compiled | median wall (s) |", "|---|---:|"]
        lines += [f"| `{k}` | {v:.2f} |" for k, v in sorted(per.items(), key=lambda kv: -kv[1])
                  if v >= 0.02]
        lines.append("")
    lines += ["Machine:", "", as_markdown(describe(), threads=0).replace(
        "all pools pinned to 0 threads", "default thread counts")]
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
