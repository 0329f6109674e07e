"""The sheet a patient takes home after a follow-up review: what to do now, and how to get help.

Every sheet says, in this order: who and when (phone and after-hours on their own rows); the
decision as an instruction with a "Before → Now" sentence; why (the patient's reasons); the result
in words and numbers when the review judged the response rule; then either the new plan, every
upcoming date and a calendar that replaces the old one, or (after a stop) the steps that follow a
last dose; and on every sheet a box with the clinic, emergency and crisis numbers.

For a child the sheet speaks to the parent or caregiver and names the child (the display name, else
the pack's "your child" / "su hija"). After a judged response review the reason says which goal was
missed, the score's goal is a whole number (rounded down: "25.2 or lower" is "25 or lower") and the
rating is in words. Web addresses too long for one line are printed as their site's name, so that no
address is ever broken inside a word.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from urllib.parse import urlsplit

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.schema import Reference
from ldn_aid.content.sheets_schema import CitedText, FollowUpVoice, SheetDecision, SheetsText
from ldn_aid.content.words import patient_text
from ldn_aid.domain.decision import Gate, VisitDecision
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.domain.followup import FollowUp, FollowUpDecision
from ldn_aid.domain.protocol import Formulation, Timing
from ldn_aid.domain.values import MAX_DOSE_MG
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import calendar_title, dose_calendar, voice_for, written_date
from ldn_aid.handout.common import SHEET_TEXT_LIMIT, Citations, DocumentRefusedError, clean_user_text
from ldn_aid.handout.dose_text import mg, number, plain_dose, step_amount
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
from ldn_aid.rules.review_response import response_met
from ldn_aid.settings import ClinicSettings


class FollowUpSheetError(LdnAidError):
    """A follow-up decision the sheet cannot state without contradicting itself."""


ADHERENCE = "followup_adherence"
# The reasons of a review that judged the predefined response rule: only then is the result shown.
_JUDGED = frozenset({"followup_stop_no_response", "followup_response_met", "followup_response_lost"})
# The judged reasons that stop LDN: their words say which goal was missed.
_MISSED = frozenset({"followup_stop_no_response", "followup_response_lost"})
# Reasons that are practice advice: printed without a source number (no trial compared dose times;
# the one study cited for sleep effects dosed at night).
_PRACTICE_ONLY = frozenset({"followup_switch_morning"})
# A web address longer than this is printed as its site's name: at 18 pt (large print) a longer
# one cannot fit on a line, and the renderer would break it inside a word.
URL_PRINT_LIMIT = 40
NBSP = "\u00a0"


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


def _check(decision: FollowUpDecision) -> SheetDecision:
    """The decision the sheet states, once it is one a sheet may state."""
    if decision.decision == "no_plan":
        raise DocumentRefusedError("followup_sheet", Gate(allowed=False, blockers=("followup_no_plan",)))
    if decision.decision != "stop" and (decision.next_dose_mg is None or not decision.revised_steps):
        raise FollowUpSheetError(
            f"the review on {decision.review_date.isoformat()} says {decision.decision} but gives no dose to"
            " take, so no follow-up sheet is printed"
        )
    too_high = doses_above_limit(decision)
    if too_high:
        doses = ", ".join(mg(dose, "en") for dose in too_high)
        raise FollowUpSheetError(
            f"the review on {decision.review_date.isoformat()} gives {doses},"
            f" above the highest dose of {mg(dose_limit(decision), 'en')}, so no follow-up sheet is printed"
        )
    return decision.decision  # mypy narrows: no_plan is refused above


def compose_followup_sheet(
    visit: Visit, decision: FollowUpDecision, content: ContentBundle, clinic: ClinicSettings | None = None
) -> Handout:
    """The sheet a patient takes home after a follow-up review, in the content's language.

    `stop` prints the stop box and no dose; every other decision prints the dose to take from today
    and its calendar (`restart` from the first step again) up to the next review day, with the dose
    in force: a change on or after that day is the review's to decide. `no_plan` gives no dosing
    advice at all, so there is no sheet for it. The reasons are the patient's
    (`decision.patient_reasons`; the clinician's record shows them all). For a patient under the
    adult age, the sheet speaks to the parent or caregiver.

    Raises:
        DocumentRefusedError: the decision is `no_plan`.
        FollowUpSheetError: a decision to keep taking LDN that names no dose, or a dose above the cap
            or this patient's ceiling.
    """
    kind = _check(decision)
    clinic = clinic if clinic is not None else ClinicSettings()
    words = content.language.sheets
    sheet = words.followup
    voice = sheet.voice[voice_for(visit, content)]
    cite = Citations(dict(content.rules.references))
    decided = decide(visit)
    formulation: Formulation = decided.protocol.formulation if decided.protocol else "capsule"
    follow_up = _follow_up_for(visit, decision)
    stopping = decision.decision == "stop"
    name = clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT)
    say = _Say(child_words(visit, content))

    def written(day: dt.date) -> str:
        return written_date(day, words)

    blocks: list[Block] = [Heading(text=sheet.title, level=1)]
    blocks.append(Facts(rows=_header_rows(visit, decision, clinic, content)))
    before = _taken(follow_up, decision, formulation, content)
    if stopping:
        now_line = say(voice.before_now["stop"], before=before)
    else:
        now_line = _now_line(decision, kind, voice, before, content, say)
        if _skips_tonight(decision, follow_up):
            now_line += " " + say(voice.skip_tonight)
    goals = _goals(visit, follow_up, content)
    # Why, in the patient's reasons (the caregiver's words for a child), right under what to do.
    reasons: list[str] = []
    for reason in decision.patient_reasons:
        if reason.rule_id in _MISSED and goals is not None:
            text: str | None = _missed_words(goals, voice, say)
        elif reason.rule_id in voice.reasons:
            text = say(voice.reasons[reason.rule_id])
        else:
            text = patient_text(content, reason.rule_id, reason.params, reason.inputs, written)
        if text:
            marks = "" if reason.rule_id in _PRACTICE_ONLY else cite.mark(reason.references)
            reasons.append(text + marks)
    blocks.append(
        Box(
            style="stop" if stopping else "main",
            heading=sheet.decisions[kind],
            paragraphs=(now_line,),
            bullets=tuple(reasons),
        )
    )
    # The adherence point is said once: by its reason when that is printed, else by the paragraph
    # (never under a stop: there are no doses left to take).
    adherence = (
        decision.adherence_point
        and not stopping
        and all(reason.rule_id != ADHERENCE for reason in decision.patient_reasons)
    )
    if adherence:
        blocks.append(Paragraph(text=f"{say(voice.adherence)} {sheet.missed}"))
    if goals is not None and set(decision.rule_ids) & _JUDGED:
        blocks.append(_result(goals, voice, say, content))

    if stopping:
        blocks += _after_stopping(voice, formulation, cite, words, say)
    else:
        reminder = say(voice.reminder)
        timing: Timing = decision.next_timing or follow_up.timing
        if timing != follow_up.timing:
            # The card prints the time of the first plan ("at bedtime").
            old, new = (words.dose.timing[t] for t in (follow_up.timing, timing))
            reminder += " " + say(voice.card_time, old=old, new=new)
        blocks.append(Paragraph(text=reminder))
    blocks.append(_call_box(voice, clinic, words, stopping, say))
    if not stopping:
        blocks += _calendar(visit, decision, content)
    if cite.order:
        references = content.rules.references
        items = printable_locators(cite.listing(), [references[ref_id] for ref_id in cite.order])
        blocks.append(ReferenceList(heading=sheet.references, items=items))
    return Handout(
        language=content.language.language,
        document="followup_sheet",
        title=sheet.title,
        patient_name=name,
        cited=tuple(cite.order),
        blocks=tuple(blocks),
        footer=sheet.footer,
        page_label=sheet.page,
        has_plan=not stopping,
    )


def child_words(visit: Visit, content: ContentBundle) -> str:
    """How a caregiver's text names the child: the display name, else the pack's "your child" (es
    "su hija", "su hijo", "su hijo o hija" from the sex at birth). An adult's texts name no child."""
    name = clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT)
    if name:
        return name
    words = content.language.pack.visit.child
    sex = visit.patient.sex_at_birth
    return words.female if sex == "female" else words.male if sex == "male" else words.other


