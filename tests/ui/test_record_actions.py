"""File menu: Copy chart note, Save chart note… and Export FHIR… give exactly what the command line gives."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QGuiApplication
from wizard_driver import DialogLog

from ldn_aid.cli import main
from ldn_aid.paths import resource_path
from ldn_aid.rules import decide
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.visit_file import load_visit


@pytest.mark.parametrize("example", ["guideline_first", "followup_stop"])
def test_chart_note_matches_the_command_line(
    window: MainWindow,
    dialog_log: DialogLog,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    example: str,
) -> None:
    """Issue 10: the wizard's note lists the documents given, so it matches `ldn-aid note` run on the
    visit file the wizard saved after saving the sheet (the note never re-renders)."""
    visit_path = resource_path(f"examples/{example}.json")
    assert window.open_visit(visit_path)
    gate_allows = decide(load_visit(visit_path)).handout_gate.allowed
    if gate_allows:
        assert window.wizard.go_to(PageId.HANDOUT)
        page = window.wizard.handout_page
        dialog_log.blank_phone_answers.append("anyway")  # the test clinic has no phone
        dialog_log.save_paths.append(tmp_path / "handout.pdf")
        page.save_button.click()
    saved = tmp_path / "visit.json"
    dialog_log.save_paths.append(saved)
    assert window.save_visit_as()
    assert main(["note", str(saved)]) == 0
    expected = capsys.readouterr().out.rstrip("\n")
    assert window.menu_actions["copy_note"].isEnabled()
    window.menu_actions["copy_note"].trigger()
    assert QGuiApplication.clipboard().text() == expected
    # The handout's hash is in the note only when the core's gate lets the handout be given.
    assert ("PDF SHA-256:" in expected) == gate_allows
    target = tmp_path / "note.txt"
    dialog_log.save_paths.append(target)
    window.menu_actions["save_note"].trigger()
    assert target.read_text("utf-8") == expected + "\n"
    assert oct(target.stat().st_mode & 0o777) == oct(0o600)
    assert dialog_log.errors == []


def test_chart_note_records_the_handout_options_chosen_on_the_page(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    visit_path = resource_path("examples/ldn_option.json")
    assert window.open_visit(visit_path)
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    page.language.setCurrentIndex(page.language.findData("es"))
    page.large_print.setChecked(True)
    note = window.chart_note()
    assert note is not None
    # Nothing was given yet: the note says so instead of hashing a render nobody printed.
    assert "Handout: not printed or saved yet." in note
    assert "PDF SHA-256" not in note
    dialog_log.blank_phone_answers.append("anyway")  # the test clinic has no phone
    dialog_log.save_paths.append(tmp_path / "handout.pdf")
    page.save_button.click()
    note = window.chart_note()
    assert note is not None
    assert "Handout for 2026-11-25: Español; large print: yes; paper: letter" in note


def test_fhir_export_matches_the_command_line(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    visit_path = resource_path("examples/followup_advance.json")
    assert window.open_visit(visit_path)
    ours = tmp_path / "wizard.json"
    dialog_log.save_paths.append(ours)
    window.menu_actions["fhir"].trigger()
    cli = tmp_path / "cli.json"
    assert main(["fhir", str(visit_path), "-o", str(cli)]) == 0
    assert ours.read_bytes() == cli.read_bytes()
    assert b'"resourceType": "Bundle"' in ours.read_bytes()


def test_record_actions_refuse_an_invalid_visit(window: MainWindow, dialog_log: DialogLog) -> None:
    window.state.set("patient.age_years", 500)
    window.menu_actions["copy_note"].trigger()
    window.menu_actions["fhir"].trigger()
    assert [title for title, _ in dialog_log.errors] == ["No chart note yet", "Cannot export yet"]
