"""Code review F10 and issue 13: `pip install .` built a wheel without resources/, so an installed
copy could not start. The resources are package data now; this builds the wheel, installs it into
a new venv outside the checkout and runs `ldn-aid --self-test` and `ldn-aid demo` from another folder.

The new venv takes its dependencies from the test's own environment (a .pth line to its
site-packages, whose editable hook is not loaded from there), so nothing is downloaded and the
only ldn_aid it can import is the installed wheel."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command], cwd=cwd, capture_output=True, text=True, timeout=600, env=env
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-3000:]
    return done.stdout


def test_the_wheel_carries_the_resources_and_runs_from_a_new_venv(tmp_path: Path) -> None:
    wheels = tmp_path / "wheels"
    _run(sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", wheels, ROOT, cwd=tmp_path)
    (wheel,) = wheels.glob("ldn_aid-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {
        name.removeprefix("ldn_aid/resources/") for name in names if name.startswith("ldn_aid/resources/")
    }
    in_tree = {
        path.relative_to(ROOT / "ldn_aid" / "resources").as_posix()
        for path in (ROOT / "ldn_aid" / "resources").rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    }
    assert shipped == in_tree
    assert {"ldn_aid/pdf/fonts/NotoSans-Regular.ttf", "ldn_aid/pdf/fonts/OFL.txt"} <= names

    venv = tmp_path / "venv"
    base = getattr(sys, "_base_executable", sys.executable)
    _run(base, "-m", "venv", "--without-pip", venv, cwd=tmp_path)
    bin_dir = venv / ("Scripts" if os.name == "nt" else "bin")
    python = bin_dir / ("python.exe" if os.name == "nt" else "python")
    purelib = Path(
        _run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])", cwd=tmp_path).strip()
    )
    (purelib / "test-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n", "utf-8")
    _run(
        sys.executable,
        "-m",
        "pip",
        "--python",
        python,
        "install",
        "--quiet",
        "--no-deps",
        wheel,
        cwd=tmp_path,
    )

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    env = {
        **{key: value for key, value in os.environ.items() if key != "PYTHONPATH"},
        "QT_QPA_PLATFORM": "offscreen",
        "LDN_AID_CONFIG_DIR": str(tmp_path / "config"),
        "LDN_AID_LOG_DIR": str(tmp_path / "logs"),
    }
    where = _run(python, "-c", "import ldn_aid; print(ldn_aid.__file__)", cwd=elsewhere, env=env)
    assert Path(where.strip()).is_relative_to(purelib)
    script = bin_dir / ("ldn-aid.exe" if os.name == "nt" else "ldn-aid")
    report = _run(script, "--self-test", cwd=elsewhere, env=env)
    assert "passed: 0 failure(s)" in report
    assert str(purelib) in report  # "resources at ...": the installed copy's
    _run(script, "demo", "-o", elsewhere / "sample.pdf", cwd=elsewhere, env=env)
    assert (elsewhere / "sample.pdf").read_bytes().startswith(b"%PDF")
