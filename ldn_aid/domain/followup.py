"""Follow-up visits (part of the visit file) and the decision a review makes for the latest one.

A follow-up records what the patient actually took and how it went since the last visit; the
decision is computed by `ldn_aid.rules.review.review` and never stored in the visit file (only the
clinician's own choice and reason are).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ldn_aid.domain.protocol import Step, Timing
from ldn_aid.domain.values import (
    RECORD_MAX_DOSE_MG,
    Answer,
    ExactNumber,
    FileDate,
    Pregnancy,
    UrineOpioidScreen,
    checked_dose,
)

Grade = Literal["none", "mild", "moderate", "severe"]
# `restart`: start again at the first step (after a stop that has cleared, or a long break).
# `no_plan`: the visit has no plan that may be given, so the review gives no dosing advice at all.
Decision = Literal[
    "advance", "continue", "hold", "step_down", "switch_to_morning", "restart", "stop", "no_plan"
]
DECISIONS: tuple[str, ...] = get_args(Decision)
# Side effects that bedtime dosing can cause and a move to the morning may relieve [NO][BIO-ins].
SLEEP_EFFECTS: tuple[str, ...] = ("vivid_dreams", "sleep_trouble")


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SideEffects(_Record):
    """How bad each side effect has been since the last visit; `other_text` says what "other" was.

    None means not asked. A severe reaction can stop LDN, so an unasked grade is unknown, never
    "none": the review then never raises the dose. (Format 1 defaulted every grade to "none"; its
    files migrate with that old default written out.)
    """

    vivid_dreams: Grade | None = None
    sleep_trouble: Grade | None = None
    nausea: Grade | None = None
    headache: Grade | None = None
    other: Grade | None = None
    other_text: Annotated[str, Field(max_length=500)] | None = None

    def graded(self) -> dict[str, Grade | None]:
        """Each side effect's grade by name, in form order (other_text left out)."""
        return {
            "vivid_dreams": self.vivid_dreams,
            "sleep_trouble": self.sleep_trouble,
            "nausea": self.nausea,
            "headache": self.headache,
            "other": self.other,
        }


SIDE_EFFECTS: tuple[str, ...] = tuple(SideEffects().graded())


class SafetyChanges(_Record):
    """What changed since the last visit that bears on safety; `None` means not asked.

    Every screening stop that can arise between visits is asked again. An unanswered item is
    unknown, never "no": the review then never raises the dose.
    """

    opioid_needed_or_taken: Answer = None
    # The date of the last dose of any opioid, methadone and buprenorphine included; needed after
    # any opioid, since the restart waits for the opioid-free interval from this date.
    last_opioid_dose: FileDate | None = None
    methadone_or_buprenorphine: Answer = None
    new_thioridazine: Answer = None
    new_disulfiram: Answer = None
    new_liver_disease: Answer = None
    # Jaundice (yellow skin or eyes), dark urine, or pain under the right ribs.
    liver_injury_signs: Answer = None
    allergic_reaction: Answer = None
    pregnancy: Pregnancy | None = None
    surgery_planned: Answer = None
    low_mood_worse: Answer = None
    suicidal_thoughts: Answer = None
    # Asked before a restart after an opioid stop when screening needed a urine screen (past opioid
    # use disorder, or doubt about recent opioids): the same negative screen is needed again.
    urine_opioid_screen: UrineOpioidScreen | None = None


SAFETY_ITEMS: tuple[str, ...] = tuple(SafetyChanges.model_fields)


class FollowUp(_Record):
    """One review after the start of LDN: what was taken, how it went, and the clinician's choice."""

    date: FileDate
    dose_mg: ExactNumber
    timing: Timing
    missed_doses_last_week: Annotated[int, Field(ge=0, le=7, strict=True)]
    # Days in a row without any LDN just before this review (None: not asked). A break longer than
    # `restart_after_days_off` restarts at the first step.
    days_without_ldn: Annotated[int, Field(ge=0, le=3650, strict=True)] | None = None
    side_effects: SideEffects = SideEffects()
    # Whether the patient can live with the moderate side effects (None: not asked).
    tolerable: Answer = None
    # The rating-scale score on the baseline's scale (the visit checks the range).
    # Strict: JSON true read as 1 turned "cannot judge, stop" into "response met" (red team D13).
    score: Annotated[float, Field(allow_inf_nan=False, strict=True)] | None = None
    cgi_i: Annotated[int, Field(ge=1, le=7, strict=True)] | None = None
    safety: SafetyChanges = SafetyChanges()
    # The clinician's decision when it differs from the computed one; review() needs a reason for it.
    clinician_decision: Decision | None = None
    override_reason: Annotated[str, Field(max_length=2_000)] | None = None
    # At or after the response review with no score: the clinician's choice to extend once.
    extend_once: Annotated[bool, Field(strict=True)] = False

    @field_validator("dose_mg")
    @classmethod
    def _dose_within_cap(cls, value: Decimal) -> Decimal:
        # The dose actually taken may be above the cap (a dispensing error, another prescriber's
        # 6 mg): it must be recordable so the review can flag it; no decision ever gives it.
        return checked_dose(value, "dose_mg", cap=RECORD_MAX_DOSE_MG)


