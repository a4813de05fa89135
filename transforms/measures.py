"""Collected measures: staging → intermediate fact views → marts.measure.

Each measure is declared in `measures.yaml` (or `measures.d/*.yaml`) as a filter and an
aggregate over one fact view. The same declaration gives both the measure's value and
the SQL that lists the records behind it, so a disputed number can be traced to its
records. Besides the fields `measures.yaml`'s header lists, an entry may set:

- `type`: `count` (default), `number` (any decimal, e.g. a sum of rates), `share` (a
  number that is a fraction from 0 to 1, as the catalogue types the measure), `bool`
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
from collections.abc import Sequence
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
# The C parser when PyYAML has it (same safe rules, a few times faster).
_SAFE_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
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
VALUE_TYPES = ("count", "number", "share", "bool", "enum")
"""What a collected measure's value is: a count, another number, a share (a number
from 0 to 1), a yes/no fact, or a word of the catalogue's list (an enum)."""
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
    value_type: Literal["count", "number", "share", "bool", "enum"] = "count"
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
        document = yaml.load(path.read_text(encoding="utf-8"), Loader=_SAFE_LOADER)
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


def _aggregates_sql(t: MeasureTransform) -> str:
    return (
        f"{_value_expression(t)} AS value_num, count(*) AS record_count, "
        "coalesce(list(DISTINCT _load_id ORDER BY _load_id), []) AS load_ids"
    )


def _fallback_sql(t: MeasureTransform) -> str:
    """A by_unit measure's value for a unit without records."""
    return "0" if t.default is None else f"'{t.default}'"


def _counted_sql(t: MeasureTransform) -> str:
    """The aggregate over the transform's records of the period (per unit if by_unit)."""
    source, clause = _relation_sql(t), _record_filter(t)
    if t.unit == "by_unit":
        return (
            f"SELECT unit_code, {_aggregates_sql(t)} FROM {source} "  # noqa: S608
            f"WHERE {clause} GROUP BY unit_code"
        )
    return f"SELECT {_aggregates_sql(t)} FROM {source} WHERE {clause}"  # noqa: S608


