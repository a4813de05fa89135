"""Build: staging → measures → scores for one period, in one warehouse transaction.

Plain functions, tested without Prefect; `flows/prefect_flows.py` wraps them as tasks.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import duckdb
import pandas as pd

from flows.declarations import declaration_files, declared_measure_rows, exact_decimals
from flows.overrides import override_measure_rows
from scoring.catalogue import Catalogue, load_catalogue
from scoring.engine import score_framework
from scoring.framework import Framework, list_frameworks, load_framework
from scoring.model import MeasureValue, OrgUnit, ScoreRow
from scoring.ranking import RankingRow, rank_units
from transforms.measures import compute_collected_measures, create_fact_views
from transforms.periods import Period, parse_period
from warehouse.marts_io import replace_rows
from warehouse.revisions import Revision, record, remember

# A rebuild an operator asked for without a reason (chiso build).
BUILD = Revision("build", "rebuilt on request (chiso build)", "chiso")

_ORIGIN_PRECEDENCE = "CASE origin WHEN 'override' THEN 0 WHEN 'collected' THEN 1 ELSE 2 END"


@dataclass(frozen=True)
class FrameworkResult:
    """One framework scored for a period: its rows (every unit, every criterion)."""

    framework: Framework
    rows: list[ScoreRow]
    standings: list[RankingRow] = field(default_factory=list)


@dataclass(frozen=True)
class BuildResult:
    period: str
    measures_collected: int
    measures_declared: int
    frameworks: list[FrameworkResult]
    unit_names: Mapping[str, str] = field(default_factory=dict)
    scores_revised: int = 0
    measures_revised: int = 0


def frameworks_for(period: Period, only: Sequence[str] | None = None) -> list[Framework]:
    """Every shipped framework whose period type is the period's (or the named ones)."""
    names = list(only) if only else list_frameworks()
    frameworks = [load_framework(name) for name in names]
    return [f for f in frameworks if only or f.period_type == period.period_type]


def refresh_org_units(con: duckdb.DuckDBPyConnection) -> None:
    """marts.org_unit: the effective-dated hierarchy as the TTHC unit register gives it."""
    con.execute("DELETE FROM marts.org_unit")
    con.execute(
        "INSERT INTO marts.org_unit (unit_code, unit_name, unit_level, parent_code, "
        "valid_from, valid_to) SELECT unit_code, unit_name, unit_level, parent_code, "
        "CAST(valid_from AS DATE), CAST(valid_to AS DATE) FROM staging.unit"
    )


def record_period(con: duckdb.DuckDBPyConnection, period: Period) -> None:
    """marts.period: one row per period that was built."""
    con.execute("DELETE FROM marts.period WHERE period = $p", {"p": period.label})
    con.execute(
        "INSERT INTO marts.period (period, period_type, starts_on, ends_on) "
        "VALUES ($p, $t, $s, $e)",
        {"p": period.label, "t": period.period_type, "s": period.starts_on, "e": period.ends_on},
    )


def org_units_in(con: duckdb.DuckDBPyConnection, period: Period) -> list[OrgUnit]:
    """The units in force at the end of the period (a 2024 score uses the 2024 tree)."""
    rows = con.execute(
        "SELECT unit_code, unit_name, unit_level, parent_code FROM marts.org_unit "
        "WHERE valid_from < $end AND (valid_to IS NULL OR valid_to >= $end) "
        "ORDER BY unit_code",
        {"end": period.end.date()},
    ).fetchall()
    return [OrgUnit(code, name, level, parent) for code, name, level, parent in rows]


def effective_measures(
    con: duckdb.DuckDBPyConnection, period: str, catalogue: Catalogue
) -> list[MeasureValue]:
    """One value per (unit, measure) of a period: an override beats a collected value,
    which beats a declared one."""
    rows = con.execute(
        "SELECT unit_code, measure_key, value_num, value_text FROM ("  # noqa: S608
        "SELECT *, row_number() OVER (PARTITION BY unit_code, measure_key "
        f"ORDER BY {_ORIGIN_PRECEDENCE}) AS choice FROM marts.measure WHERE period = $p"
        ") WHERE choice = 1 ORDER BY unit_code, measure_key",
        {"p": period},
    ).fetchall()
    measures = []
    for unit, key, value_num, value_text in rows:
        value = catalogue.coerce(key, value_text) if value_text is not None else Decimal(value_num)
        measures.append(MeasureValue(unit, period, key, value))
    return measures


def _json_default(value: Any) -> Any:
    return str(value) if isinstance(value, Decimal) else value


# marts.score and marts.ranking decimal columns: (precision, scale).
_SCORE_DECIMALS = {
    "max_points": (12, 4), "points": (12, 4), "max_points_with_survey": (12, 4),
    "rate": (20, 8), "target": (20, 8), "numerator": (38, 6), "denominator": (38, 6),
}  # fmt: skip
_RANKING_DECIMALS = {"total_points": (12, 4), "max_points": (12, 4)}


