"""Reading a checkpoint back: every failure (a truncated file, a missing key, an array of the
wrong shape, another optimizer or dtype) is a ValueError naming the file, the problem and the
fix, raised before anything of the trainer or the estimator changed."""

import json
import re

import numpy as np
import pytest

from shrinkage.nn import MLP, LayerPenalty, MLPClassifier
from shrinkage.nn.adaptive import HypergradientLam
from shrinkage.nn.checkpoint import flatten
from shrinkage.nn.optimizers import adam, sgd
from shrinkage.nn.training import Trainer


def _data(n=60, seed=0):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(n, 4))
    return X, (X[:, 0] + X[:, 1] ** 2 > 0.5).astype(np.int64)


def _trainer(opt=None, dtype=np.float64, **kw):
    net = MLP([4, 6, 2], dtype=dtype, random_state=0)
    return Trainer(net, LayerPenalty(1e-2, net.layer_names), opt or adam(0.01), batch_size=16,
                   random_state=1, learning_rate=lambda t: 0.01,
                   adaptive_lam=HypergradientLam(), **kw)


@pytest.fixture
def written(tmp_path):
    X, y = _data()
    path = tmp_path / "ckpt.npz"
    _trainer(checkpoint=path).run(X, y, X[:20], y[:20], epochs=2)
    return path


def _state(tr):
    return (flatten([tr.net.params, tr.best_params, tr.opt_state], []), tr.epoch, tr.step,
            json.dumps(tr.history), tr.penalty.lams.tolist(), tr.rng.bit_generator.state,
            tr.adaptive_lam.state_dict())


def _assert_refused(path, pattern, trainer=None):
    """load_checkpoint raises ``pattern`` naming ``path`` and changes nothing of the trainer."""
    tr = trainer or _trainer()
    X, y = _data(seed=5)
    tr.run(X, y, X[:20], y[:20], epochs=1)                  # something to keep
    before = _state(tr)
    with pytest.raises(ValueError) as info:
        tr.load_checkpoint(path)
    msg = str(info.value)
    assert re.search(pattern, msg), msg
    assert repr(str(path)) in msg and msg.endswith("delete it to start afresh")
    after = _state(tr)
    for a, b in zip(before[0], after[0]):
        np.testing.assert_array_equal(a, b)
    assert before[1:] == after[1:]


def _rewrite(path, drop=(), meta=None, **arrays):
    with np.load(path) as f:
        data = {k: f[k] for k in f.files if k not in drop}
    if meta is not None:
        m = json.loads(str(data["meta"]))
        meta(m)
        data["meta"] = np.array(json.dumps(m))
    data.update(arrays)
    np.savez(path, **data)


def test_a_truncated_checkpoint_is_refused_whatever_its_length(written):
    blob = written.read_bytes()
    for cut in np.linspace(0, len(blob) - 1, 9).astype(int):
        written.write_bytes(blob[:cut])
        _assert_refused(written, r"^cannot read checkpoint .* it is not a shrinkage checkpoint "
                                 r"or is corrupted: delete it to start afresh$")


def test_truncated_checkpoint_through_fit_resume(written):
    X, y = _data()
    written.write_bytes(written.read_bytes()[: len(written.read_bytes()) // 2])
    net = MLPClassifier((6,), checkpoint=str(written), max_epochs=3)
    with pytest.raises(ValueError, match=r"^cannot read checkpoint .*\(BadZipFile: .*delete it "
                                         r"to start afresh$"):
        net.fit(X, y, resume=True)
    assert not hasattr(net, "trainer_") and not hasattr(net, "net_")


@pytest.mark.parametrize("drop, problem", [
    ("param_1", r"is corrupted \(no 'param_1'\)"),
    ("opt_2", r"is corrupted \(no 'opt_2'\)"),
    ("lams", r"is corrupted \(no 'lams'\)"),
    ("meta", r"^cannot read checkpoint .*\(KeyError: 'meta'\)"),
])
def test_a_checkpoint_without_a_key_is_refused(written, drop, problem):
    _rewrite(written, drop=[drop])
    _assert_refused(written, problem)


@pytest.mark.parametrize("key", ["epoch", "history", "rng", "n_opt", "best_value"])
def test_metadata_without_a_key_is_refused(written, key):
    _rewrite(written, meta=lambda m: m.pop(key))
    _assert_refused(written, rf"is corrupted \(no '{key}'\)")


def test_bad_values_are_refused(written):
    _rewrite(written, param_0=np.zeros((3, 6)))
    _assert_refused(written, r"is corrupted \(ValueError: array 'param_0' has shape \(3, 6\) "
                             r"\(float64\), the network's has \(4, 6\)\)")
    _rewrite(written, param_0=np.zeros((4, 6)), lams=np.array([1e-2, -1.0]))
    _assert_refused(written, r"is corrupted \(ValueError: λ holds \[0.01, -1.0\]\)")
    _rewrite(written, lams=np.array([1e-2, 1e-2]), meta=lambda m: m["history"]["loss"].pop())
    _assert_refused(written, r"its history does not hold one entry per epoch \(2\)")
    _rewrite(written, meta=lambda m: m.update(history=json.loads(json.dumps(
        {k: v + [0.0] for k, v in m["history"].items()})), rng={"bit_generator": "MT19937"}))
    _assert_refused(written, r"is corrupted \(ValueError: .*")
    _rewrite(written, meta=lambda m: m.update(epoch=-1))
    _assert_refused(written, r"'epoch' is -1, not a count")


def test_a_checkpoint_of_another_network_optimizer_or_dtype_is_refused(written):
    _assert_refused(written, r"was written by a float64 network, this one trains in float32; "
                             r"pass dtype='float64'", _trainer(dtype=np.float32))
    _assert_refused(written, r"its optimizer state does not match the optimizer; resume with "
                             r"the optimizer it was written with", _trainer(sgd(0.1, momentum=0.9)))
    _assert_refused(written, r"has more optimizer state than the optimizer",
                    _trainer(sgd(0.1)))
    net = MLP([4, 3, 2], dtype=np.float64)
    other = Trainer(net, LayerPenalty(0.0, net.layer_names), adam(0.01),
                    adaptive_lam=HypergradientLam())
    _assert_refused(written, r"is for layers \[4, 6, 2\], this network has \[4, 3, 2\]", other)


def test_a_good_checkpoint_still_resumes_exactly(written):
    X, y = _data()
    whole = _trainer().run(X, y, X[:20], y[:20], epochs=4)
    resumed = _trainer().load_checkpoint(written).run(X, y, X[:20], y[:20], epochs=2)
    for a, b in zip(whole.net.params, resumed.net.params):
        np.testing.assert_array_equal(a, b)
    for key, values in whole.history.items():
        np.testing.assert_array_equal(np.asarray(resumed.history[key]), np.asarray(values))
