"""Choosing λ: the cross-validation engine, scores, selection rules and results."""

from .engine import FoldEngine, FoldIds, make_result, make_splits
from .results import CVResult
from .rules import RULES, Selection, parse_rule, select
from .scoring import Score, get_score

__all__ = ["CVResult", "FoldEngine", "FoldIds", "RULES", "Score", "Selection", "get_score",
           "make_result", "make_splits", "parse_rule", "select"]
