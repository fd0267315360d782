"""What λ does to the fitted weights: coefficient paths, df(λ), weight norms, L1 vs L2 sparsity.

For :class:`~shrinkage.Ridge` (and :class:`~shrinkage.RidgeCV`'s settings) one decomposition of the
design gives the whole path (:mod:`shrinkage.solvers.ridge`). Other estimators are refitted
from the largest λ down, warm-started when they have a ``warm_start`` parameter (scikit-learn's
Lasso and ElasticNet do). Any estimator with a ``lam`` parameter works, and so does a callable
``λ -> fitted estimator``, so estimators with other strength conventions can be compared
through a small adapter.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import copy
from dataclasses import dataclass, field

import numpy as np
from sklearn.base import clone

from .._optional import require
from ..solvers.objective import logistic_effective_df
from .decomposition import _check_grid

if TYPE_CHECKING:                      # annotations only (src/shrinkage/_typing.py)
    import pandas as pd
    from typing import Any

    from .._typing import ArrayLike, MatrixLike

__all__ = ["PathResult", "SparsityResult", "NetworkPath", "coefficient_path", "df_path",
           "weight_norms", "weight_norm_path", "network_path", "sparsity_comparison",
           "logistic_effective_df"]


@dataclass
class PathResult:
    """Coefficients along a λ grid.

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
        Largest first.
    coef : ndarray of shape (n_lams, n_features) or (n_lams, n_outputs, n_features)
        On the original feature scale; the middle axis only for several targets or classes.
    intercept : ndarray of shape (n_lams,) or (n_lams, n_outputs)
    df : ndarray of shape (n_lams,)
        Effective degrees of freedom: ridge ``Σ d²/(d² + Sλ)``; an estimator's ``df_``; L2
        logistic regression the trace of the penalized hat matrix at the fit
        (:func:`logistic_effective_df`); otherwise the number of non-zero coefficients (the
        lasso's df).
    feature_names : list of str
    """

    lams: np.ndarray
    coef: np.ndarray
    intercept: np.ndarray
    df: np.ndarray
    feature_names: list = field(default_factory=list)

    def n_nonzero(self, tol: float = 0.0) -> np.ndarray:
        """Number of coefficients with ``|w| > tol`` per λ, shape (n_lams,)."""
        return np.sum(np.abs(self.coef.reshape(self.lams.size, -1)) > tol, axis=1)

    def to_frame(self) -> pd.DataFrame:
        """A pandas DataFrame: one row per λ, columns ``lam``, ``df`` and one per coefficient."""
        pd = require("pandas", "to_frame()", extra="pandas")
        C = self.coef.reshape(self.lams.size, -1)
        names = (self.feature_names if self.coef.ndim == 2 else
                 [f"{k}:{f}" for k in range(self.coef.shape[1]) for f in self.feature_names])
        frame = pd.DataFrame(C, columns=names)
        frame.insert(0, "df", self.df)
        frame.insert(0, "lam", self.lams)
        return frame


@dataclass
class SparsityResult:
    """L1 vs L2 (or any estimators) along one λ grid.

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
    paths : dict of str to PathResult
    n_nonzero, l1_norm, l2_norm, max_abs : dict of str to ndarray of shape (n_lams,)
        Per estimator: the number of coefficients with ``|w| > tol``, ``‖w‖₁``, ``‖w‖₂`` and
        ``max |w_j|``.
    tol : float
    """

    lams: np.ndarray
    paths: dict
    n_nonzero: dict
    l1_norm: dict
    l2_norm: dict
    max_abs: dict
    tol: float = 0.0

    def to_frame(self) -> pd.DataFrame:
        """A long pandas DataFrame: ``estimator, lam, n_nonzero, l1_norm, l2_norm, max_abs``."""
        pd = require("pandas", "to_frame()", extra="pandas")
        parts = [pd.DataFrame({"estimator": name, "lam": self.lams,
                               "n_nonzero": self.n_nonzero[name], "l1_norm": self.l1_norm[name],
                               "l2_norm": self.l2_norm[name], "max_abs": self.max_abs[name]})
                 for name in self.paths]
        return pd.concat(parts, ignore_index=True)


def coefficient_path(estimator: Any, X: MatrixLike, y: ArrayLike, lams: ArrayLike, *,
                     warm_start: bool = True) -> PathResult:
    """Coefficients for every λ of a grid.

    Parameters
    ----------
    estimator : estimator with a ``lam`` parameter, a ``…CV`` estimator, or callable
        A :class:`~shrinkage.Ridge` (or :class:`~shrinkage.RidgeCV`, whose fitting settings are
        used) is solved for the whole grid from one decomposition. Any other estimator is
        cloned and refitted per λ, largest first, warm-started if it has ``warm_start``. A
        callable ``λ -> fitted estimator`` (with ``coef_``) is called once per λ.
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,) or (n_samples, n_targets)
    lams : array-like of shape (n_lams,)
    warm_start : bool, default=True
        Use the estimator's ``warm_start`` parameter when it has one.

    Returns
    -------
    PathResult

    Examples
    --------
    >>> import numpy as np; from shrinkage import Ridge
    >>> from shrinkage.diagnostics import coefficient_path
    >>> X = np.array([[0.0, 1.0], [1.0, 0.0], [2.0, 1.0], [3.0, 3.0]])
    >>> y = np.array([1.0, 2.0, 4.0, 7.0])
    >>> path = coefficient_path(Ridge(), X, y, [100.0, 0.1, 0.0])
    >>> path.coef.round(3)
    array([[0.02 , 0.018],
           [1.365, 0.713],
           [1.543, 0.652]])
    >>> path.df.round(3)
    array([0.02 , 1.683, 2.   ])
    """
    lams = _check_grid(lams)
    names = _feature_names(X)
    ridge = _decomposable(estimator)
    if ridge is not None:
        return _ridge_path(ridge, X, y, lams, names)
    one = _one_lam(estimator) if hasattr(estimator, "fit") else None
    whole = one._coef_path(X, y, lams) if one is not None and hasattr(one, "_coef_path") else None
    if whole is not None:                                 # the lasso and elastic net
        coef, icpt = whole
        return PathResult(lams, coef, icpt, np.count_nonzero(coef, axis=1).astype(float), names)
    fits = _fitted_along(estimator, X, y, lams, warm_start)
    coefs, icpts, dfs = [], [], []
    for est in fits:
        if not hasattr(est, "coef_"):
            raise TypeError(f"{type(est).__name__} has no coef_; for networks use "
                            "weight_norm_path (per-layer norms against λ)")
        c = np.asarray(est.coef_, dtype=float)
        coefs.append(c[0] if c.ndim == 2 and c.shape[0] == 1 else c)
        b = np.asarray(getattr(est, "intercept_", 0.0), dtype=float)
        icpts.append(b.ravel()[0] if b.size == 1 else b)
        dfs.append(_effective_df(est, X, c))
    return PathResult(lams, np.stack(coefs), np.stack(icpts), np.array(dfs), names)


def df_path(estimator: Any, X: MatrixLike, y: ArrayLike, lams: ArrayLike) -> np.ndarray:
    """Effective degrees of freedom for every λ, shape (n_lams,), λ largest first.

    Ridge: ``Σ_k d_k²/(d_k² + Sλ)`` (plus unpenalized features) from one decomposition; other
    estimators: their ``df_``; L2 logistic regression: ``tr(H (H + P)⁺)`` at each fit (``H`` the
    data Hessian, ``P`` the penalty's; the intercepts not counted; see
    :func:`logistic_effective_df`); else the number of non-zero coefficients.

    Parameters
    ----------
    estimator, X, y, lams
        As in :func:`coefficient_path`.

    Returns
    -------
    df : ndarray of shape (n_lams,)

    Examples
    --------
    >>> import numpy as np; from shrinkage import Ridge; from shrinkage.diagnostics import df_path
    >>> X = np.random.default_rng(0).normal(size=(50, 4)); y = X[:, 0]
    >>> df_path(Ridge(), X, y, [1e6, 1.0, 0.0]).round(3)
    array([0.   , 1.966, 4.   ])
    """
    return coefficient_path(estimator, X, y, lams).df


def weight_norms(obj: Any) -> np.ndarray:
    """Per-layer Frobenius norms ``‖W_l‖_F`` per epoch, shape (n_epochs, n_layers).

    Parameters
    ----------
    obj : fitted network (with ``history_``) or its history dict

    Returns
    -------
    norms : ndarray of shape (n_epochs, n_layers)

    Examples
    --------
    >>> from sklearn.datasets import load_diabetes
    >>> from shrinkage import MLPRegressor
    >>> from shrinkage.diagnostics import weight_norms
    >>> net = MLPRegressor((8,), lam=0.01, max_epochs=5, random_state=0)
    >>> weight_norms(net.fit(*load_diabetes(return_X_y=True, scaled=True))).shape
    (5, 2)
    """
    history = getattr(obj, "history_", obj)
    if not isinstance(history, dict) or "weight_norms" not in history:
        raise TypeError("weight_norms needs a fitted network (history_) or a history dict with "
                        f"'weight_norms', got {type(obj).__name__}")
    return np.asarray(history["weight_norms"], dtype=float).reshape(len(history["weight_norms"]), -1)


def weight_norm_path(estimator: Any, X: MatrixLike, y: ArrayLike, lams: ArrayLike) -> np.ndarray:
    """Per-layer norms of the final weights for every λ, shape (n_lams, n_layers).

    A network gives ``‖W_l‖_F`` per weight matrix (``coefs_``); a linear model one column,
    ``‖w‖₂``. Each λ is fitted from the estimator's own ``random_state`` (a paired comparison).

    Parameters
    ----------
    estimator : estimator with a ``lam`` parameter
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    lams : array-like of shape (n_lams,)

    Returns
    -------
    norms : ndarray of shape (n_lams, n_layers)
        λ largest first.

    Examples
    --------
    >>> import numpy as np; from shrinkage import MLPRegressor
    >>> from shrinkage.diagnostics import weight_norm_path
    >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = X.sum(axis=1)
    >>> net = MLPRegressor((8,), max_epochs=30, learning_rate=1e-2, random_state=0)
    >>> norms = weight_norm_path(net, X, y, [1.0, 0.0])
    >>> norms.shape, bool(np.all(norms[0] < norms[1]))
    ((2, 2), True)
    """
    lams = _check_grid(lams)
    return np.array([_layer_norms(est)
                     for est in _fitted_along(estimator, X, y, lams, warm_start=False)])


@dataclass
class NetworkPath:
    """A network fitted at every λ of a grid (:func:`network_path`).

    Attributes
    ----------
    lams : ndarray of shape (n_lams,)
        Largest first.
    weight_norms : ndarray of shape (n_lams, n_layers)
        ``‖W_l‖_F`` of each weight matrix at the end of training.
    data_loss, loss : ndarray of shape (n_lams,)
        The last epoch's training data loss and objective (data loss + penalty), as in
        ``history_``.
    n_epochs : ndarray of shape (n_lams,)
    val_loss : ndarray of shape (n_lams,)
        The last epoch's data loss on the held-out rows ``X_val, y_val`` (NaN without them).
    """

    lams: np.ndarray
    weight_norms: np.ndarray
    data_loss: np.ndarray
    loss: np.ndarray
    n_epochs: np.ndarray
    val_loss: np.ndarray


def network_path(estimator: Any, X: MatrixLike, y: ArrayLike, lams: ArrayLike, *,
                 X_val: MatrixLike = None, y_val: ArrayLike | None = None) -> NetworkPath:
    """A network's path: per-layer weight norms and the training (and held-out) loss at every
    λ of a grid.

    What a network has instead of a coefficient path: each λ is fitted from the estimator's own
    ``random_state`` (a paired comparison, as :func:`weight_norm_path`); larger λ, smaller
    weights and a larger training loss. With ``X_val, y_val`` each fit also measures its data
    loss on those rows (the network's ``fit(..., X_val=, y_val=)``; without early stopping the
    weights are the last epoch's either way), one held-out curve against λ; averaged over folds
    it is what cross-validation draws (:class:`~shrinkage.selection.LamSearchCV`, ``shrinkage
    cv --model mlp``).

    Parameters
    ----------
    estimator : MLPClassifier or MLPRegressor
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    lams : array-like of shape (n_lams,)
    X_val : array-like of shape (n_val, n_features), optional
    y_val : array-like of shape (n_val,), optional
        Held-out rows (both or neither).

    Returns
    -------
    NetworkPath

    Examples
    --------
    >>> import numpy as np; from shrinkage import MLPRegressor
    >>> from shrinkage.diagnostics import network_path
    >>> X = np.random.default_rng(0).normal(size=(40, 3)); y = X.sum(axis=1)
    >>> net = MLPRegressor((8,), max_epochs=30, learning_rate=1e-2, random_state=0)
    >>> path = network_path(net, X, y, [1.0, 0.0])
    >>> path.weight_norms.shape, bool(path.data_loss[0] > path.data_loss[1])
    ((2, 2), True)
    """
    lams = _check_grid(lams)
    if (X_val is None) != (y_val is None):
        raise ValueError("pass both X_val and y_val (the held-out rows), or neither")
    held = {} if X_val is None else {"X_val": X_val, "y_val": y_val}
    norms, data, total, epochs, val = [], [], [], [], []
    for est in _fitted_along(estimator, X, y, lams, warm_start=False, **held):
        if not hasattr(est, "history_"):
            raise TypeError(f"network_path needs a network (history_), got {type(est).__name__}; "
                            "for a linear model use coefficient_path")
        norms.append(_layer_norms(est))
        data.append(est.history_["data_loss"][-1])
        total.append(est.history_["loss"][-1])
        epochs.append(len(est.history_["loss"]))
        val.append(est.history_["val_loss"][-1] if held else np.nan)
    return NetworkPath(lams, np.array(norms), np.array(data, dtype=float),
                       np.array(total, dtype=float), np.array(epochs), np.array(val, dtype=float))


def sparsity_comparison(X: MatrixLike, y: ArrayLike, lams: ArrayLike, estimators: dict, *,
                        tol: float = 0.0) -> SparsityResult:
    """Coefficient paths of several estimators on one λ grid: sizes and non-zeros side by side.

    Parameters
    ----------
    X : array-like of shape (n_samples, n_features)
    y : array-like of shape (n_samples,)
    lams : array-like of shape (n_lams,)
    estimators : dict of str to estimator or callable
        Each as in :func:`coefficient_path`, e.g. ``{"L2": Ridge(), "L1": Lasso()}``.
    tol : float, default=0.0
        A coefficient counts as non-zero when ``|w| > tol``.

    Returns
    -------
    SparsityResult

    Examples
    --------
    >>> import numpy as np; from sklearn.linear_model import Lasso; from shrinkage import Ridge
    >>> from shrinkage.diagnostics import sparsity_comparison
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(100, 6)); y = X[:, 0] + 0.5 * X[:, 1] + 0.1 * rng.normal(size=100)
    >>> lasso = lambda lam: Lasso(alpha=lam / 2).fit(X, y)   # λ|w| with (1/n)Σ(y − ŷ)²
    >>> res = sparsity_comparison(X, y, [0.5, 0.05], {"L2": Ridge(), "L1": lasso})
    >>> res.n_nonzero["L2"].tolist(), res.n_nonzero["L1"].tolist()
    ([6, 6], [2, 2])
    """
    lams = _check_grid(lams)
    if not estimators:
        raise ValueError("estimators is empty; pass e.g. {'L2': Ridge(), 'L1': Lasso()}")
    paths = {name: coefficient_path(est, X, y, lams) for name, est in estimators.items()}
    flat = {name: np.abs(p.coef.reshape(lams.size, -1)) for name, p in paths.items()}
    return SparsityResult(
        lams, paths,
        n_nonzero={k: np.sum(C > tol, axis=1) for k, C in flat.items()},
        l1_norm={k: C.sum(axis=1) for k, C in flat.items()},
        l2_norm={k: np.sqrt(np.sum(C * C, axis=1)) for k, C in flat.items()},
        max_abs={k: C.max(axis=1, initial=0.0) for k, C in flat.items()},
        tol=float(tol))


# -- helpers -------------------------------------------------------------------------------------
def _layer_norms(est) -> list:
    """``‖W_l‖_F`` per weight matrix of a network (``coefs_``), or ``[‖w‖₂]`` of a linear model."""
    mats = est.coefs_ if hasattr(est, "coefs_") else [est.coef_]
    return [float(np.linalg.norm(np.asarray(W, dtype=float))) for W in mats]


def _effective_df(est, X, coef):
    """The estimator's own ``effective_df`` (ridge ``Σ d²/(d²+Sλ)``, L2 logistic
    ``tr(H(H+P)⁺)``, sparse models their non-zeros), else the number of non-zero coefficients."""
    if hasattr(est, "effective_df"):
        return float(np.ravel(est.effective_df(X))[0])
    return float(np.count_nonzero(coef))


def _feature_names(X):
    cols = getattr(X, "columns", None)
    p = np.shape(X)[1]
    return [str(c) for c in cols] if cols is not None else [f"x{j}" for j in range(p)]


def _one_lam(estimator):
    """A CV estimator's one-λ form (``RidgeCV`` → ``Ridge``, ...) through the estimator's own
    ``_one_lam_estimator`` (:mod:`shrinkage.linear_model` is not imported here, so that its
    ``.plot()`` may import this package); any other estimator itself."""
    hook = getattr(estimator, "_one_lam_estimator", None)
    return hook() if callable(hook) else estimator


def _decomposable(estimator):
    """The estimator (or a CV estimator's one-λ form) when one decomposition gives its whole
    path (``decompose``, as :class:`~shrinkage.Ridge` has), else None."""
    est = _one_lam(estimator)
    return est if hasattr(est, "decompose") and np.ndim(getattr(est, "lam", 0.0)) == 0 else None


def _ridge_path(est, X, y, lams, names):
    from sklearn.utils.validation import check_X_y
    X, y = check_X_y(X, y, multi_output=True, y_numeric=True, dtype=np.float64)
    dec = est.decompose(X, y, lam_min=float(lams.min()))
    coef, icpt = dec.path(lams)                    # (L, t, p), (L, t)
    if y.ndim == 1:
        coef, icpt = coef[:, 0], icpt[:, 0]
    return PathResult(lams, coef, icpt, dec.df(lams), names)


def _fitted_along(estimator, X, y, lams, warm_start, **fit_kw):
    """Yield a fitted estimator per λ (largest first), fitted with ``fit(X, y, **fit_kw)``."""
    if callable(estimator) and not hasattr(estimator, "fit"):
        for lam in lams:
            yield estimator(float(lam))
        return
    est = _one_lam(estimator)
    params = est.get_params(deep=False)
    if "lam" not in params:
        raise TypeError(f"{type(est).__name__} has no 'lam' parameter; wrap it in a callable "
                        "λ -> fitted estimator (converting λ to its own strength)")
    warm = warm_start and "warm_start" in params
    current = clone(est).set_params(warm_start=True) if warm else None
    for lam in lams:
        if warm:   # refit the same object from its previous solution; hand out a frozen copy
            yield copy.deepcopy(current.set_params(lam=float(lam)).fit(X, y, **fit_kw))
        else:
            yield clone(est).set_params(lam=float(lam)).fit(X, y, **fit_kw)
