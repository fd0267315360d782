"""Grid search over λ (one per layer if wanted) and ``l1_ratio``, with the selection rules.

:class:`LamSearchCV` is the λ-aware cousin of scikit-learn's ``GridSearchCV`` for estimators
that have a ``lam`` parameter but no fast path of their own (the networks): every
(fold, candidate) pair is one fit (:class:`~shrinkage.selection.engine.RefitFold`), run by the
engine in parallel worker processes (each with one BLAS thread, so ``n_jobs`` workers fill the
cores without oversubscribing them); the result is a :class:`~shrinkage.selection.CVResult`
and the choice follows ``rule`` ("1se" picks the most penalized candidate within one standard
error of the best). The automatic grid and its extension are
:func:`~shrinkage.selection.grid.search_grid` and
:func:`~shrinkage.selection.grid.extend_while_on_edge`.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping

import numpy as np
from sklearn.base import BaseEstimator, MetaEstimatorMixin, clone, is_classifier
from sklearn.utils.metaestimators import available_if
from sklearn.utils.validation import (_check_sample_weight, check_is_fitted, column_or_1d,
                                      validate_data)

from .._validation import (check_classification_y, check_numeric_columns, check_numpy_input,
                           store_init_args)
from .engine import FoldEngine, RefitFold, make_result, make_splits
from .grid import extend_while_on_edge, search_grid
from .progress import ProgressBar
from .rules import parse_rule, warn_on_edge
from .scoring import get_scores, score_targets
from .._docs import fill_doc
from .._warnings import warn_user
from .._params import ParamHints

__all__ = ["LamSearchCV", "lam_candidates"]

#: decades added per extension of the automatic grid, and the most extensions
_DECADES, _MAX_EXTENSIONS = 1.0, 3


def lam_candidates(lams, l1_ratios=None) -> list[dict]:
    """Expand a λ grid into candidate parameter dicts.

    ``lams`` is a 1-D sequence of scalars (one λ for every layer), a sequence of per-layer
    sequences (a user grid), or a mapping ``layer name -> values`` (their product). With
    ``l1_ratios``, every λ candidate is paired with every ratio.
    """
    if isinstance(lams, Mapping):
        names = list(lams)
        cands = [dict(zip(names, map(float, combo)))
                 for combo in itertools.product(*(np.atleast_1d(lams[k]) for k in names))]
    else:
        cands = []
        for v in lams:
            if np.ndim(v) == 0:
                cands.append(float(v))
            else:
                cands.append(tuple(float(x) for x in v))
    if not cands:
        raise ValueError("lams is empty; pass at least one λ")
    for c in cands:
        vals = c.values() if isinstance(c, dict) else np.atleast_1d(c)
        if not all(np.isfinite(x) and x >= 0 for x in vals):
            raise ValueError(f"every λ must be a finite number >= 0, got {c!r}")
    ratios = [None] if l1_ratios is None else [float(r) for r in np.atleast_1d(l1_ratios)]
    for r in ratios:
        if r is not None and not 0.0 <= r <= 1.0:
            raise ValueError(f"l1_ratios must lie in [0, 1], got {r!r}")
    return [({"lam": c} if r is None else {"lam": c, "l1_ratio": r}) for r in ratios for c in cands]


def _inner_has(name):
    """For ``available_if``: the refit best estimator (or, before fitting, the estimator) has
    the method ``name`` (else AttributeError, so that ``hasattr`` is False)."""
    def check(self):
        getattr(getattr(self, "best_estimator_", self.estimator), name)
        return True
    return check


def _size(lam) -> float:
    """A candidate's overall strength: its λ, or the largest layer λ."""
    if isinstance(lam, dict):
        return float(max(lam.values()))
    return float(np.max(np.atleast_1d(lam)))


def _total(lam) -> float:
    return float(sum(lam.values()) if isinstance(lam, dict) else np.sum(np.atleast_1d(lam)))


