r"""The linear estimators on Dask collections (``dask.array``, ``dask.dataframe``).

``fit`` computes blockwise on the workers of the current ``dask.distributed.Client`` (Dask's
default scheduler without one) through :mod:`shrinkage.solvers.blockwise`: only sums over rows
— Gram moments, Newton's gradient and Hessian, held-out score sums — reach the client, never
anything of size n. The fitted attributes are NumPy arrays, as after an in-memory fit, and equal
it (to rounding) on the same data and folds. ``predict``, ``decision_function`` and
``predict_proba`` on a Dask array return a Dask array (each block predicted by the in-memory
method); ``score`` is reduced blockwise.

=====================  ======================================================================
estimator              on Dask
=====================  ======================================================================
Ridge                  the moments of all rows (one pass), solved on the client
RidgeCV                ``"loo"``/``"gcv"``: eigendecomposition of the Gram on the client, the
                       held-out residuals' score sums blockwise (one more pass per grid
                       stretch); ``"evidence"``; K-fold: every training fold's moments by
                       downdating and the test folds' squared errors from their moments
Lasso, ElasticNet      covariance-mode coordinate descent on the reduced Gram
ElasticNetCV           as RidgeCV's K-fold, with each fold's path on its Gram
LogisticRegression     Newton-Cholesky with blockwise value, gradient and Hessian (L2 only)
LogisticRegressionCV   every fold's warm-started Newton path; held-out score sums blockwise
=====================  ======================================================================

Cross-validation on Dask takes ``cv`` as an int (contiguous K-fold as scikit-learn's
``KFold(K)``; with ``random_state`` rows are dealt to folds within each block) or as fold ids
(one per row, NumPy or Dask), and the scores that are means over rows (the defaults, and e.g.
``"accuracy"``, ``"neg_log_loss"``, ``"neg_mean_absolute_error"`` where leave-one-out gives
residuals); K-fold regression takes the mean squared error only (it comes from the moments).
The client holds p × p matrices (``(K(p+1))²`` for K classes): these paths suit p up to a
few thousand.
"""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import scipy.linalg as sla

from .._validation import check_penalty_factor
from ..solvers.blockwise import (RowBlocks, centred_yy, dask_fold_moments, is_dask_collection,
                                 test_sse)
from ..solvers.ridge import decomposition_from_moments

__all__ = ["is_dask_input", "DaskMethods", "fit_ridge", "ridge_cv_evaluator", "fit_enet",
           "enet_cv_data"]


def is_dask_input(*arrays) -> bool:
    """Whether any of ``arrays`` is a Dask collection."""
    return any(a is not None and is_dask_collection(a) for a in arrays)


def blocks_for(est, X, y=None, sample_weight=None):
    """:class:`RowBlocks` of the inputs; sets ``n_features_in_`` (and ``feature_names_in_``
    for a DataFrame)."""
    if y is None:
        raise ValueError(f"{type(est).__name__}.fit needs y")
    blocks = RowBlocks.from_inputs(X, y, sample_weight)
    est.n_features_in_ = blocks.p
    if blocks.feature_names is not None:
        est.feature_names_in_ = blocks.feature_names
    elif hasattr(est, "feature_names_in_"):
        del est.feature_names_in_
    return blocks


def _refuse_groups(groups):
    if groups is not None:
        raise TypeError("groups is not supported on Dask data; pass fold ids (one per row, "
                        "no group split across two ids) as cv")


# -- prediction ----------------------------------------------------------------------------

def _predict_block(est, method, xb):
    return getattr(est, method)(xb)


