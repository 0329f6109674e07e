"""Start the desktop app: logging, crash handling, content, the main window."""

from __future__ import annotations

import logging
import os
import sys
import time
from pathlib import Path

from PySide6.QtCore import QTimer
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication, QMessageBox

from ldn_aid import __version__
from ldn_aid.content import load_content
from ldn_aid.domain.errors import ContentError, one_line
from ldn_aid.logs import LOGGER_NAME, setup_logging
from ldn_aid.paths import resource_path
from ldn_aid.ui.dialogs import keep_no_dialog_history
from ldn_aid.ui.errors import install_excepthook
from ldn_aid.ui.main_window import MainWindow
from ldn_aid.ui.screen_fit import show_fitted


def create_app(argv: list[str] | None = None) -> QApplication:
    app = QApplication.instance()
    if not isinstance(app, QApplication):
        app = QApplication(argv or [sys.argv[0]])
    app.setApplicationName("LDN Aid")
    app.setApplicationVersion(__version__)
    app.setWindowIcon(QIcon(str(resource_path("icons/ldn-aid.svg"))))
    # Before any file dialog exists: Qt's dialog history is never written (see dialogs.py).
    keep_no_dialog_history()
    return app


def run_app(visit_path: Path | None = None) -> int:
    """Open the wizard (optionally with a saved visit) and run until the window closes."""
    app = create_app()
    setup_logging()
    logging.getLogger(LOGGER_NAME).info("LDN Aid %s started", __version__)
    try:
        content = load_content("en")
    except ContentError as exc:
        QMessageBox.critical(
            None, "LDN Aid cannot start", f"The clinical content is damaged:\n{one_line(str(exc))}"
        )
        return 2
    window = MainWindow(content)
    install_excepthook(window)
    show_fitted(window)
    if visit_path is not None:
        window.open_visit(visit_path)
    if os.environ.get("LDN_AID_EXIT_AFTER_SHOW") == "1":
        # For `make bench`: report when the first page is on screen, and the peak memory, then quit.
        def shown() -> None:
            import resource  # Unix only; this path runs only under the benchmark

            peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
            sys.stdout.write(f"shown {time.time():.6f} {peak_kib}\n")
            sys.stdout.flush()
            app.quit()

        QTimer.singleShot(0, shown)
    return app.exec()
