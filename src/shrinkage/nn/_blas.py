"""In-place elementwise updates (``y += a·x`` and the optimizers' one-pass kernels' plumbing).

Training a small network is a few hundred tiny array operations per step, so what a step costs
is mostly NumPy's per-call overhead, not arithmetic. The hot updates are therefore numba
kernels making one pass over flat arrays (:func:`flat` gives the 1-D views they take); arrays
that are not C-contiguous with one float dtype fall back to the NumPy formulas.

Why not ``scipy.linalg.blas.?axpy``: SciPy and NumPy ship separate OpenBLAS builds, each with
its own thread pool; alternating calls between them makes the two pools' spinning threads fight
for the cores (on two busy cores a training step became ~100× slower). Numba kernels start no
threads. The NumPy fallback of :func:`axpy` puts ``a·x`` into a scratch buffer kept per thread,
shape and dtype, then adds it.
"""

from __future__ import annotations

import threading

import numpy as np
from numba import njit

_local = threading.local()


def flat(*arrays: np.ndarray) -> list | None:
    """1-D views of ``arrays`` if all are C-contiguous of one shape and float dtype, else ``None``."""
    dtype, shape = arrays[0].dtype, arrays[0].shape
    if dtype.char not in "fd":            # float32, float64 (a dtype's `in` test costs 10×)
        return None
    for a in arrays:
        if a.dtype != dtype or a.shape != shape or not a.flags.c_contiguous:
            return None
    return [a.ravel() for a in arrays]   # views: C-contiguous


@njit(cache=True, nogil=True, error_model="numpy")
def _axpy_kernel(a, x, y):
    a = y.dtype.type(a)
    for i in range(y.shape[0]):
        y[i] += a * x[i]


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


#: In the NumPy fallback, arrays longer than this are updated in blocks of this many elements, so
#: the scratch buffer stays small (256 KiB in float32) instead of the size of the largest weight
#: matrix; measured as fast as one whole-array pass on a 784 × 256 matrix.
BLOCK = 65_536


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y += a * x`` in place (``a`` in ``y``'s dtype, no allocation); returns ``y``."""
    views = flat(x, y)
    if views is not None:
        _axpy_kernel(float(a), *views)
        return y
    a = y.dtype.type(a)
    if x.size <= BLOCK or not (x.flags.c_contiguous and y.flags.c_contiguous):
        tmp = _scratch(x.shape, y.dtype)
        np.multiply(x, a, out=tmp, casting="same_kind")
        y += tmp
        return y
    xf, yf = x.reshape(-1), y.reshape(-1)
    buf = _scratch((BLOCK,), y.dtype)
    for start in range(0, xf.shape[0], BLOCK):
        xs, ys = xf[start:start + BLOCK], yf[start:start + BLOCK]
        tmp = buf[:xs.shape[0]]
        np.multiply(xs, a, out=tmp, casting="same_kind")
        ys += tmp
    return y
