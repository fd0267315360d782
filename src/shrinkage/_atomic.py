"""Atomic file writes: never leave a half-written file behind.

:func:`atomic_write` writes into a temporary file beside the destination (``.NAME-XXXXXXXX.tmp``)
and renames it onto the destination when the block succeeds, so that a reader sees the old file
or the new one, never a part:

* the new file gets the permissions (and, where the system allows, the owner and group) of the
  file it replaces, or the usual ``0666 & ~umask`` for a new file;
* an exception, Ctrl-C, ``SIGTERM`` or ``SIGHUP`` during the write removes the temporary file
  (the two signals then end the process as they would have; this holds in the main thread and
  where the program left them at their default action);
* what cannot be caught (``kill -9``, a power cut) leaves the temporary file; the next write to
  the same destination removes it. A writer holds an exclusive lock (``flock``) on its temporary
  file until the rename, so that only temporary files whose writer is gone count as stale, and
  only files of exactly this name pattern, owned by the current user, are ever removed (without
  ``fcntl``, on Windows: those untouched for a day);
* a destination that is a directory, or whose folder does not exist, is refused before anything
  is written, with an error naming that path (not the temporary file).
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import signal
import stat
import tempfile
import threading
import time

try:
    import fcntl
except ImportError:                    # pragma: no cover - Windows
    fcntl = None

__all__ = ["atomic_write"]

_SIGNALS = ("SIGTERM", "SIGHUP")
_STALE_SECONDS = 24 * 3600             # without locks: how old an orphan must be to go


class _Terminated(BaseException):
    """A termination signal arrived during a write (unwinds the block like Ctrl-C)."""

    def __init__(self, signum):
        super().__init__(signum)
        self.signum = signum


@contextlib.contextmanager
def atomic_write(path, mode: str = "wb", **open_kwargs):
    """Open a temporary file beside ``path``; on success move it onto ``path`` (``os.replace``).

    If the block raises (or the process gets ``SIGINT``, ``SIGTERM``, ``SIGHUP``), the
    temporary file is removed and ``path`` is left as it was. See the module docstring for
    permissions, stale temporary files and locking.

    Raises
    ------
    IsADirectoryError
        If ``path`` is a directory (the error's filename is ``path``).
    FileNotFoundError
        If the folder of ``path`` does not exist (the error's filename is the folder).
    """
    directory, target = _destination(path)
    base = os.path.basename(target)
    _remove_stale(directory, base)
    handlers = _catch_termination()
    signum = None
    try:
        fd, tmp = _create(directory, base)
        try:
            _copy_permissions(tmp, target)
            with os.fdopen(fd, mode, closefd=False, **open_kwargs) as fh:
                yield fh
                fh.flush()
                os.fsync(fh.fileno())
            if fcntl is None:          # pragma: no cover - Windows renames closed files only
                os.close(fd)
                fd = -1
            try:
                os.replace(tmp, target)            # still locked: nobody takes it for stale
            except OSError as exc:
                raise OSError(exc.errno, exc.strerror, target) from None
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        finally:
            if fd >= 0:
                os.close(fd)
    except _Terminated as exc:
        if not handlers:               # an enclosing write installed the handlers: its turn
            raise
        signum = exc.signum
    finally:
        for sig, old in handlers.items():
            signal.signal(sig, old)
    if signum is not None:             # end as the signal would have, the temporary file gone
        os.kill(os.getpid(), signum)
        raise SystemExit(128 + signum)


def _destination(path) -> tuple[str, str]:
    """``(folder, file)`` to write, absolute; a link is written through (the link stays)."""
    path = os.fspath(path)
    if os.path.islink(path):
        path = os.path.realpath(path)
    if os.path.isdir(path):
        raise IsADirectoryError(errno.EISDIR, "is a directory, not a file; give a file name",
                                path)
    target = os.path.abspath(path)
    directory = os.path.dirname(target)
    if not os.path.isdir(directory):
        raise FileNotFoundError(errno.ENOENT, "the folder to write into does not exist; "
                                "create it first", directory)
    return directory, target


def _create(directory: str, base: str) -> tuple[int, str]:
    """A new temporary file, locked; ``(fd, path)``."""
    for _ in range(10):
        try:
            fd, tmp = tempfile.mkstemp(dir=directory, prefix=f".{base}-", suffix=".tmp")
        except OSError as exc:         # name the folder, not a random temporary name
            raise OSError(exc.errno, exc.strerror, directory) from None
        if fcntl is None:              # pragma: no cover
            return fd, tmp
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            linked = os.fstat(fd).st_nlink     # not removed as stale between mkstemp and lock
        except BaseException:          # Ctrl-C before the caller knows the name: clean up here
            os.close(fd)
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise
        if linked:
            return fd, tmp
        os.close(fd)
    raise OSError(errno.EAGAIN, "could not create a temporary file", directory)  # pragma: no cover


def _copy_permissions(tmp: str, target: str) -> None:
    """The mode (and owner, group where allowed) of the file being replaced, else the usual
    mode of a new file (mkstemp makes 0600)."""
    try:
        st = os.stat(target)
    except FileNotFoundError:
        os.chmod(tmp, 0o666 & ~_umask())
        return
    if hasattr(os, "chown") and (st.st_uid, st.st_gid) != (os.getuid(), os.getgid()):
        with contextlib.suppress(OSError):     # only root, or a group of ours, may
            os.chown(tmp, st.st_uid, st.st_gid)
    os.chmod(tmp, stat.S_IMODE(st.st_mode))


def _remove_stale(directory: str, base: str) -> None:
    """Remove the orphaned temporary files of earlier writes to ``base`` (see module doc)."""
    pattern = re.compile(re.escape(f".{base}-") + r"[a-z0-9_]{8}\.tmp")
    try:
        names = [e.name for e in os.scandir(directory) if pattern.fullmatch(e.name)]
    except OSError:
        return
    for name in names:
        with contextlib.suppress(OSError):
            _remove_if_orphaned(os.path.join(directory, name))


def _remove_if_orphaned(tmp: str) -> None:
    if fcntl is None:                  # pragma: no cover
        st = os.lstat(tmp)
        if stat.S_ISREG(st.st_mode) and time.time() - st.st_mtime > _STALE_SECONDS:
            os.unlink(tmp)
        return
    fd = os.open(tmp, os.O_RDWR | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode) or st.st_uid != os.getuid():
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return                     # its writer is alive
        if os.path.samestat(st, os.lstat(tmp)):
            os.unlink(tmp)
    finally:
        os.close(fd)


def _catch_termination() -> dict:
    """Turn SIGTERM / SIGHUP into :class:`_Terminated` while writing (main thread, default
    action only); return the handlers to restore."""
    if threading.current_thread() is not threading.main_thread():
        return {}

    def handler(signum, frame):
        signal.signal(signum, signal.SIG_IGN)      # a second one must not interrupt cleanup
        raise _Terminated(signum)
    installed = {}
    for name in _SIGNALS:
        sig = getattr(signal, name, None)
        if sig is not None and signal.getsignal(sig) == signal.SIG_DFL:
            installed[sig] = signal.signal(sig, handler)
    return installed


def _umask() -> int:
    # a plain loop, no generator: a Ctrl-C inside a generator's finalizer would be swallowed
    with contextlib.suppress(OSError, ValueError):
        with open("/proc/self/status", encoding="ascii") as fh:   # no race with other threads
            for line in fh:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    mask = os.umask(0)                 # pragma: no cover - no /proc
    os.umask(mask)
    return mask
