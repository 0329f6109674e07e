"""`chart_note(...) -> str`: a plain-text record of one visit, ready to paste into any record system.

What it holds (issue 5, "The chart note"): the versions, the visit date, the inputs that mattered, the
outcome, every finding with its rule id and sources, the plan with dates and doses (or why none), the
clinician's changes and their reason, the guideline-first acknowledgement, a decision for every
follow-up, what the patient was given (including the SHA-256 of the handout PDF) and the references.

Pure and deterministic: no clock, no I/O; every line is at most `NOTE_WIDTH` columns. The note's
structure words are English (it is written for the clinician's record); the clinical words come from
the content bundle passed in. The patient's display name is never printed.
"""

from __future__ import annotations

import datetime as dt
import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from ldn_aid import __version__
from ldn_aid.content import ContentBundle
from ldn_aid.domain.assessment import Assessment, Finding, Outcome, Severity
from ldn_aid.domain.followup import SIDE_EFFECTS, FollowUp, FollowUpDecision
from ldn_aid.domain.protocol import Protocol, Step
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS, STIMULANT_SCREEN_FIELDS, Plan, Visit
from ldn_aid.handout.compose import clean_user_text
from ldn_aid.rules import review

NOTE_WIDTH = 100
_SEVERITIES: tuple[Severity, ...] = ("stop", "caution", "info")
_TIMING_REASONS = {
    "clinician_choice": "chosen by the clinician",
    "sleep_problems": "morning because of sleep problems",
    "default_bedtime": "the default",
}
# Bidirectional embedding, override and isolate controls: typed text must not reorder the note's lines.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_TARGET_BASES = {
    "adult_fixed": "adult fixed dose",
    "weight_based": "weight-based",
    "clinician_lower": "lowered by the clinician",
}


class HandoutRecord(BaseModel):
    """What the patient was given: the handout's options and the SHA-256 of its PDF.

    The PDF is byte-deterministic, so the hash identifies exactly the sheet that was printed.
    Made by `ldn_aid.record.handout_hash.handout_record`.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["en", "es"]
    large_print: bool
    paper: Literal["letter", "a4"]
    content_version: str
    sha256: Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


def follow_up_decisions(visit: Visit, content: ContentBundle | None = None) -> tuple[FollowUpDecision, ...]:
    """The decision for each follow-up, oldest first: `review` on the visit cut off at that follow-up."""
    decisions = []
    for index in range(len(visit.follow_ups)):
        upto = visit.model_copy(update={"follow_ups": visit.follow_ups[: index + 1]})
        decision = review(upto, content=content)
        if decision is None:  # pragma: no cover - review decides whenever there is a follow-up
            raise RuntimeError(f"no decision for follow_ups[{index}]")
        decisions.append(decision)
    return tuple(decisions)


class _Lines:
    """The note being written: every line wrapped at NOTE_WIDTH, references in order of first use."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.cited: list[str] = []

    def add(self, text: str, first: str = "", rest: str | None = None) -> None:
        rest = first if rest is None else rest
        wrapped = textwrap.wrap(
            text,
            width=NOTE_WIDTH,
            initial_indent=first,
            subsequent_indent=rest,
            break_on_hyphens=False,
        )
        self.lines.extend(wrapped or [first.rstrip()])

    def unbroken(self, token: str, indent: str) -> None:
        """A token that must not be split at spaces or hyphens (a DOI or URL): on its own line, cut into
        full-width pieces only when it is longer than a line."""
        room = NOTE_WIDTH - len(indent)
        self.lines.extend(indent + token[i : i + room] for i in range(0, len(token), room))

    def item(self, text: str, level: int = 0) -> None:
        pad = "  " * level
        self.add(text, first=f"{pad}- ", rest=f"{pad}  ")

    def blank(self) -> None:
        self.lines.append("")

    def cite(self, references: Sequence[str]) -> str:
        for ref in references:
            if ref not in self.cited:
                self.cited.append(ref)
        return ", ".join(references)


