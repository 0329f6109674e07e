"""A link to a question: a flat button drawn as a link (`theme.BODY_CSS`, role "link"), reached
with Tab and chosen with Space, so every "go to the question" is usable without a mouse."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QPushButton, QSizePolicy


def link_button(name: str, text: str, path: str) -> QPushButton:
    """A link to the question at `path` (its visit-file path; the caller connects `clicked`)."""
    button = QPushButton(text.replace("&", "&&"))
    button.setObjectName(name)
    button.setAccessibleName(f"Go to: {text}")
    button.setToolTip("Go to this question")
    button.setFlat(True)
    button.setAutoDefault(False)  # Enter goes Next, never to a link (the wizard's rule)
    button.setCursor(Qt.CursorShape.PointingHandCursor)
    button.setProperty("role", "link")
    button.setProperty("path", path)
    button.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
    return button
