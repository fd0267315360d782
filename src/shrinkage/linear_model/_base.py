"""What every linear estimator shares: prediction, ``lam_max``, ``effective_df``, and the
column selection of ``exclude=`` (:class:`ColumnSelection`).

``lam_max(X, y)`` is the top of a sparse path for these data and this estimator's settings: a
subclass names its penalty at ``λ = 1``, its datafit and its encoded target
(``_null_problem``), and the solvers compute the null model's gradient
(:func:`shrinkage.solvers.lam_max`). ``effective_df`` defaults to the number of non-zero
coefficients (the lasso's degrees of freedom); ridge and L2 logistic regression override it.
"""

from __future__ import annotations

import functools
from contextlib import contextmanager
from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from .._docs import fill_doc
from .._validation import check_exclude, check_offset, check_X, class_weighted
from ..solvers import lam_max as null_model_lam_max
from ..solvers.blockwise import is_dask_collection
from ._dask import DaskMethods, is_dask_input

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, MatrixLike, Prediction

__all__ = ["ColumnSelection", "LinearPredictor", "LamMax", "SupportDf", "kept_columns",
           "minus_offset"]

#: constructor parameters with one entry per feature, cut to the kept columns by ``exclude=``
_PER_FEATURE = ("penalty_factor", "lower_bounds", "upper_bounds", "groups")


@contextmanager
def kept_columns(est, X):
    """``(X_kept, keep)``: the columns of ``X`` that ``est.exclude`` keeps (glmnet's
    ``exclude``, :func:`~shrinkage._validation.check_exclude`), a DataFrame staying one with its
    names; inside the block the estimator's per-feature parameters (``penalty_factor``, bounds,
    group labels) are cut to those columns and ``exclude`` is None, so that ``fit`` (and
    anything it calls) sees the reduced problem only. ``keep`` is None without ``exclude``."""
    exclude = getattr(est, "exclude", None)
    if exclude is None:
        yield X, None
        return
    if is_dask_collection(X):
        raise TypeError("exclude= selects columns of data in memory; with a Dask collection "
                        "drop the columns first (X[:, kept] or df.drop(columns=...))")
    Xa = X if sp.issparse(X) or hasattr(X, "columns") else np.asarray(X)   # frames keep names
    if len(getattr(Xa, "shape", ())) != 2:     # not a matrix: fit's own check says so
        yield X, None
        return
    keep = check_exclude(exclude, Xa.shape[1], _feature_names(Xa))
    idx = np.flatnonzero(keep)
    Xk = Xa.iloc[:, idx] if hasattr(Xa, "iloc") else Xa[:, idx]
    saved = {k: getattr(est, k) for k in ("exclude", "group_weights") + _PER_FEATURE
             if hasattr(est, k)}
    try:
        est.exclude = None
        for k in _PER_FEATURE:
            v = saved.get(k)
            if v is not None and np.ndim(v) == 1 and len(v) == keep.size:
                setattr(est, k, np.asarray(v)[idx])
        _cut_group_weights(est, saved, keep)
        yield Xk, keep
    finally:
        for k, v in saved.items():
            setattr(est, k, v)


def _feature_names(X):
    from sklearn.utils.validation import _get_feature_names
    names = _get_feature_names(X)
    return None if names is None else list(names)


def _cut_group_weights(est, saved, keep):
    """Per-group weights (in the order of the sorted labels) of the groups that keep a column."""
    w, groups = saved.get("group_weights"), saved.get("groups")
    if w is None or groups is None or isinstance(w, dict) or np.ndim(groups) != 1 or \
            len(groups) != keep.size:
        return
    labels = np.unique(np.asarray(groups))
    if np.ndim(w) == 1 and len(w) == labels.size:
        est.group_weights = np.asarray(w)[np.isin(labels, np.asarray(groups)[keep])]


def _selecting(fit):
    """``fit`` on the columns ``exclude`` keeps, then the per-feature attributes scattered back
    to the full width with zeros (:meth:`ColumnSelection._scatter`)."""
    @functools.wraps(fit)
    def wrapper(self, X, *args, **kwargs):
        if getattr(self, "exclude", None) is None:
            return fit(self, X, *args, **kwargs)
        with kept_columns(self, X) as (Xk, keep):
            fit(self, Xk, *args, **kwargs)
        if keep is not None:
            self._scatter(keep, _feature_names(X) if hasattr(X, "columns") else None)
        return self
    wrapper._selects_columns = True
    return wrapper


