"""Red team D11: a valid visit dated late in 9999 gave OverflowError tracebacks (the plan's steps and
reviews are weeks after its start), in every command and at wizard start. Every date of a visit file
now lies in 1900-2200, refused at load with the field named (exit 2, one line)."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from ldn_aid.cli import main
from ldn_aid.domain.values import LATEST_DATE
from ldn_aid.handout.compose import compose_followup_for_visit, compose_for_visit
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import render_pdf_bytes
from ldn_aid.rules import decide
from ldn_aid.visit_file import load_visit


def _example(name: str) -> dict[str, Any]:
    data = json.loads(resource_path(f"examples/{name}.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _far(data: dict[str, Any], where: str, value: str) -> dict[str, Any]:
    if where == "visit_date":
        data["visit_date"] = value
    elif where == "plan.start_date":
        data["plan"]["start_date"] = value
    elif where == "follow_ups.date":
        data["follow_ups"][-1]["date"] = value
    elif where == "diagnosis.baseline.date":
        data["diagnosis"]["baseline"]["date"] = value
    return data


CASES = [
    ("ldn_option", "visit_date", "9999-12-31"),
    ("ldn_option", "visit_date", "9999-10-09"),  # the first date the red team saw overflow
    ("ldn_option", "visit_date", "1066-10-14"),
    ("followup_advance", "plan.start_date", "9999-12-31"),
    ("followup_advance", "follow_ups.date", "9999-12-31"),
    ("ldn_option", "diagnosis.baseline.date", "0001-01-01"),
]


@pytest.mark.parametrize(("example", "where", "value"), CASES)
@pytest.mark.parametrize("command", ["assess", "review", "note", "fhir", "handout"])
def test_a_date_outside_1900_to_2200_is_one_clear_line_and_exit_2(
    example: str,
    where: str,
    value: str,
    command: str,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(_far(_example(example), where, value)), "utf-8")
    out = tmp_path / "out"
    argv = [command, str(path)] + (["-o", str(out)] if command in ("note", "fhir", "handout") else [])
    assert main(argv) == 2
    err = capsys.readouterr().err.strip()
    assert "Traceback" not in err
    assert len(err.splitlines()) == 1, err
    assert where.split(".")[-1] in err
    assert "1900" in err or "2200" in err
    assert not out.exists()


def test_the_latest_allowed_day_plans_prints_and_reviews_without_overflow(tmp_path: Path) -> None:
    """The edge itself works: a visit on 2200-12-31 (its plan runs into 2201) is decided, printed and
    reviewed."""
    data = _example("followup_advance")
    latest = data.get("plan", {}).get("start_date") or data["visit_date"]  # the plan starts last
    shift = LATEST_DATE - dt.date.fromisoformat(latest)

    def moved(day: str) -> str:
        return (dt.date.fromisoformat(day) + shift).isoformat()

    data["visit_date"] = moved(data["visit_date"])
    data["diagnosis"]["baseline"]["date"] = moved(data["diagnosis"]["baseline"]["date"])
    if data.get("plan", {}).get("start_date"):
        data["plan"]["start_date"] = moved(data["plan"]["start_date"])
    data["follow_ups"] = []  # follow-ups after the last allowed day cannot exist
    path = tmp_path / "edge.json"
    path.write_text(json.dumps(data), "utf-8")
    visit = load_visit(path)
    decision = decide(visit)
    assert decision.protocol is not None
    assert decision.protocol.response_review.year == 2201
    assert render_pdf_bytes(compose_for_visit(visit, "en", decision=decision)).startswith(b"%PDF")
    assert compose_followup_for_visit(visit, "en", decision=decision) is None
