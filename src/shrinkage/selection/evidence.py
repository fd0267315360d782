r"""Evidence (empirical Bayes) λ: the strength that maximizes the marginal likelihood.

Read as a Bayesian model, our objective (:mod:`shrinkage.conventions`) is a negative log
posterior: the data term is the likelihood and the penalty ``λ Σ f_j w_j²`` a Gaussian prior.
The *evidence* ``p(y | λ)`` integrates the coefficients out; the λ that maximizes it is the
empirical-Bayes (type-II maximum likelihood) choice, an alternative to cross-validation that
needs one fit of the whole data.

Ridge: exact, every λ from one decomposition
--------------------------------------------
**Model.** With sample weights as *precisions* (default 1), intercept ``b``, unpenalized
coefficients ``u`` (``f_j = 0``) and penalized coefficients ``w``::

    y_i = b + x_iᵀw + x_{u,i}ᵀu + ε_i,      ε_i ~ N(0, σ² / s_i)  independent,
    w_j ~ N(0, σ² / (S λ f_j sd_j²))  independent          (sd_j = 1 without ``standardize``),
    b, u  flat (improper, Lebesgue) priors.

In the transformed coordinates of :mod:`shrinkage.solvers.ridge` (rows multiplied by ``√s_i``,
penalized columns divided by ``sd_j √f_j``, the intercept and ``u`` projected out) the prior is
``v ~ N(0, (σ²/α) I)`` with ``α = Sλ``. **This is where the prior ties to our λ**: the negative
log posterior is ``[Σ s_i (y_i − ŷ_i)² + α‖v‖²] / (2σ²)``, i.e. ``S/(2σ²)`` times our objective,
so its mode is our ridge fit at λ for every σ².

**Flat-prior parameters are integrated out (restricted likelihood, REML).** Integrating
``b`` and ``u`` over flat priors leaves the density of the ``m = n₊ − r`` error contrasts
``z = Kᵀ √s ⊙ y``, ``K`` an orthonormal basis of the whitened residual space of ``[1, X_u]``
(``r`` = 1 for the intercept + the number of unpenalized columns, ``n₊`` = rows with
``s_i > 0``): ``z ~ N(0, σ² (I + Z̃Z̃ᵀ/α))``. (The flat-prior integral equals this density
times ``|AᵀA|^{-1/2}``, a constant that depends on how ``b`` and ``u`` are parametrized and on
neither λ nor σ², so we leave it out.) With ``Z = U D Vᵀ`` (``d²`` the ``k`` non-zero
eigenvalues, ``q = VᵀZᵀỹ``)::

    log det(I + ZZᵀ/α) = Σ_k log(1 + d_k²/α)
                       = log det(ZᵀZ + αI) − p_pen log α      (null directions add nothing)
    Q(α) = ỹᵀ(I + ZZᵀ/α)⁻¹ỹ = ‖ỹ‖² − Σ_k q_k²/(d_k² + α)
         = RSS(α) + α‖v(α)‖²      (the minimized objective times S)
         = r₀ + Σ_k (q_k²/d_k²) · α/(d_k² + α),    r₀ = ‖ỹ‖² − Σ_k q_k²/d_k²

(the last form, used here, adds positive terms: no cancellation as α → 0). Then::

    log p(y | λ, σ²) = −(m/2) log(2πσ²) − ½ Σ_k log(1 + d_k²/α) − Q(α)/(2σ²).

``σ²`` is **profiled out** by default: it is maximized in closed form per λ,
``σ̂²(λ) = Q(α)/m`` (the REML noise estimate), which gives::

    log p̂(y | λ) = −(m/2) [log(2π Q(α)/m) + 1] − ½ Σ_k log(1 + d_k²/α).

Maximizing it over λ is the joint maximization over (λ, σ²). Integrating σ² over Jeffreys'
prior ``dσ²/σ²`` instead gives ``−(m/2) log Q(α) − ½ Σ log(1 + d²/α)`` plus a constant: the same
maximizer. Pass ``sigma2=`` to hold σ² fixed (a known noise level). Each λ costs ``O(k)``; several
targets each get their own σ², share λ, and their log evidences add.

*Weights.* ``s_i`` are precision weights: rescaling them all changes neither ``σ²``'s meaning
(it is the noise variance of a unit-weight row) nor the evidence λ. Integer weights are *not*
the same as repeated rows here (``m`` counts rows); for the logistic model below they are.

*Relation to scikit-learn's* ``BayesianRidge`` (noise precision ``alpha_``, weight precision
``lambda_``): its posterior mean solves ``(XᵀX + lambda_/alpha_ I) w = Xᵀy``, our ridge fit at
``λ = lambda_ / (alpha_ · n)``, with ``σ² = 1/alpha_``. Its ``scores_`` are the log marginal
likelihood of the *centred* data counted as ``n`` observations (not ``n − 1`` contrasts) plus
gamma hyperprior terms ``λ₁ log lambda_ − λ₂ lambda_ + α₁ log alpha_ − α₂ alpha_``; so, with an
intercept, ``score = ours(σ² = 1/alpha_) − ½ log(2π/alpha_) + hyperprior terms``, and without an
intercept and with zero hyperprior parameters its fixed point maximizes exactly our profiled
evidence (tests check both).

L2 logistic: Laplace approximation
----------------------------------
**Model.** Sample weights are *frequency* weights (``s_i`` copies of row ``i``; integer weights
equal repeated rows): ``log p(y | θ) = −Σ s_i ℓ_i = −S · data(θ)``. In the solver's coordinates
``θ = (V, c)`` (:mod:`shrinkage.solvers.smooth`: ``V_kj = W_kj sd_j``, ``c = b + W m``) the penalty
is ``Σ π_kj V_kj²`` with ``π_j = λ f_j / sd_j²`` (``f_j`` including ``sd_j²`` when
standardizing), and the prior is::

    V_kj ~ N(0, 1/(2Sπ_j))   for penalized entries,   so   −log p(V) = S Σ π_j V_kj² + const;

``S`` times our penalty, as above: the posterior mode is our fit at λ. Intercepts and unpenalized
columns have flat priors. With ``θ̂`` the fit, ``H`` the Hessian of our objective ``J`` at ``θ̂``
(data + ``2π`` on the penalized diagonal) and ``m`` the number of integrated parameters, the
Laplace approximation is::

    log p(y | λ) ≈ log p(y|θ̂) + log p(θ̂) + (m/2) log 2π − ½ log det(S H)
                 = −S J(θ̂) + ½ Σ_pen log(S π_j / π) + (m/2) log 2π − ½ log det(S H).

The flat-prior parameters are integrated in the same Gaussian approximation (their prior density
is 1, so they add only to ``m`` and to ``det``). The result is invariant to linear
reparametrization, so it is the evidence for ``W`` and ``b`` on the original scale as well.

**Multinomial (K ≥ 3 classes)**, one row of ``W`` per class: adding a vector to every row leaves
the softmax unchanged. For penalized columns the Gaussian prior on all ``K`` rows makes the
posterior proper, and those ``K`` entries are integrated as they are. Intercepts and unpenalized
columns would give a divergent integral along that shift; they are integrated over the
sum-to-zero subspace (``K − 1`` dimensions per group, with the Lebesgue measure of an orthonormal
basis: a constant factor, the same for every λ).

Laplace is exact for a Gaussian posterior and its relative error in ``p(y|λ)`` is ``O(1/n)``;
it is poor when the classes are (nearly) separable at small λ.

Example
-------
>>> import numpy as np
>>> from shrinkage.solvers.ridge import RidgeProblem, decompose
>>> from shrinkage.selection.evidence import ridge_evidence_lam, ridge_log_evidence
>>> rng = np.random.default_rng(0)
>>> X = rng.standard_normal((200, 5))
>>> y = X @ rng.normal(0.0, 0.5, 5) + rng.standard_normal(200)
>>> dec = decompose(RidgeProblem.build(X, y, standardize=False))
>>> lam, info = ridge_evidence_lam(dec)
>>> bool(ridge_log_evidence(dec, [lam])[0] >= info["log_evidence"].max())
True
>>> round(float(info["sigma2"][0]), 2)   # the noise variance, 1 in truth
0.97
"""

