"""The rest of scikit-learn's contract for the networks: ConvergenceWarning when max_epochs
cuts off a loss still improving, warnings that point at the user's call and come once per
event, and fitted networks that survive pickle, copy.deepcopy and skops (and train on)."""

import copy
import pickle
import warnings

import numpy as np
import pytest
from sklearn.exceptions import ConvergenceWarning

from shrinkage.nn import MLPClassifier, MLPRegressor


def _data(n=100, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    return X, np.sin(X[:, 0]) + X[:, 1]


def _caught(fn):
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        fn()
    return caught


def test_max_epochs_cutting_off_an_improving_loss_warns_convergence_once_at_the_call():
    X, y = _data()
    caught = _caught(lambda: MLPRegressor((8,), max_epochs=5, random_state=0).fit(X, y))
    assert [w.category for w in caught] == [ConvergenceWarning]
    assert caught[0].filename == __file__
    assert str(caught[0].message) == (
        "MLPRegressor stopped at max_epochs=5 while its training loss was still improving (by "
        "more than tol=0.0001 within the last patience=10 epochs); increase max_epochs, or set "
        "early_stopping=True to stop when it levels off")


def test_no_convergence_warning_after_early_stopping_a_plateau_or_partial_fit():
    X, y = _data()
    early = MLPRegressor((8,), early_stopping=True, patience=2, tol=10.0, max_epochs=50,
                         random_state=0)
    assert _caught(lambda: early.fit(X, y)) == [] and early.n_iter_ < 50
    plateau = MLPRegressor((8,), tol=10.0, patience=2, max_epochs=6, random_state=0)
    assert _caught(lambda: plateau.fit(X, y)) == []     # no gain of tol in the last 2 epochs
    assert plateau.n_iter_ == 6
    assert _caught(lambda: MLPRegressor((8,), max_epochs=5).partial_fit(X, y)) == []


def test_ctrl_c_warns_once_at_the_call_and_nothing_else(ctrl_c_in_third_epoch):
    X, y = _data()
    caught = _caught(lambda: MLPRegressor((8,), max_epochs=3, random_state=0).fit(X, y))
    assert [(w.category, w.filename) for w in caught] == [(RuntimeWarning, __file__)]
    assert str(caught[0].message) == ("training interrupted during epoch 3; keeping the best "
                                      "weights so far (epoch 2)")


def _round_trips():
    def skops_trip(est):
        sio = pytest.importorskip("skops.io")
        blob = sio.dumps(est)
        return sio.loads(blob, trusted=sio.get_untrusted_types(data=blob))
    return {"pickle": lambda est: pickle.loads(pickle.dumps(est)), "deepcopy": copy.deepcopy,
            "skops": skops_trip}


@pytest.mark.parametrize("how", ["pickle", "deepcopy", "skops"])
@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
def test_fitted_networks_survive_a_round_trip_and_train_on_as_the_original(cls, how):
    X, y = _data()
    if cls is MLPClassifier:
        y = (y > 0).astype(int)
    est = cls((6,), max_epochs=3, early_stopping=True,
              random_state=0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        est.fit(X, y)
    back = _round_trips()[how](est)
    np.testing.assert_array_equal(back.predict(X), est.predict(X))
    assert back.history_ == est.history_ and back.n_iter_ == est.n_iter_
    est.partial_fit(X, y)                     # one more epoch: the same on both
    back.partial_fit(X, y)
    for a, b in zip(back.coefs_ + back.intercepts_, est.coefs_ + est.intercepts_):
        np.testing.assert_array_equal(a, b)
    assert back.net_ is back.trainer_.net
