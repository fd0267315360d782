"""Checkpoints of the training loop: the whole state in one ``.npz``, read back only whole.

:func:`write` stores the weights, the best weights, the optimizer state (its leaves flattened),
λ, and as JSON the counters, the history, the random generator's state, the adaptive-λ rule's
state and the network's layer sizes and dtype; it writes a temporary file and moves it into
place (:func:`shrinkage._atomic.atomic_write`), so a crash never leaves half a file.

:func:`read` checks everything against the trainer before :func:`restore` changes anything: a
file that cannot be read (truncated, not a zip, a member missing or damaged), metadata missing
a key, an array of the wrong shape, an optimizer state of another optimizer, a random state
that does not load. Every such failure is a ``ValueError`` naming the file, the problem and the
fix, and the trainer is left as it was.
"""

from __future__ import annotations

import copy
import json
import os

import numpy as np

from .._atomic import atomic_write

__all__ = ["write", "read", "restore", "flatten", "unflatten"]

_FIX = "delete it to start afresh"


def flatten(tree, out: list) -> list:
    """The leaves of a nested tuple / list ``tree`` appended to ``out``, depth first."""
    if isinstance(tree, (tuple, list)):
        for t in tree:
            flatten(t, out)
    else:
        out.append(tree)
    return out


def unflatten(template, leaves):
    """``template``'s nesting filled from the iterator ``leaves`` (arrays of its shapes)."""
    if isinstance(template, (tuple, list)):
        return type(template)(unflatten(t, leaves) for t in template)
    leaf = next(leaves)
    if isinstance(template, np.ndarray):
        if leaf.shape != template.shape:
            raise _Mismatch("its optimizer state does not match the optimizer; resume with the "
                            "optimizer it was written with, or " + _FIX)
        return leaf.astype(template.dtype)
    return type(template)(leaf.item())


def write(trainer, path) -> None:
    """Write ``trainer``'s full state to ``path`` (``.npz``), atomically."""
    net = trainer.net
    arrays = {f"param_{i}": p for i, p in enumerate(net.params)}
    if trainer.best_params is not None:
        arrays.update({f"best_{i}": p for i, p in enumerate(trainer.best_params)})
    leaves = flatten(trainer.opt_state, [])
    arrays.update({f"opt_{i}": np.asarray(v) for i, v in enumerate(leaves)})
    arrays["lams"] = trainer.penalty.lams
    rule = trainer.adaptive_lam
    meta = dict(epoch=trainer.epoch, step=trainer.step, best_value=_jsonable(trainer.best_value),
                best_epoch=trainer.best_epoch, wait=trainer.wait, n_opt=len(leaves),
                start_loss=_jsonable(trainer.start_loss), rng=trainer.rng.bit_generator.state,
                history=_jsonable(trainer.history), layer_sizes=list(net.layer_sizes),
                dtype=str(net.dtype),
                adaptive=rule.state_dict() if hasattr(rule, "state_dict") else None)
    arrays["meta"] = np.array(json.dumps(meta))
    with atomic_write(path, "wb") as fh:
        np.savez(fh, **arrays)


class _Mismatch(ValueError):
    """A checkpoint that reads but does not fit this trainer (its message says the fix)."""


def read(trainer, path) -> dict:
    """The state stored in ``path``, checked against ``trainer`` (nothing of it changed).

    Raises
    ------
    ValueError
        Naming ``path``, what is wrong and the fix (module docstring).
    """
    name = os.fspath(path)
    try:
        with np.load(name, allow_pickle=False) as f:
            data = {k: f[k] for k in f.files}
        meta = json.loads(str(data["meta"]))
    except Exception as exc:    # noqa: BLE001 - a truncated zip, a damaged member, no metadata:
        # whatever the reader trips on, the file is unreadable (KeyboardInterrupt passes)
        raise ValueError(f"cannot read checkpoint {name!r} ({type(exc).__name__}: {exc}); it is "
                         f"not a shrinkage checkpoint or is corrupted: {_FIX}") from None
    try:
        return _check(trainer, data, meta)
    except _Mismatch as exc:
        raise ValueError(f"checkpoint {name!r} {exc}") from None
    except (KeyError, TypeError, ValueError, IndexError, AttributeError, StopIteration) as exc:
        what = f"no {exc}" if isinstance(exc, KeyError) else f"{type(exc).__name__}: {exc}"
        raise ValueError(f"checkpoint {name!r} is corrupted ({what}): {_FIX}") from None