from __future__ import annotations

import warnings

import numpy as np
import scipy.linalg as sla
from scipy.optimize import minimize_scalar
from sklearn.exceptions import ConvergenceWarning

from ..solvers.ridge import RidgeDecomposition
from ..solvers.smooth import SmoothObjective, solve_smooth
from ..standardization import column_stats

__all__ = ["ridge_log_evidence", "ridge_evidence_lam", "logistic_log_evidence",
           "logistic_evidence_lam", "laplace_log_evidence"]

_LOG2PI = float(np.log(2.0 * np.pi))


# -- ridge ------------------------------------------------------------------------------------
def _ridge_parts(dec: RidgeDecomposition):
    """``(d2 (k,), c2 (k, t), r0 (t,), m)``: spectrum, squared coordinates ``q²/d²`` of ``ỹ``
    in the column space of ``Z``, the residual off that space, and the contrast count."""
    prob = dec.problem
    y = prob.y
    n_pos = prob.n_rows if prob.sqrt_sw is None else int(np.count_nonzero(prob.sqrt_sw > 0))
    m = n_pos - int(prob.fit_intercept) - prob.n_unpenalized
    if m <= 0:
        raise ValueError(
            f"the evidence needs more rows than the intercept and unpenalized columns: "
            f"{n_pos} row(s) with positive weight, {n_pos - m} unpenalized parameter(s)")
    d2 = np.asarray(dec.d2, dtype=np.float64)
    q = np.asarray(dec.q, dtype=np.float64).reshape(d2.size, -1)
    yy = np.einsum("ij,ij->j", y, y)
    if np.any(yy <= 0):
        raise ValueError("a target is fitted exactly by the intercept and unpenalized columns "
                         "(e.g. constant): its noise variance, and the evidence, are degenerate")
    c2 = q * q / d2[:, None] if d2.size else np.zeros((0, y.shape[1]))
    r0 = yy - c2.sum(axis=0)
    # Z spans every contrast: ỹ lies in its column space, r₀ is round-off
    r0 = np.where(d2.size >= m, 0.0, np.maximum(r0, 0.0))
    return d2, c2, r0, m


