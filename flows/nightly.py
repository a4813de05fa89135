"""The nightly job's sequence of steps, in one place.

`flows.prefect_flows.nightly_flow` runs it with its Prefect tasks; the benchmark
(`benchmarks.jobs`) runs it with the plain functions to measure what Prefect costs, so a
step added here is measured there too. Prefect must not be imported here: the plain run
goes without it on purpose.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from flows.build import BuildResult
from flows.collect import CollectRequest, EndpointSummary, PageHook, resolve_sources
from flows.crash_points import crash_point
from flows.settings import Settings
from reports.quality import QualityResult
from warehouse.connection import run_lock
from warehouse.ledger import RunStatus
from warehouse.revisions import NIGHTLY, Revision

log = logging.getLogger(__name__)

StartRun = Callable[[Settings, str, str, dict[str, object]], None]
"""Record a run: settings, run id, flow name, parameters."""
CollectSource = Callable[
    [Settings, str, CollectRequest, str, PageHook | None], list[EndpointSummary]
]
"""Collect one source: settings, source, request, run id, page hook."""
BuildPeriod = Callable[[Settings, str, str, Path, Revision], BuildResult]
"""Build one period: settings, period label, run id, declarations directory, revision."""
CheckQuality = Callable[[Settings, Sequence[str]], QualityResult]
"""The quality checkpoint on the marts of the periods just built."""
PublishSnapshot = Callable[[Settings], Path]
"""Publish the read-only snapshot; its path."""
FinishRun = Callable[[Settings, str, RunStatus, str], None]
"""Record how a run ended: settings, run id, status, message."""


@dataclass
class NightlyResult:
    """What a nightly run did, for the CLI and the Prefect UI."""

    run_id: str
    collected: list[EndpointSummary] = field(default_factory=list)
    built: list[BuildResult] = field(default_factory=list)
    snapshot: Path | None = None
    problems: list[str] = field(default_factory=list)
    quality: QualityResult | None = None

    @property
    def published(self) -> bool:
        return self.snapshot is not None


@dataclass(frozen=True)
class NightlySteps:
    """How a night does each step: Prefect tasks in the flow, plain functions in the
    benchmark."""

    start_run: StartRun
    collect_source: CollectSource
    build_period: BuildPeriod
    check_quality: CheckQuality
    publish: PublishSnapshot
    finish_run: FinishRun


def _collect_problems(summaries: Sequence[EndpointSummary]) -> list[str]:
    """One line per endpoint that did not complete."""
    return [
        f"{s.source}/{s.entity} {s.status}: {s.message}"
        for s in summaries
        if s.status != "completed"
    ]


def run_nightly(
    settings: Settings,
    run_id: str,
    periods: Sequence[str],
    declarations_dir: Path,
    steps: NightlySteps,
    logger: logging.Logger | logging.LoggerAdapter[logging.Logger] = log,
    on_page: PageHook | None = None,
) -> NightlyResult:
    """Under the run lock: record the run, collect every source from its watermarks,
    build each period, run the quality checkpoint, publish unless something failed,
    record how the run ended.

    Publication is withheld when any endpoint did not complete or the checkpoint
    failed: analysts keep the last good snapshot and the result says why.
    """
    with run_lock(settings.warehouse.path):
        steps.start_run(settings, run_id, "nightly", {"periods": list(periods)})
        result = NightlyResult(run_id)
        for source in resolve_sources(None):
            result.collected += steps.collect_source(
                settings, source, CollectRequest(), run_id, on_page
            )
        result.problems = _collect_problems(result.collected)
        for period in periods:
            result.built.append(
                steps.build_period(settings, period, run_id, declarations_dir, NIGHTLY)
            )
        result.quality = steps.check_quality(settings, periods)
        # A mart that breaks its contracts is not published: analysts keep the last good one.
        result.problems += [f"data quality: {line}" for line in result.quality.failed]
        if result.problems:
            logger.error("not published: %s", "; ".join(result.problems))
        else:
            crash_point("after-commit-before-publish")
            result.snapshot = steps.publish(settings)
        message = "" if result.published else "not published: " + "; ".join(result.problems)
        steps.finish_run(settings, run_id, "completed" if result.published else "failed", message)
    return result
