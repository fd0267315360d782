r"""The network penalty: per weight matrix an elastic net and a group L2 over neurons.

.. math::

    P(W) = \sum_l \lambda_l \left[(1-\rho_l)\,\|W_l\|_F^2 + \rho_l\,\|W_l\|_1\right]
           + \sum_l \gamma_l \sum_{g} \sqrt{p_g}\,\|W_{l,g}\|_2

added to the mean data loss (the objective of :mod:`shrinkage.conventions`). Biases are not
penalized unless ``penalize_bias=True`` (then ``b_l`` carries the same ``λ_l``, ``ρ_l``; never
the group term). The groups ``W_{l,g}`` are neurons (:mod:`shrinkage.nn.prox`): with
``group_axis="in"`` the column ``W_l[:, j]`` of incoming weights of unit ``j`` (``p_g = d_in``),
with ``"out"`` the row ``W_l[i, :]`` of outgoing weights of unit ``i`` (``p_g = d_out``; on the
first layer the units are the input features). The group norm is not squared, so whole
neurons can be exactly zero.

Where the formulas live
-----------------------
Nowhere here: per weight matrix the penalty is a :class:`~shrinkage.penalties.ElasticNet`
``(λ_l, ρ_l)`` and a :class:`~shrinkage.penalties.GroupL2` ``(γ_l, axis=…)`` over its neurons
(:func:`~shrinkage.nn.prox.slice_axis`), built from the current :attr:`LayerPenalty.lams` when
they are used, and their ``value``, ``prox`` and ``subgradient`` are the penalty's. The elastic
net splits into its smooth L2 part, ``2λ_l(1−ρ_l)W_l`` in the gradient
(:meth:`LayerPenalty.l2_coefficients`), and its L1 part, :class:`~shrinkage.penalties.L1`
``(λ_lρ_l)``.

Two ways to handle the non-smooth parts (``mode``)
--------------------------------------------------
The smooth L2 part always goes into the gradient: the training loop puts it at the head of the
optimizer chain (:func:`~shrinkage.nn.optimizers.add_decayed_weights` with
:meth:`LayerPenalty.l2_coefficients`, read every step), which is L2 in the loss, before any
adaptive scaling. The L1 and group parts:

``"subgradient"``: their least-norm subgradients are added in place to the data gradient
(:meth:`LayerPenalty.add_gradient`),

.. math::

    \partial P/\partial W_l = 2\lambda_l(1-\rho_l)\,W_l + \lambda_l\rho_l\,\mathrm{sign}(W_l)
        + \gamma_l \sqrt{p_g}\, W_{l,g}/\|W_{l,g}\|

(``sign(0) = 0`` and ``0/‖0‖ = 0``, subgradients). Weights then hover around zero without
reaching it. Seed 000 writes the L2 gradient as ``2λ‖W‖``, a scalar; it is the matrix ``2λW``.

``"prox"``: they are applied by :meth:`LayerPenalty.prox` **after** the gradient step, with the
step's own learning rate (:func:`~shrinkage.nn.optimizers.proximal`): soft-thresholding at
``lr·λ_lρ_l``, then block soft-thresholding at ``lr·γ_l√p_g``. Nothing is counted twice, and
:meth:`LayerPenalty.value` (hence ``history["penalty"]``) still holds every term. Under plain
SGD this is proximal gradient descent (ISTA), which converges to the minimizer of the objective
above; with momentum or Adam the prox is applied to the preconditioned step as AdamW applies
its decay, a sparse solution but not the exact minimizer.

Specifying the strengths
------------------------
``lam`` (and ``l1_ratio``, ``group_lam`` the same way) is

* a scalar: every weight matrix;
* a sequence with one entry per weight matrix, input side first (``0`` = unpenalized);
* a mapping from layer name to value; layers are named ``"dense_0"``, ``"dense_1"``, … from
  the input side, and a layer the mapping leaves out gets ``0``.
"""

from __future__ import annotations

from collections.abc import Mapping
from numbers import Real

import numpy as np

from ..penalties import L1, ElasticNet, GroupL2
from ._blas import axpy
from .prox import GROUP_AXES, live_units, slice_axis

__all__ = ["LayerPenalty", "per_layer", "PENALTY_MODES"]

PENALTY_MODES = ("subgradient", "prox")


