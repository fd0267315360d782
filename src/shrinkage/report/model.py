"""The report of a fitted model: what was fitted, the λ chosen and why, the coefficients, and
the figures of :mod:`shrinkage.plots` that apply (CV curve, regularization path, weights,
training curves)."""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np

from .._atomic import atomic_write
from .._optional import require
from .html import Figure, Heading, Paragraph, Table, figure_png, figure_title, render

__all__ = ["model_report", "write_report", "summary_problem"]

_PATH_POINTS = 30       # a logistic path refits per λ: at most this many λ's from the CV grid


def _f(v, spec=".4g"):
    try:
        v = float(v)
    except (TypeError, ValueError):
        return "n/a" if v is None else str(v)
    return format(v, spec) if math.isfinite(v) else "n/a"


_SUMMARY_TEXT = ("model", "task", "how", "data", "target", "cv_scoring")
_SUMMARY_NUMBERS = ("n_samples", "n_features", "lam_min", "lam_1se", "df", "cv_score", "cv_se",
                    "train_score", "n_nonzero", "n_coef")


def _number(v) -> bool:
    return isinstance(v, (int, float, np.integer, np.floating)) and not isinstance(v, bool)


def _numbers(v) -> bool:
    return _number(v) or (isinstance(v, list) and len(v) > 0 and all(_number(x) for x in v))


def summary_problem(summary) -> str | None:
    """What is wrong with a fit summary (as ``shrinkage fit --json`` prints it and a model file
    stores it) for :func:`model_report`, or None: its text fields text, its numbers numbers,
    ``lam`` a number or a list of them, ``coefficients`` rows of feature, coef, standardized."""
    if not isinstance(summary, dict):
        return "is not a mapping"
    for key in _SUMMARY_TEXT:
        if summary.get(key) is not None and not isinstance(summary[key], str):
            return f"has a {key!r} that is not text"
    for key in _SUMMARY_NUMBERS:
        if summary.get(key) is not None and not _number(summary[key]):
            return f"has a {key!r} that is not a number"
    if summary.get("lam") is not None and not _numbers(summary["lam"]):
        return "has a 'lam' that is not a number or a list of numbers"
    rows = summary.get("coefficients")
    if rows is not None and not (isinstance(rows, list) and all(
            isinstance(r, dict) and isinstance(r.get("feature"), str) and _numbers(r.get("coef"))
            and _number(r.get("standardized")) for r in rows)):
        return "has 'coefficients' that are not rows of feature, coef and standardized"
    return None


def _figure(blocks, make, caption, notes):
    """Append the figure ``make()`` draws; a figure that cannot be drawn becomes a note."""
    try:
        fig = make()
        title = figure_title(fig)
        blocks.append(Figure(figure_png(fig), caption, title=title))
    except Exception as exc:                  # a figure must not cost the whole report
        notes.append(f"{caption}: not drawn ({type(exc).__name__}: {exc})")


def _penalty_text(model) -> str:
    """The penalty term of ``model``'s objective, in words of :mod:`shrinkage.conventions`
    (read from its parameters: groups, layers, the L1 share)."""
    params = model.get_params(deep=False)
    scale = " on standardized features" if params.get("standardize", False) else ""
    if "groups" in params:
        return f"λ Σ_g √p_g ‖w_g‖₂ (group L2, not squared){scale}"
    if "hidden_layer_sizes" in params:
        return "λ Σ_l ‖W_l‖_F² over every weight matrix"
    rho = getattr(model, "l1_ratio_", params.get("l1_ratio"))
    if rho is None:                    # no mixing parameter: the lasso (it has λ_max) or ridge
        rho = 1.0 if hasattr(model, "lam_max") else 0.0
    if np.ndim(rho) > 0:                                    # a grid of ρ, not yet chosen
        return f"λ Σ_j [(1−ρ) w_j² + ρ |w_j|] (elastic net){scale}"
    rho = float(rho or 0.0)
    if rho == 1.0:
        return f"λ Σ_j |w_j| (L1){scale}"
    if rho > 0.0:
        return f"λ Σ_j [(1−ρ) w_j² + ρ |w_j|] with ρ = {rho:g} (elastic net){scale}"
    return f"λ Σ_j w_j²{scale}"


