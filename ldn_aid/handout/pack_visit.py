"""Page 1 of the decision pack, "Your visit today": what was decided, the next steps, who to call.

The title, the decision box and the steps differ by outcome (handout review D2):
- stop: why not (the patient's words for each stop, methadone or buprenorphine first) and what instead;
- incomplete: what is still needed;
- guideline_first: the guideline classes still open, named from the visit's history, and that LDN
  could come later; a discussion is claimed only when the visit records it;
- ldn_option: an off-label test with a set stop rule, and the plan's dates.
Who to call (the clinic's phones, the emergency number and crisis line, the prescriber) comes right
under the decision, so page 1 holds both in every print size; a blank clinic setting prints a line to
write on, never "(not filled in)" (D10). With a plan, the checklist before the first dose and this
patient's own cautions follow the numbered next steps.
"""

from __future__ import annotations

from ldn_aid.content.pack_schema import OutcomeWords
from ldn_aid.content.words import clinician_text, dated_params, patient_text
from ldn_aid.domain.assessment import Finding, Outcome
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import MEDICINE_CLASSES
from ldn_aid.handout.common import SHEET_TEXT_LIMIT, clean_user_text
from ldn_aid.handout.model import Block, Box, Bullets, Checklist, Heading, Paragraph
from ldn_aid.handout.pack_context import PackContext
from ldn_aid.rules.engine import class_open, untried_guideline_options

# Stops whose reader must not stop another treatment on their own come first (methadone, buprenorphine).
FIRST_STOPS = ("opioid_agonist_treatment", "opioid_agonist_recent", "suicidal_thoughts")
# Findings about the guideline medicines: what instead, for every outcome.
GUIDELINE_POINTS = (
    "guideline_medicine_helped",
    "guideline_medicine_partial",
    "guideline_trial_not_adequate",
    "guideline_options_declined",
    "non_stimulant_unspecified",
)
STIMULANT_POINT = "stimulant_discuss."
NOT_A_POINT = ("ldn_untested_in_adhd",)
# Findings whose advice the plan gives in its own lines: morning dosing for sleep (side effects), the
# liquid for a low weight (how to take it), the under-18 limit (its last day, under the reviews).
COVERED_BY_PLAN = ("sleep_problems", "low_weight", "paediatric_trial_limit")


def title(ctx: PackContext) -> str:
    return ctx.say(_outcome_words(ctx).title)


def visit_blocks(ctx: PackContext) -> list[Block]:
    """Page 1, in the order a patient needs it."""
    words = _outcome_words(ctx)
    blocks: list[Block] = [Heading(text=ctx.say(words.title), level=1)]
    blocks.append(_prepared_for(ctx))
    blocks += _decision(ctx, words)
    blocks.append(contact_line(ctx))
    blocks += _options_open(ctx)
    if points_on_page_one(ctx):
        blocks += points_blocks(ctx)
    blocks += _next_steps(ctx, words)
    if ctx.protocol is not None:
        if ctx.decision.assessment.outcome != Outcome.GUIDELINE_FIRST:
            blocks.append(before_first_dose(ctx))
        # This patient's cautions on page 1, where they are read (review D2: the surgery warning sat
        # on page 7); the plan's parts give the general advice.
        blocks += cautions_blocks(ctx)
    return blocks


def _outcome_words(ctx: PackContext) -> OutcomeWords:
    outcome = ctx.decision.assessment.outcome
    if outcome in (Outcome.GUIDELINE_FIRST, Outcome.LDN_OPTION) and ctx.protocol is None:
        # No plan may be printed (build_protocol gave none): say what is still needed, as incomplete.
        outcome = Outcome.INCOMPLETE
    return ctx.words.visit.outcomes[outcome.value]


def _prepared_for(ctx: PackContext) -> Paragraph:
    words = ctx.words.visit
    template = words.prepared_for_caregiver if ctx.reader.caregiver else words.prepared_for
    return Paragraph(
        text=template.format(name=ctx.reader.name or ctx.write_in, today=ctx.date(ctx.visit.visit_date))
    )


def _decision(ctx: PackContext, words: OutcomeWords) -> list[Block]:
    outcome = ctx.decision.assessment.outcome
    heading = ctx.say(words.box_heading)
    protocol = ctx.protocol
    if outcome == Outcome.STOP:
        reasons = _stop_reasons(ctx)
        return [Box(style="stop", heading=heading, paragraphs=ctx.says(words.sentences), bullets=reasons)]
    if outcome == Outcome.INCOMPLETE or protocol is None:
        needed = _still_needed(ctx)
        return [Box(style="note", heading=heading, paragraphs=ctx.says(words.sentences), bullets=needed)]
    values = _plan_values(ctx, protocol)
    paragraphs = list(ctx.says(words.sentences, **values))
    if outcome == Outcome.GUIDELINE_FIRST:
        visit_words = ctx.words.visit
        discussed = ctx.visit.effective_plan.guideline_options_discussed
        # Never claim a discussion the visit does not record (handout review D9).
        talk = visit_words.guideline_discussed if discussed else visit_words.guideline_not_discussed
        paragraphs.append(f"{ctx.say(talk)} {ctx.say(visit_words.guideline_plan_included)}")
    closed = tuple(cls for cls in MEDICINE_CLASSES if not class_open(ctx.visit, cls))
    tried = _class_names(ctx, closed, every=True)
    if tried:
        paragraphs.append(ctx.say(ctx.words.visit.tried, options=tried))
    if outcome == Outcome.GUIDELINE_FIRST:
        return [Box(style="note", heading=heading, paragraphs=tuple(paragraphs))]
    return [Box(style="main", heading=heading, paragraphs=tuple(paragraphs))]


