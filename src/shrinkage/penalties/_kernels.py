r"""The elastic-net formulas per coordinate, compiled: what the numba solvers call.

With per-coordinate weights ``l1 = λ f ρ`` and ``l2 = λ f (1−ρ)`` (:meth:`ElasticNet.weights`)
the penalty of one coordinate is ``l1 |w| + l2 w²``. Every coordinate-descent kernel in
:mod:`shrinkage.solvers` takes its update, its optimality certificate and the multinomial
centring from here, so these formulas exist once.
"""

from __future__ import annotations

import numpy as np
from numba import njit

__all__ = ["soft_threshold", "enet_coordinate", "enet_distance", "enet_center"]


@njit(cache=True, nogil=True, inline="always")
def soft_threshold(z, t):
    """``S(z, t) = sign(z) max(|z| − t, 0)``: the prox of ``t|·|``."""
    if z > t:
        return z - t
    if z < -t:
        return z + t
    return 0.0


@njit(cache=True, nogil=True, inline="always")
def enet_coordinate(c, a, l1, l2):
    """``argmin_w ½ a w² − c w + l1 |w| + l2 w² = S(c, l1) / (a + 2 l2)`` (``a + 2l2 > 0``).

    A coordinate-descent step on a quadratic model with curvature ``a`` and linear term
    ``c = a w_old − g`` (``g`` the model's gradient at ``w_old``) is this call."""
    return soft_threshold(c, l1) / (a + 2.0 * l2)


@njit(cache=True, nogil=True, inline="always")
def enet_distance(w, g, l1, l2):
    """Distance of ``−g`` (``g`` the datafit's partial derivative) to the subdifferential of
    ``l1|w| + l2 w²``: ``|g + 2 l2 w + l1 sign w|`` off zero, ``max(|g| − l1, 0)`` at zero."""
    if w != 0.0:
        s = 1.0 if w > 0 else -1.0
        return abs(g + 2.0 * l2 * w + l1 * s)
    return max(abs(g) - l1, 0.0)


@njit(cache=True, nogil=True)
def enet_center(beta, l1, l2, shift):
    """For each column ``j`` of ``beta`` (K, p), move every row by the ``c_j`` minimizing the
    penalty ``Σ_k l1_j|β_kj + c| + l2_j(β_kj + c)²`` (glmnet's centring of multinomial
    coefficients: the softmax is unchanged by a common shift, so this is an exact minimization
    along a direction coordinate descent is slow to follow). Writes ``c`` to ``shift`` (p,);
    ``beta`` is updated in place. Pure L1 (``l2_j = 0``) leaves the column as it is (any
    point of the median interval is optimal)."""
    K, p = beta.shape
    for j in range(p):
        a = l1[j]
        q = l2[j]
        shift[j] = 0.0
        if q == 0.0:
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
