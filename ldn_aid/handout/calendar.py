"""The dose calendar: one row per week from the first dose to the review day."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ldn_aid.content.handout_schema import HandoutText
from ldn_aid.domain.protocol import Step
from ldn_aid.handout.dose_text import dose_text
from ldn_aid.handout.model import (
    Calendar,
    CalendarWeek,
)


def dose_calendar(
    steps: Sequence[Step],
    first: dt.date,
    last: dt.date,
    marked: tuple[tuple[dt.date, str], ...],
    words: HandoutText,
) -> Calendar:
    """The days from `first` to `last` (the review day) inclusive, a row per week, each with the dose in
    force.

    A step that starts on or after `last` is left out: a dose change on the review day or later is the
    review's to decide, so the review day shows the dose still in force. A step that starts inside a
    week starts a new row (the row before it ends the day before), so a row never holds two doses.
    """
    labels = words.labels
    last = max(first, last)
    shown = [step for step in steps if step.start < last or step.start <= first]

    def in_force(day: dt.date) -> Step:
        started = [step for step in shown if step.start <= day]
        return started[-1] if started else shown[0]

    changes = {step.start for step in shown if first < step.start < last}
    rows: list[list[dt.date]] = []
    day = first
    while day <= last:
        if not rows or (day - first).days % 7 == 0 or day in changes:
            rows.append([])
        rows[-1].append(day)
        day += dt.timedelta(days=1)

    weeks: list[CalendarWeek] = []
    for row in rows:
        step = in_force(row[0])
        day_labels = tuple(
            f"{d.day} {words.months[d.month - 1]}" if (d == first or d.day == 1) else str(d.day) for d in row
        )
        weeks.append(
            CalendarWeek(
                label=f"{(row[0] - first).days // 7 + 1}",
                dose=dose_text(step.dose_mg, step.volume_ml),
                days=tuple(row),
                day_labels=day_labels,
                offset=(row[0] - first).days % 7,
            )
        )
    return Calendar(
        weekday_names=tuple(words.weekdays[(first.weekday() + i) % 7] for i in range(7)),
        weeks=tuple(weeks),
        marked=marked,
        dose_header=labels["dose"],
        week_header=labels["week"],
    )
