"""Atomic file writes: a temporary file in the target folder, then a rename.

On any failure the temporary file is removed and an existing file of that name is untouched.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import BinaryIO

from ldn_aid.domain.errors import LdnAidError


class SaveError(LdnAidError):
    """A file could not be written; the message says where and why."""


# The temporary file's name holds at most this many bytes of the final name, so a legal name of up to
# 255 bytes still leaves room for the dot, the random part and ".tmp" (red team D19).
TEMP_NAME_BYTES = 200


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
    try:
        fd, temp_name = tempfile.mkstemp(prefix=f".{_short(path.name)}.", suffix=".tmp", dir=folder)
    except PermissionError:
        raise SaveError(f"cannot save {path}: no permission to write in {folder}") from None
    except OSError as exc:
        raise SaveError(f"cannot save {path}: {exc.strerror or exc}") from None
    temp = Path(temp_name)
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
