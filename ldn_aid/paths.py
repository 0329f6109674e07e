"""The one place that knows where the resources are: package data inside `ldn_aid` (read through
importlib.resources, so an installed wheel, a source checkout and a PyInstaller bundle all find them)."""

from __future__ import annotations

import sys
from importlib.resources import files
from pathlib import Path, PurePosixPath


def resources_root() -> Path:
    """The folder holding content/, examples/ and icons/."""
    bundle = getattr(sys, "_MEIPASS", None)
    if bundle is not None:
        return Path(bundle) / "ldn_aid" / "resources"
    root = files("ldn_aid").joinpath("resources")
    if not isinstance(root, Path):  # a zipped install: the fonts and content must be real files
        raise RuntimeError("LDN Aid must be installed as files, not inside a zip archive")
    return root


def resource_path(relative: str) -> Path:
    """A file under the resources, given as a relative POSIX path; absolute paths and `..` are refused."""
    parts = PurePosixPath(relative)
    if parts.is_absolute() or ".." in parts.parts:
        raise ValueError(f"resource paths must stay inside resources/: {relative!r}")
    return resources_root().joinpath(*parts.parts)
