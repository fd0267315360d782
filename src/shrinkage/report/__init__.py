"""Self-contained HTML reports: figures embedded as base64 PNG, tables, inline CSS, no network.

* :mod:`~shrinkage.report.html` — the page: :func:`render` from blocks (headings, paragraphs,
  tables, figures), a Content-Security-Policy that forbids every network request, and a small
  inline script that records in the page whether every figure decoded (``#shrinkage-status``).
* :mod:`~shrinkage.report.model` — :func:`model_report`: the report of a fitted model (summary,
  coefficients, CV curve and table, regularization path, training curves and weights).
"""

from .html import Figure, Heading, Paragraph, Table, figure_png, figure_title, render
from .model import model_report, summary_problem, write_report

__all__ = ["render", "Heading", "Paragraph", "Table", "Figure", "figure_png", "figure_title",
           "model_report",
           "write_report", "summary_problem"]
