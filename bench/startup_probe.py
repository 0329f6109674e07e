"""Started as a separate process by bench/run.py: show a window, report when its first page is on
screen and the process's peak memory, then quit.

Usage: startup_probe.py app|bare|full  (full: open an example visit and render its handout preview)
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> int:
    mode = sys.argv[1]
    # Never touch the real config folder from a benchmark.
    os.environ.setdefault("LDN_AID_CONFIG_DIR", tempfile.mkdtemp())
    os.environ.setdefault("LDN_AID_LOG_DIR", tempfile.mkdtemp())
    if mode != "bare":
        import ldn_aid.app  # noqa: F401 - the app's own start-up settings, as `ldn-aid` applies them
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication([sys.argv[0]])
    if mode == "bare":
        from bare_wizard import bare_wizard

        window = bare_wizard()
    else:
        from ldn_aid.content import load_content
        from ldn_aid.ui.main_window import MainWindow
        from ldn_aid.ui.pages.ids import PageId

        window = MainWindow(load_content("en"))
        window.resize(1180, 760)
    window.show()
    if mode == "full":
        root = Path(__file__).resolve().parent.parent
        window.open_visit(root / "ldn_aid" / "resources" / "examples" / "ldn_option.json")
        window.wizard.go_to(PageId.HANDOUT)
        if not window.wizard.handout_page.pdf_bytes:
            print("the handout preview did not render", file=sys.stderr)
            return 1

    def shown() -> None:
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        print(f"shown {time.time():.6f} {peak_kib}", flush=True)
        app.quit()

    QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
