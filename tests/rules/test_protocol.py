"""Table-driven tests of `build_protocol`: target, formulation, steps, dates, timing (issue 2, section 5),
and the patient's own ceiling, a refused clinician target and the paediatric trial limit (issue 9)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import pytest
from pydantic import ValidationError

from ldn_aid.content import load_rules
from ldn_aid.domain.assessment import Outcome
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, evaluate, handout_gate
from ldn_aid.rules.protocol_builder import patient_ceiling

MakeVisit = Callable[..., Visit]

D = Decimal
CAP = D("4.5")


def protocol_for(visit: Visit) -> Protocol:
    protocol = build_protocol(visit, evaluate(visit))
    assert protocol is not None
    return protocol


def doses(protocol: Protocol) -> list[Decimal]:
    return [step.dose_mg for step in protocol.steps]


def volumes(protocol: Protocol) -> list[Decimal | None]:
    return [step.volume_ml for step in protocol.steps]


def decimals(*values: str) -> list[Decimal]:
    return [D(value) for value in values]


# ---- no protocol ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {"diagnosis.adhd_confirmed": "no"},
        {"patient.age_years": 5},
        {"patient.age_years": 5, "plan.specialist_signoff": True},
        {"patient.age_years": 7, "patient.weight_kg": 24},
        {"ldn_screen.current_opioid_use": "yes"},
        {"ldn_screen.opioid_agonist_treatment": "yes"},
        {"ldn_screen.opioid_agonist_last_14_days": "yes"},
        {"ldn_screen.opioid_use_last_10_days": "yes"},
        {"ldn_screen.opioid_withdrawal_now": "yes"},
        {"ldn_screen.urine_opioid_screen": "positive"},
        {"ldn_screen.acute_hepatitis_or_liver_failure": "yes"},
        {"ldn_screen.naltrexone_allergy": "yes"},
        {"ldn_screen.suicidal_thoughts": "yes"},
        {"ldn_screen.pregnancy": "pregnant"},
        {"patient.sex_at_birth": "female", "ldn_screen.pregnancy": "breastfeeding"},
        {"ldn_screen.pregnancy": "pregnant", "history.methylphenidate": "not_tried"},
        {"ldn_screen.naltrexone_allergy": "yes", "ldn_screen.planned_surgery": None},
    ],
)
def test_no_protocol_after_a_stop(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.STOP
    assert build_protocol(visit, assessment) is None


@pytest.mark.parametrize(
    "overrides",
    [
        {"ldn_screen.planned_surgery": None},
        {"patient.sex_at_birth": "female", "ldn_screen.pregnancy": None},
        {"patient.sex_at_birth": "female", "ldn_screen.pregnancy": "not_applicable"},
        {"patient.age_years": None},
        {"patient.weight_kg": None},
        {"patient.weight_kg": None, "patient.age_years": 12},
        {"diagnosis.adhd_confirmed": None},
        {"diagnosis.adhd_confirmed": None, "history.atomoxetine": "not_tried"},
        # A-16, C-2: no baseline, or one on a scale that cannot judge a response.
        {"diagnosis.baseline": None},
        {"diagnosis.baseline": {"scale": "cgi_s", "score": 4, "date": "2026-01-05"}},
        # a weight implausible for the age, not confirmed.
        {"patient.age_years": 9, "patient.weight_kg": 50},
        # the required urine opioid screen not done.
        {"ldn_screen.past_opioid_use_disorder": "yes", "ldn_screen.urine_opioid_screen": "not_done"},
        # B-1: a failed trial not yet known to be adequate.
        {"history.amphetamine_adequate_trial": None},
    ],
)
def test_no_protocol_while_incomplete(make_visit: MakeVisit, overrides: dict[str, Any]) -> None:
    visit = make_visit(**overrides)
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.INCOMPLETE
    assert build_protocol(visit, assessment) is None


def test_guideline_first_still_gets_a_marked_protocol(make_visit: MakeVisit) -> None:
    visit = make_visit(**{"history.methylphenidate": "not_tried", "history.viloxazine": "partial"})
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.GUIDELINE_FIRST
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    assert protocol.guideline_options_first is True
    assert doses(protocol) == decimals("1.5", "3.0", "4.5")


def test_ldn_option_protocol_is_not_marked_guideline_first(make_visit: MakeVisit) -> None:
    protocol = protocol_for(make_visit())
    assert protocol.guideline_options_first is False


# ---- the standard adult protocol, field by field ---------------------------------------------------


def test_standard_adult_protocol(make_visit: MakeVisit) -> None:
    protocol = protocol_for(make_visit())
    assert protocol.formulation == "capsule"
    assert protocol.timing == "bedtime"
    assert protocol.timing_reason == "default_bedtime"
    assert protocol.target_mg == D("4.5")
    assert protocol.target_basis == "adult_fixed"
    assert protocol.schedule == "standard"
    assert protocol.step_weeks == 2
    assert [step.start for step in protocol.steps] == [
        dt.date(2026, 1, 5),
        dt.date(2026, 1, 19),
        dt.date(2026, 2, 2),
    ]
    assert doses(protocol) == decimals("1.5", "3.0", "4.5")
    assert volumes(protocol) == [None, None, None]
    assert protocol.start_date == dt.date(2026, 1, 5)
    assert protocol.tolerability_review == dt.date(2026, 1, 18)
    assert protocol.response_review == dt.date(2026, 3, 30)
    assert protocol.response_rule.min_fall_percent == 30
    assert protocol.response_rule.max_cgi_i == 2
    assert protocol.ceiling_mg == D("4.5")
    assert protocol.refused_target_mg is None
    assert protocol.trial_ends is None


def test_protocol_and_response_rule_cite_resolving_references(make_visit: MakeVisit) -> None:
    book = load_rules()
    protocol = protocol_for(make_visit())
    assert protocol.references
    assert all(ref in book.references for ref in protocol.references)
    assert protocol.response_rule.references
    assert all(ref in book.references for ref in protocol.response_rule.references)


def test_response_rule_numbers_match_the_rule_book(make_visit: MakeVisit) -> None:
    book = load_rules()
    rule = protocol_for(make_visit()).response_rule
    assert rule.min_fall_percent == int(book.number("response_min_fall_percent"))
    assert rule.max_cgi_i == int(book.number("response_max_cgi_i"))


# ---- target, formulation and steps ----------------------------------------------------------------
# (age, weight, plan, formulation, target, basis, doses); liquid volumes equal the doses (1 mg/mL).

PROTOCOL_ROWS: list[tuple[str, int, float, dict[str, Any], str, str, str, list[str]]] = [
    ("adult standard", 30, 70, {}, "capsule", "4.5", "adult_fixed", ["1.5", "3.0", "4.5"]),
    (
        "adult gentle",
        30,
        70,
        {"schedule": "gentle"},
        "capsule",
        "4.5",
        "adult_fixed",
        ["0.5", "1.5", "2.5", "3.5", "4.5"],
    ),
    ("adult exactly 45 kg", 18, 45, {}, "capsule", "4.5", "adult_fixed", ["1.5", "3.0", "4.5"]),
    ("adult 120 years", 120, 350, {}, "capsule", "4.5", "adult_fixed", ["1.5", "3.0", "4.5"]),
    # Under 45 kg: 0.1 mg/kg rounded down, liquid.
    ("adult 44.9 kg", 30, 44.9, {}, "liquid_1mg_per_ml", "4.4", "weight_based", ["1.5", "2.9", "4.4"]),
    (
        "adult 44.9 kg gentle",
        30,
        44.9,
        {"schedule": "gentle"},
        "liquid_1mg_per_ml",
        "4.4",
        "weight_based",
        ["0.5", "1.5", "2.5", "3.5", "4.4"],
    ),
    # Under 18: weight-based, capped at 4.5.
    ("age 15, 60 kg", 15, 60, {}, "capsule", "4.5", "weight_based", ["1.5", "3.0", "4.5"]),
    ("age 17, 45 kg", 17, 45, {}, "capsule", "4.5", "weight_based", ["1.5", "3.0", "4.5"]),
    ("age 10, 45 kg", 10, 45, {}, "capsule", "4.5", "weight_based", ["1.5", "3.0", "4.5"]),
    ("age 9, 50 kg", 9, 50, {}, "liquid_1mg_per_ml", "4.5", "weight_based", ["1.5", "3.0", "4.5"]),
    ("age 10, 44.9 kg", 10, 44.9, {}, "liquid_1mg_per_ml", "4.4", "weight_based", ["1.5", "2.9", "4.4"]),
    ("age 12, 23 kg", 12, 23, {}, "liquid_1mg_per_ml", "2.3", "weight_based", ["0.8", "1.5", "2.3"]),
    (
        "age 12, 23 kg gentle",
        12,
        23,
        {"schedule": "gentle"},
        "liquid_1mg_per_ml",
        "2.3",
        "weight_based",
        ["0.5", "1.5", "2.3"],
    ),
    ("age 12, 29.9 kg", 12, 29.9, {}, "liquid_1mg_per_ml", "2.9", "weight_based", ["1.0", "1.9", "2.9"]),
    ("age 8, 30 kg", 8, 30, {}, "liquid_1mg_per_ml", "3.0", "weight_based", ["1.0", "2.0", "3.0"]),
    ("age 8, 25.55 kg", 8, 25.55, {}, "liquid_1mg_per_ml", "2.5", "weight_based", ["0.8", "1.7", "2.5"]),
    ("age 6, 20 kg", 6, 20, {}, "liquid_1mg_per_ml", "2.0", "weight_based", ["0.7", "1.3", "2.0"]),
    # Tiny targets: no zero step, duplicates dropped, the last step is the target.
    ("age 6, 3 kg", 6, 3, {}, "liquid_1mg_per_ml", "0.3", "weight_based", ["0.1", "0.2", "0.3"]),
    ("age 6, 2 kg", 6, 2, {}, "liquid_1mg_per_ml", "0.2", "weight_based", ["0.1", "0.2"]),
    ("age 6, 2.9 kg", 6, 2.9, {}, "liquid_1mg_per_ml", "0.2", "weight_based", ["0.1", "0.2"]),
    ("age 6, 3 kg gentle", 6, 3, {"schedule": "gentle"}, "liquid_1mg_per_ml", "0.3", "weight_based", ["0.3"]),
    ("age 6, 5 kg gentle", 6, 5, {"schedule": "gentle"}, "liquid_1mg_per_ml", "0.5", "weight_based", ["0.5"]),
    (
        "age 6, 12 kg gentle",
        6,
        12,
        {"schedule": "gentle"},
        "liquid_1mg_per_ml",
        "1.2",
        "weight_based",
        ["0.5", "1.2"],
    ),
    # A clinician's lower target.
    (
        "adult target 3.0",
        30,
        70,
        {"target_mg": 3.0},
        "capsule",
        "3.0",
        "clinician_lower",
        ["1.0", "2.0", "3.0"],
    ),
    (
        "adult target 3.0 gentle",
        30,
        70,
        {"target_mg": 3.0, "schedule": "gentle"},
        "capsule",
        "3.0",
        "clinician_lower",
        ["0.5", "1.5", "2.5", "3.0"],
    ),
    (
        "adult target 3.7",
        30,
        70,
        {"target_mg": 3.7},
        "liquid_1mg_per_ml",
        "3.7",
        "clinician_lower",
        ["1.2", "2.5", "3.7"],
    ),
    (
        "adult target 2.0 capsule",
        30,
        70,
        {"target_mg": 2.0},
        "capsule",
        "2.0",
        "clinician_lower",
        ["0.5", "1.5", "2.0"],
    ),
    (
        "adult target 1.5 capsule",
        30,
        70,
        {"target_mg": 1.5},
        "capsule",
        "1.5",
        "clinician_lower",
        ["0.5", "1.0", "1.5"],
    ),
    (
        "adult target 1.0 capsule",
        30,
        70,
        {"target_mg": 1.0},
        "capsule",
        "1.0",
        "clinician_lower",
        ["0.5", "1.0"],
    ),
    ("adult target 0.5 capsule", 30, 70, {"target_mg": 0.5}, "capsule", "0.5", "clinician_lower", ["0.5"]),
    (
        "adult target 0.1",
        30,
        70,
        {"target_mg": 0.1},
        "liquid_1mg_per_ml",
        "0.1",
        "clinician_lower",
        ["0.1"],
    ),
    (
        "adult target 2.5 gentle",
        30,
        70,
        {"target_mg": 2.5, "schedule": "gentle"},
        "capsule",
        "2.5",
        "clinician_lower",
        ["0.5", "1.5", "2.5"],
    ),
    (
        "adult target 2.6 gentle",
        30,
        70,
        {"target_mg": 2.6, "schedule": "gentle"},
        "liquid_1mg_per_ml",
        "2.6",
        "clinician_lower",
        ["0.5", "1.5", "2.5", "2.6"],
    ),
    (
        "age 12, 50 kg, target 3.0",
        12,
        50,
        {"target_mg": 3.0},
        "capsule",
        "3.0",
        "clinician_lower",
        ["1.0", "2.0", "3.0"],
    ),
    (
        "age 9, 50 kg, target 3.0",
        9,
        50,
        {"target_mg": 3.0},
        "liquid_1mg_per_ml",
        "3.0",
        "clinician_lower",
        ["1.0", "2.0", "3.0"],
    ),
    (
        "age 12, 23 kg, target 2.0",
        12,
        23,
        {"target_mg": 2.0},
        "liquid_1mg_per_ml",
        "2.0",
        "clinician_lower",
        ["0.7", "1.3", "2.0"],
    ),
    # ... which may lower the target, never raise it: a higher one is refused (see REFUSED_ROWS) and
    # the protocol is built at the ceiling so the gate can name it.
    (
        "age 12, 23 kg, target 4.0",
        12,
        23,
        {"target_mg": 4.0},
        "liquid_1mg_per_ml",
        "2.3",
        "weight_based",
        ["0.8", "1.5", "2.3"],
    ),
    (
        "adult 44.9 kg, target 4.5",
        30,
        44.9,
        {"target_mg": 4.5},
        "liquid_1mg_per_ml",
        "4.4",
        "weight_based",
        ["1.5", "2.9", "4.4"],
    ),
]


# The patient's own ceiling where a clinician lowered the target below it (else it is the target).
CLINICIAN_ROW_CEILINGS = {
    name: ceiling
    for name, ceiling in (
        *((row[0], "4.5") for row in PROTOCOL_ROWS if row[0].startswith("adult target")),
        ("age 12, 50 kg, target 3.0", "4.5"),
        ("age 9, 50 kg, target 3.0", "4.5"),
        ("age 12, 23 kg, target 2.0", "2.3"),
    )
}
# A clinician target above the patient's ceiling: refused, kept for the gate's message.
REFUSED_ROWS = {"age 12, 23 kg, target 4.0": "4.0", "adult 44.9 kg, target 4.5": "4.5"}


@pytest.mark.parametrize(
    ("name", "age", "weight", "plan", "formulation", "target", "basis", "expected"),
    PROTOCOL_ROWS,
    ids=[row[0] for row in PROTOCOL_ROWS],
)
def test_target_formulation_and_steps(
    make_visit: MakeVisit,
    name: str,
    age: int,
    weight: float,
    plan: dict[str, Any],
    formulation: str,
    target: str,
    basis: str,
    expected: list[str],
) -> None:
    # The arithmetic only: the weight is confirmed and a specialist signed off (ages 6-7, and trials
    # past the paediatric limit); those rules have their own tests.
    overrides: dict[str, Any] = {
        "patient.age_years": age,
        "patient.weight_kg": weight,
        "patient.weight_confirmed": True,
        "plan.specialist_signoff": True,
        "plan.specialist_signoff_longer_trial": True,
    }
    overrides |= {f"plan.{key}": value for key, value in plan.items()}
    protocol = protocol_for(make_visit(**overrides))
    assert protocol.formulation == formulation
    assert protocol.target_mg == D(target)
    assert protocol.target_basis == basis
    assert protocol.schedule == plan.get("schedule", "standard")
    assert doses(protocol) == decimals(*expected)
    assert protocol.steps[-1].dose_mg == protocol.target_mg
    assert protocol.ceiling_mg == D(CLINICIAN_ROW_CEILINGS.get(name, target))
    refused = REFUSED_ROWS.get(name)
    assert protocol.refused_target_mg == (None if refused is None else D(refused))
    assert protocol.target_mg <= protocol.ceiling_mg <= CAP
    if formulation == "capsule":
        assert volumes(protocol) == [None] * len(expected)
    else:
        assert volumes(protocol) == decimals(*expected)


def test_clinician_target_equal_to_the_default_keeps_the_doses(make_visit: MakeVisit) -> None:
    protocol = protocol_for(make_visit(**{"plan.target_mg": 4.5}))
    assert protocol.target_mg == D("4.5")
    assert protocol.formulation == "capsule"
    assert doses(protocol) == decimals("1.5", "3.0", "4.5")


# ---- the patient's own ceiling and a refused clinician target (issue 9, screening) -----------------
# (name, age, weight, clinician target, ceiling, refused, protocol target, basis, doses)

CEILING_ROWS: list[tuple[str, int, float, str | None, str, str | None, str, str, list[str]]] = [
    ("adult, no target", 30, 70, None, "4.5", None, "4.5", "adult_fixed", ["1.5", "3.0", "4.5"]),
    # Equal to the ceiling: nothing to refuse and nothing lowered.
    ("adult, target at the ceiling", 30, 70, "4.5", "4.5", None, "4.5", "adult_fixed", ["1.5", "3.0", "4.5"]),
    ("adult, lower target", 30, 70, "3.0", "4.5", None, "3.0", "clinician_lower", ["1.0", "2.0", "3.0"]),
    # Under 45 kg the ceiling is 0.1 mg/kg: 4.4 mg; 4.5 is refused, the plan is built at 4.4.
    (
        "adult 44.9 kg, target 4.5",
        30,
        44.9,
        "4.5",
        "4.4",
        "4.5",
        "4.4",
        "weight_based",
        ["1.5", "2.9", "4.4"],
    ),
    ("age 12, 23 kg, target 4.0", 12, 23, "4.0", "2.3", "4.0", "2.3", "weight_based", ["0.8", "1.5", "2.3"]),
    ("age 12, 23 kg, target 2.4", 12, 23, "2.4", "2.3", "2.4", "2.3", "weight_based", ["0.8", "1.5", "2.3"]),
    ("age 12, 23 kg, target 2.3", 12, 23, "2.3", "2.3", None, "2.3", "weight_based", ["0.8", "1.5", "2.3"]),
    (
        "age 12, 23 kg, target 2.2",
        12,
        23,
        "2.2",
        "2.3",
        None,
        "2.2",
        "clinician_lower",
        ["0.7", "1.5", "2.2"],
    ),
    ("age 8, 30 kg, target 3.1", 8, 30, "3.1", "3.0", "3.1", "3.0", "weight_based", ["1.0", "2.0", "3.0"]),
    # 0.1 mg/kg of 50 kg is 5 mg: the cap makes the ceiling 4.5.
    ("age 9, 50 kg, target 4.5", 9, 50, "4.5", "4.5", None, "4.5", "weight_based", ["1.5", "3.0", "4.5"]),
    ("age 6, 2 kg, target 0.3", 6, 2, "0.3", "0.2", "0.3", "0.2", "weight_based", ["0.1", "0.2"]),
]


@pytest.mark.parametrize(
    ("age", "weight", "chosen", "ceiling", "refused", "target", "basis", "expected"),
    [row[1:] for row in CEILING_ROWS],
    ids=[row[0] for row in CEILING_ROWS],
)
def test_ceiling_and_refused_target(
    make_visit: MakeVisit,
    age: int,
    weight: float,
    chosen: str | None,
    ceiling: str,
    refused: str | None,
    target: str,
    basis: str,
    expected: list[str],
) -> None:
    visit = make_visit(
        **{
            "patient.age_years": age,
            "patient.weight_kg": weight,
            "patient.weight_confirmed": True,
            "plan.specialist_signoff": True,
            "plan.target_mg": None if chosen is None else D(chosen),
        }
    )
    protocol = protocol_for(visit)
    assert protocol.ceiling_mg == D(ceiling)
    assert protocol.refused_target_mg == (None if refused is None else D(refused))
    assert protocol.target_mg == D(target)
    assert protocol.target_basis == basis
    assert doses(protocol) == decimals(*expected)
    # Never a dose above the ceiling, whatever the clinician asked for.
    assert max(doses(protocol)) <= protocol.ceiling_mg


# ---- round 2: the ceiling is unchanged by the sign-offs and by follow-up doses (item 5) -------------
# A follow-up may now record up to RECORD_MAX_DOSE_MG (150 mg) actually taken (domain). Screening
# never reads the follow-ups: the assessment, the protocol (its ceiling and steps) and the handout
# gate are the same with or without them, and no sign-off moves the ceiling.
# (name, age, weight, ceiling)
CEILING_UNCHANGED_ROWS: list[tuple[str, int, float, str]] = [
    ("adult", 30, 70, "4.5"),
    ("adult 44.9 kg", 30, 44.9, "4.4"),
    ("age 12, 23 kg", 12, 23, "2.3"),
    ("age 7, 24 kg", 7, 24, "2.4"),
    ("age 9, 50 kg", 9, 50, "4.5"),
]
RECORDED_DOSES = ("0.1", "4.5", "4.6", "6", "50", "150")


def follow_up(date: str, dose: str) -> dict[str, Any]:
    return {"date": date, "dose_mg": Decimal(dose), "timing": "bedtime", "missed_doses_last_week": 0}


@pytest.mark.parametrize(
    ("age", "weight", "ceiling"),
    [row[1:] for row in CEILING_UNCHANGED_ROWS],
    ids=[row[0] for row in CEILING_UNCHANGED_ROWS],
)
@pytest.mark.parametrize("longer", [False, True], ids=["no longer-trial sign-off", "longer-trial sign-off"])
def test_ceiling_ignores_sign_offs_and_recorded_follow_up_doses(
    make_visit: MakeVisit, age: int, weight: float, ceiling: str, longer: bool
) -> None:
    overrides: dict[str, Any] = {
        "patient.age_years": age,
        "patient.weight_kg": weight,
        "patient.weight_confirmed": True,
        "plan.specialist_signoff": True,  # lets the 7-year-old start; the older rows need none
        "plan.specialist_signoff_longer_trial": longer,
        "plan.change_reason": "Paediatric specialist agreed.",
    }
    visit = make_visit(**overrides)
    dates = [
        (dt.date(2026, 1, 12) + dt.timedelta(weeks=2 * k)).isoformat() for k in range(len(RECORDED_DOSES))
    ]
    with_follow_ups = make_visit(
        **overrides,
        follow_ups=[follow_up(date, dose) for date, dose in zip(dates, RECORDED_DOSES, strict=True)],
    )
    assert max(item.dose_mg for item in with_follow_ups.follow_ups) == D("150")

    assessment = evaluate(visit)
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    assert protocol.ceiling_mg == patient_ceiling(visit) == D(ceiling)
    assert max(doses(protocol)) <= protocol.ceiling_mg <= CAP
    # The follow-ups (up to 150 mg taken) change nothing in screening.
    assert evaluate(with_follow_ups) == assessment
    assert build_protocol(with_follow_ups, assessment) == protocol
    assert patient_ceiling(with_follow_ups) == protocol.ceiling_mg
    assert handout_gate(with_follow_ups, assessment, protocol) == handout_gate(visit, assessment, protocol)
    # Nor does any sign-off: the same visit without them has the same ceiling and steps.
    plain = make_visit(
        **{
            **overrides,
            "plan.specialist_signoff": age < 8,
            "plan.specialist_signoff_longer_trial": False,
        }
    )
    plain_protocol = build_protocol(plain, evaluate(plain))
    assert plain_protocol is not None
    assert (plain_protocol.ceiling_mg, plain_protocol.steps) == (protocol.ceiling_mg, protocol.steps)


def test_the_plan_target_is_still_bounded_by_the_cap_not_the_record_bound(make_visit: MakeVisit) -> None:
    """150 mg bounds what a follow-up may record as taken; a plan target above 4.5 mg is refused."""
    with pytest.raises(ValidationError):
        make_visit(**{"plan.target_mg": 150})
    with pytest.raises(ValidationError):
        make_visit(follow_ups=[follow_up("2026-01-12", "150.1")])


# ---- the paediatric trial limit (A-8; round 2, H2) -----------------------------------------------
# Under 18 the trial ends by start + paediatric_max_trial_weeks (16) unless a specialist agreed to a
# longer trial (`plan.specialist_signoff_longer_trial`). The age sign-off (`plan.specialist_signoff`,
# which lets a 6- or 7-year-old start) does not lift it.
# (name, age, weight, plan, trial ends, response review); the start is 2026-01-05.
SIGNOFF = {"specialist_signoff": True}
LONGER = {"specialist_signoff_longer_trial": True}

TRIAL_ROWS: list[tuple[str, int, float, dict[str, Any], str | None, str]] = [
    ("adult", 30, 70, {}, None, "2026-03-30"),
    ("adult, longer-trial sign-off", 30, 70, LONGER, None, "2026-03-30"),
    ("age 18", 18, 50, {}, None, "2026-03-30"),
    ("age 17", 17, 60, {}, "2026-04-27", "2026-03-30"),
    ("age 12", 12, 23, {}, "2026-04-27", "2026-03-30"),
    ("age 8", 8, 30, {}, "2026-04-27", "2026-03-30"),
    ("age 12, age sign-off only", 12, 23, SIGNOFF, "2026-04-27", "2026-03-30"),
    ("age 6, age sign-off only", 6, 20, SIGNOFF, "2026-04-27", "2026-03-30"),
    ("age 7, age sign-off only", 7, 24, SIGNOFF, "2026-04-27", "2026-03-30"),
    ("age 17, longer-trial sign-off", 17, 60, LONGER, None, "2026-03-30"),
    ("age 12, longer-trial sign-off", 12, 23, LONGER, None, "2026-03-30"),
    ("age 7, both sign-offs", 7, 24, {**SIGNOFF, **LONGER}, None, "2026-03-30"),
    # 3 steps of 4 weeks: the response review falls on the last day of the trial (allowed).
    (
        "age 12, gentle 4-week steps",
        12,
        23,
        {"schedule": "gentle", "step_weeks": 4},
        "2026-04-27",
        "2026-04-27",
    ),
    # 5 steps of 4 weeks: the review would fall after it (the gate refuses this plan).
    (
        "age 12, 45 kg, gentle 4-week steps",
        12,
        45,
        {"schedule": "gentle", "step_weeks": 4},
        "2026-04-27",
        "2026-06-22",
    ),
    (
        "age 12, 45 kg, gentle 4-week steps, age sign-off only",
        12,
        45,
        {"schedule": "gentle", "step_weeks": 4, **SIGNOFF},
        "2026-04-27",
        "2026-06-22",
    ),
    (
        "age 12, 45 kg, gentle 4-week steps, longer-trial sign-off",
        12,
        45,
        {"schedule": "gentle", "step_weeks": 4, **LONGER},
        None,
        "2026-06-22",
    ),
    ("age 12, start later", 12, 23, {"start_date": "2026-02-02"}, "2026-05-25", "2026-04-27"),
]


@pytest.mark.parametrize(
    ("age", "weight", "plan", "trial_ends", "response_review"),
    [row[1:] for row in TRIAL_ROWS],
    ids=[row[0] for row in TRIAL_ROWS],
)
def test_paediatric_trial_ends(
    make_visit: MakeVisit,
    age: int,
    weight: float,
    plan: dict[str, Any],
    trial_ends: str | None,
    response_review: str,
) -> None:
    overrides: dict[str, Any] = {
        "patient.age_years": age,
        "patient.weight_kg": weight,
        "patient.weight_confirmed": True,
    }
    overrides |= {f"plan.{key}": value for key, value in plan.items()}
    protocol = protocol_for(make_visit(**overrides))
    assert protocol.trial_ends == (None if trial_ends is None else dt.date.fromisoformat(trial_ends))
    assert protocol.response_review == dt.date.fromisoformat(response_review)
    if protocol.trial_ends is not None:
        assert protocol.trial_ends == protocol.start_date + dt.timedelta(weeks=16)


@pytest.mark.parametrize("target", ["5.0", "4.6", 6, 4.51])
def test_a_target_above_the_cap_is_rejected_at_load(make_visit: MakeVisit, target: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        make_visit(**{"plan.target_mg": target})
    locations = [tuple(error["loc"]) for error in caught.value.errors()]
    assert ("plan", "target_mg") in locations
    assert "target_mg" in str(caught.value)


# ---- dates ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("step_weeks", [1, 2, 3, 4])
@pytest.mark.parametrize("schedule", ["standard", "gentle"])
def test_step_dates_and_reviews(make_visit: MakeVisit, step_weeks: int, schedule: str) -> None:
    protocol = protocol_for(make_visit(**{"plan.step_weeks": step_weeks, "plan.schedule": schedule}))
    start = dt.date(2026, 1, 5)
    assert protocol.step_weeks == step_weeks
    assert [step.start for step in protocol.steps] == [
        start + dt.timedelta(weeks=k * step_weeks) for k in range(len(protocol.steps))
    ]
    assert protocol.tolerability_review == start + dt.timedelta(weeks=step_weeks, days=-1)
    assert protocol.response_review == protocol.steps[-1].start + dt.timedelta(weeks=8)


@pytest.mark.parametrize(
    ("schedule", "step_weeks", "starts", "tolerability", "response"),
    [
        ("standard", 2, ["2026-01-05", "2026-01-19", "2026-02-02"], "2026-01-18", "2026-03-30"),
        ("standard", 1, ["2026-01-05", "2026-01-12", "2026-01-19"], "2026-01-11", "2026-03-16"),
        ("standard", 4, ["2026-01-05", "2026-02-02", "2026-03-02"], "2026-02-01", "2026-04-27"),
        (
            "gentle",
            2,
            ["2026-01-05", "2026-01-19", "2026-02-02", "2026-02-16", "2026-03-02"],
            "2026-01-18",
            "2026-04-27",
        ),
        (
            "gentle",
            3,
            ["2026-01-05", "2026-01-26", "2026-02-16", "2026-03-09", "2026-03-30"],
            "2026-01-25",
            "2026-05-25",
        ),
    ],
)
def test_calendar_dates(
    make_visit: MakeVisit, schedule: str, step_weeks: int, starts: list[str], tolerability: str, response: str
) -> None:
    protocol = protocol_for(make_visit(**{"plan.schedule": schedule, "plan.step_weeks": step_weeks}))
    assert [step.start.isoformat() for step in protocol.steps] == starts
    assert protocol.tolerability_review.isoformat() == tolerability
    assert protocol.response_review.isoformat() == response


def test_plan_start_date_moves_every_date(make_visit: MakeVisit) -> None:
    protocol = protocol_for(make_visit(**{"plan.start_date": "2026-02-27"}))
    assert [step.start.isoformat() for step in protocol.steps] == ["2026-02-27", "2026-03-13", "2026-03-27"]
    assert protocol.start_date == dt.date(2026, 2, 27)
    assert protocol.tolerability_review == dt.date(2026, 3, 12)
    assert protocol.response_review == dt.date(2026, 5, 22)


def baseline_on(date: str) -> dict[str, Any]:
    """A baseline taken on the visit date (a baseline must describe the patient now)."""
    return {"diagnosis.baseline": {"scale": "aisrs", "score": 36, "date": date}}


def test_dates_cross_a_leap_day_and_a_year_end(make_visit: MakeVisit) -> None:
    protocol = protocol_for(
        make_visit(
            **{"visit_date": "2027-12-20", "plan.start_date": "2028-02-22", **baseline_on("2027-12-20")}
        )
    )
    assert [step.start.isoformat() for step in protocol.steps] == ["2028-02-22", "2028-03-07", "2028-03-21"]
    assert protocol.tolerability_review == dt.date(2028, 3, 6)
    assert protocol.response_review == dt.date(2028, 5, 16)
    late = protocol_for(make_visit(**{"visit_date": "2026-12-21", **baseline_on("2026-12-21")}))
    assert [step.start.isoformat() for step in late.steps] == ["2026-12-21", "2027-01-04", "2027-01-18"]


def test_single_step_protocol_reviews(make_visit: MakeVisit) -> None:
    protocol = protocol_for(make_visit(**{"plan.target_mg": 0.5}))
    assert len(protocol.steps) == 1
    assert protocol.tolerability_review == dt.date(2026, 1, 18)
    assert protocol.response_review == dt.date(2026, 3, 2)


# ---- timing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("timing", "sleep", "expected", "reason"),
    [
        (None, "no", "bedtime", "default_bedtime"),
        (None, "yes", "morning", "sleep_problems"),
        ("auto", "no", "bedtime", "default_bedtime"),
        ("auto", "yes", "morning", "sleep_problems"),
        ("morning", "no", "morning", "clinician_choice"),
        ("morning", "yes", "morning", "clinician_choice"),
        ("bedtime", "no", "bedtime", "clinician_choice"),
        # The clinician's explicit bedtime wins over sleep problems.
        ("bedtime", "yes", "bedtime", "clinician_choice"),
    ],
)
def test_timing(make_visit: MakeVisit, timing: str | None, sleep: str, expected: str, reason: str) -> None:
    overrides: dict[str, Any] = {"ldn_screen.sleep_problems": sleep}
    if timing is not None:
        overrides["plan.timing"] = timing
    protocol = protocol_for(make_visit(**overrides))
    assert protocol.timing == expected
    assert protocol.timing_reason == reason


def test_plan_defaults_equal_no_plan(make_visit: MakeVisit) -> None:
    without = protocol_for(make_visit())
    with_defaults = protocol_for(make_visit(**{"plan": {}}))
    assert without == with_defaults
