"""`chiso report tables`: the official tables read back from the files a user gets."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet
from typer.testing import CliRunner, Result

from flows.cli import app
from scoring.framework import load_framework
from tests.reports.tables_snapshot import (
    ARCHITECTURE_DOC,
    DTI_DIST,
    NQ17_MONTH,
    OVERRIDE_REASON,
    Warehouse,
    build_warehouse,
)

runner = CliRunner()


@pytest.fixture(scope="module")
def warehouse(tmp_path_factory: pytest.TempPathFactory) -> Warehouse:
    return build_warehouse(tmp_path_factory.mktemp("reports-warehouse"))


def report(warehouse: Warehouse, out: Path, *args: str) -> Result:
    return runner.invoke(
        app, ["report", "tables", *args, "--out", str(out), "--config", str(warehouse.config)]
    )


def header_row(ws: Worksheet, title: str = "STT") -> int:
    for row in ws.iter_rows(min_col=1, max_col=1):
        if row[0].value in (title, "Hạng"):
            return int(row[0].row)
    raise AssertionError(f"no header row in {ws.title}")


def merged(ws: Worksheet) -> set[str]:
    return {str(r) for r in ws.merged_cells.ranges}


def lines_of(ws: Worksheet, first: int) -> list[tuple[object, ...]]:
    """The table's rows from `first` to the first blank line (the notes come after it)."""
    lines = []
    for row in ws.iter_rows(min_row=first):
        if row[0].value is None:
            break
        lines.append(tuple(c.value for c in row))
    return lines


# --- PAR7: the self-assessment ----------------------------------------------------------


