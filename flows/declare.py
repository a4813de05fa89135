"""`chiso declare`: the forms agencies fill in, and importing them as declarations.

`chiso declare template` writes the form one unit fills in for one framework and
period: one row per measure the framework's criteria read on units of that level and
that chiso does not collect (no transform in transforms/measures*), with Vietnamese
headers (`FORM_COLUMNS`), the criteria that read each measure, its value type and the
allowed values. XLSX forms (openpyxl) have a bold frozen header, column widths and
drop-down lists for yes/no and enum cells; CSV forms are UTF-8 with a BOM so Excel
shows the Vietnamese.

`chiso declare import FILE` reads a filled form (CSV or XLSX, Vietnamese or English
headers) or a plain declaration CSV, checks every row and writes nothing unless every
row is sound. Each problem is named as `FILE: row N, column X: what is wrong`. A
sound file is written, normalised, as
`<declarations dir>/<unit>/<framework>_<period>.csv` (from a form; a plain CSV without
a framework column goes to `<unit>/<its file name>_<period>.csv`); re-importing
replaces that file, and the next `chiso build` reads it. A fact is declared in one
file only: one already declared in another file with the same value and document is
left there, with a different one the import is refused.

Org units come from the warehouse at the configured path (`staging.unit`, the TTHC
unit register; its read-only snapshot when the nightly writer holds the file). When
no warehouse exists yet, the synthetic province of the simulator stands in and every
command says so: that is for the demo only, a real province's codes will not match.
"""

from __future__ import annotations

import csv
import os
import re
import unicodedata
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.console import Console
from rich.markup import escape
from rich.table import Table

from connectors.errors import ConfigError
from flows.cli_support import print_error
from flows.declarations import (
    EVIDENCE_FIELDS,
    declaration_files,
    ratio_pairs,
    read_declared,
)
from flows.measures_file import InputFileError
from scoring.catalogue import Catalogue, CatalogueError, MeasureSpec, load_catalogue
from scoring.framework import Criterion, Framework, FrameworkError, list_frameworks, load_framework
from scoring.model import ORG_UNIT_LEVELS, Value
from transforms.measures import measure_transforms
from transforms.periods import Period, PeriodError, parse_period

if TYPE_CHECKING:
    from flows.settings import Settings
    from simulator.declared import DeclarationForm

declare_app = typer.Typer(
    help="Declared facts: the forms agencies fill in, and importing them.",
    no_args_is_help=True,
)
console = Console(width=None if Console().is_terminal else 150)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 150)

DECLARATION_COLUMNS = ("unit", "period", "measure", "value", *EVIDENCE_FIELDS)
_UNIT_CODE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_LEVEL_VI = {
    "province": "tỉnh",
    "department": "sở, ngành",
    "district": "huyện",
    "district_office": "phòng thuộc huyện",
    "commune": "xã",
}


class DeclareError(ValueError):
    """A request `chiso declare` cannot serve (unknown unit, wrong level or period)."""


# --------------------------------------------------------------------------- form columns


@dataclass(frozen=True)
class FormColumn:
    """A column of the declaration form: its field, Vietnamese header and width.

    `stored` columns are the declaration CSV's; the others explain the row and are
    ignored on import.
    """

    field: str
    header_vi: str
    width: int
    stored: bool


FORM_COLUMNS = (
    FormColumn("no", "STT", 5, False),
    FormColumn("framework", "Bộ chỉ số", 14, False),
    FormColumn("unit", "Mã đơn vị", 16, True),
    FormColumn("unit_name", "Tên đơn vị", 28, False),
    FormColumn("period", "Kỳ báo cáo", 11, True),
    FormColumn("measure", "Mã chỉ số", 36, True),
    FormColumn("criteria", "Tiêu chí", 50, False),
    FormColumn("description", "Mô tả", 50, False),
    FormColumn("value_type", "Kiểu giá trị", 30, False),
    FormColumn("value", "Giá trị", 14, True),
    FormColumn("evidence_doc", "Số hiệu văn bản", 40, True),
    FormColumn("evidence_date", "Ngày văn bản", 13, True),
    FormColumn("evidence_link", "Đường dẫn", 36, True),
    FormColumn("declared_by", "Người kê khai", 24, True),
    FormColumn("declared_at", "Ngày kê khai", 13, True),
)
_REQUIRED = ("unit", "period", "measure", "value", "evidence_doc")
_COLUMN_BY_FIELD = {c.field: c for c in FORM_COLUMNS}


def _header_key(text: str) -> str:
    return " ".join(unicodedata.normalize("NFC", text).casefold().split())


_HEADER_FIELDS = {
    **{_header_key(c.header_vi): c.field for c in FORM_COLUMNS},
    **{_header_key(c.field): c.field for c in FORM_COLUMNS},
    "evidence": "evidence_doc",  # the measures-file column
}


# --------------------------------------------------------------------------- what is declared


@cache
def _collected_keys() -> frozenset[str]:
    return frozenset(t.key for t in measure_transforms())


def is_declared(key: str) -> bool:
    """True when chiso does not collect the measure key (`transforms_for(key)` is
    empty), so a unit declares it."""
    return key not in _collected_keys()


def reading_levels(framework: Framework, criterion: Criterion) -> tuple[str, ...]:
    """The unit levels a criterion reads its measures on: its `unit_scope` (criteria
    that test each unit below the scored one) or the framework's unit level."""
    scope = criterion.params.get("unit_scope")
    if isinstance(scope, list | tuple) and scope:
        return tuple(str(level) for level in scope)
    return (framework.unit_level,)


@dataclass(frozen=True)
class FormLine:
    """One measure a unit of some level declares for a framework."""

    key: str
    spec: MeasureSpec
    criteria: tuple[Criterion, ...]
    ceilings: tuple[str, ...]  # denominators it cannot exceed