class DaskMethods:
    """Prediction on Dask input: ``_dask_map(method, X)`` applies the in-memory ``method`` to
    every row block (a Dask array back); ``_dask_score`` reduces R² or accuracy blockwise."""

    def _dask_map(self, method, X, *, known_rows=False):
        """The in-memory ``method`` applied to every row block of ``X`` (a Dask array back;
        ``known_rows``: with its rows per block computed, for :meth:`_dask_score`)."""
        from sklearn.utils.validation import check_is_fitted

        from ..solvers.blockwise import _as_array

        check_is_fitted(self)
        import dask.array as da

        if getattr(X, "ndim", 0) == 2 and hasattr(X, "columns"):
            names = [str(c) for c in X.columns]
            known = getattr(self, "feature_names_in_", None)
            if known is not None and list(known) != names:
                raise ValueError(f"X has columns {names[:5]}…, the model was fitted on "
                                 f"{list(known)[:5]}…; pass the same columns in the same order")
            X = _as_array(X, "X", numeric=True) if known_rows else X.to_dask_array()
        if not isinstance(X, da.Array) or X.ndim != 2:
            raise ValueError("X must be a 2-D Dask array or DataFrame")
        if len(X.chunks[1]) > 1:
            X = X.rechunk({1: -1})
        est = self
        if hasattr(self, "feature_names_in_"):     # blocks are plain arrays: predict them so
            import copy

            est = copy.copy(self)
            del est.feature_names_in_
        probe = getattr(est, method)(np.zeros((1, X.shape[1]), dtype=X.dtype))
        chunks = (X.chunks[0],) if probe.ndim == 1 else (X.chunks[0], (probe.shape[1],))
        return X.map_blocks(lambda b: _predict_block(est, method, b), dtype=probe.dtype,
                            chunks=chunks, drop_axis=1 if probe.ndim == 1 else None)

    def _dask_score(self, X, y, sample_weight, classifier):
        """R² (regressors) or accuracy (classifiers), reduced blockwise."""
        pred = self._dask_map("predict", X, known_rows=True)
        blocks = RowBlocks.of_rows(pred)
        blocks.y, blocks.s = blocks.align(y, "y"), blocks.align(sample_weight, "sample_weight")
        parts = blocks.reduce(_score_block, classifier)
        if classifier:
            return float(parts["hit"] / parts["S"])
        sse = parts["sse"]
        sst = parts["syy"] - parts["sy"] ** 2 / parts["S"]
        r2 = np.where(sst > 0, 1.0 - sse / np.where(sst > 0, sst, 1.0),
                      np.where(sse == 0, 1.0, 0.0))
        return float(np.mean(r2))


def _score_block(pb, yb, sb, fb, start, classifier):
    s = np.ones(pb.shape[0]) if sb is None else np.asarray(sb, dtype=np.float64).ravel()
    if classifier:
        return {"hit": float(s @ (np.asarray(pb).ravel() == np.asarray(yb).ravel())),
                "S": float(s.sum())}
    P = np.asarray(pb, dtype=np.float64).reshape(pb.shape[0], -1)
    Y = np.asarray(yb, dtype=np.float64).reshape(pb.shape[0], -1)
    return {"sse": s @ (Y - P) ** 2, "syy": s @ (Y * Y), "sy": s @ Y, "S": float(s.sum())}


# -- ridge ---------------------------------------------------------------------------------

def ridge_from_moments(m, lams, penalty_factor):
    """Ridge coefficients (t, p), intercepts (t,) and degrees of freedom (t,) of one
    :class:`~shrinkage.solvers.moments.Moments` at one λ per target: the standardized normal
    equations ``(G + λ diag f) v = q`` (:mod:`shrinkage.solvers.ridge`'s problem with
    ``ZᵀZ = S·G``), ``df = tr(G (G + λ diag f)⁻¹)`` (the unpenalized columns count one each)."""
    p, t = m.q.shape
    coef, df = np.zeros((t, p)), np.zeros(t)
    for j in range(t):
        A = m.G + np.diag(lams[j] * penalty_factor)
        try:
            c, low = sla.cho_factor(A, lower=True, check_finite=False)
            v = sla.cho_solve((c, low), m.q[:, j], check_finite=False)
            df[j] = float(np.trace(sla.cho_solve((c, low), m.G, check_finite=False)))
        except (np.linalg.LinAlgError, ValueError):
            v = sla.lstsq(A, m.q[:, j], cond=p * np.finfo(float).eps)[0]
            df[j] = float(np.trace(np.linalg.pinv(A) @ m.G))
        coef[j] = v / m.scale
    intercept = m.y_mean - coef @ m.mean
    return coef, intercept, df


