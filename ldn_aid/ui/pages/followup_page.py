"""Page 8, Follow-up review: the history of an LDN trial, a new review, and the decision it gives.

The page shows the doses and scores so far (a chart and a table), takes a new follow-up review and
appends it to the visit's `follow_ups` (the Visit model accepts or refuses it), shows the decision
the rules make for the latest review with every reason and its sources, and lets the clinician
choose differently with a reason. No rule is decided here: the page only records. The decisions are
the state's one `VisitDecision.follow_ups` (one pass over the reviews), and their words are looked
up in the content bundle.

A new review starts with every answer "not asked" (side-effect grades, missed doses, days without
LDN and every safety item; the dose taken is typed, the planned dose is only a hint). It is added
only with every answer the record and the rules need: the page asks the rules
(`followup_safety_unanswered`, on the visit with the review added) and names what was not asked,
beside Add review below the page, and keeps that list and its red marks up to date as each one is
answered. A conditional question shows only where the rules ask for it (the urine opioid screen
before a restart after an opioid stop; pregnancy not for male sex at birth, and "not applicable"
only with a recorded "no" child-bearing potential).

"Choose differently" lists only the decisions the rules would accept for the latest review (each is
tried on a copy of the visit); where there is none (a safety or trial-ending stop) it is disabled
with a one-line reason. A refused choice that stands keeps the follow-up sheet from printing until
it is withdrawn.
"""

from __future__ import annotations

import copy
import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from html import escape
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import QDate, Qt, QTimer
from PySide6.QtGui import QBrush, QColor, QShowEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
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
from ldn_aid.content.words import blocker_text, clinician_text, question_text
from ldn_aid.domain.followup import (
    DECISIONS,
    SAFETY_ITEMS,
    SIDE_EFFECTS,
    DecisionReason,
    FollowUp,
    FollowUpDecision,
)
from ldn_aid.domain.protocol import Step
from ldn_aid.domain.visit import SCALE_RANGES, Visit
from ldn_aid.ui.pages import conditions
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.history_chart import HistoryChart, chart_data
from ldn_aid.ui.widgets.report import SEVERITY_INK, heading, report_frame, sources_label, wrapping_label

PATH = "follow_ups"
# "follow_ups[2] score 30 is outside ...": the Visit model's check of one follow-up's field.
_ABOUT_ONE = re.compile(r"^follow_ups\[\d+\] ([a-z_]+) (.*)$", re.DOTALL)
STOP_STYLE = ("#b00020", "#fdecec")
CHANGE_STYLE = ("#8a4b00", "#fff4e0")
GO_STYLE = ("#1b6e2a", "#e7f5ea")
INFO_STYLE = ("#1f5fa8", "#e8f1fb")
# Colour supports the decision's words; it never carries the meaning alone.
DECISION_STYLE = {
    "advance": GO_STYLE,
    "continue": GO_STYLE,
    "hold": CHANGE_STYLE,
    "step_down": CHANGE_STYLE,
    "switch_to_morning": CHANGE_STYLE,
    "restart": CHANGE_STYLE,
    "stop": STOP_STYLE,
    # No dosing advice at all: as plain a warning as a stop.
    "no_plan": STOP_STYLE,
}
# The decisions a clinician may choose instead of the computed one ("no plan" is never a choice).
CHOOSABLE = tuple(decision for decision in DECISIONS if decision != "no_plan")
# The rule that names the safety questions a review left unasked (its inputs are their paths).
SAFETY_UNANSWERED = "followup_safety_unanswered"
# The reasons that say a clinician's choice was refused (`followup_override_refused`, `..._stop`).
OVERRIDE_REFUSED = "followup_override_refused"
# The reason that says the first visit's plan was not given; the handout gate's blockers go with it.
PLAN_NOT_GIVEN = "followup_plan_not_given"
# Safety answers that asked about an opioid: the date of the last dose is asked after either.
OPIOID_ITEMS = ("opioid_needed_or_taken", "methadone_or_buprenorphine")
# The pregnancy answers that are news at a follow-up.
PREGNANCY_NEWS = ("pregnant", "trying", "breastfeeding")
SEVERITY_WORD = {"stop": "STOP", "caution": "CAUTION", "info": "TO DISCUSS"}
TIMING_WORDS = {"bedtime": "at bedtime", "morning": "in the morning"}
CGI_I = {
    1: "very much improved",
    2: "much improved",
    3: "minimally improved",
    4: "no change",
    5: "minimally worse",
    6: "much worse",
    7: "very much worse",
}
NOT_ASKED = "— not asked —"
DOSE_PLACEHOLDER = "mg, such as 3.0"
# The safety items answered from a list other than yes/no (their words: these tables in choices.toml).
SAFETY_CHOICES = {"pregnancy": "pregnancy", "urine_opioid_screen": "urine_opioid_screen"}
URINE_SCREEN = "urine_opioid_screen"
NOT_APPLICABLE = "not_applicable"
# A reason for a simulated choice: the rules only ask that one is given.
TRIAL_REASON = "reason"
INVALID_INPUT_CSS = "border: 2px solid #b00020;"
REASON_NEEDED = "Give a reason for the different decision; it is kept in the record."
ERROR_CSS = "color: #b00020; font-weight: bold;"
READY_CSS = "color: #1b6e2a; font-weight: bold;"
BODY_CSS = (
    'QLabel[role="heading"] { font-size: 110%; font-weight: bold; margin-top: 8px; }'
    ' QLabel[role="small"] { font-size: 90%; }'
    + "".join(
        f' QFrame[reason="{name}"] {{ border: 0px; border-left: 4px solid {ink}; }}'
        for name, ink in SEVERITY_INK.items()
    )
)


def unanswered_of(decision: FollowUpDecision) -> tuple[str, ...]:
    """The questions the rules found not asked at a review (the inputs of its
    `followup_safety_unanswered` reason), as visit-file paths."""
    return tuple(
        path for reason in decision.reasons if reason.rule_id == SAFETY_UNANSWERED for path in reason.inputs
    )


def _mg(dose: Decimal | None) -> str:
    return "—" if dose is None else f"{dose:.1f} mg"


def _day(day: dt.date) -> str:
    return f"{day.isoformat()} ({day.strftime('%a')})"


def _qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


def _box_css(name: str, ink: str, fill: str) -> str:
    escaped = name.replace(".", "\\.")
    return (
        f"#{escaped} {{ border: 1px solid {ink}; border-left: 6px solid {ink}; border-radius: 3px;"
        f" background: {fill}; }} #{escaped} QLabel {{ color: {ink}; background: transparent; }}"
    )


def _table(name: str, accessible: str, headers: list[str]) -> QTableWidget:
    table = QTableWidget(0, len(headers))
    table.setObjectName(name)
    table.setAccessibleName(accessible)
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setWordWrap(True)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    return table


def _fit_height(table: QTableWidget) -> None:
    """Show every row: the page scrolls, not the table."""
    table.resizeRowsToContents()
    height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
    height += sum(table.rowHeight(row) for row in range(table.rowCount()))
    table.setFixedHeight(height)


def _clear(layout: QLayout) -> None:
    while layout.count():
        item = layout.takeAt(0)
        widget = item.widget() if item is not None else None
        if widget is not None:
            widget.hide()
            widget.setParent(None)
            widget.deleteLater()


