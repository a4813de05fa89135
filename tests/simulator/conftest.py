from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from simulator import Province, SimulatorHandle, generate_province, start_simulator

SCALE = 0.01


@pytest.fixture(scope="session")
def province() -> Province:
    """A read-only province shared by the data tests (do not mutate)."""
    return generate_province(seed=89, scale=SCALE)


@pytest.fixture(scope="session")
def sim() -> Iterator[SimulatorHandle]:
    """A simulator shared by read-only HTTP tests (its own province; faults are
    cleared after each test by `clean_sim`)."""
    with start_simulator(scale=SCALE, seed=89) as handle:
        yield handle


@pytest.fixture
def clean_sim(sim: SimulatorHandle) -> Iterator[SimulatorHandle]:
    """The shared simulator with an empty request log, and no faults left behind."""
    sim.clear_requests()
    sim.clear_faults()
    yield sim
    sim.clear_faults()


@pytest.fixture
def own_sim() -> Iterator[SimulatorHandle]:
    """A private small simulator, for tests that mutate data or tokens."""
    with start_simulator(scale=0.002, seed=7) as handle:
        yield handle


@pytest.fixture
def session() -> Iterator[requests.Session]:
    with requests.Session() as s:
        yield s
