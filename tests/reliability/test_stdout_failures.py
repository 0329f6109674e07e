"""Red team D16: failures on standard output gave tracebacks: `| head` (a closed pipe), a full disk
(`> /dev/full`), and a file name that is not UTF-8 printed under a strict locale (the file was written,
then the command died). Each now ends quietly with the right status. Run as child processes, since
they are about the real standard output."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from ldn_aid.cli import EXIT_BAD_INPUT, EXIT_BROKEN_PIPE, EXIT_INTERRUPTED
from ldn_aid.paths import resource_path

VISIT = str(resource_path("examples/followup_advance.json"))


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    return {**os.environ, "LDN_AID_CONFIG_DIR": str(tmp_path / "config"), **extra}


def test_a_reader_that_stops_early_ends_quietly(tmp_path: Path) -> None:
    read, write = os.pipe()
    os.close(read)  # the reader is gone before the first byte, as after `| head -1`
    try:
        done = subprocess.run(
            [sys.executable, "-m", "ldn_aid", "fhir", VISIT],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=_env(tmp_path),
        )
    finally:
        os.close(write)
    assert done.returncode == EXIT_BROKEN_PIPE
    assert done.stderr == ""


@pytest.mark.skipif(not Path("/dev/full").exists(), reason="needs /dev/full (Linux)")
def test_a_full_disk_on_standard_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    with open("/dev/full", "w") as full:
        done = subprocess.run(
            [sys.executable, "-m", "ldn_aid", "assess", VISIT],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            timeout=120,
            env=_env(tmp_path),
        )
    assert done.returncode == EXIT_BAD_INPUT
    assert done.stderr.strip().splitlines() == [
        "ldn-aid: cannot write to standard output: No space left on device"
    ]


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file names are bytes")
def test_a_name_that_is_not_utf8_is_written_and_said_under_a_strict_locale(tmp_path: Path) -> None:
    name = os.fsencode(tmp_path) + b"/note-\xff.txt"
    done = subprocess.run(
        [os.fsencode(sys.executable), b"-m", b"ldn_aid", b"note", os.fsencode(VISIT), b"-o", name],
        capture_output=True,
        timeout=120,
        env=_env(tmp_path, PYTHONIOENCODING="ascii:strict"),
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == b""
    assert done.stdout.startswith(b"wrote ")
    assert b"\\udcff" in done.stdout
    assert os.path.exists(name)
    assert oct(os.stat(name).st_mode & 0o777) == oct(0o600)


def test_a_closed_standard_output_is_one_line_and_exit_2(tmp_path: Path) -> None:
    """Red team, after D16: `ldn-aid assess V >&-` died with AttributeError at the final flush."""
    done = subprocess.run(
        [sys.executable, "-m", "ldn_aid", "assess", VISIT],
        stdin=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        timeout=120,
        env=_env(tmp_path),
        pass_fds=(),
        preexec_fn=lambda: os.close(1),
    )
    assert done.returncode == EXIT_BAD_INPUT
    assert done.stderr.strip().splitlines() == [
        "ldn-aid: cannot write to standard output: standard output is closed"
    ]


INTERRUPTED_WRITE = """
import os, signal, sys
from pathlib import Path
import ldn_aid.atomic as atomic
from ldn_aid.app import main

real = atomic.write_with

def interrupted(path, writer, *, private=False):
    def half(handle):
        handle.write(b"half a note")
        handle.flush()
        os.kill(os.getpid(), signal.SIGINT)  # Ctrl-C, mid-write
        handle.write(b"never")
    return real(path, half, private=private)

atomic.write_with = interrupted
sys.exit(main(sys.argv[1:]))
"""


def test_ctrl_c_during_a_write_is_one_line_and_leaves_the_old_file(tmp_path: Path) -> None:
    """Red team, after D15: Ctrl-C mid-write printed a KeyboardInterrupt traceback."""
    out = tmp_path / "note.txt"
    out.write_text("the old note", "utf-8")
    done = subprocess.run(
        [sys.executable, "-c", INTERRUPTED_WRITE, "note", VISIT, "-o", str(out)],
        capture_output=True,
        text=True,
        timeout=120,
        env=_env(tmp_path),
    )
    assert done.returncode == EXIT_INTERRUPTED
    assert done.stderr.strip().splitlines() == ["ldn-aid: interrupted; nothing was left half-written"]
    assert out.read_text("utf-8") == "the old note"
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
