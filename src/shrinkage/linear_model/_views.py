"""What the diagnostics and the figures read from a linear model, and its ``.plot()``.

:mod:`shrinkage.diagnostics` reaches an estimator through the methods here (the one-λ form of a
CV estimator, the lasso's whole path over a grid), never through the classes, so that it
imports nothing of ``linear_model``; ``.plot()`` may then import :mod:`shrinkage.plots` (which
imports the diagnostics) on first use without an import circle (tests/test_architecture.py).
Nothing here is imported before ``.plot()`` is called: ``from shrinkage import Lasso`` loads no
matplotlib.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:                      # names for the annotations only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["LinearViews"]

#: ``.plot(kind="path")`` of a model without a CV grid: this many λ from ``lam_max`` down
_PATH_LAMS, _PATH_RANGE = 50, 1e-3


class LinearViews:
    """``plot()`` and the hooks that :mod:`shrinkage.diagnostics` reads."""

    def _one_lam_estimator(self):
        """The one-λ estimator with this one's fitting settings (``RidgeCV`` → ``Ridge``, ...),
        or ``self`` (:func:`~shrinkage.linear_model.single_lam_estimator`)."""
        from . import single_lam_estimator
        return single_lam_estimator(self)

    def _coef_path(self, X, y, lams):
        """``(coef (n_lams, p), intercept (n_lams,))`` of the lasso / elastic net at every λ of
        ``lams`` (any order): one problem (one Gram matrix) and one warm-started, screened path
        walked from the largest λ down (:func:`~shrinkage.solvers.cd.enet_path`), equal to a fit
        per λ; None for an estimator that is not an (unfitted settings-only) ElasticNet."""
        from ..solvers.cd import enet_path, make_problem
        from ._enet import ElasticNet, relaxed_fit
        if not isinstance(self, ElasticNet):
            return None
        lams = np.asarray(lams, dtype=float)
        order = np.argsort(-lams, kind="stable")
        X, y, _, sw = self._validate(X, y, None)
        prob = make_problem(X, y, sw, fit_intercept=self.fit_intercept,
                            standardize=self.standardize)
        path = enet_path(prob, lams[order], l1_ratio=self._rho(),
                         penalty_factor=self._penalty_factor(X.shape[1]), tol=float(self.tol),
                         max_iter=int(self.max_iter))
        coef, icpt = np.empty((lams.size, X.shape[1])), np.empty(lams.size)
        for k, idx in enumerate(order):
            c, b = prob.to_original(path.beta[k])
            if self.relax:
                c, b = relaxed_fit(X, y, sw, c, self.fit_intercept)
            coef[idx], icpt[idx] = c, b
        return coef, icpt

    def plot(self, kind: str | None = None, *, X: Any = None, y: Any = None, lams: Any = None,
             ax: Axes | None = None, scale: str | None = None, **kwargs: Any) -> Figure:
        """Draw the fitted model, as glmnet's ``plot(cvfit)`` / ``plot(fit)`` do.

        Needs matplotlib (``pip install "shrinkage[plots]"``). The figure is not shown or
        saved: ``fig = model.plot(); fig.savefig("cv.png")`` writes it (in a notebook it
        shows itself; in a script ``matplotlib.pyplot.show()`` opens it).

        Parameters
        ----------
        kind : {"cv", "path", "coef"}, optional
            ``"cv"`` (the default for a CV estimator): the cross-validation curve with
            standard-error bars and λ_min / λ_1se marked (:func:`~shrinkage.plot_cv`;
            for :class:`~shrinkage.ElasticNetCV` the curve of the chosen ``l1_ratio_``).
            ``"path"``: the coefficients against λ (:func:`~shrinkage.plot_path`), over
            the CV grid of a CV estimator (:class:`~shrinkage.ElasticNetCV`'s stored
            ``coef_path_``; the others refit on ``X, y``), or ``lams`` (default for a sparse
            model or logistic regression: 50 values from ``lam_max(X, y)`` down three
            decades). ``"coef"`` (the default for a one-λ model): one bar per coefficient
            (:func:`~shrinkage.plot_weights`).
        X : array-like of shape (n_samples, n_features), optional
            For ``"path"``: the data the path is computed on (not needed by ElasticNetCV) and
            whose column standard deviations give the standardized scale.
        y : array-like of shape (n_samples,), optional
            For ``"path"`` when the path is computed.
        lams : array-like of shape (n_lams,), optional
            For ``"path"``: the λ grid (default: the CV grid, or as above).
        ax : matplotlib Axes, optional
            Draw there; by default on a new figure.
        scale : {"standardized", "original"}, optional
            For ``"path"``: ``"standardized"`` (the default when ``X`` is given) draws
            ``w_j · sd_j``, comparable across features, as a ``standardize=True`` model
            penalizes them; ``"original"`` (the default without ``X``) the coefficients as
            fitted.
        **kwargs
            Passed on to the plotting function (``title=``, ``show_df=``, ``label_top=``, ...).

        Returns
        -------
        matplotlib.figure.Figure
            ``fig.axes[0]`` holds the curve or the path; ``fig.savefig(path)`` writes it.

        Examples
        --------
        >>> from sklearn.datasets import load_diabetes; from shrinkage import ElasticNetCV
        >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
        >>> model = ElasticNetCV(random_state=0).fit(X, y)
        >>> fig = model.plot()                             # the CV curve, λ_min and λ_1se marked
        >>> fig = model.plot(kind="path", X=X)             # coefficients × sd against λ
        >>> fig.savefig("path.png")                        # doctest: +SKIP
        """
        from sklearn.utils.validation import check_is_fitted

        from ..plots import plot_cv, plot_path, plot_weights
        check_is_fitted(self, "coef_")
        if kind is None:
            kind = "cv" if hasattr(self, "cv_results_") else "coef"
        if kind not in ("cv", "path", "coef"):
            raise ValueError(f"kind must be 'cv', 'path' or 'coef', got {kind!r}")
        if kind == "cv":
            if not hasattr(self, "cv_results_"):
                raise ValueError(f"{type(self).__name__} has no cross-validation curve (it "
                                 "fits one λ); use kind='coef' or kind='path', or its …CV "
                                 "estimator")
            curve = self._cv_curve()
            fig = plot_cv(curve, ax=ax, **kwargs)
            if curve is not self and "title" not in kwargs:   # one l1_ratio of several
                drawn = fig.axes[0] if ax is None else ax
                drawn.set_title(f"{type(self).__name__} (l1_ratio = {self.l1_ratio_:g}): "
                                + drawn.get_title())
            return fig
        if kind == "coef":
            return plot_weights(self, ax=ax, **kwargs)
        scale = scale or ("standardized" if X is not None else "original")
        stored = self._stored_path()
        if stored is not None and lams is None:
            return plot_path(stored, X, ax=ax, scale=scale, cv=self._cv_curve(),
                                   **{"title": f"Regularization path of {type(self).__name__}",
                                      **kwargs})
        if X is None or y is None:
            raise ValueError(f"kind='path' of {type(self).__name__} refits along λ: pass X "
                             "and y (the training data)")
        if lams is None and not hasattr(self, "cv_results_"):
            lams = self._default_path_lams(X, y)
        return plot_path(self, X, y, lams=lams, ax=ax, scale=scale,
                               cv=self if hasattr(self, "cv_results_") else None, **kwargs)

    # -- what plot() reads ------------------------------------------------------------------
    def _cv_curve(self):
        """``cv_results_``, or for several ``l1_ratio`` the chosen ratio's rows as a dict."""
        res = self.cv_results_
        params = res.get("params")
        ratio = getattr(self, "l1_ratio_", None)
        if ratio is None or not params or "l1_ratio" not in params[0]:
            return self
        keep = np.array([p["l1_ratio"] == ratio for p in params])
        if keep.all():
            return self
        curve = {k: np.asarray(res[k])[keep] for k in ("lam", "mean_score", "se_score",
                                                        "fold_scores") if k in res}
        curve.update(scoring=res.get("scoring"), lam_min=self.lam_min_, lam_1se=self.lam_1se_)
        return curve

    def _stored_path(self):
        """The all-data path a fit kept (ElasticNetCV's ``coef_path_`` at ``l1_ratio_``) as a
        :class:`~shrinkage.diagnostics.PathResult` (intercepts not kept: NaN), or None."""
        if not hasattr(self, "coef_path_"):
            return None
        from ..diagnostics import PathResult
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=float))
        r = int(np.flatnonzero(ratios == self.l1_ratio_)[0]) if ratios.size > 1 else 0
        lams, coef = np.asarray(self.lams_[r], dtype=float), np.asarray(self.coef_path_[r])
        names = [str(n) for n in getattr(self, "feature_names_in_",
                                         [f"x{j}" for j in range(coef.shape[1])])]
        return PathResult(lams, coef, np.full(lams.size, np.nan),
                          np.count_nonzero(coef, axis=1).astype(float), names)

    def _default_path_lams(self, X, y):
        top = self.lam_max(X, y) if hasattr(self, "lam_max") else np.inf
        if not np.isfinite(top) or top <= 0:
            raise ValueError(f"kind='path' of {type(self).__name__} needs lams (a λ grid), e.g. "
                             "lams=np.geomspace(100, 0.01, 50): a pure L2 penalty has no "
                             "λ_max to start from")
        return np.geomspace(top, top * _PATH_RANGE, _PATH_LAMS)
