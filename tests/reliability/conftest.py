"""Reliability fixtures: a Prefect API for the flows, simulators of our own (these tests
inject faults and mutate data, so they never share the integration simulator), configs
with fast retries, and the figures each test measures for docs/RELIABILITY.md."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.integration.conftest import write_config
from tests.reliability.figures import FigureBook

SEED = 89


@pytest.fixture(scope="session")
def prefect_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The API URL of a Prefect test server: the integration tests' one when it already
    runs in this session (its settings stay in force), else one of our own."""
    from prefect.settings import PREFECT_API_URL

    current = PREFECT_API_URL.value()
    if current and current.startswith("http://127.0.0.1"):
        yield str(current)
        return
    os.environ.setdefault("PREFECT_HOME", str(tmp_path_factory.mktemp("prefect-home")))
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=120):
        yield str(PREFECT_API_URL.value())


def reliability_config(directory: Path, base_url: str, page_size: int | None = None) -> Path:
    """The integration config (warehouse in `directory`, sources at `base_url`) with
    retries that back off in milliseconds, and optionally small pages everywhere."""
    path = write_config(directory, base_url)
    text = path.read_text(encoding="utf-8")
    for option, value in (("backoff_base_s", "0.01"), ("backoff_max_s", "0.05")):
        text = "\n".join(
            f"{option} = {value}" if line.startswith(f"{option} =") else line
            for line in text.splitlines()
        )
    if page_size is not None:
        text = "\n".join(
            f"page_size = {page_size}" if line.startswith("page_size =") else line
            for line in text.splitlines()
        )
    path.write_text(text + "\n", encoding="utf-8")
    return path


@pytest.fixture
def figures(request: pytest.FixtureRequest) -> FigureBook:
    """Where a test writes what it measured (kept in the pytest cache)."""
    return FigureBook(request)
