r"""Second-order solvers for a smooth datafit plus the L2 penalty (logistic, softmax).

The problem
-----------
With ``sw_i = s_i / S`` (weights summing to one) and ``K`` linear predictors (``K = 1`` for the
binary logistic loss, ``K`` classes for the softmax cross-entropy), we minimize over
``W`` (``K × p``) and ``b`` (``K``)::

    J(W, b) = Σ_i sw_i ℓ(y_i, W x_i + b)  +  λ Σ_k Σ_j f_j W_kj²

(:mod:`shrinkage.conventions`; ``f_j`` already includes ``sd_j²`` when the estimator
standardizes).

Coordinates
-----------
The solvers work in centred and scaled coordinates ``θ = (V, c)`` with ``W = V / s`` (column
scale ``s``) and ``b = c − W m`` (column mean ``m``, zero without an intercept), so that::

    η = X Wᵀ + b = ((X − m) / s) Vᵀ + c  =  Z Vᵀ + c.

``Z`` is never formed: ``η = X (V/s)ᵀ + (c − (V/s) m)`` and ``Zᵀ G = (Xᵀ G − m Σ_i G_i) / s``.
In these coordinates the Hessian is much better conditioned (the intercept decouples from the
coefficients, and every column has unit spread), which is what L-BFGS and CG need; Newton is
affine invariant and does not care. The penalty reads ``Σ_kj π_j V_kj²`` with
``π_j = λ f_j / s_j²``. The gradient is::

    ∇_V J = Gᵀ Z + 2 π ⊙ V,    ∇_c J = Σ_i G_i,     G = ∂(Σ sw ℓ)/∂η   (n × K)

and a Hessian-vector product with a direction ``(dV, dc)`` is ``Zᵀ R + 2 π ⊙ dV`` with
``R = ∂²(Σ sw ℓ)/∂η² [Z dVᵀ + dc]`` (the datafit's ``hessian_product``).

**Optimality certificate.** Every solver stops when ``max |∇_θ J| ≤ tol``: the largest
partial derivative of the full objective with respect to a *standardized* coefficient or an
intercept. It does not depend on the units of the features.

Solvers
-------
``"newton-cholesky"``
    Newton's method with the Hessian formed and factored. Binary: the data part is
    ``Zᵀ D Z`` with ``D = diag(sw p(1−p))``, formed as one symmetric rank-``n`` update
    ``Bᵀ B`` with ``B = (X − m) ⊙ √D`` (BLAS ``syrk``, half the flops of a general product)
    and scaled by ``1/s`` on both sides (in row blocks on parallel threads, see *Threads*). Softmax: the ``K(p+1)`` square Hessian is assembled
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

Separation
----------
With ``λ = 0`` the maximum-likelihood estimate does not exist when the classes are linearly
separable: the loss decreases towards 0 as ``‖W‖ → ∞``. Each datafit term is at least
``log 2 · sw_i`` for a sample that is not classified correctly with probability > ½, so once
the data term falls below ``log 2 · min_i sw_i`` every sample is separated; the solvers then
stop and warn (``ConvergenceWarning``) instead of walking off to infinity.

Multinomial identifiability
---------------------------
Adding a vector to every row of ``W`` (or a constant to every intercept) leaves the softmax
unchanged. The penalty picks the rows that sum to zero over classes; for unpenalized columns and
for the intercepts, :func:`solve_smooth` returns the representative whose entries sum to zero
over the classes.
"""

from __future__ import annotations

import warnings
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from itertools import pairwise

import numpy as np
import scipy.linalg as sla
from scipy.special import log_expit
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import ThreadpoolController

from ..datafits import Logistic, SoftmaxCrossEntropy

__all__ = ["SOLVERS", "SmoothObjective", "SmoothResult", "choose_solver",
           "kronecker_preconditioner", "solve_smooth", "solve_smooth_path"]

