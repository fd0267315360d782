"""From a user's file to the design a command fits: the table read and encoded (a CSR matrix
where that is smaller), a scipy sparse matrix (.npz) with its rows file, the per-row columns
(``--weights``, ``--groups``, ``--id``), and a network's standardization."""

from __future__ import annotations

import os
import zipfile
from typing import NamedTuple

import numpy as np

from . import _models


# -- data -------------------------------------------------------------------------------------
class Training(NamedTuple):
    """What a command fits on: the design, the target, the task, the preprocessing stored in
    the model file, and the per-row columns (``--weights``, ``--groups``)."""
    X: object
    y: np.ndarray
    task: str
    spec: dict
    sample_weight: np.ndarray | None = None
    groups: np.ndarray | None = None


def load_training(args, sparse_ok=None) -> Training:
    """The :class:`Training` of ``args.data`` by ``--target``, ``--task``, ``--drop``,
    ``--impute``, ``--id``, ``--weights`` and ``--groups`` (those three are not features).

    Text columns are one-hot encoded, with a reference level dropped for the L1 models
    (:data:`~shrinkage.cli._models.REFERENCE_MODELS`). ``sparse_ok(task)`` says whether the
    model reads scipy sparse input; then X is a CSR matrix when that is smaller
    (:func:`smaller_as_csr`), else a DataFrame."""
    from .._preprocess import TablePreprocessor, split_target
    if is_matrix(args.data) and hasattr(args, "target_file"):     # fit (others: a table)
        return _load_matrix(args, sparse_ok)
    if getattr(args, "target_file", None):
        raise ValueError("--target-file goes with a matrix (.npz) as DATA; a table holds its "
                         "target: name it with --target COL")
    if not args.target:
        raise ValueError("say which column to predict with --target COL")
    frame = read_data(args.data, args)
    drop = list(getattr(args, "drop", None) or [])
    absent = [c for c in drop if c not in frame.columns]
    if absent:
        raise ValueError(f"--drop names column(s) {absent} that are not in the data")
    if args.target in drop:
        raise ValueError(f"--drop names the target {args.target!r}")
    roles = _row_columns(args, frame, drop)
    weights = _weights(frame, roles.get("weights"))
    groups = _groups(frame, roles.get("groups"))
    features, y, task = split_target(frame.drop(columns=drop + list(roles.values())),
                                     args.target, args.task,
                                     impute=getattr(args, "impute", None))
    model = getattr(args, "model", None) or _models.default_model(task)
    pre = TablePreprocessor(impute=getattr(args, "impute", None),
                            reference=model in _models.REFERENCE_MODELS).fit(features)
    spec = {"target": args.target, "task": task, "dropped": drop, **roles, **pre.to_dict()}
    if sparse_ok is not None and sparse_ok(task):
        X = pre.transform(features, sparse=True)
        if smaller_as_csr(X):
            spec["sparse"] = True
        else:
            import pandas as pd
            X = pd.DataFrame(X.toarray(), index=features.index, columns=pre.feature_names_out_)
    else:
        X = pre.transform(features)
    return Training(X, y, task, spec, weights, groups)


#: the most bytes a matrix (.npz) may take once made dense for a model that reads dense input
DENSE_LIMIT = 1 << 30


def is_matrix(path) -> bool:
    """A ``.npz`` file: a scipy sparse matrix (``scipy.sparse.save_npz``)."""
    return os.fspath(path).lower().endswith(".npz")


def read_matrix(path):
    """The CSR float64 matrix in ``path`` (``scipy.sparse.save_npz``; read without pickle), its
    values checked finite."""
    import scipy.sparse as sp
    if not os.path.isfile(path):
        raise ValueError(f"data file {path!r} does not exist")
    try:
        X = sp.load_npz(path)
    except (ValueError, OSError, KeyError, zipfile.BadZipFile) as exc:
        raise ValueError(f"{path!r} is not a scipy sparse matrix written by "
                         f"scipy.sparse.save_npz ({' '.join(str(exc).split())[:120]}); a dense "
                         "array: save it as CSV with a header") from None
    X = sp.csr_matrix(X, dtype=np.float64)
    bad = np.flatnonzero(~np.isfinite(X.data))
    if bad.size:
        row = int(np.searchsorted(X.indptr, bad[0], side="right") - 1)
        raise ValueError(f"matrix {path!r} holds {bad.size} NaN or infinite value(s) (first in "
                         f"row {row}, column {int(X.indices[bad[0]])}); replace them before "
                         "fitting")
    return X


def _load_matrix(args, sparse_ok) -> Training:
    """:func:`load_training` for a ``.npz`` matrix: the target, and ``--weights``, ``--groups``,
    ``--id``, are columns of ``--target-file`` (one row per matrix row)."""
    from .._preprocess import split_target
    target_file = getattr(args, "target_file", None)
    if not target_file:
        raise ValueError(f"{args.data!r} is a matrix, which holds no target: give --target-file "
                         "FILE, a CSV or Parquet file with the target column (one row per "
                         "matrix row)")
    if getattr(args, "drop", None):
        raise ValueError("--drop leaves out table columns; a matrix (.npz) has none (select "
                         "its columns in Python before save_npz)")
    X = read_matrix(args.data)
    table = read_data(target_file, args)
    if not args.target:
        if table.shape[1] != 1:
            raise ValueError(f"--target-file {target_file!r} has {table.shape[1]} columns; say "
                             "which is the target with --target COL")
        args.target = table.columns[0]
    if len(table) != X.shape[0]:
        raise ValueError(f"--target-file {target_file!r} has {len(table)} rows but the matrix "
                         f"{args.data!r} has {X.shape[0]}; give one row per matrix row")
    roles = _row_columns(args, table, [])
    weights = _weights(table, roles.get("weights"))
    groups = _groups(table, roles.get("groups"))
    _, y, task = split_target(table[[args.target]], args.target, args.task,
                              features_required=False)
    spec = {"target": args.target, "task": task, "matrix": True, "n_features": X.shape[1],
            **roles}
    if not (sparse_ok is not None and sparse_ok(task)):
        size = 8 * X.shape[0] * X.shape[1]
        if size > DENSE_LIMIT:
            from .._modelschema import human_size
            raise ValueError(f"this model reads dense input, and the matrix would take "
                             f"{human_size(size)} dense; use a model that reads it sparse "
                             "(ridge with --cv K or --lam, logistic, or lasso / elasticnet on "
                             "a numeric target)")
        X = X.toarray()
    return Training(X, y, task, spec, weights, groups)


