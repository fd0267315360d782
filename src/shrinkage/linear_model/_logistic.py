r"""L2-penalized logistic regression (binary and multinomial) and its cross-validated λ.

Both estimators minimize the objective of :mod:`shrinkage.conventions` with the logistic loss
(two classes) or the softmax cross-entropy (``K ≥ 3`` classes, one coefficient row per class,
not one-vs-rest)::

    J(W, b) = (1/S) Σ_i s_i ℓ(y_i, W x_i + b)  +  λ Σ_k Σ_j f_j W_kj²

The intercepts are never penalized. scikit-learn's ``LogisticRegression(C=C)`` minimizes the
same function at ``λ = 1/(2 C S)`` (``S`` the number of rows or the sum of the sample weights).
The solvers are in :mod:`shrinkage.solvers.smooth`.
"""

from __future__ import annotations

import warnings
from numbers import Integral, Real

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from scipy.special import expit, log_softmax, softmax
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils.validation import check_is_fitted
from threadpoolctl import threadpool_limits

from .._validation import (check_classification_y, check_lam, check_lams, check_penalty_factor,
                           check_sample_weight, check_weighted_classes, check_X, check_X_y)
from ..diagnostics.paths import logistic_effective_df
from ..selection.engine import make_result, make_splits
from ..selection.evidence import logistic_evidence_lam
from ..selection.progress import ProgressBar
from ..selection.rules import parse_rule, warn_on_edge
from ..selection.scoring import get_scores
from ..solvers.cd import solve_logistic_enet, solve_multinomial_enet
from ..solvers.smooth import (SOLVERS, SmoothObjective, choose_solver, solve_smooth,
                              solve_smooth_path)
from ..standardization import column_stats

__all__ = ["LogisticRegression", "LogisticRegressionCV"]

# glmnet's ridge grid: λ_max at which every standardized coefficient is about 1e-3
_LAM_MAX_COEF = 1e-3
_LAM_MIN_RATIO = 1e-4
_MAX_EXTENSIONS = 3


# -- shared pieces ----------------------------------------------------------------------------
def _check_params(est):
    if est.solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {est.solver!r}")
    if isinstance(est.tol, bool) or not isinstance(est.tol, Real) or not est.tol > 0:
        raise ValueError(f"tol must be a positive number, got {est.tol!r}")
    mi = est.max_iter
    if mi is not None and (isinstance(mi, bool) or not isinstance(mi, Integral) or mi < 1):
        raise ValueError(f"max_iter must be a positive integer or None, got {mi!r}")


def _prepare(est, X, y, sample_weight):
    """Validate and encode: float64 X, targets (``y ∈ {0,1}`` or one-hot), raw weights."""
    X, y = check_X_y(est, X, y, y_numeric=False)
    classes, y_idx = check_classification_y(y)
    X = np.asarray(X, dtype=np.float64)  # float32 input: one conversion, float64 maths
    s = check_sample_weight(sample_weight, X)
    pf = check_penalty_factor(est.penalty_factor, X.shape[1])
    Y = (y_idx == 1).astype(np.float64) if classes.size == 2 else np.eye(classes.size)[y_idx]
    return X, Y, y_idx, classes, s, pf


def _objective(X, Y, s, lam, pf, fit_intercept, standardize):
    """A :class:`SmoothObjective` with this data's standardization (computed on ``X``)."""
    n = X.shape[0]
    sw = np.full(n, 1.0 / n) if s is None else s / s.sum()
    mean, sd = column_stats(X, sw, fit_intercept, True)   # θ-coordinates always standardize
    f = np.ones(X.shape[1]) if pf is None else pf
    if standardize:
        f = f * sd ** 2      # penalize w_j·sd_j (see standardization.py)
    return SmoothObjective(X, Y, sw, lam, f, fit_intercept=fit_intercept, x_mean=mean, x_scale=sd)


