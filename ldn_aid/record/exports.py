"""The chart note and the FHIR bundle for a visit, exactly as both the wizard and the command line
produce them (one path, so the two can never disagree)."""

from __future__ import annotations

from ldn_aid.content import load_content
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import build_protocol, evaluate
from ldn_aid.settings import ClinicSettings


def visit_chart_note(
    visit: Visit, language: str, large_print: bool, paper: str, clinic: ClinicSettings
) -> str:
    """The chart note, with the SHA-256 of the handout (and latest follow-up sheet) these options print."""
    from ldn_aid.record.chart_note import chart_note
    from ldn_aid.record.handout_hash import followup_sheet_record, handout_record

    content = load_content("en")  # the note is for the clinician's record: English, as `assess` prints
    assessment = evaluate(visit, content)
    protocol = build_protocol(visit, assessment)
    handout = handout_record(visit, language, large_print, paper, clinic)  # type: ignore[arg-type]
    # After a follow-up review the patient also takes home that review's sheet.
    sheet = followup_sheet_record(visit, language, large_print, paper, clinic)  # type: ignore[arg-type]
    return chart_note(visit, assessment, protocol, content, handout, followup_sheet=sheet).rstrip("\n")


def visit_fhir_json(visit: Visit) -> str:
    """The visit's FHIR R4 collection Bundle as JSON."""
    from ldn_aid.record.fhir import bundle_json, visit_bundle

    content = load_content("en")
    assessment = evaluate(visit, content)
    return bundle_json(visit_bundle(visit, assessment, build_protocol(visit, assessment), content))
