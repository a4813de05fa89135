"""Endpoints as data, and the one function that pulls any of them.

An `EndpointSpec` says everything about one (source, entity): its path, natural key,
mapping, paging style, incremental filter parameters and whether it is a register.
`fetch_endpoint` walks it with a client and yields `Page`s in our column names. Adding
an endpoint is adding a spec to its system's module.
"""

from __future__ import annotations

import contextvars
import logging
import queue
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import pandas as pd

from connectors.auth import Auth
from connectors.base import Page
from connectors.config import SourceConfig
from connectors.http import HttpClient
from connectors.mapping import DateFormat, EntityMapping, to_local_naive
from connectors.paging import Paging, RawPage

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class SourceSpec:
    """One source system: its registry name, how it is named in messages, and how to
    build its auth strategy from a `SourceConfig`."""

    name: str
    label: str
    make_auth: Callable[[SourceConfig], Auth]


@dataclass(frozen=True)
class Incremental:
    """The query parameters that filter an endpoint on last-update time (inclusive)."""

    since_param: str
    until_param: str | None
    date_format: DateFormat

    def params(self, since: datetime | None, until: datetime | None) -> dict[str, str]:
        """Filter parameters for a pull from `since` to `until` (local time)."""
        query: dict[str, str] = {}
        if since is not None:
            query[self.since_param] = self.date_format.render(since)
        if until is not None and self.until_param is not None:
            query[self.until_param] = self.date_format.render(until)
        return query


@dataclass(frozen=True)
class EndpointSpec:
    """One entity of one source system.

    `natural_key` is our column that identifies a record (the warehouse merges on it);
    `incremental` is None when the system cannot filter this endpoint by update time,
    in which case every pull is a full one; `register` marks a register or catalogue.
    """

    source: str
    entity: str
    path: str
    natural_key: str
    mapping: EntityMapping
    paging: Paging
    incremental: Incremental | None = None
    register: bool = False
    """A register or catalogue (units, procedures, ...): it describes current state, not
    events in a period, so a period collection pulls it whole (a unit last updated in
    2019 still exists in 2024). Watermark pulls still narrow it when `incremental`."""

    def __post_init__(self) -> None:
        if self.natural_key not in self.mapping.columns.values():
            raise ValueError(f"{self.source}.{self.entity}: natural key not in mapping")
        if not self.path.startswith("/"):
            raise ValueError(f"{self.source}.{self.entity}: path must start with '/'")

    @property
    def is_incremental(self) -> bool:
        """Whether `since`/`until` narrow the pull at the source."""
        return self.incremental is not None

    @property
    def columns(self) -> list[str]:
        """Columns of every frame this endpoint yields (ours, then ``_record``)."""
        return self.mapping.output_columns

    def filter_params(self, since: datetime | None, until: datetime | None) -> dict[str, str]:
        """Query parameters for an incremental pull; empty for a full pull."""
        if (
            since is not None
            and until is not None
            and to_local_naive(since) > to_local_naive(until)
        ):
            raise ValueError(f"since ({since}) is after until ({until})")
        if self.incremental is None:
            return {}
        return self.incremental.params(since, until)


@dataclass
class PullStats:
    """What one pull saw; pass one to `fetch_endpoint` to read it afterwards."""

    pages: int = 0
    rows: int = 0
    duplicates_seen: int = 0
    """Records whose natural key was already seen in this pull (kept in the pages)."""
    unparsed_date_columns: set[str] = field(default_factory=set)


def since_with_lookback(watermark: datetime | None, lookback: timedelta) -> datetime | None:
    """Start of an incremental pull: `lookback` before the watermark (late status
    changes), or None (a full pull) when there is no watermark yet."""
    if lookback < timedelta(0):
        raise ValueError("lookback must not be negative")
    if watermark is None:
        return None
    return to_local_naive(watermark) - lookback


def fetch_endpoint(
    client: HttpClient,
    spec: EndpointSpec,
    *,
    since: datetime | None = None,
    until: datetime | None = None,
    stats: PullStats | None = None,
    read_ahead: int = 0,
) -> Iterator[Page]:
    """Pull `spec` with `client`, yielding one `Page` per source page.

    `since`/`until` are naive local datetimes (aware ones are converted) translated to
    the system's filter parameters; endpoints that cannot filter ignore them and pull
    everything, as do systems without an upper bound for `until`. Records repeated
    across pages are yielded as they came and counted in `stats.duplicates_seen`.
    Arguments are checked now; HTTP starts with the first page requested.

    With `read_ahead` n > 0 the source's next pages (up to n) are requested in a
    background thread while a page is mapped: errors still come where the page that
    failed would have, but a page is requested before the previous one is yielded.
    """
    if client.source != spec.source:
        raise ValueError(f"client is for {client.source!r}, endpoint is of {spec.source!r}")
    params = spec.filter_params(since, until)
    if (since is not None or until is not None) and not params:
        logger.debug("%s %s: no update filter; pulling everything", client.label, spec.path)
    return _pages(client, spec, params, stats if stats is not None else PullStats(), read_ahead)


