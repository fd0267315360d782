"""One cross-validation result type for every estimator.

A :class:`CVResult` is a ``dict`` of arrays, as scikit-learn's ``cv_results_`` is, so
``result["mean_score"]`` and ``pandas.DataFrame`` work as usual, with the choice and its reason
attached. Rows are *candidates*: one per λ for a plain path, one per (l1_ratio, λ) pair or per
tuple of layer λ's for grids.

Keys (arrays of length ``n_candidates`` unless said):

``lam``             the candidate's λ (for layer-wise grids, the largest layer λ)
``params``          list of dicts, each candidate's parameters (``{"lam": ...}``, plus
                    ``"l1_ratio"`` or ``"layer_lams"`` where they vary)
``mean_score``      mean over folds (higher is better)
``se_score``        standard error of the mean over folds (sample sd / √n_folds)
``fold_scores``     (n_candidates, n_folds × n_repeats)
``complexity``      what "simpler" means for the 1se rule: lower is simpler (−λ by default;
                    df or the number of non-zeros where the estimator provides it)
``df``              effective degrees of freedom or number of non-zeros, when known
``scoring``         the score's name (a string, not an array)
``extra_scores``    {name: (n_candidates, n_folds)} for additional metrics, when asked for
                    (``scoring=[first, second, ...]``: the first chooses, the others are here;
                    for leave-one-out one column, the score of the pooled held-out predictions)
``scorings``        with extra metrics: every metric's name, the choosing one first
"""

from __future__ import annotations

import numpy as np

from .._optional import require
from .rules import select

__all__ = ["CVResult"]


class CVResult(dict):
    """Cross-validation scores per candidate, the chosen one, and why.

    Attributes
    ----------
    index : int
        Row of the chosen candidate (by ``rule``).
    index_min, index_1se : int
        Rows of the best mean score and of the simplest candidate within ``k`` standard errors.
    rule : str
        How the choice was made (``"min"``, ``"1se"``, ``"2se"``..., or ``"callable"``).
    reason : str
        One sentence saying why the chosen candidate was chosen.
    n_repeats : int
        Number of repeats of K-fold (1 without repetition).
    rule_spec : str, float, callable or None
        The rule as given (``"1se"``, ``2.0``, a callable...), which
        :meth:`chosen_per_repeat` applies to each repeat; None: parsed from ``rule``.
    """

    def __init__(self, *args, index=0, index_min=0, index_1se=0, rule="min", reason="",
                 n_repeats=1, rule_spec=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.index, self.index_min, self.index_1se = int(index), int(index_min), int(index_1se)
        self.rule, self.reason, self.n_repeats = rule, reason, int(n_repeats)
        self.rule_spec = rule_spec

    # the chosen values ------------------------------------------------------------------------
    @property
    def lam(self) -> float:
        return float(self["lam"][self.index])

    @property
    def lam_min(self) -> float:
        return float(self["lam"][self.index_min])

    @property
    def lam_1se(self) -> float:
        return float(self["lam"][self.index_1se])

    @property
    def best_params(self) -> dict:
        return dict(self["params"][self.index])

    def repeat_scores(self) -> np.ndarray:
        """Fold scores averaged within each repeat, shape (n_candidates, n_repeats)."""
        F = self["fold_scores"]
        return F.reshape(F.shape[0], self.n_repeats, -1).mean(axis=2)

    def chosen_per_repeat(self) -> np.ndarray:
        """The λ each repeat alone would choose by this result's own rule (its stability).

        For repeat ``r`` the rule (``"min"``, ``k·se`` or the callable, as given to the
        estimator) is applied to the mean of that repeat's folds and its standard error (the
        sample standard deviation over those folds / √n_folds), with the result's complexity;
        a callable receives a :class:`CVResult` of that repeat alone.

        Returns
        -------
        lams : ndarray of shape (n_repeats,)
        """
        if "fold_scores" not in self:
            raise ValueError("this result has no fold scores (leave-one-out, GCV or evidence); "
                             "the choice per repeat needs K-fold cross-validation")
        spec = self.rule_spec if self.rule_spec is not None else self.rule
        if spec == "callable":
            raise ValueError("this result does not hold its callable rule; build it with "
                             "make_result(..., rule=callable) to apply it per repeat")
        F = np.asarray(self["fold_scores"], dtype=float)
        lams = np.asarray(self["lam"], dtype=float)
        cx = self.get("complexity")
        out = []
        for Fr in np.split(F, self.n_repeats, axis=1):
            K = Fr.shape[1]
            mean = Fr.mean(axis=1)
            se = Fr.std(axis=1, ddof=1) / np.sqrt(K) if K > 1 else np.zeros_like(mean)
            sub = CVResult({**self, "mean_score": mean, "se_score": se, "fold_scores": Fr},
                           rule=self.rule, rule_spec=spec)
            sub.pop("extra_scores", None)
            out.append(lams[select(lams, mean, se, spec, complexity=cx, result=sub).index])
        return np.array(out)

    def to_frame(self):
        """A pandas DataFrame with one row per candidate (parameters, mean, se, df, folds)."""
        pd = require("pandas", "to_frame()", extra="pandas")
        n = len(self["lam"])
        cols = {"lam": np.asarray(self["lam"])}
        params = self.get("params")
        if params is not None:
            for key in sorted({k for p in params for k in p} - {"lam"}):
                cols[key] = [p.get(key) for p in params]
        for key in ("mean_score", "se_score", "df", "complexity"):
            if key in self and np.ndim(self[key]) == 1 and len(self[key]) == n:
                cols[key] = np.asarray(self[key])
        F = self.get("fold_scores")
        if F is not None:
            for j in range(F.shape[1]):
                cols[f"fold_{j}"] = F[:, j]
        for name, S in self.get("extra_scores", {}).items():
            S = np.asarray(S, dtype=float)
            cols[f"mean_{name}"] = S.mean(axis=1)
            if S.shape[1] > 1:
                cols[f"se_{name}"] = S.std(axis=1, ddof=1) / np.sqrt(S.shape[1])
        frame = pd.DataFrame(cols)
        frame["chosen"] = np.arange(n) == self.index
        frame.attrs.update(scoring=self.get("scoring"), rule=self.rule, reason=self.reason)
        return frame

    def __repr__(self) -> str:
        return (f"CVResult({len(self['lam'])} candidates, scoring={self.get('scoring')!r}, "
                f"rule={self.rule!r}, chosen λ={self.lam:.4g})")
