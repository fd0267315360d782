"""The estimators behind ``shrinkage fit``: choosing the class, fitting with a progress bar, and
summarizing the fit (λ, df, CV score, largest coefficients)."""

from __future__ import annotations

import numpy as np

MODELS = ("ridge", "logistic", "mlp", "lasso", "elasticnet", "grouplasso")
#: the models with coefficients, for ``path``, ``cv`` and ``bias-variance``
LINEAR = ("ridge", "logistic", "lasso", "elasticnet", "grouplasso")
#: the models whose one-hot columns drop a reference level (see shrinkage._preprocess)
REFERENCE_MODELS = ("lasso", "elasticnet", "grouplasso")
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
    if spec.get("matrix"):                  # a matrix's columns: each its own group
        return list(range(spec["n_features"]))
    labels = []
    for k, col in enumerate(spec.get("columns") or []):
        if col["kind"] == "categorical":
            labels += [k] * (len(col["levels"]) - ("reference" in col))
        else:
            labels.append(k)
    return labels or None


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


def reads_sparse(model: str, task: str, *, cv=None, lam=None, cv_groups=False) -> bool:
    """Whether the estimator :func:`build` makes for these settings takes scipy sparse X:
    Ridge, RidgeCV with K folds (not leave-one-out or GCV), L2 LogisticRegression(CV), and
    Lasso / ElasticNet(CV) on a numeric target. L1 logistic regression, the group lasso and
    networks read dense arrays."""
    if model == "ridge":
        return lam is not None or isinstance(cv, int) or (cv is None and cv_groups)
    if model == "logistic":
        return True
    if model in ("lasso", "elasticnet"):
        return task != "classification"
    return False


def lam_max(est, X, y) -> float:
    """The smallest λ at which every penalized coefficient of the sparse ``est`` is zero (its
    own ``lam_max``; an ``l1_ratio`` below 1e-3 counts as 1e-3, as glmnet's ridge λ_max)."""
    from sklearn.base import clone
    if getattr(est, "l1_ratio", 1.0) < 1e-3:
        est = clone(est).set_params(l1_ratio=1e-3)
    import scipy.sparse as sp
    X = X if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    return float(est.lam_max(X, np.asarray(y)))


def sparse_grid(est, X, y, n: int = SPARSE_GRID, ratio: float = SPARSE_RATIO) -> np.ndarray:
    """``n`` λ values, geometric from :func:`lam_max` down to ``ratio·λ_max``, largest first
    (:func:`shrinkage.selection.grid.sparse_grid`)."""
    from ..selection.grid import sparse_grid as grid
    top = lam_max(est, X, y)
    if not np.isfinite(top) or top <= 0:
        raise ValueError("no feature moves the fit away from the intercept-only model (λ_max "
                         f"is {top:g}); check the target and the features")
    return grid(top, n, ratio)


