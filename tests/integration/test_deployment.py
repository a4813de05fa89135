"""The nightly deployment's schedule: 01:30 every day, Asia/Ho_Chi_Minh."""

from __future__ import annotations

from flows.prefect_flows import nightly_deployment
from flows.settings import load_settings


def test_nightly_runs_at_0130_in_ho_chi_minh_time() -> None:
    deployment = nightly_deployment(load_settings())
    [schedule] = deployment.schedules
    assert schedule.schedule.cron == "30 1 * * *"
    assert schedule.schedule.timezone == "Asia/Ho_Chi_Minh"
    assert deployment.name == "nightly"
