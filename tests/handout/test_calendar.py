"""The dose calendar (issue 11): portrait at every paper and print size, weeks from Monday on every
document, one month (in full) and one dose per row, a mark on a new dose, the name and the time of
day in its title, a legend with full dates inside the page, tick boxes of 6 mm or more."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal
from pathlib import Path

import pdf_checks as pc
import pdfplumber
import pytest
from samples import example

from ldn_aid.content import load_content
from ldn_aid.domain.protocol import Protocol, Step
from ldn_aid.domain.visit import Visit
from ldn_aid.handout import model
from ldn_aid.handout.calendar import calendar_blocks, dose_calendar, written_date
from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes
from ldn_aid.rules import decide
from ldn_aid.visit_file import load_visit

CASES = Path(__file__).resolve().parent / "cases"
MM = 72 / 25.4
STEPS = (
    Step(start=dt.date(2026, 12, 1), dose_mg=Decimal("1.5"), volume_ml=None),
    Step(start=dt.date(2026, 12, 15), dose_mg=Decimal("3.0"), volume_ml=None),
    Step(start=dt.date(2026, 12, 29), dose_mg=Decimal("4.5"), volume_ml=None),
)


def _plan(visit: Visit) -> Protocol:
    protocol = decide(visit).protocol
    assert protocol is not None
    return protocol


def _calendar(blocks: list[model.Block]) -> model.Calendar:
    (calendar,) = [b for b in blocks if isinstance(b, model.Calendar)]
    return calendar


def _sheet(blocks: list[model.Block], language: str) -> model.Handout:
    return model.Handout(
        language=language,  # type: ignore[arg-type]
        title="calendar",
        patient_name="Alex Example",
        blocks=tuple(blocks),
        footer="",
        page_label="",
        has_plan=True,
    )


def test_rows_are_whole_weeks_from_monday_within_one_month_and_a_dose_change_keeps_its_week() -> None:
    """A row never crosses a Monday or a month, and a dose change does not split its week (a lone
    Monday on a row read as missing days to the patient reviewer): the row names the new dose and the
    day it starts, whose box gets the frame."""
    content = load_content("en")
    cal = dose_calendar(STEPS, dt.date(2026, 12, 1), dt.date(2027, 2, 23), (), content, "title")
    rows = [
        (week.days[0], week.days[-1], week.offset, week.label, week.new_dose, week.new_dose_at)
        for week in cal.weeks
    ]
    assert rows[:5] == [
        (dt.date(2026, 12, 1), dt.date(2026, 12, 6), 1, "December 2026", True, 0),  # Tuesday: Monday blank
        (dt.date(2026, 12, 7), dt.date(2026, 12, 13), 0, "December 2026", False, 0),
        (dt.date(2026, 12, 14), dt.date(2026, 12, 20), 0, "December 2026", True, 1),  # 3 mg from Tuesday
        (dt.date(2026, 12, 21), dt.date(2026, 12, 27), 0, "December 2026", False, 0),
        (dt.date(2026, 12, 28), dt.date(2026, 12, 31), 0, "December 2026", True, 1),
    ]
    assert rows[5][:4] == (dt.date(2027, 1, 1), dt.date(2027, 1, 3), 4, "January 2027")
    assert [w.new_dose_from for w in cal.weeks[:3]] == ["", "", "from Tuesday 15"]
    assert cal.weeks[4].new_dose_from == "from Tuesday 29"
    for week in cal.weeks:
        assert week.days[0].weekday() == week.offset
        assert {day.month for day in week.days} == {week.days[0].month}
        assert week.day_labels == tuple(str(day.day) for day in week.days)
    days = [day for week in cal.weeks for day in week.days]
    assert days == [dt.date(2026, 12, 1) + dt.timedelta(days=i) for i in range(len(days))]
    assert days[-1] == dt.date(2027, 2, 23)
    # A row's dose is the one from its new-dose day on: 3 mg on the row of December 14 to 20.
    assert [w.dose for w in cal.weeks][:3] == ["1 capsule of 1.5\xa0mg"] * 2 + ["1 capsule of 3\xa0mg"]
    assert cal.weekday_names == ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
    assert cal.new_dose_mark == "NEW DOSE"


def test_two_dose_changes_in_one_week_start_a_new_row_at_the_second() -> None:
    content = load_content("en")
    steps = (
        STEPS[0],
        STEPS[1].model_copy(update={"start": dt.date(2026, 12, 2)}),
        STEPS[2].model_copy(update={"start": dt.date(2026, 12, 4)}),
    )
    cal = dose_calendar(steps, dt.date(2026, 12, 1), dt.date(2026, 12, 13), (), content, "title")
    # Tuesday 1 (the first dose), Wednesday 2 and Friday 4 each start a dose: one per row.
    rows = [(w.days[0].day, w.days[-1].day, w.new_dose, w.new_dose_at) for w in cal.weeks]
    assert rows == [(1, 1, True, 0), (2, 3, True, 0), (4, 6, True, 0), (7, 13, False, 0)]
    assert [w.dose for w in cal.weeks] == [
        "1 capsule of 1.5\xa0mg",
        "1 capsule of 3\xa0mg",
        "1 capsule of 4.5\xa0mg",
        "1 capsule of 4.5\xa0mg",
    ]


def test_a_dose_change_on_or_after_the_review_day_is_not_on_the_calendar() -> None:
    content = load_content("en")
    cal = dose_calendar(STEPS, dt.date(2026, 12, 1), dt.date(2026, 12, 15), (), content, "title")
    assert {week.dose for week in cal.weeks} == {"1 capsule of 1.5\xa0mg"}
    assert cal.weeks[-1].days[-1] == dt.date(2026, 12, 15)
    assert [week.new_dose for week in cal.weeks] == [True, False, False]


@pytest.mark.parametrize("language", ["en", "es"])
def test_the_pack_calendar_names_the_patient_the_time_and_the_marked_days_in_full(language: str) -> None:
    visit = example("ldn_option")
    content = load_content(language)
    protocol = _plan(visit)
    blocks = calendar_blocks(protocol, visit, content)
    cal = _calendar(blocks)
    sheets = content.language.sheets
    assert "Alex Example" in cal.title
    assert sheets.dose.timing[protocol.timing] in cal.title
    assert cal.weeks[0].days[0] == protocol.start_date
    assert cal.weeks[-1].days[-1] == protocol.response_review
    assert dict(cal.marked) == {
        protocol.tolerability_review: sheets.calendar.legend_day.format(
            label=sheets.calendar.tolerability_review, date=written_date(protocol.tolerability_review, sheets)
        ),
        protocol.response_review: sheets.calendar.legend_day.format(
            label=sheets.calendar.response_review, date=written_date(protocol.response_review, sheets)
        ),
    }
    months = set(sheets.dates.months)
    assert {week.label.split()[0] for week in cal.weeks} <= months
    if language == "es":
        # "mar." is Tuesday only: no month is ever shortened on the calendar.
        assert "mar." in cal.weekday_names
        assert all(week.label.split()[0] in months for week in cal.weeks)
        assert written_date(dt.date(2026, 12, 1), sheets) == "martes 1 de diciembre de 2026"
    else:
        assert written_date(dt.date(2026, 12, 1), sheets) == "Tuesday, December 1, 2026"


def test_a_child_calendar_speaks_to_the_parent() -> None:
    visit = load_visit(CASES / "fu_child_liquid.json")
    content = load_content("en")
    blocks = calendar_blocks(_plan(visit), visit, content)
    intro = " ".join(b.text for b in blocks if isinstance(b, model.Paragraph))
    assert "your child" in intro
    assert _calendar(blocks).weeks[0].dose == "0.8\xa0mL (0.8\xa0mg)"


def _tick_boxes(page: pdfplumber.page.Page) -> list[dict[str, float]]:
    """The empty squares to tick: white, drawn with a 1 pt line (the legend's swatches are not)."""
    return [
        r
        for r in page.rects
        if abs(r["width"] - r["height"]) < 0.5
        and abs(float(r.get("linewidth") or 0) - 1.0) < 0.01
        and tuple(r.get("non_stroking_color") or ()) in ((1, 1, 1), (1.0, 1.0, 1.0))
    ]


@pytest.mark.parametrize("large_print", [False, True], ids=["standard", "large"])
@pytest.mark.parametrize("paper", ["letter", "a4"])
@pytest.mark.parametrize("language", ["en", "es"])
def test_seven_days_fit_a_portrait_page_at_every_size(language: str, paper: str, large_print: bool) -> None:
    """D1: the large-print calendar lost Saturday and Sunday off the page."""
    for name, visit in (
        ("adult", example("ldn_option")),
        ("child", load_visit(CASES / "fu_child_liquid.json")),
    ):
        content = load_content(language)
        blocks = calendar_blocks(_plan(visit), visit, content)
        cal = _calendar(blocks)
        data = render_pdf_bytes(_sheet(blocks, language), RenderOptions(paper=paper, large_print=large_print))  # type: ignore[arg-type]
        facts = pc.read_pdf(data)
        assert pc.landscape_pages(facts) == [], name
        assert pc.text_outside_page(facts) == [], name
        for page in facts.pages:
            assert pc.words_outside_frame(page, pc.MARGIN) == [], (name, page.number)
            assert pc.weekday_header(page, cal.weekday_names), (name, page.number)
        saturday, sunday = cal.weekday_names[5:]
        assert (saturday, sunday) == (("Sat", "Sun") if language == "en" else ("sáb.", "dom."))
        assert cal.new_dose_mark in facts.flat
        assert pc.has_phrase(facts.flat, cal.title)
        for _, label in cal.marked:
            assert pc.has_phrase(facts.flat, label), label
        with pdfplumber.open(io.BytesIO(data)) as pdf:
            for drawn in pdf.pages:
                boxes = _tick_boxes(drawn)
                assert boxes, (name, drawn.page_number)
                assert min(r["width"] for r in boxes) >= 6 * MM - 0.1
                assert all(r["x1"] <= drawn.width - pc.MARGIN + 1 for r in drawn.rects)
        # Every day of the calendar is on paper.
        days = [day for week in cal.weeks for day in week.days]
        numbers = [w.text for page in facts.pages for w in page.words]
        for day in days:
            assert str(day.day) in numbers