def chart_note(
    visit: Visit,
    assessment: Assessment,
    protocol: Protocol | None,
    content: ContentBundle,
    handout: HandoutRecord | None,
    reviews: Sequence[FollowUpDecision] | None = None,
    followup_sheet: HandoutRecord | None = None,
) -> str:
    """The chart note for one visit.

    Args:
        visit: the visit, with its follow-ups.
        assessment: `evaluate(visit, content)`.
        protocol: `build_protocol(visit, assessment)`, or None.
        content: the words and sources (the command line uses English).
        handout: what the patient was given, or None when no handout is recorded.
        reviews: the decision for each follow-up, oldest first; computed with `follow_up_decisions`
            when not given.
        followup_sheet: the follow-up sheet given after the latest follow-up, if any.
    """
    decisions = tuple(reviews) if reviews is not None else follow_up_decisions(visit, content)
    if len(decisions) != len(visit.follow_ups):
        raise ValueError(f"{len(decisions)} decisions given for {len(visit.follow_ups)} follow-ups")
    rules = content.rules
    note = _Lines()
    note.add(
        f"LDN Aid {__version__} chart note | rules {assessment.rules_version} | content"
        f" {rules.content_version} | evidence reviewed {rules.evidence_reviewed.isoformat()}"
    )
    note.add(f"Visit date: {visit.visit_date.isoformat()}")
    _inputs(note, visit, content)
    _outcome(note, assessment, content)
    _plan(note, visit, assessment, protocol, content)
    _changes(note, visit, assessment, protocol)
    _follow_ups(note, visit, decisions, content)
    latest = visit.follow_ups[-1].date if visit.follow_ups else None
    _given(note, handout, followup_sheet, latest, content)
    _references(note, content)
    return "\n".join(note.lines) + "\n"


# ---- sections -------------------------------------------------------------------------------------


def _typed(text: str | None) -> str:
    """Text the clinician typed, on one line: control and line-separator characters become spaces
    (`clean_user_text`), bidi controls are dropped."""
    return clean_user_text(text).translate(_BIDI_CONTROLS).strip()


def _label(content: ContentBundle, group: str, code: str | None) -> str:
    if code is None:
        return content.language.choices["yes_no"]["unanswered"]
    return content.language.choices.get(group, {}).get(code, code)


def _question(content: ContentBundle, path: str) -> str:
    question = content.language.questions.get(path)
    return question.text if question is not None else path


def _number(value: float | None, unit: str, content: ContentBundle) -> str:
    if value is None:
        return _label(content, "yes_no", None)
    return f"{value:g} {unit}"


