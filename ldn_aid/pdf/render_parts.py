"""The drawn parts of a handout page (icon grids, tick squares) and the table helpers the block
renderer shares: the embedded font for every table, grid column widths, when a row may split."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from reportlab.lib import colors
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Table, TableStyle

from ldn_aid.pdf.styles import FONT, ICON_OFF, ICON_OFF_EDGE, ICON_ON, INK, MUTED

# A table row taller than this (in points) may split inside itself; shorter rows break only between
# rows. Below the shortest frame (Letter portrait less its margins, 648 pt) less a repeated heading.
BOX_ROW_SPLIT_AT = 480.0
GRID_PAD = 7.0  # left plus right padding of an option-grid cell


class IconGrid(Flowable):
    """100 small figures in a 10 x 10 grid; the first `count` are filled, the rest outlined."""

    def __init__(self, count: int, highlighted: bool, pitch: float) -> None:
        super().__init__()
        self.count = count
        self.colour = ICON_ON if highlighted else MUTED
        self.pitch = pitch
        self.width = self.height = pitch * 10

    def _form(self, canvas: Canvas, colour: colors.Color, outlined: bool) -> str:
        """One figure drawn once per document as a PDF form, then placed 100 times: small and fast."""
        name = f"icon-{self.pitch:g}-{colour.hexval()}-{int(outlined)}"
        if not canvas.hasForm(name):
            p = self.pitch
            canvas.beginForm(name, lowerx=0, lowery=0, upperx=p, uppery=p)
            canvas.setFillColor(colour)
            canvas.setStrokeColor(ICON_OFF_EDGE)
            canvas.setLineWidth(max(p * 0.07, 0.5))
            stroke = 1 if outlined else 0
            # A simple person: a head and shoulders, readable in black and white too.
            # Head and shoulders fill most of the cell, so even a small figure reads as a person.
            canvas.circle(p / 2, p * 0.73, p * 0.19, stroke=stroke, fill=1)
            canvas.roundRect(p * 0.15, p * 0.06, p * 0.7, p * 0.44, p * 0.18, stroke=stroke, fill=1)
            canvas.endForm()
        return name

    def draw(self) -> None:
        canvas: Canvas = self.canv
        p = self.pitch
        filled = self._form(canvas, self.colour, outlined=False)
        empty = self._form(canvas, ICON_OFF, outlined=True)
        for index in range(100):
            row, column = divmod(index, 10)
            canvas.saveState()
            canvas.translate(column * p, self.height - (row + 1) * p)
            canvas.doForm(filled if index < self.count else empty)
            canvas.restoreState()


class TickSquare(Flowable):
    """An empty square to tick, as big as a shaky hand needs."""

    def __init__(self, side: float) -> None:
        super().__init__()
        self.width = self.height = side

    def draw(self) -> None:
        canvas: Canvas = self.canv
        canvas.setStrokeColor(INK)
        canvas.setLineWidth(1.2)
        canvas.setFillColor(colors.white)
        canvas.rect(0, 0, self.width, self.height, stroke=1, fill=1)


def table_style(*commands: Any) -> TableStyle:
    """Table commands with the embedded font for any plain string cell: reportlab's default cell font
    is Helvetica, which it references on the page even for empty cells."""
    return TableStyle([("FONTNAME", (0, 0), (-1, -1), FONT), *commands])


def embedded_fonts(flowable: Flowable) -> Flowable:
    """Give a table built elsewhere (the calendar), and every table nested in its cells, the embedded
    font for plain string cells; returns the same flowable."""
    if isinstance(flowable, Table):
        flowable.setStyle(table_style())
        for row in getattr(flowable, "_cellvalues", []):
            for cell in row:
                for inner in cell if isinstance(cell, (list, tuple)) else [cell]:
                    if isinstance(inner, Flowable):
                        embedded_fonts(inner)
    return flowable


GRID_PAD = 7.0  # left plus right padding of a grid cell


def balanced_widths(rows: Sequence[Sequence[Flowable]], total: float, padding: float) -> list[float]:
    """Column widths that make the table as short as they can: each column first gets its longest word,
    then the rest of the width goes, a few points at a time, to whichever column shortens the table
    most. Short rows of short cells then fit on one page without shrinking the type."""
    columns = len(rows[0])
    measured: dict[tuple[int, float], list[float]] = {}

    def column_heights(column: int, width: float) -> list[float]:
        key = (column, round(width, 3))
        if key not in measured:
            measured[key] = [float(row[column].wrap(width - padding, 0x7FFFFFFF)[1]) for row in rows]
        return measured[key]

    def height(widths: Sequence[float]) -> float:
        heights = [column_heights(column, width) for column, width in enumerate(widths)]
        return float(sum(max(cells) for cells in zip(*heights, strict=True)))

    minimum = [padding + max(longest_word(row[column]) for row in rows) for column in range(columns)]
    if sum(minimum) >= total:
        return [total * width / sum(minimum) for width in minimum]
    widths = list(minimum)
    step = max((total - sum(minimum)) / 24, 2.0)
    while sum(widths) + step <= total + 0.01:
        now = height(widths)
        gains = []
        for column in range(columns):
            trial = list(widths)
            trial[column] += step
            gains.append(now - height(trial))
        best = max(range(columns), key=lambda column: (gains[column], -widths[column]))
        widths[best] += step
    widths[-1] += total - sum(widths)
    return widths


def longest_word(cell: Flowable) -> float:
    """The width of a paragraph's widest word, in its own font and size."""
    text = getattr(cell, "text", "") or ""
    style = getattr(cell, "style", None)
    if style is None or not text.strip():
        return 0.0
    return max(float(stringWidth(word, style.fontName, style.fontSize)) for word in text.split())


def split_in_row(rows: Sequence[Sequence[Flowable]], widths: Sequence[float]) -> int:
    """1 if a row is so tall it must be allowed to split inside itself, else 0 (rows stay whole)."""
    tallest = 0.0
    for row in rows:
        for cell, width in zip(row, widths, strict=False):
            tallest = max(tallest, float(cell.wrap(width - 8, BOX_ROW_SPLIT_AT)[1]))
    return 1 if tallest >= BOX_ROW_SPLIT_AT else 0


NO_PADDING = (
    ("LEFTPADDING", (0, 0), (-1, -1), 0),
    ("RIGHTPADDING", (0, 0), (-1, -1), 0),
    ("TOPPADDING", (0, 0), (-1, -1), 0),
    ("BOTTOMPADDING", (0, 0), (-1, -1), 0),
)
