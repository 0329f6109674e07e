"""Where a command may write: checked before anything is written (red team D04, D05, D12, D20).

The output may not be any file the command reads (the visit file, the clinic settings): a PDF or a
note written over the visit lost it. It must be a regular file or not exist: a device (`/dev/null`
was replaced by a regular file when run as root), a FIFO, a folder or a dangling link is refused. A
read-only file is refused unless the user says `--force`. `-` means standard output, for commands
whose output is text. Every problem is one clear line (an `LdnAidError`), before any byte is written.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from ldn_aid.domain.errors import LdnAidError, one_line

STDOUT = "-"
# Names of standard output itself: as root, `-o /dev/stdout > file` replaced the link in /dev with a
# regular file (red team, after D04). They mean what `-` means.
STDOUT_NAMES = frozenset({STDOUT, "/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"})
_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISFIFO, "a pipe (FIFO)"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
    (stat.S_ISSOCK, "a socket"),
)


class OutputError(LdnAidError):
    """The output cannot be written there; the message says why, on one line, in the command line's
    words. `kind` lets another front end say it in its own: "same_file" (`what` names the file read),
    "not_a_file" (`what` says what it is: "a folder"), "read_only", or "other" (the message needs no
    command-line words)."""

    def __init__(self, message: str, *, kind: str = "other", what: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.what = what


def checked_output(
    output: str, reads: Sequence[tuple[Path, str]], *, force: bool = False, text: bool = False
) -> Path | None:
    """The file to write, or None for standard output (`-`, text commands only).

    Args:
        output: the `-o` value as typed.
        reads: every file the command reads, with what it is ("the visit file"); the output may be
            none of them.
        force: replace a read-only file (its folder must still be writable).
        text: the output is text, so `-` may mean standard output.

    Raises:
        OutputError: the output is a file the command reads, not a regular file, read-only without
            `force`, or in a folder that is missing, not searchable or not writable, or its name is
            too long.
    """
    if output in STDOUT_NAMES:
        if text:
            return None
        raise OutputError(
            f"-o {one_line(output, 40)} means standard output, and a PDF cannot go there; give a file name"
        )
    shown = one_line(output, 200)
    path = Path(output)
    try:
        if path.is_symlink() and path.exists():
            # A link is followed, so the file it names is the one written and the link itself is
            # kept (the rename would otherwise replace the link with a regular file).
            path = path.resolve()
        folder = path.parent if str(path.parent) else Path(".")
        _check_folder(folder, path.name, shown)
        if path.is_symlink() and not path.exists():
            raise OutputError(f"{shown} is a link to nothing; give a file name")
        if not path.exists():
            return path
        mode = path.stat().st_mode
    except OSError as exc:
        raise OutputError(f"cannot save {shown}: {exc.strerror or type(exc).__name__}") from None
    for test, kind in _KINDS:
        if test(mode):
            raise OutputError(
                f"{shown} is {kind}, not a file; give a file name", kind="not_a_file", what=kind
            )
    for source, what in reads:
        if _same_file(path, source):
            raise OutputError(
                f"{shown} is {what} this command reads; give the output another name with -o",
                kind="same_file",
                what=what,
            )
    if not force and not (mode & stat.S_IWUSR and os.access(path, os.W_OK)):
        raise OutputError(
            f"{shown} is read-only; give another name, or --force to replace it", kind="read_only"
        )
    return path


def _check_folder(folder: Path, name: str, shown: str) -> None:
    if not folder.is_dir():
        raise OutputError(f"cannot save {shown}: the folder {one_line(str(folder), 200)} does not exist")
    if not os.access(folder, os.W_OK | os.X_OK):
        raise OutputError(f"cannot save {shown}: no permission to write in {one_line(str(folder), 200)}")
    try:
        longest = os.pathconf(folder, "PC_NAME_MAX")
    except (OSError, ValueError):  # not every system says; the write itself then reports it
        return
    if len(os.fsencode(name)) > longest:  # a name not in UTF-8 counts in its own bytes
        raise OutputError(
            f"cannot save {shown}: the name is too long for its folder ({longest} bytes at most)"
        )


def _same_file(path: Path, source: Path) -> bool:
    try:
        return path.resolve() == source.resolve() or (source.exists() and os.path.samefile(path, source))
    except OSError:
        return False
