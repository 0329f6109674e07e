"""Issue 9 round 2: the clinical pharmacist's findings (SPEC2 "Review rules to change" 1-11) and the
patient reasons (SPEC2 "Patient reasons"), as table rows and as the pharmacist's own reproducers.

The base visit (tests/conftest.py) is a man of 30, visit and start 2026-01-05, steps 1.5 mg
(01-05), 3.0 mg (01-19), 4.5 mg (02-02), 2-week steps, response review 2026-03-30. `fu` answers
every safety question "no" and grades every side effect "none"; each row changes what it is about.
The reproducers are in followup_cases/pharm/ (adapted: side effects graded "none" where the case
is not about them; see that folder's README). Each reproducer test, and each row showing a
finding, was checked to fail with the review code of round 1 (commit 0010de7, on the round-2
domain) and to pass now; the rows checking a boundary (where a rule does not apply, or what stays
the same) pass with both.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from followup_cases.helpers import FEMALE, NO_EFFECTS, chose, fu, load_case, plan, reason, steps_of
from test_review_safety import Case, _check

from ldn_aid.domain.followup import SIDE_EFFECTS, FollowUpDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, decide, evaluate, review, review_all

MakeVisit = Callable[..., Visit]
BASELINE = {"diagnosis.baseline": {"scale": "aisrs", "score": 20, "date": "2026-01-05"}}
CHILD = {"patient.age_years": 12, "patient.weight_kg": 40}
# Screening needed a negative urine opioid screen (past opioid use disorder), and had one.
URINE = {"ldn_screen.past_opioid_use_disorder": "yes", "ldn_screen.urine_opioid_screen": "negative"}
# An opioid the day before the first review: the wait runs to 2026-01-26.
OPIOID_0118 = fu("2026-01-18", safety={"opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-01-16"})
MET_0330 = fu("2026-03-30", 4.5, score=12, cgi_i=2)
UNASKED_EFFECTS = {name: None for name in SIDE_EFFECTS}
EFFECT_PATHS = tuple(f"follow_ups.side_effects.{name}" for name in SIDE_EFFECTS)
HEADACHE_AT_TARGET = fu("2026-02-16", 4.5, side_effects={"headache": "severe"})
URINE_PATH = "follow_ups.safety.urine_opioid_screen"


def _d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


def _yes(**safety: Any) -> dict[str, Any]:
    return {"opioid_needed_or_taken": "yes", **safety}


# fmt: off
ROUND2_CASES = [
    # ---- 1. C1: a "yes" means the last dose was on or after the previous review ----
    Case(
        "c1_a_new_yes_without_a_date_is_not_cleared_by_the_older_date",
        [fu("2026-01-18", safety=_yes(last_opioid_dose="2026-01-17")), fu("2026-02-01", safety=_yes())],
        "stop", ("followup_stop_opioids", "followup_opioid_date_needed", "followup_safety_unanswered"),
        params={"followup_opioid_date_needed": {"since": "2026-01-18"}},
        inputs={"followup_safety_unanswered": ("follow_ups.safety.last_opioid_dose",)},
    ),
    Case(
        "c1_then_a_no_without_a_date_still_waits",
        [fu("2026-01-18", safety=_yes(last_opioid_dose="2026-01-17")), fu("2026-02-01", safety=_yes()),
         fu("2026-02-03")],
        "stop", ("followup_opioid_date_needed", "followup_safety_unanswered"),
        params={"followup_opioid_date_needed": {"since": "2026-01-18"}},
    ),
    Case(
        "c1_a_yes_dated_before_the_previous_review_needs_a_new_date",
        [fu("2026-01-18"), fu("2026-02-01", 3.0, safety=_yes(last_opioid_dose="2026-01-10"))],
        "stop", ("followup_stop_opioids", "followup_opioid_date_needed"),
        params={"followup_opioid_date_needed": {"since": "2026-01-18"}},
    ),
    Case(
        "c1_and_the_old_date_never_clears_it_later",
        [fu("2026-01-18"), fu("2026-02-01", 3.0, safety=_yes(last_opioid_dose="2026-01-10")),
         fu("2026-02-03", 3.0)],
        "stop", ("followup_opioid_date_needed", "followup_safety_unanswered"),
    ),
    Case(
        "c1_a_later_date_before_the_previous_review_does_not_clear_it",
        [fu("2026-01-18"), fu("2026-02-01", 3.0, safety=_yes()),
         fu("2026-02-15", 3.0, safety={"last_opioid_dose": "2026-01-15"})],
        "stop", ("followup_opioid_date_needed",),
        params={"followup_opioid_date_needed": {"since": "2026-01-18"}},
    ),
    Case(
        "c1_a_date_on_or_after_the_previous_review_starts_the_clock",
        [fu("2026-01-18"), fu("2026-02-01", 3.0, safety=_yes(last_opioid_dose="2026-01-25"))],
        "stop", ("followup_stop_opioids", "followup_opioid_free_wait"),
        params={"followup_opioid_free_wait": {"until": "2026-02-04"}},
    ),
    Case(
        "c1_the_missing_date_given_at_a_later_review_starts_the_clock",
        [fu("2026-01-18", safety=_yes()), fu("2026-01-25", safety={"last_opioid_dose": "2026-01-20"})],
        "stop", ("followup_opioid_free_wait",), params={"followup_opioid_free_wait": {"until": "2026-01-30"}},
    ),
    Case(
        "c1_methadone_without_a_date_then_fourteen_days_from_the_date_given",
        [fu("2026-01-18"), fu("2026-02-01", safety={"methadone_or_buprenorphine": "yes"}),
         fu("2026-02-08", safety={"last_opioid_dose": "2026-02-01"})],
        "stop", ("followup_opioid_free_wait",), params={"followup_opioid_free_wait": {"until": "2026-02-15"}},
    ),
    # ---- 2. H1: every stop names its own stop reason ----
    Case(
        "h1_staying_off_names_its_stop",
        [OPIOID_0118, fu("2026-02-01", days_without_ldn=14, safety={"low_mood_worse": None})], "stop",
        ("followup_stay_off", "followup_safety_unanswered"),
    ),
    Case(
        "h1_staying_off_after_a_long_break_with_a_caution",
        [fu("2026-02-16", 4.5, days_without_ldn=30, safety={"new_disulfiram": "yes"})], "stop",
        ("followup_stay_off", "followup_new_interaction"),
    ),
    # ---- 3. H3: a met response is never carried ----
    Case(
        "h3_an_unscored_maintenance_review_holds_once",
        [MET_0330, fu("2026-05-04", 4.5)], "hold", ("followup_maintenance_no_score",), overrides=BASELINE,
        expect={"next_review": _d("2026-06-01"), "cannot_judge": True},
    ),
    Case(
        "h3_a_second_unscored_review_inside_the_window_keeps_its_end",
        [MET_0330, fu("2026-05-04", 4.5), fu("2026-05-18", 4.5)], "hold", ("followup_maintenance_no_score",),
        overrides=BASELINE, expect={"next_review": _d("2026-06-01"), "steps": [("2026-05-18", "4.5")]},
    ),
    Case(
        "h3_still_unscored_at_the_end_of_the_window_stops",
        [MET_0330, fu("2026-05-04", 4.5), fu("2026-06-01", 4.5)], "stop", ("followup_cannot_judge",),
        overrides=BASELINE, expect={"cannot_judge": True},
    ),
    Case(
        "h3_that_stop_is_refused",
        [MET_0330, fu("2026-05-04", 4.5), fu("2026-06-01", 4.5, **chose("continue", "doing well"))], "stop",
        ("followup_cannot_judge", "followup_override_refused_stop"), overrides=BASELINE,
        expect={"override_refused": True},
    ),
    Case(
        "h3_and_it_ends_the_trial",
        [MET_0330, fu("2026-05-04", 4.5), fu("2026-06-01", 4.5), fu("2026-06-15", 4.5, score=10, cgi_i=1)],
        "stop", ("followup_cannot_judge",), overrides=BASELINE,
        params={"followup_cannot_judge": {"since": "2026-06-01"}},
    ),
    Case(
        "h3_a_score_in_the_window_closes_it",
        [MET_0330, fu("2026-05-04", 4.5), fu("2026-05-25", 4.5, score=10, cgi_i=2), fu("2026-06-22", 4.5)],
        "hold", ("followup_maintenance_no_score",), overrides=BASELINE,
        expect={"next_review": _d("2026-06-29")},
    ),
    # ---- 4. H5: a restart after an opioid stop needs a new negative urine screen ----
    Case(
        "h5_restart_after_an_opioid_stop_needs_a_new_urine_screen", [OPIOID_0118, fu("2026-02-01")], "stop",
        ("followup_urine_screen_needed", "followup_safety_unanswered"), overrides=URINE,
        inputs={"followup_urine_screen_needed": (URINE_PATH,), "followup_safety_unanswered": (URINE_PATH,)},
    ),
    Case(
        "h5_a_screen_not_done_is_no_screen",
        [OPIOID_0118, fu("2026-02-01", safety={"urine_opioid_screen": "not_done"})], "stop",
        ("followup_urine_screen_needed",), overrides=URINE,
    ),
    Case(
        "h5_a_positive_screen_stops",
        [OPIOID_0118, fu("2026-02-01", safety={"urine_opioid_screen": "positive"})], "stop",
        ("followup_urine_positive",), overrides=URINE,
    ),
    Case(
        "h5_after_a_positive_screen_the_wait_starts_again",
        [OPIOID_0118, fu("2026-02-01", safety={"urine_opioid_screen": "positive"}),
         fu("2026-02-08", safety={"urine_opioid_screen": "negative"})], "stop",
        ("followup_opioid_date_needed", "followup_safety_unanswered"), overrides=URINE,
        params={"followup_opioid_date_needed": {"since": "2026-01-18"}},
    ),
    Case(
        "h5_then_a_date_and_a_negative_screen_restart",
        [OPIOID_0118, fu("2026-02-01", safety={"urine_opioid_screen": "positive"}),
         fu("2026-02-15", safety={"urine_opioid_screen": "negative", "last_opioid_dose": "2026-02-03"})],
        "restart", ("followup_restart",), overrides=URINE,
    ),
    Case(
        "h5_a_negative_screen_restarts",
        [OPIOID_0118, fu("2026-02-01", safety={"urine_opioid_screen": "negative"})], "restart",
        ("followup_restart",), overrides=URINE, expect={"next_dose_mg": Decimal("1.5")},
    ),
    Case(
        "h5_no_restart_may_be_chosen_without_it",
        [OPIOID_0118, fu("2026-02-01", **chose("restart", "no opioids since"))], "stop",
        ("followup_urine_screen_needed", "followup_safety_unanswered", "followup_override_refused_stop"),
        overrides=URINE, expect={"override_refused": True},
    ),
    Case(
        "h5_not_asked_while_the_wait_runs", [OPIOID_0118, fu("2026-01-22")], "stop",
        ("followup_opioid_free_wait",), overrides=URINE,
    ),
    Case(
        "h5_not_asked_after_a_stop_that_was_not_for_opioids",
        [fu("2026-01-18", safety={"pregnancy": "pregnant"}), fu("2026-02-01", safety={"pregnancy": "no"})],
        "restart", ("followup_restart",), overrides={**URINE, **FEMALE},
    ),
    Case(
        "h5_not_asked_where_screening_needed_none", [OPIOID_0118, fu("2026-02-01")], "restart",
        ("followup_restart",),
    ),
    Case(
        "h5_still_needed_after_staying_off",
        [OPIOID_0118, fu("2026-02-01", safety={"urine_opioid_screen": "negative", "low_mood_worse": "yes"}),
         fu("2026-02-08")], "stop", ("followup_urine_screen_needed", "followup_safety_unanswered"),
        overrides=URINE,
    ),
    # ---- 5. H4: an unasked side-effect grade is unknown ----
    Case(
        "h4_unasked_side_effects_never_advance", [fu("2026-01-18", side_effects=UNASKED_EFFECTS)], "hold",
        ("followup_safety_unanswered",),
        inputs={"followup_safety_unanswered": EFFECT_PATHS},
        expect={"next_dose_mg": Decimal("1.5")},
    ),
    Case(
        "h4_one_unasked_grade_is_listed", [fu("2026-01-18", side_effects={"other": None})], "hold",
        ("followup_safety_unanswered",),
        inputs={"followup_safety_unanswered": ("follow_ups.side_effects.other",)},
    ),
    Case(
        "h4_no_rise_may_be_chosen", [fu("2026-01-18", side_effects={"nausea": None}, **chose("advance"))],
        "hold",
        ("followup_safety_unanswered", "followup_override_refused"),
    ),
    Case(
        "h4_on_the_target_the_dose_is_kept", [fu("2026-02-16", 4.5, side_effects={"headache": None})],
        "continue", ("followup_continue", "followup_safety_unanswered"),
    ),
    Case(
        "h4_no_restart_while_a_grade_is_unasked",
        [fu("2026-02-16", 4.5, days_without_ldn=20, side_effects={"other": None})], "stop",
        ("followup_stay_off", "followup_safety_unanswered"),
    ),
    # ---- 6. M1: a restart re-plans the response review ----
    Case(
        "m1_a_restart_replans_the_response_review", [fu("2026-02-16", 4.5, days_without_ldn=15)], "restart",
        ("followup_restart",),
        # Step 1 from 02-16, the target (4.5 mg) from 03-16, + 8 weeks.
        expect={"response_review": _d("2026-05-11"), "next_review": _d("2026-03-02")},
    ),
    Case(
        "m1_never_judged_on_the_old_date_while_re_titrating",
        [fu("2026-02-16", 4.5, days_without_ldn=15), fu("2026-03-02", 1.5), fu("2026-03-16", 3.0),
         fu("2026-03-30", 4.5, score=10, cgi_i=1)], "continue", ("followup_continue",), overrides=BASELINE,
        expect={"response_review": _d("2026-05-11"), "next_review": _d("2026-05-11"), "recheck_due": None},
    ),
    Case(
        "m1_the_target_reached_late_moves_the_response_review",
        [fu("2026-02-16", 4.5, days_without_ldn=15),
         fu("2026-03-02", 1.5, side_effects={"nausea": "moderate"}, tolerable="yes"),
         fu("2026-03-16", 1.5), fu("2026-03-30", 3.0), fu("2026-04-13", 4.5)],
        "continue", ("followup_continue",), overrides=BASELINE,
        expect={"response_review": _d("2026-05-25"), "next_review": _d("2026-05-25"), "cannot_judge": False},
    ),
    Case(
        "m1_a_met_response_is_not_carried_over_a_restart",
        [MET_0330, fu("2026-05-04", 4.5, days_without_ldn=20, score=12, cgi_i=2)], "restart",
        ("followup_restart",), overrides=BASELINE,
        expect={"recheck_due": None, "response_review": _d("2026-07-27")},
    ),
    Case(
        "m1_after_the_restart_the_first_scores_are_not_judged",
        [MET_0330, fu("2026-05-04", 4.5, days_without_ldn=20), fu("2026-05-18", 1.5, score=19, cgi_i=4)],
        "advance", ("followup_advance",), overrides=BASELINE,
    ),
    Case(
        "m1_a_restart_never_gives_more_than_the_dose_last_taken",
        [fu("2026-02-16", 1.0, days_without_ldn=20)], "restart", ("followup_restart",),
        expect={"steps": [("2026-02-16", "1.0"), ("2026-03-02", "1.5"), ("2026-03-16", "3.0"),
                          ("2026-03-30", "4.5")], "response_review": _d("2026-05-25")},
    ),
    Case(
        "m1_nor_does_a_chosen_one",
        [fu("2026-01-18", 1.0, side_effects={"nausea": "severe"}),
         fu("2026-01-25", 1.0, **chose("restart", "nausea settled"))], "restart",
        ("followup_stop_severe_lowest", "followup_clinician_choice"), expect={"next_dose_mg": Decimal("1.0")},
    ),
    # ---- 7. M2: trying to conceive stops LDN, carried like pregnancy ----
    Case(
        "m2_trying_to_conceive_is_refused_another_decision",
        [fu("2026-01-18", safety={"pregnancy": "trying"}, **chose("hold", "will use contraception"))], "stop",
        ("followup_trying_to_conceive", "followup_override_refused_stop"), overrides=FEMALE,
    ),
    Case(
        "m2_carried_while_not_asked_again",
        [fu("2026-01-18", safety={"pregnancy": "trying"}), fu("2026-02-01")], "stop",
        ("followup_trying_to_conceive", "followup_safety_unanswered"), overrides=FEMALE,
    ),
    Case(
        "m2_a_later_no_restarts_at_step_one",
        [fu("2026-01-18", safety={"pregnancy": "trying"}), fu("2026-02-01", 3.0, safety={"pregnancy": "no"})],
        "restart", ("followup_restart",), overrides=FEMALE, expect={"next_dose_mg": Decimal("1.5")},
    ),
    # ---- 8. M3/M4: overrides of the trial-ending stops are refused, then and later ----
    Case(
        "m3_cannot_judge_is_refused_another_decision",
        [fu("2026-03-30", 4.5, **chose("continue", "doing well"))], "stop",
        ("followup_cannot_judge", "followup_override_refused_stop"), overrides=BASELINE,
    ),
    Case(
        "m3_cannot_judge_after_the_extension_is_refused",
        [fu("2026-03-30", 4.5, extend_once=True), fu("2026-04-27", 4.5, **chose("continue", "doing well"))],
        "stop", ("followup_cannot_judge", "followup_override_refused_stop"), overrides=BASELINE,
    ),
    Case(
        "m3_a_lost_response_is_refused_another_decision",
        [MET_0330, fu("2026-05-04", 4.5, score=15, cgi_i=2, **chose("continue", "a bad month"))], "stop",
        ("followup_response_lost", "followup_override_refused_stop"), overrides=BASELINE,
    ),
    Case(
        "m3_no_response_is_refused_at_later_reviews_too",
        [fu("2026-03-30", 4.5, score=18, cgi_i=4),
         fu("2026-04-13", 4.5, score=10, cgi_i=1, **chose("continue", "re-challenge agreed"))], "stop",
        ("followup_stop_no_response", "followup_override_refused_stop"), overrides=BASELINE,
        params={"followup_stop_no_response": {"since": "2026-03-30"}},
    ),
    Case(
        "m4_suicidal_thoughts_no_restart_later",
        [fu("2026-01-18", safety={"suicidal_thoughts": "yes"}),
         fu("2026-02-15", **chose("restart", "crisis resolved"))], "stop",
        ("followup_stop_suicidal", "followup_override_refused_stop"),
    ),
    Case(
        "m4_a_severe_other_reaction_may_be_held_only_at_its_review",
        [fu("2026-02-01", 3.0, side_effects={"other": "severe"}),
         fu("2026-02-08", 3.0, **chose("hold", "viral rash, seen by GP"))], "stop",
        ("followup_stop_severe_other", "followup_override_refused_stop"),
        params={"followup_stop_severe_other": {"since": "2026-02-01"}},
    ),
    Case(
        "m4_a_severe_effect_on_the_lowest_step_may_still_be_kept_with_a_reason",
        [fu("2026-01-18", side_effects={"nausea": "severe"}),
         fu("2026-01-25", **chose("hold", "nausea settled with food"))], "hold",
        ("followup_stop_severe_lowest", "followup_clinician_choice"), expect={"next_dose_mg": Decimal("1.5")},
    ),
    Case(
        "m4_but_never_raised",
        [fu("2026-01-18", side_effects={"nausea": "severe"}),
         fu("2026-01-25", **chose("advance", "settled"))],
        "stop", ("followup_stop_severe_lowest", "followup_override_refused"),
    ),
    # ---- 9. M5: never back up to the dose that caused a step-down ----
    Case(
        "m5_the_clinician_may_choose_the_higher_dose_with_a_reason",
        [HEADACHE_AT_TARGET, fu("2026-03-02", 3.0, **chose("advance", "headaches were a migraine flare"))],
        "advance",
        ("followup_tolerated_ceiling", "followup_clinician_choice"),
        expect={"next_dose_mg": Decimal("4.5"), "steps": [("2026-03-02", "4.5")]},
    ),
    Case(
        "m5_and_then_the_ceiling_is_lifted",
        [HEADACHE_AT_TARGET, fu("2026-03-02", 3.0, **chose("advance", "headaches were a migraine flare")),
         fu("2026-03-16", 4.5)],
        "continue", ("followup_continue",),
    ),
    Case(
        "m5_not_without_a_reason",
        [HEADACHE_AT_TARGET, fu("2026-03-02", 3.0, **chose("advance", None))],
        "hold", ("followup_tolerated_ceiling", "followup_override_refused"),
    ),
    Case(
        "m5_a_restart_schedule_stops_below_it",
        [HEADACHE_AT_TARGET, fu("2026-03-16", 3.0, days_without_ldn=20)],
        "restart", ("followup_restart",), expect={"steps": [("2026-03-16", "1.5"), ("2026-03-30", "3.0")]},
    ),
    Case(
        "m5_a_met_response_below_it_is_maintained",
        [HEADACHE_AT_TARGET, fu("2026-03-30", 3.0, score=12, cgi_i=2)],
        "continue", ("followup_response_met", "followup_continue_maintenance", "followup_tolerated_ceiling"),
        overrides=BASELINE, expect={"next_review": _d("2026-06-29"), "steps": [("2026-03-30", "3.0")]},
    ),
    Case(
        "m5_a_step_down_on_the_lowest_step_sets_no_ceiling",
        [fu("2026-01-18", side_effects={"other": "moderate"}, tolerable="no"), fu("2026-02-01")], "advance",
        ("followup_advance",),
    ),
    # ---- 10. M8: a dose taken above the cap is flagged and stepped down to the ceiling ----
    Case(
        "m8_a_dose_above_the_cap_is_stepped_down", [fu("2026-02-16", 6.0)], "step_down",
        ("followup_dose_above_ceiling",),
        expect={"next_dose_mg": Decimal("4.5"), "steps": [("2026-02-16", "4.5")]},
        params={"followup_dose_above_ceiling": {"dose_mg": "6", "ceiling_mg": "4.5"}},
    ),
    Case(
        "m8_never_held", [fu("2026-02-16", 9.0, **chose("hold", "feels fine"))], "step_down",
        ("followup_dose_above_ceiling", "followup_override_refused"),
    ),
    Case(
        "m8_flagged_in_a_stop_too", [fu("2026-02-16", 50.0, safety={"liver_injury_signs": "yes"})], "stop",
        ("followup_stop_liver", "followup_dose_above_ceiling"),
    ),
    Case(
        "m8_flagged_on_a_restart", [fu("2026-02-16", 6.0, days_without_ldn=20)], "restart",
        ("followup_restart", "followup_dose_above_ceiling"), expect={"next_dose_mg": Decimal("1.5")},
    ),
    # ---- 11. H2: only the longer-trial sign-off lifts the paediatric limit ----
    Case(
        "h2_the_age_signoff_does_not_lift_the_limit",
        [fu("2026-04-27", 4.0, score=10, cgi_i=1)], "stop", ("followup_paediatric_limit",),
        overrides={**CHILD, **BASELINE, "plan": plan(specialist_signoff=True)},
        inputs={"followup_paediatric_limit": ("patient.age_years", "plan.specialist_signoff_longer_trial")},
    ),
]
# fmt: on


@pytest.mark.parametrize("case", ROUND2_CASES, ids=[case.name for case in ROUND2_CASES])
def test_round_two_rules(make_visit: MakeVisit, case: Case) -> None:
    visit = make_visit(**case.overrides, follow_ups=case.follow_ups)
    decision = review(visit)
    assert decision is not None
    _check(decision, case)


def test_m8_without_a_plan_a_dose_above_the_cap_is_flagged(make_visit: MakeVisit) -> None:
    """With no weight there is no ceiling from age and weight, but the cap still holds."""
    decision = review(make_visit(**{"patient.weight_kg": None}, follow_ups=[fu("2026-01-18", 6.0)]))
    assert decision is not None
    assert decision.decision == "no_plan"
    assert reason(decision, "followup_no_plan_dose_above_ceiling").params == {
        "dose_mg": "6",
        "ceiling_mg": "4.5",
    }


def test_h2_the_reviews_own_limit_ignores_the_age_signoff() -> None:
    """Should a protocol carry no limit, the review works it out itself, lifted only by the sign-off
    for a longer trial (the pharmacist's 7-year-old with the age sign-off, past 16 weeks)."""
    visit = load_case("pharm/child7_signoff_past16")
    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    assert protocol.trial_ends == _d("2027-03-23")
    unlimited = protocol.model_copy(update={"trial_ends": None})
    decisions = review_all(visit, None, assessment, unlimited)
    assert [d.decision for d in decisions[-3:]] == ["stop"] * 3
    assert reason(decisions[-1], "followup_paediatric_limit").params == {"until": "2027-03-23"}
    data = visit.model_dump(mode="json")
    assert data["plan"] is not None
    data["plan"]["specialist_signoff_longer_trial"] = True
    longer = Visit.model_validate(data)
    assert [d.decision for d in review_all(longer, None, assessment, unlimited)][-3:] == ["continue"] * 3


# ---- the pharmacist's reproducers (followup_cases/pharm/) -------------------------------------------


def _decisions(name: str) -> tuple[FollowUpDecision, ...]:
    return decide(load_case(f"pharm/{name}")).follow_ups


def _summary(decisions: tuple[FollowUpDecision, ...]) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(d.review_date.isoformat(), d.decision, d.rule_ids) for d in decisions]