def _callout(name: str) -> tuple[QFrame, QLabel, QVBoxLayout]:
    """A boxed note (adherence, cannot judge): its frame, its text label and its layout."""
    frame = QFrame()
    frame.setObjectName(name)
    frame.setStyleSheet(_box_css(name, *CHANGE_STYLE))
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(8, 4, 8, 4)
    text = wrapping_label(rich=True)
    layout.addWidget(text)
    return frame, text, layout


class OptionalDate(QWidget):
    """A date that may be not asked: ticking "known" records the date shown beside it."""

    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.known = QCheckBox("known:")
        self.known.setAccessibleName(f"{accessible_name}: known")
        self.edit = QDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setAccessibleName(accessible_name)
        self.edit.setEnabled(False)
        self.known.toggled.connect(self.edit.setEnabled)
        self.setFocusProxy(self.known)
        layout.addWidget(self.known)
        layout.addWidget(self.edit)
        layout.addStretch(1)

    def value(self) -> str | None:
        if not (self.isEnabled() and self.known.isChecked()):
            return None
        return self.edit.date().toString("yyyy-MM-dd")

    def reset(self, day: dt.date) -> None:
        self.known.setChecked(False)
        self.edit.setDate(_qdate(day))


class FollowUpPage(QWizardPage):
    """The follow-up history, the decision for the latest review, the clinician's choice, a new review."""

    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__()
        self.state = state
        self.content = content
        self.setTitle("Follow-up review")
        self.decisions: list[FollowUpDecision] = []
        self.decision: FollowUpDecision | None = None
        self._shown: object = ()
        self._stale = True
        self._syncing = False
        self._form_edited = False
        # After a refusal for unanswered questions, the refusal and its red marks follow each answer.
        self._refusing = False
        self._hidden_rows: set[str] = set()
        self.planned_dose: Decimal | None = None
        # The choices the rules would accept for the latest review (besides the computed one).
        self.acceptable: tuple[str, ...] = ()

        self.banner, self.scroll_area, column = report_frame(self, "followup", BODY_CSS)

        column.addWidget(heading("History"))
        self.chart = HistoryChart()
        column.addWidget(self.chart)
        self.history = _table(
            "followup.history",
            "Follow-up history",
            [
                "Date",
                "Dose taken",
                "Timing",
                "Missed / week",
                "Side effects; safety changes",
                "Score",
                "CGI-I",
                "Decision",
            ],
        )
        header = self.history.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        column.addWidget(self.history)
        self.empty_note = wrapping_label("No follow-up review is recorded yet. Record the first one below.")
        self.empty_note.setObjectName("followup.empty")
        column.addWidget(self.empty_note)

        column.addWidget(self._build_decision_section())
        column.addWidget(self._build_new_review())
        column.addStretch(1)
        page_layout = self.layout()
        assert page_layout is not None
        page_layout.addWidget(self._build_footer())

        state.changed.connect(self._on_changed)
        state.loaded.connect(self._on_loaded)
        self.refresh()
        self._prefill()

    # ---- building ---------------------------------------------------------------------------------

    def _build_decision_section(self) -> QWidget:
        section = QWidget()
        section.setObjectName("followup.decision")
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        self.decision_heading = heading("Decision", "followup.decision_heading")
        layout.addWidget(self.decision_heading)
        self.override_note = wrapping_label(rich=True)
        self.override_note.setObjectName("followup.override")
        layout.addWidget(self.override_note)

        self.adherence, self.adherence_text, _ = _callout("followup.adherence")
        layout.addWidget(self.adherence)

        self.cannot_judge, self.cannot_judge_text, judge_layout = _callout("followup.cannot_judge")
        self.extend_latest = QCheckBox()
        self.extend_latest.setObjectName("followup.latest.extend_once")
        self.extend_latest.setAccessibleName("Extend the trial once instead of stopping")
        self.extend_latest.toggled.connect(self._on_extend_latest)
        judge_layout.addWidget(self.extend_latest)
        layout.addWidget(self.cannot_judge)

        self.next_label = wrapping_label(rich=True)
        self.next_label.setObjectName("followup.next")
        layout.addWidget(self.next_label)
        self.revised = _table(
            "followup.revised", "Revised schedule", ["Step", "From", "Dose (mg)", "Volume (mL)"]
        )
        revised_header = self.revised.horizontalHeader()
        revised_header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        revised_header.setStretchLastSection(True)
        self.revised.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.revised.setMinimumWidth(380)
        layout.addWidget(self.revised, 0, Qt.AlignmentFlag.AlignLeft)

        self.reasons_heading = heading("Reasons")
        layout.addWidget(self.reasons_heading)
        self.reasons_box = QWidget()
        self.reasons_box.setObjectName("followup.reasons")
        self.reasons_layout = QVBoxLayout(self.reasons_box)
        self.reasons_layout.setContentsMargins(0, 0, 0, 0)
        self.reasons_layout.setSpacing(4)
        layout.addWidget(self.reasons_box)
        layout.addWidget(self._build_choice())
        self.decision_section = section
        return section

    def _build_choice(self) -> QWidget:
        box = QFrame()
        box.setObjectName("followup.choose")
        box.setFrameShape(QFrame.Shape.StyledPanel)
        layout = QVBoxLayout(box)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(4)
        layout.addWidget(QLabel("<b>Choose differently</b>"))
        row = QHBoxLayout()
        self.choice = QComboBox()
        self.choice.setObjectName("followup.choice")
        self.choice.setAccessibleName("Clinician's decision")
        self.choice.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.choice.setToolTip(self._why("follow_ups.clinician_decision"))
        choice_label = QLabel("&Decision:")
        choice_label.setBuddy(self.choice)
        self.choice_reason = QLineEdit()
        self.choice_reason.setObjectName("followup.choice_reason")
        self.choice_reason.setAccessibleName("Reason for the different decision")
        self.choice_reason.setMaxLength(2000)
        self.choice_reason.setPlaceholderText("needed for a different decision; kept in the record")
        self.choice_reason.setToolTip(self._why("follow_ups.override_reason"))
        self.choice_reason.returnPressed.connect(self.apply_choice)
        reason_label = QLabel("&Reason:")
        reason_label.setBuddy(self.choice_reason)
        self.choice_apply = QPushButton("Record &choice")
        self.choice_apply.setObjectName("followup.choice_apply")
        self.choice_apply.clicked.connect(self.apply_choice)
        row.addWidget(choice_label)
        row.addWidget(self.choice)
        row.addSpacing(8)
        row.addWidget(reason_label)
        row.addWidget(self.choice_reason, 1)
        row.addWidget(self.choice_apply)
        layout.addLayout(row)
        # Why no other decision may be chosen (a stop whose override the rules refuse), in one line.
        self.choice_locked = wrapping_label()
        self.choice_locked.setObjectName("followup.choice_locked")
        self.choice_locked.setStyleSheet(f"color: {STOP_STYLE[0]};")
        self.choice_locked.hide()
        layout.addWidget(self.choice_locked)
        status_row = QHBoxLayout()
        self.choice_status = wrapping_label(rich=True)
        self.choice_status.setObjectName("followup.choice_status")
        status_row.addWidget(self.choice_status, 1)
        # A refused choice stands in the record (and keeps the sheet from printing) until withdrawn.
        self.choice_withdraw = QPushButton("&Withdraw the refused choice")
        self.choice_withdraw.setObjectName("followup.choice_withdraw")
        self.choice_withdraw.setToolTip(
            "Remove the refused decision and its reason from this review: the suggested decision stands"
            " and the follow-up sheet can be printed."
        )
        self.choice_withdraw.clicked.connect(self.withdraw_choice)
        self.choice_withdraw.hide()
        status_row.addWidget(self.choice_withdraw, 0, Qt.AlignmentFlag.AlignTop)
        layout.addLayout(status_row)
        self.choice_box = box
        return box

    def _build_new_review(self) -> QWidget:
        section = QWidget()
        section.setObjectName("followup.new")
        layout = QVBoxLayout(section)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading("New review", "followup.new.heading"))
        note = wrapping_label(
            "Every answer starts \u201cnot asked\u201d: an unasked question is unknown, never \u201cno\u201d"
            " or \u201cnone\u201d. Add review is refused until the rules have every answer they need."
        )
        note.setProperty("role", "small")
        layout.addWidget(note)
        columns = QHBoxLayout()
        columns.setSpacing(10)
        left, right = QVBoxLayout(), QVBoxLayout()
        for side in (left, right):
            side.setSpacing(6)
            columns.addLayout(side, 1)
        layout.addLayout(columns)
        self.inputs: dict[str, QWidget] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._form_rows: dict[str, int] = {}
        choices = self.content.language.choices

        dose_group, dose_form = self._group("Dose taken")
        self.new_date = QDateEdit()
        self.new_date.setCalendarPopup(True)
        self.new_date.setDisplayFormat("yyyy-MM-dd")
        self.new_date.dateChanged.connect(self._on_form_edited)
        self._add_input(dose_form, "date", self.new_date)
        # Empty until given: the planned dose is only a hint (the decision starts from the dose taken).
        self.new_dose = QLineEdit()
        self.new_dose.setMaxLength(10)
        self.new_dose.setPlaceholderText(DOSE_PLACEHOLDER)
        self.new_dose.setMaximumWidth(160)
        self.new_dose.textChanged.connect(self._on_form_edited)
        self._add_input(dose_form, "dose_mg", self.new_dose)
        self.new_timing = QComboBox()
        for value in ("bedtime", "morning"):
            self.new_timing.addItem(choices["timing"].get(value, value), value)
        self.new_timing.currentIndexChanged.connect(self._on_form_edited)
        self._add_input(dose_form, "timing", self.new_timing)
        # -1 shows as "not asked": both are needed (adherence holds the dose; a long break restarts).
        self.new_missed = QSpinBox()
        self.new_missed.setRange(-1, 7)
        self.new_missed.setSpecialValueText(NOT_ASKED)
        self.new_missed.valueChanged.connect(self._on_form_edited)
        self._add_input(dose_form, "missed_doses_last_week", self.new_missed)
        self.new_days_off = QSpinBox()
        self.new_days_off.setRange(-1, 3650)
        self.new_days_off.setSpecialValueText(NOT_ASKED)
        self.new_days_off.setSuffix(" days")
        self.new_days_off.valueChanged.connect(self._on_form_edited)
        self._add_input(dose_form, "days_without_ldn", self.new_days_off)
        left.addWidget(dose_group)

        effects_group, effects_form = self._group("Side effects since the last visit")
        # A severe reaction stops LDN: an unasked grade is unknown, never "none".
        self.new_effects: dict[str, QComboBox] = {}
        for name in SIDE_EFFECTS:
            combo = self._answer_combo(choices["grade"])
            self._add_input(effects_form, f"side_effects.{name}", combo)
            self.new_effects[name] = combo
        self.new_other_text = QLineEdit()
        self.new_other_text.setMaxLength(500)
        self.new_other_text.textChanged.connect(self._on_form_edited)
        self._add_input(effects_form, "side_effects.other_text", self.new_other_text)
        self.new_tolerable = self._answer_combo(choices["yes_no"])
        self._add_input(effects_form, "tolerable", self.new_tolerable)
        right.addWidget(effects_group)

        response_group, response_form = self._group("Response")
        self.new_score = QLineEdit()
        self.new_score.setMaxLength(10)
        self.new_score.setPlaceholderText("not recorded")
        self.new_score.setMaximumWidth(120)
        self.new_score.textChanged.connect(self._on_form_edited)
        self.score_hint = wrapping_label()
        self.score_hint.setObjectName("followup.new.score:hint")
        self.score_hint.setProperty("role", "small")
        self._add_input(response_form, "score", self.new_score, beside=self.score_hint)
        self.new_cgi_i = QComboBox()
        self.new_cgi_i.addItem("— not recorded —", None)
        for score, meaning in CGI_I.items():
            self.new_cgi_i.addItem(f"{score} — {meaning}", score)
        self.new_cgi_i.currentIndexChanged.connect(self._on_form_edited)
        self._add_input(response_form, "cgi_i", self.new_cgi_i)
        self.new_extend = QCheckBox()
        self.new_extend.toggled.connect(self._on_form_edited)
        self._add_input(response_form, "extend_once", self.new_extend)
        left.addWidget(response_group)

        safety_group, safety_form = self._group("Safety since the last visit")
        # Every item starts "not asked"; an unasked item is unknown, never "no".
        self.new_safety: dict[str, QComboBox] = {}
        for name in SAFETY_ITEMS:
            if name == "last_opioid_dose":
                self.new_last_opioid = OptionalDate(self._question(f"safety.{name}"))
                self.new_last_opioid.known.toggled.connect(self._on_form_edited)
                self.new_last_opioid.edit.dateChanged.connect(self._on_form_edited)
                self._add_input(safety_form, f"safety.{name}", self.new_last_opioid)
                continue
            labels = choices.get(SAFETY_CHOICES.get(name, "yes_no"), choices["yes_no"])
            combo = self._answer_combo(labels)
            self._add_input(safety_form, f"safety.{name}", combo)
            if name == "pregnancy":
                # Why "not applicable" is not offered, where the rules would not accept it: a row of
                # its own under the question (a wrapped line needs the form's whole width).
                self.pregnancy_hint = wrapping_label()
                self.pregnancy_hint.setObjectName("followup.new.safety.pregnancy:hint")
                self.pregnancy_hint.setProperty("role", "small")
                safety_form.addRow(self.pregnancy_hint)
            self.new_safety[name] = combo
            if name in OPIOID_ITEMS:
                combo.currentIndexChanged.connect(self._enable_last_opioid)
        self.new_opioid = self.new_safety["opioid_needed_or_taken"]
        self.new_pregnancy = self.new_safety["pregnancy"]
        self.new_surgery = self.new_safety["surgery_planned"]
        self.new_urine = self.new_safety[URINE_SCREEN]
        self._enable_last_opioid()
        right.addWidget(safety_group)
        left.addStretch(1)
        right.addStretch(1)
        return section

    def _build_footer(self) -> QWidget:
        """Add review, and why it was refused, below the scrolling page: always in view, so the
        refusal stays beside the button wherever the page is scrolled to answer what it names."""
        footer = QFrame()
        footer.setObjectName("followup.new.footer")
        footer.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(footer)
        row.setContentsMargins(6, 4, 6, 4)
        self.add_button = QPushButton("&Add review")
        self.add_button.setObjectName("followup.add")
        self.add_button.setToolTip("Record this review in the visit and show its decision")
        self.add_button.clicked.connect(self.add_review)
        self.add_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.new_error = wrapping_label()
        self.new_error.setObjectName("followup.new.error")
        self.new_error.setStyleSheet(ERROR_CSS)
        self.new_error.hide()
        row.addWidget(self.new_error, 1)
        row.addStretch(0)
        self.footer = footer
        return footer

    def _group(self, title: str) -> tuple[QGroupBox, QFormLayout]:
        group = QGroupBox(title)
        form = QFormLayout(group)
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
        form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
        form.setContentsMargins(8, 6, 8, 6)
        form.setVerticalSpacing(4)
        return group, form

    def _answer_combo(self, labels: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(NOT_ASKED, None)
        for value, text in labels.items():
            if value != "unanswered":
                combo.addItem(text, value)
        combo.currentIndexChanged.connect(self._on_form_edited)
        return combo

    def _add_input(
        self, form: QFormLayout, field: str, widget: QWidget, beside: QWidget | None = None
    ) -> None:
        question = self.content.language.questions.get(f"{PATH}.{field}")
        text = question.text if question is not None else field.replace("_", " ")
        widget.setObjectName(f"followup.new.{field}")
        widget.setAccessibleName(text)
        if question is not None and question.why:
            widget.setToolTip(question.why)
        if isinstance(widget, OptionalDate):
            widget.known.setObjectName(f"followup.new.{field}:known")
            widget.edit.setObjectName(f"followup.new.{field}:date")
            widget.edit.setToolTip(widget.toolTip())
        label = QLabel(text)
        label.setWordWrap(True)
        label.setBuddy(widget)
        label.setMinimumWidth(min(label.fontMetrics().horizontalAdvance(text) + 2, 200))
        if beside is None:
            form.addRow(label, widget)
        else:
            row = QHBoxLayout()
            row.setSpacing(8)
            row.addWidget(widget)
            row.addWidget(beside, 1)
            form.addRow(label, row)
        self.inputs[field] = widget
        self._forms[field] = form
        self._form_rows[field] = form.rowCount() - 1

    # ---- words ------------------------------------------------------------------------------------

    def _decision_word(self, decision: str) -> str:
        return self.content.language.choices.get("decision", {}).get(decision, decision)

    def _why(self, path: str) -> str:
        question = self.content.language.questions.get(path)
        return question.why if question is not None else ""

    def _question(self, field: str) -> str:
        question = self.content.language.questions.get(f"{PATH}.{field}")
        return question.text if question is not None else field

    def _reason_words(self, reason: DecisionReason) -> str:
        return clinician_text(self.content, reason.rule_id, reason.params, reason.inputs)

    def _plan_blockers(self) -> list[str]:
        """Why the first visit's plan may not be given (the handout gate's blockers, in words)."""
        decision = self.state.decision
        if decision is None:
            return []
        gate = decision.handout_gate
        return [blocker_text(self.content, blocker, gate.params) for blocker in gate.blockers]

    # ---- keeping widgets and state in step -------------------------------------------------------

    def _on_changed(self) -> None:
        if self.isVisible():
            self.refresh()
        else:
            self._stale = True

    def _on_loaded(self) -> None:
        self._form_edited = False
        self.new_error.hide()
        self.choice_reason.clear()
        self._shown = ()
        self.refresh()
        self._prefill()

    def _on_form_edited(self, *_args: object) -> None:
        if not self._syncing:
            self._form_edited = True
            self._recheck_form()

    def initializePage(self) -> None:  # noqa: N802 - Qt override
        self.refresh()
        if not self._form_edited:
            self._prefill()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 - Qt override
        if self._stale:
            self.refresh()
        super().showEvent(event)

    def isComplete(self) -> bool:  # noqa: N802 - Qt override
        return True  # this page records; it never gates

    # ---- what the page shows ----------------------------------------------------------------------

    def refresh(self) -> None:
        """Recompute the reviews and show them (only when the visit changed)."""
        self._stale = False
        visit = self.state.visit
        if visit == self._shown and visit is not None:
            return
        self._shown = visit
        if visit is None:
            self.decisions, self.decision = [], None
            self._show_banner(
                "CHECK ANSWERS",
                STOP_STYLE,
                "Some answers on earlier pages are not valid. Fix them to see and record follow-up reviews.",
                "invalid",
            )
            self._show_history(None)
            self._show_decision(None)
            return
        decided = self.state.decision
        self.decisions = list(decided.follow_ups) if decided is not None else []
        self.decision = self.decisions[-1] if self.decisions else None
        self._show_history(visit)
        self._show_decision(self.decision)
        if self.decision is None:
            self._show_banner(
                "NO FOLLOW-UP YET",
                INFO_STYLE,
                "Record the first review below; its decision shows here.",
                "none",
            )
        else:
            self._show_banner(
                self._decision_word(self.decision.decision).upper(),
                DECISION_STYLE[self.decision.decision],
                self._summary(self.decision),
                self.decision.decision,
            )
        self._show_score_hint(visit)
        # The visit behind the form changed: what it asks may have changed too.
        self._offer_pregnancy()
        self._recheck_form()

    def _show_banner(self, word: str, style: tuple[str, str], text: str, decision: str) -> None:
        ink, fill = style
        self.banner.setText(f"{escape(word)} — {escape(text)}")
        self.banner.setAccessibleName(f"{word}: {text}")
        self.banner.setProperty("decision", decision)
        self.banner.setStyleSheet(
            f"QLabel {{ color: {ink}; background: {fill}; border: 2px solid {ink}; border-left: 10px solid"
            f" {ink}; border-radius: 4px; padding: 8px; font-weight: bold; font-size: 120%; }}"
        )

    def _summary(self, decision: FollowUpDecision) -> str:
        dose, timing = _mg(decision.next_dose_mg), TIMING_WORDS.get(decision.next_timing or "", "")
        what = {
            "advance": f"Go up to {dose} {timing}.",
            "continue": f"Continue {dose} {timing}.",
            "hold": f"Hold {dose} {timing}.",
            "step_down": f"Go back to {dose} {timing}.",
            "switch_to_morning": f"Take {dose} in the morning.",
            "restart": f"Start again at step 1: {dose} {timing}.",
            "stop": "Stop LDN.",
            "no_plan": "This visit has no LDN plan that may be given; the reasons below say why.",
        }[decision.decision]
        if decision.next_review is not None:
            what += f" Next review {_day(decision.next_review)}."
        if decision.cannot_judge:
            what += " Response cannot be judged (no score)."
        if decision.adherence_point and decision.decision not in ("stop", "no_plan"):
            what += " Discuss adherence before the change."
        if decision.chosen is not None and decision.chosen != decision.computed:
            chosen = self._decision_word(decision.chosen)
            if decision.override_refused:
                what += f" The clinician's choice ({chosen}) was not applied."
            else:
                what += f" Clinician's choice; suggested: {self._decision_word(decision.computed)}."
        return f"{what} (Review of {decision.review_date.isoformat()}.)"

    def _show_history(self, visit: Visit | None) -> None:
        follow_ups = visit.follow_ups if visit is not None else ()
        baseline = visit.diagnosis.baseline if visit is not None else None
        scale = (
            self.content.language.choices.get("scale", {}).get(baseline.scale, baseline.scale)
            if baseline is not None
            else "no baseline"
        )
        if visit is not None:
            fall = int(self.content.rules.number("response_min_fall_percent"))
            self.chart.set_data(
                chart_data(
                    visit, self.state.protocol, self.decisions, scale_name=scale, response_fall_percent=fall
                )
            )
        self.chart.setVisible(visit is not None)
        self.empty_note.setVisible(not follow_ups)
        self.history.setVisible(bool(follow_ups))
        table = self.history
        table.setRowCount(len(follow_ups))
        grades = self.content.language.choices.get("grade", {})
        timings = self.content.language.choices.get("timing", {})
        pregnancy = self.content.language.choices.get("pregnancy", {})
        for row, (follow_up, decision) in enumerate(zip(follow_ups, self.decisions, strict=False)):
            effects = [
                f"{self._question(f'side_effects.{name}')}: {grades.get(grade, grade).lower()}"
                for name, grade in follow_up.side_effects.graded().items()
                if grade is not None and grade != "none"
            ]
            if follow_up.side_effects.other_text:
                effects.append(f"({follow_up.side_effects.other_text})")
            effects += self._safety_notes(follow_up, decision, pregnancy)
            cells = [
                follow_up.date.isoformat(),
                _mg(follow_up.dose_mg),
                timings.get(follow_up.timing, follow_up.timing),
                str(follow_up.missed_doses_last_week),
                "; ".join(effects) or "none",
                "—" if follow_up.score is None else f"{follow_up.score:g}",
                "—" if follow_up.cgi_i is None else str(follow_up.cgi_i),
                self._history_decision(decision),
            ]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column in (1, 3, 5, 6):
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == 7:
                    item.setForeground(QBrush(QColor(DECISION_STYLE[decision.decision][0])))
                    item.setToolTip(self._summary(decision))
                table.setItem(row, column, item)
        _fit_height(table)

    def _safety_notes(
        self, follow_up: FollowUp, decision: FollowUpDecision | None, pregnancy: dict[str, str]
    ) -> list[str]:
        """The safety news of one review for the history table, and how many questions the rules
        found not asked at it (only what they list: a man's pregnancy, say, is not a question)."""
        safety = follow_up.safety
        choices = self.content.language.choices
        yes = choices.get("yes_no", {}).get("yes", "yes").upper()
        notes: list[str] = []
        for name in SAFETY_ITEMS:
            value = getattr(safety, name)
            if value is None:
                continue
            if name == "last_opioid_dose":
                notes.append(f"{self._question(f'safety.{name}')} {value.isoformat()}")
            elif name == "pregnancy":
                if value in PREGNANCY_NEWS:
                    notes.append(pregnancy.get(value, value).upper())
            elif name == URINE_SCREEN:
                words = choices.get("urine_opioid_screen", {}).get(value, value)
                notes.append(f"{self._question(f'safety.{name}')}: {words.lower()}")
            elif value == "yes":
                notes.append(f"{self._question(f'safety.{name}')} {yes}")
        if follow_up.days_without_ldn:
            notes.append(f"{self._question('days_without_ldn')} {follow_up.days_without_ldn}")
        unasked = len(unanswered_of(decision)) if decision is not None else 0
        if unasked:
            notes.append(f"safety questions not asked: {unasked}")
        return notes

    def _history_decision(self, decision: FollowUpDecision) -> str:
        word = self._decision_word(decision.decision)
        if decision.chosen is None or decision.chosen == decision.computed:
            return word
        if decision.override_refused:
            return f"{word} (choice {self._decision_word(decision.chosen)} refused)"
        return f"{word} (clinician; suggested {self._decision_word(decision.computed)})"

    def _show_decision(self, decision: FollowUpDecision | None) -> None:
        self.decision_section.setVisible(decision is not None)
        if decision is None:
            _clear(self.reasons_layout)
            return
        self.decision_heading.setText(
            f"Decision for the review of {_day(decision.review_date)}, taking {_mg(decision.dose_taken_mg)}"
        )
        self._show_override(decision)
        missed = self._latest_value("missed_doses_last_week")
        self.adherence.setVisible(decision.adherence_point)
        self.adherence_text.setText(
            f"<b>ADHERENCE POINT</b> — {escape(str(missed))} doses missed in the last week:"
            " discuss adherence before any change."
        )
        self._show_cannot_judge(decision)
        no_plan = decision.decision == "no_plan"
        if no_plan:
            next_text = (
                "<b>No plan:</b> this visit has no LDN plan that may be given, so this review gives no"
                " dosing advice. The reasons below say why."
            )
        elif decision.next_dose_mg is None:
            next_text = "<b>Next dose:</b> none — stop LDN."
        else:
            timing = TIMING_WORDS.get(decision.next_timing or "", "")
            next_text = f"<b>Next dose:</b> {_mg(decision.next_dose_mg)} {escape(timing)}"
        parts = [next_text]
        if not no_plan:
            parts.append(
                "<b>Next review:</b> "
                + (_day(decision.next_review) if decision.next_review is not None else "none")
            )
        if decision.response_review is not None and not no_plan:
            parts.append(f"<b>Response review:</b> {_day(decision.response_review)}")
        if decision.recheck_due is not None and not no_plan:
            parts.append(f"<b>Re-check due:</b> {_day(decision.recheck_due)}")
        self.next_label.setText(" &nbsp;·&nbsp; ".join(parts))
        self._fill_revised(decision.revised_steps)
        self.reasons_heading.setText(f"Reasons ({len(decision.reasons)})")
        _clear(self.reasons_layout)
        for reason in decision.reasons:
            self.reasons_layout.addWidget(self._reason_widget(reason))
        # Without a plan there is nothing to choose between: the clinician fixes the first visit.
        self.choice_box.setVisible(not no_plan)
        self._show_choice(decision)

    def _latest_value(self, field: str) -> Any:
        follow_ups = self.state.get(PATH)
        if isinstance(follow_ups, list) and follow_ups and isinstance(follow_ups[-1], dict):
            return follow_ups[-1].get(field)
        return None

    def _show_override(self, decision: FollowUpDecision) -> None:
        chosen = decision.chosen
        if chosen is None or chosen == decision.computed:
            self.override_note.hide()
            return
        suggested = escape(self._decision_word(decision.computed))
        mine = escape(self._decision_word(chosen))
        reason = escape(
            decision.override_reason or self._latest_value("override_reason") or "no reason given"
        )
        if decision.override_refused:
            text = (
                f"<span style='color:#b00020'><b>Clinician's choice not applied:</b> {mine}"
                f" was refused; the suggested decision ({suggested}) stands.</span> Reason given: {reason}"
            )
        else:
            text = f"<b>Clinician's choice:</b> {mine} instead of the suggested {suggested}. Reason: {reason}"
        self.override_note.setText(text)
        self.override_note.show()

    def _show_cannot_judge(self, decision: FollowUpDecision) -> None:
        self.cannot_judge.setVisible(decision.cannot_judge)
        if not decision.cannot_judge:
            return
        weeks = self.content.rules.number("extend_once_weeks")
        extended = "followup_extend_once" in decision.rule_ids
        when = f" (due {decision.response_review.isoformat()})" if decision.response_review else ""
        text = (
            "<b>CANNOT JUDGE</b> — no rating-scale score with a CGI-I was recorded at or after the"
            f" response review{escape(when)}, so the response rule cannot be applied."
        )
        if extended:
            text += f" The trial is extended once, by {weeks:g} weeks; record a score and CGI-I then."
        else:
            text += f" The plan is to stop; you may instead extend once, by {weeks:g} weeks."
        self.cannot_judge_text.setText(text)
        ticked = self._latest_value("extend_once") is True
        self._syncing = True
        try:
            self.extend_latest.setChecked(ticked)
        finally:
            self._syncing = False
        self.extend_latest.setText(f"Extend once by {weeks:g} weeks instead of stopping")
        self.extend_latest.setVisible(ticked or decision.decision == "stop")
        if ticked and not extended:
            self.cannot_judge_text.setText(
                text + " <b>The one extension has already been used, so it does not apply.</b>"
            )

    def _fill_revised(self, steps: tuple[Step, ...]) -> None:
        table = self.revised
        table.setVisible(bool(steps))
        table.setRowCount(len(steps))
        for row, step in enumerate(steps):
            cells = (
                str(row + 1),
                _day(step.start),
                f"{step.dose_mg:.1f}",
                "—" if step.volume_ml is None else f"{step.volume_ml:.1f}",
            )
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                table.setItem(row, column, item)
        _fit_height(table)

    def _reason_widget(self, reason: DecisionReason) -> QWidget:
        frame = QFrame()
        frame.setObjectName(f"reason:{reason.rule_id}")
        frame.setProperty("reason", reason.severity)
        layout = QVBoxLayout(frame)
        layout.setContentsMargins(10, 2, 4, 2)
        layout.setSpacing(1)
        ink = SEVERITY_INK.get(reason.severity, "#1f5fa8")
        word = SEVERITY_WORD.get(reason.severity, reason.severity.upper())
        text = wrapping_label(
            f"<span style='color:{ink}'><b>{escape(word)}</b></span> <b>{escape(reason.rule_id)}</b>"
            f" — {escape(self._reason_words(reason))}",
            rich=True,
        )
        text.setAccessibleName(f"{reason.severity}: {reason.rule_id}")
        layout.addWidget(text)
        if reason.rule_id == PLAN_NOT_GIVEN:
            blockers = self._plan_blockers()
            if blockers:
                listed = wrapping_label("<br>".join(f"• {escape(words)}" for words in blockers), rich=True)
                listed.setObjectName("followup.plan_blockers")
                layout.addWidget(listed)
        layout.addWidget(self._sources_label(reason.references))
        return frame

    def _sources_label(self, ref_ids: tuple[str, ...]) -> QLabel:
        return sources_label(ref_ids, self.content.rules.references)

    def acceptable_choices(self, decision: FollowUpDecision) -> tuple[str, ...]:
        """The decisions other than the computed one that the rules would accept for the latest
        review, with a reason: each is tried on a copy of the visit (nothing is decided here)."""
        follow_ups = self.state.get(PATH)
        if not isinstance(follow_ups, list) or not follow_ups:
            return ()
        reason = decision.override_reason or TRIAL_REASON
        accepted = []
        for choice in CHOOSABLE:
            if choice == decision.computed:
                continue
            data = self.state.data
            data[PATH][-1] = {**data[PATH][-1], "clinician_decision": choice, "override_reason": reason}
            tried = self.state.decide_draft(data)
            latest = tried.latest if tried is not None else None
            if latest is not None and not latest.override_refused and latest.decision == choice:
                accepted.append(choice)
        return tuple(accepted)

    def _show_choice(self, decision: FollowUpDecision) -> None:
        """Offer only the choices the rules could accept (and a recorded refused one, so the record
        shows); without any, say in one line why. A refused choice can be withdrawn."""
        self.acceptable = self.acceptable_choices(decision)
        refused_choice = decision.chosen if decision.override_refused else None
        listed = [
            choice
            for choice in CHOOSABLE
            if choice in (decision.computed, refused_choice) or choice in self.acceptable
        ]
        self.choice.blockSignals(True)
        try:
            self.choice.clear()
            for choice in listed:
                word = self._decision_word(choice)
                if choice == decision.computed:
                    word += " (suggested)"
                elif choice == refused_choice:
                    word += " (refused)"
                self.choice.addItem(word, choice)
            current = decision.chosen if decision.chosen is not None else decision.computed
            self.choice.setCurrentIndex(max(self.choice.findData(current), 0))
        finally:
            self.choice.blockSignals(False)
        self.choice_reason.setText(str(self._latest_value("override_reason") or ""))
        locked = not self.acceptable
        for widget in (self.choice, self.choice_reason, self.choice_apply):
            widget.setEnabled(not locked)
        self.choice_locked.setVisible(locked)
        self.choice_locked.setText(self._locked_reason(decision) if locked else "")
        self.choice_withdraw.setVisible(refused_choice is not None)
        refusal = next((r for r in decision.reasons if r.rule_id.startswith(OVERRIDE_REFUSED)), None)
        if decision.chosen is None or decision.chosen == decision.computed:
            if locked:
                self._set_status("", "")
            else:
                self._set_status(
                    "The suggested decision stands. To record a different one, choose it (only the"
                    " decisions the rules allow here are listed), give a reason and press Record choice.",
                    "",
                )
        elif decision.override_refused:
            why = self._reason_words(refusal) if refusal is not None else "The computed decision stands."
            self._set_status(
                f"<b>Refused:</b> your choice “{escape(self._decision_word(decision.chosen))}” was not"
                f" applied. {escape(why)} <b>While it stands, the follow-up sheet is not printed:</b>"
                " press <i>Withdraw the refused choice</i> to remove it"
                + (" (or choose another decision)." if not locked else "."),
                ERROR_CSS,
            )
        else:
            self._set_status(
                f"<b>Applied:</b> “{escape(self._decision_word(decision.chosen))}” replaces the suggested"
                f" “{escape(self._decision_word(decision.computed))}”; it is recorded with your reason.",
                "color: #1b6e2a;",
            )

    def _locked_reason(self, decision: FollowUpDecision) -> str:
        """One line: why no other decision may be chosen at this review."""
        if decision.computed == "stop":
            stops = [
                reason.rule_id
                for reason in decision.reasons
                if reason.severity == "stop" and not reason.rule_id.startswith(OVERRIDE_REFUSED)
            ]
            named = f" ({', '.join(stops)})" if stops else ""
            return f"No other decision can be chosen: this stop{named} may not be overridden at this review."
        return "No other decision can be chosen at this review."

    def _set_status(self, html: str, css: str) -> None:
        self.choice_status.setText(html)
        self.choice_status.setStyleSheet(css)

    def _show_score_hint(self, visit: Visit) -> None:
        baseline = visit.diagnosis.baseline
        if baseline is None:
            self.score_hint.setText("No baseline score: the response rule cannot be judged.")
            return
        low, high = SCALE_RANGES[baseline.scale]
        scale = self.content.language.choices.get("scale", {}).get(baseline.scale, baseline.scale)
        self.score_hint.setText(f"{scale}, {low} to {high}; baseline {baseline.score:g}")

    # ---- the clinician's choice --------------------------------------------------------------------

    def apply_choice(self) -> None:
        """Write the chosen decision and its reason into the latest follow-up (or clear them)."""
        decision = self.decision
        follow_ups = copy.deepcopy(self.state.get(PATH))
        if decision is None or not isinstance(follow_ups, list) or not follow_ups:
            return
        latest = follow_ups[-1]
        choice = str(self.choice.currentData())
        reason = self.choice_reason.text().strip()
        if choice == decision.computed:
            latest.pop("clinician_decision", None)
            latest.pop("override_reason", None)
        else:
            if not reason:
                self._set_status(escape(REASON_NEEDED), ERROR_CSS)
                self.choice_reason.setFocus(Qt.FocusReason.OtherFocusReason)
                return
            latest["clinician_decision"] = choice
            latest["override_reason"] = reason
        self.state.set(PATH, follow_ups)
        self.refresh()

    def withdraw_choice(self) -> None:
        """Remove the clinician's decision and reason from the latest review: the computed one stands."""
        follow_ups = copy.deepcopy(self.state.get(PATH))
        if not isinstance(follow_ups, list) or not follow_ups:
            return
        follow_ups[-1].pop("clinician_decision", None)
        follow_ups[-1].pop("override_reason", None)
        self.choice_reason.clear()
        self.state.set(PATH, follow_ups)
        self.refresh()

    def _on_extend_latest(self, ticked: bool) -> None:
        if self._syncing:
            return
        follow_ups = copy.deepcopy(self.state.get(PATH))
        if not isinstance(follow_ups, list) or not follow_ups:
            return
        follow_ups[-1]["extend_once"] = ticked
        self.state.set(PATH, follow_ups)
        self.refresh()

    # ---- a new review -------------------------------------------------------------------------------

    def _prefill(self) -> None:
        """Today (or the planned review date) and the timing now in force; the dose now in force is
        shown as a hint only. Every answer starts not asked."""
        visit, protocol, decision = self.state.visit, self.state.protocol, self.decision
        today = dt.date.today()
        last = visit.follow_ups[-1] if visit is not None and visit.follow_ups else None
        earliest = visit.visit_date if visit is not None else today
        if last is not None:
            earliest = last.date + dt.timedelta(days=1)
        day = today
        if day < earliest:
            planned = None
            if decision is not None:
                planned = decision.next_review
            elif protocol is not None:
                planned = protocol.tolerability_review
            day = planned if planned is not None and planned >= earliest else earliest
        schedule: tuple[Step, ...] = ()
        if decision is not None:
            schedule = decision.revised_steps
        elif protocol is not None:
            schedule = protocol.steps
        # The dose taken is the one in force before the review day (a step starting that day is
        # what the review decides, not what was taken).
        in_force = [step for step in schedule if step.start < day]
        dose = in_force[-1].dose_mg if in_force else (schedule[0].dose_mg if schedule else None)
        self.planned_dose = dose
        timing = (
            (decision.next_timing if decision is not None else None)
            or (last.timing if last is not None else None)
            or (protocol.timing if protocol is not None else None)
            or "bedtime"
        )
        self._syncing = True
        try:
            self.new_date.setDate(_qdate(day))
            self.new_dose.clear()
            self.new_dose.setPlaceholderText(DOSE_PLACEHOLDER if dose is None else f"planned {dose:.1f} mg")
            self.new_timing.setCurrentIndex(max(self.new_timing.findData(timing), 0))
            self.new_missed.setValue(self.new_missed.minimum())
            self.new_days_off.setValue(self.new_days_off.minimum())
            self.new_other_text.clear()
            for combo in (
                self.new_tolerable,
                self.new_cgi_i,
                *self.new_effects.values(),
                *self.new_safety.values(),
            ):
                combo.setCurrentIndex(0)
            self.new_last_opioid.reset(day)
            self.new_score.clear()
            self.new_extend.setChecked(False)
        finally:
            self._syncing = False
        self._refusing = False
        self.new_error.hide()
        self._mark_unanswered(())
        self._form_edited = False
        self._offer_pregnancy()
        self._recheck_form()

    # ---- the form, as the rules read it -------------------------------------------------------------

    def form_missing(self) -> tuple[str, ...]:
        """The answers the follow-up record itself needs that the form leaves empty (as paths)."""
        missing = []
        if not self.new_dose.text().strip():
            missing.append(f"{PATH}.dose_mg")
        if self.new_missed.value() < 0:
            missing.append(f"{PATH}.missed_doses_last_week")
        return tuple(missing)

    def new_entry(self, *, stand_in: bool = False) -> dict[str, Any]:
        """The form as a follow-up dict (values the form itself cannot read raise ValueError).

        With `stand_in`, an empty dose or missed-dose count is stood in for (the planned dose, 0),
        so the rules can say what else is unanswered before they are given; never recorded."""
        dose_text = self.new_dose.text().strip().replace(",", ".")
        dose: Decimal | None = None
        if dose_text:
            try:
                dose = Decimal(dose_text)
            except InvalidOperation:
                raise ValueError(f"{self._question('dose_mg')}: type the dose in mg, such as 3.0.") from None
            if not dose.is_finite():
                raise ValueError(f"{self._question('dose_mg')}: type the dose in mg, such as 3.0.")
        elif stand_in:
            dose = self.planned_dose or Decimal("1")
        score_text = self.new_score.text().strip().replace(",", ".")
        score: float | None = None
        if score_text:
            try:
                score = float(score_text)
            except ValueError:
                raise ValueError(f"{self._question('score')}: type a number, such as 12.") from None
        effects: dict[str, Any] = {name: combo.currentData() for name, combo in self.new_effects.items()}
        other_text = self.new_other_text.text().strip()
        if other_text:
            effects["other_text"] = other_text
        safety: dict[str, Any] = {
            name: combo.currentData() for name, combo in self.new_safety.items() if self._asked(name)
        }
        safety["last_opioid_dose"] = self.new_last_opioid.value()
        missed = self.new_missed.value()
        days_off = self.new_days_off.value()
        entry: dict[str, Any] = {
            "date": self.new_date.date().toString("yyyy-MM-dd"),
            "dose_mg": None if dose is None else str(dose),
            "timing": self.new_timing.currentData(),
            "missed_doses_last_week": missed if missed >= 0 else (0 if stand_in else None),
            "days_without_ldn": None if days_off < 0 else days_off,
            "side_effects": {key: value for key, value in effects.items() if value is not None},
            "tolerable": self.new_tolerable.currentData(),
            "score": score,
            "cgi_i": self.new_cgi_i.currentData(),
            "safety": {key: value for key, value in safety.items() if value is not None},
            "extend_once": self.new_extend.isChecked(),
        }
        return {key: value for key, value in entry.items() if value is not None}

    def _asked(self, name: str) -> bool:
        """Whether a safety item's row is on the form now (conditional ones may be hidden)."""
        return f"safety.{name}" not in self._hidden_rows

    def is_asked(self, field: str) -> bool:
        """Whether the form shows the question for `field` ("safety.pregnancy") now."""
        return field in self.inputs and field not in self._hidden_rows

    def _set_row_visible(self, field: str, visible: bool) -> None:
        if visible == (field not in self._hidden_rows):
            return
        if visible:
            self._hidden_rows.discard(field)
        else:
            self._hidden_rows.add(field)
        self._forms[field].setRowVisible(self._form_rows[field], visible)

    def _draft(self, overrides: dict[str, dict[str, Any]] | None = None) -> FollowUpDecision | None:
        """What the rules would decide for the form's review added to the visit (stand-ins for
        an empty dose or missed-dose count); None when the form or the visit cannot be read."""
        visit = self.state.visit
        if visit is None:
            return None
        try:
            entry = self.new_entry(stand_in=True)
        except ValueError:
            return None
        for section, values in (overrides or {}).items():
            part = {**entry.get(section, {}), **values}
            entry[section] = {key: value for key, value in part.items() if value is not None}
        candidate = self.state.data
        follow_ups = candidate.get(PATH)
        candidate[PATH] = [*(follow_ups if isinstance(follow_ups, list) else []), entry]
        decided = self.state.decide_draft(candidate)
        if decided is None or len(decided.follow_ups) != len(candidate[PATH]):
            return None
        return decided.follow_ups[-1]

    def unanswered(self) -> tuple[str, ...]:
        """Every question the form must still answer before the review is added: what the record
        needs (the dose taken, the missed doses) and what the rules list as not asked, in form order."""
        draft = self._draft()
        return self._in_form_order(
            (*self.form_missing(), *(unanswered_of(draft) if draft is not None else ()))
        )

    def _in_form_order(self, paths: tuple[str, ...]) -> tuple[str, ...]:
        order = {field: index for index, field in enumerate(self.inputs)}
        return tuple(
            sorted(
                paths,
                key=lambda path: order.get(re.sub(r"\[\d+\]", "", path).removeprefix(f"{PATH}."), len(order)),
            )
        )

    def urine_screen_asked(self) -> bool:
        """Whether the rules ask for a new urine opioid screen at this review (a restart after an
        opioid stop, where screening needed one): they name it when it is left unanswered."""
        draft = self._draft({"safety": {URINE_SCREEN: None}})
        path = f"{PATH}.safety.{URINE_SCREEN}"
        return draft is not None and any(path in reason.inputs for reason in draft.reasons)

    def _recheck_form(self) -> None:
        """After each answer: ask for the urine screen only where the rules do, and keep a shown
        refusal's list and red marks in step with what is still unanswered."""
        if not hasattr(self, "footer"):
            return  # still being built
        asked = self.urine_screen_asked()
        if not asked and self.new_urine.currentData() is not None:
            self._syncing = True
            try:
                self.new_urine.setCurrentIndex(0)  # never recorded where it is not asked
            finally:
                self._syncing = False
        self._set_row_visible(f"safety.{URINE_SCREEN}", asked)
        if self._refusing:
            unanswered = self.unanswered()
            self._mark_unanswered(unanswered, focus=False)
            if unanswered:
                self._refuse(self._unanswered_words(unanswered))
            else:
                self._refusing = False
                self.new_error.setText("Every question is answered: press Add review to record it.")
                self.new_error.setStyleSheet(READY_CSS)

    def _offer_pregnancy(self) -> None:
        """Pregnancy is not asked for male sex at birth; elsewhere "not applicable" is offered only
        where the rules accept it (a recorded "no" child-bearing potential at screening)."""
        if not hasattr(self, "new_pregnancy"):
            return
        male = self.state.get("patient.sex_at_birth") == "male"
        accepted = conditions.pregnancy_not_applicable_accepted(self.state)
        combo = self.new_pregnancy
        listed = [combo.itemData(index) for index in range(combo.count())]
        labels = self.content.language.choices["pregnancy"]
        wanted = [
            None,
            *(value for value in labels if value != "unanswered" and (accepted or value != NOT_APPLICABLE)),
        ]
        if listed != wanted:
            current = combo.currentData()
            self._syncing = True
            try:
                combo.clear()
                for value in wanted:
                    combo.addItem(NOT_ASKED if value is None else labels[value], value)
                combo.setCurrentIndex(max(combo.findData(current), 0))
            finally:
                self._syncing = False
        self.pregnancy_hint.setText(
            ""
            if accepted
            else "\u201cNot applicable\u201d is not offered: child-bearing potential was not \u201cno\u201d"
            " at screening."
        )
        self.pregnancy_hint.setVisible(not accepted and not male)
        if male and combo.currentData() is not None:
            self._syncing = True
            try:
                combo.setCurrentIndex(0)
            finally:
                self._syncing = False
        self._set_row_visible("safety.pregnancy", not male)

    def add_review(self) -> bool:
        """Append the form's review to the visit; False (with the reason shown) when it is refused."""
        visit = self.state.visit
        if visit is None:
            return self._refuse("Fix the answers on earlier pages first; the visit is not valid.")
        try:
            self.new_entry()
        except ValueError as exc:
            return self._refuse(self._readable(exc))
        unanswered = self.unanswered()
        self._mark_unanswered(unanswered, focus=True)
        if unanswered:
            # Kept in view beside the button, and brought up to date after each answer.
            self._refusing = True
            return self._refuse(self._unanswered_words(unanswered))
        self._refusing = False
        try:
            follow_up = FollowUp.model_validate(self.new_entry())
        except ValueError as exc:  # ValidationError is a ValueError
            return self._refuse(self._readable(exc))
        day = follow_up.date
        if day < visit.visit_date:
            return self._refuse(
                f"The review date {day.isoformat()} is before the first visit"
                f" ({visit.visit_date.isoformat()})."
            )
        if visit.follow_ups and day <= visit.follow_ups[-1].date:
            return self._refuse(
                f"The review date {day.isoformat()} must come after the last review"
                f" ({visit.follow_ups[-1].date.isoformat()})."
            )
        follow_ups = copy.deepcopy(self.state.get(PATH))
        follow_ups = [
            *(follow_ups if isinstance(follow_ups, list) else []),
            follow_up.model_dump(mode="json", exclude_none=True),
        ]
        candidate = self.state.data
        candidate[PATH] = follow_ups
        try:
            Visit.model_validate(candidate)
        except ValidationError as exc:
            return self._refuse(self._readable(exc))
        # The rules' own list, on the very visit that would be recorded.
        decided = self.state.decide_draft(candidate)
        latest = decided.latest if decided is not None else None
        still = self._in_form_order(unanswered_of(latest)) if latest is not None else ()
        if still:
            self._refusing = True
            self._mark_unanswered(still, focus=True)
            return self._refuse(self._unanswered_words(still))
        self.new_error.hide()
        self.state.set(PATH, follow_ups)
        self.refresh()
        self._prefill()
        QTimer.singleShot(0, lambda: self.scroll_area.ensureWidgetVisible(self.decision_heading, 0, 40))
        return True

    def _unanswered_words(self, paths: tuple[str, ...]) -> str:
        # Questions end in "?": set apart with a middle dot, never "?;" or "?.".
        listed = " \u00b7 ".join(question_text(self.content, path) for path in paths)
        return (
            f"Not added: {len(paths)} question{'s' if len(paths) != 1 else ''} not answered (an unasked"
            f" one is unknown, never \u201cno\u201d, and is outlined in red): {listed}"
        )

    def _mark_unanswered(self, paths: tuple[str, ...], *, focus: bool = False) -> None:
        """Outline the inputs of the questions named in a refusal; clear every other outline. With
        `focus`, the first of them gets the focus (the refusal stays in view below the page)."""
        named = {re.sub(r"\[\d+\]", "", path).removeprefix(f"{PATH}.") for path in paths}
        for field, widget in self.inputs.items():
            css = INVALID_INPUT_CSS if field in named else ""
            if widget.styleSheet() != css:
                widget.setStyleSheet(css)
        first = next((self.inputs[field] for field in self.inputs if field in named), None)
        if focus and first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            self.scroll_area.ensureWidgetVisible(first, 0, 40)

    def _enable_last_opioid(self, *_args: object) -> None:
        """The date of the last opioid dose is asked only after an opioid answer of yes."""
        taken = any(self.new_safety[name].currentData() == "yes" for name in OPIOID_ITEMS)
        self.new_last_opioid.setEnabled(taken)

    def _refuse(self, message: str) -> bool:
        self.new_error.setText(message)
        if self.new_error.styleSheet() != ERROR_CSS:
            self.new_error.setStyleSheet(ERROR_CSS)
        self.new_error.show()
        return False

    def _readable(self, exc: ValueError) -> str:
        """The model's refusal in the form's words: "Dose actually taken (mg): 9 mg is above the cap"."""
        if not isinstance(exc, ValidationError):
            return str(exc)
        messages = []
        for error in exc.errors():
            text = str(error["msg"]).removeprefix("Value error, ").removeprefix(f"{PATH}: ")
            where = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
            about = _ABOUT_ONE.match(text)  # a visit-level check names the follow-up and its field
            if about is not None:
                where, text = about.group(1), about.group(2)
            where = where.removeprefix(f"{PATH}.")
            text = text.removeprefix(f"{where.rsplit('.', 1)[-1]} ") if where else text
            text = text[:1].upper() + text[1:]
            text = text if text.endswith((".", ")")) else text + "."
            messages.append(f"{self._question(where)}: {text}" if where else text)
        return " ".join(messages)
