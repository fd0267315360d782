"""Sample and class weights of the networks: the loss is the weighted mean of the objective of
shrinkage.conventions (weights normalised to sum to one), so integer weights equal repeated
rows, rescaling the weights changes nothing, and class_weight is the sample weight it implies."""

import numpy as np
import pytest
from sklearn.utils.class_weight import compute_sample_weight

from shrinkage.nn import MLPClassifier, MLPRegressor
from shrinkage.selection import LamSearchCV


def _data(n=30, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 3))
    y = X[:, 0] - X[:, 1] ** 2 + 0.3 * rng.normal(size=n)
    counts = rng.integers(0, 4, size=n)           # 0 drops a row, 2 and 3 repeat it
    return X, y, counts


def _full_batch(cls, **kw):
    """One deterministic full-batch step per epoch, in float64."""
    kw = {"max_epochs": 25, "lam": 1e-3, **kw}
    return cls((5,), activation="tanh", batch_size=1000, shuffle=False, dtype="float64",
               learning_rate=0.05, random_state=3, **kw)


def _params(net):
    return np.concatenate([a.ravel() for a in net.coefs_ + net.intercepts_])


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
@pytest.mark.parametrize("cls", [MLPRegressor, MLPClassifier])
def test_integer_weights_equal_repeated_rows(cls, optimizer):
    X, y, counts = _data()
    if cls is MLPClassifier:
        y = np.digitize(y, np.quantile(y, [0.33, 0.66]))      # three classes
    weighted = _full_batch(cls, optimizer=optimizer).fit(X, y, sample_weight=counts)
    repeated = _full_batch(cls, optimizer=optimizer).fit(np.repeat(X, counts, axis=0),
                                                         np.repeat(y, counts))
    np.testing.assert_allclose(_params(weighted), _params(repeated), rtol=1e-6, atol=1e-9)
    np.testing.assert_allclose(weighted.history_["loss"], repeated.history_["loss"], rtol=1e-6)
    assert weighted.history_["data_loss"][0] > 0


def test_rescaled_weights_change_nothing_and_equal_weights_are_no_weights():
    X, y, counts = _data()
    w = counts + 0.5
    a = _full_batch(MLPRegressor).fit(X, y, sample_weight=w)
    b = _full_batch(MLPRegressor).fit(X, y, sample_weight=7.0 * w)
    np.testing.assert_allclose(_params(a), _params(b), rtol=1e-12)
    ones = _full_batch(MLPRegressor).fit(X, y, sample_weight=np.full(len(y), 2.5))
    none = _full_batch(MLPRegressor).fit(X, y)
    np.testing.assert_array_equal(_params(ones), _params(none))


def test_weighted_mini_batches_estimate_the_weighted_loss():
    """With mini-batches each batch weighs its rows by n·w_i/m: the epoch's running loss is
    the weighted mean of the batch losses, and the end-of-epoch loss the weighted mean."""
    X, y, counts = _data(60)
    w = counts + 1.0
    net = MLPRegressor((5,), batch_size=7, max_epochs=3, dtype="float64", random_state=0)
    net.fit(X, y, sample_weight=w)
    pred = net.predict(X)
    assert net.history_["data_loss"][-1] == pytest.approx(
        np.average((y - pred) ** 2, weights=w), rel=1e-10)


def test_class_weight_is_the_sample_weight_it_implies():
    X, y, counts = _data(40)
    y = np.where(y > 0, "yes", "no")
    for cw in ({"yes": 3.0}, "balanced", {"no": 0.5, "yes": 2.0}):
        by_class = _full_batch(MLPClassifier, class_weight=cw).fit(X, y)
        by_rows = _full_batch(MLPClassifier).fit(X, y, sample_weight=compute_sample_weight(cw, y))
        np.testing.assert_array_equal(_params(by_class), _params(by_rows))
    both = _full_batch(MLPClassifier, class_weight="balanced").fit(X, y, sample_weight=counts)
    rows = _full_batch(MLPClassifier).fit(
        X, y, sample_weight=counts * compute_sample_weight("balanced", y))
    np.testing.assert_array_equal(_params(both), _params(rows))
    with pytest.raises(ValueError, match="class_weight must be None, 'balanced' or a dict"):
        MLPClassifier(class_weight="auto").fit(X, y)


def test_partial_fit_takes_weights_and_refuses_balanced():
    X, y, counts = _data()
    y = (y > 0).astype(int)
    a = _full_batch(MLPClassifier).partial_fit(X, y, classes=[0, 1], sample_weight=counts)
    b = _full_batch(MLPClassifier).partial_fit(np.repeat(X, counts, axis=0),
                                               np.repeat(y, counts), classes=[0, 1])
    np.testing.assert_allclose(_params(a), _params(b), rtol=1e-6, atol=1e-12)
    with pytest.raises(ValueError, match=r"class_weight='balanced' is not supported by "
                                         r"partial_fit.*pass a dict"):
        MLPClassifier(class_weight="balanced").partial_fit(X, y, classes=[0, 1])
    c = _full_batch(MLPClassifier, class_weight={1: 2.0}).partial_fit(X, y, classes=[0, 1])
    d = _full_batch(MLPClassifier).partial_fit(X, y, classes=[0, 1],
                                               sample_weight=np.where(y == 1, 2.0, 1.0))
    np.testing.assert_array_equal(_params(c), _params(d))


def test_bad_weights_are_refused():
    X, y, _ = _data()
    with pytest.raises(ValueError, match="sample_weight has negative values"):
        MLPRegressor().fit(X, y, sample_weight=np.r_[-1.0, np.ones(len(y) - 1)])
    with pytest.raises(ValueError, match=r"sample_weight.shape == \(3,\), expected \(30,\)"):
        MLPRegressor().fit(X, y, sample_weight=np.ones(3))


def test_the_held_out_validation_rows_keep_their_weights():
    X, y, counts = _data(80)
    w = counts + 1.0
    net = MLPRegressor((5,), early_stopping=True, max_epochs=5, dtype="float64",
                       random_state=0).fit(X, y, sample_weight=w)
    Xv, tv, wv = net._val
    assert len(wv) == len(tv) == 8 and set(wv) <= set(w)
    best = net.best_epoch_
    assert net.history_["val_loss"][best - 1] == pytest.approx(
        np.average((tv[:, 0] - net.predict(Xv)) ** 2, weights=wv), rel=1e-10)


@pytest.mark.filterwarnings("ignore:the best λ")
def test_lam_search_cv_forwards_sample_weight_to_the_network():
    X, y, counts = _data(60)
    y = (y > 0).astype(int)
    w = counts + 1.0
    search = LamSearchCV(_full_batch(MLPClassifier, max_epochs=5), lams=[1e-3, 1e-1], cv=3)
    search.fit(X, y, sample_weight=w)
    best = _full_batch(MLPClassifier, max_epochs=5, lam=search.lam_).fit(X, y, sample_weight=w)
    np.testing.assert_array_equal(_params(search.best_estimator_), _params(best))
    unweighted = _full_batch(MLPClassifier, max_epochs=5, lam=search.lam_).fit(X, y)
    assert not np.array_equal(_params(best), _params(unweighted))
