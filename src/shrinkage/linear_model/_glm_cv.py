r"""Log-link GLMs with λ chosen by K-fold cross-validation: :class:`GLMRegressorCV`.

Every fold walks the λ grid from the top with warm starts
(:func:`~shrinkage.solvers.prox_newton.glm_enet_path`: proximal Newton with coordinate
descent, the features standardized once per fold) and predicts the held-out means
``μ = exp(Xw + b + offset)`` of the whole grid at once; the folds run through the engine of
:mod:`shrinkage.selection.engine`. The default grid starts at the penalty's ``λ_max`` at the
null model (with its offset; :func:`~shrinkage.solvers.null_gradient`) and is extended a
decade at a time while the best λ is its smallest
(:func:`~shrinkage.selection.grid.extend_while_on_edge`). The objective and the final fit are
those of :class:`~shrinkage.PoissonRegressor`, :class:`~shrinkage.GammaRegressor` and
:class:`~shrinkage.TweedieRegressor`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import functools

import numpy as np

from .._docs import fill_doc
from .._validation import (check_choice, check_lam, check_lams, check_penalty_factor,
                           check_positive_int, check_ratio, check_sample_weight, check_tol,
                           check_X_y, input_dtype, store_init_args)
from ..datafits import unit_deviance
from ..penalties import ElasticNet as ENPenalty
from ..selection.engine import (CV_AVERAGES, FoldEngine, PathFold, fold_weights, make_splits,
                                score_path_grid)
from ..selection.grid import sparse_grid
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule
from ..selection.scoring import Score, get_score
from ..solvers.null import null_gradient
from ..solvers.prox_newton import glm_enet_path
from ._glm import _check_offset, _GLMBase, GammaRegressor, PoissonRegressor, TweedieRegressor

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, CVLike, MatrixLike, RandomState, Scoring
    from typing_extensions import Self

__all__ = ["GLMRegressorCV"]

#: the family names and their Tweedie power (None: the ``power`` parameter, default 1.5)
FAMILIES = {"poisson": 1.0, "gamma": 2.0, "tweedie": None}
#: downward extensions of the default grid: a decade each, at most this many
_MAX_EXTENSIONS = 3


def _neg_deviance(datafit, y, mu):
    """Minus the unit deviance of each row (higher is better), μ the predicted mean."""
    with np.errstate(divide="ignore"):
        return -unit_deviance(datafit, y, np.log(mu))


def deviance_score(datafit) -> Score:
    """The default score of :class:`GLMRegressorCV`: minus the (weighted) mean deviance of the
    held-out rows (glmnet's ``type.measure="deviance"``, scikit-learn's
    ``neg_mean_poisson_deviance`` / ``neg_mean_gamma_deviance`` /
    ``neg_mean_tweedie_deviance``)."""
    name = datafit.name.replace("tweedie-", "tweedie_p")
    return Score(f"neg_mean_{name}_deviance", "predict",
                 functools.partial(_neg_deviance, datafit))


class _GLMFold(PathFold):
    """One fold's warm-started λ path (state: λ, coef, intercept at the smallest λ walked);
    ``predict(lams)`` gives the held-out means (n_test, L, 1)."""

    def __init__(self, X, y, s, offset, train, test, datafit, settings):
        self.X, self.y, self.s, self.offset = X, y, s, offset
        self.train, self.test, self.datafit, self.settings = train, test, datafit, settings

    def predict(self, lams):
        lams = np.asarray(lams, dtype=float)
        tr, te = self.train, self.test
        coef0, intercept0 = self.warm(lams) or (None, None)
        path = glm_enet_path(self.X[tr], self.y[tr], None if self.s is None else self.s[tr],
                             datafit=self.datafit, lams=lams,
                             offset=None if self.offset is None else self.offset[tr],
                             coef0=coef0, intercept0=intercept0, warn=False, **self.settings)
        self.remember(lams, path[-1].coef, path[-1].intercept)
        W = np.array([r.coef for r in path])                           # (L, p)
        b = np.array([r.intercept for r in path])
        eta = self.X[te] @ W.T + b
        if self.offset is not None:
            eta += self.offset[te][:, None]
        return np.exp(eta)[:, :, None]


@fill_doc
class GLMRegressorCV(_GLMBase):
    r"""Poisson, gamma or Tweedie regression (log link, L2 or elastic net) with λ chosen by
    K-fold cross-validation, then refit on all rows.

    Minimizes ``(1/S) Σ s_i ℓ(y_i, x_iᵀw + b + offset_i) + λ Σ_j f_j [(1−ρ)w_j² + ρ|w_j|]``
    (:mod:`shrinkage.conventions`) over a λ grid. Every fold walks the grid from its top with
    warm starts (proximal Newton with coordinate descent,
    :func:`~shrinkage.solvers.prox_newton.glm_enet_path`, standardizing with its own training
    rows) and is scored on its held-out rows, by default by minus their mean deviance
    (glmnet's ``cv.glmnet(type.measure="deviance")``). An ``offset`` passed to ``fit`` is
    split with the folds: each fold fits with its training rows' offsets and predicts its
    test rows with theirs. The final model is that of :class:`~shrinkage.PoissonRegressor` /
    :class:`~shrinkage.GammaRegressor` / :class:`~shrinkage.TweedieRegressor` at the chosen λ
    on all rows.

    Parameters
    ----------
    family : {"poisson", "gamma", "tweedie"}, default="poisson"
    power : float, optional
        The Tweedie power (``family="tweedie"`` only; default 1.5).
    l1_ratio : float, default=0.0
        Our ``ρ``: 0 is the L2 penalty, 1 the lasso.
    lams : int or array-like of shape (n_lams,), default=100
        The grid size, or the grid itself (used as given). The default grid runs from
        ``λ_max`` (every penalized coefficient zero; for ``ρ < 0.001`` the ``λ_max`` at
        ``ρ = 0.001``, as glmnet's ridge grid) down to ``lam_min_ratio · λ_max``, and is
        extended downward a decade at a time (at most three) while the best λ is its smallest.
    cv : int, fold ids or cross-validation splitter, default=5
        As in :func:`~shrinkage.selection.make_splits` (a 1-D integer array is glmnet's
        ``foldid``); shuffled when ``random_state`` is set, grouped when ``groups`` is passed to
        ``fit``.
    rule : {"min", "1se"}, "ksse", float or callable, default="min"
        ``"1se"`` picks the largest λ whose mean score is within one standard error of the
        best (glmnet's ``lambda.1se``).
    scoring : str, scorer or callable, optional
        Default: minus the mean deviance of the family (``neg_mean_poisson_deviance`` ...);
        any name of :func:`sklearn.metrics.get_scorer`, a scorer or a higher-is-better
        ``f(y_true, mu)``, given the predicted means.
    cv_average : {"mean", "weighted"}, default="mean"
        How fold scores are averaged: the plain mean over folds with the standard error
        ``std(ddof=1)/√K``, or glmnet's ``cv.glmnet``: weighted by each test fold's total
        sample weight (its size), with the standard error
        ``√(Σ w_k (s_k − m)² / Σ w_k / (K − 1))``.
    lam_min_ratio : float, optional
        Bottom of the default grid relative to ``λ_max``: 1e-4 when ``n > p``, else 1e-2
        (glmnet's).
    fit_intercept, standardize, penalty_factor
        As in :class:`~shrinkage.PoissonRegressor`.
    tol : float, default=1e-8
        The final fit's tolerance (as in :class:`~shrinkage.PoissonRegressor`).
    cv_tol : float, optional
        The fold paths' (proximal Newton relative to the null gradient), default ``100·tol``.
    max_iter : int, optional
        Most proximal Newton steps per λ (default 100).
    n_jobs : int, optional
        Folds in parallel threads, through the engine of :mod:`shrinkage.selection.engine`.
    progress : bool, default=False
    random_state : int or None
    {exclude}

    Attributes
    ----------
    lam_ : float
        The chosen λ.
    lam_min_, lam_1se_ : float
    cv_results_ : :class:`~shrinkage.selection.CVResult`
        ``"lam"`` (decreasing), ``"mean_score"``, ``"se_score"``, ``"fold_scores"``
        (n_lams, n_folds); ``.reason`` says why ``lam_`` was chosen.
    coef_, intercept_, n_iter_, solver_, n_features_in_, feature_names_in_
        Of the refit at ``lam_``.

    Examples
    --------
    >>> import numpy as np; from shrinkage import GLMRegressorCV
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(400, 6)); exposure = rng.uniform(0.5, 2.0, 400)
    >>> y = rng.poisson(exposure * np.exp(-0.5 + 0.6 * X[:, 0]))
    >>> model = GLMRegressorCV("poisson", l1_ratio=1.0, lams=30, rule="1se")
    >>> model = model.fit(X, y, offset=np.log(exposure))
    >>> np.flatnonzero(model.coef_).tolist()
    [0]
    >>> model.predict(X[:2], offset=np.log(exposure[:2])).shape
    (2,)
    """

    def __init__(self, family: str = "poisson", *, power: float | None = None,
                 l1_ratio: float = 0.0, lams: int | ArrayLike = 100, cv: CVLike = 5,
                 rule: str = "min", scoring: Scoring = None,
                 cv_average: str = "mean", lam_min_ratio: float | None = None,
                 fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor: ArrayLike | None = None, tol: float = 1e-8,
                 cv_tol: float | None = None, max_iter: int | None = None,
                 n_jobs: int | None = None, progress: bool = False,
                 random_state: RandomState = None,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _single(self, lam):
        """The single estimator this one refits (its class, at ``lam``)."""
        common = dict(lam=lam, l1_ratio=self.l1_ratio, fit_intercept=self.fit_intercept,
                      standardize=self.standardize, penalty_factor=self.penalty_factor,
                      tol=self.tol, max_iter=self.max_iter)
        power = self._power_of()
        if power == 1.0 and self.family == "poisson":
            return PoissonRegressor(**common)
        if power == 2.0 and self.family == "gamma":
            return GammaRegressor(**common)
        return TweedieRegressor(power=power, **common)

    def _power_of(self):
        if self.family not in FAMILIES:
            raise ValueError(f"family must be one of {sorted(FAMILIES)}, got {self.family!r}")
        fixed = FAMILIES[self.family]
        if fixed is None:
            return 1.5 if self.power is None else self.power
        if self.power is not None and self.power != fixed:
            raise ValueError(f"family={self.family!r} has power {fixed:g}; drop power= or use "
                             f"family='tweedie' with power={self.power!r}")
        return fixed

    def _datafit(self):
        return self._single(0.0)._datafit()

    _accepts_sparse = True         # fold paths by proximal Newton on the CSC columns

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None, groups: ArrayLike | None = None) -> Self:
        """Choose λ by cross-validation, then refit on all rows at ``lam_``.

        {params: X, y, sample_weight}
        offset : array-like of shape (n_samples,), optional
            Added to the linear predictor (e.g. the log exposure); split with the folds.
        {groups}

        {returns_self}
        """
        rho = check_ratio(self.l1_ratio)
        lams = check_lams(self.lams)
        tol = check_tol(self.tol)
        cv_tol = 100.0 * tol if self.cv_tol is None else check_tol(self.cv_tol, "cv_tol")
        max_iter = 100 if self.max_iter is None else check_positive_int(self.max_iter,
                                                                         "max_iter")
        check_choice(self.cv_average, CV_AVERAGES, "cv_average")
        parse_rule(self.rule)
        datafit = self._datafit()
        X, y = check_X_y(self, X, y, y_numeric=True, dtype=np.float64)
        datafit.check_target(y)
        s = check_sample_weight(sample_weight, X)
        off = _check_offset(offset, X.shape[0])
        pf = check_penalty_factor(self.penalty_factor, X.shape[1])
        score = deviance_score(datafit) if self.scoring is None else \
            get_score(self.scoring, classification=False)
        splits, n_repeats = make_splits(self.cv, X, y, groups, random_state=self.random_state)
        auto = isinstance(lams, int)
        if auto:
            lams = self._grid(X, y, s, off, rho, pf, datafit, lams)
        settings = dict(l1_ratio=rho, penalty_factor=pf, fit_intercept=self.fit_intercept,
                        standardize=self.standardize, tol=cv_tol, max_iter=max_iter)
        folds = [_GLMFold(X, y, s, off, tr, te, datafit, settings) for tr, te in splits]
        fold_w = fold_weights(self.cv_average, splits, s)
        bar = ProgressBar(len(folds) * len(lams), "cross-validation (fold × λ fits)",
                          self.progress)
        engine = FoldEngine(folds, splits, y[:, None], [score], s, self.n_jobs, bar=bar)
        res, sel, lams = score_path_grid(engine, lams, extend=auto, rule=self.rule,
                                         scoring=score.name, n_repeats=n_repeats,
                                         fold_weights=fold_w, bar=bar,
                                         max_extensions=_MAX_EXTENSIONS)
        self.cv_results_ = res
        self.lam_min_, self.lam_1se_ = sel.lam_min, sel.lam_1se
        single = self._single(check_lam(sel.lam)).fit(X, y, sample_weight=s, offset=off)
        self._set_fitted(single.coef_, single.intercept_, sel.lam, single.n_iter_,
                         single.solver_, input_dtype(X))
        return self

    def _grid(self, X, y, s, off, rho, pf, datafit, size):
        g = null_gradient(X, y, s, datafit=datafit, fit_intercept=self.fit_intercept,
                          standardize=self.standardize, offset=off,
                          unpenalized=None if pf is None else pf == 0)
        top = ENPenalty(1.0, max(rho, 1e-3), pf).lam_max(g)
        n, p = X.shape
        ratio = self.lam_min_ratio if self.lam_min_ratio is not None else \
            (1e-4 if n > p else 1e-2)
        return sparse_grid(top, size, ratio)
