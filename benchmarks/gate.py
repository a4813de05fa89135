"""The correctness gate of the collection benchmark: before any timing counts, chiso's
warehouse and the baseline's hold the same rows for the same endpoints.

For each entity, chiso's ``staging.<entity>`` (the current row per natural key) is
compared with the baseline's ``<dataset>.<entity>`` (a merge table: the current row per
primary key) on

- row counts, and
- an order-insensitive hash of the business columns: the natural key and every column
  of the entity's mapping (`EndpointSpec.mapping`) that chiso's staging holds.

The two sides store the same facts differently: chiso holds our column names, enum
words and naive local timestamps; dlt holds the source's field names (snake-cased),
enum codes and whatever its type detection made of a date (text in the source's
format, or a timestamp with time zone). Each value is brought to one canonical text
before hashing:

- dates → ``YYYY-MM-DD HH:MM:SS`` local wall-clock time (a text date parsed with the
  source's format; an ISO value with an offset converted to UTC+7; a naive source time
  that dlt stored as a UTC instant read back as the wall-clock time the source wrote);
- enum codes → our words, through the spec's enum map (unknown codes kept, as chiso
  does);
- numbers → ``DECIMAL(38,6)`` text, booleans → ``true``/``false``, NULL → ``\\N``; a
  column dlt never created (every value null) counts as NULL throughout.

Everything runs as DuckDB SQL over both files attached read-only to one connection:
counts, ``sum(hash(row))`` and, only when they differ, an anti-join naming a few keys
present on one side only or holding different values. This module does not import
dlt (CI runs its tests without it).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import duckdb

from connectors.endpoint import EndpointSpec
from connectors.mapping import DateFormat, IsoOffsetDateFormat, LocalDateFormat
from connectors.registry import ENDPOINTS

CHISO = "chiso_wh"
DLT = "dlt_wh"
CHISO_SCHEMA = "staging"
NULL_MARK = "\\N"
SEPARATOR = "\x1f"
SAMPLE_KEYS = 5
_TEXT_TIME = "%Y-%m-%d %H:%M:%S"
_LOCAL_HOURS = 7
_NUMERIC = re.compile(
    r"^(TINYINT|SMALLINT|INTEGER|BIGINT|HUGEINT|UTINYINT|USMALLINT|UINTEGER|UBIGINT|"
    r"UHUGEINT|FLOAT|REAL|DOUBLE|DECIMAL.*|NUMERIC.*)$"
)
_VARIANT = "__v_"


@dataclass(frozen=True)
class EntityCheck:
    """One entity on both sides. The hashes are hex sums of row hashes (equal sets of
    canonical rows give equal hashes whatever their order)."""

    chiso_rows: int
    dlt_rows: int
    chiso_hash: str
    dlt_hash: str
    ok: bool
    columns: tuple[str, ...] = ()
    only_in_chiso: tuple[str, ...] = ()
    only_in_dlt: tuple[str, ...] = ()
    differing_keys: tuple[str, ...] = ()
    differing_columns: tuple[str, ...] = ()
    problem: str = ""


@dataclass(frozen=True)
class GateResult:
    """The gate over every entity compared; `message` names each entity that differs."""

    ok: bool
    per_entity: dict[str, EntityCheck] = field(default_factory=dict)
    message: str = ""


def spec_of(entity: str) -> EndpointSpec:
    """The endpoint spec of a chiso entity name (entity names are unique)."""
    found = [spec for (_, name), spec in ENDPOINTS.items() if name == entity]
    if len(found) != 1:
        raise KeyError(f"{entity!r} names {len(found)} endpoints; expected one")
    return found[0]


def compare_warehouses(
    chiso_db: Path, dlt_db: Path, dlt_dataset: str, entities: Sequence[str]
) -> GateResult:
    """Compare chiso's staging with the baseline's dataset for `entities`."""
    specs = [spec_of(entity) for entity in entities]  # unknown names fail before any I/O
    con = duckdb.connect()
    try:
        con.execute(f"ATTACH {_literal(str(chiso_db))} AS {CHISO} (READ_ONLY)")
        con.execute(f"ATTACH {_literal(str(dlt_db))} AS {DLT} (READ_ONLY)")
        checks = {spec.entity: _check(con, spec, dlt_dataset) for spec in specs}
    finally:
        con.close()
    failed = [entity for entity, check in checks.items() if not check.ok]
    if failed:
        lines = [f"{len(failed)} of {len(checks)} entities differ:"]
        lines += [_describe(entity, checks[entity]) for entity in failed]
        message = "\n".join(lines)
    else:
        total = sum(check.chiso_rows for check in checks.values())
        message = f"all {len(checks)} entities hold the same rows ({total:,} in all)"
    return GateResult(ok=not failed, per_entity=checks, message=message)


# -- one entity


@dataclass(frozen=True)
class _Side:
    """The canonical key and row expressions of one side, over table `table`."""

    table: str
    key: str
    columns: dict[str, str]

    def row(self) -> str:
        parts = ", ".join(
            f"coalesce({expr}, {_literal(NULL_MARK)})" for expr in self.columns.values()
        )
        return f"concat_ws({_literal(SEPARATOR)}, {parts})"


def _check(con: duckdb.DuckDBPyConnection, spec: EndpointSpec, dataset: str) -> EntityCheck:
    chiso_types = _column_types(con, CHISO, CHISO_SCHEMA, spec.entity)
    dlt_types = _column_types(con, DLT, dataset, spec.entity)
    missing = [
        f"{where} has no table {name}"
        for where, name, types in (
            ("chiso", f"{CHISO_SCHEMA}.{spec.entity}", chiso_types),
            ("dlt", f"{dataset}.{spec.entity}", dlt_types),
        )
        if not types
    ]
    if missing:
        return EntityCheck(0, 0, "", "", False, problem="; ".join(missing))
    chiso, dlt = _sides(spec, dataset, chiso_types, dlt_types)
    c_rows, c_keys, c_hash, c_cols = _aggregate(con, chiso)
    d_rows, d_keys, d_hash, d_cols = _aggregate(con, dlt)
    ok = c_rows == d_rows and c_hash == d_hash and c_keys == c_rows and d_keys == d_rows
    problem = ""
    if c_keys != c_rows or d_keys != d_rows:
        problem = f"repeated keys (chiso {c_rows - c_keys}, dlt {d_rows - d_keys})"
    check = EntityCheck(
        chiso_rows=c_rows,
        dlt_rows=d_rows,
        chiso_hash=c_hash,
        dlt_hash=d_hash,
        ok=ok,
        columns=tuple(chiso.columns),
        problem=problem,
    )
    if ok:
        return check
    only_chiso, only_dlt, differing = _key_differences(con, chiso, dlt)
    return EntityCheck(
        chiso_rows=c_rows,
        dlt_rows=d_rows,
        chiso_hash=c_hash,
        dlt_hash=d_hash,
        ok=False,
        columns=tuple(chiso.columns),
        only_in_chiso=only_chiso,
        only_in_dlt=only_dlt,
        differing_keys=differing,
        differing_columns=tuple(c for c in chiso.columns if c_cols[c] != d_cols[c]),
        problem=problem,
    )


def _column_types(
    con: duckdb.DuckDBPyConnection, catalog: str, schema: str, table: str
) -> dict[str, str]:
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_catalog = ? AND table_schema = ? AND table_name = ? "
        "ORDER BY ordinal_position",
        [catalog, schema, table],
    ).fetchall()
    return {str(name): str(data_type) for name, data_type in rows}


def _squash(name: str) -> str:
    """A name without case or separators: ``MaDonVi``, ``ma_don_vi`` → ``madonvi``."""
    return re.sub(r"[^0-9a-z]", "", name.lower())


def _sides(
    spec: EndpointSpec, dataset: str, chiso_types: dict[str, str], dlt_types: dict[str, str]
) -> tuple[_Side, _Side]:
    dlt_by_field: dict[str, list[str]] = {}
    for name in dlt_types:
        if name.startswith("_dlt_"):
            continue
        base = name.split(_VARIANT, 1)[0]
        dlt_by_field.setdefault(_squash(base), []).append(name)
    chiso_columns: dict[str, str] = {}
    dlt_columns: dict[str, str] = {}
    for source_field, ours in spec.mapping.columns.items():
        if ours not in chiso_types:
            continue  # not (yet) a staging column: nothing of chiso's to compare
        chiso_columns[ours] = _canonical(_ident(ours), chiso_types[ours])
        found = sorted(dlt_by_field.get(_squash(source_field), []), key=len)
        exprs = [_dlt_canonical(spec, ours, _ident(name), dlt_types[name]) for name in found]
        if not exprs:
            dlt_columns[ours] = "CAST(NULL AS VARCHAR)"
        elif len(exprs) == 1:
            dlt_columns[ours] = exprs[0]
        else:  # a column and its variants: one value per row
            dlt_columns[ours] = f"coalesce({', '.join(exprs)})"
    key = spec.natural_key
    chiso = _Side(
        f"{CHISO}.{CHISO_SCHEMA}.{_ident(spec.entity)}", chiso_columns[key], chiso_columns
    )
    dlt = _Side(f"{DLT}.{_ident(dataset)}.{_ident(spec.entity)}", dlt_columns[key], dlt_columns)
    return chiso, dlt


def _canonical(column: str, data_type: str) -> str:
    """Canonical text of a column by its DuckDB type (dates as local wall clock)."""
    kind = data_type.upper()
    if kind == "BOOLEAN":
        return f"CASE WHEN {column} THEN 'true' WHEN NOT {column} THEN 'false' END"
    if _NUMERIC.match(kind):
        return f"CAST(CAST({column} AS DECIMAL(38,6)) AS VARCHAR)"
    if kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        return _text_time(_utc_naive(column), local=True)
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return _text_time(f"CAST({column} AS TIMESTAMP)", local=False)
    return f"CAST({column} AS VARCHAR)"


def _dlt_canonical(spec: EndpointSpec, ours: str, column: str, data_type: str) -> str:
    """Canonical text of a dlt column holding the source's values of our `ours`."""
    mapping = spec.mapping
    kind = data_type.upper()
    if ours in mapping.dates:
        return _source_date(column, kind, mapping.date_format)
    if ours in mapping.enums and kind == "VARCHAR":
        cases = " ".join(
            f"WHEN {_literal(code)} THEN {_literal(word)}"
            for code, word in mapping.enums[ours].items()
        )
        return f"CASE {column} {cases} ELSE {column} END"
    return _canonical(column, data_type)


