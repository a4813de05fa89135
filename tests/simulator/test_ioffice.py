"""iOffice over real HTTP: X-API-Key, cursor paging with absolute next URLs, ISO dates."""

from __future__ import annotations

from datetime import datetime

import pandas as pd
import pytest
import requests

from simulator import SimulatorHandle
from tests.simulator.helpers import FIELDS, IOFFICE_KEY, ioffice_all

ISO_LOCAL = r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\+07:00"


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"},
                                     {"Authorization": "Bearer ioffice-demo-key"}])
def test_needs_the_api_key(clean_sim: SimulatorHandle, session: requests.Session,
                           headers: dict[str, str]) -> None:
    answer = session.get(f"{clean_sim.url('ioffice')}/api/v1/van-ban-den", headers=headers)
    assert answer.status_code == 401
    assert set(answer.json()) == {"error", "message"}


@pytest.mark.parametrize("path,frame", [
    ("/api/v1/van-ban-den", "incoming_documents"),
    ("/api/v1/van-ban-di", "outgoing_documents"),
    ("/api/v1/ho-so-cong-viec", "work_files"),
    ("/api/v1/don-vi-lien-thong", "connected_units"),
])
def test_cursor_paging_returns_every_record_once(clean_sim: SimulatorHandle,
                                                 session: requests.Session,
                                                 path: str, frame: str) -> None:
    expected = getattr(clean_sim.province, frame)
    key = expected.columns[0]
    records, followed = ioffice_all(session, clean_sim.base_url, path, limit=1000)
    keys = [r[key] for r in records]
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == set(expected[key])
    assert len(followed) == (len(expected) - 1) // 1000
    assert all(url.startswith(f"{clean_sim.url('ioffice')}{path}?") for url in followed)
    assert list(records[0]) == FIELDS[f"/ioffice{path}"]
    assert pd.Series([r["ngayCapNhat"] for r in records]).str.fullmatch(ISO_LOCAL).all()


def test_updated_since_accepts_any_offset(clean_sim: SimulatorHandle,
                                         session: requests.Session) -> None:
    docs = clean_sim.province.incoming_documents
    since_local = docs["ngayCapNhat"].sort_values().iloc[len(docs) - 2500]
    expected = set(docs.loc[docs["ngayCapNhat"] >= since_local, "id"])
    local_iso = since_local.strftime("%Y-%m-%dT%H:%M:%S+07:00")
    records, _ = ioffice_all(session, clean_sim.base_url, "/api/v1/van-ban-den", limit=700,
                             updated_since=local_iso)
    assert {r["id"] for r in records} == expected
    utc_iso = (since_local - pd.Timedelta(hours=7)).strftime("%Y-%m-%dT%H:%M:%SZ")
    records_utc, followed = ioffice_all(session, clean_sim.base_url, "/api/v1/van-ban-den",
                                        limit=700, updated_since=utc_iso)
    assert {r["id"] for r in records_utc} == expected
    assert all("updated_since=" in url for url in followed)
    assert min(datetime.fromisoformat(r["ngayCapNhat"]) for r in records) == datetime.fromisoformat(
        local_iso)


def test_limit_and_cursor_validation(clean_sim: SimulatorHandle,
                                     session: requests.Session) -> None:
    url = f"{clean_sim.url('ioffice')}/api/v1/van-ban-di"
    default = session.get(url, headers=IOFFICE_KEY).json()
    assert len(default["data"]) == 100
    cases: list[tuple[dict[str, str | int], str]] = [
        ({"limit": 1001}, "limit"), ({"cursor": "garbage!"}, "cursor"),
        ({"updated_since": "yesterday"}, "updated_since")]
    for params, name in cases:
        answer = session.get(url, params=params, headers=IOFFICE_KEY)
        assert answer.status_code == 400
        assert f"'{name}'" in answer.json()["message"]
