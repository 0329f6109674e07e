"""The decision pack's last lines: where the sources are, who made it and who paid, when its facts were
checked and when they will be checked again (never "Next review", which patients read as an
appointment; handout review D15), and the content version."""

from __future__ import annotations

from ldn_aid.handout.model import Block, Paragraph
from ldn_aid.handout.pack_context import PackContext


def about_blocks(ctx: PackContext) -> list[Block]:
    words = ctx.words.about
    rules = ctx.content.rules
    checked = words.checked.format(
        checked=ctx.month_year(rules.evidence_reviewed), next_check=ctx.month_year(rules.next_review)
    )
    # One paragraph, the sources first: it may run on to the next page where a page is nearly full,
    # so large print never spends a page on two lines of it.
    version = words.version.format(version=rules.content_version)
    return [Paragraph(text=" ".join((words.sources, *words.made_by, checked, version)))]
