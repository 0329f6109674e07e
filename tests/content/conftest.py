"""Content fixtures: a copy of resources/content to break on purpose, and fresh caches around it."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from ldn_aid.content import load_content, load_rules
from ldn_aid.paths import resource_path

CONTENT = resource_path("content")


@pytest.fixture
def content_copy(tmp_path: Path) -> Iterator[Path]:
    root = tmp_path / "content"
    shutil.copytree(CONTENT, root)
    load_rules.cache_clear()
    load_content.cache_clear()
    yield root
    load_rules.cache_clear()
    load_content.cache_clear()
