r"""Proximal Newton for the elastic net with the logistic, softmax and GLM losses (as glmnet's
IRLS-CD).

The problem
-----------
On standardized features ``x̃_ij = (x_ij − m_j)/sd_j`` (:mod:`shrinkage.solvers.cd`) and with the
penalty's per-coordinate weights ``l1_j = λ f_j ρ``, ``l2_j = λ f_j (1−ρ)`` we minimize over the
coefficients ``β`` (``(p,)``, or ``(K, p)`` for ``K`` classes) and the intercepts::

    F(β, b) = Σ_i sw_i ℓ(y_i, η_i) + Σ_j l1_j|β_j| + l2_j β_j²,       η_i = x̃_iᵀβ + b

with ``ℓ`` the logistic loss (:class:`~shrinkage.datafits.Logistic`), the softmax
cross-entropy (:class:`~shrinkage.datafits.SoftmaxCrossEntropy`) or a log-link GLM's loss
(Poisson, gamma, Tweedie; an ``offset`` then adds to ``η``), and report ``w = β/sd``,
``b − mᵀw`` on the original scale.

One outer loop
--------------
At the current ``η`` the datafit is replaced by its second-order model (gradient ``G`` and
Hessian in η from the datafit), coordinate descent minimizes that model plus the penalty
(:mod:`shrinkage.solvers._cd_kernels`), and a backtracking line search on the true objective
(:func:`~shrinkage.solvers.linesearch.backtrack`, with the model decrease
``D = ∇Dᵀ Δ + pen(β + Δ) − pen(β)`` as Lee, Sun & Saunders 2014) makes the step a descent step.
The loop stops when the certificate holds: the largest subdifferential distance over all
coefficients (:func:`~shrinkage.penalties.enet_distances`) and ``|Σ_i G_i|`` for the intercepts
is at most ``tol`` times the null gradient's largest entry. The binary and the multinomial
solvers share this loop and differ only in their model (:class:`_Binary`, :class:`_Softmax`).

Binary (and every datafit with a diagonal Hessian in η: the GLMs take the same model with
their own ``g_i`` and ``d_i``): with ``g_i = sw_i(p_i − y_i)`` and ``d_i = sw_i p_i(1 − p_i)``
the model is
``Σ_i g_iΔη_i + ½ d_iΔη_i²``; CD keeps ``u_i = g_i + d_iΔη_i``, and with ``A_j = Σ_i d_i x̃_ij²``::

    β_j ← S(A_jβ_j − x̃_jᵀu, l1_j) / (A_j + 2 l2_j),     u += d ⊙ x̃_j δ;     b −= Σu/Σd.

No division by ``d_i`` (glmnet's working response) is needed, so ``p_i → 0, 1`` is harmless.
Only a *working set* is swept (as skglm's working sets): the non-zero and unpenalized
coefficients, and the zeros near or past their bound, ``|∂_j D| ≥ 0.9 l1_j``, the closest to
violating first, at most ``max(10, 2 × support)`` of them, formed anew at every outer step from
the full gradient; the stopping rule checks every feature, so the answer is unchanged while
features far from entering (most of them when ``p ≫ n``) cost nothing per inner pass.

Softmax: the model has the full Hessian blocks ``sw_i(diag p_i − p_i p_iᵀ)`` (classes coupled);
CD runs over every ``(k, j)`` and the intercepts, and after each pass every feature's
coefficients are shifted across the classes by the exact minimizer of the penalty
(:func:`~shrinkage.penalties.enet_center`, glmnet's centring: a common shift leaves the softmax
unchanged).
"""

from __future__ import annotations


import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from ..datafits import Logistic, SoftmaxCrossEntropy, normalized_weights
from ..penalties import ElasticNet, enet_distances, enet_value
from ..standardization import column_stats
from ._cd_kernels import _cd_logistic_inner, _cd_softmax_inner
from ._cd_sparse import _cd_binary_inner_csc, _cd_softmax_inner_csc
from .linesearch import backtrack, below_rounding
from .null import null_intercept
from .result import SparseResult
from .._warnings import warn_user

__all__ = ["solve_logistic_enet", "solve_glm_enet", "glm_enet_path", "solve_multinomial_enet",
           "multinomial_enet_kkt"]

_NEAR, _WS_MIN = 0.9, 10
_INNER_PASSES = 1000


