r"""Penalties: the ``λ Σ_j f_j [(1−ρ) w_j² + ρ|w_j|]`` part of :mod:`shrinkage.conventions`.

A penalty acts on the coefficients only (never the intercept). Coefficients may be a vector
``(p,)`` or, for several classes or targets, a matrix ``(K, p)``; ``penalty_factor`` has length
``p`` and broadcasts over rows. Each penalty offers::

    value(w)                    the penalty
    gradient(w), hessian_diag(w)  for smooth penalties
    prox(w, step)               argmin_z ½‖z − w‖² + step·penalty(z)
    subdiff_distance(w, grad)   distance of −grad (the datafit gradient) to ∂penalty(w):
                                zero exactly at an optimum, the optimality certificate

Sparse penalties (:class:`L1`, :class:`ElasticNet`, :class:`GroupL2`) also offer
``lam_max(X, y, ...)``: the smallest λ whose solution has every penalized coefficient at zero.
"""

from ._l2 import L2
from ._sparse import L1, ElasticNet, null_gradient
from ._group import GroupL2

__all__ = ["L2", "L1", "ElasticNet", "GroupL2", "null_gradient"]
