"""Property tests over generated follow-up histories (issue 9, "Done means").

Each property is checked against facts worked out here from the visit file alone (what was left
unanswered, when the last opioid was taken, the paediatric limit, the protocol's doses), not from
the review's own state:

- no decision raises the dose while a safety item (or a side-effect grade) is unknown or cautioned;
- no next dose above this patient's ceiling, the next step, or the cap;
- no decision other than stop inside the opioid-free window after an opioid;
- C1: none within opioid_free_days of the later of the reported last dose and the previous review,
  after any "yes" (so an older date never clears a newer "yes");
- no restart after an opioid stop, where screening needed a urine screen, without a negative one;
- no decision other than stop at or past the paediatric limit without the longer-trial sign-off;
- the safety stops always stop, and their override is refused; after an allergy, liver injury or
  suicidal thoughts every later review stops too;
- overrides of the trial-ending stops are always refused;
- every stop has a stop-severity reason (or, when chosen, the clinician's choice) among the
  patient reasons; patient reasons never put a stop's words under a non-stop decision, or hold
  words under a stop;
- a dose above the ceiling is never continued or held;
- review_all is one linear pass (each decision equals the review of its prefix) and deterministic.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.domain.followup import DECISIONS, SAFETY_ITEMS, SIDE_EFFECTS, FollowUp, FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, decide, evaluate, review, review_all
from ldn_aid.rules.engine import urine_screen_required
from ldn_aid.rules.protocol_builder import patient_ceiling

MakeVisit = Callable[..., Visit]
CAP = Decimal("4.5")
START = dt.date(2026, 1, 5)
# make_visit is a stateless builder, so sharing it across generated examples is safe.
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
ALWAYS_ASKED = tuple(
    name for name in SAFETY_ITEMS if name not in ("last_opioid_dose", "pregnancy", "urine_opioid_screen")
)
STOP_ITEMS = ("allergic_reaction", "liver_injury_signs", "new_liver_disease", "suicidal_thoughts")
CAUTION_ITEMS = ("low_mood_worse", "new_thioridazine", "new_disulfiram", "surgery_planned")
RISES = ("advance", "restart")
NO_DOSE = ("stop", "no_plan")
CHOICE = "followup_clinician_choice"
REFUSALS = ("followup_override_refused", "followup_override_refused_stop")
# The trial-ending stops whose override is refused at that review and later (a severe "other"
# reaction only once carried, with `since`).
TRIAL_ENDING = (
    "followup_stop_no_response",
    "followup_response_lost",
    "followup_cannot_judge",
    "followup_stop_allergy",
    "followup_stop_liver",
    "followup_stop_suicidal",
    "followup_paediatric_limit",
)

# Weighted so that every decision is common: most follow-ups report little, a few report a stop.
GRADES = ("none", "none", "none", "none", "mild", "mild", "moderate", "severe", None)
LADDER_DOSES = ("0.5", "0.8", "1.0", "1.3", "1.5", "2.0", "2.3", "2.5", "2.7", "3.0", "3.5", "4.0", "4.5")
# Doses taken above the 4.5 mg cap (recordable up to 150 mg): always an error to correct.
ABOVE_CAP = ("6.0", "9.0", "50")
tenths = st.integers(1, 45).map(lambda n: Decimal(n) / 10)
# Plausible weights for the age (and one that is not: the visit is then incomplete, so no plan).
AGE_WEIGHT = (
    (8, 23.0),
    (9, 28.0),
    (12, 40.0),
    (15, 55.0),
    (17, 44.9),
    (18, 45.0),
    (30, 70.0),
    (70, 60.0),
    (8, 70.0),
)
answer = st.sampled_from(["no"] * 12 + ["yes", None])


@st.composite
def follow_up(draw: st.DrawFn, date: dt.date, calm: bool) -> dict[str, Any]:
    """A generated follow-up; a `calm` one answers the safety block "no" and reports little."""
    grades = st.sampled_from(("none", "mild")) if calm else st.sampled_from(GRADES)
    if calm:
        safety: dict[str, Any] = {name: "no" for name in ALWAYS_ASKED}
        safety["pregnancy"] = draw(st.sampled_from(["no", None]))
        # Now and then an opioid in an otherwise calm history (its restart is then clean).
        safety["opioid_needed_or_taken"] = draw(st.sampled_from(["no"] * 5 + ["yes"]))
        days_off: int | None = 0
    else:
        safety = {name: draw(answer) for name in ALWAYS_ASKED}
        safety["pregnancy"] = draw(
            st.sampled_from([None, "no", "no", "no", "not_applicable", "trying", "pregnant", "breastfeeding"])
        )
        days_off = draw(st.sampled_from([0, 0, 0, 0, 0, None, 3, 14, 15, 30]))
        safety["urine_opioid_screen"] = draw(
            st.sampled_from([None, None, "negative", "positive", "not_done"])
        )
    # The date of the last opioid dose: mostly given after a "yes", sometimes without one, and
    # often older than the previous review (C1).
    said_yes = "yes" in (safety.get("opioid_needed_or_taken"), safety.get("methadone_or_buprenorphine"))
    given = draw(st.integers(0, 3)) != 0 if said_yes else draw(st.integers(0, 9)) == 0
    if given:
        offset = draw(st.integers(-20, 2))
        safety["last_opioid_dose"] = (date + dt.timedelta(days=offset)).isoformat()
    dose = st.one_of(st.sampled_from(LADDER_DOSES), st.sampled_from(LADDER_DOSES), tenths)
    if draw(st.integers(0, 19)) == 0:
        dose = st.sampled_from(ABOVE_CAP)
    return {
        "date": date.isoformat(),
        "dose_mg": Decimal(draw(dose)),
        "timing": draw(st.sampled_from(["bedtime", "morning"])),
        "missed_doses_last_week": draw(st.sampled_from([0, 0, 0, 1, 2, 3, 7])),
        "days_without_ldn": days_off,
        "side_effects": {name: draw(grades) for name in SIDE_EFFECTS},
        "tolerable": draw(st.sampled_from(["yes", "no", None])),
        "score": draw(st.one_of(st.none(), st.integers(0, 54))),
        "cgi_i": draw(st.one_of(st.none(), st.integers(1, 7))),
        "safety": safety,
        "clinician_decision": draw(st.one_of(st.none(), st.none(), st.sampled_from(DECISIONS))),
        "override_reason": draw(st.sampled_from([None, "", "clinical judgement", "clinical judgement"])),
        "extend_once": draw(st.booleans()),
    }


@st.composite
def follow_up_lists(draw: st.DrawFn, most: int) -> list[dict[str, Any]]:
    count = draw(st.integers(1, most))
    # Reviews spread over months, or days apart (so a wait spans several reviews).
    span = draw(st.sampled_from([200, 200, 40, 15]))
    offsets = sorted(draw(st.sets(st.integers(0, span), min_size=count, max_size=count)))
    calm = draw(st.booleans())
    return [draw(follow_up(START + dt.timedelta(days=offset), calm)) for offset in offsets]


@st.composite
def visit_overrides(draw: st.DrawFn, most: int = 6) -> dict[str, Any]:
    """Dotted-path changes to the base visit: who, the plan, and a history of follow-ups."""
    age, weight = draw(st.sampled_from(AGE_WEIGHT))
    overrides: dict[str, Any] = {
        "patient.age_years": age,
        "patient.weight_kg": weight,
        "diagnosis.baseline": {"scale": "aisrs", "score": draw(st.integers(10, 54)), "date": "2026-01-05"},
        "plan": {
            "schedule": draw(st.sampled_from(["standard", "gentle"])),
            "timing": draw(st.sampled_from(["auto", "bedtime", "morning"])),
            "step_weeks": draw(st.integers(1, 4)),
            "target_mg": draw(st.sampled_from([None] * 4 + [Decimal("3.0"), Decimal("2.0")]) | tenths),
            "change_reason": draw(st.sampled_from(["agreed"] * 9 + [None])),
            "specialist_signoff": draw(st.booleans()),
            "specialist_signoff_longer_trial": draw(st.sampled_from([False, False, True])),
        },
        "follow_ups": draw(follow_up_lists(most)),
    }
    if draw(st.booleans()):
        overrides["patient.sex_at_birth"] = "female"
        overrides["ldn_screen.pregnancy"] = draw(st.sampled_from(["no", "no", "not_applicable"]))
        overrides["ldn_screen.childbearing_potential"] = draw(st.sampled_from([None, "yes", "no"]))
    if draw(st.integers(0, 3)) == 0:
        # Screening needed a urine opioid screen: a restart after an opioid stop needs a new one.
        overrides["ldn_screen.past_opioid_use_disorder"] = "yes"
        overrides["ldn_screen.urine_opioid_screen"] = "negative"
    if draw(st.integers(0, 19)) == 0:
        overrides["ldn_screen.planned_surgery"] = None  # no plan
    return overrides


# ---- facts from the visit file alone ------------------------------------------------------------


def _pregnancy_asked(visit: Visit) -> bool:
    return visit.patient.sex_at_birth != "male" and visit.ldn_screen.childbearing_potential != "no"


def _unknown(visit: Visit, follow_up: FollowUp) -> bool:
    """A safety question (or a side-effect grade) this review needed was not answered."""
    safety = follow_up.safety
    if follow_up.days_without_ldn is None or any(getattr(safety, n) is None for n in ALWAYS_ASKED):
        return True
    if any(grade is None for grade in follow_up.side_effects.graded().values()):
        return True
    if _pregnancy_asked(visit) and safety.pregnancy in (None, "not_applicable"):
        return True
    opioid = "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine)
    return opioid and safety.last_opioid_dose is None


def _cautioned(follow_up: FollowUp) -> bool:
    return any(getattr(follow_up.safety, n) == "yes" for n in CAUTION_ITEMS)


def _protocol(visit: Visit) -> Protocol | None:
    return build_protocol(visit, evaluate(visit))


def _pairs(visit: Visit) -> list[tuple[FollowUp, FollowUpDecision]]:
    decisions = review_all(visit)
    assert len(decisions) == len(visit.follow_ups)
    return list(zip(visit.follow_ups, decisions, strict=True))


def _rises(follow_up: FollowUp, decision: FollowUpDecision) -> bool:
    raised = decision.next_dose_mg is not None and decision.next_dose_mg > follow_up.dose_mg
    return decision.decision in RISES or raised


# ---- properties -----------------------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_no_rise_while_a_safety_item_is_unknown_or_cautioned(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    visit = make_visit(**overrides)
    for follow_up, decision in _pairs(visit):
        if _unknown(visit, follow_up) or _cautioned(follow_up):
            assert not _rises(follow_up, decision), (follow_up.date, decision.decision, decision.rule_ids)
        if _unknown(visit, follow_up):
            assert decision.computed == "no_plan" or "followup_safety_unanswered" in decision.rule_ids


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_no_dose_above_the_ceiling_the_next_step_or_the_cap(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    visit = make_visit(**overrides)
    protocol = _protocol(visit)
    for follow_up, decision in _pairs(visit):
        if decision.computed == "no_plan":
            assert decision.ceiling_mg == patient_ceiling(visit)
            continue
        assert protocol is not None
        ceiling = min(protocol.target_mg, protocol.ceiling_mg)
        doses = [step.dose_mg for step in protocol.steps]
        next_step = next((dose for dose in doses if dose > follow_up.dose_mg), doses[-1])
        assert decision.ceiling_mg == ceiling
        if decision.next_dose_mg is not None:
            assert decision.next_dose_mg <= CAP
            assert decision.next_dose_mg <= ceiling
            assert decision.next_dose_mg <= max(next_step, doses[0])
        for step in decision.revised_steps:
            assert step.dose_mg <= ceiling
        if follow_up.dose_mg > ceiling:
            # D14: never "continue" or "hold" a dose above the ceiling.
            assert decision.decision in ("step_down", "restart", "stop")
            assert "followup_dose_above_ceiling" in decision.rule_ids


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_stop_inside_the_opioid_free_window(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    opioid_free = dt.timedelta(days=10)
    agonist_free = dt.timedelta(days=14)
    any_opioid = False
    any_agonist = False
    last: dt.date | None = None
    for follow_up, decision in _pairs(visit):
        safety = follow_up.safety
        any_opioid = any_opioid or "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine)
        any_agonist = any_agonist or safety.methadone_or_buprenorphine == "yes"
        if safety.last_opioid_dose is not None:
            last = safety.last_opioid_dose if last is None else max(last, safety.last_opioid_dose)
        inside = (any_opioid and last is None) or (last is not None and follow_up.date < last + opioid_free)
        inside = inside or (any_agonist and last is not None and follow_up.date < last + agonist_free)
        if inside:
            assert decision.decision in NO_DOSE, (follow_up.date, last, decision.decision, decision.rule_ids)
        if "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine):
            assert decision.decision in NO_DOSE


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_stop_at_or_past_the_paediatric_limit(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    age = visit.patient.age_years
    assert age is not None
    # Only the sign-off for a longer trial lifts the limit (not the age sign-off).
    signed_off = visit.plan is not None and visit.plan.specialist_signoff_longer_trial
    if age >= 18 or signed_off:
        return
    limit = visit.start_date + dt.timedelta(weeks=16)
    for follow_up, decision in _pairs(visit):
        if follow_up.date >= limit:
            assert decision.decision in NO_DOSE
            if decision.computed != "no_plan":
                assert "followup_paediatric_limit" in decision.rule_ids
        elif decision.next_review is not None:
            assert decision.next_review <= limit


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_safety_stops_always_stop(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    status = visit.ldn_screen.pregnancy
    for follow_up, decision in _pairs(visit):
        safety = follow_up.safety
        answered = safety.pregnancy
        if answered is not None and not (answered == "not_applicable" and _pregnancy_asked(visit)):
            status = answered
        opioid = "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine)
        stops = opioid or any(getattr(safety, n) == "yes" for n in STOP_ITEMS)
        if stops or status in ("pregnant", "breastfeeding", "trying"):
            assert decision.decision in NO_DOSE
            if decision.computed != "no_plan":
                assert decision.computed == "stop"
                if follow_up.clinician_decision not in (None, "stop"):
                    assert decision.override_refused
                    assert "followup_override_refused_stop" in decision.rule_ids
        if follow_up.side_effects.other == "severe":
            assert decision.decision in ("stop", "hold", "no_plan")


@settings(max_examples=500, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_every_decision_is_well_formed(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    for follow_up, decision in _pairs(visit):
        assert decision.decision in DECISIONS
        assert decision.review_date == follow_up.date
        if decision.decision in NO_DOSE:
            assert (decision.next_dose_mg, decision.next_timing, decision.revised_steps) == (None, None, ())
            assert decision.next_review is None
        else:
            assert decision.next_dose_mg is not None
            assert decision.revised_steps
            first = decision.revised_steps[0]
            assert (first.start, first.dose_mg) == (follow_up.date, decision.next_dose_mg)
            starts = [step.start for step in decision.revised_steps]
            doses = [step.dose_mg for step in decision.revised_steps]
            assert starts == sorted(set(starts))
            assert doses == sorted(set(doses))
            assert decision.next_review is not None
            assert decision.next_review > follow_up.date
            if decision.response_review is not None and follow_up.date < decision.response_review:
                assert decision.next_review <= decision.response_review
            if decision.recheck_due is not None and follow_up.date < decision.recheck_due:
                assert decision.next_review <= decision.recheck_due
        if decision.decision == "no_plan":
            assert decision.computed == "no_plan"
            assert decision.rule_ids[0] in ("followup_no_protocol", "followup_plan_not_given")
        if decision.override_refused:
            assert decision.decision == decision.computed
        if decision.cannot_judge:
            assert decision.response_review is not None
            assert follow_up.date >= decision.response_review


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_c1_no_dose_within_the_wait_after_any_yes(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    """A "yes" means the last dose was on or after the previous review: no restart or other non-stop
    decision before the later of that date and the reported last dose + opioid_free_days (14 days
    after methadone or buprenorphine)."""
    visit = make_visit(**overrides)
    previous = visit.visit_date
    ends: list[dt.date] = []
    for follow_up, decision in _pairs(visit):
        safety = follow_up.safety
        if "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine):
            reported = safety.last_opioid_dose
            since = previous if reported is None else max(reported, previous)
            days = 14 if safety.methadone_or_buprenorphine == "yes" else 10
            ends.append(since + dt.timedelta(days=days))
        if any(follow_up.date < end for end in ends):
            assert decision.decision in NO_DOSE, (follow_up.date, ends, decision.decision, decision.rule_ids)
        previous = follow_up.date


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_c1_a_yes_waits_for_a_date_on_or_after_the_previous_review(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    """The stricter reading of C1: after a "yes" the last dose is unknown until a review gives a
    date on or after the review before that "yes"; until then, and until that date + the
    opioid-free days, every decision is stop (an older date never clears a newer "yes")."""
    visit = make_visit(**overrides)
    previous = visit.visit_date
    floor: dt.date | None = None  # a "yes" still waits for a usable date on or after this day
    end: dt.date | None = None
    agonist = False
    for follow_up, decision in _pairs(visit):
        safety = follow_up.safety
        agonist = agonist or safety.methadone_or_buprenorphine == "yes"
        days = dt.timedelta(days=14 if agonist else 10)
        if "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine):
            floor = previous
        given = safety.last_opioid_dose
        if floor is not None and given is not None and given >= floor:
            floor = None
            end = given + days if end is None else max(end, given + days)
        if floor is not None or (end is not None and follow_up.date < end):
            assert decision.decision in NO_DOSE, (
                follow_up.date,
                floor,
                end,
                decision.decision,
                decision.rule_ids,
            )
        previous = follow_up.date


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_no_restart_after_an_opioid_stop_without_a_new_negative_urine_screen(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    visit = make_visit(**overrides)
    if not urine_screen_required(visit):
        return
    opioid_since_restart = False
    for follow_up, decision in _pairs(visit):
        safety = follow_up.safety
        if "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine):
            opioid_since_restart = True
        if opioid_since_restart and decision.decision not in NO_DOSE:
            assert decision.decision == "restart" or decision.computed == "restart"
            assert safety.urine_opioid_screen == "negative", (follow_up.date, decision.rule_ids)
        if decision.decision not in NO_DOSE:
            opioid_since_restart = False


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_every_stop_names_a_stop_reason(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    for _, decision in _pairs(visit):
        if decision.decision != "stop":
            continue
        shown = decision.patient_reasons
        if decision.computed == "stop":
            assert any(item.severity == "stop" for item in shown), decision.rule_ids
            assert any(item.severity == "stop" and item.rule_id not in REFUSALS for item in decision.reasons)
        else:  # the clinician's choice
            assert shown, decision.rule_ids
            assert shown[0].rule_id == CHOICE, decision.rule_ids


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_patient_reasons_never_mix_stop_and_hold_words(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    visit = make_visit(**overrides)
    for _, decision in _pairs(visit):
        shown = decision.patient_reasons
        ids = [item.rule_id for item in shown]
        assert all(item in decision.reasons for item in shown)
        assert not set(ids) & set(REFUSALS)
        if decision.decision == "stop":
            assert all(item.severity == "stop" or item.rule_id == CHOICE for item in shown), ids
        elif decision.decision != "no_plan":
            assert all(item.severity != "stop" for item in shown), ids
        accepted = decision.decision != decision.computed
        assert (CHOICE in decision.rule_ids) is accepted
        if accepted:
            assert ids[0] == CHOICE
        if decision.override_refused:
            assert CHOICE not in ids


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_overrides_of_trial_ending_stops_are_refused(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    visit = make_visit(**overrides)
    ended_by_answer = False
    for follow_up, decision in _pairs(visit):
        if decision.computed == "no_plan":
            return
        if ended_by_answer:
            # After an allergy, liver injury or suicidal thoughts every later review stops.
            assert decision.decision == "stop", (follow_up.date, decision.rule_ids)
        safety = follow_up.safety
        ended_by_answer = ended_by_answer or any(getattr(safety, n) == "yes" for n in STOP_ITEMS)
        if decision.computed != "stop":
            continue
        ending = [
            item
            for item in decision.reasons
            if item.rule_id in TRIAL_ENDING
            or (item.rule_id == "followup_stop_severe_other" and "since" in item.params)
        ]
        if ending and follow_up.clinician_decision not in (None, "stop"):
            assert decision.decision == "stop"
            assert decision.override_refused
            assert "followup_override_refused_stop" in decision.rule_ids


@settings(max_examples=200, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides(most=5))
def test_review_all_is_one_linear_pass(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    decisions = review_all(visit)
    follow_ups = overrides["follow_ups"]
    for k in range(len(follow_ups)):
        prefix = make_visit(**{**overrides, "follow_ups": follow_ups[: k + 1]})
        assert review(prefix) == decisions[k]
    assert decide(visit).follow_ups == decisions


@settings(max_examples=200, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_review_all_is_deterministic(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    first = review_all(visit)
    assert first == review_all(visit)
    assert first == review_all(Visit.model_validate_json(visit.model_dump_json()))
