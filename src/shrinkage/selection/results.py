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
"""

from __future__ import annotations

import numpy as np

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
    """

    def __init__(self, *args, index=0, index_min=0, index_1se=0, rule="min", reason="",
                 n_repeats=1, **kwargs):
        super().__init__(*args, **kwargs)
        self.index, self.index_min, self.index_1se = int(index), int(index_min), int(index_1se)
        self.rule, self.reason, self.n_repeats = rule, reason, int(n_repeats)

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
        """The λ each repeat alone would choose by the best mean score (its stability)."""
        return np.asarray(self["lam"])[np.argmax(self.repeat_scores(), axis=0)]

    def to_frame(self):
        """A pandas DataFrame with one row per candidate (parameters, mean, se, df, folds)."""
        import pandas as pd
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
            cols[f"mean_{name}"] = S.mean(axis=1)
        frame = pd.DataFrame(cols)
        frame["chosen"] = np.arange(n) == self.index
        frame.attrs.update(scoring=self.get("scoring"), rule=self.rule, reason=self.reason)
        return frame

    def __repr__(self) -> str:
        return (f"CVResult({len(self['lam'])} candidates, scoring={self.get('scoring')!r}, "
                f"rule={self.rule!r}, chosen λ={self.lam:.4g})")
