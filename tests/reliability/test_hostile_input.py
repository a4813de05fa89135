"""Hostile input: identifiers and paths from the command line, declaration files and
framework files are refused with a clear message before they reach SQL or the file
system; a workbook's formulas and macros are never run, only its values read.

The hostile values: an SQL injection, a path traversal, a NUL byte, a 100,000-character
string. A refusal is exit code 2 with an ``error:`` line naming what is wrong, no
traceback, and nothing written: no warehouse, no lock, no form, no declaration.
A gap found while writing these tests is marked ``xfail(strict=True)``, saying what an
operator sees today; it turns into a failure the day it is fixed, and the mark goes
with the fix.
"""

from __future__ import annotations

import re
import unicodedata
import zipfile
from pathlib import Path

import duckdb
import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from flows.cli import app
from scoring.catalogue import load_catalogue
from scoring.framework import FrameworkError, load_framework, read_framework
from tests.reliability.figures import FigureBook
from warehouse.connection import open_writer

FAULT = 'hostile identifiers (`x"; DROP TABLE …`, `../../etc/passwd`)'

HOSTILE = {
    "sql": 'x"; DROP TABLE meta.load; --',
    "traversal": "../../etc/passwd",
    "nul": "89\x00; DROP TABLE meta.load",
    "long": "9" * 100_000,
}
HEADER = (
    "unit,period,measure,value,evidence_doc,evidence_date,evidence_link,declared_by,declared_at"
)
ROW = [
    "89", "2024", "portal_ipv6_enabled", "có", "Quyết định 12/QĐ-UBND", "2024-12-01", "",
    "Sở Thông tin và Truyền thông", "2025-01-08",
]  # fmt: skip
V = "{hostile}"


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A config whose warehouse does not exist and whose declarations directory is empty."""
    sources = "\n".join(
        f'[sources.{s}]\nbase_url = "http://127.0.0.1:1/{s}"'
        for s in ("tthc", "ioffice", "lris", "ndxp")
    )
    path = tmp_path / "chiso.toml"
    path.write_text(
        f'[warehouse]\npath = "{tmp_path / "var" / "chiso.duckdb"}"\n'
        f'snapshot_path = "{tmp_path / "var" / "published" / "chiso.duckdb"}"\n'
        f'[declarations]\ndir = "{tmp_path / "declarations"}"\n{sources}\n',
        encoding="utf-8",
    )
    (tmp_path / "measures.csv").write_text(
        "unit,period,measure,value\n89,2024,apps_with_shared_data,3\n", encoding="utf-8"
    )
    return path


def files_under(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*"))


def invoke(argv: list[str]) -> Result:
    return CliRunner().invoke(app, argv)


def refused(result: Result, naming: str) -> None:
    """Exit 2, one `error:` naming the problem, no traceback (not even one Prefect logs
    for a failed flow run: arguments are checked before any flow starts)."""
    text = " ".join(result.output.split())
    assert result.exit_code == 2, text[:500]
    assert "error:" in text and naming in text, text[:500]
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


# --------------------------------------------------------------------------- the CLI

COMMANDS = {
    "run --period": (["run", "--period", V, "--config", "{config}"], "period"),
    "build --period": (["build", "--period", V, "--config", "{config}"], "period"),
    "collect --source": (["collect", "--source", V, "--config", "{config}"], "unknown source"),
    "collect --period": (["collect", "--period", V, "--config", "{config}"], "period"),
    "backfill --from": (
        ["backfill", "--from", V, "--to", "2024", "--config", "{config}"], "period"),
    "score --framework": (
        ["score", "--framework", V, "--period", "2024", "--measures", "{measures}"],
        "unknown framework"),
    "score --period": (
        ["score", "--framework", "par7-2024", "--period", V, "--measures", "{measures}"],
        "period"),
    "history --framework": (
        ["history", "--framework", V, "--criterion", "7", "--unit", "89", "--period", "2024",
         "--config", "{config}"], "unknown framework"),
    "declare template --framework": (
        ["declare", "template", "--framework", V, "--unit", "89", "--period", "2024",
         "--format", "csv", "--config", "{config}"], "unknown framework"),
    "declare template --unit": (
        ["declare", "template", "--framework", "par7-2024", "--unit", V, "--period", "2024",
         "--format", "csv", "--config", "{config}"], "is not a unit code"),
    "declare template --period": (
        ["declare", "template", "--framework", "par7-2024", "--unit", "89", "--period", V,
         "--format", "csv", "--config", "{config}"], "period"),
    "explain --framework": (
        ["explain", "--framework", V, "--criterion", "7", "--unit", "89", "--period", "2024",
         "--config", "{config}"], "unknown framework"),
    "report tables --framework": (
        ["report", "tables", "--framework", V, "--period", "2024", "--out", "{out}",
         "--config", "{config}"], "unknown framework"),
}  # fmt: skip


@pytest.mark.parametrize("hostile", list(HOSTILE))
@pytest.mark.parametrize("command", list(COMMANDS))
def test_hostile_arguments_are_refused_before_sql_or_the_file_system(
    command: str, hostile: str, config: Path, tmp_path: Path, figures: FigureBook
) -> None:
    template, naming = COMMANDS[command]
    before = files_under(tmp_path)
    argv = [
        a.replace(V, HOSTILE[hostile])
        .replace("{config}", str(config))
        .replace("{measures}", str(tmp_path / "measures.csv"))
        .replace("{out}", str(tmp_path / "tables"))
        for a in template
    ]

    result = invoke(argv)

    untouched = files_under(tmp_path) == before
    figures.record(FAULT, faults_injected=1, kept_previous=untouched and result.exit_code == 2)
    refused(result, naming)
    assert untouched  # no warehouse, lock, form or output file
    assert len(result.output) < 2_000  # a long value is quoted by its beginning


def test_a_refusal_of_a_very_long_value_stays_readable(config: Path) -> None:
    result = invoke(["build", "--period", HOSTILE["long"], "--config", str(config)])

    refused(result, "period")
    assert len(result.output) < 2_000


@pytest.mark.parametrize("hostile", ["sql", "traversal", "nul"])
def test_an_override_with_a_hostile_measure_or_unit_changes_nothing(
    hostile: str, config: Path, tmp_path: Path, prefect_api: str
) -> None:
    """`override set` opens the warehouse to check the unit, so it runs on one."""
    db = tmp_path / "var" / "chiso.duckdb"
    with open_writer(db):
        pass
    tables = "SELECT table_schema, table_name FROM information_schema.tables ORDER BY ALL"
    with duckdb.connect(str(db), read_only=True) as con:
        before = con.execute(tables).fetchall()
    common = ["override", "set", "--period", "2024", "--value", "1", "--evidence", "BC 1",
              "--reason", "test", "--config", str(config)]  # fmt: skip

    by_measure = invoke([*common, "--measure", HOSTILE[hostile], "--unit", "89"])
    by_unit = invoke([*common, "--measure", "apps_with_shared_data", "--unit", HOSTILE[hostile]])

    refused(by_measure, "has characters outside")
    refused(by_unit, "is not a unit of the province")
    with duckdb.connect(str(db), read_only=True) as con:
        assert con.execute(tables).fetchall() == before
        assert con.execute("SELECT count(*) FROM marts.measure_override").fetchall() == [(0,)]


def test_a_refusal_is_printed_as_written(config: Path, prefect_api: str) -> None:
    db = config.parent / "var" / "chiso.duckdb"
    with open_writer(db):
        pass
    result = invoke(["override", "set", "--measure", "Bad-Key", "--unit", "89", "--period",
                     "2024", "--value", "1", "--evidence", "BC 1", "--reason", "test",
                     "--config", str(config)])  # fmt: skip

    [line] = [line for line in result.output.splitlines() if line.startswith("error:")]
    assert "outside [a-z0-9_]" in line


@pytest.mark.parametrize("hostile", ["traversal", "nul", "long"])
def test_a_hostile_config_path_is_an_operator_error(hostile: str, prefect_api: str) -> None:
    refused(invoke(["build", "--period", "2024", "--config", HOSTILE[hostile]]), "config")


CONFIG_PROBLEMS = {
    "traversal": "is not TOML: Expected '=' after a key in a key/value pair (at line 1",
    "nul": "holds a NUL byte",
    "long": "is too long (100,000 characters)",
}
CONFIG_COMMANDS = {
    "collect": ["collect"],
    "run": ["run", "--period", "2024"],
    "rerun": ["rerun", "--framework", "par7-2024", "--criterion", "7", "--unit", "89",
              "--period", "2024", "--reason", "test"],
    "override set": ["override", "set", "--measure", "apps_with_shared_data", "--unit", "89",
                     "--period", "2024", "--value", "1", "--evidence", "BC 1",
                     "--reason", "test"],
    "history": ["history", "--framework", "par7-2024", "--criterion", "7", "--unit", "89",
                "--period", "2024"],
    "declare import": ["declare", "import", "declared.csv"],
    "explain": ["explain", "--framework", "par7-2024", "--criterion", "7", "--unit", "89",
                "--period", "2024"],
    "report tables": ["report", "tables", "--framework", "par7-2024", "--period", "2024",
                      "--out", "tables"],
}  # fmt: skip


@pytest.mark.parametrize("hostile", list(CONFIG_PROBLEMS))
@pytest.mark.parametrize("command", list(CONFIG_COMMANDS))
def test_every_command_refuses_a_config_that_is_not_a_readable_toml_file(
    command: str, hostile: str, tmp_path: Path, prefect_api: str
) -> None:
    """A copy of a passwd file stands for any file that is not TOML; the message says
    which file and what is wrong, and a very long name is not echoed whole."""
    passwd = tmp_path / "passwd"
    passwd.write_text("root:x:0:0:root:/root:/bin/sh\n", encoding="utf-8")
    config = str(passwd) if hostile == "traversal" else HOSTILE[hostile]
    before = files_under(tmp_path)

    result = invoke([*CONFIG_COMMANDS[command], "--config", config])

    refused(result, CONFIG_PROBLEMS[hostile])
    assert len(result.output) < 2_000
    assert files_under(tmp_path) == before


WAREHOUSE_COMMANDS = {
    "rerun": CONFIG_COMMANDS["rerun"],
    "override set": CONFIG_COMMANDS["override set"],
    "override withdraw": ["override", "withdraw", "--id", "1", "--reason", "test"],
    "override list": ["override", "list"],
    "history": CONFIG_COMMANDS["history"],
}


@pytest.mark.parametrize("command", list(WAREHOUSE_COMMANDS))
def test_a_correction_without_a_warehouse_is_refused_and_creates_none(
    command: str, config: Path, tmp_path: Path, prefect_api: str
) -> None:
    before = files_under(tmp_path)

    result = invoke([*WAREHOUSE_COMMANDS[command], "--config", str(config)])

    refused(result, f"no warehouse at {tmp_path / 'var' / 'chiso.duckdb'}: run chiso collect")
    assert files_under(tmp_path) == before  # no warehouse, no lock, no directory


# --------------------------------------------------------------------------- declarations


def write_rows(path: Path, *rows: list[str], encoding: str = "utf-8") -> Path:
    text = HEADER + "\n" + "\n".join(",".join(row) for row in rows) + "\n"
    path.write_bytes(text.encode(encoding) if encoding != "cp1258" else to_cp1258(text))
    return path


def to_cp1258(text: str) -> bytes:
    """Vietnamese as Windows-1258 writes it: base letters (with horn, breve or
    circumflex) followed by combining tone marks."""
    out = bytearray()
    for char in text:
        parts = unicodedata.normalize("NFD", char)
        for cut in range(len(parts), 0, -1):  # the longest encodable composed head
            head = unicodedata.normalize("NFC", parts[:cut])
            try:
                out += head.encode("cp1258") + parts[cut:].encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            raise ValueError(f"{char!r} has no Windows-1258 form")
    return bytes(out)


def import_file(path: Path, config: Path) -> Result:
    return invoke(["declare", "import", str(path), "--config", str(config)])


@pytest.mark.parametrize("encoding", ["cp1258", "latin-1"])
def test_a_declaration_csv_in_another_encoding_is_refused_whole(
    encoding: str, config: Path, tmp_path: Path
) -> None:
    # Latin-1 cannot write Vietnamese: a file saved by a French-locale spreadsheet.
    text = ROW if encoding == "cp1258" else [*ROW[:4], "Décision 12", *ROW[5:7], "Préfecture",
                                             ROW[8]]  # fmt: skip
    path = write_rows(tmp_path / f"{encoding}.csv", text, encoding=encoding)
    assert path.read_bytes() != (HEADER + "\n" + ",".join(text) + "\n").encode("utf-8")

    result = import_file(path, config)

    refused(result, "row 2: not UTF-8 text (save it as CSV UTF-8)")
    assert not (tmp_path / "declarations").exists()


@pytest.mark.parametrize(
    ("column", "hostile", "naming"),
    [
        ("unit", "sql", "column unit: "),
        ("unit", "traversal", "column unit: '../../etc/passwd' is not a unit code"),
        ("unit", "long", "column unit: "),
        ("measure", "sql", "column measure: "),
        ("measure", "traversal", "column measure: "),
        ("period", "traversal", "column period: "),
    ],
)
def test_hostile_identifiers_in_a_declaration_file_write_nothing_anywhere(
    column: str, hostile: str, naming: str, config: Path, tmp_path: Path, figures: FigureBook
) -> None:
    row = dict(zip(HEADER.split(","), ROW, strict=True))
    row[column] = f'"{HOSTILE[hostile].replace(chr(34), chr(34) * 2)}"'
    path = write_rows(tmp_path / "declared.csv", list(row.values()))
    before = files_under(tmp_path.parent)

    result = import_file(path, config)

    untouched = files_under(tmp_path.parent) == before
    figures.record(FAULT, faults_injected=1, kept_previous=untouched and result.exit_code == 2)
    refused(result, naming)
    assert untouched


def test_a_nul_byte_in_a_declaration_csv_is_refused(config: Path, tmp_path: Path) -> None:
    path = write_rows(tmp_path / "nul.csv", [*ROW[:7], "Sở\x00TTTT", ROW[8]])

    refused(import_file(path, config), "row 2, column declared_by: holds a NUL byte")
    assert not (tmp_path / "declarations").exists()


def filled_form(config: Path, tmp_path: Path) -> tuple[Path, int]:
    """The PAR7 form of the province, filled; and the row of its one count measure."""
    form = tmp_path / "form.xlsx"
    made = invoke(["declare", "template", "--framework", "par7-2024", "--unit", "89",
                   "--period", "2024", "--format", "xlsx", "--out", str(form),
                   "--config", str(config)])  # fmt: skip
    assert made.exit_code == 0, made.output
    book = load_workbook(form)
    sheet = book["Kê khai"]
    count_row = 0
    for r in range(2, sheet.max_row + 1):
        kind = load_catalogue().spec(sheet[f"F{r}"].value).value_type
        sheet[f"J{r}"] = {"bool": True, "enum": "partial", "count": 30}[kind]
        sheet[f"K{r}"] = f"Quyết định {r}/QĐ-UBND"
        count_row = r if kind == "count" else count_row
    assert count_row
    sheet[f"J{count_row}"] = "=10+20"  # a formula, which openpyxl saves without a value
    book.save(form)
    return form, count_row


def rewrite_zip(path: Path, edit: dict[str, bytes | None]) -> None:
    """Replace (or add) members of a workbook; None leaves a member as it is."""
    with zipfile.ZipFile(path) as old:
        members = {name: old.read(name) for name in old.namelist()}
    members.update({k: v for k, v in edit.items() if v is not None})
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as new:
        for name, data in members.items():
            new.writestr(name, data)


def declared_text(tmp_path: Path) -> str:
    files = sorted((tmp_path / "declarations").rglob("*.csv"))
    assert files
    return "\n".join(p.read_text("utf-8") for p in files)


def test_a_formula_in_a_workbook_is_read_as_its_stored_value_never_run(
    config: Path, tmp_path: Path
) -> None:
    form, row = filled_form(config, tmp_path)
    with zipfile.ZipFile(form) as workbook:
        sheet_xml = workbook.read("xl/worksheets/sheet1.xml").decode("utf-8")
    # As Excel saves it: the formula with the value it last computed, here not 10+20.
    cell = re.compile(rf'<c r="J{row}"([^>]*)><f>10\+20</f><v\s*/>')
    assert cell.search(sheet_xml)
    cached = cell.sub(rf'<c r="J{row}"\1><f>10+20</f><v>7</v>', sheet_xml)
    macro = b"\xd0\xcf\x11\xe0 a macro that must never run"
    rewrite_zip(
        form, {"xl/worksheets/sheet1.xml": cached.encode("utf-8"), "xl/vbaProject.bin": macro}
    )

    result = import_file(form, config)

    assert result.exit_code == 0, result.output
    text = declared_text(tmp_path)
    assert "apps_with_shared_data,7," in text  # the stored value, not 30
    assert "10+20" not in text and "=" not in text
    assert {p.suffix for p in (tmp_path / "declarations").rglob("*") if p.is_file()} == {".csv"}


def test_a_formula_without_a_stored_value_is_refused_not_computed(
    config: Path, tmp_path: Path
) -> None:
    form, row = filled_form(config, tmp_path)

    result = import_file(form, config)

    refused(result, f"row {row}, column Giá trị: empty")
    assert not (tmp_path / "declarations").exists()


def test_a_macro_workbook_is_refused(config: Path, tmp_path: Path) -> None:
    form, _ = filled_form(config, tmp_path)
    macro = form.rename(tmp_path / "form.xlsm")

    refused(import_file(macro, config), "not a .csv or .xlsx file")
    assert not (tmp_path / "declarations").exists()


# --------------------------------------------------------------------------- frameworks

FRAMEWORK = """\
id: {framework}
version: "1"
name_vi: "Khung thử"
name_en: "Test framework"
citation: "test"
period_type: year
unit_level: province
rounding: {{decimals: 2, mode: half_up, aggregate: sum_of_rounded}}
criteria:
  - id: {criterion}
    parent: null
    name_vi: "Gốc"
    name_en: "Root"
    max: 1.00
    method: ratio
    measures:
      numerator: ndxp_data_services_in_official_use
      denominator: ndxp_data_services_total
