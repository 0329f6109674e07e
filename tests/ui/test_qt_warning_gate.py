"""Issue 13: a Qt warning fails the test that caused it (pytest-qt's qt_log_level_fail, set in
pyproject.toml), and an expected failure that passes is a failure (xfail_strict). Each is checked by
running a small test under the project's own settings in a child pytest."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

WARNS = """
from PySide6.QtWidgets import QLabel

def test_a_broken_style_sheet(qtbot):
    label = QLabel()
    qtbot.addWidget(label)
    label.setStyleSheet("QLabel { color: ; ")  # Qt: "Could not parse stylesheet"
    label.show()
"""

PASSES_THOUGH_XFAIL = """
import pytest

@pytest.mark.xfail(reason="was broken once")
def test_now_fixed():
    assert True
"""


def _run(tmp_path: Path, name: str, text: str) -> subprocess.CompletedProcess[str]:
    test = tmp_path / name
    test.write_text(text, "utf-8")
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-c",
            str(ROOT / "pyproject.toml"),
            "--rootdir",
            str(tmp_path),
            str(test),
        ],
        capture_output=True,
        text=True,
        timeout=300,
        env={**os.environ, "QT_QPA_PLATFORM": "offscreen"},
    )


def test_a_qt_warning_fails_its_test(tmp_path: Path) -> None:
    done = _run(tmp_path, "test_warns.py", WARNS)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "Could not parse stylesheet" in done.stdout
    assert "1 failed" in done.stdout


def test_an_expected_failure_that_passes_fails(tmp_path: Path) -> None:
    done = _run(tmp_path, "test_xpass.py", PASSES_THOUGH_XFAIL)
    assert done.returncode == 1, done.stdout[-2000:]
    assert "XPASS(strict)" in done.stdout
