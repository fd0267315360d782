"""``shrinkage fit`` on a Parquet dataset too large for one process: a directory or a glob of
Parquet files read as one ``dask.dataframe``, fitted blockwise on a ``dask.distributed``
cluster (``--scheduler ADDRESS``, or a local cluster sized to this machine).

The features are the numeric columns other than the target, ``--weights``, ``--id`` and
``--drop``; text columns are refused by name (encode them before, or drop them). Ridge (exact
leave-one-out by default), logistic regression and the lasso / elastic net (regression) are
fitted as in memory (:mod:`shrinkage.linear_model._dask`); the model file holds the
coefficients and the feature names, so ``shrinkage predict MODEL new.csv`` reads any file with
those columns.
"""

from __future__ import annotations

import glob
import os

__all__ = ["is_dataset", "fit_on_cluster"]

#: the models that fit a Dask DataFrame blockwise
CLUSTER_MODELS = ("ridge", "logistic", "lasso", "elasticnet")


def is_dataset(path: str) -> bool:
    """A directory or a glob pattern (``*``, ``?``, ``[``): a dataset of several files."""
    return os.path.isdir(path) or any(c in os.path.basename(path) for c in "*?[")


def _read(path):
    from .._optional import require

    require("pyarrow", "reading Parquet files")
    dd = require("dask.dataframe", "reading a Parquet dataset", extra="dask")
    if os.path.isdir(path):
        files = [f for f in sorted(os.listdir(path)) if not f.startswith((".", "_"))]
        if not files:
            raise ValueError(f"data file {path!r} is a directory with no data files; give a "
                             ".csv, .tsv or .parquet file, or a directory of .parquet files "
                             "(fitted on a Dask cluster)")
        others = [f for f in files if not f.lower().endswith((".parquet", ".pq"))]
        if others:
            raise ValueError(f"the directory {path!r} holds files that are not Parquet "
                             f"({others[:3]}); a dataset on the cluster is a directory of "
                             ".parquet files (or a glob such as 'data/*.parquet')")
    elif not glob.glob(path):
        raise ValueError(f"no file matches {path!r}")
    elif any(not f.lower().endswith((".parquet", ".pq")) for f in glob.glob(path)):
        raise ValueError(f"{path!r} matches files that are not Parquet; a dataset on the "
                         "cluster is read from .parquet files only")
    return dd.read_parquet(path)


def _client(address):
    """A client of the scheduler at ``address``, or of a new local cluster sized to this
    machine; and what to close."""
    from .._optional import require

    distributed = require("distributed", "fitting on a cluster", extra="dask")
    if address:
        try:
            client = distributed.Client(address, timeout="20s")
        except (OSError, TimeoutError) as exc:
            raise ValueError(f"cannot reach the Dask scheduler at {address!r} ({exc}); check "
                             "the address (tcp://host:8786) or leave --scheduler out for a "
                             "local cluster") from None
        return client, [client]
    cluster = distributed.LocalCluster(dashboard_address=None)
    client = distributed.Client(cluster)
    return client, [client, cluster]


def _columns(ddf, args):
    import pandas as pd

    cols = [str(c) for c in ddf.columns]
    if args.target not in cols:
        raise ValueError(f"the dataset has no column {args.target!r}; its columns are "
                         f"{cols[:10]}")
    skip = {args.target, args.weights, args.id, *args.drop} - {None}
    unknown = [c for c in args.drop if c not in cols]
    if unknown:
        raise ValueError(f"--drop names column(s) the dataset lacks: {unknown}")
    text = [c for c in cols if c not in skip and not (
        pd.api.types.is_numeric_dtype(ddf.dtypes[c]) and not pd.api.types.is_bool_dtype(
            ddf.dtypes[c]))]
    if text:
        raise ValueError(f"on a cluster the features must be numeric; {text[:5]} are not: "
                         "encode them before (e.g. one-hot columns in the Parquet files) or "
                         "leave them out with --drop")
    features = [c for c in cols if c not in skip]
    if not features:
        raise ValueError("no feature columns are left after the target, --weights, --id and "
                         "--drop")
    return features


def _task(ddf, args):
    if args.task:
        return args.task
    from .._preprocess import infer_task

    return infer_task(ddf[args.target].head(10_000, npartitions=-1))


def fit_on_cluster(args, out):
    """``shrinkage fit DATASET ...`` on a cluster: ``(estimator, summary)``."""
    from . import _models

    model = args.model
    ddf = _read(args.data)
    features = _columns(ddf, args)
    task = _task(ddf, args)
    model = model or _models.default_model(task)
    if model not in CLUSTER_MODELS or (task == "classification" and model != "logistic"):
        raise ValueError(f"--model {model} on a {task} target does not fit on a cluster; "
                         "ridge, lasso and elasticnet (regression) and logistic do")
    if args.groups:
        raise ValueError("--groups is not available on a cluster; the folds are contiguous "
                         "blocks of rows (give --cv K)")
    cv = None if args.cv is None else _models.parse_cv(args.cv)
    est, how = _models.build(model, task, lam=args.lam, cv=cv, rule=args.rule,
                             standardize=args.standardize, l1_ratio=args.l1_ratio,
                             seed=args.seed)
    _models.configure(est, max_iter=args.max_iter, tol=args.tol, scoring=args.scoring)
    if hasattr(est, "compute_df"):
        est.set_params(compute_df=False)       # a path of Hessians over the cluster: skipped
    client, close = _client(getattr(args, "scheduler", None))
    try:
        X, y = ddf[features], ddf[args.target]
        w = ddf[args.weights] if args.weights else None
        est.fit(X, y, sample_weight=w)
        train = float(est.score(X, y, sample_weight=w))
        sd, n = X.to_dask_array().std(axis=0).compute(), int(len(ddf))
        workers = len(client.scheduler_info().get("workers", {}))
    finally:
        for c in close:
            c.close()
    summ = _models.summary_from_fit(est, train_score=train, names=features, sd=sd)
    summ.update(task=task, how=how + f"; on a Dask cluster ({workers} workers)",
                n_samples=n, n_features=len(features), data=os.path.basename(args.data.rstrip("/")),
                target=args.target, rule=args.rule)
    return est, summ
