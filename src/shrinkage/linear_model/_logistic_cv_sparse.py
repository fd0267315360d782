r"""Sparse paths of :class:`~shrinkage.LogisticRegressionCV` (``l1_ratio > 0`` or a list of
ratios; glmnet's ``cv.glmnet(family="binomial" / "multinomial", alpha=…)``).

For each ``l1_ratio`` ρ every fold walks a λ grid from ``λ_max(ρ)`` (every penalized coefficient
zero, on all rows) down, each fit warm-started at the previous one
(:func:`sparse_logistic_path`: proximal Newton with coordinate descent,
:mod:`shrinkage.solvers.prox_newton`), and predicts the held-out class probabilities of the
whole stretch at once (:class:`_SparseLogisticFold`, run by
:class:`~shrinkage.selection.engine.FoldEngine`). With ``relax`` each fold's path solutions are
relaxed (:func:`~shrinkage.linear_model._logistic.relaxed_logistic`, one unpenalized fit per
support) before they are scored, so the λ chosen is the best for the relaxed model. The
candidates are the (ρ, λ) pairs; the chosen pair is refitted on all rows by
:class:`~shrinkage.LogisticRegression`.

Sparse ``X`` (CSR/CSC) is never densified: every fold's path runs on the CSC columns of its
training rows with implicit centring and scaling (:func:`glm_enet_path` for two classes,
:func:`solve_multinomial_enet` for more).
"""

from __future__ import annotations

import numpy as np

from .._validation import check_ratio, check_weighted_classes
from ..datafits import Logistic, SoftmaxCrossEntropy
from ..penalties import ElasticNet as ENPenalty
from ..selection.engine import FoldEngine, fold_weights, make_result
from ..selection.grid import sparse_grid
from ..selection.progress import ProgressBar
from ..selection.rules import warn_on_edge
from ..selection.scoring import get_scores
from ..solvers.null import null_gradient
from ..solvers.prox_newton import glm_enet_path, solve_multinomial_enet
from .._warnings import warn_user
from ._enet import relax_gamma
from ._enet_cv import RatioPathFold
from ._logistic import LogisticRegression, prepare, proba_from_eta, relaxed_logistic

__all__ = ["l1_ratios", "sparse_logistic_path", "fit_sparse_logistic_cv"]

#: downward extensions of the default grid, a decade each, while the best λ is its smallest
_MAX_EXTENSIONS = 3


def l1_ratios(l1_ratio) -> list:
    """The ``l1_ratio`` setting as a list of ratios in [0, 1] (one number or several)."""
    ratios = np.atleast_1d(np.asarray(l1_ratio, dtype=object))
    if ratios.ndim != 1 or ratios.size == 0:
        raise ValueError(f"l1_ratio must be a number in [0, 1] or a non-empty list of them, "
                         f"got {l1_ratio!r}")
    out = [check_ratio(r) for r in ratios]
    if len(set(out)) != len(out):
        raise ValueError(f"l1_ratio lists a ratio twice ({out}); give each ratio once")
    return out


def sparse_logistic_path(X, y_idx, n_classes, s, lams, rho, settings, coef0=None,
                         intercept0=None) -> list:
    """The elastic-net logistic (two classes) or softmax fits at ``lams`` (decreasing), each
    warm-started at the previous one (the first at ``coef0`` (K, p), ``intercept0`` (K,) when
    given). ``settings``: ``(penalty_factor, fit_intercept, standardize, tol, max_iter)``.
    Returns ``[(coef (K, p), intercept (K,)), …]`` on the original scale, ``K = 1`` for two
    classes.

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.linear_model._logistic_cv_sparse import sparse_logistic_path
    >>> rng = np.random.default_rng(0)
    >>> X = rng.normal(size=(200, 5)); y = (X[:, 0] + rng.normal(size=200) > 0).astype(int)
    >>> path = sparse_logistic_path(X, y, 2, None, [0.2, 0.05, 0.01], 1.0,
    ...                             (None, True, True, 1e-8, None))
    >>> [int(np.count_nonzero(c)) for c, _ in path]
    [1, 1, 4]
    """
    pf, fit_intercept, standardize, tol, max_iter = settings
    common = dict(l1_ratio=rho, penalty_factor=pf, fit_intercept=fit_intercept,
                  standardize=standardize, tol=tol)
    if n_classes == 2:
        path = glm_enet_path(X, y_idx.astype(np.float64), s, datafit=Logistic(), lams=lams,
                             max_iter=max_iter or 100, warn=False,
                             coef0=None if coef0 is None else coef0[0],
                             intercept0=None if intercept0 is None else intercept0[0], **common)
        return [(r.coef[None, :], np.atleast_1d(r.intercept)) for r in path]
    out = []
    for lam in lams:
        r = solve_multinomial_enet(X, y_idx, s, lam=float(lam), max_iter=max_iter or 200,
                                   coef0=coef0, intercept0=intercept0, warn=False, **common)
        coef0, intercept0 = r.coef, r.intercept
        out.append((r.coef, r.intercept))
    return out


