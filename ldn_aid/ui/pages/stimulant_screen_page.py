"""Page 4, Stimulant screen: every `stimulant_screen` question, each with why it is asked."""

from __future__ import annotations

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import STIMULANT_SCREEN_FIELDS
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState

CONFIRMED = "stimulant_contraindication_confirmed"


class StimulantScreenPage(QuestionPage):
    def __init__(self, state: VisitState, content: ContentBundle) -> None:
        super().__init__(
            state,
            content,
            "Stimulant screen",
            "These answers shape the comparison of medicines on the patient handout.",
        )
        for name in STIMULANT_SCREEN_FIELDS:
            if name == CONFIRMED:
                # The items above defer a stimulant or call for a check; only this rules them out.
                self.add_heading("The clinician's judgement")
            self.yes_no(f"stimulant_screen.{name}")
