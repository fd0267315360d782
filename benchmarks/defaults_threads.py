"""Epoch time at each library's default thread setting: shrinkage's network vs PyTorch CPU.

The ``mlp_epoch`` problem of ``problems.py`` (60,000 × 784 float32, 784-256-10 ReLU, batch 128,
momentum SGD, λ = 1e-4; the same code as ``run.py``'s adapters). Each configuration runs in its
own fresh subprocess, so no other library's thread pool (PyTorch's OpenMP threads spin for a
while after each call) is loaded beside it, and the configurations alternate round after round
(interleaved); each subprocess times ``--epochs`` one-epoch fits after one warm-up fit. Reported:
the median epoch over all rounds and the ratio to PyTorch at its default threads
(``torch.get_num_threads()``, untouched) measured in the same rounds.

Configurations: ``shrinkage default`` (``n_threads=None``, nothing pinned), ``shrinkage
n_threads=1`` / ``=2``, ``torch default`` and ``torch 1 thread`` (``torch.set_num_threads(1)``).
With ``--logistic`` it also times ``LogisticRegression().fit`` at defaults against ``threadpool_
limits(1)``.

Usage::

    python benchmarks/defaults_threads.py --rounds 5 --epochs 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

_CHILD = r"""
import json, sys, time
from pathlib import Path
HERE = Path(sys.argv[1]); config = sys.argv[2]; epochs = int(sys.argv[3])
sys.path.insert(0, str(HERE)); sys.path.insert(1, str(HERE.parent / "src"))
import numpy as np
import problems, registry
prob = problems.mlp_epoch()
if config.startswith("torch"):
    import torch
    if config == "torch 1 thread":
        torch.set_num_threads(1)
    from adapters.torch_lib import mlp_sgd
    registry.THREADS = torch.get_num_threads()
    threads = torch.get_num_threads()
    run = lambda: mlp_sgd(prob)
elif config.startswith("shrinkage"):
    from adapters.shrinkage_lib import _mlp
    n_threads = None if config == "shrinkage default" else int(config.split("=")[1])
    from threadpoolctl import threadpool_info
    threads = max(m["num_threads"] for m in threadpool_info() if m["user_api"] == "blas")
    run = lambda: _mlp(prob, "running", n_threads)
elif config.startswith("logistic"):
    from threadpoolctl import threadpool_limits
    from shrinkage import LogisticRegression
    X, y = problems.multinomial().X, problems.multinomial().y
    one = config == "logistic 1 thread"
    threads = 1 if one else None
    def run():
        if one:
            with threadpool_limits(1):
                LogisticRegression().fit(X, y)
        else:
            LogisticRegression().fit(X, y)
run()                                   # warm-up: imports, compilation, pools
times = []
for _ in range(epochs):
    t0 = time.perf_counter(); run(); times.append(time.perf_counter() - t0)
print(json.dumps({"config": config, "threads": threads, "times": times}))
"""

MLP = ["shrinkage default", "shrinkage n_threads=1", "shrinkage n_threads=2", "torch default",
       "torch 1 thread"]
LOGISTIC = ["logistic default", "logistic 1 thread"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--epochs", type=int, default=3)
    ap.add_argument("--logistic", action="store_true")
    ap.add_argument("--configs", nargs="+", default=None)
    args = ap.parse_args(argv)
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    configs = args.configs or (MLP + (LOGISTIC if args.logistic else []))
    times = {c: [] for c in configs}
    ratios = {c: [] for c in configs}
    threads = {}
    for r in range(args.rounds):
        medians = {}
        for c in configs:
            out = subprocess.run([sys.executable, "-c", _CHILD, str(HERE), c, str(args.epochs)],
                                 capture_output=True, text=True, env=env, check=False)
            if out.returncode != 0:
                raise RuntimeError(out.stderr)
            res = json.loads(out.stdout.strip().splitlines()[-1])
            times[c] += res["times"]
            threads[c] = res["threads"]
            medians[c] = statistics.median(res["times"])
        for c in configs:
            ref = "torch default" if not c.startswith("logistic") else "logistic 1 thread"
            if ref in medians:
                ratios[c].append(medians[c] / medians[ref])
        print(f"round {r + 1}: " + ", ".join(f"{c} {m:.3f}s" for c, m in medians.items()),
              file=sys.stderr, flush=True)
    sys.path.insert(0, str(HERE))
    from machine import as_markdown, describe
    print(as_markdown(describe(), threads=0).replace("all pools pinned to 0 threads",
                                                     "default thread counts"))
    print("| configuration | threads | median (s) | min (s) | ratio to the reference, "
          "median of rounds (range) |")
    print("|---|---:|---:|---:|---|")
    for c in configs:
        rs = ratios[c]
        ref = "torch default" if not c.startswith("logistic") else "logistic 1 thread"
        rtxt = (f"{statistics.median(rs):.2f} ({min(rs):.2f}–{max(rs):.2f}) vs {ref}"
                if rs else "")
        print(f"| {c} | {threads[c]} | {statistics.median(times[c]):.3f} | {min(times[c]):.3f} | "
              f"{rtxt} |")


if __name__ == "__main__":
    main()
