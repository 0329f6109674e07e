"""Atomic file writes: a temporary file in the target folder, then a rename.

On any failure the temporary file is removed and an existing file of that name is untouched. A kill
cannot be caught, so a temporary file killed mid-write is removed by the next write into its folder
(only this program's own temporary files, older than the process doing the write); SIGTERM and SIGHUP
remove the one being written before the program ends (`remove_temps_on_signals`).
"""

from __future__ import annotations

import contextlib
import os
import re
import signal
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from types import FrameType
from typing import BinaryIO

from ldn_aid.domain.errors import LdnAidError

if sys.platform != "win32":
    import fcntl


class SaveError(LdnAidError):
    """A file could not be written; the message says where and why."""


# The temporary file's name holds at most this many bytes of the final name, so a legal name of up to
# 255 bytes still leaves room for the dot, the random part and ".tmp" (red team D19).
TEMP_NAME_BYTES = 200


# Every temporary file this program writes ends so; nothing else's is ever removed.
TEMP_SUFFIX = ".ldn-aid.tmp"
_OURS = re.compile(r"^\..+\.[A-Za-z0-9_]{8}" + re.escape(TEMP_SUFFIX) + "$")
_STARTED = time.time()
# The temporary files being written now, for the signal handlers.
_PENDING: set[Path] = set()


def _remove_stale_temps(folder: Path) -> None:
    """Remove this program's temporary files left in `folder` by a killed write: ours by name and
    owner, older than this process, and not locked. A write in progress holds a lock on its temporary
    file until it is renamed (a slow fsync can leave it older than a newer process: red team, after
    D15), and the system drops the lock of a killed process."""
    with contextlib.suppress(OSError), os.scandir(folder) as entries:
        for entry in entries:
            if not _OURS.match(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                mine = not hasattr(os, "getuid") or info.st_uid == os.getuid()
                if entry.is_file(follow_symlinks=False) and mine and info.st_mtime < _STARTED:
                    _remove_if_abandoned(entry.path)


def _remove_if_abandoned(path: str) -> None:
    if sys.platform == "win32":
        # A file another process has open cannot be removed there, so the unlink fails harmlessly.
        os.unlink(path)
        return
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return  # its writer is alive and still writing
        os.unlink(path)
    finally:
        os.close(fd)


def _hold_lock(fd: int) -> int | None:
    """Lock the new temporary file for as long as the returned descriptor stays open (through the
    rename, after the writer's own handle is closed); None where no lock can be had (Windows, or a
    file system without locks: the age rule alone then guards it)."""
    if sys.platform == "win32":
        return None
    try:
        held = os.dup(fd)
    except OSError:
        return None
    try:
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(held)
        return None
    return held


def remove_temps_on_signals() -> None:
    """On SIGTERM or SIGHUP, remove the temporary files being written, then end as the signal would
    (the entry point installs this; a library import never changes signal handling)."""
    for name in ("SIGTERM", "SIGHUP"):
        number = getattr(signal, name, None)
        if number is not None:
            signal.signal(number, _on_signal)


def _on_signal(number: int, _frame: FrameType | None) -> None:
    for temp in list(_PENDING):
        with contextlib.suppress(OSError):
            temp.unlink()
    signal.signal(number, signal.SIG_DFL)
    os.kill(os.getpid(), number)


@contextlib.contextmanager
def _signals_held() -> Iterator[None]:
    """SIGTERM and SIGHUP are held (delivered on leaving) where the platform can hold them."""
    held = {getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name)}
    if not hasattr(signal, "pthread_sigmask") or not held:
        yield
        return
    before = signal.pthread_sigmask(signal.SIG_BLOCK, held)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, before)


def _short(name: str) -> str:
    """`name` cut to TEMP_NAME_BYTES bytes of the file system's encoding, never inside a character (a
    name that is not valid UTF-8 keeps its own bytes)."""
    return os.fsdecode(os.fsencode(name)[:TEMP_NAME_BYTES].decode("utf-8", "ignore").encode())


def write_atomically(path: Path, data: bytes, *, private: bool = False) -> None:
    """Write bytes to `path` atomically."""
    write_with(path, lambda handle: handle.write(data), private=private)


def write_with(path: Path, writer: Callable[[BinaryIO], object], *, private: bool = False) -> None:
    """Let `writer` fill a temporary file beside `path`, then move it into place.

    Args:
        path: the final file.
        writer: writes the content to the open binary handle it is given.
        private: make the file readable and writable by its owner only (0600).
    """
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():
        raise SaveError(f"cannot save {path}: the folder {folder} does not exist")
    _remove_stale_temps(folder)
    # A SIGTERM between creating the temporary file and noting it would leave it behind: the two
    # signals wait until it is noted.
    with _signals_held():
        try:
            fd, temp_name = tempfile.mkstemp(prefix=f".{_short(path.name)}.", suffix=TEMP_SUFFIX, dir=folder)
        except PermissionError:
            raise SaveError(f"cannot save {path}: no permission to write in {folder}") from None
        except OSError as exc:
            raise SaveError(f"cannot save {path}: {exc.strerror or exc}") from None
        temp = Path(temp_name)
        _PENDING.add(temp)
    lock = _hold_lock(fd)
    try:
        with os.fdopen(fd, "wb") as handle:
            writer(handle)
            handle.flush()
            os.fsync(handle.fileno())
        # mkstemp already creates the file 0600; a shared file gets the usual umask-based mode.
        if not private:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(temp, 0o666 & ~umask)
        os.replace(temp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            temp.unlink()
        if isinstance(exc, OSError):
            raise SaveError(f"cannot save {path}: {exc.strerror or exc}") from None
        raise
    finally:
        _PENDING.discard(temp)
        if lock is not None:
            os.close(lock)
