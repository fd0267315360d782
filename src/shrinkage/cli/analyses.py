"""``shrinkage path``, ``cv`` and ``bias-variance``: the analyses of what λ does, with figures."""

from __future__ import annotations

import os

import numpy as np

from . import _models
from ._output import fmt, save_figure, table, use_agg
from ._design import load_training, n_groups, network_design


def _grid(est, X, y, task, n):
    """A λ grid of ``n`` values (largest first): a sparse model's geometric from its λ_max down
    to 1e-3·λ_max; an L2 model's (λ_max infinite) from its CV estimator's own default grid."""
    from .. import LogisticRegressionCV, RidgeCV
    if hasattr(est, "lam_max") and np.isfinite(est.lam_max(X, y)):
        return _models.sparse_grid(est, X, y, n, ratio=1e-3)
    if task == "classification":
        cv = LogisticRegressionCV(lams=n, cv=3, random_state=0).fit(X, y)
    else:
        cv = RidgeCV(lams=n).fit(X, y)
    grid = np.asarray(cv.cv_results_["lam"], float)     # may have been extended: resample
    return np.geomspace(grid.max(), grid.min(), n) if n > 1 else grid[:1]


def _single(args, task, spec):
    """The fixed-λ estimator of ``--model`` (default: ridge or logistic by the target)."""
    model = args.model or _models.default_model(task)
    return _models.single(model, task, standardize=args.standardize, l1_ratio=args.l1_ratio,
                          groups=_models.groups_of(spec))


def _prepared(args):
    """``(X, y, task, estimator)`` for ``path`` and ``bias-variance``."""
    if args.model == "mlp":
        raise ValueError(f"`shrinkage {args.command}` refits a linear model on bootstrap "
                         "samples for every λ; for a network, `shrinkage cv --model mlp` draws "
                         "its held-out loss over λ and `shrinkage path --model mlp` its weight "
                         "norms")
    X, y, task, spec, _, _ = load_training(args)
    est = _models.configure(_single(args, task, spec), max_iter=args.max_iter, tol=args.tol)
    _models.check_classes(est, y)
    return X, y, task, est


