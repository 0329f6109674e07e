"""HistoryChart: doses over time and rating-scale scores, painted with QPainter (no chart library).

The dose is a step line on the left axis: solid for the schedule that was in force up to the latest
review, dashed for what is planned after it. Squares mark the dose each follow-up says was taken, and a
red line marks a stop. Scores are dots on the right axis, with the baseline as a dashed line and the
response rule's threshold as a dotted one. Colour supports the legend's words; it never carries the
meaning alone. `chart_data()` builds what the widget shows from a visit and its reviews.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from PySide6.QtCore import QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter, QPaintEvent, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QWidget

from ldn_aid.domain.followup import FollowUpDecision
from ldn_aid.domain.protocol import Protocol, Step
from ldn_aid.domain.visit import SCALE_RANGES, Visit

DOSE_INK = "#1f5fa8"
SCORE_INK = "#8a4b00"
RESPONSE_INK = "#1b6e2a"
STOP_INK = "#b00020"
# How far the last planned step is drawn when nothing says where it ends.
OPEN_END = dt.timedelta(weeks=2)


@dataclass(frozen=True)
class DoseSegment:
    """One dose held from `start` up to (not including) `end`; `planned` is after the latest review."""

    start: dt.date
    end: dt.date
    dose_mg: Decimal
    planned: bool


@dataclass(frozen=True)
class ChartData:
    segments: tuple[DoseSegment, ...] = ()
    taken: tuple[tuple[dt.date, Decimal], ...] = ()
    scores: tuple[tuple[dt.date, float], ...] = ()
    baseline: tuple[dt.date, float] | None = None
    # A score at or below this meets the response rule's fall (CGI-I is judged as well).
    response_score: float | None = None
    response_fall_percent: int | None = None
    score_range: tuple[float, float] = (0, 1)
    score_name: str = "Score"
    stops: tuple[dt.date, ...] = ()
    ladder: tuple[Decimal, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.segments or self.taken or self.scores or self.baseline)

    def dates(self) -> list[dt.date]:
        found = [d for s in self.segments for d in (s.start, s.end)]
        found += [d for d, _ in self.taken] + [d for d, _ in self.scores] + list(self.stops)
        if self.baseline is not None:
            found.append(self.baseline[0])
        return found


def _clip(steps: Sequence[Step], start: dt.date, end: dt.date, planned: bool) -> list[DoseSegment]:
    """The steps of a schedule that fall between `start` and `end`, as segments."""
    out: list[DoseSegment] = []
    for index, step in enumerate(steps):
        step_end = steps[index + 1].start if index + 1 < len(steps) else end
        begin, finish = max(step.start, start), min(step_end, end)
        if begin < finish:
            out.append(DoseSegment(begin, finish, step.dose_mg, planned))
    return out


def chart_data(
    visit: Visit,
    protocol: Protocol | None,
    decisions: Sequence[FollowUpDecision],
    *,
    scale_name: str,
    response_fall_percent: int | None = None,
) -> ChartData:
    """What the chart shows for `visit`: `decisions[i]` is the review of `visit.follow_ups[i]`."""
    segments: list[DoseSegment] = []
    schedule: tuple[Step, ...] = protocol.steps if protocol is not None else ()
    since = protocol.start_date if protocol is not None else visit.visit_date
    stops: list[dt.date] = []
    for follow_up, decision in zip(visit.follow_ups, decisions, strict=False):
        segments += _clip(schedule, since, follow_up.date, planned=False)
        schedule, since = decision.revised_steps, follow_up.date
        if decision.decision == "stop":
            stops.append(follow_up.date)
    if schedule:
        if decisions and decisions[-1].next_review is not None:
            end = decisions[-1].next_review
        elif not decisions and protocol is not None:
            end = protocol.response_review
        else:
            end = max(schedule[-1].start, since) + OPEN_END
        end = max(end, schedule[-1].start + dt.timedelta(days=7))
        segments += _clip(schedule, since, end, planned=True)

    baseline = visit.diagnosis.baseline
    score_range: tuple[float, float] = (0, 1)
    response_score = None
    if baseline is not None:
        low, high = SCALE_RANGES[baseline.scale]
        score_range = (float(low), float(high))
        if response_fall_percent is not None:
            response_score = baseline.score * (100 - response_fall_percent) / 100
    scores = tuple((f.date, f.score) for f in visit.follow_ups if f.score is not None)
    if baseline is None and scores:
        score_range = (0, max(score for _, score in scores))
    return ChartData(
        segments=tuple(segments),
        taken=tuple((f.date, f.dose_mg) for f in visit.follow_ups),
        scores=scores,
        baseline=(baseline.date, baseline.score) if baseline is not None else None,
        response_score=response_score,
        response_fall_percent=response_fall_percent if response_score is not None else None,
        score_range=score_range,
        score_name=scale_name,
        stops=tuple(stops),
        ladder=tuple(step.dose_mg for step in protocol.steps) if protocol is not None else (),
    )


def _mg(dose: Decimal) -> str:
    return f"{dose:.1f} mg"


def _score(value: float) -> str:
    return f"{value:g}"


def describe(data: ChartData) -> str:
    """The chart in words, for screen readers and tooltips."""
    if data.empty:
        return "No doses or scores to show yet."
    parts: list[str] = []
    done = [s for s in data.segments if not s.planned]
    planned = [s for s in data.segments if s.planned]
    if done:
        parts.append(
            "Dose in force: " + "; ".join(f"{_mg(s.dose_mg)} from {s.start.isoformat()}" for s in done) + "."
        )
    if planned:
        parts.append(
            "Planned: "
            + "; ".join(f"{_mg(s.dose_mg)} from {s.start.isoformat()}" for s in planned)
            + f", until {planned[-1].end.isoformat()}."
        )
    if data.taken:
        parts.append(
            "Doses taken at follow-ups: "
            + "; ".join(f"{_mg(dose)} on {day.isoformat()}" for day, dose in data.taken)
            + "."
        )
    if data.stops:
        parts.append("Stopped on " + ", ".join(day.isoformat() for day in data.stops) + ".")
    if data.baseline is not None:
        day, value = data.baseline
        parts.append(f"{data.score_name} baseline {_score(value)} on {day.isoformat()}.")
    if data.scores:
        words = []
        for day, value in data.scores:
            text = f"{_score(value)} on {day.isoformat()}"
            if data.baseline is not None and data.baseline[1] > 0:
                change = (data.baseline[1] - value) * 100 / data.baseline[1]
                text += f" ({'down' if change >= 0 else 'up'} {abs(change):.0f}% from baseline)"
            words.append(text)
        parts.append("Scores: " + "; ".join(words) + ".")
    else:
        parts.append("No follow-up score recorded.")
    if data.response_score is not None:
        parts.append(
            f"The response rule needs {_score(round(data.response_score, 1))} or lower"
            f" (a fall of {data.response_fall_percent}% or more) with a CGI-I of 1 or 2."
        )
    return " ".join(parts)


def _nice_step(span: float, ticks: int = 4) -> float:
    raw = span / ticks
    for step in (1, 2, 3, 5, 6, 10, 12, 15, 20, 25, 50, 100):
        if step >= raw:
            return float(step)
    return float(round(raw))


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
        data = self.data
        palette = self.palette()
        text_ink = palette.color(QPalette.ColorRole.WindowText)
        painter.fillRect(self.rect(), palette.color(QPalette.ColorRole.Base))
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, small.pointSizeF() * 0.85))
        painter.setFont(small)
        metrics = QFontMetrics(small)
        line = metrics.height()
        plot = QRectF(self.rect()).adjusted(54, 10 + 2 * line, -54, -(line * 2 + 16))
        if data.empty or plot.width() < 80 or plot.height() < 40:
            painter.setPen(text_ink)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "No doses or scores yet.")
            return

        # Scales: days across, mg on the left, score on the right.
        dates = data.dates()
        first, last = min(dates), max(dates)
        pad = max(2, (last - first).days // 30)
        # More room on the right, for the labels beside the latest points.
        first, last = first - dt.timedelta(days=pad), last + dt.timedelta(days=2 * pad + 2)
        days = max(1, (last - first).days)
        doses = [s.dose_mg for s in data.segments] + [d for _, d in data.taken] + list(data.ladder)
        dose_top = float(max(doses)) * 1.15 if doses else 1.0
        score_low, score_high = data.score_range
        score_span = max(score_high - score_low, 1e-9)

        def x_of(day: dt.date) -> float:
            return plot.left() + plot.width() * (day - first).days / days

        def y_dose(dose: Decimal) -> float:
            return plot.bottom() - plot.height() * float(dose) / dose_top

        def y_score(value: float) -> float:
            return plot.bottom() - plot.height() * (value - score_low) / score_span

        grid = QColor(text_ink)
        grid.setAlpha(40)
        axis = QColor(text_ink)
        axis.setAlpha(160)

        # Dose grid lines at the protocol's steps (or whole mg), labelled on the left axis.
        ticks = sorted(set(data.ladder)) or [Decimal(n) for n in range(1, int(dose_top) + 1)]
        painter.setPen(QPen(grid, 1))
        for dose in ticks:
            y = y_dose(dose)
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(QColor(DOSE_INK))
        for dose in [Decimal(0), *ticks]:
            y = y_dose(dose)
            rect = QRectF(0, y - line / 2, plot.left() - 6, line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, f"{dose:g}")

        # Score ticks on the right axis.
        painter.setPen(QColor(SCORE_INK))
        step = _nice_step(score_span)
        value = score_low
        while value <= score_high + 1e-9:
            y = y_score(value)
            rect = QRectF(plot.right() + 6, y - line / 2, 48, line)
            painter.drawText(rect, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, _score(value))
            value += step

        # Date ticks along the bottom: weekly, fortnightly or monthly, with the year where it changes.
        self._paint_dates(painter, plot, first, last, x_of, metrics, axis)

        # Axes and their titles.
        painter.setPen(QPen(axis, 1))
        painter.drawLine(plot.bottomLeft(), plot.bottomRight())
        painter.drawLine(plot.topLeft(), plot.bottomLeft())
        painter.drawLine(plot.topRight(), plot.bottomRight())
        bold = QFont(small)
        bold.setBold(True)
        painter.setFont(bold)
        painter.setPen(QColor(DOSE_INK))
        painter.drawText(
            QRectF(4, plot.top() - line * 1.6, 200, line), Qt.AlignmentFlag.AlignLeft, "Dose (mg)"
        )
        painter.setPen(QColor(SCORE_INK))
        painter.drawText(
            QRectF(plot.right() - 300, plot.top() - line * 1.6, 350, line),
            Qt.AlignmentFlag.AlignRight,
            f"Score ({data.score_name})",
        )
        painter.setFont(small)

        # Baseline and response threshold on the score axis.
        if data.baseline is not None:
            day, value = data.baseline
            y = y_score(value)
            painter.setPen(QPen(QColor(SCORE_INK), 1.2, Qt.PenStyle.DashLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setBrush(palette.color(QPalette.ColorRole.Base))
            painter.setPen(QPen(QColor(SCORE_INK), 2))
            painter.drawEllipse(QPointF(x_of(day), y), 4.5, 4.5)
            painter.setPen(QColor(SCORE_INK))
            label = f"baseline {_score(value)}"
            painter.drawText(
                QRectF(x_of(day) + 8, y - line - 1, metrics.horizontalAdvance(label) + 4, line),
                Qt.AlignmentFlag.AlignLeft,
                label,
            )
        if data.response_score is not None:
            y = y_score(data.response_score)
            painter.setPen(QPen(QColor(RESPONSE_INK), 1.2, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(QColor(RESPONSE_INK))
            label = f"response: {_score(round(data.response_score, 1))} or lower"
            width = metrics.horizontalAdvance(label) + 4
            painter.drawText(QRectF(plot.left() + 4, y + 1, width, line), Qt.AlignmentFlag.AlignLeft, label)

        # The dose step line: solid where it was in force, dashed where it is planned.
        previous: DoseSegment | None = None
        for segment in data.segments:
            style = Qt.PenStyle.DashLine if segment.planned else Qt.PenStyle.SolidLine
            painter.setPen(QPen(QColor(DOSE_INK), 2.5, style, Qt.PenCapStyle.FlatCap))
            y = y_dose(segment.dose_mg)
            if previous is not None and previous.end == segment.start:
                painter.drawLine(
                    QPointF(x_of(segment.start), y_dose(previous.dose_mg)), QPointF(x_of(segment.start), y)
                )
            painter.drawLine(QPointF(x_of(segment.start), y), QPointF(x_of(segment.end), y))
            previous = segment

        # Stops.
        for day in data.stops:
            x = x_of(day)
            painter.setPen(QPen(QColor(STOP_INK), 2))
            painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
            width = metrics.horizontalAdvance("stop") + 4
            left = x + 4 if x + 4 + width < plot.right() else x - 4 - width
            painter.drawText(QRectF(left, plot.top(), width, line), Qt.AlignmentFlag.AlignLeft, "stop")

        # Doses taken (squares) and scores (dots, with their values).
        painter.setPen(QPen(QColor(DOSE_INK).darker(140), 1))
        painter.setBrush(QColor(DOSE_INK))
        for day, dose in data.taken:
            painter.drawRect(QRectF(x_of(day) - 4, y_dose(dose) - 4, 8, 8))
        for day, value in data.scores:
            point = QPointF(x_of(day), y_score(value))
            painter.setPen(QPen(QColor(SCORE_INK).darker(130), 1))
            painter.setBrush(QColor(SCORE_INK))
            painter.drawEllipse(point, 4.5, 4.5)
            painter.setPen(QColor(SCORE_INK))
            label = _score(value)
            width = metrics.horizontalAdvance(label) + 4
            painter.drawText(
                QRectF(point.x() - width - 6, point.y() - line / 2, width, line),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
        painter.setBrush(Qt.BrushStyle.NoBrush)
        self._paint_legend(painter, metrics, text_ink)

    def _paint_dates(
        self,
        painter: QPainter,
        plot: QRectF,
        first: dt.date,
        last: dt.date,
        x_of: Callable[[dt.date], float],
        metrics: QFontMetrics,
        axis: QColor,
    ) -> None:
        days = (last - first).days
        if days <= 70:
            # Mondays, every week (or every other week when they would crowd).
            every = 7 if days <= 42 else 14
            tick = first + dt.timedelta(days=(7 - first.weekday()) % 7)
            ticks = []
            while tick <= last:
                ticks.append(tick)
                tick += dt.timedelta(days=every)
        else:
            months = 1 if days <= 200 else 2 if days <= 400 else 3
            year, month = first.year, first.month + 1
            ticks = []
            while True:
                if month > 12:
                    year, month = year + 1, month - 12
                tick = dt.date(year, month, 1)
                if tick > last:
                    break
                ticks.append(tick)
                month += months
        line = metrics.height()
        shown_year: int | None = None
        right_edge = -1e9
        for tick in ticks:
            x = x_of(tick)
            painter.setPen(QPen(axis, 1))
            painter.drawLine(QPointF(x, plot.bottom()), QPointF(x, plot.bottom() + 4))
            label = f"{tick.day} {tick.strftime('%b')}"
            if tick.year != shown_year:
                label += f" {tick.year}"
                shown_year = tick.year
            width = metrics.horizontalAdvance(label)
            if x - width / 2 < right_edge + 6:
                continue
            right_edge = x + width / 2
            painter.setPen(axis)
            painter.drawText(
                QRectF(x - width / 2 - 2, plot.bottom() + 6, width + 4, line),
                Qt.AlignmentFlag.AlignCenter,
                label,
            )

    def _paint_legend(self, painter: QPainter, metrics: QFontMetrics, ink: QColor) -> None:
        line = metrics.height()
        y = self.height() - line - 2
        x = 54.0
        mid = y + line / 2

        def words(text: str) -> None:
            nonlocal x
            painter.setPen(ink)
            painter.drawText(QRectF(x, y, metrics.horizontalAdvance(text) + 4, line), text)
            x += metrics.horizontalAdvance(text) + 16

        painter.setPen(QPen(QColor(DOSE_INK), 2.5))
        painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
        x += 26
        words("dose in force")
        painter.setPen(QPen(QColor(DOSE_INK), 2.5, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
        x += 26
        words("planned")
        painter.setPen(QPen(QColor(DOSE_INK).darker(140), 1))
        painter.setBrush(QColor(DOSE_INK))
        painter.drawRect(QRectF(x, mid - 4, 8, 8))
        x += 12
        words("dose taken")
        painter.setPen(QPen(QColor(SCORE_INK).darker(130), 1))
        painter.setBrush(QColor(SCORE_INK))
        painter.drawEllipse(QPointF(x + 4, mid), 4.5, 4.5)
        x += 12
        words("score")
        painter.setPen(QPen(QColor(SCORE_INK), 1.2, Qt.PenStyle.DashLine))
        painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
        x += 26
        words("baseline")
        if self.data.response_score is not None:
            painter.setPen(QPen(QColor(RESPONSE_INK), 1.2, Qt.PenStyle.DotLine))
            painter.drawLine(QPointF(x, mid), QPointF(x + 22, mid))
            x += 26
            words("response threshold")
        if self.data.stops:
            painter.setPen(QPen(QColor(STOP_INK), 2))
            painter.drawLine(QPointF(x + 4, y), QPointF(x + 4, y + line))
            x += 10
            words("stop")
        painter.setBrush(Qt.BrushStyle.NoBrush)
