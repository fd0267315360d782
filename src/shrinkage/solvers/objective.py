r"""A smooth datafit plus the L2 penalty, in the coordinates the second-order solvers use.

The problem
-----------
With ``sw_i = s_i / S`` (weights summing to one) and ``K`` linear predictors (``K = 1`` for a
single-output datafit such as the binary logistic loss, ``K`` classes for the softmax
cross-entropy), we minimize over ``W`` (``K × p``) and ``b`` (``K``)::

    J(W, b) = Σ_i sw_i ℓ(y_i, W x_i + b)  +  λ Σ_k Σ_j f_j W_kj²

(:mod:`shrinkage.conventions`; ``f_j`` already includes ``sd_j²`` when the estimator
standardizes). The loss, its gradient and its curvature come from :mod:`shrinkage.datafits`,
the penalty from :class:`shrinkage.penalties.L2`.

Coordinates
-----------
The solvers work in centred and scaled coordinates ``θ = (V, c)`` with ``W = V / s`` (column
scale ``s``) and ``b = c − W m`` (column mean ``m``, zero without an intercept), so that::

    η = X Wᵀ + b = ((X − m) / s) Vᵀ + c  =  Z Vᵀ + c.

``Z`` is never formed: ``η = X (V/s)ᵀ + (c − (V/s) m)`` and ``Zᵀ G = (Xᵀ G − m Σ_i G_i) / s``
(:meth:`SmoothObjective.Zt`). In these coordinates the Hessian is much better conditioned (the
intercept decouples from the coefficients, and every column has unit spread), which is what
L-BFGS and CG need; Newton is affine invariant and does not care. The penalty reads
``Σ_kj π_j V_kj²`` with ``π_j = λ f_j / s_j²``. The gradient is::

    ∇_V J = Gᵀ Z + 2 π ⊙ V,    ∇_c J = Σ_i G_i,     G = ∂(Σ sw ℓ)/∂η   (n × K)

and a Hessian-vector product with a direction ``(dV, dc)`` is ``Zᵀ R + 2 π ⊙ dV`` with
``R = ∂²(Σ sw ℓ)/∂η² [Z dVᵀ + dc]`` (the datafit's ``hessian_product``).

Separation
----------
With ``λ = 0`` the maximum-likelihood estimate does not exist when the classes are linearly
separable: the loss decreases towards 0 as ``‖W‖ → ∞``. Each datafit term is at least
``log 2 · sw_i`` for a sample that is not classified correctly with probability > ½ (the
datafit's ``separation_floor``), so once the data term falls below ``log 2 · min_i sw_i`` every
sample is separated; the solvers then stop and warn instead of walking off to infinity.

Multinomial identifiability
---------------------------
Adding a vector to every row of ``W`` (or a constant to every intercept) leaves the softmax
unchanged. The penalty picks the rows that sum to zero over classes; for unpenalized columns and
for the intercepts, the solvers report the representative whose entries sum to zero over the
classes, and :meth:`SmoothObjective.add_penalty_hessian` makes the Newton matrix definite
along those directions without changing the step.

Effective degrees of freedom
----------------------------
:func:`logistic_effective_df` is ``tr(H (H + P)⁺)`` minus the intercepts, with ``H`` the data
Hessian and ``P`` the penalty's at the fit, formed here where the Hessian is (the trace does
not depend on the coordinates).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.linalg as sla
import scipy.sparse as sp

from ..datafits import Logistic, SoftmaxCrossEntropy, normalized_weights
from ..penalties import L2
from ..standardization import column_stats
from .._threads import sum_over_row_blocks

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, MatrixLike

__all__ = ["SmoothObjective", "Separable", "logistic_objective", "logistic_effective_df",
           "smooth_effective_df"]


class Separable(Exception):
    """Raised inside a solver when the data are separated at ``λ = 0`` (module docstring)."""

    def __init__(self, theta):
        self.theta = theta


class SmoothObjective:
    r"""``J(θ)`` of the module docstring, its gradient, Hessian-vector products and Hessian.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
        Float64 features (never copied or modified).
    Y : ndarray of shape (n_samples,) or (n_samples, K)
        Targets of ``datafit``: ``y ∈ {0, 1}`` for the logistic loss, one-hot ``Y`` for softmax.
    sw : ndarray of shape (n_samples,)
        Sample weights summing to one.
    lam : float
        λ ≥ 0.
    penalty_factor : ndarray of shape (n_features,) or None
        Factors ``f_j`` on the *raw* coefficients (include ``sd_j²`` to standardize).
    fit_intercept : bool
    x_mean, x_scale : ndarray of shape (n_features,)
        The reparametrization ``W = V / s``, ``b = c − W m`` (use the weighted mean, zero
        without an intercept, and the weighted standard deviation).
    datafit : datafit object, optional
        Default: :class:`~shrinkage.datafits.Logistic` for 1-D ``Y``,
        :class:`~shrinkage.datafits.SoftmaxCrossEntropy` for 2-D.
    """

    def __init__(self, X, Y, sw, lam, penalty_factor=None, *, fit_intercept=True,
                 x_mean=None, x_scale=None, datafit=None):
        self.X, self.Y, self.sw = X, Y, sw
        self.n, self.p = X.shape
        self.binary = Y.ndim == 1          # one linear predictor
        self.K = 1 if self.binary else Y.shape[1]
        if datafit is None:
            datafit = Logistic() if self.binary else SoftmaxCrossEntropy()
        if not self.binary and not isinstance(datafit, SoftmaxCrossEntropy):
            raise ValueError(f"a 2-D target is the softmax's one-hot classes; the {datafit.name} "
                             "datafit takes one linear predictor (a 1-D target)")
        self.datafit = datafit
        self.fit_intercept = bool(fit_intercept)
        self.m = np.zeros(self.p) if (x_mean is None or not fit_intercept) else np.asarray(x_mean, float)
        self.s = np.ones(self.p) if x_scale is None else np.asarray(x_scale, float)
        self.f = np.ones(self.p) if penalty_factor is None else np.asarray(penalty_factor, float)
        self.min_sw = float(sw[sw > 0].min())
        self._labels = None if self.binary else np.argmax(Y, axis=1)
        # labels exactly 0/1: one log-sigmoid per row (Logistic.value)
        self._sign = Logistic.label_sign(Y) if isinstance(datafit, Logistic) else None
        self._memo = {}
        #: a fixed offset added to η (n,) (log-exposure of a rate model), or None
        self.offset = None
        self.set_lam(lam)

    # -- parameters -------------------------------------------------------------------------
    def set_lam(self, lam):
        self.lam = float(lam)
        self.penalty = L2(self.lam, self.f / self.s ** 2)   # in θ-coordinates: π = λ f / s²
        self.unpenalized = self.lam == 0 or bool(np.any(self.f == 0))

    @property
    def pi(self):
        """The penalty's weights in θ-coordinates, ``π_j = λ f_j / s_j²`` (n_features,)."""
        return self.penalty.weights(self.p)[1]

    @property
    def n_theta(self):
        return self.K * self.p + (self.K if self.fit_intercept else 0)

    def split(self, theta):
        V = theta[: self.K * self.p].reshape(self.K, self.p)
        c = theta[self.K * self.p:] if self.fit_intercept else np.zeros(self.K)
        return V, c

    def to_original(self, theta):
        """``(W, b)`` of shape (K, p), (K,) on the original feature scale."""
        V, c = self.split(theta)
        W = V / self.s
        b = c - W @ self.m
        return W, b

    def from_original(self, W, b):
        W = np.asarray(W, float).reshape(self.K, self.p)
        V = W * self.s
        parts = [V.ravel()]
        if self.fit_intercept:
            parts.append(np.asarray(b, float).reshape(self.K) + W @ self.m)
        return np.concatenate(parts)

    # -- objective --------------------------------------------------------------------------
    def eta(self, theta):
        """``η`` at θ, remembered for the last θ: along a path the first evaluation at a new λ
        is at the previous solution, whose η (and data gradient) are already known."""
        key = self._memo.get("theta")
        if key is not None and key.shape == theta.shape and np.array_equal(key, theta):
            return self._memo["eta"]
        eta = self.linear_predictor(theta)
        if self.offset is not None:
            eta = eta + self.offset
        self._memo = {"theta": theta.copy(), "eta": eta}
        return eta

    def linear_predictor(self, theta):
        """``η`` at θ (or the change of η along a direction θ: η is linear in θ)."""
        V, c = self.split(theta)
        W = V / self.s
        off = c - W @ self.m
        if self.binary:
            return self.X @ W[0] + off[0]
        return self.X @ W.T + off

    def Zt(self, G):
        """``Zᵀ G`` as (K, p) for G of shape (n,) or (n, K)."""
        G2 = G[:, None] if G.ndim == 1 else G
        return (G2.T @ self.X - np.outer(G2.sum(axis=0), self.m)) / self.s

    def value(self, theta, eta=None):
        eta = self.eta(theta) if eta is None else eta
        V, _ = self.split(theta)
        return self.data_value(eta) + self.penalty.value(V)

    def value_and_gradient(self, theta, eta=None):
        """``(J, ∇J, data term)`` with one exponential per entry of η (the L-BFGS oracle)."""
        eta = self.eta(theta) if eta is None else eta
        V, _ = self.split(theta)
        if self.binary:
            data, G = self.data_value(eta), self.datafit.gradient(self.Y, eta, self.sw)
        else:
            data, G = self.datafit.value_and_gradient(self.Y, eta, self.sw, labels=self._labels)
        return self._assemble(self.Zt(G), G, V, data + self.penalty.value(V)) + (data,)

    def _assemble(self, ZtG, G, V, *head):
        gV = (ZtG + self.penalty.gradient(V)).ravel()
        grad = np.concatenate([gV, np.atleast_1d(G.sum(axis=0))]) if self.fit_intercept else gV
        return (*head, grad)

    def data_value(self, eta):
        if self._sign is not None:
            return self.datafit.value(self.Y, eta, self.sw, sign=self._sign)
        return self.datafit.value(self.Y, eta, self.sw)

    def gradient(self, theta, eta=None):
        eta = self.eta(theta) if eta is None else eta
        V, _ = self.split(theta)
        if self._memo.get("eta") is eta and "grad" in self._memo:
            ZtG, G = self._memo["grad"]
        else:
            G = self.datafit.gradient(self.Y, eta, self.sw)
            ZtG = self.Zt(G)
            if self._memo.get("eta") is eta:
                self._memo["grad"] = (ZtG, G)
        return self._assemble(ZtG, G, V)[0]

    def hessian_operator(self, theta, eta=None):
        """``(matvec, diag)``: Hessian-vector product at θ and the diagonal preconditioner."""
        eta = self.eta(theta) if eta is None else eta
        if self.binary:
            d = self.datafit.hessian_diag(self.Y, eta, self.sw)
            dsum = np.array([d.sum()])

            def curv(u):
                return d * u
        else:
            P = SoftmaxCrossEntropy.probabilities(eta)
            dsum = self.datafit.diagonal_curvature(eta, self.sw, p=P).sum(axis=0)

            def curv(u):
                return self.datafit.hessian_product(self.Y, eta, self.sw, u, p=P)

        def matvec(v):
            dV, dc = self.split(v)
            R = curv(self.linear_predictor(v))   # η is linear in θ: this is Z dVᵀ + dc
            out = (self.Zt(R) + self.penalty.gradient(dV)).ravel()
            return np.concatenate([out, np.atleast_1d(R.sum(axis=0))]) if self.fit_intercept else out

        diag_V = dsum[:, None] + self.penalty.hessian_diag(np.zeros((self.K, self.p)))
        diag = np.concatenate([diag_V.ravel(), dsum]) if self.fit_intercept else diag_V.ravel()
        return matvec, diag

    def data_hessian(self, theta, eta=None, buf=None, threads=1):
        """The data part of the Hessian in θ-coordinates, shape (n_theta, n_theta): upper
        triangle valid (one output; what a Cholesky reads) or full (softmax). ``threads > 1`` forms the one-output
        Gram matrix in that many row blocks at once (:func:`shrinkage._threads.sum_over_row_blocks`)."""
        eta = self.eta(theta) if eta is None else eta
        X, m, s, K, p = self.X, self.m, self.s, self.K, self.p
        centred = self.fit_intercept and np.any(m != 0)
        if sp.issparse(X):
            return self._sparse_data_hessian(eta, centred)
        if self.binary:
            d = self.datafit.hessian_diag(self.Y, eta, self.sw)
            sq = np.sqrt(d)
            if buf is None:
                buf = np.empty_like(X)

            def gram(rows):
                B = buf[rows]
                if centred:
                    np.subtract(X[rows], m, out=B)
                    B *= sq[rows, None]
                else:
                    np.multiply(X[rows], sq[rows, None], out=B)
                # B.T is Fortran-ordered (p, rows): numpy dispatches Bᵀ B to BLAS syrk
                return B.T @ B

            H = np.zeros((self.n_theta, self.n_theta))
            H[:p, :p] = sum_over_row_blocks(gram, self.n, threads)
            H[:p, :p] /= np.outer(s, s)
            if self.fit_intercept:
                H[:p, p] = (sq @ buf) / s
                H[p, p] = d.sum()
            return H
        Pm = SoftmaxCrossEntropy.probabilities(eta)
        Xc = X - m if centred else X
        n_th = self.n_theta
        H = np.zeros((n_th, n_th))
        base = K * p
        for k in range(K):
            for l in range(k, K):
                w = self.datafit.hessian_weights(Pm, self.sw, k, l)
                T = Xc * w[:, None]
                blk = (T.T @ Xc) / np.outer(s, s)
                H[k * p:(k + 1) * p, l * p:(l + 1) * p] = blk
                H[l * p:(l + 1) * p, k * p:(k + 1) * p] = blk.T
                if self.fit_intercept:
                    cross = T.sum(axis=0) / s
                    H[k * p:(k + 1) * p, base + l] = H[base + l, k * p:(k + 1) * p] = cross
                    H[l * p:(l + 1) * p, base + k] = H[base + k, l * p:(l + 1) * p] = cross
                    H[base + k, base + l] = H[base + l, base + k] = w.sum()
        return H

    def weighted_gram(self, w):
        """``(Σ w z zᵀ, Σ w z, Σ w)`` in θ-coordinates (``z = (x − m)/s``) for row weights ``w``,
        from a sparse ``X`` without densifying it: ``Σ w (x − m)(x − m)ᵀ = Xᵀ diag(w) X − m aᵀ −
        a mᵀ + (Σ w) m mᵀ`` with ``a = Xᵀ w``."""
        X, m, s = self.X, self.m, self.s
        G = np.asarray((X.T @ X.multiply(w[:, None]).tocsc()).todense())
        a = np.asarray(X.T @ w).ravel()
        if self.fit_intercept and np.any(m != 0):
            G -= np.outer(m, a) + np.outer(a, m) - w.sum() * np.outer(m, m)
            a = a - w.sum() * m
        return G / np.outer(s, s), a / s, w.sum()

    def _sparse_data_hessian(self, eta, centred):
        """:meth:`data_hessian` of a sparse ``X`` (full matrix), centring implicit:
        ``Σ w (x − m)(x − m)ᵀ = Xᵀ diag(w) X − m aᵀ − a mᵀ + (Σ w) m mᵀ`` with ``a = Xᵀ w``."""
        K, p = self.K, self.p
        H = np.zeros((self.n_theta, self.n_theta))
        block = self.weighted_gram

        if self.binary:
            G, a, tot = block(self.datafit.hessian_diag(self.Y, eta, self.sw))
            H[:p, :p] = G
            if self.fit_intercept:
                H[:p, p] = H[p, :p] = a
                H[p, p] = tot
            return H
        Pm = SoftmaxCrossEntropy.probabilities(eta)
        base = K * p
        for k in range(K):
            for l in range(k, K):
                G, a, tot = block(self.datafit.hessian_weights(Pm, self.sw, k, l))
                H[k * p:(k + 1) * p, l * p:(l + 1) * p] = G
                H[l * p:(l + 1) * p, k * p:(k + 1) * p] = G.T
                if self.fit_intercept:
                    H[k * p:(k + 1) * p, base + l] = H[base + l, k * p:(k + 1) * p] = a
                    H[l * p:(l + 1) * p, base + k] = H[base + k, l * p:(l + 1) * p] = a
                    H[base + k, base + l] = H[base + l, base + k] = tot
        return H

    def add_penalty_hessian(self, H):
        """``H + diag(2π)`` plus, for softmax, ``μ 11ᵀ`` over the classes of each direction
        that the loss cannot see (the intercepts, unpenalized columns). That term vanishes at
        the sum-to-zero representative and makes the matrix positive definite without changing
        the Newton step on the identified directions (the gradient is orthogonal to 1)."""
        H = H + np.diag(self.penalty_diag())
        if self.binary:
            return H
        K, p = self.K, self.p
        dg = np.diag(H)
        free = np.flatnonzero(np.broadcast_to((self.f == 0) | (self.lam == 0), (p,)))
        groups = [np.arange(K) * p + j for j in free]
        if self.fit_intercept:
            groups.append(K * p + np.arange(K))
        for idx in groups:
            mu = max(float(dg[idx].mean()), 1e-12)
            H[np.ix_(idx, idx)] += mu / K
        return H

    def penalty_diag(self):
        """The penalty's Hessian diagonal in θ (zero on the intercepts)."""
        pd = self.penalty.hessian_diag(np.zeros((self.K, self.p))).ravel()
        return np.concatenate([pd, np.zeros(self.K)]) if self.fit_intercept else pd

    def check_separable(self, theta, eta):
        floor = getattr(self.datafit, "separation_floor", None)
        if floor is not None and self.lam == 0 and self.data_value(eta) < floor * self.min_sw:
            raise Separable(theta)


