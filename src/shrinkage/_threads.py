"""BLAS threads: one controller for the package, and the rules for when threads pay.

NumPy and SciPy load separate OpenBLAS builds, each with its own pool of spin-waiting threads.
On a busy machine their threads fighting for the cores made a memory-bound pass over ``X``
5–20× slower and a ``201 × 201`` Cholesky ~500× slower (0.2 s), so the solvers, the networks and
the cross-validation workers run their small products on one BLAS thread, and thread only the
products large enough to pay (:data:`THREADED_WORK` multiply-adds), in row blocks of
single-threaded calls (:func:`sum_over_row_blocks`).
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import pairwise

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ["THREADED_WORK", "blas_controller", "one_blas_thread", "threads_for",
           "sum_over_row_blocks"]

#: A product of fewer multiply-adds than this runs on one BLAS thread: the passes over ``X``
#: (``n·p·K``) are memory-bound, and on a busy machine waking and spinning a second thread made
#: them 5–20× slower. Forming a large Hessian (``n·p²``) keeps the threads the caller allowed.
THREADED_WORK = 50_000_000
_controller = None


def blas_controller():
    """The BLAS pools of the loaded libraries (scanned once: it costs ~ms)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


@contextmanager
def one_blas_thread():
    """BLAS pools (NumPy's and SciPy's) limited to one thread inside the block; yields the
    number of threads the caller had, for the products worth threading."""
    ctl = blas_controller()
    outer = max((lc.num_threads for lc in ctl.lib_controllers), default=1)
    if outer <= 1:
        yield 1
        return
    with ctl.limit(limits=1):
        yield outer


def threads_for(threads: int, work: float) -> int:
    """Threads worth using for a product of ``work`` multiply-adds."""
    return threads if work >= THREADED_WORK else 1


def sum_over_row_blocks(fn, n: int, threads: int):
    """``Σ_b fn(rows_b)`` over ``threads`` contiguous row blocks, computed concurrently.

    Each block is one single-threaded BLAS call, so a descheduled thread only delays its own
    block: on a busy machine OpenBLAS's own threads, which meet at a barrier many times per
    call, made the ``n × p²`` Gram product 4–10× slower than one thread; blocks are as fast as
    one thread there and twice as fast on idle cores."""
    if threads <= 1:
        return fn(slice(0, n))
    edges = np.linspace(0, n, threads + 1).astype(int)
    blocks = [slice(a, b) for a, b in pairwise(edges)]
    with ThreadPoolExecutor(threads) as pool:
        return sum(pool.map(fn, blocks))
