"""The handout page's controls in two rows, so they never widen the window: what to print (document,
language, paper, print size, the sources too) on the first, the page count, status and Print…/Save PDF…
on the second.
"""

from __future__ import annotations

from typing import Literal

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from ldn_aid.ui import theme

Paper = Literal["letter", "a4"]
DOCUMENTS = (("handout", "Full handout"), ("followup", "Follow-up sheet"))
LANGUAGES = (("en", "English"), ("es", "Español"))
PAPERS: tuple[tuple[Paper, str], ...] = (("letter", "Letter"), ("a4", "A4"))


def _combo(name: str, accessible: str, items: tuple[tuple[str, str], ...]) -> QComboBox:
    combo = QComboBox()
    combo.setObjectName(name)
    combo.setAccessibleName(accessible)
    combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
    for code, text in items:
        combo.addItem(text, code)
    return combo


class HandoutToolbar(QWidget):
    """Mnemonics: D, L, R, G, U, P, S (N and B are the wizard's Next and Back)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.document_kind = _combo("handout.document", "Which document", DOCUMENTS)
        self.language = _combo("handout.language", "Handout language", LANGUAGES)
        self.paper = _combo("handout.paper", "Paper size", PAPERS)
        self.large_print = QCheckBox("Lar&ge print")
        self.large_print.setObjectName("handout.large_print")
        self.large_print.setAccessibleName("Large print")
        # Off by default and never saved: a choice for this session only (no patient data in settings).
        self.sources = QCheckBox("Print the so&urces too")
        self.sources.setObjectName("handout.sources")
        self.sources.setAccessibleName("Print the sources too")
        self.sources.setToolTip(
            "Also print or save the evidence sheet: the numbered sources the handout cites, with the same"
            " numbers. Saved beside the handout as NAME-sources.pdf."
        )
        self.print_button = QPushButton("&Print…")
        self.print_button.setObjectName("handout.print")
        self.save_button = QPushButton("&Save PDF…")
        self.save_button.setObjectName("handout.save")
        # Enter on this page goes Next; it must never press these by accident.
        for button in (self.print_button, self.save_button):
            button.setAutoDefault(False)
            button.setEnabled(False)
        self.note = QLabel()
        self.note.setObjectName("handout.note")
        self.note.setWordWrap(True)
        self.status = QLabel()
        self.status.setObjectName("handout.status")
        self.status.setWordWrap(True)
        self.status.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.status.setStyleSheet(theme.READY_CSS)
        for label in (self.note, self.status):
            # Wrapped words take the room left over; they never set the page's width.
            label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        choices = QGridLayout()
        choices.setContentsMargins(0, 0, 0, 0)
        # Label above its drop-down: the row is as wide as the widest drop-down, not the sum of all.
        for column, (text, combo) in enumerate(
            (("&Document:", self.document_kind), ("&Language:", self.language), ("Pape&r:", self.paper))
        ):
            label = QLabel(text)
            label.setBuddy(combo)
            choices.addWidget(label, 0, column)
            choices.addWidget(combo, 1, column)
        choices.addWidget(self.large_print, 1, 3)
        choices.addWidget(self.sources, 1, 4)
        choices.setColumnStretch(5, 1)

        actions = QHBoxLayout()
        actions.setContentsMargins(0, 0, 0, 0)
        actions.addWidget(self.note, 1)
        actions.addWidget(self.status, 1)
        actions.addWidget(self.print_button)
        actions.addWidget(self.save_button)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(choices)
        layout.addLayout(actions)

    def set_printable(self, printable: bool) -> None:
        for button in (self.print_button, self.save_button):
            button.setEnabled(printable)
