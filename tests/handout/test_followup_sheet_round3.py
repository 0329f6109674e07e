"""Issue 11, pharmacist's and patients' review of the follow-up sheets and the wallet card (round 3).

Each test names the review item it checks. The words come from the content files (sheets.toml,
findings.toml, pack.toml); the doses and dates from the visit files.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pdf_checks as pc
import pdfplumber
import pytest
from samples import block_texts, wallet_card_pdf

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.words import patient_text
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.calendar import written_date
from ldn_aid.handout.compose import compose_followup_for_visit
from ldn_aid.handout.followup_sheet import URL_PRINT_LIMIT, score_goal
from ldn_aid.handout.wallet_card import wallet_card_blocks
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

SHEET_CASES = Path(__file__).resolve().parent / "cases"
LANGUAGES = ("en", "es")
CLINIC = ClinicSettings(
    clinic_name="Riverside Family Clinic",
    phone="(555) 201-4477",
    after_hours_phone="(555) 201-4478",
    prescriber_name="Dr. Ana Ruiz",
)
NBSP = "\u00a0"
SHEETS = {
    "followup_advance": lambda: load_visit(resource_path("examples/followup_advance.json")),
    "followup_stop": lambda: load_visit(resource_path("examples/followup_stop.json")),
    "fu_morning_switch": lambda: load_visit(SHEET_CASES / "fu_morning_switch.json"),
    "fu_child_liquid": lambda: load_visit(SHEET_CASES / "fu_child_liquid.json"),
}
_PDFS: dict[tuple[str, str, str], bytes] = {}


def _sheet(visit: Visit, language: str, clinic: ClinicSettings = CLINIC) -> model.Handout:
    sheet = compose_followup_for_visit(visit, language, clinic)
    assert sheet is not None
    return sheet


def _named(name: str, language: str) -> model.Handout:
    return _sheet(SHEETS[name](), language)


def _pdf(name: str, language: str, size: str) -> pc.PdfFacts:
    key = (name, language, size)
    if key not in _PDFS:
        options = RenderOptions(paper="letter", large_print=size == "large")
        _PDFS[key] = render_pdf_bytes(_named(name, language), options)
    return pc.read_pdf(_PDFS[key])


def _blocks(sheet: model.Handout, kind: type) -> list[Any]:
    return [b for b in sheet.blocks if isinstance(b, kind)]


def _box(sheet: model.Handout) -> model.Box:
    box: model.Box = _blocks(sheet, model.Box)[0]
    return box


def _call(sheet: model.Handout, content: ContentBundle) -> model.Box:
    (call,) = [
        b for b in _blocks(sheet, model.Box) if b.heading == content.language.sheets.followup.call_heading
    ]
    return call


def _with_result(visit: Visit, score: float, cgi_i: int) -> Visit:
    """The visit with its last follow-up's score and clinician rating changed."""
    last = visit.follow_ups[-1].model_copy(update={"score": score, "cgi_i": cgi_i})
    return visit.model_copy(update={"follow_ups": (*visit.follow_ups[:-1], last)})


def _quoted(text: str) -> str:
    """The word the sheet asks to write on the card: the first one in quotation marks."""
    match = re.search(r"[“«]([^”»]+)[”»]", text)
    assert match, text
    return match.group(1)


