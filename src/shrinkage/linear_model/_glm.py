r"""Generalized linear models with a log link and an L2 or elastic-net penalty:
:class:`PoissonRegressor`, :class:`GammaRegressor` and :class:`TweedieRegressor`.

Each minimizes the one objective of :mod:`shrinkage.conventions` with its family's loss
(:mod:`shrinkage.datafits`: ``e^η − yη`` for Poisson, ``y e^{−η} + η`` for gamma, the Tweedie
half deviance for a power ``p > 1``; each is half the unit deviance up to constants)::

    (1/S) Σ_i s_i ℓ(y_i, x_iᵀw + b + offset_i)  +  λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]

on the second-order solvers of :mod:`shrinkage.solvers.smooth` for ``ρ = 0`` (Newton with a
Cholesky factor for a few hundred coefficients, Newton-CG beyond), started from the
intercept-only model, and by proximal Newton with coordinate descent for ``ρ > 0``
(:func:`~shrinkage.solvers.prox_newton.solve_glm_enet`, glmnet's and glum's method).
scikit-learn's ``PoissonRegressor(alpha)``, ``GammaRegressor(alpha)`` and
``TweedieRegressor(power, alpha)`` (``link="log"``) are ``lam = alpha / 2`` with
``standardize=False`` (``convert_strength(alpha, source="sklearn-glm")``); glum's
``GeneralizedLinearRegressor(alpha, l1_ratio=r)`` is ``convert_strength(alpha, source="glum",
l1_ratio=r)`` and glmnet's ``family="poisson"`` is ``source="glmnet-poisson"``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from numbers import Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._docs import fill_doc
from .._params import ParamHints
from ._base import ColumnSelection
from ._summary import CoefficientSummary
from ._views import LinearViews
from .._validation import (check_bounds, check_lam, check_penalty_factor, check_positive_int,
                           check_ratio, check_offset as _check_offset,
                           check_sample_weight, check_tol, check_X, check_X_y, input_dtype,
                           store_init_args)
from ..datafits import normalized_weights, tweedie, unit_deviance
from ..solvers.null import null_intercept
from ..solvers.objective import logistic_objective
from ..solvers.prox_newton import solve_glm_enet
from ..solvers.smooth import SOLVERS, solve_smooth

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, MatrixLike, NDArray
    from typing_extensions import Self

__all__ = ["PoissonRegressor", "GammaRegressor", "TweedieRegressor"]

_PARAMS = r"""
    lam : float, default=0.01
        Strength ``λ ≥ 0`` of ``λ Σ f_j [(1−ρ) w_j² + ρ|w_j|]``.
    l1_ratio : float, default=0.0
        Our ``ρ ∈ [0, 1]``: ``0`` is the L2 penalty, ``1`` the lasso, between them the elastic
        net (exact zeros; proximal Newton with coordinate descent,
        :func:`~shrinkage.solvers.prox_newton.solve_glm_enet`, on dense ``X``). ``tol`` is
        then relative to the largest gradient at the intercept-only model and ``max_iter``
        counts proximal Newton steps (default 100).
    {linear_settings}
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ w_j ≤ upper_j`` (original scale, ``lower ≤ 0 ≤ upper``;
        glmnet's ``lower.limits`` / ``upper.limits``), by the proximal Newton solver with
        projected coordinate descent, whatever ``l1_ratio``.
    solver : {"auto", "newton-cholesky", "newton-cg", "lbfgs"}, default="auto"
        The L2 solver (``l1_ratio=0`` without bounds).
    tol : float, default=1e-8
        Stop when the largest entry of the objective's gradient (in centred, scaled
        coordinates) is at most ``tol``.
    max_iter : int, optional
        Newton iterations (default 100) or L-BFGS iterations (default 1000).
    {exclude}"""

_ATTRS = r"""
    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    lam_ : float
    n_iter_ : int
    solver_ : str
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.

    Notes
    -----
    ``X`` may be dense or scipy sparse (CSR/CSC, never densified; with ``l1_ratio > 0`` or
    bounds the inner coordinate descent runs on the CSC columns with the centring and scaling
    implicit, :func:`~shrinkage.solvers._cd_sparse._cd_binary_inner_csc`). ``score`` is the fraction
    of deviance explained, D², as in scikit-learn's GLMs."""