def _working_set(beta, grad, l1, lo, hi):
    """Coordinates for the inner CD (module docstring): the non-zero and unpenalized ones, and
    the zeros with ``|g_j| ≥ 0.9 l1_j``, the closest to violating first, at most
    ``max(10, 2 × (non-zeros + unpenalized))`` in all (the cap only ever drops zeros). A zero
    held by a bound at zero against its gradient (``lo_j = 0``, ``g_j > 0``, or ``hi_j = 0``,
    ``g_j < 0``) cannot move and is left out (else such zeros could fill the set)."""
    free = (beta != 0) | (l1 == 0)
    held = (beta == 0) & (((lo >= 0) & (grad > 0)) | ((hi <= 0) & (grad < 0)))
    score = np.where(free, np.inf, np.where(held, 0.0, np.abs(grad))
                     / np.where(l1 > 0, l1, 1.0))
    cand = np.flatnonzero(score >= _NEAR)
    size = max(_WS_MIN, 2 * int(free.sum()))
    if cand.size > size:
        cand = cand[np.argpartition(-score[cand], size - 1)[:size]]
        cand.sort()
    return cand


class _Binary:
    """One linear predictor with a diagonal Hessian in η: ``y`` (n,), ``β`` (p,), ``b`` a float;
    the logistic loss (``y ∈ {0, 1}``) or a GLM's (``datafit``), with a fixed ``offset``."""

    def __init__(self, Z, y, sw, l1, l2, fit_intercept, screen, datafit=None, offset=0.0,
                 bounds=None):
        self.Z, self.y, self.sw, self.l1, self.l2 = Z, y, sw, l1, l2
        self.fit_intercept, self.screen = fit_intercept, screen
        self.datafit = Logistic() if datafit is None else datafit
        self.offset = offset
        p = Z.shape[1]
        self.bounds = bounds                 # (lo, hi) in standardized units, or None
        self.lo, self.hi = (np.full(p, -np.inf), np.full(p, np.inf)) if bounds is None \
            else bounds
        self.sign = Logistic.label_sign(y) if isinstance(self.datafit, Logistic) else None
        self.colsq = np.zeros(Z.shape[1])

    def data(self, eta):
        if self.sign is None:
            return self.datafit.value(self.y, eta, self.sw)
        return self.datafit.value(self.y, eta, self.sw, self.sign)

    def eta(self, beta, b):
        return self.Z @ beta + b

    def linearize(self, eta):
        """``(G, ∂D/∂β, curvature)`` at η."""
        G = self.datafit.gradient(self.y, eta, self.sw)
        return G, self.Z.T @ G, self.datafit.hessian_diag(self.y, eta, self.sw)

    def inner(self, beta, b, G, grad, d, tol):
        idx = (_working_set(beta, grad, self.l1, self.lo, self.hi) if self.screen
               else np.arange(beta.size))
        new = beta.copy()
        if isinstance(self.Z, _StandardizedCSC):     # colsq[idx] is formed by the kernel
            Z = self.Z
            passes, db = _cd_binary_inner_csc(Z.X.data, Z.X.indices, Z.X.indptr, Z.mean,
                                              Z.scale, d, G.copy(), self.colsq, self.l1,
                                              self.l2, new, idx, self.fit_intercept, tol,
                                              _INNER_PASSES, self.lo, self.hi)
            return new, b + db, passes * idx.size
        self.colsq[idx] = d @ self.Z[:, idx] ** 2
        passes, db = _cd_logistic_inner(self.Z, d, G.copy(), self.colsq, self.l1, self.l2, new,
                                        idx, 0.0, self.fit_intercept, tol, _INNER_PASSES,
                                        self.lo, self.hi)
        return new, b + db, passes * idx.size


