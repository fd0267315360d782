r"""Bias–variance decomposition of the test error, for every λ of a grid.

Training sets ``D_1 … D_R`` are drawn once (bootstrap, subsamples, or fresh draws from a
user's generator) and every λ is fitted on the *same* draws, so the curves over λ are a paired
comparison. The test set is fixed. The decompositions themselves (squared loss: bias², variance,
noise; 0-1 loss: Domingos 2000; log loss: Heskes 1998) and their exact identities are derived in
:mod:`shrinkage.diagnostics.losses`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np
from sklearn.utils import _safe_indexing

from .._optional import require
from ..selection.engine import FoldEngine, RefitFold
from . import losses

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    import pandas as pd
    from typing import Any

    from collections.abc import Callable

    from .._typing import ArrayLike, MatrixLike

__all__ = ["BiasVarianceResult", "bias_variance"]

LOSSES = ("squared", "zero_one", "log")


@dataclass
class BiasVarianceResult:
    """Per-λ decomposition of the test error (see :mod:`shrinkage.diagnostics.losses`).

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
        The λ grid, largest first.
    error : ndarray of shape (n_lams,)
        Measured test error, averaged over draws and test points.
    bias2 : ndarray of shape (n_lams,)
        Squared loss: bias². 0-1 and log loss: the bias term (``[y_m ≠ y*]``, ``KL(π‖q̄)``);
        the name is shared so that every loss reads alike. Without the truth: measured
        against the observed ``y`` with the noise folded in, or that minus the noise estimate
        when ``noise=`` was given (see ``noise_source``).
    variance : ndarray of shape (n_lams,)
        Squared loss: mean variance of the predictions over draws. 0-1 loss: Domingos' *net*
        variance. Log loss: ``mean_D KL(q̄ ‖ q_D)``.
    noise : ndarray of shape (n_lams,)
        The irreducible part: from the truth (``f_test``), or the squared-loss noise estimate
        (``noise=``); NaN when neither is known (then folded into ``bias2``).
    loss : str
        ``"squared"``, ``"zero_one"`` or ``"log"``.
    n_rounds : int
        Number of training sets drawn.
    sampling : str
        How they were drawn.
    extra : dict of str to ndarray of shape (n_lams,)
        Further terms: squared loss with ``f_test`` ``cross`` (the finite-sample term) and
        ``bias2_observed`` (``mean_i (y_i − ŷ̄_i)²``), with ``noise=`` ``bias2_observed``; 0-1
        loss ``variance_total``, ``variance_unbiased``, ``variance_biased``; with true
        probabilities ``bayes_error`` (0-1) and ``error_expected`` (0-1 and log).
    noise_source : str
        Where ``noise`` comes from: ``"truth"``, ``"given"`` (a number), ``"replicates"``,
        ``"ols"``, or ``"unknown"`` (NaN; for squared loss folded into ``bias2``).

    Notes
    -----
    For squared loss the terms add up to the measured error *exactly* (to rounding):
    ``error = bias2 + variance + noise + cross`` with the truth, ``error = bias2 + variance +
    noise`` with a noise estimate, ``error = bias2 + variance`` otherwise; see
    :mod:`shrinkage.diagnostics.losses`.
    """

    lams: np.ndarray
    error: np.ndarray
    bias2: np.ndarray
    variance: np.ndarray
    noise: np.ndarray
    loss: str = "squared"
    n_rounds: int = 0
    sampling: str = "bootstrap"
    extra: dict = field(default_factory=dict)
    noise_source: str = "unknown"

    @property
    def bias(self) -> np.ndarray:
        """Alias of :attr:`bias2` (the name that fits the 0-1 and log losses)."""
        return self.bias2

    @property
    def cross(self) -> np.ndarray:
        """The finite-sample cross term: squared loss with the truth, ``2 mean_i (y_i − f_i)(f_i −
        ŷ̄_i)`` (computed from its formula, zero in expectation); otherwise ``error − (noise +
        bias2 + variance)`` (0 with a squared-loss noise estimate, NaN when the noise is
        unknown; for the 0-1 and log losses the gap between the measured and expected error)."""
        if "cross" in self.extra:
            return self.extra["cross"]
        return self.error - (self.noise + self.bias2 + self.variance)

    @property
    def lam_best(self) -> float:
        """The λ of the smallest measured error."""
        return float(self.lams[int(np.argmin(self.error))])

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame with one row per λ and one column per term."""
        pd = require("pandas", "to_frame()", extra="pandas")
        cols = {"lam": self.lams, "error": self.error, "bias2": self.bias2,
                "variance": self.variance, "noise": self.noise, **self.extra}
        frame = pd.DataFrame(cols)
        frame.attrs.update(loss=self.loss, n_rounds=self.n_rounds, sampling=self.sampling,
                           noise_source=self.noise_source)
        return frame

    def __repr__(self) -> str:
        return (f"BiasVarianceResult({self.lams.size} λ, loss={self.loss!r}, "
                f"n_rounds={self.n_rounds}, best λ={self.lam_best:.4g})")


