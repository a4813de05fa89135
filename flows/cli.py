"""The `chiso` command line (typer + rich)."""

from __future__ import annotations

import logging
import os
from collections.abc import Sequence
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from flows.collect import EndpointSummary
from flows.declare import declare_app
from flows.dispute_cli import register as register_dispute_commands
from flows.explain import explain_command
from flows.measures_file import InputFileError
from flows.summaries import print_build, print_scorecard
from reports.cli import report_app

# The machines chiso runs on have no route to Prefect's telemetry endpoint.
os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")

app = typer.Typer(
    help="chiso: e-government indicators, collected and scored.", no_args_is_help=True
)
simulator_app = typer.Typer(help="The simulated source systems.", no_args_is_help=True)
app.add_typer(simulator_app, name="simulator")
app.add_typer(declare_app, name="declare")
app.add_typer(report_app, name="report")
register_dispute_commands(app)
app.command("explain")(explain_command)
from flows.cli_support import (  # noqa: E402 - after the telemetry switch above
    ConfigOption,
    checked_settings,
    console,
    err,
    quoted,
)
from flows.cli_support import fail as _fail  # noqa: E402
from flows.cli_support import operator_errors as _operator_errors  # noqa: E402
from flows.cli_support import page_progress as _page_progress  # noqa: E402
from flows.cli_support import progress_hook as _progress_hook  # noqa: E402


class OutputFormat(StrEnum):
    table = "table"
    json = "json"


def print_collect_summary(summaries: Sequence[EndpointSummary]) -> None:
    """One line per endpoint: rows fetched, loaded, quarantined, time, status."""
    table = Table(title="Collection", show_lines=False)
    for column in ("source", "entity", "status", "fetched", "loaded", "quarantined", "seconds"):
        table.add_column(
            column,
            justify="right"
            if column in ("fetched", "loaded", "quarantined", "seconds")
            else "left",
        )
    for s in summaries:
        style = "" if s.status == "completed" else "bold red"
        table.add_row(
            s.source,
            s.entity,
            s.status,
            f"{s.rows_fetched:,}",
            f"{s.rows_loaded:,}",
            f"{s.rows_rejected:,}",
            f"{s.seconds:.1f}",
            style=style,
        )
    console.print(table)
    for s in summaries:
        if s.message and s.status != "completed":
            err.print(f"[red]{s.source}/{s.entity}[/]: {escape(s.message)}", highlight=False)


@simulator_app.command("serve")
def simulator_serve(
    port: Annotated[int, typer.Option(help="TCP port on 127.0.0.1.")] = 8765,
    scale: Annotated[float, typer.Option(help="1.0 = a province-year (≈700k dossiers).")] = 1.0,
    seed: Annotated[int, typer.Option(help="Same seed, same province.")] = 89,
    host: Annotated[str, typer.Option(help="Interface to listen on (loopback).")] = "127.0.0.1",
) -> None:
    """Serve the four simulated source systems until Ctrl-C."""
    from simulator import serve_forever

    serve_forever(host=host, port=port, scale=scale, seed=seed)


@app.command()
def collect(
    source: Annotated[
        str | None, typer.Option(help="tthc, ioffice, lris or ndxp (default: all).")
    ] = None,
    period: Annotated[
        str | None, typer.Option(help="Records updated since this period began.")
    ] = None,
    since: Annotated[datetime | None, typer.Option(help="Records updated since this date.")] = None,
    config: ConfigOption = None,
) -> None:
    """Collect from the source systems into raw and staging."""
    from flows.collect import resolve_sources
    from flows.prefect_flows import collect_flow
    from transforms.periods import PeriodError, parse_period

    if period is not None and since is not None:
        raise _fail("give --period or --since, not both")
    try:
        resolve_sources(source)
        if period is not None:
            parse_period(period)
    except (ValueError, PeriodError) as exc:
        raise _fail(str(exc)) from None
    checked_settings(config)
    with _operator_errors(), _page_progress() as progress:
        summaries = collect_flow(
            source=source,
            period=period,
            since=since,
            config=config,
            on_page=_progress_hook(progress),
        )
    print_collect_summary(summaries)
    if any(s.status != "completed" for s in summaries):
        raise typer.Exit(1)


