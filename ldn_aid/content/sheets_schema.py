"""Pydantic models for the words of the follow-up sheet, the dose calendar, the wallet card, dates and
doses (resources/content/<lang>/sheets.toml).

Placeholders filled when a sheet is composed are written `{{name}}` in the file (the loader turns
them into `{name}`); a cited number such as `{surgery_hold_days}` is filled at load. Each template
names the placeholders it must carry, so a translation that drops one fails at load, not on paper.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, model_validator

from ldn_aid.content.types import RefId, Text

Voice = Literal["adult", "child"]
VOICES: tuple[Voice, ...] = get_args(Voice)
TimingId = Literal["bedtime", "morning"]
# The follow-up decisions a sheet is printed for (`no_plan` gives no sheet).
SheetDecision = Literal["advance", "continue", "hold", "step_down", "switch_to_morning", "restart", "stop"]
SHEET_DECISIONS: tuple[SheetDecision, ...] = get_args(SheetDecision)

_PLACEHOLDER = re.compile(r"\{([a-z_]+)\}")


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# The child's name where it is known, else "your child" / "su hija" (the pack's words): a text in the
# caregiver's voice may name the child with {who} (or {Who} to start a sentence).
CHILD_NAMES = ("who", "Who")


def _needs(where: str, text: str, *names: str, optional: tuple[str, ...] = ()) -> None:
    """Every placeholder in `names` appears in `text`, and no other one does (but `optional`)."""
    found = set(_PLACEHOLDER.findall(text))
    missing = sorted(set(names) - found)
    unknown = sorted(found - set(names) - set(optional))
    if missing or unknown:
        raise ValueError(f"{where}: placeholders missing {missing}, unknown {unknown}")


class CitedText(_Words):
    """A sentence and the sources behind it (reference ids; only printable ones get a number)."""

    text: Text
    references: tuple[RefId, ...] = ()


class DateWords(_Words):
    """Dates written out in full, so that no day or month name can be read as another."""

    months: Annotated[tuple[Text, ...], Field(min_length=12, max_length=12)]  # January first
    weekdays: Annotated[tuple[Text, ...], Field(min_length=7, max_length=7)]  # Monday first
    # Calendar column headers: short forms that cannot be read as a month (months are never
    # abbreviated anywhere on a sheet).
    weekdays_short: Annotated[tuple[Text, ...], Field(min_length=7, max_length=7)]
    full: Text  # {weekday} {day} {month} {year}
    no_weekday: Text  # {day} {month} {year}: the wallet card, where space is short
    month_year: Text  # {month} {year}: a calendar row's month

    @model_validator(mode="after")
    def _formats(self) -> DateWords:
        _needs("dates.full", self.full, "weekday", "day", "month", "year")
        _needs("dates.no_weekday", self.no_weekday, "day", "month", "year")
        _needs("dates.month_year", self.month_year, "month", "year")
        return self


class DoseWords(_Words):
    """How one dose is written: the strength of each capsule; for a liquid, mL and mg together."""

    capsule: Text  # {strength}: "1 capsule of 1.5 mg"
    liquid: Text  # {volume} {strength}: "1.5 mL (1.5 mg)"
    liquid_form: Text  # {strength}: "liquid, 1 mg/mL"
    timing: dict[TimingId, Text]  # "at bedtime", "in the morning"

    @model_validator(mode="after")
    def _formats(self) -> DoseWords:
        _needs("dose.capsule", self.capsule, "strength")
        _needs("dose.liquid", self.liquid, "volume", "strength")
        _needs("dose.liquid_form", self.liquid_form, "strength")
        if set(self.timing) != set(get_args(TimingId)):
            raise ValueError("dose.timing needs bedtime and morning")
        return self


class CalendarVoice(_Words):
    intro: tuple[Text, ...]  # printed as is by the pack's calendar: no placeholders

    @model_validator(mode="after")
    def _formats(self) -> CalendarVoice:
        for text in self.intro:
            _needs("calendar.voice.intro", text)
        return self


class CalendarWords(_Words):
    heading: Text
    title: Text  # {name} {timing}
    title_no_name: Text  # {timing}
    voice: dict[Voice, CalendarVoice]
    new_dose: Text  # the mark on a row where a new dose starts
    new_dose_from: Text  # "from {weekday} {day}": that day, when it is not the row's first
    legend_new_dose: Text  # what the new-dose mark means
    legend_ends: Text  # the calendar ends on the review day; the review sets the dose after it
    legend_day: Text  # {label} {date}: one marked day in the legend
    replaces: Text  # "This new calendar replaces your old one. Throw the old one away."
    tolerability_review: Text
    response_review: Text
    next_review: Text

    @model_validator(mode="after")
    def _formats(self) -> CalendarWords:
        _needs("calendar.title", self.title, "name", "timing")
        _needs("calendar.title_no_name", self.title_no_name, "timing")
        _needs("calendar.legend_day", self.legend_day, "label", "date")
        _needs("calendar.replaces", self.replaces)
        if set(self.voice) != set(VOICES):
            raise ValueError("calendar.voice needs adult and child")
        return self


class WalletVoice(_Words):
    """The card's words that differ for a child: they may name the child ({who}, {Who})."""

    instructions: tuple[Text, ...]
    front_heading: Text
    front_lines: tuple[Text, ...]

    @model_validator(mode="after")
    def _formats(self) -> WalletVoice:
        for text in (*self.instructions, self.front_heading, *self.front_lines):
            _needs("wallet.voice", text, optional=CHILD_NAMES)
        return self


