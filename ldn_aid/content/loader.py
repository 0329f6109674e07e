"""Read and validate resources/content. A broken file fails here, with the file and field named."""

from __future__ import annotations

import functools
import tomllib
from pathlib import Path
from typing import Any, Literal, get_args

from pydantic import TypeAdapter, ValidationError

from ldn_aid.content.schema import ContentBundle, LanguagePack, RuleBook
from ldn_aid.domain.errors import ContentError, describe_validation_error
from ldn_aid.paths import resource_path

Language = Literal["en", "es"]
LANGUAGES: tuple[str, ...] = get_args(Language)
COMPOSE_PLACEHOLDERS = ("n", "weekday", "day", "month", "year")
# Filled when the decision pack is composed (ldn_aid.handout.pack_*): who reads it, names and dates.
PACK_PLACEHOLDERS = (
    "child",
    "Child",
    "who",
    "Who",
    "name",
    "options",
    "plan",
    "today",
    "first_dose",
    "timing",
    "check_up",
    "review",
    "in_ten",
    "percent",
    "placebo",
    "phone",
    "emergency",
    "crisis",
    "number",
    "checked",
    "next_check",
    "version",
)
# Filled per decision where the words are shown (ldn_aid.content.words), never at load.
SHOW_PLACEHOLDERS = (
    "ceiling_mg",
    "dose_mg",
    "target_mg",
    "until",
    "since",
    "questions",
    "weeks",
    "low_kg",
    "high_kg",
    # The follow-up review's words (review.toml).
    "timing",
    "date",
    "chosen",
    "suggested",
)
LANGUAGE_FILES = (
    "questions",
    "choices",
    "findings",
    "protocol",
    "outcomes",
    "handout",
    "review",
    "pack",
    "sheets",
)


def _read_toml(path: Path) -> dict[str, Any]:
    try:
        with path.open("rb") as handle:
            return tomllib.load(handle)
    except FileNotFoundError:
        raise ContentError(f"content file missing: {path}") from None
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise ContentError(f"content file {path} cannot be read: {exc}") from None


def _first_error(path: Path | str, exc: ValidationError) -> ContentError:
    return ContentError(f"{path}: {describe_validation_error(exc, whole='(top level)')}")


@functools.cache
def load_rules(root: Path | None = None) -> RuleBook:
    """The language-neutral rule book: numbers, rules, references, dates and versions."""
    base = root if root is not None else resource_path("content")
    merged: dict[str, Any] = {}
    for name in ("meta", "rules", "references", "options"):
        data = _read_toml(base / f"{name}.toml")
        merged.update({"options": data} if name == "options" else data)
    try:
        return RuleBook.model_validate(merged)
    except ValidationError as exc:
        raise _first_error(base / "{meta,rules,references,options}.toml", exc) from None


def _fill(value: Any, numbers: dict[str, str], path: Path, where: str) -> Any:
    """Put the cited numbers into every `{placeholder}` of every string."""
    if isinstance(value, str):
        try:
            return value.format(**numbers)
        except (KeyError, IndexError, ValueError) as exc:
            raise ContentError(f"{path}: {where}: unknown or malformed placeholder {exc}") from None
    if isinstance(value, dict):
        return {key: _fill(item, numbers, path, f"{where}.{key}".lstrip(".")) for key, item in value.items()}
    if isinstance(value, list):
        return [_fill(item, numbers, path, f"{where}[{i}]") for i, item in enumerate(value)]
    return value


@functools.cache
def load_content(language: str = "en", root: Path | None = None) -> ContentBundle:
    """Everything for one language, validated and with numbers filled in. Cached per language."""
    if language not in LANGUAGES:
        raise ContentError(f"no content for language {language!r}; available: {', '.join(LANGUAGES)}")
    rules = load_rules(root)
    base = (root if root is not None else resource_path("content")) / language
    # These placeholders are filled when the handout is composed (a count, a date), not at load.
    numbers = {
        **rules.number_texts(),
        **{name: f"{{{name}}}" for name in (*COMPOSE_PLACEHOLDERS, *PACK_PLACEHOLDERS, *SHOW_PLACEHOLDERS)},
    }
    fields: dict[str, Any] = {"language": language}
    for name in LANGUAGE_FILES:
        path = base / f"{name}.toml"
        data = _fill(_read_toml(path), numbers, path, "")
        # Each file is one field of the pack; validating it alone names the right file on error.
        field_type: Any = LanguagePack.model_fields[name].annotation
        try:
            fields[name] = TypeAdapter(field_type).validate_python(data)
        except ValidationError as exc:
            raise _first_error(path, exc) from None
    language_pack = LanguagePack.model_validate(fields)
    _check_rule_coverage(rules, language_pack, base)
    try:
        return ContentBundle(rules=rules, language=language_pack)
    except ValidationError as exc:
        raise _first_error(base / "handout.toml", exc) from None


def _check_rule_coverage(rules: RuleBook, pack: LanguagePack, base: Path) -> None:
    missing = sorted(set(rules.rules) - set(pack.findings))
    extra = sorted(set(pack.findings) - set(rules.rules))
    if missing:
        raise ContentError(f"{base / 'findings.toml'}: no text for rules: {', '.join(missing)}")
    if extra:
        raise ContentError(f"{base / 'findings.toml'}: text for unknown rules: {', '.join(extra)}")
    follow_up_rules = {rule for rule in rules.rules if rule.startswith("followup_")}
    no_label = sorted(
        rule for rule in set(rules.rules) - follow_up_rules if pack.findings[rule].label is None
    )
    if no_label:
        raise ContentError(f"{base / 'findings.toml'}: no label for rules: {', '.join(no_label)}")
    unlabelled = sorted(follow_up_rules - set(pack.review.reason_label))
    unknown = sorted(set(pack.review.reason_label) - follow_up_rules)
    if unlabelled or unknown:
        raise ContentError(
            f"{base / 'review.toml'}: reason_label missing for {unlabelled}, for unknown rules {unknown}"
        )
