"""Every modal question the app asks goes through these functions, so tests can replace them and no
test ever blocks on a dialog."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

VISIT_FILTER = "LDN Aid visit (*.json)"
PDF_FILTER = "PDF document (*.pdf)"
TEXT_FILTER = "Text (*.txt)"
FHIR_FILTER = "FHIR JSON (*.json)"


def ask_open_path(parent: QWidget | None, title: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getOpenFileName(parent, title, "", file_filter)
    return Path(name) if name else None


def ask_save_path(parent: QWidget | None, title: str, suggested: str, file_filter: str) -> Path | None:
    name, _ = QFileDialog.getSaveFileName(parent, title, suggested, file_filter)
    return Path(name) if name else None


def confirm_discard(parent: QWidget | None) -> bool:
    """True when the clinician agrees to lose unsaved answers."""
    answer = QMessageBox.warning(
        parent,
        "Unsaved visit",
        "This visit has changes that are not saved. Discard them?",
        QMessageBox.StandardButton.Discard | QMessageBox.StandardButton.Cancel,
        QMessageBox.StandardButton.Cancel,
    )
    return answer == QMessageBox.StandardButton.Discard


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """An expected problem the clinician can act on: a file that will not open, a folder not writable."""
    QMessageBox.warning(parent, title, message)


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)
