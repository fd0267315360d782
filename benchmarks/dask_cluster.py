"""Fits on a Dask cluster (issue 14): shrinkage beside dask-ml on the same LocalCluster.

The data are generated lazily on the workers (``dask.array.random``; nothing is persisted, so
every pass over the rows regenerates them, as a larger-than-memory data set read from disk
would be re-read): ``X`` n × p standard normal in blocks of ``--chunk`` rows, ``y = Xβ + ε``
(regression) and ``y = [Xβ + ε > 0]`` with logistic ε (classification). The cluster has
``--workers`` worker processes of one thread each, limited to ``--worker-memory``.

Per fit: wall time (median over ``--repeat`` runs, the libraries interleaved), the client
process's peak resident memory above its level before the fit (sampled every 20 ms), and the
objective reached — *our* objective ``(1/n) Σ ℓ + λ‖w‖²`` evaluated blockwise at each
library's coefficients, at the same strength (dask-ml's ``C`` converted: its loss is the sum,
its L2 term ``‖β‖²/(2C)``, so ``C = 1/(2nλ)``; dask-ml penalizes its intercept column too). No
standardization (dask-ml has none).

With ``--in-memory`` the same data (at a size that fits) are also fitted in memory
(``X.compute()``), and on the cluster persisted: the cost of the cluster path where it is not
needed.

    python benchmarks/dask_cluster.py --rows 6000000 --cols 50 --worker-memory 2GiB \\
        --out benchmarks/results/dask_cluster.md
"""

from __future__ import annotations

import argparse
import os
import sys
import threading
import time
import warnings

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))
sys.path.insert(0, os.path.dirname(__file__))


class PeakRSS:
    """Peak resident memory of this process above its level at entry (MB)."""

    def __enter__(self):
        import psutil

        self.proc = psutil.Process()
        self.base = self.peak = self.proc.memory_info().rss
        self.stop = False
        self.thread = threading.Thread(target=self._watch, daemon=True)
        self.thread.start()
        return self

    def _watch(self):
        while not self.stop:
            self.peak = max(self.peak, self.proc.memory_info().rss)
            time.sleep(0.02)

    def __exit__(self, *exc):
        self.stop = True
        self.thread.join()
        self.mb = (self.peak - self.base) / 2**20


def data(n, p, chunk, seed=0):
    import dask.array as da

    rng = da.random.default_rng(seed)
    X = rng.standard_normal((n, p), chunks=(chunk, p))
    beta = np.random.default_rng(seed + 1).normal(size=p) / np.sqrt(p)
    noise = rng.standard_normal(n, chunks=chunk)
    y_reg = X @ beta + 0.5 + noise
    y_cls = (X @ beta + rng.logistic(size=n, chunks=chunk) > 0).astype(np.float64)
    return X, y_reg, y_cls


def objective(X, y, w, b, lam, kind):
    """Our objective at ``(w, b)``, one pass."""
    eta = X @ w + b
    if kind == "reg":
        loss = ((y - eta) ** 2).mean()
    else:
        import dask.array as da

        loss = (da.logaddexp(0, eta) - y * eta).mean()
    return float(loss.compute()) + lam * float(w @ w)