def form_lines(
    framework: Framework, level: str, catalogue: Catalogue | None = None
) -> list[FormLine]:
    """The measures units of `level` declare for a framework, in criteria order."""
    catalogue = catalogue or load_catalogue()
    readers: dict[str, list[Criterion]] = {}
    for c in framework.criteria:
        if level not in reading_levels(framework, c):
            continue
        for key in c.measures.values():
            if is_declared(key) and c not in readers.setdefault(key, []):
                readers[key].append(c)
    pairs = ratio_pairs([framework])
    return [
        FormLine(
            key,
            catalogue.spec(key.split("{", 1)[0]),
            tuple(criteria),
            tuple(sorted({d for n, d in pairs if n == key})),
        )
        for key, criteria in readers.items()
    ]


def declaring_levels(framework: Framework) -> list[str]:
    """The unit levels that declare at least one measure for a framework."""
    levels = {
        level
        for c in framework.criteria
        for level in reading_levels(framework, c)
        if any(is_declared(key) for key in c.measures.values())
    }
    return [level for level in ORG_UNIT_LEVELS if level in levels]


@dataclass(frozen=True)
class Use:
    """A framework that asks units of `level` to declare a measure every `period_type`."""

    framework: str
    level: str
    period_type: str


def measure_uses(frameworks: Iterable[Framework]) -> dict[str, list[Use]]:
    """Every declared measure key → the frameworks, levels and period types asking for it."""
    uses: dict[str, list[Use]] = {}
    for framework in frameworks:
        for c in framework.criteria:
            for key in c.measures.values():
                if not is_declared(key):
                    continue
                for level in reading_levels(framework, c):
                    use = Use(framework.id, level, framework.period_type)
                    if use not in uses.setdefault(key, []):
                        uses[key].append(use)
    return uses


def shipped_frameworks() -> dict[str, Framework]:
    """Every framework under scoring/frameworks/, by id (FrameworkError if one is bad)."""
    return {name: load_framework(name) for name in list_frameworks()}


# --------------------------------------------------------------------------- org units


@dataclass(frozen=True)
class RegisteredUnit:
    """An org unit with the dates it is in force (valid_to exclusive, None = still)."""

    code: str
    name: str
    level: str
    parent: str | None
    valid_from: date
    valid_to: date | None

    def in_force(self, period: Period) -> bool:
        """In force at the end of the period (the rule `chiso build` uses)."""
        end = period.end.date()
        return self.valid_from < end and (self.valid_to is None or self.valid_to >= end)


@dataclass(frozen=True)
class UnitRegister:
    """The org units declarations are checked against, and where they came from."""

    units: tuple[RegisteredUnit, ...]
    source: str
    demo: bool = False

    def codes(self) -> list[str]:
        return sorted({u.code for u in self.units})

    def find(self, code: str, period: Period) -> RegisteredUnit | None:
        """The unit with this code in force for the period, or None."""
        return next((u for u in self.units if u.code == code and u.in_force(period)), None)

    def problem(self, code: str, period: Period) -> str | None:
        """Why a code is not a unit in force for the period, or None when it is."""
        if not _UNIT_CODE.match(code):
            return f"{code!r} is not a unit code (letters, digits, '_', '.', '-')"
        if self.find(code, period) is not None:
            return None
        if any(u.code == code for u in self.units):
            return f"unit {code} is not in force in {period.label} (merged or dissolved)"
        return f"unit {code!r} is not a unit of the province in {self.source}"


def load_unit_register(settings: Settings) -> UnitRegister:
    """The org units of the warehouse (or its snapshot when the writer holds it); the
    simulator's synthetic province when there is no warehouse yet (demo only)."""
    paths = [settings.warehouse.path, settings.warehouse.snapshot_path]
    existing = [p for p in paths if p.exists()]
    if not existing:
        return _synthetic_register(settings)
    busy = []
    for path in existing:
        units = _warehouse_units(path)
        if units is None:
            busy.append(str(path))
            continue
        if not units:
            raise DeclareError(
                f"the warehouse {path} has no org units yet: collect the TTHC unit register "
                "first (chiso collect --source tthc)"
            )
        return UnitRegister(tuple(units), f"the warehouse {path}")
    raise DeclareError(f"the warehouse is busy and has no readable snapshot: {', '.join(busy)}")


def _warehouse_units(path: Path) -> list[RegisteredUnit] | None:
    """The units of staging.unit ([] if none), or None when the file cannot be opened."""
    import duckdb

    from warehouse.connection import open_reader

    try:
        con = open_reader(path)
    except duckdb.Error:
        return None
    try:
        rows = con.execute(
            "SELECT unit_code, unit_name, unit_level, parent_code, CAST(valid_from AS DATE), "
            "CAST(valid_to AS DATE) FROM staging.unit ORDER BY unit_code"
        ).fetchall()
    except duckdb.CatalogException:
        rows = []
    finally:
        con.close()
    return [
        RegisteredUnit(code, name, level, parent, valid_from or date(1900, 1, 1), valid_to)
        for code, name, level, parent, valid_from, valid_to in rows
    ]


def _synthetic_register(settings: Settings) -> UnitRegister:
    import pandas as pd

    from simulator.declared import synthetic_units

    frame = synthetic_units(settings.simulator.seed)
    units = tuple(
        RegisteredUnit(
            str(row.MaDonVi),
            str(row.TenDonVi),
            str(row.level),
            None if not isinstance(row.MaDonViCha, str) else row.MaDonViCha,
            row.NgayHieuLuc.date(),
            None if pd.isna(row.NgayHetHieuLuc) else row.NgayHetHieuLuc.date(),
        )
        for row in frame.itertuples(index=False)
    )
    source = (
        f"the simulator's synthetic province (no warehouse at {settings.warehouse.path}; demo only)"
    )
    return UnitRegister(units, source, demo=True)


