r"""Sums over the row blocks of a Dask array: what a fit on data spread over a cluster needs.

Ridge, the elastic net and L2 logistic regression need from the rows only *sums over rows*:

* ridge and the elastic net (covariance mode) the Gram moments ``Σ s x̃x̃ᵀ``, ``Σ s x̃ỹᵀ``, …
  (:func:`~shrinkage.solvers.moments.raw_moments`), of all rows and of every test fold (a
  training fold is all rows minus its test fold, :func:`~shrinkage.solvers.moments.moments_from_raw`);
* Newton's method on the logistic or softmax loss the value, gradient and Hessian of the data
  term at θ (:class:`~shrinkage.solvers.objective.SmoothObjective` on the rows of a block).

Each is computed by one task per row block of the Dask array, with the very functions an
in-memory fit calls on its arrays; the blocks' shares are added pairwise in a tree of tasks on
the workers (:meth:`RowBlocks.reduce`) and only the result — of size p or p × p — reaches the
client. Nothing of size n is gathered. The tasks run on the current
``dask.distributed.Client`` when there is one (Dask's default scheduler otherwise).

Costs and limits: a pass reads every block once (``X`` is recomputed from its graph on each
pass unless the caller ``persist()``-ed it); the client holds O(p²) (O((Kp)²) for K classes),
so these paths suit p up to a few thousand. Ridge and the elastic net need one pass (the
moments of all rows and every test fold at once, about the first block's mean, which is read
alone first); leave-one-out and GCV one more for the whole grid; logistic regression one for
its column and class statistics, then one per Newton step (value, gradient and, for up to 255
parameters, the Hessian at the trial point).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .._validation import is_dask_collection
from ..datafits import Logistic, SoftmaxCrossEntropy
from .moments import moments_from_raw, raw_moments
from .objective import SmoothObjective

__all__ = ["is_dask_collection", "Smallest", "RowBlocks", "dask_fold_moments", "test_sse",
           "BlockwiseObjective"]


class Smallest:
    """A reduction value whose "sum" with another is the smaller of the two (:func:`_add`)."""

    def __init__(self, value):
        self.value = value

    def __add__(self, other):
        return Smallest(min(self.value, other.value))


def _add(a, b):
    """Sum of two reduction results: arrays, numbers, and tuples, lists or dicts of them (a
    dict's keys are united: an entry present on one side is kept as is)."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, dict):
        out = dict(a)
        for k, v in b.items():
            out[k] = _add(out[k], v) if k in out else v
        return out
    if isinstance(a, (tuple, list)):
        return type(a)(_add(u, v) for u, v in zip(a, b))
    return a + b


def _column_names(df):
    names = [str(c) for c in df.columns]
    return np.asarray(names, dtype=object)


def _as_array(obj, what, *, numeric):
    """A dask DataFrame/Series as a Dask array with known chunk sizes (one pass over its
    blocks' lengths: ``compute_chunk_sizes`` of the array itself, since Dask may fuse small
    partitions of a Parquet dataset into fewer blocks than ``npartitions``); text columns
    refused by name when ``numeric``."""
    import pandas as pd

    if getattr(obj, "ndim", 0) == 2 and hasattr(obj, "columns"):          # a DataFrame
        if numeric:
            bad = [str(c) for c, t in obj.dtypes.items() if not pd.api.types.is_numeric_dtype(t)
                   or pd.api.types.is_bool_dtype(t)]
            if bad:
                raise ValueError(f"{what} has non-numeric column(s) {bad}; encode them (e.g. "
                                 "one-hot with dask_ml.preprocessing or pandas) or drop them")
        return _with_chunk_sizes(obj.to_dask_array())
    if hasattr(obj, "to_dask_array"):                       # a Series
        return _with_chunk_sizes(obj.to_dask_array())
    return obj


def _with_chunk_sizes(arr):
    if any(np.isnan(c) for c in arr.chunks[0]):
        arr.compute_chunk_sizes()
    return arr


@dataclass
class RowBlocks:
    """``X`` (and aligned ``y``, weights, fold ids) of a Dask collection as row blocks.

    Build with :meth:`from_inputs`; run a function over every block and sum the results on
    the workers with :meth:`reduce`.
    """

    X: list
    y: list | None
    s: list | None
    fold: list | None
    starts: np.ndarray        # first row of each block
    n: int
    p: int
    feature_names: np.ndarray | None = None
    rows: tuple = ()

    @classmethod
    def from_inputs(cls, X, y=None, sample_weight=None, fold_ids=None):
        """Validate and align. ``X``: a 2-D Dask array or DataFrame; ``y``, ``sample_weight``,
        ``fold_ids``: Dask arrays/Series or NumPy arrays with one entry per row (NumPy ones are
        split into ``X``'s row blocks)."""
        names = None
        x_parts = None
        if getattr(X, "ndim", 0) == 2 and hasattr(X, "columns"):            # a DataFrame
            names = _column_names(X)
            x_parts = X.npartitions
            for other, what in ((y, "y"), (sample_weight, "sample_weight")):
                if is_dask_collection(other) and hasattr(other, "npartitions") and \
                        other.npartitions != x_parts:
                    raise ValueError(
                        f"X and {what} are partitioned differently ({x_parts} vs "
                        f"{other.npartitions} partitions), so their rows cannot be matched "
                        f"block by block; take both from the same DataFrame (X = df[features], "
                        f"{what} = df[column]) or repartition them alike")
        X = _as_array(X, "X", numeric=True)
        if not hasattr(X, "chunks") or X.ndim != 2:
            raise ValueError(f"X must be a 2-D Dask array or DataFrame, got "
                             f"{type(X).__name__} with {getattr(X, 'ndim', '?')} dimension(s)")
        if any(np.isnan(c) for c in X.chunks[0]):
            raise ValueError(
                "X has unknown chunk sizes (rows per block), so rows cannot be matched with y "
                "or counted; call X.compute_chunk_sizes() first, or build it with "
                "df.to_dask_array(lengths=True)")
        if X.dtype.kind not in "fiub":
            raise ValueError(f"X has dtype {X.dtype}; pass numeric data (text must be encoded)")
        n, p = int(X.shape[0]), int(X.shape[1])
        if n == 0 or p == 0:
            raise ValueError(f"X is empty (shape ({n}, {p})); pass at least one row and column")
        if len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})                  # whole rows in every block
        rows = X.chunks[0]

        starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
        out = cls(list(X.to_delayed().ravel()), None, None, None, starts, n, p, names, rows)
        out.y = out.align(y, "y")
        out.s = out.align(sample_weight, "sample_weight")
        out.fold = out.align(fold_ids, "fold ids")
        return out

    @classmethod
    def of_rows(cls, arr):
        """Blocks of a Dask array whose rows are already validated (predictions), to align
        targets and weights with."""
        rows = arr.chunks[0]
        starts = np.concatenate([[0], np.cumsum(rows)[:-1]]).astype(np.int64)
        return cls(list(arr.to_delayed().ravel()), None, None, None, starts, int(arr.shape[0]),
                   1, None, rows)

    def align(self, v, what):
        """``v`` (one entry or row per row of ``X``) as delayed blocks matching ``X``'s."""
        import dask.array as da

        if v is None:
            return None
        n, rows = self.n, self.rows
        v = _as_array(v, what, numeric=False)
        if not hasattr(v, "chunks"):
            v = np.asarray(v)
            if v.shape[:1] != (n,):
                raise ValueError(f"{what} has {v.shape[0] if v.ndim else 0} entries but X "
                                 f"has {n} rows; pass one entry per row of X")
            v = da.from_array(v, chunks=(rows,) + v.shape[1:])
        if any(np.isnan(c) for c in v.chunks[0]):
            raise ValueError(f"{what} has unknown chunk sizes; call {what}.compute_chunk_sizes() "
                             "or use to_dask_array(lengths=True)")
        if int(v.shape[0]) != n:
            raise ValueError(f"{what} has {int(v.shape[0])} rows but X has {n}; pass one entry "
                             "per row of X")
        if v.chunks[0] != rows:             # rows match by position (same row counts)
            v = v.rechunk({0: rows})                # arrays: rows match by position
        if v.ndim == 2 and len(v.chunks[1]) > 1:
            v = v.rechunk({1: -1})
        return list(v.to_delayed().ravel())

    def with_folds(self, cv, random_state=None):
        """``(blocks, labels)``: these blocks with a fold id per row (0 … K−1) and the fold
        labels. ``cv``: an int ``K`` — contiguous folds of scikit-learn's ``KFold(K)`` (sizes
        ``n // K``, the first ``n % K`` one row more), or with ``random_state`` each block's
        rows dealt to the folds in turn and shuffled within the block (balanced to a row per
        block; no shuffling of data across workers) — or fold ids, one per row (NumPy or Dask;
        any labels, sorted)."""
        import dask

        if isinstance(cv, (int, np.integer)) and not isinstance(cv, bool):
            K = int(cv)
            if K < 2 or K > self.n:
                raise ValueError(f"cv={K} folds needs 2 <= cv <= n_samples ({self.n})")
            seed = None if random_state is None else _seed(random_state)
            task = dask.delayed(_fold_block, pure=True)
            fold = [task(int(st), int(r), self.n, K, seed) for st, r in zip(self.starts, self.rows)]
            labels = np.arange(K)
        elif hasattr(cv, "__len__") or is_dask_collection(cv):
            ids = self.align(cv, "fold ids")
            found = RowBlocks(self.X, None, None, ids, self.starts, self.n,
                              self.p).reduce(block_labels)
            labels = np.array(sorted(found))
            if labels.size < 2:
                raise ValueError("the fold ids name a single fold; use at least two")
            task = dask.delayed(_relabel, pure=True)
            fold = [task(f, labels) for f in ids]
        else:
            raise TypeError(
                f"on Dask data cv must be an int (K folds) or fold ids (one per row); got "
                f"{type(cv).__name__}: a scikit-learn splitter would need every row's index "
                "on the client")
        out = RowBlocks(self.X, self.y, self.s, fold, self.starts, self.n, self.p,
                        self.feature_names, self.rows)
        return out, labels

    def reduce(self, func, *args):
        """``Σ_blocks func(x, y, s, fold, start, *args)``, summed in a tree on the workers
        (:func:`_add`); ``args`` are sent once (one key each), not once per block."""
        import dask

        shared = [dask.delayed(a, pure=True) if isinstance(a, np.ndarray) else a for a in args]
        task = dask.delayed(func, pure=True)
        parts = [task(x, self.y[i] if self.y is not None else None,
                      self.s[i] if self.s is not None else None,
                      self.fold[i] if self.fold is not None else None,
                      int(self.starts[i]), *shared)
                 for i, x in enumerate(self.X)]
        add = dask.delayed(_add, pure=True)
        while len(parts) > 1:
            parts = [add(parts[i], parts[i + 1]) if i + 1 < len(parts) else parts[i]
                     for i in range(0, len(parts), 2)]
        return dask.compute(parts[0])[0]


