"""Ridge regression estimators: :class:`Ridge` and :class:`RidgeCV`.

Both minimize the objective of :mod:`shrinkage.conventions` with squared error and
``l1_ratio = 0``; the maths lives in :mod:`shrinkage.solvers.ridge`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._docs import fill_doc
from .._validation import (check_lam, check_lams, check_penalty_factor, check_sample_weight,
                           check_tol, check_X_y, input_dtype, store_init_args)
from ..selection.engine import FoldEngine, make_result, make_splits
from ..selection.evidence import ridge_evidence_lam
from ..selection.grid import extend_while_on_edge, ridge_flat_limits, ridge_grid
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule, warn_on_edge
from ..selection.scoring import get_scores
from ..solvers.ridge import RidgeProblem, decompose, kfold_decompositions, solve_ridge
from ..solvers.ridge_sparse import (CG_TOL, GRAM_MAX_FEATURES, solve_sparse_ridge,
                                     sparse_decompose)
from ._base import LinearPredictor, kept_columns, minus_offset
from ._views import LinearViews
from .._warnings import warn_user
from .._params import ParamHints
from ..datafits import SquaredError
from ._summary import CoefficientSummary
from ._dask import fit_ridge, is_dask_input, ridge_cv_evaluator
from ._ridge_loo import _blocked_curves
from ._ridge_cg import SparseCGFold, SparseCGFull, sparse_cg_route

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, CVLike, MatrixLike, RandomState, Scoring
    from ..solvers.ridge import RidgeDecomposition
    from typing_extensions import Self

__all__ = ["Ridge", "RidgeCV"]

#: the automatic grid is extended by this many decades past its edge, at most this many times
_DECADES, _MAX_EXTENSIONS = 3.0, 5


class _RidgeBase(ParamHints, LinearViews, LinearPredictor, RegressorMixin, BaseEstimator):
    """Shared input handling and prediction."""

    _accepts_sparse = False

    def _validate(self, X, y, sample_weight):
        X, y = check_X_y(self, X, y, multi_output=True, y_numeric=True, dtype=np.float64)
        if sp.issparse(X) and sp.issparse(y):
            raise TypeError("y is a sparse matrix; pass a dense 1-D or 2-D target")
        if y.ndim == 2 and y.shape[1] == 0:
            raise ValueError("y has no columns; pass at least one target")
        if X.shape[0] < 2 and self.fit_intercept:
            raise ValueError(f"ridge with an intercept needs at least 2 samples, got "
                             f"n_samples={X.shape[0]}; add rows or set fit_intercept=False")
        sw = check_sample_weight(sample_weight, X)
        f = check_penalty_factor(self.penalty_factor, X.shape[1])
        return X, y, sw, f

    def _summary_datafit(self, y, s):
        """For :meth:`summary`: the squared error, one target."""
        y = np.asarray(y, dtype=np.float64)
        if y.ndim == 2 and y.shape[1] == 1:
            y = y[:, 0]
        return SquaredError(), y, s

    def _set_coef(self, coef, intercept, y_ndim, dtype=np.float64):
        # coef (t, p), intercept (t,) -> scikit-learn shapes: (p,) and float for 1-D y; float32
        # X gives float32 coefficients (computed in float64)
        coef, intercept = np.asarray(coef).astype(dtype), np.asarray(intercept).astype(dtype)
        if y_ndim == 1:
            self.coef_ = coef[0]
            self.intercept_ = float(intercept[0]) if dtype == np.float64 else intercept[0]
        else:
            self.coef_, self.intercept_ = coef, intercept

    @fill_doc
    def decompose(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None, *,
                  lam_min: float | None = None) -> RidgeDecomposition:
        """The decomposition of ``(X, y)`` with this estimator's settings, which gives the
        coefficients, degrees of freedom and predictions for any λ grid at once
        (:class:`~shrinkage.solvers.ridge.RidgeDecomposition`: ``path(lams)``, ``df(lams)``,
        ``grid_predictor(X_new).predict(lams)``).

        {params: X, y_targets, sample_weight}
        lam_min : float, optional
            The smallest λ that will be asked for (an ill-conditioned design then gets an SVD).
        """
        with kept_columns(self, X) as (X, _):
            return self._decompose(X, y, sample_weight, lam_min)

    def _decompose(self, X, y, sample_weight, lam_min):
        if sp.issparse(X):
            raise TypeError("decompose needs a dense X (the decomposition is dense); pass "
                            "X.toarray(), or fit Ridge on the sparse X")
        X = np.asarray(X, dtype=np.float64)
        f = check_penalty_factor(self.penalty_factor, X.shape[1])
        prob = RidgeProblem.build(X, np.asarray(y, dtype=np.float64), sample_weight,
                                  fit_intercept=self.fit_intercept, standardize=self.standardize,
                                  penalty_factor=f)
        return decompose(prob, alpha_min=None if lam_min is None else prob.S * float(lam_min))

    def effective_df(self, X: MatrixLike = None,
                     sample_weight: ArrayLike | None = None) -> float:
        """Effective degrees of freedom ``Σ d²/(d² + Sλ)`` of the fit (``df_``). A fit on sparse
        ``X`` solved by conjugate gradients has no ``df_``: given the training ``X`` (and
        ``sample_weight``) with at most 2048 columns, they are computed from its Gram matrix."""
        check_is_fitted(self, "coef_")
        if hasattr(self, "df_"):
            return self.df_
        if X is not None and sp.issparse(X) and X.shape[1] <= GRAM_MAX_FEATURES:
            f = check_penalty_factor(self.penalty_factor, X.shape[1])
            dec = sparse_decompose(X, np.zeros(X.shape[0]), sample_weight,
                                   fit_intercept=self.fit_intercept,
                                   standardize=self.standardize, penalty_factor=f)
            df = dec.df(np.ravel(self.lam_))
            return float(df[0]) if np.ndim(self.lam_) == 0 else df
        raise ValueError(
            "the effective degrees of freedom of a fit on sparse X solved by conjugate gradients "
            "are not computed (they need a p × p factorization); pass the training X to "
            f"effective_df (up to {GRAM_MAX_FEATURES} columns), or fit on X.toarray() if it "
            "fits in memory")

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.target_tags.multi_output = True
        return tags


@fill_doc
class Ridge(CoefficientSummary, _RidgeBase):
    r"""Linear least squares with an L2 penalty, solved exactly.

    Minimizes ``(1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j w_j²`` (see
    :mod:`shrinkage.conventions`; no ½ in the loss, a mean over samples). scikit-learn's
    ``Ridge(alpha)`` is ``lam = alpha / n_samples`` with ``standardize=False``.

    Parameters
    ----------
    lam : float or array-like of shape (n_targets,), default=0.01
        Strength ``λ ≥ 0``, one per target if an array. ``0`` gives the minimum-norm
        least-squares solution. The default is mild shrinkage on standardized features.
    fit_intercept : bool, default=True
        Fit an unpenalized intercept.
    standardize : bool, default=True
        Penalize the coefficients of the standardized features (weighted population standard
        deviation); ``coef_`` is always on the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        Per-feature factors ``f_j ≥ 0`` multiplying the penalty, used as given; ``0`` leaves a
        feature unpenalized.
    tol : float, default=1e-10
        Only for sparse ``X`` solved by conjugate gradients (see Notes): CG stops when the
        relative residual of the normal equations of the standardized problem,
        ``‖b − (G + λP) v‖ / ‖b‖``, is at most ``tol``. The coefficients' relative error is then
        at most ``cond(G + λP) · tol`` (about 1e-8 or better at the default for standardized
        columns and a moderate λ; lower ``tol`` for a tiny λ or collinear columns, raise it to
        trade accuracy for time as scikit-learn's ``tol=1e-4`` does). Dense ``X`` and the
        sparse Gram route are solved directly and ignore it.
    {exclude}

    Notes
    -----
    ``X`` may be a scipy sparse matrix or array (CSR or CSC; other formats are converted to
    CSR). It is never densified: centring and scaling enter the products
    (:mod:`shrinkage.solvers.ridge_sparse`), with the coefficients of the dense fit. Beyond 2048
    columns it is solved by conjugate gradients (CG) to the relative residual ``tol``. Up to
    2048 columns a cost rule chooses: CG runs first, for at most as many iterations as forming
    and factorizing the ``p × p`` Gram matrix would cost, and that exact route solves if CG has
    not converged by then (``n_iter_ == 1`` and ``df_`` set: see
    :func:`~shrinkage.solvers.ridge_sparse.cg_budget`).

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,) or (n_targets, n_features)
    intercept_ : float or ndarray of shape (n_targets,)
    lam_ : float or ndarray of shape (n_targets,)
        The strength used.
    df_ : float or ndarray of shape (n_targets,)
        Effective degrees of freedom ``Σ d²/(d² + Sλ)`` of the coefficients (intercept excluded).
        Not set for sparse ``X`` solved by conjugate gradients (a ``p × p`` factorization).
    n_iter_ : int
        1 (a direct solver); on sparse ``X`` solved by conjugate gradients, their iterations.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Defined when ``X`` has string column names.

    Examples
    --------
    >>> import numpy as np; from shrinkage import Ridge
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 7.0])
    >>> model = Ridge(lam=0.1).fit(X, y)
    >>> model.predict(X).round(2)
    array([1.27, 1.93, 4.  , 6.79])
    """

    _accepts_sparse = True

    def __init__(self, lam: float = 0.01, *, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 tol: float = CG_TOL, exclude: ArrayLike | None = None):
        store_init_args(self, locals())


    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def _lam_values(self, t):
        """The checked λ of each of ``t`` targets."""
        lam = np.asarray(self.lam, dtype=object)
        if lam.ndim == 0:
            return np.full(t, check_lam(self.lam))
        if lam.shape != (t,):
            raise ValueError(f"lam has shape {lam.shape} but y has {t} target(s); pass one "
                             "λ per target or a scalar")
        return np.array([check_lam(v) for v in lam])

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X, y_targets, sample_weight, offset}

        Returns
        -------
        self : Ridge
        """
        y = minus_offset(self, X, y, offset)
        tol = check_tol(self.tol)
        if is_dask_input(X, y, sample_weight):           # blockwise on the cluster
            coef, intercept, df, y_ndim = fit_ridge(self, X, y, sample_weight, self._lam_values)
            self._set_coef(coef, intercept, y_ndim)
            lam = self._lam_values(coef.shape[0])
            self.lam_ = float(lam[0]) if y_ndim == 1 else lam
            self.df_ = float(df[0]) if y_ndim == 1 else df
            self.n_iter_ = 1
            return self
        dtype = input_dtype(X)
        X, y, sw, f = self._validate(X, y, sample_weight)
        lam = self._lam_values(1 if y.ndim == 1 else y.shape[1])
        n_iter = 1
        if sp.issparse(X):
            coef, intercept, df, n_iter = solve_sparse_ridge(
                X, y, lam, sw, fit_intercept=self.fit_intercept, standardize=self.standardize,
                penalty_factor=f, tol=tol)
        else:
            prob = RidgeProblem.build(X, y, sw, fit_intercept=self.fit_intercept,
                                      standardize=self.standardize, penalty_factor=f)
            coef, intercept, df = solve_ridge(prob, lam)
        self._set_coef(coef, intercept, y.ndim, dtype)
        self.lam_ = float(lam[0]) if y.ndim == 1 else lam
        if df is not None:
            self.df_ = float(df[0]) if y.ndim == 1 else df
        elif hasattr(self, "df_"):
            del self.df_
        self.n_iter_ = n_iter
        return self


