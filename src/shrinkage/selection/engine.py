"""The cross-validation engine shared by every estimator.

An estimator supplies one function, ``fit_fold(train, test) -> fold``, whose result has a
``predict(lams)`` method returning held-out predictions for a whole λ grid at once (a ridge
decomposition, a warm-started logistic path, a set of networks). The engine makes the folds,
fits them (in parallel threads when ``n_jobs > 1``, with BLAS limited to one thread each so
``n_jobs`` workers never oversubscribe the cores), scores every λ on every fold, applies the
selection rule, and returns one :class:`~shrinkage.selection.results.CVResult`. Folds keep their
state, so extending the grid later continues each fold's path instead of starting over.

Folds
-----
``cv`` may be an int (K-fold; stratified for classifiers; grouped when ``groups`` is given;
shuffled when ``random_state`` is set), :class:`FoldIds` or a 1-D integer array of length
``n_samples`` (fixed fold ids, as glmnet's ``foldid``: two runs agree), any scikit-learn
splitter (``RepeatedKFold`` and ``RepeatedStratifiedKFold`` are recognised as repeats), or an
iterable of ``(train, test)`` index arrays.
"""

from __future__ import annotations

from numbers import Integral

import numpy as np
from joblib import Parallel, delayed
from sklearn.model_selection import GroupKFold, KFold, StratifiedKFold, check_cv
from threadpoolctl import threadpool_limits

from .progress import ProgressBar
from .results import CVResult
from .rules import select

__all__ = ["FoldIds", "make_splits", "FoldEngine", "make_result"]


class FoldIds:
    """Fixed fold assignment: row ``i`` is held out in fold ``foldid[i]`` (glmnet's ``foldid``).

    Parameters
    ----------
    foldid : array-like of int, shape (n_samples,)

    Examples
    --------
    >>> import numpy as np
    >>> from shrinkage.selection import FoldIds
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
    """Resolve ``cv`` into a list of ``(train, test)`` index pairs and the number of repeats."""
    n = len(X)
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


class FoldEngine:
    """Fit every fold once; score any λ grid on all folds.

    Parameters
    ----------
    fit_fold : callable ``(train, test) -> fold`` with ``fold.predict(lams)`` returning an array
        of shape (n_test, n_lams, ...) (values for regression, probabilities for classifiers).
    splits : list of (train, test)
    y_eval : ndarray of shape (n_samples, ...)
        What the score compares predictions with (targets, or one-hot classes).
    score : :class:`~shrinkage.selection.scoring.Score` or list of them
        The score that chooses λ; with a list, the first chooses and the others are computed
        from the same predictions (:meth:`score_all`).
    sample_weight : ndarray of shape (n_samples,), optional
    n_jobs : int, optional
        Folds in parallel threads (BLAS limited to one thread per worker while they run).
    progress : bool
    folds : list, optional
        Already fitted folds (one per split, with ``predict``); ``fit_fold`` is then unused.
    """

    def __init__(self, fit_fold, splits, y_eval, score, sample_weight=None, n_jobs=None,
                 progress=False, folds=None):
        self.all_scores = list(score) if isinstance(score, (list, tuple)) else [score]
        self.score = self.all_scores[0]
        self.splits, self.y_eval, self.sw = splits, y_eval, sample_weight
        self.n_jobs = 1 if n_jobs in (None, 0) else int(n_jobs)
        if self.n_jobs < 0:
            import os
            self.n_jobs = max(1, (os.cpu_count() or 1) + 1 + self.n_jobs)
        self.progress = progress
        self.folds = folds if folds is not None else self._map(lambda k: fit_fold(*splits[k]),
                                                               "fitting folds")

    def _map(self, func, desc):
        with ProgressBar(len(self.splits), desc, self.progress) as bar:
            if self.n_jobs == 1:
                out = []
                for k in range(len(self.splits)):
                    out.append(func(k))
                    bar.update()
                return out
            out = []
            with threadpool_limits(limits=1, user_api="blas"):
                for item in Parallel(n_jobs=self.n_jobs, prefer="threads", return_as="generator")(
                        delayed(func)(k) for k in range(len(self.splits))):
                    out.append(item)
                    bar.update()
            return out

    def score_all(self, lams, scores=None):
        """Fold scores for each λ of every score (default: all those given to the engine), as
        a list of arrays of shape (n_lams, n_folds); the predictions are made once per fold."""
        lams = np.asarray(lams, dtype=float)
        scores = self.all_scores if scores is None else list(scores)

        def one(k):
            test = self.splits[k][1]
            pred = self.folds[k].predict(lams)
            sw = None if self.sw is None else self.sw[test]
            yt = self.y_eval[test]
            return [[sc(yt, pred[:, i], sw) for i in range(lams.size)] for sc in scores]

        per_fold = np.array(self._map(one, "scoring folds"), dtype=float)   # (K, n_scores, L)
        return [per_fold[:, m, :].T for m in range(len(scores))]

    def scores(self, lams):
        """Fold scores of the first score for each λ, shape (n_lams, n_folds)."""
        return self.score_all(lams, self.all_scores[:1])[0]

def make_result(lams, *, rule, scoring, fold_scores=None, mean=None, se=None, df=None,
                complexity=None, params=None, n_repeats=1, extra=None) -> tuple:
    """Aggregate fold scores, apply ``rule``; return ``(CVResult, Selection)``.

    The mean over folds is unweighted and its standard error is the sample standard deviation
    over folds divided by √n_folds (for repeated K-fold, over all folds of all repeats).
    ``extra`` is ``{name: ndarray of shape (n_candidates, n_folds)}``: further metrics, reported
    (``extra_scores``, ``mean_<name>`` in ``to_frame``) but not used for the choice. ``scoring``
    names the score that chooses; with extra metrics ``result["scorings"]`` lists all names.
    The result keeps ``rule`` itself (``result.rule_spec``) for :meth:`CVResult.chosen_per_repeat`.
    """
    lams = np.asarray(lams, dtype=float)
    if mean is None:
        K = fold_scores.shape[1]
        mean = fold_scores.mean(axis=1)
        se = fold_scores.std(axis=1, ddof=1) / np.sqrt(K) if K > 1 else np.zeros_like(mean)
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
