"""The plain pre-check that lets clean mart rows skip pandera never lets a bad row
through: whenever it says the rows are clean, pandera finds nothing either."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import contracts.marts as marts
from contracts.marts import MartContractError, validate_marts_measure, validate_marts_score

ODD: list[Any] = [
    None, "", "x", "2024", "2024-13", "2024-Q2", "collected", "bogus", "scored",
    "missing_input", "survey", -1, 0, 1, 2.5, float("nan"), Decimal("-0.5"),
    Decimal("3"), Decimal("20"), True, "count", "number", datetime(2024, 1, 1),
]  # fmt: skip


def measure_rows(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "unit_code": ["89"] * n,
            "period": ["2024"] * n,
            "measure_key": [f"k{i}" for i in range(n)],
            "value_num": [Decimal(i) for i in range(n)],
            "value_type": ["count"] * n,
            "origin": ["collected"] * n,
            "record_count": list(range(n)),
            "computed_at": [datetime(2025, 1, 1)] * n,
        }
    )


def score_rows(n: int = 3) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "framework": ["par7-2024"] * n,
            "unit_code": ["89"] * n,
            "period": ["2024"] * n,
            "criterion": [f"7.{i}" for i in range(n)],
            "max_points": [Decimal("1.00")] * n,
            "points": [Decimal("0.50")] * n,
            "status": ["scored"] * n,
            "rate": [None] * n,
            "numerator": [None] * n,
            "denominator": [None] * n,
            "computed_at": [datetime(2025, 1, 1)] * n,
        }
    )


def pandera_finds_nothing(validate: Any, frame: pd.DataFrame) -> bool:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(marts, "_certainly_valid", lambda schema, rows: False)
        try:
            validate(frame)
        except MartContractError:
            return False
    return True


@pytest.mark.parametrize(
    ("rows", "validate", "model"),
    [
        (measure_rows, validate_marts_measure, marts.MeasureRow),
        (score_rows, validate_marts_score, marts.ScoreRow),
    ],
)
@settings(max_examples=150, deadline=None)
@given(data=st.data())
def test_clean_according_to_the_pre_check_means_clean_according_to_pandera(
    rows: Any, validate: Any, model: Any, data: st.DataObject
) -> None:
    frame = rows()
    for _ in range(data.draw(st.integers(0, 3))):
        column = data.draw(st.sampled_from(list(frame.columns)))
        row = data.draw(st.integers(0, len(frame) - 1))
        column_values = frame[column].astype(object)
        column_values.iloc[row] = data.draw(st.sampled_from(ODD))
        frame[column] = column_values
    clean = marts._certainly_valid(model.to_schema(), frame.reset_index(drop=True))
    if clean:
        assert pandera_finds_nothing(validate, frame)


def test_clean_rows_skip_pandera_and_bad_rows_are_worded_as_before() -> None:
    frame = measure_rows()
    assert marts._certainly_valid(marts.MeasureRow.to_schema(), frame)
    assert validate_marts_measure(frame) is frame
    bad = frame.astype({"value_num": object})
    bad.loc[1, "value_num"] = -1
    with pytest.raises(MartContractError, match="row 1: value_num: -1 < 0 for a count"):
        validate_marts_measure(bad)
