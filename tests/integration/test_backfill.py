"""`backfill` of 2023–2024: interrupted midway and run again, it ends equal to one
clean run, without redoing the steps already done."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import flows.dispute_flows as dispute_flows
from flows.dispute_flows import backfill_flow
from flows.settings import load_settings
from simulator import SimulatorHandle
from warehouse.connection import open_reader

SCORES = (
    "SELECT framework, unit_code, period, criterion, points, status, rate FROM marts.score "
    "ORDER BY ALL"
)
MEASURES = (
    "SELECT unit_code, period, measure_key, origin, value_num, value_text FROM marts.measure "
    "ORDER BY ALL"
)


def _content(config: Path) -> dict[str, list[tuple[Any, ...]]]:
    with open_reader(load_settings(config).warehouse.path) as con:
        return {
            "scores": con.execute(SCORES).fetchall(),
            "measures": con.execute(MEASURES).fetchall(),
            "staging": con.execute(
                "SELECT count(*), count(DISTINCT dossier_id) FROM staging.dossier"
            ).fetchall(),
            "steps": con.execute("SELECT * FROM meta.backfill_step").fetchall(),
        }


def test_an_interrupted_backfill_resumes_and_ends_as_one_clean_run(
    tmp_path: Path, sim: SimulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.integration.conftest import write_config

    clean = write_config(tmp_path / "clean", sim.base_url)
    assert backfill_flow(first="2023", last="2024", config=str(clean)).snapshot is not None

    resumed = write_config(tmp_path / "resumed", sim.base_url)
    real_build = dispute_flows.build_period_task

    def interrupted(settings: Any, period: str, *args: Any) -> Any:
        if period == "2024":
            raise KeyboardInterrupt("the machine went down")
        return real_build(settings, period, *args)

    monkeypatch.setattr(dispute_flows, "build_period_task", interrupted)
    with pytest.raises(KeyboardInterrupt):
        backfill_flow(first="2023", last="2024", config=str(resumed))
    monkeypatch.setattr(dispute_flows, "build_period_task", real_build)
    with open_reader(load_settings(resumed).warehouse.path) as con:
        steps = {s for (s,) in con.execute("SELECT step FROM meta.backfill_step").fetchall()}
    assert steps == {"collect", "build 2023"}

    again = backfill_flow(first="2023", last="2024", config=str(resumed))
    assert again.collected == []  # the collection was done before the interruption
    assert [b.period for b in again.built] == ["2024"]
    assert _content(resumed) == _content(clean)
    assert _content(resumed)["steps"] == []
