"""Measures computed a batch at a time (one statement per relation and units) equal
the measures computed one statement each (`value_sql`), value for value."""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

import duckdb
import numpy as np
import pandas as pd
import pytest

from transforms import measures as m
from transforms.measures import MeasureTransform, filtered_aggregates
from transforms.periods import parse_period

PROVINCE = "89"


def transform(key: str, **fields: Any) -> MeasureTransform:
    base: dict[str, Any] = {
        "key": key,
        "relation": "feedback_fact",
        "record_id": "feedback_id",
        "where": "true",
        "value": "count(*)",
        "unit": "by_unit",
        "unit_levels": ("district",),
        "period_column": "received_at",
    }
    base.update(fields)
    return MeasureTransform(**base)


TRANSFORMS = [
    transform("all"),
    transform("answered", where="answered"),
    transform("flag", where="answered", value="count(*) > 0", value_type="bool"),
    transform("late", where="answered_at > received_at + INTERVAL 10 DAY"),
    transform("answered_in", value="count(*) FILTER (WHERE answered)"),
    transform("distinct_units", value="count(DISTINCT member_code)"),
    transform("hours", where="answered", value="sum(hours)", value_type="number"),
    transform("rate", value="count(*) / datediff('month', $start, $end)", value_type="number"),
    transform("word", value="max(word)", value_type="enum", default="none"),
    transform(
        "words",
        value="CASE WHEN bool_or(answered) THEN 'full' ELSE 'none' END",
        value_type="enum",
        default="none",
    ),
    transform("weights", value="sum(weight)", value_type="number"),  # a float: alone
    transform("null_flags", where="maybe"),
    transform("all_districts", unit="province", unit_levels=()),
    transform("answered_province", where="answered", unit="province", unit_levels=()),
    transform("hours_province", value="sum(hours)", unit="province", unit_levels=()),
    transform("rolled", roll_up=True, unit_levels=("district", "province")),
    transform(
        "rolled_units",
        roll_up=True,
        value="count(DISTINCT member_unit_code)",
        unit_levels=("district", "province"),
    ),
    transform("each", unit="each_unit", unit_levels=("district",)),
    transform(
        "latest", where="received_at = (SELECT max(received_at) FROM intermediate.feedback_fact)"
    ),
    transform("stock", where="answered", period_column=None),
]


@pytest.fixture
def con() -> duckdb.DuckDBPyConnection:
    """Fact 'views' as tables: units (a province, two districts, a commune each) and
    feedback records of several months, some without an answer or a word."""
    c = duckdb.connect()
    c.execute("CREATE SCHEMA intermediate")
    c.execute(
        "CREATE TABLE intermediate.unit_fact AS SELECT * FROM (VALUES "
        "('89', 'province', NULL, DATE '2000-01-01', NULL), "
        "('d1', 'district', '89', DATE '2000-01-01', NULL), "
        "('d2', 'district', '89', DATE '2000-01-01', NULL), "
        "('d3', 'district', '89', DATE '2000-01-01', DATE '2024-02-01'), "
        "('c1', 'commune', 'd1', DATE '2000-01-01', NULL), "
        "('c2', 'commune', 'd2', DATE '2000-01-01', NULL)"
        ") AS u(unit_code, unit_level, parent_code, valid_from, valid_to)"
    )
    c.execute(
        "CREATE TABLE intermediate.unit_ancestor AS "
        "SELECT u.unit_code, a.unit_code AS ancestor_code, a.unit_level AS ancestor_level "
        "FROM intermediate.unit_fact AS u JOIN intermediate.unit_fact AS a "
        "ON a.unit_code = u.unit_code OR a.unit_code = u.parent_code "
        "OR a.unit_code = (SELECT p.parent_code FROM intermediate.unit_fact AS p "
        "WHERE p.unit_code = u.parent_code)"
    )
    rng = np.random.default_rng(7)
    n = 400
    received = pd.to_datetime("2023-11-01") + pd.to_timedelta(rng.integers(0, 200, n), "D")
    answered = rng.random(n) < 0.6
    frame = pd.DataFrame(
        {
            "feedback_id": [f"f{i}" for i in range(n)],
            "unit_code": rng.choice(["d1", "d2", "c1", "c2", "d1"], n),
            "member_code": rng.choice(["m1", "m2", "m3"], n),
            "received_at": received,
            "answered_at": received + pd.to_timedelta(rng.integers(0, 30, n), "D"),
            "answered": answered,
            "maybe": pd.array(
                [(True, False, None)[k] for k in rng.integers(0, 3, n)], dtype="boolean"
            ),
            "hours": [None if i % 7 == 0 else round(float(rng.random() * 9), 2) for i in range(n)],
            "weight": rng.random(n) / 3,
            "word": [("full", "partial", None)[k] for k in rng.integers(0, 3, n)],
            "_load_id": rng.integers(1, 6, n),
        }
    )
    frame["hours"] = frame["hours"].astype("float64")
    c.register("feedback", frame)
    c.execute(
        "CREATE TABLE intermediate.feedback_fact AS SELECT feedback_id, unit_code, "
        "member_code, received_at, answered_at, answered, maybe, "
        "CAST(hours AS DECIMAL(10, 2)) AS hours, weight, word, "
        "CAST(_load_id AS BIGINT) AS _load_id FROM feedback"
    )
    c.unregister("feedback")
    return c