def _seed(random_state) -> int:
    if isinstance(random_state, np.random.RandomState):
        return int(random_state.randint(2**31 - 1))
    return int(random_state)


def _fold_block(start, n_rows, n, K, seed):
    """Fold ids of rows ``start … start + n_rows − 1`` (:meth:`RowBlocks.with_folds`)."""
    idx = np.arange(start, start + n_rows)
    if seed is None:
        sizes = np.full(K, n // K)
        sizes[: n % K] += 1
        return np.searchsorted(np.cumsum(sizes), idx, side="right")
    rng = np.random.default_rng([seed, start])
    return rng.permutation((idx + rng.integers(K)) % K)


def block_labels(xb, yb, sb, fb, start):
    """The distinct values of a block's fold ids, as dict keys (united by :func:`_add`)."""
    return {v.item(): 0 for v in np.unique(np.asarray(fb).ravel())}


def _relabel(fb, labels):
    return np.searchsorted(labels, np.asarray(fb).ravel())


# -- checks of every block --------------------------------------------------------

def _weights(xb, sb):
    return np.ones(xb.shape[0]) if sb is None else np.asarray(sb, dtype=np.float64).ravel()


def block_checks(xb, yb, sb, start, numeric_y):
    """The checks of one block: ``{"S": weight sum, "bad": {start: (what, first bad row, last
    row)}}`` when X (or a numeric ``y``) holds NaN or infinity, or a weight is negative or not
    finite; ``"bad"`` is empty otherwise (dicts unite under :func:`_add`)."""
    xb = np.asarray(xb, dtype=np.float64)
    s = _weights(xb, sb)
    finite = np.isfinite(xb).all(axis=1)
    finite_y = np.ones(xb.shape[0], dtype=bool)
    if numeric_y and yb is not None:
        finite_y = np.isfinite(np.asarray(yb, dtype=np.float64).reshape(xb.shape[0], -1)).all(axis=1)
    out = {"S": float(s.sum()), "bad": {}}
    problems = [("X holds NaN or infinity", ~finite), ("y holds NaN or infinity", ~finite_y),
                ("sample_weight holds a negative or non-finite value", ~(np.isfinite(s) & (s >= 0)))]
    for what, mask in problems:
        if mask.any():
            out["bad"][start] = (what, start + int(np.argmax(mask)), start + xb.shape[0] - 1)
            break
    return out


def check_totals(tot):
    """Raise for the first bad block (:func:`block_checks`), naming it by its rows."""
    if tot["bad"]:
        start = min(tot["bad"])
        what, row, stop = tot["bad"][start]
        raise ValueError(f"{what} in the block of rows {start}–{stop} (first at row {row}); "
                         "remove or impute those rows (e.g. X[da.isfinite(X).all(axis=1)]) "
                         "before fitting")
    if not tot["S"] > 0:
        raise ValueError("the sample weights sum to zero; give at least one row a positive weight")


# -- pass 2: moments of every test fold ----------------------------------------------------

def block_moments(xb, yb, sb, fb, start, shift, yshift, n_folds):
    """One block's share of :func:`dask_fold_moments`: per test fold (all rows when
    ``n_folds == 0``) the raw moments of :func:`~shrinkage.solvers.moments.raw_moments` and
    ``Σ s ỹ²`` (for the elastic net's duality gap and the test folds' squared errors), and the
    checks of :func:`block_checks` (``"bad"``)."""
    checks = block_checks(xb, yb, sb, start, True)
    xb = np.asarray(xb, dtype=np.float64)
    Y = np.asarray(yb, dtype=np.float64).reshape(xb.shape[0], -1)
    s = _weights(xb, sb)
    groups = [slice(None)] if n_folds == 0 else \
        [np.asarray(fb).ravel() == k for k in range(n_folds)]
    out = []
    for rows in groups:
        raw = raw_moments(xb[rows], Y[rows], s[rows], shift, yshift)
        yt = Y[rows] - yshift
        out.append(raw + (s[rows] @ (yt * yt),))
    return {"raw": out, "bad": checks["bad"], "S": checks["S"]}


def shift_of_first_block(blocks: RowBlocks, fit_intercept, *, targets=True):
    """``(shift, yshift)``: the weighted mean of the first block's rows (zeros without an
    intercept), the point every block's moments are taken about. Any point near the data
    keeps the cancellation in ``E[xxᵀ] − E[x]E[x]ᵀ`` small; this one costs a read of one block
    instead of a pass over all of them (the all-data mean would)."""
    import dask

    x0, y0, s0 = dask.compute(blocks.X[0], None if blocks.y is None else blocks.y[0],
                              None if blocks.s is None else blocks.s[0])
    x0 = np.asarray(x0, dtype=np.float64)
    t = np.asarray(y0).reshape(x0.shape[0], -1).shape[1] if (targets and y0 is not None) else 0
    if not fit_intercept:
        return np.zeros(x0.shape[1]), np.zeros(t)
    w = _weights(x0, s0)
    w = np.where(np.isfinite(w) & (w > 0), w, 0.0)
    w = w if w.sum() > 0 else np.ones_like(w)

    def mean(A):
        ok = np.isfinite(A)
        num = (np.where(ok, A, 0.0) * w[:, None]).sum(axis=0)
        den = (ok * w[:, None]).sum(axis=0)
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), 0.0)

    y_shift = mean(np.asarray(y0, dtype=np.float64).reshape(x0.shape[0], -1)) if t else np.zeros(0)
    return mean(x0), y_shift


