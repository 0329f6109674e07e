"""The handout page: the preview holds the bytes it shows; Print and Save use exactly those."""

from ldn_aid.ui.pages.handout.page import HandoutPage

__all__ = ["HandoutPage"]