def test_opioid_stale_date() -> None:
    """C1: a second "yes" with no date was cleared from the first review's date, then restarted."""
    assert _summary(_decisions("opioid_stale_date")) == [
        ("2026-12-14", "stop", ("followup_stop_opioids", "followup_opioid_free_wait")),
        (
            "2026-12-28",
            "stop",
            ("followup_stop_opioids", "followup_opioid_date_needed", "followup_safety_unanswered"),
        ),
        ("2026-12-30", "stop", ("followup_opioid_date_needed", "followup_safety_unanswered")),
    ]


def test_opioid_yes_date_before_prev_review() -> None:
    """C1: a "yes" dated before the previous review was taken as cleared and restarted two days later."""
    decisions = _decisions("opioid_yes_date_before_prev_review")
    assert [d.decision for d in decisions] == ["advance", "stop", "stop"]
    assert decisions[1].rule_ids == ("followup_stop_opioids", "followup_opioid_date_needed")
    assert reason(decisions[2], "followup_opioid_date_needed").params == {"since": "2026-12-14"}


def test_stop_then_blank() -> None:
    """H1: staying off with unanswered items had no stop reason, only "stay on your current dose" words."""
    latest = _decisions("stop_then_blank")[-1]
    assert (latest.decision, latest.rule_ids) == ("stop", ("followup_stay_off", "followup_safety_unanswered"))
    assert [r.rule_id for r in latest.patient_reasons] == ["followup_stay_off"]


