"""The clinical audit's and the red team's screening reproducers (issue 9), each a table row.

The visit files in tests/rules/cases/ are copies of ../shared/reviews/2026-12/audit-cases/ and
redteam-cases/D18*/ (the unmodified format-1 originals are in cases/original/). The copies used
here are adapted to format 2: the new screening questions answered "no", the one format-1
"non-stimulant" answer given to each of the three non-stimulant classes (with an adequate trial
where it was "no benefit"), and an ASRS Part A baseline moved to an allowed scale where the
baseline is not the case's point. So each row tests only its own finding.

Every row failed on 10e0919: `old` says what that release gave for the same clinical answers (run
on the original file, and on the adapted answers without the format-2 fields). The table is plain
literals so a checker can read it without importing the new code.

PHARMACIST_CASES (issue 9 round 2) are the clinical pharmacist's reproducers, copied into
cases/pharm/ from the review's case folder (already format 2, so copied as they are; the
follow-ups they carry are for the review rules and are not read by screening). Every row failed on
0010de7 (round 1); `old` says what it gave.
"""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ldn_aid.domain.assessment import Outcome
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, evaluate, handout_gate
from ldn_aid.rules.engine import untried_guideline_options

CASES = Path(__file__).parent / "cases"

AUDIT_CASES: list[dict[str, Any]] = [
    {
        "id": "maoi",
        "file": "maoi.json",
        "audit": "B-1",
        "overrides": {},
        "outcome": "guideline_first",
        "fires": ["stimulant_discuss.maoi_last_14_days", "planned_surgery", "pregnancy_possible"],
        "absent": [],
        "missing": [],
        "untried": ["methylphenidate", "amphetamine"],
        "protocol": {"doses": ["1.5", "3.0", "4.5"], "ceiling_mg": "4.5", "guideline_options_first": True},
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "ldn_option: an MAOI in the last 14 days ruled both stimulants out",
    },
    {
        "id": "thyroid",
        "file": "thyroid.json",
        "audit": "B-1",
        "overrides": {},
        "outcome": "guideline_first",
        "fires": ["stimulant_discuss.overactive_thyroid"],
        "absent": [],
        "missing": [],
        "untried": ["methylphenidate", "amphetamine"],
        "protocol": {"doses": ["1.5", "3.0", "4.5"], "guideline_options_first": True},
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "ldn_option: an overactive thyroid ruled both stimulants out",
    },
    {
        "id": "heart",
        "file": "thyroid.json",
        "audit": "B-1",
        "overrides": {
            "stimulant_screen.overactive_thyroid": "no",
            "stimulant_screen.heart_disease_or_family_sudden_death": "yes",
        },
        "outcome": "guideline_first",
        "fires": ["stimulant_discuss.heart_disease_or_family_sudden_death"],
        "absent": ["stimulant_discuss.overactive_thyroid"],
        "missing": [],
        "untried": ["methylphenidate", "amphetamine"],
        "protocol": {"guideline_options_first": True},
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "ldn_option: heart history needing a cardiology review ruled both stimulants out",
    },
    {
        "id": "partial",
        "file": "partial.json",
        "audit": "B-1",
        "overrides": {},
        "outcome": "guideline_first",
        "fires": ["guideline_medicine_partial"],
        "absent": ["guideline_medicine_helped"],
        "missing": [],
        "untried": ["methylphenidate", "amphetamine"],
        "protocol": {"guideline_options_first": True},
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "ldn_option: partial benefit from both stimulants counted as tried",
    },
    {
        "id": "one_non_stimulant_failed",
        "file": "maoi.json",
        "audit": "B-1",
        "overrides": {
            "stimulant_screen.maoi_last_14_days": "no",
            "preferences.declines_stimulants": "yes",
            "history.alpha2_agonist": "not_tried",
            "history.viloxazine": "not_tried",
        },
        "outcome": "guideline_first",
        "fires": [],
        "absent": ["stimulant_discuss.maoi_last_14_days"],
        "missing": [],
        "untried": ["alpha2_agonist", "viloxazine"],
        "protocol": {"guideline_options_first": True},
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "ldn_option: one failed non-stimulant counted every non-stimulant as tried",
    },
    {
        "id": "trial_not_adequate",
        "file": "maoi.json",
        "audit": "B-1",
        "overrides": {
            "stimulant_screen.maoi_last_14_days": "no",
            "preferences.declines_stimulants": "yes",
            "history.atomoxetine_adequate_trial": "no",
        },
        "outcome": "guideline_first",
        "fires": ["guideline_trial_not_adequate"],
        "absent": [],
        "missing": [],
        "untried": ["atomoxetine"],
        "protocol": {"guideline_options_first": True},
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "ldn_option: a trial that was not adequate counted as tried",
    },
    {
        "id": "fem_na",
        "file": "fem_na.json",
        "audit": "A-9",
        "overrides": {},
        "outcome": "incomplete",
        "fires": [],
        "absent": ["pregnancy_possible"],
        "missing": ["ldn_screen.pregnancy", "ldn_screen.childbearing_potential"],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option: 'not applicable' answered the pregnancy question for a 25-year-old woman",
    },
    {
        "id": "fem_na_childbearing_yes",
        "file": "fem_na.json",
        "audit": "A-9",
        "overrides": {"ldn_screen.childbearing_potential": "yes"},
        "outcome": "incomplete",
        "fires": [],
        "absent": [],
        "missing": ["ldn_screen.pregnancy"],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option: 'not applicable' accepted although pregnancy is possible",
    },
    {
        "id": "fem_not_pregnant",
        "file": "fem_na.json",
        "audit": "A-9",
        "overrides": {"ldn_screen.pregnancy": "no"},
        "outcome": "ldn_option",
        "fires": ["pregnancy_possible"],
        "absent": [],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["1.5", "3.0", "4.5"], "guideline_options_first": False},
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option with no contraception advice for a woman who could become pregnant",
    },
    {
        "id": "male_pregnancy_unanswered",
        "file": "male_preg.json",
        "audit": "A-9",
        "overrides": {"ldn_screen.pregnancy": None},
        "outcome": "ldn_option",
        "fires": [],
        "absent": ["pregnancy", "pregnancy_possible"],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["1.5", "3.0", "4.5"]},
        "gate": {"allowed": True, "blockers": []},
        "old": "incomplete: the pregnancy question was required for a man",
    },
    {
        "id": "child",
        "file": "child.json",
        "audit": "A-8",
        "overrides": {},
        "outcome": "ldn_option",
        "fires": ["age_under_adult", "paediatric_trial_limit", "low_weight"],
        "absent": ["weight_check"],
        "missing": [],
        "untried": [],
        "protocol": {
            "doses": ["0.8", "1.5", "2.3"],
            "ceiling_mg": "2.3",
            "trial_ends": "2027-03-23",
            "response_review": "2027-02-23",
        },
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option with an open-ended trial: no paediatric limit on the plan or its reviews",
    },
    {
        "id": "child_trial_too_long",
        "file": "child.json",
        "audit": "A-8",
        "overrides": {
            "patient.weight_kg": 30,
            "plan.schedule": "gentle",
            "plan.step_weeks": 4,
            "plan.change_reason": "Slow titration asked for by the family.",
        },
        "outcome": "ldn_option",
        "fires": ["paediatric_trial_limit"],
        "absent": [],
        "missing": [],
        "untried": [],
        "protocol": {
            "doses": ["0.5", "1.5", "2.5", "3.0"],
            "trial_ends": "2027-03-23",
            "response_review": "2027-04-20",
        },
        "gate": {
            "allowed": False,
            "blockers": ["paediatric_trial_too_long"],
            "params": {"until": "2027-03-23"},
        },
        "old": "the plan printed with its response review at week 20 of a child's trial",
    },
    {
        "id": "child_age_7",
        "file": "child.json",
        "audit": "A-8",
        "overrides": {"patient.age_years": 7},
        "outcome": "stop",
        "fires": ["age_under_min"],
        "absent": ["age_under_adult"],
        "missing": [],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option for a 7-year-old, younger than any child ever given LDN",
    },
    {
        "id": "child_age_7_signoff",
        "file": "child.json",
        "audit": "A-8",
        "overrides": {
            "patient.age_years": 7,
            "plan.specialist_signoff": True,
            "plan.change_reason": "Paediatric specialist sign-off recorded.",
        },
        "outcome": "ldn_option",
        "fires": ["age_under_min_signoff", "age_under_adult", "paediatric_trial_limit"],
        "absent": ["age_under_min"],
        "missing": [],
        "untried": [],
        # Round 2 (H2): the age sign-off no longer lifts the 16-week limit.
        "protocol": {"doses": ["0.8", "1.5", "2.3"], "trial_ends": "2027-03-23"},
        "gate": {"allowed": True, "blockers": []},
        "old": "no sign-off existed: under 8 was offered like any child",
    },
    {
        "id": "child_target_above_ceiling",
        "file": "child.json",
        "audit": "issue 9 screening",
        "overrides": {"plan.target_mg": 4.0, "plan.change_reason": "Family asked for the adult dose."},
        "outcome": "ldn_option",
        "fires": [],
        "absent": [],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["0.8", "1.5", "2.3"], "ceiling_mg": "2.3", "refused_target_mg": "4.0"},
        "gate": {
            "allowed": False,
            "blockers": ["target_above_ceiling"],
            "params": {"target_mg": "4", "ceiling_mg": "2.3"},
        },
        "old": "the 4.0 mg target was silently replaced by 2.3 mg and the plan printed",
    },
    {
        "id": "child_weight_in_pounds",
        "file": "child.json",
        "audit": "A-13",
        "overrides": {"patient.age_years": 9, "patient.weight_kg": 50},
        "outcome": "incomplete",
        "fires": ["weight_check"],
        "absent": ["low_weight"],
        "missing": ["patient.weight_confirmed"],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option: 50 (pounds) read as kg gave 4.5 mg instead of 2.3 mg",
    },
    {
        "id": "nobaseline",
        "file": "nobaseline.json",
        "audit": "A-16",
        "overrides": {},
        "outcome": "incomplete",
        "fires": ["baseline_needed"],
        "absent": [],
        "missing": ["diagnosis.baseline"],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option with a full protocol and no baseline for the response rule",
    },
    {
        "id": "cgis",
        "file": "cgis.json",
        "audit": "C-2",
        "overrides": {},
        "outcome": "incomplete",
        "fires": ["baseline_needed"],
        "absent": [],
        "missing": ["diagnosis.baseline"],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option on a CGI-S baseline, later judged a met 30 % response",
    },
    {
        "id": "d18_guideline_first",
        "file": "guideline_first.json",
        "audit": "redteam D18",
        "overrides": {},
        "outcome": "guideline_first",
        "fires": ["stimulant_discuss.tics_or_tourette", "paediatric_trial_limit", "sleep_problems"],
        "absent": [],
        "missing": [],
        "untried": ["amphetamine", "atomoxetine", "alpha2_agonist", "viloxazine"],
        "protocol": {
            "doses": ["1.3", "2.5", "3.8"],
            "ceiling_mg": "3.8",
            "guideline_options_first": True,
            "trial_ends": "2027-03-23",
            "response_review": "2027-02-23",
        },
        "gate": {"allowed": False, "blockers": ["guideline_ack_missing"]},
        "old": "`ldn-aid handout` printed the full plan without the acknowledgement",
    },
]


