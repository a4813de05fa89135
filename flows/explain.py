"""`chiso explain`: where one criterion's points came from, down to the source requests.

For a framework, criterion, unit and period, `explain_criterion` reads the warehouse
read-only and returns an `Explanation`: the rule (method, parameters, maximum, notes,
the rounding policy, an Article 7 substitution if one replaced the points), the
arithmetic step by step, the children's points of a sum node, and for every measure
the criterion read its provenance:

- collected: the transform, its fact view and WHERE, the records it counts now (with a
  sample of their ids), the SQL that lists them all (parameters written out as
  literals, and as a parameter list), the loads behind those records (`meta.load`)
  and the page requests of those loads, with the request that fetched each sample
  record (`raw.*._request`);
- declared or override: the evidence and who declared it.

Every identifier an operator types is checked against the frameworks and the
warehouse before any SQL runs, and reaches SQL only as a bound parameter. The working
warehouse is opened read-only; when the writer holds it, the published snapshot is
read instead and the explanation says so. `render_table` and `explanation_json` print
an Explanation; `explain_command` is the `chiso explain` command.
"""

from __future__ import annotations

import csv
import difflib
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any, Literal

import duckdb
import typer
from rich.console import Console, Group
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from flows.cli_support import ConfigOption, console, fail
from flows.declarations import declaration_files
from flows.settings import Settings, load_settings
from flows.units import UnitError, scored_unit
from scoring.framework import Criterion, Framework, FrameworkError, list_frameworks, load_framework
from scoring.measure_keys import canonical_key
from scoring.model import format_decimal
from scoring.sections import Rollup
from transforms.measures import (
    MeasureTransform,
    bind,
    period_parameters,
    records_sql,
    transform_for,
    transforms_for,
)
from transforms.periods import Period, PeriodError, parse_period
from warehouse.connection import open_reader
from warehouse.publish import open_snapshot
from warehouse.schema import ENTITIES, entity_table_columns

DEFAULT_SAMPLE = 10
MAX_SAMPLE = 1000
# The engine keeps the first (override, then collected, then declared) value of a
# measure: flows/build.py effective_measures.
_PRECEDENCE = ("override", "collected", "declared")
_PARAMETER = re.compile(r"\$([a-z_]+)\b")


class ExplainError(ValueError):
    """A request `explain` refuses: an unknown or malformed framework, criterion, unit or
    period, or a warehouse that cannot be read. The message says what to do."""


# --- what an explanation holds --------------------------------------------------------------


@dataclass(frozen=True)
class Source:
    """Which warehouse file was read: the working file, or the published snapshot."""

    kind: Literal["working", "snapshot"]
    path: str
    note: str = ""


@dataclass(frozen=True)
class Rule:
    """The criterion as the framework file states it."""

    method: str
    max_points: Decimal
    max_points_with_survey: Decimal | None
    params: dict[str, Any]
    measures: dict[str, str]
    notes: str
    substitutions: tuple[str, ...]
    children: tuple[str, ...]


@dataclass(frozen=True)
class RoundingPolicy:
    decimals: int
    mode: str
    aggregate: str


@dataclass(frozen=True)
class AppliedSubstitution:
    """An Article 7 rule that replaced the unit's own points."""

    label: str
    rule: str
    measure: str
    equals: str
    gives: str
    citation: str


@dataclass(frozen=True)
class Load:
    """One `meta.load` row behind a measure's records, with its page requests."""

    load_id: int
    source: str
    entity: str
    endpoint: str
    period: str | None
    status: str
    run_id: str | None
    started_at: datetime | None
    finished_at: datetime | None
    rows_loaded: int
    pages: int
    requests: tuple[str, ...]


@dataclass(frozen=True)
class RecordRequest:
    """The request that fetched one sample record in one load (from `raw.<entity>`)."""

    record_id: str
    load_id: int
    request: str | None
    fetched_at: datetime | None


@dataclass(frozen=True)
class CollectedProvenance:
    """The records a collected measure counts, and where they came from."""

    transform: str
    relation: str
    record_id_column: str
    where: str
    period_column: str | None
    value_expression: str
    unit_kind: str
    roll_up: bool
    record_count: int
    stored_record_count: int | None
    sample_ids: tuple[str, ...]
    sql: str
    sql_parameterised: str
    parameters: dict[str, str]
    load_ids: tuple[int, ...]
    stored_load_ids: tuple[int, ...]
    loads: tuple[Load, ...]
    sample_requests: tuple[RecordRequest, ...]
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class DeclaredProvenance:
    """A declared value's evidence, or an operator override's evidence and reason, as the
    measure row keeps them; `file` and `line` locate a declaration in its CSV file, and
    `set_at` is when an override was set (`marts.measure_override`)."""

    transform: str | None
    evidence: dict[str, Any]
    declared_by: str | None
    file: str | None
    line: str | None
    reason: str | None = None
    override_id: int | None = None
    set_at: datetime | None = None


@dataclass(frozen=True)
class MeasureRow:
    """One `marts.measure` row of the measure; `used` marks the value the engine read."""

    origin: str
    value: str | None
    transform: str | None
    record_count: int | None
    computed_at: datetime | None
    run_id: str | None
    used: bool
    collected: CollectedProvenance | None = None
    declared: DeclaredProvenance | None = None


