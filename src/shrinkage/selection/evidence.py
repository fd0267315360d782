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
>>> import numpy as np; from shrinkage.solvers.ridge import RidgeProblem, decompose
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

import numpy as np
from scipy.optimize import minimize_scalar

from ..solvers.ridge import RidgeDecomposition
from .grid import evidence_ridge_grid
from .._validation import check_lam_values
from .laplace import laplace_log_evidence, logistic_evidence_lam, logistic_log_evidence

__all__ = ["ridge_log_evidence", "ridge_evidence_lam", "logistic_log_evidence",
           "logistic_evidence_lam", "laplace_log_evidence"]

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
    >>> import numpy as np; from shrinkage.solvers.ridge import RidgeProblem, decompose
    >>> rng = np.random.default_rng(1)
    >>> X = rng.standard_normal((50, 3)); y = X[:, 0] + rng.standard_normal(50)
    >>> ev = ridge_log_evidence(decompose(RidgeProblem.build(X, y)), [1e-3, 1e-2, 1e-1, 1.0])
    >>> ev.shape, int(np.argmax(ev))
    ((4,), 2)
    """
    lams = check_lam_values(lams)
    d2, c2, r0, m = _ridge_parts(dec)
    ev, _ = _ridge_eval(d2, c2, r0, m, dec.problem.S * lams, sigma2)
    return ev if per_target else ev.sum(axis=1)


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
    >>> import numpy as np; from shrinkage.solvers.ridge import RidgeProblem, decompose
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
    grid = evidence_ridge_grid(dec.d2, dec.problem.S) if lams is None else check_lam_values(lams, allow_zero=False)

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
