"""Input checks shared by every estimator: errors name the problem and the fix."""

from __future__ import annotations

from numbers import Integral, Real

import numpy as np
import scipy.sparse as sp
from sklearn.utils.multiclass import type_of_target
from sklearn.utils.validation import _check_sample_weight, validate_data

from ._warnings import warn_user

_FLOATS = [np.float64, np.float32]


def check_lam(lam, name: str = "lam") -> float:
    """A single strength: a finite number ≥ 0."""
    if isinstance(lam, (bool, np.bool_)) or not isinstance(lam, (Real, np.number)):
        raise ValueError(f"{name} must be a non-negative number, got {lam!r}")
    lam = float(lam)
    if not np.isfinite(lam) or lam < 0:
        raise ValueError(f"{name} must be a finite number >= 0, got {lam!r}; use {name}=0 for no penalty")
    return lam


def check_lam_values(lams, *, allow_zero: bool = True, name: str = "lams") -> np.ndarray:
    """λ values: a non-empty 1-D float array (in the order given) of finite values ≥ 0
    (> 0 without ``allow_zero``)."""
    try:
        arr = np.asarray(lams, dtype=float).ravel()
    except (TypeError, ValueError):
        raise ValueError(f"{name} must be numbers >= 0 (or an int, the size of the automatic "
                         f"grid), got {lams!r}") from None
    if arr.size == 0:
        raise ValueError(f"{name} is empty; pass a grid size (int) or at least one value")
    if not np.all(np.isfinite(arr)) or np.any(arr < 0) or (not allow_zero and np.any(arr == 0)):
        bound = ">= 0" if allow_zero else "> 0"
        raise ValueError(f"{name} must hold finite values {bound}, got {lams!r}")
    return arr


def check_lams(lams, name: str = "lams") -> np.ndarray | int:
    """A λ grid: an int (grid size, ≥ 1) or a 1-D array of finite values ≥ 0 (largest first)."""
    if isinstance(lams, (Integral, np.integer)) and not isinstance(lams, (bool, np.bool_)):
        if lams < 1:
            raise ValueError(f"{name} as an int is the grid size and must be >= 1, got {lams}")
        return int(lams)
    return np.sort(check_lam_values(lams, name=name))[::-1].copy()  # paths walk λ falling


def _column_name(X, j):
    cols = getattr(X, "columns", None)
    return repr(str(cols[j])) if cols is not None else str(j)


