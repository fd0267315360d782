"""Safe model files: ``save(model, path)`` and ``load(path)``, never pickle.

A model file is a zip archive holding

* ``meta.json`` — the format name (``"shrinkage-model"``), the schema version, the estimator's
  class, its ``get_params()``, the library versions that wrote it, the feature names, the
  preprocessing of a table (see :mod:`shrinkage._preprocess`), the fitted scalar attributes, and
  for every array member its file name, shape, dtype and SHA-256;
* ``arrays/*.npy`` — the fitted arrays (coefficients, intercepts, classes, CV scores, network
  weights), read back with ``numpy.load(..., allow_pickle=False)``.

Loading executes nothing from the file: only the classes in :data:`LOADABLE` (the public
estimators) can be rebuilt, from their constructor parameters and plain attributes. Before
anything is built or inflated, ``meta.json`` is checked against its schema
(:mod:`shrinkage._modelschema`: types at every level, nesting depth, the class, the parameters'
names and kinds, the attributes' names, types and shapes, a network's layer sizes against the
shapes of its weights) and the zip headers against the limits below. A file that is truncated,
not a zip, not ours, written by a newer schema, does not fit the schema, whose members do not
match the SHA-256 or the shape recorded in ``meta.json``, or that holds members ``meta.json``
does not list, fails with a :class:`ValueError` that says which.

Limits: one array may inflate to at most :data:`MAX_MEMBER_BYTES` (256 MiB: 32 million float64
values, a 4096 × 8192 weight matrix), all members together to :data:`MAX_TOTAL_BYTES` (1 GiB),
``meta.json`` to 64 MiB; read from the zip headers and the declared shapes before a byte is
inflated, and the inflating stream is capped there too. A deflate bomb (a few hundred KiB that
inflate to gigabytes) is refused by its headers. For a larger model of your own, raise them:
``load(path, max_member_bytes=..., max_total_bytes=...)``.

What is stored: every public fitted attribute (names ending in ``_``) that is a number, a
string, an array of numbers or strings, a list of those, or a dict of those — which covers
``cv_results_`` of the CV estimators (a :class:`~shrinkage.selection.CVResult` comes back as one,
with its chosen index and reason) and a network's ``history_``. A network's weights are stored as
``coefs_`` / ``intercepts_`` and the network is rebuilt from them and the parameters. The
training state of a network (optimizer moments, ``trainer_``) is not stored: a loaded network
predicts, but ``partial_fit`` starts a fresh optimizer.

The SHA-256 sums catch a damaged or edited array member; they are not a signature (whoever can
edit the file can edit ``meta.json`` too). What makes loading safe is that nothing in the file is
ever executed.

Examples
--------
>>> import os, tempfile; import numpy as np; from shrinkage import Ridge
>>> from shrinkage.io import load, save
>>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
>>> model = Ridge(lam=0.1).fit(X, [1.0, 2.0, 4.0, 7.0])
>>> path = os.path.join(tempfile.mkdtemp(), "ridge.shrinkage")
>>> save(model, path)
>>> bool(np.array_equal(load(path).predict(X), model.predict(X)))
True
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import hashlib
import io as _io
import json
import math
import os
import platform
import warnings
import zipfile
import zlib

import numpy as np

from ._atomic import atomic_write
from ._modelschema import FORMAT, MAX_MEMBERS, META, PRIVATE, SCHEMA_VERSION, SchemaError
from ._modelschema import check as check_meta
from ._modelschema import parse as parse_meta
from ._modelschema import human_size, storable_param

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    from typing import Any

    from ._typing import PathLike

__all__ = ["save", "load", "read_meta", "FORMAT", "SCHEMA_VERSION", "LOADABLE",
           "MAX_MEMBER_BYTES", "MAX_TOTAL_BYTES"]

#: the estimators a model file may name (every public estimator of ``shrinkage``)
LOADABLE = ("Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV", "Lasso",
            "ElasticNet", "ElasticNetCV", "GroupLasso", "GroupLassoClassifier", "MultiTaskLasso",
            "MultiTaskElasticNet", "MultiTaskLassoCV", "MultiTaskElasticNetCV", "MLPClassifier",
            "MLPRegressor", "PoissonRegressor", "GammaRegressor", "TweedieRegressor",
            "GLMRegressorCV")
#: the most one member (array) may inflate to, unless ``load`` is told otherwise
MAX_MEMBER_BYTES = 256 << 20
#: the most all members together may inflate to, unless ``load`` is told otherwise
MAX_TOTAL_BYTES = 1 << 30
_MAX_META = 64 << 20
_NPY_HEADER = (11, 12 + 10_000 + 64)   # bytes before a .npy's data: magic, length, header
# attributes rebuilt rather than stored
_SKIP = {"trainer_", "net_"}


# -- encoding ---------------------------------------------------------------------------------
class _Writer:
    """Turns values into JSON nodes, collecting arrays as ``.npy`` members."""

    def __init__(self):
        self.arrays: dict[str, bytes] = {}
        self.index: dict[str, dict] = {}

    def array(self, a: np.ndarray, name: str) -> dict:
        obj = a.dtype == object
        if obj:
            if not all(isinstance(v, str) for v in a.ravel()):
                raise TypeError(f"{name}: an object array that is not all strings")
            a = a.astype(str)
        if a.dtype.kind not in "biufcU":
            raise TypeError(f"{name}: arrays of dtype {a.dtype} cannot be stored")
        member = f"arrays/{len(self.arrays):04d}.npy"
        buf = _io.BytesIO()
        np.save(buf, np.ascontiguousarray(a), allow_pickle=False)
        data = buf.getvalue()
        self.arrays[member] = data
        self.index[member] = {"name": name, "shape": list(a.shape), "dtype": a.dtype.str,
                              "sha256": hashlib.sha256(data).hexdigest()}
        return {"__array__": member, "object": obj}

    def forget(self, mark: int) -> None:
        """Drop the arrays collected after the first ``mark`` (a value that is not stored)."""
        for member in list(self.arrays)[mark:]:
            del self.arrays[member], self.index[member]

    def encode(self, v, name: str):
        from .selection.results import CVResult
        if v is None or isinstance(v, (bool, str)):
            return v
        if isinstance(v, (int, np.integer)) and not isinstance(v, np.bool_):
            return int(v)
        if isinstance(v, np.bool_):
            return bool(v)
        if isinstance(v, (float, np.floating)):
            return {"__float__": float(v)} if isinstance(v, np.floating) else float(v)
        if isinstance(v, np.ndarray):
            return self.array(v, name)
        if isinstance(v, tuple):
            return {"__tuple__": [self.encode(x, f"{name}[{i}]") for i, x in enumerate(v)]}
        if isinstance(v, list):
            return [self.encode(x, f"{name}[{i}]") for i, x in enumerate(v)]
        if isinstance(v, dict):
            if not all(isinstance(k, str) for k in v):
                raise TypeError(f"{name}: a dict with non-string keys")
            node = {"__dict__": {k: self.encode(x, f"{name}[{k!r}]") for k, x in v.items()}}
            if isinstance(v, CVResult):
                node["__cvresult__"] = {"index": v.index, "index_min": v.index_min,
                                        "index_1se": v.index_1se, "rule": v.rule,
                                        "reason": v.reason, "n_repeats": v.n_repeats}
            return node
        raise TypeError(f"{name}: a {type(v).__name__} cannot be stored")


class _Reader:
    def __init__(self, arrays: dict[str, np.ndarray]):
        self.arrays = arrays

    def decode(self, node):
        from .selection.results import CVResult
        if node is None or isinstance(node, (bool, int, float, str)):
            return node
        if isinstance(node, list):
            return [self.decode(x) for x in node]
        if not isinstance(node, dict):
            raise ValueError(f"unexpected value {node!r}")
        if "__array__" in node:
            a = self.arrays[node["__array__"]]
            return a.astype(object) if node.get("object") else a
        if "__float__" in node:
            return np.float64(node["__float__"])
        if "__tuple__" in node:
            return tuple(self.decode(x) for x in node["__tuple__"])
        if "__dict__" in node:
            items = {k: self.decode(x) for k, x in node["__dict__"].items()}
            info = node.get("__cvresult__")
            if info is not None:
                return CVResult(items, **{k: info[k] for k in ("index", "index_min", "index_1se",
                                                               "rule", "reason", "n_repeats")})
            return items
        raise ValueError(f"unexpected value {node!r}")


def _loadable() -> dict:
    import shrinkage
    return {n: getattr(shrinkage, n) for n in LOADABLE if hasattr(shrinkage, n)}


def _versions() -> dict:
    import scipy
    import sklearn

    from . import __version__
    return {"shrinkage": __version__, "numpy": np.__version__, "scipy": scipy.__version__,
            "scikit-learn": sklearn.__version__, "python": platform.python_version()}


def _fitted_attributes(model) -> dict:
    name = type(model).__name__
    out = {k: v for k, v in vars(model).items()
           if k.endswith("_") and not k.startswith("_") and k not in _SKIP}
    out.update({k: getattr(model, k) for k in PRIVATE.get(name, ()) if hasattr(model, k)})
    if hasattr(model, "net_"):                      # a network: its weights, rebuilt on load
        out["coefs_"] = [np.array(W) for W in model.coefs_]
        out["intercepts_"] = [np.array(b) for b in model.intercepts_]
        out["layer_sizes_"] = list(model.net_.layer_sizes)
    return out


# -- save -------------------------------------------------------------------------------------
def save(model: Any, path: PathLike, *, preprocessing: dict | None = None,
         extra: dict | None = None) -> None:
    """Write a fitted estimator to ``path`` (a zip of JSON and ``.npy``), atomically.

    Parameters
    ----------
    model : fitted estimator
        One of :data:`LOADABLE`.
    path : str or path-like
        Written through a temporary file renamed onto ``path``: an interrupted save leaves
        any earlier file as it was.
    preprocessing : dict, optional
        How a table becomes ``X`` (from :class:`shrinkage._preprocess.TablePreprocessor`),
        stored so that ``shrinkage predict`` applies the same steps.
    extra : dict, optional
        JSON-serializable notes (for example the command that fitted the model).

    Raises
    ------
    ValueError
        If the model is not fitted, not a loadable class, or holds an attribute that cannot be
        stored without pickle.
    """
    cls = type(model).__name__
    if cls not in _loadable() or _loadable()[cls] is not type(model):
        raise ValueError(f"cannot save a {cls}: model files hold {', '.join(sorted(_loadable()))}")
    attrs = _fitted_attributes(model)
    if not attrs:
        raise ValueError(f"this {cls} is not fitted; call fit before saving it")
    w = _Writer()
    params, dropped = {}, []
    for k, v in model.get_params(deep=False).items():
        mark = len(w.arrays)
        try:
            node = w.encode(v, k)
        except TypeError:
            node = None
            dropped.append(k)             # e.g. a splitter object: not needed to predict
        else:
            if storable_param(k, node, w.index):
                params[k] = node
            else:
                dropped.append(k)         # e.g. explicit (train, test) folds
        if k in dropped:
            w.forget(mark)
    try:
        attributes = {k: w.encode(v, k) for k, v in attrs.items()}
    except TypeError as exc:
        raise ValueError(f"cannot save this {cls}: {exc}") from None
    names = getattr(model, "feature_names_in_", None)
    meta = {
        "format": FORMAT, "schema_version": SCHEMA_VERSION, "class": cls,
        "params": params, "dropped_params": dropped,
        "versions": _versions(),
        "feature_names": None if names is None else [str(n) for n in names],
        "preprocessing": preprocessing, "attributes": attributes, "arrays": w.index,
        "extra": extra,
    }
    try:
        text = json.dumps(meta, indent=1, ensure_ascii=False)
    except TypeError as exc:
        raise ValueError(f"preprocessing/extra must be JSON-serializable: {exc}") from None
    try:                                  # write only what load reads back
        check_meta(parse_meta(text.encode("utf-8")), _loadable())
    except ValueError as exc:
        raise ValueError(f"cannot save this {cls}: {exc}") from None
    with atomic_write(path, "wb") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(META, text)
            for member, data in w.arrays.items():
                zf.writestr(member, data)


# -- load -------------------------------------------------------------------------------------
def _open(path):
    from ._formats import existing_file
    path = existing_file(path, "model file",
                         "give the file that shrinkage.io.save or shrinkage fit --out wrote")
    try:
        return zipfile.ZipFile(path, "r")
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError):
        raise ValueError(f"{path!r} is not a shrinkage model file (not a zip archive, or "
                         "truncated)") from None


def _members(zf, path) -> dict:
    """The archive's members by name, checked from the zip headers: no repeats, no encryption,
    deflate or stored only, ``meta.json`` within its limit (the arrays' limits are checked
    against ``meta.json`` by :func:`_meta`, still before anything inflates)."""
    infos = zf.infolist()
    if len(infos) > MAX_MEMBERS + 1:
        raise ValueError(f"{path!r} holds {len(infos)} members; a model file has at most "
                         f"{MAX_MEMBERS + 1}")
    members = {}
    for info in infos:
        name = info.filename
        if name in members:
            raise ValueError(f"{path!r} holds the member {name!r} twice; the file was altered")
        if info.flag_bits & 0x1 or info.compress_type not in (zipfile.ZIP_STORED,
                                                             zipfile.ZIP_DEFLATED):
            raise ValueError(f"{path!r}: the member {name!r} is encrypted or compressed in a way "
                             "shrinkage does not write; the file was altered")
        members[name] = info
    if META in members and members[META].file_size > _MAX_META:
        raise ValueError(f"{path!r}: {META} inflates to "
                         f"{human_size(members[META].file_size)}, more than the limit of "
                         f"{human_size(_MAX_META)}; the file was altered")
    return members


def _within_limits(members, index, path, max_member_bytes, max_total_bytes) -> None:
    """Each member's and the total inflated size, from the zip headers (never inflated)."""
    for member, entry in index.items():
        size = members[member].file_size
        if size > max_member_bytes:
            raise ValueError(f"{path!r}: the member {member!r} ({entry['name']}) inflates to "
                             f"{human_size(size)}, more than the limit of "
                             f"{human_size(max_member_bytes)}; if this is your own model, raise "
                             "it with "
                             "shrinkage.io.load(path, max_member_bytes=...)")
    total = sum(i.file_size for i in members.values())
    if total > max_total_bytes:
        raise ValueError(f"{path!r} inflates to {human_size(total)}, more than the limit of "
                         f"{human_size(max_total_bytes)}; if this is your own model, raise it "
                         "with shrinkage.io.load(path, max_total_bytes=...)")


