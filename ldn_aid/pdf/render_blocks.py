"""Each block of a Handout as reportlab flowables, grouped into layout units (render_layout) in the
order of the story: headings joined to what they introduce, every box splittable, the option grid as
one portrait table (question by question in large print), icon arrays compact enough to share a page.
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

from reportlab.lib.styles import ParagraphStyle
from reportlab.platypus import Flowable, Spacer, Table
from reportlab.platypus import Paragraph as RLParagraph

from ldn_aid.handout import model
from ldn_aid.pdf.render_layout import Centred, Mode, PartBreak, Unit, mark, stacked_height
from ldn_aid.pdf.render_parts import (
    BOX_ROW_SPLIT_AT,
    GRID_PAD,
    NO_PADDING,
    IconGrid,
    TickSquare,
    balanced_widths,
    embedded_fonts,
    split_in_row,
    table_style,
)
from ldn_aid.pdf.render_sheets import WalletCardSheet, calendar_table
from ldn_aid.pdf.render_text import markup
from ldn_aid.pdf.render_text import paragraph as _p
from ldn_aid.pdf.styles import (
    FONT_BOLD,
    MAIN_EDGE,
    MAIN_FILL,
    NOTE_EDGE,
    NOTE_FILL,
    STOP_EDGE,
    STOP_FILL,
    WARN_EDGE,
    WARN_FILL,
    make_styles,
)

_BOX_COLOURS = {
    "main": (MAIN_FILL, MAIN_EDGE),
    "warning": (WARN_FILL, WARN_EDGE),
    "stop": (STOP_FILL, STOP_EDGE),
    "note": (NOTE_FILL, NOTE_EDGE),
}

# At most this many paragraphs between a heading and a subheading count as the section's intro.
_SHORT_INTRO = 3
_LARGE_PRINT_GAP = 0.3
_LARGE_PRINT_PART_ROOM = 0.4


@dataclass
class Piece:
    """A rendered block: its flowables and how they keep together (see `Unit`)."""

    flowables: list[Flowable]
    mode: Mode | Literal["units"]
    # A "box" moves whole to the next page only if that leaves at most this share of the page blank.
    leave_at_most: float = 1.0


class BlockRenderer:
    """The flowables of one handout at one print size, for a frame `content_width` by `frame_height`."""

    def __init__(
        self, handout: model.Handout, large_print: bool, content_width: float, frame_height: float
    ) -> None:
        self.handout = handout
        self.large_print = large_print
        self.styles = make_styles(large_print)
        self.width = content_width
        self.frame_height = frame_height

    # -- the story: blocks into units --

    def flowables(self) -> list[Flowable]:
        """The story: each heading, with the intro paragraphs after it, joined to the block it
        introduces, so no heading or intro is left at the foot of a page."""
        story: list[Flowable] = []
        blocks = list(self.handout.blocks)
        index = 0
        while index < len(blocks):
            block = blocks[index]
            if isinstance(block, model.PageBreak):
                # The large-print calendar runs to two pages or more: it may start on the last third.
                story.append(PartBreak(_LARGE_PRINT_PART_ROOM if self.large_print else 1.0))
                index += 1
                continue
            if not isinstance(block, model.Heading):
                story.extend(self._placed([], self._block(block)))
                index += 1
                continue
            lead, intro, index = self._lead(blocks, index)
            following = blocks[index] if index < len(blocks) else None
            if following is None or isinstance(following, (model.Heading, model.PageBreak)):
                # Only paragraphs follow: the heading keeps with the first of them, the rest flow.
                if intro:
                    mark(intro[0], "body")
                story.append(Unit(lead, intro[:1], "flow"))
                story.extend(intro[1:])
                continue
            story.extend(self._placed([*lead, *intro], self._block(following)))
            index += 1
        return story

    def _lead(self, blocks: Sequence[model.Block], index: int) -> tuple[list[Flowable], list[Flowable], int]:
        """The headings from `index` on and their intro paragraphs. A section's short intro runs on into
        its first subsection ("In numbers", two lines, then "Stimulants" and its first picture), so the
        section title never stands at a page foot with its pictures overleaf."""
        lead: list[Flowable] = []
        intro: list[Flowable] = []
        while index < len(blocks) and isinstance(blocks[index], model.Heading):
            lead += intro
            while index < len(blocks) and isinstance(blocks[index], model.Heading):
                heading = blocks[index]
                assert isinstance(heading, model.Heading)
                lead.append(mark(self._heading(heading, first=index == 0), "head"))
                index += 1
            start = index
            while index < len(blocks) and isinstance(blocks[index], model.Paragraph):
                index += 1
            intro = [mark(self._block(block).flowables[0], "lead") for block in blocks[start:index]]
            if len(intro) > _SHORT_INTRO or len(lead) + len(intro) > 2 * _SHORT_INTRO:
                break
        return lead, intro, index

    @staticmethod
    def _placed(lead: list[Flowable], piece: Piece) -> list[Flowable]:
        """A block's flowables for the story, with the heading and intro lines that introduce it."""
        if piece.mode == "units":
            # Already units of their own (the large-print grid): the lead joins the first.
            first = piece.flowables[0]
            assert isinstance(first, Unit)
            first.lead = [*lead, *first.lead]
            return piece.flowables
        if piece.mode == "flow":
            # A list: the heading, intro and first item keep together; the other items flow.
            if not lead:
                return piece.flowables
            return [Unit(lead, piece.flowables[:1], "flow"), *piece.flowables[1:]]
        return [Unit(lead, piece.flowables, piece.mode, piece.leave_at_most)]

    def _heading(self, block: model.Heading, first: bool) -> Flowable:
        s = self.styles
        style = s.title if first else (s.h1 if block.level == 1 else s.h2)
        return _p(block.text, style)

    def _block(self, block: model.Block) -> Piece:
        s = self.styles
        if isinstance(block, model.Heading):
            return Piece([_p(block.text, s.h1 if block.level == 1 else s.h2)], "flow")
        if isinstance(block, model.Paragraph):
            return Piece([_p(block.text, s.body)], "flow")
        if isinstance(block, model.Bullets):
            return Piece(self._bullets(block.items, block.numbered), "flow")
        if isinstance(block, model.Checklist):
            return self._checklist(block)
        # Large print: a box or a picture that would leave more than this share of its page blank
        # splits there instead (its heading repeated), so the pack stays within its page budget.
        gap = _LARGE_PRINT_GAP if self.large_print else 1.0
        if isinstance(block, model.Facts):
            return Piece([self._facts(block.rows)], "box", gap)
        if isinstance(block, model.Box):
            return Piece([self._box(block)], "box", gap)
        if isinstance(block, model.Framed):
            return Piece([self._framed(block)], "box", gap)
        if isinstance(block, model.OptionGrid):
            return self._option_grid(block)
        if isinstance(block, model.IconArray):
            # Kept whole in every print size: the two pictures are read against each other.
            return Piece(self._icon_array(block, self.width), "keep")
        if isinstance(block, model.StepsTable):
            return Piece([self._steps(block)], "box")
        if isinstance(block, model.Calendar):
            table = calendar_table(block, s, self.width, self.large_print)
            return Piece([embedded_fonts(table)], "box")
        if isinstance(block, model.WalletCard):
            card = Centred(WalletCardSheet(block, s))
            card.spaceBefore = s.body_size * 0.5  # as after a paragraph: the card page is full in large print
            return Piece([card], "keep")
        if isinstance(block, model.ReferenceList):
            # The heading keeps with the first reference; the rest flow from page to page.
            items: list[Flowable] = [_p(item, s.reference) for item in block.items]
            if not block.heading.strip() or not items:
                return Piece(items, "flow")
            heading = mark(_p(block.heading, s.h2), "head")
            return Piece([Unit([heading], items[:1], "flow"), *items[1:]], "units")
        # OptionCard and ComparisonTable are retired: the pack's OptionGrid replaced both.
        raise TypeError(f"unknown or retired handout block: {block.kind}")

    # -- text blocks --

    def _bullets(self, items: Sequence[str], numbered: bool = False) -> list[Flowable]:
        if numbered:
            return [
                _p(item, self.styles.numbered, bullet=f"{number}.")
                for number, item in enumerate(items, start=1)
            ]
        return [_p(item, self.styles.bullet, bullet="•") for item in items]

    def _checklist(self, block: model.Checklist) -> Piece:
        s = self.styles
        side = s.tick_size
        gap = s.body_size * 0.6
        rows = [[TickSquare(side), _p(item, s.body)] for item in block.items]
        widths = [side + gap, self.width - side - gap]
        table = Table(rows, colWidths=widths, hAlign="LEFT", splitInRow=split_in_row(rows, widths))
        table.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("RIGHTPADDING", (0, 0), (-1, -1), 0),
                ("TOPPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), s.body_size * 0.3),
            )
        )
        return Piece([mark(_p(block.heading, s.h2), "head"), table], "box")

    def _facts(self, rows: Sequence[tuple[str, str]]) -> Table:
        s = self.styles
        label_width = self.width * (0.42 if self.large_print else 0.32)
        widths = [label_width, self.width - label_width]
        data = [[_p(label, s.cell_bold), _p(value, s.cell)] for label, value in rows]
        table = Table(data, colWidths=widths, hAlign="LEFT", splitInRow=split_in_row(data, widths))
        table.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LEFTPADDING", (0, 0), (-1, -1), 0),
                ("BOTTOMPADDING", (0, 0), (-1, -1), s.body_size * 0.3),
            )
        )
        return table

    # -- boxes --

    def _boxed(self, content: list[Flowable], style: str) -> Table:
        """A coloured box: its heading (the first flowable), then its parts, one table row each.

        One row per part, not one cell for all: a box taller than a page (large print with several
        stops, red team D01) then splits between rows, and reportlab draws the box round each part.
        Its heading is repeated at the top of each continued part, so a page never opens on a box
        without its title. A part is cut inside itself only when it alone is nearly a page tall.
        """
        fill, edge = _BOX_COLOURS[style]
        pad = self.styles.body_size * 0.8
        inner = self.width - 2 * pad
        tallest = max(float(flowable.wrap(inner, BOX_ROW_SPLIT_AT)[1]) for flowable in content)
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
        # Between rows, each part's own space before and after, as one cell spaced them; the box's
        # padding at its top and bottom.
        last = len(content) - 1
        for row, flowable in enumerate(content):
            top = pad * 0.6 if row == 0 else float(flowable.getSpaceBefore())
            bottom = pad * 0.4 if row == last else float(flowable.getSpaceAfter())
            commands.append(("TOPPADDING", (0, row), (0, row), top))
            commands.append(("BOTTOMPADDING", (0, row), (0, row), bottom))
        table.setStyle(table_style(*commands))
        table.spaceBefore = self.styles.body_size * 0.6
        table.spaceAfter = self.styles.body_size * 0.8
        return table

    def _box(self, block: model.Box) -> Table:
        s = self.styles
        content: list[Flowable] = [_p(block.heading, s.h2)]
        content += [_p(text, s.body) for text in block.paragraphs]
        content += self._bullets(block.bullets)
        return self._boxed(content, block.style)

    def _framed(self, block: model.Framed) -> Table:
        """Blocks set apart in one frame, such as numbers from other illnesses that are not comparable.
        An icon array is one part of the frame, whole; the frame splits between parts like a box."""
        s = self.styles
        inner = self.width - 2 * s.body_size * 0.8
        content: list[Flowable] = [_p(block.heading, s.h2)]
        for part in block.blocks:
            if isinstance(part, model.Paragraph):
                content.append(_p(part.text, s.body))
            elif isinstance(part, model.Bullets):
                content += self._bullets(part.items, part.numbered)
            else:
                array = Table([[self._icon_array(part, inner)]], colWidths=[inner])
                array.setStyle(table_style(*NO_PADDING))
                content.append(array)
        return self._boxed(content, block.style)

    # -- the option grid --

    def _option_grid(self, grid: model.OptionGrid) -> Piece:
        s = self.styles
        lead: list[Flowable] = [mark(_p(grid.heading, s.h1), "head")]
        lead += [mark(_p(text, s.body), "lead") for text in grid.intro]
        note: list[Flowable] = [_p(grid.note, s.caption)] if grid.note else []
        if self.large_print:
            return self._grid_by_question(grid, lead, note)
        # One portrait table: a narrow question column, then one column per option. If eight rows do not
        # fit one page, the lines and padding close up a little (never the type size).
        table = self._grid_table(grid, tight=False)
        if stacked_height([*lead, table, *note], self.width) > self.frame_height:
            table = self._grid_table(grid, tight=True)
        return Piece([*lead, table, *note], "box")

    def _grid_table(self, grid: model.OptionGrid, tight: bool) -> Table:
        s = self.styles
        leading = s.body_size * (1.1 if tight else 1.15)
        pad = GRID_PAD - (2.0 if tight else 0.0)
        head = ParagraphStyle("grid_head_fit", parent=s.grid_head, leading=leading)
        cell = ParagraphStyle("grid_cell_fit", parent=s.grid_cell, leading=leading)
        data: list[list[Flowable]] = [[_p("", head), *(_p(name, head) for name in grid.columns)]]
        data += [[_p(row.question, head), *(_p(text, cell) for text in row.cells)] for row in grid.rows]
        widths = balanced_widths(data, self.width, pad)
        table = Table(data, colWidths=widths, repeatRows=1, splitInRow=split_in_row(data, widths))
        table.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("GRID", (0, 0), (-1, -1), 0.6, NOTE_EDGE),
                ("BACKGROUND", (0, 0), (-1, 0), MAIN_FILL),
                ("BACKGROUND", (0, 1), (0, -1), NOTE_FILL),
                ("LEFTPADDING", (0, 0), (-1, -1), pad / 2),
                ("RIGHTPADDING", (0, 0), (-1, -1), pad / 2),
                ("TOPPADDING", (0, 0), (-1, -1), 1.5 if tight else 2),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 2 if tight else 3),
            )
        )
        table.spaceAfter = s.body_size * 0.5
        return table

    def _grid_by_question(self, grid: model.OptionGrid, lead: list[Flowable], note: list[Flowable]) -> Piece:
        """Large print: 18 pt text cannot fit four columns, so the grid goes question by question, each
        question with every option's answer kept together where the page allows. The heading keeps with
        the first question; the others follow as units of their own."""
        s = self.styles
        units: list[Flowable] = []
        for number, row in enumerate(grid.rows):
            head = mark(_p(row.question, s.h2), "head")
            # Options with the same answer share its line ("No new medicine, Non-stimulants, LDN: No."):
            # the answer is read once, and the 18 pt grid stays within the pack's page budget.
            same: dict[str, list[str]] = {}
            for name, cell in zip(grid.columns, row.cells, strict=True):
                same.setdefault(cell, []).append(name)
            answers = [self._labelled(", ".join(names), cell) for cell, names in same.items()]
            # Kept together unless that leaves a fifth of the page blank: then split between answers,
            # the question asked again at the top of the next page.
            units.append(
                Unit(
                    [*lead, head] if number == 0 else [head],
                    answers,
                    "box",
                    leave_at_most=0.1,
                    heading_again=functools.partial(_p, row.question, s.h2),
                )
            )
        if note:
            units.append(Unit([], note, "flow"))
        return Piece(units, "units")

    def _labelled(self, label: str, text: str) -> Flowable:
        """ "Label: text" with the label in bold, each part with its own fallback letters."""
        # Answers sit closer than paragraphs do: they belong to the question above them.
        style = ParagraphStyle("answer", parent=self.styles.body, spaceAfter=self.styles.body_size * 0.3)
        bold = markup(f"{label}:", FONT_BOLD)
        return RLParagraph(f'<font name="{FONT_BOLD}">{bold}</font> {markup(text, style.fontName)}', style)

    # -- icon arrays --

    def _icon_array(self, array: model.IconArray, width: float) -> list[Flowable]:
        """Title, grids with their words, caption. Standard print sets each grid beside its words and a
        pair side by side, so a page holds three or four pairs; large print stacks them."""
        s = self.styles
        pitch = s.icon_pitch
        gap = s.body_size * 0.6
        grid_width = pitch * 10
        groups = list(array.groups)
        per_row = 1 if self.large_print or len(groups) == 1 else 2
        cell_width = width / per_row
        label_width = cell_width - grid_width - gap - (gap if per_row > 1 else 0)
        cells: list[Table] = []
        for group in groups:
            pair = Table(
                [[IconGrid(group.count, group.highlighted, pitch), _p(group.label, s.cell)]],
                colWidths=[grid_width + gap, label_width],
            )
            pair.setStyle(table_style(("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *NO_PADDING))
            cells.append(pair)
        rows = [cells[start : start + per_row] for start in range(0, len(cells), per_row)]
        if rows and len(rows[-1]) < per_row:
            rows[-1] += [Spacer(1, 1)] * (per_row - len(rows[-1]))  # type: ignore[list-item]
        grid = Table(rows, colWidths=[cell_width] * per_row, hAlign="LEFT")
        grid.setStyle(
            table_style(
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                *NO_PADDING,
                ("BOTTOMPADDING", (0, 0), (-1, -1), s.body_size * 0.4),
            )
        )
        title = mark(_p(array.title, s.h2), "head")  # never left at a page foot without its pictures
        return [title, grid, _p(array.caption, s.caption)] if array.caption else [title, grid]

    # -- tables --

    def _steps(self, block: model.StepsTable) -> Table:
        s = self.styles
        shares = [0.12, 0.42, 0.23, 0.23] if not self.large_print else [0.12, 0.44, 0.22, 0.22]
        if len(block.headers) != len(shares):
            shares = [1 / len(block.headers)] * len(block.headers)
        widths = [self.width * share for share in shares]
        data = [[_p(h, s.cell_bold) for h in block.headers]] + [
            [_p(c, s.cell) for c in row] for row in block.rows
        ]
        table = Table(
            data, colWidths=widths, repeatRows=1, hAlign="LEFT", splitInRow=split_in_row(data, widths)
        )
        table.setStyle(
            table_style(
                ("GRID", (0, 0), (-1, -1), 0.6, NOTE_EDGE),
                ("BACKGROUND", (0, 0), (-1, 0), MAIN_FILL),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("TOPPADDING", (0, 0), (-1, -1), 4),
                ("BOTTOMPADDING", (0, 0), (-1, -1), 5),
            )
        )
        table.spaceAfter = s.body_size
        return table