@pytest.fixture(scope="module")
def par7(warehouse: Warehouse, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("par7")
    result = report(warehouse, out, "--framework", "par7-2024", "--period", "2024")
    assert result.exit_code == 0, result.output
    assert "par7-2024_2024.xlsx" in result.stdout
    return out


def par7_sheet(out: Path) -> tuple[Worksheet, int, dict[str, tuple[object, ...]]]:
    ws = load_workbook(out / "par7-2024_2024.xlsx").active
    assert ws is not None
    top = header_row(ws)
    rows = {str(line[0]): line for line in lines_of(ws, top + 1)}
    return ws, top, rows


def test_the_self_assessment_has_the_submitted_layout(par7: Path) -> None:
    ws, top, rows = par7_sheet(par7)
    assert ws.title == "Tự đánh giá"
    assert [c.value for c in ws[top]] == [
        "STT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Điểm tự đánh giá",
        "Giải trình và tài liệu kiểm chứng",
    ]
    assert ws["A1"].value == "BÁO CÁO TỰ ĐÁNH GIÁ, CHẤM ĐIỂM"
    assert {"A1:E1", "A2:E2", "A3:E3"} <= merged(ws)
    assert "Tỉnh An Giang" in str(ws["A3"].value) and "năm 2024" in str(ws["A3"].value)
    framework = load_framework("par7-2024")
    assert [r for r in rows if r != "TỔNG ĐIỂM"] == [c.id for c in framework.criteria]


def test_section_rows_are_bold_and_leaves_are_not(par7: Path) -> None:
    ws, top, _ = par7_sheet(par7)
    framework = load_framework("par7-2024")
    sections = {c.id for c in framework.criteria if c.children}
    for row in ws.iter_rows(min_row=top + 1):
        cid = row[0].value
        if cid in {c.id for c in framework.criteria}:
            assert row[1].font.b is (cid in sections), cid
    assert {"7.1", "7.3.7"} <= sections


def test_points_are_numbers_formatted_with_two_decimals(par7: Path) -> None:
    ws, top, rows = par7_sheet(par7)
    assert rows["7.3.6"][2:4] == (1.5, 1.23)
    assert rows["7.2.3.b"][3] == 0.93
    for row in ws.iter_rows(min_row=top + 1, min_col=3, max_col=4):
        for cell in row:
            if isinstance(cell.value, int | float):
                assert cell.number_format == "#,##0.00"


def test_the_total_is_the_sum_of_the_rounded_items_without_the_survey(par7: Path) -> None:
    ws, _, rows = par7_sheet(par7)
    framework = load_framework("par7-2024")
    leaves = [c.id for c in framework.criteria if not c.children and c.method != "survey"]
    items = sum(Decimal(str(rows[cid][3])) for cid in leaves)
    total = rows["TỔNG ĐIỂM"]
    assert Decimal(str(total[3])) == items == Decimal("8.73")
    assert Decimal(str(total[2])) == Decimal("12.50")
    assert "7.3.2" in str(total[4]) and "ĐTXHH" in str(total[4])
    total_row = next(r for r in ws.iter_rows() if r[0].value == "TỔNG ĐIỂM")[0].row
    assert f"A{total_row}:B{total_row}" in merged(ws)
    assert all(ws[f"{column}{total_row}"].font.b for column in "ACDE")


def test_the_survey_criterion_is_marked_and_left_out(par7: Path) -> None:
    _, _, rows = par7_sheet(par7)
    survey = rows["7.3.2"]
    assert survey[3] == "ĐTXHH"
    assert "điều tra xã hội học" in str(survey[4])
    assert rows["7.3"][2] == 7.0 and "6,00" in str(rows["7.3"][4])


def test_rates_are_explained_the_vietnamese_way_with_the_points_lost(par7: Path) -> None:
    _, _, rows = par7_sheet(par7)
    assert str(rows["7.3.6"][4]).startswith("Tỷ lệ: 1.234/1.500 = 82,3%; mất 0,27 điểm")
    assert "Hệ thống thông tin giải quyết TTHC tỉnh" in str(rows["7.3.6"][4])
    # 5999/30000 = 19.997% misses the 20% bar: never shown as reaching it
    assert str(rows["7.3.4.b"][4]).startswith(
        "Tỷ lệ: 5.999/30.000 = 19,9% (yêu cầu tối thiểu 20%); mất 0,25 điểm"
    )
    assert "(ngưỡng tối thiểu 90%)" in str(rows["7.3.5"][4])


def test_declared_facts_show_their_document_and_date(par7: Path) -> None:
    _, _, rows = par7_sheet(par7)
    text = str(rows["7.1.1"][4])
    assert "Đạt điểm tối đa" in text
    assert f"{ARCHITECTURE_DOC}, ngày 20/09/2024" in text
    assert "Mất 0,25 điểm" in str(rows["7.1.2.a"][4])


def test_a_corrected_input_and_the_failing_units_are_named(par7: Path) -> None:
    _, _, rows = par7_sheet(par7)
    assert OVERRIDE_REASON in str(rows["7.2.3.b"][4])
    text = str(rows["7.2.1.a"][4])
    assert "Số đơn vị đạt từ 80% trở lên: 2/3 = 66,7% (yêu cầu 100%)" in text
    assert "Chưa đạt: Sở Tài chính 790/1.000 = 79,0%" in text
    assert "Sở Tư pháp" not in text  # 412/500 = 82.4% passes


def test_the_csv_carries_the_same_rows_with_plain_numbers(par7: Path) -> None:
    with (par7 / "par7-2024_2024_tu-danh-gia.csv").open(encoding="utf-8-sig") as handle:
        rows = list(csv.reader(handle))
    assert rows[0][:4] == [
        "STT",
        "Lĩnh vực/Tiêu chí/Tiêu chí thành phần",
        "Điểm tối đa",
        "Điểm tự đánh giá",
    ]
    by_id = {r[0]: r for r in rows[1:]}
    assert by_id["TỔNG ĐIỂM"][2:4] == ["12.50", "8.73"]
    assert by_id["7.3.2"][3] == "ĐTXHH"
    assert by_id["7.3.6"][4].startswith("Tỷ lệ: 1.234/1.500 = 82,3%")


# --- NQ17: the monthly report -----------------------------------------------------------


def test_nq17_states_each_target_met_or_not(warehouse: Warehouse, tmp_path: Path) -> None:
    result = report(warehouse, tmp_path, "--framework", "nq17", "--period", NQ17_MONTH)
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / f"nq17_{NQ17_MONTH}.xlsx").active
    assert ws is not None
    top = header_row(ws)
    assert [c.value for c in ws[top]] == [
        "STT",
        "Mã chỉ tiêu",
        "Nội dung chỉ tiêu",
        "Chỉ tiêu (%)",
        "Kết quả thực hiện (%)",
        "Đánh giá",
    ]
    assert "tháng 03/2024" in str(ws["A3"].value)
    lines = lines_of(ws, top + 1)
    rows = {str(line[1]): line for line in lines if line[1]}
    assert len(rows) == 22
    assert rows["NQ17-02"][3:] == ("50%", "47,2% (666/1.412)", "Không đạt")
    assert rows["NQ17-10"][3:] == ("40%", "41,8% (41/98)", "Đạt")
    assert rows["NQ17-06"][3:] == ("100%", "100,0%", "Đạt")
    assert rows["NQ17-17"][3:] == ("80%", "79,9% (7.996/10.000)", "Không đạt")
    assert rows["NQ17-20b"][3:] == ("100%; 80%", "100,0% (1/1); 72,7% (8/11)", "Không đạt")
    assert rows["NQ17-21"][5] == "Đạt"
    assert rows["NQ17-03"][4:] == ("Chưa có số liệu", "Chưa có số liệu")
    assert rows["NQ17-02"][0] == 2 and rows["NQ17-21"][0] == 22
    summary = lines[-1]
    assert summary[0] == "Số chỉ tiêu đạt: 3/22 (16 chỉ tiêu chưa có số liệu)"


