"""Array API input under ``array_api_dispatch`` (issue 13): refused by name with the fix, at fit
and at predict, by every public estimator and LamSearchCV (before: ``asarray(): argument 'dtype'
must be torch.dtype``). scikit-learn reads ``SCIPY_ARRAY_API`` when SciPy is first imported, so
the check runs in a fresh interpreter."""

import os
import subprocess
import sys

import pytest

pytest.importorskip("array_api_strict", reason="array-api-strict is in the test extra")

SCRIPT = r'''
import sklearn
sklearn.set_config(array_api_dispatch=True)
import array_api_strict as xp
import numpy as np
import shrinkage as S
from shrinkage.selection import LamSearchCV
rng = np.random.default_rng(0)
Xn = rng.normal(size=(40, 3))
yr = Xn @ [1.0, -1.0, 0.5] + rng.normal(size=40)
yc = (yr > 0).astype(int)
X = xp.asarray(Xn)
cases = [(S.Ridge(), yr), (S.RidgeCV(), yr), (S.Lasso(), yr), (S.ElasticNet(), yr),
         (S.ElasticNetCV(lams=3, cv=2), yr), (S.GroupLasso(), yr), (S.GroupLassoClassifier(), yc),
         (S.LogisticRegression(), yc), (S.LogisticRegressionCV(lams=3, cv=2), yc),
         (S.MLPRegressor(max_epochs=2), yr), (S.MLPClassifier(max_epochs=2), yc),
         (LamSearchCV(S.Ridge(), lams=[1.0], cv=2), yr)]
for est, y in cases:
    for step in ("fit", "predict"):
        try:
            if step == "fit":
                est.fit(X, xp.asarray(y))
            else:
                est.fit(Xn, y).predict(X)          # NumPy still works; the predict is refused
            print(type(est).__name__, step, "ACCEPTED")
        except TypeError as e:
            ok = "does not support array API dispatch" in str(e) and "numpy()" in str(e)
            print(type(est).__name__, step, "refused" if ok else "UNCLEAR: " + str(e))
'''


def test_array_api_input_is_refused_by_name():
    env = dict(os.environ, SCIPY_ARRAY_API="1")
    out = subprocess.run([sys.executable, "-c", SCRIPT], env=env, capture_output=True, text=True,
                         timeout=300)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.strip().splitlines()
    assert len(lines) == 24
    assert all(line.endswith("refused") for line in lines), out.stdout
