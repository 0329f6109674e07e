"""The assessment page's and the outcome panel's decisions about what to show, without Qt.

No rule is decided here: the outcome, findings, protocol and handout gate come from the core's
`VisitDecision`; this module only reads them (which blockers stop Next, which sign-off is asked,
which guideline medicines are still untried) and finds their words in the content bundle.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from html import escape
from typing import Any

from ldn_aid.content import ContentBundle
from ldn_aid.content.schema import plain_number
from ldn_aid.content.words import blocker_text, question_text
from ldn_aid.domain.assessment import Outcome, Severity
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Plan, Visit
from ldn_aid.rules.engine import untried_guideline_options

REASON_PATH = "plan.change_reason"
TARGET_PATH = "plan.target_mg"
# The age sign-off lets a 6- or 7-year-old start; only the longer-trial sign-off lifts the under-18
# limit of `paediatric_max_trial_weeks`. They are separate agreements, asked side by side.
SIGNOFF_PATH = "plan.specialist_signoff"
LONGER_TRIAL_PATH = "plan.specialist_signoff_longer_trial"
SIGNOFF_PATHS = (SIGNOFF_PATH, LONGER_TRIAL_PATH)
ACK_PATH = "assessment.acknowledge_guideline_first"
# The acknowledgement's question (its words) in the visit file.
ACK_QUESTION = "plan.guideline_options_discussed"
# Where each of the handout gate's blockers is shown beside the control that lifts it (the words are
# the gate's own, from `[gate]` in choices.toml). Every blocker is also listed in the gate box.
BLOCKER_PLACE = {
    "guideline_ack_missing": ACK_PATH,
    "change_reason_missing": REASON_PATH,
    "target_above_ceiling": TARGET_PATH,
    "paediatric_trial_too_long": LONGER_TRIAL_PATH,
}
SEVERITIES: tuple[Severity, ...] = ("stop", "caution", "info")
VISIT_INVALID = "Some answers on earlier pages are not valid."
# The banner's word for each outcome (its sentence is the content's `outcomes`).
OUTCOME_WORD = {
    Outcome.STOP: "STOP",
    Outcome.INCOMPLETE: "INCOMPLETE",
    Outcome.GUIDELINE_FIRST: "GUIDELINE OPTIONS FIRST",
    Outcome.LDN_OPTION: "LDN OPTION",
}


def plan_default(path: str) -> Any:
    """The Visit model's default for a `plan.*` value."""
    return Plan.model_fields[path.split(".", 1)[1]].default


def readable_error(message: str) -> str:
    """A pydantic message made readable beside a plan control."""
    text = message.removeprefix("Value error, ")
    if text.startswith(("Input should be a valid decimal", "must be a number, not text")):
        return "Type a number of mg, such as 3.5."
    text = text.replace("target_mg must", "The target must").replace("target_mg ", "A target of ", 1)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", ")")) else text + "."


def with_mnemonic(text: str, letter: str) -> str:
    """`text` with `&` before the first `letter` (any case), and its own ampersands escaped."""
    text = text.replace("&", "&&")
    at = text.lower().find(letter.lower())
    return text if at < 0 else text[:at] + "&" + text[at:]


# ---- the handout gate --------------------------------------------------------------------------


def blocker_words(content: ContentBundle, gate: Gate | None) -> dict[str, str]:
    """Each reason the gate refuses the handout, in its words, by blocker id."""
    if gate is None:
        return {}
    return {blocker: blocker_text(content, blocker, gate.params) for blocker in gate.blockers}


def reason_missing(gate: Gate | None) -> bool:
    return gate is not None and "change_reason_missing" in gate.blockers


def acknowledgement_missing(gate: Gate | None) -> bool:
    return gate is not None and "guideline_ack_missing" in gate.blockers


def plan_problems(
    plan_errors: Mapping[str, str], *, visit_valid: bool, blockers: Mapping[str, str]
) -> dict[str, str]:
    """Every reason Next is disabled on the assessment page, by path ("visit" when earlier answers
    are invalid, "gate:<id>" for a blocker with no control of its own)."""
    found = {path: readable_error(message) for path, message in plan_errors.items()}
    if not visit_valid and not plan_errors:
        found["visit"] = VISIT_INVALID
    for blocker, words in blockers.items():
        found.setdefault(BLOCKER_PLACE.get(blocker, f"gate:{blocker}"), words)
    return found


# ---- what is asked -----------------------------------------------------------------------------


def signoffs_asked(content: ContentBundle, age: object) -> dict[str, bool]:
    """The age sign-off is asked from `min_age_signoff_years` to under `min_age_years` (it cannot
    help younger children); the longer-trial sign-off under 18."""
    number = content.rules.number
    if not isinstance(age, int) or isinstance(age, bool):
        return dict.fromkeys(SIGNOFF_PATHS, False)
    return {
        SIGNOFF_PATH: number("min_age_signoff_years") <= age < number("min_age_years"),
        LONGER_TRIAL_PATH: age < number("adult_age_years"),
    }


def plan_changeable(outcome: Outcome | None, *, protocol: bool, refused: bool, blocked: bool) -> bool:
    """Whether the "Change the plan" box is shown: with a protocol, or while a plan value or a
    blocker asks for a change. It is hidden (not greyed) for STOP and INCOMPLETE: nothing there can
    be changed, and a grey box reads as a plan waiting."""
    if refused or protocol:
        return True
    return blocked and outcome not in (Outcome.STOP, Outcome.INCOMPLETE)


