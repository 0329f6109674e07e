"""Page 5, What matters to the patient: up to three priorities, and medicines the patient declines."""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QGridLayout, QLabel, QWidget

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import PRIORITIES
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.fields import Field

PRIORITIES_PATH = "preferences.priorities"
MAX_PRIORITIES = 3  # Preferences.priorities allows at most three (visit.py); the hint says "three"


class PriorityField(Field):
    """Checkboxes for the priorities; at the limit the unticked ones are disabled.

    The value is the ticked priorities in the visit model's order (stable, whatever the click
    order), or None when none is ticked. Its label leads to the group, whose focus goes on to the
    first box that can be ticked (the label's Alt key never ticks one).
    """

    def __init__(
        self,
        path: str,
        accessible_name: str,
        choices: Sequence[tuple[str, str]],
        *,
        limit: int,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(path, accessible_name, parent)
        self.limit = limit
        labels = dict(choices)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(24)
        grid.setVerticalSpacing(4)
        self.boxes: dict[str, QCheckBox] = {}
        rows = (len(PRIORITIES) + 1) // 2
        # Two columns, filled down then across, so reading order and tab order agree.
        for index, value in enumerate(PRIORITIES):
            box = QCheckBox(labels.get(value, value))
            box.setObjectName(f"{path}:{value}")
            box.setAccessibleName(f"{accessible_name}: {labels.get(value, value)}")
            box.toggled.connect(lambda _checked=False: self._toggled())
            # Left-aligned at its own size, so a click beside the words does not miss the box.
            grid.addWidget(box, index % rows, index // rows, Qt.AlignmentFlag.AlignLeft)
            self.boxes[value] = box
        self.hint = QLabel()
        self.hint.setObjectName(f"{path}:hint")
        grid.addWidget(self.hint, rows, 0, 1, 2)
        grid.setColumnStretch(2, 1)
        ordered = [self.boxes[value] for value in PRIORITIES]
        for first, second in itertools.pairwise(ordered):
            QWidget.setTabOrder(first, second)
        # A widget with a focus proxy is no Tab stop of its own: Tab still walks the boxes.
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self._refresh()

    def value(self) -> list[str] | None:
        chosen = [value for value in PRIORITIES if self.boxes[value].isChecked()]
        return chosen or None

    def _show(self, value: Any) -> None:
        chosen = set(value) if isinstance(value, list | tuple) else set()
        for name, box in self.boxes.items():
            box.setChecked(name in chosen)
        self._refresh()

    def _toggled(self) -> None:
        self._refresh()
        self._emit()

    def _refresh(self) -> None:
        count = sum(box.isChecked() for box in self.boxes.values())
        full = count >= self.limit
        for box in self.boxes.values():
            box.setEnabled(box.isChecked() or not full)
        enabled = [box for box in self.boxes.values() if box.isEnabled()]
        self.setFocusProxy(enabled[0] if enabled else self.boxes[PRIORITIES[0]])
        if full:
            self.hint.setText("Up to three chosen. Untick one to choose a different priority.")
        else:
            self.hint.setText(f"Up to three. {count} chosen.")

    def shows(self, value: Any) -> bool:
        chosen = set(value) if isinstance(value, list | tuple) else set()
        return set(self.value() or ()) == chosen

    def focus_target(self) -> QWidget:
        return self.focusProxy() or self.boxes[PRIORITIES[0]]


class PreferencesPage(QuestionPage):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__(
            state,
            content,
            "What matters to the patient",
            "Up to three priorities, printed on the handout, and any medicines the patient declines.",
        )
        label, why = self.question(PRIORITIES_PATH)
        self.priorities = PriorityField(
            PRIORITIES_PATH, label, self.choices("priority"), limit=MAX_PRIORITIES
        )
        # add_row writes the list through state.set on every tick and, via the page's handler for
        # state.loaded, ticks the boxes again from the visit when one is opened or started anew.
        self.add_row(self.priorities, label, why, mnemonic=True)
        self.yes_no("preferences.declines_stimulants")
        self.yes_no("preferences.declines_non_stimulants")
