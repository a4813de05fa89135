"""Ledger, runs, watermarks and quarantine helpers."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from tests.contracts.samples import frame_of, rows_of, valid_frame
from tests.warehouse.helpers import load, pages_of
from warehouse.ledger import endpoint_summary, finish_run, last_loads, start_run
from warehouse.quarantine import reason_counts
from warehouse.watermarks import advance_watermark, clear_watermark, get_watermark, set_watermark


def test_watermarks_only_advance_unless_set(con: duckdb.DuckDBPyConnection) -> None:
    early, late = datetime(2024, 1, 1), datetime(2024, 6, 1)

    assert advance_watermark(con, "tthc", "dossier", late, 1) is True
    assert advance_watermark(con, "tthc", "dossier", early, 2) is False
    assert get_watermark(con, "tthc", "dossier") == late
    set_watermark(con, "tthc", "dossier", early)
    assert get_watermark(con, "tthc", "dossier") == early
    clear_watermark(con, "tthc", "dossier")
    assert get_watermark(con, "tthc", "dossier") is None


def test_aware_watermarks_are_stored_as_local_time(con: duckdb.DuckDBPyConnection) -> None:
    utc_midnight = pd.Timestamp("2024-06-01 00:00", tz="UTC").to_pydatetime()

    set_watermark(con, "tthc", "dossier", utc_midnight)

    assert get_watermark(con, "tthc", "dossier") == datetime(2024, 6, 1, 7, 0)


def test_last_loads_and_the_endpoint_summary(con: duckdb.DuckDBPyConnection) -> None:
    load(con, "dossier", pages_of("dossier", valid_frame("dossier", 4)), run_id="r1")
    bad = frame_of(rows_of("dossier", 4, channel="fax"))
    load(con, "dossier", pages_of("dossier", bad), run_id="r2")
    load(con, "payment", pages_of("payment", valid_frame("payment", 2)), run_id="r2")

    latest = last_loads(con, limit=2)
    assert latest["status"].tolist() == ["completed", "rejected"]
    assert last_loads(con, entity="dossier")["load_id"].tolist() == [2, 1]

    summary = endpoint_summary(con).set_index("entity")
    assert summary.loc["dossier", ["loads", "completed", "rejected"]].tolist() == [2, 1, 1]
    assert summary.loc["dossier", "last_status"] == "rejected"
    assert summary.loc["dossier", "rows_rejected"] == 4
    assert endpoint_summary(con, run_id="r1")["loads"].tolist() == [1]


def test_reason_counts_split_joined_reasons(con: duckdb.DuckDBPyConnection) -> None:
    rows = rows_of("dossier", 3, channel="fax")
    rows[0]["digitised"] = "x"
    result = load(con, "dossier", pages_of("dossier", frame_of(rows)))

    counts = reason_counts(con, result.load_id)

    assert counts.iloc[0].tolist() == ["channel: 'fax' is not one of offline, online, postal", 3]
    assert counts.iloc[1].tolist() == ["digitised: 'x' is not true/false", 1]


def test_runs_are_recorded(con: duckdb.DuckDBPyConnection) -> None:
    start_run(con, "run-1", "nightly", {"period": "2024", "since": datetime(2024, 1, 1)})
    finish_run(con, "run-1", "completed", "ok")

    row = con.execute(
        "SELECT flow, params->>'period', status, message, finished_at IS NOT NULL FROM meta.run"
    ).fetchall()
    assert row == [("nightly", "2024", "completed", "ok", True)]