class _Say:
    """Fills a voice's text: the child's name ({who}, {Who} to start a sentence) and `values`."""

    def __init__(self, who: str) -> None:
        self.who = who

    def __call__(self, text: str, **values: str) -> str:
        return text.format(who=self.who, Who=self.who[:1].upper() + self.who[1:], **values)


def _skips_tonight(decision: FollowUpDecision, follow_up: FollowUp) -> bool:
    """A bedtime dose moves to the morning from tomorrow: tonight's bedtime dose is not taken (it
    would come about 10 hours before the first morning dose)."""
    first = _first_day(decision)
    return (
        follow_up.timing == "bedtime"
        and decision.next_timing == "morning"
        and first == decision.review_date + dt.timedelta(days=1)
    )


def printable_locators(items: tuple[str, ...], references: list[Reference]) -> tuple[str, ...]:
    """The source list with every web address too long for one line printed as its site's name
    ("fda.gov"): the citation names the page, and no address is ever broken inside a word."""
    shown = []
    for item, ref in zip(items, references, strict=True):
        url = ref.url or ""
        if not (ref.doi or ref.pmid) and len(url) > URL_PRINT_LIMIT and item.endswith(url):
            host = urlsplit(url).netloc.removeprefix("www.")
            item = item[: -len(url)] + host
        shown.append(item)
    return tuple(shown)


