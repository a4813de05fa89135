"""The operators' flows: re-run one disputed indicator, override a value, backfill.

Each takes the run lock for its whole length (like the nightly run), records its run,
rebuilds what it changed with a `Revision` saying why, and publishes the snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

import duckdb
import pandas as pd
from prefect import flow
from prefect.deployments.runner import RunnerDeployment

from flows.build import BuildResult
from flows.collect import CollectRequest, EndpointSummary, PageHook
from flows.overrides import (
    Override,
    OverrideError,
    known_unit,
    required_text,
    set_override,
    withdraw_override,
)
from flows.prefect_flows import (
    build_period_task,
    collect_all,
    collect_source_task,
    finish_run_record,
    new_run_id,
    publish_task,
    quality_task,
    record_run,
    resolve_settings,
)
from flows.rerun import RerunError, RerunPlan, find_framework, plan_rerun
from flows.settings import Settings
from flows.units import UnitError, scored_unit
from scoring.catalogue import CatalogueError, load_catalogue
from transforms.periods import parse_period, period_range
from warehouse.connection import (
    WarehouseBusy,
    existing_warehouse,
    open_reader,
    open_writer,
    run_lock,
)
from warehouse.ledger import RunStatus
from warehouse.revisions import Revision


@dataclass
class DisputeResult:
    """What an operator's flow did: what it fetched, rebuilt, revised and published."""

    run_id: str
    collected: list[EndpointSummary] = field(default_factory=list)
    built: list[BuildResult] = field(default_factory=list)
    revisions: pd.DataFrame = field(default_factory=pd.DataFrame)
    snapshot: Path | None = None
    problems: list[str] = field(default_factory=list)
    plan: RerunPlan | None = None
    override: Override | None = None


def _revisions_of(settings: Settings, run_id: str) -> pd.DataFrame:
    with open_reader(settings.warehouse.path) as con:
        return con.execute(
            "SELECT framework, unit_code, period, criterion, points_before, points_after, "
            "status_before, status_after, cause, reason, operator FROM marts.score_revision "
            "WHERE run_id = $r ORDER BY framework, unit_code, criterion",
            {"r": run_id},
        ).df()


def read_warehouse(settings: Settings) -> duckdb.DuckDBPyConnection:
    """The existing warehouse opened read-only (the caller closes it)."""
    path = existing_warehouse(settings.warehouse.path)
    try:
        return open_reader(path)
    except duckdb.IOException:
        # DuckDB lets no reader in while another process writes the file.
        raise WarehouseBusy(
            f"another chiso process is writing the warehouse {path}: try again when it is done"
        ) from None


def check_unit(settings: Settings, framework_id: str, unit: str, period: str) -> tuple[str, str]:
    """(name, level) of a unit the framework scores in the period's org tree; RerunError
    otherwise (flows/units.py scored_unit)."""
    framework = find_framework(framework_id)
    checked = parse_period(period)
    with read_warehouse(settings) as con:
        try:
            return scored_unit(con, framework, unit, checked)
        except UnitError as exc:
            raise RerunError(str(exc)) from None


def check_rerun(
    settings: Settings, framework: str, criterion: str, unit: str, period: str
) -> tuple[RerunPlan, str]:
    """What a rerun re-collects and the period's label, or the error naming what is
    wrong (RerunError, PeriodError, WarehouseMissing); called before the flow starts."""
    plan = plan_rerun(framework, criterion)
    label = parse_period(period).label
    check_unit(settings, framework, unit, label)
    return plan, label


def check_override(
    settings: Settings, *, measure: str, unit: str, period: str, value: str, evidence: str,
    reason: str, operator: str,
) -> None:  # fmt: skip
    """Refuse an override set_override would refuse, without writing anything: the
    measure and value, the period, the texts, then the unit in the existing warehouse."""
    catalogue = load_catalogue()
    try:
        catalogue.coerce(str(catalogue.validate_key(measure)), value)
    except CatalogueError as exc:
        raise OverrideError(str(exc)) from None
    parse_period(period)
    for text, what in ((evidence, "evidence"), (reason, "a reason"), (operator, "an operator")):
        required_text(text, what)
    with read_warehouse(settings) as con:
        known_unit(con, unit)