def _options_open(ctx: PackContext) -> list[Block]:
    """After a stop, what instead: the guideline classes still open, by name (after who to call, which
    must stay on page 1 in every print size)."""
    if ctx.decision.assessment.outcome != Outcome.STOP:
        return []
    open_classes = _class_names(ctx, untried_guideline_options(ctx.visit))
    if not open_classes:
        return []
    return [Paragraph(text=ctx.say(ctx.words.visit.options_open, options=open_classes))]


def _plan_values(ctx: PackContext, protocol: Protocol) -> dict[str, str]:
    """The dates and words the plan's sentences name."""
    timing = ctx.content.language.sheets.dose.timing[protocol.timing]
    return {
        "options": _class_names(ctx, untried_guideline_options(ctx.visit)),
        "today": ctx.date(ctx.visit.visit_date),
        "first_dose": ctx.date(protocol.start_date),
        "timing": timing,
        "check_up": ctx.date(protocol.tolerability_review),
        "review": ctx.date(protocol.response_review),
    }


def _class_names(ctx: PackContext, classes: tuple[str, ...], *, every: bool = False) -> str:
    names = ctx.words.visit.medicine_classes
    return ctx.listed(tuple(names[cls] for cls in classes), every=every)


def finding_line(ctx: PackContext, finding: Finding) -> str | None:
    """The patient's words for a finding with its source numbers, or None when it has none."""
    text = patient_text(ctx.content, finding.rule_id, finding.params, finding.inputs, ctx.date)
    return None if text is None else text + ctx.cite.mark(finding.references)


def _stop_reasons(ctx: PackContext) -> tuple[str, ...]:
    stops = ctx.decision.assessment.with_severity("stop")
    ordered = sorted(
        stops, key=lambda f: FIRST_STOPS.index(f.rule_id) if f.rule_id in FIRST_STOPS else len(FIRST_STOPS)
    )
    explained: set[str] = set()
    reasons = []
    for finding in ordered:
        text = patient_text(ctx.content, finding.rule_id, finding.params, finding.inputs, ctx.date)
        if text is None:
            text = clinician_text(
                ctx.content, finding.rule_id, dated_params(finding.params, ctx.date), finding.inputs
            )
        reasons.append(_explained_once(text, explained) + ctx.cite.mark(finding.references))
    return tuple(reasons)


def _explained_once(text: str, explained: set[str]) -> str:
    """The text without what an earlier reason already said: a sentence word for word, or an
    explanation (what follows a colon) in the same words.

    Several stops describe withdrawal alike ("withdrawal: a strong sick feeling ..."); the reader gets
    that description once (handout review D2, the methadone patient's stop box).
    """
    sentences = []
    for sentence in _sentences(text):
        if sentence in explained:
            continue  # word for word in an earlier reason ("Other ADHD options are still open to you.")
        explained.add(sentence)
        head, colon, tail = sentence.partition(": ")
        if colon and tail in explained:
            sentence = head + "."
        elif colon:
            explained.add(tail)
        sentences.append(sentence)
    return " ".join(sentences)


def _sentences(text: str) -> list[str]:
    parts = []
    rest = text
    while ". " in rest:
        sentence, rest = rest.split(". ", 1)
        parts.append(sentence + ".")
    parts.append(rest)
    return parts


def _still_needed(ctx: PackContext) -> tuple[str, ...]:
    """What an incomplete visit still needs, in the reader's words, each named once."""
    words = ctx.words.visit.still_needed
    lines: list[str] = []
    for path in ctx.decision.assessment.missing:
        key = path if path in words else path.split(".", 1)[0]
        line = ctx.say(words[key] if key in words else words["other"])
        if line not in lines:
            lines.append(line)
    return tuple(lines)


