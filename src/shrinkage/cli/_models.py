"""The estimators behind ``shrinkage fit``: choosing the class, fitting with a progress bar, and
summarizing the fit (λ, df, CV score, largest coefficients)."""

from __future__ import annotations

import numpy as np

MODELS = ("ridge", "logistic", "mlp", "lasso", "elasticnet")
MLP_GRID = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)


def parse_cv(text: str):
    """``--cv``: a fold count ``K ≥ 2``, or ``loo`` / ``gcv`` (ridge)."""
    if text in ("loo", "gcv"):
        return text
    try:
        k = int(text)
    except ValueError:
        raise ValueError(f"--cv must be a number of folds (e.g. 5), 'loo' or 'gcv', got "
                         f"{text!r}") from None
    if k < 2:
        raise ValueError(f"--cv needs at least 2 folds, got {k}")
    return k


def _optional(name: str):
    import shrinkage
    return getattr(shrinkage, name, None)


def default_model(task: str) -> str:
    return "logistic" if task == "classification" else "ridge"


def build(model: str, task: str, *, lam=None, cv=None, rule="min", standardize=True,
          l1_ratio=0.5, hidden=(64,), epochs=200, seed=0):
    """``(estimator, how)``: an unfitted estimator and a phrase saying how λ is chosen.

    ``lam`` fixes λ; otherwise ``cv`` (default: exact leave-one-out for ridge, 5-fold for the
    others; a network uses a fixed ``λ = 1e-4`` unless ``cv`` is given) chooses it by ``rule``.
    """
    from .. import LogisticRegression, LogisticRegressionCV, Ridge, RidgeCV
    if model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, got {model!r}")
    classification = task == "classification"
    if model == "ridge" and classification:
        raise ValueError("ridge is a regression model but the target looks like class labels; "
                         "use --model logistic, or --task regression")
    if model == "logistic" and not classification:
        raise ValueError("logistic regression needs class labels but the target looks "
                         "numeric; use --model ridge, or --task classification")
    if cv in ("loo", "gcv") and model != "ridge":
        raise ValueError(f"--cv {cv} is for ridge only; give a number of folds")
    common = dict(standardize=standardize)
    if model == "ridge":
        if lam is not None:
            return Ridge(lam=lam, **common), f"λ = {lam:g} (given)"
        cv = "loo" if cv is None else cv
        how = {"loo": "exact leave-one-out", "gcv": "generalized cross-validation"}.get(
            cv, f"{cv}-fold cross-validation")
        return RidgeCV(cv=cv, rule=rule, random_state=seed if isinstance(cv, int) else None,
                       **common), f"λ by {how}, rule {rule}"
    if model == "logistic":
        if lam is not None:
            return LogisticRegression(lam=lam, **common), f"λ = {lam:g} (given)"
        cv = 5 if cv is None else cv
        return (LogisticRegressionCV(cv=cv, rule=rule, random_state=seed, **common),
                f"λ by {cv}-fold cross-validation, rule {rule}")
    if model == "mlp":
        from .. import MLPClassifier, MLPRegressor
        cls = MLPClassifier if classification else MLPRegressor
        est = cls(hidden_layer_sizes=tuple(hidden), lam=1e-4 if lam is None else lam,
                  max_epochs=epochs, learning_rate=1e-2, random_state=seed)
        if cv is None:
            return est, f"λ = {est.lam:g} ({'given' if lam is not None else 'default'})"
        return est, f"λ by {cv}-fold cross-validation over {list(MLP_GRID)}, rule {rule}"
    # lasso / elastic net: written by another part of the library; present or not
    ratio = 1.0 if model == "lasso" else l1_ratio
    if classification:
        raise ValueError(f"{model} is for regression targets here; use --model logistic for "
                         "class labels")
    single = _optional("Lasso" if model == "lasso" else "ElasticNet") or _optional("ElasticNet")
    multi = _optional("LassoCV" if model == "lasso" else "ElasticNetCV") or _optional("ElasticNetCV")
    if lam is not None:
        if single is None:
            raise ValueError(f"--model {model} is not available in this version of shrinkage")
        params = single().get_params()
        kw = dict(lam=lam, **common)
        if "l1_ratio" in params:
            kw["l1_ratio"] = ratio
        return single(**kw), f"λ = {lam:g} (given)"
    if multi is None:
        raise ValueError(f"--model {model} with cross-validation is not available in this "
                         "version of shrinkage")
    params = multi().get_params()
    kw = dict(cv=5 if cv is None else cv, rule=rule, **common)
    if "l1_ratio" in params:
        kw["l1_ratio"] = ratio
    return multi(**kw), f"λ by {kw['cv']}-fold cross-validation, rule {rule}"


def fit(est, X, y, *, cv=None, rule="min", seed=0, out=None):
    """Fit ``est`` on ``X, y`` with a progress bar (``out.progress``) over folds or epochs."""
    from ..selection.scoring import Score, get_score
    name = type(est).__name__
    progress = out.progress if out is not None else (lambda *a, **k: _NoBar())
    if name.startswith("MLP"):
        if cv is not None:
            return _mlp_cv(est, X, y, cv, rule, seed, progress)
        with progress(est.max_epochs, "training") as bar:
            _fit_network(est, X, y, bar)
        return est
    if name == "RidgeCV":
        est.set_params(progress=out is not None and out.progress_enabled)
        est.fit(X, y)
        est.set_params(progress=False)
        return est
    if name == "LogisticRegressionCV":
        base = get_score(est.scoring, classification=True)
        k = est.cv if isinstance(est.cv, int) else 5
        grid = est.lams if isinstance(est.lams, int) else len(est.lams)
        with progress(grid * k, "cross-validation") as bar:
            def ticking(Y, P, sw, _base=base, _bar=bar):
                _bar.update()
                return _base(Y, P, sw)
            est.set_params(scoring=Score(base.name, "proba", None, ticking))
            try:
                est.fit(X, y)
            finally:
                est.set_params(scoring=None)
        return est
    return est.fit(X, y)


