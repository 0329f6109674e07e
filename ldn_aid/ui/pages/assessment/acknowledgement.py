"""The guideline-first acknowledgement: the guideline note, a wrapping check box, and why the
handout waits for it. Shown only when the outcome is GUIDELINE OPTIONS FIRST."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QVBoxLayout, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.content.words import blocker_text, question_text
from ldn_aid.ui.present.assessment import ACK_PATH, ACK_QUESTION, with_mnemonic
from ldn_aid.ui.theme import ERROR_CSS, INFO, INFO_TEXT, box_css
from ldn_aid.ui.widgets.report import wrapping_label
from ldn_aid.ui.widgets.slot import ClickLabel, focus_buddy

NAME = "assessment.acknowledgement"
MNEMONIC = "I"


class AcknowledgementBox(QFrame):
    """Signals: acknowledged(bool) when the clinician ticks or unticks it (not when it is shown)."""

    acknowledged = Signal(bool)

    def __init__(self, content: ContentBundle, untried: str = "") -> None:
        super().__init__()
        self.setObjectName(NAME)
        self.setStyleSheet(box_css(NAME, INFO, text=INFO_TEXT, left=2, border=2))
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 6, 8, 6)
        self.note = wrapping_label(content.language.protocol.guideline_first_note)
        self.untried = wrapping_label(untried)
        self.untried.setObjectName(f"{ACK_PATH}:untried")
        text = question_text(content, ACK_QUESTION)
        self.check = QCheckBox()
        self.check.setObjectName(ACK_PATH)
        self.check.setAccessibleName(text)
        self.check.toggled.connect(self._on_toggled)
        # A long check box label does not wrap; a clickable label beside a bare box does. Its Alt+I
        # only focuses the box (Space ticks it): a mnemonic never ticks a value by surprise.
        label = ClickLabel(with_mnemonic(text, MNEMONIC))
        label.setWordWrap(True)
        focus_buddy(label, self.check)
        label.clicked.connect(self.check.toggle)
        row = QHBoxLayout()
        row.addWidget(self.check, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(label, 1)
        self.reason = wrapping_label(blocker_text(content, "guideline_ack_missing"))
        self.reason.setObjectName(f"{ACK_PATH}:error")
        self.reason.setStyleSheet(ERROR_CSS)
        layout.addWidget(self.note)
        layout.addWidget(self.untried)
        layout.addLayout(row)
        layout.addWidget(self.reason)
        self._syncing = False
        self.hide()

    def show_state(self, *, asked: bool, ticked: bool, untried: str) -> None:
        self.setVisible(asked)
        self._syncing = True
        try:
            self.check.setChecked(ticked)
        finally:
            self._syncing = False
        self.untried.setText(untried)
        self.untried.setVisible(bool(untried))
        self.reason.setVisible(not ticked)

    def _on_toggled(self, ticked: bool) -> None:
        if not self._syncing:
            self.acknowledged.emit(ticked)

    def focus_target(self) -> QWidget:
        return self.check
