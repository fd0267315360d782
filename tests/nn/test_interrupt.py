"""Ctrl-C is atomic with respect to an epoch's bookkeeping.

A ``KeyboardInterrupt`` is injected at every call made from the package's code while an epoch
runs (the optimizer steps, the history entry, the best weights, adaptive λ, callbacks, the
checkpoint), one run per call point, until a run completes: each interrupted run must leave a
rectangular history equal to the uninterrupted run's first epochs, an epoch count equal to its
length, adaptive λ where those epochs left it, the best epoch's weights, and a plottable history.
"""

import os
import sys
import warnings

import numpy as np

import shrinkage
from shrinkage.nn import MLP, LayerPenalty, MLPRegressor
from shrinkage.nn.adaptive import HypergradientLam
from shrinkage.nn.optimizers import sgd
from shrinkage.nn.training import HISTORY_KEYS, Trainer
from shrinkage.plots import plot_history

SRC = os.path.dirname(shrinkage.__file__)


class _InterruptAt:
    """A profile function raising ``KeyboardInterrupt`` at the ``k``-th call whose caller is
    the package's code (CPython then turns the profiler off)."""

    def __init__(self, k):
        self.k, self.n, self.fired = k, 0, False

    def __call__(self, frame, event, arg):
        if event == "call":
            frame = frame.f_back
        elif event != "c_call":
            return
        if frame is not None and frame.f_code.co_filename.startswith(SRC):
            self.n += 1
            if self.n == self.k:
                self.fired = True
                raise KeyboardInterrupt


def _every_interrupt(run):
    """``run(profiler)`` once per call point, the k-th call interrupted, until one completes;
    yields the value of every interrupted run; returns the number of call points."""
    k = 1
    while True:
        prof = _InterruptAt(k)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = run(prof)
        if not prof.fired:
            return k - 1
        yield out
        k += 1


def _profiled(prof, fn, *args, **kw):
    sys.setprofile(prof)
    try:
        return fn(*args, **kw)
    finally:
        sys.setprofile(None)


def _data(n=24, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = (X[:, 0] - X[:, 1] ** 2 + 0.3 * rng.normal(size=n) > 0).astype(np.int64)
    return X, y


class _Counter:
    def __init__(self):
        self.epochs = 0

    def on_epoch_end(self, trainer):
        self.epochs += 1


def _trainer(tmp_path):
    net = MLP([3, 4, 2], activation="tanh", dtype=np.float64, random_state=0)
    return Trainer(net, LayerPenalty(1e-2, net.layer_names), sgd(0.3, momentum=0.9),
                   batch_size=12, random_state=1, learning_rate=lambda t: 0.3,
                   adaptive_lam=HypergradientLam(step=0.5), callbacks=[_Counter()],
                   checkpoint=tmp_path / "ckpt.npz", checkpoint_every=2)


EPOCHS = 3


def _assert_plots(obj, n_epochs):
    lines = plot_history(obj).axes[0].get_lines()
    assert len(lines) >= 3 and {len(line.get_xdata()) for line in lines} == {n_epochs}


def _assert_consistent(history, n_epochs, ref_history):
    assert {len(v) for v in history.values()} == {n_epochs}
    assert history["epoch"] == list(range(1, n_epochs + 1))
    for key in HISTORY_KEYS:
        np.testing.assert_array_equal(np.asarray(history[key]),
                                      np.asarray(ref_history[key][:n_epochs]))


def test_an_interrupt_at_any_call_of_the_trainer_leaves_a_consistent_state(tmp_path):
    X, y = _data()
    Xv, yv = _data(12, seed=1)
    ref = _trainer(tmp_path)
    ref.run(X, y, Xv, yv, epochs=EPOCHS)
    lams_after = ref.history["lam"] + [ref.penalty.lams.tolist()]   # λ after c epochs
    plotted = set()

    work = tmp_path / "work"
    work.mkdir()

    def interrupted_run(prof):
        for f in work.iterdir():
            f.unlink()
        tr = _trainer(work)
        _profiled(prof, tr.run, X, y, Xv, yv, epochs=EPOCHS)
        return tr

    gen = _every_interrupt(interrupted_run)
    n_runs = 0
    for tr in gen:
        n_runs += 1
        c = tr.epoch
        assert tr.interrupted
        _assert_consistent(tr.history, c, ref.history)
        np.testing.assert_array_equal(tr.penalty.lams, lams_after[c])
        assert tr.callbacks[0].epochs in (c, c - 1 if c else 0)   # a callback may be cut short
        if c:
            best = int(np.argmin(tr.history["val_loss"])) + 1
            assert tr.best_epoch == best
            for p, b in zip(tr.net.params, tr.best_params):
                np.testing.assert_array_equal(p, b)
            assert tr.net.data_loss(Xv, yv) == tr.history["val_loss"][best - 1]
        else:
            assert tr.best_params is None
        files = sorted(os.listdir(work))
        assert files in ([], ["ckpt.npz"]), files                 # no temporary left behind
        if files:                                                  # the last complete write
            back = _trainer(tmp_path).load_checkpoint(work / "ckpt.npz")
            assert back.epoch == 2 and c >= 2
            _assert_consistent(back.history, back.epoch, ref.history)
        if c not in plotted:
            plotted.add(c)
            _assert_plots(tr.history, c)
    assert n_runs > 200 and plotted == set(range(EPOCHS + 1))


def test_an_interrupt_at_any_call_of_a_network_fit_leaves_a_consistent_model():
    X, y = _data(40)
    y = X[:, 0] - X[:, 1] ** 2
    Xv, yv = X[:10] + 0.1, y[:10]

    def net():
        return MLPRegressor((4,), max_epochs=EPOCHS, batch_size=20, learning_rate=0.05,
                            adaptive_lam="hypergradient", early_stopping=True, patience=5,
                            dtype="float64", random_state=0)

    ref = net().fit(X, y, X_val=Xv, y_val=yv)
    run = Trainer.run
    plotted = set()

    def interrupted_fit(prof):
        Trainer.run = lambda self, *a, **kw: _profiled(prof, run, self, *a, **kw)
        try:
            return net().fit(X, y, X_val=Xv, y_val=yv)
        finally:
            Trainer.run = run

    n_runs = 0
    for est in _every_interrupt(interrupted_fit):
        n_runs += 1
        c = est.n_iter_
        assert est.interrupted_
        _assert_consistent(est.history_, c, ref.history_)
        if c:
            best = int(np.argmin(est.history_["val_loss"])) + 1
            assert est.best_epoch_ == best
            pred = est.net_.data_loss(np.asarray(Xv), yv.reshape(-1, 1))
            assert pred == est.history_["val_loss"][best - 1]
        if c not in plotted:
            plotted.add(c)
            _assert_plots(est, c)
    assert n_runs > 100 and plotted == set(range(EPOCHS + 1))
