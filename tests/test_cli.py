"""The `ldn-aid` command line (issue 2, section 6; issue 9): assess, review, --json, schema, --version,
clean errors, the one gate for handouts and follow-up sheets, and the notice for migrated files."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from record.record_helpers import ALL_SAFE, CASES, PHARM, follow_up

import ldn_aid
from ldn_aid.cli import main
from ldn_aid.content import load_content
from ldn_aid.content.words import blocker_text, clinician_text, patient_text
from ldn_aid.domain.visit import Visit
from ldn_aid.rules import decide, evaluate
from ldn_aid.visit_file import load_visit

MakeVisitData = Callable[..., dict[str, Any]]
PROJECT = Path(__file__).resolve().parent.parent


def one_sentence(text: str) -> str:
    return " ".join(text.split())


def run(argv: list[str]) -> int:
    """main() as the shell sees it: a returned code, or the code of a SystemExit (argparse --version)."""
    try:
        code = main(argv)
    except SystemExit as stop:
        code = stop.code if isinstance(stop.code, int) else (0 if stop.code is None else 1)
    return code


@pytest.fixture(name="write_visit")
def write_visit_fixture(tmp_path: Path, make_visit_data: MakeVisitData) -> Callable[..., Path]:
    def write(name: str = "visit.json", **overrides: Any) -> Path:
        path = tmp_path / name
        path.write_text(json.dumps(make_visit_data(**overrides)), encoding="utf-8")
        return path

    return write


def assess_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = run(["assess", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    result: dict[str, Any] = json.loads(out)
    return result


# ---- assess --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "overrides",
    [
        {},
        {"history.methylphenidate": "not_tried"},
        {"ldn_screen.current_opioid_use": "yes"},
        {"ldn_screen.planned_surgery": None},
        {"patient.age_years": 8, "patient.weight_kg": 23},
    ],
    ids=["ldn_option", "guideline_first", "stop", "incomplete", "child_liquid"],
)
def test_assess_exits_0_for_every_valid_visit(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str], overrides: dict[str, Any]
) -> None:
    path = write_visit(**overrides)
    assert run(["assess", str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip()
    assert err == ""


def test_assess_summary_shows_the_doses_and_dates(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["assess", str(write_visit())]) == 0
    out = capsys.readouterr().out
    for text in ("1.5", "3", "4.5", "2026-01-05", "2026-01-19", "2026-02-02", "2026-01-18", "2026-03-30"):
        assert text in out, text
    # The protocol says plainly that its schedules are not from ADHD evidence.
    evidence_note = load_content("en").language.protocol.evidence_note
    assert " ".join(evidence_note.split()) in " ".join(out.split())


def test_assess_summary_names_what_is_missing(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(["assess", str(write_visit(**{"ldn_screen.planned_surgery": None}))]) == 0
    out = capsys.readouterr().out
    assert "planned_surgery" in out


def test_assess_minimal_visit(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "minimal.json"
    path.write_text('{"format": "ldn-aid.visit/2", "visit_date": "2026-01-05"}', encoding="utf-8")
    result = assess_json(path, capsys)
    assert result["outcome"] == "incomplete"
    assert "patient.age_years" in result["missing"]
    assert "ldn_screen.pregnancy" in result["missing"]
    assert result["protocol"] is None


def test_assess_json_for_the_standard_adult(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit()
    result = assess_json(path, capsys)
    assert result["format"] == "ldn-aid.assessment/1"
    assert result["outcome"] == "ldn_option"
    assert result["missing"] == []
    expected = evaluate(Visit.model_validate_json(path.read_text(encoding="utf-8")))
    assert [f["rule_id"] for f in result["findings"]] == [f.rule_id for f in expected.findings]
    words = load_content("en")
    for item, finding in zip(result["findings"], expected.findings, strict=True):
        assert {"rule_id", "severity", "text", "inputs", "references"} <= set(item)
        assert item["severity"] == finding.severity
        assert item["text"] == clinician_text(words, finding.rule_id, finding.params, finding.inputs)
        assert item["text"].strip()
        assert item["inputs"] == list(finding.inputs)
        assert item["references"] == list(finding.references)
    assert result["handout_gate"] == {"allowed": True, "blockers": []}
    assert result["plan_printable"] is True

    protocol = result["protocol"]
    assert protocol["formulation"] == "capsule"
    assert protocol["timing"] == "bedtime"
    assert protocol["target_mg"] == 4.5
    assert isinstance(protocol["target_mg"], float)
    assert protocol["steps"] == [
        {"start": "2026-01-05", "dose_mg": 1.5, "volume_ml": None},
        {"start": "2026-01-19", "dose_mg": 3.0, "volume_ml": None},
        {"start": "2026-02-02", "dose_mg": 4.5, "volume_ml": None},
    ]
    assert all(isinstance(step["dose_mg"], int | float) for step in protocol["steps"])
    assert protocol["tolerability_review"] == "2026-01-18"
    assert protocol["response_review"] == "2026-03-30"


def test_assess_json_liquid_volumes_are_numbers(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    # 23 kg is light for 12 years, so the clinician has confirmed the weight.
    visit = {"patient.age_years": 12, "patient.weight_kg": 23, "patient.weight_confirmed": True}
    result = assess_json(write_visit(**visit), capsys)
    protocol = result["protocol"]
    assert protocol["formulation"] == "liquid_1mg_per_ml"
    assert protocol["target_mg"] == 2.3
    assert [(s["dose_mg"], s["volume_ml"]) for s in protocol["steps"]] == [(0.8, 0.8), (1.5, 1.5), (2.3, 2.3)]
    assert all(isinstance(s["volume_ml"], float) for s in protocol["steps"])
    rules = {f["rule_id"]: f["severity"] for f in result["findings"]}
    assert rules["age_under_adult"] == "caution"
    assert rules["low_weight"] == "caution"


def test_assess_json_morning_timing(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    result = assess_json(write_visit(**{"ldn_screen.sleep_problems": "yes"}), capsys)
    assert result["protocol"]["timing"] == "morning"


def test_assess_json_for_a_stop(write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]) -> None:
    result = assess_json(
        write_visit(**{"ldn_screen.opioid_agonist_treatment": "yes", "ldn_screen.planned_surgery": None}),
        capsys,
    )
    assert result["outcome"] == "stop"
    assert result["protocol"] is None
    assert result["missing"] == ["ldn_screen.planned_surgery"]
    stops = [f for f in result["findings"] if f["severity"] == "stop"]
    assert [f["rule_id"] for f in stops] == ["opioid_agonist_treatment"]
    assert stops[0]["references"]


def test_assess_json_for_guideline_first(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    result = assess_json(write_visit(**{"history.amphetamine": "not_tried"}), capsys)
    assert result["outcome"] == "guideline_first"
    assert result["protocol"] is not None
    assert [s["dose_mg"] for s in result["protocol"]["steps"]] == [1.5, 3.0, 4.5]


def test_assess_json_for_incomplete(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    result = assess_json(write_visit(**{"patient.weight_kg": None, "ldn_screen.disulfiram": None}), capsys)
    assert result["outcome"] == "incomplete"
    assert sorted(result["missing"]) == ["ldn_screen.disulfiram", "patient.weight_kg"]
    assert result["protocol"] is None


# ---- schema and version ------------------------------------------------------------------------


def test_schema(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["schema"]) == 0
    schema = json.loads(capsys.readouterr().out)
    assert "ldn_screen" in schema["properties"]
    assert "visit_date" in schema["properties"]


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["--version"]) == 0
    captured = capsys.readouterr()
    assert ldn_aid.__version__ in captured.out + captured.err


# ---- errors: exit 2, one line, no traceback ------------------------------------------------------


def _error_case(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.json"
    if kind == "missing":
        return tmp_path / "no-such-visit.json"
    if kind == "directory":
        path.mkdir()
    elif kind == "not_json":
        path.write_text("this is not json {", encoding="utf-8")
    elif kind == "empty":
        path.write_text("", encoding="utf-8")
    elif kind == "json_array":
        path.write_text("[1, 2, 3]", encoding="utf-8")
    elif kind == "bad_age":
        path.write_text(
            json.dumps(
                {"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "patient": {"age_years": 121}}
            ),
            encoding="utf-8",
        )
    elif kind == "unknown_key":
        path.write_text(
            json.dumps({"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "extra": 1}),
            encoding="utf-8",
        )
    elif kind == "target_above_cap":
        path.write_text(
            json.dumps({"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "plan": {"target_mg": 5.0}}),
            encoding="utf-8",
        )
    elif kind == "huge_integer":
        # Python's json refuses integers over 4,300 digits with a ValueError, not a JSONDecodeError.
        path.write_text(
            '{"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "patient": {"age_years": '
            + "1" * 5000
            + "}}",
            encoding="utf-8",
        )
    elif kind == "duplicate_key":
        path.write_text(
            '{"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "visit_date": "2026-01-06"}',
            encoding="utf-8",
        )
    elif kind == "newline_in_key":
        path.write_text(
            json.dumps({"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "bad\nkey": 1}),
            encoding="utf-8",
        )
    elif kind == "missing_with_newline_in_name":
        return tmp_path / "no-such\nvisit.json"
    elif kind == "not_utf8":
        path.write_bytes(
            b'{"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "patient": '
            b'{"display_name": "Jos\xe9"}}'
        )
    return path


ERROR_KINDS = [
    "missing",
    "directory",
    "not_json",
    "empty",
    "json_array",
    "bad_age",
    "unknown_key",
    "target_above_cap",
    "not_utf8",
    "huge_integer",
    "duplicate_key",
    "newline_in_key",
    "missing_with_newline_in_name",
]


@pytest.mark.parametrize("kind", ERROR_KINDS)
@pytest.mark.parametrize("as_json", [False, True], ids=["text", "json"])
def test_bad_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, as_json: bool
) -> None:
    path = _error_case(tmp_path, kind)
    argv = ["assess", str(path), *(["--json"] if as_json else [])]
    assert run(argv) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert "Traceback" not in err
    assert len(err.strip().splitlines()) == 1, err
    assert err.strip()


@pytest.mark.parametrize(
    ("kind", "names"),
    [("bad_age", "patient.age_years"), ("unknown_key", "extra"), ("target_above_cap", "plan.target_mg")],
)
def test_invalid_visit_error_names_the_field(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str, names: str
) -> None:
    assert run(["assess", str(_error_case(tmp_path, kind))]) == 2
    assert names in capsys.readouterr().err


# ---- through a real process ----------------------------------------------------------------------


def _python_m(*args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    return subprocess.run(
        [sys.executable, "-m", "ldn_aid", *args],
        capture_output=True,
        text=True,
        cwd=PROJECT,
        env=env,
        timeout=120,
        check=False,
    )


def test_python_m_assess_json(write_visit: Callable[..., Path]) -> None:
    done = _python_m("assess", str(write_visit(**{"ldn_screen.sleep_problems": "yes"})), "--json")
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["outcome"] == "ldn_option"
    assert result["protocol"]["timing"] == "morning"
    assert [s["dose_mg"] for s in result["protocol"]["steps"]] == [1.5, 3.0, 4.5]


@pytest.mark.parametrize("kind", ["bad_age", "not_utf8", "huge_integer"])
def test_python_m_error_is_one_line_and_exit_2(tmp_path: Path, kind: str) -> None:
    done = _python_m("assess", str(_error_case(tmp_path, kind)))
    assert "Traceback" not in done.stderr
    assert done.returncode == 2
    assert done.stdout == ""
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    if kind == "bad_age":
        assert "patient.age_years" in done.stderr


def test_python_m_version() -> None:
    done = _python_m("--version")
    assert done.returncode == 0, done.stderr
    assert ldn_aid.__version__ in done.stdout


# ---- review (issue 5): the decision for the latest follow-up -----------------------------------------

REVIEW_KEYS = {
    "format",
    "review_date",
    "dose_taken_mg",
    "decision",
    "computed",
    "chosen",
    "override_reason",
    "override_refused",
    "reasons",
    "patient_reasons",
    "adherence_point",
    "cannot_judge",
    "next_dose_mg",
    "next_timing",
    "revised_steps",
    "next_review",
    "response_review",
    "recheck_due",
    "ceiling_mg",
    "followup_gate",
}


def review_json(path: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, Any]:
    code = run(["review", str(path), "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert err == ""
    result: dict[str, Any] = json.loads(out)
    return result


def test_review_example_advance_text(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["review", str(PROJECT / "ldn_aid/resources/examples/followup_advance.json")]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert "Decision: ADVANCE" in out
    assert "[followup_advance]" in out
    assert "from 2026-12-28  4.5 mg" in out
    assert "Next review:     2027-01-11" in out
    assert "Response review: 2027-02-23" in out


def test_review_example_advance_json(capsys: pytest.CaptureFixture[str]) -> None:
    result = review_json(PROJECT / "ldn_aid/resources/examples/followup_advance.json", capsys)
    assert set(result) == REVIEW_KEYS
    assert result["format"] == "ldn-aid.review/1"
    assert (result["decision"], result["computed"], result["chosen"]) == ("advance", "advance", None)
    assert result["review_date"] == "2026-12-28"
    assert result["dose_taken_mg"] == 3
    assert result["next_dose_mg"] == 4.5
    assert result["next_timing"] == "bedtime"
    assert result["revised_steps"] == [{"start": "2026-12-28", "dose_mg": 4.5, "volume_ml": None}]
    assert (result["next_review"], result["response_review"]) == ("2027-01-11", "2027-02-23")
    assert (result["adherence_point"], result["cannot_judge"], result["override_refused"]) == (
        False,
        False,
        False,
    )
    words = load_content("en")
    assert [r["rule_id"] for r in result["reasons"]] == ["followup_advance"]
    (reason,) = result["reasons"]
    assert reason["severity"] == "info"
    assert reason["text"] == clinician_text(words, "followup_advance", reason["params"], reason["inputs"])
    assert reason["references"] == ["LRT-g", "LRT-p", "NO"]
    assert result["followup_gate"] == {"allowed": True, "blockers": []}


def test_review_example_stop_json(capsys: pytest.CaptureFixture[str]) -> None:
    result = review_json(PROJECT / "ldn_aid/resources/examples/followup_stop.json", capsys)
    assert result["decision"] == "stop"
    assert [r["rule_id"] for r in result["reasons"]] == ["followup_stop_no_response"]
    assert (result["next_dose_mg"], result["next_timing"], result["revised_steps"]) == (None, None, [])
    assert result["next_review"] is None


def test_review_liquid_volumes_and_override(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    exams = follow_up(
        date="2026-01-18",
        dose_mg=0.8,
        missed_doses_last_week=1,
        clinician_decision="hold",
        override_reason="wants to wait until after exams",
    )
    path = write_visit(**{"patient.age_years": 8, "patient.weight_kg": 23}, follow_ups=[exams])
    result = review_json(path, capsys)
    assert (result["decision"], result["computed"], result["chosen"]) == ("hold", "advance", "hold")
    assert result["override_reason"] == "wants to wait until after exams"
    assert result["revised_steps"] == [
        {"start": "2026-01-18", "dose_mg": 0.8, "volume_ml": 0.8},
        {"start": "2026-02-01", "dose_mg": 1.5, "volume_ml": 1.5},
        {"start": "2026-02-15", "dose_mg": 2.3, "volume_ml": 2.3},
    ]
    assert run(["review", str(path)]) == 0
    out = capsys.readouterr().out
    assert "clinician's choice hold (applied; computed: advance): wants to wait until after exams" in out
    assert "= 0.8 mL" in out


@pytest.mark.parametrize("example", ["ldn_option", "stop", "incomplete", "guideline_first"])
def test_review_without_follow_ups(example: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = PROJECT / f"ldn_aid/resources/examples/{example}.json"
    assert run(["review", str(path)]) == 0
    assert capsys.readouterr().out.strip() == "No follow-up visits recorded."
    assert run(["review", str(path), "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {
        "format": "ldn-aid.review/1",
        "decision": None,
        "message": "No follow-up visits recorded.",
    }


@pytest.mark.parametrize("kind", ["missing", "not_json", "bad_age", "unknown_key"])
def test_review_bad_files_exit_2_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], kind: str
) -> None:
    assert run(["review", str(_error_case(tmp_path, kind))]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert len(err.strip().splitlines()) == 1, err


def test_review_follow_ups_out_of_order_exit_2_naming_follow_ups(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    later = follow_up(date="2026-02-01", dose_mg=3)
    earlier = {**later, "date": "2026-01-18"}
    assert run(["review", str(write_visit(follow_ups=[later, earlier]))]) == 2
    err = capsys.readouterr().err
    assert "follow_ups" in err
    assert len(err.strip().splitlines()) == 1


def test_python_m_review_json() -> None:
    done = _python_m("review", str(PROJECT / "ldn_aid/resources/examples/followup_stop.json"), "--json")
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["decision"] == "stop"


# ---- issue 9: one gate for the handout and the follow-up sheet ---------------------------------------


def pdf_text(path: Path) -> str:
    import pdfplumber

    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_d18_handout_for_guideline_first_without_the_acknowledgement_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D18: `ldn-aid handout` printed the full plan for guideline_first without the clinician's tick."""
    visit_path = CASES / "D18_guideline_first.json"
    decision = decide(load_visit(visit_path))
    assert decision.assessment.outcome.value == "guideline_first"
    assert decision.protocol is not None
    out = tmp_path / "d18.pdf"
    for lang in ("en", "es"):
        assert run(["handout", str(visit_path), "--lang", lang, "-o", str(out)]) == 2
        stdout, err = capsys.readouterr()
        assert stdout == ""
        assert not out.exists()
        reason = one_sentence(blocker_text(load_content(lang), "guideline_ack_missing"))
        assert err.splitlines() == [f"ldn-aid: handout not printed: {reason}"]
        assert "Traceback" not in err


