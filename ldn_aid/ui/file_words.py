"""Plain one-line wording for the File menu's messages.

The core's messages (visit_file, atomic) stay as they are; this only makes what the dialog shows read
as a sentence: a capital first letter, a full stop, an empty file called empty, and Python's JSON
parser's half phrases ("Unterminated string starting at") said in words.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ldn_aid.domain.errors import one_line
from ldn_aid.output_target import OutputError
from ldn_aid.settings import settings_path

# json.JSONDecodeError.msg values (CPython's json.decoder / _json), as words a clinician can act on.
_JSON_PHRASES = {
    "Expecting value": "a value is missing",
    "Unterminated string starting at": "a text in quotes is not closed",
    "Expecting ',' delimiter": "a comma is missing",
    "Expecting ':' delimiter": "a colon is missing",
    "Expecting property name enclosed in double quotes": "a name is not in double quotes",
    "Extra data": "there is more after the end of the visit",
    "Invalid control character at": "a text holds a control character",
    "Invalid \\escape": "a text holds a broken \\ escape",
}

# How many field names a "cannot save" line lists before it says how many more.
_MAX_NAMED = 4


def sentence(text: str) -> str:
    """One line that starts with a capital letter and ends with a full stop."""
    line = one_line(text).strip()
    if not line:
        return line
    line = line[0].upper() + line[1:]
    return line if line.endswith((".", "?", "!")) else line + "."


def _is_empty(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size < 4096 and not path.read_bytes().strip()
    except OSError:
        return False


def open_error_line(path: Path, message: str) -> str:
    """The line shown when a visit file cannot be opened."""
    if _is_empty(path):
        return f"The file {one_line(path.name)} is empty: it holds no visit."
    for phrase, words in _JSON_PHRASES.items():
        message = message.replace(f": {phrase})", f": {words})")
    # "/path/visit.json is not valid JSON" reads as a sentence once it says what the path is.
    if message.startswith(str(path)):
        message = "The file " + message
    return sentence(message)


def save_problems_line(labels: Sequence[str]) -> str:
    """The line shown when the visit cannot be saved yet, naming the questions to fix."""
    if not labels:
        return "Some answers are not valid yet. Fix the highlighted fields first."
    quoted = [f"“{one_line(label)}”" for label in labels]
    if len(quoted) == 1:
        return f"{quoted[0]} is out of range or not a number: fix it first."
    shown = quoted[:_MAX_NAMED]
    more = len(quoted) - len(shown)
    named = (
        ", ".join(shown[:-1]) + " and " + shown[-1] if not more else ", ".join(shown) + f" and {more} more"
    )
    return f"{named} are out of range or not numbers: fix them first."


def output_error_line(exc: OutputError, path: Path) -> str:
    """Why nothing was saved at `path`, with what to do instead (no command-line options)."""
    name = one_line(path.name, 120)
    if exc.kind == "same_file":
        return f"{name} is {exc.what} LDN Aid is using, so nothing was saved. Choose another name."
    if exc.kind == "not_a_file":
        return f"{name} is {exc.what}, not a file, so nothing was saved. Choose a file name."
    if exc.kind == "read_only":
        return f"{name} is read-only, so nothing was saved. Choose another name, or make the file writable."
    return f"{sentence(str(exc))} Nothing was saved."


def settings_save_line(exc: Exception) -> str:
    """Why the clinic settings were not saved, with the next step where there is one."""
    path = settings_path()
    if path.is_dir():
        return (
            f"{one_line(str(path), 200)} is a folder, so the settings cannot be saved there. Rename or"
            " remove that folder, then save again."
        )
    return sentence(str(exc))
