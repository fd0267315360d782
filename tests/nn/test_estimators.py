"""MLPClassifier / MLPRegressor: scikit-learn's MLP objective at the converted strength,
training options through the estimator API, bad input."""

import pickle
import warnings

import numpy as np
import pytest
from sklearn.datasets import make_classification, make_regression
from sklearn.exceptions import ConvergenceWarning
from threadpoolctl import threadpool_info, threadpool_limits

from shrinkage import convert_strength
from shrinkage.nn import MLPClassifier, MLPRegressor


def _sklearn_loss(ref, X, y):
    """scikit-learn's own training objective (data loss + (α/2n)Σ‖W‖²) at its current weights."""
    sizes = [X.shape[1], *ref.hidden_layer_sizes, ref.n_outputs_]
    activations = [X] + [None] * (len(sizes) - 1)
    deltas = [None] * (len(sizes) - 1)
    cg = [np.empty((a, b)) for a, b in zip(sizes[:-1], sizes[1:])]
    ig = [np.empty(b) for b in sizes[1:]]
    if hasattr(ref, "_label_binarizer"):
        y = ref._label_binarizer.transform(y)
    y = y.reshape(-1, 1) if y.ndim == 1 else y
    loss, _, _ = ref._backprop(X, y, None, activations, deltas, cg, ig)
    return loss


def _ours_at(est, ref, X, y):
    """Our objective at scikit-learn's weights (copied into our network)."""
    for W, b, rW, rb in zip(est.coefs_, est.intercepts_, ref.coefs_, ref.intercepts_):
        W[:] = rW
        b[:] = rb
    t = est.trainer_
    target = est._encode(y)
    data = t.net.data_loss(np.asarray(X, dtype=t.net.dtype), target)
    return data, t.penalty.value(t.net.params)


@pytest.mark.parametrize("n_classes", [2, 3])
def test_classifier_objective_equals_sklearn_mlp_at_converted_alpha(n_classes):
    from sklearn.neural_network import MLPClassifier as SkMLP
    X, y = make_classification(80, 6, n_informative=4, n_classes=n_classes, random_state=0)
    alpha, n = 0.7, X.shape[0]
    lam = convert_strength(alpha, source="sklearn-mlp", n_samples=n).value
    assert lam == pytest.approx(alpha / (2 * n))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SkMLP(hidden_layer_sizes=(7, 5), activation="tanh", alpha=alpha, max_iter=5, random_state=0).fit(X, y)
    ours = MLPClassifier((7, 5), activation="tanh", lam=lam, max_epochs=1, dtype="float64",
                         random_state=0).fit(X, y)
    data, pen = _ours_at(ours, ref, X, y)
    sq = sum(np.sum(W**2) for W in ref.coefs_)
    assert pen == pytest.approx(alpha / (2 * n) * sq, rel=1e-12)          # the penalty itself
    assert data + pen == pytest.approx(_sklearn_loss(ref, X, y), rel=1e-10)  # the whole objective
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), rtol=1e-10, atol=1e-12)


def test_regressor_objective_is_twice_sklearn_mlp_at_converted_alpha():
    """scikit-learn halves the squared error: λ = α/n and our objective = 2 × theirs."""
    from sklearn.neural_network import MLPRegressor as SkMLP
    X, y = make_regression(60, 5, noise=1.0, random_state=1)
    y = y / y.std()
    alpha, n = 0.3, X.shape[0]
    lam = convert_strength(alpha, source="sklearn-mlp", n_samples=n, loss="squared").value
    assert lam == pytest.approx(alpha / n)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        ref = SkMLP(hidden_layer_sizes=(6,), alpha=alpha, max_iter=5, random_state=0).fit(X, y)
    ours = MLPRegressor((6,), lam=lam, max_epochs=1, dtype="float64", random_state=0).fit(X, y)
    data, pen = _ours_at(ours, ref, X, y)
    assert pen == pytest.approx(2 * (alpha / (2 * n)) * sum(np.sum(W**2) for W in ref.coefs_), rel=1e-12)
    assert data + pen == pytest.approx(2 * _sklearn_loss(ref, X, y), rel=1e-10)
    np.testing.assert_allclose(ours.predict(X), ref.predict(X), rtol=1e-10, atol=1e-12)


