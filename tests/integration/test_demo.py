"""`chiso demo` end to end (its default scale): every framework scored for the synthetic
province.

PAR7, DTI and ITA for 2024 and NQ17 for each month of 2024, with no criterion left
without its inputs, ranks in `marts.ranking`, and one row per unit in the analysts'
view.
"""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from flows.cli import app
from scoring.framework import list_frameworks


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    workdir = tmp_path_factory.mktemp("demo")
    result = CliRunner().invoke(
        app, ["demo", "--workdir", str(workdir)], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result.output, workdir / "published" / "chiso.duckdb"


def _query(snapshot: Path, sql: str) -> list[tuple[object, ...]]:
    with duckdb.connect(str(snapshot), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_every_framework_is_scored_with_no_input_missing(demo: tuple[str, Path]) -> None:
    _, snapshot = demo
    scored = _query(snapshot, "SELECT DISTINCT framework FROM marts.score ORDER BY 1")
    assert [f for (f,) in scored] == list_frameworks()
    missing = _query(
        snapshot,
        "SELECT framework, unit_code, period, criterion FROM marts.score "
        "WHERE status IN ('missing_input', 'incomplete') LIMIT 5",
    )
    assert missing == []


def test_nq17_is_scored_for_each_month_with_rate_target_and_met(demo: tuple[str, Path]) -> None:
    _, snapshot = demo
    months = _query(
        snapshot,
        "SELECT period, count(*), count(met), count(target) FROM marts.score "
        "WHERE framework = 'nq17' AND method = 'target_met' GROUP BY period ORDER BY period",
    )
    assert [m[0] for m in months] == [f"2024-{m:02d}" for m in range(1, 13)]
    assert all(row[1:] == (22, 22, 22) for row in months)


def test_the_analysts_view_has_one_row_per_unit_with_total_rank_and_band(
    demo: tuple[str, Path],
) -> None:
    _, snapshot = demo
    per_framework = dict(
        _query(
            snapshot,
            "SELECT framework, count(*) FROM marts.unit_standing "
            "WHERE period = '2024' GROUP BY framework",
        )
    )
    units = dict(
        _query(
            snapshot,
            "SELECT unit_level, count(DISTINCT unit_code) FROM marts.org_unit "
            "WHERE valid_to IS NULL GROUP BY unit_level",
        )
    )
    assert per_framework["dti-2024-dept"] == units["department"]
    assert per_framework["dti-2024-dist"] == units["district"]
    assert per_framework["ita-2018-com"] >= units["commune"] - 5  # merged communes
    ranks = _query(
        snapshot,
        "SELECT rank, total_points FROM marts.unit_standing "
        "WHERE framework = 'dti-2024-dept' ORDER BY rank, unit_code",
    )
    assert ranks[0][0] == 1
    for (rank_a, points_a), (rank_b, points_b) in pairwise(ranks):
        assert points_a >= points_b
        assert (rank_a == rank_b) == (points_a == points_b)
    levels = _query(
        snapshot,
        "SELECT DISTINCT band FROM marts.unit_standing WHERE framework = 'ita-2018-com'",
    )
    assert {b for (b,) in levels} <= {"Mức I", "Mức II", "Mức III", "Mức IV", "Không xếp hạng"}
    bands = _query(
        snapshot,
        "SELECT category_bands FROM marts.unit_standing WHERE framework = 'ita-2018-dept'",
    )
    assert all('"dept.I"' in str(b) for (b,) in bands)


def test_the_demo_prints_a_summary_of_each_framework(demo: tuple[str, Path]) -> None:
    output, _ = demo
    for framework in list_frameworks():
        assert framework in output.replace("NQ17 — ", "nq17 — ") or framework == "nq17"
    assert "NQ17" in output and "2024-12" in output
    assert "top" in output and "bottom" in output


def test_the_demo_writes_the_tables_the_scorecard_and_the_quality_report(
    demo: tuple[str, Path],
) -> None:
    output, snapshot = demo
    reports = snapshot.parent.parent / "reports"
    workbooks = sorted(p.name for p in (reports / "tables").glob("*.xlsx"))
    for framework in list_frameworks():
        assert any(name.startswith(framework) for name in workbooks), framework
    page = reports / "scorecard-2024.html"
    assert page.is_file() and "<script" in page.read_text(encoding="utf-8")
    assert (snapshot.parent / "quality" / "index.html").is_file()
    assert "Data quality checkpoint passed" in output
    assert str(page) in output.replace("\n", "")
