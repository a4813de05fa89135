"""NDXP/LGSP: static bearer, one JSON array per call, date-only values."""

from __future__ import annotations

import pandas as pd
import pytest
from responses import matchers

from connectors import ndxp
from connectors.errors import BadResponseError
from tests.connectors.conftest import BASE

SERVICES_URL = BASE["ndxp"] + "/api/dich-vu-du-lieu"
BEARER = {"Authorization": "Bearer ndxp-demo-token"}


def service(code: str, status: str, since: str | None) -> dict[str, object]:
    return {
        "maDichVu": code,
        "tenDichVu": f"Dịch vụ {code}",
        "boNganhCungCap": "Bộ Công an",
        "trangThai": status,
        "tuNgay": since,
    }


def test_bearer_token_one_call_enums_and_dates(mocked, make_client) -> None:
    mocked.get(
        SERVICES_URL,
        json=[
            service("DV01", "chinh_thuc", "2023-05-01"),
            service("DV02", "thu_nghiem", "2024-01-15"),
            service("DV03", "chua_ket_noi", None),
            service("DV04", "tam_dung", "2024-02-01"),
        ],
        match=[matchers.header_matcher(BEARER), matchers.query_param_matcher({})],
    )
    (page,) = ndxp.fetch_data_services(make_client("ndxp"))
    frame = page.frame
    assert page.request == "/api/dich-vu-du-lieu"
    assert list(frame.columns) == ndxp.DATA_SERVICES.columns
    # An unknown code is kept as it came, for the contract to reject.
    assert frame["status"].tolist() == ["official", "trial", "not_connected", "tam_dung"]
    assert frame["status_since"].dtype == "datetime64[us]"
    assert frame["status_since"][0] == pd.Timestamp("2023-05-01")
    assert pd.isna(frame["status_since"][2])
    assert len(mocked.calls) == 1


def test_an_object_where_a_list_belongs_is_a_bad_response(mocked, make_client) -> None:
    mocked.get(SERVICES_URL, json={"items": []})
    with pytest.raises(BadResponseError, match="NDXP /api/dich-vu-du-lieu: unexpected response"):
        list(ndxp.fetch_data_services(make_client("ndxp")))
