"""The results of a run as JSON: runs, summaries, ratios against their targets,
versions and machine facts. Everything here is computed from the measured runs."""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks.runner import SizeRun, stamp
from benchmarks.setup import REPO
from benchmarks.stages import STAGES

SCHEMA = 1
RESULTS_DIR = Path(__file__).resolve().parent / "results"
PACKAGES = ("duckdb", "dlt", "pandas", "pyarrow", "prefect", "requests", "psutil")


@dataclass(frozen=True)
class Ratio:
    """`numerator` ÷ `denominator` (each a scenario/system median) against a target."""

    key: str
    label: str
    numerator: str
    denominator: str
    target: float | None = None
    op: str = "<="  # the ratio must be <= (or >=) the target
    note: str = ""


RATIOS: tuple[Ratio, ...] = (
    Ratio("cold_vs_dlt_parquet", "cold year: dlt parquet ÷ chiso (speed-up)",
          "cold/dlt-parquet", "cold/chiso", 5.0, ">="),
    Ratio("cold_vs_dlt_default", "cold year: dlt default ÷ chiso (speed-up)",
          "cold/dlt-default", "cold/chiso", None, ">="),
    Ratio("collect_vs_dlt_parquet", "cold collect only: dlt parquet ÷ chiso collect",
          "cold/dlt-parquet", "cold/chiso#collect", None, ">="),
    Ratio("cold_vs_floor", "cold year: chiso ÷ floor", "cold/chiso", "cold/floor", 1.5),
    Ratio("collect_vs_floor", "cold collect only: chiso collect ÷ floor",
          "cold/chiso#collect", "cold/floor", None),
    Ratio("incremental_vs_cold", "incremental night ÷ cold year",
          "incremental/chiso", "cold/chiso", 0.05),
    Ratio("nochange_vs_cold", "nightly with no change ÷ cold year",
          "nightly-nochange/chiso", "cold/chiso", None),
    Ratio("incremental_429_vs_incremental", "incremental night with 5 % 429 ÷ without",
          "incremental-429/chiso", "incremental/chiso", None),
    Ratio("rerun_vs_nightly", "rerun of one criterion ÷ nightly run (Prefect flows)",
          "rerun-criterion/chiso-prefect", "incremental/chiso-prefect", 0.10),
    Ratio("growth_incremental", "incremental night, 8× history ÷ 1×",
          "growth-8x-incremental/chiso", "growth-1x-incremental/chiso", 1.25, "<=",
          "“flat” read as at most 25 % slower"),
    Ratio("growth_rss", "peak RSS of a cold collect, 8× data ÷ 1×",
          "growth-8x-cold/chiso@rss", "growth-1x-cold/chiso@rss", 1.5),
    Ratio("growth_cold", "cold collect of everything, 8× data ÷ 1× (for scale)",
          "growth-8x-cold/chiso", "growth-1x-cold/chiso", None),
)  # fmt: skip

OVERHEAD_SCENARIOS = ("cold", "nightly-nochange", "incremental", "incremental-429")


def _package_version(name: str) -> str | None:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return None


def chiso_revision() -> str | None:
    """The checked-out commit, read from the repository's files (no git command)."""
    git = REPO / ".git"
    try:
        head = (git / "HEAD").read_text(encoding="utf-8").strip()
        if head.startswith("ref: "):
            ref = head[5:]
            loose = git / ref
            if loose.exists():
                return f"{ref.rsplit('/', 1)[-1]}@{loose.read_text(encoding='utf-8').strip()[:12]}"
            packed = (git / "packed-refs").read_text(encoding="utf-8")
            for line in packed.splitlines():
                if line.endswith(" " + ref):
                    return f"{ref.rsplit('/', 1)[-1]}@{line.split()[0][:12]}"
            return None
        return head[:12]
    except OSError:
        return None


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int | None:
    try:
        import psutil

        return int(psutil.virtual_memory().total)
    except ImportError:
        pass
    try:
        for line in Path("/proc/meminfo").read_text(encoding="utf-8").splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return None


def environment() -> dict[str, Any]:
    versions: dict[str, str | None] = {"python": platform.python_version()}
    versions.update({name: _package_version(name) for name in PACKAGES})
    versions["chiso"] = chiso_revision()
    return {
        "versions": versions,
        "machine": {
            "cpu_count": os.cpu_count(),
            "cpu_model": _cpu_model(),
            "memory_bytes": _memory_bytes(),
            "platform": platform.platform(),
            "load_average": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
        },
    }


def _spread(values: list[float]) -> dict[str, float | int]:
    return {
        "median": statistics.median(values),
        "min": min(values),
        "max": max(values),
        "n": len(values),
    }


