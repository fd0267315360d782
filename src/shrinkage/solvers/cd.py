r"""Coordinate descent for the elastic net: squared error and logistic loss (numba kernels).

The problem
-----------
With weights ``sw_i = s_i/S`` summing to one, standardized features
``x̃_ij = (x_ij − m_j)/sd_j`` (``m = 0`` without an intercept, ``sd = 1`` without
standardization) and ``a_j = λ f_j ρ``, ``c_j = λ f_j (1−ρ)`` we minimize over ``β`` (the
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

    β_j ← S(z, a_j/2) / (G_jj + c_j),        S(z, t) = sign(z) max(|z| − t, 0).

Two ways to keep ``h`` current (glmnet's two modes):

* **covariance** (``n > p``): with ``G = X̃ᵀ diag(sw) X̃`` and ``q = X̃ᵀ(sw ⊙ ỹ)``, ``h = q − Gβ``;
  a change ``δ`` of ``β_j`` costs ``h −= δ G[:, j]`` (``O(p)``), independent of ``n``. ``G`` is
  formed once per data set (and per CV fold by downdating, see :func:`gram_problem`).
* **naive** (``p ≥ n``): keep ``r``; ``h_j = Σ_i sw_i x_ij r_i / sd_j`` (``r`` has weighted mean
  zero, so centring costs nothing) and a change costs ``r −= δ x̃_j`` (``O(n)``).

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

In covariance mode a full sweep over the working set alternates with *settling* its non-zeros
(the active set ``A``) on a contiguous copy of ``G[A, A]`` — ``O(|A|)`` per update instead of
``O(p)``, the rest of ``h`` brought up to date once afterwards — and every
``5 + 1`` settling passes try an *Anderson extrapolation* of the last iterates (Bertrand &
Massias 2021, as in skglm), kept only when it lowers the objective. On correlated designs
this cuts the passes several-fold; the stopping rule is unchanged.

Multinomial (softmax) elastic net
---------------------------------
:func:`solve_multinomial_enet`: proximal Newton on the full softmax Hessian (classes coupled),
CD over every (class, feature) coordinate, exact centring of each feature's coefficients across
the classes (the softmax ignores a common shift), Armijo line search; same certificate.

Logistic loss (proximal Newton, as glmnet's IRLS-CD)
-----------------------------------------------------
At the current ``η`` with ``g_i = sw_i(p_i − y_i)`` and ``d_i = sw_i p_i(1 − p_i)`` the datafit
is approximated by ``Σ_i g_iΔη_i + ½ d_iΔη_i²``. CD minimizes this quadratic plus the penalty,
keeping ``u_i = g_i + d_iΔη_i``: with ``A_j = Σ_i d_i x̃_ij²``::

    β_j ← S(A_jβ_j − x̃_jᵀu, a_j) / (A_j + 2c_j),     u += d ⊙ x̃_j δ;     b −= Σu/Σd.

No division by ``d_i`` (glmnet's working response) is needed, so ``p_i → 0, 1`` is harmless. A
backtracking line search on the true objective (Armijo with the penalty's change, as in
Lee, Sun & Saunders 2014) makes each outer step a descent step. The outer loop stops on the same
certificate (and ``|Σ g_i|`` for the intercept), relative to the null gradient.

Only a *working set* is swept by the inner CD (as skglm's working sets): the non-zero and
unpenalized coefficients, and the zeros near or past their bound, ``|∂_j D| ≥ 0.9 a_j`` at the
current iterate, the closest to violating first, at most ``max(10, 2 × support)`` of them. It
is formed anew at every outer step from the full gradient (one ``X̃ᵀg``, which the certificate
needs anyway); a violator left out by the cap is the first to enter at a later step, and the
solver stops only when the certificate holds on *every* feature, so the answer is unchanged
while features far from entering (most of them when ``p ≫ n``) cost nothing per inner pass.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
from numba import njit
from scipy.special import expit, log_expit
from sklearn.exceptions import ConvergenceWarning

from ..standardization import column_stats

__all__ = ["QuadraticProblem", "gram_problem", "naive_problem", "make_problem",
           "fold_gram_problems", "null_beta", "enet_path", "EnetPath",
           "LogisticEnetResult", "solve_logistic_enet", "MultinomialEnetResult",
           "solve_multinomial_enet", "multinomial_enet_kkt"]


# --------------------------------------------------------------------------------------------
# kernels
# --------------------------------------------------------------------------------------------
@njit(cache=True, nogil=True, inline="always")
def _soft(z, t):
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


@njit(cache=True, nogil=True, inline="always")
def _dist(beta_j, h_j, l1, l2):
    """Subdifferential distance of coordinate j (datafit gradient −2h_j)."""
    if beta_j != 0.0:
        s = 1.0 if beta_j > 0 else -1.0
        return abs(-2.0 * h_j + 2.0 * l2 * beta_j + l1 * s)
    return max(abs(2.0 * h_j) - l1, 0.0)


@njit(cache=True, nogil=True)
def _gram_sweep(G, h, l1, l2, beta, idx, active_only):
    """One pass over idx (only its non-zeros if active_only); returns the largest
    subdifferential distance over the swept coordinates, measured after the pass."""
    p = beta.shape[0]
    for j in idx:
        if active_only and beta[j] == 0.0:
            continue
        d = G[j, j] + l2[j]
        if d <= 0.0:
            continue
        old = beta[j]
        new = _soft(h[j] + G[j, j] * old, 0.5 * l1[j]) / d
        if new != old:
            delta = new - old
            beta[j] = new
            for k in range(p):        # G is symmetric: read row j (contiguous)
                h[k] -= delta * G[j, k]
    kkt = 0.0
    for j in idx:
        if active_only and beta[j] == 0.0:
            continue
        dj = _dist(beta[j], h[j], l1[j], l2[j])
        if dj > kkt:
            kkt = dj
    return kkt


_ANDERSON = 5


@njit(cache=True, nogil=True)
def _anderson_step(Ga, ha, ba, la, ra, hist):
    """Anderson extrapolation of the last CD iterates (hist, oldest first; Bertrand & Massias
    2021): β' = Σ c_k β_k with c minimizing ‖Σ c_k (β_k − β_{k−1})‖, Σc = 1. Taken (ba, ha
    updated in place) only if it lowers the objective ``βᵀGβ − 2qᵀβ + penalty``, whose change
    for ``d = β' − β`` is ``−2dᵀh + dᵀGd`` plus the penalty's change."""
    K = hist.shape[0] - 1
    a = ba.shape[0]
    U = hist[1:] - hist[:-1]
    M = U @ U.T
    tr = 0.0
    for k in range(K):
        tr += M[k, k]
    if not tr > 0.0:
        return
    for k in range(K):
        M[k, k] += 1e-10 * tr
    c = np.linalg.solve(M, np.ones(K))
    cs = c.sum()
    if not np.isfinite(cs) or cs == 0.0:
        return
    c /= cs
    acc = c @ hist[1:]
    d = acc - ba
    gd = Ga @ d
    dF = 0.0
    for s in range(a):
        dF += d[s] * (gd[s] - 2.0 * ha[s])
        dF += la[s] * (abs(acc[s]) - abs(ba[s])) + ra[s] * (acc[s] * acc[s] - ba[s] * ba[s])
    if dF < 0.0:
        for s in range(a):
            ba[s] = acc[s]
            ha[s] -= gd[s]


@njit(cache=True, nogil=True)
def _gram_settle(G, h, l1, l2, beta, act, tol, max_pass):
    """CD on the coordinates act only, on a contiguous copy of G[act, act] (h kept current on
    act, O(a) per change); the other entries of h are brought up to date at the end (O(ap)).
    Returns the passes made."""
    p = beta.shape[0]
    a = act.shape[0]
    Ga = np.empty((a, a))
    for s in range(a):
        for t in range(a):
            Ga[s, t] = G[act[s], act[t]]
    ha = np.empty(a)
    ba = np.empty(a)
    la = np.empty(a)
    ra = np.empty(a)
    for s in range(a):
        ha[s] = h[act[s]]
        ba[s] = beta[act[s]]
        la[s] = l1[act[s]]
        ra[s] = l2[act[s]]
    start = ba.copy()
    hist = np.empty((_ANDERSON + 1, a))
    nh = 0
    passes = 0
    while passes < max_pass:
        passes += 1
        for s in range(a):
            d = Ga[s, s] + ra[s]
            if d <= 0.0:
                continue
            old = ba[s]
            new = _soft(ha[s] + Ga[s, s] * old, 0.5 * la[s]) / d
            if new != old:
                delta = new - old
                ba[s] = new
                for t in range(a):
                    ha[t] -= delta * Ga[s, t]
        kkt = 0.0
        for s in range(a):
            dj = _dist(ba[s], ha[s], la[s], ra[s])
            if dj > kkt:
                kkt = dj
        if kkt <= tol:
            break
        hist[nh] = ba
        nh += 1
        if nh == _ANDERSON + 1:
            nh = 0
            _anderson_step(Ga, ha, ba, la, ra, hist)
    inside = np.zeros(p, dtype=np.bool_)
    for s in range(a):
        inside[act[s]] = True
        beta[act[s]] = ba[s]
        h[act[s]] = ha[s]
    for s in range(a):
        j = act[s]
        delta = ba[s] - start[s]
        if delta != 0.0:
            for k in range(p):
                if not inside[k]:
                    h[k] -= delta * G[j, k]
    return passes


@njit(cache=True, nogil=True)
def _cd_gram(G, h, l1, l2, beta, ws, tol, max_iter):
    """CD with h = q − Gβ kept current; ws (bool) is the working set, grown by KKT checks.
    A full sweep over ws alternates with settling its non-zeros (:func:`_gram_settle`); the
    loop ends as soon as the certificate holds on every feature.
    Returns (passes, max subdifferential distance over all features)."""
    p = beta.shape[0]
    passes = 0
    idx = np.flatnonzero(ws)
    while passes < max_iter:
        passes += 1
        if _gram_sweep(G, h, l1, l2, beta, idx, False) <= tol:
            added = False
            for j in range(p):
                if not ws[j] and _dist(beta[j], h[j], l1[j], l2[j]) > tol:
                    ws[j] = True
                    added = True
            if not added:
                break
            idx = np.flatnonzero(ws)
            continue
        # settle the active set before the next full sweep, keeping h current on it only
        # (O(a) per change instead of O(p)); the other entries are brought up to date after
        act = idx[beta[idx] != 0.0]
        passes += _gram_settle(G, h, l1, l2, beta, act, tol, max_iter - passes)
        # h is current everywhere: a certificate check (O(p)) replaces a verifying sweep
        done = True
        for j in range(p):
            if _dist(beta[j], h[j], l1[j], l2[j]) > tol:
                done = False
                ws[j] = True
        if done:
            break
        idx = np.flatnonzero(ws)
    kkt = 0.0
    for j in range(p):
        dj = _dist(beta[j], h[j], l1[j], l2[j])
        if dj > kkt:
            kkt = dj
    return passes, kkt


@njit(cache=True, nogil=True)
def _naive_h(X, sw, r, mean, scale, j):
    acc = 0.0
    rs = 0.0
    for i in range(X.shape[0]):
        t = sw[i] * r[i]
        acc += t * X[i, j]
        rs += t
    return (acc - mean[j] * rs) / scale[j]


@njit(cache=True, nogil=True)
def _naive_sweep(X, sw, mean, scale, colsq, r, l1, l2, beta, idx, active_only):
    """One pass over idx; returns the largest distance measured *before* each update."""
    n = X.shape[0]
    kkt = 0.0
    for j in idx:
        if active_only and beta[j] == 0.0:
            continue
        d = colsq[j] + l2[j]
        if d <= 0.0:
            continue
        hj = _naive_h(X, sw, r, mean, scale, j)
        old = beta[j]
        dj = _dist(old, hj, l1[j], l2[j])
        if dj > kkt:
            kkt = dj
        new = _soft(hj + colsq[j] * old, 0.5 * l1[j]) / d
        if new != old:
            delta = (new - old) / scale[j]
            beta[j] = new
            mj = mean[j]
            for i in range(n):
                r[i] -= delta * (X[i, j] - mj)
    return kkt


@njit(cache=True, nogil=True)
def _cd_naive(X, sw, mean, scale, colsq, r, h, l1, l2, beta, ws, tol, max_iter):
    """CD keeping the residual r; h is refreshed on all features at each full check (and is
    current on return). Returns (passes, max subdifferential distance over all features)."""
    p = X.shape[1]
    passes = 0
    kkt = np.inf
    idx = np.flatnonzero(ws)
    while passes < max_iter:
        passes += 1
        if _naive_sweep(X, sw, mean, scale, colsq, r, l1, l2, beta, idx, False) > tol:
            while passes < max_iter:
                passes += 1
                if _naive_sweep(X, sw, mean, scale, colsq, r, l1, l2, beta, idx, True) <= tol:
                    break
            continue
        added = False
        kkt = 0.0
        for j in range(p):
            h[j] = _naive_h(X, sw, r, mean, scale, j)
            dj = _dist(beta[j], h[j], l1[j], l2[j])
            if dj > kkt:
                kkt = dj
            if not ws[j] and dj > tol:
                ws[j] = True
                added = True
        if kkt <= tol:
            return passes, kkt
        if added:
            idx = np.flatnonzero(ws)
    kkt = 0.0
    for j in range(p):
        h[j] = _naive_h(X, sw, r, mean, scale, j)
        kkt = max(kkt, _dist(beta[j], h[j], l1[j], l2[j]))
    return passes, kkt


@njit(cache=True, nogil=True)
def _cd_logistic_inner(X, d, u, colsq, l1, l2, beta, idx, delta_b, fit_intercept, tol,
                       max_pass):
    """CD over the coordinates idx (the working set) on the quadratic model
    Σ u·Δη + ½ d Δη² + penalty; u = g + d Δη is kept current. beta is updated in place;
    returns (passes, intercept step)."""
    n = X.shape[0]
    dsum = 0.0
    for i in range(n):
        dsum += d[i]
    passes = 0
    while passes < max_pass:
        passes += 1
        move = 0.0
        for j in idx:
            a = colsq[j]
            den = a + 2.0 * l2[j]
            if den <= 0.0:
                continue
            part = 0.0
            for i in range(n):
                part += X[i, j] * u[i]
            old = beta[j]
            new = _soft(a * old - part, l1[j]) / den
            if new != old:
                delta = new - old
                beta[j] = new
                for i in range(n):
                    u[i] += d[i] * X[i, j] * delta
                if a * abs(delta) > move:
                    move = a * abs(delta)
        if fit_intercept and dsum > 0.0:
            s = 0.0
            for i in range(n):
                s += u[i]
            db = -s / dsum
            delta_b += db
            for i in range(n):
                u[i] += d[i] * db
            if abs(s) > move:
                move = abs(s)
        if move <= tol:
            break
    return passes, delta_b


# --------------------------------------------------------------------------------------------
# squared error: problems and paths
# --------------------------------------------------------------------------------------------
@dataclass
class QuadraticProblem:
    """A centred, standardized least-squares problem in one of glmnet's two modes.

    ``mode == "gram"`` holds ``G`` (p, p) and ``q`` (p,); ``mode == "naive"`` holds ``X``
    (n, p, Fortran order, raw), ``sw`` (n,) and the centred target ``ytil`` (n,). Both hold the
    column ``mean`` and ``scale`` (original units), ``ybar`` and ``colsq = diag(G)``.
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