class _GLMBase(CoefficientSummary, ParamHints, ColumnSelection, LinearViews, RegressorMixin,
               BaseEstimator):
    """Fitting, prediction and D² for the log-link family of Tweedie power ``_power`` (a class
    attribute; :class:`TweedieRegressor` takes it as a parameter)."""

    _power = 1.0

    def __init__(self, lam: float = 0.01, *, l1_ratio: float = 0.0, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 lower_bounds: ArrayLike | None = None, upper_bounds: ArrayLike | None = None,
                 solver: str = "auto", tol: float = 1e-8,
                 max_iter: int | None = None,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    _accepts_sparse = True           # the elastic-net solver reads the CSC columns too

    def _datafit(self):
        return tweedie(self._power)

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accepts_sparse
        tags.target_tags.positive_only = True
        return tags

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X, y, sample_weight}
        offset : array-like of shape (n_samples,), optional
            A fixed term added to the linear predictor, ``η = Xw + b + offset``: the log of
            the exposure for counts over different lengths of time (then ``predict(X,
            offset=log(exposure))`` gives the expected count, and ``predict(X)`` the rate).

        {returns_self}
        """
        lam = check_lam(self.lam)
        tol = check_tol(self.tol)
        max_iter = None if self.max_iter is None else check_positive_int(self.max_iter,
                                                                         "max_iter")
        if self.solver not in SOLVERS:
            raise ValueError(f"solver must be one of {SOLVERS}, got {self.solver!r}")
        rho = check_ratio(self.l1_ratio)
        datafit = self._datafit()
        dtype = input_dtype(X)
        X, y = check_X_y(self, X, y, y_numeric=True, dtype=np.float64)
        if sp.issparse(X):
            X = X.astype(np.float64, copy=False)
        datafit.check_target(y)
        s = check_sample_weight(sample_weight, X)
        bounds = check_bounds(self.lower_bounds, self.upper_bounds, X.shape[1])
        if rho > 0 or bounds is not None:
            return self._fit_enet(X, y, s, _check_offset(offset, X.shape[0]), lam, rho,
                                  datafit, tol, max_iter, dtype, bounds)
        obj = logistic_objective(X, y, s, lam, check_penalty_factor(self.penalty_factor,
                                                                      X.shape[1]),
                                 self.fit_intercept, self.standardize, datafit=datafit)
        off = _check_offset(offset, X.shape[0])
        obj.offset = off
        theta0 = np.zeros(obj.n_theta)
        if self.fit_intercept:                        # start at the intercept-only model
            theta0[-1] = null_intercept(y, obj.sw, datafit, off)
        res = solve_smooth(obj, theta0=theta0, solver=self.solver, tol=tol, max_iter=max_iter)
        return self._set_fitted(res.coef, res.intercept, lam, res.n_iter, res.solver, dtype)

    def _fit_enet(self, X, y, s, offset, lam, rho, datafit, tol, max_iter, dtype, bounds):
        """Elastic net / L1 or bounds (module docstring); sparse ``X`` by its CSC columns."""
        res = solve_glm_enet(X, y, s, datafit=datafit, offset=offset, lam=lam, l1_ratio=rho,
                             bounds=bounds,
                             penalty_factor=check_penalty_factor(self.penalty_factor,
                                                                 X.shape[1]),
                             fit_intercept=self.fit_intercept, standardize=self.standardize,
                             tol=tol, max_iter=max_iter or 100)
        self.kkt_ = float(res.kkt)
        return self._set_fitted(res.coef, res.intercept, lam, res.n_iter, "proximal-newton-cd",
                                dtype)

    def _set_fitted(self, coef, intercept, lam, n_iter, solver, dtype):
        self.coef_ = np.asarray(coef).reshape(-1).astype(dtype)   # float32 X: float32 out
        b = np.asarray(intercept).reshape(-1)[0]
        self.intercept_ = float(b) if dtype == np.float64 else dtype(b)
        self.lam_ = lam
        self.n_iter_ = int(n_iter)
        self.solver_ = solver
        return self

    def _summary_datafit(self, y, s):
        return self._datafit(), np.asarray(y, dtype=np.float64), s

    def _summary_offset(self, offset, n):
        return _check_offset(offset, n)

    def _eta(self, X, offset=None):
        check_is_fitted(self, "coef_")
        X = check_X(self, X, reset=False, dtype=[np.float64, np.float32])
        eta = np.asarray(X @ self.coef_).reshape(-1) + self.intercept_
        off = _check_offset(offset, X.shape[0])
        return eta if off is None else eta + off

    @fill_doc
    def predict(self, X: MatrixLike, offset: ArrayLike | None = None) -> NDArray:
        """The predicted mean ``μ = exp(Xw + b + offset)``.

        {params: X}
        offset : array-like of shape (n_samples,), optional
            As in :meth:`fit` (e.g. the log-exposure of each row).

        Returns
        -------
        mu : ndarray of shape (n_samples,)
        """
        return np.exp(self._eta(X, offset))

    @fill_doc
    def score(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """D², the fraction of the (weighted) deviance explained, as in scikit-learn's GLMs:
        ``1 − D(y, μ) / D(y, ȳ)``.

        {params: X, y, sample_weight}

        Returns
        -------
        score : float
        """
        datafit = self._datafit()
        eta = self._eta(X)
        y = np.asarray(y, dtype=np.float64)
        sw = normalized_weights(check_sample_weight(sample_weight, eta[:, None]), y.size)
        fitted = sw @ unit_deviance(datafit, y, eta)
        null = sw @ unit_deviance(datafit, y, np.full_like(eta, np.log(sw @ y)))
        return float(1.0 - fitted / null) if null > 0 else 0.0


@fill_doc
class PoissonRegressor(_GLMBase):
    __doc__ = r"""Poisson regression (log link) with an L2 penalty.

    Minimizes ``(1/S) Σ s_i (e^{η_i} − y_i η_i) + λ Σ_j f_j w_j²`` with ``η = Xw + b`` for counts
    (or rates times exposure) ``y ≥ 0``. scikit-learn's ``PoissonRegressor(alpha)`` is
    ``lam = alpha / 2`` with ``standardize=False``.

    Parameters
    ----------""" + _PARAMS + "\n" + _ATTRS + r"""

    Examples
    --------
    >>> import numpy as np; from shrinkage import PoissonRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 2))
    >>> y = rng.poisson(np.exp(0.5 + 0.8 * X[:, 0]))
    >>> model = PoissonRegressor(lam=1e-4).fit(X, y)
    >>> model.coef_.round(1) + 0.0, round(model.intercept_, 1)
    (array([0.8, 0. ]), 0.5)
    """

    _power = 1.0


@fill_doc
class GammaRegressor(_GLMBase):
    __doc__ = r"""Gamma regression (log link) with an L2 penalty.

    Minimizes ``(1/S) Σ s_i (y_i e^{−η_i} + η_i) + λ Σ_j f_j w_j²`` for ``y > 0`` (claim sizes,
    durations). scikit-learn's ``GammaRegressor(alpha)`` is ``lam = alpha / 2`` with
    ``standardize=False``.

    Parameters
    ----------""" + _PARAMS + "\n" + _ATTRS + r"""

    Examples
    --------
    >>> import numpy as np; from shrinkage import GammaRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(500, 2))
    >>> y = rng.gamma(4.0, np.exp(1.0 + 0.5 * X[:, 1]) / 4.0)
    >>> GammaRegressor(lam=1e-4).fit(X, y).coef_.round(1) + 0.0
    array([0. , 0.5])
    """

    _power = 2.0


@fill_doc
class TweedieRegressor(_GLMBase):
    __doc__ = r"""Tweedie regression of power ``p ≥ 1`` (log link) with an L2 penalty.

    ``power=1`` is Poisson, ``(1, 2)`` compound Poisson–gamma (zeros and positive amounts,
    e.g. insurance losses), ``2`` gamma, ``3`` inverse Gaussian. Above 2 the loss is not convex
    in η everywhere and Newton uses the expected curvature (Fisher scoring;
    :mod:`shrinkage.datafits`). scikit-learn's ``TweedieRegressor(power=p, alpha,
    link="log")`` is ``lam = alpha / 2`` with ``standardize=False``.

    Parameters
    ----------
    power : float, default=1.5
        The Tweedie power, 1 or above.""" + _PARAMS + "\n" + _ATTRS + r"""

    Examples
    --------
    >>> import numpy as np; from shrinkage import TweedieRegressor
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(1000, 2))
    >>> counts = rng.poisson(np.exp(-0.5 + 0.6 * X[:, 0]))
    >>> y = np.array([rng.gamma(2.0, 1.0, k).sum() for k in counts])   # zeros and amounts
    >>> TweedieRegressor(power=1.5, lam=1e-4).fit(X, y).coef_.round(1)
    array([0.6, 0. ])
    """

    def __init__(self, power: float = 1.5, *, lam: float = 0.01, l1_ratio: float = 0.0,
                 fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor: ArrayLike | None = None, lower_bounds: ArrayLike | None = None,
                 upper_bounds: ArrayLike | None = None, solver: str = "auto",
                 tol: float = 1e-8, max_iter: int | None = None,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _datafit(self):
        p = self.power
        if isinstance(p, bool) or not isinstance(p, Real) or not np.isfinite(p) or p < 1:
            raise ValueError(f"power must be a number >= 1 (1: Poisson, (1, 2): compound "
                             f"Poisson–gamma, 2: gamma, 3: inverse Gaussian), got {p!r}")
        return tweedie(float(p))
