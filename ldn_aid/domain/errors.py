"""Expected errors: each carries one clear, user-facing line."""


class LdnAidError(Exception):
    """Base class for errors the user can act on (bad file, bad content, unwritable folder)."""


class VisitFileError(LdnAidError):
    """A visit file is missing, unreadable, not JSON or not a valid visit."""


class ContentError(LdnAidError):
    """A content file in resources/ is missing or invalid; names the file and the field."""


class PlanError(LdnAidError):
    """A requested plan change is outside the safe bounds."""
