r"""Ridge on a sparse design (CSR/CSC), never densifying ``X``.

The problem is that of :mod:`shrinkage.solvers.ridge`, written with weights ``sw_i`` summing to
one::

    Σ_i sw_i (ỹ_i − z_iᵀ v)²  +  λ Σ_{j penalized} v_j²,      z_i = (x_i − m) / c

with ``m`` the weighted column means (zero without an intercept), ``c_j = sd_j √f_j`` for a
penalized column and ``sd_j`` for an unpenalized one (``f_j = 0``), ``ỹ = y − ȳ`` and
``w_j = v_j / c_j``. Centring and scaling are implicit: ``Z`` is never formed, only products
with ``X`` (as glmnet and glum do), and the intercept is ``ȳ − mᵀw``.

Two routes, by the number of columns ``p``:

* **Gram** (``p ≤ GRAM_MAX_FEATURES``): ``G = Σ sw_i z_i z_iᵀ = Xᵀ diag(sw) X / (c cᵀ) − m̃ m̃ᵀ``
  (``m̃ = m / c``) is formed from the sparse product (a dense ``p × p`` matrix), the unpenalized
  columns are eliminated (their Schur complement, the Gram form of Frisch–Waugh–Lovell) and one
  eigendecomposition of the rest gives the coefficients and ``df = Σ d/(d + λ)`` for every λ;
  one λ > 0 without unpenalized columns takes one Cholesky factorization of ``G + λI`` instead
  (``df`` from its inverse factor), several times cheaper.
  Subtracting ``m̃ m̃ᵀ`` loses about ``eps · (m_j / sd_j)²`` relative accuracy: negligible for
  counts, one-hot and tf-idf columns, whose means are at most of the order of their spread.
* **Conjugate gradients** (more columns): CG on the normal equations ``(G + λP) v = Zᵀ diag(sw) ỹ``
  with products ``G u = Xᵀ(sw ⊙ (X ũ − m·ũ)) / c`` (``ũ = u / c``) and a Jacobi
  preconditioner, to a relative residual of ``tol``, on one BLAS thread (its vector operations
  have length ``p``: more threads only wait for each other). The effective degrees of freedom would
  need a ``p × p`` factorization and are not computed on this route.

Leave-one-out, GCV and the evidence (:func:`sparse_decompose`, up to ``GRAM_MAX_FEATURES``
columns): ``ZᵀZ = S·G`` (``S = Σ s_i``) is decomposed once, ``ZᵀZ = V diag(d²) Vᵀ``, into a
:class:`~shrinkage.solvers.ridge.RidgeDecomposition` whose design is an :class:`ImplicitDesign`:
the leverages ``h_ii = Σ_k P_ik² / (d_k² + α) + s_i/S`` and the fitted values need the rows of
``P = ZV = diag(√s)(X(V/c) − 1 (m̃ᵀV))``, formed a block of rows at a time from the sparse rows
(never an ``n × p`` dense array). The Gram route has no SVD fallback: at ``Sλ`` below about
``1e-10 · d²_max`` the scores carry a relative error of about ``eps · d²_max / (Sλ)``.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, cg

from ..datafits import normalized_weights
from ..standardization import column_stats
from .._threads import one_blas_thread
from .ridge import RidgeDecomposition, RidgeProblem, cholesky_gram_solve

__all__ = ["GRAM_MAX_FEATURES", "solve_sparse_ridge", "scaled_gram", "sparse_decompose",
           "ImplicitDesign"]

#: above this many columns the sparse route solves by conjugate gradients (a p × p Gram matrix
#: of 2048² doubles is 32 MB and its eigendecomposition a few seconds on one core)
GRAM_MAX_FEATURES = 2048

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


def solve_sparse_ridge(X, y, lam, sample_weight=None, *, fit_intercept=True, standardize=True,
                       penalty_factor=None, tol=1e-10, max_iter=None):
    """Ridge on a CSR/CSC ``X`` at one λ per target (scalar or shape (t,)).

    Returns ``(coef (t, p), intercept (t,), df (t,) or None, n_iter)``: ``df`` (intercept
    excluded, unpenalized columns counted) on the Gram route, ``None`` on the CG route;
    ``n_iter`` is 1 on the Gram route and the largest number of CG iterations otherwise.
    """
    X = X.tocsr() if X.format not in ("csr", "csc") else X
    y2 = np.asarray(y, dtype=np.float64)
    y2 = y2[:, None] if y2.ndim == 1 else y2
    t = y2.shape[1]
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), (t,))
    sw, m, c, pen, y_mean, ty = _prepare(X, y2, sample_weight, fit_intercept, standardize,
                                         penalty_factor)
    p = X.shape[1]
    mt = m / c
    rhs = np.asarray(X.T @ (sw[:, None] * ty)).reshape(p, t) / c[:, None]  # Zᵀ diag(sw) ỹ
    if p <= GRAM_MAX_FEATURES:
        G = scaled_gram(X @ sp.diags(1.0 / c), sw, mt)   # scaled columns, same sparsity
        v, df = _solve_gram(G, rhs, lam, pen)
        coef, intercept = _coefficients(v, c, m, y_mean, fit_intercept)
        return coef, intercept, df, 1
    with one_blas_thread():          # vector operations of length p: threads only wait
        v, n_iter = _solve_cg(X, c, mt, sw, rhs, lam, pen, tol, max_iter)
    coef, intercept = _coefficients(v, c, m, y_mean, fit_intercept)
    return coef, intercept, None, n_iter


def scaled_gram(Xs, sw, mt):
    """``Σ sw_i z_i z_iᵀ = Xsᵀ diag(sw) Xs − m̃ m̃ᵀ`` (dense ``p × p``) of a sparse ``Xs`` whose
    columns are already scaled, ``m̃`` their weighted means (zero without centring) and
    ``Σ sw = 1``."""
    G = (Xs.T @ Xs.multiply(sw[:, None]).tocsr()).toarray()
    G -= np.outer(mt, mt)
    return G


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
        Guu = G[np.ix_(U, U)]
        try:
            cf = sla.cho_factor(Guu, lower=True, check_finite=False)
            ok = np.abs(np.diag(cf[0])).min() > np.sqrt(_EPS) * np.sqrt(np.abs(Guu).max())
        except np.linalg.LinAlgError:
            ok = False
        if not ok:
            raise ValueError(
                "the unpenalized columns (penalty_factor == 0) are collinear (or constant); "
                "give at least one of them a positive penalty_factor or drop it")
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


def _solve_cg(X, c, mt, sw, rhs, lam, pen, tol, max_iter):
    """CG on ``(G + λP) v = rhs`` with ``G u = Xᵀ(sw ⊙ (X ũ − m·ũ)) / c`` (``ũ = u / c``): the
    products read ``X`` and its transpose (a CSC view), no scaled copy."""
    n, p = X.shape
    XT = X.T
    diagG = np.asarray(X.multiply(X).T @ sw).ravel() / (c * c) - mt * mt
    v = np.zeros((p, rhs.shape[1]))
    iters = 0
    for k in range(rhs.shape[1]):
        a = lam[k] * pen

        def matvec(u, a=a):
            r = X @ (u / c) - mt @ u
            g = (XT @ (sw * r)) / c - mt * (sw @ r)
            return g + a * u
        A = LinearOperator((p, p), matvec=matvec, dtype=np.float64)
        M = LinearOperator((p, p), matvec=lambda u, dg=np.maximum(diagG + a, _EPS): u / dg,
                           dtype=np.float64)
        count = [0]

        def step(_):
            count[0] += 1
        sol, info = cg(A, rhs[:, k], rtol=tol, atol=0.0, maxiter=max_iter or 10 * p, M=M,
                       callback=step)
        if info != 0:
            from .._warnings import warn_user
            from sklearn.exceptions import ConvergenceWarning
            warn_user(f"conjugate gradients stopped after {count[0]} iterations short of the "
                      f"relative residual tol={tol:g}; raise max_iter or λ", ConvergenceWarning)
        v[:, k] = sol
        iters = max(iters, count[0])
    return v, iters


class ImplicitDesign:
    """``Z = diag(√s)(Xs − 1 m̃ᵀ)`` of a CSR ``Xs`` (columns already scaled, ``m̃`` their means),
    never formed: ``Z @ V`` and row blocks ``Z[rows]`` (implicit again) are what the blocked
    leave-one-out and GCV evaluations of :class:`~shrinkage.solvers.ridge.RidgeDecomposition`
    read. ``m̃ᵀV`` is computed once per ``V`` and shared by the row blocks."""

    def __init__(self, Xs, mt, sqrt_sw, _cache=None):
        self.Xs, self.mt, self.sqrt_sw = Xs, mt, sqrt_sw
        self.shape = Xs.shape
        self._cache = [None, None] if _cache is None else _cache      # [V, m̃ᵀV]

    def __getitem__(self, rows):
        return ImplicitDesign(self.Xs[rows], self.mt,
                              None if self.sqrt_sw is None else self.sqrt_sw[rows], self._cache)

    def __matmul__(self, V):
        if self._cache[0] is not V:
            self._cache[:] = [V, self.mt @ V]
        out = np.asarray(self.Xs @ V) - self._cache[1]
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
        Positive factors (an unpenalized column is refused).

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
    if not pen.all():
        raise TypeError("leave-one-out, GCV and the evidence on sparse X take no unpenalized "
                        "column (penalty_factor == 0); give it a small positive factor, or "
                        "pass X.toarray()")
    S = float(n) if sample_weight is None else float(np.sum(sample_weight))
    sqrt_sw = None if sample_weight is None else np.sqrt(np.asarray(sample_weight, np.float64))
    Xs = (X @ sp.diags(1.0 / c)).tocsr()
    mt = m / c
    w, V = np.linalg.eigh(S * scaled_gram(Xs, sw, mt))
    keep = w > max(n, p) * _EPS * max(w[-1], 0.0) if p else np.zeros(0, bool)
    d2, V = w[keep], V[:, keep]
    q = V.T @ (S * np.asarray(Xs.T @ (sw[:, None] * ty)).reshape(p, -1))      # Vᵀ Zᵀ ỹ
    prob = RidgeProblem(Z=ImplicitDesign(Xs, mt, sqrt_sw),
                        y=ty if sqrt_sw is None else ty * sqrt_sw[:, None], sqrt_sw=sqrt_sw,
                        S=S, n_rows=n, x_mean=m, x_scale=c, y_mean=y_mean,
                        pen_idx=np.arange(p), unpen_idx=np.zeros(0, dtype=int),
                        fit_intercept=fit_intercept)
    return RidgeDecomposition(prob, d2, V, None, q, "eigh-sparse-gram")