def test_d18_the_acknowledgement_lets_the_plan_be_printed(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = json.loads((CASES / "D18_guideline_first.json").read_text("utf-8"))
    data["plan"]["guideline_options_discussed"] = True
    visit_path = tmp_path / "acknowledged.json"
    visit_path.write_text(json.dumps(data), "utf-8")
    out = tmp_path / "d18.pdf"
    assert run(["handout", str(visit_path), "--lang", "en", "-o", str(out)]) == 0
    assert capsys.readouterr().err == ""
    text = pdf_text(out)
    # The plan is printed: its steps, each dose in mL and mg (a liquid for this child).
    assert "1.3 mL (1.3 mg)" in text
    assert "3.8 mL (3.8 mg)" in text


def test_d14_a_child_over_the_ceiling_steps_down_to_it_and_the_sheet_says_so(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """D14: an 8-year-old of 20 kg recorded on 4.5 mg got "continue, same dose" while the dose was cut."""
    visit_path = CASES / "D14_child_taking_over_target.json"
    decision = decide(load_visit(visit_path)).latest
    assert decision is not None
    assert decision.decision == "step_down"
    assert decision.next_dose_mg == decision.ceiling_mg == Decimal("2.0")
    assert "followup_dose_above_ceiling" in decision.rule_ids

    assert run(["review", str(visit_path)]) == 0
    out = capsys.readouterr().out
    assert "Decision: STEP_DOWN" in out
    # Doses written the safe way on the clinician's screen too: "2 mg", never "2.0 mg" (issue 11).
    assert "dose taken 4.5 mg is above this patient's ceiling of 2 mg: an error to correct" in out
    assert "[followup_dose_above_ceiling]" in out
    reason = next(r for r in decision.reasons if r.rule_id == "followup_dose_above_ceiling")
    words = load_content("en")
    text = clinician_text(words, reason.rule_id, reason.params, reason.inputs)
    assert one_sentence(text) in " ".join(out.split())
    assert "Next dose: 2 mg at bedtime." in out
    assert "2.0 mg" not in out
    assert "CONTINUE" not in out

    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(visit_path), "--lang", "en", "-o", str(sheet)]) == 0
    text = " ".join(pdf_text(sheet).split())
    assert one_sentence(words.language.sheets.followup.decisions["step_down"]) in text
    assert "Stay on the same dose" not in text
    assert "give the lower dose: 2 mL (2 mg) at bedtime" in text  # issue 11: mL and mg, no "2.0"
    patient = one_sentence(patient_text(words, reason.rule_id, reason.params, reason.inputs) or "")
    assert patient
    assert patient[:40] in text


