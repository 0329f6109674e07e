"""Follow-up visits in the visit file (issues 5 and 9): what loads, what is refused, the safety items
asked at every review, and format-1 files migrating on load."""

from __future__ import annotations

import json
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from pydantic import ValidationError

from ldn_aid.domain.errors import VisitFileError
from ldn_aid.domain.followup import (
    DECISIONS,
    SAFETY_ITEMS,
    SIDE_EFFECTS,
    DecisionReason,
    FollowUp,
    FollowUpDecision,
    SafetyChanges,
    SideEffects,
)
from ldn_aid.domain.visit import VISIT_FORMAT, Visit
from ldn_aid.paths import resource_path
from ldn_aid.rules import review
from ldn_aid.visit_file import parse_visit, visit_json

MakeVisitData = Callable[..., dict[str, Any]]
EXAMPLES = resource_path("examples")
# The example visits without follow-ups (the follow-up examples extend ldn_option).
OLD_EXAMPLES = sorted(p for p in EXAMPLES.glob("*.json") if not p.name.startswith("followup_"))
FOLLOW_UP_EXAMPLES = sorted(EXAMPLES.glob("followup_*.json"))
# Format-1 files kept as migration fixtures (copies of the shipped examples before issue 9).
FIXTURES = Path(__file__).parent / "fixtures"
BASELINE = {"scale": "asrs_v1_1_part_a", "score": 18, "date": "2026-01-05"}


def follow_up(date: str = "2026-01-18", **fields: Any) -> dict[str, Any]:
    return {"date": date, "dose_mg": 1.5, "timing": "bedtime", "missed_doses_last_week": 0, **fields}


def field_error(data: dict[str, Any]) -> tuple[str, str]:
    """The first error's location (dotted) and message."""
    with pytest.raises(ValidationError) as caught:
        FollowUp.model_validate(data)
    error = caught.value.errors()[0]
    return ".".join(str(part) for part in error["loc"]), error["msg"]


# ---- the follow-up record ---------------------------------------------------------------------------


def test_a_minimal_follow_up_has_safe_defaults() -> None:
    record = FollowUp.model_validate(follow_up())
    assert record.dose_mg == Decimal("1.5")
    assert record.side_effects == SideEffects()
    # An unasked grade is unknown (None), never "none": a severe reaction can stop LDN.
    assert all(grade is None for grade in record.side_effects.graded().values())
    assert record.side_effects.other_text is None
    assert record.safety == SafetyChanges()
    assert (record.safety.opioid_needed_or_taken, record.safety.pregnancy, record.safety.surgery_planned) == (
        None,
        None,
        None,
    )
    assert all(getattr(record.safety, name) is None for name in SAFETY_ITEMS)
    assert record.days_without_ldn is None
    assert (record.tolerable, record.score, record.cgi_i) == (None, None, None)
    assert (record.clinician_decision, record.override_reason, record.extend_once) == (None, None, False)


def test_side_effects_are_listed_in_form_order() -> None:
    assert SIDE_EFFECTS == ("vivid_dreams", "sleep_trouble", "nausea", "headache", "other")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [(1.5, "1.5"), (4.5, "4.5"), (0.1, "0.1"), (3, "3.0"), (2.30, "2.3"), (0.3, "0.3")],
)
def test_dose_is_an_exact_decimal(raw: Any, expected: str) -> None:
    assert FollowUp.model_validate(follow_up(dose_mg=raw)).dose_mg == Decimal(expected)


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        (0, "positive"),
        (-1.5, "positive"),
        # A dose actually taken may be recorded above the 4.5 mg cap (so review can flag it), up to
        # oral naltrexone's highest labelled daily dose.
        (150.1, "above the 150 mg cap"),
        (300, "above the 150 mg cap"),
        (1.55, "tenths"),
        (True, "not true or false"),
        # Numbers are not text (code review F4): the app writes numbers, as the examples do.
        ("2.3", "not text in quotes"),
        ("NaN", "not text in quotes"),
        ("lots", "not text in quotes"),
    ],
)
def test_bad_doses_are_refused_naming_dose_mg(raw: Any, message: str) -> None:
    where, text = field_error(follow_up(dose_mg=raw))
    assert where == "dose_mg"
    assert message in text


