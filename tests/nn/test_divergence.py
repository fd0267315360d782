"""Divergence names its real cause: inputs beyond the training dtype's range and NaN in the
validation set are refused before training, a penalty that drowns the data term is warned about
naming λ, and a loss that explodes (not only one that turns NaN) stops training with a message
naming the learning rate; a diverged fit never returns a model predicting NaN or garbage."""

import warnings

import numpy as np
import pandas as pd
import pytest

from shrinkage.nn import MLPClassifier, MLPRegressor
from shrinkage.nn.training import DIVERGENCE_RATIO


def _data(n=200, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, np.sin(X[:, 0]) + X[:, 1]


def _net(**kw):
    return MLPRegressor((16,), random_state=0, **{"max_epochs": 30, **kw})


def test_x_beyond_float32_is_refused_naming_the_cell_and_the_dtype():
    X, y = _data()
    X[17, 2] = 1e39                          # finite in float64, inf in float32
    with pytest.raises(ValueError, match=r"^X holds 1e\+39 in column 2 \(row 17\), beyond the "
                                         r"range of float32 \(largest 3.4e\+38\).*dtype='float64'"):
        _net().fit(X, y)
    frame = pd.DataFrame(X, columns=["a", "b", "c", "d"])
    with pytest.raises(ValueError, match=r"X holds 1e\+39 in column 'c' \(row 17\)"):
        _net().fit(frame, y)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")     # an unscaled column trains badly, but in float64
        net = _net(dtype="float64", max_epochs=2).fit(X, y)
    assert np.all(np.isfinite(net.predict(X)))
    Xc, yc = X.copy(), (X[:, 0] > 0).astype(int)
    with pytest.raises(ValueError, match=r"X holds 1e\+39 in column 2 \(row 17\)"):
        MLPClassifier((4,)).fit(Xc, yc)


def test_y_beyond_float32_is_refused():
    X, y = _data()
    y[5] = -1e40
    with pytest.raises(ValueError, match=r"^y holds -1e\+40 \(row 5\), beyond the range of "
                                         r"float32"):
        _net().fit(X, y)


def test_a_column_float32_flushes_to_zero_is_refused():
    """Before: X × 1e-45 became a column of zeros in float32 and the network fit without it."""
    X, y = _data()
    X[:, 3] *= 1e-45
    with pytest.raises(ValueError, match=r"^X column 3 holds values no larger than .*below the "
                                         r"smallest normal float32 .*dtype='float64'"):
        _net().fit(X, y)
    with pytest.raises(ValueError, match=r"^y holds values no larger than .*float32"):
        _net().fit(X[:, :3], y * 1e-40)
    X[0, 3] = 1.0                            # one normal value: the column carries information
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        assert np.all(np.isfinite(_net(max_epochs=2).fit(X, y).predict(X)))
        _net(max_epochs=2, dtype="float64").fit(X[:, :3], y * 1e-40)


def test_nan_in_the_validation_set_is_refused():
    X, y = _data()
    yv = y[:20].copy()
    yv[3] = np.nan
    with pytest.raises(ValueError, match=r"^y_val contains NaN \(row 3\); drop or impute"):
        _net().fit(X, y, X_val=X[:20], y_val=yv)
    Xv = X[:20].copy()
    Xv[4, 1] = np.inf
    with pytest.raises(ValueError, match=r"^X_val contains inf in column 1 \(row 4\)"):
        _net().fit(X, y, X_val=Xv, y_val=y[:20])
    yc = (X[:, 0] > 0).astype(float)
    ycv = yc[:20].copy()
    ycv[0] = np.nan
    with pytest.raises(ValueError, match=r"^y_val contains the label nan, not among the classes"):
        MLPClassifier((4,)).fit(X, yc, X_val=X[:20], y_val=ycv)


def test_nan_in_a_later_partial_fit_is_refused():
    X, y = _data()
    net = _net().partial_fit(X, y)
    y = y.copy()
    y[7] = np.nan
    with pytest.raises(ValueError, match=r"^y contains NaN \(row 7\)"):
        net.partial_fit(X, y)


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_a_penalty_drowning_the_data_term_is_warned_about_naming_lam(dtype):
    X, y = _data()
    with pytest.warns(RuntimeWarning, match=rf"the penalty on dense_0 \(lam=1e\+300\), dense_1 "
                                            rf"\(lam=1e\+300\) is so large that the data term "
                                            rf"vanishes beside it in {dtype}") as record:
        try:
            _net(lam=1e300, dtype=dtype).fit(X, y)
        except ValueError as exc:           # float32: 2λ overflows, the first epoch is NaN
            assert dtype == "float32"
            assert str(exc).startswith("training diverged at epoch 1")
            assert str(exc).endswith("the penalty on dense_0 (lam=1e+300), dense_1 "
                                     "(lam=1e+300) drowns the data term; lower lam")
    assert record[0].filename == __file__           # the user's line
    assert sum("so large" in str(w.message) for w in record) == 1   # one event, one warning
    with warnings.catch_warnings():
        warnings.simplefilter("error", RuntimeWarning)   # an ordinary large λ: silent
        _net(lam=10.0, dtype=dtype, max_epochs=3).fit(X, y)


def test_adam_at_a_huge_learning_rate_raises_naming_it_instead_of_returning_garbage():
    """Adam's bounded steps keep the loss finite (R² was −6.6e20, silently): the objective
    more than DIVERGENCE_RATIO times its start is divergence too."""
    X, y = _data()
    with pytest.raises(ValueError) as info:
        _net(learning_rate=1e6).fit(X, y)
    msg = str(info.value)
    assert msg.startswith("training diverged at epoch 1: the objective went from ")
    assert "lower the learning_rate (the last step's was 1e+06)" in msg
    start, end = (float(v) for v in
                  msg.split("went from ")[1].split(", and")[0].split(" at the start to "))
    assert end > DIVERGENCE_RATIO * start


def test_divergence_after_progress_keeps_the_best_weights_and_warns():
    X, y = _data()
    # a learning rate that becomes far too large after 4 epochs (batch 200: one step each)
    net = _net(optimizer="sgd", schedule=lambda t: 0.05 if t < 4 else 50.0, max_epochs=30)
    with pytest.warns(RuntimeWarning, match=r"^training diverged at epoch 5: .*keeping the "
                                            r"weights of epoch 4, the best before it .*lower the "
                                            r"learning_rate \(the last step's was 50\)") as rec:
        net.fit(X, y)
    assert rec[0].filename == __file__ and len(rec) == 1
    h = net.history_
    assert net.n_iter_ == 5 and net.best_epoch_ == 4
    assert not (np.isfinite(h["loss"][4]) and h["loss"][4] < DIVERGENCE_RATIO * h["loss"][0])
    assert net.loss_ == h["loss"][-1]
    pred = net.predict(X)
    assert np.all(np.isfinite(pred))
    resid = np.mean((pred - y) ** 2)
    assert resid == pytest.approx(h["data_loss"][3], rel=1e-5)   # epoch 4's weights


def test_partial_fit_warns_about_lam_once_not_at_every_call():
    X, y = _data()
    net = _net(lam=1e8, dtype="float32", optimizer="adam")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        for _ in range(3):
            net.partial_fit(X, y)
    assert [str(w.message).split(" is so large")[0] for w in caught] == [
        "the penalty on dense_0 (lam=1e+08), dense_1 (lam=1e+08)"]
    assert caught[0].filename == __file__
