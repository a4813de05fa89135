"""Late data: status changes and new dossiers seen by incremental pulls."""

from __future__ import annotations

from typing import Any

import pandas as pd
import pytest
import requests

from simulator import SimulatorHandle, start_simulator
from tests.simulator.helpers import tthc_all

TTHC_DATE = "%d/%m/%Y %H:%M:%S"


def _since(handle: SimulatorHandle, session: requests.Session,
           stamp: pd.Timestamp) -> list[dict[str, Any]]:
    return tthc_all(session, handle.base_url, "/api/hoso", size=1000,
                    tuNgay=stamp.strftime(TTHC_DATE))


def test_a_late_status_change_reaches_an_incremental_pull(own_sim: SimulatorHandle,
                                                          session: requests.Session) -> None:
    d = own_sim.province.dossiers
    target = d[d["TrangThai"] == "dang_xu_ly"]["MaHoSo"].iloc[0]
    start = own_sim.now
    assert own_sim.now == own_sim.province.now
    stamp = own_sim.update_dossier(target, status="resolved", e_result=True)
    assert stamp == start + pd.Timedelta(minutes=1) == own_sim.now
    fresh = _since(own_sim, session, start + pd.Timedelta(seconds=1))
    assert [r["MaHoSo"] for r in fresh] == [target]
    record = fresh[0]
    assert record["TrangThai"] == "da_giai_quyet" and record["CoKetQuaDienTu"] is True
    assert record["NgayKetThuc"] == record["NgayCapNhat"] == stamp.strftime(TTHC_DATE)
    # reopen it at a given time, then change the channel with a source code
    own_sim.update_dossier(target, at="2025-01-16 09:00:00", status="in_progress")
    own_sim.update_dossier(target, KenhNop="buu_chinh")
    row = own_sim.province.dossiers.set_index("MaHoSo").loc[target]
    assert row["TrangThai"] == "dang_xu_ly" and pd.isna(row["NgayKetThuc"])
    assert row["KenhNop"] == "buu_chinh"
    assert row["NgayCapNhat"] == pd.Timestamp("2025-01-16 09:01:00")
    with pytest.raises(KeyError):
        own_sim.update_dossier("no-such-dossier", status="resolved")


def test_added_dossiers_arrive_late(own_sim: SimulatorHandle, session: requests.Session) -> None:
    before = len(own_sim.province.dossiers)
    ids = own_sim.add_dossiers(4, at="2025-01-15 10:00:00",
                               received_between=("2024-12-01", "2025-01-01"))
    assert len(own_sim.province.dossiers) == before + 4
    assert own_sim.province.dossiers["MaHoSo"].is_unique
    fresh = _since(own_sim, session, pd.Timestamp("2025-01-15 10:00:00"))
    assert sorted(r["MaHoSo"] for r in fresh) == sorted(ids)
    assert all(r["NgayTiepNhan"].endswith("/12/2024 " + r["NgayTiepNhan"][-8:]) for r in fresh)
    everything = tthc_all(session, own_sim.base_url, "/api/hoso", size=1000)
    assert len(everything) == before + 4


def test_generic_update_record(own_sim: SimulatorHandle) -> None:
    unit = own_sim.province.connected_units["maDonVi"].iloc[-1]
    own_sim.update_record("connected_unit", unit, ketNoi4Cap=False, ngayKetNoi=None)
    row = own_sim.province.connected_units.set_index("maDonVi").loc[unit]
    assert not row["ketNoi4Cap"] and pd.isna(row["ngayKetNoi"])
    assert row["ngayCapNhat"] == own_sim.now


def test_stop_closes_kept_alive_connections(session: requests.Session) -> None:
    handle = start_simulator(scale=0.0005, years=(2024,))
    url = f"{handle.url('ndxp')}/api/ung-dung"
    headers = {"Authorization": "Bearer ndxp-demo-token"}
    assert session.get(url, headers=headers, timeout=5).status_code == 200
    handle.stop()
    with pytest.raises(requests.ConnectionError):
        session.get(url, headers=headers, timeout=5)
