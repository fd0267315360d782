"""From a user's table (read by :func:`shrinkage._formats.read_table`) to the numeric ``X`` the
estimators take, and back again at prediction time with exactly the same steps.

:class:`TablePreprocessor` learns, on the training table:

* which columns are numeric (numbers and booleans, kept as they are) and which categorical
  (text, pandas ``category``): each categorical column becomes one 0/1 column per level seen in
  training, named ``"column=level"`` (all levels, none dropped: with an L2 penalty there is no
  collinearity problem, and every level's coefficient is shrunk towards the average). With
  ``reference=True`` (the command line's choice for L1 models: lasso, elastic net, group lasso)
  each text column's most frequent training level is the **reference**: it gets no 0/1 column,
  and the other levels' coefficients are differences from it. All levels' 0/1 columns sum to
  the intercept's column, a direction the L1 penalty does not pin down as the L2 one does:
  coordinate descent then crawls along it (hundreds of passes where 10 do with a reference);
  the most frequent level keeps the remaining columns best conditioned;
* what to do with missing values: refuse (the default; the error names the columns), or
  ``impute`` with the training ``"mean"``, ``"median"`` or ``"most_frequent"`` value of each
  numeric column. Categorical columns are always imputed with their most frequent level.

At prediction time a **category level not seen in training** gets zeros in all of that column's
0/1 columns: its contribution is that of no level at all, the model's intercept-level baseline,
and a warning names the column and levels (``unknown="error"`` refuses instead). Columns not seen
in training are ignored; a missing training column is an error.

Everything learned is plain JSON (:meth:`to_dict`), stored in the model file by
:func:`shrinkage.io.save`.
"""

from __future__ import annotations

import warnings

import numpy as np

__all__ = ["TablePreprocessor", "infer_task", "spec_problem", "IMPUTE"]

IMPUTE = ("mean", "median", "most_frequent")
MAX_LEVELS = 200
_CLASS_LEVELS = 10          # an integer target with at most this many values is a class label


_NESTED = ((list, tuple, np.ndarray), "a list"), ((dict,), "a mapping (struct)"), \
    ((bytes, bytearray, memoryview), "binary data"), ((set, frozenset), "a set")


def _refuse_nested(frame, columns) -> None:
    """One number or one text per cell: a Parquet list, struct or binary column would otherwise
    be one-hot encoded by its printed form."""
    for c in columns:
        s = frame[c]
        if s.dtype != object:
            continue
        first = s.first_valid_index()
        if first is None:
            continue
        value = s.loc[first]
        for kinds, what in _NESTED:
            if isinstance(value, kinds):
                typ = (frame.attrs.get("types") or {}).get(c)
                typ = f"Parquet type {typ}" if typ else f"Python type {type(value).__name__}"
                raise ValueError(f"column {c!r} holds {what} in each cell ({typ}); shrinkage "
                                 "needs one number or one text value per cell: flatten it into "
                                 f"columns of its own, or leave it out (--drop {c})")


def numeric_columns(frame, why: str):
    """``frame`` as float64, or a ValueError naming the first column that is not numbers
    (``why`` says why only numbers will do)."""
    text = [c for c in frame.columns if not _is_numeric(frame[c])]
    if text:
        first = frame[text[0]].dropna()
        sample = f" ({first.iloc[0]!r})" if len(first) else ""
        raise ValueError(f"column {text[0]!r} holds text{sample}; {why}")
    return frame.astype(float)


def _is_numeric(series) -> bool:
    from pandas.api.types import is_bool_dtype, is_numeric_dtype
    return is_numeric_dtype(series.dtype) or is_bool_dtype(series.dtype)


def infer_task(y) -> str:
    """``"classification"`` for text, boolean or category targets and for integer-valued targets
    with at most 10 distinct values; ``"regression"`` otherwise."""
    from pandas.api.types import is_bool_dtype, is_numeric_dtype
    if is_bool_dtype(y.dtype) or not is_numeric_dtype(y.dtype):
        return "classification"
    values = y.to_numpy(dtype=float)
    if np.all(values == np.round(values)) and np.unique(values).size <= _CLASS_LEVELS:
        return "classification"
    return "regression"


