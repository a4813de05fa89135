"""The operators' commands: rerun, override, history, backfill."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import pandas as pd
import typer
from rich.markup import escape
from rich.table import Table

from flows.cli_support import (
    ConfigOption,
    checked_settings,
    console,
    fail,
    operator_errors,
    page_progress,
    progress_hook,
)

if TYPE_CHECKING:
    from flows.dispute_flows import DisputeResult

override_app = typer.Typer(help="Correct a measure by hand, with evidence; withdraw it.")

Framework = Annotated[str, typer.Option(help="e.g. par7-2024.")]
Criterion = Annotated[str, typer.Option(help='Official id, e.g. "7.3.6".')]
Unit = Annotated[str, typer.Option(help="Org unit code, e.g. 89.")]
Period = Annotated[str, typer.Option(help="2024, 2024-Q1 or 2024-01.")]
Reason = Annotated[str, typer.Option(help="Why (recorded with the revision).")]
Operator = Annotated[str, typer.Option(help="Who (recorded with the revision).")]


def _print_revisions(revisions: pd.DataFrame, title: str) -> None:
    if revisions.empty:
        console.print(f"{title}: no score changed, so no revision was recorded.")
        return
    table = Table(title=title)
    for column in ("framework", "unit", "period", "criterion", "before", "after", "reason"):
        table.add_column(column)
    for r in revisions.itertuples():
        before = f"{r.points_before} ({r.status_before})"
        after = f"{r.points_after} ({r.status_after})"
        table.add_row(r.framework, r.unit_code, r.period, r.criterion, before, after,
                      escape(r.reason))  # fmt: skip
    console.print(table)


def rerun(
    framework: Framework,
    criterion: Criterion,
    unit: Unit,
    period: Period,
    reason: Reason,
    operator: Operator = "operator",
    config: ConfigOption = None,
) -> None:
    """Re-collect only what feeds one criterion for a period, rebuild, record revisions."""
    from flows.dispute_flows import check_rerun, rerun_flow

    settings = checked_settings(config)
    with operator_errors():
        check_rerun(settings, framework, criterion, unit, period)
    with operator_errors(), page_progress() as progress:
        result = rerun_flow(
            framework=framework, criterion=criterion, unit=unit, period=period,
            reason=reason, operator=operator, config=config, on_page=progress_hook(progress),
        )  # fmt: skip
    assert result.plan is not None
    fetched = ", ".join(f"{s}/{e}" for s, e in result.plan.endpoints) or "nothing (declared only)"
    console.print(f"Re-collected: {fetched}")
    if result.problems:
        raise fail(_not_published(result), 1)
    _print_revisions(result.revisions, f"Revisions of run {result.run_id}")


def _not_published(result: DisputeResult) -> str:
    """Why an operator's run published nothing: analysts keep the last good snapshot."""
    done = "rebuilt, not published" if result.built else "not rebuilt"
    return f"{done} (analysts keep the last good snapshot): " + "; ".join(result.problems)


@override_app.command("set")
def override_set(
    measure: Annotated[str, typer.Option(help="Measure key, e.g. apps_with_shared_data.")],
    unit: Unit,
    period: Period,
    value: Annotated[str, typer.Option(help="The corrected value (number, true/false, word).")],
    evidence: Annotated[str, typer.Option(help="The document that supports it.")],
    reason: Reason,
    operator: Operator = "operator",
    config: ConfigOption = None,
) -> None:
    """Set a value by hand; it beats collected and declared values until withdrawn."""
    from flows.dispute_flows import check_override, override_set_flow

    settings = checked_settings(config)
    with operator_errors():
        check_override(settings, measure=measure, unit=unit, period=period, value=value,
                       evidence=evidence, reason=reason, operator=operator)  # fmt: skip
    with operator_errors():
        result = override_set_flow(
            measure=measure, unit=unit, period=period, value=value, evidence=evidence,
            reason=reason, operator=operator, config=config,
        )  # fmt: skip
    assert result.override is not None
    console.print(f"Override {result.override.override_id} set: {measure} = {value}.", markup=False)
    if result.problems:
        raise fail(_not_published(result), 1)
    _print_revisions(result.revisions, "Revisions")


