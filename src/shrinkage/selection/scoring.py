"""Scores for choosing λ: higher is better, computed from predictions (no estimator calls).

Cross-validation here scores whole λ paths at once from their predictions, so a score is a
function of ``(y_true, prediction, sample_weight)`` rather than of a fitted estimator. A score
that is a mean of per-sample terms also exposes them (``pointwise``), which gives a standard
error for leave-one-out, where each row is its own fold.

``scoring`` means what it means in scikit-learn:

- the names of :data:`REGRESSION_SCORES` / :data:`CLASSIFICATION_SCORES` are computed here
  (fast, vectorized along the path); any other name is resolved by
  :func:`sklearn.metrics.get_scorer` (``"f1"``, ``"balanced_accuracy"``,
  ``"neg_root_mean_squared_error"``, ...);
- a scorer object (:func:`sklearn.metrics.make_scorer`, or any ``scorer(estimator, X, y)``) is
  called as scikit-learn calls it, with its sign and response method (labels, probabilities or
  the decision function) — on a stand-in estimator that returns the fold's predictions;
- a plain callable ``f(y_true, y_pred) -> float`` is a score where **higher is better**; a
  classifier's receives class labels (the most probable class), not probabilities. A loss or
  error metric of :mod:`sklearn.metrics` passed this way would be maximized and is refused:
  wrap it as ``make_scorer(f, greater_is_better=False)``.
"""

from __future__ import annotations

import functools
import inspect
from dataclasses import dataclass, replace
from typing import Callable

import numpy as np
from scipy.special import xlogy

__all__ = ["Score", "get_score", "get_scores", "score_targets", "REGRESSION_SCORES",
           "CLASSIFICATION_SCORES"]


@dataclass(frozen=True)
class Score:
    """A model-selection score. ``needs`` is ``"predict"`` (values / labels) or ``"proba"``.

    ``labelled``, when set, is a score of ``(y_true, prediction, sample_weight, classes)`` where
    a classifier's ``y_true`` holds the class labels (``classes[k]``) rather than one-hot rows.
    """

    name: str
    needs: str
    pointwise: Callable | None = None   # (y, pred) -> per-sample score (higher is better)
    aggregate: Callable | None = None   # (y, pred, sw) -> score, when not a mean of pointwise
    labelled: Callable | None = None    # (y_labels, pred, sw, classes) -> score
    classes: object = None              # the class labels (labelled classification scores)

    def __call__(self, y, pred, sample_weight=None) -> float:
        if self.labelled is not None:
            classes = self.classes
            if self.needs == "proba":           # classification: one-hot y, probabilities
                if classes is None:
                    classes = np.arange(pred.shape[-1])
                y = np.asarray(classes)[np.argmax(y, axis=1)]
            return float(self.labelled(y, pred, sample_weight, classes))
        if self.aggregate is not None:
            return float(self.aggregate(y, pred, sample_weight))
        return float(np.average(self.pointwise(y, pred), weights=sample_weight, axis=0).mean())


def _r2(y, pred, sw):
    w = np.ones(len(y)) if sw is None else np.asarray(sw, float)
    y = y.reshape(len(y), -1)
    pred = pred.reshape(len(pred), -1)
    ybar = np.average(y, weights=w, axis=0)
    ss_tot = w @ (y - ybar) ** 2
    ss_res = w @ (y - pred) ** 2
    with np.errstate(divide="ignore", invalid="ignore"):
        r2 = np.where(ss_tot > 0, 1.0 - ss_res / ss_tot, np.where(ss_res == 0, 1.0, 0.0))
    return r2.mean()


def _sq(y, pred):
    return -((y - pred) ** 2)


def _abs(y, pred):
    return -np.abs(y - pred)


def _log_loss(Y, proba):
    # Y one-hot (n, K), proba (n, K); clip to keep log finite for hard 0/1 probabilities
    eps = np.finfo(proba.dtype).eps
    return np.sum(xlogy(Y, np.clip(proba, eps, 1.0)), axis=1)


def _brier(Y, proba):
    return -np.sum((Y - proba) ** 2, axis=1)


def _accuracy(Y, proba):
    return (np.argmax(proba, axis=1) == np.argmax(Y, axis=1)).astype(float)


def _roc_auc(Y, proba, sw):
    from sklearn.metrics import roc_auc_score
    if Y.shape[1] == 2:
        return roc_auc_score(Y[:, 1], proba[:, 1], sample_weight=sw)
    return roc_auc_score(Y, proba, sample_weight=sw, multi_class="ovr", average="macro")


