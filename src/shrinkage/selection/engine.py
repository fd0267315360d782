"""The one cross-validation engine: every CV, grid search and repeated fit in the package.

A *fold* is an object with ``predict(candidates)`` returning held-out predictions for a whole
list of candidates at once (λ values, or parameter dicts), shape ``(n_test, n_candidates, …)``,
and, when it learns along the way, ``state()`` / ``set_state(state)`` (what a worker process
sends back; a fold without them is stateless and nothing comes back):
a ridge decomposition, a warm-started elastic-net or logistic path, or — for any estimator —
:class:`RefitFold`, one fit per candidate. The engine makes the splits
(:func:`make_splits`), fits and evaluates the folds through :func:`parallel_map` (the only
``joblib.Parallel`` of the package), scores every candidate on every fold with the
:mod:`~shrinkage.selection.scoring` scores, and :func:`make_result` applies the selection rule
and returns one :class:`~shrinkage.selection.results.CVResult`. Folds keep their state (the
engine stores the fold each task returns), so extending a grid later continues each fold's path
instead of starting over — on threads, processes or a Dask cluster alike.

Users: :class:`~shrinkage.RidgeCV` (K-fold), :class:`~shrinkage.LogisticRegressionCV`,
:class:`~shrinkage.ElasticNetCV`, :class:`~shrinkage.selection.LamSearchCV`,
:func:`~shrinkage.selection.nested_cross_validate`, the command line's network CV and
:func:`~shrinkage.diagnostics.bias_variance` (whose "folds" are bootstrap draws).

Parallelism
-----------
``n_jobs`` workers, threads by default (the numba kernels and BLAS release the GIL) or
processes (``prefer="processes"``, for pure-Python work such as training networks); a
``joblib.parallel_config(backend=...)`` of the caller (``"loky"``, ``"dask"``) takes precedence.
Every worker runs BLAS on one thread, so ``n_jobs`` workers never oversubscribe the cores:
threads share one limit set around the whole map, a worker process sets its own. Nothing is
looked up by the identity of an array, which a worker process would re-create.

Folds
-----
``cv`` may be an int (K-fold; stratified for classifiers; grouped when ``groups`` is given;
shuffled when ``random_state`` is set), :class:`FoldIds` or a 1-D integer array of length
``n_samples`` (fixed fold ids, as glmnet's ``foldid``: two runs agree), any scikit-learn
splitter (``RepeatedKFold`` and ``RepeatedStratifiedKFold`` are recognised as repeats), or an
iterable of ``(train, test)`` index arrays.
"""

from __future__ import annotations

import os
from numbers import Integral

import numpy as np
from joblib import Parallel, delayed, effective_n_jobs
from sklearn.base import clone, is_classifier
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, check_cv

from .._threads import one_blas_thread
from .grid import extend_while_on_edge
from .results import CVResult
from .rules import select, warn_on_edge

__all__ = ["FoldIds", "make_splits", "parallel_map", "FoldEngine", "RefitFold", "PathFold",
           "make_result", "fold_mean_se", "fold_weights", "score_path_grid", "CV_AVERAGES"]



class FoldIds:
    """Fixed fold assignment: row ``i`` is held out in fold ``foldid[i]`` (glmnet's ``foldid``).

    Parameters
    ----------
    foldid : array-like of int, shape (n_samples,)

    Examples
    --------
    >>> import numpy as np; from shrinkage.selection import FoldIds
    >>> [test.tolist() for _, test in FoldIds([0, 1, 0, 1]).split(np.zeros((4, 1)))]
    [[0, 2], [1, 3]]
    """

    def __init__(self, foldid):
        self.foldid = np.asarray(foldid)
        if self.foldid.ndim != 1 or self.foldid.size == 0:
            raise ValueError("foldid must be a non-empty 1-D array with one fold id per row")
        if np.unique(self.foldid).size < 2:
            raise ValueError("foldid assigns every row to the same fold; use at least two fold ids")

    def get_n_splits(self, X=None, y=None, groups=None):
        return int(np.unique(self.foldid).size)

    def split(self, X, y=None, groups=None):
        if len(X) != self.foldid.size:
            raise ValueError(f"foldid has {self.foldid.size} entries but X has {len(X)} rows")
        for f in np.unique(self.foldid):
            test = np.flatnonzero(self.foldid == f)
            yield np.flatnonzero(self.foldid != f), test


