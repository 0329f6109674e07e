"""Clinic settings: what every handout prints in its header and on the wallet card. Never patient data.

Alt letters, one each: N, P, A, R, E, C, L, D (Save has S; Cancel has none, Escape cancels).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QWidget,
)

from ldn_aid.settings import ClinicSettings, SettingsProblem
from ldn_aid.ui.settings_notice import SettingsNotice
from ldn_aid.ui.settings_words import (
    FIELD_LABELS,
    LANGUAGE_CHOICES,
    LANGUAGE_LABEL,
    PAPER_CHOICES,
    PAPER_LABEL,
    TEXT_FIELDS,
)
from ldn_aid.ui.theme import INVALID_INPUT_CSS, INVALID_LINE_EDIT_CSS

# A patient sheet must never print a blank emergency or crisis number: a cleared field prints the
# default (the US numbers, 911 and 988) and shows it as the field's placeholder.
DEFAULTED = ("emergency_number", "crisis_line")
NUMBERS_NOTE = (
    "The emergency number and crisis line print on the handout and the follow-up sheets. Left blank, they"
    " print the US numbers (911 and 988)."
)


class SettingsDialog(QDialog):
    def __init__(
        self,
        settings: ClinicSettings,
        parent: QWidget | None = None,
        problems: Sequence[SettingsProblem] = (),
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Clinic settings")
        self.setObjectName("settings_dialog")
        self.setMinimumWidth(420)  # room for the note under the numbers to wrap in two lines
        form = QFormLayout(self)
        self.notice = SettingsNotice("settings.problems", with_button=False)
        self.notice.show_problems(problems)
        form.addRow(self.notice)
        not_used = {problem.field for problem in problems}
        defaults = ClinicSettings()
        self.edits: dict[str, QLineEdit] = {}
        for key, label in TEXT_FIELDS:
            edit = QLineEdit(str(getattr(settings, key)))
            edit.setObjectName(f"settings.{key}")
            edit.setMaxLength(200)
            edit.setAccessibleName(label.replace("&", ""))
            if key in DEFAULTED:
                edit.setPlaceholderText(str(getattr(defaults, key)))
            if key in not_used:  # the value in the file was not used: this field shows the default
                edit.setStyleSheet(INVALID_LINE_EDIT_CSS)
                edit.setToolTip("The value in the settings file was not used; type the one to save.")
            form.addRow(label, edit)
            self.edits[key] = edit
        note = QLabel(NUMBERS_NOTE)
        note.setObjectName("settings.numbers_note")
        note.setWordWrap(True)
        form.addRow(note)
        self.language = QComboBox()
        self.language.setObjectName("settings.default_language")
        self.language.setAccessibleName(FIELD_LABELS["default_language"])
        for value, label in LANGUAGE_CHOICES.items():
            self.language.addItem(label, value)
        self.language.setCurrentIndex(self.language.findData(settings.default_language))
        if "default_language" in not_used:
            self.language.setStyleSheet(INVALID_INPUT_CSS)
        form.addRow(LANGUAGE_LABEL, self.language)
        self.paper = QComboBox()
        self.paper.setObjectName("settings.default_paper")
        self.paper.setAccessibleName(FIELD_LABELS["default_paper"])
        for value, label in PAPER_CHOICES.items():
            self.paper.addItem(label, value)
        self.paper.setCurrentIndex(self.paper.findData(settings.default_paper))
        if "default_paper" in not_used:
            self.paper.setStyleSheet(INVALID_INPUT_CSS)
        form.addRow(PAPER_LABEL, self.paper)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Save | QDialogButtonBox.StandardButton.Cancel
        )
        # Fixed words: the platform's own ("&Cancel" on some) would take C from the crisis line.
        buttons.button(QDialogButtonBox.StandardButton.Save).setText("&Save")
        buttons.button(QDialogButtonBox.StandardButton.Cancel).setText("Cancel")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def settings(self) -> ClinicSettings:
        typed = {key: edit.text().strip() for key, edit in self.edits.items()}
        # A cleared emergency or crisis number takes the default instead of printing blank.
        chosen = {key: value for key, value in typed.items() if value or key not in DEFAULTED}
        return ClinicSettings(
            **chosen,
            default_language=self.language.currentData(),
            default_paper=self.paper.currentData(),
        )

    @classmethod
    def ask(
        cls,
        settings: ClinicSettings,
        parent: QWidget | None = None,
        focus: str | None = None,
        problems: Sequence[SettingsProblem] = (),
    ) -> ClinicSettings | None:
        """Show the dialog, the cursor in the `focus` field if one is named ("phone" after the
        blank-phone warning) and the settings file's `problems` at the top; the new settings, or None
        when cancelled. Tests replace this method."""
        dialog = cls(settings, parent, problems)
        if focus in dialog.edits:
            dialog.edits[focus].setFocus()
            dialog.edits[focus].selectAll()
        return dialog.settings() if dialog.exec() == QDialog.DialogCode.Accepted else None