def one_statement_each(
    con: duckdb.DuckDBPyConnection, transforms: list[MeasureTransform], label: str
) -> pd.DataFrame:
    """The measures as they were computed before batching: one statement each."""
    period = parse_period(label)
    params = m.period_parameters(period, PROVINCE)
    frames = []
    for t in transforms:
        if not t.applies_to(period):
            continue
        sql = m.value_sql(t)
        result = con.execute(sql, m.bind(sql, params)).df()
        result["measure_key"] = t.key
        result["measure_name"] = t.name
        result["transform"] = t.transform_id
        result["value_type"] = t.value_type
        result["value_text"] = m._value_text(t, result["value_num"])
        if t.value_type == "enum":
            result["value_num"] = None
        frames.append(result)
    rows = pd.concat(frames, ignore_index=True)
    rows["period"] = period.label
    rows["origin"] = "collected"
    rows["evidence"] = None
    rows["declared_by"] = None
    rows["computed_at"] = datetime(2025, 1, 1)
    rows["run_id"] = "r"
    return rows[m.MEASURE_COLUMNS]


def same(a: Any, b: Any) -> bool:
    if isinstance(a, np.ndarray) or isinstance(b, np.ndarray):
        return type(a) is type(b) and a.dtype == b.dtype and a.tolist() == b.tolist()
    if type(a) is not type(b):
        return False
    if isinstance(a, float) and math.isnan(a):
        return math.isnan(b)
    return bool(a == b)


def assert_same_rows(expected: pd.DataFrame, actual: pd.DataFrame) -> None:
    assert list(actual.columns) == list(expected.columns)
    assert list(actual.dtypes) == list(expected.dtypes)
    assert len(actual) == len(expected)
    for column in expected.columns:
        pairs = zip(expected[column].tolist(), actual[column].tolist(), strict=True)
        differing = [(i, a, b) for i, (a, b) in enumerate(pairs) if not same(a, b)]
        assert not differing, (column, differing[:5])


@pytest.mark.parametrize("label", ["2023-12", "2024-01", "2024-Q1", "2024", "2031"])
def test_a_batch_gives_what_one_statement_each_gives(
    con: duckdb.DuckDBPyConnection, monkeypatch: pytest.MonkeyPatch, label: str
) -> None:
    monkeypatch.setattr(m, "measure_transforms", lambda: tuple(TRANSFORMS))
    batched = m.compute_collected_measures(con, parse_period(label), PROVINCE, "r",
                                           datetime(2025, 1, 1))  # fmt: skip
    assert_same_rows(one_statement_each(con, TRANSFORMS, label), batched)


def test_the_transforms_share_statements_unless_they_cannot(
    con: duckdb.DuckDBPyConnection,
) -> None:
    groups = m.batches(TRANSFORMS, m.exact_columns(con))
    alone = {g[0].key for g in groups if len(g) == 1}
    assert {"weights", "each", "latest"} <= alone  # a float sum, each_unit, a subquery
    assert len(groups) < len(TRANSFORMS) / 2
    keyed = {t.key: i for i, g in enumerate(groups) for t in g}
    assert keyed["all"] == keyed["answered"] == keyed["word"] == keyed["hours"]
    assert keyed["all_districts"] == keyed["answered_province"] != keyed["all"]
    assert keyed["rolled"] == keyed["rolled_units"] != keyed["all"]


def test_every_shipped_measure_equals_its_own_statement_on_an_empty_warehouse() -> None:
    """On the real fact views (no rows): every batch runs and gives each unit's value."""
    from warehouse.schema import migrate

    con = duckdb.connect()
    migrate(con)
    m.create_fact_views(con)
    label = "2024"
    batched = m.compute_collected_measures(con, parse_period(label), PROVINCE, "r",
                                           datetime(2025, 1, 1))  # fmt: skip
    expected = one_statement_each(con, list(m.measure_transforms()), label)
    assert_same_rows(expected, batched)


# --- the rewriting of aggregates ------------------------------------------------------


@pytest.mark.parametrize(
    ("expression", "rewritten"),
    [
        ("count(*)", "count(*) FILTER (WHERE C)"),
        ("count(DISTINCT x) - count(DISTINCT x) FILTER (WHERE NOT y)",
         "count(DISTINCT x) FILTER (WHERE C) - count(DISTINCT x) FILTER (WHERE (C) AND (NOT y))"),
        ("CAST(coalesce((count(*) > 0), false) AS INTEGER)",
         "CAST(coalesce((count(*) FILTER (WHERE C) > 0), false) AS INTEGER)"),
        ("CASE WHEN bool_or(done) THEN 'full' WHEN count(*) > 0 THEN 'max(' ELSE 'x' END",
         "CASE WHEN bool_or(done) FILTER (WHERE C) THEN 'full' WHEN count(*) FILTER (WHERE C) > 0 "
         "THEN 'max(' ELSE 'x' END"),
        ("sum(n) / 100", "sum(n) FILTER (WHERE C) / 100"),
        ("count(*) / datediff('month', $start, $end)",
         "count(*) FILTER (WHERE C) / datediff('month', $start, $end)"),
        ("sum(f)", None),  # not known to be exact
        ("sum(n * 2)", None),
        ("count(*) OVER ()", None),
        ("(SELECT max(n) FROM t)", None),
        ("median(n)", None),
        ("count(max(n))", None),
    ],
)  # fmt: skip
def test_aggregates_are_restricted_to_the_transforms_rows(
    expression: str, rewritten: str | None
) -> None:
    assert filtered_aggregates(expression, "C", frozenset({"n"})) == rewritten
