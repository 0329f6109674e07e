"""Where the wizard may save: the command line's checks (`ldn_aid.output_target`), in the wizard's
words. Nothing the wizard saves may replace the visit file it has open or the clinic settings, nor
a device, a pipe or a folder; a read-only file is not replaced (the file dialog has no --force).

The name is made final (its extension added) before anything is asked about it: Qt's own replace
question was about the name as typed, so "other" silently replaced other.json."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from ldn_aid.output_target import OutputError, checked_output
from ldn_aid.settings import settings_path
from ldn_aid.ui import dialogs
from ldn_aid.ui.file_words import output_error_line


def _reads(visit_file: Path | None) -> list[tuple[Path, str]]:
    reads = [(settings_path(), "the clinic settings file")]
    if visit_file is not None:
        reads.append((visit_file, "the visit file"))
    return reads


def checked_save_path(
    parent: QWidget | None, path: Path, title: str, *, visit_file: Path | None = None
) -> Path | None:
    """The file to write for `path` (a link's target), or None after telling the clinician why
    nothing was saved there.

    `visit_file` is the visit open in the wizard, when what is saved is not that visit (a chart
    note, a FHIR export, a PDF): written over it, the visit on disk would be lost."""
    try:
        checked = checked_output(str(path), _reads(visit_file))
    except OutputError as exc:
        dialogs.show_error(parent, title, output_error_line(exc, path))
        return None
    assert checked is not None  # a path from the file dialog is never "-"
    return checked


def ask_save_target(
    parent: QWidget | None,
    title: str,
    suggested: str,
    file_filter: str,
    suffix: str,
    *,
    refused: str,
    visit_file: Path | None = None,
) -> Path | None:
    """Ask where to save until the clinician picks a place that may be written, or cancels.

    The name gets `suffix` when it does not end so; the checks run first (a refusal is titled
    `refused`), then "Replace it?" for an existing file. After a refusal the dialog opens again on
    the name tried (on the suggested name when the one tried can never be used, such as the open
    visit's), in its folder when that folder exists."""
    first_name = Path(suggested).name
    while True:
        chosen = dialogs.ask_save_path(parent, title, suggested, file_filter)
        if chosen is None:
            return None
        if not chosen.name.lower().endswith(suffix):
            chosen = chosen.with_name(chosen.name + suffix)
        try:
            target = checked_output(str(chosen), _reads(visit_file))
        except OutputError as exc:
            dialogs.show_error(parent, refused, output_error_line(exc, chosen))
            name = first_name if exc.kind == "same_file" else chosen.name
            suggested = str(chosen.parent / name) if chosen.parent.is_dir() else name
            continue
        assert target is not None  # a path from the file dialog is never "-"
        if target.exists() and not dialogs.ask_replace(
            parent, chosen.name, no_means="No lets you choose another name."
        ):
            suggested = str(chosen)
            continue
        return target
