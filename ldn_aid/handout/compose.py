"""`compose_handout(...) -> Handout`: what the patient's sheet says, from the visit and its decision.

Pure: no I/O, no layout. Every fact on the sheet that has a source gets a reference number, in order
of first use, and the numbered list is printed under "About this sheet".

Both documents obey the one gate in the core (`ldn_aid.rules.gate`, carried by `VisitDecision`):
- the handout is composed only when `handout_gate` allows it, and carries the plan (steps, calendar,
  wallet card) only when `VisitDecision.plan_printable`;
- the follow-up sheet is composed only when `followup_gate` allows it; its headline and boxes follow
  the decision (`stop`: the stop box; anything else: the dose to take and its calendar, which ends
  on the next review day with the dose in force); it prints only the patient's reasons
  (`FollowUpDecision.patient_reasons`), with their dates in the sheet's own format.
A refusal raises `DocumentRefusedError`, which names every blocker.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from collections.abc import Sequence
from decimal import Decimal
from typing import Literal

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.handout_schema import OPTION_IDS, ROW_IDS, HandoutText, SectionText
from ldn_aid.content.schema import Reference
from ldn_aid.content.words import blocker_text, clinician_text, dated_params, patient_text
from ldn_aid.domain.assessment import Assessment, Finding, Outcome
from ldn_aid.domain.decision import Gate, VisitDecision
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol, Step
from ldn_aid.domain.values import MAX_DOSE_MG
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.model import (
    Block,
    Box,
    Bullets,
    Calendar,
    CalendarWeek,
    ComparisonRow,
    ComparisonTable,
    Facts,
    Handout,
    Heading,
    IconArray,
    IconGroup,
    OptionCard,
    PageBreak,
    Paragraph,
    ReferenceList,
    StepsTable,
    WalletCard,
)
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings

# How much user-typed text a printed line holds: a name longer than this is cut with an ellipsis, so a
# pasted paragraph can never push a table cell past a page (or off the wallet card).
SHEET_TEXT_LIMIT = 120
CARD_TEXT_LIMIT = 34


def clean_user_text(text: str | None, limit: int | None = None) -> str:
    """User-typed text made safe to print: control characters gone, runs of space folded, and cut to
    `limit` characters (ending in "…") when given.

    Markup characters stay as they are; the renderer escapes them.
    """
    if not text:
        return ""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    folded = " ".join(kept.split())
    if limit is not None and len(folded) > limit:
        return folded[: limit - 1].rstrip() + "…"
    return folded


class DocumentRefusedError(LdnAidError):
    """The core gate refuses to give this document to the patient; `gate.blockers` says why.

    The message is the clinician's (English) words for every blocker, on one line.
    """

    def __init__(self, document: Literal["handout", "followup_sheet"], gate: Gate) -> None:
        self.document = document
        self.gate = gate
        lines = "; ".join(refusal_lines(gate, load_content("en")))
        super().__init__(f"{DOCUMENT_NAMES[document]} may not be given to the patient: {lines}")


DOCUMENT_NAMES = {"handout": "the handout", "followup_sheet": "the follow-up sheet"}


def refusal_lines(gate: Gate, content: ContentBundle) -> tuple[str, ...]:
    """One sentence per blocker of a refused gate, in the content's language."""
    return tuple(" ".join(blocker_text(content, blocker, gate.params).split()) for blocker in gate.blockers)


class _Citations:
    """Numbers references in order of first use."""

    def __init__(self, references: dict[str, Reference]) -> None:
        self._references = references
        self.order: list[str] = []

    def mark(self, ref_ids: tuple[str, ...]) -> str:
        if not ref_ids:
            return ""
        numbers = []
        for ref_id in ref_ids:
            if ref_id not in self.order:
                self.order.append(ref_id)
            numbers.append(self.order.index(ref_id) + 1)
        return " [" + ", ".join(str(n) for n in sorted(set(numbers))) + "]"

    def listing(self) -> tuple[str, ...]:
        items = []
        for number, ref_id in enumerate(self.order, start=1):
            ref = self._references[ref_id]
            # One locator is enough to find a source: a DOI, else a PubMed id, else the web address.
            where = f"doi:{ref.doi}" if ref.doi else f"PMID {ref.pmid}" if ref.pmid else ref.url or ""
            items.append(f"{number}. {ref.citation} {where}".rstrip())
        return tuple(items)


