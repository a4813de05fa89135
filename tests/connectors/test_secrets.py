"""A sentinel credential goes through success and failure paths and shows up nowhere:
not in log records (ours or urllib3's), error messages, reprs, tracebacks or
Page.request -- even when the server echoes it back."""

from __future__ import annotations

import base64
import logging
import traceback
from collections.abc import Iterator

import pytest
import requests
import responses

from connectors.base import Page
from connectors.endpoint import fetch_endpoint
from connectors.errors import SourceError
from connectors.registry import ENDPOINTS, client_for
from tests.connectors.conftest import BASE, make_config

SENTINEL = "S3NT1NEL-c0ffee-42"
ISSUED_TOKEN = f"tok-{SENTINEL}"
FORMS = (SENTINEL, base64.b64encode(f"chiso:{SENTINEL}".encode()).decode())

CASES = {
    "tthc": ("unit", {"content": [{"MaDonVi": "89"}], "totalPages": 1}),
    "ioffice": ("incoming_document", {"data": [{"id": "VBD-1"}], "next": None}),
    "lris": ("report_submission", [{"ma_bao_cao": "BC1"}]),
    "ndxp": ("shared_data_app", [{"maUngDung": "APP01"}]),
}


def leaks(text: str) -> bool:
    return any(form in text for form in FORMS)


def exception_chain(exc: BaseException | None) -> Iterator[BaseException]:
    seen: set[int] = set()
    while exc is not None and id(exc) not in seen:
        seen.add(id(exc))
        yield exc
        exc = exc.__cause__ or exc.__context__


def register(mocked: responses.RequestsMock, source: str, outcome: str) -> None:
    entity, body = CASES[source]
    url = BASE[source] + ENDPOINTS[(source, entity)].path
    if source == "tthc":
        mocked.post(
            BASE["tthc"] + "/oauth/token",
            json={"access_token": ISSUED_TOKEN, "token_type": "bearer", "expires_in": 300},
        )
    if outcome == "success":
        mocked.get(url, json=body)
    elif outcome == "401":
        mocked.get(
            url,
            status=401,
            json={"error": "invalid_token", "message": f"credential {SENTINEL} rejected"},
            headers={"WWW-Authenticate": f'Bearer error="invalid_token", token="{SENTINEL}"'},
        )
    elif outcome == "500":
        mocked.get(url, status=500, json={"error": "boom", "message": f"saw {SENTINEL}"})
    else:
        mocked.get(url, body=requests.exceptions.ReadTimeout("read timed out"))


@pytest.mark.parametrize("outcome", ["success", "401", "500", "timeout"])
@pytest.mark.parametrize("source", sorted(CASES))
def test_the_sentinel_appears_nowhere(source: str, outcome: str, caplog) -> None:
    caplog.set_level(logging.DEBUG)
    caplog.set_level(logging.DEBUG, logger="urllib3")
    config = make_config(source, secret=SENTINEL)
    spec = ENDPOINTS[(source, CASES[source][0])]
    pages: list[Page] = []
    error: SourceError | None = None

    with responses.RequestsMock(assert_all_requests_are_fired=False) as mocked:
        register(mocked, source, outcome)
        with client_for(config, sleep=lambda _: None) as client:
            try:
                pages = list(fetch_endpoint(client, spec))
            except SourceError as exc:
                error = exc
            texts = [repr(client), repr(client._auth), client.redact(SENTINEL)]
        sent = [str(call.request.headers) for call in mocked.calls]

    # The credential did go on the wire: the test would see a leak if there were one.
    assert any(leaks(headers) for headers in sent)
    assert (error is None) == (outcome == "success")
    texts += [repr(config), str(config), config.model_dump_json()]
    texts += [page.request for page in pages]
    if error is not None:
        assert error.source == source and error.endpoint == spec.path
        texts += [text for exc in exception_chain(error) for text in (str(exc), repr(exc))]
        texts.append("".join(traceback.format_exception(error)))
    formatter = logging.Formatter("%(name)s %(levelname)s %(message)s")
    for record in caplog.records:
        texts += [formatter.format(record), repr(record.__dict__)]
    if outcome != "401" or source == "tthc":
        assert caplog.records  # summaries, retries, token refresh: there was text to leak into
    assert [text for text in texts if leaks(text)] == []
