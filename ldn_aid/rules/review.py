"""`review_all(visit)`: one decision per follow-up, in one linear pass; `review(visit)`: the latest.

Language-free: each decision carries rule ids, the answers behind them (paths), sources, numbers
and dates; the words are looked up where they are shown (`ldn_aid.content.words`). Patient
documents print `FollowUpDecision.patient_reasons` only (never a stop's words under a non-stop
headline, nor "stay on your dose" words under a stop); the clinician sees every reason.

No plan, no dosing advice. When the visit has no protocol, or the first-visit gate refused to give
the plan, every review is `no_plan`: no dose, no schedule, no review date; the reasons say why
(`followup_no_protocol` with the missing answers, the first visit's stop findings,
`followup_plan_not_given`).

With a plan, the decision, in this order of precedence:

1. `stop` when a stop holds. Every stop names its own stop-severity reason.
   - Refused overrides (the clinician's different choice is never applied): the safety block
     (`review_safety`: opioids, methadone or buprenorphine, the opioid-free wait after either, an
     allergic reaction, signs of liver injury or new liver disease, suicidal thoughts, pregnancy,
     breastfeeding, trying to conceive); under 18 at or past `protocol.trial_ends` (lifted only by
     `plan.specialist_signoff_longer_trial`); and the stops that end the trial, at the review that
     finds them and at every later one: no response, lost response, cannot judge (no score with
     the one extension used or not chosen, or an unscored maintenance review past its re-score
     window), allergy, liver, suicidal thoughts, and a severe "other" reaction once carried.
   - A severe "other" reaction found at this review: the clinician may choose `hold` with a reason
     (never a titration), at this review only.
   - A severe side effect with no remedy left on the lowest step (also ends the trial): the
     clinician may, with a reason, keep the dose (never raise it).
2. `restart` at step 1 (or at the dose last taken, when lower) after a stop that has cleared, or
   after more than `restart_after_days_off` days without LDN. After an opioid stop in someone
   whose screening needed a urine opioid screen, a negative screen at this review comes first
   (`followup_urine_screen_needed`, `followup_urine_positive`: stop, refused; a positive screen
   starts the opioid-free wait again). With anything bearing on safety unknown or cautioned the
   patient stays off LDN (`stop`, `followup_stay_off`): starting again is a rise in dose. A
   restart re-plans the response review: the date the target is reached again +
   `response_review_weeks`.
3. `step_down` to the ceiling when the dose taken is above this patient's highest dose (above the
   cap included: an error to correct, never continued or held; `followup_dose_above_ceiling` is
   on every decision then).
4. `step_down` for a severe side effect, or a moderate one the patient cannot tolerate, that a move
   to the morning would not relieve (with a move to the morning as well when sleep is hit too);
   after it the review never goes back up to the dose that caused it
   (`followup_tolerated_ceiling`: hold at the highest tolerated step; only the clinician may choose
   the higher dose, with a reason); `switch_to_morning` for moderate or severe sleep trouble or
   vivid dreams on bedtime dosing; `hold` for a moderate side effect the patient can tolerate (or
   whose tolerability is unknown).
5. `continue` on the target, or inside the extension; `hold` at a maintenance review with no score
   (once: re-score within `extend_once_weeks` of the first unscored review, or the review stops
   with `followup_cannot_judge`); `advance` one step when the step has run its length; otherwise
   `hold`.

Never a rise while anything bears on safety is unknown or cautioned: an unanswered safety item or
side-effect grade, worse low mood, a new interacting medicine, planned surgery, or more than
`adherence_missed_doses_max` missed doses turn an `advance` into a `hold` (and the clinician may
not choose a rise either).

The next review is never later than the response review (before it), the extension's end, the
re-score window, the paediatric limit, or the planned re-check after a met response
(`recheck_after_met_weeks`).

A clinician's different choice is applied when it has a reason and none of the above refuses it,
and it never gives more than the cap, the next step, or this patient's ceiling; "keep the dose"
(`continue`, `hold`, `switch_to_morning`) must keep the dose taken; after any stop, on a
restart, or while a rise is barred, nothing above the dose taken may be chosen (a `restart` at
step 1 may, unless a safety item is unknown or cautioned). An accepted choice adds
`followup_clinician_choice`. Without a plan only `stop` may be chosen.

Carried forward, review to review: the schedule in force (so a step is timed from its real start),
the opioid-free wait and the pregnancy status, the one extension, the date the response rule was
first met and the first unscored maintenance review, the response review (re-planned by a
restart), the dose that caused a step-down, whether the stop in force involved opioids, and the
stops that ended the trial. Pure: the same visit and rules give the same decisions, and each
decision depends only on the follow-ups up to it.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import Literal

from ldn_aid.content import RuleBook, load_rules
from ldn_aid.content.schema import plain_number
from ldn_aid.domain.assessment import Assessment
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.followup import (
    CLINICIAN_CHOICE,
    SLEEP_EFFECTS,
    Decision,
    DecisionReason,
    FollowUp,
    FollowUpDecision,
    Grade,
)
from ldn_aid.domain.protocol import Protocol, Step, Timing
from ldn_aid.domain.visit import Visit
from ldn_aid.rules.engine import evaluate, urine_screen_required
from ldn_aid.rules.gate import handout_gate
from ldn_aid.rules.protocol_builder import build_protocol, patient_ceiling
from ldn_aid.rules.review_ladder import Ladder, step_start
from ldn_aid.rules.review_response import UNJUDGED, Stage, judge_by, response_stage
from ldn_aid.rules.review_safety import (
    URINE_SCREEN_PATH,
    Fired,
    SafetyFindings,
    SafetyState,
    after_positive_screen,
    assess_safety,
    first_state,
    with_unanswered,
)

_BAD = ("moderate", "severe")
# Stops that end the trial: a later review stays `stop` (with `since`, the review that stopped it).
# All but one are refused at the review that finds them and at every later one; the one exception
# is a severe side effect on the lowest step, which the clinician may override (never to a rise).
# A severe "other" reaction may be overridden to `hold` at the review that finds it only.
_ENDS_TRIAL_SOFT = ("followup_stop_severe_lowest",)
_ENDS_TRIAL = (
    "followup_stop_allergy",
    "followup_stop_liver",
    "followup_stop_suicidal",
    "followup_stop_severe_other",
    "followup_stop_no_response",
    "followup_response_lost",
    "followup_cannot_judge",
    *_ENDS_TRIAL_SOFT,
)
# The stops that mean an opioid may still be in the body: a restart after them may need a urine screen.
_OPIOID_STOPS = (
    "followup_stop_opioids",
    "followup_stop_agonist",
    "followup_opioid_free_wait",
    "followup_opioid_date_needed",
    "followup_urine_screen_needed",
    "followup_urine_positive",
)
# Which clinician choices a computed decision allows: any within bounds, only `hold` (a severe
# "other" reaction), only `stop` (a dose above the ceiling; staying off LDN), or none (a stop that
# is refused).
Policy = Literal["bounded", "hold_only", "stop_only", "refused"]
# Decisions that keep the dose taken.
_SAME_DOSE: tuple[Decision, ...] = ("continue", "hold", "switch_to_morning")


@dataclass(frozen=True)
class _Setting:
    """What stays the same for every follow-up of one visit (with a plan)."""

    visit: Visit
    book: RuleBook
    protocol: Protocol
    ladder: Ladder
    # The highest dose this patient may take: the protocol's target, within its ceiling.
    limit: Decimal
    # Under 18 without a specialist's sign-off for a longer trial: the last day the trial may run.
    trial_ends: dt.date | None
    # Screening needed a negative urine opioid screen (past opioid use disorder, or doubt).
    urine_required: bool
    response_weeks: dt.timedelta


@dataclass(frozen=True)
class _Past:
    """What earlier follow-ups carry forward to the next one."""

    schedule: tuple[Step, ...]
    safety: SafetyState
    # The response review in force (the protocol's, re-planned by a restart).
    response_review: dt.date
    # The decision that happened at the review before (None at the first review).
    previous: Decision | None = None
    # Stops that ended the trial, each with `since`.
    ended: tuple[Fired, ...] = ()
    # The end of the one extension, once the clinician has used it.
    extended_until: dt.date | None = None
    # The date the response rule was first met (maintenance from then on).
    met_on: dt.date | None = None
    # The first of the maintenance reviews in a row with no score (the re-score window's start).
    unscored_since: dt.date | None = None
    # The stop in force involved opioids (a restart after it may need a new urine screen).
    opioid_stop: bool = False
    # Restarted and not yet back on the target: the response review waits for the target.
    retitrating: bool = False
    # The lowest dose a side effect was stepped down from: the review never goes back up to it.
    tolerated: Decimal | None = None


@dataclass(frozen=True)
class _Computed:
    decision: Decision
    reasons: tuple[Fired, ...]
    cautions: tuple[Fired, ...]
    stage: Stage
    policy: Policy
    timing: Timing
    # Nothing above the dose taken may be chosen (something bears on safety, or the patient is off
    # LDN); and no start again at step 1 either (a safety item is unknown or cautioned).
    no_rise: bool = False
    no_restart: bool = False
    adherence: bool = False
    hold_until: dt.date | None = None
    # The latest date for the next review by the response rule (response review, extension's end,
    # re-score window).
    judge_by: dt.date | None = None
    recheck_due: dt.date | None = None
    # The trial-ending stops among `reasons`, carried forward when the stop stands.
    ends_trial: tuple[Fired, ...] = ()
    # The dose the review never goes back up to (after a step-down for a side effect).
    tolerated: Decimal | None = None
    # The urine opioid screen before the restart was positive: the opioid-free wait starts again.
    urine_positive: bool = False


@dataclass(frozen=True)
class _Plan:
    next_dose: Decimal | None
    timing: Timing | None
    steps: tuple[Step, ...]
    next_review: dt.date | None


_STOP_PLAN = _Plan(None, None, (), None)


def review(visit: Visit, rules: RuleBook | None = None) -> FollowUpDecision | None:
    """The decision for the latest follow-up, or None when no follow-up is recorded."""
    decisions = review_all(visit, rules)
    return decisions[-1] if decisions else None


def review_all(
    visit: Visit,
    rules: RuleBook | None = None,
    assessment: Assessment | None = None,
    protocol: Protocol | None = None,
    gate: Gate | None = None,
) -> tuple[FollowUpDecision, ...]:
    """One decision per follow-up, oldest first, in one pass that carries state forward.

    Args:
        visit: the visit with its follow-ups, oldest first.
        rules: the rule book; the installed one when not given.
        assessment, protocol, gate: the first visit's, when the caller has them (`decide`);
            computed here when not given.
    """
    if not visit.follow_ups:
        return ()
    book = rules if rules is not None else load_rules()
    if assessment is None:
        assessment = evaluate(visit, book)
    if protocol is None:
        protocol = build_protocol(visit, assessment, book)
    if gate is None:
        gate = handout_gate(visit, assessment, protocol)
    if protocol is None or not gate.allowed:
        return _no_plan_all(visit, book, assessment, protocol)

    setting = _setting(visit, book, protocol)
    past = _Past(schedule=protocol.steps, safety=first_state(visit), response_review=protocol.response_review)
    decisions: list[FollowUpDecision] = []
    for follow_up in visit.follow_ups:
        decision, past = _review_one(setting, past, follow_up)
        decisions.append(decision)
    return tuple(decisions)


def _setting(visit: Visit, book: RuleBook, protocol: Protocol) -> _Setting:
    ladder = Ladder(
        doses=tuple(step.dose_mg for step in protocol.steps),
        weeks=protocol.step_weeks,
        mg_per_ml=None if protocol.formulation == "capsule" else book.number("liquid_mg_per_ml"),
    )
    return _Setting(
        visit=visit,
        book=book,
        protocol=protocol,
        ladder=ladder,
        limit=min(protocol.target_mg, protocol.ceiling_mg),
        trial_ends=_trial_ends(visit, book, protocol),
        urine_required=urine_screen_required(visit),
        response_weeks=dt.timedelta(weeks=int(book.number("response_review_weeks"))),
    )


def _trial_ends(visit: Visit, book: RuleBook, protocol: Protocol) -> dt.date | None:
    """The protocol's paediatric limit; worked out here too should the protocol not carry one.

    Only `plan.specialist_signoff_longer_trial` lifts it: the age sign-off (`specialist_signoff`,
    for ages 6-7) does not.
    """
    if protocol.trial_ends is not None:
        return protocol.trial_ends
    age = visit.patient.age_years
    signed_off = visit.plan is not None and visit.plan.specialist_signoff_longer_trial
    if age is None or age >= book.number("adult_age_years") or signed_off:
        return None
    return protocol.start_date + dt.timedelta(weeks=int(book.number("paediatric_max_trial_weeks")))


def _reason(book: RuleBook, fired: Fired) -> DecisionReason:
    meta = book.rules[fired.rule_id]
    return DecisionReason(
        rule_id=fired.rule_id,
        severity=meta.severity,
        inputs=fired.inputs,
        references=meta.references,
        params=dict(fired.params),
    )


# ---- no plan -------------------------------------------------------------------------------------


def _no_plan_all(
    visit: Visit, book: RuleBook, assessment: Assessment, protocol: Protocol | None
) -> tuple[FollowUpDecision, ...]:
    """Every review of a visit without a plan that may be given: no dosing advice, and why not."""
    first_visit: list[DecisionReason] = []
    if protocol is None:
        first_visit.append(_reason(book, Fired("followup_no_protocol", assessment.missing)))
    first_visit += [
        DecisionReason(
            rule_id=f.rule_id,
            severity=f.severity,
            inputs=f.inputs,
            references=f.references,
            params=dict(f.params),
        )
        for f in assessment.with_severity("stop")
    ]
    if protocol is not None:
        first_visit.append(_reason(book, Fired("followup_plan_not_given")))
    state = first_state(visit)
    # Without a plan there is still a ceiling from age and weight (the cap while either is unknown):
    # a dose above it is flagged.
    ceiling = patient_ceiling(visit, book)
    flag_above = ceiling if ceiling is not None else book.number("max_dose_mg")
    decisions = []
    for follow_up in visit.follow_ups:
        # The review's own safety findings are shown too (the patient is taking LDN without a plan),
        # unanswered items included, so a review cannot be recorded with them left blank.
        safety = assess_safety(book, visit, state, follow_up)
        state = safety.state
        reasons = [*first_visit, *(_reason(book, fired) for fired in (*safety.stops, *safety.cautions))]
        if follow_up.dose_mg > flag_above:
            params = {"dose_mg": plain_number(follow_up.dose_mg), "ceiling_mg": plain_number(flag_above)}
            fired = Fired("followup_no_plan_dose_above_ceiling", ("follow_ups.dose_mg",), params)
            reasons.append(_reason(book, fired))
        chosen = follow_up.clinician_decision
        overridden = chosen is not None and chosen != "no_plan"
        # Only "stop" may be chosen (with a reason): it is advice that needs no plan.
        accepted = overridden and chosen == "stop" and _has_reason(follow_up)
        if overridden and not accepted:
            reasons.append(_reason(book, Fired("followup_override_refused")))
        if accepted:
            reasons.append(_reason(book, Fired(CLINICIAN_CHOICE)))
        decisions.append(
            FollowUpDecision(
                review_date=follow_up.date,
                dose_taken_mg=follow_up.dose_mg,
                decision="stop" if accepted else "no_plan",
                computed="no_plan",
                chosen=chosen,
                override_reason=follow_up.override_reason if overridden else None,
                override_refused=overridden and not accepted,
                reasons=tuple(reasons),
                adherence_point=False,
                cannot_judge=False,
                next_dose_mg=None,
                next_timing=None,
                revised_steps=(),
                next_review=None,
                response_review=None,
                ceiling_mg=ceiling,
            )
        )
    return tuple(decisions)


def _has_reason(follow_up: FollowUp) -> bool:
    return bool(follow_up.override_reason and follow_up.override_reason.strip())


# ---- one follow-up with a plan -------------------------------------------------------------------


def _review_one(setting: _Setting, past: _Past, follow_up: FollowUp) -> tuple[FollowUpDecision, _Past]:
    """The decision for one follow-up, and what it carries to the next."""
    past = _back_on_target(setting, past, follow_up)
    safety = assess_safety(setting.book, setting.visit, past.safety, follow_up)
    computed = _compute(setting, past, follow_up, safety)
    computed_plan = _plan(setting, follow_up, computed, computed.decision)
    if computed_plan is None:  # pragma: no cover - a computed advance always has a step above
        raise RuntimeError(f"no plan for the computed decision {computed.decision}")
    decision, plan, refused = _choose(setting, follow_up, computed, computed_plan)

    book = setting.book
    fired = [*computed.reasons, *computed.cautions]
    if refused is not None:
        fired.append(Fired(refused))
    elif decision != computed.decision:
        fired.append(Fired(CLINICIAN_CHOICE))
    chosen = follow_up.clinician_decision
    overridden = chosen is not None and chosen != computed.decision
    after = _carry(setting, past, follow_up, safety, computed, decision, plan)
    restarted = decision == "restart"
    result = FollowUpDecision(
        review_date=follow_up.date,
        dose_taken_mg=follow_up.dose_mg,
        decision=decision,
        computed=computed.decision,
        chosen=chosen,
        override_reason=follow_up.override_reason if overridden else None,
        override_refused=refused is not None,
        reasons=tuple(_reason(book, item) for item in fired),
        adherence_point=computed.adherence,
        # A restart starts the titration again: the response is judged after it, not now.
        cannot_judge=computed.stage in UNJUDGED and not restarted,
        next_dose_mg=plan.next_dose,
        next_timing=plan.timing,
        revised_steps=plan.steps,
        next_review=plan.next_review,
        response_review=after.response_review,
        recheck_due=None if restarted else computed.recheck_due,
        ceiling_mg=setting.limit,
    )
    return result, after


def _back_on_target(setting: _Setting, past: _Past, follow_up: FollowUp) -> _Past:
    """After a restart, the response review is the date the target is reached again + its weeks."""
    if not past.retitrating or follow_up.dose_mg < setting.ladder.target:
        return past
    reached = step_start(past.schedule, follow_up.dose_mg, follow_up.date)
    return replace(past, retitrating=False, response_review=reached + setting.response_weeks)


def _carry(
    setting: _Setting,
    past: _Past,
    follow_up: FollowUp,
    safety: SafetyFindings,
    computed: _Computed,
    decision: Decision,
    plan: _Plan,
) -> _Past:
    """What the next follow-up inherits: the schedule, the safety state, the response, any end."""
    today = follow_up.date
    extended_until = past.extended_until
    if extended_until is None and computed.stage == "extended" and computed.decision != "stop":
        extended_until = computed.judge_by
    met_on = past.met_on
    if met_on is None and computed.stage == "met":
        met_on = today
    unscored_since = past.unscored_since
    if computed.stage == "maintenance_unscored":
        unscored_since = unscored_since or today
    elif computed.stage in ("met", "lost"):
        unscored_since = None
    # A stop that ended the trial holds at every later review (the soft ones until the clinician,
    # with a reason, chooses otherwise).
    ended = past.ended if decision == "stop" else ()
    if decision == "stop" and computed.decision == "stop":
        carried = {item.rule_id for item in ended}
        since = today.isoformat()
        ended += tuple(
            replace(item, params={**item.params, "since": since})
            for item in computed.ends_trial
            if item.rule_id not in carried
        )
    opioid_stop = decision == "stop" and (
        past.opioid_stop or any(item.rule_id in _OPIOID_STOPS for item in computed.reasons)
    )
    state = safety.state
    if computed.urine_positive:
        state = after_positive_screen(state, past.safety, follow_up)
    tolerated = computed.tolerated if decision == computed.decision else past.tolerated
    if (
        decision == "advance"
        and tolerated is not None
        and plan.next_dose is not None
        and plan.next_dose >= tolerated
    ):
        tolerated = None  # the clinician chose to try the higher dose again
    response_review = past.response_review
    retitrating = past.retitrating
    if decision == "restart" and plan.next_dose is not None:
        # The response is judged again after the new titration: the date the target is reached
        # again (by the restart's full schedule) + response_review_weeks; a met response is not
        # carried.
        ladder = setting.ladder
        titration = ladder.schedule(plan.next_dose, today, today + ladder.length)
        response_review = titration[-1].start + setting.response_weeks
        retitrating = len(titration) > 1
        met_on, unscored_since = None, None
    return replace(
        past,
        schedule=plan.steps,
        safety=state,
        response_review=response_review,
        previous=decision,
        ended=ended,
        extended_until=extended_until,
        met_on=met_on,
        unscored_since=unscored_since,
        opioid_stop=opioid_stop,
        retitrating=retitrating,
        tolerated=tolerated,
    )


def _compute(setting: _Setting, past: _Past, follow_up: FollowUp, safety: SafetyFindings) -> _Computed:
    """The decision the rules give, in order of precedence (see the module docstring)."""
    book = setting.book
    today = follow_up.date
    after_stop = past.previous == "stop"
    # After a stop the patient was told not to take LDN: missed doses are no adherence point.
    adherence = not after_stop and follow_up.missed_doses_last_week > book.number(
        "adherence_missed_doses_max"
    )
    cautions = safety.cautions
    if adherence:
        cautions += (Fired("followup_adherence", ("follow_ups.missed_doses_last_week",)),)
    safety_capped = bool(safety.cautions)

    effects = follow_up.side_effects.graded()
    severe_other = effects["other"] == "severe"
    # Sleep effects on bedtime dosing have a remedy left: taking the dose in the morning.
    switch = follow_up.timing == "bedtime" and any(effects[name] in _BAD for name in SLEEP_EFFECTS)
    unrelieved = [
        grade
        for name, grade in effects.items()
        if not (switch and name in SLEEP_EFFECTS) and not (severe_other and name == "other")
    ]
    met_before = past.met_on is not None
    # Off LDN since the last review (a stop): there is no response to judge; a restart re-plans the
    # response review, and a stop that ended the trial still holds.
    stage: Stage = (
        "before"
        if after_stop
        else response_stage(
            book,
            setting.visit,
            past.response_review,
            follow_up,
            met_before,
            past.extended_until,
            past.unscored_since,
        )
    )
    met_on = past.met_on if met_before else (today if stage == "met" else None)
    deadline = (
        None
        if after_stop
        else judge_by(book, past.response_review, follow_up, stage, past.extended_until, past.unscored_since)
    )
    recheck_weeks = dt.timedelta(weeks=int(book.number("recheck_after_met_weeks")))
    # Every decision starts from this one: the facts of the review, with no decision yet.
    base = _Computed(
        decision="continue",
        reasons=(),
        cautions=cautions,
        stage=stage,
        policy="bounded",
        timing="morning" if switch else follow_up.timing,
        no_rise=safety_capped or adherence,
        no_restart=safety_capped,
        adherence=adherence,
        judge_by=deadline,
        recheck_due=None if met_on is None else met_on + recheck_weeks,
        tolerated=past.tolerated,
    )

    above = follow_up.dose_mg > setting.limit
    above_ceiling: tuple[Fired, ...] = ()
    if above:
        params = {"dose_mg": plain_number(follow_up.dose_mg), "ceiling_mg": plain_number(setting.limit)}
        above_ceiling = (Fired("followup_dose_above_ceiling", ("follow_ups.dose_mg",), params),)

    # 1. stops
    stops = _stops(setting, past, follow_up, safety, stage, severe_other, unrelieved)
    if stops is not None:
        hard, soft = stops
        reasons = (*hard, *soft)
        return replace(
            base,
            decision="stop",
            reasons=(*reasons, *above_ceiling),
            policy="refused" if hard else ("hold_only" if severe_other else "bounded"),
            # A stop is never overridden to a rise.
            no_rise=True,
            ends_trial=tuple(item for item in reasons if item.rule_id in _ENDS_TRIAL),
        )

    # 2. restart at step 1 (or stay off LDN while anything bearing on safety is unknown or cautioned)
    days_off = follow_up.days_without_ldn
    long_break = days_off is not None and days_off > book.number("restart_after_days_off")
    if after_stop or long_break:
        return _restart(setting, past, follow_up, base, above_ceiling)

    lead = _lead_reasons(stage, base.recheck_due, today)

    # 3. a dose above this patient's ceiling is cut to it
    if above:
        morning = (Fired("followup_switch_morning"),) if switch else ()
        return replace(
            base, decision="step_down", reasons=(*lead, *above_ceiling, *morning), policy="stop_only"
        )

    # 4-5. side effects, then the schedule
    step = _next_step(setting, past, follow_up, stage, switch, unrelieved, base.judge_by)
    decision, own, hold_until = step.decision, step.reasons, step.hold_until
    if decision == "advance" and base.no_rise:
        decision, own, hold_until = "hold", (), None
    return replace(
        base, decision=decision, reasons=(*lead, *own), hold_until=hold_until, tolerated=step.tolerated
    )


def _restart(
    setting: _Setting, past: _Past, follow_up: FollowUp, base: _Computed, above_ceiling: tuple[Fired, ...]
) -> _Computed:
    """A restart is due: start again at step 1, unless a urine screen or a safety answer is missing."""
    cautions = base.cautions
    capped = base.no_restart
    if past.previous == "stop" and past.opioid_stop and setting.urine_required:
        screen = follow_up.safety.urine_opioid_screen
        if screen is None:
            cautions = with_unanswered(cautions, URINE_SCREEN_PATH)
        if screen != "negative":
            rule_id = "followup_urine_positive" if screen == "positive" else "followup_urine_screen_needed"
            return replace(
                base,
                decision="stop",
                reasons=(Fired(rule_id, (URINE_SCREEN_PATH,)), *above_ceiling),
                cautions=cautions,
                policy="refused",
                no_rise=True,
                no_restart=True,
                urine_positive=screen == "positive",
            )
    if capped:
        # Starting again is a rise: with anything bearing on safety unknown or cautioned, LDN stays off.
        return replace(
            base,
            decision="stop",
            reasons=(Fired("followup_stay_off"), *above_ceiling),
            policy="stop_only",
            no_rise=True,
        )
    return replace(
        base, decision="restart", reasons=(Fired("followup_restart"), *above_ceiling), no_rise=True
    )


def _stops(
    setting: _Setting,
    past: _Past,
    follow_up: FollowUp,
    safety: SafetyFindings,
    stage: Stage,
    severe_other: bool,
    unrelieved: list[Grade | None],
) -> tuple[tuple[Fired, ...], tuple[Fired, ...]] | None:
    """The stops that hold (those whose override is refused, then the others), or None."""
    hard = list(safety.stops)
    if setting.trial_ends is not None and follow_up.date >= setting.trial_ends:
        until = {"until": setting.trial_ends.isoformat()}
        inputs = ("patient.age_years", "plan.specialist_signoff_longer_trial")
        hard.append(Fired("followup_paediatric_limit", inputs, until))
    response_stop = {
        "not_met": "followup_stop_no_response",
        "cannot_judge": "followup_cannot_judge",
        "lost": "followup_response_lost",
    }.get(stage)
    if response_stop is not None:
        hard.append(Fired(response_stop, ("follow_ups.score", "follow_ups.cgi_i")))
    soft: list[Fired] = []
    if severe_other:
        soft.append(Fired("followup_stop_severe_other", ("follow_ups.side_effects.other",)))
    if "severe" in unrelieved and follow_up.dose_mg <= setting.ladder.lowest:
        soft.append(Fired("followup_stop_severe_lowest", ("follow_ups.side_effects",)))
    # An earlier stop that ended the trial still holds (unless found again now); only a severe side
    # effect on the lowest step may still be overridden at a later review.
    found = {item.rule_id for item in (*hard, *soft)}
    for item in past.ended:
        if item.rule_id not in found:
            (soft if item.rule_id in _ENDS_TRIAL_SOFT else hard).append(item)
    if not hard and not soft:
        return None
    return tuple(hard), tuple(soft)


def _lead_reasons(stage: Stage, recheck_due: dt.date | None, today: dt.date) -> tuple[Fired, ...]:
    """Where the review stands against the response rule, and whether the re-check is due."""
    lead = {
        "met": (Fired("followup_response_met"),),
        "extended": (Fired("followup_cannot_judge"), Fired("followup_extend_once")),
        "maintenance_unscored": (
            Fired("followup_maintenance_no_score", ("follow_ups.score", "follow_ups.cgi_i")),
        ),
    }.get(stage, ())
    if recheck_due is not None and today >= recheck_due:
        lead = (*lead, Fired("followup_recheck_due", (), {"until": recheck_due.isoformat()}))
    return lead


@dataclass(frozen=True)
class _Step:
    decision: Decision
    reasons: tuple[Fired, ...]
    hold_until: dt.date | None
    tolerated: Decimal | None


def _next_step(
    setting: _Setting,
    past: _Past,
    follow_up: FollowUp,
    stage: Stage,
    switch: bool,
    unrelieved: list[Grade | None],
    deadline: dt.date | None,
) -> _Step:
    """With no stop: step down, move to the morning, hold, continue or advance (and until when to hold)."""
    ladder = setting.ladder
    taken = follow_up.dose_mg
    tolerated = past.tolerated
    if "severe" in unrelieved or ("moderate" in unrelieved and follow_up.tolerable == "no"):
        morning = (Fired("followup_switch_morning"),) if switch else ()
        if ladder.below(taken) < taken:  # the dose that caused it is never given again by the review
            tolerated = taken if tolerated is None else min(tolerated, taken)
        return _Step("step_down", (Fired("followup_step_down"), *morning), None, tolerated)
    if switch:
        return _Step("switch_to_morning", (Fired("followup_switch_morning"),), None, tolerated)
    if "moderate" in unrelieved:
        return _Step("hold", (Fired("followup_hold_tolerable"),), None, tolerated)
    if stage == "maintenance_unscored":  # cannot judge: keep the dose until it is re-scored
        return _Step("hold", (), deadline, tolerated)
    if taken >= ladder.target or stage == "extended":  # an extension keeps the dose; it never titrates
        own = {"before": "followup_continue", "met": "followup_continue_maintenance"}.get(stage)
        return _Step("continue", () if own is None else (Fired(own),), None, tolerated)
    up = ladder.above(taken)
    if tolerated is not None and up is not None and up >= tolerated:
        # The highest tolerated step: the review does not go back up to the dose that caused it.
        ceiling = Fired("followup_tolerated_ceiling", (), {"dose_mg": plain_number(tolerated)})
        if stage == "met":
            return _Step("continue", (Fired("followup_continue_maintenance"), ceiling), None, tolerated)
        return _Step("hold", (ceiling,), None, tolerated)
    step_end = step_start(past.schedule, taken, follow_up.date) + ladder.length
    # A step has run its length on its last day: the protocol puts its tolerability review there,
    # "so the review comes before the first dose increase".
    if follow_up.date >= step_end - dt.timedelta(days=1):
        return _Step("advance", (Fired("followup_advance"),), None, tolerated)
    return _Step("hold", (Fired("followup_hold"),), step_end, tolerated)


# ---- the plan for a decision, and the clinician's choice ----------------------------------------


def _plan(setting: _Setting, follow_up: FollowUp, computed: _Computed, decision: Decision) -> _Plan | None:
    """Dose, timing, schedule and next review for `decision`; None when it cannot be planned."""
    if decision == "stop":
        return _STOP_PLAN
    if decision == "no_plan":
        return None
    ladder = setting.ladder
    today = follow_up.date
    one_step = today + ladder.length
    same = min(follow_up.dose_mg, setting.limit)
    timing = computed.timing if decision == computed.decision else follow_up.timing
    if decision == "switch_to_morning":
        timing = "morning"
    if decision == "advance":
        up = ladder.above(follow_up.dose_mg)
        if up is None:
            return None
        dose, steps, review_on = up, ladder.schedule(up, today, one_step), one_step
    elif decision == "restart":
        # Step 1 (or the dose last taken, when that was lower: a restart never gives more).
        dose = min(ladder.lowest, follow_up.dose_mg)
        steps, review_on = ladder.schedule(dose, today, one_step), one_step
    elif decision == "step_down":
        dose = setting.limit if follow_up.dose_mg > setting.limit else ladder.below(follow_up.dose_mg)
        steps, review_on = ladder.schedule(dose, today, one_step), one_step
    elif decision == "continue":
        dose, steps = same, (ladder.step(same, today),)
        review_on = _continue_review(setting, computed, today)
    else:  # hold, switch_to_morning
        dose = same
        held = computed.hold_until if decision == computed.decision else None
        until = held if held is not None else one_step
        steps, review_on = ladder.schedule(dose, today, until), until
    chosen_rise = decision == "advance" and decision != computed.decision
    if computed.tolerated is not None and not chosen_rise:
        # The schedule never plans the dose that caused the step-down (only the clinician may).
        steps = (steps[0], *(step for step in steps[1:] if step.dose_mg < computed.tolerated))
    return _Plan(dose, timing, steps, _no_later_than(setting, computed, today, review_on, decision))


def _no_later_than(
    setting: _Setting, computed: _Computed, today: dt.date, review_on: dt.date, decision: Decision
) -> dt.date:
    """Never skip the response review, the extension's end, the paediatric limit or the re-check
    (a restart re-plans the response review and the re-check: only the paediatric limit then)."""
    limits = [setting.trial_ends]
    if decision != "restart":
        limits += [computed.judge_by, computed.recheck_due]
    return min([review_on, *(day for day in limits if day is not None and day > today)])


def _continue_review(setting: _Setting, computed: _Computed, today: dt.date) -> dt.date:
    if computed.judge_by is not None and computed.judge_by > today:
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
    if computed.policy == "refused":
        return computed.decision, computed_plan, "followup_override_refused_stop"
    refused = (computed.decision, computed_plan, "followup_override_refused")
    allowed = {"bounded": True, "hold_only": choice == "hold", "stop_only": choice == "stop"}
    if not _has_reason(follow_up) or not allowed[computed.policy]:
        return refused
    plan = _plan(setting, follow_up, computed, choice)
    if plan is None or not _within_bounds(setting, follow_up.dose_mg, plan.next_dose):
        return refused
    if choice == "restart":
        barred = computed.no_restart
    else:
        above = plan.next_dose is not None and plan.next_dose > follow_up.dose_mg
        barred = computed.no_rise and (choice == "advance" or above)
    if barred:
        return refused
    # "Keep the dose" must keep it: a dose above the ceiling is never held or continued (D14).
    if choice in _SAME_DOSE and plan.next_dose != follow_up.dose_mg:
        return refused
    return choice, plan, None


def _within_bounds(setting: _Setting, taken: Decimal, dose: Decimal | None) -> bool:
    """Never above the cap or this patient's ceiling, never beyond the next step of the protocol."""
    if dose is None:
        return True
    if dose > setting.book.number("max_dose_mg") or dose > setting.limit:
        return False
    return dose <= setting.ladder.next_step_or_target(taken)


__all__ = ["review", "review_all"]
