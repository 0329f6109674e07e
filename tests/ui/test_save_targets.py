"""Red team D05 in the wizard: a chart note, a FHIR export or a PDF saved over the visit file that is
open destroyed the visit on disk; the visit could be saved over the clinic settings, a device or a
read-only file. The wizard now checks where it saves with the command line's own rules, says why in
its own words (no -o, no --force), and leaves every earlier file as it was."""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path

import pytest
from wizard_driver import DialogLog

from ldn_aid.settings import ClinicSettings, save_settings, settings_path
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId

CASES = Path(__file__).resolve().parent / "cases"


@pytest.fixture
def opened(window: MainWindow, tmp_path: Path) -> Path:
    visit = tmp_path / "visit.json"
    shutil.copyfile(CASES / "ldn_option.json", visit)
    assert window.open_visit(visit)
    return visit


@pytest.mark.parametrize("action", ["save_note", "fhir"])
def test_a_note_or_export_over_the_open_visit_is_refused_and_the_visit_kept(
    window: MainWindow, dialog_log: DialogLog, opened: Path, action: str
) -> None:
    before = opened.read_bytes()
    dialog_log.save_paths.append(opened)
    window.menu_actions[action].trigger()
    ((_title, message),) = dialog_log.errors
    assert (
        message == "visit.json is the visit file LDN Aid is using, so nothing was saved. Choose another name."
    )
    assert "-o" not in message
    assert "--force" not in message
    assert opened.read_bytes() == before


def test_a_handout_saved_over_the_open_visit_is_refused(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    # A visit file named like a PDF, so the page keeps the name chosen as it is.
    visit = tmp_path / "visit.pdf"
    shutil.copyfile(CASES / "ldn_option.json", visit)
    before = visit.read_bytes()
    assert window.open_visit(visit)
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    assert page.pdf_bytes.startswith(b"%PDF")
    dialog_log.blank_phone_answers.append("anyway")
    dialog_log.save_paths.append(visit)
    page.save_button.click()
    assert dialog_log.errors == [
        (
            "Handout not saved",
            "visit.pdf is the visit file LDN Aid is using, so nothing was saved. Choose another name.",
        )
    ]
    assert visit.read_bytes() == before
    assert "Saved" not in page.status.text()
    assert page.state.visit is not None
    assert page.state.visit.documents_given == ()  # nothing was given, so nothing is recorded


def test_the_visit_is_never_saved_over_the_clinic_settings(
    window: MainWindow, dialog_log: DialogLog, opened: Path
) -> None:
    save_settings(ClinicSettings(phone="555-0100"))
    before = settings_path().read_bytes()
    dialog_log.save_paths.extend([settings_path(), None])  # refused, then the dialog again: cancelled
    assert not window.save_visit_as()
    assert dialog_log.errors[0][1].startswith("clinic.json is the clinic settings file LDN Aid is using")
    assert settings_path().read_bytes() == before
    assert window.visit_path == opened  # still the file it came from


def test_a_read_only_visit_file_is_not_replaced_and_save_asks_for_another(
    window: MainWindow, dialog_log: DialogLog, opened: Path, tmp_path: Path
) -> None:
    """Read-only by its mode bits, so the check holds when the tests run as root too."""
    before = opened.read_bytes()
    window.state.set("patient.age_years", 31)
    opened.chmod(stat.S_IRUSR)
    other = tmp_path / "copy.json"
    dialog_log.save_paths.append(other)  # asked for another name after the refusal
    assert window.save_visit()
    assert dialog_log.errors[0] == (
        "Cannot save visit",
        "visit.json is read-only, so nothing was saved. Choose another name, or make the file writable.",
    )
    assert opened.read_bytes() == before
    assert b'"age_years": 31' in other.read_bytes()
    assert stat.S_IMODE(os.stat(other).st_mode) == 0o600
    assert window.visit_path == other


@pytest.mark.parametrize("target", ["folder", "fifo"])
def test_a_folder_or_a_pipe_is_refused_before_anything_is_written(
    window: MainWindow, dialog_log: DialogLog, opened: Path, tmp_path: Path, target: str
) -> None:
    path = tmp_path / target
    if target == "folder":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening it to write would block for ever
    dialog_log.save_paths.append(path)
    window.menu_actions["save_note"].trigger()
    ((_title, message),) = dialog_log.errors
    assert "not a file" in message
    assert message.endswith("Nothing was saved.")
    assert path.is_dir() if target == "folder" else stat.S_ISFIFO(os.stat(path).st_mode)
