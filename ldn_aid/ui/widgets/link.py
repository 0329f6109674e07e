"""A link to a question: a flat button drawn as a link (`theme.BODY_CSS`, role "link"), reached
with Tab and chosen with Space, so every "go to the question" is usable without a mouse."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QPushButton, QSizePolicy

# Room for the flat button's own padding beside the text, in pixels.
TEXT_PADDING = 12


class LinkButton(QPushButton):
    """Shows as much of its question as fits and ends with "…" when cut, the whole question on hover.

    A narrow column (the outcome panel at 1280x720) used to cut the words mid-letter at its edge, and
    the widest link made the whole column wider than its view, cutting the wrapped lines too."""

    def __init__(self, text: str) -> None:
        super().__init__()
        self.full_text = text
        self.setToolTip(f"Go to this question: {text}")
        self._fit_text()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        # The whole question's width: the layout shrinks it where the column is narrower.
        hint = super().sizeHint()
        return QSize(self.fontMetrics().horizontalAdvance(self.full_text) + TEXT_PADDING, hint.height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(self.fontMetrics().horizontalAdvance("…") * 4, super().minimumSizeHint().height())

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt override
        super().resizeEvent(event)
        self._fit_text()

    def _fit_text(self) -> None:
        room = max(self.width() - TEXT_PADDING, 0)
        shown = self.fontMetrics().elidedText(self.full_text, Qt.TextElideMode.ElideRight, room)
        if self.width() <= 0 or not shown:
            shown = self.full_text
        escaped = shown.replace("&", "&&")
        if self.text() != escaped:
            self.setText(escaped)


def link_button(name: str, text: str, path: str) -> QPushButton:
    """A link to the question at `path` (its visit-file path; the caller connects `clicked`)."""
    button = LinkButton(text)
    button.setObjectName(name)
    button.setAccessibleName(f"Go to: {text}")
    button.setFlat(True)
    button.setAutoDefault(False)  # Enter goes Next, never to a link (the wizard's rule)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setProperty("role", "link")
    button.setProperty("path", path)
    button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return button
