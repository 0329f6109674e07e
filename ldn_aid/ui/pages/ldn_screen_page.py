"""Page 3, LDN safety screen: every `ldn_screen` question, each with why it is asked."""

from __future__ import annotations

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState

# The screen's questions answered from a list (their words: these tables in choices.toml).
CHOICE_KEYS = {"pregnancy": "pregnancy", "urine_opioid_screen": "urine_opioid_screen"}


class LdnScreenPage(QuestionPage):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__(
            state,
            content,
            "LDN safety screen",
            "Every question shown needs an answer. An unanswered question is never read as \u201cno\u201d.",
        )
        # The urine opioid screen shows after past opioid use disorder or doubt about recent opioids;
        # pregnancy and child-bearing potential are not asked for male sex at birth (see conditions.py).
        for name in LDN_SCREEN_FIELDS:
            path = f"ldn_screen.{name}"
            if name in CHOICE_KEYS:
                self.choice(path, CHOICE_KEYS[name], allow_unanswered=True)
            else:
                self.yes_no(path)
