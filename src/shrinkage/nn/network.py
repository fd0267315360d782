r"""The multilayer perceptron: a stack of :class:`~shrinkage.nn.layers.Dense` layers and a loss head.

The network computes ``η = f(x; W, b)`` (shape ``(n, K)``) and the *data term* of the objective
of :mod:`shrinkage.conventions` on a batch, the mean loss over its rows:

* ``"softmax"``: softmax cross-entropy, targets are class indices ``(n,)`` (stable log-sum-exp);
* ``"logistic"``: binary logistic loss on one output unit, targets in ``{0, 1}`` ``(n,)``;
* ``"squared"``: squared error ``Σ_k (y_k − η_k)²`` (no ½), targets ``(n, K)``.

The losses are written once, in :mod:`shrinkage.datafits`: :data:`HEADS` maps each head to its
datafit, whose ``batch_loss_and_grad`` gives a batch's mean loss (float64) and writes its
gradient in ``η`` over the output buffer, and whose ``value`` gives :meth:`MLP.data_loss`. The
penalty is not the network's business either: see :mod:`shrinkage.nn.penalties`.

Parameters are kept as one flat list ``[W_0, b_0, W_1, b_1, …]`` (the optimizers'
currency), with the gradients in a list ``grads`` of the same arrays' shapes; the arrays are the
layers' own (views, not copies), so updating ``params[i]`` in place updates the layer.

Training batches reuse buffers allocated once per batch size (``forward(..., reuse=True)``):
a step allocates nothing proportional to the network but the temporaries of activations other
than ``relu``. The softmax head is two compiled passes over the logits around one ``np.exp``
(:class:`~shrinkage.datafits.SoftmaxCrossEntropy`).
"""

from __future__ import annotations

import numpy as np

from ..datafits import Logistic, SoftmaxCrossEntropy, SquaredError
from .layers import Dense, check_random_state, get_activation

__all__ = ["MLP", "HEADS"]

#: head name -> the datafit that is its loss
HEADS = {"softmax": SoftmaxCrossEntropy(), "logistic": Logistic(), "squared": SquaredError()}


