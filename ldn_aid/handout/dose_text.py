"""Doses written for patients: the one place a number of milligrams or millilitres becomes text.

Written the safe-medication way (ISMP and Joint Commission do-not-use lists): never a trailing zero
("3 mg", not "3.0 mg", which can be read as 30), always a leading zero ("0.8 mg", not ".8 mg"), and
the unit tied to its number by a no-break space so a line can never end between them. Spanish
sheets use the decimal comma ("1,5 mg").
"""

from __future__ import annotations

from decimal import Decimal

from ldn_aid.content.sheets_schema import SheetsText

# U+00A0: a line break may never fall between a number and its unit.
NO_BREAK_SPACE = "\u00a0"
# The decimal mark is a property of the language's number writing, not a word to translate.
_DECIMAL_MARK = {"en": ".", "es": ","}


def number(value: Decimal, language: str) -> str:
    """A dose number as people write it: 3, 1.5, 0.8 (no exponent, no trailing zeros, a leading zero
    below 1), with the language's decimal mark."""
    if language not in _DECIMAL_MARK:
        raise ValueError(f"no number format for language {language!r}")
    # normalize() drops trailing zeros (3.0 -> 3) but writes 30 as 3E+1; "f" writes it out again.
    text = format(value.normalize(), "f")
    return text.replace(".", _DECIMAL_MARK[language])


def mg(value: Decimal, language: str) -> str:
    """'1.5 mg' ('1,5 mg' in Spanish), never split across lines."""
    return f"{number(value, language)}{NO_BREAK_SPACE}mg"


def ml(value: Decimal, language: str) -> str:
    """'1.5 mL' ('1,5 mL' in Spanish), never split across lines."""
    return f"{number(value, language)}{NO_BREAK_SPACE}mL"


def mg_per_ml(value: Decimal, language: str) -> str:
    """A liquid's strength: '1 mg/mL'."""
    return f"{number(value, language)}{NO_BREAK_SPACE}mg/mL"


def step_amount(dose_mg: Decimal, volume_ml: Decimal | None, language: str, words: SheetsText) -> str:
    """What the patient takes for one dose: '1 capsule of 1.5 mg' (each step has its own capsule
    strength), or for a liquid the volume they measure and the milligrams it holds: '1.5 mL (1.5 mg)'."""
    strength = mg(dose_mg, language)
    if volume_ml is None:
        return words.dose.capsule.format(strength=strength)
    return words.dose.liquid.format(volume=ml(volume_ml, language), strength=strength)


def plain_dose(dose_mg: Decimal, volume_ml: Decimal | None, language: str, words: SheetsText) -> str:
    """A dose without the capsule count, for a sentence about what was taken: '3 mg', or for a liquid
    '1.5 mL (1.5 mg)'."""
    if volume_ml is None:
        return mg(dose_mg, language)
    return words.dose.liquid.format(volume=ml(volume_ml, language), strength=mg(dose_mg, language))
