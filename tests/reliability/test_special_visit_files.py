"""Red team D17: a FIFO given as the visit file hung for ever (opening it waits for a writer). A pipe
or a device is refused at once, before it is opened; the command runs in a child process with a time
limit, so a regression fails instead of hanging the suite."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


@pytest.mark.parametrize("kind", ["fifo", "device"])
@pytest.mark.parametrize("command", ["assess", "review", "note"])
def test_a_pipe_or_a_device_is_refused_at_once(kind: str, command: str, tmp_path: Path) -> None:
    if kind == "fifo":
        target = tmp_path / "visit.json"
        os.mkfifo(target)
    else:
        target = tmp_path / "zero.json"
        target.symlink_to("/dev/zero")
    env = {**os.environ, "LDN_AID_CONFIG_DIR": str(tmp_path / "config")}
    done = subprocess.run(
        [sys.executable, "-m", "ldn_aid", command, str(target)],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
    )
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip().splitlines() == [f"ldn-aid: {target} is a pipe or a device, not a visit file"]
    assert "Traceback" not in done.stderr