def _ridge_eval(d2, c2, r0, m, alphas, sigma2):
    """Log evidence (L, t) at penalties ``alphas`` (L,) and the σ² used (L, t)."""
    alphas = np.asarray(alphas, dtype=np.float64).reshape(-1)
    pos = alphas > 0
    a = np.where(pos, alphas, 1.0)
    ratio = d2[:, None] / a[None, :]                               # (k, L)
    logdet = np.log1p(ratio).sum(axis=0)                           # (L,)
    shrink = 1.0 / (1.0 + ratio)                                   # α/(d²+α), (k, L)
    Q = r0[None, :] + shrink.T @ c2                                # (L, t)
    if sigma2 is None:
        tiny = np.finfo(np.float64).tiny
        Qc = np.maximum(Q, tiny)
        s2 = Qc / m
        ev = -0.5 * m * (np.log(2.0 * np.pi * s2) + 1.0) - 0.5 * logdet[:, None]
    else:
        s2 = np.broadcast_to(np.asarray(sigma2, dtype=np.float64), Q.shape[1:])
        if np.any(~np.isfinite(s2)) or np.any(s2 <= 0):
            raise ValueError(f"sigma2 must be positive and finite, got {sigma2!r}")
        s2 = np.broadcast_to(s2, Q.shape)
        ev = -0.5 * m * np.log(2.0 * np.pi * s2) - 0.5 * logdet[:, None] - Q / (2.0 * s2)
    if not np.all(pos):
        # λ = 0: the prior is flat, the evidence of the penalized part is 0 (log: −∞)
        ev = np.where(pos[:, None], ev, -np.inf if d2.size else ev)
    return ev, s2


