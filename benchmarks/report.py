"""docs/PERFORMANCE.md and docs/performance.svg, written from the results JSON only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from benchmarks.table import fmt_met, fmt_ratio, fmt_target

CHART = "performance.svg"
STAGE_ORDER = ("fetch", "validate", "load", "transform", "score", "other")
SYSTEM_ORDER = ("chiso", "chiso-prefect", "floor", "dlt-parquet", "dlt-default")


def _mib(value: float) -> str:
    return f"{value / 2**20:,.0f}"


def _seconds(entry: dict[str, Any]) -> str:
    s = entry["seconds"]
    return f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f})"


def _size_section(doc: dict[str, Any]) -> list[str]:
    sim = doc["simulator"]
    state = "valid" if doc["valid"] else f"**INVALID** — {doc['invalid_reason']}"
    lines = [
        f"## Size {doc['size']}",
        "",
        f"Simulator scale {sim.get('scale')} (seed {sim.get('seed')}, years "
        f"{', '.join(map(str, sim.get('years', [])))}): {sim.get('records', 0):,} records, "
        f"{sim.get('dossiers', 0):,} dossiers. {doc['repeat']} repeat(s), interleaved; "
        f"run {doc['created_at']}, {doc['seconds']:.0f} s in all. "
        f"Correctness gate: **{doc['gate'].get('status')}** "
        f"({doc['gate'].get('message', '')[:300]}). Timings: {state}.",
        "",
        "| ratio | value | target | |",
        "|---|---:|---:|---|",
    ]
    for r in doc["ratios"]:
        met = fmt_met(r)
        shown = f"**{met}**" if met == "MISSED" else met
        note = f" ({r['note']})" if r["note"] else ""
        value = fmt_ratio(r["value"])
        lines.append(f"| {r['label']}{note} | {value} | {fmt_target(r)} | {shown} |")
    lines += [
        "",
        "| scenario / system | seconds, median (min–max) | peak RSS MiB | rows | requests |",
        "|---|---:|---:|---:|---:|",
    ]
    for key, entry in doc["summary"].items():
        lines.append(
            f"| {key} | {_seconds(entry)} | {_mib(entry['rss_peak_bytes']['median'])} | "
            f"{entry['rows']:,.0f} | {entry['requests']['median']:,.0f} |"
        )
    stage_rows = [(k, e) for k, e in doc["summary"].items() if k.split("/")[1].startswith("chiso")]
    if stage_rows:
        names = ["fetch", "validate", "load", "transform", "score", "other"]
        lines += ["", "Per stage (median seconds; exclusive within a thread; `other` is the "
                  "rest of the run: run records, declarations, revisions, quality checkpoint, "
                  "publishing, Prefect). Fetching runs in a thread per source beside "
                  "validation and loading, so the stages of a collect can add up to more "
                  "than the run; `other` is then 0:", "",
                  "| scenario / system | " + " | ".join(names) + " | parts |",
                  "|---|" + "---:|" * len(names) + "---|"]  # fmt: skip
        for key, entry in stage_rows:
            parts = ", ".join(f"{p} {v:.2f}" for p, v in entry["parts"].items())
            cells = " | ".join(f"{entry['stages'].get(n, 0.0):.2f}" for n in names)
            lines.append(f"| {key} | {cells} | {parts} |")
    dlt_rows = [(k, e) for k, e in doc["summary"].items() if "/dlt" in k]
    if dlt_rows:
        lines += ["", "dlt's own stages (median seconds):", "",
                  "| run | extract | normalize | load |", "|---|---:|---:|---:|"]  # fmt: skip
        for key, entry in dlt_rows:
            st = entry["stages"]
            lines.append(f"| {key} | {st.get('extract', 0):.2f} | {st.get('normalize', 0):.2f} "
                         f"| {st.get('load', 0):.2f} |")  # fmt: skip
    overhead = doc.get("prefect_overhead", {})
    if overhead:
        lines += ["", "Prefect overhead (the flows − the plain functions, same work, same data):",
                  "", "| scenario | plain s | flows s | overhead s | share of the flow run |",
                  "|---|---:|---:|---:|---:|"]  # fmt: skip
        for scenario, o in overhead.items():
            lines.append(f"| {scenario} | {o['plain']:.2f} | {o['flow']:.2f} | "
                         f"{o['overhead']:+.2f} | {o['overhead_share']:.0%} |")  # fmt: skip
    growth = sim.get("growth")
    if growth:
        history = [f"{k}: {v['records']:,} records (years {v['years'][0]}–{v['years'][-1]})"
                 for k, v in growth.items() if isinstance(v, dict)]  # fmt: skip
        lines += ["", f"Growth check (scale {growth.get('scale', sim.get('scale'))}): "
                  f"{'; '.join(history)}; "
                  f"{growth.get('changed_records', 0):,} records changed before each "
                  "incremental night (0.3 % of the 1× data, the same number at 8×)."]  # fmt: skip
    env = doc["environment"]
    versions = ", ".join(f"{k} {v}" for k, v in env["versions"].items() if v)
    machine = env["machine"]
    memory = machine.get("memory_bytes")
    lines += [
        "",
        f"Versions: {versions}. Machine: {machine.get('cpu_count')} CPUs "
        f"({machine.get('cpu_model')}), {memory / 2**30:.1f} GiB memory"
        if memory
        else f"Versions: {versions}. Machine: {machine.get('cpu_count')} CPUs",
        "",
    ]
    return lines


def chart(docs: list[dict[str, Any]]) -> Any:
    """Cold-year seconds per system and size, and chiso's stages per scenario."""
    import altair as alt
    import pandas as pd

    cold, stages = [], []
    for doc in docs:
        for key, entry in doc["summary"].items():
            scenario, system = key.split("/")
            if scenario == "cold":
                s = entry["seconds"]
                cold.append({"size": doc["size"], "system": system, "median": s["median"],
                             "min": s["min"], "max": s["max"]})  # fmt: skip
            if system == "chiso" and not scenario.startswith("growth"):
                for stage, value in entry["stages"].items():
                    stages.append({"size": doc["size"], "scenario": scenario, "stage": stage,
                                   "seconds": value,
                                   "order": STAGE_ORDER.index(stage)
                                   if stage in STAGE_ORDER else 99})  # fmt: skip
    cold_frame, stage_frame = pd.DataFrame(cold), pd.DataFrame(stages)
    order = [s for s in SYSTEM_ORDER if s in set(cold_frame.get("system", []))]
    base = alt.Chart(cold_frame).encode(y=alt.Y("system:N", sort=order, title=None))
    bars = base.mark_bar().encode(x=alt.X("median:Q", title="cold year, seconds (median)"),
                                  color=alt.Color("system:N", legend=None))  # fmt: skip
    rules = base.mark_rule().encode(x="min:Q", x2="max:Q")
    left = (bars + rules).properties(width=260, height=120).facet(row="size:N")
    right = alt.Chart(stage_frame).mark_bar().encode(
        x=alt.X("seconds:Q", stack="zero", title="chiso, seconds per stage (median)"),
        y=alt.Y("scenario:N", title=None),
        color=alt.Color("stage:N", scale=alt.Scale(domain=list(STAGE_ORDER)),
                        legend=alt.Legend(orient="bottom", title="stage")),
        order=alt.Order("order:Q"),
    ).properties(width=260, height=120).facet(row="size:N")  # fmt: skip
    both = alt.hconcat(left, right).resolve_scale(color="independent")
    return both.properties(title="chiso benchmark")


