"""Nested cross-validation: an honest score for "choose λ by CV, then fit".

The score of the λ chosen by cross-validation is optimistic: the same folds chose it. Nested
CV wraps the whole procedure — a CV estimator (``RidgeCV``, ``LogisticRegressionCV``,
``LamSearchCV``) that picks λ on each outer training part — and scores it on outer test parts
it never saw.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.base import is_classifier

from .._optional import require
from .engine import FoldEngine, RefitFold, make_splits
from .scoring import get_score, score_targets

__all__ = ["NestedCVResult", "nested_cross_validate"]


@dataclass
class NestedCVResult:
    """Outer-fold scores of a λ-choosing procedure.

    Attributes
    ----------
    scores : ndarray of shape (n_outer_folds,)
    lams : ndarray of shape (n_outer_folds,)
        The λ chosen inside each outer training part (its spread shows how stable the choice is).
    scoring : str
    """

    scores: np.ndarray
    lams: np.ndarray
    scoring: str

    @property
    def mean(self) -> float:
        return float(np.mean(self.scores))

    @property
    def se(self) -> float:
        k = self.scores.size
        return float(np.std(self.scores, ddof=1) / np.sqrt(k)) if k > 1 else 0.0

    def to_frame(self):
        pd = require("pandas", "to_frame()", extra="pandas")
        return pd.DataFrame({"outer_fold": np.arange(self.scores.size), "lam": self.lams,
                             self.scoring: self.scores})


def nested_cross_validate(cv_estimator, X, y, *, outer_cv=5, scoring=None, sample_weight=None,
                          groups=None, random_state=None) -> NestedCVResult:
    """Score a λ-choosing estimator on outer folds it never saw.

    Parameters
    ----------
    cv_estimator : estimator
        A CV estimator with ``lam_`` after fitting (RidgeCV, LogisticRegressionCV,
        LamSearchCV, ...). Cloned for every outer fold.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    outer_cv : int, fold ids, splitter or iterable, default=5
    scoring : str, scorer or callable, optional
        Score on the outer test parts, as in :func:`get_score` (names, scikit-learn scorers,
        higher-is-better callables; default log-loss or MSE).
    sample_weight : array-like of shape (n_samples,), optional
    groups : array-like of shape (n_samples,), optional
        Outer folds never split a group.
    random_state : int or None
        Shuffles an integer ``outer_cv``.

    Returns
    -------
    NestedCVResult

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes; from shrinkage import RidgeCV
    >>> from shrinkage.selection import nested_cross_validate
    >>> X, y = load_diabetes(return_X_y=True)
    >>> res = nested_cross_validate(RidgeCV(), X, y, outer_cv=5, random_state=0)
    >>> res.scores.shape
    (5,)
    """
    X = np.asarray(X) if not hasattr(X, "iloc") else X
    y = np.asarray(y)
    classification = is_classifier(cv_estimator)
    splits, _ = make_splits(outer_cv, X, y, groups, classification=classification,
                            random_state=random_state)
    sw = None if sample_weight is None else np.asarray(sample_weight, dtype=float)
    classes, y_eval = score_targets(y, classification=classification)
    score = get_score(scoring, classification=classification, classes=classes)
    folds = [RefitFold(cv_estimator, X, y, tr, te, sw, classes=classes, keep_fitted=True)
             for tr, te in splits]
    engine = FoldEngine(folds, splits, y_eval, [score], sw)
    scores = engine.scores([{}])[0]                     # one candidate: the procedure itself
    lams = [float(getattr(f.fitted_[0], "lam_", np.nan)) for f in engine.folds]
    return NestedCVResult(scores, np.array(lams), score.name)
