r"""The elastic-net penalty ``λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]`` and its pure-L1 case.

Proximal operator
-----------------
Per coordinate, with ``a = step·λ f_j``, ``argmin_z ½(z − w)² + a[(1−ρ)z² + ρ|z|]`` is::

    z = S(w, aρ) / (1 + 2a(1−ρ)),        S(w, t) = sign(w) max(|w| − t, 0)

(soft-thresholding, then the ridge shrink), found by setting the subgradient
``z − w + 2a(1−ρ)z + aρ ∂|z|`` to contain zero.

Optimality certificate
----------------------
``w`` minimizes ``D(w) + penalty(w)`` iff ``−∇D(w) ∈ ∂penalty(w)``, coordinate-wise::

    w_j ≠ 0:  g_j + 2λf_j(1−ρ)w_j + λf_jρ sign(w_j) = 0
    w_j = 0:  |g_j| ≤ λ f_j ρ

with ``g = ∇D(w)``. :meth:`ElasticNet.subdiff_distance` returns the distance of ``−g`` to the
subdifferential: ``|g_j + 2λf_j(1−ρ)w_j + λf_jρ sign w_j|`` off zero, ``max(|g_j| − λf_jρ, 0)``
at zero. It is zero exactly at the optimum.

λ_max
-----
At ``w = 0`` the L2 part has zero gradient, so zero is optimal iff ``|g_j(0)| ≤ λ ρ f_j`` for
every penalized ``j``, where ``g(0)`` is the datafit gradient at the *null model*: penalized
coefficients zero, intercept (and unpenalized coefficients, ``f_j = 0``) at their optimum.
Hence::

    λ_max = max_{j: f_j > 0} |g_j(0)| / (ρ f_j).

For squared error with an intercept and ``standardize=True``, the null intercept is the
weighted mean ``ȳ`` and, on the standardized features ``x̃_ij = (x_ij − m_j)/sd_j``,
``g_j(0) = −(2/S) Σ_i s_i x̃_ij (y_i − ȳ)`` (the 2 because the loss has no ½), so
``λ_max = max_j |2/S Σ_i s_i x̃_ij (y_i − ȳ)| / (ρ f_j)``. For the logistic loss the null
intercept is ``logit(ȳ)`` and ``g_j(0) = (1/S) Σ_i s_i x̃_ij (ȳ − y_i)``. With ``ρ = 0`` (ridge)
no finite λ zeroes the coefficients: ``lam_max`` returns ``inf``.
"""

from __future__ import annotations

import numpy as np

from ..standardization import column_stats

__all__ = ["ElasticNet", "L1", "null_gradient"]