def _names(cols, limit=5):
    shown = ", ".join(repr(c) for c in cols[:limit])
    return shown + (f" and {len(cols) - limit} more" if len(cols) > limit else "")


def _rows(k: int) -> str:
    return f"{k} row" if k == 1 else f"{k} rows"


def _missing_counts(frame, limit: int = 20) -> str:
    """``"column(s) 'a' (2 rows), 'b' (1 row)"`` for every column of ``frame`` with missing
    values (the first ``limit``, then how many more), or ``""`` when there are none."""
    counts = frame.isna().sum()
    counts = counts[counts > 0]
    if counts.empty:
        return ""
    shown = ", ".join(f"{c!r} ({_rows(int(k))})" for c, k in counts.iloc[:limit].items())
    more = len(counts) - limit
    return f"column(s) {shown}" + (f" and {more} more columns" if more > 0 else "")


def refuse_missing(frame, target: str | None = None, impute: str | None = None) -> None:
    """One ValueError for every missing value of ``frame``: in the ``target`` column (which no
    ``impute`` can fill) and, unless ``impute``, in the features, each column with its count."""
    parts = []
    if target is not None:
        k = int(frame[target].isna().sum())
        if k:
            parts.append(f"the target column {target!r} has missing values in {_rows(k)} (drop "
                         "those rows: a target cannot be imputed)")
    if impute is None:
        counts = _missing_counts(frame.drop(columns=[target] if target is not None else []))
        if counts:
            parts.append(f"missing values in {counts} (drop those rows or pass --impute "
                         "mean|median|most_frequent)")
    if parts:
        raise ValueError("; ".join(parts))


def split_target(frame, target: str, task: str | None = None, impute: str | None = None,
                 features_required: bool = True):
    """``(features, y, task)``: the target column out of ``frame``, checked, with its task;
    missing values in the target, and in the features unless ``impute``, are refused in one
    error naming every column (:func:`refuse_missing`)."""
    if target not in frame.columns:
        close = [c for c in frame.columns if c.lower() == target.lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"target column {target!r} is not in the data{hint}; columns are "
                         f"{_names(list(frame.columns), 8)}")
    _refuse_nested(frame, [target])
    y = frame[target]
    refuse_missing(frame, target, impute)
    task = task or infer_task(y)
    if task == "regression":
        if not _is_numeric(y):
            raise ValueError(f"target column {target!r} holds text ({y.iloc[0]!r}), which "
                             "cannot be a regression target; use --task classification")
        y = y.astype(float)
    elif task == "classification":
        if y.nunique() < 2:
            raise ValueError(f"target column {target!r} has a single value "
                             f"({plain(y.iloc[0])!r}); "
                             "a classifier needs at least two classes")
        if _is_numeric(y) and y.nunique() > 50:
            raise ValueError(f"target column {target!r} has {y.nunique()} distinct numbers; "
                             "that looks like a regression target (use --task regression)")
    else:
        raise ValueError(f"task must be 'regression' or 'classification', got {task!r}")
    features = frame.drop(columns=[target])
    if features.shape[1] == 0 and features_required:
        raise ValueError(f"the data has no columns besides the target {target!r}")
    return features, y.to_numpy(), task


