"""Reading and writing visit files. Every failure becomes a VisitFileError with one clear line.

A file in an older format (`OLDER_FORMATS`) is migrated on load by the model
(`ldn_aid.domain.visit.migrate_visit_data`); `read_visit` / `parse_visit_file` say so with a
notice the front end shows once. Saving always writes the current format.
"""

from __future__ import annotations

import json
import stat
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ldn_aid.atomic import write_atomically
from ldn_aid.domain.errors import KEY_LIMIT, VisitFileError, describe_validation_error, one_line
from ldn_aid.domain.visit import OLDER_FORMATS, VISIT_FORMAT, Visit, visit_format_of

# A real visit file is a few kilobytes; refusing anything far larger stops a hostile file early.
MAX_VISIT_BYTES = 1_000_000


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise VisitFileError(f"the key {one_line(repr(key), KEY_LIMIT)} appears twice")
        seen[key] = value
    return seen


@dataclass(frozen=True)
class LoadedVisit:
    """A visit as read from its file, and the notice to show once when the file was migrated."""

    visit: Visit
    # The format the file declared, and a one-line notice when it was an older one (else None).
    source_format: str | None
    notice: str | None

    @property
    def migrated(self) -> bool:
        return self.notice is not None


def migration_notice(source: str, source_format: str) -> str:
    """What to tell the user once when a file in an older format was read as the current one."""
    old = source_format.rsplit("/", 1)[-1]
    new = VISIT_FORMAT.rsplit("/", 1)[-1]
    return (
        f"{source} is format {old} ({source_format}); it was read as format {new} and new questions are"
        f" unanswered (saving writes format {new})"
    )


def parse_visit(raw: bytes, source: str = "visit") -> Visit:
    """A Visit from the bytes of a visit file (an older format is migrated; see `parse_visit_file`)."""
    return parse_visit_file(raw, source).visit


def parse_visit_file(raw: bytes, source: str = "visit") -> LoadedVisit:
    """A Visit from the bytes of a visit file, with a notice when its format was migrated."""
    if len(raw) > MAX_VISIT_BYTES:
        raise VisitFileError(f"{source} is too large to be a visit file ({len(raw):,} bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise VisitFileError(f"{source} is not UTF-8 text, so it cannot be a visit file") from None
    try:
        document = json.loads(text, object_pairs_hook=_reject_duplicate_keys)
    except VisitFileError as exc:
        raise VisitFileError(f"{source} is not a valid visit: {exc}") from None
    except json.JSONDecodeError as exc:
        raise VisitFileError(
            f"{source} is not valid JSON (line {exc.lineno}, column {exc.colno}: {exc.msg})"
        ) from None
    except RecursionError:
        raise VisitFileError(f"{source} is nested too deeply to be a visit file") from None
    except ValueError as exc:  # e.g. an integer too long to convert
        raise VisitFileError(f"{source} is not a valid visit file: {exc}") from None
    try:
        visit = Visit.model_validate_json(text)
    except ValidationError as exc:
        raise VisitFileError(f"{source} is not a valid visit: {describe_validation_error(exc)}") from None
    declared = visit_format_of(document)
    notice = None
    if declared is not None and declared in OLDER_FORMATS:
        notice = migration_notice(source, declared)
    return LoadedVisit(visit=visit, source_format=declared, notice=notice)


def load_visit(path: Path) -> Visit:
    """Read and validate a visit file (an older format is migrated; see `read_visit`)."""
    return read_visit(path).visit


def read_visit(path: Path) -> LoadedVisit:
    """Read and validate a visit file, with a notice when its format was migrated on load. A pipe or
    a device is refused before it is opened: opening a FIFO blocked for ever (red team D17)."""
    try:
        mode = path.stat().st_mode
        if stat.S_ISFIFO(mode) or stat.S_ISCHR(mode) or stat.S_ISBLK(mode) or stat.S_ISSOCK(mode):
            raise VisitFileError(f"{path} is a pipe or a device, not a visit file")
        with path.open("rb") as handle:
            raw = handle.read(MAX_VISIT_BYTES + 1)
    except FileNotFoundError:
        raise VisitFileError(f"no such visit file: {path}") from None
    except IsADirectoryError:
        raise VisitFileError(f"{path} is a folder, not a visit file") from None
    except PermissionError:
        raise VisitFileError(f"no permission to read {path}") from None
    except OSError as exc:
        raise VisitFileError(f"cannot read {path}: {exc.strerror or exc}") from None
    return parse_visit_file(raw, source=str(path))


def visit_json(visit: Visit) -> str:
    """The visit as the file stores it: only what was set, two-space indented, UTF-8."""
    return visit.model_dump_json(indent=2, exclude_none=False) + "\n"


def save_visit(visit: Visit, path: Path) -> None:
    """Write a visit atomically in the current format, readable by its owner only (it holds patient
    data)."""
    write_atomically(path, visit_json(visit).encode("utf-8"), private=True)
