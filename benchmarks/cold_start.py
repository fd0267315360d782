"""Cold start: what a user waits for in a fresh process, before any work is done.

    python benchmarks/cold_start.py [--repeat 5] [--cold-repeat 5] [--parts import cli fit]
                                    [--json FILE]

Every number is one fresh interpreter (``subprocess``), started the way a user starts it;
the cases of a part alternate round by round (the order flips every round) and each cell is
the median over the rounds, with the spread (min–max) beside it. Wall time is what the user
waits; CPU time (user + system of the child) is also given because this machine is shared and
a compile is single-threaded, so CPU time moves less with the load.

* **import**: ``import shrinkage`` against ``import sklearn.linear_model``, and
  ``from shrinkage import Lasso`` against ``from sklearn.linear_model import Lasso`` (the first
  line of a script that fits), each a whole process (``python -c …``) minus nothing: the
  interpreter's own start (``python -c pass``) is listed so that it can be subtracted.
* **cli**: the console script (``shrinkage`` beside this interpreter, else
  ``python -m shrinkage``): ``--help``, ``--version``, every sub-command's ``--help`` and
  ``convert 1 --from sklearn-ridge --n-samples 100``.
* **fit**: the first fit in a fresh process, script start to fitted model (NumPy data built in
  the script, 200 × 20, seeded): shrinkage's ``Lasso()``, ``LogisticRegression(l1_ratio=0.5)``
  and ``ElasticNetCV()`` at their defaults, beside scikit-learn's ``Lasso()``,
  ``LogisticRegression(l1_ratio=0.5, solver="saga")`` (its one elastic-net solver) and
  ``ElasticNetCV()`` at theirs. Shrinkage twice: with an **empty** numba cache (the very first
  process after install: ``NUMBA_CACHE_DIR`` a new empty folder every run, so every kernel the
  fit uses is compiled) and with a **warm** one (the cache files an earlier process wrote, as
  every later process finds them: one unmeasured run fills the folder first). scikit-learn
  compiles nothing at run time, so it has one state. The child reports its import and fit
  times too.
* **installed** (not in the default parts; ``--parts installed``): what a user gets from
  ``pip install .``. The wheel is built as pip builds it, once with the kernels precompiled
  into it (``setup.py``, the default) and once with ``SHRINKAGE_PRECOMPILE=0``; every round
  installs a wheel afresh into a new folder (``pip install --no-deps --target``) and times the
  first fit there, beside scikit-learn's (``--cold-repeat`` rounds).

The machine (``machine.py``) is printed first. Results: ``benchmarks/results/
defaults_cold_start.md`` (import, cli, fit) and ``cold_start_installed.md`` (installed).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
SRC = HERE.parent / "src"

FIT_CHILD = r'''
import json, sys, time
t0 = time.perf_counter()
import numpy as np
lib, est = sys.argv[1], sys.argv[2]
rng = np.random.default_rng(0)
n, p = 200, 20
X = rng.standard_normal((n, p))
w = np.zeros(p)
w[:5] = 1.0
y = X @ w + rng.standard_normal(n)
if est == "logistic":
    y = (y > 0).astype(np.int64)
t1 = time.perf_counter()
if lib == "shrinkage":
    from shrinkage import ElasticNetCV, Lasso, LogisticRegression
    model = {"lasso": Lasso, "enetcv": ElasticNetCV,
             "logistic": lambda: LogisticRegression(l1_ratio=0.5)}[est]()
else:
    from sklearn.linear_model import ElasticNetCV, Lasso, LogisticRegression
    model = {"lasso": Lasso, "enetcv": ElasticNetCV,
             "logistic": lambda: LogisticRegression(l1_ratio=0.5, solver="saga")}[est]()
t2 = time.perf_counter()
model.fit(X, y)
t3 = time.perf_counter()
print(json.dumps({"import": t2 - t1, "fit": t3 - t2, "script": t3 - t0}))
'''

ESTIMATORS = {"lasso": "Lasso()", "logistic": "LogisticRegression(l1_ratio=0.5)",
              "enetcv": "ElasticNetCV()"}


def _env(cache_dir=None):
    env = dict(os.environ)
    if SRC.is_dir():
        env["PYTHONPATH"] = os.pathsep.join([str(SRC)] + [p for p in
                                                          env.get("PYTHONPATH", "").split(os.pathsep) if p])
    if cache_dir is not None:
        env["NUMBA_CACHE_DIR"] = str(cache_dir)
    return env


def _run(cmd, env):
    """(wall s, child CPU s, stdout) of one fresh process."""
    before = os.times()
    t = time.perf_counter()
    out = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - t
    after = os.times()
    if out.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({out.returncode}):\n{out.stderr[-2000:]}")
    cpu = (after.children_user - before.children_user) + (after.children_system - before.children_system)
    return wall, cpu, out.stdout


def _rounds(cases, repeat):
    """cases: {label: callable() -> dict of numbers}; alternate them, the order flipping every
    round; returns {label: {key: [values]}}."""
    res = {k: {} for k in cases}
    labels = list(cases)
    for r in range(repeat):
        for label in (labels if r % 2 == 0 else labels[::-1]):
            for key, v in cases[label]().items():
                res[label].setdefault(key, []).append(v)
        print(f"  round {r + 1}/{repeat} done", file=sys.stderr, flush=True)
    return res


def _cell(values):
    m = statistics.median(values)
    return f"{m:.2f} ({min(values):.2f}–{max(values):.2f})"


def _console():
    script = shutil.which("shrinkage", path=os.path.dirname(sys.executable))
    return [script] if script else [sys.executable, "-m", "shrinkage"]


def part_import(repeat):
    py = sys.executable
    cases = {name: (lambda code=code: dict(zip(("wall", "cpu"), _run([py, "-c", code], _env())[:2])))
             for name, code in (("python -c pass", "pass"),
                                ("import shrinkage", "import shrinkage"),
                                ("import sklearn.linear_model", "import sklearn.linear_model"),
                                ("from shrinkage import Lasso", "from shrinkage import Lasso"),
                                ("from sklearn.linear_model import Lasso",
                                 "from sklearn.linear_model import Lasso"))}
    res = _rounds(cases, repeat)
    ratio = [a / b for a, b in zip(res["import shrinkage"]["wall"],
                                   res["import sklearn.linear_model"]["wall"])]
    ratio_from = [a / b for a, b in zip(res["from shrinkage import Lasso"]["wall"],
                                        res["from sklearn.linear_model import Lasso"]["wall"])]
    lines = ["| process | wall s, median (min–max) | CPU s |", "|---|---|---|"]
    lines += [f"| `{k}` | {_cell(v['wall'])} | {_cell(v['cpu'])} |" for k, v in res.items()]
    lines += ["", f"`import shrinkage` / `import sklearn.linear_model` (wall, paired by round): "
                  f"median {statistics.median(ratio):.2f}× (target < 1.5×)",
              f"`from shrinkage import Lasso` / `from sklearn.linear_model import Lasso`: "
              f"median {statistics.median(ratio_from):.2f}×"]
    return res, "\n".join(lines)


def part_cli(repeat):
    cmd = _console()
    commands = [["--help"], ["--version"],
                ["convert", "1", "--from", "sklearn-ridge", "--n-samples", "100"]]
    commands += [[c, "--help"] for c in ("demo", "fit", "predict", "path", "cv", "bias-variance",
                                         "report", "convert")]
    cases = {"shrinkage " + " ".join(a): (lambda a=a: dict(zip(("wall", "cpu"), _run(cmd + a, _env())[:2])))
             for a in commands}
    res = _rounds(cases, repeat)
    lines = [f"console script: `{' '.join(cmd)}`", "",
             "| command | wall s, median (min–max) | CPU s |", "|---|---|---|"]
    lines += [f"| `{k}` | {_cell(v['wall'])} | {_cell(v['cpu'])} |" for k, v in res.items()]
    return res, "\n".join(lines)


def part_fit(repeat, cold_repeat):
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="shrinkage-cold-"))
    warm_dirs = {}

    def child(lib, est, cache):
        def go():
            if cache == "empty":
                d = Path(tempfile.mkdtemp(dir=tmp))
            else:
                d = warm_dirs[est]
            times = _first_fit(lib, est, _env(d))
            if cache == "empty":
                shutil.rmtree(d, ignore_errors=True)
            return times
        return go

    try:
        for est in ESTIMATORS:                          # fill the warm caches (not measured)
            warm_dirs[est] = tmp / f"warm-{est}"
            warm_dirs[est].mkdir()
            _run([py, "-c", FIT_CHILD, "shrinkage", est], _env(warm_dirs[est]))
        warm = {f"{est} shrinkage warm": child("shrinkage", est, "warm") for est in ESTIMATORS}
        warm.update({f"{est} sklearn": child("sklearn", est, None) for est in ESTIMATORS})
        res = _rounds(warm, repeat)
        print("  empty-cache runs (each compiles):", file=sys.stderr)
        res.update(_rounds({f"{est} shrinkage empty": child("shrinkage", est, "empty")
                            for est in ESTIMATORS}, cold_repeat))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return res, _fit_table(res, "first fit (fresh process, 200 × 20)", "numba cache",
                           ("empty", "warm"))


def _first_fit(lib, est, env):
    """Wall and CPU seconds of one fresh process fitting ``est`` (FIT_CHILD), and the import and
    fit seconds it reports."""
    wall, cpu, out = _run([sys.executable, "-c", FIT_CHILD, lib, est], env)
    inner = json.loads(out.strip().splitlines()[-1])
    return {"wall": wall, "cpu": cpu, "import": inner["import"], "fit": inner["fit"]}


def _fit_table(res, title, state_title, states):
    """The markdown table of first fits: shrinkage in each of ``states`` (keys ``"{est}
    shrinkage {state}"`` of ``res``) beside scikit-learn, per estimator."""
    lines = [f"| {title} | {state_title} | process wall s | CPU s | of which import s "
             "| of which fit s | wall / scikit-learn's |", "|---|---|---|---|---|---|---|"]
    for est, name in ESTIMATORS.items():
        sk = res[f"{est} sklearn"]
        for state in states:
            r = res[f"{est} shrinkage {state}"]
            ratio = statistics.median(r["wall"]) / statistics.median(sk["wall"])
            lines.append(f"| shrinkage `{name}` | {state} | {_cell(r['wall'])} | "
                         f"{_cell(r['cpu'])} | {_cell(r['import'])} | {_cell(r['fit'])} | "
                         f"{ratio:.2f}× |")
        sk_name = name.replace(")", ', solver="saga")') if est == "logistic" else name
        lines.append(f"| scikit-learn `{sk_name}` | — | {_cell(sk['wall'])} | {_cell(sk['cpu'])} "
                     f"| {_cell(sk['import'])} | {_cell(sk['fit'])} | 1 |")
    return "\n".join(lines)


def _wheel(out_dir, precompile):
    """Build the package's wheel as ``pip install .`` does (isolated build); returns its path
    and the build's wall seconds."""
    env = dict(os.environ, SHRINKAGE_PRECOMPILE="1" if precompile else "0")
    env.pop("NUMBA_CACHE_DIR", None)
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pip", "wheel", str(HERE.parent), "--no-deps",
                    "--quiet", "-w", str(out_dir)], env=env, check=True)
    return next(Path(out_dir).glob("shrinkage-*.whl")), time.perf_counter() - t


