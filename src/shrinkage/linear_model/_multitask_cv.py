r"""Multi-task regression with λ chosen by K-fold cross-validation: :class:`MultiTaskElasticNetCV`
and :class:`MultiTaskLassoCV`.

Every fold walks the λ grid from the top with warm starts
(:func:`~shrinkage.solvers.prox.group_lasso_path`: FISTA, the features standardized once per
fold) and predicts its held-out rows for the whole grid at once; the folds run through the
engine of :mod:`shrinkage.selection.engine` (:func:`~shrinkage.selection.engine.score_path_grid`).
The default grid starts at ``λ_max`` (every penalized feature zero) and is extended a decade at
a time while the best λ is its smallest. The objective and the final fit are those of
:class:`~shrinkage.MultiTaskElasticNet`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from typing_extensions import Self

    from .._typing import ArrayLike, CVLike, MatrixLike, RandomState, Scoring

import numpy as np

from .._docs import fill_doc
from .._validation import (check_choice, check_lam, check_lams, check_positive_int,
                           check_ratio, check_sample_weight, check_tol, store_init_args)
from ..selection.engine import (CV_AVERAGES, FoldEngine, PathFold, fold_weights, make_result,
                                make_splits, score_path_grid)
from ..selection.grid import sparse_grid
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule
from ..selection.scoring import get_score
from ..solvers.prox import group_lasso_path
from ._base import minus_offset
from ._multitask import MultiTaskElasticNet, check_targets

__all__ = ["MultiTaskElasticNetCV", "MultiTaskLassoCV"]

#: downward extensions of the default grid, a decade each: FISTA slows as λ → 0 (its rate
#: follows the conditioning of the unpenalized problem), so two rather than GLMRegressorCV's three
_MAX_EXTENSIONS = 2


class _MultiTaskFold(PathFold):
    """One fold's warm-started λ path (state: λ and coef at the smallest λ walked);
    ``predict(lams)`` gives the held-out predictions (n_test, L, n_targets)."""

    def __init__(self, X, Y, s, train, test, settings):
        self.X, self.Y, self.s, self.train, self.test = X, Y, s, train, test
        self.settings = settings

    def predict(self, lams):
        lams = np.asarray(lams, dtype=float)
        tr, te = self.train, self.test
        (coef0,) = self.warm(lams) or (None,)
        path = group_lasso_path(self.X[tr], self.Y[tr], None if self.s is None else self.s[tr],
                                lams=lams, coef0=coef0, warn=False, **self.settings)
        self.remember(lams, path[-1].coef)
        return np.stack([self.X[te] @ r.coef.T + r.intercept for r in path], axis=1)


@fill_doc
class MultiTaskElasticNetCV(MultiTaskElasticNet):
    r""":class:`~shrinkage.MultiTaskElasticNet` with λ chosen by K-fold cross-validation, then
    refit on all rows.

    Every fold walks the λ grid from its top with warm starts and is scored on its held-out
    rows, by default by minus the mean squared error averaged over the targets (scikit-learn's
    ``MultiTaskElasticNetCV`` ``mse_path_``, whose ``alphas`` are our ``lam`` through
    ``convert_strength(source="sklearn-elasticnet")``).

    Parameters
    ----------
    l1_ratio : float or list of float, default=0.5
        ``ρ ∈ [0, 1]``; with a list every ``(λ, ρ)`` is a candidate (each ratio walks its own
        grid), as scikit-learn's ``l1_ratio=[...]``, and ``rule`` picks among all of them
        (``"1se"``: the largest λ within one standard error of the best, over every ratio).
    lams : int or array-like of shape (n_lams,), default=100
        The grid size, or the grid itself (used as given). The default grid runs from
        ``λ_max`` (for ``ρ < 0.001`` the one at ``ρ = 0.001``) down to
        ``lam_min_ratio · λ_max`` and is extended downward a decade at a time (at most two)
        while the best λ is its smallest.
    cv : int, fold ids or cross-validation splitter, default=5
        As in :func:`~shrinkage.selection.make_splits`; shuffled when ``random_state`` is set,
        grouped when ``groups`` is passed to ``fit``.
    rule : {"min", "1se"}, "ksse", float or callable, default="min"
        ``"1se"``: the largest λ within one standard error of the best.
    scoring : str, scorer or callable, optional
        Default ``"neg_mean_squared_error"`` (averaged over the targets).
    cv_average : {"mean", "weighted"}, default="mean"
        Plain mean over folds, or weighted by each test fold's size (glmnet's ``cv.glmnet``).
    lam_min_ratio : float, optional
        Bottom of the default grid relative to ``λ_max``: 1e-3 when ``n > p``, else 1e-2.
    fit_intercept, standardize, penalty_factor, tol, max_iter
        As in :class:`~shrinkage.MultiTaskElasticNet`; the final fit is polished to
        ``tol / 1000`` (as :class:`~shrinkage.ElasticNetCV`'s).
    cv_tol : float, optional
        The fold paths' tolerance, default ``100·tol``.
    n_jobs : int, optional
        Folds in parallel threads.
    progress : bool, default=False
    random_state : int or None
    {exclude}

    Attributes
    ----------
    lam_, lam_min_, lam_1se_ : float
        The chosen λ, the best and the one-standard-error λ.
    l1_ratio_ : float
        The chosen ``ρ``.
    cv_results_ : :class:`~shrinkage.selection.CVResult`
        ``"params"`` holds each candidate's ``lam`` and ``l1_ratio``.
    coef_, intercept_, n_nonzero_, n_features_nonzero_, lam_max_, kkt_, n_iter_
        Of the refit at ``lam_``.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np; from shrinkage import MultiTaskElasticNetCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(120, 6))
    >>> Y = np.column_stack([X[:, 0] - X[:, 1], X[:, 0]]) + 0.5 * rng.normal(size=(120, 2))
    >>> model = MultiTaskElasticNetCV(l1_ratio=0.9, lams=30, rule="1se").fit(X, Y)
    >>> np.flatnonzero(model.coef_.any(axis=0)).tolist()
    [0, 1]
    """

    def __init__(self, *, l1_ratio: float | ArrayLike = 0.5, lams: int | ArrayLike = 100,
                 cv: CVLike = 5, rule: str = "min", scoring: Scoring = None,
                 cv_average: str = "mean", lam_min_ratio: float | None = None,
                 fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor: ArrayLike | None = None, tol: float = 1e-8,
                 cv_tol: float | None = None, max_iter: int = 20_000, n_jobs: int | None = None,
                 progress: bool = False, random_state: RandomState = None,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike,  # type: ignore[override]  # CV's groups
            sample_weight: ArrayLike | None = None, groups: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Choose λ by cross-validation, then refit on all rows at ``lam_``.

        {params: X}
        y : array-like of shape (n_samples, n_targets)
        {sample_weight}
        {groups}
        offset : array-like of shape (n_samples,), optional
            A fixed part of every target's prediction: folds and refit see ``y − offset``
            (the squared error of each fold is unchanged by it).

        {returns_self}
        """
        y = minus_offset(self, X, y, offset)
        ratios, lams = self._ratios(), check_lams(self.lams)
        tol = check_tol(self.tol)
        cv_tol = 100.0 * tol if self.cv_tol is None else check_tol(self.cv_tol, "cv_tol")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        check_choice(self.cv_average, CV_AVERAGES, "cv_average")
        parse_rule(self.rule)
        score = get_score(self.scoring, classification=False)
        X, Y = check_targets(self, X, y)
        s = check_sample_weight(sample_weight, X)
        splits, n_repeats = make_splits(self.cv, X, Y, groups, random_state=self.random_state)
        fold_w = fold_weights(self.cv_average, splits, s)
        runs = [self._path_cv(X, Y, s, splits, n_repeats, score, fold_w, rho, lams, cv_tol,
                              max_iter) for rho in ratios]
        if len(runs) == 1:
            res, sel, grid = runs[0]
            chosen = ratios[0]
        else:                           # every (λ, ρ) a candidate of one rule
            grid = np.concatenate([r[2] for r in runs])
            params = [{"lam": float(v), "l1_ratio": rho} for (_, _, g), rho in zip(runs, ratios)
                      for v in g]
            res, sel = make_result(grid, rule=self.rule, scoring=score.name,
                                   fold_scores=np.vstack([r[0]["fold_scores"] for r in runs]),
                                   params=params, n_repeats=n_repeats, fold_weights=fold_w)
            chosen = params[res.index]["l1_ratio"]
        self.cv_results_ = res
        self.lam_min_, self.lam_1se_ = sel.lam_min, sel.lam_1se
        single = MultiTaskElasticNet(check_lam(sel.lam), l1_ratio=chosen,
                                     fit_intercept=self.fit_intercept,
                                     standardize=self.standardize,
                                     penalty_factor=self.penalty_factor, tol=tol * 1e-3,
                                     max_iter=max_iter).fit(X, Y, sample_weight=s)
        for name in ("coef_", "intercept_", "n_nonzero_", "n_features_nonzero_", "lam_max_",
                     "kkt_", "n_iter_"):
            setattr(self, name, getattr(single, name))
        self.lam_, self.l1_ratio_ = float(sel.lam), chosen
        return self

    def _ratios(self):
        return [check_ratio(r) for r in np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))]

    def _rho(self):                     # lam_max(X, y): at the first ratio
        return self._ratios()[0]

    def _path_cv(self, X, Y, s, splits, n_repeats, score, fold_w, rho, lams, cv_tol, max_iter):
        """The fold paths at one ratio: ``(CVResult, Selection, grid)``."""
        auto = isinstance(lams, int)
        if auto:
            top = MultiTaskElasticNet(l1_ratio=max(rho, 1e-3), fit_intercept=self.fit_intercept,
                                      standardize=self.standardize,
                                      penalty_factor=self.penalty_factor).lam_max(X, Y, s)
            ratio = self.lam_min_ratio if self.lam_min_ratio is not None else \
                (1e-3 if X.shape[0] > X.shape[1] else 1e-2)
            lams = sparse_grid(top, lams, ratio)
        pen = self._penalty(X.shape[1])
        settings = dict(groups=pen.groups, group_weights=pen.group_weights, l1_ratio=rho,
                        fit_intercept=self.fit_intercept, standardize=self.standardize,
                        tol=cv_tol, max_iter=max_iter)
        folds = [_MultiTaskFold(X, Y, s, tr, te, settings) for tr, te in splits]
        bar = ProgressBar(len(folds) * len(lams), "cross-validation (fold × λ fits)",
                          self.progress)
        engine = FoldEngine(folds, splits, Y, [score], s, self.n_jobs, bar=bar)
        return score_path_grid(engine, lams, extend=auto, rule=self.rule, scoring=score.name,
                               n_repeats=n_repeats, fold_weights=fold_w, bar=bar,
                               max_extensions=_MAX_EXTENSIONS)