def no_protocol_reason(outcome: Outcome | None) -> str:
    if outcome == Outcome.STOP:
        return "No LDN protocol: the outcome is STOP."
    if outcome == Outcome.INCOMPLETE:
        return "No LDN protocol until the missing answers are given."
    return "No LDN protocol for this visit."


# ---- words ---------------------------------------------------------------------------------------


def finding_label(content: ContentBundle, rule_id: str) -> str:
    """A finding's or a follow-up reason's name in a few words (never its id)."""
    text = content.language.findings.get(rule_id)
    if text is not None and text.label:
        return text.label
    labels = content.language.review.reason_label
    if rule_id in labels:
        return labels[rule_id]
    # Every rule has words; their first sentence names it well enough.
    words = text.clinician if text is not None else rule_id
    return words.split(". ", 1)[0].split(":", 1)[0].rstrip(".")


def untried_guideline(content: ContentBundle, visit: Visit | None) -> tuple[str, ...]:
    """The guideline medicine classes still open for this patient, in words (the core's own test,
    `untried_guideline_options`, decides which)."""
    if visit is None:
        return ()
    names = content.language.choices.get("medicine_class", {})
    return tuple(names.get(cls, cls) for cls in untried_guideline_options(visit))


def missing_questions(content: ContentBundle, paths: tuple[str, ...]) -> list[tuple[str, str]]:
    """(path, question words) for each unanswered question, in the order the rules list them."""
    return [(path, question_text(content, path)) for path in paths]


def protocol_line(content: ContentBundle, protocol: Protocol) -> str:
    """The suggested protocol in one line: doses, form, timing, step length."""
    choices = content.language.choices
    doses = " → ".join(plain_number(step.dose_mg) for step in protocol.steps)
    form = choices.get("formulation", {}).get(protocol.formulation, protocol.formulation)
    timing = choices.get("timing", {}).get(protocol.timing, protocol.timing)
    return f"{doses} mg, {_mid_sentence(form)}, {_mid_sentence(timing)}, {protocol.step_weeks}-week steps"


def _mid_sentence(words: str) -> str:
    """A choice's label inside a sentence: only its capital first letter lowered ("mg/mL" stays)."""
    return words[:1].lower() + words[1:]


def day_text(day: dt.date) -> str:
    return f"{day.isoformat()} ({day.strftime('%a')})"


def review_line(content: ContentBundle, decision: FollowUpDecision) -> str:
    """The latest review's decision for the side panel: dose and timing, then the next review."""
    parts: list[str] = []
    if decision.next_dose_mg is not None:
        timing = content.language.choices.get("timing", {}).get(decision.next_timing or "", "")
        parts.append(
            f"{plain_number(decision.next_dose_mg)} mg" + (f", {_mid_sentence(timing)}" if timing else "")
        )
    if decision.next_review is not None:
        parts.append(f"next review {day_text(decision.next_review)}")
    return "; ".join(parts)


def target_help(content: ContentBundle, protocol: Protocol | None) -> str:
    """The help under the target: the question's own (the cap), and this patient's ceiling."""
    question = content.language.questions.get(TARGET_PATH)
    text = question.why if question is not None else ""
    if protocol is None:
        return text
    number = content.rules.number
    ceiling = plain_number(protocol.ceiling_mg)
    if protocol.ceiling_mg < number("max_dose_mg"):
        per_kg = plain_number(number("weight_based_mg_per_kg"))
        ceiling_text = (
            f"This patient's ceiling is {ceiling} mg ({per_kg} mg per kg of body weight):"
            " a target above it is refused."
        )
    else:
        ceiling_text = f"This patient's ceiling is {ceiling} mg, the cap."
    return f"{text} {ceiling_text}".strip()


def protocol_rows(content: ContentBundle, protocol: Protocol) -> list[tuple[str, str]]:
    """The protocol's details, one (name, rich text) per line, caption inline."""
    words = content.language.protocol
    choices = content.language.choices
    formulation = choices.get("formulation", {}).get(protocol.formulation, protocol.formulation)
    if protocol.formulation == "capsule":
        form_text = words.formulation_capsule
    else:
        form_text = f"{words.formulation_liquid} {words.liquid_storage}"
    timing_label = choices.get("timing", {}).get(protocol.timing, protocol.timing)
    timing_reason = choices.get("timing_reason", {}).get(protocol.timing_reason, "")
    timing_text = words.timing_bedtime if protocol.timing == "bedtime" else words.timing_morning
    target_text = getattr(words, f"target_{protocol.target_basis}")
    why = f" ({escape(timing_reason)})" if timing_reason else ""
    rows = [
        ("formulation", "Formulation", f"<b>{escape(formulation)}.</b> {escape(form_text)}"),
        ("timing", "Timing", f"<b>{escape(timing_label)}</b>{why}. {escape(timing_text)}"),
        ("target", "Target", f"<b>{plain_number(protocol.target_mg)} mg/day.</b> {escape(target_text)}"),
        (
            "tolerability_review",
            "Tolerability review",
            f"<b>{day_text(protocol.tolerability_review)}</b>, before the first dose increase",
        ),
        ("response_review", "Response review", f"<b>{day_text(protocol.response_review)}</b>"),
        ("response_rule", "Response rule", f"{escape(words.response_rule)} {escape(words.stop_rule)}"),
    ]
    return [(name, f"<b>{escape(label)}:</b> {text}") for name, label, text in rows]
