"""Interrupted and repeated writes (``shrinkage._atomic``): permissions and owner kept, no
temporary file left behind by an exception or a termination signal, orphans of ``kill -9``
removed by the next write (only ours, only those whose writer is gone), and errors that name
the path the user gave."""

import fcntl
import os
import signal
import stat
import subprocess
import sys
import textwrap

import numpy as np
import pytest

from shrinkage import Ridge
from shrinkage._atomic import atomic_write
from shrinkage.io import save

WRITER = textwrap.dedent("""
    import importlib.util, os, signal, sys
    spec = importlib.util.spec_from_file_location("_atomic", sys.argv[3])  # not the whole package
    atomic = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(atomic)
    with atomic.atomic_write(sys.argv[1], "wb") as fh:
        fh.write(b"half")
        fh.flush()
        os.kill(os.getpid(), getattr(signal, sys.argv[2]))
        fh.write(b" and the rest")
""")


def _interrupted_write(path, signame):
    """A process that is sent ``signame`` halfway through an ``atomic_write``."""
    import shrinkage._atomic

    def default_signals():        # a test run under nohup ignores SIGHUP, and children inherit it
        for name in ("SIGTERM", "SIGHUP", "SIGINT"):
            signal.signal(getattr(signal, name), signal.SIG_DFL)
    return subprocess.run([sys.executable, "-c", WRITER, str(path), signame,
                           shrinkage._atomic.__file__], capture_output=True, text=True,
                          timeout=120, preexec_fn=default_signals)


def _temporaries(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_resaving_keeps_the_permissions_of_the_file_it_replaces(tmp_path):
    path = tmp_path / "model.shrinkage"
    model = Ridge(lam=0.1).fit(np.eye(3), [1.0, 2.0, 3.0])
    save(model, path)
    os.chmod(path, 0o600)
    save(model, path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    os.chmod(path, 0o640)
    with atomic_write(path, "w") as fh:
        fh.write("text")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640 and path.read_text() == "text"


def test_a_new_file_gets_the_usual_mode_of_the_umask(tmp_path):
    old = os.umask(0o027)
    try:
        with atomic_write(tmp_path / "new.txt", "w") as fh:
            fh.write("x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() != 0,
                    reason="only root may give a file to another owner")
def test_resaving_keeps_the_owner_and_group_where_allowed(tmp_path):
    path = tmp_path / "shared.txt"
    path.write_text("old")
    os.chown(path, 12345, 23456)
    with atomic_write(path, "w") as fh:
        fh.write("new")
    st = path.stat()
    assert (st.st_uid, st.st_gid) == (12345, 23456) and path.read_text() == "new"


def test_writing_through_a_link_keeps_the_link(tmp_path):
    (tmp_path / "real.txt").write_text("old")
    os.chmod(tmp_path / "real.txt", 0o600)
    (tmp_path / "link.txt").symlink_to("real.txt")
    with atomic_write(tmp_path / "link.txt", "w") as fh:
        fh.write("new")
    assert (tmp_path / "link.txt").is_symlink() and (tmp_path / "real.txt").read_text() == "new"
    assert stat.S_IMODE((tmp_path / "real.txt").stat().st_mode) == 0o600


@pytest.mark.parametrize("signame", ["SIGTERM", "SIGHUP", "SIGINT"])
def test_a_termination_signal_during_a_write_leaves_no_temporary_and_the_old_file(
        signame, tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"old")
    result = _interrupted_write(path, signame)
    assert result.returncode == -getattr(signal, signame), result.stderr
    assert _temporaries(tmp_path) == [] and path.read_bytes() == b"old"


def test_the_next_write_removes_what_kill_9_left_and_nothing_else(tmp_path):
    path = tmp_path / "model.bin"
    path.write_bytes(b"old")
    assert _interrupted_write(path, "SIGKILL").returncode == -signal.SIGKILL
    orphans = _temporaries(tmp_path)
    assert len(orphans) == 1 and orphans[0].startswith(".model.bin-")
    keep = [".model.bin-notes.tmp", ".other.bin-abcd1234.tmp", "model.bin-abcd1234.tmp",
            ".model.bin-abcd1234.tmp.bak"]
    for name in keep:
        (tmp_path / name).write_text("not ours to remove")
    live = tmp_path / ".model.bin-live0000.tmp"       # a writer in progress holds its lock
    live.write_text("")
    with open(live, "r+b") as held:
        fcntl.flock(held, fcntl.LOCK_EX)
        with atomic_write(path, "wb") as fh:
            fh.write(b"new")
    assert path.read_bytes() == b"new"
    assert _temporaries(tmp_path) == sorted([".model.bin-notes.tmp", ".other.bin-abcd1234.tmp",
                                             "model.bin-abcd1234.tmp", live.name])
    assert (tmp_path / ".model.bin-abcd1234.tmp.bak").exists()


def test_an_exception_in_the_block_leaves_the_old_file_and_no_temporary(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_write(path, "w") as fh:
            fh.write("new")
            raise RuntimeError("disk full")
    assert path.read_text() == "old" and _temporaries(tmp_path) == []


def test_a_directory_or_a_missing_folder_is_named_not_a_temporary_file(tmp_path):
    with pytest.raises(IsADirectoryError) as exc:
        with atomic_write(tmp_path, "w") as fh:
            fh.write("x")
    assert exc.value.filename == str(tmp_path) and "is a directory" in exc.value.strerror
    with pytest.raises(FileNotFoundError) as exc:
        with atomic_write(tmp_path / "no" / "such" / "file.txt", "w") as fh:
            fh.write("x")
    assert exc.value.filename == str(tmp_path / "no" / "such")
    assert _temporaries(tmp_path) == []
