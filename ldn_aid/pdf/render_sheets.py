"""The two sheets a patient cuts, ticks or carries: the dose calendar's table and the wallet card.

Both are portrait at every paper and print size and are sized from the width they are given, so
nothing is ever drawn past the frame (and so never past the page or its margins).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Table, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from ldn_aid.handout import model
from ldn_aid.pdf.render_text import paragraph
from ldn_aid.pdf.styles import FONT, FONT_BOLD, INK, MAIN_FILL, MARK_FILL, NOTE_EDGE, WARN_EDGE, Styles

CARD_WIDTH = 85.6 * mm  # ID-1, the size of a bank card
CARD_HEIGHT = 54.0 * mm
# Cut marks start this far outside the card's corners and run this long: the card is drawn inside
# the frame (at least one margin from the paper edge), so the marks stay well inside a printer's
# hard margin (10 mm or more from the edge).
CROP_GAP = 2 * mm
CROP_LENGTH = 5 * mm
CROP_EXTENT = CROP_GAP + CROP_LENGTH
# Card text sizes to try, largest first: the card cannot grow, so long clinic details get smaller
# type, never below the last size.
CARD_SIZES = (10.0, 9.5, 9.0, 8.5, 8.0, 7.5, 7.0)
CARD_PAD = 3 * mm
# A tick box a shaky hand can hit: at least 6 mm (review D20); larger in large print.
TICK_BOX = 6 * mm
LARGE_TICK_BOX = 8.5 * mm
NO_DAY_FILL = colors.HexColor("#d9d9d9")  # days not on the calendar (before the first, after the last)
NEW_DOSE_EDGE = colors.HexColor("#000000")
NEW_DOSE_WIDTH = 2.5
MARK_WIDTH = 2.0


def _p(text: str, style: ParagraphStyle) -> Flowable:
    # Escaped, with Noto Sans for letters Atkinson lacks (a Vietnamese name on the card); H4's helper.
    return paragraph(text, style)


def _fits(flowables: Sequence[Flowable], width: float, height: float, canvas: Canvas) -> bool:
    """Whether the flowables fit in width x height, measured without drawing."""
    total = 0.0
    for flowable in flowables:
        _, used = flowable.wrapOn(canvas, width, height)
        total += float(used) + float(flowable.getSpaceBefore()) + float(flowable.getSpaceAfter())
    return total <= height


# ---- the calendar -------------------------------------------------------------------------------


class TickBox(Flowable):
    """A day in the calendar: its day of the month and, beside it, an empty square to tick."""

    def __init__(self, label: str, size: float, font_size: float, marked: bool) -> None:
        super().__init__()
        self.label = label
        self.size = size
        self.font_size = font_size
        self.bold = marked
        self.gap = font_size * 0.3
        self.label_width = stringWidth("00", FONT_BOLD, font_size)
        self.width = self.label_width + self.gap + size
        self.height = size
        self.hAlign = "CENTER"

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD if self.bold else FONT, self.font_size)
        # The day number sits level with the middle of the box.
        canvas.drawRightString(self.label_width, (self.size - self.font_size * 0.7) / 2, self.label)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1.0)
        canvas.setFillColor(colors.white)
        canvas.rect(self.label_width + self.gap, 0, self.size, self.size, stroke=1, fill=1)


class _Swatch(Flowable):
    """A small square in the legend, drawn as the calendar draws the day it explains."""

    def __init__(self, size: float, fill: colors.Color, edge: colors.Color, edge_width: float) -> None:
        super().__init__()
        self.size = size
        self.fill = fill
        self.edge = edge
        self.edge_width = edge_width
        self.width = self.height = size

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(self.fill)
        canvas.setStrokeColor(self.edge)
        canvas.setLineWidth(self.edge_width)
        inset = self.edge_width / 2
        canvas.rect(inset, inset, self.size - 2 * inset, self.size - 2 * inset, stroke=1, fill=1)


def _band_text(week: model.CalendarWeek, mark: str) -> str:
    """A band over the rows of one month and one dose: "December 2026 · NEW DOSE from Tuesday 15:
    1 capsule of 3 mg"."""
    dose = escape(week.dose)
    if week.new_dose and mark:
        starts = f" {escape(week.new_dose_from)}" if week.new_dose_from else ""
        dose = f"<b>{escape(mark)}</b>{starts}<b>:</b> {dose}"
    return f"<b>{escape(week.label)}</b> \u00b7 {dose}"


