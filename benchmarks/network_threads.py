"""Where BLAS threads pay in a network's training: one epoch at 1 and at 2 threads, by size.

    python benchmarks/network_threads.py [--rounds 4]

MLPClassifier on 60,000 × 784 float32 rows (generated, seeded), 10 classes, one hidden ReLU
layer of h units, momentum SGD, one epoch with ``train_loss="running"``. Each size is fitted with
``n_threads=1`` and ``n_threads=2`` alternately (the order flips every round); the table gives
the median epoch of each and their ratio, beside the largest per-batch product
(``batch_size · 784 · h`` multiply-adds), the quantity the default (``n_threads=None``) compares
with ``shrinkage._threads.NETWORK_THREADED_WORK``. Run it on an idle machine: threads that share
busy cores wait for each other. Results: ``benchmarks/results/network_threads.md``.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if (HERE.parent / "src").is_dir():
    sys.path.insert(1, str(HERE.parent / "src"))

import numpy as np                                      # noqa: E402

SIZES = [(32, 128), (64, 128), (128, 128), (256, 128), (256, 32), (512, 128)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=4)
    args = ap.parse_args(argv)
    warnings.simplefilter("ignore")
    from machine import as_markdown, describe

    from shrinkage import MLPClassifier
    rng = np.random.default_rng(0)
    X = rng.standard_normal((60_000, 784)).astype(np.float32)
    y = rng.integers(0, 10, 60_000)
    print(as_markdown(describe(), threads=0).replace("all pools pinned to 0 threads",
                                                     "threads as in each row"))
    print("| hidden h | batch | largest per-batch product (multiply-adds) | 1 thread (s) "
          "| 2 threads (s) | 2 / 1 |")
    print("|---:|---:|---:|---:|---:|---:|")
    for h, bs in SIZES:
        res = {1: [], 2: []}
        for r in range(args.rounds):
            for t in ((1, 2) if r % 2 == 0 else (2, 1)):
                m = MLPClassifier(hidden_layer_sizes=(h,), max_epochs=1, random_state=0,
                                  n_threads=t, batch_size=bs, optimizer="momentum",
                                  train_loss="running")
                t0 = time.perf_counter()
                m.fit(X, y)
                res[t].append(time.perf_counter() - t0)
        a, b = statistics.median(res[1]), statistics.median(res[2])
        print(f"| {h} | {bs} | {bs * 784 * h:,} | {a:.3f} | {b:.3f} | {b / a:.2f} |", flush=True)


if __name__ == "__main__":
    main()