def check_numeric_columns(X):
    """Reject text columns before sklearn's generic "could not convert" error hides which one."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "items"):
        bad = [f"{c!r} ({d})" for c, d in dtypes.items() if not _is_numeric_pandas(d)]
        if bad:
            raise ValueError(
                f"X has non-numeric column(s) {', '.join(bad)}; encode them (e.g. one-hot with "
                "pandas.get_dummies) or drop them before fitting"
            )
    elif isinstance(X, np.ndarray) and X.dtype.kind in "OUS" and X.ndim == 2:
        for j in range(X.shape[1]):
            try:
                X[:, j].astype(np.float64)
            except ValueError:   # text; a TypeError (dicts, objects) stays as it is
                raise ValueError(
                    f"X column {j} holds non-numeric values (e.g. {X[0, j]!r}); encode or drop it "
                    "before fitting"
                ) from None


def _is_numeric_pandas(d):
    try:
        from pandas.api.types import is_bool_dtype, is_numeric_dtype
    except ImportError:  # pragma: no cover - pandas objects imply pandas
        return True
    return is_numeric_dtype(d) or is_bool_dtype(d)


#: the sparse formats the solvers read; others (COO, LIL, DOK, BSR, DIA) are converted to CSR
SPARSE_FORMATS = ("csr", "csc")


def _sparse_bad_cell(X):
    """``(row, column)`` of the first stored NaN/inf of a CSR/CSC matrix, or None."""
    bad = np.flatnonzero(~np.isfinite(X.data))
    if bad.size == 0:
        return None
    k = int(bad[0])
    outer = int(np.searchsorted(X.indptr, k, side="right")) - 1
    inner = int(X.indices[k])
    return (outer, inner) if X.format == "csr" else (inner, outer)


def check_sparse_structure(X, name: str = "X"):
    """Refuse a CSR/CSC/BSR matrix whose index arrays are corrupt (an index out of range, also
    an int64 index beyond the shape, or ``indptr`` decreasing): the compiled sparse kernels
    would read outside the arrays. O(nnz); other formats are checked when scipy converts them."""
    if not sp.issparse(X) or X.format not in ("csr", "csc", "bsr"):
        return
    try:
        X.check_format(full_check=True)
    except ValueError as e:
        raise ValueError(
            f"{name} is a corrupt {X.format.upper()} matrix of shape {X.shape}: {e}; rebuild it "
            "with valid indices (e.g. scipy.sparse.csr_matrix((data, indices, indptr), "
            "shape=...)) before fitting") from None


def check_finite(X, name: str = "X", original=None):
    """Raise naming the first column and row that hold NaN or ±inf."""
    if sp.issparse(X):
        cell = _sparse_bad_cell(X)
        if cell is None:
            return
        i, j = cell
        kind = "NaN" if np.isnan(X[i, j]) else "inf"
        raise ValueError(
            f"{name} contains {kind} in column {_column_name(original, j)} (row {i}) of its "
            "stored values (.data); drop or impute missing and infinite values before fitting")
    if X.dtype.kind in "fc":
        # a sum is finite iff no entry is NaN/inf, barring overflow: a cheap pass with no
        # n × p boolean temporary; the full scan below only runs to name the bad cell
        with np.errstate(over="ignore", invalid="ignore"):
            if np.isfinite(np.sum(X, dtype=np.float64)):
                return
    if np.isfinite(X).all():
        return
    bad = ~np.isfinite(X)
    if X.ndim == 1:
        i, j = int(np.flatnonzero(bad)[0]), None
    else:
        i, j = (int(v) for v in np.argwhere(bad)[0])
    kind = "NaN" if np.isnan(X[(i, j) if j is not None else i]) else "inf"
    where = f" in column {_column_name(original, j)}" if j is not None else ""
    raise ValueError(
        f"{name} contains {kind}{where} (row {i}); drop or impute missing and infinite values "
        "before fitting"
    )


def magnitude_limits(n: int, dtype=np.float64) -> tuple[float, float]:
    """``(smallest, largest)`` magnitudes a column may reach at fit time: sums of ``n`` squares
    of values up to ``largest`` stay below the floating-point maximum (with a margin of 100), and
    the square of ``smallest`` is a normal number (not lost to underflow)."""
    info = np.finfo(dtype)
    return float(np.sqrt(info.tiny)) * 10.0, float(np.sqrt(info.max / max(n, 1))) / 10.0


def _sparse_column_range(X):
    """Per-column maximum and minimum of a sparse matrix, its implicit zeros included. A
    canonical CSR matrix is read in place (``X.max(axis=0)`` would convert it to CSC twice)."""
    if X.format != "csr" or not X.has_canonical_format:
        return X.max(axis=0).toarray().ravel(), X.min(axis=0).toarray().ravel()
    p = X.shape[1]
    hi, lo = np.full(p, -np.inf, dtype=X.dtype), np.full(p, np.inf, dtype=X.dtype)
    np.maximum.at(hi, X.indices, X.data)
    np.minimum.at(lo, X.indices, X.data)
    partial = np.bincount(X.indices, minlength=p) < X.shape[0]      # some rows hold 0
    return (np.where(partial, np.maximum(hi, 0), hi).astype(X.dtype, copy=False),
            np.where(partial, np.minimum(lo, 0), lo).astype(X.dtype, copy=False))


def check_fit_values(X, name: str = "X", original=None, *, constant_warning: bool = False):
    """Fit-time checks of a float array, one min/max pass per column: no NaN or ±inf (named by
    :func:`check_finite`), no column so large that its squares overflow or so small (but not
    zero) that they underflow; with ``constant_warning`` a warning names the constant columns
    (with an intercept their coefficient is zero)."""
    if X.shape[0] * (X.shape[1] if X.ndim == 2 else 1) == 0 or X.dtype.kind != "f":
        check_finite(X, name, original)
        return
    if sp.issparse(X):
        check_finite(X, name, original)
        X2 = X                         # implicit zeros count: max/min over the whole column
        hi, lo = _sparse_column_range(X)
    else:
        X2 = X.reshape(len(X), -1)
        hi, lo = X2.max(axis=0), X2.min(axis=0)
        # a NaN propagates through max and min and an inf is its own bound: finite bounds mean
        # finite cells, so the cell-by-cell scan runs only to name a bad one (one pass saved)
        if not (np.isfinite(hi).all() and np.isfinite(lo).all()):
            check_finite(X, name, original)
    size = np.maximum(np.abs(hi), np.abs(lo))
    small, large = magnitude_limits(X2.shape[0], X.dtype)
    what = (lambda j: f"column {_column_name(original, j)} of {name}") if X.ndim == 2 \
        else (lambda j: name)
    over = np.flatnonzero(size > large)
    if over.size:
        j = int(over[0])
        raise ValueError(
            f"{what(j)} holds values up to {size[j]:.3g}, beyond what {X.dtype} can square and sum "
            f"over {X2.shape[0]} rows (limit {large:.3g}); rescale it (divide by a power of ten, "
            "or use StandardScaler) before fitting")
    under = np.flatnonzero((size < small) & (size > 0))
    if under.size:
        j = int(under[0])
        raise ValueError(
            f"{what(j)} holds values no larger than {size[j]:.3g}, whose squares underflow "
            f"{X.dtype} (limit {small:.3g}); rescale it (multiply by a power of ten, or use "
            "StandardScaler) before fitting")
    if constant_warning and X.ndim == 2 and X2.shape[0] > 1:
        # a sparse matrix's empty columns (an unused hash bucket, a level absent from these
        # rows) are expected, not a sign of a mistake: only a stored constant is named
        const = np.flatnonzero((hi == lo) & (hi != 0)) if sp.issparse(X) else \
            np.flatnonzero(hi == lo)
        if const.size:
            names = ", ".join(_column_name(original, int(j)) for j in const[:10])
            more = f" and {const.size - 10} more" if const.size > 10 else ""
            warn_user(
                f"X column(s) {names}{more} are constant; with an intercept their coefficients "
                "are 0 (drop them to silence this warning)", UserWarning)


def check_numpy_input(*arrays, names=("X", "y")) -> None:
    """Refuse array-API arrays (torch, CuPy, ...) while scikit-learn's ``array_api_dispatch`` is
    on: shrinkage computes with NumPy, and scikit-learn's validation would otherwise fail deep
    inside with the other library's dtype error."""
    from sklearn import get_config
    if not get_config().get("array_api_dispatch", False):
        return
    from sklearn.externals.array_api_compat import is_array_api_obj
    for arr, name in zip(arrays, names):
        if arr is not None and not isinstance(arr, np.ndarray) and is_array_api_obj(arr):
            raise TypeError(
                f"{name} is an array API array ({type(arr).__module__}.{type(arr).__name__}): "
                "shrinkage computes "
                "with NumPy and does not support array API dispatch; pass a NumPy array (e.g. "
                "tensor.cpu().numpy()) or turn it off with "
                "sklearn.set_config(array_api_dispatch=False)")