# ---- 1. the stop reason says which goal was missed; the goal as a whole number, the rating in words --


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(
    ("score", "cgi_i", "missed"),
    [(15, 3, "missed_rating"), (30, 2, "missed_score"), (30, 4, "missed_both")],
    ids=["rating", "score", "both"],
)
def test_the_stop_reason_names_the_goal_that_was_missed(
    language: str, score: float, cgi_i: int, missed: str
) -> None:
    """followup_stop: 36 -> 15 met the score goal (25.2), but the sheet said the scores did not get
    better enough; only the rating (CGI-I 3, goal 2 or lower) failed."""
    content = load_content(language)
    followup = content.language.sheets.followup
    voice = followup.voice["adult"]
    visit = _with_result(SHEETS["followup_stop"](), score, cgi_i)
    decision = decide(visit).latest
    assert decision is not None
    assert decision.decision == "stop"
    assert "followup_stop_no_response" in decision.rule_ids
    sheet = _sheet(visit, language)
    bullets = _box(sheet).bullets
    values = {
        "score": str(score),
        "score_goal": "25",  # 36 less 30 % is 25.2: printed rounded down
        "rating": followup.ratings[cgi_i - 1],
        "rating_goal": followup.ratings[1],  # "much better"
    }
    expected = f"{getattr(voice, missed).format(**values)} {voice.missed_then}"
    assert any(item.startswith(expected) for item in bullets), bullets
    # The generic findings words ("... did not get better by as much as the goal") are not printed.
    generic = patient_text(content, "followup_stop_no_response")
    assert generic is not None
    assert not any(item.startswith(generic) for item in bullets)
    assert not re.search(r"25[.,]2", block_texts(sheet))


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_result_box_marks_each_goal_met_or_not_in_words(language: str) -> None:
    followup = load_content(language).language.sheets.followup
    sheet = _named("followup_stop", language)
    (result,) = [b for b in _blocks(sheet, model.Box) if b.heading == followup.result_heading]
    text = result.paragraphs[0]
    score = followup.voice["adult"].result_score.format(
        baseline="36", now="15", goal="25", verdict=followup.goal_met
    )
    rating = followup.voice["adult"].result_rating.format(
        rating=followup.ratings[2], goal=followup.ratings[1], verdict=followup.goal_not_met
    )
    assert text == f"{score} {rating} {followup.result_not_met}"


def test_the_score_goal_is_rounded_down_for_a_whole_score() -> None:
    assert score_goal(Decimal(36), Decimal(30), Decimal(15)) == 25
    assert score_goal(Decimal(40), Decimal(30), Decimal(20)) == 28
    # A score with a fraction keeps the goal's fraction, so the printed goal never contradicts the rule.
    assert score_goal(Decimal(36), Decimal(30), Decimal("25.1")) == Decimal("25.2")


# ---- 2. after stopping: "STOPPED" and the date across the card; more sensitive to opioids ----------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_stop_sheet_has_the_card_marked_stopped_and_warns_of_opioid_sensitivity(language: str) -> None:
    """The sheet said to keep carrying a card that says opioids may need higher doses."""
    content = load_content(language)
    words = content.language.sheets
    voice = words.followup.voice["adult"]
    sheet = _named("followup_stop", language)
    (steps,) = [b for b in _blocks(sheet, model.Bullets) if b.numbered]
    card_step = next(item for item in steps.items if item.startswith(voice.stop_card.text))
    marker = _quoted(voice.stop_card.text)
    assert marker.isupper()  # "STOPPED" / "SUSPENDIDA", written across the card
    days = str(int(content.rules.number("surgery_hold_days")))
    assert days in card_step
    # At least that long, and until the care team says so (round-2 review: after about 3 days the
    # patient grows more sensitive to opioids, which is just when the card matters).
    assert ("until your care team says" if language == "en" else "hasta que su médico") in card_step
    # The 3 days are practice advice, never cited as the label's.
    assert not re.search(r"\[\d", card_step)
    # The opioid box cites the naltrexone label (DailyMed), "vulnerability to opioid overdose".
    (warning,) = [b for b in _blocks(sheet, model.Box) if b.style == "warning"]
    assert warning.paragraphs[0].startswith(voice.stop_opioids.text)
    assert "NTX-DM" in voice.stop_opioids.references
    assert content.rules.references["NTX-DM"].kind == "label"
    assert "NTX-DM" in sheet.cited
    # The card itself says what the marker means, so an emergency team reads it right.
    visit = load_visit(resource_path("examples/ldn_option.json"))
    protocol = decide(visit).protocol
    assert protocol is not None
    (card,) = [
        b for b in wallet_card_blocks(protocol, visit, content, CLINIC) if isinstance(b, model.WalletCard)
    ]
    assert any(marker in line for line in card.back_lines)


# ---- 3. leftover medicine: take-back or FDA's household trash; no web address broken mid-word --------


