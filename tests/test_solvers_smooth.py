"""Newton / L-BFGS solvers for the L2-penalized logistic and softmax losses."""

import time
import warnings

import numpy as np
import pytest
from scipy.special import expit, softmax
from sklearn.exceptions import ConvergenceWarning

from shrinkage.solvers.smooth import (
    SmoothObjective,
    kronecker_preconditioner,
    solve_smooth,
    solve_smooth_path,
)
from shrinkage.standardization import column_stats

SOLVERS = ["newton-cholesky", "newton-cg", "lbfgs"]


def make_problem(K=1, n=120, p=5, seed=0, weights=True, pf=True, intercept=True, lam=0.05):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p)) * rng.uniform(0.5, 4, p) + rng.normal(size=p) * 3
    if K == 1:
        Y = (rng.uniform(size=n) < 0.4).astype(float)
    else:
        Y = np.eye(K)[rng.integers(0, K, n)]
    s = rng.uniform(0.2, 3.0, n) if weights else np.ones(n)
    sw = s / s.sum()
    f = rng.uniform(0.0, 2.0, p) if pf else np.ones(p)
    if pf:
        f[0] = 0.0
    m, sd = column_stats(X, sw, intercept, True)
    obj = SmoothObjective(X, Y, sw, lam, f, fit_intercept=intercept, x_mean=m, x_scale=sd)
    return obj, X, Y, sw, f, lam


def raw_objective(W, b, X, Y, sw, f, lam):
    """J on the original scale, written from scratch."""
    if Y.ndim == 1:
        eta = X @ W[0] + b[0]
        loss = np.logaddexp(0, eta) - Y * eta
    else:
        eta = X @ W.T + b
        loss = np.log(np.exp(eta - eta.max(1, keepdims=True)).sum(1)) + eta.max(1) - (Y * eta).sum(1)
    return sw @ loss + lam * np.sum(f * W * W)


def raw_gradient(W, b, X, Y, sw, f, lam):
    """(∂J/∂W, ∂J/∂b) on the original scale, from scratch."""
    if Y.ndim == 1:
        G = (sw * (expit(X @ W[0] + b[0]) - Y))[:, None]
    else:
        G = sw[:, None] * (softmax(X @ W.T + b, axis=1) - Y)
    return G.T @ X + 2 * lam * f * W, G.sum(0)


@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("intercept", [True, False])
def test_gradient_matches_finite_differences(K, intercept):
    obj, X, Y, sw, f, lam = make_problem(K, intercept=intercept)
    rng = np.random.default_rng(1)
    theta = rng.normal(size=obj.n_theta) * 0.3
    g = obj.gradient(theta)
    h = 1e-6
    fd = np.array([(obj.value(theta + h * e) - obj.value(theta - h * e)) / (2 * h)
                   for e in np.eye(obj.n_theta)])
    np.testing.assert_allclose(g, fd, rtol=1e-6, atol=1e-9)
    # the value in θ-coordinates is the raw objective
    W, b = obj.to_original(theta)
    assert obj.value(theta) == pytest.approx(raw_objective(W, b, X, Y, sw, f, lam), rel=1e-12)


@pytest.mark.parametrize("K", [1, 3])
def test_hessian_vector_product_and_full_hessian(K):
    obj, *_ = make_problem(K)
    rng = np.random.default_rng(2)
    theta = rng.normal(size=obj.n_theta) * 0.3
    matvec, diag = obj.hessian_operator(theta)
    v = rng.normal(size=obj.n_theta)
    h = 1e-6
    fd = (obj.gradient(theta + h * v) - obj.gradient(theta - h * v)) / (2 * h)
    np.testing.assert_allclose(matvec(v), fd, rtol=1e-6, atol=1e-9)
    # the formed Hessian (data part + penalty) agrees with the operator column by column
    H = obj.data_hessian(theta) + np.diag(obj.penalty_diag())
    H = np.triu(H) + np.triu(H, 1).T
    Hop = np.column_stack([matvec(e) for e in np.eye(obj.n_theta)])
    np.testing.assert_allclose(H, Hop, rtol=1e-10, atol=1e-13)
    # the preconditioner is exact on the intercepts
    np.testing.assert_allclose(diag[-obj.K:], np.diag(Hop)[-obj.K:], rtol=1e-12)


