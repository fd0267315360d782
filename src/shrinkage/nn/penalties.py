r"""The network penalty: one strength (and one L1 mix) per weight matrix.

.. math::

    P(W) = \sum_l \lambda_l \left[(1-\rho_l)\,\|W_l\|_F^2 + \rho_l\,\|W_l\|_1\right]

added to the mean data loss (the objective of :mod:`shrinkage.conventions`). Biases are not
penalized unless ``penalize_bias=True`` (then ``b_l`` carries the same ``λ_l``, ``ρ_l``).

Its gradient, added in place to the data gradient, is

.. math::

    \partial P/\partial W_l = 2\lambda_l(1-\rho_l)\,W_l + \lambda_l\rho_l\,\mathrm{sign}(W_l)

(``sign(0) = 0``, a subgradient of the L1 part). Seed 000 writes the L2 gradient as
``2λ‖W‖``, a scalar; it is the matrix ``2λW``: each weight decays in proportion to itself.

Specifying the strengths
------------------------
``lam`` (and ``l1_ratio`` the same way) is

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

__all__ = ["LayerPenalty", "per_layer"]


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
    """``Σ_l λ_l[(1−ρ_l)‖W_l‖² + ρ_l‖W_l‖₁]`` over a parameter list ``[W_0, b_0, W_1, b_1, …]``.

    Parameters
    ----------
    lam : float, sequence or mapping
        Strength per weight matrix (see module doc).
    layer_names : list of str
        Names of the layers, input side first.
    l1_ratio : float, sequence or mapping, default=0.0
        ``ρ_l ∈ [0, 1]`` per layer.
    penalize_bias : bool, default=False

    Attributes
    ----------
    lams, l1_ratios : ndarray of shape (n_layers,)
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
    """

    def __init__(self, lam, layer_names, l1_ratio=0.0, penalize_bias: bool = False):
        self.layer_names = list(layer_names)
        self.lams = per_layer(lam, self.layer_names, "lam")
        self.l1_ratios = per_layer(l1_ratio, self.layer_names, "l1_ratio", upper=1.0)
        self.penalize_bias = bool(penalize_bias)

    def _targets(self, params):
        # (layer, index into params) of every penalized array
        for l in range(len(self.layer_names)):
            yield l, 2 * l
            if self.penalize_bias:
                yield l, 2 * l + 1

    def layer_values(self, params) -> np.ndarray:
        """Each layer's penalty ``λ_l[(1−ρ_l)‖W_l‖² + ρ_l‖W_l‖₁]``, shape (n_layers,), float64."""
        out = np.zeros(len(self.layer_names))
        for l, i in self._targets(params):
            lam, rho = self.lams[l], self.l1_ratios[l]
            if lam == 0:
                continue
            flat = params[i].reshape(-1).astype(np.float64, copy=False)
            sq = float(np.dot(flat, flat)) if rho < 1 else 0.0
            ab = float(np.abs(flat).sum(dtype=np.float64)) if rho > 0 else 0.0
            out[l] += lam * ((1 - rho) * sq + rho * ab)
        return out

    def value(self, params) -> float:
        """The penalty ``P(W)`` (float64)."""
        return float(self.layer_values(params).sum())

    def add_gradient(self, params, grads):
        """``grads += ∂P/∂params`` in place (one BLAS axpy per penalized matrix); returns grads."""
        for l, i in self._targets(params):
            lam, rho = self.lams[l], self.l1_ratios[l]
            if lam == 0:
                continue
            P, G = params[i], grads[i]
            if rho < 1:
                axpy(2.0 * lam * (1.0 - rho), P, G)
            if rho > 0:
                axpy(lam * rho, np.sign(P), G)
        return grads