def dask_fold_moments(blocks: RowBlocks, *, n_folds=0, fit_intercept=True, standardize=True):
    """:class:`~shrinkage.solvers.moments.Moments` of all rows and of every training fold
    (rows whose fold id differs), from one pass over the blocks (and a read of the first,
    :func:`shift_of_first_block`).

    Returns
    -------
    full : Moments
    folds : list of Moments
    raws : dict
        ``"full"`` and ``"tests"`` (list): the raw moment tuples (7 entries: those of
        :func:`~shrinkage.solvers.moments.raw_moments` and ``Σ s ỹ²``), ``"shift"``,
        ``"yshift"`` — what :func:`test_sse` and the elastic net's ``yy`` need.
    """
    shift, yshift = shift_of_first_block(blocks, fit_intercept)
    res = blocks.reduce(block_moments, shift, yshift, int(n_folds))
    check_totals(res)
    parts = res["raw"]
    full = parts[0] if n_folds == 0 else tuple(sum(m[k] for m in parts) for k in range(7))
    trains = [tuple(f - t for f, t in zip(full, m)) for m in parts] if n_folds else []
    for k, tr in enumerate(trains):
        if not tr[4] > 0:
            raise ValueError(f"training fold {k} has no rows (or zero total weight); use "
                             "fold ids that leave rows in every training fold")
    m_full, m_folds = moments_from_raw(full[:6], [t[:6] for t in trains], shift, yshift,
                                       fit_intercept=fit_intercept, standardize=standardize)
    return m_full, m_folds, {"full": full, "tests": parts if n_folds else [], "trains": trains,
                             "shift": shift, "yshift": yshift}


