"""The one-pass numba kernels against the NumPy formulas they replace, on random inputs.

The optimizer kernels take the L2 term ``c·p`` as an argument (``c = 0``: none); their reference is
``g += c·p`` first, then the NumPy formula.

float64 to 1e-12 relative, float32 to 1e-6 of the array's scale (the two round differently);
the NumPy path is what non-contiguous arrays still take, so it is checked through the public
update too.
"""

import numpy as np
import pytest

from shrinkage.nn import optimizers as O
from shrinkage.nn._blas import _axpy_kernel, axpy, flat
from shrinkage.nn.layers import ReLU, _add_rows, _relu_backward, _relu_forward
from shrinkage.nn.network import _softmax_xent, _softmax_xent_numpy

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


def _pair(kernel, numpy_formula, arrays, c, *args):
    """(kernel's result, NumPy's result) on copies of ``arrays``, each list of updated arrays;
    the L2 term ``c·p`` on random weights ``p``."""
    a = [x.copy() for x in arrays]
    b = [x.copy() for x in arrays]
    p = np.random.default_rng(7).normal(size=arrays[0].shape).astype(arrays[0].dtype)
    views = flat(*a)
    kernel(*views, p.ravel() if c else views[0], c, *args)
    axpy(c, p, b[0])
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
    for got, want in zip(*_pair(O._adam_kernel, O._adam_numpy, _state(rng, shape, dtype), c, *args)):
        assert got.dtype == dtype
        _close(got, want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("nesterov", [False, True])
@L2
def test_momentum_kernel_equals_the_numpy_formula(dtype, rtol, shape, nesterov, c):
    g, m, _ = _state(np.random.default_rng(1), shape, dtype)
    for got, want in zip(*_pair(O._trace_kernel, O._trace_numpy, [g, m], c, 0.9, nesterov)):
        _close(got, want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
@L2
def test_rmsprop_kernel_equals_the_numpy_formula(dtype, rtol, shape, c):
    g, _, v = _state(np.random.default_rng(2), shape, dtype)
    for got, want in zip(*_pair(O._rms_kernel, O._rms_numpy, [g, v], c, 0.9, 1e-8)):
        _close(got, want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("shape", SHAPES)
def test_learning_rate_kernel_is_the_scaled_l2_gradient(dtype, rtol, shape):
    g, p, _ = _state(np.random.default_rng(8), shape, dtype)
    want = dtype(-0.05) * (g + dtype(0.3) * p)
    O._scaled_l2_kernel(*flat(g, p), 0.3, -0.05)
    assert g.dtype == dtype
    _close(g, want, rtol)


@pytest.mark.parametrize("kind", ["sgd", "momentum", "nesterov", "rmsprop", "adam"])
@pytest.mark.parametrize("fused", [False, True])
def test_non_contiguous_arrays_take_the_numpy_path_to_the_same_steps(kind, fused):
    """Fortran-ordered parameters (state and gradients alike) are not flat: same trajectory,
    with the L2 term given to the optimizer (``l2_update``) or not."""
    rng = np.random.default_rng(3)
    P = rng.normal(size=(6, 4))
    G = [rng.normal(size=(6, 4)) for _ in range(5)]
    out = []
    for order in ("C", "F"):
        p = [np.array(P, order=order)]
        opt = O.OPTIMIZERS[kind](0.05, 0.1, 0.9)
        state = opt.init(p)
        assert (flat(p[0], *[s for s in _leaves(state)]) is None) == (order == "F")
        for g in G:
            g = [np.array(g, order=order)]
            u, state = opt.l2_update(g, state, p, [0.2]) if fused else opt.update(g, state, p)
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
    _axpy_kernel(0.37, *flat(x, got))
    assert got.dtype == dtype
    _close(got, want, rtol)
    z = np.asfortranarray(y)                     # not flat: the NumPy path, same numbers
    _close(axpy(0.37, x, z), want, rtol)


@pytest.mark.parametrize("dtype, rtol", DTYPES)
@pytest.mark.parametrize("index_dtype", [np.int64, np.int32])
def test_softmax_xent_equals_the_numpy_head(dtype, rtol, index_dtype):
    rng = np.random.default_rng(5)
    eta = (4 * rng.normal(size=(13, 6))).astype(dtype)
    eta[0, 2] = 80.0                             # a dominant logit: the max shift matters
    y = rng.integers(0, 6, size=13).astype(index_dtype)
    a, b = eta.copy(), eta.copy()
    loss = _softmax_xent(a, y)
    want_loss, _ = _softmax_xent_numpy(b, y, 13)
    assert a.dtype == dtype
    assert loss == pytest.approx(want_loss, rel=rtol)
    _close(a, b, rtol)
    np.testing.assert_allclose(a.sum(axis=1), 0.0, atol=10 * np.finfo(dtype).eps)  # Σ_k (p − y) = 0


def test_softmax_xent_refuses_a_class_index_out_of_range():
    eta = np.zeros((3, 4))
    with pytest.raises(ValueError, match="class index out of range"):
        _softmax_xent(eta, np.array([0, 4, 1]))
    with pytest.raises(ValueError, match="class index out of range"):
        _softmax_xent(eta.copy(), np.array([0, -1, 1]))


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
