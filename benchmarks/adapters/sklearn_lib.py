"""scikit-learn, at the strength converted to its terms (:mod:`shrinkage.conventions`).

* ``Ridge(alpha)``: ``‖y − Xw‖² + α‖w‖²`` is ``n`` times ours, so ``α = nλ``. In leave-one-out
  each fit sees ``n − 1`` rows, so ``RidgeCV`` at ``α = (n − 1)λ`` is exactly our LOO at λ.
* ``LogisticRegression(C)``: ``CΣℓ + ½‖w‖²`` is ``Cn`` times ours with ``λ = 1/(2Cn)``, so
  ``C = 1/(2λn)``; inside CV ``n`` is the training-fold size. ``LogisticRegressionCV`` refits
  on all ``n`` rows at the chosen ``C``, i.e. at ``λ·n_train/n`` in our terms.
"""

import numpy as np

from registry import Fit, Skip, adapter, require

MAX_ITER = 10_000   # let every solver reach its tol; the defaults (100) stop lbfgs early


def _lm():
    return require("sklearn.linear_model")


def _unconvert(C, prob):
    """The grid λ nearest (in log) to ``1/(2 C n_train)``: undo the conversion exactly."""
    lam = 1.0 / (2.0 * float(np.ravel(C)[0]) * prob.n_train)
    return float(prob.lams[np.argmin(np.abs(np.log(prob.lams / lam)))])


@adapter("sklearn", "RidgeCV", tasks={"ridge_cv"})
def ridge_cv(prob):
    """Leave-one-out only: with ``cv=K`` sklearn's RidgeCV *is* GridSearchCV (next adapter)."""
    if prob.folds is not None:
        raise Skip("RidgeCV(cv=K) is GridSearchCV over Ridge: see the GridSearchCV(Ridge) row")
    alphas = prob.lams * prob.n_train
    model = _lm().RidgeCV(alphas=alphas, gcv_mode=None, fit_intercept=prob.fit_intercept,
                          cv=prob.folds)
    model.fit(prob.X, prob.y)
    lam = float(prob.lams[np.argmin(np.abs(alphas - model.alpha_))])
    return Fit(model.coef_, model.intercept_, lam, {"cv_mse": -model.best_score_})


@adapter("sklearn", "GridSearchCV(Ridge)", tasks={"ridge_cv"})
def ridge_grid(prob):
    """K-fold: ``GridSearchCV(Ridge(), {"alpha": n_train·λ}, scoring="neg_mean_squared_error")``,
    one Ridge fit per (fold, λ) and a refit at ``α`` on all ``n`` rows (λ·n_train/n ours)."""
    if prob.folds is None:
        raise Skip("leave-one-out: see the RidgeCV row")
    from sklearn.model_selection import GridSearchCV
    alphas = prob.lams * prob.n_train
    search = GridSearchCV(_lm().Ridge(fit_intercept=prob.fit_intercept), {"alpha": alphas},
                          cv=prob.folds, scoring="neg_mean_squared_error")
    search.fit(prob.X, prob.y)
    model = search.best_estimator_
    lam = float(prob.lams[np.argmin(np.abs(alphas - model.alpha))])
    return Fit(model.coef_, model.intercept_, lam, {"cv_mse": -search.best_score_})


@adapter("sklearn", "Ridge", tasks={"ridge"})
def ridge(prob):
    model = _lm().Ridge(alpha=prob.lam * prob.X.shape[0], fit_intercept=prob.fit_intercept)
    model.fit(prob.X, prob.y)
    return Fit(model.coef_, model.intercept_)


def _logistic(solver):
    def fit(prob):
        model = _lm().LogisticRegression(C=1.0 / (2.0 * prob.lam * prob.X.shape[0]), solver=solver,
                                         tol=prob.tol, max_iter=MAX_ITER,
                                         fit_intercept=prob.fit_intercept)
        model.fit(prob.X, prob.y)
        return Fit(model.coef_, model.intercept_, extra={"n_iter": int(np.max(model.n_iter_))})
    return fit


def _logistic_cv(solver):
    def fit(prob):
        model = _lm().LogisticRegressionCV(
            Cs=1.0 / (2.0 * prob.lams * prob.n_train), cv=prob.folds, solver=solver, tol=prob.tol,
            max_iter=MAX_ITER, l1_ratios=(0.0,), scoring="neg_log_loss",
            use_legacy_attributes=False, fit_intercept=prob.fit_intercept)
        model.fit(prob.X, prob.y)
        return Fit(model.coef_, model.intercept_, _unconvert(model.C_, prob))
    return fit


for _solver in ("newton-cholesky", "lbfgs"):
    adapter("sklearn", _solver, tasks={"logistic"})(_logistic(_solver))
    adapter("sklearn", f"CV {_solver}", tasks={"logistic_cv"})(_logistic_cv(_solver))
