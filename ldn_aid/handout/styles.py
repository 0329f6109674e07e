"""Fonts, sizes and colours for the handout PDF (reportlab).

Standard print: body 12 pt. Large print: body 18 pt, 1.5 line spacing, bold sans-serif headings.
The Atkinson Hyperlegible font is registered from its Python package, never from the system.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import fontpkg_atkinson_hyperlegible  # type: ignore[import-untyped]
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT = "AtkinsonHyperlegible"
FONT_BOLD = "AtkinsonHyperlegible-Bold"

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
ICON_OFF = colors.HexColor("#d4d4d4")
MARK_FILL = colors.HexColor("#ffe08a")


@functools.cache
def register_fonts() -> None:
    """Register the four Atkinson Hyperlegible faces as one family (embedded in every PDF)."""
    folder = Path(fontpkg_atkinson_hyperlegible.__file__).parent / "files"
    faces = {
        FONT: "AtkinsonHyperlegible-Regular.ttf",
        FONT_BOLD: "AtkinsonHyperlegible-Bold.ttf",
        f"{FONT}-Italic": "AtkinsonHyperlegible-Italic.ttf",
        f"{FONT}-BoldItalic": "AtkinsonHyperlegible-BoldItalic.ttf",
    }
    for name, filename in faces.items():
        pdfmetrics.registerFont(TTFont(name, str(folder / filename)))
    pdfmetrics.registerFontFamily(
        FONT, normal=FONT, bold=FONT_BOLD, italic=f"{FONT}-Italic", boldItalic=f"{FONT}-BoldItalic"
    )


@dataclass(frozen=True)
class Styles:
    body: ParagraphStyle
    bold: ParagraphStyle
    title: ParagraphStyle
    h1: ParagraphStyle
    h2: ParagraphStyle
    bullet: ParagraphStyle
    cell: ParagraphStyle
    cell_bold: ParagraphStyle
    reference: ParagraphStyle
    footer_size: float
    body_size: float
    card_heading: ParagraphStyle
    card_text: ParagraphStyle
    icon_pitch: float


@functools.cache
def make_styles(large_print: bool) -> Styles:
    register_fonts()
    size = 18.0 if large_print else 12.0
    # Large print asks for 1.5 line spacing; standard print a comfortable 1.3.
    leading = size * (1.5 if large_print else 1.3)

    def style(name: str, **overrides: Any) -> ParagraphStyle:
        base: dict[str, Any] = {
            "fontName": FONT,
            "fontSize": size,
            "leading": leading,
            "textColor": INK,
            "alignment": TA_LEFT,
            "spaceAfter": size * 0.5,
        }
        base.update(overrides)
        return ParagraphStyle(name, **base)

    heading_font = FONT_BOLD
    return Styles(
        body=style("body"),
        bold=style("bold", fontName=FONT_BOLD),
        title=style(
            "title", fontName=heading_font, fontSize=size * 1.6, leading=size * 1.9, spaceAfter=size * 0.6
        ),
        h1=style(
            "h1",
            fontName=heading_font,
            fontSize=size * 1.35,
            leading=size * 1.65,
            spaceBefore=size * 0.9,
            spaceAfter=size * 0.4,
            keepWithNext=1,
        ),
        h2=style(
            "h2",
            fontName=heading_font,
            fontSize=size * 1.12,
            leading=size * 1.4,
            spaceBefore=size * 0.6,
            spaceAfter=size * 0.3,
            keepWithNext=1,
        ),
        bullet=style(
            "bullet",
            leftIndent=size * 1.3,
            bulletIndent=size * 0.3,
            spaceAfter=size * 0.3,
            bulletFontName=FONT,
            bulletFontSize=size,
        ),
        # Table cells sit close together; a slightly tighter line keeps the grid compact.
        cell=style("cell", spaceAfter=0, leading=size * (1.4 if large_print else 1.2)),
        cell_bold=style(
            "cell_bold", fontName=FONT_BOLD, spaceAfter=0, leading=size * (1.4 if large_print else 1.2)
        ),
        reference=style("reference", spaceAfter=size * 0.25),
        footer_size=12.0 if large_print else 9.0,
        body_size=size,
        card_heading=style("card_heading", fontName=FONT_BOLD, fontSize=10, leading=12, spaceAfter=3),
        card_text=style("card_text", fontSize=8.5, leading=10.5, spaceAfter=1.5),
        icon_pitch=13.0 if large_print else 10.0,
    )
