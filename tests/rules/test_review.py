"""Table-driven and property tests of `review` (issue 5, "Follow-up visits"): every branch with exact
doses and dates, the clinician's choice, the reasons' words and sources, and generated follow-ups.

The base visit (tests/conftest.py) starts on Monday 2026-01-05 with the standard capsule schedule in
2-week steps: 1.5 mg from 01-05, 3.0 mg from 01-19, 4.5 mg from 02-02; tolerability review 01-18
(the last day of the first step); response review 2026-03-30 (8 weeks after the target).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.content import load_content, load_rules
from ldn_aid.content.schema import CitedNumber
from ldn_aid.domain.followup import DECISIONS, SIDE_EFFECTS, FollowUpDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, evaluate, review

MakeVisit = Callable[..., Visit]
CAP = Decimal("4.5")
RESPONSE_REVIEW = "2026-03-30"
BASELINE = {"scale": "asrs_v1_1_part_a", "score": 20, "date": "2026-01-05"}
WITH_BASELINE = {"diagnosis.baseline": BASELINE}
INCOMPLETE = {"ldn_screen.planned_surgery": None}
OPIOID = {"opioid_needed_or_taken": "yes"}


def fu(date: str, dose: float = 1.5, **fields: Any) -> dict[str, Any]:
    """A follow-up with nothing to report unless `fields` say so."""
    return {"date": date, "dose_mg": dose, "timing": "bedtime", "missed_doses_last_week": 0, **fields}


def effects(**grades: str) -> dict[str, str]:
    return grades


def steps_of(decision: FollowUpDecision) -> list[tuple[str, str]]:
    return [(step.start.isoformat(), str(step.dose_mg)) for step in decision.revised_steps]


@dataclass(frozen=True)
class Case:
    name: str
    follow_ups: list[dict[str, Any]]
    decision: str
    reasons: tuple[str, ...]
    next_dose: str | None
    steps: list[tuple[str, str]]
    next_review: str | None
    timing: str | None = "bedtime"
    overrides: dict[str, Any] = field(default_factory=dict)
    adherence: bool = False
    cannot_judge: bool = False


STEPS_FROM_0118 = [("2026-01-18", "1.5"), ("2026-02-01", "3.0"), ("2026-02-15", "4.5")]
STEP_DOWN_0201 = [("2026-02-01", "1.5"), ("2026-02-15", "3.0"), ("2026-03-01", "4.5")]

# fmt: off
CASES = [
    # ---- stop: a stop finding holds ----
    Case(
        "stop_opioid_taken", [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"})], "stop",
        ("followup_stop_opioids",), None, [], None, timing=None,
    ),
    Case(
        "stop_pregnant", [fu("2026-02-16", 4.5, safety={"pregnancy": "pregnant"})], "stop",
        ("followup_stop_pregnancy",), None, [], None, timing=None,
    ),
    Case(
        "stop_pregnancy_carried_forward",
        [fu("2026-01-18", safety={"pregnancy": "pregnant"}), fu("2026-02-01")], "stop",
        ("followup_stop_pregnancy",), None, [], None, timing=None,
    ),
    Case(
        "stop_screen_allergy_re_evaluated", [fu("2026-01-18")], "stop", ("naltrexone_allergy",), None, [],
        None, timing=None, overrides={"ldn_screen.naltrexone_allergy": "yes"},
    ),
    Case(
        "stop_screen_methadone_re_evaluated", [fu("2026-01-18")], "stop", ("opioid_agonist_treatment",), None,
        [], None, timing=None, overrides={"ldn_screen.opioid_agonist_treatment": "yes"},
    ),
    Case(
        "stop_every_finding_listed",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "pregnancy": "pregnant"})], "stop",
        ("followup_stop_opioids", "followup_stop_pregnancy", "naltrexone_allergy"), None, [], None,
        timing=None, overrides={"ldn_screen.naltrexone_allergy": "yes"},
    ),
    Case(
        "stop_opioid_whatever_else",
        [fu("2026-02-16", 4.5, safety=OPIOID, side_effects=effects(nausea="severe"))], "stop",
        ("followup_stop_opioids",), None, [], None, timing=None,
    ),
    # ---- stop: a severe side effect with no remedy left on the lowest step ----
    Case(
        "stop_severe_nausea_on_lowest_step", [fu("2026-01-18", side_effects=effects(nausea="severe"))],
        "stop", ("followup_stop_severe_lowest",), None, [], None, timing=None,
    ),
    Case(
        "stop_severe_dreams_on_lowest_step_already_morning",
        [fu("2026-01-18", timing="morning", side_effects=effects(vivid_dreams="severe"))], "stop",
        ("followup_stop_severe_lowest",), None, [], None, timing=None,
    ),
    Case(
        "stop_severe_below_lowest_step", [fu("2026-01-18", 1.0, side_effects=effects(headache="severe"))],
        "stop", ("followup_stop_severe_lowest",), None, [], None, timing=None,
    ),
    # ---- stop: the response rule at or after the response review ----
    Case(
        "stop_response_fall_too_small", [fu(RESPONSE_REVIEW, 4.5, score=16, cgi_i=2)], "stop",
        ("followup_stop_no_response",), None, [], None, timing=None, overrides=WITH_BASELINE,
    ),
    Case(
        "stop_response_fall_just_under_30_percent", [fu(RESPONSE_REVIEW, 4.5, score=14.1, cgi_i=1)], "stop",
        ("followup_stop_no_response",), None, [], None, timing=None, overrides=WITH_BASELINE,
    ),
    Case(
        "stop_response_cgi_i_3", [fu(RESPONSE_REVIEW, 4.5, score=5, cgi_i=3)], "stop",
        ("followup_stop_no_response",), None, [], None, timing=None, overrides=WITH_BASELINE,
    ),
    Case(
        "stop_response_worse", [fu("2026-04-20", 4.5, score=22, cgi_i=5)], "stop",
        ("followup_stop_no_response",), None, [], None, timing=None, overrides=WITH_BASELINE,
    ),
    Case(
        "stop_cannot_judge_no_score", [fu(RESPONSE_REVIEW, 4.5)], "stop", ("followup_cannot_judge",), None,
        [], None, timing=None, overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "stop_cannot_judge_no_cgi_i", [fu(RESPONSE_REVIEW, 4.5, score=10)], "stop",
        ("followup_cannot_judge",), None, [], None, timing=None, overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "stop_cannot_judge_no_baseline", [fu(RESPONSE_REVIEW, 4.5, score=10, cgi_i=1)], "stop",
        ("followup_cannot_judge",), None, [], None, timing=None, cannot_judge=True,
    ),
    Case(
        "stop_extend_only_once",
        [fu(RESPONSE_REVIEW, 4.5, extend_once=True), fu("2026-04-27", 4.5, extend_once=True)], "stop",
        ("followup_cannot_judge",), None, [], None, timing=None, overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "stop_extended_then_not_met",
        [fu(RESPONSE_REVIEW, 4.5, extend_once=True), fu("2026-04-27", 4.5, score=18, cgi_i=4)], "stop",
        ("followup_stop_no_response",), None, [], None, timing=None, overrides=WITH_BASELINE,
    ),
    # ---- extend once (cannot judge, the clinician's choice) ----
    Case(
        "extend_once_on_target", [fu(RESPONSE_REVIEW, 4.5, extend_once=True)], "continue",
        ("followup_cannot_judge", "followup_extend_once"), "4.5", [(RESPONSE_REVIEW, "4.5")], "2026-04-27",
        overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "extend_once_below_target_keeps_the_dose", [fu(RESPONSE_REVIEW, 3.0, extend_once=True)], "continue",
        ("followup_cannot_judge", "followup_extend_once"), "3.0", [(RESPONSE_REVIEW, "3.0")], "2026-04-27",
        overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "extension_follow_up_inside_it_waits_for_its_end",
        [fu(RESPONSE_REVIEW, 4.5, extend_once=True), fu("2026-04-13", 4.5)], "continue",
        ("followup_cannot_judge", "followup_extend_once"), "4.5", [("2026-04-13", "4.5")], "2026-04-27",
        overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "extension_side_effect_review_no_later_than_its_end",
        [fu(RESPONSE_REVIEW, 4.5, extend_once=True),
         fu("2026-04-20", 4.5, side_effects=effects(nausea="moderate"), tolerable="yes")], "hold",
        ("followup_cannot_judge", "followup_extend_once", "followup_hold_tolerable"), "4.5",
        [("2026-04-20", "4.5")], "2026-04-27", overrides=WITH_BASELINE, cannot_judge=True,
    ),
    Case(
        "extend_once_ignored_before_the_response_review", [fu("2026-02-16", 4.5, extend_once=True)],
        "continue", ("followup_continue",), "4.5", [("2026-02-16", "4.5")], RESPONSE_REVIEW,
    ),
    # ---- switch to the morning ----
    Case(
        "switch_moderate_dreams_on_lowest_step",
        [fu("2026-01-18", side_effects=effects(vivid_dreams="moderate"))], "switch_to_morning",
        ("followup_switch_morning",), "1.5", STEPS_FROM_0118, "2026-02-01", timing="morning",
    ),
    Case(
        "switch_severe_dreams_on_lowest_step_not_stop",
        [fu("2026-01-18", side_effects=effects(vivid_dreams="severe"))], "switch_to_morning",
        ("followup_switch_morning",), "1.5", STEPS_FROM_0118, "2026-02-01", timing="morning",
    ),
    Case(
        "switch_severe_sleep_trouble",
        [fu("2026-02-01", 3.0, side_effects=effects(sleep_trouble="severe"), tolerable="no")],
        "switch_to_morning", ("followup_switch_morning",), "3.0",
        [("2026-02-01", "3.0"), ("2026-02-15", "4.5")], "2026-02-15", timing="morning",
    ),
    Case(
        "switch_on_target", [fu("2026-02-16", 4.5, side_effects=effects(sleep_trouble="moderate"))],
        "switch_to_morning", ("followup_switch_morning",), "4.5", [("2026-02-16", "4.5")], "2026-03-02",
        timing="morning",
    ),
    # ---- step down ----
    Case(
        "step_down_severe_nausea", [fu("2026-02-01", 3.0, side_effects=effects(nausea="severe"))],
        "step_down", ("followup_step_down",), "1.5", STEP_DOWN_0201, "2026-02-15",
    ),
    Case(
        "step_down_moderate_headache_not_tolerable",
        [fu("2026-02-01", 3.0, side_effects=effects(headache="moderate"), tolerable="no")], "step_down",
        ("followup_step_down",), "1.5", STEP_DOWN_0201, "2026-02-15",
    ),
    Case(
        "step_down_and_morning_when_sleep_is_hit_too",
        [fu("2026-02-01", 3.0, side_effects=effects(nausea="severe", vivid_dreams="moderate"))], "step_down",
        ("followup_step_down", "followup_switch_morning"), "1.5", STEP_DOWN_0201, "2026-02-15",
        timing="morning",
    ),
    Case(
        "step_down_severe_sleep_already_morning",
        [fu("2026-02-01", 3.0, timing="morning", side_effects=effects(sleep_trouble="severe"))], "step_down",
        ("followup_step_down",), "1.5", STEP_DOWN_0201, "2026-02-15", timing="morning",
    ),
    Case(
        "step_down_from_target",
        [fu("2026-02-16", 4.5, side_effects=effects(other="severe", other_text="rash"))], "step_down",
        ("followup_step_down",), "3.0", [("2026-02-16", "3.0"), ("2026-03-02", "4.5")], "2026-03-02",
    ),
    Case(
        "step_down_on_lowest_step_stays_there",
        [fu("2026-01-18", side_effects=effects(other="moderate"), tolerable="no")], "step_down",
        ("followup_step_down",), "1.5", STEPS_FROM_0118, "2026-02-01",
    ),
    Case(
        "step_down_between_steps_goes_to_the_step_below",
        [fu("2026-02-01", 2.0, side_effects=effects(headache="severe"))], "step_down",
        ("followup_step_down",), "1.5", STEP_DOWN_0201, "2026-02-15",
    ),
    # ---- hold ----
    Case(
        "hold_moderate_tolerable",
        [fu("2026-02-01", 3.0, side_effects=effects(headache="moderate"), tolerable="yes")], "hold",
        ("followup_hold_tolerable",), "3.0", [("2026-02-01", "3.0"), ("2026-02-15", "4.5")], "2026-02-15",
    ),
    Case(
        "hold_moderate_tolerability_not_recorded",
        [fu("2026-02-01", 3.0, side_effects=effects(nausea="moderate"))], "hold",
        ("followup_hold_tolerable",), "3.0", [("2026-02-01", "3.0"), ("2026-02-15", "4.5")], "2026-02-15",
    ),
    Case(
        "hold_moderate_sleep_tolerable_on_morning_dosing",
        [fu("2026-02-01", 3.0, timing="morning", side_effects=effects(sleep_trouble="moderate"),
            tolerable="yes")],
        "hold", ("followup_hold_tolerable",), "3.0", [("2026-02-01", "3.0"), ("2026-02-15", "4.5")],
        "2026-02-15", timing="morning",
    ),
    Case(
        "hold_first_step_not_run", [fu("2026-01-12")], "hold", ("followup_hold",), "1.5",
        [("2026-01-12", "1.5"), ("2026-01-19", "3.0"), ("2026-02-02", "4.5")], "2026-01-19",
    ),
    Case(
        "hold_second_step_not_run", [fu("2026-01-25", 3.0, side_effects=effects(headache="mild"))], "hold",
        ("followup_hold",), "3.0", [("2026-01-25", "3.0"), ("2026-02-02", "4.5")], "2026-02-02",
    ),
    Case(
        "hold_next_review_never_after_the_response_review",
        [fu("2026-03-23", 3.0, side_effects=effects(headache="moderate"), tolerable="yes")], "hold",
        ("followup_hold_tolerable",), "3.0", [("2026-03-23", "3.0"), ("2026-04-06", "4.5")], RESPONSE_REVIEW,
    ),
    # ---- advance ----
    Case(
        "advance_at_the_tolerability_review",
        [fu("2026-01-18", side_effects=effects(vivid_dreams="mild", nausea="mild"))], "advance",
        ("followup_advance",), "3.0", [("2026-01-18", "3.0"), ("2026-02-01", "4.5")], "2026-02-01",
    ),
    Case(
        "advance_late_review", [fu("2026-01-25")], "advance", ("followup_advance",), "3.0",
        [("2026-01-25", "3.0"), ("2026-02-08", "4.5")], "2026-02-08",
    ),
    Case(
        "advance_to_target", [fu("2026-02-01", 3.0)], "advance", ("followup_advance",), "4.5",
        [("2026-02-01", "4.5")], "2026-02-15",
    ),
    Case(
        "advance_after_a_met_response_below_target", [fu(RESPONSE_REVIEW, 3.0, score=12, cgi_i=2)], "advance",
        ("followup_response_met", "followup_advance"), "4.5", [(RESPONSE_REVIEW, "4.5")], "2026-04-13",
        overrides=WITH_BASELINE,
    ),
    # ---- continue ----
    Case(
        "continue_on_target_until_the_response_review", [fu("2026-02-16", 4.5)], "continue",
        ("followup_continue",), "4.5", [("2026-02-16", "4.5")], RESPONSE_REVIEW,
    ),
    Case(
        "continue_response_met_at_exactly_30_percent", [fu(RESPONSE_REVIEW, 4.5, score=14, cgi_i=2)],
        "continue", ("followup_response_met", "followup_continue_maintenance"), "4.5",
        [(RESPONSE_REVIEW, "4.5")], "2026-06-29", overrides=WITH_BASELINE,
    ),
    Case(
        "continue_response_met_later_visit", [fu("2026-04-13", 4.5, score=10, cgi_i=1)], "continue",
        ("followup_response_met", "followup_continue_maintenance"), "4.5", [("2026-04-13", "4.5")],
        "2026-07-13", overrides=WITH_BASELINE,
    ),
    Case(
        "continue_extended_then_met",
        [fu(RESPONSE_REVIEW, 4.5, extend_once=True), fu("2026-04-27", 4.5, score=12, cgi_i=2)], "continue",
        ("followup_response_met", "followup_continue_maintenance"), "4.5", [("2026-04-27", "4.5")],
        "2026-07-27", overrides=WITH_BASELINE,
    ),
    Case(
        "continue_maintenance_without_a_new_score_after_a_met_rule",
        [fu(RESPONSE_REVIEW, 4.5, score=12, cgi_i=2), fu("2026-06-29", 4.5)], "continue",
        ("followup_response_met", "followup_continue_maintenance"), "4.5", [("2026-06-29", "4.5")],
        "2026-09-28", overrides=WITH_BASELINE,
    ),
    Case(
        "stop_when_a_later_score_no_longer_meets_the_rule",
        [fu(RESPONSE_REVIEW, 4.5, score=12, cgi_i=2), fu("2026-06-29", 4.5, score=19, cgi_i=4)], "stop",
        ("followup_stop_no_response",), None, [], None, timing=None, overrides=WITH_BASELINE,
    ),
    Case(
        "continue_at_a_lowered_target_when_taking_more", [fu("2026-02-16", 4.5)], "continue",
        ("followup_continue",), "3.0", [("2026-02-16", "3.0")], RESPONSE_REVIEW,
        overrides={"plan": {"target_mg": 3.0}},
    ),
    # ---- adherence and surgery add a point; they never change the decision ----
    Case(
        "adherence_point_above_two_missed", [fu("2026-01-18", missed_doses_last_week=3)], "advance",
        ("followup_advance", "followup_adherence"), "3.0", [("2026-01-18", "3.0"), ("2026-02-01", "4.5")],
        "2026-02-01", adherence=True,
    ),
    Case(
        "no_adherence_point_at_two_missed", [fu("2026-01-18", missed_doses_last_week=2)], "advance",
        ("followup_advance",), "3.0", [("2026-01-18", "3.0"), ("2026-02-01", "4.5")], "2026-02-01",
    ),
    Case(
        "surgery_planned_adds_a_reason",
        [fu("2026-01-18", safety={"surgery_planned": "yes", "opioid_needed_or_taken": "no"})], "advance",
        ("followup_advance", "followup_surgery"), "3.0", [("2026-01-18", "3.0"), ("2026-02-01", "4.5")],
        "2026-02-01",
    ),
    Case(
        "stop_with_adherence_and_surgery",
        [fu("2026-01-18", missed_doses_last_week=7, safety={**OPIOID, "surgery_planned": "yes"})],
        "stop", ("followup_stop_opioids", "followup_adherence", "followup_surgery"), None, [], None,
        timing=None, adherence=True,
    ),
    # ---- history: each step is timed from its real start ----
    Case(
        "after_step_down_hold_until_the_step_has_run",
        [fu("2026-02-01", 3.0, side_effects=effects(nausea="severe")), fu("2026-02-08", 1.5)], "hold",
        ("followup_hold",), "1.5", [("2026-02-08", "1.5"), ("2026-02-15", "3.0"), ("2026-03-01", "4.5")],
        "2026-02-15",
    ),
    Case(
        "after_step_down_advance_again",
        [fu("2026-02-01", 3.0, side_effects=effects(nausea="severe")), fu("2026-02-14", 1.5)], "advance",
        ("followup_advance",), "3.0", [("2026-02-14", "3.0"), ("2026-02-28", "4.5")], "2026-02-28",
    ),
    Case(
        "after_advance_hold_the_new_step", [fu("2026-01-18"), fu("2026-01-25", 3.0)], "hold",
        ("followup_hold",), "3.0", [("2026-01-25", "3.0"), ("2026-02-01", "4.5")], "2026-02-01",
    ),
    Case(
        "after_switch_advance_in_the_morning",
        [fu("2026-01-18", side_effects=effects(vivid_dreams="moderate")), fu("2026-01-31", timing="morning")],
        "advance", ("followup_advance",), "3.0", [("2026-01-31", "3.0"), ("2026-02-14", "4.5")], "2026-02-14",
        timing="morning",
    ),
    Case(
        "after_a_stop_a_restart_is_held_a_step",
        [fu("2026-01-18", safety={"pregnancy": "pregnant"}), fu("2026-02-01", safety={"pregnancy": "no"})],
        "hold", ("followup_hold",), "1.5",
        [("2026-02-01", "1.5"), ("2026-02-15", "3.0"), ("2026-03-01", "4.5")], "2026-02-15",
    ),
    # ---- doses off the schedule ----
    Case(
        "off_schedule_dose_is_held_one_step", [fu("2026-01-25", 2.0)], "hold", ("followup_hold",), "2.0",
        [("2026-01-25", "2.0"), ("2026-02-08", "3.0"), ("2026-02-22", "4.5")], "2026-02-08",
    ),
    Case(
        "off_schedule_dose_then_the_next_step", [fu("2026-01-25", 2.0), fu("2026-02-07", 2.0)], "advance",
        ("followup_advance",), "3.0", [("2026-02-07", "3.0"), ("2026-02-21", "4.5")], "2026-02-21",
    ),
    Case(
        "below_the_first_step_is_held_then_the_first_step", [fu("2026-01-18", 1.0)], "hold",
        ("followup_hold",), "1.0",
        [("2026-01-18", "1.0"), ("2026-02-01", "1.5"), ("2026-02-15", "3.0"), ("2026-03-01", "4.5")],
        "2026-02-01",
    ),
    Case(
        "a_step_taken_early_is_held_one_step", [fu("2026-01-12", 3.0)], "hold", ("followup_hold",), "3.0",
        [("2026-01-12", "3.0"), ("2026-01-26", "4.5")], "2026-01-26",
    ),
    # ---- other schedules ----
    Case(
        "gentle_advance", [fu("2026-01-18", 0.5)], "advance", ("followup_advance",), "1.5",
        [("2026-01-18", "1.5"), ("2026-02-01", "2.5"), ("2026-02-15", "3.5"), ("2026-03-01", "4.5")],
        "2026-02-01", overrides={"plan": {"schedule": "gentle"}},
    ),
    Case(
        "gentle_step_down", [fu("2026-02-15", 2.5, side_effects=effects(nausea="severe"))], "step_down",
        ("followup_step_down",), "1.5",
        [("2026-02-15", "1.5"), ("2026-03-01", "2.5"), ("2026-03-15", "3.5"), ("2026-03-29", "4.5")],
        "2026-03-01", overrides={"plan": {"schedule": "gentle"}},
    ),
    Case(
        "four_week_steps", [fu("2026-02-01")], "advance", ("followup_advance",), "3.0",
        [("2026-02-01", "3.0"), ("2026-03-01", "4.5")], "2026-03-01", overrides={"plan": {"step_weeks": 4}},
    ),
    Case(
        "one_week_steps", [fu("2026-01-11")], "advance", ("followup_advance",), "3.0",
        [("2026-01-11", "3.0"), ("2026-01-18", "4.5")], "2026-01-18", overrides={"plan": {"step_weeks": 1}},
    ),
    Case(
        "child_liquid_advance", [fu("2026-01-18", 0.8)], "advance", ("followup_advance",), "1.5",
        [("2026-01-18", "1.5"), ("2026-02-01", "2.3")], "2026-02-01",
        overrides={"patient.age_years": 8, "patient.weight_kg": 23},
    ),
    # ---- no starting protocol (screening incomplete) ----
    Case(
        "no_protocol_holds_the_dose", [fu("2026-01-18", 3.0)], "hold", ("followup_no_protocol",), "3.0", [],
        None, overrides=INCOMPLETE,
    ),
    Case(
        "no_protocol_still_stops_for_opioids", [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"})],
        "stop", ("followup_stop_opioids",), None, [], None, timing=None, overrides=INCOMPLETE,
    ),
]
# fmt: on


def decide(make_visit: MakeVisit, case: Case) -> tuple[Visit, FollowUpDecision]:
    visit = make_visit(**case.overrides, follow_ups=case.follow_ups)
    decision = review(visit)
    assert decision is not None
    return visit, decision


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_decision_table(make_visit: MakeVisit, case: Case) -> None:
    visit, decision = decide(make_visit, case)
    assert decision.decision == case.decision
    assert decision.computed == case.decision
    assert decision.rule_ids == case.reasons
    assert decision.next_dose_mg == (None if case.next_dose is None else Decimal(case.next_dose))
    assert decision.next_timing == case.timing
    assert steps_of(decision) == case.steps
    assert decision.next_review == (
        None if case.next_review is None else dt.date.fromisoformat(case.next_review)
    )
    assert decision.adherence_point is case.adherence
    assert decision.cannot_judge is case.cannot_judge
    latest = visit.follow_ups[-1]
    assert decision.review_date == latest.date
    assert decision.dose_taken_mg == latest.dose_mg
    assert (decision.chosen, decision.override_reason, decision.override_refused) == (None, None, False)


@pytest.mark.parametrize("case", CASES, ids=[case.name for case in CASES])
def test_reasons_come_from_content_with_sources(make_visit: MakeVisit, case: Case) -> None:
    book = load_rules()
    words = load_content("en").language.findings
    _, decision = decide(make_visit, case)
    for reason in decision.reasons:
        assert reason.text == words[reason.rule_id].clinician
        assert reason.patient_text == words[reason.rule_id].patient
        assert reason.references == book.rules[reason.rule_id].references
        assert reason.severity == book.rules[reason.rule_id].severity
        assert reason.references
        assert set(reason.references) <= set(book.references)
        assert "{" not in reason.text


def test_the_base_schedule_is_as_the_tables_assume(make_visit: MakeVisit) -> None:
    visit = make_visit()
    protocol = build_protocol(visit, evaluate(visit))
    assert protocol is not None
    assert [(s.start.isoformat(), str(s.dose_mg)) for s in protocol.steps] == [
        ("2026-01-05", "1.5"),
        ("2026-01-19", "3.0"),
        ("2026-02-02", "4.5"),
    ]
    assert protocol.tolerability_review == dt.date(2026, 1, 18)
    assert protocol.response_review == dt.date.fromisoformat(RESPONSE_REVIEW)


def test_response_review_is_the_protocols(make_visit: MakeVisit) -> None:
    _, decision = decide(make_visit, CASES[0])
    assert decision.response_review == dt.date.fromisoformat(RESPONSE_REVIEW)
    no_protocol = review(make_visit(**INCOMPLETE, follow_ups=[fu("2026-01-18")]))
    assert no_protocol is not None
    assert no_protocol.response_review is None


def test_liquid_steps_carry_their_volume(make_visit: MakeVisit) -> None:
    visit = make_visit(
        **{"patient.age_years": 8, "patient.weight_kg": 23}, follow_ups=[fu("2026-01-18", 0.8)]
    )
    decision = review(visit)
    assert decision is not None
    assert [(str(s.dose_mg), str(s.volume_ml)) for s in decision.revised_steps] == [
        ("1.5", "1.5"),
        ("2.3", "2.3"),
    ]
    capsules = review(make_visit(follow_ups=[fu("2026-01-18")]))
    assert capsules is not None
    assert all(step.volume_ml is None for step in capsules.revised_steps)


def test_no_follow_ups_no_decision(make_visit: MakeVisit) -> None:
    assert review(make_visit()) is None


def test_only_the_latest_follow_up_is_decided(make_visit: MakeVisit) -> None:
    earlier = fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"})
    decision = review(
        make_visit(follow_ups=[earlier, fu("2026-02-01", safety={"opioid_needed_or_taken": "no"})])
    )
    assert decision is not None
    assert decision.review_date == dt.date(2026, 2, 1)
    assert decision.decision == "hold"


# ---- the clinician's choice ------------------------------------------------------------------------


@dataclass(frozen=True)
class Choice:
    name: str
    follow_ups: list[dict[str, Any]]
    computed: str
    decision: str
    refused: bool
    reasons: tuple[str, ...]
    next_dose: str | None
    steps: list[tuple[str, str]]
    next_review: str | None
    timing: str | None = "bedtime"
    overrides: dict[str, Any] = field(default_factory=dict)


def chose(decision: str, reason: str | None = "the patient asked to wait", **fields: Any) -> dict[str, Any]:
    return {"clinician_decision": decision, "override_reason": reason, **fields}


# fmt: off
CHOICES = [
    Choice(
        "hold_instead_of_advance", [fu("2026-01-18", **chose("hold"))], "advance", "hold", False,
        ("followup_advance",), "1.5", STEPS_FROM_0118, "2026-02-01",
    ),
    Choice(
        "advance_before_the_step_has_run", [fu("2026-01-12", **chose("advance"))], "hold", "advance", False,
        ("followup_hold",), "3.0", [("2026-01-12", "3.0"), ("2026-01-26", "4.5")], "2026-01-26",
    ),
    Choice(
        "step_down_instead_of_advance", [fu("2026-02-01", 3.0, **chose("step_down"))], "advance", "step_down",
        False, ("followup_advance",), "1.5", STEP_DOWN_0201, "2026-02-15",
    ),
    Choice(
        "morning_instead_of_advance", [fu("2026-01-18", **chose("switch_to_morning"))], "advance",
        "switch_to_morning", False, ("followup_advance",), "1.5", STEPS_FROM_0118, "2026-02-01",
        timing="morning",
    ),
    Choice(
        "stop_instead_of_advance", [fu("2026-01-18", **chose("stop"))], "advance", "stop", False,
        ("followup_advance",), None, [], None, timing=None,
    ),
    Choice(
        "continue_a_non_responder", [fu(RESPONSE_REVIEW, 4.5, score=18, cgi_i=4, **chose("continue"))],
        "stop", "continue", False, ("followup_stop_no_response",), "4.5", [(RESPONSE_REVIEW, "4.5")],
        "2026-04-27", overrides=WITH_BASELINE,
    ),
    Choice(
        "refused_without_a_reason", [fu("2026-01-18", **chose("hold", reason=None))], "advance", "advance",
        True, ("followup_advance", "followup_override_refused"), "3.0",
        [("2026-01-18", "3.0"), ("2026-02-01", "4.5")], "2026-02-01",
    ),
    Choice(
        "refused_with_a_blank_reason", [fu("2026-01-18", **chose("hold", reason="   "))], "advance",
        "advance", True, ("followup_advance", "followup_override_refused"), "3.0",
        [("2026-01-18", "3.0"), ("2026-02-01", "4.5")], "2026-02-01",
    ),
    Choice(
        "refused_beyond_the_target", [fu("2026-02-16", 4.5, **chose("advance"))], "continue", "continue",
        True, ("followup_continue", "followup_override_refused"), "4.5", [("2026-02-16", "4.5")],
        RESPONSE_REVIEW,
    ),
    Choice(
        "refused_beyond_a_lowered_target", [fu("2026-02-16", 3.0, **chose("advance"))], "continue",
        "continue", True, ("followup_continue", "followup_override_refused"), "3.0", [("2026-02-16", "3.0")],
        RESPONSE_REVIEW, overrides={"plan": {"target_mg": 3.0}},
    ),
    Choice(
        "refused_over_opioids",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"}, **chose("continue"))], "stop", "stop",
        True, ("followup_stop_opioids", "followup_override_refused_stop"), None, [], None, timing=None,
    ),
    Choice(
        "refused_over_pregnancy",
        [fu("2026-01-18", safety={"pregnancy": "pregnant"}), fu("2026-02-01", **chose("hold"))], "stop",
        "stop", True, ("followup_stop_pregnancy", "followup_override_refused_stop"), None, [], None,
        timing=None,
    ),
    Choice(
        "refused_over_a_screening_stop", [fu("2026-01-18", **chose("advance"))], "stop", "stop", True,
        ("naltrexone_allergy", "followup_override_refused_stop"), None, [], None, timing=None,
        overrides={"ldn_screen.naltrexone_allergy": "yes"},
    ),
    Choice(
        "no_protocol_stop_accepted", [fu("2026-01-18", **chose("stop"))], "hold", "stop", False,
        ("followup_no_protocol",), None, [], None, timing=None, overrides=INCOMPLETE,
    ),
    Choice(
        "no_protocol_advance_refused", [fu("2026-01-18", **chose("advance"))], "hold", "hold", True,
        ("followup_no_protocol", "followup_override_refused"), "1.5", [], None, overrides=INCOMPLETE,
    ),
    Choice(
        "a_held_step_is_timed_from_the_choice", [fu("2026-01-18", **chose("hold")), fu("2026-01-25")], "hold",
        "hold", False, ("followup_hold",), "1.5",
        [("2026-01-25", "1.5"), ("2026-02-01", "3.0"), ("2026-02-15", "4.5")], "2026-02-01",
    ),
]
# fmt: on


@pytest.mark.parametrize("case", CHOICES, ids=[case.name for case in CHOICES])
def test_clinician_choice(make_visit: MakeVisit, case: Choice) -> None:
    visit = make_visit(**case.overrides, follow_ups=case.follow_ups)
    decision = review(visit)
    assert decision is not None
    latest = visit.follow_ups[-1]
    assert decision.computed == case.computed
    assert decision.decision == case.decision
    assert decision.chosen == latest.clinician_decision
    assert decision.override_refused is case.refused
    differs = latest.clinician_decision not in (None, case.computed)
    assert decision.override_reason == (latest.override_reason if differs else None)
    assert decision.rule_ids == case.reasons
    assert decision.next_dose_mg == (None if case.next_dose is None else Decimal(case.next_dose))
    assert decision.next_timing == case.timing
    assert steps_of(decision) == case.steps
    assert decision.next_review == (
        None if case.next_review is None else dt.date.fromisoformat(case.next_review)
    )


def test_choosing_the_computed_decision_is_no_override(make_visit: MakeVisit) -> None:
    decision = review(make_visit(follow_ups=[fu("2026-01-18", **chose("advance"))]))
    assert decision is not None
    assert (decision.decision, decision.computed, decision.chosen) == ("advance", "advance", "advance")
    assert decision.override_reason is None
    assert decision.override_refused is False
    assert decision.rule_ids == ("followup_advance",)


# ---- content and numbers ----------------------------------------------------------------------------


def test_every_follow_up_rule_is_exercised_by_a_table_row(make_visit: MakeVisit) -> None:
    seen: set[str] = set()
    for case in [*CASES, *CHOICES]:
        decision = review(make_visit(**case.overrides, follow_ups=case.follow_ups))
        assert decision is not None
        seen |= set(decision.rule_ids)
    followup_rules = {rule_id for rule_id in load_rules().rules if rule_id.startswith("followup_")}
    assert followup_rules <= seen


@pytest.mark.parametrize("case", CASES[:12] + CASES[-8:], ids=[c.name for c in CASES[:12] + CASES[-8:]])
def test_the_screening_never_reports_a_follow_up_reason(make_visit: MakeVisit, case: Case) -> None:
    visit = make_visit(**case.overrides, follow_ups=case.follow_ups)
    assert not [f for f in evaluate(visit).findings if f.rule_id.startswith("followup_")]


def test_spanish_reasons(make_visit: MakeVisit) -> None:
    spanish = load_content("es")
    visit = make_visit(follow_ups=[fu("2026-01-18", missed_doses_last_week=4)])
    decision = review(visit, content=spanish)
    assert decision is not None
    english = review(visit)
    assert english is not None
    assert decision.rule_ids == english.rule_ids
    for reason in decision.reasons:
        assert reason.text == spanish.language.findings[reason.rule_id].clinician
    assert "dosis" in decision.reasons[-1].text


def test_follow_up_numbers_are_cited() -> None:
    book = load_rules()
    numbers = book.numbers
    assert book.number("maintenance_review_weeks") == 13
    assert numbers.maintenance_review_weeks.references == ("ETG-mon",)
    assert book.number("adherence_missed_doses_max") == 2
    assert numbers.adherence_missed_doses_max.note is not None
    assert "not an evidence-derived" in numbers.adherence_missed_doses_max.note
    assert book.number("extend_once_weeks") == 4
    for name in ("maintenance_review_weeks", "adherence_missed_doses_max", "extend_once_weeks"):
        assert set(getattr(numbers, name).references) <= set(book.references)


def test_thresholds_come_from_the_rule_book(make_visit: MakeVisit) -> None:
    book = load_rules()
    stricter = book.model_copy(
        update={
            "numbers": book.numbers.model_copy(
                update={
                    "adherence_missed_doses_max": CitedNumber(
                        value=Decimal(0), unit="doses", references=("ETG-mon",)
                    )
                }
            )
        }
    )
    visit = make_visit(follow_ups=[fu("2026-01-18", missed_doses_last_week=1)])
    default = review(visit)
    assert default is not None
    assert default.adherence_point is False
    decision = review(visit, rules=stricter)
    assert decision is not None
    assert decision.adherence_point is True


# ---- properties over generated follow-ups -------------------------------------------------------------

# Weighted so that every decision is common: most follow-ups report little, a few report a stop.
GRADES = ("none", "none", "none", "none", "mild", "mild", "moderate", "severe")
LADDER_DOSES = ("0.5", "0.8", "1.0", "1.5", "2.0", "2.3", "2.5", "3.0", "3.5", "4.5")
# make_visit is a stateless builder, so sharing it across generated examples is safe.
HEALTH = [HealthCheck.too_slow, HealthCheck.function_scoped_fixture]
START = dt.date(2026, 1, 5)
tenths = st.integers(1, 45).map(lambda n: str(Decimal(n) / 10))
rarely_yes = st.sampled_from(["no", "no", "no", "no", "no", "no", None, "yes"])


@st.composite
def follow_up(draw: st.DrawFn, date: dt.date, calm: bool) -> dict[str, Any]:
    """A generated follow-up; a `calm` one reports no stop finding and side effects at most mild."""
    grades = st.sampled_from(("none", "mild")) if calm else st.sampled_from(GRADES)
    yes_rarely = st.just("no") if calm else rarely_yes
    return {
        "date": date.isoformat(),
        "dose_mg": draw(st.one_of(st.sampled_from(LADDER_DOSES), st.sampled_from(LADDER_DOSES), tenths)),
        "timing": draw(st.sampled_from(["bedtime", "morning"])),
        "missed_doses_last_week": draw(st.integers(0, 7)),
        "side_effects": {name: draw(grades) for name in SIDE_EFFECTS},
        "tolerable": draw(st.sampled_from(["yes", "no", None])),
        "score": draw(st.one_of(st.none(), st.integers(0, 24))),
        "cgi_i": draw(st.one_of(st.none(), st.integers(1, 7))),
        "safety": {
            "opioid_needed_or_taken": draw(yes_rarely),
            "pregnancy": None if calm else draw(st.sampled_from([None] * 6 + ["no", "trying", "pregnant"])),
            "surgery_planned": draw(rarely_yes),
        },
        "clinician_decision": draw(st.one_of(st.none(), st.none(), st.sampled_from(DECISIONS))),
        "override_reason": draw(st.sampled_from([None, "", "clinical judgement", "clinical judgement"])),
        "extend_once": draw(st.booleans()),
    }


@st.composite
def follow_up_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    offsets = sorted(draw(st.sets(st.integers(0, 100), min_size=count, max_size=count)))
    calm = draw(st.booleans())
    return [draw(follow_up(START + dt.timedelta(days=offset), calm)) for offset in offsets]


@st.composite
def visit_overrides(draw: st.DrawFn) -> dict[str, Any]:
    """Dotted-path changes to the base visit: its schedule, a screening stop, a baseline, follow-ups."""
    overrides: dict[str, Any] = {
        "patient.age_years": draw(st.sampled_from([6, 9, 12, 17, 18, 30, 70])),
        "patient.weight_kg": draw(st.sampled_from([20.0, 23.0, 30.0, 44.9, 45.0, 70.0])),
        "plan": {
            "schedule": draw(st.sampled_from(["standard", "gentle"])),
            "timing": draw(st.sampled_from(["auto", "bedtime", "morning"])),
            "step_weeks": draw(st.integers(1, 4)),
            "target_mg": draw(st.one_of(st.none(), st.none(), tenths)),
        },
        "ldn_screen.naltrexone_allergy": draw(rarely_yes.filter(lambda answer: answer is not None)),
        "ldn_screen.planned_surgery": draw(rarely_yes),
        "ldn_screen.pregnancy": draw(
            st.sampled_from(["no"] * 4 + ["not_applicable"] * 4 + ["trying", "pregnant"])
        ),
        "follow_ups": draw(follow_up_lists()),
    }
    if draw(st.booleans()):
        overrides["diagnosis.baseline"] = {
            "scale": "asrs_v1_1_part_a",
            "score": draw(st.integers(0, 24)),
            "date": "2026-01-05",
        }
    return overrides


def _ceiling(visit: Visit, taken: Decimal) -> Decimal:
    """Independently: the highest dose allowed after `taken` — the protocol's next step, or its target."""
    protocol = build_protocol(visit, evaluate(visit))
    if protocol is None:
        return taken
    doses = [step.dose_mg for step in protocol.steps]
    return next((dose for dose in doses if dose > taken), doses[-1])


