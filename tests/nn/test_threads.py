"""BLAS thread limits are per call and safe across threads: fitting networks in many threads
at once leaves the process's BLAS pools as it found them, and the fits equal sequential ones."""

import json
import os
import subprocess
import sys
import textwrap
import threading

import pytest

import shrinkage._threads as T
from shrinkage._threads import blas_controller, blas_threads, one_blas_thread

# In a fresh process, so that no BLAS limit was ever set from the main thread (the tests'
# fixture sets one there; some OpenBLAS builds then ignore limits set from other threads).
# Thread i opens its limit (inside ``fit``) after thread i−1 has, all are inside before any
# leaves, and they leave in the order they came: the last to leave is not the one that found
# the process's setting, so threadpoolctl's own limit restored a stale 1 for good.
_CONCURRENT_FITS = textwrap.dedent("""
    import json, threading
    from concurrent.futures import ThreadPoolExecutor
    import numpy as np
    from threadpoolctl import threadpool_info
    from shrinkage.nn import MLPRegressor
    from shrinkage.nn.training import Trainer

    N = 20
    def counts():
        return [m["num_threads"] for m in threadpool_info() if m["user_api"] == "blas"]
    rng = np.random.default_rng(0)
    X = rng.normal(size=(60, 4))
    y = X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=60)
    def fit(seed):
        return MLPRegressor((8,), max_epochs=5, learning_rate=1e-2, random_state=seed).fit(X, y)
    entered = [threading.Event() for _ in range(N)]
    leave = [threading.Event() for _ in range(N)]
    local = threading.local()
    run = Trainer.run
    def ordered_run(self, *args, **kw):
        i = local.i
        entered[i].set()
        if i == N - 1:
            leave[0].set()
        assert leave[i].wait(60)
        try:
            return run(self, *args, **kw)
        finally:
            if i + 1 < N:
                leave[i + 1].set()
    def fit_in_turn(i):
        if i:
            assert entered[i - 1].wait(60)
        local.i = i
        return fit(i)
    before = counts()
    Trainer.run = ordered_run
    with ThreadPoolExecutor(N) as pool:
        nets = list(pool.map(fit_in_turn, range(N)))
    Trainer.run = run
    with ThreadPoolExecutor(N) as pool:         # and free-running, twice as many
        list(pool.map(fit, range(2 * N)))
    after = counts()
    diff = max(float(np.max(np.abs(a - b))) for i, net in enumerate(nets)
               for a, b in zip(net.coefs_ + net.intercepts_, fit(i).coefs_ + fit(i).intercepts_))
    print(json.dumps({"before": before, "after": after, "diff": diff}))
""")


def test_fits_in_20_threads_leave_the_process_blas_threads_as_they_were():
    env = {k: v for k, v in os.environ.items() if not k.endswith("_NUM_THREADS")}
    out = subprocess.run([sys.executable, "-c", _CONCURRENT_FITS], env=env, capture_output=True,
                         text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    res = json.loads(out.stdout.strip().splitlines()[-1])
    if not res["before"] or min(res["before"]) < 2:
        pytest.skip("BLAS runs on one thread here: no limit to leave behind")
    assert res["after"] == res["before"]
    assert res["diff"] == 0.0              # each fit equals the same fit run alone


class _Lib:
    def __init__(self, n):
        self.num_threads, self.calls = n, []

    def set_num_threads(self, n):
        self.calls.append(n)
        self.num_threads = n


class _Controller:
    def __init__(self, *counts):
        self.lib_controllers = [_Lib(n) for n in counts]


@pytest.fixture
def fake_blas(monkeypatch):
    ctl = _Controller(3, 4)                  # NumPy's and SciPy's pools may differ
    monkeypatch.setattr(T, "_controller", ctl)
    return ctl


def _now(ctl):
    return [lc.num_threads for lc in ctl.lib_controllers]


def test_overlapping_blocks_in_two_threads_keep_the_smallest_and_the_last_restores(fake_blas):
    a_in, b_in, a_out = threading.Event(), threading.Event(), threading.Event()
    seen = {}

    def a():
        with blas_threads(2) as outer:
            seen["a"] = outer, _now(fake_blas)
            a_in.set()
            assert b_in.wait(30)
        seen["a left"] = _now(fake_blas)
        a_out.set()

    def b():
        assert a_in.wait(30)
        with one_blas_thread() as outer:
            seen["b"] = outer, _now(fake_blas)
            b_in.set()
            assert a_out.wait(30)
        seen["b left"] = _now(fake_blas)

    threads = [threading.Thread(target=f) for f in (a, b)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert seen["a"] == (4, [2, 2])          # found 3 and 4; limited to 2
    assert seen["b"] == (2, [1, 1])          # found a's 2; limited to 1
    assert seen["a left"] == [1, 1]          # a left first: b's limit still holds
    assert seen["b left"] == [3, 4]          # b, the last, restores what a found
    with blas_threads(None) as outer:        # no limit: nothing set
        assert outer == 4 and _now(fake_blas) == [3, 4]


def test_nested_blocks_in_one_thread_restore_in_turn(fake_blas):
    with blas_threads(2):
        with one_blas_thread() as outer:
            assert outer == 2 and _now(fake_blas) == [1, 1]
        assert _now(fake_blas) == [2, 2]
        with blas_threads(3):                # a larger inner request does not raise the limit
            assert _now(fake_blas) == [2, 2]
    assert _now(fake_blas) == [3, 4]


def test_an_interrupt_inside_a_block_still_restores(fake_blas):
    with pytest.raises(KeyboardInterrupt):
        with one_blas_thread():
            raise KeyboardInterrupt
    assert _now(fake_blas) == [3, 4] and not T._open


def test_the_real_pools_are_limited_and_restored_in_the_main_thread():
    ctl = blas_controller()
    before = [lc.num_threads for lc in ctl.lib_controllers]
    with one_blas_thread():
        assert all(lc.num_threads == 1 for lc in ctl.lib_controllers)
    assert [lc.num_threads for lc in ctl.lib_controllers] == before
