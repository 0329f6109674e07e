"""Checks on rendered patient documents, read back from the PDF bytes with pdfplumber (pdfminer).

Every aim of issue 11 that can be measured on paper lives here as a small function: page count, how
full each page is, orientation, text per page, fonts and their embedding, missing glyphs, the
safe-dose formats, and readability. The tests in `test_pack_aims.py`, `test_stop_sweep.py` and the
follow-up sheet tests call them; none of them knows how the renderer works inside.

Reading a PDF with pdfplumber is the slow part (about 0.1 s a page), so `read_pdf` reads each distinct
PDF once and keeps plain facts about it; `page_texts_fast` uses pypdfium2 (a pdfplumber dependency)
for the stop sweep, which needs only the words of hundreds of PDFs.
"""

from __future__ import annotations

import hashlib
import io
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

import pdfplumber
import pypdfium2  # type: ignore[import-untyped]
import textstat  # type: ignore[import-untyped]
from pdfminer.pdftypes import PDFObjRef, resolve1
from pdfminer.psparser import PSLiteral

from ldn_aid.handout import model

# The renderer's frame margin (one inch): the footer line sits in the bottom margin band.
MARGIN = 72.0
# The 14 fonts every PDF viewer must supply; a reference to one is a font the PDF does not carry.
BASE_14 = frozenset(
    {
        "Courier",
        "Courier-Bold",
        "Courier-BoldOblique",
        "Courier-Oblique",
        "Helvetica",
        "Helvetica-Bold",
        "Helvetica-BoldOblique",
        "Helvetica-Oblique",
        "Times-Roman",
        "Times-Bold",
        "Times-BoldItalic",
        "Times-Italic",
        "Symbol",
        "ZapfDingbats",
    }
)
# reportlab writes a character the font lacks as code 0 (.notdef), which reads back as U+0000;
# other writers give U+FFFD or pdfminer's "(cid:N)" when a code has no Unicode mapping.
_MISSING_GLYPH = frozenset({"\x00", "\ufffd"})
_CID = re.compile(r"\(cid:\d+\)")


# ---- reading --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    text: str
    x0: float
    x1: float
    top: float
    bottom: float


@dataclass(frozen=True, repr=False)
class PageFacts:
    number: int  # 1-based
    width: float
    height: float
    text: str  # pdfplumber's extract_text, lines joined by "\n"
    words: tuple[Word, ...]
    lowest: float | None  # bottom of the lowest text or graphic above the footer band (None: empty)
    missing_glyphs: tuple[str, ...]  # the text of each character drawn as a missing glyph
    outside: tuple[str, ...]  # characters (with position) drawn outside the page box

    def __repr__(self) -> str:  # short, so a failing assertion stays readable
        return f"<page {self.number} of {self.width:.0f} x {self.height:.0f}>"

    @property
    def lines(self) -> list[str]:
        return [line for line in self.text.splitlines() if line.strip()]

    @property
    def flat(self) -> str:
        """The page's text with every run of white space (line breaks, no-break spaces) as one space."""
        return flatten(self.text)


@dataclass(frozen=True)
class FontFacts:
    name: str
    subtype: str
    embedded: bool


@dataclass(frozen=True, repr=False)
class PdfFacts:
    pages: tuple[PageFacts, ...]
    fonts: tuple[FontFacts, ...]

    def __repr__(self) -> str:
        return f"<PDF of {len(self.pages)} pages>"

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def text(self) -> str:
        return "\n".join(page.text for page in self.pages)

    @property
    def flat(self) -> str:
        return flatten(self.text)


_CACHE: dict[str, PdfFacts] = {}


def flatten(text: str) -> str:
    """White space of any kind (U+00A0 included) as single spaces, so phrases match across lines."""
    return " ".join(text.split())


def read_pdf(data: bytes) -> PdfFacts:
    """Everything the checks need from one PDF, read once per distinct PDF."""
    key = hashlib.sha256(data).hexdigest()
    if key not in _CACHE:
        _CACHE[key] = _read(data)
    return _CACHE[key]


def _read(data: bytes) -> PdfFacts:
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        pages = tuple(_page_facts(page) for page in pdf.pages)
        fonts = _fonts(pdf)
    return PdfFacts(pages=pages, fonts=fonts)