def per_layer(value, names: list[str], what: str = "lam", upper: float | None = None) -> np.ndarray:
    """Resolve a scalar / sequence / mapping to one float per layer (see module doc).

    Examples
    --------
    >>> per_layer({"dense_1": 0.1}, ["dense_0", "dense_1"]).tolist()
    [0.0, 0.1]
    >>> per_layer([0.0, 1e-3], ["dense_0", "dense_1"]).tolist()
    [0.0, 0.001]
    """
    L = len(names)
    if isinstance(value, Mapping):
        unknown = [k for k in value if k not in names]
        if unknown:
            raise ValueError(f"{what} names unknown layer(s) {unknown}; the layers are {names}")
        out = np.array([value.get(k, 0.0) for k in names], dtype=np.float64)
    elif isinstance(value, (Real, np.number)) and not isinstance(value, (bool, np.bool_)):
        out = np.full(L, float(value))
    else:
        try:
            out = np.asarray(value, dtype=np.float64).ravel()
        except (TypeError, ValueError):
            raise ValueError(f"{what} must be a number, a sequence or a mapping by layer name, "
                             f"got {value!r}") from None
        if out.shape[0] != L:
            raise ValueError(f"{what} has {out.shape[0]} entries but the network has {L} weight "
                             f"matrices {names}; pass one value per layer or a scalar")
    if not np.all(np.isfinite(out)) or np.any(out < 0):
        raise ValueError(f"{what} must hold finite values >= 0, got {value!r}")
    if upper is not None and np.any(out > upper):
        raise ValueError(f"{what} must lie in [0, {upper:g}], got {value!r}")
    return out


