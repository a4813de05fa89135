"""Integration fixtures: one Prefect test server, one small simulator, a warehouse per test."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from simulator import SimulatorHandle, start_simulator

SCALE = 0.01
SEED = 89
REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="session", autouse=True)
def prefect_harness(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One isolated Prefect server for the whole session (it takes ~10 s to start)."""
    os.environ["PREFECT_HOME"] = str(tmp_path_factory.mktemp("prefect-home"))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatorHandle]:
    with start_simulator(scale=SCALE, seed=SEED) as handle:
        yield handle


def write_config(directory: Path, base_url: str) -> Path:
    """A config whose warehouse lives in `directory` and whose sources are `base_url`."""
    text = (REPO / "flows" / "chiso.toml").read_text(encoding="utf-8")
    text = text.replace('path = "var/chiso.duckdb"', f'path = "{directory / "chiso.duckdb"}"')
    text = text.replace(
        'snapshot_path = "var/published/chiso.duckdb"',
        f'snapshot_path = "{directory / "published" / "chiso.duckdb"}"',
    )
    text = text.replace('dir = "declarations"', f'dir = "{REPO / "declarations"}"')
    text = text.replace("http://127.0.0.1:8765", base_url)
    target = directory / "chiso.toml"
    directory.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8")
    return target


@pytest.fixture
def config(tmp_path: Path, sim: SimulatorHandle) -> Path:
    return write_config(tmp_path, sim.base_url)
