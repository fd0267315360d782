r"""Coordinate descent for the elastic net with squared error: problems, paths (numba kernels).

The problem
-----------
With weights ``sw_i = s_i/S`` summing to one, standardized features
``x̃_ij = (x_ij − m_j)/sd_j`` (``m = 0`` without an intercept, ``sd = 1`` without
standardization) and the penalty's per-coordinate weights ``a_j = λ f_j ρ``, ``c_j = λ f_j (1−ρ)``
(:meth:`shrinkage.penalties.ElasticNet.weights`) we minimize over ``β`` (the
coefficients of ``x̃``) and the intercept::

    Σ_i sw_i ℓ(y_i, x̃_iᵀβ + b) + Σ_j [c_j β_j² + a_j |β_j|]

and report ``w = β/sd``, ``b − mᵀw`` on the original scale (:mod:`shrinkage.conventions`).

Squared error
-------------
Centring eliminates the intercept (``b = ȳ``); with ``ỹ = y − ȳ`` and the residual
``r = ỹ − X̃β``, let ``h_j = Σ_i sw_i x̃_ij r_i`` (so the datafit gradient is ``−2h``) and
``G_jj = Σ_i sw_i x̃_ij²``. Minimizing over ``β_j`` alone, with the others fixed, is a
one-dimensional problem ``G_jj β_j² − 2β_j z + c_jβ_j² + a_j|β_j|`` with
``z = h_j + G_jj β_j``, solved by::

    β_j ← S(z, a_j/2) / (G_jj + c_j),        S(z, t) = sign(z) max(|z| − t, 0)

(:func:`shrinkage.penalties.enet_coordinate` with curvature ``2G_jj`` and linear term ``2z``).

Two ways to keep ``h`` current (glmnet's two modes):

* **covariance** (``n > p``): with ``G = X̃ᵀ diag(sw) X̃`` and ``q = X̃ᵀ(sw ⊙ ỹ)``, ``h = q − Gβ``;
  a change ``δ`` of ``β_j`` costs ``h −= δ G[:, j]`` (``O(p)``), independent of ``n``. ``G`` is
  formed once per data set (and per CV fold by downdating, :mod:`shrinkage.solvers.moments`).
* **naive** (``p ≥ n``): keep ``r``; ``h_j = Σ_i sw_i x_ij r_i / sd_j`` (``r`` has weighted mean
  zero, so centring costs nothing) and a change costs ``r −= δ x̃_j`` (``O(n)``).
* **csc** (sparse ``X``): the naive mode on the stored entries of each column, the centring
  carried by one scalar beside ``r`` (:mod:`shrinkage.solvers._cd_sparse`): a visit of
  feature ``j`` costs its stored entries, ``X`` is never densified. :func:`sparse_route`
  chooses it over the covariance mode on the sparse Gram moments by a measured cost rule;
  in CV the folds share the matrix, each weighing its test rows zero
  (:func:`fold_csc_problems`).

Screening and stopping
----------------------
Along a path ``λ_0 > λ_1 > …`` the *sequential strong rule* (Tibshirani et al. 2012) keeps
feature ``j`` at ``λ_k`` if ``|2h_j(λ_{k−1})| ≥ ρ f_j (2λ_k − λ_{k−1})`` (or it is non-zero or
unpenalized). CD sweeps this working set until its optimality certificate holds; then the
certificate is checked on *every* feature, violators join the working set and CD resumes. The
answer is therefore exact: the solver stops only when the largest subdifferential distance
(module :mod:`shrinkage.penalties`)::

    β_j ≠ 0:  |−2h_j + 2c_jβ_j + a_j sign β_j|,       β_j = 0:  max(|2h_j| − a_j, 0)

over all features is at most ``tol · max_j |2 X̃ᵀ(sw ⊙ ỹ)|_j`` (``tol`` relative to the null
gradient, i.e. to ``ρλ_max`` for unit factors; the units of ``y`` cancel).

What ``tol`` means, and glmnet's ``thresh``: on standardized columns (``G_jj = 1``) a
coordinate whose residual is ``d_j`` moves by about ``d_j/2`` and lowers the objective by about
``d_j²/4``; with ``max|2q| = 2 r_max √yy`` (``r_max = max_j |corr(x_j, y)|``, ``yy`` the null
datafit) the rule bounds that change by ``(tol · r_max)² · yy``, which is the quantity glmnet
compares with ``thresh`` (its largest ``G_jj Δβ_j²`` over a pass, relative to the null deviance).
glmnet measures the *last pass's* change, which on correlated columns understates the distance
to the optimum; the residual does not. Measured (``benchmarks/results/defaults_enet.md``, a
20,000 × 1,000 AR(0.9) design, glmnet's α = 1/3 path): glmnet's default ``thresh = 1e-7`` left
coefficients 3e-2 (median over λ) to 1.4e-1 (worst) from the exact path; ``tol = 1e-3`` 1.5e-2
to 5e-2; the estimators' default ``tol = 1e-4`` 8e-4 to 6e-3, with a quarter of the passes of
``tol = 1e-7``.

Each solution also gets its **duality gap** (:func:`duality_gap`, relative to ``yy``): an
upper bound on its suboptimality in objective units, reported in :class:`EnetPath` with the
fraction of ``yy`` explained (``dev_ratio``, glmnet's ``dev.ratio``); it is computed once per λ
(``O(p)`` given ``h``), not used to stop.

In covariance mode a full sweep over the working set alternates with *settling* its non-zeros
(the active set ``A``) on a contiguous copy of ``G[A, A]`` — ``O(|A|)`` per update instead of
``O(p)``, the rest of ``h`` brought up to date once afterwards — and every
``5 + 1`` settling passes try an *Anderson extrapolation* of the last iterates (Bertrand &
Massias 2021, as in skglm), kept only when it lowers the objective. On correlated designs
this cuts the passes several-fold; the stopping rule is unchanged.
The logistic and softmax elastic nets (proximal Newton around an inner coordinate descent) are
in :mod:`shrinkage.solvers.prox_newton`; the compiled loops of both in
:mod:`shrinkage.solvers._cd_kernels`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
from sklearn.exceptions import ConvergenceWarning

from .._docs import fill_doc
from ..penalties import ElasticNet, enet_conjugate, enet_value
from ..standardization import column_stats
from .ridge_sparse import GRAM_MAX_FEATURES as SPARSE_GRAM_MAX_FEATURES
from ._cd_kernels import _cd_gram, _cd_naive
from ._cd_sparse import _cd_csc, _csc_column_sums
from .moments import Moments, fold_moments
from .null import least_squares_on
from .._warnings import warn_user

__all__ = ["QuadraticProblem", "gram_problem", "naive_problem", "csc_problem", "make_problem",
           "sparse_route", "fold_gram_problems", "fold_csc_problems", "null_beta", "enet_path",
           "EnetPath", "duality_gap"]


@dataclass
class QuadraticProblem:
    """A centred, standardized least-squares problem in one of glmnet's two modes.

    ``mode == "gram"`` holds ``G`` (p, p) and ``q`` (p,); ``mode == "naive"`` holds ``X``
    (n, p, Fortran order, raw), ``sw`` (n,) and the centred target ``ytil`` (n,);
    ``mode == "csc"`` holds the same with ``X`` a scipy CSC matrix (raw, never densified) and
    ``xs = Xᵀsw`` (:mod:`shrinkage.solvers._cd_sparse`). All hold the
    column ``mean`` and ``scale`` (original units), ``ybar``, ``colsq = diag(G)`` and
    ``yy = Σ_i sw_i ỹ_i²`` (the null model's datafit: the unit of the duality gap; NaN when
    unknown).
    """

    mode: str
    mean: np.ndarray
    scale: np.ndarray
    ybar: float
    colsq: np.ndarray
    q: np.ndarray
    G: np.ndarray | None = None
    X: np.ndarray | None = None
    sw: np.ndarray | None = None
    ytil: np.ndarray | None = None
    yy: float = np.nan
    xs: np.ndarray | None = None

    @property
    def n_features(self) -> int:
        return self.mean.shape[0]

    @property
    def null_scale(self) -> float:
        """``max_j |2 q_j|``: the null gradient's size, the unit of ``tol``."""
        return float(np.max(np.abs(2.0 * self.q))) if self.q.size else 0.0

    def to_original(self, beta):
        """Standardized coefficients ``(…, p)`` → ``(coef, intercept)`` on the original scale."""
        coef = beta / self.scale
        return coef, self.ybar - coef @ self.mean

    @classmethod
    def from_moments(cls, m: Moments, yy: float = np.nan) -> "QuadraticProblem":
        """The covariance-mode problem of one target's :class:`~shrinkage.solvers.moments.Moments`
        (``yy`` its target's weighted sum of squares about its mean)."""
        return cls("gram", m.mean, m.scale, float(m.y_mean[0]), np.diag(m.G).copy(),
                   m.q[:, 0].copy(), G=m.G, yy=float(yy))


