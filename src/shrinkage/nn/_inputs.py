"""The networks' inputs: the cast to the training dtype, the validation set, row weights.

scikit-learn's checks (:mod:`shrinkage._validation`) see ``X`` and ``y`` in float64; a network
trains in its ``dtype`` (float32 by default), where a value beyond ±3.4e38 becomes ``inf`` and
would surface epochs later as "training diverged". Such values are refused here, naming the
cell, the dtype and the fix.
"""

from __future__ import annotations

import re

import numpy as np
from sklearn.utils.class_weight import compute_class_weight

from .._validation import check_X

__all__ = ["to_dtype", "check_val_X", "class_weights", "drop_weightless"]


def to_dtype(original: np.ndarray, dtype, name: str, columns=None, *,
             finite: bool = False) -> np.ndarray:
    """``original`` as a C-contiguous array of the training ``dtype``, every value finite.

    ``finite=True`` says ``original`` was checked already: only a narrowing cast is checked.

    Raises
    ------
    ValueError
        Naming the first bad cell (column, row), its value and the dtype: a value beyond the
        dtype's range, or NaN / inf already there.
    """
    with np.errstate(over="ignore"):        # the overflow is reported below, with its cell
        A = np.ascontiguousarray(original, dtype=dtype)
    narrowing = A.dtype.itemsize < np.asarray(original).dtype.itemsize
    if finite and not narrowing:
        return A
    # a sum is finite iff every entry is (float32 entries cannot overflow a float64 sum)
    with np.errstate(over="ignore", invalid="ignore"):
        if np.isfinite(np.sum(A, dtype=np.float64)):
            if narrowing and A.size:
                _check_underflow(original, A, name, columns)
            return A
    cell = tuple(int(v) for v in np.argwhere(~np.isfinite(A))[0])
    value = float(original[cell])
    where = f"(row {cell[0]})"
    if len(cell) == 2 and A.shape[1] > 1:
        col = columns[cell[1]] if columns is not None else cell[1]
        where = f"in column {col!r} (row {cell[0]})" if columns is not None else \
            f"in column {col} (row {cell[0]})"
    if np.isfinite(value):
        raise ValueError(
            f"{name} holds {value:.4g} {where}, beyond the range of {A.dtype} (largest "
            f"{float(np.finfo(A.dtype).max):.3g}), the network's training dtype, where it becomes "
            f"inf; rescale it (e.g. standardize the features) or pass dtype='float64'")
    kind = "NaN" if np.isnan(value) else "inf"
    raise ValueError(f"{name} contains {kind} {where}; drop or impute missing and infinite "
                     "values before fitting")


def _check_underflow(original, A, name, columns):
    """Refuse a column whose values are all below the dtype's smallest normal number in
    magnitude (but not all zero): the cast would flush it to zeros and subnormals, and the
    network would train on a column that carries nothing."""
    tiny = float(np.finfo(A.dtype).tiny)
    O = np.asarray(original).reshape(len(original), -1)
    top = np.max(np.abs(O), axis=0)
    lost = np.flatnonzero((top > 0) & (top < tiny))
    if lost.size:
        j = int(lost[0])
        col = "" if O.shape[1] == 1 else (
            f" column {columns[j]!r}" if columns is not None else f" column {j}")
        raise ValueError(
            f"{name}{col} holds values no larger than {top[j]:.3g}, below the smallest normal "
            f"{A.dtype} ({tiny:.3g}), the network's training dtype, where they become 0; rescale "
            "it (e.g. standardize the features) or pass dtype='float64'")


def check_val_X(estimator, X_val, dtype):
    """``X_val`` checked as ``X`` is (its errors name ``X_val``) and cast to ``dtype``."""
    try:
        Xv = check_X(estimator, X_val, reset=False)
    except ValueError as exc:
        raise ValueError(re.sub(r"^X\b", "X_val", str(exc))) from None
    return to_dtype(Xv, dtype, "X_val", getattr(estimator, "feature_names_in_", None),
                    finite=True)



def class_weights(class_weight, classes, t) -> np.ndarray:
    """Each row's weight from ``class_weight`` (``"balanced"``: ``n / (K · n_k)``, or a dict
    label → weight, 1 for labels it leaves out), for rows of encoded labels ``t`` (indices
    into ``classes``)."""
    idx = np.asarray(t).astype(np.intp)
    if isinstance(class_weight, str) and class_weight != "balanced":
        raise ValueError(f"class_weight must be None, 'balanced' or a dict label -> weight, "
                         f"got {class_weight!r}")
    per_class = compute_class_weight(class_weight, classes=classes,
                                     y=classes[idx] if class_weight == "balanced" else classes)
    return per_class[idx]


def drop_weightless(X, t, sw, stratify):
    """The rows of positive weight: a weight of zero contributes nothing to the loss, and
    dropping the row makes such a fit equal the fit on the other rows, batch for batch."""
    keep = sw > 0
    if keep.all():
        return X, t, sw, stratify
    sw = sw[keep]
    return (X[keep], t[keep], None if np.all(sw == sw[0]) else sw,
            None if stratify is None else stratify[keep])
