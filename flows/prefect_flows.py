"""Prefect flows: thin compositions of tasks; each task calls one plain function.

Tasks receive settings (plain data) and ids, never a DuckDB connection: each opens the
warehouse itself, so the single-writer lock is held only while it writes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from pathlib import Path

from prefect import flow, get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.build import BUILD, BuildResult, build_period
from flows.collect import CollectRequest, EndpointSummary, PageHook, collect_source, resolve_sources
from flows.nightly import NightlyResult, NightlySteps, run_nightly
from flows.settings import Settings, load_settings, with_base_url
from reports.quality import QualityResult, run_quality_checkpoint
from transforms.periods import parse_period
from warehouse.connection import open_writer, run_lock
from warehouse.ledger import RunStatus, finish_run, start_run
from warehouse.publish import publish_snapshot
from warehouse.revisions import Revision


def new_run_id(flow_name: str) -> str:
    """A readable, unique run id: flow, local time, random suffix."""
    return f"{flow_name}-{datetime.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:6]}"


def resolve_settings(config: str | None, base_url: str | None) -> Settings:
    """Settings from a config file, optionally pointed at one simulator."""
    settings = load_settings(Path(config) if config else None)
    return with_base_url(settings, base_url) if base_url else settings


@task(name="collect-source", cache_policy=NO_CACHE)
def collect_source_task(
    settings: Settings,
    source: str,
    request: CollectRequest,
    run_id: str,
    on_page: PageHook | None = None,
    entities: frozenset[str] | None = None,
) -> list[EndpointSummary]:
    summaries = collect_source(settings, source, request, run_id, on_page, entities)
    logger = get_run_logger()
    for s in summaries:
        logger.info(
            "%s %s: %s, %d fetched, %d loaded, %d quarantined",
            s.source,
            s.entity,
            s.status,
            s.rows_fetched,
            s.rows_loaded,
            s.rows_rejected,
        )
    return summaries


@task(name="build-period", cache_policy=NO_CACHE)
def build_period_task(
    settings: Settings,
    period: str,
    run_id: str,
    declarations_dir: Path,
    revision: Revision = BUILD,
) -> BuildResult:
    with open_writer(settings.warehouse.path) as con:
        return build_period(
            con, period, settings.collect.province_code, declarations_dir, run_id,
            revision=revision,
        )  # fmt: skip


@task(name="quality-checkpoint", cache_policy=NO_CACHE)
def quality_task(settings: Settings, periods: Sequence[str]) -> QualityResult:
    """The Great Expectations checkpoint on the marts of the periods just built (those
    before were checked when they were built); Data Docs beside the published snapshot."""
    return run_quality_checkpoint(
        settings.warehouse.path, settings.warehouse.snapshot_path.parent / "quality", periods
    )


@task(name="publish-snapshot", cache_policy=NO_CACHE)
def publish_task(settings: Settings) -> Path:
    return publish_snapshot(settings.warehouse.path, None, settings.warehouse.snapshot_path)


def collect_all(
    settings: Settings,
    source: str | None,
    request: CollectRequest,
    run_id: str,
    on_page: PageHook | None,
) -> list[EndpointSummary]:
    """Collect one source (or all, in order) with the collect task; every summary."""
    summaries: list[EndpointSummary] = []
    for name in resolve_sources(source):
        summaries.extend(collect_source_task(settings, name, request, run_id, on_page))
    return summaries


def record_run(settings: Settings, run_id: str, flow_name: str, params: dict[str, object]) -> None:
    """Record a flow run as started in ``meta.run`` (its own short write)."""
    with open_writer(settings.warehouse.path) as con:
        start_run(con, run_id, flow_name, params)


def finish_run_record(settings: Settings, run_id: str, status: RunStatus, message: str) -> None:
    """Record how a flow run ended in ``meta.run``."""
    with open_writer(settings.warehouse.path) as con:
        finish_run(con, run_id, status, message)


@flow(name="collect")
def collect_flow(
    source: str | None = None,
    period: str | None = None,
    since: datetime | None = None,
    config: str | None = None,
    base_url: str | None = None,
    on_page: PageHook | None = None,
) -> list[EndpointSummary]:
    """Collect one source (or all) for a period, since a date, or since the watermarks."""
    settings = resolve_settings(config, base_url)
    request = CollectRequest(parse_period(period) if period else None, since)
    run_id = new_run_id("collect")
    with run_lock(settings.warehouse.path):
        record_run(settings, run_id, "collect", {"source": source, "period": period})
        summaries = collect_all(settings, source, request, run_id, on_page)
        failed = [s for s in summaries if s.status != "completed"]
        message = "; ".join(f"{s.source}/{s.entity}: {s.message}" for s in failed)
        finish_run_record(settings, run_id, "failed" if failed else "completed", message)
    return summaries


@flow(name="build")
def build_flow(
    period: str, config: str | None = None, declarations_dir: str | None = None
) -> BuildResult:
    """Measures and scores for one period."""
    settings = resolve_settings(config, None)
    run_id = new_run_id("build")
    declarations = Path(declarations_dir) if declarations_dir else settings.declarations.dir
    with run_lock(settings.warehouse.path):
        record_run(settings, run_id, "build", {"period": period})
        result = build_period_task(settings, parse_period(period).label, run_id, declarations)
        finish_run_record(settings, run_id, "completed", "")
    return result


def default_periods(now: datetime) -> list[str]:
    """What a night rebuilds: the year so far, last month (the one NQ17 reports on) and
    this month."""
    last_month = (now.replace(day=1) - timedelta(days=1)).strftime("%Y-%m")
    return list(dict.fromkeys([str(now.year), last_month, now.strftime("%Y-%m")]))


@flow(name="nightly")
def nightly_flow(
    periods: list[str] | None = None,
    config: str | None = None,
    base_url: str | None = None,
    declarations_dir: str | None = None,
    on_page: PageHook | None = None,
) -> NightlyResult:
    """Collect everything incrementally, validate, load, build each period, publish.

    Publication is withheld when any endpoint failed or was rejected: analysts keep the
    last good snapshot and the result says why. A second run on the same warehouse
    stops at once (WarehouseBusy) instead of interleaving with this one.
    """
    settings = resolve_settings(config, base_url)
    run_id = new_run_id("nightly")
    labels = [parse_period(p).label for p in (periods or default_periods(datetime.now()))]
    declarations = Path(declarations_dir) if declarations_dir else settings.declarations.dir
    steps = NightlySteps(
        start_run=record_run,
        collect_source=collect_source_task,
        build_period=build_period_task,
        check_quality=quality_task,
        publish=publish_task,
        finish_run=finish_run_record,
    )
    return run_nightly(settings, run_id, labels, declarations, steps, get_run_logger(), on_page)


def nightly_deployment(settings: Settings) -> RunnerDeployment:
    """The nightly deployment: cron in the province's time zone (01:30 Asia/Ho_Chi_Minh)."""
    deployment = nightly_flow.to_deployment(
        name="nightly",
        schedules=[Cron(settings.schedule.nightly_cron, timezone=settings.schedule.timezone)],
        description="Collect every source incrementally, build and score, publish the snapshot.",
        tags=["chiso"],
    )
    assert isinstance(deployment, RunnerDeployment)  # to_deployment is sync outside a loop
    return deployment