@pytest.mark.parametrize("language", LANGUAGES)
def test_leftover_medicine_gives_fda_s_trash_method_with_its_source(language: str) -> None:
    content = load_content(language)
    voice = content.language.sheets.followup.voice["adult"]
    sheet = _named("followup_stop", language)
    assert "FDA-TRASH" in voice.stop_leftover_capsule.references
    assert "FDA-TRASH" in voice.stop_leftover_liquid.references
    trash = content.rules.references["FDA-TRASH"]
    assert (trash.kind, trash.reliability, trash.printable) == ("organisation", "primary", True)
    assert (trash.url or "").endswith("drug-disposal-dispose-non-flush-list-medicine-trash")
    number = sheet.cited.index("FDA-TRASH") + 1
    (steps,) = [b for b in _blocks(sheet, model.Bullets) if b.numbered]
    leftover = next(item for item in steps.items if item.startswith(voice.stop_leftover_capsule.text))
    assert re.search(rf"\[[\d, ]*\b{number}\b[\d, ]*\]$", leftover)
    # No web address in the patient's words.
    assert not re.search(r"https?:|www\.", block_texts(sheet))


@pytest.mark.parametrize("size", ["standard", "large"])
@pytest.mark.parametrize("language", LANGUAGES)
def test_no_web_address_is_broken_inside_a_word(language: str, size: str) -> None:
    """ "https://fda.g / ov/drugs/..." was printed in the sources."""
    sheet = _named("followup_stop", language)
    (sources,) = _blocks(sheet, model.ReferenceList)
    for item in sources.items:
        for token in item.split():
            if "://" in token or token.startswith("www."):
                assert len(token) <= URL_PRINT_LIMIT, token
    facts = _pdf("followup_stop", language, size)
    for page in facts.pages:
        for line in page.lines:
            for token in line.split():
                if re.search(r"\.(gov|org|com)\b|https?:", token):
                    assert re.fullmatch(r"[a-z.]+\.(gov|org|com)", token), (page.number, line)


# ---- 4. one missed-dose sentence everywhere ---------------------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_missed_dose_sentence_is_the_pack_s_everywhere(language: str) -> None:
    content = load_content(language)
    missed = content.language.pack.plan.missed
    assert not isinstance(missed, str)  # a sentence for the patient, one for the parent
    followup = content.language.sheets.followup
    assert followup.missed == missed.adult
    adherence = patient_text(content, "followup_adherence")
    assert adherence is not None
    assert adherence.endswith(missed.adult)
    child = followup.voice["child"].reasons["followup_adherence"].format(who="{child}", Who="{child}")
    assert child.endswith(missed.child)
    # The old advice ("skip it and take the next one at the usual time") is gone from the clinician's
    # words too, so the chart note agrees with the sheet.
    clinician = content.language.findings["followup_adherence"].clinician
    assert not re.search("usual time|hora de siempre", clinician)


# ---- 5. the morning switch: no dose tonight, practice advice, the card's time -----------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_morning_switch_says_no_dose_tonight_and_to_change_the_card(language: str) -> None:
    content = load_content(language)
    words = content.language.sheets
    voice = words.followup.voice["adult"]
    visit = SHEETS["fu_morning_switch"]()
    sheet = _sheet(visit, language)
    decision = decide(visit).latest
    assert decision is not None
    assert decision.review_date == dt.date(2026, 12, 28)
    now_line = _box(sheet).paragraphs[0]
    tomorrow = words.followup.start.tomorrow_morning.format(date=written_date(dt.date(2026, 12, 29), words))
    assert tomorrow in now_line
    assert now_line.endswith(voice.skip_tonight)
    # Practice advice, with no source number (Smith 2007 dosed in the evening).
    (reason,) = _box(sheet).bullets
    assert reason == patient_text(content, "followup_switch_morning")
    assert "SM07" not in sheet.cited
    assert not _blocks(sheet, model.ReferenceList)
    card = voice.card_time.format(old=words.dose.timing["bedtime"], new=words.dose.timing["morning"])
    assert card in block_texts(sheet)


def test_a_bedtime_review_with_no_timing_change_says_nothing_about_tonight_or_the_card() -> None:
    content = load_content("en")
    voice = content.language.sheets.followup.voice["adult"]
    sheet = _named("followup_advance", "en")
    assert voice.skip_tonight not in block_texts(sheet)
    assert voice.card_time.split("{")[0] not in block_texts(sheet)


