r"""L2-penalized logistic regression, binary and multinomial (:class:`LogisticRegression`).

Both estimators minimize the objective of :mod:`shrinkage.conventions` with the logistic loss
(two classes) or the softmax cross-entropy (``K ≥ 3`` classes, one coefficient row per class,
not one-vs-rest)::

    J(W, b) = (1/S) Σ_i s_i ℓ(y_i, W x_i + b)  +  λ Σ_k Σ_j f_j W_kj²

The intercepts are never penalized. scikit-learn's ``LogisticRegression(C=C)`` minimizes the
same function at ``λ = 1/(2 C S)`` (``S`` the number of rows or the sum of the sample weights).
The solvers are in :mod:`shrinkage.solvers.smooth` (L2) and :mod:`shrinkage.solvers.prox_newton`
(elastic net); :class:`LogisticRegressionCV` is in :mod:`~shrinkage.linear_model._logistic_cv`.
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.utils.validation import check_is_fitted

from .._docs import fill_doc
from .._validation import (check_bounds, check_classification_y, check_lam, check_offset,
                           check_penalty_factor, class_weighted,
                           check_sample_weight, check_weighted_classes, check_X, check_X_y,
                           input_dtype, store_init_args)
from ..datafits import Logistic, SoftmaxCrossEntropy
from ..penalties import ElasticNet as ENPenalty
from ..solvers.objective import logistic_effective_df, logistic_objective
from ..solvers.prox_newton import solve_glm_enet, solve_logistic_enet, solve_multinomial_enet
from ..solvers.smooth import SOLVERS, solve_smooth
from ._base import ColumnSelection, LamMax
from ._enet import relax_gamma
from ._views import LinearViews
from ._dask import DaskMethods, is_dask_input
from ._dask_logistic import fit_logistic
from ..solvers.blockwise import is_dask_collection
from .._params import ParamHints
from ._summary import CoefficientSummary

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from .._typing import ArrayLike, ClassWeight, MatrixLike, Prediction
    from typing_extensions import Self

__all__ = ["LogisticRegression", "LogisticBase", "check_params", "prepare", "proba",
           "proba_from_eta", "relaxed_logistic"]


def check_params(est):
    if est.solver not in SOLVERS:
        raise ValueError(f"solver must be one of {SOLVERS}, got {est.solver!r}")
    if isinstance(est.tol, bool) or not isinstance(est.tol, Real) or not est.tol > 0:
        raise ValueError(f"tol must be a positive number, got {est.tol!r}")
    mi = est.max_iter
    if mi is not None and (isinstance(mi, bool) or not isinstance(mi, Integral) or mi < 1):
        raise ValueError(f"max_iter must be a positive integer or None, got {mi!r}")


def prepare(est, X, y, sample_weight):
    """Validate and encode: float64 X, targets (``y ∈ {0,1}`` or one-hot), raw weights."""
    X, y = check_X_y(est, X, y, y_numeric=False)
    classes, y_idx = check_classification_y(y)
    # float32 input: one conversion, float64 maths; sparse X stays sparse
    X = X.astype(np.float64, copy=False) if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    s = class_weighted(est.class_weight, classes, y_idx, check_sample_weight(sample_weight, X))
    pf = check_penalty_factor(est.penalty_factor, X.shape[1])
    Y = (y_idx == 1).astype(np.float64) if classes.size == 2 else np.eye(classes.size)[y_idx]
    return X, Y, y_idx, classes, s, pf




def relaxed_logistic(X, y_idx, s, coef, intercept, gamma, *, fit_intercept=True,
                     tol=1e-8, solver="auto", max_iter=None, cache=None):
    """glmnet's relaxed logistic fit (``relax=γ``): ``γ · (coef, intercept) + (1 − γ) ·`` the
    unpenalized fit (``λ = 0``, :class:`LogisticRegression`) on the support, the features with a
    non-zero coefficient in some class (glmnet's ``relax.glmnet``); the penalized fit itself
    when ``γ = 1``. ``coef`` (K, p) and ``intercept`` (K,) as ``coef_`` / ``intercept_``,
    ``y_idx`` the class indices, ``s`` the (class-weighted) sample weights or None. The
    unpenalized fit does not exist for separable classes on the support (a
    ``ConvergenceWarning`` then says so, as ``LogisticRegression(lam=0)``). ``cache``: a dict
    keeping the unpenalized fit of each support seen (a path visits a support at many λ)."""
    if gamma == 1.0:
        return coef, intercept
    K = coef.shape[0]
    support = np.flatnonzero(np.any(coef != 0, axis=0))
    key = support.tobytes()
    if cache is not None and key in cache:
        rc, rb = cache[key]
        return gamma * coef + (1.0 - gamma) * rc, gamma * intercept + (1.0 - gamma) * rb
    rc, rb = np.zeros_like(coef), np.zeros_like(intercept)
    if support.size:
        XS = X[:, support]                    # sparse stays sparse: the L2 fit takes it
        fit = LogisticRegression(0.0, fit_intercept=fit_intercept, tol=tol, solver=solver,
                                 max_iter=max_iter).fit(XS, y_idx, sample_weight=s)
        rc[:, support], rb = fit.coef_, fit.intercept_
    elif fit_intercept:               # the intercept-only model
        sw = np.full(y_idx.size, 1.0 / y_idx.size) if s is None else s / np.sum(s)
        rb = np.atleast_1d(Logistic().null_eta((y_idx == 1).astype(float), sw) if K == 1
                           else SoftmaxCrossEntropy().null_eta(np.eye(K)[y_idx], sw))
    if cache is not None:
        cache[key] = (rc, rb)
    return gamma * coef + (1.0 - gamma) * rc, gamma * intercept + (1.0 - gamma) * rb


def proba(X, W, b):
    """Class probabilities (n, K_classes) from coefficients (K, p), (K,)."""
    return proba_from_eta(X @ W.T + b)


def proba_from_eta(eta):
    """Probabilities from the linear predictor (n, 1) or (n, K) (:mod:`shrinkage.datafits`)."""
    if eta.shape[1] == 1:
        return Logistic.probabilities(eta[:, 0])
    return SoftmaxCrossEntropy.probabilities(eta)


def _no_dask_offset(offset):
    if offset is not None:
        raise TypeError("offset= takes data in memory; on Dask data add it to "
                        "decision_function(X)")


class LogisticBase(ParamHints, ColumnSelection, LinearViews, DaskMethods, ClassifierMixin, BaseEstimator):
    """Prediction methods shared by both estimators (on a Dask array, Dask arrays)."""

    def score(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None) -> float:
        """Accuracy of ``predict(X)`` (scikit-learn's; reduced blockwise on Dask data)."""
        if is_dask_input(X, y, sample_weight):
            return self._dask_score(X, y, sample_weight, classifier=True)
        return super().score(X, y, sample_weight)

    @fill_doc
    def decision_function(self, X: MatrixLike, offset: ArrayLike | None = None) -> Prediction:
        """Linear predictor (``+ offset``).

        {params: X}
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            Added to the log-odds (two classes) or to each class's linear predictor, as in
            ``fit`` (default: none).

        Returns
        -------
        ndarray of shape (n_samples,) for two classes (the log-odds of ``classes_[1]``), or
        (n_samples, n_classes).
        """
        if is_dask_collection(X):
            _no_dask_offset(offset)
            return self._dask_map("decision_function", X)
        check_is_fitted(self)
        X = check_X(self, X, reset=False, dtype=[np.float64, np.float32])
        eta = np.asarray(X @ self.coef_.T) + self.intercept_
        off = check_offset(offset, X.shape[0], None if eta.shape[1] == 1 else eta.shape[1])
        if off is not None:
            eta = (eta + (off[:, None] if off.ndim == 1 else off)).astype(eta.dtype)
        return eta[:, 0] if eta.shape[1] == 1 else eta

    @fill_doc
    def predict(self, X: MatrixLike, offset: ArrayLike | None = None) -> Prediction:
        """Most probable class.

        {params: X}
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            As in :meth:`decision_function`.

        Returns
        -------
        ndarray of shape (n_samples,), values from ``classes_``.
        """
        if is_dask_collection(X):
            _no_dask_offset(offset)
            return self._dask_map("predict", X)
        eta = self.decision_function(X, offset)
        idx = (eta > 0).astype(int) if eta.ndim == 1 else np.argmax(eta, axis=1)
        return self.classes_[idx]

    @fill_doc
    def predict_proba(self, X: MatrixLike, offset: ArrayLike | None = None) -> Prediction:
        """Class probabilities.

        {params: X}
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            As in :meth:`decision_function`.

        Returns
        -------
        ndarray of shape (n_samples, n_classes), columns in the order of ``classes_``.
        """
        if is_dask_collection(X):
            _no_dask_offset(offset)
            return self._dask_map("predict_proba", X)
        eta = self.decision_function(X, offset)
        return proba_from_eta(eta[:, None] if eta.ndim == 1 else eta)

    @fill_doc
    def predict_log_proba(self, X: MatrixLike, offset: ArrayLike | None = None) -> Prediction:
        """Logarithm of :meth:`predict_proba`, computed stably.

        {params: X}
        offset : array-like of shape (n_samples,) or (n_samples, n_classes), optional
            As in :meth:`decision_function`.

        Returns
        -------
        ndarray of shape (n_samples, n_classes)
        """
        if is_dask_collection(X):
            _no_dask_offset(offset)
            return self._dask_map("predict_log_proba", X)
        eta = self.decision_function(X, offset)
        if eta.ndim == 1:
            return Logistic.log_probabilities(eta)
        return SoftmaxCrossEntropy.log_probabilities(eta)

    def effective_df(self, X: MatrixLike, sample_weight: ArrayLike | None = None) -> float:
        """Effective degrees of freedom of the fit on ``X`` (the training rows): ``tr(H(H+P)⁺)``
        without the intercepts for the L2 penalty
        (:func:`~shrinkage.solvers.objective.logistic_effective_df`), the number of non-zero
        coefficients with an L1 part."""
        check_is_fitted(self, "coef_")
        if getattr(self, "l1_ratio", 0.0):
            return float(np.count_nonzero(self.coef_))
        self._refuse_exclude("effective_df(X)")
        X = check_X(self, X, reset=False)
        return logistic_effective_df(np.asarray(X, dtype=np.float64), self.coef_,
                                     self.intercept_, self.lam_,
                                     penalty_factor=self.penalty_factor,
                                     fit_intercept=self.fit_intercept,
                                     standardize=self.standardize, sample_weight=sample_weight)

    def _summary_datafit(self, y, s):
        """For :meth:`summary`: the logistic loss, ``y`` as 0/1 and the class-weighted rows."""
        classes, y_idx = np.unique(y, return_inverse=True)
        if not np.array_equal(classes, self.classes_):
            raise ValueError(f"y holds the classes {classes.tolist()}, the model was fitted on "
                             f"{self.classes_.tolist()}; pass the training data")
        s = class_weighted(self.class_weight, classes, y_idx, s)
        return Logistic(), (y_idx == 1).astype(np.float64), s

    def _set_fitted(self, res, classes, lam, dtype=np.float64):
        self.classes_ = classes
        self.coef_ = np.asarray(res.coef).astype(dtype)       # float32 X: float32 out
        self.intercept_ = np.asarray(res.intercept).astype(dtype)
        self.n_iter_ = int(res.n_iter)
        self.lam_ = float(lam)
        self.solver_ = res.solver

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = False
        return tags


@fill_doc
class LogisticRegression(CoefficientSummary, LamMax, LogisticBase):
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
        :func:`~shrinkage.solvers.prox_newton.solve_multinomial_enet`; intercepts are then reported
        summing to zero). ``tol`` is then relative to the largest gradient at zero, and
        ``max_iter`` (proximal Newton steps) defaults to 100, 200 for the softmax.
        scikit-learn's ``LogisticRegression(C, l1_ratio=r)`` is ``λ = (1+r)/(2CS)``,
        ``ρ = 2r/(1+r)`` (:func:`~shrinkage.convert_strength`). Sparse ``X`` (CSR/CSC) is
        fitted without densifying, binary or softmax (coordinate descent on the CSC columns
        with implicit centring and scaling, :mod:`~shrinkage.solvers._cd_sparse`).
    relax : bool or float, default=False
        With ``l1_ratio > 0``: ``True`` reports the relaxed fit, the unpenalized logistic
        (softmax) fit on the selected support (the features with a non-zero coefficient in
        some class); a float γ in [0, 1] the mixture ``γ · penalized + (1 − γ) · relaxed`` of
        coefficients and intercepts, glmnet's ``coef(fit, s, gamma=γ)`` of
        ``glmnet(family="binomial", relax=TRUE)`` (``True`` is γ = 0, ``False`` γ = 1; see
        :mod:`~shrinkage.linear_model._enet`). The penalized fit stays in
        ``penalized_coef_`` / ``penalized_intercept_``. The unpenalized fit does not exist for
        classes separable on the support (a ``ConvergenceWarning`` says so).
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
    class_weight : dict, "balanced" or None, default=None
        Weights of the classes, multiplying ``sample_weight``: ``{label: weight}`` (classes not
        named weigh 1) or ``"balanced"`` (``S / (K · S_k)``, ``S_k`` the weight of class ``k``),
        as in scikit-learn. The fit equals the one with ``sample_weight`` times those weights.
    lower_bounds, upper_bounds : float or array-like of shape (n_features,), optional
        Box constraints ``lower_j ≤ w_j ≤ upper_j`` (original scale, ``lower ≤ 0 ≤ upper``,
        ``±inf`` for none; glmnet's ``lower.limits`` / ``upper.limits``). Two classes (dense
        or sparse ``X``): :func:`~shrinkage.solvers.prox_newton.solve_glm_enet` with the
        logistic datafit; ``K ≥ 3`` classes (dense ``X``): the same box holds every class's
        coefficients (as glmnet's multinomial limits),
        :func:`~shrinkage.solvers.prox_newton.solve_multinomial_enet`, whose centring of the
        classes stays in the box. Proximal Newton with projected coordinate descent whatever
        ``l1_ratio``, whose certificate includes the box's normal cone (``kkt_``).
    {exclude}

    Attributes
    ----------
    classes_ : ndarray of shape (n_classes,)
    coef_ : ndarray of shape (1, n_features) for two classes, else (n_classes, n_features)
    intercept_ : ndarray of shape (1,) or (n_classes,)
    penalized_coef_, penalized_intercept_ : ndarray
        The penalized fit (equal to ``coef_`` / ``intercept_`` unless ``relax``); only with
        ``l1_ratio > 0``.
    n_iter_ : int
    lam_ : float
    solver_ : str
        The solver used ("auto" resolved).
    n_features_in_ : int
    feature_names_in_ : ndarray of shape (n_features_in_,)
        Only when ``X`` has string column names.

    Notes
    -----
    Input of dtype float32 is converted once to float64 and all computation is in float64;
    the coefficients, decision function and probabilities then come back as float32.

    Examples
    --------
    >>> import numpy as np; from shrinkage import LogisticRegression
    >>> X = np.array([[0.0], [1.0], [2.0], [3.0]])
    >>> y = np.array(["no", "no", "yes", "yes"])
    >>> clf = LogisticRegression(lam=0.01).fit(X, y)
    >>> clf.predict([[0.5], [2.5]]).tolist()
    ['no', 'yes']
    >>> clf.coef_.shape, clf.predict_proba([[1.5]]).round(3).tolist()
    ((1, 1), [[0.5, 0.5]])

    A relaxed lasso fit: the support of the L1 fit, refitted without the penalty.

    >>> from sklearn.datasets import load_breast_cancer
    >>> Xb, yb = load_breast_cancer(return_X_y=True)
    >>> lasso = LogisticRegression(lam=0.05, l1_ratio=1.0, relax=True).fit(Xb, yb)
    >>> np.flatnonzero(lasso.coef_).tolist() == np.flatnonzero(lasso.penalized_coef_).tolist()
    True
    >>> bool(np.abs(lasso.coef_).sum() > np.abs(lasso.penalized_coef_).sum())
    True

    Three classes: an offset has one column per class (glmnet's n × K), and a box holds every
    class's coefficients.

    >>> from sklearn.datasets import load_iris
    >>> Xi, yi = load_iris(return_X_y=True)
    >>> off = np.log(np.tile([1.0, 2.0, 1.0], (yi.size, 1)))     # class 1 twice as likely a priori
    >>> m = LogisticRegression(lam=0.01, lower_bounds=-1, upper_bounds=1).fit(Xi, yi, offset=off)
    >>> bool(np.all(np.abs(m.coef_) <= 1)), m.predict_proba(Xi[:1], offset=off[:1]).shape
    (True, (1, 3))
    """

    #: sparse X for every fit (L2, elastic net binary or softmax, binary bounds); box bounds
    #: with three or more classes are refused by name on sparse X
    _accepts_sparse = True

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.input_tags.sparse = True
        return tags

    def __init__(self, lam: float = 0.01, *, l1_ratio: float = 0.0, fit_intercept: bool = True,
                 standardize: bool = True, penalty_factor: ArrayLike | None = None,
                 solver: str = "auto", tol: float = 1e-8, max_iter: int | None = None,
                 class_weight: ClassWeight = None, lower_bounds: ArrayLike | None = None,
                 upper_bounds: ArrayLike | None = None, relax: bool | float = False,
                 exclude: ArrayLike | None = None):
        store_init_args(self, locals())

    @fill_doc
    def fit(self, X: MatrixLike, y: ArrayLike, sample_weight: ArrayLike | None = None,
            offset: ArrayLike | None = None) -> Self:
        """Fit the model.

        {params: X, y_classes, sample_weight, offset}
            With ``K ≥ 3`` classes an array of shape (n_samples, K), one column per class in
            the order of ``classes_``, added to each class's linear predictor (glmnet's
            multinomial n × K offset; an (n_samples,) offset would shift every class alike and
            change nothing, so it is refused).

        {returns_self}
        """
        lam = check_lam(self.lam)
        check_params(self)
        rho = self.l1_ratio
        if isinstance(rho, bool) or not isinstance(rho, Real) or not 0.0 <= rho <= 1.0:
            raise ValueError(f"l1_ratio must be a number in [0, 1], got {rho!r}")
        if relax_gamma(self.relax) < 1.0 and rho == 0:
            raise ValueError("relax refits on the support that an L1 part selects; with "
                             "l1_ratio=0 every feature is kept: use l1_ratio > 0, or lam=0 "
                             "for the unpenalized fit")
        if is_dask_input(X, y, sample_weight):
            if offset is not None or self.lower_bounds is not None or \
                    self.upper_bounds is not None:
                raise TypeError("offset= and bounds take data in memory; on Dask data fit "
                                "without them")
            if rho > 0:
                raise ValueError("LogisticRegression on Dask data fits the L2 penalty "
                                 "(l1_ratio=0); for an L1 / elastic-net fit pass data in memory")
            res, classes = fit_logistic(self, X, y, sample_weight, lam)
            self._set_fitted(res, classes, lam)
            return self
        dtype = input_dtype(X)
        X, Y, y_idx, classes, s, pf = prepare(self, X, y, sample_weight)
        off = check_offset(offset, X.shape[0], classes.size if classes.size > 2 else None)
        bounds = check_bounds(self.lower_bounds, self.upper_bounds, X.shape[1])
        if relax_gamma(self.relax) < 1.0 and (off is not None or bounds is not None):
            raise ValueError("relax refits without the penalty, and without an offset or "
                             "bounds: fit the relaxed model without offset= and bounds, or "
                             "use relax=False")
        if rho > 0 or bounds is not None:
            self._fit_enet(X, y_idx, classes, s, pf, lam, float(rho), off, bounds)
            self.coef_, self.intercept_ = (self.coef_.astype(dtype),
                                           self.intercept_.astype(dtype))
            return self
        obj = logistic_objective(X, Y, s, lam, pf, self.fit_intercept, self.standardize)
        obj.offset = off
        res = solve_smooth(obj, solver=self.solver, tol=float(self.tol), max_iter=self.max_iter)
        self._set_fitted(res, classes, lam, dtype)
        return self

    def _null_problem(self, X, y):
        classes, y_idx = np.unique(y, return_inverse=True)
        binary = classes.size == 2
        Y = (y_idx == 1).astype(np.float64) if binary else np.eye(classes.size)[y_idx]
        pen = ENPenalty(1.0, float(self.l1_ratio),
                        check_penalty_factor(self.penalty_factor, X.shape[1]))
        return pen, Y, Logistic() if binary else SoftmaxCrossEntropy()

    def _fit_enet(self, X, y_idx, classes, s, pf, lam, rho, offset=None, bounds=None):
        """Elastic net / L1 or bounds: proximal Newton with coordinate descent
        (:mod:`shrinkage.solvers.prox_newton`), binary or softmax; with an offset or bounds
        the logistic datafit in the GLM solver (binary) or the softmax solver, whose CD
        projects on the box."""
        check_weighted_classes(classes, y_idx, s)
        common = {"lam": lam, "l1_ratio": rho, "penalty_factor": pf,
                  "fit_intercept": self.fit_intercept, "standardize": self.standardize,
                  "tol": float(self.tol)}
        if classes.size > 2:
            res = solve_multinomial_enet(X, y_idx, s, max_iter=self.max_iter or 200,
                                         offset=offset, bounds=bounds, **common)
            if offset is not None or bounds is not None:
                self.kkt_ = float(res.kkt)
        elif offset is not None or bounds is not None or sp.issparse(X):
            res = solve_glm_enet(X, y_idx.astype(np.float64), s, datafit=Logistic(),
                                 offset=offset, bounds=bounds, max_iter=self.max_iter or 100,
                                 **common)
            self.kkt_ = float(res.kkt)
        else:
            res = solve_logistic_enet(X, y_idx.astype(np.float64), s,
                                      max_iter=self.max_iter or 100, **common)
        # the solver warns (once) when it stops short of tol
        self.classes_ = classes
        self.penalized_coef_ = np.asarray(res.coef, dtype=np.float64).reshape(-1, X.shape[1])
        self.penalized_intercept_ = np.atleast_1d(np.asarray(res.intercept, dtype=np.float64))
        self.coef_, self.intercept_ = relaxed_logistic(
            X, y_idx, s, self.penalized_coef_, self.penalized_intercept_,
            relax_gamma(self.relax), fit_intercept=self.fit_intercept, tol=float(self.tol),
            solver=self.solver)
        self.n_iter_ = int(res.n_iter)
        self.lam_ = lam
        self.solver_ = "proximal-newton-cd"
        return self


