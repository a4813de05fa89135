"""The baseline of the collection benchmark: dlt's ``rest_api_source`` into DuckDB.

One `rest_api_source` covers every endpoint chiso collects (`endpoints_of(source)` for
the four systems). Its configuration is derived from chiso's own objects so that the
two cannot drift:

- paths, entity (= table) names, natural keys and update-time fields from each
  `EndpointSpec` (the source field behind ``natural_key`` is dlt's primary key; the one
  behind ``updated_at`` is the incremental cursor);
- paging from the spec's `Paging` (page-number → `PageNumberPaginator`, a ``next`` URL
  in the body → `JSONLinkPaginator`, a ``Link`` header → `HeaderLinkPaginator`, none →
  `SinglePagePaginator`), with chiso's page-size parameter and configured page size;
  an unknown paging style raises `UnsupportedPaging`;
- auth from the source's chiso auth strategy and `SourceConfig` (OAuth2 client
  credentials, API-key header, HTTP Basic, static bearer); an unknown one raises;
- filters: `spec.filter_params(since, None)` for the endpoints a period collection
  narrows (incremental endpoints that are not registers, as in `flows.collect`).

Every table is ``merge`` on its primary key, so a rerun keeps one current row per key
like chiso's staging. dlt's HTTP client retries 429 and 5xx, honouring ``Retry-After``.
Nothing is written outside `workdir` (pipelines dir, DuckDB file); telemetry is off.

This module needs dlt (the benchmark extra); `benchmarks.gate` does not.
"""

from __future__ import annotations

import os
import time
from base64 import b64encode
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, Literal, cast

import dlt
import duckdb
from dlt.common.configuration import configspec
from dlt.sources.helpers.rest_client.auth import (
    APIKeyAuth,
    AuthConfigBase,
    BearerTokenAuth,
    HttpBasicAuth,
    OAuth2ClientCredentials,
)
from dlt.sources.helpers.rest_client.paginators import (
    BasePaginator,
    HeaderLinkPaginator,
    JSONLinkPaginator,
    PageNumberPaginator,
    SinglePagePaginator,
)
from dlt.sources.rest_api import rest_api_source

from connectors import auth as chiso_auth
from connectors.config import SourceConfig
from connectors.endpoint import EndpointSpec
from connectors.mapping import DateFormat, IsoOffsetDateFormat, LocalDateFormat
from connectors.paging import CursorPaging, LinkHeaderPaging, NoPaging, PageNumberPaging
from connectors.registry import SOURCES, endpoints_of
from flows.settings import Settings, load_settings, source_config, with_base_url

Loader = Literal["parquet", "default"]

DATASET = "dlt_bench"
UPDATE_COLUMN = "updated_at"
"""Our column of a record's last update time: its source field is dlt's cursor."""

_TELEMETRY_ENV = "RUNTIME__DLTHUB_TELEMETRY"


class UnsupportedPaging(TypeError):
    """A chiso paging style (or auth strategy) this runner cannot translate to dlt."""


@dataclass(frozen=True)
class DltResult:
    """One dlt run: where it loaded, how long it took (in all and per stage), and the
    rows of each table (chiso entity name → rows in the dataset after the run)."""

    duckdb_path: Path
    dataset: str
    seconds: float
    stages: dict[str, float]
    rows: dict[str, int]
    loader: str


def dlt_version() -> str:
    """The installed dlt version."""
    return str(dlt.__version__)


# -- the configuration, from chiso's specs


def source_field(spec: EndpointSpec, column: str) -> str:
    """The source field behind our `column` of `spec` (KeyError when none)."""
    for field, ours in spec.mapping.columns.items():
        if ours == column:
            return field
    raise KeyError(f"{spec.source}.{spec.entity}: no source field maps to {column!r}")


def _parse_date(date_format: DateFormat) -> Callable[[str], datetime]:
    if isinstance(date_format, LocalDateFormat):
        pattern = date_format.pattern
        return lambda text: datetime.strptime(text, pattern)
    if isinstance(date_format, IsoOffsetDateFormat):
        return datetime.fromisoformat
    raise UnsupportedPaging(f"no parser for date format {type(date_format).__name__}")


