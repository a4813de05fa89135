"""Measures and org units from hand-filled CSV files, checked before they are scored.

A measures file has the header `unit,period,measure,value` and optionally evidence
columns (`evidence`, or `evidence_doc`, `evidence_date`, `evidence_link`,
`declared_by`, `declared_at` as in `declarations/`). Every row is checked: the unit
code, the period (`2024`, `2024-Q1`, `2024-01`), the measure key against the
catalogue (and canonicalised), and the value against the measure's type. All
problems are collected and raised together, each naming the file, line and column.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from scoring.catalogue import Catalogue, CatalogueError, load_catalogue
from scoring.engine import score_framework
from scoring.framework import load_framework
from scoring.model import ORG_UNIT_LEVELS, MeasureValue, OrgUnit, ScoreRow
from scoring.periods import period_type

MEASURE_COLUMNS = ("unit", "period", "measure", "value")
EVIDENCE_COLUMNS = (
    "evidence",
    "evidence_doc",
    "evidence_date",
    "evidence_link",
    "declared_by",
    "declared_at",
)
ORG_UNIT_COLUMNS = ("code", "name", "level", "parent")

# Unit codes reach SQL and file names downstream: letters, digits, `_`, `.`, `-` only.
_UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")

PROVINCE_CODE = "89"
PROVINCE_NAME = "Tỉnh An Giang"


class InputFileError(ValueError):
    """A CSV file with problems; `errors` lists each as `file:line: column c: message`."""

    def __init__(self, path: Path, errors: Sequence[str]) -> None:
        self.path = path
        self.errors = list(errors)
        count = len(self.errors)
        super().__init__(f"{path}: {count} problem(s)\n" + "\n".join(self.errors))


class _Problems:
    def __init__(self, path: Path) -> None:
        self.path = path
        self.items: list[str] = []

    def add(self, line: int | None, column: str | None, message: str) -> None:
        where = (
            f"{self.path}:"
            + (f"{line}: " if line else " ")
            + (f"column {column}: " if column else "")
        )
        self.items.append(where + message)

    def raise_if_any(self) -> None:
        if self.items:
            raise InputFileError(self.path, self.items)


@dataclass(frozen=True)
class _Record:
    line: int
    fields: dict[str, str]


def _records(
    path: Path, required: Sequence[str], optional: Sequence[str], problems: _Problems
) -> Iterator[_Record]:
    """The data rows as dicts, with their first line number; header problems recorded."""
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except OSError as exc:
        problems.add(None, None, f"cannot open: {exc.strerror}")
        return
    with handle:
        reader = csv.reader(handle)
        try:
            header = [name.strip() for name in next(reader, [])]
            missing = [name for name in required if name not in header]
            unknown = [name for name in header if name not in (*required, *optional)]
            if missing or unknown or len(set(header)) != len(header):
                _header_problems(header, missing, unknown, required, optional, problems)
                return
            last = reader.line_num
            for fields in reader:
                line, last = last + 1, reader.line_num
                if not any(f.strip() for f in fields):
                    continue
                if len(fields) != len(header):
                    _count_problem(header, fields, line, problems)
                    continue
                yield _Record(
                    line, {name: value.strip() for name, value in zip(header, fields, strict=True)}
                )
        except UnicodeDecodeError:
            problems.add(reader.line_num + 1, None, "not UTF-8 text (save the file as CSV UTF-8)")
        except csv.Error as exc:
            problems.add(reader.line_num, None, f"malformed CSV: {exc}")


def _count_problem(header: list[str], fields: list[str], line: int, problems: _Problems) -> None:
    counts = f"the row has {len(fields)} fields, the header {len(header)}"
    if len(fields) < len(header):
        problems.add(line, header[len(fields)], f"missing ({counts})")
    else:
        extra = f"extra field ({counts}; quote values that hold commas)"
        problems.add(line, f"#{len(header) + 1}", extra)


def _header_problems(
    header: list[str],
    missing: list[str],
    unknown: list[str],
    required: Sequence[str],
    optional: Sequence[str],
    problems: _Problems,
) -> None:
    if not header:
        problems.add(1, None, f"empty file: expected the header {','.join(required)}")
        return
    for name in missing:
        problems.add(1, name, "required column is missing")
    for name in unknown:
        allowed = ", ".join((*required, *optional))
        problems.add(1, name, f"unknown column (allowed: {allowed})")
    for name in sorted({n for n in header if header.count(n) > 1}):
        problems.add(1, name, "column appears twice")


def _unit_code(value: str, line: int, column: str, problems: _Problems) -> bool:
    if _UNIT_CODE.match(value):
        return True
    problems.add(line, column, f"{value!r} is not a unit code (letters, digits, '_', '.', '-')")
    return False


def _measure_row(record: _Record, catalogue: Catalogue, problems: _Problems) -> MeasureValue | None:
    f, line = record.fields, record.line
    ok = _unit_code(f["unit"], line, "unit", problems)
    try:
        period_type(f["period"])
    except ValueError as exc:
        problems.add(line, "period", str(exc))
        ok = False
    try:
        key = str(catalogue.validate_key(f["measure"]))
    except CatalogueError as exc:
        problems.add(line, "measure", str(exc))
        return None
    try:
        value = catalogue.coerce(key, f["value"])
    except CatalogueError as exc:
        problems.add(line, "value", str(exc))
        return None
    evidence = f.get("evidence") or f.get("evidence_doc") or None
    return MeasureValue(f["unit"], f["period"], key, value, evidence) if ok else None


def read_measures_csv(path: Path | str, catalogue: Catalogue | None = None) -> list[MeasureValue]:
    """Read a measures CSV; InputFileError lists every problem (file, line, column).

    Keys come back canonical; values typed per the catalogue. A (unit, period,
    measure) given on two lines is refused, naming both lines.
    """
    path = Path(path)
    problems = _Problems(path)
    lines = _measure_lines(path, catalogue or load_catalogue(), problems)
    problems.raise_if_any()
    return [row for _, row in lines]


def _measure_lines(
    path: Path, catalogue: Catalogue, problems: _Problems
) -> list[tuple[int, MeasureValue]]:
    """The checked rows with their line numbers; problems recorded."""
    rows: list[tuple[int, MeasureValue]] = []
    first_line: dict[tuple[str, str, str], int] = {}
    for record in _records(path, MEASURE_COLUMNS, EVIDENCE_COLUMNS, problems):
        row = _measure_row(record, catalogue, problems)
        if row is None:
            continue
        slot = (row.unit, row.period, row.key)
        if slot in first_line:
            problems.add(
                record.line,
                "measure",
                f"{row.key} for unit {row.unit}, period {row.period} "
                f"is already given on line {first_line[slot]}",
            )
            continue
        first_line[slot] = record.line
        rows.append((record.line, row))
    return rows


def _check_ratio_pairs(
    lines: Sequence[tuple[int, MeasureValue]],
    pairs: Collection[tuple[str, str]],
    problems: _Problems,
) -> None:
    """A numerator above its denominator (same unit and period) is a wrong row: the
    engine would cap the rate at 100% and score it as if nothing were wrong."""
    given = {(row.unit, row.period, row.key): (line, row.value) for line, row in lines}
    for numerator, denominator in sorted(pairs):
        for (unit, period, key), (line, value) in given.items():
            if key != numerator or (unit, period, denominator) not in given:
                continue
            den_line, den_value = given[(unit, period, denominator)]
            if isinstance(value, Decimal) and isinstance(den_value, Decimal) and value > den_value:
                problems.add(
                    line,
                    "value",
                    f"{numerator} = {value} is greater than {denominator} = {den_value} "
                    f"(line {den_line}) for unit {unit}, period {period}",
                )


def _org_unit_row(record: _Record, problems: _Problems) -> OrgUnit | None:
    f, line = record.fields, record.line
    ok = _unit_code(f["code"], line, "code", problems)
    if not f["name"]:
        problems.add(line, "name", "empty name")
        ok = False
    if f["level"] not in ORG_UNIT_LEVELS:
        problems.add(line, "level", f"{f['level']!r} is not one of {', '.join(ORG_UNIT_LEVELS)}")
        ok = False
    parent = f["parent"] or None
    if parent is not None and not _unit_code(parent, line, "parent", problems):
        ok = False
    return OrgUnit(f["code"], f["name"], f["level"], parent) if ok else None


def _check_parents(units: list[tuple[int, OrgUnit]], problems: _Problems) -> None:
    by_code = {u.code: u for _, u in units}
    for line, unit in units:
        if unit.parent is not None and unit.parent not in by_code:
            problems.add(line, "parent", f"{unit.parent!r} is not a code in this file")
            continue
        seen, current = {unit.code}, unit.parent
        while current is not None and current in by_code:
            if current in seen:
                problems.add(line, "parent", f"the parent chain of {unit.code} loops")
                break
            seen.add(current)
            current = by_code[current].parent


def read_org_units_csv(path: Path | str) -> list[OrgUnit]:
    """Read an org-units CSV (`code,name,level,parent`); InputFileError lists every problem."""
    path = Path(path)
    problems = _Problems(path)
    units: list[tuple[int, OrgUnit]] = []
    first_line: dict[str, int] = {}
    for record in _records(path, ORG_UNIT_COLUMNS, (), problems):
        unit = _org_unit_row(record, problems)
        if unit is None:
            continue
        if unit.code in first_line:
            problems.add(
                record.line,
                "code",
                f"{unit.code} is already listed on line {first_line[unit.code]}",
            )
            continue
        first_line[unit.code] = record.line
        units.append((record.line, unit))
    _check_parents(units, problems)
    problems.raise_if_any()
    return [unit for _, unit in units]


def default_org_units() -> list[OrgUnit]:
    """The org units used when no file is given: the province alone.

    Enough for every province-level criterion; criteria that test each department or
    district office (PAR 7.2.1) then report `missing_input` and ask for an org-units file.
    """
    return [OrgUnit(PROVINCE_CODE, PROVINCE_NAME, "province", None)]


def score_measures_file(
    framework_id: str,
    period: str,
    measures_path: Path | str,
    org_units_path: Path | str | None = None,
) -> list[ScoreRow]:
    """Score a measures file (and an optional org-units file) against a framework."""
    from flows.declarations import ratio_pairs  # it imports this module

    framework = load_framework(framework_id)
    path = Path(measures_path)
    problems = _Problems(path)
    lines = _measure_lines(path, load_catalogue(), problems)
    _check_ratio_pairs(lines, ratio_pairs([framework]), problems)
    problems.raise_if_any()
    measures = [row for _, row in lines]
    units = read_org_units_csv(org_units_path) if org_units_path else default_org_units()
    return score_framework(framework, period, measures, units)
