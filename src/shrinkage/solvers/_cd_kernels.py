r"""Compiled coordinate-descent kernels (numba): quadratic (covariance and naive modes), and the
inner loops of proximal Newton for the logistic and softmax losses.

The maths of each loop is in the docstrings of :mod:`shrinkage.solvers.cd` and
:mod:`shrinkage.solvers.prox_newton`. The per-coordinate penalty formulas — the update
``argmin ½aw² − cw + l1|w| + l2w²``, the subdifferential distance and the multinomial
centring — come from :mod:`shrinkage.penalties` (:func:`~shrinkage.penalties.enet_coordinate`,
:func:`~shrinkage.penalties.enet_distance`, :func:`~shrinkage.penalties.enet_center`). In the
quadratic kernels ``h = q − Gβ`` is minus half the datafit gradient (the squared error has no
½), so the datafit gradient is ``−2h`` and a coordinate's quadratic is ``G_jj β² − 2zβ``, that
is ``a = 2G_jj``, ``c = 2z``.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..datafits import hessian_product_entry
from ..penalties import enet_center, enet_coordinate, enet_distance

__all__ = []


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
        new = enet_coordinate(2.0 * (h[j] + G[j, j] * old), 2.0 * G[j, j], l1[j], l2[j])
        if new != old:
            delta = new - old
            beta[j] = new
            for k in range(p):        # G is symmetric: read row j (contiguous)
                h[k] -= delta * G[j, k]
    kkt = 0.0
    for j in idx:
        if active_only and beta[j] == 0.0:
            continue
        dj = enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j])
        if dj > kkt:
            kkt = dj
    return kkt


_ANDERSON = 5


@njit(cache=True, nogil=True)
def _anderson_step(Ga, ha, ba, la, ra, hist):
    """Anderson extrapolation of the last CD iterates (hist, oldest first; Bertrand & Massias
    2021): β' = Σ c_k β_k with c minimizing ‖Σ c_k (β_k − β_{k−1})‖, Σc = 1. Taken (ba, ha
    updated in place) only if it lowers the objective ``βᵀGβ − 2qᵀβ + penalty``, whose change
    for ``d = β' − β`` is ``−2dᵀh + dᵀGd`` plus the penalty's change. Written with scalar
    loops (the K × K system by Cholesky): NumPy's linear algebra and array expressions take
    numba seconds to compile, these loops a fraction of one."""
    K = hist.shape[0] - 1
    a = ba.shape[0]
    M = np.empty((K, K))
    for k in range(K):
        for m in range(k + 1):
            v = 0.0
            for s in range(a):
                v += (hist[k + 1, s] - hist[k, s]) * (hist[m + 1, s] - hist[m, s])
            M[k, m] = v
            M[m, k] = v
    tr = 0.0
    for k in range(K):
        tr += M[k, k]
    if not tr > 0.0:
        return
    for k in range(K):
        M[k, k] += 1e-10 * tr
    # M = L Lᵀ (L in the lower triangle of M), then c = M⁻¹ 1
    for k in range(K):
        for m in range(k + 1):
            v = M[k, m]
            for t in range(m):
                v -= M[k, t] * M[m, t]
            if m == k:
                if not v > 0.0:
                    return
                M[k, k] = np.sqrt(v)
            else:
                M[k, m] = v / M[m, m]
    c = np.empty(K)
    for k in range(K):
        c[k] = 1.0
        for t in range(k):
            c[k] -= M[k, t] * c[t]
        c[k] /= M[k, k]
    for k in range(K - 1, -1, -1):
        for t in range(k + 1, K):
            c[k] -= M[t, k] * c[t]
        c[k] /= M[k, k]
    cs = 0.0
    for k in range(K):
        cs += c[k]
    if not np.isfinite(cs) or cs == 0.0:
        return
    for k in range(K):
        c[k] /= cs
    d = np.empty(a)
    acc = np.empty(a)
    for s in range(a):
        v = 0.0
        for k in range(K):
            v += c[k] * hist[k + 1, s]
        acc[s] = v
        d[s] = acc[s] - ba[s]
    gd = np.empty(a)
    for s in range(a):
        v = 0.0
        for t in range(a):
            v += Ga[s, t] * d[t]
        gd[s] = v
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
            new = enet_coordinate(2.0 * (ha[s] + Ga[s, s] * old), 2.0 * Ga[s, s], la[s], ra[s])
            if new != old:
                delta = new - old
                ba[s] = new
                for t in range(a):
                    ha[t] -= delta * Ga[s, t]
        kkt = 0.0
        for s in range(a):
            dj = enet_distance(ba[s], -2.0 * ha[s], la[s], ra[s])
            if dj > kkt:
                kkt = dj
        if kkt <= tol:
            break
        for s in range(a):        # hist[nh] = ba without numba's shape-error path
            hist[nh, s] = ba[s]
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
                if not ws[j] and enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j]) > tol:
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
            if enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j]) > tol:
                done = False
                ws[j] = True
        if done:
            break
        idx = np.flatnonzero(ws)
    kkt = 0.0
    for j in range(p):
        dj = enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j])
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
        dj = enet_distance(old, -2.0 * hj, l1[j], l2[j])
        if dj > kkt:
            kkt = dj
        new = enet_coordinate(2.0 * (hj + colsq[j] * old), 2.0 * colsq[j], l1[j], l2[j])
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
            dj = enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j])
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
        kkt = max(kkt, enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j]))
    return passes, kkt



@njit(cache=True, nogil=True)
def _cd_logistic_inner(X, d, u, colsq, l1, l2, beta, idx, delta_b, fit_intercept, tol,
                       max_pass, lo, hi):
    """CD over the coordinates idx (the working set) on the quadratic model
    Σ u·Δη + ½ d Δη² + penalty, each coordinate kept in [lo_j, hi_j] (the minimizer of a
    convex function of one variable over an interval is its free minimizer clipped);
    u = g + d Δη is kept current. beta is updated in place; returns (passes, intercept
    step)."""
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
            new = min(max(enet_coordinate(a * old - part, a, l1[j], l2[j]), lo[j]), hi[j])
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



@njit(cache=True, nogil=True)
def _cd_softmax_inner(Z, sw, P, G, H, beta, b, l1, l2, fit_intercept, tol, max_pass, lo, hi):
    """CD over every (class, feature) coordinate and the intercepts on the full second-order
    model of the softmax datafit at probabilities P (n, K), gradient terms G = sw ⊙ (P − Y) and
    Hessian diagonal H (n, K) (:meth:`~shrinkage.datafits.SoftmaxCrossEntropy.diagonal_curvature`):
    ``Σ_i [G_iᵀΔη_i + ½ sw_i Δη_iᵀ(diag p_i − p_i p_iᵀ)Δη_i]`` plus the penalty on
    ``beta + Δβ``. ``D = Δη`` and ``s_i = p_iᵀΔη_i`` are kept current (O(n) per update), so a
    Hessian-vector entry is :func:`~shrinkage.datafits.hessian_product_entry`; after each pass
    every feature's coefficients are centred across the classes (the model is unchanged by a
    common shift). Every coefficient of feature j is kept in [lo_j, hi_j] (each update clipped,
    the centring shift limited to the one keeping the column in the box: the penalty is convex
    in the shift, so its minimizer over that interval is the free one clipped). beta (K, p) and
    b (K,) are updated in place to the model's minimizer; returns the passes made."""
    n, p = Z.shape
    K = P.shape[1]
    D = np.zeros((n, K))
    srow = np.zeros(n)
    curv = np.zeros((K, p))
    dsum = np.zeros(K)
    for k in range(K):
        for i in range(n):
            dsum[k] += H[i, k]
        for j in range(p):
            acc = 0.0
            for i in range(n):
                acc += H[i, k] * Z[i, j] * Z[i, j]
            curv[k, j] = acc
    shift = np.zeros(p)
    boxed = False
    for j in range(p):
        if lo[j] > -np.inf or hi[j] < np.inf:
            boxed = True
    prev = np.empty_like(beta)
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
                    gr += Z[i, j] * (G[i, k] + hessian_product_entry(sw[i], P[i, k], D[i, k], srow[i]))
                old = beta[k, j]
                new = min(max(enet_coordinate(a * old - gr, a, l1[j], l2[j]), lo[j]), hi[j])
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
                    gr += G[i, k] + hessian_product_entry(sw[i], P[i, k], D[i, k], srow[i])
                db = -gr / dsum[k]
                b[k] += db
                for i in range(n):
                    D[i, k] += db
                    srow[i] += P[i, k] * db
                if abs(gr) > move:
                    move = abs(gr)
        if boxed:
            for k in range(K):
                for j in range(p):
                    prev[k, j] = beta[k, j]
        enet_center(beta, l1, l2, shift)
        for j in range(p):
            c = shift[j]
            if boxed and c != 0.0 and (lo[j] > -np.inf or hi[j] < np.inf):
                top = -np.inf                      # the column before the shift
                bot = np.inf
                for k in range(K):
                    top = max(top, prev[k, j])
                    bot = min(bot, prev[k, j])
                c = min(max(c, lo[j] - bot), hi[j] - top)
                for k in range(K):                 # clipped: a bound stays exact
                    beta[k, j] = min(max(prev[k, j] + c, lo[j]), hi[j])
                shift[j] = c
            if c != 0.0:
                for i in range(n):
                    t = c * Z[i, j]
                    srow[i] += t
                    for k in range(K):
                        D[i, k] += t
        if move <= tol:
            break
    return passes