def centred_yy(raw, fit_intercept):
    """``Σ s (y − ȳ)² / Σ s`` of the first target, from a raw moment tuple of
    :func:`dask_fold_moments` (the elastic net's null-model datafit ``yy``)."""
    Syy, sy, S = float(np.ravel(raw[6])[0]), float(np.ravel(raw[3])[0]), raw[4]
    return (Syy - sy * sy / S) / S if fit_intercept else Syy / S


def test_sse(raw, shift, yshift, coef, intercept):
    """Weighted squared errors ``Σ s (y − b − xᵀw)²`` of the rows of a raw moment tuple for
    coefficients ``coef`` (L, t, p) and ``intercept`` (L, t), shape (L, t): the quadratic form
    in the moments, no pass over the rows (the residual of shifted rows is
    ``ỹ − x̃ᵀw − c`` with ``c = b − ȳ_shift + shiftᵀw``)."""
    Sxx, Sxy, sx, sy, S, _, Syy = raw
    c = intercept - yshift + coef @ shift                                     # (L, t)
    quad = np.einsum("ltp,pq,ltq->lt", coef, Sxx, coef)
    cross = np.einsum("ltp,pt->lt", coef, Sxy)
    lin = sy - coef @ sx                                                      # (L, t)
    return np.maximum(Syy - 2.0 * cross + quad - 2.0 * c * lin + c * c * S, 0.0)


