r"""Group lasso: :class:`GroupLasso` (squared error) and :class:`GroupLassoClassifier` (logistic,
or multinomial for K > 2 classes: glmnet's grouped multinomial).

They minimize::

    (1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_g ω_g ‖w_g‖₂                     (regression)
    (1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_g ω_g ‖w_g‖₂, η_i = b + x_iᵀw  (classifier)
    (1/S) Σ s_i [logsumexp(η_i) − η_{i,y_i}] + λ Σ_g ω_g ‖W_{:,g}‖₂, η_i = b + W x_i  (K > 2)

on standardized features when ``standardize=True``, by FISTA with restarts
(:mod:`shrinkage.solvers.prox`, the penalty :class:`shrinkage.penalties.GroupL2`). Both expose
``lam_max(X, y)``, the λ above which every penalized group is zero. Both take scipy.sparse
CSR/CSC ``X`` (other sparse formats are converted to CSR) in ``fit`` and prediction without
densifying it: centring and standardization are implicit in the solver's products.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .._docs import fill_doc
from .._validation import (check_classification_y, check_lam, check_positive_int, check_ratio,
                           class_weighted,
                           check_sample_weight, check_tol, check_weighted_classes, check_X,
                           check_offset, check_X_y, store_init_args)
from ..datafits import Logistic, SoftmaxCrossEntropy, normalized_weights
from ..penalties import GroupElasticNet, GroupL2
from ..solvers.prox import solve_group_lasso
from ._base import ColumnSelection, LamMax, SupportDf, minus_offset
from ._views import LinearViews
from ._enet import SparseRegressor
from .._params import ParamHints

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, ClassWeight, MatrixLike, NDArray
    from typing_extensions import Self

__all__ = ["GroupLasso", "GroupLassoClassifier"]


def _resolve_groups(est, p):
    """Group labels and weights of a group-lasso estimator for ``p`` features."""
    groups = np.arange(p) if est.groups is None else np.asarray(est.groups)
    if groups.ndim != 1 or groups.shape[0] != p:
        raise ValueError(f"groups has shape {groups.shape} but X has {p} features; pass one "
                         "group label per feature")
    weights = np.ones(p) if est.groups is None and est.group_weights is None else est.group_weights
    return groups, weights


@fill_doc
class GroupLasso(SparseRegressor):
    r"""Linear least squares with the group L2 penalty ``λ Σ_g ω_g ‖w_g‖₂``, by FISTA.

    Whole groups of coefficients are zero or not. With ``standardize=True`` the penalty acts on
    the coefficients of the standardized features.

    Parameters
    ----------
    lam : float, default=0.01
    groups : array-like of shape (n_features,), optional
        A group label per feature; default: every feature its own group (the lasso with
        ``ω = 1``).
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g ≥ 0`` (default ``√p_g``), in the order of the sorted labels or as
        ``{label: ω}``. It plays the role of ``penalty_factor`` for groups: ``ω_g = 0`` leaves
        group ``g`` unpenalized (never zeroed; at ``λ ≥ λ_max`` it is the least-squares fit
        of ``y`` on that group and the intercept).
    fit_intercept, standardize, relax
        As in :class:`ElasticNet`.
    tol : float, default=1e-8
        Relative to the null gradient's largest group norm (:mod:`shrinkage.solvers.prox`).
    max_iter : int, default=20000
    {exclude}

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    penalized_coef_, n_nonzero_ : as in :class:`ElasticNet`
    n_groups_nonzero_ : int
    n_iter_ : int
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np; from shrinkage import GroupLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 6))
    >>> y = X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = GroupLasso(lam=0.1, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> model.n_groups_nonzero_
    1
    """

    _accepts_sparse = True

    def __init__(self, lam: float = 0.01, *, groups: ArrayLike | None = None,
                 group_weights: ArrayLike | None = None, fit_intercept: bool = True,
                 standardize: bool = True, relax: bool = False, tol: float = 1e-8,
                 max_iter: int = 20_000, exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _penalty(self, p):
        return GroupL2(1.0, *_resolve_groups(self, p))

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X, y, sample_weight, offset}

        {returns_self}
        """
        y = minus_offset(self, X, y, offset)
        lam = check_lam(self.lam)
        tol, max_iter = check_tol(self.tol), check_positive_int(self.max_iter, "max_iter")
        X, y, _, sw = self._validate(X, y, sample_weight)
        groups, weights = _resolve_groups(self, X.shape[1])
        res = solve_group_lasso(X, y, sw, lam=lam, groups=groups, group_weights=weights,
                                fit_intercept=self.fit_intercept, standardize=self.standardize,
                                tol=tol, max_iter=max_iter)
        self._finish(X, y, sw, res.coef, res.intercept)
        labels, index = np.unique(groups, return_inverse=True)
        self.n_groups_nonzero_ = int(np.unique(index[self.penalized_coef_ != 0]).size)
        self.lam_ = lam
        self.n_iter_ = res.n_iter
        return self


@fill_doc
class GroupLassoClassifier(ParamHints, ColumnSelection, LinearViews, LamMax, SupportDf,
                           ClassifierMixin, BaseEstimator):
    r"""Logistic (two classes) or multinomial (K > 2) regression with the group L2 penalty
    ``λ Σ_g ω_g ‖w_g‖₂``, by FISTA.

    Two classes: minimizes ``(1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_g ω_g ‖w_g‖₂`` with
    ``η_i = b + x_iᵀw`` and ``y_i ∈ {0, 1}`` (``classes_[1]`` is 1); whole groups of
    coefficients are zero or not. Groups of one feature with weight 1 (the default) give the
    L1-penalized logistic regression, ``LogisticRegression(lam, l1_ratio=1)``.

    K > 2 classes: the softmax cross-entropy with ``η_i = b + W x_i`` (``W`` of shape (K, p)),
    and group ``g`` holds *every class's* coefficients of its features, ``w_g = W[:, features
    of g]``: a feature is used for all classes or for none. With the default groups (one per
    feature, weight 1) this is glmnet's ``family="multinomial", type.multinomial="grouped"``
    with ``alpha=1`` at ``lam = λ_g`` (:func:`~shrinkage.convert_strength`,
    ``"glmnet-multinomial"``). Only the differences between classes are identified; the
    penalty picks the solution whose coefficients sum to zero over the classes, and the
    intercepts are centred to sum to zero too (as glmnet reports them).

    With ``standardize=True`` the penalty acts on the coefficients of the standardized features.
    The solver is :func:`~shrinkage.solvers.prox.solve_group_lasso` (``datafit="logistic"`` or
    ``"softmax_cross_entropy"``); it stops on the group subdifferential distance (the
    optimality certificate, ``kkt_``).

    Parameters
    ----------
    lam : float, default=0.01
    groups : array-like of shape (n_features,), optional
        A group label per feature; default: every feature its own group (weight 1).
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g ≥ 0`` (default ``√p_g``, ``p_g`` the number of features in the group, whatever
        the number of classes), in the order of the sorted labels or as ``{label: ω}``. It
        plays the role of ``penalty_factor`` for groups: ``ω_g = 0`` leaves group ``g``
        unpenalized (never zeroed; at ``λ ≥ λ_max`` it is the unpenalized logistic fit on that
        group and the intercept).
    fit_intercept, standardize : bool, default=True
    tol : float, default=1e-8
        Relative to the null gradient's largest group norm (:mod:`shrinkage.solvers.prox`).
    max_iter : int, default=20000
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplying ``sample_weight``: ``{label: weight}`` (classes not
        named weigh 1) or ``"balanced"`` (``S / (K · S_k)``, ``S_k`` the weight of class ``k``),
        as in scikit-learn. The fit equals the one with ``sample_weight`` times those weights.
    l1_ratio : float, default=1.0
        ``ρ`` of the group elastic net ``λ Σ_g ω_g [(1−ρ)‖w_g‖² + ρ‖w_g‖₂]``
        (:class:`~shrinkage.penalties.GroupElasticNet`): ``1`` the group lasso; with K > 2
        classes and the default groups, glmnet's grouped multinomial at ``alpha = a`` is
        ``ρ = 2a/(1+a)``, ``lam = λ_g(1+a)/2`` (``convert_strength(…, "glmnet-multinomial",
        l1_ratio=a)``).
    {exclude}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) or (n_classes, n_features)
        One row for two classes (log-odds of ``classes_[1]``), one row per class for more.
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_nonzero_, n_groups_nonzero_, n_iter_ : int
    kkt_ : float
        Largest group subdifferential distance (and ``|∂/∂b|``) at the solution, standardized
        coordinates.
    lam_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np; from shrinkage.linear_model import GroupLassoClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 6))
    >>> y = (X[:, 0] + X[:, 1] + 0.5 * rng.normal(size=200) > 0).astype(int)
    >>> clf = GroupLassoClassifier(lam=0.05, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> clf.n_groups_nonzero_, bool(clf.score(X, y) > 0.85)
    (1, True)
    >>> y3 = np.digitize(X[:, 0] - X[:, 2], [-0.7, 0.7])             # three classes
    >>> clf3 = GroupLassoClassifier(lam=0.05).fit(X, y3)
    >>> clf3.coef_.shape, np.flatnonzero(clf3.coef_.any(axis=0)).tolist()
    ((3, 6), [0, 2])
    """

    _accepts_sparse = True

    def __init__(self, lam: float = 0.01, *, groups: ArrayLike | None = None,
                 group_weights: ArrayLike | None = None, fit_intercept: bool = True,
                 standardize: bool = True, tol: float = 1e-8, max_iter: int = 20_000,
                 class_weight: ClassWeight = None, l1_ratio: float = 1.0,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _null_problem(self, X, y):
        classes, y_idx = np.unique(y, return_inverse=True)
        rho = check_ratio(self.l1_ratio)
        pen = (GroupL2(1.0, *_resolve_groups(self, X.shape[1])) if rho == 1.0 else
               GroupElasticNet(1.0, *_resolve_groups(self, X.shape[1]), l1_ratio=rho))
        return (pen, *_encoded(y_idx, classes.size))

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X}
        y : array-like of shape (n_samples,)
            The classes (numbers or strings).
        {sample_weight}
        offset : array-like of shape (n_samples,), optional
            Two classes: added to the log-odds, ``η = Xw + b + offset``; pass it again to
            ``decision_function`` / ``predict`` / ``predict_proba``.

        {returns_self}
        """
        lam, rho = check_lam(self.lam), check_ratio(self.l1_ratio)
        tol, max_iter = check_tol(self.tol), check_positive_int(self.max_iter, "max_iter")
        X, y = check_X_y(self, X, y, y_numeric=False, dtype=np.float64)
        classes, y_idx = check_classification_y(y)
        s = class_weighted(self.class_weight, classes, y_idx, check_sample_weight(sample_weight, X))
        check_weighted_classes(classes, y_idx, s)
        sw = normalized_weights(s, X.shape[0])
        groups, weights = _resolve_groups(self, X.shape[1])
        binary = classes.size == 2
        off = check_offset(offset, X.shape[0])
        if off is not None and not binary:
            raise ValueError(f"offset= is for two classes; y has {classes.size}: fit one class "
                             "against the rest with it, or drop it")
        target, datafit = _encoded(y_idx, classes.size)
        res = solve_group_lasso(X, target, sw, lam=lam, groups=groups,
                                group_weights=weights, datafit=datafit,
                                fit_intercept=self.fit_intercept, standardize=self.standardize,
                                tol=tol, max_iter=max_iter, l1_ratio=rho, offset=off)
        self.classes_ = classes
        self.coef_ = res.coef.reshape(1, -1) if binary else res.coef
        self.intercept_ = np.atleast_1d(np.asarray(res.intercept, dtype=np.float64))
        _, index = np.unique(groups, return_inverse=True)
        self.n_nonzero_ = int(np.count_nonzero(res.coef))
        self.n_groups_nonzero_ = int(np.unique(index[np.any(self.coef_ != 0, axis=0)]).size)
        self.n_iter_ = res.n_iter
        self.kkt_ = res.kkt
        self.lam_ = lam
        return self

    def decision_function(self, X: MatrixLike, offset: ArrayLike | None = None) -> NDArray:
        """Log-odds of ``classes_[1]`` (``+ offset``), shape (n_samples,); with K > 2 classes
        the linear predictors ``η``, shape (n_samples, K)."""
        check_is_fitted(self, "coef_")
        X = check_X(self, X, reset=False, dtype=np.float64)
        if self.classes_.size > 2:
            if offset is not None:
                raise ValueError("offset= is for two classes")
            return np.asarray(X @ self.coef_.T) + self.intercept_
        off = check_offset(offset, X.shape[0])
        eta = np.asarray(X @ self.coef_[0]).ravel() + self.intercept_[0]
        return eta if off is None else eta + off

    def predict(self, X: MatrixLike, offset: ArrayLike | None = None) -> NDArray:
        """Most probable class, shape (n_samples,)."""
        eta = self.decision_function(X, offset)
        if eta.ndim == 2:
            return self.classes_[np.argmax(eta, axis=1)]
        return self.classes_[(eta > 0).astype(int)]

    def predict_proba(self, X: MatrixLike, offset: ArrayLike | None = None) -> NDArray:
        """Class probabilities, shape (n_samples, n_classes), columns in the order of
        ``classes_``."""
        eta = self.decision_function(X, offset)
        return (SoftmaxCrossEntropy.probabilities(eta) if eta.ndim == 2 else
                Logistic.probabilities(eta))

    def predict_log_proba(self, X: MatrixLike, offset: ArrayLike | None = None) -> NDArray:
        """Logarithm of :meth:`predict_proba`, computed stably."""
        eta = self.decision_function(X, offset)
        return (SoftmaxCrossEntropy.log_probabilities(eta) if eta.ndim == 2 else
                Logistic.log_probabilities(eta))

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags


def _encoded(y_idx, n_classes):
    """The solver's target and datafit for class indices: ``{0, 1}`` and the logistic loss for
    two classes (``classes_[1]`` positive), one-hot and the softmax for more."""
    if n_classes == 2:
        return y_idx.astype(np.float64), "logistic"
    return np.eye(n_classes)[y_idx], "softmax_cross_entropy"