def _read_member(zf, info, path) -> bytes:
    """The member's bytes, never more than its zip header declares (already within limits)."""
    try:
        with zf.open(info) as fh:
            data = fh.read(info.file_size + 1)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error, RuntimeError,
            NotImplementedError) as exc:
        raise ValueError(f"{path!r} is damaged or truncated ({info.filename}: {exc})") from None
    if len(data) != info.file_size:
        raise ValueError(f"{path!r} is damaged or truncated ({info.filename} holds "
                         f"{len(data)} bytes, its header says {info.file_size})")
    return data


def _meta(zf, members, path, max_member_bytes, max_total_bytes) -> dict:
    """``meta.json``, checked against the schema (:mod:`shrinkage._modelschema`) and against
    the members' sizes in the zip headers."""
    if META not in members:
        raise ValueError(f"{path!r} is not a shrinkage model file (no {META})")
    try:
        meta = parse_meta(_read_member(zf, members[META], path))
        check_meta(meta, _loadable(), max_member_bytes=max_member_bytes,
                   max_total_bytes=max_total_bytes)
    except SchemaError as exc:
        raise ValueError(f"model file {path!r}: {exc}; the file was altered or damaged "
                         "(save the model again)") from None
    except ValueError as exc:
        raise ValueError(f"model file {path!r}: {exc}") from None
    index = meta["arrays"]
    unknown = sorted(set(members) - set(index) - {META})
    if unknown:
        raise ValueError(f"{path!r} holds members that {META} does not list: {unknown[:3]}; "
                         "the file was altered")
    missing = [m for m in index if m not in members]
    if missing:
        raise ValueError(f"{path!r} is missing the member {missing[0]!r} (truncated?)")
    _within_limits(members, index, path, max_member_bytes, max_total_bytes)
    for member, entry in index.items():
        spare = members[member].file_size - _nbytes(entry)
        if not _NPY_HEADER[0] <= spare <= _NPY_HEADER[1]:
            raise ValueError(f"model file {path!r}: the member {member!r} ({entry['name']}) "
                             f"holds {members[member].file_size} bytes, which do not fit its "
                             f"declared shape {tuple(entry['shape'])} of {entry['dtype']}; the "
                             "file was altered or damaged")
    return meta


