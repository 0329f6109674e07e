"""Red team D07 and D08: a flaw in clinic.json (a BOM, one over-long field, "A4", bad JSON) silently
dropped every clinic setting, so handouts lost the clinic phone; deep nesting gave a traceback, a FIFO
hung, a link to /dev/zero ran out of memory. Now every valid field is kept, each ignored one is named
(on stderr for the command line), a file that cannot be used is said so, and the file is never
rewritten by reading it."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldn_aid.cli import main
from ldn_aid.paths import resource_path
from ldn_aid.settings import read_settings, settings_path

GOOD = {"clinic_name": "Riverside Clinic", "phone": "555-0100", "after_hours_phone": "555-0101"}


@pytest.fixture(autouse=True)
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("LDN_AID_CONFIG_DIR", str(tmp_path))
    return tmp_path


def _write(data: bytes) -> bytes:
    settings_path().write_bytes(data)
    return data


@pytest.mark.parametrize(
    ("bad", "field"),
    [
        ({"default_paper": "A5"}, "default_paper"),
        ({"prescriber_name": "M" * 300}, "prescriber_name"),
        ({"default_language": 3}, "default_language"),
        ({"emergency_number": ["911"]}, "emergency_number"),
    ],
)
def test_one_bad_field_is_named_and_every_other_field_is_kept(bad: dict[str, object], field: str) -> None:
    before = _write(b"\xef\xbb\xbf" + json.dumps({**GOOD, **bad}).encode())  # with a BOM, as Notepad saves
    loaded = read_settings()
    assert loaded.settings.phone == "555-0100"
    assert loaded.settings.clinic_name == "Riverside Clinic"
    assert loaded.settings.after_hours_phone == "555-0101"
    (problem,) = loaded.problems
    assert problem.field == field
    assert str(problem).startswith(f"clinic settings: {field}: ")
    assert str(problem).endswith("; that field was ignored")
    assert settings_path().read_bytes() == before  # never rewritten by reading


@pytest.mark.parametrize(
    "content",
    [b"{not json", b"[1, 2]", b"\xff\xfe\x00bad", b"[" * 30_000 + b"]" * 30_000, b"x" * (70 * 1024)],
    ids=["bad-json", "a-list", "not-utf8", "deep-nesting", "huge"],
)
def test_a_file_that_cannot_be_used_gives_the_defaults_and_says_so(content: bytes) -> None:
    _write(content)
    loaded = read_settings()
    assert loaded.settings.phone == ""
    (problem,) = loaded.problems
    assert problem.field is None
    assert str(problem).startswith("clinic settings not used:")
    assert len(str(problem)) <= 300


def test_a_choice_typed_by_hand_in_capitals_is_the_choice_meant() -> None:
    _write(json.dumps({**GOOD, "default_paper": "A4", "default_language": " ES "}).encode())
    loaded = read_settings()
    assert loaded.problems == ()
    assert (loaded.settings.default_paper, loaded.settings.default_language) == ("a4", "es")


def test_a_missing_file_is_no_problem() -> None:
    assert read_settings().problems == ()


def test_special_files_are_not_read_so_nothing_hangs(config: Path) -> None:
    """A FIFO (would block for ever) and a link to /dev/zero (would fill memory), in a child process
    with a time limit, so a regression fails instead of hanging the suite."""
    for kind in ("fifo", "zero"):
        target = settings_path()
        if target.exists() or target.is_symlink():
            target.unlink()
        if kind == "fifo":
            os.mkfifo(target)
        else:
            target.symlink_to("/dev/zero")
        code = "from ldn_aid.settings import read_settings; print(str(read_settings().problems[0]))"
        env = {**os.environ, "LDN_AID_CONFIG_DIR": str(config)}
        done = subprocess.run(
            [sys.executable, "-c", code], capture_output=True, text=True, timeout=30, env=env
        )
        assert done.returncode == 0, done.stderr
        assert "not a regular file" in done.stdout


def test_the_command_line_says_which_field_was_ignored_and_still_prints_the_phone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _write(json.dumps({**GOOD, "default_paper": "A5"}).encode())
    out = tmp_path / "pack.pdf"
    assert main(["handout", str(resource_path("examples/ldn_option.json")), "-o", str(out)]) == 0
    err = capsys.readouterr().err
    assert "ldn-aid: note: clinic settings: default_paper" in err
    import pdfplumber

    with pdfplumber.open(out) as pdf:
        assert "555-0100" in (pdf.pages[0].extract_text() or "")


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        (b'{"phone": "555', "is not valid JSON (line 1, column 11)"),
        (b"\xff\xfe\x00bad", "is not UTF-8 text"),
        (b"[" * 30_000 + b"]" * 30_000, "is nested too deeply to be a settings file"),
    ],
)
def test_what_is_wrong_with_the_file_is_said_in_words(content: bytes, reason: str) -> None:
    """Wizard walk, December 2026: "not readable JSON (JSONDecodeError)" named a Python exception."""
    _write(content)
    (problem,) = read_settings().problems
    assert problem.reason.endswith(reason)
    assert "Error" not in problem.reason


@pytest.mark.parametrize(
    ("bad", "reason"),
    [
        ({"phone": "5" * 201}, "longer than 200 characters"),
        ({"phone": 5550100}, "not text"),
        ({"default_paper": "A5"}, "not letter or a4"),
        ({"default_language": "fr"}, "not en or es"),
    ],
)
def test_why_a_field_was_ignored_is_said_in_words(bad: dict[str, object], reason: str) -> None:
    _write(json.dumps(bad).encode())
    (problem,) = read_settings().problems
    assert problem.reason == reason
