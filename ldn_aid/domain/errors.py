"""Expected errors: each carries one clear, user-facing line."""

import unicodedata

from pydantic import ValidationError


def one_line(text: str) -> str:
    """Text safe to show on one line: control characters (newlines from a hostile key) made visible."""
    return "".join(
        ch.encode("unicode_escape").decode("ascii") if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch
        for ch in text
    )


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
    where = ".".join(str(part) for part in error["loc"]) or whole
    message = "unknown field" if error["type"] == "extra_forbidden" else error["msg"]
    more = exc.error_count() - 1
    return f"{where}: {message}" + (f" (and {more} more problem{'s' if more > 1 else ''})" if more else "")