def test_softmax_hessian_is_the_whole_symmetric_matrix():
    # the effective df and the Laplace evidence read all of it (the binary one is upper-only)
    obj, *_ = make_problem(3)
    theta = np.random.default_rng(3).normal(size=obj.n_theta) * 0.3
    matvec, _ = obj.hessian_operator(theta)
    H = obj.data_hessian(theta) + np.diag(obj.penalty_diag())
    np.testing.assert_allclose(H, np.column_stack([matvec(e) for e in np.eye(obj.n_theta)]),
                               rtol=1e-10, atol=1e-13)


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("K", [1, 4])
def test_certificate_at_solution(solver, K):
    obj, X, Y, sw, f, lam = make_problem(K, n=200, p=6, seed=3)
    res = solve_smooth(obj, solver=solver, tol=1e-9)
    assert res.converged and res.solver == solver
    gW, gb = raw_gradient(res.coef, res.intercept, X, Y, sw, f, lam)
    # the certificate is in centred, standardized units: W = V/s, b = c − W m, so
    # ∂J/∂V = (∂J/∂W − m ∂J/∂b)/s and ∂J/∂c = ∂J/∂b
    assert np.max(np.abs((gW - np.outer(gb, obj.m)) / obj.s)) <= 1.01e-9
    assert np.max(np.abs(gb)) <= 1.01e-9
    if K > 1:
        assert abs(res.intercept.sum()) < 1e-10
        assert abs(res.coef[:, 0].sum()) < 1e-10     # unpenalized column: sum-to-zero gauge