def summarise(runs: Iterable[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Median and min–max per scenario/system: seconds, collect seconds, peak RSS, the
    stages and the other parts."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault(f"{run['scenario']}/{run['system']}", []).append(run)
    summary: dict[str, dict[str, Any]] = {}
    for key, members in groups.items():
        known = (*STAGES, "other")
        stage_names = sorted({s for m in members for s in m["stages"]},
                             key=lambda s: known.index(s) if s in known else 99)  # fmt: skip
        part_names = sorted({p for m in members for p in m["parts"]})
        summary[key] = {
            "seconds": _spread([m["seconds"] for m in members]),
            "rss_peak_bytes": _spread([float(m["rss_peak_bytes"]) for m in members]),
            "requests": _spread([float(m["requests"]) for m in members]),
            "rows": statistics.median([sum(m["rows"].values()) for m in members]),
            "stages": {s: statistics.median([m["stages"].get(s, 0.0) for m in members])
                       for s in stage_names},
            "parts": {p: statistics.median([m["parts"].get(p, 0.0) for m in members])
                      for p in part_names},
            "ok": all(m["ok"] for m in members),
        }  # fmt: skip
    return summary


def _value(summary: dict[str, dict[str, Any]], ref: str) -> float | None:
    """``scenario/system`` (median seconds), ``…#part`` (a part's median), ``…@rss``."""
    metric = "seconds"
    if "@" in ref:
        ref, metric = ref.split("@", 1)
    part = None
    if "#" in ref:
        ref, part = ref.split("#", 1)
    entry = summary.get(ref)
    if entry is None:
        return None
    if part is not None:
        value = entry["parts"].get(part)
        return None if value is None else float(value)
    if metric == "rss":
        return float(entry["rss_peak_bytes"]["median"])
    return float(entry["seconds"]["median"])


def ratios(summary: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for ratio in RATIOS:
        top, bottom = _value(summary, ratio.numerator), _value(summary, ratio.denominator)
        value = top / bottom if top is not None and bottom else None
        met: bool | None = None
        if value is not None and ratio.target is not None:
            met = value <= ratio.target if ratio.op == "<=" else value >= ratio.target
        out.append({
            "key": ratio.key, "label": ratio.label, "numerator": ratio.numerator,
            "denominator": ratio.denominator, "value": value, "target": ratio.target,
            "op": ratio.op, "met": met, "note": ratio.note,
        })  # fmt: skip
    return out


def prefect_overhead(summary: dict[str, dict[str, Any]]) -> dict[str, dict[str, float]]:
    """Flow time − plain time for the same work on the same data (medians)."""
    out = {}
    for scenario in OVERHEAD_SCENARIOS:
        plain, flow = summary.get(f"{scenario}/chiso"), summary.get(f"{scenario}/chiso-prefect")
        if plain is None or flow is None:
            continue
        p, f = plain["seconds"]["median"], flow["seconds"]["median"]
        out[scenario] = {"plain": p, "flow": f, "overhead": f - p,
                         "overhead_share": (f - p) / f if f else 0.0}  # fmt: skip
    return out


def document(run: SizeRun, only: str | None) -> dict[str, Any]:
    summary = summarise(run.runs)
    all_ok = all(r["ok"] for r in run.runs)
    gate_ok = run.gate.get("status") in ("passed", "skipped")
    return {
        "schema": SCHEMA,
        "size": run.size.name,
        "created_at": stamp(),
        "only": only or "all",
        "repeat": max((r["repeat"] for r in run.runs), default=-1) + 1,
        "simulator": run.simulator,
        "environment": environment(),
        "gate": run.gate,
        "valid": gate_ok and all_ok,
        "invalid_reason": None if gate_ok and all_ok else (
            f"gate {run.gate.get('status')}: {run.gate.get('message')}" if not gate_ok
            else "a run reported problems"),
        "seconds": run.seconds,
        "summary": summary,
        "ratios": ratios(summary),
        "prefect_overhead": prefect_overhead(summary),
        "runs": run.runs,
    }  # fmt: skip


def _scrubbed(text: str, extra: Iterable[Path] = ()) -> str:
    """`text` without this machine's paths (scratch, temp, repository, home)."""
    places = [(p, "<workdir>") for p in extra]
    places += [(Path(tempfile.gettempdir()), "<tmp>"), (REPO, "<repo>"), (Path.home(), "~")]
    for place, name in places:
        for form in {str(place), str(place.resolve())}:
            if len(form) > 1:
                text = text.replace(form, name)
    return text


def write(doc: dict[str, Any], out_dir: Path, scratch: Iterable[Path] = ()) -> Path:
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{doc['size']}.json"
    text = json.dumps(doc, indent=2, ensure_ascii=False) + "\n"
    path.write_text(_scrubbed(text, scratch), encoding="utf-8")
    return path


def read_all(out_dir: Path) -> list[dict[str, Any]]:
    order = {"S": 0, "M": 1, "L": 2}
    docs = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(out_dir.glob("*.json"))]
    return sorted((d for d in docs if d.get("schema") == SCHEMA),
                  key=lambda d: order.get(d["size"], 9))  # fmt: skip
