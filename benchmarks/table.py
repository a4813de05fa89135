"""The ratio table and the run summary, printed with rich."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table


def fmt_ratio(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.3f}" if value < 0.1 else f"{value:.2f}"


def fmt_target(ratio: dict[str, Any]) -> str:
    if ratio["target"] is None:
        return "(none)"
    return f"{'≤' if ratio['op'] == '<=' else '≥'} {ratio['target']:g}"


def fmt_met(ratio: dict[str, Any]) -> str:
    if ratio["met"] is None:
        return "n/a" if ratio["target"] is None or ratio["value"] is None else ""
    return "met" if ratio["met"] else "MISSED"


def ratio_table(doc: dict[str, Any]) -> Table:
    state = "valid" if doc["valid"] else f"INVALID ({doc['invalid_reason']})"
    table = Table(title=f"size {doc['size']} — gate {doc['gate'].get('status')} — {state}")
    for column in ("ratio", "value", "target", ""):
        table.add_column(column, justify="left" if column == "ratio" else "right")
    for ratio in doc["ratios"]:
        met = fmt_met(ratio)
        style = "red" if met == "MISSED" else ("green" if met == "met" else None)
        table.add_row(ratio["label"], fmt_ratio(ratio["value"]), fmt_target(ratio), met,
                      style=style)  # fmt: skip
    return table


def runs_table(doc: dict[str, Any]) -> Table:
    table = Table(title=f"size {doc['size']}: seconds (median, min–max) and peak RSS")
    for column in ("scenario / system", "median s", "min–max s", "peak RSS MiB", "rows"):
        table.add_column(column, justify="left" if column.startswith("scen") else "right")
    for key, entry in doc["summary"].items():
        s = entry["seconds"]
        table.add_row(key, f"{s['median']:.2f}", f"{s['min']:.2f}–{s['max']:.2f}",
                      f"{entry['rss_peak_bytes']['median'] / 2**20:.0f}",
                      f"{entry['rows']:,.0f}")  # fmt: skip
    return table


def print_doc(doc: dict[str, Any], console: Console | None = None) -> None:
    console = console or Console()
    console.print(runs_table(doc))
    console.print(ratio_table(doc))
    overhead = doc.get("prefect_overhead", {})
    if overhead:
        text = ", ".join(f"{k} +{v['overhead']:.2f} s ({v['overhead_share']:.0%})"
                         for k, v in overhead.items())  # fmt: skip
        console.print(f"Prefect overhead (flow − plain): {text}")
