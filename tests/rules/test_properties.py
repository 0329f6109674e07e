"""Property tests over generated visits (issue 2, section 7; issue 9): thousands of format-2 visits.

Each generated visit is checked against an independent model of the rules written from the
specification (SPEC "Rule ids / Screening", "Guideline-first, fairly", the protocol's ceiling and
the paediatric limit, and the handout gate; SPEC2: only the longer-trial sign-off lifts the
paediatric limit, a baseline must describe the patient now, every guideline class declined while
none was tried), so the properties are exact, not just "does not crash". The model reads the cited
numbers and severities from the rule book, so a content change moves both together.
"""

from __future__ import annotations

import datetime as dt
import itertools
from decimal import ROUND_FLOOR, ROUND_HALF_UP, Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.content import RuleBook, load_rules
from ldn_aid.domain.assessment import Assessment, Outcome
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import (
    LDN_SCREEN_FIELDS,
    MEDICINE_CLASSES,
    NON_STIMULANT_CLASSES,
    PRIORITIES,
    SCALE_RANGES,
    STIMULANT_CLASSES,
    STIMULANT_SCREEN_FIELDS,
    Visit,
)
from ldn_aid.rules import build_protocol, evaluate, handout_gate
from ldn_aid.rules.engine import untried_guideline_options

BOOK = load_rules()
CAP = Decimal("4.5")
TENTH = Decimal("0.1")
TRIALS = ("not_tried", "helped", "partial", "no_benefit", "side_effects")
PREGNANCY = ("not_applicable", "no", "pregnant", "trying", "breastfeeding")
URINE = ("negative", "positive", "not_done")
ALLOWED_SCALES = ("adhd_rs_5", "aisrs", "vanderbilt_parent", "vanderbilt_teacher", "snap_iv_18")
CONFIRMED = "stimulant_contraindication_confirmed"
DISCUSS = tuple(name for name in STIMULANT_SCREEN_FIELDS if name != CONFIRMED)
# A recorded pregnancy answer fires its rule whatever the sex at birth: answer -> rule id.
PREGNANCY_RULES = {"pregnant": "pregnancy", "trying": "trying_to_conceive", "breastfeeding": "breastfeeding"}
# Pregnancy answers a visit that can reach a plan may give (those whose rule is not a stop).
CLEAN_PREGNANCY = tuple(
    answer
    for answer in ("not_applicable", "no", *PREGNANCY_RULES)
    if answer not in PREGNANCY_RULES or BOOK.rules[PREGNANCY_RULES[answer]].severity != "stop"
)
# A "yes" fires the rule: ldn_screen field -> rule id.
YES_RULES = {
    "current_opioid_use": "opioid_current",
    "opioid_agonist_treatment": "opioid_agonist_treatment",
    "opioid_agonist_last_14_days": "opioid_agonist_recent",
    "opioid_use_last_10_days": "opioid_recent",
    "opioid_withdrawal_now": "opioid_withdrawal",
    "acute_hepatitis_or_liver_failure": "acute_liver",
    "naltrexone_allergy": "naltrexone_allergy",
    "suicidal_thoughts": "suicidal_thoughts",
    "past_opioid_use_disorder": "past_opioid_use_disorder",
    "planned_surgery": "planned_surgery",
    "chronic_liver_disease": "chronic_liver",
    "severe_kidney_disease": "severe_kidney",
    "thioridazine": "thioridazine",
    "disulfiram": "disulfiram",
    "sleep_problems": "sleep_problems",
    "depression_or_low_mood": "depression",
}
STOP_FIELDS = tuple(field for field, rule in YES_RULES.items() if BOOK.rules[rule].severity == "stop")
OTHER_FIELDS = tuple(field for field in YES_RULES if field not in STOP_FIELDS)
# Asked of everyone (pregnancy is asked unless sex at birth is male; the urine screen and
# child-bearing potential only where they apply).
UNCONDITIONAL = (*YES_RULES, "doubt_about_recent_opioids")
assert set(UNCONDITIONAL) | {"pregnancy", "urine_opioid_screen", "childbearing_potential"} == set(
    LDN_SCREEN_FIELDS
)

# ---- strategies ----------------------------------------------------------------------------------