@fill_doc
def naive_problem(X, y, sw, *, fit_intercept=True, standardize=True) -> QuadraticProblem:
    """Problem for the naive mode (no ``X`` copy when it is already Fortran-ordered float64).

    {params: X_y_sw_arrays}
    """
    X = np.asfortranarray(X, dtype=np.float64)
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    ybar = float(sw @ y) if fit_intercept else 0.0
    ytil = np.ascontiguousarray(y - ybar, dtype=np.float64)
    swy = sw * ytil
    q = (swy @ X - mean * swy.sum()) / scale
    colsq = (sw @ (X * X) - 2 * mean * (sw @ X) + mean ** 2 * sw.sum()) / scale ** 2
    return QuadraticProblem("naive", mean, scale, ybar, np.maximum(colsq, 0.0), q, X=X,
                            sw=np.ascontiguousarray(sw), ytil=ytil, yy=float(sw @ ytil ** 2))


@fill_doc
def csc_problem(X, y, sw, *, fit_intercept=True, standardize=True) -> QuadraticProblem:
    """Problem for coordinate descent on the columns of sparse ``X``
    (:mod:`~shrinkage.solvers._cd_sparse`): the centring and the scaling stay implicit, ``X``
    is converted to CSC float64 (no copy when it is one already) and never densified.

    {params: X_y_sw_arrays}
    """
    X = sp.csc_matrix(X, dtype=np.float64)
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    sw = np.ascontiguousarray(sw, dtype=np.float64)
    ybar = float(sw @ y) if fit_intercept else 0.0
    ytil = np.ascontiguousarray(y - ybar, dtype=np.float64)
    xs, xsq = _csc_column_sums(X.data, X.indices, X.indptr, sw)
    swy = sw * ytil
    q = (np.asarray(X.T @ swy).ravel() - mean * swy.sum()) / scale
    colsq = (xsq - 2 * mean * xs + mean ** 2 * sw.sum()) / scale ** 2
    return QuadraticProblem("csc", mean, scale, ybar, np.maximum(colsq, 0.0), q, X=X, sw=sw,
                            ytil=ytil, yy=float(sw @ ytil ** 2), xs=xs)


