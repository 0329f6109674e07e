"""Unexpected errors: logged without patient data, shown with copyable details; the app keeps running."""

from __future__ import annotations

import logging
import platform
import sys
from types import TracebackType

from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from ldn_aid import __version__
from ldn_aid.logs import LOGGER_NAME, redacted_traceback


class CrashDialog(QDialog):
    def __init__(self, details: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Something went wrong")
        self.setObjectName("crash_dialog")
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel(
                "LDN Aid hit an unexpected problem. Your answers are still here; save the visit if you can.\n"
                "The details below contain no patient data. Copy them for your support contact."
            )
        )
        self.details = QPlainTextEdit(details)
        self.details.setReadOnly(True)
        self.details.setObjectName("crash_dialog.details")
        layout.addWidget(self.details)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton("&Copy details")
        copy.setObjectName("crash_dialog.copy")
        copy.clicked.connect(lambda: QGuiApplication.clipboard().setText(details))
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(640, 360)

    @classmethod
    def show_details(cls, details: str, parent: QWidget | None = None) -> None:
        """Show the dialog modally. Tests replace this method."""
        cls(details, parent).exec()


def crash_details(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    return (
        f"LDN Aid {__version__} on Python {platform.python_version()}, {platform.platform()}\n\n"
        + redacted_traceback(kind, error, tb)
    )


def install_excepthook(parent: QWidget | None = None) -> None:
    """Route uncaught exceptions (including those raised in Qt slots) to the log and the crash dialog."""

    def handle(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> None:
        if issubclass(kind, KeyboardInterrupt):
            sys.__excepthook__(kind, error, tb)
            return
        details = crash_details(kind, error, tb)
        logging.getLogger(LOGGER_NAME).error("unexpected error\n%s", details)
        CrashDialog.show_details(details, parent)

    sys.excepthook = handle
