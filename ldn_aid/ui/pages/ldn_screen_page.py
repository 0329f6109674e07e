"""Page 3, LDN safety screen: every `ldn_screen` question, each with why it is asked."""

from __future__ import annotations

from ldn_aid.content import ContentBundle
from ldn_aid.domain.visit import LDN_SCREEN_FIELDS
from ldn_aid.ui.pages import conditions
from ldn_aid.ui.pages.base import QuestionPage
from ldn_aid.ui.state import VisitState
from ldn_aid.ui.widgets.fields import ChoiceField

# The screen's questions answered from a list (their words: these tables in choices.toml).
CHOICE_KEYS = {"pregnancy": "pregnancy", "urine_opioid_screen": "urine_opioid_screen"}
PREGNANCY = "ldn_screen.pregnancy"
NOT_APPLICABLE = "not_applicable"
# Asked before the question whose answers it controls ("not applicable" for pregnancy needs its "no").
ASKED_BEFORE = {"pregnancy": "childbearing_potential"}
# {label}: the choice's own words from the content.
NOT_APPLICABLE_REFUSED = (
    "\u201c{label}\u201d is not accepted here: it needs child-bearing potential recorded as"
    " \u201cno\u201d (or male sex at birth). Choose a pregnancy answer."
)


def question_order() -> tuple[str, ...]:
    """The screen's questions in the order asked: the model's, with child-bearing potential moved
    up before the pregnancy question it controls."""
    order: list[str] = []
    for name in LDN_SCREEN_FIELDS:
        first = ASKED_BEFORE.get(name)
        if first is not None and first not in order:
            order.append(first)
        if name not in order:
            order.append(name)
    return tuple(order)


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
        for name in question_order():
            path = f"ldn_screen.{name}"
            if name in CHOICE_KEYS:
                self.choice(path, CHOICE_KEYS[name], allow_unanswered=True)
            else:
                self.yes_no(path)
        state.changed.connect(self._offer_pregnancy)
        state.loaded.connect(self._offer_pregnancy)
        self._offer_pregnancy()

    def _offer_pregnancy(self) -> None:
        """Offer "not applicable" only where the rules accept it (a recorded one stays shown, with
        the reason it is not accepted)."""
        field = self.fields[PREGNANCY]
        assert isinstance(field, ChoiceField)
        if conditions.pregnancy_not_applicable_accepted(self.state):
            field.offer(None)
        else:
            field.offer(value for value, _label in self.choices("pregnancy") if value != NOT_APPLICABLE)
        self._refresh_errors()

    def page_notes(self) -> dict[str, str]:
        assessment = self.state.assessment
        missing = assessment.missing if assessment is not None else ()
        if self.state.get(PREGNANCY) == NOT_APPLICABLE and (
            PREGNANCY in missing or not conditions.pregnancy_not_applicable_accepted(self.state)
        ):
            label = self.content.language.choices["pregnancy"][NOT_APPLICABLE]
            return {PREGNANCY: NOT_APPLICABLE_REFUSED.format(label=label)}
        return {}
