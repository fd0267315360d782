"""K-fold :class:`~shrinkage.RidgeCV` on sparse ``X`` by conjugate gradients: no ``p × p`` array.

Each training fold is a :class:`~shrinkage.solvers.ridge_sparse.SparseRidge` (its own means and
standard deviations, centring and scaling implicit); its λ grid is walked from the largest λ
down, each solve warm-started from the previous one, and the held-out rows are predicted from the
coefficients (never a Gram matrix: memory is about the training rows' copy of ``X`` per fold and
a few vectors of length ``p`` per target). A fold keeps its last solution, so that an extension of
the automatic grid (below or above) starts from the nearest λ already solved.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigsh

from ..solvers.ridge_sparse import CG_TOL, GRAM_MAX_FEATURES, SparseRidge, warn_cg

__all__ = ["SparseCGFold", "SparseCGFull", "sparse_cg_route"]


class SparseCGFold:
    """One training fold of sparse K-fold ridge: ``predict(lams)`` gives the held-out
    predictions, shape (n_test, n_lams, n_targets)."""

    def __init__(self, X, y, sw, train, test, build, tol=CG_TOL):
        self.prob = SparseRidge(X[train], y[train], None if sw is None else sw[train], **build)
        self.X_test, self.tol = X[test], tol
        self.last = None                              # (λ, V) of the last λ solved

    def state(self):
        return self.last

    def set_state(self, last):
        self.last = last

    def predict(self, lams):
        lams = np.asarray(lams, dtype=np.float64)
        up = self.last is not None and lams.min() > self.last[0]     # an extension above
        order = np.argsort(lams if up else -lams, kind="stable")
        V = None if self.last is None else self.last[1]
        out = np.empty((self.X_test.shape[0], lams.size, self.prob.rhs.shape[1]))
        for i in order:
            V, n_iter, ok = self.prob.solve(lams[i], tol=self.tol, x0=V)
            if not ok.all():
                warn_cg(n_iter, self.tol)
            coef, intercept = self.prob.coefficients(V)
            out[:, i, :] = np.asarray(self.X_test @ coef.T) + intercept
        self.last = (float(lams[order[-1]]), V)
        return out


class _Problem:
    """What :class:`~shrinkage.RidgeCV` reads of a decomposition's problem: the total weight."""

    def __init__(self, S):
        self.S = S


class SparseCGFull:
    """The all-rows fit for :class:`~shrinkage.RidgeCV` where no decomposition exists: ``d2``
    holds only the largest eigenvalue of ``ZᵀZ`` (its penalized part, as the dense
    decomposition's: for the top of the automatic grid; its extensions stop at ``eps`` times
    it), ``df`` is unknown (NaN), ``path`` solves by conjugate gradients."""

    def __init__(self, X, y, sw, build, tol=CG_TOL):
        self.prob = SparseRidge(X, y, sw, **build)
        self.problem = _Problem(X.shape[0] if sw is None else float(np.sum(sw)))
        self.tol, self.n_iter = tol, 1
        self.d2 = np.array([self.problem.S * _top_eigenvalue(self.prob)])

    def df(self, lams):
        return np.full(np.size(lams), np.nan)

    def path(self, lams):
        """``(coef (L, t, p), intercept (L, t))`` by warm-started conjugate gradients."""
        coefs, intercepts, V = [], [], None
        for lam in lams:
            V, self.n_iter, ok = self.prob.solve(lam, tol=self.tol, x0=V)
            if not ok.all():
                warn_cg(self.n_iter, self.tol)
            coef, intercept = self.prob.coefficients(V)
            coefs.append(coef)
            intercepts.append(intercept)
        return np.stack(coefs), np.stack(intercepts)


def _top_eigenvalue(prob):
    """The largest eigenvalue of the implicit Gram ``G`` of ``prob`` restricted to the penalized
    columns after the unpenalized ones are projected out (``G_PP − G_PU G_UU⁻¹ G_UP``, the
    spectrum the dense decomposition has), by Lanczos to a relative 1e-10."""
    op, pen = prob.gram, prob.pen
    P, U = np.flatnonzero(pen), np.flatnonzero(~pen)
    p = pen.size

    def matvec(u):
        full = np.zeros((p, 1))
        full[P, 0] = np.ravel(u)
        g = op @ full
        if U.size:
            g[P] -= GPU @ np.linalg.solve(GUU, g[U])
        return g[P, 0]
    if U.size:
        E = np.zeros((p, U.size))
        E[U, np.arange(U.size)] = 1.0
        GU = op @ E                                       # G's unpenalized columns
        GUU, GPU = GU[U], GU[P]
    if P.size == 0:
        return 0.0
    if P.size == 1:
        return max(float(matvec(np.ones(1))[0]), 0.0)
    A = LinearOperator((P.size, P.size), matvec=matvec, dtype=np.float64)
    top = eigsh(A, k=1, which="LA", tol=1e-10, return_eigenvectors=False, v0=np.ones(P.size))
    return max(float(top[0]), 0.0)


def sparse_cg_route(X, splits, build):
    """K-fold on sparse ``X`` solves each fold by conjugate gradients (this module)
    beyond ``GRAM_MAX_FEATURES`` columns, with an unpenalized column, or when a training fold
    has fewer rows than columns (where the folds' Gram moments do not apply)."""
    if not sp.issparse(X):
        return False
    f = build["penalty_factor"]
    return (X.shape[1] > GRAM_MAX_FEATURES or (f is not None and np.any(f == 0))
            or any(len(tr) < X.shape[1] for tr, _ in splits))
