"""Warnings that point at the user's line, not at the package's inside.

``warnings.warn(..., stacklevel=k)`` needs the depth of the call chain, which differs between
``Ridge().fit`` and the same solver reached through ``RidgeCV`` or ``LamSearchCV``; a fixed
``k`` points inside the package on one of them. :func:`warn_user` walks up to the first frame whose
module is not part of ``shrinkage`` (what ``skip_file_prefixes`` does from Python 3.12 on).
"""

from __future__ import annotations

import sys
import warnings

__all__ = ["warn_user"]

_PACKAGE = __name__.rsplit(".", 1)[0]


def _inside(frame) -> bool:
    name = frame.f_globals.get("__name__", "")
    return name == _PACKAGE or name.startswith(_PACKAGE + ".")


def warn_user(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn`` attributed to the innermost caller outside the package.

    Examples
    --------
    >>> import warnings
    >>> from shrinkage._warnings import warn_user
    >>> with warnings.catch_warnings(record=True) as w:
    ...     warnings.simplefilter("always")
    ...     warn_user("look here")
    >>> w[0].message.args[0]
    'look here'
    """
    frame, level = sys._getframe(1), 2
    while frame is not None and _inside(frame):
        frame, level = frame.f_back, level + 1
    warnings.warn(message, category, stacklevel=level)
