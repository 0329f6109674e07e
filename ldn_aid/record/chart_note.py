"""`chart_note(...) -> str`: a plain-text record of one visit, ready to paste into any record system.

What it holds (issue 5, "The chart note"): the versions, the visit date, the inputs that mattered, the
outcome, every finding with its rule id and sources, the plan with dates and doses (or why none) and
whether it may be given to the patient (or why not, in the gate's words), the clinician's changes and
their reason, the guideline-first acknowledgement, a decision for every follow-up, what the patient
was given (including the SHA-256 of the handout PDF) and the references.

Everything decided comes from one `VisitDecision` (`ldn_aid.rules.decide`), so the note states the
same gate the command line and the wizard obey: it never records a handout the gate refuses.

Pure and deterministic: no clock, no I/O; every line is at most `NOTE_WIDTH` columns. The note's
structure words are English (it is written for the clinician's record); the clinical words come from
the content bundle passed in. The patient's display name is never printed.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, StringConstraints

from ldn_aid import __version__
from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text, clinician_text, question_text
from ldn_aid.domain.assessment import Assessment, Finding, Outcome, Severity
from ldn_aid.domain.decision import Gate, VisitDecision
from ldn_aid.domain.followup import SAFETY_ITEMS, SIDE_EFFECTS, DecisionReason, FollowUp, FollowUpDecision
from ldn_aid.domain.protocol import Protocol, Step
from ldn_aid.domain.values import MAX_DOSE_MG
from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    MEDICINE_CLASSES,
    RESPONSE_SCALES,
    STIMULANT_SCREEN_FIELDS,
    GivenDocument,
    Plan,
    Visit,
)
from ldn_aid.handout.compose import clean_user_text, dose_limit, doses_above_limit
from ldn_aid.handout.dose_text import mg, ml

NOTE_WIDTH = 100
_SEVERITIES: tuple[Severity, ...] = ("stop", "caution", "info")
_TIMING_REASONS = {
    "clinician_choice": "chosen by the clinician",
    "sleep_problems": "morning because of sleep problems",
    "default_bedtime": "the default",
}
# Bidirectional embedding, override and isolate controls: typed text must not reorder the note's lines.
_BIDI_CONTROLS = dict.fromkeys(map(ord, "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"))
_CLASS_NAMES = {
    "methylphenidate": "methylphenidate",
    "amphetamine": "amphetamine",
    "atomoxetine": "atomoxetine",
    "alpha2_agonist": "alpha-2 agonist",
    "viloxazine": "viloxazine",
}
# Lists of choices for the answers that are not yes/no.
_ANSWER_GROUPS = {"pregnancy": "pregnancy", "urine_opioid_screen": "urine_opioid_screen"}
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
    decision: VisitDecision,
    content: ContentBundle,
    handout: HandoutRecord | None,
    followup_sheet: HandoutRecord | None = None,
    given: Sequence[GivenDocument] | None = None,
) -> str:
    """The chart note for one visit.

    Args:
        visit: the visit, with its follow-ups.
        decision: `decide(visit)`: the assessment, the protocol, every follow-up decision and the gates.
        content: the words and sources (the command line uses English).
        handout: what the patient was given, or None when no handout is recorded (always None when the
            handout gate refuses the handout).
        followup_sheet: the follow-up sheet given after the latest follow-up, if any (None when the
            follow-up gate refuses it).
        given: the documents actually printed or saved (`Visit.documents_given`); when not None the
            note lists these (or says none was given yet) instead of `handout` and `followup_sheet`.
    """
    decisions = decision.follow_ups
    if len(decisions) != len(visit.follow_ups):
        raise ValueError(f"{len(decisions)} decisions given for {len(visit.follow_ups)} follow-ups")
    if handout is not None and not decision.handout_gate.allowed:
        raise ValueError("a handout record was given for a handout the gate refuses")
    if followup_sheet is not None and not decision.followup_gate.allowed:
        raise ValueError("a follow-up sheet record was given for a sheet the gate refuses")
    assessment = decision.assessment
    rules = content.rules
    note = _Lines()
    note.add(
        f"LDN Aid {__version__} chart note | rules {assessment.rules_version} | content"
        f" {rules.content_version} | evidence reviewed {rules.evidence_reviewed.isoformat()}"
    )
    note.add(f"Visit date: {visit.visit_date.isoformat()}")
    _inputs(note, visit, assessment, content)
    _outcome(note, assessment, content)
    _plan(note, decision, content)
    _changes(note, visit, assessment, decision.protocol)
    _follow_ups(note, visit, decision, content)
    if given is None:
        _given(note, visit, decision, handout, followup_sheet, content)
    else:
        _given_documents(note, visit, decision, given, content)
    _references(note, content)
    return "\n".join(note.lines) + "\n"


def _blockers(gate: Gate, content: ContentBundle) -> list[str]:
    """The gate's blockers in the clinician's words, one sentence each."""
    return [" ".join(blocker_text(content, blocker, gate.params).split()) for blocker in gate.blockers]


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
    return question_text(content, path)


def _number(value: float | None, unit: str, content: ContentBundle) -> str:
    if value is None:
        return _label(content, "yes_no", None)
    return f"{value:g} {unit}"


def _inputs(note: _Lines, visit: Visit, assessment: Assessment, content: ContentBundle) -> None:
    patient, diagnosis, history = visit.patient, visit.diagnosis, visit.history
    note.blank()
    note.add("INPUTS")
    confirmed = " (confirmed by the clinician)" if patient.weight_confirmed else ""
    note.item(
        f"Age: {_number(patient.age_years, 'years', content)}; weight:"
        f" {_number(patient.weight_kg, 'kg', content)}{confirmed}; sex at birth:"
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
        judges = "" if baseline.scale in RESPONSE_SCALES else " (this scale cannot judge a response)"
        note.item(
            f"Baseline rating: {_label(content, 'scale', baseline.scale)} score {baseline.score:g},"
            f" rated {baseline.date.isoformat()}{judges}."
        )
    trials = []
    for name in MEDICINE_CLASSES:
        trial = f"{_CLASS_NAMES[name]}: {_label(content, 'trial_outcome', getattr(history, name))}"
        adequate = getattr(history, f"{name}_adequate_trial")
        if adequate is not None:
            trial += f" (adequate trial: {_label(content, 'yes_no', adequate)})"
        trials.append(trial)
    if history.non_stimulant_unspecified is not None:
        trials.append(
            "non-stimulant, which one not recorded:"
            f" {_label(content, 'trial_outcome', history.non_stimulant_unspecified)}"
        )
    note.item(
        f"Guideline medicines: {'; '.join(trials)}. Behavioral support:"
        f" {_label(content, 'behavioural_support', history.behavioural_support)}."
    )

    screen = visit.ldn_screen
    # A question asked only where it applies is left out while it does not apply.
    not_asked = {
        field
        for field in CONDITIONAL_LDN_SCREEN_FIELDS
        if getattr(screen, field) is None and f"ldn_screen.{field}" not in assessment.missing
    }
    not_no = [
        field for field in LDN_SCREEN_FIELDS if field not in not_asked and getattr(screen, field) != "no"
    ]
    if not not_no:
        note.item('LDN screen: every answer "no".')
    else:
        note.item('LDN screen, answers other than "no" (the rest "no" or not applicable):')
        for field in not_no:
            answer = _label(content, _ANSWER_GROUPS.get(field, "yes_no"), getattr(screen, field))
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


def _finding_line(note: _Lines, finding: Finding, content: ContentBundle) -> None:
    text = clinician_text(content, finding.rule_id, finding.params, finding.inputs)
    note.item(
        f"[{finding.severity.upper()}] {finding.rule_id}: {text} Sources: {note.cite(finding.references)}."
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
            _finding_line(note, finding, content)


def _mg(value: Decimal) -> str:
    """The safe-medication form ("3 mg", never "3.0 mg"), the unit tied to its number: the note's
    line wrapping never breaks a no-break space."""
    return mg(value, "en")


def _dose(step: Step) -> str:
    volume = "" if step.volume_ml is None else f" ({ml(step.volume_ml, 'en')})"
    return f"{_mg(step.dose_mg)}{volume}"


def _plan(note: _Lines, decision: VisitDecision, content: ContentBundle) -> None:
    assessment, protocol = decision.assessment, decision.protocol
    note.blank()
    if protocol is None:
        if assessment.outcome == Outcome.STOP:
            stops = ", ".join(f.rule_id for f in assessment.with_severity("stop"))
            why = f"a stop finding holds ({stops})"
        else:
            why = "required answers are missing (listed above)"
        note.add(f"PLAN: none - {why}; no LDN protocol is produced.")
        return
    if decision.plan_printable:
        note.add("PLAN (suggested starting protocol; off-label): may be given to the patient.")
    else:
        note.add(
            "PLAN (suggested starting protocol; off-label): NOT to be given to the patient; no handout is"
            " printed until this is resolved:"
        )
        for line in _blockers(decision.handout_gate, content):
            note.item(line)
        note.add("The protocol as proposed (for the record only; not given):")
    text = content.language.protocol
    choices = content.language.choices
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
    note.item(f"Ceiling: {_mg(protocol.ceiling_mg)}/day (the highest dose for this patient).")
    if protocol.trial_ends is not None:
        note.item(f"Trial ends by: {protocol.trial_ends.isoformat()} (under 18, no specialist sign-off).")
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
        elif protocol.refused_target_mg is not None:
            effect = f"refused: above this patient's ceiling of {_mg(protocol.ceiling_mg)}"
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
                "Guideline options discussed with the patient before this plan: NOT acknowledged, so the"
                " plan is not given to the patient (see PLAN)."
            )
    if plan.specialist_signoff:
        note.add("Specialist sign-off for this trial: recorded.")


def _side_effects(follow_up: FollowUp, content: ContentBundle) -> str:
    """The side effects other than "none", then those not asked (unknown, never "none")."""
    graded = follow_up.side_effects.graded()
    parts = []
    for name in SIDE_EFFECTS:
        grade = graded[name]
        if grade is None or grade == "none":
            continue
        what = _question(content, f"follow_ups.side_effects.{name}")
        described = _typed(follow_up.side_effects.other_text) if name == "other" else ""
        if described:
            what = f"{what} ({described})"
        parts.append(f"{what}: {_label(content, 'grade', grade)}")
    unasked = [_question(content, f"follow_ups.side_effects.{n}") for n in SIDE_EFFECTS if graded[n] is None]
    if unasked:
        parts.append(f"not asked: {', '.join(unasked)}")
    return "; ".join(parts) if parts else "none"


_SAFETY_UNANSWERED = "followup_safety_unanswered"
# Safety items asked only where they apply: the last opioid dose after an opioid; the urine opioid
# screen before a restart after an opioid stop, when screening needed one.
_CONDITIONAL_SAFETY_ITEMS = ("last_opioid_dose", "urine_opioid_screen")


def _asked_safety_items(follow_up: FollowUp, decided: FollowUpDecision) -> tuple[str, ...]:
    """The safety items this review had to ask: every item, and a conditional one when it was answered
    or the review lists it as unanswered."""
    safety = follow_up.safety
    unanswered = {
        path for reason in decided.reasons if reason.rule_id == _SAFETY_UNANSWERED for path in reason.inputs
    }
    opioid = "yes" in (safety.opioid_needed_or_taken, safety.methadone_or_buprenorphine)
    return tuple(
        item
        for item in SAFETY_ITEMS
        if item not in _CONDITIONAL_SAFETY_ITEMS
        or getattr(safety, item) is not None
        or f"follow_ups.safety.{item}" in unanswered
        or (item == "last_opioid_dose" and opioid)
    )


def _safety(
    follow_up: FollowUp, decided: FollowUpDecision, content: ContentBundle
) -> tuple[list[str], list[str], int]:
    """The safety answers that are not "no" (with the last opioid dose), the items not asked, and how
    many items this review had to ask."""
    safety = follow_up.safety
    flagged: list[str] = []
    not_asked: list[str] = []
    asked = _asked_safety_items(follow_up, decided)
    for field in asked:
        value = getattr(safety, field)
        if value is None:
            not_asked.append(field)
        elif field == "last_opioid_dose":
            flagged.append(f"{_question(content, f'follow_ups.safety.{field}')} {value.isoformat()}")
        elif value not in ("no", "not_applicable"):
            answer = _label(content, _ANSWER_GROUPS.get(field, "yes_no"), value)
            flagged.append(f"{_question(content, f'follow_ups.safety.{field}')} {answer}")
    return flagged, not_asked, len(asked)


def _reason_line(
    note: _Lines, reason: DecisionReason, decision: VisitDecision, content: ContentBundle
) -> None:
    text = clinician_text(content, reason.rule_id, reason.params, reason.inputs)
    note.item(
        f"[{reason.severity.upper()}] {reason.rule_id}: {text} Sources: {note.cite(reason.references)}.",
        level=2,
    )
    if reason.rule_id == "followup_plan_not_given":
        for line in _blockers(decision.handout_gate, content):
            note.item(line, level=3)


def _next(note: _Lines, decided: FollowUpDecision, content: ContentBundle) -> None:
    if decided.decision == "stop":
        note.item("Next: stop LDN.", level=1)
        return
    if decided.decision == "no_plan" or decided.next_dose_mg is None:
        note.item(
            "Next: no dosing advice - this visit has no plan that may be given (see the reasons).", level=1
        )
        return
    too_high = doses_above_limit(decided)
    if too_high:
        # Never recorded as advice: the review gave a dose above the cap or the ceiling (a fault).
        note.item(
            f"Next: NOT recorded - the review gave {', '.join(_mg(dose) for dose in too_high)}, above the"
            f" highest dose of {_mg(dose_limit(decided))}; no sheet is printed. Report this fault.",
            level=1,
        )
        return
    steps = ", ".join(f"{_dose(step)} from {step.start.isoformat()}" for step in decided.revised_steps)
    review_on = decided.next_review.isoformat() if decided.next_review else "none"
    note.item(
        f"Next: {_mg(decided.next_dose_mg)} ({_label(content, 'timing', decided.next_timing)});"
        f" schedule: {steps or 'unchanged'}; next review: {review_on}.",
        level=1,
    )
    if decided.recheck_due is not None:
        note.item(
            f"Re-check whether LDN is still needed (a planned pause or re-challenge) by"
            f" {decided.recheck_due.isoformat()}.",
            level=1,
        )


def _above(decided: FollowUpDecision) -> str:
    """What a dose taken above the limit is above: this patient's ceiling, or the cap without one."""
    if decided.ceiling_mg is None:
        return f"above the {_mg(MAX_DOSE_MG)} cap"
    return f"above this patient's ceiling of {_mg(dose_limit(decided))}"


