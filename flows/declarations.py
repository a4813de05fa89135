"""Declared facts: measures no system holds, read from CSV files with their evidence.

A declaration file has the measures-file columns (`unit,period,measure,value`) and the
evidence columns `evidence_doc, evidence_date, evidence_link, declared_by, declared_at`.
Rows are checked against the catalogue and the org units; a file with any problem is
refused whole, every problem named by file, line and column. A declared value never
replaces a collected one: a measure chiso collects (one with a transform in
transforms/measures*) cannot be declared. A measure whose catalogue source is a system
but that chiso does not collect yet is declared like any other fact.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from flows.measures_file import InputFileError, read_measures_csv
from scoring.catalogue import Catalogue, load_catalogue
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


def read_declarations(
    path: Path,
    known_units: Iterable[str],
    catalogue: Catalogue | None = None,
) -> tuple[list[MeasureValue], list[dict[str, str]]]:
    """Validate one declaration file; return its measures and their evidence.

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
        if transforms_for(m.key):
            source = catalogue.spec(m.key.split("{", 1)[0]).source
            problems.append(
                f"{path}:{line}: column measure: {m.key} is collected from {source}; "
                "it cannot be declared (an operator override is the way to correct it)"
            )
    if problems:
        raise InputFileError(path, problems)
    return measures, [rows[(m.unit, m.period, m.key)].evidence for m in measures]


def declaration_files(directory: Path) -> list[Path]:
    """The declaration files under a directory (recursively), in path order."""
    return sorted(directory.rglob("*.csv")) if directory.is_dir() else []


def declared_measure_rows(
    files: Sequence[Path],
    period: str,
    known_units: Iterable[str],
    run_id: str,
    computed_at: datetime | None = None,
) -> pd.DataFrame:
    """The declared measures of `period` from every file, shaped like marts.measure."""
    units = list(known_units)
    stamp = computed_at or datetime.now()
    records: list[dict[str, object]] = []
    for path in files:
        measures, evidence = read_declarations(path, units)
        for m, ev in zip(measures, evidence, strict=True):
            if m.period != period:
                continue
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
                    "value_type": type(m.value).__name__,
                    "origin": "declared",
                    "transform": f"declaration:{path.name}",
                    "load_ids": [],
                    "record_count": 1,
                    "evidence": json.dumps(ev, ensure_ascii=False),
                    "declared_by": ev.get("declared_by") or None,
                    "computed_at": stamp,
                    "run_id": run_id,
                }
            )
    return pd.DataFrame.from_records(records, columns=MEASURE_COLUMNS)


def _value_text(m: MeasureValue) -> str:
    if isinstance(m.value, bool):
        return "true" if m.value else "false"
    return str(m.value)