def make_splits(cv, X, y=None, groups=None, *, classification=False, random_state=None):
    """Resolve ``cv`` into a list of ``(train, test)`` index pairs and the number of repeats
    (``cv=None`` is 5 folds, as in scikit-learn)."""
    n = X.shape[0]
    cv = 5 if cv is None else cv
    if isinstance(cv, (Integral, np.integer)) and not isinstance(cv, (bool, np.bool_)):
        if cv < 2:
            raise ValueError(f"cv as an int is the number of folds and must be >= 2, got {cv}")
        if cv > n:
            raise ValueError(f"cv={cv} folds but only {n} samples; use fewer folds")
        shuffle = random_state is not None
        if groups is not None:
            splitter = GroupKFold(int(cv))
        elif classification:
            splitter = StratifiedKFold(int(cv), shuffle=shuffle, random_state=random_state)
        else:
            splitter = KFold(int(cv), shuffle=shuffle, random_state=random_state)
    elif isinstance(cv, (str, bytes, float, bool, np.bool_)):
        raise ValueError(f"cv must be an int (the number of folds), a splitter such as "
                         f"KFold(5), an array of fold ids or an iterable of (train, test) "
                         f"index pairs; got {cv!r}")
    elif isinstance(cv, np.ndarray) and cv.ndim == 1 and cv.size == n and cv.dtype.kind in "iu":
        splitter = FoldIds(cv)
    elif hasattr(cv, "split"):
        splitter = cv
    else:
        splitter = check_cv(cv)
    splits = [(np.asarray(tr), np.asarray(te)) for tr, te in splitter.split(X, y, groups)]
    if not splits:
        raise ValueError("the cross-validation splitter produced no folds")
    for tr, te in splits:
        if len(tr) == 0 or len(te) == 0:
            raise ValueError("a cross-validation fold has an empty training or test part")
    n_repeats = int(getattr(splitter, "n_repeats", 1))
    if len(splits) % n_repeats:
        n_repeats = 1
    return splits, n_repeats


class _OneBlasThread:
    """``func(*args)`` with BLAS on one thread when it runs in a worker process (threads of
    the calling process share the one limit :func:`parallel_map` sets around them). The caller's
    process id travels with the pickled task, so a worker knows it is one."""

    def __init__(self, func):
        self.func, self.caller = func, os.getpid()

    def __call__(self, *args):
        if os.getpid() == self.caller:
            return self.func(*args)
        with one_blas_thread():
            return self.func(*args)


def parallel_map(func, items, *, n_jobs=None, prefer="threads", bar=None, weights=None) -> list:
    """``[func(*item) for item in items]``, on ``n_jobs`` workers, in order.

    The only ``joblib.Parallel`` of the package (module docstring: threads or processes, BLAS on
    one thread per worker, the caller's ``joblib.parallel_config`` honoured).

    Parameters
    ----------
    func : callable
        A module-level function (or another picklable callable) for process backends.
    items : sequence of tuples
        Arguments of each call.
    n_jobs : int, optional
        ``None`` or 1: in this thread; ``-1``: all cores.
    prefer : {"threads", "processes"}
    bar : ProgressBar, optional
        Advanced by ``weights[i]`` (default 1) as item ``i`` finishes.
    weights : sequence of int, optional
    """
    items = list(items)
    weights = [1] * len(items) if weights is None else list(weights)
    n_jobs = 1 if n_jobs in (None, 0) else effective_n_jobs(n_jobs)
    out = []
    if n_jobs == 1 or len(items) <= 1:
        for item, w in zip(items, weights):
            out.append(func(*item))
            if bar is not None:
                bar.update(w)
        return out
    task = _OneBlasThread(func)
    with one_blas_thread():
        gen = Parallel(n_jobs=n_jobs, prefer=prefer, return_as="generator")(
            delayed(task)(*item) for item in items)
        for res, w in zip(gen, weights):
            out.append(res)
            if bar is not None:
                bar.update(w)
    return out


def _carry(fold, keep):
    """What a task sends back of a fold: its ``state()`` (small: a worker process does not send
    the fold's data back) when it has one and the task saw every candidate, else nothing."""
    return fold.state() if keep and hasattr(fold, "state") else None


def _evaluate(fold, cands, keep, y_test, sw_test, scores):
    """``(state, values)``: the fold's state after predicting ``cands``, and every score on
    every candidate, shape (n_scores, n_candidates)."""
    pred = fold.predict(cands)
    values = np.array([[sc(y_test, pred[:, i], sw_test) for i in range(len(cands))]
                       for sc in scores], dtype=float).reshape(len(scores), len(cands))
    return _carry(fold, keep), values


def _predict(fold, cands, keep):
    return _carry(fold, keep), fold.predict(cands)


