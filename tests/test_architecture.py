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
