"""Page 6, Assessment and plan: what the core decided about the visit, and the clinician's plan choices.

The page shows the outcome (colour plus words), what is missing, every finding with its sources and
the suggested protocol; the plan controls write `plan.*` values into the VisitState, where the Visit
model accepts or refuses them. No rule is decided here: the findings, the protocol and the handout
gate all come from the state's one `VisitDecision`, and their words from the content bundle. While
the gate refuses the plan (`ldn_aid.rules.gate.handout_gate`), the page says why in words and Next
(on to printing) stays disabled: the same gate `ldn-aid handout` obeys.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from html import escape
from typing import Any

from PySide6.QtCore import QCoreApplication, QDate, QEvent, Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    QWizardPage,
)

from ldn_aid.content import ContentBundle
from ldn_aid.content.schema import plain_number
from ldn_aid.content.words import blocker_text, clinician_text, question_text
from ldn_aid.domain.assessment import Assessment, Finding, Outcome
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Plan
from ldn_aid.ui.outcome_panel import OUTCOME_STYLE
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.report import (
    SEVERITY_INK,
    heading,
    report_frame,
    show_sources,
    sources_label,
    wrapping_label,
)

REASON_PATH = "plan.change_reason"
# The age sign-off lets a 6- or 7-year-old start; only the longer-trial sign-off lifts the under-18
# limit of `paediatric_max_trial_weeks`. They are separate agreements, asked side by side.
SIGNOFF_PATH = "plan.specialist_signoff"
LONGER_TRIAL_PATH = "plan.specialist_signoff_longer_trial"
SIGNOFF_PATHS = (SIGNOFF_PATH, LONGER_TRIAL_PATH)
SIGNOFF_MNEMONICS = {SIGNOFF_PATH: "p", LONGER_TRIAL_PATH: "g"}
TARGET_PATH = "plan.target_mg"
ACK_PATH = "assessment.acknowledge_guideline_first"
# Where each of the handout gate's blockers is shown beside the control that lifts it (the words are
# the gate's own, from `[gate]` in choices.toml). Every blocker is also listed in the gate box.
BLOCKER_PLACE = {
    "guideline_ack_missing": ACK_PATH,
    "change_reason_missing": REASON_PATH,
    "target_above_ceiling": "plan.target_mg",
    "paediatric_trial_too_long": LONGER_TRIAL_PATH,
}
ACK_TEXT = (
    "I have discussed the guideline medicines (methylphenidate, amphetamines, non-stimulants)"
    " with the patient"
)
SEVERITIES = ("stop", "caution", "info")
TIMING_REASON = {
    "clinician_choice": "chosen by the clinician",
    "sleep_problems": "sleep problems were reported",
    "default_bedtime": "the default when sleep is not a problem",
}
# Mnemonic letters for the plan controls (the wizard's buttons use B and N).
MNEMONICS = {
    "plan.start_date": "S",
    "plan.schedule": "c",
    "plan.timing": "t",
    "plan.step_weeks": "W",
    "plan.target_mg": "L",
    REASON_PATH: "R",
}
INVALID_STYLE = ("CHECK ANSWERS", "#b00020", "#fdecec")
REFUSED_STYLE = ("PLAN VALUE REFUSED", "#8a4b00", "#fff4e0")
ERROR_CSS = "color: #b00020; font-weight: bold;"
# One sheet on the page body styles the widgets rebuilt on every change, by property: a style sheet
# per widget costs a restyle each time one is made.
BODY_CSS = (
    'QLabel[role="heading"] { font-size: 110%; font-weight: bold; margin-top: 6px; }'
    ' QLabel[role="small"] { font-size: 90%; }'
    ' QPushButton[role="link"] { text-align: left; color: palette(link); text-decoration: underline;'
    " border: 1px solid transparent; padding: 2px 6px; }"
    ' QPushButton[role="link"]:focus { border: 1px solid palette(highlight); }'
    + "".join(
        f' QLabel[severity="{name}"] {{ color: {ink}; font-weight: bold; margin-top: 4px; }}'
        f' QFrame[finding="{name}"] {{ border: 0px; border-left: 4px solid {ink}; }}'
        for name, ink in SEVERITY_INK.items()
    )
)


def plan_default(path: str) -> Any:
    """The Visit model's default for a `plan.*` value."""
    return Plan.model_fields[path.split(".", 1)[1]].default


