r"""Ridge on a sparse design (CSR/CSC), never densifying ``X``.

The problem is that of :mod:`shrinkage.solvers.ridge`, written with weights ``sw_i`` summing to
one::

    Σ_i sw_i (ỹ_i − z_iᵀ v)²  +  λ Σ_{j penalized} v_j²,      z_i = (x_i − m) / c

with ``m`` the weighted column means (zero without an intercept), ``c_j = sd_j √f_j`` for a
penalized column and ``sd_j`` for an unpenalized one (``f_j = 0``), ``ỹ = y − ȳ`` and
``w_j = v_j / c_j``. Centring and scaling are implicit: ``Z`` is never formed, only products
with ``X`` (as glmnet and glum do), and the intercept is ``ȳ − mᵀw``.

Two routes:

* **Gram** (only for ``p ≤ GRAM_MAX_FEATURES``): ``G = Σ sw_i z_i z_iᵀ = Xᵀ diag(sw) X / (c cᵀ) −
  m̃ m̃ᵀ`` (``m̃ = m / c``) is formed from the sparse product (a dense ``p × p`` matrix), the
  unpenalized columns are eliminated (their Schur complement, the Gram form of
  Frisch–Waugh–Lovell) and one eigendecomposition of the rest gives the coefficients and ``df =
  Σ d/(d + λ)`` for every λ; one λ > 0 without unpenalized columns takes one Cholesky
  factorization of ``G + λI`` instead (``df`` from its inverse factor), several times cheaper.
  Subtracting ``m̃ m̃ᵀ`` loses about ``eps · (m_j / sd_j)²`` relative accuracy: negligible for
  counts, one-hot and tf-idf columns, whose means are at most of the order of their spread.
* **Conjugate gradients** (:class:`CentredGram`): CG on the normal equations ``(G + λP) v =
  Zᵀ diag(sw) ỹ`` with products ``G u = Xᵀ(sw ⊙ (X ũ − m·ũ)) / c`` (``ũ = u / c``: implicit
  centring, no scaled copy of ``X``) and a Jacobi preconditioner, on one BLAS thread (its vector
  operations have length ``p``: more threads only wait for each other). Each iteration reads
  ``X`` twice. The effective degrees of freedom would need a ``p × p`` factorization and are not
  computed on this route.

  **tol** (``Ridge(tol=...)``, default :data:`CG_TOL` ``= 1e-10``) is the relative residual of
  the normal equations at which CG stops, ``‖b − (G + λP) v‖ ≤ tol · ‖b‖`` with ``b = Zᵀ
  diag(sw) ỹ``. The coefficients' relative error (in the standardized coordinates ``v``) is then
  at most ``cond(G + λP) · tol``: for standardized columns at a moderate λ the condition number
  is in the tens to thousands and the default gives coefficients equal to the exact ones to about
  1e-8 or better; at a tiny λ, without standardization, or with collinear columns it can be large,
  and a smaller ``tol`` (down to about 1e-14) is needed. The Gram route is direct and ignores
  ``tol``.

**Which route** (:func:`solve_sparse_ridge`): beyond ``GRAM_MAX_FEATURES`` columns CG alone.
Up to it, a cost rule (:func:`gram_cost`, :func:`cg_budget`): the Gram route costs about ``Σ_i
nnz_i²`` multiply-adds of the sparse product, ``p²`` for its dense copy and ``2p³/3`` flops of
factorization, one CG iteration about ``2 nnz + 4n + 8p`` (two sparse products and the vector
updates), with constants measured on one core; CG runs first within the iterations that cost as
much as the Gram route and, if it has not reached ``tol`` by then, the Gram route solves. The
worst case therefore costs about twice the Gram route, and a well-conditioned problem (most with
standardized columns) is solved in a few CG iterations: on 50,000 × 1,000 at 0.5–1 % the
Gram product and factorization cost about 60 iterations, CG needs about 12.

Leave-one-out, GCV and the evidence (:func:`sparse_decompose`, up to ``GRAM_MAX_FEATURES``
columns): ``ZᵀZ = S·G`` (``S = Σ s_i``) is decomposed once, ``ZᵀZ = V diag(d²) Vᵀ``, into a
:class:`~shrinkage.solvers.ridge.RidgeDecomposition` whose design is an :class:`ImplicitDesign`:
the leverages ``h_ii = Σ_k P_ik² / (d_k² + α) + s_i/S`` and the fitted values need the rows of
``P = ZV = diag(√s)(X(V/c) − 1 (m̃ᵀV))``, formed a block of rows at a time from the sparse rows
(never an ``n × p`` dense array). Unpenalized columns (``f_j = 0``) are projected out on the
Gram matrix: ``Z_UᵀZ_U = RᵀR`` (Cholesky), ``Q = Z_U R⁻¹`` (``n × q``, dense: ``q`` is small)
enters the leverages as ``Σ_j Q_ij²``, and the penalized columns become ``Z_P − Z_U G_UU⁻¹G_UP``
(:class:`ImplicitDesign`'s ``lift``), exactly what the dense QR projection gives. The Gram route
has no SVD fallback: at ``Sλ`` below about ``1e-10 · d²_max`` the scores carry a relative error
of about ``eps · d²_max / (Sλ)``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..datafits import normalized_weights
from ..standardization import column_stats, sparse_columns
from .._threads import one_blas_thread
from .ridge import RidgeDecomposition, RidgeProblem, cholesky_gram_solve

__all__ = ["CG_TOL", "GRAM_MAX_FEATURES", "CentredGram", "SparseRidge", "cg_budget", "gram_cost",
           "solve_sparse_ridge", "scaled_gram", "sparse_decompose",
           "ImplicitDesign"]

#: above this many columns the sparse route solves by conjugate gradients (a p × p Gram matrix
#: of 2048² doubles is 32 MB and its eigendecomposition a few seconds on one core)
GRAM_MAX_FEATURES = 2048

#: the default relative residual of the conjugate-gradient route (``Ridge(tol=...)``)
CG_TOL = 1e-10

_EPS = np.finfo(np.float64).eps


def _prepare(X, y2, sample_weight, fit_intercept, standardize, penalty_factor):
    n, p = X.shape
    sw = normalized_weights(sample_weight, n, dtype=np.float64)
    m, sd = column_stats(X, sw, fit_intercept, standardize)
    m, sd = np.asarray(m, np.float64), np.asarray(sd, np.float64)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, np.float64)
    pen = f > 0
    c = sd.copy()
    c[pen] *= np.sqrt(f[pen])
    y_mean = sw @ y2 if fit_intercept else np.zeros(y2.shape[1])
    ty = y2 - y_mean
    return sw, m, c, pen, y_mean, ty


def _coefficients(v, c, m, y_mean, fit_intercept):
    coef = v / c[:, None]                                  # (p, t)
    intercept = y_mean - m @ coef if fit_intercept else np.zeros(v.shape[1])
    return coef.T, intercept


class SparseRidge:
    """A ridge problem on a CSR/CSC ``X`` prepared for conjugate gradients (module docstring):
    weights ``sw`` (summing to one), means ``m``, scales ``c``, the penalized columns, the
    centred targets and the right-hand side ``Zᵀ diag(sw) ỹ``; :meth:`solve` warm-starts from
    any earlier solution (a λ path), :meth:`coefficients` maps back to the original scale."""

    def __init__(self, X, y, sample_weight=None, *, fit_intercept=True, standardize=True,
                 penalty_factor=None):
        self.X = X.tocsr() if X.format not in ("csr", "csc") else X
        y2 = np.asarray(y, dtype=np.float64)
        self.y2 = y2[:, None] if y2.ndim == 1 else y2
        self.sw, self.m, self.c, self.pen, self.y_mean, ty = _prepare(
            self.X, self.y2, sample_weight, fit_intercept, standardize, penalty_factor)
        self.fit_intercept = fit_intercept
        self.mt = self.m / self.c
        p, t = self.X.shape[1], self.y2.shape[1]
        self.rhs = np.asarray(self.X.T @ (self.sw[:, None] * ty)).reshape(p, t) / self.c[:, None]
        self._op = None

    @property
    def gram(self):
        """The :class:`CentredGram` operator (its diagonal costs a pass over ``X``)."""
        if self._op is None:
            self._op = CentredGram(self.X, self.c, self.mt, self.sw)
        return self._op

    def solve(self, lam, *, tol=CG_TOL, max_iter=None, x0=None):
        """``(V, n_iter, converged)`` at one λ per target (scalar or (t,)), in the scaled
        coordinates, on one BLAS thread (vector operations of length ``p``: threads only wait)."""
        lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), (self.rhs.shape[1],))
        with one_blas_thread():
            return self.gram.solve(self.rhs, lam[None, :] * self.pen[:, None], tol=tol,
                                   max_iter=max_iter, x0=x0)

    def coefficients(self, v):
        """``(coef (t, p), intercept (t,))`` on the original scale from scaled ``v`` (p, t)."""
        return _coefficients(v, self.c, self.m, self.y_mean, self.fit_intercept)


def warn_cg(n_iter, tol):
    """The warning of conjugate gradients stopped by ``max_iter``."""
    from .._warnings import warn_user
    from sklearn.exceptions import ConvergenceWarning
    warn_user(f"conjugate gradients stopped after {n_iter} iterations short of the relative "
              f"residual tol={tol:g}; raise max_iter, tol or λ", ConvergenceWarning)


def solve_sparse_ridge(X, y, lam, sample_weight=None, *, fit_intercept=True, standardize=True,
                       penalty_factor=None, tol=CG_TOL, max_iter=None):
    """Ridge on a CSR/CSC ``X`` at one λ per target (scalar or shape (t,)).

    The route is chosen by :func:`cg_budget` (module docstring): conjugate gradients when ``p >
    GRAM_MAX_FEATURES``; otherwise CG within an iteration budget that costs as much as the Gram
    route, and the Gram route if CG has not reached ``tol`` within it (or the budget is below 2
    iterations).

    Returns ``(coef (t, p), intercept (t,), df (t,) or None, n_iter)``: ``df`` (intercept
    excluded, unpenalized columns counted) on the Gram route, ``None`` on the CG route;
    ``n_iter`` is 1 on the Gram route and the largest number of CG iterations otherwise.
    """
    prob = SparseRidge(X, y, sample_weight, fit_intercept=fit_intercept,
                       standardize=standardize, penalty_factor=penalty_factor)
    X, t = prob.X, prob.y2.shape[1]
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), (t,))
    budget = None if X.shape[1] > GRAM_MAX_FEATURES else cg_budget(X, t)
    if budget is None or budget >= 2:
        v, n_iter, ok = prob.solve(lam, tol=tol, max_iter=max_iter if budget is None else budget)
        if budget is None or ok.all():
            if not ok.all():
                warn_cg(n_iter, tol)
            return (*prob.coefficients(v), None, n_iter)
    G = scaled_gram(X @ sp.diags(1.0 / prob.c), prob.sw, prob.mt)   # scaled columns, same sparsity
    v, df = _solve_gram(G, prob.rhs, lam, prob.pen)
    return (*prob.coefficients(v), df, 1)


#: the cost model of :func:`cg_budget`, in units of one stored value read by a sparse product
#: (about 1.5 ns on one core), measured on one BLAS thread: scipy's sparse Gram product costs
#: about 13 units per multiply-add (two passes, sorting), its dense copy 4 per entry, dense BLAS
#: (Cholesky, triangular inverse) 0.07 per flop, and a CG iteration 20,000 units of overhead
_SPARSE_PRODUCT_COST, _DENSE_ENTRY_COST, _BLAS_FLOP_COST, _CG_CALL_COST = 13.0, 4.0, 0.07, 2e4


def gram_cost(X) -> float:
    """The Gram route's cost on ``X`` (CSR/CSC), in units of a stored value read once by a sparse
    product: ``Σ_i nnz_i²`` multiply-adds of the sparse product ``XᵀX``, ``p²`` for its dense
    copy, ``2p³/3`` flops of Cholesky and inverse factor."""
    n, p = X.shape
    per_row = np.diff(X.indptr) if X.format == "csr" else np.bincount(X.indices, minlength=n)
    per_row = per_row.astype(np.float64)
    return (_SPARSE_PRODUCT_COST * float(per_row @ per_row) + _DENSE_ENTRY_COST * p * p
            + _BLAS_FLOP_COST * 2.0 * p ** 3 / 3.0)


def cg_budget(X, t: int = 1) -> int:
    """The conjugate-gradient iterations that cost as much as the Gram route on ``X`` for ``t``
    targets: :func:`gram_cost` over one iteration's ``t (2 nnz + 4n + 8p) + 20,000`` (two sparse
    products, the centring, the vector updates and the calls' overhead)."""
    n, p = X.shape
    return int(gram_cost(X) // (t * (2.0 * X.nnz + 4.0 * n + 8.0 * p) + _CG_CALL_COST))


class CentredGram:
    """``G = Σ_i sw_i z_i z_iᵀ`` of the implicitly centred and scaled rows ``z_i = (x_i − m) / c``
    of a CSR/CSC ``X`` (``m̃ = m / c``), never formed: ``G U = Xᵀ(sw ⊙ (X Ũ − 1 m̃ᵀU)) / c −
    m̃ (swᵀ(X Ũ − 1 m̃ᵀU))`` with ``Ũ = U / c``, for a block of columns ``U`` at once; the
    products read ``X`` and its transpose (a CSC view), no scaled copy."""

    def __init__(self, X, c, mt, sw):
        self.X, self.XT, self.c, self.mt, self.sw = X, X.T, c, mt, sw
        if X.format == "csr" and np.all(sw == sw[0]):        # equal weights: no row gather
            sq = np.bincount(X.indices, X.data * X.data, minlength=X.shape[1]) * sw[0]
        else:
            rows, cols, vals = sparse_columns(X)
            sq = np.bincount(cols, sw[rows] * vals * vals, minlength=X.shape[1])
        self.diag = sq / (c * c) - mt * mt                   # G_jj

    def __matmul__(self, U):
        R = np.asarray(self.X @ (U / self.c[:, None])) - self.mt @ U
        return (np.asarray(self.XT @ (self.sw[:, None] * R)) / self.c[:, None]
                - np.outer(self.mt, self.sw @ R))

    def solve(self, B, shift, *, tol, max_iter=None, x0=None):
        """``(G + diag(shift_k)) v_k = b_k`` for every column ``k`` of ``B`` (p, t) (``shift``
        (p, t): λ_k times the penalized columns' indicator) by Jacobi-preconditioned conjugate
        gradients, started at ``x0`` (a warm start) or 0, each column until its residual
        ``‖b − (G + diag(shift)) v‖ ≤ tol ‖b‖`` (the recurrence's residual).

        Returns ``(V, n_iter, converged)``: the largest number of iterations of any column and a
        boolean per column. With a relative residual ``tol`` the coefficients' relative error
        is at most ``tol · cond(G + λP)`` (for standardized columns and a λ that is not tiny,
        the condition number is moderate).
        """
        p, t = B.shape
        max_iter = 10 * p if max_iter is None else int(max_iter)
        V = np.zeros((p, t)) if x0 is None else np.array(x0, dtype=np.float64).reshape(p, t)
        R = B - (self @ V + shift * V) if x0 is not None else B.copy()
        dinv = 1.0 / np.maximum(self.diag[:, None] + shift, _EPS)
        target = tol * np.linalg.norm(B, axis=0)
        active = np.linalg.norm(R, axis=0) > target
        Zr = dinv * R
        P = Zr.copy()
        rz = np.einsum("ij,ij->j", R, Zr)
        it = 0
        while active.any() and it < max_iter:
            a = np.flatnonzero(active)
            Pa = P[:, a]
            Q = self @ Pa + shift[:, a] * Pa
            alpha = rz[a] / np.einsum("ij,ij->j", Pa, Q)
            V[:, a] += alpha * Pa
            R[:, a] -= alpha * Q
            it += 1
            Za = dinv[:, a] * R[:, a]
            rz_new = np.einsum("ij,ij->j", R[:, a], Za)
            P[:, a] = Za + (rz_new / rz[a]) * Pa
            rz[a] = rz_new
            active[a] = np.linalg.norm(R[:, a], axis=0) > target[a]
        return V, it, ~active


def scaled_gram(Xs, sw, mt):
    """``Σ sw_i z_i z_iᵀ = Xsᵀ diag(sw) Xs − m̃ m̃ᵀ`` (dense ``p × p``) of a sparse ``Xs`` whose
    columns are already scaled, ``m̃`` their weighted means (zero without centring) and
    ``Σ sw = 1``."""
    G = (Xs.T @ Xs.multiply(sw[:, None]).tocsr()).toarray()
    G -= np.outer(mt, mt)
    return G


def _unpenalized_factor(Guu):
    """The lower Cholesky factor of the unpenalized columns' Gram block (``cho_factor``), or a
    ValueError naming them when they are collinear or constant."""
    try:
        cf = sla.cho_factor(Guu, lower=True, check_finite=False)
        ok = np.abs(np.diag(cf[0])).min() > np.sqrt(_EPS) * np.sqrt(np.abs(Guu).max())
    except np.linalg.LinAlgError:
        ok = False
    if not ok:
        raise ValueError(
            "the unpenalized columns (penalty_factor == 0) are collinear (or constant); "
            "give at least one of them a positive penalty_factor or drop it")
    return cf


def _solve_gram(G, rhs, lam, pen):
    """One λ > 0 for every target and every column penalized: one Cholesky factorization.
    Otherwise (or when ``G + λI`` is too ill-conditioned for it): eliminate the unpenalized
    block, then one eigendecomposition for every λ."""
    if pen.all() and lam[0] > 0 and np.all(lam == lam[0]):
        try:
            v, df = cholesky_gram_solve(G.copy(), rhs, lam[0])
            return v, np.full(rhs.shape[1], df)
        except np.linalg.LinAlgError:
            pass
    P, U = np.flatnonzero(pen), np.flatnonzero(~pen)
    Gpp, bp = G[np.ix_(P, P)], rhs[P]
    if U.size:
        cf = _unpenalized_factor(G[np.ix_(U, U)])
        Gup = G[np.ix_(U, P)]
        GuuInvGup = sla.cho_solve(cf, Gup, check_finite=False)
        Gpp = Gpp - Gup.T @ GuuInvGup
        bp = bp - Gup.T @ sla.cho_solve(cf, rhs[U], check_finite=False)
    d, V = np.linalg.eigh(Gpp) if P.size else (np.zeros(0), np.zeros((0, 0)))
    d = np.maximum(d, 0.0)
    keep = d > max(d.max(initial=0.0), 0.0) * P.size * _EPS
    q = V.T @ bp                                           # (k, t)
    t = rhs.shape[1]
    vp = np.empty((P.size, t))
    df = np.empty(t)
    for k in range(t):
        a = lam[k]
        if a > 0:
            inv = 1.0 / (d + a)
        else:                                              # λ = 0: the minimum-norm solution
            inv = np.where(keep, 1.0 / np.where(keep, d, 1.0), 0.0)
        vp[:, k] = V @ (inv * q[:, k])
        df[k] = float(np.sum(d * inv)) + U.size
    v = np.zeros((G.shape[0], t))
    v[P] = vp
    if U.size:
        v[U] = sla.cho_solve(cf, rhs[U], check_finite=False) - GuuInvGup @ vp
    return v, df


class ImplicitDesign:
    """``Z = diag(√s)(Xs − 1 m̃ᵀ)`` of a CSR ``Xs`` (columns already scaled, ``m̃`` their means),
    never formed: ``Z @ V`` and row blocks ``Z[rows]`` (implicit again) are what the blocked
    leave-one-out and GCV evaluations of :class:`~shrinkage.solvers.ridge.RidgeDecomposition`
    read. ``m̃ᵀV`` is computed once per ``V`` and shared by the row blocks.

    With unpenalized columns (``lift = (P, U, B)``, ``B = G_UU⁻¹ G_UP``) it is the penalized
    columns with the unpenalized ones projected out, ``Z_P − Z_U B``: ``Z @ V`` is the full
    design's product with ``W`` (``W_P = V``, ``W_U = −B V``)."""

    def __init__(self, Xs, mt, sqrt_sw, _cache=None, lift=None):
        self.Xs, self.mt, self.sqrt_sw, self.lift = Xs, mt, sqrt_sw, lift
        self.shape = (Xs.shape[0], Xs.shape[1] if lift is None else lift[0].size)
        self._cache = [None, None, None] if _cache is None else _cache   # [V, m̃ᵀW, W]

    def __getitem__(self, rows):
        return ImplicitDesign(self.Xs[rows], self.mt,
                              None if self.sqrt_sw is None else self.sqrt_sw[rows], self._cache,
                              self.lift)

    def __matmul__(self, V):
        if self._cache[0] is not V:
            W = V
            if self.lift is not None:
                P, U, B = self.lift
                W = np.empty((self.Xs.shape[1], V.shape[1]))
                W[P], W[U] = V, -(B @ V)
            self._cache[:] = [V, self.mt @ W, W]
        out = np.asarray(self.Xs @ self._cache[2]) - self._cache[1]
        if self.sqrt_sw is not None:
            out *= self.sqrt_sw[:, None]
        return out


def sparse_decompose(X, y, sample_weight=None, *, fit_intercept=True, standardize=True,
                     penalty_factor=None):
    """The :class:`~shrinkage.solvers.ridge.RidgeDecomposition` of a CSR/CSC ``X`` (module
    docstring), equal to that of the dense copy: its ``loo_residual_blocks``,
    ``gcv_term_blocks``, ``path`` and ``df`` serve any λ grid.

    Parameters
    ----------
    X : sparse matrix of shape (n_samples, n_features)
        At most ``GRAM_MAX_FEATURES`` columns.
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
    sample_weight : ndarray of shape (n_samples,), optional
        Raw weights (positive).
    fit_intercept, standardize : bool
    penalty_factor : ndarray of shape (n_features,), optional
        Non-negative factors; unpenalized columns (0) are projected out (module docstring).

    Returns
    -------
    RidgeDecomposition
    """
    n, p = X.shape
    if p > GRAM_MAX_FEATURES:
        raise TypeError(f"exact leave-one-out, GCV and the evidence on sparse X decompose its "
                        f"p × p Gram matrix, for at most {GRAM_MAX_FEATURES} columns; X has {p}: "
                        "use K-fold cross-validation (cv=5), or select columns")
    X = X.tocsr().astype(np.float64, copy=False)
    y2 = np.asarray(y, dtype=np.float64)
    y2 = y2[:, None] if y2.ndim == 1 else y2
    sw, m, c, pen, y_mean, ty = _prepare(X, y2, sample_weight, fit_intercept, standardize,
                                         penalty_factor)
    S = float(n) if sample_weight is None else float(np.sum(sample_weight))
    sqrt_sw = None if sample_weight is None else np.sqrt(np.asarray(sample_weight, np.float64))
    Xs = (X @ sp.diags(1.0 / c)).tocsr()
    mt = m / c
    G = S * scaled_gram(Xs, sw, mt)                                         # ZᵀZ
    b = S * np.asarray(Xs.T @ (sw[:, None] * ty)).reshape(p, -1)            # Zᵀ ỹ
    yw = ty if sqrt_sw is None else ty * sqrt_sw[:, None]
    P, U = np.flatnonzero(pen), np.flatnonzero(~pen)
    extra, lift = {}, None
    if U.size:                 # Frisch–Waugh–Lovell on the Gram: Z_U = QR, Z_P − Z_U B ⟂ Q
        cf = _unpenalized_factor(G[np.ix_(U, U)])
        R = np.triu(cf[0].T)                                                # RᵀR = Z_UᵀZ_U
        B = sla.cho_solve(cf, G[np.ix_(U, P)], check_finite=False)          # G_UU⁻¹ G_UP
        Q = ImplicitDesign(Xs[:, U], mt[U], sqrt_sw) @ sla.solve_triangular(
            R, np.eye(U.size), check_finite=False)                          # Z_U R⁻¹ (n × q)
        Qty = sla.solve_triangular(R, b[U], trans="T", check_finite=False)
        extra = dict(Q=Q, R=R, Qty=Qty, QtZ=sla.solve_triangular(
            R, G[np.ix_(U, P)], trans="T", check_finite=False))
        G = G[np.ix_(P, P)] - G[np.ix_(P, U)] @ B
        b = b[P] - B.T @ b[U]
        yw = yw - Q @ Qty
        lift = (P, U, B)
    w, V = np.linalg.eigh(G)
    keep = w > max(n, p) * _EPS * max(w[-1], 0.0) if P.size else np.zeros(0, bool)
    d2, V = w[keep], V[:, keep]
    q = V.T @ b                                                             # Vᵀ Zᵀ ỹ
    prob = RidgeProblem(Z=ImplicitDesign(Xs, mt, sqrt_sw, lift=lift), y=yw, sqrt_sw=sqrt_sw,
                        S=S, n_rows=n, x_mean=m, x_scale=c, y_mean=y_mean, pen_idx=P,
                        unpen_idx=U, fit_intercept=fit_intercept, **extra)
    return RidgeDecomposition(prob, d2, V, None, q, "eigh-sparse-gram")
