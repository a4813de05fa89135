"""The shared client: what is retried, how long it waits, what is raised at once."""

from __future__ import annotations

import itertools
import logging
from datetime import UTC, datetime, timedelta

import pytest
import requests
from responses import matchers

from connectors import ndxp
from connectors.errors import (
    AuthError,
    BadResponseError,
    NotFoundError,
    PagingError,
    SourceUnavailableError,
)
from connectors.http import parse_retry_after
from tests.connectors.conftest import BASE, NOW

URL = BASE["ndxp"] + "/api/ung-dung"
APP = {
    "maUngDung": "APP01",
    "tenUngDung": "Một cửa điện tử",
    "coDuLieuDungChung": True,
    "canKetNoiLGSP": True,
    "daKetNoiLGSP": False,
    "tuNgay": None,
}


def pull(client) -> list:
    return list(ndxp.fetch_shared_data_apps(client))


def test_every_request_carries_connect_and_read_timeouts(mocked, make_client) -> None:
    mocked.get(URL, json=[APP])
    pull(make_client("ndxp"))
    assert mocked.calls[0].request.req_kwargs["timeout"] == (3, 7)


def test_429_retry_after_seconds_is_waited_as_told(mocked, make_client, waits) -> None:
    mocked.get(URL, status=429, headers={"Retry-After": "7"}, json={"error": "rate_limited"})
    mocked.get(URL, json=[APP])
    pages = pull(make_client("ndxp"))
    assert waits == [7.0]
    assert pages[0].frame["app_code"].tolist() == ["APP01"]