def readable_error(message: str) -> str:
    """A pydantic message made readable beside a plan control."""
    text = message.removeprefix("Value error, ")
    if text.startswith("Input should be a valid decimal"):
        return "Type a number of mg, such as 3.5."
    text = text.replace("target_mg must", "The target must").replace("target_mg ", "A target of ", 1)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", ")")) else text + "."


def with_mnemonic(text: str, letter: str) -> str:
    """`text` with `&` before the first `letter` (any case), and its own ampersands escaped."""
    text = text.replace("&", "&&")
    at = text.lower().find(letter.lower())
    return text if at < 0 else text[:at] + "&" + text[at:]


class _Slot(QWidget):
    """A place on the page whose content is rebuilt whole. The new content is built off-screen and
    shown in one go (a show() per new widget costs a layout pass each), and the old content leaves
    the widget tree at once, so findChild() never finds a stale widget."""

    def __init__(self, spacing: int, top_margin: int = 0) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._spacing = spacing
        self._top_margin = top_margin
        self._content: QWidget | None = None
        self._retired: list[QWidget] = []

    def fill(self, widgets: Sequence[QWidget]) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, self._top_margin, 0, 0)
        layout.setSpacing(self._spacing)
        for widget in widgets:
            layout.addWidget(widget)
        self._retired.clear()
        old = self._content
        if old is not None:
            self._layout.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
            # Kept until deleteLater runs: a button in it may be what called us.
            self._retired.append(old)
        self._layout.addWidget(content)
        content.show()
        self._content = content
        self.setVisible(bool(widgets))


