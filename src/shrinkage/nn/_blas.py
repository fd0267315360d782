"""In-place elementwise updates: ``y += a·x`` and the plumbing of the optimizers' one-pass kernels.

Training a small network is a few hundred tiny array operations per step, so what a step costs
is mostly NumPy's per-call overhead, not arithmetic. The hot updates are therefore numba
kernels making one pass over flat arrays (:func:`flat` gives the 1-D views they take). Each
update has that one kernel and no second formula: arrays that are not C-contiguous with one
float dtype are copied into arrays that are, and back (:func:`on_flat`), a path only arrays from
outside a network take.

Why not ``scipy.linalg.blas.?axpy``: SciPy and NumPy ship separate OpenBLAS builds, each with
its own thread pool; alternating calls between them makes the two pools' spinning threads fight
for the cores (on two busy cores a training step became ~100× slower). Numba kernels start no
threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["flat", "on_flat", "axpy"]


def flat(*arrays: np.ndarray) -> list | None:
    """1-D views of ``arrays`` if all are C-contiguous of one shape and float dtype, else ``None``."""
    dtype, shape = arrays[0].dtype, arrays[0].shape
    if dtype.char not in "fd":            # float32, float64 (a dtype's `in` test costs 10×)
        return None
    for a in arrays:
        if a.dtype != dtype or a.shape != shape or not a.flags.c_contiguous:
            return None
    return [a.ravel() for a in arrays]   # views: C-contiguous


def on_flat(kernel, arrays, *args) -> None:
    """``kernel(*views, *args)`` on the flat views of ``arrays`` (updated in place).

    Arrays that are not flat (:func:`flat`) are copied into C-contiguous arrays of their common
    float dtype, the kernel runs on those, and the writeable ones are copied back.
    """
    views = flat(*arrays)
    if views is not None:
        kernel(*views, *args)
        return
    shape = arrays[0].shape
    if any(a.shape != shape for a in arrays):     # the kernels trust their lengths
        raise ValueError(f"arrays of shapes {[a.shape for a in arrays]} cannot be updated "
                         "together; they must have one shape")
    dtype = np.result_type(*arrays)
    dtype = dtype if dtype.char in "fd" else np.dtype(np.float64)
    copies = [np.array(a, dtype=dtype, order="C") for a in arrays]
    kernel(*[c.ravel() for c in copies], *args)
    for a, c in zip(arrays, copies):
        if a.flags.writeable:
            np.copyto(a, c, casting="same_kind")


@njit(cache=True, nogil=True, error_model="numpy")
def _axpy_kernel(x, y, a):
    a = y.dtype.type(a)
    for i in range(y.shape[0]):
        y[i] += a * x[i]


def axpy(a: float, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """``y += a * x`` in place (``a`` in ``y``'s dtype, no allocation); returns ``y``."""
    on_flat(_axpy_kernel, (x, y), float(a))
    return y
