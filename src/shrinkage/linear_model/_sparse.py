r"""Sparse linear models: :class:`Lasso`, :class:`ElasticNet`, :class:`ElasticNetCV`,
:class:`GroupLasso` (regression) and :class:`GroupLassoClassifier` (logistic group lasso).

All minimize the objective of :mod:`shrinkage.conventions` with squared error (no ½, a mean over
samples)::

    (1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]      (elastic net)
    (1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_g ω_g ‖w_g‖₂                     (group lasso)
    (1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_g ω_g ‖w_g‖₂, η_i = b + x_iᵀw  (classifier)

on standardized features when ``standardize=True``. scikit-learn's ``ElasticNet(alpha,
l1_ratio=r)`` is ``lam = alpha (1 + r)``, ``l1_ratio = 2r/(1 + r)``, and ``Lasso(alpha)`` is
``lam = 2 alpha`` (:func:`~shrinkage.convert_strength`). The solvers are in
:mod:`shrinkage.solvers.cd` (coordinate descent) and :mod:`shrinkage.solvers.prox` (FISTA).

Relaxed fit (``relax=True``)
----------------------------
As glmnet's ``relax`` with ``gamma = 0``: with ``A = {j : ŵ_j ≠ 0}`` the support of the
penalized solution, the reported coefficients are the unpenalized weighted least-squares fit on
the features in ``A`` (with the intercept), ``argmin_{w: w_j = 0, j ∉ A} (1/S) Σ s_i
(y_i − b − x_iᵀw)²`` (the minimum-norm one when ``X_A`` is rank deficient); features outside
``A`` stay at zero. The penalized coefficients remain in ``penalized_coef_``. In
:class:`ElasticNetCV` each fold is relaxed the same way, so the λ chosen is the best λ *for the
relaxed model*.
"""

from __future__ import annotations

import threading
import warnings
from numbers import Integral, Real

import numpy as np
from scipy.special import expit, log_expit
from sklearn.base import BaseEstimator, ClassifierMixin, RegressorMixin
from sklearn.utils.validation import check_is_fitted

from .._validation import (check_classification_y, check_lam, check_lams, check_penalty_factor,
                           check_sample_weight, check_weighted_classes, check_X, check_X_y)
from ..penalties import ElasticNet as ENPenalty
from ..selection.engine import FoldEngine, make_result, make_splits
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule, warn_on_edge
from ..selection.scoring import get_score
from ..solvers.cd import enet_path, fold_gram_problems, make_problem, naive_problem
from ..solvers.prox import solve_group_lasso

__all__ = ["Lasso", "ElasticNet", "ElasticNetCV", "GroupLasso", "GroupLassoClassifier"]


def _check_ratio(r, name="l1_ratio"):
    if isinstance(r, bool) or not isinstance(r, (Real, np.number)) or not 0.0 <= r <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1] (1 = lasso, 0 = ridge), got {r!r}")
    return float(r)


def _check_positive_int(v, name):
    if isinstance(v, bool) or not isinstance(v, (Integral, np.integer)) or v < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def _check_tol(v):
    if isinstance(v, bool) or not isinstance(v, (Real, np.number)) or not v > 0:
        raise ValueError(f"tol must be a positive number, got {v!r}")
    return float(v)


def relaxed_fit(X, y, sw, coef, fit_intercept):
    """Unpenalized weighted least squares on the support of ``coef`` (module docstring).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    sw : ndarray of shape (n_samples,)
        Weights summing to one.
    coef : ndarray of shape (n_features,)
    fit_intercept : bool

    Returns
    -------
    coef : ndarray of shape (n_features,)
    intercept : float
    """
    support = np.flatnonzero(coef)
    out = np.zeros_like(coef)
    mx = sw @ X[:, support] if fit_intercept else np.zeros(support.size)
    my = float(sw @ y) if fit_intercept else 0.0
    if support.size:
        rs = np.sqrt(sw)
        out[support] = np.linalg.lstsq((X[:, support] - mx) * rs[:, None], (y - my) * rs,
                                       rcond=None)[0]
    return out, my - float(mx @ out[support])