yes_no_none = st.sampled_from(["yes", "no", None])
mostly_no = st.sampled_from(["no", "no", "no", "no", "no", "yes", None])
tenths_weight = st.integers(20, 3500).map(lambda n: n / 10)
any_weight = st.one_of(
    tenths_weight,
    st.sampled_from([2.0, 13.1, 18.4, 29.9, 34.9, 35.0, 44.9, 44.99, 45.0, 45.01, 49.1, 49.2, 200.0, 350.0]),
    st.floats(2, 350, allow_nan=False, allow_infinity=False),
)
ages = st.one_of(st.integers(0, 120), st.sampled_from([0, 5, 6, 7, 8, 9, 10, 17, 18, 120]))
dates = st.dates(dt.date(2000, 1, 1), dt.date(2099, 12, 31))
targets = st.integers(1, 45).map(lambda n: Decimal(n) / 10)
reasons = st.sampled_from([None, "", "  ", "Slower steps: side effects on other medicines."])


MAX_BASELINE_DAYS = int(BOOK.number("baseline_max_age_days"))


@st.composite
def baselines(draw: st.DrawFn, visit_date: dt.date, *, usable_only: bool = False) -> dict[str, Any] | None:
    """A baseline dated relative to the visit: mostly recent, often at the edges, sometimes far off.

    `usable_only`: on an allowed scale, within baseline_max_age_days before the visit, score above 0.
    """
    if not usable_only and draw(st.integers(0, 3)) == 0:
        return None
    scale = draw(st.sampled_from(ALLOWED_SCALES if usable_only else sorted(SCALE_RANGES)))
    low, high = SCALE_RANGES[scale]
    if usable_only:
        days_before = draw(st.integers(0, MAX_BASELINE_DAYS))
        score: float = draw(st.integers(max(low, 1), high))
    else:
        edges = [-1, 0, MAX_BASELINE_DAYS - 1, MAX_BASELINE_DAYS, MAX_BASELINE_DAYS + 1]
        days_before = draw(
            st.one_of(
                st.integers(0, MAX_BASELINE_DAYS),
                st.sampled_from(edges),
                st.integers(-400, 4000),
            )
        )
        score = draw(st.one_of(st.integers(low, high), st.just(low)))  # low is 0 on most scales
    date = visit_date - dt.timedelta(days=days_before)
    return {"scale": scale, "score": score, "date": date.isoformat()}


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
            "change_reason": reasons,
            "guideline_options_discussed": st.booleans(),
            "specialist_signoff": st.booleans(),
            "specialist_signoff_longer_trial": st.booleans(),
        },
    ),
)


@st.composite
def histories(draw: st.DrawFn, *, answered: bool) -> dict[str, Any]:
    history: dict[str, Any] = {}
    for cls in MEDICINE_CLASSES:
        outcome = draw(st.sampled_from(TRIALS))
        history[cls] = outcome
        adequate = st.sampled_from(["yes", "no"]) if answered and outcome == "no_benefit" else yes_no_none
        history[f"{cls}_adequate_trial"] = draw(adequate)
    history["non_stimulant_unspecified"] = draw(st.sampled_from([None, None, *TRIALS]))
    history["behavioural_support"] = draw(st.sampled_from(["not_tried", "tried", "ongoing"]))
    return history