def _data(n=150, seed=0):
    return make_classification(n, 8, n_informative=5, n_classes=3, random_state=seed)


def test_deterministic_and_history_identity():
    X, y = _data()
    a = MLPClassifier((12,), max_epochs=5, random_state=3).fit(X, y)
    b = MLPClassifier((12,), max_epochs=5, random_state=3).fit(X, y)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_array_equal(p, q)
    assert a.coefs_[0].dtype == np.float32 and a.n_iter_ == 5
    h = a.history_
    np.testing.assert_allclose(h["loss"], np.add(h["data_loss"], h["penalty"]), rtol=1e-15)
    assert a.loss_ == h["loss"][-1]


def test_estimator_sgd_l2_equals_decoupled_weight_decay():
    X, y = _data()
    kw = dict(hidden_layer_sizes=(10,), optimizer="sgd", learning_rate=0.05, max_epochs=3,
              dtype="float64", random_state=0)
    a = MLPClassifier(lam=0.02, **kw).fit(X, y)
    b = MLPClassifier(lam=0.0, weight_decay=0.04, **kw).fit(X, y)
    for p, q in zip(a.coefs_ + a.intercepts_, b.coefs_ + b.intercepts_):
        np.testing.assert_allclose(p, q, rtol=1e-10, atol=1e-12)
    assert b.history_["decay"][0] == pytest.approx(1 - (1 - 0.04 * 0.05) ** 1)  # 1 batch/epoch


def test_per_layer_lam_forms_and_bias_penalty():
    X, y = _data()
    est = MLPClassifier((6, 5), lam={"dense_1": 0.5}, max_epochs=2, random_state=0).fit(X, y)
    assert est.lam_.tolist() == [0.0, 0.5, 0.0]
    W1 = est.coefs_[1].astype(np.float64)
    assert est.history_["penalty"][-1] == pytest.approx(0.5 * np.sum(W1**2), rel=1e-6)
    est = MLPClassifier((6,), lam=[0.1, 0.2], penalize_bias=True, l1_ratio=[0.0, 1.0],
                        max_epochs=1, dtype="float64", random_state=0).fit(X, y)
    W0, W1, b0, b1 = *est.coefs_, *est.intercepts_
    expected = 0.1 * (np.sum(W0**2) + np.sum(b0**2)) + 0.2 * (np.sum(np.abs(W1)) + np.sum(np.abs(b1)))
    assert est.history_["penalty"][-1] == pytest.approx(expected, rel=1e-12)


def test_early_stopping_restores_best_and_validation_recorded():
    X, y = _data(300)
    est = MLPClassifier((64,), lam=0.0, learning_rate=0.02, early_stopping=True, patience=4,
                        max_epochs=300, dtype="float64", random_state=0).fit(X, y)
    h = est.history_
    assert est.n_iter_ < 300 and est.n_iter_ == est.best_epoch_ + 4
    assert min(h["val_loss"]) == h["val_loss"][est.best_epoch_ - 1]
    assert all(0 <= s <= 1 for s in h["val_score"])


def test_explicit_validation_set_and_adaptive_lam():
    X, y = _data(200)
    est = MLPClassifier((32,), lam=0.0, adaptive_lam="plateau", max_epochs=12, random_state=0)
    est.fit(X[:150], y[:150], X_val=X[150:], y_val=y[150:])
    assert est.history_["val_loss"][-1] == pytest.approx(est.trainer_.net.data_loss(
        np.asarray(X[150:], np.float32), est._encode(y[150:])), rel=1e-12)
    assert est.history_["lam"][0] == [0.0, 0.0] and est.lam_.min() > 0


