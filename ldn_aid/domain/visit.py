"""The visit file: the public, versioned contract (`ldn-aid.visit/1`).

Every field name and value here is part of the file format other tools depend on. `None` means
"not yet answered" and is never read as "no".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ldn_aid.domain.followup import FollowUp
from ldn_aid.domain.values import MAX_DOSE_MG as MAX_DOSE_MG
from ldn_aid.domain.values import Answer as Answer
from ldn_aid.domain.values import Pregnancy as Pregnancy
from ldn_aid.domain.values import YesNo as YesNo

VISIT_FORMAT: Literal["ldn-aid.visit/1"] = "ldn-aid.visit/1"

TrialOutcome = Literal["not_tried", "helped", "partial", "no_benefit", "side_effects"]
Scale = Literal[
    "asrs_v1_1_part_a",
    "vanderbilt_parent",
    "vanderbilt_teacher",
    "snap_iv_26",
    "adhd_rs_5",
    "aisrs",
    "cgi_s",
]
Priority = Literal[
    "strong_evidence",
    "fast_effect",
    "few_side_effects",
    "not_controlled",
    "once_daily",
    "low_cost",
    "protect_sleep",
    "protect_appetite",
]

# Lowest and highest possible total score of each scale, from its item count and item range:
# ASRS v1.1 Part A 6 items x 0-4 [ASRS]; Vanderbilt 18 symptom items x 0-3 [VAN-SCR];
# SNAP-IV 26 items x 0-3 [PSYP]; ADHD-RS-5 18 items x 0-3 [GUIL]; AISRS 18 items x 0-3 [CT1];
# CGI-S 1-7 [NIDA-CGI].
SCALE_RANGES: dict[str, tuple[int, int]] = {
    "asrs_v1_1_part_a": (0, 24),
    "vanderbilt_parent": (0, 54),
    "vanderbilt_teacher": (0, 54),
    "snap_iv_26": (0, 78),
    "adhd_rs_5": (0, 54),
    "aisrs": (0, 54),
    "cgi_s": (1, 7),
}


class _Record(BaseModel):
    """A closed, immutable part of the visit: unknown keys are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Record):
    display_name: Annotated[str, Field(max_length=10_000)] | None = None
    age_years: Annotated[int, Field(ge=0, le=120, strict=True)] | None = None
    weight_kg: Annotated[float, Field(ge=2, le=350, allow_inf_nan=False)] | None = None
    sex_at_birth: Literal["female", "male", "intersex", "not_stated"] = "not_stated"
    handout_language: Literal["en", "es"] = "en"


class Baseline(_Record):
    scale: Scale
    score: Annotated[float, Field(allow_inf_nan=False)]
    date: dt.date

    @model_validator(mode="after")
    def _score_within_scale(self) -> Baseline:
        low, high = SCALE_RANGES[self.scale]
        if not low <= self.score <= high:
            raise ValueError(f"score {self.score:g} is outside {self.scale}'s range {low}-{high}")
        return self


class Diagnosis(_Record):
    adhd_confirmed: Literal["yes", "no", "unsure"] | None = None
    presentation: Literal["combined", "inattentive", "hyperactive_impulsive", "unspecified"] = "unspecified"
    baseline: Baseline | None = None


class History(_Record):
    methylphenidate: TrialOutcome = "not_tried"
    amphetamine: TrialOutcome = "not_tried"
    non_stimulant: TrialOutcome = "not_tried"
    behavioural_support: Literal["not_tried", "tried", "ongoing"] = "not_tried"


class LdnScreen(_Record):
    current_opioid_use: Answer = None
    opioid_agonist_treatment: Answer = None
    opioid_use_last_10_days: Answer = None
    past_opioid_use_disorder: Answer = None
    planned_surgery: Answer = None
    acute_hepatitis_or_liver_failure: Answer = None
    chronic_liver_disease: Answer = None
    severe_kidney_disease: Answer = None
    naltrexone_allergy: Answer = None
    thioridazine: Answer = None
    disulfiram: Answer = None
    sleep_problems: Answer = None
    pregnancy: Pregnancy | None = None


class StimulantScreen(_Record):
    maoi_last_14_days: Answer = None
    heart_disease_or_family_sudden_death: Answer = None
    high_blood_pressure: Answer = None
    glaucoma: Answer = None
    overactive_thyroid: Answer = None
    psychosis_or_bipolar: Answer = None
    tics_or_tourette: Answer = None
    substance_misuse_history: Answer = None
    severe_anxiety: Answer = None
    eating_disorder_or_underweight: Answer = None
    seizures: Answer = None


