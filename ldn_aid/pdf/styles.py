"""Fonts, sizes and colours for the handout PDF (reportlab).

Standard print: body 12 pt. Large print: body 18 pt, 1.5 line spacing, bold sans-serif headings.
Every font is registered from package data, never from the system, and embedded in every PDF:
Atkinson Hyperlegible (the low-vision font, from its Python package) for all text, and Noto Sans
(vendored under `fonts/`, SIL OFL, Debian's fonts-noto-core 20201225-1, Noto Sans 2.004) only for the
letters Atkinson lacks: Vietnamese, Greek and Cyrillic names print in it instead of empty boxes.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fontpkg_atkinson_hyperlegible  # type: ignore[import-untyped]
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT, TA_RIGHT
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "AtkinsonHyperlegible"
FONT_BOLD = "AtkinsonHyperlegible-Bold"
FALLBACK = "NotoSans"
FALLBACK_BOLD = "NotoSans-Bold"
FONTS_DIR = Path(__file__).resolve().parent / "fonts"

INK = colors.HexColor("#1a1a1a")
MUTED = colors.HexColor("#444444")
MAIN_FILL = colors.HexColor("#e8f1fb")
MAIN_EDGE = colors.HexColor("#1f5fa8")
WARN_FILL = colors.HexColor("#fff4e0")
WARN_EDGE = colors.HexColor("#b35900")
STOP_FILL = colors.HexColor("#fdecec")
STOP_EDGE = colors.HexColor("#b00020")
NOTE_FILL = colors.HexColor("#f1f1f1")
NOTE_EDGE = colors.HexColor("#666666")
ICON_ON = colors.HexColor("#1f5fa8")
# Unaffected figures: a pale fill inside a mid-grey outline. The outline is what a low-vision reader or
# a photocopy sees; #707070 on white is 4.9 : 1, above the 3 : 1 WCAG asks of graphics (review D14).
ICON_OFF = colors.HexColor("#f4f4f4")
ICON_OFF_EDGE = colors.HexColor("#707070")
MARK_FILL = colors.HexColor("#ffe08a")


@functools.cache
def register_fonts() -> None:
    """Register Atkinson Hyperlegible (four faces, one family) and the Noto Sans fallback faces."""
    folder = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    faces = {
        FONT: folder / "AtkinsonHyperlegible-Regular.ttf",
        FONT_BOLD: folder / "AtkinsonHyperlegible-Bold.ttf",
        f"{FONT}-Italic": folder / "AtkinsonHyperlegible-Italic.ttf",
        f"{FONT}-BoldItalic": folder / "AtkinsonHyperlegible-BoldItalic.ttf",
        FALLBACK: FONTS_DIR / "NotoSans-Regular.ttf",
        FALLBACK_BOLD: FONTS_DIR / "NotoSans-Bold.ttf",
    }
    for name, path in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(path)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
    )
    pdfmetrics.registerFontFamily(
        FALLBACK, normal=FALLBACK, bold=FALLBACK_BOLD, italic=FALLBACK, boldItalic=FALLBACK_BOLD
    )


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bold: ParagraphStyle
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    bullet: ParagraphStyle
    numbered: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    grid_cell: ParagraphStyle
    grid_head: ParagraphStyle
    caption: ParagraphStyle
    reference: ParagraphStyle
    footer: ParagraphStyle
    footer_right: ParagraphStyle
    footer_size: float
    body_size: float
    card_heading: ParagraphStyle
    card_text: ParagraphStyle
    icon_pitch: float
    tick_size: float


@functools.cache
def make_styles(large_print: bool) -> Styles:
    register_fonts()
    size = 18.0 if large_print else 12.0
    # Large print asks for 1.5 line spacing; standard print a comfortable 1.3.
    leading = size * (1.5 if large_print else 1.3)
    # The footer: 12 pt in standard print (the body minimum, review D19), 14 pt in large print (D14).
    footer_size = 14.0 if large_print else 12.0

    def style(name: str, **overrides: Any) -> ParagraphStyle:
        base: dict[str, Any] = {
            "fontName": FONT,
            "fontSize": size,
            "leading": leading,
            "textColor": INK,
            "alignment": TA_LEFT,
            "spaceAfter": size * 0.5,
            # A paragraph never leaves its last line alone at the top of the next page.
            "allowWidows": 0,
            # reportlab's default bullet font is Helvetica, which is never embedded.
            "bulletFontName": FONT,
            "bulletFontSize": size,
        }
        base.update(overrides)
        return ParagraphStyle(name, **base)

    # Headings keep with what follows through the renderer's own grouping, not reportlab's
    # keepWithNext, which moves a heading and a whole long table to the next page together.
    return Styles(
        body=style("body"),
        bold=style("bold", fontName=FONT_BOLD),
        title=style(
            "title", fontName=FONT_BOLD, fontSize=size * 1.6, leading=size * 1.9, spaceAfter=size * 0.6
        ),
        h1=style(
            "h1",
            fontName=FONT_BOLD,
            fontSize=size * 1.35,
            leading=size * 1.65,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.4,
        ),
        h2=style(
            "h2",
            fontName=FONT_BOLD,
            fontSize=size * 1.12,
            leading=size * 1.4,
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.3,
        ),
        bullet=style("bullet", leftIndent=size * 1.3, bulletIndent=size * 0.3, spaceAfter=size * 0.3),
        # Room for "10." before the text.
        numbered=style("numbered", leftIndent=size * 1.8, bulletIndent=size * 0.2, spaceAfter=size * 0.3),
        # Table cells sit close together; a slightly tighter line keeps the grid compact.
        cell=style("cell", spaceAfter=0, leading=size * (1.4 if large_print else 1.2)),
        cell_bold=style(
            "cell_bold", fontName=FONT_BOLD, spaceAfter=0, leading=size * (1.4 if large_print else 1.2)
        ),
        # The option grid's cells: the same 12 pt, lines a little closer, so eight rows fit one page.
        grid_cell=style("grid_cell", spaceAfter=0, leading=size * 1.15),
        grid_head=style("grid_head", fontName=FONT_BOLD, spaceAfter=0, leading=size * 1.15),
        caption=style("caption", spaceAfter=size * 0.3, leading=size * (1.4 if large_print else 1.2)),
        reference=style("reference", spaceAfter=size * 0.25),
        footer=style(
            "footer", fontSize=footer_size, leading=footer_size * 1.2, textColor=MUTED, spaceAfter=0
        ),
        footer_right=style(
            "footer_right",
            fontSize=footer_size,
            leading=footer_size * 1.2,
            textColor=MUTED,
            spaceAfter=0,
            alignment=TA_RIGHT,
        ),
        footer_size=footer_size,
        body_size=size,
        card_heading=style("card_heading", fontName=FONT_BOLD, fontSize=10, leading=12, spaceAfter=3),
        card_text=style("card_text", fontSize=8.5, leading=10.5, spaceAfter=1.5),
        # A 10 x 10 grid is 10 pitches wide: 80 pt (28 mm) in standard print, so a page holds its pairs.
        icon_pitch=10.0 if large_print else 8.0,
        # Tick boxes a shaky hand can hit: 6.5 mm, 9 mm in large print.
        tick_size=(9 if large_print else 6.5) * mm,
    )
