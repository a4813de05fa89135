"""Writing report tables: one .xlsx workbook (openpyxl) with a sheet per table, and a
CSV file per table.

The workbook is the table as it is submitted: merged title lines, a header whose
grouped columns share a merged cell, bold section and total rows, criterion names
indented by depth, wrapped explanations, thin borders, a print setup of one page wide.
Points are numeric cells (`reports.vn_format.points_format`) so a reader can add them up;
rates, dates and the explanation are Vietnamese text (see `reports.vn_format`).

The CSV is the data behind the table for re-use: UTF-8 with a byte-order mark (so Excel
reads the diacritics), the same columns (a grouped column's title prefixed with its
group), no title lines, and numbers written plainly (`12.50`), not in the Vietnamese
style, so that any program reads them as numbers.

Every file is written beside its target under a temporary name and moved into place
only when all of them are written.
"""

from __future__ import annotations

import csv
import math
import os
from decimal import Decimal
from pathlib import Path

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from reports.tables import Report, Table
from reports.vn_format import points_format

_THIN = Side(style="thin")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
_HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
_LINE_HEIGHT = 15.0


def _header_rows(table: Table) -> int:
    return 2 if any(c.group for c in table.columns) else 1


def _write_titles(ws: Worksheet, table: Table) -> int:
    width = len(table.columns)
    for i, title in enumerate(table.titles, start=1):
        ws.cell(row=i, column=1, value=title)
        ws.merge_cells(start_row=i, start_column=1, end_row=i, end_column=width)
        cell = ws.cell(row=i, column=1)
        cell.font = Font(bold=i <= 2, size=14 if i == 1 else 12 if i == 2 else 11)
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        if i == 2:
            ws.row_dimensions[i].height = 2 * _LINE_HEIGHT + 4
    return len(table.titles) + 2  # a blank line before the header


def _style_header(ws: Worksheet, row: int, column: int) -> None:
    cell = ws.cell(row=row, column=column)
    cell.font = Font(bold=True)
    cell.fill = _HEADER_FILL
    cell.border = _BORDER
    cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)


def _write_header(ws: Worksheet, table: Table, top: int) -> int:
    """The header at row `top`; returns the first data row. Ungrouped columns span both
    header rows; consecutive columns of one group share a merged group cell above their
    own titles."""
    depth = _header_rows(table)
    columns = table.columns
    i = 0
    while i < len(columns):
        column = columns[i]
        if column.group is None:
            ws.cell(row=top, column=i + 1, value=column.title)
            for r in range(top, top + depth):
                _style_header(ws, r, i + 1)
            if depth == 2:
                ws.merge_cells(start_row=top, start_column=i + 1, end_row=top + 1, end_column=i + 1)
            i += 1
            continue
        end = i
        while end + 1 < len(columns) and columns[end + 1].group == column.group:
            end += 1
        ws.cell(row=top, column=i + 1, value=column.group)
        for k in range(i, end + 1):
            ws.cell(row=top + 1, column=k + 1, value=columns[k].title)
            _style_header(ws, top, k + 1)
            _style_header(ws, top + 1, k + 1)
        if end > i:
            ws.merge_cells(start_row=top, start_column=i + 1, end_row=top, end_column=end + 1)
        i = end + 1
    for r in range(top, top + depth):
        tallest = max(
            _lines(str(ws.cell(row=r, column=k + 1).value or ""), c.width)
            for k, c in enumerate(columns)
        )
        ws.row_dimensions[r].height = max(tallest, 1) * _LINE_HEIGHT + 4
    return top + depth


def _lines(text: str, width: float) -> int:
    per_line = max(int(width * 1.15), 1)
    return sum(max(math.ceil(len(line) / per_line), 1) for line in text.split("\n"))


def _cell_value(value: object) -> object:
    if value is None or value == "":
        return None
    return value if isinstance(value, (int, Decimal, str)) else str(value)


def _write_rows(ws: Worksheet, table: Table, first: int) -> int:
    number_format = points_format(table.decimals)
    r = first
    for row in table.rows:
        height = 1
        for k, column in enumerate(table.columns):
            cell = ws.cell(row=r, column=k + 1, value=_cell_value(row.values[k]))
            cell.border = _BORDER
            cell.font = Font(bold=row.bold)
            if column.kind == "points" and not isinstance(row.values[k], str):
                cell.number_format = number_format
                cell.alignment = Alignment(horizontal="right", vertical="top")
            elif column.kind in ("points", "rank"):
                cell.alignment = Alignment(horizontal="center", vertical="top")
            else:
                indent = row.indent if k == 1 else 0
                cell.alignment = Alignment(wrap_text=True, vertical="top", indent=indent)
                if k >= row.span:
                    height = max(height, _lines(str(row.values[k] or ""), column.width))
        if row.span > 1:
            ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=row.span)
            ws.cell(row=r, column=1).alignment = Alignment(horizontal="center", vertical="top")
        if height > 1:
            ws.row_dimensions[r].height = height * _LINE_HEIGHT
        r += 1
    return r


def _write_notes(ws: Worksheet, table: Table, start: int) -> None:
    for i, note in enumerate(table.notes):
        r = start + 1 + i
        ws.cell(row=r, column=1, value=note).font = Font(italic=True)
        ws.merge_cells(start_row=r, start_column=1, end_row=r, end_column=len(table.columns))


def write_sheet(ws: Worksheet, table: Table) -> None:
    """One table on one worksheet."""
    ws.title = table.sheet
    header_top = _write_titles(ws, table)
    first = _write_header(ws, table, header_top)
    end = _write_rows(ws, table, first)
    _write_notes(ws, table, end)
    for k, column in enumerate(table.columns, start=1):
        ws.column_dimensions[get_column_letter(k)].width = column.width
    ws.freeze_panes = ws.cell(row=first, column=1)
    ws.print_title_rows = f"{header_top}:{first - 1}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def workbook(report: Report) -> Workbook:
    """The report's workbook: one sheet per table, in order."""
    book = Workbook()
    for i, table in enumerate(report.tables):
        ws = book.active if i == 0 else book.create_sheet()
        assert ws is not None
        write_sheet(ws, table)
    return book


def _csv_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, Decimal):
        return f"{value:f}"
    return str(value)


def csv_rows(table: Table) -> list[list[str]]:
    """The table's header and rows as CSV fields."""
    header = [f"{c.group} — {c.title}" if c.group else c.title for c in table.columns]
    return [header] + [[_csv_text(v) for v in row.values] for row in table.rows]


def _temporary(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def write_report(report: Report, out_dir: Path) -> list[Path]:
    """`<stem>.xlsx` and `<stem>_<table>.csv` for each table under `out_dir`."""
    out_dir.mkdir(parents=True, exist_ok=True)
    targets = [out_dir / f"{report.stem}.xlsx"]
    targets += [out_dir / f"{report.stem}_{t.slug}.csv" for t in report.tables]
    temporaries = [_temporary(t) for t in targets]
    try:
        workbook(report).save(temporaries[0])
        for table, path in zip(report.tables, temporaries[1:], strict=True):
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows(csv_rows(table))
        for temporary, target in zip(temporaries, targets, strict=True):
            os.replace(temporary, target)
    finally:
        for temporary in temporaries:
            temporary.unlink(missing_ok=True)
    return targets
