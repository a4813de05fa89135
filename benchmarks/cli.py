"""``python -m benchmarks run --sizes S,M [--only chiso] [--repeat N] [--out DIR]`` and
``python -m benchmarks report``."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

app = typer.Typer(add_completion=False, no_args_is_help=True, help=__doc__)
console = Console(width=None if sys.stdout.isatty() else 120)


@app.command()
def run(
    sizes: Annotated[str, typer.Option(help="Comma-separated: S, M, L.")] = "S,M",
    only: Annotated[str | None, typer.Option(help="'chiso': without dlt.")] = None,
    repeat: Annotated[int | None, typer.Option(min=1, help="Repeats per scenario.")] = None,
    out: Annotated[Path | None, typer.Option(help="Where the JSON goes.")] = None,
    workdir: Annotated[Path | None, typer.Option(help="Scratch space (default: temp).")] = None,
    keep: Annotated[bool, typer.Option(help="Keep the warehouses and logs.")] = False,
    growth: Annotated[bool, typer.Option(help="Run the 8× history check.")] = True,
    quick: Annotated[
        bool, typer.Option(help="Only the cold year and one incremental night, chiso only.")
    ] = False,
    dlt_default: Annotated[
        int | None,
        typer.Option(min=0, help="Runs of dlt's default loader (0: none; slow at L)."),
    ] = None,
) -> None:
    """Measure chiso, dlt and the floor at each size; write <out>/<size>.json."""
    from benchmarks import results
    from benchmarks.runner import Options, dlt_available, run_all
    from benchmarks.sizes import parse_sizes
    from benchmarks.table import print_doc

    if only not in (None, "chiso"):
        raise typer.BadParameter("--only takes 'chiso'")
    if quick:
        only, repeat = "chiso", repeat or 1
    if only is None and not dlt_available():
        console.print("[red]dlt is not installed (pip install -e '.[bench]'); "
                      "use --only chiso[/]")  # fmt: skip
        raise typer.Exit(2)
    try:
        chosen = parse_sizes(sizes)
    except ValueError as exc:
        raise typer.BadParameter(str(exc)) from None
    out_dir = out or results.RESULTS_DIR
    options = Options(
        repeat=repeat, only=only, workdir=workdir, keep=keep, growth=growth, quick=quick,
        dlt_default=dlt_default,
        log=lambda line: console.print(line, highlight=False, soft_wrap=True),
    )  # fmt: skip
    invalid = []
    for size_run in run_all(chosen, options):
        doc = results.document(size_run, only)
        path = results.write(doc, out_dir, [workdir] if workdir else [])
        print_doc(doc, console)
        console.print(f"results: {path}")
        if not doc["valid"]:
            invalid.append(f"{doc['size']}: {doc['invalid_reason']}")
    if invalid:
        console.print("[red]timings INVALID: " + "; ".join(invalid) + "[/]")
        raise typer.Exit(1)


@app.command()
def report(
    results_dir: Annotated[Path | None, typer.Option("--results", help="JSON directory.")] = None,
    docs: Annotated[Path, typer.Option(help="Where PERFORMANCE.md goes.")] = Path("docs"),
) -> None:
    """Write docs/PERFORMANCE.md and docs/performance.svg from the results."""
    from benchmarks import results
    from benchmarks.report import write_report

    docs_found = results.read_all(results_dir or results.RESULTS_DIR)
    if not docs_found:
        console.print("[red]no results: run `python -m benchmarks run` first[/]")
        raise typer.Exit(1)
    page = write_report(docs_found, docs)
    console.print(f"wrote {page}")
