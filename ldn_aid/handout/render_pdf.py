"""Draw a composed Handout as a PDF with reportlab platypus. The only module that lays out pages.

Every string from the model is escaped before it meets reportlab's paragraph markup, so names with
`<`, `&` or quotes print literally and can never inject markup.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO, Literal
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4, LETTER, landscape
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import (
    BaseDocTemplate,
    Flowable,
    Frame,
    FrameBreak,
    KeepTogether,
    NextPageTemplate,
    PageBreak,
    PageTemplate,
    Spacer,
    Table,
    TableStyle,
)
from reportlab.platypus import Paragraph as RLParagraph

from ldn_aid import __version__
from ldn_aid.atomic import write_with
from ldn_aid.handout import model
from ldn_aid.handout.render_sheets import WalletCardSheet, calendar_table
from ldn_aid.handout.styles import (
    FONT,
    ICON_OFF,
    ICON_ON,
    MAIN_EDGE,
    MAIN_FILL,
    MUTED,
    NOTE_EDGE,
    NOTE_FILL,
    STOP_EDGE,
    STOP_FILL,
    WARN_EDGE,
    WARN_FILL,
    Styles,
    make_styles,
)

Paper = Literal["letter", "a4"]
PAPER_SIZES: dict[str, tuple[float, float]] = {"letter": LETTER, "a4": A4}
MARGIN = 72.0  # one inch on every side (plain-language print guidance)

_BOX_COLOURS = {
    "main": (MAIN_FILL, MAIN_EDGE),
    "warning": (WARN_FILL, WARN_EDGE),
    "stop": (STOP_FILL, STOP_EDGE),
    "note": (NOTE_FILL, NOTE_EDGE),
}


@dataclass(frozen=True)
class RenderOptions:
    paper: Paper = "letter"
    large_print: bool = False


def _p(text: str, style: ParagraphStyle) -> Flowable:
    return RLParagraph(escape(text), style)


# ---- custom flowables ----------------------------------------------------------------------------


class IconGrid(Flowable):
    """100 small figures in a 10 x 10 grid; the first `count` are filled."""

    def __init__(self, count: int, highlighted: bool, pitch: float) -> None:
        super().__init__()
        self.count = count
        self.colour = ICON_ON if highlighted else MUTED
        self.pitch = pitch
        self.width = self.height = pitch * 10

    def _form(self, canvas: Canvas, colour: colors.Color) -> str:
        """One figure drawn once per document as a PDF form, then placed 100 times: small and fast."""
        name = f"icon-{self.pitch:g}-{colour.hexval()}"
        if not canvas.hasForm(name):
            p = self.pitch
            canvas.beginForm(name, lowerx=0, lowery=0, upperx=p, uppery=p)
            canvas.setFillColor(colour)
            # A simple person: a head and shoulders, readable in black and white too.
            canvas.circle(p / 2, p * 0.72, p * 0.18, stroke=0, fill=1)
            canvas.roundRect(p * 0.2, p * 0.08, p * 0.6, p * 0.42, p * 0.15, stroke=0, fill=1)
            canvas.endForm()
        return name

    def draw(self) -> None:
        canvas: Canvas = self.canv
        p = self.pitch
        filled = self._form(canvas, self.colour)
        empty = self._form(canvas, ICON_OFF)
        for index in range(100):
            row, column = divmod(index, 10)
            canvas.saveState()
            canvas.translate(column * p, self.height - (row + 1) * p)
            canvas.doForm(filled if index < self.count else empty)
            canvas.restoreState()


def _fits(flowables: Sequence[Flowable], width: float, height: float, canvas: Canvas) -> bool:
    """Whether the flowables fit in width x height, measured without drawing."""
    total = 0.0
    for flowable in flowables:
        _, used = flowable.wrapOn(canvas, width, height)
        total += float(used) + float(flowable.getSpaceBefore()) + float(flowable.getSpaceAfter())
    return total <= height


# ---- block renderers -----------------------------------------------------------------------------


# A box row taller than this (in points) may split inside itself; shorter rows break only between
# rows. Below the shortest frame (Letter portrait less its margins, 648 pt) less a repeated heading.
BOX_ROW_SPLIT_AT = 480.0


class _WholeUnlessTaller(KeepTogether):
    """Keeps a box on one page when it fits on a page; a box taller than a whole page starts where it
    stands instead of leaving the rest of the page empty (KeepTogether would move it to a new page
    first, pushing a stop box off page 1)."""

    def split(self, aW: float, aH: float) -> list[Flowable]:  # noqa: N803 - reportlab's names
        if getattr(self, "_wrapInfo", None) != (aW, aH):
            self.wrap(aW, aH)
        frame = getattr(self, "_frame", None)
        page_height = float(getattr(frame, "_height", 0) or 0)
        height = float(getattr(self, "_H", 0))  # the content's height, from KeepTogether.wrap
        content: list[Flowable] = list(getattr(self, "_content", []))
        if page_height and height > page_height:
            parts = content[0].split(aW, aH) if content else []
            if parts:
                return [*parts, *content[1:]]  # it splits here: start on this page
            return [FrameBreak(), *content]  # not even its heading and a paragraph fit: next page
        return list(super().split(aW, aH))


class _Renderer:
    def __init__(self, handout: model.Handout, options: RenderOptions, content_width: float) -> None:
        self.handout = handout
        self.options = options
        self.styles = make_styles(options.large_print)
        self.width = content_width

    def flowables(self) -> list[Flowable]:
        story: list[Flowable] = []
        blocks = self.handout.blocks
        turn = self._landscape_turns()
        for index, block in enumerate(blocks):
            if isinstance(block, model.Heading) and index == 0:
                story.append(_p(block.text, self.styles.title))
                continue
            if isinstance(block, model.PageBreak):
                story.append(NextPageTemplate(self._template_for(blocks[index + 1 :])))
            elif index in turn:
                story += [NextPageTemplate("landscape"), PageBreak()]
            story.extend(self._block(block))
        return story

    def _landscape_turns(self) -> set[int]:
        """Where a large-print calendar that follows other text on its page (the follow-up sheet) starts
        a landscape page of its own, with its heading and intro: seven 18 pt day columns do not fit
        across a portrait page."""
        if not self.options.large_print:
            return set()
        blocks = self.handout.blocks
        turns: set[int] = set()
        after_break = True
        for index, block in enumerate(blocks):
            if isinstance(block, model.PageBreak):
                after_break = True
                continue
            if isinstance(block, model.Calendar) and not after_break:
                start = index
                while start > 1 and isinstance(blocks[start - 1], (model.Heading, model.Paragraph)):
                    start -= 1
                    if isinstance(blocks[start], model.Heading):
                        break
                turns.add(start)
            # Only a heading and its intro may stand between a page break and its calendar.
            if not isinstance(block, (model.Heading, model.Paragraph)):
                after_break = False
        return turns

    def _template_for(self, page: Sequence[model.Block]) -> str:
        """The page template for the blocks after a page break, up to the next one."""
        for block in page:
            if isinstance(block, model.WalletCard):
                # Two ID-1 panels side by side need the narrower margins of the card page.
                return "card"
            if isinstance(block, model.Calendar) and self.options.large_print:
                # Seven 18 pt day columns only fit across a landscape page.
                return "landscape"
            if isinstance(block, model.PageBreak):
                break
        return "portrait"

    def _block(self, block: model.Block) -> list[Flowable]:
        s = self.styles
        if isinstance(block, model.Heading):
            return [_p(block.text, s.h1 if block.level == 1 else s.h2)]
        if isinstance(block, model.Paragraph):
            return [_p(block.text, s.body)]
        if isinstance(block, model.Bullets):
            return self._bullets(block.items)
        if isinstance(block, model.Facts):
            return [self._facts(block.rows)]
        if isinstance(block, model.Box):
            return [self._box(block)]
        if isinstance(block, model.OptionCard):
            return [self._option_card(block)]
        if isinstance(block, model.ComparisonTable):
            return self._comparison(block)
        if isinstance(block, model.IconArray):
            return [self._icon_array(block)]
        if isinstance(block, model.StepsTable):
            return [self._steps(block)]
        if isinstance(block, model.PageBreak):
            return [PageBreak()]
        if isinstance(block, model.Calendar):
            return [calendar_table(block, s, self._calendar_width(), self.options.large_print)]
        if isinstance(block, model.WalletCard):
            return [Spacer(1, s.body_size), WalletCardSheet(block, s)]
        if isinstance(block, model.ReferenceList):
            return [_p(block.heading, s.h2)] + [_p(item, s.reference) for item in block.items]
        raise TypeError(f"unknown handout block: {block!r}")

    def _bullets(self, items: Sequence[str]) -> list[Flowable]:
        bullets: list[Flowable] = [
            RLParagraph(escape(item), self.styles.bullet, bulletText="•") for item in items
        ]
        return bullets

    def _facts(self, rows: Sequence[tuple[str, str]]) -> Table:
        s = self.styles
        label_width = self.width * (0.42 if self.options.large_print else 0.32)
        table = Table(
            [[_p(label, s.cell_bold), _p(value, s.cell)] for label, value in rows],
            colWidths=[label_width, self.width - label_width],
            hAlign="LEFT",
        )
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), s.body_size * 0.3),
                ]
            )
        )
        return table

    def _boxed(self, content: list[Flowable], style: str) -> Flowable:
        """A coloured box: its heading (the first flowable), then its paragraphs, one table row each.

        One row per paragraph, not one cell for all: a box taller than a page (large print with
        several stops, red team D01) then splits between rows, and reportlab draws the box round each
        part. A single cell could not split and raised LayoutError. A box that fits on a page moves
        to the next page whole; a taller one starts where it stands and its heading is repeated at the
        top of each continued part, so a page never opens on a box without its title.
        """
        fill, edge = _BOX_COLOURS[style]
        pad = self.styles.body_size * 0.8
        # Break between paragraphs only, so a reason is never cut mid-sentence, unless one paragraph
        # alone could not fit on a page.
        inner = self.width - 2 * pad
        tallest = max(flowable.wrap(inner, BOX_ROW_SPLIT_AT)[1] for flowable in content)
        table = Table(
            [[[flowable]] for flowable in content],
            colWidths=[self.width],
            repeatRows=1 if len(content) > 1 else 0,
            splitInRow=1 if tallest >= BOX_ROW_SPLIT_AT else 0,
        )
        commands: list[Any] = [
            ("BACKGROUND", (0, 0), (-1, -1), fill),
            ("BOX", (0, 0), (-1, -1), 2.5 if style in ("main", "stop", "warning") else 1, edge),
            ("LEFTPADDING", (0, 0), (-1, -1), pad),
            ("RIGHTPADDING", (0, 0), (-1, -1), pad),
        ]
        # Between rows, each paragraph's own space before and after, as one cell spaced them; the
        # box's padding at its top and bottom.
        last = len(content) - 1
        for row, flowable in enumerate(content):
            top = pad * 0.6 if row == 0 else float(flowable.getSpaceBefore())
            bottom = pad * 0.4 if row == last else float(flowable.getSpaceAfter())
            commands.append(("TOPPADDING", (0, row), (0, row), top))
            commands.append(("BOTTOMPADDING", (0, row), (0, row), bottom))
        table.setStyle(TableStyle(commands))
        table.spaceBefore = self.styles.body_size * 0.6
        table.spaceAfter = self.styles.body_size * 0.8
        return _WholeUnlessTaller([table])

    def _box(self, block: model.Box) -> Flowable:
        s = self.styles
        content: list[Flowable] = [_p(block.heading, s.h2)]
        content += [_p(text, s.body) for text in block.paragraphs]
        content += self._bullets(block.bullets)
        return self._boxed(content, block.style)

    def _option_card(self, card: model.OptionCard) -> Flowable:
        s = self.styles
        good = [_p(card.good_heading, s.bold), *self._bullets(card.good_points)]
        bad = [_p(card.downsides_heading, s.bold), *self._bullets(card.downsides)]
        head = [_p(card.name, s.h2), _p(card.what_it_is, s.body)]
        if self.options.large_print:
            return KeepTogether([*head, *good, *bad, Spacer(1, s.body_size * 0.6)])
        # Good points and downsides side by side, the same width and size: equal weight.
        half = (self.width - 12) / 2
        columns = Table([[good, bad]], colWidths=[half + 6, half + 6])
        columns.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("RIGHTPADDING", (0, 0), (-1, -1), 6),
                ]
            )
        )
        return KeepTogether([*head, columns, Spacer(1, s.body_size * 0.6)])

    def _comparison(self, table_block: model.ComparisonTable) -> list[Flowable]:
        s = self.styles
        intro: list[Flowable] = [_p(table_block.heading, s.h1)] + [
            _p(text, s.body) for text in table_block.intro
        ]
        if self.options.large_print:
            # 18 pt text cannot fit four columns; the same rows go question by question instead.
            story: list[Flowable] = intro
            for row in table_block.rows:
                lines: list[Flowable] = [_p(row.label, s.h2)]
                for name, cell in zip(table_block.columns, row.cells, strict=True):
                    lines.append(_p(f"{name}: {cell}", s.body))
                story.append(KeepTogether(lines))
            return story
        page_width = self.page_size_landscape[0] - 2 * MARGIN
        label_width = page_width * 0.15
        column_width = (page_width - label_width) / len(table_block.columns)
        data = [[_p("", s.cell_bold)] + [_p(name, s.cell_bold) for name in table_block.columns]]
        data += [
            [_p(row.label, s.cell_bold)] + [_p(cell, s.cell) for cell in row.cells]
            for row in table_block.rows
        ]
        # Rows may split across pages (header repeated) rather than leave half a page empty.
        widths = [label_width] + [column_width] * len(table_block.columns)
        table = Table(data, colWidths=widths, repeatRows=1, splitInRow=1)
        table.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("GRID", (0, 0), (-1, -1), 0.6, NOTE_EDGE),
                    ("BACKGROUND", (0, 0), (-1, 0), MAIN_FILL),
                    ("BACKGROUND", (0, 1), (0, -1), NOTE_FILL),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        # The grid gets landscape pages of its own so every column is wide enough to read.
        return [
            NextPageTemplate("landscape"),
            PageBreak(),
            *intro,
            table,
            NextPageTemplate("portrait"),
            PageBreak(),
        ]

    @property
    def page_size_landscape(self) -> tuple[float, float]:
        width, height = landscape(PAPER_SIZES[self.options.paper])
        return float(width), float(height)

    def _icon_array(self, array: model.IconArray) -> Flowable:
        s = self.styles
        pitch = s.icon_pitch
        cells = []
        for group in array.groups:
            cells.append(
                [IconGrid(group.count, group.highlighted, pitch), Spacer(1, 4), _p(group.label, s.cell)]
            )
        column = max(pitch * 10 + 12, self.width / max(len(cells), 1) - 6)
        if self.options.large_print:
            rows = [[cell] for cell in cells]
            grid = Table(rows, colWidths=[self.width])
        else:
            grid = Table([cells], colWidths=[column] * len(cells))
        grid.setStyle(
            TableStyle(
                [
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("LEFTPADDING", (0, 0), (-1, -1), 0),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), s.body_size * 0.5),
                ]
            )
        )
        grid.hAlign = "LEFT"
        return KeepTogether([_p(array.title, s.h2), grid, _p(array.caption, s.body)])

    def _calendar_width(self) -> float:
        return self.page_size_landscape[0] - 2 * MARGIN if self.options.large_print else self.width

    def _steps(self, block: model.StepsTable) -> Table:
        s = self.styles
        widths = [0.12, 0.42, 0.23, 0.23] if not self.options.large_print else [0.12, 0.44, 0.22, 0.22]
        data = [[_p(h, s.cell_bold) for h in block.headers]] + [
            [_p(c, s.cell) for c in row] for row in block.rows
        ]
        table = Table(data, colWidths=[self.width * w for w in widths], repeatRows=1, hAlign="LEFT")
        table.setStyle(
            TableStyle(
                [
                    ("GRID", (0, 0), (-1, -1), 0.6, NOTE_EDGE),
                    ("BACKGROUND", (0, 0), (-1, 0), MAIN_FILL),
                    ("VALIGN", (0, 0), (-1, -1), "TOP"),
                    ("TOPPADDING", (0, 0), (-1, -1), 4),
                    ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
                ]
            )
        )
        table.spaceAfter = s.body_size
        return table


# ---- document --------------------------------------------------------------------------------


def _footer(handout: model.Handout, styles: Styles) -> Callable[[Canvas, BaseDocTemplate], None]:
    def draw(canvas: Canvas, doc: BaseDocTemplate) -> None:
        canvas.saveState()
        width = float(getattr(canvas, "_pagesize")[0])  # reportlab has no public getter  # noqa: B009
        canvas.setFont(FONT, styles.footer_size)
        canvas.setFillColor(MUTED)
        y = MARGIN / 2
        canvas.drawString(MARGIN, y, handout.footer)
        canvas.drawRightString(
            width - MARGIN, y, f"{handout.page_label} {doc.page}  ·  LDN Aid {__version__}"
        )
        canvas.restoreState()

    return draw


def render_pdf(handout: model.Handout, out: BinaryIO, options: RenderOptions | None = None) -> int:
    """Write the handout as PDF to a binary stream; returns the number of pages."""
    options = options if options is not None else RenderOptions()
    styles = make_styles(options.large_print)
    portrait = PAPER_SIZES[options.paper]
    wide = landscape(portrait)
    doc = BaseDocTemplate(
        out,
        pagesize=portrait,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=handout.title,
        author="LDN Aid",
        subject="",
        creator=f"LDN Aid {__version__}",
        keywords=[],
        lang="en-US" if handout.language == "en" else "es-US",
        invariant=1,  # no timestamps or random ids: the same handout always gives the same bytes
    )
    footer = _footer(handout, styles)

    def frame(size: tuple[float, float], name: str, margin: float = MARGIN) -> Frame:
        return Frame(
            margin,
            margin,
            size[0] - 2 * margin,
            size[1] - 2 * margin,
            id=name,
            leftPadding=0,
            rightPadding=0,
            topPadding=0,
            bottomPadding=0,
        )

    doc.addPageTemplates(
        [
            PageTemplate(id="portrait", frames=[frame(portrait, "p")], pagesize=portrait, onPage=footer),
            PageTemplate(id="landscape", frames=[frame(wide, "l")], pagesize=wide, onPage=footer),
            PageTemplate(
                id="card", frames=[frame(portrait, "c", MARGIN / 2)], pagesize=portrait, onPage=footer
            ),
        ]
    )
    renderer = _Renderer(handout, options, portrait[0] - 2 * MARGIN)
    story = renderer.flowables()
    doc.build(story)
    return int(doc.page)


def render_pdf_bytes(handout: model.Handout, options: RenderOptions | None = None) -> bytes:
    buffer = io.BytesIO()
    render_pdf(handout, buffer, options)
    return buffer.getvalue()


def write_pdf(handout: model.Handout, path: Path, options: RenderOptions | None = None) -> None:
    """Render first, then write atomically: a failure never leaves a partial file or harms an old one."""
    data = render_pdf_bytes(handout, options)
    write_with(path, lambda handle: handle.write(data))
