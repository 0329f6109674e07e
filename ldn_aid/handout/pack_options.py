"""Page 2 of the decision pack: the four options side by side, Option Grid style.

At most eight questions as rows, short cells with no citation numbers inside (one "Sources" note
under the grid). The "No new medicine" column speaks to the patient's age: parent training and school
support for a child, the patient's own current plan for an adult (handout review D16).
"""

from __future__ import annotations

from ldn_aid.content.handout_schema import OPTION_IDS
from ldn_aid.content.pack_schema import GRID_ROWS
from ldn_aid.handout.model import Block, GridRow, OptionGrid
from ldn_aid.handout.pack_context import PackContext
from ldn_aid.handout.pack_visit import points_blocks, points_on_page_one


def options_blocks(ctx: PackContext) -> list[Block]:
    words = ctx.words.grid
    rows = tuple(
        GridRow(
            question=ctx.say(words.rows[row].question),
            cells=tuple(ctx.say(words.rows[row].cells[option]) for option in OPTION_IDS),
        )
        for row in GRID_ROWS
    )
    mark = ctx.cite.mark(words.sources)
    grid = OptionGrid(
        heading=words.heading,
        intro=ctx.says(words.intro),
        columns=tuple(words.columns[option] for option in OPTION_IDS),
        rows=rows,
        note=f"{words.sources_label}:{mark}" if mark else "",
    )
    # No page break before it: the renderer moves the whole grid to a fresh page in standard print,
    # and lets large print (one question per block) run on from page 1.
    return [grid, *(points_blocks(ctx) if not points_on_page_one(ctx) else [])]
