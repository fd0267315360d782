r"""The Laplace-approximated evidence of L2 logistic and softmax regression.

The model, the prior tied to λ, the treatment of the intercept and of the softmax's common
shift, and the approximation itself are derived in :mod:`shrinkage.selection.evidence`. The fits
come from :mod:`shrinkage.solvers.smooth`, the Hessian from
:class:`~shrinkage.solvers.objective.SmoothObjective`, the default grid from
:mod:`shrinkage.selection.grid`.
"""

from __future__ import annotations


import numpy as np
import scipy.linalg as sla
from scipy.optimize import minimize_scalar
from sklearn.exceptions import ConvergenceWarning

from .._validation import check_lam_values
from ..solvers.objective import SmoothObjective, logistic_objective
from ..solvers.smooth import solve_smooth
from .grid import evidence_logistic_grid, extend_while_on_edge, smooth_grid_top
from .._warnings import warn_user

__all__ = ["laplace_log_evidence", "logistic_log_evidence", "logistic_evidence_lam"]

_LOG2PI = float(np.log(2.0 * np.pi))



def _sum_to_zero_basis(K):
    """Orthonormal basis (K, K−1) of the vectors summing to zero."""
    Q, _ = np.linalg.qr(np.eye(K)[:, :K - 1] - 1.0 / K)
    return Q


def _free_and_penalized(obj: SmoothObjective):
    """Index lists: penalized entries of θ, and groups of flat-prior entries (one per column or
    intercept, ``K`` entries each)."""
    K, p = obj.K, obj.p
    pen_cols = np.flatnonzero(obj.f > 0)
    free_cols = np.flatnonzero(obj.f == 0)
    pen = (np.arange(K)[:, None] * p + pen_cols[None, :]).ravel()
    groups = [np.arange(K) * p + j for j in free_cols]
    if obj.fit_intercept:
        groups.append(K * p + np.arange(K))
    return np.sort(pen), groups


def laplace_log_evidence(obj: SmoothObjective, theta, *, total_weight=None) -> float:
    r"""Laplace-approximated log evidence of a fitted L2 logistic / softmax model.

    ``obj`` holds the data, the normalized weights ``sw`` and its current λ; ``theta`` is its
    minimizer (e.g. ``solve_smooth(obj).theta``). Implements::

        −S J(θ̂) + ½ Σ_pen log(S π_j / π) + (m/2) log 2π − ½ log det(S Bᵀ H B)

    where ``B`` is the identity on penalized entries and a sum-to-zero basis on each group of
    flat-prior entries (``K ≥ 2`` classes only; see the module docstring).

    Parameters
    ----------
    obj : SmoothObjective
        With ``obj.lam > 0``.
    theta : ndarray of shape (n_theta,)
    total_weight : float, optional
        ``S = Σ s_i`` (frequency weights), which ``obj.sw`` no longer carries. Default: the
        number of rows (unit weights).

    Returns
    -------
    float
    """
    if not obj.lam > 0:
        raise ValueError("the evidence needs lam > 0 (lam = 0 is a flat, improper prior)")
    S = float(obj.n if total_weight is None else total_weight)
    if not (np.isfinite(S) and S > 0):
        raise ValueError(f"total_weight must be a positive number, got {total_weight!r}")
    theta = np.asarray(theta, dtype=np.float64)
    J = obj.value(theta)
    H = obj.data_hessian(theta)
    if obj.binary:      # upper triangle valid
        H = np.triu(H) + np.triu(H, 1).T
    H = H + np.diag(obj.penalty_diag())
    pen, groups = _free_and_penalized(obj)
    K = obj.K
    if obj.binary or not groups:
        idx = np.concatenate([pen] + groups) if groups else pen
        Hs = H[np.ix_(idx, idx)]
    else:
        B0 = _sum_to_zero_basis(K)                       # (K, K−1)
        n_free = len(groups) * (K - 1)
        B = np.zeros((obj.n_theta, pen.size + n_free))
        B[pen, np.arange(pen.size)] = 1.0
        for g, idx in enumerate(groups):
            col = pen.size + g * (K - 1)
            B[idx, col:col + K - 1] = B0
        Hs = B.T @ H @ B
    m = Hs.shape[0]
    try:
        c = sla.cholesky(S * Hs, lower=True, check_finite=False)
        logdet = 2.0 * float(np.sum(np.log(np.diag(c))))
    except np.linalg.LinAlgError:
        w = np.linalg.eigvalsh(S * Hs)
        if w.min() <= 0:
            raise np.linalg.LinAlgError(
                "the posterior Hessian is singular: a flat-prior parameter (intercept or "
                "unpenalized column) is not identified by the data") from None
        logdet = float(np.sum(np.log(w)))
    pi_pen = np.tile(obj.pi, K)[pen]
    log_prior_norm = 0.5 * float(np.sum(np.log(S * pi_pen / np.pi)))
    return -S * J + log_prior_norm + 0.5 * m * _LOG2PI - 0.5 * logdet


