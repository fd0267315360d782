"""``shrinkage predict MODEL DATA.csv | head -1`` (issue 16): when the reader of stdout goes away
the command stops quietly, as Unix tools do: no traceback, no "error: Broken pipe", exit status
141 (128 + SIGPIPE, what ``seq 1 1000000 | head -1`` reports for ``seq``).

The pipe's reading end is closed before the command starts, so that every write to stdout fails
(deterministic: no race with a reader that has not yet left). A second run reads one line and
then closes the pipe, as ``head -1`` does.
"""

import os
import subprocess
import sys

import numpy as np
import pytest

from shrinkage.cli._output import EXIT_BROKEN_PIPE


@pytest.fixture(scope="module")
def files(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pipe")
    rng = np.random.default_rng(0)
    X = rng.normal(size=(3000, 3))
    y = X @ [1.0, 2.0, 3.0] + rng.normal(size=3000)
    lines = ["a,b,c,y"] + [",".join(f"{v:.6f}" for v in (*row, t)) for row, t in zip(X, y)]
    (folder / "d.csv").write_text("\n".join(lines) + "\n")
    subprocess.run(_cmd("fit", folder / "d.csv", "-y", "y", "--lam", "0.1", "--quiet",
                        "--out", folder / "m.shrinkage"), check=True, env=_env())
    return folder


def _cmd(*args):
    return [sys.executable, "-m", "shrinkage", *map(str, args)]


def _env():
    return dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path), SHRINKAGE_DEBUG="")


def _closed_pipe(args, cwd):
    r, w = os.pipe()
    os.close(r)                        # the reader is gone before the first write
    try:
        out = subprocess.run(_cmd(*args), stdout=w, stderr=subprocess.PIPE, text=True,
                             env=_env(), timeout=300, check=False, cwd=cwd)
    finally:
        os.close(w)
    return out


@pytest.mark.parametrize("args", [["predict", "m.shrinkage", "d.csv"],
                                  ["cv", "d.csv", "-y", "y"],
                                  ["cv", "d.csv", "-y", "y", "--json"],
                                  ["path", "d.csv", "-y", "y", "--out", "figs"]],
                         ids=["predict", "cv", "cv-json", "path"])
def test_a_closed_pipe_ends_the_command_quietly(files, args):
    args = [str(files / a) if a in ("m.shrinkage", "d.csv", "figs") else a for a in args]
    out = _closed_pipe(args, cwd=files)     # a default --out folder lands there
    assert out.stderr == "", out.stderr                # no traceback, no "Broken pipe"
    assert out.returncode == EXIT_BROKEN_PIPE == 141


def test_head_one_gets_the_header_and_the_command_exits_quietly(files):
    proc = subprocess.Popen(_cmd("predict", files / "m.shrinkage", files / "d.csv"),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=_env())
    first = proc.stdout.readline()
    proc.stdout.close()                # `head -1` leaves after one line
    _, err = proc.communicate(timeout=300)
    assert first == b"prediction\n"
    assert b"Traceback" not in err and b"Broken pipe" not in err, err
    # the CSV (3000 rows) is written in one piece after the header: whether the pipe had room
    # for it decides between a finished run (0) and a stopped one (141); both are quiet
    assert proc.returncode in (0, EXIT_BROKEN_PIPE)
