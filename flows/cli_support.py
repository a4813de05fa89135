"""What every chiso command shares: consoles, the --config option, operator errors
(one clear line, exit code 2), the collection progress bar."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeElapsedColumn

from connectors.base import Page
from connectors.endpoint import EndpointSpec
from flows.collect import PageHook
from flows.measures_file import InputFileError
from flows.settings import Settings, load_settings

# Off a terminal rich assumes 80 columns, too narrow for Vietnamese criterion names.
console = Console(width=None if Console().is_terminal else 150)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 150)

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", help="A TOML config file (default: CHISO_CONFIG or the packaged one)."
    ),
]


SHOWN_CHARACTERS = 60
# A run of this many characters without a space is a pasted value, not prose.
_LONG_QUOTED = re.compile(r"'([^'\s]{200,})'")
_LONG_RUN = re.compile(r"\S{200,}")


def abbreviated(text: str, limit: int = SHOWN_CHARACTERS) -> str:
    """`text`, or its first `limit` characters and how long it is."""
    if len(text) <= limit:
        return text
    return f"{text[:limit]}… ({len(text):,} characters)"


def quoted(value: object, limit: int = SHOWN_CHARACTERS) -> str:
    """A user's value as a refusal quotes it: its repr, abbreviated when long."""
    text = str(value)
    if len(text) <= limit:
        return repr(value)
    return f"{text[:limit]!r}… ({len(text):,} characters)"


def readable(message: str) -> str:
    """A refusal as the operator reads it: any very long value in it abbreviated."""
    message = _LONG_QUOTED.sub(lambda match: quoted(match.group(1)), message)
    return _LONG_RUN.sub(lambda match: abbreviated(match.group()), message)


def print_error(message: str) -> None:
    """`error: message` on stderr, printed as written (never read as rich markup)."""
    err.print(f"[bold red]error:[/] {escape(readable(message))}", highlight=False, soft_wrap=True)


def fail(message: str, code: int = 2) -> typer.Exit:
    print_error(message)
    return typer.Exit(code)


@contextmanager
def operator_errors() -> Iterator[None]:
    """Errors an operator can act on: one clear line and exit code 2, no traceback."""
    from connectors.errors import ConfigError
    from flows.overrides import OverrideError
    from flows.rerun import RerunError
    from transforms.periods import PeriodError
    from warehouse.connection import WarehouseBusy, WarehouseMissing

    try:
        yield
    except (
        WarehouseBusy,
        ConfigError,
        InputFileError,
        RerunError,
        OverrideError,
        PeriodError,
        WarehouseMissing,
    ) as exc:
        raise fail(str(exc)) from None


def checked_settings(config: str | None) -> Settings:
    """The settings of `--config`, read before any flow starts: a bad file is then one
    clear refusal, not a failed flow run with its traceback."""
    with operator_errors():
        return load_settings(Path(config) if config else None)


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
