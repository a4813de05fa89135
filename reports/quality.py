"""Data quality of the marts: a Great Expectations checkpoint, rendered as Data Docs.

The expectations are not written a second time: they are derived from the pandera
contracts of the marts (`contracts.marts`). Each contract column gives "column exists"
and, when it is not nullable, "no nulls"; each of its checks is translated, once, into
the Great Expectations expectation that states the same rule with the contract's own
parameters (periods, statuses, origins); the frame-wide checks likewise. marts.ranking
has no contract of its own: its columns are the score contract's columns of the ranking
criterion (total_points is that criterion's points), so it gets the same rules under
its column names. A few facts the contracts do not state (a share measure and a rate lie
between 0 and 1, ranks start at 1, only scored units are ranked) are listed in `_facts`.

A contract check with no translation is an error (`UntranslatedCheck`), so a new rule
in a contract cannot silently go unchecked here.

`run_quality_checkpoint(source, out_dir)` exports the three marts to Parquet in a
temporary directory, validates them in one checkpoint of an ephemeral context, writes
the Data Docs to `out_dir` and returns which expectations failed on which table.
"""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import unquote, urlparse

import duckdb

from contracts.marts import (
    COUNT_TYPES,
    MEASURE_ORIGINS,
    PERIOD_PATTERN,
    SCORE_STATUSES,
    MartModel,
    MeasureRow,
    ScoreRow,
)
from warehouse.publish import open_snapshot

if TYPE_CHECKING:
    from great_expectations.checkpoint.checkpoint import CheckpointResult
    from great_expectations.core.expectation_validation_result import (
        ExpectationValidationResult,
    )
    from great_expectations.expectations.expectation import Expectation

# Great Expectations phones home unless told not to; these machines have no route out.
os.environ.setdefault("GX_ANALYTICS_ENABLED", "false")

QUALITY_TABLES: tuple[str, ...] = ("marts.score", "marts.measure", "marts.ranking")
"""The marts the checkpoint validates."""

SITE_NAME = "chiso_quality"
_SHOWN_VALUES = 5


class UntranslatedCheck(LookupError):
    """A contract check has no Great Expectations translation."""


@dataclass(frozen=True)
class QualityResult:
    """What the checkpoint found.

    `failed` has one line per failed expectation, naming the table, the expectation and
    its column; `docs_index` is the Data Docs index; `pages` the Data Docs page of each
    table's validation (plain HTML that reads without a network, unlike the index, whose
    list is drawn by scripts from CDNs); `rows` the rows checked per table.
    """

    success: bool
    failed: list[str]
    docs_index: Path
    pages: Mapping[str, Path] = field(default_factory=dict)
    expectations: int = 0
    rows: Mapping[str, int] = field(default_factory=dict)


# --- translating the contracts ------------------------------------------------------

ColumnTranslation = Callable[[str], "list[Expectation]"]


def _gxe() -> Any:
    import great_expectations.expectations as gxe

    return gxe


def _condition_column(name: str) -> Any:
    from great_expectations.expectations.row_conditions import Column

    return Column(name)


def _non_empty_text(column: str) -> list[Expectation]:
    return [_gxe().ExpectColumnValueLengthsToBeBetween(column=column, min_value=1)]


def _period(column: str) -> list[Expectation]:
    # The contract's pattern with non-capturing groups (pandas warns about groups).
    pattern = re.sub(r"\((?!\?)", "(?:", PERIOD_PATTERN)
    return [_gxe().ExpectColumnValuesToMatchRegex(column=column, regex=pattern)]


def _one_of(values: Sequence[str]) -> ColumnTranslation:
    def translate(column: str) -> list[Expectation]:
        return [_gxe().ExpectColumnValuesToBeInSet(column=column, value_set=list(values))]

    return translate


def _at_least_zero(column: str) -> list[Expectation]:
    return [_gxe().ExpectColumnValuesToBeBetween(column=column, min_value=0)]


