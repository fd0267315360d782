"""Weight initialisation: He is N(0, 2/d_in), Xavier is Glorot uniform U(±√(6/(d_in+d_out))),
for every layer of the network and through the estimators' ``init`` parameter."""

import numpy as np
import pytest
from sklearn.datasets import make_classification

from shrinkage.nn import MLP, MLPClassifier, MLPRegressor
from shrinkage.nn.optimizers import scale

# Large layers: with N = d_in·d_out entries the sample variance of W has a relative standard
# deviation of √(2/N) (normal) or 0.89/√N (uniform), under 0.5% here; the tolerances are ≥ 6σ.
SIZES = (300, 400, 250)


def _moments(W):
    W = W.astype(np.float64)
    var = np.mean(W**2)                         # the mean is 0 by construction, not estimated
    return var, np.mean(W**4) / var**2          # variance, kurtosis (normal 3, uniform 1.8)


def test_xavier_every_layer_within_the_bound_with_the_glorot_variance():
    net = MLP(SIZES, activation="relu", init="xavier", dtype=np.float64, random_state=0)
    for d in net.dense:
        d_in, d_out = d.W.shape
        bound = np.sqrt(6.0 / (d_in + d_out))
        assert np.abs(d.W).max() <= bound
        assert np.abs(d.W).max() > 0.99 * bound          # it fills the interval, not a narrower one
        var, kurt = _moments(d.W)
        assert var == pytest.approx(2.0 / (d_in + d_out), rel=0.03)     # bound²/3
        assert kurt == pytest.approx(1.8, abs=0.05)                     # uniform, not normal
        np.testing.assert_array_equal(d.b, 0.0)


def test_he_every_layer_has_variance_two_over_fan_in():
    net = MLP(SIZES, activation="tanh", init="he", dtype=np.float64, random_state=0)
    for d in net.dense:
        d_in, d_out = d.W.shape
        var, kurt = _moments(d.W)
        assert var == pytest.approx(2.0 / d_in, rel=0.03)
        assert var != pytest.approx(2.0 / (d_in + d_out), rel=0.2)       # not Xavier's
        assert kurt == pytest.approx(3.0, abs=0.15)                      # normal
        assert abs(np.mean(d.W)) < 6 * np.sqrt(2.0 / d_in / d.W.size)


def test_auto_is_he_for_relu_hidden_layers_and_xavier_for_the_output():
    net = MLP(SIZES, activation="relu", init="auto", dtype=np.float64, random_state=0)
    (v0, k0), (v1, k1) = _moments(net.dense[0].W), _moments(net.dense[1].W)
    assert v0 == pytest.approx(2.0 / 300, rel=0.03) and k0 == pytest.approx(3.0, abs=0.15)
    assert v1 == pytest.approx(2.0 / (400 + 250), rel=0.03) and k1 == pytest.approx(1.8, abs=0.05)
    tanh = MLP(SIZES, activation="tanh", init="auto", dtype=np.float64, random_state=0)
    assert _moments(tanh.dense[0].W)[0] == pytest.approx(2.0 / (300 + 400), rel=0.03)


def _frozen(cls, init, X, y, hidden=40):
    """Fitted with updates scaled by 0: the weights are exactly the initial ones."""
    return cls((hidden,), init=init, optimizer=scale(0.0), lam=0.0,
               max_epochs=1, dtype="float64", random_state=7).fit(X, y)


@pytest.mark.parametrize("cls", [MLPClassifier, MLPRegressor])
@pytest.mark.parametrize("init", ["auto", "he", "xavier"])
def test_estimator_passes_init_to_the_network(cls, init):
    X, y = make_classification(60, 30, n_informative=5, n_classes=3, random_state=0)
    est = _frozen(cls, init, X, y.astype(float) if cls is MLPRegressor else y)
    n_out = 3 if cls is MLPClassifier else 1
    head = "softmax" if cls is MLPClassifier else "squared"
    # the estimator's first draw from random_state is the network's initialisation
    ref = MLP((30, 40, n_out), "relu", head=head, init=init, dtype=np.float64, random_state=7)
    for W, d in zip(est.coefs_, ref.dense):
        np.testing.assert_array_equal(W, d.W)
    for b in est.intercepts_:
        np.testing.assert_array_equal(b, 0.0)


def test_estimator_init_changes_the_weights_as_the_schemes_say():
    X, y = make_classification(60, 100, n_informative=5, n_classes=3, random_state=0)
    he, xavier, auto = (_frozen(MLPClassifier, init, X, y, hidden=400).coefs_
                        for init in ("he", "xavier", "auto"))
    # dense_0 is 100×400 (40,000 weights, relative sd of the variance ≤ 0.7%):
    # He's variance 2/100 = 0.02, Xavier's 2/500 = 0.004
    assert np.var(he[0]) == pytest.approx(2 / 100, rel=0.05)
    assert np.var(xavier[0]) == pytest.approx(2 / 500, rel=0.05)
    assert np.abs(xavier[0]).max() <= np.sqrt(6 / 500) < np.abs(he[0]).max()
    np.testing.assert_array_equal(auto[0], he[0])            # relu hidden layer: He
    bound = np.sqrt(6 / (400 + 3))                           # output layer 400×3
    assert np.abs(auto[1]).max() <= bound and np.abs(xavier[1]).max() <= bound
    assert np.abs(he[1]).max() > bound                       # a named scheme covers the output too


@pytest.mark.parametrize("bad", ["glorot", "He", None, 2])
def test_bad_init_names_the_problem_and_the_choices(bad):
    X, y = make_classification(40, 5, random_state=0)
    with pytest.raises(ValueError, match=r"init must be one of \('auto', 'he', 'xavier'\)"):
        MLPClassifier((4,), init=bad, max_epochs=1).fit(X, y)
