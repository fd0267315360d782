"""What every linear estimator shares: prediction, ``lam_max`` and ``effective_df``.

``lam_max(X, y)`` is the top of a sparse path for these data and this estimator's settings: a
subclass names its penalty at ``λ = 1``, its datafit and its encoded target
(``_null_problem``), and the solvers compute the null model's gradient
(:func:`shrinkage.solvers.lam_max`). ``effective_df`` defaults to the number of non-zero
coefficients (the lasso's degrees of freedom); ridge and L2 logistic regression override it.
"""

from __future__ import annotations

import numpy as np
import scipy.sparse as sp
from sklearn.utils.validation import check_is_fitted

from .._docs import fill_doc
from .._validation import check_X, class_weighted
from ..solvers import lam_max as null_model_lam_max
from ..solvers.blockwise import is_dask_collection
from ._dask import DaskMethods, is_dask_input

__all__ = ["LinearPredictor", "LamMax", "SupportDf"]


class LinearPredictor(DaskMethods):
    """``predict(X) = X wᵀ + b`` for regressors (one target or several); on a Dask array a
    Dask array, block by block, and ``score`` reduced blockwise."""

    @fill_doc
    def predict(self, X):
        """Predict ``Xw + b``.

        {params: X}

        Returns
        -------
        y_pred : ndarray of shape (n_samples,) or (n_samples, n_targets)
        """
        if is_dask_collection(X):
            return self._dask_map("predict", X)
        check_is_fitted(self, "coef_")
        X = check_X(self, X, reset=False, dtype=[np.float64, np.float32])
        return np.asarray(X @ self.coef_.T) + self.intercept_

    def score(self, X, y, sample_weight=None):
        """R² of ``predict(X)`` against ``y`` (scikit-learn's; reduced blockwise on Dask
        data)."""
        if is_dask_input(X, y, sample_weight):
            return self._dask_score(X, y, sample_weight, classifier=False)
        return super().score(X, y, sample_weight)


class LamMax:
    """``lam_max`` from the subclass's ``_null_problem(X, y) -> (penalty, target, datafit)``."""

    @fill_doc
    def lam_max(self, X, y, sample_weight=None) -> float:
        """The smallest λ at which every penalized coefficient is zero, for these data and this
        estimator's settings (``inf`` for a pure ridge penalty).

        {params: X, y, sample_weight}

        {returns_float}
        """
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

    def effective_df(self, X=None, sample_weight=None) -> float:
        """Degrees of freedom of the fit: the number of non-zero coefficients (the lasso's
        unbiased estimate, Zou, Hastie & Tibshirani 2007)."""
        check_is_fitted(self, "coef_")
        return float(np.count_nonzero(self.coef_))
