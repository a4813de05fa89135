"""Rejected rows, kept with their reason and source record (``meta.quarantine``)."""

from __future__ import annotations

from datetime import datetime

import duckdb
import pandas as pd

from warehouse._bulk import registered

QUARANTINE_COLUMNS = ("row_number", "natural_key", "reason", "record", "request")
"""The per-row columns a caller supplies to `write_quarantine`."""


def write_quarantine(
    con: duckdb.DuckDBPyConnection,
    *,
    load_id: int,
    source: str,
    entity: str,
    rows: pd.DataFrame,
    quarantined_at: datetime,
) -> int:
    """Append rejected rows (columns `QUARANTINE_COLUMNS`) in the caller's transaction.

    ``record`` is stored as JSON; a record that is not valid JSON is kept as a JSON
    string rather than lost.
    """
    if rows.empty:
        return 0
    frame = rows.loc[:, list(QUARANTINE_COLUMNS)]
    with registered(con, frame) as view:
        con.execute(
            "INSERT INTO meta.quarantine (load_id, source, entity, row_number, natural_key, "  # noqa: S608
            "reason, record, request, quarantined_at) "
            "SELECT ?, ?, ?, row_number, natural_key, reason, "
            "CASE WHEN json_valid(record) THEN record::JSON ELSE to_json(record) END, "
            f"request, ? FROM {view}",
            [load_id, source, entity, quarantined_at],
        )
    return len(frame)


def quarantined_rows(con: duckdb.DuckDBPyConnection, load_id: int) -> pd.DataFrame:
    """The rows a load rejected, in page order."""
    return con.execute(
        "SELECT * FROM meta.quarantine WHERE load_id = ? ORDER BY row_number", [load_id]
    ).df()


def reason_counts(con: duckdb.DuckDBPyConnection, load_id: int) -> pd.DataFrame:
    """How often each reason occurred in a load (one row per single reason)."""
    return con.execute(
        "SELECT reason, count(*) AS rows FROM ("
        "  SELECT unnest(string_split(reason, '; ')) AS reason"
        "  FROM meta.quarantine WHERE load_id = ?"
        ") GROUP BY reason ORDER BY rows DESC, reason",
        [load_id],
    ).df()