class _SparseLogisticFold(RatioPathFold):
    """One fold's warm-started paths, one per ``l1_ratio``; ``predict(candidates)`` (dicts
    ``{"lam", "l1_ratio"}``, λ falling within each ratio) gives held-out class probabilities
    (n_test, n_candidates, n_classes). A stretch below the smallest λ walked at a ratio continues
    that ratio's path (``resume``); ``cache`` keeps the relaxed fit of each support."""

    def __init__(self, X, y_idx, n_classes, s, train, test, settings, gamma):
        self.X, self.y, self.K, self.s = X, y_idx, n_classes, s
        self.train, self.test, self.settings, self.gamma = train, test, settings, gamma
        self.resume, self.cache = {}, {}

    def state(self):
        return self.resume, self.cache

    def set_state(self, state):
        self.resume, self.cache = state

    def _walk(self, rho, lams):
        tr = self.train
        X, y, s = self.X[tr], self.y[tr], None if self.s is None else self.s[tr]
        last = self.resume.get(rho)
        start = last[1:] if last is not None and lams[0] < last[0] else (None, None)
        path = sparse_logistic_path(X, y, self.K, s, lams, rho, self.settings, *start)
        if last is None or lams[-1] < last[0]:
            self.resume[rho] = (float(lams[-1]), *path[-1])
        if self.gamma < 1.0:
            pf, fit_intercept, _, tol, max_iter = self.settings
            path = [relaxed_logistic(X, y, s, c, b, self.gamma, fit_intercept=fit_intercept,
                                     tol=tol, max_iter=max_iter, cache=self.cache)
                    for c, b in path]
        W = np.concatenate([c for c, _ in path])                     # (L·K, p)
        b = np.concatenate([b for _, b in path])
        eta = self.X[self.test] @ W.T + b                           # (n_test, L·K)
        L, K = len(path), path[0][0].shape[0]
        P = proba_from_eta(eta.reshape(-1, K))
        return P.reshape(eta.shape[0], L, P.shape[1])


def _grid_tops(X, Y, s, pf, n_classes, ratios, fit_intercept, standardize):
    """``λ_max(ρ)`` of every ratio on all rows (for ρ < 0.001 that of ρ = 0.001, as glmnet)."""
    g = null_gradient(X, Y, s, datafit=Logistic() if n_classes == 2 else SoftmaxCrossEntropy(),
                      fit_intercept=fit_intercept, standardize=standardize,
                      unpenalized=None if pf is None else pf == 0)
    return [ENPenalty(1.0, max(rho, 1e-3), pf).lam_max(g) for rho in ratios]


