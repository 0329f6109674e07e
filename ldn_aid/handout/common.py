"""What every patient document shares: user text made printable, refusals, citation numbers, dates."""

from __future__ import annotations

import datetime as dt
import unicodedata
from decimal import Decimal
from typing import Literal

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.handout_schema import HandoutText, SectionText
from ldn_aid.content.schema import Reference
from ldn_aid.content.words import blocker_text
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.errors import LdnAidError
from ldn_aid.handout.model import (
    Block,
    Bullets,
    Heading,
    Paragraph,
)

# How much user-typed text a printed line holds: a name longer than this is cut with an ellipsis, so a
# pasted paragraph can never push a table cell past a page (or off the wallet card).
SHEET_TEXT_LIMIT = 120
CARD_TEXT_LIMIT = 34


def clean_user_text(text: str | None, limit: int | None = None) -> str:
    """User-typed text made safe to print: control characters gone, runs of space folded, and cut to
    `limit` characters (ending in "…") when given.

    Markup characters stay as they are; the renderer escapes them.
    """
    if not text:
        return ""
    kept = "".join(" " if unicodedata.category(ch) in ("Cc", "Zl", "Zp") else ch for ch in text)
    folded = " ".join(kept.split())
    if limit is not None and len(folded) > limit:
        return folded[: limit - 1].rstrip() + "…"
    return folded


class DocumentRefusedError(LdnAidError):
    """The core gate refuses to give this document to the patient; `gate.blockers` says why.

    The message is the clinician's (English) words for every blocker, on one line.
    """

    def __init__(self, document: Literal["handout", "followup_sheet"], gate: Gate) -> None:
        self.document = document
        self.gate = gate
        lines = "; ".join(refusal_lines(gate, load_content("en")))
        super().__init__(f"{DOCUMENT_NAMES[document]} may not be given to the patient: {lines}")


DOCUMENT_NAMES = {"handout": "the handout", "followup_sheet": "the follow-up sheet"}


def refusal_lines(gate: Gate, content: ContentBundle) -> tuple[str, ...]:
    """One sentence per blocker of a refused gate, in the content's language."""
    return tuple(" ".join(blocker_text(content, blocker, gate.params).split()) for blocker in gate.blockers)


class Citations:
    """Numbers references in order of first use."""

    def __init__(self, references: dict[str, Reference]) -> None:
        self._references = references
        self.order: list[str] = []

    def mark(self, ref_ids: tuple[str, ...]) -> str:
        if not ref_ids:
            return ""
        numbers = []
        for ref_id in ref_ids:
            if ref_id not in self.order:
                self.order.append(ref_id)
            numbers.append(self.order.index(ref_id) + 1)
        return " [" + ", ".join(str(n) for n in sorted(set(numbers))) + "]"

    def listing(self) -> tuple[str, ...]:
        items = []
        for number, ref_id in enumerate(self.order, start=1):
            ref = self._references[ref_id]
            # One locator is enough to find a source: a DOI, else a PubMed id, else the web address.
            where = f"doi:{ref.doi}" if ref.doi else f"PMID {ref.pmid}" if ref.pmid else ref.url or ""
            items.append(f"{number}. {ref.citation} {where}".rstrip())
        return tuple(items)


def format_date(day: dt.date, words: HandoutText) -> str:
    return words.date_format.format(
        weekday=words.weekdays[day.weekday()], day=day.day, month=words.months[day.month - 1], year=day.year
    )


def _mg(value: Decimal) -> str:
    return f"{value:.1f} mg"


def _dose_text(dose: Decimal, volume: Decimal | None) -> str:
    return _mg(dose) if volume is None else f"{_mg(dose)} = {volume:.1f} mL"


def section(text: SectionText, level: int = 1) -> list[Block]:
    blocks: list[Block] = [Heading(text=text.heading, level=1 if level == 1 else 2)]
    blocks += [Paragraph(text=p) for p in text.paragraphs]
    if text.bullets:
        blocks.append(Bullets(items=text.bullets))
    return blocks
