"""The app's rotating log in the platform's log folder. It records what failed and where in the code,
never answers, names or file contents: exception messages are left out because they can quote input."""

from __future__ import annotations

import logging
import os
import traceback
from logging.handlers import RotatingFileHandler
from pathlib import Path
from types import TracebackType

import platformdirs

from ldn_aid.settings import APP_NAME

LOG_DIR_ENV = "LDN_AID_LOG_DIR"
LOGGER_NAME = "ldn_aid"


def log_dir() -> Path:
    override = os.environ.get(LOG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_log_dir(APP_NAME, appauthor=False))


def setup_logging() -> Path | None:
    """Log to a rotating file (5 x 256 KB). Returns the file, or None when the folder is unwritable."""
    logger = logging.getLogger(LOGGER_NAME)
    folder = log_dir()
    try:
        folder.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(
            folder / "ldn-aid.log", maxBytes=256_000, backupCount=5, encoding="utf-8"
        )
    except OSError:
        return None
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    for old in list(logger.handlers):
        logger.removeHandler(old)
        old.close()
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    return folder / "ldn-aid.log"


def redacted_traceback(kind: type[BaseException], error: BaseException, tb: TracebackType | None) -> str:
    """The exception's type and where it happened, without its message (which may quote patient data)."""
    frames = traceback.format_tb(tb)
    chain: list[str] = []
    cause = error.__cause__ or error.__context__
    while cause is not None and len(chain) < 5:
        chain.append(f"  caused by {type(cause).__module__}.{type(cause).__qualname__}")
        cause = cause.__cause__ or cause.__context__
    return "".join(frames) + f"{kind.__module__}.{kind.__qualname__}\n" + "\n".join(chain)
