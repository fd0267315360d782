"""The training loop: history identities, coupled = decoupled under SGD, early stopping,
checkpoint/resume, Ctrl-C, and adaptive λ."""

import os

import numpy as np
import pytest

from shrinkage.nn import MLP, LayerPenalty
from shrinkage.nn.adaptive import HypergradientLam, PlateauLam
from shrinkage.nn.optimizers import adam, sgd
from shrinkage.nn.training import HISTORY_KEYS, Trainer


def _classification(n=120, p=6, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, p))
    y = (X[:, 0] + 0.5 * X[:, 1] ** 2 + 0.3 * rng.normal(size=n) > 0.5).astype(np.int64)
    return X, y


def _trainer(lam=1e-2, opt=None, net_seed=0, **kw):
    net = MLP([6, 16, 8, 2], activation="tanh", dtype=np.float64, random_state=net_seed)
    pen = LayerPenalty(lam, net.layer_names)
    return Trainer(net, pen, opt or sgd(0.1, momentum=0.9), batch_size=32, random_state=1,
                   learning_rate=lambda t: 0.1, **kw)


def test_history_is_honest_about_the_end_of_epoch_weights():
    X, y = _classification()
    tr = _trainer().run(X, y, X[:30], y[:30], epochs=4)
    h = tr.history
    assert set(HISTORY_KEYS) <= set(h) and all(len(v) == 4 for v in h.values())
    for d, p, l in zip(h["data_loss"], h["penalty"], h["loss"]):
        assert l == pytest.approx(d + p, rel=1e-15, abs=0)
    params = tr.net.params
    assert h["data_loss"][-1] == pytest.approx(tr.net.data_loss(X, y), rel=1e-12)
    assert h["penalty"][-1] == pytest.approx(0.01 * sum(np.sum(W**2) for W in params[0::2]), rel=1e-12)
    np.testing.assert_allclose(h["weight_norms"][-1], [np.linalg.norm(W) for W in params[0::2]])
    assert h["lam"][-1] == [0.01, 0.01, 0.01]
    assert h["decay"] == [0.0] * 4 and np.isnan(h["val_score"][-1])
    assert h["val_loss"][-1] == pytest.approx(tr.net.data_loss(X[:30], y[:30]), rel=1e-12)


def test_running_train_loss_is_the_mean_of_batch_losses():
    X, y = _classification()
    tr = _trainer(train_loss="running", shuffle=False)
    ref = _trainer(shuffle=False)                    # same initial weights (same seed)
    opt = sgd(0.1, momentum=0.9)                     # the trainer's, with the L2 added by hand
    state = opt.init(ref.net.params)
    batch_losses = []
    for start in range(0, 120, 32):     # replay the epoch by hand
        Xb, yb = X[start:start + 32], y[start:start + 32]
        batch_losses.append(len(yb) * ref.net.loss_and_grad(Xb, yb))
        ref.penalty.add_gradient(ref.net.params, ref.net.grads)
        u, state = opt.update(ref.net.grads, state, ref.net.params)
        for p, d in zip(ref.net.params, u):
            p += d
    tr.run(X, y, epochs=1)
    assert tr.history["data_loss"][0] == pytest.approx(sum(batch_losses) / 120, rel=1e-12)
    for a, b in zip(tr.net.params, ref.net.params):
        np.testing.assert_allclose(a, b, rtol=1e-12)


class _Recorder:
    def __init__(self):
        self.params = []

    def on_batch_end(self, trainer):
        self.params.append([p.copy() for p in trainer.net.params])


def test_l2_in_the_loss_under_sgd_equals_decoupled_decay_step_for_step():
    """λ‖W‖² in the loss with plain SGD ⇔ decoupled decay wd = 2λ, i.e. 2·λ·lr per step."""
    X, y = _classification()
    lam, lr = 0.05, 0.1
    a, b = _Recorder(), _Recorder()
    coupled = _trainer(lam, sgd(lr), callbacks=[a])
    decoupled = _trainer(0.0, sgd(lr, weight_decay=2 * lam), weight_decay=2 * lam, callbacks=[b])
    coupled.run(X, y, epochs=3)
    decoupled.run(X, y, epochs=3)
    assert len(a.params) == 12
    for pa, pb in zip(a.params, b.params):
        for x, z in zip(pa, pb):
            np.testing.assert_allclose(x, z, rtol=1e-11, atol=1e-13)
    # the decay entry: each epoch's 4 steps shrink every weight by (1 − 2λ·lr)
    np.testing.assert_allclose(decoupled.history["decay"], 1 - (1 - 2 * lam * lr) ** 4)
    assert decoupled.history["penalty"] == [0.0] * 3


def test_early_stopping_restores_the_best_weights():
    X, y = _classification(n=60, seed=3)
    Xv, yv = _classification(n=200, seed=4)
    tr = _trainer(0.0, adam(0.02), early_stopping=True, patience=3)
    tr.run(X, y, Xv, yv, epochs=200)
    h = tr.history
    assert tr.stopped and len(h["epoch"]) < 200
    best = int(np.argmin(h["val_loss"]))
    assert len(h["epoch"]) == best + 1 + 3          # stopped `patience` epochs after the best
    assert tr.net.data_loss(Xv, yv) == pytest.approx(h["val_loss"][best], rel=1e-12)


