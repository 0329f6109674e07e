"""The sheet a patient takes home after a follow-up review."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.words import patient_text
from ldn_aid.domain.decision import Gate, VisitDecision
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.values import MAX_DOSE_MG
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import dose_calendar
from ldn_aid.handout.common import (
    SHEET_TEXT_LIMIT,
    Citations,
    DocumentRefusedError,
    clean_user_text,
    format_date,
)
from ldn_aid.handout.dose_text import dose_text, mg
from ldn_aid.handout.model import (
    Block,
    Box,
    Bullets,
    Facts,
    Handout,
    Heading,
    Paragraph,
    ReferenceList,
)
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings


class FollowUpSheetError(LdnAidError):
    """A follow-up decision the sheet cannot state without contradicting itself."""


ADHERENCE = "followup_adherence"


def dose_limit(decision: FollowUpDecision) -> Decimal:
    """The highest dose a sheet, note or export may give after this review: the cap, or this
    patient's ceiling when lower."""
    ceiling = decision.ceiling_mg
    return MAX_DOSE_MG if ceiling is None else min(MAX_DOSE_MG, ceiling)


def doses_above_limit(decision: FollowUpDecision) -> tuple[Decimal, ...]:
    """Any dose the decision would give above `dose_limit` (always empty when the review is right)."""
    limit = dose_limit(decision)
    doses = [step.dose_mg for step in decision.revised_steps]
    if decision.next_dose_mg is not None:
        doses.append(decision.next_dose_mg)
    return tuple(sorted({dose for dose in doses if dose > limit}))


def compose_followup_sheet(
    visit: Visit, decision: FollowUpDecision, content: ContentBundle, clinic: ClinicSettings | None = None
) -> Handout:
    """The sheet a patient takes home after a follow-up review, in the content's language.

    The headline and the boxes follow `decision.decision`: `stop` prints the stop box and no dose;
    every other decision prints the dose to take from today and its calendar (`restart` from the
    first step again), up to the next review day with the dose in force: a change on or after that
    day is the review's to decide. `no_plan` gives no dosing advice at all, so there is no sheet for
    it. The reasons are the patient's (`decision.patient_reasons`; the clinician's record shows them
    all), their dates written as the header's.

    Raises:
        DocumentRefusedError: the decision is `no_plan`.
        FollowUpSheetError: a decision to keep taking LDN that names no dose, or a dose above the cap
            or this patient's ceiling.
    """
    if decision.decision == "no_plan":
        raise DocumentRefusedError("followup_sheet", Gate(allowed=False, blockers=("followup_no_plan",)))
    stopping = decision.decision == "stop"
    if not stopping and (decision.next_dose_mg is None or not decision.revised_steps):
        raise FollowUpSheetError(
            f"the review on {decision.review_date.isoformat()} says {decision.decision} but gives no dose to"
            " take, so no follow-up sheet is printed"
        )
    too_high = doses_above_limit(decision)
    if too_high:
        raise FollowUpSheetError(
            f"the review on {decision.review_date.isoformat()} gives {', '.join(mg(d) for d in too_high)},"
            f" above the highest dose of {mg(dose_limit(decision))}, so no follow-up sheet is printed"
        )
    clinic = clinic if clinic is not None else ClinicSettings()
    words = content.language.handout
    sheet = words.follow_up
    labels = words.labels
    cite = Citations(dict(content.rules.references))
    blank = labels["not_set"]

    def written(day: dt.date) -> str:
        return format_date(day, words)

    blocks: list[Block] = [Heading(text=sheet.title, level=1), Paragraph(text=sheet.intro)]
    blocks.append(
        Facts(
            rows=(
                (
                    labels["prepared_for"],
                    clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT) or blank,
                ),
                (labels["date"], written(decision.review_date)),
                # One line for the clinic keeps the sheet to a single page.
                (
                    labels["clinic"],
                    ", ".join(
                        part
                        for part in (
                            clean_user_text(clinic.clinic_name, SHEET_TEXT_LIMIT),
                            clean_user_text(clinic.phone, SHEET_TEXT_LIMIT),
                        )
                        if part
                    )
                    or blank,
                ),
            )
        )
    )
    blocks.append(
        Box(
            style="stop" if stopping else "main",
            heading=sheet.decisions[decision.decision],
        )
    )
    printed = decision.patient_reasons
    reasons = tuple(
        text + cite.mark(reason.references)
        for reason in printed
        if (text := patient_text(content, reason.rule_id, reason.params, reason.inputs, written))
    )
    # The adherence point is said once: by its reason when that is printed, else by the paragraph
    # (never under a stop: there are no doses left to take).
    adherence = (
        decision.adherence_point and not stopping and all(reason.rule_id != ADHERENCE for reason in printed)
    )
    if reasons or adherence:
        blocks.append(Heading(text=sheet.why_heading, level=2))
        if reasons:
            blocks.append(Bullets(items=reasons))
        if adherence:
            blocks.append(Paragraph(text=sheet.adherence))

    if stopping:
        after_stopping = words.opioid_safety.bullets[-1]
        blocks.append(
            Box(
                style="warning",
                heading=words.opioid_safety.heading,
                paragraphs=(sheet.no_more_doses,),
                bullets=(after_stopping,),
            )
        )
    else:
        timing = words.timing_bedtime if decision.next_timing == "bedtime" else words.timing_morning
        first_step = decision.revised_steps[0]
        next_review = decision.next_review or decision.response_review or decision.review_date
        blocks.append(Heading(text=sheet.new_plan_heading, level=2))
        # "Your plan from today": the start is said only when it is not today (the header's date),
        # which keeps the sheet to one page.
        plan_rows = [(labels["dose"], dose_text(first_step.dose_mg, first_step.volume_ml))]
        if first_step.start != decision.review_date:
            plan_rows.append((labels["from_date"], written(first_step.start)))
        plan_rows.append((labels["next_review"], written(next_review)))
        blocks.append(Facts(rows=tuple(plan_rows)))
        blocks.append(Paragraph(text=f"{timing} {sheet.reminder}"))
        blocks.append(Heading(text=sheet.calendar_heading, level=2))
        blocks.append(Paragraph(text=sheet.calendar_intro))
        marked = ((next_review, labels["next_review"]),)
        blocks.append(dose_calendar(decision.revised_steps, first_step.start, next_review, marked, words))
    if cite.order:
        blocks.append(ReferenceList(heading=labels["references"], items=cite.listing()))
    return Handout(
        language=content.language.language,
        title=sheet.title,
        blocks=tuple(blocks),
        footer=labels["footer"],
        page_label=labels["page"],
        has_plan=not stopping,
    )


def compose_followup_for_visit(
    visit: Visit,
    language: str | None = None,
    clinic: ClinicSettings | None = None,
    decision: VisitDecision | None = None,
) -> Handout | None:
    """The follow-up sheet for the latest follow-up, or None when the visit has none.

    Raises:
        DocumentRefusedError: the follow-up gate refuses the sheet (no plan, or a refused clinician choice).
    """
    if not visit.follow_ups:
        return None
    content = load_content(language or visit.patient.handout_language)
    decided = decision if decision is not None else decide(visit)
    if not decided.followup_gate.allowed:
        raise DocumentRefusedError("followup_sheet", decided.followup_gate)
    latest = decided.latest
    if latest is None:  # pragma: no cover - decide reviews every follow-up
        raise FollowUpSheetError("no decision for the latest follow-up")
    return compose_followup_sheet(visit, latest, content, clinic)
