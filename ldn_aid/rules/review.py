"""`review(visit) -> FollowUpDecision | None`: the next step after the latest follow-up visit.

The decision, in this order of precedence (issue 5, "Follow-up visits"):

1. `stop` when a stop finding holds (an opioid needed or taken, pregnancy, or a stop from the first
   visit's screening such as a naltrexone allergy), when a severe side effect has no remedy left on the
   lowest step, or at or after the response review when the response rule is not met, or cannot be
   judged (no score) and the clinician did not extend once (an extension continues the dose for
   `extend_once_weeks`).
2. `step_down` for a severe side effect, or a moderate one the patient cannot tolerate, that a move to
   the morning would not relieve (with a move to the morning as well when sleep is also affected).
3. `switch_to_morning` for moderate or severe sleep trouble or vivid dreams on bedtime dosing.
4. `hold` for a moderate side effect the patient can tolerate (or whose tolerability is not recorded).
5. `continue` on the target (next review: the response review, or `maintenance_review_weeks` after a
   met response rule); `advance` one step when the step has run its length; otherwise `hold`.

More than `adherence_missed_doses_max` missed doses and planned surgery add reasons, never a change.
A clinician's different choice is applied unless it has no reason, a stop finding holds, or it would
raise the dose above the cap or beyond the next step; then the computed decision stands.

Follow-ups are reviewed oldest first: each decision's revised schedule is the schedule in force at
the next follow-up, so a step that was held, stepped down or advanced is timed from its real start.
Pure: the same visit and content always give the same decision.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from ldn_aid.content import ContentBundle, RuleBook, load_content
from ldn_aid.domain.followup import (
    SLEEP_EFFECTS,
    Decision,
    DecisionReason,
    FollowUp,
    FollowUpDecision,
    Grade,
)
from ldn_aid.domain.protocol import Protocol, Step, Timing
from ldn_aid.domain.values import TENTH_MG, Pregnancy
from ldn_aid.domain.visit import Visit
from ldn_aid.rules.engine import evaluate
from ldn_aid.rules.protocol_builder import build_protocol

# Where the review stands against the predefined response rule.
Stage = Literal["before", "met", "not_met", "cannot_judge", "extended"]
_BAD = ("moderate", "severe")


@dataclass(frozen=True)
class _Ladder:
    """The protocol's doses, lowest to target, and how long each step is held."""

    doses: tuple[Decimal, ...]
    weeks: int
    mg_per_ml: Decimal | None  # None for capsules

    @property
    def lowest(self) -> Decimal:
        return self.doses[0]

    @property
    def target(self) -> Decimal:
        return self.doses[-1]

    def above(self, dose: Decimal) -> Decimal | None:
        """The next step up from `dose`, or None at or above the target."""
        return next((step for step in self.doses if step > dose), None)

    def below(self, dose: Decimal) -> Decimal:
        """The previous step down from `dose`, or the lowest step (never above `dose`)."""
        lower = [step for step in self.doses if step < dose]
        return lower[-1] if lower else min(self.lowest, dose)

    def ceiling(self, dose: Decimal) -> Decimal:
        """The highest dose any decision may give someone taking `dose`: the next step, or the target."""
        up = self.above(dose)
        return up if up is not None else self.target

    def step(self, dose: Decimal, start: dt.date) -> Step:
        volume = None if self.mg_per_ml is None else (dose / self.mg_per_ml).quantize(TENTH_MG)
        return Step(start=start, dose_mg=dose, volume_ml=volume)

    def schedule(self, first: Decimal, start: dt.date, rest_from: dt.date) -> tuple[Step, ...]:
        """`first` from `start`, then each higher step from `rest_from`, each held `weeks`, to the target."""
        length = dt.timedelta(weeks=self.weeks)
        later = [dose for dose in self.doses if dose > first]
        return (
            self.step(first, start),
            *(self.step(dose, rest_from + k * length) for k, dose in enumerate(later)),
        )


@dataclass(frozen=True)
class _Setting:
    """What stays the same for every follow-up of one visit."""

    visit: Visit
    book: RuleBook
    words: ContentBundle
    screen_stops: tuple[DecisionReason, ...]
    protocol: Protocol | None
    ladder: _Ladder | None


@dataclass(frozen=True)
class _Past:
    """What earlier follow-ups carry forward to the next one."""

    schedule: tuple[Step, ...]
    pregnancy: Pregnancy | None
    # The end of the one extension, once the clinician has used it.
    extended_until: dt.date | None = None
    # The response rule was met at an earlier follow-up (carried while no new score is recorded).
    response_met: bool = False


