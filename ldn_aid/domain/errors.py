"""Expected errors: each carries one clear, user-facing line."""

import unicodedata

from pydantic import ValidationError

# Bidirectional controls reorder what a terminal shows (a reason can be made to read backwards, or
# a field name to hide): shown escaped, like control characters (red team D20).
BIDI_CONTROLS = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


# A field name from a file is shown up to this many characters (a 400,000-character unknown key made
# a 400 KB "one line", red team D20).
KEY_LIMIT = 60


def one_line(text: str, limit: int | None = None) -> str:
    """Text safe to show on one line of a terminal: control characters (newlines, escape sequences
    from a hostile file) and bidirectional controls made visible as escapes, and, with `limit`, cut
    to that many characters ending in "…" (a 400 KB error is not a line anyone reads)."""
    shown = "".join(
        ch.encode("unicode_escape").decode("ascii")
        if unicodedata.category(ch) in ("Cc", "Zl", "Zp") or ch in BIDI_CONTROLS
        else ch
        for ch in text
    )
    if limit is not None and len(shown) > limit:
        return shown[: limit - 1] + "…"
    return shown


class LdnAidError(Exception):
    """Base class for errors the user can act on (bad file, bad content, unwritable folder)."""


class VisitFileError(LdnAidError):
    """A visit file is missing, unreadable, not JSON or not a valid visit."""


class ContentError(LdnAidError):
    """A content file in resources/ is missing or invalid; names the file and the field."""


class PlanError(LdnAidError):
    """A requested plan change is outside the safe bounds."""


def describe_validation_error(exc: ValidationError, whole: str = "the visit") -> str:
    """The first problem as `field.path: message`, plus how many more there are; `whole` names a
    problem with no field (the document as a whole)."""
    error = exc.errors()[0]
    where = ".".join(_clipped(str(part)) for part in error["loc"]) or whole
    message = "unknown field" if error["type"] == "extra_forbidden" else _clipped(error["msg"], 200)
    more = exc.error_count() - 1
    return f"{where}: {message}" + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")


def _clipped(text: str, limit: int = KEY_LIMIT) -> str:
    """A key or message from a file, cut to a length a person reads, controls made visible."""
    return one_line(text, limit)
