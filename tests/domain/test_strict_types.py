"""Red team D13: JSON `true` was read as the number 1 in score fields (a follow-up score of `true`
turned "cannot judge, stop" into "response met, continue"), and "yes", 1 or "false" as booleans.

Every number and every yes/no flag of the visit file is walked from the models themselves, so a new
field cannot slip past: a number takes no boolean or string, a flag takes only true or false.
"""

from __future__ import annotations

import json
import types
import typing
from pathlib import Path
from typing import Any

import pytest
from pydantic import BaseModel, ValidationError

from ldn_aid.domain.visit import Visit
from ldn_aid.paths import resource_path
from ldn_aid.rules import decide
from ldn_aid.visit_file import load_visit

# Has a plan and follow-ups, so every nested record of the file is present.
EXAMPLE = resource_path("examples/followup_advance.json")
CASE = Path(__file__).resolve().parents[1] / "record" / "cases"


def _leaf_types(annotation: Any) -> set[type]:
    """The plain types an annotation allows: Annotated[float, ...] | None gives {float, NoneType}."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _leaf_types(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return {leaf for arg in typing.get_args(annotation) for leaf in _leaf_types(arg)}
    return {annotation} if isinstance(annotation, type) else set()


def _models(annotation: Any) -> list[type[BaseModel]]:
    """The record models an annotation holds, alone or in a tuple (a follow-up list)."""
    origin = typing.get_origin(annotation)
    if origin in (typing.Annotated, typing.Union, types.UnionType, tuple):
        return [m for arg in typing.get_args(annotation) if arg is not Ellipsis for m in _models(arg)]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return [annotation]
    return []


def _paths(
    model: type[BaseModel], data: Any, prefix: tuple[Any, ...] = ()
) -> list[tuple[tuple[Any, ...], type]]:
    """(path into the example's JSON, float or bool) for every number and flag the example holds."""
    found: list[tuple[tuple[Any, ...], type]] = []
    for name, info in model.model_fields.items():
        leaves = _leaf_types(info.annotation)
        kind = float if float in leaves else bool if bool in leaves else None
        if kind is not None:
            found.append(((*prefix, name), kind))
        value = data.get(name) if isinstance(data, dict) else None
        for sub in _models(info.annotation):
            if isinstance(value, dict):
                found += _paths(sub, value, (*prefix, name))
            elif isinstance(value, list) and value:
                found += _paths(sub, value[-1], (*prefix, name, len(value) - 1))
    return found


def _example() -> dict[str, Any]:
    data = json.loads(EXAMPLE.read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _with(data: dict[str, Any], path: tuple[Any, ...], value: object) -> dict[str, Any]:
    copy = json.loads(json.dumps(data))
    node: Any = copy
    for key in path[:-1]:
        node = node.setdefault(key, {}) if isinstance(key, str) else node[key]
    node[path[-1]] = value
    return copy


PATHS = _paths(Visit, _example())
BAD = {float: (True, False, "3", "36"), bool: ("yes", "false", 1, 0, "true")}


def test_the_walk_finds_the_scores_the_weight_and_the_flags() -> None:
    names = {".".join(str(p) for p in path) for path, _ in PATHS}
    assert {"patient.weight_kg", "diagnosis.baseline.score", "plan.guideline_options_discussed"} <= names
    assert any(n.startswith("follow_ups.") and n.endswith(".score") for n in names)
    assert any(n.endswith(".extend_once") for n in names)


@pytest.mark.parametrize(
    ("path", "kind"), PATHS, ids=lambda p: ".".join(map(str, p)) if isinstance(p, tuple) else p.__name__
)
def test_a_number_takes_no_boolean_or_string_and_a_flag_only_true_or_false(
    path: tuple[Any, ...], kind: type
) -> None:
    data = _example()
    for bad in BAD[kind]:
        with pytest.raises(ValidationError):
            Visit.model_validate_json(json.dumps(_with(data, path, bad)))


@pytest.mark.parametrize("score", [True, "15"])
def test_d13_a_follow_up_score_of_true_is_refused_not_read_as_one(score: object, tmp_path: Path) -> None:
    """The reproducer: the same visit with the latest score null is "cannot judge"; with `true` it
    must be refused at load with the field named, never reviewed as a 94 % fall."""
    data = _example()
    data["follow_ups"][-1]["score"] = None
    assert decide(Visit.model_validate(data)).latest is not None
    data["follow_ups"][-1]["score"] = score
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(data), "utf-8")
    with pytest.raises(Exception, match="score"):
        load_visit(path)
