"""Every public estimator against a corpus of bad inputs and hyper-parameters (issue 13): each
case ends in a ValueError/TypeError whose message names the problem, or in a finite fit that
equals the fit of the same data given the usual way. Plus property-based extremes: any finite
data either fits to finite predictions or is refused by name.

Crafted model files are in test_io_hostile.py, interrupted training in nn/test_interrupts.py,
kill -9 during writes in test_atomic.py."""

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.exceptions import NotFittedError

from shrinkage import (ElasticNet, ElasticNetCV, GammaRegressor, GLMRegressorCV, GroupLasso,
                       GroupLassoClassifier, Lasso, LogisticRegression, LogisticRegressionCV,
                       MLPClassifier, MLPRegressor, MultiTaskElasticNet, MultiTaskElasticNetCV,
                       MultiTaskLasso, MultiTaskLassoCV,
                       PoissonRegressor, Ridge, RidgeCV, TweedieRegressor)
from shrinkage.selection import LamSearchCV

NET = dict(hidden_layer_sizes=(4,), max_epochs=3, random_state=0)
ESTIMATORS = {
    "Ridge": (lambda: Ridge(), "reg"),
    "RidgeCV": (lambda: RidgeCV(lams=5), "reg"),
    "Lasso": (lambda: Lasso(), "reg"),
    "ElasticNet": (lambda: ElasticNet(), "reg"),
    "ElasticNetCV": (lambda: ElasticNetCV(lams=3, cv=2), "reg"),
    "GroupLasso": (lambda: GroupLasso(), "reg"),
    "GroupLassoClassifier": (lambda: GroupLassoClassifier(), "clf"),
    "MultiTaskLasso": (lambda: MultiTaskLasso(), "multi"),
    "MultiTaskElasticNet": (lambda: MultiTaskElasticNet(), "multi"),
    "MultiTaskLassoCV": (lambda: MultiTaskLassoCV(lams=3, cv=2), "multi"),
    "MultiTaskElasticNetCV": (lambda: MultiTaskElasticNetCV(lams=3, cv=2), "multi"),
    "LogisticRegression": (lambda: LogisticRegression(), "clf"),
    "LogisticRegressionCV": (lambda: LogisticRegressionCV(lams=3, cv=2), "clf"),
    "LogisticRegressionCV(l1_ratio)": (lambda: LogisticRegressionCV(lams=3, cv=2,
                                                                    l1_ratio=[0.5, 1.0]), "clf"),
    "MLPRegressor": (lambda: MLPRegressor(**NET), "reg"),
    "MLPClassifier": (lambda: MLPClassifier(**NET), "clf"),
    "LamSearchCV(Ridge)": (lambda: LamSearchCV(Ridge(), lams=[1.0], cv=2), "reg"),
    "LamSearchCV(Logistic)": (lambda: LamSearchCV(LogisticRegression(), lams=[1.0], cv=2), "clf"),
    "PoissonRegressor": (lambda: PoissonRegressor(), "pos"),
    "GammaRegressor": (lambda: GammaRegressor(), "pos"),
    "TweedieRegressor": (lambda: TweedieRegressor(), "pos"),
    "GLMRegressorCV": (lambda: GLMRegressorCV("gamma", lams=3, cv=2), "pos"),
}

_rng = np.random.default_rng(0)
X0 = _rng.normal(size=(30, 4))
Y_REG = X0 @ [1.0, -1.0, 0.5, 0.0] + 0.3 * _rng.normal(size=30)
Y_CLF = np.where(Y_REG > np.median(Y_REG), "yes", "no")
Y_POS = np.exp(Y_REG / 3)                  # the GLM families' positive targets
Y_MULTI = np.column_stack([Y_REG, X0[:, 3] - Y_REG])     # the multi-task models' (n, 2) y
_Y = {"reg": Y_REG, "clf": Y_CLF, "pos": Y_POS, "multi": Y_MULTI}


def _with(value, row=3, col=2, X=X0):
    X = X.astype(float).copy()
    X[row, col] = value
    return X


def _y_with(y, value):
    y = np.asarray(y, dtype=float).copy()
    y[5] = value
    return y