def test_keyboard_interrupt_stops_cleanly_with_the_best_weights():
    X, y = _classification()

    class Interrupt:
        def on_batch_end(self, trainer):
            if trainer.step == 4 * 3 + 2:           # inside epoch 4 (4 batches per epoch)
                raise KeyboardInterrupt

    tr = _trainer(callbacks=[Interrupt()])
    with pytest.warns(RuntimeWarning, match="interrupted during epoch 4"):
        tr.run(X, y, X[:40], y[:40], epochs=10)
    assert tr.interrupted and tr.history["epoch"] == [1, 2, 3]
    for p, q in zip(tr.net.params, tr.best_params):
        np.testing.assert_array_equal(p, q)
    assert tr.net.data_loss(X[:40], y[:40]) == pytest.approx(min(tr.history["val_loss"]), rel=1e-12)


@pytest.mark.parametrize("opt", [lambda: adam(0.01), lambda: sgd(0.1, momentum=0.9, nesterov=True)])
def test_checkpoint_and_resume_reproduce_an_uninterrupted_run(tmp_path, opt):
    X, y = _classification()
    path = tmp_path / "ckpt.npz"
    straight = _trainer(opt=opt(), adaptive_lam=HypergradientLam()).run(X, y, X[:30], y[:30], epochs=6)
    first = _trainer(opt=opt(), adaptive_lam=HypergradientLam(), checkpoint=path)
    first.run(X, y, X[:30], y[:30], epochs=3)
    assert sorted(os.listdir(tmp_path)) == ["ckpt.npz"]      # no temporary left behind
    resumed = _trainer(opt=opt(), adaptive_lam=HypergradientLam(), net_seed=99)
    resumed.load_checkpoint(path).run(X, y, X[:30], y[:30], epochs=3)
    for p, q in zip(straight.net.params, resumed.net.params):
        np.testing.assert_array_equal(p, q)
    for k in HISTORY_KEYS:
        np.testing.assert_array_equal(np.asarray(straight.history[k]), np.asarray(resumed.history[k]))


def test_corrupted_or_mismatched_checkpoint_is_refused(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file")
    with pytest.raises(ValueError, match="corrupted: delete it"):
        _trainer().load_checkpoint(bad)
    X, y = _classification()
    good = tmp_path / "good.npz"
    _trainer(checkpoint=good).run(X, y, epochs=1)
    other = Trainer(MLP([6, 4, 2], dtype=np.float64), LayerPenalty(0.0, ["dense_0", "dense_1"]),
                    sgd(0.1))
    with pytest.raises(ValueError, match=r"is for layers \[6, 16, 8, 2\]"):
        other.load_checkpoint(good)


# -- adaptive λ ---------------------------------------------------------------------------------
def _overfitting_regression(seed=0):
    """50 rows, 30 features (6 informative): a 30-128-128-1 network memorises it."""
    rng = np.random.default_rng(seed)
    w = rng.normal(size=30) * (rng.random(30) < 0.2)
    make = lambda n: (lambda X: (X, (X @ w + 0.5 * rng.normal(size=n))[:, None]))(rng.normal(size=(n, 30)))
    return make(50), make(100)


def _regression_trainer(rule):
    net = MLP([30, 128, 128, 1], head="squared", dtype=np.float64, random_state=0)
    return Trainer(net, LayerPenalty(0.0, net.layer_names), adam(1e-3), batch_size=20,
                   random_state=0, adaptive_lam=rule, learning_rate=lambda t: 1e-3)


def test_adaptive_lam_ends_with_lower_validation_loss_than_no_penalty():
    (X, y), (Xv, yv) = _overfitting_regression()
    none = _regression_trainer(None).run(X, y, Xv, yv, epochs=100).history
    assert none["data_loss"][-1] < 1e-3 < none["val_loss"][-1]          # it overfits
    for rule in (HypergradientLam(), PlateauLam()):
        h = _regression_trainer(rule).run(X, y, Xv, yv, epochs=100).history
        assert h["val_loss"][-1] < 0.9 * none["val_loss"][-1], type(rule).__name__
        assert len({tuple(l) for l in h["lam"]}) > 2                     # λ moved, per epoch


def test_hypergradient_matches_finite_differences_of_one_sgd_step():
    """∂V(W⁺)/∂log λ_l = −2ηλ_l⟨∇V, W_l⟩ to first order in η (W⁺ = W − η(∇L + 2λW))."""
    (X, y), (Xv, yv) = _overfitting_regression(seed=1)
    lr = 1e-4
    tr = _regression_trainer(None)
    tr.learning_rate = lambda t: lr
    tr.penalty.lams[:] = [0.3, 0.1, 0.5]
    W0 = [p.copy() for p in tr.net.params]
    tr.net.loss_and_grad(X, y)
    gL = [g.copy() for g in tr.net.grads]

    def V_after_step(lams):
        tr.net.set_params([w - lr * (g + (2 * lams[i // 2] * w if i % 2 == 0 else 0))
                           for i, (w, g) in enumerate(zip(W0, gL))])
        v = tr.net.data_loss(Xv, yv)
        tr.net.set_params(W0)
        return v

    hyper = HypergradientLam().hypergradient(tr, Xv, yv)
    for l in range(3):
        eps = 1e-4
        up, down = tr.penalty.lams.copy(), tr.penalty.lams.copy()
        up[l] *= np.exp(eps)
        down[l] *= np.exp(-eps)
        fd = (V_after_step(up) - V_after_step(down)) / (2 * eps)
        assert hyper[l] == pytest.approx(fd, rel=1e-2)
