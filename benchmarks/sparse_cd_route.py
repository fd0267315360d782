"""The sparse lasso's two routes side by side (issue 12): coordinate descent on the CSC columns
against covariance mode on the sparse Gram moments, for one λ, a 100-λ path and 5-fold
ElasticNetCV, on generated CSR matrices of 200–2,000 columns. What
:func:`shrinkage.solvers.cd.sparse_route` is calibrated on.

Each time is the median of ``--repeat`` runs, the two routes interleaved in this process;
the ratio ``csc / gram`` below 1 means the CSC route is faster.

    python benchmarks/sparse_cd_route.py --repeat 3
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import warnings

import numpy as np
import scipy.sparse as sp

sys.path.insert(0, os.path.join(os.path.dirname(__file__), "..", "src"))

CASES = [(50_000, 2_000, 0.005), (50_000, 1_000, 0.01), (50_000, 500, 0.1),
         (20_000, 1_000, 0.05), (50_000, 200, 0.05)]


def _problem(n, p, density, seed=0):
    rng = np.random.default_rng(seed)
    X = sp.random(n, p, density=density, format="csr", random_state=seed,
                  data_rvs=lambda k: rng.uniform(0.5, 2.0, k))
    beta = np.zeros(p)
    beta[rng.choice(p, 40, replace=False)] = rng.normal(size=40) * 3
    eta = X @ beta
    return X, eta + rng.normal(size=n) * eta.std()


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--cv", action="store_true", help="also 5-fold ElasticNetCV (slow)")
    args = ap.parse_args(argv)
    import shrinkage.linear_model._enet_cv as enet_cv
    from shrinkage import ElasticNetCV
    from shrinkage.datafits import normalized_weights
    from shrinkage.penalties import L1
    from shrinkage.solvers import lam_max
    from shrinkage.solvers.cd import enet_path, make_problem
    print("| n × p | density | p²/nnz | task | gram s | csc s | csc / gram |")
    print("|---|---|---|---|---|---|---|")
    for n, p, density in CASES:
        X, y = _problem(n, p, density)
        sw = normalized_weights(None, n)
        top = lam_max(L1(1.0), X, y)
        tasks = {"one λ (0.05 λ_max), tol 1e-4": np.array([0.05 * top]),
                 "100-λ path to 1e-3 λ_max": top * np.geomspace(1, 1e-3, 100)}
        for task, lams in tasks.items():
            times = {"gram": [], "csc": []}
            for _ in range(args.repeat):
                for mode in times:
                    t = time.perf_counter()
                    with warnings.catch_warnings():
                        warnings.simplefilter("ignore")
                        enet_path(make_problem(X, y, sw, mode=mode), lams, tol=1e-4)
                    times[mode].append(time.perf_counter() - t)
            g, c = np.median(times["gram"]), np.median(times["csc"])
            print(f"| {n} × {p} | {density} | {p * p / X.nnz:.2f} | {task} | {g:.3g} | "
                  f"{c:.3g} | {c / g:.2f} |", flush=True)
        if args.cv:
            times = {"gram": [], "csc": []}
            real = enet_cv.sparse_route
            for _ in range(args.repeat):
                for mode in times:
                    enet_cv.sparse_route = lambda X, n_solves, m=mode: m
                    t = time.perf_counter()
                    ElasticNetCV(l1_ratio=1.0, cv=5).fit(X, y)
                    times[mode].append(time.perf_counter() - t)
            enet_cv.sparse_route = real
            g, c = np.median(times["gram"]), np.median(times["csc"])
            print(f"| {n} × {p} | {density} | {p * p / X.nnz:.2f} | ElasticNetCV(cv=5) | "
                  f"{g:.3g} | {c:.3g} | {c / g:.2f} |", flush=True)


if __name__ == "__main__":
    main()
