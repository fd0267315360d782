"""LogisticRegressionCV(l1_ratio=[2/3, 1]) (glmnet's alpha 0.5 and 1) on warm-started fold paths, against the same fits
done cold (a loop of LogisticRegression over ratios × λ × folds at the folds' tolerance) and
against R's cv.glmnet (family="binomial", the same foldid and λ, timed inside R). Ratios,
medians of 3 runs. Run: ``python benchmarks/logistic_cv_l1.py``."""

import shutil
import subprocess
import tempfile
import time
import warnings
from pathlib import Path

import numpy as np
from sklearn.datasets import load_breast_cancer
from sklearn.model_selection import StratifiedKFold

from shrinkage import LogisticRegression, LogisticRegressionCV, convert_strength

R = """
suppressMessages(library(glmnet))
X <- as.matrix(read.csv("X.csv", header=FALSE)); y <- read.csv("y.csv", header=FALSE)[, 1]
fid <- read.csv("fid.csv", header=FALSE)[, 1] + 1
t <- c()
for (rep in 1:3) t <- c(t, system.time(for (a in c(0.5, 1)) {
  lam <- read.csv(paste0("lam", a, ".csv"), header=FALSE)[, 1]
  cv.glmnet(X, y, family="binomial", foldid=fid, alpha=a, lambda=lam, type.measure="deviance")
})[["elapsed"]])
cat(median(t), "\\n")
"""


def data(name):
    if name.startswith("breast"):
        return load_breast_cancer(return_X_y=True)
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4000, 100))
    y = (X[:, :10] @ rng.normal(size=10) + 2 * rng.normal(size=4000) > 0).astype(int)
    return X, y


def main():
    warnings.simplefilter("ignore")
    for name in ("breast_cancer (569 x 30)", "synthetic (4000 x 100)"):
        X, y = data(name)
        splits = list(StratifiedKFold(5).split(X, y))
        foldid = np.empty(y.size, int)
        for k, (_, te) in enumerate(splits):
            foldid[te] = k
        alphas = (0.5, 1.0)
        conv = [convert_strength(1.0, source="glmnet-binomial", l1_ratio=a) for a in alphas]
        ratios = [c.l1_ratio for c in conv]
        t_cv, t_loop = [], []
        for _ in range(3):
            t = time.perf_counter()
            cv = LogisticRegressionCV(lams=20, l1_ratio=ratios, cv=foldid).fit(X, y)
            t_cv.append(time.perf_counter() - t)
            t = time.perf_counter()
            for r, rho in enumerate(ratios):
                for lam in cv.lams_[r]:
                    for tr, _ in splits:
                        LogisticRegression(lam=lam, l1_ratio=rho, tol=1e-6).fit(X[tr], y[tr])
            t_loop.append(time.perf_counter() - t)
        line = (f"{name}, grid {cv.lams_.shape}: cold loop / warm CV = "
                f"{np.median(t_loop) / np.median(t_cv):.1f}")
        if shutil.which("Rscript"):
            with tempfile.TemporaryDirectory() as d:
                d = Path(d)
                np.savetxt(d / "X.csv", X, delimiter=",")
                np.savetxt(d / "y.csv", y, delimiter=",")
                np.savetxt(d / "fid.csv", foldid, delimiter=",")
                for r, (a, c) in enumerate(zip(alphas, conv)):     # the same λ in glmnet's terms
                    np.savetxt(d / f"lam{a:g}.csv", cv.lams_[r] / c.value, delimiter=",")
                out = subprocess.run(["Rscript", "-e", R], cwd=d, capture_output=True,
                                     text=True, check=True)
                line += f"; R cv.glmnet / ours = {float(out.stdout) / np.median(t_cv):.2f}"
        print(line)


if __name__ == "__main__":
    main()
