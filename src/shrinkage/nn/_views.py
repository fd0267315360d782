"""A fitted network's ``.plot()``: its training history (or its weights), drawn by
:mod:`shrinkage.plots`, imported on first call (``from shrinkage import MLPRegressor`` loads no
matplotlib; :mod:`shrinkage.plots` imports nothing of ``nn``, so there is no import circle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:                      # names for the annotations only
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

__all__ = ["NetworkViews"]


class NetworkViews:
    """``plot()`` for the networks."""

    def plot(self, kind: str = "history", *, ax: Axes | None = None, axes: Any = None,
             **kwargs: Any) -> Figure:
        """Draw the fitted network: its training history or its weights.

        Needs matplotlib (``pip install "shrinkage[plots]"``). The figure is not shown or
        saved: ``fig = net.plot(); fig.savefig("history.png")`` writes it.

        Parameters
        ----------
        kind : {"history", "weights"}, default="history"
            ``"history"``: data loss, penalty and their sum per epoch (and the validation
            loss when one was held out), :func:`~shrinkage.plots.plot_history`.
            ``"weights"``: a histogram of each layer's weights,
            :func:`~shrinkage.plots.plot_weights`.
        ax : matplotlib Axes, optional
            Draw there (``"history"``, or ``"weights"`` of a one-layer network); by default on
            a new figure.
        axes : sequence of matplotlib Axes, optional
            For ``"weights"``: one per layer.
        **kwargs
            Passed on (``logy=`` for the history, ``bins=`` for the weights).

        Returns
        -------
        matplotlib.figure.Figure

        Examples
        --------
        >>> import numpy as np; from shrinkage import MLPRegressor
        >>> X = np.random.default_rng(0).normal(size=(60, 3)); y = X.sum(axis=1)
        >>> net = MLPRegressor((8,), lam=0.01, max_epochs=10, random_state=0).fit(X, y)
        >>> fig = net.plot()                      # loss per epoch
        >>> fig.savefig("history.png")            # doctest: +SKIP
        """
        from sklearn.utils.validation import check_is_fitted

        from ..plots import plot_history, plot_weights
        check_is_fitted(self, "coefs_")
        if kind == "history":
            return plot_history(self, ax=ax, axes=axes, **kwargs)
        if kind == "weights":
            return plot_weights(self, ax=ax, axes=axes, **kwargs)
        raise ValueError(f"kind must be 'history' or 'weights', got {kind!r}")
