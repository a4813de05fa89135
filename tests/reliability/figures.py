"""Figures a reliability test measured, kept in the pytest cache for the report.

Each test that injects a fault writes one record: the matrix row it exercises, how
many faults the simulator (or the crash hook) actually produced, rows lost against
what the source holds, duplicate natural keys found in staging, and whether the run
kept the previous good data. Records carry the id of the pytest session that wrote
them; the report shows the latest session only. A test run with the cache disabled
(``-p no:cacheprovider``) writes nothing, and the report says so.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

CACHE_PREFIX = "chiso/reliability"
_SESSION = pytest.StashKey[str]()


@dataclass(frozen=True)
class Figure:
    """What one test measured."""

    session: str
    test: str
    fault: str
    faults_injected: int
    rows_lost: int | None = None
    duplicate_keys: int | None = None
    kept_previous: bool | None = None


class FigureBook:
    """Writes the figures of the test that requested it."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._config = request.config
        self._test = request.node.nodeid
        if _SESSION not in self._config.stash:
            self._config.stash[_SESSION] = datetime.now(UTC).isoformat(timespec="seconds")

    def record(
        self,
        fault: str,
        *,
        faults_injected: int,
        rows_lost: int | None = None,
        duplicate_keys: int | None = None,
        kept_previous: bool | None = None,
    ) -> None:
        """Keep one measurement; call it before asserting, so a failing run is counted
        with what it really lost."""
        from tests.reliability.matrix import FAULTS

        if fault not in FAULTS:
            raise ValueError(f"{fault!r} is not a row of tests/reliability/matrix.py")
        cache = getattr(self._config, "cache", None)
        if cache is None:
            return
        figure = Figure(
            self._config.stash[_SESSION],
            self._test,
            fault,
            faults_injected,
            rows_lost,
            duplicate_keys,
            kept_previous,
        )
        name = re.sub(r"[^A-Za-z0-9_.-]+", "_", f"{self._test}-{fault}")
        cache.set(f"{CACHE_PREFIX}/{name}", asdict(figure))


def read_figures(cache_dir: Path) -> list[Figure]:
    """Every figure kept under `cache_dir` (a ``.pytest_cache`` directory)."""
    folder = cache_dir / "v" / CACHE_PREFIX
    if not folder.is_dir():
        return []
    figures = []
    for path in sorted(folder.iterdir()):
        try:
            data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
            figures.append(Figure(**data))
        except (OSError, ValueError, TypeError):
            continue  # a record of another shape: not ours to render
    return figures


def latest_session(figures: list[Figure]) -> tuple[str | None, list[Figure]]:
    """The latest session's id and its figures."""
    if not figures:
        return None, []
    session = max(f.session for f in figures)
    return session, [f for f in figures if f.session == session]