class FoldEngine:
    """Folds fitted once; any list of candidates scored (or predicted) on all of them.

    Parameters
    ----------
    folds : list
        One fold per split, each with ``predict(candidates)`` (module docstring). A fold whose
        ``independent`` attribute is true fits each candidate on its own, and the engine may
        spread its candidates over workers.
    splits : list of (train, test)
    y_eval : ndarray of shape (n_samples, ...)
        What the scores compare predictions with (targets, or one-hot classes).
    scores : Score or list of Score
        The first chooses; the others are computed from the same predictions.
    sample_weight : ndarray of shape (n_samples,), optional
    n_jobs : int, optional
    prefer : {"threads", "processes"}
    bar : ProgressBar, optional
        Advanced by one per (fold, candidate) evaluated, or per fold evaluation with
        ``count="folds"``.
    count : {"candidates", "folds"}
    """

    def __init__(self, folds, splits, y_eval, scores=(), sample_weight=None, n_jobs=None,
                 prefer="threads", bar=None, count="candidates"):
        self.folds, self.splits, self.y_eval, self.sw = list(folds), splits, y_eval, sample_weight
        self.all_scores = list(scores) if isinstance(scores, (list, tuple)) else [scores]
        self.n_jobs, self.prefer, self.bar, self.count = n_jobs, prefer, bar, count

    @classmethod
    def fit(cls, make_fold, args, splits, y_eval, scores=(), sample_weight=None, n_jobs=None,
            prefer="threads", bar=None, count="candidates", fit_bar=None):
        """Build the folds with ``make_fold(*args_k)`` for each entry of ``args`` in parallel
        (``fit_bar`` advancing by one per fold)."""
        folds = parallel_map(make_fold, args, n_jobs=n_jobs, prefer=prefer, bar=fit_bar)
        return cls(folds, splits, y_eval, scores, sample_weight, n_jobs, prefer, bar, count)

    def _tasks(self, cands):
        """(fold index, candidate indices) per task: a path fold walks all candidates in one
        task; an independent fold may take one candidate per task."""
        split = effective_n_jobs(self.n_jobs) > 1 if self.n_jobs not in (None, 0, 1) else False
        out = []
        for k, fold in enumerate(self.folds):
            if split and getattr(fold, "independent", False):
                out.extend((k, [c]) for c in range(len(cands)))
            else:
                out.append((k, list(range(len(cands)))))
        return out

    def _run(self, func, cands, extra):
        tasks = self._tasks(cands)
        whole = [len(idx) == len(cands) for _, idx in tasks]   # the task saw every candidate
        items = [(self.folds[k], [cands[c] for c in idx], w, *extra(k))
                 for (k, idx), w in zip(tasks, whole)]
        # the bar counts (fold, candidate) pairs, or folds (one per fold's whole task)
        weights = [len(idx) if self.count == "candidates" else int(idx[-1] == len(cands) - 1)
                   for _, idx in tasks]
        results = parallel_map(func, items, n_jobs=self.n_jobs, prefer=self.prefer,
                               bar=self.bar, weights=weights)
        for (k, _), carried in zip(tasks, (r[0] for r in results)):
            if carried is not None:
                self.folds[k].set_state(carried)
        return tasks, [r[1] for r in results]

    def score_all(self, cands, scores=None) -> list:
        """Fold scores of every score (default: all given to the engine), a list of arrays of
        shape (n_candidates, n_folds); the predictions are made once per fold."""
        cands = list(cands)
        scores = self.all_scores if scores is None else list(scores)

        def extra(k):
            test = self.splits[k][1]
            return (self.y_eval[test], None if self.sw is None else self.sw[test], scores)

        tasks, values = self._run(_evaluate, cands, extra)
        out = np.empty((len(scores), len(cands), len(self.folds)))
        for (k, idx), v in zip(tasks, values):
            out[:, idx, k] = v
        return [out[m] for m in range(len(scores))]

    def scores(self, cands) -> np.ndarray:
        """Fold scores of the first score, shape (n_candidates, n_folds)."""
        return self.score_all(cands, self.all_scores[:1])[0]

    def predict_all(self, cands) -> list:
        """Held-out predictions per fold, each of shape (n_test, n_candidates, …)."""
        cands = list(cands)
        tasks, preds = self._run(_predict, cands, lambda k: ())
        per_fold = [[None] * len(cands) for _ in self.folds]
        for (k, idx), P in zip(tasks, preds):
            for j, c in enumerate(idx):
                per_fold[k][c] = P[:, j]
        return [np.stack(p, axis=1) for p in per_fold]