def part_installed(repeat):
    """The first fit after ``pip install``: every round installs the wheel afresh (``pip install
    --no-deps --target``, byte-compiling as pip does), then one fresh process fits. The wheel
    built with the kernels precompiled (setup.py) beside one built with
    ``SHRINKAGE_PRECOMPILE=0`` (the first process compiles), and scikit-learn."""
    py = sys.executable
    tmp = Path(tempfile.mkdtemp(prefix="shrinkage-installed-"))
    wheels, build_s = {}, {}
    try:
        for state, pre in (("precompiled", True), ("plain", False)):
            wheels[state], build_s[state] = _wheel(tmp / f"dist-{state}", pre)

        def child(lib, est, state):
            def go():
                env = dict(os.environ)
                env.pop("NUMBA_CACHE_DIR", None)
                target = None
                if lib == "shrinkage":
                    target = Path(tempfile.mkdtemp(dir=tmp))
                    subprocess.run([py, "-m", "pip", "install", "--no-deps", "--quiet",
                                    "--target", str(target), str(wheels[state])], check=True)
                    env["PYTHONPATH"] = str(target)
                times = _first_fit(lib, est, env)
                if target is not None:
                    shutil.rmtree(target, ignore_errors=True)
                return times
            return go

        cases = {}
        for est in ESTIMATORS:
            cases[f"{est} shrinkage precompiled"] = child("shrinkage", est, "precompiled")
            cases[f"{est} shrinkage plain"] = child("shrinkage", est, "plain")
            cases[f"{est} sklearn"] = child("sklearn", est, None)
        res = _rounds(cases, repeat)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    builds = (f"Wheel builds (wall s): with the kernels precompiled "
              f"{build_s['precompiled']:.0f}, without {build_s['plain']:.0f}.\n\n")
    return res, builds + _fit_table(res, "first fit after `pip install` (fresh process, "
                                    "200 × 20)", "wheel", ("precompiled", "plain"))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="rounds of the cheap cases (≥ 5)")
    ap.add_argument("--cold-repeat", type=int, default=5,
                    help="rounds of the empty-cache fits (each compiles every kernel it uses)")
    ap.add_argument("--parts", nargs="+", default=["import", "cli", "fit"],
                    choices=["import", "cli", "fit", "installed"])
    ap.add_argument("--json", default=None, help="also write the raw times here")
    args = ap.parse_args(argv)

    from machine import as_markdown, describe
    print(as_markdown(describe(), threads=0).replace(
        "all pools pinned to 0 threads", "each library at its default thread count"))
    print(f"- load average at start: {os.getloadavg()[0]:.1f} (1 min)\n")
    raw = {}
    for part in args.parts:
        print(f"{part}…", file=sys.stderr, flush=True)
        if part == "import":
            raw[part], text = part_import(args.repeat)
        elif part == "cli":
            raw[part], text = part_cli(args.repeat)
        elif part == "installed":
            raw[part], text = part_installed(args.cold_repeat)
        else:
            raw[part], text = part_fit(args.repeat, args.cold_repeat)
        print(f"### {part}\n\n{text}\n", flush=True)
    print(f"- load average at end: {os.getloadavg()[0]:.1f} (1 min)")
    if args.json:
        Path(args.json).write_text(json.dumps(raw, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