def _proba(X, W, b):
    """Class probabilities (n, K_classes) from coefficients (K, p), (K,)."""
    eta = X @ W.T + b
    if W.shape[0] == 1:
        p1 = expit(eta[:, 0])
        return np.column_stack([1.0 - p1, p1])
    return softmax(eta, axis=1)


class _LogisticBase(ClassifierMixin, BaseEstimator):
    """Prediction methods shared by both estimators."""

    def decision_function(self, X):
        """Linear predictor.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (the log-odds of ``classes_[1]``), or
        (n_samples, n_classes).
        """
        check_is_fitted(self)
        X = check_X(self, X, reset=False)
        eta = np.asarray(X, dtype=np.float64) @ self.coef_.T + self.intercept_
        return eta[:, 0] if eta.shape[1] == 1 else eta

    def predict(self, X):
        """Most probable class.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples,), values from ``classes_``.
        """
        eta = self.decision_function(X)
        idx = (eta > 0).astype(int) if eta.ndim == 1 else np.argmax(eta, axis=1)
        return self.classes_[idx]

    def predict_proba(self, X):
        """Class probabilities.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes), columns in the order of ``classes_``.
        """
        eta = self.decision_function(X)
        if eta.ndim == 1:
            p1 = expit(eta)
            return np.column_stack([1.0 - p1, p1])
        return softmax(eta, axis=1)

    def predict_log_proba(self, X):
        """Logarithm of :meth:`predict_proba`, computed stably.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        eta = self.decision_function(X)
        if eta.ndim == 1:
            eta = np.column_stack([np.zeros_like(eta), eta])
        return log_softmax(eta, axis=1)

    def _set_fitted(self, res, classes, lam):
        self.classes_ = classes
        self.coef_ = res.coef
        self.intercept_ = res.intercept
        self.n_iter_ = int(res.n_iter)
        self.lam_ = float(lam)
        self.solver_ = res.solver

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


class LogisticRegression(_LogisticBase):
    r"""Logistic regression with an L2 penalty (binary or multinomial softmax).

    Minimizes ``(1/S) Σ s_i ℓ(y_i, W x_i + b) + λ Σ_kj f_j W_kj²`` (see
    :mod:`shrinkage.conventions`); the intercept is not penalized. scikit-learn's
    ``LogisticRegression(C)`` is ``lam = 1/(2·C·S)``. With three or more classes the model is
    the full softmax (``K × p`` coefficients), whose rows and intercepts are reported summing to
    zero over the classes (they are only identified up to a common shift).

    Parameters
    ----------
    lam : float, default=0.01
        Strength ``λ ≥ 0``. The default penalizes a standardized coefficient of 1 by 0.01,
        about 1/70 of the loss of a coin flip (``log 2``): mild shrinkage whatever ``n``. Use
        :class:`LogisticRegressionCV` to choose it. ``lam=0`` is the maximum-likelihood fit,
        which does not exist for separable classes (a ``ConvergenceWarning`` says so).
    l1_ratio : float, default=0.0
        Our ``ρ``: the penalty is ``λ Σ f_j [(1−ρ) w_j² + ρ|w_j|]``. ``ρ > 0`` (elastic net,
        ``1`` = L1) gives exact zeros and is solved by proximal Newton with coordinate descent
        (with three or more classes on the full softmax model with all classes coupled, see
        :func:`~shrinkage.solvers.cd.solve_multinomial_enet`; intercepts are then reported
        summing to zero). ``tol`` is then relative to the largest gradient at zero, and
        ``max_iter`` (proximal Newton steps) defaults to 100, 200 for the softmax.
        scikit-learn's ``LogisticRegression(C, l1_ratio=r)`` is ``λ = (1+r)/(2CS)``,
        ``ρ = 2r/(1+r)`` (:func:`~shrinkage.convert_strength`).
    fit_intercept : bool, default=True
    standardize : bool, default=True
        Penalize the coefficients of the standardized features (weighted population standard
        deviation); ``coef_`` is always on the original scale. No copy of ``X`` is made.
    penalty_factor : array-like of shape (n_features,), default=None
        Per-feature factors ``f_j ≥ 0`` (0 leaves a feature unpenalized).
    solver : {"auto", "newton-cholesky", "newton-cg", "lbfgs"}, default="auto"
        See :mod:`shrinkage.solvers.smooth`. "auto" is Newton with a Cholesky factorization
        while the Hessian is small (``p + 1 ≤ 1500`` for two classes, ``K(p+1) ≤ 200``
        otherwise), else Newton-CG (two classes) or L-BFGS (softmax).
    tol : float, default=1e-8
        Stop when the largest partial derivative of ``J`` with respect to a standardized
        coefficient or an intercept is at most ``tol``.
    max_iter : int, default=None
        Newton iterations (default 100) or L-BFGS iterations (default 1000).

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    n_iter_ : int
    lam_ : float
    solver_ : str
        The solver used ("auto" resolved).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.

    Notes
    -----
    Input of dtype float32 is converted once to float64; all computation is in float64.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array(["no", "no", "yes", "yes"])
    >>> clf = LogisticRegression(lam=0.01).fit(X, y)
    >>> clf.predict([[0.5], [2.5]]).tolist()
    ['no', 'yes']
    >>> clf.coef_.shape, clf.predict_proba([[1.5]]).round(3).tolist()
    ((1, 1), [[0.5, 0.5]])
    """

    def __init__(self, lam: float = 0.01, *, l1_ratio: float = 0.0, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor=None, solver: str = "auto",
                 tol: float = 1e-8, max_iter: int | None = None):
        self.lam = lam
        self.l1_ratio = l1_ratio
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter

    def fit(self, X, y, sample_weight=None):
        """Fit the model.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
            Class labels (numbers or strings), at least two classes.
        sample_weight : array-like of shape (n_samples,), default=None
            Non-negative weights; only their ratios matter.

        Returns
        -------
        self
        """
        lam = check_lam(self.lam)
        _check_params(self)
        rho = self.l1_ratio
        if isinstance(rho, bool) or not isinstance(rho, Real) or not 0.0 <= rho <= 1.0:
            raise ValueError(f"l1_ratio must be a number in [0, 1], got {rho!r}")
        X, Y, y_idx, classes, s, pf = _prepare(self, X, y, sample_weight)
        if rho > 0:
            return self._fit_enet(X, y_idx, classes, s, pf, lam, float(rho))
        obj = _objective(X, Y, s, lam, pf, self.fit_intercept, self.standardize)
        res = solve_smooth(obj, solver=self.solver, tol=float(self.tol), max_iter=self.max_iter)
        self._set_fitted(res, classes, lam)
        return self

    def _fit_enet(self, X, y_idx, classes, s, pf, lam, rho):
        """Elastic net / L1: proximal Newton with coordinate descent (:mod:`shrinkage.solvers.cd`),
        binary or softmax."""
        check_weighted_classes(classes, y_idx, s)
        common = {"lam": lam, "l1_ratio": rho, "penalty_factor": pf,
                  "fit_intercept": self.fit_intercept, "standardize": self.standardize,
                  "tol": float(self.tol)}
        if classes.size > 2:
            res = solve_multinomial_enet(X, y_idx, s, max_iter=self.max_iter or 200, **common)
        else:
            res = solve_logistic_enet(X, y_idx.astype(np.float64), s,
                                      max_iter=self.max_iter or 100, **common)
        if not res.converged:
            warnings.warn(f"the elastic-net logistic solver stopped after {res.n_iter} proximal "
                          f"Newton steps without meeting tol={self.tol:g}; raise max_iter",
                          ConvergenceWarning, stacklevel=3)
        self.classes_ = classes
        self.coef_ = np.asarray(res.coef, dtype=np.float64).reshape(-1, X.shape[1])
        self.intercept_ = np.atleast_1d(np.asarray(res.intercept, dtype=np.float64))
        self.n_iter_ = int(res.n_iter)
        self.lam_ = lam
        self.solver_ = "proximal-newton-cd"
        return self


# -- cross-validation ------------------------------------------------------------------------
def lam_max_logistic(obj: SmoothObjective) -> float:
    """Top of the default λ grid: every standardized coefficient is about 1e-3 there.

    At ``W = 0`` with the intercepts at their null-model values, the gradient of the data
    term with respect to a coefficient in its penalized units is ``g_j = ∂J/∂w_j / √π_j``
    (``π_j`` the penalty weight); the ridge solution for large λ is about ``g/(2λ)``, so
    ``λ_max = max_j |g_j| / (2·1e-3)``. This is glmnet's ridge grid (it computes the lasso
    ``λ_max`` at ``alpha = 0.001``).
    """
    K = obj.K
    sw, Y = obj.sw, obj.Y
    if obj.binary:
        G = sw * ((sw @ Y) - Y) if obj.fit_intercept else sw * (0.5 - Y)
    else:
        prior = sw @ Y if obj.fit_intercept else np.full(K, 1.0 / K)
        G = sw[:, None] * (prior - Y)
    gV = obj._Zt(G)                                      # (K, p), θ-coordinates
    w = obj.f / obj.s ** 2                                # π_j / λ
    pen = w > 0
    if not np.any(pen):
        return 1.0
    g = np.abs(gV[:, pen]) / np.sqrt(w[pen])
    top = float(g.max())
    return top / (2 * _LAM_MAX_COEF) if top > 0 else 1.0


def _fold_path(X, Y, s, train, test, lams, pf, fit_intercept, standardize, solver, tol,
               max_iter, scores, theta0, limit_threads):
    """Walk ``lams`` on the training rows (warm starts), score each λ on the test rows with
    every score: ``scores`` of shape (n_lams, n_scores)."""
    with threadpool_limits(1) if limit_threads else _nullcontext():
        Xtr, Ytr = X[train], Y[train]
        s_tr = None if s is None else s[train]
        obj = _objective(Xtr, Ytr, s_tr, lams[0], pf, fit_intercept, standardize)
        results = solve_smooth_path(obj, lams, solver=solver, tol=tol, max_iter=max_iter,
                                    theta0=theta0, warn=False)
        Xte = X[test]
        Yte = Y[test]
        Yte = np.column_stack([1.0 - Yte, Yte]) if Yte.ndim == 1 else Yte
        s_te = None if s is None else s[test]
        values = np.empty((len(results), len(scores)))
        for i, r in enumerate(results):
            P = _proba(Xte, r.coef, r.intercept)
            values[i] = [sc(Yte, P, s_te) for sc in scores]
        n_iter = np.array([r.n_iter for r in results])
        coefs = [(r.coef, r.intercept) for r in results]
        return values, n_iter, results[0].theta, results[-1].theta, coefs


class _nullcontext:
    def __enter__(self):
        return self

    def __exit__(self, *a):
        return False


class LogisticRegressionCV(_LogisticBase):
    r"""L2 logistic regression with λ chosen by K-fold cross-validation, then refit on all data.

    Each fold standardizes with its own training rows (honest CV) and walks the λ grid from the
    largest value down, warm-starting every fit at the previous solution and reusing the
    Newton Hessian (a few cheap steps per λ). Scores are averaged over folds (unweighted);
    their standard error is the sample standard deviation of the fold scores over
    ``√n_folds``. The final model is refit on all rows at the chosen λ, warm-started at the
    first fold's solution; with ``compute_df=True`` the same warm-started path is walked on all
    rows instead, which gives the effective degrees of freedom at every λ
    (``cv_results_["df"]``) and the final model.

    Parameters
    ----------
    lams : int or array-like of shape (n_lams,), default=100
        An int is the size of the automatic grid: geometric from ``λ_max`` (where every
        standardized coefficient is about 1e-3, as glmnet's ridge grid; see
        :func:`lam_max_logistic`) down to ``1e-4·λ_max``. When the best λ sits on an edge of
        the automatic grid the grid is extended by two decades beyond it (at most three
        times). A user grid is used as given, with a warning when the best λ is on its edge.
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
        "neg_log_loss" (default), "accuracy", "neg_brier_score", "roc_auc", or a callable
        ``f(y_true, proba) -> float`` (higher is better). Several metrics (a list, or a dict
        name -> metric): the first chooses λ, the others are computed from the same held-out
        probabilities into ``cv_results_["extra_scores"]`` ({name: (n_lams, n_folds)}), and
        ``to_frame()`` shows ``mean_<name>`` and ``se_<name>``.
    fit_intercept, standardize, penalty_factor, solver, tol, max_iter
        As in :class:`LogisticRegression`.
    n_jobs : int, default=None
        Folds in parallel with joblib (BLAS limited to one thread per worker).
    progress : bool, default=False
        A progress bar on stderr over the fold × λ fits (and the all-data path), advancing as
        each fold's path finishes (:class:`~shrinkage.selection.ProgressBar`).
    compute_df : bool, default=False
        Fill ``cv_results_["df"]``: walk the grid on all rows and form the Hessian at every λ
        (about one more fold's path plus a Hessian per λ: on the 50,000 × 200 benchmark it made
        the whole fit ~60% slower, so it is off by default and ``"df"`` is NaN).
    random_state : int, default=None
        Shuffles the stratified folds when set (``StratifiedKFold(cv, shuffle=True,
        random_state=random_state)``); ``None`` keeps the rows in order
        (``StratifiedKFold(cv)``).

    Attributes
    ----------
    lam_ : float
        The chosen λ (by ``rule``).
    lam_min_, lam_1se_ : float
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
    >>> from sklearn.datasets import load_breast_cancer
    >>> from shrinkage import LogisticRegressionCV
    >>> X, y = load_breast_cancer(return_X_y=True)
    >>> clf = LogisticRegressionCV(lams=20, cv=5).fit(X, y)
    >>> n_lams = len(clf.cv_results_["lam"])   # 20, or more if the grid was extended
    >>> clf.cv_results_["fold_scores"].shape == (n_lams, 5)
    True
    >>> bool(clf.score(X, y) > 0.95)
    True
    """

    def __init__(self, lams=100, *, cv=5, rule: str = "min", scoring=None,
                 fit_intercept: bool = True, standardize: bool = True, penalty_factor=None,
                 solver: str = "auto", tol: float = 1e-8, max_iter: int | None = None,
                 n_jobs: int | None = None, progress: bool = False, compute_df: bool = False,
                 random_state=None):
        self.lams = lams
        self.cv = cv
        self.rule = rule
        self.scoring = scoring
        self.fit_intercept = fit_intercept
        self.standardize = standardize
        self.penalty_factor = penalty_factor
        self.solver = solver
        self.tol = tol
        self.max_iter = max_iter
        self.n_jobs = n_jobs
        self.progress = progress
        self.compute_df = compute_df
        self.random_state = random_state

    def _splits(self, X, y_idx, groups):
        cv = self.cv
        if isinstance(cv, Integral) and not isinstance(cv, bool) and groups is None and cv >= 2:
            counts = np.bincount(y_idx)
            if counts.min() < cv:
                raise ValueError(
                    f"the smallest class has {counts.min()} samples, fewer than cv={cv} folds; "
                    "use fewer folds")
        return make_splits(cv, X, y_idx, groups, classification=True,
                           random_state=self.random_state)

    def fit(self, X, y, sample_weight=None, groups=None):
        """Cross-validate λ over the grid, then refit on all rows at ``lam_``.

        Parameters
        ----------
        X : array-like of shape (n_samples, n_features)
        y : array-like of shape (n_samples,)
        sample_weight : array-like of shape (n_samples,), default=None
            Used in every fit and in the fold scores.
        groups : array-like of shape (n_samples,), default=None
            Group labels: with an integer ``cv``, folds never split a group (GroupKFold).

        Returns
        -------
        self
        """
        _check_params(self)
        parse_rule(self.rule)
        lams = check_lams(self.lams)
        if isinstance(self.cv, str) and self.cv == "evidence":
            return self._fit_evidence(X, y, sample_weight, lams)
        scores = get_scores(self.scoring, classification=True)
        X, Y, y_idx, classes, s, pf = _prepare(self, X, y, sample_weight)
        folds, n_repeats = self._splits(X, y_idx, groups)
        full = _objective(X, Y, s, 1.0, pf, self.fit_intercept, self.standardize)
        auto = isinstance(lams, int)
        if auto:
            lam_max = lam_max_logistic(full)
            lams = np.geomspace(lam_max, lam_max * _LAM_MIN_RATIO, lams) if lams > 1 \
                else np.array([lam_max])
        n_jobs = effective_n_jobs(self.n_jobs)
        tol = float(self.tol)
        bar = ProgressBar(len(folds) * len(lams), "cross-validation (fold × λ fits)",
                          self.progress)

        def run(grid, thetas):
            jobs = (delayed(_fold_path)(X, Y, s, tr, te, grid, pf, self.fit_intercept,
                                        self.standardize, self.solver, tol, self.max_iter,
                                        scores, th, n_jobs > 1)
                    for (tr, te), th in zip(folds, thetas))
            out = []
            for o in (Parallel(n_jobs=n_jobs, return_as="generator")(jobs) if n_jobs > 1
                      else (job[0](*job[1], **job[2]) for job in jobs)):
                out.append(o)
                bar.update(len(grid))
            return out

        def stack(out):        # (n_lams, n_scores, n_folds) and (n_lams, n_folds)
            return np.stack([o[0] for o in out], axis=2), np.column_stack([o[1] for o in out])

        with bar:
            out = run(lams, [None] * len(folds))
            values, n_iter = stack(out)
            coefs0 = list(out[0][4])                          # the first fold's path
            last = [o[3] for o in out]                        # each fold at the smallest λ
            sel = self._select(lams, values[:, 0])
            n_ext = 0
            while auto and sel.on_edge and n_ext < _MAX_EXTENSIONS and lams.size > 1:
                n_ext += 1
                ratio = lams[1] / lams[0]                     # < 1: the grid's spacing
                n_more = max(int(round(np.log(1e-2) / np.log(ratio))), 1)
                bar.add_total(len(folds) * n_more)
                if sel.lam_min == lams[-1]:                   # extend downwards from the last fits
                    new = lams[-1] * ratio ** np.arange(1, n_more + 1)
                    o = run(new, last)
                    last = [r[3] for r in o]
                    v, it = stack(o)
                    lams = np.concatenate([lams, new])
                    values, n_iter = np.concatenate([values, v]), np.vstack([n_iter, it])
                    coefs0 = coefs0 + list(o[0][4])
                else:                                         # extend upwards, walking down to it
                    new = lams[0] / ratio ** np.arange(n_more, 0, -1)
                    o = run(new, [None] * len(folds))
                    v, it = stack(o)
                    lams = np.concatenate([new, lams])
                    values, n_iter = np.concatenate([v, values]), np.vstack([it, n_iter])
                    coefs0 = list(o[0][4]) + coefs0
                sel = self._select(lams, values[:, 0])
            path = None
            if self.compute_df:       # the all-data path: df along the grid, and the refit
                bar.add_total(len(lams))
                path = solve_smooth_path(full, lams, solver=self.solver, tol=tol,
                                         max_iter=self.max_iter, warn=False)
                bar.update(len(lams))
        if not auto:
            warn_on_edge(sel, lams)

        df = np.full(lams.size, np.nan)
        k_eff = 1 if classes.size == 2 else classes.size
        if path is not None and choose_solver(X.shape[1], k_eff) == "newton-cholesky":
            # the Hessian is small enough that the solver forms it at every Newton step anyway;
            # one BLAS thread, as in the solver (numpy's and scipy's OpenBLAS pools contend)
            with threadpool_limits(limits=1, user_api="blas"):
                df = np.array([logistic_effective_df(
                    X, r.coef, r.intercept, lam, penalty_factor=pf,
                    fit_intercept=self.fit_intercept, standardize=self.standardize,
                    sample_weight=s) for r, lam in zip(path, lams)])
        extra = {sc.name: values[:, m] for m, sc in enumerate(scores) if m > 0}
        result, sel = make_result(lams, rule=self.rule, scoring=scores[0].name,
                                  fold_scores=values[:, 0], df=df, n_repeats=n_repeats,
                                  extra=extra)
        result["n_iter"] = n_iter
        self.cv_results_ = result
        self.lam_min_, self.lam_1se_ = sel.lam_min, sel.lam_1se
        full.set_lam(sel.lam)
        if path is not None:
            res = path[sel.index]
            if not res.converged:   # finish (and warn, as LogisticRegression would) here
                res = solve_smooth(full, theta0=res.theta, solver=self.solver, tol=tol,
                                   max_iter=self.max_iter)
        else:                       # refit, warm-started at the first fold's solution
            W0, b0 = coefs0[sel.index]
            res = solve_smooth(full, theta0=full.from_original(W0, b0), solver=self.solver,
                               tol=tol, max_iter=self.max_iter)
        self._set_fitted(res, classes, sel.lam)
        return self

    def _select(self, lams, fold_scores):
        return make_result(lams, rule=self.rule, scoring="", fold_scores=fold_scores)[1]

    def _fit_evidence(self, X, y, sample_weight, lams):
        """λ maximizing the Laplace-approximated evidence (see :mod:`shrinkage.selection.evidence`)."""
        if self.rule != "min":
            raise ValueError("rule applies to cross-validation; cv='evidence' takes the λ that "
                             "maximizes the marginal likelihood (use rule='min')")
        X_, Y, y_idx, classes, s, pf = _prepare(self, X, y, sample_weight)
        grid = None if isinstance(lams, int) else lams
        lam, info = logistic_evidence_lam(
            X_, classes[y_idx], grid, sample_weight=s, fit_intercept=self.fit_intercept,
            standardize=self.standardize, penalty_factor=pf, solver=self.solver, tol=self.tol,
            max_iter=self.max_iter)
        if info["on_edge"]:
            warnings.warn(f"the evidence is largest at the edge of the λ range ({lam:.4g}); the "
                          "data may hold no signal (λ → ∞) or need a wider grid", UserWarning,
                          stacklevel=2)
        grid_lams = np.append(info["lams"], lam)
        order = np.argsort(-grid_lams, kind="stable")
        logev = np.append(info["log_evidence"], info["log_evidence_max"])[order]
        result, _ = make_result(grid_lams[order], rule="min", scoring="log_evidence", mean=logev,
                                se=np.full_like(logev, np.nan))
        result.reason = f"λ = {lam:.4g} maximizes the Laplace-approximated marginal likelihood"
        self.cv_results_ = result
        self.lam_min_ = self.lam_1se_ = lam
        full = _objective(X_, Y, s, lam, pf, self.fit_intercept, self.standardize)
        theta0 = full.from_original(np.asarray(info["coef"]), np.asarray(info["intercept"]))
        res = solve_smooth(full, theta0=theta0, solver=self.solver, tol=float(self.tol),
                           max_iter=self.max_iter)
        self._set_fitted(res, classes, lam)
        return self