class TablePreprocessor:
    """One-hot encoding and optional imputation learned on a training table (see module doc).

    Parameters
    ----------
    impute : {None, "mean", "median", "most_frequent"}, default=None
        None refuses missing values, naming the columns.
    unknown : {"ignore", "error"}, default="ignore"
        What a category level unseen in training does at :meth:`transform`: all-zero 0/1
        columns with a warning, or an error.
    reference : bool, default=False
        Drop each text column's most frequent level (ties: the first in sorted order), stored
        as the column's ``"reference"`` (see the module doc).
    """

    def __init__(self, impute: str | None = None, unknown: str = "ignore",
                 reference: bool = False):
        if impute is not None and impute not in IMPUTE:
            raise ValueError(f"impute must be one of {IMPUTE}, got {impute!r}")
        if unknown not in ("ignore", "error"):
            raise ValueError(f"unknown must be 'ignore' or 'error', got {unknown!r}")
        self.impute = impute
        self.unknown = unknown
        self.reference = reference

    def fit(self, frame):
        """Learn the columns, levels and fill values of ``frame`` (features only)."""
        if frame.shape[1] == 0:
            raise ValueError("the data has no feature columns")
        _refuse_nested(frame, frame.columns)
        if self.impute is None:
            refuse_missing(frame)
        self.columns_ = []
        for c in frame.columns:
            s = frame[c]
            if s.isna().all():
                raise ValueError(f"column {c!r} has no values at all; drop it")
            if _is_numeric(s):
                values = s.astype(float)
                fill = None
                if s.isna().any():
                    fill = {"mean": values.mean(), "median": values.median(),
                            "most_frequent": values.mode().iloc[0]}[self.impute]
                self.columns_.append({"name": c, "kind": "numeric",
                                      "fill": None if fill is None else float(fill)})
            else:
                text = s.dropna().astype(str)
                levels = sorted(text.unique().tolist())
                if len(levels) > MAX_LEVELS:
                    raise ValueError(f"column {c!r} has {len(levels)} distinct text values (more "
                                     f"than {MAX_LEVELS}): an identifier or free text? drop it "
                                     "with --drop")
                fill = text.mode().iloc[0] if s.isna().any() else None
                col = {"name": c, "kind": "categorical", "levels": levels, "fill": fill}
                if self.reference:
                    counts = text.value_counts()
                    col["reference"] = min(levels, key=lambda lv: (-counts[lv], levels.index(lv)))
                self.columns_.append(col)
        clash = _collision(self.columns_)
        if clash:
            raise ValueError(f"{clash}; rename one of them")
        return self

    @property
    def feature_names_out_(self) -> list[str]:
        out = []
        for col in self.columns_:
            if col["kind"] == "numeric":
                out.append(col["name"])
            else:
                out.extend(f"{col['name']}={lv}" for lv in _kept(col))
        return out

    def transform(self, frame, sparse: bool = False):
        """The numeric design: a float64 DataFrame with :attr:`feature_names_out_` as columns,
        or with ``sparse=True`` a scipy CSR matrix of the same values (built column by column,
        never dense; its column names are :attr:`feature_names_out_`)."""
        import pandas as pd
        absent = [c["name"] for c in self.columns_ if c["name"] not in frame.columns]
        if absent:
            raise ValueError(f"the data lacks the column(s) {_names(absent)} that the model was "
                             "fitted on")
        _refuse_nested(frame, [c["name"] for c in self.columns_])
        unfilled = [c["name"] for c in self.columns_ if c["fill"] is None]
        counts = _missing_counts(frame[unfilled])
        if counts:
            raise ValueError(f"missing values in {counts}, and the model was fitted without "
                             "--impute; drop those rows")
        parts, unseen = [], []                  # per source column: values or level codes
        for col in self.columns_:
            s = frame[col["name"]]
            if col["fill"] is not None:
                s = s.fillna(col["fill"])
            if col["kind"] == "numeric":
                if not _is_numeric(s):
                    converted = pd.to_numeric(s, errors="coerce")
                    bad = s[converted.isna()]
                    if len(bad):
                        raise ValueError(f"column {col['name']!r} was numeric in training but "
                                         f"holds {bad.iloc[0]!r} (row {bad.index[0]})")
                    s = converted
                parts.append((None, s.to_numpy(dtype=float)))
            else:
                text = s.astype(str)
                new = sorted(set(text.unique()) - set(col["levels"]))
                if new:
                    unseen.append((col["name"], new))
                kept = _kept(col)                    # code -1: unseen, or the reference level
                parts.append((kept, pd.Index(kept).get_indexer(text.to_numpy())))
        if unseen:
            what = "; ".join(f"{c!r}: {_names(v, 3)}" for c, v in unseen)
            if self.unknown == "error":
                raise ValueError(f"category levels not seen in training: {what}")
            ref = (", the encoding of the reference level" if any(
                "reference" in c for c in self.columns_) else "")
            warnings.warn(f"category levels not seen in training get zeros in every 0/1 column "
                          f"of their column{ref}: {what}",
                          UserWarning, stacklevel=2)
        if sparse:
            return _csr(parts, len(frame))
        cols = {}
        for kept, values in parts:
            if kept is None:
                cols[len(cols)] = values
            else:
                for k in range(len(kept)):
                    cols[len(cols)] = (values == k).astype(float)
        out = pd.DataFrame(cols, index=frame.index)
        out.columns = self.feature_names_out_
        return out

    def fit_transform(self, frame, sparse: bool = False):
        return self.fit(frame).transform(frame, sparse=sparse)

    def to_dict(self) -> dict:
        return {"impute": self.impute, "columns": self.columns_}

    @classmethod
    def from_dict(cls, spec: dict, unknown: str = "ignore") -> "TablePreprocessor":
        """The preprocessor that :meth:`to_dict` described (as stored in a model file, with the
        CLI's ``target``, ``task`` and ``dropped``); a ValueError names what is malformed."""
        problem = spec_problem(spec)
        if problem:
            raise ValueError(f"the model file's preprocessing is malformed: {problem}")
        pre = cls(spec.get("impute"), unknown,
                  reference=any("reference" in c for c in spec["columns"]))
        pre.columns_ = [dict(c, fill=c.get("fill")) for c in spec["columns"]]
        return pre