def _nbytes(entry) -> int:
    return math.prod(entry["shape"]) * np.dtype(entry["dtype"]).itemsize


def _read_array(zf, info, entry, path) -> np.ndarray:
    """One ``.npy`` member: its SHA-256, then its header (shape, dtype, no objects) against
    ``meta.json``, then the data, parsed by NumPy without pickle."""
    member = info.filename
    data = _read_member(zf, info, path)
    if hashlib.sha256(data).hexdigest() != entry["sha256"]:
        raise ValueError(f"{path!r}: the SHA-256 of {member!r} ({entry['name']}) does not "
                         f"match {META}; the file was altered or damaged")
    fh = _io.BytesIO(data)
    try:
        version = np.lib.format.read_magic(fh)
        header = {(1, 0): np.lib.format.read_array_header_1_0,
                  (2, 0): np.lib.format.read_array_header_2_0}[version]
        shape, fortran, dtype = header(fh)
    except (ValueError, KeyError, EOFError, SyntaxError) as exc:
        raise ValueError(f"{path!r}: {member!r} is not a plain array ({exc})") from None
    if dtype.hasobject:
        raise ValueError(f"{path!r}: {member!r} is not a plain array (it holds Python objects)")
    if shape != tuple(entry["shape"]) or dtype != np.dtype(entry["dtype"]) \
            or len(data) - fh.tell() != _nbytes(entry):
        raise ValueError(f"{path!r}: {member!r} holds an array of shape {shape} and dtype "
                         f"{dtype.str} ({len(data) - fh.tell()} bytes), not the shape "
                         f"{tuple(entry['shape'])} of {entry['dtype']} that {META} declares")
    return np.load(_io.BytesIO(data), allow_pickle=False)


