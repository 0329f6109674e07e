"""Every modal question the app asks goes through these functions, so tests can replace them and no
test ever blocks on a dialog.

File dialogs keep no history on disk (the README promises no recent-files list): they are Qt's own
dialog, never the platform's (GTK's records every file chosen in `recently-used.xbel`, Windows and macOS
keep their own lists), and Qt's own history file is sent nowhere (`keep_no_dialog_history`). The last
folder used is remembered in memory for this session only.
"""

from __future__ import annotations

import os
import platform
from pathlib import Path
from typing import Literal

import shiboken6
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QFileDialog, QMessageBox, QPushButton, QWidget

VISIT_FILTER = "LDN Aid visit (*.json)"
PDF_FILTER = "PDF document (*.pdf)"
TEXT_FILTER = "Text (*.txt)"
FHIR_FILTER = "FHIR JSON (*.json)"

UnsavedAnswer = Literal["save", "discard", "cancel"]
BlankPhoneAnswer = Literal["set", "anyway", "cancel"]

BLANK_PHONE_TITLE = "Clinic phone is blank"
BLANK_PHONE_TEXT = "The clinic phone is blank, so the sheet will print a write-in line."
BLANK_PHONE_DETAIL = (
    "Patients need a number to call with questions or side effects. Set it now in Clinic settings,"
    " or {action} with a blank line to write the number in by hand."
)

# QFileDialog's destructor always calls saveSettings(), which writes the folders visited (patient-named
# ones included) to `QSettings(QSettings::UserScope, "QtProject")`, i.e. ~/.config/QtProject.conf, and
# no option turns that off. That constructor always uses QSettings::NativeFormat (not the default
# format). On Linux and other Unixes the native format is a file whose folder `QSettings.setPath` can
# move: it is moved under the null device, which is never a folder, so the file can never be created,
# Qt's write fails silently and nothing is read back. On Windows (the registry) and macOS (a plist)
# setPath cannot move the native format, so after each dialog is destroyed its "FileDialog" group is
# removed again (`_scrub_dialog_history`). LDN Aid keeps its own settings in its own JSON file, so no
# setting of ours lives in QSettings.
NO_HISTORY_FOLDER = os.path.join(os.devnull, "ldn-aid")

# The folder of the last file chosen, for this session only (never written anywhere).
_session_folder: Path | None = None


def keep_no_dialog_history() -> None:
    """Send Qt's file-dialog history nowhere (see NO_HISTORY_FOLDER). Safe to call more than once; it
    must run before the first QFileDialog is created, so it runs at start-up and before each dialog."""
    for settings_format in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(settings_format, QSettings.Scope.UserScope, NO_HISTORY_FOLDER)


def _scrub_dialog_history() -> None:
    """Remove what a file dialog stored (Windows and macOS only; elsewhere nothing was stored)."""
    if platform.system() not in ("Windows", "Darwin"):
        return
    settings = QSettings(QSettings.Scope.UserScope, "QtProject")
    settings.remove("FileDialog")
    settings.sync()


def _file_dialog(parent: QWidget | None, title: str, file_filter: str) -> QFileDialog:
    keep_no_dialog_history()
    dialog = QFileDialog(parent, title, str(_session_folder or Path.cwd()), file_filter)
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog, True)
    dialog.setHistory([])
    return dialog


def _chosen(dialog: QFileDialog) -> Path | None:
    """The file chosen (None when cancelled); its folder is remembered for the session if it exists."""
    global _session_folder
    try:
        if dialog.exec() != QFileDialog.DialogCode.Accepted or not dialog.selectedFiles():
            return None
        path = Path(dialog.selectedFiles()[0])
    finally:
        # Destroyed now, not later, so its history write happens before the scrub.
        shiboken6.delete(dialog)
        _scrub_dialog_history()
    if path.parent.is_dir():
        _session_folder = path.parent
    return path


def ask_open_path(parent: QWidget | None, title: str, file_filter: str) -> Path | None:
    dialog = _file_dialog(parent, title, file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptOpen)
    dialog.setFileMode(QFileDialog.FileMode.ExistingFile)
    return _chosen(dialog)


def remember_folder(folder: Path) -> None:
    """Start the next file dialog in `folder` (the open visit's, however it was opened)."""
    global _session_folder
    if folder.is_dir():
        _session_folder = folder