def _follow_ups(note: _Lines, visit: Visit, decision: VisitDecision, content: ContentBundle) -> None:
    if not visit.follow_ups:
        return
    note.blank()
    note.add(f"FOLLOW-UP REVIEWS ({len(visit.follow_ups)})")
    unanswered = _label(content, "yes_no", None)
    baseline = visit.diagnosis.baseline
    for follow_up, decided in zip(visit.follow_ups, decision.follow_ups, strict=True):
        score = unanswered if follow_up.score is None else f"{follow_up.score:g}"
        if baseline is not None and follow_up.score is not None:
            score += f" (baseline {baseline.score:g})"
        cgi = unanswered if follow_up.cgi_i is None else str(follow_up.cgi_i)
        tolerable = (
            ""
            if follow_up.tolerable is None
            else f" tolerable: {_label(content, 'yes_no', follow_up.tolerable)};"
        )
        days_off = unanswered if follow_up.days_without_ldn is None else str(follow_up.days_without_ldn)
        note.item(
            f"{follow_up.date.isoformat()}: dose taken {_mg(follow_up.dose_mg)}"
            f" ({_label(content, 'timing', follow_up.timing)}); doses missed last week:"
            f" {follow_up.missed_doses_last_week}; days without LDN: {days_off}; side effects:"
            f" {_side_effects(follow_up, content)};{tolerable} score: {score}; CGI-I: {cgi}."
        )
        flagged, not_asked, asked = _safety(follow_up, decided, content)
        if flagged:
            note.item(f"Safety: {' '.join(flagged)}", level=1)
        if not_asked:
            note.item(f"Safety items not asked: {len(not_asked)} of {asked}.", level=1)
        line = f"Decision: {decided.decision} (computed: {decided.computed})"
        if decided.chosen is not None and decided.chosen != decided.computed:
            verdict = "refused" if decided.override_refused else "applied"
            reason = _typed(follow_up.override_reason) or "none given"
            line += f"; clinician chose {decided.chosen} ({verdict}), reason: {reason}"
        note.item(line + ".", level=1)
        _next(note, decided, content)
        if decided.dose_taken_mg > dose_limit(decided):
            note.item(
                f"Dose taken {_mg(decided.dose_taken_mg)} is {_above(decided)}: an error to correct.", level=1
            )
        if decided.reasons:
            note.item(f"Reasons ({len(decided.reasons)}):", level=1)
            for why in decided.reasons:
                _reason_line(note, why, decision, content)
        else:
            note.item("Reasons: none.", level=1)
        if decided.decision != "no_plan":
            told = ", ".join(reason.rule_id for reason in decided.patient_reasons) or "none"
            note.item(f"Reasons on the patient's sheet: {told}.", level=1)