def gram_problem(X, y, sw, *, fit_intercept=True, standardize=True) -> QuadraticProblem:
    """Problem for the covariance mode: ``G = X̃ᵀ diag(sw) X̃`` formed once (``O(np²)``).

    Parameters as in :func:`naive_problem`.
    """
    full, _ = fold_gram_problems(X, y, sw, [], fit_intercept=fit_intercept,
                                 standardize=standardize)
    return full


def fold_gram_problems(X, y, s, splits, *, fit_intercept=True, standardize=True):
    """Gram problems for all data and every training fold, from one pass of Gram products
    (:func:`~shrinkage.solvers.moments.fold_moments`; ``s`` raw sample weights or None).

    Returns
    -------
    full : QuadraticProblem
    folds : list of QuadraticProblem
    """
    full, folds = fold_moments(X, y, s, splits, fit_intercept=fit_intercept,
                               standardize=standardize)
    y = np.asarray(y, dtype=np.float64).ravel()
    w = np.ones(y.size) if s is None else np.asarray(s, dtype=np.float64)

    def yy(rows):
        yr, wr = y[rows], w[rows]
        c = (wr @ yr) / wr.sum() if fit_intercept else 0.0
        return float(wr @ (yr - c) ** 2 / wr.sum())

    return (QuadraticProblem.from_moments(full, yy(slice(None))),
            [QuadraticProblem.from_moments(m, yy(np.asarray(tr))) for m, (tr, _) in
             zip(folds, splits)])


