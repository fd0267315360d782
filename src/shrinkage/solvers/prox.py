r"""Proximal gradient (FISTA) for the group L2 penalty ``λ Σ_g ω_g ‖β_g‖₂`` (and its ridge mix).

The problem
-----------
On standardized features ``x̃`` (:mod:`shrinkage.solvers.cd`) we minimize
``F(β, b) = D(β, b) + λ Σ_g ω_g‖β_g‖`` with ``D`` the weighted mean squared error (no ½) or
logistic loss. ``D`` has an ``L``-Lipschitz gradient ``∇_β D = X̃ᵀ G`` (``G`` the datafit's gradient in η), with
``σ = ‖X̃ᵀ diag(sw) X̃‖₂`` and the datafit's ``curvature_bound`` ``c``:

* squared error: ``L = cσ = 2σ`` (the intercept is ``ȳ`` after centring);
* logistic: ``∇_b D = Σ G_i``, ``L = c max(σ, 1) = ¼ max(σ, 1)`` (centred columns are orthogonal
  to the intercept's column of ones, whose ``sw``-norm is 1).
* softmax (K classes, coefficients ``B`` of shape (K, p)): the same with ``c = ½``; the
  intercepts (K,) are centred to sum to zero at the end.

Coefficients may be a matrix ``B`` (K, p) — several targets of the squared error (the
multi-task problem) or the softmax's classes —, feature ``j``'s column ``B[:, j]`` then belongs
to ``j``'s group (:class:`~shrinkage.penalties.GroupElasticNet`, whose ridge part
``λ Σ_g ω_g (1−ρ)‖β_g‖²`` enters through its prox). :func:`group_lasso_path` walks a λ grid
with warm starts.

FISTA (Beck & Teboulle 2009) takes ``β⁺ = prox_{λ/L}(z − ∇D(z)/L)`` at the extrapolated point
``z``, the prox being the block soft-thresholding of :class:`~shrinkage.penalties.GroupL2`,
with the gradient restart of O'Donoghue & Candès (2015), which restores linear convergence
when ``D`` is strongly convex. It stops when every group's subdifferential distance (and
``|∇_b D|``) is at most ``tol`` times the null gradient's largest group norm
``max_g ‖g_g(0)‖`` — the same certificate as the coordinate-descent solvers.

A scipy.sparse ``X`` (CSR/CSC) is never densified: centring and scaling enter the products
``X̃β`` and ``X̃ᵀG`` (:func:`_standardized_design`), and the iterates are those of the dense copy.
"""

from __future__ import annotations


import numpy as np
import scipy.sparse as sp
from scipy.sparse.linalg import LinearOperator, eigsh
from sklearn.exceptions import ConvergenceWarning

from ..datafits import get_datafit, normalized_weights
from ..penalties import GroupElasticNet
from ..standardization import column_stats
from .result import SparseResult
from .ridge_sparse import GRAM_MAX_FEATURES, scaled_gram
from .._warnings import warn_user

__all__ = ["solve_group_lasso", "group_lasso_path"]


def solve_group_lasso(X, y, sample_weight=None, *, lam: float, groups, group_weights=None,
                      datafit: str = "squared_error", fit_intercept: bool = True,
                      standardize: bool = True, tol: float = 1e-8, max_iter: int = 20_000,
                      coef0=None, l1_ratio: float = 1.0, offset=None) -> SparseResult:
    r"""Group lasso (or group elastic net) by FISTA with restarts.

    Parameters
    ----------
    X : ndarray or scipy.sparse CSR/CSC matrix of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Targets (``{0, 1}`` for ``datafit="logistic"``, one-hot (n_samples, K) for
        ``"softmax_cross_entropy"``); a matrix ``y`` with the squared error is the multi-task
        problem, whose coefficient matrix ``W`` (n_targets, n_features) puts feature ``j``'s
        column ``W[:, j]`` in ``j``'s group.
    sample_weight : ndarray of shape (n_samples,), optional
    lam : float
        ``λ ≥ 0``.
    groups : array-like of shape (n_features,)
        Group label per feature.
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g`` (default ``√p_g``); see :class:`~shrinkage.penalties.GroupL2`.
    datafit : {"squared_error", "logistic", "softmax_cross_entropy"}
    fit_intercept, standardize : bool
    tol : float, default=1e-8
        Relative to the null gradient's largest group norm (module docstring).
    max_iter : int, default=20000
    coef0 : ndarray of shape (n_features,) or (n_targets, n_features), optional
        Warm start (original scale).
    l1_ratio : float, default=1.0
        ``ρ`` of the penalty ``λ Σ_g ω_g [(1−ρ)‖w_g‖² + ρ‖w_g‖₂]``
        (:class:`~shrinkage.penalties.GroupElasticNet`); its ridge part enters the prox.
    offset : ndarray of shape (n_samples,) or (n_samples, n_targets), optional
        A fixed part of the linear predictor, ``η = Xwᵀ + b + offset`` (squared error: the
        fit of ``y − offset``).

    Returns
    -------
    SparseResult
        ``coef`` of shape (n_features,) or (n_targets, n_features), ``intercept`` a float or
        of shape (n_targets,) (softmax intercepts centred to sum to zero).

    Examples
    --------
    >>> import numpy as np; from shrinkage.solvers.prox import solve_group_lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 6))
    >>> y = X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=100)
    >>> res = solve_group_lasso(X, y, lam=0.1, groups=[0, 0, 1, 1, 2, 2])
    >>> np.flatnonzero(res.coef).tolist()
    [0, 1]
    """
    return group_lasso_path(X, y, sample_weight, lams=[lam], groups=groups,
                            group_weights=group_weights, datafit=datafit,
                            fit_intercept=fit_intercept, standardize=standardize, tol=tol,
                            max_iter=max_iter, coef0=coef0, l1_ratio=l1_ratio,
                            offset=offset)[0]


