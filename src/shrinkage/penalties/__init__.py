r"""Penalties: the ``λ Σ_j f_j [(1−ρ)w_j² + ρ|w_j|]`` part of :mod:`shrinkage.conventions`.

This package is the one place where a penalty is written down. A penalty acts on the
coefficients only (never the intercept). Coefficients may be a vector ``(p,)`` or, for several
classes or targets, a matrix ``(K, p)``; ``penalty_factor`` has length ``p`` and broadcasts over
rows. Each penalty offers::

    value(w)                    the penalty
    prox(w, step, out=None)     argmin_z ½‖z − w‖² + step·penalty(z)   (in place with out=w)
    subgradient(w)              the least-norm element of ∂penalty(w) (the gradient where the
                                penalty is smooth): what a subgradient method steps along
    subdiff_distance(w, grad)   distance of −grad (the datafit gradient) to ∂penalty(w):
                                zero exactly at an optimum, the optimality certificate
    lam_max(null_grad)          the smallest λ whose solution has every penalized coefficient
                                at zero, from the datafit gradient at the null model
                                (:func:`shrinkage.solvers.null_gradient`)
    unpenalized(p)              the coefficients the penalty leaves free

The elastic-net family (:class:`ElasticNet`, :class:`L1`, :class:`L2`) also gives its
per-coordinate weights ``weights(p) -> (l1, l2)``, which is what the compiled solvers take,
together with the per-coordinate formulas of :mod:`shrinkage.penalties._kernels`
(:func:`soft_threshold`, :func:`enet_coordinate`, :func:`enet_distance`, :func:`enet_center`).
:class:`L2` adds ``gradient`` and ``hessian_diag`` (it is smooth). :class:`GroupL2` groups
features by label, or the columns / rows of a matrix (``axis``: the networks' neurons);
:class:`GroupElasticNet` adds a ridge part (the multi-task elastic net).
"""

from ._enet import L1, L2, ElasticNet, enet_conjugate, enet_distances, enet_prox, enet_value
from ._group import GroupElasticNet, GroupL2, block_soft_threshold, slice_norms
from ._kernels import enet_center, enet_coordinate, enet_distance, soft_threshold

__all__ = ["L2", "L1", "ElasticNet", "GroupL2", "GroupElasticNet", "enet_value", "enet_prox", "enet_distances",
           "enet_conjugate", "slice_norms", "block_soft_threshold", "soft_threshold",
           "enet_coordinate", "enet_distance", "enet_center"]