@pytest.mark.parametrize(
    ("fields", "where"),
    [
        ({"missed_doses_last_week": -1}, "missed_doses_last_week"),
        ({"missed_doses_last_week": 8}, "missed_doses_last_week"),
        ({"missed_doses_last_week": 2.0}, "missed_doses_last_week"),
        ({"missed_doses_last_week": "2"}, "missed_doses_last_week"),
        ({"cgi_i": 0}, "cgi_i"),
        ({"cgi_i": 8}, "cgi_i"),
        ({"cgi_i": 2.5}, "cgi_i"),
        ({"score": float("inf")}, "score"),
        ({"timing": "noon"}, "timing"),
        ({"tolerable": "maybe"}, "tolerable"),
        ({"clinician_decision": "increase"}, "clinician_decision"),
        ({"side_effects": {"nausea": "awful"}}, "side_effects.nausea"),
        ({"side_effects": {"other_text": "x" * 501}}, "side_effects.other_text"),
        ({"side_effects": {"rash": "mild"}}, "side_effects.rash"),
        ({"safety": {"pregnancy": "yes"}}, "safety.pregnancy"),
        ({"safety": {"opioid_needed_or_taken": "sometimes"}}, "safety.opioid_needed_or_taken"),
        ({"safety": {"alcohol": "yes"}}, "safety.alcohol"),
        ({"safety": {"methadone_or_buprenorphine": True}}, "safety.methadone_or_buprenorphine"),
        ({"safety": {"allergic_reaction": "rash"}}, "safety.allergic_reaction"),
        ({"safety": {"liver_injury_signs": 1}}, "safety.liver_injury_signs"),
        ({"safety": {"suicidal_thoughts": "maybe"}}, "safety.suicidal_thoughts"),
        ({"safety": {"low_mood_worse": False}}, "safety.low_mood_worse"),
        ({"safety": {"new_thioridazine": "started"}}, "safety.new_thioridazine"),
        ({"safety": {"new_disulfiram": "y"}}, "safety.new_disulfiram"),
        ({"safety": {"new_liver_disease": "hepatitis"}}, "safety.new_liver_disease"),
        ({"safety": {"last_opioid_dose": "last week"}}, "safety.last_opioid_dose"),
        ({"safety": {"last_opioid_dose": "2026-02-30"}}, "safety.last_opioid_dose"),
        ({"safety": {"pregnancy": "not_sure"}}, "safety.pregnancy"),
        ({"days_without_ldn": -1}, "days_without_ldn"),
        ({"days_without_ldn": 3651}, "days_without_ldn"),
        ({"days_without_ldn": True}, "days_without_ldn"),
        ({"days_without_ldn": 3.0}, "days_without_ldn"),
        ({"days_without_ldn": "3"}, "days_without_ldn"),
        ({"colour": "blue"}, "colour"),
        ({"date": "2026-02-30"}, "date"),
    ],
)
def test_out_of_range_values_are_refused_naming_the_field(fields: dict[str, Any], where: str) -> None:
    assert field_error(follow_up(**fields))[0] == where


@pytest.mark.parametrize("missing", ["date", "dose_mg", "timing", "missed_doses_last_week"])
def test_required_fields(missing: str) -> None:
    data = follow_up()
    del data[missing]
    assert field_error(data)[0] == missing


@pytest.mark.parametrize("decision", DECISIONS)
def test_every_decision_can_be_the_clinicians(decision: str) -> None:
    record = FollowUp.model_validate(follow_up(clinician_decision=decision, override_reason="why"))
    assert record.clinician_decision == decision


def test_decisions_match_the_contract() -> None:
    assert DECISIONS == (
        "advance",
        "continue",
        "hold",
        "step_down",
        "switch_to_morning",
        "restart",
        "stop",
        "no_plan",
    )


@pytest.mark.parametrize("raw", [4.6, 6, 50, 150])
def test_a_dose_taken_above_the_cap_can_be_recorded(raw: Any) -> None:
    assert FollowUp.model_validate(follow_up(dose_mg=raw)).dose_mg == Decimal(str(raw)).quantize(
        Decimal("0.1")
    )


