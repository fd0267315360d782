"""The one-pass numba kernels against the NumPy formulas they replace, on random inputs.

The NumPy formulas are written here, as the references; the package has one kernel per update.
The optimizer kernels run behind the L2 head of the chain (``g += c·p`` by :func:`axpy`,
``c = 0``: none); their reference is ``g += c·p`` in NumPy first, then the NumPy formula.

float64 to 1e-12 relative, float32 to 1e-6 of the array's scale (the two round differently);
arrays that are not flat are copied around the same kernel, so that path is checked through
the public update too.
"""

import numpy as np
import pytest

from shrinkage.datafits import SoftmaxCrossEntropy
from shrinkage.nn import optimizers as O
from shrinkage.nn._blas import _axpy_kernel, axpy, flat, on_flat
from shrinkage.nn.layers import ReLU, _add_rows, _relu_backward, _relu_forward

DTYPES = [(np.float64, 1e-12), (np.float32, 1e-6)]
SHAPES = [(7, 5), (11,)]


def _close(a, b, rtol):
    scale = max(float(np.max(np.abs(b))), np.finfo(b.dtype).tiny)
    np.testing.assert_allclose(a, b, rtol=rtol, atol=rtol * scale)


def _state(rng, shape, dtype):
    g = rng.normal(size=shape).astype(dtype)
    m = (0.1 * rng.normal(size=shape)).astype(dtype)
    v = (0.1 * rng.random(size=shape)).astype(dtype)           # a second moment: ≥ 0
    return g, m, v


# -- the NumPy references ----------------------------------------------------------------------
def _trace_numpy(g, m, decay, nesterov):
    m *= decay
    m += g
    if nesterov and decay > 0:            # g + decay·m, in place: ((g/decay) + m)·decay
        g *= 1.0 / decay
        g += m
        g *= decay
    else:
        np.copyto(g, m)


def _rms_numpy(g, v, decay, eps):
    v *= decay
    v += (1.0 - decay) * (g * g)
    g /= np.sqrt(v) + eps


def _adam_numpy(g, m, v, b1, b2, eps, c1, c2):
    # m ← b1·m + (1−b1)g, written as (1−b1)(m·b1/(1−b1) + g): in place, no temporary
    m *= b1 / (1.0 - b1)
    m += g
    m *= 1.0 - b1
    np.square(g, out=g)                   # g is free now: reuse it for g², then for u
    v *= b2 / (1.0 - b2)
    v += g
    v *= 1.0 - b2
    np.sqrt(v, out=g)
    g *= 1.0 / np.sqrt(c2)
    g += eps
    np.divide(m, g, out=g)
    g *= 1.0 / c1


def _softmax_xent_numpy(eta, y, n):
    eta -= eta.max(axis=1, keepdims=True)                # z = η − max η
    rows = np.arange(n)
    z_y = eta[rows, y].astype(np.float64)
    np.exp(eta, out=eta)
    s = eta.sum(axis=1, keepdims=True)
    loss = float(np.log(s, dtype=np.float64).sum() - z_y.sum()) / n
    eta /= s                                              # softmax p
    eta[rows, y] -= 1                                     # p − onehot(y)
    eta *= eta.dtype.type(1.0 / n)
    return loss, eta


def _pair(kernel, numpy_formula, arrays, c, *args):
    """(kernel's result, NumPy's result) on copies of ``arrays``, each list of updated arrays;
    first the L2 term ``c·p`` on random weights ``p`` (the chain's head, then the kernel)."""
    a = [x.copy() for x in arrays]
    b = [x.copy() for x in arrays]
    p = np.random.default_rng(7).normal(size=arrays[0].shape).astype(arrays[0].dtype)
    axpy(c, p, a[0])
    kernel(*flat(*a), *args)
    b[0] += b[0].dtype.type(c) * p
    numpy_formula(*b, *args)
    return a, b