class _ClickLabel(QLabel):
    """A label that toggles its check box when clicked, like the check box's own text would."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


def _set_style(widget: QWidget, css: str) -> None:
    """Set a style sheet only when it changes: setting one restyles the widget even when equal."""
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)


class AssessmentPage(QWizardPage):
    """The outcome, findings, protocol and plan controls for the draft visit.

    Signals:
        jump_requested: the clinician chose a missing or invalid answer; carries its dotted path.
    """

    jump_requested = Signal(str)

    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__()
        self.state = state
        self.content = content
        self.setTitle("Assessment and plan")
        self._syncing = False
        self._links_key: object = None
        self._findings_key: object = None
        self._protocol_shown: Protocol | None = None

        self.banner, self.scroll_area, column = report_frame(self, "assessment", BODY_CSS)

        column.addWidget(self._build_acknowledgement())
        column.addWidget(self._build_signoff())
        self.links_box = _Slot(spacing=0)
        column.addWidget(self.links_box)
        self.findings_box = _Slot(spacing=4)
        column.addWidget(self.findings_box)
        column.addWidget(self._build_plan_section())
        column.addStretch(1)
        self.controls[SIGNOFF_PATH] = self.signoff
        self.controls[LONGER_TRIAL_PATH] = self.longer_trial

        state.changed.connect(self.refresh)
        state.loaded.connect(self._load_controls)
        self._load_controls()

    # ---- building ---------------------------------------------------------------------------------

    def _build_signoff(self) -> QWidget:
        """The paediatric specialist's two sign-offs, side by side: starting under `min_age_years`
        (ages 6 and 7), and a trial longer than `paediatric_max_trial_weeks` under 18. Usable with or
        without a protocol (the first is what lets a 6- or 7-year-old have one)."""
        box = QFrame()
        box.setObjectName("assessment.signoff")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        self.signoff_rows: dict[str, QWidget] = {}
        self.signoff_messages: dict[str, QLabel] = {}
        boxes = [self._signoff_row(layout, path) for path in SIGNOFF_PATHS]
        self.signoff, self.longer_trial = boxes
        self.signoff_message = self.signoff_messages[LONGER_TRIAL_PATH]
        self.signoff_box = box
        box.hide()
        return box

    def _signoff_row(self, layout: QVBoxLayout, path: str) -> QCheckBox:
        question = self.content.language.questions.get(path)
        text = question.text if question is not None else path
        row_widget = QWidget()
        column = QVBoxLayout(row_widget)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(2)
        check = QCheckBox()
        check.setObjectName(path)
        check.setAccessibleName(text)
        check.toggled.connect(lambda ticked, p=path: self._write(p, True if ticked else None))
        label = _ClickLabel(with_mnemonic(text, SIGNOFF_MNEMONICS[path]))
        label.setWordWrap(True)
        label.setBuddy(check)
        label.clicked.connect(check.toggle)
        row = QHBoxLayout()
        row.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(label, 1)
        column.addLayout(row)
        if question is not None and question.why:
            check.setToolTip(question.why)
            why = wrapping_label(question.why)
            why.setObjectName(f"{path}:why")
            why.setProperty("role", "small")
            column.addWidget(why)
        message = wrapping_label()
        message.setObjectName(f"{path}:error")
        message.setStyleSheet(ERROR_CSS)
        message.hide()
        column.addWidget(message)
        layout.addWidget(row_widget)
        self.signoff_rows[path] = row_widget
        self.signoff_messages[path] = message
        return check

    def _build_gate(self) -> QWidget:
        """Why the handout cannot be printed yet: each of the gate's blockers, in its words."""
        box = QFrame()
        box.setObjectName("assessment.gate")
        box.setStyleSheet(
            "#assessment\\.gate { border: 2px solid #b00020; border-left: 8px solid #b00020;"
            " border-radius: 4px; background: #fdecec; } QLabel { color: #5c0010; background: transparent; }"
        )
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        title = QLabel("<b>The handout cannot be printed yet</b>")
        title.setObjectName("assessment.gate:title")
        layout.addWidget(title)
        self.gate_list = wrapping_label()
        self.gate_list.setObjectName("assessment.gate:blockers")
        layout.addWidget(self.gate_list)
        self.gate_box = box
        box.hide()
        return box

    def _build_acknowledgement(self) -> QWidget:
        box = QFrame()
        box.setObjectName("assessment.acknowledgement")
        box.setStyleSheet(
            "#assessment\\.acknowledgement { border: 2px solid #1f5fa8; border-radius: 4px;"
            " background: #e8f1fb; } QLabel { color: #102a4c; background: transparent; }"
        )
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        self.guideline_note = wrapping_label(self.content.language.protocol.guideline_first_note)
        self.acknowledge = QCheckBox(with_mnemonic(ACK_TEXT, "I"))
        self.acknowledge.setObjectName("assessment.acknowledge_guideline_first")
        self.acknowledge.setAccessibleName(ACK_TEXT)
        self.acknowledge.toggled.connect(self._on_acknowledged)
        # A long check box label does not wrap; a clickable buddy label beside a bare box does.
        self.acknowledge.setText("")
        ack_label = _ClickLabel(with_mnemonic(ACK_TEXT, "I"))
        ack_label.setWordWrap(True)
        ack_label.setBuddy(self.acknowledge)
        ack_label.clicked.connect(self.acknowledge.toggle)
        ack_row = QHBoxLayout()
        ack_row.addWidget(self.acknowledge, 0, Qt.AlignmentFlag.AlignTop)
        ack_row.addWidget(ack_label, 1)
        self.ack_reason = wrapping_label(blocker_text(self.content, "guideline_ack_missing"))
        self.ack_reason.setObjectName("assessment.acknowledge_guideline_first:error")
        self.ack_reason.setStyleSheet(ERROR_CSS)
        layout.addWidget(self.guideline_note)
        layout.addLayout(ack_row)
        layout.addWidget(self.ack_reason)
        self.ack_box = box
        box.hide()
        return box

    def _build_plan_section(self) -> QWidget:
        section = QWidget()
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(heading("Starting protocol"))
        self.no_protocol = wrapping_label()
        self.no_protocol.setObjectName("assessment.no_protocol")
        layout.addWidget(self.no_protocol)
        layout.addWidget(self._build_gate())

        evidence = QFrame()
        evidence.setObjectName("assessment.evidence")
        evidence.setStyleSheet(
            "#assessment\\.evidence { border: 1px solid #8a4b00; border-left: 5px solid #8a4b00;"
            " background: #fff4e0; } QLabel { color: #3d2200; background: transparent; }"
        )
        evidence_layout = QVBoxLayout(evidence)
        evidence_layout.setContentsMargins(8, 4, 8, 4)
        note = self.content.language.protocol.evidence_note
        self.evidence_note = wrapping_label(f"<b>Not from ADHD evidence.</b> {escape(note)}", rich=True)
        self.evidence_note.setObjectName("assessment.evidence_note")
        evidence_layout.addWidget(self.evidence_note)
        self.evidence_sources = self._sources_label(())
        evidence_layout.addWidget(self.evidence_sources)
        self.evidence_box = evidence
        layout.addWidget(evidence)

        # The controls come before the table, so a schedule that adds steps never moves them.
        layout.addWidget(self._build_controls())
        self.stale_note = wrapping_label(
            "A plan value is refused, so this is the protocol before that change; it will not print."
        )
        self.stale_note.setObjectName("assessment.stale_note")
        self.stale_note.setStyleSheet(ERROR_CSS)
        self.stale_note.hide()
        layout.addWidget(self.stale_note)
        self.table = QTableWidget(0, 4)
        self.table.setObjectName("assessment.protocol")
        self.table.setAccessibleName("Dose steps")
        self.table.setHorizontalHeaderLabels(["Step", "From", "Dose (mg)", "Volume (mL)"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.table.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.table.setMinimumWidth(380)
        layout.addWidget(self.table, 0, Qt.AlignmentFlag.AlignLeft)
        # One label per line, caption inline.
        self.details = _Slot(spacing=6, top_margin=4)
        layout.addWidget(self.details)
        return section

    def _build_controls(self) -> QWidget:
        box = QFrame()
        box.setObjectName("assessment.plan_controls")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        outer = QVBoxLayout(box)
        outer.setContentsMargins(8, 6, 8, 6)
        outer.setSpacing(2)
        title = QLabel("<b>Change the plan</b>")
        self.controls_note = wrapping_label()
        self.controls_note.setObjectName("assessment.plan_controls:note")
        self.controls_note.setProperty("role", "small")
        heading = QHBoxLayout()
        heading.addWidget(title)
        heading.addWidget(self.controls_note, 1)
        outer.addLayout(heading)
        grid = QGridLayout()
        grid.setHorizontalSpacing(16)
        grid.setVerticalSpacing(4)
        outer.addLayout(grid)
        self.controls_box = box
        self.messages: dict[str, QLabel] = {}
        self.whys: dict[str, QLabel] = {}
        self.controls: dict[str, QWidget] = {}
        choices = self.content.language.choices

        start = QDateEdit()
        start.setCalendarPopup(True)
        start.setDisplayFormat("yyyy-MM-dd")
        start.dateChanged.connect(lambda day: self._write("plan.start_date", day.toString("yyyy-MM-dd")))
        schedule = QComboBox()
        for value, name in choices["schedule"].items():
            schedule.addItem(name, value)
        schedule.currentIndexChanged.connect(lambda _i: self._write("plan.schedule", schedule.currentData()))
        timing = QComboBox()
        for value, name in choices["timing"].items():
            timing.addItem(name, value)
        timing.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        timing.setMinimumContentsLength(16)
        timing.currentIndexChanged.connect(lambda _i: self._write("plan.timing", timing.currentData()))
        steps = QSpinBox()
        steps.setRange(1, 4)
        steps.setSuffix(" weeks")
        steps.valueChanged.connect(lambda value: self._write("plan.step_weeks", int(value)))
        target = QLineEdit()
        target.setPlaceholderText("empty = the suggested target")
        target.setMaxLength(20)
        target.textEdited.connect(self._on_target_edited)
        reason = QLineEdit()
        reason.setMaxLength(2000)
        reason.setPlaceholderText("for example: sensitive to medicines")
        reason.textEdited.connect(lambda text: self._write(REASON_PATH, text.strip() or None))

        # Two columns, read across: each cell is a label, its field, why we ask, and any message.
        widgets: Sequence[tuple[str, QWidget]] = (
            ("plan.start_date", start),
            ("plan.schedule", schedule),
            ("plan.timing", timing),
            ("plan.step_weeks", steps),
            ("plan.target_mg", target),
            (REASON_PATH, reason),
        )
        for index, (path, widget) in enumerate(widgets):
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
            if question is not None and question.why:
                widget.setToolTip(question.why)
                why = wrapping_label(question.why)
                why.setObjectName(f"{path}:why")
                why.setProperty("role", "small")
                column.addWidget(why)
                self.whys[path] = why
            message = wrapping_label()
            message.setObjectName(f"{path}:error")
            message.hide()
            column.addWidget(message)
            column.addStretch(1)
            grid.addWidget(cell, index // 2, index % 2)
            self.messages[path] = message
            self.controls[path] = widget
        grid.setColumnStretch(0, 1)
        grid.setColumnStretch(1, 1)
        self.start_date, self.schedule, self.timing = start, schedule, timing
        self.step_weeks, self.target_mg, self.change_reason = steps, target, reason
        return box

    def _sources_label(self, ref_ids: Sequence[str]) -> QLabel:
        return sources_label(ref_ids, self.content.rules.references)

    def _set_sources(self, label: QLabel, ref_ids: Sequence[str]) -> None:
        show_sources(label, ref_ids, self.content.rules.references)

    # ---- keeping widgets and state in step -------------------------------------------------------

    def _write(self, path: str, value: Any) -> None:
        if not self._syncing:
            self.state.set(path, value)

    def _on_target_edited(self, text: str) -> None:
        cleaned = text.strip().replace(",", ".")
        self._write("plan.target_mg", cleaned or None)

    def _on_acknowledged(self, ticked: bool) -> None:
        if not self._syncing:
            self.state.set_acknowledged(ticked)

    def _load_controls(self) -> None:
        """Show the draft's plan values (or their defaults) without writing anything back."""
        state = self.state
        self._syncing = True
        try:
            self._show_start_date()
            for combo, path in ((self.schedule, "plan.schedule"), (self.timing, "plan.timing")):
                index = combo.findData(state.get(path) or plan_default(path))
                combo.setCurrentIndex(max(index, 0))
            weeks = state.get("plan.step_weeks")
            self.step_weeks.setValue(
                weeks if isinstance(weeks, int) and 1 <= weeks <= 4 else plan_default("plan.step_weeks")
            )
            target = state.get("plan.target_mg")
            self.target_mg.setText("" if target is None else str(target))
            reason = state.get(REASON_PATH)
            self.change_reason.setText("" if reason is None else str(reason))
            for path in SIGNOFF_PATHS:
                self.controls[path].setChecked(state.get(path) is True)  # type: ignore[attr-defined]
        finally:
            self._syncing = False
        self.refresh()

    def _show_start_date(self) -> None:
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

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self._load_controls()

    # ---- what the page shows ----------------------------------------------------------------------

    def gate(self) -> Gate | None:
        """The core's handout gate for the visit (None while an answer is invalid)."""
        decision = self.state.decision
        return decision.handout_gate if decision is not None else None

    def blocker_words(self) -> dict[str, str]:
        """Each reason the gate refuses the handout, in its words, by blocker id."""
        gate = self.gate()
        if gate is None:
            return {}
        return {blocker: blocker_text(self.content, blocker, gate.params) for blocker in gate.blockers}

    def reason_missing(self) -> bool:
        gate = self.gate()
        return gate is not None and "change_reason_missing" in gate.blockers

    def acknowledgement_missing(self) -> bool:
        gate = self.gate()
        return gate is not None and "guideline_ack_missing" in gate.blockers

    def problems(self) -> dict[str, str]:
        """Every reason Next is disabled, by path ("visit" when earlier answers are invalid, "gate:<id>"
        for a blocker with no control of its own)."""
        found: dict[str, str] = {}
        state = self.state
        plan_errors = state.errors_under("plan")
        for path, message in plan_errors.items():
            found[path] = readable_error(message)
        if state.visit is None and not plan_errors:
            found["visit"] = "Some answers on earlier pages are not valid."
        for blocker, words in self.blocker_words().items():
            found.setdefault(BLOCKER_PLACE.get(blocker, f"gate:{blocker}"), words)
        return found

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return not self.problems()

    def validatePage(self) -> bool:  # noqa: N802 - Qt override
        # QWizard.next() called from code skips the disabled button; the same rule must hold there.
        return self.isComplete()

    def refresh(self) -> None:
        state = self.state
        plan_errors = state.errors_under("plan")
        # Only a plan value is refused: keep showing the assessment as it was, so nothing jumps.
        only_plan_refused = (
            state.visit is None and bool(plan_errors) and len(plan_errors) == len(state.errors)
        )
        assessment = state.assessment
        if state.visit is None and not only_plan_refused:
            self._show_banner(
                INVALID_STYLE,
                "Some answers on earlier pages are not valid. Fix them to see"
                " the assessment; choose one below to go to it.",
            )
            self._show_invalid_links()
            self._show_findings(None)
        elif only_plan_refused:
            self._show_banner(
                REFUSED_STYLE,
                "Fix the plan value marked below. The assessment and the"
                " protocol come back when it is valid.",
            )
        elif assessment is not None:
            word, ink, fill = OUTCOME_STYLE[assessment.outcome]
            self._show_banner((word, ink, fill), self.content.language.outcomes[assessment.outcome.value])
            self._show_missing_links(assessment)
            self._show_findings(assessment)
        if not only_plan_refused:
            self.ack_box.setVisible(assessment is not None and assessment.outcome == Outcome.GUIDELINE_FIRST)
        self._syncing = True
        try:
            self.acknowledge.setChecked(state.acknowledged_guideline_first)
        finally:
            self._syncing = False
        self.ack_reason.setVisible(not state.acknowledged_guideline_first)
        self._show_signoff()
        self._show_protocol(state.protocol, stale=only_plan_refused)
        self._show_gate(only_plan_refused)
        self._show_plan_messages(plan_errors)
        if state.get("plan.start_date") is None and not self.start_date.hasFocus():
            self._show_start_date()
        self._fit_body()
        self.completeChanged.emit()

    def _fit_body(self) -> None:
        """Give the scrolled body its new height now, not an event-loop pass later: a message that
        appears beside a control must not squash the controls around it for a frame."""
        body = self.scroll_area.widget()
        viewport = self.scroll_area.viewport()
        if body is None or not body.isVisible():
            return
        # Let the nested layouts take in their new contents first, or the height is the old one.
        QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        width = viewport.width()
        body.resize(width, max(body.heightForWidth(width), viewport.height()))

    def _show_signoff(self) -> None:
        """The age sign-off is asked from `min_age_signoff_years` to under `min_age_years` (it cannot
        help younger children); the longer-trial sign-off under 18. Each is shown wherever it is
        ticked, so a recorded sign-off is never hidden."""
        age = self.state.get("patient.age_years")
        number = self.content.rules.number
        known = isinstance(age, int) and not isinstance(age, bool)
        asked = {
            SIGNOFF_PATH: known and number("min_age_signoff_years") <= age < number("min_age_years"),
            LONGER_TRIAL_PATH: known and age < number("adult_age_years"),
        }
        self._syncing = True
        try:
            for path in SIGNOFF_PATHS:
                ticked = self.state.get(path) is True
                check = self.controls[path]
                assert isinstance(check, QCheckBox)
                check.setChecked(ticked)
                self.signoff_rows[path].setVisible(ticked or asked[path])
        finally:
            self._syncing = False
        self.signoff_box.setVisible(any(not row.isHidden() for row in self.signoff_rows.values()))
        words = self.blocker_words().get("paediatric_trial_too_long", "")
        self.signoff_message.setText(words)
        self.signoff_message.setVisible(bool(words))

    def _show_gate(self, stale: bool) -> None:
        words = {} if stale else self.blocker_words()
        self.gate_box.setVisible(bool(words))
        self.gate_list.setText("\n".join(f"• {text}" for text in words.values()))
        self.gate_box.setAccessibleDescription(" ".join(words.values()))

    def _show_banner(self, style: tuple[str, str, str], text: str) -> None:
        word, ink, fill = style
        self.banner.setText(f"{escape(word)} — {escape(text)}")
        self.banner.setAccessibleName(f"{word}: {text}")
        self.banner.setStyleSheet(
            f"QLabel {{ color: {ink}; background: {fill}; border: 2px solid {ink}; border-left: 10px solid"
            f" {ink}; border-radius: 4px; padding: 8px; font-weight: bold; font-size: 120%; }}"
        )

    def _show_missing_links(self, assessment: Assessment) -> None:
        key = ("missing", assessment.missing)
        if key == self._links_key:
            return
        self._links_key = key
        if not assessment.missing:
            self.links_box.fill([])
            return
        count = len(assessment.missing)
        widgets: list[QWidget] = [heading(f"Missing answers ({count}) — choose one to go to its question")]
        for path in assessment.missing:
            widgets.append(self._link(f"missing:{path}", self._question_text(path), path))
        self.links_box.fill(widgets)

    def _show_invalid_links(self) -> None:
        errors = tuple(sorted(self.state.errors.items()))
        key = ("invalid", errors)
        if key == self._links_key:
            return
        self._links_key = key
        widgets: list[QWidget] = [heading("Values to fix")]
        for path, message in errors:
            text = f"{self._question_text(path)}: {readable_error(message)}"
            widgets.append(self._link(f"invalid:{path}", text, path))
        self.links_box.fill(widgets)

    def _question_text(self, path: str) -> str:
        return question_text(self.content, path)

    def _link(self, name: str, text: str, path: str) -> QPushButton:
        button = QPushButton(text.replace("&", "&&"))
        button.setObjectName(name)
        button.setAccessibleName(f"Go to: {text}")
        button.setToolTip(f"Go to this question ({path})")
        button.setFlat(True)
        button.setCursor(Qt.CursorShape.PointingHandCursor)
        button.setProperty("role", "link")
        button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        button.clicked.connect(lambda _checked=False, p=path: self.jump_requested.emit(p))
        return button

    def _show_findings(self, assessment: Assessment | None) -> None:
        findings = assessment.findings if assessment is not None else ()
        key = findings
        if key == self._findings_key:
            return
        self._findings_key = key
        if assessment is None or not findings:
            self.findings_box.fill([])
            return
        labels = self.content.language.choices.get("severity", {})
        widgets: list[QWidget] = [heading("Findings")]
        for severity in SEVERITIES:
            group = assessment.with_severity(severity)  # type: ignore[arg-type]
            if not group:
                continue
            title = labels.get(severity, severity).upper()
            group_label = QLabel(f"{escape(title)} ({len(group)})")
            group_label.setObjectName(f"assessment.findings.{severity}")
            group_label.setProperty("severity", severity)
            widgets.append(group_label)
            widgets += [self._finding_widget(finding) for finding in group]
        self.findings_box.fill(widgets)

    def _finding_widget(self, finding: Finding) -> QWidget:
        frame = QFrame()
        frame.setObjectName(f"finding:{finding.rule_id}")
        frame.setProperty("finding", finding.severity)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.setSpacing(1)
        words = clinician_text(self.content, finding.rule_id, finding.params, finding.inputs)
        text = wrapping_label(f"<b>{escape(finding.rule_id)}</b> — {escape(words)}", rich=True)
        text.setAccessibleName(f"{finding.severity}: {finding.rule_id}")
        layout.addWidget(text)
        layout.addWidget(self._sources_label(finding.references))
        return frame

    def _show_protocol(self, protocol: Protocol | None, *, stale: bool) -> None:
        shown = self._protocol_shown if stale else protocol
        self.stale_note.setVisible(stale and shown is not None)
        for widget in (self.table, self.details, self.evidence_box):
            widget.setVisible(shown is not None)
            widget.setEnabled(not stale)
        if shown is None:
            assessment = self.state.assessment
            if assessment is not None and assessment.outcome == Outcome.STOP:
                reason = "No LDN protocol: the outcome is STOP."
            elif assessment is not None and assessment.outcome == Outcome.INCOMPLETE:
                reason = "No LDN protocol until the missing answers are given."
            else:
                reason = "No LDN protocol for this visit."
            self.no_protocol.setText(reason)
            self.no_protocol.show()
            self._protocol_shown = None
            return
        self.no_protocol.hide()
        if shown == self._protocol_shown and self.table.rowCount():
            return
        self._protocol_shown = shown
        self._fill_table(shown)
        self._fill_details(shown)
        self._set_sources(self.evidence_sources, shown.references)

    def _fill_table(self, protocol: Protocol) -> None:
        table = self.table
        table.setRowCount(len(protocol.steps))
        for row, step in enumerate(protocol.steps):
            cells = (
                str(row + 1),
                f"{step.start.isoformat()} ({step.start.strftime('%a')})",
                f"{step.dose_mg:.1f}",
                "—" if step.volume_ml is None else f"{step.volume_ml:.1f}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setFixedHeight(height)

    def _fill_details(self, protocol: Protocol) -> None:
        words = self.content.language.protocol
        choices = self.content.language.choices
        formulation = choices.get("formulation", {}).get(protocol.formulation, protocol.formulation)
        if protocol.formulation == "capsule":
            form_text = words.formulation_capsule
        else:
            form_text = f"{words.formulation_liquid} {words.liquid_storage}"
        timing_label = choices.get("timing", {}).get(protocol.timing, protocol.timing)
        timing_text = words.timing_bedtime if protocol.timing == "bedtime" else words.timing_morning
        target_text = getattr(words, f"target_{protocol.target_basis}")
        rows: list[tuple[str, str, str]] = [
            ("formulation", "Formulation", f"<b>{escape(formulation)}.</b> {escape(form_text)}"),
            (
                "timing",
                "Timing",
                f"<b>{escape(timing_label)}</b> ({escape(TIMING_REASON.get(protocol.timing_reason, ''))})."
                f" {escape(timing_text)}",
            ),
            ("target", "Target", f"<b>{protocol.target_mg:.1f} mg/day.</b> {escape(target_text)}"),
            (
                "tolerability_review",
                "Tolerability review",
                f"<b>{protocol.tolerability_review.isoformat()}</b>"
                f" ({protocol.tolerability_review.strftime('%a')}), before the first dose increase",
            ),
            (
                "response_review",
                "Response review",
                f"<b>{protocol.response_review.isoformat()}</b> ({protocol.response_review.strftime('%a')})",
            ),
            ("response_rule", "Response rule", f"{escape(words.response_rule)} {escape(words.stop_rule)}"),
        ]
        widgets: list[QWidget] = []
        for name, label, html_text in rows:
            value = wrapping_label(f"<b>{escape(label)}:</b> {html_text}", rich=True)
            value.setObjectName(f"assessment.protocol.{name}")
            widgets.append(value)
            if name == "response_rule":
                widgets.append(self._sources_label(protocol.response_rule.references))
        self.details.fill(widgets)

    def target_help(self) -> str:
        """The help under the target: the question's own (the cap), and this patient's ceiling."""
        question = self.content.language.questions.get(TARGET_PATH)
        text = question.why if question is not None else ""
        protocol = self.state.protocol or self._protocol_shown
        if protocol is None:
            return text
        number = self.content.rules.number
        ceiling = plain_number(protocol.ceiling_mg)
        if protocol.ceiling_mg < number("max_dose_mg"):
            per_kg = plain_number(number("weight_based_mg_per_kg"))
            ceiling_text = (
                f"This patient's ceiling is {ceiling} mg ({per_kg} mg per kg of body weight):"
                " a target above it is refused."
            )
        else:
            ceiling_text = f"This patient's ceiling is {ceiling} mg, the cap."
        return f"{text} {ceiling_text}".strip()

    def _show_plan_messages(self, plan_errors: dict[str, str]) -> None:
        why = self.whys.get(TARGET_PATH)
        if why is not None:
            help_text = self.target_help()
            if why.text() != help_text:
                why.setText(help_text)
        state = self.state
        reason_missing = self.reason_missing()
        blockers = self.blocker_words()
        enabled = state.protocol is not None or bool(plan_errors) or bool(blockers)
        for path, widget in self.controls.items():
            if path not in SIGNOFF_PATHS:  # the sign-offs are asked with or without a protocol
                widget.setEnabled(enabled)
        if enabled:
            self.controls_note.setText(
                "Changes update the protocol at once; values outside the safe bounds are refused."
            )
        else:
            self.controls_note.setText("The plan can be changed when there is an LDN protocol.")
        for path, label in self.messages.items():
            message, style = "", ERROR_CSS
            error = plan_errors.get(path)
            if error is not None:
                message = readable_error(error)
            elif path == REASON_PATH and reason_missing:
                message = blockers["change_reason_missing"]
            elif path == "plan.target_mg" and "target_above_ceiling" in blockers:
                # Refused, never silently replaced: the words name this patient's ceiling.
                message = blockers["target_above_ceiling"]
            label.setText(message)
            _set_style(label, style)
            label.setVisible(bool(message))
        self._set_invalid(
            self.target_mg, "plan.target_mg" in plan_errors or "target_above_ceiling" in blockers
        )
        self._set_invalid(self.change_reason, reason_missing)

    @staticmethod
    def _set_invalid(widget: QWidget, invalid: bool) -> None:
        _set_style(widget, "QLineEdit { border: 2px solid #b00020; }" if invalid else "")
