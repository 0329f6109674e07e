"""The mouse wheel never changes an answer the clinician is not editing.

Scrolling a long page with the wheel used to turn whatever drop-down, spin box or date passed under
the pointer (a dose, a grade, a date changed with nobody noticing). `guard_wheel(root)` installs one
small event filter on every such input under `root`: while an input does not have the keyboard
focus, a wheel event over it scrolls the page around it instead, and the input keeps its value. The
wheel no longer gives these inputs the focus either (a click or Tab does).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QAbstractScrollArea, QAbstractSpinBox, QApplication, QComboBox, QWidget

# The inputs a wheel turns: drop-downs, and spin boxes (numbers, dates and times).
GUARDED = (QComboBox, QAbstractSpinBox)
GUARD_NAME = "wheel_guard"


class WheelGuard(QObject):
    """Turns a wheel event over an unfocused input into a scroll of the page it sits on."""

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt override
        if event.type() != QEvent.Type.Wheel or not isinstance(watched, QWidget):
            return False
        if watched.hasFocus():
            return False  # the clinician is editing this one: the wheel may change it
        assert isinstance(event, QWheelEvent)
        area = _scroll_area_around(watched)
        if area is not None:
            viewport = area.viewport()
            where = QPointF(watched.mapTo(viewport, event.position().toPoint()))
            scroll = QWheelEvent(
                where,
                event.globalPosition(),
                event.pixelDelta(),
                event.angleDelta(),
                event.buttons(),
                event.modifiers(),
                event.phase(),
                event.inverted(),
            )
            QApplication.sendEvent(viewport, scroll)
        event.accept()
        return True


def _scroll_area_around(widget: QWidget) -> QAbstractScrollArea | None:
    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractScrollArea):
            return parent
        parent = parent.parentWidget()
    return None


def guard_wheel(root: QWidget) -> WheelGuard:
    """Install the wheel guard on every drop-down and spin box under `root` (again for new ones:
    calling it twice installs nothing twice)."""
    guard = root.findChild(WheelGuard, GUARD_NAME, Qt.FindChildOption.FindDirectChildrenOnly)
    if guard is None:
        guard = WheelGuard(root)
        guard.setObjectName(GUARD_NAME)
    for kind in GUARDED:
        for widget in root.findChildren(kind):
            guard_one(widget, guard)
    return guard


def guard_one(widget: QWidget, guard: WheelGuard) -> None:
    if widget.property(GUARD_NAME):
        return
    # A wheel must not give the focus either: the focus is what lets the wheel change a value.
    if widget.focusPolicy() == Qt.FocusPolicy.WheelFocus:
        widget.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
    widget.installEventFilter(guard)
    widget.setProperty(GUARD_NAME, True)


def is_guarded(widget: QWidget) -> bool:
    return bool(widget.property(GUARD_NAME))
