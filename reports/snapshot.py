"""What the report tables read from the published snapshot: scores, standings, unit
names and the provenance of the measures behind each score.

Every query takes its identifiers as bound parameters; the caller has already checked
the framework against the shipped list and the period's form.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

import duckdb

from scoring.model import ScoreRow, Status, Value

# An override beats a collected value, which beats a declared one (as the build does).
_ORIGIN_RANK = {"override": 0, "collected": 1, "declared": 2}


@dataclass(frozen=True)
class MeasureSource:
    """Where one measure value of a unit and period came from."""

    unit: str
    key: str
    origin: str
    transform: str | None
    evidence: Mapping[str, Any] = field(default_factory=dict)
    computed_at: datetime | None = None


@dataclass(frozen=True)
class Standing:
    """One unit's line of marts.ranking."""

    unit: str
    total: Decimal | None
    max_points: Decimal
    status: str
    rank: int | None
    level: str | None
    bands: Mapping[str, str]


def _decimal(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value)


def _json(text: Any) -> dict[str, Any]:
    if text is None:
        return {}
    loaded = json.loads(text) if isinstance(text, str) else text
    return dict(loaded) if isinstance(loaded, dict) else {}


def _inputs(text: Any) -> dict[str, Value]:
    return {
        key: value if isinstance(value, bool) else str(value)
        for key, value in _json(text).items()
        if value is not None
    }


_SCORE_COLUMNS = (
    "framework, framework_version, unit_code, period, criterion, parent, name_vi, name_en, "
    "method, max_points, points, status, rate, numerator, denominator, inputs, detail, "
    "max_points_with_survey, met, target, substitution"
)


def score_rows(con: duckdb.DuckDBPyConnection, framework: str, period: str) -> list[ScoreRow]:
    """Every marts.score row of a framework and period, as the engine's ScoreRow."""
    rows = con.execute(
        f"SELECT {_SCORE_COLUMNS} FROM marts.score "  # noqa: S608 - fixed column list
        "WHERE framework = $f AND period = $p ORDER BY unit_code, criterion",
        {"f": framework, "p": period},
    ).fetchall()
    return [
        ScoreRow(
            framework=r[0],
            framework_version=r[1] or "",
            unit=r[2],
            period=r[3],
            criterion=r[4],
            parent=r[5],
            name_vi=r[6] or "",
            name_en=r[7] or "",
            method=r[8] or "",
            max_points=Decimal(r[9]),
            points=_decimal(r[10]),
            status=Status(r[11]),
            rate=_decimal(r[12]),
            numerator=_decimal(r[13]),
            denominator=_decimal(r[14]),
            inputs=_inputs(r[15]),
            detail=r[16] or "",
            max_points_with_survey=_decimal(r[17]),
            met=r[18],
            target=_decimal(r[19]),
            substitution=r[20],
        )
        for r in rows
    ]


def periods_scored(con: duckdb.DuckDBPyConnection, framework: str) -> list[str]:
    """The periods the snapshot holds scores of a framework for."""
    rows = con.execute(
        "SELECT DISTINCT period FROM marts.score WHERE framework = $f ORDER BY period",
        {"f": framework},
    ).fetchall()
    return [p for (p,) in rows]


def standings(con: duckdb.DuckDBPyConnection, framework: str, period: str) -> list[Standing]:
    """marts.ranking for a framework and period: ranked units first, by rank then code."""
    rows = con.execute(
        "SELECT unit_code, total_points, max_points, status, rank, level, bands "
        "FROM marts.ranking WHERE framework = $f AND period = $p "
        "ORDER BY rank NULLS LAST, unit_code",
        {"f": framework, "p": period},
    ).fetchall()
    return [
        Standing(
            unit=r[0],
            total=_decimal(r[1]),
            max_points=Decimal(r[2]),
            status=r[3] or "",
            rank=r[4],
            level=r[5],
            bands={k: str(v) for k, v in _json(r[6]).items()},
        )
        for r in rows
    ]


def unit_names(con: duckdb.DuckDBPyConnection, period: str) -> dict[str, str]:
    """Each unit's name as it stood at the end of the period (its latest name when the
    period is not in marts.period)."""
    rows = con.execute(
        "SELECT u.unit_code, arg_max(u.unit_name, u.valid_from) FROM marts.org_unit AS u "
        "LEFT JOIN marts.period AS p ON p.period = $p "
        "WHERE p.ends_on IS NULL OR u.valid_from <= p.ends_on GROUP BY u.unit_code",
        {"p": period},
    ).fetchall()
    return {code: name for code, name in rows}


def measure_sources(
    con: duckdb.DuckDBPyConnection, period: str, wanted: Collection[tuple[str, str]]
) -> dict[tuple[str, str], MeasureSource]:
    """The effective row (override, else collected, else declared) of each wanted
    (unit, measure key) of the period that marts.measure holds."""
    wanted = set(wanted)
    if not wanted:
        return {}
    units = sorted({unit for unit, _ in wanted})
    rows = con.execute(
        "SELECT unit_code, measure_key, origin, transform, evidence, computed_at "
        "FROM marts.measure WHERE period = $p AND list_contains($units, unit_code)",
        {"p": period, "units": units},
    ).fetchall()
    chosen: dict[tuple[str, str], MeasureSource] = {}
    for unit, key, origin, transform, evidence, computed_at in rows:
        if (unit, key) not in wanted:
            continue
        current = chosen.get((unit, key))
        if current is None or _ORIGIN_RANK[origin] < _ORIGIN_RANK[current.origin]:
            chosen[(unit, key)] = MeasureSource(
                unit, key, origin, transform, _json(evidence), computed_at
            )
    return chosen