def _check_lams(lams, allow_zero=True):
    lams = np.asarray(lams, dtype=np.float64).reshape(-1)
    if lams.size == 0:
        raise ValueError("lams is empty")
    if np.any(~np.isfinite(lams)) or np.any(lams < 0) or (not allow_zero and np.any(lams == 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"every λ in lams must be finite and {bound}, got {lams!r}")
    return lams


def ridge_log_evidence(dec: RidgeDecomposition, lams, *, sigma2=None, per_target=False):
    r"""Exact log evidence ``log p(y | λ)`` of the ridge model for every λ in ``lams``.

    See the module docstring for the model and the derivation: Gaussian prior
    ``v ~ N(0, σ²/(Sλ) I)`` on the transformed penalized coefficients, flat priors on the
    intercept and unpenalized columns integrated out (restricted likelihood, ``m = n₊ − r``
    contrasts), and::

        log p(y | λ, σ²) = −(m/2) log(2πσ²) − ½ Σ_k log(1 + d_k²/(Sλ)) − Q(Sλ)/(2σ²).

    Parameters
    ----------
    dec : RidgeDecomposition
        From :func:`shrinkage.solvers.ridge.decompose` (the same one that serves LOO/GCV).
    lams : array-like of shape (L,)
        Strengths ``λ ≥ 0`` in our scaling (``λ = 0`` gives ``-inf``: a flat prior).
    sigma2 : float or array-like of shape (n_targets,), optional
        Noise variance of a unit-weight row. ``None`` (default) profiles it out per λ and per
        target (``σ̂² = Q/m``).
    per_target : bool, default=False
        Return one column per target instead of their sum.

    Returns
    -------
    ndarray of shape (L,), or (L, n_targets) with ``per_target=True``.
        Costs ``O(k·L·n_targets)`` (``k`` the rank of the penalized design).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.solvers.ridge import RidgeProblem, decompose
    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((50, 3)); y = X[:, 0] + rng.standard_normal(50)
    >>> ev = ridge_log_evidence(decompose(RidgeProblem.build(X, y)), [1e-3, 1e-2, 1e-1, 1.0])
    >>> ev.shape, int(np.argmax(ev))
    ((4,), 2)
    """
    lams = _check_lams(lams)
    d2, c2, r0, m = _ridge_parts(dec)
    ev, _ = _ridge_eval(d2, c2, r0, m, dec.problem.S * lams, sigma2)
    return ev if per_target else ev.sum(axis=1)


def _default_ridge_grid(dec, size=181):
    """λ such that ``Sλ`` spans ``1e6·d²_max`` down to ``1e-4·min(d²_min, 1e-8·d²_max)``."""
    d2 = np.asarray(dec.d2)
    top = float(d2.max()) if d2.size else 1.0
    bottom = float(min(d2.min(), 1e-8 * top)) if d2.size else 1e-8
    hi, lo = 1e6 * top, 1e-4 * bottom
    size = max(size, int(np.ceil(10 * np.log10(hi / lo))) + 1)
    return np.geomspace(hi, lo, size) / dec.problem.S


def ridge_evidence_lam(dec: RidgeDecomposition, lams=None, *, sigma2=None, xatol=1e-9):
    r"""The λ that maximizes the ridge evidence (profiled σ² by default), exactly.

    The log evidence is evaluated on the grid ``lams`` (all at once), then maximized over a
    continuous ``log λ`` by bounded Brent search between the best grid point's neighbours, so the
    answer is the maximizer itself, not the best grid point.

    Parameters
    ----------
    dec : RidgeDecomposition
    lams : array-like of shape (L,), optional
        Grid (``λ > 0``). Default: ``Sλ`` from ``1e6·d²_max`` down to
        ``1e-4·min(d²_min, 1e-8·d²_max)``, ten points per decade. The search stays within the
        grid's range.
    sigma2 : float or array-like of shape (n_targets,), optional
        Fixed noise variance; default profiles it out (see the module docstring).
    xatol : float, default=1e-9
        Tolerance of the search in ``log λ``.

    Returns
    -------
    lam : float
        The evidence λ (shared by every target).
    info : dict
        ``"lams"`` (L,) the grid as given (or the default), ``"log_evidence"`` (L,) on the
        grid (summed over targets), ``"log_evidence_max"`` at ``lam``, ``"sigma2"``
        (n_targets,) noise variance at ``lam`` (estimated, or as given), ``"prior_var"``
        (n_targets,) ``σ²/(Sλ)``, the prior variance of a (standardized, ``f``-scaled)
        coefficient, ``"df"`` effective degrees of freedom at ``lam``, ``"n_contrasts"``
        ``m``, ``"on_edge"`` True when the maximum lies at the grid's smallest or largest λ
        (with the default grid at the largest: no signal, the evidence prefers ``λ → ∞``).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.solvers.ridge import RidgeProblem, decompose
    >>> rng = np.random.default_rng(2)
    >>> X = rng.standard_normal((500, 50))
    >>> w = rng.normal(0.0, 0.3, 50)                 # prior τ = 0.3, noise σ = 1
    >>> y = X @ w + rng.standard_normal(500)
    >>> lam, info = ridge_evidence_lam(decompose(RidgeProblem.build(X, y, standardize=False)))
    >>> truth = 1.0 / (500 * 0.3 ** 2)               # σ²/(n τ²) in our scaling
    >>> bool(0.3 < lam / truth < 3), info["on_edge"]
    (True, False)
    """
    d2, c2, r0, m = _ridge_parts(dec)
    S = dec.problem.S
    grid = _default_ridge_grid(dec) if lams is None else _check_lams(lams, allow_zero=False)

    def total(log_lam):
        ev, _ = _ridge_eval(d2, c2, r0, m, S * np.exp(np.atleast_1d(log_lam)), sigma2)
        return ev.sum(axis=1)

    order = np.argsort(grid)
    logs = np.log(grid[order])
    vals = total(logs)
    i = int(np.argmax(vals))
    best_log, best_val = logs[i], vals[i]
    on_edge = i == 0 or i == logs.size - 1
    lo, hi = logs[max(i - 1, 0)], logs[min(i + 1, logs.size - 1)]
    if hi > lo:
        res = minimize_scalar(lambda t: -total(t)[0], bounds=(lo, hi), method="bounded",
                              options={"xatol": xatol, "maxiter": 500})
        if -res.fun > best_val:
            best_log, best_val = float(res.x), float(-res.fun)
            on_edge = on_edge and (np.isclose(best_log, logs[0], atol=1e-6, rtol=0)
                                   or np.isclose(best_log, logs[-1], atol=1e-6, rtol=0))
    lam = float(np.exp(best_log))
    ev, s2 = _ridge_eval(d2, c2, r0, m, np.array([S * lam]), sigma2)
    ev_grid = np.empty_like(vals)
    ev_grid[order] = vals
    return lam, {
        "lams": grid, "log_evidence": ev_grid, "log_evidence_max": float(ev.sum()),
        "sigma2": np.array(s2[0], dtype=np.float64), "prior_var": np.array(s2[0] / (S * lam)),
        "df": float(dec.df([lam])[0]), "n_contrasts": m, "on_edge": bool(on_edge),
    }


# -- logistic ---------------------------------------------------------------------------------
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
    S = float(s.sum())
    sw = s / S
    mean, sd = column_stats(X, sw, fit_intercept, True)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    if f.shape != (p,) or np.any(~np.isfinite(f)) or np.any(f < 0):
        raise ValueError(f"penalty_factor must be {p} non-negative finite numbers")
    if standardize:
        f = f * sd ** 2
    Y = (y_idx == 1).astype(np.float64) if classes.size == 2 else np.eye(classes.size)[y_idx]
    obj = SmoothObjective(X, Y, sw, 1.0, f, fit_intercept=fit_intercept, x_mean=mean, x_scale=sd)
    return obj, classes, S


def _logistic_lam_max(obj):
    """glmnet's ridge λ_max (every standardized coefficient about 1e-3), as in
    :class:`shrinkage.LogisticRegressionCV`."""
    sw, Y = obj.sw, obj.Y
    if obj.binary:
        G = sw * ((sw @ Y if obj.fit_intercept else 0.5) - Y)
        G = G[:, None]
    else:
        prior = sw @ Y if obj.fit_intercept else np.full(obj.K, 1.0 / obj.K)
        G = sw[:, None] * (prior - Y)
    ZtG = (G.T @ obj.X - np.outer(G.sum(axis=0), obj.m)) / obj.s          # (K, p)
    w = obj.f / obj.s ** 2
    pen = w > 0
    if not np.any(pen):
        raise ValueError("every penalty_factor is 0: there is no penalty whose λ to choose")
    top = float((np.abs(ZtG[:, pen]) / np.sqrt(w[pen])).max())
    return top / 2e-3 if top > 0 else 1.0


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
            warnings.warn(f"the fit at lam={lam:.3g} did not converge (max |gradient| = "
                          f"{res.grad_max:.3g}); its Laplace evidence is approximate",
                          ConvergenceWarning, stacklevel=3)
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
    lams = _check_lams(lams, allow_zero=False)
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
    >>> rng = np.random.default_rng(0)
    >>> X = rng.standard_normal((300, 4))
    >>> y = (X @ [1.0, -1.0, 0.5, 0.0] + rng.logistic(size=300) > 0).astype(int)
    >>> lam, info = logistic_evidence_lam(X, y)
    >>> info["coef"].shape, info["on_edge"], bool(1e-3 < lam < 1e-1)
    ((1, 4), False, True)
    """
    obj, classes, S = _logistic_objective(X, y, sample_weight, fit_intercept, standardize,
                                          penalty_factor)
    path = _Path(obj, S, solver, tol, max_iter)
    auto = lams is None
    if auto:
        top = _logistic_lam_max(obj)
        grid = np.geomspace(top, top * 1e-6, 31)
    else:
        grid = np.sort(_check_lams(lams, allow_zero=False))[::-1]
    vals = np.array([path(lam) for lam in grid])
    extensions = 0
    while auto and int(np.argmax(vals)) == grid.size - 1 and extensions < 3:
        extra = grid[-1] * np.geomspace(10 ** -0.2, 1e-1, 5)
        grid = np.concatenate([grid, extra])
        vals = np.concatenate([vals, [path(lam) for lam in extra]])
        extensions += 1
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
