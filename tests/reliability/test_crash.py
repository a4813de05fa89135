"""kill -9 at a chosen point of `chiso run --period 2024`, then the same command again.

The run is a real `chiso run` in a child process (against a simulator served by this
process); `CHISO_CRASH_AT` makes it SIGKILL itself at one of `flows.crash_points.POINTS`.
What must hold after the crash: every load in the ledger completed (the killed one left
no row, no raw row, no staging row, no watermark), and the snapshot analysts open is the
previous one, untouched, or absent. After a rerun without the crash: staging and marts
equal those of one clean run (row counts and content hashes), the rerun has exactly one
completed ledger row per endpoint, and the snapshot is complete.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pytest

from flows.crash_points import CRASH_ENV, POINTS
from flows.prefect_flows import nightly_flow
from flows.settings import load_settings
from simulator import ENTITIES, SimulatorHandle, start_simulator
from tests.reliability.conftest import SEED, reliability_config
from tests.reliability.content import (
    Content,
    content_of_file,
    differences,
    file_identity,
    rows_extra,
    rows_missing,
)
from tests.reliability.figures import FigureBook

REPO = Path(__file__).resolve().parents[2]
ROW = "kill -9 mid-load"
# The n-th arrival at each point: the 4th page fetched is the second page of TTHC's
# dossiers (units and procedures fit one page each); the 3rd commit is the dossiers'.
CRASHES = {
    "mid-fetch": "mid-fetch@4",
    "mid-load": "mid-load@3",
    "after-commit-before-publish": "after-commit-before-publish",
}


@pytest.fixture(scope="module")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(scale=0.002, seed=SEED) as handle:
        yield handle


@dataclass(frozen=True)
class CleanRun:
    directory: Path
    warehouse: Content
    snapshot: Content


@pytest.fixture(scope="module")
def clean_run(
    prefect_api: str, sim: SimulatorHandle, tmp_path_factory: pytest.TempPathFactory
) -> CleanRun:
    """One clean run: its files, and staging and marts in the warehouse and snapshot."""
    directory = tmp_path_factory.mktemp("clean")
    result = nightly_flow(periods=["2024"], config=str(reliability_config(directory, sim.base_url)))
    assert result.published, result.problems
    return CleanRun(
        directory, content_of_file(directory / "chiso.duckdb"), content_of_file(result.snapshot)
    )


def copy_published(clean: CleanRun, directory: Path) -> None:
    """The clean run's warehouse and snapshot, as the previous good state of `directory`."""
    (directory / "published").mkdir(parents=True)
    for name in ("chiso.duckdb", "published/chiso.duckdb"):
        shutil.copy2(clean.directory / name, directory / name)


def chiso_run(config: Path, prefect_api: str, crash_at: str) -> subprocess.CompletedProcess[str]:
    """`chiso run --period 2024` in a child process that crashes where told."""
    env = {**os.environ, CRASH_ENV: crash_at, "PREFECT_API_URL": prefect_api}
    return subprocess.run(
        [sys.executable, "-c", "from flows.cli import main; main()",
         "run", "--period", "2024", "--config", str(config)],
        cwd=REPO, env=env, capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


def ledger(db: Path, run_id: str | None = None) -> list[tuple[str, str, int, int]]:
    """(source, entity, loads, completed loads), optionally of one run."""
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(
            "SELECT source, entity, count(*), count(*) FILTER (status = 'completed') "
            "FROM meta.load WHERE ? IS NULL OR run_id = ? GROUP BY ALL ORDER BY ALL",
            [run_id, run_id],
        ).fetchall()


def orphans(db: Path) -> int:
    """Raw rows, staging rows and watermarks whose load has no completed ledger row."""
    with duckdb.connect(str(db), read_only=True) as con:
        done = "(SELECT load_id FROM meta.load WHERE status = 'completed')"
        total = 0
        for entity in ENTITIES:
            for layer in ("raw", "staging"):
                total += con.execute(
                    f"SELECT count(*) FROM {layer}.{entity} WHERE _load_id NOT IN {done}"
                ).fetchall()[0][0]
        total += con.execute(
            f"SELECT count(*) FROM meta.watermark WHERE load_id NOT IN {done}"
        ).fetchall()[0][0]
    return int(total)


def leftovers(directory: Path) -> list[str]:
    """Half-written snapshot files beside the published one."""
    return sorted(p.name for p in directory.glob(".*.tmp")) if directory.is_dir() else []


def test_every_crash_point_is_tested() -> None:
    assert set(CRASHES) == set(POINTS)


@pytest.mark.parametrize("point", list(CRASHES))
def test_a_rerun_after_kill_9_equals_one_clean_run(
    point: str,
    prefect_api: str,
    sim: SimulatorHandle,
    clean_run: CleanRun,
    tmp_path: Path,
    figures: FigureBook,
) -> None:
    config = reliability_config(tmp_path, sim.base_url)
    settings = load_settings(config)
    db, snapshot = settings.warehouse.path, settings.warehouse.snapshot_path
    previous = None
    if point == "after-commit-before-publish":  # a previous snapshot that must survive
        copy_published(clean_run, tmp_path)
        previous = file_identity(snapshot)

    crashed = chiso_run(config, prefect_api, CRASHES[point])

    kept = None if previous is None else file_identity(snapshot) == previous
    assert crashed.returncode == -signal.SIGKILL, crashed.stderr[-2000:]
    after_crash = ledger(db)
    assert all(loads == completed for _, _, loads, completed in after_crash)
    assert orphans(db) == 0  # the killed load left nothing behind
    if previous is None:
        assert 0 < len(after_crash) < len(ENTITIES)  # killed mid-run, not before or after
        assert not snapshot.exists()
    else:
        assert kept  # the previous snapshot: not replaced, not half-written
    assert leftovers(snapshot.parent) == []

    result = nightly_flow(periods=["2024"], config=str(config))

    warehouse, published = content_of_file(db), content_of_file(snapshot)
    clean_warehouse, clean_snapshot = clean_run.warehouse, clean_run.snapshot
    figures.record(
        ROW,
        faults_injected=int(crashed.returncode == -signal.SIGKILL),
        rows_lost=rows_missing(clean_warehouse, warehouse),
        duplicate_keys=rows_extra(clean_warehouse, warehouse),
        kept_previous=kept,
    )
    assert result.published, result.problems
    assert differences(clean_warehouse, warehouse) == {}
    assert differences(clean_snapshot, published) == {}
    rerun = ledger(db, result.run_id)
    assert len(rerun) == len(ENTITIES)
    assert all((loads, completed) == (1, 1) for _, _, loads, completed in rerun)
    assert orphans(db) == 0
