"""The paediatric specialist's two sign-offs, side by side: starting under `min_age_years` (ages 6
and 7), and a trial longer than `paediatric_max_trial_weeks` under 18. Usable with or without a
protocol (the first is what lets a 6- or 7-year-old have one). Each is shown where it is asked and
wherever it is ticked, so a recorded sign-off is never hidden."""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QCheckBox, QFrame, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.ui.present.assessment import LONGER_TRIAL_PATH, SIGNOFF_PATH, SIGNOFF_PATHS, with_mnemonic
from ldn_aid.ui.widgets.report import add_why_and_message
from ldn_aid.ui.widgets.slot import ClickLabel, focus_buddy

MNEMONICS = {SIGNOFF_PATH: "p", LONGER_TRIAL_PATH: "g"}


class SignoffBox(QFrame):
    """Signals: changed(path, ticked) when the clinician ticks or unticks one."""

    changed = Signal(str, bool)

    def __init__(self, content: ContentBundle) -> None:
        super().__init__()
        self.setObjectName("assessment.signoff")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(8, 6, 8, 6)
        self._layout.setSpacing(2)
        self.rows: dict[str, QWidget] = {}
        self.messages: dict[str, QLabel] = {}
        self.checks: dict[str, QCheckBox] = {path: self._row(content, path) for path in SIGNOFF_PATHS}
        self._syncing = False
        self.hide()

    def _row(self, content: ContentBundle, path: str) -> QCheckBox:
        question = content.language.questions.get(path)
        text = question.text if question is not None else path
        row_widget = QWidget()
        column = QVBoxLayout(row_widget)
        column.setContentsMargins(0, 0, 0, 4)
        column.setSpacing(2)
        check = QCheckBox()
        check.setObjectName(path)
        check.setAccessibleName(text)
        check.toggled.connect(lambda ticked, p=path: self._on_toggled(p, ticked))
        label = ClickLabel(with_mnemonic(text, MNEMONICS[path]))
        label.setWordWrap(True)
        focus_buddy(label, check)
        label.clicked.connect(check.toggle)
        row = QHBoxLayout()
        row.addWidget(check, 0, Qt.AlignmentFlag.AlignTop)
        row.addWidget(label, 1)
        column.addLayout(row)
        _why, message = add_why_and_message(column, path, check, question.why if question else "")
        self._layout.addWidget(row_widget)
        self.rows[path] = row_widget
        self.messages[path] = message
        return check

    def _on_toggled(self, path: str, ticked: bool) -> None:
        if not self._syncing:
            self.changed.emit(path, ticked)

    def show_state(
        self, ticked: Mapping[str, bool], asked: Mapping[str, bool], longer_trial_words: str
    ) -> None:
        self._syncing = True
        try:
            for path in SIGNOFF_PATHS:
                self.checks[path].setChecked(ticked[path])
                self.rows[path].setVisible(ticked[path] or asked[path])
        finally:
            self._syncing = False
        self.setVisible(any(not row.isHidden() for row in self.rows.values()))
        message = self.messages[LONGER_TRIAL_PATH]
        message.setText(longer_trial_words)
        message.setVisible(bool(longer_trial_words))

    def first_problem(self) -> QWidget | None:
        """The longer-trial box while its blocker stands."""
        message = self.messages[LONGER_TRIAL_PATH]
        return self.checks[LONGER_TRIAL_PATH] if not self.isHidden() and not message.isHidden() else None
