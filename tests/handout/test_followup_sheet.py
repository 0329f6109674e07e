"""The one-page sheet a patient takes home after a follow-up review."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pdfplumber
import pytest

from ldn_aid.cli import main
from ldn_aid.content import load_content
from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_followup_for_visit
from ldn_aid.handout.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.paths import resource_path
from ldn_aid.rules.review import review
from ldn_aid.visit_file import load_visit


def _visit(name: str):  # type: ignore[no-untyped-def]
    return load_visit(resource_path(f"examples/{name}.json"))


def _blocks(handout: model.Handout, kind: type) -> list:
    return [b for b in handout.blocks if isinstance(b, kind)]


def test_advance_sheet_shows_the_new_dose_the_next_review_and_a_calendar() -> None:
    visit = _visit("followup_advance")
    decision = review(visit)
    assert decision is not None
    assert decision.decision == "advance"
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    box = _blocks(sheet, model.Box)[0]
    assert box.heading == load_content("en").language.handout.follow_up.decisions["advance"]
    facts = dict(_blocks(sheet, model.Facts)[1].rows)
    assert facts["Dose"] == "4.5 mg"
    assert facts["Next review"] == "Mon Jan 11, 2027"
    assert decision.next_review is not None
    assert decision.next_review.isoformat() == "2027-01-11"
    calendar = _blocks(sheet, model.Calendar)[0]
    assert calendar.weeks[0].days[0] == decision.review_date
    assert all(week.dose == "4.5 mg" for week in calendar.weeks)
    assert dict(calendar.marked) == {decision.next_review: "Next review"}


def test_stop_sheet_says_stop_and_warns_about_opioids_afterwards() -> None:
    visit = _visit("followup_stop")
    sheet = compose_followup_for_visit(visit, "en")
    assert sheet is not None
    words = load_content("en").language.handout
    assert _blocks(sheet, model.Box)[0].heading == words.follow_up.decisions["stop"]
    assert _blocks(sheet, model.Box)[0].style == "stop"
    assert _blocks(sheet, model.Calendar) == []
    warning = _blocks(sheet, model.Box)[1]
    assert words.follow_up.no_more_doses in warning.paragraphs
    assert any("opioid" in bullet.lower() for bullet in warning.bullets)


def test_no_follow_up_means_no_sheet() -> None:
    assert compose_followup_for_visit(_visit("ldn_option"), "en") is None


@pytest.mark.parametrize("name", ["followup_advance", "followup_stop"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_sheet_fits_one_page_in_both_languages(name: str, paper: str) -> None:
    for language in ("en", "es"):
        sheet = compose_followup_for_visit(_visit(name), language)
        assert sheet is not None
        data = render_pdf_bytes(sheet, RenderOptions(paper=paper))  # type: ignore[arg-type]
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            assert len(pdf.pages) == 1, (name, language, paper)
            assert min(c["size"] for c in pdf.pages[0].chars if c["top"] < pdf.pages[0].height - 72) >= 11.99


def test_english_and_spanish_sheets_carry_the_same_numbers() -> None:
    def numbers(language: str) -> list[str]:
        sheet = compose_followup_for_visit(_visit("followup_advance"), language)
        assert sheet is not None
        text = " ".join(
            str(value)
            for block in sheet.blocks
            if not isinstance(block, model.ReferenceList)
            for value in block.model_dump(mode="json").values()
        )
        return sorted(re.findall(r"\d+(?:\.\d+)?", text))

    assert numbers("en") == numbers("es")


def test_cli_writes_the_sheet_and_refuses_a_visit_without_follow_ups(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "sheet.pdf"
    assert main(["followup-sheet", str(resource_path("examples/followup_advance.json")), "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"%PDF")
    assert (
        main(["followup-sheet", str(resource_path("examples/stop.json")), "-o", str(tmp_path / "x.pdf")]) == 2
    )
    assert "no follow-up visits" in capsys.readouterr().err
    assert not (tmp_path / "x.pdf").exists()
