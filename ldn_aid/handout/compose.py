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

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.handout_schema import OPTION_IDS, ROW_IDS, HandoutText
from ldn_aid.content.words import clinician_text, dated_params, patient_text
from ldn_aid.domain.assessment import Assessment, Finding, Outcome
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import dose_calendar
from ldn_aid.handout.common import (
    CARD_TEXT_LIMIT,
    DOCUMENT_NAMES,
    SHEET_TEXT_LIMIT,
    Citations,
    DocumentRefusedError,
    clean_user_text,
    format_date,
    refusal_lines,
    section,
)
from ldn_aid.handout.dose_text import mg
from ldn_aid.handout.followup_sheet import (
    ADHERENCE,
    FollowUpSheetError,
    compose_followup_for_visit,
    compose_followup_sheet,
    dose_limit,
    doses_above_limit,
)
from ldn_aid.handout.model import (
    Block,
    Box,
    Bullets,
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
    cite = Citations(dict(content.rules.references))
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
    blocks += section(words.the_choice)

    blocks += section(words.options_intro)
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

    blocks += section(words.numbers)
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

    blocks += section(words.unknowns)
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
    visit: Visit, assessment: Assessment, content: ContentBundle, cite: Citations
) -> list[Block]:
    words = content.language.handout
    blocks: list[Block] = section(words.for_you)

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
    blocks += section(words.questions_to_ask, level=2)
    return blocks


def _no_plan_section(assessment: Assessment, content: ContentBundle, cite: Citations) -> list[Block]:
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


def _plan_section(protocol: Protocol, content: ContentBundle, cite: Citations) -> list[Block]:
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
                    mg(step.dose_mg),
                    "1" if step.volume_ml is None else f"{step.volume_ml:.1f} mL",
                )
                for number, step in enumerate(protocol.steps, start=1)
            ),
        )
    )
    blocks += section(words.reviews, level=2)
    blocks.append(
        Facts(
            rows=(
                (labels["tolerability_review"], format_date(protocol.tolerability_review, words)),
                (labels["response_review"], format_date(protocol.response_review, words)),
            )
        )
    )
    blocks.append(Paragraph(text=words.working_means + cite.mark(protocol.response_rule.references)))
    blocks += section(words.side_effects, level=2)
    blocks += section(words.call_clinic, level=2)
    emergency = words.emergency
    blocks.append(Box(style="warning", heading=emergency.heading, bullets=emergency.bullets))
    return blocks


def _calendar_page(protocol: Protocol, words: HandoutText) -> list[Block]:
    labels = words.labels
    marked = (
        (protocol.tolerability_review, labels["tolerability_review"]),
        (protocol.response_review, labels["response_review"]),
    )
    blocks: list[Block] = [PageBreak()]
    blocks += section(words.calendar)
    blocks.append(dose_calendar(protocol.steps, protocol.start_date, protocol.response_review, marked, words))
    blocks.append(Facts(rows=tuple((label, format_date(day, words)) for day, label in marked)))
    return blocks


def _wallet_card_page(protocol: Protocol, words: HandoutText, clinic: ClinicSettings) -> list[Block]:
    labels = words.labels
    blank = "_______________"
    # The clinic's name goes on the roomier front; the back keeps what an emergency team needs.
    front = (
        *words.wallet_front.bullets,
        f"{labels['dose']}: {mg(protocol.target_mg)}",
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
        *section(words.wallet_page),
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
