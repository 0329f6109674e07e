"""Red team D01: a large-print stop box taller than a page splits across pages instead of raising
reportlab's LayoutError (any patient on methadone has three stops)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.visit_file import load_visit

TESTS = Path(__file__).resolve().parents[1]
REPRODUCERS = {
    "three_stops": TESTS / "ui" / "cases" / "methadone_three_stops.json",
    "four_stops": TESTS / "handout" / "d01_cases" / "methadone_pregnant_four_stops.json",
}


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case", sorted(REPRODUCERS))
def test_large_print_stop_box_taller_than_a_page_splits(case: str, language: str, paper: str) -> None:
    visit = load_visit(REPRODUCERS[case])
    handout = compose_for_visit(visit, language)
    data = render_pdf_bytes(handout, RenderOptions(paper=paper, large_print=True))  # type: ignore[arg-type]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        # The stop box comes first; reading its pages is enough (reading all is slow).
        text = " ".join((page.extract_text() or "") for page in pdf.pages[:4])
    # Every stop's reason is printed, none lost at a page break.
    words = " ".join(text.split())
    stops = [block for block in handout.blocks if isinstance(block, model.Box) and block.style == "stop"]
    assert stops
    for box in stops:
        assert " ".join(box.heading.split()) in words
        for bullet in box.bullets:
            assert " ".join(bullet.split())[:40] in words


@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("case", sorted(REPRODUCERS))
def test_a_tall_stop_box_starts_on_page_1_names_itself_again_and_breaks_between_reasons(
    case: str, language: str
) -> None:
    """A patient reader saw the box pushed off page 1 (half of it left empty), page 2 open on a box
    with no title, and in Spanish a reason cut mid-sentence at the break."""
    visit = load_visit(REPRODUCERS[case])
    handout = compose_for_visit(visit, language)
    data = render_pdf_bytes(handout, RenderOptions(paper="letter", large_print=True))
    stops = [block for block in handout.blocks if isinstance(block, model.Box) and block.style == "stop"]
    assert len(stops) == 1
    box = stops[0]
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = [" ".join((page.extract_text() or "").split()) for page in pdf.pages[:4]]
    heading = " ".join(box.heading.split())
    assert heading in pages[0]  # it starts where it stands, after the main message
    continued = [number for number, text in enumerate(pages) if number and heading in text]
    assert continued  # the continued part opens with the box's heading again
    for bullet in box.bullets:
        words = " ".join(bullet.split())
        # Each reason is whole on one page: never cut at the page break.
        assert any(words[:30] in text and words[-30:] in text for text in pages), words[:40]
