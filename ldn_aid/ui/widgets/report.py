"""The shared frame of the report-style pages (assessment, follow-up): a banner above a scrolling
column of labels and headings, styled by one sheet on the body (`theme.BODY_CSS`)."""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QEvent, QSize, Qt
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QVBoxLayout, QWidget

from ldn_aid.ui.theme import BODY_CSS, ERROR_CSS
from ldn_aid.ui.widgets.banner import Banner


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


def report_frame(
    page: QWidget, prefix: str, body_css: str = BODY_CSS
) -> tuple[Banner, QScrollArea, QVBoxLayout]:
    """Lay out `page` as a banner over a scroll area; returns the banner, the scroll area and the column
    to fill. Object names are `<prefix>.banner`, `<prefix>.scroll` and `<prefix>.body`."""
    outer = QVBoxLayout(page)
    outer.setContentsMargins(0, 0, 0, 0)
    banner = Banner(f"{prefix}.banner")
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


def fit_scroll_body(scroll: QScrollArea) -> None:
    """Give the scrolled body its new height now, not an event-loop pass later: a message that
    appears beside a control must not squash the controls around it for a frame."""
    body = scroll.widget()
    if body is None or not body.isVisible():
        return
    # Let the nested layouts take in their new contents first, or the height is the old one.
    QCoreApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
    width = scroll.viewport().width()
    body.resize(width, max(body.heightForWidth(width), scroll.viewport().height()))


def add_why_and_message(
    column: QVBoxLayout, path: str, field: QWidget, why: str
) -> tuple[QLabel | None, QLabel]:
    """Below a field in `column`: why it is asked (also the field's tooltip), when there is a why,
    then its message line, hidden until there is something to say. Named `<path>:why` and
    `<path>:error`."""
    why_label = None
    if why:
        field.setToolTip(why)
        why_label = wrapping_label(why)
        why_label.setObjectName(f"{path}:why")
        why_label.setProperty("role", "small")
        column.addWidget(why_label)
    message = wrapping_label()
    message.setObjectName(f"{path}:error")
    message.setStyleSheet(ERROR_CSS)
    message.hide()
    column.addWidget(message)
    return why_label, message