class _Softmax:
    """The softmax model: one-hot ``Y`` (n, K), ``β`` (K, p), ``b`` (K,), a fixed ``offset``
    (n, K) or 0, and a box ``bounds = (lo, hi)`` (p,) on every class's coefficients or None."""

    datafit = SoftmaxCrossEntropy()

    def __init__(self, Z, Y, sw, l1, l2, fit_intercept, offset=0.0, bounds=None):
        self.Z, self.Y, self.sw, self.l1, self.l2 = Z, Y, sw, l1, l2
        self.fit_intercept, self.offset, self.bounds = fit_intercept, offset, bounds
        p = Z.shape[1]
        self.lo, self.hi = (np.full(p, -np.inf), np.full(p, np.inf)) if bounds is None \
            else bounds

    def data(self, eta):
        return self.datafit.value(self.Y, eta, self.sw)

    def eta(self, beta, b):
        return self.Z @ beta.T + b

    def linearize(self, eta):
        P = self.datafit.probabilities(eta)
        G = self.datafit.gradient(self.Y, eta, self.sw)
        return G, (self.Z.T @ G).T, (P, self.datafit.diagonal_curvature(eta, self.sw, p=P))

    def inner(self, beta, b, G, grad, curvature, tol):
        new, new_b = beta.copy(), b.copy()
        P, H = curvature
        if isinstance(self.Z, _StandardizedCSC):
            Z = self.Z
            passes = _cd_softmax_inner_csc(Z.X.data, Z.X.indices, Z.X.indptr, Z.mean, Z.scale,
                                           self.sw, P, G, H, new, new_b, self.l1, self.l2,
                                           self.fit_intercept, tol, _INNER_PASSES)
            return new, new_b, passes * new.size
        passes = _cd_softmax_inner(self.Z, self.sw, P, G, H, new, new_b, self.l1, self.l2,
                                   self.fit_intercept, tol, _INNER_PASSES, self.lo, self.hi)
        return new, new_b, passes * new.size


def _certificate(model, beta, G, grad):
    bounds = getattr(model, "bounds", None) or (None, None)
    dist = enet_distances(beta, grad, model.l1, model.l2, *bounds)
    kkt = float(dist.max()) if dist.size else 0.0
    if model.fit_intercept:
        kkt = max(kkt, float(np.max(np.abs(np.atleast_1d(G.sum(axis=0))))))
    return kkt


def _prox_newton(model, beta, b, tol_abs, max_iter):
    """The outer loop of the module docstring; returns ``(β, b, n_iter, kkt, updates)``."""
    l1, l2 = model.l1, model.l2
    box = getattr(model, "bounds", None)
    eta = model.eta(beta, b) + model.offset
    J = model.data(eta) + enet_value(beta, l1, l2)
    kkt, it, updates = np.inf, 0, 0
    for it in range(1, max_iter + 1):
        G, grad, curv = model.linearize(eta)
        kkt = _certificate(model, beta, G, grad)
        if kkt <= tol_abs:
            it -= 1
            break
        new, new_b, n_up = model.inner(beta, b, G, grad, curv, 0.1 * kkt)
        updates += n_up
        step, step_b = new - beta, new_b - b
        D = (float(np.sum(grad * step) + np.sum(G.sum(axis=0) * step_b))
             + enet_value(new, l1, l2) - enet_value(beta, l1, l2))
        d_eta = model.eta(step, step_b)

        def trial(t):
            cand, eta_t = beta + t * step, eta + t * d_eta
            if box is not None:              # β + (new − β) may miss a bound by an ulp
                cand = np.clip(cand, *box)
            return model.data(eta_t) + enet_value(cand, l1, l2), (cand, b + t * step_b, eta_t)

        # 35 trials: t down to 2⁻³⁴ < 1e-10, the last taken if it does not increase F
        ls = ((1.0, *trial(1.0)) if below_rounding(D, J)
              else backtrack(trial, J, D, max_halvings=35, last_resort=True))
        if ls is None:
            break                        # no progress possible at machine precision
        _, J, (beta, b, eta) = ls
    return beta, b, it, kkt, updates


class _StandardizedCSC:
    """``Z = (X − m)/sd`` of a CSC matrix ``X``, never formed: ``Z @ β`` and ``Z.T @ G``, and
    the columns for the CSC kernels of :mod:`~shrinkage.solvers._cd_sparse`; ``β`` (p,) or
    (p, K)."""

    def __init__(self, X, mean, scale):
        self.X, self.mean, self.scale, self.shape = X, mean, scale, X.shape
        self.T = _TransposedCSC(self)

    def __matmul__(self, beta):
        w = (beta.T / self.scale).T
        out = np.asarray(self.X @ w) - self.mean @ w
        return out.ravel() if beta.ndim == 1 else out


