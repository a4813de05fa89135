"""What a warehouse holds, as comparable figures: per table of `staging` and `marts`,
its row count and an order-insensitive hash of its rows.

Columns that say *when* or *by which run or load* a row was written differ between two
runs that hold the same data, so they are left out: load and run ids, load times,
computation and revision times, revision ids.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import duckdb

VOLATILE = frozenset(
    {
        "_load_id",
        "_loaded_at",
        "load_ids",
        "run_id",
        "computed_at",
        "first_computed_at",
        "revised_at",
        "revision_id",
        "created_at",
    }
)
LAYERS = ("staging", "marts")

Content = dict[str, tuple[int, int]]


def content_of(con: duckdb.DuckDBPyConnection, layers: tuple[str, ...] = LAYERS) -> Content:
    """``{"schema.table": (rows, hash)}`` for every base table of `layers`."""
    tables = con.execute(
        "SELECT table_schema, table_name FROM information_schema.tables "
        "WHERE table_type = 'BASE TABLE' AND list_contains(?, table_schema) ORDER BY ALL",
        [list(layers)],
    ).fetchall()
    content: Content = {}
    for schema, table in tables:
        columns = [
            name
            for (name,) in con.execute(
                "SELECT column_name FROM information_schema.columns "
                "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
                [schema, table],
            ).fetchall()
            if name not in VOLATILE
        ]
        listed = ", ".join(f'"{c}"' for c in columns)
        rows, digest = con.execute(
            f'SELECT count(*), coalesce(sum(hash({listed})::HUGEINT), 0) FROM "{schema}"."{table}"'
        ).fetchall()[0]
        content[f"{schema}.{table}"] = (int(rows), int(digest))
    return content


def content_of_file(path: Path) -> Content:
    """`content_of` a warehouse or snapshot file, opened read-only."""
    with duckdb.connect(str(path), read_only=True) as con:
        return content_of(con)


def differences(expected: Content, actual: Content) -> dict[str, tuple[object, object]]:
    """The tables whose figures differ: ``{table: (expected, actual)}``."""
    return {
        table: (expected.get(table), actual.get(table))
        for table in sorted(set(expected) | set(actual))
        if expected.get(table) != actual.get(table)
    }


def rows_missing(expected: Content, actual: Content) -> int:
    """Rows `actual` lacks against `expected`, table by table (0 when it has as many)."""
    return sum(max(0, rows - actual.get(table, (0, 0))[0]) for table, (rows, _) in expected.items())


def rows_extra(expected: Content, actual: Content, layer: str = "staging") -> int:
    """Rows `actual` has beyond `expected` in the tables of `layer` (duplicates)."""
    return sum(
        max(0, rows - expected.get(table, (0, 0))[0])
        for table, (rows, _) in actual.items()
        if table.startswith(f"{layer}.")
    )


def file_identity(path: Path) -> tuple[str, int, int]:
    """Content hash, inode and modification time: the same file, untouched."""
    stat = path.stat()
    return hashlib.sha256(path.read_bytes()).hexdigest(), stat.st_ino, stat.st_mtime_ns