def _source_date(column: str, kind: str, date_format: DateFormat) -> str:
    if kind in ("TIMESTAMP WITH TIME ZONE", "TIMESTAMPTZ"):
        # dlt reads an offset-less source time as UTC: its wall clock is the source's.
        return _text_time(_utc_naive(column), local=isinstance(date_format, IsoOffsetDateFormat))
    if kind.startswith("TIMESTAMP") or kind == "DATE":
        return _text_time(f"CAST({column} AS TIMESTAMP)", local=False)
    text = f"CAST({column} AS VARCHAR)"
    if isinstance(date_format, LocalDateFormat):
        parsed = _text_time(f"try_strptime({text}, {_literal(date_format.pattern)})", local=False)
    elif isinstance(date_format, IsoOffsetDateFormat):
        parsed = _text_time(_utc_naive(f"TRY_CAST({text} AS TIMESTAMPTZ)"), local=True)
    else:
        raise TypeError(f"no SQL parser for date format {type(date_format).__name__}")
    return f"coalesce({parsed}, {text})"


def _utc_naive(instant: str) -> str:
    return f"make_timestamp(epoch_us({instant}))"


def _text_time(timestamp: str, *, local: bool) -> str:
    shifted = f"({timestamp} + INTERVAL {_LOCAL_HOURS} HOUR)" if local else timestamp
    return f"strftime({shifted}, {_literal(_TEXT_TIME)})"