FINDINGS = Path(__file__).with_name("FINDINGS.md")
"""Why targets are missed and what would meet them, written by hand after a run."""


def write_report(docs: list[dict[str, Any]], docs_dir: Path) -> Path:
    import vl_convert as vlc

    docs_dir.mkdir(parents=True, exist_ok=True)
    svg = vlc.vegalite_to_svg(chart(docs).to_json())
    (docs_dir / CHART).write_text(svg, encoding="utf-8")
    lines = [
        "# Performance",
        "",
        "Generated by `python -m benchmarks report` from `benchmarks/results/*.json` "
        "(measured by `make bench` / `python -m benchmarks run`); do not edit by hand.",
        "",
        "What is measured: the cold year (empty warehouse: `collect --period 2024` and "
        "`build 2024`) by chiso's plain functions (`chiso`), by its Prefect flows "
        "(`chiso-prefect`), by dlt's REST API source into DuckDB with parquet load files "
        "(`dlt-parquet`) and with dlt's default (`dlt-default`), and the floor (`floor`: the "
        "same HTTP client fetching and decoding every page chiso requests, nothing else); "
        "then the nightly job again with no change, an incremental night (≈0.3 % of the "
        "records changed or new), the same with 5 % of requests answered 429, the rerun of "
        "PAR 7.3.6 for 2024, and the incremental night on 1× and 8× years of history. "
        "The simulator runs in a process of its own, every measured run in a fresh process "
        "(peak RSS is that process's) that imports its libraries before the clock starts "
        "(the import time is kept in the JSON as `import_seconds`). Runs are interleaved; "
        "medians with min–max. Ratios "
        "are taken within one session on the same machine; absolute seconds on a shared "
        "machine are noisy. dlt and the floor do not build measures or scores: the cold "
        "ratios compare chiso's collect + build to their collect (the collect-only ratios "
        "are given beside them).",
        "",
        f"![chart]({CHART})",
        "",
    ]
    for doc in docs:
        lines += _size_section(doc)
    if FINDINGS.is_file():
        # The reading of the figures is written by hand (benchmarks/FINDINGS.md): the
        # tables above are regenerated, the why behind a missed target is not.
        lines += ["", FINDINGS.read_text(encoding="utf-8").strip(), ""]
    page = docs_dir / "PERFORMANCE.md"
    page.write_text("\n".join(lines), encoding="utf-8")
    return page