def format_date(day: dt.date, words: HandoutText) -> str:
    return words.date_format.format(
        weekday=words.weekdays[day.weekday()], day=day.day, month=words.months[day.month - 1], year=day.year
    )


def _mg(value: Decimal) -> str:
    return f"{value:.1f} mg"


def _dose_text(dose: Decimal, volume: Decimal | None) -> str:
    return _mg(dose) if volume is None else f"{_mg(dose)} = {volume:.1f} mL"


def _section(text: SectionText, level: int = 1) -> list[Block]:
    blocks: list[Block] = [Heading(text=text.heading, level=1 if level == 1 else 2)]
    blocks += [Paragraph(text=p) for p in text.paragraphs]
    if text.bullets:
        blocks.append(Bullets(items=text.bullets))
    return blocks


def compose_handout(
    visit: Visit,
    decision: VisitDecision,
    content: ContentBundle,
    clinic: ClinicSettings | None = None,
) -> Handout:
    """The whole handout for one visit, in the content bundle's language.

    Args:
        visit: the visit.
        decision: `decide(visit)`; the handout obeys its `handout_gate`, and prints the plan only when
            `decision.plan_printable`.
        content: the words, in the handout's language.
        clinic: clinic details for the header and the wallet card.

    Raises:
        DocumentRefusedError: the gate refuses the handout (for example guideline_first without the
            clinician's acknowledgement).
    """
    if not decision.handout_gate.allowed:
        raise DocumentRefusedError("handout", decision.handout_gate)
    assessment = decision.assessment
    # The plan (steps, calendar, wallet card dose) is printed only when the gate says it may be.
    protocol = decision.protocol if decision.plan_printable else None
    clinic = clinic if clinic is not None else ClinicSettings()
    words = content.language.handout
    labels = words.labels
    cite = _Citations(dict(content.rules.references))
    blank = labels["not_set"]

    blocks: list[Block] = [Heading(text=words.title, level=1)]
    facts = [
        (labels["prepared_for"], clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT) or blank),
        (labels["date"], format_date(visit.visit_date, words)),
        (labels["clinic"], clean_user_text(clinic.clinic_name, SHEET_TEXT_LIMIT) or blank),
        (labels["phone"], clean_user_text(clinic.phone, SHEET_TEXT_LIMIT) or blank),
    ]
    blocks.append(Facts(rows=tuple(facts)))
    main = words.main_message
    blocks.append(Box(style="main", heading=main.heading, paragraphs=main.paragraphs, bullets=main.bullets))
    # When there is no plan, the reason is the second thing a patient reads, not the last.
    if protocol is None:
        blocks += _no_plan_section(assessment, content, cite)
    blocks += _section(words.the_choice)

    blocks += _section(words.options_intro)
    for option_id in OPTION_IDS:
        option = words.options[option_id]
        blocks.append(
            OptionCard(
                name=option.name,
                what_it_is=option.what_it_is,
                good_heading=labels["good_points"],
                good_points=option.good_points,
                downsides_heading=labels["downsides"],
                downsides=option.downsides,
            )
        )

    rows = []
    for row_id in ROW_IDS:
        cells = []
        for option_id in OPTION_IDS:
            cell = words.options[option_id].cells[row_id]
            cells.append(cell.text + cite.mark(cell.references))
        rows.append(ComparisonRow(label=words.row_labels[row_id], cells=tuple(cells)))
    blocks.append(
        ComparisonTable(
            heading=words.comparison.heading,
            intro=words.comparison.paragraphs,
            columns=tuple(words.options[o].short_name for o in OPTION_IDS),
            rows=tuple(rows),
        )
    )

    blocks += _section(words.numbers)
    for option_id in OPTION_IDS:
        if option_id == "ldn":
            blocks.append(
                Box(
                    style="note",
                    heading=words.options["ldn"].name,
                    paragraphs=(words.no_ldn_numbers + cite.mark(("CT1", "CT2")),),
                )
            )
        for array_id, numbers in content.rules.options.icon_arrays.items():
            if numbers.option != option_id:
                continue
            text = words.icon_arrays[array_id]
            groups = [
                IconGroup(
                    label=text.with_option.format(n=numbers.with_option),
                    count=numbers.with_option,
                    highlighted=True,
                )
            ]
            if numbers.without_option is not None:
                groups.append(
                    IconGroup(
                        label=text.without_option.format(n=numbers.without_option),
                        count=numbers.without_option,
                        highlighted=False,
                    )
                )
            caption = (
                text.caption
                if numbers.without_option is not None
                else f"{text.caption} {text.without_option}"
            )
            blocks.append(
                IconArray(
                    title=text.title, groups=tuple(groups), caption=caption + cite.mark(numbers.references)
                )
            )

    blocks += _personal_section(visit, assessment, content, cite)
    if protocol is not None:
        blocks += _plan_section(protocol, content, cite)

    blocks += _section(words.unknowns)
    about = words.about
    blocks.append(Heading(text=about.heading, level=1))
    blocks += [Paragraph(text=p) for p in about.paragraphs]
    rules = content.rules
    blocks.append(
        Facts(
            rows=(
                (labels["evidence_reviewed"], format_date(rules.evidence_reviewed, words)),
                (labels["next_review"], format_date(rules.next_review, words)),
                (labels["content_version"], rules.content_version),
            )
        )
    )
    blocks.append(ReferenceList(heading=labels["references"], items=cite.listing()))

    if protocol is not None:
        blocks += _calendar_page(protocol, words)
        blocks += _wallet_card_page(protocol, words, clinic)

    return Handout(
        language=content.language.language,
        title=words.title,
        blocks=tuple(blocks),
        footer=labels["footer"],
        page_label=labels["page"],
        has_plan=protocol is not None,
    )