def is_dask_collection(x) -> bool:
    """Whether ``x`` is a Dask array, DataFrame or Series (without importing Dask)."""
    mod = type(x).__module__
    return (mod.startswith("dask.") or mod.startswith("dask_expr")) and \
        hasattr(x, "__dask_graph__")


#: the estimators that fit Dask collections blockwise (shrinkage.linear_model._dask)
DASK_ESTIMATORS = ("Ridge", "RidgeCV", "Lasso", "ElasticNet", "ElasticNetCV",
                   "LogisticRegression", "LogisticRegressionCV")


def check_not_dask(estimator, *arrays) -> None:
    """Refuse Dask collections where an estimator would otherwise gather them into memory."""
    if not any(a is not None and is_dask_collection(a) for a in arrays):
        return
    name = type(estimator).__name__
    hint = ("train it block by block with partial_fit (e.g. dask_ml.wrappers.Incremental)"
            if hasattr(estimator, "partial_fit") else
            "call .compute() if the data fit in memory")
    raise TypeError(f"{name} does not take Dask collections (they would be gathered into this "
                    f"process's memory); {', '.join(DASK_ESTIMATORS)} fit them blockwise on the "
                    f"cluster; for {name}, {hint}")


def _sparse_formats(estimator, accept_sparse):
    """What ``validate_data`` may accept: CSR/CSC where the estimator takes sparse input."""
    if accept_sparse is None:
        accept_sparse = bool(getattr(estimator, "_accepts_sparse", False))
    return list(SPARSE_FORMATS) if accept_sparse else False