def bias_variance(estimator: Any, X: MatrixLike, y: ArrayLike, lams: ArrayLike, *,
                  n_rounds: int = 50, test_size: float | int = 0.3, X_test: MatrixLike = None,
                  y_test: ArrayLike | None = None, f_test: ArrayLike | None = None,
                  noise: float | str | None = None,
                  sampling: str | Callable[..., Any] = "bootstrap",
                  train_size: float | int | None = None, loss: str = "squared",
                  random_state: int | np.random.Generator | None = None,
                  n_jobs: int | None = None) -> BiasVarianceResult:
    """Decompose the test error into bias, variance and noise for each λ.

    Parameters
    ----------
    estimator : estimator with a ``lam`` parameter
        Cloned and refitted with ``set_params(lam=λ)`` for each λ and draw (and, if it has one,
        ``random_state`` set per draw, the same for every λ, so that the variance includes the
        randomness of training). ``predict`` is used for the squared and 0-1 losses,
        ``predict_proba`` for the log loss. A plain :class:`~shrinkage.Ridge` takes a fast
        path: one decomposition per draw serves every λ.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    lams : array-like of shape (n_lams,)
        Strengths ``λ ≥ 0``; reported largest first.
    n_rounds : int, default=50
        Number of training sets.
    test_size : float or int, default=0.3
        Fraction (or number) of rows held out as the fixed test set, when ``X_test`` is not
        given. The training sets are drawn from the rest.
    X_test, y_test : array-like of shape (n_test, n_features) and (n_test,), optional
        A fixed test set; then every row of ``X, y`` is in the pool for training draws.
    f_test : array-like or callable, optional
        The truth at the test points (synthetic data): squared loss, ``f(x)`` of shape
        (n_test,); 0-1 loss, optimal labels (n_test,) or true class probabilities
        (n_test, n_classes) in sorted class order; log loss, true class probabilities. A callable is applied to the test rows.
        An array aligns with ``X_test`` when that is given, otherwise with ``X``.
    noise : None, float or {"replicates", "ols"}, default=None
        Squared loss without ``f_test`` only: an estimate ``σ̂²`` of the noise variance of the
        test targets, so that ``noise = σ̂²`` and ``bias2 = mean_i (y_i − ŷ̄_i)² − σ̂²`` (an
        unbiased estimate of the bias² when ``σ̂²`` is unbiased; it can dip below 0 by chance
        where the bias is tiny). A number is a known noise variance. ``"replicates"``: the
        pooled variance of ``y`` within groups of identical test rows, ``Σ_g Σ_{i∈g} (y_i −
        ȳ_g)² / (n_test − n_groups)``, unbiased for homoscedastic noise whatever ``f`` is
        (needs repeated rows in the test set). ``"ols"``: the residual variance ``RSS / (n_test −
        rank)`` of an unpenalized least-squares fit (with intercept) of the test targets on
        the test features, unbiased when ``E[y | x]`` is linear in the features (otherwise it
        also holds the linear model's misfit, and ``bias2`` is understated). ``None``: the noise
        stays folded into ``bias2`` and ``noise`` is NaN. Several targets: the mean over
        targets. In every case the terms add up to ``error`` exactly (see Notes of
        :class:`BiasVarianceResult`).
    sampling : {"bootstrap", "subsample"} or callable, default="bootstrap"
        ``"bootstrap"``: ``train_size`` rows with replacement (default: the pool size);
        ``"subsample"``: without replacement (default: half the pool). A callable
        ``rng -> (X_train, y_train)`` draws fresh training sets (e.g. from a known
        distribution); it gets a :class:`numpy.random.Generator`.
    train_size : float or int, optional
        Size of each training set, as a count or a fraction of the pool.
    loss : {"squared", "zero_one", "log"}, default="squared"
    random_state : int, Generator or None, default=None
        Seeds the split, the draws and the per-draw estimator seeds.
    n_jobs : int, optional
        Fit the draws in parallel with joblib.

    Returns
    -------
    BiasVarianceResult

    Examples
    --------
    >>> import numpy as np; from shrinkage import Ridge
    >>> from shrinkage.diagnostics import bias_variance
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 10)); f = X @ np.linspace(1, 0, 10)
    >>> y = f + rng.normal(size=200)
    >>> res = bias_variance(Ridge(), X, y, [10.0, 0.1, 0.001], n_rounds=20, random_state=0)
    >>> bool(np.all(np.diff(res.variance) > 0))      # variance grows as λ falls
    True
    >>> bool(np.allclose(res.error, res.variance + res.bias2))   # exact, noise folded in
    True
    >>> res = bias_variance(Ridge(), X, y, [10.0, 0.1], n_rounds=20, random_state=0, f_test=f)
    >>> bool(np.allclose(res.error, res.bias2 + res.variance + res.noise + res.cross))
    True
    """
    if loss not in LOSSES:
        raise ValueError(f"loss must be one of {LOSSES}, got {loss!r}")
    if isinstance(n_rounds, bool) or not isinstance(n_rounds, Integral) or n_rounds < 2:
        raise ValueError(f"n_rounds must be an integer >= 2, got {n_rounds!r}")
    lams = _check_grid(lams)
    rng = np.random.default_rng(random_state)
    if y is None and not (callable(sampling) and X_test is not None):
        raise ValueError("X and y are needed unless sampling is a callable that draws training "
                         "sets and X_test, y_test are given")
    y = None if y is None else np.asarray(y)

    if X_test is None:
        n = y.shape[0]
        if y_test is not None:
            raise ValueError("y_test was given without X_test; pass both or neither")
        n_test = _count(test_size, n, "test_size")
        if not 1 <= n_test < n:
            raise ValueError(f"test_size={test_size!r} leaves {n - n_test} training rows of "
                             f"{n}; pick a size between 1 row and n_samples − 1")
        perm = rng.permutation(n)
        test, pool = perm[:n_test], perm[n_test:]
        X_te, y_te = _safe_indexing(X, test), y[test]
        X_pool, y_pool = _safe_indexing(X, pool), y[pool]
        if f_test is not None and not callable(f_test):
            f_test = np.asarray(f_test)[test]
    else:
        if y_test is None:
            raise ValueError("X_test was given without y_test; pass both or neither")
        X_te, y_te, X_pool, y_pool = X_test, np.asarray(y_test), X, y
    if callable(f_test):
        f_test = f_test(X_te)
    f_test = None if f_test is None else np.asarray(f_test)
    sigma2, source = _noise_estimate(noise, loss, f_test, X_te, y_te)

    draws = _draws(sampling, train_size, X_pool, y_pool, n_rounds, rng)
    seeds = rng.integers(2**31 - 1, size=n_rounds)
    classes = None
    if loss != "squared":
        classes = np.unique(np.concatenate([np.asarray(y_pool).ravel(), y_te.ravel()]))

    output = {"squared": "predict", "zero_one": "labels", "log": "proba"}[loss]
    lam0 = estimator.get_params().get("lam")
    fast = (loss == "squared" and hasattr(estimator, "decompose") and lam0 is not None
            and np.ndim(lam0) == 0)
    folds = [_DecompositionFold(estimator, X_src, y_src, rows, X_te) if fast else
             RefitFold(estimator, X_src, y_src, rows, None, X_test=X_te, seed=int(seed),
                       output=output, classes=classes)
             for (X_src, y_src, rows), seed in zip(draws, seeds)]
    engine = FoldEngine(folds, [], None, n_jobs=n_jobs, prefer="processes")
    # (L, R, m[, t or K]): every draw's predictions for every λ
    preds = np.stack([np.moveaxis(P, 1, 0) for P in engine.predict_all(lams)], axis=1)

    if loss == "squared":
        terms = [losses.squared(P.reshape(n_rounds, -1), y_te.reshape(-1),
                                None if f_test is None else f_test.reshape(-1), sigma2)
                 for P in preds]
    else:
        y_idx = np.searchsorted(classes, y_te)
        y_star, pi = _truth(f_test, classes, y_idx, loss)
        if loss == "zero_one":
            terms = [losses.zero_one(P, y_idx, y_star, pi, classes.size) for P in preds]
        else:
            terms = [losses.log_loss(P, y_idx, pi) for P in preds]
    keys = terms[0].keys()
    cols = {k: np.array([t[k] for t in terms]) for k in keys}
    main = {k: cols.pop(k) for k in ("error", "bias2", "variance", "noise")}
    name = sampling if isinstance(sampling, str) else "callable"
    return BiasVarianceResult(lams, **main, loss=loss, n_rounds=n_rounds, sampling=name,
                              extra=cols, noise_source=source)


