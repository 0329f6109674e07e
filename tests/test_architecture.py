"""The core stays free of Qt and reportlab; import-linter checks the contracts in `make lint`."""

from __future__ import annotations

import subprocess
import sys

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
