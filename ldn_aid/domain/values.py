"""Value types shared by the visit file and its follow-ups (kept apart so neither imports the other)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BeforeValidator, Field, PlainSerializer, WithJsonSchema

# The highest LDN dose this product will ever plan, in mg. It is part of the file contract
# (a clinician's target above it is rejected at load); the cited clinical value lives in
# resources/content/rules.toml and a test keeps the two equal.
MAX_DOSE_MG = Decimal("4.5")
TENTH_MG = Decimal("0.1")
# The highest dose a follow-up may record as actually taken: oral naltrexone's highest labelled
# daily dose (150 mg on a three-times-a-week schedule). Anything above is a typing error.
RECORD_MAX_DOSE_MG = Decimal("150")

# Every date a visit file holds lies in 1900-2200: a plan's steps and reviews are weeks after its
# start, so a date near the end of the calendar (9999) overflowed into tracebacks (red team D11).
EARLIEST_DATE = dt.date(1900, 1, 1)
LATEST_DATE = dt.date(2200, 12, 31)
FileDate = Annotated[dt.date, Field(ge=EARLIEST_DATE, le=LATEST_DATE)]

YesNo = Literal["yes", "no"]
Answer = YesNo | None
Pregnancy = Literal["not_applicable", "no", "pregnant", "trying", "breastfeeding"]
UrineOpioidScreen = Literal["negative", "positive", "not_done"]


def _exact_from_json(value: object) -> object:
    """A JSON number as an exact Decimal (going through repr keeps 4.5 as exactly 4.5). `true` is not
    1 and "1.5" is not a number: the file holds numbers, as the examples do (code review F4; red
    team D13). A Decimal given from Python is kept as it is."""
    if isinstance(value, bool):
        raise ValueError("must be a number, not true or false")
    if isinstance(value, str):
        raise ValueError("must be a number, not text in quotes")
    if isinstance(value, float):
        return Decimal(repr(value))
    if isinstance(value, int):
        return Decimal(value)
    return value


def _exact_as_json(value: Decimal) -> float:
    """A dose or a volume as a JSON number: tenths of a mg or mL, which a float's shortest repr
    gives back exactly (1.5, not 1.4999…)."""
    return float(value)


# An exact amount (a dose in mg, a volume in mL): a JSON number in the file and in every export,
# a Decimal in the code, so 0.1 mg steps never drift. Saved visits wrote strings before (F4).
ExactNumber = Annotated[
    Decimal,
    BeforeValidator(_exact_from_json),
    PlainSerializer(_exact_as_json, return_type=float, when_used="json"),
    WithJsonSchema({"type": "number"}),
]


def checked_dose(value: Decimal, field: str, cap: Decimal = MAX_DOSE_MG) -> Decimal:
    """A dose in mg: positive, at most `cap`, a whole number of tenths of a mg."""
    if not value.is_finite() or value <= 0:
        raise ValueError(f"{field} must be a positive number of mg")
    if value > cap:
        raise ValueError(f"{field} {value} mg is above the {cap} mg cap")
    if value != value.quantize(TENTH_MG):
        raise ValueError(f"{field} must be a whole number of tenths of a mg (for example 1.5)")
    return value.quantize(TENTH_MG)
