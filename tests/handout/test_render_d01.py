"""Red team D01: a large-print stop box taller than a page splits across pages instead of raising
reportlab's LayoutError (any patient on methadone has three stops)."""

from __future__ import annotations

import io
from pathlib import Path

import pdfplumber
import pytest

from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.handout.render_pdf import RenderOptions, render_pdf_bytes
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
    heading = "LDN is not a good choice for you right now" if language == "en" else "La LDN no es una buena"
    assert heading in words
    stops = [block for block in handout.blocks if isinstance(block, model.Box) and block.style == "stop"]
    assert stops
    for box in stops:
        for bullet in box.bullets:
            assert " ".join(bullet.split())[:40] in words
