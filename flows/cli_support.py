"""What every chiso command shares: consoles, the --config option, operator errors
(one clear line, exit code 2), the collection progress bar."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from connectors.base import Page
from connectors.endpoint import EndpointSpec
from flows.collect import PageHook
from flows.measures_file import InputFileError

# Off a terminal rich assumes 80 columns, too narrow for Vietnamese criterion names.
console = Console(width=None if Console().is_terminal else 150)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 150)

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", help="A TOML config file (default: CHISO_CONFIG or the packaged one)."
    ),
]


def fail(message: str, code: int = 2) -> typer.Exit:
    err.print(f"[bold red]error:[/] {message}", highlight=False)
    return typer.Exit(code)


@contextmanager
def operator_errors() -> Iterator[None]:
    """Errors an operator can act on: one clear line and exit code 2, no traceback."""
    from connectors.errors import ConfigError
    from flows.overrides import OverrideError
    from flows.rerun import RerunError
    from transforms.periods import PeriodError
    from warehouse.connection import WarehouseBusy

    try:
        yield
    except (
        WarehouseBusy,
        ConfigError,
        InputFileError,
        RerunError,
        OverrideError,
        PeriodError,
    ) as exc:
        raise fail(str(exc)) from None


@contextmanager
def page_progress() -> Iterator[Progress | None]:
    """A progress bar of pages and rows per endpoint (only on a terminal)."""
    progress = Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        TextColumn("{task.fields[rows]:>9,} rows, {task.completed:,.0f} pages"),
        TimeElapsedColumn(),
        console=err,
        transient=False,
    )
    with progress:
        yield progress


def progress_hook(progress: Progress | None) -> PageHook:
    tasks: dict[tuple[str, str], TaskID] = {}

    def on_page(spec: EndpointSpec, page: Page) -> None:
        if progress is None:
            return
        key = (spec.source, spec.entity)
        if key not in tasks:
            tasks[key] = progress.add_task(f"{spec.source} {spec.entity}", total=None, rows=0)
        task_id = tasks[key]
        rows = progress.tasks[task_id].fields["rows"] + page.row_count
        progress.update(task_id, advance=1, rows=rows)

    return on_page