@dataclass(frozen=True)
class _Computed:
    decision: Decision
    reasons: tuple[str, ...]
    stage: Stage
    safety_stop: bool
    timing: Timing
    hold_until: dt.date | None = None
    # The date by which the response rule must be judged: the response review, or the extension's end.
    judge_by: dt.date | None = None


@dataclass(frozen=True)
class _Plan:
    next_dose: Decimal | None
    timing: Timing | None
    steps: tuple[Step, ...]
    next_review: dt.date | None


def review(
    visit: Visit, rules: RuleBook | None = None, content: ContentBundle | None = None
) -> FollowUpDecision | None:
    """The decision for the latest follow-up, or None when no follow-up is recorded.

    Args:
        visit: the visit with its follow-ups, oldest first.
        rules: the cited numbers to use; those of `content` when not given.
        content: the words and sources for the reasons; English when not given.
    """
    if not visit.follow_ups:
        return None
    words = content if content is not None else load_content("en")
    setting = _setting(visit, rules if rules is not None else words.rules, words)
    past = _Past(
        schedule=setting.protocol.steps if setting.protocol is not None else (),
        pregnancy=visit.ldn_screen.pregnancy,
    )
    decision: FollowUpDecision | None = None
    for follow_up in visit.follow_ups:
        if follow_up.safety.pregnancy is not None:
            past = replace(past, pregnancy=follow_up.safety.pregnancy)
        decision, computed = _decide(setting, past, follow_up)
        past = _carry(past, decision, computed)
    return decision


def _carry(past: _Past, decision: FollowUpDecision, computed: _Computed) -> _Past:
    """What the next follow-up inherits: the schedule now in force, the extension and the response."""
    extended_until = past.extended_until
    if extended_until is None and computed.stage == "extended" and computed.decision != "stop":
        extended_until = computed.judge_by
    response_met = {"met": True, "not_met": False}.get(computed.stage, past.response_met)
    return replace(
        past, schedule=decision.revised_steps, extended_until=extended_until, response_met=response_met
    )


def _setting(visit: Visit, book: RuleBook, words: ContentBundle) -> _Setting:
    assessment = evaluate(visit, words)
    protocol = build_protocol(visit, assessment, book)
    # The first visit's stop findings still hold; pregnancy is re-read from the latest follow-up instead.
    screen_stops = tuple(
        DecisionReason(
            rule_id=f.rule_id,
            severity=f.severity,
            text=f.clinician_text,
            patient_text=f.patient_text,
            references=f.references,
        )
        for f in assessment.with_severity("stop")
        if f.rule_id != "pregnancy"
    )
    ladder = None
    if protocol is not None:
        ladder = _Ladder(
            doses=tuple(step.dose_mg for step in protocol.steps),
            weeks=protocol.step_weeks,
            mg_per_ml=None if protocol.formulation == "capsule" else book.number("liquid_mg_per_ml"),
        )
    return _Setting(visit, book, words, screen_stops, protocol, ladder)


def _reason(words: ContentBundle, rule_id: str) -> DecisionReason:
    meta = words.rules.rules[rule_id]
    text = words.language.findings[rule_id]
    return DecisionReason(
        rule_id=rule_id,
        severity=meta.severity,
        text=text.clinician,
        patient_text=text.patient,
        references=meta.references,
    )


# ---- one follow-up ---------------------------------------------------------------------------------


def _decide(setting: _Setting, past: _Past, follow_up: FollowUp) -> tuple[FollowUpDecision, _Computed]:
    """The decision for one follow-up, and the computed one behind it."""
    computed = _compute(setting, past, follow_up)
    computed_plan = _plan(setting, follow_up, computed, computed.decision)
    if computed_plan is None:  # pragma: no cover - a computed advance always has a step above
        raise RuntimeError(f"no plan for the computed decision {computed.decision}")
    decision, plan, refused = _choose(setting, follow_up, computed, computed_plan)

    reasons = list(_safety_reasons(setting, past, follow_up)) if computed.safety_stop else []
    reasons += [_reason(setting.words, rule_id) for rule_id in computed.reasons]
    adherence = follow_up.missed_doses_last_week > setting.book.number("adherence_missed_doses_max")
    if adherence:
        reasons.append(_reason(setting.words, "followup_adherence"))
    if follow_up.safety.surgery_planned == "yes":
        reasons.append(_reason(setting.words, "followup_surgery"))
    if refused is not None:
        reasons.append(_reason(setting.words, refused))

    chosen = follow_up.clinician_decision
    overridden = chosen is not None and chosen != computed.decision
    protocol = setting.protocol
    result = FollowUpDecision(
        review_date=follow_up.date,
        dose_taken_mg=follow_up.dose_mg,
        decision=decision,
        computed=computed.decision,
        chosen=chosen,
        override_reason=follow_up.override_reason if overridden else None,
        override_refused=refused is not None,
        reasons=tuple(reasons),
        adherence_point=adherence,
        cannot_judge=computed.stage in ("cannot_judge", "extended"),
        next_dose_mg=plan.next_dose,
        next_timing=plan.timing,
        revised_steps=plan.steps,
        next_review=plan.next_review,
        response_review=protocol.response_review if protocol is not None else None,
    )
    return result, computed


