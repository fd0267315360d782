"""glum (optional; skipped when not installed; in the ``bench`` extra).

glum minimizes ``(1/2S)·deviance + α·r‖w‖₁ + ½α(1−r)‖w‖²``. The binomial deviance is twice the
log-loss, so with ``r = 0`` that is our objective at ``α = 2λ``; for squared error the
deviance is the squared error, which gives half our objective at ``α = λ``. glum's CV averages
the loss over each training fold as we do, so the same α grid serves every fold.
"""

import numpy as np

from registry import Fit, Skip, adapter, require


def _alpha(prob, lam):
    return lam if prob.task.startswith("ridge") else 2.0 * lam


@adapter("glum", "", tasks={"ridge", "logistic"})
def single(prob):
    glum = require("glum")
    family = "normal" if prob.task == "ridge" else "binomial"
    model = glum.GeneralizedLinearRegressor(family=family, alpha=_alpha(prob, prob.lam), l1_ratio=0.0,
                                            fit_intercept=prob.fit_intercept,
                                            gradient_tol=prob.tol, scale_predictors=False)
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_, extra={"n_iter": getattr(model, "n_iter_", None)})


@adapter("glum", "CV", tasks={"logistic_cv"})
def cv(prob):
    glum = require("glum")
    alphas = _alpha(prob, prob.lams)
    model = glum.GeneralizedLinearRegressorCV(family="binomial", alphas=alphas, l1_ratio=[0.0],
                                              cv=prob.folds, fit_intercept=prob.fit_intercept,
                                              gradient_tol=prob.tol, scale_predictors=False)
    model.fit(prob.X, prob.y)
    lam = float(prob.lams[np.argmin(np.abs(alphas - model.alpha_))])
    return Fit(model.coef_, model.intercept_, lam)


@adapter("glum", "CV", tasks={"enet_cv"})
def enet_cv(prob):
    """``GeneralizedLinearRegressorCV(l1_ratio=[r], alphas=λ/(1+r))``, same folds: glum's
    ``(1/2n)Σ(y−ŷ)² + α r‖w‖₁ + ½α(1−r)‖w‖²`` is half ours at ``λ = α(1+r)``, ``ρ = 2r/(1+r)``
    (``convert_strength(source="glum-gaussian")``); its default ``gradient_tol``."""
    glum = require("glum")
    r = prob.l1_ratio / (2.0 - prob.l1_ratio)
    alphas = prob.lams / (1.0 + r)
    model = glum.GeneralizedLinearRegressorCV(family="normal", alphas=alphas, l1_ratio=[r],
                                              cv=prob.folds, fit_intercept=prob.fit_intercept,
                                              scale_predictors=False)
    model.fit(prob.X, prob.y)
    lam = float(prob.lams[np.argmin(np.abs(alphas - model.alpha_))])
    return Fit(model.coef_, model.intercept_, lam)


@adapter("glum", "path", tasks={"lasso_path"})
def lasso_path(prob):
    """``GeneralizedLinearRegressor(alpha_search=True, alphas=λ/2, l1_ratio=1)``: glum's own
    warm-started path; its ``coef_path_`` is the whole path. Skipped for p > 5,000: glum's
    solver forms the dense p × p Hessian (3.2 GB at p = 20,000), and on ``lasso_path_wide`` a
    first attempt had not finished its warm-up after 13 minutes (3.7 GB resident)."""
    glum = require("glum")
    if prob.X.shape[1] > 5_000:
        raise Skip("glum forms a dense p × p Hessian (p = 20,000: 3.2 GB); a first attempt ran "
                   "13 min without finishing one fit")
    model = glum.GeneralizedLinearRegressor(family="normal", alpha_search=True,
                                            alphas=prob.lams / 2.0, l1_ratio=1.0,
                                            fit_intercept=prob.fit_intercept,
                                            scale_predictors=False)
    model.fit(prob.X, prob.y)
    return Fit(np.asarray(model.coef_path_), 0.0)
