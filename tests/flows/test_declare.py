"""`chiso declare`: the forms agencies fill, and importing them as declarations.

Every refusal names the file, row and column, exits 2 and writes nothing; a filled
form (CSV or XLSX) comes back through `import` as the declarations the build reads.
The round trip runs for every framework that loads.
"""

from __future__ import annotations

import csv
from datetime import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner, Result

from flows.cli import app
from flows.declarations import (
    declared_measure_rows,
    read_declarations,
    shipped_ratio_pairs,
)
from flows.declare import (
    FORM_COLUMNS,
    declaration_forms,
    declaring_levels,
    form_lines,
    is_declared,
    measure_uses,
    shipped_frameworks,
)
from flows.measures_file import InputFileError
from scoring.catalogue import load_catalogue
from scoring.framework import Framework, FrameworkError, list_frameworks, load_framework
from simulator.declared import simulate_declarations, synthetic_units

runner = CliRunner()
HEADER = (
    "unit,period,measure,value,evidence_doc,evidence_date,evidence_link,declared_by,declared_at"
)
PROVINCE, DEPARTMENT = "89", "000.02.00.H01"


def _loadable() -> list[str]:
    names = []
    for name in list_frameworks():
        try:
            load_framework(name)
        except FrameworkError:
            continue
        names.append(name)
    return names


FRAMEWORKS = _loadable()


@pytest.fixture
def config(tmp_path: Path) -> Path:
    """A config whose warehouse does not exist (units: the synthetic province) and whose
    declarations directory is empty."""
    path = tmp_path / "chiso.toml"
    sources = "\n".join(
        f'[sources.{s}]\nbase_url = "http://127.0.0.1:1/{s}"'
        for s in ("tthc", "ioffice", "lris", "ndxp")
    )
    path.write_text(
        f'[warehouse]\npath = "{tmp_path / "var" / "chiso.duckdb"}"\n'
        f'snapshot_path = "{tmp_path / "var" / "published.duckdb"}"\n'
        f'[declarations]\ndir = "{tmp_path / "declarations"}"\n{sources}\n',
        encoding="utf-8",
    )
    return path


def declarations_dir(config: Path) -> Path:
    return config.parent / "declarations"


def written(config: Path) -> list[Path]:
    return sorted(declarations_dir(config).rglob("*.csv"))


def invoke(*args: str) -> Result:
    return runner.invoke(app, ["declare", *args])