def test_safety_items_match_the_contract() -> None:
    assert SAFETY_ITEMS == (
        "opioid_needed_or_taken",
        "last_opioid_dose",
        "methadone_or_buprenorphine",
        "new_thioridazine",
        "new_disulfiram",
        "new_liver_disease",
        "liver_injury_signs",
        "allergic_reaction",
        "pregnancy",
        "surgery_planned",
        "low_mood_worse",
        "suicidal_thoughts",
        "urine_opioid_screen",
    )


def test_every_safety_item_and_the_break_load() -> None:
    special = ("pregnancy", "last_opioid_dose", "urine_opioid_screen")
    safety = {name: "yes" for name in SAFETY_ITEMS if name not in special} | {
        "pregnancy": "breastfeeding",
        "last_opioid_dose": "2026-01-10",
        "urine_opioid_screen": "negative",
    }
    record = FollowUp.model_validate(follow_up(safety=safety, days_without_ldn=15))
    assert record.days_without_ldn == 15
    assert record.safety.last_opioid_dose is not None
    assert record.safety.last_opioid_dose.isoformat() == "2026-01-10"
    assert record.safety.urine_opioid_screen == "negative"
    assert all(getattr(record.safety, name) == "yes" for name in safety if name not in special)
    for days in (0, 3650):
        assert FollowUp.model_validate(follow_up(days_without_ldn=days)).days_without_ldn == days


def test_decision_reasons_are_words_free() -> None:
    """Reasons carry ids, paths, sources and plain-text params; the words live in content."""
    assert set(DecisionReason.model_fields) == {"rule_id", "severity", "inputs", "references", "params"}
    reason = DecisionReason(
        rule_id="followup_safety_unanswered",
        severity="caution",
        inputs=("follow_ups.safety.pregnancy",),
        references=("LBL-dc",),
    )
    assert reason.params == {}
    assert {"recheck_due", "ceiling_mg"} <= set(FollowUpDecision.model_fields)


def test_boundaries_load() -> None:
    for missed in (0, 7):
        assert (
            FollowUp.model_validate(follow_up(missed_doses_last_week=missed)).missed_doses_last_week == missed
        )
    for cgi in (1, 7):
        assert FollowUp.model_validate(follow_up(cgi_i=cgi)).cgi_i == cgi
    text = "y" * 500
    assert (
        FollowUp.model_validate(follow_up(side_effects={"other_text": text})).side_effects.other_text == text
    )


def test_follow_up_is_immutable() -> None:
    record = FollowUp.model_validate(follow_up())
    with pytest.raises(ValidationError):
        record.dose_mg = Decimal("3.0")  # type: ignore[misc]


# ---- follow-ups in the visit ------------------------------------------------------------------------


def visit_error(data: dict[str, Any]) -> str:
    with pytest.raises(VisitFileError) as caught:
        parse_visit(json.dumps(data).encode())
    return str(caught.value)


def test_follow_ups_default_to_none_recorded(make_visit_data: MakeVisitData) -> None:
    assert Visit.model_validate(make_visit_data()).follow_ups == ()


def test_follow_ups_in_date_order_load(make_visit_data: MakeVisitData) -> None:
    data = make_visit_data(
        follow_ups=[follow_up("2026-01-05"), follow_up("2026-01-18"), follow_up("2026-02-01", dose_mg=3)]
    )
    visit = Visit.model_validate(data)
    assert [f.date.isoformat() for f in visit.follow_ups] == ["2026-01-05", "2026-01-18", "2026-02-01"]
    assert visit.format == VISIT_FORMAT == "ldn-aid.visit/2"


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (["2026-01-04"], "follow_ups[0] date 2026-01-04 is before visit_date 2026-01-05"),
        (["2026-01-18", "2026-01-18"], "follow_ups[1] date 2026-01-18 must come after"),
        (["2026-01-18", "2026-01-10"], "follow_ups[1] date 2026-01-10 must come after"),
        (["2026-01-18", "2026-02-01", "2026-01-25"], "follow_ups[2]"),
    ],
)
def test_follow_ups_out_of_order_are_refused_naming_follow_ups(
    make_visit_data: MakeVisitData, dates: list[str], message: str
) -> None:
    text = visit_error(make_visit_data(follow_ups=[follow_up(date) for date in dates]))
    assert "follow_ups" in text
    assert message in text