class WalletWords(_Words):
    heading: Text
    voice: dict[Voice, WalletVoice]
    name: Text
    dose: Text
    dose_rising: Text  # {first} {timing} {target} {date}
    dose_steady: Text  # {dose} {timing}
    form: Text
    clinic: Text
    prescriber: Text
    phone: Text
    after_hours_phone: Text
    emergency_contact: Text
    caregiver: Text
    # The card is read by a doctor or an emergency team: with no name, its front says "this child",
    # never the parent's "your child".
    card_child: Text
    back_heading: Text
    back_lines: tuple[Text, ...]  # the last says what "STOPPED" written across the card means

    @model_validator(mode="after")
    def _formats(self) -> WalletWords:
        _needs("wallet.dose_rising", self.dose_rising, "first", "timing", "target", "date")
        _needs("wallet.dose_steady", self.dose_steady, "dose", "timing")
        if set(self.voice) != set(VOICES):
            raise ValueError("wallet.voice needs adult and child")
        _no_child_names("wallet.voice.adult", self.voice["adult"].model_dump())
        return self


class StartWords(_Words):
    """When the new plan starts, as the first words of the "Before → Now" sentence's second half."""

    tonight: Text  # {date}
    tomorrow_morning: Text  # {date}
    on: Text  # {date}

    @model_validator(mode="after")
    def _formats(self) -> StartWords:
        for name in ("tonight", "tomorrow_morning", "on"):
            _needs(f"followup.start.{name}", getattr(self, name), "date")
        return self


class FollowUpVoice(_Words):
    """The follow-up sheet's words that differ when a parent or caregiver reads it for a child (whose
    texts may name the child: {who}, {Who})."""

    # {before} {start} {now}; `stop` has {before} only.
    before_now: dict[SheetDecision, Text]
    skip_tonight: Text  # after the "Before → Now" line when the first morning dose is tomorrow
    card_time: Text  # {old} {new}: the time printed on the wallet card changes
    call_clinic: Text  # {phone}: "" or " at (555) 201-4477"
    call_clinic_stop: Text  # {phone}: the same, after a stop (no dose to ask about)
    call_emergency: Text  # {emergency}
    call_crisis: Text  # {emergency} {crisis}: the pack's words (emergency number, or the crisis line)
    stop_leftover_capsule: CitedText
    stop_leftover_liquid: CitedText
    stop_card: CitedText
    stop_opioids: CitedText
    stop_next: Text
    result_score: Text  # {baseline} {now} {goal} {verdict}
    result_rating: Text  # {rating} {goal} {verdict}: the care team's rating and its goal, in words
    # Why a judged response stops LDN, from the goal that was missed: the score ({score} {score_goal}),
    # the rating ({rating} {rating_goal}) or both; then `missed_then`.
    missed_score: Text
    missed_rating: Text
    missed_both: Text
    missed_then: Text
    reminder: Text
    adherence: Text
    # A reason's words in this voice, by rule id, in place of findings.toml's (which speak to the
    # patient): "Mia Example has few or no side effects. Give the next dose."
    reasons: dict[str, Text] = {}

    @model_validator(mode="after")
    def _formats(self) -> FollowUpVoice:
        missing = [d for d in SHEET_DECISIONS if d not in self.before_now]
        if missing:
            raise ValueError(f"followup.voice.before_now missing: {', '.join(missing)}")
        for decision, text in self.before_now.items():
            names = ("before",) if decision == "stop" else ("before", "start", "now")
            _needs(f"followup.voice.before_now.{decision}", text, *names, optional=CHILD_NAMES)
        who = CHILD_NAMES
        for name in ("skip_tonight", "stop_next", "missed_then", "reminder", "adherence"):
            _needs(f"followup.voice.{name}", getattr(self, name), optional=who)
        for name in ("stop_leftover_capsule", "stop_leftover_liquid", "stop_card", "stop_opioids"):
            _needs(f"followup.voice.{name}", getattr(self, name).text, optional=who)
        _needs("followup.voice.card_time", self.card_time, "old", "new", optional=who)
        _needs("followup.voice.call_clinic", self.call_clinic, "phone", optional=who)
        _needs("followup.voice.call_clinic_stop", self.call_clinic_stop, "phone", optional=who)
        _needs("followup.voice.call_emergency", self.call_emergency, "emergency", optional=who)
        _needs("followup.voice.call_crisis", self.call_crisis, "emergency", "crisis", optional=who)
        _needs(
            "followup.voice.result_score",
            self.result_score,
            "baseline",
            "now",
            "goal",
            "verdict",
            optional=who,
        )
        _needs("followup.voice.result_rating", self.result_rating, "rating", "goal", "verdict", optional=who)
        _needs("followup.voice.missed_score", self.missed_score, "score", "score_goal", optional=who)
        _needs("followup.voice.missed_rating", self.missed_rating, "rating", "rating_goal", optional=who)
        _needs(
            "followup.voice.missed_both",
            self.missed_both,
            "score",
            "score_goal",
            "rating",
            "rating_goal",
            optional=who,
        )
        for rule_id, text in self.reasons.items():
            if not rule_id.startswith("followup_"):
                raise ValueError(f"followup.voice.reasons.{rule_id}: not a follow-up reason")
            _needs(f"followup.voice.reasons.{rule_id}", text, optional=who)
        return self