@st.composite
def visit_dicts(draw: st.DrawFn, *, clean: bool | None = None) -> dict[str, Any]:
    """Every field from its allowed values, None meaning unanswered.

    `clean=True` gives visits that can reach a protocol (answered, no stop); `clean=None` mixes
    uniformly random answers with mostly-"no" ones so every outcome is common.
    """
    if clean is None:
        mode = draw(st.sampled_from(["random", "mostly_no", "clean"]))
    else:
        mode = "clean" if clean else "random"
    sex = draw(st.sampled_from(["female", "male", "intersex", "not_stated"]))
    visit_date = draw(dates)
    plan = draw(plans)
    if mode == "clean":
        signoff = draw(st.booleans())
        age: int | None = draw(st.integers(6 if signoff else 8, 120))
        plan = {**(plan or {}), "specialist_signoff": signoff}
        weight: float | None = draw(any_weight)
        confirmed = True
        adhd: str | None = "yes"
        screen: dict[str, Any] = {name: "no" for name in STOP_FIELDS}
        screen |= {name: draw(st.sampled_from(["yes", "no"])) for name in OTHER_FIELDS}
        screen["doubt_about_recent_opioids"] = draw(st.sampled_from(["yes", "no"]))
        required = "yes" in (screen["past_opioid_use_disorder"], screen["doubt_about_recent_opioids"])
        screen["urine_opioid_screen"] = "negative" if required else draw(st.sampled_from([None, "negative"]))
        if sex == "male":
            screen["pregnancy"] = draw(st.sampled_from([None, *CLEAN_PREGNANCY]))
            screen["childbearing_potential"] = draw(yes_no_none)
        else:
            screen["pregnancy"] = draw(st.sampled_from(CLEAN_PREGNANCY))
            potential = "no" if screen["pregnancy"] == "not_applicable" else draw(yes_no_none)
            screen["childbearing_potential"] = potential
        baseline = draw(baselines(visit_date, usable_only=True))
        history = draw(histories(answered=True))
    else:
        answer = yes_no_none if mode == "random" else mostly_no
        age = draw(st.one_of(st.none(), ages))
        weight = draw(st.one_of(st.none(), any_weight))
        confirmed = draw(st.booleans())
        adhd = draw(st.sampled_from(["yes", "yes", "yes", "no", "unsure", None]))
        screen = {name: draw(answer) for name in UNCONDITIONAL}
        screen["urine_opioid_screen"] = draw(st.sampled_from([None, *URINE]))
        screen["pregnancy"] = draw(st.sampled_from([*PREGNANCY, None]))
        screen["childbearing_potential"] = draw(yes_no_none)
        baseline = draw(baselines(visit_date))
        history = draw(histories(answered=False))
    diagnosis: dict[str, Any] = {
        "adhd_confirmed": adhd,
        "presentation": draw(
            st.sampled_from(["combined", "inattentive", "hyperactive_impulsive", "unspecified"])
        ),
    }
    if baseline is not None:
        diagnosis["baseline"] = baseline
    return {
        "format": "ldn-aid.visit/2",
        "visit_date": visit_date.isoformat(),
        "patient": {
            "display_name": draw(st.one_of(st.none(), st.text(max_size=20))),
            "age_years": age,
            "weight_kg": weight,
            "sex_at_birth": sex,
            "handout_language": draw(st.sampled_from(["en", "es"])),
            "weight_confirmed": confirmed,
        },
        "diagnosis": diagnosis,
        "history": history,
        "ldn_screen": screen,
        "stimulant_screen": {
            name: draw(st.sampled_from(["yes", "no", "no", None])) for name in STIMULANT_SCREEN_FIELDS
        },
        "preferences": {
            "priorities": draw(st.lists(st.sampled_from(PRIORITIES), max_size=3, unique=True)),
            "declines_stimulants": draw(yes_no_none),
            "declines_non_stimulants": draw(yes_no_none),
        },
        "plan": plan,
    }


visits = visit_dicts().map(Visit.model_validate)
clean_visits = visit_dicts(clean=True).map(Visit.model_validate)

# ---- an independent model of the specification ---------------------------------------------------


def n(name: str) -> Decimal:
    return BOOK.number(name)


def plausible_range(visit: Visit, book: RuleBook = BOOK) -> tuple[Decimal, Decimal] | None:
    age = visit.patient.age_years
    assert age is not None
    if age >= n("adult_age_years"):
        return n("adult_weight_check_min_kg"), n("adult_weight_check_max_kg")
    median = book.weight_median_kg(age)
    if median is None:
        return None
    low = (median * n("weight_check_low_ratio")).quantize(TENTH, rounding=ROUND_HALF_UP)
    high = (median * n("weight_check_high_ratio")).quantize(TENTH, rounding=ROUND_HALF_UP)
    return low, high


def weight_unconfirmed_implausible(visit: Visit) -> bool:
    patient = visit.patient
    if patient.age_years is None or patient.weight_kg is None or patient.weight_confirmed:
        return False
    bounds = plausible_range(visit)
    if bounds is None:
        return False
    weight = Decimal(repr(patient.weight_kg))
    return not bounds[0] <= weight <= bounds[1]