def _logistic_objective(X, y, sample_weight, fit_intercept, standardize, penalty_factor):
    """Encode ``y`` and build the objective exactly as :class:`shrinkage.LogisticRegression`
    does (θ-coordinates always standardized; ``f·sd²`` when ``standardize``)."""
    X = np.asarray(X, dtype=np.float64)
    if X.ndim != 2 or X.shape[0] == 0:
        raise ValueError(f"X must be a non-empty 2-D array, got shape {X.shape}")
    if not np.all(np.isfinite(X)):
        raise ValueError("X contains NaN or infinity")
    y = np.asarray(y)
    if y.shape != (X.shape[0],):
        raise ValueError(f"y must have shape ({X.shape[0]},), got {y.shape}")
    classes, y_idx = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(f"y needs at least two classes, got {classes.size}")
    n, p = X.shape
    if sample_weight is None:
        s = np.ones(n)
    else:
        s = np.asarray(sample_weight, dtype=np.float64).reshape(-1)
        if s.shape != (n,) or np.any(~np.isfinite(s)) or np.any(s < 0) or not s.sum() > 0:
            raise ValueError("sample_weight must be n non-negative finite numbers, not all zero")
    f = None if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    if f is not None and (f.shape != (p,) or np.any(~np.isfinite(f)) or np.any(f < 0)):
        raise ValueError(f"penalty_factor must be {p} non-negative finite numbers")
    Y = (y_idx == 1).astype(np.float64) if classes.size == 2 else np.eye(classes.size)[y_idx]
    obj = logistic_objective(X, Y, s, 1.0, f, fit_intercept, standardize)
    return obj, classes, float(s.sum())


def _logistic_lam_max(obj):
    """glmnet's ridge λ_max (every standardized coefficient about 1e-3), as in
    :class:`shrinkage.LogisticRegressionCV` (:func:`~shrinkage.selection.grid.smooth_grid_top`)."""
    if not np.any(obj.f > 0):
        raise ValueError("every penalty_factor is 0: there is no penalty whose λ to choose")
    return smooth_grid_top(obj)


class _ArgMax:
    """The best grid point, as the grid extension reads a selection."""

    def __init__(self, lam_min):
        self.lam_min = lam_min


class _Path:
    """Fits along λ with warm starts from the nearest λ already solved."""

    def __init__(self, obj, S, solver, tol, max_iter):
        self.obj, self.S, self.solver, self.tol, self.max_iter = obj, S, solver, tol, max_iter
        self.fits = {}      # log λ -> (log evidence, SmoothResult)

    def __call__(self, lam):
        key = float(np.log(lam))
        if key in self.fits:
            return self.fits[key][0]
        theta0 = None
        if self.fits:
            near = min(self.fits, key=lambda k: abs(k - key))
            theta0 = self.fits[near][1].theta
        self.obj.set_lam(lam)
        res = solve_smooth(self.obj, theta0=theta0, solver=self.solver, tol=self.tol,
                           max_iter=self.max_iter, warn=False)
        if not res.converged:
            warn_user(f"the fit at lam={lam:.3g} did not converge (max |gradient| = "
                      f"{res.grad_max:.3g}); its Laplace evidence is approximate",
                      ConvergenceWarning)
        ev = laplace_log_evidence(self.obj, res.theta, total_weight=self.S)
        self.fits[key] = (ev, res)
        return ev


def logistic_log_evidence(X, y, lams, *, sample_weight=None, fit_intercept=True,
                          standardize=True, penalty_factor=None, solver="auto", tol=1e-8,
                          max_iter=None):
    r"""Laplace-approximated log evidence of L2 logistic (or softmax) regression per λ.

    Fits the model at every λ (largest first, each warm-started at the previous fit) with the
    solvers of :mod:`shrinkage.solvers.smooth`, then applies :func:`laplace_log_evidence`. The
    model, the prior tied to λ (``−log p(w) = S λ Σ f_j w_j² + const``) and the treatment of
    the intercept are in the module docstring.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
        Class labels; two classes use the logistic loss, more the softmax.
    lams : array-like of shape (L,)
        Strengths ``λ > 0`` in our scaling.
    sample_weight : array-like of shape (n_samples,), optional
        Frequency weights (integer weights equal repeated rows).
    fit_intercept, standardize, penalty_factor
        As in :class:`shrinkage.LogisticRegression`.
    solver, tol, max_iter
        Passed to :func:`shrinkage.solvers.smooth.solve_smooth`.

    Returns
    -------
    ndarray of shape (L,)

    Examples
    --------
    >>> import numpy as np
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 4))
    >>> y = (X @ [1.0, -1.0, 0.5, 0.0] + rng.logistic(size=300) > 0).astype(int)
    >>> ev = logistic_log_evidence(X, y, [1.0, 1e-1, 1e-2, 1e-3, 1e-4])
    >>> int(np.argmax(ev))
    2
    """
    lams = check_lam_values(lams, allow_zero=False)
    obj, _, S = _logistic_objective(X, y, sample_weight, fit_intercept, standardize,
                                    penalty_factor)
    path = _Path(obj, S, solver, tol, max_iter)
    out = np.empty(lams.size)
    for i in np.argsort(-lams, kind="stable"):
        out[i] = path(lams[i])
    return out


