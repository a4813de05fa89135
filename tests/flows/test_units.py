"""The unit check `chiso explain`, `rerun` and `history` share: in force in the period's
org tree, at the framework's level, with close codes when it is not."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import duckdb
import pytest

from flows.units import UnitError, scored_unit
from scoring.framework import Framework, load_framework
from transforms.periods import parse_period
from warehouse.connection import open_writer

DISTRICTS = load_framework("ita-2018-dist")
UNITS = [
    ("89", "UBND tỉnh An Giang", "province", None, date(1900, 1, 1), None),
    ("883", "UBND TP Long Xuyên", "district", "89", date(1900, 1, 1), None),
    ("884", "UBND TP Châu Đốc", "district", "89", date(1900, 1, 1), None),
    ("885", "UBND huyện Cũ", "district", "89", date(1900, 1, 1), date(2023, 7, 1)),
]


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_writer(tmp_path / "chiso.duckdb") as con:
        con.executemany("INSERT INTO marts.org_unit VALUES (?, ?, ?, ?, ?, ?)", UNITS)
        yield con


def _refusal(con: duckdb.DuckDBPyConnection, framework: Framework, unit: str) -> str:
    with pytest.raises(UnitError) as refused:
        scored_unit(con, framework, unit, parse_period("2024"))
    return str(refused.value)


def test_a_unit_in_force_at_the_framework_level_gives_its_name_and_level(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert scored_unit(con, DISTRICTS, "883", parse_period("2024")) == (
        "UBND TP Long Xuyên",
        "district",
    )


def test_a_unit_of_another_level_is_named_with_its_level(con: duckdb.DuckDBPyConnection) -> None:
    assert _refusal(con, DISTRICTS, "89") == (
        "unit '89' (UBND tỉnh An Giang) is a province; ita-2018-dist scores district units"
    )


def test_an_unknown_code_gets_the_period_close_codes_and_the_units_scored(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert _refusal(con, DISTRICTS, "8833") == (
        "unknown unit '8833': it is not a unit of the province in 2024 and no org unit in "
        "the warehouse has this code; close codes: 883 "
        "(ita-2018-dist scores 2 district units in 2024: 883, 884)"
    )


def test_a_unit_merged_before_the_period_is_refused_with_when_it_was_in_force(
    con: duckdb.DuckDBPyConnection,
) -> None:
    assert scored_unit(con, DISTRICTS, "885", parse_period("2022")) == (
        "UBND huyện Cũ",
        "district",
    )
    assert _refusal(con, DISTRICTS, "885") == (
        "unknown unit '885': it is not a unit of the province in 2024 (the warehouse has it "
        "in force from 1900-01-01 until 2023-07-01) "
        "(ita-2018-dist scores 2 district units in 2024: 883, 884)"
    )
