"""Where a command may write (issue 12; red team D03, D04, D05, D12, D19, D20).

Every output path is checked before anything is written: never a file the command reads, never a
device, pipe, folder or dangling link, never a read-only file without --force; "-" is standard output
for text. Every file written holds patient data, so it is owner-only (0600), also when it replaces an
older one. The property test below generates output paths of every kind and asserts the one promise:
exit 0 with a complete 0600 file, or exit 2 with one line on stderr and every earlier file intact.
"""

from __future__ import annotations

import os
import shutil
import stat
from pathlib import Path
from typing import BinaryIO

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ldn_aid.atomic import write_with
from ldn_aid.cli import main
from ldn_aid.paths import resource_path

EXAMPLE = resource_path("examples/followup_advance.json")
# command, whether its output is text (so "-" is standard output)
COMMANDS = {
    "handout": False,
    "evidence-sheet": False,
    "followup-sheet": False,
    "note": True,
    "fhir": True,
}


@pytest.fixture
def visit(tmp_path: Path) -> Path:
    path = tmp_path / "visit.json"
    shutil.copyfile(EXAMPLE, path)
    return path


def _run(command: str, visit: Path, out: str, *extra: str) -> int:
    return main([command, str(visit), "-o", out, *extra])


def _complete(path: Path, text: bool) -> bool:
    data = path.read_bytes()
    return data.endswith(b"\n") if text else data.startswith(b"%PDF") and b"%%EOF" in data[-64:]


