"""The File menu (new, open, save as, quit), clinic settings and crash handling of the main window."""

from __future__ import annotations

import io
import json
import os
import stat
import sys
from pathlib import Path

import pdfplumber
import pytest
from PySide6.QtCore import Qt, QTimer
from pytestqt.qtbot import QtBot
from wizard_driver import LDN_OPTION, VISIT_DATE, DialogLog, WizardDriver

from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.logs import setup_logging
from ldn_aid.settings import ClinicSettings, load_settings
from ldn_aid.ui.errors import install_excepthook
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.ids import PageId
from ldn_aid.visit_file import load_visit, visit_json

# A made-up patient name: it must never reach the settings file, the crash dialog or the log.
SENTINEL = "Zebulon Quixworth-Sentinel"


def give_some_answers(driver: WizardDriver) -> None:
    driver.answer("patient.display_name", SENTINEL)
    driver.answer("patient.age_years", 40)
    driver.answer("patient.weight_kg", 70)


# ---- New visit ------------------------------------------------------------------------------------


def test_new_visit_with_unsaved_changes_asks_before_clearing(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, qtbot: QtBot
) -> None:
    give_some_answers(driver)
    driver.next()
    assert window.windowTitle() == "LDN Aid *"

    dialog_log.discard_answers.append(False)  # "Cancel": keep everything
    window.menu_actions["new"].trigger()
    assert dialog_log.discard_asked == 1
    assert driver.page_id == PageId.DIAGNOSIS
    assert driver.state.get("patient.display_name") == SENTINEL
    assert driver.field("patient.age_years").edit.text() == "40"
    assert window.windowTitle() == "LDN Aid *"

    dialog_log.discard_answers.append(True)  # "Discard", this time by its shortcut (Ctrl+N)
    qtbot.keyClick(
        driver.field("diagnosis.adhd_confirmed").combo, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier
    )
    assert dialog_log.discard_asked == 2
    assert driver.page_id == PageId.PATIENT
    for path in ("patient.display_name", "patient.age_years", "patient.weight_kg"):
        assert driver.state.get(path) is None
        assert driver.field(path).edit.text() == ""
    assert driver.state.visit is not None
    assert not driver.state.has_unsaved_changes
    assert window.windowTitle() == "LDN Aid"

    window.menu_actions["new"].trigger()  # nothing to lose: not asked again
    assert dialog_log.discard_asked == 2


# ---- Open visit -----------------------------------------------------------------------------------

CASES = Path(__file__).parent / "cases"
EXAMPLES = Path(__file__).resolve().parents[2] / "ldn_aid" / "resources" / "examples"
VALID = json.loads((EXAMPLES / "ldn_option.json").read_text("utf-8"))


def write(path: Path, data: bytes) -> Path:
    path.write_bytes(data)
    return path


BROKEN_FILES = {
    "invalid-json": (
        lambda tmp: write(tmp / "v.json", b'{"format": "ldn-aid.visit/1", "visit_date": '),
        "not valid JSON",
    ),
    "not-utf8": (lambda tmp: write(tmp / "v.json", b"\xff\xfe\x00\x81garbage"), "not UTF-8"),
    "deeply-nested": (
        lambda tmp: write(tmp / "v.json", b"[" * 200_000 + b"]" * 200_000),
        "nested too deeply",
    ),
    "too-large": (lambda tmp: write(tmp / "v.json", b" " * 2_000_000 + b"{}"), "too large"),
    "duplicate-key": (
        lambda tmp: write(tmp / "v.json", b'{"visit_date": "2026-01-01", "visit_date": "2027-01-01"}'),
        "appears twice",
    ),
    "unknown-field": (
        lambda tmp: write(
            tmp / "v.json",
            json.dumps({**VALID, "patient": {**VALID["patient"], "<script>alert(1)</script>": 1}}).encode(),
        ),
        "unknown field",
    ),
    "wrong-type": (
        lambda tmp: write(tmp / "v.json", json.dumps({**VALID, "patient": {"age_years": "34"}}).encode()),
        "patient.age_years",
    ),
    "missing": (lambda tmp: tmp / "no-such-visit.json", "No such visit file"),
    "a-folder": (lambda tmp: tmp, "is a folder"),
}


