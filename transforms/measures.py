"""Collected measures: staging → intermediate fact views → marts.measure.

Each measure is declared in `measures.yaml` (or `measures.d/*.yaml`) as a filter and an
aggregate over one fact view. The same declaration gives both the measure's value and
the SQL that lists the records behind it, so a disputed number can be traced to its
records. Besides the fields `measures.yaml`'s header lists, an entry may set:

- `type`: `count` (default), `number` (any decimal, e.g. a sum of rates), `bool`
  (a yes/no aggregate such as ``count(*) > 0``; stored as 1/0 with text true/false) or
  `enum` (an aggregate giving one of the catalogue's words, stored as text);
- `default`: with `enum` and `by_unit`, the word of a unit with no records (e.g. none);
- `unit: each_unit` with `unit_levels`: the province-wide value, one row for each unit
  of those levels (for a framework that reads a province figure at each unit);
- `roll_up: true` with `by_unit`: a record counts for its own unit and for every unit
  above it of a level in `unit_levels` (a commune's dossier for its district too);
  the relation then also has `member_unit_code`, the record's own unit;
- `period_types`: the period types the measure is computed for (default: all).
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
    "procedure_unit_fact",
    "procedure_year_fact",
    "payment_fact",
    "document_workfile_fact",
    "outgoing_document_fact",
    "unit_fact",
    "report_submission_fact",
    "report_regime_fact",
    "data_service_fact",
    "shared_data_app_fact",
    "unit_procedure_fact",
    "one_stop_unit_fact",
    "feedback_fact",
    "interlink_transfer_fact",
    "edms_document_fact",
    "edms_unit_fact",
    "edms_usage_fact",
    "statistic_fact",
    "it_report_fact",
    "platform_link_fact",
    "population_snapshot_fact",
}
_UNIT_LEVELS = {"province", "department", "district", "district_office", "commune"}
VALUE_TYPES = ("count", "number", "bool", "enum")
"""What a collected measure's value is: a count, another number, a yes/no fact, or a
word of the catalogue's list (an enum)."""
_WORD = re.compile(r"^[a-z][a-z0-9_]*$")
UNIT_KINDS = ("province", "by_unit", "each_unit")
"""Who gets a row: the province; each unit of `unit_levels`, from its own records
(`by_unit`); or each unit of `unit_levels`, the province-wide value (`each_unit`)."""
_PERIOD_TYPES = {"year", "quarter", "month"}

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
    unit: Literal["province", "by_unit", "each_unit"]
    unit_levels: tuple[str, ...]
    period_column: str | None
    value_type: Literal["count", "number", "bool", "enum"] = "count"
    roll_up: bool = False
    period_types: tuple[str, ...] = ()
    default: str | None = None

    @property
    def per_unit(self) -> bool:
        """True when the rows are for units of `unit_levels`, not for the province."""
        return self.unit != "province"

    def applies_to(self, period: Period) -> bool:
        """Whether the measure is computed for periods of this type (all by default)."""
        return not self.period_types or period.period_type in self.period_types

    @property
    def name(self) -> str:
        return self.key.split("{", 1)[0]

    @property
    def transform_id(self) -> str:
        return f"measures:{self.key}@unit" if self.per_unit else f"measures:{self.key}"


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
    if unit not in UNIT_KINDS or not set(levels) <= _UNIT_LEVELS:
        raise ValueError(f"measures.yaml {key}: bad unit {unit!r} / unit_levels {levels!r}")
    if unit != "province" and not levels:
        raise ValueError(f"measures.yaml {key}: {unit} needs unit_levels")
    period_types = tuple(entry.get("period_types", ()))
    if not set(period_types) <= _PERIOD_TYPES:
        raise ValueError(f"measures.yaml {key}: bad period_types {period_types!r}")
    value_type = entry.get("type", "count")
    if value_type not in VALUE_TYPES:
        raise ValueError(f"measures.yaml {key}: type {value_type!r} is not one of {VALUE_TYPES}")
    roll_up = entry.get("roll_up", False)
    if not isinstance(roll_up, bool) or (roll_up and unit != "by_unit"):
        raise ValueError(f"measures.yaml {key}: roll_up is true or false, and only with by_unit")
    default = entry.get("default")
    needs_default = value_type == "enum" and unit == "by_unit"
    if (default is not None) != needs_default or (
        default is not None and not _WORD.match(str(default))
    ):
        raise ValueError(
            f"measures.yaml {key}: an enum counted by_unit needs a default word "
            "(and only it takes one)"
        )
    return MeasureTransform(
        key=key,
        relation=relation,
        record_id=str(entry["record_id"]),
        where=str(entry.get("where", "true")),
        value=str(entry.get("value", "count(*)")),
        unit=unit,
        unit_levels=levels,
        period_column=entry.get("period_column"),
        value_type=value_type,
        roll_up=roll_up,
        period_types=period_types,
        default=None if default is None else str(default),
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
    slots = [(t.key, "per unit" if t.per_unit else "province") for t in transforms]
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
        if t.per_unit == (unit_level != "province") and (
            not t.per_unit or unit_level in t.unit_levels
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


def _levels_sql(t: MeasureTransform) -> str:
    return ", ".join(f"'{level}'" for level in t.unit_levels)


def _relation_sql(t: MeasureTransform) -> str:
    """What the transform reads: its fact view or, rolled up, the view seen per ancestor.

    Rolled up, a record appears once for each unit of a reported level that is the
    record's own unit or above it (a commune's dossier for the commune and for its
    district): `unit_code` is then that unit and `member_unit_code` the record's own.
    """
    source = f"intermediate.{t.relation}"
    if not t.roll_up:
        return source
    return (
        "(SELECT up.ancestor_code AS unit_code, fact.unit_code AS member_unit_code, "  # noqa: S608
        f"fact.* EXCLUDE (unit_code) FROM {source} AS fact "
        "JOIN intermediate.unit_ancestor AS up ON up.unit_code = fact.unit_code "
        f"AND up.ancestor_level IN ({_levels_sql(t)})) AS rolled"
    )


def _value_expression(t: MeasureTransform) -> str:
    if t.value_type == "bool":  # a yes/no aggregate, stored as 1/0 with true/false text
        return f"CAST(coalesce(({t.value}), false) AS INTEGER)"
    return t.value


def _scope_sql(t: MeasureTransform) -> str:
    """The units of the transform's levels in force at the period's end."""
    return (
        "SELECT DISTINCT unit_code FROM intermediate.unit_fact "  # noqa: S608 - trusted config
        f"WHERE unit_level IN ({_levels_sql(t)}) AND valid_from < $end "
        "AND (valid_to IS NULL OR valid_to >= $end)"
    )


def value_sql(t: MeasureTransform) -> str:
    """The aggregate query giving (unit_code, value_num, record_count, load_ids)."""
    source = _relation_sql(t)
    aggregates = (
        f"{_value_expression(t)} AS value_num, count(*) AS record_count, "
        "coalesce(list(DISTINCT _load_id ORDER BY _load_id), []) AS load_ids"
    )
    if t.unit == "province":
        return (
            f"SELECT $province AS unit_code, {aggregates} "  # noqa: S608 - trusted config
            f"FROM {source} WHERE {_record_filter(t)}"
        )
    if t.unit == "each_unit":
        return (
            f"WITH counted AS (SELECT {aggregates} FROM {source} "  # noqa: S608 - trusted config
            f"WHERE {_record_filter(t)}), scope AS ({_scope_sql(t)}) "
            "SELECT scope.unit_code, counted.value_num, counted.record_count, counted.load_ids "
            "FROM scope CROSS JOIN counted ORDER BY scope.unit_code"
        )
    fallback = "0" if t.default is None else f"'{t.default}'"
    return (
        "WITH counted AS ("  # noqa: S608 - trusted config
        f"SELECT unit_code, {aggregates} FROM {source} "
        f"WHERE {_record_filter(t)} GROUP BY unit_code), scope AS ({_scope_sql(t)}) "
        f"SELECT scope.unit_code, coalesce(counted.value_num, {fallback}) AS value_num, "
        "coalesce(counted.record_count, 0) AS record_count, "
        "coalesce(counted.load_ids, []) AS load_ids "
        "FROM scope LEFT JOIN counted USING (unit_code) ORDER BY scope.unit_code"
    )


def records_sql(t: MeasureTransform, unit_code: str | None = None) -> str:
    """The query listing every record a measure counts (for analysts and `explain`).

    For one unit of a rolled-up measure it lists the records of the unit and of every
    unit below it, with `member_unit_code` naming the record's own unit.
    """
    clause = _record_filter(t)
    source = f"intermediate.{t.relation}"
    if t.unit == "by_unit" and unit_code is not None:
        clause += " AND unit_code = $unit"
        source = _relation_sql(t)
    return (
        f"SELECT * FROM {source} "  # noqa: S608 - trusted config
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
        if not t.applies_to(period):
            continue
        sql = value_sql(t)
        result = con.execute(sql, bind(sql, params)).df()
        result["measure_key"] = t.key
        result["measure_name"] = t.name
        result["transform"] = t.transform_id
        result["value_type"] = t.value_type
        result["value_text"] = _value_text(t, result["value_num"])
        if t.value_type == "enum":
            result["value_num"] = None
        frames.append(result)
    rows = pd.concat(frames, ignore_index=True)
    rows["period"] = period.label
    rows["origin"] = "collected"
    rows["evidence"] = None
    rows["declared_by"] = None
    rows["computed_at"] = stamp
    rows["run_id"] = run_id
    return rows[MEASURE_COLUMNS]


def _value_text(t: MeasureTransform, values: pd.Series) -> pd.Series:
    """A yes/no measure's value as the text the catalogue reads (true/false), an enum's
    word as it is; else null."""
    if t.value_type == "enum":
        return values.astype(object)
    if t.value_type != "bool":
        return pd.Series(None, index=values.index, dtype=object)
    return values.map(lambda v: "true" if v else "false").astype(object)