def _current_pregnancy(visit: Visit) -> str | None:
    status = visit.ldn_screen.pregnancy
    for follow_up in visit.follow_ups:
        if follow_up.safety.pregnancy is not None:
            status = follow_up.safety.pregnancy
    return status


@settings(max_examples=1000, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_no_decision_raises_a_dose_above_the_cap_or_beyond_the_next_step(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    visit = make_visit(**overrides)
    decision = review(visit)
    assert decision is not None
    latest = visit.follow_ups[-1]
    ceiling = _ceiling(visit, latest.dose_mg)
    assert decision.decision in DECISIONS
    if decision.next_dose_mg is not None:
        assert decision.next_dose_mg <= CAP
        assert decision.next_dose_mg <= ceiling
    for step in decision.revised_steps:
        assert step.dose_mg <= CAP
    if decision.revised_steps:
        first = decision.revised_steps[0]
        assert first.start == latest.date
        assert first.dose_mg == decision.next_dose_mg
        starts = [step.start for step in decision.revised_steps]
        doses = [step.dose_mg for step in decision.revised_steps]
        assert starts == sorted(set(starts))
        assert doses == sorted(set(doses))
    if decision.decision == "stop":
        assert (decision.next_dose_mg, decision.next_timing, decision.revised_steps) == (None, None, ())
    else:
        assert decision.next_dose_mg is not None
    if decision.next_review is not None:
        assert decision.next_review > latest.date
        if decision.response_review is not None and latest.date < decision.response_review:
            assert decision.next_review <= decision.response_review
    if decision.cannot_judge:
        assert decision.response_review is not None
        assert latest.date >= decision.response_review


@settings(max_examples=500, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_a_stop_finding_always_gives_stop(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    decision = review(visit)
    assert decision is not None
    latest = visit.follow_ups[-1]
    opioids = latest.safety.opioid_needed_or_taken == "yes"
    pregnant = _current_pregnancy(visit) == "pregnant"
    allergy = visit.ldn_screen.naltrexone_allergy == "yes"
    if opioids or pregnant or allergy:
        assert decision.decision == "stop"
        assert decision.computed == "stop"
        assert decision.next_dose_mg is None
        assert decision.revised_steps == ()
        if latest.clinician_decision not in (None, "stop"):
            assert decision.override_refused
            assert "followup_override_refused_stop" in decision.rule_ids
    if opioids:
        assert "followup_stop_opioids" in decision.rule_ids
    if pregnant:
        assert "followup_stop_pregnancy" in decision.rule_ids


@settings(max_examples=300, deadline=None, suppress_health_check=HEALTH)
@given(visit_overrides())
def test_review_is_deterministic(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    first = review(visit)
    assert first == review(visit)
    assert first == review(Visit.model_validate_json(visit.model_dump_json()))