def fold_csc_problems(X, y, s, splits, *, fit_intercept=True, standardize=True):
    """CSC problems (:func:`csc_problem`) for all data and every training fold, sharing one CSC
    copy of ``X``: a fold's problem is the all-data one with zero weight on its test rows
    (the same objective as on ``X[train]``, without copying rows; ``s`` raw sample weights or
    None).

    Returns
    -------
    full : QuadraticProblem
    folds : list of QuadraticProblem
    """
    X = sp.csc_matrix(X, dtype=np.float64)
    n = X.shape[0]
    s = np.ones(n) if s is None else np.asarray(s, dtype=np.float64)
    build = dict(fit_intercept=fit_intercept, standardize=standardize)
    folds = []
    for train, _ in splits:
        sw = np.zeros(n)
        sw[train] = s[train] / s[train].sum()
        folds.append(csc_problem(X, y, sw, **build))
    return csc_problem(X, y, s / s.sum(), **build), folds


@dataclass
class EnetPath:
    """Solutions along a λ grid, standardized coordinates.

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
    beta : ndarray of shape (n_lams, n_features)
    n_iter : ndarray of int of shape (n_lams,)
        CD passes per λ.
    kkt : ndarray of shape (n_lams,)
        Largest subdifferential distance at each solution (absolute).
    gap : ndarray of shape (n_lams,)
        Duality gap at each solution, relative to ``yy`` (:func:`duality_gap`; NaN when the
        problem does not know ``yy``).
    dev_ratio : ndarray of shape (n_lams,)
        Fraction of ``yy`` explained by each solution, ``1 − F(β)/yy`` (glmnet's ``dev.ratio``).
    """

    lams: np.ndarray
    beta: np.ndarray
    n_iter: np.ndarray
    kkt: np.ndarray
    gap: np.ndarray | None = None
    dev_ratio: np.ndarray | None = None


def duality_gap(problem: QuadraticProblem, beta, h, l1, l2):
    r"""Duality gap of ``β`` (standardized) and its datafit value, in the units of the objective.

    With the datafit ``F(β) = Σ_i sw_i r_i² = yy − qᵀβ − βᵀh`` (``r = ỹ − X̃β``,
    ``h = X̃ᵀ(sw ⊙ r)``) and the penalty ``P(β) = Σ l1_j|β_j| + l2_j β_j²``, the Fenchel dual
    of ``min F + P`` at the point ``θ = −2s sw ⊙ r`` is::

        D = 2s (yy − qᵀβ) − s² F(β) − P*(2s h),

    ``P*`` the penalty's conjugate (:func:`~shrinkage.penalties.enet_conjugate`) and ``s ≤ 1``
    the largest scale that keeps ``|2s h_j| ≤ l1_j`` on the pure-L1 coordinates (where ``P*``
    is finite only there). ``F + P − D ≥ F + P − min(F + P) ≥ 0``: the gap bounds the
    suboptimality, and it is zero exactly at the optimum. Unpenalized coordinates
    (``l1_j = l2_j = 0``) are taken at their optimum (``h_j = 0``; their subdifferential
    distance is in the KKT certificate).

    Returns
    -------
    gap : float
        ``F + P − D`` (NaN when ``problem.yy`` is unknown).
    datafit : float
        ``F(β)``.
    """
    yy = problem.yy
    qb = float(problem.q @ beta)
    F = yy - qb - float(beta @ h)
    pen = enet_value(beta, l1, l2)
    v = 2.0 * h
    lasso = (l2 == 0) & (l1 > 0)
    smooth = l2 > 0
    scale = 1.0
    if np.any(lasso):
        m = np.abs(v[lasso])
        over = m > l1[lasso]
        if np.any(over):
            scale = float(np.min(l1[lasso][over] / m[over]))
    dual = (2.0 * scale * (yy - qb) - scale * scale * F
            - enet_conjugate(scale * v[smooth], l1[smooth], l2[smooth]))
    return F + pen - dual, F


