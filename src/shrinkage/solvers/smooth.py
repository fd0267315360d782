r"""Second-order solvers for a smooth datafit plus the L2 penalty (logistic, softmax).

The objective, its gradient, Hessian products and Hessian are
:class:`~shrinkage.solvers.objective.SmoothObjective`'s; every solver here takes one at its
current λ and returns the solution in its θ-coordinates and on the original scale.

**Optimality certificate.** Every solver stops when ``max |∇_θ J| ≤ tol``: the largest
partial derivative of the full objective with respect to a *standardized* coefficient or an
intercept. It does not depend on the units of the features.

Solvers
-------
``"newton-cholesky"``
    Newton's method with the Hessian formed and factored. Binary: the data part is
    ``Zᵀ D Z`` with ``D = diag(sw p(1−p))``, formed as one symmetric rank-``n`` update
    ``Bᵀ B`` with ``B = (X − m) ⊙ √D`` (BLAS ``syrk``, half the flops of a general product)
    and scaled by ``1/s`` on both sides (in row blocks on parallel threads, see *Threads*).
    Softmax: the ``K(p+1)`` square Hessian is assembled
    from the ``K(K+1)/2`` blocks ``Zᵀ diag(sw (p_k δ_kl − p_k p_l)) Z``. A Cholesky of
    ``H + diag(2π)`` gives the step. Costs ``n p²`` (``n K² p²``) per Hessian.

    *Lazy Hessian.* The data Hessian is cheap to keep and expensive to form, so a step first
    reuses the last one (a chord/Shamanskii step: with the factor of the current λ it costs a
    triangular solve; at a new λ of a path only a ``p³/3`` refactorization). The Hessian is
    refreshed when a reused one contracts the gradient by less than 4×. Every step is a
    descent direction (the matrix is positive definite) and an Armijo backtracking line
    search makes the method globally convergent; near the optimum fresh steps are quadratic.
``"newton-cg"``
    Inexact Newton: the step solves ``H Δ = −∇J`` by conjugate gradients with Hessian-vector
    products (two passes over ``X`` each), to a relative residual ``min(0.5, √‖∇J‖)``
    (Eisenstat–Walker forcing, superlinear convergence), preconditioned by the diagonal of
    ``H`` in θ-coordinates (exact for the intercepts, ``Σ_i D_ik + 2π_j`` for the unit-spread
    columns). The same line search.
``"lbfgs"``
    L-BFGS (memory 10) in θ-coordinates whose initial inverse Hessian is the Kronecker-factored
    approximation ``(A ⊗ C + diag(2π))⁻¹`` at the starting point (:func:`kronecker_preconditioner`:
    ``A`` the mean ``K × K`` curvature of the loss, ``C`` the Gram matrix of the standardized
    features, so the correlation between features is removed once for all). Armijo
    backtracking, where every trial point costs no pass over ``X`` (η is linear in θ). On the
    10-class benchmark it takes 23 iterations where unpreconditioned L-BFGS takes 38. When the
    line search stalls at round-off before the certificate holds (tight ``tol``), at most ten
    Newton-CG steps finish.
``"auto"``
    Newton-Cholesky while the Hessian is small (``p+1 ≤ 1500`` for binary, ``K(p+1) ≤ 200``
    for softmax, where forming it costs ``K²`` times more); beyond, Newton-CG for binary and
    L-BFGS for softmax (measured faster than Newton-CG there: the softmax curvature varies
    across classes and CG needs many products).

Threads
-------
The passes over ``X`` (``η``, ``Zᵀ G``: ``n·p·K`` multiply-adds, memory-bound) and the small
factorizations run on one BLAS thread: NumPy and SciPy load separate OpenBLAS pools, and on a
busy machine their spinning threads made a pass 5–20× and a ``201 × 201`` Cholesky ~500× slower.
The binary Hessian (``n·p²/2``) is formed in as many row blocks at once as the caller allowed
BLAS threads, each block a single-threaded ``syrk``.

The problem, its coordinates and the treatment of separation and of the multinomial
identifiability are in :mod:`shrinkage.solvers.objective`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import scipy.linalg as sla
from sklearn.exceptions import ConvergenceWarning

from .._threads import one_blas_thread, threads_for
from .linesearch import backtrack, within_rounding
from .objective import Separable, SmoothObjective, smooth_effective_df
from .._warnings import warn_user

__all__ = ["SOLVERS", "SmoothObjective", "SmoothResult", "choose_solver",
           "kronecker_preconditioner", "solve_smooth", "solve_smooth_path"]

SOLVERS = ("auto", "newton-cholesky", "newton-cg", "lbfgs")
_CONTRACT = 0.25   # refresh the Hessian after a reused one contracted the gradient less than 4×


@dataclass
class SmoothResult:
    """Solution of :func:`solve_smooth` on the original feature scale.

    Attributes
    ----------
    coef : ndarray of shape (K, n_features)
        ``K = 1`` for a binary datafit.
    intercept : ndarray of shape (K,)
    theta : ndarray of shape (n_theta,)
        The solution in the solver's coordinates (a warm start for the next λ).
    n_iter : int
        Iterations (Newton steps, or L-BFGS iterations).
    grad_max : float
        ``max |∇_θ J|`` at the solution (the optimality certificate).
    converged : bool
    separable : bool
        True when the solver stopped because the data are separated (only with λ = 0).
    solver : str
    n_hessian : int
        Data Hessians formed (Newton-Cholesky) or Newton-CG outer iterations: the expensive
        part of a fit.
    df : float
        Effective degrees of freedom at the solution when :func:`solve_smooth_path` was asked
        for them (``df=True``), else NaN.
    hessian : ndarray or None
        On the last result of :func:`solve_smooth_path`: the data Hessian it kept (Newton-
        Cholesky), to continue the path later.
    """

    coef: np.ndarray
    intercept: np.ndarray
    theta: np.ndarray
    n_iter: int
    grad_max: float
    converged: bool
    separable: bool
    solver: str
    n_hessian: int = 0
    df: float = float("nan")
    hessian: np.ndarray | None = None



# -- helpers ----------------------------------------------------------------------------------
def choose_solver(n_features: int, n_classes_eff: int) -> str:
    """The ``"auto"`` rule of the module docstring."""
    size = n_classes_eff * (n_features + 1)
    limit = 1500 if n_classes_eff == 1 else 200
    if size <= limit:
        return "newton-cholesky"
    return "newton-cg" if n_classes_eff == 1 else "lbfgs"




def _line_search(obj, theta, J, g, step, eta):
    """:func:`~shrinkage.solvers.linesearch.backtrack` along ``step``; a full step within
    round-off of ``J`` is accepted if the gradient shrinks (the objective is flat at machine
    precision near the optimum, so Armijo cannot be checked there). Returns (theta, J, eta, t)
    or None."""
    gmax = float(np.max(np.abs(g)))

    def trial(t):
        cand = theta + t * step
        eta_c = obj.eta(cand)
        return obj.value(cand, eta_c), (cand, eta_c)

    def flat(t, J_c, state):           # only the full step, as Newton's quadratic convergence
        return (t == 1.0 and within_rounding(J_c, J)
                and np.max(np.abs(obj.gradient(*state))) < gmax)

    ls = backtrack(trial, J, float(g @ step), flat=flat)
    if ls is None:
        return None
    t, J_c, (cand, eta_c) = ls
    return cand, J_c, eta_c, t


def _cholesky(H):
    """Upper Cholesky factor of a symmetric PSD matrix (upper triangle read), with a tiny
    diagonal shift when it is singular (unidentified directions, λ = 0)."""
    try:
        return sla.cho_factor(H, lower=False, check_finite=False)
    except np.linalg.LinAlgError:
        pass
    scale = max(float(np.max(np.abs(np.diag(H)))), 1e-300)
    for shift in (1e-12, 1e-10, 1e-8, 1e-6):
        try:
            return sla.cho_factor(H + shift * scale * np.eye(H.shape[0]), lower=False,
                                  check_finite=False)
        except np.linalg.LinAlgError:
            continue
    raise np.linalg.LinAlgError("the Hessian is not positive definite")


class _HessianCache:
    """Data Hessian kept between iterations and between the λ of a path."""

    def __init__(self):
        self.threads = 1           # BLAS threads for forming the Hessian (set by the solver)
        self.H = None
        self.factor = None
        self.factor_lam = None
        self.buf = None
        self.n_hessian = 0


def _newton_cholesky(obj, theta, tol, max_iter, cache):
    eta = obj.eta(theta)
    J = obj.value(theta, eta)
    g = obj.gradient(theta, eta)
    gmax = float(np.max(np.abs(g)))
    fresh = cache.H is None
    n_iter = 0
    while gmax > tol and n_iter < max_iter:
        obj.check_separable(theta, eta)
        if fresh:
            if obj.binary and cache.buf is None and isinstance(obj.X, np.ndarray):
                cache.buf = np.empty_like(obj.X)
            threads = threads_for(cache.threads, obj.n * obj.p ** 2 // 2)
            cache.H = obj.data_hessian(theta, eta, cache.buf, threads)
            cache.n_hessian += 1
            cache.factor = None
        if cache.factor is None or cache.factor_lam != obj.lam:
            cache.factor = _cholesky(obj.add_penalty_hessian(cache.H))
            cache.factor_lam = obj.lam
        step = -sla.cho_solve(cache.factor, g, check_finite=False)
        n_iter += 1
        ls = _line_search(obj, theta, J, g, step, eta)
        if ls is None:
            if fresh:
                break  # no progress with an exact Newton step: round-off floor
            fresh = True
            continue
        theta, J, eta, t = ls
        g = obj.gradient(theta, eta)
        gmax_new = float(np.max(np.abs(g)))
        # refresh after a reused Hessian that contracted poorly, or after a damped step; or
        # always, where the objective formed it with the gradient (``hessian_is_free``: a
        # pass over Dask blocks, :class:`~shrinkage.solvers.blockwise.BlockwiseObjective`)
        fresh = (not fresh and gmax_new > _CONTRACT * gmax) or t < 1.0 or \
            getattr(obj, "hessian_is_free", False)
        gmax = gmax_new
    return theta, n_iter, gmax, cache.n_hessian


def _pcg(matvec, b, diag, rtol, max_cg):
    """Preconditioned conjugate gradients for ``H x = b`` (H PSD)."""
    x = np.zeros_like(b)
    r = b.copy()
    z = r / diag
    d = z.copy()
    rz = r @ z
    bnorm = np.linalg.norm(b)
    for _ in range(max_cg):
        Hd = matvec(d)
        dHd = d @ Hd
        if dHd <= 0:
            break
        a = rz / dHd
        x += a * d
        r -= a * Hd
        if np.linalg.norm(r) <= rtol * bnorm:
            break
        z = r / diag
        rz_new = r @ z
        d = z + (rz_new / rz) * d
        rz = rz_new
    return x


def _newton_cg(obj, theta, tol, max_iter):
    eta = obj.eta(theta)
    J = obj.value(theta, eta)
    g = obj.gradient(theta, eta)
    gmax = float(np.max(np.abs(g)))
    n_iter = 0
    while gmax > tol and n_iter < max_iter:
        obj.check_separable(theta, eta)
        matvec, diag = obj.hessian_operator(theta, eta)
        diag = np.where(diag > 0, diag, 1.0)
        gn = np.linalg.norm(g)
        step = _pcg(matvec, -g, diag, min(0.5, np.sqrt(gn)), max(20, 2 * obj.n_theta) if obj.n_theta < 100 else 200)
        n_iter += 1
        ls = _line_search(obj, theta, J, g, step, eta)
        if ls is None:
            break
        theta, J, eta, _ = ls
        g = obj.gradient(theta, eta)
        gmax = float(np.max(np.abs(g)))
    return theta, n_iter, gmax, n_iter


#: sparse X with more columns than this gets a diagonal L-BFGS preconditioner instead of the
#: Kronecker one (whose Gram matrix is p × p)
SPARSE_GRAM_MAX = 2048


def _diagonal_preconditioner(obj, a, U, pen, q):
    """The Kronecker preconditioner with ``C`` replaced by its diagonal: per rotated class
    ``k`` and coordinate ``j``, ``1 / (a_k C_jj + 2π_j)``."""
    K, p = obj.K, obj.p
    diagC = np.ones(q)
    X, sw = obj.X, obj.sw
    sq = np.asarray(X.multiply(X).T @ sw).ravel()
    m = obj.m if obj.fit_intercept else np.zeros(p)
    diagC[:p] = np.maximum(sq - m * m, 0.0) / obj.s ** 2
    D = a[:, None] * diagC[None, :] + pen[None, :]                  # (K, q)
    inv = np.divide(1.0, D, out=np.zeros_like(D), where=D > 1e-12 * D.max())

    def apply(v):
        Vt = v[: K * p].reshape(K, p)
        if obj.fit_intercept:
            Vt = np.concatenate([Vt, v[K * p:, None]], axis=1)
        R = U @ (inv * (U.T @ Vt))
        out = R[:, :p].ravel()
        return np.concatenate([out, R[:, p]]) if obj.fit_intercept else out
    return apply


def kronecker_preconditioner(obj, theta, eta=None):
    r"""``v ↦ (A ⊗ C + diag(2π))⁻¹ v``: the inverse of a Kronecker-factored Hessian at θ.

    The data Hessian is ``Σ_i sw_i M_i ⊗ z̃_i z̃_iᵀ`` with ``M_i = diag(p_i) − p_i p_iᵀ``
    (``K × K``; ``p(1−p)`` for the binary loss) and ``z̃_i = (z_i, 1)`` (the ``1`` only with an
    intercept). Replacing ``M_i`` by its mean ``A = Σ_i sw_i M_i`` gives ``A ⊗ C`` with the
    Gram matrix ``C = Σ_i sw_i z̃_i z̃_iᵀ`` (``p+1`` square, formed once). With ``A = U diag(a)
    Uᵀ`` the matrix is block diagonal in the rotated classes: ``a_k C + diag(2π̃)``, ``K``
    small factorizations, whatever the penalty weights. ``C`` captures the correlation of the
    features, which is what makes the problem ill-conditioned. The class direction ``1`` that
    the loss cannot see (``a = 0``) is inverted on the penalized coordinates and set to zero on
    the others (the gradient has no component there).

    Returns
    -------
    callable mapping an ndarray of shape (n_theta,) to one of the same shape.
    """
    eta = obj.eta(theta) if eta is None else eta
    K, p, sw = obj.K, obj.p, obj.sw
    if obj.binary:
        A = np.array([[obj.datafit.hessian_diag(obj.Y, eta, sw).sum()]])
    else:
        A = obj.datafit.mean_hessian(eta, sw)
    q = p + 1 if obj.fit_intercept else p
    pen = np.zeros(q)
    pen[:p] = obj.penalty.hessian_diag(np.zeros(p))
    a, U = np.linalg.eigh(A)
    if sp.issparse(obj.X):
        G, cross, _ = obj.weighted_gram(sw) if p <= SPARSE_GRAM_MAX else (None, None, None)
        if G is None:        # text-sized p: the diagonal of C (unit spread when standardized)
            return _diagonal_preconditioner(obj, a, U, pen, q)
        C = np.empty((q, q))
        C[:p, :p] = G
        if obj.fit_intercept:
            C[:p, p] = C[p, :p] = cross
            C[p, p] = 1.0
    else:
        centred = obj.fit_intercept and np.any(obj.m != 0)
        B = obj.X - obj.m if centred else obj.X.copy()
        B *= np.sqrt(sw)[:, None]
        C = np.empty((q, q))
        C[:p, :p] = (B.T @ B) / np.outer(obj.s, obj.s)
        if obj.fit_intercept:
            C[:p, p] = C[p, :p] = (np.sqrt(sw) @ B) / obj.s
            C[p, p] = 1.0
    inv = np.empty((K, q, q))
    for k in range(K):
        if a[k] > 1e-10 * a[-1]:
            inv[k] = np.linalg.inv(a[k] * C + np.diag(pen))
        else:
            inv[k] = np.diag(np.divide(1.0, pen, out=np.zeros(q), where=pen > 0))

    def apply(v):
        Vt = v[: K * p].reshape(K, p)
        if obj.fit_intercept:
            Vt = np.concatenate([Vt, v[K * p:, None]], axis=1)   # (K, q)
        R = U @ np.einsum("kij,kj->ki", inv, U.T @ Vt)
        return np.concatenate([R[:, :p].ravel(), R[:, p]]) if obj.fit_intercept else R.ravel()

    return apply


def _lbfgs(obj, theta, tol, max_iter, memory=10):
    """L-BFGS whose initial inverse Hessian is :func:`kronecker_preconditioner` at the start."""
    eta = obj.eta(theta)
    J, g, _ = obj.value_and_gradient(theta, eta)
    precond = kronecker_preconditioner(obj, theta, eta)
    S, Yd = [], []
    gmax = float(np.max(np.abs(g)))
    n_iter = 0
    stalled = False
    while gmax > tol and n_iter < max_iter:
        obj.check_separable(theta, eta)
        # two-loop recursion
        q = g.copy()
        alphas = []
        for s_, y_ in zip(reversed(S), reversed(Yd)):
            al = (s_ @ q) / (y_ @ s_)
            alphas.append(al)
            q -= al * y_
        r = precond(q)
        for (s_, y_), al in zip(zip(S, Yd), reversed(alphas)):
            r += (al - (y_ @ r) / (y_ @ s_)) * s_
        step = -r
        slope = float(g @ step)
        if slope >= 0:
            S, Yd = [], []
            step, slope = -precond(g), -float(g @ precond(g))
        # η is linear in θ: one pass gives every trial point of the line search
        eta_step = obj.linear_predictor(step)

        def trial(t):
            eta_c = eta + t * eta_step
            J_c, g_c, _ = obj.value_and_gradient(theta + t * step, eta_c)
            return J_c, (eta_c, g_c)

        ls = backtrack(trial, J, slope, flat=lambda t, J_c, st: (within_rounding(J_c, J)
                                                                   and np.max(np.abs(st[1])) < gmax))
        n_iter += 1
        if ls is None:
            stalled = True
            break
        t, J_c, (eta_c, g_c) = ls
        s_, y_ = t * step, g_c - g
        if s_ @ y_ > 1e-12 * (y_ @ y_):
            S.append(s_)
            Yd.append(y_)
            if len(S) > memory:
                S.pop(0)
                Yd.pop(0)
        theta = theta + s_
        eta, J, g = eta_c, J_c, g_c
        gmax = float(np.max(np.abs(g)))
    n_newton = 0
    if gmax > tol and (stalled or n_iter < max_iter):
        # round-off stall: Newton-CG's line search also accepts a gradient-shrinking step
        theta, n_newton, gmax, _ = _newton_cg(obj, theta, tol, 10)
    return theta, n_iter + n_newton, gmax, n_newton


def _normalize_multinomial(obj, W, b):
    """Sum-to-zero representative over classes (intercepts, unpenalized columns)."""
    if obj.binary:
        return W, b
    b = b - b.mean()
    free = (obj.f == 0) | (obj.lam == 0)
    free = np.broadcast_to(free, (obj.p,))
    if np.any(free):
        W = W.copy()
        W[:, free] -= W[:, free].mean(axis=0)
    return W, b


def _run(obj, theta, solver, tol, max_iter, cache, threads):
    if solver == "newton-cholesky":
        cache = cache if cache is not None else _HessianCache()
        cache.threads = threads
        n_hess0 = cache.n_hessian
        theta, n_iter, gmax, n_hess = _newton_cholesky(obj, theta, tol, max_iter, cache)
        return theta, n_iter, gmax, n_hess - n_hess0
    if solver == "newton-cg":
        return _newton_cg(obj, theta, tol, max_iter)
    return _lbfgs(obj, theta, tol, max_iter)


def _default_max_iter(solver):
    return 1000 if solver == "lbfgs" else 100


def solve_smooth(obj: SmoothObjective, *, theta0=None, solver: str = "auto", tol: float = 1e-8,
                 max_iter: int | None = None, cache: _HessianCache | None = None,
                 warn: bool = True) -> SmoothResult:
    """Minimize the objective ``obj`` (a :class:`SmoothObjective` at its current λ).

    Parameters
    ----------
    obj : SmoothObjective
    theta0 : ndarray of shape (n_theta,), optional
        Warm start in θ-coordinates (zeros by default).
    solver : {"auto", "newton-cholesky", "newton-cg", "lbfgs"}
    tol : float
        Stop when ``max |∇_θ J| ≤ tol`` (see the module docstring).
    max_iter : int, optional
        Newton steps (default 100) or L-BFGS iterations (default 1000).
    cache : optional
        Hessian cache shared along a path (Newton-Cholesky).
    warn : bool
        Emit ``ConvergenceWarning`` on non-convergence or separation.

    Returns
    -------
    SmoothResult
    """
    if solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {solver!r}")
    if solver == "auto":
        solver = choose_solver(obj.p, obj.K)
    max_iter = _default_max_iter(solver) if max_iter is None else int(max_iter)
    theta = np.zeros(obj.n_theta) if theta0 is None else np.array(theta0, dtype=float)
    separable = False
    try:
        with one_blas_thread() as threads:
            theta, n_iter, gmax, n_hess = _run(obj, theta, solver, tol, max_iter, cache, threads)
    except Separable as e:
        theta, separable = e.theta, True
        n_iter, n_hess, gmax = -1, 0, float(np.max(np.abs(obj.gradient(theta))))
        if warn:
            warn_user(
                "the classes are linearly separable and lam=0: the unpenalized maximum-likelihood "
                "coefficients are infinite, so the solver stopped at a separating solution; use "
                "lam > 0 (e.g. lam=1e-4) for a finite, unique answer",
                ConvergenceWarning)
    converged = gmax <= tol
    if not converged and not separable and warn:
        warn_user(
            f"{solver} did not reach tol={tol:g} in {n_iter} iterations (max |gradient| = "
            f"{gmax:.3g}); increase max_iter, loosen tol, or increase lam",
            ConvergenceWarning)
    W, b = obj.to_original(theta)
    W, b = _normalize_multinomial(obj, W, b)
    return SmoothResult(W, b, theta, max(n_iter, 0), gmax, converged, separable, solver, n_hess)


def solve_smooth_path(obj: SmoothObjective, lams, *, solver: str = "auto", tol: float = 1e-8,
                      max_iter: int | None = None, theta0=None, warn: bool = True,
                      df: bool = False, hessian=None):
    """Solve for each λ in ``lams`` in the given order (largest first), warm-starting each fit
    at the previous solution and sharing the Newton-Cholesky Hessian along the path.

    **Warm starts.** The first step at a new λ reuses the data Hessian kept from the previous
    λ, refactored with the new penalty (``p³/3``, no pass over ``X``): it is the first-order
    predictor of the path (``dθ/dλ = −(H + 2Π)⁻¹ 2 (dΠ/dλ) V``) and, at the spacing of the
    default grids, usually meets ``tol`` after one or two such steps. When the previous
    solution already meets ``tol`` at the new λ nothing is computed (its gradient is known).

    ``hessian``: a data Hessian to start from (``path[-1].hessian`` of an earlier call on the
    same objective, continuing the path; ``(n_theta, n_theta)``, a few KB): the walk then goes
    on as if it had never stopped.

    ``df=True`` (where the ``"auto"`` rule forms the Hessian, whatever ``solver``; NaN
    otherwise, as forming it per λ would cost more than the path): the data Hessian is formed
    once more at
    each solution, giving the effective degrees of freedom there
    (:func:`~shrinkage.solvers.objective.smooth_effective_df`, ``SmoothResult.df``), and kept
    as the first Newton matrix of the next λ, so that the df cost one Hessian per λ and no
    extra pass otherwise.

    Returns
    -------
    list of SmoothResult, one per λ.
    """
    cache = _HessianCache()
    cache.H = hessian
    out = []
    theta = theta0
    small = choose_solver(obj.p, obj.K) == "newton-cholesky"   # the Hessian is cheap to form
    for lam in lams:
        obj.set_lam(lam)
        res = solve_smooth(obj, theta0=theta, solver=solver, tol=tol, max_iter=max_iter,
                           cache=cache, warn=warn)
        theta = res.theta
        if df and small:
            with one_blas_thread() as threads:
                if obj.binary and cache.buf is None:
                    cache.buf = np.empty_like(obj.X)
                H = obj.data_hessian(theta, buf=cache.buf,
                                     threads=threads_for(threads, obj.n * obj.p ** 2 // 2))
                res.df = smooth_effective_df(obj, H)
            cache.H, cache.factor = H, None
            cache.n_hessian += 1
        out.append(res)
    if out:
        out[-1].hessian = cache.H
    return out
