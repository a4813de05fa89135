"""Collection: pull each endpoint of a source and load it as one warehouse transaction.

Plain functions, tested without Prefect; `flows/prefect_flows.py` wraps them as tasks.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import partial

import duckdb

from connectors.base import Page
from connectors.endpoint import EndpointSpec, PullStats, fetch_endpoint, since_with_lookback
from connectors.errors import SourceError
from connectors.http import HttpClient
from connectors.registry import client_for, endpoints_of
from flows.crash_points import crash_point
from flows.settings import SOURCES, Settings, source_config
from transforms.periods import Period
from warehouse.connection import open_writer
from warehouse.loader import EndpointLoad, LoadResult
from warehouse.watermarks import get_watermark

log = logging.getLogger(__name__)

PageHook = Callable[[EndpointSpec, Page], None]


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
        if spec.register:  # current state: pulled whole
            return None
        # Everything updated since the period began: late status changes included.
        return request.period.start - lookback
    if request.since is not None:
        return request.since
    return since_with_lookback(watermark, lookback)


PAGES_AHEAD = 8
"""Pages fetched (and mapped) ahead of the page being loaded: enough to keep fetching
while a batch is validated and written or a load commits, few enough to keep memory
flat (a fixed number of pages, however large the endpoint)."""

READ_AHEAD = 1
"""Source pages requested ahead of the page being mapped, when no page hook is given
(a hook must see each page before the next one is requested)."""


@dataclass
class _Pull:
    """One endpoint to collect: where its pull starts and what it saw."""

    spec: EndpointSpec
    since: datetime | None
    stats: PullStats = field(default_factory=PullStats)


@dataclass(frozen=True)
class _Failed:
    """The pull raised: the error is raised where its next page would have been."""

    error: BaseException


_END = object()
_POLL_S = 0.1


class _Prefetch:
    """Fetches the pages of each pull in order, in one background thread, a bounded
    number of pages ahead of the loads that consume them.

    The thread calls `fetch_endpoint` for one pull after another (the HTTP client is
    only ever used by it) and calls the page hook as each page arrives, before the next
    page is requested, as a plain loop would. An error of a pull reaches the consumer
    in place of the page that failed; after a `SourceError` the next pull is fetched,
    after any other error nothing more is. The loads stay on the caller's thread: one
    connection, one transaction per endpoint, in endpoint order.

    With `ahead` 0 there is no thread: each page is fetched when the load asks for it.
    """

    def __init__(
        self, client: HttpClient, pulls: list[_Pull], hook: PageHook | None, ahead: int
    ) -> None:
        self._client = client
        self._pulls = pulls
        self._hook = hook
        self._queue: queue.Queue[tuple[int, object]] = queue.Queue(maxsize=max(1, ahead))
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        if ahead > 0:
            # In a copy of the caller's context, so log records keep their run's context.
            context = contextvars.copy_context()
            self._thread = threading.Thread(
                target=context.run,
                args=(self._run,),
                name=f"chiso-fetch-{client.source}",
                daemon=True,
            )

    def __enter__(self) -> _Prefetch:
        if self._thread is not None:
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread is not None:
            # A thread still fetching (the loads stopped early) ends after its request;
            # it is a daemon, so it never holds the process up.
            self._thread.join(timeout=None if exc[0] is None else 5.0)

    def pages(self, index: int) -> Iterator[Page]:
        """The pages of pull `index`, in order; raises where the pull raised."""
        if self._thread is None:
            yield from self._arrivals(self._pulls[index])
            return
        while True:
            at, item = self._take()
            if at != index:
                raise RuntimeError(f"prefetch out of step: pull {at} where {index} was due")
            if item is _END:
                return
            if isinstance(item, _Failed):
                raise item.error
            assert isinstance(item, Page)
            yield item

    def _take(self) -> tuple[int, object]:
        while True:
            try:
                return self._queue.get(timeout=_POLL_S)
            except queue.Empty:
                assert self._thread is not None
                if not self._thread.is_alive() and self._queue.empty():
                    raise RuntimeError("the fetching thread ended early") from None

    def _put(self, item: tuple[int, object]) -> bool:
        while not self._stop.is_set():
            try:
                self._queue.put(item, timeout=_POLL_S)
            except queue.Full:
                continue
            return True
        return False

    def _arrivals(self, pull: _Pull) -> Iterator[Page]:
        """The pull's pages as they arrive, each shown to the hook before the next is
        requested."""
        pages = fetch_endpoint(
            self._client,
            pull.spec,
            since=pull.since,
            stats=pull.stats,
            read_ahead=READ_AHEAD if self._hook is None and self._thread is not None else 0,
        )
        for page in pages:
            if self._hook is not None:
                self._hook(pull.spec, page)
            yield page

    def _run(self) -> None:
        for index, pull in enumerate(self._pulls):
            try:
                for page in self._arrivals(pull):
                    if not self._put((index, page)):
                        return
            except BaseException as error:  # handed to the consumer
                if not self._put((index, _Failed(error))) or not isinstance(error, SourceError):
                    return
                continue
            if not self._put((index, _END)):
                return


def _observed(pages: Iterator[Page]) -> Iterator[Page]:
    for page in pages:
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

    Pages are fetched in a background thread a few pages ahead of the load (and on into
    the next endpoint while a load commits); `on_page` is called there, as each page
    arrives. An endpoint that fails is recorded in the ledger and reported; the others
    still run.
    """
    config = source_config(settings, source)
    lookback = timedelta(days=settings.collect.lookback_days)
    summaries = []
    with client_for(config) as client, open_writer(settings.warehouse.path) as con:
        # Each load moves only its own endpoint's watermark: all can be read now.
        pulls = [
            _Pull(
                spec, _pull_start(spec, request, get_watermark(con, source, spec.entity), lookback)
            )
            for spec in endpoints_of(source)
            if entities is None or spec.entity in entities
        ]
        with _Prefetch(client, pulls, on_page, PAGES_AHEAD) as prefetch:
            for index, pull in enumerate(pulls):
                summaries.append(
                    _collect_endpoint(settings, con, request, run_id, pull, prefetch.pages(index))
                )
    return summaries


def _collect_endpoint(
    settings: Settings,
    con: duckdb.DuckDBPyConnection,
    request: CollectRequest,
    run_id: str,
    pull: _Pull,
    pages: Iterator[Page],
) -> EndpointSummary:
    spec = pull.spec
    started = time.monotonic()
    try:
        with EndpointLoad(
            con,
            run_id=run_id,
            source=spec.source,
            entity=spec.entity,
            endpoint=spec.path,
            period=request.label,
            since=pull.since,
            reject_threshold=settings.warehouse.reject_threshold,
            volume_floor=settings.warehouse.volume_floor,
            before_commit=partial(crash_point, "mid-load"),
        ) as load:
            for page in _observed(pages):
                load.add_page(page)
        result: LoadResult = load.result
        return _summary(spec, result, time.monotonic() - started)
    except SourceError as exc:
        log.error("%s", exc)
        return EndpointSummary(
            spec.source,
            spec.entity,
            spec.path,
            "failed",
            pull.stats.rows,
            0,
            0,
            time.monotonic() - started,
            str(exc),
        )


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