def input_dtype(X):
    """``np.float32`` when ``X`` holds float32 values (an array, a sparse matrix, or a DataFrame
    whose columns are all float32), else ``np.float64``: the dtype of the fitted coefficients
    and predictions (float32 in, float32 out, as scikit-learn's linear models)."""
    dtypes = getattr(X, "dtypes", None)
    if dtypes is not None and hasattr(dtypes, "__iter__") and not hasattr(X, "format"):
        return np.float32 if len(dtypes) and all(str(d) == "float32" for d in dtypes) \
            else np.float64
    return np.float32 if str(getattr(X, "dtype", "")) == "float32" else np.float64


def check_X(estimator, X, *, reset: bool, dtype=_FLOATS, accept_sparse=None):
    """Validate a feature matrix; with ``reset`` record ``n_features_in_`` and feature names.

    ``accept_sparse`` (default: the estimator's ``_accepts_sparse``) lets CSR/CSC through (other
    sparse formats are converted to CSR); otherwise scikit-learn's TypeError names the fix."""
    check_not_dask(estimator, X)
    check_numpy_input(X)
    check_numeric_columns(X)
    check_sparse_structure(X)
    original = X
    X = validate_data(estimator, X, reset=reset, dtype=dtype, ensure_all_finite=False,
                      accept_sparse=_sparse_formats(estimator, accept_sparse))
    check_finite(X, "X", original)
    return X


def check_X_y(estimator, X, y, *, multi_output: bool = False, y_numeric: bool = True,
              dtype=_FLOATS, accept_sparse=None):
    """Validate ``X`` and ``y`` for ``fit`` (sets ``n_features_in_``, ``feature_names_in_``):
    finite values of a magnitude the dtype can square (:func:`check_fit_values`); an estimator
    with ``fit_intercept=True`` warns about constant columns. ``accept_sparse`` as in
    :func:`check_X`."""
    check_not_dask(estimator, X, y)
    check_numpy_input(X, y)
    check_numeric_columns(X)
    check_sparse_structure(X)
    original = X
    if y is None:
        raise ValueError(f"{type(estimator).__name__} requires y to be passed, but the target y is None")
    X, y = validate_data(estimator, X, y, reset=True, dtype=dtype, ensure_all_finite=False,
                         accept_sparse=_sparse_formats(estimator, accept_sparse),
                         multi_output=multi_output, y_numeric=y_numeric, ensure_min_samples=1)
    check_fit_values(X, "X", original,
                     constant_warning=bool(getattr(estimator, "fit_intercept", False)))
    if y_numeric:
        y = np.asarray(y, dtype=X.dtype)
        check_fit_values(y, "y")
    return X, y


