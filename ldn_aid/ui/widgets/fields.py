"""Answer widgets. Each edits one visit-file path, is named by it (objectName), and reports a value
or a parse error. "Not answered" is always a visible state, never a silent "no".

Keyboard: a yes/no row answers with Y or N and then asks its page to move on (`advance`); the
focused row is painted (a frame and a tint), since a style sheet on a plain QWidget is never drawn;
a date is one Tab stop (arrows and typing move between its year, month and day).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtGui import QColor, QFocusEvent, QKeyEvent, QPainter, QPaintEvent, QPalette, QPen
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

from ldn_aid.ui import theme

NOT_ANSWERED = "— not answered —"
# How strongly the focused yes/no row is tinted with the highlight colour (0-255).
FOCUS_TINT_ALPHA = 48


class Field(QWidget):
    """Base for bound answer widgets.

    Signals:
        edited: the user changed the answer (read `value()` and `parse_error()`).
        advance: answered from the keyboard; the page moves the cursor on to the next question.
    """

    edited = Signal()
    advance = Signal()

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

    def shows(self, value: Any) -> bool:
        """Whether the widget already shows the stored `value` (so it need not be set again)."""
        return bool(self.value() == value)

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
            self.status.setStyleSheet(theme.NOTE_CSS)
        else:
            self.status.setText("")
            self.status.setStyleSheet("")

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802 - Qt override
        key = event.key()
        # Alt+Y / Alt+N are mnemonics (Alt+N is Next): only a bare key answers.
        bare = not event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if bare and key in (Qt.Key.Key_Y, Qt.Key.Key_N):
            self._choose("yes" if key == Qt.Key.Key_Y else "no")
            self.advance.emit()
        elif bare and key in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace):
            self._choose(None)
        else:
            super().keyPressEvent(event)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        """Draw the focused row: a frame in the highlight colour around a tinted background (the
        radio buttons never take the focus, so nothing else shows where Y/N will answer)."""
        super().paintEvent(event)
        if not self.hasFocus():
            return
        highlight = self.palette().color(QPalette.ColorRole.Highlight)
        tint = QColor(highlight)
        tint.setAlpha(FOCUS_TINT_ALPHA)
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(highlight, 2))
        painter.setBrush(tint)
        painter.drawRoundedRect(self.rect().adjusted(1, 1, -1, -1), 4, 4)
        painter.end()

    def focusInEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusInEvent(event)
        self.update()

    def focusOutEvent(self, event: QFocusEvent) -> None:  # noqa: N802 - Qt override
        super().focusOutEvent(event)
        self.update()


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

    def shows(self, value: Any) -> bool:
        return self.value() == (self._default if value is None else value)

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
    """A tick that records a clinician's confirmation: ticked is True, unticked is not recorded (None).

    A label leads to the row (whose focus goes on to the box), never to the box itself: Qt ticks a
    check box that is a label's buddy on the label's Alt key, and nothing may be ticked by surprise.
    """

    def __init__(
        self,
        path: str,
        accessible_name: str,
        text: str,
        *,
        record_false: bool = False,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(path, accessible_name, parent)
        # A setting (large print) records False when unticked; a confirmation records nothing.
        self._record_false = record_false
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.box = QCheckBox(text.replace("&", "&&"))
        self.box.setObjectName(f"{path}:box")
        self.box.setAccessibleName(accessible_name)
        # (A widget with a focus proxy is no Tab stop of its own: Tab reaches the box once.)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(self.box)
        self.box.toggled.connect(lambda _checked: self._emit())
        layout.addWidget(self.box)
        layout.addStretch(1)

    def value(self) -> bool | None:
        return True if self.box.isChecked() else (False if self._record_false else None)

    def shows(self, value: Any) -> bool:
        return self.box.isChecked() == (value is True)

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


class OneStopDateEdit(QDateEdit):
    """A date edit that Tab leaves in one press.

    QDateTimeEdit walks its own sections (year, month, day) on Tab, so leaving a date took three
    Tabs. Here Tab and Shift+Tab move to the next or previous field, as everywhere else; the
    sections are reached with the arrow keys, or by typing (a full section moves on to the next).
    """

    def focusNextPrevChild(self, forward: bool) -> bool:  # noqa: N802 - Qt override
        return QWidget.focusNextPrevChild(self, forward)


class DateField(Field):
    """A calendar date (always answered; defaults to today)."""

    def __init__(self, path: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(path, accessible_name, parent)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.edit = OneStopDateEdit()
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

    def shows(self, value: Any) -> bool:
        # No stored date is shown as the date the edit holds (an edit always shows one).
        return value is None or self.value() == value

    def _show(self, value: Any) -> None:
        day = dt.date.fromisoformat(value) if isinstance(value, str) else dt.date.today()
        self.edit.setDate(QDate(day.year, day.month, day.day))

    def focus_target(self) -> QWidget:
        return self.edit
