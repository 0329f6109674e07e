"""The protocol's dose ladder as the follow-up review uses it: steps up and down, and new schedules.

Pure arithmetic on the protocol's own doses (Decimal tenths of a mg); no decision is made here.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from ldn_aid.domain.protocol import Step
from ldn_aid.domain.values import TENTH_MG


@dataclass(frozen=True)
class Ladder:
    """The protocol's doses, lowest to target, and how long each step is held."""

    doses: tuple[Decimal, ...]
    weeks: int
    mg_per_ml: Decimal | None  # None for capsules

    @property
    def lowest(self) -> Decimal:
        return self.doses[0]

    @property
    def target(self) -> Decimal:
        return self.doses[-1]

    @property
    def length(self) -> dt.timedelta:
        return dt.timedelta(weeks=self.weeks)

    def above(self, dose: Decimal) -> Decimal | None:
        """The next step up from `dose`, or None at or above the target."""
        return next((step for step in self.doses if step > dose), None)

    def below(self, dose: Decimal) -> Decimal:
        """The previous step down from `dose`, or the lowest step (never above `dose`)."""
        lower = [step for step in self.doses if step < dose]
        return lower[-1] if lower else min(self.lowest, dose)

    def next_step_or_target(self, dose: Decimal) -> Decimal:
        """The highest dose any decision may give someone taking `dose`: the next step, or the target."""
        up = self.above(dose)
        return up if up is not None else self.target

    def step(self, dose: Decimal, start: dt.date) -> Step:
        volume = None if self.mg_per_ml is None else (dose / self.mg_per_ml).quantize(TENTH_MG)
        return Step(start=start, dose_mg=dose, volume_ml=volume)

    def schedule(self, first: Decimal, start: dt.date, rest_from: dt.date) -> tuple[Step, ...]:
        """`first` from `start`, then each higher step from `rest_from`, each held `weeks`, to the target."""
        later = [dose for dose in self.doses if dose > first]
        return (
            self.step(first, start),
            *(self.step(dose, rest_from + k * self.length) for k, dose in enumerate(later)),
        )


def step_start(schedule: tuple[Step, ...], taken: Decimal, today: dt.date) -> dt.date:
    """When the dose now taken began, by the schedule in force; today when it is not on that schedule
    (or was started before its planned date), so an unplanned dose is always held one full step."""
    begun = [step.start for step in schedule if step.dose_mg == taken and step.start <= today]
    return begun[-1] if begun else today
