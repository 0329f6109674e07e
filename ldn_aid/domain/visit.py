"""The visit file: the public, versioned contract (`ldn-aid.visit/1`).

Every field name and value here is part of the file format other tools depend on. `None` means
"not yet answered" and is never read as "no".
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from ldn_aid.domain.followup import SIDE_EFFECTS, FollowUp
from ldn_aid.domain.followup_checks import follow_up_problems
from ldn_aid.domain.values import MAX_DOSE_MG as MAX_DOSE_MG
from ldn_aid.domain.values import Answer as Answer
from ldn_aid.domain.values import ExactNumber, FileDate
from ldn_aid.domain.values import Pregnancy as Pregnancy
from ldn_aid.domain.values import UrineOpioidScreen as UrineOpioidScreen
from ldn_aid.domain.values import YesNo as YesNo

VISIT_FORMAT: Literal["ldn-aid.visit/2"] = "ldn-aid.visit/2"
# Older formats this version reads, migrating them on load (see `migrate_visit_data`).
OLDER_FORMATS: tuple[str, ...] = ("ldn-aid.visit/1",)

TrialOutcome = Literal["not_tried", "helped", "partial", "no_benefit", "side_effects"]
Scale = Literal[
    "asrs_v1_1_part_a",
    "vanderbilt_parent",
    "vanderbilt_teacher",
    "snap_iv_26",
    "adhd_rs_5",
    "aisrs",
    "snap_iv_18",
    "cgi_s",
]
# The scales whose total can carry the response rule's percentage fall: 18 ADHD symptom items each
# [ROY25][BMCP13]. CGI-S (an ordinal 1-7 rating), the 6-item ASRS Part A screener and the SNAP-IV 26
# total (which includes 8 ODD items) stay recordable but cannot judge a response (clinical audit C-2).
RESPONSE_SCALES: tuple[str, ...] = (
    "adhd_rs_5",
    "aisrs",
    "vanderbilt_parent",
    "vanderbilt_teacher",
    "snap_iv_18",
)
# Guideline medicine classes, each counted on its own (NICE NG87, AAP 2019): two stimulant classes
# and three non-stimulant ones.
STIMULANT_CLASSES: tuple[str, ...] = ("methylphenidate", "amphetamine")
NON_STIMULANT_CLASSES: tuple[str, ...] = ("atomoxetine", "alpha2_agonist", "viloxazine")
MEDICINE_CLASSES: tuple[str, ...] = (*STIMULANT_CLASSES, *NON_STIMULANT_CLASSES)
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
# SNAP-IV 18 ADHD items x 0-3 [PSYP]; CGI-S 1-7 [NIDA-CGI].
SCALE_RANGES: dict[str, tuple[int, int]] = {
    "asrs_v1_1_part_a": (0, 24),
    "vanderbilt_parent": (0, 54),
    "vanderbilt_teacher": (0, 54),
    "snap_iv_26": (0, 78),
    "adhd_rs_5": (0, 54),
    "aisrs": (0, 54),
    "snap_iv_18": (0, 54),
    "cgi_s": (1, 7),
}


class _Record(BaseModel):
    """A closed, immutable part of the visit: unknown keys are errors, values never change."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Patient(_Record):
    display_name: Annotated[str, Field(max_length=10_000)] | None = None
    age_years: Annotated[int, Field(ge=0, le=120, strict=True)] | None = None
    # Strict: JSON true is not the number 1 (red team D13).
    weight_kg: Annotated[float, Field(ge=2, le=350, allow_inf_nan=False, strict=True)] | None = None
    sex_at_birth: Literal["female", "male", "intersex", "not_stated"] = "not_stated"
    handout_language: Literal["en", "es"] = "en"
    # The print size is the patient's need, like the language: a reopened visit prints the same.
    handout_large_print: Annotated[bool, Field(strict=True)] = False
    # The clinician confirmed a weight outside the plausible range for the age (a pound value typed
    # as kg would double a child's weight-based dose).
    weight_confirmed: Annotated[bool, Field(strict=True)] = False


