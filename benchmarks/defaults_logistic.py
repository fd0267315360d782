"""Issue 11, item 1 and 6 (logistic row): ``LogisticRegressionCV()`` at its defaults against
scikit-learn's ``LogisticRegressionCV()`` at its defaults, and the command line's ``fit``.

The table (fixed seed): 200,000 rows; 47 numeric columns with some correlation (five common
factors), on scales near 1 (the favourable case for scikit-learn's L-BFGS, which does not
standardize: on raw scales of 0.5-20 it stops at ``max_iter`` for most C), two categoricals of 4 and 30 levels one-hot encoded (all levels, 34 columns):
81 columns. The binary label is drawn from a logistic model in all 81 columns.

Each library runs at its own defaults and default thread count, on the same 160,000 training
rows; the held-out log-loss is measured on the other 40,000. Runs are interleaved (ours, theirs,
ours, ...) and the medians of ``--repeats`` runs are reported. The CLI (``shrinkage fit
table.csv --target y``) runs on a CSV of the training rows, beside ``LogisticRegressionCV()`` in
Python.

Usage::

    PYTHONPATH=src python benchmarks/defaults_logistic.py [--n 200000] [--repeats 3] [--no-cli]
        [--multinomial] [--out benchmarks/results/defaults_logistic.md]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
import warnings

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)


def make_table(n: int = 200_000, seed: int = 0):
    """``(X, y, names)``: 47 correlated numeric columns, one-hot of 4 and 30 levels, 0/1 label."""
    rng = np.random.default_rng(seed)
    p_num = 47
    factors = rng.normal(size=(n, 5))
    load = rng.normal(scale=0.6, size=(5, p_num))
    num = factors @ load + rng.normal(size=(n, p_num))
    num = num * rng.uniform(0.8, 1.25, size=p_num) + rng.normal(scale=0.5, size=p_num)
    c4 = rng.choice(4, size=n, p=[0.4, 0.3, 0.2, 0.1])
    w30 = rng.dirichlet(np.ones(30) * 2.0)
    c30 = rng.choice(30, size=n, p=w30)
    X = np.hstack([num, np.eye(4)[c4], np.eye(30)[c30]])
    sd = num.std(axis=0)
    beta_num = rng.normal(scale=0.3, size=p_num) * (rng.random(p_num) < 0.6) / sd
    eta = (num - num.mean(axis=0)) @ beta_num + rng.normal(scale=0.5, size=4)[c4] \
        + rng.normal(scale=0.4, size=30)[c30] - 0.3
    y = (rng.random(n) < 1.0 / (1.0 + np.exp(-eta))).astype(int)
    names = [f"x{j}" for j in range(p_num)] + [f"a_{k}" for k in range(4)] \
        + [f"b_{k}" for k in range(30)]
    return X, y, names


def split(n, seed=1, test=0.2):
    rng = np.random.default_rng(seed)
    perm = rng.permutation(n)
    k = int(round(n * test))
    return perm[k:], perm[:k]


def log_loss(y, P):
    from sklearn.metrics import log_loss as ll
    return float(ll(y, P, labels=np.arange(P.shape[1])))


def run_ours(X, y, Xte, yte, **kw):
    from shrinkage import LogisticRegressionCV
    t = time.perf_counter()
    m = LogisticRegressionCV(**kw).fit(X, y)
    dt = time.perf_counter() - t
    return dt, log_loss(yte, m.predict_proba(Xte)), m


def run_sklearn(X, y, Xte, yte):
    from sklearn.linear_model import LogisticRegressionCV as SK
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        m = SK().fit(X, y)
    dt = time.perf_counter() - t
    return dt, log_loss(yte, m.predict_proba(Xte)), m


def run_cli(csv, workdir):
    out = os.path.join(workdir, "model")
    cmd = [sys.executable, "-m", "shrinkage", "fit", csv, "--target", "y", "--out", out,
           "--quiet"]
    t = time.perf_counter()
    r = subprocess.run(cmd, capture_output=True, text=True)
    dt = time.perf_counter() - t
    if r.returncode != 0:
        raise RuntimeError(f"CLI failed ({r.returncode}): {r.stderr[-2000:]}")
    return dt


def median(v):
    return float(np.median(v))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--n", type=int, default=200_000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--no-cli", action="store_true")
    ap.add_argument("--multinomial", action="store_true",
                    help="also time a 3-class table and load_digits (ours only, vs sklearn)")
    ap.add_argument("--only-multinomial", action="store_true",
                    help="only the multinomial timings (run it with another PYTHONPATH to "
                         "compare versions)")
    ap.add_argument("--out", default=None)
    args = ap.parse_args(argv)
    if args.only_multinomial:
        print(multinomial_section(args.repeats))
        return
    X, y, names = make_table(args.n)
    tr, te = split(len(y))
    Xtr, ytr, Xte, yte = X[tr], y[tr], X[te], y[te]
    rows = {"ours": [], "sklearn": [], "ours_df": [], "cli": []}
    loss = {}
    csv = None
    tmp = tempfile.mkdtemp(prefix="defaults_logistic_")
    if not args.no_cli:
        import pandas as pd
        csv = os.path.join(tmp, "table.csv")
        frame = pd.DataFrame(Xtr, columns=names)
        frame["y"] = ytr
        frame.to_csv(csv, index=False)
    for r in range(args.repeats):
        dt, ll, m = run_ours(Xtr, ytr, Xte, yte)
        rows["ours"].append(dt)
        loss["ours"] = ll
        info_ours = {"lam": m.lam_, "n_lams": int(len(m.cv_results_["lam"])),
                     "n_iter_total": int(np.sum(m.cv_results_["n_iter"]))}
        dt, ll, sk = run_sklearn(Xtr, ytr, Xte, yte)
        rows["sklearn"].append(dt)
        loss["sklearn"] = ll
        dt, ll, _ = run_ours(Xtr, ytr, Xte, yte, compute_df=True)
        rows["ours_df"].append(dt)
        loss["ours_df"] = ll
        if csv is not None:
            rows["cli"].append(run_cli(csv, tmp))
        print(f"run {r}: " + ", ".join(f"{k} {v[-1]:.2f}s" for k, v in rows.items() if v),
              flush=True)
        write_report(args, X, rows, loss, info_ours, sk, r + 1)
    if args.multinomial:
        with open(args.out, "a") if args.out else open(os.devnull, "w") as fh:
            text = "\n" + multinomial_section(args.repeats)
            print(text)
            fh.write(text + "\n")


def write_report(args, X, rows, loss, info_ours, sk, done):
    from machine import as_markdown, describe

    med = {k: median(v) for k, v in rows.items() if v}
    lines = ["# Defaults: L2 logistic CV (issue 11)", "",
             f"Command: `PYTHONPATH=src python benchmarks/defaults_logistic.py --n {args.n} "
             f"--repeats {args.repeats}`", "",
             f"Table: {args.n:,} rows × {X.shape[1]} columns (47 numeric, correlated; one-hot "
             f"4 + 30 levels), binary label; 80 % train, 20 % held out. Each at its own defaults "
             f"and default threads; interleaved runs, medians of {done} (of {args.repeats} asked).",
             "", "| run | median time (s) | ratio to sklearn | held-out log-loss |",
             "|---|---:|---:|---:|"]
    for k, label in (("sklearn", "sklearn `LogisticRegressionCV()`"),
                     ("ours", "shrinkage `LogisticRegressionCV()`"),
                     ("ours_df", "shrinkage `LogisticRegressionCV(compute_df=True)`"),
                     ("cli", "CLI `shrinkage fit table.csv --target y` (whole process)")):
        if k in med:
            ll = loss.get(k, loss.get("ours_df") if k == "cli" else None)
            lls = f"{ll:.6f}" if ll is not None else ""
            lines.append(f"| {label} | {med[k]:.2f} | {med[k] / med['sklearn']:.2f} | {lls} |")
    sk_iter = np.asarray(sk.n_iter_).reshape(-1, len(sk.Cs_))
    lines += ["", f"All runs (s): `{json.dumps({k: [round(t, 2) for t in v] for k, v in rows.items() if v})}`",
              "", f"Ours: λ = {info_ours['lam']:.4g}, {info_ours['n_lams']} λ evaluated, "
              f"{info_ours['n_iter_total']} Newton steps over all folds. sklearn: C = "
              f"{float(np.ravel(sk.C_)[0]):.4g}; L-BFGS iterations per (fold, C), C increasing: "
              f"`{sk_iter.tolist()}` (max_iter = 100).",
              "", "The CLI's log-loss is that of `compute_df=True` (the same estimator).", "",
              "Machine:", "", as_markdown(describe(), 0).replace(
                  "all pools pinned to 0 threads", "every pool at its default thread count")]
    text = "\n".join(lines)
    print(text, flush=True)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text + "\n")


def multinomial_section(repeats):
    from sklearn.datasets import load_digits
    out = ["## Multinomial", "", "| data | ours (s) | sklearn (s) | ours log-loss | sklearn log-loss |",
           "|---|---:|---:|---:|---:|"]
    Xd, yd = load_digits(return_X_y=True)
    rng = np.random.default_rng(0)
    n = 20_000
    X3 = rng.normal(size=(n, 30))
    B = rng.normal(scale=0.3, size=(30, 3))
    eta = X3 @ B
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    y3 = (P.cumsum(axis=1) > rng.random((n, 1))).argmax(axis=1)
    for name, (X, y) in (("load_digits (1,797 × 64, 10 classes)", (Xd, yd)),
                         ("3 classes, 20,000 × 30", (X3, y3))):
        tr, te = split(len(y))
        t_o, t_s = [], []
        for _ in range(repeats):
            dt, lo, _ = run_ours(X[tr], y[tr], X[te], y[te])
            t_o.append(dt)
            dt, ls, _ = run_sklearn(X[tr], y[tr], X[te], y[te])
            t_s.append(dt)
        out.append(f"| {name} | {median(t_o):.2f} | {median(t_s):.2f} | {lo:.5f} | {ls:.5f} |")
    return "\n".join(out)


if __name__ == "__main__":
    main()
