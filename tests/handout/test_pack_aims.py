"""Issue 11's aims, asserted on the rendered PDFs: the decision pack in every language, paper and print
size, the evidence sheet, and the follow-up sheets.

Each distinct PDF is rendered and read once per session (`pdf`, `pc.read_pdf`); every assertion reuses
it. The words a test looks for come from the content files (pack.toml, sheets.toml) or the composed
document, never from strings typed here, except the few the issue itself fixes (911, 988, the clinic
phone). The file took about 1.5 to 2 minutes on the shared two-core machine when written.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pdf_checks as pc
import pytest
from samples import example, printable

from ldn_aid.content import load_content
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
from ldn_aid.handout.evidence_sheet import compose_evidence_sheet_for_visit
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

CASES_DIR = Path(__file__).resolve().parent / "cases"
LANGUAGES = ("en", "es")
PAPERS = ("letter", "a4")
SIZES = ("standard", "large")
PHONE = "(555) 201-4477"
CLINIC = ClinicSettings(
    clinic_name="Riverside Family Clinic",
    phone=PHONE,
    after_hours_phone="(555) 201-4478",
    prescriber_name="Dr. Ana Ruiz",
)
BLANK_PHONE = CLINIC.model_copy(update={"phone": "", "after_hours_phone": ""})
VIETNAMESE_NAME = "Nguyễn Thị Đặng Łukasz"
OUTCOMES = ("stop", "incomplete", "guideline_first", "ldn_option")


# ---- the cases --------------------------------------------------------------------------------------


def _renamed(visit: Visit, name: str) -> Visit:
    return visit.model_copy(update={"patient": visit.patient.model_copy(update={"display_name": name})})


def _visit(case: str) -> Visit:
    if case == "child":
        # A 9-year-old girl, 25 kg: the liquid (1 mg/mL), a weight-based target, no pregnancy possible.
        return load_visit(CASES_DIR / "child9_girl_liquid.json")
    if case == "vietnamese":
        return _renamed(example("ldn_option"), VIETNAMESE_NAME)
    return printable(case)  # guideline_first with the clinician's acknowledgement recorded


FULL_CASES = ("ldn_option", "guideline_first", "stop", "incomplete", "child")
VARIANTS = [
    (case, language, paper, size)
    for case in FULL_CASES
    for language in LANGUAGES
    for paper in PAPERS
    for size in SIZES
] + [("vietnamese", language, "letter", size) for language in LANGUAGES for size in SIZES]
CASE_LANGUAGES = [(case, language) for case in (*FULL_CASES, "vietnamese") for language in LANGUAGES]


_PACKS: dict[tuple[str, str, str], model.Handout] = {}
_PDFS: dict[tuple[Any, ...], bytes] = {}


def pack(case: str, language: str, clinic: ClinicSettings = CLINIC) -> model.Handout:
    key = (case, language, clinic.phone)
    if key not in _PACKS:
        _PACKS[key] = compose_for_visit(_visit(case), language, clinic)
    return _PACKS[key]


def _render(handout: model.Handout, paper: str, size: str) -> bytes:
    options = RenderOptions(paper=paper, large_print=size == "large")  # type: ignore[arg-type]
    return render_pdf_bytes(handout, options)


def pdf(case: str, language: str, paper: str = "letter", size: str = "standard") -> pc.PdfFacts:
    key = ("pack", case, language, paper, size)
    if key not in _PDFS:
        _PDFS[key] = _render(pack(case, language), paper, size)
    return pc.read_pdf(_PDFS[key])


def is_plan(case: str) -> bool:
    return decide(_visit(case)).plan_printable


def voice(case: str) -> str:
    """The pack speaks to the parent or caregiver of a patient under 18 (the guideline_first example
    is a child too)."""
    age = _visit(case).patient.age_years
    return "child" if age is not None and age < 18 else "adult"


def outcome(case: str) -> str:
    return str(decide(_visit(case)).assessment.outcome.value)


# ---- words from the content files -------------------------------------------------------------------


def _toml(language: str, name: str) -> dict[str, Any]:
    path = resource_path(f"content/{language}/{name}.toml")
    return tomllib.loads(path.read_text("utf-8")) if path.exists() else {}


def _tables(
    tree: dict[str, Any], path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], dict[str, Any]]]:
    yield path, tree
    for key, value in tree.items():
        if isinstance(value, dict):
            yield from _tables(value, (*path, key))


def _voiced(value: object, voice: str) -> list[str]:
    """The strings of a content value; a table {adult = ..., child = ...} gives the one voice."""
    if isinstance(value, dict) and set(value) == {"adult", "child"}:
        value = value[voice]
    if isinstance(value, str):
        return [value]
    if isinstance(value, list):
        return [s for v in value for s in _voiced(v, voice)]
    return []


def decision_phrases(language: str, voice: str = "adult") -> dict[str, tuple[str, ...]]:
    """Per outcome, the fixed words of its page-1 title and first decision sentence in pack.toml
    (`[visit.outcomes.<outcome>]`, H2's words), in the patient's or the caregiver's voice."""
    outcomes = _toml(language, "pack").get("visit", {}).get("outcomes", {})
    assert set(OUTCOMES) <= set(outcomes), (
        f"{language}/pack.toml has no [visit.outcomes.<outcome>] for each outcome"
    )
    phrases = {}
    for name in OUTCOMES:
        table = outcomes[name]
        found = [
            pc.fixed_fragment(s) for key in ("title", "sentences") for s in _voiced(table.get(key), voice)[:1]
        ]
        found = [f for f in found if len(f) >= 12]
        assert found, f"{language}/pack.toml: no fixed words for outcome {name}"
        phrases[name] = tuple(found)
    return phrases


def not_set_words(language: str) -> list[str]:
    labels = _toml(language, "handout").get("labels", {})
    return sorted({"(not filled in)", "(sin llenar)", str(labels.get("not_set", "(not filled in)"))})


# ---- the pack: length, fill, orientation ------------------------------------------------------------


@pytest.mark.parametrize(("case", "language", "paper", "size"), VARIANTS)
def test_pack_fits_its_page_budget(case: str, language: str, paper: str, size: str) -> None:
    budget = {(True, "standard"): 6, (True, "large"): 14, (False, "standard"): 3, (False, "large"): 7}
    limit = budget[(is_plan(case), size)]
    assert pdf(case, language, paper, size).page_count <= limit


@pytest.mark.parametrize(("case", "language", "paper", "size"), VARIANTS)
def test_every_page_but_the_last_is_at_least_a_third_full(
    case: str, language: str, paper: str, size: str
) -> None:
    assert pc.underfilled_pages(pdf(case, language, paper, size)) == []


@pytest.mark.parametrize(("case", "language", "paper", "size"), VARIANTS)
def test_no_landscape_page_and_nothing_off_the_page(case: str, language: str, paper: str, size: str) -> None:
    facts = pdf(case, language, paper, size)
    assert pc.landscape_pages(facts) == []
    assert pc.text_outside_page(facts) == []
    for page in facts.pages:  # the wallet card page uses half margins; nothing may go further out
        assert pc.words_outside_frame(page, pc.MARGIN / 2) == [], page.number


@pytest.mark.parametrize(("case", "language", "paper", "size"), VARIANTS)
def test_every_font_is_embedded_and_no_glyph_is_missing(
    case: str, language: str, paper: str, size: str
) -> None:
    facts = pdf(case, language, paper, size)
    assert pc.unembedded_fonts(facts) == []
    assert pc.missing_glyphs(facts) == []


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_a_vietnamese_and_polish_name_prints_every_letter(language: str, size: str) -> None:
    facts = pdf("vietnamese", language, "letter", size)
    assert pc.missing_glyphs(facts) == []
    assert VIETNAMESE_NAME in facts.pages[0].flat
    assert pc.unembedded_fonts(facts) == []


# ---- doses ------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "language", "paper", "size"), VARIANTS)
def test_doses_are_written_the_safe_way(case: str, language: str, paper: str, size: str) -> None:
    facts = pdf(case, language, paper, size)
    assert pc.trailing_zero_doses(facts.text) == []
    assert pc.naked_decimal_doses(facts.text) == []
    assert pc.split_doses(facts) == []
    if language == "es":
        assert pc.decimal_point_doses(facts.text) == []
        if is_plan(case):
            # every plan has a step with a fraction of a mg (1.5 mg; the child's liquid 0.8 mg)
            assert pc.decimal_comma_doses(facts.text), "no dose written with a decimal comma"


# ---- page 1 -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_page_one_says_what_was_decided(case: str, language: str) -> None:
    """The outcome's own title and first decision sentence, and no other outcome's title."""
    phrases = decision_phrases(language, voice(case))
    first = pdf(case, language).pages[0].flat
    own = outcome(case)
    for phrase in phrases[own]:
        assert pc.has_phrase(first, phrase), f"page 1 lacks the {own} decision: {phrase!r}"
    for other in OUTCOMES:
        title = phrases[other][0]
        if other != own and title not in " ".join(phrases[own]):
            assert not pc.has_phrase(first, title), f"page 1 of {own} says the {other} decision: {title!r}"


def test_guideline_first_page_one_differs_from_ldn_option() -> None:
    """Review D-: the guideline_first page 1 was word for word the ldn_option page 1."""
    for language in LANGUAGES:
        assert pdf("guideline_first", language).pages[0].flat != pdf("ldn_option", language).pages[0].flat


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_page_one_has_the_clinic_phone_and_the_emergency_and_crisis_numbers(
    case: str, language: str, size: str
) -> None:
    first = pdf(case, language, "letter", size).pages[0]
    assert pc.on_one_line(first, PHONE), "the clinic phone is missing from page 1 or broken over lines"
    assert re.search(r"(?<!\d)911(?!\d)", first.flat), "no emergency number on page 1"
    assert re.search(r"(?<!\d)988(?!\d)", first.flat), "no crisis line on page 1"


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_page_one_names_the_clinic_and_the_prescriber(case: str, language: str) -> None:
    first = pdf(case, language).pages[0].flat
    assert CLINIC.clinic_name in first
    assert CLINIC.prescriber_name in first


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", ["ldn_option", "stop"])
def test_a_blank_clinic_phone_prints_a_write_in_line(case: str, language: str) -> None:
    key = ("blank-phone", case, language)
    if key not in _PDFS:
        _PDFS[key] = _render(pack(case, language, BLANK_PHONE), "letter", "standard")
    first = pc.read_pdf(_PDFS[key]).pages[0]
    for words in not_set_words(language):
        assert words not in first.flat
    assert re.search(r"_{5,}", first.text), "no write-in line for the phone"
    assert re.search(r"(?<!\d)911(?!\d)", first.flat)


# ---- honest sources ---------------------------------------------------------------------------------


def _unprintable_needles() -> list[tuple[str, str]]:
    """(reference id, text) for every reference that must never print: its locator and its citation.

    Uses `Reference.printable` (H1) where it exists; until then, the reliability grade alone.
    """
    references = load_content("en").rules.references

    def printable_ref(ref: Any) -> bool:
        if hasattr(type(ref), "printable"):
            return bool(ref.printable)
        return ref.reliability not in ("low", "unconfirmed")

    def needles(ref: Any) -> list[str]:
        found = []
        for locator in (ref.url, ref.doi):
            if locator:
                found.append(pc.squeeze(re.sub(r"^https?://(www\.)?", "", locator)))
        found.append(pc.squeeze(ref.citation)[:40])
        return [n for n in found if len(n) >= 12]

    kept = {n for ref in references.values() if printable_ref(ref) for n in needles(ref)}
    return [
        (ref_id, n)
        for ref_id, ref in references.items()
        if not printable_ref(ref)
        for n in needles(ref)
        if n not in kept
    ]


def assert_honest_sources(facts: pc.PdfFacts) -> None:
    assert pc.drafting_notes(facts.text) == []
    text = pc.squeeze(facts.text)
    printed = sorted({ref_id for ref_id, needle in _unprintable_needles() if needle in text})
    assert printed == [], f"references that must not print: {printed}"


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_pack_has_no_drafting_notes_and_no_unprintable_reference(case: str, language: str) -> None:
    assert_honest_sources(pdf(case, language))


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_no_sentence_carries_more_than_three_citation_numbers(case: str, language: str) -> None:
    marks = pc.citation_marks(pdf(case, language).text)
    assert [m for m in marks if len(m) > 3] == []


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_the_reading_part_ends_saying_where_the_sources_are(case: str, language: str) -> None:
    """On the last page, or, with a plan, on the last page before the tools: every page after the one
    that says where the sources are holds the wallet card or the dose calendar, nothing else to read."""
    facts = pdf(case, language)
    handout = pack(case, language)
    tools = _tool_titles(handout)
    candidates = [
        pc.fixed_fragment(text)
        for path, table in _tables(_toml(language, "pack"))
        for key, text in table.items()
        if isinstance(text, str)
        and path[:1] != ("evidence_sheet",)  # the sheet's own words, not the pack's pointer to it
        and re.search("source", ".".join((*path, key)))
    ]
    candidates = [c for c in candidates if len(c) >= 12]
    candidates.append(evidence_sheet(case, language).title)  # naming the sheet says where they are
    assert candidates, "no words for where the sources are in pack.toml, and no evidence sheet"
    said = [p for p in facts.pages if any(pc.has_phrase(p.flat, c) for c in candidates)]
    assert said, candidates
    after = facts.pages[said[-1].number :]
    assert all(any(pc.has_phrase(p.flat, title) for title in tools) for p in after), [p.number for p in after]
    if not is_plan(case):
        assert not after, [p.number for p in after]


def _tool_titles(handout: model.Handout) -> list[str]:
    """The titles printed on the tools' pages: the wallet card's heading and the calendar's own title
    (repeated on each page it runs to)."""
    titles = [b.title for b in handout.blocks if isinstance(b, model.Calendar)]
    heading = ""
    for block in handout.blocks:
        if isinstance(block, model.Heading) and block.level == 1:
            heading = block.text
        if isinstance(block, model.WalletCard):
            titles.append(heading)
    return titles


# ---- in numbers: the not-comparable frame -----------------------------------------------------------


def _is_ldn_array(block: model.IconArray) -> bool:
    words = " ".join((block.title, block.caption, *(g.label for g in block.groups)))
    return "LDN" in words


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_ldn_numbers_from_other_illnesses_stand_only_inside_the_not_comparable_frame(
    case: str, language: str
) -> None:
    handout = pack(case, language)
    loose = [b.title for b in handout.blocks if isinstance(b, model.IconArray) and _is_ldn_array(b)]
    assert loose == [], f"LDN pictures outside the not-comparable frame: {loose}"
    flat = pdf(case, language).flat
    blocks = list(handout.blocks)
    for index, block in enumerate(blocks):
        if not isinstance(block, model.Framed):
            continue
        arrays = [b for b in block.blocks if isinstance(b, model.IconArray)]
        if not arrays:
            continue
        start = flat.find(pc.flatten(block.heading))
        assert start >= 0, f"the frame heading is not printed: {block.heading!r}"
        after = next((b for b in blocks[index + 1 :] if isinstance(b, model.Heading)), None)
        end = flat.find(pc.flatten(after.text), start) if after is not None else len(flat)
        end = len(flat) if end < 0 else end
        for array in arrays:
            label = pc.flatten(array.groups[0].label)
            position = flat.find(label, start)
            assert start <= position < end, f"{label!r} is not printed inside the frame"


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_in_numbers_says_there_are_none_for_ldn_in_adhd_and_pictures_cannot_be_compared(
    case: str, language: str
) -> None:
    words = _toml(language, "pack").get("numbers", {})
    flat = pdf(case, language).flat
    for key in ("no_ldn_numbers", "cannot_compare"):
        assert key in words, f"{language}/pack.toml has no numbers.{key}"
        assert pc.has_phrase(flat, pc.fixed_fragment(words[key])), key


@pytest.mark.parametrize(("case", "language"), CASE_LANGUAGES)
def test_pictures_are_from_the_patients_age_group(case: str, language: str) -> None:
    """Adult trial numbers for adults, children's for children (the review found a child trial's harms
    shown to adults)."""
    arrays = _toml(language, "pack").get("numbers", {}).get("arrays", {})
    wrong = "_adult_" if voice(case) == "child" else "_child_"
    flat = pdf(case, language).flat
    shown = [
        array_id
        for array_id, words in arrays.items()
        if wrong in array_id and pc.has_phrase(flat, pc.fixed_fragment(str(words.get("with_option", ""))))
    ]
    assert shown == [], f"pictures for the other age group: {shown}"


# ---- readability ------------------------------------------------------------------------------------


@pytest.mark.usefixtures("offline_cmudict")
@pytest.mark.parametrize("case", [*FULL_CASES])
def test_english_pack_reads_at_grade_8_or_below(case: str) -> None:
    assert pc.english_grade(pc.prose(pack(case, "en"))) <= 8.0


@pytest.mark.parametrize("case", [*FULL_CASES])
def test_spanish_pack_is_easy_to_read(case: str) -> None:
    assert pc.spanish_ease(pc.prose(pack(case, "es"))) >= 70


# ---- the child's pack -------------------------------------------------------------------------------

CAREGIVER = {"en": r"\byour child\b", "es": r"\bsu (?:hij[oa]|niñ[oa])\b"}
PREGNANCY = {"en": r"pregnan", "es": r"embaraz"}


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_child_pack_speaks_to_the_caregiver_and_has_no_pregnancy_line(language: str, size: str) -> None:
    facts = pdf("child", language, "letter", size)
    first = facts.pages[0].flat
    assert re.search(CAREGIVER[language], first, re.IGNORECASE), "page 1 does not address the caregiver"
    assert "Mia" in first  # the child's name, with "your child"
    assert re.search(PREGNANCY[language], facts.flat, re.IGNORECASE) is None
    # the liquid: every step in mL and mg
    assert re.search(r"\d\s?mL\s?\(\d", facts.flat), "no liquid step written as mL (mg)"


# ---- calendars in the pack --------------------------------------------------------------------------


def _weekday_names(handout: model.Handout) -> list[tuple[str, ...]]:
    return [b.weekday_names for b in handout.blocks if isinstance(b, model.Calendar)]


def assert_calendars_fit(handout: model.Handout, facts: pc.PdfFacts) -> None:
    assert pc.text_outside_page(facts) == []
    for names in _weekday_names(handout):
        assert len(names) == 7
        assert any(pc.weekday_header(page, names) for page in facts.pages), f"no page shows all of {names}"


@pytest.mark.parametrize(
    ("case", "language", "paper", "size"), [v for v in VARIANTS if v[0] in ("ldn_option", "child")]
)
def test_pack_calendar_shows_seven_days_on_the_page(case: str, language: str, paper: str, size: str) -> None:
    handout = pack(case, language)
    assert _weekday_names(handout), "the plan pack has no calendar"
    assert_calendars_fit(handout, pdf(case, language, paper, size))


# ---- the evidence sheet -----------------------------------------------------------------------------


def evidence_sheet(case: str, language: str) -> model.Handout:
    """H5's evidence sheet for the case, with the clinic the pack was composed with."""
    sheet = compose_evidence_sheet_for_visit(_visit(case), language, CLINIC)
    assert sheet.document == "evidence_sheet"
    return sheet


def evidence_pdf(case: str, language: str) -> pc.PdfFacts:
    key = ("evidence", case, language)
    if key not in _PDFS:
        _PDFS[key] = _render(evidence_sheet(case, language), "letter", "standard")
    return pc.read_pdf(_PDFS[key])


EVIDENCE_CASES = [
    (c, lang) for c in ("ldn_option", "guideline_first", "stop", "incomplete", "child") for lang in LANGUAGES
]


@pytest.mark.parametrize(("case", "language"), EVIDENCE_CASES)
def test_evidence_sheet_lists_every_number_the_pack_cites(case: str, language: str) -> None:
    handout = pack(case, language)
    cited_numbers = {n for mark in pc.citation_marks(pdf(case, language).text) for n in mark}
    assert cited_numbers, "the pack cites nothing"
    assert max(cited_numbers) <= len(handout.cited)
    sheet = evidence_sheet(case, language)
    assert sheet.document == "evidence_sheet"
    assert tuple(sheet.cited) == tuple(handout.cited)  # the same ids under the same numbers
    flat = evidence_pdf(case, language).flat
    references = load_content(language).rules.references
    position = -1
    for number, ref_id in enumerate(handout.cited, start=1):
        citation = pc.flatten(references[ref_id].citation)[:40]
        found = flat.find(citation, position + 1)  # two sources may open alike
        assert found > position, f"[{number}] {ref_id} is missing or out of order on the evidence sheet"
        position = found
        if number in cited_numbers:
            assert re.search(rf"(?<![\d.,]){number}[.)\]]?\s", flat[max(0, found - 12) : found + 1])


@pytest.mark.parametrize(("case", "language"), EVIDENCE_CASES)
def test_evidence_sheet_prints_only_reliable_references_and_no_reviewer_notes(
    case: str, language: str
) -> None:
    facts = evidence_pdf(case, language)
    assert_honest_sources(facts)
    assert pc.unembedded_fonts(facts) == []
    assert pc.landscape_pages(facts) == []
    references = load_content(language).rules.references
    text = pc.squeeze(facts.text)
    for ref_id in pack(case, language).cited:
        note = references[ref_id].note
        if note and len(pc.squeeze(note)) >= 20:
            assert pc.squeeze(note)[:30] not in text, f"the reviewer's note of {ref_id} is printed"


# ---- follow-up sheets -------------------------------------------------------------------------------

FOLLOWUPS = ("followup_advance", "followup_stop")
FOLLOWUP_VARIANTS = [
    (case, language, paper, size)
    for case in FOLLOWUPS
    for language in LANGUAGES
    for paper in PAPERS
    for size in SIZES
]


def followup(case: str, language: str) -> model.Handout:
    sheet = compose_followup_for_visit(load_visit(resource_path(f"examples/{case}.json")), language, CLINIC)
    assert sheet is not None
    return sheet


def followup_pdf(case: str, language: str, paper: str, size: str) -> pc.PdfFacts:
    key = ("followup", case, language, paper, size)
    if key not in _PDFS:
        _PDFS[key] = _render(followup(case, language), paper, size)
    return pc.read_pdf(_PDFS[key])


@pytest.mark.parametrize(("case", "language", "paper", "size"), FOLLOWUP_VARIANTS)
def test_followup_sheet_is_portrait_and_its_calendar_fits(
    case: str, language: str, paper: str, size: str
) -> None:
    handout = followup(case, language)
    facts = followup_pdf(case, language, paper, size)
    assert pc.landscape_pages(facts) == []
    assert_calendars_fit(handout, facts)
    for page in facts.pages:
        assert pc.words_outside_frame(page, pc.MARGIN / 2) == [], page.number
    assert pc.unembedded_fonts(facts) == []
    assert pc.missing_glyphs(facts) == []
    assert pc.trailing_zero_doses(facts.text) == []
    assert pc.split_doses(facts) == []
    if language == "es":
        assert pc.decimal_point_doses(facts.text) == []
    assert_honest_sources(facts)


def test_advance_sheet_has_a_calendar() -> None:
    for language in LANGUAGES:
        assert _weekday_names(followup("followup_advance", language)), language


def _sheet_words(language: str, pattern: str) -> list[str]:
    """The fixed words of sheets.toml texts whose key path matches `pattern` (H3's keys, found by name)."""
    return [
        pc.fixed_fragment(text)
        for path, table in _tables(_toml(language, "sheets"))
        for key, text in table.items()
        if isinstance(text, str) and re.search(pattern, ".".join((*path, key)))
    ]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("language", LANGUAGES)
def test_stop_sheet_gives_the_phone_the_emergency_number_leftover_medicine_and_the_card(
    language: str, size: str
) -> None:
    facts = followup_pdf("followup_stop", language, "letter", size)
    assert any(pc.on_one_line(page, PHONE) for page in facts.pages), "no clinic phone on the stop sheet"
    assert re.search(r"(?<!\d)911(?!\d)", facts.flat), "no emergency number on the stop sheet"
    for what, pattern in (("leftover medicine", "leftover|take_?back"), ("carrying the card", "stop_card")):
        words = [w for w in _sheet_words(language, pattern) if len(w) >= 12]
        assert words, f"sheets.toml ({language}) has no words about {what}"
        assert any(pc.has_phrase(facts.flat, w) for w in words), f"no line about {what}: {words}"


# ---- self-checks of the helpers (fast, no rendering) -------------------------------------------------


def test_dose_patterns_catch_what_the_review_found() -> None:
    assert pc.trailing_zero_doses("take 3.0 mg at bedtime") == ["3.0 mg"]
    assert pc.trailing_zero_doses("take 3 mg, then 4.5\xa0mg") == []
    assert pc.naked_decimal_doses("take .5 mg") == [".5 mg"]
    assert pc.decimal_point_doses("tome 1.5 mg") == ["1.5 mg"]
    assert pc.decimal_comma_doses("tome 1,5\xa0mg") == ["1,5 mg"]  # no-break space read as a space
    assert pc.citation_marks("a [1] b [2, 5] c [3\u20135]") == [(1,), (2, 5), (3, 4, 5)]
    assert pc.fixed_fragment("Until {date}, take no opioids [1].") == "take no opioids"


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("case", FOLLOWUPS)
def test_evidence_sheet_of_a_followup_visit_lists_the_follow_up_sheets_sources(
    case: str, language: str
) -> None:
    visit = load_visit(resource_path(f"examples/{case}.json"))
    key = ("evidence", case, language)
    if key not in _PDFS:
        _PDFS[key] = _render(compose_evidence_sheet_for_visit(visit, language, CLINIC), "letter", "standard")
    facts = pc.read_pdf(_PDFS[key])
    assert_honest_sources(facts)
    references = load_content(language).rules.references
    cited = {
        n for mark in pc.citation_marks(followup_pdf(case, language, "letter", "standard").text) for n in mark
    }
    sheet_cited = followup(case, language).cited
    assert max(cited, default=0) <= len(sheet_cited)
    for number in sorted(cited):
        citation = pc.flatten(references[sheet_cited[number - 1]].citation)[:40]
        assert citation in facts.flat, f"follow-up sheet source [{number}] is not on the evidence sheet"
