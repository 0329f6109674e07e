"""Pydantic models for the words of the follow-up sheet, the dose calendar, the wallet card and dose words (resources/content/<lang>/sheets.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SheetsText(_Words):
    """resources/content/<lang>/sheets.toml."""