# ---- 6. the new calendar replaces the old one; the dates in the text and the calendar agree --------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", ["followup_advance", "fu_child_liquid"])
def test_the_new_calendar_replaces_the_old_and_starts_on_the_date_the_text_gives(
    name: str, language: str
) -> None:
    content = load_content(language)
    words = content.language.sheets
    visit = SHEETS[name]()
    sheet = _sheet(visit, language)
    (calendar,) = _blocks(sheet, model.Calendar)
    assert calendar.note == words.calendar.replaces
    first_new = next(week for week in calendar.weeks if week.new_dose)
    start = first_new.days[first_new.new_dose_at]
    now_line = _box(sheet).paragraphs[0]
    assert written_date(start, words) in now_line
    assert f"{words.followup.start.tonight.format(date=written_date(start, words))}," in now_line
    assert first_new.dose in now_line
    # "Go up to the next dose on your calendar" pointed at the old calendar, whose date differs.
    old = {"en": "on your calendar", "es": "de su calendario"}[language]
    assert old not in block_texts(sheet)


# ---- 7. self-harm: the pack's words (emergency number, or the crisis line) --------------------------


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SHEETS))
def test_the_self_harm_line_gives_the_emergency_number_and_the_crisis_line(name: str, language: str) -> None:
    """The pack says "Call 911, or call or text 988"; the follow-up sheets said 988 only."""
    content = load_content(language)
    clinic = CLINIC.model_copy(update={"emergency_number": "112", "crisis_line": "024"})
    sheet = _sheet(SHEETS[name](), language, clinic)
    crisis = _call(sheet, content).bullets[-1]
    # The pack's own instruction, from the emergency number to the crisis line.
    pack_line = content.language.pack.plan.emergency.adult[0].format(emergency="112", crisis="024")
    instruction = pack_line[pack_line.index("112") : pack_line.index("024") + 3]
    assert instruction in crisis


# ---- 8. Spanish: "control" for the follow-up visit; "vivos"; one prescriber label -------------------


def test_spanish_sheets_call_the_visit_a_control_and_keep_revision_for_the_response_review() -> None:
    es = load_content("es")
    words = es.language.sheets
    followup = words.followup
    assert "control" in followup.title.lower()
    assert "revisi" not in followup.title.lower()
    assert followup.next_review == words.calendar.next_review
    assert "revisi" not in followup.next_review.lower()
    assert followup.response_review == words.calendar.response_review
    for name in SHEETS:
        sheet = _named(name, "es")
        for label, _ in _blocks(sheet, model.Facts)[0].rows:
            if "revisi" in label.lower():
                assert label == words.calendar.response_review
        texts = block_texts(sheet)
        assert "vívid" not in texts
        for calendar in _blocks(sheet, model.Calendar):
            assert all("revisi" not in line.lower() for line in calendar.legend)
    assert "vivos" in (patient_text(es, "followup_switch_morning") or "")
    prescriber = es.language.pack.visit.contacts.prescriber.split(":")[0]
    assert words.wallet.prescriber == prescriber


# ---- 9. the child's name, not "your child"; US English ---------------------------------------------


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_child_s_sheet_and_card_use_the_child_s_name(language: str) -> None:
    content = load_content(language)
    visit = SHEETS["fu_child_liquid"]()
    sheet = _sheet(visit, language)
    box = _box(sheet)
    assert box.paragraphs[0].startswith("Mia Example")
    (reason,) = box.bullets
    assert reason == content.language.sheets.followup.voice["child"].reasons["followup_advance"].format(
        who="Mia Example", Who="Mia Example"
    )
    generic = {"en": ("your child", "Your child"), "es": ("hijo o hija", "su hija")}[language]
    assert not any(word in block_texts(sheet) for word in generic)
    protocol = decide(visit).protocol
    assert protocol is not None
    blocks = wallet_card_blocks(protocol, visit, content, CLINIC)
    (card,) = [b for b in blocks if isinstance(b, model.WalletCard)]
    assert card.front_heading.startswith("Mia Example")
    instructions = " ".join(b.text for b in blocks if isinstance(b, model.Paragraph))
    assert "Mia Example" in instructions
    assert ("school nurse" if language == "en" else "enfermera de la escuela") in instructions
    assert not any(word in instructions for word in generic)


