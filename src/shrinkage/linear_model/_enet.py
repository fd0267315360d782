r"""Sparse linear regression: :class:`ElasticNet` and :class:`Lasso` (their CV is
:mod:`~shrinkage.linear_model._enet_cv`, the group lasso :mod:`~shrinkage.linear_model._group`).

All minimize the objective of :mod:`shrinkage.conventions` with squared error (no ½, a mean over
samples)::

    (1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]      (elastic net)
    (1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_g ω_g ‖w_g‖₂                     (group lasso)
    (1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_g ω_g ‖w_g‖₂, η_i = b + x_iᵀw  (classifier)

on standardized features when ``standardize=True``. scikit-learn's ``ElasticNet(alpha,
l1_ratio=r)`` is ``lam = alpha (1 + r)``, ``l1_ratio = 2r/(1 + r)``, and ``Lasso(alpha)`` is
``lam = 2 alpha`` (:func:`~shrinkage.convert_strength`). The solvers are in
:mod:`shrinkage.solvers.cd` (coordinate descent) and :mod:`shrinkage.solvers.prox` (FISTA); every
sparse estimator exposes ``lam_max(X, y)`` (the top of its path) and ``effective_df()`` (the
number of non-zero coefficients, the lasso's degrees of freedom).

Relaxed fit (``relax=True`` or ``relax=γ``)
-------------------------------------------
As glmnet's ``relax=TRUE``: with ``A = {j : ŵ_j ≠ 0}`` the support of the penalized solution,
the *relaxed* coefficients are the unpenalized weighted least-squares fit on the features in
``A`` (with the intercept), ``argmin_{w: w_j = 0, j ∉ A} (1/S) Σ s_i (y_i − b − x_iᵀw)²``
(the minimum-norm one when ``X_A`` is rank deficient); features outside ``A`` stay at zero.
``relax=γ`` (a float in [0, 1], glmnet's ``gamma`` of ``coef(fit, s, gamma=γ)``) reports the
mixture ``γ · penalized + (1 − γ) · relaxed`` of coefficients and intercepts: ``γ = 1`` is the
penalized fit, ``γ = 0`` the fully relaxed one, which is what ``relax=True`` means (and
``relax=False`` is ``γ = 1``). The penalized coefficients remain in ``penalized_coef_``. In
:class:`ElasticNetCV` each fold is relaxed the same way, so the λ chosen is the best λ *for the
relaxed model*.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin, clone

from .._docs import fill_doc
from .._validation import (check_bounds, check_lam, check_penalty_factor, check_positive_int,
                           check_ratio,
                           check_sample_weight, check_tol, check_X_y, input_dtype,
                           store_init_args)
from ..datafits import SquaredError, normalized_weights
from ..penalties import ElasticNet as ENPenalty
from ..solvers.null import least_squares_on
from ._base import LamMax, LinearPredictor, SupportDf, minus_offset
from ._views import LinearViews
from ..solvers.cd import enet_path, make_problem
from ._dask import fit_enet, is_dask_input
from ..solvers.prox_newton import solve_glm_enet
from .._params import ParamHints

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, MatrixLike
    from typing_extensions import Self

__all__ = ["Lasso", "ElasticNet", "relaxed_fit", "relax_gamma", "relaxed_mixture",
           "SparseRegressor"]


def relax_gamma(relax) -> float:
    """glmnet's ``gamma`` of a ``relax`` setting (module docstring): ``False`` → 1 (the
    penalized fit), ``True`` → 0 (fully relaxed), a float γ in [0, 1] → γ."""
    if isinstance(relax, (bool, np.bool_)):
        return 0.0 if relax else 1.0
    if isinstance(relax, (Integral, np.integer)):
        raise ValueError(f"relax={relax!r} is ambiguous: pass relax=True (fully relaxed, "
                         "glmnet's gamma=0) or False, or glmnet's gamma as a float "
                         "(relax=1.0 is the penalized fit, relax=0.0 the relaxed one)")
    if not isinstance(relax, (Real, np.floating)) or not 0.0 <= relax <= 1.0:
        raise ValueError(f"relax must be True, False or a number in [0, 1] (glmnet's gamma: "
                         f"γ·penalized + (1−γ)·relaxed), got {relax!r}")
    return float(relax)


def relaxed_mixture(X, y, sw, coef, intercept, fit_intercept, gamma):
    """``γ · (coef, intercept) + (1 − γ) · relaxed_fit(...)`` (module docstring); the
    penalized fit itself when ``γ = 1``."""
    if gamma == 1.0:
        return coef, intercept
    rc, rb = relaxed_fit(X, y, sw, coef, fit_intercept)
    if gamma == 0.0:
        return rc, rb
    return gamma * coef + (1.0 - gamma) * rc, gamma * intercept + (1.0 - gamma) * rb


@fill_doc
def relaxed_fit(X, y, sw, coef, fit_intercept):
    """Unpenalized weighted least squares on the support of ``coef`` (module docstring).

    {params: X_y_sw_arrays}
    coef : ndarray of shape (n_features,)
    fit_intercept : bool

    Returns
    -------
    coef : ndarray of shape (n_features,)
    intercept : float
    """
    support = np.flatnonzero(coef)
    out = np.zeros_like(coef)
    XS = X[:, support]                  # the support's columns (dense also for sparse X)
    XS = XS.toarray() if sp.issparse(XS) else XS
    mx = sw @ XS if fit_intercept else np.zeros(support.size)
    my = float(sw @ y) if fit_intercept else 0.0
    out[support] = least_squares_on(XS, y - my, sw, np.arange(support.size), mx)
    return out, my - float(mx @ out[support])


class SparseRegressor(ParamHints, LinearViews, LamMax, SupportDf, LinearPredictor, RegressorMixin,
                      BaseEstimator):
    """Input handling shared by the sparse regressors (a subclass gives its penalty at
    ``λ = 1`` through ``_penalty``). Where ``_accepts_sparse``, ``X`` may be scipy sparse, of
    any width (coordinate descent on its CSC columns, or on its Gram moments where
    :func:`~shrinkage.solvers.cd.sparse_route` says that pays)."""

    _accepts_sparse = False        # ElasticNet and Lasso say True (ElasticNetCV: not yet)
    _feature_attrs: tuple[str, ...] = ("coef_", "penalized_coef_")  # zeros where excluded

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = self._accepts_sparse
        return tags

    def _validate(self, X, y, sample_weight):
        X, y = check_X_y(self, X, y, multi_output=False, y_numeric=True, dtype=np.float64)
        if X.shape[0] < 2 and self.fit_intercept:
            raise ValueError(f"a model with an intercept needs at least 2 samples, got "
                             f"n_samples={X.shape[0]}; add rows or set fit_intercept=False")
        sw = check_sample_weight(sample_weight, X)
        return X, y, sw, normalized_weights(sw, X.shape[0])

    def _penalty_factor(self, p):
        return check_penalty_factor(getattr(self, "penalty_factor", None), p)

    def _penalty(self, p):
        return ENPenalty(1.0, self._rho(), self._penalty_factor(p))

    def _null_problem(self, X, y):
        return self._penalty(X.shape[1]), y.astype(np.float64), "squared_error"

    def _finish(self, X, y, sw_norm, coef, intercept, dtype=np.float64):
        self.penalized_coef_ = coef
        coef, intercept = relaxed_mixture(X, y, sw_norm, coef, intercept, self.fit_intercept,
                                          relax_gamma(self.relax))
        self.coef_ = np.asarray(coef).astype(dtype)          # float32 X: float32 out
        self.intercept_ = float(intercept) if dtype == np.float64 else dtype(intercept)
        self.n_nonzero_ = int(np.count_nonzero(coef))


@fill_doc
class ElasticNet(SparseRegressor):
    r"""Linear least squares with the elastic-net penalty, by coordinate descent.

    Minimizes ``(1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j [(1−ρ)w_j² + ρ|w_j|]``
    (:mod:`shrinkage.conventions`). scikit-learn's ``ElasticNet(alpha, l1_ratio=r)`` is
    ``lam = alpha (1 + r)``, ``l1_ratio = 2r/(1 + r)`` with ``standardize=False``.

    ``X`` may be a scipy sparse matrix (CSR, CSC, or a sparse array) of any width: it is never
    densified nor modified. Coordinate descent then runs on its CSC columns (a CSC copy is
    made from CSR, the one copy of ``X``) with the column means and scales entering each
    update (:mod:`shrinkage.solvers._cd_sparse`), or, where the Gram matrix pays for itself
    (:func:`~shrinkage.solvers.cd.sparse_route`: narrow and dense-ish data, many λ), on the
    sparse Gram moments. The coefficients are those of the dense fit, ``standardize`` and
    sample weights included.

    Parameters
    ----------
    lam : float, default=0.01
        Strength ``λ ≥ 0``.
    l1_ratio : float, default=0.5
        ``ρ ∈ [0, 1]``: 1 is the lasso, 0 ridge.
    {linear_settings}
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ w_j ≤ upper_j`` on the coefficients (original scale;
        ``lower ≤ 0 ≤ upper``, ``±inf`` for none), glmnet's ``lower.limits`` /
        ``upper.limits``: e.g. ``lower_bounds=0`` for non-negative coefficients. Solved by
        proximal Newton with projected coordinate descent
        (:func:`~shrinkage.solvers.prox_newton.solve_glm_enet` with the squared error; dense or
        sparse ``X``), whose certificate includes the box's normal cone; ``relax`` is then refused.
    relax : bool or float, default=False
        ``True``: report the relaxed fit (unpenalized refit on the selected support); a float
        γ in [0, 1]: glmnet's mixture ``γ · penalized + (1 − γ) · relaxed`` (``coef(fit, s,
        gamma=γ)`` of ``glmnet(relax=TRUE)``; ``True`` is γ = 0, ``False`` γ = 1; module
        docstring).
    tol : float, default=1e-4
        Stop when every coordinate's subdifferential distance (its optimality residual, in
        gradient units of the standardized problem) is at most ``tol`` times the null
        gradient's largest entry ``max_j |2 x̃_jᵀ(sw ⊙ ỹ)|`` (:mod:`shrinkage.solvers.cd`;
        the units of ``y`` cancel). A coordinate update then changes the objective by at most
        about ``(tol · max_j |corr(x_j, y)|)²`` of the null model's datafit, which is what
        glmnet's ``thresh`` bounds (its default 1e-7). Measured on a correlated design
        (``benchmarks/results/defaults_enet.md``): at ``tol = 1e-4`` the coefficients are
        within 6e-3 (relative, worst λ of the path) of the ``tol = 1e-12`` solution, glmnet's
        default within 1.4e-1; the duality gap is reported by
        :func:`~shrinkage.solvers.cd.enet_path`.
    max_iter : int, default=10000
        Most coordinate-descent passes.
    {exclude}

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        A 2-D ``y`` (n_samples, n_targets) is fitted column by column, independently (as
        scikit-learn's ``Lasso``; :class:`~shrinkage.MultiTaskElasticNet` shares the support
        instead); ``intercept_``, ``lam_max_`` and ``n_iter_`` then hold one value per target.
    intercept_ : float or ndarray of shape (n_targets,)
    penalized_coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
        The penalized solution (equal to ``coef_`` unless ``relax``).
    n_nonzero_ : int
    lam_max_ : float or ndarray of shape (n_targets,)
        The smallest λ at which every penalized coefficient is zero (``inf`` for ``ρ = 0``).
    n_iter_ : int or ndarray of shape (n_targets,)
        Coordinate-descent passes.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np; from shrinkage import ElasticNet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 5))
    >>> y = 3 * X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = ElasticNet(lam=0.5, l1_ratio=0.5).fit(X, y)
    >>> model.coef_.round(2)
    array([ 2.25, -1.46,  0.  , -0.02,  0.  ])

    Sparse input, here 200 × 5000 at 5 % (coordinate descent on the CSC columns):

    >>> import scipy.sparse as sp
    >>> Xs = sp.random(200, 5000, density=0.05, format="csr", random_state=0)
    >>> ys = Xs[:, :3] @ np.array([3.0, -2.0, 2.0]) + 0.01 * rng.normal(size=200)
    >>> sparse_model = ElasticNet(lam=0.02, l1_ratio=0.9).fit(Xs, ys)
    >>> sparse_model.n_nonzero_, sparse_model.coef_[:3].round(2)
    (3, array([ 2.91, -1.92,  1.93]))
    """

    _accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags

    def __init__(self, lam: float = 0.01, *, l1_ratio: float = 0.5, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 lower_bounds: ArrayLike | None = None, upper_bounds: ArrayLike | None = None,
                 relax: bool | float = False, tol: float = 1e-4,
                 max_iter: int = 10_000,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _rho(self):
        return check_ratio(self.l1_ratio)

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X, y_targets, sample_weight, offset}

        {returns_self}
        """
        y = minus_offset(self, X, y, offset)
        lam, rho = check_lam(self.lam), self._rho()
        tol, max_iter = check_tol(self.tol), check_positive_int(self.max_iter, "max_iter")
        if is_dask_input(X, y, sample_weight):         # covariance mode on the reduced Gram
            return fit_enet(self, X, y, sample_weight, lam, rho, tol, max_iter)
        if np.asarray(y).ndim == 2:          # asarray: also objects that refuse np.ndim
            return self._fit_targets(X, y, sample_weight)
        dtype = input_dtype(X)
        X, y, _, sw = self._validate(X, y, sample_weight)
        f = self._penalty_factor(X.shape[1])
        bounds = check_bounds(self.lower_bounds, self.upper_bounds, X.shape[1])
        if bounds is not None:
            return self._fit_bounded(X, y, sw, f, lam, rho, tol, max_iter, bounds, dtype)
        prob = make_problem(X, y, sw, fit_intercept=self.fit_intercept,
                            standardize=self.standardize)
        # the null gradient is −2q when every coefficient is penalized (no second pass over X)
        self.lam_max_ = (float(self._penalty(X.shape[1]).lam_max(-2.0 * prob.q))
                         if f is None or np.all(f > 0)
                         else self.lam_max(X, y, sw))
        path = enet_path(prob, [lam], l1_ratio=rho, penalty_factor=f, tol=tol, max_iter=max_iter)
        coef, intercept = prob.to_original(path.beta[0])
        self._finish(X, y, sw, coef, intercept, dtype)
        self.lam_ = lam
        self.n_iter_ = int(path.n_iter[0])
        return self

    def _fit_targets(self, X, Y, sample_weight):
        """2-D ``y``: one independent fit per column (scikit-learn's ``Lasso`` with 2-D ``y``);
        ``coef_`` (n_targets, n_features), ``intercept_`` and ``lam_max_`` (n_targets,),
        ``n_iter_`` one count per target."""
        X, Y = check_X_y(self, X, Y, multi_output=True, y_numeric=True,
                         dtype=[np.float64, np.float32])
        fits = [clone(self).fit(X, Y[:, k], sample_weight) for k in range(Y.shape[1])]
        for name in ("coef_", "penalized_coef_", "intercept_", "lam_max_", "n_iter_", "kkt_"):
            if hasattr(fits[0], name):
                setattr(self, name, np.array([getattr(m, name) for m in fits]))
        self.n_nonzero_ = int(np.count_nonzero(self.coef_))
        self.lam_ = fits[0].lam_
        return self

    def _fit_bounded(self, X, y, sw, f, lam, rho, tol, max_iter, bounds, dtype):
        """Box-constrained fit (``lower_bounds`` / ``upper_bounds``; sparse ``X`` by its CSC
        columns)."""
        if relax_gamma(self.relax) < 1.0:
            raise ValueError("relax refits without the penalty and would ignore the bounds; "
                             "use relax=False with lower_bounds / upper_bounds")
        res = solve_glm_enet(X, y, sw, datafit=SquaredError(), lam=lam, l1_ratio=rho,
                             penalty_factor=f, fit_intercept=self.fit_intercept,
                             standardize=self.standardize, tol=tol, max_iter=max_iter,
                             bounds=bounds)
        self.lam_max_ = self.lam_max(X, y, sw)
        self._finish(X, y, sw, res.coef, res.intercept, dtype)
        self.lam_ = lam
        self.n_iter_ = int(res.n_iter)
        self.kkt_ = float(res.kkt)
        return self


