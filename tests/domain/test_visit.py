"""The visit file contract (`ldn-aid.visit/1`): what loads, what is refused, errors name the field."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from ldn_aid.domain.visit import (
    LDN_SCREEN_FIELDS,
    MAX_DOSE_MG,
    STIMULANT_SCREEN_FIELDS,
    VISIT_FORMAT,
    Visit,
)

MakeVisitData = Callable[..., dict[str, Any]]
MINIMAL = {"format": "ldn-aid.visit/1", "visit_date": "2026-01-05"}


def rejected(data: dict[str, Any]) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        Visit.model_validate(data)
    return caught.value


def locations(error: ValidationError) -> list[tuple[str | int, ...]]:
    return [tuple(item["loc"]) for item in error.errors()]


# ---- the minimal and the full visit ---------------------------------------------------------------


def test_minimal_visit_loads_with_every_answer_unanswered() -> None:
    visit = Visit.model_validate(MINIMAL)
    assert visit.format == VISIT_FORMAT == "ldn-aid.visit/1"
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
    assert (visit.history.methylphenidate, visit.history.amphetamine, visit.history.non_stimulant) == (
        "not_tried",
        "not_tried",
        "not_tried",
    )
    assert visit.plan is None


def test_minimal_visit_from_json_text() -> None:
    visit = Visit.model_validate_json(json.dumps(MINIMAL))
    assert visit == Visit.model_validate(MINIMAL)


def test_screen_field_lists_match_the_contract() -> None:
    assert LDN_SCREEN_FIELDS == (
        "current_opioid_use",
        "opioid_agonist_treatment",
        "opioid_use_last_10_days",
        "past_opioid_use_disorder",
        "planned_surgery",
        "acute_hepatitis_or_liver_failure",
        "chronic_liver_disease",
        "severe_kidney_disease",
        "naltrexone_allergy",
        "thioridazine",
        "disulfiram",
        "sleep_problems",
        "pregnancy",
    )
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
    }


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
    ("wrong format string", {"format": "ldn-aid.visit/2"}, ("format",)),
    ("bad visit date", {"visit_date": "2026-13-01"}, ("visit_date",)),
    ("bad start date", {"plan.start_date": "next week"}, ("plan", "start_date")),
    ("screen answer not yes/no", {"ldn_screen.planned_surgery": "maybe"}, ("ldn_screen", "planned_surgery")),
    ("screen answer boolean", {"ldn_screen.planned_surgery": True}, ("ldn_screen", "planned_surgery")),
    ("pregnancy yes", {"ldn_screen.pregnancy": "yes"}, ("ldn_screen", "pregnancy")),
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
    error = rejected({"format": "ldn-aid.visit/1"})
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