def _personal_section(
    visit: Visit, assessment: Assessment, content: ContentBundle, cite: _Citations
) -> list[Block]:
    words = content.language.handout
    blocks: list[Block] = _section(words.for_you)

    def patient_line(finding: Finding) -> str | None:
        text = patient_text(
            content, finding.rule_id, finding.params, finding.inputs, lambda day: format_date(day, words)
        )
        return None if text is None else text + cite.mark(finding.references)

    stimulant_points = [
        line
        for f in assessment.findings
        if f.rule_id.startswith("stimulant_discuss.")
        if (line := patient_line(f))
    ]
    if stimulant_points:
        blocks += [
            Heading(text=words.stimulant_points_heading, level=2),
            Bullets(items=tuple(stimulant_points)),
        ]
    personal = ("caution", "info")
    # After a stop the sheet says why not and what instead; its cautions are not shown (nor cited).
    cautions = [
        line
        for f in assessment.findings
        if assessment.outcome != Outcome.STOP
        and f.severity in personal
        and not f.rule_id.startswith("stimulant_discuss.")
        and f.rule_id != "ldn_untested_in_adhd"
        if (line := patient_line(f))
    ]
    if cautions:
        blocks += [Heading(text=words.cautions_heading, level=2), Bullets(items=tuple(cautions))]
    blocks.append(Heading(text=words.priorities_heading, level=2))
    priorities = visit.preferences.priorities
    if priorities:
        labels = content.language.choices["priority"]
        blocks.append(Bullets(items=tuple(labels[p] for p in priorities)))
    else:
        blocks.append(Paragraph(text=words.no_priorities))
    blocks += _section(words.questions_to_ask, level=2)
    return blocks


