"""The load ledger (``meta.load``: one row per load) and flow runs (``meta.run``)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

import duckdb
import pandas as pd

from warehouse._bulk import first_row
from warehouse._clock import utc_now

LoadStatus = Literal["completed", "rejected", "failed"]
RunStatus = Literal["running", "completed", "failed"]


@dataclass(frozen=True)
class LoadRecord:
    """One ledger row: what a load fetched, kept, rejected, and how it ended."""

    load_id: int
    run_id: str | None
    source: str
    entity: str
    endpoint: str
    period: str | None
    since: datetime | None
    status: LoadStatus
    rows_fetched: int
    rows_loaded: int
    rows_rejected: int
    pages: int
    requests: Sequence[str]
    high_water: datetime | None
    started_at: datetime
    finished_at: datetime
    message: str


def write_load(con: duckdb.DuckDBPyConnection, record: LoadRecord) -> None:
    """Insert a ledger row in the caller's transaction."""
    con.execute(
        "INSERT INTO meta.load (load_id, run_id, source, entity, endpoint, period, since, "
        "status, rows_fetched, rows_loaded, rows_rejected, pages, requests, high_water, "
        "started_at, finished_at, message) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::JSON, ?, ?, ?, ?)",
        [
            record.load_id,
            record.run_id,
            record.source,
            record.entity,
            record.endpoint,
            record.period,
            record.since,
            record.status,
            record.rows_fetched,
            record.rows_loaded,
            record.rows_rejected,
            record.pages,
            json.dumps(list(record.requests), ensure_ascii=False),
            record.high_water,
            record.started_at,
            record.finished_at,
            record.message,
        ],
    )


def next_load_id(con: duckdb.DuckDBPyConnection) -> int:
    """A new load id from ``meta.load_id_seq``."""
    row = first_row(con, "SELECT nextval('meta.load_id_seq')")
    assert row is not None
    return int(row[0])


def load_row(con: duckdb.DuckDBPyConnection, load_id: int) -> dict[str, Any] | None:
    """One ledger row as a dict, or None."""
    frame = con.execute("SELECT * FROM meta.load WHERE load_id = ?", [load_id]).df()
    return None if frame.empty else frame.iloc[0].to_dict()


def last_loads(
    con: duckdb.DuckDBPyConnection,
    limit: int = 20,
    source: str | None = None,
    entity: str | None = None,
) -> pd.DataFrame:
    """The latest ledger rows, newest first, optionally for one source and/or entity."""
    return con.execute(
        "SELECT load_id, run_id, source, entity, endpoint, period, status, rows_fetched, "
        "rows_loaded, rows_rejected, pages, started_at, finished_at, "
        "date_diff('millisecond', started_at, finished_at) / 1000.0 AS seconds, message "
        "FROM meta.load "
        "WHERE (? IS NULL OR source = ?) AND (? IS NULL OR entity = ?) "
        "ORDER BY load_id DESC LIMIT ?",
        [source, source, entity, entity, limit],
    ).df()


def endpoint_summary(con: duckdb.DuckDBPyConnection, run_id: str | None = None) -> pd.DataFrame:
    """Per (source, entity, endpoint): loads by status, rows, and the latest load.

    With `run_id`, only that run's loads.
    """
    return con.execute(
        "SELECT source, entity, endpoint, count(*) AS loads, "
        "count(*) FILTER (status = 'completed') AS completed, "
        "count(*) FILTER (status = 'rejected') AS rejected, "
        "count(*) FILTER (status = 'failed') AS failed, "
        "sum(rows_fetched) AS rows_fetched, sum(rows_loaded) AS rows_loaded, "
        "sum(rows_rejected) AS rows_rejected, "
        "arg_max(status, load_id) AS last_status, max(finished_at) AS last_finished_at, "
        "arg_max(message, load_id) AS last_message "
        "FROM meta.load WHERE (? IS NULL OR run_id = ?) "
        "GROUP BY source, entity, endpoint ORDER BY source, entity, endpoint",
        [run_id, run_id],
    ).df()


def start_run(
    con: duckdb.DuckDBPyConnection, run_id: str, flow: str, params: Mapping[str, Any]
) -> None:
    """Record that a flow run started (status ``running``). The caller holds the run
    lock, so any other run still ``running`` is dead: it is marked failed first."""
    fail_interrupted_runs(con, run_id)
    con.execute(
        "INSERT INTO meta.run (run_id, flow, params, started_at, status) "
        "VALUES (?, ?, ?::JSON, ?, 'running')",
        [run_id, flow, json.dumps(dict(params), default=str, ensure_ascii=False), utc_now()],
    )


def finish_run(
    con: duckdb.DuckDBPyConnection, run_id: str, status: RunStatus, message: str = ""
) -> None:
    """Record how a flow run ended."""
    con.execute(
        "UPDATE meta.run SET status = ?, message = ?, finished_at = ? WHERE run_id = ?",
        [status, message, utc_now(), run_id],
    )


def fail_interrupted_runs(con: duckdb.DuckDBPyConnection, found_by: str) -> list[str]:
    """Mark the runs still ``running`` as failed: a process killed mid-run (kill -9, a
    power cut) never finished its row. Only sound under the run lock, which proves no
    other run is alive. Their end time stays unknown. Returns their ids."""
    rows = con.execute(
        "UPDATE meta.run SET status = 'failed', message = ? WHERE status = 'running' "
        "RETURNING run_id",
        [f"interrupted: the process ended without finishing (found by run {found_by})"],
    ).fetchall()
    return sorted(str(run_id) for (run_id,) in rows)
