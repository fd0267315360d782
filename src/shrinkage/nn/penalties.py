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

Two ways to handle the non-smooth parts (``mode``)
--------------------------------------------------
``"subgradient"``: everything goes into the gradient, added in place to the data gradient,

.. math::

    \partial P/\partial W_l = 2\lambda_l(1-\rho_l)\,W_l + \lambda_l\rho_l\,\mathrm{sign}(W_l)
        + \gamma_l \sqrt{p_g}\, W_{l,g}/\|W_{l,g}\|

(``sign(0) = 0`` and ``0/‖0‖ = 0``, subgradients). Weights then hover around zero without
reaching it. Seed 000 writes the L2 gradient as ``2λ‖W‖``, a scalar; it is the matrix ``2λW``.

``"prox"``: only the smooth L2 part ``2λ_l(1−ρ_l)W_l`` goes into the gradient; the L1 and group
parts are applied by :meth:`LayerPenalty.prox` **after** the gradient step, with the step's own
learning rate (:func:`~shrinkage.nn.optimizers.proximal`): soft-thresholding at
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

from ._blas import axpy
from .prox import GROUP_AXES, group_norms, group_soft_threshold, live_units, soft_threshold

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

    def _targets(self, params):
        # (layer, index into params) of every array the elastic net acts on
        for l in range(len(self.layer_names)):
            yield l, 2 * l
            if self.penalize_bias:
                yield l, 2 * l + 1

    def layer_values(self, params) -> np.ndarray:
        """Each layer's penalty (elastic net + group), shape (n_layers,), float64."""
        out = np.zeros(len(self.layer_names))
        for l, i in self._targets(params):
            lam, rho = self.lams[l], self.l1_ratios[l]
            if lam == 0:
                continue
            flat = params[i].reshape(-1).astype(np.float64, copy=False)
            sq = float(np.dot(flat, flat)) if rho < 1 else 0.0
            ab = float(np.abs(flat).sum(dtype=np.float64)) if rho > 0 else 0.0
            out[l] += lam * ((1 - rho) * sq + rho * ab)
        for l, gam in enumerate(self.group_lams):
            if gam > 0:
                W = params[2 * l]
                p_g = W.shape[0 if self.group_axis == "in" else 1]
                out[l] += gam * np.sqrt(p_g) * float(group_norms(W, self.group_axis).sum())
        return out

    def value(self, params) -> float:
        """The penalty ``P(W)`` (float64), every term whatever the ``mode``."""
        return float(self.layer_values(params).sum())

    def l2_coefficients(self, params) -> list[float]:
        """``c_i = 2λ_l(1−ρ_l)`` for each array of ``params`` (0 where unpenalized), from the
        current :attr:`lams`: the L2 part of the gradient is ``c_i·params[i]``.

        The built-in optimizers take these and add ``c_i·p_i`` to the gradient in their own
        compiled pass (:mod:`shrinkage.nn.optimizers`); :meth:`add_gradient` with ``l2=False``
        then adds the rest.
        """
        out = [0.0] * len(params)           # called every step: plain floats, no generator
        rhos, bias = self.l1_ratios.tolist(), self.penalize_bias
        for l, lam in enumerate(self.lams.tolist()):
            out[2 * l] = c = 2.0 * lam * (1.0 - rhos[l])
            if bias:
                out[2 * l + 1] = c
        return out

    def add_gradient(self, params, grads, l2: bool = True):
        """``grads += ∂P/∂params`` in place; returns grads.

        With ``mode="prox"`` only the smooth L2 part (the rest is :meth:`prox`'s); with
        ``l2=False`` all but the L2 part (the optimizer adds it, :meth:`l2_coefficients`).
        """
        prox = self.mode == "prox"
        if prox and not l2:
            return grads
        lams, rhos = self.lams.tolist(), self.l1_ratios.tolist()   # floats: NumPy scalars are slow
        for l, i in self._targets(params):
            lam, rho = lams[l], rhos[l]
            if lam == 0:
                continue
            P, G = params[i], grads[i]
            if rho < 1 and l2:
                axpy(2.0 * lam * (1.0 - rho), P, G)
            if rho > 0 and not prox:
                axpy(lam * rho, np.sign(P), G)
        if not prox:
            for l, gam in enumerate(self.group_lams.tolist()):
                if gam > 0:
                    self._add_group_gradient(gam, params[2 * l], grads[2 * l])
        return grads

    def _add_group_gradient(self, gam, W, G):
        # γ √p_g w_g/‖w_g‖ (0 for a zero group: a subgradient)
        s = 0 if self.group_axis == "in" else 1
        norms = group_norms(W, self.group_axis)
        coef = gam * np.sqrt(W.shape[s]) / np.where(norms > 0, norms, np.inf)
        G += W * (coef[None, :] if s == 0 else coef[:, None]).astype(W.dtype)

    def prox(self, params, step: float):
        """The prox of the L1 and group parts at ``step`` (the learning rate), in place.

        Soft-thresholds each penalized array at ``step·λ_lρ_l``, then block-soft-thresholds
        each weight matrix's neurons at ``step·γ_l√p_g`` (:mod:`shrinkage.nn.prox`); the L2
        part is left to the gradient. Returns ``params``.
        """
        for l, i in self._targets(params):
            t = step * self.lams[l] * self.l1_ratios[l]
            if t > 0:
                soft_threshold(params[i], t)
        for l, gam in enumerate(self.group_lams):
            if gam > 0:
                group_soft_threshold(params[2 * l], step * gam, self.group_axis)
        return params

    def live_neurons(self, params) -> list[int]:
        """Per weight matrix, the neurons (groups of :attr:`group_axis`) not exactly zero.

        ``"in"``: units of layer ``l+1`` whose incoming column ``W_l[:, j]`` is non-zero;
        ``"out"``: units of layer ``l`` (the input features for ``l = 0``) whose outgoing row
        ``W_l[i, :]`` is non-zero.
        """
        return [live_units(W, self.group_axis) for W in params[0::2]]
