"""The visit file contract (`ldn-aid.visit/2`): what loads, what is refused, errors name the field,
and how a format-1 file migrates on load."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    MAX_DOSE_MG,
    MEDICINE_CLASSES,
    NON_STIMULANT_CLASSES,
    OLDER_FORMATS,
    RESPONSE_SCALES,
    SCALE_RANGES,
    STIMULANT_CLASSES,
    STIMULANT_SCREEN_FIELDS,
    VISIT_FORMAT,
    Visit,
    migrate_visit_data,
    visit_format_of,
)

MakeVisitData = Callable[..., dict[str, Any]]
MINIMAL = {"format": "ldn-aid.visit/2", "visit_date": "2026-01-05"}
MINIMAL_V1 = {"format": "ldn-aid.visit/1", "visit_date": "2026-01-05"}
FIXTURES = Path(__file__).parent / "fixtures"


def rejected(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Visit.model_validate(data)
    return caught.value


def locations(error: ValidationError) -> list[tuple[str | int, ...]]:
    return [tuple(item["loc"]) for item in error.errors()]


# ---- the minimal and the full visit ---------------------------------------------------------------


def test_minimal_visit_loads_with_every_answer_unanswered() -> None:
    visit = Visit.model_validate(MINIMAL)
    assert visit.format == VISIT_FORMAT == "ldn-aid.visit/2"
    assert visit.visit_date == dt.date(2026, 1, 5)
    assert visit.patient.age_years is None
    assert visit.patient.weight_kg is None
    assert visit.patient.sex_at_birth == "not_stated"
    assert visit.patient.handout_language == "en"
    assert visit.diagnosis.adhd_confirmed is None
    assert visit.diagnosis.baseline is None
    assert all(getattr(visit.ldn_screen, name) is None for name in LDN_SCREEN_FIELDS)
    assert all(getattr(visit.stimulant_screen, name) is None for name in STIMULANT_SCREEN_FIELDS)
    assert visit.preferences.declines_stimulants is None
    assert visit.preferences.declines_non_stimulants is None
    assert visit.preferences.priorities == ()
    assert all(getattr(visit.history, name) == "not_tried" for name in MEDICINE_CLASSES)
    assert all(getattr(visit.history, f"{name}_adequate_trial") is None for name in MEDICINE_CLASSES)
    assert visit.history.non_stimulant_unspecified is None
    assert visit.patient.weight_confirmed is False
    assert visit.stimulant_screen.stimulant_contraindication_confirmed is None
    assert visit.plan is None


def test_minimal_visit_from_json_text() -> None:
    visit = Visit.model_validate_json(json.dumps(MINIMAL))
    assert visit == Visit.model_validate(MINIMAL)


def test_screen_field_lists_match_the_contract() -> None:
    assert LDN_SCREEN_FIELDS == (
        "current_opioid_use",
        "opioid_agonist_treatment",
        "opioid_agonist_last_14_days",
        "opioid_use_last_10_days",
        "opioid_withdrawal_now",
        "past_opioid_use_disorder",
        "doubt_about_recent_opioids",
        "urine_opioid_screen",
        "planned_surgery",
        "acute_hepatitis_or_liver_failure",
        "chronic_liver_disease",
        "severe_kidney_disease",
        "naltrexone_allergy",
        "thioridazine",
        "disulfiram",
        "sleep_problems",
        "depression_or_low_mood",
        "suicidal_thoughts",
        "pregnancy",
        "childbearing_potential",
    )
    assert set(CONDITIONAL_LDN_SCREEN_FIELDS) == {"urine_opioid_screen", "childbearing_potential"}
    assert set(CONDITIONAL_LDN_SCREEN_FIELDS) <= set(LDN_SCREEN_FIELDS)
    assert set(STIMULANT_SCREEN_FIELDS) == {
        "maoi_last_14_days",
        "heart_disease_or_family_sudden_death",
        "high_blood_pressure",
        "glaucoma",
        "overactive_thyroid",
        "psychosis_or_bipolar",
        "tics_or_tourette",
        "substance_misuse_history",
        "severe_anxiety",
        "eating_disorder_or_underweight",
        "seizures",
        "stimulant_contraindication_confirmed",
    }


def test_medicine_classes_and_scales_match_the_contract() -> None:
    assert STIMULANT_CLASSES == ("methylphenidate", "amphetamine")
    assert NON_STIMULANT_CLASSES == ("atomoxetine", "alpha2_agonist", "viloxazine")
    assert (*STIMULANT_CLASSES, *NON_STIMULANT_CLASSES) == MEDICINE_CLASSES
    # Only 18-item ADHD symptom totals can carry a 30 % fall (clinical audit C-2).
    assert set(RESPONSE_SCALES) == {
        "adhd_rs_5",
        "aisrs",
        "vanderbilt_parent",
        "vanderbilt_teacher",
        "snap_iv_18",
    }
    assert all(SCALE_RANGES[scale] == (0, 54) for scale in RESPONSE_SCALES)
    assert {"cgi_s", "asrs_v1_1_part_a", "snap_iv_26"} <= set(SCALE_RANGES) - set(RESPONSE_SCALES)


def test_plan_defaults() -> None:
    visit = Visit.model_validate(MINIMAL)
    plan = visit.effective_plan
    assert (plan.schedule, plan.timing, plan.step_weeks, plan.target_mg, plan.start_date) == (
        "standard",
        "auto",
        2,
        None,
        None,
    )
    assert visit.start_date == dt.date(2026, 1, 5)
    later = Visit.model_validate({**MINIMAL, "plan": {"start_date": "2026-02-01"}})
    assert later.start_date == dt.date(2026, 2, 1)


def test_full_visit_round_trips_through_json(make_visit_data: MakeVisitData) -> None:
    data = make_visit_data(
        **{
            "patient.display_name": "Ana María",
            "patient.sex_at_birth": "female",
            "patient.handout_language": "es",
            "diagnosis.presentation": "inattentive",
            "diagnosis.baseline": {"scale": "asrs_v1_1_part_a", "score": 18, "date": "2025-12-01"},
            "preferences.priorities": ["few_side_effects", "once_daily"],
            "plan": {
                "start_date": "2026-01-12",
                "schedule": "gentle",
                "timing": "morning",
                "step_weeks": 3,
                "target_mg": 3.5,
                "change_reason": "sensitive to medicines",
            },
        }
    )
    visit = Visit.model_validate_json(json.dumps(data))
    assert Visit.model_validate_json(visit.model_dump_json()) == visit
    assert visit.plan is not None
    assert visit.plan.target_mg == Decimal("3.5")


def test_visit_is_immutable(make_visit_data: MakeVisitData) -> None:
    visit = Visit.model_validate(make_visit_data())
    with pytest.raises(ValidationError):
        visit.patient.age_years = 5  # type: ignore[misc]


# ---- boundaries that load ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("patient.age_years", 0),
        ("patient.age_years", 120),
        ("patient.weight_kg", 2),
        ("patient.weight_kg", 350),
        ("patient.weight_kg", 44.9),
        ("plan.step_weeks", 1),
        ("plan.step_weeks", 4),
        ("plan.target_mg", 4.5),
        ("plan.target_mg", 0.1),
        ("plan.target_mg", 3),
        ("plan.target_mg", None),
    ],
)
def test_boundary_values_load(make_visit_data: MakeVisitData, path: str, value: Any) -> None:
    visit = Visit.model_validate_json(json.dumps(make_visit_data(**{path: value})))
    section, name = path.split(".")
    loaded = getattr(getattr(visit, section), name)
    if value is None:
        assert loaded is None
    elif name == "target_mg":
        assert loaded == Decimal(str(value))
    else:
        assert loaded == value


def test_json_target_keeps_its_exact_decimal(make_visit_data: MakeVisitData) -> None:
    visit = Visit.model_validate_json(json.dumps(make_visit_data(**{"plan.target_mg": 4.5})))
    assert visit.plan is not None
    assert visit.plan.target_mg == Decimal("4.5")
    assert str(visit.plan.target_mg) == "4.5"
    assert Decimal("4.5") == MAX_DOSE_MG


def test_cap_matches_the_cited_number() -> None:
    from ldn_aid.content import load_rules

    rules = load_rules()
    assert rules.number("max_dose_mg") == MAX_DOSE_MG
    assert rules.number("adult_target_mg") <= MAX_DOSE_MG


# ---- refused, with the field named ---------------------------------------------------------------

REJECTED_ROWS: list[tuple[str, dict[str, Any], tuple[str | int, ...]]] = [
    ("age -1", {"patient.age_years": -1}, ("patient", "age_years")),
    ("age 121", {"patient.age_years": 121}, ("patient", "age_years")),
    ("age as text", {"patient.age_years": "thirty"}, ("patient", "age_years")),
    ("age as numeric text", {"patient.age_years": "30"}, ("patient", "age_years")),
    ("age as a fraction", {"patient.age_years": 30.5}, ("patient", "age_years")),
    ("age as a boolean", {"patient.age_years": True}, ("patient", "age_years")),
    ("weight 1.9", {"patient.weight_kg": 1.9}, ("patient", "weight_kg")),
    ("weight 351", {"patient.weight_kg": 351}, ("patient", "weight_kg")),
    ("weight as text", {"patient.weight_kg": "heavy"}, ("patient", "weight_kg")),
    ("step_weeks 0", {"plan.step_weeks": 0}, ("plan", "step_weeks")),
    ("step_weeks 5", {"plan.step_weeks": 5}, ("plan", "step_weeks")),
    ("target 5.0", {"plan.target_mg": 5.0}, ("plan", "target_mg")),
    ("target 4.6", {"plan.target_mg": 4.6}, ("plan", "target_mg")),
    ("target 0", {"plan.target_mg": 0}, ("plan", "target_mg")),
    ("target negative", {"plan.target_mg": -1.5}, ("plan", "target_mg")),
    ("target hundredths", {"plan.target_mg": 2.25}, ("plan", "target_mg")),
    ("target boolean", {"plan.target_mg": True}, ("plan", "target_mg")),
    ("target text", {"plan.target_mg": "lots"}, ("plan", "target_mg")),
    ("unknown top-level key", {"notes": "x"}, ("notes",)),
    ("unknown patient key", {"patient.height_cm": 170}, ("patient", "height_cm")),
    ("unknown screen key", {"ldn_screen.smoking": "yes"}, ("ldn_screen", "smoking")),
    ("unknown plan key", {"plan.dose": 4.5}, ("plan", "dose")),
    ("wrong format string", {"format": "ldn-aid.visit/3"}, ("format",)),
    ("format 0", {"format": "ldn-aid.visit/0"}, ("format",)),
    ("bad visit date", {"visit_date": "2026-13-01"}, ("visit_date",)),
    ("bad start date", {"plan.start_date": "next week"}, ("plan", "start_date")),
    ("screen answer not yes/no", {"ldn_screen.planned_surgery": "maybe"}, ("ldn_screen", "planned_surgery")),
    ("screen answer boolean", {"ldn_screen.planned_surgery": True}, ("ldn_screen", "planned_surgery")),
    ("pregnancy yes", {"ldn_screen.pregnancy": "yes"}, ("ldn_screen", "pregnancy")),
    # New in format 2: every answer is a closed choice, and booleans are not yes/no answers.
    ("urine screen yes", {"ldn_screen.urine_opioid_screen": "yes"}, ("ldn_screen", "urine_opioid_screen")),
    ("urine screen bool", {"ldn_screen.urine_opioid_screen": True}, ("ldn_screen", "urine_opioid_screen")),
    (
        "agonist window",
        {"ldn_screen.opioid_agonist_last_14_days": "maybe"},
        ("ldn_screen", "opioid_agonist_last_14_days"),
    ),
    ("withdrawal bool", {"ldn_screen.opioid_withdrawal_now": False}, ("ldn_screen", "opioid_withdrawal_now")),
    (
        "doubt",
        {"ldn_screen.doubt_about_recent_opioids": "unsure"},
        ("ldn_screen", "doubt_about_recent_opioids"),
    ),
    ("low mood", {"ldn_screen.depression_or_low_mood": 1}, ("ldn_screen", "depression_or_low_mood")),
    ("suicidal", {"ldn_screen.suicidal_thoughts": "sometimes"}, ("ldn_screen", "suicidal_thoughts")),
    ("childbearing", {"ldn_screen.childbearing_potential": "n/a"}, ("ldn_screen", "childbearing_potential")),
    (
        "contraindication confirmed",
        {"stimulant_screen.stimulant_contraindication_confirmed": "probably"},
        ("stimulant_screen", "stimulant_contraindication_confirmed"),
    ),
    ("atomoxetine outcome", {"history.atomoxetine": "great"}, ("history", "atomoxetine")),
    ("alpha-2 outcome", {"history.alpha2_agonist": "yes"}, ("history", "alpha2_agonist")),
    ("viloxazine outcome", {"history.viloxazine": 1}, ("history", "viloxazine")),
    (
        "adequate trial",
        {"history.amphetamine_adequate_trial": "6 weeks"},
        ("history", "amphetamine_adequate_trial"),
    ),
    (
        "adequate trial bool",
        {"history.viloxazine_adequate_trial": True},
        ("history", "viloxazine_adequate_trial"),
    ),
    (
        "unspecified outcome",
        {"history.non_stimulant_unspecified": "some"},
        ("history", "non_stimulant_unspecified"),
    ),
    ("format-1 key in format 2", {"history.non_stimulant": "no_benefit"}, ("history", "non_stimulant")),
    (
        "baseline scale snap 18 range",
        {"diagnosis.baseline": {"scale": "snap_iv_18", "score": 55, "date": "2026-01-01"}},
        ("diagnosis", "baseline"),
    ),
    ("stimulant answer", {"stimulant_screen.glaucoma": "no idea"}, ("stimulant_screen", "glaucoma")),
    ("diagnosis answer", {"diagnosis.adhd_confirmed": "probably"}, ("diagnosis", "adhd_confirmed")),
    ("trial outcome", {"history.methylphenidate": "great"}, ("history", "methylphenidate")),
    ("schedule", {"plan.schedule": "fast"}, ("plan", "schedule")),
    ("timing", {"plan.timing": "noon"}, ("plan", "timing")),
    ("sex", {"patient.sex_at_birth": "unknown"}, ("patient", "sex_at_birth")),
    ("handout language", {"patient.handout_language": "fr"}, ("patient", "handout_language")),
    (
        "four priorities",
        {"preferences.priorities": ["strong_evidence", "fast_effect", "low_cost", "once_daily"]},
        ("preferences", "priorities"),
    ),
    (
        "repeated priority",
        {"preferences.priorities": ["low_cost", "low_cost"]},
        ("preferences", "priorities"),
    ),
    ("unknown priority", {"preferences.priorities": ["cheap"]}, ("preferences", "priorities")),
    (
        "baseline out of range",
        {"diagnosis.baseline": {"scale": "cgi_s", "score": 8, "date": "2026-01-01"}},
        ("diagnosis", "baseline"),
    ),
    (
        "baseline unknown scale",
        {"diagnosis.baseline": {"scale": "iq", "score": 8, "date": "2026-01-01"}},
        ("diagnosis", "baseline"),
    ),
    ("section of the wrong type", {"patient": "adult"}, ("patient",)),
]


@pytest.mark.parametrize(
    ("overrides", "location"), [row[1:] for row in REJECTED_ROWS], ids=[row[0] for row in REJECTED_ROWS]
)
def test_invalid_values_are_rejected_naming_the_field(
    make_visit_data: MakeVisitData, overrides: dict[str, Any], location: tuple[str | int, ...]
) -> None:
    error = rejected(make_visit_data(**overrides))
    assert any(loc[: len(location)] == location for loc in locations(error)), locations(error)
    assert str(location[-1]) in str(error)


def test_error_for_a_bad_age_says_age_years(make_visit_data: MakeVisitData) -> None:
    for age in (-1, 121, "thirty"):
        error = rejected(make_visit_data(**{"patient.age_years": age}))
        assert locations(error) == [("patient", "age_years")]
        assert "age_years" in str(error)


def test_target_above_the_cap_says_so(make_visit_data: MakeVisitData) -> None:
    error = rejected(make_visit_data(**{"plan.target_mg": 5.0}))
    assert locations(error) == [("plan", "target_mg")]
    assert "4.5" in str(error)


def test_missing_visit_date_is_named() -> None:
    error = rejected({"format": "ldn-aid.visit/2"})
    assert ("visit_date",) in locations(error)
    assert error.errors()[0]["type"] == "missing"


def test_unknown_keys_are_extra_forbidden(make_visit_data: MakeVisitData) -> None:
    top = rejected(make_visit_data(**{"notes": "x"}))
    nested = rejected(make_visit_data(**{"ldn_screen.smoking": "yes"}))
    assert [item["type"] for item in top.errors()] == ["extra_forbidden"]
    assert [item["type"] for item in nested.errors()] == ["extra_forbidden"]


def test_invalid_json_text_is_a_validation_error() -> None:
    with pytest.raises(ValidationError):
        Visit.model_validate_json("{not json")


def test_json_schema_describes_the_contract() -> None:
    schema = Visit.model_json_schema()
    assert {"format", "visit_date", "patient", "ldn_screen", "stimulant_screen", "plan"} <= set(
        schema["properties"]
    )
    assert schema.get("additionalProperties") is False


# ---- new format-2 answers -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "value"),
    [
        ("ldn_screen.urine_opioid_screen", "negative"),
        ("ldn_screen.urine_opioid_screen", "positive"),
        ("ldn_screen.urine_opioid_screen", "not_done"),
        ("ldn_screen.urine_opioid_screen", None),
        ("ldn_screen.childbearing_potential", "no"),
        ("ldn_screen.opioid_agonist_last_14_days", "yes"),
        ("history.atomoxetine", "partial"),
        ("history.alpha2_agonist_adequate_trial", "no"),
        ("history.non_stimulant_unspecified", "no_benefit"),
        ("stimulant_screen.stimulant_contraindication_confirmed", "yes"),
        ("patient.weight_confirmed", True),
        ("plan.specialist_signoff", True),
    ],
)
def test_new_answers_load(make_visit_data: MakeVisitData, path: str, value: Any) -> None:
    visit = Visit.model_validate_json(json.dumps(make_visit_data(**{path: value})))
    section, name = path.split(".")
    assert getattr(getattr(visit, section), name) == value


def test_snap_iv_18_is_a_recordable_baseline(make_visit_data: MakeVisitData) -> None:
    baseline = {"scale": "snap_iv_18", "score": 54, "date": "2026-01-01"}
    visit = Visit.model_validate(make_visit_data(**{"diagnosis.baseline": baseline}))
    assert visit.diagnosis.baseline is not None
    assert visit.diagnosis.baseline.scale == "snap_iv_18"


# pydantic's lax bool would read "yes", 1 or "true" as True; a confirmation or a sign-off must be an
# explicit JSON true/false.
@pytest.mark.parametrize("path", ["patient.weight_confirmed", "plan.specialist_signoff"])
@pytest.mark.parametrize("value", ["yes", 1, "true"])
def test_new_booleans_are_strict(make_visit_data: MakeVisitData, path: str, value: Any) -> None:
    rejected(make_visit_data(**{path: value}))


# ---- format 1 migrates on load ------------------------------------------------------------------------


def test_older_formats_are_listed() -> None:
    assert OLDER_FORMATS == ("ldn-aid.visit/1",)
    assert VISIT_FORMAT not in OLDER_FORMATS


def test_a_minimal_format_1_visit_migrates() -> None:
    visit = Visit.model_validate(MINIMAL_V1)
    assert visit.format == VISIT_FORMAT
    assert visit == Visit.model_validate(MINIMAL)
    assert visit_format_of(MINIMAL_V1) == "ldn-aid.visit/1"
    assert visit_format_of(["not", "a", "visit"]) is None


@pytest.mark.parametrize("outcome", ["helped", "partial", "no_benefit", "side_effects"])
def test_format_1_non_stimulant_moves_to_unspecified(outcome: str) -> None:
    data = {**MINIMAL_V1, "history": {"methylphenidate": "no_benefit", "non_stimulant": outcome}}
    visit = Visit.model_validate(data)
    assert visit.history.non_stimulant_unspecified == outcome
    # The old answer never counts as any non-stimulant class tried.
    assert all(getattr(visit.history, name) == "not_tried" for name in NON_STIMULANT_CLASSES)
    assert visit.history.methylphenidate == "no_benefit"
    # Nothing was asked about trial adequacy in format 1.
    assert visit.history.methylphenidate_adequate_trial is None


def test_format_1_not_tried_non_stimulant_leaves_nothing_behind() -> None:
    visit = Visit.model_validate({**MINIMAL_V1, "history": {"non_stimulant": "not_tried"}})
    assert visit.history.non_stimulant_unspecified is None


def test_migration_does_not_change_its_input() -> None:
    data = {**MINIMAL_V1, "history": {"non_stimulant": "partial"}}
    before = json.loads(json.dumps(data))
    migrated = migrate_visit_data(data)
    assert data == before
    assert isinstance(migrated, dict)
    assert migrated["format"] == VISIT_FORMAT
    assert migrated["history"] == {"non_stimulant_unspecified": "partial"}
    # Anything that is not a format-1 visit passes through untouched, to be validated as it is.
    assert migrate_visit_data(MINIMAL) is MINIMAL
    assert migrate_visit_data("text") == "text"


def test_migrated_format_1_leaves_every_new_question_unanswered() -> None:
    raw = json.loads((FIXTURES / "format1_ldn_option.json").read_text("utf-8"))
    assert raw["format"] == "ldn-aid.visit/1"
    visit = Visit.model_validate(raw)
    assert visit.format == VISIT_FORMAT
    new_screen = (
        "opioid_agonist_last_14_days",
        "opioid_withdrawal_now",
        "doubt_about_recent_opioids",
        "urine_opioid_screen",
        "depression_or_low_mood",
        "suicidal_thoughts",
        "childbearing_potential",
    )
    assert all(getattr(visit.ldn_screen, name) is None for name in new_screen)
    assert visit.stimulant_screen.stimulant_contraindication_confirmed is None
    assert visit.patient.weight_confirmed is False
    assert visit.plan is not None
    assert visit.plan.specialist_signoff is False
    assert visit.history.non_stimulant_unspecified == "side_effects"
    # Every old answer is kept as it was.
    for section in ("patient", "diagnosis", "ldn_screen", "stimulant_screen", "preferences"):
        for key, value in raw[section].items():
            dumped = visit.model_dump(mode="json")[section][key]
            assert dumped == value or (isinstance(value, float | int) and float(dumped) == value), key


def test_a_migrated_visit_saves_as_format_2_and_reloads_equal() -> None:
    raw = json.loads((FIXTURES / "format1_ldn_option.json").read_text("utf-8"))
    visit = Visit.model_validate(raw)
    saved = json.loads(visit.model_dump_json())
    assert saved["format"] == VISIT_FORMAT
    assert "non_stimulant" not in saved["history"]
    assert Visit.model_validate(saved) == visit


def test_a_migrated_ldn_option_never_looks_further_along() -> None:
    """The format-1 ldn_option example now lacks answers (an allowed baseline, which non-stimulant,
    the new screening questions): it opens as incomplete, with those questions listed, never as an
    LDN plan."""
    from ldn_aid.rules import evaluate

    visit = Visit.model_validate(json.loads((FIXTURES / "format1_ldn_option.json").read_text("utf-8")))
    assessment = evaluate(visit)
    assert assessment.outcome.value != "ldn_option"
    assert assessment.outcome.value == "incomplete"
    missing = set(assessment.missing)
    assert {
        "diagnosis.baseline",
        "ldn_screen.suicidal_thoughts",
        "ldn_screen.opioid_agonist_last_14_days",
    } <= missing
    assert "non_stimulant_unspecified" in {finding.rule_id for finding in assessment.findings}