SOLVERS = ("auto", "newton-cholesky", "newton-cg", "lbfgs")
_LOG2 = float(np.log(2.0))
_CONTRACT = 0.25   # refresh the Hessian after a reused one contracted the gradient less than 4×


class _Separable(Exception):
    def __init__(self, theta):
        self.theta = theta


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


class SmoothObjective:
    r"""``J(θ)`` of the module docstring, its gradient, Hessian-vector products and Hessian.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Float64 features (never copied or modified).
    Y : ndarray of shape (n_samples,) or (n_samples, K)
        ``y ∈ {0, 1}`` for the binary logistic loss, one-hot ``Y`` for softmax.
    sw : ndarray of shape (n_samples,)
        Sample weights summing to one.
    lam : float
        λ ≥ 0.
    penalty_factor : ndarray of shape (n_features,) or None
        Factors ``f_j`` on the *raw* coefficients (include ``sd_j²`` to standardize).
    fit_intercept : bool
    x_mean, x_scale : ndarray of shape (n_features,)
        The reparametrization ``W = V / s``, ``b = c − W m`` (use the weighted mean, zero
        without an intercept, and the weighted standard deviation).
    """

    def __init__(self, X, Y, sw, lam, penalty_factor=None, *, fit_intercept=True,
                 x_mean=None, x_scale=None):
        self.X, self.Y, self.sw = X, Y, sw
        self.n, self.p = X.shape
        self.binary = Y.ndim == 1
        self.K = 1 if self.binary else Y.shape[1]
        self.datafit = Logistic() if self.binary else SoftmaxCrossEntropy()
        self.fit_intercept = bool(fit_intercept)
        self.m = np.zeros(self.p) if (x_mean is None or not fit_intercept) else np.asarray(x_mean, float)
        self.s = np.ones(self.p) if x_scale is None else np.asarray(x_scale, float)
        self.f = np.ones(self.p) if penalty_factor is None else np.asarray(penalty_factor, float)
        self.min_sw = float(sw[sw > 0].min())
        self._y_idx = None if self.binary else np.argmax(Y, axis=1)
        self._y_flat = None
        # binary labels exactly 0/1: log(1 + e^η) − yη = −log σ((2y − 1)η), one log σ per row
        self._sign = (2.0 * Y - 1.0 if self.binary and np.all((Y == 0) | (Y == 1)) else None)
        self._memo = {}
        self.set_lam(lam)

    # -- parameters -------------------------------------------------------------------------
    def set_lam(self, lam):
        self.lam = float(lam)
        self.pi = self.lam * self.f / self.s ** 2          # penalty weights in θ-coordinates
        self.unpenalized = self.lam == 0 or bool(np.any(self.f == 0))

    @property
    def n_theta(self):
        return self.K * self.p + (self.K if self.fit_intercept else 0)

    def split(self, theta):
        V = theta[: self.K * self.p].reshape(self.K, self.p)
        c = theta[self.K * self.p:] if self.fit_intercept else np.zeros(self.K)
        return V, c

    def to_original(self, theta):
        """``(W, b)`` of shape (K, p), (K,) on the original feature scale."""
        V, c = self.split(theta)
        W = V / self.s
        b = c - W @ self.m
        return W, b

    def from_original(self, W, b):
        W = np.asarray(W, float).reshape(self.K, self.p)
        V = W * self.s
        parts = [V.ravel()]
        if self.fit_intercept:
            parts.append(np.asarray(b, float).reshape(self.K) + W @ self.m)
        return np.concatenate(parts)

    # -- objective --------------------------------------------------------------------------
    def eta(self, theta):
        """``η`` at θ, remembered for the last θ: along a path the first evaluation at a new λ
        is at the previous solution, whose η (and data gradient) are already known."""
        key = self._memo.get("theta")
        if key is not None and key.shape == theta.shape and np.array_equal(key, theta):
            return self._memo["eta"]
        eta = self._eta(theta)
        self._memo = {"theta": theta.copy(), "eta": eta}
        return eta

    def _eta(self, theta):
        V, c = self.split(theta)
        W = V / self.s
        off = c - W @ self.m
        if self.binary:
            return self.X @ W[0] + off[0]
        return self.X @ W.T + off

    def _Zt(self, G):
        """``Zᵀ G`` as (K, p) for G of shape (n,) or (n, K)."""
        G2 = G[:, None] if G.ndim == 1 else G
        return (G2.T @ self.X - np.outer(G2.sum(axis=0), self.m)) / self.s

    def value(self, theta, eta=None):
        eta = self.eta(theta) if eta is None else eta
        V, _ = self.split(theta)
        return self.data_value(eta) + float(np.sum(self.pi * V * V))

    def value_and_gradient(self, theta, eta=None):
        """``(J, ∇J, data term)`` with one exponential per entry of η (the L-BFGS oracle)."""
        eta = self.eta(theta) if eta is None else eta
        V, _ = self.split(theta)
        if self.binary:
            data = self.data_value(eta)
            G = self.datafit.gradient(self.Y, eta, self.sw)
        else:
            # flat positions of the observed classes: 1-d take/put beat 2-d fancy indexing
            if self._y_flat is None:
                self._y_flat = np.arange(self.n) * self.K + self._y_idx
            mx = eta.max(axis=1)
            E = eta - mx[:, None]
            np.exp(E, out=E)
            tot = E @ np.ones(self.K)               # row sums (a BLAS pass beats a reduction)
            data = float(self.sw @ (np.log(tot) + mx - eta.ravel().take(self._y_flat)))
            E *= (self.sw / tot)[:, None]           # sw ⊙ probabilities
            Ef = E.ravel()
            Ef[self._y_flat] -= self.sw
            G = E
        gV = self._Zt(G) + 2.0 * self.pi * V
        J = data + float(np.sum(self.pi * V * V))
        if not self.fit_intercept:
            return J, gV.ravel(), data
        return J, np.concatenate([gV.ravel(), np.atleast_1d(G.sum(axis=0))]), data

    def data_value(self, eta):
        if self._sign is not None:
            return -float(self.sw @ log_expit(self._sign * eta))
        return self.datafit.value(self.Y, eta, self.sw)

    def gradient(self, theta, eta=None):
        eta = self.eta(theta) if eta is None else eta
        V, _ = self.split(theta)
        if self._memo.get("eta") is eta and "grad" in self._memo:
            ZtG, gc = self._memo["grad"]
        else:
            G = self.datafit.gradient(self.Y, eta, self.sw)
            ZtG, gc = self._Zt(G), np.atleast_1d(G.sum(axis=0))
            if self._memo.get("eta") is eta:
                self._memo["grad"] = (ZtG, gc)
        gV = ZtG + 2.0 * self.pi * V
        if not self.fit_intercept:
            return gV.ravel()
        return np.concatenate([gV.ravel(), gc])

    def hessian_operator(self, theta, eta=None):
        """``(matvec, diag)``: Hessian-vector product at θ and the diagonal preconditioner."""
        eta = self.eta(theta) if eta is None else eta
        if self.binary:
            d = self.datafit.hessian_diag(self.Y, eta, self.sw)
            dsum = np.array([d.sum()])

            def curv(u):
                return d * u
        else:
            P = SoftmaxCrossEntropy.probabilities(eta)
            dsum = (self.sw[:, None] * P * (1.0 - P)).sum(axis=0)

            def curv(u):
                return self.datafit.hessian_product(self.Y, eta, self.sw, u, p=P)

        def matvec(v):
            dV, dc = self.split(v)
            R = curv(self._eta(v))   # η is linear in θ: this is Z dVᵀ + dc
            out = self._Zt(R) + 2.0 * self.pi * dV
            if not self.fit_intercept:
                return out.ravel()
            return np.concatenate([out.ravel(), np.atleast_1d(R.sum(axis=0))])

        diag_V = dsum[:, None] + 2.0 * self.pi[None, :]
        diag = np.concatenate([diag_V.ravel(), dsum]) if self.fit_intercept else diag_V.ravel()
        return matvec, diag

    def data_hessian(self, theta, eta=None, buf=None, threads=1):
        """The data part of the Hessian in θ-coordinates, shape (n_theta, n_theta), upper
        triangle valid (binary) or full (softmax). ``threads > 1`` forms the binary Gram matrix
        in that many row blocks at once (see :func:`_sum_over_row_blocks`)."""
        eta = self.eta(theta) if eta is None else eta
        X, m, s, K, p = self.X, self.m, self.s, self.K, self.p
        centred = self.fit_intercept and np.any(m != 0)
        if self.binary:
            d = self.datafit.hessian_diag(self.Y, eta, self.sw)
            sq = np.sqrt(d)
            if buf is None:
                buf = np.empty_like(X)

            def gram(rows):
                B = buf[rows]
                if centred:
                    np.subtract(X[rows], m, out=B)
                    B *= sq[rows, None]
                else:
                    np.multiply(X[rows], sq[rows, None], out=B)
                # B.T is Fortran-ordered (p, rows): numpy dispatches Bᵀ B to BLAS syrk
                return B.T @ B

            H = np.zeros((self.n_theta, self.n_theta))
            H[:p, :p] = _sum_over_row_blocks(gram, self.n, threads)
            H[:p, :p] /= np.outer(s, s)
            if self.fit_intercept:
                H[:p, p] = (sq @ buf) / s
                H[p, p] = d.sum()
            return H
        Pm = SoftmaxCrossEntropy.probabilities(eta)
        Xc = X - m if centred else X
        n_th = self.n_theta
        H = np.zeros((n_th, n_th))
        base = K * p
        for k in range(K):
            for l in range(k, K):
                w = self.sw * Pm[:, k] * ((1.0 if k == l else 0.0) - Pm[:, l])
                T = Xc * w[:, None]
                blk = (T.T @ Xc) / np.outer(s, s)
                H[k * p:(k + 1) * p, l * p:(l + 1) * p] = blk
                H[l * p:(l + 1) * p, k * p:(k + 1) * p] = blk.T
                if self.fit_intercept:
                    cross = T.sum(axis=0) / s
                    H[k * p:(k + 1) * p, base + l] = cross
                    H[l * p:(l + 1) * p, base + k] = cross
                    H[base + k, base + l] = H[base + l, base + k] = w.sum()
        return H

    def add_penalty_hessian(self, H):
        """``H + diag(2π)`` plus, for softmax, ``μ 11ᵀ`` over the classes of each direction
        that the loss cannot see (the intercepts, unpenalized columns). That term vanishes at
        the sum-to-zero representative and makes the matrix positive definite without changing
        the Newton step on the identified directions (the gradient is orthogonal to 1)."""
        H = H + np.diag(self.penalty_diag())
        if self.binary:
            return H
        K, p = self.K, self.p
        dg = np.diag(H)
        free = np.flatnonzero(np.broadcast_to((self.f == 0) | (self.lam == 0), (p,)))
        groups = [np.arange(K) * p + j for j in free]
        if self.fit_intercept:
            groups.append(K * p + np.arange(K))
        for idx in groups:
            mu = max(float(dg[idx].mean()), 1e-12)
            H[np.ix_(idx, idx)] += mu / K
        return H

    def penalty_diag(self):
        pd = np.tile(2.0 * self.pi, self.K)
        return np.concatenate([pd, np.zeros(self.K)]) if self.fit_intercept else pd

    def check_separable(self, theta, eta):
        if self.lam == 0 and self.data_value(eta) < _LOG2 * self.min_sw:
            raise _Separable(theta)


