"""The `ldn-aid` entry point: no arguments (or `open VISIT.json`) opens the wizard; anything else is the
command line. The command line never imports Qt."""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence
from pathlib import Path

# LDN Aid uses no pydantic plugins; looking for them scans every installed package's metadata, about
# 0.1 s of start-up. Set before pydantic is first imported (through `cli` below).
os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")

from ldn_aid import cli


def main(argv: Sequence[str] | None = None) -> int:
    from ldn_aid.atomic import remove_temps_on_signals

    remove_temps_on_signals()  # a SIGTERM or SIGHUP mid-write leaves no temporary file
    args = list(sys.argv[1:] if argv is None else argv)
    if args == ["--self-test"]:
        from ldn_aid.selftest import main as self_test

        return self_test()
    if not args or args[0] == "open":
        if len(args) > 2:
            print("usage: ldn-aid open [VISIT.json]", file=sys.stderr)
            return cli.EXIT_BAD_INPUT
        from ldn_aid.ui.app import run_app

        return run_app(Path(args[1]) if len(args) == 2 else None)
    return cli.main(args)