def _no_plan_section(assessment: Assessment, content: ContentBundle, cite: _Citations) -> list[Block]:
    words = content.language.handout

    def written(day: dt.date) -> str:
        return format_date(day, words)

    if assessment.outcome == Outcome.STOP:
        reasons = tuple(
            (
                patient_text(content, f.rule_id, f.params, f.inputs, written)
                or clinician_text(content, f.rule_id, dated_params(f.params, written), f.inputs)
            )
            + cite.mark(f.references)
            for f in assessment.with_severity("stop")
        )
        return [
            Box(style="stop", heading=words.stop.heading, paragraphs=words.stop.paragraphs, bullets=reasons)
        ]
    return [Box(style="note", heading=words.not_ready.heading, paragraphs=words.not_ready.paragraphs)]


def _plan_section(protocol: Protocol, content: ContentBundle, cite: _Citations) -> list[Block]:
    words = content.language.handout
    labels = words.labels
    blocks: list[Block] = []
    if protocol.guideline_options_first:
        gf = words.guideline_first
        blocks.append(Box(style="note", heading=gf.heading, paragraphs=gf.paragraphs))
    blocks.append(Heading(text=words.plan.heading, level=1))
    plan_paragraphs = list(words.plan.paragraphs)
    plan_paragraphs[-1] += cite.mark(protocol.references)
    blocks += [Paragraph(text=p) for p in plan_paragraphs]
    safety = words.opioid_safety
    blocks.append(Box(style="warning", heading=safety.heading, bullets=safety.bullets))
    how = words.how_to_take_capsule if protocol.formulation == "capsule" else words.how_to_take_liquid
    timing = words.timing_bedtime if protocol.timing == "bedtime" else words.timing_morning
    blocks.append(Paragraph(text=f"{timing} {how}"))
    blocks.append(Heading(text=words.steps_heading, level=2))
    blocks.append(
        StepsTable(
            headers=(labels["step"], labels["from_date"], labels["dose"], labels["amount"]),
            rows=tuple(
                (
                    str(number),
                    format_date(step.start, words),
                    _mg(step.dose_mg),
                    "1" if step.volume_ml is None else f"{step.volume_ml:.1f} mL",
                )
                for number, step in enumerate(protocol.steps, start=1)
            ),
        )
    )
    blocks += _section(words.reviews, level=2)
    blocks.append(
        Facts(
            rows=(
                (labels["tolerability_review"], format_date(protocol.tolerability_review, words)),
                (labels["response_review"], format_date(protocol.response_review, words)),
            )
        )
    )
    blocks.append(Paragraph(text=words.working_means + cite.mark(protocol.response_rule.references)))
    blocks += _section(words.side_effects, level=2)
    blocks += _section(words.call_clinic, level=2)
    emergency = words.emergency
    blocks.append(Box(style="warning", heading=emergency.heading, bullets=emergency.bullets))
    return blocks


def _calendar(
    steps: Sequence[Step],
    first: dt.date,
    last: dt.date,
    marked: tuple[tuple[dt.date, str], ...],
    words: HandoutText,
) -> Calendar:
    """The days from `first` to `last` (the review day) inclusive, a row per week, each with the dose in
    force.

    A step that starts on or after `last` is left out: a dose change on the review day or later is the
    review's to decide, so the review day shows the dose still in force. A step that starts inside a
    week starts a new row (the row before it ends the day before), so a row never holds two doses.
    """
    labels = words.labels
    last = max(first, last)
    shown = [step for step in steps if step.start < last or step.start <= first]

    def in_force(day: dt.date) -> Step:
        started = [step for step in shown if step.start <= day]
        return started[-1] if started else shown[0]

    changes = {step.start for step in shown if first < step.start < last}
    rows: list[list[dt.date]] = []
    day = first
    while day <= last:
        if not rows or (day - first).days % 7 == 0 or day in changes:
            rows.append([])
        rows[-1].append(day)
        day += dt.timedelta(days=1)

    weeks: list[CalendarWeek] = []
    for row in rows:
        step = in_force(row[0])
        day_labels = tuple(
            f"{d.day} {words.months[d.month - 1]}" if (d == first or d.day == 1) else str(d.day) for d in row
        )
        weeks.append(
            CalendarWeek(
                label=f"{(row[0] - first).days // 7 + 1}",
                dose=_dose_text(step.dose_mg, step.volume_ml),
                days=tuple(row),
                day_labels=day_labels,
                offset=(row[0] - first).days % 7,
            )
        )
    return Calendar(
        weekday_names=tuple(words.weekdays[(first.weekday() + i) % 7] for i in range(7)),
        weeks=tuple(weeks),
        marked=marked,
        dose_header=labels["dose"],
        week_header=labels["week"],
    )