def test_liver() -> None:
    """M4: "LFTs normal" continued 3 mg a week after liver injury signs."""
    latest = _decisions("liver")[-1]
    assert (latest.decision, latest.override_refused) == ("stop", True)
    assert latest.rule_ids == ("followup_stop_liver", "followup_override_refused_stop")


def test_severe_other_hold() -> None:
    """Patient reasons: the hold chosen over a severe reaction printed the stop's "stop now" words."""
    latest = _decisions("severe_other_hold")[-1]
    assert (latest.decision, latest.computed) == ("hold", "stop")
    assert latest.rule_ids == ("followup_stop_severe_other", "followup_clinician_choice")
    assert [r.rule_id for r in latest.patient_reasons] == ["followup_clinician_choice"]


def test_notmet_override_continue() -> None:
    """M3: "wants to" continued a non-responder."""
    latest = _decisions("notmet_override_continue")[-1]
    assert (latest.decision, latest.override_refused) == ("stop", True)
    assert latest.rule_ids == ("followup_stop_no_response", "followup_override_refused_stop")


def test_child7_signoff_past16() -> None:
    """H2: the age sign-off for a 7-year-old lifted the 16-week limit."""
    decisions = _decisions("child7_signoff_past16")
    assert [d.decision for d in decisions[-3:]] == ["stop"] * 3
    assert reason(decisions[-1], "followup_paediatric_limit").inputs == (
        "patient.age_years",
        "plan.specialist_signoff_longer_trial",
    )