# -- Newton passes: value, gradient, Hessian of the data term ------------------------------

def _label_index(yb, classes):
    """Index of each label of a block in ``classes`` (sorted)."""
    y = np.asarray(yb).ravel()
    idx = np.minimum(np.searchsorted(classes, y), classes.size - 1)
    if not np.array_equal(classes[idx], y):
        raise ValueError("y holds a label that is not among the classes found in y")
    return idx


def block_smooth(xb, yb, sb, fb, start, thetas, consts, what):
    """Newton pass on one block: for each fold ``k`` in ``thetas`` (``None``: all rows; else the
    training rows, fold id ≠ k) the data term's ``value``, ``gradient`` and, when ``what`` asks,
    ``hessian`` at θ_k, of the block's rows with weights ``s / S_k`` (so the blocks' shares add
    up to the mean over all training rows), through :class:`SmoothObjective` at λ = 0."""
    xb = np.asarray(xb, dtype=np.float64)
    idx = _label_index(yb, consts["classes"])
    s = _weights(xb, sb) * consts["cw"][idx]
    Y = (idx == 1).astype(np.float64) if consts["classes"].size == 2 else \
        np.eye(consts["classes"].size)[idx]
    out = []
    for k, theta in thetas:
        rows = slice(None) if k is None else np.asarray(fb).ravel() != k
        sw = s[rows] / consts["S"][k]
        if not np.any(sw > 0):
            out.append(None)
            continue
        obj = SmoothObjective(xb[rows], Y[rows], sw, 0.0, consts["f"],
                              fit_intercept=consts["fit_intercept"], x_mean=consts["mean"][k],
                              x_scale=consts["scale"][k])
        eta = obj.eta(theta)
        res = {"value": obj.data_value(eta), "gradient": obj.gradient(theta, eta)}
        if "hessian" in what:
            res["hessian"] = obj.data_hessian(theta, eta)
        out.append(res)
    return out


#: a Newton pass forms the Hessian whether asked or not up to this many parameters
_HESSIAN_ALWAYS = 256


