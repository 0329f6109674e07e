"""Files, as issue 10 asks: Save (Ctrl+S) to the visit's own file and Save as (Ctrl+Shift+S), Save /
Discard / Cancel before losing changes, a title naming the file, plain error lines, file dialogs that
keep no history on disk, and `make run`'s check of the Qt platform plugin."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox
from pytestqt.qtbot import QtBot
from wizard_driver import VISIT_DATE, DialogLog, WizardDriver

from ldn_aid.ui import dialogs
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.visit_file import load_visit, visit_json

EXAMPLES = Path(__file__).resolve().parents[2] / "ldn_aid" / "resources" / "examples"
PATIENT = "Zebulon Quixworth"


def ctrl(window: MainWindow, qtbot: QtBot, key: Qt.Key, *, shift: bool = False) -> None:
    """A menu shortcut pressed on the focused widget, as a clinician presses it."""
    modifiers = Qt.KeyboardModifier.ControlModifier
    if shift:
        modifiers |= Qt.KeyboardModifier.ShiftModifier
    qtbot.keyClick(QApplication.focusWidget() or window, key, modifiers)


# ---- Save and Save as -------------------------------------------------------------------------


def test_ctrl_s_saves_an_opened_visit_to_its_own_file_without_asking(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, qtbot: QtBot, tmp_path: Path
) -> None:
    opened = tmp_path / "visit.json"
    opened.write_bytes((EXAMPLES / "ldn_option.json").read_bytes())
    dialog_log.open_paths.append(opened)
    window.menu_actions["open"].trigger()
    assert window.windowTitle() == "LDN Aid — visit.json"
    driver.answer("patient.weight_kg", 73)
    assert window.windowTitle() == "LDN Aid — visit.json *"

    ctrl(window, qtbot, Qt.Key.Key_S)  # no path queued: a file dialog would fail the test
    assert dialog_log.save_suggestions == []
    assert load_visit(opened).patient.weight_kg == 73
    assert not driver.state.has_unsaved_changes
    assert window.windowTitle() == "LDN Aid — visit.json"

    # Ctrl+Shift+S asks, offering the current name; the visit then belongs to the new file.
    other = tmp_path / "copy.json"
    dialog_log.save_paths.append(other)
    ctrl(window, qtbot, Qt.Key.Key_S, shift=True)
    assert dialog_log.save_suggestions == ["visit.json"]
    assert other.read_text("utf-8") == visit_json(driver.state.visit)
    assert window.windowTitle() == "LDN Aid — copy.json"
    driver.answer("patient.weight_kg", 74)
    ctrl(window, qtbot, Qt.Key.Key_S)
    assert load_visit(other).patient.weight_kg == 74
    assert load_visit(opened).patient.weight_kg == 73
    assert len(dialog_log.save_suggestions) == 1


def test_the_first_save_asks_once_and_the_title_never_shows_the_patient(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, qtbot: QtBot, tmp_path: Path
) -> None:
    driver.answer("patient.display_name", PATIENT)
    assert window.windowTitle() == "LDN Aid *"
    dialog_log.save_paths.append(tmp_path / "first")
    ctrl(window, qtbot, Qt.Key.Key_S)
    assert dialog_log.save_suggestions == [f"visit-{VISIT_DATE}.json"]
    assert (tmp_path / "first.json").is_file()
    assert window.windowTitle() == "LDN Aid — first.json"
    driver.answer("patient.age_years", 40)
    ctrl(window, qtbot, Qt.Key.Key_S)
    assert len(dialog_log.save_suggestions) == 1  # asked only the first time
    assert load_visit(tmp_path / "first.json").patient.age_years == 40
    assert "Quixworth" not in window.windowTitle()
    # A new visit has no file: the next Save asks again.
    window.menu_actions["new"].trigger()
    assert window.windowTitle() == "LDN Aid"
    driver.answer("patient.age_years", 50)
    dialog_log.save_paths.append(None)
    ctrl(window, qtbot, Qt.Key.Key_S)
    assert len(dialog_log.save_suggestions) == 2
    assert load_visit(tmp_path / "first.json").patient.age_years == 40


def test_a_failed_save_to_the_visits_own_file_offers_the_dialog(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    folder = tmp_path / "gone"
    folder.mkdir()
    dialog_log.save_paths.append(folder / "visit.json")
    driver.answer("patient.age_years", 40)
    window.menu_actions["save"].trigger()
    (folder / "visit.json").unlink()
    folder.rmdir()  # the folder went away (a USB stick pulled out)
    driver.answer("patient.age_years", 41)
    dialog_log.save_paths.append(tmp_path / "here.json")
    window.menu_actions["save"].trigger()
    assert [title for title, _ in dialog_log.errors] == ["Cannot save visit"]
    assert dialog_log.errors[0][1].startswith("Cannot save ")
    assert dialog_log.save_suggestions[-1] == "visit.json"
    assert load_visit(tmp_path / "here.json").patient.age_years == 41
    assert window.windowTitle() == "LDN Aid — here.json"


# ---- Save / Discard / Cancel --------------------------------------------------------------------


def test_save_in_the_unsaved_changes_dialog_saves_then_goes_on(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog, tmp_path: Path
) -> None:
    driver.answer("patient.age_years", 40)
    dialog_log.discard_answers.append("save")
    dialog_log.save_paths.append(None)  # the save dialog is cancelled: nothing is lost
    window.menu_actions["new"].trigger()
    assert driver.state.get("patient.age_years") == 40
    assert driver.state.has_unsaved_changes

    dialog_log.discard_answers.append("save")
    dialog_log.save_paths.append(tmp_path / "kept.json")
    window.menu_actions["new"].trigger()
    assert load_visit(tmp_path / "kept.json").patient.age_years == 40
    assert driver.state.get("patient.age_years") is None  # then the new visit started
    assert window.windowTitle() == "LDN Aid"

    driver.answer("patient.age_years", 50)
    dialog_log.discard_answers.append("cancel")
    assert not window.close()
    dialog_log.discard_answers.append("discard")
    assert window.close()


def test_save_in_the_unsaved_changes_dialog_does_not_go_on_when_the_visit_cannot_be_saved(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    driver.type_into("patient.age_years", "130")
    dialog_log.discard_answers.append("save")
    window.menu_actions["new"].trigger()
    assert [title for title, _ in dialog_log.errors] == ["Cannot save yet"]
    assert driver.field("patient.age_years").edit.text() == "130"


def answer_message_box(qtbot: QtBot, press: Qt.Key | str) -> None:
    """When the real message box opens, press a key (or click the button with that text)."""

    tries = [0]

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            tries[0] += 1
            if tries[0] < 500:  # give up after about 5 s (no dialog opened)
                QTimer.singleShot(10, answer)
            return
        if isinstance(press, str):
            (button,) = [b for b in box.buttons() if b.text() == press]
            button.click()
        else:
            qtbot.keyClick(box, press)

    QTimer.singleShot(0, answer)


@pytest.mark.parametrize(
    ("press", "expected"),
    [
        (Qt.Key.Key_Escape, "cancel"),
        (Qt.Key.Key_Return, "cancel"),
        ("&Save", "save"),
        ("&Discard", "discard"),
    ],
)
def test_the_real_unsaved_changes_dialog_offers_save_discard_cancel(
    press: Qt.Key | str, expected: str, qtbot: QtBot, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.undo()  # the real dialog, not the test's fake
    answer_message_box(qtbot, press)
    assert dialogs.ask_unsaved(None) == expected


# ---- Plain error lines ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "is empty: it holds no visit."),
        (b"  \n", "is empty: it holds no visit."),
        (b'{"format": "ldn-aid.visit/2", "visit_date": "20', "a text in quotes is not closed"),
        (b'{"format": "ldn-aid.visit/2",', "a name is not in double quotes"),
        (b'{"format": }', "a value is missing"),
    ],
)
def test_a_broken_file_is_described_in_plain_words(
    data: bytes, expected: str, window: MainWindow, dialog_log: DialogLog, tmp_path: Path
) -> None:
    path = tmp_path / "visit.json"
    path.write_bytes(data)
    dialog_log.open_paths.append(path)
    window.menu_actions["open"].trigger()
    ((title, message),) = dialog_log.errors
    assert title == "Cannot open visit"
    assert expected in message
    assert message.startswith("The file ")
    assert message.endswith(".")
    for half_phrase in ("Expecting value", "starting at"):
        assert half_phrase not in message


def test_cannot_save_yet_names_the_questions_and_a_typo_blocks_saving(
    window: MainWindow, driver: WizardDriver, dialog_log: DialogLog
) -> None:
    driver.type_into("patient.age_years", "130")
    driver.type_into("patient.weight_kg", "70kg")  # a typo, not an unanswered weight
    window.menu_actions["save"].trigger()
    ((title, message),) = dialog_log.errors
    assert title == "Cannot save yet"
    assert "Age" in message
    assert "Weight" in message
    assert dialog_log.save_suggestions == []
    driver.type_into("patient.age_years", "30")
    window.menu_actions["save"].trigger()  # the typo alone still blocks it
    assert len(dialog_log.errors) == 2
    assert "Weight" in dialog_log.errors[1][1]
    assert "Age" not in dialog_log.errors[1][1]
    assert dialog_log.save_suggestions == []


# ---- File dialogs keep no history on disk --------------------------------------------------------

# Runs in a fresh interpreter so that Qt reads HOME and XDG_CONFIG_HOME as this test sets them.
DIALOG_PROBE = textwrap.dedent(
    """
    import json, sys
    from pathlib import Path
    import ldn_aid.ui
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QFileDialog, QLineEdit
    from ldn_aid.ui import dialogs

    app = QApplication([sys.argv[0]])
    out = Path(sys.argv[1])
    folders = []

    def type_name(name):
        def answer():
            dialog = QApplication.activeModalWidget()
            if not isinstance(dialog, QFileDialog):
                QTimer.singleShot(10, answer)
                return
            folders.append(dialog.directory().absolutePath())
            dialog.findChild(QLineEdit, "fileNameEdit").setText(name)
            dialog.accept()
        QTimer.singleShot(0, answer)

    type_name(str(out / "visit-of-patient.json"))
    saved = dialogs.ask_save_path(None, "Save visit", "visit.json", dialogs.VISIT_FILTER)
    saved.write_text("{}")
    type_name("visit-of-patient.json")  # a bare name: the dialog opened in the folder just used
    opened = dialogs.ask_open_path(None, "Open visit", dialogs.VISIT_FILTER)
    print(json.dumps({"saved": str(saved), "opened": str(opened), "folders": folders}))
    """
)


def test_the_real_file_dialog_writes_no_history_under_home(tmp_path: Path) -> None:
    home = tmp_path / "home"
    home.mkdir()
    out = tmp_path / "Patient Quixworth"
    out.mkdir()
    env = {
        **os.environ,
        "HOME": str(home),
        "XDG_CONFIG_HOME": str(home / ".config"),
        "XDG_DATA_HOME": str(home / ".local" / "share"),
        "XDG_STATE_HOME": str(home / ".local" / "state"),
        "XDG_CACHE_HOME": str(tmp_path / "cache"),  # fontconfig's cache is not history
        "QT_QPA_PLATFORM": "offscreen",
    }
    result = subprocess.run(
        [sys.executable, "-c", DIALOG_PROBE, str(out)],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout.strip().splitlines()[-1])
    assert report["saved"] == str(out / "visit-of-patient.json")
    assert report["opened"] == str(out / "visit-of-patient.json")
    assert Path(report["folders"][1]) == out  # the session remembers the folder, in memory
    assert [str(p.relative_to(home)) for p in home.rglob("*")] == []  # no QtProject.conf, nothing
    assert not (tmp_path / "QtProject.conf").exists()


# ---- make run: can the Qt platform plugin load? -----------------------------------------------

LDD_ON_A_FRESH_DESKTOP = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f41)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxkbcommon-x11.so.0 => /lib/x86_64-linux-gnu/libxkbcommon-x11.so.0 (0x00007f41)
\tlibEGL.so.1 => not found
\tlibweird.so.9 => not found
\t/lib64/ld-linux-x86-64.so.2 (0x00007f41)
"""


def test_missing_system_libraries_become_one_apt_get_line() -> None:
    from ldn_aid.ui import platform_check  # imported here: the other tests run on older code too

    assert platform_check.missing_libraries(LDD_ON_A_FRESH_DESKTOP) == [
        "libxcb-cursor.so.0",
        "libxcb-icccm.so.4",
        "libxcb-keysyms.so.1",
        "libEGL.so.1",
        "libweird.so.9",
    ]
    advice = platform_check.install_advice(LDD_ON_A_FRESH_DESKTOP)
    assert advice is not None
    lines = advice.splitlines()
    assert "sudo apt-get install libegl1 libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1" in [
        line.strip() for line in lines
    ]
    assert lines[-1] == "Also missing (find the package that provides each): libweird.so.9"
    assert platform_check.install_advice("\tlibxcb.so.1 => /lib/libxcb.so.1 (0x1)\n") is None


def test_the_platform_check_passes_where_qt_starts() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ldn_aid.ui.platform_check"],
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    bad = subprocess.run(
        [sys.executable, "-m", "ldn_aid.ui.platform_check"],
        env={**os.environ, "QT_QPA_PLATFORM": "no-such-platform"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert bad.returncode == 1
    assert "Qt cannot start with no-such-platform" in bad.stderr
