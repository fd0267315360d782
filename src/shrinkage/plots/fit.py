"""How well a fitted model describes data: residuals and a normal Q-Q plot for regression, ROC
and calibration curves for classifiers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from ._axes import axes_grid, pick_axes

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from collections.abc import Sequence
    from typing import Any

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from .._typing import ArrayLike, MatrixLike

__all__ = ["plot_residuals", "plot_classification"]


def plot_residuals(model: Any, X: MatrixLike, y: ArrayLike, *, ax: Axes | None = None,
                   axes: Sequence[Axes] | None = None,
                   data: str = "training data") -> Figure:
    """Residuals against fitted values, and a normal Q-Q plot of the standardized residuals.

    Parameters
    ----------
    model : fitted regressor with ``predict``
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    ax, axes : matplotlib Axes, optional
        Two Axes (``axes``) to draw on, or None for a new figure.
    data : str, default="training data"
        What ``X, y`` are, for the titles (say "held-out data" for a test set).

    Returns
    -------
    matplotlib.figure.Figure
        Panel 1: one scatter (``collections[0]``) of ``(ŷ, y − ŷ)`` and a line at 0; panel 2:
        the sorted standardized residuals against the normal quantiles, and the line ``y = x``.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes; from shrinkage import Ridge
    >>> from shrinkage.plots import plot_residuals
    >>> X, y = load_diabetes(return_X_y=True)
    >>> fig = plot_residuals(Ridge().fit(X, y), X, y)
    """
    from scipy import stats
    fitted = np.asarray(model.predict(X), dtype=float).reshape(-1)
    resid = np.asarray(y, dtype=float).reshape(-1) - fitted
    fig, (a, b) = axes_grid(pick_axes(ax, axes, 2), 2)
    a.scatter(fitted, resid, s=8, alpha=0.6, color="C0")
    a.axhline(0.0, color="0.4", linewidth=1.0)
    a.set_xlabel("fitted value")
    a.set_ylabel("residual (y − fitted)")
    a.set_title(f"Residuals against fitted values ({data})")
    sd = resid.std()
    z = np.sort((resid - resid.mean()) / (sd if sd > 0 else 1.0))
    q = stats.norm.ppf((np.arange(1, z.size + 1) - 0.5) / z.size)
    b.scatter(q, z, s=8, alpha=0.6, color="C0")
    lim = float(max(np.abs(q).max(), np.abs(z).max()))
    b.plot([-lim, lim], [-lim, lim], color="0.4", linewidth=1.0)
    b.set_xlabel("normal quantile")
    b.set_ylabel("standardized residual")
    b.set_title(f"Normal Q-Q plot of the residuals ({data})")
    return fig


def plot_classification(model: Any, X: MatrixLike, y: ArrayLike, *, ax: Axes | None = None,
                        axes: Sequence[Axes] | None = None, data: str = "training data",
                        n_bins: int = 10, proba: ArrayLike | None = None) -> Figure:
    """ROC curves and a calibration (reliability) curve of a fitted classifier.

    Two classes: one ROC curve for ``classes_[1]``; more: one per class against the rest.
    Calibration: the observed frequency of the class against the mean predicted probability
    in ``n_bins`` bins of equal width (``classes_[1]``, or every class for more).

    Parameters
    ----------
    model : fitted classifier with ``predict_proba`` and ``classes_``
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    ax, axes : matplotlib Axes, optional
    data : str, default="training data"
        What the probabilities are of (in the titles), e.g. ``"held-out folds"``.
    n_bins : int, default=10
    proba : array-like of shape (n_samples, n_classes), optional
        Probabilities to draw instead of ``model.predict_proba(X)``: e.g. held-out ones from
        ``sklearn.model_selection.cross_val_predict(..., method="predict_proba")``.

    Returns
    -------
    matplotlib.figure.Figure
        Panel 1: a ROC line per curve (labelled with its AUC) and the chance diagonal; panel 2:
        a calibration line per curve and the diagonal.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer
    >>> from shrinkage import LogisticRegression; from shrinkage.plots import plot_classification
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> fig = plot_classification(LogisticRegression().fit(X, y), X, y)
    """
    from sklearn.calibration import calibration_curve
    from sklearn.metrics import auc, roc_curve
    P = np.asarray(model.predict_proba(X) if proba is None else proba, dtype=float)
    classes = np.asarray(model.classes_)
    y = np.asarray(y)
    fig, (a, b) = axes_grid(pick_axes(ax, axes, 2), 2)
    which = [1] if classes.size == 2 else list(range(classes.size))
    for k in which:
        hit = (y == classes[k]).astype(int)
        if hit.min() == hit.max():
            continue                      # a class absent from (or alone in) these rows
        fpr, tpr, _ = roc_curve(hit, P[:, k])
        a.plot(fpr, tpr, linewidth=1.4, label=f"{classes[k]} (AUC {auc(fpr, tpr):.3f})")
        frac, mean = calibration_curve(hit, P[:, k], n_bins=n_bins)
        b.plot(mean, frac, marker="o", markersize=3, linewidth=1.2, label=str(classes[k]))
    for panel in (a, b):
        panel.plot([0, 1], [0, 1], color="0.6", linestyle="--", linewidth=1.0)
        panel.set_xlim(0, 1)
        panel.set_ylim(0, 1)
        panel.legend(fontsize="small", loc="lower right")
    a.set_xlabel("false positive rate")
    a.set_ylabel("true positive rate")
    a.set_title(f"ROC curve ({data})")
    b.set_xlabel("mean predicted probability")
    b.set_ylabel("observed frequency")
    b.set_title(f"Calibration ({data})")
    return fig
