"""Opening the warehouse: one writer process at a time, readers read-only.

DuckDB allows one writer process per file. chiso takes an exclusive lock on a file
beside the database (``<db>.lock``) before opening it, so a second run stops at once
with a message naming the run that holds the warehouse instead of DuckDB's own error.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import IO

import duckdb

from warehouse.schema import migrate

StrPath = str | os.PathLike[str]


class WarehouseBusy(RuntimeError):
    """Another chiso process holds the warehouse for writing."""


class WarehouseMissing(RuntimeError):
    """A command that works on an existing warehouse was given a path with none."""


def existing_warehouse(db_path: StrPath) -> Path:
    """The warehouse file, or WarehouseMissing: correcting a warehouse never creates one."""
    path = Path(db_path)
    if not path.is_file():
        raise WarehouseMissing(
            f"no warehouse at {path}: run chiso collect and chiso build (or chiso run, "
            "or chiso demo) first"
        )
    return path


def lock_path(db_path: StrPath) -> Path:
    """The lock file that guards a warehouse file."""
    path = Path(db_path)
    return path.with_name(path.name + ".lock")


def _holder(lock_file: IO[str]) -> str:
    lock_file.seek(0)
    text = lock_file.read().strip()
    return text or "pid unknown"


def run_lock_path(db_path: StrPath) -> Path:
    """The lock file held for a whole flow run on a warehouse."""
    path = Path(db_path)
    return path.with_name(path.name + ".run.lock")


def _take_lock(db_path: Path, lock_file_path: Path | None = None) -> IO[str]:
    target = lock_file_path or lock_path(db_path)
    lock_file = open(target, "a+", encoding="utf-8")  # kept open: holds the lock
    try:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        holder = _holder(lock_file)
        lock_file.close()
        raise WarehouseBusy(f"another chiso run holds the warehouse {db_path} ({holder})") from None
    lock_file.seek(0)
    lock_file.truncate()
    since = datetime.now(UTC).isoformat(timespec="seconds")
    lock_file.write(f"pid {os.getpid()}, since {since}")
    lock_file.flush()
    return lock_file


@contextmanager
def writer_lock(db_path: StrPath) -> Iterator[None]:
    """Hold the warehouse's writer lock; raise WarehouseBusy at once if it is taken."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = _take_lock(path)
    try:
        yield
    finally:
        lock_file.close()  # closing the descriptor releases the flock


@contextmanager
def run_lock(db_path: StrPath) -> Iterator[None]:
    """Hold a warehouse for a whole flow run (collect, build, publish), so a second run
    stops at once instead of interleaving its loads between this run's tasks. Separate
    from the writer lock, which each task takes while it writes."""
    path = Path(db_path)
    path.parent.mkdir(parents=True, exist_ok=True)
    lock_file = _take_lock(path, run_lock_path(path))
    try:
        yield
    finally:
        lock_file.close()


@contextmanager
def open_writer(db_path: StrPath) -> Iterator[duckdb.DuckDBPyConnection]:
    """The warehouse opened for writing, migrated, under the writer lock.

    Raises WarehouseBusy at once (never waits) when another process writes to it.
    """
    with writer_lock(db_path):
        con = duckdb.connect(str(db_path))
        try:
            migrate(con)
            yield con
        finally:
            con.close()


def open_reader(db_path: StrPath) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a warehouse file (the caller closes it)."""
    return duckdb.connect(str(db_path), read_only=True)