class FollowUpWords(_Words):
    title: Text
    voice: dict[Voice, FollowUpVoice]
    decisions: dict[SheetDecision, Text]  # the headline: what to do now
    prepared_for: Text
    prepared_for_child: Text
    date: Text
    clinic: Text
    phone: Text
    after_hours_phone: Text
    phone_with_number: Text  # {phone}: the clinic phone inside "Call your clinic..."
    phone_with_after_hours: Text  # {phone} {after_hours}
    next_review: Text
    response_review: Text
    recheck: Text
    next_visit: Text
    # The calendar's last legend line on a follow-up sheet: it ends on the next follow-up visit (the
    # pack's words name the response review).
    calendar_ends: Text
    stop_heading: Text
    result_heading: Text
    result_met: Text
    result_not_met: Text
    goal_met: Text  # one goal's verdict: "goal met"
    goal_not_met: Text
    ratings: Annotated[tuple[Text, ...], Field(min_length=7, max_length=7)]  # CGI-I 1 to 7
    # The one missed-dose sentence, word for word the pack's (pack.toml `plan.missed`).
    missed: Text
    opioid_heading: Text
    call_heading: Text
    start: StartWords
    references: Text
    footer: Text
    page: Text

    @model_validator(mode="after")
    def _formats(self) -> FollowUpWords:
        missing = [d for d in SHEET_DECISIONS if d not in self.decisions]
        if missing:
            raise ValueError(f"followup.decisions missing: {', '.join(missing)}")
        _needs("followup.phone_with_number", self.phone_with_number, "phone")
        _needs("followup.phone_with_after_hours", self.phone_with_after_hours, "phone", "after_hours")
        if set(self.voice) != set(VOICES):
            raise ValueError("followup.voice needs adult and child")
        _no_child_names("followup.voice.adult", self.voice["adult"].model_dump())
        return self


def _no_child_names(where: str, words: object) -> None:
    """The adult voice names no child: no {who} anywhere in its texts."""
    texts: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, str):
            texts.append(value)
        elif isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, (list, tuple)):
            for item in value:
                walk(item)

    walk(words)
    found = sorted({name for text in texts for name in _PLACEHOLDER.findall(text) if name in CHILD_NAMES})
    if found:
        raise ValueError(f"{where}: the adult voice names a child ({', '.join(found)})")


class SheetsText(_Words):
    """resources/content/<lang>/sheets.toml."""

    write_in: Text  # a blank to fill in by hand: long enough for a phone number
    dates: DateWords
    dose: DoseWords
    calendar: CalendarWords
    wallet: WalletWords
    followup: FollowUpWords
