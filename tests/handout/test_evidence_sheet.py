"""The evidence sheet (issue 11): every source the pack cites, under the number the pack gives it, as its
display citation and one locator; the latest follow-up sheet's sources in a second list; the pack's gate.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
import textstat
from pydantic import BaseModel
from record.record_helpers import CASES, EXAMPLES_DIR

from ldn_aid.content import load_content
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import date_without_weekday
from ldn_aid.handout.compose import compose_followup_for_visit, compose_handout
from ldn_aid.handout.evidence_sheet import compose_evidence_sheet, locator
from ldn_aid.handout.model import Handout, ReferenceList
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

CLINIC = ClinicSettings(clinic_name="Riverside Clinic", phone="555-0100")
# Visits whose pack may be given: each outcome, and a visit with follow-up reviews.
GIVEN = ["ldn_option", "guideline_first", "stop", "incomplete", "followup_advance", "followup_stop"]
MARK = re.compile(r"\[(\d+(?:, \d+)*)\]")


def example(name: str) -> Visit:
    """An example visit; guideline_first with the clinician's record that the guideline medicines were
    discussed (without it the pack, and so its sources, is refused)."""
    data = json.loads((EXAMPLES_DIR / f"{name}.json").read_text("utf-8"))
    if name == "guideline_first":
        data.setdefault("plan", {})["guideline_options_discussed"] = True
    return Visit.model_validate(data)


def sheets(visit: Visit, language: str) -> tuple[Handout, Handout]:
    """The pack and its evidence sheet, composed as the patient gets them."""
    content = load_content(language)
    decision = decide(visit)
    return (
        compose_handout(visit, decision, content, CLINIC),
        compose_evidence_sheet(visit, decision, content, CLINIC),
    )


def lists(sheet: Handout) -> list[ReferenceList]:
    return [block for block in sheet.blocks if isinstance(block, ReferenceList)]


def texts(handout: Handout) -> list[str]:
    """Every string a document prints (headings, paragraphs, list items, cells, captions, facts)."""
    found: list[str] = []

    def walk(value: Any) -> None:
        if isinstance(value, str):
            found.append(value)
        elif isinstance(value, tuple):
            for item in value:
                walk(item)
        elif isinstance(value, BaseModel):
            for name in type(value).model_fields:
                if name != "kind":
                    walk(getattr(value, name))

    walk(handout.blocks)
    return found


def expected_item(number: int, ref_id: str, language: str) -> str:
    """The citation as recorded, with a no-break space between a dose and its unit, then the locator."""
    ref = load_content(language).rules.references[ref_id]
    citation = re.sub(r"(\d) (mg|mL)\b", "\\1\u00a0\\2", ref.citation)
    return f"{number}. {citation} {locator(ref)}"


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", GIVEN)
def test_every_number_on_the_pack_is_the_same_source_on_the_evidence_sheet(name: str, language: str) -> None:
    pack, evidence = sheets(example(name), language)
    assert evidence.document == "evidence_sheet"
    assert pack.cited, "the pack cites no source by number"
    assert evidence.cited == pack.cited
    first = lists(evidence)[0]
    assert first.items == tuple(
        expected_item(number, ref_id, language) for number, ref_id in enumerate(pack.cited, start=1)
    )
    # Every number the pack prints is on the list, and every source on the list is cited by the pack.
    used = {int(n) for text in texts(pack) for group in MARK.findall(text) for n in group.split(", ")}
    assert used == set(range(1, len(pack.cited) + 1))


@pytest.mark.parametrize("name", GIVEN)
def test_each_source_is_its_citation_and_one_locator_never_the_reviewers_note(name: str) -> None:
    references = load_content("en").rules.references
    _pack, evidence = sheets(example(name), "en")
    printed = " ".join(texts(evidence))
    items = [item for found in lists(evidence) for item in found.items]
    for ref_id in {*evidence.cited}:
        ref = references[ref_id]
        assert ref.printable, ref_id
        if ref.note:
            assert ref.note not in printed, ref_id
        # A DOI first, then a PubMed id, then the web address: the first one there is the one printed.
        wanted = f"https://doi.org/{ref.doi}" if ref.doi else f"PMID {ref.pmid}" if ref.pmid else str(ref.url)
        citation = expected_item(0, ref_id, "en").removeprefix("0. ").removesuffix(locator(ref)).rstrip()
        assert any(item.endswith(f"{citation} {wanted}") for item in items), ref_id
    for item in items:
        assert len(re.findall(r"https?://|PMID \d", item)) <= 1, item
        assert not re.search(r"\d (mg|mL)\b", item), item  # a dose in a title keeps its unit on its line


def test_a_refused_pack_refuses_its_sources() -> None:
    """guideline_first without the clinician's acknowledgement: no pack, so no sources."""
    from ldn_aid.handout.common import DocumentRefusedError

    visit = load_visit(CASES / "D18_guideline_first.json")
    decision = decide(visit)
    assert not decision.handout_gate.allowed
    with pytest.raises(DocumentRefusedError) as refused:
        compose_evidence_sheet(visit, decision, load_content("en"))
    assert refused.value.gate == decision.handout_gate


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_latest_review_sheets_sources_follow_in_their_own_numbered_list(language: str) -> None:
    visit = example("followup_stop")
    decision = decide(visit)
    followup = compose_followup_for_visit(visit, language, CLINIC, decision)
    assert followup is not None
    _pack, evidence = sheets(visit, language)
    found = lists(evidence)
    assert len(found) == 2
    content = load_content(language)
    words = content.language.pack.evidence_sheet
    assert followup.cited
    assert found[1].items == tuple(
        expected_item(number, ref_id, language) for number, ref_id in enumerate(followup.cited, start=1)
    )
    # The second list is titled for that review (its date as the sheets write dates), and the intro
    # says before the lists that the review sheet has numbers of its own.
    written = date_without_weekday(visit.follow_ups[-1].date, content.language.sheets)
    assert found[1].heading == words.followup_heading.format(date=written)
    assert words.followup_intro.format(date=written) in texts(evidence)