# -- BLAS threads -----------------------------------------------------------------------------
#: A product of fewer multiply-adds than this runs on one BLAS thread (the rule of
#: ``nn.estimators``): the passes over ``X`` (``n·p·K``) are memory-bound, and on a busy machine
#: waking and spinning a second thread made them 5–20× slower. Forming a large Hessian
#: (``n·p²``) keeps the threads the caller allowed.
_THREADED_WORK = 50_000_000
_controller = None


def _blas_controller():
    global _controller
    if _controller is None:          # scanning the loaded libraries costs ~ms: once
        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


@contextmanager
def _one_blas_thread():
    """BLAS pools (NumPy's and SciPy's OpenBLAS are separate) limited to one thread inside the
    solver; yields the number of threads the caller had, for the products worth threading.
    One thread in both pools also keeps the small ``p × p`` factorizations (SciPy's pool) from
    fighting NumPy's spinning threads (0.2 s per 201 × 201 Cholesky was measured)."""
    ctl = _blas_controller()
    outer = max((lc.num_threads for lc in ctl.lib_controllers), default=1)
    if outer <= 1:
        yield 1
        return
    with ctl.limit(limits=1):
        yield outer


def _threads_for(threads, work):
    """Threads worth using for a product of ``work`` multiply-adds."""
    return threads if work >= _THREADED_WORK else 1


