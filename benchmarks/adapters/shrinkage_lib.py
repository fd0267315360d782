"""shrinkage itself: the reference every ratio is taken against."""

from registry import Fit, Skip, adapter, require


def _logistic():
    shrinkage = require("shrinkage")
    if not hasattr(shrinkage, "LogisticRegression"):
        raise Skip("shrinkage.LogisticRegression is not importable yet")
    return shrinkage


@adapter("shrinkage", "RidgeCV", tasks={"ridge_cv"}, reference=True)
def ridge_cv(prob):
    model = require("shrinkage").RidgeCV(lams=prob.lams, cv="loo" if prob.folds is None else prob.folds,
                                         standardize=False, fit_intercept=prob.fit_intercept)
    model.fit(prob.X, prob.y)
    best = model.cv_results_["mean_score"].max()
    return Fit(model.coef_, model.intercept_, model.lam_, {"cv_mse": -best})


@adapter("shrinkage", "Ridge", tasks={"ridge"}, reference=True)
def ridge(prob):
    model = require("shrinkage").Ridge(lam=prob.lam, standardize=False,
                                       fit_intercept=prob.fit_intercept)
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_)


@adapter("shrinkage", "LogisticRegression", tasks={"logistic", "multinomial"}, reference=True)
def logistic(prob):
    model = _logistic().LogisticRegression(lam=prob.lam, standardize=False, tol=prob.tol,
                                           fit_intercept=prob.fit_intercept)
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_, extra={"n_iter": model.n_iter_,
                                                     "solver": getattr(model, "solver_", None)})


@adapter("shrinkage", "LogisticRegressionCV", tasks={"logistic_cv"}, reference=True)
def logistic_cv(prob):
    model = _logistic().LogisticRegressionCV(lams=prob.lams, cv=prob.folds, standardize=False,
                                             tol=prob.tol, fit_intercept=prob.fit_intercept,
                                             scoring="neg_log_loss")
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_, model.lam_,
               {"solver": getattr(model, "solver_", None)})