def naive_problem(X, y, sw, *, fit_intercept=True, standardize=True) -> QuadraticProblem:
    """Problem for the naive mode (no ``X`` copy when it is already Fortran-ordered float64).

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
    sw : ndarray of shape (n_samples,)
        Weights summing to one.
    """
    X = np.asfortranarray(X, dtype=np.float64)
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    ybar = float(sw @ y) if fit_intercept else 0.0
    ytil = np.ascontiguousarray(y - ybar, dtype=np.float64)
    swy = sw * ytil
    q = (swy @ X - mean * swy.sum()) / scale
    colsq = (sw @ (X * X) - 2 * mean * (sw @ X) + mean ** 2 * sw.sum()) / scale ** 2
    return QuadraticProblem("naive", mean, scale, ybar, np.maximum(colsq, 0.0), q, X=X,
                            sw=np.ascontiguousarray(sw), ytil=ytil)


def _from_moments(Sxx, Sxy, sx, sy, S, shift, fit_intercept, standardize):
    """Gram problem pieces from weighted raw moments ``Σs x xᵀ, Σs x y, Σs x, Σs y, S = Σs`` of
    rows shifted by ``shift`` (the products are centred near the data, so the cancellation in
    ``E[xxᵀ] − E[x]E[x]ᵀ`` is small). Constant columns get scale 1, as in ``column_stats``."""
    mx = sx / S if fit_intercept else np.zeros_like(sx)
    my = sy / S if fit_intercept else 0.0
    cov = Sxx / S - np.outer(mx, mx)
    cxy = Sxy / S - mx * my
    if standardize:
        scale = np.sqrt(np.maximum(np.diag(cov), 0.0))
        scale[scale <= np.finfo(float).eps * np.maximum(np.abs(mx + shift), 1.0) * 10] = 1.0
    else:
        scale = np.ones(cov.shape[0])
    G = cov / np.outer(scale, scale)
    return G, cxy / scale, mx, my, scale