def test_partial_fit_continues_and_needs_classes():
    X, y = _data()
    est = MLPClassifier((8,), random_state=0)
    with pytest.raises(ValueError, match="classes must be passed on the first call"):
        est.partial_fit(X, y)
    est.partial_fit(X, y, classes=[0, 1, 2])
    w = est.coefs_[0].copy()
    est.partial_fit(X, y)
    assert est.n_iter_ == 2 and len(est.history_["loss"]) == 2 and not np.array_equal(w, est.coefs_[0])
    reg = MLPRegressor((8,), random_state=0)
    for _ in range(3):
        reg.partial_fit(X, y.astype(float))
    assert reg.n_iter_ == 3


def test_checkpoint_resume_equals_one_run(tmp_path):
    X, y = _data()
    path = str(tmp_path / "net.npz")
    kw = dict(hidden_layer_sizes=(8,), optimizer="nesterov", learning_rate=0.05, dtype="float64",
              random_state=0)
    full = MLPClassifier(max_epochs=6, **kw).fit(X, y)
    MLPClassifier(max_epochs=3, checkpoint=path, **kw).fit(X, y)
    resumed = MLPClassifier(max_epochs=6, checkpoint=path, **kw).fit(X, y, resume=True)
    assert resumed.n_iter_ == 6
    for p, q in zip(full.coefs_ + full.intercepts_, resumed.coefs_ + resumed.intercepts_):
        np.testing.assert_array_equal(p, q)


@pytest.mark.parametrize("schedule", ["constant", "step", "exponential", "cosine", "cyclical"])
def test_schedules_through_the_estimator(schedule):
    X, y = _data()
    est = MLPClassifier((8,), schedule=schedule, learning_rate=0.01, batch_size=50,
                        max_epochs=8, random_state=0).fit(X, y)
    lr = est.history_["lr"]
    expected = {"constant": lambda l: np.allclose(l, 0.01),
                "step": lambda l: np.isclose(l[1], 0.01) and np.isclose(l[-1], 0.01 / 8),
                "exponential": lambda l: np.all(np.diff(l) < 0),
                "cosine": lambda l: np.all(np.diff(l) < 0) and l[-1] < 1e-3,
                "cyclical": lambda l: max(l) <= 0.01 + 1e-12 and min(l) >= 0.001 - 1e-12}
    assert expected[schedule](lr), lr


def test_pickle_round_trip():
    X, y = _data()
    est = MLPClassifier((8,), max_epochs=2, random_state=0).fit(X, y)
    back = pickle.loads(pickle.dumps(est))
    np.testing.assert_array_equal(back.predict_proba(X), est.predict_proba(X))
    back.partial_fit(X, y)
    assert back.n_iter_ == 3


@pytest.mark.parametrize("params, match", [
    (dict(lam=-0.1), "lam must hold finite values >= 0"),
    (dict(lam=[0.1, 0.2, 0.3]), "has 3 entries but the network has 2"),
    (dict(activation="swish"), "activation must be one of"),
    (dict(init="glorot"), "init must be one of"),
    (dict(hidden_layer_sizes=(0,)), "hidden_layer_sizes must be a sequence of positive ints"),
    (dict(optimizer="lbfgs"), "optimizer must be one of"),
    (dict(schedule="warmup"), "schedule must be one of"),
    (dict(learning_rate=0), "learning_rate must be a positive number"),
    (dict(weight_decay=-1.0), "weight_decay must be a finite number >= 0"),
    (dict(adaptive_lam="magic"), "adaptive_lam must be None"),
    (dict(dtype="float16"), "dtype must be 'float32' or 'float64'"),
])
def test_bad_parameters_name_the_problem(params, match):
    X, y = _data(40)
    with pytest.raises(ValueError, match=match):
        MLPClassifier(**{"hidden_layer_sizes": (4,), "max_epochs": 1, **params}).fit(X, y)


