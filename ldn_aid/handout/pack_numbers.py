"""Page 3 of the decision pack, "In numbers": benefits and harms as "X in 100" (clinical audit B-3, B-4).

Each number sets one trial's result against the dummy pill (placebo) of the same trial, for the
patient's own age group (adults from 18, children under 18). Numbers are grouped by option and the
trial is named once above them; one benefit and one harm per trial are drawn as pictures (`drawn` in
pack.toml), the trial's other harms are written in the same "X in 100" words below them. No numbers
exist for LDN in ADHD, and the page says so; LDN numbers from another illness print only inside a
frame titled as not comparable, in words, so the eye cannot set them against the pictures, and only in a
pack with a plan.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from ldn_aid.content.handout_schema import OPTION_IDS, IconArrayNumbers
from ldn_aid.handout.model import Block, Framed, Heading, IconArray, IconGroup, Paragraph
from ldn_aid.handout.pack_context import PackContext

Population = Literal["adults", "children"]
# Options that can have trial numbers in ADHD: not "no new medicine" (no pill), not LDN (never tested).
TESTED_OPTIONS = tuple(option for option in OPTION_IDS if option not in ("keep_current", "ldn"))
Arrays = Sequence[tuple[str, IconArrayNumbers]]


def population(ctx: PackContext) -> Population:
    return "children" if ctx.reader.caregiver else "adults"


def numbers_blocks(ctx: PackContext) -> list[Block]:
    words = ctx.words.numbers
    age_group = population(ctx)
    arrays = [
        (array_id, numbers)
        for array_id, numbers in ctx.content.rules.options.icon_arrays.items()
        if numbers.population == age_group
    ]
    blocks: list[Block] = [Heading(text=words.heading, level=1)]
    blocks.append(Paragraph(text=" ".join((*words.intro, words.cannot_compare))))
    blocks.append(Paragraph(text=words.no_ldn_numbers + ctx.cite.mark(words.no_ldn_references)))
    for option in TESTED_OPTIONS:
        mine = [(i, n) for i, n in arrays if n.option == option and n.comparable]
        if not mine:
            # One line, no heading: there is nothing to group under it.
            no_pictures = words.no_pictures[age_group].format(options=words.options[option])
            blocks.append(Paragraph(text=no_pictures))
            continue
        blocks.append(Heading(text=words.options[option], level=2))
        for trial, members in _by_trial(mine).items():
            # The trial is named once, with its sources; the pictures under it carry no numbers.
            blocks.append(Paragraph(text=words.trials[trial] + ctx.cite.mark(_references(members))))
            blocks += _trial_numbers(ctx, members)
    other_illnesses = [(i, n) for i, n in arrays if not n.comparable]
    # Only with a plan: for someone about to start LDN they say what is known of its harms elsewhere;
    # a pack without a plan keeps to three pages.
    if other_illnesses and ctx.protocol is not None:
        blocks.append(_not_comparable(ctx, other_illnesses))
    return blocks


def _by_trial(arrays: Arrays) -> dict[str, list[tuple[str, IconArrayNumbers]]]:
    """The arrays of each trial, benefits first, in the order of options.toml."""
    trials: dict[str, list[tuple[str, IconArrayNumbers]]] = {}
    for array_id, numbers in sorted(arrays, key=lambda item: 0 if item[1].kind == "benefit" else 1):
        trials.setdefault(numbers.trial, []).append((array_id, numbers))
    return trials


def _trial_numbers(ctx: PackContext, members: Arrays) -> list[Block]:
    words = ctx.words.numbers
    blocks: list[Block] = [_icon_array(ctx, i, n) for i, n in members if i in words.drawn]
    written = [(i, n) for i, n in members if i not in words.drawn]
    if written:
        lines = "; ".join(_short(ctx, i, n) for i, n in written)
        blocks.append(Paragraph(text=f"{words.also} {lines}."))
    return blocks


def _not_comparable(ctx: PackContext, arrays: Arrays) -> Framed:
    words = ctx.words.numbers
    framed: list[Paragraph] = [Paragraph(text=text) for text in words.not_comparable_intro]
    for trial, members in _by_trial(arrays).items():
        lines = " ".join(_short(ctx, i, n) for i, n in members)
        framed.append(Paragraph(text=f"{words.trials[trial]} {lines}{ctx.cite.mark(_references(members))}"))
    return Framed(style="note", heading=words.not_comparable_heading, blocks=tuple(framed))


def _references(members: Arrays) -> tuple[str, ...]:
    """A trial's sources: each array's, in order, once (the mark keeps the first three printable)."""
    return tuple(dict.fromkeys(ref for _, numbers in members for ref in numbers.references))


def _short(ctx: PackContext, array_id: str, numbers: IconArrayNumbers) -> str:
    placebo = "" if numbers.without_option is None else str(numbers.without_option)
    return ctx.words.numbers.arrays[array_id].short.format(n=numbers.with_option, placebo=placebo)


def _icon_array(ctx: PackContext, array_id: str, numbers: IconArrayNumbers) -> IconArray:
    text = ctx.words.numbers.arrays[array_id]
    drawn = IconGroup(
        label=text.with_option.format(n=numbers.with_option), count=numbers.with_option, highlighted=True
    )
    groups = [drawn]
    caption = text.caption
    if numbers.without_option is not None:
        placebo = numbers.without_option
        groups.append(
            IconGroup(label=text.without_option.format(n=placebo), count=placebo, highlighted=False)
        )
    else:
        caption = f"{caption} {text.without_option}"
    return IconArray(title=text.title, groups=tuple(groups), caption=caption)
