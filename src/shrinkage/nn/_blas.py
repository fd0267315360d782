"""In-place ``y += a·x`` without allocating a temporary per call.

Why not ``scipy.linalg.blas.?axpy``: SciPy and NumPy ship separate OpenBLAS builds, each with
its own thread pool; alternating calls between them makes the two pools' spinning threads fight
for the cores (on two busy cores a training step became ~100× slower). Everything here stays in
NumPy: ``a·x`` goes into a scratch buffer kept per thread, shape and dtype, then is added.
"""

from __future__ import annotations

import threading

import numpy as np

_local = threading.local()


def _scratch(shape, dtype) -> np.ndarray:
    cache = getattr(_local, "cache", None)
    if cache is None:
        cache = _local.cache = {}
    key = (shape, np.dtype(dtype).str)
    buf = cache.get(key)
    if buf is None:
        if len(cache) > 32:
            cache.clear()
        buf = cache[key] = np.empty(shape, dtype)
    return buf


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y += a * x`` in place (no allocation after the first call per shape); returns ``y``."""
    tmp = _scratch(x.shape, y.dtype)
    np.multiply(x, y.dtype.type(a), out=tmp, casting="same_kind")
    y += tmp
    return y