def logistic_objective(X, Y, sample_weight, lam, penalty_factor, fit_intercept, standardize,
                       stats=None, datafit=None):
    """The :class:`SmoothObjective` of L2 logistic (1-D ``Y`` in ``{0, 1}``) or softmax
    (one-hot ``Y``) regression as the estimators build it: θ-coordinates always standardized
    with the weighted mean and sd of ``X``, ``f·sd²`` when ``standardize``. ``stats``: the
    ``(mean, sd)`` of an earlier call on the same rows and weights (two passes over ``X``
    saved; a cross-validation fold rebuilds its objective for each stretch of the grid).
    Another one-output ``datafit`` (Poisson, gamma, Tweedie) gives that GLM's objective,
    built the same way."""
    sw = normalized_weights(sample_weight, X.shape[0])
    mean, sd = column_stats(X, sw, fit_intercept, True) if stats is None else stats
    f = np.ones(X.shape[1]) if penalty_factor is None else np.asarray(penalty_factor, float)
    if standardize:
        f = f * sd ** 2      # penalize w_j·sd_j (see standardization.py)
    return SmoothObjective(X, Y, sw, lam, f, fit_intercept=fit_intercept, x_mean=mean, x_scale=sd,
                           datafit=datafit)


def logistic_effective_df(X: MatrixLike, coef: ArrayLike, intercept: ArrayLike, lam: float, *,
                          penalty_factor: ArrayLike | None = None, fit_intercept: bool = True,
                          standardize: bool = True,
                          sample_weight: ArrayLike | None = None) -> float:
    r"""Effective degrees of freedom of an L2 logistic (or softmax) fit: ``tr(H (H + P)⁺) − c``.

    ``H`` is the Hessian of the data term ``(1/S) Σ s_i ℓ_i`` at the fit, in the coefficients
    and intercepts: for two classes ``Aᵀ diag(s p(1 − p)/S) A`` (``A = [1, X]``), for ``K``
    classes the blocks ``H_kl = Aᵀ diag(s (δ_kl π_k − π_k π_l)/S) A``. ``P`` is the Hessian of
    the penalty, ``2λ f_j sd_j²`` on the coefficients (``sd_j`` the weighted population
    standard deviation when ``standardize``, else 1; intercepts unpenalized), so the result is
    invariant to the scale of the features. ``c`` removes the intercepts: 1 for two classes,
    ``K − 1`` for the softmax (its intercepts are identified only up to a common shift, a
    direction that both ``H`` and ``P`` annihilate and the pseudo-inverse leaves out). At
    ``λ = 0`` this is the number of identified coefficients (``p``, or ``(K − 1) p``); it falls
    to 0 as ``λ → ∞``, as ridge's ``Σ d²/(d² + Sλ)`` does. The trace is the same in any
    coordinates, so it is computed in the solver's (:class:`SmoothObjective`).

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    coef : array-like of shape (n_features,), (1, n_features) or (n_classes, n_features)
    intercept : float or array-like of shape (1,) or (n_classes,)
    lam : float
    penalty_factor : array-like of shape (n_features,), optional
    fit_intercept, standardize : bool, default=True
    sample_weight : array-like of shape (n_samples,), optional

    Returns
    -------
    float

    Examples
    --------
    >>> import numpy as np; from shrinkage import LogisticRegression
    >>> from shrinkage.diagnostics import logistic_effective_df
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 3)); y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> [round(logistic_effective_df(X, m.coef_, m.intercept_, m.lam_), 3)
    ...  for m in (LogisticRegression(lam=lam).fit(X, y) for lam in (1e3, 0.0))]
    [0.0, 3.0]
    """
    X = np.asarray(X, dtype=np.float64)
    W = np.atleast_2d(np.asarray(coef, dtype=np.float64))
    K = W.shape[0]
    b = np.ravel(np.asarray(intercept, dtype=np.float64)) * np.ones(K)
    # the classes' probabilities are what H depends on: targets are not needed
    Y = np.zeros(X.shape[0]) if K == 1 else np.zeros((X.shape[0], K))
    obj = logistic_objective(X, Y, sample_weight, float(lam), penalty_factor, fit_intercept,
                             standardize)
    theta = obj.from_original(W, b)
    return smooth_effective_df(obj, obj.data_hessian(theta))


def smooth_effective_df(obj, H) -> float:
    """``tr(H (H + P)⁺) − c`` of :func:`logistic_effective_df` from the data Hessian ``H`` of
    ``obj`` (:meth:`SmoothObjective.data_hessian` at the fit, upper triangle read for one
    output) at the objective's λ: what a path that forms the Hessian at each solution reuses."""
    if obj.binary:                                  # upper triangle valid
        H = np.triu(H) + np.triu(H, 1).T
    M = obj.add_penalty_hessian(H)
    try:
        df = float(np.trace(sla.cho_solve(sla.cho_factor(M), H)))
    except np.linalg.LinAlgError:    # singular (λ = 0 with collinear features): pseudo-inverse
        df = float(np.trace(np.linalg.lstsq(M, H, rcond=None)[0]))
    if obj.fit_intercept:
        df -= 1.0 if obj.K == 1 else obj.K - 1.0
    return df
