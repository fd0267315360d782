"""``summary(X, y)``: the coefficient table of a fitted linear model or GLM (statsmodels-like).

The standard errors come from :func:`shrinkage.solvers.inference.coefficient_covariance`
(whose docstring has the formulas and their caveats): maximum likelihood at ``λ = 0``, the
Gaussian-prior posterior for ``λ > 0`` by default, or the sandwich on request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from scipy import stats
from sklearn.utils.validation import check_is_fitted

from .._optional import require
from .._validation import check_sample_weight, check_X
from ..solvers.inference import coefficient_covariance
from ..standardization import column_stats
from ..datafits import normalized_weights

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    import pandas as pd

    from .._typing import ArrayLike, MatrixLike

__all__ = ["CoefficientSummary"]

_CAVEAT = {
    "mle": "maximum likelihood (λ = 0): the usual standard errors",
    "bayes": ("posterior of the Gaussian prior that λ‖w‖² encodes: exact for that prior; the "
              "estimates are shrunk, so these are not frequentist intervals around the truth"),
    "sandwich": ("sandwich (HC0) of the penalized estimator: its spread around its own shrunk "
                 "target, robust to a wrong variance function; not centred on the truth"),
}


class CoefficientSummary:
    """Mixin: ``summary`` for an estimator with ``coef_``, ``intercept_``, ``lam_`` and a
    ``_summary_datafit(y, s) -> (datafit, encoded y, weights)``."""

    def _summary_offset(self, offset, n):
        if offset is not None:
            raise TypeError(f"{type(self).__name__} takes no offset")
        return None

    def summary(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None, *,
                offset: ArrayLike | None = None, method: str = "auto",
                level: float = 0.95) -> pd.DataFrame:
        """The coefficient table: estimate, standard error, z (t for a Gaussian fit at λ = 0),
        p-value and confidence interval, one row per coefficient (the intercept first).

        Parameters
        ----------
        X, y, sample_weight, offset
            The data the model was fitted on (a model does not keep its data); ``offset`` only
            for the GLMs fitted with one.
        method : {"auto", "mle", "bayes", "sandwich"}, default="auto"
            ``"auto"`` is ``"mle"`` at ``λ = 0`` and ``"bayes"`` otherwise
            (:mod:`shrinkage.solvers.inference`).
        level : float, default=0.95
            Confidence level of the intervals.

        Returns
        -------
        pandas.DataFrame
            Columns ``coef``, ``std_err``, ``z`` (or ``t``), ``p_value``, ``ci_low``,
            ``ci_high``; ``.attrs["method"]`` says how the errors were computed and what they
            mean.
        """
        pd = require("pandas", "summary()", extra="pandas")
        check_is_fitted(self, "coef_")
        self._refuse_exclude("summary")
        if not (0.0 < level < 1.0):
            raise ValueError(f"level must be in (0, 1), got {level!r}")
        coef = np.asarray(self.coef_, dtype=np.float64)
        if coef.ndim != 1 and coef.shape[0] != 1:
            raise ValueError(f"summary covers one linear predictor; this {type(self).__name__} "
                             f"has {coef.shape[0]} (multinomial or several targets): fit one "
                             "target or two classes")
        if getattr(self, "lower_bounds", None) is not None or \
                getattr(self, "upper_bounds", None) is not None:
            raise ValueError("summary is for unconstrained fits: with lower_bounds / "
                             "upper_bounds a coefficient at its bound has no Gaussian "
                             "sampling distribution; refit without bounds for the table")
        if getattr(self, "l1_ratio", 0) not in (0, 0.0, None):
            raise ValueError("summary is for L2 fits: after an L1 penalty selected the features, "
                             "the usual standard errors do not hold (post-selection inference)")
        coef = coef.reshape(-1)
        Xc = check_X(self, X, reset=False, dtype=np.float64)
        s = check_sample_weight(sample_weight, Xc)
        datafit, target, s = self._summary_datafit(np.asarray(y), s)
        lam = float(np.atleast_1d(self.lam_)[0])
        f = getattr(self, "penalty_factor", None)
        f = np.ones(coef.size) if f is None else np.asarray(f, dtype=np.float64)
        if getattr(self, "standardize", False):
            _, sd = column_stats(Xc, normalized_weights(s, Xc.shape[0]), self.fit_intercept,
                                 True)
            f = f * np.asarray(sd) ** 2
        if method == "auto":
            method = "mle" if lam == 0 else "bayes"
        intercept = float(np.atleast_1d(self.intercept_)[0]) if self.fit_intercept else 0.0
        cov, dof = coefficient_covariance(Xc, target, coef, intercept, datafit, lam=lam,
                                          penalty_factor=f, sample_weight=s,
                                          fit_intercept=self.fit_intercept, method=method,
                                          offset=self._summary_offset(offset, Xc.shape[0]))
        est = np.r_[intercept, coef] if self.fit_intercept else coef
        se = np.sqrt(np.maximum(np.diag(cov), 0.0))
        use_t = method == "mle" and datafit.name == "squared_error"
        dist = stats.t(dof) if use_t else stats.norm()
        stat = np.divide(est, se, out=np.full_like(est, np.nan), where=se > 0)
        p = 2 * dist.sf(np.abs(stat))
        q = dist.ppf(0.5 + level / 2)
        names = list(getattr(self, "feature_names_in_", [f"x{j}" for j in range(coef.size)]))
        index = (["intercept"] if self.fit_intercept else []) + [str(v) for v in names]
        table = pd.DataFrame({"coef": est, "std_err": se, "t" if use_t else "z": stat,
                              "p_value": p, "ci_low": est - q * se, "ci_high": est + q * se},
                             index=index)
        table.attrs["method"] = f"{method}: {_CAVEAT[method]}"
        return table
