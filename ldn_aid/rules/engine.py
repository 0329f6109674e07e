"""`evaluate(visit) -> Assessment`: which rules fire, what is missing, and the outcome.

The logic (which answer triggers which rule) is here; each rule's severity and sources live in
resources/content/rules.toml and its words in resources/content/<lang>/findings.toml, looked up
where they are shown. Nothing here depends on a language: the result is ids, paths and numbers.
"""

from __future__ import annotations

from collections.abc import Iterator
from decimal import ROUND_HALF_UP, Decimal

from ldn_aid.content import RuleBook, load_rules
from ldn_aid.content.schema import plain_number
from ldn_aid.domain.assessment import Assessment, Finding, Outcome
from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    MEDICINE_CLASSES,
    NON_STIMULANT_CLASSES,
    RESPONSE_SCALES,
    STIMULANT_CLASSES,
    STIMULANT_SCREEN_FIELDS,
    Visit,
)

_TENTH = Decimal("0.1")

# Screen answers that trigger a rule when "yes": rule id -> ldn_screen field, in question order.
_LDN_SCREEN_RULES = {
    "opioid_current": "current_opioid_use",
    "opioid_agonist_treatment": "opioid_agonist_treatment",
    "opioid_agonist_recent": "opioid_agonist_last_14_days",
    "opioid_recent": "opioid_use_last_10_days",
    "opioid_withdrawal": "opioid_withdrawal_now",
    "past_opioid_use_disorder": "past_opioid_use_disorder",
    "planned_surgery": "planned_surgery",
    "acute_liver": "acute_hepatitis_or_liver_failure",
    "chronic_liver": "chronic_liver_disease",
    "severe_kidney": "severe_kidney_disease",
    "naltrexone_allergy": "naltrexone_allergy",
    "thioridazine": "thioridazine",
    "disulfiram": "disulfiram",
    "sleep_problems": "sleep_problems",
    "depression": "depression_or_low_mood",
    "suicidal_thoughts": "suicidal_thoughts",
}
_PREGNANCY_RULES = {"pregnant": "pregnancy", "trying": "trying_to_conceive", "breastfeeding": "breastfeeding"}
# Past opioid use disorder, or any doubt about recent opioids, makes a negative urine opioid screen
# a requirement before the first dose (label: confirm opioid-free; consider a naloxone challenge).
_URINE_SCREEN_TRIGGERS = ("past_opioid_use_disorder", "doubt_about_recent_opioids")

# Each stimulant-screen "yes" is a point to defer or check (an MAOI in the last 14 days, a thyroid
# not yet controlled, heart history needing review, ...), never an exclusion: only the clinician's
# `stimulant_contraindication_confirmed` rules stimulants out (clinical audit B-1).
STIMULANT_CONFIRMED_FIELD = "stimulant_contraindication_confirmed"
STIMULANT_DISCUSS_FIELDS = tuple(
    name for name in STIMULANT_SCREEN_FIELDS if name != STIMULANT_CONFIRMED_FIELD
)

Fired = tuple[str, tuple[str, ...], dict[str, str]]


def evaluate(visit: Visit, rules: RuleBook | None = None) -> Assessment:
    """Assess one visit. Pure: the same visit and rules always give the same assessment.

    Args:
        visit: the answers so far; `None` answers are unanswered, never "no".
        rules: the rule book (severities, references, numbers); the installed one when not given.
    """
    book = rules if rules is not None else load_rules()
    findings = tuple(
        _finding(book, rule_id, inputs, params) for rule_id, inputs, params in _fired_rules(visit, book)
    )
    missing = missing_answers(visit, book)
    return Assessment(
        outcome=_outcome(visit, findings, missing),
        missing=missing,
        findings=findings,
        rules_version=book.rules_version,
    )


