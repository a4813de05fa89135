"""Replacing mart rows: allow-listed names, bound values, contracts, no duplicates."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import duckdb
import pandas as pd
import pytest

from contracts.marts import MartContractError
from warehouse._bulk import insert_frame
from warehouse.marts_io import MART_TABLES, replace_rows

NOW = datetime(2025, 1, 8, 2, 0)


def measures(period: str, value: int, keys: tuple[str, ...] = ("a", "b")) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                "unit_code": "89",
                "period": period,
                "measure_key": key,
                "measure_name": key,
                "value_num": Decimal(value),
                "value_type": "count",
                "origin": "collected",
                "load_ids": [1, 2],
                "record_count": value,
                "computed_at": NOW,
                "run_id": "r",
            }
            for key in keys
        ]
    )


def rows(con: duckdb.DuckDBPyConnection) -> list[tuple[Any, ...]]:
    return con.execute(
        "SELECT period, measure_key, value_num, load_ids FROM marts.measure ORDER BY 1, 2"
    ).fetchall()


def test_a_rerun_replaces_its_rows_and_leaves_the_others(con: duckdb.DuckDBPyConnection) -> None:
    replace_rows(con, "marts.measure", measures("2023", 1), {"period": "2023"})
    replace_rows(con, "marts.measure", measures("2024", 2), {"period": "2024"})

    inserted = replace_rows(con, "marts.measure", measures("2024", 3, ("a",)), {"period": "2024"})

    assert inserted == 1
    assert rows(con) == [
        ("2023", "a", Decimal("1.000000"), [1, 2]),
        ("2023", "b", Decimal("1.000000"), [1, 2]),
        ("2024", "a", Decimal("3.000000"), [1, 2]),
    ]


def test_it_runs_in_the_callers_transaction(con: duckdb.DuckDBPyConnection) -> None:
    replace_rows(con, "marts.measure", measures("2024", 1), {"period": "2024"})

    con.execute("BEGIN TRANSACTION")
    replace_rows(con, "marts.measure", measures("2024", 9), {"period": "2024"})
    con.execute("ROLLBACK")

    assert {value for _, _, value, _ in rows(con)} == {Decimal(1)}


@pytest.mark.parametrize(
    "table", ["raw.dossier", "meta.load", "marts.measure; DROP TABLE meta.load", "measure"]
)
def test_only_mart_tables_can_be_replaced(con: duckdb.DuckDBPyConnection, table: str) -> None:
    with pytest.raises(ValueError, match="is not a mart table"):
        replace_rows(con, table, measures("2024", 1), {"period": "2024"})
    assert "meta.load" not in MART_TABLES


@pytest.mark.parametrize("column", ["nope", 'period" = period OR 1=1 --'])
def test_filter_columns_must_be_the_tables(con: duckdb.DuckDBPyConnection, column: str) -> None:
    with pytest.raises(ValueError, match=r"are not columns of marts\.measure"):
        replace_rows(con, "marts.measure", measures("2024", 1), {column: "2024"})


def test_filter_values_are_bound_not_spliced(con: duckdb.DuckDBPyConnection) -> None:
    replace_rows(con, "marts.measure", measures("2024", 1), {"period": "2024"})
    hostile = "2024' OR '1'='1"

    replace_rows(con, "marts.measure", measures(hostile, 1).iloc[:0], {"period": hostile})

    assert len(rows(con)) == 2


def test_rows_outside_the_filter_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="other than '2024'"):
        replace_rows(con, "marts.measure", measures("2023", 1), {"period": "2024"})


def test_a_measure_breaking_its_contract_writes_and_deletes_nothing(
    con: duckdb.DuckDBPyConnection,
) -> None:
    replace_rows(con, "marts.measure", measures("2024", 1), {"period": "2024"})

    with pytest.raises(MartContractError, match="value_num: -4 < 0 for a count"):
        replace_rows(con, "marts.measure", measures("2024", -4), {"period": "2024"})

    assert len(rows(con)) == 2


def test_unknown_frame_columns_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    frame = measures("2024", 1).assign(extra=1)

    with pytest.raises(ValueError, match=r"frame columns \['extra'\]"):
        replace_rows(con, "marts.measure", frame, {"period": "2024"})


def test_score_revisions_get_their_id_from_a_sequence(con: duckdb.DuckDBPyConnection) -> None:
    revision = pd.DataFrame(
        [
            {
                "framework": "par7-2024",
                "unit_code": "89",
                "period": "2024",
                "criterion": "7.3.6",
                "points_before": Decimal("0.5"),
                "points_after": Decimal("0.75"),
                "status_before": "scored",
                "status_after": "scored",
                "reason": "re-collected after TTHC fix",
                "operator": "ops@sotttt",
                "run_id": "r",
                "revised_at": NOW,
            }
        ]
    )

    replace_rows(con, "marts.score_revision", revision, {"period": "2024", "criterion": "7.3.6"})
    replace_rows(con, "marts.score_revision", revision.assign(period="2023"), {"period": "2023"})

    ids = con.execute("SELECT revision_id FROM marts.score_revision ORDER BY 1").fetchall()
    assert ids == [(1,), (2,)]


def test_a_partly_read_result_does_not_block_a_bulk_insert(
    con: duckdb.DuckDBPyConnection,
) -> None:
    con.execute("SELECT * FROM range(10)").fetchone()
    period = pd.DataFrame(
        [
            {
                "period": "2024",
                "period_type": "year",
                "starts_on": "2024-01-01",
                "ends_on": "2024-12-31",
            }
        ]
    )

    assert insert_frame(con, "marts.period", period) == 1
