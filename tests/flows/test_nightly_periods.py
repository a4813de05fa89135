"""The periods a night rebuilds when none are given."""

from __future__ import annotations

from datetime import datetime

from flows.prefect_flows import default_periods


def test_a_night_rebuilds_the_year_last_month_and_this_month() -> None:
    assert default_periods(datetime(2026, 11, 23, 1, 30)) == ["2026", "2026-10", "2026-11"]


def test_in_january_last_month_is_in_the_previous_year() -> None:
    assert default_periods(datetime(2027, 1, 2, 1, 30)) == ["2027", "2026-12", "2027-01"]
