"""One writer process at a time; the second stops at once with a clear message."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import duckdb
import pytest

from tests.warehouse.processes import try_open_writer
from warehouse.connection import WarehouseBusy, lock_path, open_reader, open_writer
from warehouse.schema import MIGRATIONS, applied_versions


def in_another_process(db_path: Path) -> tuple[str, str, float]:
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        return pool.apply(try_open_writer, (str(db_path),))


def test_the_writer_creates_and_migrates_the_warehouse(db_path: Path) -> None:
    with open_writer(db_path) as con:
        assert applied_versions(con) == [m.version for m in MIGRATIONS]
        assert f"pid {os.getpid()}" in lock_path(db_path).read_text()

    assert db_path.is_file()


def test_a_second_writer_in_another_process_fails_at_once(db_path: Path) -> None:
    with open_writer(db_path):
        outcome, message, seconds = in_another_process(db_path)

    assert outcome == "busy"
    assert message.startswith(f"another chiso run holds the warehouse {db_path} (pid {os.getpid()}")
    assert seconds < 5  # refused, not queued behind the holder


def test_the_lock_is_released_when_the_writer_closes(db_path: Path) -> None:
    with open_writer(db_path):
        pass

    outcome, _, _ = in_another_process(db_path)

    assert outcome == "opened"


def test_a_second_writer_in_the_same_process_is_refused_too(db_path: Path) -> None:
    with open_writer(db_path), pytest.raises(WarehouseBusy, match="holds the warehouse"):
        with open_writer(db_path):
            pass


def test_the_lock_is_released_after_an_error_inside(db_path: Path) -> None:
    with pytest.raises(RuntimeError), open_writer(db_path):
        raise RuntimeError("crash")

    with open_writer(db_path) as con:
        assert con.execute("SELECT 1").fetchall() == [(1,)]


def test_a_reader_cannot_write(db_path: Path) -> None:
    with open_writer(db_path):
        pass

    reader = open_reader(db_path)
    try:
        with pytest.raises(duckdb.InvalidInputException, match="read-only"):
            reader.execute("DELETE FROM meta.load")
        assert reader.execute("SELECT count(*) FROM meta.load").fetchall() == [(0,)]
    finally:
        reader.close()