def test_429_retry_after_http_date_is_waited_until_then(mocked, make_client, waits) -> None:
    when = (NOW + timedelta(seconds=20)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    mocked.get(URL, status=429, headers={"Retry-After": when})
    mocked.get(URL, json=[APP])
    pull(make_client("ndxp"))
    assert waits == [20.0]


def test_retry_after_is_capped(mocked, make_client, waits) -> None:
    far = (NOW + timedelta(hours=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    mocked.get(URL, status=429, headers={"Retry-After": "86400"})
    mocked.get(URL, status=503, headers={"Retry-After": far})
    mocked.get(URL, json=[APP])
    pull(make_client("ndxp"))
    assert waits == [60.0, 60.0]


@pytest.mark.parametrize(
    ("header", "seconds"),
    [
        ("0", 0.0),
        ("1.5", 1.5),
        ("Sat, 01 Jun 2024 12:00:30 GMT", 30.0),
        ("Sat, 01 Jun 2024 11:00:00 GMT", 0.0),
        ("soon", None),
        (None, None),
    ],
)
def test_parse_retry_after(header: str | None, seconds: float | None) -> None:
    assert parse_retry_after(header, datetime(2024, 6, 1, 12, tzinfo=UTC)) == seconds


def test_persistent_503_names_source_endpoint_and_attempts(mocked, make_client, waits) -> None:
    mocked.get(URL, status=503, json={"error": "unavailable"})
    with pytest.raises(SourceUnavailableError) as caught:
        pull(make_client("ndxp"))
    error = caught.value
    assert str(error) == "NDXP /api/ung-dung: HTTP 503 after 5 attempts"
    assert (error.source, error.endpoint, error.attempts, error.status) == (
        "ndxp",
        "/api/ung-dung",
        5,
        503,
    )
    assert len(mocked.calls) == 5
    assert len(waits) == 4
    assert all(later >= earlier for earlier, later in itertools.pairwise(waits))


def test_backoff_is_capped(mocked, make_client, waits) -> None:
    mocked.get(URL, status=502)
    client = make_client(
        "ndxp",
        http={"max_attempts": 8, "backoff_base_s": 1, "backoff_max_s": 5, "retry_after_cap_s": 60},
    )
    with pytest.raises(SourceUnavailableError, match="after 8 attempts"):
        pull(client)
    assert len(waits) == 7 and max(waits) == 5


def test_truncated_json_then_ok_is_retried(mocked, make_client, waits) -> None:
    mocked.get(URL, body='[{"maUngDung": "APP01", "tenUng', content_type="application/json")
    mocked.get(URL, json=[APP])
    pages = pull(make_client("ndxp"))
    assert pages[0].row_count == 1
    assert len(waits) == 1


def test_always_truncated_json_is_a_bad_response(mocked, make_client) -> None:
    mocked.get(URL, body='[{"maUngDung"', content_type="application/json")
    with pytest.raises(BadResponseError, match=r"^NDXP /api/ung-dung: invalid JSON body after 5"):
        pull(make_client("ndxp"))


def test_read_timeout_is_retried(mocked, make_client, waits) -> None:
    mocked.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    mocked.get(URL, body=requests.exceptions.ConnectionError("connection reset"))
    mocked.get(URL, json=[APP])
    assert pull(make_client("ndxp"))[0].row_count == 1
    assert len(waits) == 2


def test_persistent_read_timeout_is_an_error_after_the_attempts(mocked, make_client) -> None:
    mocked.get(URL, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SourceUnavailableError) as caught:
        pull(make_client("ndxp"))
    assert str(caught.value) == "NDXP /api/ung-dung: ReadTimeout after 5 attempts"
    assert caught.value.status is None
    assert len(mocked.calls) == 5


def test_401_with_a_bad_static_token_is_not_retried(mocked, make_client, waits) -> None:
    mocked.get(URL, status=401, json={"error": "unauthorized", "message": "wrong token"})
    with pytest.raises(AuthError) as caught:
        pull(make_client("ndxp", secret="not-the-token"))
    assert str(caught.value) == "NDXP /api/ung-dung: HTTP 401 unauthorized: wrong token"
    assert (caught.value.source, caught.value.endpoint) == ("ndxp", "/api/ung-dung")
    assert len(mocked.calls) == 1
    assert waits == []


def test_invalid_token_with_a_static_token_is_not_retried(mocked, make_client) -> None:
    mocked.get(URL, status=401, json={"error": "invalid_token"})
    with pytest.raises(AuthError):
        pull(make_client("ndxp"))
    assert len(mocked.calls) == 1


@pytest.mark.parametrize(("status", "error_type"), [(403, AuthError), (404, NotFoundError)])
def test_403_and_404_are_not_retried(mocked, make_client, waits, status, error_type) -> None:
    mocked.get(URL, status=status, json={"error": "nope"})
    with pytest.raises(error_type, match=rf"^NDXP /api/ung-dung: HTTP {status} nope"):
        pull(make_client("ndxp"))
    assert len(mocked.calls) == 1 and waits == []


def test_redirects_are_not_followed(mocked, make_client) -> None:
    mocked.get(URL, status=302, headers={"Location": "http://elsewhere.test/login?next=1"})
    with pytest.raises(
        BadResponseError, match=r"unexpected redirect to http://elsewhere\.test/login$"
    ):
        pull(make_client("ndxp"))
    assert len(mocked.calls) == 1


def test_a_link_to_another_host_is_refused_before_sending_credentials(make_client) -> None:
    client = make_client("ndxp")
    with pytest.raises(PagingError, match="another host"):
        client.get_json("http://evil.test/ndxp/api/ung-dung", endpoint="/api/ung-dung")


def test_each_retry_is_logged_with_structured_fields(mocked, make_client, caplog) -> None:
    caplog.set_level(logging.WARNING, logger="connectors")
    mocked.get(URL, status=429, headers={"Retry-After": "3"})
    mocked.get(URL, json=[APP])
    pull(make_client("ndxp"))
    retries = [r for r in caplog.records if r.name == "connectors.http"]
    assert len(retries) == 1
    record = retries[0]
    assert (record.source, record.endpoint, record.status, record.wait_s, record.attempt) == (
        "ndxp",
        "/api/ung-dung",
        429,
        3.0,
        1,
    )
    assert "NDXP /api/ung-dung: HTTP 429 on attempt 1 of 5; retrying in 3.00s" in record.message


def test_netrc_cannot_override_our_credentials(mocked, make_client, tmp_path, monkeypatch):
    netrc = tmp_path / ".netrc"
    netrc.write_text("machine sim.test login someone password other\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    mocked.get(
        URL,
        json=[APP],
        match=[matchers.header_matcher({"Authorization": "Bearer ndxp-demo-token"})],
    )
    pull(make_client("ndxp"))


def test_request_strings_never_carry_credentials(make_client) -> None:
    client = make_client("ndxp")
    assert client.request_path(URL + "?page=2&api_key=abc&access_token=xyz") == (
        "/api/ung-dung?page=2&api_key=***&access_token=***"
    )
    assert client.request_path(URL + "?echo=ndxp-demo-token") == "/api/ung-dung?echo=***"
