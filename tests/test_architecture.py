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


def test_ui_survives_many_qt_calls() -> None:
    """PySide6 6.12.0 on Python 3.11 leaks a reference to None on every void call; the UI package
    guards against it. Without the guard this subprocess aborts ("deallocating None")."""
    code = (
        "import os\n"
        "os.environ['QT_QPA_PLATFORM'] = 'offscreen'\n"
        "import ldn_aid.ui\n"
        "from PySide6.QtWidgets import QApplication, QLabel\n"
        "app = QApplication([])\n"
        "label = QLabel()\n"
        "for _ in range(50_000):\n"
        "    label.setText('x')\n"
        "    app.processEvents()\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-500:]
    assert result.stdout.strip() == "ok"