@app.command()
def build(
    period: Annotated[str, typer.Option(help="2024, 2024-Q1 or 2024-01.")],
    config: ConfigOption = None,
) -> None:
    """Compute measures and scores for a period."""
    from flows.prefect_flows import build_flow
    from transforms.periods import PeriodError, parse_period

    try:
        parse_period(period)
    except PeriodError as exc:
        raise _fail(str(exc)) from None
    checked_settings(config)
    with _operator_errors():
        result = build_flow(period=period, config=config)
    print_build(console, [result])


@app.command()
def run(
    period: Annotated[list[str], typer.Option(help="Periods to build (repeatable).")],
    config: ConfigOption = None,
) -> None:
    """The nightly job for given periods: collect incrementally, build, publish."""
    from flows.prefect_flows import nightly_flow
    from transforms.periods import PeriodError, parse_period

    try:
        for p in period:
            parse_period(p)
    except PeriodError as exc:
        raise _fail(str(exc)) from None
    checked_settings(config)
    with _operator_errors(), _page_progress() as progress:
        result = nightly_flow(periods=period, config=config, on_page=_progress_hook(progress))
    _report_nightly(result)


def _report_nightly(result: object) -> None:
    from flows.prefect_flows import NightlyResult

    assert isinstance(result, NightlyResult)
    print_collect_summary(result.collected)
    print_build(console, result.built)
    if result.quality is not None:
        verdict = "passed" if result.quality.success else "[bold red]FAILED[/]"
        console.print(
            f"Data quality checkpoint {verdict} "
            f"({result.quality.expectations} expectations): {result.quality.docs_index}",
            highlight=False,
        )
        for line in result.quality.failed:
            err.print(f"[red]data quality[/]: {escape(line)}", highlight=False)
    if result.snapshot is not None:
        console.print(f"Analysts' snapshot (open read-only): [bold]{result.snapshot}[/]")
    else:
        problems = escape("; ".join(result.problems))
        err.print(f"[bold red]Not published[/]: {problems}", highlight=False)
        raise typer.Exit(1)


@app.command()
def demo(
    period: Annotated[str, typer.Option(help="The year to score.")] = "2024",
    scale: Annotated[
        float | None, typer.Option(help="Simulator scale (default: the config's demo_scale).")
    ] = None,
    workdir: Annotated[Path, typer.Option(help="Where the demo warehouse goes.")] = Path(
        "var/demo"
    ),
    config: ConfigOption = None,
) -> None:
    """The whole nightly job against the simulated province: its agencies declare their
    facts, chiso collects, scores every framework for the year and its months, publishes."""
    from transforms.periods import PeriodError, parse_period

    try:
        year = parse_period(period)
    except PeriodError as exc:
        raise _fail(str(exc)) from None
    if year.period_type != "year":
        raise _fail(f"the demo scores a year, not {quoted(period)}")
    settings = checked_settings(config)
    demo_scale = scale if scale is not None else settings.simulator.demo_scale
    workdir.mkdir(parents=True, exist_ok=True)
    declarations = _demo_declarations(settings.declarations.dir, workdir)
    demo_config = _write_demo_config(workdir, declarations)
    with _operator_errors():
        result = _run_demo(year.label, demo_scale, settings.simulator.seed, demo_config)
    _report_nightly(result)
    _write_demo_reports(result, year.label, workdir)


def _write_demo_reports(result: object, year: str, workdir: Path) -> None:
    """The reports people look at and submit, from the published snapshot."""
    from flows.prefect_flows import NightlyResult
    from reports.html import quality_link, write_scorecard
    from reports.tables import report_tables
    from scoring.framework import list_frameworks, load_framework
    from transforms.periods import months_of

    assert isinstance(result, NightlyResult) and result.snapshot is not None
    out = workdir / "reports"
    tables = out / "tables"
    for framework_id in list_frameworks():
        monthly = load_framework(framework_id).period_type == "month"
        for period in [m.label for m in months_of(int(year))] if monthly else [year]:
            report_tables(result.snapshot, framework_id, period, tables)
    link = quality_link(result.quality, out) if result.quality is not None else None
    page = write_scorecard(result.snapshot, year, out, link)
    console.print(f"Official tables (.xlsx, .csv): [bold]{tables}[/]")
    console.print(f"Scorecard (open in a browser, works offline): [bold]{page}[/]")
    if result.quality is not None:
        console.print(f"Data quality report: [bold]{result.quality.docs_index}[/]")


def _demo_declarations(shipped: Path, workdir: Path) -> Path:
    """A fresh declarations directory for the demo, starting with the shipped files."""
    import shutil

    target = workdir / "declarations"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(shipped, target / "shipped")
    return target