class _TransposedCSC:
    """``Zᵀ`` of a :class:`_StandardizedCSC`: ``Z.T @ G = (XᵀG − m ΣG)/sd``, G (n,) or
    (n, K)."""

    def __init__(self, Z):
        self.Z = Z

    def __matmul__(self, G):
        Z = self.Z
        XtG = np.asarray(Z.X.T @ G)
        if G.ndim == 1:
            return (XtG.ravel() - Z.mean * G.sum()) / Z.scale
        return (XtG - np.outer(Z.mean, G.sum(axis=0))) / Z.scale[:, None]


def _standardized(X, sw, fit_intercept, standardize):
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    if sp.issparse(X):                     # implicit centring and scaling, X kept as it is
        return _StandardizedCSC(X, mean, scale), mean, scale
    return np.asfortranarray((X - mean) / scale), mean, scale


def _weights(lam, l1_ratio, penalty_factor, p):
    return ElasticNet(lam, l1_ratio, penalty_factor).weights(p)


def _tol_abs(tol, null_grad):
    return tol * max(float(np.max(np.abs(null_grad))) if null_grad.size else 0.0,
                     np.finfo(float).tiny)


def _warn(converged, what, max_iter, kkt, tol_abs):
    if not converged:
        warn_user(f"{what} did not reach the tolerance in {max_iter} steps "
                  f"(optimality gap {kkt:.3g} > {tol_abs:.3g}); raise max_iter or tol",
                  ConvergenceWarning)


def solve_logistic_enet(X, y, sample_weight=None, *, lam: float, l1_ratio: float = 1.0,
                        penalty_factor=None, fit_intercept: bool = True,
                        standardize: bool = True, tol: float = 1e-8, max_iter: int = 100,
                        coef0=None, intercept0=None, screen: bool = True) -> SparseResult:
    r"""Binary logistic regression with the elastic-net penalty, by proximal Newton + CD.

    Minimizes ``(1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_j f_j [(1−ρ)β_j² + ρ|β_j|]``
    with ``η = x̃ᵀβ + b`` (standardized features when ``standardize``); see the module
    docstring. scikit-learn's ``LogisticRegression(C, l1_ratio=r)`` is
    ``λ = (1+r)/(2Cn)``, ``ρ = 2r/(1+r)`` with ``standardize=False``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels in ``{0, 1}``.
    sample_weight : ndarray of shape (n_samples,), optional
    lam : float
        ``λ ≥ 0``.
    l1_ratio : float, default=1.0
        Our ``ρ``.
    penalty_factor : ndarray of shape (n_features,), optional
    fit_intercept, standardize : bool
    tol : float, default=1e-8
        Stop when the largest subdifferential distance (and ``|∂/∂b|``) is at most ``tol``
        times the null gradient's largest entry.
    max_iter : int, default=100
        Most proximal Newton steps.
    coef0 : ndarray of shape (n_features,), optional
        Warm start (original scale).
    intercept0 : float, optional
        Warm-start intercept (original scale); ignored without an intercept.
    screen : bool, default=True
        Sweep only a working set in the inner coordinate descent (module docstring): the
        non-zero and unpenalized coefficients and the zeros whose gradient is near or past
        their bound, ``|g_j| ≥ 0.9 λ f_j ρ``, formed at every proximal Newton step from the
        full gradient. The stopping rule checks every feature, so the answer is the same.

    Returns
    -------
    SparseResult

    Examples
    --------
    >>> import numpy as np; from shrinkage.solvers.prox_newton import solve_logistic_enet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(float)
    >>> res = solve_logistic_enet(X, y, lam=0.05, l1_ratio=1.0)
    >>> int(np.count_nonzero(res.coef)), bool(res.converged)
    (1, True)
    """
    return _solve_binary(X, y, sample_weight, Logistic(), None, [lam], l1_ratio,
                         penalty_factor, fit_intercept, standardize, tol, max_iter, coef0,
                         intercept0, screen, "proximal Newton")[0]


