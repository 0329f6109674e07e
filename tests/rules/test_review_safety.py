"""Table-driven tests of the follow-up safety rules (issue 9, section 3 "Follow-up safety"), with the
clinical audit's and the red team's reproducers (A-1, A-2, A-3, A-5, A-8, A-10, A-11, A-12, A-15,
A-17, C-2; D02, D14).

The base visit (tests/conftest.py) is a man of 30, start 2026-01-05, steps 1.5 mg (01-05), 3.0 mg
(01-19), 4.5 mg (02-02), response review 2026-03-30. `fu` answers every safety question "no"; each
row changes what it is about. Every row was checked to fail on 10e0919 (see the closing report).
"""

from __future__ import annotations

import datetime as dt
import importlib
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pytest
from followup_cases.helpers import (
    CONDITIONAL_SAFETY,
    FEMALE,
    SAFE,
    chose,
    fu,
    load_case,
    load_original,
    plan,
    reason,
    steps_of,
    unasked,
)

from ldn_aid.content import load_content, load_rules
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS, FollowUpDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, decide, evaluate, review, review_all
from ldn_aid.rules.protocol_builder import patient_ceiling

MakeVisit = Callable[..., Visit]
ALL_UNASKED_MALE = (
    *(f"follow_ups.safety.{name}" for name in SAFETY_ITEMS if name not in CONDITIONAL_SAFETY),
    *(f"follow_ups.side_effects.{name}" for name in SIDE_EFFECTS),
    "follow_ups.days_without_ldn",
)
RESTART_0201 = [("2026-02-01", "1.5"), ("2026-02-15", "3.0"), ("2026-03-01", "4.5")]
STEPS_FROM_0118 = [("2026-01-18", "1.5"), ("2026-02-01", "3.0"), ("2026-02-15", "4.5")]
BASELINE = {"diagnosis.baseline": {"scale": "aisrs", "score": 20, "date": "2026-01-05"}}
CHILD = {"patient.age_years": 12, "patient.weight_kg": 40}


@dataclass(frozen=True)
class Case:
    """One review: the decision, the reasons in order, and any other field that must match."""

    name: str
    follow_ups: list[dict[str, Any]]
    decision: str
    reasons: tuple[str, ...]
    overrides: dict[str, Any] = field(default_factory=dict)
    # FollowUpDecision attributes that must equal these values ("steps" compares steps_of()).
    expect: dict[str, Any] = field(default_factory=dict)
    # rule id -> params the reason must carry.
    params: dict[str, dict[str, str]] = field(default_factory=dict)
    # rule id -> inputs the reason must carry.
    inputs: dict[str, tuple[str, ...]] = field(default_factory=dict)


def _check(decision: FollowUpDecision, case: Case) -> None:
    assert decision.decision == case.decision
    assert decision.rule_ids == case.reasons
    for name, value in case.expect.items():
        actual = steps_of(decision) if name == "steps" else getattr(decision, name)
        assert actual == value, name
    for rule_id, params in case.params.items():
        assert reason(decision, rule_id).params == params
    for rule_id, inputs in case.inputs.items():
        assert reason(decision, rule_id).inputs == inputs
    if decision.decision in ("stop", "no_plan"):
        assert (decision.next_dose_mg, decision.next_timing, decision.revised_steps) == (None, None, ())
        assert decision.next_review is None


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


STOP: dict[str, Any] = {"next_dose_mg": None}