def missing_answers(visit: Visit, rules: RuleBook | None = None) -> tuple[str, ...]:
    """Required answers not yet given, as dotted visit-file paths, in question order.

    `rules` is needed only to judge whether a weight is plausible for the age and whether a baseline
    is recent enough (loaded when needed).
    """
    patient, screen = visit.patient, visit.ldn_screen
    book = rules  # loaded on first need
    missing: list[str] = []
    if patient.age_years is None:
        missing.append("patient.age_years")
    # Weight is needed at every age: the adult dose depends on whether the patient is under 45 kg.
    if patient.weight_kg is None:
        missing.append("patient.weight_kg")
    elif patient.age_years is not None and not patient.weight_confirmed:
        book = book if book is not None else load_rules()
        if weight_out_of_range(visit, book) is not None:
            missing.append("patient.weight_confirmed")
    if visit.diagnosis.adhd_confirmed is None:
        missing.append("diagnosis.adhd_confirmed")
    if visit.diagnosis.baseline is None:
        missing.append("diagnosis.baseline")
    else:
        book = book if book is not None else load_rules()
        if not baseline_usable(visit, book):
            missing.append("diagnosis.baseline")
    missing.extend(
        f"history.{cls}_adequate_trial"
        for cls in MEDICINE_CLASSES
        if getattr(visit.history, cls) == "no_benefit"
        and getattr(visit.history, f"{cls}_adequate_trial") is None
    )
    for name in LDN_SCREEN_FIELDS:
        if name == "pregnancy":
            if not _pregnancy_answered(visit):
                missing.append("ldn_screen.pregnancy")
        elif name == "urine_opioid_screen":
            if urine_screen_required(visit) and screen.urine_opioid_screen in (None, "not_done"):
                missing.append("ldn_screen.urine_opioid_screen")
        elif name == "childbearing_potential":
            if _childbearing_potential_needed(visit) and screen.childbearing_potential is None:
                missing.append("ldn_screen.childbearing_potential")
        elif name not in CONDITIONAL_LDN_SCREEN_FIELDS and getattr(screen, name) is None:
            missing.append(f"ldn_screen.{name}")
    return tuple(missing)


def urine_screen_required(visit: Visit) -> bool:
    """True when a negative urine opioid screen is needed before the first dose."""
    return any(getattr(visit.ldn_screen, name) == "yes" for name in _URINE_SCREEN_TRIGGERS)


def _could_be_pregnant(visit: Visit) -> bool:
    """False only for male sex at birth; "not_stated" and "intersex" are asked like "female"."""
    return visit.patient.sex_at_birth != "male"


def _pregnancy_answered(visit: Visit) -> bool:
    """Male sex at birth: not required. Otherwise "not_applicable" needs no child-bearing potential."""
    pregnancy = visit.ldn_screen.pregnancy
    if not _could_be_pregnant(visit):
        return True
    if pregnancy is None:
        return False
    if pregnancy == "not_applicable":
        return visit.ldn_screen.childbearing_potential == "no"
    return True


def _childbearing_potential_needed(visit: Visit) -> bool:
    return _could_be_pregnant(visit) and visit.ldn_screen.pregnancy == "not_applicable"


def baseline_usable(visit: Visit, rules: RuleBook) -> bool:
    """Whether the baseline can carry the response rule and describes the patient now.

    Usable: on a scale that can judge a response (RESPONSE_SCALES), dated on or before the visit
    and at most `baseline_max_age_days` before it, with a score above 0 (a 30 % fall from 0 means
    nothing). Anything else leaves `diagnosis.baseline` missing, with `baseline_needed`.
    """
    baseline = visit.diagnosis.baseline
    if baseline is None or baseline.scale not in RESPONSE_SCALES:
        return False
    age_days = (visit.visit_date - baseline.date).days
    if age_days < 0 or age_days > rules.number("baseline_max_age_days"):
        return False
    return baseline.score != 0


def weight_out_of_range(visit: Visit, rules: RuleBook) -> tuple[Decimal, Decimal] | None:
    """The plausible weight range (low, high kg) when the recorded weight falls outside it, else None.

    Under 18: `weight_check_low_ratio` to `weight_check_high_ratio` times the median weight for the
    age; 18 and over: `adult_weight_check_min_kg` to `adult_weight_check_max_kg`. Ages without a
    median (under 2) are not checked. The bounds are rounded to 0.1 kg, and the same rounded bounds
    are both compared and shown, so the words can never contradict the check.
    """
    age, weight = visit.patient.age_years, visit.patient.weight_kg
    if age is None or weight is None:
        return None
    n = rules.number
    if age >= n("adult_age_years"):
        low, high = n("adult_weight_check_min_kg"), n("adult_weight_check_max_kg")
    else:
        median = rules.weight_median_kg(age)
        if median is None:
            return None
        low = median * n("weight_check_low_ratio")
        high = median * n("weight_check_high_ratio")
    low = low.quantize(_TENTH, rounding=ROUND_HALF_UP)
    high = high.quantize(_TENTH, rounding=ROUND_HALF_UP)
    kg = Decimal(repr(weight))
    return (low, high) if kg < low or kg > high else None


