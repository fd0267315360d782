"""ElasticNetCV() at shrinkage's defaults against cv.glmnet and scikit-learn at theirs (issue 11).

Design (fixed seeds): ``X`` has AR(1)-correlated Gaussian columns, ``corr(x_j, x_k) =
0.9^|j−k|`` (:func:`problems.correlated_gaussian`, seed 0), 30,000 rows × 1,000 columns; the
target is ``y = 1 + Xβ + ε`` with a dense ``β_j ~ N(0, 1/p)`` and ``ε ~ N(0, 1)`` (seed 1).
The first 20,000 rows are the training set, the last 10,000 the held-out set.

Every library gets the SAME folds: ``foldid = permutation(arange(n) % K)`` (seed 2), passed as
``cv=foldid`` to ours, ``foldid=`` to ``cv.glmnet`` and ``cv=PredefinedSplit(foldid)`` to
scikit-learn. Everything else is each library's default:

* ``shrinkage.ElasticNetCV()`` (l1_ratio 0.5, 100 λ from λ_max down to 1e-3·λ_max, its
  default ``tol``, ``cv_tol`` and early exit);
* ``cv.glmnet(X, y, foldid=foldid)`` (alpha = 1, the lasso; nlambda 100, lambda.min.ratio
  1e-4, thresh 1e-7), and the same with ``alpha = 1/3`` (our ``l1_ratio = 0.5``: glmnet's α is
  ``ρ/(2 − ρ)``);
* ``sklearn.linear_model.ElasticNetCV(cv=PredefinedSplit(foldid))`` (l1_ratio 0.5, 100 α,
  eps 1e-3, tol 1e-4).

glmnet runs in ``Rscript`` (the data go through raw float64 files in a temporary folder); its
time is measured inside R around ``cv.glmnet`` (``system.time``), ours and scikit-learn's in
Python around ``fit``; the wall time of the whole ``Rscript`` process (start, reading the data,
prediction) is reported separately. The runs are interleaved (the order rotates each round)
and the medians of ``--repeat`` rounds are reported, with ratios ``peer / ours``. The held-out
MSE is that of each library's chosen model (``lambda.min`` for glmnet).

``--path`` times the all-data path alone: ours (Gram matrix + :func:`enet_path` over our
default grid, default ``tol``) against ``glmnet(X, y)`` at its defaults (inside R).
``--accuracy`` prints the table behind the default ``tol``: relative coefficient error
``‖w − w*‖/‖w*‖`` along glmnet's α = 1/3 path (its λ converted to ours), against our
``tol = 1e-12`` solution ``w*``, for glmnet at its default ``thresh = 1e-7`` and for ours at
several ``tol``.

    python benchmarks/defaults_enet.py --repeat 3 [--folds 10] [--path] [--accuracy]

Skips glmnet (saying so) when ``Rscript`` or the glmnet package is missing.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "src"))

from problems import correlated_gaussian  # noqa: E402

N_TRAIN, N_TEST, P = 20_000, 10_000, 1_000
ALPHA_MATCHED = 1 / 3                     # glmnet α of our l1_ratio 0.5


def data():
    X = correlated_gaussian(N_TRAIN + N_TEST, P, rho=0.9, seed=0)
    rng = np.random.default_rng(1)
    beta = rng.standard_normal(P) / np.sqrt(P)
    y = 1.0 + X @ beta + rng.standard_normal(X.shape[0])
    return X[:N_TRAIN], y[:N_TRAIN], X[N_TRAIN:], y[N_TRAIN:]


def foldids(n, k):
    return np.random.default_rng(2).permutation(np.arange(n) % k)


def have_glmnet():
    if shutil.which("Rscript") is None:
        return "Rscript not found (apt-get install r-base-core r-cran-glmnet)"
    r = subprocess.run(["Rscript", "-e", "suppressMessages(library(glmnet))"],
                       capture_output=True, text=True)
    return None if r.returncode == 0 else "the R package glmnet is missing (r-cran-glmnet)"


class R:
    """Data written once as raw float64 (column-major for R) in a temporary folder."""

    def __init__(self, X, y, Xte, foldid):
        self.dir = tempfile.mkdtemp(prefix="defaults_enet_")
        X.T.tofile(f"{self.dir}/X.bin")           # C order of X.T = column-major X
        Xte.T.tofile(f"{self.dir}/Xte.bin")
        y.tofile(f"{self.dir}/y.bin")
        foldid.astype(np.float64).tofile(f"{self.dir}/foldid.bin")
        self.n, self.p, self.nte = X.shape[0], X.shape[1], Xte.shape[0]

    def _run(self, body):
        d = self.dir
        script = (f'suppressMessages(library(glmnet)); n <- {self.n}; p <- {self.p}; '
                  f'nte <- {self.nte}\n'
                  f'X <- matrix(readBin("{d}/X.bin", "double", n*p), n, p)\n'
                  f'y <- readBin("{d}/y.bin", "double", n)\n'
                  f'Xte <- matrix(readBin("{d}/Xte.bin", "double", nte*p), nte, p)\n'
                  f'foldid <- as.integer(readBin("{d}/foldid.bin", "double", n)) + 1L\n' + body)
        with open(f"{d}/run.R", "w") as fh:
            fh.write(script)
        t = time.perf_counter()
        subprocess.run(["Rscript", f"{d}/run.R"], check=True)
        return time.perf_counter() - t

    def cv(self, alpha):
        d = self.dir
        wall = self._run(
            f't <- system.time(fit <- cv.glmnet(X, y, foldid=foldid, alpha={alpha}))[["elapsed"]]\n'
            f'writeBin(c(t, fit$lambda.min, length(fit$lambda)), "{d}/out.bin")\n'
            f'writeBin(as.double(predict(fit, Xte, s="lambda.min")), "{d}/pred.bin")\n')
        t, lam, nlam = np.fromfile(f"{d}/out.bin")
        return t, wall, np.fromfile(f"{d}/pred.bin"), f"λ_min {lam:.4g}, {int(nlam)} λ"

    def path(self, alpha, thresh=None, lams=None):
        d = self.dir
        extra = "" if thresh is None else f", thresh={thresh}, maxit=1e8"
        if lams is not None:
            np.asarray(lams, dtype=np.float64).tofile(f"{d}/lam_in.bin")
            extra += f', lambda=readBin("{d}/lam_in.bin", "double", {len(lams)})'
        wall = self._run(
            f't <- system.time(fit <- glmnet(X, y, alpha={alpha}{extra}))[["elapsed"]]\n'
            f'writeBin(c(t, length(fit$lambda)), "{d}/out.bin")\n'
            f'writeBin(as.double(fit$lambda), "{d}/lam.bin")\n'
            f'writeBin(as.double(as.matrix(fit$beta)), "{d}/beta.bin")\n')
        t, nlam = np.fromfile(f"{d}/out.bin")
        lam = np.fromfile(f"{d}/lam.bin")
        return t, wall, lam, np.fromfile(f"{d}/beta.bin").reshape(lam.size, -1)

    def close(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def ours_cv(X, y, Xte, foldid):
    from shrinkage import ElasticNetCV
    t = time.perf_counter()
    m = ElasticNetCV(cv=foldid).fit(X, y)
    t = time.perf_counter() - t
    return t, m.predict(Xte), f"λ {m.lam_:.4g}, {m.lams_.shape[1]} λ walked, {m.n_nonzero_} nnz"


def sklearn_cv(X, y, Xte, foldid):
    from sklearn.linear_model import ElasticNetCV
    from sklearn.model_selection import PredefinedSplit
    t = time.perf_counter()
    m = ElasticNetCV(cv=PredefinedSplit(foldid)).fit(X, y)
    t = time.perf_counter() - t
    return t, m.predict(Xte), f"α {m.alpha_:.4g}"


def ours_path(X, y):
    from shrinkage import ElasticNet
    from shrinkage.penalties import ElasticNet as Pen
    from shrinkage.solvers.cd import enet_path, gram_problem
    from shrinkage.selection.grid import sparse_grid
    t = time.perf_counter()
    prob = gram_problem(X, y, np.full(X.shape[0], 1.0 / X.shape[0]))
    lams = sparse_grid(Pen(1.0, 0.5).lam_max(-2.0 * prob.q), 100, 1e-3)
    enet_path(prob, lams, l1_ratio=0.5, tol=ElasticNet().tol)
    return time.perf_counter() - t


def med(v):
    return float(np.median(v))


def run_cv(args, X, y, Xte, yte, r):
    foldid = foldids(X.shape[0], args.folds)
    runners = {"shrinkage ElasticNetCV()": lambda: ours_cv(X, y, Xte, foldid)}
    if r is not None:
        r_cv = R(X, y, Xte, foldid)
        runners["glmnet cv.glmnet() (alpha=1)"] = lambda: r_cv.cv(1.0)
        runners["glmnet cv.glmnet(alpha=1/3)"] = lambda: r_cv.cv(ALPHA_MATCHED)
    if not args.no_sklearn:
        runners["sklearn ElasticNetCV()"] = lambda: sklearn_cv(X, y, Xte, foldid)
    names = list(runners)
    times = {k: [] for k in names}
    walls = {k: [] for k in names}
    out = {}
    for rep in range(args.repeat):
        for k in names[rep % len(names):] + names[:rep % len(names)]:
            if "1/3" in k and rep >= args.matched_rounds:
                continue
            res = runners[k]()
            if len(res) == 4:
                t, wall, pred, note = res
                walls[k].append(wall)
            else:
                t, pred, note = res
            times[k].append(t)
            out[k] = (np.mean((pred - yte) ** 2), note)
            print(f"  round {rep}: {k}: {t:.2f} s", flush=True)
    ref = med(times[names[0]])
    mse0 = out[names[0]][0]
    print(f"\n{args.folds}-fold CV, same folds; medians of {args.repeat} interleaved runs\n")
    print("| library (defaults) | fit s (median) | min–max | runs | ratio peer/ours | "
          "Rscript wall s | "
          "held-out MSE | vs ours | chosen |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    for k in names:
        ts = times[k]
        wall = f"{med(walls[k]):.2f}" if walls[k] else "—"
        mse, note = out[k]
        print(f"| {k} | {med(ts):.2f} | {min(ts):.2f}–{max(ts):.2f} | {len(ts)} | "
              f"{med(ts) / ref:.2f} | {wall} | {mse:.5f} | {mse / mse0 - 1:+.2%} | {note} |")
    if r is not None:
        r_cv.close()


def run_path(args, X, y, r):
    names = ["shrinkage path"] + (["glmnet() (alpha=1)", "glmnet(alpha=1/3)"] if r else [])
    times = {k: [] for k in names}
    rp = R(X, y, X[:2], np.zeros(X.shape[0])) if r else None
    for rep in range(args.repeat):
        for k in names[rep % len(names):] + names[:rep % len(names)]:
            if k == "shrinkage path":
                times[k].append(ours_path(X, y))
            else:
                times[k].append(rp.path(1.0 if "alpha=1)" in k else ALPHA_MATCHED)[0])
    ref = med(times[names[0]])
    print(f"\nall-data path alone (ours: Gram + 100 λ at l1_ratio 0.5); medians of {args.repeat}\n")
    print("| path | s (median) | min–max | ratio peer/ours |\n|---|---:|---:|---:|")
    for k in names:
        ts = times[k]
        print(f"| {k} | {med(ts):.2f} | {min(ts):.2f}–{max(ts):.2f} | {med(ts) / ref:.2f} |")
    if rp:
        rp.close()


def run_accuracy(args, X, y, r):
    from shrinkage.solvers.cd import enet_path, gram_problem
    if r is None:
        print("accuracy: glmnet skipped")
        return
    rp = R(X, y, X[:2], np.zeros(X.shape[0]))
    t_g, _, lam_g, beta_g = rp.path(ALPHA_MATCHED)
    rp.close()
    lams = lam_g * (1 + ALPHA_MATCHED)
    rho = 2 * ALPHA_MATCHED / (1 + ALPHA_MATCHED)
    prob = gram_problem(X, y, np.full(X.shape[0], 1.0 / X.shape[0]))
    rows = {}
    for tol in args.tols:
        t = time.perf_counter()
        path = enet_path(prob, lams, l1_ratio=rho, tol=tol, max_iter=10**7, warn=False)
        rows[tol] = (prob.to_original(path.beta)[0], time.perf_counter() - t,
                     int(path.n_iter.sum()), float(np.nanmax(path.gap)))
    exact = rows[min(rows)][0]
    nrm = np.linalg.norm(exact, axis=1)
    keep = nrm > 0

    def err(C):
        e = np.linalg.norm(C - exact, axis=1)[keep] / nrm[keep]
        return f"{np.median(e):.1e} | {np.quantile(e, 0.9):.1e} | {e.max():.1e}"

    print(f"\ncoefficient error along glmnet's alpha=1/3 path ({lams.size} λ), against our "
          f"tol={min(rows):g}\n")
    print("| fit | median ‖w−w*‖/‖w*‖ | 90th pct | max | s | CD passes | max gap/yy |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    print(f"| glmnet thresh=1e-7 (default) | {err(beta_g)} | {t_g:.2f} (in R) | | |")
    for tol, (C, el, it, gap) in sorted(rows.items(), reverse=True):
        if tol != min(rows):
            print(f"| shrinkage tol={tol:g} | {err(C)} | {el:.2f} | {it} | {gap:.1e} |")


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--folds", type=int, default=10)
    ap.add_argument("--path", action="store_true")
    ap.add_argument("--accuracy", action="store_true")
    ap.add_argument("--no-cv", action="store_true")
    ap.add_argument("--no-sklearn", action="store_true")
    ap.add_argument("--matched-rounds", type=int, default=1,
                    help="rounds that run cv.glmnet(alpha=1/3) too (a slow machine: 1)")
    ap.add_argument("--tols", type=float, nargs="+",
                    default=[1e-12, 1e-7, 1e-5, 1e-4, 3e-4, 1e-3])
    args = ap.parse_args()
    import machine
    print(machine.as_markdown(machine.describe(), threads=0).replace(
        "all pools pinned to 0 threads", "default thread counts"))
    X, y, Xte, yte = data()
    why = have_glmnet()
    if why:
        print(f"glmnet skipped: {why}")
    r = None if why else True
    if args.accuracy:
        run_accuracy(args, X, y, r)
    if args.path:
        run_path(args, X, y, r)
    if not args.no_cv:
        run_cv(args, X, y, Xte, yte, r)


if __name__ == "__main__":
    main()