REGRESSION_SCORES = {
    "neg_mean_squared_error": Score("neg_mean_squared_error", "predict", _sq),
    "neg_mean_absolute_error": Score("neg_mean_absolute_error", "predict", _abs),
    "r2": Score("r2", "predict", None, _r2),
}
# classification scores take one-hot Y (n, K) and probabilities (n, K)
CLASSIFICATION_SCORES = {
    "neg_log_loss": Score("neg_log_loss", "proba", _log_loss),
    "accuracy": Score("accuracy", "proba", _accuracy),
    "neg_brier_score": Score("neg_brier_score", "proba", _brier),
    "roc_auc": Score("roc_auc", "proba", None, _roc_auc),
}


class _Predictions:
    """A stand-in estimator whose responses are precomputed: what a scikit-learn scorer calls.

    For a classifier ``pred`` holds probabilities (columns in the order of ``classes_``), and
    ``predict`` / ``decision_function`` follow from them (the decision function as log-odds,
    or log-probabilities with more than two classes: the same ranking and argmax as the
    model's linear scores)."""

    def __init__(self, pred, classes=None):
        self.pred, self.classes_ = pred, classes

    def predict(self, X):
        if self.classes_ is None:
            return self.pred[:, 0] if self.pred.ndim == 2 and self.pred.shape[1] == 1 \
                else self.pred
        return self.classes_[np.argmax(self.pred, axis=1)]

    def predict_proba(self, X):
        return self.pred

    def decision_function(self, X):
        logp = np.log(np.clip(self.pred, np.finfo(float).tiny, 1.0))
        return logp[:, 1] - logp[:, 0] if logp.shape[1] == 2 else logp

    def fit(self, X, y):        # never called; scikit-learn's type checks look for it
        return self

    def get_params(self, deep=True):
        return {}


class _ClassifierPredictions(_Predictions):
    _estimator_type = "classifier"

    def __sklearn_tags__(self):
        from sklearn.utils import ClassifierTags, Tags, TargetTags
        return Tags(estimator_type="classifier", target_tags=TargetTags(required=True),
                    classifier_tags=ClassifierTags())


class _RegressorPredictions(_Predictions):
    _estimator_type = "regressor"

    def __sklearn_tags__(self):
        from sklearn.utils import RegressorTags, Tags, TargetTags
        return Tags(estimator_type="regressor", target_tags=TargetTags(required=True),
                    regressor_tags=RegressorTags())


def _scorer_score(scorer, classification):
    """A :class:`Score` calling ``scorer(estimator, X, y[, sample_weight=])`` on the fold's
    predictions."""
    def call(y, pred, sw, classes):
        if classification:
            est = _ClassifierPredictions(pred, np.asarray(classes))
        else:
            est = _RegressorPredictions(pred)
            y = y[:, 0] if y.ndim == 2 and y.shape[1] == 1 else y
        X = np.zeros((len(y), 1))
        return scorer(est, X, y) if sw is None else scorer(est, X, y, sample_weight=sw)
    return call


def _callable_score(func, classification):
    """A plain ``f(y_true, y_pred)``: labels for a classifier, values for a regressor."""
    def call(y, pred, sw, classes):
        if classification:
            return func(y, np.asarray(classes)[np.argmax(pred, axis=1)])
        if y.ndim == 2 and y.shape[1] == 1:
            y, pred = y[:, 0], pred.reshape(len(pred), -1)[:, 0]
        return func(y, pred)
    return call


_LOSS_SUFFIXES = ("_error", "_loss", "_deviance")


def _is_sklearn_loss(func) -> bool:
    """Whether ``func`` is a loss or error metric of :mod:`sklearn.metrics` (lower is better),
    possibly inside :func:`functools.partial`."""
    while isinstance(func, functools.partial):
        func = func.func
    name = getattr(func, "__name__", "")
    module = getattr(func, "__module__", "") or ""
    return module.startswith("sklearn.metrics") and name.endswith(_LOSS_SUFFIXES)


def _is_scorer(obj) -> bool:
    """A scikit-learn scorer: what ``make_scorer`` / ``get_scorer`` return, or a callable whose
    first parameter is the estimator (``scorer(estimator, X, y)``)."""
    try:
        from sklearn.metrics._scorer import _BaseScorer
        if isinstance(obj, _BaseScorer):
            return True
    except ImportError:                                    # pragma: no cover
        pass
    try:
        params = list(inspect.signature(obj).parameters)
    except (TypeError, ValueError):
        return False
    return bool(params) and params[0] in ("estimator", "est", "clf", "model")


def _scorer_name(scorer) -> str:
    func = getattr(scorer, "_score_func", scorer)
    while isinstance(func, functools.partial):
        func = func.func
    return getattr(func, "__name__", type(scorer).__name__)


