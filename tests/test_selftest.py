"""`ldn-aid --self-test` checks content, example outcomes, every handout variant and the Qt preview."""

from __future__ import annotations

import pytest

from ldn_aid import selftest
from ldn_aid.app import main


def test_self_test_passes_and_reports_every_check(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--self-test"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[-1] == "passed: 0 failure(s)"
    assert sum(line.startswith("ok   handout ") for line in lines) == 4 * 2 * 2 * 2
    for expected in (
        "ok   content en",
        "ok   content es",
        "ok   assess example stop (stop)",
        "ok   review example followup_stop (stop)",
        "ok   gate: handout guideline_first refused until the guideline discussion is recorded",
        "ok   follow-up sheet followup_stop es",
        "ok   chart note and FHIR bundle guideline_first",
        "ok   Qt libraries",
    ):
        assert any(line.startswith(expected) for line in lines), expected
    assert not any(line.startswith("FAIL") for line in lines)


def test_a_wrong_outcome_fails_the_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(selftest.EXPECTED_OUTCOMES, "stop", "ldn_option")
    lines: list[str] = []
    assert selftest.SelfTest(echo=lines.append).run() == 1
    assert any(line.startswith("FAIL assess example stop: AssertionError: outcome stop") for line in lines)
    assert lines[-1] == "FAILED: 1 failure(s)"


def test_a_wrong_follow_up_decision_fails_the_self_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(selftest.EXPECTED_DECISIONS, "followup_stop", "advance")
    lines: list[str] = []
    assert selftest.SelfTest(echo=lines.append).run() == 1
    assert any(
        line.startswith("FAIL review example followup_stop: AssertionError: decision stop") for line in lines
    )
