"""`decide(visit) -> VisitDecision`: the one pure, language-free pass every front end uses."""

from __future__ import annotations

from ldn_aid.content import RuleBook, load_rules
from ldn_aid.domain.decision import VisitDecision
from ldn_aid.domain.visit import Visit
from ldn_aid.rules.engine import evaluate
from ldn_aid.rules.gate import followup_gate, handout_gate
from ldn_aid.rules.protocol_builder import build_protocol
from ldn_aid.rules.review import review_all


def decide(visit: Visit, rules: RuleBook | None = None) -> VisitDecision:
    """Assess the visit, build its protocol, review every follow-up once, and gate each document.

    Pure: the same visit and rules always give the same value; no words, only ids, numbers, dates.
    """
    book = rules if rules is not None else load_rules()
    assessment = evaluate(visit, book)
    protocol = build_protocol(visit, assessment, book)
    gate = handout_gate(visit, assessment, protocol)
    follow_ups = review_all(visit, book, assessment, protocol, gate)
    return VisitDecision(
        assessment=assessment,
        protocol=protocol,
        handout_gate=gate,
        follow_ups=follow_ups,
        followup_gate=followup_gate(follow_ups),
    )
