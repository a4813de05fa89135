"""LRIS (Basic auth, Link header paging) and NDXP/LGSP (static bearer, plain arrays)."""

from __future__ import annotations

import pandas as pd
import pytest
import requests

from simulator import SimulatorHandle
from tests.simulator.helpers import FIELDS, LRIS_AUTH, NDXP_AUTH, lris_all


@pytest.mark.parametrize("auth", [None, ("chiso", "wrong"), ("admin", "lris-demo-password")])
def test_lris_needs_basic_credentials(clean_sim: SimulatorHandle, session: requests.Session,
                                      auth: tuple[str, str] | None) -> None:
    answer = session.get(f"{clean_sim.url('lris')}/api/bao-cao", auth=auth)
    assert answer.status_code == 401
    assert answer.headers["WWW-Authenticate"].startswith("Basic")


@pytest.mark.parametrize("path,frame,key", [
    ("/api/che-do-bao-cao", "report_regimes", "ma_che_do"),
    ("/api/bao-cao", "report_submissions", "ma_bao_cao"),
])
def test_lris_link_paging_returns_every_record_once(clean_sim: SimulatorHandle,
                                                    session: requests.Session,
                                                    path: str, frame: str, key: str) -> None:
    expected = getattr(clean_sim.province, frame)
    records, pages = lris_all(session, clean_sim.base_url, path, per_page=7)
    keys = [r[key] for r in records]
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == set(expected[key])
    assert pages == -(-len(expected) // 7)
    assert list(records[0]) == FIELDS[f"/lris{path}"]
    assert pd.Series([r["ngay_cap_nhat"] for r in records]).str.fullmatch(
        r"\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}").all()


def test_lris_last_page_has_no_next_link(clean_sim: SimulatorHandle,
                                         session: requests.Session) -> None:
    url = f"{clean_sim.url('lris')}/api/che-do-bao-cao"
    first = session.get(url, params={"per_page": 5}, auth=LRIS_AUTH)
    assert first.links["next"]["url"].startswith(f"{url}?page=2&per_page=5")
    total = int(first.headers["X-Total-Count"])
    last = session.get(url, params={"per_page": 5, "page": -(-total // 5)}, auth=LRIS_AUTH)
    assert "next" not in last.links and 0 < len(last.json()) <= 5
    assert session.get(url, params={"per_page": 501}, auth=LRIS_AUTH).status_code == 400
    assert session.get(url, params={"page": 0}, auth=LRIS_AUTH).status_code == 400


def test_lris_updated_since(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    subs = clean_sim.province.report_submissions
    since = pd.Timestamp("2024-10-01 00:00:00")
    records, _ = lris_all(session, clean_sim.base_url, "/api/bao-cao", per_page=500,
                          updated_since=since.strftime("%Y-%m-%d %H:%M:%S"))
    assert {r["ma_bao_cao"] for r in records} == set(
        subs.loc[subs["ngay_cap_nhat"] >= since, "ma_bao_cao"])
    bad = session.get(f"{clean_sim.url('lris')}/api/bao-cao",
                      params={"updated_since": "01/10/2024"}, auth=LRIS_AUTH)
    assert bad.status_code == 400 and "'updated_since'" in bad.json()["message"]


@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"},
                                     {"X-API-Key": "ndxp-demo-token"}])
def test_ndxp_needs_the_static_token(clean_sim: SimulatorHandle, session: requests.Session,
                                     headers: dict[str, str]) -> None:
    answer = session.get(f"{clean_sim.url('ndxp')}/api/ung-dung", headers=headers)
    assert answer.status_code == 401


@pytest.mark.parametrize("path,frame,date_field", [
    ("/api/dich-vu-du-lieu", "data_services", "tuNgay"),
    ("/api/ung-dung", "shared_data_apps", "tuNgay"),
])
def test_ndxp_returns_plain_arrays(clean_sim: SimulatorHandle, session: requests.Session,
                                   path: str, frame: str, date_field: str) -> None:
    answer = session.get(f"{clean_sim.url('ndxp')}{path}", headers=NDXP_AUTH)
    assert answer.status_code == 200
    records = answer.json()
    assert isinstance(records, list)
    assert len(records) == len(getattr(clean_sim.province, frame))
    assert list(records[0]) == FIELDS[f"/ndxp{path}"]
    dates = pd.Series([r[date_field] for r in records]).dropna()
    assert dates.str.fullmatch(r"\d{4}-\d{2}-\d{2}").all()
