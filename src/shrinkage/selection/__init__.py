"""Choosing λ: the cross-validation engine, the grids, scores, selection rules and results.

================  ==========================================================================
``engine``        the one cross-validation driver (splits, folds, parallel map, scoring,
                  :func:`make_result`)
``grid``          every default λ grid and their extension past an edge
``search``        :class:`LamSearchCV`, a λ grid search for any estimator
``nested``        :func:`nested_cross_validate`
``rules``         min, 1se, k·se, callables
``scoring``       scores computed from predictions
``results``       :class:`CVResult`
``evidence``      empirical Bayes (marginal likelihood) for ridge and logistic regression
``progress``      the progress bar
================  ==========================================================================
"""

from .engine import FoldEngine, FoldIds, RefitFold, make_result, make_splits, parallel_map
from .nested import NestedCVResult, nested_cross_validate
from .progress import ProgressBar
from .results import CVResult
from .rules import RULES, Selection, parse_rule, select
from .scoring import Score, get_score, get_scores
from .search import LamSearchCV, lam_candidates

__all__ = ["CVResult", "FoldEngine", "FoldIds", "LamSearchCV", "NestedCVResult", "ProgressBar",
           "RULES", "RefitFold", "Score", "Selection", "get_score", "get_scores",
           "lam_candidates", "make_result", "make_splits", "nested_cross_validate",
           "parallel_map", "parse_rule", "select"]