@pytest.mark.parametrize("name", ["ldn_option", "followup_advance"])
def test_no_second_list_without_a_review_sheet_that_cites_a_source(name: str) -> None:
    """No follow-up, or a review sheet that cites nothing by number: one list, and no word of a second."""
    visit = example(name)
    followup = compose_followup_for_visit(visit, "en", CLINIC, decide(visit))
    assert followup is None or followup.cited == ()
    _pack, evidence = sheets(visit, "en")
    assert len(lists(evidence)) == 1
    words = load_content("en").language.pack.evidence_sheet
    assert not any("second list" in text for text in texts(evidence))
    assert words.followup_intro.split("{date}")[1] not in " ".join(texts(evidence))


@pytest.mark.parametrize(
    ("language", "checked", "next_check"),
    [
        ("en", "checked in December 2026", "checked again by June 2027"),
        ("es", "revisaron en diciembre de 2026", "en junio de 2027"),
    ],
)
def test_it_says_when_the_sources_were_checked_the_version_and_who_made_it(
    language: str, checked: str, next_check: str
) -> None:
    content = load_content(language)
    rules = content.rules
    # The dates come from the content (meta.toml), not from this test.
    assert (rules.evidence_reviewed.year, rules.evidence_reviewed.month) == (2026, 12)
    assert (rules.next_review.year, rules.next_review.month) == (2027, 6)
    _pack, evidence = sheets(example("ldn_option"), language)
    printed = " ".join(texts(evidence))
    assert checked in printed
    assert next_check in printed
    assert rules.content_version in printed
    words = content.language.pack.evidence_sheet
    for paragraph in (*words.intro, *words.about):
        assert paragraph in printed
    assert evidence.title == words.title
    if language == "es":
        assert words.original_language in printed  # sources stay in their original English


def test_the_patients_name_is_on_the_sheet_and_a_blank_one_prints_no_label(tmp_path: Path) -> None:
    visit = example("ldn_option")
    _pack, evidence = sheets(visit, "en")
    assert visit.patient.display_name
    assert evidence.patient_name == visit.patient.display_name
    data = json.loads((EXAMPLES_DIR / "ldn_option.json").read_text("utf-8"))
    data["patient"].pop("display_name", None)
    anonymous = Visit.model_validate(data)
    _pack, evidence = sheets(anonymous, "en")
    assert evidence.patient_name == ""
    assert "Prepared for" not in texts(evidence)


@pytest.mark.usefixtures("offline_cmudict")
def test_the_sheets_own_words_are_plain() -> None:
    """Grade 8 or below in English, Fernández-Huerta 70 or more in Spanish, for every sentence the sheet
    adds around the sources."""
    for language in ("en", "es"):
        words = load_content(language).language.pack.evidence_sheet
        prose = " ".join((*words.intro, *words.about, words.checked, words.next_check))
        prose = prose.replace("{date}", "June 2027" if language == "en" else "junio de 2027")
        textstat.set_lang(language)
        try:
            if language == "en":
                assert textstat.flesch_kincaid_grade(prose) <= 8.0
            else:
                assert textstat.fernandez_huerta(prose) >= 70
        finally:
            textstat.set_lang("en")