class PathFold:
    """What a warm-started path fold keeps: ``last = (λ, *solution)`` at the smallest λ walked
    (its state). A grid that continues below it starts from that solution (:meth:`warm`), so a
    grid extended downward continues each path."""

    last = None

    def state(self):
        return self.last

    def set_state(self, last):
        self.last = last

    def warm(self, lams):
        """The solution to start ``lams`` from (``last[1:]``), or None (start afresh)."""
        return self.last[1:] if self.last is not None and lams[0] < self.last[0] else None

    def remember(self, lams, *solution):
        """Keep ``solution`` (at ``lams[-1]``) if it is the smallest λ walked so far."""
        if self.last is None or lams[-1] < self.last[0]:
            self.last = (float(lams[-1]), *solution)


class RefitFold:
    """A fold for any estimator: each candidate is a fresh fit on the training rows.

    Parameters
    ----------
    estimator : estimator
        Cloned for every candidate.
    X, y : arrays (or a DataFrame for ``X``)
    train, test : ndarray of int
    sample_weight : ndarray of shape (n_samples,), optional
        Passed to ``fit`` on the training rows.
    X_test : array-like, optional
        Rows to predict instead of ``X[test]`` (a fixed test set).
    param : str, default="lam"
        The parameter a scalar candidate sets; a dict candidate sets its items.
    seed : int, optional
        Set as ``random_state`` when the estimator has one.
    output : {"auto", "predict", "proba", "labels"}
        What ``predict`` returns: ``"auto"`` is class probabilities (columns in the order of
        ``classes``) for classifiers and ``predict`` for regressors (2-D: (n_test, t)).
    classes : ndarray, optional
        All class labels, so that every fold's probabilities have the same columns.
    keep_fitted : bool, default=False
        Keep the last ``predict``'s fitted estimators (``fitted_``, the fold's state; sent back
        from a worker process). Off, nothing of a fit outlives its predictions.

    Attributes
    ----------
    fitted_ : list
        With ``keep_fitted``: the last ``predict``'s fitted estimators, one per candidate.
    """

    independent = True

    def __init__(self, estimator, X, y, train, test, sample_weight=None, *, X_test=None,
                 param="lam", seed=None, output="auto", classes=None, keep_fitted=False):
        self.estimator, self.X, self.y, self.train, self.test = estimator, X, y, train, test
        self.sample_weight, self.X_test, self.param, self.seed = sample_weight, X_test, param, seed
        self.output = ("proba" if is_classifier(estimator) else "predict") if output == "auto" \
            else output
        self.classes, self.keep_fitted = classes, keep_fitted
        self.fitted_ = []

    def state(self):
        return self.fitted_ if self.keep_fitted else None

    def set_state(self, fitted):
        self.fitted_ = fitted

    def fit_one(self, cand):
        params = dict(cand) if isinstance(cand, dict) else {self.param: cand}
        if self.seed is not None and "random_state" in self.estimator.get_params():
            params.setdefault("random_state", self.seed)
        model = clone(self.estimator).set_params(**params)
        kw = {} if self.sample_weight is None else {"sample_weight": self.sample_weight[self.train]}
        model.fit(_rows(self.X, self.train), self.y[self.train], **kw)
        if getattr(model, "interrupted_", False):
            # a network stops cleanly on Ctrl-C and returns; its score would describe a
            # half-trained model, so the interrupt stops the whole search
            raise KeyboardInterrupt
        return model

    def predict(self, cands):
        Xt = _rows(self.X, self.test) if self.X_test is None else self.X_test
        out, fitted = [], []
        for c in cands:
            model = self.fit_one(c)
            out.append(self._output(model, Xt))
            if self.keep_fitted:
                fitted.append(model)
        self.fitted_ = fitted
        return np.stack(out, axis=1)

    def _output(self, model, Xt):
        if self.output == "proba":
            P = model.predict_proba(Xt)
            if self.classes is None:
                return P
            out = np.zeros((P.shape[0], len(self.classes)))
            out[:, np.searchsorted(self.classes, model.classes_)] = P
            return out
        pred = model.predict(Xt)
        if self.output == "labels":
            return np.searchsorted(self.classes, pred) if self.classes is not None else pred
        pred = np.asarray(pred, dtype=float)
        return pred.reshape(len(pred), -1)


def _rows(X, idx):
    return X.iloc[idx] if hasattr(X, "iloc") else X[idx]


#: ``cv_average`` of the CV estimators: the plain mean over folds, or glmnet's weighted one
CV_AVERAGES = ("mean", "weighted")


def fold_weights(cv_average, splits, sample_weight=None):
    """The ``fold_weights`` of :func:`make_result` for a ``cv_average``: None for ``"mean"``,
    each test fold's total sample weight (its size without weights) for ``"weighted"``."""
    if cv_average == "mean":
        return None
    return np.array([te.size if sample_weight is None else float(np.sum(sample_weight[te]))
                     for _, te in splits])


