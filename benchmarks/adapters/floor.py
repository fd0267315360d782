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
