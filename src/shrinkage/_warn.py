"""Warnings that point at the user's line: the first caller outside the package.

A fixed ``stacklevel`` is right for one call path only: a network's warning raised in the
training loop is three frames below ``fit`` when the user calls ``fit``, more under
:class:`~shrinkage.selection.LamSearchCV`. :func:`warn` counts the frames instead.
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["warn"]

_PACKAGE = __name__.partition(".")[0]


def _ours(frame) -> bool:
    name = frame.f_globals.get("__name__", "")
    return name == _PACKAGE or name.startswith(_PACKAGE + ".")


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn(message, category)`` attributed to the first frame outside the package
    (the user's call into it), so the warning names their file and line."""
    frame, level = sys._getframe(1), 2          # level 2: the caller of this function
    while frame is not None and _ours(frame):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
