r"""Solvers: pure functions over (data, datafit, penalty, warm start) → solution.

They know nothing of scikit-learn estimators and hold no private copy of a formula: losses,
gradients and curvatures come from :mod:`shrinkage.datafits`, penalty values, proxes,
per-coordinate updates, certificates and λ_max from :mod:`shrinkage.penalties`.

=======================  ===================================================================
module                   what it solves
=======================  ===================================================================
``ridge``                squared error + L2: one decomposition for every λ, exact LOO / GCV
``moments``              centred, standardized Gram moments of all data and every CV fold
``cd``                   squared error + elastic net: coordinate descent along a λ path
``prox_newton``          logistic / softmax + elastic net: proximal Newton around CD
``objective``            smooth datafit + L2 in standardized coordinates (and effective df)
``smooth``               Newton-Cholesky, Newton-CG and L-BFGS on an ``objective``
``prox``                 group L2: FISTA with restarts
``null``                 the null model, its gradient and λ_max
``linesearch``           the one Armijo backtracking line search
``_cd_kernels``          the compiled coordinate-descent loops
=======================  ===================================================================
"""

from .null import lam_max, null_gradient

__all__ = ["null_gradient", "lam_max"]
