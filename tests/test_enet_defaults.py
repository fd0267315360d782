"""The elastic net's stopping rule and defaults (issue 11): the duality gap certificate, the
accuracy of the default ``tol``, and ElasticNetCV's early exit down the path."""

import shutil
import subprocess

import numpy as np
import pytest

from shrinkage import ElasticNet, ElasticNetCV, Lasso
from shrinkage.penalties import ElasticNet as ENPenalty, enet_value
from shrinkage.selection.engine import make_splits
from shrinkage.solvers.cd import enet_path, fold_gram_problems, make_problem


def correlated(n, p, seed=0, rho=0.9, dense=False):
    """AR(1)-correlated columns; ten non-zero coefficients, or a dense N(0, 1/p) vector."""
    r = np.random.default_rng(seed)
    X = np.empty((n, p))
    X[:, 0] = r.normal(size=n)
    for j in range(1, p):
        X[:, j] = rho * X[:, j - 1] + np.sqrt(1 - rho ** 2) * r.normal(size=n)
    beta = r.normal(size=p) / np.sqrt(p) if dense else np.r_[r.normal(size=10), np.zeros(p - 10)]
    return X, 1.0 + X @ beta + r.normal(size=n)


def objective(prob, beta, lam, rho):
    """``F(β) + P(β)`` of the standardized problem, from its Gram moments or its residual."""
    l1, l2 = ENPenalty(lam, rho).weights(beta.size)
    if prob.mode == "gram":
        F = prob.yy - 2 * prob.q @ beta + beta @ prob.G @ beta
    else:
        z = (prob.X - prob.mean) / prob.scale
        F = prob.sw @ (prob.ytil - z @ beta) ** 2
    return F + enet_value(beta, l1, l2)


@pytest.mark.parametrize("shape", [(300, 30), (40, 80)])          # covariance, naive mode
@pytest.mark.parametrize("rho", [1.0, 0.5, 0.0])
def test_duality_gap_is_nonnegative_and_bounds_the_suboptimality(shape, rho):
    X, y = correlated(*shape, seed=3)
    sw = np.random.default_rng(1).uniform(0.5, 2.0, shape[0])
    sw /= sw.sum()
    prob = make_problem(X, y, sw)
    top = ENPenalty(1.0, max(rho, 1e-3)).lam_max(-2 * prob.q)
    lams = np.geomspace(top, top * 1e-3, 15)
    exact = enet_path(prob, lams, l1_ratio=rho, tol=1e-12, max_iter=100_000)
    assert np.all(np.abs(exact.gap) <= 1e-10)
    for tol in (1e-2, 1e-3, 1e-4):
        loose = enet_path(prob, lams, l1_ratio=rho, tol=tol, warn=False)
        assert np.all(loose.gap >= -1e-13)
        sub = np.array([objective(prob, loose.beta[k], lam, rho)
                        - objective(prob, exact.beta[k], lam, rho) for k, lam in enumerate(lams)])
        assert np.all(loose.gap * prob.yy >= sub - 1e-13 * prob.yy)
        # the fraction explained is the datafit's
        F = np.array([objective(prob, b, 0.0, rho) for b in loose.beta])
        np.testing.assert_allclose(loose.dev_ratio, 1 - F / prob.yy, atol=1e-12)


def test_default_tol_is_within_the_measured_error_of_the_exact_path():
    """benchmarks/results/defaults_enet.md: at the default tol the path's relative coefficient
    error against tol=1e-12 is below glmnet's at its default thresh (measured on 20,000 × 1,000);
    here on a smaller correlated design, the same bound."""
    X, y = correlated(2000, 100, seed=5, dense=True)
    n = len(y)
    prob = make_problem(X, y, np.full(n, 1 / n))
    top = ENPenalty(1.0, 0.5).lam_max(-2 * prob.q)
    lams = np.geomspace(top, top * 1e-3, 50)
    exact = enet_path(prob, lams, l1_ratio=0.5, tol=1e-12, max_iter=100_000).beta
    default = enet_path(prob, lams, l1_ratio=0.5, tol=ElasticNet().tol).beta
    err = np.linalg.norm(default - exact, axis=1)[1:] / np.linalg.norm(exact, axis=1)[1:]
    assert err.max() <= DEFAULT_TOL_MAX_ERROR
    assert ElasticNet().tol == Lasso().tol == ElasticNetCV().tol