def _calendar_page(protocol: Protocol, words: HandoutText) -> list[Block]:
    labels = words.labels
    marked = (
        (protocol.tolerability_review, labels["tolerability_review"]),
        (protocol.response_review, labels["response_review"]),
    )
    blocks: list[Block] = [PageBreak()]
    blocks += _section(words.calendar)
    blocks.append(_calendar(protocol.steps, protocol.start_date, protocol.response_review, marked, words))
    blocks.append(Facts(rows=tuple((label, format_date(day, words)) for day, label in marked)))
    return blocks


def _wallet_card_page(protocol: Protocol, words: HandoutText, clinic: ClinicSettings) -> list[Block]:
    labels = words.labels
    blank = "_______________"
    # The clinic's name goes on the roomier front; the back keeps what an emergency team needs.
    front = (
        *words.wallet_front.bullets,
        f"{labels['dose']}: {_mg(protocol.target_mg)}",
        f"{labels['clinic']}: {clean_user_text(clinic.clinic_name, CARD_TEXT_LIMIT) or blank}",
    )
    back = (
        *words.wallet_back.paragraphs,
        f"{labels['prescriber']}: {clean_user_text(clinic.prescriber_name, CARD_TEXT_LIMIT) or blank}",
        f"{labels['phone']}: {clean_user_text(clinic.phone, CARD_TEXT_LIMIT) or blank}",
        f"{labels['emergency_contact']}: {blank}",
    )
    if clinic.after_hours_phone:
        back = (
            *back[:-1],
            f"{labels['after_hours_phone']}: {clean_user_text(clinic.after_hours_phone, CARD_TEXT_LIMIT)}",
            back[-1],
        )
    return [
        PageBreak(),
        *_section(words.wallet_page),
        WalletCard(
            front_heading=words.wallet_front.heading,
            front_lines=front,
            back_heading=words.wallet_back.heading,
            back_lines=back,
        ),
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
            f"the review on {decision.review_date.isoformat()} gives {', '.join(_mg(d) for d in too_high)},"
            f" above the highest dose of {_mg(dose_limit(decision))}, so no follow-up sheet is printed"
        )
    clinic = clinic if clinic is not None else ClinicSettings()
    words = content.language.handout
    sheet = words.follow_up
    labels = words.labels
    cite = _Citations(dict(content.rules.references))
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
        plan_rows = [(labels["dose"], _dose_text(first_step.dose_mg, first_step.volume_ml))]
        if first_step.start != decision.review_date:
            plan_rows.append((labels["from_date"], written(first_step.start)))
        plan_rows.append((labels["next_review"], written(next_review)))
        blocks.append(Facts(rows=tuple(plan_rows)))
        blocks.append(Paragraph(text=f"{timing} {sheet.reminder}"))
        blocks.append(Heading(text=sheet.calendar_heading, level=2))
        blocks.append(Paragraph(text=sheet.calendar_intro))
        marked = ((next_review, labels["next_review"]),)
        blocks.append(_calendar(decision.revised_steps, first_step.start, next_review, marked, words))
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