def _given(
    note: _Lines,
    visit: Visit,
    decision: VisitDecision,
    handout: HandoutRecord | None,
    sheet: HandoutRecord | None,
    content: ContentBundle,
) -> None:
    note.blank()
    latest = visit.follow_ups[-1].date if visit.follow_ups else None
    handout_refused = not decision.handout_gate.allowed
    sheet_refused = latest is not None and not decision.followup_gate.allowed
    if handout is None and sheet is None and not handout_refused and not sheet_refused:
        note.add("GIVEN TO THE PATIENT: no handout recorded.")
        return
    note.add("GIVEN TO THE PATIENT")
    if handout_refused:
        note.item(_HANDOUT_REFUSED)
    elif handout is None:
        note.item("Handout: none recorded.")
    else:
        _record_line(note, "Handout", handout, content)
    if latest is None:
        return
    name = f"Follow-up sheet ({latest.isoformat()})"
    if sheet_refused:
        _sheet_refused(note, name, decision, content)
    elif sheet is not None:
        _record_line(note, name, sheet, content)


_HANDOUT_REFUSED = "Handout: NOT given - the plan may not be given to the patient yet (see PLAN)."
_KIND_NAMES = {"handout": "Handout", "followup_sheet": "Follow-up sheet", "evidence_sheet": "Evidence sheet"}


