"""`make run` runs this first: can Qt's platform plugin load on this machine? If not, say which system
packages to install.

PySide6's wheel brings Qt but not the X11/EGL libraries its `xcb` platform plugin links against. On a
fresh Debian or Ubuntu desktop several are missing (libxcb-cursor0 first), and Qt then aborts with a
message that names only the first one. This check starts Qt in a child process (an abort there cannot
take this process down), and on Linux runs `ldd` on the xcb plugin and turns every library "not found"
into its Debian/Ubuntu package, printed as one `sudo apt-get install` line.

Run as `python -m ldn_aid.ui.platform_check`; exit status 0 when Qt starts, 1 when it does not. This
module imports no Qt itself.
"""

from __future__ import annotations

import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path

# Each shared library the xcb plugin (or Qt's GUI library) needs, and the Debian/Ubuntu package that
# ships it. The first eight are the ones missing on a fresh desktop install in practice.
SONAME_PACKAGES: dict[str, str] = {
    "libxcb-cursor.so.0": "libxcb-cursor0",
    "libxcb-icccm.so.4": "libxcb-icccm4",
    "libxcb-keysyms.so.1": "libxcb-keysyms1",
    "libxkbcommon-x11.so.0": "libxkbcommon-x11-0",
    "libxcb-xinerama.so.0": "libxcb-xinerama0",
    "libxcb-randr.so.0": "libxcb-randr0",
    "libxcb-render-util.so.0": "libxcb-render-util0",
    "libxcb-shape.so.0": "libxcb-shape0",
    "libxcb-image.so.0": "libxcb-image0",
    "libxcb-util.so.1": "libxcb-util1",
    "libxcb-shm.so.0": "libxcb-shm0",
    "libxcb-sync.so.1": "libxcb-sync1",
    "libxcb-xfixes.so.0": "libxcb-xfixes0",
    "libxcb-render.so.0": "libxcb-render0",
    "libxcb-xkb.so.1": "libxcb-xkb1",
    "libxcb-xinput.so.0": "libxcb-xinput0",
    "libxcb-glx.so.0": "libxcb-glx0",
    "libxcb.so.1": "libxcb1",
    "libX11-xcb.so.1": "libx11-xcb1",
    "libX11.so.6": "libx11-6",
    "libXau.so.6": "libxau6",
    "libXdmcp.so.6": "libxdmcp6",
    "libxkbcommon.so.0": "libxkbcommon0",
    "libEGL.so.1": "libegl1",
    "libGL.so.1": "libgl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libGLdispatch.so.0": "libglvnd0",
    "libfontconfig.so.1": "libfontconfig1",
    "libfreetype.so.6": "libfreetype6",
    "libdbus-1.so.3": "libdbus-1-3",
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libpng16.so.16": "libpng16-16",
    "libexpat.so.1": "libexpat1",
    "libz.so.1": "zlib1g",
}

_NOT_FOUND = re.compile(r"^\s*(\S+)\s*=>\s*not found\s*$")

# Starting Qt's GUI is the whole check: it loads the platform plugin the session would use.
_PROBE = "import sys\nfrom PySide6.QtGui import QGuiApplication\nQGuiApplication(sys.argv[:1])\n"


def missing_libraries(ldd_output: str) -> list[str]:
    """The sonames `ldd` reports as "not found", in its order, each once."""
    found = (match.group(1) for line in ldd_output.splitlines() if (match := _NOT_FOUND.match(line)))
    return list(dict.fromkeys(found))


def packages_for(sonames: list[str]) -> tuple[list[str], list[str]]:
    """(the packages to install, sorted and each once; the sonames no package is known for)."""
    packages = sorted({SONAME_PACKAGES[name] for name in sonames if name in SONAME_PACKAGES})
    unknown = [name for name in sonames if name not in SONAME_PACKAGES]
    return packages, unknown


def install_advice(ldd_output: str) -> str | None:
    """What to tell the user for this `ldd` output, or None when nothing is missing."""
    packages, unknown = packages_for(missing_libraries(ldd_output))
    if not packages and not unknown:
        return None
    lines = ["Qt cannot start: system libraries are missing."]
    if packages:
        lines += ["On Debian or Ubuntu, install them with:", "    sudo apt-get install " + " ".join(packages)]
    if unknown:
        lines.append("Also missing (find the package that provides each): " + ", ".join(unknown))
    return "\n".join(lines)


def xcb_plugin() -> Path | None:
    """PySide6's xcb platform plugin, found without importing PySide6."""
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    plugin = Path(next(iter(spec.submodule_search_locations))) / "Qt/plugins/platforms/libqxcb.so"
    return plugin if plugin.is_file() else None


def qt_starts() -> tuple[bool, str]:
    """(whether a Qt GUI application starts with this session's platform, what Qt said)."""
    try:
        result = subprocess.run(
            [sys.executable, "-c", _PROBE], capture_output=True, text=True, timeout=60, check=False
        )
    except subprocess.TimeoutExpired:
        return False, "Qt did not start within 60 seconds."
    return result.returncode == 0, (result.stderr or result.stdout).strip()


def main() -> int:
    ok, said = qt_starts()
    if ok:
        return 0
    advice = None
    plugin = xcb_plugin()
    if sys.platform.startswith("linux") and plugin is not None:
        try:
            ldd = subprocess.run(
                ["ldd", str(plugin)], capture_output=True, text=True, timeout=30, check=False
            ).stdout
        except (OSError, subprocess.TimeoutExpired):
            ldd = ""
        advice = install_advice(ldd)
    if advice is None and "could not connect to display" in said:
        advice = "Qt found no display: start LDN Aid from a desktop session (DISPLAY or WAYLAND_DISPLAY)."
    if advice is None:
        platform = os.environ.get("QT_QPA_PLATFORM", "the default platform")
        advice = f"Qt cannot start with {platform}. Qt said:\n{said[-2000:]}"
    sys.stderr.write(advice + "\n")
    return 1


if __name__ == "__main__":
    sys.exit(main())