def fit_ridge(est, X, y, sample_weight, lam_values):
    """``Ridge.fit`` on Dask data: ``(coef (t, p), intercept (t,), df (t,), y_ndim)``;
    ``lam_values(t)`` gives the checked λ per target."""
    blocks = blocks_for(est, X, y, sample_weight)
    full, _, raws = dask_fold_moments(blocks, fit_intercept=est.fit_intercept,
                                      standardize=est.standardize)
    t = full.q.shape[1]
    f = check_penalty_factor(est.penalty_factor, blocks.p)
    f = np.ones(blocks.p) if f is None else f
    coef, intercept, df = ridge_from_moments(full, lam_values(t), f)
    return coef, intercept, df, _y_ndim(y)


def _y_ndim(y):
    return 2 if getattr(y, "ndim", 1) == 2 else 1


def ridge_cv_evaluator(est, X, y, sample_weight, groups, scores, extend=None):
    """RidgeCV's ``(full, evaluate, n_repeats, y_ndim)`` on Dask data (see
    :meth:`RidgeCV._evaluator`); with ``cv="evidence"`` ``evaluate`` is None and ``full`` the
    decomposition for :func:`~shrinkage.selection.evidence.ridge_evidence_lam`.

    ``extend``: ``(decades, max_extensions)`` of the automatic grid's extensions. Leave-one-out
    and GCV then score, in the first pass over the blocks, every λ the extensions could ask
    for (:func:`_reachable`): each extension would otherwise cost a pass over the data, while
    a λ more costs a few multiply-adds per row."""
    from ..selection.grid import ridge_flat_limits     # selection/ loads on a CV fit only

    _refuse_groups(groups)
    blocks = blocks_for(est, X, y, sample_weight)
    f = check_penalty_factor(est.penalty_factor, blocks.p)
    f = np.ones(blocks.p) if f is None else f
    if np.any(f == 0):
        raise ValueError("RidgeCV on Dask data needs every penalty_factor > 0 (its "
                         "decompositions come from the Gram moments); give the unpenalized "
                         "columns a small factor such as 1e-6")
    build = dict(fit_intercept=est.fit_intercept, standardize=est.standardize)
    cv = est.cv
    if isinstance(cv, str):
        if cv not in ("loo", "gcv", "evidence"):
            raise ValueError(f"cv must be 'loo', 'gcv', 'evidence', an int or fold ids, got {cv!r}")
        full_m, _, raws = dask_fold_moments(blocks, **build)
        full = decomposition_from_moments(full_m, f, fit_intercept=est.fit_intercept,
                                          alpha_min=np.inf)
        if cv == "evidence":
            # the evidence reads ỹᵀỹ from the problem's targets: a one-row stand-in with the
            # same sums of squares (the rows stay on the workers)
            Syy, sy, S = np.ravel(raws["full"][6]), np.ravel(raws["full"][3]), raws["full"][4]
            yy = Syy - sy * sy / S if est.fit_intercept else Syy
            full.problem.y = np.sqrt(np.maximum(yy, 0.0))[None, :]
            return full, None, 1, _y_ndim(y)
        if cv == "gcv" and any(sc.name != "neg_mean_squared_error" for sc in scores):
            raise ValueError("cv='gcv' estimates the mean squared error only; use "
                             "scoring=None or cv='loo' for other scores")
        _pointwise_only(scores, est.scoring)
        consts = dict(d2=full.d2, V=full.V, q=full.q, S=full.problem.S, n=blocks.n,
                      mean=full.problem.x_mean, scale=full.problem.x_scale,
                      y_mean=full.problem.y_mean, fit_intercept=est.fit_intercept,
                      cv=cv, scoring=est.scoring)

        cache = {"lam": np.zeros(0)}

        def evaluate(lams):
            lams = np.asarray(lams, dtype=float)
            known = cache["lam"]
            found = [np.flatnonzero(np.isclose(known, v, rtol=1e-10, atol=0)) for v in lams]
            if any(hit.size == 0 for hit in found):
                todo = lams if extend is None or known.size else \
                    _reachable(lams, extend, ridge_flat_limits(full.d2, full.problem.S))
                accs = blocks.reduce(_loo_block, consts, todo)
                (mean, se), *others = [acc.result() for acc in accs]
                new = {"lam": todo, "mean": mean, "se": se,
                       **{"extra:" + sc.name: m[:, None] for sc, (m, _) in
                          zip(scores[1:], others)}}
                for k, v in new.items():
                    cache[k] = np.concatenate([cache[k], v]) if k in cache else v
                return evaluate(lams)
            idx = np.array([hit[0] for hit in found])
            return {k: (lams if k == "lam" else v[idx]) for k, v in cache.items()}
        return full, evaluate, 1, _y_ndim(y)

    if any(sc.name != "neg_mean_squared_error" for sc in scores):
        raise ValueError("K-fold RidgeCV on Dask data scores by the mean squared error (from "
                         "the test folds' moments); use scoring=None")
    blocks, labels = blocks.with_folds(cv, est.random_state)
    full_m, folds, raws = dask_fold_moments(blocks, n_folds=labels.size, **build)
    decs = [decomposition_from_moments(m, f, fit_intercept=est.fit_intercept,
                                       alpha_min=np.inf) for m in [full_m, *folds]]
    full, decs = decs[0], decs[1:]

    def evaluate(lams):
        return {"lam": lams, "fold_scores": _moment_fold_scores(decs, raws, lams)}
    return full, evaluate, 1, _y_ndim(y)


