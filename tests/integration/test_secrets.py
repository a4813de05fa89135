"""A sentinel credential never reaches a log line, an error, the ledger or any table."""

from __future__ import annotations

import logging
from pathlib import Path

import duckdb
import pytest

from flows.prefect_flows import collect_flow
from flows.settings import load_settings
from simulator import start_simulator
from simulator.server import Credentials
from tests.integration.conftest import write_config

SENTINEL = "SENTINEL-5ecret-7f3a9"


def all_text_in(db: Path) -> str:
    """Every VARCHAR/JSON value of every table, as one string."""
    with duckdb.connect(str(db), read_only=True) as con:
        columns = con.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE data_type IN ('VARCHAR', 'JSON') AND table_schema <> 'information_schema'"
        ).fetchall()
        parts = []
        for schema, table, column in columns:
            values = con.execute(
                f'SELECT string_agg(CAST("{column}" AS VARCHAR), \'|\') FROM "{schema}"."{table}"'
            ).fetchone()
            parts.append(values[0] or "")
    return "\n".join(parts)


def test_sentinel_secret_absent_on_success_and_on_401(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    for variable in ("TTHC_CLIENT_SECRET", "IOFFICE_API_KEY", "LRIS_PASSWORD", "NDXP_TOKEN"):
        monkeypatch.setenv(f"CHISO_{variable}", SENTINEL)
    accepts_sentinel = Credentials(
        tthc_client_secret=SENTINEL,
        ioffice_api_key=SENTINEL,
        lris_password=SENTINEL,
        ndxp_token=SENTINEL,
    )
    with start_simulator(scale=0.002, seed=5, credentials=accepts_sentinel) as sim:
        config = write_config(tmp_path, sim.base_url)
        ok = collect_flow(config=str(config))
    with start_simulator(scale=0.002, seed=5) as wrong:  # refuses the sentinel: 401s
        config_401 = write_config(tmp_path / "refused", wrong.base_url)
        refused = collect_flow(config=str(config_401))

    assert {s.status for s in ok} == {"completed"}
    assert {s.status for s in refused} == {"failed"}
    assert all("401" in s.message or "HTTP 4" in s.message for s in refused)
    assert SENTINEL not in caplog.text
    assert all(SENTINEL not in s.message for s in refused)
    for settings_path in (config, config_401):
        assert SENTINEL not in all_text_in(load_settings(settings_path).warehouse.path)