def template(config: Path, framework: str, unit: str, period: str, fmt: str) -> Path:
    out = config.parent / f"form.{fmt}"
    result = invoke(
        "template", "--framework", framework, "--unit", unit, "--period", period,
        "--format", fmt, "--out", str(out), "--config", str(config),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    return out


def read_form_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def write_form_csv(path: Path, rows: list[dict[str, str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)


def simulated_values(framework: Framework, unit: str, period: str) -> dict[str, str]:
    """Consistent values for one unit's form (the simulator fills it)."""
    rows = simulate_declarations(declaration_forms([framework]), [int(period[:4])])
    mine = rows[(rows["unit"] == unit) & (rows["period"] == period)]
    return dict(zip(mine["measure"], mine["value"], strict=True))


def unit_of_level(level: str) -> str:
    units = synthetic_units()
    in_force = units[(units["level"] == level) & units["NgayHetHieuLuc"].isna()]
    return str(in_force["MaDonVi"].iloc[0])


def period_of(framework: Framework) -> str:
    return {"year": "2024", "quarter": "2024-Q2", "month": "2024-06"}[framework.period_type]


def import_file(config: Path, path: Path) -> Result:
    return invoke("import", str(path), "--config", str(config))


# --------------------------------------------------------------------------- template


def test_the_csv_form_lists_every_declared_measure_with_vietnamese_headers(config: Path) -> None:
    form = read_form_csv(template(config, "par7-2024", PROVINCE, "2024", "csv"))
    framework = load_framework("par7-2024")
    expected = [line.key for line in form_lines(framework, "province")]
    assert [row["Mã chỉ số"] for row in form] == expected
    assert "apps_with_shared_data" in expected  # the declared LGSP inventory of 7.1.3
    assert "dvc_fullonline_provided" not in expected  # collected from TTHC
    assert list(form[0]) == [c.header_vi for c in FORM_COLUMNS]
    by_key = {row["Mã chỉ số"]: row for row in form}
    assert by_key["tthc_is_status"]["Kiểu giá trị"] == "một trong: full/partial/none"
    assert by_key["tthc_is_status"]["Tiêu chí"].startswith("7.3.3 Thiết lập, vận hành")
    assert by_key["portal_ipv6_enabled"]["Kiểu giá trị"].startswith("true/false")
    assert {row["Mã đơn vị"] for row in form} == {PROVINCE}
    assert {row["Kỳ báo cáo"] for row in form} == {"2024"}
    assert all(row["Giá trị"] == "" for row in form)


def test_the_xlsx_form_has_a_bold_frozen_header_widths_and_drop_down_lists(config: Path) -> None:
    book = load_workbook(template(config, "par7-2024", PROVINCE, "2024", "xlsx"))
    sheet = book["Kê khai"]
    assert [c.value for c in sheet[1]] == [c.header_vi for c in FORM_COLUMNS]
    assert all(cell.font.b for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["F"].width == 36
    lists = {dv.formula1: str(dv.sqref) for dv in sheet.data_validations.dataValidation}
    value_column = "J"
    keys = {sheet[f"F{r}"].value: r for r in range(2, sheet.max_row + 1)}
    assert f"{value_column}{keys['tthc_is_status']}" in lists['"full,partial,none"'].split()
    assert f"{value_column}{keys['portal_ipv6_enabled']}" in lists['"true,false"'].split()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "999"], "unit '999' is not a unit of the province"),
        (["--unit", DEPARTMENT], f"unit {DEPARTMENT} (Sở Nội vụ) is a department"),
        (["--period", "2024-01"], "par7-2024 is declared per year; '2024-01' is a month"),
        (["--period", "2024-13"], "period '2024-13' is not a year"),
        (["--framework", "nope"], "unknown framework 'nope'"),
    ],
)
def test_a_form_for_a_unit_or_period_that_does_not_fit_is_refused(
    config: Path, args: list[str], message: str
) -> None:
    request = {"--framework": "par7-2024", "--unit": PROVINCE, "--period": "2024"}
    request.update(dict(zip(args[::2], args[1::2], strict=True)))
    out = config.parent / "form.csv"
    flat = [item for pair in request.items() for item in pair]
    result = invoke("template", *flat, "--out", str(out), "--config", str(config))
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not out.exists()


def test_units_come_from_the_warehouse_when_there_is_one(config: Path) -> None:
    from warehouse.connection import open_writer

    with open_writer(config.parent / "var" / "chiso.duckdb") as con:
        con.execute(
            "INSERT INTO staging.unit VALUES ('89', 'UBND tỉnh', 'province', NULL, "
            "'2015-01-01', NULL, '2024-01-01', 1, '2024-01-01'), ('000.09.00.H01', 'Sở X', "
            "'department', '89', '2015-01-01', NULL, '2024-01-01', 1, '2024-01-01')"
        )
    assert template(config, "par7-2024", PROVINCE, "2024", "csv").exists()
    out = config.parent / "dept.csv"
    result = invoke(
        "template", "--framework", "dti-2024-dept", "--unit", DEPARTMENT, "--period", "2024",
        "--out", str(out), "--config", str(config),
    )  # fmt: skip
    assert result.exit_code == 2
    assert f"unit '{DEPARTMENT}' is not a unit of the province in the warehouse" in result.output


# --------------------------------------------------------------------------- round trips


def fill_from_simulator(form: list[dict[str, str]], framework: Framework) -> list[dict[str, str]]:
    values = simulated_values(framework, form[0]["Mã đơn vị"], form[0]["Kỳ báo cáo"])
    for row in form:
        row["Giá trị"] = values[row["Mã chỉ số"]]
        row["Số hiệu văn bản"] = f"Báo cáo {row['STT']}/BC-UBND"
        row["Ngày văn bản"] = "15/12/2024"
    return form


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_a_filled_csv_form_of_every_framework_round_trips_through_import(
    config: Path, framework_id: str
) -> None:
    framework = load_framework(framework_id)
    level, period = declaring_levels(framework)[0], period_of(framework)
    unit = unit_of_level(level)
    path = template(config, framework_id, unit, period, "csv")
    form = fill_from_simulator(read_form_csv(path), framework)
    write_form_csv(path, form)

    result = import_file(config, path)

    assert result.exit_code == 0, result.output
    target = declarations_dir(config) / unit / f"{framework_id}_{period}.csv"
    assert written(config) == [target]
    measures, evidence = read_declarations(target, [unit])
    catalogue = load_catalogue()
    assert {m.key: m.value for m in measures} == {
        row["Mã chỉ số"]: catalogue.coerce(row["Mã chỉ số"], row["Giá trị"]) for row in form
    }
    assert evidence[0]["evidence_date"] == "2024-12-15"
    assert f"{len(form)} declaration(s) written to 1 file(s)" in result.output