"""


@pytest.mark.parametrize(
    "hostile",
    [
        "sql",
        "traversal",
        "nul",
        "long",
    ],
)  # fmt: skip
def test_hostile_ids_in_a_framework_file_are_refused_by_name(hostile: str, tmp_path: Path) -> None:
    quoted = '"' + HOSTILE[hostile].replace('"', '\\"').replace("\x00", "\\0") + '"'
    framework = tmp_path / "hostile.yaml"
    framework.write_text(FRAMEWORK.format(framework=quoted, criterion=quoted), encoding="utf-8")
    valid = tmp_path / "valid.yaml"
    valid.write_text(FRAMEWORK.format(framework="test-fw", criterion='"1"'), encoding="utf-8")
    assert read_framework(valid).id == "test-fw"  # only the ids differ

    with pytest.raises(FrameworkError) as caught:
        read_framework(framework)

    message = str(caught.value)
    assert "must be lower-case letters, digits, '.' and '-'" in message  # the framework id
    assert "must be quoted text like" in message  # the criterion id


@pytest.mark.parametrize("hostile", list(HOSTILE))
def test_a_hostile_framework_name_never_becomes_a_path(hostile: str) -> None:
    with pytest.raises(FrameworkError, match="unknown framework"):
        load_framework(HOSTILE[hostile])
