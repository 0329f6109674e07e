"""Clinic settings: a small JSON file in the platform's config folder. Never patient data."""

from __future__ import annotations

import json
import os
import stat
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Annotated, Any, Literal

import platformdirs
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from ldn_aid.atomic import write_atomically
from ldn_aid.domain.errors import describe_validation_error, one_line

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

    @field_validator("default_language", "default_paper", mode="before")
    @classmethod
    def _choice_as_typed(cls, value: object) -> object:
        """ "A4" or " Letter" typed into the file by hand is the choice meant (red team D07: "A4"
        dropped every setting)."""
        return value.strip().lower() if isinstance(value, str) else value


def config_dir() -> Path:
    override = os.environ.get(CONFIG_DIR_ENV)
    return Path(override) if override else Path(platformdirs.user_config_dir(APP_NAME, appauthor=False))


def settings_path() -> Path:
    return config_dir() / "clinic.json"


# A settings file is a few hundred bytes; anything far larger is not one (a link to /dev/zero ended in
# MemoryError, red team D08).
SETTINGS_MAX_BYTES = 64 * 1024


@dataclass(frozen=True)
class SettingsProblem:
    """One thing wrong with the settings file: the field ignored (None: the whole file was not used)
    and why, in words for the clinician."""

    field: str | None
    reason: str
    # False when saving the settings cannot put it right (a folder sits where the file goes).
    fixed_by_saving: bool = True

    def __str__(self) -> str:
        if self.field is None:
            return f"clinic settings not used: {self.reason}"
        return f"clinic settings: {self.field}: {self.reason}; that field was ignored"


@dataclass(frozen=True)
class LoadedSettings:
    """The settings read, and each problem met on the way."""

    settings: ClinicSettings
    problems: tuple[SettingsProblem, ...] = ()


def read_settings() -> LoadedSettings:
    """The saved settings, keeping every valid field of a flawed file (red team D07: one bad field, a
    BOM or "A4" dropped all of them, silently). Each field ignored, or a file that cannot be read at
    all (missing is fine), is a problem; the file is never rewritten here. Bounded as visit files
    are: a special file is not read, nor one over 64 KB, nor nesting too deep to parse."""
    path = settings_path()
    try:
        info = path.stat()
    except FileNotFoundError:
        return LoadedSettings(ClinicSettings())
    except OSError as exc:
        return _defaults(f"{path} cannot be read ({exc.strerror or type(exc).__name__})")
    if stat.S_ISDIR(info.st_mode):
        folder = _defaults(f"{path} is a folder, not a settings file; rename or remove it")
        return LoadedSettings(folder.settings, (replace(folder.problems[0], fixed_by_saving=False),))
    if not stat.S_ISREG(info.st_mode):
        return _defaults(f"{path} is not a regular file")
    if info.st_size > SETTINGS_MAX_BYTES:
        return _defaults(
            f"{path} is larger than {SETTINGS_MAX_BYTES // 1024} KB, so it is not a settings file"
        )
    try:
        data = json.loads(path.read_bytes().decode("utf-8-sig"))
    except json.JSONDecodeError as exc:
        return _defaults(f"{path} is not valid JSON (line {exc.lineno}, column {exc.colno})")
    except UnicodeDecodeError:
        return _defaults(f"{path} is not UTF-8 text")
    except RecursionError:
        return _defaults(f"{path} is nested too deeply to be a settings file")
    except OSError as exc:
        return _defaults(f"{path} cannot be read ({exc.strerror or type(exc).__name__})")
    except ValueError:  # an integer too long to convert
        return _defaults(f"{path} is not valid JSON")
    if not isinstance(data, dict):
        return _defaults(f"{path} does not hold an object of settings")
    kept: dict[str, Any] = {}
    problems: list[SettingsProblem] = []
    for key, value in data.items():
        if key not in ClinicSettings.model_fields:
            continue  # a newer version's setting: ignored, as before
        try:
            ClinicSettings.model_validate({key: value})
        except ValidationError as exc:
            problems.append(SettingsProblem(key, _plain_reason(exc, key)))
            continue
        kept[key] = value
    return LoadedSettings(ClinicSettings.model_validate(kept), tuple(problems))


def _plain_reason(exc: ValidationError, key: str) -> str:
    """Why one setting was refused, in words a clinician reads (not pydantic's)."""
    error = exc.errors()[0]
    context = error.get("ctx") or {}
    if error["type"] == "string_too_long":
        return f"longer than {context.get('max_length')} characters"
    if error["type"] == "string_type":
        return "not text"
    if error["type"] == "literal_error":
        return "not " + str(context.get("expected", "an allowed value")).replace("'", "")
    return describe_validation_error(exc, key).removeprefix(f"{key}: ")


def _defaults(reason: str) -> LoadedSettings:
    return LoadedSettings(ClinicSettings(), (SettingsProblem(None, one_line(reason, 270)),))


def load_settings() -> ClinicSettings:
    """The saved settings, every valid field kept (see `read_settings` for what is reported)."""
    return read_settings().settings


def save_settings(settings: ClinicSettings) -> None:
    folder = config_dir()
    folder.mkdir(parents=True, exist_ok=True)
    write_atomically(settings_path(), (settings.model_dump_json(indent=2) + "\n").encode("utf-8"))