def model_report(model, X=None, y=None, *, title: str | None = None, summary: dict | None = None,
                 source: str = "") -> str:
    """HTML of a report on a fitted ``model`` (figures need ``X, y`` where they refit).

    Parameters
    ----------
    model : fitted estimator of :mod:`shrinkage`
    X : DataFrame or array of shape (n_samples, n_features), optional
        The (preprocessed) training data: needed for the regularization path.
    y : array of shape (n_samples,), optional
    title : str, optional
    summary : dict, optional
        Key figures to show in the first table (as ``shrinkage fit --json`` prints them).
    source : str, optional
        Where the data came from, for the subtitle.

    Returns
    -------
    str
        The page; see :func:`shrinkage.report.render`.
    """
    require("matplotlib", "the HTML report").use("Agg")
    from .. import __version__
    from ..plots import plot_cv, plot_history, plot_path, plot_weights
    name = type(model).__name__
    blocks, notes = [], []
    summary = dict(summary or {})
    problem = summary_problem(summary)
    if problem:
        raise ValueError(f"the summary {problem}")
    blocks.append(Heading("Summary"))
    rows = [["model", name]]
    for key, label in (("task", "task"), ("n_samples", "rows"), ("n_features", "features"),
                       ("lam", "λ (chosen)"), ("lam_min", "λ_min"), ("lam_1se", "λ_1se"),
                       ("df", "effective df"), ("cv_scoring", "CV score"),
                       ("cv_score", "CV score at λ"), ("cv_se", "its standard error"),
                       ("train_score", "training score (R² or accuracy)")):
        if summary.get(key) is not None:
            v = summary[key]
            rows.append([label, v if isinstance(v, str) else
                         (", ".join(_f(x) for x in v) if isinstance(v, list) else _f(v))])
    blocks.append(Table(["", "value"], rows))
    res = getattr(model, "cv_results_", None)
    if res is not None and hasattr(res, "reason") and res.reason:
        blocks.append(Paragraph(res.reason))
    blocks.append(Paragraph(
        f"Objective: (1/n) Σ loss + {_penalty_text(model)} (intercept unpenalized); λ_1se is "
        "the largest λ whose CV score is within one standard error of the best (for sparse "
        "models: the sparser one)."))

    coefs = summary.get("coefficients")
    if coefs:
        blocks.append(Heading("Largest coefficients"))
        blocks.append(Table(["feature", "coefficient", "standardized (w·sd)"],
                            [[c["feature"], _f(c["coef"]) if not isinstance(c["coef"], list)
                              else ", ".join(_f(v) for v in c["coef"]), _f(c["standardized"])]
                             for c in coefs]))

    if res is not None:
        blocks.append(Heading("Cross-validation"))
        _figure(blocks, lambda: plot_cv(model if hasattr(model, "lam_min_") else res),
                "Mean CV score against λ with one standard error; λ_min and λ_1se marked.",
                notes)
        lams = np.asarray(res["lam"], float)
        mean, se = np.asarray(res["mean_score"], float), np.asarray(res["se_score"], float)
        idx = np.unique(np.r_[np.linspace(0, lams.size - 1, min(12, lams.size)).astype(int),
                              getattr(res, "index", 0)])
        chosen = int(np.argmin(np.abs(lams - float(np.max(np.atleast_1d(
            summary.get("lam", lams[0]) or lams[0]))))))
        blocks.append(Table(
            ["λ", str(res.get("scoring", "score")), "se"] + (["df"] if "df" in res else []),
            [[_f(lams[i]), _f(mean[i]), _f(se[i])] + ([_f(res["df"][i])] if "df" in res else [])
             for i in idx],
            highlight=[k for k, i in enumerate(idx) if i == chosen],
            caption=f"{lams.size} λ values (a selection; the chosen one highlighted)"))

    if hasattr(model, "coef_") and X is not None and y is not None:
        blocks.append(Heading("Regularization path"))
        lams = None
        if res is not None:
            grid = np.asarray(res["lam"], float)
            lams = grid[np.unique(np.linspace(0, grid.size - 1, min(_PATH_POINTS, grid.size))
                                  .astype(int))]
        else:
            lam = float(np.max(np.atleast_1d(model.lam_)))
            base = lam if lam > 0 else 1e-2
            lams = np.geomspace(base * 1e3, base * 1e-3, 25)
        standardized = bool(getattr(model, "standardize", False))
        _figure(blocks, lambda: plot_path(model, X, y, lams=lams, cv=res,
                                          scale="standardized" if standardized else "original"),
                ("Coefficients × their feature's sd (the standardized scale the penalty "
                 "compares)" if standardized else "Coefficients (original scale)")
                + " against λ, effective degrees of freedom dashed.", notes)

    if X is not None and y is not None and hasattr(model, "predict"):
        from ..plots import plot_classification, plot_residuals
        if hasattr(model, "predict_proba") and hasattr(model, "classes_"):
            blocks.append(Heading("How well it classifies"))
            held = _held_out_proba(model, X, y)
            where = ("on held-out folds (each row predicted by the model at the chosen λ fitted "
                     "without its fold)" if held is not None else
                     "on the training data (optimistic)")
            _figure(blocks, lambda: plot_classification(
                        model, X, y, proba=held,
                        data="held-out folds" if held is not None else "training data"),
                    "ROC curve (with its AUC) and calibration: the observed frequency of a class "
                    f"against the predicted probability, {where}.", notes)
        elif not hasattr(model, "classes_"):
            blocks.append(Heading("Residuals"))
            _figure(blocks, lambda: plot_residuals(model, X, y),
                    "Residuals against fitted values (no pattern is good) and a normal Q-Q plot, "
                    "on the training data.", notes)

    if hasattr(model, "history_"):
        blocks.append(Heading("Training"))
        _figure(blocks, lambda: plot_history(model),
                "Data loss, penalty λ Σ‖W‖² and their sum per epoch.", notes)
    if hasattr(model, "coefs_") or hasattr(model, "coef_"):
        blocks.append(Heading("Weights"))
        from ..plots.training import FEW_COEFFICIENTS     # one bar each up to this many
        few = not hasattr(model, "coefs_") and np.size(model.coef_) <= FEW_COEFFICIENTS
        _figure(blocks, lambda: plot_weights(model),
                "Every coefficient (original scale), the largest at the top." if few else
                "Histogram of the weights (per layer for a network).", notes)
    if notes:
        blocks.append(Heading("Notes"))
        blocks.extend(Paragraph(n) for n in notes)
    stamp = _dt.datetime.now().strftime("%Y-%m-%d %H:%M")
    subtitle = f"{name}{' on ' + source if source else ''} · shrinkage {__version__} · {stamp}"
    return render(title or f"shrinkage report: {name}", blocks, subtitle)


def write_report(path, model, X=None, y=None, **kwargs) -> str:
    """Write :func:`model_report` to ``path`` atomically; return the path."""
    page = model_report(model, X, y, **kwargs)
    with atomic_write(path, "w", encoding="utf-8") as fh:
        fh.write(page)
    return str(path)


def _held_out_proba(model, X, y, n_folds: int = 5):
    """Out-of-fold class probabilities of a cross-validated L2 logistic model at its chosen λ
    (``cross_val_predict`` over stratified folds), or None for other models or when a class is
    too small for the folds."""
    from .. import LogisticRegression, LogisticRegressionCV

    if not isinstance(model, LogisticRegressionCV):
        return None
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    counts = np.unique(np.asarray(y), return_counts=True)[1]
    if counts.min() < n_folds:
        return None
    single = LogisticRegression(lam=model.lam_, fit_intercept=model.fit_intercept,
                                standardize=model.standardize,
                                penalty_factor=model.penalty_factor,
                                class_weight=model.class_weight)
    folds = StratifiedKFold(n_folds, shuffle=True, random_state=0)
    return cross_val_predict(single, X, y, cv=folds, method="predict_proba")
