"""The main window: the wizard plus the File menu (new, open, save as, clinic settings, quit).

No autosave and no recent-files list: patient files are written only when the clinician saves.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QMainWindow, QWidget

from ldn_aid.atomic import SaveError, write_atomically
from ldn_aid.content import ContentBundle
from ldn_aid.domain.errors import LdnAidError, one_line
from ldn_aid.domain.visit import Visit
from ldn_aid.record.exports import visit_chart_note, visit_fhir_json
from ldn_aid.settings import ClinicSettings, load_settings, save_settings
from ldn_aid.ui import dialogs
from ldn_aid.ui.settings_dialog import SettingsDialog
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.wizard import LdnWizard
from ldn_aid.visit_file import read_visit, save_visit


class MainWindow(QMainWindow):
    def __init__(
        self,
        content: ContentBundle,
        settings_provider: Callable[[], ClinicSettings] = load_settings,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("main_window")
        self.settings_provider = settings_provider
        self.state = VisitState(self)
        self.wizard = LdnWizard(self.state, content, settings_provider, self)
        # QWizard is a dialog; as a plain widget it sits inside the window instead of floating over it.
        self.wizard.setWindowFlags(Qt.WindowType.Widget)
        self.setCentralWidget(self.wizard)
        self._build_menu()
        self.state.changed.connect(self._update_title)
        self.new_visit(confirm=False)

    def _build_menu(self) -> None:
        menu = self.menuBar().addMenu("&File")
        self.menu_actions: dict[str, QAction] = {}
        for key, text, shortcut, slot in (
            ("new", "&New visit", QKeySequence.StandardKey.New, lambda: self.new_visit()),
            ("open", "&Open visit…", QKeySequence.StandardKey.Open, lambda: self.open_visit()),
            ("save", "&Save visit as…", QKeySequence.StandardKey.Save, lambda: self.save_visit_as()),
            ("fhir", "&Export FHIR…", None, lambda: self.export_fhir()),
            ("copy_note", "&Copy chart note", None, lambda: self.copy_chart_note()),
            ("save_note", "Save chart &note…", None, lambda: self.save_chart_note()),
            ("settings", "Clinic se&ttings…", None, lambda: self.edit_settings()),
            ("quit", "&Quit", QKeySequence.StandardKey.Quit, self.close),
        ):
            action = QAction(text, self)
            action.setObjectName(f"action.{key}")
            if shortcut is not None:
                action.setShortcut(shortcut)
            action.triggered.connect(slot)
            menu.addAction(action)
            if key in ("save_note", "settings"):
                menu.addSeparator()
            self.menu_actions[key] = action

    def _update_title(self) -> None:
        marker = " *" if self.state.has_unsaved_changes else ""
        self.setWindowTitle(f"LDN Aid{marker}")

    def _may_discard(self) -> bool:
        return not self.state.has_unsaved_changes or dialogs.confirm_discard(self)

    def new_visit(self, *, confirm: bool = True, today: dt.date | None = None) -> bool:
        if confirm and not self._may_discard():
            return False
        # The clinic's language is preset before the pages load, so the Patient page's drop-down shows
        # it (setting it afterwards left the drop-down on English while the handout printed Spanish).
        language = self.settings_provider().default_language
        self.state.reset(today, {"patient.handout_language": language} if language != "en" else None)
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
            dialogs.show_error(self, "Cannot open visit", one_line(str(exc)))
            return False
        self.state.load(loaded.visit)
        self.wizard.restart()
        if self.state.visit is not None and self.state.visit.follow_ups:
            self.wizard.show_follow_up()
        self._update_title()
        if loaded.notice is not None:
            # Said once, after the visit is shown: the new questions are now on the pages, unanswered.
            dialogs.show_info(self, "Older visit file", loaded.notice)
        return True

    def _valid_visit(self, title: str) -> Visit | None:
        """The visit, or None after telling the clinician that a value must be fixed first."""
        visit = self.state.visit
        if visit is None:
            dialogs.show_error(self, title, "Some values are out of range. Fix the highlighted fields first.")
        return visit

    def save_visit_as(self) -> bool:
        visit = self._valid_visit("Cannot save yet")
        if visit is None:
            return False
        path = dialogs.ask_save_path(
            self, "Save visit", f"visit-{visit.visit_date.isoformat()}.json", dialogs.VISIT_FILTER
        )
        if path is None:
            return False
        if path.suffix.lower() != ".json":
            path = path.with_suffix(path.suffix + ".json") if path.suffix else path.with_suffix(".json")
        try:
            save_visit(visit, path)
        except SaveError as exc:
            dialogs.show_error(self, "Cannot save visit", one_line(str(exc)))
            return False
        self.state.mark_saved()
        self._update_title()
        return True

    def _handout_options(self, visit: Visit) -> tuple[str, bool, str]:
        """The language, print size and paper of the handout shown, or the visit's and clinic's defaults."""
        page = self.wizard.handout_page
        if page.pdf_bytes:
            return page.selected_language(), page.large_print.isChecked(), page.selected_paper()
        return visit.patient.handout_language, False, self.settings_provider().default_paper

    def chart_note(self) -> str | None:
        """The chart note for the visit as it stands, or None (with the reason shown) when it is invalid."""
        visit = self._valid_visit("No chart note yet")
        if visit is None:
            return None
        language, large_print, paper = self._handout_options(visit)
        return visit_chart_note(visit, language, large_print, paper, self.settings_provider())

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
        path = dialogs.ask_save_path(
            self, "Save chart note", f"chart-note-{visit.visit_date.isoformat()}.txt", dialogs.TEXT_FILTER
        )
        return path is not None and self._write_private(path, note, "Cannot save chart note")

    def export_fhir(self) -> bool:
        visit = self._valid_visit("Cannot export yet")
        if visit is None:
            return False
        path = dialogs.ask_save_path(
            self, "Export FHIR", f"visit-{visit.visit_date.isoformat()}.fhir.json", dialogs.FHIR_FILTER
        )
        return path is not None and self._write_private(path, visit_fhir_json(visit), "Cannot export FHIR")

    def _write_private(self, path: Path, text: str, title: str) -> bool:
        try:
            write_atomically(path, (text + "\n").encode("utf-8"), private=True)
        except SaveError as exc:
            dialogs.show_error(self, title, one_line(str(exc)))
            return False
        self.statusBar().showMessage(f"Saved {path.name}.", 5000)
        return True

    def edit_settings(self) -> None:
        chosen = SettingsDialog.ask(self.settings_provider(), self)
        if chosen is None:
            return
        try:
            save_settings(chosen)
        except (SaveError, OSError) as exc:
            dialogs.show_error(self, "Cannot save settings", one_line(str(exc)))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 - Qt override
        if self._may_discard():
            event.accept()
        else:
            event.ignore()