def test_bad_data_names_the_problem():
    X, y = _data(40)
    Xn = X.copy()
    Xn[3, 2] = np.nan
    with pytest.raises(ValueError, match=r"X contains NaN in column 2 \(row 3\)"):
        MLPClassifier((4,)).fit(Xn, y)
    with pytest.raises(ValueError, match="only one class"):
        MLPClassifier((4,)).fit(X, np.zeros(40))
    est = MLPClassifier((4,), max_epochs=1).fit(X, y)
    with pytest.raises(ValueError, match="features"):
        est.predict(X[:, :3])


class _InterruptAt:
    """A learning-rate schedule that plays the user pressing Ctrl-C at step ``stop``.

    Rate ``lr`` for the first ``climb_from`` steps, then ``-lr``: gradient *ascent*, so the
    epochs after it are worse and the best epoch is not the last one completed.
    """

    def __init__(self, lr, climb_from, stop):
        self.lr, self.climb_from, self.stop = lr, climb_from, stop

    def __call__(self, step):
        if step == self.stop:
            raise KeyboardInterrupt
        return self.lr if step < self.climb_from else -self.lr


@pytest.mark.parametrize("cls, lr", [(MLPClassifier, 0.1), (MLPRegressor, 0.01)])
def test_ctrl_c_stops_fit_cleanly_with_the_best_weights(cls, lr):
    X, y = _data()
    y = y if cls is MLPClassifier else X[:, 0] + 0.5 * X[:, 1] ** 2
    kw = dict(hidden_layer_sizes=(10,), optimizer="sgd", batch_size=50, dtype="float64",
              random_state=0)                                  # 150 rows: 3 steps per epoch
    # epochs 1–2 descend, epoch 3 climbs, Ctrl-C after the first step of epoch 4
    est = cls(schedule=_InterruptAt(lr, climb_from=2 * 3, stop=3 * 3 + 1), max_epochs=50, **kw)
    with pytest.warns(RuntimeWarning, match=r"interrupted during epoch 4; keeping the best "
                                            r"weights so far \(epoch 2\)"):
        est.fit(X, y)
    h = est.history_
    assert est.interrupted_ is True and est.n_iter_ == 3 and h["epoch"] == [1, 2, 3]
    assert all(len(v) == 3 for v in h.values())                # the half-finished epoch dropped
    assert h["loss"][2] > h["loss"][1] < h["loss"][0] and est.best_epoch_ == 2
    # the weights are epoch 2's: its recorded norms, and a plain two-epoch fit's weights
    np.testing.assert_allclose([np.linalg.norm(W) for W in est.coefs_], h["weight_norms"][1],
                               rtol=1e-14)
    assert not np.allclose([np.linalg.norm(W) for W in est.coefs_], h["weight_norms"][2])
    ref = cls(learning_rate=lr, max_epochs=2, **kw).fit(X, y)
    for p, q in zip(est.coefs_ + est.intercepts_, ref.coefs_ + ref.intercepts_):
        np.testing.assert_array_equal(p, q)
    np.testing.assert_array_equal(est.predict(X), ref.predict(X))
    assert ref.interrupted_ is False


def test_interrupted_is_false_after_a_normal_fit_and_reset_by_the_next():
    X, y = _data()
    est = MLPClassifier((8,), optimizer="sgd", batch_size=50, random_state=0,
                        schedule=_InterruptAt(0.1, climb_from=10**9, stop=4), max_epochs=5)
    with pytest.warns(RuntimeWarning, match="interrupted during epoch 2"):
        est.fit(X, y)
    assert est.interrupted_ is True and est.n_iter_ == 1
    est.set_params(schedule="constant", learning_rate=0.1).fit(X, y)
    assert est.interrupted_ is False and est.n_iter_ == 5
    est.partial_fit(X, y)
    assert est.interrupted_ is False and est.n_iter_ == 6


