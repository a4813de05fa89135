"""Collected measures: staging → intermediate fact views → marts.measure.

Each measure is declared in `measures.yaml` as a filter and an aggregate over one fact
view. The same declaration gives both the measure's value and the SQL that lists the
records behind it, so a disputed number can be traced to its records.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, Literal

import duckdb
import pandas as pd
import yaml

from transforms.periods import Period

_HERE = Path(__file__).parent
_PARAM = re.compile(r"\$([a-z_]+)")
_IDENT = re.compile(r"^[a-z_][a-z0-9_]*$")
_FACT_VIEWS = {
    "dossier_fact",
    "procedure_fact",
    "payment_fact",
    "document_workfile_fact",
    "unit_fact",
    "report_submission_fact",
    "report_regime_fact",
    "data_service_fact",
    "shared_data_app_fact",
}
_UNIT_LEVELS = {"province", "department", "district", "district_office", "commune"}

MEASURE_COLUMNS = [
    "unit_code",
    "period",
    "measure_key",
    "measure_name",
    "value_num",
    "value_text",
    "value_type",
    "origin",
    "transform",
    "load_ids",
    "record_count",
    "evidence",
    "declared_by",
    "computed_at",
    "run_id",
]


@dataclass(frozen=True)
class MeasureTransform:
    """One collected measure as declared in measures.yaml."""

    key: str
    relation: str
    record_id: str
    where: str
    value: str
    unit: Literal["province", "by_unit"]
    unit_levels: tuple[str, ...]
    period_column: str | None

    @property
    def name(self) -> str:
        return self.key.split("{", 1)[0]

    @property
    def transform_id(self) -> str:
        return f"measures:{self.key}" if self.unit == "province" else f"measures:{self.key}@unit"


def _transform_from_entry(entry: dict[str, Any]) -> MeasureTransform:
    key = str(entry["key"])
    relation = str(entry["relation"])
    if relation not in _FACT_VIEWS:
        raise ValueError(f"measures.yaml {key}: unknown relation {relation!r}")
    for column in (entry.get("record_id"), entry.get("period_column")):
        if column is not None and not _IDENT.match(str(column)):
            raise ValueError(f"measures.yaml {key}: bad column name {column!r}")
    unit = entry.get("unit", "province")
    levels = tuple(entry.get("unit_levels", ()))
    if unit not in ("province", "by_unit") or not set(levels) <= _UNIT_LEVELS:
        raise ValueError(f"measures.yaml {key}: bad unit {unit!r} / unit_levels {levels!r}")
    if unit == "by_unit" and not levels:
        raise ValueError(f"measures.yaml {key}: by_unit needs unit_levels")
    return MeasureTransform(
        key=key,
        relation=relation,
        record_id=str(entry["record_id"]),
        where=str(entry.get("where", "true")),
        value=str(entry.get("value", "count(*)")),
        unit=unit,
        unit_levels=levels,
        period_column=entry.get("period_column"),
    )


def measure_files() -> list[Path]:
    """measures.yaml, then measures.d/*.yaml (one file per framework family)."""
    return [_HERE / "measures.yaml", *sorted((_HERE / "measures.d").glob("*.yaml"))]


@cache
def measure_transforms() -> tuple[MeasureTransform, ...]:
    """Every collected measure declared in the measure files, in file order.

    A key may have one province-wide and one per-unit transform, not two of either.
    """
    transforms: list[MeasureTransform] = []
    for path in measure_files():
        document = yaml.safe_load(path.read_text(encoding="utf-8"))
        transforms.extend(_transform_from_entry(e) for e in document["measures"])
    slots = [(t.key, t.unit) for t in transforms]
    duplicated = sorted({f"{k} ({u})" for k, u in slots if slots.count((k, u)) > 1})
    if duplicated:
        raise ValueError(f"measure files declare these measures twice: {duplicated}")
    return tuple(transforms)


def transforms_for(key: str) -> list[MeasureTransform]:
    """The transforms that produce a measure key (province-wide, per unit); [] if declared."""
    return [t for t in measure_transforms() if t.key == key]


def transform_for(key: str, unit_level: str | None = None) -> MeasureTransform | None:
    """The transform producing `key` for a unit of `unit_level` (any one if None)."""
    found = transforms_for(key)
    if unit_level is None or not found:
        return found[0] if found else None
    for t in found:
        if (t.unit == "province") == (unit_level == "province") and (
            t.unit == "province" or unit_level in t.unit_levels
        ):
            return t
    return None


def create_fact_views(con: duckdb.DuckDBPyConnection) -> None:
    """(Re)create the intermediate fact views over staging."""
    con.execute((_HERE / "sql" / "intermediate.sql").read_text(encoding="utf-8"))


def _record_filter(t: MeasureTransform) -> str:
    clause = f"({t.where})"
    if t.period_column:
        clause += f" AND {t.period_column} >= $start AND {t.period_column} < $end"
    return clause


def value_sql(t: MeasureTransform) -> str:
    """The aggregate query giving (unit_code, value_num, record_count, load_ids)."""
    source = f"intermediate.{t.relation}"
    aggregates = (
        f"{t.value} AS value_num, count(*) AS record_count, "
        "coalesce(list(DISTINCT _load_id ORDER BY _load_id), []) AS load_ids"
    )
    if t.unit == "province":
        return (
            f"SELECT $province AS unit_code, {aggregates} "  # noqa: S608 - trusted config
            f"FROM {source} WHERE {_record_filter(t)}"
        )
    levels = ", ".join(f"'{level}'" for level in t.unit_levels)
    return (
        "WITH counted AS ("  # noqa: S608 - trusted config
        f"SELECT unit_code, {aggregates} FROM {source} "
        f"WHERE {_record_filter(t)} GROUP BY unit_code), "
        "scope AS (SELECT DISTINCT unit_code FROM intermediate.unit_fact "
        f"WHERE unit_level IN ({levels}) AND valid_from < $end "
        "AND (valid_to IS NULL OR valid_to >= $end)) "
        "SELECT scope.unit_code, coalesce(counted.value_num, 0) AS value_num, "
        "coalesce(counted.record_count, 0) AS record_count, "
        "coalesce(counted.load_ids, []) AS load_ids "
        "FROM scope LEFT JOIN counted USING (unit_code) ORDER BY scope.unit_code"
    )


def records_sql(t: MeasureTransform, unit_code: str | None = None) -> str:
    """The query listing every record a measure counts (for analysts and `explain`)."""
    clause = _record_filter(t)
    if t.unit == "by_unit" and unit_code is not None:
        clause += " AND unit_code = $unit"
    return (
        f"SELECT * FROM intermediate.{t.relation} "  # noqa: S608 - trusted config
        f"WHERE {clause} ORDER BY {t.record_id}"
    )


def bind(sql: str, values: dict[str, object]) -> dict[str, object]:
    """The named parameters that `sql` uses, taken from `values`."""
    return {name: values[name] for name in sorted(set(_PARAM.findall(sql)))}


def period_parameters(period: Period, province_code: str) -> dict[str, object]:
    """The bound parameters every measure query may use."""
    return {"start": period.start, "end": period.end, "province": province_code}


def compute_collected_measures(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    province_code: str,
    run_id: str,
    computed_at: datetime | None = None,
) -> pd.DataFrame:
    """Compute every collected measure for one period; rows shaped like marts.measure."""
    params = period_parameters(period, province_code)
    stamp = computed_at or datetime.now()
    frames = []
    for t in measure_transforms():
        sql = value_sql(t)
        result = con.execute(sql, bind(sql, params)).df()
        result["measure_key"] = t.key
        result["measure_name"] = t.name
        result["transform"] = t.transform_id
        frames.append(result)
    rows = pd.concat(frames, ignore_index=True)
    rows["period"] = period.label
    rows["value_text"] = None
    rows["value_type"] = "count"
    rows["origin"] = "collected"
    rows["evidence"] = None
    rows["declared_by"] = None
    rows["computed_at"] = stamp
    rows["run_id"] = run_id
    return rows[MEASURE_COLUMNS]
