"""Figures against λ: the CV curve, the regularization path, bias–variance, L1 vs L2."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Mapping

import numpy as np

from ._axes import (axes_grid, chosen_lams, count_axis, figure_title, lam_axis, mark_lam,
                    pick_axes, score_label)

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from collections.abc import Sequence
    from typing import Any

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .._typing import ArrayLike, MatrixLike
    from ..diagnostics import BiasVarianceResult

__all__ = ["plot_cv", "plot_path", "plot_bias_variance", "plot_l1_vs_l2"]

_MAX_LEGEND = 12


def plot_cv(cv: Any, *, ax: Axes | None = None, flip_neg: bool = True,
            title: str | None = None) -> Figure:
    """The cross-validation curve with standard-error bars, λ_min and λ_1se marked.

    Parameters
    ----------
    cv : fitted ``RidgeCV`` / ``LogisticRegressionCV``, ``CVResult``, or dict
        Reads ``cv_results_`` (or the dict itself): ``"lam"``, ``"mean_score"``, ``"se_score"``
        and ``"scoring"``. λ_min / λ_1se come from ``lam_min_`` / ``lam_1se_``, a
        ``CVResult``'s ``lam_min`` / ``lam_1se``, the dict's ``"lam_min"`` / ``"lam_1se"``, or
        else the rules of :mod:`shrinkage.selection.rules`.
    ax : matplotlib Axes, optional
    flip_neg : bool, default=True
        Show a ``neg_…`` score as the positive loss (``neg_mean_squared_error`` → mean squared
        error), as glmnet does.
    title : str, optional
        Default: what the curve shows, e.g. ``"RidgeCV: mean squared error by 5-fold CV"``
        (the estimator's name when ``cv`` is one).

    Returns
    -------
    matplotlib.figure.Figure
        One error-bar line (the mean score ± one standard error) and two labelled vertical
        lines at λ_min and λ_1se (x-data ``[λ, λ]``).

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes; from shrinkage import RidgeCV
    >>> from shrinkage.plots import plot_cv
    >>> X, y = load_diabetes(return_X_y=True)
    >>> fig = plot_cv(RidgeCV(lams=30, cv=5).fit(X, y))
    """
    res = getattr(cv, "cv_results_", cv)
    lams = np.asarray(res["lam"], dtype=float)
    label, mean = score_label(res.get("scoring"), res["mean_score"], flip_neg)
    se = np.nan_to_num(np.asarray(res["se_score"], dtype=float), nan=0.0)
    fig, (ax,) = axes_grid(ax)
    order = np.argsort(lams)
    ax.errorbar(lams[order], mean[order], yerr=se[order], color="C3", marker="o", markersize=3,
                ecolor="0.6", elinewidth=0.8, capsize=2, label="mean ± 1 se")
    lam_min, lam_1se = chosen_lams(cv)
    if lam_min is not None:
        mark_lam(ax, lam_min, f"λ_min = {lam_min:.3g}", color="C0")
    if lam_1se is not None:
        mark_lam(ax, lam_1se, f"λ_1se = {lam_1se:.3g}", color="C2", linestyle=":")
    lam_axis(ax, lams)
    folds = res.get("fold_scores")
    how = f"{np.shape(folds)[1]}-fold CV" if folds is not None else "CV"
    ax.set_ylabel(f"{label} ({how})")
    owner = "" if isinstance(cv, dict) or not hasattr(cv, "get_params") else \
        f"{type(cv).__name__}: "
    ax.set_title(title if title is not None else f"{owner}{label} by {how} against λ")
    ax.legend(fontsize="small")
    return fig


def plot_path(path: Any, X: MatrixLike = None, y: ArrayLike | None = None, *,
              lams: ArrayLike | None = None, cv: Any = None, show_df: bool = True,
              ax: Axes | None = None, label_top: int = 8, title: str | None = None,
              scale: str = "original") -> Figure:
    """The regularization path: one line per coefficient against λ (log scale).

    Parameters
    ----------
    path : PathResult, or an estimator (fitted CV estimator or one with ``lam``)
        A :class:`~shrinkage.diagnostics.PathResult`; or an estimator with ``X, y``, whose path
        is computed by :func:`~shrinkage.diagnostics.coefficient_path` over ``lams`` (default: a
        fitted CV estimator's grid).
    X : array-like of shape (n_samples, n_features), optional
    y : array-like of shape (n_samples,), optional
    lams : array-like of shape (n_lams,), optional
    cv : fitted CV estimator, CVResult or dict, optional
        Marks λ_min and λ_1se (a fitted CV estimator passed as ``path`` is used by default).
    show_df : bool, default=True
        Effective degrees of freedom on a twin y-axis (one dashed line).
    ax : matplotlib Axes, optional
    label_top : int, default=8
        With more lines than a legend can hold, the ``label_top`` largest coefficients (at the
        smallest λ) are named at the left end of their lines (``ax.texts``).
    title : str, optional
        Default: ``"Regularization path"`` and, when known, the estimator's name.
    scale : {"original", "standardized"}, default="original"
        ``"standardized"`` draws ``w_j · sd_j`` (needs ``X``): coefficients comparable across
        features, so that one feature in large units does not flatten the others (what a
        ``standardize=True`` model penalizes).

    Returns
    -------
    matplotlib.figure.Figure
        ``n_features`` coefficient lines (times the number of targets or classes) and the λ
        markers on the main axes; the df line on ``fig.axes[1]`` when ``show_df``.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes; from shrinkage import RidgeCV
    >>> from shrinkage.plots import plot_path
    >>> X, y = load_diabetes(return_X_y=True, as_frame=True)
    >>> fig = plot_path(RidgeCV(lams=30).fit(X, y), X, y)
    """
    from ..diagnostics import PathResult, coefficient_path
    owner = "" if isinstance(path, PathResult) else f" of {type(path).__name__}"
    if not isinstance(path, PathResult):
        if X is None or y is None:
            raise ValueError("plot_path needs X and y to compute the path of an estimator; or "
                             "pass a PathResult from shrinkage.diagnostics.coefficient_path")
        if lams is None:
            if not hasattr(path, "cv_results_"):
                raise ValueError("pass lams (the λ grid) for an estimator without cv_results_")
            lams = path.cv_results_["lam"]
        if cv is None and hasattr(path, "cv_results_"):
            cv = path
        path = coefficient_path(path, X, y, lams)
    if scale not in ("original", "standardized"):
        raise ValueError(f"scale must be 'original' or 'standardized', got {scale!r}")
    fig, (ax,) = axes_grid(ax)
    coef = path.coef
    if scale == "standardized":
        if X is None:
            raise ValueError("scale='standardized' needs X (the columns' standard deviations)")
        import scipy.sparse as sp
        if sp.issparse(X):
            mean = np.asarray(X.mean(axis=0)).ravel()
            sd = np.sqrt(np.maximum(np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean ** 2, 0))
        else:
            sd = np.asarray(X, dtype=float).std(axis=0)
        coef = coef * sd                       # the last axis is the features'
    C = coef.reshape(path.lams.size, -1)
    names = (path.feature_names if path.coef.ndim == 2 else
             [f"{k}:{f}" for k in range(path.coef.shape[1]) for f in path.feature_names])
    order = np.argsort(path.lams)
    for j in range(C.shape[1]):
        ax.plot(path.lams[order], C[order, j], linewidth=1.2, label=names[j])
    ax.axhline(0.0, color="0.8", linewidth=0.8, zorder=0)
    if cv is not None:
        lam_min, lam_1se = chosen_lams(cv)
        if lam_min is not None:
            mark_lam(ax, lam_min, f"λ_min = {lam_min:.3g}", color="C0")
        if lam_1se is not None:
            mark_lam(ax, lam_1se, f"λ_1se = {lam_1se:.3g}", color="C2", linestyle=":")
    lam_axis(ax, path.lams)
    ax.set_ylabel("coefficient (original scale)" if scale == "original" else
                  "coefficient × sd (standardized scale)")
    ax.set_title(title if title is not None else f"Regularization path{owner}")
    if C.shape[1] > _MAX_LEGEND and label_top > 0:     # too many for a legend: name the largest
        first = C[order[0]]
        for j in np.argsort(-np.abs(first))[:label_top]:
            ax.annotate(str(names[j]), xy=(path.lams[order[0]], first[j]), xytext=(-3, 0),
                        textcoords="offset points", ha="right", va="center",
                        fontsize="x-small", color=ax.lines[j].get_color())
    if show_df:
        twin = ax.twinx()
        twin.plot(path.lams[order], path.df[order], color="0.4", linestyle="--", linewidth=1.0,
                  label="df")
        twin.set_ylabel("effective degrees of freedom")
    if C.shape[1] <= _MAX_LEGEND:    # paths meet at 0 for large λ: the upper right is free
        ax.legend(fontsize="x-small", ncol=2, loc="upper right", framealpha=0.8)
    return fig


def plot_bias_variance(result: BiasVarianceResult, *, ax: Axes | None = None) -> Figure:
    """Bias², variance, noise and the measured test error against λ.

    Parameters
    ----------
    result : BiasVarianceResult
        From :func:`shrinkage.diagnostics.bias_variance`.
    ax : matplotlib Axes, optional

    Returns
    -------
    matplotlib.figure.Figure
        Lines labelled ``"test error"``, ``"bias²"`` (``"bias"`` for the 0-1 and log losses;
        ``"bias² + noise (truth unknown)"`` for squared loss without ``f_test``),
        ``"variance"`` (``"net variance"`` for 0-1), ``"noise"`` (only when known;
        ``"noise (ols estimate)"`` and the like for a squared-loss estimate), and a vertical
        line at the λ of the smallest error.

    Examples
    --------
    >>> import numpy as np; from shrinkage import Ridge
    >>> from shrinkage.diagnostics import bias_variance
    >>> from shrinkage.plots import plot_bias_variance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 10)); y = X[:, 0] + rng.normal(size=200)
    >>> res = bias_variance(Ridge(), X, y, np.geomspace(10, 1e-3, 12), n_rounds=10,
    ...                     random_state=0)
    >>> fig = plot_bias_variance(res)
    """
    fig, (ax,) = axes_grid(ax)
    squared = result.loss == "squared"
    order = np.argsort(result.lams)
    lams = result.lams[order]
    ax.plot(lams, result.error[order], color="k", linewidth=2, label="test error")
    known = bool(np.all(np.isfinite(result.noise)))
    label = "bias²" if squared else "bias"
    ax.plot(lams, result.bias2[order], color="C0",
            label=label if known or not squared else "bias² + noise (truth unknown)")
    ax.plot(lams, result.variance[order], color="C3",
            label="net variance" if result.loss == "zero_one" else "variance")
    if known:
        source = getattr(result, "noise_source", "truth")
        ax.plot(lams, result.noise[order], color="0.5", linestyle=":",
                label="noise" if source == "truth" else f"noise ({source} estimate)")
    mark_lam(ax, result.lam_best, f"least error, λ = {result.lam_best:.3g}", color="0.2")
    lam_axis(ax, result.lams)
    ax.set_ylabel({"squared": "squared error", "zero_one": "0-1 loss",
                   "log": "log loss"}[result.loss])
    how = "fresh training sets" if result.sampling == "callable" else f"{result.sampling} draws"
    ax.set_title(f"Bias–variance ({result.n_rounds} {how})")
    ax.legend(fontsize="small")
    return fig


def plot_l1_vs_l2(obj: Any, *, ax: Axes | None = None, axes: Sequence[Axes] | None = None,
                  feature_names: Sequence[str] | None = None) -> Figure:
    """L1 and L2 (or any) coefficients side by side.

    Parameters
    ----------
    obj : SparsityResult, or dict of str to fitted estimator
        A :class:`~shrinkage.diagnostics.SparsityResult`: one panel per estimator with its
        coefficient path (shared y-axis), and a last panel with the number of non-zero
        coefficients against λ. A dict of fitted estimators (with ``coef_``): one panel of
        grouped bars, one bar per feature and estimator.
    ax : matplotlib Axes, optional
        For the one-panel figure (a dict of estimators); a SparsityResult needs ``axes``.
    axes : sequence of matplotlib Axes, optional
        ``n_estimators + 1`` axes for a SparsityResult, one for a dict. Pass ``ax`` or
        ``axes``, not both; neither creates a new figure.
    feature_names : list of str, optional

    Returns
    -------
    matplotlib.figure.Figure

    Examples
    --------
    >>> import numpy as np; from sklearn.linear_model import Lasso; from shrinkage import Ridge
    >>> from shrinkage.diagnostics import sparsity_comparison
    >>> from shrinkage.plots import plot_l1_vs_l2
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 6)); y = X[:, 0] + 0.1 * rng.normal(size=100)
    >>> res = sparsity_comparison(X, y, np.geomspace(1, 1e-3, 10),
    ...                           {"L2": Ridge(), "L1": lambda lam: Lasso(alpha=lam / 2).fit(X, y)})
    >>> fig = plot_l1_vs_l2(res)
    """
    from ..diagnostics import SparsityResult
    if isinstance(obj, SparsityResult):
        given = pick_axes(ax, axes, len(obj.paths) + 1)
        fig = _sparsity_panels(obj, given)
        figure_title(fig, f"{' vs '.join(obj.paths)}: coefficient paths and non-zero counts "
                     "against λ", given is None)
        return fig
    if not isinstance(obj, Mapping) or not obj:
        raise TypeError("plot_l1_vs_l2 takes a SparsityResult or a dict name -> fitted estimator")
    coefs = {k: np.ravel(np.asarray(est.coef_, dtype=float)) for k, est in obj.items()}
    sizes = {c.size for c in coefs.values()}
    if len(sizes) != 1:
        raise ValueError(f"the estimators have different numbers of coefficients: {sorted(sizes)}")
    p = sizes.pop()
    names = feature_names or list(getattr(next(iter(obj.values())), "feature_names_in_",
                                          [f"x{j}" for j in range(p)]))
    fig, (ax,) = axes_grid(pick_axes(ax, axes, 1), figsize=(max(5.0, 0.5 * p + 2), 3.8))
    width = 0.8 / len(coefs)
    x = np.arange(p)
    for k, (name, c) in enumerate(coefs.items()):
        nz = int(np.count_nonzero(c))
        ax.bar(x + (k - (len(coefs) - 1) / 2) * width, c, width, label=f"{name} ({nz} non-zero)")
    ax.axhline(0.0, color="0.5", linewidth=0.8)
    ax.set_xticks(x, [str(n) for n in names], rotation=90 if p > 8 else 0)
    ax.set_xlabel("feature")
    ax.set_ylabel("coefficient")
    ax.set_title("Coefficients side by side")
    ax.legend(fontsize="small")
    return fig


def _sparsity_panels(res, axes):
    k = len(res.paths)
    fig, axs = axes_grid(axes, k + 1, panel=(4.6, 3.4))
    order = np.argsort(res.lams)
    lo = min(float(p.coef.min()) for p in res.paths.values())
    hi = max(float(p.coef.max()) for p in res.paths.values())
    pad = 0.05 * (hi - lo or 1.0)
    for ax, (name, path) in zip(axs, res.paths.items()):
        C = path.coef.reshape(res.lams.size, -1)
        for j in range(C.shape[1]):
            ax.plot(res.lams[order], C[order, j], linewidth=1.0)
        ax.set_ylim(lo - pad, hi + pad)
        lam_axis(ax, res.lams)
        ax.set_ylabel("coefficient")
        ax.set_title(name)
    last = axs[-1]
    for name in res.paths:
        last.plot(res.lams[order], res.n_nonzero[name][order], marker="o", markersize=3,
                  label=name)
    lam_axis(last, res.lams)
    last.set_ylabel("non-zero coefficients" + (f" (|w| > {res.tol:g})" if res.tol else ""))
    count_axis(last.yaxis)
    last.set_title("Sparsity")
    last.legend(fontsize="small")
    return fig
