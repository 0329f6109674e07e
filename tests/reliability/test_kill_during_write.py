"""Red team D15: a kill during a write left a hidden `.NAME.xxxx.tmp` with the whole note, visit or
PDF in it, never removed. Now SIGTERM and SIGHUP remove it before the program ends, and the next
write into that folder removes any this program left (only its own, older than the writing process).

Fifty writes are killed at random moments, half with SIGKILL and half with SIGTERM, each in its own
child process (the entry point installs the signal handling). After each: the target is the old or a
new version, whole, never partial; after SIGTERM no temporary file is left; and after the next write
(by a new process) none is left at all.
"""

from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from ldn_aid.atomic import TEMP_SUFFIX

SIZE = 4 * 1024 * 1024  # large enough that a write takes a while, so kills land inside it
# The child writes version after version of one file, each a run of one byte, through the real
# atomic writer, in chunks so the kill can land mid-write.
CHILD = textwrap.dedent(
    """
    import sys
    from pathlib import Path
    from ldn_aid.atomic import remove_temps_on_signals, write_with

    remove_temps_on_signals()
    target = Path(sys.argv[1])
    version = 0
    print("ready", flush=True)
    while True:
        version = version % 250 + 1
        chunk = bytes([version]) * 65536

        def writer(handle, chunk=chunk):
            for _ in range(CHUNKS):
                handle.write(chunk)

        write_with(target, writer, private=True)
    """
).replace("CHUNKS", str(SIZE // 65536))


def _temps(folder: Path) -> list[str]:
    return [p.name for p in folder.iterdir() if p.name.endswith(TEMP_SUFFIX)]


def _whole(path: Path) -> bool:
    data = path.read_bytes()
    return len(data) == SIZE and data == data[:1] * SIZE


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX signals")
def test_fifty_killed_writes_leave_a_whole_file_and_no_temporary_one(tmp_path: Path) -> None:
    rng = random.Random(20261202)
    target = tmp_path / "note.txt"
    target.write_bytes(b"\x00" * SIZE)  # the old version
    env = {**os.environ, "LDN_AID_CONFIG_DIR": str(tmp_path / "config")}
    for round_number in range(50):
        kill = signal.SIGKILL if round_number % 2 == 0 else signal.SIGTERM
        child = subprocess.Popen(
            [sys.executable, "-c", CHILD, str(target)], stdout=subprocess.PIPE, env=env, text=True
        )
        assert child.stdout is not None
        assert child.stdout.readline().strip() == "ready"
        time.sleep(rng.uniform(0.0, 0.25))
        child.send_signal(kill)
        assert child.wait(timeout=30) == -kill
        assert _whole(target), f"round {round_number}: the target is partial"
        if kill == signal.SIGTERM:
            assert _temps(tmp_path) == [], f"round {round_number}: SIGTERM left {_temps(tmp_path)}"
    # The next write, by a new process, removes whatever a SIGKILL left.
    done = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from ldn_aid.atomic import write_atomically;"
            " write_atomically(Path(sys.argv[1]), b'next', private=True)",
            str(tmp_path / "other.txt"),
        ],
        env=env,
        timeout=60,
        check=True,
    )
    assert done.returncode == 0
    assert _temps(tmp_path) == []
    assert _whole(target)


def test_a_temporary_file_being_written_elsewhere_is_never_removed(tmp_path: Path) -> None:
    """Only files older than the writing process go: a write running now in another process keeps
    its temporary file; and a file that merely looks similar (another program's) is never touched."""
    from ldn_aid.atomic import write_atomically

    young = tmp_path / f".note.txt.abcdefgh{TEMP_SUFFIX}"
    young.write_bytes(b"another write, still running")
    foreign = tmp_path / ".note.txt.abcdefgh.tmp"
    foreign.write_bytes(b"not ours")
    old = tmp_path / f".visit.json.zyxwvuts{TEMP_SUFFIX}"
    old.write_bytes(b"killed long ago")
    past = time.time() - 3600
    os.utime(old, (past, past))
    os.utime(foreign, (past, past))
    write_atomically(tmp_path / "x.txt", b"x")
    assert young.exists()  # newer than this process: a write in progress
    assert foreign.exists()
    assert not old.exists()


SLOW_WRITER = textwrap.dedent(
    """
    import sys, time
    from pathlib import Path
    from ldn_aid.atomic import write_with

    def writer(handle):
        handle.write(b"the whole note")
        handle.flush()
        print("written", flush=True)
        time.sleep(3)  # a slow fsync (a USB or network disk): the temporary file is now old

    write_with(Path(sys.argv[1]), writer, private=True)
    print("saved", flush=True)
    """
)


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file locks")
def test_a_slow_write_in_another_process_keeps_its_temporary_file(tmp_path: Path) -> None:
    """Red team, after D15: a process started while another's fsync was slow removed that write's
    temporary file (older than itself), and the first save failed. A write in progress holds a lock
    on its temporary file, and a locked file is never removed."""
    env = {**os.environ, "LDN_AID_CONFIG_DIR": str(tmp_path / "config")}
    slow = subprocess.Popen(
        [sys.executable, "-c", SLOW_WRITER, str(tmp_path / "a.txt")],
        stdout=subprocess.PIPE,
        env=env,
        text=True,
    )
    assert slow.stdout is not None
    assert slow.stdout.readline().strip() == "written"
    time.sleep(0.2)  # the second process starts after the temporary file was last written
    other = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys; from pathlib import Path; from ldn_aid.atomic import write_atomically;"
            " write_atomically(Path(sys.argv[1]), b'b', private=True)",
            str(tmp_path / "b.txt"),
        ],
        env=env,
        timeout=60,
        check=True,
    )
    assert other.returncode == 0
    assert len(_temps(tmp_path)) == 1  # the slow write's, still there
    assert slow.stdout.readline().strip() == "saved"
    assert slow.wait(timeout=30) == 0
    assert (tmp_path / "a.txt").read_bytes() == b"the whole note"
    assert _temps(tmp_path) == []