def _outcome(result: DisputeResult) -> tuple[RunStatus, str]:
    """The run's status and message for the ledger."""
    return ("failed" if result.problems else "completed"), "; ".join(result.problems)


def _failed(summaries: list[EndpointSummary]) -> list[str]:
    return [f"{s.source}/{s.entity} {s.status}: {s.message}" for s in summaries
            if s.status != "completed"]  # fmt: skip


@flow(name="rerun")
def rerun_flow(
    framework: str,
    criterion: str,
    unit: str,
    period: str,
    reason: str,
    operator: str = "operator",
    config: str | None = None,
    base_url: str | None = None,
    on_page: PageHook | None = None,
) -> DisputeResult:
    """Re-collect only the endpoints that feed one criterion for a period, rebuild the
    period and record what changed (a rerun that changes nothing records nothing)."""
    settings = resolve_settings(config, base_url)
    revision = Revision("rerun", f"{framework} {criterion} {unit}: {reason}", operator)
    plan, label = check_rerun(settings, framework, criterion, unit, period)
    run_id = new_run_id("rerun")
    result = DisputeResult(run_id, plan=plan)
    with run_lock(settings.warehouse.path):
        record_run(settings, run_id, "rerun", {
            "framework": framework, "criterion": criterion, "unit": unit, "period": label,
            "reason": reason, "operator": operator,
        })  # fmt: skip
        request = CollectRequest(parse_period(label))
        for source in dict.fromkeys(s for s, _ in plan.endpoints):
            entities = frozenset(e for s, e in plan.endpoints if s == source)
            result.collected.extend(
                collect_source_task(settings, source, request, run_id, on_page, entities)
            )
        result.problems = _failed(result.collected)
        if not result.problems:
            declarations = settings.declarations.dir
            result.built.append(build_period_task(settings, label, run_id, declarations, revision))
            _publish_if_good(settings, [label], result)
        finish_run_record(
            settings,
            run_id,
            "failed" if result.problems else "completed",
            "; ".join(result.problems),
        )
    result.revisions = _revisions_of(settings, run_id)
    return result


def _rebuild(settings: Settings, run_id: str, period: str, revision: Revision) -> DisputeResult:
    result = DisputeResult(run_id)
    result.built.append(
        build_period_task(settings, period, run_id, settings.declarations.dir, revision)
    )
    _publish_if_good(settings, [period], result)
    return result


def _publish_if_good(settings: Settings, periods: list[str], result: DisputeResult) -> None:
    """Publish unless the quality checkpoint on the rebuilt periods fails: as after a
    night, analysts then keep the last good snapshot and the result says why."""
    quality = quality_task(settings, periods)
    result.problems += [f"data quality: {line}" for line in quality.failed]
    if not result.problems:
        result.snapshot = publish_task(settings)


@flow(name="override-set")
def override_set_flow(
    measure: str,
    unit: str,
    period: str,
    value: str,
    evidence: str,
    reason: str,
    operator: str = "operator",
    config: str | None = None,
) -> DisputeResult:
    """Record an override, rebuild its period (the change becomes a revision), publish."""
    settings = resolve_settings(config, None)
    existing_warehouse(settings.warehouse.path)
    run_id = new_run_id("override")
    with run_lock(settings.warehouse.path):
        record_run(
            settings,
            run_id,
            "override-set",
            {"measure": measure, "unit": unit, "period": period, "reason": reason},
        )
        with open_writer(settings.warehouse.path) as con:
            override = set_override(
                con,
                measure=measure,
                unit=unit,
                period=period,
                value=value,
                evidence=evidence,
                reason=reason,
                operator=operator,
                now=datetime.now(),
            )
        revision = Revision("override", f"override {override.override_id}: {reason}", operator)
        result = _rebuild(settings, run_id, override.period, revision)
        result.override = override
        finish_run_record(settings, run_id, *_outcome(result))
    result.revisions = _revisions_of(settings, run_id)
    return result