def _run_demo(year: str, scale: float, seed: int, demo_config: Path) -> object:
    """Collect, let the synthetic agencies declare what the systems do not hold (bounded
    by the collected figures), then the nightly flow for the year and its months."""
    from flows.declarations import declaration_files
    from flows.declare import write_simulated_declarations
    from flows.prefect_flows import build_flow, collect_flow, nightly_flow, resolve_settings
    from simulator import start_simulator
    from transforms.periods import months_of

    console.print(f"Generating the synthetic province (scale {scale}) and serving it on loopback…")
    with start_simulator(scale=scale, seed=seed) as sim:
        settings = resolve_settings(str(demo_config), sim.base_url)
        console.print(f"Simulator at {sim.base_url}. Collecting the four systems…")
        with _page_progress() as progress:
            collect_flow(config=str(demo_config), base_url=sim.base_url,
                         on_page=_progress_hook(progress))  # fmt: skip
        build_flow(period=year, config=str(demo_config))
        written = write_simulated_declarations(
            settings.declarations.dir / "simulated",
            [int(year)],
            seed=seed,
            existing=declaration_files(settings.declarations.dir),
            warehouse=settings.warehouse.path,
        )
        console.print(
            f"The province's agencies declared their facts: {len(written)} files under "
            f"{settings.declarations.dir}. Running the nightly flow for {year} and its months…"
        )
        periods = [year, *(m.label for m in months_of(int(year)))]
        return nightly_flow(periods=periods, config=str(demo_config), base_url=sim.base_url)


def _write_demo_config(workdir: Path, declarations: Path) -> Path:
    """A config for the demo: the packaged one with the warehouse and declarations
    under `workdir`."""
    from flows.settings import DEFAULT_CONFIG

    text = Path(os.environ.get("CHISO_CONFIG", DEFAULT_CONFIG)).read_text(encoding="utf-8")
    replacements = {
        'path = "var/chiso.duckdb"': f'path = "{(workdir / "chiso.duckdb").as_posix()}"',
        'snapshot_path = "var/published/chiso.duckdb"':
            f'snapshot_path = "{(workdir / "published" / "chiso.duckdb").as_posix()}"',
        'dir = "declarations"': f'dir = "{declarations.as_posix()}"',
    }  # fmt: skip
    for old, new in replacements.items():
        if old not in text:
            raise _fail(f"the configuration has no line {old!r} for the demo to redirect")
        text = text.replace(old, new)
    target = workdir / "chiso.toml"
    target.write_text(text, encoding="utf-8")
    return target


@app.command()
def score(
    framework: Annotated[str, typer.Option(help="e.g. par7-2024.")],
    period: Annotated[str, typer.Option(help="2024, 2024-Q1 or 2024-01.")],
    measures: Annotated[Path, typer.Option(help="CSV: unit,period,measure,value[,evidence].")],
    org_units: Annotated[Path | None, typer.Option(help="CSV: code,name,level,parent.")] = None,
    output: Annotated[
        OutputFormat, typer.Option("--format", help="table or json.")
    ] = OutputFormat.table,
) -> None:
    """Score a measures file without touching any source."""
    from flows.measures_file import score_measures_file
    from scoring.framework import FrameworkError, list_frameworks
    from scoring.render import dumps

    if framework not in list_frameworks():
        known = ", ".join(list_frameworks())
        raise _fail(f"unknown framework {quoted(framework)}; known: {known}")
    try:
        rows = score_measures_file(framework, period, measures, org_units)
    except InputFileError as exc:
        raise _fail(str(exc)) from None
    except (FrameworkError, ValueError) as exc:
        raise _fail(str(exc)) from None
    if output is OutputFormat.json:
        typer.echo(dumps(rows))
    else:
        print_scorecard(console, rows, f"{framework} — {period}")


@app.command()
def serve(config: ConfigOption = None) -> None:
    """Serve the nightly deployment on its schedule and the `rerun` deployment (Prefect)."""
    from prefect import serve as prefect_serve

    from flows.dispute_flows import rerun_deployment
    from flows.prefect_flows import nightly_deployment

    settings = checked_settings(config)
    console.print(
        f"Serving 'nightly' on cron {settings.schedule.nightly_cron} "
        f"({settings.schedule.timezone}), and 'rerun' (parameterised, started on demand)."
    )
    prefect_serve(nightly_deployment(settings), rerun_deployment())


def main() -> None:  # pragma: no cover - console entry point
    logging.basicConfig(level=logging.WARNING)
    app()
