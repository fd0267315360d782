"""Choosing λ: the cross-validation engine, scores, selection rules and results."""

from .engine import FoldEngine, FoldIds, make_result, make_splits
from .grid import LamSearchCV, lam_candidates
from .nested import NestedCVResult, nested_cross_validate
from .progress import ProgressBar
from .results import CVResult
from .rules import RULES, Selection, parse_rule, select
from .scoring import Score, get_score, get_scores

__all__ = ["CVResult", "FoldEngine", "FoldIds", "LamSearchCV", "NestedCVResult", "ProgressBar",
           "RULES", "Score", "Selection", "get_score", "get_scores", "lam_candidates",
           "make_result", "make_splits", "nested_cross_validate", "parse_rule", "select"]
