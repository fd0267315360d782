"""``shrinkage fit``, ``predict`` and ``report``: models on a user's CSV or Parquet file."""

from __future__ import annotations

import os
import sys
import warnings
import zipfile

import numpy as np

from . import _models
from ._design import (apply_scale, feature_names, is_matrix, load_training, n_groups,
                      network_design, read_data, read_matrix)
from ._output import fmt, table


def design_from_model(meta: dict, frame, unknown: str = "ignore"):
    """The design matrix of ``frame`` by the preprocessing stored in a model file."""
    from .._preprocess import TablePreprocessor, numeric_columns
    spec = meta.get("preprocessing")
    if spec is None:                              # saved from Python: numeric columns by name
        names = meta.get("feature_names")
        why = "the model was saved from Python without a table's preprocessing: numbers only"
        if names is None:
            return numeric_columns(frame, why).to_numpy()
        absent = [n for n in names if n not in frame.columns]
        if absent:
            raise ValueError(f"the data lacks the column(s) {absent[:5]} the model was "
                             "fitted on")
        return numeric_columns(frame[names], why)
    X = TablePreprocessor.from_dict(spec, unknown=unknown).transform(
        frame, sparse=bool(spec.get("sparse")))
    return apply_scale(X, spec) if spec.get("scale") else X


def fit_from_args(args, out):
    """Fit what ``args`` describe; return ``(estimator, training, summary)`` (the
    :class:`Training` it was fitted on)."""
    cv = None if args.cv is None else _models.parse_cv(args.cv)

    def sparse_ok(task):        # the report and --summary read a dense design
        if getattr(args, "summary", False) or getattr(args, "command", "") == "report":
            return False
        return _models.reads_sparse(args.model or _models.default_model(task), task, cv=cv,
                                    lam=args.lam, cv_groups=args.groups is not None)
    data = load_training(args, sparse_ok)
    X, y, task, spec, weights, groups = data
    model = args.model or _models.default_model(task)
    if model == "mlp":
        X = network_design(X, spec, args.standardize)
        data = data._replace(X=X)
    hidden = tuple(args.hidden)
    est, how = _models.build(model, task, lam=args.lam, cv=cv, rule=args.rule,
                             standardize=args.standardize, l1_ratio=args.l1_ratio,
                             hidden=hidden, epochs=args.epochs, seed=args.seed,
                             groups=_models.groups_of(spec), cv_groups=n_groups(groups))
    mlp_search = model == "mlp" and cv is not None
    _models.configure(est, max_iter=args.max_iter, tol=args.tol,
                      scoring=None if mlp_search else args.scoring)
    if weights is not None:
        how += f"; rows weighted by {spec['weights']!r}"
    if spec.get("scale"):
        how += "; features standardized (means and scales stored with the model)"
    with warnings.catch_warnings():     # an interrupt is said once, by the command
        warnings.filterwarnings("ignore", "training interrupted", RuntimeWarning)
        est = _models.fit(est, X, y, cv=cv if model == "mlp" else None, rule=args.rule,
                          seed=args.seed, out=out, sample_weight=weights, groups=groups,
                          scoring=args.scoring if mlp_search else None)
    if getattr(est, "interrupted_", False) and not getattr(args, "keep_interrupted", False):
        nothing = ("no model written (--keep-interrupted writes the best weights so far)"
                   if hasattr(args, "keep_interrupted") else "nothing written")
        raise KeyboardInterrupt(f"{_stopped_at(est)}; {nothing}")
    summ = _models.summary(est, X, y, sample_weight=weights, names=feature_names(X, spec))
    if spec.get("sparse"):
        how += f"; sparse design (CSR, {X.nnz / max(X.shape[0] * X.shape[1], 1):.1%} non-zero)"
    summ.update(task=task, how=how, n_samples=int(X.shape[0]), n_features=int(X.shape[1]),
                data=os.path.basename(args.data), target=args.target, rule=args.rule)
    return est, data, summ


