"""TTHC over real HTTP: OAuth2 client credentials, page/size paging, tuNgay/denNgay."""

from __future__ import annotations

import time
from datetime import datetime

import pandas as pd
import pytest
import requests

from simulator import SimulatorHandle
from tests.simulator.helpers import FIELDS, TTHC_CLIENT, tthc_all, tthc_pages, tthc_token

TTHC_DATE = "%d/%m/%Y %H:%M:%S"


def _bearer(session: requests.Session, sim: SimulatorHandle) -> dict[str, str]:
    return {"Authorization": f"Bearer {tthc_token(session, sim.base_url)}"}


def test_token_is_issued_for_client_credentials(clean_sim: SimulatorHandle,
                                                session: requests.Session) -> None:
    answer = session.post(f"{clean_sim.url('tthc')}/oauth/token",
                          data={"grant_type": "client_credentials"}, auth=TTHC_CLIENT)
    assert answer.status_code == 200
    body = answer.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 300
    assert body["access_token"]


@pytest.mark.parametrize("auth", [None, ("chiso", "wrong"), ("other", "tthc-demo-secret")])
def test_token_refused_without_the_client_secret(clean_sim: SimulatorHandle,
                                                 session: requests.Session,
                                                 auth: tuple[str, str] | None) -> None:
    answer = session.post(f"{clean_sim.url('tthc')}/oauth/token",
                          data={"grant_type": "client_credentials"}, auth=auth)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_client"


def test_token_needs_the_client_credentials_grant(clean_sim: SimulatorHandle,
                                                  session: requests.Session) -> None:
    url = f"{clean_sim.url('tthc')}/oauth/token"
    missing = session.post(url, data={}, auth=TTHC_CLIENT)
    assert missing.status_code == 400 and "grant_type" in missing.json()["message"]
    wrong = session.post(url, data={"grant_type": "password"}, auth=TTHC_CLIENT)
    assert wrong.status_code == 400 and wrong.json()["error"] == "unsupported_grant_type"
    assert session.get(url).status_code == 405


@pytest.mark.parametrize("header", [None, "Bearer not-a-token", "Basic Y2hpc286eA=="])
def test_data_needs_a_valid_token(clean_sim: SimulatorHandle, session: requests.Session,
                                  header: str | None) -> None:
    headers = {"Authorization": header} if header else {}
    answer = session.get(f"{clean_sim.url('tthc')}/api/hoso", headers=headers)
    assert answer.status_code == 401
    assert set(answer.json()) == {"error", "message"}
    if header == "Bearer not-a-token":
        assert answer.json()["error"] == "invalid_token"


