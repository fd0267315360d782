r"""Standard errors of fitted coefficients: maximum likelihood, the Gaussian-prior posterior
of a penalized fit, and the sandwich.

In the GLM form every loss of :mod:`shrinkage.datafits` is ``c`` times a half deviance
(``c = 2`` for the squared error, whose loss has no ½; ``c = 1`` for the logistic, Poisson,
gamma and Tweedie losses). With ``A = [1, X]`` (the intercept first), raw sample weights
``s_i`` (frequency weights: a weight of 2 counts the row twice) and the fitted mean ``μ_i``:

* **information** ``I = Aᵀ diag(s_i v_i) A`` with the Fisher weights ``v_i = (dμ/dη)² / V(μ)``
  (``1`` Gaussian, ``μ(1 − μ)`` logistic, ``μ^{2−p}`` Tweedie of power ``p`` with log link);
* **dispersion** ``φ = Σ s_i (y_i − μ_i)² / V(μ_i) / (n − k)`` (Pearson, ``V = μ^p``; ``φ = 1``
  for the logistic and Poisson families), ``k`` the model's degrees of freedom;
* the objective ``Σ s_i ℓ_i + Sλ Σ f_j w_j²`` is, in half-deviance units, the log-posterior
  (times ``−φ``) of the model with the prior ``w_j ~ N(0, c φ / (2Sλ f_j))``, so its **posterior
  covariance** is ``φ (I + P)⁻¹`` with ``P = diag(0, 2Sλ f / c)`` and
  ``k = tr((I + P)⁻¹ I)`` (the intercept and the effective degrees of freedom);
* the **sandwich** (HC0) is ``H⁻¹ M H⁻¹`` with ``H = I + P`` and
  ``M = Aᵀ diag(s_i ψ_i²) A``, ``ψ_i = (1/c) ∂ℓ/∂η_i``, robust to a wrong variance function.

At ``λ = 0`` the first is the usual maximum-likelihood covariance (statsmodels' OLS, WLS,
Logit and GLM ``bse``; the Gaussian case with ``n − k`` degrees of freedom for ``t``).
For ``λ > 0`` the estimates are biased towards zero and neither interval has frequentist
coverage: the posterior one is exact for the prior above, the sandwich one describes the
spread of the penalized estimator around its own (shrunk) target.
"""

from __future__ import annotations

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..datafits import SquaredError

__all__ = ["coefficient_covariance"]


def _design(X, fit_intercept):
    if sp.issparse(X):
        X = X.toarray()      # the covariance is dense (p + 1)²; so is A's Gram matrix
    X = np.asarray(X, dtype=np.float64)
    return np.column_stack([np.ones(X.shape[0]), X]) if fit_intercept else X


def coefficient_covariance(X, y, coef, intercept, datafit, *, lam=0.0, penalty_factor=None,
                           sample_weight=None, fit_intercept=True, method="mle", offset=None):
    """Covariance of ``(intercept, coef)`` (intercept first when fitted; module docstring).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    coef : ndarray of shape (n_features,)
    intercept : float
    datafit : a one-output datafit (squared error, logistic, Poisson, gamma, Tweedie)
    lam : float
        λ of the fit.
    penalty_factor : ndarray of shape (n_features,), optional
        ``f_j`` on the raw coefficients (including ``sd_j²`` when the fit standardized).
    sample_weight : ndarray of shape (n_samples,), optional
        Raw weights.
    fit_intercept : bool
    method : {"mle", "bayes", "sandwich"}
        ``"mle"`` and ``"bayes"`` are the same formula (the posterior covariance, which is the
        maximum-likelihood one at ``λ = 0``).
    offset : ndarray of shape (n_samples,), optional
        The fit's fixed term in ``η``.

    Returns
    -------
    cov : ndarray of shape (k, k)
        ``k = n_features + fit_intercept``.
    dof : float
        ``n − k_eff``, the residual degrees of freedom (for Gaussian ``t`` intervals).
    """
    A = _design(X, fit_intercept)
    n, k = A.shape
    s = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    eta = A @ (np.r_[intercept, coef] if fit_intercept else np.asarray(coef))
    if offset is not None:
        eta = eta + offset
    gaussian = isinstance(datafit, SquaredError)
    c = 2.0 if gaussian else 1.0
    power = getattr(datafit, "power", None)
    ones = np.ones(n)
    if gaussian:
        mu, v, var, fixed_scale = eta, ones, ones, False
    elif power is not None:                              # Poisson (power 1), gamma, Tweedie
        mu = np.exp(eta)
        v, var, fixed_scale = mu ** (2.0 - power), mu ** power, power == 1.0
    else:                                                # logistic
        mu = 1.0 / (1.0 + np.exp(-eta))
        v = mu * (1.0 - mu)
        var, fixed_scale = v, True
    info = (A * (s * v)[:, None]).T @ A
    f = np.ones(k - fit_intercept) if penalty_factor is None else np.asarray(penalty_factor, float)
    pen = np.zeros(k)
    pen[int(fit_intercept):] = 2.0 * float(s.sum()) * float(lam) * f / c
    H = info + np.diag(pen)
    Hinv = sla.pinvh(H)
    k_eff = float(np.trace(Hinv @ info))
    dof = max(n - k_eff, 1.0)
    if method == "sandwich":
        psi = datafit.gradient(y, eta, ones) / c
        meat = (A * (s * psi * psi)[:, None]).T @ A
        return Hinv @ meat @ Hinv, dof
    if method not in ("mle", "bayes"):
        raise ValueError(f"method must be 'mle', 'bayes' or 'sandwich', got {method!r}")
    phi = 1.0 if fixed_scale else float(s @ ((y - mu) ** 2 / var)) / dof
    return phi * Hinv, dof
