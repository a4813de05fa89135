"""`chiso report …`: the reports people submit, read from the published snapshot.

`report_app` is registered under `chiso report` by `flows/cli.py`; further report
commands are added to this same app. Each reads the analysts' snapshot named by the
configuration (`[warehouse] snapshot_path`), never the working warehouse.

The configuration is read here with `tomllib` rather than through `flows.settings`:
`reports/` may import only `warehouse` and `scoring` (ARCHITECTURE §2), and a report
needs one path from the file. The file is found as everywhere else: `--config`, else
`CHISO_CONFIG`, else the packaged `flows/chiso.toml`; relative paths are relative to
the working directory.
"""

from __future__ import annotations

import errno
import os
import re
import tomllib
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from reports.tables import ReportError, report_tables

PACKAGED_CONFIG = Path(__file__).resolve().parents[1] / "flows" / "chiso.toml"
DEFAULT_SNAPSHOT = Path("var/published/chiso.duckdb")

report_app = typer.Typer(
    help="Reports from the published snapshot (official tables).", no_args_is_help=True
)
console = Console(width=None if Console().is_terminal else 150)
err = Console(stderr=True, width=None if Console(stderr=True).is_terminal else 150)

ConfigOption = Annotated[
    str | None,
    typer.Option(
        "--config", help="A TOML config file (default: CHISO_CONFIG or the packaged one)."
    ),
]


def snapshot_path(config: str | None = None) -> Path:
    """The published snapshot the configuration names; ReportError if the file given
    cannot be read."""
    chosen = config or os.environ.get("CHISO_CONFIG")
    path = Path(chosen) if chosen else PACKAGED_CONFIG
    if not chosen and not path.is_file():
        return DEFAULT_SNAPSHOT
    if "\x00" in str(path):
        raise ReportError(f"the configuration path {_shown(str(path))} holds a NUL byte")
    try:
        with path.open("rb") as handle:
            document = tomllib.load(handle)
    except OSError as exc:
        if exc.errno == errno.ENAMETOOLONG:
            raise ReportError(
                f"the configuration file name {_shown(str(path))} is too long "
                f"({len(str(path)):,} characters)"
            ) from None
        raise ReportError(
            f"cannot read the configuration {_shown(str(path))}: {exc.strerror}"
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise ReportError(f"the configuration {_shown(str(path))} is not TOML: {exc}") from None
    except UnicodeDecodeError:
        raise ReportError(f"the configuration {_shown(str(path))} is not UTF-8 text") from None
    warehouse = document.get("warehouse", {})
    value = warehouse.get("snapshot_path") if isinstance(warehouse, dict) else None
    if value is None:
        return DEFAULT_SNAPSHOT
    if not isinstance(value, str):
        raise ReportError(f"{path}: [warehouse] snapshot_path must be a path")
    return Path(value)


def _shown(text: str, limit: int = 200, head: int = 60) -> str:
    """A user's value in a refusal: abbreviated when long, so it never floods the terminal."""
    if len(text) <= limit:
        return repr(text)
    return f"{text[:head]!r}… ({len(text):,} characters)"


_LONG_RUN = re.compile(r"\S{200,}")


def _fail(message: str) -> typer.Exit:
    readable = _LONG_RUN.sub(
        lambda m: f"{m.group()[:60]}… ({len(m.group()):,} characters)", message
    )
    err.print(f"[bold red]error:[/] {escape(readable)}", highlight=False, soft_wrap=True)
    return typer.Exit(2)


@report_app.command("tables")
def tables(
    framework: Annotated[str, typer.Option(help="par7-2024, nq17, dti-2024-dept, …")],
    period: Annotated[str, typer.Option(help="2024 (a year) or 2024-03 (a month, NQ17).")],
    out: Annotated[Path, typer.Option(help="Directory the .xlsx and .csv files go to.")],
    config: ConfigOption = None,
    unit: Annotated[
        str | None,
        typer.Option(help="A unit code: its criterion-by-criterion table (ranked frameworks)."),
    ] = None,
) -> None:
    """The official tables of a framework and period (.xlsx, and a CSV per table):
    PAR7's self-assessment, the NQ17 monthly report, the DTI and ITA-2018 rankings."""
    try:
        written = report_tables(snapshot_path(config), framework, period, out, unit)
    except ReportError as exc:
        raise _fail(str(exc)) from None
    for path in written:
        console.print(str(path), highlight=False)


@report_app.command("html")
def html(
    period: Annotated[
        str, typer.Option(help="2024 (a year, with its months for NQ17), 2024-Q1 or 2024-03.")
    ],
    out: Annotated[Path, typer.Option(help="Directory the scorecard and quality/ go to.")],
    config: ConfigOption = None,
    framework: Annotated[
        list[str] | None, typer.Option(help="Only this framework (repeatable; default: all).")
    ] = None,
    quality: Annotated[
        bool,
        typer.Option(
            "--quality/--no-quality", help="Run the data-quality checkpoint into OUT/quality."
        ),
    ] = True,
) -> None:
    """One self-contained HTML scorecard (works offline) of every framework scored in the
    period: totals, points lost, rankings, NQ17 rates against targets, every number's
    sources, and the data-quality report (Great Expectations Data Docs in OUT/quality).
    Exits 1 when a data-quality expectation failed (the page is written all the same)."""
    from reports.html import ScorecardError, write_report

    try:
        page, checked = write_report(snapshot_path(config), period, out, framework or None, quality)
    except (ReportError, ScorecardError, FileNotFoundError) as exc:
        raise _fail(str(exc)) from None
    console.print(str(page), highlight=False)
    if checked is None:
        return
    verdict = "passed" if checked.success else f"{len(checked.failed)} expectations failed"
    console.print(f"Data quality ({verdict}): {checked.docs_index}", highlight=False)
    for line in checked.failed:
        err.print(line, style="red", highlight=False, markup=False)
    if not checked.success:
        raise typer.Exit(1)