class LamSearchCV(ParamHints, MetaEstimatorMixin, BaseEstimator):
    """Choose λ (per layer, and ``l1_ratio``) of any estimator with a ``lam`` parameter.

    Parameters
    ----------
    estimator : estimator
        E.g. :class:`~shrinkage.MLPClassifier`; cloned for every fit.
    lams : int, sequence or mapping, default=5
        An int ``n``: the automatic grid, ``n`` values from 1e-1 down to 1e-5 (one λ for all
        layers), extended past its edge, a decade at a time (rounded up to whole grid steps) and at
        most three times, while the best λ sits on it (only the new candidates are fitted).
        Otherwise a user grid, which is never extended (a warning says when its best λ is on an
        edge): scalars (one λ for all layers), per-layer sequences, or a mapping ``layer name ->
        values`` (their product); see :func:`lam_candidates`.
    l1_ratios : sequence of float, optional
        Also search the L1 share (paired with every λ).
    cv : int, fold ids, splitter or iterable, default=5
        As in the engine (:func:`~shrinkage.selection.make_splits`); stratified for classifiers.
    rule : "min", "1se", "ksse", float or callable, default="min"
        "Simpler" means more total penalty (the sum of the layer λ's).
    scoring : str, callable, list or dict of them, optional
        As in :func:`~shrinkage.selection.get_score` (default: log-loss for classifiers, MSE
        for regressors). Several metrics (a list, or a dict name -> metric): the first chooses
        λ, the others are computed from the same fits and reported in
        ``cv_results_["extra_scores"]`` (``mean_<name>`` in ``to_frame()``).
    n_jobs : int, optional
        Parallel worker processes over (fold, candidate) pairs.
    refit : bool, default=True
        Refit the best candidate on all data (``best_estimator_``).
    progress : bool, default=False
        A progress bar on stderr over the (candidate, fold) fits, advancing as each one
        finishes (:class:`~shrinkage.selection.ProgressBar`).
    random_state : int or None
        Shuffles integer ``cv``.

    Attributes
    ----------
    cv_results_ : CVResult
    best_params_ : dict
    lam_, lam_min_, lam_1se_ : float
        The chosen candidate's overall λ (the largest layer λ), the best one's, the 1se one's.
    best_estimator_ : estimator
        Refit on all data with ``best_params_`` (when ``refit``).

    Examples
    --------
    >>> from sklearn.datasets import make_classification; from shrinkage import MLPClassifier
    >>> from shrinkage.selection import LamSearchCV
    >>> X, y = make_classification(n_samples=120, n_features=8, random_state=0)
    >>> net = MLPClassifier(hidden_layer_sizes=(16,), max_epochs=30, random_state=0)
    >>> search = LamSearchCV(net, lams=[1e-4, 1e-2], cv=3).fit(X, y)
    >>> sorted(search.cv_results_["lam"].tolist())
    [0.0001, 0.01]
    """

    def __init__(self, estimator, lams=5, *, l1_ratios=None, cv=5,
                 rule="min", scoring=None, n_jobs=None, refit=True, progress=False,
                 random_state=None):
        store_init_args(self, locals())

    @fill_doc
    def fit(self, X, y, sample_weight=None, groups=None):
        """Fit every candidate on every fold, choose by ``rule``, refit.

        {params: X, y_targets}
        sample_weight : array-like of shape (n_samples,), optional
            Passed to the estimator's ``fit`` and used in the scores.
        groups : array-like of shape (n_samples,), optional

        Returns
        -------
        self : LamSearchCV
        """
        parse_rule(self.rule)
        auto = isinstance(self.lams, (int, np.integer)) and not isinstance(self.lams, bool)
        if auto:
            if self.lams < 1:
                raise ValueError(f"lams as an int is the size of the automatic grid and must be "
                                 f">= 1, got {self.lams}")
            cands = lam_candidates(search_grid(int(self.lams)), self.l1_ratios)
        else:
            cands = lam_candidates(self.lams, self.l1_ratios)
        X, y, sw = self._validate(X, y, sample_weight)
        classification = is_classifier(self.estimator)
        classes, Y_eval = score_targets(y, classification=classification)
        scores = get_scores(self.scoring, classification=classification, classes=classes)
        splits, n_repeats = make_splits(self.cv, X, y, groups, classification=classification,
                                        random_state=self.random_state)
        folds = [RefitFold(self.estimator, X, y, tr, te, sw, classes=classes)
                 for tr, te in splits]
        values = np.empty((len(scores), 0, len(splits)))

        def evaluate(new):
            nonlocal values, cands
            bar.add_total(len(new) * len(splits))
            values = np.concatenate([values, np.stack(engine.score_all(new))], axis=1)

        result = None

        def choose():
            nonlocal result
            lam = np.array([_size(c["lam"]) for c in cands])
            complexity = -np.array([_total(c["lam"]) for c in cands])
            extra = {sc.name: values[m] for m, sc in enumerate(scores) if m > 0}
            result, sel = make_result(lam, rule=self.rule, scoring=scores[0].name,
                                      fold_scores=values[0], complexity=complexity, params=cands,
                                      n_repeats=n_repeats, extra=extra)
            return sel, lam

        def extend(more, side):
            nonlocal values, cands
            new = lam_candidates(more, self.l1_ratios)
            evaluate(new)
            cands = cands + new
            # keep the candidates in the order of a fresh grid: by l1_ratio, λ decreasing
            ratios = [c.get("l1_ratio") for c in cands]
            first = {r: ratios.index(r) for r in ratios}
            order = sorted(range(len(cands)), key=lambda i: (first[ratios[i]], -cands[i]["lam"]))
            cands, values = [cands[i] for i in order], values[:, order]

        with ProgressBar(0, "grid search (candidate × fold)", self.progress) as bar:
            engine = FoldEngine(folds, splits, Y_eval, scores, sw, self.n_jobs,
                                prefer="processes", bar=bar)
            evaluate(cands)
            if auto:
                sel, grid, still = extend_while_on_edge(
                    np.unique([c["lam"] for c in cands])[::-1], extend, choose,
                    decades=_DECADES, max_extensions=_MAX_EXTENSIONS)
            else:
                sel, grid = choose()
        if auto and still:
            warn_user(f"the best λ ({sel.lam_min:.4g}) is still on the edge of the automatic "
                      f"grid after {_MAX_EXTENSIONS} extensions ({grid.min():.3g} to "
                      f"{grid.max():.3g}); pass a wider grid as lams", UserWarning)
        elif not auto and len({_total(c["lam"]) for c in cands}) > 1 \
                and all(np.ndim(c["lam"]) == 0 for c in cands):
            warn_on_edge(sel, grid)
        self.cv_results_ = result
        self.best_params_ = result.best_params
        self.lam_, self.lam_min_, self.lam_1se_ = sel.lam, sel.lam_min, sel.lam_1se
        if self.refit:
            fit_kw = {} if sw is None else {"sample_weight": sw}
            self.best_estimator_ = clone(self.estimator).set_params(**self.best_params_).fit(X, y, **fit_kw)
        return self

    def _validate(self, X, y, sample_weight):
        """``(X, y, sample_weight)`` checked as scikit-learn does (records ``n_features_in_`` and
        ``feature_names_in_``); a DataFrame stays one, so that every fit, and the refit best
        estimator, knows its column names."""
        check_numpy_input(X, y)
        check_numeric_columns(X)
        if y is None:
            raise ValueError("LamSearchCV requires y to be passed, but the target y is None")
        Xa, y = validate_data(self, X, y, reset=True, dtype=None, ensure_all_finite=False,
                              accept_sparse=False, multi_output=True, y_numeric=False)
        if is_classifier(self.estimator):
            y = column_or_1d(y, warn=True)
            check_classification_y(y)
        sw = None if sample_weight is None else _check_sample_weight(sample_weight, Xa)
        return (X if hasattr(X, "iloc") else Xa), np.asarray(y), sw

    def _best(self):
        check_is_fitted(self, "best_estimator_")
        return self.best_estimator_

    def predict(self, X):
        """Predict with the refit best estimator (which checks the feature names)."""
        return self._best().predict(X)

    @available_if(_inner_has("predict_proba"))
    def predict_proba(self, X):
        """Class probabilities of the refit best estimator (only where it has them)."""
        return self._best().predict_proba(X)

    @available_if(_inner_has("predict_log_proba"))
    def predict_log_proba(self, X):
        """Log-probabilities of the refit best estimator (only where it has them)."""
        return self._best().predict_log_proba(X)

    @available_if(_inner_has("decision_function"))
    def decision_function(self, X):
        """Decision function of the refit best estimator (only where it has one)."""
        return self._best().decision_function(X)

    def score(self, X, y, sample_weight=None):
        """The refit best estimator's own ``score``."""
        return self._best().score(X, y, sample_weight=sample_weight) if sample_weight is not None \
            else self._best().score(X, y)

    @property
    def classes_(self):
        """The classes of the refit best estimator (classifiers only)."""
        if not is_classifier(self.estimator):
            raise AttributeError("classes_: LamSearchCV around a regressor has no classes")
        return self._best().classes_

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        inner = self.estimator.__sklearn_tags__()
        tags.estimator_type = inner.estimator_type
        tags.classifier_tags = inner.classifier_tags
        tags.regressor_tags = inner.regressor_tags
        tags.target_tags = inner.target_tags
        tags.input_tags.sparse = False
        tags.input_tags.allow_nan = False
        return tags
