"""Bulk only: no row-at-a-time writes anywhere in the warehouse or contracts code."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    [*ROOT.joinpath("warehouse").glob("*.py"), *ROOT.joinpath("contracts").glob("*.py")]
)


@pytest.mark.parametrize("path", SOURCES, ids=lambda p: p.name)
def test_no_row_at_a_time_writes(path: Path) -> None:
    text = path.read_text(encoding="utf-8")

    assert not re.search(r"\.executemany\(|\.to_sql\(|\.append_row\(|\.appender\(", text)


def test_the_scan_sees_the_code() -> None:
    assert {p.name for p in SOURCES} >= {"loader.py", "marts_io.py", "entities.py"}