def fit_sparse_logistic_cv(est, X, y, sample_weight, groups, ratios, lams, cv_tol):
    """:meth:`LogisticRegressionCV.fit` with an L1 part or several ratios (module docstring):
    sets ``cv_results_``, ``lam_``, ``l1_ratio_``, ``lam_min_``, ``lam_1se_``, ``lams_``,
    ``scores_`` and the refit's attributes on ``est``."""
    X_in, y_in = X, y
    X, Y, y_idx, classes, s, pf = prepare(est, X, y, sample_weight)
    check_weighted_classes(classes, y_idx, s)
    K = classes.size
    gamma = relax_gamma(est.relax)
    if gamma < 1.0 and 0.0 in ratios:
        raise ValueError("relax refits on the support that an L1 part selects; l1_ratio=0 "
                         "keeps every feature: drop 0 from l1_ratio or set relax=False")
    scores = get_scores(est.scoring, classification=True, classes=classes)
    splits, n_repeats = est._splits(X, y_idx, groups)
    settings = (pf, est.fit_intercept, est.standardize, cv_tol, est.max_iter)
    folds = [_SparseLogisticFold(X, y_idx, K, s, tr, te, settings, gamma) for tr, te in splits]
    auto = isinstance(lams, int)
    if auto:
        n, p = X.shape
        tops = _grid_tops(X, Y, s, pf, K, ratios, est.fit_intercept, est.standardize)
        grids = [sparse_grid(t, lams, 1e-4 if n > p else 1e-2) for t in tops]
    else:
        grids = [np.asarray(lams, dtype=float)] * len(ratios)
    Y_eval = np.column_stack([1.0 - Y, Y]) if Y.ndim == 1 else Y
    bar = ProgressBar(len(folds) * sum(g.size for g in grids),
                      "cross-validation (fold × λ fits)", est.progress)
    engine = FoldEngine(folds, splits, Y_eval, scores, s, est.n_jobs, bar=bar)
    fw = fold_weights(est.cv_average, splits, s)

    def walk(stretches):
        cands = [{"lam": float(v), "l1_ratio": rho} for rho, g in zip(ratios, stretches)
                 for v in g]
        return cands, np.stack(engine.score_all(cands))      # (n_scores, n_cands, n_folds)

    def result(values):
        # candidates ratio-major, each ratio's λ falling
        order = [i for r in range(len(ratios)) for i in range(len(cands))
                 if cands[i]["l1_ratio"] == ratios[r]]
        c = [cands[i] for i in order]
        v = values[:, order]
        extra = {sc.name: v[m] for m, sc in enumerate(scores) if m > 0}
        res, sel = make_result([d["lam"] for d in c], rule=est.rule, scoring=scores[0].name,
                               fold_scores=v[0], params=c, n_repeats=n_repeats, extra=extra,
                               fold_weights=fw)
        return res, sel, c

    with bar:
        cands, values = walk(grids)
        res, sel, _ = result(values)
        for _ in range(_MAX_EXTENSIONS if auto else 0):
            best = res["params"][res.index_min]
            r = ratios.index(best["l1_ratio"])
            if best["lam"] != grids[r][-1] or grids[r].size < 2:
                break
            new = [g[-1] * (g[-1] / g[-2]) ** np.arange(1, int(np.ceil(
                1.0 / np.log10(g[-2] / g[-1]))) + 1) for g in grids]
            bar.add_total(len(folds) * sum(g.size for g in new))
            more, vals = walk(new)
            cands, values = cands + more, np.concatenate([values, vals], axis=1)
            grids = [np.concatenate([g, m]) for g, m in zip(grids, new)]
            res, sel, _ = result(values)
        else:
            if auto and res["params"][res.index_min]["lam"] == \
                    grids[ratios.index(res["params"][res.index_min]["l1_ratio"])][-1]:
                warn_user(f"the best λ ({sel.lam_min:.4g}) is still the smallest of the "
                          f"automatic grid after {_MAX_EXTENSIONS} extensions; pass a grid "
                          "as lams", UserWarning)
    if not auto and np.unique(grids[0]).size > 1:
        warn_on_edge(sel, grids[0])
    chosen = res["params"][res.index]
    est.cv_results_ = res
    est.lam_, est.l1_ratio_ = float(chosen["lam"]), float(chosen["l1_ratio"])
    est.lam_min_, est.lam_1se_ = sel.lam_min, sel.lam_1se
    est.lams_ = np.array(grids)
    est.scores_ = res["fold_scores"].reshape(len(ratios), grids[0].size, len(folds))
    single = LogisticRegression(
        est.lam_, l1_ratio=est.l1_ratio_, relax=est.relax, fit_intercept=est.fit_intercept,
        standardize=est.standardize, penalty_factor=est.penalty_factor, tol=est.tol,
        max_iter=est.max_iter, class_weight=est.class_weight)
    single.fit(X_in, y_in, sample_weight=sample_weight)
    for name in ("classes_", "coef_", "intercept_", "n_iter_", "solver_"):
        setattr(est, name, getattr(single, name))
    est.penalized_coef_ = getattr(single, "penalized_coef_", single.coef_)   # ρ = 0: no relax
    est.penalized_intercept_ = getattr(single, "penalized_intercept_", single.intercept_)
    return est
