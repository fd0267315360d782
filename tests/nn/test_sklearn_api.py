"""scikit-learn's generic estimator checks for the network estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage.nn import MLPClassifier, MLPRegressor

FAST = dict(hidden_layer_sizes=(16,), max_epochs=30, learning_rate=1e-2)


@parametrize_with_checks([MLPClassifier(**FAST), MLPRegressor(**{**FAST, "max_epochs": 150}),
                          MLPClassifier(**FAST, early_stopping=True, dtype="float64")])
def test_sklearn_compatible(estimator, check):
    check(estimator)
