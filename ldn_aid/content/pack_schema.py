"""Pydantic models for the words of the decision pack and the evidence sheet (<lang>/pack.toml).

A text that differs for a parent reading about a child is a table `{ adult = "...", child = "..." }`
(`Voiced`); a text that reads the same for both is a plain string. Compose-time placeholders are listed
in `ldn_aid.content.loader.PACK_PLACEHOLDERS`; `{child}` and `{Child}` are "your child" (es: "su hijo",
"su hija" or "su hijo o hija"), `{who}` is the child's name where the visit has one.
"""

from __future__ import annotations

from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ldn_aid.content.evidence_sheet_schema import EvidenceSheetText
from ldn_aid.content.handout_schema import OPTION_IDS, OptionId
from ldn_aid.content.types import RefId, Text

OutcomeKey = Literal["stop", "incomplete", "guideline_first", "ldn_option"]
OUTCOME_KEYS: tuple[OutcomeKey, ...] = get_args(OutcomeKey)
# The Option Grid's questions, in print order (at most eight: the grid is one page).
GridRowId = Literal[
    "how_well",
    "how_soon",
    "common_side_effects",
    "serious_risks",
    "how_taken",
    "checkups",
    "controlled",
    "cost",
]
GRID_ROWS: tuple[GridRowId, ...] = get_args(GridRowId)
MEDICINE_CLASS_KEYS = ("methylphenidate", "amphetamine", "atomoxetine", "alpha2_agonist", "viloxazine")


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Voiced(_Words):
    """One text in two voices: the patient's own ("you") and the caregiver's ("your child")."""

    adult: Text
    child: Text


class VoicedList(_Words):
    adult: tuple[Text, ...]
    child: tuple[Text, ...]


Say = Text | Voiced
SayList = tuple[Text, ...] | VoicedList


class ChildWords(_Words):
    """How the caregiver's text names the child when it does not use the name."""

    female: Text
    male: Text
    other: Text


class OutcomeWords(_Words):
    """Page 1 for one outcome: the title, the decision box and the numbered next steps."""

    title: Say
    box_heading: Say
    sentences: SayList
    steps: SayList = ()


class ContactWords(_Words):
    """Who to call: one short paragraph under the decision, so it is on page 1 in every print size."""

    clinic: Text  # {name} {phone}
    clinic_no_name: Text  # {phone}
    after_hours: Text  # {number}
    prescriber: Text  # {name}
    emergency: Text  # {emergency} {crisis}


class ChecklistWords(_Words):
    heading: Say
    items: SayList


class VisitWords(_Words):
    """Page 1, "Your visit today"."""

    prepared_for: Text  # {name} {today}
    prepared_for_caregiver: Text  # {name} {today}
    child: ChildWords
    outcomes: dict[OutcomeKey, OutcomeWords]
    # Patient names for the guideline classes (ldn_aid.domain.visit.MEDICINE_CLASSES), brands in brackets.
    medicine_classes: dict[str, Text]
    # Plain strings: their spaces matter (", ", " or ").
    list_separator: str
    list_last: str  # " or ": the options still open
    list_and: str  # " and ": the medicines already tried
    options_open: Say  # {options}
    tried: Say  # {options}
    guideline_discussed: Say
    guideline_not_discussed: Say
    guideline_plan_included: Say
    guideline_step: Say  # {options}
    guideline_if_ldn: Say  # {plan}: the plan part's heading; no date, LDN is not chosen yet
    # What an incomplete visit still needs, by visit path, then by the path's first part, then "other".
    still_needed: dict[str, Say]
    plan_steps: SayList  # {today} {first_dose} {timing} {check_up} {review}
    urine_step: Say
    next_steps_heading: Say
    before_first_dose: ChecklistWords
    points_heading: Say
    contacts: ContactWords

    @model_validator(mode="after")
    def _complete(self) -> VisitWords:
        missing: list[str] = [key for key in OUTCOME_KEYS if key not in self.outcomes]
        missing += [key for key in MEDICINE_CLASS_KEYS if key not in self.medicine_classes]
        missing += [] if "other" in self.still_needed else ["still_needed.other"]
        if missing:
            raise ValueError(f"missing: {', '.join(missing)}")
        return self