@pytest.mark.parametrize("K", [1, 3])
def test_solvers_agree(K):
    coefs = []
    for solver in SOLVERS:
        obj, *_ = make_problem(K, seed=4)
        res = solve_smooth(obj, solver=solver, tol=1e-10)
        coefs.append(np.concatenate([res.coef.ravel(), res.intercept]))
    np.testing.assert_allclose(coefs[1], coefs[0], rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(coefs[2], coefs[0], rtol=1e-6, atol=1e-8)


@pytest.mark.parametrize("K", [1, 3])
def test_warm_started_path_equals_cold_fits(K):
    lams = np.geomspace(1.0, 1e-4, 8)
    obj, *_ = make_problem(K, seed=5)
    path = solve_smooth_path(obj, lams, tol=1e-10)
    for lam, r in zip(lams, path):
        cold_obj, *_ = make_problem(K, seed=5, lam=lam)
        cold = solve_smooth(cold_obj, tol=1e-10)
        np.testing.assert_allclose(r.coef, cold.coef, rtol=1e-7, atol=1e-9)
        np.testing.assert_allclose(r.intercept, cold.intercept, rtol=1e-7, atol=1e-9)
    # warm starts and the reused Hessian make later points cheap: the whole path forms fewer
    # Hessians than two cold fits
    assert sum(r.n_hessian for r in path) <= 2 * path[0].n_hessian


@pytest.mark.parametrize("solver", SOLVERS)
@pytest.mark.parametrize("K", [1, 3])
def test_separable_unpenalized_warns_quickly(solver, K):
    rng = np.random.default_rng(6)
    n = 60
    X = rng.normal(size=(n, 2))
    if K == 1:
        Y = (X[:, 0] > 0).astype(float)
    else:
        Y = np.eye(3)[np.digitize(X[:, 0], [-0.5, 0.5])]
    sw = np.full(n, 1 / n)
    m, sd = column_stats(X, sw, True, True)
    obj = SmoothObjective(X, Y, sw, 0.0, None, x_mean=m, x_scale=sd)
    t0 = time.perf_counter()
    with pytest.warns(ConvergenceWarning, match="separable"):
        res = solve_smooth(obj, solver=solver)
    assert time.perf_counter() - t0 < 5
    assert res.separable
    W, b = obj.to_original(res.theta)
    eta = X @ W.T + b
    pred = (eta[:, 0] > 0) if K == 1 else eta.argmax(1)
    assert np.all(pred == (Y if K == 1 else Y.argmax(1)))   # it stopped at a separator


def test_unpenalized_nonseparable_matches_mle_score_equations():
    obj, X, Y, sw, f, lam = make_problem(1, n=300, seed=7, pf=False, lam=0.0)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        res = solve_smooth(obj, tol=1e-10)
    gW, gb = raw_gradient(res.coef, res.intercept, X, Y, sw, f, 0.0)
    assert np.max(np.abs(gW)) < 1e-8 and abs(gb[0]) < 1e-10


def test_bad_solver_name():
    obj, *_ = make_problem(1)
    with pytest.raises(ValueError, match="solver must be one of"):
        solve_smooth(obj, solver="sag")


@pytest.mark.parametrize("K", [1, 3])
@pytest.mark.parametrize("intercept", [True, False])
def test_kronecker_preconditioner_inverts_its_matrix(K, intercept):
    """apply(v) solves (A ⊗ C + diag(2π)) x = v, with A = Σ sw M_i and C = Σ sw z̃ z̃ᵀ, on the
    directions the objective can see (the unpenalized class-sum directions are null)."""
    obj, X, _, sw, *_ = make_problem(K, intercept=intercept, seed=8)
    rng = np.random.default_rng(3)
    theta = rng.normal(size=obj.n_theta) * 0.3
    apply = kronecker_preconditioner(obj, theta)
    eta = obj.eta(theta)
    if K == 1:
        P = expit(eta)[:, None]
        A = np.array([[sw @ (P[:, 0] * (1 - P[:, 0]))]])
    else:
        P = softmax(eta, axis=1)
        A = np.diag(sw @ P) - (P * sw[:, None]).T @ P
    Z = (X - obj.m) / obj.s
    Zt = np.column_stack([Z, np.ones(len(sw))]) if intercept else Z
    C = (Zt * sw[:, None]).T @ Zt
    q, p = Zt.shape[1], obj.p
    # θ = (V row-major (K, p), c (K)); the Kronecker layout is (k, j̃) with j̃ = p the intercept
    order = [k * q + j for k in range(K) for j in range(p)] + \
        ([k * q + p for k in range(K)] if intercept else [])
    M = np.kron(A, C)[np.ix_(order, order)] + np.diag(obj.penalty_diag())
    v = M @ rng.normal(size=obj.n_theta)          # in the range of M
    np.testing.assert_allclose(M @ apply(v), v, rtol=1e-9, atol=1e-12 * np.abs(v).max())


def test_preconditioned_lbfgs_needs_fewer_iterations_than_plain_lbfgs():
    """Strongly correlated features: the Kronecker preconditioner removes their correlation, so
    our L-BFGS converges in fewer iterations than scipy's L-BFGS-B on the same θ-objective."""
    from scipy.optimize import minimize
    rng = np.random.default_rng(9)
    n, p, K = 600, 30, 4
    X = rng.normal(size=(n, p))
    for j in range(1, p):
        X[:, j] = 0.9 * X[:, j - 1] + np.sqrt(1 - 0.81) * X[:, j]
    Y = np.eye(K)[(X @ rng.normal(size=(p, K)) / 3 + rng.gumbel(size=(n, K))).argmax(1)]
    sw = np.full(n, 1 / n)
    m, sd = column_stats(X, sw, True, True)
    obj = SmoothObjective(X, Y, sw, 1e-3, None, x_mean=m, x_scale=sd)
    res = solve_smooth(obj, solver="lbfgs", tol=1e-8)
    assert res.converged

    def fun(th):
        J, g, _ = obj.value_and_gradient(th)
        return J, g

    plain = minimize(fun, np.zeros(obj.n_theta), jac=True, method="L-BFGS-B",
                     options={"gtol": 1e-8, "ftol": 0.0, "maxiter": 5000, "maxcor": 10})
    assert res.n_iter < plain.nit
    np.testing.assert_allclose(res.theta, plain.x, rtol=1e-5, atol=1e-6)


def test_hessian_in_parallel_row_blocks_equals_one_block():
    obj, *_ = make_problem(1, n=301, p=7, seed=10)
    theta = np.random.default_rng(4).normal(size=obj.n_theta) * 0.3
    H1 = obj.data_hessian(theta, threads=1)
    for threads in (2, 3):
        np.testing.assert_allclose(np.triu(obj.data_hessian(theta, threads=threads)),
                                   np.triu(H1), rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("solver", SOLVERS)
def test_solver_leaves_blas_threads_as_it_found_them(solver):
    from threadpoolctl import threadpool_info, threadpool_limits
    obj, *_ = make_problem(3, seed=11)
    with threadpool_limits(limits=2, user_api="blas"):
        before = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
        solve_smooth(obj, solver=solver)
        after = [i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas"]
    assert after == before