def read_meta(path: PathLike, *, max_member_bytes: int = MAX_MEMBER_BYTES,
              max_total_bytes: int = MAX_TOTAL_BYTES) -> dict:
    """The checked ``meta.json`` of a model file (class, parameters, versions, preprocessing).

    Parameters
    ----------
    path : str or path-like
    max_member_bytes, max_total_bytes : int
        As for :func:`load`.

    Raises
    ------
    ValueError
        As :func:`load`, for a file that is not a readable model file; no array is read.
    """
    path = os.fspath(path)
    with _open(path) as zf:
        members = _members(zf, path)
        return _meta(zf, members, path, max_member_bytes, max_total_bytes)


def load(path: PathLike, *, return_meta: bool = False, max_member_bytes: int = MAX_MEMBER_BYTES,
         max_total_bytes: int = MAX_TOTAL_BYTES) -> Any:
    """Read a model written by :func:`save`; nothing in the file is executed.

    Parameters
    ----------
    path : str or path-like
    return_meta : bool, default=False
        Also return the file's metadata (a dict with ``"preprocessing"``, ``"feature_names"``,
        ``"versions"``, ``"extra"``).
    max_member_bytes : int, default=MAX_MEMBER_BYTES (256 MiB)
        The most one array may inflate to (its zip header and its declared shape are checked
        before it is read). Raise it to load a model with a larger array.
    max_total_bytes : int, default=MAX_TOTAL_BYTES (1 GiB)
        The most all members together may inflate to.

    Returns
    -------
    model : estimator
        Fitted, predicting exactly as the saved one.
    meta : dict
        Only with ``return_meta=True``.

    Raises
    ------
    ValueError
        If the file is missing, a directory, not a zip, truncated, not a shrinkage model file,
        from a newer schema, larger than the limits, its ``meta.json`` does not fit the schema
        (:mod:`shrinkage._modelschema`: types, nesting, class, parameters, attributes, shapes),
        a member's SHA-256 or ``.npy`` header does not match ``meta.json``, or a member holds
        Python objects. The message names the problem.
    """
    path = os.fspath(path)
    with _open(path) as zf:
        members = _members(zf, path)
        meta = _meta(zf, members, path, max_member_bytes, max_total_bytes)
        arrays = {member: _read_array(zf, members[member], entry, path)
                  for member, entry in meta["arrays"].items()}
    model = _rebuild(meta, arrays, path)
    return (model, meta) if return_meta else model


