"""The content bundle: loads in every language, keys match, every reference resolves, errors name the file."""

from __future__ import annotations

import re
import shutil
import tomllib
from decimal import Decimal
from pathlib import Path

import pytest

from ldn_aid.content import load_content, load_rules
from ldn_aid.content.loader import LANGUAGE_FILES, LANGUAGES
from ldn_aid.content.schema import Numbers
from ldn_aid.domain.errors import ContentError
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS, MAX_DOSE_MG, STIMULANT_SCREEN_FIELDS
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
    """Placeholders per key match, so a number cannot be present in one language and absent in the other."""
    english = tomllib.loads((CONTENT / "en" / f"{name}.toml").read_text("utf-8"))
    spanish = tomllib.loads((CONTENT / "es" / f"{name}.toml").read_text("utf-8"))

    def placeholders(value: object, prefix: str = "") -> dict[str, set[str]]:
        if isinstance(value, dict):
            out: dict[str, set[str]] = {}
            for key, item in value.items():
                out.update(placeholders(item, f"{prefix}{key}/"))
            return out
        if isinstance(value, str):
            return {prefix: set(re.findall(r"\{([a-z0-9_]+)\}", value))}
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


@pytest.fixture
def content_copy(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    load_rules.cache_clear()
    load_content.cache_clear()
    yield root
    load_rules.cache_clear()
    load_content.cache_clear()


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