def test_a_follow_up_error_names_its_index(make_visit_data: MakeVisitData) -> None:
    text = visit_error(make_visit_data(follow_ups=[follow_up(), follow_up("2026-02-01", dose_mg=200)]))
    assert "follow_ups.1.dose_mg" in text


def test_scores_must_be_on_the_baseline_scale(make_visit_data: MakeVisitData) -> None:
    ok = make_visit_data(**{"diagnosis.baseline": BASELINE}, follow_ups=[follow_up(score=24)])
    assert Visit.model_validate(ok).follow_ups[0].score == 24
    text = visit_error(make_visit_data(**{"diagnosis.baseline": BASELINE}, follow_ups=[follow_up(score=25)]))
    assert "follow_ups" in text
    assert "outside the baseline scale asrs_v1_1_part_a's range 0-24" in text
    # With no baseline there is no scale to check against; review() then cannot judge the response.
    assert Visit.model_validate(make_visit_data(follow_ups=[follow_up(score=40)])).follow_ups[0].score == 40


def test_follow_ups_round_trip_through_the_file(make_visit_data: MakeVisitData) -> None:
    data = make_visit_data(
        **{"diagnosis.baseline": BASELINE},
        follow_ups=[
            follow_up(
                side_effects={"vivid_dreams": "moderate", "other": "mild", "other_text": "dry mouth"},
                tolerable="yes",
                score=12.5,
                cgi_i=2,
                safety={"opioid_needed_or_taken": "no", "pregnancy": "no", "surgery_planned": "yes"},
                clinician_decision="hold",
                override_reason="exams next week",
                extend_once=True,
            )
        ],
    )
    visit = Visit.model_validate(data)
    again = parse_visit(visit_json(visit).encode())
    assert again == visit
    assert again.follow_ups[0].dose_mg == Decimal("1.5")


def test_the_schema_documents_follow_ups() -> None:
    schema = Visit.model_json_schema()
    assert "follow_ups" in schema["properties"]
    assert "FollowUp" in schema["$defs"]


# ---- the shipped examples and the format-1 fixtures -------------------------------------------------


def _matches(raw: Any, dumped: Any) -> bool:
    """Every value in the file is what the loaded visit holds (defaults the file omits are ignored)."""
    if isinstance(raw, dict):
        return isinstance(dumped, dict) and all(_matches(v, dumped.get(k)) for k, v in raw.items())
    if isinstance(raw, list):
        return isinstance(dumped, list) and len(raw) == len(dumped) and all(map(_matches, raw, dumped))
    if isinstance(raw, float | int) and not isinstance(raw, bool) and isinstance(dumped, str):
        return Decimal(repr(raw)) == Decimal(dumped)
    return bool(raw == dumped)


@pytest.mark.parametrize("path", OLD_EXAMPLES, ids=[p.stem for p in OLD_EXAMPLES])
def test_examples_without_follow_ups_load_unchanged(path: Path) -> None:
    raw = json.loads(path.read_text("utf-8"))
    assert raw["format"] == VISIT_FORMAT
    assert "follow_ups" not in raw
    visit = parse_visit(path.read_bytes(), source=path.name)
    assert visit.follow_ups == ()
    assert _matches(raw, visit.model_dump(mode="json"))
    assert review(visit) is None


def test_the_old_examples_are_all_there() -> None:
    assert [p.stem for p in OLD_EXAMPLES] == ["guideline_first", "incomplete", "ldn_option", "stop"]


@pytest.mark.parametrize("path", FOLLOW_UP_EXAMPLES, ids=[p.stem for p in FOLLOW_UP_EXAMPLES])
def test_follow_up_examples_answer_every_safety_item(path: Path) -> None:
    raw = json.loads(path.read_text("utf-8"))
    assert raw["format"] == VISIT_FORMAT
    visit = parse_visit(path.read_bytes(), source=path.name)
    assert _matches(raw, visit.model_dump(mode="json"))
    for record in visit.follow_ups:
        assert record.days_without_ldn == 0
        # The last opioid dose is asked only after an opioid, and the urine screen only before a
        # restart after an opioid stop; every other item is answered.
        assert record.safety.opioid_needed_or_taken == "no"
        assert record.safety.last_opioid_dose is None
        assert record.safety.urine_opioid_screen is None
        conditional = ("last_opioid_dose", "urine_opioid_screen")
        asked = [name for name in SAFETY_ITEMS if name not in conditional]
        assert all(getattr(record.safety, name) is not None for name in asked), record.date
        # Every side effect is graded: an unasked grade is unknown and would hold the dose.
        assert all(grade is not None for grade in record.side_effects.graded().values()), record.date