def _kept(col) -> list:
    """A categorical column's levels that get a 0/1 column (all but the reference)."""
    ref = col.get("reference")
    return [lv for lv in col["levels"] if lv != ref]


def _csr(parts, n: int):
    """The CSR matrix of :meth:`TablePreprocessor.transform`'s ``parts`` (numeric values, or
    level codes with -1 for no column), assembled column by column as CSC."""
    import scipy.sparse as sp
    rows, data, indptr = [], [], [0]
    for kept, values in parts:
        if kept is None:
            nz = np.flatnonzero(values)
            rows.append(nz)
            data.append(values[nz])
            indptr.append(indptr[-1] + nz.size)
            continue
        order = np.argsort(values, kind="stable")        # rows grouped by level, ascending
        counts = np.bincount(values[values >= 0], minlength=len(kept))
        start = int(np.searchsorted(values[order], 0))
        rows.append(order[start:])
        data.append(np.ones(order.size - start))
        indptr.extend((indptr[-1] + np.cumsum(counts)).tolist())
    p = len(indptr) - 1
    X = sp.csc_matrix((np.concatenate(data) if data else np.zeros(0),
                       np.concatenate(rows) if rows else np.zeros(0, int), np.asarray(indptr)),
                      shape=(n, p))
    return X.tocsr()


_SPEC_KEYS = ("impute", "columns", "target", "task", "dropped", "id", "weights", "groups",
              "sparse", "scale")