class BlockwiseObjective(SmoothObjective):
    """The :class:`SmoothObjective` of one set of training rows spread over Dask row blocks,
    for the Newton-Cholesky solver of :mod:`shrinkage.solvers.smooth`: the data term's value,
    gradient and Hessian are sums of the blocks' shares (:func:`block_smooth`); the penalty and
    the coordinates are the parent's. ``η`` is never formed: the solver's ``eta(θ)`` is θ
    itself, a key for the remembered pass.

    Parameters
    ----------
    blocks : RowBlocks
    classes : ndarray
        Labels; two classes give the logistic loss, more the softmax.
    fold : int or None
        The training rows are those whose fold id differs from ``fold`` (None: all rows).
    S, mean, scale : the training rows' weight sum, column means and scales (θ-coordinates).
    lam, penalty_factor, fit_intercept : as :class:`SmoothObjective` (``penalty_factor`` on
        the raw coefficients, ``f·sd²`` to standardize).
    min_weight : the smallest positive row weight (the separation check at λ = 0).
    class_weights : multipliers of each class's row weights (``class_weight``), or None.
    """

    def __init__(self, blocks, classes, fold, S, mean, scale, lam, penalty_factor, *,
                 fit_intercept=True, min_weight=np.inf, class_weights=None):
        self.blocks, self.classes, self.fold = blocks, np.asarray(classes), fold
        self.X = None
        self.n, self.p = blocks.n, blocks.p
        self.binary = self.classes.size == 2
        self.K = 1 if self.binary else self.classes.size
        self.datafit = Logistic() if self.binary else SoftmaxCrossEntropy()
        self.fit_intercept = bool(fit_intercept)
        self.m = np.zeros(self.p) if not fit_intercept else np.asarray(mean, float)
        self.s = np.asarray(scale, float)
        self.f = np.ones(self.p) if penalty_factor is None else np.asarray(penalty_factor, float)
        self.min_sw = float(min_weight) / float(S)
        self.offset = None
        self._consts = {"classes": self.classes, "f": None, "fit_intercept": self.fit_intercept,
                        "cw": np.ones(self.classes.size) if class_weights is None
                        else np.asarray(class_weights, float),
                        "S": {fold: float(S)}, "mean": {fold: self.m}, "scale": {fold: self.s}}
        self._memo = {}
        self.n_passes = 0
        self.set_lam(lam)

    @property
    def hessian_is_free(self) -> bool:
        """Every pass forms the Hessian (a small one): Newton then uses it at every step."""
        return self.n_theta <= _HESSIAN_ALWAYS

    def _pass(self, theta, hessian=False):
        key = self._memo.get("theta")
        if key is not None and np.array_equal(key, theta) and (not hessian or "hessian" in self._memo):
            return self._memo
        # a pass costs a round trip to the cluster: with a small Hessian (the rows' work is
        # then negligible) every pass forms it, so the solver's request for it is free
        what = ("hessian",) if hessian or self.n_theta <= _HESSIAN_ALWAYS else ()
        (res,) = self.blocks.reduce(block_smooth, [(self.fold, np.array(theta, dtype=float))],
                                    self._consts, what)
        self.n_passes += 1
        self._memo = {"theta": np.array(theta, dtype=float), **res}
        return self._memo

    def eta(self, theta):
        return np.array(theta, dtype=float)

    def data_value(self, eta):
        return float(self._pass(eta)["value"])

    def value(self, theta, eta=None):
        V, _ = self.split(theta)
        return self.data_value(theta) + self.penalty.value(V)

    def gradient(self, theta, eta=None):
        V, _ = self.split(theta)
        g = np.array(self._pass(theta)["gradient"], dtype=float)
        g[: self.K * self.p] += self.penalty.gradient(V).ravel()
        return g

    def value_and_gradient(self, theta, eta=None):
        data = self.data_value(theta)
        V, _ = self.split(theta)
        return data + self.penalty.value(V), self.gradient(theta), data

    def data_hessian(self, theta, eta=None, buf=None, threads=1):
        H = self._pass(theta, hessian=True)["hessian"]
        if self.binary:                          # the blocks filled the upper triangle
            H = np.triu(H) + np.triu(H, 1).T
        return H

    def check_separable(self, theta, eta):
        from .objective import Separable

        floor = getattr(self.datafit, "separation_floor", None)
        if floor is not None and self.lam == 0 and self.data_value(theta) < floor * self.min_sw:
            raise Separable(theta)