class _NoBar:
    def update(self, k=1):
        pass

    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


def _fit_network(est, X, y, bar):
    """``est.fit(X, y)`` with an epoch callback that moves ``bar``."""
    class Tick:
        def on_epoch_end(self, trainer):
            bar.update()

    build = est._build

    def build_with_bar(*args, **kwargs):
        trainer = build(*args, **kwargs)
        trainer.callbacks.append(Tick())
        return trainer
    est._build = build_with_bar                  # an instance attribute, removed below
    try:
        est.fit(X, y)
    finally:
        del est._build
    return est


def _mlp_cv(est, X, y, cv, rule, seed, progress):
    """Choose a network's λ over :data:`MLP_GRID` by K-fold CV, then refit on all rows."""
    from sklearn.base import clone
    from sklearn.metrics import log_loss

    from ..selection.engine import make_result, make_splits
    classification = type(est).__name__ == "MLPClassifier"
    X = np.asarray(X, dtype=np.float64)
    splits, n_repeats = make_splits(cv, X, y, classification=classification, random_state=seed)
    lams = np.array(sorted(MLP_GRID, reverse=True))
    scores = np.empty((lams.size, len(splits)))
    with progress(lams.size * len(splits), "cross-validation") as bar:
        for i, lam in enumerate(lams):
            for j, (tr, te) in enumerate(splits):
                m = clone(est).set_params(lam=float(lam)).fit(X[tr], y[tr])
                if classification:
                    scores[i, j] = -log_loss(y[te], m.predict_proba(X[te]), labels=m.classes_)
                else:
                    scores[i, j] = -float(np.mean((y[te] - m.predict(X[te])) ** 2))
                bar.update()
    result, sel = make_result(lams, rule=rule, fold_scores=scores, n_repeats=n_repeats,
                              scoring="neg_log_loss" if classification else "neg_mean_squared_error")
    est.set_params(lam=float(sel.lam))
    with progress(est.max_epochs, "training") as bar:
        _fit_network(est, X, y, bar)
    est.cv_results_, est.lam_min_, est.lam_1se_ = result, sel.lam_min, sel.lam_1se
    return est


def summary(est, X, y, top: int = 10) -> dict:
    """λ, λ_min / λ_1se, df, the CV score at the chosen λ, training score and the largest
    coefficients (by the size of ``w_j·sd_j``, comparable across features)."""
    out = {"model": type(est).__name__}
    lam = getattr(est, "lam_", None)
    if lam is not None and np.ndim(lam) > 0:
        lam = np.asarray(lam, float)
        lam = float(lam[0]) if np.all(lam == lam[0]) else lam.tolist()
    out["lam"] = lam
    out["lam_min"] = getattr(est, "lam_min_", None)
    out["lam_1se"] = getattr(est, "lam_1se_", None)
    res = getattr(est, "cv_results_", None)
    if res is not None:
        lams = np.asarray(res["lam"], float)
        i = int(np.argmin(np.abs(lams - float(np.max(np.atleast_1d(out["lam"]))))))
        out["cv_scoring"] = res.get("scoring")
        out["cv_score"] = float(res["mean_score"][i])
        out["cv_se"] = float(res["se_score"][i])
    out["df"] = effective_df(est, X, y)
    out["train_score"] = float(est.score(X, y))
    out["coefficients"] = top_coefficients(est, X, top)
    return out


def effective_df(est, X, y):
    if hasattr(est, "df_"):
        return float(np.ravel(est.df_)[0])
    name = type(est).__name__
    if name.startswith("LogisticRegression") and np.shape(est.coef_)[0] == 1:
        from .. import LogisticRegression
        from ..diagnostics import df_path
        single = LogisticRegression(fit_intercept=est.fit_intercept, standardize=est.standardize,
                                    penalty_factor=est.penalty_factor)
        return float(df_path(single, X, y, [est.lam_])[0])
    if hasattr(est, "coef_"):
        return float(np.count_nonzero(est.coef_))
    return None


def top_coefficients(est, X, k: int = 10) -> list[dict]:
    """The ``k`` coefficients with the largest ``|w_j|·sd_j`` (linear models; [] otherwise)."""
    if not hasattr(est, "coef_"):
        return []
    coef = np.atleast_2d(np.asarray(est.coef_, float))
    names = list(getattr(X, "columns", [f"x{j}" for j in range(coef.shape[1])]))
    sd = np.asarray(X, float).std(axis=0)
    size = np.abs(coef * sd).max(axis=0)
    order = np.argsort(-size, kind="stable")[:k]
    rows = []
    for j in order:
        row = {"feature": str(names[j]), "standardized": float(size[j])}
        if coef.shape[0] == 1:
            row["coef"] = float(coef[0, j])
            row["standardized"] = float(coef[0, j] * sd[j])
        else:
            row["coef"] = coef[:, j].tolist()
        rows.append(row)
    return rows
