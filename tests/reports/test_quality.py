"""The data-quality checkpoint on the marts (reports/quality.py).

Its expectations come from the pandera contracts of the marts: the tests check that it
passes on a good snapshot, that a broken mart (a rate above 100%, points above the
maximum, a rank of 0, an unknown origin) fails it naming the table and expectation, and
that every row a contract refuses is also refused by the checkpoint.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from contracts.marts import (
    MartContractError,
    MeasureRow,
    ScoreRow,
    validate_marts_measure,
    validate_marts_score,
)
from reports import quality
from reports.quality import (
    QUALITY_TABLES,
    QualityResult,
    UntranslatedCheck,
    quality_rules,
    run_quality_checkpoint,
)
from tests.reports.tables_snapshot import Warehouse, build_warehouse


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_warehouse(tmp_path_factory.mktemp("quality-warehouse"))


@pytest.fixture(scope="module")
def good(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> QualityResult:
    return run_quality_checkpoint(warehouse.snapshot, tmp_path_factory.mktemp("quality-docs"))


@pytest.fixture
def marts_copy(warehouse: Warehouse) -> Iterator[duckdb.DuckDBPyConnection]:
    """An in-memory copy of the snapshot's three marts, without the tables' own
    constraints, for a test to break."""
    con = duckdb.connect()
    con.execute("ATTACH ? AS good (READ_ONLY)", [str(warehouse.snapshot)])
    con.execute("CREATE SCHEMA marts")
    for table in QUALITY_TABLES:
        con.execute(f"CREATE TABLE {table} AS SELECT * FROM good.{table}")
    try:
        yield con
    finally:
        con.close()


def _failed_with(result: QualityResult, *parts: str) -> list[str]:
    return [line for line in result.failed if all(p in line for p in parts)]


def _page_text(page: Path) -> str:
    """A Data Docs page's text, tags and scripts stripped, spaces collapsed."""
    html = re.sub(r"(?s)<script.*?</script>", " ", page.read_text(encoding="utf-8"))
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _page_status(page: Path) -> str:
    found = re.search(r"Status: (\w+)", _page_text(page))
    assert found, page
    return found.group(1)


def test_the_checkpoint_passes_on_a_good_snapshot_and_writes_data_docs(
    warehouse: Warehouse, good: QualityResult
) -> None:
    assert good.success, good.failed
    assert good.failed == []
    assert good.docs_index.is_file()
    assert "chiso_quality" in good.docs_index.read_text(encoding="utf-8")
    assert set(good.pages) == set(QUALITY_TABLES)
    with duckdb.connect(str(warehouse.snapshot), read_only=True) as con:
        for table in QUALITY_TABLES:
            assert _page_status(good.pages[table]) == "Succeeded"
            count = con.execute(f"SELECT count(*) FROM {table}").fetchone()
            assert count is not None and good.rows[table] == count[0] > 0
    assert good.expectations == sum(len(rules) for rules in quality_rules().values())


