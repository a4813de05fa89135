"""The registry: every source system and every endpoint, and the client factory.

The flow iterates `endpoints_of(source)` (or `ENDPOINTS`) and calls
`connectors.endpoint.fetch_endpoint(client, spec, since=...)` for each, with one client
per source from `client_for(config)`.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from datetime import datetime

import requests

from connectors import ioffice, lris, ndxp, tthc
from connectors.config import SourceConfig
from connectors.endpoint import EndpointSpec, SourceSpec
from connectors.errors import ConfigError
from connectors.http import HttpClient, utcnow

_MODULES = (tthc, ioffice, lris, ndxp)

SOURCES: Mapping[str, SourceSpec] = {module.SOURCE.name: module.SOURCE for module in _MODULES}
"""Source systems by registry name: ``tthc``, ``ioffice``, ``lris``, ``ndxp``."""

ENDPOINTS: Mapping[tuple[str, str], EndpointSpec] = {
    (spec.source, spec.entity): spec for module in _MODULES for spec in module.ENDPOINTS
}
"""Every endpoint, keyed by (source, entity)."""


def endpoints_of(source: str) -> list[EndpointSpec]:
    """The endpoints of `source`, in the order they are declared."""
    if source not in SOURCES:
        raise KeyError(f"unknown source {source!r}; known: {', '.join(SOURCES)}")
    return [spec for (name, _), spec in ENDPOINTS.items() if name == source]


def endpoint(source: str, entity: str) -> EndpointSpec:
    """The spec of one (source, entity)."""
    try:
        return ENDPOINTS[(source, entity)]
    except KeyError:
        raise KeyError(f"no endpoint for ({source!r}, {entity!r})") from None


def client_for(
    config: SourceConfig,
    *,
    session: requests.Session | None = None,
    sleep: Callable[[float], None] = time.sleep,
    now: Callable[[], datetime] = utcnow,
) -> HttpClient:
    """An `HttpClient` for `config.name` with that source's auth strategy. Raises
    `ConfigError` when a credential the source needs is not set."""
    try:
        source = SOURCES[config.name]
    except KeyError:
        raise ConfigError(f"unknown source {config.name!r}; known: {', '.join(SOURCES)}") from None
    return HttpClient(
        config,
        source.make_auth(config),
        label=source.label,
        session=session,
        sleep=sleep,
        now=now,
    )