def fit_warnings(est, summ, spec, args) -> list:
    """What a person should know about a fit before trusting it (each a sentence with the
    fix): an intercept-only choice, a λ at the bottom of the grid that leaves the fit
    unpenalized, a near-perfect training fit there, identifier-like text columns."""
    notes = []
    n = summ.get("n_samples") or 0
    for col in (spec or {}).get("columns", []):
        levels = col.get("levels") or []
        if col.get("kind") == "categorical" and n and len(levels) >= max(0.5 * n, 3):
            notes.append(f"column {col['name']!r} has {len(levels)} distinct values for {n} rows: "
                         "an identifier? it lets the model memorize rows; drop it with --drop")
    if summ.get("n_nonzero") == 0 and summ.get("n_coef"):
        rule = " (--rule 1se; --rule min keeps the best-scoring λ)" \
            if getattr(args, "rule", "min") == "1se" else ""
        notes.append(f"the chosen model keeps none of the {summ['n_coef']} coefficients: it "
                     f"predicts the mean (or the class frequencies) only{rule}")
    res = getattr(est, "cv_results_", None)
    lam = summ.get("lam")
    if res is not None and isinstance(lam, (int, float)) and "lam" in res:
        grid = np.asarray(res["lam"], dtype=float)
        p = summ.get("n_features") or 0
        at_bottom = grid.size > 1 and lam <= grid.min() * (1 + 1e-12)
        df = summ.get("df")
        if at_bottom and p and isinstance(df, (int, float)) and df >= 0.99 * p:
            notes.append(f"λ = {lam:.3g} is the bottom of the grid and leaves the fit "
                         f"unpenalized in practice (df = {df:.3g} of {p}): no penalty is best on "
                         "these data")
            train = summ.get("train_score")
            if isinstance(train, (int, float)) and train >= 0.999:
                notes.append(f"a near-perfect training fit ({train:.4f}) with no penalty: a "
                             "column that identifies the rows, or one that leaks the target? "
                             "check the largest coefficients")
    return notes


def _stopped_at(est) -> str:
    best = (f", best weights from epoch {est.best_epoch_}" if est.n_iter_ else
            ", no epoch completed")
    return f"training stopped after {est.n_iter_} of {est.max_epochs} epochs{best}"


def print_summary(summ, out):
    columns = "matrix columns" if str(summ["data"]).lower().endswith(".npz") else \
        "features after encoding"
    out.say(f"{summ['model']} on {summ['data']}: {summ['n_samples']} rows, "
            f"{summ['n_features']} {columns}; target {summ['target']!r} "
            f"({summ['task']}); {summ['how']}")
    lam = summ["lam"]
    lam_text = ", ".join(fmt(v) for v in lam) if isinstance(lam, list) else fmt(lam)
    line = f"λ = {lam_text}"
    if summ.get("lam_min") is not None:
        rule = summ.get("rule") or "1se"
        kse = "1se" if rule == "min" else rule.replace(" ", "")
        line += f"   (λ_min = {fmt(summ['lam_min'])}, λ_{kse} = {fmt(summ['lam_1se'])})"
    out.say(line)
    parts = [f"df = {fmt(summ['df'], '.3g')}"]
    if summ.get("n_nonzero") is not None:
        parts.append(f"non-zero coefficients = {summ['n_nonzero']} of {summ['n_coef']}")
    if summ.get("cv_score") is not None:
        parts.append(f"CV {summ['cv_scoring']} = {fmt(summ['cv_score'])} ± {fmt(summ['cv_se'], '.2g')}")
    parts.append(f"training {'accuracy' if summ['task'] == 'classification' else 'R²'} = "
                 f"{fmt(summ['train_score'], '.3f')}")
    out.say("   ".join(parts))
    if summ["coefficients"]:
        out.say("\n" + _coefficients_heading(summ))
        classes = summ.get("classes") or []
        multi = isinstance(summ["coefficients"][0]["coef"], list)
        if multi:                       # one column per class, named by its label
            heads = ["feature"] + [f"coef[{c}]" for c in classes] + ["largest |w·sd|"]
            rows = [[c["feature"], *(fmt(v, ".3g") for v in c["coef"]),
                     fmt(c["standardized"], ".3g")] for c in summ["coefficients"]]
        else:
            heads = ["feature", "coef", "standardized"]
            rows = [[c["feature"], fmt(c["coef"]), fmt(c["standardized"], "+.3g")]
                    for c in summ["coefficients"]]
        out.say(table(rows, heads))


