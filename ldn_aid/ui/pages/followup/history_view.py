"""The doses and scores so far: the chart, one table row per review, and Remove last review (the
undo of an added review). It shows; the page removes the review (`remove_requested`)."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHBoxLayout,
    QHeaderView,
    QPushButton,
    QSizePolicy,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ldn_aid.content import ContentBundle
from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.ui import theme
from ldn_aid.ui.present import followup as words
from ldn_aid.ui.present.chart import chart_data
from ldn_aid.ui.widgets.history_chart import HistoryChart
from ldn_aid.ui.widgets.report import heading, wrapping_label

# The wide column: side effects and safety news.
NEWS_COLUMN = 4


def _history_table() -> QTableWidget:
    table = QTableWidget(0, len(words.HISTORY_HEADERS))
    table.setObjectName("followup.history")
    table.setAccessibleName("Follow-up history")
    table.setHorizontalHeaderLabels(list(words.HISTORY_HEADERS))
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    table.setWordWrap(True)
    table.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    table.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
    header = table.horizontalHeader()
    header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    header.setSectionResizeMode(NEWS_COLUMN, QHeaderView.ResizeMode.Stretch)
    return table


class HistoryView(QWidget):
    """`show_history(visit, protocol, decisions)`: `decisions[i]` is the review of `follow_ups[i]`."""

    remove_requested = Signal()

    def __init__(self, content: ContentBundle) -> None:
        super().__init__()
        self.content = content
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(6)
        layout.addWidget(heading("History"))
        self.chart = HistoryChart()
        layout.addWidget(self.chart)
        self.table = _history_table()
        layout.addWidget(self.table)
        self.empty_note = wrapping_label("No follow-up review is recorded yet. Record the first one below.")
        self.empty_note.setObjectName("followup.empty")
        layout.addWidget(self.empty_note)
        row = QHBoxLayout()
        self.remove_last = QPushButton("Re&move last review")
        self.remove_last.setObjectName("followup.remove_last")
        self.remove_last.setAutoDefault(False)
        self.remove_last.setToolTip("Take the latest review out of the visit (for a review added by mistake)")
        self.remove_last.clicked.connect(self.remove_requested)
        row.addWidget(self.remove_last)
        self.status = wrapping_label()
        self.status.setObjectName("followup.remove_status")
        row.addWidget(self.status, 1)
        layout.addLayout(row)

    def show_history(
        self, visit: Visit | None, protocol: Protocol | None, decisions: Sequence[FollowUpDecision]
    ) -> None:
        follow_ups = visit.follow_ups if visit is not None else ()
        if visit is not None:
            self.chart.set_data(
                chart_data(
                    visit,
                    protocol,
                    decisions,
                    scale_name=words.scale_name(self.content, visit),
                    rules=self.content.rules,
                )
            )
        self.chart.setVisible(visit is not None)
        self.empty_note.setVisible(not follow_ups)
        self.table.setVisible(bool(follow_ups))
        self.remove_last.setVisible(bool(follow_ups))
        self.table.setRowCount(len(follow_ups))
        for row, (follow_up, decision) in enumerate(zip(follow_ups, decisions, strict=False)):
            for column, text in enumerate(words.history_cells(self.content, follow_up, decision)):
                item = QTableWidgetItem(text)
                if column in words.HISTORY_NUMBERS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if column == words.HISTORY_DECISION:
                    item.setForeground(QBrush(QColor(theme.DECISION_STYLE[decision.decision].ink)))
                    item.setToolTip(words.summary(self.content, decision))
                self.table.setItem(row, column, item)
        self._fit_height()

    def _fit_height(self) -> None:
        """Show every row: the page scrolls, not the table."""
        table = self.table
        table.resizeRowsToContents()
        height = table.horizontalHeader().sizeHint().height() + 2 * table.frameWidth()
        height += sum(table.rowHeight(row) for row in range(table.rowCount()))
        table.setFixedHeight(height)