def _pages(
    client: HttpClient,
    spec: EndpointSpec,
    params: dict[str, str],
    stats: PullStats,
    read_ahead: int = 0,
) -> Iterator[Page]:
    seen: set[object] = set()
    context = {"source": spec.source, "endpoint": spec.path, "entity": spec.entity}
    page_size = spec.paging.page_size(client.page_size)
    raws = spec.paging.pages(client, spec.path, params, page_size)
    if read_ahead > 0:
        raws = _read_ahead(raws, read_ahead, f"chiso-read-{spec.source}-{spec.entity}")
    for raw in raws:
        frame = spec.mapping.to_frame(raw.records)
        repeated = _count_repeats(frame[spec.natural_key], seen)
        stats.pages += 1
        stats.rows += len(frame)
        stats.duplicates_seen += repeated
        if repeated:
            logger.warning(
                "%s %s: %d record(s) on %s repeat a %s already seen in this pull",
                client.label,
                spec.path,
                repeated,
                raw.request,
                spec.natural_key,
                extra={**context, "duplicates": repeated},
            )
        _note_unparsed_dates(client, spec, frame, raw.request, stats)
        yield Page(
            source=spec.source,
            entity=spec.entity,
            endpoint=spec.path,
            request=raw.request,
            fetched_at=raw.fetched_at,
            frame=frame,
        )
    logger.info(
        "%s %s: %d rows in %d page(s), %d repeated key(s)",
        client.label,
        spec.path,
        stats.rows,
        stats.pages,
        stats.duplicates_seen,
        extra={
            **context,
            "rows": stats.rows,
            "pages": stats.pages,
            "duplicates": stats.duplicates_seen,
        },
    )


def _count_repeats(keys: pd.Series, seen: set[object]) -> int:
    """How many of `keys` were already in `seen` (or repeat within the page); adds them."""
    present = keys.dropna().tolist()
    before = len(seen)
    try:
        seen.update(present)
    except TypeError:  # unhashable keys (schema drift): the contract will reject them
        return 0
    return len(present) - (len(seen) - before)


def _note_unparsed_dates(
    client: HttpClient, spec: EndpointSpec, frame: pd.DataFrame, request: str, stats: PullStats
) -> None:
    unparsed = [c for c in sorted(spec.mapping.dates) if frame[c].dtype == object]
    for column in unparsed:
        logger.warning(
            "%s %s: %s has values that are not dates; kept as text (%s)",
            client.label,
            spec.path,
            column,
            request,
            extra={"source": spec.source, "endpoint": spec.path, "column": column},
        )
    stats.unparsed_date_columns.update(unparsed)


_DONE = object()


@dataclass(frozen=True)
class _Raised:
    error: BaseException


def _read_ahead(pages: Iterator[RawPage], ahead: int, name: str) -> Iterator[RawPage]:
    """`pages`, advanced by a background thread up to `ahead` pages before they are
    asked for; an error comes in place of the page that raised it."""
    slots: queue.Queue[object] = queue.Queue(maxsize=ahead)
    stop = threading.Event()

    def put(item: object) -> bool:
        while not stop.is_set():
            try:
                slots.put(item, timeout=0.1)
            except queue.Full:
                continue
            return True
        return False

    def run() -> None:
        try:
            for page in pages:
                if not put(page):
                    return
        except BaseException as error:  # handed to the consumer
            put(_Raised(error))
            return
        put(_DONE)

    thread = threading.Thread(
        target=contextvars.copy_context().run, args=(run,), name=name, daemon=True
    )
    thread.start()
    try:
        while True:
            try:
                item = slots.get(timeout=0.1)
            except queue.Empty:
                if not thread.is_alive() and slots.empty():
                    raise RuntimeError(f"{name}: the reading thread ended early") from None
                continue
            if item is _DONE:
                return
            if isinstance(item, _Raised):
                raise item.error
            assert isinstance(item, RawPage)
            yield item
    finally:
        stop.set()