def calendar_table(cal: model.Calendar, s: Styles, width: float, large_print: bool) -> Table:
    """The calendar as one table `width` wide: seven day columns (Monday first) at every print size.

    A band spanning the week names the month and the dose whenever either changes (a row never holds
    two months; a new dose within a week is named with its first day, which is framed), so each day
    column is a seventh of the width and even 18 pt large print fits a portrait frame. The title and
    the weekday header repeat on every page; the legend is the table's last row, so it stays with the
    calendar, inside the page.
    """
    day_width = width / 7
    box = LARGE_TICK_BOX if large_print else TICK_BOX
    pad = s.body_size * 0.2
    title_style = ParagraphStyle(
        "calendar_title", parent=s.cell_bold, fontSize=s.body_size * 1.12, leading=s.body_size * 1.25
    )
    marked = {day for day, _ in cal.marked}
    heading: list[Flowable] = [_p(cal.title, title_style)]
    if cal.note:
        heading.append(_p(cal.note, s.cell))
    data: list[list[Any]] = [
        [heading] + [""] * 6,
        [_p(name, s.cell_bold) for name in cal.weekday_names],
    ]
    commands: list[Any] = [
        ("SPAN", (0, 0), (6, 0)),
        ("GRID", (0, 1), (-1, -1), 0.6, NOTE_EDGE),
        ("BACKGROUND", (0, 1), (-1, 1), MAIN_FILL),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("ALIGN", (0, 1), (-1, -1), "CENTER"),
        ("LEFTPADDING", (0, 0), (-1, -1), pad),
        ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ("TOPPADDING", (0, 0), (-1, -1), pad),
        ("BOTTOMPADDING", (0, 0), (-1, -1), pad),
        ("LEFTPADDING", (0, 0), (0, 0), 0),
    ]
    previous: model.CalendarWeek | None = None
    for week in cal.weeks:
        if previous is None or week.new_dose or (week.label, week.dose) != (previous.label, previous.dose):
            row = len(data)
            data.append([RLParagraph(_band_text(week, cal.new_dose_mark), s.cell)] + [""] * 6)
            commands += [
                ("SPAN", (0, row), (6, row)),
                # A band never ends a page: it stays with the week it names.
                ("NOSPLIT", (0, row), (6, row + 1)),
                ("ALIGN", (0, row), (6, row), "LEFT"),
                ("BACKGROUND", (0, row), (6, row), MAIN_FILL),
                ("TOPPADDING", (0, row), (6, row), pad * 0.4),
                ("BOTTOMPADDING", (0, row), (6, row), pad * 0.4),
            ]
        row = len(data)
        cells: list[Any] = [""] * week.offset
        for column, (day, label) in enumerate(
            zip(week.days, week.day_labels, strict=True), start=week.offset
        ):
            new = week.new_dose and column == week.offset + week.new_dose_at
            cells.append(TickBox(label, box, s.body_size, marked=day in marked or new))
            if day in marked:
                commands.append(("BACKGROUND", (column, row), (column, row), MARK_FILL))
                commands.append(("BOX", (column, row), (column, row), MARK_WIDTH, WARN_EDGE))
            elif new:
                commands.append(("BOX", (column, row), (column, row), NEW_DOSE_WIDTH, NEW_DOSE_EDGE))
        cells += [""] * (7 - len(cells))
        for column in [*range(week.offset), *range(week.offset + len(week.days), 7)]:
            commands.append(("BACKGROUND", (column, row), (column, row), NO_DAY_FILL))
        data.append(cells)
        previous = week
    legend = _legend(cal, s, width - 2 * pad)
    if legend is not None:
        row = len(data)
        data.append([legend] + [""] * 6)
        commands += [("SPAN", (0, row), (6, row)), ("ALIGN", (0, row), (6, row), "LEFT")]
        # The legend keeps with the last week: a page never holds the weekday header and the legend only.
        commands.append(("NOSPLIT", (0, row - 1), (6, row)))
    table = Table(data, colWidths=[day_width] * 7, repeatRows=2, hAlign="LEFT")
    table.setStyle(TableStyle(commands))
    table.spaceAfter = s.body_size * 0.5
    return table


def _legend(cal: model.Calendar, s: Styles, width: float) -> Table | None:
    """What the marks mean: each marked day with its date, then the new-dose frame and the other lines."""
    size = s.body_size * 1.1
    rows: list[list[Any]] = [
        [_Swatch(size, MARK_FILL, WARN_EDGE, MARK_WIDTH), _p(label, s.cell)] for _, label in cal.marked
    ]
    texts = list(cal.legend)
    # With a new-dose mark, the first legend line explains its frame: it gets the frame's swatch.
    swatches = [_Swatch(size, colors.white, NEW_DOSE_EDGE, NEW_DOSE_WIDTH)] if cal.new_dose_mark else []
    for index, text in enumerate(texts):
        rows.append([swatches[index] if index < len(swatches) else "", _p(text, s.cell)])
    if not rows:
        return None
    icon = size + s.body_size * 0.6
    table = Table(rows, colWidths=[icon, width - icon], hAlign="LEFT")
    commands: list[Any] = [
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("LEFTPADDING", (0, 0), (-1, -1), 0),
        ("TOPPADDING", (0, 0), (-1, -1), 0),
        ("BOTTOMPADDING", (0, 0), (-1, -1), s.body_size * 0.12),
    ]
    table.setStyle(TableStyle(commands))
    return table


