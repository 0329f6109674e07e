"""The two sheets a patient cuts, ticks or carries: the dose calendar's table and the wallet card."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Frame, Table, TableStyle
from reportlab.platypus import Paragraph as RLParagraph

from ldn_aid.handout import model
from ldn_aid.handout.styles import FONT, FONT_BOLD, INK, MAIN_FILL, MARK_FILL, NOTE_EDGE, WARN_EDGE, Styles

CARD_WIDTH = 85.6 * mm  # ID-1
CARD_HEIGHT = 54.0 * mm


def _p(text: str, style: ParagraphStyle) -> Flowable:
    return RLParagraph(escape(text), style)


def _fits(flowables: Sequence[Flowable], width: float, height: float, canvas: Canvas) -> bool:
    """Whether the flowables fit in width x height, measured without drawing."""
    total = 0.0
    for flowable in flowables:
        _, used = flowable.wrapOn(canvas, width, height)
        total += float(used) + float(flowable.getSpaceBefore()) + float(flowable.getSpaceAfter())
    return total <= height


class TickBox(Flowable):
    """A day in the calendar: its date and an empty square to tick."""

    def __init__(self, label: str, size: float, font_size: float, marked: bool) -> None:
        super().__init__()
        self.label = label
        self.size = size
        self.font_size = font_size
        self.marked = marked
        self.width = size * 2.2
        self.height = font_size * 1.2 + size + 4

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setFillColor(INK)
        canvas.setFont(FONT_BOLD if self.marked else FONT, self.font_size)
        canvas.drawString(0, self.size + 4, self.label)
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1.2 if self.marked else 0.8)
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.size, self.size, stroke=1, fill=1)


class WalletCardSheet(Flowable):
    """Front and back of an ID-1 card side by side: cut round the outside, fold on the dashed line."""

    def __init__(self, card: model.WalletCard, styles: Styles) -> None:
        super().__init__()
        self.card = card
        self.styles = styles
        self.width = CARD_WIDTH * 2
        self.height = CARD_HEIGHT

    def _panel(self, x: float, heading: str, lines: Sequence[str]) -> None:
        canvas: Canvas = self.canv
        pad = 3 * mm
        # The card cannot grow, so long clinic details get slightly smaller type, never below 8 pt.
        for size in (8.5, 8.0):
            text_style = ParagraphStyle(
                "card_fit", parent=self.styles.card_text, fontSize=size, leading=size * 1.2
            )
            flowables: list[Flowable] = [_p(heading, self.styles.card_heading)]
            flowables += [_p(line, text_style) for line in lines]
            frame = Frame(
                x,
                0,
                CARD_WIDTH,
                CARD_HEIGHT,
                leftPadding=pad,
                rightPadding=pad,
                topPadding=pad,
                bottomPadding=pad,
                showBoundary=0,
            )
            if _fits(flowables, CARD_WIDTH - 2 * pad, CARD_HEIGHT - 2 * pad, canvas):
                frame.addFromList(flowables, canvas)
                return
        raise ValueError("wallet card text does not fit on the card")

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(0.6)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=0)
        canvas.setDash(3, 3)
        canvas.line(CARD_WIDTH, 0, CARD_WIDTH, CARD_HEIGHT)
        canvas.setDash()
        # Cut marks just outside each corner.
        gap, length = 2 * mm, 5 * mm
        for x in (0, self.width):
            for y in (0, self.height):
                dx = -1 if x == 0 else 1
                dy = -1 if y == 0 else 1
                canvas.line(x + dx * gap, y, x + dx * (gap + length), y)
                canvas.line(x, y + dy * gap, x, y + dy * (gap + length))
        self._panel(0, self.card.front_heading, self.card.front_lines)
        self._panel(CARD_WIDTH, self.card.back_heading, self.card.back_lines)


def calendar_table(cal: model.Calendar, s: Styles, width: float, large_print: bool) -> Table:
    marked = {day for day, _ in cal.marked}
    del large_print  # the caller gives the width for the print size
    week_width = width * 0.13
    dose_width = width * 0.21
    day_width = (width - week_width - dose_width) / 7
    box = s.body_size * 0.9
    header = [_p(cal.week_header, s.cell_bold), _p(cal.dose_header, s.cell_bold)]
    header += [_p(name, s.cell_bold) for name in cal.weekday_names]
    data: list[list[Any]] = [header]
    styles: list[Any] = [
        ("GRID", (0, 0), (-1, -1), 0.6, NOTE_EDGE),
        ("BACKGROUND", (0, 0), (-1, 0), MAIN_FILL),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
    ]
    for row_index, week in enumerate(cal.weeks, start=1):
        row: list[Any] = [_p(week.label, s.cell_bold), _p(week.dose, s.cell)]
        # A row that starts mid-week or ends on the review day leaves its other columns empty.
        row += [""] * week.offset
        first_column = 2 + week.offset
        for column, (day, label) in enumerate(
            zip(week.days, week.day_labels, strict=True), start=first_column
        ):
            row.append(TickBox(label, box, s.body_size, day in marked))
            if day in marked:
                styles.append(("BACKGROUND", (column, row_index), (column, row_index), MARK_FILL))
                styles.append(("BOX", (column, row_index), (column, row_index), 2, WARN_EDGE))
        row += [""] * (9 - len(row))
        data.append(row)
    table = Table(data, colWidths=[week_width, dose_width] + [day_width] * 7, repeatRows=1, hAlign="LEFT")
    table.setStyle(TableStyle(styles))
    table.spaceAfter = s.body_size
    return table
