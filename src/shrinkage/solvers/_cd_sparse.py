r"""Compiled coordinate descent for the elastic net on the columns of a CSC matrix (numba).

The maths is that of the naive mode of :mod:`shrinkage.solvers.cd` with the centring and the
scaling kept implicit, as glmnet's sparse routine does: ``X`` (``data``, ``indices``,
``indptr`` of a CSC matrix) is never modified, and a column's mean ``m_j`` and scale ``sd_j``
enter each update. The residual of the standardized problem, ``r̃ = ỹ − X̃β``, is held as a
dense vector ``r`` (``n``) *without* the centring terms plus one scalar ``off = Σ_j m_j w_j``
(``w = β/sd``), ``r̃ = r + off``, so that a change ``δ`` of ``β_j`` costs the column's stored
entries only::

    r_i −= (δ/sd_j) x_ij  (x_ij stored),      off += (δ/sd_j) m_j,      rsum −= (δ/sd_j) xs_j

with ``xs_j = Σ_i sw_i x_ij`` and ``rsum = Σ_i sw_i r_i`` (refreshed at every full check).
Then ``h_j = Σ_i sw_i x̃_ij r̃_i`` is, from the stored entries of column ``j``::

    h_j = (Σ_stored sw_i x_ij r_i + off · xs_j − m_j (rsum + off · S)) / sd_j,    S = Σ sw.

The update and the certificate are :func:`~shrinkage.penalties.enet_coordinate` and
:func:`~shrinkage.penalties.enet_distance`, as in every other kernel. On return ``r`` is the
full residual ``r̃`` again (``off`` folded in) and ``h`` is current on every feature.
"""

from __future__ import annotations

import numpy as np
from numba import njit

from ..datafits import hessian_product_entry
from ..penalties import enet_center, enet_coordinate, enet_distance

__all__ = []


@njit(cache=True, nogil=True, inline="always")
def _csc_moments(data, indices, indptr, w, j):
    """``(Σ_i w_i x_ij, Σ_i w_i x_ij²)`` of column j, from its stored entries."""
    a = 0.0
    b = 0.0
    for k in range(indptr[j], indptr[j + 1]):
        t = w[indices[k]] * data[k]
        a += t
        b += t * data[k]
    return a, b


@njit(cache=True, nogil=True)
def _csc_column_sums(data, indices, indptr, sw):
    """``(Σ_i sw_i x_ij, Σ_i sw_i x_ij²)`` per column, from the stored entries."""
    p = indptr.shape[0] - 1
    xs = np.zeros(p)
    xsq = np.zeros(p)
    for j in range(p):
        xs[j], xsq[j] = _csc_moments(data, indices, indptr, sw, j)
    return xs, xsq


@njit(cache=True, nogil=True, inline="always")
def _csc_h(data, indices, indptr, sw, r, xs, mean, scale, st, j):
    """``h_j`` from the stored entries of column j (module docstring); st = (off, rsum, S)."""
    acc = 0.0
    for k in range(indptr[j], indptr[j + 1]):
        i = indices[k]
        acc += sw[i] * data[k] * r[i]
    return (acc + st[0] * xs[j] - mean[j] * (st[1] + st[0] * st[2])) / scale[j]


@njit(cache=True, nogil=True)
def _csc_pass(data, indices, indptr, sw, xs, mean, scale, colsq, r, st, l1, l2, beta, idx,
              active_only):
    """One pass over idx (its non-zeros only if active_only); returns the largest
    subdifferential distance measured before each update."""
    kkt = 0.0
    for j in idx:
        if active_only and beta[j] == 0.0:
            continue
        if colsq[j] + l2[j] <= 0.0:
            continue
        hj = _csc_h(data, indices, indptr, sw, r, xs, mean, scale, st, j)
        old = beta[j]
        dj = enet_distance(old, -2.0 * hj, l1[j], l2[j])
        kkt = max(kkt, dj)
        new = enet_coordinate(2.0 * (hj + colsq[j] * old), 2.0 * colsq[j], l1[j], l2[j])
        if new != old:
            dw = (new - old) / scale[j]
            beta[j] = new
            for k in range(indptr[j], indptr[j + 1]):
                r[indices[k]] -= dw * data[k]
            st[0] += dw * mean[j]
            st[1] -= dw * xs[j]
    return kkt