@override_app.command("withdraw")
def override_withdraw(
    override_id: Annotated[int, typer.Option("--id", help="The override's id.")],
    reason: Reason,
    operator: Operator = "operator",
    config: ConfigOption = None,
) -> None:
    """Withdraw an override; the collected or declared value applies again."""
    from flows.dispute_flows import override_withdraw_flow
    from warehouse.connection import existing_warehouse

    settings = checked_settings(config)
    with operator_errors():
        existing_warehouse(settings.warehouse.path)
    with operator_errors():
        result = override_withdraw_flow(
            override_id=override_id, reason=reason, operator=operator, config=config
        )
    console.print(f"Override {override_id} withdrawn.")
    if result.problems:
        raise fail(_not_published(result), 1)
    _print_revisions(result.revisions, "Revisions")


@override_app.command("list")
def override_list(config: ConfigOption = None) -> None:
    """The active overrides."""
    from flows.dispute_flows import read_warehouse
    from flows.overrides import active_overrides

    settings = checked_settings(config)
    with operator_errors(), read_warehouse(settings) as con:
        found = active_overrides(con)
    table = Table(title="Active overrides")
    for column in ("id", "unit", "period", "measure", "value", "evidence", "reason", "by"):
        table.add_column(column)
    for o in found:
        cells = (o.unit, o.period, o.measure, o.value, o.evidence, o.reason, o.operator)
        table.add_row(str(o.override_id), *(escape(cell) for cell in cells))
    console.print(table)


def history(
    framework: Framework,
    criterion: Criterion,
    unit: Unit,
    period: Period,
    as_of: Annotated[
        datetime | None, typer.Option(help="Also show the score as it stood at this time.")
    ] = None,
    config: ConfigOption = None,
) -> None:
    """Every revision of one score, and optionally its value as published at a date."""
    from flows.dispute_flows import check_unit, read_warehouse
    from flows.rerun import find_criterion
    from transforms.periods import parse_period
    from warehouse.revisions import score_history, scores_as_of

    settings = checked_settings(config)
    with operator_errors():
        find_criterion(framework, criterion)
        label = parse_period(period).label
        check_unit(settings, framework, unit, label)
        with read_warehouse(settings) as con:
            revisions = score_history(con, framework, criterion, unit, label)
            current = scores_as_of(con, framework, label, datetime.now())
            then = scores_as_of(con, framework, label, as_of) if as_of is not None else None
    table = Table(title=f"{framework} {criterion} — {unit} — {label}: revisions")
    for column in ("when", "cause", "before", "after", "reason", "by"):
        table.add_column(column)
    for r in revisions.itertuples():
        table.add_row(f"{r.revised_at:%Y-%m-%d %H:%M:%S}", r.cause,
                      f"{r.points_before} ({r.status_before})",
                      f"{r.points_after} ({r.status_after})", escape(r.reason),
                      escape(r.operator))  # fmt: skip
    console.print(table)
    console.print(f"Now: {_points_of(current, unit, criterion)}")
    if then is not None and as_of is not None:
        console.print(f"As published at {as_of:%Y-%m-%d %H:%M:%S}: "
                      f"{_points_of(then, unit, criterion)}")  # fmt: skip


def _points_of(frame: pd.DataFrame, unit: str, criterion: str) -> str:
    row = frame[(frame["unit_code"] == unit) & (frame["criterion"] == criterion)]
    if row.empty:
        return "not yet computed"
    return f"{row.iloc[0]['points']} ({row.iloc[0]['status']})"


def backfill(
    first: Annotated[str, typer.Option("--from", help="First period, e.g. 2023.")],
    last: Annotated[str, typer.Option("--to", help="Last period, e.g. 2024.")],
    config: ConfigOption = None,
) -> None:
    """Collect and build a range of past periods; rerun after an interruption to resume."""
    from flows.dispute_flows import backfill_flow
    from transforms.periods import PeriodError, period_range

    try:
        period_range(first, last)
    except PeriodError as exc:
        raise fail(str(exc)) from None
    checked_settings(config)
    with operator_errors(), page_progress() as progress:
        result = backfill_flow(first=first, last=last, config=config,
                               on_page=progress_hook(progress))  # fmt: skip
    if result.problems:
        raise fail("backfill stopped: " + "; ".join(result.problems), 1)
    built = ", ".join(b.period for b in result.built) or "nothing left to build"
    console.print(f"Built: {built}. Snapshot: {result.snapshot}")


def register(app: typer.Typer) -> None:
    """Add the operators' commands to the chiso CLI."""
    app.command()(rerun)
    app.command()(history)
    app.command()(backfill)
    app.add_typer(override_app, name="override")
