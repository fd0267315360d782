"""BLAS threads: one controller for the package, and the rules for when threads pay.

NumPy and SciPy load separate OpenBLAS builds, each with its own pool of spin-waiting threads.
On a busy machine their threads fighting for the cores made a memory-bound pass over ``X``
5–20× slower and a ``201 × 201`` Cholesky ~500× slower (0.2 s), so the solvers, the networks and
the cross-validation workers run their small products on one BLAS thread, and thread only the
products large enough to pay (:data:`THREADED_WORK` multiply-adds), in row blocks of
single-threaded calls (:func:`sum_over_row_blocks`).

The thread count of a BLAS pool belongs to the whole process, so limits set from several
threads at once must not restore each other's values (threadpoolctl's ``limit`` records what it
found and puts it back on exit: two overlapping blocks in two threads left the process on one
thread for good). :func:`blas_threads` keeps one lock-protected register of the blocks open in
any thread: the first one records the libraries' thread counts, the limit in force is the
smallest any open block asked for, and the last one to leave restores what the first found.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from itertools import pairwise

import numpy as np
from threadpoolctl import ThreadpoolController

__all__ = ["NETWORK_THREADED_WORK", "THREADED_WORK", "blas_controller", "blas_threads",
           "one_blas_thread", "threads_for", "sum_over_row_blocks"]

#: A product of fewer multiply-adds than this runs on one BLAS thread: the passes over ``X``
#: (``n·p·K``) are memory-bound, and on a busy machine waking and spinning a second thread made
#: them 5–20× slower. Forming a large Hessian (``n·p²``) keeps the threads the caller allowed.
THREADED_WORK = 50_000_000
#: A network's training keeps BLAS's default threads from this many multiply-adds in its
#: largest per-batch product (``batch_size · d_l · d_{l+1}``), else one thread. Its GEMMs are
#: compute-bound: on an idle 2-core machine two threads made an epoch (784-h-10, 60,000 rows)
#: 14–17 % faster at 2.6·10⁷ (h = 256) and 27 % at 5.1·10⁷, but gained nothing at 1.3·10⁷
#: (h = 128: 0.94 and 1.04 in two runs), 3 % below 10⁷ and lost 14–27 % on many small products
#: (batch 32; benchmarks/network_threads.py). On a machine whose cores are busy,
#: ``n_threads=1`` avoids threads that wait for each other.
NETWORK_THREADED_WORK = 20_000_000
_controller = None
_lock = threading.Lock()
_open = {}          # token -> the limit asked for by each block open now, in any thread
_found = None       # the libraries' thread counts before the first open block
_applied = None     # the limit in force (the smallest asked for), None when no block is open


def _reset_after_fork():
    # a forked child has none of its parent's threads: no block is open there, and the lock
    # may have been held by a thread that does not exist in the child
    global _lock, _found, _applied
    _lock, _found, _applied = threading.Lock(), None, None
    _open.clear()


os.register_at_fork(after_in_child=_reset_after_fork)


def blas_controller():
    """The BLAS pools of the loaded libraries (scanned once: it costs ~ms)."""
    global _controller
    if _controller is None:
        _controller = ThreadpoolController().select(user_api="blas")
    return _controller


def _set(lc, n):
    # threadpoolctl >= 3.8 lets only the first thread that sets OpenBLAS's process-wide pool
    # change it while that thread lives, and silently ignores the others: the last block to
    # leave could then not restore. The register makes every change under its own lock, so it
    # calls the library's setter itself.
    getattr(lc, "_real_set_num_threads", lc.set_num_threads)(n)


def _apply(ctl, limit):
    global _applied
    if limit != _applied:
        for lc in ctl.lib_controllers:
            _set(lc, limit)
        _applied = limit


@contextmanager
def blas_threads(limit: int | None):
    """BLAS pools (NumPy's and SciPy's) limited to ``limit`` threads inside the block, safely
    when blocks open and close in several threads at once (module docstring).

    While blocks are open in any thread the limit in force is the smallest they asked for;
    when the last one closes, every library gets back the thread count found when the first
    opened. ``limit=None`` limits nothing.

    Yields
    ------
    int
        The threads in force when the block opened (the caller's), for the products worth
        threading (:func:`threads_for`).
    """
    global _found, _applied
    ctl = blas_controller()
    if limit is None:
        yield _applied if _applied is not None else max(
            (lc.num_threads for lc in ctl.lib_controllers), default=1)
        return
    token = object()
    try:
        with _lock:
            if not _open:
                _found = [lc.num_threads for lc in ctl.lib_controllers]
                outer = max(_found, default=1)
                _applied = outer if len(set(_found)) == 1 else None
            else:
                outer = _applied
            _open[token] = int(limit)
            _apply(ctl, min(_open.values()))
        yield outer
    finally:
        with _lock:
            if _open.pop(token, None) is not None:
                if _open:
                    _apply(ctl, min(_open.values()))
                else:
                    for lc, n in zip(ctl.lib_controllers, _found):
                        _set(lc, n)
                    _found = _applied = None


def one_blas_thread():
    """:func:`blas_threads` with a limit of one thread: yields the threads the caller had."""
    return blas_threads(1)


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