def baseline_usable(visit: Visit) -> bool:
    """On an allowed scale, dated 0 to baseline_max_age_days before the visit, score not 0."""
    baseline = visit.diagnosis.baseline
    if baseline is None or baseline.scale not in ALLOWED_SCALES:
        return False
    days_before = (visit.visit_date - baseline.date).days
    return 0 <= days_before <= n("baseline_max_age_days") and baseline.score != 0


def urine_required(visit: Visit) -> bool:
    screen = visit.ldn_screen
    return screen.past_opioid_use_disorder == "yes" or screen.doubt_about_recent_opioids == "yes"


def expected_rules(visit: Visit) -> set[str]:
    patient, screen, history = visit.patient, visit.ldn_screen, visit.history
    signoff = visit.effective_plan.specialist_signoff
    longer_trial = visit.effective_plan.specialist_signoff_longer_trial
    fired = {"ldn_untested_in_adhd"}
    if visit.diagnosis.adhd_confirmed in ("no", "unsure"):
        fired.add("diagnosis_not_confirmed")
    if not baseline_usable(visit):
        fired.add("baseline_needed")
    age = patient.age_years
    if age is not None:
        if age < n("min_age_signoff_years") or (age < n("min_age_years") and not signoff):
            fired.add("age_under_min")
        else:
            if age < n("min_age_years"):
                fired.add("age_under_min_signoff")
            if age < n("adult_age_years"):
                fired.add("age_under_adult")
                if not longer_trial:
                    fired.add("paediatric_trial_limit")
    if patient.weight_kg is not None and patient.weight_kg < n("full_dose_min_weight_kg"):
        fired.add("low_weight")
    if weight_unconfirmed_implausible(visit):
        fired.add("weight_check")
    fired |= {rule for field, rule in YES_RULES.items() if getattr(screen, field) == "yes"}
    if screen.urine_opioid_screen == "positive":
        fired.add("urine_opioid_positive")
    if urine_required(visit):
        fired.add("urine_opioid_screen_required")
    fired |= {rule for value, rule in PREGNANCY_RULES.items() if screen.pregnancy == value}
    if patient.sex_at_birth != "male" and screen.pregnancy == "no" and screen.childbearing_potential != "no":
        fired.add("pregnancy_possible")
    outcomes = [getattr(history, cls) for cls in MEDICINE_CLASSES]
    if "helped" in outcomes or history.non_stimulant_unspecified == "helped":
        fired.add("guideline_medicine_helped")
    if "partial" in outcomes:
        fired.add("guideline_medicine_partial")
    if any(
        getattr(history, cls) == "no_benefit" and getattr(history, f"{cls}_adequate_trial") == "no"
        for cls in MEDICINE_CLASSES
    ):
        fired.add("guideline_trial_not_adequate")
    if history.non_stimulant_unspecified not in (None, "not_tried"):
        fired.add("non_stimulant_unspecified")
    prefs = visit.preferences
    if (
        prefs.declines_stimulants == "yes"
        and prefs.declines_non_stimulants == "yes"
        and all(getattr(history, cls) == "not_tried" for cls in MEDICINE_CLASSES)
        and history.non_stimulant_unspecified in (None, "not_tried")
    ):
        fired.add("guideline_options_declined")
    fired |= {
        f"stimulant_discuss.{name}" for name in DISCUSS if getattr(visit.stimulant_screen, name) == "yes"
    }
    return fired


