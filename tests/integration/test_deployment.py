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


def test_rerun_is_a_parameterised_deployment_started_on_demand() -> None:
    from flows.dispute_flows import rerun_deployment

    deployment = rerun_deployment()
    assert deployment.name == "rerun"
    assert not deployment.schedules
    from prefect.utilities.callables import parameter_schema

    from flows.dispute_flows import rerun_flow

    schema = parameter_schema(rerun_flow.fn)
    assert set(schema.required or []) == {"framework", "criterion", "unit", "period", "reason"}
    assert deployment.flow_name == "rerun"
