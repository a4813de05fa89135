"""The night's sequence (`flows.nightly.run_nightly`) with fake steps: the order of the
steps, and publication withheld when an endpoint or the quality checkpoint failed."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import pytest

from flows.build import BuildResult
from flows.collect import CollectRequest, EndpointSummary, PageHook
from flows.nightly import NightlyResult, NightlySteps, run_nightly
from flows.settings import Settings, WarehouseSettings
from reports.quality import QualityResult
from warehouse.connection import WarehouseBusy, run_lock
from warehouse.ledger import RunStatus
from warehouse.revisions import NIGHTLY, Revision

PERIODS = ["2024", "2024-01"]
DECLARATIONS = Path("declarations")


class FakeNight:
    """Steps that write down what they were asked, in order."""

    def __init__(
        self,
        settings: Settings,
        failed_entity: str | None = None,
        quality_failed: Sequence[str] = (),
    ) -> None:
        self.settings = settings
        self.failed_entity = failed_entity
        self.quality_failed = list(quality_failed)
        self.events: list[tuple[object, ...]] = []

    def steps(self) -> NightlySteps:
        return NightlySteps(
            self.start_run,
            self.collect_source,
            self.build_period,
            self.check_quality,
            self.publish,
            self.finish_run,
        )

    def start_run(
        self, settings: Settings, run_id: str, flow: str, params: dict[str, object]
    ) -> None:
        self.events.append(("start", run_id, flow, params))

    def collect_source(
        self,
        settings: Settings,
        source: str,
        request: CollectRequest,
        run_id: str,
        on_page: PageHook | None,
    ) -> list[EndpointSummary]:
        # The run lock is held while the steps run: a second run would stop at once.
        with pytest.raises(WarehouseBusy), run_lock(settings.warehouse.path):
            pass
        self.events.append(("collect", source, request))
        entity = f"{source}_entity"
        status = "failed" if entity == self.failed_entity else "completed"
        message = "source down" if status == "failed" else ""
        return [EndpointSummary(source, entity, f"/{entity}", status, 3, 3, 0, 0.1, message)]

    def build_period(
        self, settings: Settings, period: str, run_id: str, declarations: Path, revision: Revision
    ) -> BuildResult:
        self.events.append(("build", period, declarations, revision))
        return BuildResult(period, 1, 0, [])

    def check_quality(self, settings: Settings, periods: Sequence[str]) -> QualityResult:
        self.events.append(("quality", list(periods)))
        failed = self.quality_failed
        return QualityResult(not failed, failed, settings.warehouse.path.parent / "docs.html")

    def publish(self, settings: Settings) -> Path:
        self.events.append(("publish",))
        return settings.warehouse.snapshot_path

    def finish_run(self, settings: Settings, run_id: str, status: RunStatus, message: str) -> None:
        self.events.append(("finish", run_id, status, message))

    def run(self) -> NightlyResult:
        logger = logging.getLogger("tests.nightly")
        return run_nightly(self.settings, "nightly-1", PERIODS, DECLARATIONS, self.steps(), logger)


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(
        warehouse=WarehouseSettings(
            path=tmp_path / "chiso.duckdb", snapshot_path=tmp_path / "published" / "chiso.duckdb"
        ),
        sources={},
    )


def test_a_good_night_runs_every_step_in_order_and_publishes(settings: Settings) -> None:
    night = FakeNight(settings)
    result = night.run()

    incremental = CollectRequest()
    assert night.events == [
        ("start", "nightly-1", "nightly", {"periods": PERIODS}),
        ("collect", "tthc", incremental),
        ("collect", "ioffice", incremental),
        ("collect", "lris", incremental),
        ("collect", "ndxp", incremental),
        ("build", "2024", DECLARATIONS, NIGHTLY),
        ("build", "2024-01", DECLARATIONS, NIGHTLY),
        ("quality", PERIODS),
        ("publish",),
        ("finish", "nightly-1", "completed", ""),
    ]
    assert result.published and result.snapshot == settings.warehouse.snapshot_path
    assert result.problems == []
    assert [b.period for b in result.built] == PERIODS
    assert len(result.collected) == 4


def test_a_failed_endpoint_withholds_publication_and_fails_the_run(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    night = FakeNight(settings, failed_entity="lris_entity")
    with caplog.at_level(logging.ERROR, logger="tests.nightly"):
        result = night.run()

    problem = "lris/lris_entity failed: source down"
    assert result.problems == [problem]
    assert not result.published
    steps = [event[0] for event in night.events]
    assert steps == ["start"] + ["collect"] * 4 + ["build"] * 2 + ["quality", "finish"]
    assert night.events[-1] == ("finish", "nightly-1", "failed", f"not published: {problem}")
    assert [r.getMessage() for r in caplog.records] == [f"not published: {problem}"]


def test_a_failed_quality_checkpoint_withholds_publication(settings: Settings) -> None:
    failed = "marts.score: expect_column_values_to_be_between (rate)"
    night = FakeNight(settings, quality_failed=[failed])
    result = night.run()

    assert result.problems == [f"data quality: {failed}"]
    assert not result.published
    assert ("publish",) not in night.events
    assert night.events[-1] == (
        "finish",
        "nightly-1",
        "failed",
        f"not published: data quality: {failed}",
    )


def test_both_kinds_of_problem_are_named_endpoints_first(settings: Settings) -> None:
    night = FakeNight(settings, failed_entity="tthc_entity", quality_failed=["marts.ranking: x"])
    result = night.run()

    assert result.problems == [
        "tthc/tthc_entity failed: source down",
        "data quality: marts.ranking: x",
    ]
    assert night.events[-1][3] == "not published: " + "; ".join(result.problems)
