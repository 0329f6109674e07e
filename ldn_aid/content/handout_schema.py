"""Pydantic models for the handout's words (resources/content/<lang>/handout.toml) and the
language-neutral comparison numbers (resources/content/options.toml)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ldn_aid.content.types import RefId, Text

OptionId = Literal["keep_current", "stimulants", "non_stimulants", "ldn"]
OPTION_IDS: tuple[OptionId, ...] = get_args(OptionId)
RowId = Literal[
    "studied",
    "how_well",
    "how_fast",
    "how_often",
    "common_side_effects",
    "serious_risks",
    "controlled",
    "how_to_get",
    "checkups",
]
ROW_IDS: tuple[RowId, ...] = get_args(RowId)
# Every follow-up decision (ldn_aid.domain.followup.Decision) has a sentence on the follow-up sheet.
SheetDecision = Literal[
    "advance", "continue", "hold", "step_down", "switch_to_morning", "restart", "stop", "no_plan"
]
SHEET_DECISIONS: tuple[SheetDecision, ...] = get_args(SheetDecision)


# Short labels the renderer needs (table headers, field names on the card, footer words).
LABEL_KEYS = (
    "prepared_for",
    "date",
    "clinic",
    "phone",
    "after_hours_phone",
    "prescriber",
    "not_set",
    "page",
    "step",
    "from_date",
    "dose",
    "amount",
    "day",
    "taken",
    "tolerability_review",
    "response_review",
    "evidence_reviewed",
    "next_review",
    "content_version",
    "references",
    "emergency_contact",
    "with_option",
    "without_option",
    "footer",
    "good_points",
    "downsides",
    "week",
    "prepared_on",
)


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Cell(_Content):
    """One cell of the comparison table: plain words and the sources behind them."""

    text: Text
    references: tuple[RefId, ...] = ()


class OptionText(_Content):
    name: Text
    short_name: Text  # the comparison table's column heading
    what_it_is: Text
    good_points: Annotated[tuple[Text, ...], Field(min_length=1, max_length=5)]
    downsides: Annotated[tuple[Text, ...], Field(min_length=1, max_length=5)]
    cells: dict[RowId, Cell]

    @model_validator(mode="after")
    def _every_row(self) -> OptionText:
        missing = [row for row in ROW_IDS if row not in self.cells]
        if missing:
            raise ValueError(f"comparison cells missing: {', '.join(missing)}")
        return self


class IconArrayText(_Content):
    """Words for one icon array; its numbers are in options.toml under the same id."""

    title: Text
    with_option: Text  # e.g. "{n} in 100 children who took lisdexamfetamine"
    without_option: Text  # e.g. "{n} in 100 children who took a dummy pill (placebo)"
    caption: Text  # who, how long, and whether the numbers come from another condition


class SectionText(_Content):
    heading: Text
    paragraphs: tuple[Text, ...] = ()
    bullets: tuple[Text, ...] = ()


class FollowUpSheetText(_Content):
    """The one-page sheet after a follow-up review: what changed, the new calendar, the next review."""

    title: Text
    intro: Text
    decisions: dict[SheetDecision, Text]
    why_heading: Text
    new_plan_heading: Text
    no_more_doses: Text
    adherence: Text
    calendar_heading: Text
    calendar_intro: Text
    reminder: Text

    @model_validator(mode="after")
    def _every_decision(self) -> FollowUpSheetText:
        missing = [decision for decision in SHEET_DECISIONS if decision not in self.decisions]
        if missing:
            raise ValueError(f"follow_up.decisions missing: {', '.join(missing)}")
        return self


class HandoutText(_Content):
    """All the words on the handout for one language."""

    title: Text
    months: Annotated[tuple[Text, ...], Field(min_length=12, max_length=12)]
    weekdays: Annotated[tuple[Text, ...], Field(min_length=7, max_length=7)]  # Monday first
    date_format: Text  # uses {weekday}, {day}, {month}, {year}
    main_message: SectionText
    labels: dict[str, Text]
    the_choice: SectionText
    options_intro: SectionText
    options: dict[OptionId, OptionText]
    comparison: SectionText
    row_labels: dict[RowId, Text]
    numbers: SectionText
    icon_arrays: dict[str, IconArrayText]
    no_ldn_numbers: Text
    for_you: SectionText
    stimulant_points_heading: Text
    cautions_heading: Text
    priorities_heading: Text
    no_priorities: Text
    questions_to_ask: SectionText
    stop: SectionText
    not_ready: SectionText
    guideline_first: SectionText
    plan: SectionText
    how_to_take_capsule: Text
    how_to_take_liquid: Text
    timing_bedtime: Text
    timing_morning: Text
    steps_heading: Text
    reviews: SectionText
    working_means: Text
    side_effects: SectionText
    call_clinic: SectionText
    emergency: SectionText
    opioid_safety: SectionText
    calendar: SectionText
    wallet_page: SectionText
    wallet_front: SectionText
    wallet_back: SectionText
    unknowns: SectionText
    about: SectionText
    follow_up: FollowUpSheetText

    @model_validator(mode="after")
    def _complete(self) -> HandoutText:
        missing: list[str] = [option for option in OPTION_IDS if option not in self.options]
        missing += [f"row_labels.{row}" for row in ROW_IDS if row not in self.row_labels]
        missing += [f"labels.{key}" for key in LABEL_KEYS if key not in self.labels]
        if missing:
            raise ValueError(f"missing: {', '.join(missing)}")
        return self


class IconArrayNumbers(_Content):
    """One outcome as 'X in 100', with and without the option, from one named source."""

    option: OptionId
    with_option: Annotated[int, Field(ge=0, le=100)]
    without_option: Annotated[int, Field(ge=0, le=100)] | None = None
    denominator: Literal[100] = 100
    references: Annotated[tuple[RefId, ...], Field(min_length=1)]
    note: str | None = None


class OptionNumbers(_Content):
    """resources/content/options.toml: the numbers drawn as icon arrays."""

    icon_arrays: dict[str, IconArrayNumbers]
