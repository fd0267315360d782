"""The estimators behind ``shrinkage fit``: choosing the class, fitting with a progress bar, and
summarizing the fit (λ, df, CV score, largest coefficients)."""

from __future__ import annotations

import numpy as np

MODELS = ("ridge", "logistic", "mlp", "lasso", "elasticnet", "grouplasso")
#: the models with coefficients, for ``path``, ``cv`` and ``bias-variance``
LINEAR = ("ridge", "logistic", "lasso", "elasticnet", "grouplasso")
MLP_GRID = (1e-5, 1e-4, 1e-3, 1e-2, 1e-1)
SPARSE_GRID = 30           # λ values of a searched sparse grid, from λ_max down ...
SPARSE_RATIO = 1e-4        # ... to this fraction of it (as LogisticRegressionCV's L2 grid)


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


def default_model(task: str) -> str:
    return "logistic" if task == "classification" else "ridge"


def groups_of(spec: dict) -> list:
    """One group per source column: the 0/1 columns of a text column form one group, a numeric
    column is a group of its own (labels are column numbers, in the encoded feature order)."""
    labels = []
    for k, col in enumerate(spec["columns"]):
        labels += [k] * (len(col["levels"]) if col["kind"] == "categorical" else 1)
    return labels


def _check(model: str, task: str, l1_ratio: float) -> None:
    if model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, got {model!r}")
    if model == "ridge" and task == "classification":
        raise ValueError("ridge is a regression model but the target looks like class labels; "
                         "use --model logistic (or lasso, elasticnet, grouplasso), or --task "
                         "regression")
    if model == "logistic" and task != "classification":
        raise ValueError("logistic regression needs class labels but the target looks "
                         "numeric; use --model ridge, or --task classification")
    if model == "elasticnet" and not 0.0 <= l1_ratio <= 1.0:
        raise ValueError(f"--l1-ratio must be between 0 (ridge) and 1 (lasso), got {l1_ratio:g}")


def single(model: str, task: str, *, lam: float = 1.0, standardize: bool = True,
           l1_ratio: float = 0.5, groups=None):
    """The estimator of ``model`` at one fixed ``lam`` (linear models; a class-label target
    turns lasso / elastic net into ``LogisticRegression(l1_ratio=…)`` and the group lasso into
    ``GroupLassoClassifier``)."""
    from .. import (ElasticNet, GroupLasso, GroupLassoClassifier, Lasso, LogisticRegression,
                    Ridge)
    _check(model, task, l1_ratio)
    kw = dict(lam=lam, standardize=standardize)
    classification = task == "classification"
    if model == "ridge":
        return Ridge(**kw)
    if model == "logistic":
        return LogisticRegression(**kw)
    if model in ("lasso", "elasticnet"):
        ratio = 1.0 if model == "lasso" else l1_ratio
        if classification:
            return LogisticRegression(l1_ratio=ratio, **kw)
        return Lasso(**kw) if model == "lasso" else ElasticNet(l1_ratio=ratio, **kw)
    if model == "grouplasso":
        if groups is None:
            raise ValueError("--model grouplasso needs the feature groups")
        return (GroupLassoClassifier if classification else GroupLasso)(groups=groups, **kw)
    raise ValueError(f"--model {model} has no single-λ form here; use one of {', '.join(LINEAR)}")


def lam_max(est, X, y) -> float:
    """The smallest λ at which every penalized coefficient of the sparse ``est`` is zero
    (one-vs-rest over classes for the multinomial elastic net: its null gradient for class k is
    the binary one of ``y == k``)."""
    from ..penalties import ElasticNet, GroupL2
    X = np.asarray(X, dtype=np.float64)
    name = type(est).__name__
    common = dict(fit_intercept=est.fit_intercept, standardize=est.standardize)
    if name.startswith("GroupLasso"):
        pen = GroupL2(1.0, est.groups, est.group_weights)
    else:
        pen = ElasticNet(1.0, l1_ratio=max(float(getattr(est, "l1_ratio", 1.0)), 1e-3),
                         penalty_factor=getattr(est, "penalty_factor", None))
    if not hasattr(est, "predict_proba"):
        return float(pen.lam_max(X, np.asarray(y, float), datafit="squared_error", **common))
    classes = np.unique(y)
    targets = classes[1:] if classes.size == 2 else classes
    return float(max(pen.lam_max(X, (np.asarray(y) == c).astype(float), datafit="logistic",
                                 **common) for c in targets))