def build(model, task, *, lam=None, cv=None, rule="min", standardize=True, l1_ratio=0.5,
          hidden=(64,), epochs=200, seed=0, groups=None, cv_groups=0):
    """``(estimator, how)``: an unfitted estimator and a phrase saying how λ is chosen.

    ``lam`` fixes λ; otherwise ``cv`` (default: exact leave-one-out for ridge, 5-fold for the
    others, group folds over ``cv_groups`` distinct groups when it is not 0; a network uses a fixed ``λ = 1e-4`` unless ``cv`` is given) chooses it by ``rule``.
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
    if cv_groups and cv in ("loo", "gcv"):
        raise ValueError(f"--groups makes group folds, but --cv {cv} leaves out single rows; "
                         "give a number of folds (--cv 5)")
    if cv_groups and lam is not None:
        raise ValueError("--groups sets the cross-validation folds, but --lam fixes λ without "
                         "cross-validation; leave one of them out")
    if cv_groups and model == "ridge" and cv is None:
        cv = 5                              # leave-one-out would split the groups
    if cv_groups and cv_groups < (5 if cv is None else cv):
        raise ValueError(f"--groups gives {cv_groups} groups, fewer than the "
                         f"{5 if cv is None else cv} folds (each fold holds whole groups); give "
                         f"--cv {cv_groups} or fewer")
    classification = task == "classification"
    if model == "mlp":
        from .. import MLPClassifier, MLPRegressor
        cls = MLPClassifier if classification else MLPRegressor
        est = cls(hidden_layer_sizes=tuple(hidden), lam=1e-4 if lam is None else lam,
                  max_epochs=epochs, learning_rate=1e-2, random_state=seed)
        if cv is None:
            if cv_groups:
                raise ValueError("--groups sets cross-validation folds, but a network is "
                                 "cross-validated only with --cv K; add --cv 5")
            return est, f"λ = {est.lam:g} ({'given' if lam is not None else 'default'})"
        return est, f"λ by {cv}-fold cross-validation over {list(MLP_GRID)}, rule {rule}"
    base = single(model, task, lam=1.0 if lam is None else lam, standardize=standardize,
                  l1_ratio=l1_ratio, groups=groups)
    if lam is not None:
        return base, f"λ = {lam:g} (given)"
    if model == "ridge":
        cv = "loo" if cv is None else cv
        how = {"loo": "exact leave-one-out", "gcv": "generalized cross-validation"}.get(
            cv, f"{cv}-fold {'group ' if cv_groups else ''}cross-validation")
        return RidgeCV(cv=cv, rule=rule, random_state=seed if isinstance(cv, int) else None,
                       standardize=standardize), f"λ by {how}, rule {rule}"
    cv = 5 if cv is None else cv
    how = f"λ by {cv}-fold {'group ' if cv_groups else ''}cross-validation, rule {rule}"
    if model == "logistic":
        return (LogisticRegressionCV(cv=cv, rule=rule, random_state=seed,
                                     standardize=standardize, compute_df=True), how)
    if model in ("lasso", "elasticnet") and not classification:
        return (ElasticNetCV(l1_ratio=base.get_params().get("l1_ratio", 1.0), cv=cv, rule=rule,
                             standardize=standardize, random_state=seed), how)
    how = (f"λ by {cv}-fold {'group ' if cv_groups else ''}cross-validation over {SPARSE_GRID} values from λ_max to "
           f"{SPARSE_RATIO:g}·λ_max, rule {rule}")
    return LamSearchCV(base, lams=None, cv=cv, rule=rule, random_state=seed), how


def configure(est, *, max_iter=None, tol=None, scoring=None):
    """Set ``--max-iter``, ``--tol`` and ``--scoring`` on ``est`` (and on the estimator a
    :class:`~shrinkage.selection.LamSearchCV` searches), or say why one does not apply."""
    parts = [est] + ([est.estimator] if hasattr(est, "estimator") else [])
    name = type(parts[-1]).__name__
    for option, param, value, why in (
            ("--max-iter", "max_iter", max_iter,
             "it has no iterations to limit (ridge is solved exactly; a network trains for "
             "--epochs)"),
            ("--tol", "tol", tol, "it is solved exactly, without a tolerance"),
            ("--scoring", "scoring", scoring,
             "λ is not chosen by cross-validation here (a given --lam, or a network without "
             "--cv)")):
        if value is None:
            continue
        owners = [e for e in parts if param in e.get_params(deep=False)]
        if not owners:
            raise ValueError(f"{option} does not apply to {name}: {why}; leave it out")
        for e in owners:
            e.set_params(**{param: value})
    return est


def check_classes(est, y) -> None:
    """A classifier tagged binary only: refuse more classes in the CLI's words."""
    base = getattr(est, "estimator", est)
    tags = base.__sklearn_tags__()
    if tags.classifier_tags is not None and not tags.classifier_tags.multi_class:
        k = np.unique(y).size
        if k > 2:
            raise ValueError(f"--model grouplasso on class labels needs two classes, the target "
                             f"has {k}; use --model lasso or elasticnet (multinomial)")


def fit(est, X, y, *, cv=None, rule="min", seed=0, out=None, sample_weight=None, groups=None,
        scoring=None):
    """Fit ``est`` on ``X, y`` with a progress bar (``out.progress``) over folds or epochs;
    return the fitted estimator (for a :class:`~shrinkage.selection.LamSearchCV`, its refit best
    estimator carrying ``cv_results_``, ``lam_min_`` and ``lam_1se_``, so that it saves, plots and
    reports like the other CV estimators).

    Every estimator here has a ``progress`` parameter and draws its own bar; a network with
    ``cv`` has its λ chosen over :data:`MLP_GRID` by a :class:`~shrinkage.selection.LamSearchCV`.
    """
    from ..selection import LamSearchCV
    enabled = out is not None and out.progress_enabled
    check_classes(est, y)
    rows = {"sample_weight": sample_weight, "groups": groups}
    if "hidden_layer_sizes" in est.get_params(deep=False) and cv is not None:
        search = LamSearchCV(est, lams=sorted(MLP_GRID, reverse=True), cv=cv, rule=rule,
                             scoring=scoring, random_state=seed)
        return _search(search, np.asarray(X, dtype=np.float64), y, enabled, edge_advice=False,
                       **rows)
    if isinstance(est, LamSearchCV):
        return _search(est, X, y, enabled, **rows)
    if "groups" not in _fit_params(est):
        rows.pop("groups")
    return _with_progress(est, enabled, X, y, **rows)


def _fit_params(est) -> set:
    import inspect
    return set(inspect.signature(est.fit).parameters)


def _with_progress(est, enabled, X, y, **fit_kw):
    """``est.fit(X, y, **fit_kw)`` (None values left out) with its own bar; ``progress`` is
    back at False afterwards (a saved model keeps the default)."""
    fit_kw = {k: v for k, v in fit_kw.items() if v is not None}
    if "progress" not in est.get_params(deep=False):
        return est.fit(X, y, **fit_kw)
    est.set_params(progress=bool(enabled))
    try:
        est.fit(X, y, **fit_kw)
    finally:
        est.set_params(progress=False)
    return est


