"""Migrations: versioned, recorded, idempotent; the tables match the contracts."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from contracts.entities import ENTITY_MODELS, NATURAL_KEYS, column_kinds
from warehouse.schema import (
    ENTITIES,
    MIGRATIONS,
    RAW_META_COLUMNS,
    STAGING_META_COLUMNS,
    Migration,
    applied_versions,
    entity_table_columns,
    migrate,
)

SQL_TYPE = {"text": "VARCHAR", "number": "DECIMAL(18,2)", "flag": "BOOLEAN", "moment": "TIMESTAMP"}


def columns(con: duckdb.DuckDBPyConnection, schema: str, table: str) -> list[tuple[str, str]]:
    return [
        (name, sql_type)
        for name, sql_type in con.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_schema = ? AND table_name = ? ORDER BY ordinal_position",
            [schema, table],
        ).fetchall()
    ]


@pytest.fixture
def fresh(tmp_path: Path) -> duckdb.DuckDBPyConnection:
    return duckdb.connect(str(tmp_path / "fresh.duckdb"))


def test_a_fresh_database_gets_every_step_in_order(fresh: duckdb.DuckDBPyConnection) -> None:
    assert migrate(fresh) == [m.version for m in MIGRATIONS]
    schemas = {
        row[0] for row in fresh.execute("SELECT schema_name FROM duckdb_schemas()").fetchall()
    }
    assert {"raw", "staging", "marts", "meta"} <= schemas


def test_rerunning_migrate_is_a_no_op(fresh: duckdb.DuckDBPyConnection) -> None:
    migrate(fresh)
    before = fresh.execute("SELECT * FROM meta.schema_version ORDER BY version").fetchall()

    assert migrate(fresh) == []
    assert fresh.execute("SELECT * FROM meta.schema_version ORDER BY version").fetchall() == before


def test_a_new_step_applies_only_itself(fresh: duckdb.DuckDBPyConnection) -> None:
    migrate(fresh)
    fresh.execute("INSERT INTO marts.period VALUES ('2024', 'year', '2024-01-01', '2024-12-31')")
    step = Migration(
        len(MIGRATIONS) + 1,
        "add a view",
        ("CREATE VIEW marts.years AS SELECT period FROM marts.period",),
    )

    assert migrate(fresh, (*MIGRATIONS, step)) == [step.version]
    assert migrate(fresh, (*MIGRATIONS, step)) == []
    assert fresh.execute("SELECT * FROM marts.years").fetchall() == [("2024",)]
    assert applied_versions(fresh)[-1] == step.version


def test_a_failing_step_leaves_no_trace(fresh: duckdb.DuckDBPyConnection) -> None:
    migrate(fresh)
    broken = Migration(
        len(MIGRATIONS) + 1,
        "broken",
        ("CREATE TABLE marts.half (x INT)", "CREATE TABLE nowhere.x (y INT)"),
    )

    with pytest.raises(duckdb.CatalogException):
        migrate(fresh, (*MIGRATIONS, broken))

    assert broken.version not in applied_versions(fresh)
    assert columns(fresh, "marts", "half") == []


def test_migrations_must_be_ordered(fresh: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="unique and ascending"):
        migrate(fresh, (MIGRATIONS[1], MIGRATIONS[0]))


@pytest.mark.parametrize("entity", ENTITIES)
def test_raw_and_staging_tables_match_the_contract(
    fresh: duckdb.DuckDBPyConnection, entity: str
) -> None:
    migrate(fresh)
    expected = [(c, SQL_TYPE[k]) for c, k in column_kinds(entity).items()]

    raw = columns(fresh, "raw", entity)
    staging = columns(fresh, "staging", entity)

    # A column added by a later migration comes after the meta columns.
    assert [c for c in raw if c[0] not in RAW_META_COLUMNS] == expected
    assert [name for name, _ in raw if name in RAW_META_COLUMNS] == list(RAW_META_COLUMNS)
    assert [c for c in staging if c[0] not in STAGING_META_COLUMNS] == expected
    assert [name for name, _ in staging if name in STAGING_META_COLUMNS] == list(
        STAGING_META_COLUMNS
    )
    assert [name for name, _ in expected] == list(entity_table_columns(entity))
    key = fresh.execute(
        "SELECT constraint_column_names FROM duckdb_constraints() "
        "WHERE schema_name = 'staging' AND table_name = ? AND constraint_type = 'PRIMARY KEY'",
        [entity],
    ).fetchall()
    assert key == [(list(NATURAL_KEYS[entity]),)]


def test_every_contract_entity_has_tables() -> None:
    assert set(ENTITIES) == set(ENTITY_MODELS)


def test_analyst_tables_carry_column_comments(fresh: duckdb.DuckDBPyConnection) -> None:
    migrate(fresh)
    missing = fresh.execute(
        "SELECT table_name, column_name FROM duckdb_columns() "
        "WHERE schema_name = 'marts' AND table_name IN ('measure', 'score', 'org_unit', 'period') "
        "AND (comment IS NULL OR comment = '')"
    ).fetchall()
    assert missing == []
    comment = fresh.execute(
        "SELECT comment FROM duckdb_tables() WHERE schema_name = 'marts' AND table_name = 'measure'"
    ).fetchall()
    assert "provenance" in comment[0][0]


def test_mart_keys_refuse_duplicates(fresh: duckdb.DuckDBPyConnection) -> None:
    migrate(fresh)
    row = (
        "('89', '2024', 'dossiers_received', NULL, 1, NULL, 'count', 'collected', NULL, "
        "[1], 1, NULL, NULL, now(), 'r')"
    )
    fresh.execute(f"INSERT INTO marts.measure VALUES {row}")

    with pytest.raises(duckdb.ConstraintException):
        fresh.execute(f"INSERT INTO marts.measure VALUES {row}")
    with pytest.raises(duckdb.ConstraintException):
        fresh.execute(
            "INSERT INTO marts.measure VALUES ('89', '2024', 'x', NULL, 1, NULL, "
            "'count', 'guessed', NULL, [], 0, NULL, NULL, now(), 'r')"
        )