def sparse_grid(est, X, y, n: int = SPARSE_GRID, ratio: float = SPARSE_RATIO) -> np.ndarray:
    """``n`` λ values, geometric from :func:`lam_max` down to ``ratio·λ_max``, largest first."""
    top = lam_max(est, X, y)
    if not np.isfinite(top) or top <= 0:
        raise ValueError("no feature moves the fit away from the intercept-only model (λ_max "
                         f"is {top:g}); check the target and the features")
    return np.geomspace(top, top * ratio, n) if n > 1 else np.array([top])


def build(model, task, *, lam=None, cv=None, rule="min", standardize=True, l1_ratio=0.5,
          hidden=(64,), epochs=200, seed=0, groups=None):
    """``(estimator, how)``: an unfitted estimator and a phrase saying how λ is chosen.

    ``lam`` fixes λ; otherwise ``cv`` (default: exact leave-one-out for ridge, 5-fold for the
    others; a network uses a fixed ``λ = 1e-4`` unless ``cv`` is given) chooses it by ``rule``.
    Lasso and elastic net on regression targets choose λ with :class:`~shrinkage.ElasticNetCV`;
    on class labels, and the group lasso always, with
    :class:`~shrinkage.selection.LamSearchCV` over a grid from λ_max (filled in by :func:`fit`).
    """
    from .. import ElasticNetCV, LogisticRegressionCV, RidgeCV
    from ..selection import LamSearchCV
    if model not in MODELS:
        raise ValueError(f"--model must be one of {', '.join(MODELS)}, got {model!r}")
    if cv in ("loo", "gcv") and model != "ridge":
        raise ValueError(f"--cv {cv} is for ridge only; give a number of folds")
    classification = task == "classification"
    if model == "mlp":
        from .. import MLPClassifier, MLPRegressor
        cls = MLPClassifier if classification else MLPRegressor
        est = cls(hidden_layer_sizes=tuple(hidden), lam=1e-4 if lam is None else lam,
                  max_epochs=epochs, learning_rate=1e-2, random_state=seed)
        if cv is None:
            return est, f"λ = {est.lam:g} ({'given' if lam is not None else 'default'})"
        return est, f"λ by {cv}-fold cross-validation over {list(MLP_GRID)}, rule {rule}"
    base = single(model, task, lam=1.0 if lam is None else lam, standardize=standardize,
                  l1_ratio=l1_ratio, groups=groups)
    if lam is not None:
        return base, f"λ = {lam:g} (given)"
    if model == "ridge":
        cv = "loo" if cv is None else cv
        how = {"loo": "exact leave-one-out", "gcv": "generalized cross-validation"}.get(
            cv, f"{cv}-fold cross-validation")
        return RidgeCV(cv=cv, rule=rule, random_state=seed if isinstance(cv, int) else None,
                       standardize=standardize), f"λ by {how}, rule {rule}"
    cv = 5 if cv is None else cv
    how = f"λ by {cv}-fold cross-validation, rule {rule}"
    if model == "logistic":
        return (LogisticRegressionCV(cv=cv, rule=rule, random_state=seed,
                                     standardize=standardize, compute_df=True), how)
    if model in ("lasso", "elasticnet") and not classification:
        return (ElasticNetCV(l1_ratio=base.get_params().get("l1_ratio", 1.0), cv=cv, rule=rule,
                             standardize=standardize, random_state=seed), how)
    how = (f"λ by {cv}-fold cross-validation over {SPARSE_GRID} values from λ_max to "
           f"{SPARSE_RATIO:g}·λ_max, rule {rule}")
    return LamSearchCV(base, lams=None, cv=cv, rule=rule, random_state=seed), how


