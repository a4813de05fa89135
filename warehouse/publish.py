"""Publishing: a read-only snapshot of the warehouse for analysts, swapped in atomically.

Analysts never open the working file (DuckDB allows one writer process). After a good
run the writer checkpoints, copies the file beside the snapshot, fsyncs it and renames
it over the snapshot: a reader that opened the old snapshot keeps reading the old file,
a reader that opens the path afterwards gets the new one.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb
import sqlalchemy as sa

from warehouse._bulk import first_row
from warehouse.connection import StrPath, open_writer

SNAPSHOT_ALIAS = "snapshot"


def _database_path(con: duckdb.DuckDBPyConnection) -> Path:
    row = first_row(
        con, "SELECT path FROM duckdb_databases() WHERE database_name = current_database()"
    )
    if row is None or row[0] is None:
        raise ValueError("the connection is not to a database file")
    return Path(row[0])


def _fsync_directory(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _copy_atomically(source: Path, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    temporary = target.with_name(f".{target.name}.{os.getpid()}.tmp")
    try:
        with open(source, "rb") as src, open(temporary, "wb") as dst:
            shutil.copyfileobj(src, dst, length=16 * 1024 * 1024)
            dst.flush()
            os.fsync(dst.fileno())
        os.replace(temporary, target)
    finally:
        temporary.unlink(missing_ok=True)
    _fsync_directory(target.parent)


def _checkpoint_and_copy(con: duckdb.DuckDBPyConnection, db_path: Path, target: Path) -> None:
    if db_path.resolve() == target.resolve():
        raise ValueError(f"the snapshot {target} cannot be the warehouse file itself")
    con.execute("CHECKPOINT")
    _copy_atomically(db_path, target)


def publish_snapshot(
    con_or_path: duckdb.DuckDBPyConnection | StrPath,
    db_path: StrPath | None,
    snapshot_path: StrPath,
) -> Path:
    """Publish the warehouse as a read-only snapshot at `snapshot_path`; return its path.

    `con_or_path` is the writer's open connection (then `db_path` may be None: it is
    the connection's file), or the warehouse path, which is then opened under the
    writer lock (raising WarehouseBusy if another run holds it).
    """
    target = Path(snapshot_path)
    if isinstance(con_or_path, duckdb.DuckDBPyConnection):
        actual = _database_path(con_or_path)
        if db_path is not None and Path(db_path).resolve() != actual.resolve():
            raise ValueError(f"the connection is to {actual}, not to {db_path}")
        _checkpoint_and_copy(con_or_path, actual, target)
        return target
    with open_writer(con_or_path) as con:
        _checkpoint_and_copy(con, Path(con_or_path), target)
    return target


def open_snapshot(snapshot_path: StrPath) -> duckdb.DuckDBPyConnection:
    """A read-only connection to a published snapshot (the caller closes it).

    The snapshot is attached to a fresh in-memory database rather than opened by path:
    DuckDB shares one open instance per path within a process, which would otherwise
    keep serving a replaced snapshot's old content.
    """
    path = Path(snapshot_path)
    if not path.is_file():
        raise FileNotFoundError(f"no published snapshot at {path}")
    con = duckdb.connect()
    con.execute(f"ATTACH ? AS {SNAPSHOT_ALIAS} (READ_ONLY)", [str(path)])
    con.execute(f"USE {SNAPSHOT_ALIAS}")
    return con


@contextmanager
def reading_snapshot(snapshot_path: StrPath) -> Iterator[duckdb.DuckDBPyConnection]:
    """`open_snapshot` as a context manager that closes the connection."""
    con = open_snapshot(snapshot_path)
    try:
        yield con
    finally:
        con.close()


def analyst_engine(snapshot_path: StrPath) -> sa.Engine:
    """A read-only SQLAlchemy engine over a published snapshot (duckdb-engine).

    For notebooks, pandas ``read_sql`` and BI tools; every connection attaches the
    snapshot read-only, so no statement through it can write.
    """
    path = str(Path(snapshot_path))
    if not Path(path).is_file():
        raise FileNotFoundError(f"no published snapshot at {path}")
    engine = sa.create_engine("duckdb:///:memory:")

    @sa.event.listens_for(engine, "connect")
    def _attach(dbapi_connection: object, _record: object) -> None:
        cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
        cursor.execute(f"ATTACH ? AS {SNAPSHOT_ALIAS} (READ_ONLY)", [path])
        cursor.execute(f"USE {SNAPSHOT_ALIAS}")
        cursor.close()

    return engine