@pytest.mark.parametrize("kind", list(BROKEN_FILES))
def test_open_a_broken_visit_shows_one_clear_line_and_keeps_the_answers(
    kind: str, window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    make, expected = BROKEN_FILES[kind]
    give_some_answers(driver)
    before = driver.state.data
    dialog_log.discard_answers.append(True)
    dialog_log.open_paths.append(make(tmp_path))

    window.menu_actions["open"].trigger()

    assert dialog_log.discard_asked == 1
    assert len(dialog_log.errors) == 1
    title, message = dialog_log.errors[0]
    assert title == "Cannot open visit"
    assert expected in message
    assert "\n" not in message
    assert len(message) < 400
    assert "Traceback" not in message
    # Nothing was replaced, and the window goes on working.
    assert driver.state.data == before
    assert driver.field("patient.display_name").edit.text() == SENTINEL
    assert driver.state.has_unsaved_changes
    driver.answer("patient.weight_kg", 71)
    assert driver.state.get("patient.weight_kg") == 71
    driver.next()


def test_open_a_saved_visit_shows_its_answers(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    dialog_log.open_paths.append(EXAMPLES / "stop.json")
    window.menu_actions["open"].trigger()
    assert dialog_log.errors == []
    assert dialog_log.discard_asked == 0  # nothing unsaved to lose
    assert driver.state.visit == load_visit(EXAMPLES / "stop.json")
    assert driver.field("patient.display_name").edit.text() == "Sam Example"
    assert driver.field("patient.weight_kg").edit.text() == "88"
    assert driver.wizard.outcome_panel.banner.text().startswith("STOP")
    assert window.windowTitle() == "LDN Aid — stop.json"

    dialog_log.open_paths.append(None)  # the clinician cancels the file dialog
    window.menu_actions["open"].trigger()
    assert driver.state.visit == load_visit(EXAMPLES / "stop.json")


def test_opening_a_format_1_visit_says_once_that_it_was_migrated(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    dialog_log.open_paths.append(CASES / "format1_followup.json")
    window.menu_actions["open"].trigger()
    assert dialog_log.errors == []
    assert len(dialog_log.infos) == 1
    title, message = dialog_log.infos[0]
    assert title == "Older visit file"
    assert "format 1" in message
    assert driver.state.visit is not None
    assert driver.state.visit.format == "ldn-aid.visit/2"
    # Opening a current file says nothing.
    dialog_log.open_paths.append(CASES / "ldn_option.json")
    window.menu_actions["open"].trigger()
    assert len(dialog_log.infos) == 1


# ---- Closing --------------------------------------------------------------------------------------


def test_closing_with_unsaved_changes_asks(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    driver.answer("patient.age_years", 40)
    dialog_log.discard_answers.append(False)
    assert not window.close()
    assert window.isVisible()
    assert driver.state.get("patient.age_years") == 40

    dialog_log.discard_answers.append(True)
    assert window.close()
    assert not window.isVisible()
    assert dialog_log.discard_asked == 2


def test_closing_a_saved_visit_does_not_ask(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    driver.answer("patient.age_years", 40)
    dialog_log.save_paths.append(tmp_path / "visit.json")
    window.menu_actions["save"].trigger()
    assert window.close()
    assert dialog_log.discard_asked == 0


# ---- Save visit as… -------------------------------------------------------------------------------


def test_save_into_a_read_only_folder_shows_an_error_and_leaves_no_file(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    folder = tmp_path / "locked"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as a user (root) who can write into a read-only folder")
        give_some_answers(driver)
        # After the error the dialog opens again; the clinician cancels it.
        dialog_log.save_paths.extend([folder / "visit.json", None])
        window.menu_actions["save"].trigger()
        assert len(dialog_log.save_suggestions) == 2
        assert len(dialog_log.errors) == 1
        title, message = dialog_log.errors[0]
        assert title == "Cannot save visit"
        assert "no permission" in message
        assert "\n" not in message
        assert list(folder.iterdir()) == []
        assert driver.state.has_unsaved_changes
        assert window.windowTitle() == "LDN Aid *"
    finally:
        folder.chmod(0o700)


def test_save_into_a_missing_folder_shows_an_error_and_creates_nothing(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    give_some_answers(driver)
    dialog_log.save_paths.append(tmp_path / "gone" / "deeper" / "visit.json")
    dialog_log.save_paths.append(None)  # the dialog is offered again; cancelled this time
    window.menu_actions["save"].trigger()
    assert len(dialog_log.errors) == 1
    title, message = dialog_log.errors[0]
    assert title == "Cannot save visit"
    assert "does not exist" in message
    assert "\n" not in message
    assert list(tmp_path.iterdir()) == []
    assert driver.state.has_unsaved_changes

    # The app is still usable: after the error the dialog opens again, a good folder works, and the
    # visit is then saved.
    dialog_log.save_paths.extend([tmp_path / "gone" / "visit.json", tmp_path / "visit.json"])
    window.menu_actions["save"].trigger()
    assert len(dialog_log.errors) == 2
    assert dialog_log.save_suggestions[-1] == "visit.json"  # offered again with the name tried
    assert (tmp_path / "visit.json").read_text("utf-8") == visit_json(driver.state.visit)
    assert not driver.state.has_unsaved_changes


def test_a_write_that_fails_halfway_shows_an_error_and_leaves_no_file(
    window: MainWindow,
    driver: WizardDriver,
    dialog_log: DialogLog,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The disk refuses the final rename (full, or a folder locked meanwhile): no temporary file is left,
    and an earlier file of that name is untouched. Runs as root too, unlike the read-only folder."""
    give_some_answers(driver)
    target = tmp_path / "visit.json"
    target.write_text("earlier", "utf-8")

    def refuse(_src: object, _dst: object) -> None:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("ldn_aid.atomic.os.replace", refuse)
    dialog_log.save_paths.extend([target, None])  # then cancels the dialog offered again
    dialog_log.replace_answers.append(True)  # "visit.json already exists. Replace it?"
    window.menu_actions["save"].trigger()
    assert len(dialog_log.errors) == 1
    assert dialog_log.errors[0][0] == "Cannot save visit"
    assert "Permission denied" in dialog_log.errors[0][1]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["visit.json"]
    assert target.read_text("utf-8") == "earlier"
    assert driver.state.has_unsaved_changes


def test_save_is_refused_while_a_value_is_out_of_range_and_cancel_writes_nothing(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    driver.type_into("patient.age_years", "130")
    window.menu_actions["save"].trigger()
    # The message names the question to fix.
    assert dialog_log.errors == [
        ("Cannot save yet", "“Age (years)” is out of range or not a number: fix it first.")
    ]
    assert dialog_log.save_suggestions == []  # no file dialog for a visit that cannot be saved

    driver.type_into("patient.age_years", "30")
    dialog_log.save_paths.append(None)  # cancelled
    window.menu_actions["save"].trigger()
    assert list(tmp_path.iterdir()) == []
    assert driver.state.has_unsaved_changes


# ---- Clinic settings ------------------------------------------------------------------------------

CLINIC = ClinicSettings(
    clinic_name="Riverside Family Clinic",
    phone="555-0100",
    after_hours_phone="555-0199",
    prescriber_name="Dr Ada Okafor",
    default_language="en",
    default_paper="a4",
)


def test_clinic_settings_are_stored_without_patient_data_and_printed_on_the_handout(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, qtbot: QtBot
) -> None:
    config = Path(os.environ["LDN_AID_CONFIG_DIR"])
    driver.fill({**LDN_OPTION, "patient.display_name": SENTINEL}, stop_at=PageId.ASSESSMENT)

    dialog_log.settings_answers.append(None)  # cancelled: nothing written
    window.menu_actions["settings"].trigger()
    assert dialog_log.settings_shown == [ClinicSettings()]
    assert not (config / "clinic.json").exists()

    dialog_log.settings_answers.append(CLINIC)
    window.menu_actions["settings"].trigger()
    stored = config / "clinic.json"
    assert stored.is_file()
    assert json.loads(stored.read_text("utf-8")) == CLINIC.model_dump()
    assert load_settings() == CLINIC
    for written in config.rglob("*"):
        if written.is_file():
            text = written.read_bytes()
            assert SENTINEL.encode() not in text
            assert b"Quixworth" not in text
            assert b"72.5" not in text  # nor any answer
    assert dialog_log.errors == []
    # The settings dialog opens with what is stored.
    dialog_log.settings_answers.append(None)
    window.menu_actions["settings"].trigger()
    assert dialog_log.settings_shown[-1] == CLINIC

    # The handout now prints the clinic, on the clinic's paper.
    driver.go_to(PageId.HANDOUT)
    page = window.wizard.handout_page
    qtbot.waitUntil(lambda: page.pdf_bytes.startswith(b"%PDF"), timeout=5000)
    assert page.selected_paper() == "a4"
    assert page.clinic == CLINIC
    assert driver.state.visit is not None
    model_json = compose_for_visit(driver.state.visit, "en", load_settings()).model_dump_json()
    assert "Riverside Family Clinic" in model_json
    with pdfplumber.open(io.BytesIO(page.pdf_bytes)) as pdf:
        # The header (first page) and the wallet card (the last pages) carry the clinic's details.
        text = "\n".join(p.extract_text() or "" for p in (pdf.pages[0], *pdf.pages[-3:]))
        width = pdf.pages[0].width
    assert "Riverside Family Clinic" in text
    assert "555-0100" in text
    assert "555-0199" in text
    assert "Dr Ada Okafor" in text
    assert SENTINEL in text  # the handout is for the patient, so it does carry the name
    assert round(width) == 595  # A4, 210 mm


def test_default_language_from_clinic_settings_starts_each_new_visit(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    dialog_log.settings_answers.append(ClinicSettings(default_language="es"))
    window.menu_actions["settings"].trigger()
    window.menu_actions["new"].trigger()
    assert dialog_log.discard_asked == 0
    assert driver.state.get("patient.handout_language") == "es"
    assert driver.field("patient.handout_language").combo.currentData() == "es"
    assert not driver.state.has_unsaved_changes  # a default is not an unsaved answer


# ---- Unexpected errors -----------------------------------------------------------------------------


def raise_with_patient_data(name: str) -> None:
    try:
        raise KeyError(name)
    except KeyError as exc:
        raise ValueError(f"could not print the handout for {name}") from exc


def test_an_unexpected_error_is_shown_and_logged_without_patient_data(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    log_file = setup_logging()
    assert log_file is not None
    assert log_file.parent == Path(os.environ["LDN_AID_LOG_DIR"])
    previous_hook = sys.excepthook
    try:
        install_excepthook(window)
        give_some_answers(driver)
        try:
            raise_with_patient_data(SENTINEL)
        except ValueError:
            sys.excepthook(*sys.exc_info())
    finally:
        sys.excepthook = previous_hook

    assert len(dialog_log.crash_details) == 1
    details = dialog_log.crash_details[0]
    assert "builtins.ValueError" in details
    assert "caused by builtins.KeyError" in details
    assert "raise_with_patient_data" in details  # where it happened
    assert SENTINEL not in details
    assert "Quixworth" not in details
    log_text = log_file.read_text("utf-8")
    assert "unexpected error" in log_text
    assert "builtins.ValueError" in log_text
    assert "Quixworth" not in log_text

    # The window still works, with the answers given before the error.
    assert window.isVisible()
    assert driver.state.get("patient.display_name") == SENTINEL
    driver.answer("patient.sex_at_birth", "female")
    driver.next()
    assert driver.page_id == PageId.DIAGNOSIS


@pytest.mark.qt_no_exception_capture
def test_an_error_raised_in_a_qt_slot_reaches_the_crash_dialog(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, qtbot: QtBot
) -> None:
    setup_logging()
    previous_hook = sys.excepthook
    try:
        install_excepthook(window)
        QTimer.singleShot(0, lambda: raise_with_patient_data(SENTINEL))
        qtbot.waitUntil(lambda: len(dialog_log.crash_details) == 1, timeout=2000)
    finally:
        sys.excepthook = previous_hook
    assert SENTINEL not in dialog_log.crash_details[0]
    driver.answer("patient.age_years", 33)
    assert driver.state.get("patient.age_years") == 33


def test_saved_visit_is_owner_only_and_named_without_the_patient(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    give_some_answers(driver)
    dialog_log.save_paths.append(tmp_path / "chosen.JSON")
    window.menu_actions["save"].trigger()
    saved = tmp_path / "chosen.JSON"
    assert stat.S_IMODE(saved.stat().st_mode) == 0o600
    assert dialog_log.save_suggestions == [f"visit-{VISIT_DATE}.json"]
    assert SENTINEL not in dialog_log.save_suggestions[0]
