"""Pydantic models for what is left of the old handout's words (resources/content/<lang>/handout.toml:
date words and the follow-up table), the option ids the pack and the numbers share, and the
language-neutral icon-array numbers (resources/content/options.toml)."""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ldn_aid.content.types import RefId, Text

OptionId = Literal["keep_current", "stimulants", "non_stimulants", "ldn"]
OPTION_IDS: tuple[OptionId, ...] = get_args(OptionId)
# Every follow-up decision (ldn_aid.domain.followup.Decision) has a sentence on the follow-up sheet.
SheetDecision = Literal[
    "advance", "continue", "hold", "step_down", "switch_to_morning", "restart", "stop", "no_plan"
]
SHEET_DECISIONS: tuple[SheetDecision, ...] = get_args(SheetDecision)


class _Content(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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
    """resources/content/<lang>/handout.toml: the words of `common.format_date` and the follow-up table.

    The decision pack's words are in pack.toml (`PackText`), the sheets' in sheets.toml (`SheetsText`).
    """

    months: Annotated[tuple[Text, ...], Field(min_length=12, max_length=12)]
    weekdays: Annotated[tuple[Text, ...], Field(min_length=7, max_length=7)]  # Monday first
    date_format: Text  # uses {weekday}, {day}, {month}, {year}
    follow_up: FollowUpSheetText


class IconArrayNumbers(_Content):
    """One outcome as 'X in 100', with and without the option, from one named source.

    `trial` names the trial the numbers come from: a benefit and a harm may only be set side by side
    when they share it (same population, dose and time frame). `comparable = false` marks numbers
    from another illness, printed only in the pack's not-comparable frame."""

    option: OptionId
    kind: Literal["benefit", "harm"]
    population: Literal["adults", "children"]
    comparable: bool
    trial: Annotated[str, Field(min_length=1)]
    with_option: Annotated[int, Field(ge=0, le=100)]
    without_option: Annotated[int, Field(ge=0, le=100)] | None = None
    denominator: Literal[100] = 100
    references: Annotated[tuple[RefId, ...], Field(min_length=1)]
    note: str | None = None

    @model_validator(mode="after")
    def _placebo_when_comparable(self) -> IconArrayNumbers:
        # A comparable array is always against a dummy pill from the same trial.
        if self.comparable and self.without_option is None:
            raise ValueError("a comparable icon array needs its placebo number (without_option)")
        return self


class OptionNumbers(_Content):
    """resources/content/options.toml: the numbers drawn as icon arrays."""

    icon_arrays: dict[str, IconArrayNumbers]