def group_lasso_path(X, y, sample_weight=None, *, lams, groups, group_weights=None,
                     datafit: str = "squared_error", fit_intercept: bool = True,
                     standardize: bool = True, tol: float = 1e-8, max_iter: int = 20_000,
                     coef0=None, l1_ratio: float = 1.0, warn: bool = True,
                     offset=None) -> list:
    r""":func:`solve_group_lasso` along a λ grid, each λ started at the previous solution (warm
    starts; the standardization and the step ``1/L`` are computed once).

    Parameters
    ----------
    X, y, sample_weight, groups, group_weights, datafit, fit_intercept, standardize, tol,
    max_iter, l1_ratio, offset
        As in :func:`solve_group_lasso`.
    lams : array-like of shape (n_lams,)
        The grid, walked in the order given (from the largest λ for warm starts to help).
    coef0 : ndarray, optional
        Start of the first λ (original scale).
    warn : bool, default=True
        Warn when a λ does not converge.

    Returns
    -------
    list of SparseResult, one per λ

    Examples
    --------
    >>> import numpy as np; from shrinkage.solvers.prox import group_lasso_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 6))
    >>> Y = np.column_stack([X[:, 0], X[:, 0] - X[:, 3]]) + 0.1 * rng.normal(size=(100, 2))
    >>> path = group_lasso_path(X, Y, lams=[2.5, 0.5, 0.1], groups=np.arange(6),
    ...                         group_weights=np.ones(6))
    >>> [np.flatnonzero(r.coef.any(axis=0)).tolist() for r in path]
    [[0], [0, 3], [0, 3]]
    """
    X = X.astype(np.float64, copy=False) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    pen = GroupElasticNet(1.0, groups, group_weights, l1_ratio=l1_ratio)
    if pen.index_.size != p:
        raise ValueError(f"groups has {pen.index_.size} labels but X has {p} features; give one "
                         "group label per feature")
    sw = normalized_weights(sample_weight, n)
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    Zmul, Ztmul, sigma, gram = _standardized_design(X, sw, np.asarray(mean, np.float64),
                                                    np.asarray(scale, np.float64))
    if datafit not in ("squared_error", "logistic", "softmax_cross_entropy"):
        raise ValueError("datafit must be 'squared_error', 'logistic' or "
                         f"'softmax_cross_entropy', got {datafit!r}")
    df = get_datafit(datafit)
    logistic = datafit != "squared_error"           # an intercept fitted by the iterations
    off = 0.0 if offset is None else np.asarray(offset, dtype=np.float64)
    if not logistic:                                # squared error: the fit of y − offset
        y, off = y - off, 0.0
    ybar = sw @ y if fit_intercept else np.zeros(y.shape[1:])
    L = df.curvature_bound * (max(sigma, 1.0 if fit_intercept else 0.0) if logistic else sigma)
    target = y if logistic else y - ybar
    shape = (p,) if y.ndim == 1 else (y.shape[1], p)    # coefficients: features on the last axis

    def gradient(beta, b):
        G = df.gradient(target, Zmul(beta) + b + off, sw)
        return Ztmul(G), (G.sum(axis=0) if logistic and fit_intercept else np.zeros(y.shape[1:]))

    beta = np.zeros(shape) if coef0 is None else np.asarray(coef0, float) * scale
    b = np.asarray(df.null_eta(y, sw) if logistic and fit_intercept else np.zeros(y.shape[1:]),
                   dtype=np.float64)
    g0, _ = gradient(np.zeros(shape), b)
    if not logistic and gram is not None:
        gradient = _covariance_gradient(g0, gram, df.curvature_bound, y.shape[1:])
    tol_abs = tol * max(float(pen.group_norms(g0).max()), np.finfo(float).tiny)
    out = []
    for lam in np.asarray(lams, dtype=np.float64):
        pen.lam = float(lam)
        beta, b, it, kkt = _fista(pen, gradient, beta, b, L if L > 0 else 1.0, tol_abs, max_iter)
        converged = kkt <= tol_abs
        if not converged and warn:
            warn_user(f"FISTA did not converge in {max_iter} iterations at λ = {lam:.4g} "
                      f"(optimality gap {kkt:.3g} > {tol_abs:.3g}); raise max_iter or tol",
                      ConvergenceWarning)
        coef = beta / scale
        intercept = (b if logistic else ybar) - coef @ mean
        if datafit == "softmax_cross_entropy":          # identified up to a common shift
            intercept = intercept - intercept.mean()
        out.append(SparseResult(coef, intercept if y.ndim > 1 else float(intercept), it, kkt,
                                converged))
    return out


