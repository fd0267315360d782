"""Safe model files: ``save(model, path)`` and ``load(path)``, never pickle.

A model file is a zip archive holding

* ``meta.json`` — the format name (``"shrinkage-model"``), the schema version, the estimator's
  class, its ``get_params()``, the library versions that wrote it, the feature names, the
  preprocessing of a table (see :mod:`shrinkage._preprocess`), the fitted scalar attributes, and
  for every array member its file name, shape, dtype and SHA-256;
* ``arrays/*.npy`` — the fitted arrays (coefficients, intercepts, classes, CV scores, network
  weights), read back with ``numpy.load(..., allow_pickle=False)``.

Loading executes nothing from the file: only the classes in :data:`LOADABLE` (the public
estimators) can be rebuilt, from their constructor parameters and plain attributes. A file that
is truncated, not a zip, not ours, written by a newer schema, whose members do not match the
SHA-256 recorded in ``meta.json``, or that holds members ``meta.json`` does not list, fails with
a :class:`ValueError` that says which.

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

import hashlib
import inspect
import io as _io
import json
import os
import platform
import warnings
import zipfile
import zlib

import numpy as np

from ._atomic import atomic_write

__all__ = ["save", "load", "read_meta", "FORMAT", "SCHEMA_VERSION", "LOADABLE"]

FORMAT = "shrinkage-model"
SCHEMA_VERSION = 1
META = "meta.json"
#: the estimators a model file may name (every public estimator of ``shrinkage``)
LOADABLE = ("Ridge", "RidgeCV", "LogisticRegression", "LogisticRegressionCV", "Lasso",
            "ElasticNet", "ElasticNetCV", "GroupLasso", "GroupLassoClassifier", "MLPClassifier",
            "MLPRegressor")
# private attributes that prediction needs, per class (everything else private is dropped)
_PRIVATE = {"MLPRegressor": ("_y_ndim", "_n_targets")}
# attributes rebuilt rather than stored
_SKIP = {"trainer_", "net_"}
_MAX_MEMBER = 4 << 30        # refuse members claiming more than 4 GiB uncompressed
_MAX_META = 64 << 20


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
    out.update({k: getattr(model, k) for k in _PRIVATE.get(name, ()) if hasattr(model, k)})
    if hasattr(model, "net_"):                      # a network: its weights, rebuilt on load
        out["coefs_"] = [np.array(W) for W in model.coefs_]
        out["intercepts_"] = [np.array(b) for b in model.intercepts_]
        out["layer_sizes_"] = list(model.net_.layer_sizes)
    return out


# -- save -------------------------------------------------------------------------------------
def save(model, path, *, preprocessing: dict | None = None, extra: dict | None = None) -> None:
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
        try:
            params[k] = w.encode(v, k)
        except TypeError:
            dropped.append(k)             # e.g. a splitter object: not needed to predict
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
    with atomic_write(path, "wb") as fh:
        with zipfile.ZipFile(fh, "w", compression=zipfile.ZIP_DEFLATED) as zf:
            zf.writestr(META, text)
            for member, data in w.arrays.items():
                zf.writestr(member, data)


# -- load -------------------------------------------------------------------------------------
def _open(path):
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"model file {path!r} does not exist")
    try:
        return zipfile.ZipFile(path, "r")
    except zipfile.BadZipFile:
        raise ValueError(f"{path!r} is not a shrinkage model file (not a zip archive, or "
                         "truncated)") from None


def _read_member(zf, info, path):
    if info.file_size > (_MAX_META if info.filename == META else _MAX_MEMBER):
        raise ValueError(f"{path!r}: member {info.filename!r} is implausibly large")
    try:
        return zf.read(info)
    except (zipfile.BadZipFile, EOFError, OSError, zlib.error) as exc:
        raise ValueError(f"{path!r} is damaged or truncated ({info.filename}: {exc})") from None


def _meta(zf, path) -> dict:
    try:
        info = zf.getinfo(META)
    except KeyError:
        raise ValueError(f"{path!r} is not a shrinkage model file (no {META})") from None
    try:
        meta = json.loads(_read_member(zf, info, path).decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise ValueError(f"{path!r} is not a shrinkage model file ({META} is not JSON)") from None
    if not isinstance(meta, dict) or meta.get("format") != FORMAT:
        raise ValueError(f"{path!r} is not a shrinkage model file (format "
                         f"{meta.get('format') if isinstance(meta, dict) else None!r})")
    version = meta.get("schema_version")
    if not isinstance(version, int) or version < 1:
        raise ValueError(f"{path!r} has an invalid schema version {version!r}")
    if version > SCHEMA_VERSION:
        raise ValueError(f"{path!r} was written by a newer shrinkage (model file schema "
                         f"{version}; this version reads up to {SCHEMA_VERSION}); upgrade "
                         "shrinkage to load it")
    return meta


def read_meta(path) -> dict:
    """The checked ``meta.json`` of a model file (class, parameters, versions, preprocessing).

    Raises
    ------
    ValueError
        As :func:`load`, for a file that is not a readable model file.
    """
    with _open(path) as zf:
        return _meta(zf, os.fspath(path))


def load(path, *, return_meta: bool = False):
    """Read a model written by :func:`save`; nothing in the file is executed.

    Parameters
    ----------
    path : str or path-like
    return_meta : bool, default=False
        Also return the file's metadata (a dict with ``"preprocessing"``, ``"feature_names"``,
        ``"versions"``, ``"extra"``).

    Returns
    -------
    model : estimator
        Fitted, predicting exactly as the saved one.
    meta : dict
        Only with ``return_meta=True``.

    Raises
    ------
    ValueError
        If the file is missing, not a zip, truncated, not a shrinkage model file, from a newer
        schema, names a class that is not loadable, or a member's SHA-256 does not match.
    """
    path = os.fspath(path)
    with _open(path) as zf:
        meta = _meta(zf, path)
        index = meta.get("arrays")
        if not isinstance(index, dict):
            raise ValueError(f"{path!r}: {META} has no array index")
        members = {i.filename: i for i in zf.infolist()}
        unknown = sorted(set(members) - set(index) - {META})
        if unknown:
            raise ValueError(f"{path!r} holds members that {META} does not list: {unknown[:3]}; "
                             "the file was altered")
        arrays = {}
        for member, entry in index.items():
            if member not in members:
                raise ValueError(f"{path!r} is missing the member {member!r} (truncated?)")
            data = _read_member(zf, members[member], path)
            if hashlib.sha256(data).hexdigest() != entry.get("sha256"):
                raise ValueError(f"{path!r}: the SHA-256 of {member!r} ({entry.get('name')}) "
                                 f"does not match {META}; the file was altered or damaged")
            try:
                arrays[member] = np.load(_io.BytesIO(data), allow_pickle=False)
            except ValueError as exc:
                raise ValueError(f"{path!r}: {member!r} is not a plain array ({exc})") from None
    model = _rebuild(meta, arrays, path)
    return (model, meta) if return_meta else model


def _rebuild(meta, arrays, path):
    classes = _loadable()
    name = meta.get("class")
    if name not in classes:
        raise ValueError(f"{path!r} holds a {name!r}, which this version cannot load (it "
                         f"loads {', '.join(sorted(classes))})")
    cls = classes[name]
    reader = _Reader(arrays)
    try:
        params = {k: reader.decode(v) for k, v in meta["params"].items()}
        attrs = {k: reader.decode(v) for k, v in meta["attributes"].items()}
    except (KeyError, TypeError, ValueError) as exc:
        raise ValueError(f"{path!r}: {META} is malformed ({exc})") from None
    accepted = set(inspect.signature(cls.__init__).parameters) - {"self"}
    if not set(params) <= accepted:
        raise ValueError(f"{path!r}: parameters {sorted(set(params) - accepted)} are not "
                         f"parameters of {name}")
    if meta.get("dropped_params"):
        warnings.warn(f"{name} parameters {meta['dropped_params']} could not be stored and are "
                      "at their defaults (predictions do not depend on them)", UserWarning,
                      stacklevel=3)
    allowed_private = set(_PRIVATE.get(name, ()))
    for k in attrs:
        if not ((k.endswith("_") and not k.startswith("_")) or k in allowed_private):
            raise ValueError(f"{path!r}: attribute {k!r} may not be set on a {name}")
    try:
        model = cls(**params)
        coefs, intercepts = attrs.pop("coefs_", None), attrs.pop("intercepts_", None)
        sizes = attrs.pop("layer_sizes_", None)
        for k, v in attrs.items():
            setattr(model, k, v)
        if sizes is not None:
            _rebuild_network(model, sizes, coefs, intercepts)
    except (TypeError, ValueError, AttributeError) as exc:
        raise ValueError(f"{path!r}: cannot rebuild the {name} ({exc})") from None
    return model


def _rebuild_network(model, sizes, coefs, intercepts):
    from .nn.network import MLP
    n_layers = len(sizes) - 1
    if coefs is None or intercepts is None or not len(coefs) == len(intercepts) == n_layers:
        raise ValueError("the network's weights are missing")
    net = MLP(sizes, model.activation, head=model.head_, dtype=np.dtype(model.dtype),
              random_state=0)
    net.set_params([a for pair in zip(coefs, intercepts) for a in pair])
    model.net_ = net