def check_classification_y(y):
    """Targets for a classifier: at least two classes, no continuous values."""
    kind = type_of_target(y, input_name="y")
    if kind not in ("binary", "multiclass"):
        raise ValueError(
            f"Unknown label type: y looks {kind}; a classifier needs class labels (for a numeric "
            "target use a regressor such as Ridge)"
        )
    classes, y_idx = np.unique(y, return_inverse=True)
    if classes.size < 2:
        raise ValueError(
            f"y has only one class ({classes[0].tolist()!r}); a classifier needs at least two classes"
        )
    return classes, y_idx


def check_weighted_classes(classes, y_idx, sample_weight) -> None:
    """Refuse weights that leave one class: the intercept of a sparse logistic model would then
    run off to infinity (the fit has no minimizer)."""
    if sample_weight is None:
        return
    alive = np.unique(y_idx[sample_weight > 0])
    if alive.size < 2:
        raise ValueError(
            f"sample_weight is zero for every row but those of class {classes[alive[0]].tolist()!r}; a "
            "classifier needs positive weight on at least two classes"
        )


def class_weighted(class_weight, classes, y_idx, sample_weight):
    """``sample_weight`` (or ones) times the weight of each row's class; ``sample_weight`` itself
    when ``class_weight`` is None.

    ``class_weight`` is a dict ``label -> weight`` (classes not named weigh 1) or
    ``"balanced"``: ``Σ sw / (K · Σ_{i in class k} sw_i)``, scikit-learn's rule (with sample
    weights, the weighted class totals). The result is exactly what passing those products as
    ``sample_weight`` would fit.
    """
    if class_weight is None:
        return sample_weight
    n, K = len(y_idx), len(classes)
    base = np.ones(n) if sample_weight is None else np.asarray(sample_weight, dtype=np.float64)
    if isinstance(class_weight, str):
        if class_weight != "balanced":
            raise ValueError(f"class_weight must be None, 'balanced' or a dict label -> weight, "
                             f"got {class_weight!r}")
        totals = np.bincount(y_idx, weights=base, minlength=K)
        with np.errstate(divide="ignore"):
            cw = np.where(totals > 0, base.sum() / (K * totals), 0.0)
    elif isinstance(class_weight, dict):
        known = {c.item() if hasattr(c, "item") else c: k for k, c in enumerate(classes)}
        unknown = [c for c in class_weight if (c.item() if hasattr(c, "item") else c) not in known]
        if unknown:
            raise ValueError(f"class_weight names {unknown!r}, which are not classes of y "
                             f"({classes.tolist()!r}); use the labels of y as keys")
        cw = np.ones(K)
        for c, w in class_weight.items():
            if isinstance(w, (bool, np.bool_)) or not isinstance(w, (Real, np.number)) \
                    or not np.isfinite(w) or w < 0:
                raise ValueError(f"class_weight[{c!r}] must be a finite number >= 0, got {w!r}")
            cw[known[c.item() if hasattr(c, "item") else c]] = float(w)
    else:
        raise ValueError(f"class_weight must be None, 'balanced' or a dict label -> weight, "
                         f"got {type(class_weight).__name__}")
    out = base * cw[y_idx]
    if not out.sum() > 0:
        raise ValueError("class_weight and sample_weight leave every row with weight zero")
    return out


def check_sample_weight(sample_weight, X):
    """Non-negative, finite weights with a positive sum (or None)."""
    if sample_weight is None:
        return None
    sw = _check_sample_weight(sample_weight, X, dtype=X.dtype)
    check_finite(sw, "sample_weight")
    if np.any(sw < 0):
        raise ValueError("sample_weight has negative values; weights must be >= 0")
    if not sw.sum() > 0:
        raise ValueError("sample_weight sums to zero; at least one sample needs a positive weight")
    return sw


