"""Page 1, Patient and visit: who the patient is and when the visit happens."""

from __future__ import annotations

from decimal import Decimal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ldn_aid.content import ContentBundle
from ldn_aid.content.schema import plain_number
from ldn_aid.domain.visit import Patient
from ldn_aid.rules.engine import weight_out_of_range
from ldn_aid.ui import theme
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState

WEIGHT = "patient.weight_kg"
CONFIRM = "patient.weight_confirmed"
LARGE_PRINT = "patient.handout_large_print"
WEIGHT_CHECK = "weight_check"
# Kilograms in a pound, to show what a pound value typed as kilograms would really be.
KG_PER_LB = Decimal("0.45359237")


class PatientPage(QuestionPage):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__(
            state,
            content,
            "Patient and visit",
            "Who the handout is for, and the details the dose depends on.",
        )
        self.date("visit_date")
        name = self.text("patient.display_name", max_length=200)
        name.edit.setPlaceholderText("Optional, printed on the handout only")
        self.number("patient.age_years", integer=True, unit="years")
        self.number(WEIGHT, integer=False, unit="kg")
        self.choice(
            "patient.sex_at_birth",
            "sex_at_birth",
            allow_unanswered=False,
            default=Patient.model_fields["sex_at_birth"].default,
        )
        self.choice(
            "patient.handout_language",
            "handout_language",
            allow_unanswered=False,
            default=Patient.model_fields["handout_language"].default,
        )
        # The print size is the patient's need, like the language (the handout page writes both).
        if LARGE_PRINT.removeprefix("patient.") in Patient.model_fields:
            self.flag(LARGE_PRINT)
        # Shown when the rules find the weight implausible for the age (a pound value typed as kg).
        # Last on the page and after its explanation, so Tab from the weight never lands on it and
        # it is not ticked by habit: it is read first.
        self.weight_explanation = QLabel()
        self.weight_explanation.setObjectName(f"{CONFIRM}:explanation")
        self.weight_explanation.setWordWrap(True)
        self.weight_explanation.setTextFormat(Qt.TextFormat.PlainText)
        self.weight_explanation.setStyleSheet(theme.NOTE_CSS)
        self.check(CONFIRM, before=self.weight_explanation)
        state.changed.connect(self._explain_weight)
        self._explain_weight()

    def plausible_range(self) -> tuple[str, str] | None:
        """The plausible weight range for the age (low, high kg, as the rules show them) while the
        weight is outside it: the `weight_check` finding's params, or (once confirmed, when the
        finding is gone) the rules' own range."""
        assessment = self.state.assessment
        if assessment is not None:
            for finding in assessment.findings:
                if finding.rule_id == WEIGHT_CHECK:
                    low, high = finding.params.get("low_kg"), finding.params.get("high_kg")
                    if low is not None and high is not None:
                        return low, high
        visit = self.state.visit
        if visit is not None and visit.patient.weight_confirmed:
            found = weight_out_of_range(visit, self.content.rules)
            if found is not None:
                return plain_number(found[0]), plain_number(found[1])
        return None

    def _explain_weight(self) -> None:
        found = self.plausible_range()
        weight, age = self.state.get(WEIGHT), self.state.get("patient.age_years")
        if found is None or not isinstance(weight, int | float):
            self.weight_explanation.setText("")
            return
        low, high = found
        typed = plain_number(Decimal(repr(float(weight))))
        as_pounds = plain_number((Decimal(repr(float(weight))) * KG_PER_LB).quantize(Decimal("0.1")))
        self.weight_explanation.setText(
            f"The weight of {typed} kg is outside the plausible range for age {age}: {low} to {high} kg."
            f" A weight in pounds typed as kilograms is about 2.2 times too high ({typed} lb would be"
            f" {as_pounds} kg). Check how the weight was measured and entered; tick only when it is"
            " right."
        )

    def page_notes(self) -> dict[str, str]:
        found = self.plausible_range()
        if found is None or self.state.get(CONFIRM) is True:
            return {}
        low, high = found
        return {
            WEIGHT: f"Outside the plausible range for the age ({low} to {high} kg): check it, then"
            " confirm it at the end of this page."
        }

    def page_problems(self) -> dict[str, str]:
        # The threshold and the dose come from the cited numbers, so this reason never drifts from
        # the rules; the page only asks for the answer the rules will need.
        rules = self.content.rules
        adult_age = rules.number("adult_age_years")
        age = self.state.get("patient.age_years")
        weight = self.state.get("patient.weight_kg")
        if isinstance(age, int) and age < adult_age and weight is None:
            return {
                "patient.weight_kg": (
                    f"Weight is required under {plain_number(adult_age)}: the dose is "
                    f"{plain_number(rules.number('weight_based_mg_per_kg'))} mg per kg."
                )
            }
        return {}
