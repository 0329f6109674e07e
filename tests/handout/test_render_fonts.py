"""Fonts on every sheet: nothing but embedded fonts, and names outside Atkinson Hyperlegible's letters
(Vietnamese, Polish, Greek, Cyrillic) printed in the packaged Noto Sans, never as empty boxes."""

from __future__ import annotations

import functools
import io
from pathlib import Path

import pdfplumber
import pytest
from reportlab.pdfbase.ttfonts import TTFontFile
from samples import EXAMPLES, pdf_for, printable
from test_render_blocks import embedded_font_problems

from ldn_aid.handout import model
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.pdf.render_pdf import MARGIN, RenderOptions, render_pdf_bytes
from ldn_aid.pdf.render_text import markup, runs
from ldn_aid.pdf.styles import FONT, FONT_BOLD, FONTS_DIR

NAMES = {
    "vietnamese": "Nguyễn Thị Đặng",
    "polish": "Łukasz Żółć",
    "greek": "Αλέξανδρος Παπαδόπουλος",
    "russian": "Дмитрий Иванов",
}


@functools.cache
def _cmap(fontname: str) -> frozenset[int]:
    """The code points of the TrueType file a PDF font name ("AAAAAA+NotoSans-Bold") comes from."""
    import fontpkg_atkinson_hyperlegible  # type: ignore[import-untyped]

    base = fontname.split("+", 1)[-1]
    atkinson = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    files = {
        "AtkinsonHyperlegible-Regular": atkinson / "AtkinsonHyperlegible-Regular.ttf",
        "AtkinsonHyperlegible-Bold": atkinson / "AtkinsonHyperlegible-Bold.ttf",
        "NotoSans-Regular": FONTS_DIR / "NotoSans-Regular.ttf",
        "NotoSans-Bold": FONTS_DIR / "NotoSans-Bold.ttf",
    }
    return frozenset(TTFontFile(str(files[base])).charToGlyph)


def missing_glyphs(data: bytes) -> list[str]:
    """Every printed character that its font has no glyph for (it would print as a box), and any
    character in a font that is neither Atkinson Hyperlegible nor Noto Sans."""
    problems = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for char in page.chars:
                name = char["fontname"]
                if "AtkinsonHyperlegible" not in name and "NotoSans" not in name:
                    problems.append(f"page {page.page_number}: {char['text']!r} in {name}")
                elif char["text"] == "\ufffd" or any(ord(c) not in _cmap(name) for c in char["text"]):
                    problems.append(f"page {page.page_number}: {char['text']!r} has no glyph in {name}")
    return problems


# ---- the text helper ------------------------------------------------------------------------------


def test_runs_put_only_the_missing_letters_in_the_fallback_font() -> None:
    assert runs("Nguyễn Thị", FONT) == [
        (FONT, "Nguy"),
        ("NotoSans", "ễ"),
        (FONT, "n Th"),
        ("NotoSans", "ị"),
    ]
    assert runs("Đặng", FONT_BOLD) == [(FONT_BOLD, "Đ"), ("NotoSans-Bold", "ặ"), (FONT_BOLD, "ng")]
    assert runs("José Núñez, Łukasz Żółć", FONT) == [(FONT, "José Núñez, Łukasz Żółć")]


def test_a_decomposed_name_is_composed_before_choosing_the_font() -> None:
    decomposed = "Nguye\u0302\u0303n"  # "e" with a circumflex and a tilde as separate marks
    assert runs(decomposed, FONT) == [(FONT, "Nguy"), ("NotoSans", "ễ"), (FONT, "n")]


def test_markup_is_escaped_inside_and_outside_fallback_runs() -> None:
    text = markup("<b>Đặng</b> & Co", FONT)
    assert text == '&lt;b&gt;Đ<font name="NotoSans">ặ</font>ng&lt;/b&gt; &amp; Co'
    assert markup("bell\x07null\x00", FONT) == "bell null "


# ---- rendered sheets ------------------------------------------------------------------------------


def _named(name: str) -> model.Handout:
    """A sheet with the name in the title line, a label/value row, a box, a bullet and the footer."""
    return model.Handout(
        language="en",
        title="Your LDN decision sheet",
        patient_name=name,
        blocks=(
            model.Heading(text=f"Prepared for {name}"),
            model.Facts(rows=(("Prepared for", name), ("Clinic", f"{name} Family Clinic"))),
            model.Box(
                style="main", heading=name, paragraphs=(f"{name}, this is your plan.",), bullets=(name,)
            ),
            model.Paragraph(text=name),
        ),
        footer="This sheet does not replace talking with your care team.",
        page_label="Page {page} of {pages}",
        has_plan=False,
    )


@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("script", sorted(NAMES))
def test_names_outside_the_main_font_print_in_noto_sans(script: str, large: bool) -> None:
    name = NAMES[script]
    data = render_pdf_bytes(_named(name), RenderOptions(large_print=large))
    assert missing_glyphs(data) == []
    assert embedded_font_problems(data) == []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        page = pdf.pages[0]
        text = " ".join((page.extract_text() or "").split())
        footer = page.crop((0, page.height - MARGIN, page.width, page.height)).extract_text() or ""
    assert text.count(name) >= 6  # heading, two rows, box heading, its text and bullet, paragraph
    assert name in footer


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_vietnamese_name_prints_whole_on_the_real_pack(language: str) -> None:
    visit = printable("ldn_option")
    visit = visit.model_copy(
        update={"patient": visit.patient.model_copy(update={"display_name": NAMES["vietnamese"]})}
    )
    handout = compose_for_visit(visit, language)
    data = render_pdf_bytes(handout)
    assert missing_glyphs(data) == []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        first = " ".join((pdf.pages[0].extract_text() or "").split())
        every_footer = [
            page.crop((0, page.height - MARGIN, page.width, page.height)).extract_text() or ""
            for page in pdf.pages
        ]
    assert NAMES["vietnamese"] in first
    if handout.patient_name:
        assert all(NAMES["vietnamese"] in footer for footer in every_footer)


@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("large", [False, True])
@pytest.mark.parametrize("language", ["en", "es"])
@pytest.mark.parametrize("name", EXAMPLES)
def test_every_pack_variant_uses_embedded_fonts_only(
    name: str, language: str, large: bool, paper: str
) -> None:
    data = pdf_for(name, language, large, paper)
    assert embedded_font_problems(data) == []
    assert b"/Helvetica" not in data
    assert missing_glyphs(data) == []
