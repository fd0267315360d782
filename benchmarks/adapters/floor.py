"""The floor: the BLAS work direct ridge cannot avoid, timed alone.

For every λ at once (``ridge_cv``): one Gram matrix of the smaller side (``XᵀX`` when n ≥ p,
``XXᵀ`` otherwise) and its eigendecomposition. Exact leave-one-out needs one more ``n × k × k``
product for the leverages, so ``RidgeCV(cv="loo")`` cannot go below about this floor plus one
more Gram-sized product. For one λ (``ridge``): the Gram matrix and one Cholesky solve.
"""

import numpy as np
import scipy.linalg as sla

from registry import Fit, adapter


def _gram(X):
    return X.T @ X if X.shape[0] >= X.shape[1] else X @ X.T


@adapter("floor", "Gram + eigh", tasks={"ridge_cv"}, floor=True)
def gram_eigh(prob):
    np.linalg.eigh(_gram(prob.X))
    return Fit()


@adapter("floor", "Gram + Cholesky", tasks={"ridge"}, floor=True)
def gram_cholesky(prob):
    X = prob.X
    G = _gram(X)
    G[np.diag_indices_from(G)] += prob.lam * X.shape[0]
    sla.cho_factor(G, overwrite_a=True)
    return Fit()


@adapter("floor", "MLP GEMMs", tasks={"mlp_epoch"}, floor=True)
def mlp_gemms(prob):
    """The matrix products of one epoch alone, in the problem's dtype: per batch of ``m`` rows,
    forward ``X_b W₀`` (m×d₀×d₁) and ``A W₁`` (m×d₁×K), backward ``Aᵀ dZ₁`` (d₁×m×K),
    ``dZ₁ W₁ᵀ`` (m×K×d₁) and ``X_bᵀ dZ₀`` (d₀×m×d₁); no input gradient for the first layer.
    Batches are contiguous slices (no gather), outputs preallocated, operands' values irrelevant.
    """
    o = prob.options
    X = prob.X
    n, d0 = X.shape
    d1, K, bs = o["hidden"], int(prob.y.max()) + 1, o["batch_size"]
    dt = np.dtype(o["dtype"])
    W0, W1 = np.full((d0, d1), 0.01, dt), np.full((d1, K), 0.01, dt)
    dW0, dW1 = np.empty_like(W0), np.empty_like(W1)
    Z0, Z1, dA = np.empty((bs, d1), dt), np.empty((bs, K), dt), np.empty((bs, d1), dt)
    for _ in range(o["epochs"]):
        for start in range(0, n, bs):
            Xb = X[start:start + bs]
            m = Xb.shape[0]
            A, Zo, D = Z0[:m], Z1[:m], dA[:m]
            np.matmul(Xb, W0, out=A)
            np.matmul(A, W1, out=Zo)
            np.matmul(A.T, Zo, out=dW1)
            np.matmul(Zo, W1.T, out=D)
            np.matmul(Xb.T, D, out=dW0)
    return Fit()
