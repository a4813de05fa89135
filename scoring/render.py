"""Score rows as a table (plain strings, ready for rich) and as JSON."""

from __future__ import annotations

import json
from collections.abc import Sequence
from decimal import ROUND_DOWN, Decimal
from typing import Any

from scoring.model import ScoreRow

TABLE_COLUMNS = ("unit", "criterion", "name", "points", "max", "status", "rate", "detail")
NO_VALUE = "—"


def _depths(rows: Sequence[ScoreRow]) -> dict[tuple[str, str], int]:
    parents = {(r.unit, r.criterion): r.parent for r in rows}
    depths: dict[tuple[str, str], int] = {}
    for unit, criterion in parents:
        depth, parent = 0, parents[(unit, criterion)]
        while parent is not None and depth < len(rows):
            depth += 1
            parent = parents.get((unit, parent))
        depths[(unit, criterion)] = depth
    return depths


def format_rate(rate: Decimal | None) -> str:
    """A rate as a percentage with 2 decimals, truncated (`82.26%`), or a dash.

    Truncated so that a rate just under a bar (5999/30000 against 20%) never shows
    as reaching it (19.99%, not 20.00%).
    """
    if rate is None:
        return NO_VALUE
    percent = (rate * 100).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    return f"{percent}%"


def table_rows(rows: Sequence[ScoreRow], *, language: str = "en") -> list[tuple[str, ...]]:
    """One tuple of strings per row, in TABLE_COLUMNS order; criteria indented by depth."""
    depths = _depths(rows)
    table: list[tuple[str, ...]] = []
    for r in rows:
        indent = "  " * depths[(r.unit, r.criterion)]
        name = r.name_vi if language == "vi" else r.name_en
        table.append(
            (
                r.unit,
                indent + r.criterion,
                name,
                NO_VALUE if r.points is None else str(r.points),
                str(r.max_points),
                str(r.status),
                format_rate(r.rate),
                r.detail,
            )
        )
    return table


def rows_to_json(rows: Sequence[ScoreRow]) -> list[dict[str, Any]]:
    """Every row (totals included) as a JSON-ready dict."""
    return [r.to_dict() for r in rows]


def dumps(rows: Sequence[ScoreRow], *, indent: int | None = 2) -> str:
    """The rows as a JSON array (UTF-8 text, Vietnamese kept readable)."""
    return json.dumps(rows_to_json(rows), ensure_ascii=False, indent=indent)
