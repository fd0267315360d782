r"""L2 logistic regression on Dask collections (see :mod:`shrinkage.linear_model._dask`).

Newton-Cholesky (:mod:`shrinkage.solvers.smooth`) on a
:class:`~shrinkage.solvers.blockwise.BlockwiseObjective` per training set: each iteration
sums the blocks' value, gradient and (when refreshed) Hessian; cross-validation walks every
fold's warm-started path and sums the held-out scores of all folds and λ in one pass.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np

from .._validation import check_penalty_factor
from ..solvers.blockwise import (BlockwiseObjective, Smallest, block_checks, check_totals,
                                 shift_of_first_block)
from ._dask import _pointwise_only, _refuse_groups, blocks_for

__all__ = ["logistic_blocks", "logistic_cv_parts", "fit_logistic"]


def logistic_blocks(est, X, y, sample_weight, cv=None):
    """Blocks, classes, class multipliers and, for all rows (key None) and every training
    fold (key k), ``(S, mean, scale, smallest positive weight, class weight sums)`` of a
    logistic fit on Dask data: one pass (:func:`_class_moments`) after a read of the first
    block (:func:`~shrinkage.solvers.blockwise.shift_of_first_block`)."""
    from .._validation import class_weighted
    from ..standardization import column_scale

    blocks = blocks_for(est, X, y, sample_weight)
    n_folds = 0
    if cv is not None:
        blocks, labels = blocks.with_folds(cv, est.random_state)
        n_folds = labels.size
    shift, _ = shift_of_first_block(blocks, True, targets=False)
    res = blocks.reduce(_class_moments, shift, n_folds)
    check_totals({"bad": res["bad"], "S": 1.0})
    sets = res["sets"]
    classes = np.array(sorted(sets[0]))
    if classes.size < 2:
        raise ValueError(f"y has only one class ({classes[0]!r}); a classifier needs at least "
                         "two classes")
    if classes.dtype.kind == "f" and not np.all(classes == np.round(classes)):
        raise ValueError("Unknown label type: y looks continuous; a classifier needs class "
                         "labels (for a numeric target use a regressor such as Ridge)")
    keys = [c.item() if hasattr(c, "item") else c for c in classes]
    totals = np.array([sets[0][k][0] for k in keys])
    if not totals.sum() > 0:
        raise ValueError("the sample weights sum to zero; give at least one row a positive weight")
    mult = np.ones(classes.size)
    if est.class_weight is not None:
        weighted = class_weighted(est.class_weight, classes, np.arange(classes.size), totals)
        mult = np.where(totals > 0, weighted / np.where(totals > 0, totals, 1.0), 0.0)
    stats = {}
    for key, per in zip([None, *range(n_folds)], sets):
        parts = [per.get(k, (0.0, 0.0, 0.0, Smallest(np.inf))) for k in keys]
        S_c = np.array([q[0] for q in parts]) * mult
        S = float(S_c.sum())
        if not S > 0:
            raise ValueError(f"training fold {key} has zero total weight; use fold ids that "
                             "leave weighted rows in every training fold")
        d = sum(m * q[1] for m, q in zip(mult, parts)) / S            # mean − shift
        var = sum(m * q[2] for m, q in zip(mult, parts)) / S - d * d
        mean = shift + d
        smallest = min((m * q[3].value for m, q in zip(mult, parts) if m > 0), default=np.inf)
        stats[key] = (S, mean if est.fit_intercept else np.zeros_like(mean),
                      column_scale(np.maximum(var, 0.0), mean), smallest, S_c)
    return SimpleNamespace(blocks=blocks, classes=classes, mult=mult, stats=stats,
                           n_folds=n_folds)


def _class_moments(xb, yb, sb, fb, start, shift, n_folds):
    """One block's share of :func:`logistic_blocks`: per training set (all rows, then each
    training fold) and per label, the weight sum, ``Σ s (x − shift)``, ``Σ s (x − shift)²``
    and the smallest positive weight (class weights are applied on the client); and the
    checks of :func:`~shrinkage.solvers.blockwise.block_checks`."""
    checks = block_checks(xb, yb, sb, start, False)
    xb = np.asarray(xb, dtype=np.float64)
    labels, idx = np.unique(np.asarray(yb).ravel(), return_inverse=True)
    s = (np.ones(xb.shape[0]) if sb is None else np.asarray(sb, dtype=np.float64).ravel())
    D = xb - shift
    sets = []
    for k in [None, *range(n_folds)]:
        rows = np.ones(xb.shape[0], bool) if k is None else np.asarray(fb).ravel() != k
        per = {}
        for j, lab in enumerate(labels):
            r = rows & (idx.ravel() == j)
            sr, Dr = s[r], D[r]
            pos = sr[sr > 0]
            per[lab.item() if hasattr(lab, "item") else lab] = (
                float(sr.sum()), sr @ Dr, sr @ (Dr * Dr),
                Smallest(float(pos.min()) if pos.size else np.inf))
        sets.append(per)
    return {"bad": checks["bad"], "sets": sets}


def logistic_objective_dask(est, info, stats, fold, lam, pf):
    """The :class:`~shrinkage.solvers.blockwise.BlockwiseObjective` of one training set, set
    up as :func:`~shrinkage.solvers.objective.logistic_objective` sets up an in-memory one."""
    S, mean, scale, min_w, _ = stats[fold]
    f = np.ones(info.blocks.p) if pf is None else np.asarray(pf, float)
    if est.standardize:
        f = f * scale ** 2
    return BlockwiseObjective(info.blocks, info.classes, fold, S, mean, scale, lam, f,
                              fit_intercept=est.fit_intercept, min_weight=min_w,
                              class_weights=info.mult)


def null_theta(obj, class_sums):
    """θ of the null model: zero coefficients, the intercepts of the class shares (the
    datafit's ``null_eta`` of one row per class, weighted by its share)."""
    theta = np.zeros(obj.n_theta)
    if obj.fit_intercept:
        K = class_sums.size
        Y = (np.arange(K) == 1).astype(float) if obj.binary else np.eye(K)
        theta[obj.K * obj.p:] = np.atleast_1d(
            obj.datafit.null_eta(Y, class_sums / class_sums.sum())).astype(float)
    return theta


def null_gradient_dask(obj, class_sums):
    """The data gradient at the null model (:func:`null_theta`), in standardized coordinates,
    shape (K, p): what :func:`~shrinkage.selection.grid.smooth_grid_top` reads."""
    g = obj._pass(null_theta(obj, class_sums))["gradient"]
    return g[: obj.K * obj.p].reshape(obj.K, obj.p)


class _DaskLogisticFold:
    """One fold's warm-started path on Dask data; keeps ``n_iter`` and ``coefs`` per λ as
    :class:`~shrinkage.linear_model._logistic_cv._LogisticFold` does."""

    def __init__(self, obj, settings, keep_coefs):
        self.obj, self.settings, self.keep_coefs = obj, settings, keep_coefs
        self.last = None
        self.n_iter, self.coefs = {}, {}

    def walk(self, lams):
        from ._logistic_cv import walk_fold_path

        tol, max_iter = self.settings
        return walk_fold_path(self, self.obj, lams, "newton-cholesky", tol, max_iter)


class _DaskLogisticEngine:
    """LogisticRegressionCV's engine on Dask data: ``score_all(lams)`` walks every fold's path
    and sums the held-out scores of all folds and λ in one pass (:func:`_logistic_score_block`)."""

    def __init__(self, info, folds, scoring, n_scores):
        self.info, self.folds, self.scoring, self.n_scores = info, folds, scoring, n_scores

    def score_all(self, lams):
        from concurrent.futures import ThreadPoolExecutor

        lams = np.asarray(lams, dtype=float)
        # the folds walk at once, each in a thread of this process: their passes are round
        # trips to the cluster, which serves them side by side
        with ThreadPoolExecutor(max_workers=len(self.folds)) as pool:
            walks = list(pool.map(lambda fold: fold.walk(lams), self.folds))
        coefs = [(np.stack([r.coef for r in res]), np.stack([r.intercept for r in res]))
                 for res in walks]
        sums = self.info.blocks.reduce(_logistic_score_block, coefs, self.info.classes,
                                       self.info.mult, self.scoring)
        out = [np.empty((lams.size, len(self.folds))) for _ in range(self.n_scores)]
        for k, (tot, S) in enumerate(sums):
            for m in range(self.n_scores):
                out[m][:, k] = (tot[m] / S).reshape(lams.size, -1).mean(axis=1) if S > 0 \
                    else np.nan
        return out


def _logistic_score_block(xb, yb, sb, fb, start, coefs, classes, mult, scoring):
    """Per fold: ``(Σ s·score terms per λ, Σ s)`` of the block's rows in that test fold."""
    from ..selection.scoring import get_scores
    from ..solvers.blockwise import _label_index
    from ._logistic import proba_from_eta

    xb = np.asarray(xb, dtype=np.float64)
    idx = _label_index(yb, classes)
    s = (np.ones(xb.shape[0]) if sb is None else np.asarray(sb, dtype=np.float64).ravel())
    s = s * mult[idx]
    scores = get_scores(scoring, classification=True, classes=classes)
    Y_eval = np.eye(classes.size)[idx]
    out = []
    for k, (W, b) in enumerate(coefs):                   # W (L, K', p), b (L, K')
        rows = np.asarray(fb).ravel() == k
        L, Kp = b.shape
        if not rows.any():
            out.append(([np.zeros(L)] * len(scores), 0.0))
            continue
        eta = xb[rows] @ W.reshape(L * Kp, -1).T + b.ravel()
        P = proba_from_eta(eta.reshape(-1, Kp)).reshape(int(rows.sum()), L, -1)
        yk, sk = Y_eval[rows], s[rows]
        terms = []
        for sc in scores:
            vals = np.stack([sc.pointwise(yk, P[:, i]) for i in range(L)], axis=1)  # (r, L, …)
            terms.append(np.tensordot(sk, vals, axes=(0, 0)))
        out.append((terms, float(sk.sum())))
    return out


def logistic_cv_parts(est, X, y, sample_weight, groups, scores, cv_tol):
    """``(full, engine, n_repeats, classes)`` of LogisticRegressionCV on Dask data."""
    _refuse_groups(groups)
    _pointwise_only(scores, est.scoring)
    cv = 5 if est.cv is None else est.cv
    info = logistic_blocks(est, X, y, sample_weight, cv=cv)
    stats = info.stats
    pf = check_penalty_factor(est.penalty_factor, info.blocks.p)
    full = logistic_objective_dask(est, info, stats, None, 1.0, pf)
    settings = (cv_tol, est.max_iter)          # Newton-Cholesky: the Hessian is a pass's sum
    folds = [_DaskLogisticFold(logistic_objective_dask(est, info, stats, k, 1.0, pf), settings,
                               keep_coefs=(k == 0)) for k in range(info.n_folds)]
    full.null_grad = null_gradient_dask(full, stats[None][4])
    return full, _DaskLogisticEngine(info, folds, est.scoring, len(scores)), 1, info.classes


def fit_logistic(est, X, y, sample_weight, lam):
    """``LogisticRegression.fit`` (L2) on Dask data: the solver's result and the classes."""
    from ..solvers.smooth import solve_smooth

    info = logistic_blocks(est, X, y, sample_weight)
    stats = info.stats
    pf = check_penalty_factor(est.penalty_factor, info.blocks.p)
    obj = logistic_objective_dask(est, info, stats, None, lam, pf)
    # from the null model rather than zero: one Newton pass over the data fewer, typically
    res = solve_smooth(obj, theta0=null_theta(obj, stats[None][4]), solver="newton-cholesky",
                       tol=float(est.tol), max_iter=est.max_iter)
    return res, info.classes

