"""A new follow-up review: the form's answers as a `FollowUp`, refused (with the fields named and
outlined) until the record and the rules have every answer they need.

It asks the rules (`followup_safety_unanswered`, on the visit with the review added) what was not
asked, and keeps that list and its red marks up to date as each one is answered. A conditional
question shows only where the rules ask for it (the urine opioid screen before a restart after an
opioid stop; pregnancy not for male sex at birth, and "not applicable" only with a recorded "no"
child-bearing potential). The checks of the review against its visit are the domain's
(`follow_up_problems`), read by field, never from an error's text.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from typing import Any

from pydantic import ValidationError
from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDateEdit,
    QFrame,
    QHBoxLayout,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from ldn_aid.content import ContentBundle
from ldn_aid.content.schema import plain_number
from ldn_aid.content.words import question_text
from ldn_aid.domain.followup import FollowUp, FollowUpDecision
from ldn_aid.domain.followup_checks import FollowUpProblem, follow_up_problems
from ldn_aid.domain.protocol import Step
from ldn_aid.domain.visit import SCALE_RANGES, Visit
from ldn_aid.ui import theme
from ldn_aid.ui.pages import conditions
from ldn_aid.ui.pages.followup.optional_date import OptionalDate, qdate
from ldn_aid.ui.pages.followup.review_inputs import DOSE_PLACEHOLDER, NOT_ASKED, OPIOID_ITEMS, ReviewInputs
from ldn_aid.ui.present.followup import PATH, URINE_SCREEN, score_hint, unanswered_of
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.report import wrapping_label

NOT_APPLICABLE = "not_applicable"
PREGNANCY_HINT = (
    "\u201cNot applicable\u201d is not offered: child-bearing potential was not \u201cno\u201d at screening."
)


# The form's number fields: (field, example of what to type) for `_number`.
NUMBER_FIELDS = {
    "dose_mg": ("dose_mg", "the dose in mg, such as 3.0"),
    "score": ("score", "a number, such as 12"),
}


def _field(path: str) -> str:
    """ "follow_ups[2].safety.pregnancy" -> "safety.pregnancy"."""
    return re.sub(r"\[\d+\]", "", path).removeprefix(f"{PATH}.")


# The most lines of a refusal shown below the form at once (the rest scroll): a long list of
# unanswered questions squeezed the form to a sliver at 1280x720.
REFUSAL_LINES_AT_MOST = 4


class ReviewForm(QWidget):
    """The inputs (in the page's scroll area) and `footer` (Add review and why it was refused,
    kept below the scroll area by the page, so the refusal stays beside the button)."""

    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__()
        self.state = state
        self.content = content
        self.syncing = False
        self.edited = False
        # After a refusal for unanswered questions, the refusal and its red marks follow each answer.
        self.refusing = False
        self.hidden_rows: set[str] = set()
        self.planned_dose: Decimal | None = None
        self.scroll_area: QScrollArea | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.fields = ReviewInputs(content)
        layout.addWidget(self.fields)
        self.inputs = self.fields.inputs
        self.footer = self._build_footer()
        for widget in self.inputs.values():
            self._watch(widget)
        for name in OPIOID_ITEMS:
            self.fields.safety[name].currentIndexChanged.connect(self._enable_last_opioid)
        self._enable_last_opioid()

    def _build_footer(self) -> QFrame:
        footer = QFrame()
        footer.setObjectName("followup.new.footer")
        footer.setFrameShape(QFrame.Shape.StyledPanel)
        row = QHBoxLayout(footer)
        row.setContentsMargins(6, 4, 6, 4)
        self.add_button = QPushButton("&Add review")
        self.add_button.setObjectName("followup.add")
        self.add_button.setAutoDefault(False)
        self.add_button.setToolTip("Record this review in the visit and show its decision")
        self.add_button.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        row.addWidget(self.add_button, 0, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.error = wrapping_label()
        self.error.setObjectName("followup.new.error")
        self.error.setStyleSheet(theme.ERROR_CSS)
        self.error.hide()
        self.error_area = QScrollArea()
        self.error_area.setObjectName("followup.new.error_area")
        self.error_area.setWidget(self.error)
        self.error_area.setWidgetResizable(True)
        self.error_area.setFrameShape(QFrame.Shape.NoFrame)
        self.error_area.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.error_area.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.error_area.viewport().setAutoFillBackground(False)
        self.error_area.setMaximumHeight(self.error.fontMetrics().lineSpacing() * REFUSAL_LINES_AT_MOST + 8)
        self.error_area.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Maximum)
        self.error_area.hide()
        row.addWidget(self.error_area, 1)
        return footer

    def _watch(self, widget: QWidget) -> None:
        """Every change of an answer rechecks the form."""
        if isinstance(widget, OptionalDate):
            widget.known.toggled.connect(self._on_edited)
            widget.edit.dateChanged.connect(self._on_edited)
        elif isinstance(widget, QDateEdit):
            widget.dateChanged.connect(self._on_edited)
        elif isinstance(widget, QLineEdit):
            widget.textChanged.connect(self._on_edited)
        elif isinstance(widget, QComboBox):
            widget.currentIndexChanged.connect(self._on_edited)
        elif isinstance(widget, QSpinBox):
            widget.valueChanged.connect(self._on_edited)
        elif isinstance(widget, QCheckBox):
            widget.toggled.connect(self._on_edited)

    def _on_edited(self, *_args: object) -> None:
        if not self.syncing:
            self.edited = True
            self.recheck()

    # ---- filling ------------------------------------------------------------------------------------

    def prefill(self, decision: FollowUpDecision | None) -> None:
        """Today (or the planned review date) and the timing now in force; the dose now in force is
        shown as a hint only. Every answer starts not asked."""
        visit, protocol = self.state.visit, self.state.protocol
        today = dt.date.today()
        last = visit.follow_ups[-1] if visit is not None and visit.follow_ups else None
        earliest = visit.visit_date if visit is not None else today
        if last is not None:
            earliest = last.date + dt.timedelta(days=1)
        day = today
        if day < earliest:
            planned = decision.next_review if decision is not None else None
            if decision is None and protocol is not None:
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
        self._clear(day, dose, timing)

    def _clear(self, day: dt.date, dose: Decimal | None, timing: str) -> None:
        fields = self.fields
        self.syncing = True
        try:
            fields.date.setDate(qdate(day))
            fields.dose.clear()
            fields.dose.setPlaceholderText(
                DOSE_PLACEHOLDER if dose is None else f"planned {plain_number(dose)} mg"
            )
            fields.timing.setCurrentIndex(max(fields.timing.findData(timing), 0))
            fields.missed.setValue(fields.missed.minimum())
            fields.days_off.setValue(fields.days_off.minimum())
            fields.other_text.clear()
            for combo in (fields.tolerable, fields.cgi_i, *fields.effects.values(), *fields.safety.values()):
                combo.setCurrentIndex(0)
            fields.last_opioid.reset(day)
            fields.score.clear()
            fields.extend.setChecked(False)
        finally:
            self.syncing = False
        self.refusing = False
        self.error.hide()
        self.error_area.hide()
        self.mark_unanswered(())
        self.edited = False
        self.follow_visit()

    def fill(self, follow_up: FollowUp) -> None:
        """Put a removed review back on the form, so Add review records it again unchanged."""
        fields = self.fields

        def pick(combo: QComboBox, value: object) -> None:
            combo.setCurrentIndex(max(combo.findData(value), 0))

        self.syncing = True
        try:
            fields.date.setDate(qdate(follow_up.date))
            fields.dose.setText(f"{follow_up.dose_mg}")
            pick(fields.timing, follow_up.timing)
            fields.missed.setValue(follow_up.missed_doses_last_week)
            days_off = follow_up.days_without_ldn
            fields.days_off.setValue(fields.days_off.minimum() if days_off is None else days_off)
            for name, grade in follow_up.side_effects.graded().items():
                pick(fields.effects[name], grade)
            fields.other_text.setText(follow_up.side_effects.other_text or "")
            pick(fields.tolerable, follow_up.tolerable)
            fields.score.setText("" if follow_up.score is None else f"{follow_up.score:g}")
            pick(fields.cgi_i, follow_up.cgi_i)
            fields.extend.setChecked(follow_up.extend_once)
            for name, combo in fields.safety.items():
                pick(combo, getattr(follow_up.safety, name))
            last_dose = follow_up.safety.last_opioid_dose
            fields.last_opioid.known.setChecked(last_dose is not None)
            if last_dose is not None:
                fields.last_opioid.edit.setDate(qdate(last_dose))
        finally:
            self.syncing = False
        self._enable_last_opioid()
        self.edited = True
        self.follow_visit()

    def follow_visit(self) -> None:
        """The visit behind the form changed: what it asks may have changed too."""
        visit = self.state.visit
        if visit is not None:
            self.fields.score_hint.setText(score_hint(self.content, visit))
        self._offer_pregnancy()
        self.recheck()

    # ---- the form, as the rules read it -------------------------------------------------------------

    def form_missing(self) -> tuple[str, ...]:
        """The answers the follow-up record itself needs that the form leaves empty (as paths)."""
        missing = []
        if not self.fields.dose.text().strip():
            missing.append(f"{PATH}.dose_mg")
        if self.fields.missed.value() < 0:
            missing.append(f"{PATH}.missed_doses_last_week")
        return tuple(missing)

    def _mistyped(self) -> tuple[str, str] | None:
        """The first number field the form cannot read, with what to type; None when all read."""
        for field, (name, example) in NUMBER_FIELDS.items():
            edit = self.fields.dose if field == "dose_mg" else self.fields.score
            try:
                self._number(edit.text(), name, example)
            except ValueError as exc:
                return field, str(exc)
        return None

    def _number(self, text: str, field: str, example: str) -> float | None:
        """The number typed, as the visit file holds it (a JSON number: code review F4); a float
        carries every tenth exactly, and the model checks the range."""
        text = text.strip().replace(",", ".")
        if not text:
            return None
        try:
            value = Decimal(text)
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite():
            raise ValueError(f"{self.fields.question(field)}: type {example}.")
        return float(value)

    def entry(self, *, stand_in: bool = False) -> dict[str, Any]:
        """The form as a follow-up dict (values the form itself cannot read raise ValueError).

        With `stand_in`, an empty or mistyped dose, an empty missed-dose count and a mistyped score
        are stood in for (the planned dose, 0, none), so the rules can say what else is unanswered
        before they are given; never recorded."""
        fields = self.fields
        mistyped = self._mistyped() if stand_in else None
        typo = mistyped[0] if mistyped is not None else None
        dose = None if typo == "dose_mg" else self._number(fields.dose.text(), *NUMBER_FIELDS["dose_mg"])
        if dose is None and stand_in:
            dose = float(self.planned_dose or Decimal("1"))
        # A mistyped score is stood in for by none, so the rules can still list what is unanswered.
        score = None if typo == "score" else self._number(fields.score.text(), *NUMBER_FIELDS["score"])
        effects: dict[str, Any] = {name: combo.currentData() for name, combo in fields.effects.items()}
        effects["other_text"] = fields.other_text.text().strip() or None
        safety: dict[str, Any] = {
            name: combo.currentData()
            for name, combo in fields.safety.items()
            if self.is_asked(f"safety.{name}")
        }
        safety["last_opioid_dose"] = fields.last_opioid.value()
        missed, days_off = fields.missed.value(), fields.days_off.value()
        entry: dict[str, Any] = {
            "date": fields.date.date().toString("yyyy-MM-dd"),
            "dose_mg": dose,
            "timing": fields.timing.currentData(),
            "missed_doses_last_week": missed if missed >= 0 else (0 if stand_in else None),
            "days_without_ldn": None if days_off < 0 else days_off,
            "side_effects": {key: value for key, value in effects.items() if value is not None},
            "tolerable": fields.tolerable.currentData(),
            "score": score,
            "cgi_i": fields.cgi_i.currentData(),
            "safety": {key: value for key, value in safety.items() if value is not None},
            "extend_once": fields.extend.isChecked(),
        }
        return {key: value for key, value in entry.items() if value is not None}

    def is_asked(self, field: str) -> bool:
        """Whether the form shows the question for `field` ("safety.pregnancy") now."""
        return field in self.inputs and field not in self.hidden_rows

    def _set_row_visible(self, field: str, visible: bool) -> None:
        if visible == (field not in self.hidden_rows):
            return
        if visible:
            self.hidden_rows.discard(field)
        else:
            self.hidden_rows.add(field)
        self.fields.set_row_visible(field, visible)

    def _with_review(self, entry: dict[str, Any]) -> dict[str, Any]:
        """The visit's data with `entry` added as its latest review."""
        candidate = self.state.data
        follow_ups = candidate.get(PATH)
        candidate[PATH] = [*(follow_ups if isinstance(follow_ups, list) else []), entry]
        return candidate

    def draft(self, safety: dict[str, Any] | None = None) -> FollowUpDecision | None:
        """What the rules would decide for the form's review added to the visit (stand-ins for an
        empty dose or missed-dose count); None when the form or the visit cannot be read."""
        if self.state.visit is None:
            return None
        try:
            entry = self.entry(stand_in=True)
        except ValueError:
            return None
        if safety:
            part = {**entry.get("safety", {}), **safety}
            entry["safety"] = {key: value for key, value in part.items() if value is not None}
        candidate = self._with_review(entry)
        decided = self.state.decide_draft(candidate)
        if decided is None or len(decided.follow_ups) != len(candidate[PATH]):
            return None
        return decided.follow_ups[-1]

    def unanswered(self) -> tuple[str, ...]:
        """Every question the form must still answer before the review is added: what the record
        needs (the dose taken, the missed doses) and what the rules list as not asked, in form order."""
        draft = self.draft()
        return self._in_form_order(
            (*self.form_missing(), *(unanswered_of(draft) if draft is not None else ()))
        )

    def _in_form_order(self, paths: tuple[str, ...]) -> tuple[str, ...]:
        order = {field: index for index, field in enumerate(self.inputs)}
        return tuple(sorted(paths, key=lambda path: order.get(_field(path), len(order))))

    def urine_screen_asked(self) -> bool:
        """Whether the rules ask for a new urine opioid screen at this review (a restart after an
        opioid stop, where screening needed one): they name it when it is left unanswered."""
        draft = self.draft({URINE_SCREEN: None})
        path = f"{PATH}.safety.{URINE_SCREEN}"
        return draft is not None and any(path in reason.inputs for reason in draft.reasons)

    def recheck(self) -> None:
        """After each answer: ask for the urine screen only where the rules do, and keep a shown
        refusal's list and red marks in step with what is still unanswered."""
        asked = self.urine_screen_asked()
        urine = self.fields.safety[URINE_SCREEN]
        if not asked and urine.currentData() is not None:
            self._set_quietly(urine, 0)  # never recorded where it is not asked
        self._set_row_visible(f"safety.{URINE_SCREEN}", asked)
        if not self.refusing and not self.error.isVisibleTo(self):
            return  # nothing said yet: the form speaks once Add review was pressed
        unanswered = self.unanswered()
        mistyped = self._mistyped()
        self.mark_unanswered((*unanswered, f"{PATH}.{mistyped[0]}") if mistyped else unanswered)
        if mistyped is not None:
            # A typo (a score of "n") is not "every question answered": say what to fix, and what
            # else is still unanswered.
            rest = f" {self._unanswered_words(unanswered)}" if unanswered else ""
            self.refuse(mistyped[1] + rest)
        elif unanswered:
            self.refuse(self._unanswered_words(unanswered))
        else:
            self.refusing = False
            self.error.setText("Every question is answered: press Add review to record it.")
            self.error.setStyleSheet(theme.READY_CSS)

    def _set_quietly(self, combo: Any, index: int) -> None:
        self.syncing = True
        try:
            combo.setCurrentIndex(index)
        finally:
            self.syncing = False

    def _offer_pregnancy(self) -> None:
        """Pregnancy is not asked for male sex at birth; elsewhere "not applicable" is offered only
        where the rules accept it (a recorded "no" child-bearing potential at screening)."""
        male = self.state.get("patient.sex_at_birth") == "male"
        accepted = conditions.pregnancy_not_applicable_accepted(self.state)
        combo = self.fields.safety["pregnancy"]
        labels = self.content.language.choices["pregnancy"]
        wanted = [
            None,
            *(value for value in labels if value != "unanswered" and (accepted or value != NOT_APPLICABLE)),
        ]
        if [combo.itemData(index) for index in range(combo.count())] != wanted:
            current = combo.currentData()
            self.syncing = True
            try:
                combo.clear()
                for value in wanted:
                    combo.addItem(NOT_ASKED if value is None else labels[value], value)
                combo.setCurrentIndex(max(combo.findData(current), 0))
            finally:
                self.syncing = False
        self.fields.pregnancy_hint.setText("" if accepted else PREGNANCY_HINT)
        self.fields.pregnancy_hint.setVisible(not accepted and not male)
        if male and combo.currentData() is not None:
            self._set_quietly(combo, 0)
        self._set_row_visible("safety.pregnancy", not male)

    def _enable_last_opioid(self, *_args: object) -> None:
        """The date of the last opioid dose is asked only after an opioid answer of yes."""
        taken = any(self.fields.safety[name].currentData() == "yes" for name in OPIOID_ITEMS)
        self.fields.last_opioid.setEnabled(taken)

    # ---- adding -------------------------------------------------------------------------------------

    def checked_review(self) -> FollowUp | None:
        """The form's review when it may be added to the visit; None (with the reason shown, the
        fields named outlined and the first of them focused) when it is refused."""
        visit = self.state.visit
        if visit is None:
            return self._refused("Fix the answers on earlier pages first; the visit is not valid.")
        mistyped = self._mistyped()
        unanswered = self.unanswered()
        if mistyped is not None:
            self.mark_unanswered((f"{PATH}.{mistyped[0]}", *unanswered), focus=True)
            self.refusing = True  # kept up to date after each answer, as for unanswered questions
            rest = f" {self._unanswered_words(unanswered)}" if unanswered else ""
            return self._refused(mistyped[1] + rest)
        if self._refused_unanswered(unanswered):
            return None
        try:
            follow_up = FollowUp.model_validate(self.entry())
        except ValidationError as exc:
            return self._refused(self._readable(exc))
        problems = follow_up_problems(visit, follow_up)
        if problems:
            return self._refused(
                " ".join(self._problem_words(visit, problem, follow_up) for problem in problems)
            )
        # The rules' own list, on the very visit that would be recorded.
        decided = self.state.decide_draft(
            self._with_review(follow_up.model_dump(mode="json", exclude_none=True))
        )
        latest = decided.latest if decided is not None else None
        if self._refused_unanswered(self._in_form_order(unanswered_of(latest)) if latest is not None else ()):
            return None
        self.error.hide()
        self.error_area.hide()
        return follow_up

    def _refused_unanswered(self, unanswered: tuple[str, ...]) -> bool:
        self.mark_unanswered(unanswered, focus=True)
        # Kept in view beside the button, and brought up to date after each answer.
        self.refusing = bool(unanswered)
        if unanswered:
            self.refuse(self._unanswered_words(unanswered))
        return bool(unanswered)

    def _refused(self, message: str) -> FollowUp | None:
        """Show why the review is refused; always None (no review to add)."""
        self.refuse(message)
        return None

    def _unanswered_words(self, paths: tuple[str, ...]) -> str:
        # Questions end in "?": set apart with a middle dot, never "?;" or "?.".
        listed = " \u00b7 ".join(question_text(self.content, path) for path in paths)
        safety = any(_field(path).startswith("safety.") for path in paths)
        return (
            ("Safety not checked. " if safety else "")
            + f"Not added: {len(paths)} question{'s' if len(paths) != 1 else ''} not answered (an unasked"
            f" one is unknown, never \u201cno\u201d; each is outlined in red, the cursor on the first):"
            f" {listed}"
        )

    def _problem_words(self, visit: Visit, problem: FollowUpProblem, follow_up: FollowUp) -> str:
        if problem.code == "before_visit":
            return f"The review date {follow_up.date} is before the first visit ({visit.visit_date})."
        if problem.code == "not_after_previous":
            last = visit.follow_ups[-1].date
            return f"The review date {follow_up.date} must come after the last review ({last})."
        baseline = visit.diagnosis.baseline
        low, high = SCALE_RANGES[baseline.scale] if baseline is not None else (0, 0)
        return (
            f"{self.fields.question('.'.join(problem.loc))}: {follow_up.score:g} is outside the baseline"
            f" scale's range, {low} to {high}."
        )

    def mark_unanswered(self, paths: tuple[str, ...], *, focus: bool = False) -> None:
        """Outline the inputs of the questions named in a refusal; clear every other outline. With
        `focus`, the first of them gets the focus (the refusal stays in view below the page)."""
        named = {_field(path) for path in paths}
        for field, widget in self.inputs.items():
            css = theme.INVALID_INPUT_CSS if field in named else ""
            if widget.styleSheet() != css:
                widget.setStyleSheet(css)
        first = next((self.inputs[field] for field in self.inputs if field in named), None)
        if focus and first is not None:
            first.setFocus(Qt.FocusReason.OtherFocusReason)
            if self.scroll_area is not None:
                self.scroll_area.ensureWidgetVisible(first, 0, 40)

    def refuse(self, message: str) -> bool:
        self.error.setText(message)
        if self.error.styleSheet() != theme.ERROR_CSS:
            self.error.setStyleSheet(theme.ERROR_CSS)
        self.error.show()
        self.error_area.show()
        return False

    def _readable(self, exc: ValidationError) -> str:
        """The model's refusal by field, in the form's words ("Dose actually taken (mg): ... cap")."""
        messages = []
        for error in exc.errors():
            where = ".".join(str(part) for part in error["loc"] if not isinstance(part, int))
            text = str(error["msg"]).removeprefix("Value error, ")
            text = text.removeprefix(f"{where.rsplit('.', 1)[-1]} ") if where else text
            text = text[:1].upper() + text[1:]
            text = text if text.endswith((".", ")")) else text + "."
            messages.append(f"{self.fields.question(where)}: {text}" if where else text)
        return " ".join(messages)

    def first_unanswered(self) -> QWidget | None:
        """The input of the first question still unanswered (the dose taken, on a fresh form)."""
        named = {_field(path) for path in self.unanswered()}
        return next(
            (widget for field, widget in self.inputs.items() if field in named and widget.isEnabled()), None
        )
