"""Endpoint loads: one transaction, contract failures quarantined, merges by natural key."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime

import duckdb
import pandas as pd
import pytest

from tests.contracts.samples import VALID_ROWS, frame_of, rows_of, valid_frame
from tests.warehouse.helpers import FakePage, count, load, pages_of, staged
from warehouse.ledger import load_row
from warehouse.loader import EndpointLoad, LoadError
from warehouse.quarantine import quarantined_rows
from warehouse.watermarks import get_watermark

V1 = pd.Timestamp("2024-02-01 10:00:00")
V2 = pd.Timestamp("2024-03-01 10:00:00")


def good_dossiers(con: duckdb.DuckDBPyConnection, n: int = 100) -> pd.DataFrame:
    """Load a first, good version of `n` dossiers; return staging as it then is."""
    frame = valid_frame("dossier", n, updated_at=V1, unit_code="883")
    result = load(con, "dossier", pages_of("dossier", frame.iloc[:60], frame.iloc[60:]))
    assert result.status == "completed"
    return staged(con, "dossier")


def test_a_clean_load_lands_in_raw_staging_ledger_and_watermark(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = valid_frame("dossier", 5, updated_at=V1)
    frame.loc[3, "updated_at"] = V2

    result = load(con, "dossier", pages_of("dossier", frame.iloc[:2], frame.iloc[2:]))

    assert (result.status, result.rows_fetched, result.rows_loaded, result.rows_rejected) == (
        "completed",
        5,
        5,
        0,
    )
    assert result.pages == 2 and result.ok and result.high_water == V2
    assert count(con, "SELECT count(*) FROM staging.dossier") == 5
    raw = con.execute(
        "SELECT _load_id, _request, _fetched_at, _row_number, _record FROM raw.dossier "
        "ORDER BY _row_number"
    ).df()
    assert raw["_load_id"].unique().tolist() == [result.load_id]
    assert raw["_request"].tolist() == ["/api/hoso?page=0"] * 2 + ["/api/hoso?page=1"] * 3
    assert raw["_fetched_at"].iloc[0] == pd.Timestamp("2025-01-08 01:30:00")  # UTC, naive
    assert raw["_row_number"].tolist() == [0, 1, 2, 3, 4]
    assert json.loads(raw["_record"].iloc[0])["dossier_id"] == "K0000"
    ledger = load_row(con, result.load_id)
    assert ledger is not None
    assert ledger["status"] == "completed" and ledger["run_id"] == "run-test"
    assert json.loads(ledger["requests"]) == ["/api/hoso?page=0", "/api/hoso?page=1"]
    assert get_watermark(con, "tthc", "dossier") == V2


def test_typed_values_survive_the_trip(con: duckdb.DuckDBPyConnection) -> None:
    load(con, "payment", pages_of("payment", valid_frame("payment", 1, amount=1234567.5)))

    row = con.execute("SELECT amount, typeof(amount), paid_at FROM staging.payment").fetchall()[0]
    assert row is not None
    assert str(row[0]) == "1234567.50" and row[1] == "DECIMAL(18,2)"
    assert row[2] == datetime(2024, 1, 6, 11, 0)


@pytest.mark.parametrize(
    ("corrupt", "reason"),
    [
        ({"status": "da_giai_quyet"}, "status: 'da_giai_quyet' is not one of in_progress"),
        (
            {"received_at": pd.Timestamp("2024-01-05"), "resolved_at": pd.Timestamp("2024-01-02")},
            "resolved_at 2024-01-02 is before received_at 2024-01-05",
        ),
        ({"digitised": "N/A"}, "digitised: 'N/A' is not true/false"),
        ({"dossier_id": None}, "dossier_id: missing (source field renamed or absent)"),
    ],
)
def test_a_bad_row_is_quarantined_and_its_previous_good_version_stays(
    con: duckdb.DuckDBPyConnection, corrupt: dict[str, object], reason: str
) -> None:
    before = good_dossiers(con)
    rows = rows_of("dossier", 100, updated_at=V2, unit_code="884")
    rows[7].update(corrupt)

    result = load(con, "dossier", pages_of("dossier", frame_of(rows)))

    assert (result.status, result.rows_loaded, result.rows_rejected) == ("completed", 99, 1)
    assert "1 rows quarantined" in result.message and reason in result.message
    after = staged(con, "dossier").set_index("dossier_id")
    assert after.loc["K0007"].equals(before.set_index("dossier_id").loc["K0007"])
    assert (after.drop(index="K0007")["unit_code"] == "884").all()
    quarantined = quarantined_rows(con, result.load_id)
    assert len(quarantined) == 1
    assert reason in quarantined["reason"].iloc[0]
    assert quarantined["row_number"].iloc[0] == 7
    assert quarantined["request"].iloc[0] == "/api/hoso?page=0"
    expected_key = None if corrupt.get("dossier_id", "x") is None else "K0007"
    assert quarantined["natural_key"].iloc[0] == expected_key
    assert json.loads(quarantined["record"].iloc[0])["unit_code"] == "884"


@pytest.mark.parametrize(
    ("entity", "corrupt", "reason"),
    [
        ("payment", {"amount": "N/A"}, "amount: 'N/A' is not a number"),
        ("payment", {"amount": -5}, "amount: -5 < 0"),
    ],
)
def test_bad_amounts_are_quarantined_and_the_good_amount_stays(
    con: duckdb.DuckDBPyConnection, entity: str, corrupt: dict[str, object], reason: str
) -> None:
    load(con, entity, pages_of(entity, valid_frame(entity, 40, updated_at=V1)))
    rows = rows_of(entity, 40, updated_at=V2, amount=99)
    rows[0].update(corrupt)

    result = load(con, entity, pages_of(entity, frame_of(rows)))

    assert result.status == "completed" and result.rows_rejected == 1
    amounts = con.execute("SELECT payment_id, amount FROM staging.payment ORDER BY 1").fetchall()
    assert amounts[0] == ("K0000", 150000)
    assert {amount for _, amount in amounts[1:]} == {99}
    assert quarantined_rows(con, result.load_id)["reason"].tolist() == [reason]


def test_a_renamed_field_rejects_the_batch_and_keeps_the_previous_data(
    con: duckdb.DuckDBPyConnection,
) -> None:
    before = good_dossiers(con)
    watermark = get_watermark(con, "tthc", "dossier")
    drifted = valid_frame("dossier", 100, updated_at=V2).rename(columns={"dossier_id": "MaHoSo"})

    result = load(con, "dossier", pages_of("dossier", drifted))

    assert (result.status, result.rows_loaded, result.rows_rejected) == ("rejected", 0, 100)
    assert "dossier_id: column absent from the page" in result.message
    assert "nothing loaded, previous data kept" in result.message
    assert staged(con, "dossier").equals(before)
    assert count(con, "SELECT count(*) FROM raw.dossier WHERE _load_id = ?", [result.load_id]) == 0
    assert (
        count(con, "SELECT count(*) FROM meta.quarantine WHERE load_id = ?", [result.load_id])
        == 100
    )
    assert get_watermark(con, "tthc", "dossier") == watermark
    ledger = load_row(con, result.load_id)
    assert ledger is not None and ledger["status"] == "rejected"
    assert ledger["rows_rejected"] == 100 and ledger["message"] == result.message


def test_a_batch_above_the_threshold_loads_nothing_and_says_so(
    con: duckdb.DuckDBPyConnection,
) -> None:
    before = good_dossiers(con)
    rows = rows_of("dossier", 100, updated_at=V2, unit_code="884")
    for row in rows[:6]:
        row["channel"] = "fax"

    result = load(con, "dossier", pages_of("dossier", frame_of(rows)))

    assert result.status == "rejected" and not result.ok
    assert "6 of 100 rows rejected (6.0%, above the 5% threshold)" in result.message
    assert "6 × channel: 'fax' is not one of offline, online, postal" in result.message
    assert staged(con, "dossier").equals(before)
    assert len(quarantined_rows(con, result.load_id)) == 6


def test_a_batch_at_the_threshold_is_loaded(con: duckdb.DuckDBPyConnection) -> None:
    rows = rows_of("dossier", 100)
    for row in rows[:5]:
        row["channel"] = "fax"

    result = load(con, "dossier", pages_of("dossier", frame_of(rows)), reject_threshold=0.05)

    assert (result.status, result.rows_loaded, result.rows_rejected) == ("completed", 95, 5)


def test_a_page_missing_a_column_is_judged_alone(con: duckdb.DuckDBPyConnection) -> None:
    good = valid_frame("dossier", 98)
    drifted = valid_frame("dossier", 2, prefix="D").drop(columns=["via_onestop"])

    result = load(
        con,
        "dossier",
        pages_of("dossier", good.iloc[:50], drifted, good.iloc[50:]),
        batch_rows=1000,
    )

    assert (result.status, result.rows_loaded, result.rows_rejected) == ("completed", 98, 2)
    reasons = quarantined_rows(con, result.load_id)
    assert reasons["natural_key"].tolist() == ["D0000", "D0001"]
    assert reasons["row_number"].tolist() == [50, 51]
    assert set(reasons["reason"]) == {
        "via_onestop: column absent from the page (source field renamed or absent)"
    }


@pytest.mark.parametrize("batch_rows", [1, 2, 50_000])
def test_duplicates_across_pages_keep_the_latest_update(
    con: duckdb.DuckDBPyConnection, batch_rows: int
) -> None:
    first = frame_of(
        [
            {
                **VALID_ROWS["dossier"],
                "dossier_id": "A",
                "status": "in_progress",
                "resolved_at": None,
                "updated_at": V1,
            },
            {
                **VALID_ROWS["dossier"],
                "dossier_id": "B",
                "unit_code": "tie-first",
                "updated_at": V1,
            },
        ]
    )
    second = frame_of(
        [
            {**VALID_ROWS["dossier"], "dossier_id": "A", "status": "resolved", "updated_at": V2},
            {
                **VALID_ROWS["dossier"],
                "dossier_id": "B",
                "unit_code": "tie-later",
                "updated_at": V1,
            },
        ]
    )
    third = frame_of(
        [
            {
                **VALID_ROWS["dossier"],
                "dossier_id": "A",
                "status": "returned",
                "updated_at": V1 - pd.Timedelta(days=1),
            },
        ]
    )

    result = load(con, "dossier", pages_of("dossier", first, second, third), batch_rows=batch_rows)

    rows = con.execute("SELECT dossier_id, status, unit_code FROM staging.dossier ORDER BY 1")
    assert rows.fetchall() == [("A", "resolved", "883"), ("B", "resolved", "tie-later")]
    assert result.rows_loaded == 5
    assert count(con, "SELECT count(*) FROM raw.dossier") == 5  # raw keeps every version


def test_an_older_pull_does_not_overwrite_newer_staged_rows(
    con: duckdb.DuckDBPyConnection,
) -> None:
    load(
        con,
        "dossier",
        pages_of("dossier", valid_frame("dossier", 3, updated_at=V2, unit_code="new")),
    )

    load(
        con,
        "dossier",
        pages_of("dossier", valid_frame("dossier", 3, updated_at=V1, unit_code="old")),
    )

    assert set(staged(con, "dossier")["unit_code"]) == {"new"}
    assert get_watermark(con, "tthc", "dossier") == V2


def test_rerunning_a_load_gives_the_same_staging_and_one_more_ledger_row(
    con: duckdb.DuckDBPyConnection,
) -> None:
    frame = valid_frame("dossier", 30, updated_at=V1)
    frame.loc[5, "channel"] = "fax"
    pages = pages_of("dossier", frame.iloc[:10], frame.iloc[10:20], frame.iloc[20:], frame.iloc[:3])

    first = load(con, "dossier", pages, reject_threshold=0.1)
    after_first = staged(con, "dossier")
    second = load(con, "dossier", pages, reject_threshold=0.1)

    assert first.status == second.status == "completed"
    assert staged(con, "dossier").equals(after_first)
    assert len(after_first) == 29
    statuses = con.execute("SELECT status FROM meta.load ORDER BY load_id").fetchall()
    assert statuses == [("completed",), ("completed",)]
    assert second.load_id == first.load_id + 1


class Boom(RuntimeError):
    pass


def pages_then_crash(entity: str, *frames: pd.DataFrame) -> Iterator[FakePage]:
    yield from pages_of(entity, *frames)
    raise Boom("HTTP 503 from /api/hoso after 3 attempts")


def test_an_exception_mid_load_rolls_back_and_is_recorded_as_failed(
    con: duckdb.DuckDBPyConnection,
) -> None:
    before = good_dossiers(con)
    raw_before = count(con, "SELECT count(*) FROM raw.dossier")
    frames = [valid_frame("dossier", 10, prefix=p, updated_at=V2) for p in ("X", "Y")]

    with pytest.raises(Boom):
        load(con, "dossier", pages_then_crash("dossier", *frames), batch_rows=5)

    assert staged(con, "dossier").equals(before)
    assert count(con, "SELECT count(*) FROM raw.dossier") == raw_before
    failed = con.execute(
        "SELECT status, rows_fetched, rows_loaded, pages, message FROM meta.load "
        "ORDER BY load_id DESC LIMIT 1"
    ).fetchall()[0]
    assert failed == ("failed", 20, 0, 2, "Boom: HTTP 503 from /api/hoso after 3 attempts")
    assert get_watermark(con, "tthc", "dossier") == V1
    # the connection is usable: no transaction left open
    assert load(con, "dossier", pages_of("dossier", frames[0])).status == "completed"


def test_an_exception_in_the_with_block_after_pages_fails_the_load(
    con: duckdb.DuckDBPyConnection,
) -> None:
    with pytest.raises(KeyboardInterrupt):
        with EndpointLoad(
            con, run_id="r", source="tthc", entity="dossier", endpoint="/api/hoso"
        ) as endpoint_load:
            endpoint_load.add_page(FakePage("dossier", valid_frame("dossier", 3)))
            raise KeyboardInterrupt

    assert endpoint_load.result.status == "failed"
    assert count(con, "SELECT count(*) FROM staging.dossier") == 0
    assert count(con, "SELECT count(*) FROM raw.dossier") == 0


def test_a_page_of_another_entity_fails_the_load(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(LoadError, match="page of tthc/payment"):
        load(con, "dossier", [FakePage("payment", valid_frame("payment", 1))])

    row = con.execute("SELECT status FROM meta.load").fetchall()[0]
    assert row == ("failed",)


def test_pages_after_the_end_are_refused(con: duckdb.DuckDBPyConnection) -> None:
    with EndpointLoad(
        con, run_id="r", source="tthc", entity="dossier", endpoint="/api/hoso"
    ) as endpoint_load:
        endpoint_load.add_page(FakePage("dossier", valid_frame("dossier", 1)))
        endpoint_load.finish()

    with pytest.raises(LoadError):
        endpoint_load.add_page(FakePage("dossier", valid_frame("dossier", 1)))


def test_an_empty_load_completes_with_nothing(con: duckdb.DuckDBPyConnection) -> None:
    result = load(con, "dossier", [])

    assert (result.status, result.rows_fetched, result.pages) == ("completed", 0, 0)
    assert get_watermark(con, "tthc", "dossier") is None


def test_an_entity_without_update_time_keeps_the_last_row_and_no_watermark(
    con: duckdb.DuckDBPyConnection,
) -> None:
    first = valid_frame("data_service", 2, status="trial")
    second = valid_frame("data_service", 1, status="official")

    result = load(con, "data_service", pages_of("data_service", first, second))

    assert result.status == "completed" and result.high_water is None
    rows = con.execute("SELECT service_code, status FROM staging.data_service ORDER BY 1")
    assert rows.fetchall() == [("K0000", "official"), ("K0001", "trial")]
    assert get_watermark(con, "ndxp", "data_service") is None


def test_hostile_entity_names_never_reach_sql(con: duckdb.DuckDBPyConnection) -> None:
    with pytest.raises(ValueError, match="unknown entity"):
        EndpointLoad(
            con,
            run_id="r",
            source="tthc",
            entity='dossier"; DROP TABLE raw.dossier; --',
            endpoint="/x",
        )


def test_load_ids_come_from_a_sequence(con: duckdb.DuckDBPyConnection) -> None:
    ids = [load(con, "dossier", []).load_id for _ in range(3)]

    assert ids == sorted(ids) and len(set(ids)) == 3
