"""A date that may be not asked: ticking "known" records the date shown beside it."""

from __future__ import annotations

import datetime as dt

from PySide6.QtCore import QDate
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QWidget

from ldn_aid.ui.widgets.fields import OneStopDateEdit


def qdate(day: dt.date) -> QDate:
    return QDate(day.year, day.month, day.day)


class OptionalDate(QWidget):
    def __init__(self, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.known = QCheckBox("known:")
        self.known.setAccessibleName(f"{accessible_name}: known")
        self.edit = OneStopDateEdit()
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.edit.setAccessibleName(accessible_name)
        self.edit.setEnabled(False)
        self.known.toggled.connect(self.edit.setEnabled)
        self.setFocusProxy(self.known)
        layout.addWidget(self.known)
        layout.addWidget(self.edit)
        layout.addStretch(1)

    def value(self) -> str | None:
        if not (self.isEnabled() and self.known.isChecked()):
            return None
        return self.edit.date().toString("yyyy-MM-dd")

    def reset(self, day: dt.date) -> None:
        self.known.setChecked(False)
        self.edit.setDate(qdate(day))
