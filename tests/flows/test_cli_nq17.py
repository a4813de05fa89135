"""`chiso score --framework nq17`: a month's measures file → rate, target and met per target."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from flows.cli import app

runner = CliRunner()

# January 2025 for the province (unit 89), worked by hand: 15 of the 22 targets met.
MEASURES_CSV = """\
unit,period,measure,value,evidence
89,2025-01,eid_auth_via_national_portal,true,synthetic: tests/flows/test_cli_nq17.py
89,2025-01,"dossiers_online{service_level=partial|full}",5000,
89,2025-01,"dossiers_processed{service_level=full|partial}",10000,
89,2025-01,dvc_integrated_national,1012,
89,2025-01,dvc_to_integrate_national,1012,
89,2025-01,dossiers_received_via_onestop,57890,
89,2025-01,dossiers_received_local,58123,
89,2025-01,dvc_fullonline_provided,845,
89,2025-01,tthc_eligible_fullonline,845,
89,2025-01,dvc_portal_mobile_ui,true,
89,2025-01,dvc_with_helpdesk,1650,
89,2025-01,tthc_province_total,1650,
89,2025-01,satisfaction_published_per_agency,true,
89,2025-01,portals_compliant_nd42,33,
89,2025-01,portals_total,34,
89,2025-01,dvc_mobile_signature_enabled,700,
89,2025-01,dvc_online_partial_full,1750,
89,2025-01,dossiers_e_result_issued,40000,
89,2025-01,dossiers_results_returned,40000,
89,2025-01,autofill_from_population_db,true,
89,2025-01,business_registry_db_connected,false,
89,2025-01,units_connected_vdxp,190,
89,2025-01,units_total,190,
89,2025-01,docs_issued_electronic,98500,
89,2025-01,docs_issued_non_secret,100000,
89,2025-01,work_files_online{level=province},9100,
89,2025-01,work_files_total{level=province},10000,
89,2025-01,work_files_online{level=district},7999,
89,2025-01,work_files_total{level=district},10000,
89,2025-01,work_files_online{level=commune},6500,
89,2025-01,work_files_total{level=commune},10000,
89,2025-01,periodic_reports_via_lris,450,
89,2025-01,periodic_reports_total,500,
89,2025-01,meeting_minutes_saved,300,
89,2025-01,meeting_minutes_baseline,1000,
89,2025-01,ubnd_using_gov_meeting_is{level=province},1,
89,2025-01,ubnd_total{level=province},1,
89,2025-01,ubnd_using_gov_meeting_is{level=district},6,
89,2025-01,ubnd_total{level=district},11,
89,2025-01,agencies_connected_tslcd,300,
89,2025-01,agencies_total,312,
"""

# criterion → (rate, target, met), as the JSON should state them.
EXPECTED = {
    "NQ17-01": ("1", "0.40", True),  # capability: true → 100%
    "NQ17-02": ("0.5", "0.50", True),  # 5000/10000, exactly at the target
    "NQ17-03": ("1", "1.00", True),
    "NQ17-04": ("0.995991", "1.00", False),  # 57890/58123
    "NQ17-05": ("1", "1.00", True),
    "NQ17-06": ("1", "1.00", True),
    "NQ17-07": ("1", "1.00", True),
    "NQ17-08": ("1", "1.00", True),
    "NQ17-09": ("0.970588", "1.00", False),  # 33/34
    "NQ17-10": ("0.4", "0.40", True),  # 700/1750
    "NQ17-11": ("1", "1.00", True),
    "NQ17-12": ("1", "0.60", True),
    "NQ17-13": ("0", "0.60", False),  # capability: false → 0%
    "NQ17-14": ("1", "1.00", True),
    "NQ17-15": ("0.985", "1.00", False),
    "NQ17-16": ("0.91", "0.90", True),
    "NQ17-17": ("0.7999", "0.80", False),  # one file short of 80%
    "NQ17-18": ("0.65", "0.65", True),
    "NQ17-19": ("0.9", "0.80", True),
    "NQ17-20": ("0.3", "0.30", True),  # the 30-50% range, met at its lower bound
    "NQ17-21": ("0.961538", "1.00", False),  # 300/312
}
MET = sum(met for _, _, met in EXPECTED.values())  # NQ17-20b (6/11 districts) is not met


@pytest.fixture
def measures_file(tmp_path: Path) -> Path:
    path = tmp_path / "nq17_2025_01.csv"
    path.write_text(MEASURES_CSV, encoding="utf-8")
    return path


def _score_json(measures: Path, period: str = "2025-01") -> dict[str, dict[str, Any]]:
    result = runner.invoke(
        app,
        [
            "score",
            "--framework",
            "nq17",
            "--period",
            period,
            "--measures",
            str(measures),
            "--format",
            "json",
        ],
    )
    assert result.exit_code == 0, result.output
    return {r["criterion"]: r for r in json.loads(result.stdout)}


def test_json_gives_rate_target_and_met_per_target(measures_file: Path) -> None:
    rows = _score_json(measures_file)
    assert len(rows) == 23  # the root and 22 target rows
    for cid, (rate, target, met) in EXPECTED.items():
        row = rows[cid]
        assert row["rate"] == rate, cid
        assert isinstance(row["target"], str), cid
        assert Decimal(row["target"]) == Decimal(target), cid
        assert row["met"] is met, cid
        assert row["points"] == ("1.00" if met else "0.00"), cid


def test_json_for_the_two_level_row(measures_file: Path) -> None:
    row = _score_json(measures_file)["NQ17-20b"]
    assert (row["met"], row["points"], row["status"]) == (False, "0.00", "scored")
    assert Decimal(row["target"]) == Decimal(1)
    assert "6/11" in row["detail"]


def test_json_root_counts_the_targets_met(measures_file: Path) -> None:
    root = _score_json(measures_file)["NQ17"]
    assert MET == 15
    assert (root["points"], root["max_points"], root["status"]) == ("15.00", "22.00", "scored")


def test_a_target_without_its_measures_is_missing_not_missed(tmp_path: Path) -> None:
    lines = [line for line in MEASURES_CSV.splitlines() if "periodic_reports_via_lris" not in line]
    path = tmp_path / "without_lris.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rows = _score_json(path)
    assert (rows["NQ17-19"]["status"], rows["NQ17-19"]["met"]) == ("missing_input", None)
    assert rows["NQ17-19"]["points"] is None
    assert (rows["NQ17"]["status"], rows["NQ17"]["points"]) == ("incomplete", "14.00")


def test_a_year_is_refused_for_the_monthly_framework(measures_file: Path) -> None:
    result = runner.invoke(
        app,
        ["score", "--framework", "nq17", "--period", "2025", "--measures", str(measures_file)],
    )
    assert result.exit_code == 2
    assert "month" in result.output