def test_followup_sheet_without_follow_ups_names_the_blocker(
    write_visit: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.pdf"
    assert run(["followup-sheet", str(write_visit()), "-o", str(out)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    assert not out.exists()
    reason = one_sentence(blocker_text(load_content("en"), "no_follow_up"))
    assert err.splitlines() == [f"ldn-aid: follow-up sheet not printed: {reason}"]


def test_a_refused_handout_leaves_an_existing_file_untouched(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "old.pdf"
    out.write_bytes(b"the handout printed last time")
    assert run(["handout", str(CASES / "D18_guideline_first.json"), "-o", str(out)]) == 2
    assert out.read_bytes() == b"the handout printed last time"
    assert capsys.readouterr().out == ""


def test_every_blocker_has_its_own_line(
    write_visit: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(
        **{"history.amphetamine": "not_tried"}, plan={"schedule": "gentle", "change_reason": None}
    )
    gate = decide(load_visit(path)).handout_gate
    assert gate.blockers == ("guideline_ack_missing", "change_reason_missing")
    assert run(["handout", str(path), "-o", str(tmp_path / "h.pdf")]) == 2
    lines = capsys.readouterr().err.splitlines()
    words = load_content("en")
    assert lines == [
        f"ldn-aid: handout not printed: {one_sentence(blocker_text(words, blocker, gate.params))}"
        for blocker in gate.blockers
    ]


def test_assess_shows_the_gate(capsys: pytest.CaptureFixture[str]) -> None:
    path = CASES / "D18_guideline_first.json"
    assert run(["assess", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Handout: NOT printed - the plan may not be given to the patient yet:" in out
    assert "[guideline_ack_missing]" in out
    assert run(["assess", str(path), "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["plan_printable"] is False
    assert [b["id"] for b in result["handout_gate"]["blockers"]] == ["guideline_ack_missing"]


def test_assess_json_words_in_the_chosen_language(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(**{"ldn_screen.planned_surgery": "yes"})
    assert run(["assess", str(path), "--json", "--lang", "es"]) == 0
    result = json.loads(capsys.readouterr().out)
    spanish = load_content("es")
    surgery = next(f for f in result["findings"] if f["rule_id"] == "planned_surgery")
    assert surgery["text"] == clinician_text(spanish, "planned_surgery", surgery["params"], surgery["inputs"])
    assert surgery["text"] != clinician_text(load_content("en"), "planned_surgery")


# ---- issue 9: follow-up decisions the review prints -------------------------------------------------


def test_review_of_a_restart_starts_again_at_step_1(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_visit(follow_ups=[follow_up(date="2026-02-16", dose_mg=3.0, days_without_ldn=20)])
    decision = decide(load_visit(path)).latest
    assert decision is not None
    assert decision.decision == "restart"
    assert run(["review", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Decision: RESTART" in out
    assert "[followup_restart]" in out
    assert "Next dose: 1.5 mg at bedtime." in out
    assert "  from 2026-02-16  1.5 mg" in out


def test_review_after_a_stop_for_opioids_stays_stopped(
    write_visit: Callable[..., Path], capsys: pytest.CaptureFixture[str]
) -> None:
    taken = follow_up(
        date="2026-02-16",
        dose_mg=3.0,
        safety={**ALL_SAFE, "opioid_needed_or_taken": "yes", "last_opioid_dose": "2026-02-14"},
    )
    path = write_visit(follow_ups=[taken])
    assert run(["review", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Decision: STOP" in out
    assert "Next dose: none (stop LDN)." in out
    assert "Follow-up sheet: may be printed." in out


# ---- issue 9: a format-1 file migrates on load and says so once ---------------------------------------


@pytest.mark.parametrize("command", ["assess", "review", "note", "fhir"])
def test_a_format_1_file_is_read_as_format_2_with_one_notice(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "old.json"
    path.write_text(
        json.dumps(
            {"format": "ldn-aid.visit/1", "visit_date": "2026-01-05", "history": {"non_stimulant": "helped"}}
        ),
        "utf-8",
    )
    assert run([command, str(path)]) == 0
    out, err = capsys.readouterr()
    assert out.strip()
    assert err.splitlines() == [
        f"ldn-aid: note: {path} is format 1 (ldn-aid.visit/1); it was read as format 2 and new questions are"
        " unanswered (saving writes format 2)"
    ]


def test_a_format_1_file_opens_as_incomplete_with_the_new_questions_listed(
    write_visit: Callable[..., Path], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A format-1 visit that was complete then is incomplete now: the new questions are listed."""
    old = {
        "format": "ldn-aid.visit/1",
        "visit_date": "2026-01-05",
        "patient": {"age_years": 30, "weight_kg": 70, "sex_at_birth": "male"},
        "diagnosis": {
            "adhd_confirmed": "yes",
            "baseline": {"scale": "aisrs", "score": 36, "date": "2026-01-05"},
        },
        "history": {
            "methylphenidate": "no_benefit",
            "amphetamine": "no_benefit",
            "non_stimulant": "no_benefit",
        },
        "ldn_screen": {
            "current_opioid_use": "no",
            "opioid_agonist_treatment": "no",
            "opioid_use_last_10_days": "no",
            "past_opioid_use_disorder": "no",
            "planned_surgery": "no",
            "acute_hepatitis_or_liver_failure": "no",
            "chronic_liver_disease": "no",
            "severe_kidney_disease": "no",
            "naltrexone_allergy": "no",
            "thioridazine": "no",
            "disulfiram": "no",
            "sleep_problems": "no",
            "pregnancy": "not_applicable",
        },
    }
    path = tmp_path / "old.json"
    path.write_text(json.dumps(old), "utf-8")
    result_code = run(["assess", str(path), "--json"])
    out, err = capsys.readouterr()
    assert result_code == 0
    assert "read as format 2" in err
    result = json.loads(out)
    assert result["outcome"] == "incomplete"
    for new_question in ("ldn_screen.suicidal_thoughts", "ldn_screen.opioid_withdrawal_now"):
        assert new_question in result["missing"]
    assert result["protocol"] is None or result["plan_printable"] is False


def test_saving_writes_format_2(tmp_path: Path) -> None:
    from ldn_aid.visit_file import read_visit, save_visit

    path = tmp_path / "old.json"
    path.write_text('{"format": "ldn-aid.visit/1", "visit_date": "2026-01-05"}', "utf-8")
    loaded = read_visit(path)
    assert loaded.migrated
    assert loaded.source_format == "ldn-aid.visit/1"
    save_visit(loaded.visit, path)
    assert json.loads(path.read_text("utf-8"))["format"] == "ldn-aid.visit/2"
    again = read_visit(path)
    assert again.notice is None
    assert again.visit == loaded.visit


# ---- issue 9 round 2: the patient's reasons, the calendar, dates, the cap ---------------------------


def _pdf_words(path: Path) -> str:
    return " ".join(pdf_text(path).split())


def test_a_clinician_hold_after_a_severe_reaction_prints_the_choice_not_the_stop(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """severe_other_hold: the sheet printed the severe reaction's "stop LDN" words under Hold; the
    review and the chart note keep them for the clinician."""
    visit_path = PHARM / "severe_other_hold.json"
    words = load_content("en")
    stop_words = one_sentence(patient_text(words, "followup_stop_severe_other") or "")[:50]
    choice_words = one_sentence(patient_text(words, "followup_clinician_choice") or "")[:50]
    assert stop_words
    assert choice_words

    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(visit_path), "--lang", "en", "-o", str(sheet)]) == 0
    text = _pdf_words(sheet)
    assert one_sentence(words.language.handout.follow_up.decisions["hold"]) in text
    assert choice_words in text
    assert stop_words not in text
    # The hold's calendar ends on the review day on 3 mg: the 4.5 mg step is the review's to decide.
    assert re.search(r"(?<![\d.])3 mg", text)
    assert "3.0 mg" not in text
    assert "4.5 mg" not in text

    capsys.readouterr()
    result = review_json(visit_path, capsys)
    assert [r["rule_id"] for r in result["reasons"]] == [
        "followup_stop_severe_other",
        "followup_clinician_choice",
    ]
    assert result["patient_reasons"] == ["followup_clinician_choice"]
    assert run(["review", str(visit_path)]) == 0
    out = capsys.readouterr().out
    assert "[followup_stop_severe_other]" in out
    assert "On the patient's sheet: followup_clinician_choice" in out
    assert run(["note", str(visit_path)]) == 0
    note = " ".join(capsys.readouterr().out.split())
    assert "] followup_stop_severe_other: " in note
    assert "Reasons on the patient's sheet: followup_clinician_choice." in note


def test_a_stop_sheet_prints_no_keep_taking_words(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """stop_then_blank: "Keep taking the same dose" (an unasked safety item) under Stop."""
    visit_path = PHARM / "stop_then_blank.json"
    words = load_content("en")
    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(visit_path), "--lang", "en", "-o", str(sheet)]) == 0
    text = _pdf_words(sheet)
    assert one_sentence(words.language.sheets.followup.decisions["stop"]) in text
    unanswered = one_sentence(patient_text(words, "followup_safety_unanswered") or "")[:50]
    assert unanswered
    assert unanswered not in text
    capsys.readouterr()
    result = review_json(visit_path, capsys)
    assert result["decision"] == "stop"
    assert "followup_safety_unanswered" in [r["rule_id"] for r in result["reasons"]]
    severities = {r["rule_id"]: r["severity"] for r in result["reasons"]}
    assert result["patient_reasons"]
    assert all(severities[rule_id] == "stop" for rule_id in result["patient_reasons"])


@pytest.mark.parametrize("language", ["en", "es"])
def test_a_hold_sheet_for_unasked_safety_stays_on_its_dose_to_the_review_day(
    language: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """fu_blank_safety: the hold's calendar showed 3.0 mg from the review day."""
    visit_path = PHARM / "fu_blank_safety.json"
    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(visit_path), "--lang", language, "-o", str(sheet)]) == 0
    text = _pdf_words(sheet)
    assert ("1.5 mg" if language == "en" else "1,5 mg") in text  # the decimal comma in Spanish
    assert "3.0 mg" not in text
    assert "3,0 mg" not in text
    assert "2026-12-28" not in text


def test_the_opioid_wait_date_on_the_sheet_reads_like_its_header(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """READERS 8: the earliest date to start again was printed as an ISO date."""
    data = json.loads((PHARM / "stop_then_blank.json").read_text("utf-8"))
    data["follow_ups"] = data["follow_ups"][:1]
    visit_path = tmp_path / "opioid_stop.json"
    visit_path.write_text(json.dumps(data), "utf-8")
    decision = decide(load_visit(visit_path)).latest
    assert decision is not None
    wait = next(r for r in decision.reasons if r.rule_id == "followup_opioid_free_wait")
    until = wait.params["until"]
    for language, header in (("en", "Monday, December 14, 2026"), ("es", "lunes 14 de diciembre de 2026")):
        sheet = tmp_path / f"{language}.pdf"
        assert run(["followup-sheet", str(visit_path), "--lang", language, "-o", str(sheet)]) == 0
        text = _pdf_words(sheet)
        assert header in text
        assert until not in text
    # The clinician keeps the ISO date.
    capsys.readouterr()
    assert run(["review", str(visit_path)]) == 0
    assert until in capsys.readouterr().out


@pytest.mark.parametrize(("name", "taken"), [("above_cap", "6.0"), ("above_cap_150", "150.0")])
def test_a_dose_taken_above_the_cap_is_never_given_by_any_command(
    name: str, taken: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit_path = PHARM / f"{name}.json"
    assert run(["review", str(visit_path)]) == 0
    out = capsys.readouterr().out
    # Issue 11: the clinician's screen writes doses without a trailing zero too ("6 mg").
    written = taken.removesuffix(".0")
    assert f"dose taken {written} mg is above this patient's ceiling of 4.5 mg: an error to correct" in out
    assert f"{taken} mg" not in out
    assert "Next dose: 4.5 mg at bedtime." in out
    assert "[followup_dose_above_ceiling]" in out

    result = review_json(visit_path, capsys)
    assert result["next_dose_mg"] == 4.5
    assert all(step["dose_mg"] <= 4.5 for step in result["revised_steps"])
    (reason,) = [r for r in result["reasons"] if r["rule_id"] == "followup_dose_above_ceiling"]
    assert reason["params"] == {"dose_mg": taken.removesuffix(".0"), "ceiling_mg": "4.5"}
    assert "{" not in reason["text"]

    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(visit_path), "--lang", "en", "-o", str(sheet)]) == 0
    text = _pdf_words(sheet)
    assert f"({taken.removesuffix('.0')} mg)" in text
    assert "(4.5 mg)" in text
    assert f"{taken} mg" not in text
    assert "{" not in text

    capsys.readouterr()
    assert run(["note", str(visit_path)]) == 0
    note = " ".join(capsys.readouterr().out.split())
    # Issue 11: the note writes doses without a trailing zero ("6 mg").
    dose = taken.removesuffix(".0")
    above = f"Dose taken {dose} mg is above this patient's ceiling of 4.5 mg: an error to correct."
    assert above in note
    assert "Next: 4.5 mg (Bedtime)" in note

    assert run(["fhir", str(visit_path)]) == 0
    bundle = json.loads(capsys.readouterr().out)
    doses = [
        rate["doseQuantity"]["value"]
        for entry in bundle["entry"]
        if entry["resource"]["resourceType"] == "MedicationRequest"
        for dosage in entry["resource"]["dosageInstruction"]
        for rate in dosage["doseAndRate"]
    ]
    assert doses
    assert max(doses) <= 4.5


# ---- issue 11: the evidence sheet, and no PDF written over its visit file --------------------------


def _numbered_sources(visit_path: Path, language: str) -> list[tuple[int, str]]:
    """(number, citation) for each source the pack cites, numbered as the pack numbers them."""
    from ldn_aid.handout.compose import compose_for_visit

    visit = load_visit(visit_path)
    references = load_content(language).rules.references
    pack = compose_for_visit(visit, language)
    assert pack.cited, "the pack cites no source by number"
    return [(n, one_sentence(references[ref_id].citation)) for n, ref_id in enumerate(pack.cited, start=1)]


@pytest.mark.parametrize(
    "options",
    [["--lang", "en"], ["--lang", "es", "--large-print", "--paper", "a4"]],
    ids=["en-letter", "es-large-a4"],
)
def test_evidence_sheet_writes_the_numbered_sources_of_the_handout(
    options: list[str], tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit_path = PROJECT / "ldn_aid/resources/examples/ldn_option.json"
    out = tmp_path / "sources.pdf"
    assert run(["evidence-sheet", str(visit_path), "-o", str(out), *options]) == 0
    stdout, err = capsys.readouterr()
    assert stdout.strip() == f"wrote {out}"
    assert err == ""
    text = " ".join(pdf_text(out).split())
    language = options[1]
    assert load_content(language).language.pack.evidence_sheet.title in text
    for number, citation in _numbered_sources(visit_path, language):
        # Each under its pack number (the start of its citation; long ones wrap across lines).
        assert f"{number}. {citation[:30]}" in text, number


def test_evidence_sheet_for_a_refused_handout_exits_2_with_the_reason(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "old.pdf"
    out.write_bytes(b"the sources printed last time")
    assert run(["evidence-sheet", str(CASES / "D18_guideline_first.json"), "-o", str(out)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    reason = one_sentence(blocker_text(load_content("en"), "guideline_ack_missing"))
    assert err.splitlines() == [f"ldn-aid: evidence sheet not printed: {reason}"]
    assert out.read_bytes() == b"the sources printed last time"


def test_evidence_sheet_help_says_what_it_writes(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["evidence-sheet", "--help"]) == 0
    text = " ".join(capsys.readouterr().out.split())
    assert "under the number the handout gives it" in text
    for option in ("--lang", "--large-print", "--paper", "-o OUT.pdf"):
        assert option in text
    assert run(["--help"]) == 0
    assert "evidence-sheet" in capsys.readouterr().out


@pytest.mark.parametrize("command", ["handout", "evidence-sheet", "followup-sheet"])
@pytest.mark.parametrize("spelling", ["same", "dotted"])
def test_no_pdf_is_written_over_the_visit_file_it_reads(
    command: str, spelling: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    visit_path = tmp_path / "visit.json"
    visit_path.write_bytes((PROJECT / "ldn_aid/resources/examples/followup_advance.json").read_bytes())
    before = visit_path.read_bytes()
    out = visit_path if spelling == "same" else tmp_path / "sub" / ".." / "visit.json"
    (tmp_path / "sub").mkdir()
    assert run([command, str(visit_path), "-o", str(out)]) == 2
    stdout, err = capsys.readouterr()
    assert stdout == ""
    assert err.splitlines() == [
        f"ldn-aid: {out} is the visit file this command reads; give the output another name with -o"
    ]
    assert visit_path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["sub", "visit.json"]