def _fit_on_cluster(args, out, fit_on_cluster) -> int:
    """``fit`` on a Parquet dataset (a directory or glob) on a Dask cluster."""
    if getattr(args, "summary", False):
        raise ValueError("--summary needs the rows in memory; fit the dataset without it, or "
                         "a single file")
    if args.data.lower().endswith(".npz"):
        raise ValueError("--scheduler fits a Parquet dataset (a directory or a glob of "
                         ".parquet files), not a .npz matrix")
    est, summ = fit_on_cluster(args, out)
    print_summary(summ, out)
    notes = fit_warnings(est, summ, {}, args)
    for note in notes:
        out.note(f"shrinkage: warning: {note}")
    out.put(**summ, warnings=notes)
    if args.out:
        from ..io import save
        save(est, args.out, preprocessing=None, extra={"summary": _jsonable(summ)})
        out.say(f"\nmodel written to {args.out}")
        out.put(out_path=args.out)
    return out.finish()


def _coefficients_heading(summ) -> str:
    """What the coefficient table shows: for two classes, which one a positive value favours;
    for more, that each class has its own column."""
    classes = summ.get("classes") or []
    if len(classes) == 2:
        return (f"largest coefficients (standardized: w·sd), on the log-odds of class "
                f"{classes[1]!r} against {classes[0]!r}: positive favours {classes[1]!r}")
    if len(classes) > 2:
        return ("largest coefficients, one column per class (multinomial: each class's "
                "log-odds score), ordered by the largest standardized |w·sd| over the classes")
    return "largest coefficients (standardized: w·sd):"


# -- commands ---------------------------------------------------------------------------------
def cmd_fit(args, out) -> int:
    if getattr(args, "summary", False) and args.model in ("lasso", "elasticnet", "grouplasso",
                                                          "mlp"):
        raise ValueError(f"--summary covers ridge and L2 logistic models, not --model "
                         f"{args.model} (after an L1 penalty standard errors would not hold)")
    from ._cluster import fit_on_cluster, is_dataset
    if is_dataset(args.data) or getattr(args, "scheduler", None):
        return _fit_on_cluster(args, out, fit_on_cluster)
    est, data, summ = fit_from_args(args, out)
    X, y, spec = data.X, data.y, data.spec
    interrupted = bool(getattr(est, "interrupted_", False))    # with --keep-interrupted
    if not interrupted:
        print_summary(summ, out)
        notes = fit_warnings(est, summ, spec, args)
        for note in notes:
            out.note(f"shrinkage: warning: {note}")
        out.put(warnings=notes)
    out.put(**summ, interrupted=interrupted)
    if getattr(args, "summary", False) and not interrupted:
        _print_coefficient_table(est, X, y, out, sample_weight=data.sample_weight)
    if args.out:
        from ..io import save
        save(est, args.out, preprocessing=None if spec.get("matrix") else spec,
             extra={"summary": _jsonable(summ)})
        if not interrupted:
            out.say(f"\nmodel written to {args.out}")
        out.put(out_path=args.out)
    if interrupted:
        written = f"model written to {args.out}" if args.out else "no --out given, nothing written"
        print(f"shrinkage: interrupted: {_stopped_at(est)}; {written}", file=sys.stderr)
        out.finish()
        return 130
    return out.finish()


