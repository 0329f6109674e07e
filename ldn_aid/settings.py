"""Clinic settings: a small JSON file in the platform's config folder. Never patient data."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ldn_aid.atomic import write_atomically

APP_NAME = "ldn-aid"
# Tests and portable installs point this at another folder.
CONFIG_DIR_ENV = "LDN_AID_CONFIG_DIR"

ShortText = Annotated[str, Field(max_length=200)]


class ClinicSettings(BaseModel):
    """What the clinic prints on every handout; blanks print as "(not filled in)"."""

    # Unknown keys from a newer version are ignored rather than blocking start-up.
    model_config = ConfigDict(extra="ignore", frozen=True)

    clinic_name: ShortText = ""
    phone: ShortText = ""
    after_hours_phone: ShortText = ""
    prescriber_name: ShortText = ""
    # Printed on page 1 of every pack and on every follow-up sheet; the US numbers unless the clinic
    # sets its own (911: FCC; 988 Suicide & Crisis Lifeline: SAMHSA).
    emergency_number: ShortText = "911"
    crisis_line: ShortText = "988"
    default_language: Literal["en", "es"] = "en"
    default_paper: Literal["letter", "a4"] = "letter"


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "clinic.json"


def load_settings() -> ClinicSettings:
    """The saved settings, or defaults when there are none or the file is unreadable."""
    try:
        return ClinicSettings.model_validate(json.loads(settings_path().read_text("utf-8")))
    except (OSError, ValueError, ValidationError):
        return ClinicSettings()


def save_settings(settings: ClinicSettings) -> None:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(settings_path(), (settings.model_dump_json(indent=2) + "\n").encode("utf-8"))
