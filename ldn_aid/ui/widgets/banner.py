"""The outcome or decision banner at the top of a report page (and, compact, in the side panel)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QLabel, QWidget

from ldn_aid.ui.theme import Style, banner_css


class Banner(QLabel):
    """A word in capitals ("STOP"), a sentence, and the tone they go with.

    `show(word, text, style)` fills it; `show()` without arguments is QWidget's own. The style sheet
    is set only when the tone changes: setting one restyles the label even when equal."""

    def __init__(self, name: str, *, large: bool = True, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(name)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self._large = large
        self.word = ""

    def show(
        self, word: str | None = None, text: str = "", style: Style | None = None, *, separator: str = " — "
    ) -> None:
        if word is None:
            super().show()
            return
        self.word = word
        # Plain text: the words are the content's and the clinician's, never markup.
        self.setTextFormat(Qt.TextFormat.PlainText)
        self.setText(word + (separator + text if text else ""))
        self.setAccessibleName(f"{word}: {text}" if text else word)
        if style is not None:
            css = banner_css(style, large=self._large)
            if self.styleSheet() != css:
                self.setStyleSheet(css)
        super().show()
