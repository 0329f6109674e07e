"""Why the handout cannot be printed yet: each of the gate's blockers, in its words."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtWidgets import QFrame, QLabel, QVBoxLayout

from ldn_aid.ui.theme import gate_box_css
from ldn_aid.ui.widgets.report import wrapping_label

NAME = "assessment.gate"


class GateBox(QFrame):
    def __init__(self) -> None:
        super().__init__()
        self.setObjectName(NAME)
        self.setStyleSheet(gate_box_css(NAME))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        layout.setSpacing(2)
        title = QLabel("<b>The handout cannot be printed yet</b>")
        title.setObjectName(f"{NAME}:title")
        layout.addWidget(title)
        self.blockers = wrapping_label()
        self.blockers.setObjectName(f"{NAME}:blockers")
        layout.addWidget(self.blockers)
        self.hide()

    def show_blockers(self, words: Mapping[str, str]) -> None:
        self.setVisible(bool(words))
        self.blockers.setText("\n".join(f"• {text}" for text in words.values()))
        self.setAccessibleDescription(" ".join(words.values()))