def test_met_then_none() -> None:
    """H3: after one met response five unscored reviews held for over a year."""
    decisions = _decisions("met_then_none")
    assert [d.decision for d in decisions[3:]] == ["continue", "hold", "stop", "stop", "stop", "stop"]
    assert decisions[4].next_review == _d("2027-06-22")
    assert decisions[5].rule_ids == ("followup_cannot_judge",)
    assert all(d.rule_ids == ("followup_cannot_judge",) for d in decisions[5:])


@pytest.mark.parametrize("name", ["fu_side_effects_omitted", "fu_blank_safety"])
def test_side_effects_not_asked(name: str) -> None:
    """H4: side effects left out read as "none"; the review now lists each as unanswered and holds."""
    decision = _decisions(name)[-1]
    assert (decision.decision, decision.next_dose_mg) == ("hold", Decimal("1.5"))
    asked = reason(decision, "followup_safety_unanswered").inputs
    assert tuple(path for path in asked if path.startswith("follow_ups.side_effects.")) == EFFECT_PATHS
    assert URINE_PATH not in asked


def test_oud_relapse_restart() -> None:
    """H5: a patient with past opioid use disorder restarted after a relapse with no new urine screen."""
    latest = _decisions("oud_relapse_restart")[-1]
    assert latest.decision == "stop"
    assert latest.rule_ids == ("followup_urine_screen_needed", "followup_safety_unanswered")
    assert reason(latest, "followup_safety_unanswered").inputs == (URINE_PATH,)


