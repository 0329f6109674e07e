"""What every patient document shares: user text made printable, refusals, citation numbers, dates."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Literal

from ldn_aid.content import ContentBundle, load_content
from ldn_aid.content.handout_schema import HandoutText
from ldn_aid.content.schema import Reference
from ldn_aid.content.words import blocker_text
from ldn_aid.domain.decision import Gate
from ldn_aid.domain.errors import LdnAidError

# How much user-typed text a printed line holds: a name longer than this is cut with an ellipsis, so a
# pasted paragraph can never push a table cell past a page (or off the wallet card).
SHEET_TEXT_LIMIT = 120
# On the wallet card a field wraps over two or three lines at most: real clinic names and phones are
# far shorter; a pasted paragraph is cut, so the card's text never has to shrink below its last size.
CARD_TEXT_LIMIT = 60


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


# A patient sentence carries at most this many source numbers (handout review D3: one sentence had ten).
MAX_MARKS = 3


class Citations:
    """Numbers the printable references in order of first use.

    Only a reference that may be shown to a patient (`Reference.printable`) gets a number; `order`
    holds the numbered ids, so the evidence sheet lists them under the same numbers.
    """

    def __init__(self, references: dict[str, Reference]) -> None:
        self._references = references
        self.order: list[str] = []

    def mark(self, ref_ids: tuple[str, ...]) -> str:
        """The numbers (" [1, 2]") of the first `MAX_MARKS` printable ids, in the given order; "" if none."""
        kept = [ref_id for ref_id in dict.fromkeys(ref_ids) if self._printable(ref_id)][:MAX_MARKS]
        if not kept:
            return ""
        for ref_id in kept:
            if ref_id not in self.order:
                self.order.append(ref_id)
        numbers = sorted(self.order.index(ref_id) + 1 for ref_id in kept)
        return " [" + ", ".join(str(n) for n in numbers) + "]"

    def _printable(self, ref_id: str) -> bool:
        reference = self._references.get(ref_id)
        return reference is not None and reference.printable

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
