"""Configuration: a committed TOML file for every option, secrets from the environment.

`CHISO_CONFIG` points at another TOML file; secrets are read from `CHISO_*` variables
only (see README). When a secret is not set, the simulator's published demo credential is
used and a warning says so: fine for the demo, never for a real system.
"""

from __future__ import annotations

import errno
import logging
import os
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field, ValidationError

from connectors.config import SourceConfig
from connectors.errors import ConfigError

log = logging.getLogger(__name__)

DEFAULT_CONFIG = Path(__file__).with_name("chiso.toml")
SOURCES = ("tthc", "ioffice", "lris", "ndxp")

# The simulator's fixed demo credentials (docs/source-apis.md): public, not secrets.
DEMO_CREDENTIALS = {
    "CHISO_TTHC_CLIENT_SECRET": "tthc-demo-secret",
    "CHISO_IOFFICE_API_KEY": "ioffice-demo-key",
    "CHISO_LRIS_PASSWORD": "lris-demo-password",
    "CHISO_NDXP_TOKEN": "ndxp-demo-token",
}


class WarehouseSettings(BaseModel):
    path: Path = Path("var/chiso.duckdb")
    snapshot_path: Path = Path("var/published/chiso.duckdb")
    reject_threshold: float = Field(default=0.05, ge=0, le=1)
    volume_floor: float = Field(default=0.5, ge=0, le=1)


class CollectSettings(BaseModel):
    lookback_days: int = Field(default=7, ge=0)
    timezone: str = "Asia/Ho_Chi_Minh"
    province_code: str = "89"


class DeclarationSettings(BaseModel):
    dir: Path = Path("declarations")


class ScheduleSettings(BaseModel):
    nightly_cron: str = "30 1 * * *"
    timezone: str = "Asia/Ho_Chi_Minh"


class SourceSettings(BaseModel):
    base_url: str
    page_size: int = Field(default=1000, ge=1)
    client_id: str | None = None
    username: str | None = None


class HttpSettings(BaseModel):
    connect_timeout_s: float = 5
    read_timeout_s: float = 60
    max_attempts: int = Field(default=5, ge=1)
    backoff_base_s: float = 0.5
    backoff_max_s: float = 30
    retry_after_cap_s: float = 60


class SimulatorSettings(BaseModel):
    host: str = "127.0.0.1"
    port: int = 8765
    scale: float = 1.0
    seed: int = 89
    demo_scale: float = 0.03


class Settings(BaseModel):
    """Everything the composition root needs, read once and passed down as arguments."""

    warehouse: WarehouseSettings = WarehouseSettings()
    collect: CollectSettings = CollectSettings()
    schedule: ScheduleSettings = ScheduleSettings()
    declarations: DeclarationSettings = DeclarationSettings()
    sources: dict[str, SourceSettings]
    http: HttpSettings = HttpSettings()
    simulator: SimulatorSettings = SimulatorSettings()


def load_settings(path: Path | None = None, overrides: dict[str, Any] | None = None) -> Settings:
    """Read the TOML configuration (CHISO_CONFIG, or the packaged default); ConfigError
    names the file and what is wrong with it."""
    config_path = path or Path(os.environ.get("CHISO_CONFIG", DEFAULT_CONFIG))
    document = _read_toml(config_path)
    for section, values in (overrides or {}).items():
        document.setdefault(section, {}).update(values)
    try:
        settings = Settings.model_validate(document)
    except ValidationError as exc:
        raise ConfigError(f"the configuration {config_path} is not valid: {exc}") from None
    missing = [s for s in SOURCES if s not in settings.sources]
    if missing:
        raise ConfigError(f"{config_path}: no [sources.{missing[0]}] section")
    return settings


def _read_toml(config_path: Path) -> dict[str, Any]:
    name = str(config_path)
    if "\x00" in name:
        raise ConfigError(f"the configuration path {name!r} holds a NUL byte")
    try:
        with config_path.open("rb") as handle:
            return tomllib.load(handle)
    except OSError as exc:
        raise ConfigError(_unreadable(config_path, exc)) from None
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"the configuration {config_path} is not TOML: {exc}") from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"the configuration {config_path} is not UTF-8 text (byte {exc.start + 1})"
        ) from None


def _unreadable(config_path: Path, exc: OSError) -> str:
    name = str(config_path)
    if exc.errno == errno.ENAMETOOLONG:
        # The name itself is the problem: echoing all of it would bury the message.
        return f"the configuration file name {name[:60]!r}… is too long ({len(name):,} characters)"
    return f"cannot read the configuration {config_path}: {exc.strerror or exc}"


def with_base_url(settings: Settings, base_url: str) -> Settings:
    """The same settings with every source pointed at one simulator (`http://host:port`)."""
    sources = {
        name: source.model_copy(update={"base_url": f"{base_url.rstrip('/')}/{name}"})
        for name, source in settings.sources.items()
    }
    return settings.model_copy(update={"sources": sources})


def source_config(
    settings: Settings, name: str, env: Mapping[str, str] | None = None
) -> SourceConfig:
    """The connector configuration of one source: its config table plus secrets from
    `env` (default: the process environment), falling back to the demo credentials."""
    environment = dict(os.environ if env is None else env)
    for variable, demo_value in DEMO_CREDENTIALS.items():
        if variable.split("_")[1].lower() == name and not environment.get(variable):
            log.warning("%s is not set: using the simulator's demo credential", variable)
            environment[variable] = demo_value
    table = settings.sources[name].model_dump(exclude_none=True)
    return SourceConfig.from_settings(name, table, settings.http.model_dump(), environment)