@fill_doc
class RidgeCV(CoefficientSummary, _RidgeBase):
    r"""Ridge regression with λ chosen by exact leave-one-out, GCV or K-fold cross-validation.

    One decomposition of the design serves the whole λ grid (see
    :mod:`shrinkage.solvers.ridge`): leave-one-out and GCV cost one eigendecomposition, K-fold
    one per fold. The objective is that of :class:`Ridge`.

    Parameters
    ----------
    lams : int or array-like of shape (n_lams,), default=100
        The λ grid, or its size. The default grid is geometric over six decades, from a λ at which
        the effective degrees of freedom are small (``10² · d²_max / S``) down; it is extended (up
        to five times, three decades each, rounded up to whole steps of its spacing) while the best
        λ sits on its edge, never past the λ range where the fit stops depending on λ to rounding
        (:func:`~shrinkage.selection.grid.ridge_flat_limits`): at most 350 values from the
        default 100. A user-given grid is never extended; a warning says when the best λ
        sits on its edge.
    cv : {"loo", "gcv"}, int, fold ids or cross-validation splitter, default="loo"
        ``"loo"``: exact leave-one-out, each fold at its own penalty ``(S − s_i)λ``.
        ``"gcv"``: generalized cross-validation. An int ``K``: K-fold, shuffled when
        ``random_state`` is set, grouped when ``groups`` is passed to ``fit``; a 1-D integer
        array of fold ids (or :class:`~shrinkage.selection.FoldIds`); any scikit-learn splitter
        (``RepeatedKFold`` repeats are recognised) or iterable of (train, test) indices.
        ``"evidence"``: the λ maximizing the exact marginal likelihood of the Gaussian model
        (empirical Bayes; see :mod:`shrinkage.selection.evidence`), found continuously, not
        only on the grid. In K-fold the standardization is computed on each training fold; in
        LOO, GCV and evidence it is computed once on all data and held fixed.
    rule : {"min", "1se"}, "ksse" (e.g. "2se"), float or callable, default="min"
        ``"min"``: the λ with the best mean score. ``"1se"``: the largest λ whose mean score is
        within one standard error of the best; ``"2se"`` or a number ``k``: within ``k``.
        A callable receives the :class:`~shrinkage.selection.CVResult` and returns an index.
    scoring : str, callable, list or dict of them, optional
        As in scikit-learn (see :func:`~shrinkage.selection.get_score`):
        ``"neg_mean_squared_error"`` (default), ``"neg_mean_absolute_error"`` and ``"r2"`` are
        computed along the whole path; any other name goes through
        :func:`sklearn.metrics.get_scorer`; a scorer (``make_scorer``) keeps its sign; a plain
        ``f(y_true, y_pred) -> float`` must be higher is better (a loss of
        :mod:`sklearn.metrics` passed that way is refused: wrap it in
        ``make_scorer(f, greater_is_better=False)``). ``"gcv"`` supports only the default.
        With LOO a non-pointwise score (r2, scorers, callables) is computed on the pooled
        predictions and has no standard error (``"1se"`` then equals ``"min"``). Several
        metrics (a list, or a dict name -> metric; K-fold and LOO): the first chooses λ, the
        others are computed from the same held-out predictions into
        ``cv_results_["extra_scores"]`` — per fold for K-fold, one pooled column for LOO — and
        ``to_frame()`` shows ``mean_<name>``.
    fit_intercept, standardize, penalty_factor
        As in :class:`Ridge`.
    n_jobs : int, optional
        K-fold folds in parallel threads, each limited to one BLAS thread.
    progress : bool, default=False
        Show a progress bar on stderr while K-fold folds are fitted and scored
        (:class:`~shrinkage.selection.ProgressBar`; LOO, GCV and evidence are one
        decomposition and show none).
    random_state : int, RandomState or None, default=None
        With an integer ``cv``, shuffle the rows before splitting, with this seed.
    {exclude}

    Notes
    -----
    ``X`` may be scipy sparse (CSR or CSC), never densified. LOO, GCV and the evidence
    decompose its implicitly centred and scaled Gram matrix once and form the leverages a block
    of rows at a time (:func:`~shrinkage.solvers.ridge_sparse.sparse_decompose`; unpenalized
    columns are projected out): up to 2048 columns; beyond, they are refused with a TypeError
    naming K-fold (``cv=5``). K-fold decomposes the folds' Gram moments up to 2048 columns when
    every training fold has at least as many rows as columns and no column is unpenalized;
    otherwise each fold is solved by conjugate gradients (relative residual 1e-10, as
    :class:`Ridge`), walking the λ grid from the largest λ down, each λ warm-started from the
    previous one, centred and scaled implicitly on the training fold: nothing of size
    ``p × p`` is formed (memory: a copy of each training fold's rows and a few vectors of
    length ``p``), the top of the automatic grid comes from the largest eigenvalue of the
    implicit Gram matrix (Lanczos), and ``df_`` and ``cv_results_["df"]`` are not computed
    (NaN).

    Attributes
    ----------
    lam_ : float
        The chosen λ (by ``rule``).
    lam_min_, lam_1se_ : float
        The λ with the best mean score, and the largest λ within one standard error of it
        (``k`` standard errors for a ``"ksse"`` rule).
    cv_results_ : :class:`~shrinkage.selection.CVResult`
        A dict: ``"lam"`` (largest first), ``"mean_score"``, ``"se_score"``, ``"df"``,
        ``"complexity"``, ``"params"``, ``"scoring"`` and for K-fold ``"fold_scores"``
        (n_lams, n_folds); ``.reason`` says why ``lam_`` was chosen, ``.to_frame()`` gives a
        DataFrame, ``.chosen_per_repeat()`` the stability of the choice under repeated K-fold.
    sigma2_ : ndarray of shape (n_targets,)
        With ``cv="evidence"`` only: the noise variance at ``lam_``.
    coef_, intercept_, df_, n_features_in_, feature_names_in_
        Of the refit on all data at ``lam_``; as in :class:`Ridge`.

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes; from shrinkage import RidgeCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = RidgeCV(cv="loo").fit(X, y)
    >>> bool(model.lam_1se_ >= model.lam_min_)
    True
    >>> round(float(model.score(X, y)), 2)
    0.52
    """

    #: sparse X: K-fold from the folds' Gram moments or by conjugate gradients per fold; LOO,
    #: GCV and evidence from the implicitly centred Gram, up to GRAM_MAX_FEATURES columns
    _accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def __init__(self, lams: int | ArrayLike = 100, *, cv: CVLike = "loo", rule: str = "min",
                 scoring: Scoring = None, fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor: ArrayLike | None = None, n_jobs: int | None = None,
                 progress: bool = False, random_state: RandomState = None,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            groups: ArrayLike | None = None, offset: ArrayLike | None = None) -> Self:
        """Choose λ by cross-validation, then refit on all data.

        {params: X, y_targets, sample_weight, groups, offset}

        Returns
        -------
        self : RidgeCV
        """
        y = minus_offset(self, X, y, offset)       # each fold fits its rows' y − offset
        if is_dask_input(X, y, sample_weight):
            return self._fit_dask(X, y, sample_weight, groups)
        X, y, sw, f = self._validate(X, y, sample_weight)
        if sw is not None and isinstance(self.cv, str) and np.any(sw == 0):
            # a row of weight 0 is a row left out (scikit-learn's convention): it changes
            # neither the fit nor a weighted score, and its leave-one-out residual would be 0/0
            keep = sw > 0
            X, y, sw = X[keep], y[keep], sw[keep]
        lams = check_lams(self.lams)
        scores = get_scores(self.scoring, classification=False)
        parse_rule(self.rule)
        build = dict(fit_intercept=self.fit_intercept, standardize=self.standardize,
                     penalty_factor=f)
        user_grid = not isinstance(lams, int)
        # Smallest λ evaluated: a user grid's minimum decides whether an ill-conditioned design
        # needs an SVD (see decompose). The automatic grid starts far above the eigenvalues
        # only an SVD resolves and always uses eigh; when it is extended below them, LOO/CV
        # scores there carry a relative error of about eps·d²_max/(Sλ).
        lam_floor = float(lams.min()) if user_grid else np.inf
        if isinstance(self.cv, str) and self.cv == "evidence":
            return self._fit_evidence(X, y, sw, build, lams if user_grid else None, lam_floor)
        full, evaluate, n_repeats = self._evaluator(X, y, sw, groups, build, scores, lam_floor)
        return self._select(full, evaluate, n_repeats, lams, scores, y.ndim)

    def _fit_dask(self, X, y, sample_weight, groups):
        """:meth:`fit` on Dask data (:mod:`shrinkage.linear_model._dask`): the decompositions
        come from Gram moments reduced over the blocks, the scores from blockwise sums."""
        lams = check_lams(self.lams)
        scores = get_scores(self.scoring, classification=False)
        parse_rule(self.rule)
        full, evaluate, n_repeats, y_ndim = ridge_cv_evaluator(
            self, X, y, sample_weight, groups, scores,
            extend=None if not isinstance(lams, int) else (_DECADES, _MAX_EXTENSIONS))
        if evaluate is None:                                  # cv="evidence"
            _evidence_rule(self.rule)
            return self._evidence_choice(full, None if isinstance(lams, int) else lams, y_ndim)
        return self._select(full, evaluate, n_repeats, lams, scores, y_ndim)

    def _select(self, full, evaluate, n_repeats, lams, scores, y_ndim):
        """Evaluate the grid (extending the automatic one while the best λ is on its edge),
        choose by ``rule`` and set the fitted attributes from ``full`` at the choice."""
        user_grid = not isinstance(lams, int)
        if not user_grid:
            lams = ridge_grid(full.d2.max() if full.d2.size else 1.0, full.problem.S, lams)
        curve = evaluate(lams)

        def choose():
            nonlocal result
            result, sel = self._result(curve, full, scores, n_repeats)
            return sel, curve["lam"]

        def extend(new, side):
            nonlocal curve
            curve = _merge(curve, evaluate(new))

        result = None
        if user_grid:
            sel, _ = choose()
            warn_on_edge(sel, curve["lam"])
        else:
            sel, _, _ = extend_while_on_edge(lams, extend, choose, decades=_DECADES,
                                             max_extensions=_MAX_EXTENSIONS,
                                             limits=ridge_flat_limits(full.d2, full.problem.S))

        self.cv_results_ = result
        self.lam_, self.lam_min_, self.lam_1se_ = sel.lam, sel.lam_min, sel.lam_1se
        coef, intercept = full.path([self.lam_])
        self._set_coef(coef[0], intercept[0], y_ndim)
        df = float(full.df([self.lam_])[0])
        if np.isfinite(df):
            self.df_ = df
        elif hasattr(self, "df_"):        # sparse K-fold by conjugate gradients: not computed
            del self.df_
        self.n_iter_ = getattr(full, "n_iter", 1)
        return self

    def _fit_evidence(self, X, y, sw, build, grid, lam_floor):
        """λ maximizing the exact marginal likelihood (see :mod:`shrinkage.selection.evidence`)."""
        _evidence_rule(self.rule)
        full = _decompose_all(X, y, sw, build, _alpha(lam_floor, sw, X))
        return self._evidence_choice(full, grid, y.ndim)

    def _evidence_choice(self, full, grid, y_ndim):
        lam, info = ridge_evidence_lam(full, grid)
        lams = np.append(info["lams"], lam)
        order = np.argsort(-lams, kind="stable")
        lams, logev = lams[order], np.append(info["log_evidence"], info["log_evidence_max"])[order]
        result, sel = make_result(lams, rule="min", scoring="log_evidence", mean=logev,
                                  se=np.full_like(logev, np.nan), df=full.df(lams))
        result.reason = (f"λ = {lam:.4g} maximizes the marginal likelihood (σ² profiled out, "
                         f"intercept integrated out)")
        if info["on_edge"]:
            warn_user(f"the evidence is largest at the edge of the λ range ({lam:.4g}); "
                      "the data may hold no signal (λ → ∞) or need a wider grid",
                      UserWarning)
        self.cv_results_ = result
        self.lam_ = self.lam_min_ = self.lam_1se_ = lam
        self.sigma2_ = info["sigma2"]
        coef, intercept = full.path([lam])
        self._set_coef(coef[0], intercept[0], y_ndim)
        self.df_ = float(full.df([lam])[0])
        self.n_iter_ = 1
        return self

    def _result(self, curve, full, scores, n_repeats):
        extra = {sc.name: curve["extra:" + sc.name] for sc in scores[1:]}
        return make_result(curve["lam"], rule=self.rule, scoring=scores[0].name,
                           fold_scores=curve.get("fold_scores"), mean=curve.get("mean"),
                           se=curve.get("se"), df=full.df(curve["lam"]), n_repeats=n_repeats,
                           extra=extra)

    def _evaluator(self, X, y, sw, groups, build, scores, lam_floor):
        """``(full, evaluate, n_repeats)``: the decomposition of all data, and a function from a
        λ grid to a curve dict — ``lam`` and either ``mean``/``se`` (leave-one-out, GCV) or
        ``fold_scores`` (K-fold), and ``"extra:<name>"`` (n_lams, n_folds or 1) for every
        further metric."""
        y2 = y[:, None] if y.ndim == 1 else y
        alpha_min = _alpha(lam_floor, sw, X)
        if isinstance(self.cv, str):
            if self.cv not in ("loo", "gcv"):
                raise ValueError(f"cv must be 'loo', 'gcv', 'evidence', an int or a splitter, "
                                 f"got {self.cv!r}")
            if self.cv == "gcv" and any(sc.name != "neg_mean_squared_error" for sc in scores):
                raise ValueError("cv='gcv' estimates the mean squared error only; use "
                                 "scoring=None or cv='loo' for other scores")
            full = _decompose_all(X, y, sw, build, alpha_min)

            def evaluate(lams):
                curves = _blocked_curves(full, lams, scores, y2, sw, self.cv, X.size)
                (mean, se), *others = curves
                extra = {"extra:" + sc.name: m[:, None] for sc, (m, _) in zip(scores[1:], others)}
                return {"lam": lams, "mean": mean, "se": se, **extra}
            return full, evaluate, 1

        splits, n_repeats = make_splits(self.cv, X, y, groups, random_state=self.random_state)
        bar = ProgressBar(len(splits), "cross-validation folds", self.progress)
        downdated = None if sparse_cg_route(X, splits, build) else kfold_decompositions(
            X, y, sw, splits, **build, alpha_min=alpha_min)
        with bar:
            if sp.issparse(X) and downdated is None:     # conjugate gradients, no p × p array
                X = X.tocsr()
                full = SparseCGFull(X, y, sw, build)
                args = [(X, y, sw, tr, te, build) for tr, te in splits]
                engine = FoldEngine.fit(SparseCGFold, args, splits, y2, scores, sw, self.n_jobs,
                                        fit_bar=bar)
            elif downdated is not None:    # one set of Gram moments for all data and every fold
                full, decs = downdated
                predictors = [dec.grid_predictor(X[te]) for dec, (_, te) in zip(decs, splits)]
                bar.update(len(splits))
                engine = FoldEngine(predictors, splits, y2, scores, sw, self.n_jobs)
            else:
                full = decompose(RidgeProblem.build(X, y, sw, **build), alpha_min=alpha_min)
                args = [(X, y, sw, tr, te, build, lam_floor) for tr, te in splits]
                engine = FoldEngine.fit(_ridge_fold, args, splits, y2, scores, sw, self.n_jobs,
                                        fit_bar=bar)

        def evaluate(lams):
            main, *others = engine.score_all(lams)
            return {"lam": lams, "fold_scores": main,
                    **{"extra:" + sc.name: S for sc, S in zip(scores[1:], others)}}
        return full, evaluate, n_repeats


