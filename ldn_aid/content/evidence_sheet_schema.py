"""The words of the evidence sheet: the `[evidence_sheet]` table of resources/content/<lang>/pack.toml.

A model of its own (in its own file) so the pack's words (`PackText`) only name it as one field.
"""

from __future__ import annotations

from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

Line = Annotated[str, Field(min_length=1)]


class EvidenceSheetText(BaseModel):
    """Every sentence on the evidence sheet (`ldn_aid.handout.evidence_sheet`).

    Placeholders: `{date}` in `checked` and `next_check` (a month and year, written by the sheets' date
    words), and in `followup_heading` and `followup_intro` (the review's date).
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    title: Line
    footer: Line
    prepared_for: Line
    visit_date: Line
    intro: Annotated[tuple[Line, ...], Field(min_length=1)]
    # Sources keep their original (English) wording; the Spanish sheet says so, the English one need not.
    original_language: str = ""
    checked: Line
    next_check: Line
    content_version: Line
    pack_heading: Line
    followup_heading: Line
    followup_intro: Line
    no_sources: Line
    about_heading: Line
    about: Annotated[tuple[Line, ...], Field(min_length=1)]
