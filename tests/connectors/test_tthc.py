"""TTHC: OAuth2 client credentials, numbered pages, tuNgay/denNgay, token expiry."""

from __future__ import annotations

import base64
from collections.abc import Callable
from datetime import datetime
from typing import Any

import pandas as pd
import pytest
import responses
from responses import matchers

from connectors import tthc
from connectors.auth import OAuth2ClientCredentials
from connectors.errors import AuthError, BadRequestError
from connectors.http import HttpClient
from tests.connectors.conftest import BASE, NOW, make_config

TOKEN_URL = BASE["tthc"] + "/oauth/token"
HOSO_URL = BASE["tthc"] + "/api/hoso"
DEMO_BASIC = "Basic " + base64.b64encode(b"chiso:tthc-demo-secret").decode()


def dossier(i: int, **overrides: Any) -> dict[str, Any]:
    record = {
        "MaHoSo": f"HS{i:06d}",
        "MaTTHC": "1.001234",
        "MaDonViXuLy": "000.07.00.H01",
        "KenhNop": "truc_tuyen",
        "NgayTiepNhan": "05/03/2024 08:00:00",
        "NgayHenTra": "12/03/2024 17:00:00",
        "NgayKetThuc": None,
        "TrangThai": "dang_xu_ly",
        "DaSoHoa": True,
        "CoKetQuaDienTu": False,
        "DaThanhToanTrucTuyen": False,
        "QuaMotCua": True,
        "NgayCapNhat": f"05/03/2024 08:{i % 60:02d}:00",
    }
    return {**record, **overrides}


RECORDS = [dossier(i) for i in range(5)]


def add_token(mocked: responses.RequestsMock, token: str = "tok-1", expires_in: int = 300) -> None:
    mocked.post(
        TOKEN_URL,
        json={"access_token": token, "token_type": "bearer", "expires_in": expires_in},
        match=[
            matchers.urlencoded_params_matcher({"grant_type": "client_credentials"}),
            matchers.header_matcher({"Authorization": DEMO_BASIC}),
        ],
    )


