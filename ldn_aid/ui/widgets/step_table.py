"""The table of dose steps: the starting protocol on the assessment page and a revised schedule on
the follow-up page. It shows every row (the page scrolls, not the table) and takes no focus."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QWidget,
)

from ldn_aid.content.schema import plain_number
from ldn_aid.domain.protocol import Step

HEADERS = ("Step", "From", "Dose (mg)", "Volume (mL)")
VOLUME_COLUMN = 3
NO_VALUE = "—"


def step_cells(number: int, step: Step) -> tuple[str, str, str, str]:
    """One row's words: number, start date (weekday), dose, volume (— for capsules)."""
    return (
        str(number),
        f"{step.start.isoformat()} ({step.start.strftime('%a')})",
        plain_number(step.dose_mg),
        NO_VALUE if step.volume_ml is None else plain_number(step.volume_ml),
    )


class StepTable(QTableWidget):
    """`show(steps, liquid=...)` fills and shows it; `show()` without arguments is QWidget's own."""

    def __init__(self, name: str, accessible_name: str, parent: QWidget | None = None) -> None:
        super().__init__(0, len(HEADERS), parent)
        self.setObjectName(name)
        self.setAccessibleName(accessible_name)
        self.setHorizontalHeaderLabels(list(HEADERS))
        self.verticalHeader().hide()
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Fixed)
        self.setMinimumWidth(300)

    def show(self, steps: Sequence[Step] | None = None, *, liquid: bool | None = None) -> None:
        """Fill with `steps` (hidden when there are none). The volume column is shown for a liquid
        (default: when any step has a volume); its cells always hold a value or —."""
        if steps is None:
            super().show()
            return
        self.setRowCount(len(steps))
        for row, step in enumerate(steps):
            for column, text in enumerate(step_cells(row + 1, step)):
                item = QTableWidgetItem(text)
                if column != 1:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(row, column, item)
        if liquid is None:
            liquid = any(step.volume_ml is not None for step in steps)
        self.setColumnHidden(VOLUME_COLUMN, not liquid)
        self.fit_height()
        self.setVisible(bool(steps))

    def fit_height(self) -> None:
        """Show every row: the page scrolls, not the table."""
        self.resizeRowsToContents()
        height = self.horizontalHeader().sizeHint().height() + 2 * self.frameWidth()
        height += sum(self.rowHeight(row) for row in range(self.rowCount()))
        self.setFixedHeight(height)