class MultiTaskLassoCV(MultiTaskElasticNetCV):
    r""":class:`~shrinkage.MultiTaskLasso` with λ chosen by K-fold cross-validation:
    :class:`MultiTaskElasticNetCV` with ``l1_ratio=1`` (scikit-learn's ``MultiTaskLassoCV``,
    ``alpha = lam / 2``).

    Parameters
    ----------
    lams, cv, rule, scoring, cv_average, lam_min_ratio, fit_intercept, standardize,
    penalty_factor, tol, cv_tol, max_iter, n_jobs, progress, random_state, exclude
        As in :class:`MultiTaskElasticNetCV`.

    Attributes
    ----------
    lam_, lam_min_, lam_1se_, cv_results_, coef_, intercept_, n_nonzero_, n_features_nonzero_
        As in :class:`MultiTaskElasticNetCV`.
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np; from shrinkage import MultiTaskLassoCV
    >>> rng = np.random.default_rng(1)
    >>> X = rng.normal(size=(120, 6))
    >>> Y = np.column_stack([X[:, 2], X[:, 2] + X[:, 4]]) + 0.5 * rng.normal(size=(120, 2))
    >>> cv = MultiTaskLassoCV(lams=30, cv=4, rule="1se").fit(X, Y)
    >>> cv.coef_.shape, bool(cv.lam_1se_ >= cv.lam_min_)
    ((2, 6), True)
    """

    def __init__(self, *, lams: int | ArrayLike = 100, cv: CVLike = 5, rule: str = "min",
                 scoring: Scoring = None, cv_average: str = "mean",
                 lam_min_ratio: float | None = None, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 tol: float = 1e-8, cv_tol: float | None = None, max_iter: int = 20_000,
                 n_jobs: int | None = None, progress: bool = False,
                 random_state: RandomState = None, exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _ratios(self):
        return [1.0]