def expected_missing(visit: Visit) -> set[str]:
    patient, screen = visit.patient, visit.ldn_screen
    missing = {
        path
        for path, value in (
            ("patient.age_years", patient.age_years),
            ("patient.weight_kg", patient.weight_kg),
            ("diagnosis.adhd_confirmed", visit.diagnosis.adhd_confirmed),
        )
        if value is None
    }
    if weight_unconfirmed_implausible(visit):
        missing.add("patient.weight_confirmed")
    if not baseline_usable(visit):
        missing.add("diagnosis.baseline")
    missing |= {
        f"history.{cls}_adequate_trial"
        for cls in MEDICINE_CLASSES
        if getattr(visit.history, cls) == "no_benefit"
        and getattr(visit.history, f"{cls}_adequate_trial") is None
    }
    missing |= {f"ldn_screen.{name}" for name in UNCONDITIONAL if getattr(screen, name) is None}
    could_be_pregnant = patient.sex_at_birth != "male"
    if could_be_pregnant and (
        screen.pregnancy is None
        or (screen.pregnancy == "not_applicable" and screen.childbearing_potential != "no")
    ):
        missing.add("ldn_screen.pregnancy")
    if could_be_pregnant and screen.pregnancy == "not_applicable" and screen.childbearing_potential is None:
        missing.add("ldn_screen.childbearing_potential")
    if urine_required(visit) and screen.urine_opioid_screen in (None, "not_done"):
        missing.add("ldn_screen.urine_opioid_screen")
    return missing


def expected_open_classes(visit: Visit) -> tuple[str, ...]:
    prefs = visit.preferences
    stimulants_out = prefs.declines_stimulants == "yes" or getattr(visit.stimulant_screen, CONFIRMED) == "yes"
    non_stimulants_out = prefs.declines_non_stimulants == "yes"
    open_classes = []
    for cls in MEDICINE_CLASSES:
        if (cls in STIMULANT_CLASSES and stimulants_out) or (
            cls in NON_STIMULANT_CLASSES and non_stimulants_out
        ):
            continue
        if not class_tried(visit, cls):
            open_classes.append(cls)
    return tuple(open_classes)


def class_tried(visit: Visit, cls: str) -> bool:
    """Counted as tried: side effects, or no benefit from an adequate trial (NICE NG87)."""
    outcome: str = getattr(visit.history, cls)
    return outcome == "side_effects" or (
        outcome == "no_benefit" and getattr(visit.history, f"{cls}_adequate_trial") == "yes"
    )


def expected_outcome(visit: Visit, fired: set[str]) -> Outcome:
    if any(BOOK.rules[rule].severity == "stop" for rule in fired):
        return Outcome.STOP
    if expected_missing(visit):
        return Outcome.INCOMPLETE
    if expected_open_classes(visit):
        return Outcome.GUIDELINE_FIRST
    return Outcome.LDN_OPTION


