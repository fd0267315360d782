"""Run every adapter on each problem side by side in one process and write a table.

    python benchmarks/run.py [--problems ridge_loo logistic_one ...] [--repeat 5]
                             [--out benchmarks/results/latest.json]

Timing: every adapter is run once as a warm-up (its answer is the one checked for quality),
then timed runs, interleaved across adapters (round-robin, starting one adapter later each
round) so that drift on a shared machine hits every library alike, until it has ``--repeat``
timed runs. The warm-up is discarded, except for a slow adapter (warm-up over ``--slow``
seconds, where one-off costs are negligible): its warm-up counts as the first timed run, and it
stops early once its timed runs add up to ``--budget`` seconds, so a full run takes minutes.
The table reports the median of the timed runs and ``ratio = adapter median / shrinkage
median`` (> 1: we are faster). BLAS and OpenMP pools are pinned to ``--threads`` for every library.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import time
import traceback
import warnings
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
if (HERE.parent / "src").is_dir():           # run from a checkout without installing
    sys.path.insert(1, str(HERE.parent / "src"))

from threadpoolctl import threadpool_limits            # noqa: E402

import adapters                                         # noqa: E402,F401  (registers them)
import problems                                         # noqa: E402,F401  (registers them)
from machine import as_markdown, describe               # noqa: E402
from quality import compare                             # noqa: E402
import registry                                         # noqa: E402
from registry import ADAPTERS, PROBLEMS, Skip           # noqa: E402


def _timed(adapter, prob):
    gc.collect()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        start = time.perf_counter()
        fit = adapter.fit(prob)
        return time.perf_counter() - start, fit


def run_problem(prob, chosen, args, log) -> list[dict]:
    """Warm up every adapter, then interleaved timed rounds (see module docstring); table rows."""
    rows, live = [], []
    for ad in chosen:
        row = {"problem": prob.label, "description": prob.description, "library": ad.label,
               "reference": ad.reference, "floor": ad.floor, "times": []}
        try:
            row["warmup"], row["fit"] = _timed(ad, prob)
            live.append((ad, row))
            row["warmup_counted"] = row["warmup"] > args.slow
            if row["warmup_counted"]:
                row["times"].append(row["warmup"])
            log(f"  {ad.label:<32} warm-up {row['warmup']:.3f} s"
                + (" (counted: slow)" if row["warmup_counted"] else ""))
        except Skip as exc:
            row["skipped"] = str(exc)
            log(f"  {ad.label:<32} skipped: {exc}")
        except Exception as exc:                       # a broken adapter must not stop the run
            row["skipped"] = f"failed: {type(exc).__name__}: {exc}"
            log(f"  {ad.label:<32} FAILED\n{traceback.format_exc()}")
        rows.append(row)
    for r in range(args.repeat):
        shift = r % max(len(live), 1)
        for ad, row in live[shift:] + live[:shift]:
            if len(row["times"]) < args.repeat and sum(row["times"]) < args.budget:
                row["times"].append(_timed(ad, prob)[0])
    ref = next((row for ad, row in live if ad.reference), None)
    for ad, row in live:
        row["median"] = statistics.median(row["times"]) if row["times"] else row["warmup"]
    for ad, row in live:
        if ref is not None:
            row["ratio"] = row["median"] / ref["median"]
            if ad.floor:
                row["quality"] = f"shrinkage / floor = {ref['median'] / row['median']:.2f}"
            elif not ad.reference:
                row["quality"] = compare(prob, row["fit"], ref["fit"])
                if row["fit"].extra.get("n_iter") is not None:
                    row["quality"] += f"; {row['fit'].extra['n_iter']} iter"
            else:
                row["quality"] = _own_quality(row["fit"])
        log(f"  {ad.label:<32} median {row['median']:.3f} s  "
            f"[{min(row['times'], default=0):.3f}–{max(row['times'], default=0):.3f}]")
    for row in rows:
        row.pop("fit", None)
    return rows


def _own_quality(fit) -> str:
    notes = [f"{fit.extra['n_iter']} iter" if fit.extra.get("n_iter") is not None else "",
             f"solver {fit.extra['solver']}" if fit.extra.get("solver") else "",
             f"held-out acc {fit.extra['test_acc']:.3f}" if "test_acc" in fit.extra else ""]
    notes = ", ".join(n for n in notes if n)
    return "reference" + (f" ({notes})" if notes else "")


def check_targets(prob, rows) -> list[dict]:
    """Each target: the ratio against the fastest peer whose label starts with its prefix."""
    out = []
    for prefix, minimum, wording in prob.targets:
        peers = [r for r in rows if r["library"].startswith(prefix) and "ratio" in r]
        if not peers:
            out.append({"problem": prob.label, "target": wording, "status": "not measured"})
            continue
        best = min(peers, key=lambda r: r["ratio"])
        out.append({"problem": prob.label, "target": wording, "against": best["library"],
                    "ratio": best["ratio"], "minimum": minimum,
                    "status": "reached" if best["ratio"] >= minimum else "not reached"})
    return out


def markdown(rows, targets, info, args) -> str:
    lines = ["| problem | library | median s | min–max s | runs | ratio (peer/shrinkage) | quality vs shrinkage |",
             "|---|---|---:|---:|---:|---:|---|"]
    for r in rows:
        if "skipped" in r:
            lines.append(f"| {r['problem']} | {r['library']} | — | — | 0 | — | skipped: {r['skipped']} |")
            continue
        t = r["times"]
        ratio = f"{r['ratio']:.2f}" if "ratio" in r else "—"
        lines.append(f"| {r['problem']} | {r['library']} | {r['median']:.3f} | "
                     f"{min(t):.3f}–{max(t):.3f} | {len(t)} | {ratio} | {r.get('quality', '—')} |")
    tl = ["| problem | target | against | ratio | status |", "|---|---|---|---:|---|"]
    for t in targets:
        ratio = f"{t['ratio']:.2f} (need ≥ {t['minimum']:.2f})" if "ratio" in t else "—"
        tl.append(f"| {t['problem']} | {t['target']} | {t.get('against', '—')} | {ratio} | {t['status']} |")
    head = (f"Machine:\n\n{as_markdown(info, args.threads)}\n"
            f"Medians of up to {args.repeat} timed runs per row (column runs), adapters interleaved; "
            f"one warm-up discarded, except for rows whose warm-up took over {args.slow:g} s, where "
            f"it is counted and timing stops at {args.budget:g} s in total.\n")
    return head + "\n" + "\n".join(lines) + "\n\nTargets:\n\n" + "\n".join(tl) + "\n"


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--problems", nargs="*", default=None,
                        help=f"problem names (default all): {', '.join(PROBLEMS)}")
    parser.add_argument("--libraries", nargs="*", default=None,
                        help="only adapters whose label starts with one of these (shrinkage always runs)")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs after the warm-up")
    parser.add_argument("--slow", type=float, default=10.0,
                        help="a warm-up longer than this (s) counts as the first timed run")
    parser.add_argument("--budget", type=float, default=120.0,
                        help="stop timing an adapter once its timed runs add up to this (s)")
    parser.add_argument("--threads", type=int, default=2, help="BLAS/OpenMP threads for everyone")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "latest.json")
    args = parser.parse_args(argv)

    names = args.problems or list(PROBLEMS)
    unknown = [n for n in names if n not in PROBLEMS]
    if unknown:
        parser.error(f"unknown problems {unknown}; known: {list(PROBLEMS)}")
    chosen = [a for a in ADAPTERS if a.reference or not args.libraries
              or any(a.label.startswith(p) for p in args.libraries)]

    def log(msg):
        print(msg, file=sys.stderr, flush=True)

    rows, targets = [], []
    registry.THREADS = args.threads
    with threadpool_limits(limits=args.threads):
        info = describe()
        for name in names:
            probs = PROBLEMS[name]()
            for prob in probs if isinstance(probs, list) else [probs]:
                log(f"{prob.label}: {prob.description}")
                use = sorted((a for a in chosen if prob.task in a.tasks), key=lambda a: not a.reference)
                prob_rows = run_problem(prob, use, args, log)
                rows += prob_rows
                targets += check_targets(prob, prob_rows)
            del probs
    table = markdown(rows, targets, info, args)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps({"machine": info, "repeat": args.repeat, "threads": args.threads,
                                    "slow": args.slow, "budget": args.budget,
                                    "rows": rows, "targets": targets}, indent=1, default=float))
    args.out.with_suffix(".md").write_text(table)
    log(f"wrote {args.out} and {args.out.with_suffix('.md')}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
