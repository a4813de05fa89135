"""Shared fixtures: configs with demo credentials, a mocked HTTP layer, recorded sleeps."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime

import pytest
import responses
from pydantic import SecretStr

from connectors.config import HttpSettings, SourceConfig
from connectors.http import HttpClient
from connectors.registry import client_for

BASE = {
    "tthc": "http://sim.test/tthc",
    "ioffice": "http://sim.test/ioffice",
    "lris": "http://sim.test/lris",
    "ndxp": "http://sim.test/ndxp",
}
NOW = datetime(2024, 6, 1, 12, 0, 0, tzinfo=UTC)
HTTP = HttpSettings(
    connect_timeout_s=3,
    read_timeout_s=7,
    max_attempts=5,
    backoff_base_s=0.5,
    backoff_max_s=30,
    retry_after_cap_s=60,
)


def make_config(name: str, secret: str | None = None, **overrides: object) -> SourceConfig:
    """A config for `name` with the demo credentials (or `secret` for every one)."""
    credentials: dict[str, dict[str, object]] = {
        "tthc": {"client_id": "chiso", "client_secret": SecretStr(secret or "tthc-demo-secret")},
        "ioffice": {"api_key": SecretStr(secret or "ioffice-demo-key")},
        "lris": {"username": "chiso", "password": SecretStr(secret or "lris-demo-password")},
        "ndxp": {"token": SecretStr(secret or "ndxp-demo-token")},
    }
    fields = {"name": name, "base_url": BASE[name], "http": HTTP, **credentials[name]}
    return SourceConfig.model_validate({**fields, **overrides})


@pytest.fixture
def mocked() -> Iterator[responses.RequestsMock]:
    """A `responses` mock in which every registered response must be used."""
    with responses.RequestsMock(assert_all_requests_are_fired=True) as rsps:
        yield rsps


@pytest.fixture
def waits() -> list[float]:
    """Sleeps the clients asked for, in order (nothing actually sleeps)."""
    return []


@pytest.fixture
def make_client(waits: list[float]) -> Iterator[Callable[..., HttpClient]]:
    """Build a client for a source: `make_client("tthc", secret=..., page_size=...)`."""
    clients: list[HttpClient] = []

    def build(name: str, secret: str | None = None, **overrides: object) -> HttpClient:
        config = make_config(name, secret, **overrides)
        client = client_for(config, sleep=waits.append, now=lambda: NOW)
        clients.append(client)
        return client

    yield build
    for client in clients:
        client.close()