@pytest.mark.parametrize("language", LANGUAGES)
def test_with_no_name_the_sheet_says_your_child_and_the_card_this_child(language: str) -> None:
    content = load_content(language)
    visit = SHEETS["fu_child_liquid"]()
    visit = visit.model_copy(update={"patient": visit.patient.model_copy(update={"display_name": ""})})
    sheet = _sheet(visit, language)
    child = content.language.pack.visit.child.female  # Mia is a girl: "su hija"
    now_line = _box(sheet).paragraphs[0]
    assert now_line.startswith(child[:1].upper() + child[1:])
    assert not re.search(r"\{[A-Za-z_]+\}", block_texts(sheet))  # no placeholder left unfilled
    protocol = decide(visit).protocol
    assert protocol is not None
    blocks = wallet_card_blocks(protocol, visit, content, CLINIC)
    (card,) = [b for b in blocks if isinstance(b, model.WalletCard)]
    card_child = content.language.sheets.wallet.card_child
    assert card.front_heading.lower().startswith(card_child.lower())
    instructions = " ".join(b.text for b in blocks if isinstance(b, model.Paragraph))
    assert child in instructions


def test_us_english_says_check_the_box() -> None:
    calendar = load_content("en").language.sheets.calendar
    for voice in calendar.voice.values():
        assert all(not line.startswith("Tick") and line.startswith("Check") for line in voice.intro)


# ---- 10. layout: no page with only a source, the standard sheets as short as before ------------------


@pytest.mark.parametrize("size", ["standard", "large"])
@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("name", list(SHEETS))
def test_no_page_holds_a_lone_source_and_no_phone_number_is_split(
    name: str, language: str, size: str
) -> None:
    """fu_morning_switch page 2 held one source (Smith 2007, now dropped: the switch is practice
    advice); the call boxes split "(555)" from "201-4477"."""
    heading = load_content(language).language.sheets.followup.references
    facts = _pdf(name, language, size)
    for page in facts.pages[1:]:
        body = [line for line in page.lines[:-2] if line.strip() != heading]  # less the footer lines
        items = [line for line in body if re.match(r"\d+\. ", line)]
        if (body and re.match(r"\d+\. ", body[0])) or (page.lines and page.lines[0] == heading):
            assert len(items) >= 2, (page.number, body)
    for page in facts.pages:
        assert not re.search(r"\(555\)\s*$", page.text, re.MULTILINE), page.number
    if name == "fu_morning_switch":
        assert not _blocks(_named(name, language), model.ReferenceList)


@pytest.mark.parametrize(("name", "pages"), [("followup_advance", 1), ("fu_child_liquid", 1)])
def test_the_standard_english_advance_sheets_still_fit_one_page(name: str, pages: int) -> None:
    assert _pdf(name, "en", "standard").page_count == pages


def test_the_large_print_stop_sheet_keeps_its_result_on_the_first_page() -> None:
    heading = load_content("en").language.sheets.followup.result_heading
    facts = _pdf("followup_stop", "en", "large")
    assert heading in facts.pages[0].text


def test_a_card_line_fits_its_standard_print_card() -> None:
    """The "STOPPED" line fits the ID-1 card with the rest of its back (no text outside the card)."""
    visit = SHEETS["fu_child_liquid"]()
    protocol = decide(visit).protocol
    assert protocol is not None
    for language in LANGUAGES:
        data = wallet_card_pdf(protocol, visit, language, CLINIC)
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            (page,) = [p for p in pdf.pages if p.rects]
            card = max(page.rects, key=lambda r: r["width"] * r["height"])
            inside = [
                c
                for c in page.chars
                if card["x0"] <= c["x0"] <= card["x1"] and card["top"] <= c["top"] <= card["bottom"]
            ]
            marker = "STOPPED" if language == "en" else "SUSPENDIDA"
            assert marker in "".join(c["text"] for c in inside)
            assert min(c["size"] for c in inside) >= 7
