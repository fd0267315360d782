"""Sparse ridge and lasso (issue 12): shrinkage on CSR beside scikit-learn's sparse solvers.

Problems (generated, nothing downloaded; rows of positive values, as counts or tf-idf):

* ``ridge_wide``: 50,000 × 20,000 CSR at 0.2 % density (our conjugate-gradient route), beside
  scikit-learn's ``Ridge`` with ``solver="auto"``, ``"sparse_cg"`` and ``"sag"``;
* ``ridge_narrow``: 50,000 × 1,000 at 1 % (our Gram route: one eigendecomposition), the same
  peers;
* ``lasso_narrow``: 50,000 × 2,000 at 0.5 % with 40 true features, beside scikit-learn's
  ``Lasso`` (coordinate descent on the sparse columns); ours takes the route of
  :func:`shrinkage.solvers.cd.sparse_route` (for one fit: coordinate descent on the CSC
  columns; before it, covariance mode on the sparse Gram moments);
* ``lasso_wide``: 20,000 × 50,000 at 0.1 % with 40 true features (refused before: more than
  2,048 columns), the same peers.

Each library twice: **at its defaults** (``Ridge()`` / ``Lasso()`` of each library, what a new
user gets; the models differ) and **matched**: the same objective (our ``lam`` is scikit-learn's
``alpha`` converted by :func:`shrinkage.convert_strength`, no standardization) and the same
accuracy: every matched fit is compared with a reference solution (ours at its tightest setting)
and each solver's tolerance (ours too: ``Ridge(tol=...)``, its conjugate-gradient route's) is
*tuned*, the loosest of ``1e-2, 1e-3, …, 1e-12`` whose
coefficients are within ``--target`` (relative, max-norm) of the reference, found once before
the timed runs. A solver that does not reach the target within ``--slow`` seconds at its
tightest tolerance is reported with the error it reached.

Timed runs are interleaved across libraries (round-robin) in this process, without tracing;
each reported time is the median over ``--repeat`` runs. Peak memory is tracemalloc's peak in
one separate traced run (numpy's and scipy's allocations are traced; scikit-learn's Cython
buffers are numpy arrays too), reported over the CSR's bytes (data + indices + indptr).

    python benchmarks/sparse_linear.py --repeat 3 --out benchmarks/results/sparse_linear.md
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
import tracemalloc
import warnings

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.dirname(__file__))

PROBLEMS = {
    "ridge_wide": dict(kind="ridge", n=50_000, p=20_000, density=0.002, alpha=10.0),
    "ridge_narrow": dict(kind="ridge", n=50_000, p=1_000, density=0.01, alpha=10.0),
    "lasso_narrow": dict(kind="lasso", n=50_000, p=2_000, density=0.005, alpha_frac=0.05),
    "lasso_wide": dict(kind="lasso", n=20_000, p=50_000, density=0.001, alpha_frac=0.05),
}
TOLS = [10.0 ** -k for k in range(2, 13)]


def make_problem(name, scale=1.0, seed=0):
    """``(X, y, X_test, y_test, spec)``: CSR rows of positive values, a linear target plus
    noise (a sparse truth for the lasso)."""
    spec = dict(PROBLEMS[name])
    n, p = int(spec["n"] * scale), int(spec["p"] * scale)
    rng = np.random.default_rng(seed)
    n_all = n + n // 5
    if n_all * p > 2e8:       # sp.random samples among all n·p cells (gigabytes): by rows
        per_row = rng.binomial(p, spec["density"], n_all)
        cols = rng.integers(0, p, per_row.sum())
        X = sp.csr_matrix((rng.uniform(0.5, 2.0, cols.size), cols,
                           np.r_[0, np.cumsum(per_row)]), shape=(n_all, p))
        X.sum_duplicates()
    else:
        X = sp.random(n_all, p, density=spec["density"], format="csr", random_state=seed,
                      data_rvs=lambda k: rng.uniform(0.5, 2.0, k))
    if spec["kind"] == "lasso":
        beta = np.zeros(p)
        beta[rng.choice(p, 40, replace=False)] = rng.normal(size=40) * 3
    else:
        beta = rng.normal(size=p)
    eta = X @ beta
    y = eta + rng.normal(size=n_all) * eta.std()
    if spec["kind"] == "lasso":          # a fraction of alpha_max = max |Xᵀ(y − ȳ)| / n
        g = np.asarray(X[:n].T @ (y[:n] - y[:n].mean())).ravel()
        spec["alpha"] = spec["alpha_frac"] * float(np.max(np.abs(g))) / n
    spec["n"], spec["p"] = n, p
    return X[:n], y[:n], X[n:], y[n:], spec


def _fits(spec):
    """name -> (kind, fit(X, y, tol) -> model, tols to try or None (no tolerance to tune))."""
    from sklearn.linear_model import Lasso as SkLasso
    from sklearn.linear_model import Ridge as SkRidge

    from shrinkage import Lasso, Ridge, convert_strength
    n, alpha = spec["n"], spec["alpha"]
    if spec["kind"] == "ridge":
        lam = convert_strength(alpha, source="sklearn-ridge", n_samples=n).value
        out = {
            "shrinkage Ridge()": ("defaults", lambda X, y, tol: Ridge().fit(X, y), None),
            "sklearn Ridge() [auto]": ("defaults", lambda X, y, tol: SkRidge().fit(X, y), None),
            "shrinkage Ridge(lam = alpha/n)": (
                "matched", lambda X, y, tol: Ridge(lam=lam, standardize=False, tol=tol).fit(X, y),
                TOLS),
        }
        for solver in ("auto", "sparse_cg", "sag"):
            out[f"sklearn Ridge(alpha, solver={solver!r})"] = (
                "matched", lambda X, y, tol, s=solver: SkRidge(
                    alpha=alpha, solver=s, tol=tol, max_iter=100_000,
                    random_state=0).fit(X, y), TOLS)
        return out, "shrinkage Ridge(lam = alpha/n)"
    lam = convert_strength(alpha, source="sklearn-lasso").value
    out = {
        "shrinkage Lasso()": ("defaults", lambda X, y, tol: Lasso().fit(X, y), None),
        "sklearn Lasso()": ("defaults", lambda X, y, tol: SkLasso().fit(X, y), None),
        "shrinkage Lasso(lam = 2 alpha)": (
            "matched", lambda X, y, tol: Lasso(lam=lam, standardize=False, tol=tol,
                                               max_iter=100_000).fit(X, y), TOLS),
        "sklearn Lasso(alpha)": (
            "matched", lambda X, y, tol: SkLasso(alpha=alpha, tol=tol,
                                                 max_iter=100_000).fit(X, y), TOLS),
    }
    if spec["p"] <= 2048:               # the route taken before the CSC one existed
        out["shrinkage Lasso(lam = 2 alpha) [Gram route]"] = (
            "matched", lambda X, y, tol: _gram_route(
                lambda: Lasso(lam=lam, standardize=False, tol=tol, max_iter=100_000).fit(X, y)),
            TOLS)
    return out, "shrinkage Lasso(lam = 2 alpha)"


def _gram_route(fit):
    """``fit()`` with coordinate descent forced onto the sparse Gram moments."""
    import shrinkage.solvers.cd as cd
    route = cd.sparse_route
    cd.sparse_route = lambda X, n_solves=1: "gram"
    try:
        return fit()
    finally:
        cd.sparse_route = route


def _run(fit, X, y, tol, trace=False):
    if trace:
        tracemalloc.start()
    t = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        model = fit(X, y, tol)
    elapsed = time.perf_counter() - t
    peak = tracemalloc.get_traced_memory()[1] if trace else None
    if trace:
        tracemalloc.stop()
    return model, elapsed, peak


def _rel(model, ref):
    a, b = np.ravel(model.coef_), np.ravel(ref.coef_)
    return float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))


def _r2(model, X, y):
    r = y - model.predict(X)
    return 1.0 - float(r @ r) / float(((y - y.mean()) ** 2).sum())


def bench(name, args):
    X, y, Xt, yt, spec = make_problem(name, args.scale)
    csr_bytes = X.data.nbytes + X.indices.nbytes + X.indptr.nbytes
    fits, ref_name = _fits(spec)
    _, ref_fit, ref_tols = fits[ref_name]
    ref_tol = min(ref_tols) if ref_tols else None
    reference = _run(ref_fit, X, y, ref_tol)[0]             # also the warm-up (compilation)
    chosen, notes, models = {}, {}, {}
    for key, (kind, fit, tols) in fits.items():              # tune each tolerance once
        if tols is None:
            chosen[key] = None
            continue
        for tol in tols:
            model, t, _ = _run(fit, X, y, tol)
            err = _rel(model, reference)
            if err <= args.target or t > args.slow or tol == tols[-1]:
                break
        chosen[key] = tol
        if err > args.target:
            notes[key] = f"reached {err:.1e} at tol={tol:g} ({t:.0f} s)"
    times = {k: [] for k in fits}
    peaks = {}
    for key, (_, fit, _) in fits.items():                   # one traced run: peak memory
        models[key], t, peaks[key] = _run(fit, X, y, chosen[key], trace=True)
        if t > args.slow:
            times[key].append(t)
    names = [k for k in fits if not times[k]]
    for r in range(args.repeat):
        for key in names[r % len(names):] + names[: r % len(names)]:
            times[key].append(_run(fits[key][1], X, y, chosen[key])[1])
    ref = {"defaults": next(k for k, v in fits.items() if v[0] == "defaults"),
           "matched": ref_name}
    rows = []
    for key, (kind, _, _) in fits.items():
        m = models[key]
        rows.append({
            "fit": key, "kind": kind, "tol": chosen[key],
            "median_s": float(np.median(times[key])), "runs": len(times[key]),
            "ratio": float(np.median(times[key]) / np.median(times[ref[kind]])),
            "peak_mb": peaks[key] / 1e6, "peak_x_csr": peaks[key] / csr_bytes,
            "coef_err": _rel(m, reference) if kind == "matched" else None,
            "r2": _r2(m, Xt, yt), "nnz": int(np.count_nonzero(m.coef_)), "note": notes.get(key),
        })
    head = (f"### {name}: {X.shape[0]} × {X.shape[1]} CSR, {X.nnz:,} stored values "
            f"({csr_bytes / 1e6:.1f} MB); scikit-learn alpha = {spec['alpha']:.4g}; "
            f"accuracy target {args.target:g}")
    lines = [head, "", "| fit | compared | tol | median s | runs | time / ours | peak MB | "
             "peak / CSR | coef error vs reference | held-out R² | non-zero coef |",
             "|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in rows:
        err = "—" if r["coef_err"] is None else f"{r['coef_err']:.1e}"
        tol = "—" if r["tol"] is None else f"{r['tol']:g}"
        note = f" ({r['note']})" if r["note"] else ""
        lines.append(f"| {r['fit']}{note} | {r['kind']} | {tol} | {r['median_s']:.3g} | "
                     f"{r['runs']} | {r['ratio']:.2f} | {r['peak_mb']:.0f} | "
                     f"{r['peak_x_csr']:.1f}× | {err} | {r['r2']:.4f} | {r['nnz']} |")
    return "\n".join(lines), rows


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--problems", nargs="*", default=list(PROBLEMS))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--scale", type=float, default=1.0, help="shrink n and p (quick checks)")
    ap.add_argument("--target", type=float, default=1e-6,
                    help="matched accuracy: relative coefficient error vs the reference")
    ap.add_argument("--slow", type=float, default=60.0,
                    help="a fit slower than this is timed once, and ends its tolerance search")
    ap.add_argument("--out", default=None, help="write the markdown tables here")
    args = ap.parse_args(argv)
    from machine import describe
    from threadpoolctl import threadpool_info
    texts = []
    for name in args.problems:
        text, _ = bench(name, args)
        print(text + "\n", flush=True)
        texts.append(text)
    blas = ", ".join(f"{i['internal_api']} {i['num_threads']} threads" for i in threadpool_info())
    tail = (f"\nmedians of {args.repeat} interleaved runs; BLAS: {blas}\n\n"
            f"machine: {json.dumps(describe(), default=str)}\n")
    print(tail)
    if args.out:
        from shrinkage._atomic import atomic_write
        with atomic_write(args.out, "w") as fh:
            fh.write("\n\n".join(texts) + "\n" + tail)


if __name__ == "__main__":
    main()
