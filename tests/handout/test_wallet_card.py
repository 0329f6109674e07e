"""The cut-out wallet card (issue 11): the patient's name, the dose as the plan really is (a liquid in
mL and mg with its strength), caregiver words and a parent line for a child, the clinic's name
wrapped and never cut, write-in lines long enough for a phone, cut marks 10 mm or more from the paper
edge, and the ID-1 size in every print size (front and back side by side, render_sheets.py: the
card has to fit a wallet; large print keeps it, with its text at 7 pt or more); a child's card names the
child, and every card says what "STOPPED" written across it means."""

from __future__ import annotations

import io
from pathlib import Path

import pdf_checks as pc
import pdfplumber
import pytest
from samples import example, wallet_card_pdf

from ldn_aid.content import load_content
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.wallet_card import wallet_card_blocks
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parent / "cases"
MM = 72 / 25.4
LONG_CLINIC = (
    "Riverside Family Health Center and Pediatric Behavioral Health Clinic, Old Mill Building, Suite 400"
)
CLINIC = ClinicSettings(clinic_name=LONG_CLINIC, phone="(555) 201-4477", prescriber_name="Dr. Rivera")


def _child() -> Visit:
    return load_visit(CASES / "fu_child_liquid.json")


def _plan(visit: Visit) -> Protocol:
    protocol = decide(visit).protocol
    assert protocol is not None
    return protocol


def _card(visit: Visit, language: str, clinic: ClinicSettings = CLINIC) -> model.WalletCard:
    blocks = wallet_card_blocks(_plan(visit), visit, load_content(language), clinic)
    (card,) = [b for b in blocks if isinstance(b, model.WalletCard)]
    return card


def _pdf(visit: Visit, language: str, paper: str, large_print: bool) -> bytes:
    return wallet_card_pdf(_plan(visit), visit, language, CLINIC, paper, large_print)


def test_the_card_names_the_patient_and_the_dose_as_the_plan_really_is() -> None:
    """D11: the card showed the target 4.5 mg from day one, and no name."""
    card = _card(example("ldn_option"), "en")
    assert "Name: Alex Example" in card.front_lines
    assert "Dose: 1.5\xa0mg at bedtime, rising to 4.5\xa0mg by December 29, 2026" in card.front_lines
    assert f"Clinic: {LONG_CLINIC}" in card.front_lines  # whole, wrapped by the renderer
    assert card.front_heading == "I take naltrexone (an opioid blocker)"
    assert not any("caregiver" in line for line in card.back_lines)


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_child_s_card_speaks_about_the_child_and_gives_the_liquid_in_ml_and_mg(language: str) -> None:
    """D8: "Dose: 2.5 mg" with no mL, no strength, no child's name, no parent."""
    card = _card(_child(), language)
    sheets = load_content(language).language.sheets
    voice = sheets.wallet.voice["child"]
    assert card.front_heading == voice.front_heading.format(who="Mia Example", Who="Mia Example")
    lines = " ".join(card.front_lines)
    assert "Mia Example" in lines
    if language == "en":
        assert (
            "0.8\xa0mL (0.8\xa0mg) at bedtime, rising to 2.5\xa0mL (2.5\xa0mg) by December 29, 2026" in lines
        )
        assert "Form: liquid, 1\xa0mg/mL" in card.front_lines
    else:
        rising = "0,8\xa0mL (0,8\xa0mg) al acostarse, hasta llegar a 2,5\xa0mL (2,5\xa0mg)"
        assert f"{rising} el 29 de diciembre de 2026" in lines
        assert "Forma: líquido, 1\xa0mg/mL" in card.front_lines
    assert any(line.startswith(sheets.wallet.caregiver) for line in card.back_lines)


def test_blank_settings_are_write_in_lines_never_not_filled_in() -> None:
    card = _card(example("ldn_option"), "en", ClinicSettings())
    blank = load_content("en").language.sheets.write_in
    lines = (*card.front_lines, *card.back_lines)
    assert f"Clinic: {blank}" in lines
    assert f"Phone: {blank}" in lines
    assert f"After hours: {blank}" in lines
    assert not any("not filled in" in line for line in lines)


def _dashed(line: dict[str, object]) -> bool:
    pattern = line.get("dash") or ((), 0)
    return bool(pattern[0])  # type: ignore[index]


def _outer_card(page: pdfplumber.page.Page) -> dict[str, float]:
    """The card's solid outline: the largest rectangle on the page."""
    return max(page.rects, key=lambda r: r["width"] * r["height"])


def _front_text(page: pdfplumber.page.Page, card: dict[str, float]) -> str:
    """The front's words (the left half): side by side, the two halves' lines interleave."""
    front = page.crop((card["x0"], card["top"], card["x0"] + 85.6 * MM, card["bottom"]))
    return pc.flatten(front.extract_text() or "")


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_standard_print_keeps_the_id1_size_and_the_cut_marks_far_from_the_edge(
    language: str, paper: str
) -> None:
    data = _pdf(_child(), language, paper, large_print=False)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        (page,) = [p for p in pdf.pages if p.rects]
        card = _outer_card(page)
        assert card["width"] == pytest.approx(2 * 85.6 * MM, abs=0.5)  # front and back, side by side
        assert card["height"] == pytest.approx(54 * MM, abs=0.5)
        edge = 10 * MM
        for line in [*page.lines, *page.rects]:
            assert min(line["x0"], page.width - line["x1"], line["top"], page.height - line["bottom"]) >= edge
        # The clinic's whole name is on the card, and a write-in line is long enough for a phone.
        assert pc.has_phrase(_front_text(page, card), LONG_CLINIC)
        rules = [ln for ln in page.lines if abs(ln["top"] - ln["bottom"]) < 0.1 and not _dashed(ln)]
        write_ins = [ln for ln in rules if card["x0"] < ln["x0"] and ln["x1"] <= card["x1"]]
        assert write_ins
        assert min(ln["x1"] - ln["x0"] for ln in write_ins) >= 40 * MM


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_large_print_keeps_the_id1_card_whole_and_readable(language: str, paper: str) -> None:
    """The card fits a wallet in every print size (render_sheets.py); its text stays 7 pt or more."""
    data = _pdf(_child(), language, paper, large_print=True)
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        (page,) = [p for p in pdf.pages if p.rects]
        card = _outer_card(page)
        assert card["width"] == pytest.approx(2 * 85.6 * MM, abs=0.5)
        assert card["height"] == pytest.approx(54 * MM, abs=0.5)
        inside = [
            c
            for c in page.chars
            if card["x0"] < c["x0"] < card["x1"] and card["top"] < c["top"] < card["bottom"]
        ]
        assert inside
        assert min(c["size"] for c in inside) >= 7
        assert pc.has_phrase(_front_text(page, card), LONG_CLINIC)
        edge = 10 * MM
        for line in page.lines:
            assert line["x0"] >= edge
            assert line["x1"] <= page.width - edge
        assert page.width < page.height


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_instructions_suggest_card_stock(language: str) -> None:
    blocks = wallet_card_blocks(
        _plan(example("ldn_option")), example("ldn_option"), load_content(language), CLINIC
    )
    text = " ".join(b.text for b in blocks if isinstance(b, model.Paragraph))
    assert ("card stock" if language == "en" else "cartulina") in text