# --- DTI: the districts' ranking ---------------------------------------------------------


def test_dti_districts_are_ranked_with_main_indices_and_pillars(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    result = report(warehouse, tmp_path, "--framework", "dti-2024-dist", "--period", "2024")
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "dti-2024-dist_2024.xlsx").active
    assert ws is not None
    top = header_row(ws, "Hạng")
    groups = [c.value for c in ws[top]]
    titles = [c.value for c in ws[top + 1]]
    assert groups[3] == "Điểm chỉ số chính" and titles[3] == "1. Nhận thức số (70)"
    assert f"D{top}:K{top}" in merged(ws)  # the 8 main indices under one header
    assert f"A{top}:A{top + 1}" in merged(ws)
    columns = [
        g if g and g != "Điểm chỉ số chính" else t for g, t in zip(groups, titles, strict=True)
    ]
    pillars = [
        "Trụ cột Chính quyền số (495)",
        "Trụ cột Kinh tế số (430)",
        "Trụ cột Xã hội số (485)",
    ]
    assert columns[11:15] == ["Tổng điểm (700)", *pillars]
    lines = lines_of(ws, top + 2)
    assert [(line[0], line[1]) for line in lines] == [(1, "H02"), (2, "H01"), ("—", "H03")]
    h02 = lines[0]
    assert h02[2] == "UBND huyện Châu Thành"
    mains = [Decimal(DTI_DIST["H02"][str(i)]) for i in range(1, 9)]
    assert [Decimal(str(v)) for v in h02[3:11]] == mains
    assert Decimal(str(h02[11])) == sum(mains) == Decimal("661.58")
    assert Decimal(str(h02[12])) == sum(mains[:6])  # P-CQS: indices 1-6
    assert Decimal(str(h02[13])) == sum(mains[:5]) + mains[6]  # P-KTS: 1-5 and 7
    assert Decimal(str(h02[14])) == sum(mains[:5]) + mains[7]  # P-XHS: 1-5 and 8
    assert "thiếu số liệu" in str(lines[2][-1]).lower()


def test_a_unit_gets_its_own_criterion_table_beside_the_ranking(
    warehouse: Warehouse, tmp_path: Path
) -> None:
    args = ("--framework", "dti-2024-dist", "--period", "2024", "--unit", "H01")
    result = report(warehouse, tmp_path, *args)
    assert result.exit_code == 0, result.output
    book = load_workbook(tmp_path / "dti-2024-dist_2024_H01.xlsx")
    assert book.sheetnames == ["Xếp hạng", "Đơn vị H01"]
    ws = book["Đơn vị H01"]
    rows = {str(line[0]): line for line in lines_of(ws, header_row(ws) + 1)}
    assert rows["TỔNG ĐIỂM"][3] == 612.06
    assert rows["P-CQS"][3] == 441.9
    assert (tmp_path / "dti-2024-dist_2024_H01_don-vi-H01.csv").is_file()


# --- ITA-2018: bands and levels ---------------------------------------------------------


