"""Page 1, Patient and visit: who the patient is and when the visit happens."""

from __future__ import annotations

from ldn_aid.content import ContentBundle
from ldn_aid.content.schema import plain_number
from ldn_aid.domain.visit import Patient
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState


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
        self.number("patient.weight_kg", integer=False, unit="kg")
        # Shown when the rules find the weight implausible for the age (a pound value typed as kg).
        self.check("patient.weight_confirmed")
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
