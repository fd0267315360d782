r"""Multi-task regression: :class:`MultiTaskElasticNet` and :class:`MultiTaskLasso`.

``t`` targets share one support. With ``Y`` of shape (n, t) and ``W`` of shape (t, p) (the
layout of ``coef_``), they minimize::

    (1/S) Σ_i s_i ‖y_i − b − W x_i‖² + λ Σ_j f_j [(1−ρ)‖W_{:,j}‖² + ρ‖W_{:,j}‖₂]

the objective of :mod:`shrinkage.conventions` with the squared error summed over targets and the
elastic net's ``|w_j|`` replaced by the norm of feature ``j``'s coefficients across the targets:
a feature is selected for every target or for none. It is scikit-learn's ``MultiTaskElasticNet``
(``lam = alpha (1 + r)``, ``l1_ratio = 2r/(1 + r)``, as for ``ElasticNet``) and glmnet's
``family="mgaussian"`` (``lam = λ_g (1 + a)``, ``l1_ratio = 2a/(1 + a)``: unlike its gaussian
family, mgaussian does not rescale ``y``), both with ``standardize=False`` /
``standardize=TRUE`` as here (:func:`~shrinkage.convert_strength`, ``"glmnet-mgaussian"``).
glmnet's ``standardize.response=TRUE`` is this fit on ``y_k / sd(y_k)`` with the coefficients
multiplied back by ``sd(y_k)``.

The penalty is :class:`~shrinkage.penalties.GroupElasticNet` with one group per feature and
weights ``f_j``; the solver is FISTA (:func:`~shrinkage.solvers.prox.solve_group_lasso`), which
stops on the group subdifferential distance (``kkt_``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from typing_extensions import Self

    from .._typing import ArrayLike, MatrixLike

import numpy as np
from sklearn.base import BaseEstimator, RegressorMixin

from .._docs import fill_doc
from .._params import ParamHints
from .._validation import (check_lam, check_penalty_factor, check_positive_int, check_ratio, check_sample_weight,
                           check_tol, check_X_y, store_init_args)
from ..datafits import normalized_weights
from ..penalties import GroupElasticNet
from ..solvers.prox import solve_group_lasso
from ._base import LamMax, LinearPredictor, SupportDf, minus_offset

__all__ = ["MultiTaskElasticNet", "MultiTaskLasso", "check_targets"]


def check_targets(est, X, y):
    """``check_X_y`` for a multi-task model: ``y`` of shape (n_samples, n_targets), and two
    rows at least with an intercept."""
    X, y = check_X_y(est, X, y, multi_output=True, y_numeric=True, dtype=np.float64)
    if y.ndim != 2:
        name = type(est).__name__
        raise ValueError(f"{name} takes y of shape (n_samples, n_targets), got shape {y.shape}; "
                         f"for one target use {name.replace('MultiTask', '')}, or pass "
                         "y.reshape(-1, 1)")
    if X.shape[0] < 2 and est.fit_intercept:
        raise ValueError(f"a model with an intercept needs at least 2 samples, got "
                         f"n_samples={X.shape[0]}; add rows or set fit_intercept=False")
    return X, y


@fill_doc
class MultiTaskElasticNet(ParamHints, LamMax, SupportDf, LinearPredictor, RegressorMixin,
                          BaseEstimator):
    r"""Multi-task least squares with the row-group elastic net, by FISTA.

    Minimizes ``(1/S) Σ_i s_i ‖y_i − b − W x_i‖² + λ Σ_j f_j [(1−ρ)‖W_{:,j}‖² +
    ρ‖W_{:,j}‖₂]`` (module docstring): each feature is kept for every target or for none.
    scikit-learn's ``MultiTaskElasticNet(alpha, l1_ratio=r)`` is ``lam = alpha (1 + r)``,
    ``l1_ratio = 2r/(1 + r)`` with ``standardize=False``; glmnet's ``family="mgaussian"`` is
    ``lam = λ_g (1 + a)``, ``l1_ratio = 2a/(1 + a)``.

    Parameters
    ----------
    lam : float, default=0.01
        Strength ``λ ≥ 0``.
    l1_ratio : float, default=0.5
        ``ρ ∈ [0, 1]``: 1 is the multi-task lasso, 0 ridge on every target.
    {linear_settings}
    tol : float, default=1e-8
        Relative to the null gradient's largest feature norm (:mod:`shrinkage.solvers.prox`).
    max_iter : int, default=20000
    {exclude}

    Attributes
    ----------
    coef_ : ndarray of shape (n_targets, n_features)
    intercept_ : ndarray of shape (n_targets,)
    n_nonzero_ : int
        Non-zero coefficients (``n_targets`` times the selected features).
    n_features_nonzero_ : int
        Features selected (columns of ``coef_`` that are not zero).
    lam_, lam_max_ : float
        The strength used, and the smallest λ at which every penalized feature is zero.
    kkt_ : float
        Largest group subdifferential distance at the solution (standardized coordinates).
    n_iter_ : int
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np; from shrinkage import MultiTaskElasticNet
    >>> X, E = np.split(np.random.default_rng(0).normal(size=(100, 7)), [5], axis=1)
    >>> Y = np.column_stack([X[:, 0] + X[:, 1], 2 * X[:, 0]]) + 0.1 * E
    >>> model = MultiTaskElasticNet(lam=0.1, l1_ratio=0.9).fit(X, Y)
    >>> model.coef_.shape, model.n_features_nonzero_
    ((2, 5), 2)
    >>> model.predict(X[:2]).shape
    (2, 2)
    """

    _accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        tags.target_tags.multi_output = True
        tags.target_tags.single_output = False
        return tags

    def __init__(self, lam: float = 0.01, *, l1_ratio: float = 0.5, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 tol: float = 1e-8, max_iter: int = 20_000, exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _rho(self):
        return check_ratio(self.l1_ratio)

    def _penalty(self, p):
        f = check_penalty_factor(self.penalty_factor, p)
        return GroupElasticNet(1.0, np.arange(p), np.ones(p) if f is None else f,
                               l1_ratio=self._rho())

    def _null_problem(self, X, y):
        Y = np.asarray(y, dtype=np.float64)
        return self._penalty(X.shape[1]), Y.reshape(Y.shape[0], -1), "squared_error"

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X}
        y : array-like of shape (n_samples, n_targets)
        {sample_weight}
        offset : array-like of shape (n_samples,), optional
            A fixed part of every target's prediction: the fit of ``y − offset`` (each
            column); pass it again to ``predict``.

        {returns_self}
        """
        y = minus_offset(self, X, y, offset)
        lam, rho = check_lam(self.lam), self._rho()
        tol, max_iter = check_tol(self.tol), check_positive_int(self.max_iter, "max_iter")
        X, y = check_targets(self, X, y)
        sw = normalized_weights(check_sample_weight(sample_weight, X), X.shape[0])
        pen = self._penalty(X.shape[1])
        res = solve_group_lasso(X, y, sw, lam=lam, groups=pen.groups,
                                group_weights=pen.group_weights, l1_ratio=rho,
                                fit_intercept=self.fit_intercept, standardize=self.standardize,
                                tol=tol, max_iter=max_iter)
        self.coef_ = res.coef
        self.intercept_ = np.asarray(res.intercept, dtype=np.float64)
        self.n_nonzero_ = int(np.count_nonzero(res.coef))
        self.n_features_nonzero_ = int(np.count_nonzero(np.any(res.coef != 0, axis=0)))
        self.lam_ = lam
        self.lam_max_ = self.lam_max(X, y, sw)
        self.kkt_ = float(res.kkt)
        self.n_iter_ = int(res.n_iter)
        return self


