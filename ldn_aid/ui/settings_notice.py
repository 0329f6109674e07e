"""The bar above the wizard (and at the top of the settings dialog) that says which clinic settings
could not be used (red team D07: a flawed clinic.json lost the clinic's phone without a word).

The file is never rewritten from here: it changes only when the clinician saves the settings dialog.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QWidget

from ldn_aid.domain.errors import one_line
from ldn_aid.settings import ClinicSettings, SettingsProblem
from ldn_aid.ui import theme
from ldn_aid.ui.settings_words import FIELD_LABELS, LANGUAGE_CHOICES, PAPER_CHOICES

# How many ignored fields the bar above the wizard names before it says how many more (the dialog
# names them all).
_MAX_NAMED = 3
_SHOWN_DEFAULTS = {**LANGUAGE_CHOICES, **PAPER_CHOICES}


def _instead(field: str) -> str:
    """What prints while a setting is not used: its default, in the words the dialog shows."""
    default = ClinicSettings.model_fields[field].default
    if default == "":
        return "left blank"
    return f"{_SHOWN_DEFAULTS.get(default, default)} is used"


def _field_words(problem: SettingsProblem) -> str:
    field = problem.field or ""
    label = FIELD_LABELS.get(field, field)
    return f"{label} ({one_line(problem.reason, 120)}; {_instead(field)})"


def problems_text(problems: Sequence[SettingsProblem], *, in_dialog: bool = False) -> str:
    """What the clinician reads: what was not used, what prints instead, and how to put it right."""
    whole = [p for p in problems if p.field is None]
    fields = [p for p in problems if p.field is not None]
    if whole:
        said = (
            f"The clinic settings could not be read: {one_line(whole[0].reason, 200)}. Handouts print"
            " no clinic name or phone, and 911 and 988 as the emergency numbers."
        )
    else:
        shown = fields if in_dialog else fields[:_MAX_NAMED]
        named = "; ".join(_field_words(p) for p in shown)
        if len(fields) > len(shown):
            named += f"; and {len(fields) - len(shown)} more (open the clinic settings to see them)"
        which = "This clinic setting was" if len(fields) == 1 else "These clinic settings were"
        said = f"{which} not used: {named}."
    if any(not p.fixed_by_saving for p in problems):
        return said  # the reason says what to do first; saving cannot work until then
    if whole:
        fix = (
            "Saving here replaces the file with the settings as shown."
            if in_dialog
            else ("Saving the clinic settings replaces the file.")
        )
    else:
        fix = (
            "Saving here writes the settings as shown; the fields not used are marked."
            if in_dialog
            else "The file is left as it is until you save the clinic settings."
        )
    return f"{said} {fix}"


class SettingsNotice(QFrame):
    """Hidden while the settings are sound. Signals: open_requested: "Open clinic settings…"."""

    open_requested = Signal()

    def __init__(self, name: str, *, with_button: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setStyleSheet(theme.box_css(name, theme.CHANGE, text=theme.CHANGE_TEXT))
        layout = QHBoxLayout(self)
        layout.setContentsMargins(10, 6, 6, 6)
        self.label = QLabel()
        self.label.setObjectName(f"{name}.text")
        self.label.setWordWrap(True)
        layout.addWidget(self.label, 1)
        self.button: QPushButton | None = None
        if with_button:
            self.button = QPushButton("Open clinic settings…")
            self.button.setObjectName(f"{name}.open")
            self.button.clicked.connect(self.open_requested)
            layout.addWidget(self.button)
        self._in_dialog = not with_button
        self.hide()

    def show_problems(self, problems: Sequence[SettingsProblem]) -> None:
        if not problems:
            self.label.clear()
            self.setAccessibleDescription("")
            self.hide()
            return
        text = problems_text(problems, in_dialog=self._in_dialog)
        self.label.setText(text)
        self.setAccessibleDescription(text)
        self.show()