@pytest.mark.parametrize("command", COMMANDS)
def test_d05_the_output_is_never_the_visit_being_read(
    command: str, visit: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = visit.read_bytes()
    link = visit.with_name("link.json")
    link.symlink_to(visit.name)
    for out in (str(visit), str(link), f"{visit.parent}/./{visit.name}"):
        assert _run(command, visit, out) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1
        assert "is the visit file this command reads" in err
    assert visit.read_bytes() == before


@pytest.mark.parametrize("command", COMMANDS)
def test_d03_every_file_written_is_owner_only_even_over_an_open_one(
    command: str, visit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    out.write_bytes(b"an older, world-readable file")
    out.chmod(0o644)
    old_umask = os.umask(0o022)
    try:
        assert _run(command, visit, str(out)) == 0
    finally:
        os.umask(old_umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600
    assert _complete(out, COMMANDS[command])


@pytest.mark.parametrize("command", COMMANDS)
def test_d04_a_device_a_pipe_a_folder_or_a_dangling_link_is_refused(
    command: str, visit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    dangling = tmp_path / "dangling"
    dangling.symlink_to(tmp_path / "nowhere")
    for out in ("/dev/null", str(fifo), str(tmp_path), str(dangling)):
        assert _run(command, visit, out) == 2, out
        assert len(capsys.readouterr().err.strip().splitlines()) == 1
    assert stat.S_ISCHR(Path("/dev/null").stat().st_mode)  # still the device, as root too
    assert stat.S_ISFIFO(fifo.stat().st_mode)
    assert not (tmp_path / "nowhere").exists()


def test_a_read_only_file_is_kept_unless_forced(visit: Path, tmp_path: Path) -> None:
    out = tmp_path / "kept.pdf"
    out.write_bytes(b"keep me")
    out.chmod(0o444)
    assert _run("handout", visit, str(out)) == 2
    assert out.read_bytes() == b"keep me"
    assert _run("handout", visit, str(out), "--force") == 0
    assert _complete(out, text=False)
    assert stat.S_IMODE(out.stat().st_mode) == 0o600


def test_d20_dash_is_standard_output_for_text_and_refused_for_a_pdf(
    visit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    assert _run("note", visit, "-") == 0
    assert "chart note" in capsys.readouterr().out
    assert _run("handout", visit, "-") == 2
    assert "standard output" in capsys.readouterr().err
    assert not (tmp_path / "-").exists()


@pytest.mark.parametrize("length", [242, 250, 255])
def test_d19_legal_names_up_to_255_bytes_are_written(length: int, visit: Path, tmp_path: Path) -> None:
    name = "é" * ((length - 4) // 2) + "a" * ((length - 4) % 2) + ".pdf"
    assert len(name.encode()) == length
    assert _run("handout", visit, str(tmp_path / name)) == 0
    assert _complete(tmp_path / name, text=False)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_d12_a_missing_folder_or_an_overlong_name_is_one_line(
    visit: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for out in (tmp_path / "missing" / "x.pdf", tmp_path / ("a" * 300 + ".pdf")):
        assert _run("handout", visit, str(out)) == 2
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1
        assert "Traceback" not in err


# ---- the property ------------------------------------------------------------------------------------

KINDS = st.sampled_from(
    [
        "new",
        "existing",
        "read_only",
        "visit",
        "link_to_visit",
        "folder",
        "fifo",
        "dangling",
        "missing_folder",
        "long",
        "unicode",
        "dash",
    ]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=KINDS, command=st.sampled_from(sorted(COMMANDS)), name=st.text("abcé中 -_", min_size=1, max_size=20)
)
def test_any_output_path_gives_a_complete_private_file_or_one_line_and_nothing_lost(
    kind: str,
    command: str,
    name: str,
    tmp_path_factory: pytest.TempPathFactory,
    capsys: pytest.CaptureFixture[str],
) -> None:
    folder = tmp_path_factory.mktemp("out")
    visit = folder / "visit.json"
    shutil.copyfile(EXAMPLE, visit)
    existing = folder / "existing.txt"
    existing.write_bytes(b"earlier file")
    target: Path | str
    stem = name.strip() or "x"
    if kind == "new":
        target = folder / f"{stem}.out"
    elif kind == "existing":
        target = existing
    elif kind == "read_only":
        target = folder / "ro.out"
        target.write_bytes(b"read-only file")
        target.chmod(0o444)
    elif kind == "visit":
        target = visit
    elif kind == "link_to_visit":
        target = folder / "link"
        target.symlink_to(visit)
    elif kind == "folder":
        target = folder
    elif kind == "fifo":
        target = folder / "fifo"
        os.mkfifo(target)
    elif kind == "dangling":
        target = folder / "dangling"
        target.symlink_to(folder / "none")
    elif kind == "missing_folder":
        target = folder / "no" / f"{stem}.out"
    elif kind == "long":
        target = folder / ("n" * 300)
    elif kind == "unicode":
        target = folder / f"{stem}-ñ-中.out"
    else:
        target = "-"
    before = {p: p.read_bytes() for p in folder.iterdir() if p.is_file() and not p.is_symlink()}
    capsys.readouterr()
    code = main([command, str(visit), "-o", str(target)])
    assert code in (0, 2)
    if code == 2:
        err = capsys.readouterr().err
        assert len(err.strip().splitlines()) == 1, err
        assert "Traceback" not in err
    if target == "-":
        assert code == (0 if COMMANDS[command] else 2)
    if code == 0 and target != "-":
        written = Path(target)
        assert written.is_file()
        assert stat.S_IMODE(written.stat().st_mode) == 0o600
        assert _complete(written, COMMANDS[command])
        before.pop(written, None)
    for path, data in before.items():  # every other earlier file is intact
        assert path.read_bytes() == data, path
    assert [p.name for p in folder.iterdir() if p.name.endswith(".tmp")] == []


def test_the_temporary_file_is_owner_only_while_it_is_written(tmp_path: Path) -> None:
    """The issue asks for the temp file too: the whole note sits in it before the rename."""
    seen: list[int] = []

    def writer(handle: BinaryIO) -> None:
        handle.write(b"chart note for a patient")
        handle.flush()
        temps = list(tmp_path.glob("*.ldn-aid.tmp"))
        assert len(temps) == 1
        seen.append(stat.S_IMODE(temps[0].stat().st_mode))

    old_umask = os.umask(0)  # the most open umask: the temp must still be 0600
    try:
        write_with(tmp_path / "note.txt", writer, private=True)
    finally:
        os.umask(old_umask)
    assert seen == [0o600]
    assert stat.S_IMODE((tmp_path / "note.txt").stat().st_mode) == 0o600


@pytest.mark.parametrize("name", ["/dev/stdout", "/dev/fd/1", "/proc/self/fd/1"])
def test_the_names_of_standard_output_mean_standard_output(name: str) -> None:
    """Red team, after D04: as root, `-o /dev/stdout > file` replaced the /dev/stdout link with a
    regular file. Those names now mean what `-` means: text goes to standard output, a PDF is refused."""
    from ldn_aid.output_target import OutputError, checked_output

    assert checked_output(name, [], text=True) is None
    with pytest.raises(OutputError, match="means standard output, and a PDF cannot go there"):
        checked_output(name, [], text=False)


def test_a_link_is_followed_and_kept(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The file a link names is the one written; the rename no longer replaces the link itself."""
    target = tmp_path / "notes" / "note.txt"
    target.parent.mkdir()
    target.write_text("old", "utf-8")
    link = tmp_path / "latest-note.txt"
    link.symlink_to(target)
    assert main(["note", str(EXAMPLE), "-o", str(link)]) == 0
    assert link.is_symlink()
    assert target.read_text("utf-8").startswith("LDN")
    assert stat.S_IMODE(target.stat().st_mode) == 0o600
    capsys.readouterr()