PHARMACIST_CASES: list[dict[str, Any]] = [
    # H2: the age sign-off lets a 7-year-old start; it no longer lifts the 16-week limit.
    {
        "id": "child7_signoff_past16",
        "file": "pharm/child7_signoff_past16.json",
        "review": "H2",
        "overrides": {},
        "outcome": "ldn_option",
        "fires": ["age_under_min_signoff", "age_under_adult", "paediatric_trial_limit", "low_weight"],
        "absent": ["age_under_min"],
        "missing": [],
        "untried": [],
        "protocol": {
            "doses": ["0.8", "1.6", "2.4"],
            "ceiling_mg": "2.4",
            "trial_ends": "2027-03-23",
            "response_review": "2027-02-23",
        },
        "gate": {"allowed": True, "blockers": []},
        "old": "trial_ends None: the age sign-off lifted the 16-week limit, reviews ran to 2027-12-01",
    },
    {
        "id": "child7_signoff_past16_longer_trial",
        "file": "pharm/child7_signoff_past16.json",
        "review": "H2",
        "overrides": {"plan.specialist_signoff_longer_trial": True},
        "outcome": "ldn_option",
        "fires": ["age_under_min_signoff", "age_under_adult", "low_weight"],
        "absent": ["paediatric_trial_limit", "age_under_min"],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["0.8", "1.6", "2.4"], "ceiling_mg": "2.4", "trial_ends": None},
        "gate": {"allowed": True, "blockers": []},
        "old": "paediatric_trial_limit still fired (its words: the trial ends by 16 weeks)",
    },
    {
        "id": "child7_longer_trial_without_a_reason",
        "file": "pharm/child7_signoff_past16.json",
        "review": "H2",
        "overrides": {
            "plan.specialist_signoff": False,
            "plan.specialist_signoff_longer_trial": True,
            "plan.change_reason": None,
            "patient.age_years": 9,
            "patient.weight_kg": 30.0,
        },
        "outcome": "ldn_option",
        "fires": ["age_under_adult", "low_weight"],
        "absent": ["paediatric_trial_limit"],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["1.0", "2.0", "3.0"], "ceiling_mg": "3.0", "trial_ends": None},
        "gate": {"allowed": False, "blockers": ["change_reason_missing"]},
        "old": "a longer trial needed no reason in the record (who agreed, and why)",
    },
    {
        "id": "child7_longer_trial_only",
        "file": "pharm/child7_signoff_past16.json",
        "review": "H2",
        "overrides": {"plan.specialist_signoff": False, "plan.specialist_signoff_longer_trial": True},
        "outcome": "stop",
        "fires": ["age_under_min"],
        "absent": ["age_under_min_signoff", "paediatric_trial_limit"],
        "missing": [],
        "untried": [],
        "protocol": None,
        "gate": {"allowed": True, "blockers": []},
        "old": "(passed) a longer trial agreed never lets a 7-year-old start",
    },
    # M2: trying to conceive stops at screening, whatever the child-bearing potential answer.
    *(
        {
            "id": f"scr_trying_cbp{potential}",
            "file": f"pharm/scr_trying_cbp{potential}.json",
            "review": "M2",
            "overrides": {},
            "outcome": "stop",
            "fires": ["trying_to_conceive"],
            "absent": ["pregnancy_possible"],
            "missing": [],
            "untried": [],
            "protocol": None,
            "gate": {"allowed": True, "blockers": []},
            "old": "ldn_option with a caution (trying_to_conceive was a caution in rules.toml)",
        }
        for potential in ("None", "no", "yes")
    ),
    # M6: a baseline after the visit, years old, or scored 0 does not describe the patient now.
    *(
        {
            "id": name,
            "file": f"pharm/{name}.json",
            "review": "M6",
            "overrides": {},
            "outcome": "incomplete",
            "fires": ["baseline_needed"],
            "absent": [],
            "missing": ["diagnosis.baseline"],
            "untried": [],
            "protocol": None,
            "gate": {"allowed": True, "blockers": []},
            "old": f"ldn_option with a full protocol on {what}",
        }
        for name, what in (
            ("baseline_future", "a baseline dated 2027-06-01, after the 2026-11-25 visit"),
            ("baseline_old", "a baseline from 2019"),
            ("baseline_zero", "a baseline score of 0 (no 30 % fall is possible)"),
        )
    ),
    {
        "id": "baseline_old_now_rescored",
        "file": "pharm/baseline_old.json",
        "review": "M6",
        "overrides": {"diagnosis.baseline": {"scale": "adhd_rs_5", "score": 40, "date": "2026-08-27"}},
        "outcome": "ldn_option",
        "fires": [],
        "absent": ["baseline_needed"],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["1.5", "3.0", "4.5"]},
        "gate": {"allowed": True, "blockers": []},
        "old": "(passed) a baseline exactly 90 days before the visit is usable",
    },
    # Only a score of 0 is unusable; a low score is the clinician's to judge.
    {
        "id": "baseline_low3",
        "file": "pharm/baseline_low3.json",
        "review": "M6",
        "overrides": {},
        "outcome": "ldn_option",
        "fires": [],
        "absent": ["baseline_needed"],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["1.5", "3.0", "4.5"]},
        "gate": {"allowed": True, "blockers": []},
        "old": "(passed) unchanged",
    },
    # L7: every guideline class declined while none was tried: say that they remain the choice.
    {
        "id": "gf_nothing_tried_declines_all",
        "file": "pharm/gf_nothing_tried_declines_all.json",
        "review": "L7",
        "overrides": {},
        "outcome": "ldn_option",
        "fires": ["guideline_options_declined", "pregnancy_possible"],
        "absent": [],
        "missing": [],
        "untried": [],
        "protocol": {"doses": ["1.5", "3.0", "4.5"], "guideline_options_first": False},
        "gate": {"allowed": True, "blockers": []},
        "old": "ldn_option with nothing saying guideline medicines remain the evidence-based choice",
    },
]


