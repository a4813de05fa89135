"""Declared facts: measures no system holds, read from CSV files with their evidence.

A declaration file has the measures-file columns (`unit,period,measure,value`) and the
evidence columns `evidence_doc, evidence_date, evidence_link, declared_by, declared_at`.
Rows are checked against the catalogue and the org units; a file with any problem is
refused whole, every problem named by file, line and column. A declared value never
replaces a collected one: a measure chiso collects (one with a transform in
transforms/measures*) cannot be declared. A measure whose catalogue source is a system
but that chiso does not collect yet is declared like any other fact.

A share (a measure the catalogue types `share`) must lie between 0 and 1: the
catalogue's value check refuses it otherwise, like any value of the wrong type.
Across the files of a build, a fact is declared in one file only, and a numerator
cannot exceed its denominator (the frameworks' ratio pairs, same unit and period).
"""

from __future__ import annotations

import csv
import json
import os
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa

from flows.measures_file import InputFileError, read_measures_csv
from scoring.catalogue import Catalogue, load_catalogue
from scoring.framework import Framework, list_frameworks, load_framework
from scoring.model import MeasureValue
from transforms.measures import MEASURE_COLUMNS, transforms_for

EVIDENCE_FIELDS = ("evidence_doc", "evidence_date", "evidence_link", "declared_by", "declared_at")


def _rows_by_slot(path: Path, catalogue: Catalogue) -> dict[tuple[str, str, str], _Row]:
    """Each data row's line and evidence, keyed by (unit, period, canonical key).

    Called after read_measures_csv accepted the file, so every key parses.
    """
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        rows = {}
        for row in reader:
            if not any((value or "").strip() for value in row.values()):
                continue
            key = str(catalogue.validate_key(row["measure"].strip()))
            evidence = {name: (row.get(name) or "").strip() for name in EVIDENCE_FIELDS}
            rows[(row["unit"].strip(), row["period"].strip(), key)] = _Row(
                reader.line_num, evidence
            )
    return rows


@dataclass(frozen=True)
class _Row:
    line: int
    evidence: dict[str, str]


@dataclass(frozen=True)
class Declared:
    """One accepted declaration row: the measure, its evidence and its line in the file."""

    measure: MeasureValue
    evidence: dict[str, str]
    path: Path
    line: int


def ratio_pairs(frameworks: Iterable[Framework]) -> frozenset[tuple[str, str]]:
    """Every (numerator, denominator) measure-key pair the frameworks' criteria read
    (roles `numerator`/`denominator`, and `numerator_2`/`denominator_2` alike): for one
    unit and period the numerator cannot exceed the denominator."""
    return frozenset(
        (key, c.measures["denominator" + role.removeprefix("numerator")])
        for framework in frameworks
        for c in framework.criteria
        for role, key in c.measures.items()
        if role.startswith("numerator")
        and "denominator" + role.removeprefix("numerator") in c.measures
    )


def shipped_ratio_pairs() -> frozenset[tuple[str, str]]:
    """The ratio pairs of every shipped framework (scoring/frameworks/)."""
    return ratio_pairs(load_framework(name) for name in list_frameworks())


def read_declared(
    path: Path,
    known_units: Iterable[str],
    catalogue: Catalogue | None = None,
) -> list[Declared]:
    """Validate one declaration file; return its rows with their evidence and lines.

    Raises InputFileError naming every problem (file, line, column).
    """
    catalogue = catalogue or load_catalogue()
    measures = read_measures_csv(path, catalogue)
    rows = _rows_by_slot(path, catalogue)
    units = set(known_units)
    problems = []
    for m in measures:
        line = rows[(m.unit, m.period, m.key)].line
        if m.unit not in units:
            problems.append(
                f"{path}:{line}: column unit: {m.unit!r} is not a unit of the province "
                "in the warehouse"
            )
        spec = catalogue.spec(m.key.split("{", 1)[0])
        if transforms_for(m.key):
            problems.append(
                f"{path}:{line}: column measure: {m.key} is collected from {spec.source}; "
                "it cannot be declared (an operator override is the way to correct it)"
            )
    if problems:
        raise InputFileError(path, problems)
    return [
        Declared(
            m, rows[(m.unit, m.period, m.key)].evidence, path, rows[(m.unit, m.period, m.key)].line
        )
        for m in measures
    ]


def read_declarations(
    path: Path,
    known_units: Iterable[str],
    catalogue: Catalogue | None = None,
) -> tuple[list[MeasureValue], list[dict[str, str]]]:
    """Validate one declaration file; return its measures and their evidence.

    Raises InputFileError naming every problem (file, line, column).
    """
    rows = read_declared(path, known_units, catalogue)
    return [r.measure for r in rows], [r.evidence for r in rows]


