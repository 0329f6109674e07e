"""Saving into a read-only folder, a missing folder, or a disk that fails half-way leaves no partial
file, keeps the previous file of that name, and says what went wrong. (CI runs as root, where
permission bits do not stop writes, so a refused write is simulated where the OS is asked.)"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path

import pytest

from ldn_aid.atomic import SaveError, write_atomically
from ldn_aid.handout.compose import compose_for_visit
from ldn_aid.paths import resource_path
from ldn_aid.pdf.render_pdf import write_pdf
from ldn_aid.settings import ClinicSettings, load_settings, save_settings
from ldn_aid.visit_file import load_visit, save_visit

VISIT = load_visit(resource_path("examples/guideline_first.json"))
# The guideline-first handout is printed once the clinician records the guideline discussion.
PRINTABLE = VISIT.model_copy(
    update={"plan": VISIT.effective_plan.model_copy(update={"guideline_options_discussed": True})}
)


def _save_visit(path: Path) -> None:
    save_visit(VISIT, path)


def _save_handout(path: Path) -> None:
    write_pdf(compose_for_visit(PRINTABLE, "en"), path)


def _save_bytes(path: Path) -> None:
    write_atomically(path, b"new content")


SAVERS: dict[str, Callable[[Path], None]] = {
    "visit": _save_visit,
    "handout": _save_handout,
    "bytes": _save_bytes,
}


@pytest.fixture(params=sorted(SAVERS))
def saver(request: pytest.FixtureRequest) -> Callable[[Path], None]:
    return SAVERS[request.param]


def _only(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_missing_folder(saver: Callable[[Path], None], tmp_path: Path) -> None:
    with pytest.raises(SaveError, match="does not exist"):
        saver(tmp_path / "no-such-folder" / "file")
    assert _only(tmp_path) == []


def test_read_only_folder(
    saver: Callable[[Path], None], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"previous")

    def refuse(*_: object, **__: object) -> tuple[int, str]:
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refuse)
    with pytest.raises(SaveError, match="no permission to write"):
        saver(target)
    assert target.read_bytes() == b"previous"
    assert _only(tmp_path) == ["file"]


@pytest.mark.parametrize("failing", ["write", "fsync", "replace"])
def test_failure_half_way(
    saver: Callable[[Path], None], failing: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = tmp_path / "file"
    target.write_bytes(b"previous")
    if failing == "write":
        real_fdopen = os.fdopen

        class HalfWritten:
            def __init__(self, handle: object) -> None:
                self.handle = handle

            def __enter__(self) -> HalfWritten:
                return self

            def __exit__(self, *exc: object) -> None:
                self.handle.close()  # type: ignore[attr-defined]

            def write(self, data: bytes) -> int:
                self.handle.write(data[: len(data) // 2])  # type: ignore[attr-defined]
                raise OSError(28, "No space left on device")

            def flush(self) -> None: ...

            def fileno(self) -> int:
                return self.handle.fileno()  # type: ignore[attr-defined,no-any-return]

        monkeypatch.setattr(os, "fdopen", lambda fd, mode: HalfWritten(real_fdopen(fd, mode)))
    elif failing == "fsync":
        monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    else:
        monkeypatch.setattr(
            os, "replace", lambda a, b: (_ for _ in ()).throw(OSError(30, "Read-only file system"))
        )
    with pytest.raises(SaveError, match=r"cannot save .*file: (No space left|Input/output error|Read-only)"):
        saver(target)
    assert target.read_bytes() == b"previous"
    assert _only(tmp_path) == ["file"]


def test_saved_visits_are_readable_by_their_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "visit.json"
    save_visit(VISIT, path)
    assert oct(path.stat().st_mode & 0o777) == oct(0o600)
    assert load_visit(path) == VISIT


def test_settings_survive_a_failed_save(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    save_settings(ClinicSettings(clinic_name="First Clinic"))
    monkeypatch.setattr(os, "fsync", lambda fd: (_ for _ in ()).throw(OSError(5, "Input/output error")))
    with pytest.raises(SaveError):
        save_settings(ClinicSettings(clinic_name="Second Clinic"))
    assert load_settings().clinic_name == "First Clinic"
