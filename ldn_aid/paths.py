"""The one place that knows where resources/ is, from a source checkout or a PyInstaller bundle."""

from __future__ import annotations

import sys
from pathlib import Path, PurePosixPath


def resources_root() -> Path:
    """The folder holding content/, fonts and icons."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "resources"
    return Path(__file__).resolve().parent.parent / "resources"


def resource_path(relative: str) -> Path:
    """A file under resources/, given as a relative POSIX path; absolute paths and `..` are refused."""
    parts = PurePosixPath(relative)
    if parts.is_absolute() or ".." in parts.parts:
        raise ValueError(f"resource paths must stay inside resources/: {relative!r}")
    return resources_root().joinpath(*parts.parts)
