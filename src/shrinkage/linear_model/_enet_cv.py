r"""Elastic net with λ (and ``l1_ratio``) chosen by K-fold cross-validation: :class:`ElasticNetCV`.

Every fold walks the λ grid from the top with warm starts and strong-rule screening
(:func:`~shrinkage.solvers.cd.enet_path`); with ``n > p`` the folds share one set of Gram
products (:mod:`shrinkage.solvers.moments`). The folds run through the engine of
:mod:`shrinkage.selection.engine`; the default grid starts at the penalty's ``λ_max``
(:func:`~shrinkage.selection.grid.sparse_grid`) and is extended downward while the best λ is
its smallest (:func:`~shrinkage.selection.grid.extend_while_on_edge`). The objective is that of
:class:`~shrinkage.ElasticNet`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from types import SimpleNamespace


import numpy as np
import scipy.sparse as sp

from .._docs import fill_doc
from .._validation import (check_choice, check_lams, check_positive_int, check_ratio,
                           check_tol, store_init_args)
from ..datafits import normalized_weights
from ..penalties import ElasticNet as ENPenalty
from ..selection.engine import (CV_AVERAGES, FoldEngine, fold_weights, make_result,
                                make_splits)
from ..selection.grid import extend_while_on_edge, sparse_grid
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule, warn_on_edge
from ..selection.scoring import get_score
from ..solvers import lam_max as null_model_lam_max
from ..solvers.cd import (enet_path, fold_csc_problems, fold_gram_problems, naive_problem,
                          sparse_route)
from ._enet import SparseRegressor, relax_gamma, relaxed_mixture
from ._base import minus_offset
from ._dask import enet_cv_data, is_dask_input
from .._warnings import warn_user

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, CVLike, MatrixLike, RandomState, Scoring
    from typing_extensions import Self

__all__ = ["ElasticNetCV"]

#: downward extensions of the default grid: a decade each, at most this many
_MAX_EXTENSIONS = 3


#: early exit: the path is walked this many λ at a time, and stops when …
_EXIT_CHUNK = 10
#: … the best mean score lies at least this many λ above the last one walked and the last
#: one is worse than the best by more than this many standard errors of their difference
#: (paired over the folds: the curve has turned), or …
_EXIT_PAST, _EXIT_SE = 10, 2.0
#: … the all-data fit has saturated (glmnet's rules: the fraction of ``yy`` explained grew by
#: less than ``_EXIT_FDEV`` of itself over the last λ, or exceeds ``_EXIT_DEVMAX``)
_EXIT_FDEV, _EXIT_DEVMAX = 1e-5, 0.999


def _exhausted(curves) -> bool:
    """Whether every ``l1_ratio``'s walk may stop (the rules above; module docstring)."""
    for c in curves:
        sc = c["scores"]
        dev = c["dev_ratio"]
        if dev.size >= 2 and np.isfinite(dev[-1]) and (
                dev[-1] > _EXIT_DEVMAX or dev[-1] - dev[-2] < _EXIT_FDEV * dev[-1]):
            continue                                    # saturated
        best = int(np.argmax(sc.mean(axis=1)))
        drop = sc[best] - sc[-1]                        # per fold: how much worse the last is
        k = drop.size
        se = drop.std(ddof=1) / np.sqrt(k) if k > 1 else 0.0
        if best + _EXIT_PAST <= sc.shape[0] - 1 and drop.mean() > _EXIT_SE * se:
            continue                                    # turned
        return False
    return True


class RatioPathFold:
    """A fold whose candidates are ``{"lam", "l1_ratio"}`` dicts: ``predict`` walks each ratio's
    λ (falling) with the subclass's ``_walk(rho, lams)`` and joins the held-out predictions."""

    def predict(self, cands):
        out = []
        for rho in dict.fromkeys(c["l1_ratio"] for c in cands):
            lams = np.array([c["lam"] for c in cands if c["l1_ratio"] == rho])
            out.append(self._walk(rho, lams))
        return np.concatenate(out, axis=1)