# --------------------------------------------------------------------------- template


@dataclass(frozen=True)
class Form:
    """A declaration form: the framework, unit, period and one row per measure."""

    framework: Framework
    unit: RegisteredUnit
    period: Period
    lines: tuple[FormLine, ...]
    rows: tuple[dict[str, str], ...]


def value_type_text(spec: MeasureSpec, ceilings: Sequence[str] = ()) -> str:
    """How a value is written, in Vietnamese (with the allowed values)."""
    if spec.value_type == "bool":
        text = "true/false (có/không)"
    elif spec.value_type == "enum":
        text = "một trong: " + "/".join(spec.enum_values)
    elif spec.value_type == "count":
        text = "số nguyên ≥ 0"
    elif spec.value_type == "amount":
        text = "số ≥ 0 (đồng)"
    elif spec.value_type == "share":
        text = "tỷ lệ từ 0 đến 1 (0.45 hoặc 45%)"
    else:
        text = "số"
    return text + "".join(f"; không lớn hơn {d}" for d in ceilings)


def _check_template_request(
    framework_id: str, unit_code: str, period_label: str, register: UnitRegister
) -> tuple[Framework, RegisteredUnit, Period]:
    known = list_frameworks()
    if framework_id not in known:
        raise DeclareError(f"unknown framework {framework_id!r}; known: {', '.join(known)}")
    framework = load_framework(framework_id)
    try:
        period = parse_period(period_label)
    except PeriodError as exc:
        raise DeclareError(str(exc)) from None
    if period.period_type != framework.period_type:
        raise DeclareError(
            f"{framework.id} is declared per {framework.period_type}; "
            f"{period_label!r} is a {period.period_type}"
        )
    problem = register.problem(unit_code, period)
    if problem:
        raise DeclareError(problem)
    unit = register.find(unit_code, period)
    assert unit is not None
    levels = declaring_levels(framework)
    if not levels:
        raise DeclareError(f"{framework.id} has nothing to declare: chiso collects every input")
    if unit.level not in levels:
        raise DeclareError(
            f"unit {unit.code} ({unit.name}) is a {unit.level}; the {framework.id} form is "
            f"filled by {' and '.join(levels)} units"
        )
    return framework, unit, period


def build_form(
    framework_id: str,
    unit_code: str,
    period_label: str,
    register: UnitRegister,
    prefill: Mapping[tuple[str, str, str], ExistingFact] | None = None,
) -> Form:
    """The form a unit fills for a framework and period (DeclareError when it owes none).

    `prefill` (existing declarations by slot) fills in values already declared.
    """
    framework, unit, period = _check_template_request(
        framework_id, unit_code, period_label, register
    )
    lines = tuple(form_lines(framework, unit.level))
    rows = []
    for number, line in enumerate(lines, start=1):
        known = (prefill or {}).get((unit.code, period.label, line.key))
        rows.append(
            {
                "no": str(number),
                "framework": framework.id,
                "unit": unit.code,
                "unit_name": unit.name,
                "period": period.label,
                "measure": line.key,
                "criteria": "; ".join(f"{c.id} {c.name_vi}" for c in line.criteria),
                "description": line.spec.description,
                "value_type": value_type_text(line.spec, line.ceilings),
                "value": known.value_text if known else "",
                **{name: known.evidence.get(name, "") if known else "" for name in EVIDENCE_FIELDS},
            }
        )
    return Form(framework, unit, period, lines, tuple(rows))


