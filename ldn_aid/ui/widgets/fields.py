"""Answer widgets. Each edits one visit-file path, is named by it (objectName), and reports a value
or a parse error. "Not answered" is always a visible state, never a silent "no"."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QButtonGroup,
    QCheckBox,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QRadioButton,
    QSizePolicy,
    QWidget,
)

NOT_ANSWERED = "— not answered —"


class Field(QWidget):
    """Base for bound answer widgets.

    Signals:
        edited: the user changed the answer (read `value()` and `parse_error()`).
    """

    edited = Signal()

    def __init__(self, path: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = path
        self.setObjectName(path)
        self.setAccessibleName(accessible_name)
        self._loading = False

    def value(self) -> Any:
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show a stored answer without emitting `edited`."""
        self._loading = True
        try:
            self._show(value)
        finally:
            self._loading = False

    def _show(self, value: Any) -> None:
        raise NotImplementedError

    def parse_error(self) -> str | None:
        return None

    def focus_target(self) -> QWidget:
        return self

    def _emit(self) -> None:
        if not self._loading:
            self.edited.emit()


class YesNoField(Field):
    """Yes / No with nothing preselected. Keyboard: Y or N answers, Delete clears, Space/arrows move."""

    def __init__(self, path: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(path, accessible_name, parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        self._group = QButtonGroup(self)
        self._group.setExclusive(False)  # lets "clear" return to unanswered
        self.yes = QRadioButton("Yes")
        self.no = QRadioButton("No")
        for button, name in ((self.yes, "yes"), (self.no, "no")):
            button.setObjectName(f"{path}:{name}")
            button.setFocusPolicy(Qt.FocusPolicy.NoFocus)
            button.setAccessibleName(f"{accessible_name}: {name}")
            self._group.addButton(button)
            layout.addWidget(button)
            button.clicked.connect(lambda _checked=False, v=name: self._choose(v))
        self.status = QLabel()
        self.status.setObjectName(f"{path}:status")
        layout.addWidget(self.status)
        layout.addStretch(1)
        self._value: str | None = None
        self._refresh()

    def value(self) -> str | None:
        return self._value

    def _show(self, value: Any) -> None:
        self._value = value if value in ("yes", "no") else None
        self._refresh()

    def _choose(self, value: str | None) -> None:
        self._value = value
        self._refresh()
        self._emit()

    def _refresh(self) -> None:
        self.yes.setChecked(self._value == "yes")
        self.no.setChecked(self._value == "no")
        if self._value is None:
            self.status.setText("Not answered")
            self.status.setStyleSheet("color: #8a4b00; font-weight: bold;")
        else:
            self.status.setText("")
            self.status.setStyleSheet("")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        if key == Qt.Key.Key_Y:
            self._choose("yes")
            self.focusNextChild()
        elif key == Qt.Key.Key_N:
            self._choose("no")
            self.focusNextChild()
        elif key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._choose(None)
        else:
            super().keyPressEvent(event)

    def focusInEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.setStyleSheet("YesNoField { border: 2px solid palette(highlight); border-radius: 4px; }")
        super().focusInEvent(event)

    def focusOutEvent(self, event: Any) -> None:  # noqa: N802 - Qt override
        self.setStyleSheet("")
        super().focusOutEvent(event)


class ChoiceField(Field):
    """A drop-down of labelled values; with `allow_unanswered`, the first entry means not answered.

    Without it, `default` (the visit model's default) is shown while the visit holds no value, so the
    drop-down never displays a different answer from the one the model will read.
    """

    def __init__(
        self,
        path: str,
        accessible_name: str,
        choices: Sequence[tuple[str, str]],
        *,
        allow_unanswered: bool = True,
        default: str | None = None,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(path, accessible_name, parent)
        self._default = default
        self._choices = list(choices)
        self._allow_unanswered = allow_unanswered
        self._offered: frozenset[str] | None = None
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.combo = QComboBox()
        self.combo.setObjectName(f"{path}:combo")
        self.combo.setAccessibleName(accessible_name)
        self.setFocusProxy(self.combo)
        self._fill(self._choices)
        self.combo.currentIndexChanged.connect(lambda _index: self._emit())
        layout.addWidget(self.combo)
        layout.addStretch(1)

    def _fill(self, choices: Sequence[tuple[str, str]]) -> None:
        if self._allow_unanswered:
            self.combo.addItem(NOT_ANSWERED, None)
        for value, label in choices:
            self.combo.addItem(label, value)

    def value(self) -> str | None:
        data = self.combo.currentData()
        return None if data is None else str(data)

    def _show(self, value: Any) -> None:
        self._offer(value)
        index = self.combo.findData(self._default if value is None else value)
        self.combo.setCurrentIndex(max(index, 0))

    def offered(self) -> list[str]:
        """The values the drop-down lists now (not answered left out)."""
        return [str(data) for i in range(self.combo.count()) if (data := self.combo.itemData(i)) is not None]

    def offer(self, values: Iterable[str] | None) -> None:
        """List only `values` (None: every choice). A value the visit holds stays listed, so the
        drop-down always shows what is recorded (the page says why it is not accepted)."""
        self._offered = None if values is None else frozenset(values)
        self.set_value(self.value())

    def _offer(self, value: Any) -> None:
        wanted = [
            (choice, label)
            for choice, label in self._choices
            if self._offered is None or choice in self._offered or choice == value
        ]
        if self.offered() == [choice for choice, _label in wanted]:
            return
        blocked = self.combo.blockSignals(True)
        try:
            self.combo.clear()
            self._fill(wanted)
        finally:
            self.combo.blockSignals(blocked)

    def focus_target(self) -> QWidget:
        return self.combo


class CheckField(Field):
    """A tick that records a clinician's confirmation: ticked is True, unticked is not recorded (None)."""

    def __init__(self, path: str, accessible_name: str, text: str, parent: QWidget | None = None) -> None:
        super().__init__(path, accessible_name, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QCheckBox(text.replace("&", "&&"))
        self.box.setObjectName(f"{path}:box")
        self.box.setAccessibleName(accessible_name)
        self.setFocusProxy(self.box)
        self.box.toggled.connect(lambda _checked: self._emit())
        layout.addWidget(self.box)
        layout.addStretch(1)

    def value(self) -> bool | None:
        return True if self.box.isChecked() else None

    def _show(self, value: Any) -> None:
        self.box.setChecked(value is True)

    def focus_target(self) -> QWidget:
        return self.box


class TextField(Field):
    """Free text; empty means not given."""

    def __init__(
        self, path: str, accessible_name: str, *, max_length: int = 200, parent: QWidget | None = None
    ) -> None:
        super().__init__(path, accessible_name, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName(f"{path}:edit")
        self.edit.setAccessibleName(accessible_name)
        self.edit.setMaxLength(max_length)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(lambda _text: self._emit())
        layout.addWidget(self.edit)

    def value(self) -> str | None:
        text = self.edit.text().strip()
        return text or None

    def _show(self, value: Any) -> None:
        self.edit.setText("" if value is None else str(value))

    def focus_target(self) -> QWidget:
        return self.edit


class NumberField(Field):
    """A number typed as text (empty = not answered); a typo is a parse error, not a silent zero."""

    def __init__(
        self,
        path: str,
        accessible_name: str,
        *,
        integer: bool,
        unit: str = "",
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(path, accessible_name, parent)
        self.integer = integer
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QLineEdit()
        self.edit.setObjectName(f"{path}:edit")
        self.edit.setAccessibleName(accessible_name)
        self.edit.setMaximumWidth(120)
        self.edit.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self.setFocusProxy(self.edit)
        self.edit.textEdited.connect(lambda _text: self._emit())
        layout.addWidget(self.edit)
        if unit:
            layout.addWidget(QLabel(unit))
        layout.addStretch(1)

    def _parsed(self) -> tuple[int | float | None, str | None]:
        text = self.edit.text().strip().replace(",", ".")
        if not text:
            return None, None
        try:
            if self.integer:
                return int(text), None
            number = float(text)
        except ValueError:
            return None, "Type a whole number." if self.integer else "Type a number, such as 72.5."
        if number != number or number in (float("inf"), float("-inf")):
            return None, "Type a number, such as 72.5."
        return number, None

    def value(self) -> int | float | None:
        return self._parsed()[0]

    def parse_error(self) -> str | None:
        return self._parsed()[1]

    def _show(self, value: Any) -> None:
        if value is None:
            self.edit.setText("")
        elif isinstance(value, float) and value.is_integer() and not self.integer:
            self.edit.setText(f"{value:g}")
        else:
            self.edit.setText(str(value))

    def focus_target(self) -> QWidget:
        return self.edit


class DateField(Field):
    """A calendar date (always answered; defaults to today)."""

    def __init__(self, path: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(path, accessible_name, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = QDateEdit()
        self.edit.setObjectName(f"{path}:edit")
        self.edit.setAccessibleName(accessible_name)
        self.edit.setCalendarPopup(True)
        self.edit.setDisplayFormat("yyyy-MM-dd")
        self.setFocusProxy(self.edit)
        self.edit.dateChanged.connect(lambda _date: self._emit())
        layout.addWidget(self.edit)
        layout.addStretch(1)

    def value(self) -> str:
        return self.edit.date().toString("yyyy-MM-dd")

    def _show(self, value: Any) -> None:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else dt.date.today()
        self.edit.setDate(QDate(day.year, day.month, day.day))

    def focus_target(self) -> QWidget:
        return self.edit