# (X, y, sample_weight) builders from the task's clean y; the expected message
FIT_CASES = {
    "X NaN": (lambda y: (_with(np.nan), y, None), r"X contains NaN in column 2 \(row 3\)"),
    "X +inf": (lambda y: (_with(np.inf), y, None), r"X contains inf in column 2 \(row 3\)"),
    "X -inf": (lambda y: (_with(-np.inf, 0, 1), y, None), r"X contains inf in column 1 \(row 0\)"),
    "no rows": (lambda y: (X0[:0], y[:0], None), r"0 sample"),
    "no features": (lambda y: (X0[:, :0], y, None), r"0 feature"),
    "X 1-D": (lambda y: (X0[:, 0], y, None), r"Expected 2D array"),
    "X 3-D": (lambda y: (X0[:, :, None], y, None), r"dim 3"),
    "text column": (lambda y: (np.column_stack([X0, ["a"] * 30]).astype(object), y, None),
                    r"X column 4 holds non-numeric values \(e\.g\. 'a'\)"),
    "text in a DataFrame": (lambda y: (pd.DataFrame(X0, columns=list("abcd")).assign(city="Lyon"),
                                       y, None),
                            r"non-numeric column\(s\) 'city'"),
    "complex X": (lambda y: (X0 + 1j, y, None), r"Complex data not supported"),
    "rows differ": (lambda y: (X0, y[:-1], None), r"inconsistent numbers of samples: \[30, 29\]"),
    "y None": (lambda y: (X0, None, None), r"requires y to be passed"),
    "X huge": (lambda y: (X0 * 1e300, y, None), r"beyond what float\d\d can square"),
    "X tiny": (lambda y: (X0 * 1e-200, y, None), r"squares underflow"),
    "weights negative": (lambda y: (X0, y, -np.ones(30)), r"negative"),
    "weights NaN": (lambda y: (X0, y, np.r_[np.nan, np.ones(29)]), r"sample_weight contains NaN"),
    "weights inf": (lambda y: (X0, y, np.r_[np.inf, np.ones(29)]),
                    r"sample_weight contains (inf|infinity)"),
    "weights length": (lambda y: (X0, y, np.ones(29)), r"sample_weight.*\(29,\).*\(30,\)"),
    "weights zero": (lambda y: (X0, y, np.zeros(30)), r"(sums to zero|non-zero)"),
}
REG_CASES = {
    "y NaN": (lambda y: (X0, _y_with(y, np.nan), None), r"y contains NaN"),
    "y inf": (lambda y: (X0, _y_with(y, np.inf), None), r"y contains inf"),
    "y huge": (lambda y: (X0, y * 1e300, None), r"y holds values up to .* rescale"),
    "y text": (lambda y: (X0, np.array(["a"] * 30), None), r"(could not convert|numeric)"),
}
POS_CASES = {
    **REG_CASES,
    "y negative": (lambda y: (X0, _y_with(y, -1.0), None), r"y holds -1 \(row 5\); the .* "
                                                          r"family needs y >"),
}
MULTI_CASES = {
    **REG_CASES,
    "y 1-D": (lambda y: (X0, y[:, 0], None), r"y of shape \(n_samples, n_targets\)"),
}
CLF_CASES = {
    "one class": (lambda y: (X0, np.zeros(30), None), r"only one class"),
    "continuous y": (lambda y: (X0, Y_REG, None), r"Unknown label type"),
    "y with None": (lambda y: (X0, np.r_[[None], y[1:]].astype(object), None),
                    r"(Unknown label type|NaN|None|mix)"),
}


def _fit_cases():
    for name, (_, task) in ESTIMATORS.items():
        cases = {**FIT_CASES, **{"reg": REG_CASES, "clf": CLF_CASES, "pos": POS_CASES,
                                 "multi": MULTI_CASES}[task]}
        for case in cases:
            yield pytest.param(name, case, id=f"{name}-{case}")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name, case", list(_fit_cases()))
def test_bad_data_is_refused_by_name(name, case):
    make, task = ESTIMATORS[name]
    build, match = {**FIT_CASES, **POS_CASES, **CLF_CASES, **MULTI_CASES}[case]
    X, y, sw = build(_Y[task])
    kw = {} if sw is None else {"sample_weight": sw}
    with pytest.raises((ValueError, TypeError), match=match):
        make().fit(X, y, **kw)


PARAMS = [
    ("lam", -1.0, r"lam must"), ("lam", np.nan, r"lam must"), ("lam", np.inf, r"lam must"),
    ("lam", "big", r"lam must"), ("lams", [-1.0, 1.0], r"(lams|λ).* (>= 0|finite)"),
    ("lams", 0, r"lams .* >= 1"), ("tol", 0.0, r"tol must be a positive"),
    ("tol", -1.0, r"tol must be a positive"), ("max_iter", 0, r"max_iter must be a positive"),
    ("max_iter", 2.5, r"max_iter must be a positive"), ("cv", 1, r"cv .* >= 2"),
    ("cv", "five", r"cv must be"), ("l1_ratio", 1.5, r"l1_ratio must"),
    ("penalty_factor", "x", r"penalty_factor must be"), ("rule", "best", r"rule"),
    ("learning_rate", -1.0, r"learning_rate must be"), ("max_epochs", 0, r"max_epochs must be"),
    ("batch_size", 0, r"batch_size must be"), ("class_weight", "even", r"class_weight must be"),
]