@flow(name="override-withdraw")
def override_withdraw_flow(
    override_id: int, reason: str, operator: str = "operator", config: str | None = None
) -> DisputeResult:
    """Withdraw an override, rebuild its period (restoring the collected or declared
    value as a revision), publish."""
    settings = resolve_settings(config, None)
    existing_warehouse(settings.warehouse.path)
    run_id = new_run_id("override")
    with run_lock(settings.warehouse.path):
        record_run(
            settings, run_id, "override-withdraw", {"override_id": override_id, "reason": reason}
        )
        with open_writer(settings.warehouse.path) as con:
            override = withdraw_override(
                con, override_id, reason=reason, operator=operator, now=datetime.now()
            )
        revision = Revision("override", f"override {override_id} withdrawn: {reason}", operator)
        result = _rebuild(settings, run_id, override.period, revision)
        result.override = override
        finish_run_record(settings, run_id, *_outcome(result))
    result.revisions = _revisions_of(settings, run_id)
    return result


def _done_steps(settings: Settings, backfill: str) -> set[str]:
    with open_reader(settings.warehouse.path) as con:
        rows = con.execute(
            "SELECT step FROM meta.backfill_step WHERE backfill = $b", {"b": backfill}
        ).fetchall()
    return {step for (step,) in rows}


def _mark(settings: Settings, backfill: str, step: str, run_id: str) -> None:
    with open_writer(settings.warehouse.path) as con:
        con.execute(
            "INSERT OR REPLACE INTO meta.backfill_step VALUES ($b, $s, $r, $t)",
            {"b": backfill, "s": step, "r": run_id, "t": datetime.now()},
        )


def _clear(settings: Settings, backfill: str) -> None:
    with open_writer(settings.warehouse.path) as con:
        con.execute("DELETE FROM meta.backfill_step WHERE backfill = $b", {"b": backfill})


@flow(name="backfill")
def backfill_flow(
    first: str,
    last: str,
    config: str | None = None,
    base_url: str | None = None,
    on_page: PageHook | None = None,
) -> DisputeResult:
    """Collect and build a range of past periods. Each step done is recorded, so a run
    interrupted midway resumes where it stopped; the end state equals one clean run."""
    settings = resolve_settings(config, base_url)
    periods = [p.label for p in period_range(first, last)]
    backfill = f"{periods[0]}..{periods[-1]}"
    revision = Revision("backfill", f"backfill {backfill}", "backfill")
    run_id = new_run_id("backfill")
    result = DisputeResult(run_id)
    with run_lock(settings.warehouse.path):
        record_run(settings, run_id, "backfill", {"first": first, "last": last})
        done = _done_steps(settings, backfill)
        if "collect" not in done:
            request = CollectRequest(parse_period(periods[0]))
            result.collected = collect_all(settings, None, request, run_id, on_page)
            result.problems = _failed(result.collected)
            if not result.problems:
                _mark(settings, backfill, "collect", run_id)
        if not result.problems:
            for label in periods:
                if f"build {label}" in done:
                    continue
                result.built.append(
                    build_period_task(settings, label, run_id, settings.declarations.dir, revision)
                )
                _mark(settings, backfill, f"build {label}", run_id)
            _publish_if_good(settings, periods, result)
            if not result.problems:
                _clear(settings, backfill)
        finish_run_record(
            settings,
            run_id,
            "failed" if result.problems else "completed",
            "; ".join(result.problems),
        )
    return result


def rerun_deployment() -> RunnerDeployment:
    """The parameterised `rerun` deployment operators start from the Prefect UI or API."""
    deployment = rerun_flow.to_deployment(
        name="rerun",
        description="Re-collect and rebuild one disputed criterion for a unit and period.",
        tags=["chiso", "dispute"],
    )
    assert isinstance(deployment, RunnerDeployment)
    return deployment
