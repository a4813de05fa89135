"""LRIS: HTTP Basic, Link-header paging, plain arrays, updated_since on submissions."""

from __future__ import annotations

import base64
import logging
from datetime import datetime
from typing import Any

import pandas as pd
import pytest
from responses import matchers

from connectors import lris
from connectors.endpoint import PullStats, fetch_endpoint
from connectors.errors import PagingError
from tests.connectors.conftest import BASE

URL = BASE["lris"] + "/api/bao-cao"
REGIMES_URL = BASE["lris"] + "/api/che-do-bao-cao"
BASIC = {"Authorization": "Basic " + base64.b64encode(b"chiso:lris-demo-password").decode()}


def submission(i: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "ma_bao_cao": f"BC{i:04d}",
        "ma_che_do": "CD01",
        "ma_don_vi": "883",
        "ky": "2024-Q1",
        "han_nop": "2024-04-15 17:00:00",
        "thoi_gian_nop": "2024-04-14 09:30:00" if i % 2 else None,
        "gui_qua_lris": True,
        "day_du": bool(i % 2),
        "gui_chinh_phu": False,
        "ngay_cap_nhat": "2024-04-14 09:30:00",
    }
    return {**record, **overrides}


def link(url: str, rel: str) -> dict[str, str]:
    return {"Link": f'<{url}>; rel="{rel}"'}


def test_basic_auth_and_link_header_paging(mocked, make_client) -> None:
    second = URL + "?page=2&per_page=2"
    mocked.get(
        URL,
        json=[submission(1), submission(2)],
        headers={"Link": f'<{second}>; rel="next", <{second}>; rel="last"'},
        match=[
            matchers.query_param_matcher({"page": "1", "per_page": "2"}),
            matchers.header_matcher(BASIC),
        ],
    )
    mocked.get(
        URL,
        json=[submission(3)],
        headers=link(URL + "?page=1&per_page=2", "prev"),
        match=[
            matchers.query_param_matcher({"page": "2", "per_page": "2"}),
            matchers.header_matcher(BASIC),
        ],
    )
    pages = list(lris.fetch_report_submissions(make_client("lris", page_size=2)))

    assert [p.request for p in pages] == [
        "/api/bao-cao?page=1&per_page=2",
        "/api/bao-cao?page=2&per_page=2",
    ]
    frame = pd.concat([p.frame for p in pages], ignore_index=True)
    assert list(frame.columns) == lris.REPORT_SUBMISSIONS.columns
    assert frame["submission_id"].tolist() == ["BC0001", "BC0002", "BC0003"]
    assert frame["due_at"][0] == pd.Timestamp("2024-04-15 17:00:00")
    assert frame["submitted_at"].dtype == "datetime64[us]"
    assert pd.isna(frame["submitted_at"][1])
    assert frame["report_period"].tolist() == ["2024-Q1"] * 3


def test_a_relative_next_link_is_resolved_against_the_page(mocked, make_client) -> None:
    mocked.get(URL, json=[submission(1)], headers=link("bao-cao?page=2&per_page=500", "next"))
    mocked.get(
        URL,
        json=[submission(2)],
        match=[matchers.query_param_matcher({"page": "2", "per_page": "500"})],
    )
    pages = list(lris.fetch_report_submissions(make_client("lris")))
    assert len(pages) == 2


def test_page_size_is_held_to_the_system_maximum(mocked, make_client) -> None:
    mocked.get(URL, json=[], match=[matchers.query_param_matcher({"page": "1", "per_page": "500"})])
    list(lris.fetch_report_submissions(make_client("lris", page_size=5000)))


def test_updated_since_on_submissions(mocked, make_client) -> None:
    mocked.get(
        URL,
        json=[],
        match=[
            matchers.query_param_matcher(
                {"page": "1", "per_page": "500", "updated_since": "2024-03-25 06:30:00"}
            )
        ],
    )
    list(lris.fetch_report_submissions(make_client("lris"), since=datetime(2024, 3, 25, 6, 30)))


def test_regimes_cannot_be_filtered_so_since_pulls_everything(mocked, make_client) -> None:
    mocked.get(
        REGIMES_URL,
        json=[
            {
                "ma_che_do": "CD01",
                "ten_che_do": "Báo cáo tình hình ứng dụng CNTT",
                "ky_bao_cao": "quy",
                "ket_noi_chinh_phu": True,
                "ngay_cap_nhat": "2023-12-01 00:00:00",
            }
        ],
        match=[matchers.query_param_matcher({"page": "1", "per_page": "500"})],
    )
    assert not lris.REPORT_REGIMES.is_incremental
    (page,) = fetch_endpoint(make_client("lris"), lris.REPORT_REGIMES, since=datetime(2024, 1, 1))
    assert page.frame["period_type"].tolist() == ["quarter"]
    assert page.frame["regime_name"][0] == "Báo cáo tình hình ứng dụng CNTT"


def test_a_record_repeated_across_pages_is_yielded_and_counted(mocked, make_client, caplog):
    caplog.set_level(logging.WARNING, logger="connectors")
    second = URL + "?page=2&per_page=2"
    mocked.get(URL, json=[submission(1), submission(2)], headers=link(second, "next"))
    # Records shifted under the pull: BC0002 shows up again on page 2.
    mocked.get(second, json=[submission(2, day_du=True), submission(3)])
    stats = PullStats()
    pages = list(lris.fetch_report_submissions(make_client("lris", page_size=2), stats=stats))

    frame = pd.concat([p.frame for p in pages], ignore_index=True)
    assert frame["submission_id"].tolist() == ["BC0001", "BC0002", "BC0002", "BC0003"]
    assert (stats.pages, stats.rows, stats.duplicates_seen) == (2, 4, 1)
    warnings = [r for r in caplog.records if "repeat a submission_id" in r.getMessage()]
    assert len(warnings) == 1 and warnings[0].duplicates == 1


def test_a_link_header_that_repeats_stops_the_pull(mocked, make_client) -> None:
    second = URL + "?page=2&per_page=500"
    mocked.get(URL, json=[submission(1)], headers=link(second, "next"))
    mocked.get(second, json=[submission(2)], headers=link(second, "next"))
    with pytest.raises(PagingError, match="LRIS /api/bao-cao: the next-page link repeats"):
        list(lris.fetch_report_submissions(make_client("lris")))
    assert len(mocked.calls) == 2