# fmt: off
SAFETY_CASES = [
    # ---- an unanswered safety item is unknown, never "no": at most hold ----
    Case(
        "unanswered_block_holds_instead_of_advancing", [unasked("2026-01-18")], "hold",
        ("followup_safety_unanswered",),
        expect={"next_dose_mg": Decimal("1.5"), "steps": STEPS_FROM_0118, "next_review": _d("2026-02-01")},
        inputs={"followup_safety_unanswered": ALL_UNASKED_MALE},
    ),
    Case(
        "unanswered_pregnancy_for_a_woman", [fu("2026-01-18")], "hold", ("followup_safety_unanswered",),
        overrides=FEMALE, inputs={"followup_safety_unanswered": ("follow_ups.safety.pregnancy",)},
    ),
    Case(
        "not_applicable_is_no_answer_where_pregnancy_is_possible",
        [fu("2026-01-18", safety={"pregnancy": "not_applicable"})], "hold", ("followup_safety_unanswered",),
        overrides=FEMALE, inputs={"followup_safety_unanswered": ("follow_ups.safety.pregnancy",)},
    ),
    Case(
        "days_without_ldn_unanswered", [fu("2026-01-18", days_without_ldn=None)], "hold",
        ("followup_safety_unanswered",),
        inputs={"followup_safety_unanswered": ("follow_ups.days_without_ldn",)},
    ),
    Case(
        "last_opioid_dose_needed_after_an_opioid",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"})], "stop",
        ("followup_stop_opioids", "followup_opioid_date_needed", "followup_safety_unanswered"),
        # The last dose was on or after the first visit (2026-01-05): only such a date may clear it.
        params={"followup_opioid_date_needed": {"since": "2026-01-05"}},
        inputs={"followup_safety_unanswered": ("follow_ups.safety.last_opioid_dose",)},
    ),
    Case(
        "unanswered_on_target_keeps_the_dose", [unasked("2026-02-16", 4.5)], "continue",
        ("followup_continue", "followup_safety_unanswered"), expect={"next_dose_mg": Decimal("4.5")},
    ),
    Case(
        "unanswered_then_the_patient_took_the_next_step_anyway",
        [unasked("2026-01-18"), unasked("2026-02-01", 3.0)], "hold",
        ("followup_hold", "followup_safety_unanswered"),
        expect={"next_dose_mg": Decimal("3.0"), "next_review": _d("2026-02-15")},
    ),
    Case(
        "no_rise_chosen_while_unknown", [unasked("2026-01-18", **chose("advance"))], "hold",
        ("followup_safety_unanswered", "followup_override_refused"),
        expect={"computed": "hold", "override_refused": True, "next_dose_mg": Decimal("1.5")},
    ),
    Case(
        "a_lower_dose_may_be_chosen_while_unknown", [unasked("2026-01-18", **chose("stop"))], "stop",
        ("followup_safety_unanswered", "followup_clinician_choice"),
        expect={"computed": "hold", "override_refused": False},
    ),
    # ---- allergy, liver injury, suicidal thoughts stop at any step, override refused ----
    Case(
        "allergic_reaction_stops", [fu("2026-01-18", safety={"allergic_reaction": "yes"})], "stop",
        ("followup_stop_allergy",),
        inputs={"followup_stop_allergy": ("follow_ups.safety.allergic_reaction",)},
    ),
    Case(
        "liver_injury_signs_stop_on_the_target",
        [fu("2026-02-16", 4.5, safety={"liver_injury_signs": "yes"})], "stop", ("followup_stop_liver",),
    ),
    Case(
        "new_liver_disease_stops", [fu("2026-01-18", safety={"new_liver_disease": "yes"})], "stop",
        ("followup_stop_liver",), inputs={"followup_stop_liver": ("follow_ups.safety.new_liver_disease",)},
    ),
    Case(
        "suicidal_thoughts_stop", [fu("2026-01-18", safety={"suicidal_thoughts": "yes"})], "stop",
        ("followup_stop_suicidal",),
    ),
    Case(
        "allergy_override_refused",
        [fu("2026-01-18", safety={"allergic_reaction": "yes"}, **chose("hold"))], "stop",
        ("followup_stop_allergy", "followup_override_refused_stop"), expect={"override_refused": True},
    ),
    Case(
        "an_allergic_reaction_ends_the_trial",
        [fu("2026-01-18", safety={"allergic_reaction": "yes"}), fu("2026-02-15")], "stop",
        ("followup_stop_allergy",), params={"followup_stop_allergy": {"since": "2026-01-18"}},
    ),
    Case(
        "liver_stop_holds_at_later_reviews",
        [fu("2026-01-18", safety={"liver_injury_signs": "yes"}), fu("2026-02-15")], "stop",
        ("followup_stop_liver",), params={"followup_stop_liver": {"since": "2026-01-18"}},
    ),
    # M4: a liver stop ends the trial; a different choice is refused at every later review too.
    Case(
        "after_liver_injury_no_restart_even_with_a_reason",
        [fu("2026-01-18", safety={"liver_injury_signs": "yes"}),
         fu("2026-02-15", **chose("restart", "liver tests normal; hepatitis A"))], "stop",
        ("followup_stop_liver", "followup_override_refused_stop"),
        expect={"computed": "stop", "override_refused": True, "next_dose_mg": None},
    ),
    Case(
        "after_liver_injury_no_return_to_a_higher_dose",
        [fu("2026-01-18", 3.0, safety={"liver_injury_signs": "yes"}),
         fu("2026-02-15", 3.0, **chose("advance", "liver tests normal"))], "stop",
        ("followup_stop_liver", "followup_override_refused_stop"),
    ),
    Case(
        "no_rechallenge_after_an_allergic_reaction",
        [fu("2026-01-18", safety={"allergic_reaction": "yes"}),
         fu("2026-02-15", **chose("restart", "the rash was from a new soap"))], "stop",
        ("followup_stop_allergy", "followup_override_refused_stop"),
    ),
    # ---- a severe "other" reaction stops; the clinician may hold with a reason, never titrate ----
    Case(
        "severe_other_stops_whatever_the_step",
        [fu("2026-02-01", 3.0, side_effects={"other": "severe", "other_text": "rash, swelling of lips"})],
        "stop", ("followup_stop_severe_other",),
    ),
    Case(
        "severe_other_hold_with_a_reason",
        [fu("2026-02-01", 3.0, side_effects={"other": "severe"}, **chose("hold", "not related: a new soap"))],
        "hold", ("followup_stop_severe_other", "followup_clinician_choice"),
        expect={"computed": "stop", "override_refused": False, "next_dose_mg": Decimal("3.0")},
    ),
    Case(
        "severe_other_no_step_down",
        [fu("2026-02-01", 3.0, side_effects={"other": "severe"}, **chose("step_down"))], "stop",
        ("followup_stop_severe_other", "followup_override_refused"), expect={"override_refused": True},
    ),
    Case(
        "severe_other_no_advance",
        [fu("2026-02-01", 3.0, side_effects={"other": "severe"}, **chose("advance"))], "stop",
        ("followup_stop_severe_other", "followup_override_refused"),
    ),
    Case(
        "severe_other_hold_needs_a_reason",
        [fu("2026-02-01", 3.0, side_effects={"other": "severe"}, **chose("hold", None))], "stop",
        ("followup_stop_severe_other", "followup_override_refused"),
    ),
    # ---- the opioid-free wait; methadone or buprenorphine 14 days ----
    Case(
        "opioid_stop_with_the_date_it_may_end",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"})],
        "stop", ("followup_stop_opioids", "followup_opioid_free_wait"),
        params={"followup_opioid_free_wait": {"until": "2026-01-26"}},
    ),
    Case(
        "a_week_after_an_opioid_stop_still_stop",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"}),
         fu("2026-01-25")], "stop", ("followup_opioid_free_wait",),
        params={"followup_opioid_free_wait": {"until": "2026-01-26"}},
    ),
    Case(
        "opioid_free_wait_over_restart_at_step_one",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"}),
         fu("2026-02-01", 3.0)], "restart", ("followup_restart",),
        expect={"next_dose_mg": Decimal("1.5"), "steps": RESTART_0201, "next_review": _d("2026-02-15")},
    ),
    Case(
        "unknown_last_dose_stays_stop",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"}), fu("2026-03-01")], "stop",
        ("followup_opioid_date_needed", "followup_safety_unanswered"),
        params={"followup_opioid_date_needed": {"since": "2026-01-05"}},
        inputs={"followup_safety_unanswered": ("follow_ups.safety.last_opioid_dose",)},
    ),
    Case(
        "a_later_date_for_the_last_dose_ends_the_wait",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes"}),
         fu("2026-02-01", safety={"last_opioid_dose": "2026-01-18"})], "restart", ("followup_restart",),
    ),
    Case(
        "opioid_surgery_then_restart_only_after_the_wait",
        [fu("2026-01-18", safety={"surgery_planned": "yes"}),
         fu("2026-02-01", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-30"}),
         fu("2026-02-08")], "stop", ("followup_opioid_free_wait",),
        params={"followup_opioid_free_wait": {"until": "2026-02-09"}},
    ),
    Case(
        "methadone_stops", [fu("2026-01-18", safety={"methadone_or_buprenorphine": "yes",
                                                     "last_opioid_dose": "2026-01-17"})],
        "stop", ("followup_stop_agonist", "followup_opioid_free_wait"),
        params={"followup_opioid_free_wait": {"until": "2026-01-31"}},
    ),
    Case(
        "eleven_days_after_buprenorphine_still_stop",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "methadone_or_buprenorphine": "yes",
                                  "last_opioid_dose": "2026-01-17"}),
         fu("2026-01-28")], "stop", ("followup_opioid_free_wait",),
        params={"followup_opioid_free_wait": {"until": "2026-01-31"}},
    ),
    Case(
        "fourteen_days_after_buprenorphine_restart",
        [fu("2026-01-18", safety={"methadone_or_buprenorphine": "yes", "last_opioid_dose": "2026-01-17"}),
         fu("2026-01-31")], "restart", ("followup_restart",),
    ),
    Case(
        "a_recent_last_dose_is_a_wait_even_when_opioids_were_denied",
        [fu("2026-01-18", safety={"last_opioid_dose": "2026-01-15"})], "stop", ("followup_opioid_free_wait",),
        params={"followup_opioid_free_wait": {"until": "2026-01-25"}},
    ),
    Case(
        "opioid_wait_override_refused",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"}),
         fu("2026-01-22", **chose("hold"))], "stop",
        ("followup_opioid_free_wait", "followup_override_refused_stop"),
    ),
    Case(
        "restart_waits_while_a_safety_item_is_unknown",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"}),
         fu("2026-02-01", safety={"opioid_needed_or_taken": None})], "stop",
        ("followup_stay_off", "followup_safety_unanswered"),
        inputs={"followup_safety_unanswered": ("follow_ups.safety.opioid_needed_or_taken",)},
    ),
    Case(
        "after_the_unknown_is_answered_restart",
        [fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"}),
         fu("2026-02-01", safety={"opioid_needed_or_taken": None}), fu("2026-02-08")], "restart",
        ("followup_restart",),
    ),
    # ---- a long break restarts at step 1; missed doses hold ----
    Case(
        "fifteen_days_off_restart_at_step_one",
        [fu("2026-02-16", 4.5, days_without_ldn=15, missed_doses_last_week=7)],
        "restart", ("followup_restart", "followup_adherence"),
        expect={"next_dose_mg": Decimal("1.5"),
                "steps": [("2026-02-16", "1.5"), ("2026-03-02", "3.0"), ("2026-03-16", "4.5")],
                "next_review": _d("2026-03-02")},
    ),
    Case(
        "restart_no_rise_may_be_chosen", [fu("2026-02-01", 3.0, days_without_ldn=20, **chose("advance"))],
        "restart", ("followup_restart", "followup_override_refused"), expect={"next_dose_mg": Decimal("1.5")},
    ),
    Case(
        "restart_the_clinician_may_resume_the_dose",
        [fu("2026-02-01", 3.0, days_without_ldn=20, **chose("hold"))],
        "hold", ("followup_restart", "followup_clinician_choice"),
        expect={"next_dose_mg": Decimal("3.0"), "computed": "restart"},
    ),
    Case(
        "long_break_with_surgery_planned_stays_off",
        [fu("2026-02-16", 4.5, days_without_ldn=30, safety={"surgery_planned": "yes"})], "stop",
        ("followup_stay_off", "followup_surgery"),
    ),
    Case(
        "missed_doses_hold", [fu("2026-02-01", 3.0, missed_doses_last_week=7)], "hold",
        ("followup_adherence",),
        expect={"adherence_point": True, "next_dose_mg": Decimal("3.0")},
    ),
    Case(
        "missed_doses_no_rise_chosen", [fu("2026-02-01", 3.0, missed_doses_last_week=5, **chose("advance"))],
        "hold", ("followup_adherence", "followup_override_refused"),
    ),
    Case(
        "no_adherence_point_after_a_stop",
        [fu("2026-01-18", safety={"pregnancy": "pregnant"}),
         fu("2026-02-01", missed_doses_last_week=7, days_without_ldn=14, safety={"pregnancy": "no"})],
        "restart", ("followup_restart",), overrides=FEMALE, expect={"adherence_point": False},
    ),
    # ---- pregnancy status at follow-up ----
    # M2: trying to conceive stops LDN (the embryo is exposed before pregnancy is known).
    Case(
        "trying_to_conceive_stops", [fu("2026-01-18", safety={"pregnancy": "trying"})], "stop",
        ("followup_trying_to_conceive",), overrides=FEMALE,
    ),
    Case(
        "breastfeeding_stops", [fu("2026-01-18", safety={"pregnancy": "breastfeeding"})], "stop",
        ("followup_stop_breastfeeding",), overrides=FEMALE,
    ),
    Case(
        "breastfeeding_override_refused",
        [fu("2026-01-18", safety={"pregnancy": "breastfeeding"}, **chose("hold"))], "stop",
        ("followup_stop_breastfeeding", "followup_override_refused_stop"), overrides=FEMALE,
    ),
    Case(
        "pregnant_then_trying_stays_off",
        [fu("2026-01-18", safety={"pregnancy": "pregnant"}),
         fu("2026-02-15", safety={"pregnancy": "trying"})], "stop",
        ("followup_trying_to_conceive",), overrides=FEMALE,
    ),
    # ---- new interacting medicines, low mood, surgery hold any increase ----
    Case(
        "new_thioridazine_holds", [fu("2026-01-18", safety={"new_thioridazine": "yes"})], "hold",
        ("followup_new_interaction",),
        inputs={"followup_new_interaction": ("follow_ups.safety.new_thioridazine",)},
    ),
    Case(
        "new_disulfiram_holds", [fu("2026-01-18", safety={"new_disulfiram": "yes"})], "hold",
        ("followup_new_interaction",),
    ),
    Case(
        "low_mood_worse_holds", [fu("2026-01-18", safety={"low_mood_worse": "yes"})], "hold",
        ("followup_low_mood",),
    ),
    Case(
        "surgery_planned_holds", [fu("2026-01-18", safety={"surgery_planned": "yes"})], "hold",
        ("followup_surgery",),
    ),
    Case(
        "every_caution_listed",
        [unasked("2026-01-18", days_without_ldn=0, missed_doses_last_week=3,
                 safety={**SAFE, "pregnancy": "no", "low_mood_worse": "yes", "new_disulfiram": "yes",
                         "surgery_planned": "yes", "suicidal_thoughts": None})],
        "hold",
        ("followup_safety_unanswered", "followup_low_mood", "followup_new_interaction", "followup_surgery",
         "followup_adherence"), overrides=FEMALE,
        inputs={"followup_safety_unanswered": (
            "follow_ups.safety.suicidal_thoughts",
            *(f"follow_ups.side_effects.{name}" for name in SIDE_EFFECTS),
        )},
    ),
    # ---- D14: a dose above this patient's ceiling is cut to it, never continued ----
    Case(
        "dose_above_a_lowered_target_steps_down", [fu("2026-02-16", 4.5)], "step_down",
        ("followup_dose_above_ceiling",), overrides={"plan": plan(target_mg=3.0)},
        expect={"next_dose_mg": Decimal("3.0"), "ceiling_mg": Decimal("3.0"),
                "steps": [("2026-02-16", "3.0")]},
        params={"followup_dose_above_ceiling": {"dose_mg": "4.5", "ceiling_mg": "3"}},
    ),
    Case(
        "dose_above_the_ceiling_no_hold", [fu("2026-02-16", 4.5, **chose("hold"))], "step_down",
        ("followup_dose_above_ceiling", "followup_override_refused"), overrides={"plan": plan(target_mg=3.0)},
    ),
    Case(
        "dose_above_the_ceiling_stop_may_be_chosen", [fu("2026-02-16", 4.5, **chose("stop"))], "stop",
        ("followup_dose_above_ceiling", "followup_clinician_choice"), overrides={"plan": plan(target_mg=3.0)},
    ),
    # ---- a met response is re-scored at every maintenance review; a planned re-check ----
    Case(
        "met_response_sets_the_recheck", [fu("2026-03-30", 4.5, score=12, cgi_i=2)], "continue",
        ("followup_response_met", "followup_continue_maintenance"), overrides=BASELINE,
        expect={"recheck_due": _d("2026-06-29"), "next_review": _d("2026-06-29")},
    ),
    Case(
        "maintenance_without_a_score_holds",
        [fu("2026-03-30", 4.5, score=12, cgi_i=2), fu("2026-05-04", 4.5)], "hold",
        ("followup_maintenance_no_score",), overrides=BASELINE,
        expect={"cannot_judge": True, "next_review": _d("2026-06-01"), "recheck_due": _d("2026-06-29")},
    ),
    Case(
        "maintenance_lost_response_stops",
        [fu("2026-03-30", 4.5, score=12, cgi_i=2), fu("2026-05-04", 4.5, score=15, cgi_i=2)], "stop",
        ("followup_response_lost",), overrides=BASELINE,
    ),
    Case(
        "recheck_due_is_flagged_after_it",
        [fu("2026-03-30", 4.5, score=12, cgi_i=2), fu("2026-06-29", 4.5, score=10, cgi_i=2),
         fu("2026-08-03", 4.5, score=10, cgi_i=1)], "continue",
        ("followup_response_met", "followup_recheck_due", "followup_continue_maintenance"),
        overrides=BASELINE,
        params={"followup_recheck_due": {"until": "2026-06-29"}},
    ),
    Case(
        "lost_response_ends_the_trial",
        [fu("2026-03-30", 4.5, score=12, cgi_i=2), fu("2026-05-04", 4.5, score=15, cgi_i=2),
         fu("2026-05-18", 4.5, score=10, cgi_i=1)], "stop", ("followup_response_lost",), overrides=BASELINE,
        params={"followup_response_lost": {"since": "2026-05-04"}},
    ),
    # ---- under 18 the trial ends by start + 16 weeks unless a specialist signs off ----
    Case(
        "paediatric_limit_stops", [fu("2026-04-27", 4.0, score=10, cgi_i=1)], "stop",
        ("followup_paediatric_limit",), overrides={**CHILD, **BASELINE},
        params={"followup_paediatric_limit": {"until": "2026-04-27"}},
    ),
    Case(
        "paediatric_limit_override_refused", [fu("2026-05-04", 4.0, score=10, cgi_i=1, **chose("continue"))],
        "stop", ("followup_paediatric_limit", "followup_override_refused_stop"),
        overrides={**CHILD, **BASELINE},
    ),
    Case(
        "paediatric_next_review_not_past_the_limit", [fu("2026-03-30", 4.0, score=10, cgi_i=1)], "continue",
        ("followup_response_met", "followup_continue_maintenance"), overrides={**CHILD, **BASELINE},
        expect={"next_review": _d("2026-04-27")},
    ),
]
# fmt: on