L2 = pytest.mark.parametrize("c", [0.0, 0.3])


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("t", [1, 50])
@L2
def test_adam_kernel_equals_the_numpy_formula(dtype, rtol, shape, t, c):
    rng = np.random.default_rng(t)
    b1, b2 = 0.9, 0.999
    args = (b1, b2, 1e-8, 1 - b1**t, 1 - b2**t)
    for got, want in zip(*_pair(O._adam_kernel, _adam_numpy, _state(rng, shape, dtype), c, *args)):
        assert got.dtype == dtype
        _close(got, want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("nesterov", [False, True])
@L2
def test_momentum_kernel_equals_the_numpy_formula(dtype, rtol, shape, nesterov, c):
    g, m, _ = _state(np.random.default_rng(1), shape, dtype)
    for got, want in zip(*_pair(O._trace_kernel, _trace_numpy, [g, m], c, 0.9, nesterov)):
        _close(got, want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@L2
def test_rmsprop_kernel_equals_the_numpy_formula(dtype, rtol, shape, c):
    g, _, v = _state(np.random.default_rng(2), shape, dtype)
    for got, want in zip(*_pair(O._rms_kernel, _rms_numpy, [g, v], c, 0.9, 1e-8)):
        _close(got, want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_learning_rate_behind_the_l2_head_is_the_scaled_l2_gradient(dtype, rtol, shape):
    g, p, _ = _state(np.random.default_rng(8), shape, dtype)
    want = dtype(-0.05) * (g + dtype(0.3) * p)
    opt = O.chain(O.add_decayed_weights(lambda params: [0.3]), O.scale_by_learning_rate(0.05))
    (g,), _ = opt.update([g], opt.init([p]), [p])
    assert g.dtype == dtype
    _close(g, want, rtol)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
@pytest.mark.parametrize("l2", [False, True])
def test_non_contiguous_arrays_are_copied_around_the_kernel_to_the_same_steps(kind, l2):
    """Fortran-ordered parameters (state and gradients alike) are not flat: same trajectory,
    with the L2 head in front of the optimizer or not."""
    rng = np.random.default_rng(3)
    P = rng.normal(size=(6, 4))
    G = [rng.normal(size=(6, 4)) for _ in range(5)]
    out = []
    for order in ("C", "F"):
        p = [np.array(P, order=order)]
        opt = O.OPTIMIZERS[kind](0.05, 0.1, 0.9)
        if l2:
            opt = O.chain(O.add_decayed_weights(lambda params: [0.2]), opt)
        state = opt.init(p)
        assert (flat(p[0], *[s for s in _leaves(state)]) is None) == (order == "F")
        for g in G:
            g = [np.array(g, order=order)]
            u, state = opt.update(g, state, p)
            O.apply_updates(p, u)
        out.append(p[0])
    _close(out[0], out[1], 1e-12)


def _leaves(state):
    for s in state:
        if isinstance(s, (tuple, list)):
            yield from _leaves(s)
        elif isinstance(s, np.ndarray):
            yield s


@pytest.mark.parametrize("dtype, rtol", DTYPES)
def test_axpy_kernel_equals_numpy_and_keeps_the_dtype(dtype, rtol):
    rng = np.random.default_rng(4)
    x, y = rng.normal(size=(2, 9, 3)).astype(dtype)
    want = y + dtype(0.37) * x
    got = y.copy()
    _axpy_kernel(*flat(x, got), 0.37)
    assert got.dtype == dtype
    _close(got, want, rtol)
    z = np.asfortranarray(y)                     # not flat: copied around the kernel, same numbers
    _close(axpy(0.37, x, z), want, rtol)


def test_on_flat_refuses_arrays_of_different_shapes():
    with pytest.raises(ValueError, match="must have one shape"):
        on_flat(_axpy_kernel, (np.ones(3), np.ones((3, 1))), 1.0)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("index_dtype", [np.int64, np.int32])
def test_softmax_head_equals_the_numpy_formula(dtype, rtol, index_dtype):
    rng = np.random.default_rng(5)
    eta = (4 * rng.normal(size=(13, 6))).astype(dtype)
    eta[0, 2] = 80.0                             # a dominant logit: the max shift matters
    y = rng.integers(0, 6, size=13).astype(index_dtype)
    a, b = eta.copy(), eta.copy()
    loss, _ = SoftmaxCrossEntropy().batch_loss_and_grad(a, y)
    want_loss, _ = _softmax_xent_numpy(b, y, 13)
    assert a.dtype == dtype
    assert loss == pytest.approx(want_loss, rel=rtol)
    _close(a, b, rtol)
    np.testing.assert_allclose(a.sum(axis=1), 0.0, atol=10 * np.finfo(dtype).eps)  # Σ_k (p − y) = 0


def test_softmax_head_refuses_a_class_index_out_of_range():
    eta = np.zeros((3, 4))
    head = SoftmaxCrossEntropy()
    with pytest.raises(ValueError, match="class index out of range"):
        head.batch_loss_and_grad(eta, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="class index out of range"):
        head.batch_loss_and_grad(eta.copy(), np.array([0, -1, 1]))


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_layer_kernels_equal_numpy(dtype):
    rng = np.random.default_rng(6)
    Z = rng.normal(size=(8, 5)).astype(dtype)
    Z[0, :2] = [np.nan, -0.0]
    b = rng.normal(size=5).astype(dtype)
    got = Z.copy()
    _add_rows(got, b)
    np.testing.assert_array_equal(got, Z + b)
    got = Z.copy()
    _relu_forward(got.ravel())
    np.testing.assert_array_equal(got, np.maximum(Z, 0))
    assert np.signbit(got[0, 1])                 # −0.0 passes through, as in np.maximum
    dA = rng.normal(size=Z.shape).astype(dtype)
    want = dA * (np.maximum(Z, 0) > 0)
    got = dA.copy()
    _relu_backward(got.ravel(), np.maximum(Z, 0).ravel())
    np.testing.assert_array_equal(got, want)
    relu = ReLU()                                # the layer's NumPy path (a strided input)
    A = relu.forward(np.asfortranarray(Z))
    np.testing.assert_array_equal(relu.backward(np.asfortranarray(dA)), want)
    np.testing.assert_array_equal(A, np.maximum(Z, 0))
