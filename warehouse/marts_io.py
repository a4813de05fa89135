"""Bulk writes to the marts for the transforms and the scoring step.

`replace_rows` deletes the rows a computation owns (e.g. one framework and period) and
inserts the new ones, inside the caller's transaction, so a rerun replaces rather than
duplicates. Table and column names are checked against allow-lists and the table's
actual columns before they reach SQL; filter values are bound parameters.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

import duckdb
import pandas as pd

from contracts.marts import validate_marts_measure, validate_marts_score
from warehouse._bulk import insert_frame

MART_TABLES: frozenset[str] = frozenset(
    {
        "marts.org_unit",
        "marts.period",
        "marts.measure",
        "marts.score",
        "marts.ranking",
        "marts.score_revision",
        "marts.measure_revision",
    }
)
"""The tables `replace_rows` may write."""

_CONTRACTS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "marts.measure": validate_marts_measure,
    "marts.score": validate_marts_score,
}
_IDENTIFIER = re.compile(r"^[a-z_][a-z0-9_]*$")


def _require_table(table: str) -> str:
    if table not in MART_TABLES:
        raise ValueError(f"{table!r} is not a mart table: one of {', '.join(sorted(MART_TABLES))}")
    return table


def table_columns(con: duckdb.DuckDBPyConnection, table: str) -> list[str]:
    """The columns of an allowed mart table, in table order."""
    schema, name = _require_table(table).split(".")
    rows = con.execute(
        "SELECT column_name FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
        [schema, name],
    ).fetchall()
    return [column for (column,) in rows]


def _require_columns(names: list[str], allowed: list[str], what: str, table: str) -> None:
    unknown = [n for n in names if n not in allowed or not _IDENTIFIER.match(n)]
    if unknown:
        raise ValueError(f"{what} {unknown} are not columns of {table}")


def _require_rows_in_filter(frame: pd.DataFrame, key_filter: Mapping[str, Any]) -> None:
    for column, value in key_filter.items():
        if column not in frame.columns:
            raise ValueError(f"the rows have no {column!r} column to match the filter")
        outside = frame[column] != value
        if outside.any():
            raise ValueError(
                f"{int(outside.sum())} rows have {column} other than {value!r}: a replace "
                "would leave them behind on the next run"
            )


def replace_rows(
    con: duckdb.DuckDBPyConnection,
    table: str,
    frame: pd.DataFrame,
    key_filter: Mapping[str, Any],
) -> int:
    """Replace the rows of `table` matching `key_filter` by `frame`; return rows inserted.

    Runs in the caller's transaction (open one around several replaces to publish them
    together). Every row of `frame` must match the filter; an empty filter replaces the
    whole table. `marts.measure` and `marts.score` rows are checked by their contracts.
    """
    columns = table_columns(con, table)
    _require_columns(list(key_filter), columns, "filter columns", table)
    _require_columns([str(c) for c in frame.columns], columns, "frame columns", table)
    _require_rows_in_filter(frame, key_filter)
    checked = _CONTRACTS[table](frame) if table in _CONTRACTS else frame
    where = " AND ".join(f"{column} = ?" for column in key_filter) or "true"
    con.execute(f"DELETE FROM {table} WHERE {where}", list(key_filter.values()))  # noqa: S608
    return insert_frame(con, table, checked)
