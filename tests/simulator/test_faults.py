"""Fault knobs, driven by a FaultPlan per endpoint."""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

import pytest
import requests

from simulator import FaultPlan, SimulatorHandle, http_date_in
from tests.simulator.helpers import IOFFICE_KEY, LRIS_AUTH, NDXP_AUTH, tthc_all, tthc_token

NDXP_APPS = "/ndxp/api/ung-dung"


def _get(session: requests.Session, sim: SimulatorHandle, path: str = NDXP_APPS
         ) -> requests.Response:
    return session.get(f"{sim.base_url}{path}", headers=NDXP_AUTH, timeout=10)


def test_statuses_then_normal(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    plan = clean_sim.set_fault(NDXP_APPS, FaultPlan(statuses=[500, 502]))
    assert [_get(session, clean_sim).status_code for _ in range(3)] == [500, 502, 200]
    assert plan.statuses == []
    first = clean_sim.requests[0]
    assert (first.system, first.path) == ("ndxp", "/api/ung-dung")


def test_a_middle_page_fails(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    clean_sim.set_fault("/lris/api/che-do-bao-cao", FaultPlan(statuses=[None, 200, 500]))
    url = f"{clean_sim.url('lris')}/api/che-do-bao-cao"
    first = session.get(url, params={"per_page": 2}, auth=LRIS_AUTH)
    second = session.get(first.links["next"]["url"], auth=LRIS_AUTH)
    third = session.get(second.links["next"]["url"], auth=LRIS_AUTH)
    again = session.get(second.links["next"]["url"], auth=LRIS_AUTH)
    assert [r.status_code for r in (first, second, third, again)] == [200, 200, 500, 200]
    assert len(again.json()) == 2


def test_always_status_and_wildcards(clean_sim: SimulatorHandle,
                                     session: requests.Session) -> None:
    clean_sim.set_fault("/ndxp/*", FaultPlan(always_status=503))
    assert all(_get(session, clean_sim).status_code == 503 for _ in range(3))
    assert _get(session, clean_sim, "/ndxp/api/dich-vu-du-lieu").json()["error"] == (
        "service_unavailable")
    clean_sim.clear_faults("/ndxp/*")
    assert _get(session, clean_sim).status_code == 200


def test_429_with_retry_after_seconds_or_http_date(clean_sim: SimulatorHandle,
                                                   session: requests.Session) -> None:
    clean_sim.set_fault(NDXP_APPS, FaultPlan(statuses=[429], retry_after=2))
    limited = _get(session, clean_sim)
    assert limited.status_code == 429 and limited.headers["Retry-After"] == "2"
    clean_sim.set_fault(NDXP_APPS, FaultPlan(statuses=[429], retry_after=http_date_in(30)))
    limited = _get(session, clean_sim)
    wait = parsedate_to_datetime(limited.headers["Retry-After"]).timestamp() - time.time()
    assert 25 < wait <= 31
    assert _get(session, clean_sim).status_code == 200


def test_delay(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    clean_sim.set_fault(NDXP_APPS, FaultPlan(delay_s=0.3, delay_requests=1))
    started = time.perf_counter()
    assert _get(session, clean_sim).status_code == 200
    assert time.perf_counter() - started >= 0.3
    with pytest.raises(requests.Timeout):
        clean_sim.set_fault(NDXP_APPS, FaultPlan(delay_s=0.5))
        session.get(f"{clean_sim.base_url}{NDXP_APPS}", headers=NDXP_AUTH, timeout=0.1)


def test_truncated_body_then_normal(clean_sim: SimulatorHandle,
                                    session: requests.Session) -> None:
    clean_sim.set_fault(NDXP_APPS, FaultPlan(truncate_responses=1))
    cut = _get(session, clean_sim)
    assert cut.status_code == 200
    with pytest.raises(ValueError):
        cut.json()
    assert isinstance(_get(session, clean_sim).json(), list)


def test_truncated_connection(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    clean_sim.set_fault(NDXP_APPS, FaultPlan(truncate_responses=1, truncate_mode="connection"))
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        _get(session, clean_sim)
    assert isinstance(_get(session, clean_sim).json(), list)


def test_duplicate_across_pages(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    clean_sim.set_fault("/tthc/api/thutuc", FaultPlan(duplicate_pages=2))
    records = tthc_all(session, clean_sim.base_url, "/api/thutuc", size=30)
    keys = [r["MaTTHC"] for r in records]
    assert len(keys) == len(clean_sim.province.procedures) + 2
    assert set(keys) == set(clean_sim.province.procedures["MaTTHC"])
    assert keys[29] == keys[30] and keys[60] == keys[61]  # page 2 has 31 records


def test_duplicate_across_cursor_pages(clean_sim: SimulatorHandle,
                                       session: requests.Session) -> None:
    clean_sim.set_fault("/ioffice/api/v1/don-vi-lien-thong", FaultPlan(duplicate_pages=1))
    url = f"{clean_sim.url('ioffice')}/api/v1/don-vi-lien-thong?limit=50"
    first = session.get(url, headers=IOFFICE_KEY).json()
    second = session.get(first["next"], headers=IOFFICE_KEY).json()
    assert second["data"][0] == first["data"][-1] and len(second["data"]) == 51


def test_empty_page_keeps_paging(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    clean_sim.set_fault("/lris/api/che-do-bao-cao", FaultPlan(empty_pages=1))
    url = f"{clean_sim.url('lris')}/api/che-do-bao-cao"
    empty = session.get(url, params={"per_page": 5}, auth=LRIS_AUTH)
    assert empty.json() == [] and "next" in empty.links
    assert len(session.get(url, params={"per_page": 5}, auth=LRIS_AUTH).json()) == 5


def test_schema_drift_for_n_records(clean_sim: SimulatorHandle,
                                    session: requests.Session) -> None:
    plan = clean_sim.set_fault("/tthc/api/giaodich", FaultPlan(
        replace_values={"SoTien": "N/A"}, rename_fields={"NgayCapNhat": "ngayCapNhat"},
        drift_records=3))
    headers = {"Authorization": f"Bearer {tthc_token(session, clean_sim.base_url)}"}
    records = [
        r
        for page in (0, 1)
        for r in session.get(f"{clean_sim.url('tthc')}/api/giaodich",
                             params={"size": 2, "page": page}, headers=headers).json()["content"]
    ]
    assert [r["SoTien"] for r in records[:4]][:3] == ["N/A"] * 3
    assert isinstance(records[3]["SoTien"], int)
    assert all("ngayCapNhat" in r and "NgayCapNhat" not in r for r in records[:3])
    assert "NgayCapNhat" in records[3]
    assert plan.drift_records == 0


def test_token_endpoint_faults(clean_sim: SimulatorHandle, session: requests.Session) -> None:
    clean_sim.set_fault("/tthc/oauth/token", FaultPlan(statuses=[503]))
    url = f"{clean_sim.url('tthc')}/oauth/token"
    data = {"grant_type": "client_credentials"}
    assert session.post(url, data=data, auth=("chiso", "tthc-demo-secret")).status_code == 503
    assert session.post(url, data=data, auth=("chiso", "tthc-demo-secret")).status_code == 200
