"""The handout page lives in `ldn_aid.ui.pages.handout`; this name stays for its importers."""

from ldn_aid.ui.pages.handout.page import HandoutPage

__all__ = ["HandoutPage"]