def _reachable(lams, extend, limits):
    """``lams`` and every λ that :func:`~shrinkage.selection.grid.extend_while_on_edge` could
    add to them (either side, each extension from the grid so far)."""
    from ..selection.grid import limited_extension

    decades, max_extensions = extend
    out = [lams]
    for side in ("low", "high"):
        grid = lams
        for _ in range(max_extensions):
            new = limited_extension(grid, side, decades, limits)
            if new is None:
                break
            out.append(new)
            grid = np.concatenate([grid, new])
    return np.concatenate(out)


def _moment_fold_scores(decs, raws, lams):
    """Negative mean squared error of every fold's path on its test rows, (L, K), from the
    test folds' raw moments."""
    out = np.empty((np.size(lams), len(decs)))
    for k, (dec, raw) in enumerate(zip(decs, raws["tests"])):
        coef, intercept = dec.path(lams)                               # (L, t, p), (L, t)
        sse = test_sse(raw, raws["shift"], raws["yshift"], coef, intercept)
        out[:, k] = -(sse / raw[4]).mean(axis=1)
    return out


def _pointwise_only(scores, scoring):
    bad = [sc.name for sc in scores if sc.pointwise is None]
    if bad or (scoring is not None and not isinstance(scoring, (str, list, tuple))):
        raise ValueError(f"on Dask data cross-validation scores must be means over rows given "
                         f"by name (e.g. 'neg_mean_squared_error', 'accuracy', 'neg_log_loss'); "
                         f"{bad or [scoring]} is not")