@pytest.mark.parametrize("name", ["format1_ldn_option", "format1_followup_advance"])
def test_format_1_files_migrate_on_load(name: str) -> None:
    path = FIXTURES / f"{name}.json"
    raw = json.loads(path.read_text("utf-8"))
    assert raw["format"] == "ldn-aid.visit/1"
    visit = parse_visit(path.read_bytes(), source=path.name)
    assert visit.format == VISIT_FORMAT
    assert visit.history.non_stimulant_unspecified == raw["history"]["non_stimulant"]
    assert (
        visit.history.atomoxetine == visit.history.alpha2_agonist == visit.history.viloxazine == "not_tried"
    )
    for record, old in zip(visit.follow_ups, raw.get("follow_ups", []), strict=True):
        # The three format-1 safety answers are kept; the items added since are unknown, never "no".
        assert record.safety.opioid_needed_or_taken == old["safety"]["opioid_needed_or_taken"]
        assert record.safety.pregnancy == old["safety"]["pregnancy"]
        assert record.safety.surgery_planned == old["safety"]["surgery_planned"]
        added = set(SAFETY_ITEMS) - set(old["safety"])
        assert added
        assert all(getattr(record.safety, item) is None for item in added)
        assert record.days_without_ldn is None
        # Format 1 read an absent grade as "none"; migration writes that old default out.
        old_effects = old.get("side_effects", {})
        for name, grade in record.side_effects.graded().items():
            assert grade == old_effects.get(name, "none"), (name, grade)
    again = parse_visit(visit_json(visit).encode())
    assert again == visit
    assert again.format == VISIT_FORMAT


def test_a_migrated_follow_up_is_never_further_along() -> None:
    """A format-1 review with safety items now unasked never advances the dose."""
    visit = parse_visit((FIXTURES / "format1_followup_advance.json").read_bytes())
    decision = review(visit)
    assert decision is not None
    assert decision.decision not in ("advance", "continue", "restart")


def test_a_saved_old_visit_gains_an_empty_follow_up_list_and_loads_back(
    make_visit_data: MakeVisitData,
) -> None:
    visit = Visit.model_validate(make_visit_data())
    saved = json.loads(visit_json(visit))
    assert saved["follow_ups"] == []
    assert parse_visit(visit_json(visit).encode()) == visit


@pytest.mark.parametrize("name", ["followup_advance", "followup_stop"])
def test_follow_up_examples_extend_the_ldn_option_example(name: str) -> None:
    base = json.loads((EXAMPLES / "ldn_option.json").read_text("utf-8"))
    example = json.loads((EXAMPLES / f"{name}.json").read_text("utf-8"))
    assert example.pop("follow_ups")
    assert example == base


def test_a_format_1_follow_up_without_grades_migrates_them_as_none() -> None:
    """Format 1 defaulted an absent grade to "none"; format 2 reads absent as not asked (None).
    A format-1 file keeps its meaning: the old default is written out on migration."""
    raw = json.loads((FIXTURES / "format1_followup_advance.json").read_text("utf-8"))
    raw["follow_ups"][0]["side_effects"] = {"vivid_dreams": "mild"}
    del raw["follow_ups"][1]["side_effects"]
    visit = parse_visit(json.dumps(raw).encode())
    first, second = visit.follow_ups[0].side_effects, visit.follow_ups[1].side_effects
    assert first.vivid_dreams == "mild"
    assert (first.sleep_trouble, first.nausea, first.headache, first.other) == ("none",) * 4
    assert all(grade == "none" for grade in second.graded().values())
    # The same follow-up in format 2 leaves the grades unasked.
    raw["format"] = VISIT_FORMAT
    raw["history"].pop("non_stimulant", None)
    now = parse_visit(json.dumps(raw).encode())
    assert now.follow_ups[1].side_effects.graded() == dict.fromkeys(SIDE_EFFECTS)