def _array(data, key, like):
    a = data[key]
    if a.shape != like.shape or a.dtype.kind not in "fiu":
        raise ValueError(f"array {key!r} has shape {a.shape} ({a.dtype}), the network's has "
                         f"{like.shape}")
    return a


def _count(meta, key):
    v = meta[key]
    if isinstance(v, bool) or not isinstance(v, int) or v < 0:
        raise ValueError(f"{key!r} is {v!r}, not a count")
    return v


def _check(trainer, data, meta) -> dict:
    net, penalty = trainer.net, trainer.penalty
    if not isinstance(meta, dict):
        raise TypeError("its metadata is not a mapping")
    if meta["layer_sizes"] != list(net.layer_sizes):
        raise _Mismatch(f"is for layers {meta['layer_sizes']}, this network has "
                        f"{list(net.layer_sizes)}; use a matching network or another checkpoint "
                        f"path, or {_FIX}")
    if meta["dtype"] != str(net.dtype):
        raise _Mismatch(f"was written by a {meta['dtype']} network, this one trains in "
                        f"{net.dtype}; pass dtype={meta['dtype']!r} or another checkpoint path, "
                        f"or {_FIX}")
    params = [_array(data, f"param_{i}", p) for i, p in enumerate(net.params)]
    best = ([_array(data, f"best_{i}", p) for i, p in enumerate(net.params)]
            if "best_0" in data else None)
    leaves = [data[f"opt_{i}"] for i in range(_count(meta, "n_opt"))]
    it = iter(leaves)
    opt_state = unflatten(trainer.optimizer.init(net.params), it)
    if next(it, None) is not None:
        raise _Mismatch("has more optimizer state than the optimizer; resume with the optimizer "
                        f"it was written with, or {_FIX}")
    lams = _array(data, "lams", penalty.lams).astype(np.float64)
    if not (np.all(np.isfinite(lams)) and np.all(lams >= 0)):
        raise ValueError(f"λ holds {lams.tolist()}")
    epoch = _count(meta, "epoch")
    history = {k: [_unjson(v) for v in meta["history"][k]] for k in trainer.history}
    if any(len(v) != epoch for v in history.values()):
        raise ValueError(f"its history does not hold one entry per epoch ({epoch})")
    bit_generator = type(trainer.rng.bit_generator)()
    bit_generator.state = meta["rng"]                 # raises on a state of another kind
    rule = copy.deepcopy(trainer.adaptive_lam)
    if meta.get("adaptive") is not None and hasattr(rule, "load_state_dict"):
        rule.load_state_dict(meta["adaptive"])
    start = _unjson(meta.get("start_loss"))
    return dict(params=params, best=best, opt_state=opt_state, lams=lams, epoch=epoch,
                step=_count(meta, "step"), best_value=float(_unjson(meta["best_value"])),
                best_epoch=_count(meta, "best_epoch"), wait=_count(meta, "wait"),
                rng=bit_generator.state, start_loss=None if start is None else float(start),
                history=history, rule=rule)


def restore(trainer, state: dict) -> None:
    """Put a state from :func:`read` into ``trainer`` (checked: nothing here can fail)."""
    trainer.net.set_params(state["params"])
    trainer.best_params = None if state["best"] is None else [b.copy() for b in state["best"]]
    trainer._spare = None
    trainer.opt_state = state["opt_state"]
    trainer.penalty.lams[:] = state["lams"]
    trainer.epoch, trainer.step = state["epoch"], state["step"]
    trainer.best_value, trainer.best_epoch = state["best_value"], state["best_epoch"]
    trainer.wait, trainer.start_loss = state["wait"], state["start_loss"]
    trainer.rng.bit_generator.state = state["rng"]
    trainer.history = state["history"]
    trainer.adaptive_lam = state["rule"]


def _jsonable(v):
    if isinstance(v, dict):
        return {k: _jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [_jsonable(x) for x in v]
    if isinstance(v, float) and not np.isfinite(v):
        return repr(v)               # "nan", "inf": JSON has no literals for them
    return v


def _unjson(v):
    if isinstance(v, list):
        return [_unjson(x) for x in v]
    if isinstance(v, str) and v in ("nan", "inf", "-inf"):
        return float(v)
    return v