def gram_problem(X, y, sw, *, fit_intercept=True, standardize=True) -> QuadraticProblem:
    """Problem for the covariance mode: ``G = X̃ᵀ diag(sw) X̃`` formed once (``O(np²)``).

    Parameters as in :func:`naive_problem`.
    """
    full, _ = fold_gram_problems(X, y, sw, [], fit_intercept=fit_intercept,
                                 standardize=standardize)
    return full


def fold_gram_problems(X, y, s, splits, *, fit_intercept=True, standardize=True):
    """Gram problems for all data and every training fold, from one pass of Gram products.

    ``s`` are raw sample weights (or None). Each test fold's moments are formed once; when the
    test folds tile the data (K-fold, repeated K-fold) their sum is the all-data moments, so the
    Gram products cost ``n p²`` in all. A training fold's moments are all data minus its test
    fold, re-centred and re-standardized exactly.

    Returns
    -------
    full : QuadraticProblem
    folds : list of QuadraticProblem
    """
    n, p = X.shape
    s = np.ones(n) if s is None else np.asarray(s, dtype=np.float64)
    shift = (s @ X) / s.sum() if fit_intercept else np.zeros(p)
    yshift = float(s @ y / s.sum()) if fit_intercept else 0.0
    unit = bool(np.all(s == 1.0))
    rs = np.sqrt(s)

    def rows_of(rows):
        """The shifted, √s-scaled rows (a slice when the rows are a contiguous range)."""
        if rows is None:
            idx = slice(None)
        elif rows.size and rows[-1] - rows[0] == rows.size - 1 and np.all(np.diff(rows) == 1):
            idx = slice(int(rows[0]), int(rows[-1]) + 1)
        else:
            idx = rows
        Bt = X[idx] - shift
        yt = y[idx] - yshift
        r = rs[idx]
        if not unit:
            Bt *= r[:, None]
            yt = yt * r
        return Bt, yt, r, idx

    def moments(rows):
        Bt, yt, r, idx = rows_of(rows)
        return (Bt.T @ Bt, yt @ Bt, r @ Bt, float(r @ yt), float(s[idx].sum()))

    tests = [moments(te) for _, te in splits]
    counts = (np.bincount(np.concatenate([te for _, te in splits]), minlength=n) if splits
              else np.zeros(1, dtype=int))
    reps = int(counts[0])
    if reps >= 1 and np.all(counts == reps):        # test folds tile the data reps times
        full = tuple(sum(m[k] for m in tests) / reps for k in range(5))
    else:
        full = moments(None)

    def build(mom):
        G, q, mx, my, scale = _from_moments(*mom, shift, fit_intercept, standardize)
        return QuadraticProblem("gram", mx + shift, scale, my + yshift, np.diag(G).copy(), q,
                                G=G)

    folds = [build(tuple(f - t for f, t in zip(full, tm))) for tm in tests]
    return build(full), folds


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
    """

    lams: np.ndarray
    beta: np.ndarray
    n_iter: np.ndarray
    kkt: np.ndarray


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
    if problem.mode == "gram":
        beta[free] = np.linalg.lstsq(problem.G[np.ix_(free, free)], problem.q[free],
                                     rcond=None)[0]
    else:
        rs = np.sqrt(problem.sw)
        Z = (problem.X[:, free] - problem.mean[free]) / problem.scale[free] * rs[:, None]
        beta[free] = np.linalg.lstsq(Z, problem.ytil * rs, rcond=None)[0]
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
        The λ that ``beta0`` solves (for the strong rule); default ``λ_max``, computed at
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
        h = (((sw * r) @ X) - mean * (sw @ r)) / scale
    rho = float(l1_ratio)
    if lam_prev is None:
        pen = (f > 0)
        lam_prev = (float(np.max(np.abs(2 * h[pen]) / f[pen])) / rho
                    if rho > 0 and pen.any() else np.inf)
    out = np.empty((lams.size, p))
    n_iter = np.zeros(lams.size, dtype=np.int64)
    kkt = np.zeros(lams.size)
    for k, lam in enumerate(lams):
        l1 = lam * rho * f
        l2 = lam * (1.0 - rho) * f
        # strong rule, less the tolerance: a zero within tol of its bound is optimal to tol, so
        # it is swept only if the KKT check finds it violating (at λ = λ_max the null model is
        # kept exactly, whatever the rounding between λ_max and h)
        thr = (rho * f * (2.0 * lam - lam_prev) + tol_abs if np.isfinite(lam_prev)
               else np.full(p, -1.0))
        ws = (np.abs(2.0 * h) >= thr) | (beta != 0) | (f == 0)
        if problem.mode == "gram":
            it, cert = _cd_gram(problem.G, h, l1, l2, beta, ws, tol_abs, max_iter)
        else:
            it, cert = _cd_naive(X, sw, mean, scale, problem.colsq, r, h, l1, l2, beta, ws,
                                 tol_abs, max_iter)
        out[k], n_iter[k], kkt[k] = beta, it, cert
        lam_prev = lam
        if warn and cert > tol_abs:
            warnings.warn(f"coordinate descent did not converge at λ = {lam:.4g} in {max_iter} "
                          f"passes (optimality gap {cert:.3g} > {tol_abs:.3g}); raise max_iter or "
                          "tol", ConvergenceWarning, stacklevel=2)
    return EnetPath(lams, out, n_iter, kkt)


def make_problem(X, y, sw, *, fit_intercept=True, standardize=True, mode="auto"):
    """``gram_problem`` when ``n > p`` (and ``mode="auto"``), else ``naive_problem``."""
    if mode == "auto":
        mode = "gram" if X.shape[0] > X.shape[1] else "naive"
    build = gram_problem if mode == "gram" else naive_problem
    return build(X, y, sw, fit_intercept=fit_intercept, standardize=standardize)


# --------------------------------------------------------------------------------------------
# logistic loss
# --------------------------------------------------------------------------------------------
@dataclass
class LogisticEnetResult:
    """Solution of :func:`solve_logistic_enet`.

    Attributes
    ----------
    coef : ndarray of shape (n_features,)
        On the original scale.
    intercept : float
    n_iter : int
        Proximal Newton steps.
    kkt : float
        Largest subdifferential distance (standardized coordinates; intercept included).
    converged : bool
    n_coord_updates : int
        Coordinate updates made by the inner coordinate descent, over all steps (each costs
        ``O(n)``); with screening only the working set is swept.
    """

    coef: np.ndarray
    intercept: float
    n_iter: int
    kkt: float
    converged: bool
    n_coord_updates: int = 0


_NEAR, _WS_MIN = 0.9, 10


def _working_set(beta, grad, l1):
    """Coordinates for the inner CD (module docstring): the non-zero and unpenalized ones, and
    the zeros with ``|g_j| ≥ 0.9 a_j``, the closest to violating first, at most
    ``max(10, 2 × (non-zeros + unpenalized))`` in all (the cap only ever drops zeros)."""
    free = (beta != 0) | (l1 == 0)
    score = np.where(free, np.inf, np.abs(grad) / np.where(l1 > 0, l1, 1.0))
    cand = np.flatnonzero(score >= _NEAR)
    size = max(_WS_MIN, 2 * int(free.sum()))
    if cand.size > size:
        cand = cand[np.argpartition(-score[cand], size - 1)[:size]]
        cand.sort()
    return cand


def _unresolved(D, J):
    """The model decrease ``D`` is below the rounding of the objective ``J``: Armijo cannot
    tell, and the step is so small that the quadratic model is exact to that order; take it."""
    return -D <= 1e3 * np.finfo(float).eps * abs(J)


def _logistic_value(Z, y, sw, beta, b, l1, l2):
    eta = Z @ beta + b
    data = float(sw @ (-(y * log_expit(eta)) - (1.0 - y) * log_expit(-eta)))
    return data + float(l1 @ np.abs(beta) + l2 @ (beta * beta)), eta


def solve_logistic_enet(X, y, sample_weight=None, *, lam: float, l1_ratio: float = 1.0,
                        penalty_factor=None, fit_intercept: bool = True,
                        standardize: bool = True, tol: float = 1e-8, max_iter: int = 100,
                        coef0=None, intercept0=None, screen: bool = True) -> LogisticEnetResult:
    r"""Binary logistic regression with the elastic-net penalty, by proximal Newton + CD.

    Minimizes ``(1/S) Σ s_i [log(1 + e^{η_i}) − y_iη_i] + λ Σ_j f_j [(1−ρ)β_j² + ρ|β_j|]``
    with ``η = x̃ᵀβ + b`` (standardized features when ``standardize``); see the module
    docstring. scikit-learn's ``LogisticRegression(C, l1_ratio=r)`` is
    ``λ = (1+r)/(2Cn)``, ``ρ = 2r/(1+r)`` with ``standardize=False``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of shape (n_samples,)
        Labels in ``{0, 1}``.
    sample_weight : ndarray of shape (n_samples,), optional
    lam : float
        ``λ ≥ 0``.
    l1_ratio : float, default=1.0
        Our ``ρ``.
    penalty_factor : ndarray of shape (n_features,), optional
    fit_intercept, standardize : bool
    tol : float, default=1e-8
        Stop when the largest subdifferential distance (and ``|∂/∂b|``) is at most ``tol``
        times the null gradient's largest entry.
    max_iter : int, default=100
        Most proximal Newton steps.
    coef0 : ndarray of shape (n_features,), optional
        Warm start (original scale).
    intercept0 : float, optional
        Warm-start intercept (original scale); ignored without an intercept.
    screen : bool, default=True
        Sweep only a working set in the inner coordinate descent (module docstring): the
        non-zero and unpenalized coefficients and the zeros whose gradient is near or past
        their bound, ``|g_j| ≥ 0.9 λ f_j ρ``, formed at every proximal Newton step from the
        full gradient. The stopping rule checks every feature, so the answer is the same.

    Returns
    -------
    LogisticEnetResult

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.solvers.cd import solve_logistic_enet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5))
    >>> y = (X[:, 0] + 0.5 * rng.normal(size=200) > 0).astype(float)
    >>> res = solve_logistic_enet(X, y, lam=0.05, l1_ratio=1.0)
    >>> int(np.count_nonzero(res.coef)), bool(res.converged)
    (1, True)
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    n, p = X.shape
    sw = np.full(n, 1.0 / n) if sample_weight is None else (
        np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight))
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    Z = np.asfortranarray((X - mean) / scale)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    rho = float(l1_ratio)
    l1, l2 = lam * rho * f, lam * (1.0 - rho) * f
    beta = np.zeros(p) if coef0 is None else np.asarray(coef0, dtype=np.float64) * scale
    if intercept0 is not None and fit_intercept:
        b = float(intercept0) + float(mean @ (beta / scale))
    elif fit_intercept:
        ybar = float(np.clip(sw @ y, 1e-12, 1 - 1e-12))
        b = float(np.log(ybar / (1.0 - ybar))) if coef0 is None else 0.0
    else:
        b = 0.0
    # the unit of tol: the null gradient (intercept-only model)
    ybar = float(sw @ y)
    null = np.abs(Z.T @ (sw * ((ybar if fit_intercept else 0.5) - y)))
    tol_abs = tol * max(float(null.max()) if p else 0.0, np.finfo(float).tiny)
    J, eta = _logistic_value(Z, y, sw, beta, b, l1, l2)
    kkt, it, updates = np.inf, 0, 0
    colsq = np.zeros(p)
    for it in range(1, max_iter + 1):
        prob = expit(eta)
        g = sw * (prob - y)
        grad = Z.T @ g
        dist = np.where(beta != 0, np.abs(grad + 2 * l2 * beta + l1 * np.sign(beta)),
                        np.maximum(np.abs(grad) - l1, 0.0))
        kkt = max(float(dist.max()) if p else 0.0, abs(float(g.sum())) if fit_intercept else 0.0)
        if kkt <= tol_abs:
            it -= 1
            break
        idx = _working_set(beta, grad, l1) if screen else np.arange(p)
        d = sw * prob * (1.0 - prob)
        colsq[idx] = d @ Z[:, idx] ** 2
        new = beta.copy()
        u = g.copy()
        passes, db = _cd_logistic_inner(Z, d, u, colsq, l1, l2, new, idx, 0.0, fit_intercept,
                                        0.1 * kkt, 1000)
        updates += passes * idx.size
        step_b, step = db, new - beta
        # Armijo on F = data + penalty with the model decrease D = gᵀΔη + pen(new) − pen(old)
        pen_old = float(l1 @ np.abs(beta) + l2 @ (beta * beta))
        pen_new = float(l1 @ np.abs(new) + l2 @ (new * new))
        D = float(grad @ step + g.sum() * step_b) + pen_new - pen_old
        t = 1.0
        while True:
            cand, cb = beta + t * step, b + t * step_b
            Jc, eta_c = _logistic_value(Z, y, sw, cand, cb, l1, l2)
            if Jc <= J + 1e-4 * t * D or t < 1e-10 or _unresolved(D, J):
                break
            t *= 0.5
        if t < 1e-10 and Jc > J:
            break    # no progress possible at machine precision
        beta, b, J, eta = cand, cb, Jc, eta_c
    converged = kkt <= tol_abs
    if not converged:
        warnings.warn(f"proximal Newton did not reach the tolerance in {max_iter} steps "
                      f"(optimality gap {kkt:.3g} > {tol_abs:.3g}); raise max_iter or tol",
                      ConvergenceWarning, stacklevel=2)
    coef = beta / scale
    return LogisticEnetResult(coef, float(b - mean @ coef), it, kkt, converged, updates)