# ---- the decision (computed, never stored) ---------------------------------------------------------

# The reason an accepted clinician choice carries: its patient words say the clinician reviewed
# this with the patient and chose this plan.
CLINICIAN_CHOICE = "followup_clinician_choice"
# Clinician-only: a refused choice.
_REFUSALS = frozenset({"followup_override_refused", "followup_override_refused_stop"})
# Reasons whose patient words tell the computed decision itself (its dose, timing or next step):
# under an accepted clinician choice they are shown to the clinician only.
_COMPUTED_DECISION_REASONS = frozenset(
    {
        "followup_advance",
        "followup_continue",
        "followup_continue_maintenance",
        "followup_extend_once",
        "followup_hold",
        "followup_hold_tolerable",
        "followup_maintenance_no_score",
        "followup_restart",
        "followup_step_down",
        "followup_switch_morning",
        "followup_tolerated_ceiling",
    }
)
# Without a plan: why there is no plan, and a dose to correct.
_NO_PLAN_REASONS = frozenset(
    {"followup_no_protocol", "followup_plan_not_given", "followup_no_plan_dose_above_ceiling"}
)


class DecisionReason(_Record):
    """One rule behind a decision, as data: its id, severity, the answers behind it and its sources.

    The words live in content (`findings.toml`, by `rule_id`) and are looked up where they are
    shown; `params` fills their show-time placeholders (mg as plain numbers, ISO dates).
    """

    rule_id: str
    severity: Literal["stop", "caution", "info"]
    inputs: tuple[str, ...] = ()
    references: tuple[str, ...]
    params: dict[str, str] = {}


class FollowUpDecision(_Record):
    """The next step after the latest follow-up.

    `decision` is what happens: the clinician's `chosen` decision when it was accepted, otherwise
    the `computed` one. The dose, timing, schedule and review date all belong to `decision`.
    """

    review_date: dt.date
    dose_taken_mg: ExactNumber
    decision: Decision
    computed: Decision
    chosen: Decision | None
    override_reason: str | None
    override_refused: bool
    reasons: tuple[DecisionReason, ...]
    adherence_point: bool
    cannot_judge: bool
    next_dose_mg: ExactNumber | None
    next_timing: Timing | None
    revised_steps: tuple[Step, ...]
    next_review: dt.date | None
    response_review: dt.date | None
    # After a met response rule: when to check, with a planned pause or re-challenge, whether LDN is
    # still needed.
    recheck_due: dt.date | None = None
    # The highest dose this patient may take (the protocol's target); None without a plan.
    ceiling_mg: ExactNumber | None = None

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(reason.rule_id for reason in self.reasons)

    @property
    def patient_reasons(self) -> tuple[DecisionReason, ...]:
        """The reasons whose patient words may be printed under this decision (clinicians see all).

        - `stop`: the stop-severity reasons only (never "stay on your dose" words), after the
          clinician's choice when the stop was chosen (then without the extension's "cannot
          judge", whose words offer to keep the dose);
        - an accepted clinician choice: `followup_clinician_choice` first, then the non-stop
          reasons that still hold (not the words of the computed decision, nor its stops);
        - `no_plan`: why there is no plan, the stops, and a dose to correct;
        - otherwise the non-stop reasons.
        A refused choice is never shown to the patient.
        """
        shown = [item for item in self.reasons if item.rule_id not in _REFUSALS]
        choice = tuple(item for item in shown if item.rule_id == CLINICIAN_CHOICE)
        rest = [item for item in shown if item.rule_id != CLINICIAN_CHOICE]
        if self.decision == "stop":
            stops = [item for item in rest if item.severity == "stop"]
            if self.decision != self.computed and any(
                item.rule_id == "followup_extend_once" for item in rest
            ):
                # A stop chosen inside the extension: "cannot judge" offered the extension there.
                stops = [item for item in stops if item.rule_id != "followup_cannot_judge"]
            return (*choice, *stops)
        if self.decision == "no_plan":
            return tuple(item for item in rest if item.severity == "stop" or item.rule_id in _NO_PLAN_REASONS)
        not_stop = [item for item in rest if item.severity != "stop"]
        if self.decision != self.computed:
            return (*choice, *(item for item in not_stop if item.rule_id not in _COMPUTED_DECISION_REASONS))
        return tuple(not_stop)