def _a_number(column: str) -> list[Expectation]:
    numeric = ["float64", "Float64", "int64", "Int64", "int32", "Int32", "float32"]
    return [_gxe().ExpectColumnValuesToBeInTypeList(column=column, type_list=numeric)]


# Each pandera column check of the mart contracts, by its name, as expectations.
_COLUMN_CHECKS: dict[str, ColumnTranslation] = {
    "_texts": _non_empty_text,
    "_period": _period,
    "_status": _one_of(SCORE_STATUSES),
    "_origin": _one_of(MEASURE_ORIGINS),
    "_not_negative": _at_least_zero,
    "_record_count": _at_least_zero,
    "_value_is_number": _a_number,
}


@dataclass(frozen=True)
class FrameTranslation:
    """A frame-wide contract check: the contract columns it reads and its expectations
    (given a map from contract column to table column)."""

    uses: tuple[str, ...]
    build: Callable[[Mapping[str, str]], list[Expectation]]


def _points_within_max(col: Mapping[str, str]) -> list[Expectation]:
    return [
        _gxe().ExpectColumnPairValuesAToBeGreaterThanB(
            column_A=col["max_points"],
            column_B=col["points"],
            or_equal=True,
            ignore_row_if="either_value_is_missing",
        )
    ]


def _points_match_status(col: Mapping[str, str]) -> list[Expectation]:
    status = _condition_column(col["status"])
    return [
        _gxe().ExpectColumnValuesToNotBeNull(
            column=col["points"], row_condition=status == "scored"
        ),
        _gxe().ExpectColumnValuesToBeNull(
            column=col["points"],
            row_condition=status.is_in(["missing_input", "not_applicable"]),
        ),
    ]


def _count_not_negative(col: Mapping[str, str]) -> list[Expectation]:
    return [
        _gxe().ExpectColumnValuesToBeBetween(
            column=col["value_num"],
            min_value=0,
            row_condition=_condition_column(col["value_type"]).is_in(list(COUNT_TYPES)),
        )
    ]


# Each pandera frame-wide check of the mart contracts, by its name.
_FRAME_CHECKS: dict[str, FrameTranslation] = {
    "points_within_max": FrameTranslation(("points", "max_points"), _points_within_max),
    "points_match_status": FrameTranslation(("points", "status"), _points_match_status),
    "count_not_negative": FrameTranslation(("value_num", "value_type"), _count_not_negative),
}


@dataclass(frozen=True)
class TableContract:
    """The contract a mart table is checked against, and its columns under the table's
    names (None: the contract's own names)."""

    model: type[MartModel]
    columns: Mapping[str, str] | None = None


# marts.ranking: one row per unit with its ranking criterion's points and status.
_RANKING_AS_SCORE = {
    "framework": "framework",
    "unit_code": "unit_code",
    "period": "period",
    "criterion": "criterion",
    "max_points": "max_points",
    "points": "total_points",
    "status": "status",
    "computed_at": "computed_at",
}

TABLE_CONTRACTS: dict[str, TableContract] = {
    "marts.score": TableContract(ScoreRow),
    "marts.measure": TableContract(MeasureRow),
    "marts.ranking": TableContract(ScoreRow, _RANKING_AS_SCORE),
}


def _noted(expectation: Expectation, note: str, source: str) -> Expectation:
    expectation.notes = note
    expectation.meta = {"source": source}
    return expectation


def _column_rules(contract: TableContract) -> list[Expectation]:
    gxe = _gxe()
    schema = contract.model.to_schema()
    model = f"contracts.marts.{contract.model.__name__}"
    names = contract.columns or {c: c for c in schema.columns}
    rules: list[Expectation] = []
    for name, column in schema.columns.items():
        if name not in names:
            continue
        target = names[name]
        source = f"{model}.{name}" + (f" (as {target})" if target != name else "")
        rules.append(_noted(gxe.ExpectColumnToExist(column=target), f"{source}: present", source))
        if not column.nullable:
            rules.append(
                _noted(
                    gxe.ExpectColumnValuesToNotBeNull(column=target), f"{source}: not null", source
                )
            )
        for check in column.checks:
            translate = _COLUMN_CHECKS.get(str(check.name))
            if translate is None:
                raise UntranslatedCheck(f"{source}: check {check.name!r} has no translation")
            note = f"{source}: a value that {check.error} breaks the contract"
            rules.extend(_noted(e, note, f"{source} {check.name}") for e in translate(target))
    return rules