def fold_mean_se(fold_scores, fold_weights=None):
    """Mean over folds and its standard error, ``(n_candidates,)`` each, of ``fold_scores``
    (n_candidates, K): unweighted, or weighted by ``fold_weights`` (K,) as glmnet's
    ``cv.glmnet`` (:func:`make_result`)."""
    fold_scores = np.asarray(fold_scores, dtype=float)
    K = fold_scores.shape[1]
    w = np.ones(K) if fold_weights is None else np.asarray(fold_weights, dtype=float)
    w = w / w.sum()
    mean = fold_scores @ w
    if K < 2:
        return mean, np.zeros_like(mean)
    return mean, np.sqrt(((fold_scores - mean[:, None]) ** 2) @ w / (K - 1))


def make_result(lams, *, rule, scoring, fold_scores=None, mean=None, se=None, df=None,
                complexity=None, params=None, n_repeats=1, extra=None,
                fold_weights=None) -> tuple:
    """Aggregate fold scores, apply ``rule``; return ``(CVResult, Selection)``.

    The mean over folds is unweighted and its standard error is the sample standard deviation
    over folds divided by √n_folds (for repeated K-fold, over all folds of all repeats).
    With ``fold_weights`` ``w_k`` (K,) (each test fold's size or weight: glmnet's
    ``cv.glmnet``) the mean is ``m = Σ w_k s_k / Σ w_k`` and its standard error
    ``√(Σ w_k (s_k − m)² / Σ w_k / (K − 1))``, which is the unweighted one for equal weights
    (:func:`fold_mean_se`).
    ``extra`` is ``{name: ndarray of shape (n_candidates, n_folds)}``: further metrics, reported
    (``extra_scores``, ``mean_<name>`` in ``to_frame``) but not used for the choice. ``scoring``
    names the score that chooses; with extra metrics ``result["scorings"]`` lists all names.
    The result keeps ``rule`` itself (``result.rule_spec``) for :meth:`CVResult.chosen_per_repeat`.
    """
    lams = np.asarray(lams, dtype=float)
    if mean is None:
        mean, se = fold_mean_se(fold_scores, fold_weights)
    cx = -lams if complexity is None else np.asarray(complexity, dtype=float)
    data = {"lam": lams, "params": params if params is not None else [{"lam": float(v)} for v in lams],
            "mean_score": np.asarray(mean, float), "se_score": np.asarray(se, float),
            "complexity": cx, "scoring": scoring}
    if fold_scores is not None:
        data["fold_scores"] = fold_scores
    if df is not None:
        data["df"] = np.asarray(df, float)
    if extra:
        data["extra_scores"] = {k: np.asarray(v, float) for k, v in extra.items()}
        data["scorings"] = [scoring, *extra]
    result = CVResult(data, n_repeats=n_repeats, rule_spec=rule)
    sel = select(lams, data["mean_score"], data["se_score"], rule, complexity=cx, result=result)
    result.index, result.index_min, result.index_1se = sel.index, sel.index_min, sel.index_1se
    result.rule, result.reason = sel.rule, sel.reason
    return result, sel


def score_path_grid(engine, lams, *, extend: bool, rule, scoring, n_repeats=1,
                    fold_weights=None, bar, max_extensions: int = 3) -> tuple:
    """Score the λ grid ``lams`` (decreasing) on the path folds of ``engine``, and with
    ``extend`` (a default grid) extend it downward a decade at a time while the best λ is its
    smallest (:func:`~shrinkage.selection.grid.extend_while_on_edge`); a given grid is only
    warned about when the best λ is on its edge. The folds continue their paths.

    Returns
    -------
    result : CVResult
    selection : Selection
    lams : ndarray
        The grid scored (extensions appended).
    """
    lams = np.asarray(lams, dtype=float)
    values = engine.scores(lams)

    def result():
        return make_result(lams, rule=rule, scoring=scoring, fold_scores=values,
                           n_repeats=n_repeats, fold_weights=fold_weights)

    def more(new, side):
        nonlocal lams, values
        bar.add_total(len(engine.folds) * new.size)
        values = np.vstack([values, engine.scores(new)])
        lams = np.concatenate([lams, new])

    with bar:
        if extend and lams.size > 1:
            extend_while_on_edge(lams, more, lambda: (result()[1], lams), decades=1.0,
                                 max_extensions=max_extensions, sides=("low",))
        res, sel = result()
    if not extend:
        warn_on_edge(sel, lams)
    return res, sel, lams
