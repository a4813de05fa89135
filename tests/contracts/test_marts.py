"""Mart contracts: computed rows that break them stop the write with the row named."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest

from contracts.marts import MartContractError, validate_marts_measure, validate_marts_score

NOW = datetime(2025, 1, 8, 2, 0)


def measure(**changes: Any) -> dict[str, Any]:
    return {
        "unit_code": "89",
        "period": "2024",
        "measure_key": "dossiers_received",
        "measure_name": "dossiers_received",
        "value_num": Decimal(700000),
        "value_text": None,
        "value_type": "count",
        "origin": "collected",
        "transform": "measures.yaml:dossiers_received",
        "load_ids": [1, 2],
        "record_count": 700000,
        "evidence": None,
        "declared_by": None,
        "computed_at": NOW,
        "run_id": "run-1",
        **changes,
    }


def score(**changes: Any) -> dict[str, Any]:
    return {
        "framework": "par7-2024",
        "framework_version": "2024.1",
        "unit_code": "89",
        "period": "2024",
        "criterion": "7.3.6",
        "parent": "7.3",
        "name_vi": "Tỷ lệ hồ sơ trực tuyến toàn trình",
        "name_en": "Share of full-online dossiers",
        "method": "ratio",
        "max_points": Decimal("1.00"),
        "points": Decimal("0.75"),
        "status": "scored",
        "rate": Decimal("0.75"),
        "numerator": Decimal(3),
        "denominator": Decimal(4),
        "inputs": "{}",
        "detail": "",
        "run_id": "run-1",
        "computed_at": NOW,
        **changes,
    }


def test_valid_measures_come_back_unchanged() -> None:
    frame = pd.DataFrame(
        [
            measure(),
            measure(
                measure_key="x",
                value_num=None,
                value_text="true",
                value_type="boolean",
                origin="declared",
            ),
        ]
    )

    checked = validate_marts_measure(frame)

    assert checked is frame
    assert checked.loc[0, "value_num"] == Decimal(700000)


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"value_num": Decimal(-1)}, "row 0: value_num: -1 < 0 for a count"),
        (
            {"origin": "guessed"},
            "row 0: origin: 'guessed' is not one of collected, declared, override",
        ),
        ({"period": "2024-13"}, "row 0: period: '2024-13' is not a period"),
        ({"unit_code": None}, "row 0: unit_code: missing"),
        ({"record_count": -3}, "row 0: record_count: -3 is not a count ≥ 0"),
        ({"value_num": "N/A", "value_type": "number"}, "row 0: value_num: 'N/A' is not a number"),
    ],
)
def test_a_bad_measure_row_is_named(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(MartContractError) as caught:
        validate_marts_measure(pd.DataFrame([measure(**changes)]))

    assert reason in str(caught.value)
    assert "source field" not in str(caught.value)
    assert caught.value.table == "marts.measure"


def test_a_measure_frame_missing_a_column_is_refused() -> None:
    frame = pd.DataFrame([measure()]).drop(columns=["origin"])

    with pytest.raises(MartContractError, match="origin: column absent"):
        validate_marts_measure(frame)


def test_valid_scores_pass() -> None:
    frame = pd.DataFrame(
        [score(), score(criterion="7.3.7", points=None, status="missing_input", rate=None)]
    )

    assert validate_marts_score(frame) is frame


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"points": Decimal("1.5")}, "points 1.5 exceed max_points 1"),
        ({"points": None}, "points: missing although status is scored"),
        ({"status": "not_applicable"}, "points given although status is not_applicable"),
        ({"status": "done"}, "status: 'done' is not one of scored"),
        ({"denominator": Decimal(-4)}, "denominator: -4 is not a number ≥ 0"),
    ],
)
def test_a_bad_score_row_is_named(changes: dict[str, Any], reason: str) -> None:
    with pytest.raises(MartContractError, match=None) as caught:
        validate_marts_score(pd.DataFrame([score(), score(criterion="7.3.7", **changes)]))

    assert f"row 1: {reason}" in str(caught.value)
    assert list(caught.value.reasons.index) == [1]