def fits(lam, n):
    from dask_ml.linear_model import LinearRegression as DLinear
    from dask_ml.linear_model import LogisticRegression as DLogistic

    from shrinkage import LogisticRegression, Ridge, RidgeCV

    C = 1.0 / (2 * n * lam)

    def ours(est):
        def run(X, y):
            m = est.fit(X, y)
            return np.ravel(m.coef_), float(np.ravel(m.intercept_)[0])
        return run

    def theirs(est):
        def run(X, y):
            m = est.fit(X, y)
            return np.ravel(m.coef_), float(np.ravel(m.intercept_)[0])
        return run

    return {
        "reg": [("shrinkage Ridge", ours(Ridge(lam, standardize=False))),
                ("shrinkage RidgeCV(gcv)", ours(RidgeCV(cv="gcv", lams=30, standardize=False))),
                ("shrinkage RidgeCV(loo)", ours(RidgeCV(cv="loo", lams=30, standardize=False))),
                ("dask-ml LinearRegression(admm)", theirs(DLinear(solver="admm", C=C))),
                ("dask-ml LinearRegression(lbfgs)", theirs(DLinear(solver="lbfgs", C=C)))],
        "cls": [("shrinkage LogisticRegression", ours(LogisticRegression(lam, standardize=False))),
                ("dask-ml LogisticRegression(admm)", theirs(DLogistic(solver="admm", C=C))),
                ("dask-ml LogisticRegression(lbfgs)", theirs(DLogistic(solver="lbfgs", C=C))),
                ("dask-ml LogisticRegression(newton)", theirs(DLogistic(solver="newton",
                                                                        penalty="none")))],
    }


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rows", type=int, default=6_000_000)
    ap.add_argument("--cols", type=int, default=50)
    ap.add_argument("--chunk", type=int, default=100_000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--worker-memory", default="2GiB")
    ap.add_argument("--lam", type=float, default=1e-3)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--only", default="", help="comma-separated substrings of fit names")
    ap.add_argument("--in-memory", action="store_true",
                    help="also fit in memory and on persisted blocks (data that fit)")
    ap.add_argument("--check", action="store_true",
                    help="compare Ridge with the normal equations formed by dask.array")
    ap.add_argument("--out", default=None)
    args = ap.parse_args()
    import dask.array as da
    import distributed

    from machine import as_markdown, describe

    warnings.filterwarnings("ignore")
    cluster = distributed.LocalCluster(n_workers=args.workers, threads_per_worker=1,
                                       processes=True, memory_limit=args.worker_memory,
                                       dashboard_address=None)
    client = distributed.Client(cluster)
    n, p = args.rows, args.cols
    X, y_reg, y_cls = data(n, p, args.chunk)
    names = [s for s in args.only.split(",") if s]
    rows = []
    for kind, y in (("reg", y_reg), ("cls", y_cls)):
        todo = [(name, f) for name, f in fits(args.lam, n)[kind]
                if not names or any(s in name for s in names)]
        times = {name: [] for name, _ in todo}
        extra = {}
        for name, f in todo:              # warm-up: imports on the workers, compilation
            f(X[: 2 * args.chunk], y[: 2 * args.chunk])
        for _ in range(args.repeat):
            for name, f in todo:
                with PeakRSS() as mem:
                    t0 = time.perf_counter()
                    w, b = f(X, y)
                    times[name].append(time.perf_counter() - t0)
                extra[name] = (w, b, max(extra.get(name, (0, 0, 0))[2], mem.mb))
        ref_J = None
        for name, _ in todo:
            w, b, mb = extra[name]
            J = objective(X, y, w, b, args.lam, kind)
            ref_J = J if ref_J is None else ref_J
            rows.append((name, float(np.median(times[name])), mb, J - ref_J))
    if args.check:
        # an independent solve: the normal equations formed by dask.array itself (one more
        # pass), against shrinkage's Ridge
        from shrinkage import Ridge

        Xa = da.concatenate([da.ones((n, 1), chunks=(args.chunk, 1)), X], axis=1)
        G, q = da.compute(Xa.T @ Xa / n, Xa.T @ y_reg / n)
        G[1:, 1:] += args.lam * np.eye(p)
        ref = np.linalg.solve(G, q)
        m = Ridge(args.lam, standardize=False).fit(X, y_reg)
        err = np.max(np.abs(m.coef_ - ref[1:])) / np.max(np.abs(ref[1:]))
        rows.append(("Ridge vs dask.array normal equations: max relative difference", err,
                     np.nan, np.nan))
    if args.in_memory:
        from shrinkage import LogisticRegression, Ridge

        Xm, yr, yc = X.compute(), y_reg.compute(), y_cls.compute()
        Xp, yrp, ycp = client.persist(X), client.persist(y_reg), client.persist(y_cls)
        for name, est, ym, yp in (("Ridge", Ridge(args.lam, standardize=False), yr, yrp),
                                  ("LogisticRegression",
                                   LogisticRegression(args.lam, standardize=False), yc, ycp)):
            tm, td = [], []
            for _ in range(args.repeat):
                t0 = time.perf_counter(); est.fit(Xm, ym); tm.append(time.perf_counter() - t0)
                t0 = time.perf_counter(); est.fit(Xp, yp); td.append(time.perf_counter() - t0)
            rows.append((f"{name}: persisted on the cluster / in memory", float(np.median(td))
                         / float(np.median(tm)), np.nan, np.nan))
    lines = [f"# Dask cluster: {n:,} × {p} float64 ({n * p * 8 / 1e9:.1f} GB), generated "
             f"lazily; {args.workers} workers × 1 thread, {args.worker_memory} each", "",
             as_markdown(describe(), threads=1), "",
             f"λ = {args.lam:g} (dask-ml C = {1 / (2 * n * args.lam):.3g}); median of "
             f"{args.repeat} runs, libraries interleaved. Objective: ours, at each solution, "
             "minus the first row's of its kind.", "",
             "| fit | time (s) | time / first of its kind | client peak RSS (MB) | ΔJ |",
             "|---|---:|---:|---:|---:|"]
    first = {}
    for name, t, mb, dJ in rows:
        if "normal equations" in name:
            lines.append(f"| {name} | | {t:.1e} | | |")
            continue
        if "/" in name:
            lines.append(f"| {name} | | **{t:.2f}×** | | |")
            continue
        kind = "cls" if "Logistic" in name else "reg"
        first.setdefault(kind, t)
        lines.append(f"| {name} | {t:.1f} | {t / first[kind]:.2f}× | {mb:.0f} | {dJ:.2e} |")
    text = "\n".join(lines) + "\n"
    print(text)
    if args.out:
        with open(args.out, "w") as fh:
            fh.write(text)
    client.close()
    cluster.close()


if __name__ == "__main__":
    main()
