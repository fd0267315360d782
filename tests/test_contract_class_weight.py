"""``class_weight`` on every linear classifier (issue 13): the fit equals the one with
``sample_weight`` multiplied by the class weights, and "balanced" follows scikit-learn."""

import numpy as np
import pytest
from sklearn.datasets import load_breast_cancer, load_wine
from sklearn.linear_model import LogisticRegression as SkLogisticRegression
from sklearn.utils.class_weight import compute_sample_weight

from shrinkage import LogisticRegression, LogisticRegressionCV, convert_strength
from shrinkage.linear_model import GroupLassoClassifier


@pytest.fixture(scope="module")
def binary():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:200, :6], np.where(y[:200] == 1, "benign", "malignant")


@pytest.fixture(scope="module")
def wine():
    return load_wine(return_X_y=True)


def _row_weights(cw, y):
    if cw == "balanced":
        return compute_sample_weight("balanced", y)
    return np.array([cw.get(v, 1.0) for v in y])


CLASSIFIERS = [
    lambda **kw: LogisticRegression(lam=0.01, tol=1e-10, **kw),
    lambda **kw: LogisticRegression(lam=0.01, l1_ratio=1.0, tol=1e-10, **kw),
    lambda **kw: LogisticRegressionCV(lams=[0.1, 0.01, 0.001], cv=3, tol=1e-10, **kw),
    lambda **kw: GroupLassoClassifier(lam=0.01, groups=[0, 0, 1, 1, 2, 2], tol=1e-10, **kw),
]


@pytest.mark.parametrize("make", CLASSIFIERS)
@pytest.mark.parametrize("cw", ["balanced", {"malignant": 3.0}, {"benign": 0.5, "malignant": 2}])
def test_class_weight_equals_the_corresponding_sample_weight(binary, make, cw):
    X, y = binary
    a = make(class_weight=cw).fit(X, y)
    b = make().fit(X, y, sample_weight=_row_weights(cw, y))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8, atol=1e-10)
    np.testing.assert_allclose(a.predict_proba(X), b.predict_proba(X), rtol=1e-8, atol=1e-12)
    if hasattr(a, "lam_max"):
        assert a.lam_max(X, y) == pytest.approx(b.lam_max(X, y, _row_weights(cw, y)), rel=1e-12)


def test_class_weight_multiplies_sample_weight(binary):
    X, y = binary
    w = np.random.default_rng(0).uniform(0.5, 2.0, len(y))
    a = LogisticRegression(class_weight={"malignant": 3.0}).fit(X, y, sample_weight=w)
    b = LogisticRegression().fit(X, y, sample_weight=w * _row_weights({"malignant": 3.0}, y))
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-8)


def test_multiclass_balanced_equals_scikit_learn(wine):
    """Balanced softmax logistic regression against scikit-learn's at the converted strength."""
    X, y = wine
    X = (X - X.mean(0)) / X.std(0)
    keep = np.concatenate([np.flatnonzero(y == 0), np.flatnonzero(y == 1)[:30],
                           np.flatnonzero(y == 2)])            # unbalanced classes
    X, y = X[keep], y[keep]
    lam = 0.01
    ours = LogisticRegression(lam=lam, standardize=False, class_weight="balanced",
                              tol=1e-12).fit(X, y)
    C = convert_strength(lam, source="shrinkage", target="sklearn-logistic", n_samples=len(y))
    C = C.value
    ref = SkLogisticRegression(C=C, class_weight="balanced", tol=1e-12, max_iter=10_000).fit(X, y)
    np.testing.assert_allclose(ours.predict_proba(X), ref.predict_proba(X), atol=1e-6)


@pytest.mark.parametrize("bad, match", [
    ("balance", "class_weight must be None, 'balanced' or a dict"),
    ({"nope": 2.0}, r"class_weight names \['nope'\], which are not classes of y"),
    ({"benign": -1.0}, r"class_weight\['benign'\] must be a finite number >= 0"),
    ({"benign": 0.0, "malignant": 0.0}, "weight zero"),
])
def test_bad_class_weight_is_named(binary, bad, match):
    X, y = binary
    with pytest.raises(ValueError, match=match):
        LogisticRegression(class_weight=bad).fit(X, y)
