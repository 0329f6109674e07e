"""Property tests over generated visits (issue 2, section 7): at least 2,000 visits across this file.

Each generated visit is checked against an independent model of the rules written from the
specification, so the properties are exact, not just "does not crash".
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.content import load_rules
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import (
    LDN_SCREEN_FIELDS,
    PRIORITIES,
    SCALE_RANGES,
    STIMULANT_SCREEN_FIELDS,
    Visit,
)
from ldn_aid.rules import build_protocol, evaluate

CAP = Decimal("4.5")
TRIALS = ("not_tried", "helped", "partial", "no_benefit", "side_effects")
PREGNANCY = ("not_applicable", "no", "pregnant", "trying", "breastfeeding")
STOP_SCREEN = {
    "current_opioid_use": "opioid_current",
    "opioid_agonist_treatment": "opioid_agonist_treatment",
    "opioid_use_last_10_days": "opioid_recent",
    "acute_hepatitis_or_liver_failure": "acute_liver",
    "naltrexone_allergy": "naltrexone_allergy",
}
CAUTION_SCREEN = {
    "past_opioid_use_disorder": "past_opioid_use_disorder",
    "planned_surgery": "planned_surgery",
    "chronic_liver_disease": "chronic_liver",
    "severe_kidney_disease": "severe_kidney",
    "thioridazine": "thioridazine",
    "disulfiram": "disulfiram",
}
STIMULANT_RULE_OUTS = (
    "maoi_last_14_days",
    "heart_disease_or_family_sudden_death",
    "glaucoma",
    "overactive_thyroid",
    "psychosis_or_bipolar",
)

# ---- strategies ----------------------------------------------------------------------------------

yes_no_none = st.sampled_from(["yes", "no", None])
mostly_no = st.sampled_from(["no", "no", "no", "no", "no", "yes", None])
tenths_weight = st.integers(20, 3500).map(lambda n: n / 10)
any_weight = st.one_of(
    tenths_weight,
    st.sampled_from([2.0, 29.9, 44.9, 44.99, 45.0, 45.01, 350.0]),
    st.floats(2, 350, allow_nan=False, allow_infinity=False),
)
ages = st.one_of(st.integers(0, 120), st.sampled_from([0, 5, 6, 9, 10, 17, 18, 120]))
dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
targets = st.integers(1, 45).map(lambda n: Decimal(n) / 10)


@st.composite
def baselines(draw: st.DrawFn) -> dict[str, Any]:
    scale = draw(st.sampled_from(sorted(SCALE_RANGES)))
    low, high = SCALE_RANGES[scale]
    return {"scale": scale, "score": draw(st.integers(low, high)), "date": draw(dates).isoformat()}


plans = st.one_of(
    st.none(),
    st.fixed_dictionaries(
        {},
        optional={
            "start_date": st.one_of(st.none(), dates.map(dt.date.isoformat)),
            "schedule": st.sampled_from(["standard", "gentle"]),
            "timing": st.sampled_from(["auto", "bedtime", "morning"]),
            "step_weeks": st.integers(1, 4),
            "target_mg": st.one_of(st.none(), targets),
        },
    ),
)


@st.composite
def visit_dicts(draw: st.DrawFn, *, clean: bool | None = None) -> dict[str, Any]:
    """Every field from its allowed values, None meaning unanswered.

    `clean=True` gives visits that can reach a protocol (answered, no stop); `clean=None` mixes
    uniformly random answers with mostly-"no" ones so every outcome is common.
    """
    if clean is None:
        clean_mode = draw(st.sampled_from(["random", "mostly_no", "clean"]))
    else:
        clean_mode = "clean" if clean else "random"
    answer = {"random": yes_no_none, "mostly_no": mostly_no}.get(clean_mode, st.sampled_from(["yes", "no"]))
    if clean_mode == "clean":
        age = draw(st.integers(6, 120))
        weight = draw(any_weight)
        adhd = "yes"
        screen = {name: "no" for name in STOP_SCREEN}
        screen |= {name: draw(st.sampled_from(["yes", "no"])) for name in CAUTION_SCREEN}
        screen["sleep_problems"] = draw(st.sampled_from(["yes", "no"]))
        screen["pregnancy"] = draw(st.sampled_from(["not_applicable", "no", "trying", "breastfeeding"]))
    else:
        age = draw(st.one_of(st.none(), ages))
        weight = draw(st.one_of(st.none(), any_weight))
        adhd = draw(st.sampled_from(["yes", "yes", "yes", "no", "unsure", None]))
        screen = {name: draw(answer) for name in LDN_SCREEN_FIELDS if name != "pregnancy"}
        screen["pregnancy"] = draw(st.sampled_from([*PREGNANCY, None]))
    diagnosis: dict[str, Any] = {
        "adhd_confirmed": adhd,
        "presentation": draw(
            st.sampled_from(["combined", "inattentive", "hyperactive_impulsive", "unspecified"])
        ),
    }
    if draw(st.booleans()):
        diagnosis["baseline"] = draw(baselines())
    data: dict[str, Any] = {
        "format": "ldn-aid.visit/1",
        "visit_date": draw(dates).isoformat(),
        "patient": {
            "display_name": draw(st.one_of(st.none(), st.text(max_size=20))),
            "age_years": age,
            "weight_kg": weight,
            "sex_at_birth": draw(st.sampled_from(["female", "male", "intersex", "not_stated"])),
            "handout_language": draw(st.sampled_from(["en", "es"])),
        },
        "diagnosis": diagnosis,
        "history": {
            "methylphenidate": draw(st.sampled_from(TRIALS)),
            "amphetamine": draw(st.sampled_from(TRIALS)),
            "non_stimulant": draw(st.sampled_from(TRIALS)),
            "behavioural_support": draw(st.sampled_from(["not_tried", "tried", "ongoing"])),
        },
        "ldn_screen": screen,
        "stimulant_screen": {
            name: draw(st.sampled_from(["yes", "no", "no", None])) for name in STIMULANT_SCREEN_FIELDS
        },
        "preferences": {
            "priorities": draw(st.lists(st.sampled_from(PRIORITIES), max_size=3, unique=True)),
            "declines_stimulants": draw(yes_no_none),
            "declines_non_stimulants": draw(yes_no_none),
        },
        "plan": draw(plans),
    }
    return data


visits = visit_dicts().map(Visit.model_validate)
clean_visits = visit_dicts(clean=True).map(Visit.model_validate)

# ---- an independent model of the specification ---------------------------------------------------


def expected_rules(visit: Visit) -> set[str]:
    patient, screen = visit.patient, visit.ldn_screen
    fired = {"ldn_untested_in_adhd"}
    if visit.diagnosis.adhd_confirmed in ("no", "unsure"):
        fired.add("diagnosis_not_confirmed")
    if patient.age_years is not None:
        if patient.age_years < 6:
            fired.add("age_under_min")
        elif patient.age_years <= 17:
            fired.add("age_under_adult")
    if patient.weight_kg is not None and patient.weight_kg < 45:
        fired.add("low_weight")
    for name, rule in (STOP_SCREEN | CAUTION_SCREEN).items():
        if getattr(screen, name) == "yes":
            fired.add(rule)
    fired |= {
        rule
        for value, rule in (
            ("pregnant", "pregnancy"),
            ("trying", "trying_to_conceive"),
            ("breastfeeding", "breastfeeding"),
        )
        if screen.pregnancy == value
    }
    if screen.sleep_problems == "yes":
        fired.add("sleep_problems")
    fired |= {
        f"stimulant_discuss.{name}"
        for name in STIMULANT_SCREEN_FIELDS
        if getattr(visit.stimulant_screen, name) == "yes"
    }
    history = visit.history
    if "helped" in (history.methylphenidate, history.amphetamine, history.non_stimulant):
        fired.add("guideline_medicine_helped")
    return fired


def expected_missing(visit: Visit) -> set[str]:
    missing = {
        path
        for path, value in (
            ("patient.age_years", visit.patient.age_years),
            ("patient.weight_kg", visit.patient.weight_kg),
            ("diagnosis.adhd_confirmed", visit.diagnosis.adhd_confirmed),
        )
        if value is None
    }
    return missing | {
        f"ldn_screen.{name}" for name in LDN_SCREEN_FIELDS if getattr(visit.ldn_screen, name) is None
    }


def guideline_option_open(visit: Visit) -> bool:
    history, prefs, screen = visit.history, visit.preferences, visit.stimulant_screen
    stimulants_out = prefs.declines_stimulants == "yes" or any(
        getattr(screen, name) == "yes" for name in STIMULANT_RULE_OUTS
    )
    open_classes = [
        history.methylphenidate == "not_tried" and not stimulants_out,
        history.amphetamine == "not_tried" and not stimulants_out,
        history.non_stimulant == "not_tried" and prefs.declines_non_stimulants != "yes",
    ]
    return any(open_classes)


def expected_outcome(visit: Visit, fired: set[str]) -> Outcome:
    book = load_rules()
    if any(book.rules[rule].severity == "stop" for rule in fired):
        return Outcome.STOP
    if expected_missing(visit):
        return Outcome.INCOMPLETE
    if guideline_option_open(visit):
        return Outcome.GUIDELINE_FIRST
    return Outcome.LDN_OPTION


def _round(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def expected_target(visit: Visit) -> tuple[Decimal, str]:
    age, weight = visit.patient.age_years, visit.patient.weight_kg
    assert age is not None
    assert weight is not None
    if age >= 18 and weight >= 45:
        target, basis = CAP, "adult_fixed"
    else:
        by_weight = (Decimal(repr(weight)) * Decimal("0.1")).quantize(Decimal("0.1"), rounding=ROUND_FLOOR)
        target, basis = min(by_weight, CAP), "weight_based"
    chosen = visit.effective_plan.target_mg
    if chosen is not None and chosen < target:
        target, basis = chosen, "clinician_lower"
    return target, basis


def expected_doses(visit: Visit) -> tuple[str, list[Decimal]]:
    target, _ = expected_target(visit)
    age, weight = visit.patient.age_years, visit.patient.weight_kg
    assert age is not None
    assert weight is not None
    capsule = age >= 10 and weight >= 45 and target % Decimal("0.5") == 0
    step = Decimal("0.5") if capsule else Decimal("0.1")
    if visit.effective_plan.schedule == "standard":
        raw = [target * k / 3 for k in (1, 2)]
    else:
        raw = []
        dose = Decimal("0.5")
        while dose < target:
            raw.append(dose)
            dose += 1
    steps: list[Decimal] = []
    for value in [*(max(_round(v, step), step) for v in raw), target]:
        if not steps or value > steps[-1]:
            steps.append(value)
    return ("capsule" if capsule else "liquid_1mg_per_ml"), steps


# ---- properties ----------------------------------------------------------------------------------


def check_assessment(visit: Visit, assessment: Assessment) -> None:
    book = load_rules()
    fired = expected_rules(visit)
    assert {f.rule_id for f in assessment.findings} == fired
    assert len(assessment.findings) == len(fired), "a rule was reported twice"
    for finding in assessment.findings:
        assert finding.severity == book.rules[finding.rule_id].severity
        assert finding.references
        assert all(ref in book.references for ref in finding.references)
    assert set(assessment.missing) == expected_missing(visit)
    assert len(assessment.missing) == len(set(assessment.missing))
    assert assessment.outcome is expected_outcome(visit, fired)


def check_protocol(visit: Visit, assessment: Assessment, protocol: Protocol | None) -> None:
    has_stop = any(f.severity == "stop" for f in assessment.findings)
    unanswered_screen = any(getattr(visit.ldn_screen, name) is None for name in LDN_SCREEN_FIELDS)
    if has_stop:
        assert assessment.outcome is Outcome.STOP
        assert protocol is None
        return
    if unanswered_screen:
        assert assessment.outcome is Outcome.INCOMPLETE
    if assessment.outcome is Outcome.INCOMPLETE:
        assert protocol is None
        return
    assert protocol is not None
    assert protocol.guideline_options_first is (assessment.outcome is Outcome.GUIDELINE_FIRST)

    plan = visit.effective_plan
    doses = [step.dose_mg for step in protocol.steps]
    assert protocol.steps
    assert all(Decimal(0) < dose <= CAP for dose in doses)
    assert protocol.target_mg <= CAP
    assert doses[-1] == protocol.target_mg
    assert all(a < b for a, b in itertools.pairwise(doses)), doses
    if plan.target_mg is not None:
        assert protocol.target_mg <= plan.target_mg

    target, basis = expected_target(visit)
    formulation, expected = expected_doses(visit)
    assert (protocol.target_mg, protocol.target_basis) == (target, basis)
    assert protocol.formulation == formulation
    assert doses == expected
    if formulation == "capsule":
        assert all(dose % Decimal("0.5") == 0 for dose in doses)
        assert all(step.volume_ml is None for step in protocol.steps)
    else:
        assert all(dose % Decimal("0.1") == 0 for dose in doses)
        assert [step.volume_ml for step in protocol.steps] == doses

    starts = [step.start for step in protocol.steps]
    assert starts[0] == visit.start_date
    assert all(a < b for a, b in itertools.pairwise(starts))
    weeks = plan.step_weeks
    assert starts == [visit.start_date + dt.timedelta(weeks=k * weeks) for k in range(len(starts))]
    assert starts[0] < protocol.tolerability_review < starts[0] + dt.timedelta(weeks=weeks)
    assert protocol.tolerability_review == starts[0] + dt.timedelta(weeks=weeks, days=-1)
    assert protocol.response_review == starts[-1] + dt.timedelta(weeks=8)
    assert protocol.response_review > starts[-1]

    if plan.timing == "morning" or (plan.timing == "auto" and visit.ldn_screen.sleep_problems == "yes"):
        assert protocol.timing == "morning"
    else:
        assert protocol.timing == "bedtime"


@settings(max_examples=2000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits)
def test_assessment_and_protocol_follow_the_specification(visit: Visit) -> None:
    assessment = evaluate(visit)
    check_assessment(visit, assessment)
    check_protocol(visit, assessment, build_protocol(visit, assessment))


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clean_visits)
def test_clean_visits_always_get_a_safe_protocol(visit: Visit) -> None:
    assessment = evaluate(visit)
    assert assessment.outcome in (Outcome.LDN_OPTION, Outcome.GUIDELINE_FIRST)
    assert assessment.missing == ()
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    check_protocol(visit, assessment, protocol)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits)
def test_evaluation_is_deterministic(visit: Visit) -> None:
    first = evaluate(visit)
    again = evaluate(visit)
    copy = Visit.model_validate_json(visit.model_dump_json())
    assert copy == visit
    from_copy = evaluate(copy)
    assert first == again == from_copy
    assert build_protocol(visit, first) == build_protocol(visit, again) == build_protocol(copy, from_copy)
