"""Registers and catalogues: flagged on their endpoint spec, pulled whole for a period."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from connectors.endpoint import EndpointSpec
from connectors.registry import endpoint, endpoints_of
from flows.collect import CollectRequest, _pull_start
from flows.settings import SOURCES
from transforms.periods import parse_period

REGISTERS = {
    "unit",
    "procedure",
    "connected_unit",
    "report_regime",
    "data_service",
    "shared_data_app",
    "unit_procedure",
    "one_stop_unit",
    "edms_unit",
}
LOOKBACK = timedelta(days=30)


def all_specs() -> list[EndpointSpec]:
    return [spec for source in SOURCES for spec in endpoints_of(source)]


def test_exactly_the_registers_and_catalogues_are_flagged() -> None:
    assert {spec.entity for spec in all_specs() if spec.register} == REGISTERS


def test_a_spec_is_an_event_endpoint_unless_flagged() -> None:
    spec = endpoint("tthc", "dossier")
    assert spec.register is False


@pytest.mark.parametrize(
    ("source", "entity"), [("tthc", "unit"), ("tthc", "procedure"), ("ioffice", "edms_unit")]
)
def test_a_period_collection_pulls_an_incremental_register_whole(source: str, entity: str) -> None:
    spec = endpoint(source, entity)
    assert spec.is_incremental and spec.register
    request = CollectRequest(period=parse_period("2024"))
    assert _pull_start(spec, request, datetime(2024, 5, 1), LOOKBACK) is None


@pytest.mark.parametrize(
    ("source", "entity"), [("tthc", "dossier"), ("ioffice", "incoming_document")]
)
def test_a_period_collection_narrows_an_event_endpoint_to_its_start_less_lookback(
    source: str, entity: str
) -> None:
    spec = endpoint(source, entity)
    assert spec.is_incremental and not spec.register
    request = CollectRequest(period=parse_period("2024"))
    start = _pull_start(spec, request, datetime(2024, 5, 1), LOOKBACK)
    assert start == datetime(2024, 1, 1) - LOOKBACK


def test_every_register_starts_whole_and_every_incremental_event_endpoint_narrows() -> None:
    request = CollectRequest(period=parse_period("2024"))
    for spec in all_specs():
        start = _pull_start(spec, request, None, LOOKBACK)
        expected = None if spec.register or not spec.is_incremental else datetime(2023, 12, 2)
        assert start == expected, spec.entity


def test_a_watermark_collection_still_narrows_an_incremental_register() -> None:
    spec = endpoint("tthc", "unit")
    assert _pull_start(spec, CollectRequest(), datetime(2024, 5, 1), LOOKBACK) == datetime(
        2024, 4, 1
    )