class LayerPenalty:
    """``Σ_l λ_l[(1−ρ_l)‖W_l‖² + ρ_l‖W_l‖₁] + Σ_l γ_l Σ_g √p_g‖W_{l,g}‖`` over ``[W_0, b_0, …]``.

    Parameters
    ----------
    lam : float, sequence or mapping
        Strength ``λ_l`` per weight matrix (see module doc).
    layer_names : list of str
        Names of the layers, input side first.
    l1_ratio : float, sequence or mapping, default=0.0
        ``ρ_l ∈ [0, 1]`` per layer.
    penalize_bias : bool, default=False
    group_lam : float, sequence or mapping, default=0.0
        ``γ_l`` per weight matrix: the group L2 over neurons.
    group_axis : {"in", "out"}, default="in"
        Neurons' groups: incoming columns ``W[:, j]`` or outgoing rows ``W[i, :]``.
    mode : {"subgradient", "prox"}, default="subgradient"
        How the L1 and group parts are applied (module doc). With ``"prox"`` the optimizer must
        end with ``proximal(penalty.prox, learning_rate)``.

    Attributes
    ----------
    lams, l1_ratios, group_lams : ndarray of shape (n_layers,)
        The resolved per-layer values; :attr:`lams` may be changed in place (adaptive λ).

    Examples
    --------
    >>> import numpy as np
    >>> pen = LayerPenalty(0.5, ["dense_0"])
    >>> W, b = np.array([[1.0, -2.0]]), np.array([3.0])
    >>> pen.value([W, b])                  # 0.5 · (1 + 4); the bias is free
    2.5
    >>> g = [np.zeros_like(W), np.zeros_like(b)]
    >>> pen.add_gradient([W, b], g)[0]     # 2 λ W
    array([[ 1., -2.]])
    >>> grp = LayerPenalty(0.0, ["dense_0"], group_lam=1.0, group_axis="out", mode="prox")
    >>> grp.value([W, b])                  # one row (d_in = 1) of √2 · ‖(1, −2)‖
    3.1622776601683795
    >>> grp.prox([W, b], step=1.0)[0]      # ‖w‖ = √5 > √2: shrunk by 1 − √2/√5
    array([[ 0.36754447, -0.73508894]])
    """

    def __init__(self, lam, layer_names, l1_ratio=0.0, penalize_bias: bool = False, *,
                 group_lam=0.0, group_axis: str = "in", mode: str = "subgradient"):
        self.layer_names = list(layer_names)
        self.lams = per_layer(lam, self.layer_names, "lam")
        self.l1_ratios = per_layer(l1_ratio, self.layer_names, "l1_ratio", upper=1.0)
        self.group_lams = per_layer(group_lam, self.layer_names, "group_lam")
        if group_axis not in GROUP_AXES:
            raise ValueError(f"group_axis must be 'in' (a unit's incoming column W[:, j]) or "
                             f"'out' (a unit's outgoing row W[i, :]), got {group_axis!r}")
        if mode not in PENALTY_MODES:
            raise ValueError(f"mode must be one of {PENALTY_MODES}, got {mode!r}")
        self.group_axis, self.mode = group_axis, mode
        self.penalize_bias = bool(penalize_bias)

    @property
    def nonsmooth(self) -> bool:
        """Whether any layer has an L1 or a group part (what :meth:`prox` acts on)."""
        return bool(np.any(self.lams * self.l1_ratios > 0) or np.any(self.group_lams > 0))

    def _targets(self):
        # (layer, index into params) of every array the elastic net acts on
        for l in range(len(self.layer_names)):
            yield l, 2 * l
            if self.penalize_bias:
                yield l, 2 * l + 1

    def elastic_nets(self) -> list[ElasticNet]:
        """Per layer the :class:`~shrinkage.penalties.ElasticNet` ``(λ_l, ρ_l)`` at the current
        :attr:`lams`."""
        return [ElasticNet(lam, rho) for lam, rho in zip(self.lams.tolist(), self.l1_ratios.tolist())]

    def _l1_parts(self):
        # (index into params, L1(λ_l ρ_l)) of every array with an L1 part; called every step
        lams, rhos = self.lams.tolist(), self.l1_ratios.tolist()   # floats: NumPy scalars are slow
        if not any(rhos):
            return ()
        return [(i, L1(lams[l] * rhos[l])) for l, i in self._targets() if lams[l] * rhos[l] > 0]

    def _group_parts(self):
        # (index of a weight matrix, its GroupL2) where γ_l > 0; called every step
        gams = self.group_lams.tolist()
        if not any(gams):
            return ()
        axis = slice_axis(self.group_axis)
        return [(2 * l, GroupL2(gam, axis=axis)) for l, gam in enumerate(gams) if gam > 0]

    def layer_values(self, params) -> np.ndarray:
        """Each layer's penalty (elastic net + group), shape (n_layers,), float64."""
        out = np.zeros(len(self.layer_names))
        enets = self.elastic_nets()
        for l, i in self._targets():
            if enets[l].lam > 0:                     # summed in float64 whatever the dtype
                out[l] += enets[l].value(params[i])
        for i, group in self._group_parts():
            out[i // 2] += group.value(params[i])
        return out

    def value(self, params) -> float:
        """The penalty ``P(W)`` (float64), every term whatever the ``mode``."""
        return float(self.layer_values(params).sum())

    def l2_coefficients(self, params) -> list[float]:
        """``c_i = 2λ_l(1−ρ_l)`` for each array of ``params`` (0 where unpenalized), from the
        current :attr:`lams`: the gradient of the L2 part is ``c_i·params[i]``.

        The training loop hands this method to
        :func:`~shrinkage.nn.optimizers.add_decayed_weights` at the head of the optimizer chain,
        which calls it every step (so adaptive λ is followed).
        """
        out = [0.0] * len(params)           # called every step: plain floats, no generator
        rhos, bias = self.l1_ratios.tolist(), self.penalize_bias
        for l, lam in enumerate(self.lams.tolist()):
            out[2 * l] = c = 2.0 * lam * (1.0 - rhos[l])
            if bias:
                out[2 * l + 1] = c
        return out

    def add_gradient(self, params, grads, l2: bool = True):
        """``grads += ∂P/∂params`` in place (least-norm subgradients at kinks); returns grads.

        With ``mode="prox"`` only the smooth L2 part (the rest is :meth:`prox`'s); with
        ``l2=False`` all but the L2 part (the optimizer chain's head adds it,
        :meth:`l2_coefficients`).
        """
        if l2:
            for c, P, G in zip(self.l2_coefficients(params), params, grads):
                if c:
                    axpy(c, P, G)
        if self.mode == "subgradient":
            for i, l1 in self._l1_parts():
                grads[i] += l1.subgradient(params[i])       # λρ sign(W)
            for i, group in self._group_parts():
                grads[i] += group.subgradient(params[i])    # γ √p_g w_g/‖w_g‖
        return grads

    def prox(self, params, step: float):
        """The prox of the L1 and group parts at ``step`` (the learning rate), in place.

        Soft-thresholds each penalized array at ``step·λ_lρ_l``, then block-soft-thresholds
        each weight matrix's neurons at ``step·γ_l√p_g``; the L2 part is left to the gradient.
        Returns ``params``.
        """
        for i, l1 in self._l1_parts():
            l1.prox(params[i], step, out=params[i])
        for i, group in self._group_parts():
            group.prox(params[i], step, out=params[i])
        return params

    def live_neurons(self, params) -> list[int]:
        """Per weight matrix, the neurons (groups of :attr:`group_axis`) not exactly zero.

        ``"in"``: units of layer ``l+1`` whose incoming column ``W_l[:, j]`` is non-zero;
        ``"out"``: units of layer ``l`` (the input features for ``l = 0``) whose outgoing row
        ``W_l[i, :]`` is non-zero.
        """
        return [live_units(W, self.group_axis) for W in params[0::2]]
