"""HistoryChart: doses over time and rating-scale scores, painted with QPainter (no chart library).

The dose is a step line on the left axis: solid for the schedule that was in force up to the latest
review, dashed for what is planned after it. Squares mark the dose each follow-up says was taken, and a
red line marks a stop. Scores are dots on the right axis, with the baseline as a dashed line and the
response rule's threshold as a dotted one. Colour supports the legend's words; it never carries the
meaning alone. What is shown is built, without Qt, by `ldn_aid.ui.present.chart`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Literal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ldn_aid.ui.present.chart import ChartData, DoseSegment, describe, score_text
from ldn_aid.ui.theme import CHART_DOSE_INK, CHART_RESPONSE_INK, CHART_SCORE_INK, CHART_STOP_INK

# Room for the axis labels on each side of the plot.
SIDE = 54
Mark = Literal["line", "dash", "dot", "square", "disc", "bar"]


@dataclass(frozen=True)
class LegendEntry:
    mark: Mark
    ink: str
    words: str


def legend(data: ChartData) -> tuple[LegendEntry, ...]:
    """The legend, in order: what each mark means (only the marks the chart can show)."""
    entries = [
        LegendEntry("line", CHART_DOSE_INK, "dose in force"),
        LegendEntry("dash", CHART_DOSE_INK, "planned"),
        LegendEntry("square", CHART_DOSE_INK, "dose taken"),
        LegendEntry("disc", CHART_SCORE_INK, "score"),
        LegendEntry("dash", CHART_SCORE_INK, "baseline"),
    ]
    if data.response_score is not None:
        entries.append(LegendEntry("dot", CHART_RESPONSE_INK, "response threshold"))
    if data.stops:
        entries.append(LegendEntry("bar", CHART_STOP_INK, "stop"))
    return tuple(entries)


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    for step in (1, 2, 3, 5, 6, 10, 12, 15, 20, 25, 50, 100):
        if step >= raw:
            return float(step)
    return float(round(raw))


def date_ticks(first: dt.date, last: dt.date) -> list[dt.date]:
    """Mondays weekly or fortnightly for a short span; the 1st of every 1, 2 or 3 months otherwise."""
    days = (last - first).days
    ticks: list[dt.date] = []
    if days <= 70:
        every = 7 if days <= 42 else 14
        tick = first + dt.timedelta(days=(7 - first.weekday()) % 7)
        while tick <= last:
            ticks.append(tick)
            tick += dt.timedelta(days=every)
        return ticks
    months = 1 if days <= 200 else 2 if days <= 400 else 3
    year, month = first.year, first.month + 1
    while True:
        if month > 12:
            year, month = year + 1, month - 12
        tick = dt.date(year, month, 1)
        if tick > last:
            return ticks
        ticks.append(tick)
        month += months


class _Scales:
    """Days across, mg on the left, score on the right, for one plot rectangle."""

    def __init__(self, data: ChartData, plot: QRectF) -> None:
        self.plot = plot
        dates = data.dates()
        first, last = min(dates), max(dates)
        pad = max(2, (last - first).days // 30)
        # More room on the right, for the labels beside the latest points.
        self.first, self.last = first - dt.timedelta(days=pad), last + dt.timedelta(days=2 * pad + 2)
        self.days = max(1, (self.last - self.first).days)
        self.dose_top = data.dose_top()
        self.score_low, score_high = data.score_range
        self.score_high = score_high
        self.score_span = max(score_high - self.score_low, 1e-9)

    def x(self, day: dt.date) -> float:
        return self.plot.left() + self.plot.width() * (day - self.first).days / self.days

    def y_dose(self, dose: Decimal) -> float:
        return self.plot.bottom() - self.plot.height() * float(dose) / self.dose_top

    def y_score(self, value: float) -> float:
        return self.plot.bottom() - self.plot.height() * (value - self.score_low) / self.score_span


class HistoryChart(QWidget):
    """Dose (left axis, mg) and score (right axis) over time; `set_data()` replaces what it shows."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("followup.chart")
        self.setAccessibleName("Doses and scores over time")
        self.setMinimumHeight(220)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Fixed)
        self.data = ChartData()
        self.set_data(self.data)

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(640, 240)

    def set_data(self, data: ChartData) -> None:
        self.data = data
        text = describe(data)
        self.setAccessibleDescription(text)
        self.setToolTip(text)
        self.update()

    # ---- painting ---------------------------------------------------------------------------------

    def paintEvent(self, _event: QPaintEvent) -> None:  # noqa: N802 - Qt override
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        self._ink = palette.color(QPalette.ColorRole.WindowText)
        self._base = palette.color(QPalette.ColorRole.Base)
        painter.fillRect(self.rect(), self._base)
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        self._metrics = QFontMetrics(small)
        line = self._metrics.height()
        plot = QRectF(self.rect()).adjusted(SIDE, 10 + 2 * line, -SIDE, -(line * 2 + 16))
        if self.data.empty or plot.width() < 80 or plot.height() < 40:
            painter.setPen(self._ink)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "No doses or scores yet.")
            return
        scales = _Scales(self.data, plot)
        self._paint_axes(painter, scales, small)
        self._paint_dates(painter, scales)
        self._paint_score_lines(painter, scales)
        self._paint_dose_line(painter, scales)
        self._paint_stops(painter, scales)
        self._paint_points(painter, scales)
        self._paint_legend(painter)

    def _faded(self, alpha: int) -> QColor:
        color = QColor(self._ink)
        color.setAlpha(alpha)
        return color

    def _paint_axes(self, painter: QPainter, scales: _Scales, small: QFont) -> None:
        """Grid lines at the protocol's steps (or whole mg), both axes' ticks, the frame and titles."""
        plot, line, data = scales.plot, self._metrics.height(), self.data
        right, vcentre = Qt.AlignmentFlag.AlignRight, Qt.AlignmentFlag.AlignVCenter
        ticks = sorted(set(data.ladder)) or [Decimal(n) for n in range(1, int(scales.dose_top) + 1)]
        painter.setPen(QPen(self._faded(40), 1))
        for dose in ticks:
            y = scales.y_dose(dose)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(CHART_DOSE_INK))
        for dose in [Decimal(0), *ticks]:
            y = scales.y_dose(dose)
            painter.drawText(QRectF(0, y - line / 2, plot.left() - 6, line), right | vcentre, f"{dose:g}")
        painter.setPen(QColor(CHART_SCORE_INK))
        value, step = scales.score_low, _nice_step(scales.score_span)
        while value <= scales.score_high + 1e-9:
            y = scales.y_score(value)
            rect = QRectF(plot.right() + 6, y - line / 2, 48, line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | vcentre, score_text(value))
            value += step
        painter.setPen(QPen(self._faded(160), 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        painter.drawLine(plot.topRight(), plot.bottomRight())
        bold = QFont(small)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(CHART_DOSE_INK))
        painter.drawText(
            QRectF(4, plot.top() - line * 1.6, 200, line), Qt.AlignmentFlag.AlignLeft, "Dose (mg)"
        )
        painter.setPen(QColor(CHART_SCORE_INK))
        title = QRectF(plot.right() - 300, plot.top() - line * 1.6, 350, line)
        painter.drawText(title, right, f"Score ({data.score_name})")
        painter.setFont(small)

    def _paint_dates(self, painter: QPainter, scales: _Scales) -> None:
        """Date ticks along the bottom, with the year where it changes; crowded labels are skipped."""
        plot, line = scales.plot, self._metrics.height()
        shown_year: int | None = None
        right_edge = -1e9
        for tick in date_ticks(scales.first, scales.last):
            x = scales.x(tick)
            painter.setPen(QPen(self._faded(160), 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            label = f"{tick.day} {tick.strftime('%b')}"
            if tick.year != shown_year:
                label += f" {tick.year}"
                shown_year = tick.year
            width = self._metrics.horizontalAdvance(label)
            if x - width / 2 < right_edge + 6:
                continue
            right_edge = x + width / 2
            rect = QRectF(x - width / 2 - 2, plot.bottom() + 6, width + 4, line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)

    def _paint_score_lines(self, painter: QPainter, scales: _Scales) -> None:
        """The baseline (dashed, with its dot and value) and the response threshold (dotted)."""
        plot, line, data = scales.plot, self._metrics.height(), self.data
        left = Qt.AlignmentFlag.AlignLeft
        if data.baseline is not None:
            day, value = data.baseline
            y = scales.y_score(value)
            painter.setPen(QPen(QColor(CHART_SCORE_INK), 1.2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setBrush(self._base)
            painter.setPen(QPen(QColor(CHART_SCORE_INK), 2))
            painter.drawEllipse(QPointF(scales.x(day), y), 4.5, 4.5)
            painter.setPen(QColor(CHART_SCORE_INK))
            label = f"baseline {score_text(value)}"
            width = self._metrics.horizontalAdvance(label) + 4
            painter.drawText(QRectF(scales.x(day) + 8, y - line - 1, width, line), left, label)
        if data.response_score is not None:
            y = scales.y_score(data.response_score)
            painter.setPen(QPen(QColor(CHART_RESPONSE_INK), 1.2, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(CHART_RESPONSE_INK))
            label = f"response: {score_text(round(data.response_score, 1))} or lower"
            width = self._metrics.horizontalAdvance(label) + 4
            painter.drawText(QRectF(plot.left() + 4, y + 1, width, line), left, label)

    def _paint_dose_line(self, painter: QPainter, scales: _Scales) -> None:
        """The dose step line: solid where it was in force, dashed where it is planned."""
        previous: DoseSegment | None = None
        for segment in self.data.segments:
            style = Qt.PenStyle.DashLine if segment.planned else Qt.PenStyle.SolidLine
            painter.setPen(QPen(QColor(CHART_DOSE_INK), 2.5, style, Qt.PenCapStyle.FlatCap))
            x, y = scales.x(segment.start), scales.y_dose(segment.dose_mg)
            if previous is not None and previous.end == segment.start:
                painter.drawLine(QPointF(x, scales.y_dose(previous.dose_mg)), QPointF(x, y))
            painter.drawLine(QPointF(x, y), QPointF(scales.x(segment.end), y))
            previous = segment

    def _paint_stops(self, painter: QPainter, scales: _Scales) -> None:
        plot, line = scales.plot, self._metrics.height()
        for day in self.data.stops:
            x = scales.x(day)
            painter.setPen(QPen(QColor(CHART_STOP_INK), 2))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            width = self._metrics.horizontalAdvance("stop") + 4
            left = x + 4 if x + 4 + width < plot.right() else x - 4 - width
            painter.drawText(QRectF(left, plot.top(), width, line), Qt.AlignmentFlag.AlignLeft, "stop")

    def _paint_points(self, painter: QPainter, scales: _Scales) -> None:
        """Doses taken (squares) and scores (dots, with their values beside them)."""
        line = self._metrics.height()
        painter.setPen(QPen(QColor(CHART_DOSE_INK).darker(140), 1))
        painter.setBrush(QColor(CHART_DOSE_INK))
        for day, dose in self.data.taken:
            painter.drawRect(QRectF(scales.x(day) - 4, scales.y_dose(dose) - 4, 8, 8))
        for day, value in self.data.scores:
            point = QPointF(scales.x(day), scales.y_score(value))
            painter.setPen(QPen(QColor(CHART_SCORE_INK).darker(130), 1))
            painter.setBrush(QColor(CHART_SCORE_INK))
            painter.drawEllipse(point, 4.5, 4.5)
            painter.setPen(QColor(CHART_SCORE_INK))
            label = score_text(value)
            width = self._metrics.horizontalAdvance(label) + 4
            rect = QRectF(point.x() - width - 6, point.y() - line / 2, width, line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, label)
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_legend(self, painter: QPainter) -> None:
        line = self._metrics.height()
        y = self.height() - line - 2
        x = float(SIDE)
        for entry in legend(self.data):
            x = self._paint_mark(painter, entry, x, y + line / 2)
            painter.setPen(self._ink)
            width = self._metrics.horizontalAdvance(entry.words)
            painter.drawText(QRectF(x, y, width + 4, line), entry.words)
            x += width + 16
        painter.setBrush(Qt.BrushStyle.NoBrush)

    def _paint_mark(self, painter: QPainter, entry: LegendEntry, x: float, mid: float) -> float:
        """One legend mark at `x`; returns where its words start."""
        ink = QColor(entry.ink)
        if entry.mark in ("line", "dash", "dot"):
            style = {"line": Qt.PenStyle.SolidLine, "dash": Qt.PenStyle.DashLine, "dot": Qt.PenStyle.DotLine}
            painter.setPen(QPen(ink, 2.5 if entry.ink == CHART_DOSE_INK else 1.2, style[entry.mark]))
            painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
            return x + 26
        if entry.mark == "bar":
            line = self._metrics.height()
            painter.setPen(QPen(ink, 2))
            painter.drawLine(QPointF(x + 4, mid - line / 2), QPointF(x + 4, mid + line / 2))
            return x + 10
        painter.setPen(QPen(ink.darker(140 if entry.mark == "square" else 130), 1))
        painter.setBrush(ink)
        if entry.mark == "square":
            painter.drawRect(QRectF(x, mid - 4, 8, 8))
        else:
            painter.drawEllipse(QPointF(x + 4, mid), 4.5, 4.5)
        return x + 12