# -- the noise of the test targets (squared loss, truth unknown) ----------------------------------
def _noise_estimate(noise, loss, f_test, X_te, y_te):
    """``(σ̂² or None, noise_source)`` for the ``noise`` argument of :func:`bias_variance`."""
    if noise is None:
        return None, "truth" if f_test is not None else "unknown"
    if loss != "squared":
        raise ValueError(f"noise= applies to the squared loss; for loss={loss!r} pass true "
                         "class probabilities as f_test to get the noise term")
    if f_test is not None:
        raise ValueError("pass f_test (the truth gives the noise exactly) or noise (an "
                         "estimate when the truth is unknown), not both")
    Y = np.asarray(y_te, dtype=np.float64).reshape(len(y_te), -1)
    if isinstance(noise, str):
        Xt = np.asarray(X_te, dtype=np.float64)
        m = Y.shape[0]
        if noise == "replicates":
            _, group = np.unique(Xt, axis=0, return_inverse=True)
            group = np.ravel(group)
            n_groups = int(group.max()) + 1
            if m - n_groups < 1:
                raise ValueError("noise='replicates' needs repeated rows in the test set (the "
                                 "same x measured more than once), and every test row is "
                                 "distinct; pass a known noise variance or noise='ols'")
            counts = np.bincount(group, minlength=n_groups)
            means = np.stack([np.bincount(group, Y[:, t], n_groups) / counts
                              for t in range(Y.shape[1])], axis=1)
            return float(np.mean(np.sum((Y - means[group]) ** 2, axis=0) / (m - n_groups))), \
                "replicates"
        if noise == "ols":
            A = np.column_stack([np.ones(m), Xt])
            coef, _, rank, _ = np.linalg.lstsq(A, Y, rcond=None)
            if m - rank < 1:
                raise ValueError(f"noise='ols' needs more test rows than fitted coefficients "
                                 f"({m} rows, rank {rank}); use a larger test set, "
                                 "noise='replicates' or a known noise variance")
            return float(np.mean(np.sum((Y - A @ coef) ** 2, axis=0) / (m - rank))), "ols"
        raise ValueError(f"noise must be None, a number >= 0, 'replicates' or 'ols', got "
                         f"{noise!r}")
    if isinstance(noise, bool) or not isinstance(noise, (Real, np.number)) \
            or not np.isfinite(noise) or noise < 0:
        raise ValueError(f"noise as a number is the noise variance and must be finite and >= 0, "
                         f"got {noise!r}")
    return float(noise), "given"