def _covariance_gradient(g0, gram, curvature, b_shape):
    """Covariance mode for the squared error, which is quadratic: ``∇D(β) = ∇D(0) + c·βG``
    with ``G`` the standardized Gram and ``c = 2`` its constant curvature — O(p²) a step
    instead of O(np). The intercept is ``ȳ`` (its gradient zero)."""
    zero_b = np.zeros(b_shape)

    def gradient(beta, b):
        return g0 + curvature * (beta @ gram), zero_b
    return gradient


def _fista(pen, gradient, beta, b, L, tol_abs, max_iter):
    """FISTA with gradient restarts from ``(β, b)`` (module docstring); returns
    ``(β, b, iterations, certificate)``."""
    zb, zc, t = beta.copy(), b, 1.0
    kkt, it = np.inf, 0
    for it in range(1, max_iter + 1):
        gz, gc = gradient(zb, zc)
        new = pen.prox(zb - gz / L, 1.0 / L)
        new_b = zc - gc / L
        if np.vdot(zb - new, new - beta) + np.vdot(zc - new_b, new_b - b) > 0:   # restart
            t = 1.0
        t_next = 0.5 * (1.0 + np.sqrt(1.0 + 4.0 * t * t))
        mom = (t - 1.0) / t_next
        zb = new + mom * (new - beta)
        zc = new_b + mom * (new_b - b)
        beta, b, t = new, new_b, t_next
        if it % 10 == 0 or it == max_iter:
            gb, gc = gradient(beta, b)
            kkt = max(float(pen.subdiff_distance(beta, gb).max()), float(np.max(np.abs(gc))))
            if kkt <= tol_abs:
                break
    return beta, b, it, kkt


def _standardized_design(X, sw, mean, scale):
    """``(β ↦ Zβᵀ, G ↦ GᵀZ, σ, Gram)`` for ``Z = (X − m)/s``, ``σ = ‖Zᵀ diag(sw) Z‖₂`` (``β``
    of shape (p,) or (K, p), ``G`` (n,) or (n, K)); ``Gram = Zᵀ diag(sw) Z`` where it was formed
    for σ (dense ``p ≤ n``, sparse up to ``GRAM_MAX_FEATURES`` columns), else None.

    Dense ``X``: ``Z`` is formed once. Sparse ``X`` (CSR/CSC): ``Z`` never is, as glmnet does,
    ``Zβ = X(β/s) − mᵀ(β/s)`` and ``ZᵀG = (XᵀG − m ΣG)/s``; ``σ`` is the largest eigenvalue of
    the implicitly centred Gram (:func:`~shrinkage.solvers.ridge_sparse.scaled_gram`) up to
    ``GRAM_MAX_FEATURES`` columns, beyond that a Lanczos estimate (a lower bound, so raised by
    1e-3 to keep the step ``1/L`` safe)."""
    if not sp.issparse(X):
        Z = (X - mean) / scale
        R = Z * np.sqrt(sw)[:, None]        # σ = ‖R‖₂², from the smaller Gram (not an SVD)
        gram = R.T @ R if R.shape[1] <= R.shape[0] else None
        sigma = float(np.linalg.eigvalsh(R @ R.T if gram is None else gram)[-1]) \
            if R.size else 0.0
        return (lambda beta: Z @ beta.T), (lambda G: G.T @ Z), sigma, gram
    XT = X.T.tocsr()

    def zmul(beta):                     # β (p,) or (K, p) → η (n,) or (n, K)
        u = beta / scale
        return X @ u.T - u @ mean

    def ztmul(G):                       # G (n,) or (n, K) → (p,) or (K, p)
        return (np.asarray(XT @ G).T - np.multiply.outer(G.sum(axis=0), mean)) / scale

    p = X.shape[1]
    if p <= GRAM_MAX_FEATURES:
        G = scaled_gram(X @ sp.diags(1.0 / scale), sw, mean / scale)
        return zmul, ztmul, float(np.linalg.eigvalsh(G)[-1]) if p else 0.0, G
    op = LinearOperator((p, p), matvec=lambda v: ztmul(sw * zmul(v)), dtype=np.float64)
    top = eigsh(op, k=1, which="LA", tol=1e-6, return_eigenvectors=False)
    return zmul, ztmul, float(top[0]) * (1.0 + 1e-3), None
