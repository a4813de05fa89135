"""Declared facts: validated whole, every problem named by file, line and column."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest

from flows.declarations import declared_measure_rows, read_declarations
from flows.measures_file import InputFileError

HEADER = (
    "unit,period,measure,value,evidence_doc,evidence_date,evidence_link,declared_by,declared_at\n"
)
DEMO = Path(__file__).resolve().parents[2] / "declarations" / "demo" / "89_2024.csv"


def write(tmp_path: Path, *lines: str) -> Path:
    path = tmp_path / "decl.csv"
    path.write_text(HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def test_the_demo_declarations_load_with_their_evidence() -> None:
    measures, evidence = read_declarations(DEMO, ["89"])
    by_key = {m.key: (m.value, e) for m, e in zip(measures, evidence, strict=True)}
    assert by_key["tthc_is_status"][0] == "full"
    assert by_key["egov_architecture_maintained"][0] is True
    assert by_key["tthc_is_status"][1]["evidence_doc"].startswith("Quyết định 1560/QĐ-UBND")


def test_an_unknown_unit_and_a_collected_measure_are_refused_by_line(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "89,2024,portal_ipv6_enabled,true,BC 1,2024-01-01,,Sở TTTT,2025-01-08",
        "999,2024,portal_ipv6_enabled,true,BC 2,2024-01-01,,Sở TTTT,2025-01-08",
        "89,2024,dvc_fullonline_provided,50,BC 3,2024-01-01,,Sở TTTT,2025-01-08",
    )
    with pytest.raises(InputFileError) as refused:
        read_declarations(path, ["89"])
    message = str(refused.value)
    assert f"{path}:3: column unit: '999'" in message
    assert f"{path}:4: column measure: dvc_fullonline_provided is collected from TTHC" in message


def test_a_bad_file_loads_nothing(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "89,2024,portal_ipv6_enabled,true,BC 1,2024-01-01,,Sở TTTT,2025-01-08",
        "89,2024-13,tthc_is_status,maybe,BC 2,2024-01-01,,Sở TTTT,2025-01-08",
    )
    with pytest.raises(InputFileError) as refused:
        declared_measure_rows([path], "2024", ["89"], run_id="r")
    assert "decl.csv:3: column period" in str(refused.value)


DEPARTMENT = "000.02.00.H01"


def test_a_share_declared_as_a_percentage_number_is_refused_by_line_and_column(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        f"{DEPARTMENT},2024,dept_web_news,0.45,BC 1,2024-01-01,,Sở TTTT,2025-01-08",
        f"{DEPARTMENT},2024,dept_web_intro_general,45,BC 2,2024-01-01,,Sở TTTT,2025-01-08",
        f"{DEPARTMENT},2024,dept_web_qa_completeness,-0.1,BC 3,2024-01-01,,Sở TTTT,2025-01-08",
    )
    with pytest.raises(InputFileError) as refused:
        read_declarations(path, [DEPARTMENT])
    assert refused.value.errors == [
        f"{path}:3: column value: dept_web_intro_general is a share: 45 is above 100% "
        "(write a share as a fraction, 0.45 for 45%)",
        f"{path}:4: column value: dept_web_qa_completeness is a share: -0.1 is below 0%",
    ]


def test_a_share_as_a_fraction_and_a_number_above_1_are_accepted(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f"{DEPARTMENT},2024,dept_web_news,0.45,BC 1,2024-01-01,,Sở TTTT,2025-01-08",
        f"{DEPARTMENT},2024,dept_web_intro_general,1,BC 2,2024-01-01,,Sở TTTT,2025-01-08",
        f"{DEPARTMENT},2024,dept_bw_ftth_mbps,45,BC 3,2024-01-01,,Sở TTTT,2025-01-08",
    )
    measures, _ = read_declarations(path, [DEPARTMENT])
    assert {m.key: m.value for m in measures} == {
        "dept_web_news": Decimal("0.45"),
        "dept_web_intro_general": Decimal(1),
        "dept_bw_ftth_mbps": Decimal(45),
    }
    rows = declared_measure_rows([path], "2024", [DEPARTMENT], run_id="r")
    types = dict(zip(rows["measure_key"], rows["value_type"], strict=True))
    assert types == {
        "dept_web_news": "share",
        "dept_web_intro_general": "share",
        "dept_bw_ftth_mbps": "number",
    }