def add_page(
    mocked: responses.RequestsMock,
    page: int,
    *,
    size: int = 2,
    token: str = "tok-1",
    status: int = 200,
    body: Any = None,
    query: dict[str, str] | None = None,
) -> None:
    chunk = RECORDS[page * size : (page + 1) * size]
    total = -(-len(RECORDS) // size)
    payload = (
        body
        if body is not None
        else {
            "content": chunk,
            "totalPages": total,
            "totalElements": len(RECORDS),
            "number": page,
            "size": size,
        }
    )
    mocked.get(
        HOSO_URL,
        json=payload,
        status=status,
        match=[
            matchers.query_param_matcher({"page": str(page), "size": str(size), **(query or {})}),
            matchers.header_matcher({"Authorization": f"Bearer {token}"}),
        ],
    )


def pull(client: HttpClient, **kwargs: Any) -> pd.DataFrame:
    return pd.concat(
        [page.frame for page in tthc.fetch_dossiers(client, **kwargs)], ignore_index=True
    )


def clean_run(make_client: Callable[..., HttpClient]) -> pd.DataFrame:
    with responses.RequestsMock() as mocked:
        add_token(mocked)
        for page in range(3):
            add_page(mocked, page)
        return pull(make_client("tthc", page_size=2))


def test_token_request_then_every_page_in_our_columns(mocked, make_client) -> None:
    add_token(mocked)
    for page in range(3):
        add_page(mocked, page)
    client = make_client("tthc", page_size=2)

    pages = list(tthc.fetch_dossiers(client))

    assert [p.request for p in pages] == [f"/api/hoso?page={n}&size=2" for n in range(3)]
    assert [p.row_count for p in pages] == [2, 2, 1]
    assert all(p.source == "tthc" and p.entity == "dossier" for p in pages)
    assert all(p.endpoint == "/api/hoso" for p in pages)
    assert all(p.fetched_at == NOW for p in pages)
    frame = pd.concat([p.frame for p in pages], ignore_index=True)
    assert list(frame.columns) == tthc.DOSSIERS.columns
    assert frame["dossier_id"].tolist() == [f"HS{i:06d}" for i in range(5)]
    assert frame["channel"].unique().tolist() == ["online"]
    assert frame["status"].unique().tolist() == ["in_progress"]
    assert frame["received_at"].dtype == "datetime64[us]"
    assert frame["received_at"][0] == pd.Timestamp("2024-03-05 08:00:00")
    token_calls = [c for c in mocked.calls if c.request.url == TOKEN_URL]
    assert len(token_calls) == 1
    assert token_calls[0].request.headers["Content-Type"] == "application/x-www-form-urlencoded"


def test_since_until_become_tungay_denngay(mocked, make_client) -> None:
    add_token(mocked)
    add_page(
        mocked,
        0,
        size=1000,
        body={"content": [], "totalPages": 0, "totalElements": 0, "number": 0, "size": 1000},
        query={"tuNgay": "01/03/2024 00:00:00", "denNgay": "31/03/2024 23:59:59"},
    )
    pages = list(
        tthc.fetch_dossiers(
            make_client("tthc"),
            since=datetime(2024, 3, 1),
            until=datetime(2024, 3, 31, 23, 59, 59),
        )
    )
    assert len(pages) == 1 and pages[0].row_count == 0
    assert list(pages[0].frame.columns) == tthc.DOSSIERS.columns


def test_token_expiring_mid_pull_is_renewed_and_the_page_repeated(mocked, make_client, waits):
    expected = clean_run(make_client)
    add_token(mocked, "tok-1")
    add_page(mocked, 0, token="tok-1")
    mocked.get(
        HOSO_URL,
        status=401,
        json={"error": "invalid_token", "message": "token expired"},
        match=[
            matchers.query_param_matcher({"page": "1", "size": "2"}),
            matchers.header_matcher({"Authorization": "Bearer tok-1"}),
        ],
    )
    add_token(mocked, "tok-2")
    add_page(mocked, 1, token="tok-2")
    add_page(mocked, 2, token="tok-2")

    frame = pull(make_client("tthc", page_size=2))

    pd.testing.assert_frame_equal(frame, expected)
    assert sum(c.request.url == TOKEN_URL for c in mocked.calls) == 2
    assert waits == []


def test_a_second_invalid_token_in_a_row_is_an_auth_error(mocked, make_client) -> None:
    for token in ("tok-1", "tok-2"):
        add_token(mocked, token)
        mocked.get(HOSO_URL, status=401, json={"error": "invalid_token"})
    with pytest.raises(AuthError, match=r"^TTHC /api/hoso: HTTP 401 invalid_token"):
        list(tthc.fetch_dossiers(make_client("tthc")))
    assert len(mocked.calls) == 4


def test_token_is_renewed_shortly_before_it_expires(mocked) -> None:
    clock = [0.0]
    auth = OAuth2ClientCredentials(
        "chiso",
        make_config("tthc").secret("client_secret"),
        refresh_margin_s=30,
        clock=lambda: clock[0],
    )
    add_token(mocked, "tok-1", expires_in=300)
    add_token(mocked, "tok-2", expires_in=300)
    with HttpClient(make_config("tthc"), auth, sleep=lambda _: None) as client:
        assert auth.headers(client) == {"Authorization": "Bearer tok-1"}
        clock[0] = 269.0
        assert auth.headers(client) == {"Authorization": "Bearer tok-1"}
        clock[0] = 271.0  # inside the 30 s margin
        assert auth.headers(client) == {"Authorization": "Bearer tok-2"}


def test_short_lived_tokens_are_still_reused(mocked) -> None:
    clock = [0.0]
    auth = OAuth2ClientCredentials(
        "chiso", make_config("tthc").secret("client_secret"), clock=lambda: clock[0]
    )
    add_token(mocked, "tok-1", expires_in=2)
    with HttpClient(make_config("tthc"), auth, sleep=lambda _: None) as client:
        auth.headers(client)
        clock[0] = 1.0
        assert auth.headers(client) == {"Authorization": "Bearer tok-1"}
    assert len(mocked.calls) == 1


def test_5xx_burst_then_ok_gives_the_same_data_as_a_clean_run(mocked, make_client, waits):
    expected = clean_run(make_client)
    add_token(mocked)
    add_page(mocked, 0)
    add_page(mocked, 1, status=500, body={"error": "internal"})
    add_page(mocked, 1, status=500, body={"error": "internal"})
    add_page(mocked, 1)
    add_page(mocked, 2)

    frame = pull(make_client("tthc", page_size=2))

    pd.testing.assert_frame_equal(frame, expected)
    assert len(waits) == 2
    # Exponential backoff with jitter: base 0.5 s, jitter up to 0.5 s.
    assert 0.5 <= waits[0] <= 1.0
    assert 1.0 <= waits[1] <= 1.5


def test_bad_client_secret_is_an_auth_error_at_the_token_endpoint(mocked, make_client) -> None:
    mocked.post(TOKEN_URL, status=401, json={"error": "invalid_client", "message": "bad client"})
    with pytest.raises(AuthError) as caught:
        list(tthc.fetch_dossiers(make_client("tthc")))
    assert str(caught.value) == "TTHC /oauth/token: HTTP 401 invalid_client: bad client"
    assert caught.value.attempts == 1
    assert len(mocked.calls) == 1


def test_bad_parameter_is_not_retried_and_says_which(mocked, make_client, waits) -> None:
    add_token(mocked)
    mocked.get(HOSO_URL, status=400, json={"error": "bad_request", "message": "tuNgay: bad date"})
    with pytest.raises(BadRequestError, match=r"TTHC /api/hoso: HTTP 400 bad_request: tuNgay"):
        list(tthc.fetch_dossiers(make_client("tthc"), since=datetime(2024, 1, 1)))
    assert len(mocked.calls) == 2 and waits == []


def test_since_after_until_is_refused(make_client) -> None:
    with pytest.raises(ValueError, match="after until"):
        tthc.fetch_dossiers(
            make_client("tthc"), since=datetime(2024, 2, 1), until=datetime(2024, 1, 1)
        )


def test_pages_added_during_the_pull_are_followed(mocked, make_client) -> None:
    add_token(mocked)
    first = {"content": RECORDS[:2], "totalPages": 2, "totalElements": 4, "number": 0, "size": 2}
    grown = {"content": RECORDS[2:4], "totalPages": 3, "totalElements": 5, "number": 1, "size": 2}
    add_page(mocked, 0, body=first)
    add_page(mocked, 1, body=grown)
    add_page(mocked, 2)
    frame = pull(make_client("tthc", page_size=2))
    assert frame["dossier_id"].tolist() == [f"HS{i:06d}" for i in range(5)]