def write_form_csv(form: Form, path: Path) -> None:
    """The form as CSV (UTF-8 with BOM, Vietnamese headers)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow([c.header_vi for c in FORM_COLUMNS])
        for row in form.rows:
            writer.writerow([row[c.field] for c in FORM_COLUMNS])


def write_form_xlsx(form: Form, path: Path) -> None:
    """The form as an Excel workbook: bold frozen header, widths, drop-down lists."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "Kê khai"
    sheet.append([c.header_vi for c in FORM_COLUMNS])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", start_color="DDEBF7")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    for row in form.rows:
        sheet.append([row[c.field] for c in FORM_COLUMNS])
    for index, column in enumerate(FORM_COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    value_column = get_column_letter([c.field for c in FORM_COLUMNS].index("value") + 1)
    rules: dict[tuple[str, ...], Any] = {}
    for row_number, line in enumerate(form.lines, start=2):
        signature = _validation(line.spec)
        if signature is None:
            continue
        if signature not in rules:
            rules[signature] = _data_validation(_listed(book, signature))
            sheet.add_data_validation(rules[signature])
        rules[signature].add(f"{value_column}{row_number}")
    _instructions(book.create_sheet("Hướng dẫn"), form)
    book.save(path)


def _validation(spec: MeasureSpec) -> tuple[str, ...] | None:
    """The Excel validation of a value cell: (type, operator, formula1, formula2, message)."""
    message = value_type_text(spec)
    if spec.value_type in ("bool", "enum"):
        choices = ("true", "false") if spec.value_type == "bool" else spec.enum_values
        return ("list", "", f'"{",".join(choices)}"', "", message)
    if spec.value_type == "count":
        return ("whole", "greaterThanOrEqual", "0", "", message)
    if spec.value_type == "amount":
        return ("decimal", "greaterThanOrEqual", "0", "", message)
    if spec.value_type == "share":
        return ("decimal", "between", "0", "1", message)
    return None


def _listed(book: Any, signature: tuple[str, ...]) -> tuple[str, ...]:
    """A list validation longer than Excel's 255-character limit, moved to a range on a
    hidden `Danh mục` sheet."""
    kind, operator, formula1, formula2, message = signature
    if kind != "list" or len(formula1) <= 255:
        return signature
    lists = book["Danh mục"] if "Danh mục" in book.sheetnames else book.create_sheet("Danh mục")
    lists.sheet_state = "hidden"
    column = lists.max_column + 1 if lists.max_row > 1 or lists["A1"].value else 1
    choices = formula1.strip('"').split(",")
    for row, choice in enumerate(choices, start=1):
        lists.cell(row=row, column=column, value=choice)
    letter = lists.cell(row=1, column=column).column_letter
    return (kind, operator, f"'Danh mục'!${letter}$1:${letter}${len(choices)}", formula2, message)


def _data_validation(signature: tuple[str, ...]) -> Any:
    from openpyxl.worksheet.datavalidation import DataValidation

    kind, operator, formula1, formula2, message = signature
    rule = DataValidation(
        type=kind,
        operator=operator or None,
        formula1=formula1,
        formula2=formula2 or None,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Giá trị không hợp lệ",
        error=message,
    )
    return rule


def _instructions(sheet: Any, form: Form) -> None:
    sheet.column_dimensions["A"].width = 110
    lines = [
        f"Biểu kê khai {form.framework.id} — {form.framework.name_vi}",
        f"Đơn vị: {form.unit.code} {form.unit.name}; kỳ báo cáo: {form.period.label}",
        "Điền cột 'Giá trị' và thông tin văn bản kiểm chứng (Số hiệu văn bản là bắt buộc) "
        "cho mỗi dòng; không sửa các cột Mã đơn vị, Kỳ báo cáo, Mã chỉ số.",
        "Ngày ghi theo dạng 2024-12-31 hoặc 31/12/2024. Tỷ lệ ghi 0.45 hoặc 45%.",
        "Nộp bằng lệnh: chiso declare import <tệp>. Mọi lỗi được báo theo dòng và cột.",
    ]
    for text in lines:
        sheet.append([text])


# --------------------------------------------------------------------------- existing facts


@dataclass(frozen=True)
class ExistingFact:
    """A fact already declared in a file under the declarations directory."""

    path: Path
    line: int
    value: Value
    value_text: str
    evidence: dict[str, str]


def existing_facts(
    directory: Path, exclude: Collection[Path] = (), catalogue: Catalogue | None = None
) -> dict[tuple[str, str, str], ExistingFact]:
    """Facts declared under a directory by (unit, period, canonical key), first file wins.

    Read leniently (a row that does not parse is skipped: the build refuses that file
    on its own); files in `exclude` are left out.
    """
    catalogue = catalogue or load_catalogue()
    skip = {p.resolve() for p in exclude}
    facts: dict[tuple[str, str, str], ExistingFact] = {}
    for path in declaration_files(directory):
        if path.resolve() in skip:
            continue
        try:
            for slot, fact in _facts_in(path, catalogue):
                facts.setdefault(slot, fact)
        except (UnicodeDecodeError, csv.Error):
            continue  # not a readable CSV: the build names it
    return facts


def _facts_in(
    path: Path, catalogue: Catalogue
) -> Iterator[tuple[tuple[str, str, str], ExistingFact]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        for row in reader:
            try:
                key = str(catalogue.validate_key((row.get("measure") or "").strip()))
                value = catalogue.coerce(key, (row.get("value") or "").strip())
            except (CatalogueError, AttributeError):
                continue
            slot = ((row.get("unit") or "").strip(), (row.get("period") or "").strip(), key)
            evidence = {n: (row.get(n) or "").strip() for n in EVIDENCE_FIELDS}
            yield slot, ExistingFact(path, reader.line_num, value, _canonical_text(value), evidence)


# --------------------------------------------------------------------------- reading a file


@dataclass(frozen=True)
class Sheet:
    """A table read from a CSV or XLSX file: header cells and numbered rows of text."""

    header: list[str]
    rows: list[tuple[int, list[str]]]


def cell_text(value: object) -> str:
    """An Excel cell's value as the text a CSV would hold."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(" ")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float):
        text = f"{Decimal(repr(value)).normalize():f}"
        return text
    return str(value).strip()


def read_sheet(path: Path) -> Sheet:
    """The first sheet of an .xlsx file (the `Kê khai` sheet if there is one), or a CSV."""
    if not path.is_file():
        raise InputFileError(path, [f"{path}: no such file"])
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise InputFileError(path, [f"{path}: not a .csv or .xlsx file"])
    sheet = _read_xlsx(path) if suffix == ".xlsx" else _read_csv(path)
    _refuse_nul_bytes(path, sheet)
    return sheet


def _refuse_nul_bytes(path: Path, sheet: Sheet) -> None:
    """A NUL byte is no text anyone typed, and it cuts strings short further down."""
    problems = Problems(path)
    for row, cells in [(1, sheet.header), *sheet.rows]:
        for index, text in enumerate(cells):
            if "\x00" in text:
                name = sheet.header[index] if index < len(sheet.header) else ""
                column = name if name and "\x00" not in name else f"#{index + 1}"
                problems.add(row, column, "holds a NUL byte (\\x00)")
    problems.raise_if_any()


def _read_csv(path: Path) -> Sheet:
    rows: list[tuple[int, list[str]]] = []
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.reader(handle)
        try:
            header = next(reader, [])
            last = reader.line_num
            for fields in reader:
                rows.append((last + 1, [f.strip() for f in fields]))
                last = reader.line_num
        except UnicodeDecodeError:
            raise InputFileError(
                path, [f"{path}: row {len(rows) + 2}: not UTF-8 text (save it as CSV UTF-8)"]
            ) from None
        except csv.Error as exc:
            raise InputFileError(
                path, [f"{path}: row {reader.line_num}: malformed CSV: {exc}"]
            ) from None
    return Sheet([h.strip() for h in header], rows)


def _read_xlsx(path: Path) -> Sheet:
    from zipfile import BadZipFile

    from openpyxl import load_workbook

    try:
        book = load_workbook(path, read_only=True, data_only=True)
    except (BadZipFile, OSError, KeyError, ValueError) as exc:
        raise InputFileError(path, [f"{path}: not a readable Excel workbook ({exc})"]) from None
    try:
        sheet = book["Kê khai"] if "Kê khai" in book.sheetnames else book.worksheets[0]
        cells = [[cell_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    finally:
        book.close()
    header = cells[0] if cells else []
    return Sheet(header, [(number, row) for number, row in enumerate(cells[1:], start=2)])


# --------------------------------------------------------------------------- checking rows


@dataclass
class Problems:
    """Problems found in one file, each as `FILE: row N, column X: what is wrong`."""

    path: Path
    items: list[str] = field(default_factory=list)

    def add(self, row: int | None, column: str | None, message: str) -> None:
        where = [f"row {row}"] if row else []
        where += [f"column {column}"] if column else []
        prefix = f"{', '.join(where)}: " if where else ""
        self.items.append(f"{self.path}: {prefix}{message}")

    def raise_if_any(self) -> None:
        if self.items:
            raise InputFileError(self.path, self.items)


@dataclass(frozen=True)
class Candidate:
    """A checked row of an imported file: a declaration ready to be written."""

    row: int
    unit: str
    period: str
    key: str
    value: Value
    value_text: str
    evidence: dict[str, str]
    framework: str | None

    @property
    def slot(self) -> tuple[str, str, str]:
        return (self.unit, self.period, self.key)


@dataclass(frozen=True)
class ImportContext:
    """What rows are checked against."""

    catalogue: Catalogue
    register: UnitRegister
    frameworks: Mapping[str, Framework]
    uses: Mapping[str, list[Use]]
    pairs: frozenset[tuple[str, str]]
    directory: Path
    today: date


def _columns(sheet: Sheet, problems: Problems) -> dict[str, int]:
    """Field → column index, from the header; header problems recorded."""
    columns: dict[str, int] = {}
    for index, text in enumerate(sheet.header):
        if not text:
            if any(index < len(r) and r[index] for _, r in sheet.rows):
                problems.add(1, f"#{index + 1}", "this column has values but no header")
            continue
        name = _HEADER_FIELDS.get(_header_key(text))
        if name is None:
            allowed = ", ".join(c.header_vi for c in FORM_COLUMNS)
            problems.add(1, text, f"not a column of the declaration form (columns: {allowed})")
        elif name in columns:
            problems.add(1, text, "column appears twice")
        else:
            columns[name] = index
    for name in _REQUIRED:
        if name not in columns:
            column = _COLUMN_BY_FIELD[name]
            problems.add(1, column.header_vi, f"required column ({name}) is missing")
    return columns


class _RowCheck:
    """Checks one row; records problems under the file's own column headers."""

    def __init__(
        self, ctx: ImportContext, row: int, fields: dict[str, str], labels: Mapping[str, str],
        problems: Problems,
    ) -> None:  # fmt: skip
        self.ctx, self.row, self.fields, self.labels = ctx, row, fields, labels
        self.problems = problems
        self.ok = True

    def fail(self, name: str, message: str) -> None:
        self.problems.add(self.row, self.labels.get(name, name), message)
        self.ok = False

    def run(self) -> Candidate | None:
        period = self.period()
        unit = self.unit(period)
        key, spec = self.measure()
        framework = self.framework()
        if unit is not None and period is not None and key is not None:
            self.use(key, unit, period, framework)
        value, text = self.value(key, spec) if key is not None and spec is not None else (None, "")
        evidence = self.evidence()
        if not self.ok or key is None or value is None or unit is None or period is None:
            return None
        return Candidate(self.row, unit.code, period.label, key, value, text, evidence, framework)

    def period(self) -> Period | None:
        try:
            return parse_period(self.fields.get("period", ""))
        except PeriodError as exc:
            self.fail("period", str(exc))
            return None

    def unit(self, period: Period | None) -> RegisteredUnit | None:
        code = self.fields.get("unit", "")
        if not code:
            self.fail("unit", "empty: give the unit code")
            return None
        if period is None:
            return None
        problem = self.ctx.register.problem(code, period)
        if problem:
            self.fail("unit", problem)
            return None
        return self.ctx.register.find(code, period)

    def measure(self) -> tuple[str | None, MeasureSpec | None]:
        text = self.fields.get("measure", "")
        try:
            key = str(self.ctx.catalogue.validate_key(text))
            spec = self.ctx.catalogue.spec(key.split("{", 1)[0])
        except CatalogueError as exc:
            self.fail("measure", str(exc) if text else "empty: give the measure key")
            return None, None
        if not is_declared(key):
            self.fail(
                "measure",
                f"{key} is collected from {spec.source}; it cannot be declared "
                "(an operator override is the way to correct it)",
            )
            return None, None
        return key, spec

    def framework(self) -> str | None:
        name = self.fields.get("framework", "")
        if name and name not in self.ctx.frameworks:
            known = ", ".join(sorted(self.ctx.frameworks))
            self.fail("framework", f"unknown framework {name!r} (known: {known})")
        return name or None

    def use(self, key: str, unit: RegisteredUnit, period: Period, framework: str | None) -> None:
        uses = self.ctx.uses.get(key, [])
        if framework is not None:
            uses = [u for u in uses if u.framework == framework]
            if not uses and framework in self.ctx.frameworks:
                self.fail("measure", f"{framework} does not ask for {key} to be declared")
                return
        if not uses:
            return
        levels = sorted({u.level for u in uses}, key=ORG_UNIT_LEVELS.index)
        if unit.level not in levels:
            frameworks = ", ".join(sorted({u.framework for u in uses}))
            self.fail(
                "unit",
                f"unit {unit.code} is a {unit.level}; {key} is declared by "
                f"{' and '.join(levels)} units ({frameworks})",
            )
            return
        types = {u.period_type: u.framework for u in uses if u.level == unit.level}
        if period.period_type not in types:
            wanted = ", ".join(f"per {t} ({f})" for t, f in sorted(types.items()))
            self.fail(
                "period", f"{key} is declared {wanted}; {period.label} is a {period.period_type}"
            )

    def value(self, key: str, spec: MeasureSpec) -> tuple[Value | None, str]:
        raw = self.fields.get("value", "")
        if not raw:
            self.fail("value", "empty: fill in the value or delete the row")
            return None, ""
        text = _normalised_value(spec, raw)
        try:
            value = self.ctx.catalogue.coerce(key, text)
        except CatalogueError as exc:
            self.fail("value", str(exc))
            return None, ""
        if isinstance(value, Decimal) and value < 0 and self._in_a_rate(key):
            self.fail("value", f"{spec.name}: {value} is negative; a rate's part cannot be")
        return value, _canonical_text(value)

    def _in_a_rate(self, key: str) -> bool:
        return any(key in pair for pair in self.ctx.pairs)

    def evidence(self) -> dict[str, str]:
        evidence = {name: self.fields.get(name, "") for name in EVIDENCE_FIELDS}
        if not evidence["evidence_doc"]:
            self.fail(
                "evidence_doc",
                "missing evidence document: give the number of the document that proves "
                "the value (e.g. Quyết định 2150/QĐ-UBND)",
            )
        for name in ("evidence_date", "declared_at"):
            if evidence[name]:
                parsed = _parse_date(evidence[name])
                if parsed is None:
                    self.fail(
                        name,
                        f"{evidence[name]!r} is not a date (write 2024-12-31 or 31/12/2024)",
                    )
                else:
                    evidence[name] = parsed.isoformat()
        evidence["declared_at"] = evidence["declared_at"] or self.ctx.today.isoformat()
        return evidence


def _normalised_value(spec: MeasureSpec, raw: str) -> str:
    """Vietnamese yes/no words and percentages written the way the catalogue reads them."""
    text = raw.strip()
    if spec.value_type == "bool":
        return {"có": "true", "không": "false"}.get(text.casefold(), text)
    if spec.value_type == "share" and text.endswith("%"):
        try:
            return f"{Decimal(text[:-1].strip().replace(',', '.')) / 100:f}"
        except InvalidOperation:
            return text
    return text


def _canonical_text(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        text = f"{value:f}"
        return text.rstrip("0").rstrip(".") if "." in text else text
    return value


def _parse_date(text: str) -> date | None:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.strptime(text.strip(), pattern).date()
        except ValueError:
            continue
    return None


# --------------------------------------------------------------------------- importing


@dataclass(frozen=True)
class WrittenFile:
    path: Path
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True)
class ImportResult:
    """What an import wrote, what it left out (already declared elsewhere, same value)."""

    written: tuple[WrittenFile, ...]
    removed: tuple[Path, ...]
    unchanged: tuple[tuple[Candidate, ExistingFact], ...]
    units_source: str
    demo_units: bool


def target_path(directory: Path, candidate: Candidate, source: Path) -> Path:
    """Where an imported declaration is written: `<unit>/<framework>_<period>.csv` for
    a row of a form; `<unit>/<file name>_<period>.csv` for a plain declaration CSV
    without a framework column (so re-importing that file replaces what it wrote)."""
    if candidate.framework:
        name = candidate.framework
    else:
        name = re.sub(r"[^A-Za-z0-9_-]+", "_", source.stem).strip("_")[:60] or "declared"
    return directory / candidate.unit / f"{name}_{candidate.period}.csv"


def _check_rows(
    path: Path, sheet: Sheet, ctx: ImportContext, problems: Problems
) -> list[Candidate]:
    columns = _columns(sheet, problems)
    if problems.items:
        return []
    labels = {name: sheet.header[index] for name, index in columns.items()}
    candidates: list[Candidate] = []
    first_row: dict[tuple[str, str, str], int] = {}
    for number, cells in sheet.rows:
        if not any(cells):
            continue
        fields = {name: (cells[i] if i < len(cells) else "") for name, i in columns.items()}
        candidate = _RowCheck(ctx, number, fields, labels, problems).run()
        if candidate is None:
            continue
        if candidate.slot in first_row:
            problems.add(
                number,
                labels["measure"],
                f"{candidate.key} for unit {candidate.unit}, period {candidate.period} is "
                f"already given on row {first_row[candidate.slot]}",
            )
            continue
        first_row[candidate.slot] = number
        candidates.append(candidate)
    if not candidates and not problems.items:
        problems.add(None, None, "no declarations: every row is empty")
    return candidates


def _against_existing(
    candidates: list[Candidate],
    existing: Mapping[tuple[str, str, str], ExistingFact],
    label: str,
    problems: Problems,
) -> tuple[list[Candidate], list[tuple[Candidate, ExistingFact]]]:
    """Candidates to write, and those already declared elsewhere with the same value
    and document; a different value declared elsewhere is a problem."""
    fresh, unchanged = [], []
    for c in candidates:
        other = existing.get(c.slot)
        if other is None:
            fresh.append(c)
        elif (
            other.value_text == c.value_text
            and other.evidence.get("evidence_doc") == c.evidence["evidence_doc"]
        ):
            unchanged.append((c, other))
        else:
            problems.add(
                c.row,
                label,
                f"{c.key} for unit {c.unit}, period {c.period} is already declared in "
                f"{other.path} line {other.line} ({other.value_text}, "
                f"{other.evidence.get('evidence_doc') or 'no document'}); a fact is declared "
                "in one file only: change it there",
            )
    return fresh, unchanged


def _check_pairs(
    candidates: list[Candidate],
    existing: Mapping[tuple[str, str, str], ExistingFact],
    pairs: Collection[tuple[str, str]],
    label: str,
    problems: Problems,
) -> None:
    """Numerator ≤ denominator for every ratio pair, with either side imported now or
    declared before (in another file)."""
    mine = {c.slot: c for c in candidates}

    def lookup(slot: tuple[str, str, str]) -> tuple[Value, str] | None:
        if slot in mine:
            return mine[slot].value, f"row {mine[slot].row}"
        if slot in existing:
            return existing[slot].value, f"{existing[slot].path} line {existing[slot].line}"
        return None

    for numerator, denominator in sorted(pairs):
        for unit, period in sorted({(c.unit, c.period) for c in candidates}):
            n_slot, d_slot = (unit, period, numerator), (unit, period, denominator)
            if n_slot not in mine and d_slot not in mine:
                continue
            b, a = lookup(n_slot), lookup(d_slot)
            if b is None or a is None:
                continue
            if isinstance(b[0], Decimal) and isinstance(a[0], Decimal) and b[0] > a[0]:
                blamed = mine[n_slot] if n_slot in mine else mine[d_slot]
                problems.add(
                    blamed.row,
                    label,
                    f"{numerator} = {b[0]} ({b[1]}) is greater than its denominator "
                    f"{denominator} = {a[0]} ({a[1]}) for unit {unit}, period {period}",
                )


def import_declarations(
    path: Path,
    directory: Path,
    register: UnitRegister,
    frameworks: Mapping[str, Framework] | None = None,
    today: date | None = None,
) -> ImportResult:
    """Check a filled form or declaration CSV and write it under `directory`.

    InputFileError lists every problem (`FILE: row N, column X: …`) and nothing is
    written. On success each (unit, framework, period) goes to its own normalised file,
    replacing the one a previous import wrote.
    """
    path, directory = Path(path), Path(directory)
    problems = Problems(path)
    if directory.resolve() in path.resolve().parents:
        problems.add(
            None,
            None,
            f"the file is inside the declarations directory {directory}; "
            "import it from elsewhere (every CSV there is read as a declaration)",
        )
        problems.raise_if_any()
    frameworks = dict(frameworks) if frameworks is not None else shipped_frameworks()
    ctx = ImportContext(
        catalogue=load_catalogue(),
        register=register,
        frameworks=frameworks,
        uses=measure_uses(frameworks.values()),
        pairs=ratio_pairs(frameworks.values()),
        directory=directory,
        today=today or date.today(),
    )
    sheet = read_sheet(path)
    candidates = _check_rows(path, sheet, ctx, problems)
    problems.raise_if_any()
    label = next(h for h in sheet.header if _HEADER_FIELDS.get(_header_key(h)) == "measure")
    value_label = next(h for h in sheet.header if _HEADER_FIELDS.get(_header_key(h)) == "value")
    targets = {target_path(directory, c, path) for c in candidates}
    existing = existing_facts(directory, exclude=targets, catalogue=ctx.catalogue)
    fresh, unchanged = _against_existing(candidates, existing, label, problems)
    _check_pairs(candidates, existing, ctx.pairs, value_label, problems)
    problems.raise_if_any()
    written, removed = _write_all(directory, path, fresh, targets, register)
    return ImportResult(written, removed, tuple(unchanged), register.source, register.demo)


def _write_all(
    directory: Path,
    source: Path,
    candidates: list[Candidate],
    targets: set[Path],
    register: UnitRegister,
) -> tuple[tuple[WrittenFile, ...], tuple[Path, ...]]:
    """Write every target file (temporary files checked first, then swapped in)."""
    root = directory.resolve()
    groups: dict[Path, list[Candidate]] = {t: [] for t in sorted(targets)}
    for c in candidates:
        groups[target_path(directory, c, source)].append(c)
    staged: list[tuple[Path, Path, list[Candidate]]] = []
    try:
        for target, rows in groups.items():
            if root not in target.resolve().parents:
                raise DeclareError(f"{target} would lie outside {directory}")
            if not rows:
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            temporary = target.with_name(target.name + ".tmp")
            _write_declaration_csv(temporary, rows)
            read_declared(temporary, register.codes())  # what the build will read
            staged.append((temporary, target, rows))
    except BaseException:
        for temporary, _, _ in staged:
            temporary.unlink(missing_ok=True)
        raise
    for temporary, target, _ in staged:
        os.replace(temporary, target)
    removed = tuple(t for t, rows in groups.items() if not rows and t.exists())
    for target in removed:
        target.unlink()
    return tuple(WrittenFile(t, tuple(rows)) for _, t, rows in staged), removed


def _write_declaration_csv(path: Path, candidates: Sequence[Candidate]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(DECLARATION_COLUMNS)
        for c in candidates:
            writer.writerow(
                [c.unit, c.period, c.key, c.value_text, *(c.evidence[n] for n in EVIDENCE_FIELDS)]
            )


# --------------------------------------------------------------------------- the simulator's forms


def declaration_forms(
    frameworks: Iterable[Framework], catalogue: Catalogue | None = None
) -> list[DeclarationForm]:
    """The forms each framework asks units to fill, as plain data for the simulator."""
    from simulator.declared import DeclarationForm, MeasureForm

    catalogue = catalogue or load_catalogue()
    frameworks = list(frameworks)
    bounds = tuple(sorted(ratio_pairs(frameworks)))
    forms = []
    for framework in frameworks:
        for level in declaring_levels(framework):
            measures = tuple(
                MeasureForm(line.key, line.spec.value_type, line.spec.enum_values)
                for line in form_lines(framework, level, catalogue)
            )
            forms.append(
                DeclarationForm(framework.id, level, framework.period_type, measures, bounds)
            )
    return forms


def write_simulated_declarations(
    directory: Path,
    years: Iterable[int],
    seed: int = 89,
    existing: Iterable[Path] = (),
    frameworks: Iterable[Framework] | None = None,
    warehouse: Path | None = None,
) -> list[Path]:
    """The synthetic province's declarations for every shipped framework (or the given
    ones) and year, written under `directory` as `<unit>/simulated_<year>.csv`.

    Slots present in `existing` files (e.g. `declaration_files(settings.declarations.dir)`)
    are skipped and bound the generated numbers. With a built `warehouse`, its collected
    measures bound the declared side of ratios whose other side chiso collects.
    Returns the files written.
    """
    from simulator.declared import simulate_declarations, write_declarations

    chosen = list(frameworks) if frameworks is not None else list(shipped_frameworks().values())
    years = list(years)
    known = collected_values(warehouse, years) if warehouse is not None else {}
    rows = simulate_declarations(
        declaration_forms(chosen), years, seed, existing=existing, known=known
    )
    return write_declarations(rows, Path(directory))


def collected_values(warehouse: Path, years: Iterable[int]) -> dict[tuple[str, str, str], Decimal]:
    """The numeric collected measures of a built warehouse for the given years, by
    (unit, period, measure key)."""
    from warehouse.connection import open_reader

    labels = [str(y) for y in years]
    con = open_reader(warehouse)
    try:
        rows = con.execute(
            "SELECT unit_code, period, measure_key, value_num FROM marts.measure "
            "WHERE origin = 'collected' AND value_num IS NOT NULL "
            "AND list_contains($years, substr(period, 1, 4))",
            {"years": labels},
        ).fetchall()
    finally:
        con.close()
    return {(u, p, k): Decimal(v) for u, p, k, v in rows}


# --------------------------------------------------------------------------- the commands


ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", help="A TOML config file (default: CHISO_CONFIG or the packaged one)."
    ),
]


class FormFormat(StrEnum):
    xlsx = "xlsx"
    csv = "csv"


@contextmanager
def _refusals() -> Iterator[None]:
    """Problems the user can fix: the message on stderr and exit code 2, no traceback."""
    try:
        yield
    except (
        DeclareError, InputFileError, FrameworkError, CatalogueError, PeriodError, ConfigError,
        OSError,
    ) as exc:  # fmt: skip
        print_error(str(exc))
        raise typer.Exit(2) from None


def _settings(config: str | None) -> Settings:
    from flows.settings import load_settings

    return load_settings(Path(config) if config else None)


def _warn_demo(register: UnitRegister) -> None:
    if register.demo:
        source = escape(register.source)
        err.print(f"[yellow]warning:[/] units checked against {source}", highlight=False)


@declare_app.command("template")
def template_command(
    framework: Annotated[str, typer.Option(help="The framework, e.g. par7-2024.")],
    unit: Annotated[str, typer.Option(help="The unit code that fills the form, e.g. 89.")],
    period: Annotated[str, typer.Option(help="2024, 2024-Q1 or 2024-01 (the framework's).")],
    output_format: Annotated[
        FormFormat, typer.Option("--format", help="xlsx or csv.")
    ] = FormFormat.xlsx,
    out: Annotated[Path | None, typer.Option(help="Where to write the form.")] = None,
    config: ConfigOption = None,
) -> None:
    """Write the declaration form one unit fills for a framework and period."""
    with _refusals():
        settings = _settings(config)
        register = load_unit_register(settings)
        prefill = existing_facts(settings.declarations.dir)
        form = build_form(framework, unit, period, register, prefill)
        target = out or Path(f"{form.unit.code}_{form.framework.id}_{form.period.label}"
                             f".{output_format.value}")  # fmt: skip
        writer: Callable[[Form, Path], None] = (
            write_form_xlsx if output_format is FormFormat.xlsx else write_form_csv
        )
        writer(form, target)
    _warn_demo(register)
    filled = sum(1 for row in form.rows if row["value"])
    console.print(
        f"Wrote {target}: {len(form.rows)} measure(s) for {form.unit.code} "
        f"{form.unit.name} ({_LEVEL_VI.get(form.unit.level, form.unit.level)}), "
        f"{form.framework.id}, {form.period.label}"
        + (f"; {filled} already declared (pre-filled)" if filled else ""),
        highlight=False,
        markup=False,
    )


@declare_app.command("import")
def import_command(
    file: Annotated[
        Path, typer.Argument(help="A filled form (.xlsx or .csv) or a declaration CSV.")
    ],
    config: ConfigOption = None,
) -> None:
    """Check a filled form and write it to the declarations directory (all or nothing)."""
    with _refusals():
        settings = _settings(config)
        register = load_unit_register(settings)
        result = import_declarations(file, settings.declarations.dir, register)
    _warn_demo(register)
    _print_import(result)


def _print_import(result: ImportResult) -> None:
    table = Table(title="Declarations loaded", show_lines=False)
    for column in ("file", "unit", "period", "measure", "value", "evidence"):
        table.add_column(column, overflow="fold")
    for written in result.written:
        for c in written.candidates:
            cells = (str(written.path), c.unit, c.period, c.key, c.value_text,
                     c.evidence["evidence_doc"])  # fmt: skip
            table.add_row(*(escape(cell) for cell in cells))
    console.print(table)
    for c, other in result.unchanged:
        console.print(
            f"{c.key} for {c.unit}, {c.period}: already declared in {other.path} with the "
            "same value and document (left there)",
            highlight=False,
            markup=False,
        )
    for path in result.removed:
        console.print(
            f"Removed {path}: every fact in it is declared elsewhere", highlight=False, markup=False
        )
    total = sum(len(w.candidates) for w in result.written)
    console.print(
        f"{total} declaration(s) written to {len(result.written)} file(s); "
        "the next `chiso build` reads them.",
        highlight=False,
    )
