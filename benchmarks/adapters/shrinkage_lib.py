"""shrinkage itself: the reference every ratio is taken against."""

import numpy as np

import registry
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


def _mlp(prob, train_loss, n_threads):
    o = prob.options
    model = require("shrinkage").MLPClassifier(
        hidden_layer_sizes=(o["hidden"],), activation="relu", lam=prob.lam, optimizer="momentum",
        momentum=o["momentum"], learning_rate=o["learning_rate"], batch_size=o["batch_size"],
        max_epochs=o["epochs"], shuffle=True, dtype=np.dtype(o["dtype"]).name,
        train_loss=train_loss, n_threads=n_threads, random_state=o["seed"])
    model.fit(prob.X, prob.y)
    return Fit([a for W, b in zip(model.coefs_, model.intercepts_) for a in (W, b)],
               extra={"history_loss": model.history_["loss"][-1]})


@adapter("shrinkage", "MLPClassifier", tasks={"mlp_epoch"}, reference=True)
def mlp(prob):
    """``train_loss="running"`` (no extra pass over the data, as the peers) at the runner's
    thread count."""
    return _mlp(prob, "running", registry.THREADS)


@adapter("shrinkage", "MLPClassifier epoch_end", tasks={"mlp_epoch"})
def mlp_epoch_end(prob):
    """The default ``train_loss="epoch_end"``: one more forward pass for an honest history."""
    return _mlp(prob, "epoch_end", registry.THREADS)


@adapter("shrinkage", "MLPClassifier n_threads=None", tasks={"mlp_epoch"})
def mlp_auto_threads(prob):
    """The default thread rule (1 BLAS thread here: 128·784·256 < 5·10⁷), whatever the runner's."""
    if registry.THREADS == 1:
        raise Skip("same as the reference row at 1 thread")
    return _mlp(prob, "running", None)
