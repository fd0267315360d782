"""Figures of a network's training and weights: the loss split into its parts, weight histograms."""

from __future__ import annotations

from typing import TYPE_CHECKING

from collections.abc import Mapping

import numpy as np

from ._axes import axes_grid, count_axis, figure_title, lam_axis, pick_axes

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from collections.abc import Sequence
    from typing import Any

    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

    from ..diagnostics import NetworkPath

__all__ = ["plot_history", "plot_weights", "plot_network_path"]


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


def plot_history(obj: Any, *, ax: Axes | None = None, axes: Sequence[Axes] | None = None,
                 logy: bool = True) -> Figure:
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
    given = pick_axes(ax, axes, len(runs))
    fig, axs = axes_grid(given, len(runs), sharey=True)
    owner = "" if isinstance(obj, Mapping) else f" of {type(obj).__name__}"
    figure_title(fig, f"Training{owner}: data loss, penalty and their sum per epoch"
                 + (f" ({len(runs)} runs)" if len(runs) > 1 else ""), given is None)
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


def plot_weights(obj: Any, *, ax: Axes | None = None, axes: Sequence[Axes] | None = None,
                 bins: int = 30) -> Figure:
    """The weights: a histogram per layer of a network; a linear model's coefficients as one
    named bar each (up to 40 of them; a histogram of more).

    Parameters
    ----------
    obj : fitted estimator, or dict of str to fitted estimators
        A network (``coefs_``, one panel per weight matrix) or a linear model (``coef_``, one
        panel). A mapping label → estimator overlays the models in each panel (same bins; side
        by side bars), to compare λ's.
    ax : matplotlib Axes, optional
        For a one-panel figure (a linear model, or a network with one weight matrix).
    axes : sequence of matplotlib Axes, optional
        One per layer. Pass ``ax`` or ``axes``, not both; neither creates a new figure.
    bins : int, default=30

    Returns
    -------
    matplotlib.figure.Figure
        Per panel one step histogram per model (one patch each), labelled with its
        ``‖W‖_F``, counts on integer ticks; for at most 40 coefficients one horizontal bar per
        coefficient and model (largest at the top, named by ``feature_names_in_``).

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
    depths = {len(v) for v in mats.values()}
    if len(depths) != 1:
        raise ValueError(f"the models have different numbers of layers: {sorted(depths)}")
    n_layers = depths.pop()
    linear = not hasattr(next(iter(models.values())), "coefs_")
    given = pick_axes(ax, axes, n_layers)
    p = mats[next(iter(models))][0].size
    if linear and p <= FEW_COEFFICIENTS:   # a handful of coefficients: one bar each, named
        fig, (ax,) = axes_grid(given, 1, panel=(5.0, max(2.4, 0.9 + 0.28 * p * len(models))))
        _coefficient_bars(ax, models, mats)
        return fig
    fig, axs = axes_grid(given, n_layers, panel=(4.6, 3.4))
    if not linear:
        figure_title(fig, "Weights of each layer: histograms"
                     + (" for each λ" if len(models) > 1 else ""), given is None)
    for layer, ax in enumerate(axs):
        values = [mats[k][layer].ravel() for k in models]
        edges = np.histogram_bin_edges(np.concatenate(values), bins=bins)
        for k, (name, v) in enumerate(zip(models, values)):
            norm = np.linalg.norm(v)
            ax.hist(v, bins=edges.tolist(), histtype="step", linewidth=1.4, color=f"C{k}",
                    label=f"{name}  ‖W‖_F = {norm:.3g}".strip())
        W = mats[next(iter(models))][layer]
        if linear:
            ax.set_xlabel("coefficient")
            ax.set_title(f"{W.size} coefficients")
        else:
            ax.set_xlabel("weight")
            ax.set_title(f"layer {layer}: W of shape {W.shape[0]} × {W.shape[1]}")
        ax.set_ylabel("count")
        count_axis(ax.yaxis)
        if any(models):
            ax.legend(fontsize="x-small")
    return fig


#: up to this many coefficients a linear model's are drawn as named bars, not a histogram
FEW_COEFFICIENTS = 40


def _coefficient_bars(ax, models, mats) -> None:
    """One horizontal bar per coefficient (per model, grouped), largest first, named by the
    model's ``feature_names_in_`` where it has them."""
    first = next(iter(models.values()))
    W = [np.ravel(mats[k][0]) for k in models]
    p = W[0].size
    names = [str(n) for n in getattr(first, "feature_names_in_", [f"x{j}" for j in range(p)])]
    if len(names) != p:                              # several classes or targets: k:feature
        names = [f"{k}:{f}" for k in range(p // len(names)) for f in names]
    order = np.argsort(np.abs(W[0]))                 # the largest at the top
    height = 0.8 / len(W)
    for k, (label, w) in enumerate(zip(models, W)):
        offset = (k - (len(W) - 1) / 2) * height
        ax.barh(np.arange(p) + offset, w[order], height, color=f"C{k}",
                label=f"{label}  ‖w‖₂ = {np.linalg.norm(w):.3g}".strip())
    ax.axvline(0.0, color="0.5", linewidth=0.8)
    ax.set_yticks(np.arange(p), [names[j] for j in order], fontsize="small" if p > 15 else None)
    ax.set_xlabel("coefficient")
    ax.set_title(f"{p} coefficients" + (f" of {type(first).__name__}" if len(W) == 1 else ""))
    if any(models):
        ax.legend(fontsize="x-small")


def plot_network_path(path: NetworkPath, *, ax: Axes | None = None,
                      title: str | None = None) -> Figure:
    """A network's path: each layer's weight norm ``‖W_l‖_F`` against λ (log scale), and the
    last epoch's training data loss (and held-out data loss, when measured) on a twin axis.

    Parameters
    ----------
    path : :class:`~shrinkage.diagnostics.NetworkPath`
        From :func:`~shrinkage.diagnostics.network_path`.
    ax : matplotlib Axes, optional
    title : str, optional

    Returns
    -------
    matplotlib.figure.Figure
        One line per weight matrix (``"layer l"``) on ``fig.axes[0]``, the training data loss
        (``"training data loss"``) and, when measured, ``"held-out data loss"`` on
        ``fig.axes[1]``; ``fig.savefig(path)`` writes it.

    Examples
    --------
    >>> import numpy as np; from shrinkage import MLPRegressor
    >>> from shrinkage.diagnostics import network_path; from shrinkage.plots import plot_network_path
    >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = X.sum(axis=1)
    >>> net = MLPRegressor((8,), max_epochs=20, learning_rate=1e-2, random_state=0)
    >>> fig = plot_network_path(network_path(net, X, y, [1.0, 0.1, 0.0]))
    """
    fig, (ax,) = axes_grid(ax)
    order = np.argsort(path.lams)
    lams = path.lams[order]
    for layer in range(path.weight_norms.shape[1]):
        ax.plot(lams, path.weight_norms[order, layer], marker="o", markersize=3,
                label=f"layer {layer}")
    lam_axis(ax, lams)
    ax.set_ylabel("weight norm ‖W‖_F")
    twin = ax.twinx()
    twin.plot(lams, path.data_loss[order], color="0.3", linestyle="--", marker="s",
              markersize=3, label="training data loss")
    if np.any(np.isfinite(path.val_loss)):
        twin.plot(lams, path.val_loss[order], color="C3", linestyle=":", marker="^",
                  markersize=3, label="held-out data loss")
    twin.set_ylabel("data loss (last epoch)")
    handles = ax.get_legend_handles_labels()
    more = twin.get_legend_handles_labels()
    ax.legend(handles[0] + more[0], handles[1] + more[1], fontsize="x-small")
    ax.set_title(title if title is not None else "Network path: weight norms and training "
                 "loss against λ")
    return fig
