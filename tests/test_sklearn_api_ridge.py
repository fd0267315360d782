"""scikit-learn's generic estimator checks for the ridge estimators."""

from sklearn.utils.estimator_checks import parametrize_with_checks

from shrinkage import Ridge, RidgeCV


@parametrize_with_checks([Ridge(), RidgeCV(), RidgeCV(cv=3, random_state=0)])
def test_sklearn_compatible(estimator, check):
    check(estimator)