def cross_file_problems(rows: Iterable[Declared], pairs: Collection[tuple[str, str]]) -> list[str]:
    """Problems between declaration files: a (unit, period, measure) declared twice, and
    a numerator above its denominator (both declared, for the same unit and period)."""
    first: dict[tuple[str, str, str], Declared] = {}
    problems: list[str] = []
    for row in rows:
        m = row.measure
        slot = (m.unit, m.period, m.key)
        if slot in first:
            other = first[slot]
            problems.append(
                f"{row.path}:{row.line}: column measure: {m.key} for unit {m.unit}, period "
                f"{m.period} is already declared in {other.path}:{other.line} "
                "(a fact is declared in one file only)"
            )
            continue
        first[slot] = row
    for numerator, denominator in sorted(pairs):
        for (unit, period, key), row in first.items():
            if key != numerator or (unit, period, denominator) not in first:
                continue
            den = first[(unit, period, denominator)]
            b, a = row.measure.value, den.measure.value
            if isinstance(b, Decimal) and isinstance(a, Decimal) and b > a:
                problems.append(
                    f"{row.path}:{row.line}: column value: {numerator} = {b} is greater than "
                    f"{denominator} = {a} ({den.path}:{den.line}) for unit {unit}, "
                    f"period {period}"
                )
    return problems


def declaration_files(directory: Path) -> list[Path]:
    """The declaration files under a directory (recursively), in path order."""
    return sorted(directory.rglob("*.csv")) if directory.is_dir() else []


def declared_measure_rows(
    files: Sequence[Path],
    period: str,
    known_units: Iterable[str],
    run_id: str,
    computed_at: datetime | None = None,
    pairs: Collection[tuple[str, str]] | None = None,
) -> pd.DataFrame:
    """The declared measures of `period` from every file, shaped like marts.measure.

    Every file is validated whole; then a fact declared in two files, or a numerator
    above its denominator (`pairs`, default: every shipped framework's), is refused.
    """
    units = list(known_units)
    stamp = computed_at or datetime.now()
    catalogue = load_catalogue()
    rows = [
        row for path in files for row in read_declared(path, units) if row.measure.period == period
    ]
    problems = cross_file_problems(rows, shipped_ratio_pairs() if pairs is None else pairs)
    if problems:
        raise InputFileError(Path(os.path.commonpath([str(p) for p in files])), problems)
    records: list[dict[str, object]] = []
    for row in rows:
        m, ev = row.measure, row.evidence
        value_num = (
            (1 if m.value else 0)
            if isinstance(m.value, bool)
            else None
            if isinstance(m.value, str)
            else m.value
        )
        records.append(
            {
                "unit_code": m.unit,
                "period": m.period,
                "measure_key": m.key,
                "measure_name": m.key.split("{", 1)[0],
                "value_num": value_num,
                "value_text": _value_text(m),
                "value_type": catalogue.spec(m.key.split("{", 1)[0]).value_type,
                "origin": "declared",
                "transform": f"declaration:{row.path.name}",
                "load_ids": [],
                "record_count": 1,
                "evidence": json.dumps(ev, ensure_ascii=False),
                "declared_by": ev.get("declared_by") or None,
                "computed_at": stamp,
                "run_id": run_id,
            }
        )
    frame = pd.DataFrame.from_records(records, columns=MEASURE_COLUMNS)
    frame["value_num"] = exact_decimals(frame["value_num"])
    return frame


def exact_decimals(values: pd.Series, precision: int = 38, scale: int = 6) -> pd.Series:
    """Numbers as an Arrow decimal column (default decimal(38, 6), the type of
    marts.measure.value_num), for a DataFrame bulk-inserted into DuckDB.

    A column of Python Decimals makes DuckDB guess the decimal type from a sample of
    its first rows (after many NULLs, `12.5` gives DECIMAL(3,1)), and a later, larger
    value then fails to cast; a typed column is read as it is.
    """
    quantum = Decimal(1).scaleb(-scale)
    exact = [
        v.quantize(quantum)
        if type(v) is Decimal and v.is_finite()
        else None
        if pd.isna(v)
        else Decimal(v).quantize(quantum)
        for v in values
    ]
    column = pa.array(exact, type=pa.decimal128(precision, scale))
    return pd.Series(pd.arrays.ArrowExtensionArray(column), index=values.index)


def _value_text(m: MeasureValue) -> str:
    if isinstance(m.value, bool):
        return "true" if m.value else "false"
    return str(m.value)