class GridRowWords(_Words):
    question: Say
    cells: dict[OptionId, Say]

    @model_validator(mode="after")
    def _every_option(self) -> GridRowWords:
        missing = [option for option in OPTION_IDS if option not in self.cells]
        if missing:
            raise ValueError(f"cells missing: {', '.join(missing)}")
        return self


class GridWords(_Words):
    """Page 2: the Option Grid. Cells are short and carry no citation; `sources` backs the one note."""

    heading: Text
    intro: SayList
    columns: dict[OptionId, Text]
    rows: dict[GridRowId, GridRowWords]
    sources_label: Text
    sources: Annotated[tuple[RefId, ...], Field(min_length=1)]

    @model_validator(mode="after")
    def _complete(self) -> GridWords:
        missing: list[str] = [option for option in OPTION_IDS if option not in self.columns]
        missing += [row for row in GRID_ROWS if row not in self.rows]
        if missing:
            raise ValueError(f"missing: {', '.join(missing)}")
        return self


class ArrayWords(_Words):
    """Words for one icon array; its numbers are in options.toml under the same id."""

    title: Text
    with_option: Text  # {n}
    without_option: Text  # {n}; for a study with no dummy-pill group, the sentence saying so
    caption: str  # may be empty: the trial's sentence above names who, dose and how long
    short: Text  # {n} {placebo}: the same numbers in a few words, for arrays that are not drawn


class NumbersWords(_Words):
    """Page 3, "In numbers"."""

    heading: Text
    intro: tuple[Text, ...]
    no_ldn_numbers: Text
    no_ldn_references: tuple[RefId, ...]
    options: dict[OptionId, Text]  # the heading of each option's group of pictures
    no_pictures: dict[Literal["adults", "children"], Text]  # an option with no numbers for this age
    trials: dict[str, Text]  # trial id (options.toml `trial`) -> who, dose and time, named once
    arrays: dict[str, ArrayWords]
    not_comparable_heading: Text
    not_comparable_intro: tuple[Text, ...] = ()
    cannot_compare: Text
    # The arrays drawn as pictures (one benefit and one harm per trial keep the page to one sheet);
    # every other array is written in words (`ArrayWords.short`), after `also`.
    drawn: tuple[str, ...]
    also: Text


class PlanWords(_Words):
    """Part 4, "If you start LDN" (printed only with a plan)."""

    heading: Say
    intro: SayList = ()
    steps_heading: Say
    step: Text
    from_date: Text
    amount: Text
    timing: dict[Literal["bedtime", "morning"], Say]
    how_to_take: dict[Literal["capsule", "liquid_1mg_per_ml"], Say]
    tolerability_review: Text
    response_review: Text
    trial_ends: Text
    working_intro: Say
    working: SayList  # {in_ten} {percent}
    working_after: SayList
    cautions_heading: Say
    opioid_heading: Text
    opioid: SayList  # {today} {first_dose}
    after_stopping_references: tuple[RefId, ...]  # the last opioid line: tolerance lost after stopping
    # Practice advice, uncited: the naltrexone label gives no missed-dose rule. Take it when remembered
    # unless the next is near, never two at once; the same words as the follow-up sheets.
    missed: Say
    side_effects_heading: Text
    side_effects: SayList
    vivid_dreams_references: tuple[RefId, ...]
    ask_morning: Say  # after the first side effect, only with a bedtime plan
    call_heading: Text  # {phone}
    call_heading_after_hours: Text  # {phone} {number}: the after-hours line too, when the clinic has one
    call: SayList
    call_pregnancy: Say
    emergency_heading: Text  # {emergency}
    emergency: SayList  # {emergency} {crisis}


class AboutWords(_Words):
    """The pack's last lines (no heading: they are small print that must fit the wallet card's page)."""

    sources: Text
    made_by: tuple[Text, ...]
    checked: Text  # {checked} {next_check}
    version: Text  # {version}


class PackText(_Words):
    """resources/content/<lang>/pack.toml."""

    footer: Text
    page_label: Text
    visit: VisitWords
    grid: GridWords
    numbers: NumbersWords
    plan: PlanWords
    about: AboutWords
    evidence_sheet: EvidenceSheetText  # H5's table [evidence_sheet]
