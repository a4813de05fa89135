"""Collection: pull each endpoint of a source and load it as one warehouse transaction.

Plain functions, tested without Prefect; `flows/prefect_flows.py` wraps them as tasks.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import partial

from connectors.base import Page
from connectors.endpoint import EndpointSpec, PullStats, fetch_endpoint, since_with_lookback
from connectors.errors import SourceError
from connectors.registry import client_for, endpoints_of
from flows.crash_points import crash_point
from flows.settings import SOURCES, Settings, source_config
from transforms.periods import Period
from warehouse.connection import open_writer
from warehouse.loader import EndpointLoad, LoadResult
from warehouse.watermarks import get_watermark

log = logging.getLogger(__name__)

PageHook = Callable[[EndpointSpec, Page], None]

# Registers and catalogues describe current state, not events in a period: a period
# collection pulls them whole (a unit last updated in 2019 still exists in 2024).
CATALOGUE_ENTITIES = frozenset(
    {
        "unit",
        "procedure",
        "connected_unit",
        "report_regime",
        "data_service",
        "shared_data_app",
        "unit_procedure",
        "one_stop_unit",
        "edms_unit",
    }
)


@dataclass(frozen=True)
class CollectRequest:
    """What to collect: a period (records updated since its start), a date, or the
    watermark of each endpoint (incremental, with the configured look-back)."""

    period: Period | None = None
    since: datetime | None = None

    @property
    def label(self) -> str:
        if self.period is not None:
            return self.period.label
        if self.since is not None:
            return f"since {self.since:%Y-%m-%d}"
        return "incremental"


@dataclass(frozen=True)
class EndpointSummary:
    """The outcome of one endpoint's load, for the CLI summary and the flow result."""

    source: str
    entity: str
    endpoint: str
    status: str
    rows_fetched: int
    rows_loaded: int
    rows_rejected: int
    seconds: float
    message: str = ""


def resolve_sources(source: str | None) -> list[str]:
    """The sources to collect: one named source, or all of them."""
    if source is None:
        return list(SOURCES)
    if source not in SOURCES:
        raise ValueError(f"unknown source {source!r}: choose one of {', '.join(SOURCES)}")
    return [source]


def _pull_start(
    spec: EndpointSpec, request: CollectRequest, watermark: datetime | None, lookback: timedelta
) -> datetime | None:
    if not spec.is_incremental:
        return None
    if request.period is not None:
        if spec.entity in CATALOGUE_ENTITIES:
            return None
        # Everything updated since the period began: late status changes included.
        return request.period.start - lookback
    if request.since is not None:
        return request.since
    return since_with_lookback(watermark, lookback)


def _observed(pages: Iterator[Page], spec: EndpointSpec, hook: PageHook | None) -> Iterator[Page]:
    for page in pages:
        if hook is not None:
            hook(spec, page)
        crash_point("mid-fetch")
        yield page


def collect_source(
    settings: Settings,
    source: str,
    request: CollectRequest,
    run_id: str,
    on_page: PageHook | None = None,
    entities: frozenset[str] | None = None,
) -> list[EndpointSummary]:
    """Collect every endpoint of one source (or only those of `entities`); each
    endpoint is one load (one transaction).

    An endpoint that fails is recorded in the ledger and reported; the others still run.
    """
    config = source_config(settings, source)
    lookback = timedelta(days=settings.collect.lookback_days)
    summaries = []
    with client_for(config) as client, open_writer(settings.warehouse.path) as con:
        for spec in endpoints_of(source):
            if entities is not None and spec.entity not in entities:
                continue
            watermark = get_watermark(con, source, spec.entity)
            since = _pull_start(spec, request, watermark, lookback)
            started = time.monotonic()
            stats = PullStats()
            try:
                with EndpointLoad(
                    con,
                    run_id=run_id,
                    source=source,
                    entity=spec.entity,
                    endpoint=spec.path,
                    period=request.label,
                    since=since,
                    reject_threshold=settings.warehouse.reject_threshold,
                    volume_floor=settings.warehouse.volume_floor,
                    before_commit=partial(crash_point, "mid-load"),
                ) as load:
                    pages = fetch_endpoint(client, spec, since=since, stats=stats)
                    for page in _observed(pages, spec, on_page):
                        load.add_page(page)
                result: LoadResult = load.result
                summaries.append(_summary(spec, result, time.monotonic() - started))
            except SourceError as exc:
                log.error("%s", exc)
                summaries.append(
                    EndpointSummary(
                        source,
                        spec.entity,
                        spec.path,
                        "failed",
                        stats.rows,
                        0,
                        0,
                        time.monotonic() - started,
                        str(exc),
                    )
                )
    return summaries


def _summary(spec: EndpointSpec, result: LoadResult, seconds: float) -> EndpointSummary:
    return EndpointSummary(
        source=spec.source,
        entity=spec.entity,
        endpoint=spec.path,
        status=result.status,
        rows_fetched=result.rows_fetched,
        rows_loaded=result.rows_loaded,
        rows_rejected=result.rows_rejected,
        seconds=seconds,
        message=result.message or "",
    )
