"""Expected errors: each carries one clear, user-facing line."""

import unicodedata


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