def _inputs(note: _Lines, visit: Visit, content: ContentBundle) -> None:
    patient, diagnosis, history = visit.patient, visit.diagnosis, visit.history
    note.blank()
    note.add("INPUTS")
    note.item(
        f"Age: {_number(patient.age_years, 'years', content)}; weight:"
        f" {_number(patient.weight_kg, 'kg', content)}; sex at birth:"
        f" {_label(content, 'sex_at_birth', patient.sex_at_birth)}."
    )
    note.item(
        f"ADHD diagnosis confirmed: {_label(content, 'adhd_confirmed', diagnosis.adhd_confirmed)};"
        f" presentation: {_label(content, 'presentation', diagnosis.presentation)}."
    )
    baseline = diagnosis.baseline
    if baseline is None:
        note.item("Baseline rating: none recorded.")
    else:
        note.item(
            f"Baseline rating: {_label(content, 'scale', baseline.scale)} score {baseline.score:g},"
            f" rated {baseline.date.isoformat()}."
        )
    trials = "; ".join(
        f"{name}: {_label(content, 'trial_outcome', getattr(history, field))}"
        for field, name in (
            ("methylphenidate", "methylphenidate"),
            ("amphetamine", "amphetamine"),
            ("non_stimulant", "non-stimulant"),
        )
    )
    note.item(
        f"Guideline medicines: {trials}. Behavioral support:"
        f" {_label(content, 'behavioural_support', history.behavioural_support)}."
    )

    screen = visit.ldn_screen
    not_no = [field for field in LDN_SCREEN_FIELDS if getattr(screen, field) != "no"]
    if not not_no:
        note.item('LDN screen: every answer "no".')
    else:
        note.item('LDN screen, answers other than "no" (the rest "no"):')
        for field in not_no:
            group = "pregnancy" if field == "pregnancy" else "yes_no"
            answer = _label(content, group, getattr(screen, field))
            note.item(f"{_question(content, f'ldn_screen.{field}')} {answer}", level=1)

    yes = [field for field in STIMULANT_SCREEN_FIELDS if getattr(visit.stimulant_screen, field) == "yes"]
    if not yes:
        note.item('Stimulant screen: no "yes" answers.')
    else:
        note.item('Stimulant screen, "yes" answers:')
        for field in yes:
            note.item(f"{_question(content, f'stimulant_screen.{field}')} Yes", level=1)

    preferences = visit.preferences
    priorities = "; ".join(_label(content, "priority", p) for p in preferences.priorities) or "none chosen"
    note.item(f"Priorities: {priorities}.")
    note.item(
        f"Declines stimulants: {_label(content, 'yes_no', preferences.declines_stimulants)}."
        f" Declines non-stimulants: {_label(content, 'yes_no', preferences.declines_non_stimulants)}."
    )


def _finding_line(note: _Lines, finding: Finding) -> None:
    note.item(
        f"[{finding.severity.upper()}] {finding.rule_id}: {finding.clinician_text}"
        f" Sources: {note.cite(finding.references)}."
    )


def _outcome(note: _Lines, assessment: Assessment, content: ContentBundle) -> None:
    note.blank()
    note.add(f"OUTCOME: {assessment.outcome.value} - {content.language.outcomes[assessment.outcome.value]}")
    if assessment.missing:
        note.item(f"Missing answers ({len(assessment.missing)}): {', '.join(assessment.missing)}.")
    note.blank()
    note.add(f"FINDINGS ({len(assessment.findings)})")
    for severity in _SEVERITIES:
        for finding in assessment.with_severity(severity):
            _finding_line(note, finding)


def _mg(value: Decimal) -> str:
    return f"{value:.1f} mg"


def _dose(step: Step) -> str:
    volume = "" if step.volume_ml is None else f" = {step.volume_ml:.1f} mL"
    return f"{_mg(step.dose_mg)}{volume}"


def _plan(
    note: _Lines, visit: Visit, assessment: Assessment, protocol: Protocol | None, content: ContentBundle
) -> None:
    note.blank()
    if protocol is None:
        if assessment.outcome == Outcome.STOP:
            stops = ", ".join(f.rule_id for f in assessment.with_severity("stop"))
            why = f"a stop finding holds ({stops})"
        else:
            why = "required answers are missing (listed above)"
        note.add(f"PLAN: none - {why}; no LDN protocol is produced.")
        return
    text = content.language.protocol
    choices = content.language.choices
    note.add("PLAN (suggested starting protocol; off-label)")
    if protocol.guideline_options_first:
        note.item(f"Guideline options first: {text.guideline_first_note}")
    if protocol.formulation == "capsule":
        note.item(f"Formulation: {_label(content, 'formulation', 'capsule')}. {text.formulation_capsule}")
    else:
        note.item(
            f"Formulation: {choices['formulation']['liquid_1mg_per_ml']}. {text.formulation_liquid}"
            f" {text.liquid_storage}"
        )
    timing_text = text.timing_bedtime if protocol.timing == "bedtime" else text.timing_morning
    note.item(
        f"Timing: {_label(content, 'timing', protocol.timing)}"
        f" ({_TIMING_REASONS[protocol.timing_reason]}). {timing_text}"
    )
    target_text = {
        "adult_fixed": text.target_adult_fixed,
        "weight_based": text.target_weight_based,
        "clinician_lower": text.target_clinician_lower,
    }[protocol.target_basis]
    note.item(
        f"Target: {_mg(protocol.target_mg)}/day ({_TARGET_BASES[protocol.target_basis]}). {target_text}"
    )
    note.item(
        f"Schedule: {_label(content, 'schedule', protocol.schedule)}, {protocol.step_weeks}-week steps"
        f" from {protocol.start_date.isoformat()}:"
    )
    for number, step in enumerate(protocol.steps, start=1):
        note.add(f"step {number}: from {step.start.isoformat()}  {_dose(step)}", first="    ")
    note.item(f"Tolerability review: {protocol.tolerability_review.isoformat()} (end of the first step).")
    note.item(f"Response review: {protocol.response_review.isoformat()}.")
    note.item(
        f"Response rule: {text.response_rule} {text.stop_rule}"
        f" Sources: {note.cite(protocol.response_rule.references)}."
    )
    note.item(f"{text.evidence_note} Sources: {note.cite(protocol.references)}.")


