"""Bulk writes (a DataFrame registered as a view, then one INSERT … SELECT) and reads.

Table names reach these helpers only from the warehouse's own allow-lists; values are
in the frame, never in the SQL text.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import duckdb
import pandas as pd

_names = itertools.count()


@contextmanager
def registered(con: duckdb.DuckDBPyConnection, frame: pd.DataFrame) -> Iterator[str]:
    """`frame` visible to SQL on `con` under a fresh view name, for the block."""
    name = f"_chiso_frame_{next(_names)}"
    # DuckDB refuses to register while a caller's result is partly fetched; running it
    # to its end (not aborting: that would fail a pending write) clears the way.
    con.complete()
    con.register(name, frame)
    try:
        yield name
    finally:
        con.unregister(name)


def insert_frame(con: duckdb.DuckDBPyConnection, table: str, frame: pd.DataFrame) -> int:
    """Append `frame` to `table` (a trusted, qualified name), matching columns by name."""
    if frame.empty:
        return 0
    with registered(con, frame) as view:
        con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM {view}")  # noqa: S608
    return len(frame)


def first_row(
    con: duckdb.DuckDBPyConnection, sql: str, params: list[object] | None = None
) -> tuple[Any, ...] | None:
    """The first row of a query, or None. The whole result is consumed: DuckDB refuses
    to register a frame while a result is only partly fetched."""
    rows = con.execute(sql, params or []).fetchall()
    return rows[0] if rows else None
