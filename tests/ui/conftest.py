"""UI test helpers: a main window that reads the test's config folder, dialogs that never block, and a
driver that answers the wizard the way a clinician does (keys into line edits, Y/N on yes/no rows,
choices in drop-downs, the Next button).

Every modal dialog goes through `ldn_aid.ui.dialogs` (the blank-phone warning too), `SettingsDialog.ask`,
`CrashDialog.show_details` or `HandoutPage._ask_printer`; all of them are replaced here for every UI
test. A test queues the answers it expects to be asked for; an unexpected question fails the test
instead of blocking it.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterator

import pytest
from pytestqt.qtbot import QtBot
from wizard_driver import VISIT_DATE, DialogLog, UnexpectedDialogError, WizardDriver

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.logs import LOGGER_NAME
from ldn_aid.settings import read_settings
from ldn_aid.ui import dialogs
from ldn_aid.ui.errors import CrashDialog
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.pages.handout import HandoutPage
from ldn_aid.ui.settings_dialog import SettingsDialog


@pytest.fixture(autouse=True)
def dialog_log(monkeypatch: pytest.MonkeyPatch) -> DialogLog:
    """Replace every modal dialog for every UI test; the returned log records them."""
    log = DialogLog()
    monkeypatch.setattr(dialogs, "ask_unsaved", log.ask_unsaved)
    monkeypatch.setattr(dialogs, "ask_save_path", log.ask_save_path)
    monkeypatch.setattr(dialogs, "ask_open_path", log.ask_open_path)
    monkeypatch.setattr(dialogs, "show_error", log.show_error)
    monkeypatch.setattr(dialogs, "show_info", log.show_info)
    monkeypatch.setattr(dialogs, "ask_blank_phone", log.ask_blank_phone)
    monkeypatch.setattr(dialogs, "ask_replace", log.ask_replace)
    monkeypatch.setattr(SettingsDialog, "ask", staticmethod(log.ask_settings))
    monkeypatch.setattr(CrashDialog, "show_details", staticmethod(log.show_crash))

    def no_printer(_self: HandoutPage, _printer: object) -> bool:
        raise UnexpectedDialogError("the print dialog opened")

    monkeypatch.setattr(HandoutPage, "_ask_printer", no_printer)
    return log


@pytest.fixture(autouse=True)
def quiet_app_logger() -> Iterator[None]:
    """setup_logging() attaches a file handler to the app's logger; detach it after each test."""
    yield
    logger = logging.getLogger(LOGGER_NAME)
    for handler in list(logger.handlers):
        logger.removeHandler(handler)
        handler.close()


@pytest.fixture(scope="session")
def content() -> ContentBundle:
    return load_content("en")


@pytest.fixture
def window(qtbot: QtBot, content: ContentBundle) -> MainWindow:
    """The main window on a blank visit dated VISIT_DATE, shown and active, with the settings the command
    line would read (the test's temporary config folder)."""
    main = MainWindow(content, settings_source=read_settings)
    # qtbot closes the window before fixtures are torn down; by then nothing may be left to ask.
    qtbot.addWidget(main, before_close_func=lambda widget: widget.state.mark_saved())
    main.resize(1366, 768)
    main.new_visit(confirm=False, today=dt.date.fromisoformat(VISIT_DATE))
    main.show()
    main.activateWindow()
    qtbot.waitActive(main)
    return main


@pytest.fixture
def driver(qtbot: QtBot, window: MainWindow) -> WizardDriver:
    return WizardDriver(qtbot, window)
