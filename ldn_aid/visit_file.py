"""Reading and writing visit files. Every failure becomes a VisitFileError with one clear line."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ldn_aid.atomic import write_atomically
from ldn_aid.domain.errors import VisitFileError, describe_validation_error
from ldn_aid.domain.visit import Visit

# A real visit file is a few kilobytes; refusing anything far larger stops a hostile file early.
MAX_VISIT_BYTES = 1_000_000


def _reject_duplicate_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    seen: dict[str, Any] = {}
    for key, value in pairs:
        if key in seen:
            raise VisitFileError(f"the key {key!r} appears twice")
        seen[key] = value
    return seen


def parse_visit(raw: bytes, source: str = "visit") -> Visit:
    """A Visit from the bytes of a visit file."""
    if len(raw) > MAX_VISIT_BYTES:
        raise VisitFileError(f"{source} is too large to be a visit file ({len(raw):,} bytes)")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise VisitFileError(f"{source} is not UTF-8 text, so it cannot be a visit file") from None
    try:
        json.loads(text, object_pairs_hook=_reject_duplicate_keys)
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
        return Visit.model_validate_json(text)
    except ValidationError as exc:
        raise VisitFileError(f"{source} is not a valid visit: {describe_validation_error(exc)}") from None


def load_visit(path: Path) -> Visit:
    """Read and validate a visit file."""
    try:
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
    return parse_visit(raw, source=str(path))


def visit_json(visit: Visit) -> str:
    """The visit as the file stores it: only what was set, two-space indented, UTF-8."""
    return visit.model_dump_json(indent=2, exclude_none=False) + "\n"


def save_visit(visit: Visit, path: Path) -> None:
    """Write a visit atomically, readable by its owner only (it holds patient data)."""
    write_atomically(path, visit_json(visit).encode("utf-8"), private=True)
