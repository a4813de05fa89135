"""Publishing: atomic snapshots that open readers keep, and new readers see anew."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import duckdb
import pandas as pd
import pytest
import sqlalchemy as sa

from tests.contracts.samples import valid_frame
from tests.warehouse.helpers import load, pages_of
from tests.warehouse.processes import count_rows
from warehouse.connection import WarehouseBusy, open_writer
from warehouse.publish import analyst_engine, open_snapshot, publish_snapshot, reading_snapshot


def dossier_count(con: duckdb.DuckDBPyConnection) -> int:
    return int(con.execute("SELECT count(*) FROM staging.dossier").fetchall()[0][0])


@pytest.fixture
def snapshot_path(tmp_path: Path) -> Path:
    return tmp_path / "published" / "chiso.duckdb"


def test_a_published_snapshot_reads_like_the_warehouse_and_cannot_be_written(
    con: duckdb.DuckDBPyConnection, db_path: Path, snapshot_path: Path
) -> None:
    load(con, "dossier", pages_of("dossier", valid_frame("dossier", 7)))

    assert publish_snapshot(con, db_path, snapshot_path) == snapshot_path

    with reading_snapshot(snapshot_path) as reader:
        assert dossier_count(reader) == 7
        with pytest.raises(duckdb.Error, match="read-only"):
            reader.execute("DELETE FROM staging.dossier")
    assert [p.name for p in snapshot_path.parent.iterdir()] == ["chiso.duckdb"]  # no temp left


def test_an_open_reader_keeps_its_snapshot_and_a_new_reader_sees_the_new_one(
    con: duckdb.DuckDBPyConnection, snapshot_path: Path
) -> None:
    load(con, "dossier", pages_of("dossier", valid_frame("dossier", 3)))
    publish_snapshot(con, None, snapshot_path)
    old_reader = open_snapshot(snapshot_path)
    assert dossier_count(old_reader) == 3

    load(con, "dossier", pages_of("dossier", valid_frame("dossier", 5, prefix="N")))
    publish_snapshot(con, None, snapshot_path)

    assert dossier_count(old_reader) == 3
    with reading_snapshot(snapshot_path) as new_reader:
        assert dossier_count(new_reader) == 8
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        assert pool.apply(count_rows, (str(snapshot_path), "staging.dossier")) == 8
    old_reader.close()


def test_publishing_by_path_takes_the_writer_lock(db_path: Path, snapshot_path: Path) -> None:
    with open_writer(db_path) as con:
        load(con, "dossier", pages_of("dossier", valid_frame("dossier", 2)))
        with pytest.raises(WarehouseBusy):
            publish_snapshot(db_path, None, snapshot_path)

    publish_snapshot(db_path, None, snapshot_path)

    with reading_snapshot(snapshot_path) as reader:
        assert dossier_count(reader) == 2


def test_the_snapshot_is_never_the_working_file(
    con: duckdb.DuckDBPyConnection, db_path: Path
) -> None:
    with pytest.raises(ValueError, match="cannot be the warehouse file"):
        publish_snapshot(con, db_path, db_path)
    with pytest.raises(ValueError, match="not to"):
        publish_snapshot(con, db_path.with_name("other.duckdb"), db_path.with_name("s.duckdb"))


def test_an_analyst_engine_reads_through_sqlalchemy_and_cannot_write(
    con: duckdb.DuckDBPyConnection, snapshot_path: Path
) -> None:
    load(con, "dossier", pages_of("dossier", valid_frame("dossier", 4)))
    publish_snapshot(con, None, snapshot_path)
    engine = analyst_engine(snapshot_path)

    with engine.connect() as connection:
        frame = pd.read_sql(
            sa.text("SELECT dossier_id FROM staging.dossier ORDER BY 1"), connection
        )
        assert frame["dossier_id"].tolist() == ["K0000", "K0001", "K0002", "K0003"]
        assert "measure" in sa.inspect(connection).get_table_names(schema="marts")
        with pytest.raises(sa.exc.DBAPIError, match="read-only"):
            connection.execute(sa.text("DELETE FROM staging.dossier"))
    engine.dispose()


def test_opening_a_missing_snapshot_says_so(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError, match="no published snapshot"):
        open_snapshot(tmp_path / "nothing.duckdb")