@njit(cache=True, nogil=True)
def _csc_check(data, indices, indptr, sw, xs, mean, scale, r, st, h, l1, l2, beta, ws, tol):
    """h on every feature (``rsum`` recomputed first, so no drift accumulates), violators of
    the certificate join ws. Returns (largest distance, whether ws grew)."""
    s = 0.0
    for i in range(r.shape[0]):
        s += sw[i] * r[i]
    st[1] = s
    kkt = 0.0
    added = False
    for j in range(beta.shape[0]):
        h[j] = _csc_h(data, indices, indptr, sw, r, xs, mean, scale, st, j)
        dj = enet_distance(beta[j], -2.0 * h[j], l1[j], l2[j])
        kkt = max(kkt, dj)
        if not ws[j] and dj > tol:
            ws[j] = True
            added = True
    return kkt, added


@njit(cache=True, nogil=True)
def _cd_csc(data, indices, indptr, sw, xs, mean, scale, colsq, r, h, l1, l2, beta, ws, tol,
            max_iter):
    """Coordinate descent on the working set ws (bool, grown by full checks) with the
    residual r (n, the full residual ``r̃`` on entry and on return). A pass over ws is
    followed, while it moved more than tol, by passes over its non-zeros until they settle;
    then every feature is checked. Returns (passes, max subdifferential distance)."""
    st = np.zeros(3)                     # off, rsum, S
    for i in range(sw.shape[0]):
        st[2] += sw[i]
    idx = np.flatnonzero(ws)
    passes = 0
    kkt, _ = _csc_check(data, indices, indptr, sw, xs, mean, scale, r, st, h, l1, l2, beta,
                        ws, tol)
    while passes < max_iter and kkt > tol:
        passes += 1
        if _csc_pass(data, indices, indptr, sw, xs, mean, scale, colsq, r, st, l1, l2, beta,
                     idx, False) > tol:
            while passes < max_iter:
                passes += 1
                if _csc_pass(data, indices, indptr, sw, xs, mean, scale, colsq, r, st, l1, l2,
                             beta, idx, True) <= tol:
                    break
            continue
        kkt, added = _csc_check(data, indices, indptr, sw, xs, mean, scale, r, st, h, l1, l2,
                                beta, ws, tol)
        if added:
            idx = np.flatnonzero(ws)
    if passes >= max_iter:
        kkt, _ = _csc_check(data, indices, indptr, sw, xs, mean, scale, r, st, h, l1, l2,
                            beta, ws, tol)
    for i in range(r.shape[0]):      # fold the centring back into the residual
        r[i] += st[0]
    return passes, kkt


@njit(cache=True, nogil=True)
def _cd_binary_inner_csc(data, indices, indptr, mean, scale, d, u, colsq, l1, l2, beta, idx,
                         fit_intercept, tol, max_pass, lo, hi):
    """The inner loop of proximal Newton (``_cd_kernels._cd_logistic_inner``) on the implicit
    columns ``x̃_j = (x_j − m_j)/sd_j`` of a CSC matrix. ``u = g + d ⊙ Δη`` is held as
    ``u_s + c d`` (``c`` a scalar: the centring and the intercept move every row by a multiple
    of ``d``), so a change of ``β_j`` costs the column's stored entries. ``colsq[idx]`` is
    computed here (``Σ_i d_i x̃_ij²``); u is updated in place. Returns (passes, intercept
    step)."""
    dsum = 0.0
    for i in range(d.shape[0]):
        dsum += d[i]
    xd = np.zeros(beta.shape[0])
    for j in idx:
        a, b = _csc_moments(data, indices, indptr, d, j)
        xd[j] = a
        colsq[j] = max((b - 2.0 * mean[j] * a + mean[j] * mean[j] * dsum)
                       / (scale[j] * scale[j]), 0.0)
    c = 0.0
    delta_b = 0.0
    passes = 0
    while passes < max_pass:
        passes += 1
        usum = 0.0
        for i in range(u.shape[0]):
            usum += u[i]
        move = 0.0
        for j in idx:
            a = colsq[j]
            if a + 2.0 * l2[j] <= 0.0:
                continue
            acc = 0.0
            for k in range(indptr[j], indptr[j + 1]):
                acc += data[k] * u[indices[k]]
            part = (acc + c * xd[j] - mean[j] * (usum + c * dsum)) / scale[j]
            old = beta[j]
            new = min(max(enet_coordinate(a * old - part, a, l1[j], l2[j]), lo[j]), hi[j])
            if new != old:
                delta = new - old
                beta[j] = new
                dw = delta / scale[j]
                for k in range(indptr[j], indptr[j + 1]):
                    u[indices[k]] += d[indices[k]] * data[k] * dw
                usum += xd[j] * dw
                c -= mean[j] * dw
                move = max(move, a * abs(delta))
        if fit_intercept and dsum > 0.0:
            s = usum + c * dsum
            db = -s / dsum
            delta_b += db
            c += db
            move = max(move, abs(s))
        if move <= tol:
            break
    for i in range(u.shape[0]):
        u[i] += c * d[i]
    return passes, delta_b


