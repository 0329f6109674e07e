"""Pydantic models for the words of the decision pack and the evidence sheet (resources/content/<lang>/pack.toml)."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class _Words(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class PackText(_Words):
    """resources/content/<lang>/pack.toml."""