def _aggregate(con: duckdb.DuckDBPyConnection, side: _Side) -> tuple[int, int, str, dict[str, str]]:
    """Rows, distinct keys, the row-hash sum and each column's hash sum of one side."""
    per_column = ", ".join(
        f"CAST(sum(hash({expr})::HUGEINT) AS VARCHAR)" for expr in side.columns.values()
    )
    query = (
        f"SELECT count(*), count(DISTINCT {side.key}), "  # noqa: S608 - names from specs
        f"CAST(sum(hash({side.row()})::HUGEINT) AS VARCHAR), {per_column} FROM {side.table}"
    )
    result = con.execute(query).fetchone()
    assert result is not None
    rows, keys, total, *columns = result
    row_hash = format(int(total), "x") if total is not None else "0"
    return int(rows), int(keys), row_hash, dict(zip(side.columns, columns, strict=True))


def _key_differences(
    con: duckdb.DuckDBPyConnection, chiso: _Side, dlt: _Side
) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """A few keys only in chiso, only in dlt, and in both with different values."""
    query = (
        f"WITH c AS (SELECT {chiso.key} AS k, hash({chiso.row()}) AS h "  # noqa: S608
        f"FROM {chiso.table}), "
        f"d AS (SELECT {dlt.key} AS k, hash({dlt.row()}) AS h FROM {dlt.table}), "
        "j AS (SELECT coalesce(c.k, d.k) AS k, "
        "CASE WHEN d.k IS NULL THEN 'chiso' WHEN c.k IS NULL THEN 'dlt' ELSE 'both' END AS side "
        "FROM c FULL OUTER JOIN d ON c.k = d.k WHERE c.h IS DISTINCT FROM d.h) "
        "SELECT side, list(k ORDER BY k)[1:?] FROM j GROUP BY side"
    )
    found = {side: tuple(keys) for side, keys in con.execute(query, [SAMPLE_KEYS]).fetchall()}
    return found.get("chiso", ()), found.get("dlt", ()), found.get("both", ())


def _describe(entity: str, check: EntityCheck) -> str:
    parts = [f"- {entity}: chiso {check.chiso_rows:,} rows, dlt {check.dlt_rows:,} rows"]
    if check.problem:
        parts.append(check.problem)
    if check.only_in_chiso:
        parts.append(f"only in chiso: {', '.join(check.only_in_chiso)}")
    if check.only_in_dlt:
        parts.append(f"only in dlt: {', '.join(check.only_in_dlt)}")
    if check.differing_keys:
        columns = ", ".join(check.differing_columns) or "?"
        parts.append(f"different values ({columns}) for: {', '.join(check.differing_keys)}")
    return "; ".join(parts)


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
