"""Clinical content from resources/content: validated once at load into frozen models."""

from ldn_aid.content.loader import load_content, load_rules
from ldn_aid.content.schema import ContentBundle, RuleBook

__all__ = ["ContentBundle", "RuleBook", "load_content", "load_rules"]