@dataclass(frozen=True)
class MeasureExplanation:
    """A measure the criterion read (or would read) for one unit, with every row of it."""

    key: str
    unit: str
    roles: tuple[str, ...]
    value: str | None
    rows: tuple[MeasureRow, ...]


@dataclass(frozen=True)
class ChildPoints:
    criterion: str
    name_vi: str
    name_en: str
    points: Decimal | None
    max_points: Decimal | None
    status: str


@dataclass(frozen=True)
class Explanation:
    """Everything `chiso explain` shows for one framework, criterion, unit and period."""

    framework: str
    framework_version: str
    framework_name: str
    citation: str
    criterion: str
    parent: str | None
    name_vi: str
    name_en: str
    unit: str
    unit_name: str
    unit_level: str
    period: str
    source: Source
    rule: Rule
    rounding: RoundingPolicy
    points: Decimal | None
    max_points: Decimal | None
    status: str
    rate: Decimal | None
    numerator: Decimal | None
    denominator: Decimal | None
    target: Decimal | None
    met: bool | None
    detail: str
    steps: tuple[str, ...]
    substitution: AppliedSubstitution | None
    inputs: dict[str, Any]
    measures: tuple[MeasureExplanation, ...]
    children: tuple[ChildPoints, ...]
    run_id: str | None
    computed_at: datetime | None
    notes: tuple[str, ...] = field(default_factory=tuple)


# --- checking what the operator asked for (no SQL) ----------------------------------------------


@dataclass(frozen=True)
class Target:
    """A checked request: the framework, the criterion (or roll-up) and the period."""

    framework: Framework
    criterion: Criterion | None
    rollup: Rollup | None
    period: Period

    @property
    def criterion_id(self) -> str:
        if self.criterion is not None:
            return self.criterion.id
        assert self.rollup is not None
        return self.rollup.id


def _last_number(text: str) -> str:
    return re.split(r"[.-]", text)[-1].lstrip("0")


def _close(value: str, choices: Sequence[str]) -> list[str]:
    """Choices close to `value`: the longest choice `value` starts with, choices whose
    last number is `value` (`2` → `NQ17-02`), and similar spellings."""
    prefixes = sorted((c for c in choices if value.startswith(c)), key=len, reverse=True)
    numbered = [c for c in choices if value.lstrip("0") and _last_number(c) == value.lstrip("0")]
    similar = difflib.get_close_matches(value, choices, n=5, cutoff=0.6)
    found: list[str] = []
    for choice in [*prefixes[:1], *numbered[:3], *similar]:
        if choice not in found:
            found.append(choice)
    return found[:6]


def check_target(framework_id: str, criterion_id: str, period_label: str) -> Target:
    """The framework, criterion and period, checked before anything is read."""
    known = list_frameworks()
    if framework_id not in known:
        hint = _close(framework_id, known)
        did = f" (did you mean {', '.join(hint)}?)" if hint else ""
        raise ExplainError(f"unknown framework {framework_id!r}{did}; known: {', '.join(known)}")
    try:
        framework = load_framework(framework_id)
    except FrameworkError as exc:
        raise ExplainError(str(exc)) from None
    criterion = next((c for c in framework.criteria if c.id == criterion_id), None)
    rollup = next((r for r in framework.sections.rollups if r.id == criterion_id), None)
    if criterion is None and rollup is None:
        ids = [c.id for c in framework.criteria] + [r.id for r in framework.sections.rollups]
        hint = _close(criterion_id, ids)
        did = f"; close ids: {', '.join(hint)}" if hint else ""
        raise ExplainError(f"{framework_id} has no criterion {criterion_id!r}{did}")
    try:
        period = parse_period(period_label)
    except PeriodError as exc:
        raise ExplainError(str(exc)) from None
    if period.period_type != framework.period_type:
        raise ExplainError(
            f"{framework_id} is scored per {framework.period_type}; "
            f"{period_label!r} is a {period.period_type}"
        )
    return Target(framework, criterion, rollup, period)


# --- opening the warehouse read-only ------------------------------------------------------------


def _held_by_writer(exc: duckdb.Error) -> bool:
    # Another process: DuckDB's file lock. This process: a writer connection is open.
    return isinstance(exc, duckdb.ConnectionException) or "lock" in str(exc).lower()


@contextmanager
def open_warehouse(
    working: Path, snapshot: Path
) -> Iterator[tuple[duckdb.DuckDBPyConnection, Source]]:
    """The working warehouse read-only; the published snapshot when the writer holds it
    (or the working file is absent). ExplainError when neither can be read."""
    con: duckdb.DuckDBPyConnection | None = None
    source: Source | None = None
    if working.is_file():
        try:
            con, source = open_reader(working), Source("working", str(working))
        except duckdb.Error as exc:
            if not _held_by_writer(exc):
                raise ExplainError(f"cannot read the warehouse {working}: {exc}") from None
            why = f"a writer (a nightly run, build or rerun) holds the working warehouse {working}"
    else:
        why = f"there is no working warehouse at {working}"
    if con is None:
        if not snapshot.is_file():
            raise ExplainError(f"{why} and there is no published snapshot at {snapshot}")
        note = f"{why}: read the published snapshot {snapshot} (the state of its last publish)"
        con, source = open_snapshot(snapshot), Source("snapshot", str(snapshot), note)
    assert source is not None
    try:
        yield con, source
    finally:
        con.close()


def _rows(con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]) -> list[tuple]:
    return con.execute(sql, dict(params)).fetchall()


