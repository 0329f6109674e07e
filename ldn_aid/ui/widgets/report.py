"""The shared frame of the report-style pages (assessment, follow-up): a banner above a scrolling
column of labels and headings, styled by one sheet on the body."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from PySide6.QtCore import QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ldn_aid.content.schema import Reference

# The ink of each severity, shared so a stop looks the same on every page.
SEVERITY_INK = {"stop": "#b00020", "caution": "#8a4b00", "info": "#1f5fa8"}


class ScrollBody(QWidget):
    """The scrolled page body. Its minimum height is left to height-for-width: otherwise the scroll area
    keeps the height the wrapped text would need at the narrowest width, leaving a tall empty tail."""

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt override
        return QSize(super().minimumSizeHint().width(), 0)


def wrapping_label(text: str = "", rich: bool = False) -> QLabel:
    """A selectable, top-left aligned label that wraps (rich text only when asked: user text stays plain)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    return label


def heading(text: str, name: str = "") -> QLabel:
    label = QLabel(text)
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setProperty("role", "heading")
    if name:
        label.setObjectName(name)
    return label


def report_frame(page: QWidget, prefix: str, body_css: str) -> tuple[QLabel, QScrollArea, QVBoxLayout]:
    """Lay out `page` as a banner over a scroll area; returns the banner, the scroll area and the column
    to fill. Object names are `<prefix>.banner`, `<prefix>.scroll` and `<prefix>.body`."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    banner = QLabel()
    banner.setObjectName(f"{prefix}.banner")
    banner.setWordWrap(True)
    banner.setTextFormat(Qt.TextFormat.RichText)
    outer.addWidget(banner)

    scroll = QScrollArea()
    scroll.setObjectName(f"{prefix}.scroll")
    scroll.setWidgetResizable(True)
    scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    body = ScrollBody()
    body.setObjectName(f"{prefix}.body")
    body.setStyleSheet(body_css)
    column = QVBoxLayout(body)
    column.setContentsMargins(4, 4, 8, 8)
    column.setSpacing(6)
    scroll.setWidget(body)
    outer.addWidget(scroll, 1)
    return banner, scroll, column


def show_sources(label: QLabel, ref_ids: Sequence[str], references: Mapping[str, Reference]) -> None:
    """ "Sources: A, B" on the label, the full citations in its tooltip and accessible description."""
    label.setText("Sources: " + ", ".join(ref_ids) if ref_ids else "")
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