def _changes(note: _Lines, visit: Visit, assessment: Assessment, protocol: Protocol | None) -> None:
    plan = visit.effective_plan
    default = Plan()
    changes: list[str] = []
    if plan.start_date is not None and plan.start_date != visit.visit_date:
        changes.append(f"Start date {plan.start_date.isoformat()} (default: the visit date).")
    if plan.schedule != default.schedule:
        changes.append(f"Schedule {plan.schedule} (default {default.schedule}).")
    if plan.timing != default.timing:
        changes.append(f"Timing {plan.timing} (default {default.timing}).")
    if plan.step_weeks != default.step_weeks:
        changes.append(f"Step length {plan.step_weeks} weeks (default {default.step_weeks}).")
    if plan.target_mg is not None:
        applied = protocol is not None and protocol.target_basis == "clinician_lower"
        effect = "applied" if applied else "not applied: not lower than the computed target"
        if protocol is None:
            effect = "no plan"
        changes.append(f"Target {_mg(plan.target_mg)} (default: the computed target; {effect}).")
    note.blank()
    if not changes:
        note.add("CLINICIAN'S CHANGES: none (the suggested defaults).")
    else:
        note.add("CLINICIAN'S CHANGES")
        for change in changes:
            note.item(change)
        reason = _typed(plan.change_reason)
        note.item(f"Reason: {reason}" if reason else "Reason: not recorded.")
    if assessment.outcome == Outcome.GUIDELINE_FIRST or plan.guideline_options_discussed:
        if plan.guideline_options_discussed:
            note.add(
                "Guideline options discussed with the patient before this plan: yes (clinician's"
                " acknowledgement)."
            )
        else:
            note.add(
                "Guideline options discussed with the patient before this plan: NOT acknowledged (the plan"
                " is not to be printed until they are discussed)."
            )


def _side_effects(follow_up: FollowUp, content: ContentBundle) -> str:
    graded = follow_up.side_effects.graded()
    parts = []
    for name in SIDE_EFFECTS:
        if graded[name] == "none":
            continue
        what = _question(content, f"follow_ups.side_effects.{name}")
        described = _typed(follow_up.side_effects.other_text) if name == "other" else ""
        if described:
            what = f"{what} ({described})"
        parts.append(f"{what}: {_label(content, 'grade', graded[name])}")
    return "; ".join(parts) if parts else "none"