def _typed(frame: pd.DataFrame, columns: Mapping[str, tuple[int, int]]) -> pd.DataFrame:
    """Decimal columns typed exactly, so DuckDB never guesses a too-small type."""
    for column, (precision, scale) in columns.items():
        if column in frame:
            frame[column] = exact_decimals(frame[column], precision, scale)
    return frame


def score_frame(rows: Sequence[ScoreRow], run_id: str, computed_at: datetime) -> pd.DataFrame:
    """Score rows shaped like marts.score."""
    return _typed(_score_records(rows, run_id, computed_at), _SCORE_DECIMALS)


def _score_records(rows: Sequence[ScoreRow], run_id: str, computed_at: datetime) -> pd.DataFrame:
    if not rows:
        return pd.DataFrame.from_records([])
    # Built column by column: one list per column, no dict per row.
    columns: dict[str, list[Any]] = {
        "framework": [r.framework for r in rows],
        "framework_version": [r.framework_version for r in rows],
        "unit_code": [r.unit for r in rows],
        "period": [r.period for r in rows],
        "criterion": [r.criterion for r in rows],
        "parent": [r.parent for r in rows],
        "name_vi": [r.name_vi for r in rows],
        "name_en": [r.name_en for r in rows],
        "method": [r.method for r in rows],
        "max_points": [r.max_points for r in rows],
        "points": [r.points for r in rows],
        "status": [str(r.status) for r in rows],
        "rate": [r.rate for r in rows],
        "numerator": [r.numerator for r in rows],
        "denominator": [r.denominator for r in rows],
        "inputs": [json.dumps(r.inputs, default=_json_default, ensure_ascii=False) for r in rows],
        "detail": [r.detail for r in rows],
        "max_points_with_survey": [r.max_points_with_survey for r in rows],
        "met": [r.met for r in rows],
        "target": [r.target for r in rows],
        "substitution": [r.substitution for r in rows],
        "run_id": [run_id] * len(rows),
        "computed_at": [computed_at] * len(rows),
    }
    return pd.DataFrame(columns)


def _json(mapping: Mapping[str, Any]) -> str:
    return json.dumps(mapping, default=_json_default, ensure_ascii=False)


def ranking_frame(rows: Sequence[RankingRow], run_id: str, computed_at: datetime) -> pd.DataFrame:
    """Ranking rows shaped like marts.ranking."""
    frame = pd.DataFrame.from_records(
        [
            {
                "framework": r.framework,
                "period": r.period,
                "unit_code": r.unit,
                "ranking_group": r.ranking_group,
                "total_points": r.points,
                "max_points": r.max_points,
                "rank": r.rank,
                "band": r.label,
                "run_id": run_id,
                "computed_at": computed_at,
                "criterion": r.criterion,
                "status": str(r.status),
                "level": r.level,
                "bands": _json(r.bands),
                "rollups": _json(r.rollups),
            }
            for r in rows
        ]
    )
    return _typed(frame, _RANKING_DECIMALS)


def build_period(
    con: duckdb.DuckDBPyConnection,
    period_label: str,
    province_code: str,
    declarations_dir: Path,
    run_id: str,
    frameworks: Sequence[str] | None = None,
    revision: Revision = BUILD,
) -> BuildResult:
    """Measures and scores for one period, committed together or not at all.

    Every score or measure value that differs from the period's previous build is
    recorded as a revision with `revision`'s cause, reason and operator.
    """
    period = parse_period(period_label)
    catalogue = load_catalogue()
    stamp = datetime.now()
    create_fact_views(con)
    con.begin()
    try:
        remember(con, period.label)
        refresh_org_units(con)
        record_period(con, period)
        units = org_units_in(con, period)
        collected = compute_collected_measures(con, period, province_code, run_id, stamp)
        replace_rows(
            con, "marts.measure", collected, {"period": period.label, "origin": "collected"}
        )
        declared = declared_measure_rows(
            declaration_files(declarations_dir),
            period.label,
            [u.code for u in units],
            run_id,
            stamp,
        )
        replace_rows(con, "marts.measure", declared, {"period": period.label, "origin": "declared"})
        overrides = override_measure_rows(con, period.label, run_id, stamp)
        replace_rows(
            con, "marts.measure", overrides, {"period": period.label, "origin": "override"}
        )
        measures = effective_measures(con, period.label, catalogue)
        results = []
        for framework in frameworks_for(period, frameworks):
            rows = score_framework(framework, period.label, measures, units)
            where = {"framework": framework.id, "period": period.label}
            replace_rows(con, "marts.score", score_frame(rows, run_id, stamp), where)
            standings = rank_units(framework, rows)
            replace_rows(con, "marts.ranking", ranking_frame(standings, run_id, stamp), where)
            results.append(FrameworkResult(framework, rows, standings))
        revised = record(con, period.label, revision, run_id, stamp)
        con.commit()
    except BaseException:
        con.rollback()
        raise
    names = {u.code: u.name for u in units}
    return BuildResult(
        period.label, len(collected), len(declared), results, names,
        scores_revised=revised[0], measures_revised=revised[1],
    )  # fmt: skip
