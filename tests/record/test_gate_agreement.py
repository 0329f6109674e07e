"""Issue 9: one gate in the core, and every front end obeys it.

`handout`, `followup-sheet`, `note` and `fhir` (and the composition under them) never put a plan in
front of the patient when the core gate (`VisitDecision.handout_gate` / `followup_gate`) refuses it;
the chart note and the command line say the same thing for every example visit.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.medicationrequest import MedicationRequest
from hypothesis import HealthCheck, given, settings
from record_helpers import CASE_FILES, EXAMPLES
from record_strategies import visits

from ldn_aid.cli import main
from ldn_aid.content import load_content
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.calendar import voice_for
from ldn_aid.handout.compose import (
    DocumentRefusedError,
    compose_followup_for_visit,
    compose_for_visit,
)
from ldn_aid.record.chart_note import chart_note
from ldn_aid.record.fhir import bundle_json, visit_bundle
from ldn_aid.rules import decide
from ldn_aid.visit_file import load_visit

PLAN_BLOCKS = (model.StepsTable, model.Calendar, model.WalletCard)


def _requests(text: str) -> list[MedicationRequest]:
    bundle = Bundle.model_validate_json(text)
    return [e.resource for e in bundle.entry or [] if isinstance(e.resource, MedicationRequest)]


def _has(handout: model.Handout, kind: type) -> bool:
    return any(isinstance(block, kind) for block in handout.blocks)


def check_documents(visit: Visit, decision: VisitDecision) -> None:
    """Every front end's document for this visit agrees with the core gate."""
    content = load_content("en")
    language = visit.patient.handout_language

    # The handout: refused when the gate refuses; a plan on it only when the plan is printable.
    if decision.handout_gate.allowed:
        handout = compose_for_visit(visit, language, decision=decision)
        assert handout.has_plan == decision.plan_printable
        for kind in PLAN_BLOCKS:
            # The tools (calendar, wallet card) come only with a chosen plan, never a fallback one.
            chosen = decision.assessment.outcome.value == "ldn_option" or kind is model.StepsTable
            assert _has(handout, kind) == (decision.plan_printable and chosen), kind
    else:
        with pytest.raises(DocumentRefusedError):
            compose_for_visit(visit, language, decision=decision)

    # The follow-up sheet: refused when the gate refuses; a dose and calendar only when LDN goes on.
    if not visit.follow_ups:
        assert compose_followup_for_visit(visit, language, decision=decision) is None
    elif decision.followup_gate.allowed:
        sheet = compose_followup_for_visit(visit, language, decision=decision)
        assert sheet is not None
        latest = decision.latest
        assert latest is not None
        assert latest.decision != "no_plan"
        going_on = latest.decision != "stop"
        assert sheet.has_plan == going_on
        assert _has(sheet, model.Calendar) == going_on
        boxes = [b for b in sheet.blocks if isinstance(b, model.Box)]
        assert (boxes[0].style == "stop") == (not going_on)
        if language == "en":
            # The stop sheet's first box says to take no more LDN (sheets.toml, the reader's voice).
            stop = content.language.sheets.followup.voice[voice_for(visit, content)].before_now["stop"]
            no_more = stop.rsplit("}", 1)[-1].strip(" .")
            assert any(no_more in p for b in boxes for p in b.paragraphs) == (not going_on)
    else:
        with pytest.raises(DocumentRefusedError):
            compose_followup_for_visit(visit, language, decision=decision)

    # The chart note states the gate plainly and never records a refused document as given.
    note = chart_note(visit, decision, content, None)
    assert ("off-label): may be given to the patient." in note) == decision.plan_printable
    assert ("NOT to be given to the patient" in note) == (not decision.handout_gate.allowed)
    assert ("Handout: NOT given" in note) == (not decision.handout_gate.allowed)
    sheet_refused = bool(visit.follow_ups) and not decision.followup_gate.allowed
    assert bool(re.search(r"Follow-up sheet \(\d{4}-\d\d-\d\d\): NOT given - ", note)) == sheet_refused

    # FHIR: the proposal only when the plan is printable, and never active after a stop.
    requests = _requests(bundle_json(visit_bundle(visit, decision, content)))
    assert bool(requests) == decision.plan_printable
    stopped = decision.latest is not None and decision.latest.decision in ("stop", "no_plan")
    for request in requests:
        assert request.intent == "proposal"
        assert request.status == ("stopped" if stopped else "draft")


@settings(max_examples=250, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(visit=visits())
def test_no_front_end_gives_a_plan_the_gate_refuses(visit: Visit) -> None:
    check_documents(visit, decide(visit))


@pytest.mark.parametrize("path", EXAMPLES + CASE_FILES, ids=lambda p: p.stem)
def test_each_example_documents_agree_with_the_gate(path: Path) -> None:
    visit = load_visit(path)
    check_documents(visit, decide(visit))


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1


@pytest.mark.parametrize("path", EXAMPLES + CASE_FILES, ids=lambda p: p.stem)
def test_the_command_line_and_the_chart_note_agree_with_the_gate(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    decision = decide(load_visit(path))

    handout = tmp_path / "handout.pdf"
    assert run(["handout", str(path), "-o", str(handout)]) == (0 if decision.handout_gate.allowed else 2)
    assert handout.exists() == decision.handout_gate.allowed
    out = capsys.readouterr().out
    assert (out != "") == decision.handout_gate.allowed

    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(path), "-o", str(sheet)]) == (
        0 if decision.followup_gate.allowed else 2
    )
    assert sheet.exists() == decision.followup_gate.allowed
    capsys.readouterr()

    assert run(["note", str(path)]) == 0
    note = capsys.readouterr().out
    assert ("off-label): may be given to the patient." in note) == decision.plan_printable
    assert ("PDF SHA-256" in note.split("GIVEN TO THE PATIENT")[1]) == (
        decision.handout_gate.allowed or decision.followup_gate.allowed
    )
    if decision.handout_gate.allowed:
        assert f"PDF SHA-256: {hashlib.sha256(handout.read_bytes()).hexdigest()}" in note
    if decision.followup_gate.allowed:
        assert f"PDF SHA-256: {hashlib.sha256(sheet.read_bytes()).hexdigest()}" in note

    assert run(["fhir", str(path)]) == 0
    assert bool(_requests(capsys.readouterr().out)) == decision.plan_printable
