"""Figures of what λ does (matplotlib).

Every function takes a fitted estimator or a result, draws on the caller's ``ax`` (one Axes) or,
for figures of several panels, ``axes`` (one Axes per panel; ``ax`` is accepted when the figure
has a single panel), or on new ones, and returns the :class:`~matplotlib.figure.Figure`. λ is
on a log axis labelled ``"λ (lam)"`` (symmetric-log when the grid holds 0).

=======================  =====================================================================
:func:`plot_cv`          CV curve with standard-error bars, λ_min and λ_1se marked
:func:`plot_path`        regularization path, df on a twin axis
:func:`plot_bias_variance`  bias², variance, noise and test error against λ
:func:`plot_l1_vs_l2`    L1 and L2 coefficients side by side
:func:`plot_history`     a network's data loss, penalty and total per epoch
:func:`plot_weights`     weight histograms per layer (or a linear model's coefficients)
:func:`plot_network_path`  a network's weight norms and training loss against λ
:func:`plot_residuals`   residuals against fitted values and a normal Q-Q plot (regression)
:func:`plot_classification`  ROC and calibration curves (classifiers)
=======================  =====================================================================
"""

from .curves import plot_bias_variance, plot_cv, plot_l1_vs_l2, plot_path
from .fit import plot_classification, plot_residuals
from .training import plot_history, plot_network_path, plot_weights

__all__ = ["plot_cv", "plot_path", "plot_bias_variance", "plot_l1_vs_l2", "plot_history",
           "plot_weights", "plot_residuals", "plot_classification", "plot_network_path"]