def excel_value(text: str) -> object:
    """What Excel holds once an agency types the value: a number, TRUE/FALSE or text."""
    if text in ("true", "false"):
        return text == "true"
    try:
        number = Decimal(text)
    except ArithmeticError:
        return text
    return int(number) if number == number.to_integral_value() else float(number)


@pytest.mark.parametrize("framework_id", FRAMEWORKS)
def test_a_filled_xlsx_form_of_every_framework_round_trips_through_import(
    config: Path, framework_id: str
) -> None:
    framework = load_framework(framework_id)
    level, period = declaring_levels(framework)[-1], period_of(framework)
    unit = unit_of_level(level)
    path = template(config, framework_id, unit, period, "xlsx")
    book = load_workbook(path)
    sheet = book["Kê khai"]
    values = simulated_values(framework, unit, period)
    for r in range(2, sheet.max_row + 1):
        sheet[f"J{r}"] = excel_value(values[sheet[f"F{r}"].value])
        sheet[f"K{r}"] = f"Báo cáo {r}/BC-UBND"
        sheet[f"L{r}"] = datetime(2024, 12, 15)
    book.save(path)

    result = import_file(config, path)

    assert result.exit_code == 0, result.output
    target = declarations_dir(config) / unit / f"{framework_id}_{period}.csv"
    catalogue = load_catalogue()
    measures, evidence = read_declarations(target, [unit])
    assert {m.key: m.value for m in measures} == {
        key: catalogue.coerce(key, text) for key, text in values.items()
    }
    assert {e["evidence_date"] for e in evidence} == {"2024-12-15"}


def test_a_filled_xlsx_form_round_trips_and_re_importing_replaces_the_file(config: Path) -> None:
    path = template(config, "par7-2024", PROVINCE, "2024", "xlsx")
    book = load_workbook(path)
    sheet = book["Kê khai"]
    for r in range(2, sheet.max_row + 1):
        key = sheet[f"F{r}"].value
        kind = load_catalogue().spec(key).value_type
        sheet[f"J{r}"] = {"bool": True, "enum": "partial", "count": 30}[kind]
        sheet[f"K{r}"] = f"Quyết định {r}/QĐ-UBND"
    book.save(path)

    assert import_file(config, path).exit_code == 0
    target = declarations_dir(config) / PROVINCE / "par7-2024_2024.csv"
    values = {m.key: m.value for m in read_declarations(target, [PROVINCE])[0]}
    assert values["tthc_is_status"] == "partial"
    assert values["portal_ipv6_enabled"] is True
    assert values["apps_with_shared_data"] == Decimal(30)

    keys = {sheet[f"F{r}"].value: r for r in range(2, sheet.max_row + 1)}
    sheet[f"J{keys['tthc_is_status']}"] = "full"
    book.save(path)
    assert import_file(config, path).exit_code == 0
    assert written(config) == [target]
    values = {m.key: m.value for m in read_declarations(target, [PROVINCE])[0]}
    assert values["tthc_is_status"] == "full"


def test_a_plain_declaration_csv_with_vietnamese_yes_no_and_percentages_is_normalised(
    config: Path, tmp_path: Path
) -> None:
    share = _declared_share()
    lines = [
        f"{PROVINCE},2024,portal_ipv6_enabled,có,BC 1,2024-05-30,,Sở TTTT,08/01/2025",
        f"{PROVINCE},2024,datacenter_deployed,không,BC 2,,,Sở TTTT,",
    ]
    if share is not None:
        key, unit, period = share
        lines.append(f'{unit},{period},{key},"45,5%",BC 3,,,UBND,')
    path = tmp_path / "plain.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")

    assert import_file(config, path).exit_code == 0, import_file(config, path).output
    province = (declarations_dir(config) / PROVINCE / "plain_2024.csv").read_text(encoding="utf-8")
    assert "89,2024,portal_ipv6_enabled,true,BC 1,2024-05-30,,Sở TTTT,2025-01-08" in province
    assert "89,2024,datacenter_deployed,false,BC 2," in province
    if share is not None:
        key, unit, period = share
        text = (declarations_dir(config) / unit / f"plain_{period}.csv").read_text(encoding="utf-8")
        assert f"{unit},{period},{key},0.455," in text


