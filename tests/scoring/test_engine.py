"""Engine behaviour beyond PAR7's file: target_met, not_applicable, per-unit facts, rendering."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from scoring.engine import score_framework
from scoring.framework import Framework, read_framework
from scoring.model import MeasureValue, OrgUnit, Status
from scoring.render import TABLE_COLUMNS, dumps, rows_to_json, table_rows
from tests.scoring.support import mixed_measures, score

FRAMEWORK = """\
id: test-targets
version: "1"
name_vi: "Chỉ tiêu thử"
name_en: "Test targets"
citation: "test"
period_type: month
unit_level: province
rounding: {decimals: 2, mode: half_up, aggregate: sum_of_rounded}
criteria:
  - id: "T"
    parent: null
    name_vi: "Tổng"
    name_en: "Targets met"
    max: 3
    method: sum
  - id: "T-01"
    parent: "T"
    name_vi: "Hồ sơ trực tuyến"
    name_en: "Online dossiers"
    max: 1
    method: target_met
    params: {target: 0.50}
    measures:
      numerator: "dossiers_resolved{channel=online}"
      denominator: dossiers_resolved
  - id: "T-02"
    parent: "T"
    name_vi: "Không áp dụng khi mẫu số bằng 0"
    name_en: "Not applicable on a zero denominator"
    max: 1
    method: ratio
    params: {zero_denominator: not_applicable}
    measures:
      numerator: tthc_with_online_payment_txn
      denominator: tthc_online_payment_enabled
  - id: "T-03"
    parent: "T"
    name_vi: "Mọi sở"
    name_en: "Every department"
    max: 1
    method: threshold_all_units
    params: {form: per_unit, unit_scope: [department], required_share: 0.5}
    measures:
      fact: portal_meets_requirements
"""

UNITS = [
    OrgUnit("89", "Tỉnh An Giang", "province"),
    OrgUnit("S01", "Sở A", "department", "89"),
    OrgUnit("S02", "Sở B", "department", "89"),
    OrgUnit("S03", "Sở C", "department", "89"),
]
PERIOD = "2025-01"


@pytest.fixture
def framework(tmp_path: Path) -> Framework:
    path = tmp_path / "targets.yaml"
    path.write_text(FRAMEWORK, encoding="utf-8")
    return read_framework(path)


def measures(online: int, total: int, enabled: int, flags: tuple[bool, ...]) -> list[MeasureValue]:
    rows = [
        MeasureValue("89", PERIOD, "dossiers_resolved{channel=online}", Decimal(online)),
        MeasureValue("89", PERIOD, "dossiers_resolved", Decimal(total)),
        MeasureValue("89", PERIOD, "tthc_with_online_payment_txn", Decimal(0)),
        MeasureValue("89", PERIOD, "tthc_online_payment_enabled", Decimal(enabled)),
    ]
    units = ("S01", "S02", "S03")
    return rows + [
        MeasureValue(unit, PERIOD, "portal_meets_requirements", flag)
        for unit, flag in zip(units, flags, strict=True)
    ]


@pytest.mark.parametrize(("online", "met", "points"), [(499, False, "0.00"), (500, True, "1.00")])
def test_target_met(framework: Framework, online: int, met: bool, points: str) -> None:
    rows = score_framework(framework, PERIOD, measures(online, 1000, 10, (True,) * 3), UNITS)
    row = next(r for r in rows if r.criterion == "T-01")
    assert (row.met, row.points, row.status) == (met, Decimal(points), Status.SCORED)
    assert ("target 0.50: met" in row.detail) is met


def test_zero_denominator_where_the_framework_says_not_applicable(framework: Framework) -> None:
    rows = {
        r.criterion: r
        for r in score_framework(framework, PERIOD, measures(1, 2, 0, (True,) * 3), UNITS)
    }
    assert (rows["T-02"].status, rows["T-02"].points) == (Status.NOT_APPLICABLE, None)
    assert "does not apply" in rows["T-02"].detail
    assert (rows["T"].status, rows["T"].points) == (Status.SCORED, Decimal("2.00"))


@pytest.mark.parametrize(
    ("flags", "points"),
    [((True, False, False), "0.00"), ((True, True, False), "1.00"), ((True, True, True), "1.00")],
)
def test_per_unit_fact_share(framework: Framework, flags: tuple[bool, ...], points: str) -> None:
    rows = score_framework(framework, PERIOD, measures(1, 2, 1, flags), UNITS)
    row = next(r for r in rows if r.criterion == "T-03")
    assert row.points == Decimal(points)
    assert row.inputs["portal_meets_requirements@S01"] is True


def test_rows_come_per_unit_in_tree_order(framework: Framework) -> None:
    units = [*UNITS, OrgUnit("90", "Tỉnh khác", "province")]
    rows = score_framework(framework, PERIOD, measures(1, 2, 1, (True,) * 3), units)
    assert [(r.unit, r.criterion) for r in rows] == [
        (u, c) for u in ("89", "90") for c in ("T", "T-01", "T-02", "T-03")
    ]
    other = {r.criterion: r for r in rows if r.unit == "90"}
    assert other["T"].status == Status.MISSING_INPUT


def test_table_rows_indent_by_depth_and_show_dashes() -> None:
    rows = list(score(mixed_measures()).values())
    table = table_rows(rows)
    assert len(table[0]) == len(TABLE_COLUMNS)
    by_id = {line[1].strip(): line for line in table}
    assert (
        by_id["7"][1] == "7"
        and by_id["7.1"][1] == "  7.1"
        and by_id["7.1.2.a"][1] == "      7.1.2.a"
    )
    assert by_id["7.3.6"][3:7] == ("1.23", "1.50", "scored", "82.26%")
    assert by_id["7.3.4.b"][6] == "19.99%"  # 5999/30000 fails the 20% bar; it must not read 20.00%
    assert by_id["7.3.2"][3] == "—"
    assert table_rows(rows, language="vi")[0][2].startswith("Xây dựng")


def test_json_has_every_node_with_the_required_fields() -> None:
    rows = list(score(mixed_measures()).values())
    data = json.loads(dumps(rows))
    assert data == rows_to_json(rows)
    assert [d["criterion"] for d in data][:3] == ["7", "7.1", "7.1.1"]
    root = data[0]
    assert {
        k: root[k]
        for k in ("framework", "unit", "period", "criterion", "points", "max_points", "status")
    } == {
        "framework": "par7-2024",
        "unit": "89",
        "period": "2024",
        "criterion": "7",
        "points": "8.73",
        "max_points": "12.50",
        "status": "scored",
    }
    assert "Xây dựng" in dumps(rows)  # Vietnamese kept readable, not escaped