def _frame_rules(contract: TableContract) -> list[Expectation]:
    schema = contract.model.to_schema()
    model = f"contracts.marts.{contract.model.__name__}"
    names = contract.columns or {c: c for c in schema.columns}
    rules: list[Expectation] = []
    for check in schema.checks:
        translation = _FRAME_CHECKS.get(str(check.name))
        if translation is None:
            raise UntranslatedCheck(f"{model}: frame check {check.name!r} has no translation")
        if not all(c in names for c in translation.uses):
            continue
        source = f"{model} {check.name}"
        note = f"{model}: rows must pass {check.name} ({', '.join(translation.uses)})"
        rules.extend(_noted(e, note, source) for e in translation.build(names))
    return rules


def _facts() -> dict[str, list[Expectation]]:
    """Column facts the contracts do not state."""
    gxe = _gxe()
    status = _condition_column("status")
    return {
        "marts.measure": [
            _noted(
                gxe.ExpectColumnValuesToBeBetween(
                    column="value_num",
                    min_value=0,
                    max_value=1,
                    row_condition=_condition_column("value_type") == "share",
                ),
                "A share (a measure of type share) is a fraction: between 0 and 100%.",
                "fact: share",
            ),
        ],
        "marts.score": [
            _noted(
                gxe.ExpectColumnValuesToBeBetween(column="rate", min_value=0, max_value=1),
                "A rate is numerator / denominator, a share: between 0 and 100%.",
                "fact: rate",
            ),
            _noted(
                gxe.ExpectColumnValuesToBeBetween(column="target", min_value=0, max_value=1),
                "An NQ17 target is a rate: between 0 and 100%.",
                "fact: target",
            ),
            _noted(
                gxe.ExpectColumnPairValuesAToBeGreaterThanB(
                    column_A="denominator",
                    column_B="numerator",
                    or_equal=True,
                    ignore_row_if="either_value_is_missing",
                ),
                "A numerator never exceeds its denominator.",
                "fact: numerator ≤ denominator",
            ),
        ],
        "marts.ranking": [
            _noted(
                gxe.ExpectColumnValuesToBeBetween(column="rank", min_value=1),
                "Ranks start at 1 (1 = best within the group).",
                "fact: rank",
            ),
            _noted(
                gxe.ExpectColumnValuesToBeNull(column="rank", row_condition=status != "scored"),
                "Only fully scored units are ranked (scoring/ranking.py).",
                "fact: ranked only when scored",
            ),
        ],
    }


def quality_rules() -> dict[str, list[Expectation]]:
    """Every expectation of every checked mart, derived from the contracts plus the facts."""
    facts = _facts()
    return {
        table: [
            *_column_rules(contract),
            *_frame_rules(contract),
            *facts.get(table, []),
        ]
        for table, contract in TABLE_CONTRACTS.items()
    }


# --- reading the marts ----------------------------------------------------------------


@contextmanager
def _connection(
    source: str | os.PathLike[str] | duckdb.DuckDBPyConnection,
) -> Iterator[duckdb.DuckDBPyConnection]:
    if isinstance(source, duckdb.DuckDBPyConnection):
        yield source
        return
    con = open_snapshot(source)
    try:
        yield con
    finally:
        con.close()


def _table_columns(con: duckdb.DuckDBPyConnection, table: str) -> dict[str, str]:
    schema, name = table.split(".")
    rows = con.execute(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = ? AND table_name = ? AND table_catalog = current_database() "
        "ORDER BY ordinal_position",
        [schema, name],
    ).fetchall()
    return {str(column): str(data_type) for column, data_type in rows}


