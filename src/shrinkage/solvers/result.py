"""The result of the sparse iterative solvers (proximal Newton, FISTA)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["SparseResult"]


@dataclass
class SparseResult:
    """A solution on the original feature scale, with its optimality certificate.

    Attributes
    ----------
    coef : ndarray of shape (n_features,) or (n_classes, n_features)
    intercept : float or ndarray of shape (n_classes,)
        Multinomial intercepts sum to zero over the classes (they are identified only up to a
        common shift).
    n_iter : int
        Outer iterations (proximal Newton or FISTA steps).
    kkt : float
        The largest subdifferential distance (and ``|∂/∂b|``), standardized coordinates: the
        certificate the solver stopped on.
    converged : bool
    n_coord_updates : int
        Coordinate updates made by an inner coordinate descent, over all steps (each costs
        ``O(n)``; with screening only the working set is swept), 0 for FISTA.
    """

    coef: np.ndarray
    intercept: float | np.ndarray
    n_iter: int
    kkt: float
    converged: bool
    n_coord_updates: int = 0
