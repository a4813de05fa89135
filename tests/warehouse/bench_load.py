"""Benchmark: validate and load a province-year of dossiers (not part of the test run).

    python -m tests.warehouse.bench_load [rows] [page_size]

Synthetic pages shaped like the TTHC connector's (our columns, ``_record`` as JSON)
are validated and loaded as one endpoint load into a fresh warehouse, then loaded again
(every key already staged: the merge updates instead of inserting). Reports seconds and
rows per second for each step; generation time is not counted.
"""

from __future__ import annotations

import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from contracts.entities import validate_page
from warehouse.connection import open_writer
from warehouse.loader import EndpointLoad


@dataclass(frozen=True)
class BenchPage:
    source: str
    entity: str
    endpoint: str
    request: str
    fetched_at: datetime
    frame: pd.DataFrame


def synthetic_dossiers(n: int, seed: int = 89) -> pd.DataFrame:
    """`n` valid dossiers with connector dtypes and a JSON ``_record`` each."""
    rng = np.random.default_rng(seed)
    seconds = pd.to_timedelta(rng.integers(0, 365 * 24 * 3600, n), unit="s")
    received = pd.Series(pd.Timestamp("2024-01-01") + seconds)
    due = received + pd.to_timedelta(rng.integers(1, 30, n), unit="D")
    status = rng.choice(
        ["in_progress", "resolved", "returned", "withdrawn"], n, p=[0.2, 0.7, 0.05, 0.05]
    )
    resolved = (received + pd.to_timedelta(rng.integers(0, 20 * 86400, n), unit="s")).where(
        status == "resolved"
    )
    updated = received + pd.to_timedelta(rng.integers(0, 40 * 86400, n), unit="s")
    ids = [f"000.00.{i % 100:02d}.H01-240101-{i:07d}" for i in range(n)]
    frame = pd.DataFrame(
        {
            "dossier_id": pd.Series(ids, dtype="str"),
            "procedure_code": pd.Series(
                [f"1.{p:06d}" for p in rng.integers(0, 2000, n)], dtype="str"
            ),
            "unit_code": pd.Series(
                rng.choice(["89", "883", "000.07.00.H01", "30001"], n), dtype="str"
            ),
            "channel": pd.Series(rng.choice(["offline", "online", "postal"], n), dtype="str"),
            "received_at": received.astype("datetime64[us]"),
            "due_at": due.astype("datetime64[us]"),
            "resolved_at": resolved.astype("datetime64[us]"),
            "status": pd.Series(status, dtype="str"),
            "digitised": pd.Series(rng.random(n) < 0.6, dtype="boolean"),
            "e_result_issued": pd.Series(rng.random(n) < 0.5, dtype="boolean"),
            "paid_online": pd.Series(rng.random(n) < 0.3, dtype="boolean"),
            "via_onestop": pd.Series(rng.random(n) < 0.9, dtype="boolean"),
            "updated_at": updated.astype("datetime64[us]"),
        }
    )
    frame["_record"] = pd.Series(
        [
            f'{{"MaHoSo":"{i}","MaTTHC":"{p}","MaDonViXuLy":"{u}","TrangThai":"{s}",'
            f'"NgayTiepNhan":"{r:%d/%m/%Y %H:%M:%S}","NgayCapNhat":"{t:%d/%m/%Y %H:%M:%S}"}}'
            for i, p, u, s, r, t in zip(
                ids,
                frame["procedure_code"],
                frame["unit_code"],
                status,
                received,
                updated,
                strict=True,
            )
        ],
        dtype="str",
    )
    return frame


def pages(frame: pd.DataFrame, size: int) -> list[BenchPage]:
    fetched = datetime.now(UTC)
    return [
        BenchPage(
            "tthc",
            "dossier",
            "/api/hoso",
            f"/api/hoso?page={start // size}&size={size}",
            fetched,
            frame.iloc[start : start + size].reset_index(drop=True),
        )
        for start in range(0, len(frame), size)
    ]


def timed_load(db: Path, batch: list[BenchPage], run_id: str) -> tuple[float, str]:
    with open_writer(db) as con:
        started = time.perf_counter()
        with EndpointLoad(
            con,
            run_id=run_id,
            source="tthc",
            entity="dossier",
            endpoint="/api/hoso",
            period="2024",
        ) as load:
            for page in batch:
                load.add_page(page)
        return time.perf_counter() - started, load.result.status


def main(rows: int = 700_000, page_size: int = 1000) -> None:
    frame = synthetic_dossiers(rows)
    batch = pages(frame, page_size)

    validate_page("dossier", frame.head(10))
    started = time.perf_counter()
    validate_page("dossier", frame.head(100_000))
    print(f"validate 100k rows in one call: {time.perf_counter() - started:.2f} s")

    started = time.perf_counter()
    for page in batch:
        validate_page("dossier", page.frame)
    seconds = time.perf_counter() - started
    print(f"validate page by page ({len(batch)} x {page_size}): {seconds:.2f} s")

    with tempfile.TemporaryDirectory() as directory:
        db = Path(directory) / "bench.duckdb"
        for label in ("first load (inserts)", "rerun (every key merged)"):
            seconds, status = timed_load(db, batch, label)
            print(
                f"{label}: {rows:,} rows, {seconds:.2f} s, {rows / seconds:,.0f} rows/s, {status}"
            )
        print(f"warehouse file: {db.stat().st_size / 1e6:.0f} MB")


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:3]))
