"""`compose_handout(...) -> Handout`: the decision pack, from the visit and its decision.

Pure: no I/O, no layout. The pack is, in order (handout review section 3; issue 11):
1. your visit today (`pack_visit`): what was decided, the numbered next steps, who to call;
2. your options side by side (`pack_options`): one Option Grid page;
3. in numbers (`pack_numbers`): benefits and harms as "X in 100", for the patient's age group;
4. if you start LDN (`pack_plan`), only when `VisitDecision.plan_printable`;
then the last lines of its reading part (`pack_about`): where the sources are, who made it, when its
facts were checked; then
5. with an ldn_option plan only, the cut-out wallet card and the dose calendar (`wallet_card`,
   `calendar`); a guideline_first pack's plan is a fallback, and its page 1 says to call first.
Only printable sources get numbers; `Handout.cited` lists their ids in number order, so the evidence
sheet numbers them the same way.

Both documents obey the one gate in the core (`ldn_aid.rules.gate`, carried by `VisitDecision`):
- the pack is composed only when `handout_gate` allows it, and carries the plan (steps; calendar and
  wallet card) only when `VisitDecision.plan_printable`;
- the follow-up sheet is composed only when `followup_gate` allows it (`followup_sheet`).
A refusal raises `DocumentRefusedError`, which names every blocker.
"""

from __future__ import annotations

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.domain.assessment import Outcome
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import calendar_blocks
from ldn_aid.handout.common import (
    CARD_TEXT_LIMIT,
    DOCUMENT_NAMES,
    SHEET_TEXT_LIMIT,
    DocumentRefusedError,
    clean_user_text,
    format_date,
    refusal_lines,
)
from ldn_aid.handout.followup_sheet import (
    ADHERENCE,
    FollowUpSheetError,
    compose_followup_for_visit,
    compose_followup_sheet,
    dose_limit,
    doses_above_limit,
)
from ldn_aid.handout.model import Block, Handout, PageBreak
from ldn_aid.handout.pack_about import about_blocks
from ldn_aid.handout.pack_context import PackContext, Reader
from ldn_aid.handout.pack_numbers import numbers_blocks
from ldn_aid.handout.pack_options import options_blocks
from ldn_aid.handout.pack_plan import plan_blocks
from ldn_aid.handout.pack_visit import title, visit_blocks
from ldn_aid.handout.wallet_card import wallet_card_blocks
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings

__all__ = [
    "ADHERENCE",
    "CARD_TEXT_LIMIT",
    "DOCUMENT_NAMES",
    "SHEET_TEXT_LIMIT",
    "DocumentRefusedError",
    "FollowUpSheetError",
    "clean_user_text",
    "compose_followup_for_visit",
    "compose_followup_sheet",
    "compose_for_visit",
    "compose_handout",
    "dose_limit",
    "doses_above_limit",
    "format_date",
    "refusal_lines",
]


def compose_handout(
    visit: Visit,
    decision: VisitDecision,
    content: ContentBundle,
    clinic: ClinicSettings | None = None,
) -> Handout:
    """The decision pack for one visit, in the content bundle's language.

    Args:
        visit: the visit.
        decision: `decide(visit)`; the pack obeys its `handout_gate`, and prints the plan only when
            `decision.plan_printable`.
        content: the words, in the pack's language.
        clinic: the clinic's name, phones, prescriber, and emergency and crisis numbers.

    Raises:
        DocumentRefusedError: the gate refuses the pack (for example guideline_first without the
            clinician's record that the guideline medicines were discussed).
    """
    if not decision.handout_gate.allowed:
        raise DocumentRefusedError("handout", decision.handout_gate)
    settings = clinic if clinic is not None else ClinicSettings()
    ctx = PackContext(visit, decision, content, settings, Reader.of(visit, content))
    blocks: list[Block] = [*visit_blocks(ctx), *options_blocks(ctx), *numbers_blocks(ctx)]
    protocol = ctx.protocol
    if protocol is not None:
        blocks += plan_blocks(ctx, protocol)
    # The reading ends with where the sources are; the tools to cut out and tick follow it. (Placed
    # after the wallet card, these lines took a large-print page of their own.)
    blocks += about_blocks(ctx)
    if protocol is not None and decision.assessment.outcome == Outcome.LDN_OPTION:
        # Only a chosen plan gets the tools: a guideline_first pack's plan is a fallback, and a card
        # saying "takes naltrexone" could keep opioid pain relief from a patient who never started.
        blocks += _tools(ctx, protocol)
    words = content.language.pack
    return Handout(
        language=content.language.language,
        document="pack",
        title=title(ctx),
        patient_name=ctx.reader.name,
        # Read last: every part has drawn its numbers by now.
        cited=tuple(ctx.cite.order),
        blocks=tuple(blocks),
        footer=words.footer,
        page_label=words.page_label,
        has_plan=protocol is not None,
    )


def _tools(ctx: PackContext, protocol: Protocol) -> list[Block]:
    """Part 5: the wallet card, then the dose calendar (which starts a new page unless this one is
    still under a third full)."""
    return [
        *wallet_card_blocks(protocol, ctx.visit, ctx.content, ctx.clinic),
        PageBreak(),
        *calendar_blocks(protocol, ctx.visit, ctx.content),
    ]


def compose_for_visit(
    visit: Visit,
    language: str | None = None,
    clinic: ClinicSettings | None = None,
    decision: VisitDecision | None = None,
) -> Handout:
    """Decide the visit (once) and compose its handout: the one path the wizard and the command line share.

    Args:
        visit: the visit.
        language: "en" or "es"; the visit's handout language when not given.
        clinic: clinic details for the header and the wallet card.
        decision: `decide(visit)` when the caller has it already (it is computed otherwise).

    Raises:
        DocumentRefusedError: the handout gate refuses the handout.
    """
    content = load_content(language or visit.patient.handout_language)
    # The decision is language-free; the sheet looks up its own words.
    decided = decision if decision is not None else decide(visit)
    return compose_handout(visit, decided, content, clinic)
