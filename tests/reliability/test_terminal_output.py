"""Red team D06 and D20: what reaches a terminal cannot repaint it or run to 400 KB.

D06: escape sequences in a visit's override reason repainted "Decision: STOP" as "CONTINUE".
D20: a 400,000-character unknown key (or a duplicate one) gave a 400 KB error line, and bidi controls
in a key reversed the line on screen.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from ldn_aid.cli import ERROR_LINE_LIMIT, main
from ldn_aid.domain.errors import BIDI_CONTROLS, one_line
from ldn_aid.paths import resource_path

ESCAPES = "\x1b[2A\x1b[2K\x1b[1GDecision:\u00a0CONTINUE\x1b[1B\x1b[2K"
BIDI = "\u202eTIMIL\u202c\u2066x\u2069"


def _example(name: str) -> dict[str, Any]:
    data = json.loads(resource_path(f"examples/{name}.json").read_text("utf-8"))
    assert isinstance(data, dict)
    return data


def _raw_controls(text: str) -> list[str]:
    return [ch for ch in text if (ord(ch) < 32 and ch not in "\n") or ord(ch) == 127 or ch in BIDI_CONTROLS]


def test_d06_an_override_reason_cannot_repaint_the_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    data = _example("followup_stop")
    latest = data["follow_ups"][-1]
    latest["clinician_decision"] = "continue"
    latest["override_reason"] = ESCAPES + BIDI
    path = tmp_path / "visit.json"
    path.write_text(json.dumps(data), "utf-8")
    assert main(["review", str(path)]) == 0
    out = capsys.readouterr().out
    assert _raw_controls(out) == []
    assert "\\x1b[2A" in out  # shown, not obeyed
    assert "\\u202e" in out
    decision_lines = [line for line in out.splitlines() if line.startswith("Decision:")]
    assert decision_lines
    assert "CONTINUE" not in decision_lines[0]


@pytest.mark.parametrize("kind", ["unknown", "duplicate"])
def test_d20_a_huge_or_bidi_key_gives_one_short_line(
    kind: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    key = BIDI + "k" * 400_000
    path = tmp_path / "visit.json"
    if kind == "unknown":
        data = _example("ldn_option")
        data["patient"][key] = 1
        path.write_text(json.dumps(data), "utf-8")
    else:
        body = json.dumps(_example("ldn_option"))
        path.write_text(body[:-1] + f', "{key}": 1, "{key}": 2}}', "utf-8")
    assert main(["assess", str(path)]) == 2
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1
    assert len(err) <= ERROR_LINE_LIMIT + len("ldn-aid: \n")
    assert _raw_controls(err) == []
    assert "\\u202e" in err
    assert ("patient" in err) if kind == "unknown" else ("twice" in err)


def test_one_line_escapes_controls_and_bidi_and_cuts_to_its_limit() -> None:
    assert one_line("a\nb\x1b[2Jc\u202ed") == "a\\nb\\x1b[2Jc\\u202ed"
    assert one_line("x" * 10, 5) == "xxxx…"
    assert one_line("plain words, accents é and 中文") == "plain words, accents é and 中文"