def _page_facts(page: Any) -> PageFacts:
    width, height = float(page.width), float(page.height)
    footer_top = height - MARGIN
    bottoms = [
        float(obj["bottom"])
        for kind in ("chars", "rects", "lines", "curves", "images")
        for obj in getattr(page, kind)
        if float(obj["top"]) < footer_top and float(obj["bottom"]) > 0
    ]
    missing = tuple(
        char["text"]
        for char in page.chars
        if char["text"] in _MISSING_GLYPH or _CID.fullmatch(char["text"] or "")
    )
    outside = tuple(
        f"{char['text']!r}@({char['x0']:.0f},{char['top']:.0f})"
        for char in page.chars
        if char["x0"] < -0.5
        or char["x1"] > width + 0.5
        or char["top"] < -0.5
        or char["bottom"] > height + 0.5
    )
    words = tuple(
        Word(w["text"], float(w["x0"]), float(w["x1"]), float(w["top"]), float(w["bottom"]))
        for w in page.extract_words(keep_blank_chars=False)
    )
    return PageFacts(
        number=int(page.page_number),
        width=width,
        height=height,
        text=page.extract_text() or "",
        words=words,
        lowest=max(bottoms) if bottoms else None,
        missing_glyphs=missing,
        outside=outside,
    )


def _name(value: object) -> str:
    value = resolve1(value)
    if isinstance(value, PSLiteral):
        return str(value.name)
    if isinstance(value, bytes):
        return value.decode("latin-1")
    return str(value)


def _fonts(pdf: Any) -> tuple[FontFacts, ...]:
    """Every font any page (or any form XObject on it) refers to, whether or not text uses it.

    A reference to an unembedded font is a defect even when no character is drawn in it: a viewer or
    printer may still substitute for it, and archiving profiles (PDF/A) reject it.
    """
    seen: dict[int, FontFacts] = {}
    for page in pdf.pages:
        for ref, font in _font_dicts(resolve1(page.page_obj.resources)):
            seen.setdefault(ref, _font_facts(font))
    return tuple(seen.values())


def _font_dicts(resources: object, depth: int = 0) -> Iterable[tuple[int, dict[str, Any]]]:
    resources = resolve1(resources)
    if not isinstance(resources, dict) or depth > 4:
        return
    fonts = resolve1(resources.get("Font")) or {}
    for value in fonts.values():
        key = value.objid if isinstance(value, PDFObjRef) else id(value)
        yield key, resolve1(value)
    for xobject in (resolve1(resources.get("XObject")) or {}).values():
        stream = resolve1(xobject)
        attrs = getattr(stream, "attrs", {})
        if _name(attrs.get("Subtype")) == "Form":
            yield from _font_dicts(attrs.get("Resources"), depth + 1)


def _font_facts(font: dict[str, Any]) -> FontFacts:
    name = _name(font.get("BaseFont", ""))
    subtype = _name(font.get("Subtype", ""))
    if subtype == "Type3":  # glyphs are drawn by content streams inside the PDF itself
        return FontFacts(name=name, subtype=subtype, embedded=True)
    target = font
    if "DescendantFonts" in font:
        target = resolve1(resolve1(font["DescendantFonts"])[0])
    descriptor = resolve1(target.get("FontDescriptor")) or {}
    embedded = any(key in descriptor for key in ("FontFile", "FontFile2", "FontFile3"))
    return FontFacts(name=name, subtype=subtype, embedded=embedded)


def page_texts_fast(data: bytes) -> list[str]:
    """The text of each page with pypdfium2 (about 50 times faster than pdfplumber), for sweeps."""
    document = pypdfium2.PdfDocument(data)
    try:
        texts = []
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            texts.append(textpage.get_text_range())
            textpage.close()
            page.close()
        return texts
    finally:
        document.close()


def page_count_fast(data: bytes) -> int:
    document = pypdfium2.PdfDocument(data)
    try:
        return len(document)
    finally:
        document.close()


# ---- layout ---------------------------------------------------------------------------------------


def fill(page: PageFacts, margin: float = MARGIN) -> float:
    """How much of the frame height is used: from the top margin down to the lowest text or graphic,
    ignoring the footer band (the bottom margin). 0 for an empty page, about 1 for a full one."""
    if page.lowest is None:
        return 0.0
    frame = page.height - 2 * margin
    return max(0.0, min(1.0, (page.lowest - margin) / frame))


def underfilled_pages(pdf: PdfFacts, minimum: float = 1 / 3) -> list[tuple[int, float]]:
    """(page number, fill) of every page but the last that is less than `minimum` full."""
    return [(page.number, round(fill(page), 2)) for page in pdf.pages[:-1] if fill(page) < minimum]


def is_landscape(page: PageFacts) -> bool:
    return page.width > page.height


def landscape_pages(pdf: PdfFacts) -> list[int]:
    return [page.number for page in pdf.pages if is_landscape(page)]


def text_outside_page(pdf: PdfFacts) -> list[tuple[int, str]]:
    return [(page.number, where) for page in pdf.pages for where in page.outside]