def _search(search, X, y, enabled, edge_advice=True, sample_weight=None, groups=None):
    """Run a LamSearchCV (over a grid from λ_max when none is set) and return its best
    estimator, refit with its own progress bar, with the CV results attached."""
    import warnings

    from sklearn.base import clone
    if search.lams is None:
        search.set_params(lams=[float(v) for v in sparse_grid(search.estimator, X, y)])
    search.set_params(refit=False)        # refit below on the frame, keeping feature names
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        _with_progress(search, enabled, X, y, sample_weight=sample_weight, groups=groups)
    for w in caught:                 # the search's edge advice speaks of its Python arguments
        text = str(w.message)
        if "smallest value of the grid" in text:
            if edge_advice:
                warnings.warn(f"the best λ ({search.lam_min_:.4g}) is the smallest of the grid "
                              f"({SPARSE_RATIO:g}·λ_max): the data want almost no penalty; "
                              "compare with --model logistic or ridge", UserWarning, stacklevel=2)
        elif "largest value of the grid" in text:
            if edge_advice:
                warnings.warn(f"the best λ is λ_max ({search.lam_min_:.4g}), where every "
                              "coefficient is zero: the features do not predict the target "
                              "better than its mean", UserWarning, stacklevel=2)
        else:
            warnings.warn_explicit(w.message, w.category, w.filename, w.lineno)
    best = _with_progress(clone(search.estimator).set_params(**search.best_params_), enabled,
                          X, y, sample_weight=sample_weight)
    best.cv_results_ = search.cv_results_
    best.lam_min_, best.lam_1se_ = search.lam_min_, search.lam_1se_
    return best


def summary(est, X, y, top: int = 10, sample_weight=None, names=None) -> dict:
    """λ, λ_min / λ_1se, df, the CV score at the chosen λ, training score and the largest
    coefficients (by the size of ``w_j·sd_j``, comparable across features)."""
    return summary_from_fit(est, train_score=float(est.score(X, y, sample_weight=sample_weight)),
                            names=names, sd=column_sd(X), df=effective_df(est, X, y), top=top,
                            infer_df=False)


def summary_from_fit(est, *, train_score, names, sd, df=None, top: int = 10,
                     infer_df=True) -> dict:
    """:func:`summary` from what the data gave: the training score, the columns' names and
    standard deviations (on a cluster these come from blockwise reductions) and ``df``
    (``infer_df``: when None, the CV path's at the chosen λ, else ``df_``)."""
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
        if infer_df and df is None and "df" in res and np.isfinite(res["df"][i]):
            df = float(res["df"][i])
    if infer_df and df is None and hasattr(est, "df_"):
        df = float(np.ravel(est.df_)[0])
    out["df"] = df
    if hasattr(est, "coef_"):
        out["n_nonzero"] = int(np.count_nonzero(est.coef_))
        out["n_coef"] = int(np.size(est.coef_))
    out["train_score"] = float(train_score)
    if hasattr(est, "classes_"):
        from .._preprocess import plain
        out["classes"] = [plain(c) for c in est.classes_]
    out["coefficients"] = top_coefficients(est, None, top, names=names, sd=sd)
    return out


def column_sd(X):
    """Population standard deviations of the columns of ``X`` (dense or scipy sparse)."""
    import scipy.sparse as sp
    if sp.issparse(X):
        mean = np.asarray(X.mean(axis=0)).ravel()
        return np.sqrt(np.maximum(np.asarray(X.multiply(X).mean(axis=0)).ravel() - mean ** 2, 0))
    return np.asarray(X, float).std(axis=0)


def effective_df(est, X, y):
    """The estimator's own ``effective_df`` (ridge ``df_``, L2 logistic ``tr(H (H + P)⁻¹)``, the
    sparse models' non-zeros); None for a network."""
    import scipy.sparse as sp
    if not hasattr(est, "effective_df"):
        return None
    if sp.issparse(X):          # L2 logistic's df reads a dense X: take the CV path's value
        res = getattr(est, "cv_results_", None)
        if res is not None and "df" in res:
            i = int(np.argmin(np.abs(np.asarray(res["lam"], float) - est.lam_)))
            if np.isfinite(res["df"][i]):
                return float(res["df"][i])
        try:
            return float(np.ravel(est.effective_df(X))[0])
        except (TypeError, ValueError):
            return None
    return float(np.ravel(est.effective_df(X))[0])


def top_coefficients(est, X, k: int = 10, names=None, sd=None) -> list[dict]:
    """The ``k`` coefficients with the largest ``|w_j|·sd_j`` (linear models; [] otherwise);
    ``X`` may be a scipy sparse matrix (``names`` then gives its columns), or None with the
    columns' standard deviations ``sd`` given."""
    if not hasattr(est, "coef_"):
        return []
    coef = np.atleast_2d(np.asarray(est.coef_, float))
    if names is None:
        names = list(getattr(X, "columns", [f"x{j}" for j in range(coef.shape[1])]))
    if sd is None:
        sd = column_sd(X)
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