def ask_save_path(parent: QWidget | None, title: str, suggested: str, file_filter: str) -> Path | None:
    """A path to write to; `suggested` is a file name (or a path, after a failed save) to start from.
    Qt does not ask about replacing: the caller asks once the name is final (`save_target`)."""
    dialog = _file_dialog(parent, title, file_filter)
    dialog.setAcceptMode(QFileDialog.AcceptMode.AcceptSave)
    dialog.setFileMode(QFileDialog.FileMode.AnyFile)
    dialog.setOption(QFileDialog.Option.DontConfirmOverwrite, True)
    dialog.selectFile(suggested)
    return _chosen(dialog)


def ask_unsaved(parent: QWidget | None) -> UnsavedAnswer:
    """What to do with a visit that has unsaved changes before it is replaced or closed. Cancel is the
    default (Enter) and Escape cancels, so a hurried key never loses the visit."""
    box = QMessageBox(
        QMessageBox.Icon.Warning,
        "Unsaved visit",
        "This visit has changes that are not saved.",
        QMessageBox.StandardButton.Save
        | QMessageBox.StandardButton.Discard
        | QMessageBox.StandardButton.Cancel,
        parent,
    )
    box.setInformativeText("Save them first?")
    # Fixed words with Alt keys (the platform's words vary: GTK says "Close without Saving").
    for button, text in (
        (QMessageBox.StandardButton.Save, "&Save"),
        (QMessageBox.StandardButton.Discard, "&Discard"),
        (QMessageBox.StandardButton.Cancel, "Cancel"),
    ):
        box.button(button).setText(text)
    box.setDefaultButton(QMessageBox.StandardButton.Cancel)
    box.setEscapeButton(QMessageBox.StandardButton.Cancel)
    box.exec()
    answer = box.standardButton(box.clickedButton())
    if answer == QMessageBox.StandardButton.Save:
        return "save"
    if answer == QMessageBox.StandardButton.Discard:
        return "discard"
    return "cancel"


def blank_phone_box(
    parent: QWidget | None, action: Literal["print", "save"]
) -> tuple[QMessageBox, dict[BlankPhoneAnswer, QPushButton]]:
    """The blank-phone warning and its three buttons, not yet shown (`ask_blank_phone` shows it)."""
    box = QMessageBox(QMessageBox.Icon.Warning, BLANK_PHONE_TITLE, BLANK_PHONE_TEXT, parent=parent)
    box.setObjectName("blank_phone")
    box.setOption(QMessageBox.Option.DontUseNativeDialog, True)
    box.setInformativeText(BLANK_PHONE_DETAIL.format(action=action))
    buttons: dict[BlankPhoneAnswer, QPushButton] = {
        "set": box.addButton("Set it &now", QMessageBox.ButtonRole.AcceptRole),
        "anyway": box.addButton(
            "&Print anyway" if action == "print" else "&Save anyway", QMessageBox.ButtonRole.DestructiveRole
        ),
        "cancel": box.addButton("Cancel", QMessageBox.ButtonRole.RejectRole),
    }
    for answer, button in buttons.items():
        button.setObjectName(f"blank_phone.{answer}")
    box.setDefaultButton(buttons["set"])
    box.setEscapeButton(buttons["cancel"])
    return box, buttons


def ask_blank_phone(parent: QWidget | None, action: Literal["print", "save"]) -> BlankPhoneAnswer:
    """Before a sheet is printed or saved while the clinic phone is blank: set it now (opens the clinic
    settings), print or save anyway, or cancel. "Set it now" is the default (Enter), so a hurried key
    never sends a sheet without a number; Escape cancels."""
    box, buttons = blank_phone_box(parent, action)
    box.exec()
    clicked = box.clickedButton()
    return next((answer for answer, button in buttons.items() if button is clicked), "cancel")


def ask_replace(parent: QWidget | None, name: str, *, no_means: str = "No saves nothing.") -> bool:
    """Whether to replace an existing file. "No" is the default, so Enter never replaces a file
    unasked; `no_means` says what No does (saves nothing, or lets the clinician choose another name)."""
    answer = QMessageBox.question(
        parent,
        "Replace file?",
        f"{name} already exists. Replace it? ({no_means})",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No,
        QMessageBox.StandardButton.No,
    )
    return answer == QMessageBox.StandardButton.Yes


def show_error(parent: QWidget | None, title: str, message: str) -> None:
    """An expected problem the clinician can act on: a file that will not open, a folder not writable."""
    QMessageBox.warning(parent, title, message)


def show_info(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)
