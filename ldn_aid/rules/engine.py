"""`evaluate(visit) -> Assessment`: which rules fire, what is missing, and the outcome.

The logic (which answer triggers which rule) is here; each rule's severity and sources live in
resources/content/rules.toml and its words in resources/content/<lang>/findings.toml, so a reader
can trace every finding to data with citations.
"""

from __future__ import annotations

from collections.abc import Iterator

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.domain.assessment import Assessment, Finding, Outcome
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS, STIMULANT_SCREEN_FIELDS, Visit

# A "yes" to any of these rules a stimulant out when deciding whether guideline options remain.
STIMULANT_EXCLUDERS = (
    "maoi_last_14_days",
    "heart_disease_or_family_sudden_death",
    "glaucoma",
    "overactive_thyroid",
    "psychosis_or_bipolar",
)

# Screen answers that trigger a rule when "yes": rule id -> ldn_screen field.
_LDN_SCREEN_RULES = {
    "opioid_current": "current_opioid_use",
    "opioid_agonist_treatment": "opioid_agonist_treatment",
    "opioid_recent": "opioid_use_last_10_days",
    "acute_liver": "acute_hepatitis_or_liver_failure",
    "naltrexone_allergy": "naltrexone_allergy",
    "planned_surgery": "planned_surgery",
    "past_opioid_use_disorder": "past_opioid_use_disorder",
    "chronic_liver": "chronic_liver_disease",
    "severe_kidney": "severe_kidney_disease",
    "thioridazine": "thioridazine",
    "disulfiram": "disulfiram",
    "sleep_problems": "sleep_problems",
}
_PREGNANCY_RULES = {"pregnant": "pregnancy", "trying": "trying_to_conceive", "breastfeeding": "breastfeeding"}


def evaluate(visit: Visit, content: ContentBundle | None = None) -> Assessment:
    """Assess one visit. Pure: the same visit and content always give the same assessment.

    Args:
        visit: the answers so far; `None` answers are unanswered, never "no".
        content: the words and sources to use; English when not given.
    """
    bundle = content if content is not None else load_content("en")
    findings = tuple(_finding(bundle, rule_id, inputs) for rule_id, inputs in _fired_rules(visit, bundle))
    missing = missing_answers(visit)
    return Assessment(
        outcome=_outcome(visit, findings, missing),
        missing=missing,
        findings=findings,
        rules_version=bundle.rules.rules_version,
    )


def missing_answers(visit: Visit) -> tuple[str, ...]:
    """Required answers not yet given, as dotted visit-file paths, in question order."""
    missing: list[str] = []
    if visit.patient.age_years is None:
        missing.append("patient.age_years")
    # Weight is needed at every age: the adult dose depends on whether the patient is under 45 kg.
    if visit.patient.weight_kg is None:
        missing.append("patient.weight_kg")
    if visit.diagnosis.adhd_confirmed is None:
        missing.append("diagnosis.adhd_confirmed")
    missing.extend(
        f"ldn_screen.{name}" for name in LDN_SCREEN_FIELDS if getattr(visit.ldn_screen, name) is None
    )
    return tuple(missing)


def _fired_rules(visit: Visit, bundle: ContentBundle) -> Iterator[tuple[str, tuple[str, ...]]]:
    """Each rule that applies, with the answers that made it apply."""
    rules = bundle.rules
    age = visit.patient.age_years
    weight = visit.patient.weight_kg
    screen = visit.ldn_screen

    if visit.diagnosis.adhd_confirmed in ("no", "unsure"):
        yield "diagnosis_not_confirmed", ("diagnosis.adhd_confirmed",)
    if age is not None and age < rules.number("min_age_years"):
        yield "age_under_min", ("patient.age_years",)
    elif age is not None and age < rules.number("adult_age_years"):
        yield "age_under_adult", ("patient.age_years",)
    for rule_id, field in _LDN_SCREEN_RULES.items():
        if getattr(screen, field) == "yes":
            yield rule_id, (f"ldn_screen.{field}",)
    if screen.pregnancy in _PREGNANCY_RULES:
        yield _PREGNANCY_RULES[screen.pregnancy], ("ldn_screen.pregnancy",)
    if weight is not None and weight < rules.number("full_dose_min_weight_kg"):
        yield "low_weight", ("patient.weight_kg",)
    for field in STIMULANT_SCREEN_FIELDS:
        if getattr(visit.stimulant_screen, field) == "yes":
            yield f"stimulant_discuss.{field}", (f"stimulant_screen.{field}",)
    helped = tuple(
        f"history.{cls}"
        for cls in ("methylphenidate", "amphetamine", "non_stimulant")
        if getattr(visit.history, cls) == "helped"
    )
    if helped:
        yield "guideline_medicine_helped", helped
    yield "ldn_untested_in_adhd", ()


def _finding(bundle: ContentBundle, rule_id: str, inputs: tuple[str, ...]) -> Finding:
    meta = bundle.rules.rules[rule_id]
    words = bundle.language.findings[rule_id]
    return Finding(
        rule_id=rule_id,
        severity=meta.severity,
        inputs=inputs,
        clinician_text=words.clinician,
        patient_text=words.patient,
        references=meta.references,
    )


def untried_guideline_options(visit: Visit) -> tuple[str, ...]:
    """Guideline medicine classes not yet tried and not ruled out for this patient."""
    stimulant_excluded = visit.preferences.declines_stimulants == "yes" or any(
        getattr(visit.stimulant_screen, field) == "yes" for field in STIMULANT_EXCLUDERS
    )
    non_stimulant_excluded = visit.preferences.declines_non_stimulants == "yes"
    open_classes = []
    for cls, excluded in (
        ("methylphenidate", stimulant_excluded),
        ("amphetamine", stimulant_excluded),
        ("non_stimulant", non_stimulant_excluded),
    ):
        # A failed trial is already "tried", so only untried classes can remain open.
        if getattr(visit.history, cls) == "not_tried" and not excluded:
            open_classes.append(cls)
    return tuple(open_classes)


def _outcome(visit: Visit, findings: tuple[Finding, ...], missing: tuple[str, ...]) -> Outcome:
    if any(f.severity == "stop" for f in findings):
        return Outcome.STOP
    if missing:
        return Outcome.INCOMPLETE
    if untried_guideline_options(visit):
        return Outcome.GUIDELINE_FIRST
    return Outcome.LDN_OPTION
