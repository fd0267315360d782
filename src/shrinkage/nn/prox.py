r"""Proximal operators on weight matrices: L1 per weight and group L2 per neuron, in place.

The formulas live in :mod:`shrinkage.penalties` (:func:`~shrinkage.penalties.enet_prox`,
:func:`~shrinkage.penalties.block_soft_threshold`, :func:`~shrinkage.penalties.slice_norms`);
this module names the neurons of a weight matrix ``W`` of shape ``(d_in, d_out)`` (as in
:class:`~shrinkage.nn.layers.Dense`, ``Z = X W + b``) and maps them onto those functions' axes.
Everything is computed in place, in the matrix's own dtype, so a step allocates nothing the size
of ``W`` but ``|W|``.

Soft-thresholding (L1)
----------------------
``argmin_Z ½‖Z − W‖² + t‖Z‖₁ = S(W, t) = sign(W) max(|W| − t, 0)``, entry by entry.

Neurons as groups
-----------------
``axis`` names which weights form a neuron's group:

* ``"in"``: the **incoming** weights of unit ``j`` of the layer's *output*, the column
  ``W[:, j]`` (``p_g = d_in`` weights, ``d_out`` groups). A zero column leaves the unit with the
  constant pre-activation ``b_j``: it no longer depends on the input.
* ``"out"``: the **outgoing** weights of unit ``i`` of the layer's *input*, the row ``W[i, :]``
  (``p_g = d_out`` weights, ``d_in`` groups). A zero row removes unit ``i`` from the network; on
  the first layer the units are the input features, so this is feature selection.

Block soft-thresholding (group L2)
----------------------------------
``argmin_z ½‖z − w_g‖² + t√p_g‖z‖₂ = max(0, 1 − t√p_g/‖w_g‖) · w_g`` for each group: the group
shrinks along its own direction and is exactly zero when ``‖w_g‖ ≤ t√p_g``.

Sparse group (L1 + group L2 on one matrix)
------------------------------------------
The prox of ``t₁‖·‖₁ + t₂ Σ_g √p_g‖·_g‖₂`` is the group prox applied after the soft-thresholding
(the sparse-group-lasso identity of Simon, Friedman, Hastie & Tibshirani 2013: the soft
threshold's output is the point of the L1 prox, and the group norm's subgradient at it keeps the
signs), so :meth:`~shrinkage.nn.penalties.LayerPenalty.prox` composes them in that order.
"""

from __future__ import annotations

import numpy as np

from ..penalties import block_soft_threshold, enet_prox, slice_norms

__all__ = ["soft_threshold", "group_soft_threshold", "group_norms", "group_size", "live_units",
           "slice_axis", "GROUP_AXES"]

GROUP_AXES = ("in", "out")

# the axis of shrinkage.penalties' slice functions for each group kind: a column W[:, j] is a
# slice along axis 0 (summed over the rows), a row W[i, :] along axis 1
_AXIS = {"in": 0, "out": 1}


def slice_axis(axis: str) -> int:
    """The ``axis`` of :func:`~shrinkage.penalties.slice_norms` and
    :class:`~shrinkage.penalties.GroupL2` for a neuron group kind: 0 for ``"in"``, 1 for ``"out"``."""
    if axis not in _AXIS:
        raise ValueError(f"group_axis must be 'in' (a unit's incoming column W[:, j]) or 'out' "
                         f"(a unit's outgoing row W[i, :]), got {axis!r}")
    return _AXIS[axis]


def soft_threshold(W: np.ndarray, t: float) -> np.ndarray:
    """``W ← sign(W) max(|W| − t, 0)`` in place; returns ``W`` (any shape)."""
    return enet_prox(W, t, 1.0, 0.0, out=W)        # the elastic-net prox with l1 = 1, l2 = 0


def group_size(W: np.ndarray, axis: str) -> int:
    """``p_g``: ``d_in`` for ``"in"`` (a column), ``d_out`` for ``"out"`` (a row)."""
    return W.shape[slice_axis(axis)]


def group_norms(W: np.ndarray, axis: str) -> np.ndarray:
    """``‖w_g‖₂`` per neuron in float64: shape ``(d_out,)`` for ``"in"``, ``(d_in,)`` for ``"out"``."""
    return slice_norms(W, slice_axis(axis))


def group_soft_threshold(W: np.ndarray, t: float, axis: str) -> np.ndarray:
    """``w_g ← max(0, 1 − t√p_g/‖w_g‖) w_g`` for every neuron group of ``W`` (d_in, d_out), in place."""
    return block_soft_threshold(W, t, slice_axis(axis))


def live_units(W: np.ndarray, axis: str) -> int:
    """Number of neuron groups of ``W`` that are not exactly zero (see the module doc)."""
    return int(np.count_nonzero(np.any(W != 0, axis=slice_axis(axis))))