def _follow_up_for(visit: Visit, decision: FollowUpDecision) -> FollowUp:
    """The follow-up this decision reviewed (the latest on that date)."""
    same_day = [item for item in visit.follow_ups if item.date == decision.review_date]
    return same_day[-1] if same_day else visit.follow_ups[-1]


def _header_rows(
    visit: Visit, decision: FollowUpDecision, clinic: ClinicSettings, content: ContentBundle
) -> tuple[tuple[str, str], ...]:
    """Who and when, every upcoming date (after a stop there are none: the stop steps ask for the
    next visit), then the clinic, its phone and its after-hours phone each on their own row (a blank
    one is a write-in line)."""
    words = content.language.sheets
    sheet = words.followup

    def value(text: str | None) -> str:
        return clean_user_text(text, SHEET_TEXT_LIMIT) or words.write_in

    who = sheet.prepared_for_child if voice_for(visit, content) == "child" else sheet.prepared_for
    rows = [
        (who, value(visit.patient.display_name)),
        (sheet.date, written_date(decision.review_date, words)),
        *((label, written_date(day, words)) for day, label in _upcoming(decision, content)),
        (sheet.clinic, value(clinic.clinic_name)),
        (sheet.phone, value(clinic.phone)),
        (sheet.after_hours_phone, value(clinic.after_hours_phone)),
    ]
    return tuple(rows)


def _volume(dose_mg: Decimal, formulation: Formulation, content: ContentBundle) -> Decimal | None:
    if formulation != "liquid_1mg_per_ml":
        return None
    return dose_mg / content.rules.number("liquid_mg_per_ml")


def _taken(
    follow_up: FollowUp, decision: FollowUpDecision, formulation: Formulation, content: ContentBundle
) -> str:
    """What was taken before this review: "3 mg at bedtime", "0.8 mL (0.8 mg) at bedtime"."""
    words = content.language.sheets
    dose = decision.dose_taken_mg
    amount = plain_dose(dose, _volume(dose, formulation, content), content.language.language, words)
    return f"{amount} {words.dose.timing[follow_up.timing]}"


def _first_day(decision: FollowUpDecision) -> dt.date:
    """The first day of the new plan on paper: its first step's start, except that a morning dose
    planned from the review day starts the next morning (the review's own morning has passed)."""
    start = decision.revised_steps[0].start
    if decision.next_timing == "morning" and start <= decision.review_date:
        return decision.review_date + dt.timedelta(days=1)
    return start


def _start_words(decision: FollowUpDecision, words: SheetsText) -> str:
    first = _first_day(decision)
    start = words.followup.start
    date = written_date(first, words)
    if decision.next_timing == "morning" and first == decision.review_date + dt.timedelta(days=1):
        return start.tomorrow_morning.format(date=date)
    if decision.next_timing == "bedtime" and first == decision.review_date:
        return start.tonight.format(date=date)
    return start.on.format(date=date)


def _now_amount(decision: FollowUpDecision, content: ContentBundle) -> str:
    """The new dose with its time: "1 capsule of 4.5 mg at bedtime"."""
    words = content.language.sheets
    step = decision.revised_steps[0]
    timing: Timing = decision.next_timing or "bedtime"
    amount = step_amount(step.dose_mg, step.volume_ml, content.language.language, words)
    return f"{amount} {words.dose.timing[timing]}"


def _now_line(
    decision: FollowUpDecision,
    kind: SheetDecision,
    voice: FollowUpVoice,
    before: str,
    content: ContentBundle,
    say: _Say,
) -> str:
    """ "You were taking 3 mg at bedtime. From tonight, Monday, December 28, 2026, take 1 capsule of
    4.5 mg at bedtime."."""
    return say(
        voice.before_now[kind],
        before=before,
        start=_start_words(decision, content.language.sheets),
        now=_now_amount(decision, content),
    )