def _round(value: Decimal, step: Decimal) -> Decimal:
    return (value / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step


def expected_ceiling(visit: Visit) -> tuple[Decimal, str]:
    age, weight = visit.patient.age_years, visit.patient.weight_kg
    assert age is not None
    assert weight is not None
    if age >= 18 and weight >= 45:
        return CAP, "adult_fixed"
    by_weight = (Decimal(repr(weight)) * Decimal("0.1")).quantize(TENTH, rounding=ROUND_FLOOR)
    return min(max(by_weight, TENTH), CAP), "weight_based"


def expected_target(visit: Visit) -> tuple[Decimal, str, Decimal | None]:
    """(target, basis, refused clinician target)."""
    ceiling, basis = expected_ceiling(visit)
    chosen = visit.effective_plan.target_mg
    if chosen is not None and chosen < ceiling:
        return chosen, "clinician_lower", None
    if chosen is not None and chosen > ceiling:
        return ceiling, basis, chosen
    return ceiling, basis, None


def expected_doses(visit: Visit) -> tuple[str, list[Decimal]]:
    target, _, _ = expected_target(visit)
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


def plan_was_changed(visit: Visit) -> bool:
    plan = visit.effective_plan
    return (
        plan.schedule != "standard"
        or plan.timing != "auto"
        or plan.step_weeks != 2
        or plan.target_mg is not None
        or plan.specialist_signoff
        or plan.specialist_signoff_longer_trial
    )


def has_reason(visit: Visit) -> bool:
    reason = visit.effective_plan.change_reason
    return reason is not None and reason.strip() != ""


def expected_blockers(visit: Visit, assessment: Assessment, protocol: Protocol | None) -> tuple[str, ...]:
    if protocol is None:
        return ()
    blockers = []
    if assessment.outcome is Outcome.GUIDELINE_FIRST and not visit.effective_plan.guideline_options_discussed:
        blockers.append("guideline_ack_missing")
    if plan_was_changed(visit) and not has_reason(visit):
        blockers.append("change_reason_missing")
    if protocol.refused_target_mg is not None:
        blockers.append("target_above_ceiling")
    if protocol.trial_ends is not None and protocol.response_review > protocol.trial_ends:
        blockers.append("paediatric_trial_too_long")
    return tuple(blockers)


# ---- properties ----------------------------------------------------------------------------------


def check_assessment(visit: Visit, assessment: Assessment) -> None:
    fired = expected_rules(visit)
    assert {f.rule_id for f in assessment.findings} == fired
    assert len(assessment.findings) == len(fired), "a rule was reported twice"
    for finding in assessment.findings:
        assert finding.severity == BOOK.rules[finding.rule_id].severity
        assert finding.references == BOOK.rules[finding.rule_id].references
    assert set(assessment.missing) == expected_missing(visit)
    assert len(assessment.missing) == len(set(assessment.missing))
    assert untried_guideline_options(visit) == expected_open_classes(visit)
    assert assessment.outcome is expected_outcome(visit, fired)


def check_protocol(visit: Visit, assessment: Assessment, protocol: Protocol | None) -> None:
    # Never a protocol when stop or incomplete; never a plan while any required answer is missing.
    if assessment.outcome in (Outcome.STOP, Outcome.INCOMPLETE) or expected_missing(visit):
        assert protocol is None
        return
    assert protocol is not None
    assert protocol.guideline_options_first is (assessment.outcome is Outcome.GUIDELINE_FIRST)

    plan = visit.effective_plan
    doses = [step.dose_mg for step in protocol.steps]
    ceiling, _ = expected_ceiling(visit)
    assert protocol.ceiling_mg == ceiling <= CAP
    # No dose above the patient's ceiling or the cap, whatever the clinician asked for.
    assert all(Decimal(0) < dose <= protocol.ceiling_mg for dose in doses)
    assert protocol.target_mg <= protocol.ceiling_mg
    assert doses[-1] == protocol.target_mg
    assert all(a < b for a, b in itertools.pairwise(doses)), doses

    target, basis, refused = expected_target(visit)
    assert (protocol.target_mg, protocol.target_basis, protocol.refused_target_mg) == (target, basis, refused)
    if plan.target_mg is not None and protocol.refused_target_mg is None:
        assert protocol.target_mg <= plan.target_mg
    formulation, expected = expected_doses(visit)
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
    weeks = plan.step_weeks
    assert starts == [visit.start_date + dt.timedelta(weeks=k * weeks) for k in range(len(starts))]
    assert protocol.tolerability_review == starts[0] + dt.timedelta(weeks=weeks, days=-1)
    assert protocol.response_review == starts[-1] + dt.timedelta(weeks=8)

    age = visit.patient.age_years
    assert age is not None
    # Only the longer-trial sign-off lifts the paediatric limit; the age sign-off never does.
    if age < 18 and not plan.specialist_signoff_longer_trial:
        assert protocol.trial_ends == visit.start_date + dt.timedelta(
            weeks=int(n("paediatric_max_trial_weeks"))
        )
    else:
        assert protocol.trial_ends is None

    if plan.timing == "morning" or (plan.timing == "auto" and visit.ldn_screen.sleep_problems == "yes"):
        assert protocol.timing == "morning"
    else:
        assert protocol.timing == "bedtime"


def check_gate(visit: Visit, assessment: Assessment, protocol: Protocol | None, gate: Gate) -> None:
    assert gate.blockers == expected_blockers(visit, assessment, protocol)
    assert gate.allowed is (not gate.blockers)
    if gate.allowed and protocol is not None:
        # The handout never carries a plan with a refused target, a missing guideline-first
        # acknowledgement, a changed plan without its reason, or a review past the paediatric limit.
        assert protocol.refused_target_mg is None
        assert (
            assessment.outcome is not Outcome.GUIDELINE_FIRST
            or visit.effective_plan.guideline_options_discussed
        )
        assert not plan_was_changed(visit) or has_reason(visit)
        assert protocol.trial_ends is None or protocol.response_review <= protocol.trial_ends


@settings(max_examples=1000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits)
def test_assessment_protocol_and_gate_follow_the_specification(visit: Visit) -> None:
    assessment = evaluate(visit)
    check_assessment(visit, assessment)
    protocol = build_protocol(visit, assessment)
    check_protocol(visit, assessment, protocol)
    check_gate(visit, assessment, protocol, handout_gate(visit, assessment, protocol))


@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clean_visits)
def test_clean_visits_always_get_a_safe_protocol(visit: Visit) -> None:
    assessment = evaluate(visit)
    assert assessment.outcome in (Outcome.LDN_OPTION, Outcome.GUIDELINE_FIRST)
    assert assessment.missing == ()
    protocol = build_protocol(visit, assessment)
    assert protocol is not None
    check_assessment(visit, assessment)
    check_protocol(visit, assessment, protocol)
    check_gate(visit, assessment, protocol, handout_gate(visit, assessment, protocol))


