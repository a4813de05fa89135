"""`collect` against the simulator over loopback: staging equals what it generated."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from connectors.registry import endpoints_of
from flows.prefect_flows import collect_flow
from flows.settings import SOURCES, load_settings
from simulator import ENTITIES, SimulatorHandle

REGISTERS = {spec.entity for source in SOURCES for spec in endpoints_of(source) if spec.register}


def expected_rows(sim: SimulatorHandle, entity: str, since: datetime) -> int:
    attribute, key, updated = ENTITIES[entity]
    frame = getattr(sim.province, attribute)
    if entity in REGISTERS or updated is None:
        return int(frame[key].nunique())
    return int(frame.loc[frame[updated] >= since, key].nunique())


def staging_counts(db: Path) -> dict[str, int]:
    with duckdb.connect(str(db), read_only=True) as con:
        return {e: con.execute(f"SELECT count(*) FROM staging.{e}").fetchone()[0] for e in ENTITIES}


def test_collect_2024_fills_staging_with_what_the_simulator_generated(
    config: Path, sim: SimulatorHandle
) -> None:
    summaries = collect_flow(period="2024", config=str(config))

    assert {s.status for s in summaries} == {"completed"}
    assert len(summaries) == len(ENTITIES)
    db = load_settings(config).warehouse.path
    since = datetime(2024, 1, 1) - timedelta(days=load_settings(config).collect.lookback_days)
    counts = staging_counts(db)
    assert counts == {e: expected_rows(sim, e, since) for e in ENTITIES}
    assert counts["dossier"] > 1000


def test_collecting_again_changes_no_staging_count_and_adds_one_ledger_row_per_load(
    config: Path,
) -> None:
    collect_flow(period="2024", config=str(config))
    db = load_settings(config).warehouse.path
    before = staging_counts(db)

    collect_flow(period="2024", config=str(config))

    assert staging_counts(db) == before
    with duckdb.connect(str(db), read_only=True) as con:
        ledger = con.execute(
            "SELECT source, entity, count(*) FROM meta.load WHERE status = 'completed' GROUP BY ALL"
        ).fetchall()
        raw_dossiers = con.execute("SELECT count(*) FROM raw.dossier").fetchone()[0]
    assert {n for _, _, n in ledger} == {2}
    assert len(ledger) == len(ENTITIES)
    assert raw_dossiers == 2 * before["dossier"]  # raw is append-only, staging merges


def test_one_source_only(config: Path, sim: SimulatorHandle) -> None:
    sim.clear_requests()
    summaries = collect_flow(source="ndxp", config=str(config))
    assert {s.source for s in summaries} == {"ndxp"}
    assert {r.system for r in sim.requests} == {"ndxp"}


def test_a_second_run_on_the_same_warehouse_stops_at_once(config: Path) -> None:
    from prefect.states import State

    from warehouse.connection import WarehouseBusy, run_lock

    with run_lock(load_settings(config).warehouse.path):
        state = collect_flow(source="ndxp", config=str(config), return_state=True)
    assert isinstance(state, State) and state.is_failed()
    with pytest.raises(WarehouseBusy, match="another chiso run holds the warehouse"):
        state.result()
