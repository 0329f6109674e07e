"""The main window: the wizard plus the File menu (new, open, save, save as, clinic settings, quit).

No autosave and no recent-files list: patient files are written only when the clinician saves. The
window remembers the file the visit came from (or was last saved to) so Save writes there again.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QVBoxLayout, QWidget

from ldn_aid.atomic import SaveError, write_atomically
from ldn_aid.content import ContentBundle
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.domain.visit import Visit
from ldn_aid.record.exports import visit_fhir_json, wizard_chart_note
from ldn_aid.settings import ClinicSettings, LoadedSettings, read_settings, save_settings
from ldn_aid.ui import dialogs
from ldn_aid.ui.file_words import open_error_line, save_problems_line, sentence, settings_save_line
from ldn_aid.ui.save_target import ask_save_target, checked_save_path
from ldn_aid.ui.settings_dialog import SettingsDialog
from ldn_aid.ui.settings_notice import SettingsNotice
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.fields import Field
from ldn_aid.ui.wizard import LdnWizard
from ldn_aid.visit_file import read_visit, save_visit


class MainWindow(QMainWindow):
    """Signals:
    settings_saved: the clinic settings were changed and stored; the handout re-reads them.
    """

    settings_saved = Signal()

    def __init__(
        self,
        content: ContentBundle,
        settings_source: Callable[[], LoadedSettings] = read_settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.settings_source = settings_source
        self.state = VisitState(self)
        self.wizard = LdnWizard(self.state, content, self.settings_provider, self)
        # QWizard is a dialog; as a plain widget it sits inside the window instead of floating over it.
        self.wizard.setWindowFlags(Qt.WindowType.Widget)
        # Above the wizard, shown only while the clinic settings file has something that was not used.
        self.settings_notice = SettingsNotice("settings_notice")
        self.settings_notice.open_requested.connect(lambda: self.edit_settings())
        central = QWidget()
        column = QVBoxLayout(central)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(self.settings_notice)
        column.addWidget(self.wizard, 1)
        self.setCentralWidget(central)
        # Each page sets the wizard's minimum size; settle the column and the window at once, or the
        # window's own minimum lags a page behind (the column's layout re-asks only on the next event).
        self.wizard.currentIdChanged.connect(lambda _id: column.activate())
        self.settings_notice.show_problems(self.settings_source().problems)
        # The status bar is there from the start: made on the first "Saved…", it shifted every page up.
        self.statusBar().setSizeGripEnabled(False)
        self.settings_saved.connect(self.wizard.handout_page.reload_clinic)
        # "Set it now" in the blank-phone warning before printing.
        self.wizard.handout_page.settings_requested.connect(lambda field: self.edit_settings(field))
        self._build_menu()
        self.state.changed.connect(self._update_title)
        self.new_visit(confirm=False)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.menu_actions: dict[str, QAction] = {}
        # Each item has its own Alt letter. Save as is spelled out: StandardKey.SaveAs is empty on Windows.
        shortcuts: tuple[
            tuple[str, str, QKeySequence | QKeySequence.StandardKey | None, Callable[[], object]], ...
        ] = (
            ("new", "&New visit", QKeySequence.StandardKey.New, lambda: self.new_visit()),
            ("open", "&Open visit…", QKeySequence.StandardKey.Open, lambda: self.open_visit()),
            ("save", "&Save visit", QKeySequence.StandardKey.Save, lambda: self.save_visit()),
            ("save_as", "Save visit &as…", QKeySequence("Ctrl+Shift+S"), lambda: self.save_visit_as()),
            ("fhir", "&Export FHIR…", None, lambda: self.export_fhir()),
            ("copy_note", "&Copy chart note", None, lambda: self.copy_chart_note()),
            ("save_note", "Save c&hart note…", None, lambda: self.save_chart_note()),
            ("settings", "Clinic se&ttings…", None, lambda: self.edit_settings()),
            ("quit", "&Quit", QKeySequence.StandardKey.Quit, self.close),
        )
        for key, text, shortcut, slot in shortcuts:
            action = QAction(text, self)
            action.setObjectName(f"action.{key}")
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            if key in ("save_note", "settings"):
                menu.addSeparator()
            self.menu_actions[key] = action

    @property
    def visit_path(self) -> Path | None:
        """The file this visit was opened from or last saved to; None for a visit never saved."""
        return self.state.file

    @visit_path.setter
    def visit_path(self, path: Path | None) -> None:
        self.state.file = path

    def settings_provider(self) -> ClinicSettings:
        """The clinic settings as saved now (every valid field of a flawed file)."""
        return self.settings_source().settings

    def _update_title(self) -> None:
        """ "LDN Aid — visit-2026-03-02.json *": the file's name (chosen without the patient's name by
        default) and a star while something is not saved; never the patient's name."""
        name = f" — {self.visit_path.name}" if self.visit_path is not None else ""
        marker = " *" if self.state.has_unsaved_changes else ""
        self.setWindowTitle(f"LDN Aid{name}{marker}")

    def _may_discard(self) -> bool:
        """True when the visit may be replaced or closed: nothing unsaved, or the clinician chose to
        discard it, or chose Save and the save succeeded."""
        if not self.state.has_unsaved_changes:
            return True
        answer = dialogs.ask_unsaved(self)
        if answer == "save":
            return self.save_visit()
        return answer == "discard"

    def new_visit(self, *, confirm: bool = True, today: dt.date | None = None) -> bool:
        if confirm and not self._may_discard():
            return False
        # The clinic's language is preset before the pages load, so the Patient page's drop-down shows
        # it (setting it afterwards left the drop-down on English while the handout printed Spanish).
        language = self.settings_provider().default_language
        self.state.reset(today, {"patient.handout_language": language} if language != "en" else None)
        self.visit_path = None
        self.wizard.restart()
        self._update_title()
        return True

    def open_visit(self, path: Path | None = None) -> bool:
        if not self._may_discard():
            return False
        if path is None:
            path = dialogs.ask_open_path(self, "Open visit", dialogs.VISIT_FILTER)
            if path is None:
                return False
        try:
            loaded = read_visit(path)
        except LdnAidError as exc:
            dialogs.show_error(self, "Cannot open visit", open_error_line(path, str(exc)))
            return False
        self.visit_path = path
        dialogs.remember_folder(path.parent)  # the next file dialog starts beside the visit
        self.state.load(loaded.visit)
        self.wizard.restart()
        if self.state.visit is not None and self.state.visit.follow_ups:
            self.wizard.show_follow_up()
        self._update_title()
        if loaded.notice is not None:
            # Said once, after the visit is shown: the new questions are now on the pages, unanswered.
            dialogs.show_info(self, "Older visit file", loaded.notice)
        return True

    def _fields_to_fix(self) -> list[str]:
        """The questions (by their labels) whose answer is out of range or not a number: a typo is
        not an unanswered question, so it blocks saving like a range error does."""
        labels: list[str] = []
        for field in self.wizard.findChildren(Field):
            if field.path in self.state.errors or field.parse_error():
                labels.append(field.accessibleName() or field.path)
        known = {field.path for field in self.wizard.findChildren(Field)}
        for path in self.state.errors:
            if path not in known:
                # The plan's own controls are named by their path and labelled by their question.
                control = self.wizard.findChild(QWidget, path)
                labels.append(control.accessibleName() if control and control.accessibleName() else path)
        return list(dict.fromkeys(labels))

    def _valid_visit(self, title: str) -> Visit | None:
        """The visit, or None after telling the clinician which answers must be fixed first."""
        problems = self._fields_to_fix()
        visit = self.state.visit
        if visit is None or problems:
            dialogs.show_error(self, title, save_problems_line(problems))
            return None
        return visit

    def save_visit(self) -> bool:
        """File → Save visit (Ctrl+S): write to the visit's own file; ask for one only the first time."""
        if self.visit_path is None:
            return self.save_visit_as()
        visit = self._valid_visit("Cannot save yet")
        if visit is None:
            return False
        return self._write_visit(visit, self.visit_path) or self._ask_and_save(visit, self.visit_path.name)

    def save_visit_as(self) -> bool:
        """File → Save visit as… (Ctrl+Shift+S): always asks where."""
        visit = self._valid_visit("Cannot save yet")
        if visit is None:
            return False
        suggested = self.visit_path.name if self.visit_path else f"visit-{visit.visit_date.isoformat()}.json"
        return self._ask_and_save(visit, suggested)

    def _ask_and_save(self, visit: Visit, suggested: str) -> bool:
        """Ask for a path and save there; after a failed write the dialog opens again (with the name
        tried), until the visit is saved or the clinician cancels."""
        while True:
            path = ask_save_target(
                self, "Save visit", suggested, dialogs.VISIT_FILTER, ".json", refused="Cannot save visit"
            )
            if path is None:
                return False
            if self._write_visit(visit, path):
                return True
            suggested = str(path)

    def _write_visit(self, visit: Visit, path: Path) -> bool:
        target = checked_save_path(self, path, "Cannot save visit")
        if target is None:
            return False
        try:
            save_visit(visit, target)
        except SaveError as exc:
            dialogs.show_error(self, "Cannot save visit", sentence(str(exc)))
            return False
        self.visit_path = path
        self.state.mark_saved()
        self._update_title()
        self.statusBar().showMessage(f"Saved {path.name}.", 5000)
        return True

    def chart_note(self) -> str | None:
        """The chart note for the visit as it stands, or None (with the reason shown) when it is invalid.

        It lists the documents printed or saved (the hash of the very bytes given) and never renders:
        a later change of language or clinic settings cannot change what it says was given."""
        visit = self._valid_visit("No chart note yet")
        if visit is None:
            return None
        return wizard_chart_note(visit, self.state.decision)

    def copy_chart_note(self) -> bool:
        note = self.chart_note()
        if note is None:
            return False
        QGuiApplication.clipboard().setText(note)
        self.statusBar().showMessage("Chart note copied to the clipboard.", 5000)
        return True

    def save_chart_note(self) -> bool:
        note = self.chart_note()
        visit = self.state.visit
        if note is None or visit is None:
            return False
        path = ask_save_target(
            self,
            "Save chart note",
            f"chart-note-{visit.visit_date.isoformat()}.txt",
            dialogs.TEXT_FILTER,
            ".txt",
            refused="Cannot save chart note",
            visit_file=self.visit_path,
        )
        return path is not None and self._write_private(path, note, "Cannot save chart note")

    def export_fhir(self) -> bool:
        visit = self._valid_visit("Cannot export yet")
        if visit is None:
            return False
        path = ask_save_target(
            self,
            "Export FHIR",
            f"visit-{visit.visit_date.isoformat()}.fhir.json",
            dialogs.FHIR_FILTER,
            ".json",
            refused="Cannot export FHIR",
            visit_file=self.visit_path,
        )
        return path is not None and self._write_private(path, visit_fhir_json(visit), "Cannot export FHIR")

    def _write_private(self, path: Path, text: str, title: str) -> bool:
        """Write `path`, already checked and agreed by `ask_save_target`."""
        try:
            write_atomically(path, (text + "\n").encode("utf-8"), private=True)
        except SaveError as exc:
            dialogs.show_error(self, title, sentence(str(exc)))
            return False
        self.statusBar().showMessage(f"Saved {path.name}.", 5000)
        return True

    def edit_settings(self, focus: str | None = None) -> None:
        """The clinic settings dialog, its cursor in the `focus` field when one is named. A failed
        save says why and opens the dialog again with what was typed, so nothing typed is lost."""
        loaded = self.settings_source()
        self.settings_notice.show_problems(loaded.problems)
        shown = loaded.settings
        while True:
            chosen = SettingsDialog.ask(shown, self, focus, loaded.problems)
            if chosen is None:
                return
            try:
                save_settings(chosen)
            except (SaveError, OSError) as exc:
                dialogs.show_error(self, "Cannot save settings", settings_save_line(exc))
                shown = chosen
                continue
            break
        self.settings_notice.show_problems(self.settings_source().problems)
        self.settings_saved.emit()

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._may_discard():
            event.accept()
        else:
            event.ignore()
