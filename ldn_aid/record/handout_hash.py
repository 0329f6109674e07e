"""`handout_record(...)` and `followup_sheet_record(...)`: render what the patient is given and record
the SHA-256 of the PDF bytes; `given_document(...)` records bytes already printed or saved.

The only module of the record package that draws a PDF. It imports the renderer (and so reportlab)
inside the functions, so importing this module stays cheap and the pure modules stay pure. Each
record hashes exactly the bytes `ldn-aid handout` / `ldn-aid followup-sheet` write with the same
options and clinic settings. Both obey the core gate: a document the gate refuses is never rendered
(`DocumentRefusedError`), so no hash is ever recorded for it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import TYPE_CHECKING, Literal

from ldn_aid.content import load_content
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.visit import GivenDocument, Visit
from ldn_aid.record.chart_note import HandoutRecord
from ldn_aid.settings import ClinicSettings

if TYPE_CHECKING:
    from ldn_aid.handout.model import Handout

Language = Literal["en", "es"]
Paper = Literal["letter", "a4"]


def given_document(
    kind: Literal["handout", "followup_sheet", "evidence_sheet"],
    for_date: dt.date,
    how: Literal["printed", "saved"],
    language: Language,
    large_print: bool,
    paper: Paper,
    data: bytes,
) -> GivenDocument:
    """The record of a sheet given: its options, content version and the SHA-256 of exactly `data`,
    the bytes printed or saved (never a fresh render). An evidence sheet is dated like its pack."""
    return GivenDocument(
        kind=kind,
        for_date=for_date,
        how=how,
        language=language,
        large_print=large_print,
        paper=paper,
        content_version=load_content(language).rules.content_version,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _record(handout: Handout, language: Language, large_print: bool, paper: Paper) -> HandoutRecord:
    from ldn_aid.pdf.render_pdf import RenderOptions, render_pdf_bytes

    data = render_pdf_bytes(handout, RenderOptions(paper=paper, large_print=large_print))
    return HandoutRecord(
        language=language,
        large_print=large_print,
        paper=paper,
        content_version=load_content(language).rules.content_version,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def handout_record(
    visit: Visit,
    language: Language | None = None,
    large_print: bool = False,
    paper: Paper = "letter",
    clinic: ClinicSettings | None = None,
    decision: VisitDecision | None = None,
) -> HandoutRecord:
    """Render the visit's handout exactly as `ldn-aid handout` would, and hash the PDF.

    Args:
        visit: the visit.
        language: the handout language; the visit's handout language when not given.
        large_print: the large-print layout.
        paper: "letter" or "a4".
        clinic: the clinic details printed on the handout (they change the bytes, so the hash).
        decision: `decide(visit)` when the caller has it (computed otherwise).

    Raises:
        DocumentRefusedError: the handout gate refuses the handout.
    """
    from ldn_aid.handout.compose import compose_for_visit

    chosen = language if language is not None else visit.patient.handout_language
    return _record(compose_for_visit(visit, chosen, clinic, decision), chosen, large_print, paper)


def followup_sheet_record(
    visit: Visit,
    language: Language | None = None,
    large_print: bool = False,
    paper: Paper = "letter",
    clinic: ClinicSettings | None = None,
    decision: VisitDecision | None = None,
) -> HandoutRecord | None:
    """The same for the follow-up sheet of the latest follow-up (`ldn-aid followup-sheet`); None when
    the visit has no follow-up.

    Raises:
        DocumentRefusedError: the follow-up gate refuses the sheet.
    """
    from ldn_aid.handout.compose import compose_followup_for_visit

    chosen = language if language is not None else visit.patient.handout_language
    sheet = compose_followup_for_visit(visit, chosen, clinic, decision)
    return None if sheet is None else _record(sheet, chosen, large_print, paper)
