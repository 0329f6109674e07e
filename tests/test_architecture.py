"""The core stays free of Qt and reportlab; import-linter checks the contracts in `make lint`."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

CORE = ["ldn_aid.domain.visit", "ldn_aid.content", "ldn_aid.rules", "ldn_aid.visit_file", "ldn_aid.cli"]


def test_core_imports_neither_qt_nor_reportlab() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {module}\n" for module in CORE)
        + "bad = sorted(m for m in sys.modules if m.split('.')[0] in ('PySide6', 'shiboken6', 'reportlab'))\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def test_a_long_session_of_qt_calls_and_signals_runs_to_the_end() -> None:
    """PySide6 6.12.0 drops a reference to None on every void call and to True on every emit. On
    Python 3.11 that aborted the interpreter ("deallocating None", "bool_dealloc") after a few
    thousand calls; on 3.12+ those objects are immortal, so the app needs no guard. Run in
    a child process, so a regression (an older interpreter, a changed wheel) fails this test instead
    of aborting the whole run."""
    code = (
        "import os, sys\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import ldn_aid.ui\n"
        "from PySide6.QtCore import QObject, Signal\n"
        "from PySide6.QtWidgets import QApplication, QLabel\n"
        "class Pinger(QObject):\n"
        "    ping = Signal()\n"
        "    changed = Signal(str)\n"
        "app = QApplication([])\n"
        "label = QLabel()\n"
        "for _ in range(50_000):\n"
        "    label.setText('x')\n"
        "    app.processEvents()\n"
        "pinger = Pinger()\n"
        "received = []\n"
        "pinger.changed.connect(received.append)\n"
        "for _ in range(200_000):\n"
        "    pinger.ping.emit()\n"
        "for _ in range(1000):\n"
        "    pinger.changed.emit('x')\n"
        "print('ok', len(received), sys.version_info >= (3, 12))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "ok 1000 True"


ROOT = Path(__file__).resolve().parents[1]
ROGUES = {
    # A new top-level module reaching for both: held by the two direct-import contracts.
    "ldn_aid/rogue.py": "import PySide6.QtWidgets\nimport reportlab\n",
    # A new module in a core package drawing a PDF through the renderer: held indirectly.
    "ldn_aid/handout/rogue_render.py": "from ldn_aid.pdf import render_pdf\n",
    # A new module of the presenters importing Qt.
    "ldn_aid/ui/present/rogue_widget.py": "from PySide6.QtWidgets import QLabel\n",
}


def _lint_copy(tmp_path: Path, extra: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """import-linter over a copy of the package with `extra` modules added, under the project's own
    contracts (pyproject.toml)."""
    shutil.copytree(ROOT / "ldn_aid", tmp_path / "ldn_aid", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    for name, text in extra.items():
        (tmp_path / name).write_text(text, "utf-8")
    lint = Path(sys.executable).with_name("lint-imports")
    return subprocess.run(
        [str(lint), "--no-cache", "--config", str(tmp_path / "pyproject.toml")],
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_the_contracts_cover_modules_that_do_not_exist_yet(tmp_path: Path) -> None:
    """Code review F5: a new ldn_aid/newmod.py importing PySide6 and reportlab left every contract
    kept, because the contracts listed modules. They now name whole packages."""
    clean = _lint_copy(tmp_path / "clean", {})
    assert clean.returncode == 0, clean.stdout[-2000:]
    rogue = _lint_copy(tmp_path / "rogue", ROGUES)
    assert rogue.returncode != 0
    report = rogue.stdout
    # The layers break too: the documents reach up into the renderer.
    assert "Contracts: 0 kept, 4 broken." in report, report[-2000:]
    for broken in (
        "The core packages are pure: no Qt and no reportlab, not even indirectly BROKEN",
        "Only the pdf package imports reportlab BROKEN",
        "Only the ui package imports PySide6 BROKEN",
    ):
        assert broken in report
    for module in ("ldn_aid.rogue", "ldn_aid.handout.rogue_render", "ldn_aid.ui.present.rogue_widget"):
        assert module in report