class Baseline(_Record):
    scale: Scale
    score: Annotated[float, Field(allow_inf_nan=False, strict=True)]
    date: FileDate

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
    """Earlier treatment, one guideline class at a time, with whether each trial was adequate.

    `<class>_adequate_trial` is asked when a class gave no benefit: a class counts as tried only
    after an adequate trial (NICE NG87: 6 weeks at an adequate dose). None means not asked.
    """

    methylphenidate: TrialOutcome = "not_tried"
    methylphenidate_adequate_trial: Answer = None
    amphetamine: TrialOutcome = "not_tried"
    amphetamine_adequate_trial: Answer = None
    atomoxetine: TrialOutcome = "not_tried"
    atomoxetine_adequate_trial: Answer = None
    alpha2_agonist: TrialOutcome = "not_tried"
    alpha2_agonist_adequate_trial: Answer = None
    viloxazine: TrialOutcome = "not_tried"
    viloxazine_adequate_trial: Answer = None
    # Format 1 recorded all non-stimulants as one answer; a migrated file keeps it here until the
    # clinician says which medicine it was. It never counts as any class tried.
    non_stimulant_unspecified: TrialOutcome | None = None
    behavioural_support: Literal["not_tried", "tried", "ongoing"] = "not_tried"


class LdnScreen(_Record):
    current_opioid_use: Answer = None
    opioid_agonist_treatment: Answer = None
    # Methadone or buprenorphine stopped within the last 14 days (label: up to two weeks' risk).
    opioid_agonist_last_14_days: Answer = None
    opioid_use_last_10_days: Answer = None
    opioid_withdrawal_now: Answer = None
    past_opioid_use_disorder: Answer = None
    # Any doubt that the patient has been opioid-free; with past opioid use disorder it makes a
    # negative urine opioid screen a requirement before the first dose.
    doubt_about_recent_opioids: Answer = None
    urine_opioid_screen: UrineOpioidScreen | None = None
    planned_surgery: Answer = None
    acute_hepatitis_or_liver_failure: Answer = None
    chronic_liver_disease: Answer = None
    severe_kidney_disease: Answer = None
    naltrexone_allergy: Answer = None
    thioridazine: Answer = None
    disulfiram: Answer = None
    sleep_problems: Answer = None
    depression_or_low_mood: Answer = None
    suicidal_thoughts: Answer = None
    pregnancy: Pregnancy | None = None
    # Asked when sex at birth is not male: "not_applicable" for pregnancy needs a recorded "no" here.
    childbearing_potential: Answer = None


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
    # Only a current contraindication the clinician confirms rules stimulants out; the items above
    # defer a stimulant or call for a check (clinical audit B-1).
    stimulant_contraindication_confirmed: Answer = None


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

    start_date: FileDate | None = None
    schedule: Literal["standard", "gentle"] = "standard"
    timing: Literal["auto", "bedtime", "morning"] = "auto"
    step_weeks: Annotated[int, Field(ge=1, le=4, strict=True)] = 2
    target_mg: ExactNumber | None = None
    change_reason: Annotated[str, Field(max_length=2_000)] | None = None
    # The clinician's tick that guideline medicines were discussed (needed to print a plan when the
    # outcome is guideline_first); kept so the chart note can show it.
    guideline_options_discussed: Annotated[bool, Field(strict=True)] = False
    # A paediatric specialist agreed that a child of 6 or 7 (under `min_age_years`) may start; it does
    # not lift the 16-week limit (see the next field).
    specialist_signoff: Annotated[bool, Field(strict=True)] = False
    # A paediatric specialist agreed that an under-18 trial may run past
    # `paediatric_max_trial_weeks`. Separate from the age sign-off: agreeing to start a 7-year-old
    # does not lift the only time limit the paediatric data give.
    specialist_signoff_longer_trial: Annotated[bool, Field(strict=True)] = False

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