def _given_documents(
    note: _Lines,
    visit: Visit,
    decision: VisitDecision,
    given: Sequence[GivenDocument],
    content: ContentBundle,
) -> None:
    """The documents printed or saved, one line each: the same bytes printed and saved are one sheet."""
    ways: dict[GivenDocument, list[str]] = {}
    for doc in given:
        key = doc.model_copy(update={"how": "printed"})
        hows = ways.setdefault(key, [])
        if doc.how not in hows:
            hows.append(doc.how)
    note.blank()
    note.add(f"GIVEN TO THE PATIENT ({len(ways)})" if ways else "GIVEN TO THE PATIENT")
    for doc, hows in ways.items():
        how = " and ".join(sorted(hows))  # "printed and saved"
        name = f"{_KIND_NAMES[doc.kind]} for {doc.for_date.isoformat()}"
        _record_line(note, name, doc, content, how)
    kinds = {(doc.kind, doc.for_date) for doc in ways}
    if not any(kind == "handout" for kind, _ in kinds):
        if decision.handout_gate.allowed:
            note.item("Handout: not printed or saved yet.")
        else:
            note.item(_HANDOUT_REFUSED)
    # A sheet given for an earlier review is not the latest review's sheet.
    if visit.follow_ups and ("followup_sheet", visit.follow_ups[-1].date) not in kinds:
        name = f"Follow-up sheet ({visit.follow_ups[-1].date.isoformat()})"
        if decision.followup_gate.allowed:
            note.item(f"{name}: not printed or saved yet.")
        else:
            _sheet_refused(note, name, decision, content)


def _sheet_refused(note: _Lines, name: str, decision: VisitDecision, content: ContentBundle) -> None:
    note.item(f"{name}: NOT given - {' '.join(_blockers(decision.followup_gate, content))}")


def _record_line(
    note: _Lines,
    name: str,
    record: HandoutRecord | GivenDocument,
    content: ContentBundle,
    how: str | None = None,
) -> None:
    note.item(
        f"{name}: {_label(content, 'handout_language', record.language)}; large print:"
        f" {'yes' if record.large_print else 'no'}; paper: {record.paper}; content version:"
        f" {record.content_version}{'' if how is None else '; ' + how}."
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
