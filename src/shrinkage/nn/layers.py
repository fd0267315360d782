r"""Network layers, each with its ``forward`` and ``backward`` side by side.

A layer maps a batch ``(n, d_in) → (n, d_out)``. ``forward`` remembers what ``backward`` needs;
``backward`` takes the gradient of the loss with respect to the layer's output and returns the
gradient with respect to its input (the chain rule, one layer at a time, as in micrograd).
Shapes use ``n`` for the batch size.

Activations compute in place where their derivative can be written through their output
(``relu``, ``leaky_relu``, ``tanh``, ``sigmoid``): the network then keeps one buffer per layer
instead of two. ``gelu`` needs its input and keeps it.

``gelu`` is the exact form ``x Φ(x)`` with ``Φ`` the standard normal CDF (through ``erf``), as
PyTorch's default ``nn.GELU()``; it is not the tanh approximation.

Initialisation (biases start at zero):

* ``"he"`` (Kaiming): ``W ~ N(0, 2/d_in)``, the default for ``relu``, ``leaky_relu``, ``gelu``;
* ``"xavier"`` (Glorot): ``W ~ U(±√(6/(d_in + d_out)))``, the default for ``tanh``, ``sigmoid``
  and the output layer.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit
from scipy.special import erf

from ._blas import flat

__all__ = ["Dense", "ReLU", "LeakyReLU", "Tanh", "Sigmoid", "GELU", "ACTIVATIONS",
           "get_activation", "init_weights", "check_random_state"]


def check_random_state(random_state) -> np.random.Generator:
    """A :class:`numpy.random.Generator` from ``None``, an int, a Generator or a RandomState."""
    if isinstance(random_state, np.random.Generator):
        return random_state
    if isinstance(random_state, np.random.RandomState):
        return np.random.default_rng(random_state.randint(0, 2**31 - 1))
    if random_state is None or isinstance(random_state, (int, np.integer)):
        return np.random.default_rng(random_state)
    raise ValueError(
        f"random_state must be None, an int or a numpy Generator, got {random_state!r}"
    )


def init_weights(d_in: int, d_out: int, scheme: str, rng: np.random.Generator,
                 dtype=np.float32) -> np.ndarray:
    """A ``(d_in, d_out)`` weight matrix drawn by ``"he"`` or ``"xavier"`` (see module doc)."""
    if scheme == "he":
        W = rng.standard_normal((d_in, d_out)) * math.sqrt(2.0 / d_in)
    elif scheme == "xavier":
        bound = math.sqrt(6.0 / (d_in + d_out))
        W = rng.uniform(-bound, bound, size=(d_in, d_out))
    else:
        raise ValueError(f"init must be 'he' or 'xavier', got {scheme!r}")
    return W.astype(dtype)


class Dense:
    """Affine layer ``Z = X W + b`` with ``W`` of shape ``(d_in, d_out)``, ``b`` of ``(d_out,)``.

    Parameters
    ----------
    d_in, d_out : int
        Input and output widths.
    name : str
        The layer's name (``"dense_0"``, ``"dense_1"``, … in a network); per-layer strengths
        given as a mapping are keyed by it.
    init : {"he", "xavier"}
        Weight initialisation.
    rng : numpy.random.Generator
    dtype : numpy dtype, default=float32

    Attributes
    ----------
    W, b : ndarray
        Parameters. ``dW``, ``db`` hold their gradients after :meth:`backward`.
    """

    def __init__(self, d_in: int, d_out: int, *, name: str = "dense", init: str = "he",
                 rng: np.random.Generator | None = None, dtype=np.float32):
        rng = check_random_state(rng)
        self.name = name
        self.W = init_weights(d_in, d_out, init, rng, dtype)
        self.b = np.zeros(d_out, dtype=dtype)
        self.dW = np.zeros_like(self.W)
        self.db = np.zeros_like(self.b)
        self.X = None
        self._ones = np.ones(0, dtype=dtype)

    def forward(self, X: np.ndarray, out: np.ndarray | None = None) -> np.ndarray:
        # X: (n, d_in) → Z: (n, d_out)
        self.X = X
        Z = np.matmul(X, self.W, out=out)
        if Z.ndim == 2 and Z.dtype == self.b.dtype and Z.dtype.char in "fd" \
                and Z.flags.c_contiguous:
            _add_rows(Z, self.b)          # Z += b in a third of NumPy's broadcast time
        else:
            Z += self.b
        return Z

    def backward(self, dZ: np.ndarray, out: np.ndarray | None = None,
                 need_dX: bool = True) -> np.ndarray | None:
        # dZ: (n, d_out).  dW = Xᵀ dZ: (d_in, d_out);  db = Σ_i dZ_i: (d_out,);  dX = dZ Wᵀ: (n, d_in)
        np.matmul(self.X.T, dZ, out=self.dW)
        n = dZ.shape[0]
        if self._ones.shape[0] < n or self._ones.dtype != dZ.dtype:
            self._ones = np.ones(n, dtype=dZ.dtype)
        np.matmul(self._ones[:n], dZ, out=self.db)    # Σ_i dZ_i as 1ᵀdZ: BLAS gemv, 2× np.sum
        return np.matmul(dZ, self.W.T, out=out) if need_dX else None


@njit(cache=True, nogil=True)
def _add_rows(Z, b):
    n, d = Z.shape
    for i in range(n):
        for j in range(d):
            Z[i, j] += b[j]


@njit(cache=True, nogil=True)
def _relu_forward(Z):
    # max(z, 0) as np.maximum: NaN and −0.0 pass through
    for i in range(Z.shape[0]):
        if Z[i] < 0:
            Z[i] = 0


@njit(cache=True, nogil=True)
def _relu_backward(dA, A):
    # dA · 1[a > 0], a product (not a select) so that NaN and the sign of zero stay as NumPy's
    for i in range(dA.shape[0]):
        if not A[i] > 0:
            dA[i] = dA[i] * 0


class ReLU:
    """``a = max(z, 0)``;  ``da/dz = 1[z > 0] = 1[a > 0]``."""

    name = "relu"
    init = "he"

    def forward(self, Z):
        views = flat(Z)
        if views is not None:
            _relu_forward(*views)
        else:
            np.maximum(Z, 0, out=Z)
        self.A = Z                                 # in place: (n, d)
        return Z

    def backward(self, dA):
        views = flat(dA, self.A)
        if views is not None:
            _relu_backward(*views)
            return dA
        # 1[a > 0] in a buffer kept for the largest batch (its first rows for a smaller one)
        mask = getattr(self, "_mask", None)
        n = self.A.shape[0]
        if mask is None or mask.shape[0] < n or mask.shape[1:] != self.A.shape[1:]:
            mask = self._mask = np.empty(self.A.shape, dtype=bool)
        return np.multiply(dA, np.greater(self.A, 0, out=mask[:n]), out=dA)


class LeakyReLU:
    """``a = z`` for ``z > 0``, ``slope·z`` otherwise;  ``da/dz = 1`` or ``slope``."""

    name = "leaky_relu"
    init = "he"

    def __init__(self, slope: float = 0.01):
        if not 0 <= slope < 1:
            raise ValueError(f"leaky_relu slope must lie in [0, 1), got {slope!r}")
        self.slope = slope

    def forward(self, Z):
        self.neg = Z < 0                            # same sign as a, since slope ≥ 0
        np.multiply(Z, Z.dtype.type(self.slope), out=Z, where=self.neg)
        self.A = Z
        return Z

    def backward(self, dA):
        return np.multiply(dA, dA.dtype.type(self.slope), out=dA, where=self.neg)


class Tanh:
    """``a = tanh(z)``;  ``da/dz = 1 − a²``."""

    name = "tanh"
    init = "xavier"

    def forward(self, Z):
        self.A = np.tanh(Z, out=Z)
        return self.A

    def backward(self, dA):
        d = np.multiply(self.A, self.A)             # a²
        np.subtract(1, d, out=d)
        return np.multiply(dA, d, out=dA)


class Sigmoid:
    """``a = 1/(1 + e^{−z})``;  ``da/dz = a(1 − a)``."""

    name = "sigmoid"
    init = "xavier"

    def forward(self, Z):
        # stable for both signs: σ(z) = ½(1 + tanh(z/2))
        Z *= 0.5
        np.tanh(Z, out=Z)
        Z += 1
        Z *= 0.5
        self.A = Z
        return Z

    def backward(self, dA):
        d = np.subtract(1, self.A)
        d *= self.A
        return np.multiply(dA, d, out=dA)


class GELU:
    """Exact GELU ``a = z Φ(z)``;  ``da/dz = Φ(z) + z φ(z)`` (``φ`` the normal density)."""

    name = "gelu"
    init = "he"

    def forward(self, Z):
        self.Z = Z
        self.Phi = 0.5 * (1.0 + erf(Z * np.asarray(1 / math.sqrt(2), Z.dtype)))
        return Z * self.Phi

    def backward(self, dA):
        Z = self.Z
        phi = np.exp(-0.5 * Z * Z) * np.asarray(1 / math.sqrt(2 * math.pi), Z.dtype)
        phi *= Z
        phi += self.Phi
        return np.multiply(dA, phi, out=dA)


ACTIVATIONS = {"relu": ReLU, "leaky_relu": LeakyReLU, "tanh": Tanh, "sigmoid": Sigmoid,
               "gelu": GELU}


def get_activation(name: str):
    """A fresh activation object by name (one of :data:`ACTIVATIONS`)."""
    if name not in ACTIVATIONS:
        raise ValueError(f"activation must be one of {sorted(ACTIVATIONS)}, got {name!r}")
    return ACTIVATIONS[name]()