# -- drawing training sets -----------------------------------------------------------------------
def _check_grid(lams):
    if isinstance(lams, (Integral, np.integer)) and not isinstance(lams, bool):
        raise TypeError("lams must be an array of λ values here, not a grid size; e.g. "
                        "np.geomspace(10, 1e-4, 20)")
    arr = np.asarray(lams, dtype=float).ravel()
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr < 0):
        raise ValueError(f"lams must be a non-empty array of finite values >= 0, got {lams!r}")
    return np.sort(arr)[::-1].copy()


def _count(size, n, name):
    if isinstance(size, bool) or not isinstance(size, (Real, np.number)):
        raise ValueError(f"{name} must be a fraction in (0, 1] or a number of rows, got {size!r}")
    if isinstance(size, (Integral, np.integer)):
        return int(size)
    if not 0 < size <= 1:
        raise ValueError(f"{name} as a float is a fraction and must lie in (0, 1], got {size!r}")
    return int(np.ceil(size * n))


def _draws(sampling, train_size, X_pool, y_pool, n_rounds, rng):
    """``n_rounds`` training sets, drawn now: ``(X, y, rows)``, the set being ``X[rows]``,
    ``y[rows]`` (the pool and the drawn indices; a callable's sets with all their rows)."""
    if callable(sampling):
        sets = [sampling(rng) for _ in range(n_rounds)]
        return [(X_s, np.asarray(y_s), np.arange(len(y_s))) for X_s, y_s in sets]
    if sampling not in ("bootstrap", "subsample"):
        raise ValueError(f"sampling must be 'bootstrap', 'subsample' or a callable rng -> "
                         f"(X_train, y_train), got {sampling!r}")
    n_pool = y_pool.shape[0]
    replace = sampling == "bootstrap"
    default = n_pool if replace else max(2, n_pool // 2)
    size = default if train_size is None else _count(train_size, n_pool, "train_size")
    if not 2 <= size <= (np.inf if replace else n_pool):
        raise ValueError(f"train_size gives {size} rows from a pool of {n_pool}; a subsample "
                         f"needs between 2 and {n_pool}")
    return [(X_pool, y_pool, rng.choice(n_pool, size=size, replace=replace))
            for _ in range(n_rounds)]


def _truth(f_test, classes, y_idx, loss):
    """``(y_star, pi)``: optimal class indices (m,) and the class distribution (m, K) the
    observed labels are drawn from; ``(None, None)`` when the truth is unknown.

    Labels as ``f_test`` give ``y*`` and leave the observed label as the draw (``π`` one-hot of
    ``y``); probabilities give both.
    """
    if f_test is None:
        return None, None
    m, K = y_idx.shape[0], classes.size
    if f_test.ndim == 2:
        if f_test.shape != (m, K):
            raise ValueError(f"f_test as probabilities must have shape (n_test, n_classes) = "
                             f"{(m, K)}, got {f_test.shape}")
        pi = f_test.astype(float)
        return np.argmax(pi, axis=1), pi
    if loss == "log":
        raise ValueError("for the log loss f_test must hold true class probabilities of shape "
                         "(n_test, n_classes); labels alone do not determine the noise")
    idx = np.searchsorted(classes, f_test)
    if np.any(idx >= K) or np.any(classes[np.minimum(idx, K - 1)] != f_test):
        raise ValueError("f_test holds labels that are not among the classes of y")
    return idx, np.eye(K)[y_idx]


# -- predictions on the test rows for every λ, one draw -------------------------------------------
class _DecompositionFold:
    """One draw of an estimator with ``decompose`` (ridge): one decomposition, every λ."""

    def __init__(self, estimator, X, y, rows, X_te):
        self.estimator, self.X, self.y, self.rows, self.X_te = estimator, X, y, rows, X_te

    def predict(self, lams):
        lams = np.asarray(lams, dtype=float)
        y_tr = self.y[self.rows]
        dec = self.estimator.decompose(_safe_indexing(self.X, self.rows), y_tr,
                                       lam_min=float(lams.min()))
        pred = dec.grid_predictor(np.asarray(self.X_te, dtype=np.float64)).predict(lams)
        return pred[..., 0] if np.ndim(y_tr) == 1 else pred               # (m, L[, t])
