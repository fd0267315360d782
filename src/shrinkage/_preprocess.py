"""From a user's table (CSV or Parquet) to the numeric ``X`` the estimators take, and back again
at prediction time with exactly the same steps.

:class:`TablePreprocessor` learns, on the training table:

* which columns are numeric (numbers and booleans, kept as they are) and which categorical
  (text, pandas ``category``): each categorical column becomes one 0/1 column per level seen in
  training, named ``"column=level"`` (all levels, none dropped: with a penalty there is no
  collinearity problem, and every level's coefficient is shrunk towards the average);
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

import os
import warnings

import numpy as np

__all__ = ["read_table", "TablePreprocessor", "infer_task", "IMPUTE"]

IMPUTE = ("mean", "median", "most_frequent")
MAX_LEVELS = 200
_CLASS_LEVELS = 10          # an integer target with at most this many values is a class label


def read_table(path):
    """Read a CSV (``.csv``, ``.tsv``, ``.txt``, also gzipped) or Parquet file into a DataFrame.

    Raises
    ------
    ValueError
        If the file is missing, empty, has no rows, or cannot be parsed.
    """
    import pandas as pd
    path = os.fspath(path)
    if not os.path.isfile(path):
        raise ValueError(f"data file {path!r} does not exist")
    if os.path.getsize(path) == 0:
        raise ValueError(f"data file {path!r} is empty")
    with open(path, "rb") as fh:
        magic = fh.read(4)
    lower = path.lower()
    try:
        if magic == b"PAR1" or lower.endswith((".parquet", ".pq")):
            frame = pd.read_parquet(path)
        else:
            sep = "\t" if lower.endswith((".tsv", ".tsv.gz")) else ","
            frame = pd.read_csv(path, sep=sep)
    except pd.errors.EmptyDataError:
        raise ValueError(f"data file {path!r} has no columns") from None
    except ImportError as exc:
        raise ValueError(f"cannot read {path!r}: {exc}") from None
    except (pd.errors.ParserError, UnicodeDecodeError, OSError, ValueError) as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise ValueError(f"cannot read {path!r} as CSV or Parquet: {first}") from None
    if frame.shape[0] == 0:
        raise ValueError(f"data file {path!r} has a header but no rows")
    frame.columns = [str(c) for c in frame.columns]
    dup = frame.columns[frame.columns.duplicated()].tolist()
    if dup:
        raise ValueError(f"data file {path!r} has duplicate column names {dup}")
    return frame


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


def split_target(frame, target: str, task: str | None = None):
    """``(features, y, task)``: the target column out of ``frame``, checked, with its task."""
    if target not in frame.columns:
        close = [c for c in frame.columns if c.lower() == target.lower()]
        hint = f" (did you mean {close[0]!r}?)" if close else ""
        raise ValueError(f"target column {target!r} is not in the data{hint}; columns are "
                         f"{_names(list(frame.columns), 8)}")
    y = frame[target]
    n_missing = int(y.isna().sum())
    if n_missing:
        raise ValueError(f"target column {target!r} has missing values in {n_missing} row(s); "
                         "drop those rows (a target cannot be imputed)")
    task = task or infer_task(y)
    if task == "regression":
        if not _is_numeric(y):
            raise ValueError(f"target column {target!r} holds text ({y.iloc[0]!r}), which "
                             "cannot be a regression target; use --task classification")
        y = y.astype(float)
    elif task == "classification":
        if y.nunique() < 2:
            raise ValueError(f"target column {target!r} has a single value ({y.iloc[0]!r}); "
                             "a classifier needs at least two classes")
        if _is_numeric(y) and y.nunique() > 50:
            raise ValueError(f"target column {target!r} has {y.nunique()} distinct numbers; "
                             "that looks like a regression target (use --task regression)")
    else:
        raise ValueError(f"task must be 'regression' or 'classification', got {task!r}")
    features = frame.drop(columns=[target])
    if features.shape[1] == 0:
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
    """

    def __init__(self, impute: str | None = None, unknown: str = "ignore"):
        if impute is not None and impute not in IMPUTE:
            raise ValueError(f"impute must be one of {IMPUTE}, got {impute!r}")
        if unknown not in ("ignore", "error"):
            raise ValueError(f"unknown must be 'ignore' or 'error', got {unknown!r}")
        self.impute = impute
        self.unknown = unknown

    def fit(self, frame):
        """Learn the columns, levels and fill values of ``frame`` (features only)."""
        if frame.shape[1] == 0:
            raise ValueError("the data has no feature columns")
        missing = [c for c in frame.columns if frame[c].isna().any()]
        if missing and self.impute is None:
            counts = ", ".join(f"{c!r} ({_rows(int(frame[c].isna().sum()))})" for c in missing[:8])
            raise ValueError(f"missing values in column(s) {counts}; drop those rows or pass "
                             "--impute mean|median|most_frequent")
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
                self.columns_.append({"name": c, "kind": "categorical", "levels": levels,
                                      "fill": fill})
        return self

    @property
    def feature_names_out_(self) -> list[str]:
        out = []
        for col in self.columns_:
            if col["kind"] == "numeric":
                out.append(col["name"])
            else:
                out.extend(f"{col['name']}={lv}" for lv in col["levels"])
        return out

    def transform(self, frame):
        """The numeric design, a float64 DataFrame with :attr:`feature_names_out_` as columns."""
        import pandas as pd
        absent = [c["name"] for c in self.columns_ if c["name"] not in frame.columns]
        if absent:
            raise ValueError(f"the data lacks the column(s) {_names(absent)} that the model was "
                             "fitted on")
        parts, unseen = {}, []
        for col in self.columns_:
            s = frame[col["name"]]
            if s.isna().any():
                if col["fill"] is None:
                    raise ValueError(f"missing values in column {col['name']!r} "
                                     f"({_rows(int(s.isna().sum()))}) and the model was fitted "
                                     "without --impute; drop those rows")
                s = s.fillna(col["fill"])
            if col["kind"] == "numeric":
                if not _is_numeric(s):
                    converted = pd.to_numeric(s, errors="coerce")
                    bad = s[converted.isna()]
                    if len(bad):
                        raise ValueError(f"column {col['name']!r} was numeric in training but "
                                         f"holds {bad.iloc[0]!r} (row {bad.index[0]})")
                    s = converted
                parts[col["name"]] = s.to_numpy(dtype=float)
            else:
                text = s.astype(str)
                new = sorted(set(text.unique()) - set(col["levels"]))
                if new:
                    unseen.append((col["name"], new))
                for lv in col["levels"]:
                    parts[f"{col['name']}={lv}"] = (text == lv).to_numpy(dtype=float)
        if unseen:
            what = "; ".join(f"{c!r}: {_names(v, 3)}" for c, v in unseen)
            if self.unknown == "error":
                raise ValueError(f"category levels not seen in training: {what}")
            warnings.warn(f"category levels not seen in training get zeros in every 0/1 column "
                          f"of their column: {what}", UserWarning, stacklevel=2)
        return pd.DataFrame(parts, index=frame.index, columns=self.feature_names_out_)

    def fit_transform(self, frame):
        return self.fit(frame).transform(frame)

    def to_dict(self) -> dict:
        return {"impute": self.impute, "columns": self.columns_}

    @classmethod
    def from_dict(cls, spec: dict, unknown: str = "ignore") -> "TablePreprocessor":
        try:
            pre = cls(spec.get("impute"), unknown)
            pre.columns_ = [dict(c) for c in spec["columns"]]
            for c in pre.columns_:
                if c["kind"] not in ("numeric", "categorical") or not isinstance(c["name"], str):
                    raise ValueError(c)
        except (KeyError, TypeError, AttributeError, ValueError):
            raise ValueError("the model file's preprocessing is malformed") from None
        return pre
