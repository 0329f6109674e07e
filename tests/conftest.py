"""Shared test helpers: a fully answered adult visit that any test can change by dotted path."""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from typing import Any

import pytest

# Set before anything imports Qt, so GUI tests never need a display.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from ldn_aid.domain.visit import (
    CONDITIONAL_LDN_SCREEN_FIELDS,
    LDN_SCREEN_FIELDS,
    MEDICINE_CLASSES,
    STIMULANT_SCREEN_FIELDS,
    Visit,
)

# A valid, fully answered adult visit whose outcome is `ldn_option`: no stop, nothing missing, a
# baseline on a scale that can judge a response, and every guideline class already given an
# adequate trial without benefit. The patient is male, so pregnancy does not apply.
BASE_VISIT: dict[str, Any] = {
    "format": "ldn-aid.visit/2",
    "visit_date": "2026-01-05",
    "patient": {"age_years": 30, "weight_kg": 70, "sex_at_birth": "male"},
    "diagnosis": {
        "adhd_confirmed": "yes",
        "baseline": {"scale": "aisrs", "score": 36, "date": "2026-01-05"},
    },
    "history": {
        **{name: "no_benefit" for name in MEDICINE_CLASSES},
        **{f"{name}_adequate_trial": "yes" for name in MEDICINE_CLASSES},
    },
    "ldn_screen": {
        **{
            name: "no"
            for name in LDN_SCREEN_FIELDS
            if name not in ("pregnancy", *CONDITIONAL_LDN_SCREEN_FIELDS)
        },
        "pregnancy": "not_applicable",
    },
    "stimulant_screen": {name: "no" for name in STIMULANT_SCREEN_FIELDS},
}


def visit_data(**overrides: Any) -> dict[str, Any]:
    """The base visit as a JSON-like dict, with `overrides` set by dotted path ("patient.age_years")."""
    data = copy.deepcopy(BASE_VISIT)
    for dotted, value in overrides.items():
        *parents, leaf = dotted.split(".")
        node = data
        for part in parents:
            child = node.get(part)
            if not isinstance(child, dict):
                child = {}
                node[part] = child
            node = child
        node[leaf] = value
    return data


def build_visit(**overrides: Any) -> Visit:
    """The base visit with `overrides`, validated: build_visit(**{"ldn_screen.planned_surgery": "yes"})."""
    return Visit.model_validate(visit_data(**overrides))


@pytest.fixture(name="make_visit")
def make_visit_fixture() -> Callable[..., Visit]:
    """`make_visit(**{"dotted.path": value})` -> a valid Visit built from the fully answered adult base."""
    return build_visit


@pytest.fixture(name="make_visit_data")
def make_visit_data_fixture() -> Callable[..., dict[str, Any]]:
    """Like make_visit, but returns the plain dict (for writing visit files)."""
    return visit_data


@pytest.fixture(autouse=True)
def private_user_folders(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test reads or writes the machine's real config or log folder."""
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path_factory.mktemp("config")))
    monkeypatch.setenv("LDN_AID_LOG_DIR", str(tmp_path_factory.mktemp("logs")))