def load_case(name: str, overrides: dict[str, Any]) -> Visit:
    data = json.loads((CASES / name).read_text(encoding="utf-8"))
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        node = data
        for part in parents:
            node = node.setdefault(part, {})
        node[leaf] = value
    return Visit.model_validate(data)


def _date(value: str | None) -> dt.date | None:
    return None if value is None else dt.date.fromisoformat(value)


@pytest.mark.parametrize("case", AUDIT_CASES, ids=[case["id"] for case in AUDIT_CASES])
def test_audit_case(case: dict[str, Any]) -> None:
    check_case(case)


@pytest.mark.parametrize("case", PHARMACIST_CASES, ids=[case["id"] for case in PHARMACIST_CASES])
def test_pharmacist_case(case: dict[str, Any]) -> None:
    check_case(case)


def check_case(case: dict[str, Any]) -> None:
    visit = load_case(case["file"], case["overrides"])
    assessment = evaluate(visit)
    fired = {finding.rule_id for finding in assessment.findings}
    assert assessment.outcome is Outcome(case["outcome"]), case["old"]
    assert set(case["fires"]) <= fired, sorted(fired)
    assert not set(case["absent"]) & fired, sorted(fired)
    assert list(assessment.missing) == case["missing"]
    assert list(untried_guideline_options(visit)) == case["untried"]

    protocol = build_protocol(visit, assessment)
    expected = case["protocol"]
    if expected is None:
        assert protocol is None
    else:
        assert protocol is not None
        if "doses" in expected:
            assert [str(step.dose_mg) for step in protocol.steps] == expected["doses"]
        for name in ("ceiling_mg", "refused_target_mg"):
            if name in expected:
                assert getattr(protocol, name) == (
                    None if expected[name] is None else Decimal(expected[name])
                )
        for name in ("trial_ends", "response_review"):
            if name in expected:
                assert getattr(protocol, name) == _date(expected[name])
        if "guideline_options_first" in expected:
            assert protocol.guideline_options_first is expected["guideline_options_first"]
        assert max(step.dose_mg for step in protocol.steps) <= protocol.ceiling_mg

    gate = handout_gate(visit, assessment, protocol)
    assert gate.allowed is case["gate"]["allowed"]
    assert list(gate.blockers) == case["gate"]["blockers"]
    assert gate.params == case["gate"].get("params", {})


