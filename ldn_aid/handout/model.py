"""The handout as plain data: what it says, in order, with no layout or PDF concerns.

`compose_handout` builds it; `render_pdf` draws it. Tests compare models by equality, so every
block is a frozen value.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator


class _Block(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Heading(_Block):
    kind: Literal["heading"] = "heading"
    text: str
    level: Literal[1, 2] = 1


class Paragraph(_Block):
    kind: Literal["paragraph"] = "paragraph"
    text: str


class Bullets(_Block):
    """A list; `numbered` for steps a patient follows in order ("Your next steps")."""

    kind: Literal["bullets"] = "bullets"
    items: tuple[str, ...]
    numbered: bool = False


class Checklist(_Block):
    """Things to tick before a date ("Before your first dose"), each with an empty box."""

    kind: Literal["checklist"] = "checklist"
    heading: str
    items: tuple[str, ...]


class Facts(_Block):
    """Label/value lines, such as "Prepared for" and the clinic phone."""

    kind: Literal["facts"] = "facts"
    rows: tuple[tuple[str, str], ...]


class Box(_Block):
    """Text set apart: the main message, a warning, or a note."""

    kind: Literal["box"] = "box"
    style: Literal["main", "warning", "note", "stop"]
    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()


class OptionCard(_Block):
    kind: Literal["option_card"] = "option_card"
    name: str
    what_it_is: str
    good_heading: str
    good_points: tuple[str, ...]
    downsides_heading: str
    downsides: tuple[str, ...]


class GridRow(_Block):
    """One question patients ask, answered for every option (short cells, no citations)."""

    question: str
    cells: tuple[str, ...]


class OptionGrid(_Block):
    """Option-Grid style: the options as columns, at most eight questions as rows, on one portrait page.

    Large print shows one question per block (the question, then each option's answer)."""

    kind: Literal["option_grid"] = "option_grid"
    heading: str
    intro: tuple[str, ...] = ()
    columns: tuple[str, ...]
    rows: Annotated[tuple[GridRow, ...], Field(min_length=1, max_length=8)]
    note: str = ""

    @model_validator(mode="after")
    def _square(self) -> OptionGrid:
        if any(len(row.cells) != len(self.columns) for row in self.rows):
            raise ValueError("every grid row answers for every column")
        return self


class ComparisonRow(_Block):
    label: str
    cells: tuple[str, ...]


class ComparisonTable(_Block):
    """The same rows for every option; cells carry their reference numbers."""

    kind: Literal["comparison"] = "comparison"
    heading: str
    intro: tuple[str, ...]
    columns: tuple[str, ...]
    rows: tuple[ComparisonRow, ...]


class IconGroup(_Block):
    label: str
    count: int
    highlighted: bool


class IconArray(_Block):
    """One outcome as "X in 100": one or two 10 x 10 grids with their words."""

    kind: Literal["icon_array"] = "icon_array"
    title: str
    groups: tuple[IconGroup, ...]
    caption: str
    denominator: Literal[100] = 100


class Framed(_Block):
    """Blocks set apart in one frame with a heading, such as numbers from other illnesses that cannot be
    compared with the rest ("not comparable")."""

    kind: Literal["framed"] = "framed"
    style: Literal["main", "warning", "note", "stop"]
    heading: str
    blocks: tuple[Paragraph | Bullets | IconArray, ...]


class StepsTable(_Block):
    kind: Literal["steps"] = "steps"
    headers: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]


class PageBreak(_Block):
    kind: Literal["page_break"] = "page_break"


class CalendarWeek(_Block):
    """One row of the calendar: up to seven days in a row with one dose.

    `offset` is how many weekday columns are left blank before the first day: a row that starts mid-week
    (a dose change inside a week). A row may also end early (the calendar ends on its review day).
    """

    label: str
    dose: str
    days: tuple[dt.date, ...]
    day_labels: tuple[str, ...]  # the day of the month, with the month named where it changes
    offset: Annotated[int, Field(ge=0, le=6)] = 0
    new_dose: bool = False  # a new dose starts on this row (marked "NEW DOSE")
    new_dose_at: Annotated[int, Field(ge=0, le=6)] = 0  # on which of its days (0: the first)
    new_dose_from: str = ""  # "from Tuesday 15", when that day is not the row's first

    @model_validator(mode="after")
    def _fits_one_week(self) -> CalendarWeek:
        if not 1 <= len(self.days) <= 7 - self.offset or len(self.day_labels) != len(self.days):
            raise ValueError("a calendar row holds 1 to 7 days, after its offset, each with a label")
        if self.new_dose_at >= len(self.days):
            raise ValueError("a new dose starts on one of the row's days")
        return self


class Calendar(_Block):
    """One row per week from the first dose to the review day, each with the dose in force.

    It ends on the review day (the handout's response review, the follow-up sheet's next review):
    a dose change on or after that day is the review's to decide, so it is never shown. A row's
    `dose` is the one in force from its new-dose day on (the whole row when it has none).
    """

    kind: Literal["calendar"] = "calendar"
    weekday_names: tuple[str, ...]
    weeks: tuple[CalendarWeek, ...]
    marked: tuple[tuple[dt.date, str], ...]
    dose_header: str
    week_header: str
    # Printed with the grid (H3, issue 11): whose calendar and when to take it, the new-dose mark,
    # and a legend inside the page (the marked days' labels, then these lines).
    title: str = ""
    note: str = ""  # under the title, e.g. "This calendar replaces the one you got on ..."
    new_dose_mark: str = ""
    legend: tuple[str, ...] = ()


class WalletCard(_Block):
    """An ID-1 card (85.6 x 54 mm), front and back, to cut out and carry."""

    kind: Literal["wallet_card"] = "wallet_card"
    front_heading: str
    front_lines: tuple[str, ...]
    back_heading: str
    back_lines: tuple[str, ...]


class ReferenceList(_Block):
    kind: Literal["references"] = "references"
    heading: str
    items: tuple[str, ...]


Block = Annotated[
    Heading
    | Paragraph
    | Bullets
    | Checklist
    | Facts
    | Box
    | OptionCard
    | ComparisonTable
    | OptionGrid
    | IconArray
    | Framed
    | StepsTable
    | PageBreak
    | Calendar
    | WalletCard
    | ReferenceList,
    Field(discriminator="kind"),
]


DocumentKind = Literal["pack", "evidence_sheet", "followup_sheet"]


class Handout(BaseModel):
    """A whole patient document in one language. Holds no layout: paper and print size are render choices.

    `patient_name` is printed on every page (empty when the visit has none); `cited` holds the reference
    ids in the order of their numbers on this document, so the evidence sheet numbers them the same way.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    language: Literal["en", "es"]
    document: DocumentKind = "pack"
    title: str
    patient_name: str = ""
    cited: tuple[str, ...] = ()
    blocks: tuple[Block, ...]
    footer: str
    page_label: str
    has_plan: bool
