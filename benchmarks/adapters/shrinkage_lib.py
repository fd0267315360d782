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
    """The default thread rule (the runner's BLAS threads here: 128·784·256 ≥ 2·10⁷,
    ``shrinkage._threads.NETWORK_THREADED_WORK``)."""
    if registry.THREADS == 1:
        raise Skip("same as the reference row at 1 thread")
    return _mlp(prob, "running", None)


def _mlp_grid(prob, init):
    shrinkage = require("shrinkage")
    from shrinkage.selection import LamSearchCV
    o = prob.options
    net = shrinkage.MLPClassifier(hidden_layer_sizes=(o["hidden"],), optimizer="adam", init=init,
                                  learning_rate=o["learning_rate"], batch_size=o["batch_size"],
                                  max_epochs=o["epochs"], shuffle=True, dtype="float32",
                                  train_loss="running", random_state=o["seed"])
    search = LamSearchCV(net, lams=list(prob.lams), cv=prob.folds, scoring="neg_log_loss", n_jobs=1)
    search.fit(prob.X, prob.y)
    acc = float(np.mean(search.predict(o["X_test"]) == o["y_test"]))
    return Fit(lam=float(search.lam_), extra={"test_acc": acc})


@adapter("shrinkage", "LamSearchCV(MLPClassifier)", tasks={"mlp_grid"}, reference=True)
def mlp_grid(prob):
    """The engine's grid search over a network: Adam lr 1e-3, batch 200, all epochs run (no early
    stopping), ``init="xavier"`` (Glorot uniform, scikit-learn's initialisation, so that both
    searches reach the same accuracy: ``benchmarks/mlp_accuracy.py``), ``train_loss="running"``
    (sklearn's history is the running batch loss too), log-loss scoring, ``n_jobs=1`` (one fit at
    a time, BLAS pinned by the runner)."""
    return _mlp_grid(prob, "xavier")


@adapter("shrinkage", "LamSearchCV(MLPClassifier) init=auto (He)", tasks={"mlp_grid"})
def mlp_grid_he(prob):
    """The same search with the default initialisation (He normal for the relu layer): the same
    work, slightly lower held-out accuracy after 30 epochs here (``benchmarks/mlp_accuracy.py``)."""
    return _mlp_grid(prob, "auto")


@adapter("shrinkage", "ElasticNetCV", tasks={"enet_cv"}, reference=True)
def enet_cv(prob):
    """Default tolerances (issue 11): fold paths stop when every coordinate's subdifferential
    distance is ≤ 1e-3 · max|2X̃ᵀỹ/n| (``cv_tol = 10·tol``), the all-data path at 1e-4, the
    chosen model polished to 1e-7 (:mod:`shrinkage.solvers.cd`); a given grid is walked whole
    (no early exit). Before issue 11: 1e-5, 1e-7 and 1e-10."""
    model = require("shrinkage").ElasticNetCV(lams=prob.lams, l1_ratio=prob.l1_ratio, cv=prob.folds,
                                              standardize=False, fit_intercept=prob.fit_intercept)
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_, model.lam_, {"n_iter": model.n_iter_})


@adapter("shrinkage", "enet_path", tasks={"lasso_path"}, reference=True)
def lasso_path(prob):
    """:func:`shrinkage.solvers.cd.enet_path` on the naive-mode problem (p > n): warm starts,
    strong-rule screening, stops at subdifferential distance ≤ 1e-7 · max|2Xᵀy/n| (its default)."""
    require("shrinkage")
    from shrinkage.solvers.cd import enet_path, make_problem
    n = prob.X.shape[0]
    problem = make_problem(prob.X, prob.y, np.full(n, 1.0 / n), fit_intercept=prob.fit_intercept,
                           standardize=False)
    path = enet_path(problem, prob.lams, l1_ratio=prob.l1_ratio)
    coef, intercept = problem.to_original(path.beta)
    return Fit(coef, intercept, extra={"n_iter": int(path.n_iter.sum())})
