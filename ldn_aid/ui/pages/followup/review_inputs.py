"""The inputs of a new follow-up review, laid out in four groups (dose taken, response, side
effects, safety), each answer starting "not asked". Only building and reading: what the answers
mean is the rules' business (`ReviewForm`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ldn_aid.content import ContentBundle
from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS
from ldn_aid.ui.pages.followup.optional_date import OptionalDate
from ldn_aid.ui.widgets.fields import OneStopDateEdit
from ldn_aid.ui.widgets.report import heading, wrapping_label

PATH = "follow_ups"
NOT_ASKED = "— not asked —"
DOSE_PLACEHOLDER = "mg, such as 4.5"
# The safety items answered from a list other than yes/no (their words: these tables in choices.toml).
SAFETY_CHOICES = {"pregnancy": "pregnancy", "urine_opioid_screen": "urine_opioid_screen"}
# Safety answers that asked about an opioid: the date of the last dose is asked after either.
OPIOID_ITEMS = ("opioid_needed_or_taken", "methadone_or_buprenorphine")


def _group(title: str) -> tuple[QGroupBox, QFormLayout]:
    group = QGroupBox(title)
    form = QFormLayout(group)
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.DontWrapRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.ExpandingFieldsGrow)
    form.setLabelAlignment(Qt.AlignmentFlag.AlignLeft)
    form.setContentsMargins(8, 6, 8, 6)
    form.setVerticalSpacing(4)
    return group, form


class ReviewInputs(QWidget):
    """Every input by its field ("dose_mg", "safety.pregnancy") in `inputs`, in screen order."""

    def __init__(self, content: ContentBundle) -> None:
        super().__init__()
        self.content = content
        self.setObjectName("followup.new")
        self.inputs: dict[str, QWidget] = {}
        self._forms: dict[str, QFormLayout] = {}
        self._rows: dict[str, int] = {}
        layout = QVBoxLayout(self)
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
        # Built in screen order (left column, then right), so `inputs` is the Tab order too.
        left.addWidget(self._build_dose())
        left.addWidget(self._build_response())
        right.addWidget(self._build_effects())
        right.addWidget(self._build_safety())
        left.addStretch(1)
        right.addStretch(1)

    def question(self, field: str) -> str:
        question = self.content.language.questions.get(f"{PATH}.{field}")
        return question.text if question is not None else field

    def _build_dose(self) -> QGroupBox:
        group, form = _group("Dose taken")
        # Tab leaves the date in one press; arrows and typing move between its parts.
        self.date = OneStopDateEdit()
        self.date.setCalendarPopup(True)
        self.date.setDisplayFormat("yyyy-MM-dd")
        self._add(form, "date", self.date)
        # Empty until given: the planned dose is only a hint (the decision starts from the dose taken).
        self.dose = QLineEdit()
        self.dose.setMaxLength(10)
        self.dose.setPlaceholderText(DOSE_PLACEHOLDER)
        self.dose.setMaximumWidth(160)
        self._add(form, "dose_mg", self.dose)
        self.timing = QComboBox()
        for value in ("bedtime", "morning"):
            self.timing.addItem(self.content.language.choices["timing"].get(value, value), value)
        self._add(form, "timing", self.timing)
        # -1 shows as "not asked": both are needed (adherence holds the dose; a long break restarts).
        self.missed = QSpinBox()
        self.missed.setRange(-1, 7)
        self.missed.setSpecialValueText(NOT_ASKED)
        self._add(form, "missed_doses_last_week", self.missed)
        self.days_off = QSpinBox()
        self.days_off.setRange(-1, 3650)
        self.days_off.setSpecialValueText(NOT_ASKED)
        self.days_off.setSuffix(" days")
        self._add(form, "days_without_ldn", self.days_off)
        return group

    def _build_response(self) -> QGroupBox:
        group, form = _group("Response")
        self.score = QLineEdit()
        self.score.setMaxLength(10)
        self.score.setPlaceholderText("not recorded")
        self.score.setMaximumWidth(120)
        self.score_hint = wrapping_label()
        self.score_hint.setObjectName("followup.new.score:hint")
        self.score_hint.setProperty("role", "small")
        self._add(form, "score", self.score, beside=self.score_hint)
        self.cgi_i = QComboBox()
        self.cgi_i.addItem("— not recorded —", None)
        for value, anchor in sorted(self.content.language.review.cgi_i.items()):
            self.cgi_i.addItem(f"{value} — {anchor}", value)
        self._add(form, "cgi_i", self.cgi_i)
        self.extend = QCheckBox()
        self._add(form, "extend_once", self.extend)
        return group

    def _build_effects(self) -> QGroupBox:
        group, form = _group("Side effects since the last visit")
        # A severe reaction stops LDN: an unasked grade is unknown, never "none".
        self.effects: dict[str, QComboBox] = {}
        for name in SIDE_EFFECTS:
            combo = self.answer_combo(self.content.language.choices["grade"])
            self._add(form, f"side_effects.{name}", combo)
            self.effects[name] = combo
        self.other_text = QLineEdit()
        self.other_text.setMaxLength(500)
        self._add(form, "side_effects.other_text", self.other_text)
        self.tolerable = self.answer_combo(self.content.language.choices["yes_no"])
        self._add(form, "tolerable", self.tolerable)
        return group

    def _build_safety(self) -> QGroupBox:
        group, form = _group("Safety since the last visit")
        choices = self.content.language.choices
        # Every item starts "not asked"; an unasked item is unknown, never "no".
        self.safety: dict[str, QComboBox] = {}
        for name in SAFETY_ITEMS:
            if name == "last_opioid_dose":
                self.last_opioid = OptionalDate(self.question(f"safety.{name}"))
                self._add(form, f"safety.{name}", self.last_opioid)
                continue
            combo = self.answer_combo(choices.get(SAFETY_CHOICES.get(name, "yes_no"), choices["yes_no"]))
            self._add(form, f"safety.{name}", combo)
            if name == "pregnancy":
                # Why "not applicable" is not offered, where the rules would not accept it: a row of
                # its own under the question (a wrapped line needs the form's whole width).
                self.pregnancy_hint = wrapping_label()
                self.pregnancy_hint.setObjectName("followup.new.safety.pregnancy:hint")
                self.pregnancy_hint.setProperty("role", "small")
                form.addRow(self.pregnancy_hint)
            self.safety[name] = combo
        return group

    def answer_combo(self, labels: dict[str, str]) -> QComboBox:
        combo = QComboBox()
        combo.addItem(NOT_ASKED, None)
        for value, text in labels.items():
            if value != "unanswered":
                combo.addItem(text, value)
        return combo

    def _add(self, form: QFormLayout, field: str, widget: QWidget, beside: QWidget | None = None) -> None:
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
        self._rows[field] = form.rowCount() - 1

    def set_row_visible(self, field: str, visible: bool) -> None:
        self._forms[field].setRowVisible(self._rows[field], visible)

    def tab_chain(self) -> tuple[QWidget, ...]:
        """The focusable widgets in screen order (an optional date: its tick, then its date)."""
        chain: list[QWidget] = []
        for widget in self.inputs.values():
            chain += [widget.known, widget.edit] if isinstance(widget, OptionalDate) else [widget]
        return tuple(chain)
