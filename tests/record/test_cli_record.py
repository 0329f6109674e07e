"""`ldn-aid note` and `ldn-aid fhir` through the real `ldn-aid` parser and `cli.main` error handling."""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import stat
from pathlib import Path

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.questionnaire import Questionnaire

from ldn_aid import cli
from ldn_aid.cli_record import add_record_commands
from ldn_aid.settings import ClinicSettings, save_settings

PROJECT = Path(__file__).resolve().parents[2]
LDN_OPTION = PROJECT / "ldn_aid" / "resources" / "examples" / "ldn_option.json"
FOLLOW_UPS = PROJECT / "ldn_aid" / "resources" / "examples" / "followup_stop.json"
BUILD_PARSER = cli.build_parser


def record_parser() -> argparse.ArgumentParser:
    """cli.build_parser() with the record commands (added here until cli.py adds them itself)."""
    parser = BUILD_PARSER()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    if "note" not in commands.choices:
        add_record_commands(commands)
    return parser


@pytest.fixture(autouse=True)
def with_record_commands(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(cli, "build_parser", record_parser)


def run(argv: list[str]) -> int:
    try:
        return cli.main(argv)
    except SystemExit as stop:
        return stop.code if isinstance(stop.code, int) else 1


def handout_sha256(tmp_path: Path, visit: Path, *options: str) -> str:
    pdf = tmp_path / "handout.pdf"
    assert run(["handout", str(visit), "-o", str(pdf), *options]) == 0
    return hashlib.sha256(pdf.read_bytes()).hexdigest()


# ---- note ---------------------------------------------------------------------------------------


def test_note_prints_the_note(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["note", str(LDN_OPTION)]) == 0
    out, err = capsys.readouterr()
    assert err == ""
    assert out.startswith("LDN Aid ")
    assert "OUTCOME: ldn_option" in out
    assert "Alex Example" not in out
    assert all(len(line) <= 100 for line in out.splitlines())
    # The hash is that of the PDF `ldn-aid handout` writes with the same options.
    assert f"PDF SHA-256: {handout_sha256(tmp_path, LDN_OPTION)}" in out


@pytest.mark.parametrize(
    "options", [["--lang", "es"], ["--large-print"], ["--paper", "a4"], ["--lang", "es", "--paper", "a4"]]
)
def test_note_options_are_the_handout_options(
    options: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    assert run(["note", str(LDN_OPTION), *options]) == 0
    out = capsys.readouterr().out
    assert f"PDF SHA-256: {handout_sha256(tmp_path, LDN_OPTION, *options)}" in out
    given = out[out.index("GIVEN TO THE PATIENT") :]
    assert ("Español" if "es" in options else "English") in given
    assert ("large print: yes" if "--large-print" in options else "large print: no") in given
    assert ("paper: a4" if "a4" in options else "paper: letter") in given


def test_note_uses_the_clinic_settings(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    save_settings(ClinicSettings(clinic_name="Harbour Clinic", phone="555 0100", default_paper="a4"))
    assert run(["note", str(LDN_OPTION)]) == 0
    out = capsys.readouterr().out
    assert "paper: a4" in out
    assert f"PDF SHA-256: {handout_sha256(tmp_path, LDN_OPTION)}" in out


def test_note_writes_a_private_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "note.txt"
    assert run(["note", str(FOLLOW_UPS), "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    text = target.read_text("utf-8")
    assert "FOLLOW-UP REVIEWS (3)" in text
    assert text.endswith("\n")
    assert not text.endswith("\n\n")
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    # Printing and writing give the same note.
    assert run(["note", str(FOLLOW_UPS)]) == 0
    assert capsys.readouterr().out == text


def test_note_records_the_follow_up_sheet(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["note", str(FOLLOW_UPS), "--paper", "a4"]) == 0
    out = capsys.readouterr().out
    sheet = tmp_path / "sheet.pdf"
    assert run(["followup-sheet", str(FOLLOW_UPS), "-o", str(sheet), "--paper", "a4"]) == 0
    digest = hashlib.sha256(sheet.read_bytes()).hexdigest()
    given = out[out.index("GIVEN TO THE PATIENT") :]
    assert "Follow-up sheet (2027-02-23)" in given
    assert f"PDF SHA-256: {digest}" in given
    assert f"PDF SHA-256: {handout_sha256(tmp_path, FOLLOW_UPS, '--paper', 'a4')}" in given


# ---- fhir ---------------------------------------------------------------------------------------


def test_fhir_questionnaire_to_stdout_and_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run(["fhir", "questionnaire"]) == 0
    printed = capsys.readouterr().out
    parsed = Questionnaire.model_validate_json(printed)
    assert parsed.url == "urn:ldn-aid:questionnaire:visit/1"

    target = tmp_path / "q.json"
    assert run(["fhir", "questionnaire", "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    assert target.read_text("utf-8") == printed


def test_fhir_visit_bundle(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "b.json"
    assert run(["fhir", str(FOLLOW_UPS), "-o", str(target)]) == 0
    assert capsys.readouterr().out.strip() == f"wrote {target}"
    bundle = Bundle.model_validate_json(target.read_text("utf-8"))
    assert [entry.resource.get_resource_type() for entry in bundle.entry] == [
        "QuestionnaireResponse",
        "MedicationRequest",
        *["QuestionnaireResponse"] * 3,
    ]
    assert "Alex Example" not in target.read_text("utf-8")
    if os.name == "posix":
        assert stat.S_IMODE(target.stat().st_mode) == 0o600
    assert run(["fhir", str(FOLLOW_UPS)]) == 0
    assert capsys.readouterr().out == target.read_text("utf-8")


def test_a_visit_file_named_questionnaire(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("questionnaire").write_bytes(LDN_OPTION.read_bytes())
    assert run(["fhir", "./questionnaire"]) == 0
    assert json.loads(capsys.readouterr().out)["resourceType"] == "Bundle"


# ---- errors: one line, exit 2 -------------------------------------------------------------------


@pytest.mark.parametrize("command", ["note", "fhir"])
def test_missing_visit_file(command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run([command, str(tmp_path / "nope.json")]) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err.startswith("ldn-aid: no such visit file")
    assert err.count("\n") == 1


@pytest.mark.parametrize("command", ["note", "fhir"])
def test_invalid_visit_file(command: str, capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text('{"visit_date": "2026-01-05", "patient": {"age_years": 300}}', "utf-8")
    assert run([command, str(bad)]) == 2
    err = capsys.readouterr().err
    assert "patient.age_years" in err
    assert err.count("\n") == 1


@pytest.mark.parametrize("argv", [["note", str(LDN_OPTION)], ["fhir", "questionnaire"]])
def test_unwritable_output(argv: list[str], capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    assert run([*argv, "-o", str(tmp_path / "missing" / "out.txt")]) == 2
    err = capsys.readouterr().err
    assert err.startswith("ldn-aid: cannot save")
    assert err.count("\n") == 1


def test_bad_arguments_are_usage_errors(capsys: pytest.CaptureFixture[str]) -> None:
    assert run(["fhir"]) == 2
    assert run(["note", str(LDN_OPTION), "--lang", "fr"]) == 2
    assert "usage:" in capsys.readouterr().err


def test_record_commands_are_added_once() -> None:
    parser = record_parser()
    commands = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    assert {"note", "fhir"} <= set(commands.choices)