def test_restart_then_early_response() -> None:
    """M1: the response was judged on the original date while the patient was re-titrating."""
    decisions = _decisions("restart_then_early_response")
    restart, latest = decisions[3], decisions[-1]
    assert restart.decision == "restart"
    assert restart.response_review == _d("2027-04-26")
    assert (latest.decision, latest.rule_ids) == ("hold", ("followup_hold",))
    assert latest.response_review == _d("2027-04-26")
    assert decisions[4].next_review == _d("2027-03-01")


def test_met_then_break_scored() -> None:
    """M1: a met response was carried over a 21-day break and restart."""
    decisions = _decisions("met_then_break_scored")
    assert [d.decision for d in decisions[-2:]] == ["restart", "advance"]
    assert [d.rule_ids for d in decisions[-2:]] == [
        ("followup_restart", "followup_adherence"),
        ("followup_advance",),
    ]
    assert decisions[-1].response_review == _d("2027-06-24")
    assert decisions[-1].recheck_due is None


def test_trying_all_along() -> None:
    """M2: trying to conceive at screening and at every review: no plan, and the patient is told why."""
    decisions = _decisions("trying_all_along")
    assert {d.decision for d in decisions} == {"no_plan"}
    for decision in decisions:
        shown = [r.rule_id for r in decision.patient_reasons]
        assert shown == ["followup_no_protocol", "trying_to_conceive", "followup_trying_to_conceive"]