def test_a_rate_above_100_percent_fails_naming_the_table_and_expectation(
    marts_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    marts_copy.execute(
        "UPDATE marts.score SET rate = 1.25 WHERE framework = 'par7-2024' AND criterion = '7.3.6'"
    )
    result = run_quality_checkpoint(marts_copy, tmp_path)
    assert not result.success
    failed = _failed_with(
        result, "marts.score", "expect_column_values_to_be_between", "column=rate", "max_value=1"
    )
    assert len(failed) == 1, result.failed
    assert "1 of" in failed[0] and "e.g. 1.25" in failed[0]
    assert len(result.failed) == 1, result.failed  # nothing else broke
    assert _page_status(result.pages["marts.score"]) == "Failed"
    assert "1.25" in _page_text(result.pages["marts.score"])
    assert _page_status(result.pages["marts.measure"]) == "Succeeded"


def test_points_above_max_a_rank_of_zero_and_an_unknown_origin_each_fail(
    marts_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    marts_copy.execute(
        "UPDATE marts.score SET points = max_points + 1 "
        "WHERE framework = 'par7-2024' AND criterion = '7.1.1'"
    )
    marts_copy.execute("UPDATE marts.ranking SET rank = 0 WHERE rank = 1")
    marts_copy.execute(
        "UPDATE marts.measure SET origin = 'guessed' "
        "WHERE measure_key = 'egov_architecture_maintained'"
    )
    result = run_quality_checkpoint(marts_copy, tmp_path)
    assert not result.success
    assert _failed_with(
        result,
        "marts.score",
        "expect_column_pair_values_a_to_be_greater_than_b",
        "column_A=max_points, column_B=points",
    ), result.failed
    assert _failed_with(
        result, "marts.ranking", "expect_column_values_to_be_between", "column=rank"
    ), result.failed
    assert _failed_with(
        result, "marts.measure", "expect_column_values_to_be_in_set", "column=origin", "guessed"
    ), result.failed


def test_every_check_of_the_mart_contracts_becomes_an_expectation() -> None:
    rules = quality_rules()
    sources = {str((rule.meta or {}).get("source")) for table in rules.values() for rule in table}
    for model, table in ((ScoreRow, "marts.score"), (MeasureRow, "marts.measure")):
        schema = model.to_schema()
        for name, column in schema.columns.items():
            prefix = f"contracts.marts.{model.__name__}.{name}"
            assert prefix in sources, f"{table}: {name} has no 'present' expectation"
            for check in column.checks:
                assert f"{prefix} {check.name}" in sources, f"{table}: {name} {check.name}"
        for check in schema.checks:
            assert f"contracts.marts.{model.__name__} {check.name}" in sources
    ranking = {str((r.meta or {}).get("source")) for r in rules["marts.ranking"]}
    assert "contracts.marts.ScoreRow.points (as total_points)" in ranking


def test_a_contract_check_without_a_translation_is_refused(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    without = {k: v for k, v in quality._COLUMN_CHECKS.items() if k != "_period"}
    monkeypatch.setattr(quality, "_COLUMN_CHECKS", without)
    with pytest.raises(UntranslatedCheck, match="_period"):
        quality_rules()


# One broken row per contract rule: how it is broken, and what the checkpoint says.
Breaker = Callable[[pd.DataFrame, int], None]


def _set(column: str, value: object) -> Breaker:
    def breaker(frame: pd.DataFrame, row: int) -> None:
        frame[column] = frame[column].astype(object)
        frame.at[row, column] = value

    return breaker


def _both(*breakers: Breaker) -> Breaker:
    def breaker(frame: pd.DataFrame, row: int) -> None:
        for b in breakers:
            b(frame, row)

    return breaker


def _above_max(frame: pd.DataFrame, row: int) -> None:
    frame.at[row, "points"] = frame.at[row, "max_points"] + 1


SCORE_BREAKS: list[tuple[Breaker, str]] = [
    (_set("framework", ""), "expect_column_value_lengths_to_be_between(column=framework"),
    (_set("period", "2024-13"), "expect_column_values_to_match_regex(column=period"),
    (_set("status", "done"), "expect_column_values_to_be_in_set(column=status"),
    (_set("points", -0.5), "expect_column_values_to_be_between(column=points, min_value=0"),
    (_above_max, "column_A=max_points, column_B=points"),
    (_set("points", None), "expect_column_values_to_not_be_null(column=points, where"),
    (
        _set("status", "missing_input"),
        "expect_column_values_to_be_null(column=points, where",
    ),
    (_set("numerator", -5.0), "expect_column_values_to_be_between(column=numerator"),
]

MEASURE_BREAKS: list[tuple[Breaker, str]] = [
    (_set("measure_key", ""), "expect_column_value_lengths_to_be_between(column=measure_key"),
    (_set("origin", "guessed"), "expect_column_values_to_be_in_set(column=origin"),
    (_set("record_count", -1), "expect_column_values_to_be_between(column=record_count"),
    (
        _both(_set("value_type", "count"), _set("value_num", -3.0)),
        "expect_column_values_to_be_between(column=value_num, min_value=0",
    ),
]


def _broken(frame: pd.DataFrame, breaks: list[tuple[Breaker, str]]) -> pd.DataFrame:
    broken = frame.copy()
    rows = broken.index
    if "status" in broken:  # score rows: break rows that were scored with points
        rows = rows[(broken["status"] == "scored") & broken["points"].notna()]
    for (breaker, _), row in zip(breaks, rows, strict=False):
        breaker(broken, int(row))
    return broken


@pytest.mark.parametrize(
    ("table", "breaks", "validate"),
    [
        ("marts.score", SCORE_BREAKS, validate_marts_score),
        ("marts.measure", MEASURE_BREAKS, validate_marts_measure),
    ],
)
def test_every_row_a_contract_refuses_the_checkpoint_refuses_too(
    marts_copy: duckdb.DuckDBPyConnection,
    tmp_path: Path,
    table: str,
    breaks: list[tuple[Breaker, str]],
    validate: Callable[[pd.DataFrame], pd.DataFrame],
) -> None:
    frame = marts_copy.execute(f"SELECT * FROM {table}").df()
    assert len(frame) >= len(breaks)
    broken = _broken(frame, breaks)
    with pytest.raises(MartContractError) as refused:
        validate(broken)
    assert len(refused.value.reasons) == len(breaks)  # pandera: one reason per broken row
    marts_copy.register("broken_frame", broken)
    marts_copy.execute(f"CREATE OR REPLACE TABLE {table} AS SELECT * FROM broken_frame")
    result = run_quality_checkpoint(marts_copy, tmp_path)
    assert not result.success
    for _, expected in breaks:
        assert _failed_with(result, table, expected), (expected, result.failed)


def test_a_night_checks_only_the_periods_it_built(
    marts_copy: duckdb.DuckDBPyConnection, tmp_path: Path
) -> None:
    """A broken row of another period is not this night's: it was checked when built."""
    periods = [
        p for (p,) in marts_copy.execute("SELECT DISTINCT period FROM marts.score").fetchall()
    ]
    marts_copy.execute(
        "INSERT INTO marts.score SELECT * REPLACE ('1999' AS period, 1.25 AS rate) "
        "FROM marts.score WHERE framework = 'par7-2024' AND criterion = '7.3.6'"
    )

    tonight = run_quality_checkpoint(marts_copy, tmp_path / "tonight", periods)
    everything = run_quality_checkpoint(marts_copy, tmp_path / "all")

    assert tonight.success, tonight.failed
    assert tonight.rows["marts.score"] == everything.rows["marts.score"] - 1
    assert not everything.success
    assert any("column=rate" in line for line in everything.failed)
