"""The dose calendar, and dates written so that no day or month can be read as another.

Weeks start on Monday on every document (the pack and every follow-up sheet), so a patient holding
two calendars sees the same columns; days before the first dose and after the review day are left
blank. A row never crosses a Monday or the first of a month, so each row holds one month (named in
full). A dose change does not split its week (a lone Monday on a row reads as missing days): the
band over the row names the new dose and its first day, which has a thick frame. Only a second change
in the same week starts a new row, so no row holds more than two doses.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from ldn_aid.content import ContentBundle
from ldn_aid.content.sheets_schema import SheetsText, Voice
from ldn_aid.domain.protocol import Protocol, Step, Timing
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.common import SHEET_TEXT_LIMIT, clean_user_text
from ldn_aid.handout.dose_text import step_amount
from ldn_aid.handout.model import Block, Calendar, CalendarWeek, Heading, Paragraph


def written_date(day: dt.date, words: SheetsText) -> str:
    """The full date: "Tuesday, December 1, 2026"; "martes 1 de diciembre de 2026"."""
    dates = words.dates
    return dates.full.format(
        weekday=dates.weekdays[day.weekday()], day=day.day, month=dates.months[day.month - 1], year=day.year
    )


def date_without_weekday(day: dt.date, words: SheetsText) -> str:
    """ "December 1, 2026"; "1 de diciembre de 2026" (month in full, where space is short)."""
    dates = words.dates
    return dates.no_weekday.format(day=day.day, month=dates.months[day.month - 1], year=day.year)


def month_and_year(day: dt.date, words: SheetsText) -> str:
    dates = words.dates
    return dates.month_year.format(month=dates.months[day.month - 1], year=day.year)


def voice_for(visit: Visit, content: ContentBundle) -> Voice:
    """ "child" (words for the parent or caregiver) under the adult age; "adult" otherwise or unknown."""
    age = visit.patient.age_years
    adult_age = content.rules.number("adult_age_years")
    return "child" if age is not None and age < adult_age else "adult"


def calendar_title(visit: Visit, timing: Timing, content: ContentBundle) -> str:
    """ "Dose calendar for Alex Example: LDN at bedtime" (without the name when the visit has none)."""
    words = content.language.sheets
    when = words.dose.timing[timing]
    name = clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT)
    if name:
        return words.calendar.title.format(name=name, timing=when)
    return words.calendar.title_no_name.format(timing=when)


def dose_calendar(
    steps: Sequence[Step],
    first: dt.date,
    last: dt.date,
    marked: Sequence[tuple[dt.date, str]],
    content: ContentBundle,
    title: str,
    first_is_new: bool = True,
    note: str = "",
) -> Calendar:
    """The days from `first` to `last` (the review day) inclusive, each row with the dose in force.

    `marked` gives each highlighted day with its label ("Next review"); the legend writes the date
    in full. A step that starts on or after `last` is left out: a dose change on the review day or
    later is the review's to decide, so the review day shows the dose still in force.
    `first_is_new` marks the first day as a new dose (a first dose, or a changed one); `note` is printed
    under the title (a follow-up sheet's "This calendar replaces the one you got on ...").
    """
    words = content.language.sheets
    language = content.language.language
    last = max(first, last)
    shown = [step for step in steps if step.start < last or step.start <= first]

    def in_force(day: dt.date) -> Step:
        started = [step for step in shown if step.start <= day]
        return started[-1] if started else shown[0]

    changes = {step.start for step in shown if first < step.start < last}
    # The days a new dose starts; a row holds at most one of them.
    new_days = changes | ({first} if first_is_new else set())
    rows: list[list[dt.date]] = []
    day = first
    while day <= last:
        second_change = day in new_days and bool(rows) and any(d in new_days for d in rows[-1])
        if not rows or day.weekday() == 0 or day.day == 1 or second_change:
            rows.append([])
        rows[-1].append(day)
        day += dt.timedelta(days=1)

    def week(row: list[dt.date]) -> CalendarWeek:
        new_at = next((i for i, d in enumerate(row) if d in new_days), None)
        step = in_force(row[new_at] if new_at is not None else row[0])
        starts = row[new_at] if new_at else None
        return CalendarWeek(
            label=month_and_year(row[0], words),
            dose=step_amount(step.dose_mg, step.volume_ml, language, words),
            days=tuple(row),
            day_labels=tuple(str(d.day) for d in row),
            offset=row[0].weekday(),
            new_dose=new_at is not None,
            new_dose_at=new_at or 0,
            new_dose_from=(
                words.calendar.new_dose_from.format(
                    weekday=words.dates.weekdays[starts.weekday()], day=starts.day
                )
                if starts is not None
                else ""
            ),
        )

    weeks = tuple(week(row) for row in rows)
    cal = words.calendar
    in_range = sorted((day, label) for day, label in marked if first <= day <= last)
    # The new-dose line only when a row carries the mark (the renderer gives it the frame's swatch).
    marks_new = any(week.new_dose for week in weeks)
    legend = (cal.legend_new_dose, cal.legend_ends) if marks_new else (cal.legend_ends,)
    return Calendar(
        title=title,
        note=note,
        weekday_names=words.dates.weekdays_short,
        weeks=weeks,
        marked=tuple(
            (day, cal.legend_day.format(label=label, date=written_date(day, words)))
            for day, label in in_range
        ),
        # No side columns: the bands over the rows name the month and the dose.
        dose_header="",
        week_header="",
        new_dose_mark=cal.new_dose if marks_new else "",
        legend=legend,
    )


def calendar_blocks(protocol: Protocol, visit: Visit, content: ContentBundle) -> list[Block]:
    """The pack's dose calendar: its heading, what to do with it, and the calendar from the first dose
    to the response review (with the side-effect check-up marked)."""
    words = content.language.sheets
    cal = words.calendar
    marked = (
        (protocol.tolerability_review, cal.tolerability_review),
        (protocol.response_review, cal.response_review),
    )
    blocks: list[Block] = [Heading(text=cal.heading, level=1)]
    blocks += [Paragraph(text=text) for text in cal.voice[voice_for(visit, content)].intro]
    blocks.append(
        dose_calendar(
            protocol.steps,
            protocol.start_date,
            protocol.response_review,
            marked,
            content,
            calendar_title(visit, protocol.timing, content),
        )
    )
    return blocks