def _evidence_rule(rule):
    if rule != "min":
        raise ValueError("rule applies to cross-validation; cv='evidence' takes the λ that "
                         "maximizes the marginal likelihood (use rule='min')")


def _decompose_all(X, y, sw, build, alpha_min):
    """The decomposition of all rows: leave-one-out, GCV and the evidence read it. Sparse
    ``X``: from its implicitly centred Gram (:func:`~shrinkage.solvers.ridge_sparse.
    sparse_decompose`, up to ``GRAM_MAX_FEATURES`` columns; beyond, a TypeError names K-fold)."""
    if sp.issparse(X):
        return sparse_decompose(X, y, sw, **build)
    return decompose(RidgeProblem.build(X, y, sw, **build), alpha_min=alpha_min)


def _ridge_fold(X, y, sw, train, test, build, lam_floor):
    """A fold of K-fold ridge CV: the training rows' decomposition, as predictions of the test
    rows for any λ grid (:class:`~shrinkage.solvers.ridge.GridPredictor`)."""
    sw_tr = None if sw is None else sw[train]
    dec = decompose(RidgeProblem.build(X[train], y[train], sw_tr, **build),
                    alpha_min=_alpha(lam_floor, sw_tr, X[train]))
    predictor = dec.grid_predictor(X[test])
    if dec.V is not None:
        dec.problem.Z = None  # primal: the basis V predicts; drop the fold's copy
    return predictor


def _alpha(lam, sw, X):
    """``α = Sλ`` for rows ``X`` with weights ``sw``."""
    return (X.shape[0] if sw is None else float(sw.sum())) * lam


def _merge(curve, new):
    """Two curves in one, largest λ first."""
    merged = {k: np.concatenate([curve[k], new[k]], axis=0) for k in curve}
    order = np.argsort(-merged["lam"], kind="stable")
    return {k: v[order] for k, v in merged.items()}
