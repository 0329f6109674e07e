"""What every part of the decision pack needs: the visit, its decision, the words, and who reads it.

A patient under 18 gets the caregiver's voice ("your child"; es "su hijo", "su hija" or "su hijo o
hija" from the sex at birth). Pregnancy text prints only where the screening asks about pregnancy
(`ldn_aid.rules.review_safety.pregnancy_asked`, the same test the reviews use).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from ldn_aid.content import ContentBundle
from ldn_aid.content.pack_schema import PackText, Say, SayList, Voiced
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.protocol import Protocol
from ldn_aid.domain.visit import Visit
from ldn_aid.handout.calendar import month_and_year, written_date
from ldn_aid.handout.common import SHEET_TEXT_LIMIT, Citations, clean_user_text
from ldn_aid.rules.review_safety import pregnancy_asked
from ldn_aid.settings import ClinicSettings


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Reader:
    """Who the pack speaks to, and the words that name the patient."""

    caregiver: bool
    child: str  # "your child" / "su hija"
    name: str  # the display name, cleaned; "" when the visit has none
    pregnancy_applies: bool

    @property
    def who(self) -> str:
        # The whole name, not a guessed "first" name: the order of names differs between cultures.
        return self.name or self.child

    @classmethod
    def of(cls, visit: Visit, content: ContentBundle) -> Reader:
        age = visit.patient.age_years
        caregiver = age is not None and age < content.rules.number("adult_age_years")
        words = content.language.pack.visit.child
        sex = visit.patient.sex_at_birth
        child = words.female if sex == "female" else words.male if sex == "male" else words.other
        return cls(
            caregiver=caregiver,
            child=child,
            name=clean_user_text(visit.patient.display_name, SHEET_TEXT_LIMIT),
            pregnancy_applies=pregnancy_asked(visit),
        )


@dataclass
class PackContext:
    """One pack being composed. `cite` numbers the sources in the order the pack prints them."""

    visit: Visit
    decision: VisitDecision
    content: ContentBundle
    clinic: ClinicSettings
    reader: Reader
    cite: Citations = field(init=False)

    def __post_init__(self) -> None:
        self.cite = Citations(dict(self.content.rules.references))

    @property
    def words(self) -> PackText:
        return self.content.language.pack

    @property
    def protocol(self) -> Protocol | None:
        """The plan, only when the gate lets it print."""
        return self.decision.protocol if self.decision.plan_printable else None

    def say(self, text: Say, **values: str) -> str:
        """The text in the reader's voice, with the reader's words and `values` filled in."""
        chosen = text if isinstance(text, str) else self._voice(text)
        child = self.reader.child
        who = self.reader.who
        filled = {"child": child, "Child": capitalised(child), "who": who, "Who": capitalised(who)}
        filled["name"] = self.reader.name
        filled.update(values)
        return chosen.format_map(filled)

    def says(self, texts: SayList, **values: str) -> tuple[str, ...]:
        chosen = texts if isinstance(texts, tuple) else texts.child if self.reader.caregiver else texts.adult
        return tuple(self.say(text, **values) for text in chosen)

    def _voice(self, text: Voiced) -> str:
        return text.child if self.reader.caregiver else text.adult

    def date(self, day: dt.date) -> str:
        """A date in full, as every sheet writes it ("Tuesday, December 1, 2026")."""
        return written_date(day, self.content.language.sheets)

    def month_year(self, day: dt.date) -> str:
        return month_and_year(day, self.content.language.sheets)

    def setting(self, text: str) -> str:
        """A clinic setting as printed: cleaned, or the write-in line when it is blank."""
        return clean_user_text(text, SHEET_TEXT_LIMIT) or self.write_in

    def phone(self, text: str) -> str:
        """A phone number as printed: its spaces no-break, so it never breaks over two lines."""
        return self.setting(text).replace(" ", "\u00a0")

    @property
    def write_in(self) -> str:
        """The line a blank clinic setting prints, long enough to write a phone number on."""
        return self.content.language.sheets.write_in

    def listed(self, items: tuple[str, ...], *, every: bool = False) -> str:
        """Items joined as people write a list: "a, b or c" (`every`: "a, b and c")."""
        visit_words = self.words.visit
        if len(items) <= 1:
            return "".join(items)
        last = visit_words.list_and if every else visit_words.list_last
        return visit_words.list_separator.join(items[:-1]) + last + items[-1]