class ColumnSelection:
    """``exclude=`` for every linear estimator, written once: a subclass's ``fit`` runs on the
    kept columns (:func:`kept_columns`; so λ_max, the standardization and the solver never see
    the excluded ones), then the attributes named in ``_feature_attrs`` (last axis = features)
    get zeros at the excluded columns and ``n_features_in_`` / ``feature_names_in_`` describe
    the full ``X``, so that ``predict`` takes the full ``X``."""

    _feature_attrs: tuple[str, ...] = ("coef_",)

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        fit = cls.__dict__.get("fit")
        if fit is not None and not getattr(fit, "_selects_columns", False):
            cls.fit = _selecting(fit)

    def _scatter(self, keep, names):
        for attr in self._feature_attrs:
            v = getattr(self, attr, None)
            if v is None:
                continue
            v = np.asarray(v)
            full = np.zeros(v.shape[:-1] + (keep.size,), dtype=v.dtype)
            full[..., keep] = v
            setattr(self, attr, full)
        self.n_features_in_ = int(keep.size)
        if names is not None:
            self.feature_names_in_ = np.asarray(names, dtype=object)
        elif hasattr(self, "feature_names_in_"):
            del self.feature_names_in_

    def _refuse_exclude(self, what):
        if getattr(self, "exclude", None) is not None:
            raise ValueError(f"{what} is not computed for a fit with exclude=; refit on the "
                             "kept columns (X without the excluded ones) for it")


def minus_offset(est, X, y, offset):
    """``y − offset`` (squared error: an offset is a fixed part of the prediction, so the fit
    on ``y − offset`` is the fit with the offset); ``y`` itself without one. A 2-D ``y`` takes
    the same offset in every column."""
    if offset is None:
        return y
    if is_dask_collection(X) or is_dask_collection(y):
        raise TypeError(f"{type(est).__name__} takes offset= with data in memory; on Dask "
                        "data subtract it from y first (y - offset)")
    y = np.asarray(y, dtype=np.float64)
    off = check_offset(offset, y.shape[0])
    return y - (off if y.ndim == 1 else off[:, None])


class LinearPredictor(ColumnSelection, DaskMethods):
    """``predict(X) = X wᵀ + b`` for regressors (one target or several); on a Dask array a
    Dask array, block by block, and ``score`` reduced blockwise."""

    @fill_doc
    def predict(self, X: MatrixLike, offset: ArrayLike | None = None) -> Prediction:
        """Predict ``Xw + b`` (``+ offset``).

        {params: X}
        offset : array-like of shape (n_samples,), optional
            Added to the prediction (to every target), as in ``fit``.

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        if is_dask_collection(X):
            if offset is not None:
                raise TypeError("predict takes offset= with data in memory; on Dask data add "
                                "it to the prediction")
            return self._dask_map("predict", X)
        check_is_fitted(self, "coef_")
        X = check_X(self, X, reset=False, dtype=[np.float64, np.float32])
        pred = np.asarray(X @ self.coef_.T) + self.intercept_
        off = check_offset(offset, X.shape[0])
        if off is None:
            return pred
        return (pred + (off if pred.ndim == 1 else off[:, None])).astype(pred.dtype)

    def score(self, X: MatrixLike, y: ArrayLike,
              sample_weight: ArrayLike | None = None) -> float:
        """R² of ``predict(X)`` against ``y`` (scikit-learn's; reduced blockwise on Dask
        data)."""
        if is_dask_input(X, y, sample_weight):
            return self._dask_score(X, y, sample_weight, classifier=False)
        return super().score(X, y, sample_weight)


class LamMax:
    """``lam_max`` from the subclass's ``_null_problem(X, y) -> (penalty, target, datafit)``."""

    @fill_doc
    def lam_max(self, X: MatrixLike, y: ArrayLike,
                sample_weight: ArrayLike | None = None) -> float:
        """The smallest λ at which every penalized coefficient is zero, for these data and this
        estimator's settings (``inf`` for a pure ridge penalty).

        {params: X, y, sample_weight}

        {returns_float}
        """
        with kept_columns(self, X) as (X, _):
            return self._lam_max(X, y, sample_weight)

    def _lam_max(self, X, y, sample_weight):
        X = X.astype(np.float64, copy=False) if sp.issparse(X) else \
            np.asarray(X, dtype=np.float64)
        if getattr(self, "class_weight", None) is not None:     # classifiers: class × sample
            classes, y_idx = np.unique(np.asarray(y), return_inverse=True)
            sample_weight = class_weighted(self.class_weight, classes, y_idx, sample_weight)
        penalty, target, datafit = self._null_problem(X, np.asarray(y))
        return float(null_model_lam_max(penalty, X, target, sample_weight, datafit=datafit,
                                        fit_intercept=self.fit_intercept,
                                        standardize=self.standardize))


class SupportDf:
    """``effective_df`` as the number of non-zero coefficients."""

    def effective_df(self, X: MatrixLike = None,
                     sample_weight: ArrayLike | None = None) -> float:
        """Degrees of freedom of the fit: the number of non-zero coefficients (the lasso's
        unbiased estimate, Zou, Hastie & Tibshirani 2007)."""
        check_is_fitted(self, "coef_")
        return float(np.count_nonzero(self.coef_))