# --------------------------------------------------------------------------- refusals


def _declared_pair() -> tuple[str, str, str, str] | None:
    """(numerator, denominator, unit, period) of a ratio whose two sides are declared
    by the same units of some framework."""
    uses = measure_uses(shipped_frameworks().values())
    for numerator, denominator in sorted(shipped_ratio_pairs()):
        common = {(u.level, u.period_type) for u in uses.get(numerator, [])} & {
            (u.level, u.period_type) for u in uses.get(denominator, [])
        }
        for level, period_type in sorted(common):
            period = {"year": "2024", "quarter": "2024-Q2", "month": "2024-06"}[period_type]
            return numerator, denominator, unit_of_level(level), period
    return None


def _declared_share() -> tuple[str, str, str] | None:
    """(key, unit, period) of a declared measure the catalogue types `share`."""
    catalogue = load_catalogue()
    for key, uses in sorted(measure_uses(shipped_frameworks().values()).items()):
        if catalogue.spec(key.split("{")[0]).value_type == "share":
            period = {"year": "2024", "quarter": "2024-Q2", "month": "2024-06"}
            return key, unit_of_level(uses[0].level), period[uses[0].period_type]
    return None


def _row(unit: str, period: str, key: str, value: str, doc: str = "BC 12/BC-UBND") -> str:
    return f"{unit},{period},{key},{value},{doc},2024-12-01,,Sở TTTT,2025-01-08"


def _refusal_cases() -> list[tuple[str, list[str], str]]:
    ok = _row(PROVINCE, "2024", "portal_meets_requirements", "true")
    cases = [
        ("unknown unit", [ok, _row("999", "2024", "portal_ipv6_enabled", "true")],
         "row 3, column unit: unit '999' is not a unit of the province"),
        ("hostile unit", [ok, _row("../../etc", "2024", "portal_ipv6_enabled", "true")],
         "row 3, column unit: '../../etc' is not a unit code"),
        ("negative count", [ok, _row(PROVINCE, "2024", "apps_with_shared_data", "-3")],
         "row 3, column value: apps_with_shared_data: -3 is negative"),
        ("bad enum", [ok, _row(PROVINCE, "2024", "tthc_is_status", "maybe")],
         "row 3, column value: tthc_is_status: 'maybe' is not one of full, partial, none"),
        ("bad bool", [ok, _row(PROVINCE, "2024", "portal_ipv6_enabled", "yes")],
         "row 3, column value: portal_ipv6_enabled: 'yes' is not a yes/no value"),
        ("wrong period type", [ok, _row(PROVINCE, "2024-03", "portal_ipv6_enabled", "true")],
         "row 3, column period: portal_ipv6_enabled is declared per year (par7-2024); "
         "2024-03 is a month"),
        ("malformed period", [ok, _row(PROVINCE, "2024-13", "portal_ipv6_enabled", "true")],
         "row 3, column period: period '2024-13' is not a year"),
        ("wrong level", [ok, _row(DEPARTMENT, "2024", "portal_ipv6_enabled", "true")],
         f"row 3, column unit: unit {DEPARTMENT} is a department; portal_ipv6_enabled is "
         "declared by province units"),
        ("no evidence", [ok, _row(PROVINCE, "2024", "portal_ipv6_enabled", "true", doc="")],
         "row 3, column evidence_doc: missing evidence document"),
        ("collected", [ok, _row(PROVINCE, "2024", "dvc_fullonline_provided", "5")],
         "row 3, column measure: dvc_fullonline_provided is collected from TTHC"),
        ("unknown measure", [ok, _row(PROVINCE, "2024", "portal_ipv7_enabled", "true")],
         "row 3, column measure: unknown measure 'portal_ipv7_enabled'"),
        ("bad date", [ok, _row(PROVINCE, "2024", "portal_ipv6_enabled", "true").replace(
            "2024-12-01", "31/02/2024")],
         "row 3, column evidence_date: '31/02/2024' is not a date"),
        ("twice", [ok, ok], "row 3, column measure: portal_meets_requirements for unit 89, "
         "period 2024 is already given on row 2"),
    ]  # fmt: skip
    pair = _declared_pair()
    if pair is not None:
        numerator, denominator, unit, period = pair
        cases.append(
            ("numerator above denominator",
             [_row(unit, period, denominator, "10"), _row(unit, period, numerator, "11")],
             f"row 3, column value: {numerator} = 11 (row 3) is greater than its denominator "
             f"{denominator} = 10 (row 2)"),
        )  # fmt: skip
    share = _declared_share()
    if share is not None:
        key, unit, period = share
        cases += [
            ("share above 100%", [_row(unit, period, key, "1.2")],
             f"row 2, column value: {key} is a share: 1.2 is above 100%"),
            ("percentage above 100%", [_row(unit, period, key, "120%")],
             f"row 2, column value: {key} is a share: 1.2 is above 100%"),
        ]  # fmt: skip
    return cases


