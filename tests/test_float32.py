"""float32 in, float32 out (issue 12): coefficients, predictions and probabilities of a fit on
float32 X are float32, within 1e-4 relative of the float64 fit (the linear models compute in
float64 from the float32 values; the networks train in float32 and predict in float64 before
the cast)."""

import warnings

import numpy as np
import pandas as pd
import pytest
import scipy.sparse as sp

from shrinkage import (ElasticNet, GammaRegressor, Lasso, LogisticRegression, MLPClassifier,
                       MLPRegressor, PoissonRegressor, Ridge)

rng = np.random.default_rng(0)
X64 = rng.normal(size=(120, 4))
Y = X64 @ [1.0, 2.0, 0.0, -1.0] + rng.normal(size=120)
X32 = X64.astype(np.float32)

CASES = [(Ridge, Y), (Lasso, Y), (ElasticNet, Y), (LogisticRegression, (Y > 0).astype(int)),
         (lambda: LogisticRegression(l1_ratio=0.5), (Y > 0).astype(int)),
         (PoissonRegressor, np.round(np.exp(Y / 4))), (GammaRegressor, np.exp(Y / 4))]


# every form for every case, except sparse X for the L1 logistic fit (a dense solver)
FORMS = [(make, y, form) for make, y in CASES for form in ("array", "sparse", "frame")
         if not (form == "sparse" and make is CASES[4][0])]


@pytest.mark.parametrize("make, y, form", FORMS)
def test_float32_in_float32_out(make, y, form):
    X = {"array": X32, "sparse": sp.csr_matrix(X32),
         "frame": pd.DataFrame(X32, columns=list("abcd"))}[form]
    a = make().fit(X, y)
    b = make().fit(X.astype(np.float64), y)       # the same form (and route) in float64
    assert a.coef_.dtype == np.float32 and np.asarray(a.intercept_).dtype == np.float32
    np.testing.assert_allclose(a.coef_, b.coef_, rtol=1e-4, atol=1e-6 * np.abs(b.coef_).max())
    out = a.predict_proba(X) if hasattr(a, "predict_proba") else a.predict(X)
    ref = b.predict_proba(X32.astype(np.float64)) if hasattr(b, "predict_proba") else \
        b.predict(X32.astype(np.float64))
    assert out.dtype == np.float32
    np.testing.assert_allclose(out, ref, rtol=1e-4, atol=1e-5)
    assert (a.predict_proba(X64) if hasattr(a, "predict_proba") else a.predict(X64)).dtype \
        == np.float64                                   # float64 rows: float64 out


@pytest.mark.parametrize("cls, y", [(MLPClassifier, (Y > 0).astype(int)), (MLPRegressor, Y)])
def test_networks_float32_in_float32_out(cls, y):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        net = cls((8,), max_epochs=5, random_state=0).fit(X32, y)
    assert net.coefs_[0].dtype == np.float32
    out = net.predict_proba(X32) if hasattr(net, "predict_proba") else net.predict(X32)
    ref = net.predict_proba(X64) if hasattr(net, "predict_proba") else net.predict(X64)
    assert out.dtype == np.float32 and ref.dtype == np.float64
    np.testing.assert_allclose(out, ref, rtol=1e-5, atol=1e-6)