def value_sql(t: MeasureTransform) -> str:
    """The aggregate query giving (unit_code, value_num, record_count, load_ids)."""
    if t.unit == "province":
        return (
            f"SELECT $province AS unit_code, {_aggregates_sql(t)} "  # noqa: S608
            f"FROM {_relation_sql(t)} WHERE {_record_filter(t)}"
        )
    if t.unit == "each_unit":
        return (
            f"WITH counted AS ({_counted_sql(t)}), scope AS ({_scope_sql(t)}) "  # noqa: S608
            "SELECT scope.unit_code, counted.value_num, counted.record_count, counted.load_ids "
            "FROM scope CROSS JOIN counted ORDER BY scope.unit_code"
        )
    return (
        f"WITH counted AS ({_counted_sql(t)}), scope AS ({_scope_sql(t)}) "  # noqa: S608
        f"SELECT scope.unit_code, coalesce(counted.value_num, {_fallback_sql(t)}) AS value_num, "
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


# --- several measures per statement ------------------------------------------------------
#
# DuckDB costs a few milliseconds per statement, so the transforms that read the same
# relation for the same units are computed together: one pass over the relation, each
# transform's aggregates restricted to its own records with `FILTER (WHERE <its record
# filter>)`. A transform is computed alone (by its `value_sql`) when its value could come
# out different that way: a subquery in its filter, a window, a function this does not
# know, or a sum or average of floating-point numbers (their last digit depends on the
# order the rows are added in).

_AGGREGATE_CALLS = frozenset({"count", "sum", "avg", "min", "max", "bool_or", "bool_and"})
_ORDER_SENSITIVE_CALLS = frozenset({"sum", "avg"})
_SCALAR_CALLS = frozenset({"coalesce", "nullif", "datediff", "cast", "round", "greatest", "least"})
_UNBATCHABLE = frozenset({"select", "over", "filter", "window", "qualify", "within"})
_KEYWORDS = frozenset(
    {"and", "or", "not", "in", "is", "case", "when", "then", "else", "distinct", "like", "as"}
)
_WORD_CHARS = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
_FILTER_WHERE = re.compile(r"\s*FILTER\s*\(\s*WHERE\s", re.IGNORECASE)


def _quoted_end(sql: str, i: int) -> int:
    """The index after the quoted literal or identifier starting at sql[i]."""
    quote, j = sql[i], i + 1
    while j < len(sql):
        if sql[j] == quote:
            if j + 1 < len(sql) and sql[j + 1] == quote:
                j += 2
                continue
            return j + 1
        j += 1
    raise ValueError(f"unterminated quote in {sql!r}")


def _closing(sql: str, i: int) -> int:
    """The index of the parenthesis closing the one at sql[i]."""
    depth, j = 0, i
    while j < len(sql):
        if sql[j] in "'\"":
            j = _quoted_end(sql, j)
            continue
        if sql[j] == "(":
            depth += 1
        elif sql[j] == ")":
            depth -= 1
            if depth == 0:
                return j
        j += 1
    raise ValueError(f"unbalanced parentheses in {sql!r}")


def _plain(sql: str) -> bool:
    """No aggregate, subquery, window or unknown function call in `sql`."""
    return filtered_aggregates(sql, "true", frozenset()) == sql


def filtered_aggregates(expression: str, condition: str, exact: frozenset[str]) -> str | None:
    """`expression` with every aggregate call restricted to the rows where `condition`
    holds (an existing FILTER is kept, and-ed with it).

    None when the expression holds anything this cannot be sure of: a subquery, a
    window, an unknown function, or a sum or average of anything but a column named in
    `exact` (one whose sum does not depend on the order of the rows).
    """
    out: list[str] = []
    i = 0
    while i < len(expression):
        ch = expression[i]
        if ch in "'\"":
            end = _quoted_end(expression, i)
            out.append(expression[i:end])
            i = end
            continue
        word = _WORD_CHARS.match(expression, i)
        if word is None or (i > 0 and (expression[i - 1].isalnum() or expression[i - 1] in "_$")):
            out.append(word.group() if word else ch)
            i = word.end() if word else i + 1
            continue
        name = word.group().lower()
        if name in _UNBATCHABLE:
            return None
        after = word.end()
        while after < len(expression) and expression[after].isspace():
            after += 1
        if after >= len(expression) or expression[after] != "(" or name in _KEYWORDS:
            out.append(word.group())
            i = word.end()
            continue
        if name in _SCALAR_CALLS:
            out.append(expression[i:after])
            i = after
            continue
        if name not in _AGGREGATE_CALLS:
            return None
        close = _closing(expression, after)
        arguments = expression[after + 1 : close]
        if not _plain(arguments):
            return None
        if name in _ORDER_SENSITIVE_CALLS and arguments.strip() not in exact:
            return None
        call = expression[i : close + 1]
        given = _FILTER_WHERE.match(expression, close + 1)
        if given is None:
            out.append(f"{call} FILTER (WHERE {condition})")
            i = close + 1
            continue
        end = _closing(expression, expression.index("(", close + 1))
        inner = expression[given.end() : end]
        if not _plain(inner):
            return None
        out.append(f"{call} FILTER (WHERE ({condition}) AND ({inner}))")
        i = end + 1
    return "".join(out)


def _batched_aggregates(t: MeasureTransform, i: int, exact: frozenset[str]) -> str | None:
    """The transform's value and record count over the rows where its flag `_row_<i>`
    (its record filter, see `batch_sql`) holds."""
    value = filtered_aggregates(_value_expression(t), f"_row_{i}", exact)
    if value is None:
        return None
    return f"{value} AS value_num_{i}, count(*) FILTER (WHERE _row_{i}) AS record_count_{i}"


def exact_columns(con: duckdb.DuckDBPyConnection) -> dict[str, frozenset[str]]:
    """Each fact view's columns that are not floating-point (their sums are exact)."""
    rows = con.execute(
        "SELECT table_name, column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'intermediate'"
    ).fetchall()
    columns: dict[str, set[str]] = {}
    for table, column, data_type in rows:
        if data_type.upper() not in ("DOUBLE", "FLOAT", "REAL"):
            columns.setdefault(table, set()).add(column)
    return {table: frozenset(names) for table, names in columns.items()}


def _batch_key(t: MeasureTransform, exact: dict[str, frozenset[str]]) -> tuple[Any, ...] | None:
    """Transforms with the same key read the same rows for the same units and are
    computed together; None: computed alone."""
    if t.unit == "each_unit" or not _plain(t.where):
        return None
    if _batched_aggregates(t, 0, exact.get(t.relation, frozenset())) is None:
        return None
    # The same period column too: the batch then reads one range of it, which DuckDB
    # can find without scanning the relation's whole history.
    return (t.relation, t.unit, t.roll_up, t.unit_levels, t.period_column)


def batches(
    transforms: Sequence[MeasureTransform], exact: dict[str, frozenset[str]]
) -> list[list[MeasureTransform]]:
    """The transforms grouped by `_batch_key`, in first-seen order; the others alone."""
    groups: dict[Any, list[MeasureTransform]] = {}
    for t in transforms:
        key = _batch_key(t, exact)
        groups.setdefault(key if key is not None else ("alone", t), []).append(t)
    return list(groups.values())


def batch_sql(batch: list[MeasureTransform], exact: dict[str, frozenset[str]]) -> str:
    """One statement computing every transform of a batch (same relation, same units):
    one row per unit, with `value_num_<i>`, `record_count_<i>` and `load_ids_<i>` for
    the batch's i-th transform, equal to what `value_sql` gives for it. A transform
    that cannot share a statement is alone in its batch: its `value_sql`.

    The relation's rows of the period are read once; each row carries a flag per
    transform (`_row_<i>`: the transform's record filter holds), and each transform's
    aggregates count only the rows it flags. A unit without a flagged row gets the
    transform's fallback, as `value_sql`'s outer join gives it.
    """
    first = batch[0]
    if len(batch) == 1 and _batch_key(first, exact) is None:
        return value_sql(first)  # computed alone: its columns are not numbered
    sums = exact.get(first.relation, frozenset())
    aggregates = []
    for i, t in enumerate(batch):
        aggregate = _batched_aggregates(t, i, sums)
        if aggregate is None:
            raise ValueError(f"measure {t.key} cannot be computed in a batch")
        aggregates.append(aggregate)
    flags = ", ".join(f"({_record_filter(t)}) AS _row_{i}" for i, t in enumerate(batch))
    # The rows any transform counts: the period's (one column for the whole batch), then
    # any transform's filter.
    anyone = " OR ".join(f"({t.where})" for t in batch)
    if first.period_column:
        column = first.period_column
        anyone = f"{column} >= $start AND {column} < $end AND ({anyone})"
    # The loads behind each value: the distinct loads of the rows it counts, in order.
    # One row per (unit, load) first, so no aggregate needs DISTINCT (costly in DuckDB).
    per_load = ", ".join(f"bool_or(_row_{i}) AS _row_{i}" for i in range(len(batch)))
    loads = ", ".join(
        f"list_sort(list(_load_id) FILTER (WHERE _row_{i}), 'ASC', 'NULLS LAST') AS load_ids_{i}"
        for i in range(len(batch))
    )
    unit = "" if first.unit == "province" else "unit_code, "
    group = "" if first.unit == "province" else " GROUP BY unit_code"
    ctes = (
        f"WITH flagged AS (SELECT *, {flags} FROM {_relation_sql(first)} "  # noqa: S608
        f"WHERE {anyone}), counted AS (SELECT {unit}{', '.join(aggregates)} FROM flagged"
        f"{group}), loads AS (SELECT {unit}{loads} FROM (SELECT {unit}_load_id, {per_load} "
        f"FROM flagged GROUP BY {unit}_load_id){group})"
    )
    if first.unit == "province":
        columns = [
            f"counted.value_num_{i}, counted.record_count_{i}, "
            f"coalesce(loads.load_ids_{i}, []) AS load_ids_{i}"
            for i in range(len(batch))
        ]
        return (
            f"{ctes} SELECT $province AS unit_code, {', '.join(columns)} "  # noqa: S608
            "FROM counted CROSS JOIN loads"
        )
    columns = ["scope.unit_code"]
    for i, t in enumerate(batch):
        columns.append(
            f"coalesce(CASE WHEN counted.record_count_{i} > 0 THEN counted.value_num_{i} END, "
            f"{_fallback_sql(t)}) AS value_num_{i}, "
            f"coalesce(counted.record_count_{i}, 0) AS record_count_{i}, "
            f"coalesce(loads.load_ids_{i}, []) AS load_ids_{i}"
        )
    return (
        f"{ctes}, scope AS ({_scope_sql(first)}) SELECT {', '.join(columns)} "  # noqa: S608
        "FROM scope LEFT JOIN counted ON counted.unit_code = scope.unit_code "
        "LEFT JOIN loads ON loads.unit_code = scope.unit_code ORDER BY scope.unit_code"
    )


def compute_collected_measures(
    con: duckdb.DuckDBPyConnection,
    period: Period,
    province_code: str,
    run_id: str,
    computed_at: datetime | None = None,
) -> pd.DataFrame:
    """Compute every collected measure for one period; rows shaped like marts.measure.

    The measures are computed a batch at a time (`batch_sql`); each measure's rows are
    those its own `value_sql` gives, in the measure files' order.
    """
    params = period_parameters(period, province_code)
    stamp = computed_at or datetime.now()
    applicable = [t for t in measure_transforms() if t.applies_to(period)]
    computed: dict[MeasureTransform, _Computed] = {}
    exact = exact_columns(con)
    for batch in batches(applicable, exact):
        sql = batch_sql(batch, exact)
        wide = con.execute(sql, bind(sql, params)).df()
        if len(batch) == 1 and "value_num" in wide.columns:  # computed alone
            wide = wide.rename(columns={n: f"{n}_0" for n in _NUMBERED})
        units = wide["unit_code"].tolist()
        for i, t in enumerate(batch):
            values = wide[f"value_num_{i}"]
            computed[t] = _Computed(
                units=units,
                unit_dtype=wide["unit_code"].dtype,
                values=[None] * len(units) if t.value_type == "enum" else values.tolist(),
                kind="O" if t.value_type == "enum" else values.dtype.kind,
                texts=_value_text(t, values).tolist(),
                counts=wide[f"record_count_{i}"].tolist(),
                load_ids=wide[f"load_ids_{i}"].tolist(),
            )
    columns: dict[str, list[Any]] = {name: [] for name in MEASURE_COLUMNS}
    for t in applicable:
        c = computed[t]
        n = len(c.units)
        columns["unit_code"] += c.units
        columns["measure_key"] += [t.key] * n
        columns["measure_name"] += [t.name] * n
        columns["value_num"] += c.values
        columns["value_text"] += c.texts
        columns["value_type"] += [t.value_type] * n
        columns["transform"] += [t.transform_id] * n
        columns["load_ids"] += c.load_ids
        columns["record_count"] += c.counts
    kinds = {computed[t].kind for t in applicable}
    unit_dtypes = {computed[t].unit_dtype for t in applicable}
    rows = pd.DataFrame(
        {
            "unit_code": pd.Series(
                columns["unit_code"],
                dtype=unit_dtypes.pop() if len(unit_dtypes) == 1 else object,
            ),
            "measure_key": columns["measure_key"],
            "measure_name": columns["measure_name"],
            "value_num": pd.Series(columns["value_num"], dtype=_value_dtype(kinds)),
            "value_text": pd.Series(columns["value_text"], dtype=object),
            "value_type": columns["value_type"],
            "transform": columns["transform"],
            "load_ids": pd.Series(columns["load_ids"], dtype=object),
            "record_count": pd.Series(columns["record_count"], dtype="int64"),
        }
    )
    rows["period"] = period.label
    rows["origin"] = "collected"
    rows["evidence"] = None
    rows["declared_by"] = None
    rows["computed_at"] = stamp
    rows["run_id"] = run_id
    return rows[MEASURE_COLUMNS]


_NUMBERED = ("value_num", "record_count", "load_ids")


@dataclass(frozen=True)
class _Computed:
    """One transform's rows of a batch's result, as Python values."""

    units: list[Any]
    unit_dtype: Any
    values: list[Any]
    kind: str
    texts: list[Any]
    counts: list[Any]
    load_ids: list[Any]


def _value_dtype(kinds: set[str]) -> Any:
    """The dtype pandas gives the values of columns of these dtype kinds put together
    (as one frame per measure, concatenated, would have it)."""
    if kinds <= {"i"}:
        return "int64"
    return "float64" if kinds <= {"i", "f"} else object


def _value_text(t: MeasureTransform, values: pd.Series) -> pd.Series:
    """A yes/no measure's value as the text the catalogue reads (true/false), an enum's
    word as it is; else null."""
    if t.value_type == "enum":
        return values.astype(object)
    if t.value_type != "bool":
        return pd.Series(None, index=values.index, dtype=object)
    return values.map(lambda v: "true" if v else "false").astype(object)
