"""Typed configuration of one source system's client.

The composition root (flows/) builds a `SourceConfig` per source from the committed
config file (``[sources.<name>]`` and ``[http]``) and the environment (secrets only),
usually through `SourceConfig.from_settings`. Nothing here reads files or the process
environment by itself.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    NonNegativeFloat,
    PositiveFloat,
    PositiveInt,
    SecretStr,
    ValidationError,
    field_validator,
)

from connectors.errors import ConfigError

SECRET_FIELDS: tuple[str, ...] = ("client_secret", "api_key", "password", "token")
"""Credential fields that may only come from the environment."""


def secret_env_var(source: str, field: str) -> str:
    """Name of the environment variable holding `field` of `source`,
    e.g. ``CHISO_TTHC_CLIENT_SECRET``."""
    return f"CHISO_{source}_{field}".upper()


class HttpSettings(BaseModel):
    """Timeouts, retry and paging limits shared by the clients (``[http]`` in the config)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    connect_timeout_s: PositiveFloat = 5.0
    read_timeout_s: PositiveFloat = 60.0
    max_attempts: int = Field(default=5, ge=1, le=20)
    backoff_base_s: NonNegativeFloat = 0.5
    backoff_max_s: NonNegativeFloat = 30.0
    retry_after_cap_s: NonNegativeFloat = 60.0
    token_refresh_margin_s: NonNegativeFloat = 30.0
    max_pages: PositiveInt = 100_000


class SourceConfig(BaseModel):
    """Everything needed to talk to one source system.

    `name` is the registry name (``tthc``, ``ioffice``, ``lris``, ``ndxp``). Only the
    credential fields that source's auth style uses need to be set. Secrets are
    `SecretStr`: their `repr`/`str`/JSON dump show ``**********``.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    name: str
    base_url: str
    page_size: PositiveInt | None = None
    http: HttpSettings = HttpSettings()
    client_id: str | None = None
    client_secret: SecretStr | None = None
    api_key: SecretStr | None = None
    username: str | None = None
    password: SecretStr | None = None
    token: SecretStr | None = None

    @field_validator("base_url")
    @classmethod
    def _check_base_url(cls, value: str) -> str:
        parts = urlsplit(value)
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ValueError("base_url must be an absolute http(s) URL")
        if parts.query or parts.fragment or parts.username or parts.password:
            raise ValueError("base_url must not carry a query, fragment or credentials")
        return value.rstrip("/")

    def secret(self, field: str) -> SecretStr:
        """The secret `field`, or `ConfigError` naming the variable that should hold it."""
        value = getattr(self, field)
        if not isinstance(value, SecretStr) or not value.get_secret_value():
            raise ConfigError(
                f"{self.name}: {field} is not set (environment variable "
                f"{secret_env_var(self.name, field)})"
            )
        return value

    def setting(self, field: str) -> str:
        """The non-secret string setting `field`, or `ConfigError` if it is missing."""
        value = getattr(self, field)
        if not isinstance(value, str) or not value:
            raise ConfigError(f"{self.name}: {field} is not set ([sources.{self.name}])")
        return value

    @classmethod
    def from_settings(
        cls,
        name: str,
        source: Mapping[str, Any],
        http: Mapping[str, Any] | None = None,
        env: Mapping[str, str] | None = None,
    ) -> SourceConfig:
        """Build from a ``[sources.<name>]`` table, the ``[http]`` table and an
        environment mapping (pass ``os.environ``); secrets are read from
        ``CHISO_<NAME>_<FIELD>`` only and refused in the config tables."""
        in_file = sorted(set(source) & set(SECRET_FIELDS))
        if in_file:
            raise ConfigError(
                f"{name}: {', '.join(in_file)} must come from the environment, not the config file"
            )
        secrets = {
            field: env[secret_env_var(name, field)]
            for field in SECRET_FIELDS
            if env is not None and env.get(secret_env_var(name, field))
        }
        try:
            return cls.model_validate({**source, "name": name, "http": dict(http or {}), **secrets})
        except ValidationError as exc:
            # pydantic hides SecretStr input values, so the message is safe to show.
            raise ConfigError(f"{name}: invalid configuration: {exc}") from None
