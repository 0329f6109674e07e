"""The baseline for bundle size and start-up: a bare one-page QWizard, bundled by the same build.spec."""

from __future__ import annotations

import os
import resource
import sys
import time

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QLabel, QWizard, QWizardPage


def bare_wizard() -> QWizard:
    """The baseline window, shared with bench/startup_probe.py so both measure the same thing."""
    wizard = QWizard()
    page = QWizardPage()
    page.setTitle("One page")
    QLabel("A bare QWizard with one page.", page)
    wizard.addPage(page)
    return wizard


def main() -> int:
    app = QApplication(sys.argv)
    wizard = bare_wizard()
    wizard.show()
    if os.environ.get("LDN_AID_EXIT_AFTER_SHOW") == "1":

        def shown() -> None:
            print(f"shown {time.time():.6f} {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}", flush=True)
            app.quit()

        QTimer.singleShot(0, shown)
    return app.exec()


if __name__ == "__main__":
    raise SystemExit(main())