def _print_coefficient_table(est, X, y, out, sample_weight=None):
    """``fit --summary``: the estimator's :meth:`summary` table, or why there is none."""
    if not hasattr(est, "summary"):
        raise ValueError(f"--summary covers ridge and L2 logistic models; {type(est).__name__} "
                         "has no standard errors (after an L1 penalty they would not hold)")
    tab = est.summary(X, y, sample_weight=sample_weight)
    out.say(f"\ncoefficient table ({tab.attrs['method']}):")
    rows = [[str(name)] + [fmt(v, ".4g") for v in row] for name, row in
            zip(tab.index, tab.to_numpy())]
    out.say(table(rows, ["", *tab.columns]))
    out.put(coefficient_table={"method": tab.attrs["method"],
                               "rows": {str(k): {c: float(v) for c, v in row.items()}
                                        for k, row in tab.iterrows()}})


def _jsonable(d):
    from ._output import jsonable
    return jsonable(d)


def cmd_predict(args, out) -> int:
    import pandas as pd

    from ..io import load
    model, meta = load(args.model, return_meta=True)
    if is_matrix(args.data):
        X, frame = _matrix_for(model, meta, args), None
    else:
        extra = meta.get("extra") or {}
        fitted_on = ((extra.get("summary") or {}).get("data") or "") if isinstance(extra, dict) \
            else ""
        if meta.get("preprocessing") is None and str(fitted_on).lower().endswith(".npz"):
            raise ValueError(f"the model {args.model!r} was fitted on a matrix ({fitted_on}); "
                             "give a .npz matrix with the same columns as DATA")
        frame = read_data(args.data, args)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        if frame is not None:
            X = design_from_model(meta, frame, unknown=args.unknown)
        else:
            frame = pd.DataFrame(index=pd.RangeIndex(X.shape[0]))
    for w in caught:
        out.note(f"shrinkage: warning: {w.message}")
    X = _as_fitted(model, X)
    pred = model.predict(X)
    cols = {"prediction": pred}
    if hasattr(model, "predict_proba") and args.proba:
        P = model.predict_proba(X)
        from .._preprocess import plain
        for k, c in enumerate(model.classes_):
            cols[f"proba_{plain(c)}"] = P[:, k]
    spec = meta.get("preprocessing") or {}
    id_col = _id_column(args, spec, frame, out)
    if id_col is not None:
        cols = {id_col: frame[id_col].to_numpy(), **cols}
    result = pd.DataFrame(cols, index=frame.index)
    target = spec.get("target")
    score = None
    if target and target in frame.columns and not frame[target].isna().any():
        truth = frame[target].to_numpy()
        if spec.get("task") == "classification":
            score = ("accuracy", float(np.mean(pred.astype(str) == truth.astype(str))))
        else:
            truth = truth.astype(float)
            ss = float(np.sum((truth - truth.mean()) ** 2))
            score = ("R²", 1.0 - float(np.sum((truth - pred) ** 2)) / ss if ss > 0 else float("nan"))
    if args.out:
        from .._atomic import atomic_write
        if args.out.lower().endswith((".parquet", ".pq")):
            with atomic_write(args.out, "wb") as fh:
                result.to_parquet(fh, index=False)
        else:
            with atomic_write(args.out, "w", encoding="utf-8", newline="") as fh:
                result.to_csv(fh, index=False)
        out.say(f"{len(result)} predictions written to {args.out}")
    elif not out.as_json:
        # the CSV is the command's output on stdout (also with --quiet); remarks go to stderr
        print(result.to_csv(index=False), end="")
    if score is not None:
        message = f"{score[0]} against the {target!r} column in the data: {score[1]:.4f}"
        if args.out:
            out.say(message)
        else:
            out.note(message)       # stdout holds the CSV: keep it parseable
    out.put(n_rows=len(result), out_path=args.out, model=type(model).__name__,
            predictions=result["prediction"].tolist(),
            **({} if id_col is None else {"id": {"column": id_col,
                                                 "values": result[id_col].tolist()}}),
            score=None if score is None else {"name": score[0], "value": score[1]})
    return out.finish()


