"""Shared pieces of the figures: new axes or the caller's, the λ axis, λ markers."""

from __future__ import annotations

import numpy as np

from .._optional import require

LAM_LABEL = "λ (lam)"


#: panels per row of a new figure: a wider figure is shrunk to fit a page and its text with it
MAX_COLUMNS = 2
#: the size (inches) of one panel of a new figure
PANEL = (5.0, 3.8)


def axes_grid(ax, n: int = 1, *, figsize=None, sharey=False, panel=PANEL):
    """``(figure, list of n axes)``: the caller's (``ax`` an Axes or a sequence of them) or new
    ones, at most :data:`MAX_COLUMNS` per row (so that a figure of several panels, shown at the
    width of a page, keeps its text as large as a one-panel figure's), each ``panel`` inches."""
    if ax is not None:
        axes = list(np.ravel(np.asarray(ax, dtype=object)))
        if len(axes) < n:
            raise ValueError(f"this figure needs {n} axes, got {len(axes)}; pass axes=None to "
                             "create them or pass as many as needed")
        return axes[0].figure, axes[:n]
    plt = require("matplotlib.pyplot", "shrinkage.plots")
    ncols = min(n, MAX_COLUMNS)
    nrows = -(-n // ncols)
    fig, axs = plt.subplots(nrows, ncols, figsize=figsize or (panel[0] * ncols, panel[1] * nrows),
                            sharey=sharey, squeeze=False, layout="constrained")
    axs = list(axs.ravel())
    for extra in axs[n:]:                 # an odd number of panels: the last row has a gap
        fig.delaxes(extra)
    return fig, axs[:n]


def figure_title(fig, title: str, new: bool) -> None:
    """One title over a figure of several panels saying what it shows (``suptitle``), on a
    figure the function created (``new``); a figure the caller composes is left alone."""
    if new:
        fig.suptitle(title)


def count_axis(axis) -> None:
    """Integer ticks on an axis of counts (no 0.5 of a coefficient)."""
    from matplotlib.ticker import MaxNLocator
    axis.set_major_locator(MaxNLocator(integer=True))


def pick_axes(ax, axes, n: int):
    """The caller's axes from ``ax`` (one Axes, for a one-panel figure) or ``axes`` (a sequence,
    one per panel), or None to create them; a clear error for a wrong mix."""
    if ax is not None and axes is not None:
        raise ValueError("pass either ax (one Axes) or axes (one per panel), not both")
    if ax is not None:
        if isinstance(ax, (list, tuple, np.ndarray)):
            return ax            # a sequence given as ax: treat it as axes
        if n > 1:
            raise ValueError(f"this figure has {n} panels but ax is a single Axes; pass "
                             f"axes=[...] with {n} Axes, or neither to create them")
        return [ax]
    return axes


def lam_axis(ax, lams) -> None:
    """Log-scaled λ axis (symmetric-log when the grid holds λ = 0), labelled."""
    lams = np.asarray(lams, dtype=float)
    positive = lams[lams > 0]
    if positive.size and np.any(lams == 0):
        ax.set_xscale("symlog", linthresh=float(positive.min()))
    elif positive.size:
        ax.set_xscale("log")
    ax.set_xlabel(LAM_LABEL)


def mark_lam(ax, lam, label: str, **style):
    """A labelled vertical line at ``lam`` (its x-data is ``[lam, lam]``)."""
    style = {"color": "0.3", "linestyle": "--", "linewidth": 1.0, **style}
    return ax.axvline(float(lam), label=label, **style)


def chosen_lams(obj):
    """``(lam_min, lam_1se)`` of a fitted CV estimator, a CVResult, or a dict (None if absent).

    A plain dict without them gets them from its ``lam``, ``mean_score`` and ``se_score``.
    """
    for a, b in (("lam_min_", "lam_1se_"), ("lam_min", "lam_1se")):
        lo, hi = getattr(obj, a, None), getattr(obj, b, None)
        if lo is not None and not callable(lo):
            return float(lo), (None if hi is None else float(hi))
    if isinstance(obj, dict):
        if "lam_min" in obj:
            return float(obj["lam_min"]), (float(obj["lam_1se"]) if "lam_1se" in obj else None)
        if {"lam", "mean_score", "se_score"} <= obj.keys():
            from ..selection.rules import select
            sel = select(obj["lam"], obj["mean_score"], obj["se_score"])
            return sel.lam_min, sel.lam_1se
    return None, None


def score_label(name, values, flip: bool = True):
    """``(label, values)``: a ``neg_…`` score is shown as the positive loss it negates."""
    name = str(name) if name else "score"
    if flip and name.startswith("neg_"):
        return name[4:].replace("_", " "), -np.asarray(values, dtype=float)
    return name.replace("_", " "), np.asarray(values, dtype=float)
