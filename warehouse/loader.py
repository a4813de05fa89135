"""One endpoint load = one transaction, with its ledger row.

::

    with EndpointLoad(con, run_id=run_id, source="tthc", entity="dossier",
                      endpoint="/api/hoso", period="2024", since=since) as load:
        for page in pages:          # connector pages (duck-typed: see PageLike)
            load.add_page(page)
    result = load.result

Pages are validated by their contract; valid rows go to ``raw.<entity>``, rejected rows
are kept for ``meta.quarantine``. At the end, if the rejected share is above the
threshold nothing is loaded (the previous good data stays) and the ledger says
``rejected``; otherwise the load is merged into staging, the watermark advances and the
ledger says ``completed`` — all in the transaction that holds the raw rows. An exception
rolls everything back, writes a ``failed`` ledger row and propagates.

With a `volume_floor`, a pull that came back much smaller than what the warehouse
already holds for the same window (a page of ``[]`` where thousands were, an empty page
in the middle of a listing) is not loaded either: the ledger says ``failed`` with the
numbers, and the previous data stays.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from types import TracebackType
from typing import Protocol

import duckdb
import numpy as np
import pandas as pd

from contracts.entities import (
    NATURAL_KEYS,
    REASON_COLUMN,
    RECORD_COLUMN,
    cursor_column,
    validate_page,
)
from warehouse._bulk import first_row, insert_frame
from warehouse._clock import as_local_naive, as_utc_naive, utc_now
from warehouse.ledger import LoadRecord, LoadStatus, next_load_id, write_load
from warehouse.quarantine import QUARANTINE_COLUMNS, write_quarantine
from warehouse.schema import require_entity
from warehouse.staging import load_high_water, merge_load
from warehouse.watermarks import advance_watermark

log = logging.getLogger(__name__)

DEFAULT_REJECT_THRESHOLD = 0.05
DEFAULT_BATCH_ROWS = 20_000


class PageLike(Protocol):
    """What the loader reads from a connector's page (``connectors.base.Page``)."""

    @property
    def source(self) -> str: ...
    @property
    def entity(self) -> str: ...
    @property
    def endpoint(self) -> str: ...
    @property
    def request(self) -> str: ...
    @property
    def fetched_at(self) -> datetime: ...
    @property
    def frame(self) -> pd.DataFrame: ...


@dataclass(frozen=True)
class LoadResult:
    """How one load ended (the same facts as its ledger row)."""

    load_id: int
    source: str
    entity: str
    endpoint: str
    status: LoadStatus
    rows_fetched: int
    rows_loaded: int
    rows_rejected: int
    pages: int
    seconds: float
    message: str
    high_water: datetime | None = None

    @property
    def ok(self) -> bool:
        """True when the load's rows are in staging."""
        return self.status == "completed"


class LoadError(RuntimeError):
    """The load was used out of order (a page after the end, a page of another entity)."""


def reason_summary(reasons: pd.Series, top: int = 3) -> str:
    """The most frequent reasons, grouped by column: ``"3 × amount: 'N/A' is not a
    number; 1 × dossier_id: missing (…)"``."""
    single = reasons.astype(str).str.split("; ").explode()
    column = single.str.split(":", n=1).str[0].str.split(" ", n=1).str[0]
    grouped = pd.DataFrame({"column": column, "reason": single}).groupby("column", sort=False)
    counts = grouped["reason"].agg(["size", "first"]).sort_values("size", ascending=False)
    return "; ".join(f"{size} × {first}" for size, first in counts.head(top).to_numpy())


def staged_rows_in_window(
    con: duckdb.DuckDBPyConnection, entity: str, since: datetime | None
) -> int:
    """Rows of ``staging.<entity>`` a pull from `since` must deliver again: those
    updated since then, or all of them for a full pull (or an entity without update
    time). Records are updated forward, never deleted, so a pull of the same window
    returns at least these."""
    table = require_entity(entity)
    cursor = cursor_column(table)
    if since is None or cursor is None:
        row = first_row(con, f"SELECT count(*) FROM staging.{table}")  # noqa: S608
    else:
        row = first_row(
            con,
            f"SELECT count(*) FROM staging.{table} WHERE {cursor} >= ?",  # noqa: S608
            [since],
        )
    return 0 if row is None else int(row[0])


