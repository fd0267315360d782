r"""Direct ridge: one decomposition serves every λ.

The problem
-----------
For squared error the objective of :mod:`shrinkage.conventions` is, with ``S = Σ s_i``::

    (1/S) Σ_i s_i (y_i − b − x_iᵀw)²  +  λ Σ_j f_j w_j²

:class:`RidgeProblem` turns it into a plain ridge problem in transformed variables:

* rows are multiplied by ``√s_i`` (weights), columns are centred with the weighted mean (this
  *is* the unpenalized intercept) and, with ``standardize``, divided by the weighted population
  standard deviation;
* each penalized column is divided by ``√f_j``, so the penalty becomes ``λ‖v‖²``;
* unpenalized columns (``f_j = 0``) are projected out (Frisch–Waugh–Lovell) by a thin QR ``Q``.

What is left is ``min_v ‖ỹ − Zv‖² + α‖v‖²`` with ``α = Sλ``.

One decomposition for every λ
-----------------------------
Let ``Z = U D Vᵀ`` (thin SVD, ``d_k`` singular values, only the numerically non-zero ones kept).
It is obtained from ``eigh(ZᵀZ)`` when ``n ≥ p`` (``V`` and ``d²``) or ``eigh(ZZᵀ)`` when
``p > n`` (``U`` and ``d²``), or from an SVD of ``Z`` when the Gram matrix is too ill-conditioned
for the requested λ. With ``P = ZV = UD`` (``n × k``) and ``q = VᵀZᵀỹ = D Uᵀỹ``::

    v(α)       = V diag(1/(d² + α)) q                                  (coefficients)
    Zv(α)      = P diag(1/(d² + α)) q                                  (fitted values)
    h_ii(α)    = Σ_k P_ik² / (d_k² + α)  +  Σ_j Q_ij²  + s_i/S          (hat matrix diagonal)
    df(α)      = Σ_k d_k² / (d_k² + α)   (+ number of unpenalized features)

so a whole grid costs two ``n × k × L`` matrix products and never an ``n × p`` temporary per λ.
``α = 0`` gives the minimum-norm least-squares solution (only ``d_k > 0`` enter).

Leave-one-out
-------------
For any penalized least-squares fit that is linear in ``y`` the leave-one-out residual is
``e_i / (1 − h_ii)``, with ``e`` the residual and ``h`` the hat diagonal of the full fit at the
*same* penalty (Sherman–Morrison; the intercept and unpenalized columns are re-fitted, since they
are part of ``H``). Our objective averages over the training rows, so the fit without row ``i``
has penalty ``(S − s_i)λ``, not ``Sλ``: :meth:`RidgeDecomposition.loo_residuals` evaluates each
row at its own ``α_i = (S − s_i)λ`` (one α for the whole grid point when weights are equal).
The column centring and scaling are taken from the full data and held fixed, as in
scikit-learn's ``RidgeCV``.

GCV replaces ``h_ii`` by its mean: ``GCV(α) = (Σ s_i e_i² / S) / (1 − tr(H)/n)²``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from .._threads import one_blas_thread
from ..datafits import normalized_weights
from ..standardization import column_stats
from .moments import fold_moments

__all__ = ["RidgeProblem", "RidgeDecomposition", "GridPredictor", "decompose", "solve_ridge",
           "decomposition_from_moments"]

#: entries of the blocks formed at a time by the LOO and GCV evaluations: of ``P = ZV`` (set by
#: timing 2^16 … 2^22 on the 50,000 × 500 benchmark: 2^18, about 2 MB, was fastest, 1.6× faster
#: than forming the whole of P and P∘P) and of the (rows, L, t) results, so their working set is
#: a few MB whatever n, the grid size L and the number of targets t
_LOO_BLOCK = 1 << 18

_EPS = np.finfo(np.float64).eps


@dataclass
class RidgeProblem:
    """A ridge problem reduced to ``min_v ‖ỹ − Zv‖² + α‖v‖²`` (see the module docstring).

    Build it with :meth:`build`; map solutions back with :meth:`coefficients`.
    """

    Z: np.ndarray                 # (n, p_pen) transformed penalized columns
    y: np.ndarray                 # (n, t) transformed targets
    sqrt_sw: np.ndarray | None    # (n,) √s_i, None for unit weights
    S: float                      # sum of weights
    n_rows: int
    x_mean: np.ndarray            # (p,)
    x_scale: np.ndarray           # (p,) scale × √f for penalized columns, 1 for unpenalized
    y_mean: np.ndarray            # (t,)
    pen_idx: np.ndarray           # indices of penalized features
    unpen_idx: np.ndarray         # indices of unpenalized features (f_j = 0)
    Q: np.ndarray | None = None   # (n, q) orthonormal basis of unpenalized columns
    R: np.ndarray | None = None   # (q, q)
    QtZ: np.ndarray | None = None  # (q, p_pen) Qᵀ Z before projection
    Qty: np.ndarray | None = None  # (q, t)
    fit_intercept: bool = True

    @classmethod
    def build(cls, X, y, sample_weight=None, *, fit_intercept=True, standardize=True,
              penalty_factor=None, copy=True):
        X = np.asarray(X)
        y2 = np.asarray(y, dtype=X.dtype)
        y2 = y2[:, None] if y2.ndim == 1 else y2
        n, p = X.shape
        sw = normalized_weights(sample_weight, n, dtype=X.dtype)
        S = float(n) if sample_weight is None else float(np.sum(sample_weight))
        sqrt_sw = None if sample_weight is None else np.sqrt(np.asarray(sample_weight, dtype=X.dtype))
        x_mean, x_scale = column_stats(X, sw, fit_intercept, standardize)
        y_mean = sw @ y2 if fit_intercept else np.zeros(y2.shape[1], dtype=X.dtype)

        f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
        pen_idx = np.flatnonzero(f > 0)
        unpen_idx = np.flatnonzero(f == 0)
        col_scale = x_scale.astype(np.float64).copy()
        col_scale[pen_idx] *= np.sqrt(f[pen_idx])
        col_scale[unpen_idx] = 1.0

        # one copy of X at most: centre, scale columns, weight rows
        needs_copy = fit_intercept or standardize or penalty_factor is not None or sqrt_sw is not None
        Z = (X - x_mean) if fit_intercept else (X.copy() if (needs_copy and copy) else X)
        if standardize or penalty_factor is not None:
            Z /= col_scale.astype(X.dtype)
        ty = y2 - y_mean
        if sqrt_sw is not None:
            Z *= sqrt_sw[:, None]
            ty *= sqrt_sw[:, None]
        prob = cls(Z=Z, y=ty, sqrt_sw=sqrt_sw, S=S, n_rows=n, x_mean=x_mean, x_scale=col_scale,
                   y_mean=y_mean, pen_idx=pen_idx, unpen_idx=unpen_idx,
                   fit_intercept=fit_intercept)
        if unpen_idx.size:
            prob._project_out(unpen_idx)
        return prob

    def _project_out(self, unpen_idx):
        ZU = self.Z[:, unpen_idx]
        Q, R = np.linalg.qr(ZU)
        keep = np.abs(np.diag(R)) > _EPS * max(ZU.shape) * max(np.abs(R).max(), 1e-300)
        if not np.all(keep):
            raise ValueError(
                "the unpenalized columns (penalty_factor == 0) are collinear (or constant); "
                "give at least one of them a positive penalty_factor or drop it"
            )
        ZP = np.ascontiguousarray(self.Z[:, self.pen_idx])
        self.QtZ = Q.T @ ZP
        self.Qty = Q.T @ self.y
        ZP -= Q @ self.QtZ
        self.y = self.y - Q @ self.Qty
        self.Z, self.Q, self.R = ZP, Q, R

    @property
    def n_unpenalized(self) -> int:
        return int(self.unpen_idx.size)

    def coefficients(self, v):
        """Map transformed coefficients ``v`` of shape (p_pen, m) to ``(coef, intercept)``.

        ``coef`` has shape (p, m) on the original feature scale, ``intercept`` (m,). ``m`` is the
        number of targets (or targets × grid points, with ``y_index`` mapping columns to targets).
        """
        return self.coefficients_for(v, np.arange(v.shape[1]) % self.y.shape[1])

    def coefficients_for(self, v, y_index):
        p = self.x_mean.shape[0]
        m = v.shape[1]
        coef = np.zeros((p, m), dtype=np.float64)
        coef[self.pen_idx] = v
        if self.unpen_idx.size:
            u = sla.solve_triangular(self.R, self.Qty[:, y_index] - self.QtZ @ v)
            coef[self.unpen_idx] = u
        coef /= self.x_scale[:, None]
        intercept = self.y_mean[y_index] - self.x_mean @ coef if self.fit_intercept else np.zeros(m)
        return coef, intercept

    def transform_rows(self, X_new):
        """Map new rows into the fit's coordinates: ``(base, Zp)`` with prediction
        ``base + Zp @ v`` for transformed coefficients ``v``.

        ``base`` (n_new, t) holds ``ȳ`` plus the unpenalized columns' share at ``v = 0`` and
        ``Zp`` (n_new, p_pen) the penalized columns with the unpenalized fit projected out
        (``u = R⁻¹(Qᵀỹ − QᵀZ v)``).
        """
        Zn = (np.asarray(X_new, dtype=np.float64) - self.x_mean) / self.x_scale
        base = np.broadcast_to(self.y_mean, (Zn.shape[0], self.y_mean.shape[0])).copy()
        Zp = Zn[:, self.pen_idx]
        if self.unpen_idx.size:
            RinvT = sla.solve_triangular(self.R, np.eye(self.R.shape[0]))   # R⁻¹ (q × q)
            Zu = Zn[:, self.unpen_idx] @ RinvT
            base += Zu @ self.Qty
            Zp = Zp - Zu @ self.QtZ
        return base, Zp

    def base_leverage(self):
        """Hat-matrix diagonal of the unpenalized part (intercept and f_j = 0 columns)."""
        h = np.zeros(self.n_rows)
        if self.fit_intercept:
            h += (self.sqrt_sw ** 2 / self.S) if self.sqrt_sw is not None else 1.0 / self.n_rows
        if self.Q is not None:
            h += np.einsum("ij,ij->i", self.Q, self.Q)
        return h


@dataclass
class RidgeDecomposition:
    """Spectral decomposition of a :class:`RidgeProblem`; evaluate any α cheaply."""

    problem: RidgeProblem
    d2: np.ndarray                 # (k,) non-zero eigenvalues of ZᵀZ
    V: np.ndarray | None           # (p_pen, k) or None in dual mode
    U: np.ndarray | None           # (n, k) left vectors, or None in primal mode until needed
    q: np.ndarray                  # (k, t) = VᵀZᵀỹ
    method: str
    _P: np.ndarray | None = field(default=None, repr=False)

    @property
    def P(self) -> np.ndarray:
        """``P = ZV = UD`` (n × k), computed on first use (one n·p·k product in primal mode)."""
        if self._P is None:
            self._P = self.U * np.sqrt(self.d2) if self.U is not None else self.problem.Z @ self.V
        return self._P

    def _gains(self, alphas):
        alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
        return 1.0 / (self.d2[:, None] + alphas[None, :])  # (k, L)

    def _alphas(self, lams):
        return self.problem.S * np.asarray(lams, dtype=np.float64).reshape(-1)

    def coef_transformed(self, lams, target=None):
        """Transformed coefficients, shape (p_pen, L, t), or (p_pen, L) for one ``target``."""
        G = self._gains(self._alphas(lams))
        C = self.q[:, None, :] * G[:, :, None]  # (k, L, t)
        if target is not None:
            C = C[:, :, target]
        if self.V is not None:
            return np.tensordot(self.V, C, axes=(1, 0))
        # dual: v = Zᵀ U diag(1/(d²+α)) Uᵀỹ = Zᵀ P (q / (d² (d²+α)))
        Cd = C / self.d2.reshape((-1,) + (1,) * (C.ndim - 1))
        return np.tensordot(self.problem.Z.T, np.tensordot(self.P, Cd, axes=(1, 0)), axes=(1, 0))

    def path(self, lams):
        """Coefficients and intercepts on the original scale for every λ.

        Returns ``coef`` of shape (L, t, p) and ``intercept`` of shape (L, t).
        """
        lams = np.asarray(lams, dtype=np.float64).reshape(-1)
        L, t = lams.size, self.q.shape[1]
        v = self.coef_transformed(lams)               # (p_pen, L, t)
        coef, icpt = self.problem.coefficients_for(v.reshape(v.shape[0], L * t),
                                                   np.tile(np.arange(t), L))
        return coef.T.reshape(L, t, -1), icpt.reshape(L, t)

    def grid_predictor(self, X_new) -> "GridPredictor":
        """Predictions on ``X_new`` for any λ grid, after one projection onto the basis."""
        if sp.issparse(X_new) and self.V is not None and not self.problem.unpen_idx.size:
            # sparse rows: the centring and scaling enter the product, X_new stays sparse
            pr = self.problem
            W = self.V / pr.x_scale[pr.pen_idx][:, None]
            T = np.asarray(X_new[:, pr.pen_idx] @ W) - pr.x_mean[pr.pen_idx] @ W
            base = np.broadcast_to(pr.y_mean, (X_new.shape[0], pr.y_mean.shape[0])).copy()
            return GridPredictor(base, T, self)
        base, Zp = self.problem.transform_rows(X_new)
        if self.V is not None:
            T = Zp @ self.V
        else:  # dual: V = ZᵀU / d, so Zp V = (Zp Zᵀ) U / d without forming V
            T = ((Zp @ self.problem.Z.T) @ self.U) / np.sqrt(self.d2)
        return GridPredictor(base, T, self)

    def df(self, lams):
        """Effective degrees of freedom of the coefficients, ``Σ d²/(d²+Sλ)`` + unpenalized.

        The intercept is not counted.
        """
        G = self._gains(self._alphas(lams))
        return (self.d2[:, None] * G).sum(axis=0) + self.problem.n_unpenalized

    def fitted_transformed(self, lams, *, alphas=None):
        """Fitted values in the transformed space, shape (n, L, t)."""
        G = self._gains(self._alphas(lams) if alphas is None else alphas)
        C = self.q[:, None, :] * G[:, :, None]
        return np.tensordot(self.P, C, axes=(1, 0))

    def loo_residuals(self, lams):
        """Exact leave-one-out residuals ``y_i − ŷ_{−i}`` for each λ, shape (n, L, t).

        Each row is evaluated at its fold's penalty ``α_i = (S − s_i)λ``. This holds the whole
        (n, L, t) array; :meth:`loo_residual_blocks` gives the same values a block of rows at a
        time.
        """
        return self._gather(self.loo_residual_blocks(lams), lams)

    def gcv_terms(self, lams):
        """Per-row GCV terms ``e_i² / (1 − tr(H)/n)²`` (weighted mean = GCV), shape (n, L, t).

        This holds the whole (n, L, t) array; :meth:`gcv_term_blocks` gives the same values a
        block of rows at a time."""
        return self._gather(self.gcv_term_blocks(lams), lams)

    def _gather(self, blocks, lams):
        out = np.empty((self.problem.n_rows, np.size(lams), self.q.shape[1]))
        for rows, block in blocks:
            out[rows] = block
        return out

    def block_rows(self, n_lams: int) -> int:
        """Rows per block of the blocked evaluations: the block of ``P = ZV`` and the
        (rows, L, t) blocks of results each hold at most :data:`_LOO_BLOCK` entries (one row at
        least)."""
        k, t = max(self.d2.size, 1), self.q.shape[1]
        return max(1, min(self.problem.n_rows, _LOO_BLOCK // max(k, n_lams * t, 1)))

    def _P_rows(self, b):
        """Rows ``b`` of ``P = ZV = UD``, without forming the whole of ``P``."""
        if self._P is not None:
            return self._P[b]
        if self.U is not None:
            return self.U[b] * np.sqrt(self.d2)
        return self.problem.Z[b] @ self.V

    def loo_residual_blocks(self, lams):
        """:meth:`loo_residuals` a block of rows at a time: yields ``(rows, residuals)`` with
        ``rows`` a slice and ``residuals`` of shape (rows, L, t).

        The working set is a few blocks of :meth:`block_rows` rows, whatever n, L and t: ``P``
        (n × k) and the (n, L, t) residuals are never formed. Blocks also keep ``P_b`` in cache
        (forming all of ``P`` and ``P∘P`` costs as much memory traffic as the products).
        """
        prob = self.problem
        lams = np.asarray(lams, dtype=np.float64).reshape(-1)
        h0 = prob.base_leverage()
        if prob.sqrt_sw is None:
            yield from self._loo_uniform((prob.S - 1.0) * lams, h0, None)
            return
        sw = prob.sqrt_sw ** 2
        if np.all(sw == sw[0]):
            yield from self._loo_uniform((prob.S - sw[0]) * lams, h0, prob.sqrt_sw)
            return
        n, t, L = prob.n_rows, self.q.shape[1], lams.size
        rows = self.block_rows(L)
        for start in range(0, n, rows):
            b = slice(start, min(n, start + rows))
            with one_blas_thread():
                P = self._P_rows(b)
                P2 = P * P
                out = np.empty((P.shape[0], L, t))
                for li, lam in enumerate(lams):
                    G = 1.0 / (self.d2[None, :] + ((prob.S - sw[b]) * lam)[:, None])  # (r, k)
                    h = (P2 * G).sum(axis=1) + h0[b]
                    fit = (P * G) @ self.q                                           # (r, t)
                    out[:, li] = (prob.y[b] - fit) / (prob.sqrt_sw[b] * (1.0 - h))[:, None]
            yield b, out

    def _loo_uniform(self, alphas, h0, sqrt_sw):
        """LOO residual blocks when every row's fold has the same penalty: per block of rows,
        ``P_b``, leverages ``(P_b∘P_b) G + h0`` and fitted values ``P_b C`` for the whole grid."""
        G = self._gains(alphas)                              # (k, L)
        k, L = G.shape
        t = self.q.shape[1]
        C = (self.q[:, None, :] * G[:, :, None]).reshape(k, L * t)
        y = self.problem.y
        n = y.shape[0]
        rows = self.block_rows(L)
        for start in range(0, n, rows):
            b = slice(start, min(n, start + rows))
            with one_blas_thread():
                P = self._P_rows(b)
                H = (P * P) @ G                              # (r, L) leverage, penalized part
                H += h0[b, None]
                denom = np.subtract(1.0, H, out=H)
                if sqrt_sw is not None:
                    denom *= sqrt_sw[b, None]
                res = (P @ C).reshape(-1, L, t)
                np.subtract(y[b, None, :], res, out=res)
                res /= denom[:, :, None]
            yield b, res

    def gcv_term_blocks(self, lams, n_rows=None):
        """:meth:`gcv_terms` a block of rows at a time: yields ``(rows, terms)`` with ``terms``
        of shape (rows, L, t); the working set as in :meth:`loo_residual_blocks`. ``n_rows``:
        the number of rows of the whole fit when this problem holds only some of them (a Dask
        block; default: its own rows)."""
        prob = self.problem
        lams = np.asarray(lams, dtype=np.float64).reshape(-1)
        tr = self.df(lams) + (1.0 if prob.fit_intercept else 0.0)
        n_all = prob.n_rows if n_rows is None else n_rows
        scale = (1.0 / (1.0 - tr / n_all) ** 2)[None, :, None]
        G = self._gains(self._alphas(lams))
        k, L = G.shape
        t = self.q.shape[1]
        C = (self.q[:, None, :] * G[:, :, None]).reshape(k, L * t)
        n = prob.n_rows
        rows = self.block_rows(L)
        for start in range(0, n, rows):
            b = slice(start, min(n, start + rows))
            with one_blas_thread():
                res = (self._P_rows(b) @ C).reshape(-1, L, t)
            np.subtract(prob.y[b, None, :], res, out=res)
            if prob.sqrt_sw is not None:
                res /= prob.sqrt_sw[b, None, None]
            res *= res
            res *= scale
            yield b, res


@dataclass
class GridPredictor:
    """Predictions of a decomposed fit on fixed rows, for any λ: ``base + T (q / (d² + Sλ))``."""

    base: np.ndarray    # (m, t)
    T: np.ndarray       # (m, k)
    dec: RidgeDecomposition

    def predict(self, lams):
        """Predictions of shape (m, L, t)."""
        G = self.dec._gains(self.dec._alphas(lams))
        C = self.dec.q[:, None, :] * G[:, :, None]
        return self.base[:, None, :] + np.tensordot(self.T, C, axes=(1, 0))


def decompose(problem: RidgeProblem, *, method: str = "auto", alpha_min: float | None = None):
    """Decompose a :class:`RidgeProblem` once (see module docstring).

    ``method`` is ``"eigh"`` (Gram matrix, the fast default), ``"svd"`` (SVD of ``Z``, accurate
    for ill-conditioned ``Z`` at tiny α) or ``"auto"``: ``eigh`` unless the Gram matrix's
    smallest kept (numerically non-zero) eigenvalue is below ``1e-10`` of its largest *and*
    ``alpha_min`` (the smallest ``Sλ`` that will be evaluated; None = unknown, assume 0) is
    small enough (``< 1e-6 ·`` largest) for the rounding of those eigenvalues to show.
    """
    Z = problem.Z
    n, p = Z.shape
    if p == 0:
        k0 = np.zeros(0)
        return RidgeDecomposition(problem, k0, np.zeros((0, 0)), None,
                                  np.zeros((0, problem.y.shape[1])), "empty")
    if method not in ("auto", "eigh", "svd"):
        raise ValueError(f"method must be 'auto', 'eigh' or 'svd', got {method!r}")
    if method in ("auto", "eigh"):
        dec = _decompose_eigh(problem)
        if method == "eigh" or dec.d2.size == 0:
            return dec
        # eigh cannot resolve small non-zero eigenvalues, nor tell a tiny one from a null one:
        # suspect both, but not the rank that centring and projecting out the unpenalized
        # columns remove by construction. Only an α comparable to them shows the difference.
        full_rank = min(n - int(problem.fit_intercept) - problem.n_unpenalized, p)
        ill = dec.d2.min() < 1e-10 * dec.d2.max() or dec.d2.size < full_rank
        if not (ill and (alpha_min is None or alpha_min < 1e-6 * dec.d2.max())):
            return dec
    return _decompose_svd(problem)


def _decompose_eigh(problem):
    Z, y = problem.Z, problem.y
    n, p = Z.shape
    if n >= p:
        w, V = np.linalg.eigh(Z.T @ Z)
        keep = w > max(n, p) * _EPS * max(w[-1], 0.0)
        d2, V = w[keep], V[:, keep]
        q = V.T @ (Z.T @ y)
        return RidgeDecomposition(problem, d2, V, None, q, "eigh-primal")
    w, U = np.linalg.eigh(Z @ Z.T)
    keep = w > max(n, p) * _EPS * max(w[-1], 0.0)
    d2, U = w[keep], U[:, keep]
    q = np.sqrt(d2)[:, None] * (U.T @ y)
    return RidgeDecomposition(problem, d2, None, U, q, "eigh-dual")


def _decompose_svd(problem):
    Z, y = problem.Z, problem.y
    U, s, Vt = sla.svd(Z, full_matrices=False, lapack_driver="gesdd", check_finite=False)
    keep = s > max(Z.shape) * _EPS * (s[0] if s.size else 0.0)
    U, s, Vt = U[:, keep], s[keep], Vt[keep]
    d2 = s * s
    q = s[:, None] * (U.T @ y)
    return RidgeDecomposition(problem, d2, Vt.T, U, q, "svd")


def solve_ridge(problem: RidgeProblem, lam):
    """Solve at one λ per target (scalar or shape (t,)).

    Returns ``(coef (t, p), intercept (t,), df (t,))``. ``λ > 0``: Cholesky of the smaller Gram
    matrix (``ZᵀZ + αI`` or ``ZZᵀ + αI``), with ``df = m − α·tr((G + αI)⁻¹)`` from the same
    factor; it falls back to the eigendecomposition if the matrix is not numerically positive
    definite. ``λ = 0``: the minimum-norm least-squares solution through an SVD-based solver
    (``gelsd``), ``df`` = the numerical rank. Different λ per target: one eigendecomposition.
    """
    Z, y = problem.Z, problem.y
    t = y.shape[1]
    lam = np.broadcast_to(np.asarray(lam, dtype=np.float64), (t,))
    alphas = problem.S * lam
    n, p = Z.shape
    if p == 0:
        v, df_pen = np.zeros((0, t)), np.zeros(t)
    elif np.all(alphas == 0):
        v, _, rank, _ = sla.lstsq(Z, y, cond=max(n, p) * _EPS, lapack_driver="gelsd",
                                  check_finite=False)
        df_pen = np.full(t, float(rank))
    elif np.all(alphas == alphas[0]):
        try:
            v, df0 = _solve_cholesky(Z, y, alphas[0])
            df_pen = np.full(t, df0)
        except np.linalg.LinAlgError:
            v, df_pen = _solve_per_target(problem, alphas)
    else:
        v, df_pen = _solve_per_target(problem, alphas)
    coef, intercept = problem.coefficients(v)
    return coef.T, intercept, df_pen + problem.n_unpenalized


def _solve_cholesky(Z, y, a):
    n, p = Z.shape
    primal = n >= p
    G = Z.T @ Z if primal else Z @ Z.T
    sol, df = cholesky_gram_solve(G, Z.T @ y if primal else y, a)
    return (sol if primal else Z.T @ sol), df


def cholesky_gram_solve(G, rhs, a):
    """``((G + αI)⁻¹ rhs, tr(G (G + αI)⁻¹))`` by one Cholesky factorization (``G`` is
    overwritten); a LinAlgError when ``G + αI`` is too ill-conditioned for it."""
    m = G.shape[0]
    G.flat[:: m + 1] += a
    c, low = sla.cho_factor(G, lower=True, overwrite_a=True, check_finite=False)
    diag = np.abs(np.diag(c))
    if diag.min() <= 0 or (diag.max() / diag.min()) ** 2 > 1e10:
        # cond(G + αI) ≥ (max L_ii / min L_ii)²: too large for the normal equations
        raise np.linalg.LinAlgError("ridge system too ill-conditioned for Cholesky")
    sol = sla.cho_solve((c, low), rhs, check_finite=False)
    Linv = sla.solve_triangular(c, np.eye(m), lower=True, check_finite=False)
    df = m - a * float(np.sum(Linv * Linv))         # tr(G(G+αI)⁻¹) = m − α tr((G+αI)⁻¹)
    if not (np.all(np.isfinite(sol)) and np.isfinite(df)):
        raise np.linalg.LinAlgError("ridge system not numerically positive definite")
    return sol, df


def _solve_per_target(problem, alphas):
    dec = decompose(problem, alpha_min=float(np.min(alphas)))
    lams = alphas / problem.S
    v = np.stack([dec.coef_transformed(lam, target=j)[:, 0] for j, lam in enumerate(lams)], axis=1)
    return v, dec.df(lams) - problem.n_unpenalized


def kfold_decompositions(X, y, sample_weight, splits, *, fit_intercept=True, standardize=True,
                         penalty_factor=None, alpha_min=None):
    r"""Decompose all data and every training fold from one pass of Gram products.

    The moments of every training fold come from :func:`~shrinkage.solvers.moments.fold_moments`
    (all data minus the test fold, re-centred on the fold's own mean and re-standardized with
    its own standard deviations), so each fold is exactly the :class:`RidgeProblem` of its rows:
    with ``G`` the fold's standardized weighted covariance and ``S`` its total weight, the
    penalized columns are divided by ``√f`` and ``ZᵀZ = S · G / (√f √fᵀ)`` is decomposed. The
    Gram work is about ``n p²`` in all (instead of ``K n p²``) and no fold copies ``X``.

    Applies when every training fold has at least as many rows as features and no feature is
    unpenalized; returns None otherwise, or when a Gram matrix is too ill-conditioned for
    ``alpha_min`` (the caller then decomposes each fold directly).

    Returns
    -------
    (RidgeDecomposition, list of RidgeDecomposition) or None
        All data, then one per split; primal form (``V``, ``d2``, ``q``, no ``Z``): they give
        paths, degrees of freedom and ``grid_predictor``, not leave-one-out.
    """
    X = X.astype(np.float64, copy=False) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    n, p = X.shape
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    if np.any(f == 0) or any(len(tr) < p for tr, _ in splits):
        return None
    full, folds = fold_moments(X, y, sample_weight, splits, fit_intercept=fit_intercept,
                               standardize=standardize)
    decs = []
    for m in [full, *folds]:
        decs.append(decomposition_from_moments(m, f, fit_intercept=fit_intercept,
                                               alpha_min=alpha_min))
        if decs[-1] is None:
            return None
    return decs[0], decs[1:]


def decomposition_from_moments(m, penalty_factor, *, fit_intercept=True, alpha_min=None):
    """The primal :class:`RidgeDecomposition` of one set of rows from their
    :class:`~shrinkage.solvers.moments.Moments` (every ``f_j > 0``): ``ZᵀZ = S · G / (√f √fᵀ)``
    is decomposed. It gives paths, degrees of freedom and ``grid_predictor`` (no ``Z``).
    Returns None when the Gram matrix is too ill-conditioned for ``alpha_min`` (the caller
    then needs the rows themselves)."""
    if not m.S > 0:
        raise ValueError("a training fold has zero total sample weight")
    p = m.G.shape[0]
    root_f = np.sqrt(np.asarray(penalty_factor, dtype=np.float64))
    w, V = np.linalg.eigh(m.G / np.outer(root_f, root_f))
    w *= m.S
    keep = w > max(m.n_rows, p) * _EPS * max(w[-1], 0.0)
    d2, V = w[keep], V[:, keep]
    full_rank = min(m.n_rows - int(fit_intercept), p)
    ill = d2.size == 0 or d2.min() < 1e-10 * d2.max() or d2.size < full_rank
    if ill and (alpha_min is None or alpha_min < 1e-6 * d2.max()):
        return None
    prob = RidgeProblem(Z=None, y=None, sqrt_sw=None, S=m.S, n_rows=m.n_rows,
                        x_mean=m.mean, x_scale=m.scale * root_f, y_mean=m.y_mean,
                        pen_idx=np.arange(p), unpen_idx=np.zeros(0, dtype=int),
                        fit_intercept=fit_intercept)
    return RidgeDecomposition(prob, d2, V, None, V.T @ (m.S * m.q / root_f[:, None]),
                              "eigh-downdate")
