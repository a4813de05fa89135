"""Numbers written the Vietnamese way: `.` between thousands, `,` before decimals."""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal

import pytest

from reports.vn_format import (
    points_format,
    vn_date,
    vn_number,
    vn_percent,
    vn_quantity,
    vn_target,
)


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (Decimal("58123"), 0, "58.123"),
        (Decimal("1234567.891"), 2, "1.234.567,89"),
        (Decimal("0.125"), 2, "0,13"),  # half-up, as the published tables round
        (Decimal("12.5"), 2, "12,50"),
        (Decimal("999"), 0, "999"),
        (Decimal("-1234.5"), 1, "-1.234,5"),
    ],
)
def test_numbers(value: Decimal, decimals: int, text: str) -> None:
    assert vn_number(value, decimals) == text


def test_quantities_drop_needless_decimals() -> None:
    assert vn_quantity(Decimal("1412.000000")) == "1.412"
    assert vn_quantity(Decimal("842.5")) == "842,5"
    assert vn_quantity(Decimal("3518576000")) == "3.518.576.000"


def test_percentages_have_one_decimal_and_never_reach_a_bar_they_miss() -> None:
    assert vn_percent(Decimal(1234) / Decimal(1500)) == "82,3%"
    assert vn_percent(Decimal("0.7996")) == "80,0%"
    assert vn_percent(Decimal("0.7996"), bar=Decimal("0.80")) == "79,9%"
    assert vn_percent(Decimal("0.80"), bar=Decimal("0.80")) == "80,0%"
    assert vn_percent(Decimal("0.8049"), bar=Decimal("0.80")) == "80,5%"
    assert vn_target(Decimal("0.40")) == "40%" and vn_target(Decimal("0.875")) == "87,5%"


def test_dates_and_the_points_number_format() -> None:
    assert vn_date("2024-09-20") == "20/09/2024"
    assert vn_date(datetime(2025, 1, 8, 9, 30)) == "08/01/2025"
    assert vn_date("tháng 9/2024") == "tháng 9/2024"
    assert points_format(2) == "#,##0.00" and points_format(0) == "#,##0"