def null_beta(problem: QuadraticProblem, penalty_factor=None) -> np.ndarray:
    """Standardized coefficients of the null model: penalized ones zero, the unpenalized ones
    (``f_j = 0``) at their weighted least-squares optimum (the minimum-norm one if several).

    Parameters
    ----------
    problem : QuadraticProblem
    penalty_factor : ndarray of shape (n_features,), optional

    Returns
    -------
    beta : ndarray of shape (n_features,)
    """
    p = problem.n_features
    beta = np.zeros(p)
    if penalty_factor is None:
        return beta
    free = np.flatnonzero(np.asarray(penalty_factor) == 0)
    if free.size == 0:
        return beta
    if problem.mode == "gram":         # the normal equations of the standardized columns
        beta[free] = np.linalg.lstsq(problem.G[np.ix_(free, free)], problem.q[free],
                                     rcond=None)[0]
    else:                              # sparse X: its few unpenalized columns, dense
        XF = problem.X[:, free].toarray() if problem.mode == "csc" else problem.X[:, free]
        beta[free] = least_squares_on(XF, problem.ytil, problem.sw, np.arange(free.size),
                                      problem.mean[free], problem.scale[free])
    return beta


def enet_path(problem: QuadraticProblem, lams, *, l1_ratio: float = 1.0, penalty_factor=None,
              tol: float = 1e-7, max_iter: int = 10_000, beta0=None, lam_prev=None,
              warn: bool = True) -> EnetPath:
    """Elastic-net solutions for every λ in ``lams`` (walked in the given order, warm-started).

    Parameters
    ----------
    problem : QuadraticProblem
    lams : array-like of shape (n_lams,)
        Best given largest first.
    l1_ratio : float
        Our ``ρ``.
    penalty_factor : ndarray of shape (n_features,), optional
        ``f_j`` on the standardized coefficients.
    tol : float
        Stop when every subdifferential distance is ``≤ tol · max|2q|`` (module docstring).
    max_iter : int
        Most CD passes per λ.
    beta0 : ndarray of shape (n_features,), optional
        Warm start for the first λ (standardized coefficients); default the null model
        (:func:`null_beta`: unpenalized coefficients fitted, the others zero).
    lam_prev : float, optional
        The λ that ``beta0`` solves (for the strong rule); default the penalty's ``λ_max`` at
        ``beta0``.

    Returns
    -------
    EnetPath
    """
    lams = np.asarray(lams, dtype=np.float64).ravel()
    p = problem.n_features
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    beta = null_beta(problem, f) if beta0 is None else np.array(beta0, dtype=np.float64)
    tol_abs = tol * max(problem.null_scale, np.finfo(float).tiny)
    if problem.mode == "gram":
        h = problem.q - problem.G @ beta
    else:
        X, sw, mean, scale = problem.X, problem.sw, problem.mean, problem.scale
        r = problem.ytil - (X @ (beta / scale) - (mean @ (beta / scale)))
        h = ((np.asarray(X.T @ (sw * r)).ravel()) - mean * (sw @ r)) / scale
    rho = float(l1_ratio)
    if lam_prev is None:             # the datafit gradient at beta is −2h
        lam_prev = ElasticNet(1.0, rho, f).lam_max(2.0 * h) if (f > 0).any() else np.inf
    out = np.empty((lams.size, p))
    n_iter = np.zeros(lams.size, dtype=np.int64)
    kkt = np.zeros(lams.size)
    gap = np.full(lams.size, np.nan)
    dev = np.full(lams.size, np.nan)
    yy = problem.yy if problem.yy > 0 else np.nan
    for k, lam in enumerate(lams):
        l1, l2 = ElasticNet(lam, rho, f).weights(p)
        # strong rule, less the tolerance: a zero within tol of its bound is optimal to tol, so
        # it is swept only if the KKT check finds it violating (at λ = λ_max the null model is
        # kept exactly, whatever the rounding between λ_max and h)
        thr = (rho * f * (2.0 * lam - lam_prev) + tol_abs if np.isfinite(lam_prev)
               else np.full(p, -1.0))
        ws = (np.abs(2.0 * h) >= thr) | (beta != 0) | (f == 0)
        if problem.mode == "gram":
            it, cert = _cd_gram(problem.G, h, l1, l2, beta, ws, tol_abs, max_iter)
        elif problem.mode == "csc":
            it, cert = _cd_csc(X.data, X.indices, X.indptr, sw, problem.xs, mean, scale,
                               problem.colsq, r, h, l1, l2, beta, ws, tol_abs, max_iter)
        else:
            it, cert = _cd_naive(X, sw, mean, scale, problem.colsq, r, h, l1, l2, beta, ws,
                                 tol_abs, max_iter)
        out[k], n_iter[k], kkt[k] = beta, it, cert
        g, F = duality_gap(problem, beta, h, l1, l2)
        gap[k], dev[k] = g / yy, 1.0 - F / yy
        lam_prev = lam
        if warn and cert > tol_abs:
            warn_user(f"coordinate descent did not converge at λ = {lam:.4g} in {max_iter} "
                      f"passes (optimality gap {cert:.3g} > {tol_abs:.3g}); raise max_iter or "
                      "tol", ConvergenceWarning)
    return EnetPath(lams, out, n_iter, kkt, gap, dev)