# ---- the wallet card ----------------------------------------------------------------------------


class _WriteIn(Flowable):
    """A label and a line to write on, running to the right edge of the card."""

    def __init__(self, label: str, style: ParagraphStyle) -> None:
        super().__init__()
        self.label = label
        self.style = style
        self.width = 0.0
        self.height = float(style.leading) * 1.3

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803
        self.width = availWidth
        return self.width, self.height

    def draw(self) -> None:
        canvas: Canvas = self.canv
        size = float(self.style.fontSize)
        canvas.setFillColor(INK)
        canvas.setFont(str(self.style.fontName), size)
        baseline = self.height - size
        canvas.drawString(0, baseline, self.label)
        start = stringWidth(self.label, str(self.style.fontName), size) + size * 0.3
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.line(start, baseline - 1.5, self.width, baseline - 1.5)


def _card_line(line: str, style: ParagraphStyle) -> Flowable:
    """A card line; one ending in a run of underscores is a write-in with a full-width line."""
    if line.endswith("___"):
        return _WriteIn(line.rstrip("_").rstrip(), style)
    return _p(line, style)


class WalletCardSheet(Flowable):
    """Front and back, to cut out round the outside and fold on the dashed line into one card.

    The card is the ID-1 size (85.6 x 54 mm) in every print size, front and back side by side (fold on
    the vertical line): it has to fit a wallet, and its readers are the doctors, dentists, pharmacists
    and emergency teams it is shown to; the large-print pack prints the same facts in large type on its
    own pages. Side by side it is a little wider than the frame and reaches into the side margins by
    the same amount each side (at most half a margin). The cut marks are part of the flowable, so
    they stay well inside a printer's hard margin.
    """

    def __init__(self, card: model.WalletCard, styles: Styles) -> None:
        super().__init__()
        self.card = card
        self.styles = styles
        self.panel_width = CARD_WIDTH
        self.panel_height = CARD_HEIGHT
        self.width = 2 * self.panel_width + 2 * CROP_EXTENT
        self.height = self.panel_height + 2 * CROP_EXTENT
        self.hAlign = "CENTER"

    def _flowables(self, heading: str, lines: Sequence[str], size: float) -> list[Flowable]:
        text_style = ParagraphStyle(
            "card_fit",
            parent=self.styles.card_text,
            fontSize=size,
            leading=size * 1.22,
            spaceAfter=size * 0.15,
        )
        heading_style = ParagraphStyle(
            "card_heading_fit",
            parent=self.styles.card_heading,
            fontSize=size * 1.18,
            leading=size * 1.4,
            spaceAfter=size * 0.3,
        )
        return [_p(heading, heading_style), *(_card_line(line, text_style) for line in lines)]

    def _size(self) -> float:
        """The largest text size at which both sides fit (one size for the whole card)."""
        canvas: Canvas = self.canv
        inner_width, inner_height = self.panel_width - 2 * CARD_PAD, self.panel_height - 2 * CARD_PAD
        for size in CARD_SIZES:
            sides = (
                (self.card.front_heading, self.card.front_lines),
                (self.card.back_heading, self.card.back_lines),
            )
            if all(
                _fits(self._flowables(heading, lines, size), inner_width, inner_height, canvas)
                for heading, lines in sides
            ):
                return size
        raise ValueError("wallet card text does not fit on the card")

    def _panel(self, x: float, y: float, heading: str, lines: Sequence[str], size: float) -> None:
        frame = Frame(
            x,
            y,
            self.panel_width,
            self.panel_height,
            leftPadding=CARD_PAD,
            rightPadding=CARD_PAD,
            topPadding=CARD_PAD,
            bottomPadding=CARD_PAD,
            showBoundary=0,
        )
        frame.addFromList(self._flowables(heading, lines, size), self.canv)

    def draw(self) -> None:
        canvas: Canvas = self.canv
        left, bottom = CROP_EXTENT, CROP_EXTENT
        width, height = self.width - 2 * CROP_EXTENT, self.height - 2 * CROP_EXTENT
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.rect(left, bottom, width, height, stroke=1, fill=0)
        # Fold here: the back folds behind the front.
        canvas.setDash(3, 3)
        canvas.line(left + self.panel_width, bottom, left + self.panel_width, bottom + height)
        canvas.setDash()
        # Cut marks just outside each corner, inside the flowable's own box.
        for x in (left, left + width):
            for y in (bottom, bottom + height):
                dx = -1 if x == left else 1
                dy = -1 if y == bottom else 1
                canvas.line(x + dx * CROP_GAP, y, x + dx * CROP_EXTENT, y)
                canvas.line(x, y + dy * CROP_GAP, x, y + dy * CROP_EXTENT)
        size = self._size()
        self._panel(left, bottom, self.card.front_heading, self.card.front_lines, size)
        self._panel(left + self.panel_width, bottom, self.card.back_heading, self.card.back_lines, size)
