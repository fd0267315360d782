r"""The null model and its gradient: where every λ path starts, and what λ_max is made of.

The *null model* has every penalized coefficient at zero and the intercept (and the
unpenalized coefficients) at their optimum. Its datafit gradient ``g(0)``, taken with respect
to the coefficients the penalty acts on (those of the standardized features when
``standardize``), decides the top of every sparse path: a penalty's ``lam_max(g(0))``
(:mod:`shrinkage.penalties`) is the smallest λ whose solution is the null model. The tolerance
of the sparse solvers is also measured in units of ``max |g(0)|``.

With unpenalized features the null model is an unpenalized fit on them: weighted least squares
for squared error, the λ = 0 proximal-Newton fit for the logistic, softmax and GLM losses. An
``offset`` (GLMs) is part of every η, the null model's included.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp

from ..datafits import get_datafit, normalized_weights
from ..standardization import column_stats

__all__ = ["null_gradient", "null_eta", "null_intercept", "lam_max", "least_squares_on"]


def least_squares_on(X, y, sw, cols, mean=None, scale=None):
    """Unpenalized weighted least squares of ``y`` on the columns ``cols`` of ``X``: the
    minimum-norm ``argmin_β Σ sw_i (y_i − ((x_i,cols − m)/s)ᵀβ)²`` (``m = mean``, zero when
    None; ``s = scale``, one when None).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, n_targets)
        Centred already when ``mean`` is given (the intercept is then ``ȳ − mᵀβ``).
    sw : ndarray of shape (n_samples,)
        Weights summing to one.
    cols : ndarray of int
    mean, scale : ndarray of shape (len(cols),), optional

    Returns
    -------
    beta : ndarray of shape (len(cols),) or (len(cols), n_targets)
    """
    cols = np.asarray(cols, dtype=int)
    if cols.size == 0:
        return np.zeros((0,) + np.shape(y)[1:])
    rs = np.sqrt(sw)
    XC = X[:, cols] if mean is None else X[:, cols] - mean
    if scale is not None:
        XC = XC / scale
    return np.linalg.lstsq(XC * rs[:, None], y * (rs if y.ndim == 1 else rs[:, None]),
                           rcond=None)[0]


def null_intercept(y, sw, datafit, offset=None) -> float:
    """The intercept-only model's intercept ``argmin_b Σ sw_i ℓ(y_i, b + offset_i)``.

    Without an offset it is the datafit's ``null_eta``; with one, Newton's method (Fisher
    scoring where the datafit's curvature is the expected one) from the Poisson answer
    ``log(Σ sw y / Σ sw e^offset)``, which is exact for power 1.

    Examples
    --------
    >>> import numpy as np; from shrinkage.datafits import Gamma
    >>> from shrinkage.solvers.null import null_intercept
    >>> y = np.array([1.0, 2.0, 4.0]); sw = np.full(3, 1 / 3); off = np.log([1.0, 2.0, 4.0])
    >>> round(null_intercept(y, sw, Gamma(), off), 12)        # y / e^offset = 1 everywhere
    0.0
    """
    if offset is None:
        return float(datafit.null_eta(y, sw))
    off = np.asarray(offset, dtype=np.float64)
    b = float(np.log(sw @ y) - np.log(sw @ np.exp(off)))
    for _ in range(100):
        g = float(np.sum(datafit.gradient(y, b + off, sw)))
        step = g / float(np.sum(datafit.hessian_diag(y, b + off, sw)))
        b -= step
        if abs(step) <= 1e-13 * max(1.0, abs(b)):
            break
    return b


def null_eta(X, Y, sw, datafit, *, fit_intercept=True, unpenalized=None, offset=None):
    """The linear predictor of the null model, shape (n,) or (n, K) (see the module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    Y : ndarray of shape (n_samples,) or (n_samples, K)
        Targets as the datafit takes them (one-hot for the softmax).
    sw : ndarray of shape (n_samples,)
        Weights summing to one.
    datafit : datafit object
    fit_intercept : bool
    unpenalized : ndarray of bool of shape (n_features,), optional
    offset : ndarray of shape (n_samples,), optional
        Added to η (GLMs); part of the returned η.
    """
    n = X.shape[0]
    unpen = np.zeros(X.shape[1], bool) if unpenalized is None else np.asarray(unpenalized, bool)
    if unpen.any():      # the few unpenalized columns, dense even when X is sparse
        XU = X[:, unpen]
        return _unpenalized_fit(XU.toarray() if sp.issparse(XU) else XU, Y, sw, datafit,
                                fit_intercept, offset)
    if offset is not None:
        return offset + (null_intercept(Y, sw, datafit, offset) if fit_intercept else 0.0)
    if Y.ndim == 2:                     # the softmax's one-hot Y, or several targets
        c = datafit.null_eta(Y, sw) if fit_intercept else np.zeros(Y.shape[1])
        return np.broadcast_to(c, (n, Y.shape[1]))
    if not fit_intercept:
        return np.zeros(n)
    return np.full(n, datafit.null_eta(Y, sw))


def _unpenalized_fit(XU, Y, sw, datafit, fit_intercept, offset=None):
    if datafit.name == "squared_error":
        mu = sw @ XU if fit_intercept else np.zeros(XU.shape[1])
        ybar = sw @ Y if fit_intercept else 0.0
        beta = least_squares_on(XU, Y - ybar, sw, np.arange(XU.shape[1]), mu)
        return ybar + (XU - mu) @ beta
    from .prox_newton import solve_glm_enet, solve_logistic_enet, solve_multinomial_enet
    if hasattr(datafit, "power"):                      # the log-link GLMs
        res = solve_glm_enet(XU, Y, sw, datafit=datafit, offset=offset, lam=0.0,
                             fit_intercept=fit_intercept, standardize=False, tol=1e-10)
        eta = XU @ res.coef + res.intercept
        return eta if offset is None else eta + offset
    if datafit.name == "logistic":
        res = solve_logistic_enet(XU, Y, sw, lam=0.0, fit_intercept=fit_intercept,
                                  standardize=False, tol=1e-10)
        return XU @ res.coef + res.intercept
    if datafit.name == "softmax_cross_entropy":
        res = solve_multinomial_enet(XU, np.argmax(Y, axis=1), sw, lam=0.0,
                                     fit_intercept=fit_intercept, standardize=False, tol=1e-10)
        return XU @ res.coef.T + res.intercept
    raise NotImplementedError(f"a null model with unpenalized features is not available for "
                              f"the {datafit.name} datafit yet")


def null_gradient(X, y, sample_weight=None, *, datafit="squared_error",
                  fit_intercept: bool = True, standardize: bool = True,
                  unpenalized=None, offset=None) -> np.ndarray:
    r"""Datafit gradient at the null model, in the coordinates the penalty acts on.

    The gradient is taken with respect to the coefficients of the standardized features when
    ``standardize`` (else the raw ones), on the weighted mean loss of
    :mod:`shrinkage.conventions`.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,) or (n_samples, K)
        Targets (``{0, 1}`` for ``"logistic"``, one-hot for ``"softmax_cross_entropy"``).
    sample_weight : ndarray of shape (n_samples,), optional
    datafit : str or datafit object
        A name of :data:`shrinkage.datafits.DATAFITS` or the datafit itself.
    fit_intercept, standardize : bool
    unpenalized : ndarray of bool of shape (n_features,), optional
        Coefficients fitted freely in the null model (``penalty_factor == 0``).
    offset : ndarray of shape (n_samples,), optional
        A fixed part of η (GLMs).

    Returns
    -------
    g : ndarray of shape (n_features,), or (K, n_features) for the softmax
        ``∂/∂w_j`` of ``(1/S) Σ s_i ℓ(y_i, η_i)`` at the null model (zero for unpenalized ``j``).

    Examples
    --------
    >>> import numpy as np; from shrinkage.solvers import null_gradient
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([1.0, 1.0, 3.0, 3.0])
    >>> null_gradient(X, y, standardize=False)          # −2 Σ (x − x̄)(y − ȳ) / n
    array([-2.])
    """
    datafit = get_datafit(datafit)
    X = X.astype(np.float64, copy=False) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    Y = np.asarray(y, dtype=np.float64)
    sw = normalized_weights(sample_weight, X.shape[0])
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    unpen = np.zeros(X.shape[1], bool) if unpenalized is None else np.asarray(unpenalized, bool)
    off = None if offset is None else np.asarray(offset, dtype=np.float64)
    eta = null_eta(X, Y, sw, datafit, fit_intercept=fit_intercept, unpenalized=unpen,
                   offset=off)
    G = datafit.gradient(Y, np.asarray(eta, dtype=np.float64), sw)
    g = (np.asarray(G.T @ X) - np.multiply.outer(G.sum(axis=0), mean)) / scale
    g[..., unpen] = 0.0
    return g


def lam_max(penalty, X, y, sample_weight=None, *, datafit="squared_error",
            fit_intercept: bool = True, standardize: bool = True) -> float:
    """``penalty.lam_max`` at the null model of ``(X, y)`` (its unpenalized features fitted).

    Examples
    --------
    >>> import numpy as np; from shrinkage.penalties import L1
    >>> from shrinkage.solvers import lam_max
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]]); y = np.array([1.0, 1.0, 3.0, 3.0])
    >>> lam_max(L1(1.0), X, y, standardize=False)
    2.0
    """
    g = null_gradient(X, y, sample_weight, datafit=datafit, fit_intercept=fit_intercept,
                      standardize=standardize, unpenalized=penalty.unpenalized(np.shape(X)[1]))
    return penalty.lam_max(g)
