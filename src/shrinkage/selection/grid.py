r"""The λ grids: every default grid of the package, and their extension past an edge.

Default grids (geometric, largest λ first)
------------------------------------------
:func:`ridge_grid`
    Ridge: from ``10² d²_max / S`` down six decades (``d²_max`` the largest eigenvalue of the
    weighted, standardized Gram matrix: λ there shrinks every direction to about 1 %).
:func:`l2_grid_top`, :func:`logistic_grid`
    L2 logistic / softmax: glmnet's ridge grid, from where every standardized coefficient is
    about 1e-3 (``λ ≈ max|g(0)|/(2·1e-3)``, ``g(0)`` the null gradient in penalized units) down
    four decades.
:func:`sparse_grid`
    Elastic net / lasso / group lasso: from ``λ_max`` (every penalized coefficient zero) down to
    ``lam_min_ratio · λ_max``.
:func:`search_grid`
    Any estimator (:class:`~shrinkage.selection.LamSearchCV`): 1e-1 down to 1e-5.
:func:`evidence_ridge_grid`, :func:`evidence_logistic_grid`
    The evidence searches (:mod:`shrinkage.selection.evidence`): wide grids refined by a
    continuous search.

Extension past an edge
----------------------
A default grid is only a guess. When the best λ is its smallest (or largest) value, the
optimum may lie beyond, so :func:`extend_while_on_edge` adds the values of a few more decades
beyond that edge, at the grid's own spacing (:func:`extension`), evaluates only the new
candidates (warm-started paths continue from where they stopped), and repeats — at most
``max_extensions`` times. Each estimator says how many decades a step adds and on which sides
it may extend (and, where the score provably stops changing, at which λ: ridge's range is
bounded by its spectrum, :func:`ridge_flat_limits`); a user's grid is never extended, a warning says when its best λ is on an edge
(:func:`~shrinkage.selection.rules.warn_on_edge`).
"""

from __future__ import annotations

import numpy as np

from ..solvers.null import null_gradient

__all__ = ["ridge_grid", "ridge_flat_limits", "l2_grid_top", "smooth_grid_top", "logistic_grid", "sparse_grid", "search_grid",
           "evidence_ridge_grid", "evidence_logistic_grid", "extension", "extend_while_on_edge",
           "L2_COEF", "L2_RATIO"]

#: glmnet's ridge grid: at its top every standardized coefficient is about this size …
L2_COEF = 1e-3
#: … and it spans this ratio (four decades)
L2_RATIO = 1e-4
_SEARCH_TOP, _SEARCH_BOTTOM = 1e-1, 1e-5


def _geometric(top, ratio, size, single=None):
    if size > 1:
        return np.geomspace(top, top * ratio, size)
    return np.array([top if single is None else single])


def ridge_grid(d2_max: float, S: float, size: int) -> np.ndarray:
    """``size`` values from ``10² d²_max / S`` down six decades (one value: ``d²_max/(10 S)``)."""
    hi = 1e2 * (d2_max if d2_max > 0 else 1.0) / S
    return _geometric(hi, 1e-6, size, single=hi * 1e-3)


def ridge_flat_limits(d2, S: float) -> tuple[float, float]:
    """The λ range outside which a ridge fit no longer depends on λ to rounding: below
    ``Sλ = eps·d²_min`` every gain ``d²/(d² + Sλ)`` is 1, above ``Sλ = d²_max/eps`` every
    direction is shrunk below ``eps`` of its least-squares size (``d2`` the spectrum of the
    penalized part). The automatic grid's extensions stop there."""
    d2 = np.asarray(d2, dtype=np.float64)
    if d2.size == 0 or not d2.max() > 0:
        return 0.0, np.inf
    eps = np.finfo(np.float64).eps
    return eps * float(d2.min()) / S, float(d2.max()) / eps / S


def l2_grid_top(null_grad, weights, coef: float = L2_COEF) -> float:
    r"""Top of the L2 grid: the λ where the largest ridge coefficient is about ``coef``.

    For large λ the ridge solution in penalized units ``u_j = √w_j β_j`` is about
    ``g_j / (2λ √w_j)`` (``g(0)`` the null gradient, ``w_j`` the penalty weights per unit λ), so
    ``λ_top = max_j |g_j| / √w_j / (2 · coef)``; 1.0 when nothing is penalized or ``g(0) = 0``.

    Parameters
    ----------
    null_grad : ndarray of shape (n_features,) or (K, n_features)
    weights : ndarray of shape (n_features,)
    coef : float, default=1e-3
    """
    w = np.asarray(weights, dtype=np.float64)
    pen = w > 0
    if not np.any(pen):
        return 1.0
    g = np.abs(np.atleast_2d(null_grad)[:, pen]) / np.sqrt(w[pen])
    top = float(g.max()) if g.size else 0.0
    return top / (2 * coef) if top > 0 else 1.0


def smooth_grid_top(obj) -> float:
    """:func:`l2_grid_top` of a :class:`~shrinkage.solvers.objective.SmoothObjective`: the null
    gradient of its data and datafit in standardized coordinates, its penalty weights per unit
    λ (``f / s²``), at its offset if it has one. An objective over Dask blocks carries its null gradient (``null_grad``)."""
    g = getattr(obj, "null_grad", None)
    if g is None:
        g = null_gradient(obj.X, obj.Y, obj.sw, datafit=obj.datafit,
                          fit_intercept=obj.fit_intercept, standardize=True,
                          offset=getattr(obj, "offset", None))
    return l2_grid_top(g, obj.f / obj.s ** 2)


