"""Where the main window first opens: inside the screen's free area, never larger than it.

A fixed 1180x760 put Next below the edge of a 1280x720 screen and of 1920x1080 at 150 % scaling
(both 720 logical pixels high). Clinic laptops have small screens, so a small screen gets the whole
free area (maximised); a large one gets most of it, centred, up to a size that is comfortable to read.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, QSize
from PySide6.QtWidgets import QWidget

# Below this free area (logical pixels) the window opens maximised: every pixel is needed.
SMALL_SCREEN = QSize(1400, 900)
# The share of a larger screen's free area the window takes, and the most it grows to.
SHARE = 0.9
COMFORTABLE = QSize(1600, 1000)


def opening_geometry(available: QRect) -> QRect | None:
    """The window's first geometry within `available`, or None when it should open maximised."""
    if available.width() < SMALL_SCREEN.width() or available.height() < SMALL_SCREEN.height():
        return None
    size = QSize(
        min(round(available.width() * SHARE), COMFORTABLE.width()),
        min(round(available.height() * SHARE), COMFORTABLE.height()),
    )
    geometry = QRect(0, 0, size.width(), size.height())
    geometry.moveCenter(available.center())
    return geometry


def show_fitted(window: QWidget) -> None:
    """Show the window sized for the screen it opens on."""
    screen = window.screen()
    geometry = opening_geometry(screen.availableGeometry())
    if geometry is None:
        window.showMaximized()
        return
    window.setGeometry(geometry)
    window.show()