def _check_built(con: duckdb.DuckDBPyConnection, target: Target) -> None:
    label, framework = target.period.label, target.framework.id
    built = _rows(con, "SELECT 1 FROM marts.period WHERE period = $p", {"p": label})
    if not built:
        raise ExplainError(f"period {label} has not been built: run `chiso build --period {label}`")
    scored = _rows(
        con,
        "SELECT 1 FROM marts.score WHERE framework = $f AND period = $p LIMIT 1",
        {"f": framework, "p": label},
    )
    if not scored:
        raise ExplainError(
            f"period {label} was built without {framework}: run `chiso build --period {label}`"
        )


# --- the score, its rule and its arithmetic -------------------------------------------------------


def _json_ready(value: Any) -> Any:
    if isinstance(value, Decimal):
        return format_decimal(value)
    if isinstance(value, Mapping):
        return {str(k): _json_ready(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_json_ready(v) for v in value]
    return value


def _rule(target: Target) -> Rule:
    c, r = target.criterion, target.rollup
    if c is not None:
        return Rule(
            method=c.method,
            max_points=c.self_assessed_max if c.method == "sum" else c.max_points,
            max_points_with_survey=c.max_points,
            params=_json_ready(dict(c.params)),
            measures=dict(c.measures),
            notes=c.notes,
            substitutions=c.substitutions,
            children=c.children,
        )
    assert r is not None
    return Rule("rollup", r.max_points, r.max_points, {}, {}, r.name_en, (), r.members)


_SCORE_COLUMNS = (
    "points", "max_points", "max_points_with_survey", "status", "rate", "numerator",
    "denominator", "target", "met", "inputs", "detail", "substitution", "run_id",
    "computed_at", "name_vi", "name_en", "parent",
)  # fmt: skip


def _score_row(con: duckdb.DuckDBPyConnection, target: Target, unit: str) -> dict[str, Any]:
    found = con.execute(
        f"SELECT {', '.join(_SCORE_COLUMNS)} FROM marts.score "  # noqa: S608 - fixed names
        "WHERE framework = $f AND unit_code = $u AND period = $p AND criterion = $c",
        {"f": target.framework.id, "u": unit, "p": target.period.label, "c": target.criterion_id},
    ).fetchall()
    if not found:
        raise ExplainError(
            f"no score of {target.framework.id} {target.criterion_id} for unit {unit} in "
            f"{target.period.label}: the unit was not in force then, or the period was built "
            "before the criterion existed"
        )
    return dict(zip(_SCORE_COLUMNS, found[0], strict=True))


def _children(
    con: duckdb.DuckDBPyConnection, target: Target, unit: str, ids: Sequence[str]
) -> tuple[ChildPoints, ...]:
    if not ids:
        return ()
    found = {
        row[0]: row
        for row in _rows(
            con,
            "SELECT criterion, name_vi, name_en, points, max_points, status FROM marts.score "
            "WHERE framework = $f AND unit_code = $u AND period = $p "
            "AND list_contains($ids, criterion)",
            {"f": target.framework.id, "u": unit, "p": target.period.label, "ids": list(ids)},
        )
    }
    children = []
    for child in ids:
        if child not in found:
            children.append(ChildPoints(child, "", "", None, None, "no score row"))
            continue
        _, name_vi, name_en, points, max_points, status = found[child]
        framework = target.framework
        row = ChildPoints(
            child, name_vi or "", name_en or "", _places(points, framework),
            _places(max_points, framework), str(status),
        )  # fmt: skip
        children.append(row)
    return tuple(children)


def _decimal(text: str) -> Decimal | None:
    try:
        return Decimal(text)
    except InvalidOperation:
        return None


def arithmetic_steps(
    detail: str, method: str, points: Decimal | None, framework: Framework
) -> tuple[str, ...]:
    """The engine's one-line account split into steps, and the rounding that was applied.

    A leaf's account ends with `→ points` (the rounding); a sum node's adds the children
    as the framework's aggregate policy says.
    """
    rounding = framework.rounding
    policy = f"{rounding.decimals} decimals, {rounding.mode}"
    if method in ("sum", "rollup"):
        how = (
            "the children's rounded points are added"
            if rounding.aggregate == "sum_of_rounded"
            else "the children's unrounded points are added, then rounded"
        )
        steps = [part.strip() for part in detail.split("; ") if part.strip()]
        return (*steps, f"aggregate {rounding.aggregate}: {how} ({policy}); survey and "
                "not-applicable children add nothing")  # fmt: skip
    body, arrow, shown = detail.rpartition(" → ")
    if not arrow:
        return tuple(part.strip() for part in detail.split("; ") if part.strip())
    steps = [part.strip() for part in body.split("; ") if part.strip()]
    raw = re.search(r"= (\S+)$", body)
    exact = _decimal(raw.group(1)) if raw else None
    if exact is not None and points is not None:
        steps.append(f"round {format_decimal(exact, 28)} to {policy} → {shown}")
    else:
        steps.append(f"→ {shown} points (rounded to {policy})")
    return tuple(steps)


def _substitution(target: Target, label: str | None) -> AppliedSubstitution | None:
    if not label:
        return None
    rules = target.framework.sections.substitution_rules
    rule_id = label.split(" ", 1)[0]
    rule = rules.get(rule_id)
    if rule is None:
        return AppliedSubstitution(label, rule_id, "", "", "", "")
    equals = rule.equals if isinstance(rule.equals, bool) else format_decimal(rule.equals)
    shown = str(equals).lower() if isinstance(equals, bool) else equals
    return AppliedSubstitution(label, rule.id, rule.measure, shown, rule.gives, rule.citation)


# --- measures and their provenance --------------------------------------------------------------


def _inputs(raw: Any) -> dict[str, Any]:
    if raw is None:
        return {}
    parsed = json.loads(raw) if isinstance(raw, str) else raw
    shown: dict[str, Any] = {}
    for key, value in dict(parsed).items():
        number = _decimal(value) if isinstance(value, str) else None
        shown[str(key)] = format_decimal(number) if number is not None else value
    return shown


def _split_label(label: str, unit: str) -> tuple[str, str]:
    """An input label (`key` or `key@unit`, as methods name other units' measures)."""
    key, at, other = label.rpartition("@")
    return (key, other) if at and "}" not in other else (label, unit)


def _wanted_measures(
    rule: Rule, inputs: Mapping[str, Any], unit: str, substitution: AppliedSubstitution | None
) -> list[tuple[str, str, tuple[str, ...]]]:
    """(key, unit, roles) for every measure read: the rule's, every input, the rule's
    substitution measure."""
    wanted: dict[tuple[str, str], list[str]] = {}
    # A per-unit test reads the measures of the units below, never the unit's own.
    own = {} if rule.params.get("form") == "per_unit" else rule.measures
    for role, key in own.items():
        wanted.setdefault((key, unit), []).append(role)
    for label in inputs:
        key, code = _split_label(label, unit)
        roles = [r for r, k in rule.measures.items() if k == key]
        wanted.setdefault((key, code), roles)
    if substitution is not None and substitution.measure:
        wanted.setdefault((substitution.measure, unit), []).append("substitution")
    found = [(key, code, tuple(roles)) for (key, code), roles in wanted.items()]
    # The unit's own measures first, in the rule's order; then the other units' by unit.
    return sorted(found, key=lambda item: (item[1] != unit, item[1] if item[1] != unit else ""))


_MEASURE_COLUMNS = (
    "origin", "value_num", "value_text", "transform", "load_ids", "record_count",
    "evidence", "declared_by", "computed_at", "run_id",
)  # fmt: skip


def _measure_value(value_num: Any, value_text: Any) -> str | None:
    if value_text is not None:
        return str(value_text)
    return None if value_num is None else format_decimal(Decimal(value_num))


@dataclass(frozen=True)
class _Context:
    """What every provenance query needs."""

    con: duckdb.DuckDBPyConnection
    period: Period
    province: str
    sample: int
    levels: dict[str, str]
    declarations: Path | None = None


def _explain_measure(
    ctx: _Context, key: str, unit: str, roles: tuple[str, ...]
) -> MeasureExplanation:
    found = ctx.con.execute(
        f"SELECT {', '.join(_MEASURE_COLUMNS)} FROM marts.measure "  # noqa: S608 - fixed names
        "WHERE unit_code = $u AND period = $p AND measure_key = $k",
        {"u": unit, "p": ctx.period.label, "k": key},
    ).fetchall()
    rows = sorted(
        (dict(zip(_MEASURE_COLUMNS, r, strict=True)) for r in found),
        key=lambda r: _PRECEDENCE.index(r["origin"]) if r["origin"] in _PRECEDENCE else 9,
    )
    explained = tuple(_measure_row(ctx, key, unit, row, used=i == 0) for i, row in enumerate(rows))
    value = explained[0].value if explained else None
    return MeasureExplanation(key, unit, roles, value, explained)


def _measure_row(ctx: _Context, key: str, unit: str, row: dict[str, Any], used: bool) -> MeasureRow:
    origin = str(row["origin"])
    collected = declared = None
    if origin == "collected":
        collected = _collected(ctx, key, unit, row)
    else:
        declared = _declared(ctx, key, unit, row)
    return MeasureRow(
        origin=origin,
        value=_measure_value(row["value_num"], row["value_text"]),
        transform=row["transform"],
        record_count=None if row["record_count"] is None else int(row["record_count"]),
        computed_at=row["computed_at"],
        run_id=row["run_id"],
        used=used,
        collected=collected,
        declared=declared,
    )


def locate_declaration(
    directory: Path, file_name: str, unit: str, period: str, key: str
) -> tuple[str, int] | None:
    """(path, line) of the row declaring `key` for `unit` and `period` in a declaration
    file called `file_name` under `directory`, as the file reads now; None if none does."""
    for path in declaration_files(directory):
        if path.name != file_name:
            continue
        with path.open(encoding="utf-8-sig", newline="") as handle:
            reader = csv.DictReader(handle)
            for row in reader:
                cells = {k: (v or "").strip() for k, v in row.items() if isinstance(k, str)}
                if (cells.get("unit"), cells.get("period")) != (unit, period):
                    continue
                try:
                    declared = canonical_key(cells.get("measure", ""))
                except ValueError:
                    continue
                if declared == key:
                    return str(path), reader.line_num
    return None


def _declared(ctx: _Context, key: str, unit: str, row: Mapping[str, Any]) -> DeclaredProvenance:
    raw = row["evidence"]
    evidence = json.loads(raw) if isinstance(raw, str) and raw.strip() else {}
    if not isinstance(evidence, dict):
        evidence = {"evidence": evidence}
    transform = row["transform"]
    file, line = evidence.get("file"), evidence.get("line")
    prefix, _, name = str(transform or "").partition(":")
    if file is None and prefix == "declaration" and name:
        found = None
        if ctx.declarations is not None:
            found = locate_declaration(ctx.declarations, name, unit, ctx.period.label, key)
        file, line = found if found is not None else (name, None)
    override_id = evidence.get("override_id")
    override_id = (
        int(override_id)
        if isinstance(override_id, int | str) and str(override_id).isdigit()
        else None
    )
    return DeclaredProvenance(
        transform=transform,
        evidence=evidence,
        declared_by=row["declared_by"] or evidence.get("declared_by"),
        file=None if file is None else str(file),
        line=None if line is None else str(line),
        reason=None if evidence.get("reason") is None else str(evidence["reason"]),
        override_id=override_id,
        set_at=_override_set_at(ctx.con, override_id),
    )


def _override_set_at(con: duckdb.DuckDBPyConnection, override_id: int | None) -> datetime | None:
    """When an override was set; None for a warehouse without the overrides table."""
    if override_id is None:
        return None
    try:
        found = _rows(
            con,
            "SELECT created_at FROM marts.measure_override WHERE override_id = $id",
            {"id": override_id},
        )
    except duckdb.CatalogException:
        return None
    return found[0][0] if found else None


def _transform(key: str, stored: str | None, level: str) -> tuple[MeasureTransform | None, str]:
    """The transform that made the row (by its id), else the one that would make it now."""
    for made in transforms_for(key):
        if made.transform_id == stored:
            return made, ""
    now = transform_for(key, level)
    if now is None:
        return None, f"no transform in the measure files produces {key} for a {level} now"
    return now, f"the row was made by {stored!r}, which the measure files no longer declare"


def sql_literal(value: object) -> str:
    """A bound parameter written as a DuckDB literal (text quoted, quotes doubled)."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return f"TIMESTAMP '{value.isoformat(sep=' ')}'"
    if isinstance(value, date):
        return f"DATE '{value.isoformat()}'"
    if isinstance(value, int | Decimal):
        return str(value)
    return "'" + str(value).replace("'", "''") + "'"


def literal_sql(sql: str, params: Mapping[str, object]) -> str:
    """`sql` with each `$name` parameter replaced by its value as a literal."""

    def replace(match: re.Match[str]) -> str:
        name = match.group(1)
        return sql_literal(params[name]) if name in params else match.group(0)

    return _PARAMETER.sub(replace, sql)


def _collected(ctx: _Context, key: str, unit: str, row: Mapping[str, Any]) -> CollectedProvenance:
    level = ctx.levels.get(unit, "province")
    t, note = _transform(key, row["transform"], level)
    stored_loads = tuple(int(i) for i in (row["load_ids"] or []))
    stored_count = None if row["record_count"] is None else int(row["record_count"])
    if t is None:
        return CollectedProvenance(
            str(row["transform"]), "", "", "", None, "", "", False, 0, stored_count, (),
            "", "", {}, (), stored_loads, (), (), (note,),
        )  # fmt: skip
    sql = records_sql(t, unit)
    params = bind(sql, {**period_parameters(ctx.period, ctx.province), "unit": unit})
    count, load_ids = _count_records(ctx.con, sql, params)
    sample = _sample_ids(ctx.con, sql, params, t.record_id, ctx.sample)
    loads = _loads(ctx.con, load_ids)
    notes = [note] if note else []
    if stored_count is not None and stored_count != count:
        notes.append(
            f"the build counted {stored_count} records; the SQL lists {count} now "
            "(staging changed since the build: rebuild the period to refresh the measure)"
        )
    if t.value != "count(*)":
        notes.append(f"the value is {t.value} over these records, not their number")
    return CollectedProvenance(
        transform=t.transform_id,
        relation=f"intermediate.{t.relation}",
        record_id_column=t.record_id,
        where=t.where,
        period_column=t.period_column,
        value_expression=t.value,
        unit_kind=t.unit,
        roll_up=t.roll_up,
        record_count=count,
        stored_record_count=stored_count,
        sample_ids=sample,
        sql=literal_sql(sql, params),
        sql_parameterised=sql,
        parameters={name: sql_literal(value) for name, value in params.items()},
        load_ids=load_ids,
        stored_load_ids=stored_loads,
        loads=loads,
        sample_requests=_record_requests(ctx.con, t, sample, loads),
        notes=tuple(notes),
    )


def _count_records(
    con: duckdb.DuckDBPyConnection, sql: str, params: Mapping[str, object]
) -> tuple[int, tuple[int, ...]]:
    found = _rows(
        con,
        "SELECT count(*), coalesce(list(DISTINCT _load_id ORDER BY _load_id), []) "  # noqa: S608
        f"FROM ({sql}) AS counted",
        params,
    )
    count, load_ids = found[0]
    return int(count), tuple(int(i) for i in load_ids if i is not None)


def _sample_ids(
    con: duckdb.DuckDBPyConnection,
    sql: str,
    params: Mapping[str, object],
    column: str,
    size: int,
) -> tuple[str, ...]:
    if size <= 0:
        return ()
    found = _rows(
        con,
        f'SELECT CAST(listed."{column}" AS VARCHAR) FROM ({sql}) AS listed '  # noqa: S608
        f'ORDER BY listed."{column}" LIMIT $sample_size',
        {**params, "sample_size": size},
    )
    return tuple(str(value) for (value,) in found)


def _loads(con: duckdb.DuckDBPyConnection, load_ids: Sequence[int]) -> tuple[Load, ...]:
    if not load_ids:
        return ()
    found = _rows(
        con,
        "SELECT load_id, source, entity, endpoint, period, status, run_id, started_at, "
        "finished_at, rows_loaded, pages, CAST(requests AS VARCHAR) FROM meta.load "
        "WHERE list_contains($ids, load_id) ORDER BY load_id",
        {"ids": list(load_ids)},
    )
    return tuple(
        Load(*row[:11], requests=tuple(json.loads(row[11]) if row[11] else ()))  # type: ignore[misc]
        for row in found
    )


def _record_requests(
    con: duckdb.DuckDBPyConnection, t: MeasureTransform, ids: Sequence[str], loads: Sequence[Load]
) -> tuple[RecordRequest, ...]:
    """For each sample record, the page request that fetched it in the loads behind it
    (when the load's raw table has the record's id column)."""
    if not ids:
        return ()
    found: list[RecordRequest] = []
    for entity in sorted({load.entity for load in loads}):
        if entity not in ENTITIES or t.record_id not in entity_table_columns(entity):
            continue
        rows = _rows(
            con,
            f'SELECT DISTINCT CAST("{t.record_id}" AS VARCHAR), _load_id, _request, '  # noqa: S608
            f"_fetched_at FROM raw.{entity} "
            f'WHERE list_contains($ids, CAST("{t.record_id}" AS VARCHAR)) '
            "AND list_contains($loads, _load_id) ORDER BY 1, 2, 3",
            {"ids": list(ids), "loads": [load.load_id for load in loads if load.entity == entity]},
        )
        found.extend(RecordRequest(str(r[0]), int(r[1]), r[2], r[3]) for r in rows)
    return tuple(found)


def _unit_levels(con: duckdb.DuckDBPyConnection, units: Sequence[str]) -> dict[str, str]:
    return {
        str(code): str(level)
        for code, level in _rows(
            con,
            "SELECT unit_code, arg_max(unit_level, valid_from) FROM marts.org_unit "
            "WHERE list_contains($units, unit_code) GROUP BY unit_code",
            {"units": list(units)},
        )
    }


# --- putting it together -----------------------------------------------------------------------


def explain_criterion(
    con: duckdb.DuckDBPyConnection,
    source: Source,
    target: Target,
    unit: str,
    province: str,
    sample: int = DEFAULT_SAMPLE,
    declarations: Path | None = None,
) -> Explanation:
    """The explanation of a checked target for one unit, read from an open warehouse.

    `declarations` is the declarations directory, where a declared value's file and
    line are looked up."""
    framework, period = target.framework, target.period
    try:
        unit_name, unit_level = scored_unit(con, framework, unit, period)
    except UnitError as exc:
        raise ExplainError(str(exc)) from None
    _check_built(con, target)
    score = _score_row(con, target, unit)
    rule = _rule(target)
    substitution = _substitution(target, score["substitution"])
    inputs = _inputs(score["inputs"])
    wanted = _wanted_measures(rule, inputs, unit, substitution)
    levels = _unit_levels(con, sorted({code for _, code, _ in wanted}))
    size = max(0, min(sample, MAX_SAMPLE))
    ctx = _Context(con, period, province, size, levels, declarations)
    measures = tuple(_explain_measure(ctx, key, code, roles) for key, code, roles in wanted)
    points = score["points"]
    return Explanation(
        framework=framework.id,
        framework_version=framework.version,
        framework_name=framework.name_vi,
        citation=framework.citation,
        criterion=target.criterion_id,
        parent=score["parent"],
        name_vi=score["name_vi"] or "",
        name_en=score["name_en"] or "",
        unit=unit,
        unit_name=unit_name,
        unit_level=unit_level,
        period=period.label,
        source=source,
        rule=rule,
        rounding=RoundingPolicy(
            framework.rounding.decimals, framework.rounding.mode, framework.rounding.aggregate
        ),
        points=_places(points, framework),
        max_points=_places(score["max_points"], framework),
        status=str(score["status"]),
        rate=_plain(score["rate"]),
        numerator=_plain(score["numerator"]),
        denominator=_plain(score["denominator"]),
        target=_plain(score["target"]),
        met=score["met"],
        detail=score["detail"] or "",
        steps=arithmetic_steps(score["detail"] or "", rule.method, points, framework),
        substitution=substitution,
        inputs=inputs,
        measures=measures,
        children=_children(con, target, unit, rule.children),
        run_id=score["run_id"],
        computed_at=score["computed_at"],
        notes=(source.note,) if source.note else (),
    )


def _plain(value: Decimal | None) -> Decimal | None:
    """A stored decimal without the column's trailing zeros (1218.000000 → 1218)."""
    return None if value is None else Decimal(format_decimal(Decimal(value), 8))


def _places(value: Decimal | None, framework: Framework) -> Decimal | None:
    """A stored DECIMAL(12,4) shown with the framework's decimals (the values are exact)."""
    return None if value is None else framework.rounding.apply(Decimal(value))


def explain(
    settings: Settings,
    framework_id: str,
    criterion_id: str,
    unit: str,
    period: str,
    sample: int = DEFAULT_SAMPLE,
) -> Explanation:
    """Check the request, open the warehouse read-only (or its snapshot) and explain."""
    target = check_target(framework_id, criterion_id, period.strip())
    working, snapshot = settings.warehouse.path, settings.warehouse.snapshot_path
    with open_warehouse(working, snapshot) as (con, source):
        province = settings.collect.province_code
        declarations = settings.declarations.dir
        try:
            return explain_criterion(con, source, target, unit, province, sample, declarations)
        except duckdb.CatalogException as exc:
            raise ExplainError(
                f"the warehouse {source.path} has not been built yet ({exc.args[0]}): "
                "run `chiso run` or `chiso build` first"
            ) from None


# --- output ---------------------------------------------------------------------------------


def _json_default(value: Any) -> Any:
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def explanation_json(explanation: Explanation) -> str:
    """The explanation as JSON (numbers as decimal strings, times in ISO format)."""
    return json.dumps(asdict(explanation), default=_json_default, ensure_ascii=False, indent=2)


# Every value shown below comes from the warehouse or the framework files: it goes into
# a rich Text, never into a markup string, so a `[` in a declaration cannot restyle it.


def _num(value: Decimal | None) -> str:
    return "—" if value is None else format_decimal(value)


def _grid() -> Table:
    grid = Table.grid(padding=(0, 2))
    grid.add_column(style="bold")
    grid.add_column(overflow="fold")
    return grid


def _row(table: Table, *cells: object) -> None:
    table.add_row(*(Text("" if c is None else str(c)) for c in cells))


def _table(title: str, columns: Sequence[str], right: Sequence[str] = ()) -> Table:
    table = Table(title=title, title_justify="left")
    for column in columns:
        table.add_column(column, justify="right" if column in right else "left", overflow="fold")
    return table


def _headline(e: Explanation) -> Text:
    points = "—" if e.points is None else str(e.points)
    line = Text()
    line.append(f"{e.name_vi}\n", style="bold")
    line.append(f"{e.name_en}\n")
    line.append(f"points {points} of {e.max_points}", style="bold")
    line.append(f" · status {e.status}")
    if e.numerator is not None and e.denominator is not None:
        line.append(f" · rate {_num(e.numerator)}/{_num(e.denominator)} = {_num(e.rate)}")
    if e.target is not None:
        line.append(f" · target {_num(e.target)}: {'met' if e.met else 'not met'}")
    line.append(f"\nunit {e.unit} ({e.unit_name}, {e.unit_level}) · period {e.period}")
    line.append(f"\nscored by run {e.run_id} at {e.computed_at}")
    where = "the working warehouse" if e.source.kind == "working" else "the published snapshot"
    line.append(f"\nread from {where} {e.source.path} (read-only)")
    return line


def _rule_panel(e: Explanation) -> Panel:
    grid, rule = _grid(), e.rule
    _row(grid, "method", rule.method)
    official = rule.max_points_with_survey
    if official is not None and official != rule.max_points:
        _row(grid, "max", f"{rule.max_points} ({official} with the survey criteria)")
    else:
        _row(grid, "max", rule.max_points)
    for name, value in rule.params.items():
        shown = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
        _row(grid, f"param {name}", shown)
    for role, key in rule.measures.items():
        _row(grid, f"measure {role}", key)
    if rule.substitutions:
        _row(grid, "Art. 7 rules", ", ".join(rule.substitutions))
    if rule.children:
        _row(grid, "children", ", ".join(rule.children))
    r = e.rounding
    _row(grid, "rounding", f"{r.decimals} decimals, {r.mode}, aggregate {r.aggregate}")
    if rule.notes:
        _row(grid, "notes", rule.notes)
    _row(grid, "framework", f"{e.framework} {e.framework_version}: {e.citation}")
    return Panel(grid, title="rule", title_align="left")


def _steps_panel(e: Explanation) -> Panel:
    steps = Text("\n".join(f"{n}. {step}" for n, step in enumerate(e.steps, start=1)))
    if e.substitution is not None:
        s = e.substitution
        steps.append(
            f"\nArticle 7 replaced the unit's own points: {s.rule} — {s.measure} = {s.equals} "
            f"gives {s.gives} ({s.citation})",
            style="bold yellow",
        )
    return Panel(steps, title="arithmetic", title_align="left")


def _children_table(e: Explanation) -> Table:
    table = _table("children", ("criterion", "tên tiêu chí", "points", "max", "status"),
                   right=("points", "max"))  # fmt: skip
    for c in e.children:
        points = "—" if c.points is None else c.points
        _row(table, c.criterion, c.name_vi, points, c.max_points, c.status)
    return table


def _used(m: MeasureExplanation) -> MeasureRow | None:
    return next((r for r in m.rows if r.used), None)


def _inputs_table(measures: Sequence[MeasureExplanation], title: str) -> Table:
    table = _table(title, ("measure", "unit", "role", "value", "origin", "records", "made by"),
                   right=("value", "records"))  # fmt: skip
    for m in measures:
        used = _used(m)
        _row(
            table, m.key, m.unit, ", ".join(m.roles), m.value or "— (absent)",
            used.origin if used else "—",
            "" if used is None or used.record_count is None else used.record_count,
            used.transform if used else "",
        )  # fmt: skip
    return table


def _loads_table(p: CollectedProvenance, sample: int) -> Table:
    table = _table(
        "loads behind these records",
        ("load", "source", "endpoint", "entity", "status", "finished", "run", "pages", "requests"),
    )
    for load in p.loads:
        shown = list(load.requests[: max(sample, 1)])
        more = len(load.requests) - len(shown)
        requests = "\n".join(shown) + (f"\n… and {more} more" if more > 0 else "")
        _row(
            table, load.load_id, load.source, load.endpoint, load.entity, load.status,
            load.finished_at, load.run_id, load.pages, requests,
        )  # fmt: skip
    return table


def _collected_group(p: CollectedProvenance, sample: int) -> Group:
    grid = _grid()
    _row(grid, "transform", p.transform)
    _row(grid, "fact view", p.relation)
    _row(grid, "where", p.where)
    _row(grid, "period column", p.period_column or "— (the state at the period's end)")
    _row(grid, "value", p.value_expression)
    _row(grid, "records counted", f"{p.record_count} now (at the build: {p.stored_record_count})")
    _row(grid, "sample ids", ", ".join(p.sample_ids) or "—")
    _row(grid, "parameters", ", ".join(f"${k} = {v}" for k, v in p.parameters.items()))
    _row(grid, "SQL (every record)", p.sql)
    for note in p.notes:
        _row(grid, "note", note)
    parts: list[Any] = [grid]
    if p.loads:
        parts.append(_loads_table(p, sample))
    else:
        parts.append(Text("no records: no load is behind this value"))
    if p.sample_requests:
        requests = _table(
            "the request that fetched each sample record", ("record", "load", "request", "at")
        )
        for r in p.sample_requests:
            _row(requests, r.record_id, r.load_id, r.request or "—", r.fetched_at)
        parts.append(requests)
    return Group(*parts)


def _declared_grid(p: DeclaredProvenance) -> Table:
    grid = _grid()
    if p.override_id is not None:
        _row(grid, "override", f"#{p.override_id}, set at {p.set_at} by {p.declared_by}")
    else:
        _row(grid, "declaration", p.transform or "—")
    for name, value in p.evidence.items():
        _row(grid, name, value)
    if p.declared_by and "declared_by" not in p.evidence and p.override_id is None:
        _row(grid, "declared_by", p.declared_by)
    if p.file and "file" not in p.evidence:
        _row(grid, "file", p.file + (f":{p.line}" if p.line else ""))
    return grid


def _measure_panel(m: MeasureExplanation, sample: int) -> Panel:
    parts: list[Any] = []
    if not m.rows:
        parts.append(Text("no value in marts.measure for this unit and period", style="red"))
    for row in m.rows:
        used = "used by the engine" if row.used else "not used: a value of higher precedence is"
        parts.append(Text(f"{row.origin} = {row.value} · {used} · run {row.run_id}", "bold"))
        if row.collected is not None:
            parts.append(_collected_group(row.collected, sample))
        if row.declared is not None:
            parts.append(_declared_grid(row.declared))
    roles = f" ({', '.join(m.roles)})" if m.roles else ""
    title = Text(f"{m.key}{roles} — unit {m.unit}")
    return Panel(Group(*parts), title=title, title_align="left")


def render_table(console: Console, e: Explanation, sample: int = DEFAULT_SAMPLE) -> None:
    """The explanation as rich panels and tables: the score, the rule, the arithmetic,
    the children, the inputs and each input's provenance."""
    title = Text(f"{e.framework} · {e.criterion} · unit {e.unit} · {e.period}")
    console.print(Panel(_headline(e), title=title, title_align="left"))
    for note in e.notes:
        console.print(Text.assemble(("note: ", "bold yellow"), note))
    console.print(_rule_panel(e))
    console.print(_steps_panel(e))
    if e.children:
        console.print(_children_table(e))
    own = [m for m in e.measures if m.unit == e.unit]
    others = [m for m in e.measures if m.unit != e.unit]
    if own:
        console.print(_inputs_table(own, "inputs"))
    for m in own:
        console.print(_measure_panel(m, sample))
    if others:
        console.print(_inputs_table(others, "inputs of the units tested below this one"))
        console.print(
            Text("Each of these has its records, SQL, loads and requests in --format json.")
        )


# --- the command ------------------------------------------------------------------------------


class ExplainFormat(StrEnum):
    table = "table"
    json = "json"


def _settings(config: str | None) -> Settings:
    try:
        return load_settings(Path(config) if config else None)
    except (OSError, ValueError) as exc:
        raise ExplainError(f"cannot read the configuration: {exc}") from None


def explain_command(
    framework: Annotated[str, typer.Option(help="Framework id, e.g. par7-2024.")],
    criterion: Annotated[str, typer.Option(help='Criterion id as numbered, e.g. "7.3.6".')],
    unit: Annotated[str, typer.Option(help="Org unit code of the framework's level, e.g. 89.")],
    period: Annotated[str, typer.Option(help="2024, 2024-Q1 or 2024-01, built already.")],
    output: Annotated[
        ExplainFormat, typer.Option("--format", help="table or json.")
    ] = ExplainFormat.table,
    sample: Annotated[
        int, typer.Option(min=0, max=MAX_SAMPLE, help="Record ids shown per measure.")
    ] = DEFAULT_SAMPLE,
    config: ConfigOption = None,
) -> None:
    """Where a criterion's points came from: the rule, the arithmetic, each input and
    its records, loads and source requests (or its declaration), read-only."""
    try:
        explanation = explain(_settings(config), framework, criterion, unit, period, sample)
    except ExplainError as exc:
        raise fail(str(exc)) from None
    if output is ExplainFormat.json:
        typer.echo(explanation_json(explanation))
    else:
        render_table(console, explanation, sample)