def test_trying_at_a_review(make_visit: MakeVisit) -> None:
    """M2, the same patient with a plan (not trying at screening): every "trying" review stops."""
    follow_ups = [
        fu(day, 1.5, safety={"pregnancy": "trying"}) for day in ("2026-01-18", "2026-02-01", "2026-03-30")
    ]
    decisions = review_all(make_visit(**FEMALE, follow_ups=follow_ups))
    assert [d.decision for d in decisions] == ["stop"] * 3
    assert all(d.rule_ids == ("followup_trying_to_conceive",) for d in decisions)


def test_severe_headache_at_target() -> None:
    """M5: stepped down from 4.5 mg for a severe headache, then advanced straight back to 4.5 mg."""
    decisions = _decisions("severe_headache_at_target")
    step_down, latest = decisions[2], decisions[3]
    assert steps_of(step_down) == [("2027-01-11", "3.0")]
    assert (latest.decision, latest.next_dose_mg) == ("hold", Decimal("3.0"))
    assert latest.rule_ids == ("followup_tolerated_ceiling",)
    assert steps_of(latest) == [("2027-01-25", "3.0")]


def test_above_cap() -> None:
    """M8: 6 mg taken (recordable since the domain allows up to 150 mg) is cut to the 4.5 mg ceiling."""
    decision = _decisions("above_cap")[-1]
    assert (decision.decision, decision.next_dose_mg) == ("step_down", Decimal("4.5"))
    assert reason(decision, "followup_dose_above_ceiling").params == {"dose_mg": "6", "ceiling_mg": "4.5"}