def _columns_used(rules: Sequence[Expectation]) -> list[str]:
    used: list[str] = []
    for rule in rules:
        for key in ("column", "column_A", "column_B"):
            value = getattr(rule, key, None)
            if isinstance(value, str) and value not in used:
                used.append(value)
        condition = getattr(rule, "row_condition", None)
        name = getattr(getattr(condition, "column", None), "name", None)
        if isinstance(name, str) and name not in used:
            used.append(name)
    return used


def _export(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[str],
    target: Path,
    periods: Sequence[str] | None = None,
) -> int:
    """The table's `columns` (those it has) to Parquet, decimals as doubles, only the
    rows of `periods` when given; row count."""
    if table not in QUALITY_TABLES:
        raise ValueError(f"{table!r} is not a checked mart: one of {', '.join(QUALITY_TABLES)}")
    types = _table_columns(con, table)
    present = [c for c in columns if c in types]
    selected = ", ".join(
        f'CAST("{c}" AS DOUBLE) AS "{c}"' if types[c].startswith("DECIMAL") else f'"{c}"'
        for c in present
    )
    where, parameters = "", []
    if periods is not None:
        where, parameters = " WHERE period IN (SELECT unnest($1::VARCHAR[]))", [list(periods)]
    query = f"SELECT {selected or 'NULL AS _none'} FROM {table}{where}"  # noqa: S608 - allow-listed
    con.execute(f"COPY ({query}) TO '{target.as_posix()}' (FORMAT parquet)", parameters)
    count = con.execute(f"SELECT count(*) FROM {table}{where}", parameters).fetchone()  # noqa: S608
    return int(count[0]) if count else 0


# --- the checkpoint -------------------------------------------------------------------


def _context(docs_dir: Path) -> Any:
    import great_expectations as gx
    from great_expectations.data_context.types.base import (
        DataContextConfig,
        InMemoryStoreBackendDefaults,
        ProgressBarsConfig,
    )

    config = DataContextConfig(
        store_backend_defaults=InMemoryStoreBackendDefaults(init_temp_docs_sites=False),
        data_docs_sites={
            SITE_NAME: {
                "class_name": "SiteBuilder",
                "show_how_to_buttons": False,
                "store_backend": {
                    "class_name": "TupleFilesystemStoreBackend",
                    "base_directory": str(docs_dir),
                },
                "site_index_builder": {"class_name": "DefaultSiteIndexBuilder"},
            }
        },
        analytics_enabled=False,
        progress_bars=ProgressBarsConfig(globally=False),
    )
    return gx.get_context(project_config=config, mode="ephemeral")


def _checkpoint(context: Any, data_dir: Path, rules: Mapping[str, list[Expectation]]) -> Any:
    import great_expectations as gx

    source = context.data_sources.add_pandas_filesystem("marts", base_directory=data_dir)
    definitions = []
    for table, expectations in rules.items():
        asset = source.add_parquet_asset(table)
        batch = asset.add_batch_definition_path(table, path=f"{table}.parquet")
        # Filled before it is stored, so it is stored once (each expectation added to a
        # stored suite stores it again).
        suite = gx.ExpectationSuite(name=table)
        for expectation in expectations:
            suite.add_expectation(expectation)
        suite = context.suites.add(suite)
        definitions.append(
            context.validation_definitions.add(
                gx.ValidationDefinition(name=table, data=batch, suite=suite)
            )
        )
    # No UpdateDataDocsAction: it rebuilds the whole site once per table; the caller
    # builds it once after the run.
    return context.checkpoints.add(
        gx.Checkpoint(
            name="marts",
            validation_definitions=definitions,
            actions=[],
            result_format={"result_format": "SUMMARY", "partial_unexpected_count": 20},
        )
    )