def paginator_for(spec: EndpointSpec, page_size: int) -> tuple[BasePaginator, dict[str, Any], str]:
    """dlt's paginator for `spec`, the page-size query parameters chiso sends, and
    the data selector (JSON path of the records). Paging classes are matched exactly:
    a subclass may page differently, so it fails like any unknown style."""
    paging = spec.paging
    if type(paging) is PageNumberPaging:
        paginator: BasePaginator = PageNumberPaginator(
            base_page=paging.first_page,
            page=paging.first_page,
            page_param=paging.page_param,
            total_path=paging.total_pages_key,
            stop_after_empty_page=True,
        )
        return paginator, {paging.size_param: page_size}, paging.items_key
    if type(paging) is CursorPaging:
        # The body carries the absolute URL of the next page: followed as given.
        return (
            JSONLinkPaginator(next_url_path=paging.next_key),
            {paging.limit_param: page_size},
            paging.items_key,
        )
    if type(paging) is LinkHeaderPaging:
        params = {paging.page_param: paging.first_page, paging.size_param: page_size}
        return HeaderLinkPaginator(links_next_key="next"), params, "$"
    if type(paging) is NoPaging:
        return SinglePagePaginator(), {}, "$"
    raise UnsupportedPaging(
        f"{spec.source}.{spec.entity}: no dlt paginator for {type(paging).__name__}"
    )