# ---- patient reasons ---------------------------------------------------------------------------------

# fmt: off
PATIENT_CASES: list[tuple[str, dict[str, Any], list[dict[str, Any]], str, tuple[str, ...]]] = [
    ("a_plain_advance", {}, [fu("2026-01-18")], "advance", ("followup_advance",)),
    ("a_hold_keeps_its_cautions", {}, [fu("2026-01-18", safety={"low_mood_worse": "yes"})], "hold",
     ("followup_low_mood",)),
    ("a_stop_shows_only_its_stops", {},
     [fu("2026-01-18", missed_doses_last_week=7, safety={**_yes(last_opioid_dose="2026-01-17"),
                                                         "surgery_planned": "yes"})],
     "stop", ("followup_stop_opioids", "followup_opioid_free_wait")),
    ("a_refused_choice_is_never_shown", {},
     [fu("2026-01-18", safety={"allergic_reaction": "yes"}, **chose("hold"))], "stop",
     ("followup_stop_allergy",)),
    ("staying_off", {}, [OPIOID_0118, fu("2026-02-01", safety={"surgery_planned": "yes"})], "stop",
     ("followup_stay_off",)),
    ("an_extension_without_the_stop_words", BASELINE, [fu("2026-03-30", 4.5, extend_once=True)], "continue",
     ("followup_extend_once",)),
    ("a_stop_chosen_inside_the_extension", BASELINE,
     [fu("2026-03-30", 4.5, extend_once=True), fu("2026-04-13", 4.5, **chose("stop", "wants to stop"))],
     "stop", ("followup_clinician_choice",)),
    ("a_chosen_hold_over_a_severe_reaction", {},
     [fu("2026-02-01", 3.0, side_effects={"other": "severe"}, **chose("hold", "a new soap"))], "hold",
     ("followup_clinician_choice",)),
    ("a_chosen_hold_instead_of_an_advance", {}, [fu("2026-01-18", **chose("hold"))], "hold",
     ("followup_clinician_choice",)),
    ("a_chosen_stop_while_unknown", {}, [fu("2026-01-18", safety={"low_mood_worse": None}, **chose("stop"))],
     "stop", ("followup_clinician_choice",)),
    ("a_chosen_hold_over_a_restart_keeps_the_facts", {},
     [fu("2026-02-01", 3.0, days_without_ldn=20, missed_doses_last_week=7, **chose("hold"))], "hold",
     ("followup_clinician_choice", "followup_adherence")),
    ("no_plan_shows_why_and_the_stops", {"ldn_screen.planned_surgery": None},
     [fu("2026-01-18", safety={"surgery_planned": "yes", **_yes(last_opioid_dose="2026-01-17")})], "no_plan",
     ("followup_no_protocol", "followup_stop_opioids", "followup_opioid_free_wait")),
]
# fmt: on


@pytest.mark.parametrize("case", PATIENT_CASES, ids=[case[0] for case in PATIENT_CASES])
def test_patient_reasons(
    make_visit: MakeVisit, case: tuple[str, dict[str, Any], list[dict[str, Any]], str, tuple[str, ...]]
) -> None:
    _, overrides, follow_ups, decision_name, shown = case
    decision = review(make_visit(**overrides, follow_ups=follow_ups))
    assert decision is not None
    assert decision.decision == decision_name
    assert tuple(r.rule_id for r in decision.patient_reasons) == shown
    assert all(item in decision.reasons for item in decision.patient_reasons)


def test_no_effects_helper_grades_every_side_effect() -> None:
    assert set(NO_EFFECTS) == set(SIDE_EFFECTS)