class GivenDocument(_Record):
    """A sheet the patient was given: what it was, how, and the SHA-256 of the very bytes printed or
    saved, so the chart note records facts instead of a fresh render."""

    kind: Literal["handout", "followup_sheet", "evidence_sheet"]
    # The visit date for the handout and its evidence sheet; the review's date for a follow-up sheet.
    for_date: FileDate
    how: Literal["printed", "saved"]
    language: Literal["en", "es"]
    large_print: Annotated[bool, Field(strict=True)]
    paper: Literal["letter", "a4"]
    content_version: Annotated[str, Field(min_length=1, max_length=200)]
    sha256: Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class Visit(_Record):
    """One appointment: who, what was answered, and the clinician's plan choices."""

    format: Literal["ldn-aid.visit/2"] = VISIT_FORMAT
    visit_date: FileDate
    patient: Patient = Patient()
    diagnosis: Diagnosis = Diagnosis()
    history: History = History()
    ldn_screen: LdnScreen = LdnScreen()
    stimulant_screen: StimulantScreen = StimulantScreen()
    preferences: Preferences = Preferences()
    plan: Plan | None = None
    # Reviews after the start, oldest first. Added within ldn-aid.visit/1: files without it load unchanged.
    follow_ups: tuple[FollowUp, ...] = ()
    # The sheets printed or saved for this visit, in the order given. Format 2 is unreleased, so it
    # came without a format change: files without it load unchanged.
    documents_given: Annotated[tuple[GivenDocument, ...], Field(max_length=1_000)] = ()

    @model_validator(mode="before")
    @classmethod
    def _migrate(cls, data: object) -> object:
        return migrate_visit_data(data)

    @model_validator(mode="after")
    def _follow_ups_in_order(self) -> Visit:
        """Reviews oldest first, one per date, none before the visit, scores within the baseline's
        scale: the checks of `followup_checks`, which the review form runs too."""
        for index, follow_up in enumerate(self.follow_ups):
            problems = follow_up_problems(self, follow_up, index)
            if problems:
                first = problems[0]
                raise ValueError(f"follow_ups: follow_ups[{index}] {'.'.join(first.loc)} {first.message}")
        return self

    @property
    def effective_plan(self) -> Plan:
        return self.plan if self.plan is not None else Plan()

    @property
    def start_date(self) -> dt.date:
        plan = self.effective_plan
        return plan.start_date if plan.start_date is not None else self.visit_date


def migrate_visit_data(data: object) -> object:
    """A format-1 visit as format 2; anything else unchanged (the model then validates it).

    Format 2 only adds questions (each None, so unanswered) and splits `history.non_stimulant` into
    three classes. The old answer is kept as `history.non_stimulant_unspecified` and counts as no
    class tried, so a migrated visit never looks further along than it was.
    """
    if not isinstance(data, dict) or data.get("format") not in OLDER_FORMATS:
        return data
    migrated = {**data, "format": VISIT_FORMAT}
    history = data.get("history")
    if isinstance(history, dict) and "non_stimulant" in history:
        history = dict(history)
        old = history.pop("non_stimulant")
        if old != "not_tried":
            history["non_stimulant_unspecified"] = old
        migrated["history"] = history
    plan = data.get("plan")
    if isinstance(plan, dict) and "target_mg" in plan:
        migrated["plan"] = {**plan, "target_mg": _number_from_old_text(plan["target_mg"])}
    follow_ups = data.get("follow_ups")
    if isinstance(follow_ups, list):
        migrated["follow_ups"] = [_with_old_dose_and_side_effects(item) for item in follow_ups]
    return migrated


def _number_from_old_text(value: object) -> object:
    """Version 0.1.0 saved doses as text ("1.5", code review F4); format 2 holds numbers. Text that
    is not a plain number is left for the model to refuse."""
    if not isinstance(value, str):
        return value
    try:
        number = Decimal(value.strip())
    except ArithmeticError:
        return value
    return number if number.is_finite() else value


def _with_old_dose_and_side_effects(follow_up: object) -> object:
    """Format 1 wrote the dose as text and read an absent side-effect grade as "none"; format 2
    holds a number and reads an absent grade as not asked."""
    if not isinstance(follow_up, dict):
        return follow_up
    if "dose_mg" in follow_up:
        follow_up = {**follow_up, "dose_mg": _number_from_old_text(follow_up["dose_mg"])}
    effects = follow_up.get("side_effects", {})
    if not isinstance(effects, dict):
        return follow_up
    filled = {**{name: "none" for name in SIDE_EFFECTS}, **effects}
    return {**follow_up, "side_effects": filled}


def visit_format_of(data: object) -> str | None:
    """The format a raw visit document declares (None when it declares none)."""
    if isinstance(data, dict):
        value = data.get("format")
        return value if isinstance(value, str) else None
    return None


# The screening questions that must be answered for every patient. `urine_opioid_screen` and
# `childbearing_potential` are asked only where they apply (see rules.engine.missing_answers).
CONDITIONAL_LDN_SCREEN_FIELDS: tuple[str, ...] = ("urine_opioid_screen", "childbearing_potential")
LDN_SCREEN_FIELDS: tuple[str, ...] = tuple(LdnScreen.model_fields)
STIMULANT_SCREEN_FIELDS: tuple[str, ...] = tuple(StimulantScreen.model_fields)
PRIORITIES: tuple[str, ...] = get_args(Priority)