def _arguments(kwargs: Mapping[str, Any]) -> str:
    shown = []
    for key in ("column", "column_A", "column_B", "min_value", "max_value", "value_set", "regex"):
        if kwargs.get(key) is not None:
            shown.append(f"{key}={kwargs[key]}")
    condition = kwargs.get("row_condition")
    if condition is not None:
        shown.append(f"where {condition!r}")
    return ", ".join(shown)


def _plain(value: Any) -> str:
    """A value as a person reads it: numpy scalars unwrapped, pairs in parentheses."""
    if isinstance(value, list | tuple):
        return "(" + ", ".join(_plain(v) for v in value) + ")"
    item = getattr(value, "item", None)
    return str(item() if callable(item) else value)


def describe_failure(table: str, outcome: ExpectationValidationResult) -> str:
    """One line: the table, the expectation and its arguments, how many rows, examples."""
    config = outcome.expectation_config
    kind = config.type if config is not None else "expectation"
    kwargs = dict(config.kwargs) if config is not None else {}
    line = f"{table}: {kind}({_arguments(kwargs)})"
    info = outcome.exception_info or {}
    if info.get("raised_exception"):
        return f"{line} could not run: {info.get('exception_message')}"
    result = outcome.result or {}
    unexpected = result.get("unexpected_count")
    if unexpected is not None:
        line += f" — {unexpected} of {result.get('element_count')} rows"
    examples = list(result.get("partial_unexpected_list") or [])[:_SHOWN_VALUES]
    if examples:
        line += ", e.g. " + ", ".join(_plain(e) for e in examples)
    if config is not None and config.notes:
        line += f" [{config.notes}]"
    return line


def _failures(result: CheckpointResult) -> list[str]:
    failed: list[str] = []
    for suite_result in result.run_results.values():
        table = str(suite_result.suite_name)
        for outcome in suite_result.results:
            if not outcome.success:
                failed.append(describe_failure(table, outcome))
    return failed


def _pages(context: Any, result: CheckpointResult) -> dict[str, Path]:
    """The Data Docs page of each table's validation in this run."""
    pages: dict[str, Path] = {}
    for key, suite_result in result.run_results.items():
        urls = context.get_docs_sites_urls(resource_identifier=key, site_name=SITE_NAME)
        for url in urls:
            address = url.get("site_url") or ""
            if address.startswith("file://"):
                pages[str(suite_result.suite_name)] = Path(unquote(urlparse(address).path))
    return pages


def run_quality_checkpoint(
    source: str | os.PathLike[str] | duckdb.DuckDBPyConnection,
    out_dir: str | os.PathLike[str],
    periods: Sequence[str] | None = None,
) -> QualityResult:
    """Validate marts.score, marts.measure and marts.ranking; Data Docs into `out_dir`.

    `periods` limits the check to those periods' rows (a night checks what it built, so
    its cost does not grow with the years of marts behind it); None checks every row.

    `source` is a DuckDB file (a published snapshot, or a warehouse no writer holds),
    opened read-only, or an open connection. Returns whether every expectation held,
    one line per failed expectation (table, expectation, column, rows, examples), the
    Data Docs index and each table's page.
    """
    docs_dir = Path(out_dir).resolve()
    docs_dir.mkdir(parents=True, exist_ok=True)
    rules = quality_rules()
    rows: dict[str, int] = {}
    with tempfile.TemporaryDirectory(prefix="chiso-quality-") as tmp, _connection(source) as con:
        data_dir = Path(tmp)
        for table, expectations in rules.items():
            rows[table] = _export(
                con, table, _columns_used(expectations), data_dir / f"{table}.parquet", periods
            )
        context = _context(docs_dir)
        result = _checkpoint(context, data_dir, rules).run()
        context.build_data_docs(site_names=[SITE_NAME])
    failed = _failures(result)
    return QualityResult(
        success=bool(result.success) and not failed,
        failed=failed,
        docs_index=docs_dir / "index.html",
        pages=_pages(context, result),
        expectations=sum(len(e) for e in rules.values()),
        rows=rows,
    )
