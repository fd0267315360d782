"""scikit-learn, at the strength converted to its terms (:mod:`shrinkage.conventions`).

* ``Ridge(alpha)``: ``‖y − Xw‖² + α‖w‖²`` is ``n`` times ours, so ``α = nλ``. In leave-one-out
  each fit sees ``n − 1`` rows, so ``RidgeCV`` at ``α = (n − 1)λ`` is exactly our LOO at λ.
* ``LogisticRegression(C)``: ``CΣℓ + ½‖w‖²`` is ``Cn`` times ours with ``λ = 1/(2Cn)``, so
  ``C = 1/(2λn)``; inside CV ``n`` is the training-fold size. ``LogisticRegressionCV`` refits
  on all ``n`` rows at the chosen ``C``, i.e. at ``λ·n_train/n`` in our terms.
"""

import numpy as np

from registry import Fit, adapter, require

MAX_ITER = 10_000   # let every solver reach its tol; the defaults (100) stop lbfgs early


def _lm():
    return require("sklearn.linear_model")


def _unconvert(C, prob):
    """The grid λ nearest (in log) to ``1/(2 C n_train)``: undo the conversion exactly."""
    lam = 1.0 / (2.0 * float(np.ravel(C)[0]) * prob.n_train)
    return float(prob.lams[np.argmin(np.abs(np.log(prob.lams / lam)))])


@adapter("sklearn", "RidgeCV", tasks={"ridge_cv"})
def ridge_cv(prob):
    alphas = prob.lams * prob.n_train
    model = _lm().RidgeCV(alphas=alphas, gcv_mode=None, fit_intercept=prob.fit_intercept,
                          cv=prob.folds)
    model.fit(prob.X, prob.y)
    lam = float(prob.lams[np.argmin(np.abs(alphas - model.alpha_))])
    return Fit(model.coef_, model.intercept_, lam, {"cv_mse": -model.best_score_})


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