def _follow_ups(
    note: _Lines, visit: Visit, decisions: Sequence[FollowUpDecision], content: ContentBundle
) -> None:
    if not visit.follow_ups:
        return
    note.blank()
    note.add(f"FOLLOW-UP REVIEWS ({len(visit.follow_ups)})")
    unanswered = _label(content, "yes_no", None)
    baseline = visit.diagnosis.baseline
    for follow_up, decision in zip(visit.follow_ups, decisions, strict=True):
        score = unanswered if follow_up.score is None else f"{follow_up.score:g}"
        if baseline is not None and follow_up.score is not None:
            score += f" (baseline {baseline.score:g})"
        cgi = unanswered if follow_up.cgi_i is None else str(follow_up.cgi_i)
        tolerable = (
            ""
            if follow_up.tolerable is None
            else f" tolerable: {_label(content, 'yes_no', follow_up.tolerable)};"
        )
        note.item(
            f"{follow_up.date.isoformat()}: dose taken {_mg(follow_up.dose_mg)}"
            f" ({_label(content, 'timing', follow_up.timing)}); doses missed last week:"
            f" {follow_up.missed_doses_last_week}; side effects: {_side_effects(follow_up, content)};"
            f"{tolerable} score: {score}; CGI-I: {cgi}."
        )
        safety = follow_up.safety
        flagged = [
            f"{_question(content, f'follow_ups.safety.{field}')} {_label(content, group, value)}"
            for field, group, value in (
                ("opioid_needed_or_taken", "yes_no", safety.opioid_needed_or_taken),
                ("pregnancy", "pregnancy", safety.pregnancy),
                ("surgery_planned", "yes_no", safety.surgery_planned),
            )
            if value not in ("no", "not_applicable", None)
        ]
        if flagged:
            note.item(f"Safety: {' '.join(flagged)}", level=1)
        line = f"Decision: {decision.decision} (computed: {decision.computed})"
        if decision.chosen is not None and decision.chosen != decision.computed:
            verdict = "refused" if decision.override_refused else "applied"
            reason = _typed(follow_up.override_reason) or "none given"
            line += f"; clinician chose {decision.chosen} ({verdict}), reason: {reason}"
        note.item(line + ".", level=1)
        if decision.next_dose_mg is None:
            note.item("Next: stop LDN.", level=1)
        else:
            steps = ", ".join(
                f"{_dose(step)} from {step.start.isoformat()}" for step in decision.revised_steps
            )
            review_on = decision.next_review.isoformat() if decision.next_review else "none"
            note.item(
                f"Next: {_mg(decision.next_dose_mg)} ({_label(content, 'timing', decision.next_timing)});"
                f" schedule: {steps or 'unchanged'}; next review: {review_on}.",
                level=1,
            )
        reasons = "; ".join(f"{r.rule_id} ({note.cite(r.references)})" for r in decision.reasons)
        note.item(f"Reasons: {reasons or 'none'}.", level=1)


def _given(
    note: _Lines,
    handout: HandoutRecord | None,
    sheet: HandoutRecord | None,
    latest: dt.date | None,
    content: ContentBundle,
) -> None:
    note.blank()
    if handout is None and sheet is None:
        note.add("GIVEN TO THE PATIENT: no handout recorded.")
        return
    note.add("GIVEN TO THE PATIENT")
    given = [("Handout", handout)]
    if sheet is not None and latest is not None:
        given.append((f"Follow-up sheet ({latest.isoformat()})", sheet))
    for name, record in given:
        if record is None:
            continue
        note.item(
            f"{name}: {_label(content, 'handout_language', record.language)}; large print:"
            f" {'yes' if record.large_print else 'no'}; paper: {record.paper}; content version:"
            f" {record.content_version}."
        )
        note.add(f"PDF SHA-256: {record.sha256}", first="  ")


def _references(note: _Lines, content: ContentBundle) -> None:
    if not note.cited:
        return
    references = content.rules.references
    note.blank()
    note.add(f"REFERENCES ({len(note.cited)})")
    for ref_id in note.cited:
        ref = references[ref_id]
        note.item(f"{ref_id}: {ref.citation}")
        locator = f"doi:{ref.doi}" if ref.doi else f"PMID {ref.pmid}" if ref.pmid else ref.url or ""
        note.unbroken(locator, "  ")