def _solve_binary(X, y, sample_weight, datafit, offset, lams, l1_ratio, penalty_factor,
                  fit_intercept, standardize, tol, max_iter, coef0, intercept0, screen, what,
                  warn=True, bounds=None):
    """The one-predictor solves shared by :func:`solve_logistic_enet`, :func:`solve_glm_enet`
    and :func:`glm_enet_path`: one result per λ of ``lams``, each warm-started at the last."""
    X = sp.csc_matrix(X, dtype=np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    sw = normalized_weights(sample_weight, n)
    off = np.zeros(n) if offset is None else np.asarray(offset, dtype=np.float64)
    Z, mean, scale = _standardized(X, sw, fit_intercept, standardize)
    if bounds is not None:                          # β = w · sd: the box in standardized units
        bounds = tuple(np.broadcast_to(np.asarray(v, dtype=np.float64), (p,)) * scale
                       for v in bounds)
    null = null_intercept(y, sw, datafit, offset) if fit_intercept else 0.0
    beta = np.zeros(p) if coef0 is None else np.asarray(coef0, dtype=np.float64) * scale
    if intercept0 is not None and fit_intercept:
        b = float(intercept0) + float(mean @ (beta / scale))
    else:
        b = null if coef0 is None else 0.0
    # the unit of tol: the null gradient (intercept-only model)
    tol_abs = _tol_abs(tol, Z.T @ datafit.gradient(y, null + off, sw))
    out = []
    for lam in lams:
        l1, l2 = _weights(lam, l1_ratio, penalty_factor, p)
        model = _Binary(Z, y, sw, l1, l2, fit_intercept, screen, datafit, off, bounds)
        beta, b, it, kkt, updates = _prox_newton(model, beta, b, tol_abs, max_iter)
        converged = kkt <= tol_abs
        if warn:
            _warn(converged, what, max_iter, kkt, tol_abs)
        coef = beta / scale
        out.append(SparseResult(coef, float(b - mean @ coef), it, kkt, converged, updates))
    return out


def solve_glm_enet(X, y, sample_weight=None, *, datafit, offset=None, lam: float,
                   l1_ratio: float = 1.0, penalty_factor=None, fit_intercept: bool = True,
                   standardize: bool = True, tol: float = 1e-8, max_iter: int = 100,
                   coef0=None, intercept0=None, screen: bool = True,
                   bounds=None) -> SparseResult:
    r"""A log-link GLM (Poisson, gamma, Tweedie) with the elastic-net penalty, by proximal
    Newton + CD (the binary model of the module docstring with the datafit's own gradient and
    curvature in η).

    Minimizes ``(1/S) Σ s_i ℓ(y_i, η_i) + λ Σ_j f_j [(1−ρ)β_j² + ρ|β_j|]`` with
    ``η = x̃ᵀβ + b + offset``, optionally subject to ``lo_j ≤ w_j ≤ hi_j`` (projected
    coordinate descent; the certificate includes the box's normal cone,
    :func:`~shrinkage.penalties.enet_distances`). The squared error
    (:class:`~shrinkage.datafits.SquaredError`) is the gaussian case: its quadratic model is
    exact, so one outer step solves it. glum's ``GeneralizedLinearRegressor(alpha, l1_ratio=r)`` is
    ``λ = α(1+r)/2``, ``ρ = 2r/(1+r)``; glmnet's ``family="poisson"`` with ``lambda``,
    ``alpha=a`` is ``λ = λ_g(1+a)/2``, ``ρ = 2a/(1+a)`` (:func:`~shrinkage.convert_strength`).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Targets in the family's support.
    sample_weight : ndarray of shape (n_samples,), optional
    datafit : datafit object
        :class:`~shrinkage.datafits.Poisson`, :class:`~shrinkage.datafits.Gamma` or
        :class:`~shrinkage.datafits.Tweedie` (any datafit with ``hessian_diag``).
    offset : ndarray of shape (n_samples,), optional
        Added to the linear predictor (e.g. the log exposure).
    lam, l1_ratio, penalty_factor, fit_intercept, standardize, tol, max_iter, coef0,
    intercept0, screen
        As in :func:`solve_logistic_enet`.
    bounds : (lower, upper), optional
        Bounds on the coefficients (original scale), each a number or an array of shape
        (n_features,) with ``lower ≤ 0 ≤ upper`` (``±inf`` for none).

    Returns
    -------
    SparseResult

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Poisson
    >>> from shrinkage.solvers.prox_newton import solve_glm_enet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 5))
    >>> y = rng.poisson(np.exp(0.3 + 0.5 * X[:, 0]))
    >>> res = solve_glm_enet(X, y, datafit=Poisson(), lam=0.1, l1_ratio=1.0)
    >>> int(np.count_nonzero(res.coef)), bool(res.converged)
    (1, True)
    """
    return _solve_binary(X, y, sample_weight, datafit, offset, [lam], l1_ratio,
                         penalty_factor, fit_intercept, standardize, tol, max_iter, coef0,
                         intercept0, screen, f"{datafit.name} proximal Newton",
                         bounds=bounds)[0]


def glm_enet_path(X, y, sample_weight=None, *, datafit, lams, offset=None,
                  l1_ratio: float = 1.0, penalty_factor=None, fit_intercept: bool = True,
                  standardize: bool = True, tol: float = 1e-8, max_iter: int = 100,
                  coef0=None, intercept0=None, warn: bool = True, bounds=None) -> list:
    """:func:`solve_glm_enet` at every λ of ``lams`` in order (largest first), each fit
    warm-started at the previous solution and the features standardized once.

    Returns
    -------
    list of SparseResult, one per λ.

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Gamma
    >>> from shrinkage.solvers.prox_newton import glm_enet_path
    >>> X = np.random.default_rng(1).normal(size=(200, 4))
    >>> y = np.random.default_rng(2).gamma(2.0, np.exp(0.5 * X[:, 0]) / 2.0)
    >>> path = glm_enet_path(X, y, datafit=Gamma(), lams=[0.3, 0.03, 0.003])
    >>> [int(np.count_nonzero(r.coef)) for r in path]
    [1, 3, 3]
    """
    return _solve_binary(X, y, sample_weight, datafit, offset, lams, l1_ratio, penalty_factor,
                         fit_intercept, standardize, tol, max_iter, coef0, intercept0, True,
                         f"{datafit.name} proximal Newton", warn, bounds)


def multinomial_enet_kkt(Z, Y, sw, beta, b, l1, l2, fit_intercept=True):
    """Largest subdifferential distance of the multinomial elastic net at ``(beta, b)``.

    ``Z`` (n, p) are the (standardized) features, ``Y`` (n, K) one-hot, ``beta`` (K, p),
    ``b`` (K,), penalty ``Σ_kj l1_j|β_kj| + l2_j β_kj²``. The datafit gradient is
    ``(P − Y)ᵀ diag(sw) Z``; the intercepts' partial derivatives count when ``fit_intercept``.
    """
    model = _Softmax(Z, Y, sw, l1, l2, fit_intercept)
    G, grad, _ = model.linearize(model.eta(beta, b))
    return _certificate(model, beta, G, grad)


def solve_multinomial_enet(X, y, sample_weight=None, *, lam: float, l1_ratio: float = 1.0,
                           penalty_factor=None, fit_intercept: bool = True,
                           standardize: bool = True, tol: float = 1e-8,
                           max_iter: int = 200, coef0=None,
                           intercept0=None, warn: bool = True, offset=None,
                           bounds=None) -> SparseResult:
    r"""Multinomial (softmax) logistic regression with the elastic-net penalty.

    Minimizes ``(1/S) Σ s_i [log Σ_k e^{η_ik} − η_{i,y_i}] + λ Σ_k Σ_j f_j [(1−ρ)β_kj² +
    ρ|β_kj|]`` with ``η_ik = x̃_iᵀβ_k + b_k (+ offset_ik)``, optionally subject to
    ``lo_j ≤ w_kj ≤ hi_j`` for every class ``k`` (glmnet's multinomial ``lower.limits`` /
    ``upper.limits``), by the proximal Newton loop of the module docstring on the full softmax
    model (classes coupled, glmnet's centring after every CD pass, limited to the box). It
    stops when the largest subdifferential distance over all coefficients (the box's normal
    cone included) and intercepts is at most ``tol`` times the null gradient's largest entry.
    A sparse ``X`` is never densified (:func:`~shrinkage.solvers._cd_sparse.
    _cd_softmax_inner_csc` on its CSC columns with implicit centring and scaling; bounds take
    dense ``X``). scikit-learn's
    multinomial ``LogisticRegression(C, l1_ratio=r)`` is ``λ = (1+r)/(2CS)``,
    ``ρ = 2r/(1+r)`` with ``standardize=False``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of int of shape (n_samples,)
        Class indices ``0 … K−1`` (``K ≥ 2``).
    sample_weight : ndarray of shape (n_samples,), optional
    lam, l1_ratio, penalty_factor, fit_intercept, standardize
        As in :func:`solve_logistic_enet`.
    tol : float, default=1e-8
    max_iter : int, default=200
        Most proximal Newton steps.
    coef0 : ndarray of shape (n_classes, n_features), optional
        Warm start (original scale), e.g. the solution at a nearby λ.
    intercept0 : ndarray of shape (n_classes,), optional
        Warm-start intercepts (original scale; only differences between classes matter).
        Default: the log class priors. Ignored without an intercept.
    warn : bool, default=True
        Warn when the tolerance is not reached (a cross-validation fold's path does not).
    offset : ndarray of shape (n_samples, n_classes), optional
        Added to ``η`` (glmnet's n × K multinomial offset).
    bounds : (lower, upper), optional
        Floats or arrays of shape (n_features,) on the original scale (``±inf`` for none),
        ``lower ≤ 0 ≤ upper``, the same box for every class.

    Returns
    -------
    SparseResult

    Examples
    --------
    >>> import numpy as np; from shrinkage.solvers.prox_newton import solve_multinomial_enet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 4))
    >>> y = np.argmax(X[:, :3] * 2 + rng.normal(size=(300, 3)), axis=1)
    >>> res = solve_multinomial_enet(X, y, lam=0.05, l1_ratio=1.0)
    >>> res.coef.shape, bool(res.converged), np.count_nonzero(res.coef, axis=1).tolist()
    ((3, 4), True, [1, 1, 1])
    >>> box = solve_multinomial_enet(X, y, lam=0.05, l1_ratio=0.5, bounds=(-0.2, 0.3))
    >>> bool(box.coef.min() >= -0.2 and box.coef.max() <= 0.3)
    True
    """
    X = sp.csc_matrix(X, dtype=np.float64) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    n, p = X.shape
    K = int(y.max()) + 1
    Y = np.zeros((n, K))
    Y[np.arange(n), y] = 1.0
    sw = normalized_weights(sample_weight, n)
    Z, mean, scale = _standardized(X, sw, fit_intercept, standardize)
    l1, l2 = _weights(lam, l1_ratio, penalty_factor, p)
    datafit = _Softmax.datafit
    null = datafit.null_eta(Y, sw) if fit_intercept else np.zeros(K)
    beta, b = np.zeros((K, p)), null.copy()
    if coef0 is not None:
        coef0 = np.asarray(coef0, dtype=np.float64)
        if coef0.shape != (K, p):
            raise ValueError(f"coef0 has shape {coef0.shape} but the problem has {K} classes and "
                             f"{p} features; pass coef0 of shape ({K}, {p}) (e.g. the coef of "
                             "a fit on the same classes and features)")
        beta = coef0 * scale                      # standardized coordinates
        if fit_intercept:
            b = b + coef0 @ mean                  # η = Xw + b₀ = Z β + (b₀ + w·m)
    if intercept0 is not None and fit_intercept:
        intercept0 = np.asarray(intercept0, dtype=np.float64).ravel()
        if intercept0.shape != (K,):
            raise ValueError(f"intercept0 has {intercept0.size} values but there are {K} "
                             f"classes; pass one intercept per class")
        b = intercept0 + (beta / scale) @ mean
    off = 0.0 if offset is None else np.asarray(offset, dtype=np.float64).reshape(n, K)
    box = None if bounds is None else \
        tuple(np.broadcast_to(np.asarray(v, dtype=np.float64), (p,)) for v in bounds)
    if box is not None:                             # β = w · sd: the box in standardized units
        if sp.issparse(X):
            raise TypeError("bounds on a multinomial fit take dense X (the sparse softmax "
                            "kernel has no box): pass X.toarray(), or fit without bounds")
        bounds = (box[0] * scale, box[1] * scale)
        beta = np.clip(beta, *bounds)               # a warm start moved into the box
    tol_abs = _tol_abs(tol, Z.T @ datafit.gradient(Y, np.broadcast_to(null, (n, K)) + off, sw))
    model = _Softmax(Z, Y, sw, l1, l2, fit_intercept, off, bounds)
    beta, b, it, kkt, updates = _prox_newton(model, beta, b, tol_abs, max_iter)
    converged = kkt <= tol_abs
    if warn:
        _warn(converged, "multinomial proximal Newton", max_iter, kkt, tol_abs)
    coef = beta / scale
    if box is not None:                             # round-off of β / sd kept in the box
        coef = np.clip(coef, *box)
    intercept = b - coef @ mean
    return SparseResult(coef, intercept - intercept.mean(), it, kkt, converged, updates)
