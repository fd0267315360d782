"""Scale (issue 13): a column is constant relative to its own magnitude, never by an absolute
cutoff, so standardized fits are invariant to rescaling a column by any power of ten that
float64 can square; values beyond that are refused by name; truly constant columns are named
in a warning (with an intercept their coefficient is zero)."""

import json
import warnings

import numpy as np
import pandas as pd
import pytest
from _checks import regression
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.datasets import load_breast_cancer, load_diabetes

from shrinkage import (ElasticNet, Lasso, LogisticRegression, LogisticRegressionCV, Ridge,
                       RidgeCV)
from shrinkage.cli.main import main
from shrinkage.io import load
from shrinkage.standardization import column_scale


@pytest.fixture(scope="module")
def diabetes():
    return load_diabetes(return_X_y=True)


@pytest.fixture(scope="module")
def cancer():
    X, y = load_breast_cancer(return_X_y=True)
    return X[:, :10], y


REGRESSORS = [lambda: Ridge(lam=0.01), lambda: Lasso(lam=0.05, tol=1e-12),
              lambda: ElasticNet(lam=0.05, l1_ratio=0.5, tol=1e-12), lambda: RidgeCV(lams=20)]


@pytest.mark.parametrize("make", REGRESSORS)
@pytest.mark.parametrize("scale", [1e-15, 1e-30, 1e-100, 1e100])
def test_regressors_are_invariant_to_the_scale_of_x(diabetes, make, scale):
    """Before: X·1e-15 scored R² = 0.0 (every column 'constant') where X·1e-14 scored 0.52."""
    X, y = diabetes
    ref = make().fit(X, y)
    m = make().fit(X * scale, y)
    assert m.score(X * scale, y) == pytest.approx(ref.score(X, y), rel=1e-9)
    np.testing.assert_allclose(m.coef_ * scale, ref.coef_, rtol=1e-6, atol=1e-9 * np.abs(ref.coef_).max())


@pytest.mark.parametrize("make", [lambda: LogisticRegression(lam=0.01),
                                  lambda: LogisticRegression(lam=0.01, l1_ratio=1.0, tol=1e-10),
                                  lambda: LogisticRegressionCV(lams=[0.1, 0.01])])
@pytest.mark.parametrize("scale", [1e-15, 1e-60])
def test_logistic_is_invariant_to_the_scale_of_x(cancer, make, scale):
    """Before: X·1e-15 gave probability 0.5 for every row."""
    X, y = cancer
    ref = make().fit(X, y)
    m = make().fit(X * scale, y)
    np.testing.assert_allclose(m.predict_proba(X * scale), ref.predict_proba(X), atol=1e-7)
    assert np.ptp(m.predict_proba(X * scale)[:, 1]) > 0.9


@settings(max_examples=25, deadline=None)
@given(exponent=st.integers(-140, 140), column=st.integers(0, 4))
def test_rescaling_one_column_rescales_only_its_coefficient(exponent, column):
    X, y = regression(n=50, p=5, seed=11)
    ref = Ridge(lam=0.1).fit(X, y)
    Xs = X.copy()
    Xs[:, column] *= 10.0 ** exponent
    m = Ridge(lam=0.1).fit(Xs, y)
    coef = m.coef_.copy()
    coef[column] *= 10.0 ** exponent
    np.testing.assert_allclose(coef, ref.coef_, rtol=1e-7)
    np.testing.assert_allclose(m.predict(Xs), ref.predict(X), rtol=1e-9, atol=1e-9)


def test_column_scale_rule_is_relative():
    sd = np.array([1e-15, 1e-300, 0.0, 1e-16, 3.0])
    mean = np.array([0.0, 1e-290, 5.0, 1.0, 1e20])
    scale = column_scale(sd ** 2, mean)
    # informative at any magnitude; constant at zero spread or spread at the mean's rounding
    np.testing.assert_array_equal(scale, [1e-15, 1.0, 1.0, 1.0, 1.0])


@pytest.mark.parametrize("make", [Ridge, Lasso, ElasticNet, LogisticRegression])
def test_truly_constant_columns_are_named_in_a_warning(cancer, make):
    X, y = cancer
    df = pd.DataFrame(X[:, :4], columns=["a", "b", "c", "d"]).assign(flat=2.5, zero=0.0)
    with pytest.warns(UserWarning, match=r"X column\(s\) 'flat', 'zero' are constant"):
        m = make().fit(df, y)
    np.testing.assert_allclose(np.atleast_2d(m.coef_)[:, 4:], 0.0, atol=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        make(fit_intercept=False).fit(df, y)     # without an intercept a constant column is not


def test_no_constant_warning_for_an_informative_tiny_column(diabetes):
    X, y = diabetes
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        Ridge().fit(X * 1e-15, y)


@pytest.mark.parametrize("make", [Ridge, Lasso, ElasticNet, RidgeCV])
@pytest.mark.parametrize("scale, match", [(1e300, "beyond what float64 can square"),
                                          (1e-160, "squares underflow float64")])
def test_values_float64_cannot_square_are_refused_by_column(diabetes, make, scale, match):
    """Before: X·1e300 raised LinAlgError: SVD did not converge; Lasso returned NaN."""
    X, y = diabetes
    Xs = X.copy()
    Xs[:, 3] *= scale
    with pytest.raises(ValueError, match=f"column 3 of X .*{match}.*rescale"):
        make().fit(Xs, y)


def test_a_target_float64_cannot_square_is_refused(diabetes):
    X, y = diabetes
    with pytest.raises(ValueError, match="y holds values up to .* rescale"):
        Ridge().fit(X, y * 1e200)


def test_the_command_line_fits_a_tiny_scale_column(tmp_path, capsys):
    """Same through the CLI: the tiny column keeps its (large) coefficient."""
    X, y = regression(n=80, p=3, seed=12)
    df = pd.DataFrame({"big": X[:, 0], "tiny": X[:, 1] * 1e-15, "mid": X[:, 2], "y": y})
    df.to_csv(tmp_path / "d.csv", index=False)
    code = main(["fit", str(tmp_path / "d.csv"), "--target", "y", "--model", "ridge", "--lam",
                 "0.01", "--out", str(tmp_path / "m.shrinkage"), "--json"])
    assert code == 0, capsys.readouterr().err
    model = load(tmp_path / "m.shrinkage")
    ref = Ridge(lam=0.01).fit(X, y)
    np.testing.assert_allclose(model.coef_ * [1, 1e-15, 1], ref.coef_, rtol=1e-7)
    out = json.loads(capsys.readouterr().out)
    assert out is not None
