"""Time shrinkage's own adapters in two source trees, side by side: did a change slow anything?

    python benchmarks/compare.py --base /path/to/other/checkout [--problems ...] [--rounds 3]
                                 [--runs 2] [--threads 1]

For each problem, ``--rounds`` rounds alternate a fresh process on this checkout's ``src/`` and
one on the base checkout's ``src/`` (the order flips every round, so drift on a shared machine
hits both alike). Each process builds the problem, runs every shrinkage adapter once as a
warm-up (compilation, caches) and then ``--runs`` timed runs; the problems and adapters are
always this checkout's (``benchmarks/``), only the library differs. The table gives the median
of all timed runs of each side and ``ratio = this / base`` (above 1: this checkout is slower).
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


def _child(src: str, problem: str, runs: int, threads: int) -> None:
    """In a fresh process: time the shrinkage adapters of ``problem`` with the library at ``src``."""
    import gc
    import time
    import warnings

    sys.path.insert(0, str(HERE))
    sys.path.insert(1, src)
    from threadpoolctl import threadpool_limits

    import adapters  # noqa: F401  (registers them)
    import problems  # noqa: F401
    import registry
    import shrinkage
    assert Path(shrinkage.__file__).resolve().is_relative_to(Path(src).resolve()), shrinkage.__file__
    registry.THREADS = threads
    out = {}
    with threadpool_limits(limits=threads), warnings.catch_warnings():
        warnings.simplefilter("ignore")
        probs = registry.PROBLEMS[problem]()
        for prob in probs if isinstance(probs, list) else [probs]:
            for ad in registry.ADAPTERS:
                if ad.library != "shrinkage" or prob.task not in ad.tasks:
                    continue
                try:
                    ad.fit(prob)                                   # warm-up
                except registry.Skip:
                    continue
                times = []
                for _ in range(runs):
                    gc.collect()
                    t0 = time.perf_counter()
                    ad.fit(prob)
                    times.append(time.perf_counter() - t0)
                out[f"{prob.label} | {ad.label}"] = times
    print(json.dumps(out))


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base", required=True, type=Path, help="the other checkout (its src/)")
    parser.add_argument("--problems", nargs="*", default=None)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--runs", type=int, default=2, help="timed runs per process")
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "compare.json")
    parser.add_argument("--child", nargs=4, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        src, problem, runs, threads = args.child
        _child(src, problem, int(runs), int(threads))
        return 0
    sys.path.insert(0, str(HERE))
    import problems  # noqa: F401
    import registry
    names = args.problems or list(registry.PROBLEMS)
    sides = {"this": str(HERE.parent / "src"), "base": str(args.base.resolve() / "src")}
    times: dict = {}
    env = dict(os.environ, PYTHONWARNINGS="ignore")
    for name in names:
        for r in range(args.rounds):
            order = ["this", "base"] if r % 2 == 0 else ["base", "this"]
            for side in order:
                cmd = [sys.executable, __file__, "--base", str(args.base), "--child", sides[side],
                       name, str(args.runs), str(args.threads)]
                res = subprocess.run(cmd, capture_output=True, text=True, env=env)
                if res.returncode:
                    print(res.stderr, file=sys.stderr)
                    raise SystemExit(f"{side} failed on {name}")
                for key, ts in json.loads(res.stdout.strip().splitlines()[-1]).items():
                    times.setdefault(key, {"this": [], "base": []})[side] += ts
            print(f"{name}: round {r + 1}/{args.rounds} done", file=sys.stderr, flush=True)
    lines = ["| problem | adapter | base median s | this median s | runs | this / base |",
             "|---|---|---:|---:|---:|---:|"]
    for key, t in times.items():
        prob, ad = key.split(" | ")
        b, a = statistics.median(t["base"]), statistics.median(t["this"])
        lines.append(f"| {prob} | {ad} | {b:.3f} | {a:.3f} | {len(t['this'])} | {a / b:.3f} |")
    table = "\n".join(lines)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(times, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
