"""A starting protocol: the dated dose steps, the reviews and the rule they came from."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict

from ldn_aid.domain.values import ExactNumber

Formulation = Literal["capsule", "liquid_1mg_per_ml"]
Timing = Literal["bedtime", "morning"]


class _Value(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Step(_Value):
    start: dt.date
    dose_mg: ExactNumber
    volume_ml: ExactNumber | None


class ResponseRule(_Value):
    """The predefined test of "working", fixed before the first dose."""

    min_fall_percent: int
    max_cgi_i: int
    references: tuple[str, ...]


class Protocol(_Value):
    """A suggested starting schedule. It is a suggestion for the clinician, never an ADHD-derived dose."""

    formulation: Formulation
    timing: Timing
    timing_reason: Literal["clinician_choice", "sleep_problems", "default_bedtime"]
    target_mg: ExactNumber
    target_basis: Literal["adult_fixed", "weight_based", "clinician_lower"]
    schedule: Literal["standard", "gentle"]
    step_weeks: int
    steps: tuple[Step, ...]
    tolerability_review: dt.date
    response_review: dt.date
    response_rule: ResponseRule
    guideline_options_first: bool
    references: tuple[str, ...]
    # The highest dose this patient may ever take: the adult target, or 0.1 mg/kg, within the cap.
    ceiling_mg: ExactNumber
    # A clinician target above `ceiling_mg`, kept so the refusal can name both; never used as a dose.
    refused_target_mg: ExactNumber | None = None
    # Under 18 without a specialist sign-off: the last day the trial may run (`paediatric_max_trial_weeks`).
    trial_ends: dt.date | None = None

    @property
    def start_date(self) -> dt.date:
        return self.steps[0].start