def words_outside_frame(page: PageFacts, margin: float) -> list[str]:
    """Words whose box leaves the area `margin` in from every edge (the footer band excepted)."""
    return [
        f"{w.text}@({w.x0:.0f},{w.top:.0f})"
        for w in page.words
        if w.top < page.height - MARGIN
        and (w.x0 < margin - 1 or w.x1 > page.width - margin + 1 or w.top < margin - 1)
    ]


def weekday_header(page: PageFacts, names: Sequence[str]) -> bool:
    """True when the seven weekday names stand on one line, left to right, inside the page box."""
    wanted = [name.strip() for name in names]
    by_line: dict[int, list[Word]] = {}
    for word in page.words:
        by_line.setdefault(round(word.top / 3), []).append(word)
    for key in list(by_line):
        # a word may sit a point higher or lower than its neighbours: merge adjacent buckets
        row = sorted(by_line.get(key, []) + by_line.get(key + 1, []), key=lambda w: w.x0)
        texts = [w.text for w in row]
        positions = []
        for name in wanted:
            if name not in texts:
                break
            positions.append(texts.index(name))
        else:
            inside = all(row[i].x0 >= 0 and row[i].x1 <= page.width for i in positions)
            if positions == sorted(positions) and inside:
                return True
    return False


# ---- fonts and glyphs -----------------------------------------------------------------------------


def unembedded_fonts(pdf: PdfFacts) -> list[str]:
    """Names of fonts referred to but not carried in the file (base-14 references included)."""
    return sorted({f"{f.name} ({f.subtype})" for f in pdf.fonts if not f.embedded or f.name in BASE_14})


def missing_glyphs(pdf: PdfFacts) -> list[tuple[int, str]]:
    return [(page.number, char) for page in pdf.pages for char in page.missing_glyphs]


# ---- doses ----------------------------------------------------------------------------------------

# "3.0 mg" / "3,0 mg": a trailing zero is misread as ten times the dose (ISMP error-prone list).
TRAILING_ZERO = re.compile(r"\b\d+[.,]0\s?m[gL]\b")
# ".5 mg" with no leading zero is misread as "5 mg".
NAKED_DECIMAL = re.compile(r"(?<![\d.,])[.,]\d+\s?m[gL]\b")
DECIMAL_POINT_DOSE = re.compile(r"\d\.\d+\s?m[gL]\b")
DECIMAL_COMMA_DOSE = re.compile(r"\d,\d+\s?m[gL]\b")
_STARTS_WITH_UNIT = re.compile(r"^m[gL]\b")


def trailing_zero_doses(text: str) -> list[str]:
    return TRAILING_ZERO.findall(flatten(text))


def naked_decimal_doses(text: str) -> list[str]:
    return NAKED_DECIMAL.findall(flatten(text))


def decimal_point_doses(text: str) -> list[str]:
    """Doses written with a decimal point (wrong on a Spanish sheet)."""
    return DECIMAL_POINT_DOSE.findall(flatten(text))


def decimal_comma_doses(text: str) -> list[str]:
    return DECIMAL_COMMA_DOSE.findall(flatten(text))


def _segments(page: PageFacts, gap: float = 14.0) -> list[list[Word]]:
    """Runs of words on one line with no wide gap between them: a line of one column or table cell."""
    rows: list[list[Word]] = []
    for word in sorted(page.words, key=lambda w: (round(w.top), w.x0)):
        if rows and abs(rows[-1][0].top - word.top) < 2:
            rows[-1].append(word)
        else:
            rows.append([word])
    segments = []
    for row in rows:
        row.sort(key=lambda w: w.x0)
        current = [row[0]]
        for word in row[1:]:
            if word.x0 - current[-1].x1 > gap:
                segments.append(current)
                current = [word]
            else:
                current.append(word)
        segments.append(current)
    return segments


def split_doses(pdf: PdfFacts) -> list[tuple[int, str]]:
    """A number split from its unit ("1.5" / "mg at bedtime"), found from word boxes column by column:
    a line of a column or table cell ending in a number, and the next line of that column (starting at
    the same left edge) starting with "mg" or "mL". Text lines alone would pair neighbouring cells."""
    found = []
    for page in pdf.pages:
        segments = _segments(page)
        for segment in segments:
            last = segment[-1]
            if not re.fullmatch(r"\(?\d+(?:[.,]\d+)?|/", last.text):  # "0.8 /" + "mL" too
                continue
            height = last.bottom - last.top
            below = [
                s
                for s in segments
                if last.bottom - 1 < s[0].top < last.bottom + 1.2 * height
                and abs(s[0].x0 - segment[0].x0) < 3
            ]
            if any(_STARTS_WITH_UNIT.match(s[0].text) for s in below):
                found.append((page.number, f"{' '.join(w.text for w in segment)[-20:]} | mg/mL"))
    return found