#: the largest relative coefficient error of the default tol along the benchmark's path
#: (benchmarks/results/defaults_enet.md, accuracy table)
DEFAULT_TOL_MAX_ERROR = 1e-2


def test_early_exit_off_walks_the_whole_grid_exactly():
    X, y = correlated(600, 40, seed=7)
    full = ElasticNetCV(lams=60, early_exit=False, random_state=0).fit(X, y)
    assert full.lams_.shape == (1, 60)
    splits, _ = make_splits(5, X, y, None, random_state=0)
    prob, _ = fold_gram_problems(X, y, None, splits)       # the problem ElasticNetCV builds
    ref = enet_path(prob, full.lams_[0], l1_ratio=0.5, tol=full.tol)
    np.testing.assert_array_equal(full.coef_path_[0], prob.to_original(ref.beta)[0])


def test_early_exit_stops_once_the_curve_has_turned_and_keeps_the_choice():
    r = np.random.default_rng(0)                # 5 of 150 features, noisy: the CV error rises
    X = r.normal(size=(200, 150))               # at small λ
    y = X[:, :5] @ np.ones(5) + 3 * r.normal(size=200)
    kw = dict(lams=100, random_state=0, tol=1e-7)
    full = ElasticNetCV(early_exit=False, **kw).fit(X, y)
    short = ElasticNetCV(**kw).fit(X, y)
    k = short.lams_.shape[1]
    assert k < 100 and k % 10 == 0
    np.testing.assert_array_equal(short.lams_[0], full.lams_[0, :k])
    np.testing.assert_allclose(short.cv_results_["mean_score"],
                               full.cv_results_["mean_score"][:k], rtol=1e-6)
    assert short.lam_ == full.lam_
    np.testing.assert_allclose(short.coef_, full.coef_, rtol=1e-6, atol=1e-9)
    best = int(np.argmax(full.cv_results_["mean_score"]))
    assert best + 10 <= k - 1


@pytest.mark.skipif(shutil.which("Rscript") is None, reason="Rscript not installed (R and "
                    "r-cran-glmnet are optional; CI may not have them)")
def test_lasso_equals_glmnet_at_converted_strength(tmp_path):
    if subprocess.run(["Rscript", "-e", "library(glmnet)"], capture_output=True).returncode:
        pytest.skip("the R package glmnet is not installed")
    X, y = correlated(200, 15, seed=9, rho=0.3)
    X.T.tofile(tmp_path / "X.bin")
    y.tofile(tmp_path / "y.bin")
    lam_g = 0.05
    script = (f'suppressMessages(library(glmnet)); X <- matrix(readBin("{tmp_path}/X.bin", '
              f'"double", 3000), 200, 15); y <- readBin("{tmp_path}/y.bin", "double", 200)\n'
              f'f <- glmnet(X, y, lambda={lam_g}, thresh=1e-20, maxit=1e7)\n'
              f'writeBin(c(as.double(f$a0), as.double(as.matrix(f$beta))), "{tmp_path}/b.bin")')
    (tmp_path / "g.R").write_text(script)
    subprocess.run(["Rscript", str(tmp_path / "g.R")], check=True, capture_output=True)
    ref = np.fromfile(tmp_path / "b.bin")
    ours = Lasso(2 * lam_g, tol=1e-12).fit(X, y)      # glmnet's ½ RSS/n + λ‖w‖₁ is half ours
    np.testing.assert_allclose(ours.coef_, ref[1:], rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(ours.intercept_, ref[0], rtol=1e-6, atol=1e-8)
