"""`compose_evidence_sheet(...) -> Handout`: the numbered sources behind the decision pack.

The pack cites by number only; this sheet lists every source it cites under **the same number**. It
does not number anything itself: it composes the very pack the patient gets (`compose_handout`) and
reads its `Handout.cited`, the reference ids in the order of their numbers on the pack, so the two
cannot drift apart. When the visit has follow-up reviews, the latest follow-up sheet (composed the same
way as the printed one) gets a second list, with that sheet's own numbers, when it cites any source.

Each source prints as its display citation and one locator (a DOI, else a PubMed id, else the web
address); the reviewer's `note` never prints. Pure: no I/O, no layout.

The gate is the pack's (`VisitDecision.handout_gate`): the sources go with the pack, so they are given
only when the pack may be given, and a refusal raises `DocumentRefusedError` as the pack does.
"""

from __future__ import annotations

import re

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.schema import Reference
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import date_without_weekday, month_and_year, written_date
from ldn_aid.handout.common import SHEET_TEXT_LIMIT, DocumentRefusedError, clean_user_text
from ldn_aid.handout.compose import compose_handout
from ldn_aid.handout.dose_text import NO_BREAK_SPACE
from ldn_aid.handout.followup_sheet import FollowUpSheetError, compose_followup_for_visit
from ldn_aid.handout.model import Block, Facts, Handout, Heading, Paragraph, ReferenceList
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings


def locator(reference: Reference) -> str:
    """The one address that finds a source: its DOI (as a link anyone can type), else its PubMed id,
    else its web address."""
    if reference.doi:
        return f"https://doi.org/{reference.doi}"
    if reference.pmid:
        return f"PMID {reference.pmid}"
    return reference.url or ""


# A dose in a title ("tablets USP 50 mg") keeps its unit on its line, as every dose on every sheet does.
_DOSE_IN_TITLE = re.compile(r"(\d) (mg|mL)\b")


def source_line(number: int, reference: Reference) -> str:
    """ "n. citation locator": the display citation as recorded, a dose in it never split from its unit."""
    citation = _DOSE_IN_TITLE.sub(rf"\1{NO_BREAK_SPACE}\2", reference.citation)
    return f"{number}. {citation} {locator(reference)}".rstrip()


def numbered_sources(cited: tuple[str, ...], references: dict[str, Reference]) -> tuple[str, ...]:
    """A source line for each cited id, numbered as on the document that cites it."""
    return tuple(source_line(number, references[ref_id]) for number, ref_id in enumerate(cited, start=1))


def _latest_followup_sheet(
    visit: Visit, decision: VisitDecision, content: ContentBundle, clinic: ClinicSettings
) -> Handout | None:
    """The follow-up sheet the patient would get for the latest review, when it cites a source by number;
    None when there is none to give (no review, or its own gate refuses it: then its sources do not go
    out either) or it cites nothing (an empty second list would only puzzle)."""
    try:
        sheet = compose_followup_for_visit(visit, content.language.language, clinic, decision)
    except (DocumentRefusedError, FollowUpSheetError):
        return None
    return sheet if sheet is not None and sheet.cited else None


def compose_evidence_sheet(
    visit: Visit,
    decision: VisitDecision,
    content: ContentBundle,
    clinic: ClinicSettings | None = None,
) -> Handout:
    """The evidence sheet for one visit, in the content bundle's language.

    Args:
        visit: the visit.
        decision: `decide(visit)`; the sheet obeys its `handout_gate`, as the pack does.
        content: the words, in the sheet's language (the pack's language: the numbers must match).
        clinic: the clinic details the pack prints (they do not change its numbers; passed so the
            pack composed here is the pack given).

    Raises:
        DocumentRefusedError: the handout gate refuses the pack, and so its sources.
    """
    clinic = clinic if clinic is not None else ClinicSettings()
    pack = compose_handout(visit, decision, content, clinic)  # refuses as the gate says
    words = content.language.pack.evidence_sheet
    references = dict(content.rules.references)
    followup = _latest_followup_sheet(visit, decision, content, clinic)
    dates = content.language.sheets
    review_day = date_without_weekday(visit.follow_ups[-1].date, dates) if followup else ""

    patient = clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT)
    blocks: list[Block] = [Heading(text=words.title, level=1)]
    facts = [(words.visit_date, written_date(visit.visit_date, dates))]
    if patient:
        facts.insert(0, (words.prepared_for, patient))
    blocks.append(Facts(rows=tuple(facts)))
    blocks += [Paragraph(text=text) for text in words.intro]
    if followup is not None:
        blocks.append(Paragraph(text=words.followup_intro.format(date=review_day)))
    if words.original_language:
        blocks.append(Paragraph(text=words.original_language))
    rules = content.rules
    blocks.append(
        Paragraph(
            text=" ".join(
                (
                    words.checked.format(date=month_and_year(rules.evidence_reviewed, dates)),
                    words.next_check.format(date=month_and_year(rules.next_review, dates)),
                    f"{words.content_version}: {rules.content_version}.",
                )
            )
        )
    )

    blocks.append(
        ReferenceList(
            heading=words.pack_heading, items=numbered_sources(pack.cited, references) or (words.no_sources,)
        )
    )
    if followup is not None:
        blocks.append(
            ReferenceList(
                heading=words.followup_heading.format(date=review_day),
                items=numbered_sources(followup.cited, references),
            )
        )
    blocks.append(Heading(text=words.about_heading, level=2))
    blocks += [Paragraph(text=text) for text in words.about]

    return Handout(
        language=content.language.language,
        document="evidence_sheet",
        title=words.title,
        patient_name=patient,
        cited=pack.cited,
        blocks=tuple(blocks),
        footer=words.footer,
        page_label=pack.page_label,
        has_plan=False,
    )


def compose_evidence_sheet_for_visit(
    visit: Visit,
    language: str | None = None,
    clinic: ClinicSettings | None = None,
    decision: VisitDecision | None = None,
) -> Handout:
    """Decide the visit (once) and compose its evidence sheet: the path the wizard and the command line
    share, as `compose_for_visit` is for the pack.

    Raises:
        DocumentRefusedError: the handout gate refuses the pack, and so its sources.
    """
    content = load_content(language or visit.patient.handout_language)
    decided = decision if decision is not None else decide(visit)
    return compose_evidence_sheet(visit, decided, content, clinic)