def logistic_grid(top: float, size: int) -> np.ndarray:
    """``size`` values from ``top`` (:func:`l2_grid_top`) down :data:`L2_RATIO`."""
    return _geometric(top, L2_RATIO, size)


def sparse_grid(lam_max: float, size: int, lam_min_ratio: float) -> np.ndarray:
    """``size`` values from ``λ_max`` down to ``lam_min_ratio · λ_max`` (``λ_max`` not finite
    and positive, as with nothing to select: from 1)."""
    if not 0 < lam_min_ratio < 1:
        raise ValueError(f"lam_min_ratio must lie in (0, 1), got {lam_min_ratio!r}")
    top = lam_max if np.isfinite(lam_max) and lam_max > 0 else 1.0
    return _geometric(top, lam_min_ratio, size)


def search_grid(size: int) -> np.ndarray:
    """``size`` values from 1e-1 down to 1e-5 (one value: 1e-1)."""
    return _geometric(_SEARCH_TOP, _SEARCH_BOTTOM / _SEARCH_TOP, size)


def evidence_ridge_grid(d2, S: float, size: int = 181) -> np.ndarray:
    """The ridge evidence's search grid: ``Sλ`` from ``1e6·d²_max`` down to
    ``1e-4·min(d²_min, 1e-8·d²_max)``, at least ten points per decade (``d2`` the spectrum)."""
    d2 = np.asarray(d2)
    top = float(d2.max()) if d2.size else 1.0
    bottom = float(min(d2.min(), 1e-8 * top)) if d2.size else 1e-8
    hi, lo = 1e6 * top, 1e-4 * bottom
    size = max(size, int(np.ceil(10 * np.log10(hi / lo))) + 1)
    return np.geomspace(hi, lo, size) / S


def evidence_logistic_grid(top: float, size: int = 31) -> np.ndarray:
    """The logistic evidence's search grid: ``size`` values over six decades from ``top``."""
    return np.geomspace(top, top * 1e-6, size)


def spacing(grid) -> float:
    """The ratio between neighbours of a geometric grid (> 1)."""
    g = np.unique(np.asarray(grid, dtype=float))[::-1]
    return float(g[0] / g[1]) if g.size > 1 else 10.0


def extension(grid, side: str, decades: float) -> np.ndarray:
    """The values beyond ``side`` (``"low"`` or ``"high"``) of the geometric ``grid`` covering
    ``decades`` decades at its spacing (rounded up to whole steps), largest first."""
    r = spacing(grid)
    count = max(1, int(np.ceil(decades * np.log(10.0) / np.log(r) - 1e-6)))
    if side == "low":
        return float(np.min(grid)) * r ** -np.arange(1.0, count + 1)
    return float(np.max(grid)) * r ** np.arange(float(count), 0.0, -1.0)


def limited_extension(grid, side: str, decades: float, limits=(0.0, np.inf)):
    """:func:`extension` cut at ``limits`` (up to and including the first value beyond), or
    None when ``grid`` already reaches that limit: the values one extension of
    :func:`extend_while_on_edge` evaluates."""
    lo, hi = limits
    if np.min(grid) <= lo if side == "low" else np.max(grid) >= hi:
        return None
    new = extension(grid, side, decades)
    beyond = np.flatnonzero(new <= lo if side == "low" else new >= hi)
    if beyond.size:                   # largest first: keep up to the first value beyond
        new = new[:beyond[0] + 1] if side == "low" else new[beyond[-1]:]
    return new


def edge(sel, grid) -> str | None:
    """``"low"`` or ``"high"`` when the best λ of the selection ``sel`` is that edge of ``grid``."""
    if np.unique(grid).size < 2:
        return None
    if sel.lam_min == np.min(grid):
        return "low"
    if sel.lam_min == np.max(grid):
        return "high"
    return None


def extend_while_on_edge(grid, evaluate, choose, *, decades: float, max_extensions: int = 3,
                         sides=("low", "high"), limits=(0.0, np.inf)):
    """Extend ``grid`` past the edge holding the best λ until it is interior (module docstring).

    Parameters
    ----------
    grid : ndarray
        The grid evaluated so far.
    evaluate : callable ``(new_lams, side) -> None``
        Evaluates the new candidates and merges them into the caller's results.
    choose : callable ``() -> (Selection, grid)``
        The current selection and the whole grid.
    decades : float
        Decades added by each extension.
    max_extensions : int, default=3
    sides : tuple of str
        The edges that may be extended.
    limits : (float, float), default=(0, inf)
        The λ range past which the score cannot change (e.g. ridge's, where the fit no longer
        depends on λ to rounding): an edge at or beyond its limit is not extended, and an
        extension stops at the first value beyond it.

    Returns
    -------
    sel : Selection
    grid : ndarray
    still_on_edge : str or None
        The edge the best λ still sits on after the last extension.
    """
    sel, grid = choose()
    for _ in range(max_extensions):
        side = edge(sel, grid)
        new = None if side not in sides else limited_extension(grid, side, decades, limits)
        if new is None:
            break
        evaluate(new, side)
        sel, grid = choose()
    side = edge(sel, grid)
    return sel, grid, side if side in sides else None
