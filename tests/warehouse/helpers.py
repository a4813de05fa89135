"""Warehouse test helpers: page-like objects, one-call loads, comparable staging."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

import duckdb
import pandas as pd

from warehouse.loader import EndpointLoad, LoadResult

ENDPOINTS = {"dossier": "/api/hoso", "payment": "/api/giaodich", "data_service": "/api/dich-vu"}
SOURCES = {"dossier": "tthc", "payment": "tthc", "data_service": "ndxp"}


@dataclass(frozen=True)
class FakePage:
    """Shaped like connectors.base.Page, which the warehouse must not import."""

    entity: str
    frame: pd.DataFrame
    request: str = "/api/hoso?page=0&size=1000"
    source: str = ""
    endpoint: str = ""
    fetched_at: datetime = field(default_factory=lambda: datetime(2025, 1, 8, 1, 30, tzinfo=UTC))

    def __post_init__(self) -> None:
        if not self.source:
            object.__setattr__(self, "source", SOURCES.get(self.entity, "tthc"))
        if not self.endpoint:
            object.__setattr__(self, "endpoint", ENDPOINTS.get(self.entity, "/api/x"))


def pages_of(entity: str, *frames: pd.DataFrame) -> list[FakePage]:
    """One page per frame, numbered in their requests."""
    return [
        FakePage(entity, frame, request=f"{ENDPOINTS.get(entity, '/api/x')}?page={i}")
        for i, frame in enumerate(frames)
    ]


def load(
    con: duckdb.DuckDBPyConnection, entity: str, pages: Iterable[FakePage], **options: Any
) -> LoadResult:
    """Load pages as one endpoint load and return its result."""
    with EndpointLoad(
        con,
        run_id=options.pop("run_id", "run-test"),
        source=SOURCES.get(entity, "tthc"),
        entity=entity,
        endpoint=ENDPOINTS.get(entity, "/api/x"),
        period=options.pop("period", "2024"),
        **options,
    ) as endpoint_load:
        for page in pages:
            endpoint_load.add_page(page)
    return endpoint_load.result


def staged(con: duckdb.DuckDBPyConnection, entity: str) -> pd.DataFrame:
    """Staging rows without the load columns, sorted by key (comparable across loads)."""
    frame = con.execute(f"SELECT * FROM staging.{entity}").df()
    key = frame.columns[0]
    return frame.drop(columns=["_load_id", "_loaded_at"]).sort_values(key).reset_index(drop=True)


def count(con: duckdb.DuckDBPyConnection, sql: str, params: list[Any] | None = None) -> int:
    row = con.execute(sql, params or []).fetchall()[0]
    assert row is not None
    return int(row[0])
