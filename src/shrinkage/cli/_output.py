"""What every command shares: human or JSON output, ``--quiet``, progress bars, tables, figures."""

from __future__ import annotations

import json
import math
import os
import sys

import numpy as np

from .._atomic import atomic_write
from .._optional import require


class Output:
    """Prints for people on stdout, or one JSON document with ``--json``; ``--quiet`` prints
    nothing but errors (and the JSON document when asked for)."""

    def __init__(self, quiet: bool = False, as_json: bool = False):
        self.quiet, self.as_json = quiet, as_json
        self.data: dict = {}

    def say(self, text: str = "") -> None:
        if not (self.quiet or self.as_json):
            print(text, flush=True)

    def note(self, text: str) -> None:
        """A side remark on stderr (kept out of JSON output), silenced by ``--quiet``."""
        if not self.quiet:
            print(text, file=sys.stderr, flush=True)

    def put(self, **items) -> None:
        self.data.update(items)

    def finish(self) -> int:
        if self.as_json:
            json.dump(jsonable(self.data), sys.stdout, indent=1, ensure_ascii=False,
                      allow_nan=False)
            sys.stdout.write("\n")
            sys.stdout.flush()
        return 0

    @property
    def progress_enabled(self) -> bool:
        """Bars only for a person watching: not with ``--quiet`` or ``--json``, nor when
        stdout is not a terminal (a pipe, a file, a test)."""
        return not (self.quiet or self.as_json) and sys.stdout.isatty()


def jsonable(v):
    """Numbers, arrays and containers as plain JSON values (NaN and ±inf become null)."""
    if isinstance(v, dict):
        return {str(k): jsonable(x) for k, x in v.items()}
    if isinstance(v, (list, tuple)):
        return [jsonable(x) for x in v]
    if isinstance(v, np.ndarray):
        return jsonable(v.tolist())
    if isinstance(v, (np.bool_, bool)):
        return bool(v)
    if isinstance(v, (np.integer, int)):
        return int(v)
    if isinstance(v, (np.floating, float)):
        v = float(v)
        return v if math.isfinite(v) else None
    if v is None or isinstance(v, str):
        return v
    return str(v)


def table(rows, headers) -> str:
    cols = list(zip(*([headers] + [[str(c) for c in r] for r in rows])))
    widths = [max(len(c) for c in col) for col in cols]

    def line(r):
        return "  ".join(str(c).ljust(w) for c, w in zip(r, widths)).rstrip()
    return "\n".join([line(headers), line(["-" * w for w in widths])] + [line(r) for r in rows])


def fmt(v, spec: str = ".4g") -> str:
    if v is None:
        return "n/a"
    try:
        v = float(v)
    except (TypeError, ValueError):
        return str(v)
    return "n/a" if not math.isfinite(v) else format(v, spec)


def save_figure(fig, out_dir: str, name: str) -> str:
    """Write ``fig`` as ``out_dir/name`` (PNG) atomically, close it, return the path."""
    plt = require("matplotlib.pyplot", "writing figures")
    out_folder(out_dir)
    path = os.path.join(out_dir, name)
    with atomic_write(path, "wb") as fh:
        fig.savefig(fh, format="png", dpi=100, bbox_inches="tight")
    plt.close(fig)
    return path


def out_folder(out_dir: str) -> None:
    """Create the ``--out`` folder (and its parents); a ValueError if a file is in the way."""
    if os.path.exists(out_dir) and not os.path.isdir(out_dir):
        raise ValueError(f"--out {out_dir!r} is a file, but this command writes several files "
                         "into a folder; give a folder name")
    try:
        os.makedirs(out_dir, exist_ok=True)
    except FileExistsError:            # a file in the way higher up, or a broken link
        raise ValueError(f"--out {out_dir!r} cannot be created as a folder (a file of that "
                         "name, or one above it, is in the way); give another folder") from None


def use_agg() -> None:
    require("matplotlib", "writing figures").use("Agg")          # files only: no command opens a window


#: the exit status of a Unix tool whose reader went away (128 + SIGPIPE), as ``seq 1 1000000 |
#: head -1`` reports for ``seq``
EXIT_BROKEN_PIPE = 141


def reader_gone() -> int:
    """Stdout's reader closed the pipe (``| head``): stop quietly, as Unix tools do. Point stdout
    at the null device so that the interpreter's last flush does not fail again (the handling
    Python's documentation of ``signal`` recommends), and exit :data:`EXIT_BROKEN_PIPE`."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):      # no file descriptor (stdout replaced by a test): nothing to do
        pass
    return EXIT_BROKEN_PIPE