def _safety_reasons(setting: _Setting, past: _Past, follow_up: FollowUp) -> tuple[DecisionReason, ...]:
    """Every stop finding that holds now, whatever the side effects or the dose."""
    found: list[DecisionReason] = []
    if follow_up.safety.opioid_needed_or_taken == "yes":
        found.append(_reason(setting.words, "followup_stop_opioids"))
    if past.pregnancy == "pregnant":
        found.append(_reason(setting.words, "followup_stop_pregnancy"))
    return (*found, *setting.screen_stops)


def _compute(setting: _Setting, past: _Past, follow_up: FollowUp) -> _Computed:
    """The decision the rules give, in order of precedence (see the module docstring)."""
    safety_stop = bool(_safety_reasons(setting, past, follow_up))
    ladder, protocol = setting.ladder, setting.protocol
    if ladder is None or protocol is None:
        if safety_stop:
            return _Computed("stop", (), "before", True, follow_up.timing)
        return _Computed("hold", ("followup_no_protocol",), "before", False, follow_up.timing)

    effects = follow_up.side_effects.graded()
    # Sleep effects on bedtime dosing have a remedy left: taking the dose in the morning.
    switch = follow_up.timing == "bedtime" and any(effects[name] in _BAD for name in SLEEP_EFFECTS)
    unrelieved = [grade for name, grade in effects.items() if not (switch and name in SLEEP_EFFECTS)]
    stage = _stage(setting, past, follow_up, protocol)
    judge_by = _judge_by(setting, past, follow_up, protocol, stage)
    stops = tuple(
        rule_id
        for rule_id, holds in (
            ("followup_stop_severe_lowest", "severe" in unrelieved and follow_up.dose_mg <= ladder.lowest),
            ("followup_stop_no_response", stage == "not_met"),
            ("followup_cannot_judge", stage == "cannot_judge"),
        )
        if holds
    )
    if safety_stop or stops:
        return _Computed("stop", stops, stage, safety_stop, follow_up.timing, judge_by=judge_by)

    lead = {"met": ("followup_response_met",), "extended": ("followup_cannot_judge", "followup_extend_once")}
    decision, reasons, hold_until = _next_step(past, follow_up, ladder, stage, switch, unrelieved)
    timing: Timing = "morning" if switch else follow_up.timing
    return _Computed(decision, (*lead.get(stage, ()), *reasons), stage, False, timing, hold_until, judge_by)


def _next_step(
    past: _Past, follow_up: FollowUp, ladder: _Ladder, stage: Stage, switch: bool, unrelieved: list[Grade]
) -> tuple[Decision, tuple[str, ...], dt.date | None]:
    """With no stop: step down, move to the morning, hold, continue or advance (and until when to hold)."""
    taken = follow_up.dose_mg
    if "severe" in unrelieved or ("moderate" in unrelieved and follow_up.tolerable == "no"):
        return "step_down", ("followup_step_down", *(("followup_switch_morning",) if switch else ())), None
    if switch:
        return "switch_to_morning", ("followup_switch_morning",), None
    if "moderate" in unrelieved:
        return "hold", ("followup_hold_tolerable",), None
    if taken >= ladder.target or stage == "extended":  # an extension keeps the dose; it never titrates
        own = {"before": ("followup_continue",), "met": ("followup_continue_maintenance",)}.get(stage, ())
        return "continue", own, None
    step_end = _step_start(past.schedule, taken, follow_up.date) + dt.timedelta(weeks=ladder.weeks)
    # A step has run its length on its last day: the protocol puts its tolerability review there,
    # "so the review comes before the first dose increase".
    if follow_up.date >= step_end - dt.timedelta(days=1):
        return "advance", ("followup_advance",), None
    return "hold", ("followup_hold",), step_end


def _stage(setting: _Setting, past: _Past, follow_up: FollowUp, protocol: Protocol) -> Stage:
    """Where this follow-up stands against the response rule.

    A score with CGI-I at or after the response review is always judged. Without one, an earlier met
    rule still holds; a follow-up inside the one extension waits for its end; otherwise the response
    cannot be judged, and the clinician may extend once.
    """
    if follow_up.date < protocol.response_review:
        return "before"
    met = _response_met(setting, follow_up)
    if met is not None:
        return "met" if met else "not_met"
    if past.response_met:
        return "met"
    if past.extended_until is not None:
        return "extended" if follow_up.date < past.extended_until else "cannot_judge"
    return "extended" if follow_up.extend_once else "cannot_judge"