def network_design(X, spec, standardize: bool):
    """A network's design: a float64 array (a network is fitted without feature names, so
    that predict, given arrays, raises no scikit-learn "feature names" warning), with each
    column standardized to mean 0 and standard deviation 1 when ``standardize`` (constant
    columns are only centred). The means and scales go into ``spec["scale"]``, stored in the
    model file, so that predict applies them (:func:`apply_scale`)."""
    import scipy.sparse as sp
    X = X.toarray() if sp.issparse(X) else np.asarray(X, dtype=np.float64)
    if not standardize:
        return X
    mean = X.mean(axis=0)
    scale = X.std(axis=0)
    scale[~(scale > 1e-12 * np.maximum(np.abs(mean), 1.0))] = 1.0
    spec["scale"] = {"mean": mean.tolist(), "scale": scale.tolist()}
    return apply_scale(X, spec)


def apply_scale(X, spec):
    """``(X − mean) / scale`` by the ``spec["scale"]`` that :func:`network_design` stored."""
    scale = spec["scale"]
    return (np.asarray(X, dtype=np.float64) - np.asarray(scale["mean"])) / np.asarray(
        scale["scale"])


def smaller_as_csr(X) -> bool:
    """The rule for a sparse design: its CSR form (8 bytes per stored value + 4 for its column
    index, + 4 per row) takes at most half the bytes of the dense float64 array (8 per cell),
    i.e. at most about a third of the cells are non-zero. Sparse products cost more per value
    than dense ones, so a CSR that saves less than half is not worth it."""
    n, p = X.shape
    return 12 * X.nnz + 4 * (n + 1) <= 4 * n * p


def feature_names(X, spec) -> list:
    """The design's column names: a DataFrame's own, else the preprocessing's (a CSR design),
    else ``x0, x1, …`` (a matrix given as .npz)."""
    if hasattr(X, "columns"):
        return [str(c) for c in X.columns]
    if spec and spec.get("columns"):
        from .._preprocess import TablePreprocessor
        return TablePreprocessor.from_dict(spec).feature_names_out_
    return [f"x{j}" for j in range(X.shape[1])]


def _row_columns(args, frame, drop) -> dict:
    """``{"id": COL, "weights": COL, "groups": COL}`` for the options given, checked: each
    names a column of the data, not the target, not a dropped one, and no two the same."""
    roles = {}
    for role in ("id", "weights", "groups"):
        col = getattr(args, role, None)
        if col is None:
            continue
        if col not in frame.columns:
            raise ValueError(f"--{role} names the column {col!r}, which is not in the data")
        if col == args.target:
            raise ValueError(f"--{role} names the target {args.target!r}")
        if col in drop:
            raise ValueError(f"--{role} names {col!r}, which --drop leaves out; give one of them")
        other = next((r for r, c in roles.items() if c == col), None)
        if other:
            raise ValueError(f"--{role} and --{other} both name {col!r}")
        roles[role] = col
    return roles


def _weights(frame, col):
    """The ``--weights`` column as finite numbers >= 0 with a positive sum, or None."""
    if col is None:
        return None
    from .._preprocess import _is_numeric
    s = frame[col]
    if not _is_numeric(s):
        raise ValueError(f"--weights column {col!r} holds text ({s.dropna().iloc[0]!r}); sample "
                         "weights are numbers >= 0")
    w = s.to_numpy(dtype=float)
    bad = np.flatnonzero(~np.isfinite(w) | (w < 0))
    if bad.size:
        raise ValueError(f"--weights column {col!r} has {bad.size} value(s) that are missing, "
                         f"negative or infinite (first in row {bad[0]}: {w[bad[0]]:g}); sample "
                         "weights are finite numbers >= 0")
    if not w.sum() > 0:
        raise ValueError(f"--weights column {col!r} is zero in every row")
    return w


def n_groups(groups) -> int:
    """How many distinct ``--groups`` there are (0 without the option)."""
    return 0 if groups is None else int(np.unique(groups).size)


def _groups(frame, col):
    """The ``--groups`` column, without missing values, or None."""
    if col is None:
        return None
    s = frame[col]
    if s.isna().any():
        raise ValueError(f"--groups column {col!r} is missing in {int(s.isna().sum())} row(s); "
                         "every row needs a group")
    if s.nunique() < 2:
        raise ValueError(f"--groups column {col!r} has a single group; cross-validation by "
                         "groups needs at least two (as many as the folds)")
    return s.astype(str).to_numpy()


def read_data(path, args):
    """The table at ``path``, read with ``--sep`` and ``--decimal``."""
    from .._formats import read_table
    return read_table(path, sep=getattr(args, "sep", None),
                      decimal=getattr(args, "decimal", "."))
