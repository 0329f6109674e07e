"""Pure decision rules: a visit in; ids, numbers and dates out (words are looked up where shown).

`decide(visit)` is the one pass every front end uses: the assessment, the starting protocol, one
decision per follow-up, and the gates that say whether each document may be given to the patient.
"""

from ldn_aid.rules.decide import decide
from ldn_aid.rules.engine import evaluate
from ldn_aid.rules.gate import followup_gate, handout_gate
from ldn_aid.rules.protocol_builder import build_protocol
from ldn_aid.rules.review import review, review_all

__all__ = [
    "build_protocol",
    "decide",
    "evaluate",
    "followup_gate",
    "handout_gate",
    "review",
    "review_all",
]