def _natural_key_text(frame: pd.DataFrame, keys: Sequence[str]) -> pd.Series:
    parts = []
    for key in keys:
        if key not in frame.columns:
            parts.append(pd.Series([None] * len(frame), index=frame.index, dtype=object))
            continue
        values = frame[key].astype(object)
        parts.append(values.where(values.notna(), None).map(str, na_action="ignore"))
    if len(parts) == 1:
        return parts[0]
    joined = parts[0].str.cat(parts[1:], sep="|", na_rep="")
    return joined.astype(object)


class EndpointLoad:
    """One load of one endpoint into the warehouse, as one transaction.

    Use as a context manager (or call `begin`, `add_page`…, `finish`, and `abort` on an
    error). The connection must not be in a transaction already.

    `volume_floor` (0: off) refuses a pull that delivered fewer rows than that share of
    `staged_rows_in_window`, or had an empty page after the first. `before_commit` is
    called when a completed load is fully written (raw rows, staging, watermark,
    ledger) and not yet committed: where the crash tests kill the process.
    """

    def __init__(
        self,
        con: duckdb.DuckDBPyConnection,
        *,
        run_id: str | None,
        source: str,
        entity: str,
        endpoint: str,
        period: str | None = None,
        since: datetime | None = None,
        reject_threshold: float = DEFAULT_REJECT_THRESHOLD,
        batch_rows: int = DEFAULT_BATCH_ROWS,
        volume_floor: float = 0.0,
        before_commit: Callable[[], None] | None = None,
    ) -> None:
        if not 0 <= reject_threshold <= 1:
            raise ValueError(f"reject_threshold {reject_threshold} is not between 0 and 1")
        if not 0 <= volume_floor <= 1:
            raise ValueError(f"volume_floor {volume_floor} is not between 0 and 1")
        self._con = con
        self.run_id = run_id
        self.source = source
        self.entity = require_entity(entity)
        self.endpoint = endpoint
        self.period = period
        self.since = None if since is None else as_local_naive(since)
        self.reject_threshold = reject_threshold
        self.batch_rows = batch_rows
        self.volume_floor = volume_floor
        self._before_commit = before_commit
        self._empty_page: str | None = None
        self.load_id: int | None = None
        self._result: LoadResult | None = None
        self._in_transaction = False
        self._started_at = utc_now()
        self._clock = time.monotonic()
        self._buffer: list[PageLike] = []
        self._buffer_rows = 0
        self._requests: list[str] = []
        self._rejected: list[pd.DataFrame] = []
        self._rows_fetched = 0
        self._rows_loaded = 0
        self._rows_rejected = 0
        self._next_row = 0

    # --- the life of a load --------------------------------------------------------

    def __enter__(self) -> EndpointLoad:
        self.begin()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._result is not None:
            return
        if exc is not None:
            self.abort(exc)
            return
        self.finish()

    def begin(self) -> int:
        """Take a load id and open the load's transaction."""
        if self.load_id is not None:
            raise LoadError(f"load {self.load_id} has already begun")
        self.load_id = next_load_id(self._con)
        self._started_at = utc_now()
        self._clock = time.monotonic()
        self._con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        return self.load_id

    def add_page(self, page: PageLike) -> None:
        """Validate and stage one page (bulk-inserted in batches of `batch_rows`)."""
        self._require_open()
        if page.entity != self.entity or page.source != self.source:
            raise LoadError(
                f"page of {page.source}/{page.entity} given to the load of "
                f"{self.source}/{self.entity}"
            )
        if page.frame.empty and self._requests and self._empty_page is None:
            self._empty_page = page.request  # a listing's pages end with records
        self._requests.append(page.request)
        self._rows_fetched += len(page.frame)
        if self._buffer and list(page.frame.columns) != list(self._buffer[0].frame.columns):
            self._flush()  # a page with other columns is validated on its own
        self._buffer.append(page)
        self._buffer_rows += len(page.frame)
        if self._buffer_rows >= self.batch_rows:
            self._flush()

    def finish(self) -> LoadResult:
        """End the load: commit it, or reject it when too many rows broke the contract."""
        self._require_open()
        try:
            self._flush()
            drop = self._volume_drop()
            if drop is not None:
                return self._refuse(drop)
            rejected = self._rejected_rows()
            if self._rejected_share() > self.reject_threshold:
                return self._reject(rejected)
            return self._complete(rejected)
        except BaseException as error:
            if self._result is None:
                self.abort(error)
            raise

    def abort(self, error: BaseException) -> LoadResult:
        """Roll the load back and record it as ``failed`` with the error's message.

        The ledger row is written in its own transaction. If even that fails (the
        database is gone), the original error gets a note saying so.
        """
        if self.load_id is None:
            raise LoadError("the load never began") from error
        self._rollback()
        message = f"{type(error).__name__}: {error}"
        log.error("%s/%s load %s failed: %s", self.source, self.entity, self.load_id, message)
        result = self._outcome("failed", rows_loaded=0, high_water=None, message=message)
        try:
            self._write_ledger(result)
        except duckdb.Error as ledger_error:
            error.add_note(f"the failed load {self.load_id} could not be recorded: {ledger_error}")
        self._result = result
        return result

    @property
    def result(self) -> LoadResult:
        """How the load ended (after the `with` block or `finish`)."""
        if self._result is None:
            raise LoadError("the load has not finished")
        return self._result

    # --- steps ---------------------------------------------------------------------

    def _require_open(self) -> None:
        if self.load_id is None or not self._in_transaction or self._result is not None:
            raise LoadError("the load is not open: use it as a context manager or call begin()")

    def _rejected_share(self) -> float:
        return self._rows_rejected / self._rows_fetched if self._rows_fetched else 0.0

    def _volume_drop(self) -> str | None:
        """Why this pull looks cut short, or None (always None without a floor)."""
        if self.volume_floor <= 0:
            return None
        if self._empty_page is not None:
            return (
                f"volume drop: page {self._empty_page} came back empty in the middle of "
                f"the listing ({self._rows_fetched:,} rows in {len(self._requests)} pages)"
            )
        held = staged_rows_in_window(self._con, self.entity, self.since)
        if held == 0 or self._rows_fetched >= self.volume_floor * held:
            return None
        window = (
            "in all"
            if self.since is None or cursor_column(self.entity) is None
            else f"updated since {self.since:%Y-%m-%d %H:%M:%S}"
        )
        return (
            f"volume drop: {self._rows_fetched:,} rows fetched where the warehouse already "
            f"holds {held:,} {self.entity} rows {window} (floor {self.volume_floor:.0%})"
        )

    def _flush(self) -> None:
        if not self._buffer:
            return
        pages, self._buffer, self._buffer_rows = self._buffer, [], 0
        frames = [page.frame.reset_index(drop=True) for page in pages]
        frame = frames[0] if len(frames) == 1 else pd.concat(frames, ignore_index=True)
        sizes = [len(f) for f in frames]
        requests = np.repeat(np.array([p.request for p in pages], dtype=object), sizes)
        fetched = np.repeat(
            np.array([as_utc_naive(p.fetched_at) for p in pages], dtype="datetime64[us]"), sizes
        )
        offset, self._next_row = self._next_row, self._next_row + len(frame)
        checked = validate_page(self.entity, frame)
        self._insert_raw(checked.valid, offset, requests, fetched)
        self._keep_rejected(checked.rejected, offset, requests)

    def _insert_raw(
        self, valid: pd.DataFrame, offset: int, requests: np.ndarray, fetched: np.ndarray
    ) -> None:
        positions = valid.index.to_numpy()
        rows = valid.assign(
            _load_id=self.load_id,
            _fetched_at=fetched[positions],
            _request=requests[positions],
            _row_number=offset + positions,
        )
        self._rows_loaded += insert_frame(self._con, f"raw.{self.entity}", rows)

    def _keep_rejected(self, rejected: pd.DataFrame, offset: int, requests: np.ndarray) -> None:
        if rejected.empty:
            return
        positions = rejected.index.to_numpy()
        record = rejected[RECORD_COLUMN] if RECORD_COLUMN in rejected else None
        self._rejected.append(
            pd.DataFrame(
                {
                    "row_number": offset + positions,
                    "natural_key": _natural_key_text(rejected, NATURAL_KEYS[self.entity]),
                    "reason": rejected[REASON_COLUMN].astype(str),
                    "record": record.astype(object) if record is not None else None,
                    "request": requests[positions],
                }
            )
        )
        self._rows_rejected += len(rejected)

    def _rejected_rows(self) -> pd.DataFrame:
        if not self._rejected:
            return pd.DataFrame(columns=list(QUARANTINE_COLUMNS))
        return pd.concat(self._rejected, ignore_index=True)

    def _complete(self, rejected: pd.DataFrame) -> LoadResult:
        assert self.load_id is not None
        now = utc_now()
        keys = merge_load(self._con, self.entity, self.load_id, now)
        self._quarantine(rejected, now)
        high_water = load_high_water(self._con, self.entity, self.load_id)
        if high_water is not None:
            advance_watermark(self._con, self.source, self.entity, high_water, self.load_id)
        message = f"{self._rows_loaded} rows loaded, {keys} keys merged into staging.{self.entity}"
        if len(rejected):
            message += (
                f"; {len(rejected)} rows quarantined ({self._rejected_share():.2%}, within the "
                f"{self.reject_threshold:.0%} threshold): {reason_summary(rejected['reason'])}"
            )
        return self._commit(self._outcome("completed", self._rows_loaded, high_water, message))

    def _reject(self, rejected: pd.DataFrame) -> LoadResult:
        self._rollback()
        self._con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        message = (
            f"contract broken: {len(rejected)} of {self._rows_fetched} rows rejected "
            f"({self._rejected_share():.1%}, above the {self.reject_threshold:.0%} threshold); "
            f"nothing loaded, previous data kept; rows in meta.quarantine (load {self.load_id}): "
            f"{reason_summary(rejected['reason'])}"
        )
        self._quarantine(rejected, utc_now())
        log.warning("%s/%s load %s rejected: %s", self.source, self.entity, self.load_id, message)
        return self._commit(self._outcome("rejected", 0, high_water=None, message=message))

    def _refuse(self, reason: str) -> LoadResult:
        """Load nothing and record the load as ``failed`` with `reason`."""
        self._rollback()
        self._con.execute("BEGIN TRANSACTION")
        self._in_transaction = True
        message = f"{reason}; nothing loaded, previous data kept"
        log.error("%s/%s load %s refused: %s", self.source, self.entity, self.load_id, message)
        return self._commit(self._outcome("failed", 0, high_water=None, message=message))

    def _commit(self, result: LoadResult) -> LoadResult:
        """Write the ledger row in the load's transaction, then commit both."""
        self._write_ledger(result)
        if self._before_commit is not None and result.status == "completed":
            self._before_commit()  # everything is written, nothing is committed yet
        self._con.execute("COMMIT")
        self._in_transaction = False
        self._result = result
        return result

    def _quarantine(self, rejected: pd.DataFrame, now: datetime) -> None:
        assert self.load_id is not None
        write_quarantine(
            self._con,
            load_id=self.load_id,
            source=self.source,
            entity=self.entity,
            rows=rejected,
            quarantined_at=now,
        )

    def _rollback(self) -> None:
        if self._in_transaction:
            self._in_transaction = False
            self._con.execute("ROLLBACK")

    def _outcome(
        self, status: LoadStatus, rows_loaded: int, high_water: datetime | None, message: str
    ) -> LoadResult:
        assert self.load_id is not None
        return LoadResult(
            load_id=self.load_id,
            source=self.source,
            entity=self.entity,
            endpoint=self.endpoint,
            status=status,
            rows_fetched=self._rows_fetched,
            rows_loaded=rows_loaded,
            rows_rejected=self._rows_rejected,
            pages=len(self._requests),
            seconds=time.monotonic() - self._clock,
            message=message,
            high_water=high_water,
        )

    def _write_ledger(self, result: LoadResult) -> None:
        write_load(
            self._con,
            LoadRecord(
                load_id=result.load_id,
                run_id=self.run_id,
                source=self.source,
                entity=self.entity,
                endpoint=self.endpoint,
                period=self.period,
                since=self.since,
                status=result.status,
                rows_fetched=result.rows_fetched,
                rows_loaded=result.rows_loaded,
                rows_rejected=result.rows_rejected,
                pages=result.pages,
                requests=self._requests,
                high_water=result.high_water,
                started_at=self._started_at,
                finished_at=utc_now(),
                message=result.message,
            ),
        )
