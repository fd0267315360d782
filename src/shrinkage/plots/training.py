"""Figures of a network's training and weights: the loss split into its parts, weight histograms."""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ._axes import axes_grid, pick_axes

__all__ = ["plot_history", "plot_weights"]


def _history(obj):
    h = getattr(obj, "history_", obj)
    if not isinstance(h, Mapping) or "data_loss" not in h:
        raise TypeError("expected a fitted network (with history_) or a history dict with "
                        f"'data_loss', 'penalty' and 'loss', got {type(obj).__name__}")
    return h


def _lam_text(h, obj):
    lam = h.get("lam")
    if lam is None:
        lam = getattr(obj, "lam_", None)
    if lam is None:
        return ""
    last = lam[-1] if isinstance(lam, (list, tuple)) and lam and isinstance(
        lam[-1], (list, tuple)) else lam        # per-epoch lists of per-layer λ: the last epoch
    vals = np.unique(np.ravel(np.asarray(last, dtype=float)))
    return "λ = " + ", ".join(f"{v:.3g}" for v in vals)


def plot_history(obj, *, ax=None, axes=None, logy: bool = True):
    """Training curves: data loss, penalty and their sum (the compromise λ strikes), per epoch.

    Parameters
    ----------
    obj : fitted network, history dict, or dict of str to either
        A fitted :class:`~shrinkage.MLPClassifier` / :class:`~shrinkage.MLPRegressor`
        (``history_``), its history (``"data_loss"``, ``"penalty"``, ``"loss"``, optionally
        ``"val_loss"``, ``"lam"``), or a mapping label → either (one panel each, shared
        y-axis), such as the ``mlp_history.json`` that ``shrinkage demo`` writes.
    ax : matplotlib Axes, optional
        For a one-panel figure (one network or history).
    axes : matplotlib Axes or sequence of Axes, optional
        One per panel (a mapping of runs). Pass ``ax`` or ``axes``, not both; neither creates
        a new figure.
    logy : bool, default=True
        Log-scaled loss axis (the penalty is often orders of magnitude below the data loss).

    Returns
    -------
    matplotlib.figure.Figure
        Per panel, lines labelled ``"data loss"``, ``"penalty"``, ``"total (objective)"`` and,
        when the history has a validation set, ``"validation data loss"``.

    Examples
    --------
    >>> import numpy as np; from shrinkage import MLPRegressor
    >>> from shrinkage.plots import plot_history
    >>> X = np.random.default_rng(0).normal(size=(60, 3)); y = X.sum(axis=1)
    >>> net = MLPRegressor((8,), lam=0.01, max_epochs=10, random_state=0).fit(X, y)
    >>> fig = plot_history(net)
    """
    runs = (dict(obj) if isinstance(obj, Mapping) and "data_loss" not in obj else {"": obj})
    fig, axs = axes_grid(pick_axes(ax, axes, len(runs)), len(runs), sharey=True)
    for ax, (label, run) in zip(axs, runs.items()):
        h = _history(run)
        n = len(h["data_loss"])
        epochs = np.asarray(h["epoch"]) if len(h.get("epoch", ())) == n else np.arange(1, n + 1)
        data = np.asarray(h["data_loss"], dtype=float)
        pen = np.asarray(h["penalty"], dtype=float)
        total = np.asarray(h.get("loss", data + pen), dtype=float)
        ax.plot(epochs, data, color="C0", label="data loss")
        ax.plot(epochs, pen, color="C1", label="penalty")
        ax.plot(epochs, total, color="k", linewidth=1.6, label="total (objective)")
        val = np.asarray(h.get("val_loss", []), dtype=float)
        if val.size and np.any(np.isfinite(val)):
            ax.plot(epochs, val, color="C3", linestyle="--", label="validation data loss")
        if logy and np.all(np.concatenate([data, total]) > 0):
            ax.set_yscale("log")
        ax.set_xlabel("epoch")
        ax.set_ylabel("loss")
        lam_text = "" if "λ" in str(label) else _lam_text(h, run)
        ax.set_title(" — ".join(t for t in (str(label), lam_text) if t))
        ax.legend(fontsize="small")
    return fig


def _weight_matrices(est):
    if hasattr(est, "coefs_"):
        return [np.asarray(W, dtype=float) for W in est.coefs_]
    if hasattr(est, "coef_"):
        return [np.asarray(est.coef_, dtype=float)]
    raise TypeError(f"{type(est).__name__} has neither coefs_ (a network) nor coef_ (a linear "
                    "model); fit it first")


def plot_weights(obj, *, ax=None, axes=None, bins: int = 30):
    """Histograms of the weights: one panel per layer of a network, or the coefficients.

    Parameters
    ----------
    obj : fitted estimator, or dict of str to fitted estimators
        A network (``coefs_``, one panel per weight matrix) or a linear model (``coef_``, one
        panel). A mapping label → estimator overlays the models in each panel (same bins), to
        compare λ's.
    ax : matplotlib Axes, optional
        For a one-panel figure (a linear model, or a network with one weight matrix).
    axes : sequence of matplotlib Axes, optional
        One per layer. Pass ``ax`` or ``axes``, not both; neither creates a new figure.
    bins : int, default=30

    Returns
    -------
    matplotlib.figure.Figure
        Per panel one step histogram per model (one patch each), labelled with its
        ``‖W‖_F``.

    Examples
    --------
    >>> import numpy as np; from shrinkage import MLPRegressor
    >>> from shrinkage.plots import plot_weights
    >>> X = np.random.default_rng(0).normal(size=(60, 3)); y = X.sum(axis=1)
    >>> nets = {f"λ = {lam:g}": MLPRegressor((8,), lam=lam, max_epochs=10,
    ...                                      random_state=0).fit(X, y) for lam in (0.0, 0.1)}
    >>> fig = plot_weights(nets)
    """
    models = dict(obj) if isinstance(obj, Mapping) else {"": obj}
    mats = {k: _weight_matrices(m) for k, m in models.items()}
    n_layers = {len(v) for v in mats.values()}
    if len(n_layers) != 1:
        raise ValueError(f"the models have different numbers of layers: {sorted(n_layers)}")
    n_layers = n_layers.pop()
    linear = not hasattr(next(iter(models.values())), "coefs_")
    fig, axs = axes_grid(pick_axes(ax, axes, n_layers), n_layers,
                         figsize=(4.2 * n_layers, 3.4))
    for layer, ax in enumerate(axs):
        values = [mats[k][layer].ravel() for k in models]
        edges = np.histogram_bin_edges(np.concatenate(values), bins=bins)
        for k, (name, v) in enumerate(zip(models, values)):
            norm = np.linalg.norm(v)
            ax.hist(v, bins=edges, histtype="step", linewidth=1.4, color=f"C{k}",
                    label=f"{name}  ‖W‖_F = {norm:.3g}".strip())
        W = mats[next(iter(models))][layer]
        if linear:
            ax.set_xlabel("coefficient")
            ax.set_title(f"{W.size} coefficients")
        else:
            ax.set_xlabel("weight")
            ax.set_title(f"layer {layer}: W of shape {W.shape[0]} × {W.shape[1]}")
        ax.set_ylabel("count")
        ax.legend(fontsize="x-small")
    return fig