def _required_paths(data: dict[str, Any]) -> list[str]:
    """The answers a clean visit needs, as dotted paths (the conditional ones where they apply)."""
    paths = [
        "patient.age_years",
        "patient.weight_kg",
        "diagnosis.adhd_confirmed",
        "diagnosis.baseline",
        *(f"ldn_screen.{name}" for name in UNCONDITIONAL),
    ]
    if data["patient"]["sex_at_birth"] != "male":
        paths.append("ldn_screen.pregnancy")
    screen = data["ldn_screen"]
    if "yes" in (screen["past_opioid_use_disorder"], screen["doubt_about_recent_opioids"]):
        paths.append("ldn_screen.urine_opioid_screen")
    paths += [
        f"history.{cls}_adequate_trial" for cls in MEDICINE_CLASSES if data["history"][cls] == "no_benefit"
    ]
    return paths


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_dicts(clean=True), st.data())
def test_any_unanswered_required_item_means_no_plan(data: dict[str, Any], draw: st.DataObject) -> None:
    path = draw.draw(st.sampled_from(_required_paths(data)))
    section, name = path.split(".")
    if name == "baseline":
        del data[section][name]
    else:
        data[section][name] = None
    visit = Visit.model_validate(data)
    assessment = evaluate(visit)
    assert assessment.outcome is Outcome.INCOMPLETE
    assert path in assessment.missing
    protocol = build_protocol(visit, assessment)
    assert protocol is None
    assert handout_gate(visit, assessment, protocol).allowed  # the handout says why not, with no plan


# Doses a follow-up may record as taken: tenths of a mg up to RECORD_MAX_DOSE_MG (150), with the edges.
recorded_doses = st.one_of(
    st.integers(1, 1500).map(lambda n: Decimal(n) / 10),
    st.sampled_from([Decimal("4.5"), Decimal("4.6"), Decimal("150")]),
)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit_dicts(), st.lists(recorded_doses, max_size=4))
def test_follow_ups_change_nothing_in_screening(data: dict[str, Any], taken: list[Decimal]) -> None:
    """Screening and the starting protocol (its ceiling included) never read the follow-ups, whatever
    dose they record as taken (up to 150 mg)."""
    visit = Visit.model_validate(data)
    start = dt.date.fromisoformat(data["visit_date"])
    follow_ups = [
        {
            "date": (start + dt.timedelta(weeks=2 * (k + 1))).isoformat(),
            "dose_mg": dose,
            "timing": "bedtime",
            "missed_doses_last_week": 0,
        }
        for k, dose in enumerate(taken)
    ]
    reviewed = Visit.model_validate({**data, "follow_ups": follow_ups})
    assessment = evaluate(visit)
    assert evaluate(reviewed) == assessment
    protocol = build_protocol(visit, assessment)
    assert build_protocol(reviewed, assessment) == protocol
    assert handout_gate(reviewed, assessment, protocol) == handout_gate(visit, assessment, protocol)
    if protocol is not None:
        assert protocol.ceiling_mg == expected_ceiling(visit)[0] <= CAP


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visits)
def test_evaluation_is_deterministic(visit: Visit) -> None:
    first = evaluate(visit)
    again = evaluate(visit, BOOK)
    copy = Visit.model_validate_json(visit.model_dump_json())
    assert copy == visit
    from_copy = evaluate(copy)
    assert first == again == from_copy
    assert build_protocol(visit, first) == build_protocol(visit, again) == build_protocol(copy, from_copy)
