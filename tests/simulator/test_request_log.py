"""The request log: which endpoints were fetched, with which parameters."""

from __future__ import annotations

import requests

from simulator import RequestRecord, SimulatorHandle
from tests.simulator.helpers import IOFFICE_KEY, NDXP_AUTH, tthc_all


def test_every_call_is_logged_without_credentials(clean_sim: SimulatorHandle,
                                                  session: requests.Session) -> None:
    tthc_all(session, clean_sim.base_url, "/api/thutuc", size=1000,
             tuNgay="01/01/2024 00:00:00")
    session.get(f"{clean_sim.url('ioffice')}/api/v1/van-ban-di",
                params={"limit": 5}, headers=IOFFICE_KEY)
    session.get(f"{clean_sim.url('ndxp')}/api/ung-dung")  # refused: still logged
    session.get(f"{clean_sim.url('ndxp')}/api/ung-dung", headers=NDXP_AUTH)
    log = clean_sim.requests
    assert log[0] == RequestRecord("tthc", "/oauth/token", {})
    assert log[1] == ("tthc", "/api/thutuc",
                      {"size": "1000", "tuNgay": "01/01/2024 00:00:00", "page": "0"})
    assert [(r.system, r.path) for r in log[-3:]] == [
        ("ioffice", "/api/v1/van-ban-di"), ("ndxp", "/api/ung-dung"), ("ndxp", "/api/ung-dung")]
    assert log[-3].params == {"limit": "5"}
    assert not any("secret" in str(r) or "demo" in str(r) for r in log)
    clean_sim.clear_requests()
    assert clean_sim.requests == []
