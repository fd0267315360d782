r"""L2 logistic regression with λ chosen by cross-validation: :class:`LogisticRegressionCV`.

Each fold is a warm-started path (:class:`_LogisticFold`) run by the engine of
:mod:`shrinkage.selection.engine`; the default grid is glmnet's ridge grid
(:func:`~shrinkage.selection.grid.l2_grid_top`), extended two decades at a time past the edge
where the best λ sits (:func:`~shrinkage.selection.grid.extend_while_on_edge`). The objective
and the solvers are those of :class:`~shrinkage.LogisticRegression`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from numbers import Integral, Real

import numpy as np

from .._docs import fill_doc
from .._threads import one_blas_thread, threads_for
from .._validation import check_choice, check_lams, check_offset, store_init_args
from ..selection.engine import CV_AVERAGES, FoldEngine, fold_weights, make_result, make_splits
from ..selection.evidence import logistic_evidence_lam
from ..selection.grid import extend_while_on_edge, logistic_grid, smooth_grid_top
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule, warn_on_edge
from ..selection.scoring import get_scores
from ..solvers.objective import logistic_objective, smooth_effective_df
from ..solvers.smooth import solve_smooth, solve_smooth_path
from ._summary import CoefficientSummary
from ._dask import is_dask_input
from ._dask_logistic import logistic_cv_parts
from ._enet import relax_gamma
from ._logistic import LogisticBase, check_params, prepare, proba_from_eta
from ._logistic_cv_sparse import fit_sparse_logistic_cv, l1_ratios
from .._warnings import warn_user

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, ClassWeight, CVLike, MatrixLike, RandomState, Scoring
    from typing_extensions import Self

__all__ = ["LogisticRegressionCV"]

#: decades added by each extension of the automatic grid, and the most extensions
_DECADES, _MAX_EXTENSIONS = 2.0, 3
#: the fold paths' tolerance when ``cv_tol`` is None: this many times ``tol``
_CV_TOL_FACTOR = 1e2
#: early exit: the first stretch walks this fraction of the grid, the next ones this many λ;
#: the curve has turned when this many last λ all score below the best by more than its se
_FIRST, _STRETCH, _TURNED = 0.5, 4, 3


def _turned(fold_scores) -> bool:
    """The CV curve has clearly turned: its last :data:`_TURNED` mean scores (the smallest λ so
    far) all lie below the best mean by more than the best's standard error, and the best is
    above them."""
    n_lams, k = fold_scores.shape
    if k < 2 or n_lams <= _TURNED:
        return False
    mean = fold_scores.mean(axis=1)
    if not np.any(np.isfinite(mean)):
        return False
    best = int(np.nanargmax(mean))
    se = fold_scores[best].std(ddof=1) / np.sqrt(k)
    return n_lams - 1 - best >= _TURNED and bool(np.all(mean[-_TURNED:] < mean[best] - se))


def _walk(engine, lams, prev, early, bar, n_folds):
    """Score ``lams`` (decreasing, all below the λ of ``prev``) on every fold, walking down.

    With ``early`` the grid is walked in stretches (the first :data:`_FIRST` of it, then
    :data:`_STRETCH` λ at a time; each fold's path continues where it stopped) and the walk
    stops once the curve has turned (:func:`_turned`). ``prev``: ``(lams, values)`` already
    scored above. Returns the λ scored (``prev``'s first) and their values, shape
    (n_scores, n_lams, n_folds).
    """
    done_l = [] if prev is None else [prev[0]]
    done_v = [] if prev is None else [prev[1]]
    if early:
        first = max(_TURNED + 1, int(np.ceil(_FIRST * lams.size))) if prev is None else _STRETCH
        parts = np.split(lams, list(range(first, lams.size, _STRETCH)))
    else:
        parts = [lams]
    for i, part in enumerate(parts):
        done_l.append(part)
        done_v.append(np.stack(engine.score_all(part)))
        if early and i < len(parts) - 1 and _turned(np.concatenate(done_v, axis=1)[0]):
            bar.add_total(-n_folds * sum(len(p) for p in parts[i + 1:]))
            break
    return np.concatenate(done_l), np.concatenate(done_v, axis=1)


def walk_fold_path(fold, obj, lams, solver, tol, max_iter):
    """Walk a fold's warm-started path over ``lams`` on its objective ``obj``, continuing below
    the smallest λ walked so far (``fold.last``: λ, θ, Hessian) and recording each λ's
    iterations (``fold.n_iter``) and, where ``fold.keep_coefs``, solutions (``fold.coefs``)."""
    down = fold.last is not None and lams[0] < fold.last[0]
    results = solve_smooth_path(obj, lams, solver=solver, tol=tol, max_iter=max_iter,
                                theta0=fold.last[1] if down else None, warn=False,
                                hessian=fold.last[2] if down else None)
    if fold.last is None or lams[-1] < fold.last[0]:
        fold.last = (float(lams[-1]), results[-1].theta, results[-1].hessian)
    for lam, r in zip(lams, results):
        fold.n_iter[float(lam)] = int(r.n_iter)
        if fold.keep_coefs:
            fold.coefs[float(lam)] = (r.coef, r.intercept)
    return results


class _LogisticFold:
    """One fold's warm-started λ path; ``predict(lams)`` gives held-out class probabilities
    (n_test, L, K).

    Walking below the smallest λ done so far continues from that solution; a grid above it is
    walked from the top (zeros). Kept per λ: the solver's iterations (``n_iter``) and, for the
    first fold, the solutions (``coefs``, the refit's warm start). The training rows' column
    statistics are kept too, so that each stretch of the grid (the early exit walks it in
    stretches) costs no more than the rows' copy.
    """

    def __init__(self, X, Y, s, train, test, settings, keep_coefs=False, offset=None):
        self.X, self.Y, self.s, self.train, self.test = X, Y, s, train, test
        self.offset = offset             # (n,) added to η (two classes), or None
        self.settings, self.keep_coefs = settings, keep_coefs
        self.last = None                 # (λ, θ, data Hessian) at the smallest λ walked
        self.n_iter, self.coefs = {}, {}
        self.stats = None

    def state(self):
        return self.last, self.n_iter, self.coefs, self.stats

    def set_state(self, state):
        self.last, self.n_iter, self.coefs, self.stats = state

    def predict(self, lams):
        pf, fit_intercept, standardize, solver, tol, max_iter = self.settings
        lams = np.asarray(lams, dtype=float)
        s_tr = None if self.s is None else self.s[self.train]
        obj = logistic_objective(self.X[self.train], self.Y[self.train], s_tr, lams[0], pf,
                                 fit_intercept, standardize, stats=self.stats)
        obj.offset = None if self.offset is None else self.offset[self.train]
        self.stats = (obj.m if fit_intercept else np.zeros(obj.p), obj.s)
        results = walk_fold_path(self, obj, lams, solver, tol, max_iter)
        del obj
        # every λ's held-out linear predictor in one product (n_test, L·K)
        W = np.concatenate([r.coef for r in results])            # (L·K, p)
        b = np.concatenate([r.intercept for r in results])
        eta = self.X[self.test] @ W.T + b
        if self.offset is not None:
            eta = eta + self.offset[self.test][:, None]
        L, K = len(results), results[0].coef.shape[0]
        P = proba_from_eta(eta.reshape(-1, K))
        return P.reshape(eta.shape[0], L, P.shape[1])


@fill_doc
class LogisticRegressionCV(CoefficientSummary, LogisticBase):
    r"""Logistic regression (L2, or elastic net with ``l1_ratio``) with λ (and ``l1_ratio``)
    chosen by K-fold cross-validation, then refit on all data.

    Each fold standardizes with its own training rows (honest CV) and walks the λ grid from the
    largest value down, warm-starting every fit at the previous solution and reusing the
    Newton Hessian (a few cheap steps per λ; :func:`~shrinkage.solvers.smooth.solve_smooth_path`).
    Scores are averaged over folds (unweighted); their standard error is the sample standard
    deviation of the fold scores over ``√n_folds``. The final model is refit on all rows at the
    chosen λ at ``tol``, warm-started at the first fold's solution; with ``compute_df=True``
    the same warm-started path is walked on all rows instead, which gives the effective degrees
    of freedom at every λ (``cv_results_["df"]``) and the refit's starting point.

    **Early exit** (``early_stopping=True``). The grid is walked in stretches (its first half,
    then four λ at a time, every fold continuing its path where it stopped), and the walk stops
    once the curve has clearly turned: the mean scores of the last three λ all lie below the
    best mean so far by more than the best's standard error. The λ below are not evaluated
    (``cv_results_`` holds the λ that were). A λ below could then be chosen only if the curve
    rose again by more than a standard error, which an L2 path does not do in practice; the
    "1se" rules never choose below the best. Off for a callable ``rule`` (it may want the
    whole curve) and with ``early_stopping=False``. When the best λ is the smallest of the
    automatic grid, the grid is extended below it as before, walked with the same rule.

    **Elastic net** (``l1_ratio > 0``, or a list of ratios; glmnet's ``cv.glmnet`` with
    ``alpha``). For each ratio ρ every fold walks a λ grid from ``λ_max(ρ)`` (every penalized
    coefficient zero, on all rows; for ρ < 0.001 that of ρ = 0.001) down, each fit
    warm-started at the previous one (proximal Newton with coordinate descent, binary or the
    full softmax, as :class:`LogisticRegression` with ``l1_ratio``), and the (ρ, λ) pair with
    the best mean score (or by ``rule``) is refit on all rows. The default grid (``lams``
    values down to ``1e-4·λ_max``, ``1e-2·λ_max`` when ``n ≤ p``, as glmnet) is extended a
    decade at a time (at most three) while the best λ is its smallest; ``early_stopping`` and
    ``compute_df`` apply to the L2 path only; sparse ``X`` is taken (each fold's path on
    the CSC columns, never densified). With
    ``relax`` each fold's path solutions are relaxed before they are scored, so the λ chosen
    is the best for the relaxed model (as :class:`~shrinkage.ElasticNetCV`).

    **Tolerances.** ``tol`` is the refit's: it stops when the largest partial derivative of the
    objective (the mean loss plus the penalty) with respect to a standardized coefficient or an
    intercept is at most ``tol`` (:mod:`shrinkage.solvers.smooth`; a relative measure, since
    the loss is a mean: glmnet's ``thresh`` bounds the change of the deviance instead). The
    fold paths only need the held-out scores and stop at ``cv_tol`` (default ``100·tol``,
    1e-6 at the default ``tol``, as :class:`~shrinkage.ElasticNetCV`): on a 40,000-row table
    of ``benchmarks/defaults_logistic.py`` the fold scores at ``1e-6`` differ from those at
    ``1e-9`` by at most 4e-7 (at ``1e-5``: 4e-6; the standard error of the best mean score is
    4e-3) for 40 % fewer Newton steps (56 % at ``1e-5``), and the chosen λ is the same.

    Parameters
    ----------
    lams : int or array-like of shape (n_lams,), default=20
        An int is the size of the automatic grid: geometric from ``λ_max`` (where every
        standardized coefficient is about 1e-3, as glmnet's ridge grid; see
        :func:`~shrinkage.selection.grid.l2_grid_top`) down to ``1e-4·λ_max``. When the best λ sits
        on an edge of the automatic grid the grid is extended by two decades beyond it (rounded up
        to whole steps of its spacing; at most three times). A user grid is used as given, with a
        warning when the best λ is on its edge. 20 values (five per decade): on the same
        table the chosen model's held-out log-loss is within 2e-5 of the 100-value grid's
        (10 values: also 2e-5; both at ``cv_tol=1e-5``) for a quarter of the Newton steps.
    cv : int, "evidence", fold ids, splitter or iterable of (train, test), default=5
        An int gives stratified K-fold (shuffled only when ``random_state`` is set; grouped
        when ``groups`` is passed to ``fit``); a 1-D integer array gives fixed fold ids;
        ``RepeatedStratifiedKFold`` repeats are recognised. ``"evidence"``: the λ maximizing
        the Laplace-approximated marginal likelihood (empirical Bayes, see
        :mod:`shrinkage.selection.evidence`), found continuously.
    rule : "min", "1se", "ksse" (e.g. "2se"), float or callable, default="min"
        "min": the best mean score; "1se": the largest λ whose mean score is within one
        standard error of the best (``k`` standard errors for "ksse" or a number); a callable
        receives the :class:`~shrinkage.selection.CVResult` and returns an index.
    scoring : str, callable, list or dict of them, default=None
        "neg_log_loss" (default), "accuracy", "neg_brier_score" and "roc_auc" are computed
        here; any other name goes through :func:`sklearn.metrics.get_scorer` (``"f1"``,
        ``"balanced_accuracy"``, ...); a scorer (``make_scorer``) is called with its sign and
        response method (labels, probabilities or log-odds); a plain callable
        ``f(y_true, y_pred) -> float`` receives class labels and must be higher is better (see
        :func:`~shrinkage.selection.get_score`). Several metrics (a list, or a dict
        name -> metric): the first chooses λ, the others are computed from the same held-out
        probabilities into ``cv_results_["extra_scores"]`` ({name: (n_lams, n_folds)}), and
        ``to_frame()`` shows ``mean_<name>`` and ``se_<name>``.
    fit_intercept, standardize, penalty_factor, solver, tol, max_iter, class_weight
        As in :class:`LogisticRegression` (the class weights also weigh the fold scores, as
        ``sample_weight`` does). ``tol`` applies to the refit on all rows.
    l1_ratio : float or list of float, default=0.0
        Our ``ρ`` (``1`` = lasso; see :class:`LogisticRegression`), or several ratios to choose
        from (the elastic-net paths above). glmnet's ``alpha = a`` is ``ρ = 2a/(1+a)``, its
        ``lambda`` ``λ = λ_g(1+a)/2`` (``convert_strength(source="glmnet-binomial")``).
    relax : bool or float, default=False
        With ``l1_ratio > 0``: glmnet's relaxed fit, ``True`` or γ in [0, 1], as in
        :class:`LogisticRegression`; the folds are relaxed too.
    cv_average : {"mean", "weighted"}, default="mean"
        How fold scores are averaged: the plain mean over folds with the standard error
        ``std(ddof=1)/√K``, or glmnet's ``cv.glmnet``: weighted by each test fold's total
        sample weight, with the standard error ``√(Σ w_k (s_k − m)² / Σ w_k / (K − 1))``.
        With ``scoring="neg_log_loss"`` (the default), ``cv_average="weighted"`` and
        ``rule="1se"``, ``−2 · mean_score`` is ``cv.glmnet(family="binomial",
        type.measure="deviance")``'s ``cvm`` given its ``foldid`` and ``lambda``, and
        ``lam_min_`` / ``lam_`` its ``lambda.min`` / ``lambda.1se``.
    cv_tol : float, default=None
        The fold paths' tolerance (same measure as ``tol``); None: ``100·tol``.
    early_stopping : bool, default=True
        Stop walking down the grid once the CV curve has clearly turned (see above).
    n_jobs : int, default=None
        Folds in parallel worker processes, through the engine of
        :mod:`shrinkage.selection.engine` (BLAS limited to one thread per worker; a
        ``joblib.parallel_config`` backend applies).
    progress : bool, default=False
        A progress bar on stderr over the fold × λ fits (and the all-data path), advancing as
        each fold's path finishes (:class:`~shrinkage.selection.ProgressBar`).
    compute_df : bool, default=False
        Fill ``cv_results_["df"]``: walk the λ evaluated on all rows (at ``cv_tol``) and form
        the Hessian at each solution, which gives the df there and is the first Newton matrix
        of the next λ; the refit finishes from the chosen λ's solution, and its own df (at
        ``tol``) replaces that entry. About one more fold's path plus a Hessian per λ (see
        ``benchmarks/results/defaults_logistic.md``); off by default, ``"df"`` is then NaN.
    random_state : int, default=None
        Shuffles the stratified folds when set (``StratifiedKFold(cv, shuffle=True,
        random_state=random_state)``); ``None`` keeps the rows in order
        (``StratifiedKFold(cv)``).
    {exclude}

    Attributes
    ----------
    lam_ : float
        The chosen λ (by ``rule``).
    lam_min_, lam_1se_ : float
    l1_ratio_ : float
        The chosen ratio (0 on the L2 path).
    lams_ : ndarray of shape (n_l1_ratios, n_lams)
        Elastic net only: the grid walked for each ratio.
    scores_ : ndarray of shape (n_l1_ratios, n_lams, n_folds)
        Elastic net only: the fold scores of the first metric, by ratio and λ
        (``cv_results_["fold_scores"]``, whose rows are the (ρ, λ) candidates ratio by ratio,
        each λ falling; ``cv_results_["params"]`` names them).
    penalized_coef_, penalized_intercept_ : ndarray
        Elastic net only: the refit's penalized solution (``coef_`` unless ``relax``).
    cv_results_ : :class:`~shrinkage.selection.CVResult`
        A dict: ``"lam"`` (n_lams,) in decreasing order, ``"mean_score"`` (n_lams,),
        ``"se_score"`` (n_lams,), ``"fold_scores"`` (n_lams, n_folds), ``"n_iter"``
        (n_lams, n_folds), ``"df"`` (n_lams,): with ``compute_df=True`` the effective degrees
        of freedom of the fit on all rows, else NaN (:func:`~shrinkage.diagnostics.logistic_effective_df`; NaN where the solver's
        "auto" rule would not form the Hessian, ``p + 1 > 1500`` for two classes or
        ``K(p + 1) > 200`` for the softmax, as forming it per λ would then cost more than the
        cross-validation), ``"params"``,
        ``"complexity"``, ``"scoring"`` (str) and, with several metrics,
        ``"extra_scores"``; ``.reason`` says why ``lam_`` was chosen, ``.to_frame()`` gives a
        DataFrame.
    classes_, coef_, intercept_, n_iter_, solver_, n_features_in_, feature_names_in_
        As in :class:`LogisticRegression`, for the refit at ``lam_``.

    Examples
    --------
    >>> from sklearn.datasets import load_breast_cancer; from shrinkage import LogisticRegressionCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = LogisticRegressionCV(lams=20, cv=5).fit(X, y)
    >>> n_lams = len(clf.cv_results_["lam"])   # 20, or more if the grid was extended
    >>> clf.cv_results_["fold_scores"].shape == (n_lams, 5)
    True
    >>> bool(clf.score(X, y) > 0.95)
    True

    Sparse paths for two ratios, the ratio chosen with λ:

    >>> import numpy as np
    >>> sparse = LogisticRegressionCV(lams=20, l1_ratio=[0.5, 1.0], cv=5).fit(X, y)
    >>> sparse.scores_.shape, sparse.l1_ratio_ in (0.5, 1.0)
    ((2, 20, 5), True)
    >>> bool(0 < np.count_nonzero(sparse.coef_) < X.shape[1])
    True
    """

    _accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def __init__(self, lams: int | ArrayLike = 20, *, cv: CVLike = 5, rule: str = "min",
                 scoring: Scoring = None, fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor: ArrayLike | None = None,
                 solver: str = "auto", tol: float = 1e-8, max_iter: int | None = None,
                 n_jobs: int | None = None, progress: bool = False, compute_df: bool = False,
                 random_state: RandomState = None, class_weight: ClassWeight = None,
                 cv_tol: float | None = None, early_stopping: bool = True,
                 l1_ratio: float | ArrayLike = 0.0, relax: bool | float = False,
                 cv_average: str = "mean", exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    def _splits(self, X, y_idx, groups):
        cv = self.cv
        if isinstance(cv, Integral) and not isinstance(cv, bool) and groups is None and cv >= 2:
            counts = np.bincount(y_idx)
            if counts.min() < 2:
                raise ValueError(
                    "a class has a single sample: the fold that tests it trains without any "
                    "example of it; drop that class or gather more rows of it")
            if counts.min() < cv:      # as scikit-learn's StratifiedKFold: every training part
                warn_user(             # still holds every class, some test parts lack one
                    f"the smallest class has {counts.min()} samples, fewer than cv={cv} folds: "
                    "some test folds hold none of it; consider fewer folds", UserWarning)
        return make_splits(cv, X, y_idx, groups, classification=True,
                           random_state=self.random_state)

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            groups: ArrayLike | None = None, offset: ArrayLike | None = None) -> Self:
        """Cross-validate λ over the grid, then refit on all rows at ``lam_``.

        {params: X, y}
        sample_weight : array-like of shape (n_samples,), default=None
            Used in every fit and in the fold scores.
        {groups}
        {offset}
            Two classes only; each fold fits with its training rows' offset and predicts
            its held-out rows with theirs (K-fold; not with ``cv="evidence"`` or Dask data).

        {returns_self}
        """
        check_params(self)
        parse_rule(self.rule)
        check_choice(self.cv_average, CV_AVERAGES, "cv_average")
        lams = check_lams(self.lams)
        if offset is not None and (is_dask_input(X, y, sample_weight) or
                                   (isinstance(self.cv, str) and self.cv == "evidence")):
            raise ValueError("offset= is cross-validated by K-fold on data in memory; use "
                             "cv=5 (or fold ids) and data in memory, or subtract nothing")
        ratios = l1_ratios(self.l1_ratio)
        if ratios != [0.0] or relax_gamma(self.relax) < 1.0:     # sparse paths
            if relax_gamma(self.relax) < 1.0 and ratios == [0.0]:
                raise ValueError("relax refits on the support that an L1 part selects; with "
                                 "l1_ratio=0 every feature is kept: use l1_ratio > 0")
            if offset is not None:
                raise ValueError("offset= is cross-validated on the L2 path only: with an L1 "
                                 "part (l1_ratio > 0) fit without offset, or use l1_ratio=0")
            if is_dask_input(X, y, sample_weight) or (isinstance(self.cv, str)
                                                      and self.cv == "evidence"):
                raise ValueError("LogisticRegressionCV with an L1 part (l1_ratio > 0) "
                                 "cross-validates rows in memory: pass NumPy data and an "
                                 "integer cv or fold ids, or use l1_ratio=0")
            return fit_sparse_logistic_cv(self, X, y, sample_weight, groups, ratios, lams,
                                          self._cv_tol(float(self.tol)))
        self.l1_ratio_ = 0.0
        if isinstance(self.cv, str) and self.cv == "evidence":
            if is_dask_input(X, y, sample_weight):
                raise ValueError("cv='evidence' needs the rows in memory; on Dask data use "
                                 "K-fold (cv=5) or fold ids")
            return self._fit_evidence(X, y, sample_weight, lams)
        tol = float(self.tol)
        cv_tol = self._cv_tol(tol)
        solver = self.solver
        if is_dask_input(X, y, sample_weight):      # folds' Newton passes over the blocks
            scores = get_scores(self.scoring, classification=True)
            full, engine, n_repeats, classes = logistic_cv_parts(self, X, y, sample_weight,
                                                                  groups, scores, cv_tol)
            folds, solver = engine.folds, "newton-cholesky"
            if self.cv_average != "mean":
                raise ValueError("cv_average='weighted' needs the rows in memory; on Dask data "
                                 "the folds are averaged with cv_average='mean'")
            fw = None
            bar = ProgressBar(0, "cross-validation (fold × λ fits)", False)
        else:
            X, Y, y_idx, classes, s, pf = prepare(self, X, y, sample_weight)
            if offset is not None and classes.size > 2:
                raise ValueError(f"LogisticRegressionCV takes offset= for two classes; y has "
                                 f"{classes.size}: fit LogisticRegression(lam=…) with an "
                                 f"(n_samples, {classes.size}) offset instead")
            off = check_offset(offset, X.shape[0])
            scores = get_scores(self.scoring, classification=True, classes=classes)
            splits, n_repeats = self._splits(X, y_idx, groups)
            full = logistic_objective(X, Y, s, 1.0, pf, self.fit_intercept, self.standardize)
            full.offset = off
            settings = (pf, self.fit_intercept, self.standardize, self.solver, cv_tol,
                        self.max_iter)
            folds = [_LogisticFold(X, Y, s, tr, te, settings, keep_coefs=(k == 0), offset=off)
                     for k, (tr, te) in enumerate(splits)]
            Y_eval = np.column_stack([1.0 - Y, Y]) if Y.ndim == 1 else Y
            bar = ProgressBar(0, "cross-validation (fold × λ fits)", self.progress)
            engine = FoldEngine(folds, splits, Y_eval, scores, s, self.n_jobs,
                                prefer="processes", bar=bar)
            fw = fold_weights(self.cv_average, splits, s)
        auto = isinstance(lams, int)
        if auto:
            lams = logistic_grid(smooth_grid_top(full), lams)
        bar.add_total(len(folds) * len(lams))
        early = bool(self.early_stopping) and not callable(self.rule)
        with bar:
            lams, values = _walk(engine, lams, None, early, bar, len(folds))

            def choose():
                return make_result(lams, rule=self.rule, scoring="", fold_scores=values[0])[1], lams

            def extend(new, side):
                nonlocal lams, values
                bar.add_total(len(folds) * new.size)
                if side == "low":
                    lams, values = _walk(engine, new, (lams, values), early, bar, len(folds))
                    return
                more = np.stack(engine.score_all(new))
                lams = np.concatenate([new, lams])
                values = np.concatenate([more, values], axis=1)

            if auto:
                sel, lams, _ = extend_while_on_edge(lams, extend, choose, decades=_DECADES,
                                                    max_extensions=_MAX_EXTENSIONS)
            path = None
            if self.compute_df:       # the all-data path: df along the grid, and the refit
                bar.add_total(len(lams))
                path = solve_smooth_path(full, lams, solver=solver, tol=cv_tol,
                                         max_iter=self.max_iter, warn=False, df=True)
                bar.update(len(lams))
        df = np.array([r.df for r in path]) if path is not None else np.full(lams.size, np.nan)
        extra = {sc.name: values[m] for m, sc in enumerate(scores) if m > 0}
        result, sel = make_result(lams, rule=self.rule, scoring=scores[0].name,
                                  fold_scores=values[0], df=df, n_repeats=n_repeats,
                                  extra=extra, fold_weights=fw)
        if not auto:
            warn_on_edge(sel, lams)
        result["n_iter"] = np.array([[f.n_iter[float(lam)] for f in engine.folds] for lam in lams])
        self.cv_results_ = result
        self.lam_min_, self.lam_1se_ = sel.lam_min, sel.lam_1se
        full.set_lam(sel.lam)
        if path is not None:        # finish at tol from the path's solution at cv_tol
            theta0 = path[sel.index].theta
        else:                       # refit, warm-started at the first fold's solution
            W0, b0 = engine.folds[0].coefs[float(sel.lam)]
            theta0 = full.from_original(W0, b0)
        res = solve_smooth(full, theta0=theta0, solver=solver, tol=tol,
                           max_iter=self.max_iter)
        if path is not None and np.isfinite(df[sel.index]):   # df of the refit itself
            with one_blas_thread() as threads:
                H = full.data_hessian(res.theta, threads=threads_for(threads, full.n * full.p ** 2 // 2))
                result["df"][sel.index] = smooth_effective_df(full, H)
        self._set_fitted(res, classes, sel.lam)
        return self

    def _cv_tol(self, tol):
        if self.cv_tol is None:
            return _CV_TOL_FACTOR * tol
        c = self.cv_tol
        if isinstance(c, bool) or not isinstance(c, Real) or not c > 0:
            raise ValueError(f"cv_tol must be a positive number or None, got {c!r}")
        return float(c)

    def _fit_evidence(self, X, y, sample_weight, lams):
        """λ maximizing the Laplace-approximated evidence (see :mod:`shrinkage.selection.evidence`)."""
        if self.rule != "min":
            raise ValueError("rule applies to cross-validation; cv='evidence' takes the λ that "
                             "maximizes the marginal likelihood (use rule='min')")
        X_, Y, y_idx, classes, s, pf = prepare(self, X, y, sample_weight)
        grid = None if isinstance(lams, int) else lams
        lam, info = logistic_evidence_lam(
            X_, classes[y_idx], grid, sample_weight=s, fit_intercept=self.fit_intercept,
            standardize=self.standardize, penalty_factor=pf, solver=self.solver, tol=self.tol,
            max_iter=self.max_iter)
        if info["on_edge"]:
            warn_user(f"the evidence is largest at the edge of the λ range ({lam:.4g}); the "
                      "data may hold no signal (λ → ∞) or need a wider grid", UserWarning)
        grid_lams = np.append(info["lams"], lam)
        order = np.argsort(-grid_lams, kind="stable")
        logev = np.append(info["log_evidence"], info["log_evidence_max"])[order]
        result, _ = make_result(grid_lams[order], rule="min", scoring="log_evidence", mean=logev,
                                se=np.full_like(logev, np.nan))
        result.reason = f"λ = {lam:.4g} maximizes the Laplace-approximated marginal likelihood"
        self.cv_results_ = result
        self.lam_min_ = self.lam_1se_ = lam
        full = logistic_objective(X_, Y, s, lam, pf, self.fit_intercept, self.standardize)
        theta0 = full.from_original(np.asarray(info["coef"]), np.asarray(info["intercept"]))
        res = solve_smooth(full, theta0=theta0, solver=self.solver, tol=float(self.tol),
                           max_iter=self.max_iter)
        self._set_fitted(res, classes, lam)
        return self