def check_classes(est, y) -> None:
    """The group lasso classifier is binary: refuse more classes in the CLI's words."""
    if type(getattr(est, "estimator", est)).__name__ == "GroupLassoClassifier":
        k = np.unique(y).size
        if k > 2:
            raise ValueError(f"--model grouplasso on class labels needs two classes, the target "
                             f"has {k}; use --model lasso or elasticnet (multinomial)")


def fit(est, X, y, *, cv=None, rule="min", seed=0, out=None):
    """Fit ``est`` on ``X, y`` with a progress bar (``out.progress``) over folds or epochs;
    return the fitted estimator (for a :class:`~shrinkage.selection.LamSearchCV`, its refit best
    estimator carrying ``cv_results_``, ``lam_min_`` and ``lam_1se_``, so that it saves, plots and
    reports like the other CV estimators).

    Any estimator with a ``progress`` parameter draws its own bar (RidgeCV, LamSearchCV, and
    the other CV estimators once they have one); LogisticRegressionCV without one ticks a bar
    from its scoring function.
    """
    from ..selection import LamSearchCV
    from ..selection.scoring import Score, get_score
    name = type(est).__name__
    progress = out.progress if out is not None else (lambda *a, **k: _NoBar())
    enabled = out is not None and out.progress_enabled
    check_classes(est, y)
    if name.startswith("MLP"):
        if cv is not None:
            return _mlp_cv(est, X, y, cv, rule, seed, progress)
        with progress(est.max_epochs, "training") as bar:
            _fit_network(est, X, y, bar)
        return est
    if isinstance(est, LamSearchCV):
        return _search(est, X, y, enabled)
    if "progress" in est.get_params(deep=False):
        return _with_progress(est, enabled, X, y)
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


def _with_progress(est, enabled, X, y):
    """``est.fit(X, y)`` with its own bar; ``progress`` is back at False afterwards (a saved
    model keeps the default)."""
    est.set_params(progress=bool(enabled))
    try:
        est.fit(X, y)
    finally:
        est.set_params(progress=False)
    return est


def _search(search, X, y, enabled):
    """Run a LamSearchCV over a grid from λ_max (when none is set) and return its best estimator
    with the CV results attached."""
    import warnings

    from sklearn.base import clone
    if search.lams is None:
        search.set_params(lams=[float(v) for v in sparse_grid(search.estimator, X, y)])
    search.set_params(refit=False)        # refit below on the frame, keeping feature names
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _with_progress(search, enabled, X, y)
    for w in caught:                 # the search's edge advice speaks of its Python arguments
        text = str(w.message)
        if "smallest value of the grid" in text:
            warnings.warn(f"the best λ ({search.lam_min_:.4g}) is the smallest of the grid "
                          f"({SPARSE_RATIO:g}·λ_max): the data want almost no penalty; compare "
                          "with --model logistic or ridge", UserWarning, stacklevel=2)
        elif "largest value of the grid" in text:
            warnings.warn(f"the best λ is λ_max ({search.lam_min_:.4g}), where every "
                          "coefficient is zero: the features do not predict the target better "
                          "than its mean", UserWarning, stacklevel=2)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    best = clone(search.estimator).set_params(**search.best_params_).fit(X, y)
    best.cv_results_ = search.cv_results_
    best.lam_min_, best.lam_1se_ = search.lam_min_, search.lam_1se_
    return best


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
    if hasattr(est, "coef_"):
        out["n_nonzero"] = int(np.count_nonzero(est.coef_))
        out["n_coef"] = int(np.size(est.coef_))
    out["train_score"] = float(est.score(X, y))
    out["coefficients"] = top_coefficients(est, X, top)
    return out


def effective_df(est, X, y):
    """``df_`` where the model has it; ``tr(H (H + P)⁻¹)`` for binary L2 logistic regression;
    else the number of non-zero coefficients (the lasso's df)."""
    if hasattr(est, "df_"):
        return float(np.ravel(est.df_)[0])
    name = type(est).__name__
    if (name.startswith("LogisticRegression") and np.shape(est.coef_)[0] == 1
            and not getattr(est, "l1_ratio", 0.0)):
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
