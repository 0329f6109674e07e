"""The missing or invalid answers, each a link (a flat, keyboard-reachable button) to its question."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QPushButton, QWidget

from ldn_aid.ui.widgets.link import link_button
from ldn_aid.ui.widgets.report import heading
from ldn_aid.ui.widgets.slot import Slot


class AnswerLinks(Slot):
    """Signals: jump_requested(path) when a link is chosen."""

    jump_requested = Signal(str)

    def __init__(self) -> None:
        super().__init__(spacing=0)
        self._key: object = None

    def show_links(self, kind: str, title: str, items: Sequence[tuple[str, str]]) -> None:
        """`kind` ("missing", "invalid") prefixes each link's object name; items are (path, text)."""
        key = (kind, title, tuple(items))
        if key == self._key:
            return
        self._key = key
        if not items:
            self.fill([])
            return
        widgets: list[QWidget] = [heading(title)]
        for path, text in items:
            button = link_button(f"{kind}:{path}", text, path)
            button.clicked.connect(lambda _checked=False, p=path: self.jump_requested.emit(p))
            widgets.append(button)
        self.fill(widgets)

    def first_link(self) -> QPushButton | None:
        for widget in self.widgets():
            if isinstance(widget, QPushButton):
                return widget
        return None