# --------------------------------------------------------------------------------------------
# multinomial (softmax) loss
# --------------------------------------------------------------------------------------------
@dataclass
class MultinomialEnetResult:
    """Solution of :func:`solve_multinomial_enet`.

    Attributes
    ----------
    coef : ndarray of shape (n_classes, n_features)
        On the original scale.
    intercept : ndarray of shape (n_classes,)
        Summing to zero over the classes (they are identified only up to a common shift).
    n_iter : int
        Proximal Newton steps.
    kkt : float
        Largest subdifferential distance over all ``(k, j)`` (standardized coordinates;
        intercepts included).
    converged : bool
    """

    coef: np.ndarray
    intercept: np.ndarray
    n_iter: int
    kkt: float
    converged: bool


@njit(cache=True, nogil=True)
def _center_classes(beta, l1, l2, shift):
    """For each feature j, move every class's β_kj by the c_j minimizing the penalty
    ``Σ_k l1_j|β_kj + c| + l2_j(β_kj + c)²`` (glmnet's centring): the softmax datafit is
    unchanged by a common shift, so this is an exact minimization along a direction that
    coordinate descent is slow to follow. Writes c to shift; beta updated in place."""
    K, p = beta.shape
    for j in range(p):
        a = l1[j]
        q = l2[j]
        shift[j] = 0.0
        if q == 0.0:          # pure L1: any c in the median interval will do; leave β be
            continue
        bp = np.sort(-beta[:, j])
        tot = 0.0
        for k in range(K):
            tot += beta[k, j]
        best_c = 0.0
        best_v = np.inf
        for m in range(2 * K + 1):
            if m % 2 == 1:
                c = bp[m // 2]                     # a breakpoint
            else:                                  # the stationary point of interval m // 2
                i = m // 2
                if q <= 0.0:
                    continue
                c = -(a * (2 * i - K) / (2.0 * q) + tot) / K
                if i > 0 and c < bp[i - 1]:
                    continue
                if i < K and c > bp[i]:
                    continue
            v = 0.0
            for k in range(K):
                w = beta[k, j] + c
                v += a * abs(w) + q * w * w
            if v < best_v:
                best_v = v
                best_c = c
        v0 = 0.0
        for k in range(K):
            v0 += a * abs(beta[k, j]) + q * beta[k, j] * beta[k, j]
        if best_v < v0:
            shift[j] = best_c
            for k in range(K):
                beta[k, j] += best_c


@njit(cache=True, nogil=True)
def _cd_softmax_inner(Z, sw, P, G, beta, b, l1, l2, fit_intercept, tol, max_pass):
    """CD over every (class, feature) coordinate and the intercepts on the full second-order
    model of the softmax datafit at probabilities P (n, K), gradient terms G = sw ⊙ (P − Y):
    ``Σ_i [G_iᵀΔη_i + ½ sw_i Δη_iᵀ(diag p_i − p_i p_iᵀ)Δη_i]`` plus the penalty on
    ``beta + Δβ``. ``D = Δη`` and ``s_i = p_iᵀΔη_i`` are kept current (O(n) per update); after
    each pass every feature's coefficients are centred across the classes (the model is
    unchanged by a common shift). beta (K, p) and b (K,) are updated in place to the model's
    minimizer; returns the passes made."""
    n, p = Z.shape
    K = P.shape[1]
    D = np.zeros((n, K))
    srow = np.zeros(n)
    curv = np.zeros((K, p))
    dsum = np.zeros(K)
    for k in range(K):
        for i in range(n):
            dsum[k] += sw[i] * P[i, k] * (1.0 - P[i, k])
        for j in range(p):
            acc = 0.0
            for i in range(n):
                acc += sw[i] * P[i, k] * (1.0 - P[i, k]) * Z[i, j] * Z[i, j]
            curv[k, j] = acc
    shift = np.zeros(p)
    passes = 0
    while passes < max_pass:
        passes += 1
        move = 0.0
        for k in range(K):
            for j in range(p):
                a = curv[k, j]
                den = a + 2.0 * l2[j]
                if den <= 0.0:
                    continue
                gr = 0.0
                for i in range(n):
                    gr += Z[i, j] * (G[i, k] + sw[i] * P[i, k] * (D[i, k] - srow[i]))
                old = beta[k, j]
                new = _soft(a * old - gr, l1[j]) / den
                if new != old:
                    delta = new - old
                    beta[k, j] = new
                    for i in range(n):
                        t = delta * Z[i, j]
                        D[i, k] += t
                        srow[i] += P[i, k] * t
                    if a * abs(delta) > move:
                        move = a * abs(delta)
            if fit_intercept and dsum[k] > 0.0:
                gr = 0.0
                for i in range(n):
                    gr += G[i, k] + sw[i] * P[i, k] * (D[i, k] - srow[i])
                db = -gr / dsum[k]
                b[k] += db
                for i in range(n):
                    D[i, k] += db
                    srow[i] += P[i, k] * db
                if abs(gr) > move:
                    move = abs(gr)
        _center_classes(beta, l1, l2, shift)
        for j in range(p):
            c = shift[j]
            if c != 0.0:
                for i in range(n):
                    t = c * Z[i, j]
                    srow[i] += t
                    for k in range(K):
                        D[i, k] += t
        if move <= tol:
            break
    return passes


def _softmax_data(eta, Y, sw):
    m = eta.max(axis=1, keepdims=True)
    lse = m[:, 0] + np.log(np.exp(eta - m).sum(axis=1))
    return float(sw @ (lse - (eta * Y).sum(axis=1)))


def multinomial_enet_kkt(Z, Y, sw, beta, b, l1, l2, fit_intercept=True):
    """Largest subdifferential distance of the multinomial elastic net at ``(beta, b)``.

    ``Z`` (n, p) are the (standardized) features, ``Y`` (n, K) one-hot, ``beta`` (K, p),
    ``b`` (K,), penalty ``Σ_kj l1_j|β_kj| + l2_j β_kj²``. The datafit gradient is
    ``(P − Y)ᵀ diag(sw) Z``; the intercepts' partial derivatives count when ``fit_intercept``.
    """
    eta = Z @ beta.T + b
    P = np.exp(eta - eta.max(axis=1, keepdims=True))
    P /= P.sum(axis=1, keepdims=True)
    R = sw[:, None] * (P - Y)
    grad = R.T @ Z                                        # (K, p)
    dist = np.where(beta != 0, np.abs(grad + 2 * l2 * beta + l1 * np.sign(beta)),
                    np.maximum(np.abs(grad) - l1, 0.0))
    out = float(dist.max()) if dist.size else 0.0
    if fit_intercept:
        out = max(out, float(np.abs(R.sum(axis=0)).max()))
    return out


def solve_multinomial_enet(X, y, sample_weight=None, *, lam: float, l1_ratio: float = 1.0,
                           penalty_factor=None, fit_intercept: bool = True,
                           standardize: bool = True, tol: float = 1e-8,
                           max_iter: int = 200, coef0=None,
                           intercept0=None) -> MultinomialEnetResult:
    r"""Multinomial (softmax) logistic regression with the elastic-net penalty.

    Minimizes ``(1/S) Σ s_i [log Σ_k e^{η_ik} − η_{i,y_i}] + λ Σ_k Σ_j f_j [(1−ρ)β_kj² +
    ρ|β_kj|]`` with ``η_ik = x̃_iᵀβ_k + b_k``, by proximal Newton: at each step the datafit is
    replaced by its full second-order model (gradient ``sw_i(p_i − y_i)``, Hessian blocks
    ``sw_i(diag p_i − p_i p_iᵀ)`` coupling the classes), which coordinate descent over every
    ``(k, j)`` and the intercepts minimizes with the penalty (:func:`_cd_softmax_inner`; after
    each pass the coefficients of every feature are shifted across the classes by the exact
    minimizer of the penalty, glmnet's centring, since a common shift leaves the softmax
    unchanged); an Armijo backtracking search on the true objective makes every step a
    descent step (Lee, Sun & Saunders 2014). It stops when the largest
    subdifferential distance over all coefficients and intercepts is at most ``tol`` times the
    null gradient's largest entry. scikit-learn's multinomial ``LogisticRegression(C,
    l1_ratio=r)`` is ``λ = (1+r)/(2CS)``, ``ρ = 2r/(1+r)`` with ``standardize=False``.

    Parameters
    ----------
    X : ndarray of shape (n_samples, n_features)
    y : ndarray of int of shape (n_samples,)
        Class indices ``0 … K−1`` (``K ≥ 2``).
    sample_weight : ndarray of shape (n_samples,), optional
    lam, l1_ratio, penalty_factor, fit_intercept, standardize
        As in :func:`solve_logistic_enet`.
    tol : float, default=1e-8
    max_iter : int, default=200
        Most proximal Newton steps.
    coef0 : ndarray of shape (n_classes, n_features), optional
        Warm start (original scale), e.g. the solution at a nearby λ.
    intercept0 : ndarray of shape (n_classes,), optional
        Warm-start intercepts (original scale; only differences between classes matter).
        Default: the log class priors. Ignored without an intercept.

    Returns
    -------
    MultinomialEnetResult

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.solvers.cd import solve_multinomial_enet
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(300, 4))
    >>> y = np.argmax(X[:, :3] * 2 + rng.normal(size=(300, 3)), axis=1)
    >>> res = solve_multinomial_enet(X, y, lam=0.05, l1_ratio=1.0)
    >>> res.coef.shape, bool(res.converged), np.count_nonzero(res.coef, axis=1).tolist()
    ((3, 4), True, [1, 1, 1])
    """
    X = np.asarray(X, dtype=np.float64)
    y = np.asarray(y).astype(np.int64)
    n, p = X.shape
    K = int(y.max()) + 1
    Y = np.zeros((n, K))
    Y[np.arange(n), y] = 1.0
    sw = np.full(n, 1.0 / n) if sample_weight is None else (
        np.asarray(sample_weight, dtype=np.float64) / np.sum(sample_weight))
    mean, scale = column_stats(X, sw, fit_intercept, standardize)
    Z = np.asfortranarray((X - mean) / scale)
    f = np.ones(p) if penalty_factor is None else np.asarray(penalty_factor, dtype=np.float64)
    rho = float(l1_ratio)
    l1, l2 = lam * rho * f, lam * (1.0 - rho) * f
    prior = np.clip(sw @ Y, 1e-12, None) if fit_intercept else np.full(K, 1.0 / K)
    beta = np.zeros((K, p))
    b = np.log(prior) - np.log(prior).mean() if fit_intercept else np.zeros(K)
    if coef0 is not None:
        coef0 = np.asarray(coef0, dtype=np.float64)
        if coef0.shape != (K, p):
            raise ValueError(f"coef0 has shape {coef0.shape} but the problem has {K} classes and "
                             f"{p} features; pass coef0 of shape ({K}, {p}) (e.g. the coef of "
                             "a fit on the same classes and features)")
        beta = coef0 * scale                      # standardized coordinates
        if fit_intercept:
            b = b + coef0 @ mean                  # η = Xw + b₀ = Z β + (b₀ + w·m)
    if intercept0 is not None and fit_intercept:
        intercept0 = np.asarray(intercept0, dtype=np.float64).ravel()
        if intercept0.shape != (K,):
            raise ValueError(f"intercept0 has {intercept0.size} values but there are {K} "
                             f"classes; pass one intercept per class")
        b = intercept0 + (beta / scale) @ mean
    null = np.abs((sw[:, None] * (prior - Y)).T @ Z)
    tol_abs = tol * max(float(null.max()) if null.size else 0.0, np.finfo(float).tiny)
    eta = Z @ beta.T + b
    pen = float(l1 @ np.abs(beta).sum(axis=0) + l2 @ (beta * beta).sum(axis=0))
    J = _softmax_data(eta, Y, sw) + pen
    kkt, it = np.inf, 0
    for it in range(1, max_iter + 1):
        P = np.exp(eta - eta.max(axis=1, keepdims=True))
        P /= P.sum(axis=1, keepdims=True)
        G = sw[:, None] * (P - Y)
        grad = G.T @ Z                                    # (K, p)
        dist = np.where(beta != 0, np.abs(grad + 2 * l2 * beta + l1 * np.sign(beta)),
                        np.maximum(np.abs(grad) - l1, 0.0))
        kkt = max(float(dist.max()) if dist.size else 0.0,
                  float(np.abs(G.sum(axis=0)).max()) if fit_intercept else 0.0)
        if kkt <= tol_abs:
            it -= 1
            break
        new, new_b = beta.copy(), b.copy()
        _cd_softmax_inner(Z, sw, P, G, new, new_b, l1, l2, fit_intercept, 0.1 * kkt, 1000)
        step, step_b = new - beta, new_b - b
        pen_new = float(l1 @ np.abs(new).sum(axis=0) + l2 @ (new * new).sum(axis=0))
        D = float(np.sum(grad * step) + G.sum(axis=0) @ step_b) + pen_new - pen
        dz = Z @ step.T + step_b
        t = 1.0
        while True:
            cand, cb = beta + t * step, b + t * step_b
            eta_c = eta + t * dz
            pen_c = float(l1 @ np.abs(cand).sum(axis=0) + l2 @ (cand * cand).sum(axis=0))
            Jc = _softmax_data(eta_c, Y, sw) + pen_c
            if Jc <= J + 1e-4 * t * D or t < 1e-10 or _unresolved(D, J):
                break
            t *= 0.5
        if t < 1e-10 and Jc > J:
            break    # no progress possible at machine precision
        beta, b, eta, J, pen = cand, cb, eta_c, Jc, pen_c
    converged = kkt <= tol_abs
    if not converged:
        warnings.warn(f"multinomial proximal Newton did not reach the tolerance in {max_iter} "
                      f"steps (optimality gap {kkt:.3g} > {tol_abs:.3g}); raise max_iter or tol",
                      ConvergenceWarning, stacklevel=2)
    coef = beta / scale
    intercept = b - coef @ mean
    intercept = intercept - intercept.mean()
    return MultinomialEnetResult(coef, intercept, it, kkt, converged)
