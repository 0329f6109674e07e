"""Red team D07 in the wizard: a flawed clinic.json lost the clinic's phone without a word. Now a bar
above the wizard names each setting not used and what prints instead, the settings dialog shows the
same at its top, and the file is rewritten only when the clinician saves the dialog."""

from __future__ import annotations

import datetime as dt
import json

from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot
from wizard_driver import VISIT_DATE, DialogLog

from ldn_aid.content import ContentBundle
from ldn_aid.settings import ClinicSettings, SettingsProblem, read_settings, settings_path
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.settings_dialog import SettingsDialog

FLAWED = {"clinic_name": "Riverside Clinic", "phone": "5" * 300, "default_paper": "B5"}


def _open_window(qtbot: QtBot, content: ContentBundle) -> MainWindow:
    window = MainWindow(content, settings_source=read_settings)
    qtbot.addWidget(window, before_close_func=lambda widget: widget.state.mark_saved())
    window.resize(1280, 720)
    window.new_visit(confirm=False, today=dt.date.fromisoformat(VISIT_DATE))
    window.show()
    return window


def test_the_window_names_each_setting_not_used_and_saving_the_dialog_clears_it(
    qtbot: QtBot, content: ContentBundle, dialog_log: DialogLog
) -> None:
    before = (json.dumps(FLAWED) + "\n").encode()
    settings_path().write_bytes(before)
    window = _open_window(qtbot, content)

    notice = window.settings_notice
    assert notice.isVisible()
    text = notice.label.text()
    assert "Phone (longer than 200 characters; left blank)" in text
    assert "Default paper (not letter or a4; Letter is used)" in text
    assert "Clinic name" not in text  # kept, so not named
    assert "left as it is until you save" in text
    assert settings_path().read_bytes() == before  # starting the window never rewrites it
    # The valid field is used meanwhile.
    assert window.wizard.handout_page.clinic.clinic_name == "Riverside Clinic"

    # Cancelled: the bar stays, the file is untouched, and the dialog was shown the same problems.
    dialog_log.settings_answers.append(None)
    assert notice.button is not None
    qtbot.mouseClick(notice.button, Qt.MouseButton.LeftButton)
    assert [p.field for p in dialog_log.settings_problems[-1]] == ["phone", "default_paper"]
    assert dialog_log.settings_shown[-1].clinic_name == "Riverside Clinic"
    assert notice.isVisible()
    assert settings_path().read_bytes() == before

    # Saved: the file now holds what the dialog showed, and the bar goes.
    dialog_log.settings_answers.append(ClinicSettings(clinic_name="Riverside Clinic", phone="555-0100"))
    window.menu_actions["settings"].trigger()
    assert not notice.isVisible()
    assert read_settings().problems == ()
    assert window.wizard.handout_page.clinic.phone == "555-0100"


def test_a_file_that_cannot_be_used_says_so_and_what_prints_instead(
    qtbot: QtBot, content: ContentBundle
) -> None:
    settings_path().write_bytes(b'{"clinic_name": "Riverside"')
    window = _open_window(qtbot, content)
    text = window.settings_notice.label.text()
    assert text.startswith("The clinic settings could not be read:")
    assert "is not valid JSON (line 1, column 28)" in text
    assert "no clinic name or phone, and 911 and 988" in text


def test_sound_settings_show_no_bar(qtbot: QtBot, content: ContentBundle) -> None:
    settings_path().write_text(json.dumps({"phone": "555-0100"}), "utf-8")
    window = _open_window(qtbot, content)
    assert not window.settings_notice.isVisible()


def test_the_dialog_itself_shows_the_problems_at_its_top(qtbot: QtBot) -> None:
    problems = (
        SettingsProblem("phone", "longer than 200 characters"),
        SettingsProblem("default_paper", "not letter or a4"),
    )
    dialog = SettingsDialog(ClinicSettings(clinic_name="Riverside Clinic"), None, problems)
    qtbot.addWidget(dialog)
    dialog.show()
    assert dialog.notice.isVisible()
    assert dialog.notice.button is None  # it is the settings dialog already
    assert dialog.notice.label.text().startswith("These clinic settings were not used")
    assert "Saving here writes the settings as shown; the fields not used are marked." in (
        dialog.notice.label.text()
    )
    assert dialog.edits["phone"].text() == ""  # the ignored phone is not shown as if it were set
    # The fields not used are marked, with words in their tooltip; the others are not.
    assert "border" in dialog.edits["phone"].styleSheet()
    assert "not used" in dialog.edits["phone"].toolTip()
    assert "border" in dialog.paper.styleSheet()
    assert dialog.edits["clinic_name"].styleSheet() == ""
    quiet = SettingsDialog(ClinicSettings(), None)
    qtbot.addWidget(quiet)
    quiet.show()
    assert not quiet.notice.isVisible()


def test_every_problem_is_named_in_the_dialog_but_three_in_the_bar() -> None:
    from ldn_aid.ui.settings_notice import problems_text

    problems = tuple(
        SettingsProblem(field, "not text")
        for field in ("clinic_name", "phone", "after_hours_phone", "prescriber_name", "emergency_number")
    )
    bar = problems_text(problems)
    assert "and 2 more (open the clinic settings to see them)" in bar
    assert "Emergency number" not in bar
    dialog = problems_text(problems, in_dialog=True)
    assert "Emergency number (not text; 911 is used)" in dialog
    assert "more" not in dialog


def test_a_folder_named_clinic_json_is_said_and_saving_keeps_what_was_typed(
    qtbot: QtBot, content: ContentBundle, dialog_log: DialogLog
) -> None:
    """Wizard walk, December 2026: with a folder in the settings file's place, Save failed with "Is
    a directory", no next step, and the typed settings were lost."""
    settings_path().mkdir()
    window = _open_window(qtbot, content)
    said = window.settings_notice.label.text()
    assert said.endswith(
        "is a folder, not a settings file; rename or remove it. Handouts print no clinic"
        " name or phone, and 911 and 988 as the emergency numbers."
    )  # no "until you save"
    typed = ClinicSettings(clinic_name="Riverside Clinic", phone="555-0100")
    dialog_log.settings_answers.extend([typed, None])  # Save fails; the dialog opens again: cancel
    window.menu_actions["settings"].trigger()
    ((title, message),) = dialog_log.errors
    assert title == "Cannot save settings"
    assert message.endswith(
        "is a folder, so the settings cannot be saved there. Rename or remove that folder, then save again."
    )
    assert dialog_log.settings_shown[-1] == typed  # opened again with what was typed
    assert settings_path().is_dir()
