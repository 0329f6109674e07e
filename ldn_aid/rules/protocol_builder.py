"""`build_protocol(visit, assessment) -> Protocol | None`: the suggested starting schedule.

The arithmetic is done in Decimal tenths of a mg so that 0.1 mg/kg x 23 kg is exactly 2.3 mg and
no rounding error can push a dose over the cap.
"""

from __future__ import annotations

import datetime as dt
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Literal

from ldn_aid.content import RuleBook, load_rules
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.protocol import Protocol, ResponseRule, Step, Timing
from ldn_aid.domain.visit import Visit

_TENTH = Decimal("0.1")
TargetBasis = Literal["adult_fixed", "weight_based", "clinician_lower"]
TimingReason = Literal["clinician_choice", "sleep_problems", "default_bedtime"]


def _round_to(value: Decimal, increment: Decimal, rounding: str = ROUND_HALF_UP) -> Decimal:
    """The multiple of `increment` nearest to `value` (or below it, with ROUND_FLOOR)."""
    return ((value / increment).quantize(Decimal(1), rounding=rounding) * increment).quantize(_TENTH)


def build_protocol(visit: Visit, assessment: Assessment, rules: RuleBook | None = None) -> Protocol | None:
    """The starting protocol, or None when the outcome is `stop` or `incomplete`.

    For `guideline_first` the protocol is still built and marked `guideline_options_first`.
    `ceiling_mg` is this patient's own ceiling (the adult target, or 0.1 mg/kg, within the cap). A
    clinician target above it is refused, never silently replaced: the protocol is built at the
    ceiling and keeps the refused value in `refused_target_mg`, so the handout gate blocks printing
    and names the ceiling. Under 18, `trial_ends` is the last day the trial may run (start +
    `paediatric_max_trial_weeks`) unless a specialist agreed to a longer trial
    (`plan.specialist_signoff_longer_trial`); the age sign-off (`plan.specialist_signoff`) does not
    lift it.
    """
    if assessment.outcome in (Outcome.STOP, Outcome.INCOMPLETE):
        return None
    book = rules if rules is not None else load_rules()
    age = visit.patient.age_years
    weight = visit.patient.weight_kg
    if age is None or weight is None:  # the engine reports these as missing; never guess them
        return None
    plan = visit.effective_plan
    n = book.number

    ceiling, basis = _target(age, Decimal(repr(weight)), book)
    target = ceiling
    refused: Decimal | None = None
    if plan.target_mg is not None and plan.target_mg < ceiling:
        target, basis = plan.target_mg, "clinician_lower"
    elif plan.target_mg is not None and plan.target_mg > ceiling:
        refused = plan.target_mg
    # The dose cap binds everything above, including any future change to the targets.
    target = min(target, n("max_dose_mg"))

    capsule_step = n("capsule_step_mg")
    capsule = (
        age >= n("capsule_min_age_years")
        and Decimal(repr(weight)) >= n("full_dose_min_weight_kg")
        and target % capsule_step == 0
    )
    increment = capsule_step if capsule else n("liquid_step_mg")
    if plan.schedule == "gentle":
        doses = _gentle_doses(target, increment, n("gentle_start_mg"), n("gentle_increment_mg"))
    else:
        doses = _standard_doses(target, increment, int(n("standard_step_count")))

    start = visit.start_date
    step_length = dt.timedelta(weeks=plan.step_weeks)
    mg_per_ml = n("liquid_mg_per_ml")
    steps = tuple(
        Step(
            start=start + k * step_length,
            dose_mg=dose,
            volume_ml=None if capsule else (dose / mg_per_ml).quantize(_TENTH),
        )
        for k, dose in enumerate(doses)
    )
    timing, timing_reason = _timing(visit)
    trial_ends = None
    if age < n("adult_age_years") and not plan.specialist_signoff_longer_trial:
        trial_ends = start + dt.timedelta(weeks=int(n("paediatric_max_trial_weeks")))
    return Protocol(
        formulation="capsule" if capsule else "liquid_1mg_per_ml",
        timing=timing,
        timing_reason=timing_reason,
        target_mg=target,
        target_basis=basis,
        schedule=plan.schedule,
        step_weeks=plan.step_weeks,
        steps=steps,
        # The last day of the first step, so the review comes before the first dose increase.
        tolerability_review=start + step_length - dt.timedelta(days=1),
        response_review=steps[-1].start + dt.timedelta(weeks=int(n("response_review_weeks"))),
        response_rule=ResponseRule(
            min_fall_percent=int(n("response_min_fall_percent")),
            max_cgi_i=int(n("response_max_cgi_i")),
            references=tuple(
                dict.fromkeys(
                    book.numbers.response_min_fall_percent.references
                    + book.numbers.response_max_cgi_i.references
                )
            ),
        ),
        guideline_options_first=assessment.outcome == Outcome.GUIDELINE_FIRST,
        references=book.protocol_references,
        ceiling_mg=ceiling,
        refused_target_mg=refused,
        trial_ends=trial_ends,
    )


def patient_ceiling(visit: Visit, rules: RuleBook | None = None) -> Decimal | None:
    """The highest dose this patient may ever take, from age and weight alone (None while either is
    unknown). It holds with or without a plan, so a dose above it is always an error to correct."""
    age, weight = visit.patient.age_years, visit.patient.weight_kg
    if age is None or weight is None:
        return None
    return _target(age, Decimal(repr(weight)), rules if rules is not None else load_rules())[0]


def _target(age: int, weight: Decimal, book: RuleBook) -> tuple[Decimal, TargetBasis]:
    n = book.number
    cap = n("max_dose_mg")
    if age >= n("adult_age_years") and weight >= n("full_dose_min_weight_kg"):
        return min(n("adult_target_mg"), cap).quantize(_TENTH), "adult_fixed"
    weight_based = _round_to(weight * n("weight_based_mg_per_kg"), _TENTH, ROUND_FLOOR)
    return min(max(weight_based, _TENTH), cap).quantize(_TENTH), "weight_based"


def _standard_doses(target: Decimal, increment: Decimal, count: int) -> list[Decimal]:
    """`count` equal steps up to the target, each rounded to the formulation's increment."""
    doses = [max(_round_to(target * k / count, increment), increment) for k in range(1, count)]
    return _rising([*doses, target])


def _gentle_doses(target: Decimal, increment: Decimal, start: Decimal, rise: Decimal) -> list[Decimal]:
    """Start low and rise by a fixed amount; the last step is exactly the target."""
    doses = []
    dose = min(start, target)
    while dose < target:
        doses.append(max(_round_to(dose, increment), increment))
        dose += rise
    return _rising([*doses, target])


def _rising(doses: list[Decimal]) -> list[Decimal]:
    """Drop any step that would repeat or undercut the one before (possible at tiny targets)."""
    kept: list[Decimal] = []
    for dose in doses:
        dose = dose.quantize(_TENTH)
        if not kept or dose > kept[-1]:
            kept.append(dose)
    if kept[-1] != doses[-1].quantize(_TENTH):
        kept[-1] = doses[-1].quantize(_TENTH)
    return kept


def _timing(visit: Visit) -> tuple[Timing, TimingReason]:
    chosen = visit.effective_plan.timing
    if chosen != "auto":
        return chosen, "clinician_choice"
    if visit.ldn_screen.sleep_problems == "yes":
        return "morning", "sleep_problems"
    return "bedtime", "default_bedtime"