def _rebuild(meta, arrays, path):
    """The estimator from a checked ``meta`` (the schema has vetted every name, type and
    shape) and its verified arrays."""
    name = meta["class"]
    reader = _Reader(arrays)
    params = {k: reader.decode(v) for k, v in meta["params"].items()}
    attrs = {k: reader.decode(v) for k, v in meta["attributes"].items()}
    if meta.get("dropped_params"):
        warnings.warn(f"{name} parameters {meta['dropped_params']} could not be stored and are "
                      "at their defaults (predictions do not depend on them)", UserWarning,
                      stacklevel=3)
    try:
        model = _loadable()[name](**params)
        coefs, intercepts = attrs.pop("coefs_", None), attrs.pop("intercepts_", None)
        sizes = attrs.pop("layer_sizes_", None)
        for k, v in attrs.items():
            setattr(model, k, v)
        if sizes is not None:
            _rebuild_network(model, sizes, coefs, intercepts)
    except (TypeError, ValueError, AttributeError, KeyError) as exc:
        raise ValueError(f"model file {path!r}: cannot rebuild the {name} ({exc})") from None
    return model


def _rebuild_network(model, sizes, coefs, intercepts):
    """The network of ``model`` from its checked layer sizes and weights; the head is the one
    the estimator states publicly (``head_``)."""
    from .nn.network import MLP
    net = MLP(sizes, model.activation, head=model.head_, dtype=np.dtype(model.dtype),
              random_state=0)
    net.set_params([a for pair in zip(coefs, intercepts) for a in pair])
    model.net_ = net