def _sum_over_row_blocks(fn, n, threads):
    """``Σ_b fn(rows_b)`` over ``threads`` contiguous row blocks, computed concurrently.

    Each block is one single-threaded BLAS call, so a descheduled thread only delays its own
    block: on a busy machine OpenBLAS's own threads, which meet at a barrier many times per
    call, made the ``n × p²`` Gram product 4–10× slower than one thread; blocks are as fast as
    one thread there and twice as fast on idle cores."""
    if threads <= 1:
        return fn(slice(0, n))
    edges = np.linspace(0, n, threads + 1).astype(int)
    blocks = [slice(a, b) for a, b in pairwise(edges)]
    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(fn, blocks))


# -- helpers ----------------------------------------------------------------------------------
def choose_solver(n_features: int, n_classes_eff: int) -> str:
    """The ``"auto"`` rule of the module docstring."""
    size = n_classes_eff * (n_features + 1)
    limit = 1500 if n_classes_eff == 1 else 200
    if size <= limit:
        return "newton-cholesky"
    return "newton-cg" if n_classes_eff == 1 else "lbfgs"


def _line_search(obj, theta, J, g, step, eta):
    """Armijo backtracking; returns (theta, J, eta, t) at the accepted point."""
    slope = float(g @ step)
    if slope >= 0:  # not a descent direction (round-off at the optimum)
        return None
    t = 1.0
    for _ in range(40):
        cand = theta + t * step
        eta_c = obj.eta(cand)
        J_c = obj.value(cand, eta_c)
        if J_c <= J + 1e-4 * t * slope:
            return cand, J_c, eta_c, t
        # within round-off of J: accept if the gradient shrinks (the objective is flat at
        # machine precision near the optimum, so Armijo cannot be checked there)
        if t == 1.0 and abs(J_c - J) <= 64 * np.finfo(float).eps * max(abs(J), 1.0):
            g_c = obj.gradient(cand, eta_c)
            if np.max(np.abs(g_c)) < np.max(np.abs(g)):
                return cand, J_c, eta_c, t
        t *= 0.5
    return None


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
            if obj.binary and cache.buf is None:
                cache.buf = np.empty_like(obj.X)
            threads = _threads_for(cache.threads, obj.n * obj.p ** 2 // 2)
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
        # refresh after a reused Hessian that contracted poorly, or after a damped step
        fresh = (not fresh and gmax_new > _CONTRACT * gmax) or t < 1.0
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
        d = obj.datafit.hessian_diag(obj.Y, eta, sw)
        A = np.array([[d.sum()]])
    else:
        P = SoftmaxCrossEntropy.probabilities(eta)
        PW = P * sw[:, None]
        A = np.diag(PW.sum(axis=0)) - PW.T @ P
    centred = obj.fit_intercept and np.any(obj.m != 0)
    B = obj.X - obj.m if centred else obj.X.copy()
    B *= np.sqrt(sw)[:, None]
    q = p + 1 if obj.fit_intercept else p
    C = np.empty((q, q))
    C[:p, :p] = (B.T @ B) / np.outer(obj.s, obj.s)
    if obj.fit_intercept:
        C[:p, p] = C[p, :p] = (np.sqrt(sw) @ B) / obj.s
        C[p, p] = 1.0
    pen = np.zeros(q)
    pen[:p] = 2.0 * obj.pi
    a, U = np.linalg.eigh(A)
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
    J, g, data = obj.value_and_gradient(theta, eta)
    precond = kronecker_preconditioner(obj, theta, eta)
    S, Yd = [], []
    gmax = float(np.max(np.abs(g)))
    n_iter = 0
    stalled = False
    while gmax > tol and n_iter < max_iter:
        if obj.lam == 0 and data < _LOG2 * obj.min_sw:
            raise _Separable(theta)
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
        eta_step = obj._eta(step)
        t, accepted = 1.0, False
        for _ in range(40):
            eta_c = eta + t * eta_step
            J_c, g_c, data_c = obj.value_and_gradient(theta + t * step, eta_c)
            if J_c <= J + 1e-4 * t * slope or (
                    abs(J_c - J) <= 64 * np.finfo(float).eps * max(abs(J), 1.0)
                    and np.max(np.abs(g_c)) < gmax):
                accepted = True
                break
            t *= 0.5
        n_iter += 1
        if not accepted:
            stalled = True
            break
        s_, y_ = t * step, g_c - g
        if s_ @ y_ > 1e-12 * (y_ @ y_):
            S.append(s_)
            Yd.append(y_)
            if len(S) > memory:
                S.pop(0)
                Yd.pop(0)
        theta = theta + s_
        eta, J, g, data = eta_c, J_c, g_c, data_c
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
        with _one_blas_thread() as threads:
            theta, n_iter, gmax, n_hess = _run(obj, theta, solver, tol, max_iter, cache, threads)
    except _Separable as e:
        theta, separable = e.theta, True
        n_iter, n_hess, gmax = -1, 0, float(np.max(np.abs(obj.gradient(theta))))
        if warn:
            warnings.warn(
                "the classes are linearly separable and lam=0: the unpenalized maximum-likelihood "
                "coefficients are infinite, so the solver stopped at a separating solution; use "
                "lam > 0 (e.g. lam=1e-4) for a finite, unique answer",
                ConvergenceWarning, stacklevel=3)
    converged = gmax <= tol
    if not converged and not separable and warn:
        warnings.warn(
            f"{solver} did not reach tol={tol:g} in {n_iter} iterations (max |gradient| = "
            f"{gmax:.3g}); increase max_iter, loosen tol, or increase lam",
            ConvergenceWarning, stacklevel=3)
    W, b = obj.to_original(theta)
    W, b = _normalize_multinomial(obj, W, b)
    return SmoothResult(W, b, theta, max(n_iter, 0), gmax, converged, separable, solver, n_hess)


def solve_smooth_path(obj: SmoothObjective, lams, *, solver: str = "auto", tol: float = 1e-8,
                      max_iter: int | None = None, theta0=None, warn: bool = True):
    """Solve for each λ in ``lams`` in the given order (largest first), warm-starting each fit
    at the previous solution and sharing the Newton-Cholesky Hessian along the path.

    Returns
    -------
    list of SmoothResult, one per λ.
    """
    cache = _HessianCache()
    out = []
    theta = theta0
    for lam in lams:
        obj.set_lam(lam)
        res = solve_smooth(obj, theta0=theta, solver=solver, tol=tol, max_iter=max_iter,
                           cache=cache, warn=warn)
        theta = res.theta
        out.append(res)
    return out