class MLP:
    """Fully connected network ``d_0 → d_1 → … → d_L`` with one activation between layers.

    Parameters
    ----------
    layer_sizes : sequence of int
        ``(n_features, hidden_1, …, n_outputs)``; at least two entries.
    activation : {"relu", "leaky_relu", "tanh", "sigmoid", "gelu"}, default="relu"
    head : {"softmax", "logistic", "squared"}, default="softmax"
    init : {"auto", "he", "xavier"}, default="auto"
        ``"auto"``: He for relu-like activations, Xavier for tanh/sigmoid; the output layer is
        always Xavier-initialised unless ``init`` names a scheme.
    dtype : {float32, float64}, default=float32
    random_state : None, int or numpy.random.Generator

    Attributes
    ----------
    dense : list of Dense
        Named ``"dense_0"``, ``"dense_1"``, … from the input side.
    params, grads : list of ndarray
        ``[W_0, b_0, W_1, b_1, …]`` and their gradients.
    """

    def __init__(self, layer_sizes, activation: str = "relu", head: str = "softmax",
                 init: str = "auto", dtype=np.float32, random_state=None):
        sizes = [int(s) for s in layer_sizes]
        if len(sizes) < 2 or min(sizes) < 1:
            raise ValueError(f"layer_sizes must hold at least two positive widths, got {layer_sizes!r}")
        if head not in HEADS:
            raise ValueError(f"head must be one of {sorted(HEADS)}, got {head!r}")
        self.dtype = np.dtype(dtype)
        if self.dtype not in (np.float32, np.float64):
            raise ValueError(f"dtype must be float32 or float64, got {dtype!r}")
        rng = check_random_state(random_state)
        self.head = head
        self.layer_sizes = tuple(sizes)
        self.activations = [get_activation(activation) for _ in sizes[1:-1]]
        self.dense = []
        for i, (d_in, d_out) in enumerate(zip(sizes[:-1], sizes[1:])):
            last = i == len(sizes) - 2
            scheme = init if init != "auto" else ("xavier" if last else self.activations[i].init)
            self.dense.append(Dense(d_in, d_out, name=f"dense_{i}", init=scheme, rng=rng,
                                    dtype=self.dtype))
        self._buffers = {}

    # -- parameters -------------------------------------------------------------------------
    @property
    def layer_names(self) -> list[str]:
        return [d.name for d in self.dense]

    @property
    def params(self) -> list[np.ndarray]:
        return [a for d in self.dense for a in (d.W, d.b)]

    @property
    def grads(self) -> list[np.ndarray]:
        return [a for d in self.dense for a in (d.dW, d.db)]

    def set_params(self, params) -> None:
        """Copy ``params`` (``[W_0, b_0, …]``, any float dtype) into the layers, in place."""
        params = list(params)
        if len(params) != 2 * len(self.dense):
            raise ValueError(f"expected {2 * len(self.dense)} arrays, got {len(params)}")
        for dst, src in zip(self.params, params):
            src = np.asarray(src)
            if src.shape != dst.shape:
                raise ValueError(f"parameter shape {src.shape} does not match {dst.shape}")
            np.copyto(dst, src, casting="same_kind")

    # -- forward / backward -----------------------------------------------------------------
    def _buffers_for(self, n):
        # One set of buffers for the largest batch seen; a smaller batch (the epoch's last) gets
        # their first n rows, views that are still C-contiguous.
        full = self._buffers.get("rows")
        if full is None or full[0][0].shape[0] < n:
            full = self._buffers["rows"] = (
                [np.empty((n, d.W.shape[1]), self.dtype) for d in self.dense],   # Z_l (n, d_{l+1})
                [np.empty((n, d.W.shape[0]), self.dtype) for d in self.dense[1:]],  # dA_l
            )
        if full[0][0].shape[0] == n:
            return full
        return [Z[:n] for Z in full[0]], [dA[:n] for dA in full[1]]

    def forward(self, X: np.ndarray, reuse: bool = False) -> np.ndarray:
        """Output ``η`` of shape ``(n, d_L)`` (logits / predictions) for ``X`` ``(n, d_0)``.

        With ``reuse=True`` the result lives in a buffer that the next call overwrites.
        """
        Zs = self._buffers_for(X.shape[0])[0] if reuse else [None] * len(self.dense)
        A = X
        for dense, act, Z in zip(self.dense, self.activations, Zs):
            A = act.forward(dense.forward(A, out=Z))
        return self.dense[-1].forward(A, out=Zs[-1])

    def predict(self, X: np.ndarray, dtype=np.float64) -> np.ndarray:
        """``η`` computed in ``dtype`` (float64 by default, whatever the training dtype).

        Predictions then do not depend on how rows are batched (float32 products summed in a
        different order differ in the last bits), and they come out in float64.
        """
        A = np.asarray(X, dtype=dtype)
        for dense, act in zip(self.dense, self.activations):
            A = act.forward(A @ dense.W.astype(dtype, copy=False) + dense.b.astype(dtype, copy=False))
        last = self.dense[-1]
        return A @ last.W.astype(dtype, copy=False) + last.b.astype(dtype, copy=False)

    def backward(self, dOut: np.ndarray, reuse: bool = False) -> None:
        """Back-propagate ``∂loss/∂η`` ``(n, d_L)``; fills :attr:`grads`."""
        dAs = self._buffers_for(dOut.shape[0])[1] if reuse else [None] * (len(self.dense) - 1)
        dZ = dOut
        for l in range(len(self.dense) - 1, 0, -1):
            dA = self.dense[l].backward(dZ, out=dAs[l - 1])
            dZ = self.activations[l - 1].backward(dA)
        self.dense[0].backward(dZ, need_dX=False)

    def loss_and_grad(self, X: np.ndarray, y: np.ndarray, sw: np.ndarray | None = None) -> float:
        """Mean data loss on the batch ``(X, y)``; fills :attr:`grads` with its gradient.

        ``y`` is ``(n,)`` class indices for ``"softmax"``, ``(n,)`` zeros and ones for
        ``"logistic"``, ``(n, K)`` targets for ``"squared"``. The loss is accumulated in float64.
        ``sw`` (n,) weights the rows (``Σ_i sw_i ℓ_i``; uniform ``1/n`` when None).
        """
        eta = self.forward(X, reuse=True)
        loss, d = HEADS[self.head].batch_loss_and_grad(eta, y, sw)   # d overwrites eta, (n, K)
        self.backward(d, reuse=True)
        return loss

    def data_loss(self, X: np.ndarray, y: np.ndarray, batch_size: int = 4096,
                  sample_weight: np.ndarray | None = None) -> float:
        """Mean data loss on ``(X, y)`` computed in float64 by :mod:`shrinkage.datafits`;
        weighted by ``sample_weight`` (n,) summing to one when given."""
        n = X.shape[0]
        datafit = HEADS[self.head]
        total = 0.0
        for start in range(0, n, batch_size):
            sl = slice(start, start + batch_size)
            eta = self.forward(X[sl]).astype(np.float64)
            yt = np.asarray(y[sl])
            m = eta.shape[0]
            sw = np.full(m, 1.0 / n) if sample_weight is None else sample_weight[sl]
            if self.head == "softmax":
                total += datafit.value(np.eye(eta.shape[1])[yt], eta, sw)
            elif self.head == "logistic":
                total += datafit.value(yt.astype(np.float64).ravel(), eta[:, 0], sw)
            else:
                total += datafit.value(yt.astype(np.float64).reshape(eta.shape), eta, sw)
        return total
