"""A follow-up review in words, for the wizard's follow-up page (no Qt, tested without a window).

The rules give ids, numbers and dates; the words come from the content bundle (`review.toml`,
`choices.toml`, `questions.toml`, `findings.toml`). Nothing is decided here.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from ldn_aid.content import ContentBundle
from ldn_aid.content.schema import plain_number
from ldn_aid.content.words import clinician_text, question_text
from ldn_aid.domain.followup import SAFETY_ITEMS, DecisionReason, FollowUp, FollowUpDecision
from ldn_aid.domain.visit import SCALE_RANGES, Visit

PATH = "follow_ups"
# The rule that names the safety questions a review left unasked (its inputs are their paths).
SAFETY_UNANSWERED = "followup_safety_unanswered"
# The reasons that say a clinician's choice was refused (`followup_override_refused`, `..._stop`).
OVERRIDE_REFUSED = "followup_override_refused"
# The pregnancy answers that are news at a follow-up.
PREGNANCY_NEWS = ("pregnant", "trying", "breastfeeding")
URINE_SCREEN = "urine_opioid_screen"
NO_VALUE = "—"


def day(when: dt.date) -> str:
    """A date with its weekday, as the page shows it: "2027-01-11 (Mon)"."""
    return f"{when.isoformat()} ({when.strftime('%a')})"


def mg(dose: Decimal | None) -> str:
    return NO_VALUE if dose is None else f"{plain_number(dose)} mg"


def unanswered_of(decision: FollowUpDecision) -> tuple[str, ...]:
    """The questions the rules found not asked at a review (the inputs of its
    `followup_safety_unanswered` reason), as visit-file paths."""
    return tuple(
        path for reason in decision.reasons if reason.rule_id == SAFETY_UNANSWERED for path in reason.inputs
    )


def decision_word(content: ContentBundle, decision: str) -> str:
    return content.language.choices.get("decision", {}).get(decision, decision)


def timing_words(content: ContentBundle, timing: str | None) -> str:
    """ "at bedtime", "in the morning"; empty when there is no timing."""
    review = content.language.review
    return review.timing["morning"] if timing == "morning" else review.timing["bedtime"] if timing else ""


def cgi_i_label(content: ContentBundle, value: int) -> str:
    """ "2 — much improved"."""
    return f"{value} — {content.language.review.cgi_i[value]}"


def reason_label(content: ContentBundle, rule_id: str) -> str:
    """A reason's name in words (a follow-up rule's label), never its id."""
    return content.language.review.reason_label.get(rule_id, "")


def reason_words(content: ContentBundle, reason: DecisionReason) -> str:
    return clinician_text(content, reason.rule_id, reason.params, reason.inputs)


def severity_word(content: ContentBundle, severity: str) -> str:
    review = content.language.review
    return review.severity["stop" if severity == "stop" else "caution" if severity == "caution" else "info"]


def summary(content: ContentBundle, decision: FollowUpDecision) -> str:
    """The decision in one paragraph: what to do, when to review, and what to keep in mind."""
    words = content.language.review
    sentences = words.summary
    what = words.decision_sentence[decision.decision].format(
        dose_mg=mg(decision.next_dose_mg), timing=timing_words(content, decision.next_timing)
    )
    parts = [what.replace("  ", " ").replace(" .", ".")]
    if decision.next_review is not None:
        parts.append(sentences.next_review.format(date=day(decision.next_review)))
    if unanswered_of(decision):
        parts.append(sentences.safety_not_checked)
    if decision.cannot_judge:
        parts.append(sentences.cannot_judge)
    if decision.adherence_point and decision.decision not in ("stop", "no_plan"):
        parts.append(sentences.adherence)
    if decision.chosen is not None and decision.chosen != decision.computed:
        chosen = decision_word(content, decision.chosen)
        if decision.override_refused:
            parts.append(sentences.choice_refused.format(chosen=chosen))
        else:
            parts.append(sentences.choice_applied.format(suggested=decision_word(content, decision.computed)))
    parts.append(sentences.review_of.format(date=decision.review_date.isoformat()))
    return " ".join(parts)


def history_decision(content: ContentBundle, decision: FollowUpDecision) -> str:
    """The decision column of the history: the word, and a clinician's choice where there was one."""
    word = decision_word(content, decision.decision)
    if decision.chosen is None or decision.chosen == decision.computed:
        return word
    if decision.override_refused:
        return f"{word} (choice {decision_word(content, decision.chosen)} refused)"
    return f"{word} (clinician; suggested {decision_word(content, decision.computed)})"