#: the sparse Gram route is taken when its p² entries are at most this many times the stored
#: values of X times the number of solves (λ × paths) that share the Gram (:func:`sparse_route`)
GRAM_PER_SOLVE = 0.1


def sparse_route(X, n_solves: int = 1) -> str:
    """``"gram"`` or ``"csc"``: how coordinate descent runs on sparse ``X`` (n × p, ``nnz``
    stored values) for ``n_solves`` solutions (λ values times paths: folds and all data).

    The covariance (Gram) route forms ``X̃ᵀ diag(sw) X̃`` once (``p²`` dense entries from
    ``Σ_i nnz_i²`` products; in CV the folds' Grams by downdating) and then pays ``O(p)`` per
    coordinate change, independent of ``n``; the CSC route (:func:`csc_problem`) pays the
    column's stored entries per visit, ``O(nnz)`` per pass, and keeps nothing larger than ``X``
    and a few vectors of ``n``. The Gram is formed only when it can be (``p ≤ 2048``,
    ``n > p``) and pays for itself: ``p² ≤ GRAM_PER_SOLVE · nnz · n_solves``. Measured
    (``benchmarks/sparse_cd_route.py``, ``benchmarks/results/sparse_cd.md``: 20,000–50,000
    rows, 200–2,000 columns, ``p²/nnz`` from 0.08 to 8): for one λ the CSC route was faster
    in every case (1.5–6.7×: forming the Gram dominates), for a 100-λ path and for 5-fold CV
    the Gram route was (1.5–11× and 1.5–18×). The constant puts the switch at
    ``p²/nnz = 0.1`` for one fit (the 0.08 case, 0.04 s, is the one mis-routed) and 10 for
    a 100-λ path. The Gram route's memory is bounded by the 2048-column limit (33.5 MB per
    Gram matrix; K + 1 of them in K-fold CV), the CSC route's is that of ``X``.
    """
    n, p = X.shape
    if (p <= SPARSE_GRAM_MAX_FEATURES and n > p
            and p * p <= GRAM_PER_SOLVE * X.nnz * max(int(n_solves), 1)):
        return "gram"
    return "csc"


def make_problem(X, y, sw, *, fit_intercept=True, standardize=True, mode="auto", n_solves=1):
    """The problem for :func:`enet_path`: for dense ``X``, ``gram_problem`` when ``n > p`` (and
    ``mode="auto"``), else ``naive_problem``; for sparse ``X``, the route of
    :func:`sparse_route` for ``n_solves`` λ values (``mode="gram"`` or ``"csc"`` to choose
    it)."""
    if sp.issparse(X):
        mode = sparse_route(X, n_solves) if mode == "auto" else mode
        if mode == "csc":
            return csc_problem(X, y, sw, fit_intercept=fit_intercept, standardize=standardize)
    if mode == "auto":
        mode = "gram" if X.shape[0] > X.shape[1] else "naive"
    build = gram_problem if mode == "gram" else naive_problem
    return build(X, y, sw, fit_intercept=fit_intercept, standardize=standardize)
