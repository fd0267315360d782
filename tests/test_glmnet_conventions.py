"""glmnet's gaussian conventions against R's glmnet itself (issue 15): its λ on the raw y
depends on the scale of y (the standard deviation with an intercept, the root mean square
without), and without an intercept standardize=TRUE uses the centred standard deviation of
each column. Skips with the reason where R's glmnet is not installed (Debian: r-cran-glmnet)."""

import shutil
import subprocess

import numpy as np
import pytest

from shrinkage import ElasticNet, convert_strength

pytestmark = pytest.mark.skipif(shutil.which("Rscript") is None,
                                reason="Rscript not found (apt-get install r-cran-glmnet)")

R = """
library(glmnet)
X <- as.matrix(read.csv("{X}", header=FALSE)); y <- read.csv("{y}", header=FALSE)[, 1]
for (a in c(0, 0.2, 0.5, 1)) for (icpt in c(TRUE, FALSE)) for (std in c(TRUE, FALSE)) {{
  f <- glmnet(X, y, alpha=a, lambda=0.3, standardize=std, intercept=icpt, thresh=1e-14)
  cat(a, icpt, std, as.numeric(coef(f)), "\\n")
}}
"""


def _glmnet(tmp_path, X, y):
    np.savetxt(tmp_path / "X.csv", X, delimiter=",")
    np.savetxt(tmp_path / "y.csv", y, delimiter=",")
    out = subprocess.run(["Rscript", "-e", R.format(X=tmp_path / "X.csv", y=tmp_path / "y.csv")],
                         capture_output=True, text=True, timeout=120)
    if out.returncode != 0 or "Error" in out.stderr:
        pytest.skip(f"R's glmnet did not run: {out.stderr.strip()[:200]}")
    for line in out.stdout.strip().splitlines():
        a, icpt, std, *coef = line.split()
        yield float(a), icpt == "TRUE", std == "TRUE", np.array(coef, dtype=float)


def test_gaussian_lambda_with_the_scale_of_y_equals_glmnet(tmp_path):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(100, 5)) * [1.0, 3.0, 0.5, 1.0, 2.0] + [0.0, 2.0, -1.0, 5.0, 0.0]
    y = 5 * (X @ [1.0, -1.0, 0.5, 0.0, 0.0]) + 5 * rng.normal(size=100) + 3
    cases = list(_glmnet(tmp_path, X, y))
    assert len(cases) == 16
    for a, icpt, std, coef in cases:
        scale = np.std(y) if icpt else np.sqrt(np.mean(y ** 2))
        lam, rho = convert_strength(0.3, source="glmnet-gaussian", l1_ratio=a, y_scale=scale)
        ours = ElasticNet(lam=lam, l1_ratio=rho, fit_intercept=icpt, standardize=std,
                          tol=1e-14).fit(X, y)
        got = np.r_[ours.intercept_, ours.coef_]
        # glmnet stops at thresh=1e-14 on its own (relative) criterion: ~1e-6 of the coefficients
        assert np.max(np.abs(got - coef)) < 1e-5 * np.max(np.abs(coef)), (a, icpt, std)
        back = convert_strength(lam, source="shrinkage", target="glmnet-gaussian", l1_ratio=rho,
                                y_scale=scale)
        assert back.value == pytest.approx(0.3, rel=1e-12)
        assert back.l1_ratio == pytest.approx(a, abs=1e-12)
