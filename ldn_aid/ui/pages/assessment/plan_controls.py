"""The six `plan.*` inputs ("Change the plan"): each with its label, why it is asked and a message
line. They write into the VisitState, where the Visit model accepts or refuses the value; nothing
is checked here."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Any

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ldn_aid.content import ContentBundle
from ldn_aid.ui.present.assessment import (
    REASON_PATH,
    TARGET_PATH,
    plan_default,
    readable_error,
    with_mnemonic,
)
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.theme import INVALID_LINE_EDIT_CSS
from ldn_aid.ui.widgets.report import add_why_and_message, wrapping_label
from ldn_aid.ui.widgets.slot import set_style
from ldn_aid.ui.widgets.wheel import guard_wheel

# Mnemonic letters for the plan controls (the wizard's buttons use B and N).
MNEMONICS = {
    "plan.start_date": "S",
    "plan.schedule": "c",
    "plan.timing": "t",
    "plan.step_weeks": "W",
    TARGET_PATH: "L",
    REASON_PATH: "R",
}
PLAN_PATHS = tuple(MNEMONICS)
CHANGEABLE_NOTE = "Changes update the protocol at once; values outside the safe bounds are refused."
NOT_CHANGEABLE_NOTE = "The plan can be changed when there is an LDN protocol."


class PlanControls(QFrame):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__()
        self.state = state
        self.content = content
        self._syncing = False
        self.setObjectName("assessment.plan_controls")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(2)
        self.note = wrapping_label()
        self.note.setObjectName("assessment.plan_controls:note")
        self.note.setProperty("role", "small")
        title_row = QHBoxLayout()
        title_row.addWidget(QLabel("<b>Change the plan</b>"))
        title_row.addWidget(self.note, 1)
        outer.addLayout(title_row)
        self.grid = QGridLayout()
        self.grid.setHorizontalSpacing(16)
        self.grid.setVerticalSpacing(4)
        outer.addLayout(self.grid)
        self.messages: dict[str, QLabel] = {}
        self.whys: dict[str, QLabel] = {}
        self.controls: dict[str, QWidget] = {}
        self._build_inputs()
        for index, (path, widget) in enumerate(self.controls.items()):
            self.grid.addWidget(self._cell(path, widget), index // 2, index % 2)
        self.grid.setColumnStretch(0, 1)
        self.grid.setColumnStretch(1, 1)
        # Built after the wizard installed its guard: cover these too (interface 6).
        guard_wheel(self)

    def _build_inputs(self) -> None:
        choices = self.content.language.choices
        self.start_date = QDateEdit()
        self.start_date.setCalendarPopup(True)
        self.start_date.setDisplayFormat("yyyy-MM-dd")
        self.start_date.dateChanged.connect(
            lambda day: self._write("plan.start_date", day.toString("yyyy-MM-dd"))
        )
        self.schedule = self._combo("plan.schedule", choices["schedule"])
        self.timing = self._combo("plan.timing", choices["timing"])
        self.timing.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.timing.setMinimumContentsLength(16)
        self.step_weeks = QSpinBox()
        self.step_weeks.setRange(1, 4)
        self.step_weeks.setSuffix(" weeks")
        self.step_weeks.valueChanged.connect(lambda value: self._write("plan.step_weeks", int(value)))
        self.target_mg = QLineEdit()
        self.target_mg.setPlaceholderText("empty = the suggested target")
        self.target_mg.setMaxLength(20)
        self.target_mg.textEdited.connect(self._on_target_edited)
        self.change_reason = QLineEdit()
        self.change_reason.setMaxLength(2000)
        self.change_reason.setPlaceholderText("for example: sensitive to medicines")
        self.change_reason.textEdited.connect(lambda text: self._write(REASON_PATH, text.strip() or None))
        self.controls = dict(
            zip(
                PLAN_PATHS,
                (
                    self.start_date,
                    self.schedule,
                    self.timing,
                    self.step_weeks,
                    self.target_mg,
                    self.change_reason,
                ),
                strict=True,
            )
        )

    def _combo(self, path: str, names: Mapping[str, str]) -> QComboBox:
        combo = QComboBox()
        for value, name in names.items():
            combo.addItem(name, value)
        combo.currentIndexChanged.connect(lambda _i: self._write(path, combo.currentData()))
        return combo

    def _cell(self, path: str, widget: QWidget) -> QWidget:
        """A label, its field, why we ask, and any message, read top to bottom."""
        question = self.content.language.questions.get(path)
        text = question.text if question is not None else path
        widget.setObjectName(path)
        widget.setAccessibleName(text)
        cell = QWidget()
        column = QVBoxLayout(cell)
        column.setContentsMargins(0, 4, 0, 4)
        column.setSpacing(2)
        label = QLabel(with_mnemonic(text, MNEMONICS[path]))
        label.setWordWrap(True)
        label.setBuddy(widget)
        column.addWidget(label)
        column.addWidget(widget)
        why, message = add_why_and_message(column, path, widget, question.why if question else "")
        if why is not None:
            self.whys[path] = why
        column.addStretch(1)
        self.messages[path] = message
        return cell

    # ---- state -> widgets ---------------------------------------------------------------------------

    def load(self) -> None:
        """Show the draft's plan values (or their defaults) without writing anything back."""
        state = self.state
        self._syncing = True
        try:
            self.show_start_date()
            for combo, path in ((self.schedule, "plan.schedule"), (self.timing, "plan.timing")):
                index = combo.findData(state.get(path) or plan_default(path))
                combo.setCurrentIndex(max(index, 0))
            weeks = state.get("plan.step_weeks")
            valid = isinstance(weeks, int) and not isinstance(weeks, bool) and 1 <= weeks <= 4
            self.step_weeks.setValue(weeks if valid else plan_default("plan.step_weeks"))
            target = state.get(TARGET_PATH)
            self.target_mg.setText("" if target is None else str(target))
            reason = state.get(REASON_PATH)
            self.change_reason.setText("" if reason is None else str(reason))
        finally:
            self._syncing = False

    def show_start_date(self) -> None:
        """The chosen start date, or the date the plan will use when none is chosen (the visit date)."""
        chosen = self.state.get("plan.start_date")
        if chosen is None:
            chosen = self.state.get("visit_date")
        try:
            day = dt.date.fromisoformat(chosen) if isinstance(chosen, str) else dt.date.today()
        except ValueError:
            day = dt.date.today()
        was = self._syncing
        self._syncing = True
        try:
            self.start_date.setDate(QDate(day.year, day.month, day.day))
        finally:
            self._syncing = was

    def show_messages(
        self, *, enabled: bool, plan_errors: Mapping[str, str], blockers: Mapping[str, str], target_help: str
    ) -> None:
        why = self.whys.get(TARGET_PATH)
        if why is not None and why.text() != target_help:
            why.setText(target_help)
        for widget in self.controls.values():
            widget.setEnabled(enabled)
        self.note.setText(CHANGEABLE_NOTE if enabled else NOT_CHANGEABLE_NOTE)
        reason_missing = "change_reason_missing" in blockers
        above_ceiling = "target_above_ceiling" in blockers
        for path, label in self.messages.items():
            error = plan_errors.get(path)
            if error is not None:
                message = readable_error(error)
            elif path == REASON_PATH and reason_missing:
                message = blockers["change_reason_missing"]
            elif path == TARGET_PATH and above_ceiling:
                # Refused, never silently replaced: the words name this patient's ceiling.
                message = blockers["target_above_ceiling"]
            else:
                message = ""
            label.setText(message)
            label.setVisible(bool(message))
        set_style(
            self.target_mg, INVALID_LINE_EDIT_CSS if TARGET_PATH in plan_errors or above_ceiling else ""
        )
        set_style(self.change_reason, INVALID_LINE_EDIT_CSS if reason_missing else "")
        if self.state.get("plan.start_date") is None and not self.start_date.hasFocus():
            self.show_start_date()

    def first_problem(self) -> QWidget | None:
        """The first control with a message shown (a refused value, a missing reason)."""
        for path, label in self.messages.items():
            if not label.isHidden():
                return self.controls[path]
        return None

    # ---- widgets -> state -----------------------------------------------------------------------------

    def _write(self, path: str, value: Any) -> None:
        if not self._syncing:
            self.state.set(path, value)

    def _on_target_edited(self, text: str) -> None:
        self._write(TARGET_PATH, _typed_mg(text))


def _typed_mg(text: str) -> float | str | None:
    """A target as the visit file holds it: a number (code review F4; a float carries every tenth
    exactly), None when blank, and a typo kept as typed, so the model refuses it beside the field
    instead of it being read as no target."""
    cleaned = text.strip().replace(",", ".")
    if not cleaned:
        return None
    try:
        number = float(cleaned)
    except ValueError:
        return cleaned
    return number if math.isfinite(number) else cleaned
