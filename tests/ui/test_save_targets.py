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


@pytest.mark.parametrize(("action", "visit_name"), [("save_note", "visit.txt"), ("fhir", "visit.json")])
def test_a_note_or_export_over_the_open_visit_is_refused_and_the_visit_kept(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path, action: str, visit_name: str
) -> None:
    # Named so the extension the save adds (.txt, .json) gives the open visit's own name.
    opened = tmp_path / visit_name
    shutil.copyfile(CASES / "ldn_option.json", opened)
    assert window.open_visit(opened)
    before = opened.read_bytes()
    dialog_log.save_paths.extend([opened, None])  # refused, then the dialog again: cancelled
    window.menu_actions[action].trigger()
    ((_title, message),) = dialog_log.errors
    assert message == (
        f"{visit_name} is the visit file LDN Aid is using, so nothing was saved. Choose another name."
    )
    assert "-o" not in message
    assert "--force" not in message
    assert opened.read_bytes() == before
    # Offered again on the suggested name, in the same folder: the name tried can never be used.
    assert Path(dialog_log.save_suggestions[-1]).parent == tmp_path
    assert Path(dialog_log.save_suggestions[-1]).name != visit_name
    assert dialog_log.replace_asked == []  # refused before any "Replace it?"


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
    dialog_log.save_paths.extend([visit, None])
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


@pytest.mark.parametrize("target", ["folder.txt", "fifo.txt"])
def test_a_folder_or_a_pipe_is_refused_before_anything_is_written(
    window: MainWindow, dialog_log: DialogLog, opened: Path, tmp_path: Path, target: str
) -> None:
    path = tmp_path / target
    if target == "folder.txt":
        path.mkdir()
    else:
        os.mkfifo(path)  # opening it to write would block for ever
    dialog_log.save_paths.extend([path, None])
    window.menu_actions["save_note"].trigger()
    ((_title, message),) = dialog_log.errors
    kind = "a folder" if target == "folder.txt" else "a pipe (FIFO)"
    assert message == f"{target} is {kind}, not a file, so nothing was saved. Choose a file name."
    assert path.is_dir() if target == "folder.txt" else stat.S_ISFIFO(os.stat(path).st_mode)


def test_a_name_typed_without_its_extension_is_asked_about_before_it_replaces_a_file(
    window: MainWindow, dialog_log: DialogLog, opened: Path, tmp_path: Path
) -> None:
    """Wizard walk, December 2026: Save visit as "other" replaced other.json without a question (Qt
    asked about "other" only; the app added .json afterwards)."""
    other = tmp_path / "other.json"
    other.write_text("another patient's visit", "utf-8")
    dialog_log.save_paths.extend([tmp_path / "other", None])
    dialog_log.replace_answers.append(False)  # No: choose another name, then cancel
    assert not window.save_visit_as()
    assert dialog_log.replace_asked == ["other.json"]
    assert other.read_text("utf-8") == "another patient's visit"
    assert dialog_log.save_suggestions[-1] == str(other)  # offered again on the name tried


def test_a_handout_named_without_pdf_asks_before_replacing_the_pdf(
    window: MainWindow, dialog_log: DialogLog, opened: Path, tmp_path: Path
) -> None:
    old = tmp_path / "old-handout.pdf"
    old.write_bytes(b"an earlier handout")
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    dialog_log.blank_phone_answers.append("anyway")
    dialog_log.save_paths.extend([tmp_path / "old-handout", None])
    dialog_log.replace_answers.append(False)
    page.save_button.click()
    assert dialog_log.replace_asked == ["old-handout.pdf"]
    assert old.read_bytes() == b"an earlier handout"


def test_the_file_dialog_starts_beside_the_open_visit(window: MainWindow, opened: Path) -> None:
    from ldn_aid.ui import dialogs

    assert dialogs._session_folder == opened.parent


def _print_to_file(monkeypatch: pytest.MonkeyPatch, path: Path) -> None:
    from PySide6.QtPrintSupport import QPrinter

    from ldn_aid.ui.pages.handout import HandoutPage

    def choose_file(_page: HandoutPage, printer: QPrinter) -> bool:
        printer.setOutputFormat(QPrinter.OutputFormat.PdfFormat)
        printer.setOutputFileName(str(path))
        return True

    monkeypatch.setattr(HandoutPage, "_ask_printer", choose_file)


def test_print_to_file_is_owner_only_and_never_over_the_open_visit(
    window: MainWindow, dialog_log: DialogLog, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The print dialog's "Print to file" is written by Qt with the usual mode (0644 under umask
    022); it holds the patient's name and plan, so it is made owner-only, and it is checked as a save
    is, so it cannot replace the visit file that is open."""
    visit = tmp_path / "visit.pdf"
    shutil.copyfile(CASES / "ldn_option.json", visit)
    before = visit.read_bytes()
    assert window.open_visit(visit)
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    assert page.pdf_bytes.startswith(b"%PDF")

    _print_to_file(monkeypatch, visit)
    dialog_log.blank_phone_answers.append("anyway")
    page.print_button.click()
    assert dialog_log.errors[-1] == (
        "Handout not printed",
        "visit.pdf is the visit file LDN Aid is using, so nothing was saved. Choose another name.",
    )
    assert visit.read_bytes() == before

    printed = tmp_path / "printed.pdf"
    _print_to_file(monkeypatch, printed)
    dialog_log.blank_phone_answers.append("anyway")
    old_umask = os.umask(0o022)
    try:
        page.print_button.click()
    finally:
        os.umask(old_umask)
    assert printed.read_bytes().startswith(b"%PDF")
    assert stat.S_IMODE(printed.stat().st_mode) == 0o600


def test_a_follow_up_sheet_is_suggested_under_its_review_date(window: MainWindow) -> None:
    """Re-walk, December 2026: the sheet for the review of 2026-12-28 was suggested as
    ldn-followup-sheet-2026-11-25.pdf, the first visit's date."""
    assert window.open_visit(CASES / "followup_advance.json")
    window.wizard.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    visit = window.state.visit
    assert visit is not None
    assert page.shown_kind() == "followup"
    assert page.suggested_file_name() == f"ldn-followup-sheet-{visit.follow_ups[-1].date.isoformat()}.pdf"