class _EnetFold(RatioPathFold):
    """One CV fold: its problem and test rows; ``predict(candidates)`` walks a warm-started
    path for each ``l1_ratio`` among the candidates (``{"lam", "l1_ratio"}`` dicts, λ falling).

    The last solution at each ``l1_ratio`` is kept, so a grid extended below the one already
    walked continues the path instead of starting again from the null model.
    """

    def __init__(self, problem, X_test, train_parts, f, tol, max_iter, fit_intercept, relax):
        self.problem, self.X_test, self.parts, self.f = problem, X_test, train_parts, f
        self.tol, self.max_iter, self.fit_intercept, self.relax = tol, max_iter, fit_intercept, relax
        self.resume = {}                 # l1_ratio -> (λ, β) of the last path point

    def state(self):
        return self.resume

    def set_state(self, resume):
        self.resume = resume

    def path_coefs(self, rho, lams):
        """The penalized path's coefficients (L, p) and intercepts (L,) at ``lams``,
        continuing the walk at ``rho``."""
        last = self.resume.get(rho)
        beta0, lam_prev = (last[1], last[0]) if last is not None and lams[0] < last[0] else (None, None)
        path = enet_path(self.problem, lams, l1_ratio=rho, penalty_factor=self.f, tol=self.tol,
                         max_iter=self.max_iter, beta0=beta0, lam_prev=lam_prev, warn=False)
        self.resume[rho] = (float(lams[-1]), path.beta[-1].copy())
        return self.problem.to_original(path.beta)

    def _walk(self, rho, lams):
        coef, intercept = self.path_coefs(rho, lams)                 # (L, p), (L,)
        if self.relax < 1.0:                                        # glmnet's gamma
            Xtr, ytr, swtr = self.parts
            pairs = [relaxed_mixture(Xtr, ytr, swtr, c, b, self.fit_intercept, self.relax)
                     for c, b in zip(coef, intercept)]
            coef = np.array([c for c, _ in pairs])
            intercept = np.array([b for _, b in pairs])
        return (self.X_test @ coef.T + intercept)[:, :, None]        # (n_test, L, 1)


def _enet_fold(X, y, s, train, test, problem, f, tol, max_iter, fit_intercept, standardize,
               relax):
    """The :class:`_EnetFold` of one split (its naive problem formed here when not given)."""
    sw_tr = normalized_weights(None if s is None else s[train], train.size)
    if problem is None:
        problem = naive_problem(X[train], y[train], sw_tr, fit_intercept=fit_intercept,
                                standardize=standardize)
    parts = (X[train], y[train], sw_tr) if relax < 1.0 else None
    return _EnetFold(problem, X[test], parts, f, tol, max_iter, fit_intercept, relax)


