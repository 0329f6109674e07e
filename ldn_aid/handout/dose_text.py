"""Doses written for patients: the one place a number of milligrams or millilitres becomes text."""

from __future__ import annotations

from decimal import Decimal


def mg(value: Decimal) -> str:
    return f"{value:.1f} mg"


def dose_text(dose: Decimal, volume: Decimal | None) -> str:
    return mg(dose) if volume is None else f"{mg(dose)} = {volume:.1f} mL"