def cmd_path(args, out) -> int:
    from ..diagnostics import coefficient_path
    from ..plots import plot_path
    use_agg()
    if args.model == "mlp":
        return _network_path(args, out)
    X, y, task, est = _prepared(args)
    lams = _grid(est, X, y, task, args.lams or 30)
    path = coefficient_path(est, X, y, lams)
    # standardized features are what the penalty compares: draw w·sd so that a feature in
    # large units does not flatten the others (--no-standardize: the original scale)
    fig_path = save_figure(plot_path(path, X, scale="standardized" if args.standardize
                                     else "original"), args.out, "path.png")
    C = path.coef.reshape(path.lams.size, -1)
    rows = [[fmt(lam), fmt(df, ".3g"), int(np.count_nonzero(np.abs(c) > 1e-12))]
            for lam, df, c in zip(path.lams[::max(1, lams.size // 8)],
                                  path.df[::max(1, lams.size // 8)], C[::max(1, lams.size // 8)])]
    out.say(f"regularization path of {type(est).__name__} over {lams.size} λ "
            f"values ({fmt(lams.min())} … {fmt(lams.max())})")
    out.say(table(rows, ["λ", "df", "non-zero"]))
    out.say(f"\nfigure written to {fig_path}")
    out.put(lams=path.lams, df=path.df, coef=path.coef, feature_names=path.feature_names,
            figures=[fig_path])
    return out.finish()


def _network_path(args, out) -> int:
    """``path --model mlp``: the network fitted at every λ of a grid (default: the values
    ``cv --model mlp`` compares), its per-layer weight norms and training loss, and with
    ``--holdout`` its data loss on rows held out of training (one split, seeded)."""
    from ..diagnostics import network_path
    from ..plots import plot_network_path
    if not args.holdout < 1:
        raise ValueError(f"--holdout is the fraction of rows held out, in [0, 1); got "
                         f"{args.holdout:g}")
    X, y, task, spec, _, _ = load_training(args)
    X = network_design(X, spec, args.standardize)
    held = {}
    if args.holdout > 0:
        from sklearn.model_selection import train_test_split
        X, X_val, y, y_val = train_test_split(
            X, np.asarray(y), test_size=args.holdout, random_state=args.seed,
            stratify=np.asarray(y) if task == "classification" else None)
        held = {"X_val": X_val, "y_val": y_val}
    est, _ = _models.build("mlp", task, hidden=args.hidden, epochs=args.epochs, seed=args.seed)
    top, bottom = max(_models.MLP_GRID), min(_models.MLP_GRID)
    lams = (np.array(sorted(_models.MLP_GRID, reverse=True)) if args.lams is None else
            np.geomspace(top, bottom, args.lams) if args.lams > 1 else np.array([top]))
    path = network_path(est, X, y, lams, **held)
    fig_path = save_figure(plot_network_path(path), args.out, "path.png")
    norms = path.weight_norms
    rows = [[fmt(lam), *(fmt(v, ".4g") for v in norms[k]), fmt(path.data_loss[k]),
             *([fmt(path.val_loss[k])] if held else []), int(path.n_epochs[k])]
            for k, lam in enumerate(path.lams)]
    out.say(f"path of {type(est).__name__} {tuple(args.hidden)} over {lams.size} λ values: "
            "each fitted from the same start (seed); weight norms and losses"
            + (f" ({args.holdout:g} of the rows held out)" if held else ""))
    out.say(table(rows, ["λ", *(f"‖W{k}‖_F" for k in range(norms.shape[1])),
                         "training data loss", *(["held-out data loss"] if held else []),
                         "epochs"]))
    out.say(f"\nfigure written to {fig_path}; the held-out loss against λ: `shrinkage cv "
            "--model mlp`")
    out.put(lams=path.lams, weight_norms=norms, data_loss=path.data_loss, loss=path.loss,
            val_loss=path.val_loss, n_epochs=path.n_epochs, figures=[fig_path])
    return out.finish()


def cmd_cv(args, out) -> int:
    from ..plots import plot_cv
    use_agg()
    cv = _models.parse_cv(args.cv) if args.cv is not None else None

    def sparse_ok(task):
        return _models.reads_sparse(args.model or _models.default_model(task), task, cv=cv,
                                    cv_groups=args.groups is not None)
    X, y, task, spec, weights, groups = load_training(args, sparse_ok)
    model = args.model or _models.default_model(task)
    network = model == "mlp"
    if network:
        X = network_design(X, spec, args.standardize)
        cv = 5 if cv is None else cv
    est, how = _models.build(model, task, cv=cv, rule=args.rule, standardize=args.standardize,
                             l1_ratio=args.l1_ratio, seed=args.seed, hidden=args.hidden,
                             epochs=args.epochs, groups=_models.groups_of(spec),
                             cv_groups=n_groups(groups))
    _models.configure(est, max_iter=args.max_iter, tol=args.tol,
                      scoring=None if network else args.scoring)
    est = _models.fit(est, X, y, out=out, sample_weight=weights, groups=groups,
                      cv=cv if network else None, rule=args.rule, seed=args.seed,
                      scoring=args.scoring if network else None)
    res = est.cv_results_
    fig_path = save_figure(plot_cv(est), args.out, "cv.png")
    frame = res.to_frame() if hasattr(res, "to_frame") else None
    csv_path = os.path.join(args.out, "cv_results.csv")
    if frame is None:
        import pandas as pd
        frame = pd.DataFrame({k: res[k] for k in ("lam", "mean_score", "se_score")})
    from .._atomic import atomic_write
    with atomic_write(csv_path, "w", encoding="utf-8", newline="") as fh:
        frame.to_csv(fh, index=False)
    lams, mean, se = (np.asarray(res[k], float) for k in ("lam", "mean_score", "se_score"))
    pick = np.unique(np.r_[np.linspace(0, lams.size - 1, 8).astype(int),
                           np.argmin(np.abs(lams - est.lam_min_)),
                           np.argmin(np.abs(lams - est.lam_1se_))])
    rows = [[fmt(lams[i]), fmt(mean[i]), fmt(se[i], ".2g"),
             ("λ_min " if np.isclose(lams[i], est.lam_min_) else "")
             + ("λ_1se" if np.isclose(lams[i], est.lam_1se_) else "")] for i in pick]
    out.say(f"{type(est).__name__}: {how}; score {res.get('scoring')} (higher is better)")
    out.say(table(rows, ["λ", "mean score", "se", ""]))
    chosen = np.atleast_1d(np.asarray(getattr(est, "lam_", getattr(est, "lam", np.nan)),
                                      float))          # a network: one λ per weight matrix
    chosen = float(chosen[0]) if np.all(chosen == chosen[0]) else chosen.tolist()
    out.say(f"\nλ_min = {fmt(est.lam_min_)}, λ_1se = {fmt(est.lam_1se_)}, chosen λ = "
            f"{fmt(chosen) if isinstance(chosen, float) else chosen} (rule {args.rule})")
    if getattr(res, "reason", ""):
        out.say(res.reason)
    out.say(f"figure written to {fig_path}; table to {csv_path}")
    out.put(model=type(est).__name__, lam=chosen, lam_min=est.lam_min_, lam_1se=est.lam_1se_,
            scoring=res.get("scoring"), lams=lams, mean_score=mean, se_score=se,
            figures=[fig_path], table=csv_path)
    return out.finish()


def cmd_bias_variance(args, out) -> int:
    from ..diagnostics import bias_variance
    from ..plots import plot_bias_variance
    use_agg()
    X, y, task, est = _prepared(args)
    lams = _grid(est, X, y, task, args.lams)
    loss = "log" if task == "classification" else "squared"
    res = bias_variance(est, X.to_numpy(), y, lams,
                        n_rounds=args.rounds, loss=loss, random_state=args.seed)
    fig_path = save_figure(plot_bias_variance(res), args.out, "bias_variance.png")
    frame = res.to_frame()
    step = max(1, len(frame) // 8)
    cols = [c for c in frame.columns if c in ("lam", "error", "bias2", "variance", "noise")]
    rows = [[fmt(frame[c].iloc[i]) for c in cols] for i in range(0, len(frame), step)]
    out.say(f"bias–variance of {type(est).__name__} ({loss} loss) over "
            f"{args.rounds} bootstrap training sets, held-out test rows")
    out.say(table(rows, cols))
    out.say(f"\nthe test error is lowest at λ = {fmt(res.lam_best)}; figure written to {fig_path}")
    out.put(loss=loss, lam_best=res.lam_best,
            **{c: frame[c].to_numpy() for c in cols}, figures=[fig_path])
    return out.finish()
