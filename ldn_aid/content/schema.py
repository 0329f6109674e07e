"""Pydantic models for the files in resources/content.

Language-neutral facts (numbers, rule severities, references, dates) live once in
resources/content/*.toml so they cannot drift between languages; words live per language in
resources/content/<lang>/*.toml. Text may name a cited number as `{number_name}`; the loader
checks every placeholder exists.
"""

from __future__ import annotations

import datetime as dt
import itertools
import string
from decimal import Decimal
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ldn_aid.content.handout_schema import HandoutText, OptionNumbers
from ldn_aid.content.pack_schema import PackText
from ldn_aid.content.review_schema import ReviewText
from ldn_aid.content.sheets_schema import SheetsText
from ldn_aid.content.types import RefId, Text


def placeholders(text: str) -> set[str]:
    """Names used as `{name}` in a content string."""
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# ---- language-neutral -------------------------------------------------------------------------


ReferenceKind = Literal["label", "guideline", "paper", "registry", "organisation", "other"]

# Addresses that find nothing by themselves: a web search, or a site's front page.
_SEARCH_MARKERS = ("duckduckgo.", "google.", "bing.com", "/search?", "search.cfm", "?q=", "&q=", "?term=")


class Reference(_Content):
    """One source. `citation` is what a reader sees (printed on the evidence sheet); anything meant
    for the content reviewer (how the locator was found, what is unconfirmed) goes in `note`, which
    is never printed."""

    citation: Text
    kind: ReferenceKind
    doi: str | None = None
    pmid: str | None = None
    url: str | None = None
    reliability: Literal["primary", "secondary", "unconfirmed", "low"]
    note: str | None = None

    @model_validator(mode="after")
    def _locatable(self) -> Reference:
        if not (self.doi or self.pmid or self.url):
            raise ValueError("a reference needs at least one of doi, pmid or url")
        return self

    @property
    def printable(self) -> bool:
        """May this source be printed for a patient? Only a label, guideline, paper, registry record
        or named organisation's page, not graded low or unconfirmed, with a locator that leads to
        the source itself (a DOI or PMID, or an address that is neither a search nor a site root)."""
        if self.kind == "other" or self.reliability in ("low", "unconfirmed"):
            return False
        if self.doi or self.pmid:
            return True
        return self.url is not None and _leads_to_a_page(self.url)


def _leads_to_a_page(url: str) -> bool:
    lowered = url.lower()
    if any(marker in lowered for marker in _SEARCH_MARKERS):
        return False
    path = urlsplit(url).path.strip("/")
    return bool(path)


class CitedNumber(_Content):
    """A clinical number with the sources it comes from; `note` says where a value is a judgement."""

    value: Decimal
    unit: str
    references: Annotated[tuple[RefId, ...], Field(min_length=1)]
    note: str | None = None


class Numbers(_Content):
    """Every threshold and dose the rules use. A missing one fails at load."""

    min_age_years: CitedNumber
    adult_age_years: CitedNumber
    capsule_min_age_years: CitedNumber
    full_dose_min_weight_kg: CitedNumber
    adult_target_mg: CitedNumber
    max_dose_mg: CitedNumber
    weight_based_mg_per_kg: CitedNumber
    capsule_step_mg: CitedNumber
    liquid_step_mg: CitedNumber
    liquid_mg_per_ml: CitedNumber
    liquid_room_temperature_days: CitedNumber
    liquid_refrigerated_days: CitedNumber
    standard_step_count: CitedNumber
    gentle_start_mg: CitedNumber
    gentle_increment_mg: CitedNumber
    opioid_free_days: CitedNumber
    surgery_hold_days: CitedNumber
    response_review_weeks: CitedNumber
    response_min_fall_percent: CitedNumber
    response_max_cgi_i: CitedNumber
    paediatric_ldn_children: CitedNumber
    paediatric_ldn_weeks: CitedNumber
    maoi_washout_days: CitedNumber
    # Follow-up reviews (ldn_aid/rules/review.py).
    maintenance_review_weeks: CitedNumber
    adherence_missed_doses_max: CitedNumber
    extend_once_weeks: CitedNumber
    # Issue 9 (clinical safety).
    min_age_signoff_years: CitedNumber
    agonist_free_days: CitedNumber
    restart_after_days_off: CitedNumber
    paediatric_max_trial_weeks: CitedNumber
    recheck_after_met_weeks: CitedNumber
    adequate_trial_weeks: CitedNumber
    weight_check_low_ratio: CitedNumber
    weight_check_high_ratio: CitedNumber
    adult_weight_check_min_kg: CitedNumber
    adult_weight_check_max_kg: CitedNumber
    # Issue 9 round 2.
    baseline_max_age_days: CitedNumber


# Whole years of age covered by the weight-for-age medians (CDC 2000 charts start at 2 years).
WEIGHT_MEDIAN_AGES: tuple[int, ...] = tuple(range(2, 18))


