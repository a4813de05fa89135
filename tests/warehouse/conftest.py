"""Warehouse fixtures: a fresh, migrated warehouse file per test."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from warehouse.connection import open_writer


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "var" / "chiso.duckdb"


@pytest.fixture
def con(db_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_writer(db_path) as connection:
        yield connection
