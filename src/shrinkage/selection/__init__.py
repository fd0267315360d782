"""Choosing λ: scores, selection rules and grids."""

from .rules import RULES, Selection, select
from .scoring import Score, get_score

__all__ = ["RULES", "Selection", "select", "Score", "get_score"]
