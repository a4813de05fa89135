"""Merging a load's raw rows into ``staging.<entity>``: one current row per natural key.

Within a load the latest ``updated_at`` wins, ties going to the later page/row. Across
loads an incoming row replaces the staged one unless the staged ``updated_at`` is newer,
so re-running a load, or loading an older pull after a newer one, changes nothing.
"""

from __future__ import annotations

from datetime import datetime

import duckdb

from contracts.entities import NATURAL_KEYS, cursor_column
from warehouse._bulk import first_row
from warehouse.schema import entity_table_columns, require_entity


def merge_sql(entity: str) -> str:
    """The INSERT … ON CONFLICT statement that merges one load (parameters: loaded_at,
    load_id)."""
    table = require_entity(entity)
    columns = entity_table_columns(table)
    keys = NATURAL_KEYS[table]
    cursor = cursor_column(table)
    listed = ", ".join(columns)
    order = f"{cursor} DESC NULLS LAST, _row_number DESC" if cursor else "_row_number DESC"
    updates = ", ".join(
        [f"{c} = excluded.{c}" for c in columns if c not in keys]
        + ["_load_id = excluded._load_id", "_loaded_at = excluded._loaded_at"]
    )
    newer = f" WHERE excluded.{cursor} >= staging.{table}.{cursor}" if cursor else ""
    return (
        f"INSERT INTO staging.{table} ({listed}, _load_id, _loaded_at) "  # noqa: S608
        f"SELECT {listed}, _load_id, ? FROM raw.{table} WHERE _load_id = ? "
        f"QUALIFY row_number() OVER (PARTITION BY {', '.join(keys)} ORDER BY {order}) = 1 "
        f"ON CONFLICT ({', '.join(keys)}) DO UPDATE SET {updates}{newer}"
    )


def merge_load(
    con: duckdb.DuckDBPyConnection, entity: str, load_id: int, loaded_at: datetime
) -> int:
    """Merge the raw rows of `load_id` into staging, in the caller's transaction.

    Returns the number of distinct keys the load delivered.
    """
    con.execute(merge_sql(entity), [loaded_at, load_id])
    keys = ", ".join(NATURAL_KEYS[entity])
    row = first_row(
        con,
        f"SELECT count(DISTINCT ({keys})) FROM raw.{entity} WHERE _load_id = ?",  # noqa: S608
        [load_id],
    )
    return 0 if row is None else int(row[0])


def load_high_water(con: duckdb.DuckDBPyConnection, entity: str, load_id: int) -> datetime | None:
    """The latest ``updated_at`` among a load's raw rows (None without such a column)."""
    table = require_entity(entity)
    cursor = cursor_column(table)
    if cursor is None:
        return None
    row = first_row(
        con,
        f"SELECT max({cursor}) FROM raw.{table} WHERE _load_id = ?",  # noqa: S608
        [load_id],
    )
    return None if row is None else row[0]