adapter("sklearn", "lbfgs", tasks={"multinomial"})(_logistic("lbfgs"))
adapter("sklearn", "newton-cholesky", tasks={"multinomial"})(_logistic("newton-cholesky"))


@adapter("sklearn", "MLPClassifier sgd", tasks={"mlp_epoch"})
def mlp_sgd(prob):
    """``MLPClassifier(solver="sgd")`` with heavy-ball momentum, one epoch (``max_iter=1``).

    scikit-learn's MLP adds ``α/(2·batch)·‖W‖²`` to each batch's mean loss, so
    ``α = 2λ·batch`` (:func:`shrinkage.convert_strength`, ``target="sklearn-mlp"``). It keeps
    float32 input in float32.
    """
    from sklearn.neural_network import MLPClassifier
    from shrinkage import convert_strength
    o = prob.options
    alpha = convert_strength(prob.lam, source="shrinkage", target="sklearn-mlp",
                             n_samples=o["batch_size"]).value
    model = MLPClassifier(hidden_layer_sizes=(o["hidden"],), activation="relu", solver="sgd",
                          alpha=alpha, batch_size=o["batch_size"], learning_rate="constant",
                          learning_rate_init=o["learning_rate"], momentum=o["momentum"],
                          nesterovs_momentum=False, max_iter=o["epochs"], shuffle=True,
                          early_stopping=False, random_state=o["seed"])
    model.fit(prob.X, prob.y)
    return Fit([a for W, b in zip(model.coefs_, model.intercepts_) for a in (W, b)],
               extra={"n_iter": model.n_iter_})


@adapter("sklearn", "GridSearchCV(MLPClassifier)", tasks={"mlp_grid"})
def mlp_grid(prob):
    """``GridSearchCV(MLPClassifier(solver="adam"), {"alpha": 2λ·batch})`` with the same folds,
    log-loss scoring, lr, batch, epochs and ``n_jobs=1``; ``n_iter_no_change = epochs + 1`` so
    that, like ours, every epoch runs (its default stops after 10 epochs without a ``tol`` gain)."""
    from sklearn.model_selection import GridSearchCV
    from sklearn.neural_network import MLPClassifier
    from shrinkage import convert_strength
    o = prob.options
    alphas = [convert_strength(float(v), source="shrinkage", target="sklearn-mlp",
                               n_samples=o["batch_size"]).value for v in prob.lams]
    net = MLPClassifier(hidden_layer_sizes=(o["hidden"],), activation="relu", solver="adam",
                        learning_rate_init=o["learning_rate"], batch_size=o["batch_size"],
                        max_iter=o["epochs"], n_iter_no_change=o["epochs"] + 1, shuffle=True,
                        early_stopping=False, random_state=o["seed"])
    search = GridSearchCV(net, {"alpha": alphas}, cv=prob.folds, scoring="neg_log_loss", n_jobs=1)
    search.fit(prob.X, prob.y)
    acc = float(np.mean(search.predict(o["X_test"]) == o["y_test"]))
    lam = float(prob.lams[int(np.argmin(np.abs(np.log(np.array(alphas) / search.best_params_["alpha"]))))])
    return Fit(lam=lam, extra={"test_acc": acc})


@adapter("sklearn", "ElasticNetCV", tasks={"enet_cv"})
def enet_cv(prob):
    """``ElasticNetCV(l1_ratio=r, alphas=λ/(1+r))`` (r = 0.5 here: our ρ = 2r/(1+r)), same folds,
    its default ``tol=1e-4`` (duality gap ≤ tol·‖y − ȳ‖²/n per fit) and ``precompute="auto"``
    (a Gram matrix per fold, n > p); ``max_iter`` raised to 10,000."""
    from shrinkage import convert_strength
    r = prob.l1_ratio / (2.0 - prob.l1_ratio)             # ρ = 2r/(1+r)  ⇔  r = ρ/(2−ρ)
    alphas = prob.lams / (1.0 + r)
    model = _lm().ElasticNetCV(l1_ratio=r, alphas=alphas, cv=prob.folds, max_iter=MAX_ITER,
                               fit_intercept=prob.fit_intercept)
    model.fit(prob.X, prob.y)
    lam = convert_strength(float(model.alpha_), source="sklearn-elasticnet", l1_ratio=r).value
    lam = float(prob.lams[np.argmin(np.abs(np.log(prob.lams / lam)))])
    return Fit(model.coef_, model.intercept_, lam, {"n_iter": int(model.n_iter_)})


@adapter("sklearn", "lasso_path", tasks={"lasso_path"})
def lasso_path(prob):
    """``lasso_path(X, y, alphas=λ/2)`` (no intercept: the data are centred), default
    ``tol=1e-4`` (duality gap ≤ tol·‖y‖²/n), no Gram matrix (p > n)."""
    _, coefs, _ = _lm().lasso_path(prob.X, prob.y, alphas=prob.lams / 2.0, max_iter=MAX_ITER)
    return Fit(coefs.T, 0.0)
