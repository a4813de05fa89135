"""Incremental cursors: the latest ``updated_at`` loaded per source and entity.

High-water marks are naive local time (UTC+7), like the ``updated_at`` they come from.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from warehouse._bulk import first_row
from warehouse._clock import as_local_naive, utc_now


def get_watermark(con: duckdb.DuckDBPyConnection, source: str, entity: str) -> datetime | None:
    """The high-water mark of (source, entity), or None before its first load."""
    row = first_row(
        con,
        "SELECT high_water FROM meta.watermark WHERE source = ? AND entity = ?",
        [source, entity],
    )
    return None if row is None else row[0]


def set_watermark(
    con: duckdb.DuckDBPyConnection,
    source: str,
    entity: str,
    high_water: datetime,
    load_id: int | None = None,
) -> None:
    """Set the high-water mark, even backwards (an operator's reset to re-pull)."""
    con.execute(
        "INSERT INTO meta.watermark (source, entity, high_water, load_id, updated_at) "
        "VALUES (?, ?, ?, ?, ?) ON CONFLICT (source, entity) DO UPDATE SET "
        "high_water = excluded.high_water, load_id = excluded.load_id, "
        "updated_at = excluded.updated_at",
        [source, entity, as_local_naive(high_water), load_id, utc_now()],
    )


def advance_watermark(
    con: duckdb.DuckDBPyConnection,
    source: str,
    entity: str,
    high_water: datetime,
    load_id: int | None = None,
) -> bool:
    """Move the high-water mark forward to `high_water` if it is later; True if moved."""
    current = get_watermark(con, source, entity)
    candidate = as_local_naive(high_water)
    if current is not None and candidate <= current:
        return False
    set_watermark(con, source, entity, candidate, load_id)
    return True


def clear_watermark(con: duckdb.DuckDBPyConnection, source: str, entity: str) -> None:
    """Forget the high-water mark: the next incremental pull takes everything."""
    con.execute("DELETE FROM meta.watermark WHERE source = ? AND entity = ?", [source, entity])
