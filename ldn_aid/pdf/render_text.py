"""Text from the model made safe for reportlab's paragraph markup, with a fallback font per character.

Every string is escaped, so a name with `<`, `&` or quotes prints literally and can never inject markup.
Runs of characters that the paragraph's font (Atkinson Hyperlegible) has no glyph for, such as the
Vietnamese "ễ" or Greek and Cyrillic letters, are set in Noto Sans instead of printing as empty boxes.
A character that neither font has stays in the main font: a visible box says a letter is missing,
where dropping it would silently misspell a name.
"""

from __future__ import annotations

import functools
import unicodedata
from xml.sax.saxutils import escape

from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import Paragraph

from ldn_aid.pdf.styles import FALLBACK, FALLBACK_BOLD, register_fonts

_KEEP_CONTROLS = {"\n", "\t"}


@functools.cache
def _coverage(font_name: str) -> frozenset[int]:
    """The code points a registered font has glyphs for (from its TrueType cmap)."""
    register_fonts()
    font = pdfmetrics.getFont(font_name)
    if isinstance(font, TTFont):
        return frozenset(font.face.charToGlyph)
    return frozenset(range(32, 256))  # a standard font: Latin-1 only


def fallback_for(font_name: str) -> str:
    """The Noto Sans face that stands in for a main face: bold for bold, regular for the rest."""
    return FALLBACK_BOLD if "Bold" in font_name else FALLBACK


def _clean(text: str) -> str:
    """NFC, so a decomposed "e" + two accents becomes the one letter the fallback font draws whole
    (reportlab places no combining marks); control characters other than newline and tab print as a
    space, never as a box."""
    text = unicodedata.normalize("NFC", text)
    return "".join(
        " " if unicodedata.category(char) == "Cc" and char not in _KEEP_CONTROLS else char for char in text
    )


def runs(text: str, font_name: str) -> list[tuple[str, str]]:
    """The text cut into (font, characters) runs: the main font wherever it has the glyph, else the
    fallback when the fallback has it. A combining mark stays in the font of the letter it sits on."""
    main = _coverage(font_name)
    other_name = fallback_for(font_name)
    other = _coverage(other_name)
    pieces: list[tuple[str, str]] = []
    for char in _clean(text):
        code = ord(char)
        if pieces and unicodedata.combining(char):
            current = pieces[-1][0]
            if code in _coverage(current):
                pieces[-1] = (current, pieces[-1][1] + char)
                continue
        font = other_name if code not in main and code in other else font_name
        if pieces and pieces[-1][0] == font:
            pieces[-1] = (font, pieces[-1][1] + char)
        else:
            pieces.append((font, char))
    return pieces


def markup(text: str, font_name: str) -> str:
    """Escaped paragraph markup for `text` set in `font_name`, with fallback runs wrapped in a font tag."""
    parts = []
    for font, chunk in runs(text, font_name):
        escaped = escape(chunk)
        parts.append(escaped if font == font_name else f'<font name="{font}">{escaped}</font>')
    return "".join(parts)


def paragraph(text: str, style: ParagraphStyle, bullet: str | None = None) -> Paragraph:
    """A reportlab Paragraph printing `text` literally in the style's font, missing letters in Noto Sans.

    The one way the renderers (render_pdf, render_sheets) turn model text into a paragraph."""
    bullet_text = markup(bullet, style.bulletFontName) if bullet is not None else None
    return Paragraph(markup(text, style.fontName), style, bulletText=bullet_text)
