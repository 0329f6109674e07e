"""Small generic pieces of the report pages: a region rebuilt whole, a clickable label, and a
mnemonic that focuses a check box without ticking it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QAbstractButton, QLabel, QVBoxLayout, QWidget


class Slot(QWidget):
    """A place on the page whose content is rebuilt whole. The new content is built off-screen and
    shown in one go (a show() per new widget costs a layout pass each), and the old content leaves
    the widget tree at once, so findChild() never finds a stale widget."""

    def __init__(self, spacing: int, top_margin: int = 0) -> None:
        super().__init__()
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._spacing = spacing
        self._top_margin = top_margin
        self._content: QWidget | None = None
        self._retired: list[QWidget] = []

    def fill(self, widgets: Sequence[QWidget]) -> None:
        content = QWidget()
        layout = QVBoxLayout(content)
        layout.setContentsMargins(0, self._top_margin, 0, 0)
        layout.setSpacing(self._spacing)
        for widget in widgets:
            layout.addWidget(widget)
        self._retired.clear()
        old = self._content
        if old is not None:
            self._layout.removeWidget(old)
            old.hide()
            old.setParent(None)
            old.deleteLater()
            # Kept until deleteLater runs: a button in it may be what called us.
            self._retired.append(old)
        self._layout.addWidget(content)
        content.show()
        self._content = content
        self.setVisible(bool(widgets))

    def widgets(self) -> list[QWidget]:
        """The widgets shown now, in order."""
        if self._content is None:
            return []
        layout = self._content.layout()
        items = (layout.itemAt(i) for i in range(layout.count())) if layout is not None else ()
        return [w for item in items if item is not None and (w := item.widget()) is not None]


class ClickLabel(QLabel):
    """A label that toggles its check box when clicked, like the check box's own text would."""

    clicked = Signal()

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt override
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.clicked.emit()
        super().mouseReleaseEvent(event)


class _FocusBuddy(QWidget):
    """An invisible stand-in buddy: Qt clicks a buddy that is a button, so the label's mnemonic
    points here, and this passes the focus on to the button (without clicking it)."""

    def __init__(self, button: QAbstractButton) -> None:
        super().__init__(button)
        self.setFixedSize(0, 0)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setFocusProxy(button)


def focus_buddy(label: QLabel, button: QAbstractButton) -> None:
    """Let the label's Alt+letter focus `button` and never toggle it (interface 5: a value is never
    ticked by surprise; Space ticks it once it has the focus)."""
    label.setBuddy(_FocusBuddy(button))


def set_style(widget: QWidget, css: str) -> None:
    """Set a style sheet only when it changes: setting one restyles the widget even when equal."""
    if widget.styleSheet() != css:
        widget.setStyleSheet(css)