class MultiTaskLasso(MultiTaskElasticNet):
    r"""Multi-task least squares with the row-group lasso ``λ Σ_j f_j ‖W_{:,j}‖₂``:
    :class:`MultiTaskElasticNet` with ``l1_ratio=1``.

    scikit-learn's ``MultiTaskLasso(alpha)`` is ``lam = 2 alpha`` with ``standardize=False``;
    glmnet's ``family="mgaussian"`` with ``alpha=1`` is ``lam = 2 λ_g``.

    Parameters
    ----------
    lam : float, default=0.01
    fit_intercept, standardize, penalty_factor, tol, max_iter, exclude
        As in :class:`MultiTaskElasticNet`.

    Attributes
    ----------
    coef_, intercept_, n_nonzero_, n_features_nonzero_, lam_, lam_max_, kkt_, n_iter_
        As in :class:`MultiTaskElasticNet`.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np; from shrinkage import MultiTaskLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 5))
    >>> Y = np.column_stack([X[:, 0] + X[:, 1], 2 * X[:, 0]]) + 0.1 * rng.normal(size=(100, 2))
    >>> model = MultiTaskLasso(lam=0.2).fit(X, Y)
    >>> np.flatnonzero(model.coef_.any(axis=0)).tolist()
    [0, 1]
    """

    def __init__(self, lam: float = 0.01, *, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 tol: float = 1e-8, max_iter: int = 20_000, exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _rho(self):
        return 1.0
