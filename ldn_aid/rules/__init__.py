"""Pure decision rules: a visit in, an assessment, a starting protocol and a follow-up decision out."""

from ldn_aid.rules.engine import evaluate
from ldn_aid.rules.protocol_builder import build_protocol
from ldn_aid.rules.review import review

__all__ = ["build_protocol", "evaluate", "review"]