@njit(cache=True, nogil=True, inline="always")
def _model_gradient_entry(sw, P, G, E, c, t, i, k):
    """Entry (i, k) of the softmax model's gradient in η,
    ``G_ik + sw_i p_ik (Δη_ik − p_iᵀΔη_i)``, with ``Δη_ik = E_ik + c_k`` and
    ``p_iᵀΔη_i = t_i + Σ_l p_il c_l``."""
    q = t[i]
    for m in range(c.shape[0]):
        q += P[i, m] * c[m]
    return G[i, k] + hessian_product_entry(sw[i], P[i, k], E[i, k] + c[k], q)


@njit(cache=True, nogil=True)
def _cd_softmax_inner_csc(data, indices, indptr, mean, scale, sw, P, G, H, beta, b, l1, l2,
                          fit_intercept, tol, max_pass):
    """:func:`~shrinkage.solvers._cd_kernels._cd_softmax_inner` on the implicit columns
    ``x̃_j = (x_j − m_j)/sd_j`` of a CSC matrix. ``Δη_ik = E_ik + c_k``: a change of ``β_kj``
    moves ``E[:, k]`` on the column's stored rows and the class's scalar ``c_k`` by
    ``−m_j δ/sd_j`` (the intercepts move ``c`` only); ``t_i = Σ_k p_ik E_ik``. The column sums
    ``V_k = Σ_i v_ik`` of the model gradient in η (:func:`_model_gradient_entry`), recomputed
    at every pass, are kept current with the K × K matrix
    ``M_lk = Σ_i sw_i p_il(δ_lk − p_ik)``, so an update costs K times the column's stored
    entries. beta (K, p) and b (K,) are updated in
    place; returns the passes made."""
    n, K = P.shape
    p = beta.shape[1]
    E, t = np.zeros((n, K)), np.zeros(n)
    c, V, dsum = np.zeros(K), np.zeros(K), np.zeros(K)
    M, curv = np.zeros((K, K)), np.zeros((K, p))
    for i in range(n):
        for k in range(K):
            dsum[k] += H[i, k]
            for m in range(K):
                M[m, k] -= sw[i] * P[i, m] * P[i, k]
            M[k, k] += sw[i] * P[i, k]
    for k in range(K):
        hk = np.ascontiguousarray(H[:, k])
        for j in range(p):
            a, q = _csc_moments(data, indices, indptr, hk, j)
            curv[k, j] = max((q - 2.0 * mean[j] * a + mean[j] * mean[j] * dsum[k])
                             / (scale[j] * scale[j]), 0.0)
    shift = np.zeros(p)
    passes = 0
    while passes < max_pass:
        passes += 1
        V[:] = 0.0
        for i in range(n):
            for k in range(K):
                V[k] += _model_gradient_entry(sw, P, G, E, c, t, i, k)
        move = 0.0
        for k in range(K):
            for j in range(p):
                a = curv[k, j]
                if a + 2.0 * l2[j] <= 0.0:
                    continue
                acc = 0.0
                for r in range(indptr[j], indptr[j + 1]):
                    acc += data[r] * _model_gradient_entry(sw, P, G, E, c, t, indices[r], k)
                gr = (acc - mean[j] * V[k]) / scale[j]
                old = beta[k, j]
                new = enet_coordinate(a * old - gr, a, l1[j], l2[j])
                if new != old:
                    delta = new - old
                    beta[k, j] = new
                    dw = delta / scale[j]
                    for m in range(K):
                        V[m] -= mean[j] * dw * M[m, k]
                    for r in range(indptr[j], indptr[j + 1]):
                        i = indices[r]
                        u = dw * data[r]
                        for m in range(K):
                            V[m] += sw[i] * P[i, m] * ((m == k) - P[i, k]) * u
                        E[i, k] += u
                        t[i] += P[i, k] * u
                    c[k] -= mean[j] * dw
                    if a * abs(delta) > move:
                        move = a * abs(delta)
            if fit_intercept and dsum[k] > 0.0:
                gr = V[k]
                db = -gr / dsum[k]
                b[k] += db
                c[k] += db
                for m in range(K):
                    V[m] += db * M[m, k]
                if abs(gr) > move:
                    move = abs(gr)
        enet_center(beta, l1, l2, shift)
        for j in range(p):                 # a common shift over the classes: V unchanged
            dw = shift[j] / scale[j]
            if dw != 0.0:
                for r in range(indptr[j], indptr[j + 1]):
                    i = indices[r]
                    u = dw * data[r]
                    t[i] += u
                    for k in range(K):
                        E[i, k] += u
                for k in range(K):
                    c[k] -= mean[j] * dw
        if move <= tol:
            break
    return passes