def plain(v):
    """A NumPy scalar as the Python value it holds (so messages and column names read ``2`` or
    ``22.1``, not ``np.int64(2)``); a float with an integer value as an int (``proba_0``, not
    ``proba_0.0``); anything else unchanged."""
    if isinstance(v, np.generic):
        v = v.item()
    if isinstance(v, float) and v.is_integer():
        return int(v)
    return v


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def spec_problem(spec) -> str | None:
    """What is wrong with a stored preprocessing ``spec`` (see :meth:`TablePreprocessor.to_dict`),
    or None: its keys, ``impute``, ``task``, ``target``, ``dropped``, and each column's name,
    kind, levels and fill, and that no two encoded columns share a name."""
    if not isinstance(spec, dict):
        return "it is not an object"
    if set(spec) - set(_SPEC_KEYS):
        return f"unknown keys {sorted(set(spec) - set(_SPEC_KEYS))[:3]}"
    if spec.get("impute") is not None and spec.get("impute") not in IMPUTE:
        return f"impute is {spec.get('impute')!r}"
    if spec.get("task", "regression") not in ("regression", "classification"):
        return f"task is {spec['task']!r}"
    if not isinstance(spec.get("sparse", False), bool):
        return "sparse is not true or false"
    for key in ("target", "id", "weights", "groups"):
        if not isinstance(spec.get(key) or "", str):
            return f"{key} is not a column name"
    dropped = spec.get("dropped", [])
    if not (isinstance(dropped, list) and all(isinstance(d, str) for d in dropped)):
        return "dropped is not a list of column names"
    columns = spec.get("columns")
    if not (isinstance(columns, list) and columns):
        return "columns is not a non-empty list"
    for i, col in enumerate(columns):
        if not (isinstance(col, dict) and isinstance(col.get("name"), str)):
            return f"column {i} has no name"
        kind, fill, where = col.get("kind"), col.get("fill"), f"column {col['name']!r}"
        if kind == "numeric":
            if set(col) - {"name", "kind", "fill"} or not (fill is None or _is_number(fill)):
                return f"{where} is numeric but has levels or a fill that is not a number"
        elif kind == "categorical":
            levels = col.get("levels")
            if "reference" in col and col["reference"] not in (levels or []):
                return f"{where} has a reference level that is not one of its levels"
            if set(col) - {"name", "kind", "fill", "levels", "reference"} or not (
                    isinstance(levels, list) and 1 <= len(levels) <= MAX_LEVELS
                    and all(isinstance(lv, str) for lv in levels)
                    and len(set(levels)) == len(levels)):
                return f"{where} is categorical but its levels are not 1 to {MAX_LEVELS} " \
                       "distinct strings"
            if fill is not None and fill not in levels:
                return f"{where} fills with {fill!r}, which is not one of its levels"
        else:
            return f"{where} has the kind {kind!r}"
    if len({c["name"] for c in columns}) != len(columns):
        return "two columns have the same name"
    return _collision(columns) or _scale_problem(spec)


def _scale_problem(spec) -> str | None:
    """A network's stored standardization: ``{"mean": [...], "scale": [...]}``, one finite
    number per encoded column, the scales positive."""
    scale = spec.get("scale")
    if scale is None:
        return None
    width = len(TablePreprocessor.from_dict({"columns": spec["columns"]}).feature_names_out_) \
        if isinstance(scale, dict) else 0
    if not (isinstance(scale, dict) and set(scale) == {"mean", "scale"}
            and all(isinstance(scale[k], list) and len(scale[k]) == width
                    and all(_is_number(v) and np.isfinite(v) for v in scale[k])
                    for k in ("mean", "scale"))
            and all(v > 0 for v in scale["scale"])):
        return "scale is not a mean and a positive scale per encoded column"
    return None


def _collision(columns) -> str | None:
    """Two encoded columns with one name (a column ``"city=Paris"`` and the level ``"Paris"``
    of a text column ``"city"``), described, or None."""
    made = {}
    for col in columns:
        if col["kind"] == "numeric":
            outs = [(col["name"], f"the column {col['name']!r}")]
        else:
            outs = [(f"{col['name']}={lv}", f"the 0/1 column of level {lv!r} of the text column "
                     f"{col['name']!r}") for lv in _kept(col)]
        for name, what in outs:
            if name in made:
                return f"{made[name]} and {what} would both be named {name!r}"
            made[name] = what
    return None