@fill_doc
class ElasticNetCV(SparseRegressor):
    r"""Elastic net with λ (and ``l1_ratio``) chosen by K-fold cross-validation.

    For each ``l1_ratio`` the grid runs from ``λ_max`` (every coefficient zero, computed on all
    data) down to ``lam_min_ratio · λ_max``; every fold walks the same grid with warm starts
    and strong-rule screening. With ``n > p`` the folds share one set of Gram products (each
    training fold is all data minus its test fold, see
    :func:`~shrinkage.solvers.cd.fold_gram_problems`). The final model is the all-data path at
    the chosen λ.

    Sparse ``X`` (any width, never densified) runs coordinate descent on its CSC columns
    where :func:`~shrinkage.solvers.cd.sparse_route` says so for the number of solves
    (λ values × ratios × (folds + 1)); the folds then share one CSC matrix, each weighing its
    test rows zero (:func:`~shrinkage.solvers.cd.fold_csc_problems`: the objective of the
    fold's training rows, without copying them). Otherwise they share the sparse Gram moments.

    Parameters
    ----------
    lams : int or array-like of shape (n_lams,), default=100
        The grid size, or the grid itself (used for every ``l1_ratio``). The default grid is
        extended downward, a decade at a time (rounded up to whole grid steps, up to three
        times), while the best λ is its smallest; a user-given grid is never extended, and a ``UserWarning`` says when the best
        λ lies on its edge.
    l1_ratio : float or array-like of float, default=0.5
        One ``ρ`` or several to search over. For ``ρ = 0`` the default grid starts from
        ``λ_max`` at ``ρ = 0.001`` (as glmnet does).
    cv : int, fold ids or cross-validation splitter, default=5
        As in :func:`~shrinkage.selection.make_splits`; shuffled when ``random_state`` is set,
        grouped when ``groups`` is passed to ``fit``.
    rule : {"min", "1se"}, "ksse", float or callable, default="min"
        ``"1se"`` picks the simplest candidate (see ``simplest``) whose mean score is within one
        standard error of the best.
    simplest : {"nonzeros", "lam"}, default="nonzeros"
        What "simplest" means for the ``"1se"`` rules: ``"nonzeros"``, the fewest non-zeros on
        the all-data path (ties: the larger λ); ``"lam"``, the largest λ (glmnet's
        ``lambda.1se``; with several ``l1_ratio`` the λ of different ratios are compared as
        numbers). The two differ where the path's support does not shrink monotonically.
    cv_average : {"mean", "weighted"}, default="mean"
        How fold scores are averaged: the plain mean over folds with the standard error
        ``std(ddof=1)/√K``, or glmnet's ``cv.glmnet``: weighted by each test fold's total
        sample weight (its size), with the standard error
        ``√(Σ w_k (s_k − m)² / Σ w_k / (K − 1))``. With equal folds they agree.
        ``cv_average="weighted", simplest="lam"`` reproduces ``cv.glmnet``'s ``cvm``,
        ``cvsd``, ``lambda.min`` and ``lambda.1se`` for the lasso given its ``foldid`` and
        ``lambda`` (for ``alpha < 1`` glmnet scales each fold's ``y`` by that fold's standard
        deviation, so its folds' ridge part differs from the full data's;
        :mod:`shrinkage.conventions`).
    scoring : str, scorer or callable, optional
        Default ``"neg_mean_squared_error"``; any name of :func:`sklearn.metrics.get_scorer`, a
        scorer (``make_scorer``) or a higher-is-better ``f(y_true, y_pred)``, as in
        :func:`~shrinkage.selection.get_score`.
    lam_min_ratio : float, optional
        Bottom of the default grid relative to ``λ_max``: 1e-3 when ``n > p``, else 1e-2
        (before any extension, see ``lams``).
    fit_intercept, standardize, penalty_factor, relax, max_iter
        As in :class:`ElasticNet`.
    tol : float, default=1e-4
        Tolerance of the all-data path, as in :class:`ElasticNet` (relative to the null
        gradient; about glmnet's ``thresh = (tol · max_j |corr(x_j, y)|)²``); the chosen model
        is then polished to ``tol / 1000`` from its path value (one warm-started λ, cheap).
    cv_tol : float, optional
        Tolerance of the fold paths, default ``10 · tol`` (1e-3 by default). The CV curve only
        needs the held-out errors: on the correlated 20,000 × 1,000 design of
        ``benchmarks/defaults_enet.py`` the mean CV error at ``cv_tol = 1e-3`` agrees with a
        ``1e-7`` solve to 1.3e-3 relative and the chosen λ is the same (at ``1e-2`` it moved by
        7 grid steps); ``benchmarks/results/defaults_enet.md``.
    early_exit : bool, default=True
        Walk the default grid ten λ at a time and stop early (the rest of the grid is dropped:
        ``lams_`` and ``cv_results_`` are shorter) once, for every ``l1_ratio``, either the CV
        curve has clearly turned — its best mean score lies at least ten λ above the last one
        walked and the last is worse than the best by more than two standard errors of their
        per-fold difference — or the all-data fit has saturated (glmnet's ``fdev`` rule: the
        fraction of the variance explained grew by less than 1e-5 of itself over the last
        λ, or exceeds 0.999). The ``min`` and ``1se`` choices lie above the stopping point, so
        they are unchanged unless the curve falls again further down. ``False`` walks the
        whole grid (and its extensions) exactly as given. A user-given grid is always walked
        whole.
    n_jobs : int, optional
        Folds in parallel threads (the kernels release the GIL), through the engine of
        :mod:`shrinkage.selection.engine` (so a ``joblib.parallel_config`` backend applies).
    progress : bool, default=False
        A progress bar (tqdm when installed, on stderr) over the (l1_ratio, fold) path fits.
    random_state : int or None
    {exclude}

    Attributes
    ----------
    lam_, l1_ratio_ : float
        The chosen candidate.
    lam_min_, lam_1se_ : float
        λ of the best candidate and of the sparsest within one standard error.
    lams_ : ndarray of shape (n_l1_ratios, n_lams)
        The grid used for each ``l1_ratio`` (with any downward extension).
    coef_path_ : ndarray of shape (n_l1_ratios, n_lams, n_features)
        The all-data path (original scale, penalized coefficients).
    cv_results_ : :class:`~shrinkage.selection.CVResult`
        One row per (l1_ratio, λ) candidate; ``"df"`` and ``"complexity"`` hold the number of
        non-zeros.
    coef_, intercept_, penalized_coef_, n_nonzero_, n_iter_, n_features_in_
        Of the chosen model.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes; from shrinkage import ElasticNetCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 1.0], rule="1se", random_state=0).fit(X, y)
    >>> model.l1_ratio_, model.n_nonzero_
    (1.0, 5)
    >>> print(model.cv_results_.reason)  # doctest: +ELLIPSIS
    λ = 10.38 is the simplest candidate whose mean score ... within 1 standard error(s) ...
    """

    _accepts_sparse = True
    _feature_attrs = ("coef_", "penalized_coef_", "coef_path_")

    def __init__(self, lams: int | ArrayLike = 100, *, l1_ratio: float | ArrayLike = 0.5,
                 cv: CVLike = 5, rule: str = "min", scoring: Scoring = None,
                 simplest: str = "nonzeros", cv_average: str = "mean",
                 lam_min_ratio: float | None = None, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 relax: bool | float = False, tol: float = 1e-4, cv_tol: float | None = None,
                 max_iter: int = 10_000, early_exit: bool = True, n_jobs: int | None = None,
                 progress: bool = False, random_state: RandomState = None,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _rho(self):
        """The smallest ``l1_ratio`` searched (at least 1e-3, as glmnet's ridge λ_max): its
        ``λ_max`` is the largest, the top of every ratio's path (:meth:`lam_max`)."""
        ratios = np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))
        return max(min(check_ratio(r) for r in ratios), 1e-3)

    def _memory_data(self, X, y, sample_weight, groups, score, cv_tol, max_iter):
        """What :meth:`fit` needs from in-memory data: the all-data problem ``full``, the fold
        ``engine`` (``scores(candidates)``, ``folds``), ``n_repeats``, ``n``, ``p``, ``f``,
        ``lam_max(rho)`` (the top of the grid) and ``finish(coef, intercept)`` (the fitted
        attributes); :func:`~shrinkage.linear_model._dask.enet_cv_data` gives the same from
        Dask data."""
        X, y, s, sw = self._validate(X, y, sample_weight)
        n, p = X.shape
        f = self._penalty_factor(p)
        splits, n_repeats = make_splits(self.cv, X, y, groups, random_state=self.random_state)
        build = dict(fit_intercept=self.fit_intercept, standardize=self.standardize)
        n_lams = self._lams if isinstance(self._lams, int) else len(self._lams)
        n_solves = n_lams * np.atleast_1d(self.l1_ratio).size * (len(splits) + 1)
        if sp.issparse(X) and sparse_route(X, n_solves) == "csc":
            # coordinate descent on the sparse columns; folds weigh their test rows zero
            X = X.tocsc()
            full, fold_probs = fold_csc_problems(X, y, s, splits, **build)
        elif n > p:          # covariance mode (for sparse X: Gram moments of sparse products)
            full, fold_probs = fold_gram_problems(X, y, s, splits, **build)
        else:
            full = naive_problem(X, y, sw, **build)
            fold_probs = [None] * len(splits)
        bar = ProgressBar(len(np.atleast_1d(self.l1_ratio)) * len(splits),
                          "elastic-net paths (l1_ratio × fold)", self.progress)
        args = [(X, y, s, tr, te, prob, f, cv_tol, max_iter, self.fit_intercept,
                 self.standardize, relax_gamma(self.relax))
                for (tr, te), prob in zip(splits, fold_probs)]
        engine = FoldEngine.fit(_enet_fold, args, splits, y[:, None], score, s, self.n_jobs,
                                bar=bar, count="folds")

        def lam_max(rho):
            pen = ENPenalty(1.0, max(rho, 1e-3), f)
            if f is None or np.all(f > 0):   # null gradient: −2q of the all-data problem
                return pen.lam_max(-2.0 * full.q)
            return null_model_lam_max(pen, X, y, sw, fit_intercept=self.fit_intercept,
                                      standardize=self.standardize)

        def finish(coef, intercept):
            self._finish(X, y, sw, coef, intercept)

        return SimpleNamespace(full=full, engine=engine, n_repeats=n_repeats, n=n, p=p, f=f,
                               lam_max=lam_max, finish=finish, bar=bar,
                               fold_weights=fold_weights(self.cv_average, splits, s))

    def _grid(self, data, rho):
        if not isinstance(self._lams, int):
            return self._lams
        top = data.lam_max(rho)
        n, p = data.n, data.p
        ratio = self.lam_min_ratio if self.lam_min_ratio is not None else (1e-3 if n > p else 1e-2)
        return sparse_grid(top, self._lams, ratio)

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            groups: ArrayLike | None = None, offset: ArrayLike | None = None) -> Self:
        """Choose λ and ``l1_ratio`` by cross-validation; keep the all-data fit at the choice.

        {params: X, y, sample_weight}
        groups : array-like of shape (n_samples,), optional
            Folds never split a group (with an integer ``cv``).
        {offset}
            Each fold fits its training rows' ``y − offset`` and is scored on its held-out
            rows' ``y − offset`` against ``Xw + b`` (the same residuals as ``y`` against
            ``Xw + b + offset``).

        {returns_self}
        """
        y = minus_offset(self, X, y, offset)
        ratios = [check_ratio(r) for r in np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))]
        self._lams = check_lams(self.lams)
        tol = check_tol(self.tol)
        cv_tol = 10.0 * tol if self.cv_tol is None else check_tol(self.cv_tol, "cv_tol")
        max_iter = check_positive_int(self.max_iter, "max_iter")
        score = get_score(self.scoring, classification=False)
        parse_rule(self.rule)
        check_choice(self.simplest, ("nonzeros", "lam"), "simplest")
        check_choice(self.cv_average, CV_AVERAGES, "cv_average")
        if is_dask_input(X, y, sample_weight):
            data = enet_cv_data(self, X, y, sample_weight, groups, score, cv_tol, max_iter)
        else:
            data = self._memory_data(X, y, sample_weight, groups, score, cv_tol, max_iter)
        full, engine, n_repeats, f, p = data.full, data.engine, data.n_repeats, data.f, data.p
        n_folds = len(engine.folds)
        n_paths = len(ratios) * n_folds
        bar = data.bar

        # per l1_ratio: the grid, the all-data path and the fold scores, extended together
        curves = [{"grid": np.empty(0), "beta": np.empty((0, p)), "n_iter": np.empty(0, int),
                   "dev_ratio": np.empty(0), "scores": np.empty((0, n_folds))}
                  for _ in ratios]

        def walk(r, lams):
            """Walk ``lams`` at ratio r on all data and in every fold, continuing each path."""
            c, rho = curves[r], ratios[r]
            resume = c["grid"].size > 0
            path = enet_path(full, lams, l1_ratio=rho, penalty_factor=f, tol=tol,
                             max_iter=max_iter, beta0=c["beta"][-1] if resume else None,
                             lam_prev=c["grid"][-1] if resume else None)
            c["grid"] = np.concatenate([c["grid"], lams])
            c["beta"] = np.vstack([c["beta"], path.beta])
            c["n_iter"] = np.concatenate([c["n_iter"], path.n_iter])
            c["dev_ratio"] = np.concatenate([c["dev_ratio"], path.dev_ratio])
            cands = [{"lam": float(v), "l1_ratio": rho} for v in lams]
            c["scores"] = np.vstack([c["scores"], engine.scores(cands)])

        def result():
            lams_all = np.concatenate([c["grid"] for c in curves])
            nnz = np.concatenate([np.count_nonzero(c["beta"], axis=1) for c in curves]).astype(float)
            params = [{"lam": float(v), "l1_ratio": rho} for c, rho in zip(curves, ratios)
                      for v in c["grid"]]
            return make_result(lams_all, rule=self.rule, scoring=score.name,
                               fold_scores=np.vstack([c["scores"] for c in curves]),
                               complexity=nnz if self.simplest == "nonzeros" else None,
                               df=nnz, params=params, n_repeats=n_repeats,
                               fold_weights=data.fold_weights)

        def locate(index):
            return divmod(int(index), curves[0]["grid"].size)   # every ratio's grid: one length

        def choose():
            res, sel = result()
            return sel, curves[locate(res.index_min)[0]]["grid"]

        def extend(new, side):
            """Every ratio's grid one decade further down, at its own spacing."""
            bar.add_total(n_paths)
            for r, c in enumerate(curves):
                step = c["grid"][-1] / c["grid"][-2]
                walk(r, c["grid"][-1] * step ** np.arange(1, new.size + 1))

        with bar:
            grids = [self._grid(data, rho) for rho in ratios]
            size = grids[0].size
            user_grid = not isinstance(self._lams, int)
            step = _EXIT_CHUNK if self.early_exit and not user_grid else size
            stop = 0
            exited = False
            while stop < size:
                start, stop = stop, min(stop + step, size)
                if start > 0:
                    bar.add_total(n_paths)                 # the bar counts path segments
                for r in range(len(ratios)):
                    walk(r, grids[r][start:stop])
                if self.early_exit and stop < size and _exhausted(curves):
                    exited = True
                    break
            if user_grid and np.unique(self._lams).size > 1 and not exited:
                warn_on_edge(choose()[0], np.concatenate([c["grid"] for c in curves]))
            elif not user_grid and curves[0]["grid"].size > 1 and not exited:
                sel, _, still = extend_while_on_edge(curves[0]["grid"], extend, choose,
                                                     decades=1.0, max_extensions=_MAX_EXTENSIONS,
                                                     sides=("low",))
                if still:
                    warn_user(
                        f"the best λ ({sel.lam_min:.4g}) is still the smallest of the automatic "
                        f"grid after extending it {_MAX_EXTENSIONS} decades; the optimum may lie "
                        "below it: pass a smaller lam_min_ratio (or a grid as lams)",
                        UserWarning)
            res, sel = result()
        r_idx, l_idx = locate(res.index)
        self.cv_results_ = res
        self.lam_, self.l1_ratio_ = float(curves[r_idx]["grid"][l_idx]), ratios[r_idx]
        self.lam_min_, self.lam_1se_ = sel.lam_min, sel.lam_1se
        self.lams_ = np.array([c["grid"] for c in curves])
        self.coef_path_ = np.array([full.to_original(c["beta"])[0] for c in curves])
        # polish the chosen model (one warm-started λ) to tol / 1000
        lam_sel = self.lam_
        best = enet_path(full, [lam_sel], l1_ratio=ratios[r_idx], penalty_factor=f,
                         tol=tol * 1e-3, max_iter=max_iter,
                         beta0=curves[r_idx]["beta"][l_idx], lam_prev=lam_sel)
        coef, intercept = full.to_original(best.beta[0])
        data.finish(coef, intercept)
        self.n_iter_ = int(curves[r_idx]["n_iter"][l_idx] + best.n_iter[0])
        return self