def check_penalty_factor(penalty_factor, n_features: int) -> np.ndarray | None:
    """``None`` or a length-``p`` array of finite values ≥ 0."""
    if penalty_factor is None:
        return None
    try:
        f = np.asarray(penalty_factor, dtype=np.float64)
    except (TypeError, ValueError):
        raise ValueError(f"penalty_factor must be numbers >= 0, one per feature (or one for "
                         f"all), got {penalty_factor!r}") from None
    if f.ndim == 0:
        f = np.full(n_features, float(f))
    if f.ndim != 1 or f.shape[0] != n_features:
        raise ValueError(
            f"penalty_factor has shape {np.shape(penalty_factor)} but X has {n_features} features; "
            "pass one factor per feature"
        )
    if not np.all(np.isfinite(f)) or np.any(f < 0):
        raise ValueError("penalty_factor must hold finite values >= 0 (0 = unpenalized)")
    return f


def check_exclude(exclude, n_features: int, feature_names=None) -> np.ndarray:
    """The columns an ``exclude=`` setting keeps, as a boolean mask of length ``n_features``
    (glmnet's ``exclude``): ``exclude`` is column indices (negative ones count from the end),
    a boolean mask of length ``n_features`` (True = excluded) or feature names (``X`` a
    DataFrame). A ValueError names a bad entry and the fix; excluding every column is refused."""
    raw = [exclude] if isinstance(exclude, (str, Integral, np.integer)) else exclude
    try:
        ex = np.asarray(list(raw), dtype=object).reshape(-1)
    except TypeError:
        raise ValueError(f"exclude must be column indices, a boolean mask or feature names, "
                         f"got {exclude!r}") from None
    keep = np.ones(n_features, dtype=bool)
    if ex.size and all(isinstance(v, (bool, np.bool_)) for v in ex):
        if ex.size != n_features:
            raise ValueError(f"exclude is a boolean mask of length {ex.size} but X has "
                             f"{n_features} features; pass one flag per feature (True = "
                             "excluded) or the indices of the excluded columns")
        keep = ~ex.astype(bool)
    elif all(isinstance(v, (Integral, np.integer)) and not isinstance(v, (bool, np.bool_))
             for v in ex):
        for v in ex:
            if not -n_features <= v < n_features:
                raise ValueError(f"exclude holds the index {v} but X has {n_features} features "
                                 f"(indices 0 to {n_features - 1}); pass indices in range")
            keep[v] = False
    elif all(isinstance(v, str) for v in ex):
        if feature_names is None:
            raise ValueError(f"exclude names features ({ex[0]!r}) but X has no column names; "
                             "pass a DataFrame with those columns, or column indices")
        names = {str(n): j for j, n in enumerate(feature_names)}
        for v in ex:
            if v not in names:
                raise ValueError(f"exclude names {v!r}, which is not a column of X (columns: "
                                 f"{', '.join(list(names)[:10])}{', ...' if len(names) > 10 else ''}"
                                 "); pass names of X's columns")
            keep[names[v]] = False
    else:
        raise ValueError(f"exclude must be column indices, a boolean mask or feature names (not "
                         f"a mixture), got {exclude!r}")
    if not keep.any():
        raise ValueError(f"exclude leaves no feature of the {n_features} to fit; exclude fewer "
                         "columns (the intercept-only model is DummyRegressor's / a constant's)")
    return keep


