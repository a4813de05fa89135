"""The volume guard of a load (`EndpointLoad(volume_floor=…)`), without network: a pull
that came back far smaller than what the warehouse already holds for the same window,
or with an empty page in the middle of its listing, loads nothing, is recorded as
failed with the numbers, and the previous data stays."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from tests.contracts.samples import valid_frame
from tests.warehouse.helpers import count, load, pages_of, staged
from warehouse.connection import open_writer
from warehouse.ledger import load_row
from warehouse.loader import staged_rows_in_window
from warehouse.watermarks import get_watermark

FEB = pd.Timestamp("2024-02-01 10:00:00")
MAR = pd.Timestamp("2024-03-01 10:00:00")
FLOOR = 0.5


@pytest.fixture
def con(tmp_path: Path) -> Iterator[duckdb.DuckDBPyConnection]:
    with open_writer(tmp_path / "chiso.duckdb") as connection:
        yield connection


def held_dossiers(con: duckdb.DuckDBPyConnection, old: int = 3000, recent: int = 10) -> None:
    """A good first load: `old` dossiers updated in February, `recent` in March."""
    frame = pd.concat(
        [
            valid_frame("dossier", old, updated_at=FEB),
            valid_frame("dossier", recent, prefix="R", updated_at=MAR),
        ],
        ignore_index=True,
    )
    pages = [frame.iloc[i : i + 1000] for i in range(0, len(frame), 1000)]
    assert load(con, "dossier", pages_of("dossier", *pages)).status == "completed"


def test_nothing_where_thousands_were_loads_nothing_and_says_why(
    con: duckdb.DuckDBPyConnection,
) -> None:
    held_dossiers(con)
    before, mark = staged(con, "dossier"), get_watermark(con, "tthc", "dossier")

    result = load(con, "dossier", pages_of("dossier", valid_frame("dossier", 0)),
                  volume_floor=FLOOR)  # fmt: skip

    assert result.status == "failed" and result.rows_loaded == 0
    assert result.message == (
        "volume drop: 0 rows fetched where the warehouse already holds 3,010 dossier rows "
        "in all (floor 50%); nothing loaded, previous data kept"
    )
    ledger = load_row(con, result.load_id)
    assert ledger is not None and (ledger["status"], ledger["message"]) == (
        "failed",
        result.message,
    )
    pd.testing.assert_frame_equal(staged(con, "dossier"), before)
    assert get_watermark(con, "tthc", "dossier") == mark


def test_an_incremental_pull_is_measured_against_its_own_window(
    con: duckdb.DuckDBPyConnection,
) -> None:
    held_dossiers(con)
    since = datetime(2024, 2, 23, 10, 0)
    assert staged_rows_in_window(con, "dossier", since) == 10
    assert staged_rows_in_window(con, "dossier", None) == 3010

    window = valid_frame("dossier", 10, prefix="R", updated_at=MAR)
    ok = load(con, "dossier", pages_of("dossier", window), since=since, volume_floor=FLOOR)
    empty = load(con, "dossier", pages_of("dossier", window.iloc[:0]), since=since,
                 volume_floor=FLOOR)  # fmt: skip

    assert ok.status == "completed"  # 10 rows where 10 are held: not 3,010
    assert empty.status == "failed"
    assert (
        "0 rows fetched where the warehouse already holds 10 dossier rows updated since "
        "2024-02-23 10:00:00" in empty.message
    )


def test_the_floor_is_a_share_of_what_is_held(con: duckdb.DuckDBPyConnection) -> None:
    held_dossiers(con, old=90, recent=10)
    half = valid_frame("dossier", 50, updated_at=FEB)
    under = valid_frame("dossier", 49, updated_at=FEB)

    assert load(con, "dossier", pages_of("dossier", half), volume_floor=FLOOR).ok
    assert load(con, "dossier", pages_of("dossier", under), volume_floor=FLOOR).status == "failed"
    assert load(con, "dossier", pages_of("dossier", under), volume_floor=0).ok  # 0: off


def test_an_empty_page_in_the_middle_of_a_listing_fails_the_load(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = valid_frame("dossier", 30, updated_at=FEB)
    pages = pages_of("dossier", frame.iloc[:10], frame.iloc[:0], frame.iloc[10:])

    result = load(con, "dossier", pages, volume_floor=FLOOR)

    assert result.status == "failed"
    assert result.message.startswith(
        "volume drop: page /api/hoso?page=1 came back empty in the middle of the listing "
        "(30 rows in 3 pages)"
    )
    assert count(con, "SELECT count(*) FROM staging.dossier") == 0
    assert count(con, "SELECT count(*) FROM raw.dossier") == 0


def test_an_empty_first_load_is_still_an_empty_listing(con: duckdb.DuckDBPyConnection) -> None:
    result = load(con, "dossier", pages_of("dossier", valid_frame("dossier", 0)),
                  volume_floor=FLOOR)  # fmt: skip

    assert result.status == "completed" and result.rows_loaded == 0