@pytest.mark.parametrize("case", SAFETY_CASES, ids=[case.name for case in SAFETY_CASES])
def test_follow_up_safety(make_visit: MakeVisit, case: Case) -> None:
    visit = make_visit(**case.overrides, follow_ups=case.follow_ups)
    decision = review(visit)
    assert decision is not None
    _check(decision, case)


def test_the_child_schedule_is_as_the_table_assumes(make_visit: MakeVisit) -> None:
    visit = make_visit(**CHILD)
    protocol = build_protocol(visit, evaluate(visit))
    assert protocol is not None
    assert protocol.target_mg == Decimal("4.0")
    assert protocol.trial_ends == _d("2026-04-27")
    assert protocol.response_review == _d("2026-03-30")


# ---- D02: no plan, no dosing advice ----------------------------------------------------------------

NO_PLAN_CASES = [
    Case(
        "incomplete_screening",
        [fu("2026-01-18", 3.0)],
        "no_plan",
        ("followup_no_protocol",),
        overrides={"ldn_screen.planned_surgery": None, "ldn_screen.sleep_problems": None},
        inputs={"followup_no_protocol": ("ldn_screen.planned_surgery", "ldn_screen.sleep_problems")},
    ),
    Case(
        # D02: a pregnancy stop at screening, "not pregnant" later: no plan, and the reason is the stop.
        "screening_stop_then_a_follow_up_says_otherwise",
        [fu("2026-01-18", safety={"pregnancy": "no"})],
        "no_plan",
        ("followup_no_protocol", "pregnancy"),
        overrides={"patient.sex_at_birth": "female", "ldn_screen.pregnancy": "pregnant"},
        inputs={"followup_no_protocol": (), "pregnancy": ("ldn_screen.pregnancy",)},
    ),
    Case(
        "guideline_first_without_the_acknowledgement",
        [fu("2026-01-18")],
        "no_plan",
        ("followup_plan_not_given",),
        overrides={"history.methylphenidate": "not_tried"},
    ),
    Case(
        "changed_plan_without_a_reason",
        [fu("2026-01-18", 0.5)],
        "no_plan",
        ("followup_plan_not_given",),
        overrides={"plan": {"schedule": "gentle"}},
    ),
    Case(
        "refused_clinician_target",
        [fu("2026-01-18", 1.0)],
        "no_plan",
        ("followup_plan_not_given",),
        overrides={**CHILD, "plan": plan(target_mg=4.5)},
    ),
    Case(
        "no_plan_still_names_a_follow_up_stop",
        [fu("2026-01-18", 3.0, safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-17"})],
        "no_plan",
        ("followup_no_protocol", "followup_stop_opioids", "followup_opioid_free_wait"),
        overrides={"ldn_screen.planned_surgery": None},
    ),
    Case(
        # D02: a 10 kg child with no plan reported taking 3 mg, three times the 0.1 mg/kg ceiling:
        # flagged as an error to correct, and still no dosing advice.
        "no_plan_flags_a_dose_above_the_ceiling",
        [fu("2026-01-18", 3.0)],
        "no_plan",
        ("followup_no_protocol", "followup_no_plan_dose_above_ceiling"),
        overrides={"patient.age_years": 9, "patient.weight_kg": 10, "ldn_screen.planned_surgery": None},
        params={"followup_no_plan_dose_above_ceiling": {"dose_mg": "3", "ceiling_mg": "1"}},
    ),
    Case(
        # Without a plan the safety block is still asked: a blank item is listed, so the wizard
        # refuses to record the review until it is answered.
        "no_plan_lists_unanswered_safety_items",
        [{"date": "2026-01-18", "dose_mg": 1.5, "timing": "bedtime", "missed_doses_last_week": 0}],
        "no_plan",
        ("followup_no_protocol", "followup_safety_unanswered"),
        overrides={"ldn_screen.sleep_problems": None},
        inputs={
            "followup_no_protocol": ("ldn_screen.sleep_problems",),
            "followup_safety_unanswered": (
                "follow_ups.safety.opioid_needed_or_taken",
                "follow_ups.safety.methadone_or_buprenorphine",
                "follow_ups.safety.new_thioridazine",
                "follow_ups.safety.new_disulfiram",
                "follow_ups.safety.new_liver_disease",
                "follow_ups.safety.liver_injury_signs",
                "follow_ups.safety.allergic_reaction",
                "follow_ups.safety.surgery_planned",
                "follow_ups.safety.low_mood_worse",
                "follow_ups.safety.suicidal_thoughts",
                *(f"follow_ups.side_effects.{name}" for name in SIDE_EFFECTS),
                "follow_ups.days_without_ldn",
            ),
        },
    ),
]


@pytest.mark.parametrize("case", NO_PLAN_CASES, ids=[case.name for case in NO_PLAN_CASES])
def test_no_plan_gives_no_dosing_advice(make_visit: MakeVisit, case: Case) -> None:
    visit = make_visit(**case.overrides, follow_ups=case.follow_ups)
    decision = review(visit)
    assert decision is not None
    _check(decision, case)
    assert (decision.computed, decision.response_review) == ("no_plan", None)
    # The ceiling still comes from age and weight, with or without a plan.
    assert decision.ceiling_mg == patient_ceiling(visit)
    assert decision.adherence_point is False
    whole = decide(visit)
    assert "followup_no_plan" in whole.followup_gate.blockers
    if "followup_plan_not_given" in decision.rule_ids:
        assert whole.protocol is not None
        assert not whole.handout_gate.allowed


def test_d02_reproducers_give_no_plan() -> None:
    with_follow_ups = review_all(load_case("D02_incomplete_with_followups"))
    assert [d.decision for d in with_follow_ups] == ["no_plan", "no_plan"]
    assert reason(with_follow_ups[-1], "followup_no_protocol").inputs == ("ldn_screen.sleep_problems",)
    child = review_all(load_case("D02_incomplete_child_10kg_taking_3mg"))
    assert [d.decision for d in child] == ["no_plan"]
    assert child[0].next_dose_mg is None
    assert "ldn_screen.planned_surgery" in reason(child[0], "followup_no_protocol").inputs
    for decision in (*with_follow_ups, *child):
        assert (decision.next_dose_mg, decision.next_timing, decision.revised_steps) == (None, None, ())
        assert decision.next_review is None


def test_the_callers_pieces_are_used(make_visit: MakeVisit) -> None:
    """review_all uses the assessment, protocol and gate it is given (decide passes its own)."""
    visit = make_visit(follow_ups=[fu("2026-01-18")])
    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    refused = Gate(allowed=False, blockers=("guideline_ack_missing",))
    decisions = review_all(visit, None, assessment, protocol, refused)
    assert [d.decision for d in decisions] == ["no_plan"]
    assert decisions[0].rule_ids == ("followup_plan_not_given",)
    assert review_all(visit, None, assessment, protocol, Gate(allowed=True))[0].decision == "advance"


# ---- D14: a dose above the ceiling -------------------------------------------------------------------


def test_d14_child_over_the_ceiling_is_stepped_down() -> None:
    decision = review(load_case("D14_child_taking_over_target"))
    assert decision is not None
    assert (decision.decision, decision.computed) == ("step_down", "step_down")
    assert decision.next_dose_mg == decision.ceiling_mg == Decimal("2.0")
    assert reason(decision, "followup_dose_above_ceiling").params == {"dose_mg": "4.5", "ceiling_mg": "2"}
    assert steps_of(decision) == [("2026-12-14", "2.0")]
    assert [(str(s.dose_mg), str(s.volume_ml)) for s in decision.revised_steps] == [("2.0", "2.0")]


# ---- the audit's reproducers (adapted to format 2) -------------------------------------------------


def test_a1_unanswered_safety_never_advances() -> None:
    decisions = review_all(load_case("fu_safety_unanswered"))
    assert [d.decision for d in decisions] == ["hold", "hold"]
    assert [d.next_dose_mg for d in decisions] == [Decimal("1.5"), Decimal("3.0")]
    asked = reason(decisions[-1], "followup_safety_unanswered").inputs
    assert "follow_ups.safety.opioid_needed_or_taken" in asked
    assert "follow_ups.safety.pregnancy" in asked
    assert "follow_ups.safety.surgery_planned" in asked
    assert "follow_ups.days_without_ldn" in asked


@pytest.mark.parametrize("name", ["fu_severe_other", "jaundice"])
def test_a2_severe_other_stops(name: str) -> None:
    decision = review(load_case(name))
    assert decision is not None
    assert decision.decision == "stop"
    assert decision.rule_ids == ("followup_stop_severe_other",)
    assert decision.revised_steps == ()


def test_a3_a_week_after_an_opioid_stop_is_still_stop() -> None:
    decisions = review_all(load_case("after_opioid_stop"))
    assert [d.decision for d in decisions] == ["stop", "stop"]
    assert reason(decisions[-1], "followup_opioid_free_wait").params == {"until": "2026-12-23"}


def test_a10_seven_of_seven_missed_holds() -> None:
    decision = review(load_case("fu_missed7"))
    assert decision is not None
    assert (decision.decision, decision.next_dose_mg) == ("hold", Decimal("3.0"))
    assert decision.rule_ids == ("followup_adherence",)


def test_a11_a12_breastfeeding_stops() -> None:
    decision = review(load_case("fu_breastfeeding"))
    assert decision is not None
    assert decision.decision == "stop"
    assert decision.rule_ids == ("followup_stop_breastfeeding",)


def test_a17_met_then_no_score_is_not_carried_forward() -> None:
    decisions = review_all(load_case("met_then_none"))
    assert [d.decision for d in decisions] == ["advance", "advance", "continue", "hold"]
    met, latest = decisions[2], decisions[3]
    assert met.recheck_due == _d("2027-05-25")
    assert latest.rule_ids == ("followup_maintenance_no_score", "followup_recheck_due")
    assert latest.cannot_judge is True
    assert latest.next_review == _d("2027-06-22")


def test_c2_cgi_s_cannot_judge_a_response(make_visit: MakeVisit) -> None:
    cgis = load_case("cgis")
    assert [d.decision for d in review_all(cgis)] == ["no_plan"] * 3
    assert reason(review_all(cgis)[-1], "followup_no_protocol").inputs == ("diagnosis.baseline",)
    # Even given the plan an AISRS baseline would have had, a CGI-S 4 -> 2 is no met response.
    data = cgis.model_dump(mode="json")
    data["diagnosis"]["baseline"] = {"scale": "aisrs", "score": 4, "date": "2026-11-25"}
    twin = Visit.model_validate(data)
    assessment = evaluate(twin)
    protocol = build_protocol(twin, assessment)
    assert protocol is not None
    decisions = review_all(cgis, None, evaluate(cgis), protocol, Gate(allowed=True))
    assert decisions[-1].decision == "stop"
    assert decisions[-1].rule_ids == ("followup_cannot_judge",)
    assert "followup_response_met" not in decisions[-1].rule_ids


def test_preg_then_no_restarts_at_step_one() -> None:
    decisions = review_all(load_case("preg_then_no"))
    assert [d.decision for d in decisions] == ["stop", "restart"]
    assert decisions[-1].next_dose_mg == Decimal("1.5")
    assert decisions[-1].rule_ids == ("followup_restart",)


ORIGINALS = [
    "fu_safety_unanswered",
    "fu_severe_other",
    "jaundice",
    "after_opioid_stop",
    "fu_breastfeeding",
    "fu_missed7",
    "met_then_none",
    "cgis",
    "preg_then_no",
    "D02_incomplete_with_followups",
    "D02_incomplete_child_10kg_taking_3mg",
    "D14_child_taking_over_target",
]


@pytest.mark.parametrize("name", ORIGINALS)
def test_the_reproducers_as_written_give_no_dosing_advice(name: str) -> None:
    """As the reviewers wrote them (format 1), the files now miss the new screening questions: every
    review says there is no plan (and why), never advance, step down, hold or continue a dose."""
    visit = load_original(name)
    decisions = review_all(visit)
    assert decisions
    assert {d.decision for d in decisions} == {"no_plan"}
    assert all(d.next_dose_mg is None for d in decisions)
    missing = reason(decisions[-1], "followup_no_protocol").inputs
    assert "ldn_screen.opioid_agonist_last_14_days" in missing
    assert missing == evaluate(visit).missing


# ---- one linear pass ---------------------------------------------------------------------------------


def test_each_decision_is_the_review_of_its_prefix(make_visit: MakeVisit) -> None:
    follow_ups = [
        fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"}),
        fu("2026-01-25"),
        fu("2026-02-01", 1.5, missed_doses_last_week=4),
        unasked("2026-02-15", 1.5),
        fu("2026-03-01", 3.0, side_effects={"other": "severe"}, **chose("hold", "unrelated rash")),
        fu("2026-03-30", 3.0, score=10, cgi_i=2),
    ]
    visit = make_visit(**BASELINE, follow_ups=follow_ups)
    decisions = review_all(visit)
    assert len(decisions) == len(follow_ups)
    for k in range(len(follow_ups)):
        assert review(make_visit(**BASELINE, follow_ups=follow_ups[: k + 1])) == decisions[k]


def test_review_all_evaluates_the_visit_once(make_visit: MakeVisit, monkeypatch: pytest.MonkeyPatch) -> None:
    module = importlib.import_module("ldn_aid.rules.review")
    calls = {"evaluate": 0, "build_protocol": 0, "one": 0}

    def counted(name: str, real: Any) -> Any:
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            calls[name] += 1
            return real(*args, **kwargs)

        return wrapper

    monkeypatch.setattr(module, "evaluate", counted("evaluate", module.evaluate))
    monkeypatch.setattr(module, "build_protocol", counted("build_protocol", module.build_protocol))
    monkeypatch.setattr(module, "_review_one", counted("one", module._review_one))
    start = dt.date(2026, 1, 5)
    follow_ups = [fu((start + dt.timedelta(days=k)).isoformat(), 1.5) for k in range(1, 201)]
    decisions = review_all(make_visit(follow_ups=follow_ups))
    assert len(decisions) == 200
    assert calls == {"evaluate": 1, "build_protocol": 1, "one": 200}


def test_ten_thousand_follow_ups_review_in_one_pass(make_visit: MakeVisit) -> None:
    start = dt.date(2026, 1, 5)
    follow_ups = [fu((start + dt.timedelta(days=k)).isoformat(), 1.5) for k in range(1, 10_001)]
    visit = make_visit(follow_ups=follow_ups)
    began = time.perf_counter()
    decisions = review_all(visit)
    elapsed = time.perf_counter() - began
    assert len(decisions) == 10_000
    # One pass: well under the seconds-per-thousand a replay of every prefix took (D10).
    assert elapsed < 10, elapsed


# ---- every follow-up rule is reached, and has words where it is shown ----------------------------


def _all_rows() -> list[tuple[dict[str, Any], list[dict[str, Any]]]]:
    import test_review
    import test_review_pharmacist

    tables: list[Any] = [
        *test_review.CASES,
        *test_review.CHOICES,
        *SAFETY_CASES,
        *NO_PLAN_CASES,
        *test_review_pharmacist.ROUND2_CASES,
    ]
    return [(row.overrides, row.follow_ups) for row in tables]


def test_every_follow_up_rule_is_exercised_by_a_table_row(make_visit: MakeVisit) -> None:
    seen: set[str] = set()
    for overrides, follow_ups in _all_rows():
        for decision in review_all(make_visit(**overrides, follow_ups=follow_ups)):
            seen |= set(decision.rule_ids)
    followup_rules = {rule_id for rule_id in load_rules().rules if rule_id.startswith("followup_")}
    assert followup_rules - seen == set()


@pytest.mark.parametrize("lang", ["en", "es"])
def test_every_reason_has_words(make_visit: MakeVisit, lang: str) -> None:
    """The review gives ids only; each id it can give has clinician words in every language."""
    findings = load_content(lang).language.findings
    for overrides, follow_ups in _all_rows():
        for decision in review_all(make_visit(**overrides, follow_ups=follow_ups)):
            for item in decision.reasons:
                assert item.rule_id in findings, item.rule_id
                assert findings[item.rule_id].clinician


def test_a_trial_ended_by_no_response_stays_stopped_whatever_is_chosen(make_visit: MakeVisit) -> None:
    """M3: no response ends the trial; a different choice is refused at that review and every later one."""
    follow_ups = [
        fu("2026-03-30", 4.5, score=18, cgi_i=4),
        fu("2026-04-13", 4.5, score=10, cgi_i=1, **chose("continue", "re-challenge agreed")),
        fu("2026-04-27", 4.5, score=10, cgi_i=1),
    ]
    decisions = review_all(make_visit(**BASELINE, follow_ups=follow_ups))
    assert [d.decision for d in decisions] == ["stop", "stop", "stop"]
    assert decisions[1].override_refused
    assert reason(decisions[1], "followup_stop_no_response").params == {"since": "2026-03-30"}
    assert reason(decisions[2], "followup_stop_no_response").params == {"since": "2026-03-30"}


def test_a_trial_ended_by_a_severe_effect_on_the_lowest_step_resumes_only_by_the_clinicians_choice(
    make_visit: MakeVisit,
) -> None:
    """The one soft trial-ending stop: the clinician may, with a reason, keep the dose (never raise it)."""
    follow_ups = [
        fu("2026-01-18", side_effects={"nausea": "severe"}),
        fu("2026-01-25", **chose("continue", "nausea settled with food")),
        fu("2026-02-08"),
    ]
    decisions = review_all(make_visit(follow_ups=follow_ups))
    assert [d.decision for d in decisions] == ["stop", "continue", "advance"]
    assert decisions[1].computed == "stop"
    assert reason(decisions[1], "followup_stop_severe_lowest").params == {"since": "2026-01-18"}
    raised = review_all(
        make_visit(follow_ups=[follow_ups[0], fu("2026-01-25", **chose("advance", "settled"))])
    )
    assert raised[-1].override_refused
