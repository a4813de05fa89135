"""Disputes end to end: a late correction in the source, a rerun of one criterion, its
revision, overrides through a nightly run, the scores as published on a date, hostile
arguments refused.

A small province (scale 0.002) so that one corrected dossier moves PAR7 7.3.6 by more
than the 0.01 the table prints.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from typer.testing import CliRunner

from flows.cli import app
from flows.dispute_flows import override_set_flow, override_withdraw_flow, rerun_flow
from flows.explain import explain
from flows.prefect_flows import nightly_flow
from flows.settings import Settings, load_settings
from simulator import SimulatorHandle, start_simulator
from warehouse.connection import open_reader
from warehouse.revisions import scores_as_of


@pytest.fixture(scope="module")
def small_sim() -> Iterator[SimulatorHandle]:
    with start_simulator(scale=0.002, seed=89) as handle:
        yield handle


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, small_sim: SimulatorHandle) -> Path:
    from tests.integration.conftest import write_config

    config = write_config(tmp_path_factory.mktemp("disputes"), small_sim.base_url)
    result = nightly_flow(periods=["2024"], config=str(config))
    assert result.published
    return config


def _settings(config: Path) -> Settings:
    return load_settings(config)


def _score(config: Path, criterion: str, framework: str = "par7-2024") -> tuple[Decimal, str]:
    with open_reader(_settings(config).warehouse.path) as con:
        row = con.execute(
            "SELECT points, status FROM marts.score WHERE framework = $f AND period = '2024' "
            "AND unit_code = '89' AND criterion = $c",
            {"f": framework, "c": criterion},
        ).fetchone()
    assert row is not None
    return row[0], row[1]


def _all_scores(config: Path) -> list[tuple[object, ...]]:
    with open_reader(_settings(config).warehouse.path) as con:
        return con.execute(
            "SELECT framework, unit_code, period, criterion, points, status FROM marts.score "
            "ORDER BY ALL"
        ).fetchall()


def _offline_full_dossier(config: Path) -> str:
    with open_reader(_settings(config).warehouse.path) as con:
        con.execute("SET search_path = 'intermediate'")
        row = con.execute(
            "SELECT dossier_id FROM intermediate.dossier_fact WHERE service_level = 'full' "
            "AND channel = 'offline' AND status = 'resolved' "
            "AND resolved_at >= TIMESTAMP '2024-01-01' AND resolved_at < TIMESTAMP '2025-01-01' "
            "ORDER BY dossier_id LIMIT 1"
        ).fetchone()
    assert row is not None
    return str(row[0])


def test_rerun_fetches_only_the_dossiers_and_records_the_revision(
    built: Path, small_sim: SimulatorHandle
) -> None:
    before_points, _ = _score(built, "7.3.6")
    published_before = datetime.now()
    dossier = _offline_full_dossier(built)
    small_sim.update_dossier(dossier, channel="online")
    small_sim.clear_requests()

    result = rerun_flow(
        framework="par7-2024", criterion="7.3.6", unit="89", period="2024",
        reason="Sở Tư pháp: hồ sơ nộp trực tuyến bị ghi nhầm", operator="tester",
        config=str(built),
    )  # fmt: skip

    assert result.plan is not None and result.plan.endpoints == (("tthc", "dossier"),)
    fetched = {(r.system, r.path) for r in small_sim.requests}
    assert ("tthc", "/api/hoso") in fetched
    assert fetched <= {("tthc", "/oauth/token"), ("tthc", "/api/hoso")}
    after_points, _ = _score(built, "7.3.6")
    assert after_points > before_points
    revision = result.revisions[
        (result.revisions["criterion"] == "7.3.6") & (result.revisions["unit_code"] == "89")
    ]
    assert len(revision) == 1
    assert Decimal(str(revision.iloc[0]["points_before"])) == before_points
    assert Decimal(str(revision.iloc[0]["points_after"])) == after_points
    assert "ghi nhầm" in revision.iloc[0]["reason"] and revision.iloc[0]["cause"] == "rerun"
    assert dossier in _records_counted(
        built, "7.3.6", "dossiers_resolved{channel=online,service_level=full}"
    )

    with open_reader(_settings(built).warehouse.path) as con:
        then = scores_as_of(con, "par7-2024", "2024", published_before)
        now = scores_as_of(con, "par7-2024", "2024", datetime.now())
    pick = (then["unit_code"] == "89") & (then["criterion"] == "7.3.6")
    assert Decimal(str(then[pick].iloc[0]["points"])) == before_points
    now_pick = (now["unit_code"] == "89") & (now["criterion"] == "7.3.6")
    assert Decimal(str(now[now_pick].iloc[0]["points"])) == after_points


def _records_counted(config: Path, criterion: str, key: str) -> set[str]:
    """The record ids `chiso explain` says a measure counts (its SQL, run as given)."""
    explanation = explain(_settings(config), "par7-2024", criterion, "89", "2024")
    measure = next(m for m in explanation.measures if m.key == key)
    collected = next(r.collected for r in measure.rows if r.collected is not None)
    with open_reader(_settings(config).warehouse.path) as con:
        rows = con.execute(collected.sql).fetchall()
        columns = [d[0] for d in con.description]
    position = columns.index(collected.record_id_column)
    assert len(rows) == collected.record_count
    return {str(row[position]) for row in rows}


def test_a_rerun_with_no_change_records_nothing_and_changes_nothing(built: Path) -> None:
    before = _all_scores(built)
    result = rerun_flow(
        framework="par7-2024", criterion="7.3.6", unit="89", period="2024",
        reason="kiểm tra lại", operator="tester", config=str(built),
    )  # fmt: skip
    assert result.revisions.empty
    assert _all_scores(built) == before


def test_an_override_is_kept_through_a_nightly_run_until_withdrawn(
    built: Path, small_sim: SimulatorHandle
) -> None:
    original, _ = _score(built, "7.1.3")
    result = override_set_flow(
        measure="apps_with_shared_data", unit="89", period="2024", value="5",
        evidence="Công văn 123/STTTT-CNTT (kiểm kê lại)", reason="kiểm kê lại ứng dụng",
        operator="tester", config=str(built),
    )  # fmt: skip
    assert result.override is not None
    overridden, _ = _score(built, "7.1.3")
    assert overridden != original
    revised = result.revisions
    assert ((revised["criterion"] == "7.1.3") & (revised["cause"] == "override")).any()

    nightly = nightly_flow(periods=["2024"], config=str(built), base_url=small_sim.base_url)
    assert nightly.published
    assert _score(built, "7.1.3")[0] == overridden
    with open_reader(_settings(built).warehouse.path) as con:
        origin = con.execute(
            "SELECT origin, evidence FROM marts.measure WHERE period = '2024' AND unit_code = '89' "
            "AND measure_key = 'apps_with_shared_data' AND origin = 'override'"
        ).fetchone()
    assert origin is not None and "123/STTTT-CNTT" in origin[1]
    shown = explain(_settings(built), "par7-2024", "7.1.3", "89", "2024")
    inventory = next(m for m in shown.measures if m.key == "apps_with_shared_data")
    used = next(r for r in inventory.rows if r.used)
    assert used.origin == "override" and used.declared is not None
    assert used.declared.reason == "kiểm kê lại ứng dụng"

    withdrawn = override_withdraw_flow(
        override_id=result.override.override_id, reason="đã có số liệu chính thức",
        operator="tester", config=str(built),
    )  # fmt: skip
    assert _score(built, "7.1.3")[0] == original
    assert (withdrawn.revisions["criterion"] == "7.1.3").any()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--criterion", "7.3.6'; drop table marts.score; --"], "has no criterion"),
        (["--unit", "999999"], "is not a unit"),
        (["--period", "2024-13"], "2024-13"),
        (["--framework", "par7-2024; rm -rf /"], "unknown framework"),
    ],
)
def test_hostile_arguments_are_refused_and_change_nothing(
    built: Path, args: list[str], message: str
) -> None:
    before = _all_scores(built)
    base = {"--framework": "par7-2024", "--criterion": "7.3.6", "--unit": "89",
            "--period": "2024"}  # fmt: skip
    base.update(dict(zip(args[::2], args[1::2], strict=True)))
    argv = ["rerun", *[x for pair in base.items() for x in pair],
            "--reason", "test", "--config", str(built)]  # fmt: skip
    result = CliRunner().invoke(app, argv)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert _all_scores(built) == before


def test_history_lists_the_revisions_of_a_score(built: Path) -> None:
    result = CliRunner().invoke(
        app,
        ["history", "--framework", "par7-2024", "--criterion", "7.3.6", "--unit", "89",
         "--period", "2024", "--config", str(built)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "rerun" in result.output and "ghi nhầm" in result.output
