"""skglm (optional; skipped when not installed): Anderson-accelerated working-set coordinate
descent (Bertrand & Massias).

skglm's ``ElasticNet(alpha, l1_ratio=r)`` minimizes ``(1/2n)‖y − Xw − b‖² + α r‖w‖₁ +
½α(1−r)‖w‖²``, scikit-learn's form: our ``λ = α(1 + r)``, ``ρ = 2r/(1 + r)``. It has no CV
estimator, so the CV adapter is the loop a user writes: per fold, one warm-started pass down the
grid (``warm_start=True``), held-out MSE, the λ of the smallest mean, a refit on all rows.
Its stopping rule is its own ``tol=1e-4`` (subdifferential distance, its default).
"""

import numpy as np

from registry import Fit, adapter, require


def _ratio(prob):
    return prob.l1_ratio / (2.0 - prob.l1_ratio)             # ρ = 2r/(1+r)  ⇔  r = ρ/(2−ρ)


def _model(prob, alpha, r):
    skglm = require("skglm")
    if r == 1.0:
        return skglm.Lasso(alpha=alpha, fit_intercept=prob.fit_intercept, warm_start=True)
    return skglm.ElasticNet(alpha=alpha, l1_ratio=r, fit_intercept=prob.fit_intercept,
                            warm_start=True)


@adapter("skglm", "ElasticNet CV loop", tasks={"enet_cv"})
def enet_cv(prob):
    """5 folds × 100 λ, warm-started down the grid in each fold, then a refit at the best λ."""
    r = _ratio(prob)
    alphas = prob.lams / (1.0 + r)
    mse = np.zeros((len(prob.folds), len(alphas)))
    for f, (tr, te) in enumerate(prob.folds):
        model = _model(prob, alphas[0], r)
        for k, a in enumerate(alphas):
            model.alpha = float(a)
            model.fit(prob.X[tr], prob.y[tr])
            resid = prob.y[te] - model.predict(prob.X[te])
            mse[f, k] = float(resid @ resid) / len(te)
    best = int(np.argmin(mse.mean(axis=0)))
    model = _model(prob, alphas[best], r)
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_, float(prob.lams[best]))


@adapter("skglm", "Lasso warm-started path", tasks={"lasso_path"})
def lasso_path(prob):
    """``skglm.Lasso(alpha=λ/2, fit_intercept=False, warm_start=True)`` down the grid."""
    model = _model(prob, prob.lams[0] / 2.0, 1.0)
    coefs = []
    for lam in prob.lams:
        model.alpha = float(lam) / 2.0
        model.fit(prob.X, prob.y)
        coefs.append(model.coef_.copy())
    return Fit(np.array(coefs), 0.0)
