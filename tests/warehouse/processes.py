"""Functions run in child processes (importable by name, as `spawn` needs)."""

from __future__ import annotations

import time

import duckdb

from warehouse.connection import WarehouseBusy, open_writer


def try_open_writer(db_path: str) -> tuple[str, str, float]:
    """Try to open the warehouse for writing: ("busy" | "opened", message, seconds)."""
    started = time.monotonic()
    try:
        with open_writer(db_path):
            return "opened", "", time.monotonic() - started
    except WarehouseBusy as busy:
        return "busy", str(busy), time.monotonic() - started


def count_rows(snapshot_path: str, table: str) -> int:
    """Rows in a table of a snapshot, read the way an analyst would."""
    con = duckdb.connect(snapshot_path, read_only=True)
    try:
        rows = con.execute(f"SELECT count(*) FROM {table}").fetchall()
        return int(rows[0][0])
    finally:
        con.close()
