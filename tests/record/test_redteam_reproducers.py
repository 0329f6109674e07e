"""The red-team reproducers (December 2026 review: D02, D14, D18) and the stop-follow-up FHIR case,
through the command line only.

These tests use nothing but `ldn-aid` itself (and the files in `cases/` and resources/examples), so
the same module runs against any release: on 10e0919 each fails on the defect it reproduces.
The content-level checks of the same cases live in tests/test_cli.py, tests/handout and
tests/record/test_gate_agreement.py.
"""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber
import pytest

from ldn_aid.cli import main
from ldn_aid.content import load_content

PROJECT = Path(__file__).resolve().parents[2]
CASES = Path(__file__).resolve().parent / "cases"
EXAMPLES = sorted((PROJECT / "ldn_aid" / "resources" / "examples").glob("*.json"))


def has_plan_heading(text: str) -> bool:
    """The decision pack's plan part is printed: its heading, in the patient's or the caregiver's voice."""
    heading = load_content("en").language.pack.plan.heading
    options = (heading,) if isinstance(heading, str) else (heading.adult, heading.child)
    return any(option in " ".join(text.split()) for option in options)


def run(argv: list[str]) -> int:
    try:
        return main(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1


def pdf_text(path: Path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


@pytest.mark.parametrize(
    "name",
    [
        "D02_incomplete_with_followups",
        "D02_incomplete_child_10kg_taking_3mg",
        "D14_child_taking_over_target_format1",
    ],
)
def test_d02_a_follow_up_on_a_visit_without_a_plan_gives_no_dosing_advice(
    name: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D02: the review held any dose ("HOLD, next dose 3.0 mg", even for a 10 kg child), and the sheet
    said both "stay on this dose a little longer" and "do not take any more LDN"."""
    visit_path = CASES / f"{name}.json"
    assert run(["review", str(visit_path)]) == 0
    out = capsys.readouterr().out
    assert "Decision: NO_PLAN" in out
    assert "[followup_no_protocol]" in out
    assert "Next dose: none - there is no plan, so no dosing advice" in out
    assert " mg at " not in out
    assert "\n  from " not in out  # no schedule

    assert run(["review", str(visit_path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["decision"] == "no_plan"
    assert (result["next_dose_mg"], result["next_timing"], result["revised_steps"]) == (None, None, [])
    assert result["followup_gate"]["allowed"] is False
    assert [b["id"] for b in result["followup_gate"]["blockers"]] == ["followup_no_plan"]

    # The sheet is refused: nothing on stdout, no file, the reason on stderr.
    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(visit_path), "-o", str(sheet)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    assert not sheet.exists()
    assert [line for line in err.splitlines() if line.startswith("ldn-aid: follow-up sheet not printed: ")]


def test_d18_the_reviewers_file_never_prints_a_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D18: `ldn-aid handout guideline_first.json` printed "Your LDN plan" with its steps and calendar
    although the guideline discussion was never recorded. The reviewer's file is format 1: it opens
    as format 2 with its new questions unanswered, so it is incomplete and carries no plan."""
    out = tmp_path / "d18.pdf"
    code = run(["handout", str(CASES / "D18_guideline_first_format1.json"), "--lang", "en", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0, err
    text = pdf_text(out)
    assert not has_plan_heading(text)
    for dose in ("1.3 mg", "2.5 mg", "3.8 mg"):
        assert dose not in text
    assert "it was read as format 2 and new questions are unanswered" in err


def test_d18_a_complete_guideline_first_visit_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "d18.pdf"
    assert run(["handout", str(CASES / "D18_guideline_first.json"), "--lang", "en", "-o", str(out)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    assert not out.exists()
    assert err.startswith("ldn-aid: handout not printed: ")
    assert "discussed" in err


def test_d14_a_child_over_the_ceiling_is_stepped_down_and_told_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D14: an 8-year-old of 20 kg recorded on 4.5 mg got "CONTINUE" and "Stay on the same dose."
    beside a dose silently cut to 2.0 mg."""
    visit_path = CASES / "D14_child_taking_over_target.json"
    assert run(["review", str(visit_path)]) == 0
    out = capsys.readouterr().out
    assert "Decision: STEP_DOWN" in out
    # Doses as the safe-medication lists write them: no trailing zero (issue 11).
    assert "above this patient's ceiling of 2 mg" in out
    assert "Next dose: 2 mg at bedtime." in out
    assert "2.0 mg" not in out
    sheet = tmp_path / "d14.pdf"
    assert run(["followup-sheet", str(visit_path), "--lang", "en", "-o", str(sheet)]) == 0
    text = " ".join(pdf_text(sheet).split())
    assert "Stay on the same dose" not in text
    assert "4.5 mg" in text  # the sheet names the dose that was too high
    assert "give the lower dose: 2 mL (2 mg) at bedtime" in text  # issue 11: mL and mg, no "2.0"


def test_a_stop_follow_up_bundle_has_no_active_proposal(capsys: pytest.CaptureFixture[str]) -> None:
    """After a review that stops LDN the FHIR Bundle still carried the starting plan as a draft."""
    visit_path = PROJECT / "ldn_aid" / "resources" / "examples" / "followup_stop.json"
    assert run(["review", str(visit_path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out)["decision"] == "stop"
    assert run(["fhir", str(visit_path)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    requests = [
        e["resource"] for e in bundle["entry"] if e["resource"]["resourceType"] == "MedicationRequest"
    ]
    assert not [r for r in requests if r["status"] in ("draft", "active", "on-hold")]
    for request in requests:
        assert request["status"] == "stopped"
        assert "statusReason" in request


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_the_chart_note_and_the_command_line_agree_for_every_example(
    path: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The note once said "the plan is not to be printed" beside a handout the command line printed."""
    out = tmp_path / "handout.pdf"
    printed = run(["handout", str(path), "-o", str(out)]) == 0
    capsys.readouterr()
    assert printed == out.exists()
    with_plan = printed and has_plan_heading(pdf_text(out))

    assert run(["note", str(path)]) == 0
    note = capsys.readouterr().out
    flat = " ".join(note.split())
    # Never "must not be printed" beside a printed plan; the note says which, plainly.
    assert not (printed and "not to be printed" in flat)
    assert ("may be given to the patient." in note) == with_plan
    assert ("NOT to be given to the patient" in note) == (not printed)
    assert ("Handout: NOT given" in flat) == (not printed)

    assert run(["fhir", str(path)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    kinds = [e["resource"]["resourceType"] for e in bundle["entry"]]
    assert ("MedicationRequest" in kinds) == with_plan