@fill_doc
class Lasso(ElasticNet):
    r"""Linear least squares with the L1 penalty: :class:`ElasticNet` with ``l1_ratio=1``.

    Minimizes ``(1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j |w_j|``. scikit-learn's
    ``Lasso(alpha)`` is ``lam = 2 alpha`` with ``standardize=False`` (its loss carries a ½).

    Parameters
    ----------
    lam : float, default=0.01
    fit_intercept, standardize, penalty_factor, lower_bounds, upper_bounds, relax, tol, max_iter
        As in :class:`ElasticNet`.
    {exclude}

    Attributes
    ----------
    coef_, intercept_, penalized_coef_, n_nonzero_, lam_max_, n_iter_, n_features_in_
        As in :class:`ElasticNet`.

    Examples
    --------
    >>> import numpy as np; from shrinkage import Lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 5))
    >>> y = 3 * X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = Lasso(lam=0.5, relax=True).fit(X, y)
    >>> model.n_nonzero_, model.coef_.round(2)
    (2, array([ 2.99, -1.99,  0.  ,  0.  ,  0.  ]))
    """

    def __init__(self, lam: float = 0.01, *, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 lower_bounds: ArrayLike | None = None, upper_bounds: ArrayLike | None = None,
                 relax: bool | float = False, tol: float = 1e-4, max_iter: int = 10_000,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _rho(self):
        return 1.0
