"""iOffice: API key header, cursor paging, ISO dates with any offset."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pandas as pd
import pytest
from responses import matchers

from connectors import ioffice
from connectors.endpoint import PullStats
from connectors.errors import PagingError
from tests.connectors.conftest import BASE

URL = BASE["ioffice"] + "/api/v1/van-ban-den"
KEY = {"X-API-Key": "ioffice-demo-key"}


def incoming(i: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "id": f"VBD-{i}",
        "soKyHieu": f"{i}/UBND-VP",
        "ngayDen": "2024-03-05T14:22:10+07:00",
        "donViNhan": "000.07.00.H01",
        "donViGui": "000.00.00.G01",
        "doMat": False,
        "hinhThuc": "dien_tu",
        "xuLyTrenMang": True,
        "quaTrucLienThong": True,
        "ngayCapNhat": "2024-03-05T14:22:10+07:00",
    }
    return {**record, **overrides}


def test_api_key_header_and_cursor_paging_to_the_end(mocked, make_client) -> None:
    second = URL + "?cursor=c2&limit=2"
    mocked.get(
        URL,
        json={"data": [incoming(1), incoming(2)], "next": second},
        match=[
            matchers.query_param_matcher({"limit": "2"}),
            matchers.header_matcher(KEY),
        ],
    )
    mocked.get(
        URL,
        json={"data": [incoming(3)], "next": None},
        match=[
            matchers.query_param_matcher({"cursor": "c2", "limit": "2"}),
            matchers.header_matcher(KEY),
        ],
    )
    pages = list(ioffice.fetch_incoming_documents(make_client("ioffice", page_size=2)))

    assert [p.request for p in pages] == [
        "/api/v1/van-ban-den?limit=2",
        "/api/v1/van-ban-den?cursor=c2&limit=2",
    ]
    frame = pd.concat([p.frame for p in pages], ignore_index=True)
    assert list(frame.columns) == ioffice.INCOMING_DOCUMENTS.columns
    assert frame["document_id"].tolist() == ["VBD-1", "VBD-2", "VBD-3"]
    assert frame["form"].unique().tolist() == ["electronic"]
    assert frame["via_vdxp"].dtype == "boolean"


def test_since_is_sent_as_iso_with_the_local_offset(mocked, make_client) -> None:
    mocked.get(
        URL,
        json={"data": [], "next": None},
        match=[
            matchers.query_param_matcher(
                {"limit": "1000", "updated_since": "2024-03-01T00:00:00+07:00"}
            )
        ],
    )
    list(ioffice.fetch_incoming_documents(make_client("ioffice"), since=datetime(2024, 3, 1)))
    # The "+" must travel encoded, or the server reads a space.
    assert "updated_since=2024-03-01T00%3A00%3A00%2B07%3A00" in mocked.calls[0].request.url


def test_an_aware_since_is_converted_to_local_time(mocked, make_client) -> None:
    mocked.get(
        URL,
        json={"data": [], "next": None},
        match=[
            matchers.query_param_matcher(
                {"limit": "1000", "updated_since": "2024-03-01T07:00:00+07:00"}
            )
        ],
    )
    since = datetime(2024, 3, 1, 0, 0, tzinfo=UTC)
    list(ioffice.fetch_incoming_documents(make_client("ioffice"), since=since))


def test_dates_with_any_offset_become_local_time(mocked, make_client) -> None:
    records = [
        incoming(1, ngayDen="2024-03-05T14:22:10+07:00"),
        incoming(2, ngayDen="2024-03-05T07:22:10Z"),
        incoming(3, ngayDen="2024-03-05T09:22:10.5+02:00"),
        incoming(4, ngayDen="2024-12-31T17:30:00Z"),  # already 2025 in the province
        incoming(5, ngayDen=None),
    ]
    mocked.get(URL, json={"data": records, "next": None})
    (page,) = ioffice.fetch_incoming_documents(make_client("ioffice"))
    received = page.frame["received_at"]
    assert received.dtype == "datetime64[us]"
    assert received.tolist()[:4] == [
        pd.Timestamp("2024-03-05 14:22:10"),
        pd.Timestamp("2024-03-05 14:22:10"),
        pd.Timestamp("2024-03-05 14:22:10.5"),
        pd.Timestamp("2025-01-01 00:30:00"),
    ]
    assert pd.isna(received[4])


def test_a_date_without_offset_is_kept_as_text(mocked, make_client) -> None:
    records = [incoming(1), incoming(2, ngayDen="2024-03-05T14:22:10"), incoming(3, ngayDen="N/A")]
    mocked.get(URL, json={"data": records, "next": None})
    stats = PullStats()
    (page,) = ioffice.fetch_incoming_documents(make_client("ioffice"), stats=stats)
    received = page.frame["received_at"]
    assert received.dtype == object
    assert received.tolist() == [
        pd.Timestamp("2024-03-05 14:22:10"),
        "2024-03-05T14:22:10",
        "N/A",
    ]
    assert stats.unparsed_date_columns == {"received_at"}


def test_a_next_link_that_repeats_stops_the_pull(mocked, make_client) -> None:
    loop = URL + "?cursor=same&limit=1000"
    mocked.get(URL, json={"data": [incoming(1)], "next": loop})
    mocked.get(loop, json={"data": [incoming(2)], "next": loop})
    with pytest.raises(
        PagingError, match=r"^iOffice /api/v1/van-ban-den: the next-page link repeats"
    ):
        list(ioffice.fetch_incoming_documents(make_client("ioffice")))
    assert len(mocked.calls) == 2


def test_a_next_link_to_another_host_is_not_followed(mocked, make_client) -> None:
    mocked.get(URL, json={"data": [incoming(1)], "next": "http://evil.test/steal?limit=1000"})
    with pytest.raises(PagingError, match="refusing a link to another host"):
        list(ioffice.fetch_incoming_documents(make_client("ioffice")))
    assert len(mocked.calls) == 1


def test_page_count_ceiling(mocked, make_client) -> None:
    for n in range(3):
        mocked.get(
            URL,
            json={"data": [incoming(n)], "next": f"{URL}?cursor={n + 1}"},
        )
    client = make_client("ioffice", http={"max_pages": 3})
    with pytest.raises(PagingError, match="more than 3 pages"):
        list(ioffice.fetch_incoming_documents(client))


def test_other_entities_map_their_own_fields(mocked, make_client) -> None:
    mocked.get(
        BASE["ioffice"] + "/api/v1/don-vi-lien-thong",
        json={
            "data": [
                {
                    "maDonVi": "883",
                    "ketNoi4Cap": True,
                    "ketNoiTrucQuocGia": False,
                    "ngayKetNoi": "2019-01-01T08:00:00+07:00",
                    "ngayCapNhat": "2024-01-01T00:00:00+00:00",
                }
            ],
            "next": None,
        },
        match=[matchers.header_matcher(KEY)],
    )
    (page,) = ioffice.fetch_connected_units(make_client("ioffice"))
    row = page.frame.iloc[0]
    assert page.entity == "connected_unit"
    assert (row["unit_code"], row["connected_4level"], row["connected_vdxp"]) == (
        "883",
        True,
        False,
    )
    assert row["updated_at"] == pd.Timestamp("2024-01-01 07:00:00")
    assert row["connected_since"] == pd.Timestamp("2019-01-01 08:00:00")