class Preferences(_Record):
    priorities: Annotated[tuple[Priority, ...], Field(max_length=3)] = ()
    declines_stimulants: Answer = None
    declines_non_stimulants: Answer = None

    @field_validator("priorities")
    @classmethod
    def _no_repeats(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        if len(set(value)) != len(value):
            raise ValueError("each priority may be chosen once")
        return value


class Plan(_Record):
    """The clinician's choices for the starting protocol; every value has a safe default."""

    start_date: dt.date | None = None
    schedule: Literal["standard", "gentle"] = "standard"
    timing: Literal["auto", "bedtime", "morning"] = "auto"
    step_weeks: Annotated[int, Field(ge=1, le=4, strict=True)] = 2
    target_mg: Decimal | None = None
    change_reason: Annotated[str, Field(max_length=2_000)] | None = None
    # The clinician's tick that guideline medicines were discussed (needed to print a plan when the
    # outcome is guideline_first); kept so the chart note can show it.
    guideline_options_discussed: bool = False

    @field_validator("target_mg", mode="before")
    @classmethod
    def _exact_decimal(cls, value: object) -> object:
        # JSON numbers arrive as floats; going through str keeps 4.5 as exactly 4.5.
        if isinstance(value, float):
            return Decimal(repr(value))
        if isinstance(value, bool):
            raise ValueError("target_mg must be a number of mg")
        return value

    @field_validator("target_mg")
    @classmethod
    def _target_within_cap(cls, value: Decimal | None) -> Decimal | None:
        if value is None:
            return None
        if not value.is_finite() or value <= 0:
            raise ValueError("target_mg must be a positive number of mg")
        if value > MAX_DOSE_MG:
            raise ValueError(
                f"target_mg {value} mg is above the {MAX_DOSE_MG} mg cap; a target may only be lowered"
            )
        if value != value.quantize(Decimal("0.1")):
            raise ValueError("target_mg must be a whole number of tenths of a mg (for example 3.5)")
        return value.quantize(Decimal("0.1"))


class Visit(_Record):
    """One appointment: who, what was answered, and the clinician's plan choices."""

    format: Literal["ldn-aid.visit/1"] = VISIT_FORMAT
    visit_date: dt.date
    patient: Patient = Patient()
    diagnosis: Diagnosis = Diagnosis()
    history: History = History()
    ldn_screen: LdnScreen = LdnScreen()
    stimulant_screen: StimulantScreen = StimulantScreen()
    preferences: Preferences = Preferences()
    plan: Plan | None = None
    # Reviews after the start, oldest first. Added within ldn-aid.visit/1: files without it load unchanged.
    follow_ups: tuple[FollowUp, ...] = ()

    @model_validator(mode="after")
    def _follow_ups_in_order(self) -> Visit:
        previous = None
        for index, follow_up in enumerate(self.follow_ups):
            where = f"follow_ups[{index}]"
            if follow_up.date < self.visit_date:
                raise ValueError(
                    f"follow_ups: {where} date {follow_up.date} is before visit_date {self.visit_date}"
                )
            if previous is not None and follow_up.date <= previous:
                raise ValueError(
                    f"follow_ups: {where} date {follow_up.date} must come after the one before ({previous});"
                    " follow-ups are listed oldest first, one per date"
                )
            previous = follow_up.date
            self._check_score(follow_up.score, where)
        return self

    def _check_score(self, score: float | None, where: str) -> None:
        baseline = self.diagnosis.baseline
        if score is None or baseline is None:
            return
        low, high = SCALE_RANGES[baseline.scale]
        if not low <= score <= high:
            raise ValueError(
                f"follow_ups: {where} score {score:g} is outside the baseline scale {baseline.scale}'s"
                f" range {low}-{high}"
            )

    @property
    def effective_plan(self) -> Plan:
        return self.plan if self.plan is not None else Plan()

    @property
    def start_date(self) -> dt.date:
        plan = self.effective_plan
        return plan.start_date if plan.start_date is not None else self.visit_date


LDN_SCREEN_FIELDS: tuple[str, ...] = tuple(LdnScreen.model_fields)
STIMULANT_SCREEN_FIELDS: tuple[str, ...] = tuple(StimulantScreen.model_fields)
PRIORITIES: tuple[str, ...] = get_args(Priority)