@pytest.mark.parametrize("path", sorted((CASES / "original").glob("*.json")), ids=lambda path: path.stem)
def test_original_format_1_reproducers_load_and_never_give_a_plan(path: Path) -> None:
    """The untouched audit files migrate on load and open as incomplete (or stop), with the new
    questions listed: no old file looks further along than it was."""
    visit = Visit.model_validate(json.loads(path.read_text(encoding="utf-8")))
    assessment = evaluate(visit)
    assert assessment.outcome in (Outcome.INCOMPLETE, Outcome.STOP)
    assert build_protocol(visit, assessment) is None
    new_questions = {
        "ldn_screen.opioid_agonist_last_14_days",
        "ldn_screen.opioid_withdrawal_now",
        "ldn_screen.doubt_about_recent_opioids",
        "ldn_screen.depression_or_low_mood",
        "ldn_screen.suicidal_thoughts",
    }
    assert new_questions <= set(assessment.missing)
    # The format-1 "non-stimulant" answer is kept, flagged, and closes no class.
    if visit.history.non_stimulant_unspecified not in (None, "not_tried"):
        assert "non_stimulant_unspecified" in {finding.rule_id for finding in assessment.findings}


def test_every_case_file_is_used() -> None:
    used = {case["file"] for case in AUDIT_CASES} | {"male_preg.json"}
    assert {path.name for path in CASES.glob("*.json")} == used
    assert {path.name for path in (CASES / "original").glob("*.json")} == used
    pharm = {case["file"] for case in PHARMACIST_CASES}
    assert {f"pharm/{path.name}" for path in (CASES / "pharm").glob("*.json")} == pharm


def test_male_pregnancy_recorded_still_stops() -> None:
    """Not an audit failure (10e0919 stopped too): a recorded pregnancy is never ignored, even when
    sex at birth says it cannot apply."""
    visit = load_case("male_preg.json", {})
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.STOP
    assert "pregnancy" in {finding.rule_id for finding in assessment.findings}
