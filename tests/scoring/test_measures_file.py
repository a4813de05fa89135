"""Measures and org-units CSV files: typed rows, or every problem with file, line, column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flows.measures_file import (
    InputFileError,
    default_org_units,
    read_measures_csv,
    read_org_units_csv,
    score_measures_file,
)
from scoring.model import MeasureValue, OrgUnit, Status
from tests.scoring.support import DATA


def write(tmp_path: Path, text: str, name: str = "measures.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_rows_are_typed_and_keys_canonical() -> None:
    rows = read_measures_csv(DATA / "par7_mixed.csv")
    by_key = {(m.unit, m.period, m.key): m for m in rows}
    online = by_key[("89", "2024", "dossiers_resolved{channel=online,service_level=full}")]
    assert online.value == Decimal(1234)
    assert by_key[("89", "2024", "datacenter_fully_compliant")].value is False
    assert by_key[("89", "2024", "tthc_is_status")].value == "partial"
    assert by_key[("S03", "2024", "docs_workfiles_processed_online")].value == Decimal(790)
    assert by_key[("89", "2023", "dossiers_resolved{service_level=full}")].evidence == (
        "another period: ignored when scoring 2024"
    )


def test_declaration_evidence_columns_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "unit,period,measure,value,evidence_doc,evidence_date,evidence_link,declared_by,declared_at\n"
        "89,2024,portal_ipv6_enabled,true,Báo cáo 1/BC,2024-05-30,https://example.invalid,Sở TTTT,"
        "2025-01-08\n",
    )
    assert read_measures_csv(path) == [
        MeasureValue("89", "2024", "portal_ipv6_enabled", True, "Báo cáo 1/BC")
    ]


def test_every_problem_names_file_line_and_column() -> None:
    path = DATA / "bad_measures.csv"
    with pytest.raises(InputFileError) as caught:
        read_measures_csv(path)
    errors = caught.value.errors
    expected = [
        (2, "value", "not a whole number"),
        (3, "period", "'24' is not a year"),
        (4, "unit", "'../../etc/passwd' is not a unit code"),
        (5, "measure", "level=region is not allowed"),
        (6, "measure", "unbalanced"),
        (7, "value", "not a yes/no value"),
        (8, "value", "'complete' is not one of full, partial, none"),
        (10, "measure", "already given on line 9"),
        (11, "value", "negative"),
        (12, "value", "missing (the row has 3 fields, the header 4)"),
        (13, "measure", "did you mean 'portal_meets_requirements'?"),
    ]
    assert len(errors) == len(expected)
    for error, (line, column, message) in zip(errors, expected, strict=True):
        where = f"{path}:{line}: column {column}: "
        assert error.startswith(where), error
        assert message in error, error
    assert str(path) in str(caught.value) and "11 problem(s)" in str(caught.value)


def test_header_problems_are_reported(tmp_path: Path) -> None:
    path = write(tmp_path, "unit,period,mesure,value,note\n89,2024,units_total,1,x\n")
    with pytest.raises(InputFileError) as caught:
        read_measures_csv(path)
    assert caught.value.errors == [
        f"{path}:1: column measure: required column is missing",
        f"{path}:1: column mesure: unknown column (allowed: unit, period, measure, value, "
        "evidence, evidence_doc, evidence_date, evidence_link, declared_by, declared_at)",
        f"{path}:1: column note: unknown column (allowed: unit, period, measure, value, "
        "evidence, evidence_doc, evidence_date, evidence_link, declared_by, declared_at)",
    ]


def test_empty_file_and_hostile_unit_code(tmp_path: Path) -> None:
    with pytest.raises(InputFileError, match="empty file"):
        read_measures_csv(write(tmp_path, ""))
    hostile = write(tmp_path, 'unit,period,measure,value\n"x""; DROP TABLE t",2024,units_total,1\n')
    with pytest.raises(InputFileError, match=r"column unit: .* is not a unit code"):
        read_measures_csv(hostile)


def test_not_utf8_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "latin1.csv"
    path.write_bytes(
        "unit,period,measure,value\n89,2024,portal_ipv6_enabled,true\nChâu,2024".encode("latin-1")
    )
    with pytest.raises(InputFileError, match="not UTF-8"):
        read_measures_csv(path)


def test_quarter_and_month_periods_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "unit,period,measure,value\n89,2024-Q1,units_total,1\n89,2024-01,units_total,2\n"
        "89,2024-13,units_total,3\n",
    )
    with pytest.raises(InputFileError) as caught:
        read_measures_csv(path)
    assert caught.value.errors == [
        f"{path}:4: column period: period '2024-13' is not a year (2024), a quarter (2024-Q1) "
        "or a month (2024-01)"
    ]


def test_org_units_are_read() -> None:
    units = read_org_units_csv(DATA / "org_units.csv")
    assert units[0] == OrgUnit("89", "Tỉnh An Giang", "province", None)
    assert (
        OrgUnit(
            "H01.P02", "Phòng Tài chính - Kế hoạch thành phố Long Xuyên", "district_office", "H01"
        )
        in units
    )


def test_org_unit_problems_name_file_line_and_column() -> None:
    path = DATA / "bad_org_units.csv"
    with pytest.raises(InputFileError) as caught:
        read_org_units_csv(path)
    assert caught.value.errors == [
        f"{path}:4: column code: S01 is already listed on line 3",
        f"{path}:5: column name: empty name",
        f"{path}:5: column level: 'agency' is not one of province, department, district, "
        "district_office, commune",
        f"{path}:6: column parent: 'H99' is not a code in this file",
        f"{path}:7: column parent: the parent chain of L1 loops",
        f"{path}:8: column parent: the parent chain of L2 loops",
    ]


def test_default_org_units_is_the_province() -> None:
    assert default_org_units() == [OrgUnit("89", "Tỉnh An Giang", "province", None)]


def test_score_a_file_without_org_units_asks_for_them() -> None:
    rows = {
        r.criterion: r for r in score_measures_file("par7-2024", "2024", DATA / "par7_perfect.csv")
    }
    assert rows["7.2.1.a"].status == Status.MISSING_INPUT
    assert "org-units file" in rows["7.2.1.a"].detail
    assert rows["7.1"].points == Decimal("3.50") and rows["7"].status == Status.INCOMPLETE
    assert rows["7"].points == Decimal("12.00")


def test_score_a_file_with_org_units() -> None:
    rows = score_measures_file(
        "par7-2024", "2024", DATA / "par7_perfect.csv", DATA / "org_units.csv"
    )
    root = next(r for r in rows if r.criterion == "7")
    assert (root.points, root.status) == (Decimal("12.50"), Status.SCORED)


def test_an_unquoted_comma_is_an_extra_field(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "unit,period,measure,value\n89,2024,dossiers_resolved{level=province,channel=online},5\n",
    )
    with pytest.raises(InputFileError) as caught:
        read_measures_csv(path)
    assert caught.value.errors == [
        f"{path}:2: column #5: extra field (the row has 5 fields, the header 4; "
        "quote values that hold commas)"
    ]


def test_a_missing_file_is_reported(tmp_path: Path) -> None:
    path = tmp_path / "nowhere.csv"
    with pytest.raises(InputFileError) as caught:
        read_measures_csv(path)
    assert caught.value.errors == [f"{path}: cannot open: No such file or directory"]