class _SparseBase(RegressorMixin, BaseEstimator):
    """Input handling and prediction shared by the sparse regressors."""

    def _validate(self, X, y, sample_weight):
        X, y = check_X_y(self, X, y, multi_output=False, y_numeric=True, dtype=np.float64)
        if X.shape[0] < 2 and self.fit_intercept:
            raise ValueError(f"a model with an intercept needs at least 2 samples, got "
                             f"n_samples={X.shape[0]}; add rows or set fit_intercept=False")
        sw = check_sample_weight(sample_weight, X)
        sw_norm = np.full(X.shape[0], 1.0 / X.shape[0]) if sw is None else sw / sw.sum()
        return X, y, sw, sw_norm

    def _penalty_factor(self, p):
        return check_penalty_factor(getattr(self, "penalty_factor", None), p)

    def _finish(self, X, y, sw_norm, coef, intercept):
        self.penalized_coef_ = coef
        if self.relax:
            coef, intercept = relaxed_fit(X, y, sw_norm, coef, self.fit_intercept)
        self.coef_, self.intercept_ = coef, float(intercept)
        self.n_nonzero_ = int(np.count_nonzero(coef))

    def predict(self, X):
        """Predict ``Xw + b``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        y_pred : ndarray of shape (n_samples,)
        """
        check_is_fitted(self, "coef_")
        X = check_X(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_ + self.intercept_


class ElasticNet(_SparseBase):
    r"""Linear least squares with the elastic-net penalty, by coordinate descent.

    Minimizes ``(1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j [(1−ρ)w_j² + ρ|w_j|]``
    (:mod:`shrinkage.conventions`). scikit-learn's ``ElasticNet(alpha, l1_ratio=r)`` is
    ``lam = alpha (1 + r)``, ``l1_ratio = 2r/(1 + r)`` with ``standardize=False``.

    Parameters
    ----------
    lam : float, default=0.01
        Strength ``λ ≥ 0``.
    l1_ratio : float, default=0.5
        ``ρ ∈ [0, 1]``: 1 is the lasso, 0 ridge.
    fit_intercept : bool, default=True
    standardize : bool, default=True
        Penalize the coefficients of the standardized features (weighted population standard
        deviation); ``coef_`` is on the original scale.
    penalty_factor : array-like of shape (n_features,), optional
        ``f_j ≥ 0``, used as given; 0 leaves a feature unpenalized.
    relax : bool, default=False
        Report the relaxed fit (unpenalized refit on the selected support; module docstring).
    tol : float, default=1e-7
        Stop when every coordinate's subdifferential distance is at most ``tol`` times the null
        gradient's largest entry (:mod:`shrinkage.solvers.cd`).
    max_iter : int, default=10000
        Most coordinate-descent passes.

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    penalized_coef_ : ndarray of shape (n_features,)
        The penalized solution (equal to ``coef_`` unless ``relax``).
    n_nonzero_ : int
    lam_max_ : float
        The smallest λ at which every penalized coefficient is zero (``inf`` for ``ρ = 0``).
    n_iter_ : int
        Coordinate-descent passes.
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import ElasticNet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 5))
    >>> y = 3 * X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = ElasticNet(lam=0.5, l1_ratio=0.5).fit(X, y)
    >>> model.coef_.round(2)
    array([ 2.25, -1.46,  0.  , -0.02,  0.  ])
    """

    def __init__(self, lam=0.01, *, l1_ratio=0.5, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor=None, relax: bool = False,
                 tol: float = 1e-7, max_iter: int = 10_000):
        self.lam = lam
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.relax = relax
        self.tol = tol
        self.max_iter = max_iter

    def _rho(self):
        return _check_ratio(self.l1_ratio)

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
            Non-negative weights; only their ratios matter.

        Returns
        -------
        self
        """
        lam, rho = check_lam(self.lam), self._rho()
        tol, max_iter = _check_tol(self.tol), _check_positive_int(self.max_iter, "max_iter")
        X, y, _, sw = self._validate(X, y, sample_weight)
        f = self._penalty_factor(X.shape[1])
        prob = make_problem(X, y, sw, fit_intercept=self.fit_intercept,
                            standardize=self.standardize)
        self.lam_max_ = _lam_max(X, y, sw, rho, f, self.fit_intercept, self.standardize)
        path = enet_path(prob, [lam], l1_ratio=rho, penalty_factor=f, tol=tol, max_iter=max_iter)
        coef, intercept = prob.to_original(path.beta[0])
        self._finish(X, y, sw, coef, intercept)
        self.lam_ = lam
        self.n_iter_ = int(path.n_iter[0])
        return self


class Lasso(ElasticNet):
    r"""Linear least squares with the L1 penalty: :class:`ElasticNet` with ``l1_ratio=1``.

    Minimizes ``(1/S) Σ s_i (y_i − b − x_iᵀw)² + λ Σ_j f_j |w_j|``. scikit-learn's
    ``Lasso(alpha)`` is ``lam = 2 alpha`` with ``standardize=False`` (its loss carries a ½).

    Parameters
    ----------
    lam : float, default=0.01
    fit_intercept, standardize, penalty_factor, relax, tol, max_iter
        As in :class:`ElasticNet`.

    Attributes
    ----------
    coef_, intercept_, penalized_coef_, n_nonzero_, lam_max_, n_iter_, n_features_in_
        As in :class:`ElasticNet`.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import Lasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 5))
    >>> y = 3 * X[:, 0] - 2 * X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = Lasso(lam=0.5, relax=True).fit(X, y)
    >>> model.n_nonzero_, model.coef_.round(2)
    (2, array([ 2.99, -1.99,  0.  ,  0.  ,  0.  ]))
    """

    def __init__(self, lam=0.01, *, fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor=None, relax: bool = False, tol: float = 1e-7,
                 max_iter: int = 10_000):
        self.lam = lam
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.relax = relax
        self.tol = tol
        self.max_iter = max_iter

    def _rho(self):
        return 1.0


def _lam_max(X, y, sw, rho, f, fit_intercept, standardize):
    """``λ_max`` of :meth:`shrinkage.penalties.ElasticNet.lam_max`: ``max_{f_j>0} |g_j(0)| /
    (ρ f_j)`` with ``g(0)`` the gradient at the null model (intercept and unpenalized features
    fitted); ``inf`` for ``ρ = 0``, 0 when nothing is penalized."""
    return ENPenalty(1.0, rho, f).lam_max(X, y, sw, fit_intercept=fit_intercept,
                                          standardize=standardize)


class _EnetFold:
    """One CV fold: its problem and test rows; ``predict(lams)`` walks a warm-started path.

    The last solution at each ``l1_ratio`` is kept, so a grid extended below the one already
    walked continues the path instead of starting again from the null model.
    """

    def __init__(self, problem, X_test, y_train_parts, est, f):
        self.problem, self.X_test, self.parts, self.est, self.f = problem, X_test, y_train_parts, est, f
        self.l1_ratio = 1.0
        self.resume = {}                 # l1_ratio -> (λ, β) of the last path point
        self.on_path = None              # called after each path (the progress bar)

    def predict(self, lams):
        last = self.resume.get(self.l1_ratio)
        beta0, lam_prev = (last[1], last[0]) if last is not None and lams[0] < last[0] else (None, None)
        path = enet_path(self.problem, lams, l1_ratio=self.l1_ratio, penalty_factor=self.f,
                         tol=self.est._cv_tol, max_iter=self.est._max_iter, beta0=beta0,
                         lam_prev=lam_prev, warn=False)
        self.resume[self.l1_ratio] = (float(lams[-1]), path.beta[-1].copy())
        coef, intercept = self.problem.to_original(path.beta)        # (L, p), (L,)
        if self.est.relax:
            Xtr, ytr, swtr = self.parts
            pairs = [relaxed_fit(Xtr, ytr, swtr, c, self.est.fit_intercept) for c in coef]
            coef = np.array([c for c, _ in pairs])
            intercept = np.array([b for _, b in pairs])
        if self.on_path is not None:
            self.on_path()
        return (self.X_test @ coef.T + intercept)[:, :, None]         # (n_test, L, 1)


class ElasticNetCV(_SparseBase):
    r"""Elastic net with λ (and ``l1_ratio``) chosen by K-fold cross-validation.

    For each ``l1_ratio`` the grid runs from ``λ_max`` (every coefficient zero, computed on all
    data) down to ``lam_min_ratio · λ_max``; every fold walks the same grid with warm starts
    and strong-rule screening. With ``n > p`` the folds share one set of Gram products (each
    training fold is all data minus its test fold, see
    :func:`~shrinkage.solvers.cd.fold_gram_problems`). The final model is the all-data path at
    the chosen λ.

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
        ``"1se"`` picks the *sparsest* candidate (fewest non-zeros on the all-data path; ties:
        larger λ) whose mean score is within one standard error of the best.
    scoring : str or callable, optional
        Default ``"neg_mean_squared_error"``.
    lam_min_ratio : float, optional
        Bottom of the default grid relative to ``λ_max``: 1e-3 when ``n > p``, else 1e-2
        (before any extension, see ``lams``).
    fit_intercept, standardize, penalty_factor, relax, max_iter
        As in :class:`ElasticNet`.
    tol : float, default=1e-7
        Tolerance of the all-data path (as in :class:`ElasticNet`); the chosen model is then
        polished to ``tol / 1000`` from its path value (one warm-started λ, cheap).
    cv_tol : float, optional
        Tolerance of the fold paths, default ``100 · tol`` (1e-5 by default). The CV curve
        only needs the held-out errors: at ``cv_tol = 1e-5`` they agree with a ``1e-11``
        solve to about 1e-5 relative (scikit-learn's default duality-gap tolerance gives about
        1e-4), and the chosen λ is the same.
    n_jobs : int, optional
        Folds in parallel threads (the kernels release the GIL).
    progress : bool, default=False
        A progress bar (tqdm when installed, on stderr) over the (l1_ratio, fold) path fits.
    random_state : int or None

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
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import ElasticNetCV
    >>> X, y = load_diabetes(return_X_y=True)
    >>> model = ElasticNetCV(l1_ratio=[0.5, 1.0], rule="1se", random_state=0).fit(X, y)
    >>> model.l1_ratio_, model.n_nonzero_
    (1.0, 5)
    >>> print(model.cv_results_.reason)  # doctest: +ELLIPSIS
    λ = 10.38 is the simplest candidate whose mean score ... within 1 standard error(s) ...
    """

    def __init__(self, lams=100, *, l1_ratio=0.5, cv=5, rule="min", scoring=None,
                 lam_min_ratio=None, fit_intercept: bool = True, standardize: bool = True,
                 penalty_factor=None, relax: bool = False, tol: float = 1e-7,
                 cv_tol=None, max_iter: int = 10_000, n_jobs=None, progress: bool = False,
                 random_state=None):
        self.lams = lams
        self.l1_ratio = l1_ratio
        self.cv = cv
        self.rule = rule
        self.scoring = scoring
        self.lam_min_ratio = lam_min_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.relax = relax
        self.tol = tol
        self.cv_tol = cv_tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.progress = progress
        self.random_state = random_state

    _max_extensions = 3       # decades added below the default grid, one at a time

    def _grid(self, X, y, sw, rho, f):
        if not isinstance(self._lams, int):
            return self._lams
        top = _lam_max(X, y, sw, max(rho, 1e-3), f, self.fit_intercept, self.standardize)
        if not np.isfinite(top) or top <= 0:
            top = 1.0
        n, p = X.shape
        ratio = self.lam_min_ratio if self.lam_min_ratio is not None else (1e-3 if n > p else 1e-2)
        if not 0 < ratio < 1:
            raise ValueError(f"lam_min_ratio must lie in (0, 1), got {ratio!r}")
        return np.geomspace(top, top * ratio, self._lams) if self._lams > 1 else np.array([top])

    def _extend(self, curves, walk, choose, locate, result, sel, bar, n_paths):
        """Extend every ratio's default grid one decade down (at its spacing) while the best λ
        is the smallest of its grid, up to ``_max_extensions`` times; warn if it still is."""
        for _ in range(self._max_extensions):
            r_min, l_min = locate(result.index_min)
            if l_min < curves[r_min]["grid"].size - 1:
                return
            bar.add_total(n_paths)
            # every ratio's grid has the same spacing; the same count keeps them aligned
            g = curves[0]["grid"]
            count = max(1, int(np.ceil(np.log(10.0) / np.log(g[-2] / g[-1]) - 1e-6)))
            for r, c in enumerate(curves):
                step = c["grid"][-1] / c["grid"][-2]
                walk(r, c["grid"][-1] * step ** np.arange(1, count + 1))
            result, sel = choose()
        r_min, l_min = locate(result.index_min)
        if l_min == curves[r_min]["grid"].size - 1:
            warnings.warn(
                f"the best λ ({sel.lam_min:.4g}) is still the smallest of the automatic grid "
                f"after extending it {self._max_extensions} decades; the optimum may lie below "
                "it: pass a smaller lam_min_ratio (or a grid as lams)", UserWarning, stacklevel=3)

    def fit(self, X, y, sample_weight=None, groups=None):
        """Choose λ and ``l1_ratio`` by cross-validation; keep the all-data fit at the choice.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional
        groups : array-like of shape (n_samples,), optional
            Folds never split a group (with an integer ``cv``).

        Returns
        -------
        self
        """
        ratios = [_check_ratio(r) for r in np.atleast_1d(np.asarray(self.l1_ratio, dtype=object))]
        self._lams = check_lams(self.lams)
        self._tol = _check_tol(self.tol)
        self._cv_tol = 100.0 * self._tol if self.cv_tol is None else _check_tol(self.cv_tol)
        self._max_iter = _check_positive_int(self.max_iter, "max_iter")
        score = get_score(self.scoring, classification=False)
        parse_rule(self.rule)
        X, y, s, sw = self._validate(X, y, sample_weight)
        n, p = X.shape
        f = self._penalty_factor(p)
        splits, n_repeats = make_splits(self.cv, X, y, groups, random_state=self.random_state)
        build = dict(fit_intercept=self.fit_intercept, standardize=self.standardize)
        if n > p:
            full, fold_probs = fold_gram_problems(X, y, s, splits, **build)
        else:
            full = naive_problem(X, y, sw, **build)
            fold_probs = [None] * len(splits)

        prebuilt = {id(te): prob for (_, te), prob in zip(splits, fold_probs)}

        def fit_fold(tr, te):
            s_tr = np.ones(tr.size) if s is None else s[tr]
            sw_tr = s_tr / s_tr.sum()
            prob = prebuilt[id(te)] or naive_problem(X[tr], y[tr], sw_tr, **build)
            parts = (X[tr], y[tr], sw_tr) if self.relax else None
            return _EnetFold(prob, X[te], parts, self, f)

        folds = FoldEngine(fit_fold, splits, y[:, None], score, s, self.n_jobs).folds
        engine = FoldEngine(None, splits, y[:, None], score, s, self.n_jobs, folds=folds)

        # per l1_ratio: the grid, the all-data path and the fold scores, extended together
        curves = [{"grid": np.empty(0), "beta": np.empty((0, p)), "n_iter": np.empty(0, int),
                   "scores": np.empty((0, len(splits)))} for _ in ratios]

        def walk(r, lams):
            """Walk ``lams`` at ratio r on all data and in every fold, continuing each path."""
            c, rho = curves[r], ratios[r]
            resume = c["grid"].size > 0
            path = enet_path(full, lams, l1_ratio=rho, penalty_factor=f, tol=self._tol,
                             max_iter=self._max_iter, beta0=c["beta"][-1] if resume else None,
                             lam_prev=c["grid"][-1] if resume else None)
            for fold in folds:
                fold.l1_ratio = rho
            c["grid"] = np.concatenate([c["grid"], lams])
            c["beta"] = np.vstack([c["beta"], path.beta])
            c["n_iter"] = np.concatenate([c["n_iter"], path.n_iter])
            c["scores"] = np.vstack([c["scores"], engine.scores(lams)])

        def choose():
            lams_all = np.concatenate([c["grid"] for c in curves])
            nnz = np.concatenate([np.count_nonzero(c["beta"], axis=1) for c in curves]).astype(float)
            params = [{"lam": float(v), "l1_ratio": rho} for c, rho in zip(curves, ratios)
                      for v in c["grid"]]
            return make_result(lams_all, rule=self.rule, scoring=score.name,
                               fold_scores=np.vstack([c["scores"] for c in curves]),
                               complexity=nnz, df=nnz, params=params, n_repeats=n_repeats)

        def locate(index):
            L = curves[0]["grid"].size          # every ratio's grid has the same length
            return divmod(int(index), L)

        bar = ProgressBar(len(ratios) * len(splits), "elastic-net paths (l1_ratio × fold)",
                          self.progress)
        lock = threading.Lock()

        def tick():                          # from any worker thread
            with lock:
                bar.update()

        for fold in folds:
            fold.on_path = tick
        with bar:
            for r, rho in enumerate(ratios):
                walk(r, self._grid(X, y, sw, rho, f))
            result, sel = choose()
            user_grid = not isinstance(self._lams, int)
            if user_grid and np.unique(self._lams).size > 1:
                warn_on_edge(sel, np.concatenate([c["grid"] for c in curves]))
            elif not user_grid and curves[0]["grid"].size > 1:
                self._extend(curves, walk, choose, locate, result, sel, bar,
                             len(ratios) * len(splits))
                result, sel = choose()
        for fold in folds:
            fold.on_path = None
        r_idx, l_idx = locate(result.index)
        self.cv_results_ = result
        self.lam_, self.l1_ratio_ = float(curves[r_idx]["grid"][l_idx]), ratios[r_idx]
        self.lam_min_, self.lam_1se_ = sel.lam_min, sel.lam_1se
        self.lams_ = np.array([c["grid"] for c in curves])
        self.coef_path_ = np.array([full.to_original(c["beta"])[0] for c in curves])
        # polish the chosen model (one warm-started λ) to tol / 1000
        lam_sel = self.lam_
        best = enet_path(full, [lam_sel], l1_ratio=ratios[r_idx], penalty_factor=f,
                         tol=self._tol * 1e-3, max_iter=self._max_iter,
                         beta0=curves[r_idx]["beta"][l_idx], lam_prev=lam_sel)
        coef, intercept = full.to_original(best.beta[0])
        self._finish(X, y, sw, coef, intercept)
        self.n_iter_ = int(curves[r_idx]["n_iter"][l_idx] + best.n_iter[0])
        return self


def _resolve_groups(est, p):
    """Group labels and weights of a group-lasso estimator for ``p`` features."""
    groups = np.arange(p) if est.groups is None else np.asarray(est.groups)
    if groups.ndim != 1 or groups.shape[0] != p:
        raise ValueError(f"groups has shape {groups.shape} but X has {p} features; pass one "
                         "group label per feature")
    weights = np.ones(p) if est.groups is None and est.group_weights is None else est.group_weights
    return groups, weights


class GroupLasso(_SparseBase):
    r"""Linear least squares with the group L2 penalty ``λ Σ_g ω_g ‖w_g‖₂``, by FISTA.

    Whole groups of coefficients are zero or not. With ``standardize=True`` the penalty acts on
    the coefficients of the standardized features.

    Parameters
    ----------
    lam : float, default=0.01
    groups : array-like of shape (n_features,), optional
        A group label per feature; default: every feature its own group (the lasso with
        ``ω = 1``).
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g ≥ 0`` (default ``√p_g``), in the order of the sorted labels or as
        ``{label: ω}``. It plays the role of ``penalty_factor`` for groups: ``ω_g = 0`` leaves
        group ``g`` unpenalized (never zeroed; at ``λ ≥ λ_max`` it is the least-squares fit
        of ``y`` on that group and the intercept).
    fit_intercept, standardize, relax
        As in :class:`ElasticNet`.
    tol : float, default=1e-8
        Relative to the null gradient's largest group norm (:mod:`shrinkage.solvers.prox`).
    max_iter : int, default=20000

    Attributes
    ----------
    coef_ : ndarray of shape (n_features,)
    intercept_ : float
    penalized_coef_, n_nonzero_ : as in :class:`ElasticNet`
    n_groups_nonzero_ : int
    n_iter_ : int
    n_features_in_ : int

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import GroupLasso
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 6))
    >>> y = X[:, 0] + X[:, 1] + 0.1 * rng.normal(size=100)
    >>> model = GroupLasso(lam=0.1, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> model.n_groups_nonzero_
    1
    """

    def __init__(self, lam=0.01, *, groups=None, group_weights=None, fit_intercept: bool = True,
                 standardize: bool = True, relax: bool = False, tol: float = 1e-8,
                 max_iter: int = 20_000):
        self.lam = lam
        self.groups = groups
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.relax = relax
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        lam = check_lam(self.lam)
        tol, max_iter = _check_tol(self.tol), _check_positive_int(self.max_iter, "max_iter")
        X, y, _, sw = self._validate(X, y, sample_weight)
        groups, weights = _resolve_groups(self, X.shape[1])
        res = solve_group_lasso(X, y, sw, lam=lam, groups=groups, group_weights=weights,
                                fit_intercept=self.fit_intercept, standardize=self.standardize,
                                tol=tol, max_iter=max_iter)
        self._finish(X, y, sw, res.coef, res.intercept)
        labels, index = np.unique(groups, return_inverse=True)
        self.n_groups_nonzero_ = int(np.unique(index[self.penalized_coef_ != 0]).size)
        self.lam_ = lam
        self.n_iter_ = res.n_iter
        return self


class GroupLassoClassifier(ClassifierMixin, BaseEstimator):
    r"""Binary logistic regression with the group L2 penalty ``λ Σ_g ω_g ‖w_g‖₂``, by FISTA.

    Minimizes ``(1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_g ω_g ‖w_g‖₂`` with
    ``η_i = b + x_iᵀw`` and ``y_i ∈ {0, 1}`` (``classes_[1]`` is 1); whole groups of
    coefficients are zero or not. With ``standardize=True`` the penalty acts on the coefficients
    of the standardized features. Groups of one feature with weight 1 (the default) give the
    L1-penalized logistic regression, ``LogisticRegression(lam, l1_ratio=1)``. The solver is
    :func:`~shrinkage.solvers.prox.solve_group_lasso` with ``datafit="logistic"``; it stops on
    the group subdifferential distance (the optimality certificate).

    Parameters
    ----------
    lam : float, default=0.01
    groups : array-like of shape (n_features,), optional
        A group label per feature; default: every feature its own group (weight 1).
    group_weights : array-like of shape (n_groups,) or mapping, optional
        ``ω_g ≥ 0`` (default ``√p_g``), in the order of the sorted labels or as
        ``{label: ω}``. It plays the role of ``penalty_factor`` for groups: ``ω_g = 0`` leaves
        group ``g`` unpenalized (never zeroed; at ``λ ≥ λ_max`` it is the unpenalized logistic
        fit on that group and the intercept).
    fit_intercept, standardize : bool, default=True
    tol : float, default=1e-8
        Relative to the null gradient's largest group norm (:mod:`shrinkage.solvers.prox`).
    max_iter : int, default=20000

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    coef_ : ndarray of shape (1, n_features)
    intercept_ : ndarray of shape (1,)
    n_nonzero_, n_groups_nonzero_, n_iter_ : int
    kkt_ : float
        Largest group subdifferential distance (and ``|∂/∂b|``) at the solution, standardized
        coordinates.
    lam_ : float
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.linear_model import GroupLassoClassifier
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 6))
    >>> y = (X[:, 0] + X[:, 1] + 0.5 * rng.normal(size=200) > 0).astype(int)
    >>> clf = GroupLassoClassifier(lam=0.05, groups=[0, 0, 1, 1, 2, 2]).fit(X, y)
    >>> clf.n_groups_nonzero_, bool(clf.score(X, y) > 0.85)
    (1, True)
    """

    def __init__(self, lam=0.01, *, groups=None, group_weights=None, fit_intercept: bool = True,
                 standardize: bool = True, tol: float = 1e-8, max_iter: int = 20_000):
        self.lam = lam
        self.groups = groups
        self.group_weights = group_weights
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Two classes (numbers or strings).
        sample_weight : array-like of shape (n_samples,), optional

        Returns
        -------
        self
        """
        lam = check_lam(self.lam)
        tol, max_iter = _check_tol(self.tol), _check_positive_int(self.max_iter, "max_iter")
        X, y = check_X_y(self, X, y, y_numeric=False, dtype=np.float64)
        classes, y_idx = check_classification_y(y)
        if classes.size != 2:
            raise ValueError(f"Only binary classification is supported. GroupLassoClassifier got "
                             f"{classes.size} classes; use LogisticRegression(l1_ratio=...) for "
                             "the multinomial elastic net")
        s = check_sample_weight(sample_weight, X)
        check_weighted_classes(classes, y_idx, s)
        sw = np.full(X.shape[0], 1.0 / X.shape[0]) if s is None else s / s.sum()
        groups, weights = _resolve_groups(self, X.shape[1])
        res = solve_group_lasso(X, y_idx.astype(np.float64), sw, lam=lam, groups=groups,
                                group_weights=weights, datafit="logistic",
                                fit_intercept=self.fit_intercept, standardize=self.standardize,
                                tol=tol, max_iter=max_iter)
        self.classes_ = classes
        self.coef_ = res.coef.reshape(1, -1)
        self.intercept_ = np.array([res.intercept])
        _, index = np.unique(groups, return_inverse=True)
        self.n_nonzero_ = int(np.count_nonzero(res.coef))
        self.n_groups_nonzero_ = int(np.unique(index[res.coef != 0]).size)
        self.n_iter_ = res.n_iter
        self.kkt_ = res.kkt
        self.lam_ = lam
        return self

    def decision_function(self, X):
        """Log-odds of ``classes_[1]``, shape (n_samples,)."""
        check_is_fitted(self, "coef_")
        X = check_X(self, X, reset=False, dtype=np.float64)
        return X @ self.coef_[0] + self.intercept_[0]

    def predict(self, X):
        """Most probable class, shape (n_samples,)."""
        eta = self.decision_function(X)
        return self.classes_[(eta > 0).astype(int)]

    def predict_proba(self, X):
        """Class probabilities, shape (n_samples, 2), columns in the order of ``classes_``."""
        p1 = expit(self.decision_function(X))
        return np.column_stack([1.0 - p1, p1])

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably."""
        eta = self.decision_function(X)
        return np.column_stack([log_expit(-eta), log_expit(eta)])

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags
