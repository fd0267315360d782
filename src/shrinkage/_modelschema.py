"""The schema of a model file's ``meta.json``, checked before anything is built or inflated.

:func:`parse` turns the text into a dict (refusing duplicate keys and nesting deeper than
:data:`MAX_DEPTH`, measured before the JSON parser recurses); :func:`check` walks it and raises
a :class:`ValueError` naming the first thing that does not fit:

* the top level: ``format``, ``schema_version``, ``class`` (one of the loadable estimators),
  ``params``, ``attributes``, ``arrays`` (required); ``dropped_params``, ``versions``,
  ``feature_names``, ``preprocessing``, ``extra`` (optional); nothing else;
* every stored value: ``null``, a boolean, a number, a string, a list of values, or one of the
  tagged objects the writer makes (``{"__array__": member, "object": bool}``,
  ``{"__float__": number}``, ``{"__tuple__": [...]}``, ``{"__dict__": {...}}`` with an optional
  ``"__cvresult__"``), with exactly those keys;
* the array index: member names ``arrays/NNNN.npy``, each with a name, a shape (at most
  :data:`MAX_NDIM` non-negative sizes), a plain dtype (booleans, numbers, text; never objects)
  and a SHA-256; each array referenced exactly once; the bytes that the declared shapes imply
  within the load limits;
* the parameters: names of the class's constructor, each of the kind :data:`PARAM_KINDS` allows
  (a number, a flag, a list of numbers, ...);
* the fitted attributes: names ending in ``_`` (or the class's few private ones), not replacing
  anything the class defines; the ones prediction reads (``n_features_in_``, ``coef_``,
  ``intercept_``, ``classes_``, a network's ``layer_sizes_``, ``coefs_``, ``intercepts_``) of the
  right type and consistent shapes, so that a network's declared layer sizes are checked against
  the shapes of its stored weights before a single weight is allocated; the numbers that
  reports read (``lam_``, ``df_``, ...) numbers; ``net_`` and ``trainer_`` never;
* the preprocessing of a table (:func:`shrinkage._preprocess.spec_problem`),
  whose encoded columns must be the model's features.
"""

from __future__ import annotations

import inspect
import json
import math
import re

import numpy as np

__all__ = ["parse", "check", "storable_param", "human_size", "SchemaError", "FORMAT",
           "SCHEMA_VERSION", "META", "MAX_DEPTH", "MAX_NDIM", "MAX_MEMBERS", "PARAM_KINDS",
           "PRIVATE"]

META = "meta.json"
FORMAT = "shrinkage-model"
SCHEMA_VERSION = 1
MAX_DEPTH = 32            # a real file nests at most ~8 levels (cv_results_ → params → dict)
MAX_NDIM = 8
MAX_MEMBERS = 10_000      # a real model has a few dozen arrays
MAX_LAYERS = 1_000
#: private attributes that prediction needs, per class (everything else private is dropped)
PRIVATE = {"MLPRegressor": ("_y_ndim", "_n_targets")}
_REQUIRED = ("format", "schema_version", "class", "params", "attributes", "arrays")
_OPTIONAL = ("dropped_params", "versions", "feature_names", "preprocessing", "extra")
_MEMBER = re.compile(r"arrays/[0-9]{4,9}\.npy")
_DTYPE = re.compile(r"[<>|][biufcU][0-9]{1,5}")
_ATTRIBUTE = re.compile(r"[A-Za-z][A-Za-z0-9_]*_")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_CV_INFO = ("index", "index_min", "index_1se", "rule", "reason", "n_repeats")
_NUMERIC = "iuf"
_REBUILT_ONLY = ("net_", "trainer_")      # a network and its training state, never in a file
#: fitted attributes that reports and summaries read as numbers (a number, or numbers)
_NUMBER_ATTRIBUTES = ("lam_", "lam_min_", "lam_1se_", "l1_ratio_", "df_", "lam_max_", "sigma2_",
                      "kkt_", "loss_", "n_iter_", "n_nonzero_", "best_epoch_")

#: the kinds of value each constructor parameter may hold in a file (anything that is not a
#: plain value, such as a splitter or a callable, is not stored: see ``dropped_params``); a
#: checkpoint path never is: a file must not choose where a later ``fit`` writes
PARAM_KINDS = {
    "activation": ("str",), "adaptive_lam": ("none", "str"), "batch_size": ("int", "str"),
    "checkpoint": ("none",), "compute_df": ("bool",), "cv": ("none", "int", "str", "labels"),
    "cv_average": ("str",), "cv_tol": ("none", "number"), "dtype": ("str",), "family": ("str",), "early_exit": ("bool",),
    "early_stopping": ("bool",), "exclude": ("none", "labels"),
    "fit_intercept": ("bool",), "group_axis": ("str",),
    "group_lam": ("number", "numbers", "mapping"), "group_weights": ("none", "numbers", "mapping"),
    "groups": ("none", "labels"), "hidden_layer_sizes": ("int", "ints"), "init": ("str",),
    "l1_ratio": ("number", "numbers"), "lam": ("number", "numbers", "mapping"),
    "lam_min_ratio": ("none", "number"), "lower_bounds": ("none", "bounds"),
    "upper_bounds": ("none", "bounds"), "lams": ("none", "int", "numbers"),
    "learning_rate": ("number",), "max_epochs": ("int",), "max_iter": ("none", "int"),
    "momentum": ("number",), "n_jobs": ("none", "int"), "n_threads": ("none", "int"),
    "optimizer": ("str",), "patience": ("int",), "power": ("none", "number"), "penalize_bias": ("bool",),
    "penalty_factor": ("none", "numbers"), "penalty_mode": ("str",), "progress": ("bool",),
    "random_state": ("none", "int"), "relax": ("bool", "number"), "rule": ("str", "number"),
    "scoring": ("none", "str", "strs"), "schedule": ("str",), "shuffle": ("bool",),
    "simplest": ("str",),
    "solver": ("str",), "standardize": ("bool",), "tol": ("number",), "train_loss": ("str",),
    "validation_fraction": ("number",), "weight_decay": ("number", "numbers", "mapping"),
}
_PLAIN = ("none", "bool", "number", "str", "numbers", "labels", "mapping")   # a new parameter
_KIND_WORDS = {"none": "null", "bool": "true or false", "int": "an integer",
               "number": "a finite number", "str": "a string", "numbers": "a list of numbers",
               "ints": "a list of integers", "labels": "a list of integers or strings",
               "strs": "a list of strings",
               "bounds": "a number or a list of numbers (±inf allowed, not NaN)", "mapping": "a mapping of names to numbers"}


class SchemaError(ValueError):
    """A ``meta.json`` that does not fit the schema (not one that only exceeds a limit)."""


def parse(data: bytes) -> dict:
    """``meta.json``'s bytes as a dict; a ValueError for text that is not one JSON object, that
    repeats a key, or that nests deeper than :data:`MAX_DEPTH` (checked before parsing)."""
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        raise ValueError(f"{META} is not UTF-8 text") from None
    depth = json_depth(text)
    if depth > MAX_DEPTH:
        raise ValueError(f"{META} nests {depth} levels deep (a model file needs at most "
                         f"{MAX_DEPTH})")

    def unique(pairs):
        keys = [k for k, _ in pairs]
        if len(set(keys)) != len(keys):
            dup = next(k for k in keys if keys.count(k) > 1)
            raise ValueError(f"{META} repeats the key {dup!r}")
        return dict(pairs)
    try:
        meta = json.loads(text, object_pairs_hook=unique)
    except ValueError as exc:         # JSONDecodeError, repeated keys, 4300-digit integers
        raise ValueError(f"{META} is not valid JSON ({str(exc).splitlines()[0]})") from None
    if not isinstance(meta, dict):
        raise ValueError(f"{META} holds {_what(meta)}, not a JSON object")
    return meta


def json_depth(text: str) -> int:
    """How deep the brackets of the JSON ``text`` nest (strings blanked out first)."""
    code = re.sub(r'"(?:[^"\\]|\\.)*"', '""', text, flags=re.S).encode("utf-8", "replace")
    b = np.frombuffer(code, dtype=np.uint8)
    step = np.isin(b, (ord("["), ord("{"))).astype(np.int64) - np.isin(b, (ord("]"), ord("}")))
    return int(np.cumsum(step).max(initial=0))


def check(meta: dict, classes: dict, *, max_member_bytes: int | None = None,
          max_total_bytes: int | None = None) -> None:
    """Check ``meta`` (from :func:`parse`) against the schema; ValueError naming the problem.

    ``classes`` maps the loadable class names to the classes; the byte limits (None: no limit)
    bound what the declared array shapes imply.
    """
    _Check(meta, classes, max_member_bytes, max_total_bytes).run()


def storable_param(name: str, node, index: dict) -> bool:
    """Whether the encoded parameter ``node`` (arrays listed in ``index`` as the writer lists
    them) is of a kind :data:`PARAM_KINDS` allows; :func:`shrinkage.io.save` drops the others."""
    checker = _Check({}, {}, None, None)
    checker.index = {m: dict(e, ndim=len(e["shape"]), kind=e["dtype"][1])
                     for m, e in index.items()}
    return any(checker.is_kind(node, kind) for kind in PARAM_KINDS.get(name, _PLAIN))


def _what(v) -> str:
    """``v``'s JSON type with its article: "a list", "an integer", "null"."""
    if isinstance(v, bool):
        return "a boolean"
    return {int: "an integer", float: "a number", str: "a string", list: "a list",
            dict: "an object", type(None): "null"}.get(type(v), type(v).__name__)


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _isnan(v) -> bool:
    if isinstance(v, dict) and set(v) == {"__float__"}:
        v = v["__float__"]
    return isinstance(v, float) and math.isnan(v)


def _is_number(v, finite=True) -> bool:
    if isinstance(v, dict) and set(v) == {"__float__"}:
        v = v["__float__"]
    return ((_is_int(v) or isinstance(v, float)) and (not finite or math.isfinite(v)))


