"""Table-driven tests of `evaluate`: one row per rule, the outcome precedence, `missing`, and the
guideline-first branches (issue 2, section 4)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from ldn_aid.content import load_content, load_rules
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS, STIMULANT_SCREEN_FIELDS, Visit
from ldn_aid.rules import evaluate

MakeVisit = Callable[..., Visit]

ALWAYS = "ldn_untested_in_adhd"

# Stimulant-screen answers that rule the stimulant classes out; the others are only points to discuss.
STIMULANT_RULE_OUTS = (
    "maoi_last_14_days",
    "heart_disease_or_family_sudden_death",
    "glaucoma",
    "overactive_thyroid",
    "psychosis_or_bipolar",
)
STIMULANT_DISCUSS_ONLY = tuple(name for name in STIMULANT_SCREEN_FIELDS if name not in STIMULANT_RULE_OUTS)

REQUIRED_FIELDS = (
    "patient.age_years",
    "patient.weight_kg",
    "diagnosis.adhd_confirmed",
    *(f"ldn_screen.{name}" for name in LDN_SCREEN_FIELDS),
)


def rule_ids(assessment: Assessment) -> set[str]:
    return {finding.rule_id for finding in assessment.findings}


def finding(assessment: Assessment, rule_id: str) -> Any:
    matches = [f for f in assessment.findings if f.rule_id == rule_id]
    assert matches, f"{rule_id} not among {sorted(rule_ids(assessment))}"
    assert len(matches) == 1, f"{rule_id} reported {len(matches)} times"
    return matches[0]


# ---- one row per rule ------------------------------------------------------------------------------
# (overrides on the fully answered ldn_option adult, rule_id, severity, outcome, the dotted input that
# triggered it). The base visit fires nothing but `ldn_untested_in_adhd`, so each row also checks that
# exactly this rule (plus that one) fires.

RULE_ROWS: list[tuple[dict[str, Any], str, str, Outcome, str | None]] = [
    # stop
    (
        {"diagnosis.adhd_confirmed": "no"},
        "diagnosis_not_confirmed",
        "stop",
        Outcome.STOP,
        "diagnosis.adhd_confirmed",
    ),
    (
        {"diagnosis.adhd_confirmed": "unsure"},
        "diagnosis_not_confirmed",
        "stop",
        Outcome.STOP,
        "diagnosis.adhd_confirmed",
    ),
    ({"patient.age_years": 5}, "age_under_min", "stop", Outcome.STOP, "patient.age_years"),
    ({"patient.age_years": 0}, "age_under_min", "stop", Outcome.STOP, "patient.age_years"),
    (
        {"ldn_screen.current_opioid_use": "yes"},
        "opioid_current",
        "stop",
        Outcome.STOP,
        "ldn_screen.current_opioid_use",
    ),
    (
        {"ldn_screen.opioid_agonist_treatment": "yes"},
        "opioid_agonist_treatment",
        "stop",
        Outcome.STOP,
        "ldn_screen.opioid_agonist_treatment",
    ),
    (
        {"ldn_screen.opioid_use_last_10_days": "yes"},
        "opioid_recent",
        "stop",
        Outcome.STOP,
        "ldn_screen.opioid_use_last_10_days",
    ),
    (
        {"ldn_screen.acute_hepatitis_or_liver_failure": "yes"},
        "acute_liver",
        "stop",
        Outcome.STOP,
        "ldn_screen.acute_hepatitis_or_liver_failure",
    ),
    (
        {"ldn_screen.naltrexone_allergy": "yes"},
        "naltrexone_allergy",
        "stop",
        Outcome.STOP,
        "ldn_screen.naltrexone_allergy",
    ),
    ({"ldn_screen.pregnancy": "pregnant"}, "pregnancy", "stop", Outcome.STOP, "ldn_screen.pregnancy"),
    # caution
    ({"patient.age_years": 6}, "age_under_adult", "caution", Outcome.LDN_OPTION, "patient.age_years"),
    ({"patient.age_years": 12}, "age_under_adult", "caution", Outcome.LDN_OPTION, "patient.age_years"),
    ({"patient.age_years": 17}, "age_under_adult", "caution", Outcome.LDN_OPTION, "patient.age_years"),
    (
        {"ldn_screen.planned_surgery": "yes"},
        "planned_surgery",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.planned_surgery",
    ),
    (
        {"ldn_screen.past_opioid_use_disorder": "yes"},
        "past_opioid_use_disorder",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.past_opioid_use_disorder",
    ),
    (
        {"ldn_screen.chronic_liver_disease": "yes"},
        "chronic_liver",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.chronic_liver_disease",
    ),
    (
        {"ldn_screen.severe_kidney_disease": "yes"},
        "severe_kidney",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.severe_kidney_disease",
    ),
    (
        {"ldn_screen.pregnancy": "trying"},
        "trying_to_conceive",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.pregnancy",
    ),
    (
        {"ldn_screen.pregnancy": "breastfeeding"},
        "breastfeeding",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.pregnancy",
    ),
    (
        {"ldn_screen.thioridazine": "yes"},
        "thioridazine",
        "caution",
        Outcome.LDN_OPTION,
        "ldn_screen.thioridazine",
    ),
    ({"ldn_screen.disulfiram": "yes"}, "disulfiram", "caution", Outcome.LDN_OPTION, "ldn_screen.disulfiram"),
    ({"patient.weight_kg": 44.9}, "low_weight", "caution", Outcome.LDN_OPTION, "patient.weight_kg"),
    ({"patient.weight_kg": 2}, "low_weight", "caution", Outcome.LDN_OPTION, "patient.weight_kg"),
    # info
    (
        {"ldn_screen.sleep_problems": "yes"},
        "sleep_problems",
        "info",
        Outcome.LDN_OPTION,
        "ldn_screen.sleep_problems",
    ),
    *(
        (
            {f"stimulant_screen.{name}": "yes"},
            f"stimulant_discuss.{name}",
            "info",
            Outcome.LDN_OPTION,
            f"stimulant_screen.{name}",
        )
        for name in STIMULANT_SCREEN_FIELDS
    ),
    (
        {"history.methylphenidate": "helped"},
        "guideline_medicine_helped",
        "info",
        Outcome.LDN_OPTION,
        "history.methylphenidate",
    ),
    (
        {"history.amphetamine": "helped"},
        "guideline_medicine_helped",
        "info",
        Outcome.LDN_OPTION,
        "history.amphetamine",
    ),
    (
        {"history.non_stimulant": "helped"},
        "guideline_medicine_helped",
        "info",
        Outcome.LDN_OPTION,
        "history.non_stimulant",
    ),
    ({}, ALWAYS, "info", Outcome.LDN_OPTION, None),
]


def _row_id(row: tuple[dict[str, Any], str, str, Outcome, str | None]) -> str:
    overrides, rule_id, *_ = row
    change = ",".join(f"{key}={value}" for key, value in overrides.items()) or "base"
    return f"{rule_id}[{change}]"


@pytest.mark.parametrize(
    ("overrides", "rule_id", "severity", "outcome", "trigger"),
    RULE_ROWS,
    ids=[_row_id(row) for row in RULE_ROWS],
)
def test_rule_fires_with_its_severity_and_outcome(
    make_visit: MakeVisit,
    overrides: dict[str, Any],
    rule_id: str,
    severity: str,
    outcome: Outcome,
    trigger: str | None,
) -> None:
    assessment = evaluate(make_visit(**overrides))
    found = finding(assessment, rule_id)
    assert found.severity == severity
    assert assessment.outcome is outcome
    assert assessment.missing == ()
    # Nothing else fires on the otherwise clean base visit.
    assert rule_ids(assessment) == {rule_id, ALWAYS}
    if trigger is not None:
        assert trigger in found.inputs


@pytest.mark.parametrize(
    ("overrides", "rule_id", "severity", "outcome", "trigger"),
    RULE_ROWS,
    ids=[_row_id(row) for row in RULE_ROWS],
)
def test_rule_text_and_references_come_from_content(
    make_visit: MakeVisit,
    overrides: dict[str, Any],
    rule_id: str,
    severity: str,
    outcome: Outcome,
    trigger: str | None,
) -> None:
    book = load_rules()
    texts = load_content("en").language.findings[rule_id]
    found = finding(evaluate(make_visit(**overrides)), rule_id)
    assert found.clinician_text == texts.clinician
    assert found.patient_text == texts.patient
    assert found.references, f"{rule_id} cites nothing"
    assert all(ref in book.references for ref in found.references)
    assert set(book.rules[rule_id].references) <= set(found.references)
    assert book.rules[rule_id].severity == severity


def test_every_rule_in_the_rule_book_has_a_row() -> None:
    """Every screening rule has a row; `followup_*` ids are follow-up reasons (tests/rules/test_review.py)."""
    screening = {rule_id for rule_id in load_rules().rules if not rule_id.startswith("followup_")}
    assert {row[1] for row in RULE_ROWS} == screening


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
        {"patient.weight_kg": 350},
        {"ldn_screen.pregnancy": "no"},
        {"ldn_screen.pregnancy": "not_applicable"},
        {"history.methylphenidate": "partial"},
        {"history.amphetamine": "side_effects"},
        {"preferences.declines_stimulants": "yes"},
        {"preferences.declines_non_stimulants": "yes"},
        {"diagnosis.presentation": "inattentive"},
        {"history.behavioural_support": "ongoing"},
    ],
)
def test_boundaries_and_neutral_answers_fire_nothing(
    make_visit: MakeVisit, overrides: dict[str, Any]
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert rule_ids(assessment) == {ALWAYS}
    assert assessment.outcome is Outcome.LDN_OPTION


def test_several_stops_are_all_reported(make_visit: MakeVisit) -> None:
    assessment = evaluate(
        make_visit(
            **{
                "ldn_screen.current_opioid_use": "yes",
                "ldn_screen.opioid_agonist_treatment": "yes",
                "ldn_screen.pregnancy": "pregnant",
                "diagnosis.adhd_confirmed": "unsure",
            }
        )
    )
    assert assessment.outcome is Outcome.STOP
    assert {f.rule_id for f in assessment.with_severity("stop")} == {
        "opioid_current",
        "opioid_agonist_treatment",
        "pregnancy",
        "diagnosis_not_confirmed",
    }


def test_child_under_45_kg_gets_both_cautions(make_visit: MakeVisit) -> None:
    assessment = evaluate(make_visit(**{"patient.age_years": 8, "patient.weight_kg": 23}))
    assert assessment.outcome is Outcome.LDN_OPTION
    assert rule_ids(assessment) == {"age_under_adult", "low_weight", ALWAYS}


def test_every_stimulant_screen_yes_is_its_own_finding(make_visit: MakeVisit) -> None:
    overrides = {f"stimulant_screen.{name}": "yes" for name in STIMULANT_SCREEN_FIELDS}
    assessment = evaluate(make_visit(**overrides))
    discussed = {
        f.rule_id for f in assessment.with_severity("info") if f.rule_id.startswith("stimulant_discuss.")
    }
    assert discussed == {f"stimulant_discuss.{name}" for name in STIMULANT_SCREEN_FIELDS}
    assert assessment.outcome is Outcome.LDN_OPTION


def test_spanish_content_gives_spanish_texts(make_visit: MakeVisit) -> None:
    spanish = load_content("es")
    english = evaluate(make_visit(**{"ldn_screen.planned_surgery": "yes"}))
    assessment = evaluate(make_visit(**{"ldn_screen.planned_surgery": "yes"}), spanish)
    found = finding(assessment, "planned_surgery")
    assert found.clinician_text == spanish.language.findings["planned_surgery"].clinician
    assert found.clinician_text != finding(english, "planned_surgery").clinician_text
    # The decision itself does not depend on the language.
    assert assessment.outcome is english.outcome
    assert [f.rule_id for f in assessment.findings] == [f.rule_id for f in english.findings]


def test_cited_numbers_reach_the_texts(make_visit: MakeVisit) -> None:
    numbers = load_rules().number_texts()
    surgery = finding(evaluate(make_visit(**{"ldn_screen.planned_surgery": "yes"})), "planned_surgery")
    assert numbers["surgery_hold_days"] in surgery.clinician_text
    recent = finding(evaluate(make_visit(**{"ldn_screen.opioid_use_last_10_days": "yes"})), "opioid_recent")
    assert numbers["opioid_free_days"] in recent.clinician_text
    for text in (surgery.clinician_text, recent.clinician_text):
        assert "{" not in text
        assert "}" not in text


# ---- missing answers and precedence --------------------------------------------------------------


@pytest.mark.parametrize("name", LDN_SCREEN_FIELDS)
def test_each_unanswered_ldn_screen_item_is_incomplete(make_visit: MakeVisit, name: str) -> None:
    assessment = evaluate(make_visit(**{f"ldn_screen.{name}": None}))
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
    ],
)
def test_each_required_patient_answer_is_incomplete(
    make_visit: MakeVisit, overrides: dict[str, Any], path: str
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == (path,)
    assert not assessment.with_severity("stop")


def test_minimal_visit_lists_every_required_field() -> None:
    assessment = evaluate(Visit.model_validate({"format": "ldn-aid.visit/1", "visit_date": "2026-01-05"}))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert len(assessment.missing) == len(set(assessment.missing))
    assert set(assessment.missing) == set(REQUIRED_FIELDS)
    assert ALWAYS in rule_ids(assessment)


def test_unanswered_ldn_screen_lists_all_thirteen(make_visit: MakeVisit) -> None:
    overrides = {f"ldn_screen.{name}": None for name in LDN_SCREEN_FIELDS}
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.INCOMPLETE
    assert set(assessment.missing) == {f"ldn_screen.{name}" for name in LDN_SCREEN_FIELDS}
    assert len(assessment.missing) == 13


def test_unanswered_stimulant_screen_and_preferences_are_not_required(make_visit: MakeVisit) -> None:
    overrides: dict[str, Any] = {f"stimulant_screen.{name}": None for name in STIMULANT_SCREEN_FIELDS}
    overrides |= {"preferences.declines_stimulants": None, "preferences.declines_non_stimulants": None}
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.LDN_OPTION
    assert assessment.missing == ()


@pytest.mark.parametrize(
    ("overrides", "stop_rule", "missing"),
    [
        # A patient on methadone needs no more screening for LDN, but the gaps are still listed.
        (
            {"ldn_screen.opioid_agonist_treatment": "yes", "ldn_screen.planned_surgery": None},
            "opioid_agonist_treatment",
            {"ldn_screen.planned_surgery"},
        ),
        (
            {"diagnosis.adhd_confirmed": "no", "patient.age_years": None, "patient.weight_kg": None},
            "diagnosis_not_confirmed",
            {"patient.age_years", "patient.weight_kg"},
        ),
        (
            {"patient.age_years": 4, "patient.weight_kg": None, "ldn_screen.pregnancy": None},
            "age_under_min",
            {"patient.weight_kg", "ldn_screen.pregnancy"},
        ),
        (
            {
                "ldn_screen.pregnancy": "pregnant",
                "diagnosis.adhd_confirmed": None,
                "ldn_screen.thioridazine": None,
            },
            "pregnancy",
            {"diagnosis.adhd_confirmed", "ldn_screen.thioridazine"},
        ),
        (
            {"ldn_screen.current_opioid_use": "yes", "history.methylphenidate": "not_tried"},
            "opioid_current",
            set(),
        ),
    ],
)
def test_a_known_stop_wins_over_missing_answers(
    make_visit: MakeVisit, overrides: dict[str, Any], stop_rule: str, missing: set[str]
) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.STOP
    assert finding(assessment, stop_rule).severity == "stop"
    assert set(assessment.missing) == missing
    assert len(assessment.missing) == len(missing)


def test_stop_with_everything_else_missing_still_lists_it() -> None:
    visit = Visit.model_validate(
        {
            "format": "ldn-aid.visit/1",
            "visit_date": "2026-01-05",
            "ldn_screen": {"opioid_agonist_treatment": "yes"},
        }
    )
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.STOP
    assert set(assessment.missing) == set(REQUIRED_FIELDS) - {"ldn_screen.opioid_agonist_treatment"}


def test_missing_beats_guideline_first(make_visit: MakeVisit) -> None:
    assessment = evaluate(
        make_visit(**{"history.methylphenidate": "not_tried", "ldn_screen.planned_surgery": None})
    )
    assert assessment.outcome is Outcome.INCOMPLETE
    assert assessment.missing == ("ldn_screen.planned_surgery",)


def test_unknown_age_fires_no_age_rule(make_visit: MakeVisit) -> None:
    assessment = evaluate(make_visit(**{"patient.age_years": None}))
    assert not rule_ids(assessment) & {"age_under_min", "age_under_adult"}


# ---- guideline first -----------------------------------------------------------------------------

GUIDELINE_ROWS: list[tuple[str, dict[str, Any], Outcome]] = [
    ("all tried", {}, Outcome.LDN_OPTION),
    ("methylphenidate untried", {"history.methylphenidate": "not_tried"}, Outcome.GUIDELINE_FIRST),
    ("amphetamine untried", {"history.amphetamine": "not_tried"}, Outcome.GUIDELINE_FIRST),
    ("non-stimulant untried", {"history.non_stimulant": "not_tried"}, Outcome.GUIDELINE_FIRST),
    (
        "all untried",
        {
            "history.methylphenidate": "not_tried",
            "history.amphetamine": "not_tried",
            "history.non_stimulant": "not_tried",
        },
        Outcome.GUIDELINE_FIRST,
    ),
    # Only `not_tried` counts as an open option.
    ("methylphenidate partial", {"history.methylphenidate": "partial"}, Outcome.LDN_OPTION),
    ("methylphenidate helped", {"history.methylphenidate": "helped"}, Outcome.LDN_OPTION),
    # Ruled out by its own trial only: the other stimulant's side effects do not close this one.
    (
        "methylphenidate untried, amphetamine side effects",
        {"history.methylphenidate": "not_tried", "history.amphetamine": "side_effects"},
        Outcome.GUIDELINE_FIRST,
    ),
    # Declining stimulants rules out both stimulant classes, and only them.
    (
        "methylphenidate untried, declines stimulants",
        {"history.methylphenidate": "not_tried", "preferences.declines_stimulants": "yes"},
        Outcome.LDN_OPTION,
    ),
    (
        "amphetamine untried, declines stimulants",
        {"history.amphetamine": "not_tried", "preferences.declines_stimulants": "yes"},
        Outcome.LDN_OPTION,
    ),
    (
        "both stimulants untried, declines stimulants",
        {
            "history.methylphenidate": "not_tried",
            "history.amphetamine": "not_tried",
            "preferences.declines_stimulants": "yes",
        },
        Outcome.LDN_OPTION,
    ),
    (
        "methylphenidate untried, does not decline stimulants",
        {"history.methylphenidate": "not_tried", "preferences.declines_stimulants": "no"},
        Outcome.GUIDELINE_FIRST,
    ),
    (
        "non-stimulant untried, declines stimulants",
        {"history.non_stimulant": "not_tried", "preferences.declines_stimulants": "yes"},
        Outcome.GUIDELINE_FIRST,
    ),
    (
        "non-stimulant untried, declines non-stimulants",
        {"history.non_stimulant": "not_tried", "preferences.declines_non_stimulants": "yes"},
        Outcome.LDN_OPTION,
    ),
    (
        "non-stimulant untried, does not decline non-stimulants",
        {"history.non_stimulant": "not_tried", "preferences.declines_non_stimulants": "no"},
        Outcome.GUIDELINE_FIRST,
    ),
    (
        "methylphenidate untried, declines non-stimulants",
        {"history.methylphenidate": "not_tried", "preferences.declines_non_stimulants": "yes"},
        Outcome.GUIDELINE_FIRST,
    ),
    (
        "all untried, declines both",
        {
            "history.methylphenidate": "not_tried",
            "history.amphetamine": "not_tried",
            "history.non_stimulant": "not_tried",
            "preferences.declines_stimulants": "yes",
            "preferences.declines_non_stimulants": "yes",
        },
        Outcome.LDN_OPTION,
    ),
    (
        "all untried, declines stimulants only",
        {
            "history.methylphenidate": "not_tried",
            "history.amphetamine": "not_tried",
            "history.non_stimulant": "not_tried",
            "preferences.declines_stimulants": "yes",
        },
        Outcome.GUIDELINE_FIRST,
    ),
    # Unanswered screen items and preferences rule nothing out.
    (
        "methylphenidate untried, glaucoma unanswered",
        {"history.methylphenidate": "not_tried", "stimulant_screen.glaucoma": None},
        Outcome.GUIDELINE_FIRST,
    ),
    (
        "methylphenidate untried, declines stimulants unanswered",
        {"history.methylphenidate": "not_tried", "preferences.declines_stimulants": None},
        Outcome.GUIDELINE_FIRST,
    ),
    # A stimulant rule-out does not close the non-stimulant class.
    (
        "non-stimulant untried, glaucoma",
        {"history.non_stimulant": "not_tried", "stimulant_screen.glaucoma": "yes"},
        Outcome.GUIDELINE_FIRST,
    ),
    # Precedence: a stop beats guideline-first.
    (
        "methylphenidate untried, allergy",
        {"history.methylphenidate": "not_tried", "ldn_screen.naltrexone_allergy": "yes"},
        Outcome.STOP,
    ),
    *(
        (
            f"both stimulants untried, {name}",
            {
                "history.methylphenidate": "not_tried",
                "history.amphetamine": "not_tried",
                f"stimulant_screen.{name}": "yes",
            },
            Outcome.LDN_OPTION,
        )
        for name in STIMULANT_RULE_OUTS
    ),
    *(
        (
            f"amphetamine untried, {name}",
            {"history.amphetamine": "not_tried", f"stimulant_screen.{name}": "yes"},
            Outcome.LDN_OPTION,
        )
        for name in STIMULANT_RULE_OUTS
    ),
    # Other stimulant-screen yeses (tics, blood pressure, ...) are points to discuss, not rule-outs.
    *(
        (
            f"methylphenidate untried, {name}",
            {"history.methylphenidate": "not_tried", f"stimulant_screen.{name}": "yes"},
            Outcome.GUIDELINE_FIRST,
        )
        for name in STIMULANT_DISCUSS_ONLY
    ),
]


@pytest.mark.parametrize(
    ("overrides", "outcome"), [row[1:] for row in GUIDELINE_ROWS], ids=[row[0] for row in GUIDELINE_ROWS]
)
def test_guideline_first_branches(make_visit: MakeVisit, overrides: dict[str, Any], outcome: Outcome) -> None:
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is outcome
    if outcome is not Outcome.STOP:
        assert assessment.missing == ()
        assert not assessment.with_severity("stop")


@pytest.mark.parametrize("name", STIMULANT_SCREEN_FIELDS)
def test_stimulant_screen_yes_is_still_discussed_when_it_rules_out(make_visit: MakeVisit, name: str) -> None:
    assessment = evaluate(
        make_visit(**{"history.methylphenidate": "not_tried", f"stimulant_screen.{name}": "yes"})
    )
    assert finding(assessment, f"stimulant_discuss.{name}").severity == "info"


# ---- references and consistency ----------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"ldn_screen.current_opioid_use": "yes", "ldn_screen.pregnancy": "pregnant"},
        {"patient.age_years": 8, "patient.weight_kg": 23, "ldn_screen.sleep_problems": "yes"},
        {f"stimulant_screen.{name}": "yes" for name in STIMULANT_SCREEN_FIELDS},
        {f"ldn_screen.{name}": "yes" for name in LDN_SCREEN_FIELDS if name != "pregnancy"},
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
        assert found.clinician_text.strip()
    assert len(rule_ids(assessment)) == len(assessment.findings)


def test_every_yes_on_the_ldn_screen_fires_the_matching_rules(make_visit: MakeVisit) -> None:
    overrides = {f"ldn_screen.{name}": "yes" for name in LDN_SCREEN_FIELDS if name != "pregnancy"}
    assessment = evaluate(make_visit(**overrides))
    assert assessment.outcome is Outcome.STOP
    assert rule_ids(assessment) == {
        "opioid_current",
        "opioid_agonist_treatment",
        "opioid_recent",
        "past_opioid_use_disorder",
        "planned_surgery",
        "acute_liver",
        "chronic_liver",
        "severe_kidney",
        "naltrexone_allergy",
        "thioridazine",
        "disulfiram",
        "sleep_problems",
        ALWAYS,
    }