def _loo_block(xb, yb, sb, fb, start, consts, lams):
    """Leave-one-out (or GCV) score sums of one block's rows for every λ: the block's rows in
    the all-data decomposition's coordinates, evaluated by
    :meth:`~shrinkage.solvers.ridge.RidgeDecomposition.loo_residual_blocks` (each row at its
    own ``(S − s_i)λ``), accumulated with their standard errors."""
    from ..selection.scoring import get_scores
    from ..solvers.ridge import RidgeDecomposition, RidgeProblem
    from ._ridge_loo import _MeanSE

    c = consts
    xb = np.asarray(xb, dtype=np.float64)
    Y = np.asarray(yb, dtype=np.float64).reshape(xb.shape[0], -1)
    s = np.ones(xb.shape[0]) if sb is None else np.asarray(sb, dtype=np.float64).ravel()
    rs = np.sqrt(s)
    Z = (xb - c["mean"]) / c["scale"] * rs[:, None]
    prob = RidgeProblem(Z=Z, y=(Y - c["y_mean"]) * rs[:, None], sqrt_sw=rs, S=c["S"],
                        n_rows=xb.shape[0], x_mean=c["mean"], x_scale=c["scale"],
                        y_mean=c["y_mean"], pen_idx=np.arange(xb.shape[1]),
                        unpen_idx=np.zeros(0, dtype=int), fit_intercept=c["fit_intercept"])
    dec = RidgeDecomposition(prob, c["d2"], c["V"], None, c["q"], "eigh-downdate")
    scores = get_scores(c["scoring"], classification=False)
    keep = s > 0                                 # weight-0 rows are rows left out
    if c["cv"] == "gcv":
        acc = _MeanSE()
        for rows, terms in dec.gcv_term_blocks(lams, n_rows=c["n"]):
            k = keep[rows]
            acc.add(-terms[k].mean(axis=2), None if sb is None else s[rows][k])
        return [acc]
    accs = [_MeanSE() for _ in scores]
    for rows, res in dec.loo_residual_blocks(lams):
        k = keep[rows]
        yb_ = Y[rows][k][:, None, :]
        pred = yb_ - res[k]
        for acc, sc in zip(accs, scores):
            acc.add(sc.pointwise(yb_, pred).mean(axis=2), None if sb is None else s[rows][k])
    return accs


# -- elastic net ---------------------------------------------------------------------------

def relaxed_from_moments(m, coef):
    """Unpenalized least squares on the support of ``coef`` from the rows' moments (the
    relaxed fit of :func:`~shrinkage.linear_model._enet.relaxed_fit`)."""
    S = np.flatnonzero(coef)
    out = np.zeros_like(coef)
    if S.size:
        v = sla.lstsq(m.G[np.ix_(S, S)], m.q[S, 0], cond=S.size * np.finfo(float).eps)[0]
        out[S] = v / m.scale[S]
    return out, float(m.y_mean[0] - out @ m.mean)


def _enet_problems(est, blocks, n_folds=0):
    from ..solvers.cd import QuadraticProblem

    full, folds, raws = dask_fold_moments(blocks, n_folds=n_folds,
                                          fit_intercept=est.fit_intercept,
                                          standardize=est.standardize)
    if full.q.shape[1] != 1:
        raise ValueError("the elastic net takes one target (1-D y)")
    probs = [QuadraticProblem.from_moments(m, centred_yy(r, est.fit_intercept))
             for m, r in zip([full, *folds], [raws["full"], *raws["trains"]])]
    return full, folds, raws, probs


def _gram_lam_max(problem, penalty):
    """λ_max of a covariance-mode problem: the null model (unpenalized columns fitted,
    :func:`~shrinkage.solvers.cd.null_beta`) and its gradient ``2(Gβ₀ − q)``."""
    from ..solvers.cd import null_beta

    beta0 = null_beta(problem, penalty.penalty_factor)
    return float(penalty.lam_max(2.0 * (problem.G @ beta0 - problem.q)))


def fit_enet(est, X, y, sample_weight, lam, rho, tol, max_iter):
    """``ElasticNet.fit`` on Dask data (sets the fitted attributes)."""
    from ..solvers.cd import enet_path

    if getattr(est, "lower_bounds", None) is not None or \
            getattr(est, "upper_bounds", None) is not None:
        raise ValueError("lower_bounds / upper_bounds are not supported on Dask data; fit in "
                         "memory, or drop the bounds")
    blocks = blocks_for(est, X, y, sample_weight)
    full, _, _, (prob,) = _enet_problems(est, blocks)
    f = est._penalty_factor(blocks.p)
    est.lam_max_ = _gram_lam_max(prob, est._penalty(blocks.p))
    path = enet_path(prob, [lam], l1_ratio=rho, penalty_factor=f, tol=tol, max_iter=max_iter)
    coef, intercept = prob.to_original(path.beta[0])
    finish_enet(est, full, coef, intercept)
    est.lam_ = lam
    est.n_iter_ = int(path.n_iter[0])
    return est