class _Check:
    def __init__(self, meta, classes, max_member_bytes, max_total_bytes):
        self.meta, self.classes = meta, classes
        self.limits = max_member_bytes, max_total_bytes
        self.index: dict[str, dict] = {}
        self.used: set[str] = set()

    @staticmethod
    def fail(where: str, problem: str):
        raise SchemaError(f"{META} {where} {problem}")

    # -- top level ------------------------------------------------------------------------
    def run(self):
        meta = self.meta
        if meta.get("format") != FORMAT:
            raise ValueError(f"not a shrinkage model file (format {meta.get('format')!r})")
        version = meta.get("schema_version")
        if not (_is_int(version) and version >= 1):
            self.fail("schema_version", f"is {version!r}; expected a positive integer")
        if version > SCHEMA_VERSION:
            raise ValueError(f"written by a newer shrinkage (model file schema {version}; "
                             f"this version reads up to {SCHEMA_VERSION}); upgrade shrinkage "
                             "to load it")
        missing = [k for k in _REQUIRED if k not in meta]
        extra = sorted(set(meta) - set(_REQUIRED) - set(_OPTIONAL))
        if missing:
            self.fail("lacks", f"the key(s) {missing}")
        if extra:
            self.fail("has keys a model file does not have:", f"{extra[:5]}")
        name = meta["class"]
        if not isinstance(name, str) or name not in self.classes:
            self.fail("class", f"is {name!r}, which this version cannot load (it loads "
                      f"{', '.join(sorted(self.classes))})")
        self.cls = self.classes[name]
        for key in ("params", "attributes", "arrays"):
            if not isinstance(meta[key], dict):
                self.fail(key, f"is {_what(meta[key])}, expected an object")
        self.arrays(meta["arrays"])
        self.params(meta["params"], meta.get("dropped_params", []))
        self.attributes(meta["attributes"])
        unused = sorted(set(self.index) - self.used)
        if unused:
            self.fail("arrays", f"lists {unused[:3]}, which no parameter or attribute uses")
        self.strings("versions", meta.get("versions", {}), mapping=True)
        names = meta.get("feature_names")
        if names is not None:
            self.strings("feature_names", names)
            if len(names) != self.n_features:
                self.fail("feature_names", f"has {len(names)} names for {self.n_features} "
                          "features")
        self.preprocessing(meta.get("preprocessing"))
        if not isinstance(meta.get("extra", None), (dict, type(None))):
            self.fail("extra", f"is {_what(meta['extra'])}, expected an object or null")

    def strings(self, where, v, mapping=False):
        ok = (isinstance(v, dict) and all(isinstance(x, str) for x in v.values())) if mapping \
            else (isinstance(v, list) and all(isinstance(x, str) for x in v))
        if not ok:
            self.fail(where, "must be " + ("an object of strings" if mapping
                                           else "a list of strings"))

    # -- the array index --------------------------------------------------------------------
    def arrays(self, index):
        if len(index) > MAX_MEMBERS:
            self.fail("arrays", f"lists {len(index)} members (at most {MAX_MEMBERS})")
        member_limit, total_limit = self.limits
        total = 0
        for member, entry in index.items():
            where = f"arrays[{member!r}]"
            if not _MEMBER.fullmatch(member):
                self.fail(where, "is not a member name a model file uses (arrays/NNNN.npy)")
            if not isinstance(entry, dict) or set(entry) != {"name", "shape", "dtype", "sha256"}:
                self.fail(where, "must be an object with exactly name, shape, dtype and sha256")
            shape, dtype = entry["shape"], entry["dtype"]
            if not isinstance(entry["name"], str):
                self.fail(f"{where}['name']", "must be a string")
            if not (isinstance(shape, list) and len(shape) <= MAX_NDIM
                    and all(_is_int(s) and s >= 0 for s in shape)):
                self.fail(f"{where}['shape']", f"is {shape!r}; expected at most {MAX_NDIM} "
                          "non-negative integers")
            if not (isinstance(dtype, str) and _DTYPE.fullmatch(dtype)):
                self.fail(f"{where}['dtype']", f"is {dtype!r}; expected a plain dtype such as "
                          "'<f8', '<i8', '|b1' or '<U5'")
            if not (isinstance(entry["sha256"], str) and _SHA256.fullmatch(entry["sha256"])):
                self.fail(f"{where}['sha256']", "is not a SHA-256 in hexadecimal")
            try:
                itemsize = np.dtype(dtype).itemsize
            except (TypeError, ValueError):
                self.fail(f"{where}['dtype']", f"is {dtype!r}, which is not a dtype")
            nbytes = math.prod(shape) * itemsize
            entry = dict(entry, nbytes=nbytes, ndim=len(shape), kind=dtype[1])
            if member_limit is not None and nbytes > member_limit:
                raise ValueError(f"the array {member} ({entry['name']}) declares shape "
                                 f"{tuple(shape)} of {dtype}, {human_size(nbytes)}, more than "
                                 f"the limit of {human_size(member_limit)} per array; if this "
                                 "is your own model, raise it with shrinkage.io.load(path, "
                                 "max_member_bytes=...)")
            total += nbytes
            self.index[member] = entry
        if total_limit is not None and total > total_limit:
            raise ValueError(f"the arrays declare {human_size(total)} in all, more than the "
                             f"limit of {human_size(total_limit)}; if this is your own model, "
                             "raise it with shrinkage.io.load(path, max_total_bytes=...)")

    # -- values ----------------------------------------------------------------------------
    def value(self, v, where, depth=0):
        """Check the grammar of a stored value (see the module docstring)."""
        if depth > MAX_DEPTH:
            self.fail(where, f"nests deeper than {MAX_DEPTH} levels")
        if v is None or isinstance(v, (bool, int, float, str)):
            return
        if isinstance(v, list):
            for i, x in enumerate(v):
                self.value(x, f"{where}[{i}]", depth + 1)
            return
        if not isinstance(v, dict):            # pragma: no cover - JSON has no other type
            self.fail(where, f"is {_what(v)}")
        keys = set(v)
        if keys == {"__array__", "object"}:
            member, obj = v["__array__"], v["object"]
            if not isinstance(member, str) or member not in self.index:
                self.fail(where, f"names the array {member!r}, which the index does not list")
            if member in self.used:
                self.fail(where, f"names the array {member!r} a second time")
            if not isinstance(obj, bool) or (obj and self.index[member]["kind"] != "U"):
                self.fail(f"{where}['object']", "must be true (text arrays only) or false")
            self.used.add(member)
        elif keys == {"__float__"}:
            if not _is_number(v, finite=False):
                self.fail(where, "must hold a number in '__float__'")
        elif keys == {"__tuple__"}:
            if not isinstance(v["__tuple__"], list):
                self.fail(f"{where}['__tuple__']", f"is {_what(v['__tuple__'])}, not a list")
            self.value(v["__tuple__"], where, depth + 1)
        elif keys in ({"__dict__"}, {"__dict__", "__cvresult__"}):
            items = v["__dict__"]
            if not isinstance(items, dict):
                self.fail(f"{where}['__dict__']", f"is {_what(items)}, not an object")
            for k, x in items.items():
                self.value(x, f"{where}[{k!r}]", depth + 1)
            if "__cvresult__" in v:
                self.cv_result(v, where)
        else:
            self.fail(where, f"is an object with keys {sorted(keys)[:4]}, which is not a value "
                      "a model file stores")

    def entry(self, v):
        """The index entry of an array value, else None."""
        if isinstance(v, dict) and "__array__" in v:
            return self.index[v["__array__"]]
        return None

    def seq(self, v):
        """The items of a list or tuple value, else None."""
        if isinstance(v, dict) and "__tuple__" in v:
            v = v["__tuple__"]
        return v if isinstance(v, list) else None

    def is_kind(self, v, kind) -> bool:
        e, items = self.entry(v), self.seq(v)
        if kind in ("numbers", "ints", "labels", "strs") and e is not None:
            return e["ndim"] == 1 and e["kind"] in {"numbers": _NUMERIC, "ints": "iu",
                                                     "labels": "iuU", "strs": "U"}[kind]
        return {
            "none": lambda: v is None, "bool": lambda: isinstance(v, bool),
            "int": lambda: _is_int(v), "number": lambda: _is_number(v),
            "str": lambda: isinstance(v, str),
            "numbers": lambda: items is not None and all(_is_number(x) for x in items),
            "bounds": lambda: (e is not None and e["ndim"] == 1 and e["kind"] in _NUMERIC) or
            all(_is_number(x, finite=False) and not _isnan(x)
                for x in (items if items is not None else [v])),
            "ints": lambda: items is not None and all(_is_int(x) for x in items),
            "labels": lambda: items is not None and all(_is_int(x) or isinstance(x, str)
                                                        for x in items),
            "strs": lambda: items is not None and all(isinstance(x, str) for x in items),
            "mapping": lambda: (isinstance(v, dict) and set(v) == {"__dict__"}
                                and all(_is_number(x) for x in v["__dict__"].values())),
        }[kind]()

    def numbers(self, v) -> bool:
        """A number (NaN and ±inf too), a list of them, or an array of numbers."""
        e, items = self.entry(v), self.seq(v)
        if e is not None:
            return e["kind"] in _NUMERIC
        if items is not None:
            return len(items) > 0 and all(_is_number(x, finite=False) for x in items)
        return _is_number(v, finite=False)

    # -- parameters --------------------------------------------------------------------------
    def params(self, params, dropped):
        accepted = set(inspect.signature(self.cls.__init__).parameters) - {"self"}
        name = self.cls.__name__
        for k, v in params.items():
            where = f"params[{k!r}]"
            if k not in accepted:
                self.fail(where, f"is not a parameter of {name}")
            self.value(v, where)
            kinds = PARAM_KINDS.get(k, _PLAIN)
            if not any(self.is_kind(v, kind) for kind in kinds):
                self.fail(where, "must be " + " or ".join(_KIND_WORDS[x] for x in kinds))
        self.strings("dropped_params", dropped)
        if not set(dropped) <= accepted - set(params):
            self.fail("dropped_params", f"names {sorted(set(dropped) - accepted)[:3] or dropped}"
                      f", which are not other parameters of {name}")

    # -- attributes --------------------------------------------------------------------------
    def attributes(self, attrs):
        name = self.cls.__name__
        network = "hidden_layer_sizes" in inspect.signature(self.cls.__init__).parameters
        rebuilt = ("coefs_", "intercepts_", "layer_sizes_") if network else ()
        private = PRIVATE.get(name, ())
        for k, v in attrs.items():
            where = f"attributes[{k!r}]"
            if k not in private and not _ATTRIBUTE.fullmatch(k):
                self.fail(where, f"may not be set on a {name} (fitted attributes end in '_')")
            if k not in rebuilt and hasattr(self.cls, k):
                self.fail(where, f"may not be set on a {name}: it would replace the class's own")
            if k in _REBUILT_ONLY:
                self.fail(where, f"may not be set on a {name}: it is rebuilt, never stored")
            self.value(v, where)
        self.attrs, self.classifier = attrs, hasattr(self.cls, "predict_proba")
        required = ["n_features_in_"] + (["classes_"] if self.classifier else [])
        required += list(rebuilt) + list(private) if network else ["coef_", "intercept_"]
        absent = [k for k in required if k not in attrs]
        if absent:
            self.fail("attributes", f"lack {absent}, which a fitted {name} has")
        p = attrs["n_features_in_"]
        if not (_is_int(p) and p >= 1):
            self.fail("attributes['n_features_in_']", "must be a positive integer")
        self.n_features = p
        e = self.entry(attrs.get("feature_names_in_"))
        if "feature_names_in_" in attrs and not (e and e["kind"] == "U"
                                                  and e["shape"] == [p]):
            self.fail("attributes['feature_names_in_']", f"must be an array of {p} strings")
        outputs = None
        if self.classifier:
            e = self.entry(attrs["classes_"])
            if not (e and e["ndim"] == 1 and e["shape"][0] >= 2 and e["kind"] in "biufU"):
                self.fail("attributes['classes_']", "must be an array of at least two labels")
            k = e["shape"][0]
            outputs = 1 if k == 2 else k
        if network:
            self.network(attrs, outputs)
        else:
            self.linear(attrs, outputs)
        for k in _NUMBER_ATTRIBUTES:
            if k in attrs and not self.numbers(attrs[k]):
                self.fail(f"attributes[{k!r}]", "must be a number or an array of numbers")
        if "cv_results_" in attrs and not (isinstance(attrs["cv_results_"], dict)
                                           and "__dict__" in attrs["cv_results_"]):
            self.fail("attributes['cv_results_']", "must be a mapping")
        if "cv_results_" in attrs:
            self.cv_columns(attrs["cv_results_"]["__dict__"], "attributes['cv_results_']")

    def linear(self, attrs, outputs):
        p = self.n_features
        e = self.entry(attrs["coef_"])
        if not (e and e["kind"] in _NUMERIC and e["ndim"] in (1, 2) and e["shape"][-1] == p):
            self.fail("attributes['coef_']", f"must be an array of numbers with {p} columns")
        rows = e["shape"][0] if e["ndim"] == 2 else None
        if outputs is not None and rows != outputs:
            self.fail("attributes['coef_']", f"has shape {tuple(e['shape'])}; the classes "
                      f"need {outputs} row(s)")
        b = attrs["intercept_"]
        eb = self.entry(b)
        if eb is None and not _is_number(b, finite=False):
            self.fail("attributes['intercept_']", "must be a number or an array of numbers")
        if eb is not None and not (eb["kind"] in _NUMERIC and eb["ndim"] <= 1
                                   and (rows is None or eb["shape"] in ([rows], [1]))):
            self.fail("attributes['intercept_']", f"has shape {tuple(eb['shape'])}, which does "
                      f"not fit coef_ of shape {tuple(e['shape'])}")

    def network(self, attrs, outputs):
        sizes = attrs["layer_sizes_"]
        where = "attributes['layer_sizes_']"
        if not (isinstance(sizes, list) and 2 <= len(sizes) <= MAX_LAYERS
                and all(_is_int(s) and s >= 1 for s in sizes)):
            self.fail(where, f"must be a list of 2 to {MAX_LAYERS} positive integers")
        if sizes[0] != self.n_features:
            self.fail(where, f"starts with {sizes[0]} inputs but n_features_in_ is "
                      f"{self.n_features}")
        if "_n_targets" in attrs:
            n, ndim = attrs["_n_targets"], attrs["_y_ndim"]
            if not (_is_int(n) and n >= 1 and ndim in (1, 2) and _is_int(ndim)
                    and (ndim == 2 or n == 1)):
                self.fail("attributes", "_n_targets and _y_ndim must describe the targets")
            outputs = n
        if outputs is not None and sizes[-1] != outputs:
            self.fail(where, f"ends with {sizes[-1]} outputs but the model predicts {outputs}")
        for key, shape_of in (("coefs_", lambda i: [sizes[i], sizes[i + 1]]),
                              ("intercepts_", lambda i: [sizes[i + 1]])):
            arrays = attrs[key]
            if not (isinstance(arrays, list) and len(arrays) == len(sizes) - 1):
                self.fail(f"attributes[{key!r}]", f"must be a list of {len(sizes) - 1} arrays "
                          f"(one per layer of {sizes})")
            for i, a in enumerate(arrays):
                e = self.entry(a)
                if not (e and e["kind"] == "f" and e["shape"] == shape_of(i)):
                    got = "not an array" if e is None else f"shape {tuple(e['shape'])}"
                    self.fail(f"attributes[{key!r}][{i}]", f"is {got}; layer sizes {sizes} "
                              f"need a float array of shape {tuple(shape_of(i))}")

    def cv_columns(self, items, where):
        shapes = []
        for key in ("lam", "mean_score", "se_score"):
            e = self.entry(items.get(key))
            if not (e and e["kind"] in _NUMERIC and e["ndim"] == 1 and e["shape"][0] >= 1):
                self.fail(f"{where}[{key!r}]", "must be an array of numbers")
            shapes.append(e["shape"])
        e = self.entry(items.get("df"))
        if e is not None:
            shapes.append(e["shape"])
        if any(s != shapes[0] for s in shapes):
            self.fail(where, f"has columns of different lengths {[s[0] for s in shapes]}")
        self.n_cv = shapes[0][0]

    def cv_result(self, v, where):
        info = v["__cvresult__"]
        if not (isinstance(info, dict) and set(info) == set(_CV_INFO)):
            self.fail(f"{where}['__cvresult__']", f"must hold exactly {list(_CV_INFO)}")
        self.cv_columns(v["__dict__"], where)
        for k in ("index", "index_min", "index_1se"):
            if not (_is_int(info[k]) and 0 <= info[k] < self.n_cv):
                self.fail(f"{where}['__cvresult__'][{k!r}]", f"must be an index below {self.n_cv}")
        if not (isinstance(info["reason"], str) and (isinstance(info["rule"], str)
                                                     or _is_number(info["rule"]))
                and _is_int(info["n_repeats"]) and info["n_repeats"] >= 1):
            self.fail(f"{where}['__cvresult__']", "has a rule, reason or n_repeats of the wrong "
                      "type")

    # -- preprocessing -----------------------------------------------------------------------
    def preprocessing(self, spec):
        if spec is None:
            return
        from ._preprocess import TablePreprocessor, spec_problem
        problem = spec_problem(spec)
        if problem:
            self.fail("preprocessing", f"is malformed: {problem}")
        names = TablePreprocessor.from_dict(spec).feature_names_out_
        if len(names) != self.n_features:
            self.fail("preprocessing", f"makes {len(names)} columns but the model takes "
                      f"{self.n_features}")
        stored = self.meta.get("feature_names")
        if stored is not None and stored != names:
            self.fail("preprocessing", "makes other columns than the model's feature_names")


def human_size(n: int) -> str:
    """``n`` bytes in words: ``'512 MiB'``."""
    for unit, scale in (("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10)):
        if n >= scale:
            return f"{n / scale:.4g} {unit}"
    return f"{n} bytes"