def test_an_expired_token_gets_invalid_token(own_sim: SimulatorHandle,
                                             session: requests.Session) -> None:
    own_sim.token_lifetime_s = 1
    token = session.post(f"{own_sim.url('tthc')}/oauth/token",
                         data={"grant_type": "client_credentials"}, auth=TTHC_CLIENT).json()
    assert token["expires_in"] == 1
    headers = {"Authorization": f"Bearer {token['access_token']}"}
    url = f"{own_sim.url('tthc')}/api/donvi"
    assert session.get(url, headers=headers).status_code == 200
    time.sleep(1.1)
    expired = session.get(url, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["error"] == "invalid_token"
    assert 'error="invalid_token"' in expired.headers["WWW-Authenticate"]
    # a fresh token works again; expire_tokens() revokes it
    headers = _bearer(session, own_sim)
    assert session.get(url, headers=headers).status_code == 200
    own_sim.expire_tokens()
    assert session.get(url, headers=headers).status_code == 401


@pytest.mark.parametrize("path,frame,key", [
    ("/api/donvi", "units", "MaDonVi"),
    ("/api/thutuc", "procedures", "MaTTHC"),
    ("/api/hoso", "dossiers", "MaHoSo"),
    ("/api/giaodich", "payments", "MaGiaoDich"),
])
def test_paging_returns_every_record_once(clean_sim: SimulatorHandle,
                                          session: requests.Session,
                                          path: str, frame: str, key: str) -> None:
    expected = getattr(clean_sim.province, frame)
    pages = tthc_pages(session, clean_sim.base_url, path, size=997)
    records = [r for p in pages for r in p["content"]]
    keys = [r[key] for r in records]
    assert len(keys) == len(set(keys)) == len(expected)
    assert set(keys) == set(expected[key])
    assert [p["number"] for p in pages] == list(range(len(pages)))
    assert all(p["size"] == 997 and p["totalElements"] == len(expected) for p in pages)
    assert all(len(p["content"]) == 997 for p in pages[:-1])
    assert list(records[0]) == FIELDS[f"/tthc{path}"]
    updated = [datetime.strptime(r["NgayCapNhat"], TTHC_DATE) for r in records]
    assert [(u, k) for u, k in zip(updated, keys, strict=True)] == sorted(zip(updated, keys,
                                                                              strict=True))


def test_default_page_size_and_past_the_end(clean_sim: SimulatorHandle,
                                            session: requests.Session) -> None:
    headers = _bearer(session, clean_sim)
    url = f"{clean_sim.url('tthc')}/api/hoso"
    first = session.get(url, headers=headers).json()
    assert first["size"] == 100 and len(first["content"]) == 100 and first["number"] == 0
    beyond = session.get(url, params={"page": first["totalPages"]}, headers=headers).json()
    assert beyond["content"] == [] and beyond["totalElements"] == first["totalElements"]


def test_tu_ngay_den_ngay_filter_on_last_update(clean_sim: SimulatorHandle,
                                               session: requests.Session) -> None:
    dossiers = clean_sim.province.dossiers
    since, until = pd.Timestamp("2024-12-20 00:00:00"), pd.Timestamp("2025-01-10 12:00:00")
    # the bounds are inclusive: put them exactly on records
    since = dossiers.loc[dossiers["NgayCapNhat"] >= since, "NgayCapNhat"].min()
    until = dossiers.loc[dossiers["NgayCapNhat"] <= until, "NgayCapNhat"].max()
    records = tthc_all(session, clean_sim.base_url, "/api/hoso", size=250,
                       tuNgay=since.strftime(TTHC_DATE), denNgay=until.strftime(TTHC_DATE))
    expected = dossiers[dossiers["NgayCapNhat"].between(since, until)]
    assert sorted(r["MaHoSo"] for r in records) == sorted(expected["MaHoSo"])
    only_since = tthc_all(session, clean_sim.base_url, "/api/hoso", size=1000,
                          tuNgay=since.strftime(TTHC_DATE))
    assert len(only_since) == (dossiers["NgayCapNhat"] >= since).sum()


def test_records_carry_the_source_values(clean_sim: SimulatorHandle,
                                         session: requests.Session) -> None:
    dossiers = clean_sim.province.dossiers
    open_row = dossiers[dossiers["TrangThai"] == "dang_xu_ly"].iloc[0]
    stamp = open_row["NgayCapNhat"].strftime(TTHC_DATE)
    records = tthc_all(session, clean_sim.base_url, "/api/hoso", tuNgay=stamp, denNgay=stamp)
    record = next(r for r in records if r["MaHoSo"] == open_row["MaHoSo"])
    assert record["NgayKetThuc"] is None
    assert record["TrangThai"] == "dang_xu_ly"
    assert record["NgayTiepNhan"] == open_row["NgayTiepNhan"].strftime(TTHC_DATE)
    assert record["MaDonViXuLy"] == open_row["MaDonViXuLy"]
    assert record["DaSoHoa"] is bool(open_row["DaSoHoa"])
    payments = tthc_all(session, clean_sim.base_url, "/api/giaodich", size=1000)
    assert all(isinstance(p["SoTien"], int) for p in payments)


@pytest.mark.parametrize("params,name", [
    ({"size": 1001}, "size"),
    ({"size": 0}, "size"),
    ({"page": -1}, "page"),
    ({"page": "x"}, "page"),
    ({"tuNgay": "2024-01-01"}, "tuNgay"),
    ({"denNgay": "32/01/2024 00:00:00"}, "denNgay"),
    ({"tuNgay": "02/01/2024 00:00:00", "denNgay": "01/01/2024 00:00:00"}, "denNgay"),
])
def test_bad_parameters_get_400_naming_them(clean_sim: SimulatorHandle,
                                            session: requests.Session,
                                            params: dict[str, str | int], name: str) -> None:
    answer = session.get(f"{clean_sim.url('tthc')}/api/hoso", params=params,
                         headers=_bearer(session, clean_sim))
    assert answer.status_code == 400
    assert f"'{name}'" in answer.json()["message"]


def test_unknown_paths_and_methods(clean_sim: SimulatorHandle,
                                   session: requests.Session) -> None:
    headers = _bearer(session, clean_sim)
    assert session.get(f"{clean_sim.url('tthc')}/api/nothing", headers=headers).status_code == 404
    assert session.get(f"{clean_sim.base_url}/elsewhere/api").json()["error"] == "not_found"
    assert session.post(f"{clean_sim.url('tthc')}/api/hoso", headers=headers).status_code == 405