def _judge_by(
    setting: _Setting, past: _Past, follow_up: FollowUp, protocol: Protocol, stage: Stage
) -> dt.date | None:
    if stage == "before":
        return protocol.response_review
    if stage == "extended":
        weeks = dt.timedelta(weeks=int(setting.book.number("extend_once_weeks")))
        return past.extended_until if past.extended_until is not None else follow_up.date + weeks
    return None


def _response_met(setting: _Setting, follow_up: FollowUp) -> bool | None:
    """The predefined response rule on the baseline's scale; None when it cannot be judged."""
    baseline = setting.visit.diagnosis.baseline
    if baseline is None or follow_up.score is None or follow_up.cgi_i is None or baseline.score <= 0:
        return None
    number = setting.book.number
    before, now = Decimal(repr(baseline.score)), Decimal(repr(follow_up.score))
    fell_enough = (before - now) * 100 >= number("response_min_fall_percent") * before
    return fell_enough and follow_up.cgi_i <= number("response_max_cgi_i")


def _step_start(schedule: tuple[Step, ...], taken: Decimal, today: dt.date) -> dt.date:
    """When the dose now taken began, by the schedule in force; today when it is not on that schedule
    (or was started before its planned date), so an unplanned dose is always held one full step."""
    begun = [step.start for step in schedule if step.dose_mg == taken and step.start <= today]
    return begun[-1] if begun else today


# ---- the plan for a decision, and the clinician's choice ----------------------------------------


def _plan(setting: _Setting, follow_up: FollowUp, computed: _Computed, decision: Decision) -> _Plan | None:
    """Dose, timing, schedule and next review for `decision`; None when it cannot be planned."""
    today = follow_up.date
    if decision == "stop":
        return _Plan(None, None, (), None)
    ladder, protocol = setting.ladder, setting.protocol
    if ladder is None or protocol is None:
        return _Plan(follow_up.dose_mg, follow_up.timing, (), None) if decision == "hold" else None

    one_step = today + dt.timedelta(weeks=ladder.weeks)
    same = min(follow_up.dose_mg, ladder.target)
    timing = computed.timing if decision == computed.decision else follow_up.timing
    if decision == "switch_to_morning":
        timing = "morning"
    if decision == "advance":
        dose = ladder.above(follow_up.dose_mg)
        if dose is None:
            return None
        steps, review_on = ladder.schedule(dose, today, one_step), one_step
    elif decision == "step_down":
        dose = ladder.below(follow_up.dose_mg)
        steps, review_on = ladder.schedule(dose, today, one_step), one_step
    elif decision == "continue":
        dose, steps = same, (ladder.step(same, today),)
        review_on = _continue_review(setting, computed, today)
    else:  # hold, switch_to_morning
        dose = same
        until = computed.hold_until if decision == computed.decision and computed.hold_until else one_step
        steps, review_on = ladder.schedule(dose, today, until), until
    if computed.judge_by is not None:
        review_on = min(review_on, computed.judge_by)  # never skip the response review or the extension's end
    return _Plan(dose, timing, steps, review_on)


def _continue_review(setting: _Setting, computed: _Computed, today: dt.date) -> dt.date:
    if computed.judge_by is not None:
        return computed.judge_by
    weeks = "maintenance_review_weeks" if computed.stage == "met" else "extend_once_weeks"
    return today + dt.timedelta(weeks=int(setting.book.number(weeks)))


def _choose(
    setting: _Setting, follow_up: FollowUp, computed: _Computed, computed_plan: _Plan
) -> tuple[Decision, _Plan, str | None]:
    """The decision that happens, its plan, and the rule id refusing the clinician's choice (if refused)."""
    choice = follow_up.clinician_decision
    if choice is None or choice == computed.decision:
        return computed.decision, computed_plan, None
    if computed.safety_stop:
        return computed.decision, computed_plan, "followup_override_refused_stop"
    has_reason = bool(follow_up.override_reason and follow_up.override_reason.strip())
    plan = _plan(setting, follow_up, computed, choice) if has_reason else None
    if plan is None or not _within_bounds(setting, follow_up.dose_mg, plan.next_dose):
        return computed.decision, computed_plan, "followup_override_refused"
    return choice, plan, None


def _within_bounds(setting: _Setting, taken: Decimal, dose: Decimal | None) -> bool:
    """Never above the cap, never beyond the next step of the protocol."""
    if dose is None:
        return True
    if dose > setting.book.number("max_dose_mg"):
        return False
    return setting.ladder is None or dose <= setting.ladder.ceiling(taken)