def _age_rules(visit: Visit, rules: RuleBook) -> Iterator[Fired]:
    age = visit.patient.age_years
    if age is None:
        return
    n = rules.number
    plan = visit.effective_plan
    age_inputs = ("patient.age_years",)
    # `specialist_signoff` lets a 6- or 7-year-old start; it never lifts the trial limit.
    if age < n("min_age_signoff_years") or (age < n("min_age_years") and not plan.specialist_signoff):
        yield "age_under_min", age_inputs, {}
        return
    if age < n("min_age_years"):
        yield "age_under_min_signoff", ("patient.age_years", "plan.specialist_signoff"), {}
    if age < n("adult_age_years"):
        yield "age_under_adult", age_inputs, {}
        # Only a specialist's agreement to a longer trial lifts the 16-week limit (SM13).
        if not plan.specialist_signoff_longer_trial:
            yield "paediatric_trial_limit", ("patient.age_years", "plan.specialist_signoff_longer_trial"), {}


def _fired_rules(visit: Visit, rules: RuleBook) -> Iterator[Fired]:
    """Each rule that applies, with the answers that made it apply and its show-time numbers."""
    weight = visit.patient.weight_kg
    screen = visit.ldn_screen

    if visit.diagnosis.adhd_confirmed in ("no", "unsure"):
        yield "diagnosis_not_confirmed", ("diagnosis.adhd_confirmed",), {}
    if not baseline_usable(visit, rules):
        yield "baseline_needed", ("diagnosis.baseline",), {}
    yield from _age_rules(visit, rules)
    if weight is not None and weight < rules.number("full_dose_min_weight_kg"):
        yield "low_weight", ("patient.weight_kg",), {}
    if not visit.patient.weight_confirmed:
        out_of_range = weight_out_of_range(visit, rules)
        if out_of_range is not None:
            low, high = out_of_range
            yield (
                "weight_check",
                ("patient.weight_kg", "patient.age_years", "patient.weight_confirmed"),
                {"low_kg": plain_number(low), "high_kg": plain_number(high)},
            )
    for rule_id, field in _LDN_SCREEN_RULES.items():
        if getattr(screen, field) == "yes":
            yield rule_id, (f"ldn_screen.{field}",), {}
    if screen.urine_opioid_screen == "positive":
        yield "urine_opioid_positive", ("ldn_screen.urine_opioid_screen",), {}
    if urine_screen_required(visit):
        triggers = tuple(
            f"ldn_screen.{name}" for name in _URINE_SCREEN_TRIGGERS if getattr(screen, name) == "yes"
        )
        yield "urine_opioid_screen_required", (*triggers, "ldn_screen.urine_opioid_screen"), {}
    if screen.pregnancy in _PREGNANCY_RULES:
        yield _PREGNANCY_RULES[screen.pregnancy], ("ldn_screen.pregnancy",), {}
    if _could_be_pregnant(visit) and screen.pregnancy == "no" and screen.childbearing_potential != "no":
        yield "pregnancy_possible", ("patient.sex_at_birth", "ldn_screen.pregnancy"), {}
    yield from _guideline_rules(visit)
    for field in STIMULANT_DISCUSS_FIELDS:
        if getattr(visit.stimulant_screen, field) == "yes":
            yield f"stimulant_discuss.{field}", (f"stimulant_screen.{field}",), {}
    yield "ldn_untested_in_adhd", (), {}


