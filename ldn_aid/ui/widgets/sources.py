"""The sources of a finding, a reason or the protocol: short names on the page, the full citations
on hover (tooltip) and for screen readers (accessible description). The reference tags ("SM13")
are the evidence notes' own and mean nothing to a clinician, so they are never shown alone."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from html import escape

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel

from ldn_aid.content.schema import Reference

_YEAR = re.compile(r"\b(19|20)\d\d\b")
SHORT_MAX = 40


def short_citation(ref_id: str, reference: Reference | None) -> str:
    """A citation in a few words: "Smith JP et al. 2013", "ClinicalTrials.gov NCT01721330" (the tag
    itself when the reference is unknown).

    The first sentence holds the authors (or the publisher); a list of authors is cut to the first
    one, and the first year found anywhere in the citation is added."""
    if reference is None:
        return ref_id
    citation = reference.citation
    first = citation.split(". ", 1)[0].rstrip(".")
    if "," in first:
        first = first.split(",", 1)[0] + " et al."
    elif first.endswith(" et al"):
        first += "."
    if len(first) > SHORT_MAX:
        first = first[: SHORT_MAX - 1].rstrip() + "…"
    year = _YEAR.search(citation)
    if year is not None and year.group(0) not in first:
        first = f"{first} {year.group(0)}"
    return first


def show_sources(label: QLabel, ref_ids: Sequence[str], references: Mapping[str, Reference]) -> None:
    """ "Sources: Smith JP et al. 2013 [SM13]; …" on the label, the full citations in its tooltip and
    accessible description. The tag stays, after the short name, to find the source in the
    reference list and the evidence notes."""
    names = [f"{short_citation(ref_id, references.get(ref_id))} [{ref_id}]" for ref_id in ref_ids]
    label.setText("Sources: " + "; ".join(names) if names else "")
    rows, plain = [], []
    for ref_id in ref_ids:
        ref = references.get(ref_id)
        citation = ref.citation if ref is not None else "(not in the reference list)"
        rows.append(f"<p><b>{escape(ref_id)}</b> {escape(citation)}</p>")
        plain.append(f"{ref_id}: {citation}")
    label.setToolTip("<qt>" + "".join(rows) + "</qt>" if rows else "")
    label.setAccessibleDescription("\n".join(plain))


def sources_label(ref_ids: Sequence[str], references: Mapping[str, Reference]) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", "small")
    show_sources(label, ref_ids, references)
    return label