@pytest.mark.parametrize(
    ("lines", "message"),
    [pytest.param(lines, message, id=name) for name, lines, message in _refusal_cases()],
)
def test_each_bad_row_is_named_by_row_and_column_and_nothing_is_written(
    config: Path, tmp_path: Path, lines: list[str], message: str
) -> None:
    path = tmp_path / "bad.csv"
    path.write_text(HEADER + "\n" + "\n".join(lines) + "\n", encoding="utf-8")
    result = import_file(config, path)
    assert result.exit_code == 2, result.output
    assert f"{path}: {message}" in result.output
    assert written(config) == []


def test_problems_in_a_filled_form_name_its_vietnamese_columns(config: Path) -> None:
    path = template(config, "par7-2024", PROVINCE, "2024", "csv")
    form = read_form_csv(path)
    for row in form:
        row["Giá trị"], row["Số hiệu văn bản"] = "true", "QĐ 1"
    by_key = {row["Mã chỉ số"]: row for row in form}
    by_key["tthc_is_status"]["Giá trị"] = "đầy đủ"
    by_key["apps_with_shared_data"]["Giá trị"] = "12"
    by_key["portal_ipv6_enabled"]["Số hiệu văn bản"] = ""
    write_form_csv(path, form)
    result = import_file(config, path)
    assert result.exit_code == 2
    rows = {row["Mã chỉ số"]: n for n, row in enumerate(form, start=2)}
    assert (
        f"row {rows['tthc_is_status']}, column Giá trị: tthc_is_status: 'đầy đủ'" in result.output
    )
    assert f"row {rows['portal_ipv6_enabled']}, column Số hiệu văn bản: missing" in result.output
    assert "3 problem(s)" not in result.output and "2 problem(s)" in result.output
    assert written(config) == []


def test_an_unknown_column_and_a_missing_one_are_named(config: Path, tmp_path: Path) -> None:
    path = tmp_path / "bad.csv"
    path.write_text("unit,period,measure,value,ghi chú\n89,2024,portal_ipv6_enabled,true,x\n")
    result = import_file(config, path)
    assert result.exit_code == 2
    assert f"{path}: row 1, column ghi chú: not a column of the declaration form" in result.output
    assert f"{path}: row 1, column Số hiệu văn bản: required column (evidence_doc)" in result.output


def test_a_numerator_above_a_denominator_imported_earlier_is_refused(
    config: Path, tmp_path: Path
) -> None:
    pair = _declared_pair()
    if pair is None:
        pytest.skip("no framework has a ratio whose two sides are declared")
    numerator, denominator, unit, period = pair
    first, second = tmp_path / "first.csv", tmp_path / "second.csv"
    first.write_text(f"{HEADER}\n{_row(unit, period, denominator, '10')}\n", encoding="utf-8")
    second.write_text(f"{HEADER}\n{_row(unit, period, numerator, '11')}\n", encoding="utf-8")
    assert import_file(config, first).exit_code == 0
    before = {p: p.read_bytes() for p in written(config)}

    result = import_file(config, second)

    earlier = declarations_dir(config) / unit / f"first_{period}.csv"
    assert result.exit_code == 2
    assert (
        f"{second}: row 2, column value: {numerator} = 11 (row 2) is greater than its "
        f"denominator {denominator} = 10 ({earlier} line 2)"
    ) in result.output
    assert {p: p.read_bytes() for p in written(config)} == before