def test_ita_departments_show_a_band_per_category(warehouse: Warehouse, tmp_path: Path) -> None:
    result = report(warehouse, tmp_path, "--framework", "ita-2018-dept", "--period", "2024")
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "ita-2018-dept_2024.xlsx").active
    assert ws is not None
    top = header_row(ws, "Hạng")
    assert ws.cell(top, 4).value == "I. Hạ tầng kỹ thuật công nghệ thông tin (100)"
    assert [ws.cell(top + 1, k).value for k in (4, 5)] == ["Điểm", "Xếp loại"]
    assert f"D{top}:E{top}" in merged(ws)
    lines = lines_of(ws, top + 2)
    assert [(line[0], line[1]) for line in lines] == [(1, "S02"), (2, "S01")]
    s01 = lines[1]
    bands = s01[4:15:2]
    assert bands == ("Tốt", "Khá", "Trung bình", "Tốt", "Trung bình", "Tốt")
    assert Decimal(str(s01[15])) == Decimal("759.99")


def test_ita_districts_show_parts_groups_and_level(warehouse: Warehouse, tmp_path: Path) -> None:
    result = report(warehouse, tmp_path, "--framework", "ita-2018-dist", "--period", "2024")
    assert result.exit_code == 0, result.output
    ws = load_workbook(tmp_path / "ita-2018-dist_2024.xlsx").active
    assert ws is not None
    top = header_row(ws, "Hạng")
    assert ws.cell(top, 4).value == "A. Điều kiện sẵn sàng Chính quyền điện tử (500)"
    assert ws.cell(top, 8).value == "B. Kết quả Chính quyền điện tử đạt được (1.000)"
    assert ws.cell(top + 1, 7).value == "Cộng"
    assert {f"D{top}:G{top}", f"H{top}:L{top}"} <= merged(ws)
    lines = lines_of(ws, top + 2)
    h01, h02 = lines
    assert (h01[0], h01[1], h01[-2]) == (1, "H01", "Mức II")
    assert [Decimal(str(v)) for v in (h01[6], h01[11], h01[12])] == [
        Decimal(445),
        Decimal(911),
        Decimal(1356),
    ]
    assert (h02[0], h02[-2]) == ("—", "Không xếp hạng")
    assert "không xếp hạng" in str(h02[-1])


# --- refusals ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--framework", "par8-2030", "--period", "2024"), "unknown framework 'par8-2030'"),
        (("--framework", "par7-2024", "--period", "2023"), "no par7-2024 scores for 2023"),
        (("--framework", "par7-2024", "--period", "2024-13"), "is not a year"),
        (("--framework", "nq17", "--period", "2024"), "nq17 is scored per month"),
        (("--framework", "nq17", "--period", "2024-04"), "periods built: 2024-03"),
        (("--framework", "dti-2024-dist", "--period", "2024", "--unit", "H99"), "'H99'"),
        (("--framework", "par7-2024", "--period", "2024", "--unit", "../../etc"), "not a unit"),
    ],
)
def test_bad_requests_are_refused_and_nothing_is_written(
    warehouse: Warehouse, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    out = tmp_path / "out"
    result = report(warehouse, out, *args)
    assert result.exit_code == 2
    assert message in " ".join(result.stderr.split())
    assert "Traceback" not in result.output
    assert not out.exists()


def test_a_missing_snapshot_is_refused_with_its_path(tmp_path: Path) -> None:
    config = tmp_path / "chiso.toml"
    config.write_text(f'[warehouse]\nsnapshot_path = "{tmp_path / "none.duckdb"}"\n')
    out = tmp_path / "out"
    result = runner.invoke(
        app,
        [
            "report",
            "tables",
            "--framework",
            "par7-2024",
            "--period",
            "2024",
            "--out",
            str(out),
            "--config",
            str(config),
        ],
    )
    assert result.exit_code == 2
    assert "no published snapshot" in result.stderr and "none.duckdb" in result.stderr
    assert not out.exists()


def test_the_snapshot_comes_from_chiso_config_without_config(
    warehouse: Warehouse, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("CHISO_CONFIG", str(warehouse.config))
    args = ["report", "tables", "--framework", "par7-2024", "--period", "2024"]
    result = runner.invoke(app, [*args, "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "par7-2024_2024.xlsx").is_file()
    monkeypatch.setenv("CHISO_CONFIG", str(tmp_path / "missing.toml"))
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "again")])
    assert result.exit_code == 2 and "missing.toml" in result.stderr
