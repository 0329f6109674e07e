"""Page 3, LDN safety screen: every `ldn_screen` question, each with why it is asked."""

from __future__ import annotations

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState


class LdnScreenPage(QuestionPage):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__(
            state,
            content,
            "LDN safety screen",
            "Every question needs an answer. An unanswered question is never read as \u201cno\u201d.",
        )
        for name in LDN_SCREEN_FIELDS:
            path = f"ldn_screen.{name}"
            if name == "pregnancy":
                self.choice(path, "pregnancy", allow_unanswered=True)
            else:
                self.yes_no(path)