def _param_cases():
    for name, (make, _) in ESTIMATORS.items():
        params = make().get_params(deep=False)
        for key, value, match in PARAMS:
            if key in params:
                yield pytest.param(name, key, value, match, id=f"{name}-{key}={value!r}")


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name, key, value, match", list(_param_cases()))
def test_bad_hyper_parameters_are_refused_by_name(name, key, value, match):
    make, task = ESTIMATORS[name]
    y = _Y[task]
    with pytest.raises((ValueError, TypeError), match=match):
        make().set_params(**{key: value}).fit(X0, y)


PREDICT_CASES = {
    "wrong width": (lambda: X0[:, :3], r"Feature names seen at fit time, yet now missing:\n- z"),
    "NaN": (lambda: _with(np.nan, 1, 0), r"X contains NaN in column 'w' \(row 1\)"),
    "1-D": (lambda: X0[0], r"Expected 2D array"),
    "text": (lambda: np.column_stack([X0[:, :3], ["a"] * 30]).astype(object),
             r"non-numeric"),
    "renamed columns": (lambda: pd.DataFrame(X0, columns=list("abcd")), r"feature names"),
}


@pytest.fixture(scope="module")
def fitted():
    out = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, (make, task) in ESTIMATORS.items():
            X = pd.DataFrame(X0, columns=["w", "x", "y", "z"])
            out[name] = make().fit(X, _Y[task])
    return out


@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("case", list(PREDICT_CASES))
def test_bad_prediction_input_is_refused_by_name(fitted, name, case):
    build, match = PREDICT_CASES[case]
    X = build()
    if case not in ("renamed columns",) and X.ndim == 2 and X.dtype != object:
        X = pd.DataFrame(X, columns=["w", "x", "y", "z"][:X.shape[1]])
    with pytest.raises((ValueError, TypeError), match=match):
        fitted[name].predict(X)


@pytest.mark.parametrize("name", list(ESTIMATORS))
def test_prediction_before_fit_says_so(name):
    with pytest.raises(NotFittedError, match="not fitted"):
        ESTIMATORS[name][0]().predict(X0)


@pytest.mark.filterwarnings("ignore")
@pytest.mark.parametrize("name", list(ESTIMATORS))
@pytest.mark.parametrize("form", ["list", "int", "bool", "float32"])
def test_other_numeric_forms_fit_like_the_float_array(name, form):
    """A list of lists, integers, booleans or float32 are numbers: a finite fit equal to the
    one of the same values as a float64 array (float32 within its rounding)."""
    make, task = ESTIMATORS[name]
    y = _Y[task]
    base = {"list": X0, "int": np.round(X0 * 3), "bool": X0 > 0, "float32": X0}[form]
    ref = make().fit(np.asarray(base, dtype=np.float64), y)
    given = {"list": base.tolist(), "int": base.astype(np.int64), "bool": base,
             "float32": base.astype(np.float32)}[form]
    got = make().fit(given, y)
    p_ref = ref.predict_proba(base.astype(float)) if task == "clf" else \
        ref.predict(base.astype(float))
    p_got = got.predict_proba(given) if task == "clf" else got.predict(given)
    assert np.all(np.isfinite(p_got))
    tol = 1e-3 if form == "float32" else 1e-9
    np.testing.assert_allclose(p_got, p_ref, rtol=tol, atol=tol)


def test_the_corpus_covers_every_public_estimator():
    import inspect

    from sklearn.base import BaseEstimator

    import shrinkage
    public = {n for n in shrinkage.__all__
              if inspect.isclass(getattr(shrinkage, n)) and issubclass(getattr(shrinkage, n),
                                                                        BaseEstimator)}
    assert public <= set(ESTIMATORS)


# ---- property-based: any finite data fits to finite predictions or is refused by name --------

SCALES = st.sampled_from([1e-300, 1e-160, 1e-100, 1e-15, 1.0, 1e15, 1e100, 1e160, 1e300])
_REFUSED = (r"(beyond what float\d\d can square|squares underflow|only one class|diverged|"
            r"beyond the range of float32|below the smallest normal float32)")


@pytest.mark.parametrize("name", ["Ridge", "Lasso", "ElasticNet", "LogisticRegression",
                                  "GroupLasso", "MLPRegressor"])
@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scale=SCALES, y_scale=SCALES, seed=st.integers(0, 2**16))
def test_any_scale_fits_finitely_or_is_refused_by_name(name, scale, y_scale, seed):
    make, task = ESTIMATORS[name]
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(25, 3)) * scale
    y = rng.normal(size=25)
    y = (y > 0).astype(int) if task == "clf" else y * y_scale
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model = make().fit(X, y)
        except ValueError as e:
            assert __import__("re").search(_REFUSED, str(e)), str(e)
            return
    assert np.all(np.isfinite(model.predict(X) if task == "reg" else model.predict_proba(X)))
