"""Code review F4: the visit file is a public contract, and doses drifted into strings. Loading
`examples/followup_advance.json` ("dose_mg": 1.5) and saving it wrote "dose_mg": "1.5", and the
schema said number-or-string. Now doses and the target are JSON numbers when saved, the schema says
number, text in quotes is refused in format 2, and 0.1.0's format-1 files (text) still open."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from ldn_aid.domain.errors import VisitFileError
from ldn_aid.domain.visit import Visit
from ldn_aid.paths import resource_path
from ldn_aid.visit_file import parse_visit, parse_visit_file, visit_json

EXAMPLES = sorted(Path(resource_path("examples")).glob("*.json"))


def _json_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, (int, float)):
        return "number"
    return type(value).__name__


def _leaves(node: Any, where: str = "") -> dict[str, Any]:
    if isinstance(node, dict):
        out: dict[str, Any] = {}
        for key, value in node.items():
            out.update(_leaves(value, f"{where}.{key}" if where else key))
        return out
    if isinstance(node, list):
        out = {}
        for index, value in enumerate(node):
            out.update(_leaves(value, f"{where}.{index}"))
        return out
    return {where: node}


@pytest.mark.parametrize("example", EXAMPLES, ids=[path.name for path in EXAMPLES])
def test_saving_an_example_keeps_every_json_type_it_had(example: Path) -> None:
    raw = json.loads(example.read_text("utf-8"))
    saved = json.loads(visit_json(parse_visit(example.read_bytes())))
    was, now = _leaves(raw), _leaves(saved)
    changed = {
        where: (_json_kind(value), _json_kind(now.get(where)))
        for where, value in was.items()
        if _json_kind(value) != _json_kind(now.get(where))
    }
    assert changed == {}


def test_doses_and_the_target_are_saved_as_numbers() -> None:
    data = json.loads((Path(resource_path("examples")) / "followup_advance.json").read_text("utf-8"))
    data["plan"] = {**data.get("plan", {}), "target_mg": 3.5, "change_reason": "agreed"}
    saved = json.loads(visit_json(Visit.model_validate(data)))
    assert saved["plan"]["target_mg"] == 3.5
    assert [follow_up["dose_mg"] for follow_up in saved["follow_ups"]] == [
        follow_up["dose_mg"] for follow_up in data["follow_ups"]
    ]
    assert all(type(follow_up["dose_mg"]) is float for follow_up in saved["follow_ups"])
    # And back: the same exact Decimals, so a tenth never drifts.
    again = parse_visit(json.dumps(saved).encode())
    assert again.plan.target_mg == Decimal("3.5")


def test_the_schema_says_number() -> None:
    schema = Visit.model_json_schema()
    follow_up = schema["$defs"]["FollowUp"]["properties"]["dose_mg"]
    assert follow_up == {"title": "Dose Mg", "type": "number"}
    target = schema["$defs"]["Plan"]["properties"]["target_mg"]
    assert {"type": "number"} in target["anyOf"]
    assert "string" not in json.dumps(follow_up) + json.dumps(target)


@pytest.mark.parametrize(
    ("where", "value"), [("dose", "1.5"), ("dose", True), ("target", "3.5"), ("target", False)]
)
def test_format_2_refuses_text_and_true_false_as_doses(where: str, value: Any) -> None:
    data = json.loads((Path(resource_path("examples")) / "followup_advance.json").read_text("utf-8"))
    if where == "dose":
        data["follow_ups"][0]["dose_mg"] = value
        field = "follow_ups.0.dose_mg"
    else:
        data["plan"] = {**data.get("plan", {}), "target_mg": value, "change_reason": "agreed"}
        field = "plan.target_mg"
    with pytest.raises(VisitFileError) as caught:
        parse_visit(json.dumps(data).encode())
    expected = "not text in quotes" if isinstance(value, str) else "not true or false"
    assert f"{field}: Value error, must be a number, {expected}" in str(caught.value)


def test_a_format_1_file_as_0_1_0_saved_it_opens_with_numbers() -> None:
    data = json.loads((Path(resource_path("examples")) / "followup_advance.json").read_text("utf-8"))
    data["format"] = "ldn-aid.visit/1"
    data.pop("documents_given", None)
    for follow_up in data["follow_ups"]:
        follow_up["dose_mg"] = str(follow_up["dose_mg"])  # what 0.1.0 wrote
    data["plan"] = {**data.get("plan", {}), "target_mg": "3.0", "change_reason": "agreed"}
    loaded = parse_visit_file(json.dumps(data).encode())
    assert loaded.migrated
    assert loaded.visit.plan.target_mg == Decimal("3.0")
    saved = json.loads(visit_json(loaded.visit))
    assert saved["plan"]["target_mg"] == 3.0
    assert all(_json_kind(follow_up["dose_mg"]) == "number" for follow_up in saved["follow_ups"])
