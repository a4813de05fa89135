"""`chiso score`: a measures file scored without touching any source."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from flows.cli import app

DATA = Path(__file__).resolve().parents[1] / "data" / "scoring"
runner = CliRunner()


def test_json_lists_every_node_with_decimal_string_points() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--framework",
            "par7-2024",
            "--period",
            "2024",
            "--measures",
            str(DATA / "par7_mixed.csv"),
            "--org-units",
            str(DATA / "org_units.csv"),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {r["criterion"]: r for r in json.loads(result.stdout)}
    assert {"7", "7.1", "7.2", "7.3", "7.3.6", "7.3.7.c"} <= set(rows)
    assert rows["7"]["points"] == "8.73"
    assert rows["7"]["max_points"] == "12.50"
    assert rows["7.3.2"]["status"] == "survey"
    assert all({"framework", "unit", "period", "points", "status"} <= set(r) for r in rows.values())


def test_table_output_prints_the_vietnamese_names() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--framework",
            "par7-2024",
            "--period",
            "2024",
            "--measures",
            str(DATA / "par7_perfect.csv"),
            "--org-units",
            str(DATA / "org_units.csv"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "Tỷ lệ hồ sơ trực tuyến toàn trình" in result.stdout
    assert "12.50" in result.stdout


def test_a_bad_measures_file_is_refused_naming_file_and_line() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--framework",
            "par7-2024",
            "--period",
            "2024",
            "--measures",
            str(DATA / "bad_measures.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "bad_measures.csv:" in result.output


def test_an_unknown_framework_or_hostile_name_is_refused() -> None:
    result = runner.invoke(
        app,
        [
            "score",
            "--framework",
            "par7'; drop table marts.score; --",
            "--period",
            "2024",
            "--measures",
            str(DATA / "par7_perfect.csv"),
        ],
    )
    assert result.exit_code == 2
    assert "unknown framework" in result.output