def logistic_evidence_lam(X, y, lams=None, *, sample_weight=None, fit_intercept=True,
                          standardize=True, penalty_factor=None, solver="auto", tol=1e-8,
                          max_iter=None, xatol=1e-3):
    r"""The λ that maximizes the Laplace evidence of L2 logistic (or softmax) regression.

    Evaluates the evidence on a grid (warm-started path, largest λ first), then maximizes over
    a continuous ``log λ`` by bounded Brent search between the best grid point's neighbours
    (each evaluation one warm-started fit).

    Parameters
    ----------
    X, y, sample_weight, fit_intercept, standardize, penalty_factor, solver, tol, max_iter
        As in :func:`logistic_log_evidence`.
    lams : array-like of shape (L,), optional
        Grid (``λ > 0``). Default: 31 points over six decades down from glmnet's ridge
        ``λ_max`` (every standardized coefficient about 1e-3 there), extended by up to three
        decades below while the best point is the smallest λ.
    xatol : float, default=1e-3
        Tolerance of the search in ``log λ`` (0.1 % in λ).

    Returns
    -------
    lam : float
    info : dict
        ``"lams"`` (L,) and ``"log_evidence"`` (L,) on the grid (the default grid as
        extended), ``"log_evidence_max"`` at ``lam``, ``"coef"`` (K, n_features) and
        ``"intercept"`` (K,) of the fit at ``lam`` on the original scale (``K = 1`` for two
        classes; softmax rows and intercepts summing to zero over classes, as
        :class:`shrinkage.LogisticRegression` reports them), ``"theta"`` (its solver
        coordinates), ``"n_iter"``, ``"classes"``, ``"on_edge"`` (the maximum is at the
        grid's smallest or largest λ).

    Examples
    --------
    >>> import numpy as np
    >>> X = np.random.default_rng(0).standard_normal((300, 4))
    >>> y = (X @ [1.0, -1.0, 0.5, 0.0] + np.random.default_rng(1).logistic(size=300) > 0)
    >>> lam, info = logistic_evidence_lam(X, y.astype(int))
    >>> info["coef"].shape, info["on_edge"], bool(1e-3 < lam < 1e-1)
    ((1, 4), False, True)
    """
    obj, classes, S = _logistic_objective(X, y, sample_weight, fit_intercept, standardize,
                                          penalty_factor)
    path = _Path(obj, S, solver, tol, max_iter)
    auto = lams is None
    grid = (evidence_logistic_grid(_logistic_lam_max(obj)) if auto
            else np.sort(check_lam_values(lams, allow_zero=False))[::-1])
    vals = np.array([path(lam) for lam in grid])
    if auto:        # extend downwards while the best point is the smallest λ
        def evaluate(new, side):
            nonlocal grid, vals
            grid = np.concatenate([grid, new])
            vals = np.concatenate([vals, [path(lam) for lam in new]])

        def choose():
            return _ArgMax(float(grid[int(np.argmax(vals))])), grid

        extend_while_on_edge(grid, evaluate, choose, decades=1.0, max_extensions=3,
                             sides=("low",))
    i = int(np.argmax(vals))
    on_edge = i == 0 or i == grid.size - 1
    best_lam, best_val = float(grid[i]), float(vals[i])
    lo = np.log(grid[min(i + 1, grid.size - 1)])        # grid is decreasing
    hi = np.log(grid[max(i - 1, 0)])
    if hi > lo:
        res = minimize_scalar(lambda t: -path(float(np.exp(t))), bounds=(lo, hi),
                              method="bounded", options={"xatol": xatol, "maxiter": 100})
        if -res.fun > best_val:
            best_lam, best_val = float(np.exp(res.x)), float(-res.fun)
            on_edge = on_edge and (abs(res.x - np.log(grid[0])) < 10 * xatol
                                   or abs(res.x - np.log(grid[-1])) < 10 * xatol)
    ev, fit = path.fits[float(np.log(best_lam))]
    if lams is not None:
        order = np.argsort(-np.asarray(lams, dtype=np.float64), kind="stable")
        grid_out = np.empty_like(grid)
        vals_out = np.empty_like(vals)
        grid_out[order], vals_out[order] = grid, vals
    else:
        grid_out, vals_out = grid, vals
    return best_lam, {
        "lams": grid_out, "log_evidence": vals_out, "log_evidence_max": float(ev),
        "coef": fit.coef, "intercept": fit.intercept, "theta": fit.theta,
        "n_iter": int(fit.n_iter), "classes": classes, "on_edge": bool(on_edge),
    }