def relaxed_mixture_from_moments(m, coef, intercept, gamma):
    """glmnet's ``γ·penalized + (1−γ)·relaxed`` (:func:`~shrinkage.linear_model._enet.
    relaxed_mixture`) with the relaxed fit from the moments."""
    if gamma == 1.0:
        return coef, intercept
    rc, rb = relaxed_from_moments(m, coef)
    return gamma * coef + (1.0 - gamma) * rc, gamma * intercept + (1.0 - gamma) * rb


def finish_enet(est, m, coef, intercept):
    """``_finish`` of the sparse regressors from the moments (the relaxed mixture)."""
    from ._enet import relax_gamma

    est.penalized_coef_ = coef
    coef, intercept = relaxed_mixture_from_moments(m, coef, intercept, relax_gamma(est.relax))
    est.coef_ = np.asarray(coef, dtype=np.float64)
    est.intercept_ = float(intercept)
    est.n_nonzero_ = int(np.count_nonzero(coef))


class _MomentEngine:
    """ElasticNetCV's engine on Dask data: every fold's path walked on its Gram problem
    (:class:`~shrinkage.linear_model._enet_cv._EnetFold`), scored on its test rows by the mean
    squared error from their moments."""

    def __init__(self, folds, fold_moments, raws):
        self.folds, self.moments, self.raws = folds, fold_moments, raws

    def scores(self, cands):
        out = np.empty((len(cands), len(self.folds)))
        for k, (fold, m, raw) in enumerate(zip(self.folds, self.moments, self.raws["tests"])):
            cols = []
            for rho in dict.fromkeys(c["l1_ratio"] for c in cands):
                lams = np.array([c["lam"] for c in cands if c["l1_ratio"] == rho])
                coef, intercept = fold.path_coefs(rho, lams)
                if fold.relax < 1.0:                            # glmnet's gamma
                    pairs = [relaxed_mixture_from_moments(m, c, b, fold.relax)
                             for c, b in zip(coef, intercept)]
                    coef = np.array([c for c, _ in pairs])
                    intercept = np.array([b for _, b in pairs])
                sse = test_sse(raw, self.raws["shift"], self.raws["yshift"], coef[:, None, :],
                               np.asarray(intercept)[:, None])
                cols.append(-sse[:, 0] / raw[4])
            out[:, k] = np.concatenate(cols)
        return out


def enet_cv_data(est, X, y, sample_weight, groups, score, cv_tol, max_iter):
    """What ElasticNetCV's fit needs, from Dask data: the all-data problem, the engine, the
    top of the grid and the final step (see :meth:`ElasticNetCV._memory_data`)."""
    from ._enet_cv import _EnetFold

    _refuse_groups(groups)
    if score.name != "neg_mean_squared_error":
        raise ValueError("ElasticNetCV on Dask data scores by the mean squared error (from "
                         "the test folds' moments); use scoring=None")
    blocks = blocks_for(est, X, y, sample_weight)
    blocks, labels = blocks.with_folds(est.cv, est.random_state)
    f = est._penalty_factor(blocks.p)
    full_m, fold_m, raws, probs = _enet_problems(est, blocks, labels.size)
    from ._enet import relax_gamma

    folds = [_EnetFold(prob, None, None, f, cv_tol, max_iter, est.fit_intercept,
                       relax_gamma(est.relax)) for prob in probs[1:]]

    def lam_max(rho):
        from ..penalties import ElasticNet as ENPenalty

        return _gram_lam_max(probs[0], ENPenalty(1.0, max(rho, 1e-3), f))

    def finish(coef, intercept):
        finish_enet(est, full_m, coef, intercept)

    weights = None if est.cv_average == "mean" else np.array([r[4] for r in raws["tests"]])

    from ..selection.progress import ProgressBar

    bar = ProgressBar(len(np.atleast_1d(est.l1_ratio)) * len(folds),
                      "elastic-net paths (l1_ratio × fold)", est.progress)
    return SimpleNamespace(full=probs[0], engine=_MomentEngine(folds, fold_m, raws),
                           n_repeats=1, n=blocks.n, p=blocks.p, f=f, lam_max=lam_max,
                           finish=finish, bar=bar, fold_weights=weights)
