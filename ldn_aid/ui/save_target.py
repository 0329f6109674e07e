"""Where the wizard may save: the command line's checks (`ldn_aid.output_target`), in the wizard's
words. Nothing the wizard saves may replace the visit file it has open or the clinic settings, nor
a device, a pipe or a folder; a read-only file is not replaced (the file dialog has no --force)."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QWidget

from ldn_aid.output_target import OutputError, checked_output
from ldn_aid.settings import settings_path
from ldn_aid.ui import dialogs
from ldn_aid.ui.file_words import output_error_line


def checked_save_path(
    parent: QWidget | None, path: Path, title: str, *, visit_file: Path | None = None
) -> Path | None:
    """`path`, or None after telling the clinician why nothing was saved there.

    `visit_file` is the visit open in the wizard, when what is saved is not that visit (a chart
    note, a FHIR export, a PDF): written over it, the visit on disk would be lost."""
    reads = [(settings_path(), "the clinic settings file")]
    if visit_file is not None:
        reads.append((visit_file, "the visit file"))
    try:
        checked = checked_output(str(path), reads)
    except OutputError as exc:
        dialogs.show_error(parent, title, output_error_line(exc, path))
        return None
    assert checked is not None  # a path from the file dialog is never "-"
    return checked
