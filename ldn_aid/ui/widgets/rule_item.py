"""One finding of the assessment or one reason of a follow-up decision: a severity edge, its label
and words, and its sources (short names, full citations on hover). The rule id is never shown; it
is the widget's object name (for tests and jumps) only."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from html import escape

from PySide6.QtWidgets import QFrame, QVBoxLayout, QWidget

from ldn_aid.content.schema import Reference
from ldn_aid.ui.theme import INFO, SEVERITY_INK
from ldn_aid.ui.widgets.report import wrapping_label
from ldn_aid.ui.widgets.sources import sources_label


def rule_item(
    severity: str,
    words: str,
    ref_ids: Sequence[str],
    references: Mapping[str, Reference],
    *,
    label: str = "",
    severity_word: str = "",
    name: str = "",
    extra: Sequence[QWidget] = (),
) -> QFrame:
    """A finding or a reason. `label` is its name in words (the finding's `label`), shown bold
    before `words`; `severity_word` ("STOP") is shown first, in the severity's ink, where the
    group heading does not already say it. `extra` widgets go between the words and the sources.

    The frame carries the property `rule_item=<severity>`, which `theme.BODY_CSS` draws as a
    coloured left edge."""
    frame = QFrame()
    if name:
        frame.setObjectName(name)
    frame.setProperty("rule_item", severity)
    layout = QVBoxLayout(frame)
    layout.setContentsMargins(10, 2, 4, 2)
    layout.setSpacing(1)
    parts: list[str] = []
    if severity_word:
        ink = SEVERITY_INK.get(severity, INFO.ink)
        parts.append(f"<span style='color:{ink}'><b>{escape(severity_word)}</b></span> ")
    if label:
        parts.append(f"<b>{escape(label)}</b> — ")
    parts.append(escape(words))
    text = wrapping_label("".join(parts), rich=True)
    text.setObjectName(f"{name}:text" if name else "")
    spoken = ": ".join(part for part in (severity_word or severity, label) if part)
    text.setAccessibleName(spoken)
    text.setAccessibleDescription(words)
    layout.addWidget(text)
    for widget in extra:
        layout.addWidget(widget)
    if ref_ids:
        layout.addWidget(sources_label(ref_ids, references))
    return frame