def _as_fitted(model, X):
    """A DataFrame as an array for a model fitted without feature names (a network, a matrix):
    scikit-learn would warn that X has feature names the model was not fitted with."""
    if hasattr(X, "columns") and not hasattr(model, "feature_names_in_"):
        return X.to_numpy(dtype=np.float64)
    return X


def _matrix_for(model, meta, args):
    """The ``.npz`` matrix DATA of ``predict``, for a model fitted on a matrix (or saved from
    Python without a table's preprocessing): CSR where the model reads it, else dense."""
    if meta.get("preprocessing") is not None:
        raise ValueError(f"the model {args.model!r} was fitted on a table, whose columns it "
                         "encodes itself; give a table (CSV or Parquet) as DATA, not a matrix")
    if getattr(args, "id", None):
        raise ValueError("--id copies a table column; a matrix (.npz) has none")
    X = read_matrix(args.data)
    if not getattr(model, "_accepts_sparse", False):
        X = X.toarray()
    return X


def _id_column(args, spec, frame, out):
    """The column that ``predict`` copies into its output: ``--id``, else the one ``fit --id``
    stored (when the data has it; a note says when it does not)."""
    col = getattr(args, "id", None)
    if col is not None:
        if col not in frame.columns:
            raise ValueError(f"--id names the column {col!r}, which is not in the data")
        return col
    col = spec.get("id")
    if col is None:
        return None
    if col not in frame.columns:
        out.note(f"shrinkage: note: the model was fitted with --id {col}, but the data has no "
                 f"{col!r} column; predictions are in row order")
        return None
    return col


def _report_input(path: str) -> bool:
    """True for a model file, False for a data file; a ValueError for neither."""
    expected = ("give a model file (from shrinkage fit --out), or a .csv / .parquet data file "
                "with --target COL")
    if os.path.isdir(path):
        raise ValueError(f"INPUT {path!r} is a directory; {expected}")
    if not os.path.exists(path):
        raise ValueError(f"INPUT {path!r} does not exist; {expected}")
    if not zipfile.is_zipfile(path):
        return False
    try:                # a zip holding meta.json; a workbook or zipped CSV is a data file
        with zipfile.ZipFile(path) as zf:
            return "meta.json" in zf.namelist()
    except (zipfile.BadZipFile, OSError):
        return True     # let the model loader say what is wrong with it


def stored_summary(meta: dict, path: str) -> dict:
    """The fit summary that ``shrinkage fit --out`` stored in the model file (``extra``),
    checked (:func:`shrinkage.report.summary_problem`); {} if there is none."""
    from ..report import summary_problem
    extra = meta.get("extra") or {}
    summ = extra.get("summary") if isinstance(extra, dict) else None
    if summ is None:
        return {}
    problem = summary_problem(summ)
    if problem:
        raise ValueError(f"model file {path!r}: the stored fit summary {problem}; the file was "
                         "altered (save the model again)")
    return dict(summ)


def cmd_report(args, out) -> int:
    from ..report import write_report
    if _report_input(args.input):               # a model file: report what it holds
        from ..io import load
        model, meta = load(args.input, return_meta=True)
        summ = stored_summary(meta, args.input)
        X = y = None
        if args.data:
            frame = read_data(args.data, args)
            X = _as_fitted(model, design_from_model(meta, frame))
            target = (meta.get("preprocessing") or {}).get("target")
            if target in frame.columns:
                y = frame[target].to_numpy()
        source = summ.get("data", os.path.basename(args.input))
    else:
        if not args.target:
            raise ValueError("report on a data file needs --target COL (or pass a model file "
                             "written by shrinkage fit --out)")
        args.data = args.input
        model, data, summ = fit_from_args(args, out)
        X, y = data.X, data.y
        print_summary(summ, out)
        source = os.path.basename(args.input)
    write_report(args.out, model, X, y, summary=summ, source=source,
                 title=args.title or f"shrinkage report: {source}")
    out.say(f"report written to {args.out}")
    out.put(**{k: v for k, v in summ.items()}, out_path=args.out)
    return out.finish()