def test_a_fact_declared_in_another_file_is_kept_there(config: Path, tmp_path: Path) -> None:
    demo = declarations_dir(config) / "demo" / "89_2024.csv"
    demo.parent.mkdir(parents=True)
    demo.write_text(
        f"{HEADER}\n{_row(PROVINCE, '2024', 'portal_ipv6_enabled', 'true', 'QĐ 9')}\n",
        encoding="utf-8",
    )
    same, different = tmp_path / "same.csv", tmp_path / "different.csv"
    same.write_text(
        f"{HEADER}\n{_row(PROVINCE, '2024', 'portal_ipv6_enabled', 'true', 'QĐ 9')}\n"
        f"{_row(PROVINCE, '2024', 'lris_deployed', 'true')}\n",
        encoding="utf-8",
    )
    different.write_text(
        f"{HEADER}\n{_row(PROVINCE, '2024', 'portal_ipv6_enabled', 'false', 'QĐ 9')}\n",
        encoding="utf-8",
    )

    refused = import_file(config, different)
    assert refused.exit_code == 2
    assert f"row 2, column measure: portal_ipv6_enabled for unit 89, period 2024 is already " \
           f"declared in {demo} line 2" in refused.output  # fmt: skip

    accepted = import_file(config, same)
    assert accepted.exit_code == 0, accepted.output
    assert "already declared in" in accepted.output
    mine = declarations_dir(config) / PROVINCE / "same_2024.csv"
    assert [m.key for m in read_declarations(mine, [PROVINCE])[0]] == ["lris_deployed"]
    rows = declared_measure_rows(written(config), "2024", [PROVINCE], run_id="r")
    assert sorted(rows["measure_key"]) == ["lris_deployed", "portal_ipv6_enabled"]


def test_a_file_inside_the_declarations_directory_is_not_imported(config: Path) -> None:
    inside = declarations_dir(config) / "x.csv"
    inside.parent.mkdir(parents=True)
    inside.write_text(f"{HEADER}\n{_row(PROVINCE, '2024', 'portal_ipv6_enabled', 'true')}\n")
    result = import_file(config, inside)
    assert result.exit_code == 2
    assert "inside the declarations directory" in result.output
    assert written(config) == [inside]


@pytest.mark.parametrize("name", ["notes.txt", "missing.csv", "broken.xlsx"])
def test_a_file_that_is_not_a_form_is_refused(config: Path, tmp_path: Path, name: str) -> None:
    path = tmp_path / name
    if name != "missing.csv":
        path.write_text("not a spreadsheet")
    result = import_file(config, path)
    assert result.exit_code == 2
    assert str(path) in result.output
    assert written(config) == []


# --------------------------------------------------------------------------- the build's side


def test_the_build_refuses_a_fact_declared_in_two_files(tmp_path: Path) -> None:
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    for path in (one, two):
        path.write_text(f"{HEADER}\n{_row(PROVINCE, '2024', 'portal_ipv6_enabled', 'true')}\n")
    with pytest.raises(InputFileError) as refused:
        declared_measure_rows([one, two], "2024", [PROVINCE], run_id="r")
    assert f"{two}:2: column measure: portal_ipv6_enabled for unit 89, period 2024 is " \
           f"already declared in {one}:2" in str(refused.value)  # fmt: skip


def test_the_build_refuses_a_numerator_above_its_denominator_across_files(tmp_path: Path) -> None:
    pair = _declared_pair()
    if pair is None:
        pytest.skip("no framework has a ratio whose two sides are declared")
    numerator, denominator, unit, period = pair
    one, two = tmp_path / "one.csv", tmp_path / "two.csv"
    one.write_text(f"{HEADER}\n{_row(unit, period, denominator, '4')}\n")
    two.write_text(f"{HEADER}\n{_row(unit, period, numerator, '5')}\n")
    with pytest.raises(InputFileError) as refused:
        declared_measure_rows([one, two], period, [unit], run_id="r")
    assert f"{two}:2: column value: {numerator} = 5 is greater than {denominator} = 4" in str(
        refused.value
    )


def test_every_declared_measure_is_one_chiso_does_not_collect() -> None:
    for framework in shipped_frameworks().values():
        for level in declaring_levels(framework):
            for line in form_lines(framework, level):
                assert is_declared(line.key)


def test_declared_numbers_reach_the_warehouse_whatever_comes_first() -> None:
    import duckdb
    import pandas as pd

    from flows.declarations import exact_decimals

    values = pd.Series([None] * 3000 + [Decimal("12.5"), Decimal("106478"), 1], dtype=object)
    con = duckdb.connect()
    con.register("frame", pd.DataFrame({"v": exact_decimals(values)}))
    row = con.execute("SELECT count(v), max(v::DECIMAL(38, 6)) FROM frame").fetchone()
    assert row == (3, Decimal("106478"))