def null_gradient(X, y, sample_weight=None, *, datafit: str = "squared_error",
                  fit_intercept: bool = True, standardize: bool = True,
                  unpenalized=None) -> np.ndarray:
    r"""Datafit gradient at the null model, in the coordinates the penalty acts on.

    The null model has every penalized coefficient at zero and the intercept (and the
    ``unpenalized`` coefficients) at their optimum. The gradient is taken with respect to the
    coefficients of the standardized features when ``standardize`` (else the raw ones).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Targets (``{0, 1}`` for ``datafit="logistic"``).
    sample_weight : ndarray of shape (n_samples,), optional
    datafit : {"squared_error", "logistic"}
    fit_intercept, standardize : bool
    unpenalized : ndarray of bool of shape (n_features,), optional
        Coefficients fitted freely in the null model (``penalty_factor == 0``).

    Returns
    -------
    g : ndarray of shape (n_features,)
        ``∂/∂w_j`` of ``(1/S) Σ s_i ℓ(y_i, η_i)`` at the null model (zero for unpenalized ``j``).
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    sw = np.full(n, 1.0 / n) if sample_weight is None else sample_weight / np.sum(sample_weight)
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    unpen = np.zeros(p, bool) if unpenalized is None else np.asarray(unpenalized, bool)
    if datafit == "squared_error":
        r = y - (sw @ y if fit_intercept else 0.0)
        if unpen.any():
            Z = (X[:, unpen] - mean[unpen]) * np.sqrt(sw)[:, None]
            beta = np.linalg.lstsq(Z, r * np.sqrt(sw), rcond=None)[0]
            r = r - (X[:, unpen] - mean[unpen]) @ beta
        g = -2.0 * ((sw * r) @ X - mean * (sw @ r)) / scale
    elif datafit == "logistic":
        if unpen.any():
            from ..solvers.cd import solve_logistic_enet
            res = solve_logistic_enet(X[:, unpen], y, sample_weight, lam=0.0,
                                      fit_intercept=fit_intercept, standardize=False, tol=1e-10)
            eta = X[:, unpen] @ res.coef + res.intercept
            prob = 1.0 / (1.0 + np.exp(-eta))
        else:
            ybar = sw @ y
            if fit_intercept and not 0.0 < ybar < 1.0:
                raise ValueError("y holds a single class; a logistic model needs both 0 and 1")
            prob = np.full(n, ybar if fit_intercept else 0.5)
        d = sw * (prob - y)
        g = (d @ X - mean * d.sum()) / scale
    else:
        raise ValueError(f"datafit must be 'squared_error' or 'logistic', got {datafit!r}")
    g[unpen] = 0.0
    return g


class ElasticNet:
    r"""Elastic-net penalty ``λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]`` (our ``l1_ratio`` ρ).

    scikit-learn's ``ElasticNet(alpha, l1_ratio=r)`` is ``λ = α(1+r)``, ``ρ = 2r/(1+r)``
    (:func:`~shrinkage.convert_strength`). See the module docstring for the prox, the
    certificate and ``λ_max``.

    Parameters
    ----------
    lam : float
        Strength ``λ ≥ 0``.
    l1_ratio : float, default=0.5
        ``ρ ∈ [0, 1]``: 1 is the lasso, 0 ridge.
    penalty_factor : ndarray of shape (n_features,), optional
        Per-coefficient factors ``f_j ≥ 0`` (0 leaves a coefficient unpenalized).

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import ElasticNet
    >>> pen = ElasticNet(lam=1.0, l1_ratio=0.5)
    >>> pen.prox(np.array([2.0, 0.2, -1.0]), step=0.5)
    array([ 1.16666667,  0.        , -0.5       ])
    """

    def __init__(self, lam: float, l1_ratio: float = 0.5, penalty_factor: np.ndarray | None = None):
        self.lam = float(lam)
        self.l1_ratio = float(l1_ratio)
        if not 0.0 <= self.l1_ratio <= 1.0:
            raise ValueError(f"l1_ratio must lie in [0, 1], got {l1_ratio!r}")
        self.penalty_factor = penalty_factor

    def _weights(self, w):
        f = 1.0 if self.penalty_factor is None else self.penalty_factor
        lf = self.lam * np.broadcast_to(f, w.shape[-1:])
        return lf * self.l1_ratio, lf * (1.0 - self.l1_ratio)   # L1 and L2 weights per j

    def value(self, w):
        l1, l2 = self._weights(w)
        return float(np.sum(l1 * np.abs(w) + l2 * w * w))

    def prox(self, w, step):
        l1, l2 = self._weights(w)
        return np.sign(w) * np.maximum(np.abs(w) - step * l1, 0.0) / (1.0 + 2.0 * step * l2)

    def subdiff_distance(self, w, grad):
        l1, l2 = self._weights(w)
        on = np.abs(grad + 2.0 * l2 * w + l1 * np.sign(w))
        off = np.maximum(np.abs(grad) - l1, 0.0)
        return np.where(w != 0, on, off)

    def lam_max(self, X, y, sample_weight=None, *, datafit: str = "squared_error",
                fit_intercept: bool = True, standardize: bool = True) -> float:
        r"""Smallest λ at which every penalized coefficient is zero (``inf`` when ρ = 0).

        Parameters
        ----------
        X : ndarray of shape (n_samples, n_features)
        y : ndarray of shape (n_samples,)
        sample_weight : ndarray of shape (n_samples,), optional
        datafit : {"squared_error", "logistic"}
        fit_intercept, standardize : bool
            As the estimator uses them (``standardize`` penalizes standardized coefficients).

        Returns
        -------
        lam_max : float
            ``max_{j: f_j>0} |g_j(0)| / (ρ f_j)`` (module docstring); 0 when nothing is penalized.
        """
        p = X.shape[1]
        f = np.ones(p) if self.penalty_factor is None else np.asarray(self.penalty_factor, float)
        pen = f > 0
        if not pen.any():
            return 0.0
        g = null_gradient(X, y, sample_weight, datafit=datafit, fit_intercept=fit_intercept,
                          standardize=standardize, unpenalized=~pen)
        top = float(np.max(np.abs(g[pen]) / f[pen]))
        if self.l1_ratio == 0.0:
            return np.inf if top > 0 else 0.0
        return top / self.l1_ratio


class L1(ElasticNet):
    r"""Lasso penalty ``λ Σ_j f_j |w_j|`` (:class:`ElasticNet` with ``ρ = 1``).

    scikit-learn's ``Lasso(alpha)`` is ``λ = 2α`` (its loss carries a ½).

    Parameters
    ----------
    lam : float
        Strength ``λ ≥ 0``.
    penalty_factor : ndarray of shape (n_features,), optional

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.penalties import L1
    >>> L1(lam=1.0).prox(np.array([2.0, 0.2, -1.5]), step=0.5)
    array([ 1.5,  0. , -1. ])
    """

    def __init__(self, lam: float, penalty_factor: np.ndarray | None = None):
        super().__init__(lam, 1.0, penalty_factor)
