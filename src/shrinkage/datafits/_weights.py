"""Sample weights normalised to sum to one: the ``s_i / S`` of :mod:`shrinkage.conventions`."""

from __future__ import annotations

import numpy as np

__all__ = ["normalized_weights"]


def normalized_weights(sample_weight, n_samples: int, dtype=np.float64) -> np.ndarray:
    """Sample weights divided by their sum (uniform ``1/n`` when ``sample_weight`` is None).

    Parameters
    ----------
    sample_weight : array-like of shape (n_samples,) or None
    n_samples : int
    dtype : numpy dtype, default=float64

    Returns
    -------
    sw : ndarray of shape (n_samples,)
        Non-negative, summing to one: rescaling every weight changes nothing.
    """
    if sample_weight is None:
        return np.full(n_samples, 1.0 / n_samples, dtype=dtype)
    sw = np.asarray(sample_weight, dtype=dtype)
    return sw / sw.sum()
