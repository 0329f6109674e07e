"""Part 4 of the decision pack, "If you start LDN": printed only when the plan may be given.

The dose steps (each written "1 capsule of 1.5 mg" or "1.5 mL (1.5 mg)", `dose_text.step_amount`), the
review dates, what "working" means and the stop rule, opioid safety with the opioid-free days tied to
dates, missed doses (practice advice in the follow-up sheets' words: no label gives a rule), side
effects, when to call (with the numbers again) and emergency signs.
"""

from __future__ import annotations

from decimal import Decimal

from ldn_aid.content.schema import plain_number
from ldn_aid.domain.protocol import Protocol
from ldn_aid.handout.calendar import date_without_weekday
from ldn_aid.handout.common import SHEET_TEXT_LIMIT, clean_user_text
from ldn_aid.handout.dose_text import step_amount
from ldn_aid.handout.model import Block, Box, Bullets, Facts, Heading, Paragraph, StepsTable
from ldn_aid.handout.pack_context import PackContext


def plan_blocks(ctx: PackContext, protocol: Protocol) -> list[Block]:
    words = ctx.words.plan
    # No page break: the plan follows the numbers on the same page when there is room (page budget).
    blocks: list[Block] = [Heading(text=ctx.say(words.heading), level=1)]
    blocks += [Paragraph(text=text) for text in ctx.says(words.intro)]
    # The stop rule first: it is what this test of LDN is. The checklist and the patient's own cautions
    # are on page 1.
    blocks += _working(ctx, protocol)
    blocks += _steps(ctx, protocol)
    blocks.append(_opioid_safety(ctx, protocol))
    blocks += _side_effects(ctx)
    blocks += _when_to_call(ctx)
    return blocks


def _steps(ctx: PackContext, protocol: Protocol) -> list[Block]:
    """The dose of each step (its own capsule strength, or mL and mg), then the review dates."""
    words = ctx.words.plan
    language = ctx.content.language.language
    sheets = ctx.content.language.sheets
    how = " ".join(
        (
            ctx.say(words.timing[protocol.timing]),
            ctx.say(words.how_to_take[protocol.formulation]),
            ctx.say(words.missed),
        )
    )
    rows = tuple(
        (
            str(number),
            # Without the weekday, so a row stays on one line; page 1 and the calendar give it.
            date_without_weekday(step.start, sheets),
            step_amount(step.dose_mg, step.volume_ml, language, sheets),
        )
        for number, step in enumerate(protocol.steps, start=1)
    )
    reviews = [
        (words.tolerability_review, ctx.date(protocol.tolerability_review)),
        (words.response_review, ctx.date(protocol.response_review)),
    ]
    if protocol.trial_ends is not None:
        reviews.append((words.trial_ends, ctx.date(protocol.trial_ends)))
    return [
        Heading(text=ctx.say(words.steps_heading), level=2),
        StepsTable(headers=(words.step, words.from_date, words.amount), rows=rows),
        Paragraph(text=how),
        Facts(rows=tuple(reviews)),
    ]


def _working(ctx: PackContext, protocol: Protocol) -> list[Block]:
    """What "working" means, fixed before the first dose, and the stop rule."""
    words = ctx.words.plan
    rule = protocol.response_rule
    percent = rule.min_fall_percent
    values = {"in_ten": plain_number(Decimal(percent) / 10), "percent": str(percent)}
    after = list(ctx.says(words.working_after))
    after[-1] += ctx.cite.mark(rule.references)
    return [
        Paragraph(text=ctx.say(words.working_intro)),
        Bullets(items=ctx.says(words.working, **values)),
        *(Paragraph(text=text) for text in after),
    ]


def _opioid_safety(ctx: PackContext, protocol: Protocol) -> Box:
    words = ctx.words.plan
    lines = list(
        # Dates without the weekday here (page 1 gives them in full): the box stays short.
        ctx.says(
            words.opioid,
            today=date_without_weekday(ctx.visit.visit_date, ctx.content.language.sheets),
            first_dose=date_without_weekday(protocol.start_date, ctx.content.language.sheets),
        )
    )
    # The opioid-free days and the loss of tolerance after stopping carry the label's numbers.
    opioid_free = ctx.content.rules.numbers.opioid_free_days.references
    lines[0] += ctx.cite.mark(opioid_free)
    lines[-1] += ctx.cite.mark(words.after_stopping_references)
    return Box(style="warning", heading=words.opioid_heading, bullets=tuple(lines))


def _side_effects(ctx: PackContext) -> list[Block]:
    words = ctx.words.plan
    lines = list(ctx.says(words.side_effects))
    lines[0] += ctx.cite.mark(words.vivid_dreams_references)
    protocol = ctx.protocol
    if protocol is not None and protocol.timing == "bedtime":  # a morning plan is already the advice
        lines[0] += " " + ctx.say(words.ask_morning)
    return [Heading(text=words.side_effects_heading, level=2), Bullets(items=tuple(lines))]


def _when_to_call(ctx: PackContext) -> list[Block]:
    """When to call the clinic, with its phones again, and when to call the emergency number."""
    words = ctx.words.plan
    clinic = ctx.clinic
    calls = list(ctx.says(words.call))
    findings = {f.rule_id for f in ctx.decision.assessment.findings}
    # The pregnancy line only where pregnancy can apply, and once: the caution above may say it.
    if ctx.reader.pregnancy_applies and "pregnancy_possible" not in findings:
        calls.append(ctx.say(words.call_pregnancy))
    emergency = ctx.phone(clinic.emergency_number)
    crisis = ctx.phone(clinic.crisis_line)
    phone = ctx.phone(clinic.phone)
    after_hours = clean_user_text(clinic.after_hours_phone, SHEET_TEXT_LIMIT)
    heading = (
        words.call_heading_after_hours.format(phone=phone, number=ctx.phone(after_hours))
        if after_hours
        else words.call_heading.format(phone=phone)
    )
    return [
        # Emergency signs first: the most urgent, and a box above a list that can run on overleaf.
        Box(
            style="warning",
            heading=words.emergency_heading.format(emergency=emergency),
            bullets=ctx.says(words.emergency, emergency=emergency, crisis=crisis),
        ),
        Heading(text=heading, level=2),
        Bullets(items=tuple(calls)),
    ]
