"""The chart note and the FHIR bundle for a visit, exactly as both the wizard and the command line
produce them (one path, so the two can never disagree).

Each decides the visit once (`ldn_aid.rules.decide`) and obeys its gates. A visit that records the
documents given (`Visit.documents_given`) has its note list exactly those, with the SHA-256 of the
bytes printed or saved: a fact, never a fresh render. Only a visit without that record (an older file
on the command line) has its note describe the handout the options would print, and then only when
the gate lets it be given. The bundle carries the draft prescription only when the plan may be given.
"""

from __future__ import annotations

from ldn_aid.content import load_content
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import decide
from ldn_aid.settings import ClinicSettings


def visit_chart_note(
    visit: Visit,
    language: str,
    large_print: bool,
    paper: str,
    clinic: ClinicSettings,
    decision: VisitDecision | None = None,
) -> str:
    """The chart note. With `visit.documents_given` it lists those (the options are not used);
    otherwise it records the SHA-256 of the handout (and latest follow-up sheet) these options print.

    A document the gate refuses is not rendered: the note says it was not given, and why.
    """
    from ldn_aid.record.chart_note import chart_note
    from ldn_aid.record.handout_hash import followup_sheet_record, handout_record

    decided = decision if decision is not None else decide(visit)
    if visit.documents_given:
        return wizard_chart_note(visit, decided)
    content = load_content("en")  # the note is for the clinician's record: English, as `assess` prints
    handout = None
    if decided.handout_gate.allowed:
        handout = handout_record(visit, language, large_print, paper, clinic, decided)  # type: ignore[arg-type]
    # After a follow-up review the patient also takes home that review's sheet, when it may be given.
    sheet = None
    if visit.follow_ups and decided.followup_gate.allowed:
        sheet = followup_sheet_record(visit, language, large_print, paper, clinic, decided)  # type: ignore[arg-type]
    return chart_note(visit, decided, content, handout, followup_sheet=sheet).rstrip("\n")


def wizard_chart_note(visit: Visit, decision: VisitDecision | None = None) -> str:
    """The chart note as the wizard copies or saves it: it never renders. It lists
    `visit.documents_given` (what was printed or saved, with the hash of those bytes) or says that
    nothing was given yet."""
    from ldn_aid.record.chart_note import chart_note

    decided = decision if decision is not None else decide(visit)
    content = load_content("en")
    return chart_note(visit, decided, content, None, given=visit.documents_given).rstrip("\n")


def visit_fhir_json(visit: Visit, decision: VisitDecision | None = None) -> str:
    """The visit's FHIR R4 collection Bundle as JSON."""
    from ldn_aid.record.fhir import bundle_json, visit_bundle

    decided = decision if decision is not None else decide(visit)
    return bundle_json(visit_bundle(visit, decided, load_content("en")))