def _question(content: ContentBundle, field: str) -> str:
    return question_text(content, f"{PATH}.{field}")


def safety_notes(content: ContentBundle, follow_up: FollowUp, decision: FollowUpDecision | None) -> list[str]:
    """The safety news of one review for the history table, and how many questions the rules
    found not asked at it (only what they list: a man's pregnancy, say, is not a question)."""
    safety = follow_up.safety
    choices = content.language.choices
    yes = choices.get("yes_no", {}).get("yes", "yes").upper()
    notes: list[str] = []
    for name in SAFETY_ITEMS:
        value = getattr(safety, name)
        if value is None:
            continue
        if name == "last_opioid_dose":
            notes.append(f"{_question(content, f'safety.{name}')} {value.isoformat()}")
        elif name == "pregnancy":
            if value in PREGNANCY_NEWS:
                notes.append(choices.get("pregnancy", {}).get(value, value).upper())
        elif name == URINE_SCREEN:
            words = choices.get(URINE_SCREEN, {}).get(value, value)
            notes.append(f"{_question(content, f'safety.{name}')}: {words.lower()}")
        elif value == "yes":
            notes.append(f"{_question(content, f'safety.{name}')} {yes}")
    if follow_up.days_without_ldn:
        notes.append(f"{_question(content, 'days_without_ldn')} {follow_up.days_without_ldn}")
    unasked = len(unanswered_of(decision)) if decision is not None else 0
    if unasked:
        notes.append(f"safety questions not asked: {unasked}")
    return notes


HISTORY_HEADERS = (
    "Date",
    "Dose taken",
    "Timing",
    "Missed / week",
    "Side effects; safety changes",
    "Score",
    "CGI-I",
    "Decision",
)
# The columns of numbers, aligned right.
HISTORY_NUMBERS = (1, 3, 5, 6)
HISTORY_DECISION = 7


def history_cells(content: ContentBundle, follow_up: FollowUp, decision: FollowUpDecision) -> tuple[str, ...]:
    """One row of the history table, in the order of `HISTORY_HEADERS`."""
    grades = content.language.choices.get("grade", {})
    timings = content.language.choices.get("timing", {})
    effects = [
        f"{_question(content, f'side_effects.{name}')}: {grades.get(grade, grade).lower()}"
        for name, grade in follow_up.side_effects.graded().items()
        if grade is not None and grade != "none"
    ]
    if follow_up.side_effects.other_text:
        effects.append(f"({follow_up.side_effects.other_text})")
    effects += safety_notes(content, follow_up, decision)
    return (
        follow_up.date.isoformat(),
        mg(follow_up.dose_mg),
        timings.get(follow_up.timing, follow_up.timing),
        str(follow_up.missed_doses_last_week),
        "; ".join(effects) or "none",
        NO_VALUE if follow_up.score is None else f"{follow_up.score:g}",
        NO_VALUE if follow_up.cgi_i is None else str(follow_up.cgi_i),
        history_decision(content, decision),
    )


def locked_reason(content: ContentBundle, decision: FollowUpDecision) -> str:
    """One line: why no other decision may be chosen at this review (the stops named in words)."""
    if decision.computed == "stop":
        stops = [
            reason_label(content, reason.rule_id)
            for reason in decision.reasons
            if reason.severity == "stop" and not reason.rule_id.startswith(OVERRIDE_REFUSED)
        ]
        named = f" ({', '.join(label for label in stops if label)})" if any(stops) else ""
        return f"No other decision can be chosen: this stop{named} may not be overridden at this review."
    return "No other decision can be chosen at this review."


def score_hint(content: ContentBundle, visit: Visit) -> str:
    """The scale, its range and the baseline, beside the score field."""
    baseline = visit.diagnosis.baseline
    if baseline is None:
        return "No baseline score: the response rule cannot be judged."
    low, high = SCALE_RANGES[baseline.scale]
    scale = content.language.choices.get("scale", {}).get(baseline.scale, baseline.scale)
    return f"{scale}, {low} to {high}; baseline {baseline.score:g}"


def scale_name(content: ContentBundle, visit: Visit) -> str:
    baseline = visit.diagnosis.baseline
    if baseline is None:
        return "no baseline"
    return content.language.choices.get("scale", {}).get(baseline.scale, baseline.scale)