def _guideline_rules(visit: Visit) -> Iterator[Fired]:
    history = visit.history
    helped = tuple(f"history.{cls}" for cls in MEDICINE_CLASSES if getattr(history, cls) == "helped")
    if history.non_stimulant_unspecified == "helped":
        helped = (*helped, "history.non_stimulant_unspecified")
    if helped:
        yield "guideline_medicine_helped", helped, {}
    partial = tuple(f"history.{cls}" for cls in MEDICINE_CLASSES if getattr(history, cls) == "partial")
    if partial:
        yield "guideline_medicine_partial", partial, {}
    not_adequate = tuple(
        path
        for cls in MEDICINE_CLASSES
        if getattr(history, cls) == "no_benefit" and getattr(history, f"{cls}_adequate_trial") == "no"
        for path in (f"history.{cls}", f"history.{cls}_adequate_trial")
    )
    if not_adequate:
        yield "guideline_trial_not_adequate", not_adequate, {}
    if history.non_stimulant_unspecified not in (None, "not_tried"):
        yield "non_stimulant_unspecified", ("history.non_stimulant_unspecified",), {}
    if all_guideline_classes_declined(visit) and no_guideline_medicine_taken(visit):
        # Declining every class leaves nothing open, so the outcome can be ldn_option; say plainly
        # that guideline medicines remain the evidence-based choice (the outcome is unchanged).
        yield (
            "guideline_options_declined",
            (
                "preferences.declines_stimulants",
                "preferences.declines_non_stimulants",
                *(f"history.{cls}" for cls in MEDICINE_CLASSES),
            ),
            {},
        )


def _finding(rules: RuleBook, rule_id: str, inputs: tuple[str, ...], params: dict[str, str]) -> Finding:
    meta = rules.rules[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=meta.severity,
        inputs=inputs,
        references=meta.references,
        params=params,
    )


def stimulants_excluded(visit: Visit) -> bool:
    """Only a declined class or a current contraindication the clinician confirms rules stimulants out.

    The stimulant-screen items (an MAOI in the last 14 days, a thyroid not yet controlled, heart
    history needing review, ...) defer a stimulant or call for a check; they do not exclude it.
    """
    return (
        visit.preferences.declines_stimulants == "yes"
        or visit.stimulant_screen.stimulant_contraindication_confirmed == "yes"
    )


def non_stimulants_excluded(visit: Visit) -> bool:
    return visit.preferences.declines_non_stimulants == "yes"


def all_guideline_classes_declined(visit: Visit) -> bool:
    """The patient declines stimulants and non-stimulants alike (a contraindication is not a choice)."""
    prefs = visit.preferences
    return prefs.declines_stimulants == "yes" and prefs.declines_non_stimulants == "yes"


def no_guideline_medicine_taken(visit: Visit) -> bool:
    """Every guideline class is "not_tried", and no format-1 "non-stimulant" was recorded either.

    Stricter than "no class counts as tried": a medicine that helped, helped partly or was given a
    trial that was not adequate has its own finding, and the declined-options words say none has
    been tried.
    """
    history = visit.history
    return all(getattr(history, cls) == "not_tried" for cls in MEDICINE_CLASSES) and (
        history.non_stimulant_unspecified in (None, "not_tried")
    )


def class_open(visit: Visit, cls: str) -> bool:
    """Whether one guideline class still counts as an option not yet used (ignoring exclusions).

    Counted as tried only after side effects, or no benefit from an adequate trial (NICE NG87: 6
    weeks at an adequate dose). Not tried, helped (resume or continue it), helped partly (optimise
    first), and no benefit from a trial not known to be adequate all leave the class open.
    """
    outcome: str = getattr(visit.history, cls)
    if outcome == "side_effects":
        return False
    if outcome == "no_benefit":
        adequate: str | None = getattr(visit.history, f"{cls}_adequate_trial")
        return adequate != "yes"
    return True


def untried_guideline_options(visit: Visit) -> tuple[str, ...]:
    """Guideline medicine classes (MEDICINE_CLASSES) still open and not ruled out for this patient.

    The legacy `non_stimulant_unspecified` answer never closes a class.
    """
    excluded = {
        **dict.fromkeys(STIMULANT_CLASSES, stimulants_excluded(visit)),
        **dict.fromkeys(NON_STIMULANT_CLASSES, non_stimulants_excluded(visit)),
    }
    return tuple(cls for cls in MEDICINE_CLASSES if not excluded[cls] and class_open(visit, cls))


def _outcome(visit: Visit, findings: tuple[Finding, ...], missing: tuple[str, ...]) -> Outcome:
    if any(f.severity == "stop" for f in findings):
        return Outcome.STOP
    if missing:
        return Outcome.INCOMPLETE
    if untried_guideline_options(visit):
        return Outcome.GUIDELINE_FIRST
    return Outcome.LDN_OPTION