def _upcoming(decision: FollowUpDecision, content: ContentBundle) -> list[tuple[dt.date, str]]:
    """The dates still to come, each once, in order: the next review (named as the response review
    when it is that day), the response review, the planned re-check."""
    sheet = content.language.sheets.followup
    today = decision.review_date
    dates: dict[dt.date, str] = {}
    if decision.response_review is not None and decision.response_review > today:
        dates[decision.response_review] = sheet.response_review
    if decision.decision == "stop":
        return []
    if decision.next_review is not None and decision.next_review not in dates:
        dates[decision.next_review] = sheet.next_review
    if (
        decision.recheck_due is not None
        and decision.recheck_due > today
        and decision.recheck_due not in dates
    ):
        dates[decision.recheck_due] = sheet.recheck
    return sorted(dates.items())


def _calendar(visit: Visit, decision: FollowUpDecision, content: ContentBundle) -> list[Block]:
    """The new calendar to the next review, marked as replacing the one the patient holds."""
    words = content.language.sheets
    cal = words.calendar
    next_review = decision.next_review or decision.response_review or decision.review_date
    label = cal.response_review if next_review == decision.response_review else cal.next_review
    timing: Timing = decision.next_timing or "bedtime"
    first = min(_first_day(decision), next_review)
    calendar = dose_calendar(
        decision.revised_steps,
        first,
        next_review,
        ((next_review, label),),
        content,
        calendar_title(visit, timing, content),
        first_is_new=decision.decision in ("advance", "step_down", "restart")
        or decision.revised_steps[0].dose_mg != decision.dose_taken_mg,
        # Every calendar given before (the pack's, an earlier review's) is replaced, whatever its dates.
        note=cal.replaces,
    )
    # It ends on the next follow-up visit, not on the response review the pack's words name.
    legend = tuple(
        words.followup.calendar_ends if line == cal.legend_ends else line for line in calendar.legend
    )
    # The calendar's own title (whose calendar, when to take it, and that it replaces the old one)
    # is its heading here; how to check its boxes was said on the first calendar.
    return [calendar.model_copy(update={"legend": legend})]


def _after_stopping(
    voice: FollowUpVoice, formulation: Formulation, cite: Citations, words: SheetsText, say: _Say
) -> list[Block]:
    """What follows a last dose: no more doses, leftover medicine (take-back, else FDA's household
    trash steps), "STOPPED" and the date on the card and for how long to carry it, what comes next
    (with a line for the next visit), and opioids after stopping."""
    sheet = words.followup
    leftover = (
        voice.stop_leftover_liquid if formulation == "liquid_1mg_per_ml" else voice.stop_leftover_capsule
    )

    def cited(text: CitedText) -> str:
        return say(text.text) + cite.mark(text.references)

    # "No more doses" is the stop box's own line; the steps are what comes after it.
    # The next visit is a write-in: a stop sets no review date.
    next_step = f"{say(voice.stop_next)} {sheet.next_visit}: {words.write_in}"
    steps = (cited(leftover), cited(voice.stop_card), next_step)
    return [
        Heading(text=sheet.stop_heading, level=2),
        Bullets(items=steps, numbered=True),
        Box(style="warning", heading=sheet.opioid_heading, paragraphs=(cited(voice.stop_opioids),)),
    ]


@dataclass(frozen=True)
class Goals:
    """The response rule's two goals at this review, as the sheet prints them."""

    baseline: str  # the score at the start
    score: str  # the score today
    score_goal: str  # "25": the highest score that meets the goal (rounded down)
    score_met: bool
    rating: str  # the care team's rating in words: "a little better"
    rating_goal: str  # the least rating that meets the goal: "much better"
    rating_met: bool