class _RecordBlasThreads:
    """A constant schedule that records the BLAS threads it is called under (during training)."""

    def __init__(self):
        self.seen = set()

    def __call__(self, step):
        self.seen.add(_blas_threads())
        return 0.01


def _blas_threads():
    return max(i["num_threads"] for i in threadpool_info() if i["user_api"] == "blas")


def test_small_network_trains_on_one_blas_thread_and_gives_the_callers_back():
    X, y = _data()
    for _ in range(2):                         # the second fit reuses the cached controller
        rec = _RecordBlasThreads()
        with threadpool_limits(limits=2, user_api="blas"):
            outer = _blas_threads()
            MLPClassifier((8,), schedule=rec, max_epochs=2, random_state=0).fit(X, y)
            assert rec.seen == {1}
            assert _blas_threads() == outer
        rec = _RecordBlasThreads()
        with threadpool_limits(limits=1, user_api="blas"):
            MLPClassifier((8,), schedule=rec, max_epochs=2, n_threads=2, random_state=0).fit(X, y)
            assert rec.seen == {outer}        # n_threads wins (2, where the machine allows it)
            assert _blas_threads() == 1


@pytest.mark.parametrize("hidden, threaded", [(199, False), (200, True)])
def test_network_threads_from_twenty_million_multiply_adds_per_batch_product(hidden, threaded):
    # the largest per-batch product: 128 rows × 784 inputs × hidden units; 200 units make
    # 20,070,400 multiply-adds (BLAS's threads, here the caller's 2), 199 make 19,970,048 (one)
    from shrinkage._threads import NETWORK_THREADED_WORK
    assert 128 * 784 * 199 < NETWORK_THREADED_WORK <= 128 * 784 * 200
    rng = np.random.default_rng(0)
    X, y = rng.standard_normal((256, 784)), rng.integers(0, 2, 256)
    rec = _RecordBlasThreads()
    with threadpool_limits(limits=2, user_api="blas"):
        outer = _blas_threads()
        if outer < 2:
            pytest.skip("this BLAS runs one thread: both sides of the rule would look alike")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ConvergenceWarning)
            MLPClassifier((hidden,), batch_size=128, schedule=rec, max_epochs=1,
                          random_state=0).fit(X, y)
        assert _blas_threads() == outer
    assert rec.seen == ({outer} if threaded else {1})


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_progress_bar_counts_the_epochs_on_stderr_and_changes_nothing(cls, capsys):
    X, y = _data()
    y = y if cls is MLPClassifier else y.astype(float)
    kw = dict(hidden_layer_sizes=(8,), max_epochs=3, random_state=0)
    quiet = cls(**kw).fit(X, y)
    out = capsys.readouterr()
    assert out.err == "" and out.out == ""                     # silent by default
    assert cls().progress is False
    loud = cls(progress=True, **kw).fit(X, y)
    out = capsys.readouterr()
    assert "training" in out.err and "3/3" in out.err and out.out == ""
    for a, b in zip(quiet.coefs_ + quiet.intercepts_, loud.coefs_ + loud.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert quiet.history_["loss"] == loud.history_["loss"]
    assert loud.trainer_.callbacks == []                        # the bar's tick is gone again
    loud.partial_fit(X, y)                                      # one more epoch: a bar of one
    assert "1/1" in capsys.readouterr().err


def test_head_is_a_public_fitted_attribute():
    X, y = _data()
    for est, head in ((MLPClassifier((4,), max_epochs=1), "softmax"),
                      (MLPClassifier((4,), max_epochs=1), "logistic"),
                      (MLPRegressor((4,), max_epochs=1), "squared")):
        assert not hasattr(est, "head_")                       # fitted attribute: not before fit
        target = {"softmax": y, "logistic": y % 2, "squared": y.astype(float)}[head]
        est.fit(X, target)
        assert est.head_ == head == est.net_.head