def check_offset(offset, n: int, columns: int | None = None):
    """``offset`` as a finite float array of ``n`` rows, or None; with ``columns`` (a
    multinomial model's classes) an array of shape ``(n, columns)``, one column per class."""
    if offset is None:
        return None
    if columns is not None:
        off = None if isinstance(offset, str) else np.asarray(offset, dtype=np.float64)
        if off is None or off.shape != (n, columns):
            raise ValueError(f"offset of a {columns}-class model must be an array of shape "
                             f"({n}, {columns}), one column per class in the order of "
                             f"classes_ (glmnet's n × K offset; a column shared by every class "
                             f"changes no probability), got "
                             f"{np.shape(offset) if off is not None else repr(offset)}")
        bad = np.argwhere(~np.isfinite(off))[:1]
    else:
        off = np.asarray(offset, dtype=np.float64).reshape(-1) \
            if not isinstance(offset, str) else None
        if off is None or off.shape != (n,):
            raise ValueError(f"offset must be numbers, one per row ({n}), got "
                             f"{np.shape(offset) if off is not None else repr(offset)}")
        bad = np.flatnonzero(~np.isfinite(off))[:1]
    if bad.size:
        where = tuple(bad.reshape(-1))
        raise ValueError(f"offset contains {off[where]} (row {where[0]}); an offset is a fixed "
                         "part of the linear predictor (e.g. the log of a positive exposure): "
                         "give every row a finite value")
    return off


def check_ratio(r, name: str = "l1_ratio") -> float:
    """A mixing ratio in [0, 1] (1 = lasso, 0 = ridge)."""
    if isinstance(r, (bool, np.bool_)) or not isinstance(r, (Real, np.number)) or not 0.0 <= r <= 1.0:
        raise ValueError(f"{name} must be a number in [0, 1] (1 = lasso, 0 = ridge), got {r!r}")
    return float(r)


def check_bounds(lower, upper, n_features: int):
    """``None`` (no bounds) or ``(lo, hi)``, arrays of shape (n_features,) from numbers or
    arrays, with ``lo ≤ 0 ≤ hi`` (glmnet's ``lower.limits`` / ``upper.limits``; ``±inf`` for
    none); a ValueError names the first bad entry."""
    if lower is None and upper is None:
        return None
    out = []
    for v, name, default, ok, rel in ((lower, "lower_bounds", -np.inf, np.less_equal, "<="),
                                      (upper, "upper_bounds", np.inf, np.greater_equal, ">=")):
        try:
            a = np.asarray(default if v is None else v, dtype=np.float64)
        except (TypeError, ValueError):
            raise ValueError(f"{name} must be a number or one number per feature, got "
                             f"{v!r}") from None
        if a.ndim == 0:
            a = np.full(n_features, float(a))
        if a.shape != (n_features,):
            raise ValueError(f"{name} has shape {np.shape(v)} but X has {n_features} features; "
                             "pass one number, or one per feature")
        bad = np.flatnonzero(np.isnan(a) | ~ok(a, 0.0))
        if bad.size:
            raise ValueError(f"{name}[{bad[0]}] is {a[bad[0]]}; bounds must be {rel} 0 (the "
                             "null model, every coefficient 0, must be feasible, as in glmnet)"
                             "; use -inf / inf for no bound")
        out.append(a)
    return tuple(out)


def check_choice(v, choices, name: str) -> str:
    """``v`` if it is one of ``choices``, else a ValueError naming them."""
    if not isinstance(v, str) or v not in choices:
        raise ValueError(f"{name} must be one of {list(choices)}, got {v!r}")
    return v


def check_positive_int(v, name: str) -> int:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (Integral, np.integer)) or v < 1:
        raise ValueError(f"{name} must be a positive integer, got {v!r}")
    return int(v)


def check_tol(v, name: str = "tol") -> float:
    if isinstance(v, (bool, np.bool_)) or not isinstance(v, (Real, np.number)) or not v > 0:
        raise ValueError(f"{name} must be a positive number, got {v!r}")
    return float(v)


def store_init_args(estimator, args: dict) -> None:
    """``estimator.<name> = value`` for every ``__init__`` argument (pass ``locals()``): what a
    scikit-learn constructor does, written once. No validation here: ``fit`` validates."""
    for name, value in args.items():
        if name not in ("self", "__class__"):
            setattr(estimator, name, value)