def _goals(visit: Visit, follow_up: FollowUp, content: ContentBundle) -> Goals | None:
    """The two goals of the response rule, or None when this review has no score or rating to judge."""
    if response_met(content.rules, visit, follow_up) is None:
        return None
    baseline = visit.diagnosis.baseline
    if baseline is None or follow_up.score is None or follow_up.cgi_i is None:  # pragma: no cover
        return None
    language = content.language.language
    book = content.rules
    start, now = Decimal(repr(baseline.score)), Decimal(repr(follow_up.score))
    fall = book.number("response_min_fall_percent")
    best = int(book.number("response_max_cgi_i"))
    ratings = content.language.sheets.followup.ratings
    return Goals(
        baseline=number_text(start, language),
        score=number_text(now, language),
        score_goal=number_text(score_goal(start, fall, now), language),
        score_met=(start - now) * 100 >= fall * start,
        rating=ratings[follow_up.cgi_i - 1],
        rating_goal=ratings[best - 1],
        rating_met=follow_up.cgi_i <= best,
    )


def score_goal(start: Decimal, fall_percent: Decimal, now: Decimal) -> Decimal:
    """The goal as printed after "or lower": the start less the fall, rounded down to a whole number
    (conservative: 25.2 is printed 25). Checklist scores are whole numbers, so a whole score meets
    the rounded goal exactly when it meets the rule; a score with a fraction keeps the goal's tenth."""
    goal = start * (100 - fall_percent) / 100
    if now != now.to_integral():
        return goal
    return Decimal(math.floor(goal))


def _missed_words(goals: Goals, voice: FollowUpVoice, say: _Say) -> str:
    """Why a judged response stops LDN, from the goal that was missed: "Your ADHD checklist score met
    its goal, but your care team's rating did not: ... Both goals had to be met. ..."."""
    values = {
        "score": goals.score,
        "score_goal": goals.score_goal,
        "rating": goals.rating,
        "rating_goal": goals.rating_goal,
    }
    if goals.score_met and goals.rating_met:  # pragma: no cover - a met rule does not stop
        return say(voice.missed_then)
    if goals.score_met:
        text = voice.missed_rating
    elif goals.rating_met:
        text = voice.missed_score
    else:
        text = voice.missed_both
    return f"{say(text, **values)} {say(voice.missed_then)}"


def _result(goals: Goals, voice: FollowUpVoice, say: _Say, content: ContentBundle) -> Box:
    """The response rule's result in words and numbers: the score from the start to now against its
    goal, and the care team's rating against its goal, each marked met or not."""
    sheet = content.language.sheets.followup

    def verdict(met: bool) -> str:
        return sheet.goal_met if met else sheet.goal_not_met

    score = say(
        voice.result_score,
        baseline=goals.baseline,
        now=goals.score,
        goal=goals.score_goal,
        verdict=verdict(goals.score_met),
    )
    rating = say(
        voice.result_rating, rating=goals.rating, goal=goals.rating_goal, verdict=verdict(goals.rating_met)
    )
    both = sheet.result_met if goals.score_met and goals.rating_met else sheet.result_not_met
    return Box(style="note", heading=sheet.result_heading, paragraphs=(f"{score} {rating} {both}",))


def number_text(value: Decimal, language: str) -> str:
    """A score as written on the sheet (at most one decimal)."""
    return number(value.quantize(Decimal("0.1")) if value != value.to_integral() else value, language)


def _call_box(
    voice: FollowUpVoice, clinic: ClinicSettings, words: SheetsText, stopping: bool, say: _Say
) -> Box:
    """Who to call and when: the clinic (with its numbers when set), emergency, and thoughts of
    self-harm in the pack's words (the emergency number, or the crisis line by call or text)."""
    sheet = words.followup
    # A phone number never breaks at its spaces: "(555)" alone at a line's end misleads.
    phone = clean_user_text(clinic.phone, SHEET_TEXT_LIMIT).replace(" ", NBSP)
    after = clean_user_text(clinic.after_hours_phone, SHEET_TEXT_LIMIT).replace(" ", NBSP)
    # The words strip their edges, so the space before the number is put back here.
    if phone and after:
        numbers = " " + sheet.phone_with_after_hours.format(phone=phone, after_hours=after)
    elif phone:
        numbers = " " + sheet.phone_with_number.format(phone=phone)
    else:
        numbers = ""
    emergency = (
        clean_user_text(clinic.emergency_number, SHEET_TEXT_LIMIT) or ClinicSettings().emergency_number
    )
    crisis = clean_user_text(clinic.crisis_line, SHEET_TEXT_LIMIT) or ClinicSettings().crisis_line
    return Box(
        style="note",
        heading=sheet.call_heading,
        bullets=(
            say(voice.call_clinic_stop if stopping else voice.call_clinic, phone=numbers),
            say(voice.call_emergency, emergency=emergency),
            say(voice.call_crisis, emergency=emergency, crisis=crisis),
        ),
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