# ---- words on the page ----------------------------------------------------------------------------

DRAFTING_NOTES = ("unconfirmed", "not recorded", "mirror", "duckduckgo", "answers.com", "droracle")


def drafting_notes(text: str) -> list[str]:
    low = flatten(text).lower()
    return [note for note in DRAFTING_NOTES if note in low]


def squeeze(text: str) -> str:
    """Text with all white space removed and lower-cased: finds a URL or citation broken over lines."""
    return re.sub(r"\s+", "", text).lower()


def has_phrase(text: str, phrase: str) -> bool:
    return flatten(phrase) in flatten(text)


def on_one_line(page: PageFacts, phrase: str) -> bool:
    """True when `phrase` is printed whole on one line of the page (no break inside it)."""
    wanted = flatten(phrase)
    return any(wanted in flatten(line) for line in page.lines)


def fixed_fragment(text: str) -> str:
    """The longest part of a content string with no placeholder and no citation mark in it: the words
    that must appear on the page whatever the visit fills in."""
    parts = re.split(r"\{+[^}]*\}+|\[[^\]]*\]", text)  # "{x}", "{{x}}" (escaped) and "[1]"
    return max((" ".join(p.split()).strip(" .,;:") for p in parts), key=len, default="")


def citation_marks(text: str) -> list[tuple[int, ...]]:
    """Every "[1]" / "[2, 5]" / "[3-5]" mark (hyphen or en dash), as the numbers it names."""
    marks = []
    for inner in re.findall(r"\[(\d+(?:\s*[,\u2013-]\s*\d+)*)\]", flatten(text)):
        numbers: list[int] = []
        for part in re.split(r"\s*,\s*", inner):
            if re.search(r"[\u2013-]", part):
                low, high = (int(x) for x in re.split(r"\s*[\u2013-]\s*", part))
                numbers.extend(range(low, high + 1))
            else:
                numbers.append(int(part))
        marks.append(tuple(numbers))
    return marks


# ---- readability ----------------------------------------------------------------------------------

_MARK = re.compile(r"\s?\[\d+(?:\s*[,\u2013-]\s*\d+)*\]")


def _sentence(text: str) -> str:
    """One unit of prose with its citation marks removed, ending as a sentence.

    A list item or a table cell has no full stop of its own; without one, textstat would run a whole
    list into one long sentence and overstate the grade.
    """
    text = flatten(_MARK.sub("", text))
    if text and text[-1] not in ".!?:;":
        text += "."
    return text


def prose(handout: model.Handout) -> str:
    """The body text a patient reads, from the composed document: paragraphs, lists, boxes, frames,
    option-grid answers and picture captions. Left out, as the readability standard says (R-1):
    headings, the footer, the reference list, the calendar, the wallet card, fact rows (names, dates,
    phone numbers) and the steps table (doses)."""
    parts: list[str] = []

    def add(block: object) -> None:
        if isinstance(block, model.Paragraph):
            parts.append(block.text)
        elif isinstance(block, (model.Bullets, model.Checklist)):
            parts.extend(block.items)
        elif isinstance(block, model.Box):
            parts.extend((*block.paragraphs, *block.bullets))
        elif isinstance(block, model.Framed):
            for inner in block.blocks:
                add(inner)
        elif isinstance(block, model.OptionGrid):
            parts.extend(block.intro)
            parts.extend(cell for row in block.rows for cell in row.cells)
            if block.note:
                parts.append(block.note)
        elif isinstance(block, model.IconArray):
            parts.extend((*(g.label for g in block.groups), block.caption))
        elif isinstance(block, model.OptionCard):
            parts.extend((block.what_it_is, *block.good_points, *block.downsides))
        elif isinstance(block, model.ComparisonTable):
            parts.extend((*block.intro, *(cell for row in block.rows for cell in row.cells)))

    for block in handout.blocks:
        add(block)
    return " ".join(_sentence(part) for part in parts if part.strip())


def english_grade(text: str) -> float:
    """Flesch-Kincaid grade (needs the offline CMU dictionary fixture, `offline_cmudict`)."""
    textstat.set_lang("en")
    return float(textstat.flesch_kincaid_grade(text))


def spanish_ease(text: str) -> float:
    """Fernández-Huerta reading ease (70 or more: fairly easy or easier)."""
    textstat.set_lang("es")
    try:
        return float(textstat.fernandez_huerta(text))
    finally:
        textstat.set_lang("en")