class WeightMedians(_Content):
    """Median weight-for-age (kg) by whole year of age, for the weight plausibility check."""

    by_age: dict[int, Annotated[Decimal, Field(gt=0)]]
    references: Annotated[tuple[RefId, ...], Field(min_length=1)]
    note: str

    @model_validator(mode="after")
    def _every_age(self) -> WeightMedians:
        if tuple(sorted(self.by_age)) != WEIGHT_MEDIAN_AGES:
            raise ValueError(
                f"by_age must give exactly ages {WEIGHT_MEDIAN_AGES[0]} to {WEIGHT_MEDIAN_AGES[-1]}"
            )
        ordered = [self.by_age[age] for age in WEIGHT_MEDIAN_AGES]
        if any(later <= earlier for earlier, later in itertools.pairwise(ordered)):
            raise ValueError("median weights must rise with age")
        return self


class RuleMeta(_Content):
    severity: Literal["stop", "caution", "info"]
    references: Annotated[tuple[RefId, ...], Field(min_length=1)]


class RuleBook(_Content):
    """resources/content/rules.toml plus meta.toml and references.toml."""

    rules_version: Text
    content_version: Text
    evidence_reviewed: dt.date
    next_review: dt.date
    numbers: Numbers
    weight_medians_kg: WeightMedians
    rules: dict[str, RuleMeta]
    protocol_references: Annotated[tuple[RefId, ...], Field(min_length=1)]
    references: dict[RefId, Reference]
    options: OptionNumbers

    @model_validator(mode="after")
    def _references_resolve(self) -> RuleBook:
        used: set[str] = set(self.protocol_references)
        for number in self.numbers.model_dump().values():
            used.update(number["references"])
        used.update(self.weight_medians_kg.references)
        for rule in self.rules.values():
            used.update(rule.references)
        for array in self.options.icon_arrays.values():
            used.update(array.references)
        dangling = sorted(used - set(self.references))
        if dangling:
            raise ValueError(f"reference ids not in references.toml: {', '.join(dangling)}")
        if self.next_review <= self.evidence_reviewed:
            raise ValueError("next_review must come after evidence_reviewed")
        return self

    def number(self, name: str) -> Decimal:
        cited: CitedNumber = getattr(self.numbers, name)
        return cited.value

    def weight_median_kg(self, age: int) -> Decimal | None:
        """The median weight (kg) for a whole year of age, or None outside the table (2 to 17)."""
        if isinstance(age, bool):
            return None
        return self.weight_medians_kg.by_age.get(age)

    def number_texts(self) -> dict[str, str]:
        """Each cited number as plain text ("4.5", "10"), for `{placeholders}` in content strings."""
        return {name: plain_number(getattr(self.numbers, name).value) for name in Numbers.model_fields}


def plain_number(value: Decimal) -> str:
    """A number as people write it: 4.5, 10, 0.1 (no exponent, no trailing zeros)."""
    return format(value.normalize(), "f")


# ---- per language --------------------------------------------------------------------------------


class Question(_Content):
    text: Text
    why: Text


class FindingText(_Content):
    # A few words naming a screening finding in lists (the outcome panel, the assessment page); every
    # screening rule has one (checked at load). Follow-up reasons have theirs in review.toml.
    label: Text | None = None
    clinician: Text
    patient: Text | None = None


class ProtocolText(_Content):
    """Words around the starting protocol (clinician-facing; the handout has its own)."""

    evidence_note: Text
    guideline_first_note: Text
    response_rule: Text
    stop_rule: Text
    formulation_capsule: Text
    formulation_liquid: Text
    liquid_storage: Text
    timing_bedtime: Text
    timing_morning: Text
    target_adult_fixed: Text
    target_weight_based: Text
    target_clinician_lower: Text


class LanguagePack(_Content):
    """resources/content/<lang>/*.toml."""

    language: Literal["en", "es"]
    questions: dict[str, Question]
    choices: dict[str, dict[str, Text]]
    findings: dict[str, FindingText]
    protocol: ProtocolText
    handout: HandoutText
    outcomes: dict[Literal["stop", "incomplete", "guideline_first", "ldn_option"], Text]
    review: ReviewText
    pack: PackText
    sheets: SheetsText


class ContentBundle(_Content):
    """All content for one language: the shared rule book and that language's words."""

    rules: RuleBook
    language: LanguagePack

    @model_validator(mode="after")
    def _handout_matches_numbers(self) -> ContentBundle:
        # The pack's words (pack.toml) name every icon array and every trial of options.toml.
        numbers_words = self.language.pack.numbers
        words = set(numbers_words.arrays)
        numbers = set(self.rules.options.icon_arrays)
        if words != numbers:
            raise ValueError(
                f"icon arrays differ between pack.toml and options.toml: {sorted(words ^ numbers)}"
            )
        trials = {array.trial for array in self.rules.options.icon_arrays.values()}
        unnamed = sorted(trials - set(numbers_words.trials))
        if unnamed:
            raise ValueError(f"pack.toml [numbers.trials] has no words for: {', '.join(unnamed)}")
        pack = self.language.pack
        used = {
            *pack.grid.sources,
            *numbers_words.no_ldn_references,
            *pack.plan.vivid_dreams_references,
            *pack.plan.after_stopping_references,
        }
        dangling = sorted(used - set(self.rules.references))
        if dangling:
            raise ValueError(f"handout cites unknown reference ids: {', '.join(dangling)}")
        return self

    @property
    def lang(self) -> str:
        return self.language.language