@configspec
class BasicClientCredentials(OAuth2ClientCredentials):
    """OAuth2 client credentials sent as HTTP Basic (RFC 6749 2.3.1), as TTHC wants;
    dlt's class puts them in the form body. The token is renewed a little before it
    expires (a fifth of its lifetime, at most 30 s), like chiso's client."""

    def build_access_token_request(self) -> dict[str, Any]:
        pair = f"{self.client_id}:{self.client_secret}".encode()
        return {
            "headers": {
                "Authorization": "Basic " + b64encode(pair).decode("ascii"),
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "data": {"grant_type": "client_credentials", **self.access_token_request_data},
        }

    def parse_expiration_in_seconds(self, response_json: Any) -> int:
        lifetime = super().parse_expiration_in_seconds(response_json)
        return max(0, lifetime - min(30, lifetime // 5))


def auth_for(config: SourceConfig) -> AuthConfigBase:
    """dlt's auth for one source, from chiso's auth strategy of that source."""
    strategy = SOURCES[config.name].make_auth(config)
    # chiso's strategies keep their settings private; reading them here keeps the
    # baseline on exactly the credentials and header names chiso uses.
    if isinstance(strategy, chiso_auth.OAuth2ClientCredentials):
        return BasicClientCredentials(
            access_token_url=config.base_url.rstrip("/") + strategy._token_path,
            client_id=strategy._client_id,
            client_secret=strategy._client_secret.get_secret_value(),
        )
    if isinstance(strategy, chiso_auth.ApiKeyHeader):
        return APIKeyAuth(
            name=strategy._header, api_key=strategy._key.get_secret_value(), location="header"
        )
    if isinstance(strategy, chiso_auth.BasicAuth):
        return HttpBasicAuth(
            username=strategy._username, password=strategy._password.get_secret_value()
        )
    if isinstance(strategy, chiso_auth.StaticBearer):
        return BearerTokenAuth(token=strategy._token.get_secret_value())
    raise UnsupportedPaging(f"{config.name}: no dlt auth for {type(strategy).__name__}")


def narrowed(spec: EndpointSpec) -> bool:
    """Whether a period collection filters this endpoint on update time (chiso's
    `flows.collect._pull_start`): incremental endpoints that are not registers."""
    return spec.is_incremental and not spec.register


def resource_config(
    spec: EndpointSpec,
    config: SourceConfig,
    auth: AuthConfigBase,
    *,
    since: datetime | None,
    incremental_state: bool,
) -> dict[str, Any]:
    """The `rest_api_source` resource of one endpoint of the source `config` is for."""
    paginator, params, selector = paginator_for(spec, spec.paging.page_size(config.page_size))
    start = since if narrowed(spec) else None
    endpoint: dict[str, Any] = {
        # Each system has its own base URL: the path is absolute (the client's is "").
        "path": config.base_url.rstrip("/") + spec.path,
        "auth": auth,
        "paginator": paginator,
        "data_selector": selector,
    }
    if incremental_state and spec.incremental is not None:
        date_format = spec.incremental.date_format
        parse = _parse_date(date_format)

        def latest(values: Any) -> Any:
            return max(values, key=lambda value: parse(value))

        def as_param(value: Any) -> str | None:
            return None if value is None else date_format.render(parse(value))

        endpoint["incremental"] = {
            "start_param": spec.incremental.since_param,
            "cursor_path": source_field(spec, UPDATE_COLUMN),
            "initial_value": None if start is None else date_format.render(start),
            "last_value_func": latest,
            "convert": as_param,
            "on_cursor_value_missing": "include",
        }
    else:
        params.update(spec.filter_params(start, None))
    endpoint["params"] = params
    key = source_field(spec, spec.natural_key)
    return {
        "name": spec.entity,
        "table_name": spec.entity,
        "primary_key": key,
        # Keys are codes: without this hint dlt's type detection reads some (e.g.
        # ``883:1.000123``) as timestamps and splits the key into a variant column.
        "columns": {key: {"data_type": "text", "nullable": False}},
        "write_disposition": "merge",
        "endpoint": endpoint,
    }


def rest_api_config(
    settings: Settings, *, since: datetime | None, incremental_state: bool = False
) -> dict[str, Any]:
    """The one `rest_api_source` configuration covering every endpoint chiso collects
    (each system with its own base URL and auth, set per endpoint)."""
    resources: list[dict[str, Any]] = []
    for name in SOURCES:
        config = source_config(settings, name)
        auth = auth_for(config)
        resources.extend(
            resource_config(spec, config, auth, since=since, incremental_state=incremental_state)
            for spec in endpoints_of(name)
        )
    return {"client": {"base_url": ""}, "resources": resources}


def all_entities() -> list[str]:
    """Every entity chiso collects, in registry order."""
    return [spec.entity for name in SOURCES for spec in endpoints_of(name)]


# -- the run


def run_dlt(
    base_url: str,
    workdir: Path,
    *,
    loader: Loader,
    since: datetime | None,
    incremental_state: bool = False,
    settings: Settings | None = None,
) -> DltResult:
    """Collect every endpoint from the simulator at `base_url` (``http://host:port``)
    with dlt into ``workdir/dlt_<loader>.duckdb``.

    `since` is the start of the pull of the endpoints a period collection narrows
    (naive local time; for ``collect --period 2024`` that is the period start minus the
    look-back, see `period_since`); None pulls everything. With `incremental_state`
    dlt keeps each endpoint's cursor in its pipeline state under `workdir`, so a second
    call with the same `workdir` and `loader` asks only for what changed since.
    `loader` ``"parquet"`` writes parquet load files; ``"default"`` leaves dlt's choice.
    """
    if loader not in ("parquet", "default"):
        raise ValueError(f"loader must be 'parquet' or 'default', not {loader!r}")
    os.environ[_TELEMETRY_ENV] = "false"
    workdir.mkdir(parents=True, exist_ok=True)
    base = with_base_url(settings or load_settings(), base_url)
    duckdb_path = workdir / f"dlt_{loader}.duckdb"
    pipeline = dlt.pipeline(
        pipeline_name=f"chiso_bench_{loader}",
        pipelines_dir=str(workdir / "dlt_pipelines"),
        destination=dlt.destinations.duckdb(str(duckdb_path)),
        dataset_name=DATASET,
    )
    file_format: Literal["parquet"] | None = "parquet" if loader == "parquet" else None
    source = rest_api_source(
        # dlt types the config as a TypedDict; ours is built as plain dicts.
        cast(Any, rest_api_config(base, since=since, incremental_state=incremental_state)),
        name="chiso_sources",
    )
    started = time.perf_counter()
    pipeline.extract(source, loader_file_format=file_format)
    extracted = time.perf_counter()
    pipeline.normalize()
    normalized = time.perf_counter()
    pipeline.load(raise_on_failed_jobs=True)
    loaded = time.perf_counter()
    stages = {
        "extract": extracted - started,
        "normalize": normalized - extracted,
        "load": loaded - normalized,
    }
    return DltResult(
        duckdb_path=duckdb_path,
        dataset=pipeline.dataset_name,
        seconds=loaded - started,
        stages=stages,
        rows=_row_counts(duckdb_path, pipeline.dataset_name, all_entities()),
        loader=loader,
    )


def period_since(period: str, settings: Settings | None = None) -> datetime:
    """Where ``collect --period <period>`` starts its narrowed pulls: the period start
    minus the configured look-back."""
    from transforms.periods import parse_period

    lookback = (settings or load_settings()).collect.lookback_days
    return parse_period(period).start - timedelta(days=lookback)


def _row_counts(path: Path, dataset: str, entities: list[str]) -> dict[str, int]:
    with duckdb.connect(str(path), read_only=True) as con:
        present = {
            name
            for (name,) in con.execute(
                "SELECT table_name FROM information_schema.tables WHERE table_schema = ?",
                [dataset],
            ).fetchall()
        }
        rows = {}
        for entity in entities:
            if entity not in present:
                rows[entity] = 0
                continue
            query = f'SELECT count(*) FROM "{dataset}"."{entity}"'  # noqa: S608 - our names
            (count,) = con.execute(query).fetchone() or (0,)
            rows[entity] = int(count)
        return rows