def cautions_blocks(ctx: PackContext) -> list[Block]:
    """This patient's cautions for LDN (surgery, pregnancy, age, weight ...), with a plan."""

    def wanted(finding: Finding) -> bool:
        return (
            finding.severity in ("caution", "info")
            and finding.rule_id not in (*GUIDELINE_POINTS, *NOT_A_POINT, *COVERED_BY_PLAN)
            and not finding.rule_id.startswith(STIMULANT_POINT)
        )

    findings = ctx.decision.assessment.findings
    lines = tuple(line for f in findings if wanted(f) if (line := finding_line(ctx, f)))
    if not lines:
        return []
    return [Heading(text=ctx.say(ctx.words.plan.cautions_heading), level=2), Bullets(items=lines)]


def points_on_page_one(ctx: PackContext) -> bool:
    """The points to talk about go on page 1 unless an LDN plan fills it (its dated steps, checklist
    and cautions); then they go under the Option Grid, beside the options they are about. A
    guideline_first pack keeps them on page 1 even with a fallback plan: the guideline medicines are
    what it is about, and its page 1 has no dated steps."""
    return ctx.protocol is None or ctx.decision.assessment.outcome != Outcome.LDN_OPTION


def points_blocks(ctx: PackContext) -> list[Block]:
    """The patient's own points to talk about (see `points_on_page_one` for where)."""
    points = _points(ctx)
    if not points:
        return []
    return [Heading(text=ctx.say(ctx.words.visit.points_heading), level=2), Bullets(items=points)]


def _points(ctx: PackContext) -> tuple[str, ...]:
    """The guideline medicines for every outcome; before a stimulant, unless LDN is the option; the
    cautions of an incomplete visit (a plan prints its own)."""
    outcome = ctx.decision.assessment.outcome
    findings = ctx.decision.assessment.findings

    def wanted(finding: Finding) -> bool:
        if finding.rule_id in NOT_A_POINT:
            return False
        if finding.rule_id in GUIDELINE_POINTS:
            return True
        if finding.rule_id.startswith(STIMULANT_POINT):
            return outcome != Outcome.LDN_OPTION
        return outcome == Outcome.INCOMPLETE and finding.severity == "caution"

    return tuple(line for f in findings if wanted(f) if (line := finding_line(ctx, f)))


def _next_steps(ctx: PackContext, words: OutcomeWords) -> list[Block]:
    visit_words = ctx.words.visit
    protocol = ctx.protocol
    outcome = ctx.decision.assessment.outcome
    steps: list[str] = []
    if outcome == Outcome.GUIDELINE_FIRST:
        # The guideline medicines come first: no dated LDN step on page 1, which a parent could
        # follow as if LDN had been chosen (clinical review, December 2026); the plan is a fallback.
        options = _class_names(ctx, untried_guideline_options(ctx.visit))
        steps.append(ctx.say(visit_words.guideline_step, options=options))
    if protocol is not None and outcome == Outcome.GUIDELINE_FIRST:
        steps.append(ctx.say(visit_words.guideline_if_ldn, plan=ctx.say(ctx.words.plan.heading)))
    elif protocol is not None and outcome == Outcome.LDN_OPTION:
        plan_steps = list(ctx.says(visit_words.plan_steps, **_plan_values(ctx, protocol)))
        if any(f.rule_id == "urine_opioid_screen_required" for f in ctx.decision.assessment.findings):
            plan_steps.insert(1, ctx.say(visit_words.urine_step))
        steps += plan_steps
    else:
        steps += ctx.says(words.steps)
    blocks: list[Block] = [
        Heading(text=ctx.say(ctx.words.visit.next_steps_heading), level=2),
        Bullets(items=tuple(steps), numbered=True),
    ]
    return blocks


def before_first_dose(ctx: PackContext) -> Checklist:
    """The ticks before the first dose (review D11), under the next steps."""
    checklist = ctx.words.visit.before_first_dose
    return Checklist(
        heading=ctx.say(checklist.heading),
        items=ctx.says(checklist.items, today=ctx.date(ctx.visit.visit_date)),
    )


def contact_line(ctx: PackContext) -> Paragraph:
    """Who to call, in one paragraph: the clinic and its phones, the emergency number and the crisis
    line, the prescriber (clinic settings). A paragraph flows, so page 1 holds it in every print size;
    the numbers come first and the prescriber's name last, so if it must run on, the numbers stay."""
    words = ctx.words.visit.contacts
    clinic = ctx.clinic
    name = clean_user_text(clinic.clinic_name, SHEET_TEXT_LIMIT)
    phone = ctx.phone(clinic.phone)
    call = words.clinic.format(name=name, phone=phone) if name else words.clinic_no_name.format(phone=phone)
    after_hours = clean_user_text(clinic.after_hours_phone, SHEET_TEXT_LIMIT)
    if after_hours:
        call += " " + words.after_hours.format(number=ctx.phone(after_hours))
    emergency = ctx.phone(clinic.emergency_number)
    parts = (
        call + ".",
        words.emergency.format(emergency=emergency, crisis=ctx.phone(clinic.crisis_line)),
        words.prescriber.format(name=ctx.setting(clinic.prescriber_name)),
    )
    return Paragraph(text=" ".join(parts))