def get_score(scoring, *, classification: bool, classes=None) -> Score:
    """Resolve ``scoring``: None, a name, a scikit-learn scorer or a callable.

    Parameters
    ----------
    scoring : None, str, scorer or callable
        None: log-loss for a classifier, mean squared error for a regressor. A name: the
        built-in scores are computed here, any other name goes through
        :func:`sklearn.metrics.get_scorer`. A scorer (``make_scorer(...)``, or any
        ``scorer(estimator, X, y)``) keeps its sign and response method. A plain callable
        ``f(y_true, y_pred) -> float`` is higher-is-better; a classifier's receives labels.
    classification : bool
    classes : array-like, optional
        The class labels (sorted), for scores that compare labels.

    Returns
    -------
    Score

    Raises
    ------
    ValueError
        For an unknown name, or a loss metric of :mod:`sklearn.metrics` passed as a plain
        callable (it would be maximized).

    Examples
    --------
    >>> from sklearn.metrics import make_scorer, mean_absolute_error
    >>> from shrinkage.selection import get_score
    >>> get_score("neg_root_mean_squared_error", classification=False).name
    'neg_root_mean_squared_error'
    >>> get_score(make_scorer(mean_absolute_error, greater_is_better=False),
    ...           classification=False).name
    'mean_absolute_error'
    """
    table = CLASSIFICATION_SCORES if classification else REGRESSION_SCORES
    needs = "proba" if classification else "predict"
    if scoring is None:
        return table["neg_log_loss" if classification else "neg_mean_squared_error"]
    if isinstance(scoring, Score):
        return scoring if scoring.labelled is None else replace(scoring, classes=classes)
    if isinstance(scoring, str):
        if scoring in table:
            return table[scoring]
        from sklearn.metrics import get_scorer, get_scorer_names
        if scoring not in get_scorer_names():
            raise ValueError(
                f"unknown scoring {scoring!r}; use one of {sorted(table)} (computed along the "
                f"whole λ path) or any name of sklearn.metrics.get_scorer_names(), or pass a "
                "scorer (make_scorer) or a callable f(y_true, y_pred) -> float where higher "
                "is better")
        return Score(scoring, needs, labelled=_scorer_score(get_scorer(scoring), classification),
                     classes=classes)
    if not callable(scoring):
        raise TypeError(f"scoring must be None, a name, a scorer or a callable, got "
                        f"{type(scoring).__name__} {scoring!r}")
    if _is_scorer(scoring):
        return Score(_scorer_name(scoring), needs,
                     labelled=_scorer_score(scoring, classification), classes=classes)
    if _is_sklearn_loss(scoring):
        name = _scorer_name(scoring)
        raise ValueError(
            f"scoring={name} is a loss (lower is better), but a plain callable is a score "
            f"that cross-validation maximizes; pass make_scorer({name}, "
            f"greater_is_better=False) or the name 'neg_{name}'")
    return Score(getattr(scoring, "__name__", "custom"), needs,
                 labelled=_callable_score(scoring, classification), classes=classes)


def get_scores(scoring, *, classification: bool, classes=None) -> list[Score]:
    """Resolve one score or several: a list whose first entry chooses λ.

    Parameters
    ----------
    scoring : None, str, callable, Score, list or tuple of those, or dict of str to them
        A list or tuple gives several metrics (names must differ); a dict names each metric
        by its key. Anything else is one metric, as in :func:`get_score`.
    classification : bool
    classes : array-like, optional
        The class labels, as in :func:`get_score`.

    Returns
    -------
    list of Score
        At least one; the first is the one that chooses λ.

    Examples
    --------
    >>> from shrinkage.selection.scoring import get_scores
    >>> [s.name for s in get_scores(["r2", "neg_mean_absolute_error"], classification=False)]
    ['r2', 'neg_mean_absolute_error']
    """
    kw = dict(classification=classification, classes=classes)
    if isinstance(scoring, dict):
        if not scoring:
            raise ValueError("scoring is an empty dict; pass at least one name -> score")
        out = [replace(get_score(sc, **kw), name=str(name)) for name, sc in scoring.items()]
    elif isinstance(scoring, (list, tuple)):
        if not scoring:
            raise ValueError("scoring is an empty list; pass one or more score names, the "
                             "first choosing λ")
        out = [get_score(sc, **kw) for sc in scoring]
    else:
        return [get_score(scoring, **kw)]
    names = [sc.name for sc in out]
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValueError(f"scoring lists {dup} more than once; give every metric once (callables "
                         "are named by __name__: pass a dict name -> callable to name them)")
    return out


def score_targets(y, *, classification: bool):
    """What the scores compare predictions with: ``(classes, one-hot Y)`` for a classifier
    (columns in the order of the sorted classes), ``(None, y as an (n, t) float array)`` else."""
    y = np.asarray(y)
    if classification:
        classes, idx = np.unique(y, return_inverse=True)
        return classes, np.eye(classes.size)[idx]
    return None, y.reshape(len(y), -1).astype(float)
