"""Table-driven tests of `evaluate`: one row per rule, the outcome precedence, `missing`, and the
guideline-first branches (issue 2, section 4; issue 9, "Screening" and "Guideline-first, fairly").

The base visit (tests/conftest.py) is a fully answered adult man whose outcome is `ldn_option`:
every guideline class had an adequate trial without benefit, the baseline is on a scale that can
judge a response, and pregnancy does not apply. Findings are data: rule ids, inputs, sources.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from ldn_aid.content import RuleBook, load_rules
from ldn_aid.domain.assessment import Assessment, Finding, Outcome
from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    MEDICINE_CLASSES,
    NON_STIMULANT_CLASSES,
    SCALE_RANGES,
    STIMULANT_CLASSES,
    STIMULANT_SCREEN_FIELDS,
    Visit,
)
from ldn_aid.rules import build_protocol, evaluate
from ldn_aid.rules.engine import missing_answers, untried_guideline_options

MakeVisit = Callable[..., Visit]

ALWAYS = "ldn_untested_in_adhd"
CONFIRMED = "stimulant_contraindication_confirmed"
# Every stimulant-screen item except the clinician's confirmation is a point to defer or check.
DISCUSS_FIELDS = tuple(name for name in STIMULANT_SCREEN_FIELDS if name != CONFIRMED)
UNCONDITIONAL_SCREEN = tuple(name for name in LDN_SCREEN_FIELDS if name not in CONDITIONAL_LDN_SCREEN_FIELDS)
FEMALE = {"patient.sex_at_birth": "female"}
DECLINES_BOTH = {"preferences.declines_stimulants": "yes", "preferences.declines_non_stimulants": "yes"}
NOT_ALLOWED_SCALES = ("cgi_s", "asrs_v1_1_part_a", "snap_iv_26")
ALLOWED_SCALES = ("adhd_rs_5", "aisrs", "vanderbilt_parent", "vanderbilt_teacher", "snap_iv_18")


def rule_ids(assessment: Assessment) -> set[str]:
    return {finding.rule_id for finding in assessment.findings}


def finding(assessment: Assessment, rule_id: str) -> Finding:
    matches = [f for f in assessment.findings if f.rule_id == rule_id]
    assert matches, f"{rule_id} not among {sorted(rule_ids(assessment))}"
    assert len(matches) == 1, f"{rule_id} reported {len(matches)} times"
    return matches[0]


def untried(*classes: str) -> dict[str, str]:
    """Overrides that leave these classes not tried (the others stay tried, as in the base)."""
    return {f"history.{cls}": "not_tried" for cls in classes}


# ---- one row per rule ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Row:
    name: str
    overrides: dict[str, Any]
    rule_id: str
    severity: str
    outcome: Outcome
    trigger: str | None
    # Other rules that fire with it (beyond ldn_untested_in_adhd), and the exact missing paths.
    also: tuple[str, ...] = ()
    missing: tuple[str, ...] = ()
    params: dict[str, str] | None = None


CHILD_12 = {"patient.age_years": 12, "patient.weight_kg": 45}
ROWS: list[Row] = [
    # ---- stop
    Row(
        "adhd no",
        {"diagnosis.adhd_confirmed": "no"},
        "diagnosis_not_confirmed",
        "stop",
        Outcome.STOP,
        "diagnosis.adhd_confirmed",
    ),
    Row(
        "adhd unsure",
        {"diagnosis.adhd_confirmed": "unsure"},
        "diagnosis_not_confirmed",
        "stop",
        Outcome.STOP,
        "diagnosis.adhd_confirmed",
    ),
    Row(
        "age 0",
        {"patient.age_years": 0, "patient.weight_kg": 4},
        "age_under_min",
        "stop",
        Outcome.STOP,
        "patient.age_years",
        also=("low_weight",),
    ),
    Row(
        "age 5",
        {"patient.age_years": 5, "patient.weight_kg": 19},
        "age_under_min",
        "stop",
        Outcome.STOP,
        "patient.age_years",
        also=("low_weight",),
    ),
    # JUDGEMENT: 8 is the youngest age ever given LDN (SM13); 6-7 only with a specialist sign-off.
    Row(
        "age 7 no sign-off",
        {"patient.age_years": 7, "patient.weight_kg": 24},
        "age_under_min",
        "stop",
        Outcome.STOP,
        "patient.age_years",
        also=("low_weight",),
    ),
    Row(
        "age 6 no sign-off",
        {"patient.age_years": 6, "patient.weight_kg": 22},
        "age_under_min",
        "stop",
        Outcome.STOP,
        "patient.age_years",
        also=("low_weight",),
    ),
    # Under 6: never, whatever the sign-off (AAP19, NICE).
    Row(
        "age 5 with sign-off",
        {"patient.age_years": 5, "patient.weight_kg": 19, "plan.specialist_signoff": True},
        "age_under_min",
        "stop",
        Outcome.STOP,
        "patient.age_years",
        also=("low_weight",),
    ),
    Row(
        "current opioid",
        {"ldn_screen.current_opioid_use": "yes"},
        "opioid_current",
        "stop",
        Outcome.STOP,
        "ldn_screen.current_opioid_use",
    ),
    Row(
        "agonist treatment",
        {"ldn_screen.opioid_agonist_treatment": "yes"},
        "opioid_agonist_treatment",
        "stop",
        Outcome.STOP,
        "ldn_screen.opioid_agonist_treatment",
    ),
    # methadone or buprenorphine in the last 14 days (REVIA label: up to two weeks).
    Row(
        "agonist last 14 days",
        {"ldn_screen.opioid_agonist_last_14_days": "yes"},
        "opioid_agonist_recent",
        "stop",
        Outcome.STOP,
        "ldn_screen.opioid_agonist_last_14_days",
    ),
    Row(
        "opioid last 10 days",
        {"ldn_screen.opioid_use_last_10_days": "yes"},
        "opioid_recent",
        "stop",
        Outcome.STOP,
        "ldn_screen.opioid_use_last_10_days",
    ),
    # acute opioid withdrawal is a label contraindication.
    Row(
        "withdrawal now",
        {"ldn_screen.opioid_withdrawal_now": "yes"},
        "opioid_withdrawal",
        "stop",
        Outcome.STOP,
        "ldn_screen.opioid_withdrawal_now",
    ),
    # a positive urine opioid screen stops, whether or not the screen was required.
    Row(
        "urine positive",
        {"ldn_screen.urine_opioid_screen": "positive"},
        "urine_opioid_positive",
        "stop",
        Outcome.STOP,
        "ldn_screen.urine_opioid_screen",
    ),
    Row(
        "urine positive, past OUD",
        {"ldn_screen.urine_opioid_screen": "positive", "ldn_screen.past_opioid_use_disorder": "yes"},
        "urine_opioid_positive",
        "stop",
        Outcome.STOP,
        "ldn_screen.urine_opioid_screen",
        also=("past_opioid_use_disorder", "urine_opioid_screen_required"),
    ),
    Row(
        "acute liver",
        {"ldn_screen.acute_hepatitis_or_liver_failure": "yes"},
        "acute_liver",
        "stop",
        Outcome.STOP,
        "ldn_screen.acute_hepatitis_or_liver_failure",
    ),
    Row(
        "allergy",
        {"ldn_screen.naltrexone_allergy": "yes"},
        "naltrexone_allergy",
        "stop",
        Outcome.STOP,
        "ldn_screen.naltrexone_allergy",
    ),
    Row(
        "pregnant",
        {**FEMALE, "ldn_screen.pregnancy": "pregnant"},
        "pregnancy",
        "stop",
        Outcome.STOP,
        "ldn_screen.pregnancy",
    ),
    # A recorded pregnancy is never ignored, even when sex at birth says it cannot apply.
    Row(
        "pregnant, male",
        {"ldn_screen.pregnancy": "pregnant"},
        "pregnancy",
        "stop",
        Outcome.STOP,
        "ldn_screen.pregnancy",
    ),
    # breastfeeding is now a stop (EU SmPC: "not recommended"; rules.toml says why).
    Row(
        "breastfeeding",
        {**FEMALE, "ldn_screen.pregnancy": "breastfeeding"},
        "breastfeeding",
        "stop",
        Outcome.STOP,
        "ldn_screen.pregnancy",
    ),
    # Round 2, M2: trying to conceive is a stop (the embryo is exposed before a pregnancy is known;
    # FINAL required contraception from 3 weeks before the first dose).
    Row(
        "trying",
        {**FEMALE, "ldn_screen.pregnancy": "trying"},
        "trying_to_conceive",
        "stop",
        Outcome.STOP,
        "ldn_screen.pregnancy",
    ),
    # A recorded answer is never ignored, even when sex at birth says it cannot apply.
    Row(
        "trying, male",
        {"ldn_screen.pregnancy": "trying"},
        "trying_to_conceive",
        "stop",
        Outcome.STOP,
        "ldn_screen.pregnancy",
    ),
    # current suicidal thoughts stop (FINAL excluded PHQ-9 item 9 > 0).
    Row(
        "suicidal thoughts",
        {"ldn_screen.suicidal_thoughts": "yes"},
        "suicidal_thoughts",
        "stop",
        Outcome.STOP,
        "ldn_screen.suicidal_thoughts",
    ),
    # ---- caution
    Row(
        "age 6 with sign-off",
        {"patient.age_years": 6, "patient.weight_kg": 22, "plan.specialist_signoff": True},
        "age_under_min_signoff",
        "caution",
        Outcome.LDN_OPTION,
        "plan.specialist_signoff",
        also=("age_under_adult", "paediatric_trial_limit", "low_weight"),
    ),
    Row(
        "age 12",
        CHILD_12,
        "age_under_adult",
        "caution",
        Outcome.LDN_OPTION,
        "patient.age_years",
        also=("paediatric_trial_limit",),
    ),
    Row(
        "age 8",
        {"patient.age_years": 8, "patient.weight_kg": 30},
        "paediatric_trial_limit",
        "caution",
        Outcome.LDN_OPTION,
        "patient.age_years",
        also=("age_under_adult", "low_weight"),
    ),
    Row(
        "age 17",
        {"patient.age_years": 17},
        "paediatric_trial_limit",
        "caution",
        Outcome.LDN_OPTION,
        "plan.specialist_signoff_longer_trial",
        also=("age_under_adult",),
    ),
    # Round 2, H2: the age sign-off does not lift the 16-week limit; only the longer-trial one does.
    Row(
        "age 12, age sign-off only",
        {**CHILD_12, "plan.specialist_signoff": True},
        "paediatric_trial_limit",
        "caution",
        Outcome.LDN_OPTION,
        "plan.specialist_signoff_longer_trial",
        also=("age_under_adult",),
    ),
    Row(
        "age 12, longer-trial sign-off",
        {**CHILD_12, "plan.specialist_signoff_longer_trial": True},
        "age_under_adult",
        "caution",
        Outcome.LDN_OPTION,
        "patient.age_years",
    ),
    Row(
        "surgery",
        {"ldn_screen.planned_surgery": "yes"},
        "planned_surgery",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.planned_surgery",
    ),
    Row(
        "past OUD, urine negative",
        {"ldn_screen.past_opioid_use_disorder": "yes", "ldn_screen.urine_opioid_screen": "negative"},
        "past_opioid_use_disorder",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.past_opioid_use_disorder",
        also=("urine_opioid_screen_required",),
    ),
    Row(
        "doubt, urine negative",
        {"ldn_screen.doubt_about_recent_opioids": "yes", "ldn_screen.urine_opioid_screen": "negative"},
        "urine_opioid_screen_required",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.doubt_about_recent_opioids",
    ),
    # while the required screen is not done, the visit is incomplete.
    Row(
        "doubt, urine unanswered",
        {"ldn_screen.doubt_about_recent_opioids": "yes"},
        "urine_opioid_screen_required",
        "caution",
        Outcome.INCOMPLETE,
        "ldn_screen.urine_opioid_screen",
        missing=("ldn_screen.urine_opioid_screen",),
    ),
    Row(
        "past OUD, urine not done",
        {"ldn_screen.past_opioid_use_disorder": "yes", "ldn_screen.urine_opioid_screen": "not_done"},
        "urine_opioid_screen_required",
        "caution",
        Outcome.INCOMPLETE,
        "ldn_screen.past_opioid_use_disorder",
        also=("past_opioid_use_disorder",),
        missing=("ldn_screen.urine_opioid_screen",),
    ),
    Row(
        "chronic liver",
        {"ldn_screen.chronic_liver_disease": "yes"},
        "chronic_liver",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.chronic_liver_disease",
    ),
    Row(
        "kidney",
        {"ldn_screen.severe_kidney_disease": "yes"},
        "severe_kidney",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.severe_kidney_disease",
    ),
    # contraception advice wherever pregnancy is possible.
    Row(
        "not pregnant, female",
        {**FEMALE, "ldn_screen.pregnancy": "no"},
        "pregnancy_possible",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.pregnancy",
    ),
    Row(
        "not pregnant, intersex",
        {"patient.sex_at_birth": "intersex", "ldn_screen.pregnancy": "no"},
        "pregnancy_possible",
        "caution",
        Outcome.LDN_OPTION,
        "patient.sex_at_birth",
    ),
    Row(
        "not pregnant, sex not stated",
        {"patient.sex_at_birth": "not_stated", "ldn_screen.pregnancy": "no"},
        "pregnancy_possible",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.pregnancy",
    ),
    Row(
        "thioridazine",
        {"ldn_screen.thioridazine": "yes"},
        "thioridazine",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.thioridazine",
    ),
    Row(
        "disulfiram",
        {"ldn_screen.disulfiram": "yes"},
        "disulfiram",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.disulfiram",
    ),
    # current depression or low mood: monitor mood at every review.
    Row(
        "depression",
        {"ldn_screen.depression_or_low_mood": "yes"},
        "depression",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.depression_or_low_mood",
    ),
    Row(
        "adult 44.9 kg",
        {"patient.weight_kg": 44.9},
        "low_weight",
        "caution",
        Outcome.LDN_OPTION,
        "patient.weight_kg",
    ),
    Row(
        "adult 35 kg",
        {"patient.weight_kg": 35},
        "low_weight",
        "caution",
        Outcome.LDN_OPTION,
        "patient.weight_kg",
    ),
    # a weight outside the plausible range for the age asks for confirmation.
    Row(
        "adult 34.9 kg",
        {"patient.weight_kg": 34.9},
        "weight_check",
        "caution",
        Outcome.INCOMPLETE,
        "patient.weight_kg",
        also=("low_weight",),
        missing=("patient.weight_confirmed",),
        params={"low_kg": "35", "high_kg": "200"},
    ),
    Row(
        "adult 200.1 kg",
        {"patient.weight_kg": 200.1},
        "weight_check",
        "caution",
        Outcome.INCOMPLETE,
        "patient.weight_kg",
        missing=("patient.weight_confirmed",),
        params={"low_kg": "35", "high_kg": "200"},
    ),
    # The audit's example: a 9-year-old of 23 kg recorded as "50" (pounds): median 30.7 kg x 0.6..1.6.
    Row(
        "age 9, 50 kg",
        {"patient.age_years": 9, "patient.weight_kg": 50},
        "weight_check",
        "caution",
        Outcome.INCOMPLETE,
        "patient.age_years",
        also=("age_under_adult", "paediatric_trial_limit"),
        missing=("patient.weight_confirmed",),
        params={"low_kg": "18.4", "high_kg": "49.1"},
    ),
    # A-16, C-2: a plan needs a baseline on a scale that can carry the response rule.
    Row(
        "no baseline",
        {"diagnosis.baseline": None},
        "baseline_needed",
        "caution",
        Outcome.INCOMPLETE,
        "diagnosis.baseline",
        missing=("diagnosis.baseline",),
    ),
    *(
        Row(
            f"baseline {scale}",
            {
                "diagnosis.baseline": {
                    "scale": scale,
                    "score": SCALE_RANGES[scale][0] + 1,
                    "date": "2026-01-05",
                }
            },
            "baseline_needed",
            "caution",
            Outcome.INCOMPLETE,
            "diagnosis.baseline",
            missing=("diagnosis.baseline",),
        )
        for scale in NOT_ALLOWED_SCALES
    ),
    # Round 2, M6: the baseline must describe the patient now (JUDGEMENT: baseline_max_age_days, 90).
    *(
        Row(
            f"baseline {name}",
            {"diagnosis.baseline": {"scale": "aisrs", "score": score, "date": date}},
            "baseline_needed",
            "caution",
            Outcome.INCOMPLETE,
            "diagnosis.baseline",
            missing=("diagnosis.baseline",),
            params={},
        )
        for name, score, date in (
            ("dated after the visit", 36, "2026-01-06"),
            ("91 days old", 36, "2025-10-06"),
            ("score 0", 0, "2026-01-05"),
        )
    ),
    # A format-1 "non-stimulant" answer says nothing about which: every non-stimulant stays open.
    Row(
        "legacy non-stimulant",
        {"history.non_stimulant_unspecified": "no_benefit"},
        "non_stimulant_unspecified",
        "caution",
        Outcome.LDN_OPTION,
        "history.non_stimulant_unspecified",
    ),
    Row(
        "legacy non-stimulant, classes untried",
        {"history.non_stimulant_unspecified": "side_effects", **untried(*NON_STIMULANT_CLASSES)},
        "non_stimulant_unspecified",
        "caution",
        Outcome.GUIDELINE_FIRST,
        "history.non_stimulant_unspecified",
    ),
    # ---- info
    Row(
        "sleep",
        {"ldn_screen.sleep_problems": "yes"},
        "sleep_problems",
        "info",
        Outcome.LDN_OPTION,
        "ldn_screen.sleep_problems",
    ),
    *(
        Row(
            f"stimulant screen {name}",
            {f"stimulant_screen.{name}": "yes"},
            f"stimulant_discuss.{name}",
            "info",
            Outcome.LDN_OPTION,
            f"stimulant_screen.{name}",
        )
        for name in DISCUSS_FIELDS
    ),
    # A medicine that helped is still a guideline option: resume or adjust it first.
    *(
        Row(
            f"{cls} helped",
            {f"history.{cls}": "helped"},
            "guideline_medicine_helped",
            "info",
            Outcome.GUIDELINE_FIRST,
            f"history.{cls}",
        )
        for cls in MEDICINE_CLASSES
    ),
    # B-1: partial benefit means optimise first; the class stays open.
    *(
        Row(
            f"{cls} partial",
            {f"history.{cls}": "partial"},
            "guideline_medicine_partial",
            "info",
            Outcome.GUIDELINE_FIRST,
            f"history.{cls}",
        )
        for cls in MEDICINE_CLASSES
    ),
    # B-1: no benefit from a trial that was not adequate (NICE: 6 weeks at an adequate dose).
    *(
        Row(
            f"{cls} trial not adequate",
            {f"history.{cls}_adequate_trial": "no"},
            "guideline_trial_not_adequate",
            "info",
            Outcome.GUIDELINE_FIRST,
            f"history.{cls}_adequate_trial",
        )
        for cls in MEDICINE_CLASSES
    ),
    # Round 2, L7: every guideline class declined while none was tried; the outcome is unchanged.
    Row(
        "declines every class, none tried",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES)},
        "guideline_options_declined",
        "info",
        Outcome.LDN_OPTION,
        "preferences.declines_non_stimulants",
    ),
    Row("base", {}, ALWAYS, "info", Outcome.LDN_OPTION, None),
]


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_rule_fires_with_its_severity_outcome_and_inputs(make_visit: MakeVisit, row: Row) -> None:
    assessment = evaluate(make_visit(**row.overrides))
    found = finding(assessment, row.rule_id)
    assert found.severity == row.severity
    assert assessment.outcome is row.outcome
    assert assessment.missing == row.missing
    # Nothing else fires on the otherwise clean base visit.
    assert rule_ids(assessment) == {row.rule_id, ALWAYS, *row.also}
    if row.trigger is not None:
        assert row.trigger in found.inputs
    if row.params is not None:
        assert found.params == row.params


@pytest.mark.parametrize("row", ROWS, ids=[row.name for row in ROWS])
def test_severity_and_references_come_from_the_rule_book(make_visit: MakeVisit, row: Row) -> None:
    book = load_rules()
    for found in evaluate(make_visit(**row.overrides)).findings:
        meta = book.rules[found.rule_id]
        assert found.severity == meta.severity
        assert found.references == meta.references
        assert found.references, f"{found.rule_id} cites nothing"
        assert all(ref in book.references for ref in found.references)


def test_every_screening_rule_in_the_rule_book_has_a_row() -> None:
    """Every screening rule has a row; `followup_*` ids are follow-up reasons (tests/rules/test_review.py)."""
    screening = {rule_id for rule_id in load_rules().rules if not rule_id.startswith("followup_")}
    assert {row.rule_id for row in ROWS} == screening


def test_findings_are_words_free(make_visit: MakeVisit, monkeypatch: pytest.MonkeyPatch) -> None:
    """evaluate never loads a language: it returns ids, inputs, sources and plain-number params."""
    import ldn_aid.content
    import ldn_aid.content.loader

    def refuse(*_args: object, **_kwargs: object) -> None:
        raise AssertionError("evaluate loaded words")

    monkeypatch.setattr(ldn_aid.content.loader, "load_content", refuse)
    monkeypatch.setattr(ldn_aid.content, "load_content", refuse)
    assert set(Finding.model_fields) == {"rule_id", "severity", "inputs", "references", "params"}
    assessment = evaluate(make_visit(**{"patient.age_years": 9, "patient.weight_kg": 50}))
    assert finding(assessment, "weight_check").params == {"low_kg": "18.4", "high_kg": "49.1"}


def test_an_explicit_rule_book_gives_the_same_assessment(make_visit: MakeVisit) -> None:
    visit = make_visit(**{"ldn_screen.planned_surgery": "yes", "history.amphetamine": "partial"})
    assert evaluate(visit, load_rules()) == evaluate(visit)
    assert missing_answers(visit, load_rules()) == missing_answers(visit) == ()


def test_base_visit_fires_only_the_evidence_rule(make_visit: MakeVisit) -> None:
    assessment = evaluate(make_visit())
    assert assessment.outcome is Outcome.LDN_OPTION
    assert assessment.missing == ()
    assert [f.rule_id for f in assessment.findings] == [ALWAYS]
    assert assessment.rules_version == load_rules().rules_version


@pytest.mark.parametrize(
    "overrides",
    [
        {"patient.age_years": 18},
        {"patient.age_years": 120},
        {"patient.weight_kg": 45},
        {"patient.weight_kg": 200},
        {"patient.weight_kg": 350, "patient.weight_confirmed": True},
        {"ldn_screen.pregnancy": "no"},
        {"ldn_screen.pregnancy": "not_applicable"},
        {"ldn_screen.pregnancy": None},
        {**FEMALE, "ldn_screen.pregnancy": "not_applicable", "ldn_screen.childbearing_potential": "no"},
        {**FEMALE, "ldn_screen.pregnancy": "no", "ldn_screen.childbearing_potential": "no"},
        {"ldn_screen.urine_opioid_screen": "not_done"},
        {"ldn_screen.urine_opioid_screen": "negative"},
        {"history.amphetamine": "side_effects"},
        {"history.viloxazine": "side_effects", "history.viloxazine_adequate_trial": None},
        {"preferences.declines_stimulants": "yes"},
        {"preferences.declines_non_stimulants": "yes"},
        {"diagnosis.presentation": "inattentive"},
        {"history.behavioural_support": "ongoing"},
        {"history.non_stimulant_unspecified": "not_tried"},
        {f"stimulant_screen.{CONFIRMED}": "yes"},
        {"plan.specialist_signoff": True},
        {"plan.specialist_signoff_longer_trial": True},
        *(
            {"diagnosis.baseline": {"scale": scale, "score": 20, "date": "2026-01-05"}}
            for scale in ALLOWED_SCALES
        ),
        # M6 boundaries: exactly baseline_max_age_days (90) old, and the lowest score above 0.
        {"diagnosis.baseline": {"scale": "aisrs", "score": 36, "date": "2025-10-07"}},
        {"diagnosis.baseline": {"scale": "aisrs", "score": 1, "date": "2026-01-05"}},
        {"diagnosis.baseline": {"scale": "adhd_rs_5", "score": 0.5, "date": "2026-01-05"}},
        # L7: declining every class after all were tried is not the declined-options finding.
        DECLINES_BOTH,
    ],
)
def test_boundaries_and_neutral_answers_fire_nothing(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert rule_ids(assessment) == {ALWAYS}
    assert assessment.missing == ()
    assert assessment.outcome is Outcome.LDN_OPTION


def test_several_stops_are_all_reported(make_visit: MakeVisit) -> None:
    assessment = evaluate(
        make_visit(
            **{
                "ldn_screen.current_opioid_use": "yes",
                "ldn_screen.opioid_agonist_treatment": "yes",
                "ldn_screen.opioid_agonist_last_14_days": "yes",
                "ldn_screen.opioid_withdrawal_now": "yes",
                "ldn_screen.suicidal_thoughts": "yes",
                "ldn_screen.pregnancy": "pregnant",
                "diagnosis.adhd_confirmed": "unsure",
            }
        )
    )
    assert assessment.outcome is Outcome.STOP
    assert {f.rule_id for f in assessment.with_severity("stop")} == {
        "opioid_current",
        "opioid_agonist_treatment",
        "opioid_agonist_recent",
        "opioid_withdrawal",
        "suicidal_thoughts",
        "pregnancy",
        "diagnosis_not_confirmed",
    }


def test_every_stimulant_screen_yes_is_its_own_finding(make_visit: MakeVisit) -> None:
    overrides = {f"stimulant_screen.{name}": "yes" for name in STIMULANT_SCREEN_FIELDS}
    assessment = evaluate(make_visit(**overrides))
    discussed = {
        f.rule_id for f in assessment.with_severity("info") if f.rule_id.startswith("stimulant_discuss.")
    }
    assert discussed == {f"stimulant_discuss.{name}" for name in DISCUSS_FIELDS}
    assert assessment.outcome is Outcome.LDN_OPTION


def test_every_yes_on_the_ldn_screen_fires_the_matching_rules(make_visit: MakeVisit) -> None:
    overrides: dict[str, Any] = {
        f"ldn_screen.{name}": "yes" for name in UNCONDITIONAL_SCREEN if name != "pregnancy"
    }
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.STOP
    assert rule_ids(assessment) == {
        "opioid_current",
        "opioid_agonist_treatment",
        "opioid_agonist_recent",
        "opioid_recent",
        "opioid_withdrawal",
        "past_opioid_use_disorder",
        "urine_opioid_screen_required",
        "planned_surgery",
        "acute_liver",
        "chronic_liver",
        "severe_kidney",
        "naltrexone_allergy",
        "thioridazine",
        "disulfiram",
        "sleep_problems",
        "depression",
        "suicidal_thoughts",
        ALWAYS,
    }
    assert assessment.missing == ("ldn_screen.urine_opioid_screen",)


# ---- missing answers and precedence --------------------------------------------------------------


@pytest.mark.parametrize("name", UNCONDITIONAL_SCREEN)
def test_each_unanswered_ldn_screen_item_is_incomplete(make_visit: MakeVisit, name: str) -> None:
    overrides: dict[str, Any] = {f"ldn_screen.{name}": None}
    if name == "pregnancy":
        overrides |= FEMALE  # for a man the pregnancy question is not required
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == (f"ldn_screen.{name}",)


@pytest.mark.parametrize(
    ("overrides", "path"),
    [
        ({"patient.age_years": None}, "patient.age_years"),
        ({"diagnosis.adhd_confirmed": None}, "diagnosis.adhd_confirmed"),
        # Weight is required at every age: whether an adult is under 45 kg changes the dose.
        ({"patient.weight_kg": None}, "patient.weight_kg"),
        ({"patient.weight_kg": None, "patient.age_years": 12}, "patient.weight_kg"),
        ({"diagnosis.baseline": None}, "diagnosis.baseline"),
        *(
            ({f"history.{cls}_adequate_trial": None}, f"history.{cls}_adequate_trial")
            for cls in MEDICINE_CLASSES
        ),
    ],
)
def test_each_required_answer_is_incomplete(
    make_visit: MakeVisit, overrides: dict[str, Any], path: str
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == (path,)
    assert not assessment.with_severity("stop")


def test_minimal_visit_lists_every_required_field_in_question_order() -> None:
    assessment = evaluate(Visit.model_validate({"format": "ldn-aid.visit/2", "visit_date": "2026-01-05"}))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == (
        "patient.age_years",
        "patient.weight_kg",
        "diagnosis.adhd_confirmed",
        "diagnosis.baseline",
        *(f"ldn_screen.{name}" for name in UNCONDITIONAL_SCREEN),
    )
    assert rule_ids(assessment) == {"baseline_needed", ALWAYS}


def test_a_migrated_format_1_visit_opens_incomplete_with_the_new_questions(make_visit_data: Any) -> None:
    data = make_visit_data()
    data["format"] = "ldn-aid.visit/1"
    history = {name: "no_benefit" for name in ("methylphenidate", "amphetamine")}
    data["history"] = {**history, "non_stimulant": "no_benefit"}
    new_questions = (
        "opioid_agonist_last_14_days",
        "opioid_withdrawal_now",
        "doubt_about_recent_opioids",
        "depression_or_low_mood",
        "suicidal_thoughts",
    )
    for name in new_questions:
        del data["ldn_screen"][name]
    assessment = evaluate(Visit.model_validate(data))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == (
        "history.methylphenidate_adequate_trial",
        "history.amphetamine_adequate_trial",
        *(f"ldn_screen.{name}" for name in UNCONDITIONAL_SCREEN if name in new_questions),
    )
    # The old "non-stimulant" answer closes no class, and is flagged.
    assert "non_stimulant_unspecified" in rule_ids(assessment)


@pytest.mark.parametrize(
    ("overrides", "stop_rule", "missing"),
    [
        # A patient on methadone needs no more screening for LDN, but the gaps are still listed.
        (
            {"ldn_screen.opioid_agonist_treatment": "yes", "ldn_screen.planned_surgery": None},
            "opioid_agonist_treatment",
            ("ldn_screen.planned_surgery",),
        ),
        (
            {"diagnosis.adhd_confirmed": "no", "patient.age_years": None, "patient.weight_kg": None},
            "diagnosis_not_confirmed",
            ("patient.age_years", "patient.weight_kg"),
        ),
        (
            {"patient.age_years": 4, "patient.weight_kg": None, **FEMALE, "ldn_screen.pregnancy": None},
            "age_under_min",
            ("patient.weight_kg", "ldn_screen.pregnancy"),
        ),
        (
            {
                **FEMALE,
                "ldn_screen.pregnancy": "pregnant",
                "diagnosis.adhd_confirmed": None,
                "ldn_screen.thioridazine": None,
            },
            "pregnancy",
            ("diagnosis.adhd_confirmed", "ldn_screen.thioridazine"),
        ),
        (
            {"ldn_screen.urine_opioid_screen": "positive", "diagnosis.baseline": None},
            "urine_opioid_positive",
            ("diagnosis.baseline",),
        ),
        (
            {"ldn_screen.current_opioid_use": "yes", "history.methylphenidate": "not_tried"},
            "opioid_current",
            (),
        ),
    ],
)
def test_a_known_stop_wins_over_missing_answers(
    make_visit: MakeVisit, overrides: dict[str, Any], stop_rule: str, missing: tuple[str, ...]
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.STOP
    assert finding(assessment, stop_rule).severity == "stop"
    assert assessment.missing == missing


def test_missing_beats_guideline_first(make_visit: MakeVisit) -> None:
    assessment = evaluate(
        make_visit(**{"history.methylphenidate": "not_tried", "ldn_screen.planned_surgery": None})
    )
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == ("ldn_screen.planned_surgery",)


def test_unknown_age_fires_no_age_rule_and_no_weight_check(make_visit: MakeVisit) -> None:
    assessment = evaluate(make_visit(**{"patient.age_years": None, "patient.weight_kg": 3}))
    assert not rule_ids(assessment) & {
        "age_under_min",
        "age_under_adult",
        "paediatric_trial_limit",
        "weight_check",
    }
    assert assessment.missing == ("patient.age_years",)


# ---- pregnancy: "not applicable" only for male sex at birth or no child-bearing potential ------

PREGNANCY_ROWS: list[tuple[str, str | None, str | None, tuple[str, ...], bool]] = [
    # (sex at birth, pregnancy, childbearing_potential, missing, pregnancy_possible fires)
    ("male", None, None, (), False),
    ("male", "not_applicable", None, (), False),
    ("male", "no", None, (), False),
    ("female", None, None, ("ldn_screen.pregnancy",), False),
    ("female", "not_applicable", None, ("ldn_screen.pregnancy", "ldn_screen.childbearing_potential"), False),
    ("female", "not_applicable", "yes", ("ldn_screen.pregnancy",), False),
    ("female", "not_applicable", "no", (), False),
    ("female", "no", None, (), True),
    ("female", "no", "yes", (), True),
    ("female", "no", "no", (), False),
    (
        "intersex",
        "not_applicable",
        None,
        ("ldn_screen.pregnancy", "ldn_screen.childbearing_potential"),
        False,
    ),
    ("intersex", "not_applicable", "no", (), False),
    ("not_stated", None, None, ("ldn_screen.pregnancy",), False),
    (
        "not_stated",
        "not_applicable",
        None,
        ("ldn_screen.pregnancy", "ldn_screen.childbearing_potential"),
        False,
    ),
    ("not_stated", "no", None, (), True),
]


@pytest.mark.parametrize(("sex", "pregnancy", "potential", "missing", "possible"), PREGNANCY_ROWS)
def test_pregnancy_question(
    make_visit: MakeVisit,
    sex: str,
    pregnancy: str | None,
    potential: str | None,
    missing: tuple[str, ...],
    possible: bool,
) -> None:
    visit = make_visit(
        **{
            "patient.sex_at_birth": sex,
            "ldn_screen.pregnancy": pregnancy,
            "ldn_screen.childbearing_potential": potential,
        }
    )
    assessment = evaluate(visit)
    assert assessment.missing == missing
    assert assessment.outcome is (Outcome.INCOMPLETE if missing else Outcome.LDN_OPTION)
    assert ("pregnancy_possible" in rule_ids(assessment)) is possible


# ---- urine opioid screen (A-6) -----------------------------------------------------------------------

URINE_ROWS: list[tuple[str | None, str | None, str | None, Outcome, tuple[str, ...], set[str]]] = [
    # (past opioid use disorder, doubt about recent opioids, urine screen, outcome, missing, rules)
    ("no", "no", None, Outcome.LDN_OPTION, (), set()),
    ("no", "no", "not_done", Outcome.LDN_OPTION, (), set()),
    ("no", "no", "negative", Outcome.LDN_OPTION, (), set()),
    ("no", "no", "positive", Outcome.STOP, (), {"urine_opioid_positive"}),
    (
        "yes",
        "no",
        None,
        Outcome.INCOMPLETE,
        ("ldn_screen.urine_opioid_screen",),
        {"past_opioid_use_disorder", "urine_opioid_screen_required"},
    ),
    (
        "yes",
        "no",
        "not_done",
        Outcome.INCOMPLETE,
        ("ldn_screen.urine_opioid_screen",),
        {"past_opioid_use_disorder", "urine_opioid_screen_required"},
    ),
    (
        "yes",
        "no",
        "negative",
        Outcome.LDN_OPTION,
        (),
        {"past_opioid_use_disorder", "urine_opioid_screen_required"},
    ),
    (
        "yes",
        "no",
        "positive",
        Outcome.STOP,
        (),
        {"past_opioid_use_disorder", "urine_opioid_screen_required", "urine_opioid_positive"},
    ),
    (
        "no",
        "yes",
        None,
        Outcome.INCOMPLETE,
        ("ldn_screen.urine_opioid_screen",),
        {"urine_opioid_screen_required"},
    ),
    ("no", "yes", "negative", Outcome.LDN_OPTION, (), {"urine_opioid_screen_required"}),
    (
        "yes",
        "yes",
        "not_done",
        Outcome.INCOMPLETE,
        ("ldn_screen.urine_opioid_screen",),
        {"past_opioid_use_disorder", "urine_opioid_screen_required"},
    ),
    # Unknown doubt: the doubt question is missing; the screen is asked once it is known.
    ("no", None, None, Outcome.INCOMPLETE, ("ldn_screen.doubt_about_recent_opioids",), set()),
]


@pytest.mark.parametrize(("past", "doubt", "urine", "outcome", "missing", "rules"), URINE_ROWS)
def test_urine_opioid_screen(
    make_visit: MakeVisit,
    past: str | None,
    doubt: str | None,
    urine: str | None,
    outcome: Outcome,
    missing: tuple[str, ...],
    rules: set[str],
) -> None:
    assessment = evaluate(
        make_visit(
            **{
                "ldn_screen.past_opioid_use_disorder": past,
                "ldn_screen.doubt_about_recent_opioids": doubt,
                "ldn_screen.urine_opioid_screen": urine,
            }
        )
    )
    assert assessment.outcome is outcome
    assert assessment.missing == missing
    assert rule_ids(assessment) == {ALWAYS, *rules}
    if "urine_opioid_screen_required" in rules:
        assert "ldn_screen.urine_opioid_screen" in finding(assessment, "urine_opioid_screen_required").inputs


# ---- age and weight plausibility (A-13) --------------------------------------------------------

UNDER_8_SIGNED = {"age_under_min_signoff", "age_under_adult"}
CHILD = {"age_under_adult"}
LIMIT = {"paediatric_trial_limit"}
AGE_ROWS: list[tuple[int, bool, bool, Outcome, set[str]]] = [
    # (age, age sign-off, longer-trial sign-off, outcome, age rules); weights plausible and confirmed.
    # Round 2, H2: `specialist_signoff` only lets a 6- or 7-year-old start; the 16-week limit
    # (paediatric_trial_limit) is lifted only by `specialist_signoff_longer_trial`.
    (5, False, False, Outcome.STOP, {"age_under_min"}),
    (5, True, False, Outcome.STOP, {"age_under_min"}),
    (5, True, True, Outcome.STOP, {"age_under_min"}),
    (6, False, False, Outcome.STOP, {"age_under_min"}),
    (6, False, True, Outcome.STOP, {"age_under_min"}),
    (6, True, False, Outcome.LDN_OPTION, UNDER_8_SIGNED | LIMIT),
    (6, True, True, Outcome.LDN_OPTION, UNDER_8_SIGNED),
    (7, False, False, Outcome.STOP, {"age_under_min"}),
    # A longer trial agreed does not let a 7-year-old start.
    (7, False, True, Outcome.STOP, {"age_under_min"}),
    (7, True, False, Outcome.LDN_OPTION, UNDER_8_SIGNED | LIMIT),
    (7, True, True, Outcome.LDN_OPTION, UNDER_8_SIGNED),
    (8, False, False, Outcome.LDN_OPTION, CHILD | LIMIT),
    (8, True, False, Outcome.LDN_OPTION, CHILD | LIMIT),
    (8, False, True, Outcome.LDN_OPTION, CHILD),
    (12, True, False, Outcome.LDN_OPTION, CHILD | LIMIT),
    (12, False, True, Outcome.LDN_OPTION, CHILD),
    (17, False, False, Outcome.LDN_OPTION, CHILD | LIMIT),
    (17, True, True, Outcome.LDN_OPTION, CHILD),
    (18, False, False, Outcome.LDN_OPTION, set()),
    (18, True, True, Outcome.LDN_OPTION, set()),
]


@pytest.mark.parametrize(("age", "signoff", "longer", "outcome", "rules"), AGE_ROWS)
def test_minimum_age_and_specialist_signoff(
    make_visit: MakeVisit, age: int, signoff: bool, longer: bool, outcome: Outcome, rules: set[str]
) -> None:
    visit = make_visit(
        **{
            "patient.age_years": age,
            "patient.weight_kg": 50,
            "patient.weight_confirmed": True,
            "plan.specialist_signoff": signoff,
            "plan.specialist_signoff_longer_trial": longer,
        }
    )
    assessment = evaluate(visit)
    assert assessment.outcome is outcome
    assert rule_ids(assessment) == {ALWAYS, *rules}
    assert assessment.missing == ()
    if "paediatric_trial_limit" in rules:
        assert finding(assessment, "paediatric_trial_limit").inputs == (
            "patient.age_years",
            "plan.specialist_signoff_longer_trial",
        )


WEIGHT_ROWS: list[tuple[int, float, str | None]] = [
    # (age, weight kg, the plausible range "low-high" when the weight is outside it, else None);
    # under 18: 0.6 to 1.6 x the CDC median for the age, rounded to 0.1 kg; 18 and over: 35 to 200.
    (2, 7.9, "8-21.3"),
    (2, 8.0, None),
    (2, 21.3, None),
    (2, 21.4, "8-21.3"),
    (6, 13.0, "13.1-34.9"),
    (6, 13.1, None),
    (6, 34.9, None),
    (6, 35.0, "13.1-34.9"),
    (9, 18.4, None),
    (9, 23.0, None),
    (9, 49.1, None),
    (9, 50.0, "18.4-49.1"),
    (12, 23.0, "26.2-69.8"),
    (12, 69.8, None),
    (17, 36.5, None),
    (17, 36.4, "36.5-97.4"),
    (17, 97.5, "36.5-97.4"),
    (18, 34.9, "35-200"),
    (18, 35.0, None),
    (40, 200.0, None),
    (40, 200.01, "35-200"),
    (120, 2.0, "35-200"),
    # Under 2 there is no median: not checked (the age stops LDN anyway).
    (1, 40.0, None),
]


@pytest.mark.parametrize(("age", "weight", "out_of_range"), WEIGHT_ROWS)
def test_weight_plausibility(
    make_visit: MakeVisit, age: int, weight: float, out_of_range: str | None
) -> None:
    overrides: dict[str, Any] = {"patient.age_years": age, "patient.weight_kg": weight}
    assessment = evaluate(make_visit(**overrides))
    if out_of_range is None:
        assert "weight_check" not in rule_ids(assessment)
        assert "patient.weight_confirmed" not in assessment.missing
        return
    low, high = out_of_range.split("-")
    assert finding(assessment, "weight_check").params == {"low_kg": low, "high_kg": high}
    assert "patient.weight_confirmed" in assessment.missing
    assert assessment.outcome in (Outcome.INCOMPLETE, Outcome.STOP)
    # Once the clinician confirms the weight, the check is answered.
    confirmed = evaluate(make_visit(**overrides, **{"patient.weight_confirmed": True}))
    assert "weight_check" not in rule_ids(confirmed)
    assert "patient.weight_confirmed" not in confirmed.missing


# ---- the baseline must describe the patient now (round 2, M6) -----------------------------------------

BASELINE_ROWS: list[tuple[str, str, str, str, float, bool]] = [
    # (name, visit date, baseline date, scale, score, usable); JUDGEMENT baseline_max_age_days = 90.
    ("same day", "2026-01-05", "2026-01-05", "aisrs", 36, True),
    ("1 day old", "2026-01-05", "2026-01-04", "aisrs", 36, True),
    ("90 days old", "2026-01-05", "2025-10-07", "aisrs", 36, True),
    ("91 days old", "2026-01-05", "2025-10-06", "aisrs", 36, False),
    ("years old", "2026-01-05", "2019-01-01", "adhd_rs_5", 40, False),
    ("one day after the visit", "2026-01-05", "2026-01-06", "aisrs", 36, False),
    ("months after the visit", "2026-11-25", "2027-06-01", "adhd_rs_5", 40, False),
    # Across a leap day: 2028-02-29 counts (2028-05-29 is 90 days later).
    ("90 days across a leap day", "2028-05-29", "2028-02-29", "aisrs", 36, True),
    ("91 days across a leap day", "2028-05-29", "2028-02-28", "aisrs", 36, False),
    ("score 0", "2026-01-05", "2026-01-05", "adhd_rs_5", 0, False),
    ("score 0.0 on another scale", "2026-01-05", "2026-01-05", "vanderbilt_parent", 0.0, False),
    ("score 1", "2026-01-05", "2026-01-05", "snap_iv_18", 1, True),
    # A recent baseline on a scale that cannot judge a response is still not usable.
    ("recent, CGI-S", "2026-01-05", "2026-01-05", "cgi_s", 4, False),
    ("after the visit, score 0", "2026-01-05", "2026-02-01", "aisrs", 0, False),
]


@pytest.mark.parametrize(
    ("visit_date", "date", "scale", "score", "usable"),
    [row[1:] for row in BASELINE_ROWS],
    ids=[row[0] for row in BASELINE_ROWS],
)
def test_baseline_must_describe_the_patient_now(
    make_visit: MakeVisit, visit_date: str, date: str, scale: str, score: float, usable: bool
) -> None:
    visit = make_visit(
        **{"visit_date": visit_date, "diagnosis.baseline": {"scale": scale, "score": score, "date": date}}
    )
    assessment = evaluate(visit)
    if usable:
        assert "baseline_needed" not in rule_ids(assessment)
        assert assessment.missing == ()
        assert assessment.outcome is Outcome.LDN_OPTION
        return
    found = finding(assessment, "baseline_needed")
    assert (found.severity, found.inputs, found.params) == ("caution", ("diagnosis.baseline",), {})
    assert assessment.missing == ("diagnosis.baseline",)
    assert missing_answers(visit) == missing_answers(visit, load_rules()) == ("diagnosis.baseline",)
    assert assessment.outcome is Outcome.INCOMPLETE


def book_with(*, numbers: dict[str, str] | None = None, severities: dict[str, str] | None = None) -> RuleBook:
    """The installed rule book with some numbers or rule severities changed (for the tests below)."""
    book = load_rules()
    changed_numbers = {
        name: getattr(book.numbers, name).model_copy(update={"value": Decimal(value)})
        for name, value in (numbers or {}).items()
    }
    changed_rules = {
        rule_id: book.rules[rule_id].model_copy(update={"severity": severity})
        for rule_id, severity in (severities or {}).items()
    }
    return book.model_copy(
        update={
            "numbers": book.numbers.model_copy(update=changed_numbers),
            "rules": {**book.rules, **changed_rules},
        }
    )


@pytest.mark.parametrize(
    ("max_days", "age_days", "usable"), [(30, 30, True), (30, 31, False), (180, 120, True)]
)
def test_baseline_age_limit_comes_from_the_rule_book(
    make_visit: MakeVisit, max_days: int, age_days: int, usable: bool
) -> None:
    date = dt.date(2026, 1, 5) - dt.timedelta(days=age_days)
    visit = make_visit(**{"diagnosis.baseline": {"scale": "aisrs", "score": 36, "date": date.isoformat()}})
    book = book_with(numbers={"baseline_max_age_days": str(max_days)})
    assessment = evaluate(visit, book)
    assert ("baseline_needed" in rule_ids(assessment)) is not usable
    assert missing_answers(visit, book) == (() if usable else ("diagnosis.baseline",))


# ---- the outcome follows each rule's severity in the rule book (round 2, M2) ---------------------------

PREGNANCY_ANSWER_ROWS: list[tuple[str, str]] = [
    ("pregnant", "pregnancy"),
    ("trying", "trying_to_conceive"),
    ("breastfeeding", "breastfeeding"),
]


@pytest.mark.parametrize(("answer", "rule_id"), PREGNANCY_ANSWER_ROWS)
@pytest.mark.parametrize("potential", [None, "yes", "no"])
def test_every_pregnancy_answer_but_no_stops_at_screening(
    make_visit: MakeVisit, answer: str, rule_id: str, potential: str | None
) -> None:
    """Pregnant, trying to conceive and breastfeeding all stop, whatever the child-bearing answer."""
    visit = make_visit(
        **{**FEMALE, "ldn_screen.pregnancy": answer, "ldn_screen.childbearing_potential": potential}
    )
    assessment = evaluate(visit)
    assert finding(assessment, rule_id).severity == "stop"
    assert assessment.outcome is Outcome.STOP
    assert "pregnancy_possible" not in rule_ids(assessment)
    assert build_protocol(visit, assessment) is None


@pytest.mark.parametrize(
    ("severity", "outcome"),
    [("stop", Outcome.STOP), ("caution", Outcome.LDN_OPTION), ("info", Outcome.LDN_OPTION)],
)
def test_the_outcome_follows_the_rule_books_severity(
    make_visit: MakeVisit, severity: str, outcome: Outcome
) -> None:
    """No severity is written into the engine: a rule is a stop because rules.toml says so."""
    visit = make_visit(**{**FEMALE, "ldn_screen.pregnancy": "trying"})
    book = book_with(severities={"trying_to_conceive": severity})
    assessment = evaluate(visit, book)
    assert finding(assessment, "trying_to_conceive").severity == severity
    assert assessment.outcome is outcome


# ---- every guideline class declined while none was tried (round 2, L7) --------------------------------
# "None was tried": every class is "not_tried" and no format-1 "non-stimulant" was recorded (the
# words say none has been tried; a medicine taken before has its own finding).

DECLINED_ROWS: list[tuple[str, dict[str, Any], bool, Outcome, set[str]]] = [
    # (name, overrides, guideline_options_declined fires, outcome, other rules that fire)
    (
        "declines both, none tried",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES)},
        True,
        Outcome.LDN_OPTION,
        set(),
    ),
    # One choice only: the other group is still open, so the outcome already says guideline first.
    (
        "declines stimulants only",
        {**untried(*MEDICINE_CLASSES), "preferences.declines_stimulants": "yes"},
        False,
        Outcome.GUIDELINE_FIRST,
        set(),
    ),
    (
        "declines non-stimulants only",
        {**untried(*MEDICINE_CLASSES), "preferences.declines_non_stimulants": "yes"},
        False,
        Outcome.GUIDELINE_FIRST,
        set(),
    ),
    (
        "declines both, one unanswered",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES), "preferences.declines_non_stimulants": None},
        False,
        Outcome.GUIDELINE_FIRST,
        set(),
    ),
    # A contraindication the clinician confirms is not the patient's choice.
    (
        "stimulants contraindicated, declines non-stimulants",
        {
            **untried(*MEDICINE_CLASSES),
            f"stimulant_screen.{CONFIRMED}": "yes",
            "preferences.declines_non_stimulants": "yes",
        },
        False,
        Outcome.LDN_OPTION,
        set(),
    ),
    # Any guideline medicine taken means one was tried: side effects, or an adequate trial.
    (
        "declines both, one class stopped for side effects",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES), "history.atomoxetine": "side_effects"},
        False,
        Outcome.LDN_OPTION,
        set(),
    ),
    (
        "declines both, one adequate trial without benefit",
        {
            **DECLINES_BOTH,
            **untried(*MEDICINE_CLASSES),
            "history.methylphenidate": "no_benefit",
            "history.methylphenidate_adequate_trial": "yes",
        },
        False,
        Outcome.LDN_OPTION,
        set(),
    ),
    ("declines both, all tried", DECLINES_BOTH, False, Outcome.LDN_OPTION, set()),
    # Any guideline medicine taken (helped, helped partly, a trial that was not adequate, or a
    # format-1 "non-stimulant"): that answer has its own finding, and "none was tried" is not true.
    (
        "declines both, a trial not adequate",
        {
            **DECLINES_BOTH,
            **untried(*MEDICINE_CLASSES),
            "history.amphetamine": "no_benefit",
            "history.amphetamine_adequate_trial": "no",
        },
        False,
        Outcome.LDN_OPTION,
        {"guideline_trial_not_adequate"},
    ),
    (
        "declines both, one helped",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES), "history.methylphenidate": "helped"},
        False,
        Outcome.LDN_OPTION,
        {"guideline_medicine_helped"},
    ),
    (
        "declines both, one partial",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES), "history.viloxazine": "partial"},
        False,
        Outcome.LDN_OPTION,
        {"guideline_medicine_partial"},
    ),
    (
        "declines both, legacy non-stimulant",
        {
            **DECLINES_BOTH,
            **untried(*MEDICINE_CLASSES),
            "history.non_stimulant_unspecified": "no_benefit",
        },
        False,
        Outcome.LDN_OPTION,
        {"non_stimulant_unspecified"},
    ),
    (
        "declines both, legacy non-stimulant not tried",
        {
            **DECLINES_BOTH,
            **untried(*MEDICINE_CLASSES),
            "history.non_stimulant_unspecified": "not_tried",
        },
        True,
        Outcome.LDN_OPTION,
        set(),
    ),
    # The finding is information only: a stop or a gap decides the outcome as before.
    (
        "declines both, none tried, allergy",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES), "ldn_screen.naltrexone_allergy": "yes"},
        True,
        Outcome.STOP,
        {"naltrexone_allergy"},
    ),
    (
        "declines both, none tried, surgery unanswered",
        {**DECLINES_BOTH, **untried(*MEDICINE_CLASSES), "ldn_screen.planned_surgery": None},
        True,
        Outcome.INCOMPLETE,
        set(),
    ),
]


@pytest.mark.parametrize(
    ("overrides", "fires", "outcome", "others"),
    [row[1:] for row in DECLINED_ROWS],
    ids=[row[0] for row in DECLINED_ROWS],
)
def test_guideline_options_declined(
    make_visit: MakeVisit, overrides: dict[str, Any], fires: bool, outcome: Outcome, others: set[str]
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is outcome
    expected = {ALWAYS, *others, *(("guideline_options_declined",) if fires else ())}
    assert rule_ids(assessment) == expected
    if fires:
        found = finding(assessment, "guideline_options_declined")
        assert found.severity == "info"
        assert found.params == {}
        assert found.inputs == (
            "preferences.declines_stimulants",
            "preferences.declines_non_stimulants",
            *(f"history.{cls}" for cls in MEDICINE_CLASSES),
        )


# ---- guideline first (B-1) ----------------------------------------------------------------------------

GUIDELINE_ROWS: list[tuple[str, dict[str, Any], Outcome, tuple[str, ...]]] = [
    ("all tried", {}, Outcome.LDN_OPTION, ()),
    *((f"{cls} untried", untried(cls), Outcome.GUIDELINE_FIRST, (cls,)) for cls in MEDICINE_CLASSES),
    ("all untried", untried(*MEDICINE_CLASSES), Outcome.GUIDELINE_FIRST, MEDICINE_CLASSES),
    # Each non-stimulant counts on its own: one failed does not use up the others.
    (
        "atomoxetine failed, other non-stimulants untried",
        untried("alpha2_agonist", "viloxazine"),
        Outcome.GUIDELINE_FIRST,
        ("alpha2_agonist", "viloxazine"),
    ),
    # Helped, helped partly, and no benefit from a trial not known to be adequate all stay open.
    *(
        (f"{cls} helped", {f"history.{cls}": "helped"}, Outcome.GUIDELINE_FIRST, (cls,))
        for cls in MEDICINE_CLASSES
    ),
    *(
        (f"{cls} partial", {f"history.{cls}": "partial"}, Outcome.GUIDELINE_FIRST, (cls,))
        for cls in MEDICINE_CLASSES
    ),
    *(
        (f"{cls} not adequate", {f"history.{cls}_adequate_trial": "no"}, Outcome.GUIDELINE_FIRST, (cls,))
        for cls in MEDICINE_CLASSES
    ),
    *(
        (f"{cls} adequacy unknown", {f"history.{cls}_adequate_trial": None}, Outcome.INCOMPLETE, (cls,))
        for cls in MEDICINE_CLASSES
    ),
    # Side effects count as tried, whatever the adequacy answer.
    *(
        (
            f"{cls} side effects",
            {f"history.{cls}": "side_effects", f"history.{cls}_adequate_trial": None},
            Outcome.LDN_OPTION,
            (),
        )
        for cls in MEDICINE_CLASSES
    ),
    # Ruled out by its own trial only: the other stimulant's side effects do not close this one.
    (
        "methylphenidate untried, amphetamine side effects",
        {**untried("methylphenidate"), "history.amphetamine": "side_effects"},
        Outcome.GUIDELINE_FIRST,
        ("methylphenidate",),
    ),
    # Declining stimulants rules out both stimulant classes, and only them.
    (
        "stimulants untried, declines stimulants",
        {**untried(*STIMULANT_CLASSES), "preferences.declines_stimulants": "yes"},
        Outcome.LDN_OPTION,
        (),
    ),
    (
        "all untried, declines stimulants",
        {**untried(*MEDICINE_CLASSES), "preferences.declines_stimulants": "yes"},
        Outcome.GUIDELINE_FIRST,
        NON_STIMULANT_CLASSES,
    ),
    (
        "methylphenidate untried, does not decline stimulants",
        {**untried("methylphenidate"), "preferences.declines_stimulants": "no"},
        Outcome.GUIDELINE_FIRST,
        ("methylphenidate",),
    ),
    # Only a current contraindication the clinician confirms rules stimulants out.
    (
        "stimulants untried, contraindication confirmed",
        {**untried(*STIMULANT_CLASSES), f"stimulant_screen.{CONFIRMED}": "yes"},
        Outcome.LDN_OPTION,
        (),
    ),
    (
        "all untried, contraindication confirmed",
        {**untried(*MEDICINE_CLASSES), f"stimulant_screen.{CONFIRMED}": "yes"},
        Outcome.GUIDELINE_FIRST,
        NON_STIMULANT_CLASSES,
    ),
    (
        "stimulants untried, contraindication not confirmed",
        {**untried(*STIMULANT_CLASSES), f"stimulant_screen.{CONFIRMED}": "no"},
        Outcome.GUIDELINE_FIRST,
        STIMULANT_CLASSES,
    ),
    (
        "stimulants untried, contraindication unanswered",
        {**untried(*STIMULANT_CLASSES), f"stimulant_screen.{CONFIRMED}": None},
        Outcome.GUIDELINE_FIRST,
        STIMULANT_CLASSES,
    ),
    # Declining non-stimulants closes the three non-stimulant classes only.
    (
        "non-stimulants untried, declines non-stimulants",
        {**untried(*NON_STIMULANT_CLASSES), "preferences.declines_non_stimulants": "yes"},
        Outcome.LDN_OPTION,
        (),
    ),
    (
        "all untried, declines non-stimulants",
        {**untried(*MEDICINE_CLASSES), "preferences.declines_non_stimulants": "yes"},
        Outcome.GUIDELINE_FIRST,
        STIMULANT_CLASSES,
    ),
    (
        "all untried, declines both",
        {
            **untried(*MEDICINE_CLASSES),
            "preferences.declines_stimulants": "yes",
            "preferences.declines_non_stimulants": "yes",
        },
        Outcome.LDN_OPTION,
        (),
    ),
    # A legacy "non-stimulant" answer closes no class.
    (
        "legacy non-stimulant no benefit, classes untried",
        {**untried(*NON_STIMULANT_CLASSES), "history.non_stimulant_unspecified": "no_benefit"},
        Outcome.GUIDELINE_FIRST,
        NON_STIMULANT_CLASSES,
    ),
    # Unanswered preferences rule nothing out.
    (
        "methylphenidate untried, declines unanswered",
        {**untried("methylphenidate"), "preferences.declines_stimulants": None},
        Outcome.GUIDELINE_FIRST,
        ("methylphenidate",),
    ),
    # B-1: every stimulant-screen item defers or needs a check; none excludes a stimulant.
    *(
        (
            f"stimulants untried, {name}",
            {**untried(*STIMULANT_CLASSES), f"stimulant_screen.{name}": "yes"},
            Outcome.GUIDELINE_FIRST,
            STIMULANT_CLASSES,
        )
        for name in DISCUSS_FIELDS
    ),
    (
        "stimulants untried, every stimulant-screen item",
        {**untried(*STIMULANT_CLASSES), **{f"stimulant_screen.{name}": "yes" for name in DISCUSS_FIELDS}},
        Outcome.GUIDELINE_FIRST,
        STIMULANT_CLASSES,
    ),
    # Precedence: a stop beats guideline-first.
    (
        "methylphenidate untried, allergy",
        {**untried("methylphenidate"), "ldn_screen.naltrexone_allergy": "yes"},
        Outcome.STOP,
        ("methylphenidate",),
    ),
]


@pytest.mark.parametrize(
    ("overrides", "outcome", "open_classes"),
    [row[1:] for row in GUIDELINE_ROWS],
    ids=[row[0] for row in GUIDELINE_ROWS],
)
def test_guideline_first_branches(
    make_visit: MakeVisit, overrides: dict[str, Any], outcome: Outcome, open_classes: tuple[str, ...]
) -> None:
    visit = make_visit(**overrides)
    assessment = evaluate(visit)
    assert assessment.outcome is outcome
    assert untried_guideline_options(visit) == open_classes
    if outcome in (Outcome.GUIDELINE_FIRST, Outcome.LDN_OPTION):
        assert assessment.missing == ()
        assert not assessment.with_severity("stop")


def test_partial_and_not_adequate_findings_name_each_class(make_visit: MakeVisit) -> None:
    assessment = evaluate(
        make_visit(
            **{
                "history.methylphenidate": "partial",
                "history.amphetamine": "partial",
                "history.atomoxetine_adequate_trial": "no",
                "history.viloxazine_adequate_trial": "no",
            }
        )
    )
    assert assessment.outcome is Outcome.GUIDELINE_FIRST
    assert finding(assessment, "guideline_medicine_partial").inputs == (
        "history.methylphenidate",
        "history.amphetamine",
    )
    assert finding(assessment, "guideline_trial_not_adequate").inputs == (
        "history.atomoxetine",
        "history.atomoxetine_adequate_trial",
        "history.viloxazine",
        "history.viloxazine_adequate_trial",
    )


@pytest.mark.parametrize("name", DISCUSS_FIELDS)
def test_stimulant_screen_yes_is_a_point_to_discuss(make_visit: MakeVisit, name: str) -> None:
    assessment = evaluate(make_visit(**{**untried("methylphenidate"), f"stimulant_screen.{name}": "yes"}))
    assert finding(assessment, f"stimulant_discuss.{name}").severity == "info"
    assert assessment.outcome is Outcome.GUIDELINE_FIRST


# ---- references and consistency ----------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"ldn_screen.current_opioid_use": "yes", "ldn_screen.pregnancy": "pregnant"},
        {"patient.age_years": 8, "patient.weight_kg": 23, "ldn_screen.sleep_problems": "yes"},
        {f"stimulant_screen.{name}": "yes" for name in STIMULANT_SCREEN_FIELDS},
        {f"ldn_screen.{name}": "yes" for name in UNCONDITIONAL_SCREEN if name != "pregnancy"},
        {
            "history.non_stimulant_unspecified": "partial",
            "history.amphetamine": "partial",
            "diagnosis.baseline": None,
        },
    ],
)
def test_every_finding_cites_resolving_references(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    book = load_rules()
    assessment = evaluate(make_visit(**overrides))
    assert assessment.findings
    for found in assessment.findings:
        assert found.rule_id in book.rules
        assert found.severity == book.rules[found.rule_id].severity
        assert found.references, found.rule_id
        unresolved = [ref for ref in found.references if ref not in book.references]
        assert not unresolved, f"{found.rule_id}: {unresolved}"
        assert all(path.split(".")[0] in Visit.model_fields for path in found.inputs)
    assert len(rule_ids(assessment)) == len(assessment.findings)
