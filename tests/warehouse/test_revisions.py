"""Revisions: what changed between two builds of a period, and why."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import duckdb

from warehouse.revisions import NIGHTLY, Revision, record, remember, scores_as_of

FIRST = datetime(2025, 1, 8, 2, 0)
SECOND = datetime(2025, 2, 8, 2, 0)


def _write_score(
    con: duckdb.DuckDBPyConnection, points: str, version: str, at: datetime, criterion: str = "7"
) -> None:
    con.execute(
        "DELETE FROM marts.score WHERE framework = 'f' AND period = '2024' AND criterion = $c",
        {"c": criterion},
    )
    con.execute(
        "INSERT INTO marts.score (framework, framework_version, unit_code, period, criterion, "
        "max_points, points, status, computed_at) "
        "VALUES ('f', $v, '89', '2024', $c, 10, $p, 'scored', $at)",
        {"v": version, "c": criterion, "p": Decimal(points), "at": at},
    )


def _write_measure(con: duckdb.DuckDBPyConnection, value: str, at: datetime) -> None:
    con.execute("DELETE FROM marts.measure WHERE period = '2024'")
    con.execute(
        "INSERT INTO marts.measure (unit_code, period, measure_key, value_num, value_type, "
        "origin, computed_at) VALUES ('89', '2024', 'k', $v, 'count', 'collected', $at)",
        {"v": Decimal(value), "at": at},
    )


def _revisions(con: duckdb.DuckDBPyConnection) -> list[tuple[object, ...]]:
    return con.execute(
        "SELECT criterion, points_before, points_after, cause, reason, operator "
        "FROM marts.score_revision ORDER BY revision_id"
    ).fetchall()


def test_a_first_build_is_not_a_revision(con: duckdb.DuckDBPyConnection) -> None:
    remember(con, "2024")
    _write_score(con, "5", "1", FIRST)
    _write_measure(con, "10", FIRST)
    assert record(con, "2024", NIGHTLY, "run-1", FIRST) == (0, 0)
    assert _revisions(con) == []


def test_a_changed_score_and_measure_are_recorded_with_the_cause(
    con: duckdb.DuckDBPyConnection,
) -> None:
    remember(con, "2024")
    _write_score(con, "5", "1", FIRST)
    _write_measure(con, "10", FIRST)
    record(con, "2024", NIGHTLY, "run-1", FIRST)

    remember(con, "2024")
    _write_score(con, "6", "1", SECOND)
    _write_measure(con, "12", SECOND)
    rerun = Revision("rerun", "hồ sơ sửa muộn", "tester")
    assert record(con, "2024", rerun, "run-2", SECOND) == (1, 1)
    assert _revisions(con) == [
        ("7", Decimal("5.0000"), Decimal("6.0000"), "rerun", "hồ sơ sửa muộn", "tester")
    ]
    measure = con.execute(
        "SELECT value_before, value_after, cause FROM marts.measure_revision"
    ).fetchall()
    assert measure == [(Decimal("10.000000"), Decimal("12.000000"), "rerun")]
    first_computed = con.execute("SELECT first_computed_at FROM marts.score").fetchone()
    assert first_computed == (FIRST,)


def test_an_unchanged_rebuild_records_nothing(con: duckdb.DuckDBPyConnection) -> None:
    remember(con, "2024")
    _write_score(con, "5", "1", FIRST)
    record(con, "2024", NIGHTLY, "run-1", FIRST)
    remember(con, "2024")
    _write_score(con, "5", "1", SECOND)
    assert record(con, "2024", NIGHTLY, "run-2", SECOND) == (0, 0)


def test_a_new_framework_version_is_named_as_the_cause(con: duckdb.DuckDBPyConnection) -> None:
    remember(con, "2024")
    _write_score(con, "5", "2024.1", FIRST)
    record(con, "2024", NIGHTLY, "run-1", FIRST)
    remember(con, "2024")
    _write_score(con, "4", "2024.2", SECOND)
    record(con, "2024", NIGHTLY, "run-2", SECOND)
    (_, _, _, cause, reason, _) = _revisions(con)[0]
    assert cause == "framework_change"
    assert reason == "framework f changed from version 2024.1 to 2024.2"


def test_scores_as_of_a_date_roll_back_later_revisions(con: duckdb.DuckDBPyConnection) -> None:
    remember(con, "2024")
    _write_score(con, "5", "1", FIRST)
    record(con, "2024", NIGHTLY, "run-1", FIRST)
    remember(con, "2024")
    _write_score(con, "6", "1", SECOND)
    _write_score(con, "3", "1", SECOND, criterion="7.1")  # first computed in February
    record(con, "2024", NIGHTLY, "run-2", SECOND)

    def as_of(moment: datetime) -> dict[str, Decimal]:
        frame = scores_as_of(con, "f", "2024", moment)
        return {
            c: Decimal(str(p)) for c, p in zip(frame["criterion"], frame["points"], strict=True)
        }

    assert as_of(datetime(2025, 1, 20)) == {"7": Decimal(5)}
    assert as_of(datetime(2025, 3, 1)) == {"7": Decimal(6), "7.1": Decimal(3)}
    assert as_of(datetime(2024, 12, 31)) == {}
